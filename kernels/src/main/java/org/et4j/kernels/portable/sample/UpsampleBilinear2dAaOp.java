package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::_upsample_bilinear2d_aa.out(Tensor self, SymInt[2] output_size, bool
 * align_corners, float? scales_h=None, float? scales_w=None, *, Tensor(a!) out)}: anti-aliased
 * bilinear resampling, as ExecuTorch's {@code op_upsample_bilinear2d_aa.cpp}. Each output pixel
 * is a normalized triangle-filter average over a support of {@code max(scale, 1)} input pixels
 * around {@code scale * (i + 0.5)} (align_corners changes only the scale). The given scales are
 * used only when both are present. Filter weights are float32; the sum accumulates in the
 * tensor's own type, rounded after every step as ExecuTorch's {@code CTYPE value} is (so integer
 * tensors truncate at each step). NCHW or NHWC, in and out alike; REALHBF16 dtypes. ExecuTorch
 * requires out to have the output size already; et4j resizes a dynamic out first.
 */
public final class UpsampleBilinear2dAaOp {
  static final String OP = "aten::_upsample_bilinear2d_aa.out";

  private UpsampleBilinear2dAaOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, UpsampleBilinear2dAaOp::bind);
  }

  /** The taps of one output index: input range [min, max) and their normalized weights. */
  private record Taps(int min, int max, float[] weights) {}

  private static PlannedCall bind(Value[] args) {
    KernelChecks.argCount(OP, args, 6);
    TensorImpl in = KernelChecks.tensor(OP, args, 0);
    TensorImpl out = KernelChecks.tensor(OP, args, 5);
    KernelChecks.check(in.dim() == 4, OP, "input must be 4-D, got " + in.describe());
    KernelChecks.check(out.dim() == 4, OP, "out must be 4-D, got " + out.describe());
    KernelChecks.sameDtype(OP, in, out);
    KernelChecks.dtype(OP, "input", in, DtypeRules.isRealHBF16(in.dtype()));
    SampleSupport.defaultOrChannelsLast(OP, in, "input");
    KernelChecks.sameDimOrder(OP, in, out);
    boolean alignCorners = args[2].toBool();
    ScalarType t = in.dtype();
    return new PlannedCall(args, 0, 1, 3, 4) {
      private Taps[] rows;
      private Taps[] cols;

      @Override
      protected void plan() {
        long[] size = args[1].toIntList();
        KernelChecks.check(
            size.length == 2 && size[0] > 0 && size[1] > 0,
            OP,
            "output_size must be two positive sizes, got " + Arrays.toString(size));
        int oh = Shapes.toSize(OP, size[0], "output height");
        int ow = Shapes.toSize(OP, size[1], "output width");
        Shapes.resize(OP, out, new int[] {in.size(0), in.size(1), oh, ow});
        Upsample2d.checkSampledInput(OP, in, out);
        double scaleH;
        double scaleW;
        if (!args[3].isNone() && !args[4].isNone()) {
          scaleH = args[3].toDouble();
          scaleW = args[4].toDouble();
        } else {
          scaleH = (double) oh / in.size(2);
          scaleW = (double) ow / in.size(3);
        }
        float kh = (float) Upsample2d.kernelScale(in.size(2), oh, alignCorners, scaleH);
        float kw = (float) Upsample2d.kernelScale(in.size(3), ow, alignCorners, scaleW);
        rows = new Taps[oh];
        cols = new Taps[ow];
        for (int i = 0; i < oh; i++) {
          rows[i] = taps(i, kh, in.size(2));
        }
        for (int i = 0; i < ow; i++) {
          cols[i] = taps(i, kw, in.size(3));
        }
      }

      @Override
      protected void run(KernelContext context) {
        if (out.numel() == 0) {
          return;
        }
        MemorySegment x = in.data();
        MemorySegment y = out.data();
        long[] is = in.strides();
        long[] os = out.strides();
        boolean dbl = t == ScalarType.DOUBLE;
        for (int n = 0; n < out.size(0); n++) {
          for (int oh = 0; oh < rows.length; oh++) {
            Taps r = rows[oh];
            for (int ow = 0; ow < cols.length; ow++) {
              Taps q = cols[ow];
              for (int c = 0; c < out.size(1); c++) {
                long plane = n * is[0] + c * is[1];
                double value = 0;
                for (int ih = r.min; ih < r.max; ih++) {
                  float hw = r.weights[ih - r.min];
                  for (int iw = q.min; iw < q.max; iw++) {
                    float ww = q.weights[iw - q.min];
                    double v = SampleSupport.read(t, x, plane + ih * is[2] + iw * is[3]);
                    double term;
                    if (dbl) {
                      term = v * hw * ww;
                      value = value + term;
                    } else {
                      term = (float) ((float) v * hw) * ww;
                      // CTYPE value += float: the sum in float32, stored back as CTYPE.
                      value = SampleSupport.round(t, (float) (value + term));
                    }
                  }
                }
                Elements.writeDouble(t, y, n * os[0] + c * os[1] + oh * os[2] + ow * os[3], value);
              }
            }
          }
        }
      }
    };
  }

  private static float filter(float x) {
    x = Math.abs(x);
    return x < 1f ? 1f - x : 0f;
  }

  /** {@code compute_aa_kernel_params<float>} and the normalized weights of its taps. */
  private static Taps taps(int outputIndex, float scale, int inputSize) {
    float center = scale * ((float) outputIndex + 0.5f);
    float support = scale >= 1f ? 1f * scale : 1f;
    int xmin = (int) Math.max((long) (center - support + 0.5f), 0L);
    int xmax = (int) Math.min((long) (center + support + 0.5f), inputSize);
    float invscale = scale >= 1f ? 1f / scale : 1f;
    float total = 0f;
    for (int x = xmin; x < xmax; x++) {
      total += filter(((float) x - center + 0.5f) * invscale);
    }
    if (xmax <= xmin || total <= 0f) {
      int fallback = (int) Math.max(0L, Math.min((long) center, inputSize - 1));
      return new Taps(fallback, fallback + 1, new float[] {1f});
    }
    float[] w = new float[xmax - xmin];
    for (int x = xmin; x < xmax; x++) {
      w[x - xmin] = filter(((float) x - center + 0.5f) * invscale) / total;
    }
    return new Taps(xmin, xmax, w);
  }
}
