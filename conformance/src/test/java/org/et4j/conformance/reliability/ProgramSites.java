package org.et4j.conformance.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The places in a real .pte flatbuffer where a program says something the kernels act on: tensor
 * sizes, dtypes, dim orders, shape dynamism, memory ids and offsets, constant indices, scalar
 * arguments (ints, doubles, bools, int lists), value indices (kernel arguments, list items,
 * inputs, outputs, moves, jumps, frees), operator indices, jump destinations, the order of
 * instructions and the planned buffer sizes.
 *
 * <p>Found by walking the flatbuffer of a trusted file with et4j's schema (field order of
 * {@code program.fbs}); a mutation then rewrites one of them in place, so the damaged file still
 * parses and reaches the kernels instead of failing the loader's structural checks. The walker
 * reads raw bytes because the generated accessors do not expose positions.
 */
final class ProgramSites {
  /** What a site holds; decides the values a mutation writes there. */
  enum Kind {
    SIZE(4),
    DTYPE(1),
    DIM_ORDER(1),
    DYNAMISM(1),
    STORAGE_OFFSET(4),
    CONSTANT_INDEX(4),
    MEMORY_ID(4),
    MEMORY_OFFSET(4),
    INT(8),
    DOUBLE(8),
    BOOL(1),
    INT_LIST_ITEM(8),
    VALUE_INDEX(4),
    OPERATOR_INDEX(4),
    JUMP_DESTINATION(4),
    /** An entry of a chain's instruction vector: mutated by swapping with another entry. */
    INSTRUCTION(4),
    BUFFER_SIZE(8);

    final int width;

    Kind(int width) {
      this.width = width;
    }
  }

  /**
   * One field or vector element.
   *
   * @param group for {@link Kind#INSTRUCTION} the position of the chain's vector, so that swaps
   *     stay within one chain
   */
  record Site(Kind kind, int pos, String where, int group) {}

  private final ByteBuffer bb;
  final List<Site> sites = new ArrayList<>();
  /** Values per plan, for index mutations that point at a real but different value. */
  final List<Integer> valueCounts = new ArrayList<>();

  private ProgramSites(byte[] pte) {
    this.bb = ByteBuffer.wrap(pte).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Every site of {@code pte}, a program this project trusts (a committed fixture). */
  static ProgramSites of(byte[] pte) {
    ProgramSites s = new ProgramSites(pte);
    s.walkProgram(s.bb.getInt(0));
    return s;
  }

  // --- flatbuffer primitives: a table's field k lives at vtable slot 4 + 2k ---

  private int field(int table, int k) {
    int vtable = table - bb.getInt(table);
    int vtSize = Short.toUnsignedInt(bb.getShort(vtable));
    int slot = 4 + 2 * k;
    if (slot + 2 > vtSize) {
      return -1;
    }
    int off = Short.toUnsignedInt(bb.getShort(vtable + slot));
    return off == 0 ? -1 : table + off;
  }

  private int deref(int pos) {
    return pos + bb.getInt(pos);
  }

  /** Table or vector that field k refers to, or -1. */
  private int ref(int table, int k) {
    int f = field(table, k);
    return f < 0 ? -1 : deref(f);
  }

  private int length(int vector) {
    return vector < 0 ? 0 : bb.getInt(vector);
  }

  private void add(Kind kind, int pos, String where) {
    if (pos >= 0) {
      sites.add(new Site(kind, pos, where, -1));
    }
  }

  private void addVector(Kind kind, int vector, String where) {
    for (int i = 0; i < length(vector); i++) {
      add(kind, vector + 4 + i * kind.width, where + "[" + i + "]");
    }
  }

  // --- the schema ---

  private void walkProgram(int program) {
    int plans = ref(program, 1);
    for (int p = 0; p < length(plans); p++) {
      walkPlan(deref(plans + 4 + 4 * p), "plan " + p);
    }
  }

  private void walkPlan(int plan, String where) {
    int values = ref(plan, 2);
    int valueCount = length(values);
    valueCounts.add(valueCount);
    for (int v = 0; v < valueCount; v++) {
      walkValue(deref(values + 4 + 4 * v), where + " value " + v);
    }
    addVector(Kind.VALUE_INDEX, ref(plan, 3), where + " inputs");
    addVector(Kind.VALUE_INDEX, ref(plan, 4), where + " outputs");
    int chains = ref(plan, 5);
    for (int c = 0; c < length(chains); c++) {
      walkChain(deref(chains + 4 + 4 * c), where + " chain " + c);
    }
    addVector(Kind.BUFFER_SIZE, ref(plan, 8), where + " non_const_buffer_sizes");
  }

  private void walkValue(int value, String where) {
    int typeField = field(value, 0);
    if (typeField < 0) {
      return;
    }
    int type = Byte.toUnsignedInt(bb.get(typeField));
    int val = ref(value, 1);
    if (val < 0) {
      return;
    }
    switch (type) {
      case 2 -> add(Kind.INT, field(val, 0), where + " int");
      case 3 -> add(Kind.BOOL, field(val, 0), where + " bool");
      case 4 -> add(Kind.DOUBLE, field(val, 0), where + " double");
      case 5 -> walkTensor(val, where + " tensor");
      case 7 -> addVector(Kind.INT_LIST_ITEM, ref(val, 0), where + " int list");
      case 10, 11 -> addVector(Kind.VALUE_INDEX, ref(val, 0), where + " tensor list");
      default -> {
        // None, strings, double and bool lists: nothing a kernel indexes with
      }
    }
  }

  private void walkTensor(int t, String where) {
    add(Kind.DTYPE, field(t, 0), where + " scalar_type");
    add(Kind.STORAGE_OFFSET, field(t, 1), where + " storage_offset");
    addVector(Kind.SIZE, ref(t, 2), where + " sizes");
    addVector(Kind.DIM_ORDER, ref(t, 3), where + " dim_order");
    add(Kind.CONSTANT_INDEX, field(t, 5), where + " data_buffer_idx");
    int alloc = ref(t, 6);
    if (alloc >= 0) {
      add(Kind.MEMORY_ID, field(alloc, 0), where + " memory_id");
      add(Kind.MEMORY_OFFSET, field(alloc, 1), where + " memory_offset_low");
    }
    add(Kind.DYNAMISM, field(t, 8), where + " shape_dynamism");
  }

  private void walkChain(int chain, String where) {
    addVector(Kind.VALUE_INDEX, ref(chain, 0), where + " inputs");
    addVector(Kind.VALUE_INDEX, ref(chain, 1), where + " outputs");
    int instructions = ref(chain, 2);
    for (int i = 0; i < length(instructions); i++) {
      int entry = instructions + 4 + 4 * i;
      sites.add(new Site(Kind.INSTRUCTION, entry, where + " instruction " + i, instructions));
      walkInstruction(deref(entry), where + " instruction " + i);
    }
  }

  private void walkInstruction(int instruction, String where) {
    int typeField = field(instruction, 0);
    int args = ref(instruction, 1);
    if (typeField < 0 || args < 0) {
      return;
    }
    switch (Byte.toUnsignedInt(bb.get(typeField))) {
      case 1 -> {
        add(Kind.OPERATOR_INDEX, field(args, 0), where + " op_index");
        addVector(Kind.VALUE_INDEX, ref(args, 1), where + " kernel args");
      }
      case 2 -> addVector(Kind.VALUE_INDEX, ref(args, 1), where + " delegate args");
      case 3 -> {
        add(Kind.VALUE_INDEX, field(args, 0), where + " move_from");
        add(Kind.VALUE_INDEX, field(args, 1), where + " move_to");
      }
      case 4 -> {
        add(Kind.VALUE_INDEX, field(args, 0), where + " cond_value_index");
        add(Kind.JUMP_DESTINATION, field(args, 1), where + " destination");
      }
      case 5 -> add(Kind.VALUE_INDEX, field(args, 0), where + " free value_index");
      default -> {
        // no instruction of another kind exists
      }
    }
  }
}
