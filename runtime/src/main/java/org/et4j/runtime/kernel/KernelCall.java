package org.et4j.runtime.kernel;

/** One prepared call site of a kernel: what the interpreter runs per execution. */
@FunctionalInterface
public interface KernelCall {
  /**
   * Computes. Resizes dynamic outputs before writing them; allocates nothing in steady state
   * (use {@link KernelContext#scratch} for temporaries).
   *
   * @param context the interpreter's services for this call; valid only until it returns
   */
  void execute(KernelContext context);
}
