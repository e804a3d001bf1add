package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.BatchNormFold;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Batch normalization, as ExecuTorch's {@code op_native_batch_norm.cpp}, over dim 1 (the
 * channels) of a contiguous input, in the input's dtype (float16/bfloat16 round after every
 * operation):
 *
 * <ul>
 *   <li>{@code aten::_native_batch_norm_legit_no_training.out(Tensor input, Tensor? weight, Tensor?
 *       bias, Tensor running_mean, Tensor running_var, float momentum, float eps, *, Tensor(a!)
 *       out0, Tensor(b!) out1, Tensor(c!) out2)}: normalizes with the running statistics; the
 *       two statistics outputs are resized to {@code [0]}.
 *   <li>{@code aten::_native_batch_norm_legit.out(Tensor input, Tensor? weight, Tensor? bias,
 *       Tensor(a!) running_mean, Tensor(b!) running_var, bool training, float momentum, float eps,
 *       *, Tensor(d!) out, Tensor(e!) save_mean, Tensor(f!) save_invstd)}: the same, and only in
 *       inference ({@code training} must be false), as in ExecuTorch's portable library.
 *   <li>{@code aten::_native_batch_norm_legit.no_stats_out(Tensor input, Tensor? weight, Tensor?
 *       bias, bool training, float momentum, float eps, *, Tensor(a!) out, Tensor(b!) save_mean,
 *       Tensor(c!) save_invstd)}: normalizes with the batch's own per-channel statistics, which go
 *       to {@code save_mean} and {@code save_invstd} ({@code [C]}).
 * </ul>
 */
public final class NativeBatchNormOp {
  static final String NO_TRAINING_NAME = "aten::_native_batch_norm_legit_no_training.out";
  static final String NAME = "aten::_native_batch_norm_legit.out";
  static final String NO_STATS_NAME = "aten::_native_batch_norm_legit.no_stats_out";

  private NativeBatchNormOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NO_TRAINING_NAME, args -> {
      KernelChecks.argSlots(NO_TRAINING_NAME, args, 10);
      BatchNormFold fold = args[0].toTensor().batchNormFold();
      if (fold != null && fold.accepted() && fold.out() == args[7].toTensor()) {
        return bindFolded(args[7].toTensor(), args[8].toTensor(), args[9].toTensor());
      }
      return bindRunning(
          NO_TRAINING_NAME, args[0].toTensor(), args[1].toOptionalTensor(), args[2].toOptionalTensor(),
          args[3].toTensor(), args[4].toTensor(), args[6].toDouble(),
          args[7].toTensor(), args[8].toTensor(), args[9].toTensor());
    });
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 11);
      if (args[5].toBool()) {
        throw KernelChecks.invalid(NAME, "only inference (training=false) is supported, as in ExecuTorch's portable kernels");
      }
      return bindRunning(
          NAME, args[0].toTensor(), args[1].toOptionalTensor(), args[2].toOptionalTensor(),
          args[3].toTensor(), args[4].toTensor(), args[7].toDouble(),
          args[8].toTensor(), args[9].toTensor(), args[10].toTensor());
    });
    r.register(NO_STATS_NAME, NativeBatchNormOp::bindNoStats);
  }

  private static void checkDtypes(String op, TensorImpl in, TensorImpl... others) {
    Reduction.requireFloating(op, "input", in.dtype());
    for (TensorImpl o : others) {
      if (o != null && o.dtype() != in.dtype()) {
        throw KernelChecks.invalid(op, o.describe() + " must have the input's dtype " + in.dtype().displayName());
      }
    }
    if (in.dim() < 1 || !in.isContiguous()) {
      throw KernelChecks.invalid(op, "input " + in.describe() + " must have a channel dim and the contiguous dim order");
    }
  }

  private static void checkChannelVector(String op, TensorImpl in, TensorImpl... params) {
    int c = in.size(in.dim() >= 2 ? 1 : 0);
    for (TensorImpl p : params) {
      if (p != null && (p.dim() != 1 || p.size(0) != c)) {
        throw KernelChecks.invalid(op, p.describe() + " must be a vector of the " + c + " channels of " + in.describe());
      }
    }
  }

  /**
   * The batch norm folded into the convolution before it ({@link BatchNormFold}), which already
   * wrote {@code out}: only the statistics outputs remain, resized to {@code [0]} as the
   * unfolded kernel does.
   */
  private static KernelCall bindFolded(TensorImpl out, TensorImpl meanOut, TensorImpl invstdOut) {
    checkDtypes(NO_TRAINING_NAME, out, meanOut, invstdOut);
    int[] emptyStatistics = {0};
    return ctx -> {
      Reduction.resize(NO_TRAINING_NAME, meanOut, emptyStatistics);
      Reduction.resize(NO_TRAINING_NAME, invstdOut, emptyStatistics);
    };
  }

  private static KernelCall bindRunning(
      String op,
      TensorImpl in,
      TensorImpl weight,
      TensorImpl bias,
      TensorImpl runningMean,
      TensorImpl runningVar,
      double eps,
      TensorImpl out,
      TensorImpl meanOut,
      TensorImpl invstdOut) {
    checkDtypes(op, in, weight, bias, runningMean, runningVar, out, meanOut, invstdOut);
    ScalarType t = in.dtype();
    // Made once here, so that a call allocates nothing (resize copies the sizes it is given).
    int[] outSizes = new int[in.dim()];
    int[] emptyStatistics = {0};
    TensorImpl[] channelVectors = {weight, bias, runningMean, runningVar};
    return ctx -> {
      for (int d = 0; d < outSizes.length; d++) {
        outSizes[d] = in.size(d);
      }
      Reduction.resize(op, out, outSizes);
      Reduction.resize(op, meanOut, emptyStatistics);
      Reduction.resize(op, invstdOut, emptyStatistics);
      checkChannelVector(op, in, channelVectors);
      int cDim = in.dim() >= 2 ? 1 : 0;
      long c = in.size(cDim);
      long outer = 1;
      for (int d = 0; d < cDim; d++) {
        outer *= in.size(d);
      }
      long inner = 1;
      for (int d = cDim + 1; d < in.dim(); d++) {
        inner *= in.size(d);
      }
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      long idx = 0;
      for (long i = 0; i < outer; i++) {
        for (long ch = 0; ch < c; ch++) {
          double mean = Elements.readDouble(t, runningMean.data(), ch);
          double var = Elements.readDouble(t, runningVar.data(), ch);
          double invstd = Reduction.roundTo(t, 1.0 / Math.sqrt(var + eps));
          double w = weight == null ? 1 : Elements.readDouble(t, weight.data(), ch);
          double b = bias == null ? 0 : Elements.readDouble(t, bias.data(), ch);
          for (long j = 0; j < inner; j++, idx++) {
            Elements.writeDouble(t, y, idx, normalize(t, Elements.readDouble(t, x, idx), mean, invstd, w, b));
          }
        }
      }
    };
  }

  /** {@code (x - mean) * invstd * w + b} in the dtype's arithmetic. */
  private static double normalize(ScalarType t, double x, double mean, double invstd, double w, double b) {
    double r = Reduction.roundTo(t, x - mean);
    r = Reduction.roundTo(t, r * invstd);
    r = Reduction.roundTo(t, r * w);
    return Reduction.roundTo(t, r + b);
  }

  private static KernelCall bindNoStats(Value[] args) {
    String op = NO_STATS_NAME;
    KernelChecks.argSlots(op, args, 9);
    TensorImpl in = args[0].toTensor();
    TensorImpl weight = args[1].toOptionalTensor();
    TensorImpl bias = args[2].toOptionalTensor();
    double eps = args[5].toDouble();
    TensorImpl out = args[6].toTensor();
    TensorImpl meanOut = args[7].toTensor();
    TensorImpl invstdOut = args[8].toTensor();
    checkDtypes(op, in, weight, bias, out, meanOut, invstdOut);
    if (in.dim() < 2) {
      throw KernelChecks.invalid(op, "input " + in.describe() + " must have at least 2 dims");
    }
    ScalarType t = in.dtype();
    boolean dbl = t == ScalarType.DOUBLE;
    double[][] stats = new double[3][0];
    return ctx -> {
      checkChannelVector(op, in, weight, bias);
      long n = in.size(0);
      int c = in.size(1);
      long inner = 1;
      for (int d = 2; d < in.dim(); d++) {
        inner *= in.size(d);
      }
      Reduction.resize(op, out, in.sizes());
      Reduction.resize(op, meanOut, new int[] {c});
      Reduction.resize(op, invstdOut, new int[] {c});
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      if (stats[0].length != c) {
        stats[0] = new double[c];
        stats[1] = new double[c];
        stats[2] = new double[c];
      }
      double[] means = stats[0];
      double[] sqs = stats[1];
      java.util.Arrays.fill(means, 0);
      java.util.Arrays.fill(sqs, 0);
      for (long bi = 0; bi < n; bi++) {
        for (int ch = 0; ch < c; ch++) {
          long base = (bi * c + ch) * inner;
          float sum = 0f;
          float sq = 0f;
          for (long j = 0; j < inner; j++) {
            double v = Elements.readDouble(t, x, base + j);
            sum = (float) (sum + v);
            sq = (float) (sq + (dbl ? (double) (float) v * v : (double) (float) ((float) v * (float) v)));
          }
          means[ch] = Reduction.roundTo(t, means[ch] + Reduction.roundTo(t, sum));
          sqs[ch] = Reduction.roundTo(t, sqs[ch] + Reduction.roundTo(t, sq));
        }
      }
      double count = Reduction.roundTo(t, (double) (n * inner));
      double[] invstds = stats[2];
      for (int ch = 0; ch < c; ch++) {
        double mean = Reduction.roundTo(t, means[ch] / count);
        double var =
            Reduction.roundTo(t, Reduction.roundTo(t, sqs[ch] / count) - Reduction.roundTo(t, mean * mean));
        means[ch] = mean;
        invstds[ch] = Reduction.roundTo(t, 1.0 / Math.sqrt(var + eps));
        Elements.writeDouble(t, meanOut.data(), ch, mean);
        Elements.writeDouble(t, invstdOut.data(), ch, invstds[ch]);
      }
      long idx = 0;
      for (long bi = 0; bi < n; bi++) {
        for (int ch = 0; ch < c; ch++) {
          double w = weight == null ? 1 : Elements.readDouble(t, weight.data(), ch);
          double b = bias == null ? 0 : Elements.readDouble(t, bias.data(), ch);
          for (long j = 0; j < inner; j++, idx++) {
            Elements.writeDouble(t, y, idx, normalize(t, Elements.readDouble(t, x, idx), means[ch], invstds[ch], w, b));
          }
        }
      }
    };
  }
}
