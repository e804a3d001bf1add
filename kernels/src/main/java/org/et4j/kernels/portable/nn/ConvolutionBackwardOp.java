package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::convolution_backward.out(Tensor grad_output, Tensor input, Tensor weight,
 * SymInt[]? bias_sizes, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed,
 * SymInt[] output_padding, SymInt groups, bool[3] output_mask, *, Tensor(a!) out0, Tensor(b!)
 * out1, Tensor(c!) out2)}, as ExecuTorch's {@code op_convolution_backward.cpp}, with its limits:
 * only non-transposed 2-D convolution (4-D weight), float dtypes (FLOATHBF16). The gradients
 * (input, weight, bias, as {@code output_mask} asks) are zeroed and accumulated in ExecuTorch's
 * loop order, each step rounded to the tensor's dtype. grad_input is indexed with the input's
 * strides and grad_weight with the weight's, as ExecuTorch does; grad_bias is resized to
 * bias_sizes when given.
 */
public final class ConvolutionBackwardOp {
  static final String OP = "aten::convolution_backward.out";

  private ConvolutionBackwardOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, ConvolutionBackwardOp::bind);
  }

  private static PlannedCall bind(Value[] args) {
    KernelChecks.argCount(OP, args, 14);
    TensorImpl gradOut = KernelChecks.tensor(OP, args, 0);
    TensorImpl input = KernelChecks.tensor(OP, args, 1);
    TensorImpl weight = KernelChecks.tensor(OP, args, 2);
    if (args[7].toBool()) {
      throw KernelChecks.invalid(OP, "transposed convolution backward is not supported (transposed=true)");
    }
    KernelChecks.check(
        weight.dim() == 4,
        OP,
        "only 2-D convolution backward is supported; weight " + weight.describe() + " is not 4-D");
    boolean[] mask = args[10].toBoolList();
    KernelChecks.check(mask.length == 3, OP, "output_mask must have 3 items, got " + mask.length);
    TensorImpl gradInput = mask[0] ? KernelChecks.tensor(OP, args, 11) : null;
    TensorImpl gradWeight = mask[1] ? KernelChecks.tensor(OP, args, 12) : null;
    TensorImpl gradBias = mask[2] ? KernelChecks.tensor(OP, args, 13) : null;
    KernelChecks.sameDtype(OP, weight, input);
    KernelChecks.sameDtype(OP, gradOut, input);
    for (TensorImpl g : new TensorImpl[] {gradInput, gradWeight, gradBias}) {
      if (g != null) {
        KernelChecks.sameDtype(OP, g, input);
      }
    }
    ScalarType t = input.dtype();
    KernelChecks.dtype(OP, "input", input, t.isFloatingPoint());
    KernelChecks.check(
        Pooling2d.isDefaultOrChannelsLast(input)
            && Pooling2d.isDefaultOrChannelsLast(weight)
            && Pooling2d.isDefaultOrChannelsLast(gradOut),
        OP,
        "input, weight and grad_output must be in the default or channels-last dim order");
    KernelChecks.check(input.dim() == 4, OP, "input must be 4-D to match the 4-D weight, got " + input.describe());
    KernelChecks.check(gradOut.dim() == 4, OP, "grad_output must be 4-D, got " + gradOut.describe());
    long groups = args[9].toInt();
    KernelChecks.check(groups >= 1, OP, "groups must be positive, got " + groups);

    return new PlannedCall(args, 0, 1, 2, 3, 4, 5, 6, 9) {
      private long strideH;
      private long strideW;
      private long padH;
      private long padW;
      private long dilH;
      private long dilW;

      @Override
      protected void plan() {
        long[] stride = paramArray("stride", args[4], 1);
        long[] padding = paramArray("padding", args[5], 0);
        long[] dilation = paramArray("dilation", args[6], 1);
        KernelChecks.check(
            weight.size(0) >= groups && weight.size(0) % groups == 0,
            OP,
            "weight " + weight.describe() + " dimension 0 must be a positive multiple of groups=" + groups);
        KernelChecks.check(
            input.size(1) == groups * weight.size(1),
            OP,
            "input " + input.describe() + " must have groups * weight.size(1) = " + groups * weight.size(1) + " channels");
        strideH = NnArgs.valAt(stride, 0, 1);
        strideW = NnArgs.valAt(stride, 1, 1);
        padH = NnArgs.valAt(padding, 0, 0);
        padW = NnArgs.valAt(padding, 1, 0);
        dilH = NnArgs.valAt(dilation, 0, 1);
        dilW = NnArgs.valAt(dilation, 1, 1);
        int[] expected = {
          input.size(0),
          input.size(1) == 0 ? 0 : weight.size(0),
          Pooling2d.outputSize(input.size(2), weight.size(2), (int) padH, (int) strideH, (int) dilH, false),
          Pooling2d.outputSize(input.size(3), weight.size(3), (int) padW, (int) strideW, (int) dilW, false)
        };
        KernelChecks.check(
            expected[2] > 0 && expected[3] > 0,
            OP,
            "input " + input.describe() + " and weight " + weight.describe() + " give an empty output");
        KernelChecks.check(
            gradOut.hasSizes(expected),
            OP,
            "grad_output " + gradOut.describe() + " must have the convolution's output sizes " + Arrays.toString(expected));
        if (gradInput != null) {
          Shapes.resize(OP, gradInput, input.sizes());
        }
        if (gradWeight != null) {
          Shapes.resize(OP, gradWeight, weight.sizes());
        }
        if (gradBias != null) {
          if (!args[3].isNone()) {
            int[] bias = args[3].toIntArray();
            Shapes.resize(OP, gradBias, bias);
          }
          KernelChecks.check(
              gradBias.numel() >= weight.size(0),
              OP,
              "grad_bias " + gradBias.describe() + " must hold the " + weight.size(0) + " output channels");
        }
      }

      @Override
      protected void run(KernelContext context) {
        MemorySegment gi = gradInput == null ? null : zeroed(gradInput);
        MemorySegment gw = gradWeight == null ? null : zeroed(gradWeight);
        MemorySegment gb = gradBias == null ? null : zeroed(gradBias);
        if (gradOut.numel() == 0) {
          return;
        }
        MemorySegment go = gradOut.data();
        MemorySegment x = input.data();
        MemorySegment w = weight.data();
        long[] os = gradOut.strides();
        long[] is = input.strides();
        long[] ws = weight.strides();
        int inH = input.size(2);
        int inW = input.size(3);
        int kh = weight.size(2);
        int kw = weight.size(3);
        long inPerGroup = input.size(1) / groups;
        long outPerGroup = weight.size(0) / groups;
        for (long b = 0; b < input.size(0); b++) {
          for (long g = 0; g < groups; g++) {
            for (long h = 0; h < gradOut.size(2); h++) {
              for (long wo = 0; wo < gradOut.size(3); wo++) {
                for (long oc = 0; oc < outPerGroup; oc++) {
                  long ocg = oc + g * outPerGroup;
                  long outIdx = b * os[0] + ocg * os[1] + h * os[2] + wo * os[3];
                  double gov = Elements.readDouble(t, go, outIdx);
                  if (gb != null) {
                    Elements.writeDouble(t, gb, ocg, Elements.readDouble(t, gb, ocg) + gov);
                  }
                  for (long ic = 0; ic < inPerGroup; ic++) {
                    long icg = ic + g * inPerGroup;
                    for (long y = 0; y < kh; y++) {
                      long ih = h * strideH - padH + y * dilH;
                      if (ih < 0 || ih >= inH) {
                        continue;
                      }
                      for (long z = 0; z < kw; z++) {
                        long iw = wo * strideW - padW + z * dilW;
                        if (iw < 0 || iw >= inW) {
                          continue;
                        }
                        long inIdx = b * is[0] + icg * is[1] + ih * is[2] + iw * is[3];
                        long wIdx = ocg * ws[0] + ic * ws[1] + y * ws[2] + z * ws[3];
                        if (gi != null) {
                          double p = roundTo(t, gov * Elements.readDouble(t, w, wIdx));
                          Elements.writeDouble(t, gi, inIdx, Elements.readDouble(t, gi, inIdx) + p);
                        }
                        if (gw != null) {
                          double p = roundTo(t, gov * Elements.readDouble(t, x, inIdx));
                          Elements.writeDouble(t, gw, wIdx, Elements.readDouble(t, gw, wIdx) + p);
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    };
  }

  /** ExecuTorch's {@code param_array_is_valid} for a 2-D kernel: 1 or 2 items, each at least {@code min}. */
  private static long[] paramArray(String what, Value v, long min) {
    long[] a = v.toIntList();
    boolean ok = a.length == 1 || a.length == 2;
    for (long x : a) {
      ok &= x >= min && x <= Integer.MAX_VALUE;
    }
    if (!ok) {
      throw KernelChecks.invalid(OP, what + " must have 1 or 2 values, each >= " + min + ", got " + Arrays.toString(a));
    }
    return a;
  }

  /**
   * {@code v} rounded to the float dtype {@code t} as a C++ {@code CTYPE} product is (c10's half
   * types compute in float and round to half).
   */
  private static double roundTo(ScalarType t, double v) {
    return switch (t) {
      case DOUBLE -> v;
      case HALF -> Float.float16ToFloat(Float.floatToFloat16((float) v));
      case BFLOAT16 -> Elements.bf16ToFloat(Elements.floatToBf16((float) v));
      default -> (float) v;
    };
  }

  private static MemorySegment zeroed(TensorImpl t) {
    MemorySegment s = t.data();
    s.asSlice(0, t.nbytes()).fill((byte) 0);
    return s;
  }
}
