/** Text generation over ExecuTorch LLM programs: the generation loop, sampling, metadata. */
package org.et4j.llm;
