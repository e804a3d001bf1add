package org.et4j.cli;

import java.util.Collection;
import java.util.Map;

/** A minimal JSON writer for {@code inspect --json}: maps, lists, strings, numbers, booleans, null. */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> string(sb, s);
      case Boolean b -> sb.append(b);
      case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
      case Float f -> sb.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
      case Number n -> sb.append(n);
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          sb.append("{}");
          return;
        }
        sb.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          pad(sb, indent + 2);
          string(sb, String.valueOf(e.getKey()));
          sb.append(": ");
          write(sb, e.getValue(), indent + 2);
          sb.append(++i < m.size() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append('}');
      }
      case Collection<?> c -> {
        if (c.isEmpty()) {
          sb.append("[]");
          return;
        }
        boolean simple = c.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean || x instanceof String s && s.length() < 40);
        if (simple) {
          sb.append('[');
          int i = 0;
          for (Object x : c) {
            write(sb, x, indent);
            if (++i < c.size()) {
              sb.append(", ");
            }
          }
          sb.append(']');
          return;
        }
        sb.append("[\n");
        int i = 0;
        for (Object x : c) {
          pad(sb, indent + 2);
          write(sb, x, indent + 2);
          sb.append(++i < c.size() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append(']');
      }
      default -> string(sb, v.toString());
    }
  }

  private static void pad(StringBuilder sb, int n) {
    sb.append(" ".repeat(n));
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
