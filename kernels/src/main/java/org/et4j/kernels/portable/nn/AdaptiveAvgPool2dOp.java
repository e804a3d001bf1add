package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::_adaptive_avg_pool2d.out(Tensor self, SymInt[2] output_size, *, Tensor(a!) out)},
 * as ExecuTorch's {@code op__adaptive_avg_pool2d.cpp}: output cell {@code o} of {@code O} averages
 * input rows {@code floor(o*I/O)} to {@code ceil((o+1)*I/O)}; bounds and sums in float, as there.
 */
public final class AdaptiveAvgPool2dOp {
  static final String NAME = "aten::_adaptive_avg_pool2d.out";

  private AdaptiveAvgPool2dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, AdaptiveAvgPool2dOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 3);
    TensorImpl in = args[0].toTensor();
    long[] size = args[1].toIntList();
    TensorImpl out = args[2].toTensor();

    // checks (check_adaptive_avg_pool2d_args; the kernel reads the default dim order only)
    KernelChecks.allSameDtype(NAME, in, out);
    ScalarType t = in.dtype();
    if (!t.isFloatingPoint() && t != ScalarType.LONG) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }
    if (size.length != 2 || size[0] <= 0 || size[1] <= 0 || size[0] > Integer.MAX_VALUE
        || size[1] > Integer.MAX_VALUE) {
      throw KernelChecks.invalid(NAME, "output_size must be 2 positive values, got " + java.util.Arrays.toString(size));
    }
    KernelChecks.allContiguous(NAME, in, out);
    if (out.dim() != in.dim()) {
      throw KernelChecks.invalid(NAME, "out must have the input's rank, got " + KernelChecks.describe(in, out));
    }
    int oh = (int) size[0];
    int ow = (int) size[1];

    int[] outSizes = new int[in.dim()];

    return ctx -> {
      Pooling2d.checkInput(NAME, in);
      int rank = in.dim();
      for (int d = 0; d < rank; d++) {
        outSizes[d] = in.size(d);
      }
      outSizes[rank - 2] = oh;
      outSizes[rank - 1] = ow;
      NnArgs.resize(NAME, out, outSizes);
      int h = in.size(rank - 2);
      int w = in.size(rank - 1);
      long planes = (rank == 4 ? in.size(0) : 1) * (long) in.size(rank - 3);
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      for (long pl = 0; pl < planes; pl++) {
        long inPlane = pl * h * w;
        long outPlane = pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          int h0 = start(oy, oh, h);
          int h1 = end(oy, oh, h);
          for (int ox = 0; ox < ow; ox++) {
            int w0 = start(ox, ow, w);
            int w1 = end(ox, ow, w);
            float sum = 0;
            for (int iy = h0; iy < h1; iy++) {
              for (int ix = w0; ix < w1; ix++) {
                sum += (float) Elements.readDouble(t, x, inPlane + (long) iy * w + ix);
              }
            }
            float count = (float) ((long) (h1 - h0) * (w1 - w0));
            float v = sum / count;
            long o = outPlane + (long) oy * ow + ox;
            if (t == ScalarType.LONG) {
              Elements.writeLong(t, y, o, (long) v);
            } else {
              Elements.writeDouble(t, y, o, v);
            }
          }
        }
      }
    };
  }

  private static int start(long o, long outSize, long inSize) {
    return (int) Math.floor((float) (o * inSize) / outSize);
  }

  private static int end(long o, long outSize, long inSize) {
    return (int) Math.ceil((float) ((o + 1) * inSize) / outSize);
  }
}
