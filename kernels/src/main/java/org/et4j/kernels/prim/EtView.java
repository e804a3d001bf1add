package org.et4j.kernels.prim;

import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code executorch_prim::et_view.default(Tensor self, int[] size) -> Tensor}, with arguments
 * {@code [self, size, out]} and no extra return slot: a dynamic view. out is resized (one size may
 * be -1) and pointed at self's data; nothing is copied, so out sees later writes to self.
 */
final class EtView {
  private static final String OP = "executorch_prim::et_view.default";

  private EtView() {}

  static void register(KernelRegistry.Builder r) {
    r.register(OP, args -> {
      if (args.length != 3) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_PROGRAM, OP + ": expected 3 argument slots, got " + args.length);
      }
      // The new sizes, one array per call site, so that a call allocates nothing (resize copies).
      int[][] sizes = new int[1][];
      return (KernelCall) context -> view(args, sizes);
    });
  }

  private static void view(Value[] args, int[][] buffer) {
    TensorImpl self = args[0].toTensor();
    Value size = args[1];
    TensorImpl out = args[2].toTensor();
    if (self.dtype() != out.dtype()) {
      throw invalid("self is " + self.dtype().displayName() + " but out is " + out.dtype().displayName());
    }
    int n = size.intListLength();
    if (n != out.dim()) {
      throw invalid("size has " + n + " entries but out has rank " + out.dim());
    }
    if (buffer[0] == null || buffer[0].length != n) {
      buffer[0] = new int[n];
    }
    int[] sizes = buffer[0];
    int inferred = -1;
    long known = 1;
    boolean zero = false;
    for (int i = 0; i < n; i++) {
      long s = size.intListItem(i);
      if (s == -1) {
        if (inferred >= 0) {
          throw invalid("at most one size can be -1");
        }
        inferred = i;
      } else if (s < 0 || s > Integer.MAX_VALUE) {
        throw invalid("invalid size " + s);
      } else {
        sizes[i] = (int) s;
        known *= s;
        zero |= s == 0;
      }
    }
    if (inferred >= 0) {
      if (zero) {
        throw invalid("cannot infer the -1 size when another size is 0");
      }
      sizes[inferred] = (int) (self.numel() / known);
    }
    try {
      out.resize(sizes);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(e.errorCode(), OP + ": " + e.detail(), e);
    }
    if (out.numel() != self.numel()) {
      throw invalid(
          "view " + Arrays.toString(sizes) + " has " + out.numel() + " elements but self " + self.describe() + " has " + self.numel());
    }
    out.setData(self.data());
  }

  private static ExecuTorchException invalid(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, OP + ": " + message);
  }
}
