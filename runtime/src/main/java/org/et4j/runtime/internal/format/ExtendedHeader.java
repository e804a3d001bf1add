package org.et4j.runtime.internal.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.et4j.runtime.ExecuTorchException;

/**
 * The optional "eh00" header of a .pte, at byte 8, between the flatbuffer's identifier and its
 * root table. Length 32 since ExecuTorch 1.0; 24 in older files, which lack
 * {@code segmentDataSize}.
 *
 * @param length the header length field (24 or 32 in real files)
 * @param programSize flatbuffer bytes from offset 0, headers included
 * @param segmentBaseOffset absolute offset of the segment data; 0 when there are no segments
 * @param segmentDataSize bytes of segment data; 0 when unknown (pre-1.0 files) or no segments
 */
public record ExtendedHeader(int length, long programSize, long segmentBaseOffset, long segmentDataSize) {
  static final int OFFSET = 8;
  static final int MIN_LENGTH = 24;
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** The header if bytes 8..11 are "eh00", else null. */
  static ExtendedHeader parse(MemorySegment file) {
    long fileSize = file.byteSize();
    if (fileSize < OFFSET + 8 || !Magic.matches(file, OFFSET, "eh00")) {
      return null;
    }
    int length = file.get(U32, OFFSET + 4);
    if (length < MIN_LENGTH || OFFSET + (long) Integer.toUnsignedLong(length) > fileSize) {
      throw ExecuTorchException.invalidProgram(
          "extended header at byte 8 has length "
              + Integer.toUnsignedLong(length)
              + " (needs 24..32 bytes inside a file of "
              + fileSize
              + " bytes)");
    }
    long programSize = file.get(U64, OFFSET + 8);
    long base = file.get(U64, OFFSET + 16);
    long dataSize = length >= 32 ? file.get(U64, OFFSET + 24) : 0;
    if (Long.compareUnsigned(programSize, fileSize) > 0 || programSize < OFFSET + length) {
      throw ExecuTorchException.invalidProgram(
          "extended header at byte 8: program_size "
              + Long.toUnsignedString(programSize)
              + " must be between "
              + (OFFSET + length)
              + " and the file size "
              + fileSize);
    }
    if (base != 0 && (Long.compareUnsigned(base, programSize) < 0 || Long.compareUnsigned(base, fileSize) > 0)) {
      throw ExecuTorchException.invalidProgram(
          "extended header at byte 8: segment_base_offset "
              + Long.toUnsignedString(base)
              + " must lie between program_size "
              + programSize
              + " and the file size "
              + fileSize);
    }
    if (dataSize != 0 && Long.compareUnsigned(dataSize, fileSize - base) > 0) {
      throw ExecuTorchException.invalidProgram(
          "file size is too small: the extended header at byte 8 expects "
              + Long.toUnsignedString(base)
              + " + "
              + Long.toUnsignedString(dataSize)
              + " bytes, the file has "
              + fileSize);
    }
    return new ExtendedHeader(length, programSize, base, dataSize);
  }
}
