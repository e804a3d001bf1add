package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::repeat_interleave.Tensor_out(Tensor repeats, *, SymInt? output_size=None,
 * Tensor(a!) out)}: {@code i} repeated {@code repeats[i]} times, for a 1-d int64/int32 repeats;
 * out has repeats' dtype and a data-dependent length (which output_size, when given, must equal).
 */
public final class RepeatInterleave {
  private static final String OP = "aten::repeat_interleave.Tensor_out";

  private RepeatInterleave() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          TensorImpl repeats0 = args[0].toTensor();
          KernelChecks.indexType(OP, repeats0, "repeats");
          KernelChecks.sameDtype(OP, repeats0, "repeats", args[2].toTensor(), "out");
          return (KernelCall)
              context -> {
                TensorImpl repeats = args[0].toTensor();
                TensorImpl out = args[2].toTensor();
                if (repeats.dim() != 1) {
                  throw KernelChecks.invalid(OP, "repeats must be 1-d, got " + repeats.describe());
                }
                MemorySegment rep = repeats.data();
                var type = repeats.dtype();
                long n = repeats.numel();
                long sum = 0;
                for (long i = 0; i < n; i++) {
                  long k = Elements.readLong(type, rep, i);
                  if (k < 0) {
                    throw KernelChecks.invalid(OP, "repeats[" + i + "] = " + k + " is negative");
                  }
                  sum += k;
                }
                if (!args[1].isNone() && args[1].toInt() != sum) {
                  throw KernelChecks.invalid(OP, "output_size " + args[1].toInt() + " is not the sum of repeats " + sum);
                }
                Shapes.resize(OP, out, new int[] {Shapes.toSize(OP, sum, "output size")});
                if (sum == 0) {
                  return;
                }
                MemorySegment dst = out.data();
                long at = 0;
                for (long i = 0; i < n; i++) {
                  long k = Elements.readLong(type, rep, i);
                  for (long j = 0; j < k; j++) {
                    Elements.writeLong(type, dst, at++, i);
                  }
                }
              };
        });
  }
}
