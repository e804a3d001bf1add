package org.et4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code manifest.json} of a fixture folder (format: conformance/README.md). */
public final class Manifest {
  private Manifest() {}

  @SuppressWarnings("unchecked")
  public static List<FixtureCase> read(Path folder) {
    Path file = folder.resolve("manifest.json");
    Map<String, Object> root;
    try {
      root = (Map<String, Object>) JsonReader.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<FixtureCase> out = new ArrayList<>();
    for (Object o : (List<Object>) root.getOrDefault("cases", List.of())) {
      Map<String, Object> c = (Map<String, Object>) o;
      Set<String> ops = new LinkedHashSet<>();
      Map<String, Double> err = new LinkedHashMap<>();
      Map<String, Double> scale = new LinkedHashMap<>();
      Map<String, double[]> perOutput = new LinkedHashMap<>();
      for (Object mo : (List<Object>) c.getOrDefault("methods", List.of())) {
        Map<String, Object> m = (Map<String, Object>) mo;
        for (Object op : (List<Object>) m.getOrDefault("operators", List.of())) {
          ops.add((String) op);
        }
        double e = 0;
        double s = 0;
        List<Object> errors = (List<Object>) m.getOrDefault("error_vs_eager", List.of());
        double[] own = new double[errors.size()];
        for (int i = 0; i < own.length; i++) {
          Map<String, Object> em = (Map<String, Object>) errors.get(i);
          e = Math.max(e, number(em.get("max_abs")));
          s = Math.max(s, number(em.get("ref_max_abs")));
          own[i] = number(em.get("max_abs")) / Math.max(1.0, number(em.get("ref_max_abs")));
        }
        perOutput.put((String) m.get("name"), own);
        err.put((String) m.get("name"), e);
        scale.put((String) m.get("name"), s);
      }
      List<String> delegates = new ArrayList<>();
      for (Object d : (List<Object>) c.getOrDefault("delegates", List.of())) {
        delegates.add(String.valueOf(d));
      }
      String bpte = (String) c.get("bpte");
      String ptd = (String) c.get("ptd");
      out.add(new FixtureCase(
          (String) c.get("model"),
          (String) c.get("variant"),
          bpte == null ? null : folder.resolve(bpte),
          ptd == null ? null : folder.resolve(ptd),
          Boolean.TRUE.equals(c.get("stateful")),
          (String) c.get("skipped"),
          List.copyOf(ops),
          delegates,
          err,
          scale,
          perOutput));
    }
    return out;
  }

  private static double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : 0.0;
  }
}
