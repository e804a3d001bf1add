/**
 * Tokenizers for LLM programs, behind one interface.
 *
 * <ul>
 *   <li>{@link org.et4j.llm.tokenizer.Tokenizer}: encode, decode, token lookup by text (for the
 *       BOS/EOS tokens a config names), and a {@link org.et4j.llm.tokenizer.StreamingDecoder} that
 *       returns text as ids arrive, {@code ""} while a UTF-8 character is incomplete.
 *   <li>{@link org.et4j.llm.tokenizer.HuggingFaceTokenizer}: Hugging Face {@code tokenizer.json}
 *       with a byte-level BPE model, equal id for id to the {@code tokenizers} library.
 *   <li>{@link org.et4j.llm.tokenizer.ChatTemplate}: the prompt format of a chat model (ChatML),
 *       chosen from the Jinja template of {@code tokenizer_config.json} or GGUF metadata.
 * </ul>
 *
 * <pre>{@code
 * Tokenizer tokenizer = HuggingFaceTokenizer.load(Path.of("tokenizer.json"));
 * ChatTemplate chat = ChatTemplate.fromTokenizerConfig(Path.of("tokenizer_config.json"));
 * int[] prompt = tokenizer.encode(chat.apply(List.of(ChatMessage.user("Hi!")), true));
 * int eos = tokenizer.tokenId("<|im_end|>").orElseThrow();
 * StreamingDecoder out = tokenizer.streamingDecoder();
 * // per generated id: System.out.print(out.next(id));
 * }</pre>
 *
 * <p>SentencePiece ({@code tokenizer.model}) and tiktoken files are not implemented yet; they would
 * be further implementations of {@code Tokenizer}.
 */
package org.et4j.llm.tokenizer;
