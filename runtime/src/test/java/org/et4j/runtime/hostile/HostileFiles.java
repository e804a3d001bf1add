package org.et4j.runtime.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.schema.bundled.BundledProgram;

/**
 * The small real files the hostile tests start from: upstream fixtures and, when the conformance
 * fixtures are present, a program with its .ptd. Each target names the file that gets damaged
 * ({@link #victim}) and the part of it worth damaging most ({@link #hotEnd}: the flatbuffer and
 * headers, where offsets live, rather than the tensor bytes after them).
 */
final class HostileFiles {
  private HostileFiles() {}

  /** Which of the two files a case damages. */
  enum Victim {
    PROGRAM,
    DATA
  }

  /**
   * A program, its optional external data, and which of them to damage.
   *
   * @param hotEnd bytes from the start of the victim that hold headers and the flatbuffer
   */
  record Target(String name, byte[] program, byte[] data, Victim victim, int hotEnd) {
    byte[] victimBytes() {
      return victim == Victim.PROGRAM ? program : data;
    }

    /** Runs the target with {@code damaged} in place of its victim. */
    HostileHarness.Outcome exercise(byte[] damaged) {
      if (victim == Victim.PROGRAM) {
        return data == null ? HostileHarness.exercise(damaged) : HostileHarness.exercise(damaged, data);
      }
      return HostileHarness.exercise(program, damaged);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final String[] UPSTREAM = {
    "add.pte", "add_with_constant.pte", "module_linear_no_constant_segment.pte", "bundled_program.bpte",
    "keyword_spotting_cortex_m.pte"
  };

  /**
   * Small bundles written by the real exporter (in the repository): control flow, mutable state,
   * scalar inputs and an XNNPACK delegate, each with test cases that the bundle API decodes.
   */
  static final String[] CONFORMANCE_BUNDLES = {
    "cond/cond.portable.bpte", "stateful_counter/stateful_counter.portable.bpte",
    "scalar_inputs/scalar_inputs.portable.bpte", "mul2/mul2.xnnpack.bpte"
  };

  /** Every target whose files exist here. */
  static List<Target> targets() {
    List<Target> out = new ArrayList<>();
    for (String name : UPSTREAM) {
      byte[] b = read(Fixtures.upstream(name));
      out.add(new Target(name, b, null, Victim.PROGRAM, programHotEnd(b)));
    }
    for (String name : CONFORMANCE_BUNDLES) {
      Path p = Fixtures.repo().resolve("conformance/fixtures").resolve(name);
      if (Files.exists(p)) {
        byte[] b = read(p);
        out.add(new Target(p.getFileName().toString(), b, null, Victim.PROGRAM, b.length));
      }
    }
    Path bpte = mlpPtdBundle();
    Path ptd = bpte.resolveSibling("mlp.ptd.ptd");
    if (Files.exists(bpte) && Files.exists(ptd)) {
      byte[] pte = programOfBundle(read(bpte));
      byte[] data = read(ptd);
      out.add(new Target("mlp.ptd.pte (+ .ptd)", pte, data, Victim.PROGRAM, programHotEnd(pte)));
      out.add(new Target("mlp.ptd.ptd (+ .pte)", pte, data, Victim.DATA, dataHotEnd(data)));
    }
    return out;
  }

  /** The conformance fixture of an MLP whose weights live in a .ptd. */
  static Path mlpPtdBundle() {
    return Fixtures.repo().resolve("conformance/fixtures/mlp/mlp.ptd.bpte");
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The .pte inside a (trusted, real) .bpte. */
  static byte[] programOfBundle(byte[] bpte) {
    ByteBuffer program =
        BundledProgram.getRootAsBundledProgram(ByteBuffer.wrap(bpte).order(ByteOrder.LITTLE_ENDIAN))
            .programAsByteBuffer();
    byte[] out = new byte[program.remaining()];
    program.get(out);
    return out;
  }

  /** program_size from the extended header, or the whole file when there is none. */
  static int programHotEnd(byte[] pte) {
    ByteBuffer bb = ByteBuffer.wrap(pte).order(ByteOrder.LITTLE_ENDIAN);
    if (pte.length >= 24 && pte[8] == 'e' && pte[9] == 'h' && pte[10] == '0' && pte[11] == '0') {
      return (int) bb.getLong(16);
    }
    return pte.length;
  }

  /** The .ptd header plus its flatbuffer. */
  static int dataHotEnd(byte[] ptd) {
    ByteBuffer bb = ByteBuffer.wrap(ptd).order(ByteOrder.LITTLE_ENDIAN);
    return (int) (bb.getLong(16) + bb.getLong(24));
  }
}
