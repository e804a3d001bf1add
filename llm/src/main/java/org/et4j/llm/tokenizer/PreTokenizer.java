package org.et4j.llm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face pre-tokenizer: splits text into the pieces BPE runs on independently. The kinds
 * that SmolLM2-, Llama-3-, GPT-2- and Qwen-style {@code tokenizer.json} files use are here.
 *
 * <p>Regexes are Oniguruma patterns in the file; they run on {@code java.util.regex} with {@link
 * Pattern#UNICODE_CHARACTER_CLASS}, under which {@code \s} is Unicode White_Space and {@code
 * \p{L}}/{@code \p{N}} are the Unicode general categories, as in Oniguruma. Java matches by code
 * point, so a surrogate pair is one character as in Rust.
 */
sealed interface PreTokenizer {
  /** Splits each of {@code pieces}, in order. */
  List<String> split(List<String> pieces);

  /** GPT-2's pattern, which ByteLevel uses when {@code use_regex} is true. */
  Pattern GPT2_PATTERN =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  /** Splits with GPT-2's regex (optionally) and writes each piece's bytes in the byte alphabet. */
  record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
    @Override
    public List<String> split(List<String> pieces) {
      List<String> out = new ArrayList<>(pieces.size() * 2);
      for (String piece : pieces) {
        // An empty piece stays empty: tokenizers' prepend does nothing to an empty string.
        boolean prefix = addPrefixSpace && !piece.isEmpty() && !piece.startsWith(" ");
        String text = prefix ? " " + piece : piece;
        if (useRegex) {
          for (String part : Split.isolate(GPT2_PATTERN, text)) {
            out.add(ByteLevelAlphabet.encode(part));
          }
        } else if (!text.isEmpty()) {
          out.add(ByteLevelAlphabet.encode(text));
        }
      }
      return out;
    }
  }

  /** What {@link Split} does with the pieces its pattern matches. */
  enum Behavior {
    REMOVED,
    ISOLATED,
    MERGED_WITH_PREVIOUS,
    MERGED_WITH_NEXT,
    CONTIGUOUS
  }

  /** Splits on a regex or a literal string. */
  record Split(Pattern pattern, Behavior behavior, boolean invert) implements PreTokenizer {
    @Override
    public List<String> split(List<String> pieces) {
      List<String> out = new ArrayList<>(pieces.size() * 2);
      for (String piece : pieces) {
        List<int[]> spans = matches(pattern, piece);
        if (invert) {
          for (int[] s : spans) {
            s[2] ^= 1;
          }
        }
        applyBehavior(piece, spans, behavior, out);
      }
      return out;
    }

    /** The pieces of {@code text} with each match of {@code pattern} on its own. */
    static List<String> isolate(Pattern pattern, String text) {
      List<String> out = new ArrayList<>();
      Matcher m = pattern.matcher(text);
      int prev = 0;
      while (m.find()) {
        if (m.start() > prev) {
          out.add(text.substring(prev, m.start()));
        }
        if (m.end() > m.start()) {
          out.add(text.substring(m.start(), m.end()));
        }
        prev = m.end();
      }
      if (prev < text.length()) {
        out.add(text.substring(prev));
      }
      return out;
    }

    /** Spans {start, end, isMatch} covering {@code text}, as tokenizers' Pattern::find_matches. */
    static List<int[]> matches(Pattern pattern, String text) {
      List<int[]> spans = new ArrayList<>();
      if (text.isEmpty()) {
        spans.add(new int[] {0, 0, 0});
        return spans;
      }
      Matcher m = pattern.matcher(text);
      int prev = 0;
      while (m.find()) {
        if (m.start() != prev) {
          spans.add(new int[] {prev, m.start(), 0});
        }
        spans.add(new int[] {m.start(), m.end(), 1});
        prev = m.end();
      }
      if (prev != text.length()) {
        spans.add(new int[] {prev, text.length(), 0});
      }
      return spans;
    }
  }

  /** Splits digits off (Unicode categories Nd, Nl, No, as Rust's char::is_numeric). */
  record Digits(boolean individualDigits) implements PreTokenizer {
    @Override
    public List<String> split(List<String> pieces) {
      List<String> out = new ArrayList<>(pieces.size() * 2);
      for (String piece : pieces) {
        List<int[]> spans = new ArrayList<>();
        int lastOffset = 0;
        for (int i = 0; i < piece.length(); ) {
          int cp = piece.codePointAt(i);
          int next = i + Character.charCount(cp);
          if (isNumeric(cp)) {
            if (lastOffset < i) {
              spans.add(new int[] {lastOffset, i, 0});
            }
            spans.add(new int[] {i, next, 1});
            lastOffset = next;
          }
          i = next;
        }
        if (piece.length() > lastOffset) {
          spans.add(new int[] {lastOffset, piece.length(), 0});
        }
        applyBehavior(
            piece, spans, individualDigits ? Behavior.ISOLATED : Behavior.CONTIGUOUS, out);
      }
      return out;
    }

    static boolean isNumeric(int cp) {
      int type = Character.getType(cp);
      return type == Character.DECIMAL_DIGIT_NUMBER
          || type == Character.LETTER_NUMBER
          || type == Character.OTHER_NUMBER;
    }
  }

  /** Applies each pre-tokenizer to the pieces of the one before. */
  record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
    @Override
    public List<String> split(List<String> pieces) {
      List<String> current = pieces;
      for (PreTokenizer step : steps) {
        current = step.split(current);
      }
      return current;
    }
  }

  /**
   * Turns spans {start, end, isMatch} into pieces per {@code behavior}, dropping empty pieces, as
   * tokenizers' NormalizedString::split.
   */
  private static void applyBehavior(
      String text, List<int[]> spans, Behavior behavior, List<String> out) {
    List<int[]> merged = new ArrayList<>(spans.size());
    boolean previousMatch = false;
    switch (behavior) {
      case ISOLATED -> {
        for (int[] s : spans) {
          merged.add(new int[] {s[0], s[1], 0});
        }
      }
      case REMOVED -> merged = spans;
      case CONTIGUOUS -> {
        for (int[] s : spans) {
          boolean isMatch = s[2] == 1;
          if (isMatch == previousMatch && !merged.isEmpty()) {
            merged.getLast()[1] = s[1];
          } else {
            merged.add(new int[] {s[0], s[1], 0});
          }
          previousMatch = isMatch;
        }
      }
      case MERGED_WITH_PREVIOUS -> {
        for (int[] s : spans) {
          boolean isMatch = s[2] == 1;
          if (isMatch && !previousMatch && !merged.isEmpty()) {
            merged.getLast()[1] = s[1];
          } else {
            merged.add(new int[] {s[0], s[1], 0});
          }
          previousMatch = isMatch;
        }
      }
      case MERGED_WITH_NEXT -> {
        for (int i = spans.size() - 1; i >= 0; i--) {
          int[] s = spans.get(i);
          boolean isMatch = s[2] == 1;
          if (isMatch && !previousMatch && !merged.isEmpty()) {
            merged.getLast()[0] = s[0];
          } else {
            merged.add(new int[] {s[0], s[1], 0});
          }
          previousMatch = isMatch;
        }
        java.util.Collections.reverse(merged);
      }
    }
    for (int[] s : merged) {
      if (s[2] == 0 && s[1] > s[0]) {
        out.add(text.substring(s[0], s[1]));
      }
    }
  }
}
