package org.et4j.kernels.gemm;

import org.et4j.kernels.util.VectorSupport;

/**
 * Chooses the {@link Sgemm} once. The vector class is loaded by name, only after {@link
 * VectorSupport} has seen {@code jdk.incubator.vector} in the boot layer, so that this class (which
 * every caller loads) links without the module.
 */
final class SgemmSelection {
  static final Sgemm CHOSEN = choose();

  private SgemmSelection() {}

  private static Sgemm choose() {
    if (!VectorSupport.enabled()) {
      return ScalarSgemm.INSTANCE;
    }
    try {
      return (Sgemm)
          Class.forName("org.et4j.kernels.gemm.VectorSgemm").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      // The module was found but the class would not link (e.g. a JVM without C2 vector support
      // that rejects the species): scalar is always correct.
      System.err.println("et4j: WARNING: vector SGEMM unavailable (" + e + "); using scalar");
      return ScalarSgemm.INSTANCE;
    }
  }
}
