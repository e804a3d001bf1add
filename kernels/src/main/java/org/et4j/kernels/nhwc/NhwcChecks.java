package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Parameter checks and shape arithmetic shared by the NHWC kernels' prepare and run steps. */
final class NhwcChecks {
  /** Tensor data are little-endian floats at any 4-byte alignment. */
  static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private NhwcChecks() {}

  static void positive(String kernel, String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(kernel + ": " + name + " must be >= 1, got " + value);
    }
  }

  static void nonNegative(String kernel, String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(kernel + ": " + name + " must be >= 0, got " + value);
    }
  }

  /** Checks that {@code count} floats from {@code offset} (in floats) lie inside the segment. */
  static void floats(String kernel, String name, MemorySegment segment, long offset, long count) {
    if (segment == null) {
      throw new IllegalArgumentException(kernel + ": " + name + " is null");
    }
    if (offset < 0 || count < 0 || offset > segment.byteSize() / Float.BYTES - count) {
      throw new IllegalArgumentException(
          kernel + ": " + name + " needs " + count + " floats from offset " + offset
              + " but the segment holds " + segment.byteSize() / Float.BYTES);
    }
  }

  /** XNNPACK requires a non-NaN output range with {@code min <= max}. */
  static void clamp(String kernel, float min, float max) {
    if (!(min <= max)) {
      throw new IllegalArgumentException(
          kernel + ": output range [" + min + ", " + max + "] must be ordered and not NaN");
    }
  }

  /**
   * The convolution output size, {@code floor((in + pads - effectiveKernel) / stride) + 1}, where
   * the effective kernel is {@code dilation * (kernel - 1) + 1}. XNNPACK clamps a negative
   * numerator to zero (one output from padding alone); et4j rejects it, as PyTorch does.
   */
  static int convolutionOutput(
      String kernel, String dim, int in, int padBefore, int padAfter, int k, int stride,
      int dilation) {
    long padded = (long) in + padBefore + padAfter;
    long effective = (long) dilation * (k - 1) + 1;
    if (in < 1 || padded < effective) {
      throw new IllegalArgumentException(
          kernel + ": input " + dim + " " + in + " with padding " + padBefore + "+" + padAfter
              + " is smaller than the effective kernel " + effective);
    }
    long out = (padded - effective) / stride + 1;
    if (out > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(kernel + ": output " + dim + " " + out + " is too large");
    }
    return (int) out;
  }

  /** {@code a * b * c * d} as a long, rejecting products that cannot index a segment. */
  static long elements(String kernel, long a, long b, long c, long d) {
    try {
      return Math.multiplyExact(Math.multiplyExact(a, b), Math.multiplyExact(c, d));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(kernel + ": tensor of " + a + "x" + b + "x" + c + "x" + d
          + " floats is too large", e);
    }
  }

  /**
   * First kernel index {@code k >= 0} whose input coordinate {@code base + k * dilation} is
   * {@code >= 0}: padding taps before the input are skipped, not read from a zero row.
   */
  static int firstTap(int base, int dilation) {
    // Called per output pixel: the common dilation 1 avoids an integer division.
    if (base >= 0) {
      return 0;
    }
    return dilation == 1 ? -base : Math.ceilDiv(-base, dilation);
  }

  /** One past the last kernel index whose coordinate {@code base + k * dilation} is {@code < in}. */
  static int endTap(int base, int dilation, int in, int kernel) {
    if (base > in - 1) {
      return 0;
    }
    return Math.min(kernel, dilation == 1 ? in - base : (in - 1 - base) / dilation + 1);
  }
}
