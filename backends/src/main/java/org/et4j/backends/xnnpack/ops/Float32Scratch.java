package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * A float32 copy of an fp16 or bf16 value, for operators whose kernels read float32. The memory
 * is reserved when shapes are propagated ({@link #reserve}), never during a run, and bounded by
 * the delegate's memory limit: the dims come from the payload or a caller's input, so they may ask
 * for more than any arena would grant.
 */
final class Float32Scratch {
  private final Arena arena = Arena.ofAuto();
  private final String where;
  private final XnnGraph graph;
  private MemorySegment segment;

  Float32Scratch(String where, XnnGraph graph) {
    this.where = where;
    this.graph = graph;
  }

  /** Makes room for {@code t} as float32 (nothing for an fp32 value, which is read in place). */
  void reserve(XTensor t) {
    if (t.type == XnnDatatype.FP32) {
      return;
    }
    long bytes = Math.max(4, t.numel() * 4);
    graph.checkPlannedMemory(where + ": float32 scratch for " + t.describe(), bytes);
    if (segment == null || segment.byteSize() < bytes) {
      segment = arena.allocate(bytes, 64);
    }
  }

  /** Room for {@code t}'s elements as float32, reserved by {@link #reserve}, not filled. */
  MemorySegment room() {
    return segment;
  }

  /** {@code t}'s elements as float32: its own data when fp32, else widened into the scratch. */
  MemorySegment widen(XTensor t) {
    if (t.type == XnnDatatype.FP32) {
      return t.data;
    }
    long n = t.numel();
    for (long i = 0; i < n; i++) {
      segment.setAtIndex(Floats.F32, i, Floats.get(t.type, t.data, i));
    }
    return segment;
  }
}
