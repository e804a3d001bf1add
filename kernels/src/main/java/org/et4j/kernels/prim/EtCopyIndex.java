package org.et4j.kernels.prim;

import java.lang.foreign.MemorySegment;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code executorch_prim::et_copy_index.tensor(Tensor copy_to, Tensor copy_from, SymInt index)},
 * arguments {@code [copy_to, copy_from, index]} with no return slot: the loop body of an exported
 * {@code map}. copy_to grows to {@code index + 1} rows and copy_from's bytes become row {@code
 * index}.
 */
final class EtCopyIndex {
  private static final String OP = "executorch_prim::et_copy_index.tensor";

  private EtCopyIndex() {}

  static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        PrimSupport.kernel(
            OP,
            3,
            args -> {
              TensorImpl to = args[0].toTensor();
              TensorImpl from = args[1].toTensor();
              long index = args[2].toInt();
              if (index < 0) {
                throw invalid("index " + index + " is negative");
              }
              if (to.dim() != from.dim() + 1) {
                throw invalid("copy_to " + to.describe() + " must have one more dimension than copy_from " + from.describe());
              }
              if (to.dtype() != from.dtype()) {
                throw invalid("copy_to is " + to.dtype().displayName() + " but copy_from is " + from.dtype().displayName());
              }
              int[] sizes = new int[to.dim()];
              if (index + 1 > Integer.MAX_VALUE) {
                throw invalid("index " + index + " is too large");
              }
              sizes[0] = (int) (index + 1);
              for (int d = 0; d < from.dim(); d++) {
                if (to.size(d + 1) != from.size(d)) {
                  throw invalid("copy_to " + to.describe() + " does not match copy_from " + from.describe() + " after its first dimension");
                }
                sizes[d + 1] = from.size(d);
              }
              try {
                to.resize(sizes);
              } catch (ExecuTorchException e) {
                throw new ExecuTorchException(ErrorCode.INVALID_STATE, OP + ": cannot resize copy_to: " + e.detail(), e);
              }
              long bytes = from.nbytes();
              if (bytes == 0) {
                return;
              }
              long offset = index * bytes;
              if (offset + bytes > to.nbytes()) {
                throw invalid("row " + index + " does not fit copy_to " + to.describe());
              }
              MemorySegment.copy(from.data(), 0, to.data(), offset, bytes);
            }));
  }

  private static ExecuTorchException invalid(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, OP + ": " + message);
  }
}
