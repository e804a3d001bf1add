package org.et4j.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.et4j.runtime.hostile.TinyProgram.Hollow;
import org.et4j.runtime.hostile.TinyProgram.IL;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.schema.bundled.BundledProgram;
import org.et4j.schema.program.InstructionArguments;
import org.junit.jupiter.api.Test;

/**
 * The seed corpora of {@link HostileFuzzTest}: small valid files of each kind, and one file per
 * loader bug the hostile tests found (named {@code regression-*}), so that each fix is replayed by
 * every {@code ./mvnw verify}. Upstream fixtures are not copied into the repository; the seeds
 * are written by {@link TinyProgram} or taken from the repository's own conformance fixtures.
 *
 * <p>Regenerate with {@code -Det4j.hostile.writeSeeds=true -Dtest=HostileSeedsTest}. Crash files that
 * Jazzer adds to the same folders while fuzzing stay there as regression seeds once fixed.
 */
class HostileSeedsTest {
  static final Path INPUTS =
      Path.of("runtime/src/test/resources/org/et4j/runtime/hostile/HostileFuzzTestInputs");

  /** The program whose value 1 is the external tensor "w" (float32[2]). */
  static TinyProgram externalData() {
    TinyProgram p = TinyProgram.add();
    p.inputs = new int[] {0};
    p.tensor(1).memoryId = null;
    p.tensor(1).fqn = "w";
    p.tensor(1).external = true;
    return p;
  }

  static byte[] externalDataProgram() {
    return externalData().build();
  }

  /** Seeds by target method, then file name. */
  static Map<String, Map<String, byte[]>> seeds() {
    Map<String, byte[]> programs = new LinkedHashMap<>();
    programs.put("tiny-add.pte", TinyProgram.add().build());
    TinyProgram header = TinyProgram.add();
    header.extendedHeader = true;
    programs.put("tiny-add-eh00.pte", header.build());
    TinyProgram constant = TinyProgram.add();
    constant.inputs = new int[] {0};
    constant.segments.add(TinyProgram.floats(10, 20));
    constant.constantOffsets = new long[] {0, 0};
    constant.tensor(1).memoryId = null;
    constant.tensor(1).dataBufferIdx = 1;
    programs.put("tiny-add-constant-segment.pte", constant.build());
    programs.put("tiny-external.pte", externalDataProgram());

    TinyProgram overflow = TinyProgram.add();
    overflow.tensor(0).sizes = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    overflow.tensor(0).dimOrder = new byte[] {0, 1, 2};
    programs.put("regression-size-product-overflows.pte", overflow.build());
    TinyProgram hollow = TinyProgram.add();
    hollow.instructions.add(new Hollow(InstructionArguments.JumpFalseCall));
    programs.put("regression-union-type-without-value.pte", hollow.build());
    TinyProgram constantInput = TinyProgram.add();
    constantInput.segments.add(TinyProgram.floats(10, 20));
    constantInput.constantOffsets = new long[] {0, 0};
    constantInput.tensor(1).memoryId = null;
    constantInput.tensor(1).dataBufferIdx = 1;
    programs.put("regression-constant-named-as-input.pte", constantInput.build());
    programs.put("regression-shared-int-list.pte", TinyProgram.sharedIntList(1500));
    programs.put("regression-tensor-condition-loop.pte", TinyProgram.tensorConditionLoop(4096));
    programs.put("regression-overlapping-tensor-list.pte", TinyProgram.overlappingTensors(64, 64));
    TinyProgram lists = TinyProgram.add();
    long[] items = new long[64];
    Arrays.fill(items, 2);
    lists.values.add(new IL(items));
    programs.put("tiny-int-list.pte", lists.build());

    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("tiny-w.ptd", new TinyProgram.TinyData().entry("w", TinyProgram.floats(3, 4), (byte) 6, 2).build());

    Map<String, byte[]> bundles = new LinkedHashMap<>();
    bundles.put("tiny-add.bpte", bundle(TinyProgram.add().build()));
    bundles.put("regression-empty-test-tensor-without-data.bpte", bundle(TinyProgram.add().build(), new int[] {0}));

    Path conformance = Fixtures.repo().resolve("conformance/fixtures");
    Path mlpBundle = HostileFiles.mlpPtdBundle();
    if (Files.exists(mlpBundle)) {
      byte[] b = HostileFiles.read(mlpBundle);
      bundles.put("mlp.ptd.bpte", b);
      programs.put("mlp.ptd.pte", HostileFiles.programOfBundle(b));
      data.put("mlp.ptd.ptd", HostileFiles.read(mlpBundle.resolveSibling("mlp.ptd.ptd")));
    }
    for (String name : HostileFiles.CONFORMANCE_BUNDLES) {
      Path p = conformance.resolve(name);
      if (Files.exists(p)) {
        byte[] b = HostileFiles.read(p);
        String file = p.getFileName().toString();
        bundles.put(file, b);
        programs.put(file.replace(".bpte", ".pte"), HostileFiles.programOfBundle(b));
      }
    }
    Path mul2 = conformance.resolve("mul2/mul2.portable.bpte");
    if (Files.exists(mul2)) {
      byte[] b = HostileFiles.read(mul2);
      bundles.put("mul2.portable.bpte", b);
      programs.put("mul2.portable.pte", HostileFiles.programOfBundle(b));
    }
    Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
    out.put("programBytes", programs);
    out.put("externalDataBytes", data);
    out.put("bundledProgramBytes", bundles);
    return out;
  }

  /** A BP08 bundle of {@code pte} without test cases. */
  static byte[] bundle(byte[] pte) {
    return bundle(pte, null);
  }

  /**
   * A BP08 bundle of {@code pte}; with {@code inputSizes}, one test case for "forward" whose one
   * input is a float32 tensor of those sizes and no data vector at all.
   */
  static byte[] bundle(byte[] pte, int[] inputSizes) {
    FlatBufferBuilder b = new FlatBufferBuilder(pte.length + 256);
    b.startVector(1, pte.length, 32);
    for (int i = pte.length - 1; i >= 0; i--) {
      b.addByte(pte[i]);
    }
    int program = b.endVector();
    int[] suiteList = new int[0];
    if (inputSizes != null) {
      int tensor =
          org.et4j.schema.bundled.BTensor.createBTensor(
              b, (byte) 6, org.et4j.schema.bundled.BTensor.createSizesVector(b, inputSizes), 0, 0);
      int value = org.et4j.schema.bundled.BValue.createBValue(b, org.et4j.schema.bundled.ValueUnion.BTensor, tensor);
      int testCase =
          org.et4j.schema.bundled.BundledMethodTestCase.createBundledMethodTestCase(
              b,
              org.et4j.schema.bundled.BundledMethodTestCase.createInputsVector(b, new int[] {value}),
              org.et4j.schema.bundled.BundledMethodTestCase.createExpectedOutputsVector(b, new int[0]));
      int suite =
          org.et4j.schema.bundled.BundledMethodTestSuite.createBundledMethodTestSuite(
              b,
              b.createString("forward"),
              org.et4j.schema.bundled.BundledMethodTestSuite.createTestCasesVector(b, new int[] {testCase}));
      suiteList = new int[] {suite};
    }
    int suites = BundledProgram.createMethodTestSuitesVector(b, suiteList);
    int root = BundledProgram.createBundledProgram(b, 0, suites, program);
    b.finish(root, "BP08");
    return b.sizedByteArray();
  }

  @Test
  void seedCorporaAreInPlace() throws IOException {
    Path inputs = Fixtures.repo().resolve(INPUTS);
    boolean write = Boolean.getBoolean("et4j.hostile.writeSeeds");
    for (var target : seeds().entrySet()) {
      Path dir = inputs.resolve(target.getKey());
      if (write) {
        Files.createDirectories(dir);
      }
      for (var seed : target.getValue().entrySet()) {
        Path f = dir.resolve(seed.getKey());
        if (write) {
          Files.write(f, seed.getValue());
        }
        assumeTrue(Files.isDirectory(dir), "no seed folder " + dir);
        assertThat(f).as("seed %s (regenerate with -Det4j.hostile.writeSeeds=true)", f).exists();
        // Every seed is a case the harness survives.
        HostileHarness.exercise(target.getKey().equals("externalDataBytes") ? programFor(seed.getKey()) : Files.readAllBytes(f),
            target.getKey().equals("externalDataBytes") ? new byte[][] {Files.readAllBytes(f)} : new byte[0][]);
      }
    }
  }

  private static byte[] programFor(String dataSeed) {
    return dataSeed.startsWith("mlp") ? HostileFiles.programOfBundle(HostileFiles.read(HostileFiles.mlpPtdBundle())) : externalDataProgram();
  }
}
