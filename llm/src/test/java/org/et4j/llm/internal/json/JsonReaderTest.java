package org.et4j.llm.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.et4j.runtime.ExecuTorchException;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

  @Test
  void readsEveryKindOfValue() {
    Object v =
        JsonReader.parse(
            " {\"s\": \"a\\\"\\\\\\/\\b\\f\\n"
                + "\\r"
                + "\\t\\u00e9\\ud83d\\ude00\", \"i\": -12, \"big\": 12345678901234567890, \"d\":"
                + " 1.5e2, \"t\": true, \"f\": false, \"n\": null, \"a\": [1, [], {}]}\n",
            "x");
    Map<?, ?> m = (Map<?, ?>) v;
    assertThat(m.get("s")).isEqualTo("a\"\\/\b\f\n\r\té😀");
    assertThat(m.get("i")).isEqualTo(-12L);
    assertThat(m.get("big")).isEqualTo(1.2345678901234567e19);
    assertThat(m.get("d")).isEqualTo(150.0);
    assertThat(m.get("t")).isEqualTo(true);
    assertThat(m.get("f")).isEqualTo(false);
    assertThat(m.get("n")).isSameAs(JsonReader.NULL);
    assertThat(m.get("a")).isEqualTo(List.of(1L, List.of(), Map.of()));
    assertThat(m.keySet().stream().map(Object::toString).toList())
        .containsExactly("s", "i", "big", "d", "t", "f", "n", "a");
  }

  @Test
  void rejectsWhatSerdeRejects() {
    bad("{\"a\": 1,}", "line 1, column 9");
    bad("[1, 2,]", "expected a value");
    bad("{'a': 1}", "expected a string key");
    bad("{\"a\": 1} x", "after the JSON value");
    bad("{\"a\": 1, \"a\": 2}", "duplicate key \"a\"");
    bad("\"\\ud800\"", "lone high surrogate");
    bad("\"\\udc00\"", "lone low surrogate");
    bad("\"a\nb\"", "control character U+000A");
    bad("\"\\x\"", "invalid escape");
    bad("01", "after the JSON value");
    bad("-", "expected a digit");
    bad("1.", "after '.'");
    bad("NaN", "expected a value");
    bad("// c\n1", "expected a value");
    bad("", "unexpected end of input");
    bad("{\"a\": [1,\n 2", "line 2, column 3");
    bad("[".repeat(300), "nesting deeper than 256");
  }

  private static void bad(String json, String message) {
    assertThatThrownBy(() -> JsonReader.parse(json, "t.json"))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("t.json: invalid JSON")
        .hasMessageContaining(message);
  }
}
