package org.et4j.kernels.qgemm;

import org.et4j.kernels.util.VectorSupport;

/**
 * Chooses the {@link QuantizedGemm} once. The vector class is loaded by name, only after {@link
 * VectorSupport} has seen {@code jdk.incubator.vector} in the boot layer, so that this class links
 * without the module.
 */
final class QuantizedGemmSelection {
  static final QuantizedGemm CHOSEN = choose();

  private QuantizedGemmSelection() {}

  private static QuantizedGemm choose() {
    if (!VectorSupport.enabled()) {
      return ScalarQuantizedGemm.INSTANCE;
    }
    try {
      return (QuantizedGemm)
          Class.forName("org.et4j.kernels.qgemm.VectorQuantizedGemm")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("et4j: WARNING: vector quantized GEMM unavailable (" + e + "); using scalar");
      return ScalarQuantizedGemm.INSTANCE;
    }
  }
}
