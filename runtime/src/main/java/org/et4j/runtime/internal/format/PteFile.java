package org.et4j.runtime.internal.format;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.schema.program.ConstantBuffer;
import org.et4j.schema.program.DataSegment;
import org.et4j.schema.program.NamedData;
import org.et4j.schema.program.Program;
import org.et4j.schema.program.SubsegmentOffsets;

/**
 * A validated .pte file: its extended header, its verified flatbuffer, and bounds-checked access
 * to its data segments, constants and named data. Every offset read from the file is checked here
 * before it is used, so the rest of the runtime can rely on {@link #root()} and on the segments
 * it hands out. Immutable; safe to share between threads (accessor objects are created per call).
 */
public final class PteFile {
  /** Bytes before the extended header: root offset and identifier. */
  static final int MIN_SIZE = 8;

  private final MemorySegment file;
  private final ExtendedHeader header;
  private final long programSize;
  private final ByteBuffer flatbuffer;
  private final long[] segmentOffsets;
  private final long[] segmentSizes;
  private final MemorySegment constantSegment;
  private final Map<String, Integer> namedData;

  private PteFile(MemorySegment file, boolean verifyFlatbuffer) {
    this.file = file;
    long size = file.byteSize();
    if (size < MIN_SIZE) {
      throw ExecuTorchException.invalidProgram(
          "program data size " + size + " is too small (minimum " + MIN_SIZE + " bytes)");
    }
    if (!Magic.matches(file, 4, "ET12")) {
      throw ExecuTorchException.invalidProgram(
          "program identifier '" + Magic.printable(file, 4) + "' at byte 4 != expected 'ET12'" + otherFormat(file));
    }
    this.header = ExtendedHeader.parse(file);
    this.programSize = header == null ? size : header.programSize();
    if (programSize > Integer.MAX_VALUE - 8) {
      throw ExecuTorchException.invalidProgram(
          "program flatbuffer of " + programSize + " bytes exceeds the 2 GiB flatbuffer limit");
    }
    this.flatbuffer = file.asSlice(0, programSize).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long rootOffset = Integer.toUnsignedLong(flatbuffer.getInt(0));
    if (rootOffset < MIN_SIZE || rootOffset > programSize - 4) {
      throw ExecuTorchException.invalidProgram(
          "root table offset " + rootOffset + " at byte 0 is invalid for program size " + programSize);
    }
    // ExecuTorch's Verification::Minimal stops at the root-offset check above; InternalConsistency
    // also runs the flatbuffer verifier over every table, vector and string.
    if (verifyFlatbuffer) {
      new FlatbufferVerifier(flatbuffer, "program", ErrorCode.INVALID_PROGRAM).verifyRoot(0, Schemas.PROGRAM);
    }
    Program root = root();
    if (root.executionPlanVector() == null) {
      throw ExecuTorchException.invalidProgram("program has no execution_plan");
    }

    int n = root.segmentsLength();
    segmentOffsets = new long[n];
    segmentSizes = new long[n];
    long base = header == null ? 0 : header.segmentBaseOffset();
    DataSegment seg = new DataSegment();
    for (int i = 0; i < n; i++) {
      root.segments(seg, i);
      long off = seg.offset();
      long len = seg.size();
      // All three are unsigned 64-bit; compare without overflow.
      if (Long.compareUnsigned(off, size) > 0
          || Long.compareUnsigned(len, size) > 0
          || Long.compareUnsigned(base + off, size - len) > 0
          || base + off < base) {
        throw ExecuTorchException.invalidProgram(
            "segments["
                + i
                + "] (offset "
                + Long.toUnsignedString(off)
                + ", size "
                + Long.toUnsignedString(len)
                + " after segment base "
                + base
                + ") extends past the end of the file ("
                + size
                + " bytes)");
      }
      segmentOffsets[i] = base + off;
      segmentSizes[i] = len;
    }

    this.constantSegment = loadConstantSegment(root);
    this.namedData = indexNamedData(root);
  }

  /** Names the format of a file that is not a program but another ExecuTorch file, for messages. */
  private static String otherFormat(MemorySegment file) {
    if (Magic.matches(file, 4, "FT01")) {
      return " (this is external tensor data, a .ptd: give it together with its program)";
    }
    if (Magic.matches(file, 8, "ED00")) {
      return " (this is an ETDump profile, not a program)";
    }
    if (Magic.matches(file, 4, "XN00") || Magic.matches(file, 4, "XN01") || Magic.matches(file, 4, "XH00")) {
      return " (this is an XNNPACK delegate payload, not a program)";
    }
    return "";
  }

  /** Parses and validates a .pte held in {@code file}. */
  public static PteFile parse(MemorySegment file) {
    return new PteFile(file, true);
  }

  /**
   * Parses a .pte with ExecuTorch's minimal verification: the header, the root offset and the
   * segment bounds are checked, the flatbuffer's tables are not. For trusted files only: a
   * corrupt table then fails later, in an accessor.
   */
  public static PteFile parseTrusted(MemorySegment file) {
    return new PteFile(file, false);
  }

  private MemorySegment loadConstantSegment(Program root) {
    SubsegmentOffsets cs = root.constantSegment();
    if (cs == null || cs.offsetsLength() <= 1) {
      return null;
    }
    if (root.constantBufferLength() > 0) {
      throw ExecuTorchException.invalidProgram(
          "constant_buffer contains "
              + root.constantBufferLength()
              + " items, constant_segment.offsets contains "
              + cs.offsetsLength()
              + " items. Only one should be used.");
    }
    if (root.segmentsLength() == 0) {
      throw ExecuTorchException.invalidProgram("constant_segment is set but the program has no segments");
    }
    long idx = cs.segmentIndex();
    if (idx >= root.segmentsLength()) {
      throw ExecuTorchException.invalidProgram(
          "constant segment index " + idx + " invalid for program segments range " + root.segmentsLength());
    }
    return segment((int) idx);
  }

  private Map<String, Integer> indexNamedData(Program root) {
    int n = root.namedDataLength();
    if (n == 0) {
      return Map.of();
    }
    Map<String, Integer> map = new LinkedHashMap<>();
    NamedData nd = new NamedData();
    for (int i = 0; i < n; i++) {
      root.namedData(nd, i);
      String key = nd.key();
      if (key == null) {
        throw ExecuTorchException.invalidProgram("named_data[" + i + "] has no key");
      }
      long seg = nd.segmentIndex();
      if (seg >= segmentSizes.length) {
        throw ExecuTorchException.invalidProgram(
            "named_data["
                + i
                + "] ('"
                + key
                + "') refers to segment "
                + seg
                + " but the program has "
                + segmentSizes.length
                + " segments");
      }
      if (map.putIfAbsent(key, (int) seg) != null) {
        throw ExecuTorchException.invalidProgram("named_data[" + i + "] repeats the key '" + key + "'");
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /** The verified root table. A new accessor each call, so callers on other threads never share one. */
  public Program root() {
    return Program.getRootAsProgram(flatbuffer.duplicate().order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The whole file. */
  public MemorySegment file() {
    return file;
  }

  /** The extended header, or null when the file has none. */
  public ExtendedHeader header() {
    return header;
  }

  /** Flatbuffer bytes, headers included. */
  public long programSize() {
    return programSize;
  }

  public int segmentCount() {
    return segmentSizes.length;
  }

  /** Absolute offset of segment {@code i} in the file. */
  public long segmentOffset(int i) {
    return segmentOffsets[i];
  }

  public long segmentSize(int i) {
    return segmentSizes[i];
  }

  /** A read-only view of segment {@code i} (checked against the file at parse). */
  public MemorySegment segment(int i) {
    if (i < 0 || i >= segmentSizes.length) {
      throw ExecuTorchException.invalidProgram(
          "segment index " + i + " out of range: the program has " + segmentSizes.length + " segments");
    }
    return file.asSlice(segmentOffsets[i], segmentSizes[i]).asReadOnly();
  }

  /** Total bytes of constant tensor data (constant segment or deprecated constant_buffer). */
  public long constantDataSize() {
    if (constantSegment != null) {
      return constantSegment.byteSize();
    }
    Program root = root();
    long total = 0;
    ConstantBuffer cb = new ConstantBuffer();
    for (int i = 0; i < root.constantBufferLength(); i++) {
      total += root.constantBuffer(cb, i).storageLength();
    }
    return total;
  }

  /** True when constants live in the deprecated {@code constant_buffer} table. */
  public boolean usesDeprecatedConstantBuffer() {
    return constantSegment == null && root().constantBufferLength() > 0;
  }

  /**
   * The constant tensor data for {@code bufferIndex}: ExecuTorch's
   * {@code Program::get_constant_buffer_data}. A read-only view; nothing is copied.
   */
  public MemorySegment constantData(long bufferIndex, long nbytes, String where) {
    Program root = root();
    if (constantSegment != null) {
      SubsegmentOffsets cs = root.constantSegment();
      int count = cs.offsetsLength();
      if (bufferIndex >= count) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_ARGUMENT,
            "constant segment buffer index "
                + bufferIndex
                + " of "
                + where
                + " invalid for program constant segment range "
                + count);
      }
      long offset = cs.offsets((int) bufferIndex);
      long size = constantSegment.byteSize();
      if (Long.compareUnsigned(offset, size) > 0 || nbytes > size - offset) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_ARGUMENT,
            "constant segment offset "
                + Long.toUnsignedString(offset)
                + " + size_bytes "
                + nbytes
                + " of "
                + where
                + " invalid for program constant segment size "
                + size);
      }
      return constantSegment.asSlice(offset, nbytes);
    }
    int count = root.constantBufferLength();
    if (bufferIndex >= count) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          "constant buffer index " + bufferIndex + " of " + where + " invalid for program constant buffer range " + count);
    }
    ConstantBuffer cb = root.constantBuffer((int) bufferIndex);
    int storageSize = cb.storageLength();
    if (nbytes > storageSize) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          "requested nbytes " + nbytes + " of " + where + " exceeds constant buffer storage size " + storageSize);
    }
    if (nbytes == 0) {
      return MemorySegment.ofArray(new byte[0]);
    }
    ByteBuffer storage = cb.storageAsByteBuffer();
    return file.asSlice(storage.position(), nbytes).asReadOnly();
  }

  /**
   * The initial content of a planned tensor: ExecuTorch's {@code load_mutable_subsegment_into},
   * always from {@code mutable_data_segments[0]}.
   */
  public MemorySegment mutableData(long bufferIndex, long nbytes, String where) {
    Program root = root();
    if (root.mutableDataSegmentsLength() == 0) {
      throw ExecuTorchException.invalidProgram(
          where + " has initial data (data_buffer_idx " + bufferIndex + ") but the program has no mutable_data_segments");
    }
    SubsegmentOffsets ms = root.mutableDataSegments(0);
    long seg = ms.segmentIndex();
    if (seg >= segmentSizes.length) {
      throw ExecuTorchException.invalidProgram(
          "mutable_data_segments[0] refers to segment " + seg + " but the program has " + segmentSizes.length);
    }
    if (bufferIndex >= ms.offsetsLength()) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          "mutable data index " + bufferIndex + " of " + where + " invalid for range " + ms.offsetsLength());
    }
    long offset = ms.offsets((int) bufferIndex);
    long size = segmentSizes[(int) seg];
    if (Long.compareUnsigned(offset, size) > 0 || nbytes > size - offset) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          "mutable data offset "
              + Long.toUnsignedString(offset)
              + " + "
              + nbytes
              + " bytes of "
              + where
              + " exceeds mutable segment size "
              + size);
    }
    return segment((int) seg).asSlice(offset, nbytes);
  }

  /** The program's own named data (key to segment index), in file order. */
  public Map<String, Integer> namedDataSegments() {
    return namedData;
  }

  /** A delegate payload stored inline in the flatbuffer, as a view. */
  public MemorySegment inlineDelegateData(long index, String where) {
    Program root = root();
    if (index >= root.backendDelegateDataLength()) {
      throw ExecuTorchException.invalidProgram(
          where + " refers to inline delegate data " + index + " but the program has " + root.backendDelegateDataLength());
    }
    var data = root.backendDelegateData((int) index);
    int len = data.dataLength();
    if (len == 0) {
      return MemorySegment.ofArray(new byte[0]);
    }
    return file.asSlice(data.dataAsByteBuffer().position(), len).asReadOnly();
  }
}
