package org.et4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.et4j.runtime.internal.format.BundledProgramFile;
import org.et4j.schema.bundled.BBool;
import org.et4j.schema.bundled.BDouble;
import org.et4j.schema.bundled.BInt;
import org.et4j.schema.bundled.BTensor;
import org.et4j.schema.bundled.BValue;
import org.et4j.schema.bundled.BundledMethodTestCase;
import org.et4j.schema.bundled.BundledMethodTestSuite;
import org.et4j.schema.bundled.ValueUnion;

/**
 * A BundledProgram (.bpte): an ExecuTorch program together with test inputs and the outputs the
 * exporter's runtime produced for them, per method (ExecuTorch's devtools {@code bundled_program}).
 * Used by {@code et4j verify} and the conformance suite.
 *
 * <p>Immutable; the test values are decoded once, at load, into owned tensors.
 */
public final class BundledProgram implements AutoCloseable {
  /**
   * One test case: inputs and the expected outputs.
   *
   * @param index the case's position in its method's suite, from 0
   * @param inputs the method's inputs, in order (owned tensors)
   * @param expectedOutputs the outputs the exporter's runtime produced, in order
   */
  public record TestCase(int index, List<EValue> inputs, List<EValue> expectedOutputs) {
    /**
     * Copies the lists.
     */
    public TestCase {
      inputs = List.copyOf(inputs);
      expectedOutputs = List.copyOf(expectedOutputs);
    }
  }

  /**
   * How one output compared.
   *
   * @param output the output's index
   * @param passed whether it is within tolerance
   * @param maxAbsError the largest {@code |a - e|} over its elements (NaN when it could not be compared)
   * @param maxRelError the largest {@code |a - e| / |e|} over its elements
   * @param detail why it failed, naming the worst element; empty when it passed
   */
  public record OutputComparison(int output, boolean passed, double maxAbsError, double maxRelError, String detail) {}

  /**
   * How one test case went.
   *
   * @param method the method's name
   * @param index the test case's index
   * @param passed whether the case ran and every output passed
   * @param outputs one comparison per output; empty when the case failed to run
   * @param error why the outputs could not be compared (the case failed to run, or produced the
   *     wrong number of outputs), else null
   */
  public record CaseResult(String method, int index, boolean passed, List<OutputComparison> outputs, String error) {
    /**
     * Copies {@code outputs}.
     */
    public CaseResult {
      outputs = List.copyOf(outputs);
    }

    /**
     * The largest absolute error over the outputs (0 when there are none).
     *
     * @return the maximum of {@link OutputComparison#maxAbsError()}
     */
    public double maxAbsError() {
      return outputs.stream().mapToDouble(OutputComparison::maxAbsError).max().orElse(0);
    }

    /**
     * The largest relative error over the outputs.
     *
     * @return the maximum of {@link OutputComparison#maxRelError()}
     */
    public double maxRelError() {
      return outputs.stream().mapToDouble(OutputComparison::maxRelError).max().orElse(0);
    }
  }

  private final Program program;
  private final Map<String, List<TestCase>> suites;
  private boolean closed;

  private BundledProgram(Arena arena, MemorySegment bpte, List<MemorySegment> ptds) {
    BundledProgramFile file = BundledProgramFile.parse(bpte);
    // With a mapping, the program owns it: it lives as long as the program's methods do.
    this.program = arena == null
        ? Program.load(bpte, ptds.toArray(MemorySegment[]::new))
        : Program.loadOwning(arena, bpte, ptds.toArray(MemorySegment[]::new));
    Map<String, List<TestCase>> map = new LinkedHashMap<>();
    var root = file.root();
    BundledMethodTestSuite suite = new BundledMethodTestSuite();
    BundledMethodTestCase tc = new BundledMethodTestCase();
    for (int s = 0; s < root.methodTestSuitesLength(); s++) {
      root.methodTestSuites(suite, s);
      String name = suite.methodName();
      if (name == null) {
        throw ExecuTorchException.invalidProgram("bundled test suite " + s + " has no method name");
      }
      List<TestCase> cases = new ArrayList<>();
      for (int c = 0; c < suite.testCasesLength(); c++) {
        suite.testCases(tc, c);
        String where = "bundled test suite '" + name + "' case " + c;
        List<EValue> in = new ArrayList<>();
        for (int i = 0; i < tc.inputsLength(); i++) {
          in.add(decode(tc.inputs(i), where + " input " + i));
        }
        List<EValue> out = new ArrayList<>();
        for (int i = 0; i < tc.expectedOutputsLength(); i++) {
          out.add(decode(tc.expectedOutputs(i), where + " expected output " + i));
        }
        cases.add(new TestCase(c, in, out));
      }
      if (map.putIfAbsent(name, Collections.unmodifiableList(cases)) != null) {
        throw ExecuTorchException.invalidProgram("bundled program repeats the test suite of method '" + name + "'");
      }
    }
    this.suites = Collections.unmodifiableMap(map);
  }

  /**
   * Maps and loads a .bpte, with optional .ptd files for its program.
   *
   * @param bpte the {@code .bpte} file
   * @param ptd external data files for its program
   * @return the bundled program; close it to release the file
   * @throws ExecuTorchException InvalidProgram for a malformed file, AccessFailed when a file cannot be read
   */
  public static BundledProgram load(Path bpte, Path... ptd) {
    Objects.requireNonNull(bpte, "bpte");
    Arena arena = Arena.ofShared();
    try {
      List<MemorySegment> ext = new ArrayList<>();
      for (Path p : ptd) {
        ext.add(Program.map(p, arena));
      }
      return new BundledProgram(arena, Program.map(bpte, arena), ext);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Loads a .bpte held in memory.
   *
   * @param bpte the {@code .bpte}'s bytes, which must stay valid while it is used
   * @param ptd the external data files' bytes
   * @return the bundled program
   * @throws ExecuTorchException InvalidProgram for malformed bytes
   */
  public static BundledProgram load(MemorySegment bpte, MemorySegment... ptd) {
    return new BundledProgram(null, bpte, List.of(ptd));
  }

  private static EValue decode(BValue v, String where) {
    switch (v.valType()) {
      case ValueUnion.BTensor -> {
        BTensor t = (BTensor) v.val(new BTensor());
        ScalarType dtype = ScalarType.fromCode(t.scalarType(), where);
        long[] shape = new long[t.sizesLength()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.sizes(i);
          if (shape[i] < 0) {
            throw ExecuTorchException.invalidProgram(where + ": negative size " + shape[i]);
          }
          numel = Math.multiplyHigh(numel, shape[i]) != 0 ? Long.MAX_VALUE : numel * shape[i];
        }
        long nbytes = numel == Long.MAX_VALUE ? Long.MAX_VALUE : numel * dtype.elementSize();
        if (nbytes / dtype.elementSize() != numel || nbytes != t.dataLength()) {
          throw ExecuTorchException.invalidProgram(
              where + ": " + t.dataLength() + " data bytes for " + dtype.displayName() + java.util.Arrays.toString(shape));
        }
        // An empty tensor may have no data vector at all.
        MemorySegment data = nbytes == 0 ? MemorySegment.ofArray(new byte[0]) : MemorySegment.ofBuffer(t.dataAsByteBuffer());
        return EValue.from(Tensor.fromSegment(dtype, data, shape));
      }
      case ValueUnion.BInt -> {
        return EValue.from(((BInt) v.val(new BInt())).intVal());
      }
      case ValueUnion.BBool -> {
        return EValue.from(((BBool) v.val(new BBool())).boolVal());
      }
      case ValueUnion.BDouble -> {
        return EValue.from(((BDouble) v.val(new BDouble())).doubleVal());
      }
      default -> throw ExecuTorchException.invalidProgram(where + " has unknown value type " + v.valType());
    }
  }

  /**
   * The program inside.
   *
   * @return the program, owned by this bundled program (closed with it)
   */
  public Program program() {
    return program;
  }

  /**
   * Methods that have test suites, in file order.
   *
   * @return the method names, unmodifiable
   */
  public List<String> testedMethods() {
    return List.copyOf(suites.keySet());
  }

  /**
   * The test cases of {@code method} (empty if it has none).
   *
   * @param method a method name
   * @return its test cases in order, unmodifiable
   */
  public List<TestCase> testCases(String method) {
    return suites.getOrDefault(method, List.of());
  }

  /**
   * Runs every test case of {@code method} in order on one loaded method (so state carried in
   * mutable buffers flows from case to case, as ExecuTorch's bundled-program runner does), and
   * compares outputs: integers and bools exactly, floats within {@code |a - e| <= atol + rtol *
   * |e|} (NaN matches NaN).
   *
   * @param m a method loaded from {@link #program()}; its name selects the suite
   * @param rtol the relative tolerance
   * @param atol the absolute tolerance
   * @return one result per test case, in order
   */
  public List<CaseResult> verify(Method m, double rtol, double atol) {
    List<CaseResult> results = new ArrayList<>();
    for (TestCase tc : testCases(m.name())) {
      results.add(runCase(m, tc, rtol, atol));
    }
    return results;
  }

  /**
   * Relative and absolute tolerance for one floating output.
   *
   * @param rtol the relative tolerance
   * @param atol the absolute tolerance
   */
  public record OutputTolerance(double rtol, double atol) {}

  /**
   * Runs one case on {@code m} and compares its outputs with one tolerance for all of them.
   *
   * @param m the method to run
   * @param tc the test case
   * @param rtol the relative tolerance
   * @param atol the absolute tolerance
   * @return the result; an {@link ExecuTorchException} or {@link IllegalArgumentException} from
   *     running the case is reported in it, not thrown
   */
  public static CaseResult runCase(Method m, TestCase tc, double rtol, double atol) {
    OutputTolerance tol = new OutputTolerance(rtol, atol);
    return runCase(m, tc, expected -> tol);
  }

  /**
   * Runs one case on {@code m} and compares its outputs, each with the tolerance {@code
   * toleranceFor} gives for the expected value (so that, say, a float16 output can carry its own
   * rounding).
   *
   * @param m the method to run
   * @param tc the test case
   * @param toleranceFor the tolerance for each expected output
   * @return the result; an {@link ExecuTorchException} or {@link IllegalArgumentException} from
   *     running the case is reported in it, not thrown
   */
  public static CaseResult runCase(
      Method m, TestCase tc, java.util.function.Function<EValue, OutputTolerance> toleranceFor) {
    try {
      m.setInputs(tc.inputs().toArray(EValue[]::new));
      m.execute();
    } catch (ExecuTorchException | IllegalArgumentException e) {
      return new CaseResult(m.name(), tc.index(), false, List.of(), e.getMessage());
    }
    if (m.outputCount() != tc.expectedOutputs().size()) {
      return new CaseResult(
          m.name(), tc.index(), false, List.of(),
          "method has " + m.outputCount() + " outputs, the test case expects " + tc.expectedOutputs().size());
    }
    List<OutputComparison> cmp = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < m.outputCount(); i++) {
      EValue expected = tc.expectedOutputs().get(i);
      OutputTolerance tol = toleranceFor.apply(expected);
      OutputComparison c = compare(i, m.output(i), expected, tol.rtol(), tol.atol());
      ok &= c.passed();
      cmp.add(c);
    }
    return new CaseResult(m.name(), tc.index(), ok, cmp, null);
  }

  /**
   * Compares one actual output with the expected one. Integer and bool tensors must be equal
   * element by element, compared as integers (int64 and uint64 never pass through double). Floating
   * elements pass when {@code |a - e| <= atol + rtol * |e|}, an infinity only equals the same
   * infinity, and NaN matches NaN only at the same position. A failure names the worst element:
   * the one furthest outside its allowance (for integers, the largest difference).
   *
   * @param index the output's index, for the result
   * @param actual what the method produced
   * @param expected what the test case expects
   * @param rtol the relative tolerance
   * @param atol the absolute tolerance
   * @return the comparison
   */
  public static OutputComparison compare(int index, EValue actual, EValue expected, double rtol, double atol) {
    if (expected instanceof EValue.TensorValue(Tensor e)) {
      if (!(actual instanceof EValue.TensorValue(Tensor a))) {
        return new OutputComparison(index, false, Double.NaN, Double.NaN, "expected a tensor, got " + actual);
      }
      if (a.dtype() != e.dtype() || !java.util.Arrays.equals(a.shape(), e.shape())) {
        return new OutputComparison(
            index, false, Double.NaN, Double.NaN, "expected " + e.describe() + ", got " + a.describe());
      }
      return e.dtype().isFloatingPoint() ? compareFloats(index, a, e, rtol, atol) : compareIntegers(index, a, e);
    }
    boolean ok =
        switch (expected) {
          case EValue.Double(double y) ->
              actual instanceof EValue.Double(double x) && floatsMatch(x, y, rtol, atol);
          default -> expected.equals(actual);
        };
    return new OutputComparison(index, ok, 0, 0, ok ? "" : "expected " + expected + ", got " + actual);
  }

  /** One floating value against the expected one, with the rules of {@link #compare}. */
  private static boolean floatsMatch(double x, double y, double rtol, double atol) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.isNaN(x) && Double.isNaN(y);
    }
    if (x == y) {
      return true;
    }
    if (Double.isInfinite(x) || Double.isInfinite(y)) {
      return false;
    }
    return Math.abs(x - y) <= atol + rtol * Math.abs(y);
  }

  private static OutputComparison compareFloats(int index, Tensor a, Tensor e, double rtol, double atol) {
    double maxAbs = 0;
    double maxRel = 0;
    long worst = -1;
    double worstScore = -1;
    long outside = 0;
    long n = e.numel();
    for (long k = 0; k < n; k++) {
      double x = a.elementAsDouble(k);
      double y = e.elementAsDouble(k);
      boolean good = floatsMatch(x, y, rtol, atol);
      double abs;
      if (Double.isNaN(x) && Double.isNaN(y) || x == y) {
        abs = 0;
      } else if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
        abs = Double.POSITIVE_INFINITY;
      } else {
        abs = Math.abs(x - y);
      }
      double rel = abs == 0 ? 0 : (y == 0 || Double.isInfinite(y) ? Double.POSITIVE_INFINITY : abs / Math.abs(y));
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, rel);
      if (!good) {
        outside++;
        double allowed = atol + rtol * Math.abs(y);
        double score = allowed > 0 && Double.isFinite(allowed) ? abs / allowed : abs;
        if (score > worstScore) {
          worstScore = score;
          worst = k;
        }
      }
    }
    if (outside == 0) {
      return new OutputComparison(index, true, maxAbs, maxRel, "");
    }
    double x = a.elementAsDouble(worst);
    double y = e.elementAsDouble(worst);
    String detail = "element " + worst + ": got " + x + ", expected " + y + " (|difference| "
        + Math.abs(x - y) + " > allowed " + (atol + rtol * Math.abs(y)) + "); " + outside + " of " + n
        + " elements outside";
    return new OutputComparison(index, false, maxAbs, maxRel, detail);
  }

  private static OutputComparison compareIntegers(int index, Tensor a, Tensor e) {
    ScalarType t = e.dtype();
    long n = e.numel();
    long worst = -1;
    double worstDiff = -1;
    long differing = 0;
    for (long k = 0; k < n; k++) {
      long x = integerElement(a, k);
      long y = integerElement(e, k);
      if (x != y) {
        differing++;
        double diff = Math.abs(asDouble(t, x) - asDouble(t, y));
        if (diff > worstDiff) {
          worstDiff = diff;
          worst = k;
        }
      }
    }
    if (differing == 0) {
      return new OutputComparison(index, true, 0, 0, "");
    }
    String detail = "element " + worst + ": got " + integerText(t, integerElement(a, worst)) + ", expected "
        + integerText(t, integerElement(e, worst)) + "; " + differing + " of " + n + " elements differ";
    return new OutputComparison(index, false, worstDiff, Double.POSITIVE_INFINITY, detail);
  }

  private static final java.lang.foreign.ValueLayout.OfShort LE_I16 =
      java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.foreign.ValueLayout.OfInt LE_I32 =
      java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.foreign.ValueLayout.OfLong LE_I64 =
      java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Element {@code k} of an integer or bool tensor: its value, sign- or zero-extended by dtype. */
  private static long integerElement(Tensor t, long k) {
    MemorySegment d = t.data();
    return switch (t.dtype()) {
      case BOOL -> d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, k) != 0 ? 1 : 0;
      case BYTE -> d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, k) & 0xFF;
      case CHAR -> d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, k);
      case SHORT -> d.getAtIndex(LE_I16, k);
      case UINT16 -> d.getAtIndex(LE_I16, k) & 0xFFFF;
      case INT -> d.getAtIndex(LE_I32, k);
      case UINT32 -> d.getAtIndex(LE_I32, k) & 0xFFFFFFFFL;
      case LONG, UINT64 -> d.getAtIndex(LE_I64, k);
      default -> {
        // Quantized and bit types: compared as raw bytes of the element.
        int es = t.dtype().elementSize();
        long v = 0;
        for (int b = es - 1; b >= 0; b--) {
          v = (v << 8) | (d.get(java.lang.foreign.ValueLayout.JAVA_BYTE, k * es + b) & 0xFF);
        }
        yield v;
      }
    };
  }

  private static double asDouble(ScalarType t, long v) {
    return t == ScalarType.UINT64 && v < 0 ? (double) (v >>> 1) * 2.0 : (double) v;
  }

  private static String integerText(ScalarType t, long v) {
    return t == ScalarType.UINT64 ? Long.toUnsignedString(v) : Long.toString(v);
  }

  /**
   * Closes the program inside and unmaps the bundle's files (once the program's methods are
   * closed too). Idempotent, and safe from any thread.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    program.close(); // unmaps the bundle's files too, once its methods are closed
  }
}
