package org.et4j.llm.internal.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * A strict JSON (RFC 8259) reader for the configuration files that come with an LLM program ({@code
 * tokenizer.json}, {@code tokenizer_config.json}). et4j has no JSON dependency, and these files are
 * small enough (a few MB) to read into plain Java values in one pass.
 *
 * <p>Values become: {@link Map} (insertion-ordered, unmodifiable) for objects, {@link List}
 * (unmodifiable) for arrays, {@link String}, {@link Long} for integers that fit, {@link Double} for
 * other numbers, {@link Boolean}, and {@link JsonReader#NULL} for {@code null}.
 *
 * <p>Strict, like serde_json which writes and reads these files for Hugging Face: no comments, no
 * trailing commas, no single quotes, no lone surrogate escapes, no duplicate keys, nothing after
 * the value. Every error is an {@link ExecuTorchException} with {@link ErrorCode#INVALID_ARGUMENT}
 * naming the source, line and column. Nesting is limited to {@value #MAX_DEPTH} levels so that a
 * hostile file cannot overflow the stack.
 */
public final class JsonReader {
  /** The value of a JSON {@code null} (so that a map lookup can tell null from missing). */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Deepest nesting accepted; real tokenizer files nest less than ten levels. */
  public static final int MAX_DEPTH = 256;

  private final String text;
  private final String source;
  private int pos;

  private JsonReader(String text, String source) {
    this.text = text;
    this.source = source;
  }

  /**
   * Parses one JSON document.
   *
   * @param text the document
   * @param source what the text is (a file name), for error messages
   * @return the value, see the class comment for the types
   * @throws ExecuTorchException (INVALID_ARGUMENT) if the text is not one valid JSON value
   */
  public static Object parse(String text, String source) {
    JsonReader reader = new JsonReader(text, source);
    reader.skipWhitespace();
    Object value = reader.readValue(0);
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw reader.error("unexpected " + reader.describeCurrent() + " after the JSON value");
    }
    return value;
  }

  private Object readValue(int depth) {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected a value (the file is truncated?)");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return readObject(depth + 1);
      case '[':
        return readArray(depth + 1);
      case '"':
        return readString();
      case 't':
        expectWord("true");
        return Boolean.TRUE;
      case 'f':
        expectWord("false");
        return Boolean.FALSE;
      case 'n':
        expectWord("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("unexpected " + describeCurrent() + ", expected a value");
    }
  }

  private Map<String, Object> readObject(int depth) {
    checkDepth(depth);
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("unexpected " + describeCurrent() + ", expected a string key");
      }
      int keyStart = pos;
      String key = readString();
      skipWhitespace();
      if (peek() != ':') {
        throw error("unexpected " + describeCurrent() + ", expected ':' after key \"" + key + "\"");
      }
      pos++;
      skipWhitespace();
      Object value = readValue(depth);
      if (map.putIfAbsent(key, value) != null) {
        pos = keyStart;
        throw error("duplicate key \"" + key + "\"");
      }
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return Collections.unmodifiableMap(map);
      } else {
        throw error("unexpected " + describeCurrent() + ", expected ',' or '}' in an object");
      }
    }
  }

  private List<Object> readArray(int depth) {
    checkDepth(depth);
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      skipWhitespace();
      list.add(readValue(depth));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      } else {
        throw error("unexpected " + describeCurrent() + ", expected ',' or ']' in an array");
      }
    }
  }

  private String readString() {
    int start = ++pos; // after '"'
    // Fast path: no escapes.
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        return text.substring(start, pos++);
      }
      if (c == '\\' || c < 0x20) {
        break;
      }
      pos++;
    }
    StringBuilder sb = new StringBuilder(text.length() - start < 64 ? 16 : 64);
    sb.append(text, start, pos);
    while (true) {
      if (pos >= text.length()) {
        throw error("unexpected end of input inside a string (the file is truncated?)");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character U+" + hex4(c) + " inside a string; it must be escaped");
      }
      if (c != '\\') {
        sb.append(c);
        pos++;
        continue;
      }
      int escapeStart = pos;
      pos++;
      if (pos >= text.length()) {
        throw error("unexpected end of input in an escape sequence (the file is truncated?)");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          char unit = readHex4();
          if (Character.isHighSurrogate(unit)) {
            if (pos + 1 < text.length()
                && text.charAt(pos) == '\\'
                && text.charAt(pos + 1) == 'u') {
              pos += 2;
              char low = readHex4();
              if (!Character.isLowSurrogate(low)) {
                pos = escapeStart;
                throw error("high surrogate escape not followed by a low surrogate escape");
              }
              sb.append(unit).append(low);
            } else {
              pos = escapeStart;
              throw error("lone high surrogate escape \\u" + hex4(unit));
            }
          } else if (Character.isLowSurrogate(unit)) {
            pos = escapeStart;
            throw error("lone low surrogate escape \\u" + hex4(unit));
          } else {
            sb.append(unit);
          }
        }
        default -> {
          pos = escapeStart;
          throw error("invalid escape sequence \\" + e);
        }
      }
    }
  }

  private char readHex4() {
    if (pos + 4 > text.length()) {
      throw error("unexpected end of input in a \\u escape (the file is truncated?)");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos), 16);
      if (digit < 0 || text.charAt(pos) > 'f') {
        throw error("invalid hex digit " + describeCurrent() + " in a \\u escape");
      }
      value = value * 16 + digit;
      pos++;
    }
    return (char) value;
  }

  private Object readNumber() {
    int start = pos;
    boolean integral = true;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (peek() >= '1' && peek() <= '9') {
      skipDigits();
    } else {
      throw error("invalid number: expected a digit, found " + describeCurrent());
    }
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!(peek() >= '0' && peek() <= '9')) {
        throw error("invalid number: expected a digit after '.', found " + describeCurrent());
      }
      skipDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!(peek() >= '0' && peek() <= '9')) {
        throw error("invalid number: expected a digit in the exponent, found " + describeCurrent());
      }
      skipDigits();
    }
    String literal = text.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooLarge) {
        // falls through to a double, as serde_json does for integers beyond 64 bits
      }
    }
    return Double.parseDouble(literal);
  }

  private void skipDigits() {
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
  }

  private void expectWord(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected " + describeCurrent() + ", expected a value");
    }
    pos += word.length();
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        pos++;
      } else {
        return;
      }
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private String describeCurrent() {
    if (pos >= text.length()) {
      return "end of input (the file is truncated?)";
    }
    char c = text.charAt(pos);
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "character U+" + hex4(c);
  }

  private static String hex4(char c) {
    return String.format("%04X", (int) c);
  }

  private ExecuTorchException error(String what) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(pos, text.length());
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new ExecuTorchException(
        ErrorCode.INVALID_ARGUMENT,
        source
            + ": invalid JSON at line "
            + line
            + ", column "
            + (end - lineStart + 1)
            + " (offset "
            + end
            + "): "
            + what);
  }
}
