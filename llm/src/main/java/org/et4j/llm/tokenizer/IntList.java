package org.et4j.llm.tokenizer;

import java.util.Arrays;

/** A growable list of ints, so that encoding does not box every id. */
final class IntList {
  private int[] items;
  private int size;

  IntList(int capacity) {
    items = new int[Math.max(4, capacity)];
  }

  void add(int value) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    items[size++] = value;
  }

  void addAll(int[] values) {
    if (size + values.length > items.length) {
      items = Arrays.copyOf(items, Math.max(size * 2, size + values.length));
    }
    System.arraycopy(values, 0, items, size, values.length);
    size += values.length;
  }

  int[] toArray() {
    return Arrays.copyOf(items, size);
  }
}
