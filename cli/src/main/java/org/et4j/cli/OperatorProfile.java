package org.et4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.devtools.ETDump;

/**
 * Per-operator totals of the {@code Execute} runs of an ETDump, et4j's or ExecuTorch's alike: a
 * row per operator (the kernel calls of one operator, from their {@code OPERATOR_CALL} spans),
 * per delegate node kind (the delegate's own events, {@code " #<n>"} dropped) and per delegate
 * for the time its call spends outside its nodes.
 */
final class OperatorProfile {
  /** One row; durations in nanoseconds, one per call. */
  record Row(String name, String kind, long[] nanos) {
    long total() {
      long t = 0;
      for (long n : nanos) {
        t += n;
      }
      return t;
    }

    int calls() {
      return nanos.length;
    }

    double meanMs() {
      return nanos.length == 0 ? 0 : total() / 1e6 / nanos.length;
    }

    double p50Ms() {
      if (nanos.length == 0) {
        return 0;
      }
      long[] s = nanos.clone();
      Arrays.sort(s);
      return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e6;
    }
  }

  final List<Row> rows;
  final int runs;
  /** Sum of the runs' {@code Method::execute} spans. */
  final long executeNanos;

  private OperatorProfile(List<Row> rows, int runs, long executeNanos) {
    this.rows = rows;
    this.runs = runs;
    this.executeNanos = executeNanos;
  }

  /**
   * @param operators the operator of each kernel call, by {@code chain + ":" + instruction}; an
   *     instruction not in it is named by its instruction id
   * @param backends the backend of each delegate call, by the same key
   */
  static OperatorProfile of(ETDump dump, Map<String, String> operators, Map<String, String> backends) {
    Map<String, List<Long>> times = new LinkedHashMap<>();
    Map<String, String> kinds = new LinkedHashMap<>();
    int runs = 0;
    long execute = 0;
    for (ETDump.RunData run : dump.runs()) {
      if (!run.name().equals("Execute")) {
        continue;
      }
      runs++;
      // Delegate node time per DelegateCall, to find the time the call spends outside them.
      Map<String, Long> nodeTime = new LinkedHashMap<>();
      for (ETDump.Event e : run.events()) {
        if (!(e instanceof ETDump.ProfileEvent p)) {
          continue;
        }
        String key = p.chainIndex() + ":" + p.instructionId();
        if (p.isDelegated()) {
          String node = p.displayName().replaceFirst(" #\\d+$", "");
          String backend = backends.getOrDefault(key, "delegate");
          add(times, kinds, backend + ": " + node, "delegate node", p.duration());
          nodeTime.merge(key, p.duration(), Long::sum);
        } else if ("OPERATOR_CALL".equals(p.name())) {
          add(times, kinds, operators.getOrDefault(key, "instruction " + key), "operator", p.duration());
        } else if ("DELEGATE_CALL".equals(p.name())) {
          String backend = backends.getOrDefault(key, "delegate");
          long outside = p.duration() - nodeTime.getOrDefault(key, 0L);
          add(times, kinds, backend + " (call, outside its nodes)", "delegate", Math.max(0, outside));
          nodeTime.remove(key);
        } else if ("Method::execute".equals(p.name())) {
          execute += p.duration();
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (var e : times.entrySet()) {
      rows.add(new Row(e.getKey(), kinds.get(e.getKey()), e.getValue().stream().mapToLong(Long::longValue).toArray()));
    }
    rows.sort(Comparator.comparingLong(Row::total).reversed());
    return new OperatorProfile(rows, runs, execute);
  }

  private static void add(Map<String, List<Long>> times, Map<String, String> kinds, String name, String kind, long nanos) {
    times.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos);
    kinds.putIfAbsent(name, kind);
  }

  Row row(String name) {
    for (Row r : rows) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  double share(Row r) {
    return executeNanos == 0 ? 0 : 100.0 * r.total() / executeNanos;
  }
}
