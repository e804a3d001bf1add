package org.et4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.conformance.ConformanceRunner;
import org.et4j.conformance.ProgramGraph;
import org.et4j.conformance.Tolerance;
import org.et4j.runtime.Method;

/**
 * {@code et4j verify}: runs the test cases of a BundledProgram in order on one method and compares
 * the outputs with the ones bundled. Integers must match exactly. Floats are compared with the
 * conformance suite's tolerance, output by output, for the operators that feed each output
 * (conformance/TOLERANCES.md), and outputs written by a dequantize in their quantization steps,
 * because et4j is another implementation whose summation order may differ from the one that
 * produced the expected outputs; {@code --rtol} and {@code --atol} set fixed tolerances instead
 * ({@code --rtol 1e-5 --atol 1e-8} are ExecuTorch's own bundled-program defaults).
 */
final class VerifyCommand {
  static final Set<String> FLAGS = Set.of();
  static final Set<String> VALUED = Set.of("--ptd", "--rtol", "--atol");

  private final Options options;
  private final PrintStream out;

  VerifyCommand(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  int run() {
    Path file = options.file("bundled program");
    boolean fixed = !options.all("--rtol").isEmpty() || !options.all("--atol").isEmpty();
    double rtol = options.doubleValue("--rtol", 1e-5);
    double atol = options.doubleValue("--atol", 1e-8);
    boolean allPassed = true;
    try (BundledProgram bundle = BundledProgram.load(file, options.ptds())) {
      if (bundle.testedMethods().isEmpty()) {
        out.println("no test cases in " + file);
        return 1;
      }
      for (String name : bundle.testedMethods()) {
        int total = bundle.testCases(name).size();
        List<ConformanceRunner.Result> results = new ArrayList<>();
        try (Method m = bundle.program().loadMethod(name)) {
          // Each output judged on its own: its tolerance from the operators that feed it, a
          // dequantized output in its quantization steps (conformance/TOLERANCES.md).
          ProgramGraph graph = fixed ? null : ProgramGraph.read(file, name);
          Tolerance[] tolerances = fixed ? null : ConformanceRunner.outputTolerances(graph, null, bundle.program(), name);
          double[] steps = fixed ? null : ConformanceRunner.quantizationSteps(graph, bundle.program(), name);
          for (BundledProgram.TestCase tc : bundle.testCases(name)) {
            results.add(fixed ? fixedTolerance(m, tc, rtol, atol) : ConformanceRunner.runOne(m, tc, tolerances, steps));
          }
        } catch (ExecuTorchException e) {
          out.printf("method %s: 0 passed, %d failed (cannot load: %s)%n", name, total, e.getMessage());
          allPassed = false;
          continue;
        }
        long passed = results.stream().filter(ConformanceRunner.Result::passed).count();
        double worstAbs = results.stream().mapToDouble(ConformanceRunner.Result::maxAbs).max().orElse(0);
        double worstRel = results.stream().mapToDouble(ConformanceRunner.Result::maxRel).max().orElse(0);
        out.printf("method %s: %d passed, %d failed; worst abs error %.3g, worst rel error %.3g%n",
            name, passed, results.size() - passed, worstAbs, worstRel);
        for (int i = 0; i < results.size(); i++) {
          if (!results.get(i).passed()) {
            allPassed = false;
            out.printf("  case %d failed: %s%n", bundle.testCases(name).get(i).index(), results.get(i).failure());
          }
        }
      }
    }
    return allPassed ? 0 : 1;
  }

  /** One case with the fixed {@code --rtol}/{@code --atol} on every output. */
  private static ConformanceRunner.Result fixedTolerance(
      Method m, BundledProgram.TestCase tc, double rtol, double atol) {
    BundledProgram.CaseResult r = BundledProgram.runCase(m, tc, rtol, atol);
    String failure = r.passed() ? null : r.error() != null ? r.error()
        : r.outputs().stream().filter(o -> !o.passed()).map(o -> "output " + o.output() + ": " + o.detail())
            .findFirst().orElse("failed");
    return new ConformanceRunner.Result(failure, r.maxAbsError(), r.maxRelError());
  }
}
