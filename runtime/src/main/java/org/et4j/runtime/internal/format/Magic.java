package org.et4j.runtime.internal.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Four-byte identifiers of the file formats. */
public final class Magic {
  private Magic() {}

  /** True if the four bytes at {@code offset} spell {@code magic}. */
  public static boolean matches(MemorySegment s, long offset, String magic) {
    if (offset < 0 || offset + 4 > s.byteSize()) {
      return false;
    }
    byte[] expected = magic.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 4; i++) {
      if (s.get(ValueLayout.JAVA_BYTE, offset + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** The four bytes at {@code offset} for messages, non-printable bytes escaped. */
  public static String printable(MemorySegment s, long offset) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 4 && offset + i < s.byteSize(); i++) {
      int b = s.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
      if (b >= 0x20 && b < 0x7F) {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    return sb.toString();
  }
}
