package org.et4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line options: positional arguments, boolean flags, and options with values (an
 * option may repeat; a valued option takes every following argument that does not start with
 * "--", so {@code --input a.npy b.npy} works).
 */
final class Options {
  private final List<String> positional = new ArrayList<>();
  private final Set<String> flags = new HashSet<>();
  private final Map<String, List<String>> values = new HashMap<>();

  static Options parse(String[] args, Set<String> knownFlags, Set<String> knownValued) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--verbose")) {
        o.flags.add(a);
      } else if (knownFlags.contains(a)) {
        o.flags.add(a);
      } else if (knownValued.contains(a)) {
        List<String> vs = o.values.computeIfAbsent(a, k -> new ArrayList<>());
        int before = vs.size();
        while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          vs.add(args[++i]);
        }
        if (vs.size() == before) {
          throw new Main.UsageException(a + " needs a value");
        }
      } else if (a.startsWith("--")) {
        throw new Main.UsageException("unknown option " + a);
      } else {
        o.positional.add(a);
      }
    }
    return o;
  }

  boolean flag(String name) {
    return flags.contains(name);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  String one(String name, String fallback) {
    List<String> v = all(name);
    if (v.size() > 1) {
      throw new Main.UsageException(name + " takes one value, got " + v);
    }
    return v.isEmpty() ? fallback : v.get(0);
  }

  int intValue(String name, int fallback) {
    String v = one(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new Main.UsageException(name + " needs an integer, got '" + v + "'");
    }
  }

  double doubleValue(String name, double fallback) {
    String v = one(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new Main.UsageException(name + " needs a number, got '" + v + "'");
    }
  }

  /** The single positional file argument, which must exist. */
  Path file(String what) {
    if (positional.size() != 1) {
      throw new Main.UsageException("expected one " + what + " file, got " + positional);
    }
    return existing(positional.get(0));
  }

  /** The paths given to {@code --ptd}, which must exist. */
  Path[] ptds() {
    return all("--ptd").stream().map(Options::existing).toArray(Path[]::new);
  }

  static Path existing(String p) {
    Path path = Path.of(p);
    if (!Files.isRegularFile(path)) {
      throw new Main.UsageException("no such file: " + p);
    }
    return path;
  }
}
