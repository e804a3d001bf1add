package org.et4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the {@code et4j} CLI, through {@link Main#run} as the launcher calls it: the
 * success paths on committed models, usage errors (status 1), and hostile inputs (damaged .pte,
 * .bpte and .npy files), which must print exactly one {@code error:} line and exit with status 2.
 */
class CliTest {
  static final Path FIXTURES = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");
  static final Path DIGITS = FIXTURES.resolve("digits_cnn/digits_cnn.portable.pte");
  static final Path DIGITS_NPY = FIXTURES.resolve("digits_cnn/digits_test.npy");
  static final Path LABELS = FIXTURES.resolve("digits_cnn/digits_test_labels.npy");

  @TempDir Path tmp;

  /** What one command printed and returned. */
  record Result(int status, String out, String err) {
    String[] errLines() {
      return err.isEmpty() ? new String[0] : err.split("\\R");
    }

    /** Status 2 and one line, {@code error: <Code (0x..)>: <what>}. */
    void assertOneErrorLine(String... contains) {
      assertThat(status).as("status; stderr: " + err).isEqualTo(2);
      assertThat(errLines()).as("stderr: " + err).hasSize(1);
      assertThat(errLines()[0]).startsWith("error: ").matches("error: [A-Za-z]+ \\(0x[0-9a-f]+\\): .*");
      for (String c : contains) {
        assertThat(errLines()[0]).contains(c);
      }
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Main.run(args, o, e);
    }
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  // ---- usage ----

  @Test
  void usage() {
    Result none = run();
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("usage: et4j");
    Result help = run("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("inspect", "run", "verify");
    Result unknown = run("frobnicate");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("error: unknown command 'frobnicate'");
    Result missing = run("inspect", tmp.resolve("nope.pte").toString());
    assertThat(missing.status()).isNotZero();
    assertThat(missing.err()).startsWith("error: ");
    assertThat(run("run", DIGITS.toString(), "--iterations", "0").status()).isEqualTo(1);
    assertThat(run("run", DIGITS.toString(), "--random", "x").status()).isEqualTo(1);
    assertThat(run("run", DIGITS.toString(), "--random", "1", "--input", DIGITS_NPY.toString()).status()).isEqualTo(1);
  }

  // ---- inspect ----

  @Test
  void inspectPrintsLayoutMethodsAndOperators() {
    Result r = run("inspect", DIGITS.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("forward", "aten::");
    Result json = run("inspect", DIGITS.toString(), "--json");
    assertThat(json.status()).as(json.err()).isZero();
    assertThat(json.out().strip()).startsWith("{").endsWith("}").contains("\"forward\"");
    Result bundle = run("inspect", FIXTURES.resolve("mlp/mlp.ptd.bpte").toString(), "--ptd",
        FIXTURES.resolve("mlp/mlp.ptd.ptd").toString());
    assertThat(bundle.status()).as(bundle.err()).isZero();
  }

  @Test
  void inspectOfADamagedProgramIsOneErrorLine() throws IOException {
    byte[] pte = Files.readAllBytes(DIGITS);
    run("inspect", write("truncated.pte", Arrays.copyOf(pte, pte.length / 3)).toString()).assertOneErrorLine();
    byte[] zeros = new byte[512];
    run("inspect", write("zeros.pte", zeros).toString()).assertOneErrorLine("InvalidProgram");
    run("inspect", write("empty.pte", new byte[0]).toString()).assertOneErrorLine();
  }

  // ---- run ----

  @Test
  void runOnNpyInputsReportsOutputsAccuracyAndLatency() {
    Result r = run("run", DIGITS.toString(), "--input", DIGITS_NPY.toString(), "--labels", LABELS.toString(),
        "--iterations", "2", "--threads", "1");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("accuracy:");
    Result random = run("run", FIXTURES.resolve("mlp/mlp.portable.bpte").toString(), "--random", "7");
    assertThat(random.status()).as(random.err()).isZero();
  }

  @Test
  void runOfADamagedProgramIsOneErrorLine() throws IOException {
    byte[] pte = Files.readAllBytes(DIGITS);
    run("run", write("cut.pte", Arrays.copyOf(pte, pte.length - 100)).toString(), "--random", "0")
        .assertOneErrorLine();
  }

  // ---- hostile .npy inputs: one error line, status 2 ----

  @Test
  void truncatedNpy() throws IOException {
    byte[] full = Files.readAllBytes(DIGITS_NPY);
    npyFails(Arrays.copyOf(full, full.length - 4), "needs 25600 data bytes, the file holds 25596");
    npyFails(Arrays.copyOf(full, 11), "");
    npyFails(Arrays.copyOf(full, 9), "not a .npy file");
    npyFails(new byte[0], "not a .npy file");
  }

  @Test
  void oversizedNpy() throws IOException {
    byte[] full = Files.readAllBytes(DIGITS_NPY);
    npyFails(Arrays.copyOf(full, full.length + 64), "the file holds 25664");
    npyFails(npy("<f4", "(100000, 100000, 100000, 100000)", new byte[16]), "needs more than 2^63");
    npyFails(npy("<f4", "(3000000000,)", new byte[16]), "out of range");
    npyFails(npy("<f4", "(100, 1, 8, 8)", new byte[4]), "needs 25600 data bytes");
  }

  @Test
  void wrongDtypeNpy() {
    // The right shape as int32: the method's input is float32.
    npyFails(npy("<i4", "(100, 1, 8, 8)", new byte[25600]), "InvalidArgument", "dtype");
    npyFails(npy("<c8", "(2,)", new byte[16]), "unsupported dtype '<c8'");
    npyFails(npy(">f4", "(2,)", new byte[8]), "unsupported dtype '>f4'");
    npyFails(npy("<f4", "(100, 64)", new byte[25600]), "");
  }

  @Test
  void hostileNpyHeaders() {
    npyFails(npy("<f4", "(1, x)", new byte[4]), "is not an integer");
    npyFails(npy("<f4", "(-1,)", new byte[4]), "out of range");
    npyFails(npy("<f4", "(99999999999999999999999,)", new byte[4]), "is not an integer");
    npyFails(header(1, "{'fortran_order': False, 'shape': (1,), }", new byte[4]), "has no descr");
    npyFails(header(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4]), "has no fortran_order");
    npyFails(header(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new byte[4]), "Fortran-order");
    npyFails(header(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[4]), "has no shape");
    npyFails(header(9, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]), "version 9");
    byte[] lying = npy("<f4", "(1,)", new byte[4]);
    ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 0xFFFF);
    npyFails(lying, "exceeds the file");
    byte[] v2 = header(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -5);
    npyFails(v2, "exceeds the file");
    npyFails(header(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[0]), "needs 4");
  }

  @Test
  void hostileLabelsNpy() throws IOException {
    Path labels = write("labels.npy", npy("<i8", "(100,)", new byte[17]));
    run("run", DIGITS.toString(), "--input", DIGITS_NPY.toString(), "--labels", labels.toString())
        .assertOneErrorLine("labels.npy");
  }

  // ---- verify ----

  @Test
  void verifyPassesOnACommittedBundleAndFailsOnAProgramWithoutTests() throws IOException {
    Result ok = run("verify", FIXTURES.resolve("mlp/mlp.portable.bpte").toString());
    assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
    Result withPtd = run("verify", FIXTURES.resolve("mlp/mlp.ptd.bpte").toString(), "--ptd",
        FIXTURES.resolve("mlp/mlp.ptd.ptd").toString());
    assertThat(withPtd.status()).as(withPtd.out() + withPtd.err()).isZero();
    Result notBundle = run("verify", DIGITS.toString());
    assertThat(notBundle.status()).isNotZero();
    assertThat(notBundle.errLines()).hasSize(1);
    byte[] bpte = Files.readAllBytes(FIXTURES.resolve("mlp/mlp.portable.bpte"));
    run("verify", write("cut.bpte", Arrays.copyOf(bpte, bpte.length / 2)).toString()).assertOneErrorLine();
    assertThat(run("verify", FIXTURES.resolve("mlp/mlp.portable.bpte").toString(), "--rtol", "abc").status())
        .isEqualTo(1);
  }

  private void npyFails(byte[] npy, String... contains) {
    Path p;
    try {
      p = write("input.npy", npy);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    run("run", DIGITS.toString(), "--input", p.toString()).assertOneErrorLine(contains);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  static byte[] npy(String descr, String shape, byte[] data) {
    return header(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
  }

  /** A .npy file of format {@code major} with {@code dict} as its header. */
  static byte[] header(int major, String dict, byte[] data) {
    int prefix = major == 1 ? 10 : 12;
    StringBuilder h = new StringBuilder(dict);
    while ((prefix + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer bb = ByteBuffer.allocate(prefix + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
    if (major == 1) {
      bb.putShort((short) hb.length);
    } else {
      bb.putInt(hb.length);
    }
    bb.put(hb).put(data);
    return bb.array();
  }
}
