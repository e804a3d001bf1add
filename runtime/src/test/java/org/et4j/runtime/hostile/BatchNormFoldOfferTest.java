package org.et4j.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.kernel.BatchNormFold;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/**
 * The loader's offer of a batch norm to the convolution before it ({@link BatchNormFold}), on
 * crafted programs laid out as ExecuTorch emits {@code conv -> batch_norm} (the convolution names
 * its output as out and return slot, the batch norm returns a tensor list), with kernels that
 * only record, at bind, what the convolution's output carries.
 */
class BatchNormFoldOfferTest {
  private static final int X = 0;
  private static final int CONV_OUT = 4;
  private static final int VAR = 8;
  private static final int OUT0 = 10;

  /** What the recording kernels saw: the offer on the conv's output, and the batch norm's out0. */
  private final List<BatchNormFold> offers = new ArrayList<>();
  private final List<TensorImpl> out0s = new ArrayList<>();

  private KernelRegistry recording() {
    return KernelRegistry.builder()
        .register("aten::convolution.out", args -> {
          offers.add(args[9].toTensor().batchNormFold());
          return ctx -> { };
        })
        .register("aten::_native_batch_norm_legit_no_training.out", args -> {
          out0s.add(args[7].toTensor());
          return ctx -> { };
        })
        .register("aten::add.out", args -> ctx -> { })
        .build();
  }

  private static TinyProgram.T planned(long offset, int... sizes) {
    TinyProgram.T t = new TinyProgram.T().offset(offset);
    t.sizes = sizes;
    t.dimOrder = new byte[sizes.length];
    for (int d = 0; d < sizes.length; d++) {
      t.dimOrder[d] = (byte) d;
    }
    return t;
  }

  private static TinyProgram.T constant(int... sizes) {
    TinyProgram.T t = planned(0, sizes);
    t.memoryId = null;
    t.dataBufferIdx = 1;
    return t;
  }

  /** {@code out0 = batch_norm(conv(x, w, b), gamma, beta, mean, var)} on float32 [1, 1, 2, 2]. */
  private static TinyProgram convThenBatchNorm() {
    TinyProgram p = new TinyProgram();
    p.values.add(planned(0, 1, 1, 2, 2)); // 0 x
    p.values.add(constant(1, 1, 1, 1)); // 1 weight
    p.values.add(constant(1)); // 2 bias
    p.values.add(new TinyProgram.I(1)); // 3 stands in for every int and list argument
    p.values.add(planned(16, 1, 1, 2, 2)); // 4 conv out
    p.values.add(constant(1)); // 5 gamma
    p.values.add(constant(1)); // 6 beta
    p.values.add(constant(1)); // 7 running mean
    p.values.add(constant(1)); // 8 running var
    p.values.add(new TinyProgram.D(1e-5)); // 9 momentum and eps
    p.values.add(planned(32, 1, 1, 2, 2)); // 10 out0
    p.values.add(planned(48, 1)); // 11 out1
    p.values.add(planned(56, 1)); // 12 out2
    p.values.add(new TinyProgram.TL(10, 11, 12)); // 13 the batch norm's return
    p.inputs = new int[] {X};
    p.outputs = new int[] {OUT0};
    p.bufferSizes = new long[] {0, 128};
    p.segments.add(TinyProgram.floats(1, 1, 1, 1));
    p.constantOffsets = new long[] {0, 0};
    p.operators.add(new String[] {"aten::convolution", "out"});
    p.operators.add(new String[] {"aten::_native_batch_norm_legit_no_training", "out"});
    p.operators.add(new String[] {"aten::add", "out"});
    p.instructions.add(new TinyProgram.Kernel(0, 0, 1, 2, 3, 3, 3, 3, 3, 3, CONV_OUT, CONV_OUT));
    p.instructions.add(new TinyProgram.Kernel(1, CONV_OUT, 5, 6, 7, VAR, 9, 9, OUT0, 11, 12, 13));
    return p;
  }

  private BatchNormFold offerIn(TinyProgram p) {
    offers.clear();
    out0s.clear();
    try (Program program = Program.load(p.build());
        Method m = program.loadMethod("forward", recording(), HostileHarness.NO_BACKENDS)) {
      assertThat(offers).hasSize(1);
      return offers.get(0);
    }
  }

  @Test
  void theSoleReaderIsOffered() {
    BatchNormFold offer = offerIn(convThenBatchNorm());
    assertThat(offer).isNotNull();
    assertThat(offer.out()).isSameAs(out0s.get(0));
    assertThat(offer.runningVar().isProgramConstant()).isTrue();
    assertThat(offer.eps()).isEqualTo(1e-5);
    assertThat(offer.accepted()).isFalse();
  }

  @Test
  void aSecondReaderRefusesTheOffer() {
    TinyProgram asOutput = convThenBatchNorm();
    asOutput.outputs = new int[] {OUT0, CONV_OUT};
    assertThat(offerIn(asOutput)).isNull();

    TinyProgram inAList = convThenBatchNorm();
    inAList.values.add(new TinyProgram.TL(CONV_OUT));
    assertThat(offerIn(inAList)).isNull();

    TinyProgram byAKernel = convThenBatchNorm();
    byAKernel.instructions.add(new TinyProgram.Kernel(2, CONV_OUT, X, 3, X, X));
    assertThat(offerIn(byAKernel)).isNull();
  }

  @Test
  void statisticsThatAreNotConstantsRefuseTheOffer() {
    TinyProgram p = convThenBatchNorm();
    p.values.set(VAR, planned(64, 1));
    assertThat(offerIn(p)).isNull();
  }

  @Test
  void anInstructionBetweenRefusesTheOffer() {
    // out0's memory may belong to a tensor live between the two; the conv must not write it early.
    TinyProgram p = convThenBatchNorm();
    p.instructions.add(1, new TinyProgram.Kernel(2, X, X, 3, X, X));
    assertThat(offerIn(p)).isNull();
  }
}
