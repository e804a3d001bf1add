package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::native_dropout.out(Tensor input, float p, bool? train, *, Tensor(a!) out0,
 * Tensor(b!) out1)}, as ExecuTorch's {@code op_native_dropout.cpp}. In inference ({@code train}
 * false) or with {@code p == 0} the out is a copy of the input and the bool mask is all true. In
 * training, each element is kept when a uniform draw in [0, 1) is {@code >= p} and zeroed
 * otherwise; like ExecuTorch's portable kernel (and unlike PyTorch) kept values are not scaled by
 * {@code 1/(1-p)}. The draws come from a generator seeded per call site, not from
 * {@code std::random_device}, so the masks differ from ExecuTorch's.
 */
public final class NativeDropoutOp {
  static final String NAME = "aten::native_dropout.out";

  private NativeDropoutOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, NativeDropoutOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 5);
    TensorImpl in = args[0].toTensor();
    double p = args[1].toDouble();
    boolean train = args[2].isNone() || args[2].toBool();
    TensorImpl out = args[3].toTensor();
    TensorImpl mask = args[4].toTensor();

    // checks
    if (in.dtype() != out.dtype()) {
      throw KernelChecks.invalid(NAME, "out " + out.describe() + " must have the dtype of the input " + in.describe());
    }
    if (mask.dtype() != ScalarType.BOOL) {
      throw KernelChecks.invalid(NAME, "mask " + mask.describe() + " must be bool");
    }
    if (!(p >= 0 && p <= 1)) {
      throw KernelChecks.invalid(NAME, "dropout probability has to be between 0 and 1 but got " + p);
    }
    boolean drop = train && p != 0;
    if (drop) {
      Reduction.requireFloating(NAME, "input", in.dtype());
    }
    SplittableRandom random = new SplittableRandom();
    ScalarType t = in.dtype();

    return ctx -> {
      Reduction.resize(NAME, out, in.sizes());
      Reduction.resize(NAME, mask, in.sizes());
      long n = in.numel();
      if (n == 0) {
        return;
      }
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      MemorySegment m = mask.data();
      if (!drop) {
        MemorySegment.copy(x, 0, y, 0, in.nbytes());
        m.asSlice(0, n).fill((byte) 1);
        return;
      }
      for (long i = 0; i < n; i++) {
        boolean keep = random.nextDouble() >= p;
        m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (keep ? 1 : 0));
        Elements.writeDouble(t, y, i, keep ? Elements.readDouble(t, x, i) : 0.0);
      }
    };
  }
}
