/**
 * et4j's operator libraries. Libraries are found by the runtime's {@code ServiceLoader}; nothing
 * here is API. The Vector API is optional at run time: without
 * {@code --add-modules jdk.incubator.vector} every kernel runs its scalar twin.
 */
module org.et4j.kernels {
  requires org.et4j.runtime;
  requires static jdk.incubator.vector;

  exports org.et4j.kernels.qgemm to
      org.et4j.backends;

  provides org.et4j.runtime.kernel.KernelLibrary with
      org.et4j.kernels.portable.PortableKernelLibrary,
      org.et4j.kernels.prim.PrimKernelLibrary,
      org.et4j.kernels.quantized.QuantizedKernelLibrary;
}
