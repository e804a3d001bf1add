package org.et4j.kernels.portable.sample;

import java.util.Arrays;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * ExecuTorch's {@code kernels/portable/cpu/util/upsample_util}: the argument checks, the output
 * size of the 2-D upsampling ops, and PyTorch's source-index arithmetic ({@code UpSample.h}),
 * which the kernels run in float32 as ExecuTorch's do.
 */
final class Upsample2d {
  private Upsample2d() {}

  /** {@code check_upsample_2d_common_args} plus the op's dtype set (REALHBF16). */
  static void checkArgs(String op, TensorImpl in, Value outputSize, Value scaleFactors, TensorImpl out) {
    KernelChecks.sameDtype(op, in, out);
    KernelChecks.dtype(op, "input", in, DtypeRules.isRealHBF16(in.dtype()));
    KernelChecks.check(in.dim() == 4, op, "input must be 4-D, got " + in.describe());
    KernelChecks.check(out.dim() == 4, op, "out must be 4-D, got " + out.describe());
    SampleSupport.defaultOrChannelsLast(op, in, "input");
    SampleSupport.defaultOrChannelsLast(op, out, "out");
    KernelChecks.sameDimOrder(op, in, out);
    KernelChecks.check(
        outputSize.isNone() != scaleFactors.isNone(),
        op,
        "exactly one of output_size and scale_factors must be given");
    if (!scaleFactors.isNone()) {
      double[] s = scaleFactors.toDoubleList();
      KernelChecks.check(
          s.length == 2 && s[0] > 0 && s[1] > 0,
          op,
          "scale_factors must be two positive numbers, got " + Arrays.toString(s));
    } else {
      long[] s = outputSize.toIntList();
      KernelChecks.check(
          s.length == 2 && s[0] > 0 && s[1] > 0,
          op,
          "output_size must be two positive sizes, got " + Arrays.toString(s));
    }
  }

  /**
   * {@code resize_upsample_2d}: resizes out and returns the (height, width) scale factors, given
   * or computed as output / input size.
   */
  static double[] resize(String op, TensorImpl in, Value outputSize, Value scaleFactors, TensorImpl out) {
    int[] target = in.sizes();
    double scaleH;
    double scaleW;
    if (!scaleFactors.isNone()) {
      double[] s = scaleFactors.toDoubleList();
      scaleH = s[0];
      scaleW = s[1];
      // static_cast<SizesType>: truncation toward zero.
      target[2] = (int) (in.size(2) * scaleH);
      target[3] = (int) (in.size(3) * scaleW);
    } else {
      long oh = outputSize.intListItem(0);
      long ow = outputSize.intListItem(1);
      scaleH = (double) oh / in.size(2);
      scaleW = (double) ow / in.size(3);
      target[2] = Shapes.toSize(op, oh, "output height");
      target[3] = Shapes.toSize(op, ow, "output width");
    }
    KernelChecks.check(
        target[2] > 0 && target[3] > 0,
        op,
        "upsampled output size must be non-empty, but was " + target[2] + " x " + target[3]);
    Shapes.resize(op, out, target);
    checkSampledInput(op, in, out);
    return new double[] {scaleH, scaleW};
  }

  /** An output with elements must sample from an input plane with elements. */
  static void checkSampledInput(String op, TensorImpl in, TensorImpl out) {
    if (out.numel() > 0 && (in.size(2) == 0 || in.size(3) == 0)) {
      throw KernelChecks.invalid(op, "cannot sample from input " + in.describe() + " with an empty spatial dimension");
    }
  }

  /** {@code area_pixel_compute_scale<double>} with a given scale. */
  static double kernelScale(long inputSize, long outputSize, boolean alignCorners, double scale) {
    if (alignCorners) {
      return outputSize > 1 ? (double) (inputSize - 1) / (outputSize - 1) : 0.0;
    }
    return 1.0 / scale;
  }

  /**
   * {@code compute_source_index_and_lambda} in float32 for every output index: the two source
   * indices and their weights (lambda0 for index0).
   */
  static void sourceIndexAndLambda(
      float ratio, int inputSize, int outputSize, boolean alignCorners, int[] index0, int[] index1, float[] lambda0, float[] lambda1) {
    for (int o = 0; o < outputSize; o++) {
      if (outputSize == inputSize) {
        index0[o] = o;
        index1[o] = o;
        lambda0[o] = 1f;
        lambda1[o] = 0f;
        continue;
      }
      float real;
      if (alignCorners) {
        real = ratio * (float) o;
      } else {
        real = ratio * ((float) o + 0.5f) - 0.5f;
        real = real < 0f ? 0f : real;
      }
      int i0 = (int) Math.min((long) Math.floor(real), inputSize - 1);
      float l1 = Math.min(Math.max(real - (float) i0, 0f), 1f);
      index0[o] = i0;
      index1[o] = i0 + (i0 < inputSize - 1 ? 1 : 0);
      lambda1[o] = l1;
      lambda0[o] = 1f - l1;
    }
  }

  /** {@code nearest_neighbor_compute_source_index} (OpenCV's INTER_NEAREST, kept by PyTorch). */
  static int nearestSourceIndex(float scale, int dstIndex, int inputSize) {
    return (int) Math.min((long) Math.floor((float) dstIndex * scale), inputSize - 1);
  }
}
