package org.et4j.llm.tokenizer;

/**
 * One entry of {@code added_tokens} in a {@code tokenizer.json}: a token matched in the text as a
 * whole before pre-tokenization, as Hugging Face's AddedVocabulary does.
 *
 * @param id its id
 * @param content the exact text matched
 * @param singleWord match only when not inside a word (no Unicode word character on either side)
 * @param leftStrip the match swallows the whitespace before it
 * @param rightStrip the match swallows the whitespace after it
 * @param normalized matched in the normalized text rather than the raw text
 * @param special a control token (e.g. {@code <|im_end|>})
 */
record AddedToken(
    int id,
    String content,
    boolean singleWord,
    boolean leftStrip,
    boolean rightStrip,
    boolean normalized,
    boolean special) {}
