package org.et4j.runtime;

/** Whether a tensor's shape may change at run time (ExecuTorch's {@code TensorShapeDynamism}). */
public enum ShapeDynamism {
  /** The shape is fixed; resizing to another shape is NotSupported. */
  STATIC,
  /** The serialized sizes are an upper bound; memory is planned for it. */
  DYNAMIC_BOUND,
  /** Any shape; rejected at load, as in ExecuTorch's portable runtime. */
  DYNAMIC_UNBOUND
}
