package org.et4j.runtime.kernel;

/**
 * An operator implementation, registered under its ExecuTorch name ({@code aten::add.out}).
 *
 * <p>{@link #bind} is the prepare step: it runs once per call site when a method loads, with the
 * call's argument slots (every schema argument in order plus the trailing return slot). It checks
 * what can be checked from dtypes and planned shapes, chooses the dtype loop, and returns the
 * {@link KernelCall} that the interpreter runs on every execution. Work that depends on shapes
 * that can change at run time is redone by the call when {@link TensorImpl#shapeVersion()} moves.
 */
@FunctionalInterface
public interface OpKernel {
  /**
   * Prepares one call site.
   *
   * @param args the argument slots, shared with the method's value table
   * @return the call the interpreter runs for this site on every execution
   * @throws org.et4j.runtime.ExecuTorchException when the arguments cannot work with this kernel
   */
  KernelCall bind(Value[] args);
}
