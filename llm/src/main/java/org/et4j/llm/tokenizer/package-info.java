/** Tokenizers for LLM programs, behind one interface. */
package org.et4j.llm.tokenizer;
