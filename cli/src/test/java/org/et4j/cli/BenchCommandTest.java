package org.et4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.et4j.conformance.JsonReader;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  private static final Path FIXTURES = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");
  private static final String MLP = FIXTURES.resolve("mlp/mlp.portable.bpte").toString();

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void jsonCarriesExecuTorchsMetricNamesAndEt4jsExtras() {
    Result r = run("bench", MLP, "--iterations", "20", "--warmup", "2", "--random", "3", "--json");
    assertThat(r.status()).as(r.err()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) JsonReader.parse(r.out());
    assertThat(report).containsEntry("method", "forward").containsEntry("model", MLP);
    assertThat(((Number) report.get("iterations")).intValue()).isEqualTo(20);
    assertThat(((Number) report.get("warmup")).intValue()).isEqualTo(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) report.get("metrics");
    for (String name : List.of(
        "model_load_time(ms)", "first_inference_latency(ms)", "avg_inference_latency(ms)",
        "trimmean_inference_latency(ms)", "p50_inference_latency(ms)", "p95_inference_latency(ms)",
        "p99_inference_latency(ms)", "min_inference_latency(ms)", "max_inference_latency(ms)",
        "peak_heap_usage(mb)", "peak_rss(mb)")) {
      assertThat(m.get(name)).as(name).isInstanceOf(Number.class);
      assertThat(((Number) m.get(name)).doubleValue()).as(name).isPositive();
    }
    double min = num(m, "min_inference_latency(ms)");
    double p50 = num(m, "p50_inference_latency(ms)");
    double p99 = num(m, "p99_inference_latency(ms)");
    double max = num(m, "max_inference_latency(ms)");
    assertThat(min).isLessThanOrEqualTo(p50);
    assertThat(p50).isLessThanOrEqualTo(num(m, "p95_inference_latency(ms)"));
    assertThat(p99).isLessThanOrEqualTo(max);
    assertThat(num(m, "trimmean_inference_latency(ms)")).isBetween(min, max);
    assertThat(num(m, "allocated_bytes_per_inference")).isGreaterThanOrEqualTo(0);
    assertThat(m).containsKey("time_to_steady_state(ms)").containsKey("allocated_bytes_per_inference_all_threads");
    assertThat(((Number) m.get("load_status")).intValue()).isZero();
  }

  @Test
  void textReportListsEveryMetric() {
    Result r = run("bench", MLP, "--iterations", "3", "--warmup", "0");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("model_load_time(ms)", "first_inference_latency(ms)", "trimmean_inference_latency(ms)",
        "peak_rss(mb)", "allocated_bytes_per_inference", "3 timed run(s)");
  }

  @Test
  void badArgumentsGiveOneErrorLineAndUsageStatus() {
    List<String[]> bad = List.of(
        new String[] {"bench"},
        new String[] {"bench", "no-such-file.pte"},
        new String[] {"bench", MLP, "--iterations", "0"},
        new String[] {"bench", MLP, "--warmup", "-1"},
        new String[] {"bench", MLP, "--iterations", "many"},
        new String[] {"bench", MLP, "--threads", "0"},
        new String[] {"bench", MLP, "--input", "a.npy", "--random", "1"},
        new String[] {"bench", MLP, "--frobnicate"},
        new String[] {"bench", MLP, "--method", "nope"});
    for (String[] args : bad) {
      Result r = run(args);
      String what = String.join(" ", args);
      assertThat(r.status()).as(what).isEqualTo(1);
      assertThat(r.out()).as(what).isEmpty();
      assertThat(r.err().lines().filter(l -> l.startsWith("error: ")).count()).as(what + ": " + r.err()).isEqualTo(1);
    }
  }

  @Test
  void trimmedMeanDropsTheLowestAndHighestTenth() {
    long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1000};
    assertThat(BenchCommand.trimmedMean(sorted)).isEqualTo((2 + 3 + 4 + 5 + 6 + 7 + 8 + 9) / 8.0);
    assertThat(BenchCommand.trimmedMean(new long[] {7})).isEqualTo(7.0);
  }

  @Test
  void steadyStateStartsAtTheFirstLongEnoughStretchNearTheMedian() {
    // Runs of 10 ms start every 10 ms after a first inference at t = 0; runs 0-2 are slow (JIT),
    // run 3 is fast once, run 4 slow again, runs 5-9 steady.
    long[] nanos = {90, 50, 40, 10, 30, 10, 11, 10, 12, 10, 10};
    long[] starts = new long[nanos.length];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = (i + 1) * 100L;
    }
    long[] scaled = Arrays.stream(nanos).map(x -> x * 1_000_000).toArray();
    long[] at = Arrays.stream(starts).map(x -> x * 1_000_000).toArray();
    assertThat(BenchCommand.timeToSteadyState(0, at, scaled, 10e6)).isEqualTo(600.0);
    assertThat(BenchCommand.timeToSteadyState(0, Arrays.copyOf(at, 8), Arrays.copyOf(scaled, 8), 10e6)).isNull();
  }

  private static double num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }
}
