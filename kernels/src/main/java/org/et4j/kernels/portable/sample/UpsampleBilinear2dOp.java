package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::upsample_bilinear2d.vec_out(Tensor input, SymInt[]? output_size, bool
 * align_corners, float[]? scale_factors, *, Tensor(a!) out)}, as ExecuTorch's {@code
 * op_upsample_bilinear2d.cpp}: exactly one of output_size and scale_factors; NCHW or NHWC (in
 * and out alike); REALHBF16 dtypes. Source indices and weights are float32 (as ExecuTorch's
 * {@code float} scales); the interpolation runs in float32, or in float64 for double tensors
 * ({@code CTYPE * float}), and integer results truncate toward zero.
 */
public final class UpsampleBilinear2dOp {
  static final String OP = "aten::upsample_bilinear2d.vec_out";

  private UpsampleBilinear2dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, UpsampleBilinear2dOp::bind);
  }

  private static PlannedCall bind(Value[] args) {
    KernelChecks.argCount(OP, args, 5);
    TensorImpl in = KernelChecks.tensor(OP, args, 0);
    TensorImpl out = KernelChecks.tensor(OP, args, 4);
    Upsample2d.checkArgs(OP, in, args[1], args[3], out);
    boolean alignCorners = args[2].toBool();
    ScalarType t = in.dtype();
    return new PlannedCall(args, 0, 1, 3) {
      private int[] h0;
      private int[] h1;
      private float[] hl0;
      private float[] hl1;
      private int[] w0;
      private int[] w1;
      private float[] wl0;
      private float[] wl1;

      @Override
      protected void plan() {
        double[] scales = Upsample2d.resize(OP, in, args[1], args[3], out);
        int oh = out.size(2);
        int ow = out.size(3);
        float scaleH = (float) Upsample2d.kernelScale(in.size(2), oh, alignCorners, scales[0]);
        float scaleW = (float) Upsample2d.kernelScale(in.size(3), ow, alignCorners, scales[1]);
        h0 = new int[oh];
        h1 = new int[oh];
        hl0 = new float[oh];
        hl1 = new float[oh];
        w0 = new int[ow];
        w1 = new int[ow];
        wl0 = new float[ow];
        wl1 = new float[ow];
        Upsample2d.sourceIndexAndLambda(scaleH, in.size(2), oh, alignCorners, h0, h1, hl0, hl1);
        Upsample2d.sourceIndexAndLambda(scaleW, in.size(3), ow, alignCorners, w0, w1, wl0, wl1);
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
          for (int c = 0; c < out.size(1); c++) {
            long inPlane = n * is[0] + c * is[1];
            long outPlane = n * os[0] + c * os[1];
            for (int h = 0; h < h0.length; h++) {
              long top = inPlane + h0[h] * is[2];
              long bottom = inPlane + h1[h] * is[2];
              for (int w = 0; w < w0.length; w++) {
                long left = w0[w] * is[3];
                long right = w1[w] * is[3];
                double tl = SampleSupport.read(t, x, top + left);
                double tr = SampleSupport.read(t, x, top + right);
                double bl = SampleSupport.read(t, x, bottom + left);
                double br = SampleSupport.read(t, x, bottom + right);
                double val;
                if (dbl) {
                  double upper = tl * wl0[w] + tr * wl1[w];
                  double lower = bl * wl0[w] + br * wl1[w];
                  val = upper * hl0[h] + lower * hl1[h];
                } else {
                  float upper = (float) tl * wl0[w] + (float) tr * wl1[w];
                  float lower = (float) bl * wl0[w] + (float) br * wl1[w];
                  val = upper * hl0[h] + lower * hl1[h];
                }
                Elements.writeDouble(t, y, outPlane + h * os[2] + w * os[3], val);
              }
            }
          }
        }
      }
    };
  }
}
