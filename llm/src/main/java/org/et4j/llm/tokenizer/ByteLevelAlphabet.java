package org.et4j.llm.tokenizer;

/**
 * GPT-2's byte-to-unicode table, which byte-level BPE vocabularies are written in: the 188
 * printable bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand for themselves and the other 68
 * (control characters, space, soft hyphen) are shifted to U+0100.. so that every token is a
 * printable string ({@code ' '} is {@code 'Ġ'}, {@code '\n'} is {@code 'Ċ'}).
 */
final class ByteLevelAlphabet {
  /** The character each byte is written as. */
  private static final char[] BYTE_TO_CHAR = new char[256];

  /** The byte each character stands for, -1 for characters outside the alphabet. */
  private static final short[] CHAR_TO_BYTE = new short[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) (256 + shifted++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = (short) b;
    }
  }

  private ByteLevelAlphabet() {}

  /** Writes the UTF-8 bytes of {@code text} as alphabet characters. */
  static String encode(String text) {
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    char[] out = new char[utf8.length];
    for (int i = 0; i < utf8.length; i++) {
      out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
    }
    return new String(out);
  }

  /**
   * Appends the bytes {@code token} stands for; a token with a character outside the alphabet (an
   * added token such as {@code "café"}) contributes its own UTF-8 bytes, as Hugging Face does.
   */
  static void appendBytes(String token, java.io.ByteArrayOutputStream out) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) {
        out.writeBytes(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return;
      }
    }
    for (int i = 0; i < token.length(); i++) {
      out.write(CHAR_TO_BYTE[token.charAt(i)]);
    }
  }
}
