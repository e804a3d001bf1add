package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The constant weights of a dynamically quantized {@code FullyConnected}, packed once for {@link
 * QuantizedGemm}: immutable after packing, so one instance may be shared by any number of threads.
 *
 * <p>Three XNNPACK weight types are supported, all symmetric around their zero point:
 *
 * <ul>
 *   <li>{@code qcint8}: int8, one fp32 scale per output channel, zero point 0.
 *   <li>{@code qcint4}: int4 stored as {@code q + 8} in a nibble, one fp32 scale per output
 *       channel (ExecuTorch defines it with zero point 8, {@code XNNCompiler.cpp}).
 *   <li>{@code qbint4}: int4 stored as {@code q + 8}, one bf16 scale per block of {@code
 *       blockSize} along K, scale index {@code [n][block]} ({@code N * K / blockSize} scales).
 * </ul>
 *
 * The source filter is {@code [N, K]} ({@code nByK}, XNNPACK flags 0) or {@code [K, N]} ({@code
 * XNN_FLAG_TRANSPOSE_WEIGHTS}). 4-bit values are two per byte, the lower index in the low nibble:
 * for {@code [N, K]} each row holds {@code ceil(K / 2)} bytes (ExecuTorch pads an odd row with
 * a zero, {@code node_visitor.py convert_to_qc4w}); for {@code [K, N]} nibble {@code p * N + j}
 * holds {@code w(p, j)}, as XNNPACK's {@code gio} packers read it.
 *
 * <p>Packed form: column panels of {@link #panelWidth()} output channels, each a {@code K x
 * panelWidth} int8 block ({@code w(p, j)} at {@code (panel * K + p) * panelWidth + j % panelWidth},
 * zero past {@code N}), so the kernel streams one contiguous array. 4-bit values are widened to
 * int8 at pack time: twice the memory of nibbles, but one kernel for all three types. Beside the
 * values: per channel the column sums {@code sum_p w(p, j)} (the zero-point correction), the fp32
 * scales and the bias; per block the bf16 scales widened to fp32 and the block column sums.
 */
public final class QuantizedWeights {
  /** Which of XNNPACK's weight types these are. */
  public enum Type {
    QC8W,
    QC4W,
    QB4W
  }

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /**
   * For {@code qb4w}, XNNPACK sums its zero-point correction in float over chunks of this many K
   * values ({@code 2 * kr}, with {@code kr = 8} in the x86 {@code c8} kernels), in K order.
   */
  static final int QB4W_KSUM_CHUNK = 16;

  /**
   * The largest block that the float-accumulating kernels sum exactly: {@code |sum (q + 128) *
   * w|} stays below {@code 2^24} for {@code 255 * 8 * 8192}.
   */
  static final int MAX_BLOCK_SIZE = 8192;

  final Type type;
  final int n;
  final int k;
  final int nr;
  final int panels;
  /** {@code w(p, j)} of panel {@code j / nr} at {@code (panel * k + p) * nr + j % nr}. */
  final byte[] values;
  /** Per channel, padded to whole panels (zero past {@code n}). */
  final float[] bias;
  // QC8W / QC4W
  final int[] columnSums;
  final float[] channelScales;
  // QB4W
  final int blockSize;
  final int blocks;
  /** At {@code (panel * blocks + b) * nr + j % nr}. */
  final float[] blockScales;
  /** {@code activationOffset * sum_{p in block} w(p, j)}, exact in float; same layout. */
  final float[] blockSumsOffset;
  /** XNNPACK's float zero-point correction {@code -sum_chunks float(sum w) * scale}. */
  final float[] kernelSums;
  /** 128 when matching XNNPACK's {@code qdu8} kernels, 0 for {@code qd8}. */
  final int activationOffset;

  private QuantizedWeights(
      Type type,
      int n,
      int k,
      int nr,
      byte[] values,
      float[] bias,
      int[] columnSums,
      float[] channelScales,
      int blockSize,
      float[] blockScales,
      float[] blockSumsOffset,
      float[] kernelSums,
      int activationOffset) {
    this.type = type;
    this.n = n;
    this.k = k;
    this.nr = nr;
    this.panels = (n + nr - 1) / nr;
    this.values = values;
    this.bias = bias;
    this.columnSums = columnSums;
    this.channelScales = channelScales;
    this.blockSize = blockSize;
    this.blocks = blockSize == 0 ? 0 : k / blockSize;
    this.blockScales = blockScales;
    this.blockSumsOffset = blockSumsOffset;
    this.kernelSums = kernelSums;
    this.activationOffset = activationOffset;
  }

  /** The weight type. */
  public Type type() {
    return type;
  }

  /** Output channels (the GEMM's N). */
  public int n() {
    return n;
  }

  /** Input channels (the GEMM's K). */
  public int k() {
    return k;
  }

  /** The block size of {@code qb4w} weights, 0 for per-channel ones. */
  public int blockSize() {
    return blockSize;
  }

  /** Output channels per packed panel (the kernel's tile width). */
  public int panelWidth() {
    return nr;
  }

  /**
   * Packs {@code qcint8} weights: int8 {@code [n, k]} ({@code nByK}) or {@code [k, n]} at byte
   * {@code wOffsetBytes} of {@code w}, fp32 {@code channelScales[n]}, and an optional fp32 bias of
   * {@code n} values at float index {@code biasOffset} (null for none). Copies everything.
   */
  public static QuantizedWeights packQc8w(
      int n,
      int k,
      MemorySegment w,
      long wOffsetBytes,
      boolean nByK,
      float[] channelScales,
      MemorySegment bias,
      long biasOffset) {
    return packPerChannel(
        Type.QC8W, n, k, w, wOffsetBytes, nByK, channelScales, bias, biasOffset,
        QuantizedGemm.get().panelWidth());
  }

  /**
   * Packs {@code qcint4} weights: nibbles {@code q + 8}, {@code [n, k]} rows of {@code ceil(k /
   * 2)} bytes ({@code nByK}) or {@code [k, n]} packed nibbles; otherwise as {@link #packQc8w}.
   */
  public static QuantizedWeights packQc4w(
      int n,
      int k,
      MemorySegment w,
      long wOffsetBytes,
      boolean nByK,
      float[] channelScales,
      MemorySegment bias,
      long biasOffset) {
    return packPerChannel(
        Type.QC4W, n, k, w, wOffsetBytes, nByK, channelScales, bias, biasOffset,
        QuantizedGemm.get().panelWidth());
  }

  /**
   * Packs {@code qbint4} weights with bf16 block scales {@code bf16Scales[j * (k / blockSize) +
   * b]}, matching XNNPACK's {@code qdu8} kernels (what it runs on x86 with AVX-512 VNNI); see
   * {@link #packQb4w(int, int, int, MemorySegment, long, boolean, short[], MemorySegment, long,
   * boolean)}.
   */
  public static QuantizedWeights packQb4w(
      int n,
      int k,
      int blockSize,
      MemorySegment w,
      long wOffsetBytes,
      boolean nByK,
      short[] bf16Scales,
      MemorySegment bias,
      long biasOffset) {
    return packQb4w(n, k, blockSize, w, wOffsetBytes, nByK, bf16Scales, bias, biasOffset, true);
  }

  /**
   * Packs {@code qbint4} weights. Unlike the per-channel types, XNNPACK applies the zero point of
   * {@code qb4w} products in float, so its last bits depend on whether the activations were
   * quantized to int8 ({@code qd8}: x86 without AVX-512 VNNI, Arm) or to uint8 ({@code qdu8},
   * values and zero point + 128: x86 with AVX-512 VNNI). {@code unsignedActivations} selects
   * which of the two to reproduce; see {@link QuantizedGemm} for the formula.
   */
  public static QuantizedWeights packQb4w(
      int n,
      int k,
      int blockSize,
      MemorySegment w,
      long wOffsetBytes,
      boolean nByK,
      short[] bf16Scales,
      MemorySegment bias,
      long biasOffset,
      boolean unsignedActivations) {
    return packBlockwise(
        n, k, blockSize, w, wOffsetBytes, nByK, bf16Scales, bias, biasOffset,
        unsignedActivations ? 128 : 0, QuantizedGemm.get().panelWidth());
  }

  static QuantizedWeights packPerChannel(
      Type type,
      int n,
      int k,
      MemorySegment w,
      long wOffsetBytes,
      boolean nByK,
      float[] channelScales,
      MemorySegment bias,
      long biasOffset,
      int nr) {
    checkShape(n, k, nr);
    if (channelScales.length < n) {
      throw new IllegalArgumentException(
          "need " + n + " channel scales, got " + channelScales.length);
    }
    int padded = roundUp(n, nr);
    byte[] values = packValues(type, n, k, w, wOffsetBytes, nByK, nr);
    int[] sums = new int[padded];
    float[] scales = new float[padded];
    for (int j = 0; j < n; j++) {
      int base = (j / nr) * k * nr + j % nr;
      int sum = 0;
      for (int p = 0; p < k; p++) {
        sum += values[base + p * nr];
      }
      sums[j] = sum;
      scales[j] = channelScales[j];
    }
    return new QuantizedWeights(
        type, n, k, nr, values, packBias(n, padded, bias, biasOffset), sums, scales, 0, null,
        null, null, 0);
  }

  static QuantizedWeights packBlockwise(
      int n,
      int k,
      int blockSize,
      MemorySegment w,
      long wOffsetBytes,
      boolean nByK,
      short[] bf16Scales,
      MemorySegment bias,
      long biasOffset,
      int activationOffset,
      int nr) {
    checkShape(n, k, nr);
    if (blockSize <= 0 || blockSize > MAX_BLOCK_SIZE || k % blockSize != 0) {
      throw new IllegalArgumentException(
          "block size " + blockSize + " must divide k=" + k + " and be at most " + MAX_BLOCK_SIZE);
    }
    int blocks = k / blockSize;
    if (bf16Scales.length < (long) n * blocks) {
      throw new IllegalArgumentException(
          "need n * k / blockSize = " + (long) n * blocks + " block scales, got "
              + bf16Scales.length);
    }
    int padded = roundUp(n, nr);
    int panels = padded / nr;
    byte[] values = packValues(Type.QB4W, n, k, w, wOffsetBytes, nByK, nr);
    float[] scales = new float[panels * blocks * nr];
    float[] sumsOffset = new float[panels * blocks * nr];
    float[] kernelSums = new float[padded];
    for (int j = 0; j < n; j++) {
      int panel = j / nr;
      int jj = j % nr;
      int base = panel * k * nr + jj;
      for (int b = 0; b < blocks; b++) {
        int at = (panel * blocks + b) * nr + jj;
        scales[at] = bf16ToFloat(bf16Scales[j * blocks + b]);
        int sum = 0;
        for (int p = b * blockSize; p < (b + 1) * blockSize; p++) {
          sum += values[base + p * nr];
        }
        sumsOffset[at] = (float) activationOffset * sum;
      }
      // src/reference/packing.cc, xnn_pack_qs8_qb4w_gemm_goi_w / _gio_w with input_zero_point 1
      // (setup_packing_params_qs8_qc4w_izp_1): one float subtraction per 16-value chunk, the
      // chunk's scale being that of the block the chunk starts in.
      float ksum = 0f;
      for (int p0 = 0; p0 < k; p0 += QB4W_KSUM_CHUNK) {
        int sum = 0;
        for (int p = p0; p < Math.min(k, p0 + QB4W_KSUM_CHUNK); p++) {
          sum += values[base + p * nr];
        }
        ksum = ksum - (float) sum * bf16ToFloat(bf16Scales[j * blocks + p0 / blockSize]);
      }
      kernelSums[j] = ksum;
    }
    return new QuantizedWeights(
        Type.QB4W, n, k, nr, values, packBias(n, padded, bias, biasOffset), null, null,
        blockSize, scales, sumsOffset, kernelSums, activationOffset);
  }

  /** bf16 is the upper half of a float32: widening is a 16-bit shift, as XNNPACK does. */
  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  private static byte[] packValues(
      Type type, int n, int k, MemorySegment w, long wOffsetBytes, boolean nByK, int nr) {
    int padded = roundUp(n, nr);
    byte[] values = new byte[Math.multiplyExact(padded, k)];
    long rowBytes = (k + 1) / 2;
    for (int j = 0; j < n; j++) {
      int base = (j / nr) * k * nr + j % nr;
      for (int p = 0; p < k; p++) {
        int q;
        if (type == Type.QC8W) {
          long at = nByK ? (long) j * k + p : (long) p * n + j;
          q = w.get(ValueLayout.JAVA_BYTE, wOffsetBytes + at);
        } else {
          long nibble;
          int b;
          if (nByK) {
            b = w.get(ValueLayout.JAVA_BYTE, wOffsetBytes + j * rowBytes + p / 2);
            nibble = p & 1;
          } else {
            long at = (long) p * n + j;
            b = w.get(ValueLayout.JAVA_BYTE, wOffsetBytes + at / 2);
            nibble = at & 1;
          }
          q = (nibble == 0 ? b & 0xF : (b >> 4) & 0xF) - 8;
        }
        values[base + p * nr] = (byte) q;
      }
    }
    return values;
  }

  private static float[] packBias(int n, int padded, MemorySegment bias, long biasOffset) {
    float[] out = new float[padded];
    if (bias != null) {
      for (int j = 0; j < n; j++) {
        out[j] = bias.getAtIndex(FLOAT, biasOffset + j);
      }
    }
    return out;
  }

  private static void checkShape(int n, int k, int nr) {
    if (n <= 0 || k <= 0 || nr <= 0) {
      throw new IllegalArgumentException("need n > 0 and k > 0, got n=" + n + ", k=" + k);
    }
  }

  static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }
}
