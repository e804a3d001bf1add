package org.et4j.runtime.kernel;

import java.lang.foreign.MemorySegment;

/** What the interpreter offers a kernel while it runs: ExecuTorch's {@code KernelRuntimeContext}. */
public interface KernelContext {
  /**
   * Temporary memory valid until the kernel returns (ExecuTorch resets its temp allocator after
   * every instruction). 64-byte aligned, contents unspecified. Reused across calls: the first call
   * of a given size allocates, later ones do not.
   *
   * @param byteSize how many bytes the kernel needs
   * @return a segment of at least {@code byteSize} bytes; do not keep it past the call
   */
  MemorySegment scratch(long byteSize);
}
