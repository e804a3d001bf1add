package org.et4j.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.et4j.runtime.EValue;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.ModelPool;
import org.et4j.runtime.Module;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;

/**
 * Forwards per second of one model served from 1, 2, 4 and 8 caller threads: with a {@link
 * ModelPool} of one method per caller (zero-copy: wrapped inputs, outputs into the caller's
 * array), and, for comparison, with one {@link Module}, whose lock serialises the callers (as
 * ExecuTorch's Android Module, or a global workspace, does). Kernels run on their caller's thread
 * ({@code LoadOptions.threads(1)}), so the scaling measured is the callers', not the compute
 * pool's.
 *
 * <p>Each point is warmed, then timed over several rounds; the median round is reported, with
 * the lowest and highest. On a machine with P cores, the pool should scale to about P callers and
 * hold there; the module should stay flat.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.et4j.benchmarks.PoolThroughput [model.pte] [--seconds S] [--rounds R] [--warmup S]
 * [--callers 1,2,4,8]} (default: conformance/fixtures/digits_cnn/digits_cnn.portable.pte, 1 s
 * rounds, 5 rounds, 2 s warm-up).
 */
public final class PoolThroughput {
  private PoolThroughput() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of("conformance/fixtures/digits_cnn/digits_cnn.portable.pte");
    double seconds = 1;
    int rounds = 5;
    double warmup = 2;
    int[] callers = {1, 2, 4, 8};
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--callers" -> callers = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> model = Path.of(args[i]);
      }
    }
    LoadOptions options = LoadOptions.builder().threads(1).build();
    System.out.printf("model %s, %d processors, %d rounds of %.1f s after %.1f s warm-up%n",
        model, Runtime.getRuntime().availableProcessors(), rounds, seconds, warmup);
    // Compile first: on a loaded machine the JIT's threads get little CPU, and the first point
    // measured would otherwise time the interpreter.
    for (int k = 0; k < 3; k++) {
      point(model, options, 1, seconds, 1, warmup);
    }
    System.out.println("| callers | ModelPool forwards/s (median, min-max) | Module forwards/s (median, min-max) |");
    System.out.println("|---:|---:|---:|");
    for (int n : callers) {
      double[][] both = point(model, options, n, seconds, rounds, warmup);
      System.out.printf("| %d | %s | %s |%n", n, render(both[0]), render(both[1]));
    }
  }

  /** One row: forwards per second of each round with the pool, then with the module. */
  private static double[][] point(Path model, LoadOptions options, int n, double seconds, int rounds, double warmup)
      throws Exception {
    {
      double[] pool;
      try (ModelPool p = ModelPool.load(model, options, "forward", n)) {
        MethodMeta meta = p.program().methodMeta("forward");
        pool = measure(n, seconds, rounds, warmup, meta, (input, into) ->
            p.withMethod(Duration.ofMinutes(1), m -> {
              m.setInput(0, input);
              m.execute();
              return m.output(0, into);
            }));
      }
      double[] module;
      try (Module m = Module.load(model, options)) {
        MethodMeta meta = m.methodMeta("forward");
        module = measure(n, seconds, rounds, warmup, meta, (input, into) -> m.forward(input));
      }
      return new double[][] {pool, module};
    }
  }

  private interface Call {
    void run(EValue input, Tensor into);
  }

  private static String render(double[] perSecond) {
    double[] s = perSecond.clone();
    Arrays.sort(s);
    return String.format("%.0f (%.0f-%.0f)", s[s.length / 2], s[0], s[s.length - 1]);
  }

  /** Forwards per second in each round, {@code callers} threads calling as fast as they can. */
  private static double[] measure(int callers, double seconds, int rounds, double warmup, MethodMeta meta, Call call)
      throws Exception {
    TensorInfo in = meta.inputs().get(0).tensor();
    TensorInfo out = meta.outputs().get(0).tensor();
    if (in == null || in.dtype() != ScalarType.FLOAT || out == null || out.dtype() != ScalarType.FLOAT) {
      throw new IllegalArgumentException("the harness needs a float32 tensor input 0 and output 0");
    }
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch ready = new CountDownLatch(callers);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < callers; t++) {
      long seed = t;
      Thread th = new Thread(() -> {
        float[] x = new float[(int) (in.nbytes() / 4)];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextDouble();
        }
        EValue input = EValue.from(Tensor.wrap(x, in.sizes().stream().mapToLong(Integer::longValue).toArray()));
        Tensor into = Tensor.wrap(new float[(int) (out.nbytes() / 4)], out.sizes().stream().mapToLong(Integer::longValue).toArray());
        ready.countDown();
        try {
          while (!stop.get()) {
            call.run(input, into);
            done.increment();
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "caller-" + t);
      th.start();
      threads.add(th);
    }
    ready.await();
    Thread.sleep((long) (warmup * 1000));
    double[] perSecond = new double[rounds];
    for (int k = 0; k < rounds; k++) {
      long before = done.sum();
      long t0 = System.nanoTime();
      Thread.sleep((long) (seconds * 1000));
      perSecond[k] = (done.sum() - before) / ((System.nanoTime() - t0) / 1e9);
    }
    stop.set(true);
    for (Thread th : threads) {
      th.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a caller failed", failures.get(0));
    }
    return perSecond;
  }
}
