package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
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
 * {@code aten::max_pool2d_with_indices_backward.grad_input(Tensor grad_output, Tensor self,
 * int[2] kernel_size, int[2] stride, int[2] padding, int[2] dilation, bool ceil_mode, Tensor
 * indices, *, Tensor(a!) grad_input)}, as ExecuTorch's {@code
 * op_max_pool2d_with_indices_backward.cpp}: 3-D (CHW) or 4-D (NCHW) input, float dtypes
 * (FLOATHBF16), int64 indices as {@code max_pool2d_with_indices} returns them (the flat index
 * {@code h * W + w} of the maximum in its input plane; -1 is skipped). grad_output must have the
 * pooled shape the window parameters give. Each grad_output element is added to grad_input at its
 * index, rounded to the dtype at each step.
 *
 * <p>Two deliberate differences from ExecuTorch's kernel: grad_input is zeroed first (ExecuTorch
 * adds into whatever out held, which for planned memory is another tensor's data; PyTorch zeroes),
 * and grad_input, grad_output and indices are addressed through their strides, so channels-last
 * tensors (which ExecuTorch's checks accept but its loop reads as if contiguous) give PyTorch's
 * result. Contiguous tensors give ExecuTorch's result exactly. An index outside its plane is an
 * error instead of a wild write. The window arguments are checked as the forward op checks them
 * ({@link Pooling2d#window}).
 */
public final class MaxPool2dWithIndicesBackwardOp {
  static final String OP = "aten::max_pool2d_with_indices_backward.grad_input";

  private MaxPool2dWithIndicesBackwardOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, MaxPool2dWithIndicesBackwardOp::bind);
  }

  private static PlannedCall bind(Value[] args) {
    KernelChecks.argCount(OP, args, 9);
    TensorImpl gradOut = KernelChecks.tensor(OP, args, 0);
    TensorImpl input = KernelChecks.tensor(OP, args, 1);
    TensorImpl indices = KernelChecks.tensor(OP, args, 7);
    TensorImpl gradInput = KernelChecks.tensor(OP, args, 8);
    KernelChecks.sameDtype(OP, gradOut, input);
    KernelChecks.sameDtype(OP, gradInput, input);
    ScalarType t = input.dtype();
    KernelChecks.dtype(OP, "input", input, t.isFloatingPoint());
    KernelChecks.check(
        indices.dtype() == ScalarType.LONG,
        OP,
        "indices must be int64, got " + indices.dtype().displayName());
    KernelChecks.check(
        Pooling2d.isDefaultOrChannelsLast(gradOut),
        OP,
        "grad_output must be in the default or channels-last dim order");
    boolean ceilMode = args[6].toBool();

    return new PlannedCall(args, 0, 1, 2, 3, 4, 5, 7) {
      @Override
      protected void plan() {
        Pooling2d.checkInput(OP, input);
        KernelChecks.check(
            gradOut.dim() == input.dim(),
            OP,
            "grad_output " + gradOut.describe() + " must have the rank of input " + input.describe());
        Pooling2d.Window window = Pooling2d.window(OP, args[2], args[3], args[4], args[5], ceilMode);
        int[] expected = Pooling2d.outputSizes(OP, input, window);
        KernelChecks.check(
            gradOut.hasSizes(expected),
            OP,
            "grad_output " + gradOut.describe() + " must have the pooled sizes " + java.util.Arrays.toString(expected));
        KernelChecks.check(
            indices.sameShape(gradOut),
            OP,
            "indices " + indices.describe() + " must have the shape of grad_output " + gradOut.describe());
        Shapes.resize(OP, gradInput, input.sizes());
      }

      @Override
      protected void run(KernelContext context) {
        MemorySegment gi = gradInput.data();
        gi.asSlice(0, gradInput.nbytes()).fill((byte) 0);
        if (gradOut.numel() == 0) {
          return;
        }
        MemorySegment go = gradOut.data();
        MemorySegment ix = indices.data();
        int rank = input.dim();
        int batch = rank == 4 ? gradOut.size(0) : 1;
        int channels = gradOut.size(rank - 3);
        int outH = gradOut.size(rank - 2);
        int outW = gradOut.size(rank - 1);
        int inW = gradInput.size(rank - 1);
        long planeSize = (long) gradInput.size(rank - 2) * inW;
        long[] gs = strides4(gradInput);
        long[] os = strides4(gradOut);
        long[] xs = strides4(indices);
        for (int n = 0; n < batch; n++) {
          for (int c = 0; c < channels; c++) {
            for (int h = 0; h < outH; h++) {
              for (int w = 0; w < outW; w++) {
                long maxIndex = ix.getAtIndex(Elements.I64, n * xs[0] + c * xs[1] + h * xs[2] + w * xs[3]);
                if (maxIndex == -1) {
                  continue;
                }
                if (maxIndex < 0 || maxIndex >= planeSize) {
                  throw KernelChecks.invalid(
                      OP, "index " + maxIndex + " is outside the input plane of " + planeSize + " elements");
                }
                long g = n * gs[0] + c * gs[1] + (maxIndex / inW) * gs[2] + (maxIndex % inW) * gs[3];
                double v = Elements.readDouble(t, go, n * os[0] + c * os[1] + h * os[2] + w * os[3]);
                Elements.writeDouble(t, gi, g, Elements.readDouble(t, gi, g) + v);
              }
            }
          }
        }
      }
    };
  }

  /** Strides as (N, C, H, W), with a zero batch stride for a 3-D tensor. */
  private static long[] strides4(TensorImpl t) {
    long[] s = t.strides();
    return s.length == 4 ? s : new long[] {0, s[0], s[1], s[2]};
  }
}
