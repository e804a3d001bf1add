package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::grid_sampler_2d.out(Tensor input, Tensor grid, int interpolation_mode, int
 * padding_mode, bool align_corners, *, Tensor(a!) out)}, as ExecuTorch's {@code
 * op_grid_sampler_2d.cpp} and {@code util/grid_sampler_2d_util.h}: interpolation 0 bilinear, 1
 * nearest, 2 bicubic (A = -0.75); padding 0 zeros, 1 border, 2 reflection; NCHW input, grid
 * {@code [N, H_out, W_out, 2]} of (x, y) in [-1, 1] with the input's dtype; REALHBF16 dtypes.
 *
 * <p>The arithmetic follows the C++ templates type for type, every operation rounded to its
 * type: bilinear computes coordinates, weights and the sum in {@code float} for float16 and
 * bfloat16 tensors and in the tensor's own type otherwise (integer tensors compute in integers,
 * as the templates do); nearest and bicubic compute in the tensor's own type throughout.
 */
public final class GridSampler2dOp {
  static final String OP = "aten::grid_sampler_2d.out";

  private static final int BILINEAR = 0;
  private static final int NEAREST = 1;
  private static final int BICUBIC = 2;
  private static final int ZEROS = 0;
  private static final int BORDER = 1;
  private static final int REFLECTION = 2;

  private GridSampler2dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, GridSampler2dOp::bind);
  }

  private static PlannedCall bind(Value[] args) {
    KernelChecks.argCount(OP, args, 6);
    TensorImpl in = KernelChecks.tensor(OP, args, 0);
    TensorImpl grid = KernelChecks.tensor(OP, args, 1);
    TensorImpl out = KernelChecks.tensor(OP, args, 5);
    KernelChecks.check(in.dim() == 4, OP, "input must be 4-D, got " + in.describe());
    KernelChecks.contiguous(OP, in, "input");
    KernelChecks.check(grid.dim() == 4, OP, "grid must be 4-D, got " + grid.describe());
    KernelChecks.check(out.dim() == 4, OP, "out must be 4-D, got " + out.describe());
    KernelChecks.sameDtype(OP, in, grid);
    KernelChecks.sameDtype(OP, in, out);
    KernelChecks.dtype(OP, "input", in, DtypeRules.isRealHBF16(in.dtype()));
    long mode = args[2].toInt();
    long padding = args[3].toInt();
    KernelChecks.check(
        mode == BILINEAR || mode == NEAREST || mode == BICUBIC,
        OP,
        "interpolation_mode " + mode + " is not supported (0 bilinear, 1 nearest, 2 bicubic)");
    KernelChecks.check(
        padding == ZEROS || padding == BORDER || padding == REFLECTION,
        OP,
        "padding_mode " + padding + " is not supported (0 zeros, 1 border, 2 reflection)");
    boolean align = args[4].toBool();
    Sampler sampler = new Sampler(in, grid, out, (int) padding, align);
    return new PlannedCall(args, 0, 1) {
      @Override
      protected void plan() {
        KernelChecks.check(grid.size(3) == 2, OP, "grid's last dimension must be 2, got " + grid.describe());
        KernelChecks.check(
            in.size(0) == grid.size(0),
            OP,
            "input and grid batch sizes must match, got " + in.describe() + " and " + grid.describe());
        Shapes.resize(OP, out, new int[] {in.size(0), in.size(1), grid.size(1), grid.size(2)});
        if (out.numel() > 0 && (in.size(2) == 0 || in.size(3) == 0) && (padding != ZEROS || mode == BICUBIC)) {
          throw KernelChecks.invalid(OP, "cannot sample from input " + in.describe() + " with an empty spatial dimension");
        }
        sampler.reshape();
      }

      @Override
      protected void run(KernelContext context) {
        if (out.numel() == 0) {
          return;
        }
        sampler.run((int) mode);
      }
    };
  }

  /** One execution: the tensors' data and strides, and the C++ arithmetic of the templates. */
  private static final class Sampler {
    private final ScalarType t;
    private final TensorImpl in;
    private final TensorImpl grid;
    private final TensorImpl out;
    private final int padding;
    private final boolean align;
    private MemorySegment x;
    private MemorySegment g;
    private MemorySegment y;
    private long[] is;
    private long[] gs;
    private long[] os;
    private int inH;
    private int inW;

    Sampler(TensorImpl in, TensorImpl grid, TensorImpl out, int padding, boolean align) {
      this.t = in.dtype();
      this.in = in;
      this.grid = grid;
      this.out = out;
      this.padding = padding;
      this.align = align;
    }

    /** Takes the current shapes (after a plan). */
    void reshape() {
      this.is = in.strides();
      this.gs = grid.strides();
      this.os = out.strides();
      this.inH = in.size(2);
      this.inW = in.size(3);
    }

    void run(int mode) {
      x = in.data();
      g = grid.data();
      y = out.data();
      for (int n = 0; n < out.size(0); n++) {
        for (int c = 0; c < out.size(1); c++) {
          long inPlane = n * is[0] + c * is[1];
          long outPlane = n * os[0] + c * os[1];
          for (int h = 0; h < out.size(2); h++) {
            for (int w = 0; w < out.size(3); w++) {
              long gi = n * gs[0] + h * gs[1] + w * gs[2];
              double gx = SampleSupport.read(t, g, gi);
              double gy = SampleSupport.read(t, g, gi + gs[3]);
              long o = outPlane + h * os[2] + w * os[3];
              switch (mode) {
                case BILINEAR -> Elements.writeDouble(t, y, o, bilinear(inPlane, gx, gy));
                case NEAREST -> nearest(inPlane, gx, gy, o);
                default -> Elements.writeDouble(t, y, o, bicubic(inPlane, gx, gy));
              }
            }
          }
        }
      }
    }

    private double at(long plane, long iy, long ix) {
      return SampleSupport.read(t, x, plane + iy * is[2] + ix * is[3]);
    }

    private boolean within(long iy, long ix) {
      return iy >= 0 && iy < inH && ix >= 0 && ix < inW;
    }

    private double bilinear(long plane, double gx, double gy) {
      ScalarType a = DtypeRules.computeType(t);
      double ix = sourceIndex(a, gx, inW);
      double iy = sourceIndex(a, gy, inH);
      long ixNw = (long) Math.floor(ix);
      long iyNw = (long) Math.floor(iy);
      long ixNe = ixNw + 1;
      long iyNe = iyNw;
      long ixSw = ixNw;
      long iySw = iyNw + 1;
      long ixSe = ixNw + 1;
      long iySe = iyNw + 1;
      double nw = r(a, r(a, r(a, ixSe) - ix) * r(a, r(a, iySe) - iy));
      double ne = r(a, r(a, ix - r(a, ixSw)) * r(a, r(a, iySw) - iy));
      double sw = r(a, r(a, r(a, ixNe) - ix) * r(a, iy - r(a, iyNe)));
      double se = r(a, r(a, ix - r(a, ixNw)) * r(a, iy - r(a, iyNw)));
      double acc = 0;
      if (padding == ZEROS) {
        if (within(iyNw, ixNw)) {
          acc = r(a, acc + r(a, at(plane, iyNw, ixNw) * nw));
        }
        if (within(iyNe, ixNe)) {
          acc = r(a, acc + r(a, at(plane, iyNe, ixNe) * ne));
        }
        if (within(iySw, ixSw)) {
          acc = r(a, acc + r(a, at(plane, iySw, ixSw) * sw));
        }
        if (within(iySe, ixSe)) {
          acc = r(a, acc + r(a, at(plane, iySe, ixSe) * se));
        }
      } else {
        acc = r(a, at(plane, clipIndex(iyNw, inH), clipIndex(ixNw, inW)) * nw);
        acc = r(a, acc + r(a, at(plane, clipIndex(iyNe, inH), clipIndex(ixNe, inW)) * ne));
        acc = r(a, acc + r(a, at(plane, clipIndex(iySw, inH), clipIndex(ixSw, inW)) * sw));
        acc = r(a, acc + r(a, at(plane, clipIndex(iySe, inH), clipIndex(ixSe, inW)) * se));
      }
      return acc;
    }

    private void nearest(long plane, double gx, double gy, long o) {
      double ix = sourceIndex(t, gx, inW);
      double iy = sourceIndex(t, gy, inH);
      // nearbyint: round half to even, as Math.rint.
      long ixn = (long) Math.rint(ix);
      long iyn = (long) Math.rint(iy);
      int es = t.elementSize();
      if (padding == ZEROS) {
        if (within(iyn, ixn)) {
          StridedCopy.copyElement(x, plane + iyn * is[2] + ixn * is[3], y, o, es);
        } else {
          Elements.writeDouble(t, y, o, 0);
        }
      } else {
        StridedCopy.copyElement(x, plane + clipIndex(iyn, inH) * is[2] + clipIndex(ixn, inW) * is[3], y, o, es);
      }
    }

    private double bicubic(long plane, double gx, double gy) {
      double ix = unnormalize(t, gx, inW);
      double iy = unnormalize(t, gy, inH);
      long ix0 = (long) Math.floor(ix);
      long iy0 = (long) Math.floor(iy);
      double tx = r(t, ix - r(t, ix0));
      double ty = r(t, iy - r(t, iy0));
      return cubic(row(plane, iy0 - 1, ix0, tx), row(plane, iy0, ix0, tx), row(plane, iy0 + 1, ix0, tx), row(plane, iy0 + 2, ix0, tx), ty);
    }

    /** One row of the 4x4 neighbourhood interpolated in x. */
    private double row(long plane, long yy, long ix0, double tx) {
      return cubic(
          bounded(plane, yy, ix0 - 1),
          bounded(plane, yy, ix0),
          bounded(plane, yy, ix0 + 1),
          bounded(plane, yy, ix0 + 2),
          tx);
    }

    /** The bicubic kernel's {@code get_value_bounded}. */
    private double bounded(long plane, long iy, long ix) {
      if (padding == ZEROS) {
        return within(iy, ix) ? at(plane, iy, ix) : 0.0;
      }
      if (padding == BORDER) {
        return at(plane, Math.max(0, Math.min(iy, inH - 1)), Math.max(0, Math.min(ix, inW - 1)));
      }
      double ry = r(t, iy);
      double rx = r(t, ix);
      if (align) {
        ry = reflect(t, ry, 0, 2L * (inH - 1));
        rx = reflect(t, rx, 0, 2L * (inW - 1));
      } else {
        ry = reflect(t, ry, -1, 2L * inH - 1);
        rx = reflect(t, rx, -1, 2L * inW - 1);
      }
      long sy = (long) clip(t, ry, inH);
      long sx = (long) clip(t, rx, inW);
      return at(plane, sy, sx);
    }

    private double cubic(double x0, double x1, double x2, double x3, double tt) {
      double aa = r(t, -0.75);
      double c0 = convolution2(r(t, tt + 1), aa);
      double c1 = convolution1(tt, aa);
      double u = r(t, 1 - tt);
      double c2 = convolution1(u, aa);
      double c3 = convolution2(r(t, u + 1), aa);
      double s = r(t, r(t, x0 * c0) + r(t, x1 * c1));
      s = r(t, s + r(t, x2 * c2));
      return r(t, s + r(t, x3 * c3));
    }

    /** {@code ((A + 2) * x - (A + 3)) * x * x + 1}. */
    private double convolution1(double v, double aa) {
      double p = r(t, r(t, r(t, aa + 2) * v) - r(t, aa + 3));
      return r(t, r(t, r(t, p * v) * v) + 1);
    }

    /** {@code ((A * x - 5 * A) * x + 8 * A) * x - 4 * A}. */
    private double convolution2(double v, double aa) {
      double p = r(t, r(t, aa * v) - r(t, 5 * aa));
      p = r(t, r(t, p * v) + r(t, 8 * aa));
      return r(t, r(t, p * v) - r(t, 4 * aa));
    }

    /** {@code grid_sampler_compute_source_index} in type {@code a}. */
    private double sourceIndex(ScalarType a, double coord, int size) {
      coord = unnormalize(a, coord, size);
      if (padding == BORDER) {
        coord = clip(a, coord, size);
      } else if (padding == REFLECTION) {
        coord = align ? reflect(a, coord, 0, 2L * (size - 1)) : reflect(a, coord, -1, 2L * size - 1);
        coord = clip(a, coord, size);
      }
      return coord;
    }

    /** {@code grid_sampler_unnormalize}: [-1, 1] to pixel coordinates. */
    private double unnormalize(ScalarType a, double coord, int size) {
      double plus1 = r(a, coord + 1);
      if (align) {
        return r(a, r(a, plus1 / 2) * r(a, size - 1));
      }
      return r(a, r(a, r(a, plus1 * r(a, size)) - 1) / 2);
    }

    /** {@code clip_coordinates} on indices. */
    private static long clipIndex(long v, int limit) {
      return Math.min(limit - 1, Math.max(v, 0));
    }
  }

  /** {@code v} rounded to {@code a} (C++ arithmetic in that type). */
  private static double r(ScalarType a, double v) {
    return SampleSupport.round(a, v);
  }

  /** {@code clip_coordinates} in type {@code a}, with {@code std::min / std::max} on NaN. */
  private static double clip(ScalarType a, double v, int limit) {
    double hi = r(a, limit - 1);
    double lo = v < 0 ? 0 : v;
    // std::min(hi, lo) keeps hi unless lo < hi, so NaN clips to hi.
    return lo < hi ? lo : hi;
  }

  /** {@code reflect_coordinates} in type {@code a}. */
  private static double reflect(ScalarType a, double in, long twiceLow, long twiceHigh) {
    if (twiceLow == twiceHigh) {
      return 0;
    }
    double min = r(a, r(a, twiceLow) / 2);
    double span = r(a, r(a, twiceHigh - twiceLow) / 2);
    in = r(a, Math.abs(r(a, in - min)));
    double extra = r(a, in % span);
    int flips = (int) Math.floor(r(a, in / span));
    return flips % 2 == 0 ? r(a, extra + min) : r(a, r(a, span - extra) + min);
  }
}
