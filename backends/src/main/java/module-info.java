/**
 * Delegate backends for et4j, found by the runtime's {@code ServiceLoader}: {@code XnnpackBackend}
 * runs XNNPACK payloads in pure Java, or through the native XNNPACK library when the optional
 * {@code org.et4j.backends.xnnpack.nativebridge} module provides an {@code XnnNativeBridge}.
 * Nothing here is API.
 */
module org.et4j.backends {
  requires org.et4j.runtime;
  requires org.et4j.kernels;
  requires org.et4j.schema;
  requires static jdk.incubator.vector;

  // The native bridge reuses the payload decoder and validator (XnnGraph, XnnValue, XnnQuant).
  exports org.et4j.backends.xnnpack to org.et4j.backends.xnnpack.nativebridge;

  uses org.et4j.backends.xnnpack.XnnNativeBridge;

  provides org.et4j.runtime.delegate.Backend with
      org.et4j.backends.xnnpack.XnnpackBackend;
}
