package org.et4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;

/**
 * Per-inference latency of one method of a {@code .pte} in a warmed JVM: the et4j side of
 * {@code benchmarks/compare/compare.py}, which runs ExecuTorch's Python runtime and PyTorch eager
 * on the same file and inputs. JMH is the wrong tool here: one inference of a large model takes
 * longer than a JMH iteration should, and the driver must interleave this JVM with other runtimes
 * without restarting it (a restart would throw the JIT's work away).
 *
 * <p>One timed call is {@code setInputs} + {@code execute}, which is what ExecuTorch's
 * {@code Method.execute(inputs)} does in Python (copy the inputs in, run); reading outputs is not
 * timed on either side.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.et4j.benchmarks.ModelLatency FILE.pte [--input X.npy ...|--random SEED] [--method NAME]
 *     [--warmup-seconds 3] [--warmup-iterations 30] [--warmup-cap-seconds 60]
 *     [--iterations 50] [--budget-seconds 30] [--serve]
 * </pre>
 *
 * <p>Warm-up runs until both {@code --warmup-seconds} and {@code --warmup-iterations} are reached,
 * or {@code --warmup-cap-seconds} have passed (a model that takes seconds per inference would
 * otherwise warm up for minutes). The timed loop stops after {@code --iterations} calls or once
 * {@code --budget-seconds} are spent, whichever comes first, with at least one call. The result is
 * one JSON line on stdout.
 *
 * <p>{@code --serve}: load, run the first inference, print a JSON line, then read commands from
 * stdin, one per line, answering each with one JSON line: {@code run WARMUP_S WARMUP_N WARMUP_CAP_S
 * ITERATIONS BUDGET_S} measures once more with those settings; {@code quit} (or end of input) exits.
 *
 * <p>et4j executes on the calling thread; {@code -Det4j.threads} is echoed in the output so that a
 * result records what was asked for, but nothing reads it yet.
 */
public final class ModelLatency {
  private final Method method;
  private final EValue[] inputs;

  private ModelLatency(Method method, EValue[] inputs) {
    this.method = method;
    this.inputs = inputs;
  }

  public static void main(String[] args) throws IOException {
    Map<String, List<String>> opts = new LinkedHashMap<>();
    String file = null;
    boolean serve = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--serve")) {
        serve = true;
      } else if (a.startsWith("--")) {
        if (i + 1 >= args.length) {
          fail("option " + a + " needs a value");
          return;
        }
        opts.computeIfAbsent(a, k -> new ArrayList<>()).add(args[++i]);
      } else if (file == null) {
        file = a;
      } else {
        fail("unexpected argument " + a);
        return;
      }
    }
    if (file == null) {
      fail("usage: ModelLatency FILE.pte [--input X.npy ...|--random SEED] [--serve] ...");
      return;
    }
    Settings settings = Settings.from(opts);
    long t0 = System.nanoTime();
    // Everything below reports failures as JSON: the driver shows et4j's error in its table
    // (a model whose delegate or kernel is not implemented yet) instead of losing the run.
    try (Program program = Program.load(Path.of(file))) {
      long t1 = System.nanoTime();
      String name = one(opts, "--method", program.methodNames().contains("forward") ? "forward" : program.methodNames().getFirst());
      MethodMeta meta = program.methodMeta(name);
      try (Method method = program.loadMethod(name)) {
        long t2 = System.nanoTime();
        EValue[] inputs = inputs(meta, opts);
        ModelLatency bench = new ModelLatency(method, inputs);
        long t3 = System.nanoTime();
        bench.once();
        long t4 = System.nanoTime();
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("ready", true);
        head.put("method", name);
        head.put("program_load_ms", ms(t1 - t0));
        head.put("method_load_ms", ms(t2 - t1));
        head.put("model_load_ms", ms(t2 - t0));
        head.put("first_inference_ms", ms(t4 - t3));
        head.put("threads_property", System.getProperty("et4j.threads"));
        head.put("threads_used", 1);
        head.put("vector", System.getProperty("et4j.vector", "auto"));
        if (serve) {
          emit(head);
          bench.serve();
        } else {
          head.putAll(bench.measure(settings));
          emit(head);
        }
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      fail(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void serve() throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split("\\s+");
      if (w[0].equals("quit")) {
        return;
      }
      if (!w[0].equals("run") || w.length != 6) {
        emit(Map.of("error", "unknown command: " + line));
        continue;
      }
      try {
        Settings s = new Settings(
            Double.parseDouble(w[1]), Integer.parseInt(w[2]), Double.parseDouble(w[3]),
            Integer.parseInt(w[4]), Double.parseDouble(w[5]));
        emit(measure(s));
      } catch (RuntimeException | OutOfMemoryError e) {
        emit(Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    }
  }

  private record Settings(double warmupSeconds, int warmupIterations, double warmupCapSeconds, int iterations, double budgetSeconds) {
    static Settings from(Map<String, List<String>> opts) {
      return new Settings(
          Double.parseDouble(one(opts, "--warmup-seconds", "3")),
          Integer.parseInt(one(opts, "--warmup-iterations", "30")),
          Double.parseDouble(one(opts, "--warmup-cap-seconds", "60")),
          Integer.parseInt(one(opts, "--iterations", "50")),
          Double.parseDouble(one(opts, "--budget-seconds", "1e9")));
    }
  }

  private Map<String, Object> measure(Settings s) {
    long start = System.nanoTime();
    int warm = 0;
    while (true) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      boolean enough = elapsed >= s.warmupSeconds() && warm >= s.warmupIterations();
      if (enough || (elapsed >= s.warmupCapSeconds() && warm > 0)) {
        break;
      }
      once();
      warm++;
    }
    long warmNanos = System.nanoTime() - start;
    long[] nanos = new long[Math.max(1, s.iterations())];
    int n = 0;
    long timedStart = System.nanoTime();
    while (n < nanos.length && (n == 0 || (System.nanoTime() - timedStart) / 1e9 < s.budgetSeconds())) {
      long t = System.nanoTime();
      once();
      nanos[n++] = System.nanoTime() - t;
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("warmup_iterations", warm);
    r.put("warmup_ms", ms(warmNanos));
    r.put("iterations", n);
    r.put("median_ms", ms(median(sorted)));
    r.put("p90_ms", ms(sorted[Math.min(n - 1, (int) Math.ceil(0.9 * n) - 1)]));
    r.put("min_ms", ms(sorted[0]));
    r.put("max_ms", ms(sorted[n - 1]));
    return r;
  }

  private void once() {
    // Inputs are set before every execution: the memory plan may reuse an input's bytes for
    // intermediates once the input is dead.
    method.setInputs(inputs);
    method.execute();
  }

  private static double median(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static double ms(double nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  private static String one(Map<String, List<String>> opts, String key, String dflt) {
    List<String> v = opts.get(key);
    return v == null ? dflt : v.getLast();
  }

  private static EValue[] inputs(MethodMeta meta, Map<String, List<String>> opts) {
    List<String> files = opts.getOrDefault("--input", List.of());
    Random random = new Random(Long.parseLong(one(opts, "--random", "0")));
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
          throw new IllegalArgumentException("method " + meta.name() + " has more tensor inputs than the " + files.size() + " --input file(s)");
        }
        values.add(EValue.from(readNpy(Path.of(files.get(f++)))));
      } else {
        values.add(EValue.from(random(v.tensor(), random)));
      }
    }
    if (f < files.size()) {
      throw new IllegalArgumentException("method " + meta.name() + " has " + f + " tensor input(s), got " + files.size() + " --input file(s)");
    }
    return values.toArray(EValue[]::new);
  }

  /** Standard normal floats or integers in [0, 10) in the program's (upper-bound) shape. */
  private static Tensor random(TensorInfo t, Random r) {
    long[] shape = t.sizes().stream().mapToLong(Integer::longValue).toArray();
    int n = Math.toIntExact(t.nbytes() / t.dtype().elementSize());
    return switch (t.dtype()) {
      case FLOAT -> {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = (float) r.nextGaussian();
        }
        yield Tensor.fromArray(a, shape);
      }
      case LONG -> {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.nextInt(10);
        }
        yield Tensor.fromArray(a, shape);
      }
      case INT -> {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.nextInt(10);
        }
        yield Tensor.fromArray(a, shape);
      }
      default -> throw new IllegalArgumentException("no random inputs of type " + t.dtype().displayName() + "; pass --input");
    };
  }

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** The .npy files compare.py writes: C order, little-endian float32/float64/int32/int64. */
  static Tensor readNpy(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || (bytes[0] & 0xFF) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IllegalArgumentException(path + " is not a .npy file");
    }
    int start = bytes[6] == 1 ? 10 : 12;
    int headerLen = bytes[6] == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
    if (headerLen < 0 || start + (long) headerLen > bytes.length) {
      throw new IllegalArgumentException(path + ": header length " + headerLen + " exceeds the file");
    }
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    if (group(FORTRAN, header, path).equals("True")) {
      throw new IllegalArgumentException(path + ": Fortran order is not supported");
    }
    long[] shape = Arrays.stream(group(SHAPE, header, path).split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    ScalarType dtype = switch (group(DESCR, header, path)) {
      case "<f4" -> ScalarType.FLOAT;
      case "<f8" -> ScalarType.DOUBLE;
      case "<i4" -> ScalarType.INT;
      case "<i8" -> ScalarType.LONG;
      default -> throw new IllegalArgumentException(path + ": unsupported dtype " + group(DESCR, header, path));
    };
    return Tensor.fromSegment(dtype, java.lang.foreign.MemorySegment.ofArray(bytes).asSlice(start + headerLen), shape);
  }

  private static String group(Pattern p, String header, Path path) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException(path + ": .npy header lacks " + p.pattern());
    }
    return m.group(1);
  }

  private static void fail(String message) {
    emit(Map.of("error", message == null ? "(no message)" : message));
    System.exit(2);
  }

  /** One flat JSON object per line; values are numbers, booleans, strings or null. */
  private static void emit(Map<String, ?> fields) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(quote(e.getKey())).append(": ");
      Object v = e.getValue();
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(String.format(Locale.ROOT, "%s", v));
      } else {
        sb.append(quote(v.toString()));
      }
    }
    System.out.println(sb.append('}'));
    System.out.flush();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
