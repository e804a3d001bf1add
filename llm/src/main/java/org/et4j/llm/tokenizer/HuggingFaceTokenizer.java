package org.et4j.llm.tokenizer;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.et4j.llm.internal.json.JsonValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * A Hugging Face {@code tokenizer.json} with a BPE model, as SmolLM2, Llama 3, GPT-2 and Qwen ship
 * it, encoding and decoding exactly as the {@code tokenizers} library does (et4j's tests compare
 * the two on a corpus of Unicode text, whitespace runs, digits and special tokens).
 *
 * <p>The pipeline of an encode, in Hugging Face's order: added tokens that are not normalized are
 * found in the raw text; the rest is normalized and searched for normalized added tokens; what
 * remains is pre-tokenized and each piece is BPE-encoded. Decoding maps ids to token strings (added
 * tokens by their content) and runs the decoder chain.
 *
 * <p>Supported parts: model {@code BPE} (merges as {@code "a b"} strings or {@code ["a", "b"]}
 * pairs, {@code byte_fallback}, {@code ignore_merges}, {@code unk_token}, {@code fuse_unk}, subword
 * prefix and suffix; {@code dropout} must be null or 0); normalizers {@code NFC}, {@code NFD},
 * {@code NFKC}, {@code NFKD}, {@code Lowercase}, {@code Sequence}; pre-tokenizers {@code
 * ByteLevel}, {@code Split}, {@code Digits}, {@code Sequence}; decoders {@code ByteLevel}, {@code
 * ByteFallback}, {@code Fuse}, {@code Sequence}. The post-processor is not applied: {@link #encode}
 * adds no special tokens (the generation loop adds the program's BOS id).
 *
 * <p>A file that cannot be used raises {@link ExecuTorchException}: {@link ErrorCode#ACCESS_FAILED}
 * if it cannot be read, {@link ErrorCode#INVALID_ARGUMENT} if it is not valid JSON (with line and
 * column) or not a valid tokenizer (with the JSON path, e.g. {@code model.merges[12]}), {@link
 * ErrorCode#NOT_SUPPORTED} for a component kind et4j does not implement.
 *
 * <p>Immutable and thread-safe.
 */
public final class HuggingFaceTokenizer implements Tokenizer {
  private final String source;
  private final Normalizer normalizer;
  private final PreTokenizer preTokenizer;
  private final BytePairModel model;
  private final Decoder decoder;
  private final AddedVocabulary rawAddedTokens;
  private final AddedVocabulary normalizedAddedTokens;
  private final Map<String, Integer> ids;
  private final String[] tokens;
  private final boolean[] special;

  private HuggingFaceTokenizer(JsonValue root) {
    this.source = root.source();
    JsonValue modelJson = root.get("model");
    String type = modelJson.getString("type", "BPE");
    if (!type.equals("BPE")) {
      throw unsupported(modelJson.get("type"), "model type \"" + type + "\"", "BPE");
    }
    JsonValue dropout = modelJson.optional("dropout");
    if (dropout != null && !(dropout.value() instanceof Number n && n.doubleValue() == 0.0)) {
      throw unsupported(dropout, "BPE dropout " + dropout.value(), "null (no dropout)");
    }
    Map<String, Integer> vocab = readVocab(modelJson.get("vocab"));
    List<AddedToken> added = readAddedTokens(root);
    int size = 0;
    for (int id : vocab.values()) {
      size = Math.max(size, id + 1);
    }
    for (AddedToken token : added) {
      size = Math.max(size, token.id() + 1);
    }
    this.tokens = new String[size];
    this.special = new boolean[size];
    this.ids = new HashMap<>(vocab);
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      tokens[e.getValue()] = e.getKey();
    }
    for (AddedToken token : added) {
      tokens[token.id()] = token.content();
      special[token.id()] = token.special();
      ids.put(token.content(), token.id());
    }
    this.rawAddedTokens = new AddedVocabulary(added.stream().filter(t -> !t.normalized()).toList());
    this.normalizedAddedTokens =
        new AddedVocabulary(added.stream().filter(AddedToken::normalized).toList());
    this.model =
        new BytePairModel(
            vocab,
            readMerges(modelJson, vocab),
            modelJson.getString("unk_token", null),
            modelJson.getBoolean("fuse_unk", false),
            modelJson.getBoolean("byte_fallback", false),
            modelJson.getBoolean("ignore_merges", false),
            modelJson.getString("continuing_subword_prefix", ""),
            modelJson.getString("end_of_word_suffix", ""));
    String unk = modelJson.getString("unk_token", null);
    if (unk != null && !vocab.containsKey(unk)) {
      throw modelJson.get("unk_token").error("names \"" + unk + "\", which is not in model.vocab");
    }
    JsonValue normalizerJson = root.optional("normalizer");
    this.normalizer = normalizerJson == null ? null : readNormalizer(normalizerJson);
    JsonValue preTokenizerJson = root.optional("pre_tokenizer");
    this.preTokenizer = preTokenizerJson == null ? null : readPreTokenizer(preTokenizerJson);
    JsonValue decoderJson = root.optional("decoder");
    this.decoder = decoderJson == null ? null : readDecoder(decoderJson);
  }

  /**
   * Reads a {@code tokenizer.json} file.
   *
   * @param file the file
   * @return the tokenizer
   * @throws ExecuTorchException if the file cannot be read or is not a valid BPE tokenizer (see the
   *     class comment for the codes)
   */
  public static HuggingFaceTokenizer load(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ExecuTorchException(
          ErrorCode.ACCESS_FAILED, "cannot read tokenizer file " + file + ": " + e, e);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT, file + ": not UTF-8 text, so not a tokenizer.json", e);
    }
    return parse(text, file.toString());
  }

  /**
   * Reads the text of a {@code tokenizer.json}.
   *
   * @param json the file's text
   * @param source what it is (a file name), for error messages
   * @return the tokenizer
   * @throws ExecuTorchException if the text is not a valid BPE tokenizer
   */
  public static HuggingFaceTokenizer parse(String json, String source) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(source, "source");
    return new HuggingFaceTokenizer(JsonValue.parse(json, source));
  }

  @Override
  public int[] encode(String text) {
    Objects.requireNonNull(text, "text");
    IntList out = new IntList(Math.max(4, text.length() / 3));
    for (AddedVocabulary.Piece raw : rawAddedTokens.split(text)) {
      if (raw.token() != null) {
        out.add(raw.token().id());
        continue;
      }
      String normalized = normalizer == null ? raw.text() : normalizer.normalize(raw.text());
      for (AddedVocabulary.Piece piece : normalizedAddedTokens.split(normalized)) {
        if (piece.token() != null) {
          out.add(piece.token().id());
          continue;
        }
        if (preTokenizer == null) {
          model.encode(piece.text(), out);
        } else {
          for (String word : preTokenizer.split(List.of(piece.text()))) {
            model.encode(word, out);
          }
        }
      }
    }
    return out.toArray();
  }

  @Override
  public String decode(int[] ids) {
    Objects.requireNonNull(ids, "ids");
    List<String> pieces = new ArrayList<>(ids.length);
    for (int id : ids) {
      pieces.add(token(id));
    }
    if (decoder == null) {
      return String.join(" ", pieces);
    }
    return String.join("", decoder.decodeChain(pieces));
  }

  @Override
  public int vocabularySize() {
    return tokens.length;
  }

  @Override
  public OptionalInt tokenId(String token) {
    Integer id = ids.get(Objects.requireNonNull(token, "token"));
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public String token(int id) {
    if (id < 0 || id >= tokens.length || tokens[id] == null) {
      throw new IllegalArgumentException(
          "token id "
              + id
              + " is not in the vocabulary of "
              + source
              + " (size "
              + tokens.length
              + ")");
    }
    return tokens[id];
  }

  @Override
  public boolean isSpecial(int id) {
    token(id);
    return special[id];
  }

  @Override
  public String toString() {
    return "HuggingFaceTokenizer[" + source + ", " + tokens.length + " tokens]";
  }

  // ---- reading the file ----

  private static Map<String, Integer> readVocab(JsonValue vocabJson) {
    Map<String, Object> entries = vocabJson.asMap();
    if (entries.isEmpty()) {
      throw vocabJson.error("is empty");
    }
    Map<String, Integer> vocab = new HashMap<>(entries.size() * 2);
    Map<Integer, String> seen = new HashMap<>(entries.size() * 2);
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      // Plain values first; a JsonValue (with its path) only for an entry that is wrong.
      int id =
          e.getValue() instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE
              ? (int) (long) l
              : vocabJson.member(e.getKey(), e.getValue()).asInt();
      if (id < 0) {
        throw vocabJson.member(e.getKey(), e.getValue()).error("is a negative id " + id);
      }
      String previous = seen.put(id, e.getKey());
      if (previous != null) {
        throw vocabJson
            .member(e.getKey(), e.getValue())
            .error("reuses id " + id + " of token \"" + previous + "\"");
      }
      vocab.put(e.getKey(), id);
    }
    return vocab;
  }

  private static List<AddedToken> readAddedTokens(JsonValue root) {
    JsonValue list = root.optional("added_tokens");
    List<AddedToken> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    for (JsonValue t : list.asArray()) {
      int id = t.get("id").asInt();
      if (id < 0) {
        throw t.get("id").error("is a negative id " + id);
      }
      String content = t.getString("content");
      if (content.isEmpty()) {
        throw t.get("content").error("is empty");
      }
      out.add(
          new AddedToken(
              id,
              content,
              t.getBoolean("single_word", false),
              t.getBoolean("lstrip", false),
              t.getBoolean("rstrip", false),
              t.getBoolean("normalized", !t.getBoolean("special", false)),
              t.getBoolean("special", false)));
    }
    return out;
  }

  /** Merges as {left id, right id, merged id}, in rank order. */
  private static int[][] readMerges(JsonValue modelJson, Map<String, Integer> vocab) {
    JsonValue mergesJson = modelJson.optional("merges");
    if (mergesJson == null) {
      return new int[0][];
    }
    if (!mergesJson.isArray()) {
      mergesJson.asArray(); // throws the type error
    }
    List<?> list = (List<?>) mergesJson.value();
    int[][] merges = new int[list.size()][];
    for (int rank = 0; rank < merges.length; rank++) {
      Object raw = list.get(rank);
      String left;
      String right;
      if (raw instanceof String s) {
        int space = s.indexOf(' ');
        if (space < 0 || s.indexOf(' ', space + 1) >= 0) {
          throw merge(mergesJson, rank)
              .error("should be two tokens separated by one space but is \"" + s + "\"");
        }
        left = s.substring(0, space);
        right = s.substring(space + 1);
      } else if (raw instanceof List<?> pair
          && pair.size() == 2
          && pair.get(0) instanceof String a
          && pair.get(1) instanceof String b) {
        left = a;
        right = b;
      } else {
        throw merge(mergesJson, rank).error("should be \"a b\" or [\"a\", \"b\"]");
      }
      Integer l = vocab.get(left);
      Integer r = vocab.get(right);
      Integer merged = vocab.get(left + right);
      String missing = l == null ? left : r == null ? right : merged == null ? left + right : null;
      if (missing != null) {
        throw merge(mergesJson, rank)
            .error(
                "merges \""
                    + left
                    + "\" and \""
                    + right
                    + "\" but \""
                    + missing
                    + "\" is not in model.vocab");
      }
      merges[rank] = new int[] {l, r, merged};
    }
    return merges;
  }

  private static JsonValue merge(JsonValue merges, int rank) {
    return new JsonValue(
        ((List<?>) merges.value()).get(rank), merges.source(), merges.path() + "[" + rank + "]");
  }

  /** Reads one {@code normalizer} object (package-private for the normalizer tests). */
  static Normalizer readNormalizer(JsonValue n) {
    String type = n.getString("type");
    return switch (type) {
      case "NFC" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFC);
      case "NFD" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFD);
      case "NFKC" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFKC);
      case "NFKD" -> new Normalizer.Unicode(java.text.Normalizer.Form.NFKD);
      case "Lowercase" -> new Normalizer.Lowercase();
      case "Sequence" -> {
        List<Normalizer> steps = new ArrayList<>();
        for (JsonValue step : n.get("normalizers").asArray()) {
          steps.add(readNormalizer(step));
        }
        yield new Normalizer.Sequence(List.copyOf(steps));
      }
      default ->
          throw unsupported(
              n.get("type"),
              "normalizer \"" + type + "\"",
              "NFC, NFD, NFKC, NFKD, Lowercase, Sequence");
    };
  }

  /** Reads one {@code pre_tokenizer} object (package-private for the pre-tokenizer tests). */
  static PreTokenizer readPreTokenizer(JsonValue p) {
    String type = p.getString("type");
    return switch (type) {
      case "ByteLevel" ->
          new PreTokenizer.ByteLevel(
              p.getBoolean("add_prefix_space", true), p.getBoolean("use_regex", true));
      case "Digits" -> new PreTokenizer.Digits(p.getBoolean("individual_digits", false));
      case "Split" -> readSplit(p);
      case "Sequence" -> {
        List<PreTokenizer> steps = new ArrayList<>();
        for (JsonValue step : p.get("pretokenizers").asArray()) {
          steps.add(readPreTokenizer(step));
        }
        yield new PreTokenizer.Sequence(List.copyOf(steps));
      }
      default ->
          throw unsupported(
              p.get("type"),
              "pre-tokenizer \"" + type + "\"",
              "ByteLevel, Split, Digits, Sequence");
    };
  }

  private static PreTokenizer readSplit(JsonValue p) {
    JsonValue patternJson = p.get("pattern");
    Pattern pattern;
    if (patternJson.has("Regex")) {
      String regex = patternJson.getString("Regex");
      try {
        pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
      } catch (PatternSyntaxException e) {
        throw patternJson
            .get("Regex")
            .error(
                "is not a regex et4j can run: "
                    + e.getDescription()
                    + " near index "
                    + e.getIndex());
      }
    } else if (patternJson.has("String")) {
      pattern = Pattern.compile(Pattern.quote(patternJson.getString("String")));
    } else {
      throw patternJson.error("should have a \"Regex\" or a \"String\" member");
    }
    String behavior = p.getString("behavior");
    PreTokenizer.Behavior b =
        switch (behavior) {
          case "Removed" -> PreTokenizer.Behavior.REMOVED;
          case "Isolated" -> PreTokenizer.Behavior.ISOLATED;
          case "MergedWithPrevious" -> PreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
          case "MergedWithNext" -> PreTokenizer.Behavior.MERGED_WITH_NEXT;
          case "Contiguous" -> PreTokenizer.Behavior.CONTIGUOUS;
          default ->
              throw p.get("behavior").error("is an unknown split behavior \"" + behavior + "\"");
        };
    return new PreTokenizer.Split(pattern, b, p.getBoolean("invert", false));
  }

  private static Decoder readDecoder(JsonValue d) {
    String type = d.getString("type");
    return switch (type) {
      case "ByteLevel" -> new Decoder.ByteLevel();
      case "ByteFallback" -> new Decoder.ByteFallback();
      case "Fuse" -> new Decoder.Fuse();
      case "Sequence" -> {
        List<Decoder> steps = new ArrayList<>();
        for (JsonValue step : d.get("decoders").asArray()) {
          steps.add(readDecoder(step));
        }
        yield new Decoder.Sequence(List.copyOf(steps));
      }
      default ->
          throw unsupported(
              d.get("type"), "decoder \"" + type + "\"", "ByteLevel, ByteFallback, Fuse, Sequence");
    };
  }

  private static ExecuTorchException unsupported(JsonValue where, String what, String supported) {
    return new ExecuTorchException(
        ErrorCode.NOT_SUPPORTED,
        where.source()
            + ": "
            + where.path()
            + ": et4j does not implement "
            + what
            + " (it implements "
            + supported
            + ")");
  }
}
