package org.et4j.kernels.util;

import static org.et4j.kernels.util.KernelChecks.invalid;

import java.util.Arrays;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * Small shape helpers shared by the kernels, after ExecuTorch's {@code runtime/core/exec_aten/util}:
 * dims, sizes, strides and resizing. The argument checks are in {@link KernelChecks}.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * A dimension in {@code [-rank, rank)} made non-negative. A 0-d tensor accepts dims -1 and 0, as
   * PyTorch's {@code maybe_wrap_dim} does.
   */
  public static int wrapDim(String op, long dim, int rank) {
    int r = Math.max(rank, 1);
    if (dim < -r || dim >= r) {
      throw invalid(op, "dim " + dim + " is out of range for a tensor of rank " + rank);
    }
    return (int) (dim < 0 ? dim + r : dim);
  }

  /** Contiguous (row-major) strides in elements. */
  public static long[] contiguousStrides(int[] sizes) {
    long[] s = new long[sizes.length];
    long n = 1;
    for (int i = sizes.length - 1; i >= 0; i--) {
      s[i] = n;
      n *= sizes[i];
    }
    return s;
  }

  /** Product of sizes. */
  public static long numel(int[] sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    return n;
  }

  /** A size that must fit a 32-bit tensor size. */
  public static int toSize(String op, long v, String what) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw invalid(op, what + " " + v + " is not a valid size");
    }
    return (int) v;
  }

  /**
   * {@link TensorImpl#resize} with the operator named in the error: a rank mismatch is the
   * program's mistake (InvalidArgument), a shape beyond the planned bound stays NotSupported.
   */
  public static void resize(String op, TensorImpl out, int[] sizes) {
    if (out.dim() != sizes.length) {
      throw invalid(
          op,
          "out "
              + out.describe()
              + " has rank "
              + out.dim()
              + " but the result has shape "
              + Arrays.toString(sizes));
    }
    // A hostile program can name a constant (a read-only view of the file) as a kernel's out.
    if (out.hasData() && out.data().isReadOnly()) {
      throw invalid(op, "out " + out.describe() + " is a constant of the program and cannot be written");
    }
    try {
      out.resize(sizes);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(e.errorCode(), op + ": " + e.detail(), e);
    }
  }

  /** Sizes with dimension {@code d} replaced. */
  public static int[] withSize(int[] sizes, int d, int size) {
    int[] s = sizes.clone();
    s[d] = size;
    return s;
  }
}
