package org.et4j.kernels.prim;

import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The prim ops that read a tensor: {@code aten::sym_size.int(Tensor self, int dim) -> SymInt},
 * {@code aten::sym_numel(Tensor self) -> SymInt} and {@code aten::_local_scalar_dense(Tensor
 * self) -> Scalar} (the first element: Int for integer dtypes, Double for floating ones, Bool for
 * bool).
 */
final class TensorPrimOps {
  private TensorPrimOps() {}

  static void register(KernelRegistry.Builder r) {
    r.register(
        "aten::sym_size.int",
        PrimSupport.kernel(
            "aten::sym_size.int",
            3,
            args -> {
              TensorImpl self = args[0].toTensor();
              long dim = args[1].toInt();
              int rank = self.dim();
              if (dim < -rank || dim >= rank) {
                throw new ExecuTorchException(
                    ErrorCode.INVALID_ARGUMENT,
                    "aten::sym_size.int: dim " + dim + " is out of range for " + self.describe());
              }
              args[2].setInt(self.size((int) (dim < 0 ? dim + rank : dim)));
            }));
    r.register(
        "aten::sym_numel",
        PrimSupport.kernel("aten::sym_numel", 2, args -> args[1].setInt(args[0].toTensor().numel())));
    r.register(
        "aten::_local_scalar_dense",
        PrimSupport.kernel(
            "aten::_local_scalar_dense",
            2,
            args -> {
              TensorImpl self = args[0].toTensor();
              if (self.numel() < 1) {
                throw new ExecuTorchException(
                    ErrorCode.INVALID_ARGUMENT,
                    "aten::_local_scalar_dense: expected a tensor with at least 1 element, got " + self.describe());
              }
              ScalarType t = self.dtype();
              if (t == ScalarType.BOOL) {
                args[1].setBool(Elements.readBool(t, self.data(), 0));
              } else if (t.isFloatingPoint()) {
                args[1].setDouble(Elements.readDouble(t, self.data(), 0));
              } else if (t.isIntegral()) {
                args[1].setInt(Elements.readLong(t, self.data(), 0));
              } else {
                throw Elements.unsupported(t);
              }
            }));
  }
}
