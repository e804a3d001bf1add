package org.et4j.backends.xnnpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.et4j.backends.xnnpack.XnnTinyGraph.Constant;
import org.et4j.backends.xnnpack.XnnTinyGraph.Nod;
import org.et4j.backends.xnnpack.XnnTinyGraph.Val;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.Value;
import org.et4j.schema.xnnpack.Node1x1;
import org.et4j.schema.xnnpack.XNNStaticReshape;
import org.et4j.schema.xnnpack.XNNStaticTranspose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One defect per payload, each written with {@link XnnTinyGraph} or patched into a real payload,
 * each with the error code ExecuTorch's XNNPACK delegate gives it and a message naming the node or
 * value. The valid tiny graphs are run first so that every defect is the only thing wrong.
 */
class XnnCraftedPayloadTest {
  @BeforeAll
  static void limits() {
    XnnPayloadHarness.init();
  }

  private static ExecuTorchException initFails(byte[] payload) {
    return initFails(payload, Map.of());
  }

  private static ExecuTorchException initFails(byte[] payload, Map<String, byte[]> named) {
    ExecuTorchException e = catchThrowableOfType(ExecuTorchException.class,
        () -> new XnnpackBackend().init(XnnPayloadFixtures.context(named), MemorySegment.ofArray(payload), List.of()));
    assertThat(e).as("init of a defective payload").isNotNull();
    XnnPayloadHarness.accept(e, "init");
    return e;
  }

  private static DelegateHandle init(byte[] payload) {
    return new XnnpackBackend().init(XnnPayloadFixtures.context(Map.of()), MemorySegment.ofArray(payload), List.of());
  }

  private static Value[] floatArgs(Arena arena, int... sizesOfEach) {
    Value[] args = new Value[sizesOfEach.length];
    for (int i = 0; i < args.length; i++) {
      MemorySegment s = arena.allocate(4L * sizesOfEach[i], 16);
      for (int k = 0; k < sizesOfEach[i]; k++) {
        s.setAtIndex(ValueLayout.JAVA_FLOAT, k, k + 1);
      }
      args[i] = Value.ofTensor(org.et4j.runtime.kernel.TensorImpl.contiguous(
          org.et4j.runtime.ScalarType.FLOAT, new int[] {2, 3}, s));
    }
    return args;
  }

  // ---- the baselines: what every defect below starts from ----

  @Test
  void tinyGraphsRun() {
    try (Arena arena = Arena.ofConfined(); DelegateHandle h = init(XnnTinyGraph.add().build())) {
      Value[] args = floatArgs(arena, 6, 6, 6);
      h.execute(args);
      assertThat(args[2].toTensor().data().getAtIndex(ValueLayout.JAVA_FLOAT, 5)).isEqualTo(12f);
    }
    try (Arena arena = Arena.ofConfined(); DelegateHandle h = init(XnnTinyGraph.addConstant().build())) {
      Value[] args = floatArgs(arena, 6, 6);
      h.execute(args);
      assertThat(args[1].toTensor().data().getAtIndex(ValueLayout.JAVA_FLOAT, 5)).isEqualTo(12f);
    }
  }

  @Test
  void realPayloadInitialises() {
    XnnPayloadFixtures.Payload p = XnnPayloadFixtures.named("mul2.xnnpack");
    assertThat(XnnPayloadHarness.direct(p.bytes(), p.namedData())).isEqualTo(XnnPayloadHarness.Outcome.EXECUTED);
  }

  // ---- header and flatbuffer ----

  private static byte[] realPayload() {
    return XnnPayloadFixtures.named("mul2.xnnpack").bytes().clone();
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void headerFlatbufferPastTheEnd() {
    byte[] b = realPayload();
    le(b).putInt(14, b.length); // flatbuffer_size: from offset 32, runs past the end
    ExecuTorchException e = initFails(b);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("XH00 header puts the flatbuffer", "outside the payload of " + b.length);
    byte[] c = realPayload();
    le(c).putInt(10, Integer.MAX_VALUE); // flatbuffer_offset
    assertThat(initFails(c).getMessage()).contains("XH00 header puts the flatbuffer at bytes [2147483647");
  }

  @Test
  void headerConstantDataPastTheEnd() {
    byte[] b = realPayload();
    le(b).putLong(22, 1L << 40);
    ExecuTorchException e = initFails(b);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("constant data at bytes", "+1099511627776)");
    byte[] c = realPayload();
    le(c).putLong(22, -1L); // u64 max: must not be read as a negative size that passes
    assertThat(initFails(c).getMessage()).contains("+18446744073709551615)");
  }

  @Test
  void wrongFlatbufferIdentifier() {
    byte[] b = realPayload();
    int fb = le(b).getInt(10);
    b[fb + 4] = 'X';
    b[fb + 5] = 'X';
    b[fb + 6] = '9';
    b[fb + 7] = '9';
    ExecuTorchException e = initFails(b);
    // XNNCompiler returns DelegateInvalidCompatibility for an identifier other than XN00/XN01.
    assertThat(e.errorCode()).isEqualTo(ErrorCode.DELEGATE_INVALID_COMPATIBILITY);
    assertThat(e.getMessage()).contains("identifier is 'XX99'");
  }

  // ---- values ----

  @Test
  void illegalValueFlagBits() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.value(1).flags = 0x5;
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 1 (id 1)", "unsupported flag bits 0x5");
  }

  @Test
  void externalIdPastNumExterns() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.value(2).externalId = 3;
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 2 (id 2)", "external_id 3 outside 0..2");
  }

  @Test
  void tooManyExterns() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.numExterns = 4097;
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("num_externs 4097 exceeds the maximum of 4096");
  }

  @Test
  void rankOverSix() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.value(0).dims = new long[] {1, 1, 1, 1, 1, 2, 3};
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 0 (id 0)", "7 dims, XNNPACK supports at most 6");
  }

  @Test
  void hugeDims() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.value(1).dims = new long[] {0xFFFFFFFFL, 3};
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 1 (id 1)", "dim 0 = 4294967295 is too large");
    XnnTinyGraph h = XnnTinyGraph.add();
    h.value(2).dims = new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE};
    assertThat(initFails(h.build()).getMessage()).contains("value 2 (id 2)", "has too many elements");
  }

  @Test
  void constantSmallerThanItsDims() {
    XnnTinyGraph g = XnnTinyGraph.addConstant();
    g.value(1).dims = new long[] {4, 3};
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 1 (id 1)", "constant data has 24 bytes but fp32[4, 3] needs 48");
  }

  @Test
  void constantDataIndexOutOfRange() {
    XnnTinyGraph g = XnnTinyGraph.addConstant();
    g.value(1).bufferIdx = 9;
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 1 (id 1)", "buffer_idx 9 out of bounds for constant_data of size 2");
  }

  @Test
  void constantOffsetPastTheRegion() {
    XnnTinyGraph g = XnnTinyGraph.addConstant();
    g.constants.set(1, new Constant(8, 24, null));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("value 1 (id 1)", "constant_data[1] {offset=8, size=24} out of bounds");
  }

  @Test
  void namedKeyMissing() {
    XnnTinyGraph g = XnnTinyGraph.addConstant();
    g.constants.set(1, new Constant(-1, 0, "0123abcd"));
    ExecuTorchException e = initFails(g.build(), Map.of("other", new byte[24]));
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).contains("value 1 (id 1)", "'0123abcd'");
    // The same key present: the graph loads, so the key is the only thing that was missing.
    new XnnpackBackend().init(XnnPayloadFixtures.context(Map.of("0123abcd", XnnTinyGraph.floats(1, 2, 3, 4, 5, 6))),
        MemorySegment.ofArray(g.build()), List.of()).close();
  }

  // ---- nodes ----

  @Test
  void nodeReadsAnUndefinedId() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.nodes.set(0, XnnTinyGraph.binary(XnnNodeKind.ADD, 0, 77, 2));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (Add)", "input2 refers to value 77");
  }

  @Test
  void nodeReadsAValueOnlyALaterNodeWrites() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.values.add(new Val(3, 2, 3));
    g.nodes.set(0, XnnTinyGraph.binary(XnnNodeKind.ADD, 0, 3, 2));
    g.nodes.add(XnnTinyGraph.binary(XnnNodeKind.MULTIPLY, 0, 1, 3));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (Add) reads value 3", "which no earlier node and no graph input defines");
  }

  @Test
  void valueWrittenByTwoNodes() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.nodes.add(XnnTinyGraph.binary(XnnNodeKind.MULTIPLY, 0, 1, 2));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 1 (Multiply) writes value 2", "which an earlier node already wrote");
  }

  @Test
  void reshapeWithTwoInferredDims() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.value(2).dims = new long[] {3, 2};
    g.nodes.set(0, new Nod(XnnNodeKind.STATIC_RESHAPE, b -> XNNStaticReshape.createXNNStaticReshape(b, 2,
        XNNStaticReshape.createNewShapeVector(b, new long[] {0, 0}), 0, 2, 0)));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (StaticReshape)", "more than one inferred (0) dim");
  }

  @Test
  void transposePermIsNotAPermutation() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.value(2).dims = new long[] {3, 2};
    g.nodes.set(0, new Nod(XnnNodeKind.STATIC_TRANSPOSE, b -> XNNStaticTranspose.createXNNStaticTranspose(b, 2,
        XNNStaticTranspose.createPermVector(b, new long[] {1, 1}), 0, 2, 0)));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (StaticTranspose)", "perm [1, 1] is not a permutation of 0..1");
  }

  /** The payload of {@link #unknownNodeType}. */
  static XnnTinyGraph unknownNode() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.nodes.set(0, new Nod(100, b -> Node1x1.createNode1x1(b, 0, 2, 0)));
    return g;
  }

  @Test
  void unknownNodeType() {
    XnnTinyGraph g = unknownNode();
    ExecuTorchException e = initFails(g.build());
    // flatbuffers' verifier accepts unknown union members and XNNCompiler's define-node table
    // answers NotImplemented for them: a newer exporter's node is unsupported, not malformed.
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_IMPLEMENTED);
    assertThat(e.getMessage()).contains("node 0", "unknown XNNPACK node type 100");
  }

  @Test
  void nodeWithoutTable() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.nodes.set(0, new Nod(XnnNodeKind.ADD, null));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("xnodes[0]", "has type 1 but no value");
  }

  @Test
  void outputMinAboveMax() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.nodes.get(0).minMax = new float[] {6f, -6f};
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (Add)", "output_min_max [6.0, -6.0] is not a range");
  }

  @Test
  void spatialNodeOnValuesThatAreNotNhwc() {
    XnnTinyGraph g = XnnTinyGraph.add();
    g.nodes.set(0, new Nod(XnnNodeKind.GLOBAL_AVG_POOLING_2D, b -> Node1x1.createNode1x1(b, 0, 2, 0)));
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (GlobalAvgPooling2d)", "must be NHWC");
  }
  // ---- defects the hostile tests found (each failed before its fix) ----

  /** Runs a payload through init and one execute; only an ExecuTorchException may come out. */
  private static XnnPayloadHarness.Outcome exercise(XnnTinyGraph g) {
    return XnnPayloadHarness.direct(g.build(), Map.of());
  }

  /** The payload of {@link #reshapeWhoseNewShapeOverflows}. */
  static XnnTinyGraph reshapeOverflow() {
    // new_shape 65536^4 = 2^64 elements, which wraps to the input's 0: the output's dims must not
    // be taken at face value by the transpose after it.
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 0, 3);
    g.values.add(new Val(1, 1, 1, 1, 1));
    g.values.add(new Val(2, 1, 1, 1, 1));
    g.external(3, 2, 1, 0, 3);
    g.numExterns = 2;
    g.nodes.add(new Nod(XnnNodeKind.STATIC_RESHAPE, b -> XNNStaticReshape.createXNNStaticReshape(b, 4,
        XNNStaticReshape.createNewShapeVector(b, new long[] {65536, 65536, 65536, 65536}), 0, 1, 0)));
    g.nodes.add(new Nod(XnnNodeKind.STATIC_TRANSPOSE, b -> XNNStaticTranspose.createXNNStaticTranspose(b, 4,
        XNNStaticTranspose.createPermVector(b, new long[] {1, 0, 2, 3}), 1, 2, 0)));
    g.nodes.add(new Nod(XnnNodeKind.STATIC_RESHAPE, b -> XNNStaticReshape.createXNNStaticReshape(b, 2,
        XNNStaticReshape.createNewShapeVector(b, new long[] {0, 3}), 2, 3, 0)));
    return g;
  }

  @Test
  void reshapeWhoseNewShapeOverflows() {
    XnnTinyGraph g = reshapeOverflow();
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (StaticReshape)", "value 1", "too many elements");
  }

  /** The payload of {@link #batchMatrixMultiplyWithManyEmptyBatches}. */
  static XnnTinyGraph manyEmptyBatches() {
    // 2^32 batches of 0 x 4 matrices: nothing to compute, and nothing may be sized by the batch count.
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 65536, 65536, 0, 4);
    g.external(1, 1, 1, 4, 2);
    g.external(2, 2, 2, 65536, 65536, 0, 2);
    g.numExterns = 3;
    g.nodes.add(XnnTinyGraph.binary(XnnNodeKind.BATCH_MATRIX_MULTIPLY, 0, 1, 2));
    return g;
  }

  @Test
  void batchMatrixMultiplyWithManyEmptyBatches() {
    XnnTinyGraph g = manyEmptyBatches();
    // Initialises; the arguments would be empty, so run it on the handle with the graph's own.
    assertThat(exercise(g)).isEqualTo(XnnPayloadHarness.Outcome.EXECUTED);
  }

  /** The payload of {@link #fullyConnectedWithAHalfBiasInput}. */
  static XnnTinyGraph halfBiasInput() {
    // A bias that is a graph input (not a constant) of fp16: the multiply reads float32 biases.
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 2, 3);
    g.external(1, 1, 1, 4, 3);
    g.external(2, 1, 2, 4).datatype = (short) XnnDatatype.FP16.code();
    g.external(3, 2, 3, 2, 4);
    g.numExterns = 4;
    g.nodes.add(new Nod(XnnNodeKind.FULLY_CONNECTED,
        b -> org.et4j.schema.xnnpack.XNNFullyConnected.createXNNFullyConnected(b, 0, 1, 2, 3, 0)));
    return g;
  }

  @Test
  void fullyConnectedWithAHalfBiasInput() {
    XnnTinyGraph g = halfBiasInput();
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_SUPPORTED);
    assertThat(e.getMessage()).contains("node 0 (FullyConnected)", "non-constant fp16 bias");
  }

  /** The payload of {@link #padWhoseOutputOverflows}. */
  static XnnTinyGraph padOverflow() {
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 1, 1, 1, 1, 1, 1);
    g.values.add(new Val(1, 1, 1, 1, 1, 1, 1));
    g.external(2, 2, 1, 1, 1, 1, 1, 1, 1);
    g.numExterns = 2;
    long big = Integer.MAX_VALUE / 4;
    g.nodes.add(new Nod(XnnNodeKind.STATIC_CONSTANT_PAD, b -> org.et4j.schema.xnnpack.XNNStaticConstantPad
        .createXNNStaticConstantPad(b,
            org.et4j.schema.xnnpack.XNNStaticConstantPad.createPrePaddingsVector(b, new long[] {big, big, big, big, big, big}),
            org.et4j.schema.xnnpack.XNNStaticConstantPad.createPostPaddingsVector(b, new long[] {0, 0, 0, 0, 0, 0}),
            0f, 0, 1, 0)));
    g.nodes.add(new Nod(XnnNodeKind.STATIC_SLICE, b -> org.et4j.schema.xnnpack.XNNStaticSlice.createXNNStaticSlice(b, 6,
        org.et4j.schema.xnnpack.XNNStaticSlice.createOffsetsVector(b, new long[6]),
        org.et4j.schema.xnnpack.XNNStaticSlice.createSizesVector(b, new long[] {1, 1, 1, 1, 1, 1}), 1, 2, 0)));
    return g;
  }

  @Test
  void padWhoseOutputOverflows() {
    XnnTinyGraph g = padOverflow();
    ExecuTorchException e = initFails(g.build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(e.getMessage()).contains("node 0 (StaticConstantPad)", "value 1", "too many elements");
  }
  @Test
  void fullyConnectedScratchIsBounded() throws java.io.IOException {
    // Found by Jazzer: an fp16 FullyConnected whose input dims ask for 1.5 GiB of float32 scratch,
    // which was allocated at init whatever the memory limit (OutOfMemoryError).
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 1 << 26, 4).datatype = (short) XnnDatatype.FP16.code();
    g.external(1, 1, 1, 2, 4);
    g.external(2, 2, 2, 1 << 26, 2).datatype = (short) XnnDatatype.FP16.code();
    g.numExterns = 3;
    g.nodes.add(new Nod(XnnNodeKind.FULLY_CONNECTED,
        b -> org.et4j.schema.xnnpack.XNNFullyConnected.createXNNFullyConnected(b, 0, 1, NONE_ID, 2, 0)));
    ExecuTorchException e = initFails(g.build());
    // At init the serialized shapes do not propagate: InvalidProgram, with the allocation refused inside.
    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
    assertThat(((ExecuTorchException) e.getCause()).errorCode()).isEqualTo(ErrorCode.MEMORY_ALLOCATION_FAILED);
    assertThat(e.getMessage()).contains("node 0 (FullyConnected)", "float32 scratch for value 0");
    // The fuzzer's own input, kept as a seed, fails the same way.
    byte[] found = java.nio.file.Files.readAllBytes(XnnPayloadSeedsTest.inputs().resolve("regression-fc-scratch-unbounded.payload"));
    assertThat(XnnPayloadHarness.direct(found, Map.of())).isEqualTo(XnnPayloadHarness.Outcome.REJECTED_AT_INIT);
  }

  private static final long NONE_ID = XnnTinyGraph.NONE;
}
