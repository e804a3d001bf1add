package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.runtime.testing.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files over 2 GiB load: the file is mapped into one MemorySegment, so a constant segment past
 * byte 2^31 is read in place. The test file is sparse (a real exported program whose segment base
 * is moved past 3 GB), so it costs no disk.
 */
class LargeFileTest {
  @Test
  void constantSegmentBeyondTwoGigabytes(@TempDir Path dir) throws Exception {
    byte[] original = Files.readAllBytes(Fixtures.upstream("add_with_constant.pte"));
    ByteBuffer header = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
    long oldBase = header.getLong(24);
    long dataSize = header.getLong(32);
    long newBase = 3L * 1024 * 1024 * 1024 + 128;
    byte[] program = java.util.Arrays.copyOf(original, (int) oldBase);
    ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN).putLong(24, newBase);
    Path big = dir.resolve("big.pte");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.write(program);
      f.seek(newBase);
      f.write(original, (int) oldBase, (int) dataSize);
    }
    assertThat(Files.size(big)).isGreaterThan(3L * 1024 * 1024 * 1024);
    try (Program p = Program.load(big)) {
      assertThat(p.layout().segments().get(0).offset()).isEqualTo(newBase);
      try (Method m = p.loadMethod("forward", TestKernels.registry(), BackendRegistry.builder().build())) {
        m.setInput(0, EValue.from(Tensor.fromArray(new float[] {1f, 2f, 3f}, 3)));
        m.execute();
        assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(2f, 3f, 4f);
      }
    }
  }
}
