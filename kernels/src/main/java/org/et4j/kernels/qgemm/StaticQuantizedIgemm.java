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

  /**
   * True when {@link #depthwise} can run {@code channels} channels (the vector kernel needs at
   * least 8 lanes to load whole byte vectors).
   */
  boolean depthwiseSupported();

  /**
   * {@code y[batch, outH, outW, C] = dwconv(x[batch, inH, inW, C])} for multiplier 1; {@code
   * weights} is {@code [taps][stride]} floats, {@code bias} and {@code scale} have {@code stride}
   * entries (zero past {@code C}), {@code zero} holds {@code C} bytes of the input zero point.
   */
  void depthwise(
      StaticQuantizedDepthwiseConv2d d, float[] weights, int[] bias, float[] scale, int stride,
      MemorySegment zero, int batch, int inH, int inW, int outH, int outW, MemorySegment x,
      long xOff, MemorySegment y, long yOff);

  /** The padded channel count {@link #depthwise} wants its weights, bias and scale in. */
  int depthwiseStride(int channels);

  /**
   * {@link StaticQuantizedAdd#run} for strides already checked (0 or 1, not both 0), in whole
   * vectors; returns how many leading elements it wrote, the caller finishes the rest.
   */
  long add(
      StaticQuantizedAdd op, MemorySegment a, long ai, long aStride, MemorySegment b, long bi,
      long bStride, MemorySegment y, long yi, long n);

  /** {@link StaticQuantizedMultiply#run} likewise; returns how many leading elements it wrote. */
  long multiply(
      StaticQuantizedMultiply op, MemorySegment a, long ai, long aStride, MemorySegment b,
      long bi, long bStride, MemorySegment y, long yi, long n);

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
