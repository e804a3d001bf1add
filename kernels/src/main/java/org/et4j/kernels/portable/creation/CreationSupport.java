package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.Value;

/** Argument helpers of the creation ops. */
final class CreationSupport {
  private CreationSupport() {}

  /** A size list (SymInt[]) as tensor sizes. */
  static int[] sizes(String op, Value list) {
    int n = list.intListLength();
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = Shapes.toSize(op, list.intListItem(i), "size");
    }
    return sizes;
  }

  static void checkScalar(String op, Value v, String name) {
    if (!v.isScalar()) {
      throw KernelChecks.invalid(op, name + " must be a Scalar, got " + v.tag());
    }
  }
}
