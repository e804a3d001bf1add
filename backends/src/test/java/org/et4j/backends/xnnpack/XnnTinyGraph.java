package org.et4j.backends.xnnpack;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.et4j.schema.xnnpack.ConstantDataOffset;
import org.et4j.schema.xnnpack.Node2x1;
import org.et4j.schema.xnnpack.OutputMinMax;
import org.et4j.schema.xnnpack.XNNGraph;
import org.et4j.schema.xnnpack.XNNTensorValue;
import org.et4j.schema.xnnpack.XNode;
import org.et4j.schema.xnnpack.XValue;
import org.et4j.schema.xnnpack.XValueUnion;

/**
 * A small XNNPACK payload written field by field, so that a test can set exactly the one field it
 * breaks: values, nodes (any union tag with any table), constant_data entries and the constant
 * region, the XH00 header and the flatbuffer identifier. Defaults describe a valid graph; the
 * factories return graphs the delegate initialises and runs.
 */
final class XnnTinyGraph {
  static final long NONE = 0xFFFFFFFFL;

  /** One XNNTensorValue (never quantized: the defects under test do not need it). */
  static final class Val {
    short datatype = (short) XnnDatatype.FP32.code();
    long[] dims;
    long bufferIdx;
    long externalId = NONE;
    long flags;
    long id;

    Val(long id, long... dims) {
      this.id = id;
      this.dims = dims;
    }
  }

  /** One XNode: its union tag, its table (null: none), and an optional output_min_max. */
  static final class Nod {
    int tag;
    ToIntFunction<FlatBufferBuilder> table;
    float[] minMax;

    Nod(XnnNodeKind kind, ToIntFunction<FlatBufferBuilder> table) {
      this(kind.tag(), table);
    }

    Nod(int tag, ToIntFunction<FlatBufferBuilder> table) {
      this.tag = tag;
      this.table = table;
    }
  }

  /** One constant_data entry; index 0 is the placeholder the exporter writes first. */
  record Constant(long offset, long size, String namedKey) {}

  final List<Val> values = new ArrayList<>();
  final List<Nod> nodes = new ArrayList<>();
  final List<Constant> constants = new ArrayList<>(List.of(new Constant(0, 0, null)));
  long numExterns;
  byte[] constantRegion = new byte[0];
  String identifier = "XN01";
  boolean header = true;

  Val value(int index) {
    return values.get(index);
  }

  /** {@code out = a + b}, fp32[2, 3] each: externals 0 and 1 in, 2 out. */
  static XnnTinyGraph add() {
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 2, 3);
    g.external(1, 1, 1, 2, 3);
    g.external(2, 2, 2, 2, 3);
    g.numExterns = 3;
    g.nodes.add(binary(XnnNodeKind.ADD, 0, 1, 2));
    return g;
  }

  /** {@code out = a + c} with c a constant fp32[2, 3] of 1..6 in the payload's constant region. */
  static XnnTinyGraph addConstant() {
    XnnTinyGraph g = new XnnTinyGraph();
    g.external(0, 1, 0, 2, 3);
    Val c = new Val(1, 2, 3);
    c.bufferIdx = 1;
    g.values.add(c);
    g.external(2, 2, 1, 2, 3);
    g.numExterns = 2;
    g.constantRegion = floats(1, 2, 3, 4, 5, 6);
    g.constants.add(new Constant(0, 24, null));
    g.nodes.add(binary(XnnNodeKind.ADD, 0, 1, 2));
    return g;
  }

  /** Adds an external value with {@code flags} (1 in, 2 out). */
  Val external(long id, long flags, long externalId, long... dims) {
    Val v = new Val(id, dims);
    v.flags = flags;
    v.externalId = externalId;
    values.add(v);
    return v;
  }

  static Nod binary(XnnNodeKind kind, long in1, long in2, long out) {
    return new Nod(kind, b -> Node2x1.createNode2x1(b, in1, in2, out, 0));
  }

  static byte[] floats(float... f) {
    ByteBuffer bb = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : f) {
      bb.putFloat(x);
    }
    return bb.array();
  }

  /** The flatbuffer alone, with its identifier. */
  byte[] flatbuffer() {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int[] vs = new int[values.size()];
    for (int i = 0; i < vs.length; i++) {
      Val v = values.get(i);
      int dims = XNNTensorValue.createDimsVector(b, v.dims);
      int tv = XNNTensorValue.createXNNTensorValue(b, v.datatype, v.dims.length, dims, v.bufferIdx, v.externalId,
          v.flags, v.id, (short) 0);
      vs[i] = XValue.createXValue(b, XValueUnion.XNNTensorValue, tv);
    }
    int[] ns = new int[nodes.size()];
    for (int i = 0; i < ns.length; i++) {
      Nod n = nodes.get(i);
      int t = n.table == null ? 0 : n.table.applyAsInt(b);
      int mm = n.minMax == null ? 0 : OutputMinMax.createOutputMinMax(b, n.minMax[0], n.minMax[1]);
      XNode.startXNode(b);
      XNode.addXnodeUnionType(b, (byte) n.tag);
      if (t != 0) {
        XNode.addXnodeUnion(b, t);
      }
      if (mm != 0) {
        XNode.addOutputMinMax(b, mm);
      }
      ns[i] = XNode.endXNode(b);
    }
    int[] cs = new int[constants.size()];
    for (int i = 0; i < cs.length; i++) {
      Constant c = constants.get(i);
      int key = c.namedKey() == null ? 0 : b.createString(c.namedKey());
      cs[i] = ConstantDataOffset.createConstantDataOffset(b, c.offset(), c.size(), key);
    }
    int version = b.createString("0");
    int xnodes = XNNGraph.createXnodesVector(b, ns);
    int xvalues = XNNGraph.createXvaluesVector(b, vs);
    int constantData = XNNGraph.createConstantDataVector(b, cs);
    int root = XNNGraph.createXNNGraph(b, version, xnodes, xvalues, numExterns, 0, 0, 0, 0, constantData);
    b.finish(root, identifier);
    return b.sizedByteArray();
  }

  /** The payload: XH00 header, flatbuffer padded to 16, constant region (or the bare flatbuffer). */
  byte[] build() {
    byte[] fb = flatbuffer();
    if (!header) {
      return fb;
    }
    int fbOffset = 32;
    int cdOffset = fbOffset + (fb.length + 15) / 16 * 16;
    ByteBuffer out = ByteBuffer.allocate(cdOffset + constantRegion.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(4, (byte) 'X').put(5, (byte) 'H').put(6, (byte) '0').put(7, (byte) '0');
    out.putShort(8, (short) 30);
    out.putInt(10, fbOffset);
    out.putInt(14, fb.length);
    out.putInt(18, cdOffset);
    out.putLong(22, constantRegion.length);
    out.put(fbOffset, fb);
    out.put(cdOffset, constantRegion);
    return out.array();
  }
}
