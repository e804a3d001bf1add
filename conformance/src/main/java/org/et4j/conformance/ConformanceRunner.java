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
  /**
   * One test case's verdict: {@code failure} is null when every output passed; the errors are the
   * worst over the outputs compared by tolerance (outputs compared in quantization steps add none).
   */
  public record Result(String failure, double maxAbs, double maxRel) {
    /** Whether every output passed. */
    public boolean passed() {
      return failure == null;
    }
  }

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
        double[] eager = fc.eagerErrorPerScale() == null ? null : fc.eagerErrorPerScale().get(name);
        ProgramGraph graph = ProgramGraph.read(fc.bpte(), name);
        Tolerance[] tolerances = outputTolerances(graph, eager, bundle.program(), name);
        double[] steps = quantizationSteps(graph, bundle.program(), name);
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
            Result r = runOne(m, tc, tolerances, steps);
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

  /**
   * Each output's tolerance, from the instructions that feed it in the program
   * ({@link ProgramGraph}): an {@code addmm} in the method loosens only the outputs it reaches.
   *
   * @param graph the method's instructions, read once ({@link ProgramGraph#read}) for this and
   *     {@link #quantizationSteps}
   * @param eager per output, the quantized family's measured eager-vs-ExecuTorch error per unit of
   *     scale from the fixture manifest; null when none was measured (a user's file)
   */
  public static Tolerance[] outputTolerances(
      ProgramGraph graph, double[] eager, org.et4j.runtime.Program program, String method) {
    MethodMeta meta = program.methodMeta(method);
    List<org.et4j.runtime.delegate.DelegateContents> delegates = program.delegateContents(method);
    Tolerance[] out = new Tolerance[meta.outputs().size()];
    for (int i = 0; i < out.length; i++) {
      double quantized = eager != null && i < eager.length ? eager[i] : 0;
      out[i] = Tolerance.forOutput(
          graph.feeding(i), graph,
          d -> delegateOperators(delegates, d),
          d -> delegateReduction(delegates, d, graph),
          Math.max(Tolerance.Family.QUANTIZED.atol, quantized));
    }
    return out;
  }

  private static List<String> delegateOperators(List<org.et4j.runtime.delegate.DelegateContents> delegates, int d) {
    var contents = d < delegates.size() ? delegates.get(d) : null;
    if (contents == null) {
      // A delegate et4j cannot describe: the matrix family, over the floor length, stands for it.
      return List.of("aten::mm.out");
    }
    return contents.nodes().stream().map(n -> n.equivalentOperator()).filter(op -> !op.isEmpty()).toList();
  }

  /**
   * A bound on the reduction length of a delegate's matrix nodes, whose shapes are not read here:
   * {@value #DELEGATE_REDUCTION_FLOOR} or the largest dim of the method's tensors, whichever is
   * larger, for each matrix node of the delegate.
   */
  private static long delegateReduction(
      List<org.et4j.runtime.delegate.DelegateContents> delegates, int d, ProgramGraph graph) {
    var contents = d < delegates.size() ? delegates.get(d) : null;
    long nodes = contents == null ? 1 : contents.nodes().stream()
        .filter(n -> !n.equivalentOperator().isEmpty()
            && Tolerance.familyOf(n.equivalentOperator()) == Tolerance.Family.MATMUL)
        .mapToLong(n -> n.count()).sum();
    return Math.max(1, nodes) * Math.max(DELEGATE_REDUCTION_FLOOR, graph.largestDim());
  }

  static final long DELEGATE_REDUCTION_FLOOR = 256;

  /** Per output, its quantization step (0 when it is not a dequantized value). */
  public static double[] quantizationSteps(ProgramGraph graph, org.et4j.runtime.Program program, String method) {
    double[] steps = new double[program.methodMeta(method).outputs().size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = graph.quantizationStep(i);
    }
    return steps;
  }

  /**
   * A dequantized output may differ from ExecuTorch's by at most this many quantization steps:
   * a rounding flip early in a deep quantized net can move a later output by a few steps when
   * summation orders differ. Measured on the committed fixtures: see TOLERANCES.md.
   */
  static final int QUANTIZED_ALLOWANCE_STEPS = 2;

  /** At most this fraction of a dequantized output's elements may be more than one step off. */
  static final double QUANTIZED_BEYOND_ONE_STEP_FRACTION = 0.01;

  /**
   * A dequantized output compared in its quantization steps: within {@link
   * #QUANTIZED_ALLOWANCE_STEPS} everywhere, and within one step on all but {@link
   * #QUANTIZED_BEYOND_ONE_STEP_FRACTION} of the elements. Null when it passes.
   */
  static String compareInSteps(Tensor actual, Tensor expected, double step) {
    long n = expected.numel();
    long beyondOne = 0;
    double worst = 0;
    long worstAt = -1;
    for (long k = 0; k < n; k++) {
      double x = actual.elementAsDouble(k);
      double y = expected.elementAsDouble(k);
      if (x == y || Double.isNaN(x) && Double.isNaN(y)) {
        continue;
      }
      // A step, with the float rounding of the dequantized values themselves.
      double steps = Math.abs(x - y) / step;
      double slack = 1e-3;
      if (!(steps <= 1 + slack)) {
        beyondOne++;
      }
      if (!(steps <= worst)) {
        worst = steps;
        worstAt = k;
      }
    }
    STEP_STATS.record(worst, n == 0 ? 0 : (double) beyondOne / n);
    if (worst > QUANTIZED_ALLOWANCE_STEPS + 1e-3 || Double.isNaN(worst)) {
      return "element " + worstAt + ": got " + actual.elementAsDouble(worstAt) + ", expected "
          + expected.elementAsDouble(worstAt) + ": " + worst + " quantization steps of " + step + " (allowed "
          + QUANTIZED_ALLOWANCE_STEPS + ")";
    }
    if (beyondOne > QUANTIZED_BEYOND_ONE_STEP_FRACTION * n) {
      return beyondOne + " of " + n + " elements are more than one quantization step (" + step + ") off (allowed "
          + QUANTIZED_BEYOND_ONE_STEP_FRACTION * 100 + "%)";
    }
    return null;
  }

  /** The largest step count and beyond-one-step fraction seen, for measuring the allowance. */
  public static final class StepStats {
    private double maxSteps;
    private double maxFraction;

    synchronized void record(double steps, double fraction) {
      maxSteps = Math.max(maxSteps, steps);
      maxFraction = Math.max(maxFraction, fraction);
    }

    public synchronized String summary() {
      return "largest difference " + maxSteps + " quantization steps, largest fraction beyond one step "
          + maxFraction;
    }
  }

  public static final StepStats STEP_STATS = new StepStats();

  /**
   * Runs one bundled test case and judges each output: dequantized outputs in their quantization
   * steps, the others with their own tolerance ({@link #outputTolerances}).
   */
  public static Result runOne(Method m, BundledProgram.TestCase tc, Tolerance[] tolerances, double[] steps) {
    try {
      m.setInputs(tc.inputs().toArray(EValue[]::new));
      m.execute();
    } catch (ExecuTorchException | IllegalArgumentException e) {
      return new Result(e.getMessage(), 0, 0);
    }
    if (m.outputCount() != tc.expectedOutputs().size()) {
      return new Result(
          "method has " + m.outputCount() + " outputs, the test case expects " + tc.expectedOutputs().size(), 0, 0);
    }
    String failure = null;
    double maxAbs = 0;
    double maxRel = 0;
    for (int i = 0; i < m.outputCount(); i++) {
      EValue expected = tc.expectedOutputs().get(i);
      if (steps[i] > 0 && expected instanceof EValue.TensorValue(Tensor e)
          && m.output(i) instanceof EValue.TensorValue(Tensor a) && a.dtype() == e.dtype()
          && java.util.Arrays.equals(a.shape(), e.shape())) {
        // What the quantized program computes, counted in the output's own quantization steps.
        String stepFailure = compareInSteps(a, e, steps[i]);
        if (stepFailure != null && failure == null) {
          failure = "output " + i + ": " + stepFailure;
        }
        continue;
      }
      BundledProgram.OutputTolerance tol = outputTolerance(tolerances[i], ownScale(expected), expected);
      BundledProgram.OutputComparison c = BundledProgram.compare(i, m.output(i), expected, tol.rtol(), tol.atol());
      if (Double.isFinite(c.maxAbsError())) {
        maxAbs = Math.max(maxAbs, c.maxAbsError());
      }
      if (Double.isFinite(c.maxRelError())) {
        maxRel = Math.max(maxRel, c.maxRelError());
      }
      if (!c.passed() && failure == null) {
        failure = "output " + i + ": " + c.detail() + " (rtol " + tol.rtol() + ", atol " + tol.atol() + ")";
      }
    }
    return new Result(failure, maxAbs, maxRel);
  }

  /** An output's own scale: its largest finite magnitude in this test case (0 for non-floats). */
  static double ownScale(EValue expected) {
    if (!(expected instanceof EValue.TensorValue(Tensor t)) || !t.dtype().isFloatingPoint()) {
      return 0;
    }
    double max = 0;
    for (long k = 0; k < t.numel(); k++) {
      double v = Math.abs(t.elementAsDouble(k));
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
      }
    }
    return max;
  }

  /** The tolerance for one expected output: the method's, widened for a reduced-precision dtype. */
  public static BundledProgram.OutputTolerance outputTolerance(Tolerance base, double scale, EValue expected) {
    Tolerance tol = expected instanceof EValue.TensorValue(Tensor t) ? base.forDtype(t.dtype()) : base;
    return new BundledProgram.OutputTolerance(tol.rtol(), tol.atol(scale));
  }
}
