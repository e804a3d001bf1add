package org.et4j.kernels.util;

import java.util.Locale;

/**
 * Decides once, the way Lucene's vectorization provider does, whether kernels may use the Vector
 * API and at which width. This class never touches {@code jdk.incubator.vector} types, so it loads
 * safely without the module; vector kernels live in separate classes that are loaded only when
 * {@link #enabled()} is true.
 *
 * <p>The system property {@code et4j.vector} selects: {@code auto} (default: the preferred width
 * when the module is present), {@code off} (scalar twins only), or {@code 128} / {@code 256} /
 * {@code 512} to force a width, so that every path can be tested on one machine.
 */
public final class VectorSupport {
  private static final String MODULE = "jdk.incubator.vector";
  private static final int BITS = decide();

  private VectorSupport() {}

  /** True when vector kernels should be used. */
  public static boolean enabled() {
    return BITS > 0;
  }

  /**
   * The forced vector width in bits (128, 256 or 512), 0 when the preferred width should be used
   * or vectors are off. Vector kernels turn this into a {@code static final} species.
   */
  public static int forcedBits() {
    return BITS > 0 && BITS != Integer.MAX_VALUE ? BITS : 0;
  }

  /** A short description for logs and reports, e.g. {@code vector(preferred)}, {@code scalar}. */
  public static String describe() {
    if (BITS == 0) {
      return "scalar";
    }
    return BITS == Integer.MAX_VALUE ? "vector(preferred)" : "vector(" + BITS + "-bit)";
  }

  private static int decide() {
    String mode = System.getProperty("et4j.vector", "auto").trim().toLowerCase(Locale.ROOT);
    if (mode.equals("off") || mode.equals("scalar")) {
      return 0;
    }
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      System.err.println(
          "et4j: WARNING: jdk.incubator.vector is not available; kernels run their scalar"
              + " implementations. Add '--add-modules jdk.incubator.vector' to the JVM flags for"
              + " full speed.");
      return 0;
    }
    return switch (mode) {
      case "auto", "" -> Integer.MAX_VALUE;
      case "128" -> 128;
      case "256" -> 256;
      case "512" -> 512;
      default ->
          throw new IllegalArgumentException(
              "et4j.vector must be auto, off, 128, 256 or 512, not '" + mode + "'");
    };
  }
}
