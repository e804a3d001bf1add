package org.et4j.runtime.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.delegate.NamedDataMap;
import org.et4j.runtime.delegate.TensorLayout;
import org.et4j.runtime.internal.format.PteFile;
import org.et4j.schema.program.AllocationDetails;
import org.et4j.schema.program.ExtraTensorInfo;
import org.et4j.schema.program.Tensor;

/**
 * Decides where a serialized tensor's data lives: ExecuTorch's {@code getTensorDataPtr}, one
 * branch per origin. Constants are views of the file; planned tensors are views of the method's
 * arenas, with initial data copied in where the program has some.
 */
public final class TensorDataResolver {
  /** Where a tensor's bytes came from, for messages and metadata. */
  public enum Origin {
    EXTERNAL_CONSTANT,
    EXTERNAL_PLANNED,
    CONSTANT,
    PLANNED_WITH_INITIAL_DATA,
    PLANNED,
    UNBOUND
  }

  /** The decision: the data (null when unbound) and its origin. */
  public record Resolved(MemorySegment data, Origin origin) {}

  private TensorDataResolver() {}

  public static Resolved resolve(
      Tensor t,
      PlanTensors.Decoded decoded,
      PteFile file,
      PlannedMemory memory,
      NamedDataMap namedData,
      String where) {
    long nbytes = decoded.nbytes();
    long bufferIndex = t.dataBufferIdx();
    AllocationDetails alloc = t.allocationInfo();
    ExtraTensorInfo extra = t.extraTensorInfo();

    // External: the bytes are named by the tensor's fully-qualified name in a .ptd (or the
    // program's named data); data_buffer_idx is ignored.
    if (extra != null && extra.location() == 1) {
      String fqn = extra.fullyQualifiedName();
      if (fqn == null) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_EXTERNAL_DATA, "fully qualified name of external tensor at " + where + " is null");
      }
      MemorySegment blob =
          namedData
              .find(fqn)
              .orElseThrow(
                  () ->
                      new ExecuTorchException(
                          ErrorCode.INVALID_EXTERNAL_DATA,
                          "external tensor '"
                              + fqn
                              + "' at "
                              + where
                              + " is not in the named data; most likely no .ptd file with it was given"));
      namedData.tensorLayout(fqn).ifPresent(layout -> checkLayout(layout, decoded, fqn, where));
      if (blob.byteSize() < nbytes) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_EXTERNAL_DATA,
            "external tensor '" + fqn + "' at " + where + " has " + blob.byteSize() + " bytes, needs " + nbytes);
      }
      if (alloc == null) {
        return new Resolved(blob.asSlice(0, nbytes), Origin.EXTERNAL_CONSTANT);
      }
      MemorySegment planned = memory.view(alloc, nbytes, where);
      planned.copyFrom(blob.asSlice(0, nbytes));
      return new Resolved(planned, Origin.EXTERNAL_PLANNED);
    }

    // Constant, stored in the program: a read-only view, never copied.
    if (bufferIndex > 0 && alloc == null) {
      return new Resolved(file.constantData(bufferIndex, nbytes, where), Origin.CONSTANT);
    }

    // Planned with initial state: copied from mutable_data_segments[0] at load.
    if (bufferIndex > 0) {
      MemorySegment planned = memory.view(alloc, nbytes, where);
      planned.copyFrom(file.mutableData(bufferIndex, nbytes, where));
      return new Resolved(planned, Origin.PLANNED_WITH_INITIAL_DATA);
    }

    // Planned, no initial state.
    if (alloc != null) {
      return new Resolved(memory.view(alloc, nbytes, where), Origin.PLANNED);
    }

    // Unbound: set later by setInput, a kernel (et_view) or a delegate.
    return new Resolved(null, Origin.UNBOUND);
  }

  private static void checkLayout(TensorLayout layout, PlanTensors.Decoded d, String fqn, String where) {
    int[] sizes = layout.sizes().stream().mapToInt(Integer::intValue).toArray();
    int[] order = layout.dimOrder().stream().mapToInt(Integer::intValue).toArray();
    if (layout.dtype() != d.dtype() || !Arrays.equals(sizes, d.sizes()) || !Arrays.equals(order, d.dimOrder())) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_EXTERNAL_DATA,
          "external tensor '"
              + fqn
              + "' at "
              + where
              + " is "
              + d.dtype().displayName()
              + Arrays.toString(d.sizes())
              + " in the program but "
              + layout.dtype().displayName()
              + layout.sizes()
              + " (dim order "
              + layout.dimOrder()
              + ") in the data file");
    }
  }
}
