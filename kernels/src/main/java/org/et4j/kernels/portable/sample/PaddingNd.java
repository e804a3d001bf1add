package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The reflection and replication padding kernels, as ExecuTorch's {@code util/padding_util}:
 * {@code padding} holds (before, after) pairs from the last dimension back over the last
 * {@code n} dimensions; the input has {@code n + 1} or {@code n + 2} dimensions; any dtype (the
 * elements are copied). Negative pads crop, as ExecuTorch allows; reflection pads must be smaller
 * than the padded dimension (so {@code size - 1} is the largest) and reflection needs the
 * contiguous dim order. Output element {@code j} of a padded dimension of size {@code s} with
 * leading pad {@code p} reads {@code reflection_ix} = {@code p - j}, {@code j - p} or {@code 2s + p
 * - j - 2}, or {@code replication_ix} = {@code 0}, {@code j - p} or {@code s - 1}.
 */
final class PaddingNd {
  private PaddingNd() {}

  /** The kernel of {@code reflection_pad<n>d.out} or {@code replication_pad<n>d.out}. */
  static OpKernel kernel(String op, int n, boolean reflection) {
    return args -> {
      KernelChecks.argCount(op, args, 3);
      TensorImpl in = KernelChecks.tensor(op, args, 0);
      TensorImpl out = KernelChecks.tensor(op, args, 2);
      KernelChecks.check(
          in.dim() == n + 1 || in.dim() == n + 2,
          op,
          "input must have " + (n + 1) + " or " + (n + 2) + " dimensions, got " + in.describe());
      KernelChecks.sameDtype(op, in, out);
      if (reflection) {
        KernelChecks.sameDimOrder(op, in, out);
        KernelChecks.contiguous(op, in, "input");
      }
      int es = in.dtype().elementSize();
      return new PlannedCall(args, 0, 1) {
        private long[][] srcOffsets;
        private long[][] dstOffsets;

        @Override
        protected void plan() {
          long[] pad = args[1].toIntList();
          KernelChecks.check(
              pad.length == 2 * n, op, "padding must have " + 2 * n + " items, got " + Arrays.toString(pad));
          int rank = in.dim();
          int[] outSizes = in.sizes();
          for (int i = 1; i <= n; i++) {
            int d = rank - i;
            long before = pad[2 * i - 2];
            long after = pad[2 * i - 1];
            long size = in.size(d) + before + after;
            KernelChecks.check(
                size >= 0,
                op,
                "padding " + Arrays.toString(pad) + " gives dimension " + d + " of " + in.describe() + " a negative size");
            if (reflection) {
              KernelChecks.check(
                  before < in.size(d) && after < in.size(d),
                  op,
                  "reflection padding "
                      + Arrays.toString(pad)
                      + " must be smaller than dimension "
                      + d
                      + " of input "
                      + in.describe());
            }
            outSizes[d] = Shapes.toSize(op, size, "padded size");
          }
          Shapes.resize(op, out, outSizes);
          srcOffsets = new long[rank][];
          dstOffsets = new long[rank][];
          boolean empty = out.numel() == 0;
          for (int d = 0; d < rank; d++) {
            int padIndex = rank - 1 - d;
            long before = padIndex < n ? pad[2 * padIndex] : 0;
            int inSize = in.size(d);
            srcOffsets[d] = new long[out.size(d)];
            dstOffsets[d] = new long[out.size(d)];
            for (int j = 0; j < out.size(d); j++) {
              long src = padIndex < n ? index(j, inSize, before) : j;
              if (!empty && (src < 0 || src >= inSize)) {
                throw KernelChecks.invalid(
                    op, "padding " + Arrays.toString(pad) + " reads outside dimension " + d + " of input " + in.describe());
              }
              srcOffsets[d][j] = src * in.stride(d);
              dstOffsets[d][j] = j * out.stride(d);
            }
          }
        }

        private long index(long j, long size, long pad) {
          if (reflection) {
            return j < pad ? pad - j : j < size + pad ? j - pad : 2 * size + pad - j - 2;
          }
          return j < pad ? 0 : j < size + pad ? j - pad : size - 1;
        }

        @Override
        protected void run(org.et4j.runtime.kernel.KernelContext context) {
          if (out.numel() == 0) {
            return;
          }
          copy(in.data(), out.data(), 0, 0, 0);
        }

        private void copy(MemorySegment x, MemorySegment y, int d, long src, long dst) {
          long[] so = srcOffsets[d];
          long[] dO = dstOffsets[d];
          if (d == srcOffsets.length - 1) {
            for (int j = 0; j < so.length; j++) {
              StridedCopy.copyElement(x, src + so[j], y, dst + dO[j], es);
            }
            return;
          }
          for (int j = 0; j < so.length; j++) {
            copy(x, y, d + 1, src + so[j], dst + dO[j]);
          }
        }
      };
    };
  }
}
