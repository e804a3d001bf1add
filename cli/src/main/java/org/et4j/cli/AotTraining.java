package org.et4j.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The training run of the launcher's JDK AOT cache (JEP 483/514/515): the {@code et4j} script
 * runs this class once per build under {@code -XX:AOTCacheOutput=...}, and later starts the CLI
 * with {@code -XX:AOTCache=...}. The JVM then finds the classes this run loaded already parsed
 * and linked, and the JIT starts from the method profiles this run collected instead of from
 * nothing.
 *
 * <p>Each argument is one program: {@code bench} runs it on seeded random inputs long enough for
 * the hot kernels to be profiled. The programs are the repository's small fixtures (a CNN and an
 * MLP, portable and XNNPACK), so the training takes seconds; the kernels they exercise (GEMM,
 * convolution, depthwise, pooling, pointwise) are the ones large models spend their time in.
 */
public final class AotTraining {
  private AotTraining() {}

  /**
   * Runs {@code et4j bench} (300 iterations, output discarded) on each program in turn; a
   * failing one is reported on standard error and the JVM exits with status 1.
   *
   * @param args paths of the programs to train on
   */
  public static void main(String[] args) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    int failures = 0;
    for (String file : args) {
      String[] bench = {"bench", file, "--iterations", "300", "--warmup", "0"};
      int status = Main.run(bench, quiet, System.err);
      if (status != 0) {
        System.err.println("et4j AOT training: " + String.join(" ", Arrays.asList(bench)) + " exited with " + status);
        failures++;
      }
    }
    System.exit(failures == 0 ? 0 : 1);
  }
}
