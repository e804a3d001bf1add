package org.et4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.conformance.ConformanceRunner;
import org.et4j.conformance.Tolerance;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.OperatorUse;
import org.et4j.runtime.Tensor;

/**
 * {@code et4j verify}: runs the test cases of a BundledProgram in order on one method and compares
 * the outputs with the ones bundled. Integers must match exactly. Floats are compared with the
 * conformance suite's tolerance for the operators the method calls (conformance/TOLERANCES.md),
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
        List<BundledProgram.CaseResult> results;
        try (Method m = bundle.program().loadMethod(name)) {
          List<String> ops = org.et4j.conformance.ConformanceRunner.operatorsOf(bundle.program(), name);
          results = new ArrayList<>();
          for (BundledProgram.TestCase tc : bundle.testCases(name)) {
            if (fixed) {
              results.add(BundledProgram.runCase(m, tc, rtol, atol));
            } else {
              Tolerance base = Tolerance.forOperators(ops, 0, 1);
              double scale = scaleOf(tc);
              results.add(BundledProgram.runCase(
                  m, tc, expected -> ConformanceRunner.outputTolerance(base, scale, expected)));
            }
          }
        } catch (ExecuTorchException e) {
          out.printf("method %s: 0 passed, %d failed (cannot load: %s)%n", name, total, e.getMessage());
          allPassed = false;
          continue;
        }
        long passed = results.stream().filter(BundledProgram.CaseResult::passed).count();
        double worstAbs = results.stream().mapToDouble(BundledProgram.CaseResult::maxAbsError).max().orElse(0);
        double worstRel = results.stream().mapToDouble(BundledProgram.CaseResult::maxRelError).max().orElse(0);
        out.printf("method %s: %d passed, %d failed; worst abs error %.3g, worst rel error %.3g%n",
            name, passed, results.size() - passed, worstAbs, worstRel);
        for (BundledProgram.CaseResult r : results) {
          if (!r.passed()) {
            allPassed = false;
            String why = r.error() != null ? r.error()
                : r.outputs().stream().filter(o -> !o.passed()).map(o -> "output " + o.output() + ": " + o.detail()).findFirst().orElse("");
            out.printf("  case %d failed: %s%n", r.index(), why);
          }
        }
      }
    }
    return allPassed ? 0 : 1;
  }

  /** The largest magnitude among the expected floating outputs: the scale of the absolute tolerance. */
  private static double scaleOf(BundledProgram.TestCase tc) {
    double scale = 0;
    for (EValue e : tc.expectedOutputs()) {
      if (e instanceof EValue.TensorValue(Tensor t) && t.dtype().isFloatingPoint()) {
        for (double x : t.toDoubles()) {
          if (Double.isFinite(x)) {
            scale = Math.max(scale, Math.abs(x));
          }
        }
      }
    }
    return scale;
  }
}
