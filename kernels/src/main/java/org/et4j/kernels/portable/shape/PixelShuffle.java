package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::pixel_shuffle.out(Tensor self, int upscale_factor, *, Tensor(a!) out)} and {@code
 * aten::pixel_unshuffle.out(Tensor self, int downscale_factor, *, Tensor(a!) out)}: {@code (...,
 * C·r², H, W) ↔ (..., C, H·r, W·r)} with {@code out[c, h·r+i, w·r+j] = in[c·r²+i·r+j, h, w]}. Both
 * are one strided copy over the five dimensions (c, h, i, w, j) plus the leading ones.
 */
public final class PixelShuffle {
  private static final String SHUFFLE = "aten::pixel_shuffle.out";
  private static final String UNSHUFFLE = "aten::pixel_unshuffle.out";

  private PixelShuffle() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(SHUFFLE, kernel(SHUFFLE, true));
    r.register(UNSHUFFLE, kernel(UNSHUFFLE, false));
  }

  private static OpKernel kernel(String op, boolean shuffle) {
    return args -> {
      KernelChecks.slotCount(op, args, 4);
      KernelChecks.sameDtype(op, args[0].toTensor(), "self", args[2].toTensor(), "out");
      return new PlannedCall(args, 0, 1) {
        private StridedCopy copy;

        @Override
        protected void plan() {
          TensorImpl self = args[0].toTensor();
          TensorImpl out = args[2].toTensor();
          int rank = self.dim();
          if (rank < 3) {
            throw KernelChecks.invalid(op, "expects rank >= 3, got " + self.describe());
          }
          long rl = args[1].toInt();
          if (rl <= 0) {
            throw KernelChecks.invalid(op, "factor " + rl + " must be positive");
          }
          int f = (int) Math.min(rl, Integer.MAX_VALUE);
          int lead = rank - 3;
          // The "big" tensor is (..., C·r², H, W) and the "wide" one (..., C, H·r, W·r).
          TensorImpl big = shuffle ? self : out;
          TensorImpl wide = shuffle ? out : self;
          int c;
          int h;
          int w;
          if (shuffle) {
            if (self.size(lead) % ((long) f * f) != 0) {
              throw KernelChecks.invalid(op, "channels " + self.size(lead) + " are not divisible by " + f + "²");
            }
            c = (int) (self.size(lead) / ((long) f * f));
            h = self.size(lead + 1);
            w = self.size(lead + 2);
          } else {
            if (self.size(lead + 1) % f != 0 || self.size(lead + 2) % f != 0) {
              throw KernelChecks.invalid(op, "height and width of " + self.describe() + " are not divisible by " + f);
            }
            c = self.size(lead);
            h = self.size(lead + 1) / f;
            w = self.size(lead + 2) / f;
          }
          int[] outSizes = self.sizes();
          if (shuffle) {
            outSizes[lead] = c;
            outSizes[lead + 1] = Shapes.toSize(op, (long) h * f, "height");
            outSizes[lead + 2] = Shapes.toSize(op, (long) w * f, "width");
          } else {
            outSizes[lead] = Shapes.toSize(op, (long) c * f * f, "channels");
            outSizes[lead + 1] = h;
            outSizes[lead + 2] = w;
          }
          Shapes.resize(op, out, outSizes);
          int[] sizes = new int[lead + 5];
          long[] bigStrides = new long[lead + 5];
          long[] wideStrides = new long[lead + 5];
          for (int d = 0; d < lead; d++) {
            sizes[d] = self.size(d);
            bigStrides[d] = big.stride(d);
            wideStrides[d] = wide.stride(d);
          }
          // Order (c, h, i, w, j).
          int[] s5 = {c, h, f, w, f};
          long bc = big.stride(lead);
          long[] b5 = {bc * f * f, big.stride(lead + 1), bc * f, big.stride(lead + 2), bc};
          long wh = wide.stride(lead + 1);
          long ww = wide.stride(lead + 2);
          long[] w5 = {wide.stride(lead), wh * f, wh, ww * f, ww};
          for (int k = 0; k < 5; k++) {
            sizes[lead + k] = s5[k];
            bigStrides[lead + k] = b5[k];
            wideStrides[lead + k] = w5[k];
          }
          copy =
              shuffle
                  ? StridedCopy.of(self.dtype(), 0, sizes, bigStrides, out.dtype(), 0, wideStrides)
                  : StridedCopy.of(self.dtype(), 0, sizes, wideStrides, out.dtype(), 0, bigStrides);
        }

        @Override
        protected void run(KernelContext context) {
          if (!copy.isEmpty()) {
            copy.run(args[0].toTensor().data(), args[2].toTensor().data());
          }
        }
      };
    };
  }
}
