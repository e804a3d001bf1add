package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.kernel.KernelRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The op-level suite ({@code conformance/fixtures-ops/}, made by {@code python/op_suite.py}): one
 * BundledProgram per op of the generator's table, one method per dtype combination (or one method
 * holding them all), each with random, edge-value and, for integer division, hazard test sets whose
 * expected outputs came from ExecuTorch's runtime. Integers and bools are compared exactly, floats
 * within each output's own tolerance ({@link ConformanceRunner#outputTolerances}); a test set that
 * ExecuTorch failed on (an error, or an abort of its process) must raise an {@link
 * ExecuTorchException} in et4j.
 *
 * <p>Each op is one test, named {@code ops.<label>} as in {@code known-gaps.txt}. After the run,
 * {@code conformance/target/op-coverage.md} lists every kernel of et4j's registry: verified against
 * ExecuTorch (with the dtype combinations of the methods that verified it), verified by a ported
 * ExecuTorch kernel test ({@code conformance/ported-executorch-tests.txt}, for kernels export cannot
 * emit), or why not; and the line {@code N of 261 kernels verified against ExecuTorch (M dtype
 * combinations)} is printed, with the ported tests' count on a line of its own.
 */
class OpSuiteTest {
  private static final Path ROOT = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance");
  private static final Path OPS = ROOT.resolve("fixtures-ops");
  private static final KnownGaps GAPS = KnownGaps.read(ROOT.resolve("known-gaps.txt"));
  /** Kernels export cannot emit, verified by a port of ExecuTorch's own kernel test instead. */
  private static final Map<String, PortedTest> PORTED = readPortedTests(ROOT.resolve("ported-executorch-tests.txt"));

  /** Per kernel: the dtype combinations of passing methods that compared its outputs. */
  private static final Map<String, SortedSet<String>> VERIFIED = new TreeMap<>();
  /** Per kernel: why a method calling it did not pass (first reason kept per op). */
  private static final Map<String, List<String>> FAILED = new TreeMap<>();
  /** Per kernel: dtype combinations ExecuTorch itself rejects at run time, where et4j raised too. */
  private static final Map<String, SortedSet<String>> REJECTED_BOTH = new TreeMap<>();
  private static final List<String> FINDINGS = new ArrayList<>();
  /** Every method that did not agree with ExecuTorch, with its first failure. */
  private static final List<String> MISMATCHES = new ArrayList<>();
  private static int opsPassed;
  private static int opsFailed;
  private static int opsKnownGaps;

  /** One line of {@code ported-executorch-tests.txt}: the et4j test and the ExecuTorch test it ports. */
  private record PortedTest(String kernel, String source, String upstream) {}

  static Map<String, PortedTest> readPortedTests(Path file) {
    Map<String, PortedTest> out = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        String[] f = l.split("\\s+");
        if (f.length != 3) {
          throw new IllegalStateException(file + ": want `kernel test-source upstream-test`, got: " + line);
        }
        if (out.put(f[0], new PortedTest(f[0], f[1], f[2])) != null) {
          throw new IllegalStateException(file + ": " + f[0] + " listed twice");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** One method of an op's program, from the manifest. */
  private record MethodEntry(String name, List<String> dtypes, List<String> operators, List<String> sets) {}

  /** One op of the manifest. */
  private record OpEntry(String label, String family, Path bpte, List<MethodEntry> methods, List<String> notExported) {}

  @SuppressWarnings("unchecked")
  static List<OpEntry> readManifest() {
    Map<String, Object> root;
    try {
      root = (Map<String, Object>) JsonReader.parse(Files.readString(OPS.resolve("manifest.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<OpEntry> out = new ArrayList<>();
    for (Object o : ((Map<String, Object>) root.get("ops")).values()) {
      Map<String, Object> op = (Map<String, Object>) o;
      List<MethodEntry> methods = new ArrayList<>();
      for (Object mo : (List<Object>) op.get("methods")) {
        Map<String, Object> m = (Map<String, Object>) mo;
        List<String> dtypes = new ArrayList<>();
        for (Object combo : (List<Object>) m.get("dtypes")) {
          dtypes.add(String.join("+", (List<String>) combo));
        }
        List<String> sets = new ArrayList<>();
        for (Object so : (List<Object>) m.get("test_sets")) {
          sets.add((String) ((Map<String, Object>) so).get("executorch"));
        }
        methods.add(new MethodEntry((String) m.get("name"), dtypes, (List<String>) m.get("operators"), sets));
      }
      List<String> notExported = new ArrayList<>();
      for (Object no : (List<Object>) op.get("not_exported")) {
        Map<String, Object> n = (Map<String, Object>) no;
        notExported.add(String.join("+", (List<String>) n.get("dtypes")) + " (" + n.get("stage") + "): " + n.get("error"));
      }
      String bpte = (String) op.get("bpte");
      out.add(new OpEntry((String) op.get("label"), (String) op.get("family"),
          bpte == null ? null : OPS.resolve(bpte), methods, notExported));
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyOpMatchesExecuTorch() {
    List<OpEntry> ops = readManifest();
    assertThat(ops).as("ops in " + OPS).isNotEmpty();
    return ops.stream().map(op -> DynamicTest.dynamicTest("ops." + op.label(), () -> check(op)));
  }

  @org.junit.jupiter.api.Test
  void everyOpGapNamesAnOpOfTheSuite() {
    Set<String> labels = new java.util.HashSet<>();
    readManifest().forEach(op -> labels.add("ops." + op.label()));
    assertThat(GAPS.all().keySet().stream().filter(id -> id.startsWith("ops.")))
        .as("ops.* entries of known-gaps.txt").allMatch(labels::contains);
  }

  @org.junit.jupiter.api.Test
  void everyPortedTestExistsAndNamesItsUpstreamFile() throws IOException {
    Path repo = ROOT.getParent();
    SortedSet<String> kernels = KernelRegistry.defaultRegistry().names();
    for (PortedTest p : PORTED.values()) {
      assertThat(kernels).as("ported-executorch-tests.txt: " + p.kernel() + " is a registered kernel").contains(p.kernel());
      Path src = repo.resolve(p.source());
      assertThat(src).as("ported-executorch-tests.txt: test source of " + p.kernel()).isRegularFile();
      assertThat(Files.readString(src)).as(p.source() + " names the ExecuTorch test it ports").contains(p.upstream());
      assertThat(Files.readString(src)).as(p.source() + " calls " + p.kernel()).contains(p.kernel());
    }
  }

  private static void check(OpEntry op) {
    if (op.bpte() == null) {
      synchronized (FINDINGS) {
        FINDINGS.add("ops." + op.label() + ": not exported: " + String.join("; ", op.notExported()));
      }
      Assumptions.abort("not exported: " + String.join("; ", op.notExported()));
    }
    String firstFailure = null;
    Path bpte = unpacked(op.bpte());
    FixtureCase fc = new FixtureCase("ops", op.label(), bpte, null, false, null, List.of(), List.of(),
        Map.of(), Map.of(), null);
    try (BundledProgram bundle = BundledProgram.load(bpte)) {
      for (MethodEntry me : op.methods()) {
        String failure = runMethod(fc, bundle, me);
        synchronized (FINDINGS) {
          for (String kernel : me.operators()) {
            if (failure == null && me.sets().contains("ok")) {
              VERIFIED.computeIfAbsent(kernel, k -> new TreeSet<>()).addAll(me.dtypes());
            } else if (failure == null) {
              REJECTED_BOTH.computeIfAbsent(kernel, k -> new TreeSet<>()).addAll(me.dtypes());
            } else {
              FAILED.computeIfAbsent(kernel, k -> new ArrayList<>()).add("ops." + op.label() + " " + failure);
            }
          }
        }
        if (failure != null) {
          synchronized (FINDINGS) {
            MISMATCHES.add("ops." + op.label() + " (" + String.join(", ", me.dtypes()) + "): " + failure);
          }
        }
        if (failure != null && firstFailure == null) {
          firstFailure = failure;
        }
      }
    }
    KnownGaps.Gap gap = GAPS.gap("ops." + op.label());
    synchronized (FINDINGS) {
      if (firstFailure == null && gap == null) {
        opsPassed++;
      } else if (firstFailure != null && gap != null && gap.explains(firstFailure)) {
        opsKnownGaps++;
      } else {
        opsFailed++;
      }
    }
    if (firstFailure == null && gap != null) {
      fail("ops." + op.label() + " passes now: take it off conformance/known-gaps.txt");
    }
    if (firstFailure != null && gap != null && gap.explains(firstFailure)) {
      Assumptions.abort("known gap (" + gap + "): " + firstFailure);
    }
    if (firstFailure != null) {
      fail("ops." + op.label() + ": " + firstFailure + (gap == null ? "" : " (not its known gap: " + gap + ")"));
    }
  }

  /**
   * The plain bundle of a committed {@code .bpte.gz} (gzip keeps the suite's committed size
   * small), written once under {@code conformance/target/fixtures-ops/}.
   */
  private static Path unpacked(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(".gz")) {
      return file;
    }
    Path out = ROOT.resolve("target/fixtures-ops").resolve(name.substring(0, name.length() - 3));
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
      Files.createDirectories(out.getParent());
      Files.write(out, in.readAllBytes());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + file, e);
    }
  }

  /** Runs every test set of one method; returns the first failure, or null when all agree. */
  private static String runMethod(FixtureCase fc, BundledProgram bundle, MethodEntry me) {
    List<BundledProgram.TestCase> cases = bundle.testCases(me.name());
    if (cases.size() != me.sets().size()) {
      return "method " + me.name() + ": " + cases.size() + " bundled test sets, the manifest lists " + me.sets().size();
    }
    Tolerance[] tolerances = ConformanceRunner.outputTolerances(
        ProgramGraph.read(fc.bpte(), me.name()), null, bundle.program(), me.name());
    for (BundledProgram.TestCase tc : cases) {
      String executorch = me.sets().get(tc.index());
      String where = "method " + me.name() + " case " + tc.index();
      String failure = executorch.equals("ok") ? compare(bundle, me.name(), tc, tolerances, where)
          : expectFailure(bundle, me.name(), tc, where, executorch, me.operators());
      if (failure != null) {
        return failure;
      }
    }
    return null;
  }

  private static String compare(
      BundledProgram bundle, String method, BundledProgram.TestCase tc, Tolerance[] tolerances, String where) {
    try (Method m = bundle.program().loadMethod(method)) {
      m.setInputs(tc.inputs().toArray(EValue[]::new));
      m.execute();
      if (m.outputCount() != tc.expectedOutputs().size()) {
        return where + ": " + m.outputCount() + " outputs, ExecuTorch gave " + tc.expectedOutputs().size();
      }
      for (int i = 0; i < m.outputCount(); i++) {
        EValue expected = tc.expectedOutputs().get(i);
        BundledProgram.OutputTolerance tol =
            ConformanceRunner.outputTolerance(tolerances[i], ConformanceRunner.ownScale(expected), expected);
        BundledProgram.OutputComparison c = BundledProgram.compare(i, m.output(i), expected, tol.rtol(), tol.atol());
        if (!c.passed()) {
          return where + ": output " + i + ": " + c.detail() + " (rtol " + tol.rtol() + ", atol " + tol.atol() + ")";
        }
      }
      return null;
    } catch (ExecuTorchException e) {
      return where + ": " + e.getMessage() + " (ExecuTorch ran it)";
    } catch (RuntimeException e) {
      return where + ": unclean failure " + e;
    }
  }

  private static String expectFailure(
      BundledProgram bundle, String method, BundledProgram.TestCase tc, String where, String executorch,
      List<String> operators) {
    try (Method m = bundle.program().loadMethod(method)) {
      m.setInputs(tc.inputs().toArray(EValue[]::new));
      m.execute();
      StringBuilder got = new StringBuilder();
      for (int i = 0; i < Math.min(m.outputCount(), 2); i++) {
        got.append(i == 0 ? "" : ", ").append(
            m.output(i) instanceof EValue.TensorValue(Tensor t) ? t.describe() : String.valueOf(m.output(i)));
      }
      return where + ": ExecuTorch fails (" + executorch + "), et4j returned outputs (" + got + ") calling "
          + String.join(", ", operators);
    } catch (ExecuTorchException e) {
      // An error (not an abort) carries ExecuTorch's code: et4j must raise the same one.
      java.util.regex.Matcher code = java.util.regex.Pattern.compile("error (0x[0-9a-f]+)").matcher(executorch);
      if (code.find() && e.errorCode().code() != Integer.decode(code.group(1))) {
        return where + ": ExecuTorch fails with " + code.group(1) + " (" + executorch + "), et4j raised "
            + e.getMessage();
      }
      return null;
    } catch (RuntimeException e) {
      return where + ": ExecuTorch fails (" + executorch + "), et4j failed uncleanly: " + e;
    }
  }

  @AfterAll
  static void report() {
    SortedSet<String> kernels = KernelRegistry.defaultRegistry().names();
    int verified = 0;
    int ported = 0;
    int combos = 0;
    StringBuilder rows = new StringBuilder();
    Map<String, String> reasons = unreachableReasons();
    for (String k : kernels) {
      SortedSet<String> v = VERIFIED.get(k);
      String status;
      String note;
      if (v != null) {
        verified++;
        combos += v.size();
        status = "verified";
        note = String.join(", ", v);
        if (FAILED.containsKey(k)) {
          note += "; but: " + FAILED.get(k).get(0);
        }
      } else if (PORTED.containsKey(k) && !FAILED.containsKey(k)) {
        ported++;
        status = "verified by ported ExecuTorch test";
        note = PORTED.get(k).upstream() + " (" + PORTED.get(k).source() + "); export cannot emit it";
      } else if (FAILED.containsKey(k)) {
        status = "NOT verified";
        note = "fails: " + FAILED.get(k).get(0);
      } else if (REJECTED_BOTH.containsKey(k)) {
        status = "NOT verified";
        note = "ExecuTorch rejects every exported dtype at run time (et4j raises too): "
            + String.join(", ", REJECTED_BOTH.get(k));
      } else {
        status = "NOT verified";
        note = reasons.getOrDefault(k, "no program of the op suite calls it: the op is not in its table yet, or to_edge decomposes the table's op into others");
      }
      rows.append("| `").append(k).append("` | ").append(status).append(" | ")
          .append(note.replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }
    String line = String.format(Locale.ROOT, "%d of %d kernels verified against ExecuTorch (%d dtype combinations)",
        verified, kernels.size(), combos);
    String portedLine = String.format(Locale.ROOT,
        "%d more verified by ported ExecuTorch kernel tests (conformance/ported-executorch-tests.txt)", ported);
    String summary = String.format(Locale.ROOT, "ops: %d passed, %d failed, %d known gaps", opsPassed, opsFailed,
        opsKnownGaps);
    System.out.println("op suite: " + line);
    System.out.println("op suite: " + portedLine);
    System.out.println("op suite: " + summary);
    StringBuilder sb = new StringBuilder("# et4j op coverage against ExecuTorch\n\n")
        .append(line).append("\n\n").append(portedLine).append("\n\n").append(summary).append("\n\n")
        .append("A kernel is verified when a method of `conformance/fixtures-ops/` that calls it matched ExecuTorch's "
            + "runtime on every test set (values compared, or both runtimes raising); the dtype combinations are "
            + "those of the methods' inputs. A kernel export cannot emit is \"verified by ported ExecuTorch test\" when "
            + "conformance/ported-executorch-tests.txt names an et4j test holding the cases of ExecuTorch's own kernel "
            + "test for it (run in that test's module); those are counted apart.\n\n")
        .append("| kernel | status | dtype combinations / reason |\n|---|---|---|\n").append(rows);
    if (!MISMATCHES.isEmpty()) {
      sb.append("\n## Methods that do not agree with ExecuTorch\n\n");
      MISMATCHES.stream().sorted().forEach(f -> sb.append("- ").append(f.replace("\n", " ")).append('\n'));
    }
    if (!FINDINGS.isEmpty()) {
      sb.append("\n## Ops not exported\n\n");
      FINDINGS.forEach(f -> sb.append("- ").append(f.replace("\n", " ")).append('\n'));
    }
    try {
      Files.createDirectories(ROOT.resolve("target"));
      Files.writeString(ROOT.resolve("target/op-coverage.md"), sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Why the generator has no case for a kernel, from the manifest's {@code unreachable} map. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> unreachableReasons() {
    try {
      Map<String, Object> root = (Map<String, Object>) JsonReader.parse(Files.readString(OPS.resolve("manifest.json")));
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) root.getOrDefault("unreachable", Map.of())).entrySet()) {
        out.put(e.getKey(), String.valueOf(e.getValue()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
