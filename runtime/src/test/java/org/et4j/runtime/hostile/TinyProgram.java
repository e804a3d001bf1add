package org.et4j.runtime.hostile;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.et4j.schema.program.AllocationDetails;
import org.et4j.schema.program.Chain;
import org.et4j.schema.program.DataSegment;
import org.et4j.schema.program.EInt;
import org.et4j.schema.program.EIntList;
import org.et4j.schema.program.EValue;
import org.et4j.schema.program.ExecutionPlan;
import org.et4j.schema.program.ExtraTensorInfo;
import org.et4j.schema.program.Instruction;
import org.et4j.schema.program.InstructionArguments;
import org.et4j.schema.program.JumpFalseCall;
import org.et4j.schema.program.KernelCall;
import org.et4j.schema.program.KernelTypes;
import org.et4j.schema.program.NamedData;
import org.et4j.schema.program.Operator;
import org.et4j.schema.program.Program;
import org.et4j.schema.program.SubsegmentOffsets;
import org.et4j.schema.program.Tensor;

/**
 * Writes small .pte (and .ptd) files with FlatBufferBuilder, for crafted hostile cases with one
 * known defect each. {@link #add()} starts from a valid program, {@code out = x + y} on float32[2]
 * with every tensor planned in buffer 1, that loads and runs with the dummy kernels; tests then
 * change one field.
 */
public final class TinyProgram {
  /** One serialized tensor; fields as in program.fbs. */
  public static final class T {
    byte scalarType = 6; // float32
    int[] sizes = {2};
    byte[] dimOrder = {0};
    int dataBufferIdx;
    public Long memoryId = 1L; // null: no allocation_info
    long memoryOffset;
    byte dynamism;
    String fqn;
    boolean external;

    T offset(long o) {
      memoryOffset = o;
      return this;
    }
  }

  /** An Int value. */
  record I(long value) {}

  /** A Double value. */
  record D(double value) {}

  /** An IntList value: indices of Int values. */
  record IL(long... items) {}

  /** A TensorList value: indices of tensor values. */
  record TL(int... items) {}

  /** A KernelCall; a {@code null} args vector is left out. */
  record Kernel(int op, int... args) {}

  record JumpFalse(int cond, int destination) {}

  /** An instruction with a type tag but no value table. */
  record Hollow(byte type) {}

  final List<Object> values = new ArrayList<>();
  int[] inputs = {0, 1};
  int[] outputs = {3};
  List<String[]> operators = new ArrayList<>();
  List<Object> instructions = new ArrayList<>();
  public long[] bufferSizes = {0, 24};
  /** Segment payloads, laid out one after the other behind the program (16-aligned). */
  List<byte[]> segments = new ArrayList<>();
  long[] constantOffsets = {0};
  List<String[]> namedData = new ArrayList<>(); // {key, segment index}
  /** Extended header: written when true, or when there are segments. */
  boolean extendedHeader;

  public static TinyProgram add() {
    TinyProgram p = new TinyProgram();
    p.values.add(new T().offset(0));
    p.values.add(new T().offset(8));
    p.values.add(new I(1));
    p.values.add(new T().offset(16));
    p.operators.add(new String[] {"aten::add", "out"});
    p.instructions.add(new Kernel(0, 0, 1, 2, 3, 3));
    return p;
  }

  public T tensor(int valueIndex) {
    return (T) values.get(valueIndex);
  }

  /** The .pte bytes. */
  public byte[] build() {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int[] vals = new int[values.size()];
    for (int i = 0; i < vals.length; i++) {
      vals[i] = value(b, values.get(i));
    }
    int[] ops = new int[operators.size()];
    for (int i = 0; i < ops.length; i++) {
      int name = b.createString(operators.get(i)[0]);
      int overload = b.createString(operators.get(i)[1]);
      ops[i] = Operator.createOperator(b, name, overload);
    }
    int[] ins = new int[instructions.size()];
    for (int i = 0; i < ins.length; i++) {
      ins[i] = instruction(b, instructions.get(i));
    }
    int chain =
        Chain.createChain(
            b,
            Chain.createInputsVector(b, new int[0]),
            Chain.createOutputsVector(b, new int[0]),
            Chain.createInstructionsVector(b, ins),
            0);
    int plan =
        ExecutionPlan.createExecutionPlan(
            b,
            b.createString("forward"),
            0,
            ExecutionPlan.createValuesVector(b, vals),
            ExecutionPlan.createInputsVector(b, inputs),
            ExecutionPlan.createOutputsVector(b, outputs),
            ExecutionPlan.createChainsVector(b, new int[] {chain}),
            ExecutionPlan.createOperatorsVector(b, ops),
            0,
            ExecutionPlan.createNonConstBufferSizesVector(b, bufferSizes),
            0);
    long[] segmentOffsets = new long[segments.size()];
    int[] segs = new int[segments.size()];
    long at = 0;
    for (int i = 0; i < segs.length; i++) {
      at = align(at, 16);
      segmentOffsets[i] = at;
      segs[i] = DataSegment.createDataSegment(b, at, segments.get(i).length);
      at += segments.get(i).length;
    }
    int constantSegment =
        SubsegmentOffsets.createSubsegmentOffsets(b, 0, SubsegmentOffsets.createOffsetsVector(b, constantOffsets));
    int[] named = new int[namedData.size()];
    for (int i = 0; i < named.length; i++) {
      named[i] =
          NamedData.createNamedData(b, b.createString(namedData.get(i)[0]), Long.parseLong(namedData.get(i)[1]));
    }
    int root =
        Program.createProgram(
            b,
            0,
            Program.createExecutionPlanVector(b, new int[] {plan}),
            0,
            0,
            Program.createSegmentsVector(b, segs),
            constantSegment,
            0,
            named.length == 0 ? 0 : Program.createNamedDataVector(b, named));
    Program.finishProgramBuffer(b, root);
    byte[] flatbuffer = b.sizedByteArray();
    if (!extendedHeader && segments.isEmpty()) {
      return flatbuffer;
    }
    // Insert "eh00" after the identifier, as ExecuTorch's writer does; only the root offset crosses it.
    int headerLength = 32;
    int programSize = flatbuffer.length + headerLength;
    long base = segments.isEmpty() ? 0 : align(programSize, 128);
    ByteBuffer out = ByteBuffer.allocate((int) (segments.isEmpty() ? programSize : base + at)).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(0, ByteBuffer.wrap(flatbuffer).order(ByteOrder.LITTLE_ENDIAN).getInt(0) + headerLength);
    out.put(4, flatbuffer, 4, 4);
    out.put(8, "eh00".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.putInt(12, headerLength);
    out.putLong(16, programSize);
    out.putLong(24, base);
    out.putLong(32, segments.isEmpty() ? 0 : at);
    out.put(8 + headerLength, flatbuffer, 8, flatbuffer.length - 8);
    for (int i = 0; i < segments.size(); i++) {
      out.put((int) (base + segmentOffsets[i]), segments.get(i));
    }
    return out.array();
  }

  private static long align(long x, long a) {
    return (x + a - 1) / a * a;
  }

  private static int value(FlatBufferBuilder b, Object v) {
    return switch (v) {
      case T t -> EValue.createEValue(b, KernelTypes.Tensor, tensor(b, t));
      case I i -> EValue.createEValue(b, KernelTypes.EInt, EInt.createEInt(b, i.value()));
      case D d ->
          EValue.createEValue(
              b, KernelTypes.EDouble, org.et4j.schema.program.EDouble.createEDouble(b, d.value()));
      case IL l -> EValue.createEValue(b, KernelTypes.EIntList, EIntList.createEIntList(b, EIntList.createItemsVector(b, l.items())));
      case TL l ->
          EValue.createEValue(
              b,
              KernelTypes.ETensorList,
              org.et4j.schema.program.ETensorList.createETensorList(
                  b, org.et4j.schema.program.ETensorList.createItemsVector(b, l.items())));
      default -> throw new IllegalArgumentException(String.valueOf(v));
    };
  }

  private static int tensor(FlatBufferBuilder b, T t) {
    int sizes = Tensor.createSizesVector(b, t.sizes);
    int dimOrder = Tensor.createDimOrderVector(b, t.dimOrder);
    int extra = 0;
    if (t.fqn != null) {
      extra = ExtraTensorInfo.createExtraTensorInfo(b, 0, b.createString(t.fqn), (byte) (t.external ? 1 : 0), (byte) 0, (byte) 0);
    }
    int alloc = 0;
    if (t.memoryId != null) {
      alloc = AllocationDetails.createAllocationDetails(b, t.memoryId, t.memoryOffset & 0xFFFFFFFFL, t.memoryOffset >>> 32);
    }
    return Tensor.createTensor(b, t.scalarType, 0, sizes, dimOrder, false, t.dataBufferIdx, alloc, (byte) 0, t.dynamism, extra);
  }

  private static int instruction(FlatBufferBuilder b, Object ins) {
    return switch (ins) {
      case Kernel k ->
          Instruction.createInstruction(
              b, InstructionArguments.KernelCall, KernelCall.createKernelCall(b, k.op(), KernelCall.createArgsVector(b, k.args())));
      case JumpFalse j ->
          Instruction.createInstruction(
              b, InstructionArguments.JumpFalseCall, JumpFalseCall.createJumpFalseCall(b, j.cond(), j.destination()));
      case Hollow h -> Instruction.createInstruction(b, h.type(), 0);
      default -> throw new IllegalArgumentException(String.valueOf(ins));
    };
  }

  /**
   * A program whose values table has {@code n} entries that all share one int list of {@code n}
   * items: {@code 12 n} bytes on disk, {@code n * n} list items if every entry were expanded.
   */
  static byte[] sharedIntList(int n) {
    FlatBufferBuilder b = new FlatBufferBuilder(16 * n + 1024);
    int zero = EValue.createEValue(b, KernelTypes.EInt, EInt.createEInt(b, 0));
    int list = EValue.createEValue(b, KernelTypes.EIntList, EIntList.createEIntList(b, EIntList.createItemsVector(b, new long[n])));
    int[] entries = new int[n];
    Arrays.fill(entries, list);
    entries[0] = zero;
    int values = ExecutionPlan.createValuesVector(b, entries);
    int plan =
        ExecutionPlan.createExecutionPlan(
            b,
            b.createString("forward"),
            0,
            values,
            ExecutionPlan.createInputsVector(b, new int[0]),
            ExecutionPlan.createOutputsVector(b, new int[] {1}),
            0,
            0,
            0,
            ExecutionPlan.createNonConstBufferSizesVector(b, new long[] {0}),
            0);
    int root = Program.createProgram(b, 0, Program.createExecutionPlanVector(b, new int[] {plan}), 0, 0, 0, 0, 0, 0);
    Program.finishProgramBuffer(b, root);
    return b.sizedByteArray();
  }

  /**
   * Two jumps: the first reads an all-true bool constant of {@code n} elements and falls
   * through, the second jumps back to it on a false flag (planned, zero).
   */
  static byte[] tensorConditionLoop(int n) {
    TinyProgram p = new TinyProgram();
    T big = new T();
    big.scalarType = 11;
    big.sizes = new int[] {n};
    big.memoryId = null;
    big.dataBufferIdx = 1;
    T flag = new T();
    flag.scalarType = 11;
    flag.sizes = new int[] {1};
    p.values.add(big);
    p.values.add(flag);
    p.inputs = new int[0];
    p.outputs = new int[] {1};
    p.bufferSizes = new long[] {0, 16};
    byte[] ones = new byte[n];
    Arrays.fill(ones, (byte) 1);
    p.segments.add(ones);
    p.constantOffsets = new long[] {0, 0};
    p.instructions.add(new JumpFalse(0, 2));
    p.instructions.add(new JumpFalse(1, 0));
    return p.build();
  }

  /**
   * A method with no instructions over {@code tensors} distinct tensor values that all view the
   * same 4 MiB of planned memory, float32[1024, 256, 4] in dim order (0, 2, 1), so not
   * contiguous. Its one output is a tensor list of {@code items} entries over them; with no
   * items, the tensors themselves are the outputs.
   */
  static byte[] overlappingTensors(int tensors, int items) {
    TinyProgram p = new TinyProgram();
    T t = new T();
    t.sizes = new int[] {1024, 256, 4};
    t.dimOrder = new byte[] {0, 2, 1};
    for (int i = 0; i < tensors; i++) {
      p.values.add(t);
    }
    int[] list = new int[items];
    for (int i = 0; i < items; i++) {
      list[i] = i % tensors;
    }
    p.inputs = new int[0];
    if (items > 0) {
      p.values.add(new TL(list));
      p.outputs = new int[] {tensors};
    } else {
      p.outputs = new int[tensors];
      for (int i = 0; i < tensors; i++) {
        p.outputs[i] = i;
      }
    }
    p.bufferSizes = new long[] {0, 4L << 20};
    return p.build();
  }

  /** A .ptd: FT01 with its FH01 header; entries {key, layout dtype, sizes} over the given blobs. */
  static final class TinyData {
    record Entry(String key, int segment, byte scalarType, int[] sizes) {}

    final List<Entry> entries = new ArrayList<>();
    final List<byte[]> blobs = new ArrayList<>();
    int version;

    TinyData entry(String key, byte[] blob, byte scalarType, int... sizes) {
      blobs.add(blob);
      entries.add(new Entry(key, blobs.size() - 1, scalarType, sizes));
      return this;
    }

    public byte[] build() {
      FlatBufferBuilder b = new FlatBufferBuilder(512);
      int[] segs = new int[blobs.size()];
      long[] offsets = new long[blobs.size()];
      long at = 0;
      for (int i = 0; i < segs.length; i++) {
        at = align(at, 16);
        offsets[i] = at;
        segs[i] = org.et4j.schema.flattensor.DataSegment.createDataSegment(b, at, blobs.get(i).length);
        at += blobs.get(i).length;
      }
      int[] named = new int[entries.size()];
      for (int i = 0; i < named.length; i++) {
        Entry e = entries.get(i);
        byte[] order = new byte[e.sizes().length];
        for (int d = 0; d < order.length; d++) {
          order[d] = (byte) d;
        }
        int layout =
            org.et4j.schema.flattensor.TensorLayout.createTensorLayout(
                b,
                e.scalarType(),
                org.et4j.schema.flattensor.TensorLayout.createSizesVector(b, e.sizes()),
                org.et4j.schema.flattensor.TensorLayout.createDimOrderVector(b, order));
        named[i] = org.et4j.schema.flattensor.NamedData.createNamedData(b, b.createString(e.key()), e.segment(), layout);
      }
      int root =
          org.et4j.schema.flattensor.FlatTensor.createFlatTensor(
              b,
              version,
              org.et4j.schema.flattensor.FlatTensor.createSegmentsVector(b, segs),
              org.et4j.schema.flattensor.FlatTensor.createNamedDataVector(b, named));
      b.finish(root, "FT01");
      byte[] fb = b.sizedByteArray();
      int headerLength = 40;
      int region = fb.length + headerLength;
      long base = align(region, 128);
      ByteBuffer out = ByteBuffer.allocate((int) (base + at)).order(ByteOrder.LITTLE_ENDIAN);
      out.putInt(0, ByteBuffer.wrap(fb).order(ByteOrder.LITTLE_ENDIAN).getInt(0) + headerLength);
      out.put(4, fb, 4, 4);
      out.put(8, "FH01".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.putInt(12, headerLength);
      out.putLong(16, 8 + headerLength);
      out.putLong(24, fb.length - 8);
      out.putLong(32, base);
      out.putLong(40, at);
      out.put(8 + headerLength, fb, 8, fb.length - 8);
      for (int i = 0; i < blobs.size(); i++) {
        out.put((int) (base + offsets[i]), blobs.get(i));
      }
      return out.array();
    }
  }

  /** {@code n} little-endian float32 values. */
  static byte[] floats(float... v) {
    ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      bb.putFloat(f);
    }
    return bb.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "TinyProgram" + Arrays.toString(inputs);
  }
}
