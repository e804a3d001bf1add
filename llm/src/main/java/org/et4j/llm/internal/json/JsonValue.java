package org.et4j.llm.internal.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * A value read by {@link JsonReader} together with where it is ({@code model.merges[12]}), so that
 * a file that is valid JSON but not a valid configuration is reported with the exact place: "
 * tokenizer.json: model.type: unknown model type \"WordPiece\"".
 *
 * @param value the plain value (see {@link JsonReader} for the types)
 * @param source the file it came from, for messages
 * @param path where in the file, {@code ""} for the root
 */
public record JsonValue(Object value, String source, String path) {

  /**
   * Parses a document and wraps its root.
   *
   * @param text the JSON text
   * @param source the file name, for messages
   * @return the root value
   */
  public static JsonValue parse(String text, String source) {
    return new JsonValue(JsonReader.parse(text, source), source, "");
  }

  /** Whether this is JSON {@code null}. */
  public boolean isNull() {
    return value == JsonReader.NULL;
  }

  /** Whether this is a string. */
  public boolean isString() {
    return value instanceof String;
  }

  /** Whether this is an array. */
  public boolean isArray() {
    return value instanceof List;
  }

  /** Whether this is an object. */
  public boolean isObject() {
    return value instanceof Map;
  }

  /** Whether this object has {@code key} with a value other than null. */
  public boolean has(String key) {
    Object v = asMap().get(key);
    return v != null && v != JsonReader.NULL;
  }

  /** The member {@code key}, which must be present and not null. */
  public JsonValue get(String key) {
    Object v = asMap().get(key);
    if (v == null || v == JsonReader.NULL) {
      throw error(child(key), v == null ? "is missing" : "is null");
    }
    return new JsonValue(v, source, child(key));
  }

  /** The member {@code key}, or null if it is absent or JSON null. */
  public JsonValue optional(String key) {
    Object v = asMap().get(key);
    return v == null || v == JsonReader.NULL ? null : new JsonValue(v, source, child(key));
  }

  /** The string member {@code key}, which must be present. */
  public String getString(String key) {
    return get(key).asString();
  }

  /** The string member {@code key}, or {@code fallback} when absent or null. */
  public String getString(String key, String fallback) {
    JsonValue v = optional(key);
    return v == null ? fallback : v.asString();
  }

  /** The boolean member {@code key}, or {@code fallback} when absent or null. */
  public boolean getBoolean(String key, boolean fallback) {
    JsonValue v = optional(key);
    return v == null ? fallback : v.asBoolean();
  }

  /** This value as a string. */
  public String asString() {
    if (value instanceof String s) {
      return s;
    }
    throw typeError("a string");
  }

  /** This value as a boolean. */
  public boolean asBoolean() {
    if (value instanceof Boolean b) {
      return b;
    }
    throw typeError("a boolean");
  }

  /** This value as an int, which it must be exactly. */
  public int asInt() {
    if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return (int) (long) l;
    }
    throw typeError("an integer in the int range");
  }

  /** This value as an object's members, in file order. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> asMap() {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw typeError("an object");
  }

  /** This value as an array, each element wrapped with its index in the path. */
  public List<JsonValue> asArray() {
    if (!(value instanceof List<?> list)) {
      throw typeError("an array");
    }
    List<JsonValue> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(new JsonValue(list.get(i), source, path + "[" + i + "]"));
    }
    return out;
  }

  /** The member {@code key} of this object as a wrapped value, for iteration over a map. */
  public JsonValue member(String key, Object memberValue) {
    return new JsonValue(memberValue, source, child(key));
  }

  /**
   * An error about this value.
   *
   * @param what what is wrong with it
   * @return an INVALID_ARGUMENT exception for the caller to throw
   */
  public ExecuTorchException error(String what) {
    return error(path, what);
  }

  private ExecuTorchException error(String where, String what) {
    return new ExecuTorchException(
        ErrorCode.INVALID_ARGUMENT,
        source + ": " + (where.isEmpty() ? "root" : where) + " " + what);
  }

  private ExecuTorchException typeError(String expected) {
    String actual =
        switch (value) {
          case String s -> "a string";
          case Boolean b -> "a boolean";
          case Long l -> "the integer " + l;
          case Double d -> "the number " + d;
          case List<?> l -> "an array";
          case Map<?, ?> m -> "an object";
          default -> "null";
        };
    return error("should be " + expected + " but is " + actual);
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
