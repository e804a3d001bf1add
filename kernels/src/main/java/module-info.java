/**
 * et4j's operator libraries. Libraries are found by the runtime's {@code ServiceLoader}; nothing
 * here is API. The Vector API is optional at run time: without
 * {@code --add-modules jdk.incubator.vector} every kernel runs its scalar twin.
 */
module org.et4j.kernels {
  requires org.et4j.runtime;
  requires static jdk.incubator.vector;

  // The math the XNNPACK delegate shares with the portable ops (one piece of code for each piece
  // of math). Not API: exported to et4j's own modules only.
  exports org.et4j.kernels.gemm to org.et4j.backends;
  exports org.et4j.kernels.nhwc to org.et4j.backends;
  exports org.et4j.kernels.qgemm to org.et4j.backends;
  exports org.et4j.kernels.util to org.et4j.backends;
  exports org.et4j.kernels.portable.pointwise to org.et4j.backends;
  exports org.et4j.kernels.portable.reduce to org.et4j.backends;

  provides org.et4j.runtime.kernel.KernelLibrary with
      org.et4j.kernels.portable.PortableKernelLibrary,
      org.et4j.kernels.prim.PrimKernelLibrary,
      org.et4j.kernels.quantized.QuantizedKernelLibrary,
      org.et4j.kernels.llama.LlamaKernelLibrary;
}
