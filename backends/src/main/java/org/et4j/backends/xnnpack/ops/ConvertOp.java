package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnQuant;

/**
 * XNNPACK's Convert node: between floating types (rounding to nearest even), from a floating
 * value to a per-tensor qint8 one and back (the kernels module's {@code StaticQuantizedConvert},
 * rounding and saturating as XNNPACK's x86 convert kernels do), and the dynamic quantization of activations to
 * qdint8 that precedes a dynamically quantized fully-connected ({@link DynamicQuantizer}).
 */
final class ConvertOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final DynamicQuantizer dynamic;
  private final Float32Scratch widened;

  ConvertOp(XnnGraph.Node node, String where, XTensor in, XTensor out, XnnGraph graph) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    this.widened = new Float32Scratch(where, graph);
    if (in.rank() != out.rank()) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " differ in rank");
    }
    boolean fin = Floats.isFloating(in.type);
    boolean fout = Floats.isFloating(out.type);
    if (out.type == XnnDatatype.QDINT8) {
      if (!fin) {
        throw unsupported(in.describe() + " -> qdint8: only floating values are quantized dynamically");
      }
      dynamic = new DynamicQuantizer(in, out, ((XnnQuant.PerToken) out.quant()).numNonbatchDims(), where, graph);
    } else {
      dynamic = null;
      boolean staticQ = isStatic(out.type) && fin || isStatic(in.type) && fout;
      if (!(fin && fout) && !staticQ) {
        throw unsupported("converting " + in.describe() + " to " + out.describe() + " is not supported");
      }
    }
  }

  private static boolean isStatic(XnnDatatype t) {
    return t == XnnDatatype.QINT8;
  }


  @Override
  public void reshape() {
    out.setDims(in.dims);
    if (dynamic == null && Floats.isFloating(in.type) && !Floats.isFloating(out.type)) {
      widened.reserve(in);
    }
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
      org.et4j.kernels.qgemm.StaticQuantizedConvert.quantize(widened.widen(in), 0, out.data, 0, n, q.scale(), q.zeroPoint());
    } else {
      XnnQuant.PerTensor q = (XnnQuant.PerTensor) in.quant();
      if (out.type == XnnDatatype.FP32) {
        org.et4j.kernels.qgemm.StaticQuantizedConvert.dequantize(in.data, 0, out.data, 0, n, q.scale(), q.zeroPoint());
      } else {
        for (long i = 0; i < n; i++) {
          byte b = in.data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
          Floats.set(out.type, out.data, i, (float) (b - q.zeroPoint()) * q.scale());
        }
      }
    }
  }
}
