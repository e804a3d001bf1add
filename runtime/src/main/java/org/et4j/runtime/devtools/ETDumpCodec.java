package org.et4j.runtime.devtools;

import com.google.flatbuffers.FlatBufferBuilder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.internal.format.FlatbufferVerifier;
import org.et4j.runtime.internal.format.Schemas;
import org.et4j.schema.etdump.AllocationEvent;
import org.et4j.schema.etdump.Allocator;
import org.et4j.schema.etdump.DBool;
import org.et4j.schema.etdump.DDouble;
import org.et4j.schema.etdump.DFloat;
import org.et4j.schema.etdump.DInt;
import org.et4j.schema.etdump.DTensor;
import org.et4j.schema.etdump.DTensorList;
import org.et4j.schema.etdump.DValue;
import org.et4j.schema.etdump.DebugEvent;
import org.et4j.schema.etdump.Event;
import org.et4j.schema.etdump.ProfileEvent;
import org.et4j.schema.etdump.RunData;
import org.et4j.schema.etdump.ValueType;

/** {@link ETDump} to and from its size-prefixed flatbuffer, through et4j's generated schema classes. */
final class ETDumpCodec {
  private static final String IDENTIFIER = "ED00";

  private ETDumpCodec() {}

  // ---------------------------------------------------------------- encode

  static byte[] encode(ETDump dump) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    Map<String, Integer> strings = new HashMap<>();
    int[] runs = new int[dump.runs().size()];
    for (int r = 0; r < runs.length; r++) {
      runs[r] = encodeRun(b, strings, dump.runs().get(r));
    }
    int runVector = org.et4j.schema.etdump.ETDump.createRunDataVector(b, runs);
    int root = org.et4j.schema.etdump.ETDump.createETDump(b, dump.version(), runVector);
    org.et4j.schema.etdump.ETDump.finishSizePrefixedETDumpBuffer(b, root);
    return b.sizedByteArray();
  }

  private static int string(FlatBufferBuilder b, Map<String, Integer> strings, String s) {
    if (s == null) {
      return 0;
    }
    return strings.computeIfAbsent(s, b::createString);
  }

  private static int encodeRun(FlatBufferBuilder b, Map<String, Integer> strings, ETDump.RunData run) {
    int name = string(b, strings, run.name());
    int allocators = 0;
    if (!run.allocators().isEmpty()) {
      int[] a = new int[run.allocators().size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = Allocator.createAllocator(b, string(b, strings, run.allocators().get(i)));
      }
      allocators = RunData.createAllocatorsVector(b, a);
    }
    int[] events = new int[run.events().size()];
    for (int i = 0; i < events.length; i++) {
      events[i] = encodeEvent(b, strings, run.events().get(i));
    }
    int eventVector = RunData.createEventsVector(b, events);
    return RunData.createRunData(b, name, run.bundledInputIndex(), allocators, eventVector);
  }

  private static int encodeEvent(FlatBufferBuilder b, Map<String, Integer> strings, ETDump.Event e) {
    return switch (e) {
      case ETDump.ProfileEvent p -> {
        int name = string(b, strings, p.name());
        int idStr = string(b, strings, p.delegateDebugIdStr());
        int metadata = p.delegateDebugMetadata() == null ? 0 : b.createByteVector(p.delegateDebugMetadata());
        int pe = ProfileEvent.createProfileEvent(
            b, name, p.chainIndex(), p.instructionId(), p.delegateDebugIdInt(), idStr, metadata, p.startTime(), p.endTime());
        yield Event.createEvent(b, pe, 0, 0);
      }
      case ETDump.AllocationEvent a ->
          Event.createEvent(b, 0, AllocationEvent.createAllocationEvent(b, a.allocatorId(), a.allocationSize()), 0);
      case ETDump.DebugEvent d -> {
        int idStr = string(b, strings, d.delegateDebugIdStr());
        int name = string(b, strings, d.name());
        int value = encodeValue(b, d.value());
        int de = DebugEvent.createDebugEvent(b, d.chainIndex(), d.instructionId(), value, d.delegateDebugIdInt(), idStr, name);
        yield Event.createEvent(b, 0, 0, de);
      }
    };
  }

  private static int encodeTensor(FlatBufferBuilder b, ETDump.TensorValue t) {
    long[] sizes = t.sizes().stream().mapToLong(Long::longValue).toArray();
    long[] strides = t.strides().stream().mapToLong(Long::longValue).toArray();
    int sv = DTensor.createSizesVector(b, sizes);
    int st = DTensor.createStridesVector(b, strides);
    return DTensor.createDTensor(b, (byte) t.scalarType(), sv, st, t.offset());
  }

  private static int encodeValue(FlatBufferBuilder b, ETDump.DebugValue v) {
    int tensor = 0;
    int list = 0;
    int intValue = 0;
    int floatValue = 0;
    int doubleValue = 0;
    int boolValue = 0;
    byte type;
    switch (v) {
      case ETDump.TensorValue t -> {
        type = ValueType.Tensor;
        tensor = encodeTensor(b, t);
      }
      case ETDump.TensorListValue l -> {
        type = ValueType.TensorList;
        int[] items = new int[l.tensors().size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = encodeTensor(b, l.tensors().get(i));
        }
        list = DTensorList.createDTensorList(b, DTensorList.createTensorsVector(b, items));
      }
      case ETDump.IntValue i -> {
        type = ValueType.Int;
        intValue = DInt.createDInt(b, i.value());
      }
      case ETDump.BoolValue x -> {
        type = ValueType.Bool;
        boolValue = DBool.createDBool(b, x.value());
      }
      case ETDump.DoubleValue x -> {
        type = ValueType.Double;
        doubleValue = DDouble.createDDouble(b, x.value());
      }
      case ETDump.FloatValue x -> {
        type = ValueType.Float;
        floatValue = DFloat.createDFloat(b, x.value());
      }
    }
    int output = v.output() ? DBool.createDBool(b, true) : 0;
    return DValue.createDValue(b, type, tensor, list, intValue, floatValue, doubleValue, boolValue, output);
  }

  // ---------------------------------------------------------------- decode

  private static ExecuTorchException malformed(String what) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, "malformed ETDump: " + what);
  }

  static ETDump decode(MemorySegment bytes) {
    long size = bytes.byteSize();
    if (size < 12) {
      throw malformed("it has " + size + " bytes, fewer than a size prefix, a root offset and an identifier");
    }
    long length = Integer.toUnsignedLong(bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
    if (length < 8 || length > size - 4) {
      throw malformed("its size prefix says " + length + " bytes but " + (size - 4) + " follow it");
    }
    MemorySegment fb = bytes.asSlice(4, length);
    byte[] id = fb.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
    if (!IDENTIFIER.equals(new String(id, java.nio.charset.StandardCharsets.ISO_8859_1))) {
      throw malformed("identifier at byte 8 is not " + IDENTIFIER + " (is this a size-prefixed ETDump?)");
    }
    ByteBuffer bb = fb.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    new FlatbufferVerifier(bb, "ETDump", ErrorCode.INVALID_ARGUMENT).verifyRoot(0, Schemas.ETDUMP);
    var root = org.et4j.schema.etdump.ETDump.getRootAsETDump(bb);
    List<ETDump.RunData> runs = new ArrayList<>();
    RunData rd = new RunData();
    Event ev = new Event();
    for (int r = 0; r < root.runDataLength(); r++) {
      root.runData(rd, r);
      List<String> allocators = new ArrayList<>();
      for (int a = 0; a < rd.allocatorsLength(); a++) {
        allocators.add(nullToEmpty(rd.allocators(a).name()));
      }
      List<ETDump.Event> events = new ArrayList<>();
      for (int e = 0; e < rd.eventsLength(); e++) {
        rd.events(ev, e);
        events.add(decodeEvent(ev, "run " + r + " event " + e));
      }
      runs.add(new ETDump.RunData(nullToEmpty(rd.name()), rd.bundledInputIndex(), allocators, events));
    }
    return new ETDump((int) root.version(), runs);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static ETDump.Event decodeEvent(Event ev, String where) {
    ProfileEvent p = ev.profileEvent();
    if (p != null) {
      byte[] metadata = null;
      if (p.delegateDebugMetadataLength() > 0 || p.delegateDebugMetadataAsByteBuffer() != null) {
        metadata = new byte[p.delegateDebugMetadataLength()];
        for (int i = 0; i < metadata.length; i++) {
          metadata[i] = (byte) p.delegateDebugMetadata(i);
        }
      }
      return new ETDump.ProfileEvent(
          p.name(), p.chainIndex(), p.instructionId(), p.delegateDebugIdInt(), p.delegateDebugIdStr(), metadata,
          p.startTime(), p.endTime());
    }
    AllocationEvent a = ev.allocationEvent();
    if (a != null) {
      return new ETDump.AllocationEvent(a.allocatorId(), a.allocationSize());
    }
    DebugEvent d = ev.debugEvent();
    if (d != null) {
      if (d.debugEntry() == null) {
        throw malformed(where + ": a debug event without a value");
      }
      return new ETDump.DebugEvent(
          d.chainIndex(), d.instructionId(), d.delegateDebugIdInt(), d.delegateDebugIdStr(), d.name(),
          decodeValue(d.debugEntry(), where));
    }
    throw malformed(where + " holds no profile, allocation or debug event");
  }

  private static ETDump.TensorValue decodeTensor(DTensor t, boolean output) {
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < t.sizesLength(); i++) {
      sizes.add(t.sizes(i));
    }
    List<Long> strides = new ArrayList<>();
    for (int i = 0; i < t.stridesLength(); i++) {
      strides.add(t.strides(i));
    }
    return new ETDump.TensorValue(t.scalarType(), sizes, strides, t.offset(), output);
  }

  private static ETDump.DebugValue decodeValue(DValue v, String where) {
    boolean output = v.output() != null && v.output().boolVal();
    switch (v.val()) {
      case ValueType.Tensor -> {
        if (v.tensor() == null) {
          throw malformed(where + ": a Tensor value without its tensor");
        }
        return decodeTensor(v.tensor(), output);
      }
      case ValueType.TensorList -> {
        List<ETDump.TensorValue> items = new ArrayList<>();
        DTensorList l = v.tensorList();
        for (int i = 0; l != null && i < l.tensorsLength(); i++) {
          items.add(decodeTensor(l.tensors(i), output));
        }
        return new ETDump.TensorListValue(items, output);
      }
      case ValueType.Int -> {
        return new ETDump.IntValue(v.intValue() == null ? 0 : v.intValue().intVal(), output);
      }
      case ValueType.Bool -> {
        return new ETDump.BoolValue(v.boolValue() != null && v.boolValue().boolVal(), output);
      }
      case ValueType.Double -> {
        return new ETDump.DoubleValue(v.doubleValue() == null ? 0 : v.doubleValue().doubleVal(), output);
      }
      case ValueType.Float -> {
        return new ETDump.FloatValue(v.floatValue() == null ? 0 : v.floatValue().floatVal(), output);
      }
      default -> throw malformed(where + ": value type " + v.val() + " is not one et4j reads");
    }
  }
}
