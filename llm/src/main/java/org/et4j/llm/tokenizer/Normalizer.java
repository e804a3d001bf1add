package org.et4j.llm.tokenizer;

import java.util.List;
import java.util.Locale;

/** A Hugging Face normalizer: rewrites text before pre-tokenization. */
sealed interface Normalizer {
  String normalize(String text);

  /** Unicode normalization (NFC, NFD, NFKC, NFKD). */
  record Unicode(java.text.Normalizer.Form form) implements Normalizer {
    @Override
    public String normalize(String text) {
      return java.text.Normalizer.normalize(text, form);
    }
  }

  /** Lower-cases (Unicode, locale-independent, as Rust's str::to_lowercase). */
  record Lowercase() implements Normalizer {
    @Override
    public String normalize(String text) {
      return text.toLowerCase(Locale.ROOT);
    }
  }

  /** Applies each normalizer in turn. */
  record Sequence(List<Normalizer> steps) implements Normalizer {
    @Override
    public String normalize(String text) {
      for (Normalizer step : steps) {
        text = step.normalize(text);
      }
      return text;
    }
  }
}
