package org.et4j.djl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Runs one of et4j's registered kernels once, eagerly, on tensors DJL asked for: the same kernels a
 * program's instructions call ({@code aten::add.out}, {@code aten::_softmax.out}, ...), looked up
 * by their ExecuTorch name in the kernel registry and bound and executed through the kernel SPI
 * ({@link OpKernel#bind}, then the returned call), exactly as the interpreter does for one
 * instruction. No program is built: an NDArray operation is one kernel call.
 *
 * <p>The argument slots follow the operator's schema, as in a program: every schema argument in
 * order, then the return slot, which for the {@code .out} variants used here is the {@code out}
 * tensor again.
 */
final class EagerKernels {
  private EagerKernels() {}

  /** The kernels the runtime discovered (et4j-kernels on the class path or module path). */
  private static final class Registry {
    static final KernelRegistry KERNELS = KernelRegistry.defaultRegistry();
  }

  /**
   * Binds and runs {@code op} once.
   *
   * @param op the operator's name, e.g. {@code aten::add.out}
   * @param args the schema's arguments then the return slot
   * @throws IllegalStateException when no kernel of that name is registered (et4j-kernels missing)
   * @throws org.et4j.runtime.ExecuTorchException when the kernel refuses the arguments (dtypes,
   *     shapes), with ExecuTorch's error code and the kernel's message
   */
  static void call(String op, Value... args) {
    OpKernel kernel = Registry.KERNELS.lookup(op);
    if (kernel == null) {
      throw new IllegalStateException(
          "no kernel registered as " + op + ": put et4j-kernels on the class path or module path");
    }
    kernel.bind(args).execute(ScratchFromAutoArena.INSTANCE);
  }

  /** {@code op(self, ..., out)} with {@code out} in the return slot too. */
  static void callOut(String op, TensorImpl out, Value... schemaArgsBeforeOut) {
    Value outSlot = Value.ofTensor(out);
    Value[] args = new Value[schemaArgsBeforeOut.length + 2];
    System.arraycopy(schemaArgsBeforeOut, 0, args, 0, schemaArgsBeforeOut.length);
    args[args.length - 2] = outSlot;
    args[args.length - 1] = outSlot;
    call(op, args);
  }

  /** An int list whose items are their own Int slots, as a program holds one. */
  static Value intList(long... items) {
    Value[] slots = new Value[items.length];
    for (int i = 0; i < items.length; i++) {
      slots[i] = Value.ofInt(items[i]);
    }
    Value list = new Value();
    list.setIntList(slots);
    return list;
  }

  /** A tensor list of the given tensors. */
  static Value tensorList(TensorImpl... tensors) {
    Value[] slots = new Value[tensors.length];
    for (int i = 0; i < tensors.length; i++) {
      slots[i] = Value.ofTensor(tensors[i]);
    }
    Value list = new Value();
    list.setTensorList(slots);
    return list;
  }

  /**
   * Kernel scratch from an automatic arena: an eager call is not the interpreter's steady-state
   * loop, so scratch is allocated per request and left to the garbage collector. Automatic (not
   * confined) because the big kernels split their work among et4j's compute threads.
   */
  private enum ScratchFromAutoArena implements KernelContext {
    INSTANCE;

    @Override
    public MemorySegment scratch(long byteSize) {
      return Arena.ofAuto().allocate(Math.max(1, byteSize), 64);
    }
  }
}
