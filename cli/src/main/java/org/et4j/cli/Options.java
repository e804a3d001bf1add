package org.et4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.et4j.runtime.LoadOptions;

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

  /** The options of {@link #loadOptions()}: every command that loads a program takes them. */
  static final Set<String> LOAD_VALUED =
      Set.of("--ptd", "--verification", "--max-planned-memory", "--file-access", "--xnnpack", "--xnnpack-native");

  /** {@code known} plus {@link #LOAD_VALUED}. */
  static Set<String> withLoadOptions(Set<String> known) {
    return Set.copyOf(Stream.concat(known.stream(), LOAD_VALUED.stream()).toList());
  }

  /**
   * The program's {@link LoadOptions} from {@code --ptd FILE...}, {@code --verification
   * full|minimal}, {@code --max-planned-memory BYTES} (a plain number, or with a K, M or G suffix
   * for KiB, MiB, GiB), {@code --file-access map|read}, {@code --xnnpack java|native|auto} and
   * {@code --xnnpack-native PATH} (backend options); {@code threads} (0: the default).
   */
  LoadOptions loadOptions(int threads) {
    LoadOptions.Builder b = LoadOptions.builder().externalData(ptds()).threads(threads);
    String verification = one("--verification", null);
    if (verification != null) {
      b.verification(LoadOptions.Verification.parse(verification));
    }
    String access = one("--file-access", null);
    if (access != null) {
      b.fileAccess(LoadOptions.FileAccess.parse(access));
    }
    String cap = one("--max-planned-memory", null);
    if (cap != null) {
      b.maxPlannedMemory(bytes("--max-planned-memory", cap));
    }
    String xnnpack = one("--xnnpack", null);
    if (xnnpack != null) {
      if (!Set.of("java", "native", "auto").contains(xnnpack)) {
        throw new Main.UsageException("--xnnpack must be java, native or auto, got '" + xnnpack + "'");
      }
      b.backendOption("xnnpack", xnnpack);
    }
    String xnnpackNative = one("--xnnpack-native", null);
    if (xnnpackNative != null) {
      b.backendOption("xnnpack.native.path", xnnpackNative);
    }
    return b.build();
  }

  /** {@code 1048576}, {@code 512K}, {@code 64M}, {@code 8G}. */
  static long bytes(String option, String value) {
    String v = value.trim().toUpperCase(java.util.Locale.ROOT);
    long unit = 1;
    if (v.endsWith("K") || v.endsWith("M") || v.endsWith("G")) {
      unit = switch (v.charAt(v.length() - 1)) {
        case 'K' -> 1L << 10;
        case 'M' -> 1L << 20;
        default -> 1L << 30;
      };
      v = v.substring(0, v.length() - 1);
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0 && n <= Long.MAX_VALUE / unit) {
        return n * unit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Main.UsageException(
        option + " needs a positive number of bytes (e.g. 1073741824, 512M, 8G), got '" + value + "'");
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
