package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

/**
 * Calls every shape, creation and prim op with seeded random arguments of the right kinds but
 * arbitrary values (shapes, dims, indices, sizes) and checks that a failure is always an
 * ExecuTorchException: never an IndexOutOfBounds, NullPointer or Arithmetic exception.
 */
class RandomArgumentsTest {
  private static final KernelContext CONTEXT = n -> Arena.ofAuto().allocate(Math.max(1, n), 64);
  private static final ScalarType[] DTYPES = {
    ScalarType.FLOAT, ScalarType.HALF, ScalarType.LONG, ScalarType.INT, ScalarType.BOOL, ScalarType.BYTE
  };

  /**
   * Argument kinds: T tensor, I index tensor (int64/int32), M bool mask, i int, l int list, n
   * optional int, s Scalar, b false, o optional tensor list, t tensor list, O out (also the return
   * slot when it is last but one), X out list.
   */
  private static final Map<String, String> SPECS = new TreeMap<>();

  static {
    String[][] specs = {
      {"aten::view_copy.out", "TlOO"},
      {"aten::permute_copy.out", "TlOO"},
      {"aten::transpose_copy.int_out", "TiiOO"},
      {"aten::t_copy.out", "TOO"},
      {"aten::unsqueeze_copy.out", "TiOO"},
      {"aten::squeeze_copy.dim_out", "TiOO"},
      {"aten::squeeze_copy.dims_out", "TlOO"},
      {"aten::expand_copy.out", "TlbOO"},
      {"aten::clone.out", "TnOO"},
      {"aten::_to_copy.out", "TbnOO"},
      {"aten::copy.out", "TTbOO"},
      {"aten::copy_", "TTbT"},
      {"aten::cat.out", "tiOO"},
      {"aten::stack.out", "tiOO"},
      {"aten::slice_copy.Tensor_out", "TinniOO"},
      {"aten::select_copy.int_out", "TiiOO"},
      {"aten::split_with_sizes_copy.out", "TliX"},
      {"aten::split_copy.Tensor_out", "TiiX"},
      {"aten::unbind_copy.int_out", "TiX"},
      {"aten::index.Tensor_out", "ToOO"},
      {"aten::index_put.out", "ToTbOO"},
      {"aten::index_put_", "ToTbT"},
      {"aten::index_select.out", "TiIOO"},
      {"aten::gather.out", "TiIbOO"},
      {"aten::scatter.src_out", "TiITOO"},
      {"aten::scatter.value_out", "TiIsOO"},
      {"aten::scatter_add.out", "TiITOO"},
      {"aten::embedding.out", "TIibbOO"},
      {"aten::repeat.out", "TlOO"},
      {"aten::flip.out", "TlOO"},
      {"aten::roll.out", "TllOO"},
      {"aten::constant_pad_nd.out", "TlsOO"},
      {"aten::tril.out", "TiOO"},
      {"aten::narrow_copy.out", "TiiiOO"},
      {"aten::slice_scatter.out", "TTinniOO"},
      {"aten::select_scatter.out", "TTiiOO"},
      {"aten::pixel_shuffle.out", "TiOO"},
      {"aten::pixel_unshuffle.out", "TiOO"},
      {"aten::repeat_interleave.Tensor_out", "InOO"},
      {"aten::nonzero.out", "TOO"},
      {"aten::masked_select.out", "TMOO"},
      {"aten::masked_scatter.out", "TMTOO"},
      {"aten::diagonal_copy.out", "TiiiOO"},
      {"aten::as_strided_copy.out", "TllnOO"},
      {"aten::unfold_copy.out", "TiiiOO"},
      {"dim_order_ops::_to_dim_order_copy.out", "TbnOO"},
      {"dim_order_ops::_clone_dim_order.out", "TbnOO"},
      {"dim_order_ops::_empty_dim_order.out", "lnOO"},
      {"aten::full.out", "lsOO"},
      {"aten::full_like.out", "TsnOO"},
      {"aten::zeros.out", "lOO"},
      {"aten::ones.out", "lOO"},
      {"aten::empty.out", "lnOO"},
      {"aten::scalar_tensor.out", "sOO"},
      {"aten::arange.out", "sOO"},
      {"aten::arange.start_out", "sssOO"},
      {"aten::fill.Scalar_out", "TsOO"},
      {"aten::fill.Tensor_out", "TTOO"},
      {"aten::sym_size.int", "Tis"},
      {"aten::sym_numel", "Ts"},
      {"aten::_local_scalar_dense", "Ts"},
      {"executorch_prim::et_view.default", "TlO"},
      {"executorch_prim::et_copy_index.tensor", "TTi"},
      {"executorch_prim::floordiv.Scalar", "sss"},
      {"executorch_prim::mod.Scalar", "sss"},
      {"executorch_prim::floordiv.int", "iii"},
      {"executorch_prim::mod.int", "iii"},
      {"executorch_prim::round.Scalar", "ss"},
    };
    for (String[] s : specs) {
      SPECS.put(s[0], s[1]);
    }
  }

  private final Random random = new Random(20261122);

  @Test
  void failuresAreAlwaysExecuTorchExceptions() {
    List<String> unexpected = new ArrayList<>();
    int succeeded = 0;
    for (var e : SPECS.entrySet()) {
      OpKernel kernel = OpHarness.registry().lookup(e.getKey());
      assertThat(kernel).as(e.getKey()).isNotNull();
      for (int trial = 0; trial < 300; trial++) {
        Value[] args = arguments(e.getValue());
        try {
          KernelCall call = kernel.bind(args);
          call.execute(CONTEXT);
          call.execute(CONTEXT);
          succeeded++;
        } catch (ExecuTorchException expected) {
          // fine: a diagnosed failure
        } catch (RuntimeException | Error ex) {
          if (unexpected.size() < 20) {
            StringBuilder sb = new StringBuilder(e.getKey()).append(" ");
            for (Value v : args) {
              sb.append(describe(v)).append(' ');
            }
            StackTraceElement[] st = ex.getStackTrace();
            unexpected.add(sb + "-> " + ex + " at " + (st.length > 0 ? st[0] : "?") + " / " + (st.length > 1 ? st[1] : "?"));
          }
        }
      }
    }
    assertThat(unexpected).isEmpty();
    assertThat(succeeded).isGreaterThan(500);
  }

  private static String describe(Value v) {
    return switch (v.tag()) {
      case INT_LIST -> java.util.Arrays.toString(v.toIntList());
      case TENSOR_LIST, OPTIONAL_TENSOR_LIST -> java.util.Arrays.toString(v.toTensorList());
      default -> v.toString();
    };
  }

  private Value[] arguments(String spec) {
    Value[] args = new Value[spec.length()];
    for (int k = 0; k < spec.length(); k++) {
      char c = spec.charAt(k);
      if (c == 'O' && k == spec.length() - 1 && k > 0 && spec.charAt(k - 1) == 'O') {
        args[k] = args[k - 1];
        continue;
      }
      if (c == 'T' && k == spec.length() - 1) {
        args[k] = args[0];
        continue;
      }
      if (c == 's' && k == spec.length() - 1) {
        args[k] = new Value();
        continue;
      }
      args[k] = argument(c);
    }
    return args;
  }

  private Value argument(char kind) {
    return switch (kind) {
      case 'T' -> Value.ofTensor(tensor(DTYPES[random.nextInt(DTYPES.length)]));
      case 'I' -> Value.ofTensor(indexTensor());
      case 'M' -> Value.ofTensor(tensor(ScalarType.BOOL));
      case 'i' -> Value.ofInt(smallInt());
      case 'n' -> random.nextInt(3) == 0 ? new Value() : Value.ofInt(smallInt());
      case 'l' -> OpHarness.ints(list());
      case 's' -> switch (random.nextInt(3)) {
        case 0 -> Value.ofInt(random.nextInt(5) == 0 ? random.nextLong() : smallInt());
        case 1 -> Value.ofDouble(random.nextInt(6) == 0 ? Double.NaN : random.nextGaussian() * 100);
        default -> Value.ofBool(random.nextBoolean());
      };
      case 'b' -> Value.ofBool(false);
      case 'o' -> {
        int n = random.nextInt(4);
        Value[] items = new Value[n];
        for (int k = 0; k < n; k++) {
          int pick = random.nextInt(4);
          items[k] = pick == 0 ? new Value() : Value.ofTensor(pick == 1 ? tensor(ScalarType.BOOL) : indexTensor());
        }
        Value v = new Value();
        v.setOptionalTensorList(items);
        yield v;
      }
      case 't', 'X' -> {
        int n = 1 + random.nextInt(3);
        ScalarType t = DTYPES[random.nextInt(DTYPES.length)];
        TensorImpl[] ts = new TensorImpl[n];
        for (int k = 0; k < n; k++) {
          ts[k] = kind == 'X' ? out(t) : tensor(t);
        }
        yield OpHarness.tensors(ts);
      }
      case 'O' -> Value.ofTensor(out(DTYPES[random.nextInt(DTYPES.length)]));
      default -> throw new IllegalArgumentException("kind " + kind);
    };
  }

  /** Shape arithmetic for the generators. */
  private static final class OpHarnessShapes {
    static long numel(int[] s) {
      long n = 1;
      for (int x : s) {
        n *= x;
      }
      return n;
    }
  }

  private long smallInt() {
    return random.nextInt(9) - 4;
  }

  private long[] list() {
    long[] xs = new long[random.nextInt(5)];
    for (int k = 0; k < xs.length; k++) {
      xs[k] = random.nextInt(8) == 0 ? -1 : random.nextInt(6) - 2;
    }
    return xs;
  }

  private int[] shape() {
    int[] s = new int[random.nextInt(4)];
    for (int k = 0; k < s.length; k++) {
      s[k] = random.nextInt(4);
    }
    return s;
  }

  private TensorImpl tensor(ScalarType t) {
    TensorImpl x;
    if (random.nextInt(6) == 0) {
      int[] s = {1 + random.nextInt(2), random.nextInt(4), random.nextInt(3), random.nextInt(3)};
      long n = OpHarnessShapes.numel(s);
      x = new TensorImpl(
          t, s, new int[] {0, 2, 3, 1}, ShapeDynamism.STATIC, Arena.ofAuto().allocate(Math.max(1, n * t.elementSize()), 64), n * t.elementSize());
    } else {
      x = OpHarness.empty(t, shape());
    }
    for (long k = 0; k < x.numel(); k++) {
      Elements.writeLong(t, x.data(), k, random.nextInt(7) - 3);
    }
    return x;
  }

  private TensorImpl indexTensor() {
    ScalarType t = random.nextBoolean() ? ScalarType.LONG : ScalarType.INT;
    TensorImpl x = OpHarness.empty(t, shape());
    for (long k = 0; k < x.numel(); k++) {
      Elements.writeLong(t, x.data(), k, random.nextInt(9) - 4);
    }
    return x;
  }

  private TensorImpl out(ScalarType t) {
    int[] s = shape();
    int[] order = new int[s.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    if (random.nextInt(6) == 0) {
      s = new int[] {1, random.nextInt(4), random.nextInt(3), random.nextInt(3)};
      order = new int[] {0, 2, 3, 1};
    }
    long bound = 64;
    return new TensorImpl(
        t, s, order, ShapeDynamism.DYNAMIC_BOUND, Arena.ofAuto().allocate(bound * t.elementSize(), 64), bound * t.elementSize());
  }
}
