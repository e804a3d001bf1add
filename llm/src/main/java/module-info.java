/**
 * Text generation with et4j: LLM programs exported by ExecuTorch's LLM tooling.
 *
 * <ul>
 *   <li>{@code org.et4j.llm}: the generation loop over a program's KV-cache methods, sampling,
 *       and the program's metadata methods.
 *   <li>{@code org.et4j.llm.tokenizer}: tokenizers behind one interface (HF {@code
 *       tokenizer.json} byte-level BPE; room for SentencePiece and tiktoken).
 * </ul>
 */
module org.et4j.llm {
  requires transitive org.et4j.runtime;

  exports org.et4j.llm;
  exports org.et4j.llm.tokenizer;
}
