package org.et4j.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face decoder: turns the token strings of a decode back into text. Each step maps a list
 * of strings to a list of strings, and the final list is concatenated, as tokenizers' {@code
 * decode_chain}.
 */
sealed interface Decoder {
  List<String> decodeChain(List<String> tokens);

  /** Byte-level tokens back to bytes, and the bytes to text (invalid UTF-8 as U+FFFD). */
  record ByteLevel() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (String token : tokens) {
        ByteLevelAlphabet.appendBytes(token, bytes);
      }
      return List.of(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }
  }

  /**
   * {@code <0xXX>} tokens (BPE's byte fallback) back to bytes: a run of them that is valid UTF-8
   * becomes its text, otherwise one U+FFFD per byte, as tokenizers' ByteFallback decoder.
   */
  record ByteFallback() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      ByteArrayOutputStream run = new ByteArrayOutputStream();
      for (String token : tokens) {
        int value = byteToken(token);
        if (value >= 0) {
          run.write(value);
          continue;
        }
        flush(run, out);
        out.add(token);
      }
      flush(run, out);
      return out;
    }

    private static int byteToken(String token) {
      if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
        int hi = Character.digit(token.charAt(3), 16);
        int lo = Character.digit(token.charAt(4), 16);
        if (hi >= 0 && lo >= 0) {
          return hi * 16 + lo;
        }
      }
      return -1;
    }

    private static void flush(ByteArrayOutputStream run, List<String> out) {
      if (run.size() == 0) {
        return;
      }
      byte[] bytes = run.toByteArray();
      run.reset();
      var decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
      try {
        out.add(decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString());
      } catch (java.nio.charset.CharacterCodingException invalid) {
        for (int i = 0; i < bytes.length; i++) {
          out.add("\uFFFD");
        }
      }
    }
  }

  /** Concatenates all tokens into one. */
  record Fuse() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      return List.of(String.join("", tokens));
    }
  }

  /** Applies each decoder to the output of the one before. */
  record Sequence(List<Decoder> steps) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      for (Decoder step : steps) {
        tokens = step.decodeChain(tokens);
      }
      return tokens;
    }
  }
}
