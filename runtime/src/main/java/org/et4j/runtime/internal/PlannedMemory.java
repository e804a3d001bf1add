package org.et4j.runtime.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.schema.program.AllocationDetails;
import org.et4j.schema.program.ExecutionPlan;

/**
 * A method's planned memory: one zeroed arena per {@code non_const_buffer_sizes} entry after the
 * reserved slot 0, as ExecuTorch's {@code HierarchicalAllocator}. Tensors are views at
 * {@code (memory_id - 1, offset)}; planned tensors alias, exactly as the exporter planned.
 */
public final class PlannedMemory {
  private final MemorySegment[] arenas;

  public PlannedMemory(ExecutionPlan plan, Arena arena, String method) {
    int n = Math.max(0, plan.nonConstBufferSizesLength() - 1);
    arenas = new MemorySegment[n];
    for (int i = 0; i < n; i++) {
      long size = plan.nonConstBufferSizes(i + 1);
      if (size < 0) {
        throw ExecuTorchException.invalidProgram(
            "method '" + method + "': non_const_buffer_sizes[" + (i + 1) + "] is negative: " + size);
      }
      try {
        arenas[i] = arena.allocate(Math.max(size, 1), 64);
      } catch (OutOfMemoryError | IllegalArgumentException e) {
        throw new ExecuTorchException(
            ErrorCode.MEMORY_ALLOCATION_FAILED,
            "method '" + method + "': cannot allocate planned buffer " + (i + 1) + " of " + size + " bytes");
      }
    }
  }

  public int count() {
    return arenas.length;
  }

  public long size(int i) {
    return arenas[i].byteSize();
  }

  public MemorySegment view(AllocationDetails alloc, long nbytes, String where) {
    long id = alloc.memoryId();
    long offset = alloc.memoryOffsetLow() | (alloc.memoryOffsetHigh() << 32);
    if (id < 1 || id > arenas.length) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          where + ": memory_id " + id + " is not one of the method's " + arenas.length + " planned buffers (1-based)");
    }
    MemorySegment a = arenas[(int) (id - 1)];
    if (offset < 0 || offset > a.byteSize() || nbytes > a.byteSize() - offset) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          where
              + ": planned offset "
              + Long.toUnsignedString(offset)
              + " + "
              + nbytes
              + " bytes exceeds planned buffer "
              + id
              + " of "
              + a.byteSize()
              + " bytes");
    }
    return a.asSlice(offset, nbytes);
  }
}
