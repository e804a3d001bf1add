package org.et4j.backends.xnnpack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * Where the parts of an XNNPACK payload are: ExecuTorch's {@code XNNHeader}. A payload starts
 * with 4 bytes, the magic {@code XH00}, a u16 header length, then the flatbuffer's offset and
 * size (u32 each) and the constant data's offset (u32) and size (u64). A payload without the
 * magic is the legacy form: the whole blob is the flatbuffer and constants live in its
 * {@code constant_buffer}.
 *
 * @param flatbufferOffset byte offset of the XNNGraph flatbuffer in the payload
 * @param flatbufferSize its size in bytes
 * @param constantDataOffset byte offset of the constant data region, or -1 for a legacy payload
 * @param constantDataSize size of the constant data region
 */
record XnnHeader(long flatbufferOffset, long flatbufferSize, long constantDataOffset, long constantDataSize) {
  /** The smallest header ExecuTorch accepts: through the constant data size. */
  static final int MIN_LENGTH = 30;

  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** True for the legacy layout (no header; constants in the flatbuffer). */
  boolean legacy() {
    return constantDataOffset < 0;
  }

  /** Reads and bounds-checks the header of {@code payload}. */
  static XnnHeader parse(MemorySegment payload, String where) {
    long size = payload.byteSize();
    if (size < 8 || payload.get(ValueLayout.JAVA_BYTE, 4) != 'X'
        || payload.get(ValueLayout.JAVA_BYTE, 5) != 'H'
        || payload.get(ValueLayout.JAVA_BYTE, 6) != '0'
        || payload.get(ValueLayout.JAVA_BYTE, 7) != '0') {
      return new XnnHeader(0, size, -1, 0);
    }
    if (size < MIN_LENGTH) {
      throw invalid(where, "payload of " + size + " bytes is too short for its XH00 header");
    }
    int length = Short.toUnsignedInt(payload.get(U16, 8));
    if (length < MIN_LENGTH || length > size) {
      throw invalid(where, "XH00 header length " + length + " must be between " + MIN_LENGTH
          + " and the payload size " + size);
    }
    long fbOffset = Integer.toUnsignedLong(payload.get(U32, 10));
    long fbSize = Integer.toUnsignedLong(payload.get(U32, 14));
    long cdOffset = Integer.toUnsignedLong(payload.get(U32, 18));
    long cdSize = payload.get(U64, 22);
    if (fbOffset < length || fbSize < 8 || fbOffset > size || fbSize > size - fbOffset) {
      throw invalid(where, "XH00 header puts the flatbuffer at bytes [" + fbOffset + ", +" + fbSize
          + ") outside the payload of " + size + " bytes (header " + length + " bytes)");
    }
    if (cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
      throw invalid(where, "XH00 header puts the constant data at bytes [" + cdOffset + ", +"
          + Long.toUnsignedString(cdSize) + ") outside the payload of " + size + " bytes");
    }
    return new XnnHeader(fbOffset, fbSize, cdOffset, cdSize);
  }

  private static ExecuTorchException invalid(String where, String what) {
    return new ExecuTorchException(ErrorCode.INVALID_PROGRAM, where + ": " + what);
  }
}
