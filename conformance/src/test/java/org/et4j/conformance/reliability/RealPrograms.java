package org.et4j.conformance.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;

/**
 * The real programs the reliability tests start from: every committed conformance program
 * (.pte, and the program inside each .bpte, with its .ptd when it has one, and its first test
 * case's inputs) and ExecuTorch's own sample files when {@code ../shared/fixtures/upstream} is
 * there.
 */
final class RealPrograms {
  private RealPrograms() {}

  /** A program, its external data, and the inputs its bundle tests each method with. */
  record Target(String name, byte[] program, byte[][] ptd, Map<String, List<EValue>> inputs, ProgramSites sites) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final Path FIXTURES = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");

  static final Path UPSTREAM =
      Path.of(System.getProperty("et4j.shared.dir", "../../shared")).resolve("fixtures/upstream");

  static final String[] UPSTREAM_FILES = {
    "add.pte", "add_with_constant.pte", "module_linear_no_constant_segment.pte", "bundled_program.bpte",
    "keyword_spotting_cortex_m.pte", "stories260k_qnn.pte"
  };

  private static List<Target> all;

  /** Every target, in a stable order (file names sorted). */
  static synchronized List<Target> all() {
    if (all == null) {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(FIXTURES)) {
        s.filter(p -> p.toString().endsWith(".pte") || p.toString().endsWith(".bpte")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String name : UPSTREAM_FILES) {
        Path p = UPSTREAM.resolve(name);
        if (Files.exists(p)) {
          files.add(p);
        }
      }
      List<Target> out = new ArrayList<>();
      for (Path p : files) {
        out.add(target(p));
      }
      all = List.copyOf(out);
    }
    return all;
  }

  /** True when the upstream fixtures are present (they live outside the repository). */
  static boolean hasUpstream() {
    return Files.exists(UPSTREAM.resolve("add.pte"));
  }

  static Target target(Path file) {
    String fileName = file.getFileName().toString();
    byte[] bytes = read(file);
    Path ptdPath = file.resolveSibling(fileName.replaceAll("\\.b?pte$", ".ptd"));
    byte[][] ptd = Files.exists(ptdPath) ? new byte[][] {read(ptdPath)} : new byte[0][];
    Map<String, List<EValue>> inputs = new LinkedHashMap<>();
    byte[] program = bytes;
    if (fileName.endsWith(".bpte")) {
      program = programOfBundle(bytes);
      try (BundledProgram bundle = BundledProgram.load(
          java.lang.foreign.MemorySegment.ofArray(bytes),
          Stream.of(ptd).map(java.lang.foreign.MemorySegment::ofArray).toArray(java.lang.foreign.MemorySegment[]::new))) {
        for (String m : bundle.testedMethods()) {
          List<BundledProgram.TestCase> cases = bundle.testCases(m);
          if (!cases.isEmpty()) {
            inputs.put(m, copies(cases.get(0).inputs()));
          }
        }
      }
    }
    String parent = file.getParent().getFileName().toString();
    return new Target(parent + "/" + fileName, program, ptd, Map.copyOf(inputs), ProgramSites.of(program));
  }

  /** Inputs that outlive the bundle they were decoded from. */
  private static List<EValue> copies(List<EValue> values) {
    List<EValue> out = new ArrayList<>();
    for (EValue v : values) {
      out.add(v instanceof EValue.TensorValue(org.et4j.runtime.Tensor t) ? EValue.from(t.copy()) : v);
    }
    return List.copyOf(out);
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The .pte inside a (trusted, committed) .bpte: BundledProgram's field 2, a byte vector. */
  static byte[] programOfBundle(byte[] bpte) {
    ByteBuffer bb = ByteBuffer.wrap(bpte).order(ByteOrder.LITTLE_ENDIAN);
    int root = bb.getInt(0);
    int vtable = root - bb.getInt(root);
    int field = root + Short.toUnsignedInt(bb.getShort(vtable + 4 + 2 * 2));
    int vector = field + bb.getInt(field);
    int length = bb.getInt(vector);
    return java.util.Arrays.copyOfRange(bpte, vector + 4, vector + 4 + length);
  }
}
