package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.BatchNormFold;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * A constant float32 batch norm folded into the convolution before it ({@link BatchNormFold}):
 * per output channel {@code o}, the filter is scaled by {@code gamma[o] * invstd[o]} and the bias
 * becomes {@code (bias[o] - mean[o]) * invstd[o] * gamma[o] + beta[o]}, so that one packed
 * convolution computes what the convolution and the batch norm computed in two passes over the
 * output. {@code invstd = 1 / sqrt(var + eps)} is computed as the batch norm's kernel does
 * (in double, rounded to float); the result differs from the two passes only by the reassociation
 * of float products. Immutable.
 */
final class FoldedBatchNorm {
  private static final ScalarType F = ScalarType.FLOAT;

  /** {@code gamma[o] * invstd[o]}, by which the filter of output channel {@code o} is scaled. */
  final float[] scale;
  /** The folded bias, one per output channel, as a heap segment for the packers. */
  final MemorySegment bias;

  private FoldedBatchNorm(float[] scale, float[] bias) {
    this.scale = scale;
    this.bias = MemorySegment.ofArray(bias);
  }

  /**
   * True when the offered batch norm can be folded into a float32 convolution writing {@code
   * convOut} in the default dim order with {@code outChannels} output channels: float32
   * contiguous parameter vectors of that length, and an {@code out0} of the convolution output's
   * dtype, dim order, sizes and dynamism (the convolution writes it in place of its own output).
   * The convolution's own bias, if any, must have that length too (else the convolution's checks
   * refuse it, unfolded).
   */
  static boolean fits(BatchNormFold fold, TensorImpl convOut, TensorImpl convBias, int outChannels) {
    TensorImpl out0 = fold.out();
    if (out0 == convOut || out0.dtype() != F || !out0.isContiguous()
        || !Arrays.equals(out0.sizes(), convOut.sizes()) || out0.dynamism() != convOut.dynamism()) {
      return false;
    }
    for (TensorImpl p : new TensorImpl[] {convBias, fold.weight(), fold.bias(), fold.runningMean(), fold.runningVar()}) {
      if (p != null && (p.dtype() != F || p.dim() != 1 || p.size(0) != outChannels || !p.isContiguous())) {
        return false;
      }
    }
    return true;
  }

  /** Folds {@code fold} (which {@link #fits}) with the convolution's constant bias, if any. */
  static FoldedBatchNorm of(BatchNormFold fold, TensorImpl convBias, int outChannels) {
    float[] scale = new float[outChannels];
    float[] bias = new float[outChannels];
    for (int o = 0; o < outChannels; o++) {
      float mean = fold.runningMean().data().getAtIndex(Elements.F32, o);
      float var = fold.runningVar().data().getAtIndex(Elements.F32, o);
      // As the batch norm: 1.0 / sqrt(var + eps) in double, stored as float.
      float invstd = (float) (1.0 / Math.sqrt(var + fold.eps()));
      float gamma = fold.weight() == null ? 1f : fold.weight().data().getAtIndex(Elements.F32, o);
      float beta = fold.bias() == null ? 0f : fold.bias().data().getAtIndex(Elements.F32, o);
      float b = convBias == null ? 0f : convBias.data().getAtIndex(Elements.F32, o);
      scale[o] = invstd * gamma;
      bias[o] = (b - mean) * invstd * gamma + beta;
    }
    return new FoldedBatchNorm(scale, bias);
  }
}
