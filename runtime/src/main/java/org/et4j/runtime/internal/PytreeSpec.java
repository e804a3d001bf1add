package org.et4j.runtime.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the names out of the pytree specs ExecuTorch stores in an execution plan's {@code
 * container_meta_type} ({@code torch.utils._pytree.treespec_dumps}: JSON {@code [version,
 * {"type", "context", "children_spec"}]}). The input spec of an exported method is the tuple
 * {@code (args, kwargs)}; keyword arguments are a {@code builtins.dict} whose context is a JSON
 * list of the keys. Outputs are named when the method returns a dict of tensors.
 *
 * <p>The strings come from the file, so they are untrusted: the parser bounds the length, the
 * nesting depth and the node count, and any surprise (bad JSON, an unknown shape, a leaf count
 * that does not match the plan, repeated or non-string keys) means "no names", never an error:
 * the names are a convenience, positional access always works.
 */
public final class PytreeSpec {
  /** Longer specs are not read: real ones are a few hundred bytes per leaf. */
  static final int MAX_CHARS = 1 << 20;

  static final int MAX_DEPTH = 64;
  static final int MAX_NODES = 100_000;

  private PytreeSpec() {}

  /**
   * The names of a method's {@code leafCount} inputs, in order, when every input is a keyword
   * argument (no positional ones); otherwise an empty list.
   */
  public static List<String> inputNames(String encoded, int leafCount) {
    Object node = root(encoded);
    if (!(node instanceof Map<?, ?> tuple) || !"builtins.tuple".equals(tuple.get("type"))) {
      return List.of();
    }
    List<?> parts = children(tuple);
    if (parts == null || parts.size() != 2 || !(parts.get(0) instanceof Map<?, ?> args)
        || !(parts.get(1) instanceof Map<?, ?> kwargs)) {
      return List.of();
    }
    List<?> positional = children(args);
    if (positional == null || !positional.isEmpty()) {
      return List.of();
    }
    return dictLeafNames(kwargs, leafCount);
  }

  /** The names of a method's {@code leafCount} outputs when it returns a flat dict; otherwise empty. */
  public static List<String> outputNames(String encoded, int leafCount) {
    return root(encoded) instanceof Map<?, ?> m ? dictLeafNames(m, leafCount) : List.of();
  }

  private static List<String> dictLeafNames(Map<?, ?> node, int leafCount) {
    Object type = node.get("type");
    if (!"builtins.dict".equals(type) && !"collections.OrderedDict".equals(type)) {
      return List.of();
    }
    List<?> kids = children(node);
    if (kids == null || kids.size() != leafCount || leafCount == 0) {
      return List.of();
    }
    for (Object k : kids) {
      if (!(k instanceof Map<?, ?> leaf) || leaf.get("type") != null) {
        return List.of(); // a nested container: its leaves have no single name
      }
    }
    if (!(node.get("context") instanceof String context)) {
      return List.of();
    }
    Object keys = parse(context);
    if (!(keys instanceof List<?> list) || list.size() != leafCount) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (Object k : list) {
      if (!(k instanceof String s) || s.isEmpty() || names.contains(s)) {
        return List.of();
      }
      names.add(s);
    }
    return List.copyOf(names);
  }

  private static List<?> children(Map<?, ?> node) {
    return node.get("children_spec") instanceof List<?> l ? l : null;
  }

  /** The spec's root node, or null when the string is not a version-1 spec. */
  private static Object root(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return null;
    }
    Object top = parse(encoded);
    if (!(top instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Double v) || v != 1.0) {
      return null;
    }
    return l.get(1);
  }

  /** Parses JSON into maps, lists, strings, doubles, booleans and null; null for anything invalid. */
  static Object parse(String text) {
    if (text == null || text.length() > MAX_CHARS) {
      return null;
    }
    try {
      Json j = new Json(text);
      Object v = j.value(0);
      j.skipSpace();
      return j.pos == text.length() ? v : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static final class Json {
    private final String s;
    private int pos;
    private int nodes;

    Json(String s) {
      this.s = s;
    }

    private IllegalArgumentException bad() {
      return new IllegalArgumentException("invalid pytree spec at " + pos);
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH || ++nodes > MAX_NODES) {
        throw bad();
      }
      skipSpace();
      if (pos >= s.length()) {
        throw bad();
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{' -> {
          pos++;
          Map<String, Object> m = new LinkedHashMap<>();
          skipSpace();
          if (peek('}')) {
            return m;
          }
          do {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != '"') {
              throw bad();
            }
            String key = string();
            skipSpace();
            expect(':');
            if (m.put(key, value(depth + 1)) != null) {
              throw bad();
            }
            skipSpace();
          } while (peek(','));
          expect('}');
          return m;
        }
        case '[' -> {
          pos++;
          List<Object> l = new ArrayList<>();
          skipSpace();
          if (peek(']')) {
            return l;
          }
          do {
            l.add(value(depth + 1));
            skipSpace();
          } while (peek(','));
          expect(']');
          return l;
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("null", pos)) {
            pos += 4;
            return null;
          }
          if (s.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
          }
          int start = pos;
          while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
            pos++;
          }
          try {
            return Double.parseDouble(s.substring(start, pos));
          } catch (NumberFormatException e) {
            throw bad();
          }
        }
      }
    }

    private boolean peek(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw bad();
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw bad();
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw bad();
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw bad();
            }
            try {
              b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw bad();
            }
            pos += 4;
          }
          default -> throw bad();
        }
      }
    }
  }
}
