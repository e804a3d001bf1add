package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::fill.Scalar_out(Tensor self, Scalar value, *, Tensor(a!) out)} and {@code
 * aten::fill.Tensor_out(Tensor self, Tensor value, *, Tensor(a!) out)}: out of self's shape and
 * dtype, every element the value (a Scalar that must fit, or a 0-d tensor converted with
 * {@code static_cast}).
 */
public final class FillOp {
  private static final String SCALAR = "aten::fill.Scalar_out";
  private static final String TENSOR = "aten::fill.Tensor_out";

  private FillOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        SCALAR,
        args -> {
          KernelChecks.slotCount(SCALAR, args, 4);
          KernelChecks.sameDtype(SCALAR, args[0].toTensor(), "self", args[2].toTensor(), "out");
          CreationSupport.checkScalar(SCALAR, args[1], "value");
          return new PlannedCall(args, 0, 1) {
            @Override
            protected void plan() {
              TensorImpl out = args[2].toTensor();
              Shapes.resize(SCALAR, out, args[0].toTensor().sizes());
              Fill.checkFits(SCALAR, out.dtype(), args[1]);
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[2].toTensor();
              if (out.numel() > 0) {
                Fill.fill(out.dtype(), out.data(), out.numel(), args[1]);
              }
            }
          };
        });
    r.register(
        TENSOR,
        args -> {
          KernelChecks.slotCount(TENSOR, args, 4);
          KernelChecks.sameDtype(TENSOR, args[0].toTensor(), "self", args[2].toTensor(), "out");
          return new PlannedCall(args, 0, 1) {
            private StridedCopy first;

            @Override
            protected void plan() {
              TensorImpl value = args[1].toTensor();
              TensorImpl out = args[2].toTensor();
              if (value.dim() != 0) {
                throw KernelChecks.invalid(TENSOR, "value must be a 0-d tensor, got " + value.describe());
              }
              Shapes.resize(TENSOR, out, args[0].toTensor().sizes());
              first = StridedCopy.of(value.dtype(), 0, new int[0], new long[0], out.dtype(), 0, new long[0]);
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[2].toTensor();
              if (out.numel() > 0) {
                var data = out.data();
                first.run(args[1].toTensor().data(), data);
                Fill.replicate(data, out.dtype().elementSize(), data, out.numel());
              }
            }
          };
        });
  }
}
