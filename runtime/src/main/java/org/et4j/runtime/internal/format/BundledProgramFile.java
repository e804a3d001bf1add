package org.et4j.runtime.internal.format;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.schema.bundled.BundledProgram;

/**
 * A validated BundledProgram (.bpte, "BP08"): a program plus test inputs and expected outputs.
 * The embedded program is returned as a view of the file, never copied.
 */
public final class BundledProgramFile {
  private final ByteBuffer flatbuffer;
  private final MemorySegment program;

  private BundledProgramFile(MemorySegment file) {
    long size = file.byteSize();
    if (size < 8 || !Magic.matches(file, 4, "BP08")) {
      throw ExecuTorchException.invalidProgram(
          "bundled program identifier '" + Magic.printable(file, 4) + "' at byte 4 != expected 'BP08'");
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw ExecuTorchException.invalidProgram("bundled program of " + size + " bytes exceeds the 2 GiB flatbuffer limit");
    }
    flatbuffer = file.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    new FlatbufferVerifier(flatbuffer, "bundled program", org.et4j.runtime.ErrorCode.INVALID_PROGRAM)
        .verifyRoot(0, Schemas.BUNDLED_PROGRAM);
    BundledProgram root = root();
    int len = root.programLength();
    if (len == 0) {
      throw ExecuTorchException.invalidProgram("bundled program holds no program");
    }
    program = file.asSlice(root.programAsByteBuffer().position(), len);
  }

  public static boolean isBundled(MemorySegment file) {
    return Magic.matches(file, 4, "BP08");
  }

  public static BundledProgramFile parse(MemorySegment file) {
    return new BundledProgramFile(file);
  }

  /** The verified root; a new accessor each call. */
  public BundledProgram root() {
    return BundledProgram.getRootAsBundledProgram(flatbuffer.duplicate().order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The embedded .pte, as a view. */
  public MemorySegment program() {
    return program;
  }
}
