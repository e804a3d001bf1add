/**
 * The native XNNPACK bridge for et4j: defines the XNNPACK graph that et4j decoded and validated
 * through XNNPACK's C API by Foreign Function and Memory downcalls (no JNI, nothing compiled), and
 * runs it. Chosen with {@code LoadOptions.Builder.backendOption("xnnpack", "native")} or the CLI's
 * {@code --xnnpack native}; needs the ExecuTorch wheel's {@code executorch/lib}. Nothing here is API.
 */
module org.et4j.backends.xnnpack.nativebridge {
  requires org.et4j.runtime;
  requires org.et4j.backends;
  requires org.et4j.schema;

  provides org.et4j.backends.xnnpack.XnnNativeBridge with
      org.et4j.backends.xnnpack.nativebridge.NativeXnnpackBridge;
}
