package org.et4j.runtime.kernel;

/**
 * A set of kernels, found with {@link java.util.ServiceLoader} and registered explicitly into a
 * {@link KernelRegistry}. One library per family (portable, quantized, ...).
 */
public interface KernelLibrary {
  /**
   * A short name for messages, e.g. {@code portable}.
   *
   * @return the library's name
   */
  String name();

  /**
   * Registers every kernel of this library.
   *
   * @param registry the builder to register into; a name already taken there is an error
   */
  void registerKernels(KernelRegistry.Builder registry);
}
