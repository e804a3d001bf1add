package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::upsample_nearest2d.vec_out(Tensor input, SymInt[]? output_size, float[]?
 * scale_factors, *, Tensor(a!) out)}, as ExecuTorch's {@code op_upsample_nearest2d.cpp}: source
 * index {@code min(floor(dst * scale), size - 1)} with a float32 scale (PyTorch's "nearest", not
 * "nearest-exact"); NCHW or NHWC; REALHBF16 dtypes. Elements are copied, never converted.
 */
public final class UpsampleNearest2dOp {
  static final String OP = "aten::upsample_nearest2d.vec_out";

  private UpsampleNearest2dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, UpsampleNearest2dOp::bind);
  }

  private static PlannedCall bind(Value[] args) {
    KernelChecks.argCount(OP, args, 4);
    TensorImpl in = KernelChecks.tensor(OP, args, 0);
    TensorImpl out = KernelChecks.tensor(OP, args, 3);
    Upsample2d.checkArgs(OP, in, args[1], args[2], out);
    int es = in.dtype().elementSize();
    return new PlannedCall(args, 0, 1, 2) {
      private int[] srcH;
      private int[] srcW;

      @Override
      protected void plan() {
        double[] scales = Upsample2d.resize(OP, in, args[1], args[2], out);
        float scaleH = (float) Upsample2d.kernelScale(in.size(2), out.size(2), false, scales[0]);
        float scaleW = (float) Upsample2d.kernelScale(in.size(3), out.size(3), false, scales[1]);
        srcH = new int[out.size(2)];
        srcW = new int[out.size(3)];
        for (int h = 0; h < srcH.length; h++) {
          srcH[h] = Upsample2d.nearestSourceIndex(scaleH, h, in.size(2));
        }
        for (int w = 0; w < srcW.length; w++) {
          srcW[w] = Upsample2d.nearestSourceIndex(scaleW, w, in.size(3));
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
        for (int n = 0; n < out.size(0); n++) {
          for (int c = 0; c < out.size(1); c++) {
            long inPlane = n * is[0] + c * is[1];
            long outPlane = n * os[0] + c * os[1];
            for (int h = 0; h < srcH.length; h++) {
              long inRow = inPlane + srcH[h] * is[2];
              long outRow = outPlane + h * os[2];
              for (int w = 0; w < srcW.length; w++) {
                StridedCopy.copyElement(x, inRow + srcW[w] * is[3], y, outRow + w * os[3], es);
              }
            }
          }
        }
      }
    };
  }
}
