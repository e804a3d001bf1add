package org.et4j.backends.xnnpack.ops;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/** Dynamic per-row quantization of a floating value into a qdint8 value (XNNPACK's qd8 Convert). */
final class DynamicQuantizer {
  DynamicQuantizer(XTensor in, XTensor out, int nonBatchDims) {
    throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED, "qdint8 conversion is not wired yet");
  }

  void reshape() {}

  void run() {}
}
