/**
 * Delegate backends for et4j, found by the runtime's {@code ServiceLoader}: {@code XnnpackBackend}
 * runs XNNPACK payloads in pure Java. Nothing here is API.
 */
module org.et4j.backends {
  requires org.et4j.runtime;
  requires org.et4j.kernels;
  requires org.et4j.schema;
  requires static jdk.incubator.vector;

  provides org.et4j.runtime.delegate.Backend with
      org.et4j.backends.xnnpack.XnnpackBackend;
}
