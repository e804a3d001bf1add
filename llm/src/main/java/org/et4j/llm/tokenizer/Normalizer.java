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

  /**
   * Lower-cases each character on its own, with the full Unicode mapping ({@code İ} becomes {@code
   * i̇}), as Rust's char::to_lowercase: unlike String.toLowerCase, no context rules, so a final
   * {@code Σ} becomes {@code σ}, not {@code ς}.
   */
  record Lowercase() implements Normalizer {
    @Override
    public String normalize(String text) {
      StringBuilder sb = new StringBuilder(text.length());
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        if (cp < 0x80) {
          sb.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
        } else {
          sb.append(Character.toString(cp).toLowerCase(Locale.ROOT));
        }
      }
      return sb.toString();
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
