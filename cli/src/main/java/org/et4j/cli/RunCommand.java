package org.et4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;

/** {@code et4j run}: executes a method on given or random inputs, prints outputs and latency. */
final class RunCommand {
  static final Set<String> FLAGS = Set.of();
  static final Set<String> VALUED =
      Options.withLoadOptions(
          Set.of("--method", "--input", "--random", "--iterations", "--warmup", "--labels", "--threads"));

  private final Options options;
  private final PrintStream out;

  RunCommand(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  int run() {
    Path file = options.file("program");
    int iterations = options.intValue("--iterations", 1);
    int warmup = options.intValue("--warmup", iterations > 1 ? Math.min(10, iterations) : 0);
    if (iterations < 1 || warmup < 0) {
      throw new Main.UsageException("--iterations must be at least 1 and --warmup at least 0");
    }
    String labelsFile = options.one("--labels", null);
    String threads = options.one("--threads", null);
    if (threads != null) {
      // The kernels' compute pool reads et4j.threads once, when the first kernel runs; nothing
      // has run yet, so setting it here is the same as -Det4j.threads on the JVM's command line.
      if (!threads.matches("[1-9][0-9]{0,3}")) {
        throw new Main.UsageException("--threads needs a positive integer, got '" + threads + "'");
      }
      System.setProperty("et4j.threads", threads);
    }
    try (Program program = Program.load(file, options.loadOptions(threads == null ? 0 : Integer.parseInt(threads)))) {
      String name = options.one("--method", program.methodNames().contains("forward") ? "forward" : program.methodNames().getFirst());
      MethodMeta meta = program.methodMeta(name);
      // Load first: a method that cannot load (a missing kernel or backend) says so before any
      // input is read or made.
      try (Method method = program.loadMethod(name)) {
        List<EValue> inputs = inputs(meta);
        List<List<EValue>> batches = Batches.split(meta, inputs);
        long[] nanos = new long[iterations];
        List<EValue> outputs = new ArrayList<>();
        for (List<EValue> batch : batches) {
          // Inputs are set before every execution: the memory plan may reuse an input's bytes for
          // intermediates once the input is dead, exactly as in ExecuTorch.
          EValue[] batchInputs = batch.toArray(EValue[]::new);
          for (int i = 0; i < warmup; i++) {
            method.setInputs(batchInputs);
            method.execute();
          }
          for (int i = 0; i < iterations; i++) {
            method.setInputs(batchInputs);
            long t0 = System.nanoTime();
            method.execute();
            nanos[i] += System.nanoTime() - t0;
          }
          List<EValue> batchOut = new ArrayList<>();
          for (int i = 0; i < method.outputCount(); i++) {
            batchOut.add(method.outputCopy(i));
          }
          outputs = outputs.isEmpty() ? batchOut : Batches.concat(outputs, batchOut);
        }
        out.printf("method %s: %d input(s), %d output(s)%s%n", name, inputs.size(), outputs.size(),
            batches.size() > 1 ? ", run in " + batches.size() + " batches within the method's size bound" : "");
        for (int i = 0; i < outputs.size(); i++) {
          out.println("  output " + i + ": " + render(outputs.get(i)));
        }
        if (labelsFile != null) {
          Classification.report(outputs.getFirst(), Npy.read(Options.existing(labelsFile)), out);
        }
        Arrays.sort(nanos);
        out.printf(
            "latency over %d run(s) after %d warm-up%s: p50 %.3f ms, p95 %.3f ms, p99 %.3f ms%n",
            iterations, warmup, batches.size() > 1 ? " (all batches)" : "", pct(nanos, 50), pct(nanos, 95), pct(nanos, 99));
      }
    }
    return 0;
  }

  private static double pct(long[] sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }

  private List<EValue> inputs(MethodMeta meta) {
    List<String> files = options.all("--input");
    String seed = options.one("--random", null);
    if (!files.isEmpty() && seed != null) {
      throw new Main.UsageException("give --input or --random, not both");
    }
    List<ValueInfo> infos = meta.inputs();
    long tensorInputs = infos.stream().filter(v -> v.tensor() != null).count();
    if (!files.isEmpty() && files.size() != tensorInputs) {
      throw new Main.UsageException(
          "method " + meta.name() + " has " + tensorInputs + " tensor input(s), got " + files.size() + " --input file(s)");
    }
    Random random = new Random(seed == null ? 0 : parseSeed(seed));
    List<EValue> values = new ArrayList<>();
    int f = 0;
    for (ValueInfo v : infos) {
      if (v.tensor() == null) {
        if (v.constant() == null) {
          throw new IllegalArgumentException("cannot make a value for input of kind " + v.tag());
        }
        values.add(v.constant());
      } else if (!files.isEmpty()) {
        values.add(EValue.from(Npy.read(Options.existing(files.get(f++)))));
      } else {
        values.add(EValue.from(randomTensor(v.tensor(), random)));
      }
    }
    return values;
  }

  private static long parseSeed(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new Main.UsageException("--random needs an integer seed, got '" + s + "'");
    }
  }

  /** Standard normal floats, integers in [0, 10), random bools: with the program's (upper-bound) shape. */
  static Tensor randomTensor(TensorInfo t, Random r) {
    long[] shape = t.sizes().stream().mapToLong(Integer::longValue).toArray();
    int n = Math.toIntExact(t.nbytes() / t.dtype().elementSize());
    ScalarType d = t.dtype();
    return switch (d) {
      case FLOAT -> {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = (float) r.nextGaussian();
        }
        yield Tensor.fromArray(a, shape);
      }
      case DOUBLE -> {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.nextGaussian();
        }
        yield Tensor.fromArray(a, shape);
      }
      case HALF, BFLOAT16 -> {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
          float x = (float) r.nextGaussian();
          a[i] = d == ScalarType.HALF ? Float.floatToFloat16(x) : (short) (Float.floatToIntBits(x) >>> 16);
        }
        yield Tensor.fromBits(d, a, shape);
      }
      case INT -> {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.nextInt(10);
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
      case BOOL -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.nextBoolean();
        }
        yield Tensor.fromArray(a, shape);
      }
      case SHORT, UINT16 -> {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
          a[i] = (short) r.nextInt(10);
        }
        yield Tensor.fromBits(d, a, shape);
      }
      case CHAR, BYTE -> {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
          a[i] = (byte) r.nextInt(10);
        }
        yield d == ScalarType.CHAR ? Tensor.fromArray(a, shape) : Tensor.fromUnsignedArray(a, shape);
      }
      default -> throw new IllegalArgumentException("cannot make random " + d.displayName() + " inputs");
    };
  }

  static String render(EValue v) {
    switch (v) {
      case EValue.Int(long x) -> {
        return "int " + x;
      }
      case EValue.Double(double x) -> {
        return "double " + x;
      }
      case EValue.Bool(boolean x) -> {
        return "bool " + x;
      }
      case EValue.Str(String x) -> {
        return "string '" + x + "'";
      }
      case EValue.None n -> {
        return "None";
      }
      default -> {}
    }
    if (!(v instanceof EValue.TensorValue(Tensor t))) {
      return v.toString();
    }
    StringBuilder sb = new StringBuilder(t.describe()).append(" [");
    long n = t.numel();
    int shown = (int) Math.min(n, 8);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      double x = t.elementAsDouble(i);
      sb.append(t.dtype().isFloatingPoint() ? String.format("%.6g", x) : String.valueOf((long) x));
    }
    if (n > shown) {
      sb.append(", ... (").append(n).append(" values)");
    }
    sb.append(']');
    if (t.dtype().isFloatingPoint() && n > 1 && n <= 100_000) {
      int best = 0;
      for (int i = 1; i < n; i++) {
        if (t.elementAsDouble(i) > t.elementAsDouble(best)) {
          best = i;
        }
      }
      sb.append(" argmax ").append(best);
    }
    return sb.toString();
  }
}
