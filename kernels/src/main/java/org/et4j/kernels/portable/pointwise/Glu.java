package org.et4j.kernels.portable.pointwise;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::glu.out(self, dim, *, out)}: ExecuTorch's {@code op_glu.cpp}. Splits {@code self}
 * in two halves along {@code dim} and computes {@code first * sigmoid(second)} in the input's
 * floating type (float32 for half types).
 */
public final class Glu {
  static final String OUT = "aten::glu.out";

  private Glu() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Glu::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    long dimArg = args[1].toInt();
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    int rank = in.dim();
    int n = Math.max(rank, 1);
    KernelChecks.check(dimArg >= -n && dimArg < n && rank > 0, OUT, "dim " + dimArg + " is out of range for " + in.describe());
    int dim = (int) (dimArg < 0 ? dimArg + rank : dimArg);
    KernelChecks.dtype(OUT, "input", in, in.dtype().isFloatingPoint());
    KernelChecks.dtype(OUT, "out", out, out.dtype().isFloatingPoint());
    KernelChecks.check(out.dim() == rank, OUT, "out must have the rank of self");
    KernelChecks.sameDimOrder(OUT, in, out);
    ScalarType compute = DtypeRules.computeType(in.dtype());
    int[] counter = new int[rank];
    int[] sizes = new int[rank];
    return ctx -> {
      // Resize and check
      int half = in.size(dim) / 2;
      for (int d = 0; d < rank; d++) {
        sizes[d] = d == dim ? half : in.size(d);
      }
      if (!out.hasSizes(sizes)) {
        try {
          out.resize(sizes.clone());
        } catch (ExecuTorchException e) {
          throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, OUT + ": " + e.detail(), e);
        }
      }
      KernelChecks.check(
          in.size(dim) % 2 == 0, OUT, "halving dimension " + dim + " of " + in.describe() + " must be even");
      long total = out.numel();
      if (total == 0) {
        return;
      }
      // Compute
      MemorySegment si = in.data();
      MemorySegment so = out.data();
      ScalarType ti = in.dtype();
      ScalarType to = out.dtype();
      long secondShift = (long) half * in.stride(dim);
      Arrays.fill(counter, 0);
      long inOff = 0;
      long outOff = 0;
      for (long k = 0; k < total; k++) {
        double a = ElementwiseLoops.loadDouble(compute, ti, si, inOff);
        double b = ElementwiseLoops.loadDouble(compute, ti, si, inOff + secondShift);
        double r;
        if (compute == ScalarType.FLOAT) {
          r = (float) a * ScalarFloatPointwise.sigmoid((float) b);
        } else {
          r = a * (1.0 / (1.0 + Math.exp(-b)));
        }
        Elements.writeDouble(to, so, outOff, DtypeRules.round(compute, r));
        for (int d = rank - 1; d >= 0; d--) {
          if (++counter[d] < sizes[d]) {
            inOff += in.stride(d);
            outOff += out.stride(d);
            break;
          }
          counter[d] = 0;
          inOff -= in.stride(d) * (sizes[d] - 1);
          outOff -= out.stride(d) * (sizes[d] - 1);
        }
      }
    };
  }
}
