package org.et4j.runtime.kernel;

import java.lang.foreign.MemorySegment;

/** What the interpreter offers a kernel while it runs: ExecuTorch's {@code KernelRuntimeContext}. */
public interface KernelContext {
  /**
   * Temporary memory valid until the kernel returns (ExecuTorch resets its temp allocator after
   * every instruction). 64-byte aligned, contents unspecified. Reused across calls: a call larger
   * than any before grows the buffer, later ones allocate nothing, not even a segment object (the
   * segment returned may be larger than asked for).
   *
   * @param byteSize how many bytes the kernel needs
   * @return a segment of at least {@code byteSize} bytes; do not keep it past the call
   */
  MemorySegment scratch(long byteSize);
}
