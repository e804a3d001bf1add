package org.et4j.llm.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.et4j.llm.internal.json.JsonValue;

/** The tokenizer fixtures written by conformance/python/llm_tokenizer_cases.py. */
final class TokenizerFixtures {
  private TokenizerFixtures() {}

  static Path path(String resource) {
    try {
      var url = TokenizerFixtures.class.getResource(resource);
      if (url == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(String resource) {
    try (InputStream in = TokenizerFixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonValue json(String resource) {
    return JsonValue.parse(text(resource), resource);
  }

  static int[] ints(JsonValue array) {
    return array.asArray().stream().mapToInt(JsonValue::asInt).toArray();
  }
}
