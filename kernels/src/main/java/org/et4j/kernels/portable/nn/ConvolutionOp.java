package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::convolution.out(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride,
 * SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups, *,
 * Tensor(a!) out)}: 1-D and 2-D convolution and transposed convolution with groups, as ExecuTorch's
 * {@code op_convolution.cpp} (a 1-D convolution is a 2-D one of height 1).
 *
 * <p>float32 in the default dim order goes through {@link Sgemm}: per batch and group, the
 * convolution is {@code W[OCg, Cg*KH*KW] @ col[Cg*KH*KW, OH*OW]} with the bias added per output
 * channel in the GEMM's epilogue; {@code col} is the input itself for 1x1 unit-stride unpadded
 * kernels and an im2col copy in the call's scratch memory otherwise. Transposed: {@code col = W^T
 * @ x}, then scattered into the output (col2im). Every other case (other dtypes, transposed
 * channels-last, mixed dim orders) takes ExecuTorch's direct loops, which index through each
 * tensor's strides.
 */
public final class ConvolutionOp {
  static final String NAME = "aten::convolution.out";

  private static final ValueLayout.OfFloat F32 = Elements.F32;

  private ConvolutionOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, ConvolutionOp::bind);
  }

  /** Spatial parameters as 2-D (height first), with a 1-D convolution's height dim of 1. */
  private record Geometry(int sH, int sW, int pH, int pW, int dH, int dW, int opH, int opW) {}

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 10);
    TensorImpl in = args[0].toTensor();
    TensorImpl weight = args[1].toTensor();
    TensorImpl bias = args[2].toOptionalTensor();
    long[] stride = args[3].toIntList();
    long[] padding = args[4].toIntList();
    long[] dilation = args[5].toIntList();
    boolean transposed = args[6].toBool();
    long[] outputPadding = args[7].toIntList();
    long groupsArg = args[8].toInt();
    TensorImpl out = args[9].toTensor();

    // checks (check_convolution_args): ranks, dtypes, parameter lists, groups
    if (in.dim() != 3 && in.dim() != 4) {
      throw KernelChecks.invalid(NAME, "input must be 3-D or 4-D, got " + in.describe());
    }
    if (weight.dim() != in.dim() || out.dim() != in.dim()) {
      throw KernelChecks.invalid(
          NAME, "input, weight and out must have one rank, got " + KernelChecks.describe(in, weight, out));
    }
    KernelChecks.allSameDtype(NAME, in, weight, out);
    ScalarType t = in.dtype();
    if (!t.isFloatingPoint() && !t.isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }
    if (bias != null && bias.dim() != 1) {
      throw KernelChecks.invalid(NAME, "bias must be 1-D, got " + bias.describe());
    }
    if (bias != null && !bias.dtype().isFloatingPoint() && !bias.dtype().isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported bias dtype " + bias.dtype().displayName());
    }
    boolean oneD = in.dim() == 3;
    int kdims = oneD ? 1 : 2;
    checkList("stride", stride, kdims, 1, false);
    checkList("padding", padding, kdims, 0, false);
    checkList("dilation", dilation, kdims, 1, false);
    if (transposed) {
      checkList("output_padding", outputPadding, kdims, 0, false);
      for (int i = 0; i < kdims; i++) {
        long op = NnArgs.valAt(outputPadding, i, 0);
        if (op >= NnArgs.valAt(stride, i, 1) && op >= NnArgs.valAt(dilation, i, 1)) {
          throw KernelChecks.invalid(
              NAME,
              "output_padding "
                  + Arrays.toString(outputPadding)
                  + " must be smaller than either stride or dilation");
        }
      }
    }
    if (groupsArg < 1 || weight.size(0) % groupsArg != 0) {
      throw KernelChecks.invalid(
          NAME, "groups=" + groupsArg + " must divide weight.size(0) of " + weight.describe());
    }
    int groups = (int) groupsArg;
    Geometry g =
        oneD
            ? new Geometry(
                1, (int) stride[0], 0, (int) padding[0], 1, (int) dilation[0], 0,
                transposed ? (int) NnArgs.valAt(outputPadding, 0, 0) : 0)
            : new Geometry(
                (int) NnArgs.valAt(stride, 0, 1),
                (int) NnArgs.valAt(stride, 1, 1),
                (int) NnArgs.valAt(padding, 0, 0),
                (int) NnArgs.valAt(padding, 1, 0),
                (int) NnArgs.valAt(dilation, 0, 1),
                (int) NnArgs.valAt(dilation, 1, 1),
                transposed ? (int) NnArgs.valAt(outputPadding, 0, 0) : 0,
                transposed ? (int) NnArgs.valAt(outputPadding, 1, 0) : 0);
    boolean gemm =
        t == ScalarType.FLOAT
            && in.isContiguous()
            && weight.isContiguous()
            && out.isContiguous()
            && (bias == null || bias.dtype() == ScalarType.FLOAT);
    // Channels-last (NHWC) float32 input and output, 2-D, not transposed: the output is the matrix
    // [OH*OW, OC] = col[OH*OW, K] @ W^T, with W read in place in either of its dim orders.
    boolean gemmNhwc =
        t == ScalarType.FLOAT
            && !transposed
            && in.dim() == 4
            && Pooling2d.isDefaultOrChannelsLast(in)
            && !in.isContiguous()
            && java.util.Arrays.equals(in.dimOrder(), out.dimOrder())
            && Pooling2d.isDefaultOrChannelsLast(weight)
            && (bias == null || bias.dtype() == ScalarType.FLOAT);
    int[] outSizes = new int[in.dim()];

    return ctx -> {
      // Shapes as 4-D [N, C, H, W], with H = 1 for a 1-D convolution.
      int n = in.size(0);
      int c = in.size(1);
      int h = oneD ? 1 : in.size(2);
      int w = in.size(in.dim() - 1);
      int kH = oneD ? 1 : weight.size(2);
      int kW = weight.size(weight.dim() - 1);
      int oc = transposed ? groups * weight.size(1) : weight.size(0);
      if (transposed ? c != weight.size(0) : c != groups * weight.size(1)) {
        throw KernelChecks.invalid(
            NAME,
            "input "
                + in.describe()
                + " does not match weight "
                + weight.describe()
                + " with groups="
                + groups
                + (transposed ? " (transposed)" : ""));
      }
      if (bias != null && bias.size(0) != oc) {
        throw KernelChecks.invalid(
            NAME, "bias " + bias.describe() + " must have " + oc + " output channels");
      }
      int oh = outputSize(h, kH, g.pH(), g.sH(), g.dH(), transposed, g.opH());
      int ow = outputSize(w, kW, g.pW(), g.sW(), g.dW(), transposed, g.opW());
      if (oh < 1 || ow < 1) {
        throw KernelChecks.invalid(
            NAME,
            "output would be empty: input "
                + in.describe()
                + ", weight "
                + weight.describe()
                + ", stride "
                + Arrays.toString(stride)
                + ", padding "
                + Arrays.toString(padding)
                + ", dilation "
                + Arrays.toString(dilation));
      }
      outSizes[0] = n;
      outSizes[1] = c == 0 ? 0 : oc;
      if (!oneD) {
        outSizes[2] = oh;
      }
      outSizes[outSizes.length - 1] = ow;
      NnArgs.resize(NAME, out, outSizes);
      if (out.numel() == 0) {
        return;
      }
      if (gemmNhwc) {
        convolveGemmNhwc(ctx, in, weight, bias, out, g, groups, n, c, h, w, kH, kW, oc, oh, ow);
      } else if (gemm && !transposed) {
        convolveGemm(ctx, in, weight, bias, out, g, groups, n, c, h, w, kH, kW, oc, oh, ow);
      } else if (gemm) {
        transposedGemm(ctx, in, weight, bias, out, g, groups, n, c, h, w, kH, kW, oc, oh, ow);
      } else {
        direct(in, weight, bias, out, g, groups, transposed, n, c, h, w, kH, kW, oc, oh, ow);
      }
    };
  }

  private static void checkList(String what, long[] list, int kdims, long min, boolean allowEmpty) {
    if (!(list.length == 1 || list.length == kdims || (allowEmpty && list.length == 0))) {
      throw KernelChecks.invalid(
          NAME, what + " must have 1 or " + kdims + " values, got " + Arrays.toString(list));
    }
    for (long v : list) {
      if (v < min || v > Integer.MAX_VALUE) {
        throw KernelChecks.invalid(NAME, what + " values must be >= " + min + ", got " + Arrays.toString(list));
      }
    }
  }

  /** ExecuTorch's {@code _kernel_output_size_helper} without ceil mode. */
  static int outputSize(
      int in, int k, int pad, int stride, int dilation, boolean transposed, int outputPadding) {
    long size =
        transposed
            ? (long) (in - 1) * stride - 2L * pad + (long) dilation * (k - 1) + outputPadding + 1
            : ((long) in + 2L * pad - (long) dilation * (k - 1) - 1) / stride + 1;
    if (!transposed && (long) in + 2L * pad - (long) dilation * (k - 1) - 1 < 0) {
      return 0;
    }
    return (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
  }

  // ---- float32, default dim order: im2col + GEMM ----

  private static void convolveGemm(
      KernelContext ctx, TensorImpl in, TensorImpl weight, TensorImpl bias, TensorImpl out,
      Geometry g, int groups, int n, int c, int h, int w, int kH, int kW, int oc, int oh, int ow) {
    int cg = c / groups;
    int ocg = oc / groups;
    int k = cg * kH * kW;
    int p = oh * ow;
    boolean direct =
        kH == 1 && kW == 1 && g.sH() == 1 && g.sW() == 1 && g.pH() == 0 && g.pW() == 0;
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    MemorySegment b = bias == null ? null : bias.data();
    MemorySegment col = direct ? null : ctx.scratch((long) k * p * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < n; bi++) {
      for (int gi = 0; gi < groups; gi++) {
        long xOff = ((long) bi * c + (long) gi * cg) * h * w;
        MemorySegment src = x;
        long srcOff = xOff;
        if (!direct) {
          im2col(x, xOff, cg, h, w, kH, kW, g, oh, ow, col);
          src = col;
          srcOff = 0;
        }
        gemm.multiply(
            ocg, p, k, 1f,
            wt, (long) gi * ocg * k, k, false,
            src, srcOff, p, false,
            b == null ? 0f : 1f, b, (long) gi * ocg, 1, 0,
            y, ((long) bi * oc + (long) gi * ocg) * p, p);
      }
    }
  }

  /**
   * Channels-last: per batch and group, {@code out[OH*OW, OCg] (row stride OC) = col[OH*OW, K] @
   * W_g^T + bias}, the bias broadcast along rows in the GEMM's epilogue. Each row of {@code col} is
   * one output pixel's receptive field, ordered as the weight stores it: (ky, kx, c) for a
   * channels-last weight, so that each tap is a contiguous copy of Cg channels, or (c, ky, kx) for
   * a default-order one. A 1x1 unit-stride unpadded kernel without groups reads the input itself.
   */
  private static void convolveGemmNhwc(
      KernelContext ctx, TensorImpl in, TensorImpl weight, TensorImpl bias, TensorImpl out,
      Geometry g, int groups, int n, int c, int h, int w, int kH, int kW, int oc, int oh, int ow) {
    int cg = c / groups;
    int ocg = oc / groups;
    int k = cg * kH * kW;
    int p = oh * ow;
    boolean weightLast = !weight.isContiguous();
    boolean direct =
        groups == 1 && kH == 1 && kW == 1 && g.sH() == 1 && g.sW() == 1 && g.pH() == 0
            && g.pW() == 0;
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    MemorySegment b = bias == null ? null : bias.data();
    MemorySegment col = direct ? null : ctx.scratch((long) k * p * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < n; bi++) {
      long xBase = (long) bi * h * w * c;
      for (int gi = 0; gi < groups; gi++) {
        MemorySegment src = x;
        long srcOff = xBase;
        long lda = c;
        if (!direct) {
          im2colNhwc(x, xBase, c, gi * cg, cg, h, w, kH, kW, g, oh, ow, weightLast, col);
          src = col;
          srcOff = 0;
          lda = k;
        }
        gemm.multiply(
            p, ocg, k, 1f,
            src, srcOff, lda, false,
            wt, (long) gi * ocg * k, k, true,
            b == null ? 0f : 1f, b, (long) gi * ocg, 0, 1,
            y, (long) bi * p * oc + (long) gi * ocg, oc);
      }
    }
  }

  /** Builds the [OH*OW, Cg*kH*kW] receptive-field matrix of one group of an NHWC image. */
  private static void im2colNhwc(
      MemorySegment x, long xBase, int c, int c0, int cg, int h, int w, int kH, int kW, Geometry g,
      int oh, int ow, boolean tapMajor, MemorySegment col) {
    long k = (long) cg * kH * kW;
    long row = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++, row++) {
        long dst = row * k;
        for (int ky = 0; ky < kH; ky++) {
          int iy = oy * g.sH() - g.pH() + ky * g.dH();
          for (int kx = 0; kx < kW; kx++) {
            int ix = ox * g.sW() - g.pW() + kx * g.dW();
            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            long src = xBase + ((long) iy * w + ix) * c + c0;
            if (tapMajor) {
              long at = dst + ((long) ky * kW + kx) * cg;
              if (inside) {
                MemorySegment.copy(x, src * Float.BYTES, col, at * Float.BYTES, (long) cg * Float.BYTES);
              } else {
                for (int ci = 0; ci < cg; ci++) {
                  col.setAtIndex(F32, at + ci, 0f);
                }
              }
            } else {
              long tap = (long) ky * kW + kx;
              for (int ci = 0; ci < cg; ci++) {
                col.setAtIndex(F32, dst + ci * (long) kH * kW + tap,
                    inside ? x.getAtIndex(F32, src + ci) : 0f);
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@code col[(ci * kH + ky) * kW + kx][oy * ow + ox] = x[ci][oy*sH - pH + ky*dH][ox*sW - pW +
   * kx*dW]}, 0 where that falls in the padding. Rows of a unit-stride kernel are bulk copies.
   */
  private static void im2col(
      MemorySegment x, long xOff, int cg, int h, int w, int kH, int kW, Geometry g, int oh, int ow,
      MemorySegment col) {
    long p = (long) oh * ow;
    long row = 0;
    for (int ci = 0; ci < cg; ci++) {
      long plane = xOff + (long) ci * h * w;
      for (int ky = 0; ky < kH; ky++) {
        for (int kx = 0; kx < kW; kx++, row++) {
          long dst = row * p;
          int xShift = kx * g.dW() - g.pW();
          // Output columns whose input column is inside [0, w).
          int lo = Math.min(ow, Math.max(0, ceilDiv(-xShift, g.sW())));
          int hi = Math.max(lo, Math.min(ow, ceilDiv(w - xShift, g.sW())));
          for (int oy = 0; oy < oh; oy++, dst += ow) {
            int iy = oy * g.sH() - g.pH() + ky * g.dH();
            if (iy < 0 || iy >= h) {
              for (int ox = 0; ox < ow; ox++) {
                col.setAtIndex(F32, dst + ox, 0f);
              }
              continue;
            }
            long srcRow = plane + (long) iy * w + xShift;
            for (int ox = 0; ox < lo; ox++) {
              col.setAtIndex(F32, dst + ox, 0f);
            }
            if (g.sW() == 1) {
              MemorySegment.copy(
                  x, (srcRow + lo) * Float.BYTES, col, (dst + lo) * Float.BYTES,
                  (long) (hi - lo) * Float.BYTES);
            } else {
              for (int ox = lo; ox < hi; ox++) {
                col.setAtIndex(F32, dst + ox, x.getAtIndex(F32, srcRow + (long) ox * g.sW()));
              }
            }
            for (int ox = hi; ox < ow; ox++) {
              col.setAtIndex(F32, dst + ox, 0f);
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  /**
   * Transposed: per batch and group, {@code col[OCg*kH*kW, H*W] = W_g^T @ x_g} with {@code W_g =
   * weight[g*Cg:(g+1)*Cg]} read as {@code [Cg, OCg*kH*kW]}, then each column entry is added to the
   * output pixel it lands on (col2im) over an output first set to the bias.
   */
  private static void transposedGemm(
      KernelContext ctx, TensorImpl in, TensorImpl weight, TensorImpl bias, TensorImpl out,
      Geometry g, int groups, int n, int c, int h, int w, int kH, int kW, int oc, int oh, int ow) {
    int cg = c / groups;
    int ocg = oc / groups;
    int rows = ocg * kH * kW;
    long hw = (long) h * w;
    long op = (long) oh * ow;
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    MemorySegment col = ctx.scratch(rows * hw * Float.BYTES);
    for (int bi = 0; bi < n; bi++) {
      for (int o = 0; o < oc; o++) {
        float bv = bias == null ? 0f : bias.data().getAtIndex(F32, o);
        long base = ((long) bi * oc + o) * op;
        for (long i = 0; i < op; i++) {
          y.setAtIndex(F32, base + i, bv);
        }
      }
      for (int gi = 0; gi < groups; gi++) {
        Sgemm.get()
            .multiply(
                rows, (int) hw, cg, 1f,
                wt, (long) gi * cg * rows, rows, true,
                x, ((long) bi * c + (long) gi * cg) * hw, hw, false,
                0f, col, 0, hw);
        long yBase = ((long) bi * oc + (long) gi * ocg) * op;
        int r = 0;
        for (int o = 0; o < ocg; o++) {
          for (int ky = 0; ky < kH; ky++) {
            for (int kx = 0; kx < kW; kx++, r++) {
              long src = (long) r * hw;
              for (int iy = 0; iy < h; iy++) {
                int yy = iy * g.sH() - g.pH() + ky * g.dH();
                if (yy < 0 || yy >= oh) {
                  continue;
                }
                long dstRow = yBase + (long) o * op + (long) yy * ow;
                for (int ix = 0; ix < w; ix++) {
                  int xx = ix * g.sW() - g.pW() + kx * g.dW();
                  if (xx >= 0 && xx < ow) {
                    long di = dstRow + xx;
                    y.setAtIndex(
                        F32, di, y.getAtIndex(F32, di) + col.getAtIndex(F32, src + (long) iy * w + ix));
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  // ---- every dtype and dim order: ExecuTorch's direct loops (integers, float16 and bfloat16
  // with its element-type arithmetic, in ElementTypeConvolution) ----

  private static void direct(
      TensorImpl in, TensorImpl weight, TensorImpl bias, TensorImpl out, Geometry g, int groups,
      boolean transposed, int n, int c, int h, int w, int kH, int kW, int oc, int oh, int ow) {
    ScalarType t = in.dtype();
    long[] is = strides4(in);
    long[] ws = strides4(weight);
    long[] os = strides4(out);
    if (ElementTypeMatmul.handles(t)) {
      ElementTypeConvolution.direct(
          in, weight, bias, out, is, ws, os,
          new ElementTypeConvolution.Geometry(g.sH(), g.sW(), g.pH(), g.pW(), g.dH(), g.dW()), groups, transposed,
          n, c, h, w, kH, kW, oc, oh, ow);
      return;
    }
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    int cg = c / groups;
    int ocg = oc / groups;
    if (transposed) {
      // The output accumulates scattered products: start from the bias (or 0).
      for (int bi = 0; bi < n; bi++) {
        for (int o = 0; o < oc; o++) {
          double bv = bias == null ? 0 : Elements.readDouble(bias.dtype(), bias.data(), o);
          for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
              Elements.writeDouble(t, y, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3], bv);
            }
          }
        }
      }
    }
    for (int bi = 0; bi < n; bi++) {
      for (int gi = 0; gi < groups; gi++) {
        for (int o = gi * ocg; o < (gi + 1) * ocg; o++) {
          if (!transposed) {
            double bv = bias == null ? 0 : Elements.readDouble(bias.dtype(), bias.data(), o);
            for (int yy = 0; yy < oh; yy++) {
              for (int xx = 0; xx < ow; xx++) {
                double acc = 0;
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  for (int ky = 0; ky < kH; ky++) {
                    int iy = g.sH() * yy + g.dH() * ky - g.pH();
                    if (iy < 0 || iy >= h) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int ix = g.sW() * xx + g.dW() * kx - g.pW();
                      if (ix >= 0 && ix < w) {
                        acc +=
                            Elements.readDouble(t, x, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3])
                                * Elements.readDouble(
                                    t, wt, o * ws[0] + (ci - gi * cg) * ws[1] + ky * ws[2] + kx * ws[3]);
                      }
                    }
                  }
                }
                Elements.writeDouble(
                    t, y, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3], acc + bv);
              }
            }
          } else {
            int oInGroup = o - gi * ocg;
            for (int iy = 0; iy < h; iy++) {
              for (int ix = 0; ix < w; ix++) {
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  double xv =
                      Elements.readDouble(t, x, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3]);
                  for (int ky = 0; ky < kH; ky++) {
                    int yy = g.sH() * iy + g.dH() * ky - g.pH();
                    if (yy < 0 || yy >= oh) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int xx = g.sW() * ix + g.dW() * kx - g.pW();
                      if (xx >= 0 && xx < ow) {
                        long oi = bi * os[0] + o * os[1] + yy * os[2] + xx * os[3];
                        double wv =
                            Elements.readDouble(
                                t, wt, ci * ws[0] + oInGroup * ws[1] + ky * ws[2] + kx * ws[3]);
                        Elements.writeDouble(t, y, oi, Elements.readDouble(t, y, oi) + xv * wv);
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** Strides of a 3-D or 4-D tensor as 4-D {@code [N, C, H, W]} (H of a 1-D one: stride 0). */
  private static long[] strides4(TensorImpl t) {
    if (t.dim() == 4) {
      return t.strides();
    }
    return new long[] {t.stride(0), t.stride(1), 0, t.stride(2)};
  }
}
