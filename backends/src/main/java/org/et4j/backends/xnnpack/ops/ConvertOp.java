package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnQuant;

/**
 * XNNPACK's Convert node: between floating types (rounding to nearest even), from a floating
 * value to a statically quantized one ({@code q = clamp(round(x / scale) + zero_point)}) and
 * back ({@code x = scale * (q - zero_point)}), and the dynamic quantization of activations to
 * qdint8 that precedes a dynamically quantized fully-connected ({@link DynamicQuantizer}).
 */
final class ConvertOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final DynamicQuantizer dynamic;

  ConvertOp(XnnGraph.Node node, String where, XTensor in, XTensor out) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if (in.rank() != out.rank()) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " differ in rank");
    }
    boolean fin = Floats.isFloating(in.type);
    boolean fout = Floats.isFloating(out.type);
    if (out.type == XnnDatatype.QDINT8) {
      if (!fin) {
        throw unsupported(in.describe() + " -> qdint8: only floating values are quantized dynamically");
      }
      dynamic = new DynamicQuantizer(in, out, ((XnnQuant.PerToken) out.quant()).numNonbatchDims());
    } else {
      dynamic = null;
      boolean staticQ = isStatic(out.type) && fin || isStatic(in.type) && fout;
      if (!(fin && fout) && !staticQ) {
        throw unsupported("converting " + in.describe() + " to " + out.describe() + " is not supported");
      }
    }
  }

  private static boolean isStatic(XnnDatatype t) {
    return t == XnnDatatype.QINT8 || t == XnnDatatype.QUINT8;
  }

  @Override
  public void reshape() {
    out.setDims(in.dims);
    if (dynamic != null) {
      dynamic.reshape();
    }
  }

  @Override
  public void run() {
    if (dynamic != null) {
      dynamic.run();
      return;
    }
    long n = in.numel();
    if (Floats.isFloating(in.type) && Floats.isFloating(out.type)) {
      for (long i = 0; i < n; i++) {
        Floats.set(out.type, out.data, i, Floats.get(in.type, in.data, i));
      }
    } else if (Floats.isFloating(in.type)) {
      XnnQuant.PerTensor q = (XnnQuant.PerTensor) out.quant();
      int lo = out.type == XnnDatatype.QINT8 ? -128 : 0;
      int hi = out.type == XnnDatatype.QINT8 ? 127 : 255;
      float inv = 1f / q.scale();
      for (long i = 0; i < n; i++) {
        float x = Floats.get(in.type, in.data, i) * inv;
        long v = (long) Math.rint(x) + q.zeroPoint();
        out.data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) Math.max(lo, Math.min(hi, v)));
      }
    } else {
      XnnQuant.PerTensor q = (XnnQuant.PerTensor) in.quant();
      boolean signed = in.type == XnnDatatype.QINT8;
      for (long i = 0; i < n; i++) {
        byte b = in.data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        int v = signed ? b : Byte.toUnsignedInt(b);
        Floats.set(out.type, out.data, i, q.scale() * (v - q.zeroPoint()));
      }
    }
  }
}
