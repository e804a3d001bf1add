package org.et4j.kernels.portable.nn;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.BatchNormFold;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::convolution.out(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride,
 * SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups, *,
 * Tensor(a!) out)}: 1-D and 2-D convolution and transposed convolution with groups, as ExecuTorch's
 * {@code op_convolution.cpp} (a 1-D convolution is a 2-D one of height 1).
 *
 * <p>Bind checks the arguments, computes the geometry once ({@link ConvolutionShape}) and picks one
 * algorithm, each in its own file, the first that applies:
 *
 * <ol>
 *   <li>{@link DepthwiseConvolution}: float32, a constant weight, one input channel per group;
 *   <li>{@link IndirectConvolution}: float32, a constant weight: packed once, indirect GEMM;
 *   <li>{@link Im2colConvolution}: float32 whose weight may change: im2col copy and GEMM;
 *   <li>{@link TransposedConvolution}: float32 transposed, default dim order: GEMM and col2im;
 *   <li>{@link ReferenceConvolution}: everything else (other dtypes, mixed dim orders, a weight
 *       with an infinity or NaN under padding, where the others' zero taps would make NaN of what
 *       ExecuTorch skips), ExecuTorch's direct loops.
 * </ol>
 *
 * The constant-weight paths are the XNNPACK delegate's kernels ({@link org.et4j.kernels.nhwc}),
 * used on the default dim order through a channels-last copy of the input and output.
 *
 * <p>When the loader offers the batch norm that is this output's only reader ({@link
 * BatchNormFold}) and the call takes a packed path in the default dim order, the batch norm's
 * scale and shift are folded into the packed filter and bias ({@link FoldedBatchNorm}) and the
 * result written straight into the batch norm's out0, saving its pass over the output. The
 * convolution's own output is then never written (nothing reads it), which an ETDump at {@code
 * INTERMEDIATE_OUTPUTS} shows as that instruction's output.
 */
public final class ConvolutionOp {
  static final String NAME = "aten::convolution.out";

  private ConvolutionOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, ConvolutionOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 10);
    TensorImpl in = args[0].toTensor();
    TensorImpl weight = args[1].toTensor();
    TensorImpl bias = args[2].toOptionalTensor();
    long[] stride = args[3].toIntList();
    long[] padding = args[4].toIntList();
    long[] dilation = args[5].toIntList();
    boolean transposed = args[6].toBool();
    long[] outputPadding = args[7].toIntList();
    long groupsArg = args[8].toInt();
    TensorImpl out = args[9].toTensor();  // or, folding a batch norm, its out0 (below)

    // checks (check_convolution_args): ranks, dtypes, parameter lists, groups
    if (in.dim() != 3 && in.dim() != 4) {
      throw KernelChecks.invalid(NAME, "input must be 3-D or 4-D, got " + in.describe());
    }
    if (weight.dim() != in.dim() || out.dim() != in.dim()) {
      throw KernelChecks.invalid(
          NAME, "input, weight and out must have one rank, got " + KernelChecks.describe(in, weight, out));
    }
    KernelChecks.allSameDtype(NAME, in, weight, out);
    ScalarType t = in.dtype();
    if (!t.isFloatingPoint() && !t.isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }
    if (bias != null && bias.dim() != 1) {
      throw KernelChecks.invalid(NAME, "bias must be 1-D, got " + bias.describe());
    }
    if (bias != null && !bias.dtype().isFloatingPoint() && !bias.dtype().isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported bias dtype " + bias.dtype().displayName());
    }
    boolean oneD = in.dim() == 3;
    int kdims = oneD ? 1 : 2;
    checkList("stride", stride, kdims, 1, false);
    checkList("padding", padding, kdims, 0, false);
    checkList("dilation", dilation, kdims, 1, false);
    if (transposed) {
      checkList("output_padding", outputPadding, kdims, 0, false);
      for (int i = 0; i < kdims; i++) {
        long op = NnArgs.valAt(outputPadding, i, 0);
        if (op >= NnArgs.valAt(stride, i, 1) && op >= NnArgs.valAt(dilation, i, 1)) {
          throw KernelChecks.invalid(
              NAME,
              "output_padding "
                  + Arrays.toString(outputPadding)
                  + " must be smaller than either stride or dilation");
        }
      }
    }
    if (groupsArg < 1 || weight.size(0) % groupsArg != 0) {
      throw KernelChecks.invalid(
          NAME, "groups=" + groupsArg + " must divide weight.size(0) of " + weight.describe());
    }
    int groups = (int) groupsArg;
    boolean float32 =
        t == ScalarType.FLOAT && (bias == null || bias.dtype() == ScalarType.FLOAT);
    boolean defaultOrder = in.isContiguous() && out.isContiguous();
    boolean channelsLast =
        in.dim() == 4
            && !in.isContiguous()
            && Pooling2d.isDefaultOrChannelsLast(in)
            && Arrays.equals(in.dimOrder(), out.dimOrder());
    boolean constantWeights =
        weight.isProgramConstant()
            && (bias == null || (bias.isProgramConstant() && bias.isContiguous()));
    // The im2col and packed algorithms multiply padding taps by zero where ExecuTorch skips them: a
    // weight with an infinity or NaN under padding takes the reference (checked here once for a
    // constant weight, on every call for one that may change).
    boolean packed = float32 && !transposed && constantWeights && (defaultOrder || channelsLast)
        && !ReferenceConvolution.paddingMatters(weight, false, Arrays.stream(padding).anyMatch(p -> p != 0));
    // A batch norm that only reads this output is folded into the packed filter and bias, and its
    // out0 written here instead of `out`. Only in the default dim order, which reads the whole
    // input into scratch before writing: out0 may share planned memory with the input, whose
    // lifetime ends here.
    BatchNormFold offer = out.batchNormFold();
    FoldedBatchNorm folded = null;
    if (offer != null && packed && defaultOrder && FoldedBatchNorm.fits(offer, out, bias, weight.size(0))) {
      folded = FoldedBatchNorm.of(offer, bias, weight.size(0));
      offer.accept();
      out = offer.out();
    }
    ConvolutionShape shape =
        new ConvolutionShape(
            in, weight, bias, out, stride, padding, dilation, transposed, outputPadding, groups);
    // What the packing algorithms read at bind, whatever the input's shape: the weight and bias.
    shape.checkWeight();
    if (in.dynamism() == ShapeDynamism.STATIC && out.dynamism() != ShapeDynamism.DYNAMIC_UNBOUND) {
      // Static shapes are checked here, once; dynamic ones on the first call and when they move.
      shape.refresh();
    }

    // algorithm: the first that applies, fastest first
    if (packed) {
      if (DepthwiseConvolution.applies(shape)) {
        DepthwiseConvolution depthwise = DepthwiseConvolution.prepare(shape, channelsLast, folded);
        return ctx -> {
          if (shape.refresh()) {
            depthwise.run(ctx, shape);
          }
        };
      }
      IndirectConvolution indirect = IndirectConvolution.prepare(shape, channelsLast, folded);
      return ctx -> {
        if (shape.refresh()) {
          indirect.run(ctx, shape);
        }
      };
    }
    if (float32 && !transposed && channelsLast && Pooling2d.isDefaultOrChannelsLast(weight)) {
      Im2colConvolution im2col = Im2colConvolution.prepare(true);
      return ctx -> {
        if (shape.refresh()) {
          if (ReferenceConvolution.paddingMatters(shape)) {
            ReferenceConvolution.run(shape);
          } else {
            im2col.run(ctx, shape);
          }
        }
      };
    }
    if (float32 && defaultOrder && weight.isContiguous()) {
      if (transposed) {
        TransposedConvolution transposedConvolution = TransposedConvolution.prepare();
        return ctx -> {
          if (shape.refresh()) {
            transposedConvolution.run(ctx, shape);
          }
        };
      }
      Im2colConvolution im2col = Im2colConvolution.prepare(false);
      return ctx -> {
        if (shape.refresh()) {
          if (ReferenceConvolution.paddingMatters(shape)) {
            ReferenceConvolution.run(shape);
          } else {
            im2col.run(ctx, shape);
          }
        }
      };
    }
    return ctx -> {
      if (shape.refresh()) {
        ReferenceConvolution.run(shape);
      }
    };
  }

  private static void checkList(String what, long[] list, int kdims, long min, boolean allowEmpty) {
    if (!(list.length == 1 || list.length == kdims || (allowEmpty && list.length == 0))) {
      throw KernelChecks.invalid(
          NAME, what + " must have 1 or " + kdims + " values, got " + Arrays.toString(list));
    }
    for (long v : list) {
      if (v < min || v > Integer.MAX_VALUE) {
        throw KernelChecks.invalid(NAME, what + " values must be >= " + min + ", got " + Arrays.toString(list));
      }
    }
  }
}
