package org.et4j.cli;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.et4j.runtime.EValue;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;

/**
 * Splits inputs whose leading dimension is larger than a dynamic-bound method accepts into
 * batches it does accept, and joins the outputs again, so that {@code et4j run} can score a whole
 * data file with a model exported for batches of at most N.
 */
final class Batches {
  private Batches() {}

  static List<List<EValue>> split(MethodMeta meta, List<EValue> inputs) {
    long total = -1;
    long bound = Long.MAX_VALUE;
    for (int i = 0; i < inputs.size(); i++) {
      TensorInfo info = meta.inputs().get(i).tensor();
      if (info == null || info.sizes().isEmpty() || !(inputs.get(i) instanceof EValue.TensorValue(Tensor t))) {
        continue;
      }
      long rows = t.shape().length > 0 ? t.shape()[0] : 1;
      if (info.dynamism() != ShapeDynamism.DYNAMIC_BOUND || rows <= info.sizes().get(0)) {
        return List.of(inputs);
      }
      if (total >= 0 && total != rows) {
        return List.of(inputs);
      }
      total = rows;
      bound = Math.min(bound, info.sizes().get(0));
    }
    if (total < 0) {
      return List.of(inputs);
    }
    List<List<EValue>> batches = new ArrayList<>();
    for (long start = 0; start < total; start += bound) {
      long n = Math.min(bound, total - start);
      List<EValue> batch = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        ValueInfo v = meta.inputs().get(i);
        batch.add(v.tensor() == null ? inputs.get(i) : EValue.from(rows(inputs.get(i).toTensor(), start, n)));
      }
      batches.add(batch);
    }
    return batches;
  }

  private static Tensor rows(Tensor t, long start, long n) {
    long[] shape = t.shape();
    long rowBytes = t.data().byteSize() / shape[0];
    shape[0] = n;
    return Tensor.fromSegment(t.dtype(), t.data().asSlice(start * rowBytes, n * rowBytes), shape);
  }

  /** Joins two output lists along the leading dimension of their tensors. */
  static List<EValue> concat(List<EValue> a, List<EValue> b) {
    List<EValue> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) instanceof EValue.TensorValue(Tensor x) && b.get(i) instanceof EValue.TensorValue(Tensor y)
          && x.dim() > 0 && x.dim() == y.dim()) {
        long[] shape = x.shape();
        shape[0] += y.shape()[0];
        MemorySegment joined = MemorySegment.ofArray(new byte[Math.toIntExact(x.data().byteSize() + y.data().byteSize())]);
        joined.copyFrom(x.data());
        joined.asSlice(x.data().byteSize()).copyFrom(y.data());
        out.add(EValue.from(Tensor.fromSegment(x.dtype(), joined, shape)));
      } else {
        out.add(a.get(i));
      }
    }
    return out;
  }
}
