package org.et4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;
import org.et4j.runtime.ValueInfo;
import org.et4j.runtime.devtools.ETDump;
import org.et4j.runtime.devtools.ETDumpWriter;
import org.et4j.runtime.devtools.EventTracer;
import org.et4j.runtime.devtools.TracedInstruction;
import org.et4j.runtime.kernel.Value;

/**
 * {@code et4j profile}: runs a method under an {@link ETDumpWriter} and prints where the time
 * went, operator by operator (or delegate node by node), largest first; writes the ETDump (and
 * with {@code --debug-buffer}, every intermediate output) for ExecuTorch's Inspector; with
 * {@code --compare}, puts the same table of an ETDump ExecuTorch wrote for the same file beside
 * et4j's.
 *
 * <p>A {@code .bpte} runs its bundled test cases in turn, or only {@code --case N} (each run records
 * its bundled input index); a {@code .pte} runs on {@code --input} files or seeded random inputs.
 * Warm-up runs are not traced.
 */
final class ProfileCommand {
  static final Set<String> FLAGS = Set.of("--json");
  static final Set<String> VALUED =
      Set.of("--ptd", "--method", "--input", "--random", "--iterations", "--warmup", "--etdump", "--debug-buffer", "--compare",
          "--case");

  private final Options options;
  private final PrintStream out;

  ProfileCommand(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  int run() {
    Path file = options.file("program");
    int iterations = options.intValue("--iterations", 10);
    int warmup = options.intValue("--warmup", 3);
    if (iterations < 1 || warmup < 0) {
      throw new Main.UsageException("--iterations must be at least 1 and --warmup at least 0");
    }
    String etdumpOut = options.one("--etdump", null);
    String debugOut = options.one("--debug-buffer", null);
    String compare = options.one("--compare", null);
    if (debugOut != null) {
      // Every instruction's output is logged: no convolution may leave its own output unwritten by
      // folding the batch norm after it (MethodLoader's batch-norm folds).
      System.setProperty("et4j.foldBatchNorms", "false");
    }
    ETDump reference = compare == null ? null : ETDump.read(Options.existing(compare));
    boolean bundled = file.getFileName().toString().endsWith(".bpte");
    try (BundledProgram bp = bundled ? BundledProgram.load(file, options.ptds()) : null;
        Program own = bundled ? null : Program.load(file, options.ptds())) {
      Program program = bundled ? bp.program() : own;
      String name = options.one("--method", program.methodNames().contains("forward") ? "forward" : program.methodNames().getFirst());
      MethodMeta meta = program.methodMeta(name);
      List<List<EValue>> inputSets = new ArrayList<>();
      List<Integer> caseIndexes = new ArrayList<>();
      if (bundled) {
        List<BundledProgram.TestCase> cases = bp.testCases(name);
        if (cases.isEmpty()) {
          throw new IllegalArgumentException("the bundled program has no test case for method '" + name + "'");
        }
        String only = options.one("--case", null);
        for (BundledProgram.TestCase tc : cases) {
          if (only == null || Integer.toString(tc.index()).equals(only)) {
            inputSets.add(tc.inputs());
            caseIndexes.add(tc.index());
          }
        }
        if (inputSets.isEmpty()) {
          throw new Main.UsageException("--case " + only + ": method '" + name + "' has test cases 0.." + (cases.size() - 1));
        }
      } else {
        if (options.one("--case", null) != null) {
          throw new Main.UsageException("--case selects a test case of a .bpte");
        }
        inputSets.add(inputs(meta));
      }
      ETDumpWriter writer = ETDumpWriter.builder()
          .debugLevel(debugOut != null ? EventTracer.DebugLevel.INTERMEDIATE_OUTPUTS : EventTracer.DebugLevel.NONE)
          .build();
      InstructionNames names = new InstructionNames(writer);
      try (Method method = program.loadMethod(name)) {
        for (int i = 0; i < warmup; i++) {
          method.setInputs(inputSets.get(i % inputSets.size()).toArray(EValue[]::new));
          method.execute();
        }
        method.setEventTracer(names);
        for (int i = 0; i < iterations; i++) {
          int k = i % inputSets.size();
          writer.setBundledInputIndex(bundled ? caseIndexes.get(k) : -1);
          method.setInputs(inputSets.get(k).toArray(EValue[]::new));
          method.execute();
        }
        method.setEventTracer(null);
      }
      ETDump dump = writer.etdump();
      try {
        if (etdumpOut != null) {
          writer.write(Path.of(etdumpOut), debugOut == null ? null : Path.of(debugOut));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + etdumpOut + ": " + e.getMessage(), e);
      }
      OperatorProfile mine = OperatorProfile.of(dump, names.operators, names.backends);
      OperatorProfile theirs = reference == null ? null : OperatorProfile.of(reference, names.operators, names.backends);
      if (options.flag("--json")) {
        out.print(Json.write(json(name, mine, theirs)));
      } else {
        print(name, mine, theirs, debugOut != null);
      }
      if (etdumpOut != null && !options.flag("--json")) {
        out.println("wrote " + etdumpOut + (debugOut != null ? " and " + debugOut : ""));
      }
    }
    return 0;
  }

  private List<EValue> inputs(MethodMeta meta) {
    List<String> files = options.all("--input");
    Random random = new Random(Long.parseLong(options.one("--random", "0")));
    List<EValue> values = new ArrayList<>();
    int f = 0;
    for (ValueInfo v : meta.inputs()) {
      if (v.tensor() == null) {
        if (v.constant() == null) {
          throw new IllegalArgumentException("cannot make a value for input of kind " + v.tag());
        }
        values.add(v.constant());
      } else if (!files.isEmpty()) {
        if (f >= files.size()) {
          throw new Main.UsageException("method " + meta.name() + " has more tensor inputs than --input files");
        }
        values.add(EValue.from(Npy.read(Options.existing(files.get(f++)))));
      } else {
        values.add(EValue.from(RunCommand.randomTensor(v.tensor(), random)));
      }
    }
    return values;
  }

  private void print(String method, OperatorProfile mine, OperatorProfile theirs, boolean intermediates) {
    out.printf("method %s: %d traced run(s), Method::execute %.3f ms per run%s%n", method, mine.runs,
        mine.executeNanos / 1e6 / Math.max(1, mine.runs), intermediates ? " (with intermediate outputs logged)" : "");
    if (theirs == null) {
      out.printf("%-60s %6s %10s %9s %9s %6s%n", "operator / delegate node", "calls", "total ms", "mean ms", "p50 ms", "share");
      for (OperatorProfile.Row r : mine.rows) {
        out.printf("%-60s %6d %10.3f %9.4f %9.4f %5.1f%%%n", clip(r.name()), r.calls(), r.total() / 1e6, r.meanMs(), r.p50Ms(),
            mine.share(r));
      }
      return;
    }
    out.printf("ExecuTorch: %d run(s), Method::execute %.3f ms per run; ratio = et4j mean / ExecuTorch mean%n", theirs.runs,
        theirs.executeNanos / 1e6 / Math.max(1, theirs.runs));
    out.printf("%-60s %6s %9s %6s | %6s %9s %6s | %7s%n", "operator / delegate node", "calls", "mean ms", "share", "calls",
        "mean ms", "share", "ratio");
    List<String> seen = new ArrayList<>();
    for (OperatorProfile.Row r : mine.rows) {
      seen.add(r.name());
      OperatorProfile.Row o = theirs.row(r.name());
      out.printf("%-60s %6d %9.4f %5.1f%% | %s | %s%n", clip(r.name()), r.calls(), r.meanMs(), mine.share(r),
          o == null ? String.format("%6s %9s %6s", "-", "-", "-") : String.format("%6d %9.4f %5.1f%%", o.calls(), o.meanMs(), theirs.share(o)),
          o == null || o.meanMs() == 0 ? String.format("%7s", "-") : String.format("%7.2f", r.meanMs() / o.meanMs()));
    }
    for (OperatorProfile.Row o : theirs.rows) {
      if (!seen.contains(o.name())) {
        out.printf("%-60s %6s %9s %6s | %6d %9.4f %5.1f%% | %7s%n", clip(o.name()), "-", "-", "-", o.calls(), o.meanMs(),
            theirs.share(o), "-");
      }
    }
    long strangers = theirs.rows.stream().filter(r -> r.name().startsWith("instruction ")).count();
    if (strangers > 0) {
      out.println("note: " + strangers + " row(s) of the ExecuTorch ETDump name kernel calls at instructions where this"
          + " method has none: is it an ETDump of the same file and method?");
    }
    out.printf("%-60s %6s %9.4f %6s | %6s %9.4f %6s | %7.2f%n", "Method::execute", "", mine.executeNanos / 1e6 / Math.max(1, mine.runs), "",
        "", theirs.executeNanos / 1e6 / Math.max(1, theirs.runs), "",
        theirs.executeNanos == 0 ? Double.NaN
            : (mine.executeNanos / (double) Math.max(1, mine.runs)) / (theirs.executeNanos / (double) Math.max(1, theirs.runs)));
  }

  private static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static Map<String, Object> json(String method, OperatorProfile mine, OperatorProfile theirs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("runs", mine.runs);
    m.put("execute_ms_per_run", mine.executeNanos / 1e6 / Math.max(1, mine.runs));
    m.put("rows", rows(mine));
    if (theirs != null) {
      m.put("executorch_runs", theirs.runs);
      m.put("executorch_execute_ms_per_run", theirs.executeNanos / 1e6 / Math.max(1, theirs.runs));
      m.put("executorch_rows", rows(theirs));
    }
    return m;
  }

  private static List<Object> rows(OperatorProfile p) {
    List<Object> rows = new ArrayList<>();
    for (OperatorProfile.Row r : p.rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("kind", r.kind());
      m.put("calls", r.calls());
      m.put("total_ms", r.total() / 1e6);
      m.put("mean_ms", r.meanMs());
      m.put("p50_ms", r.p50Ms());
      m.put("share_percent", p.share(r));
      rows.add(m);
    }
    return rows;
  }

  /** Passes everything to the writer and remembers each instruction's operator or backend. */
  private static final class InstructionNames implements EventTracer {
    final ETDumpWriter writer;
    final Map<String, String> operators = new HashMap<>();
    final Map<String, String> backends = new HashMap<>();

    InstructionNames(ETDumpWriter writer) {
      this.writer = writer;
    }

    @Override
    public DebugLevel debugLevel() {
      return writer.debugLevel();
    }

    @Override
    public void executionStarted(String method) {
      writer.executionStarted(method);
    }

    @Override
    public void instructionExecuted(TracedInstruction in, long startNanos, long endNanos) {
      String key = in.chain() + ":" + in.index();
      if (in.kind() == TracedInstruction.Kind.KERNEL_CALL) {
        operators.putIfAbsent(key, in.operator());
      } else if (in.kind() == TracedInstruction.Kind.DELEGATE_CALL) {
        backends.putIfAbsent(key, in.operator());
      }
      writer.instructionExecuted(in, startNanos, endNanos);
    }

    @Override
    public void delegateEvent(TracedInstruction in, String name, int debugId, long s, long e, byte[] metadata) {
      writer.delegateEvent(in, name, debugId, s, e, metadata);
    }

    @Override
    public void delegateOutput(TracedInstruction in, String name, int debugId, Value value) {
      writer.delegateOutput(in, name, debugId, value);
    }

    @Override
    public void executionFinished(String method, long startNanos, long endNanos, List<Value> outputs) {
      writer.executionFinished(method, startNanos, endNanos, outputs);
    }
  }
}
