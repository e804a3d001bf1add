package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnQuant;

/** The parameters of statically quantized (per-tensor qint8, per-channel qcint8/qcint32) values. */
final class StaticQuant {
  private StaticQuant() {}

  static boolean isPerTensorInt8(XTensor t) {
    return t.type == XnnDatatype.QINT8 && t.quant() instanceof XnnQuant.PerTensor;
  }

  static float scale(XTensor t) {
    return ((XnnQuant.PerTensor) t.quant()).scale();
  }

  static int zeroPoint(XTensor t) {
    return ((XnnQuant.PerTensor) t.quant()).zeroPoint();
  }

  /** A weight's scales: one per channel (qcint8) or the single per-tensor scale (qint8, zero point 0). */
  static float[] weightScales(XTensor w, XnnOp op, int channels, int channelDim) {
    if (w.quant() instanceof XnnQuant.PerChannel pc) {
      // The serializer may name the channel dim in PyTorch's or in XNNPACK's filter layout: what
      // matters is that it is a dim of `channels` entries and there is one scale per entry.
      if (pc.scales().length != channels || pc.channelDim() >= w.rank() || w.dims[pc.channelDim()] != channels) {
        throw op.invalid("filter " + w.describe() + " has " + pc.scales().length + " scales along dim "
            + pc.channelDim() + ", expected " + channels + " along dim " + channelDim);
      }
      return pc.scales();
    }
    if (w.quant() instanceof XnnQuant.PerTensor pt && pt.zeroPoint() == 0) {
      return new float[] {pt.scale()};
    }
    throw op.unsupported("filter " + w.describe() + ": static int8 weights must be per-channel or per-tensor with zero point 0");
  }

  /** Checks a bias is int32 data (qint32 / qcint32 / int32) with {@code channels} values. */
  static void checkBias(XTensor b, XnnOp op, int channels) {
    if (b == null) {
      return;
    }
    if (b.type != XnnDatatype.QCINT32 && b.type != XnnDatatype.QINT32 && b.type != XnnDatatype.INT32) {
      throw op.unsupported("bias " + b.describe() + " of a static int8 node must be int32");
    }
    if (!b.isConstant() || b.rank() != 1 || b.dims[0] != channels) {
      throw op.invalid("bias " + b.describe() + " must be a constant vector of " + channels);
    }
  }
}
