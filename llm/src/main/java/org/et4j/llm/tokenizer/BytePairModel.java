package org.et4j.llm.tokenizer;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hugging Face's BPE model: a word starts as one symbol per character and the ranked merges are
 * applied lowest rank first (leftmost first among equal ranks) until none applies, as tokenizers'
 * {@code Word::merge_all}. A heap keeps that O(n log n) per word so that a long run of one
 * character cannot stall encoding.
 *
 * <p>Immutable after construction; the word cache is a concurrent map, so one model serves many
 * threads.
 */
final class BytePairModel {
  /** Words longer than this are not cached (they are rare and would crowd the cache). */
  private static final int MAX_CACHED_WORD = 128;

  /** Cache entries kept at most; beyond, words are encoded afresh. */
  private static final int MAX_CACHE_ENTRIES = 100_000;

  private final Map<String, Integer> vocab;

  /** The id of each single BMP character token, -1 where there is none. */
  private final int[] charIds = new int[65536];

  private final PairTable merges;
  private final int[] mergeResult;
  private final String unkToken;
  private final boolean fuseUnk;
  private final boolean byteFallback;
  private final boolean ignoreMerges;
  private final String continuingSubwordPrefix;
  private final String endOfWordSuffix;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  BytePairModel(
      Map<String, Integer> vocab,
      int[][] mergePairs,
      String unkToken,
      boolean fuseUnk,
      boolean byteFallback,
      boolean ignoreMerges,
      String continuingSubwordPrefix,
      String endOfWordSuffix) {
    this.vocab = vocab;
    this.unkToken = unkToken;
    this.fuseUnk = fuseUnk;
    this.byteFallback = byteFallback;
    this.ignoreMerges = ignoreMerges;
    this.continuingSubwordPrefix = continuingSubwordPrefix;
    this.endOfWordSuffix = endOfWordSuffix;
    Arrays.fill(charIds, -1);
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      String token = e.getKey();
      if (token.length() == 1) {
        charIds[token.charAt(0)] = e.getValue();
      }
    }
    this.merges = new PairTable(mergePairs.length);
    this.mergeResult = new int[mergePairs.length];
    for (int rank = 0; rank < mergePairs.length; rank++) {
      // A merge listed twice keeps its last rank, as tokenizers' map (filled in order) does.
      merges.put(mergePairs[rank][0], mergePairs[rank][1], rank);
      mergeResult[rank] = mergePairs[rank][2];
    }
  }

  /** Appends the ids of one pre-tokenized piece to {@code out}. */
  void encode(String word, IntList out) {
    if (word.isEmpty()) {
      return;
    }
    int[] cached = cache.get(word);
    if (cached == null) {
      cached = encodeUncached(word);
      if (word.length() <= MAX_CACHED_WORD && cache.size() < MAX_CACHE_ENTRIES) {
        cache.put(word, cached);
      }
    }
    out.addAll(cached);
  }

  private int[] encodeUncached(String word) {
    if (ignoreMerges) {
      Integer whole = vocab.get(word);
      if (whole != null) {
        return new int[] {whole};
      }
    }
    IntList symbols = initialSymbols(word);
    return mergeAll(symbols.toArray());
  }

  /** One symbol per character; unknown characters become byte tokens, the unk token or nothing. */
  private IntList initialSymbols(String word) {
    IntList symbols = new IntList(word.length());
    boolean plain = continuingSubwordPrefix.isEmpty() && endOfWordSuffix.isEmpty();
    int pendingUnk = -1;
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      int next = i + Character.charCount(cp);
      int id;
      String piece = null;
      if (plain && cp < 65536) {
        id = charIds[cp];
      } else {
        piece = word.substring(i, next);
        if (i > 0) {
          piece = continuingSubwordPrefix + piece;
        }
        if (next == word.length()) {
          piece = piece + endOfWordSuffix;
        }
        Integer found = vocab.get(piece);
        id = found == null ? -1 : found;
      }
      if (id >= 0) {
        if (pendingUnk >= 0) {
          symbols.add(pendingUnk);
          pendingUnk = -1;
        }
        symbols.add(id);
      } else if (!(byteFallback && addByteTokens(word.substring(i, next), symbols, pendingUnk))) {
        if (unkToken != null) {
          Integer unk = vocab.get(unkToken);
          if (unk == null) {
            throw new IllegalStateException("unk_token " + unkToken + " is not in the vocabulary");
          }
          if (pendingUnk >= 0 && !fuseUnk) {
            symbols.add(pendingUnk);
          }
          pendingUnk = unk;
        }
        // Without an unk token, tokenizers drops the character; so does et4j.
      } else {
        pendingUnk = -1;
      }
      i = next;
    }
    if (pendingUnk >= 0) {
      symbols.add(pendingUnk);
    }
    return symbols;
  }

  /** The {@code <0xXX>} tokens of a character's UTF-8 bytes, if all are in the vocabulary. */
  private boolean addByteTokens(String character, IntList symbols, int pendingUnk) {
    byte[] bytes = character.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int b = 0; b < bytes.length; b++) {
      Integer id = vocab.get(String.format("<0x%02X>", bytes[b] & 0xFF));
      if (id == null) {
        return false;
      }
      ids[b] = id;
    }
    if (pendingUnk >= 0) {
      symbols.add(pendingUnk);
    }
    symbols.addAll(ids);
    return true;
  }

  /** Applies merges by rank to the symbols; see the class comment. */
  private int[] mergeAll(int[] ids) {
    int n = ids.length;
    if (n < 2) {
      return ids;
    }
    int[] prev = new int[n];
    int[] next = new int[n];
    boolean[] dead = new boolean[n];
    LongHeap heap = new LongHeap(n);
    for (int i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
      if (i + 1 < n) {
        int rank = merges.get(ids[i], ids[i + 1]);
        if (rank >= 0) {
          heap.push(((long) rank << 32) | i);
        }
      }
    }
    int alive = n;
    while (!heap.isEmpty()) {
      long top = heap.pop();
      int rank = (int) (top >>> 32);
      int pos = (int) top;
      if (dead[pos] || next[pos] < 0) {
        continue;
      }
      int right = next[pos];
      if (merges.get(ids[pos], ids[right]) != rank) {
        continue; // stale: one side was merged since this pair was queued
      }
      ids[pos] = mergeResult[rank];
      dead[right] = true;
      alive--;
      next[pos] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = pos;
      }
      if (prev[pos] >= 0) {
        int r = merges.get(ids[prev[pos]], ids[pos]);
        if (r >= 0) {
          heap.push(((long) r << 32) | prev[pos]);
        }
      }
      if (next[pos] >= 0) {
        int r = merges.get(ids[pos], ids[next[pos]]);
        if (r >= 0) {
          heap.push(((long) r << 32) | pos);
        }
      }
    }
    int[] out = new int[alive];
    int k = 0;
    for (int i = 0; i >= 0; i = next[i]) {
      out[k++] = ids[i];
    }
    return out;
  }

  /** Open-addressing map from an id pair to a merge rank. */
  private static final class PairTable {
    private final long[] keys;
    private final int[] values;
    private final int mask;

    PairTable(int expected) {
      int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
      keys = new long[capacity];
      values = new int[capacity];
      Arrays.fill(keys, -1L);
      mask = capacity - 1;
    }

    void put(int left, int right, int value) {
      long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
      int slot = hash(key) & mask;
      while (keys[slot] != -1L) {
        if (keys[slot] == key) {
          values[slot] = value;
          return;
        }
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = value;
    }

    int get(int left, int right) {
      long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
      int slot = hash(key) & mask;
      while (true) {
        long k = keys[slot];
        if (k == key) {
          return values[slot];
        }
        if (k == -1L) {
          return -1;
        }
        slot = (slot + 1) & mask;
      }
    }

    private static int hash(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }

  /** A binary min-heap of longs (rank in the high half, position in the low half). */
  private static final class LongHeap {
    private long[] items;
    private int size;

    LongHeap(int capacity) {
      items = new long[Math.max(4, capacity)];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(long value) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (items[parent] <= value) {
          break;
        }
        items[i] = items[parent];
        i = parent;
      }
      items[i] = value;
    }

    long pop() {
      long top = items[0];
      long last = items[--size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && items[child + 1] < items[child]) {
          child++;
        }
        if (items[child] >= last) {
          break;
        }
        items[i] = items[child];
        i = child;
      }
      if (size > 0) {
        items[i] = last;
      }
      return top;
    }
  }
}
