package org.et4j.llm.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds added tokens in text the way Hugging Face's AddedVocabulary does: leftmost-longest matching
 * over all tokens of one kind (raw or normalized), then the {@code single_word}, {@code lstrip} and
 * {@code rstrip} rules of the token found.
 */
final class AddedVocabulary {
  /** Rust regex's {@code \w} and {@code \s}: Unicode word characters and White_Space. */
  private static final Pattern WORD_CHAR = Pattern.compile("\\w", Pattern.UNICODE_CHARACTER_CLASS);

  private static final Pattern SPACE_CHAR = Pattern.compile("\\s", Pattern.UNICODE_CHARACTER_CLASS);

  /** Tokens by their first character, longest first. */
  private final Map<Character, List<AddedToken>> byFirstChar = new HashMap<>();

  AddedVocabulary(List<AddedToken> tokens) {
    for (AddedToken token : tokens) {
      if (!token.content().isEmpty()) {
        byFirstChar.computeIfAbsent(token.content().charAt(0), c -> new ArrayList<>()).add(token);
      }
    }
    for (List<AddedToken> list : byFirstChar.values()) {
      list.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
    }
  }

  boolean isEmpty() {
    return byFirstChar.isEmpty();
  }

  /** A piece of text, with the added token it is, or null for plain text. */
  record Piece(String text, AddedToken token) {}

  /** Splits {@code text} into added tokens and the plain text between them. */
  List<Piece> split(String text) {
    List<Piece> out = new ArrayList<>();
    if (byFirstChar.isEmpty()) {
      out.add(new Piece(text, null));
      return out;
    }
    int startOffset = 0;
    int scan = 0;
    while (scan < text.length()) {
      AddedToken match = longestAt(text, scan);
      if (match == null) {
        scan++;
        continue;
      }
      int start = scan;
      int stop = scan + match.content().length();
      scan = stop;
      if (match.singleWord()) {
        boolean startSpace = start == 0 || !isWordChar(text.codePointBefore(start));
        boolean stopSpace = stop == text.length() || !isWordChar(text.codePointAt(stop));
        if (!startSpace || !stopSpace) {
          continue;
        }
      }
      if (match.leftStrip()) {
        int newStart = start;
        while (newStart > 0 && isSpace(text.codePointBefore(newStart))) {
          newStart -= Character.charCount(text.codePointBefore(newStart));
        }
        start = Math.max(newStart, startOffset);
      }
      if (match.rightStrip()) {
        while (stop < text.length() && isSpace(text.codePointAt(stop))) {
          stop += Character.charCount(text.codePointAt(stop));
        }
      }
      start = Math.max(start, startOffset);
      if (startOffset < start) {
        out.add(new Piece(text.substring(startOffset, start), null));
      }
      out.add(new Piece(text.substring(start, stop), match));
      startOffset = stop;
      scan = Math.max(scan, stop);
    }
    if (startOffset < text.length()) {
      out.add(new Piece(text.substring(startOffset), null));
    }
    return out;
  }

  private AddedToken longestAt(String text, int at) {
    List<AddedToken> candidates = byFirstChar.get(text.charAt(at));
    if (candidates != null) {
      for (AddedToken token : candidates) {
        if (text.startsWith(token.content(), at)) {
          return token;
        }
      }
    }
    return null;
  }

  private static boolean isWordChar(int cp) {
    return WORD_CHAR.matcher(Character.toString(cp)).matches();
  }

  private static boolean isSpace(int cp) {
    return SPACE_CHAR.matcher(Character.toString(cp)).matches();
  }
}
