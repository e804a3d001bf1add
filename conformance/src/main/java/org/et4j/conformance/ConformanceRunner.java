package org.et4j.conformance;

import java.util.List;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.OperatorUse;
import org.et4j.runtime.Tensor;

/**
 * Runs one conformance case through et4j: every bundled test case of every method, in order on
 * one loaded method (so state in mutable buffers flows as in ExecuTorch), compared with the
 * outputs the ExecuTorch Python runtime produced.
 */
public final class ConformanceRunner {
  private ConformanceRunner() {}

  /** One test case's result: the failure (null when it matched) and the errors seen. */
  private record Result(String failure, double maxAbs, double maxRel) {}

  /**
   * The operators whose tolerance families apply to a method: its kernel calls, and for each
   * delegate the portable operator equivalent of each node inside (as the backend describes it).
   */
  public static List<String> operatorsOf(org.et4j.runtime.Program program, String method) {
    List<String> ops = new java.util.ArrayList<>(
        program.methodMeta(method).operators().stream().map(OperatorUse::name).toList());
    for (var contents : program.delegateContents(method)) {
      if (contents != null) {
        for (var node : contents.nodes()) {
          if (!node.equivalentOperator().isEmpty()) {
            ops.add(node.equivalentOperator());
          }
        }
      }
    }
    return ops;
  }

  public static CaseOutcome run(FixtureCase fc) {
    long t0 = System.nanoTime();
    int cases = 0;
    int failed = 0;
    double maxAbs = 0;
    double maxRel = 0;
    String detail = "";
    try (BundledProgram bundle =
        fc.ptd() == null ? BundledProgram.load(fc.bpte()) : BundledProgram.load(fc.bpte(), fc.ptd())) {
      for (String name : bundle.testedMethods()) {
        MethodMeta meta = bundle.program().methodMeta(name);
        double scale = fc.referenceMaxAbs().getOrDefault(name, 1.0);
        Tolerance base = Tolerance.forOperators(
            operatorsOf(bundle.program(), name),
            fc.eagerVsExecuTorchAbs().getOrDefault(name, 0.0),
            scale);
        List<BundledProgram.TestCase> tcs = bundle.testCases(name);
        Method m;
        try {
          m = bundle.program().loadMethod(name);
        } catch (ExecuTorchException e) {
          cases += tcs.size();
          failed += tcs.size();
          detail = detail.isEmpty() ? "method " + name + ": " + e.getMessage() : detail;
          continue;
        }
        try (m) {
          for (BundledProgram.TestCase tc : tcs) {
            cases++;
            Result r = runOne(m, tc, base, scale);
            maxAbs = Math.max(maxAbs, r.maxAbs());
            maxRel = Math.max(maxRel, r.maxRel());
            if (r.failure() != null) {
              failed++;
              detail = detail.isEmpty() ? "method " + name + " case " + tc.index() + ": " + r.failure() : detail;
            }
          }
        }
      }
    } catch (ExecuTorchException e) {
      failed = Math.max(failed, 1);
      detail = e.getMessage();
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    if (cases == 0 && detail.isEmpty()) {
      detail = "no test cases ran";
    }
    return new CaseOutcome(fc.id(), failed == 0 && cases > 0, cases, failed, maxAbs, maxRel, millis, detail);
  }

  private static Result runOne(Method m, BundledProgram.TestCase tc, Tolerance base, double scale) {
    BundledProgram.CaseResult r = BundledProgram.runCase(m, tc, expected -> outputTolerance(base, scale, expected));
    if (r.error() != null) {
      return new Result(r.error(), 0, 0);
    }
    String failure = null;
    double maxAbs = 0;
    double maxRel = 0;
    for (BundledProgram.OutputComparison c : r.outputs()) {
      if (Double.isFinite(c.maxAbsError())) {
        maxAbs = Math.max(maxAbs, c.maxAbsError());
      }
      if (Double.isFinite(c.maxRelError())) {
        maxRel = Math.max(maxRel, c.maxRelError());
      }
      if (!c.passed() && failure == null) {
        BundledProgram.OutputTolerance tol = outputTolerance(base, scale, tc.expectedOutputs().get(c.output()));
        failure = "output " + c.output() + ": " + c.detail() + " (rtol " + tol.rtol() + ", atol " + tol.atol() + ")";
      }
    }
    return new Result(failure, maxAbs, maxRel);
  }

  /** The tolerance for one expected output: the method's, widened for a reduced-precision dtype. */
  public static BundledProgram.OutputTolerance outputTolerance(Tolerance base, double scale, EValue expected) {
    Tolerance tol = expected instanceof EValue.TensorValue(Tensor t) ? base.forDtype(t.dtype()) : base;
    return new BundledProgram.OutputTolerance(tol.rtol(), tol.atol(scale));
  }
}
