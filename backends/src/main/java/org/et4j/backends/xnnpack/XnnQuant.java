package org.et4j.backends.xnnpack;

/**
 * The quantization parameters of an XNNPACK value ({@code XNNQuantParams}), already resolved:
 * scales read from the flatbuffer or from constant data, sizes checked against the value's dims.
 */
public sealed interface XnnQuant {
  /** Static per-tensor quantization: {@code real = scale * (q - zeroPoint)}. */
  record PerTensor(float scale, int zeroPoint) implements XnnQuant {}

  /**
   * Per-channel quantization along {@code channelDim}, zero point 0 for int8 and 8 for int4 (the
   * stored nibble is {@code q + 8}).
   */
  record PerChannel(float[] scales, int channelDim) implements XnnQuant {}

  /**
   * Blockwise (per channel, per group of {@code blockSize} along the other dim) int4 quantization
   * with bf16 scales, {@code scales[channel * blocks + block]}.
   */
  record Blockwise(short[] bf16Scales, int channelDim, int blockSize) implements XnnQuant {}

  /**
   * Dynamic quantization whose parameters are computed at run time for each row: the last
   * {@code numNonbatchDims} dims form a row.
   */
  record PerToken(int numNonbatchDims) implements XnnQuant {}
}
