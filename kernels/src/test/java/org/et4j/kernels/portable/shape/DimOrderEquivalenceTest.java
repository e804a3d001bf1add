package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;

import java.lang.foreign.Arena;
import java.util.function.Function;
import java.util.stream.Stream;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Copy-like ops give the same logical result whether their input is stored contiguous or
 * channels-last, and whether their output is: the dim order is a storage detail.
 */
class DimOrderEquivalenceTest {
  private static final int[] SHAPE = {2, 3, 4, 5};
  private static final int[] CONTIGUOUS = {0, 1, 2, 3};
  private static final int[] CHANNELS_LAST = {0, 2, 3, 1};

  /** A rank-4 tensor with the given dim order whose logical element (n, c, h, w) is its row-major number. */
  static TensorImpl logicalIota(int[] order) {
    TensorImpl t = dynamic(ScalarType.FLOAT, order, 120, SHAPE);
    long[] st = t.strides();
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int h = 0; h < 4; h++) {
          for (int w = 0; w < 5; w++) {
            Elements.writeDouble(ScalarType.FLOAT, t.data(), n * st[0] + c * st[1] + h * st[2] + w * st[3], ((n * 3 + c) * 4 + h) * 5 + w);
          }
        }
      }
    }
    return t;
  }

  static TensorImpl dynamic(ScalarType t, int[] order, long capacity, int... sizes) {
    return new TensorImpl(
        t, sizes, order, ShapeDynamism.DYNAMIC_BOUND, Arena.ofAuto().allocate(capacity * t.elementSize(), 64), capacity * t.elementSize());
  }

  /** Logical values of a tensor of any dim order, row-major. */
  static double[] logical(TensorImpl t) {
    int n = (int) t.numel();
    double[] out = new double[n];
    int[] coord = new int[t.dim()];
    for (int k = 0; k < n; k++) {
      long off = 0;
      for (int d = 0; d < coord.length; d++) {
        off += coord[d] * t.stride(d);
      }
      out[k] = Elements.readDouble(t.dtype(), t.data(), off);
      for (int d = coord.length - 1; d >= 0; d--) {
        if (++coord[d] < t.size(d)) {
          break;
        }
        coord[d] = 0;
      }
    }
    return out;
  }

  record Case(String op, Function<TensorImpl, Value[]> inputs) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        new Case("aten::permute_copy.out", x -> new Value[] {v(x), ints(3, 1, 0, 2)}),
        new Case("aten::transpose_copy.int_out", x -> new Value[] {v(x), i(1), i(3)}),
        new Case("aten::slice_copy.Tensor_out", x -> new Value[] {v(x), i(1), i(1), none(), i(1)}),
        new Case("aten::slice_copy.Tensor_out", x -> new Value[] {v(x), i(3), i(0), i(5), i(2)}),
        new Case("aten::select_copy.int_out", x -> new Value[] {v(x), i(1), i(2)}),
        new Case("aten::narrow_copy.out", x -> new Value[] {v(x), i(2), i(1), i(2)}),
        new Case("aten::flip.out", x -> new Value[] {v(x), ints(1, 3)}),
        new Case("aten::roll.out", x -> new Value[] {v(x), ints(1, -2), ints(1, 2)}),
        new Case("aten::clone.out", x -> new Value[] {v(x), none()}),
        new Case("aten::_to_copy.out", x -> new Value[] {v(x), b(false), none()}),
        new Case("aten::constant_pad_nd.out", x -> new Value[] {v(x), ints(1, 0, 2, 1), d(-1)}),
        new Case("aten::tril.out", x -> new Value[] {v(x), i(1)}),
        new Case("aten::repeat.out", x -> new Value[] {v(x), ints(1, 2, 1, 1)}),
        new Case("aten::diagonal_copy.out", x -> new Value[] {v(x), i(1), i(2), i(3)}),
        new Case("aten::unfold_copy.out", x -> new Value[] {v(x), i(3), i(2), i(2)}),
        new Case("aten::expand_copy.out", x -> new Value[] {v(x), ints(2, 2, 3, 4, 5), b(false)}),
        new Case("aten::unsqueeze_copy.out", x -> new Value[] {v(x), i(1)}),
        new Case("aten::cat.out", x -> new Value[] {tensors(x, x), i(1)}),
        new Case("aten::stack.out", x -> new Value[] {tensors(x, x), i(2)}),
        new Case("aten::pixel_unshuffle.out", x -> new Value[] {v(x), i(1)})
    ).map(Arguments::of);
  }

  private static double[] run(Case c, int[] inOrder, int[] outOrder, int outRank) {
    TensorImpl x = logicalIota(inOrder);
    int[] order = outRank == 4 ? outOrder : identity(outRank);
    int[] sizes = new int[outRank];
    java.util.Arrays.fill(sizes, 1);
    TensorImpl out = dynamic(ScalarType.FLOAT, order, 1024, sizes);
    Value[] in = c.inputs().apply(x);
    Value[] args = new Value[in.length + 2];
    System.arraycopy(in, 0, args, 0, in.length);
    args[in.length] = v(out);
    args[in.length + 1] = args[in.length];
    call(c.op(), args);
    return logical(out);
  }

  private static int[] identity(int n) {
    int[] o = new int[n];
    for (int k = 0; k < n; k++) {
      o[k] = k;
    }
    return o;
  }

  private static int outRank(Case c) {
    return switch (c.op()) {
      case "aten::select_copy.int_out" -> 3;
      case "aten::unfold_copy.out", "aten::expand_copy.out", "aten::unsqueeze_copy.out", "aten::stack.out" -> 5;
      case "aten::diagonal_copy.out" -> 3;
      default -> 4;
    };
  }

  @ParameterizedTest
  @MethodSource("cases")
  void sameLogicalResultForEveryDimOrder(Case c) {
    int rank = outRank(c);
    double[] reference = run(c, CONTIGUOUS, CONTIGUOUS, rank);
    assertThat(reference).isNotEmpty();
    assertThat(run(c, CHANNELS_LAST, CONTIGUOUS, rank)).as(c.op() + " channels-last in").containsExactly(reference);
    if (rank == 4) {
      assertThat(run(c, CONTIGUOUS, CHANNELS_LAST, rank)).as(c.op() + " channels-last out").containsExactly(reference);
      assertThat(run(c, CHANNELS_LAST, CHANNELS_LAST, rank)).as(c.op() + " both").containsExactly(reference);
    }
  }
}
