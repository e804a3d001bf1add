package org.et4j.backends.xnnpack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.et4j.runtime.Program;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.CompileSpec;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.delegate.NamedDataMap;
import org.et4j.runtime.delegate.TensorLayout;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * Real XNNPACK payloads, taken out of the repository's conformance fixtures
 * ({@code conformance/fixtures/<model>/<model>.xnnpack*.bpte}, with the {@code .ptd} beside it when
 * the model keeps its weights outside): each delegate's processed bytes exactly as the runtime hands
 * them to {@code XnnpackBackend.init}, and the program's named data (its own merged with the
 * .ptd), copied so that the files can be closed. A payload then goes to
 * {@code new XnnpackBackend().init(context(namedData), payload, List.of())} directly.
 *
 * <p>The bytes are captured through a stand-in backend registered under the XNNPACK id while the
 * method loads, rather than by slicing segments out of the file: that follows the program's own
 * delegate table (inline data or segment, and the program inside a bundle) without repeating it.
 */
final class XnnPayloadFixtures {
  private XnnPayloadFixtures() {}

  /** One delegate payload of one fixture. */
  record Payload(String fixture, Path file, List<Path> ptd, String method, int delegate, byte[] bytes,
      Map<String, byte[]> namedData) {
    @Override
    public String toString() {
      return fixture + " " + method + " delegate " + delegate + " (" + bytes.length + " bytes)";
    }
  }

  /** The repository root (surefire passes it; otherwise the nearest folder with mvnw). */
  static Path repo() {
    String p = System.getProperty("et4j.repo.dir");
    if (p != null) {
      return Path.of(p);
    }
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("mvnw"))) {
      here = here.getParent();
    }
    return here == null ? Path.of("").toAbsolutePath() : here;
  }

  /** Every {@code *.xnnpack*.bpte} under conformance/fixtures, sorted by name. */
  static List<Path> bundles() {
    Path root = repo().resolve("conformance/fixtures");
    try (Stream<Path> s = Files.walk(root, 2)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.contains(".xnnpack") && n.endsWith(".bpte");
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the conformance fixtures under " + root, e);
    }
  }

  /** The .ptd that belongs to a fixture (same name, .ptd), if there is one. */
  static List<Path> externalData(Path bpte) {
    String n = bpte.getFileName().toString();
    Path ptd = bpte.resolveSibling(n.substring(0, n.length() - ".bpte".length()) + ".ptd");
    return Files.exists(ptd) ? List.of(ptd) : List.of();
  }

  private static List<Payload> all;

  /** Every XNNPACK payload of every fixture, in fixture, method and delegate order. Cached. */
  static synchronized List<Payload> all() {
    if (all == null) {
      List<Payload> out = new ArrayList<>();
      for (Path b : bundles()) {
        out.addAll(payloadsOf(b));
      }
      if (out.isEmpty()) {
        throw new AssertionError("no XNNPACK payloads found under " + repo().resolve("conformance/fixtures"));
      }
      all = List.copyOf(out);
    }
    return all;
  }

  /** The payload of {@code fixture} (file name without extension, e.g. {@code mul2.xnnpack}), first delegate. */
  static Payload named(String fixture) {
    // Only that fixture's file is loaded: the fuzz target's start-up should not pay for all of them.
    for (Path b : bundles()) {
      if (b.getFileName().toString().equals(fixture + ".bpte")) {
        List<Payload> ps = payloadsOf(b);
        if (!ps.isEmpty()) {
          return ps.get(0);
        }
      }
    }
    throw new AssertionError("no XNNPACK payload in fixture " + fixture);
  }

  /** The payloads of one fixture file. */
  static List<Payload> payloadsOf(Path bpte) {
    List<Path> ptd = externalData(bpte);
    String name = bpte.getFileName().toString().replaceFirst("\\.bpte$", "");
    List<Payload> out = new ArrayList<>();
    try (Program program = Program.load(bpte, ptd.toArray(Path[]::new))) {
      Map<String, byte[]> named = copy(program.namedData());
      for (String method : program.methodNames()) {
        List<byte[]> captured = new ArrayList<>();
        BackendRegistry capture = BackendRegistry.builder().register(new Capture(captured)).build();
        program.loadMethod(method, KernelRegistry.defaultRegistry(), capture).close();
        for (int d = 0; d < captured.size(); d++) {
          out.add(new Payload(name, bpte, ptd, method, d, captured.get(d), named));
        }
      }
    }
    return out;
  }

  /** A copy of every blob of a named-data map. */
  static Map<String, byte[]> copy(NamedDataMap map) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String key : map.keys()) {
      map.find(key).ifPresent(s -> out.put(key, s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }
    return Map.copyOf(out);
  }

  /** A named-data map over in-memory blobs (no tensor layouts, as a .pte records none). */
  static NamedDataMap namedData(Map<String, byte[]> blobs) {
    return new NamedDataMap() {
      @Override
      public Optional<MemorySegment> find(String key) {
        byte[] b = blobs.get(key);
        return b == null ? Optional.empty() : Optional.of(MemorySegment.ofArray(b).asReadOnly());
      }

      @Override
      public Optional<TensorLayout> tensorLayout(String key) {
        return Optional.empty();
      }

      @Override
      public Set<String> keys() {
        return blobs.keySet();
      }
    };
  }

  /** The init context a method load would pass, for method "forward". */
  static BackendInitContext context(Map<String, byte[]> namedData) {
    NamedDataMap map = namedData(namedData);
    return new BackendInitContext() {
      @Override
      public String methodName() {
        return "forward";
      }

      @Override
      public NamedDataMap namedData() {
        return map;
      }
    };
  }

  /** Stands in for the XNNPACK backend at a method load and keeps a copy of each payload it is given. */
  private record Capture(List<byte[]> captured) implements Backend {
    @Override
    public String id() {
      return XnnpackBackend.ID;
    }

    @Override
    public DelegateHandle init(BackendInitContext context, MemorySegment processed, List<CompileSpec> specs) {
      captured.add(processed.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
      return args -> {};
    }
  }
}
