package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.VectorSupport;

/**
 * The fast path of {@link StaticQuantizedConv2d} and {@link StaticQuantizedLinear}: an implicit
 * GEMM over packed {@link StaticQuantizedPanels}, XNNPACK's IGEMM. Its integer sums are exact and
 * its epilogue is {@link StaticQuantization#requantize} lane by lane, so it gives the scalar
 * oracle's bytes.
 */
interface StaticQuantizedIgemm {

  /** The Vector API implementation, or null when vectors are off or unavailable. */
  static StaticQuantizedIgemm chosen() {
    return Holder.CHOSEN;
  }

  /** The panel width to pack for. */
  int nr();

  /**
   * {@code y[batch, outH, outW, groups * ocg]} from {@code x[batch, inH, inW, groups * cg]};
   * offsets in int8 elements, already checked.
   */
  void run(
      StaticQuantizedPanels p, int batch, int inH, int inW, int outH, int outW, MemorySegment x,
      long xOff, MemorySegment y, long yOff);

  /** Loads the vector class by name, only once the module is known present. */
  final class Holder {
    static final StaticQuantizedIgemm CHOSEN = choose();

    private Holder() {}

    private static StaticQuantizedIgemm choose() {
      if (!VectorSupport.enabled()) {
        return null;
      }
      try {
        return (StaticQuantizedIgemm)
            Class.forName("org.et4j.kernels.qgemm.VectorStaticQuantizedIgemm")
                .getDeclaredConstructor()
                .newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        System.err.println("et4j: WARNING: vector qs8 IGEMM unavailable (" + e + "); using scalar");
        return null;
      }
    }
  }
}
