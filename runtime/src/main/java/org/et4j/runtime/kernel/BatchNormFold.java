package org.et4j.runtime.kernel;

/**
 * An offer, recorded at load on a convolution's output tensor, to fold the batch norm that is
 * that tensor's only reader into the convolution: {@code
 * aten::_native_batch_norm_legit_no_training.out} whose weight, bias, running mean and running
 * variance are program constants (or absent weight and bias). The loader makes the offer only
 * when nothing else reads the convolution's output (no other instruction, delegate, move, jump or
 * method output) and the batch norm is the very next instruction, so no planned tensor is live
 * between the two that could share memory with {@link #out()}.
 *
 * <p>The convolution's kernel may {@link #accept} it at bind: it then writes the normalized
 * result straight into {@link #out()} on every call (with the statistics folded into its packed
 * weight and bias) and never writes its own output tensor; the batch norm's kernel, which binds
 * after it, sees {@link #accepted()} and leaves {@code out0} alone. Not thread-safe: load is.
 */
public final class BatchNormFold {
  private final TensorImpl weight;
  private final TensorImpl bias;
  private final TensorImpl runningMean;
  private final TensorImpl runningVar;
  private final double eps;
  private final TensorImpl out;
  private boolean accepted;

  /**
   * Records a batch norm that may be folded.
   *
   * @param weight the per-channel scale (gamma), a program constant, or null for 1
   * @param bias the per-channel shift (beta), a program constant, or null for 0
   * @param runningMean the per-channel mean, a program constant
   * @param runningVar the per-channel variance, a program constant
   * @param eps the batch norm's epsilon
   * @param out the batch norm's {@code out0}, which the folded convolution writes
   * @throws IllegalArgumentException if a statistic is not a program constant
   */
  public BatchNormFold(
      TensorImpl weight, TensorImpl bias, TensorImpl runningMean, TensorImpl runningVar, double eps,
      TensorImpl out) {
    for (TensorImpl p : new TensorImpl[] {weight, bias, runningMean, runningVar}) {
      if (p != null && !p.isProgramConstant()) {
        throw new IllegalArgumentException(p.describe() + " is not a program constant");
      }
    }
    if (runningMean == null || runningVar == null || out == null) {
      throw new IllegalArgumentException("a batch norm fold needs the running statistics and out0");
    }
    this.weight = weight;
    this.bias = bias;
    this.runningMean = runningMean;
    this.runningVar = runningVar;
    this.eps = eps;
    this.out = out;
  }

  /**
   * The per-channel scale (gamma), or null for 1.
   *
   * @return the constant or null
   */
  public TensorImpl weight() {
    return weight;
  }

  /**
   * The per-channel shift (beta), or null for 0.
   *
   * @return the constant or null
   */
  public TensorImpl bias() {
    return bias;
  }

  /**
   * The running mean.
   *
   * @return the constant
   */
  public TensorImpl runningMean() {
    return runningMean;
  }

  /**
   * The running variance.
   *
   * @return the constant
   */
  public TensorImpl runningVar() {
    return runningVar;
  }

  /**
   * The batch norm's epsilon.
   *
   * @return eps
   */
  public double eps() {
    return eps;
  }

  /**
   * The batch norm's {@code out0}, which a folded convolution writes.
   *
   * @return the tensor
   */
  public TensorImpl out() {
    return out;
  }

  /**
   * Called by the convolution's kernel at bind when it folds the batch norm: from now on it
   * writes {@link #out()} on every call and the batch norm must not.
   */
  public void accept() {
    accepted = true;
  }

  /**
   * True once the convolution took the fold; the batch norm then only produces its (empty)
   * statistics outputs.
   *
   * @return whether the fold was accepted
   */
  public boolean accepted() {
    return accepted;
  }
}
