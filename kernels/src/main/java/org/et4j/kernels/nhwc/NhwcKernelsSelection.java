package org.et4j.kernels.nhwc;

import org.et4j.kernels.util.VectorSupport;

/**
 * Chooses the {@link NhwcKernels} once. The vector class is loaded by name, only after {@link
 * VectorSupport} has seen {@code jdk.incubator.vector} in the boot layer, so that the public kernel
 * classes link without the module.
 */
final class NhwcKernelsSelection {
  static final NhwcKernels CHOSEN = choose();

  private NhwcKernelsSelection() {}

  private static NhwcKernels choose() {
    if (!VectorSupport.enabled()) {
      return ScalarNhwcKernels.INSTANCE;
    }
    try {
      return (NhwcKernels)
          Class.forName("org.et4j.kernels.nhwc.VectorNhwcKernels")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      // The module is present but the class would not link (e.g. a JVM that rejects the
      // species): the scalar loops are always correct.
      System.err.println("et4j: WARNING: vector NHWC kernels unavailable (" + e + "); using scalar");
      return ScalarNhwcKernels.INSTANCE;
    }
  }
}
