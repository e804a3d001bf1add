package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * What ExecuTorch's {@code kernels/portable/cpu/util/reduce_util.*} provides to the reduction and
 * normalization kernels: dim-list validation, the reduced output shape, and an iteration plan
 * that visits the reduced elements of each output element in ExecuTorch's order (the reduced
 * dims in row-major logical order, through the input's strides, so any dim order works). Also the
 * C++ numeric conversions those kernels rely on.
 */
public final class Reduction {
  private Reduction() {}

  /**
   * {@code static_cast<T>(v)} between integral types (and to bool): keeps the low bits, as C++
   * does on two's-complement targets.
   */
  public static long wrapIntegral(ScalarType t, long v) {
    return switch (t) {
      case BYTE -> v & 0xFF;
      case CHAR -> (byte) v;
      case SHORT -> (short) v;
      case UINT16 -> v & 0xFFFF;
      case INT -> (int) v;
      case UINT32 -> v & 0xFFFFFFFFL;
      case BOOL -> v != 0 ? 1 : 0;
      default -> v;
    };
  }

  /** Caches a {@link Plan} until the input's shape changes. */
  public static final class PlanCache {
    private final TensorImpl in;
    private final boolean[] mask;
    private int version = -1;
    private Plan plan;

    public PlanCache(TensorImpl in, boolean[] mask) {
      this.in = in;
      this.mask = mask;
    }

    private int sizesVersion = -1;
    private boolean sizesKeepdim;
    private int[] sizes;
    private int[] inSizes;

    /** {@link Reduction#outSizes} for the input's current shape, computed once per shape. */
    public int[] outSizes(boolean keepdim) {
      if (sizes == null || sizesVersion != in.shapeVersion() || sizesKeepdim != keepdim) {
        sizes = Reduction.outSizes(in, mask, keepdim);
        inSizes = in.sizes();
        sizesKeepdim = keepdim;
        sizesVersion = in.shapeVersion();
      }
      return sizes;
    }

    /** The input's sizes, copied once per shape. */
    public int[] inSizes() {
      outSizes(sizesKeepdim);
      return inSizes;
    }

    /** The plan for the input's current shape; {@code out} must already have its final shape. */
    public Plan get(TensorImpl out) {
      if (plan == null || version != in.shapeVersion()) {
        plan = Plan.of(in, mask, out);
        version = in.shapeVersion();
      }
      return plan;
    }
  }

  /** An optional {@code ScalarType} argument: null when None. */
  public static ScalarType optionalDtype(Value v, String op) {
    if (v == null || v.isNone()) {
      return null;
    }
    ScalarType t = ScalarType.fromCodeOrNull((int) v.toInt());
    if (t == null) {
      throw KernelChecks.invalid(op, "unknown dtype code " + v.toInt());
    }
    return t;
  }

  /** A required {@code ScalarType} argument. */
  public static ScalarType dtype(Value v, String op) {
    ScalarType t = optionalDtype(v, op);
    if (t == null) {
      throw KernelChecks.invalid(op, "dtype must not be None");
    }
    return t;
  }

  /** Real types plus bool, half and bfloat16: ExecuTorch's REALHBBF16. */
  public static boolean isRealHBBF16(ScalarType t) {
    return switch (t) {
      case BYTE, CHAR, SHORT, INT, LONG, HALF, FLOAT, DOUBLE, BOOL, BFLOAT16 -> true;
      default -> false;
    };
  }

  /** Fails unless {@code t} is one of ExecuTorch's REALHBBF16 types. */
  public static void requireRealHBBF16(String op, String what, ScalarType t) {
    if (!isRealHBBF16(t)) {
      throw KernelChecks.invalid(op, what + " dtype " + t.displayName() + " is not supported");
    }
  }

  /** Fails unless {@code t} is a floating type (float16, bfloat16, float32, float64). */
  public static void requireFloating(String op, String what, ScalarType t) {
    if (!t.isFloatingPoint()) {
      throw KernelChecks.invalid(op, what + " must be a floating type but is " + t.displayName());
    }
  }

  /**
   * Validates a dim list as {@code check_dim_list_is_valid} and returns the mask of reduced dims,
   * or null when every element is reduced (no list, an empty list, or a 0-d input).
   */
  public static boolean[] dimMask(String op, TensorImpl in, int[] dims) {
    if (dims == null || dims.length == 0) {
      return null;
    }
    int rank = in.dim();
    boolean[] mask = new boolean[Math.max(rank, 1)];
    for (int d : dims) {
      int nd = normalizeDim(op, in, d);
      if (mask[nd]) {
        throw KernelChecks.invalid(op, "dim " + nd + " appears multiple times in the list of dims " + Arrays.toString(dims));
      }
      mask[nd] = true;
    }
    return rank == 0 ? null : mask;
  }

  /**
   * A dim in {@code [-rank, rank)} made non-negative; a 0-d tensor accepts 0 and -1 (as
   * PyTorch does) and gives 0.
   */
  public static int normalizeDim(String op, TensorImpl in, long dim) {
    int rank = in.dim();
    if (rank == 0) {
      if (dim != 0 && dim != -1) {
        throw KernelChecks.invalid(op, "dim " + dim + " is out of range for a 0-d tensor");
      }
      return 0;
    }
    if (dim < -rank || dim >= rank) {
      throw KernelChecks.invalid(op, "dim " + dim + " is out of range for " + in.describe());
    }
    return (int) (dim < 0 ? dim + rank : dim);
  }

  /** The mask of a single reduced dim (null for a 0-d input, which reduces its one element). */
  public static boolean[] singleDimMask(String op, TensorImpl in, long dim) {
    int d = normalizeDim(op, in, dim);
    if (in.dim() == 0) {
      return null;
    }
    boolean[] mask = new boolean[in.dim()];
    mask[d] = true;
    return mask;
  }

  /** The output sizes of reducing {@code in} over {@code mask} (null = all dims). */
  public static int[] outSizes(TensorImpl in, boolean[] mask, boolean keepdim) {
    int rank = in.dim();
    if (mask == null) {
      int[] s = new int[keepdim ? rank : 0];
      Arrays.fill(s, 1);
      return s;
    }
    int kept = 0;
    for (int d = 0; d < rank; d++) {
      if (!mask[d]) {
        kept++;
      }
    }
    int[] s = new int[keepdim ? rank : kept];
    int j = 0;
    for (int d = 0; d < rank; d++) {
      if (!mask[d]) {
        s[j++] = in.size(d);
      } else if (keepdim) {
        s[j++] = 1;
      }
    }
    return s;
  }

  /** The product of the reduced dims' sizes ({@code get_reduced_dim_product}). */
  public static long reducedCount(TensorImpl in, boolean[] mask) {
    if (in.dim() == 0) {
      return 1;
    }
    if (mask == null) {
      return in.numel();
    }
    long n = 1;
    for (int d = 0; d < in.dim(); d++) {
      if (mask[d]) {
        n *= in.size(d);
      }
    }
    return n;
  }

  /** Resizes {@code out} to {@code sizes}, naming the operator when that is not allowed. */
  public static void resize(String op, TensorImpl out, int[] sizes) {
    if (out.dim() != sizes.length) {
      throw KernelChecks.invalid(
          op,
          "out " + out.describe() + " must have rank " + sizes.length + " for shape " + Arrays.toString(sizes));
    }
    try {
      out.resize(sizes);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": " + e.detail(), e);
    }
  }

  /**
   * Storage offsets of every element of a {@code sizes}-shaped index space walked in row-major
   * order, through {@code strides}.
   */
  public static long[] offsets(int[] sizes, long[] strides) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED, "too many elements: " + n);
    }
    long[] out = new long[(int) n];
    if (n == 0) {
      return out;
    }
    int rank = sizes.length;
    int[] idx = new int[rank];
    long cur = 0;
    for (int i = 0; i < n; i++) {
      out[i] = cur;
      for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < sizes[d]) {
          cur += strides[d];
          break;
        }
        cur -= (long) (sizes[d] - 1) * strides[d];
        idx[d] = 0;
      }
    }
    return out;
  }

  /**
   * Which input elements each output element of a reduction reads: {@code bases[o]} is the storage
   * offset of the first input element of output element {@code o} (outputs in row-major logical
   * order), {@code offsets[r]} the offset of the r-th reduced element relative to it, and
   * {@code outOffsets[o]} where output element {@code o} is stored.
   */
  public static final class Plan {
    public final long[] bases;
    public final long[] offsets;
    public final long[] outOffsets;

    private Plan(long[] bases, long[] offsets, long[] outOffsets) {
      this.bases = bases;
      this.offsets = offsets;
      this.outOffsets = outOffsets;
    }

    /** The plan for reducing {@code in} over {@code mask} (null = all) into {@code out}. */
    public static Plan of(TensorImpl in, boolean[] mask, TensorImpl out) {
      int rank = in.dim();
      int kept = 0;
      for (int d = 0; d < rank; d++) {
        if (mask != null && !mask[d]) {
          kept++;
        }
      }
      int[] keptSizes = new int[kept];
      long[] keptStrides = new long[kept];
      int[] redSizes = new int[rank - kept];
      long[] redStrides = new long[rank - kept];
      int k = 0;
      int r = 0;
      for (int d = 0; d < rank; d++) {
        if (mask != null && !mask[d]) {
          keptSizes[k] = in.size(d);
          keptStrides[k++] = in.stride(d);
        } else {
          redSizes[r] = in.size(d);
          redStrides[r++] = in.stride(d);
        }
      }
      long[] outOffsets = out == null ? null : Reduction.offsets(out.sizes(), out.strides());
      return new Plan(
          Reduction.offsets(keptSizes, keptStrides), Reduction.offsets(redSizes, redStrides), outOffsets);
    }
  }

  // ---- C++ numeric conversions ----

  /**
   * {@code static_cast<T>(v)} from a floating value to the integral type {@code t}, as x86 code
   * compiled from ExecuTorch does it: 64-bit types truncate with cvttsd2si (out of range and NaN
   * give INT64_MIN), narrower types convert through int32 (out of range gives INT32_MIN) and keep
   * the low bits.
   */
  public static long floatToIntegral(ScalarType t, double v) {
    if (t == ScalarType.LONG || t == ScalarType.UINT64) {
      return Elements.doubleToLong(v);
    }
    if (t == ScalarType.BOOL) {
      return v != 0.0 ? 1 : 0;
    }
    int i = (Double.isNaN(v) || v >= 0x1p31 || v < -0x1p31) ? Integer.MIN_VALUE : (int) v;
    return switch (t) {
      case BYTE -> i & 0xFF;
      case CHAR -> (byte) i;
      case SHORT -> (short) i;
      case UINT16 -> i & 0xFFFF;
      default -> i;
    };
  }

  /** {@code v} rounded to the precision of the floating type {@code t} (C++ Half/BFloat16 ops). */
  public static double roundTo(ScalarType t, double v) {
    return switch (t) {
      case FLOAT -> (float) v;
      case HALF -> Float.float16ToFloat(Float.floatToFloat16((float) v));
      case BFLOAT16 -> Elements.bf16ToFloat(Elements.floatToBf16((float) v));
      default -> v;
    };
  }

  /** Element {@code i} as C++ {@code static_cast<float>} would give it (int64 rounds once). */
  public static float readFloat(ScalarType t, MemorySegment s, long i) {
    return t == ScalarType.LONG ? (float) s.getAtIndex(Elements.I64, i) : (float) Elements.readDouble(t, s, i);
  }

  /**
   * Element {@code i} of type {@code it} as {@code static_cast} to the floating type {@code ot}
   * gives it (int64 to float16 goes through float, as c10::Half does).
   */
  public static double readAsFloating(ScalarType ot, ScalarType it, MemorySegment s, long i) {
    if (it == ScalarType.LONG && ot != ScalarType.DOUBLE) {
      return roundTo(ot, (float) s.getAtIndex(Elements.I64, i));
    }
    return roundTo(ot, Elements.readDouble(it, s, i));
  }

  /** True for the types ExecuTorch accumulates in float: float16, bfloat16 and float32. */
  public static boolean accumulatesInFloat(ScalarType t) {
    return t == ScalarType.FLOAT || t == ScalarType.HALF || t == ScalarType.BFLOAT16;
  }
}
