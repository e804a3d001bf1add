/**
 * The et4j runtime: loads ExecuTorch programs ({@code .pte}, {@code .ptd}, {@code .bpte}) and
 * runs their methods.
 *
 * <ul>
 *   <li>{@code org.et4j.runtime}: the API ({@code Program}, {@code Method}, {@code Module},
 *       {@code Tensor}, {@code EValue}, metadata records, {@code ExecuTorchException}).
 *   <li>{@code org.et4j.runtime.kernel}: the kernel SPI (operators by name).
 *   <li>{@code org.et4j.runtime.delegate}: the delegate backend SPI.
 *   <li>{@code org.et4j.runtime.devtools}: the event tracer SPI and ExecuTorch's ETDump
 *       (writer and reader).
 * </ul>
 *
 * Everything else is internal.
 */
module org.et4j.runtime {
  requires org.et4j.schema;
  requires jdk.jfr;

  exports org.et4j.runtime;
  exports org.et4j.runtime.kernel;
  exports org.et4j.runtime.delegate;
  exports org.et4j.runtime.devtools;
  // The bounds-checking flatbuffer verifier, for the payloads delegates parse.
  exports org.et4j.runtime.internal.format to org.et4j.backends;

  uses org.et4j.runtime.kernel.KernelLibrary;
  uses org.et4j.runtime.delegate.Backend;
}
