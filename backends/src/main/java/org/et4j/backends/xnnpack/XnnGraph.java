package org.et4j.backends.xnnpack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.NamedDataMap;
import org.et4j.runtime.internal.format.FlatbufferVerifier;
import org.et4j.schema.xnnpack.ConstantDataOffset;
import org.et4j.schema.xnnpack.OutputMinMax;
import org.et4j.schema.xnnpack.PerChannelGroupQuant;
import org.et4j.schema.xnnpack.PerChannelQuant;
import org.et4j.schema.xnnpack.PerTensorQuant;
import org.et4j.schema.xnnpack.PerTokenDynamicQuant;
import org.et4j.schema.xnnpack.XNNBuffer;
import org.et4j.schema.xnnpack.XNNGraph;
import org.et4j.schema.xnnpack.XNNQuantParams;
import org.et4j.schema.xnnpack.XNNQuantizedTensorValue;
import org.et4j.schema.xnnpack.XNNTensorValue;
import org.et4j.schema.xnnpack.XNode;
import org.et4j.schema.xnnpack.XValue;
import org.et4j.schema.xnnpack.XValueUnion;

/**
 * An XNNPACK payload decoded and validated, as ExecuTorch's {@code XNNCompiler::compileModel}
 * defines it into a subgraph: the header, the verified flatbuffer, every value with its constant
 * bytes and quantization parameters resolved, and the nodes in order. Nothing here trusts the
 * payload: every offset, id, dim and count is checked, and failures raise
 * {@link ExecuTorchException} naming the value or node.
 */
public final class XnnGraph {
  /** XNNPACK's {@code XNN_MAX_TENSOR_DIMS}. */
  static final int MAX_DIMS = 6;
  /** Elements et4j allows one value (serialized or propagated): far more than memory, far less than overflow. */
  static final long MAX_ELEMENTS = 1L << 40;
  /** ExecuTorch's limit on {@code num_externs}. */
  static final int MAX_EXTERNS = 4096;

  /** One node: its kind, the flatbuffer table of its parameters, and its fused output clamp. */
  public record Node(int index, XnnNodeKind kind, com.google.flatbuffers.Table table, long debugHandle, float outputMin,
      float outputMax) {
    public String where() {
      return "node " + index + " (" + kind.schemaName() + ")";
    }
  }

  public final String where;
  final List<XnnValue> values;
  final Map<Long, XnnValue> byId;
  final List<Node> nodes;
  final int numExterns;
  private long memoryCap = org.et4j.runtime.LoadOptions.defaultMaxPlannedMemory();
  private String howToRaiseCap = "set -Det4j.maxPlannedMemory to raise it";

  private XnnGraph(String where, List<XnnValue> values, Map<Long, XnnValue> byId, List<Node> nodes, int numExterns) {
    this.where = where;
    this.values = values;
    this.byId = byId;
    this.nodes = nodes;
    this.numExterns = numExterns;
  }

  /** Every value, in payload order (a legacy dynamically quantized input adds its float twin first). */
  public List<XnnValue> values() {
    return values;
  }

  /** The nodes in execution order (a legacy dynamically quantized input's Convert first). */
  public List<Node> nodes() {
    return nodes;
  }

  /** The DelegateCall arguments the graph's external ids index: inputs first, then outputs. */
  public int numExterns() {
    return numExterns;
  }

  /**
   * Refuses {@code bytes} of intermediate values or scratch for {@code what} when they exceed the
   * program's planned-memory cap ({@link BackendInitContext#maxPlannedMemory()}): the dims come
   * from the payload or a caller's input, so they may ask for more than any machine has.
   */
  public void checkPlannedMemory(String what, long bytes) {
    if (bytes < 0 || bytes > memoryCap) {
      throw new ExecuTorchException(ErrorCode.MEMORY_ALLOCATION_FAILED, what + " would take "
          + (bytes < 0 ? "more than " + Long.MAX_VALUE : bytes) + " bytes, more than the " + memoryCap
          + " bytes the method's planned-memory limit leaves to its delegate (" + howToRaiseCap + ")");
    }
  }

  /** The value that {@code id} names, for {@code node}'s {@code role}; InvalidProgram if none. */
  public XnnValue value(long id, Node node, String role) {
    XnnValue v = byId.get(id);
    if (v == null) {
      throw invalid(where + " " + node.where() + ": " + role + " refers to value " + id + ", which the graph does not define");
    }
    return v;
  }

  /** Like {@link #value} but null for XNNPACK's invalid id (an absent optional input, e.g. a bias). */
  public XnnValue optionalValue(long id, Node node, String role) {
    return id == XnnValue.INVALID_ID ? null : value(id, node, role);
  }

  public static ExecuTorchException invalid(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_PROGRAM, message);
  }

  /** Decodes {@code payload} (the delegate's processed bytes). */
  static XnnGraph decode(MemorySegment payload, BackendInitContext context, String where) {
    XnnGraph graph = decode(payload, context.namedData(), where);
    graph.memoryCap = context.maxPlannedMemory();
    graph.howToRaiseCap = context.howToRaisePlannedMemory();
    return graph;
  }

  /** Decodes {@code payload} under the process-wide default planned-memory cap. */
  static XnnGraph decode(MemorySegment payload, NamedDataMap namedData, String where) {
    XnnHeader header = XnnHeader.parse(payload, where);
    XNNGraph g = verified(payload, header, where);
    MemorySegment constantRegion = header.legacy()
        ? null
        : payload.asSlice(header.constantDataOffset(), header.constantDataSize());
    return new Decoder(g, constantRegion, namedData, where).decode();
  }

  /** The node kinds and value datatypes of a payload, counted in first-use order, without resolving constants. */
  static void count(MemorySegment payload, String where, Map<String, Integer> nodeKinds, Map<String, Integer> datatypes) {
    XNNGraph g = verified(payload, XnnHeader.parse(payload, where), where);
    XNode xn = new XNode();
    for (int i = 0; i < g.xnodesLength(); i++) {
      g.xnodes(xn, i);
      XnnNodeKind kind = XnnNodeKind.ofTag(Byte.toUnsignedInt(xn.xnodeUnionType()));
      nodeKinds.merge(kind == null ? "unknown(" + Byte.toUnsignedInt(xn.xnodeUnionType()) + ")" : kind.name(), 1, Integer::sum);
    }
    XValue xv = new XValue();
    for (int i = 0; i < g.xvaluesLength(); i++) {
      g.xvalues(xv, i);
      XNNTensorValue tv = switch (xv.xvalueUnionType()) {
        case XValueUnion.XNNTensorValue -> (XNNTensorValue) xv.xvalueUnion(new XNNTensorValue());
        case XValueUnion.XNNQuantizedTensorValue ->
            ((XNNQuantizedTensorValue) xv.xvalueUnion(new XNNQuantizedTensorValue())).tensorValue();
        default -> null;
      };
      XnnDatatype dt = tv == null ? null : XnnDatatype.ofCode(tv.datatype());
      datatypes.merge(dt == null ? "unknown" : dt.name(), 1, Integer::sum);
    }
  }

  private static XNNGraph verified(MemorySegment payload, XnnHeader header, String where) {
    if (header.flatbufferSize() > Integer.MAX_VALUE) {
      throw invalid(where + ": XNNPACK flatbuffer of " + header.flatbufferSize() + " bytes is too large");
    }
    MemorySegment fbSegment = payload.asSlice(header.flatbufferOffset(), header.flatbufferSize());
    ByteBuffer bb = fbSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    if (bb.limit() < 8) {
      throw invalid(where + ": XNNPACK flatbuffer of " + bb.limit() + " bytes is too short");
    }
    String ident = new String(new byte[] {bb.get(4), bb.get(5), bb.get(6), bb.get(7)}, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!ident.equals("XN00") && !ident.equals("XN01")) {
      throw new ExecuTorchException(ErrorCode.DELEGATE_INVALID_COMPATIBILITY,
          where + ": XNNPACK flatbuffer identifier is '" + printable(ident) + "', expected XN00 or XN01");
    }
    new FlatbufferVerifier(bb, "XNNPACK payload (" + where + ")", ErrorCode.INVALID_PROGRAM).verifyRoot(0, XnnSchema.GRAPH);
    return XNNGraph.getRootAsXNNGraph(bb);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return b.toString();
  }

  /** Decoding state for one payload. */
  private static final class Decoder {
    private final XNNGraph g;
    private final MemorySegment constantRegion;
    private final NamedDataMap namedData;
    private final String where;

    Decoder(XNNGraph g, MemorySegment constantRegion, NamedDataMap namedData, String where) {
      this.g = g;
      this.constantRegion = constantRegion;
      this.namedData = namedData;
      this.where = where;
    }

    XnnGraph decode() {
      long numExterns = g.numExterns();
      if (numExterns > MAX_EXTERNS) {
        throw invalid(where + ": num_externs " + numExterns + " exceeds the maximum of " + MAX_EXTERNS);
      }
      List<XnnValue> values = new ArrayList<>();
      Map<Long, XnnValue> byId = new HashMap<>();
      List<Node> extraNodes = new ArrayList<>();
      int nv = g.xvaluesLength();
      long nextSyntheticId = 0;
      XValue xv = new XValue();
      for (int i = 0; i < nv; i++) {
        g.xvalues(xv, i);
        XNNTensorValue tv = tensorValueOf(xv, i);
        nextSyntheticId = Math.max(nextSyntheticId, tv.idOut() + 1);
      }
      for (int i = 0; i < nv; i++) {
        g.xvalues(xv, i);
        String vw = where + " value " + i;
        XnnValue v = decodeValue(xv, i, vw, (int) numExterns);
        if (v.externalInput() && v.quant() == null && dqDatatypeOf(xv) == XnnDatatype.QINT8.code()) {
          // The legacy flow for dynamically quantized linear: the serialized id names the qdint8
          // tensor, and an fp32 external input feeds it through a Convert, as XNNCompiler rewrites it.
          long floatId = nextSyntheticId++;
          XnnValue external = new XnnValue((int) floatId, v.datatype(), v.dims(), v.externalIndex(), true, false, null, null);
          XnnValue quantized = new XnnValue(v.id(), XnnDatatype.QDINT8, v.dims(), -1, false, false, null, new XnnQuant.PerToken(1));
          put(values, byId, external, vw);
          put(values, byId, quantized, vw);
          extraNodes.add(new Node(-1, XnnNodeKind.CONVERT, legacyConvert(floatId, v.id()), 0, Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY));
          continue;
        }
        put(values, byId, v, vw);
      }
      List<Node> nodes = new ArrayList<>(extraNodes);
      XNode xn = new XNode();
      OutputMinMax mm = new OutputMinMax();
      for (int i = 0; i < g.xnodesLength(); i++) {
        g.xnodes(xn, i);
        XnnNodeKind kind = XnnNodeKind.ofTag(Byte.toUnsignedInt(xn.xnodeUnionType()));
        String nw = where + " node " + i;
        if (kind == null) {
          throw new ExecuTorchException(ErrorCode.NOT_IMPLEMENTED,
              nw + ": unknown XNNPACK node type " + Byte.toUnsignedInt(xn.xnodeUnionType()));
        }
        com.google.flatbuffers.Table t = xn.xnodeUnion(XnnNodeTables.newTable(kind));
        if (t == null) {
          throw invalid(nw + " (" + kind.schemaName() + ") has no parameters table");
        }
        float min = Float.NEGATIVE_INFINITY;
        float max = Float.POSITIVE_INFINITY;
        if (xn.outputMinMax(mm) != null) {
          min = mm.outputMin();
          max = mm.outputMax();
          if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw invalid(nw + " (" + kind.schemaName() + "): output_min_max [" + min + ", " + max + "] is not a range");
          }
        }
        nodes.add(new Node(nodes.size(), kind, t, xn.debugHandle(), min, max));
      }
      return new XnnGraph(where, Collections.unmodifiableList(values), byId, Collections.unmodifiableList(nodes),
          (int) numExterns);
    }

    private void put(List<XnnValue> values, Map<Long, XnnValue> byId, XnnValue v, String vw) {
      if (byId.putIfAbsent(Integer.toUnsignedLong(v.id()), v) != null) {
        throw invalid(vw + ": id " + Integer.toUnsignedLong(v.id()) + " is defined twice");
      }
      values.add(v);
    }

    private XNNTensorValue tensorValueOf(XValue xv, int i) {
      return switch (xv.xvalueUnionType()) {
        case XValueUnion.XNNTensorValue -> (XNNTensorValue) xv.xvalueUnion(new XNNTensorValue());
        case XValueUnion.XNNQuantizedTensorValue -> {
          XNNQuantizedTensorValue q = (XNNQuantizedTensorValue) xv.xvalueUnion(new XNNQuantizedTensorValue());
          XNNTensorValue tv = q.tensorValue();
          if (tv == null) {
            throw invalid(where + " value " + i + ": quantized value has no tensor_value");
          }
          yield tv;
        }
        default -> throw new ExecuTorchException(ErrorCode.NOT_IMPLEMENTED,
            where + " value " + i + ": unhandled value type " + xv.xvalueUnionType());
      };
    }

    private short dqDatatypeOf(XValue xv) {
      return xv.xvalueUnionType() == XValueUnion.XNNTensorValue
          ? ((XNNTensorValue) xv.xvalueUnion(new XNNTensorValue())).dqDatatype()
          : 0;
    }

    private XnnValue decodeValue(XValue xv, int index, String vw, int numExterns) {
      XNNTensorValue tv = tensorValueOf(xv, index);
      long idOut = tv.idOut();
      if (idOut == XnnValue.INVALID_ID) {
        throw invalid(vw + ": id_out is XNNPACK's invalid id");
      }
      vw = vw + " (id " + idOut + ")";
      XnnDatatype dt = XnnDatatype.ofCode(tv.datatype());
      if (dt == null || dt == XnnDatatype.INVALID) {
        throw invalid(vw + ": unknown datatype " + tv.datatype());
      }
      long flags = tv.flags();
      if ((flags & ~(long) (XnnValue.FLAG_EXTERNAL_INPUT | XnnValue.FLAG_EXTERNAL_OUTPUT)) != 0) {
        throw invalid(vw + ": unsupported flag bits 0x" + Long.toHexString(flags));
      }
      boolean in = (flags & XnnValue.FLAG_EXTERNAL_INPUT) != 0;
      boolean out = (flags & XnnValue.FLAG_EXTERNAL_OUTPUT) != 0;
      long ext = tv.externalId();
      int externalIndex = -1;
      if (in || out) {
        if (ext == XnnValue.INVALID_ID || ext >= numExterns) {
          throw invalid(vw + ": external value has external_id " + ext + " outside 0.." + (numExterns - 1)
              + " (num_externs " + numExterns + ")");
        }
        externalIndex = (int) ext;
      }
      int rank = tv.dimsLength();
      if (rank > MAX_DIMS) {
        throw invalid(vw + ": " + rank + " dims, XNNPACK supports at most " + MAX_DIMS);
      }
      int[] dims = new int[rank];
      long numel = 1;
      for (int k = 0; k < rank; k++) {
        long d = tv.dims(k);
        if (d > Integer.MAX_VALUE) {
          throw invalid(vw + ": dim " + k + " = " + d + " is too large");
        }
        dims[k] = (int) d;
        numel = Math.multiplyHigh(numel, d) != 0 || numel * d < 0 ? Long.MAX_VALUE : numel * d;
      }
      if (numel > MAX_ELEMENTS) {
        throw invalid(vw + ": " + Arrays.toString(dims) + " has too many elements");
      }
      XnnQuant quant = decodeQuant(xv, dt, dims, vw);
      MemorySegment constant = null;
      long bufferIdx = tv.constantBufferIdx();
      if (bufferIdx != 0) {
        if (in || out) {
          throw invalid(vw + ": an external value cannot have constant data");
        }
        if (dt == XnnDatatype.QDINT8) {
          throw invalid(vw + ": a dynamically quantized value cannot have constant data");
        }
        long rowLength = rank == 0 ? 1 : dims[rank - 1];
        long need = dt.storageBytes(numel, rowLength);
        constant = constantData(bufferIdx, vw);
        if (constant.byteSize() < need) {
          throw invalid(vw + ": constant data has " + constant.byteSize() + " bytes but " + dt + Arrays.toString(dims)
              + " needs " + need);
        }
        constant = constant.asSlice(0, need);
      } else if (!in && !out && dt != XnnDatatype.QDINT8 && quant instanceof XnnQuant.PerToken) {
        throw invalid(vw + ": per-token parameters on a " + dt + " value");
      }
      return new XnnValue((int) idOut, dt, dims, externalIndex, in, out, constant, quant);
    }

    private XnnQuant decodeQuant(XValue xv, XnnDatatype dt, int[] dims, String vw) {
      if (xv.xvalueUnionType() != XValueUnion.XNNQuantizedTensorValue) {
        return switch (dt) {
          case FP32, FP16, BF16, INT32 -> null;
          case QDINT8 -> new XnnQuant.PerToken(1);
          default -> throw invalid(vw + ": datatype " + dt + " needs quantization parameters");
        };
      }
      XNNQuantizedTensorValue q = (XNNQuantizedTensorValue) xv.xvalueUnion(new XNNQuantizedTensorValue());
      int rank = dims.length;
      switch (q.quantParamsType()) {
        case XNNQuantParams.PerTensorQuant -> {
          PerTensorQuant p = (PerTensorQuant) q.quantParams(new PerTensorQuant());
          requireType(dt, vw, "per-tensor", XnnDatatype.QINT8, XnnDatatype.QUINT8, XnnDatatype.QINT32);
          if (!(p.scale() > 0) || Float.isInfinite(p.scale())) {
            throw invalid(vw + ": per-tensor scale " + p.scale() + " must be positive and finite");
          }
          return new XnnQuant.PerTensor(p.scale(), p.zeroPoint());
        }
        case XNNQuantParams.PerChannelQuant -> {
          PerChannelQuant p = (PerChannelQuant) q.quantParams(new PerChannelQuant());
          requireType(dt, vw, "per-channel", XnnDatatype.QCINT8, XnnDatatype.QCINT4, XnnDatatype.QCINT32);
          int axis = p.channelDim();
          if (axis < 0 || axis >= rank) {
            throw invalid(vw + ": channel_dim " + axis + " outside the value's " + rank + " dims");
          }
          int channels = dims[axis];
          // The scales are counted against the bytes that hold them before anything is sized by
          // the channel count: a dim may be huge when another dim is 0.
          float[] scales;
          if (p.scaleBufferIdx() != 0) {
            MemorySegment s = constantData(p.scaleBufferIdx(), vw + " scales");
            if (p.numScales() != channels || s.byteSize() < 4L * channels) {
              throw invalid(vw + ": " + p.numScales() + " scales in " + s.byteSize() + " bytes for " + channels + " channels");
            }
            scales = new float[channels];
            for (int c = 0; c < channels; c++) {
              scales[c] = s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, c);
            }
          } else {
            if (p.scaleLength() != channels) {
              throw invalid(vw + ": " + p.scaleLength() + " scales for " + channels + " channels along dim " + axis);
            }
            scales = new float[channels];
            for (int c = 0; c < channels; c++) {
              scales[c] = p.scale(c);
            }
          }
          return new XnnQuant.PerChannel(scales, axis);
        }
        case XNNQuantParams.PerChannelGroupQuant -> {
          PerChannelGroupQuant p = (PerChannelGroupQuant) q.quantParams(new PerChannelGroupQuant());
          requireType(dt, vw, "per-channel-group", XnnDatatype.QBINT4);
          if (rank != 2) {
            throw invalid(vw + ": blockwise quantization needs a 2-D value, got " + Arrays.toString(dims));
          }
          int axis = p.channelDim();
          if (axis != 0 && axis != 1) {
            throw invalid(vw + ": channel_dim " + axis + " outside the value's 2 dims");
          }
          int group = p.groupSize();
          long n = dims[0];
          long k = dims[1];
          if (group <= 0 || k % group != 0) {
            throw invalid(vw + ": group_size " + group + " does not divide the input channels " + k);
          }
          long count = n * k / group;
          // As for per-channel scales: counted against their bytes first (which also keeps the
          // count within an int), then allocated.
          short[] scales;
          if (p.scaleBufferIdx() != 0) {
            MemorySegment s = constantData(p.scaleBufferIdx(), vw + " scales");
            if (p.numScales() != count || s.byteSize() < 2 * count) {
              throw invalid(vw + ": " + p.numScales() + " scales in " + s.byteSize() + " bytes, expected " + count
                  + " (output channels " + n + " x input channels " + k + " / group size " + group + ")");
            }
            scales = new short[(int) count];
            for (int c = 0; c < count; c++) {
              scales[c] = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, c);
            }
          } else {
            if (p.scaleLength() != count) {
              throw invalid(vw + ": " + p.scaleLength() + " scales, expected " + count);
            }
            scales = new short[(int) count];
            for (int c = 0; c < count; c++) {
              scales[c] = f32ToBf16LikeExecuTorch(p.scale(c));
            }
          }
          return new XnnQuant.Blockwise(scales, axis, group);
        }
        case XNNQuantParams.PerTokenDynamicQuant -> {
          PerTokenDynamicQuant p = (PerTokenDynamicQuant) q.quantParams(new PerTokenDynamicQuant());
          requireType(dt, vw, "per-token", XnnDatatype.QDINT8);
          int nb = p.numNonbatchDims();
          if (nb < 0 || nb > rank) {
            throw invalid(vw + ": num_nonbatch_dims " + nb + " outside 0.." + rank);
          }
          return new XnnQuant.PerToken(nb);
        }
        default -> throw new ExecuTorchException(ErrorCode.NOT_IMPLEMENTED,
            vw + ": unhandled quantization parameters type " + q.quantParamsType());
      }
    }

    private void requireType(XnnDatatype dt, String vw, String quant, XnnDatatype... allowed) {
      for (XnnDatatype a : allowed) {
        if (a == dt) {
          return;
        }
      }
      throw invalid(vw + ": " + quant + " quantization on a " + dt + " value");
    }

    /** ExecuTorch's constant lookup (getConstantDataPtr), in its order. */
    private MemorySegment constantData(long bufferIdx, String vw) {
      if (constantRegion == null) {
        int n = g.constantBufferLength();
        if (bufferIdx >= n) {
          throw invalid(vw + ": buffer_idx " + bufferIdx + " out of bounds for constant_buffer of size " + n);
        }
        XNNBuffer b = g.constantBuffer(new XNNBuffer(), (int) bufferIdx);
        if (b == null || b.storageLength() == 0 && b.storageAsByteBuffer() == null) {
          throw invalid(vw + ": constant_buffer entry " + bufferIdx + " is empty");
        }
        ByteBuffer storage = b.storageAsByteBuffer();
        return MemorySegment.ofBuffer(storage).asReadOnly();
      }
      int n = g.constantDataLength();
      if (bufferIdx >= n) {
        throw invalid(vw + ": buffer_idx " + bufferIdx + " out of bounds for constant_data of size " + n);
      }
      ConstantDataOffset cd = g.constantData(new ConstantDataOffset(), (int) bufferIdx);
      String key = cd.namedKey();
      if (key == null) {
        long offset = cd.offset();
        long size = cd.size();
        long regionSize = constantRegion.byteSize();
        if (offset < 0 || size < 0 || offset > regionSize || size > regionSize - offset) {
          throw invalid(vw + ": constant_data[" + bufferIdx + "] {offset=" + Long.toUnsignedString(offset) + ", size="
              + Long.toUnsignedString(size) + "} out of bounds for the constant data region of " + regionSize + " bytes");
        }
        return constantRegion.asSlice(offset, size);
      }
      Optional<MemorySegment> data = namedData.find(key);
      if (data.isEmpty()) {
        throw new ExecuTorchException(ErrorCode.NOT_FOUND, vw + ": constant data '" + key
            + "' is not in the program's named data nor in any external data file given at load"
            + " (a model exported with external weights needs its .ptd: pass it with --ptd / Program.load(pte, ptd))");
      }
      return data.get();
    }
  }

  /**
   * ExecuTorch's {@code convertF32TensorToBF16} for fp32 block scales: scale by 1.00389105 so that
   * truncating to the upper 16 bits rounds, then truncate.
   */
  static short f32ToBf16LikeExecuTorch(float f) {
    float adjusted = f * 1.00389105f;
    return (short) (Float.floatToRawIntBits(adjusted) >>> 16);
  }

  /** A Convert node table for the legacy dq_datatype rewrite. */
  private static com.google.flatbuffers.Table legacyConvert(long inputId, long outputId) {
    com.google.flatbuffers.FlatBufferBuilder b = new com.google.flatbuffers.FlatBufferBuilder(64);
    int t = org.et4j.schema.xnnpack.Node1x1.createNode1x1(b, inputId, outputId, 0);
    b.finish(t);
    return org.et4j.schema.xnnpack.Node1x1.getRootAsNode1x1(b.dataBuffer());
  }
}
