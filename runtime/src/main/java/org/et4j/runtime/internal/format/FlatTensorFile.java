package org.et4j.runtime.internal.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.delegate.TensorLayout;
import org.et4j.schema.flattensor.DataSegment;
import org.et4j.schema.flattensor.FlatTensor;
import org.et4j.schema.flattensor.NamedData;

/**
 * A validated .ptd file (ExecuTorch's FlatTensor, "FT01" with its "FH01" header): named blobs,
 * each with the tensor layout it was saved with. Every offset is checked at parse; failures raise
 * InvalidExternalData.
 */
public final class FlatTensorFile {
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final int HEADER_OFFSET = 8;
  private static final int MIN_HEADER_LENGTH = 40;

  /** One named blob. */
  public record Entry(String key, int segmentIndex, MemorySegment data, TensorLayout layout) {}

  private final String name;
  private final long headerLength;
  private final long flatbufferSize;
  private final long segmentBase;
  private final long segmentDataSize;
  private final List<long[]> segments;
  private final Map<String, Entry> entries;

  private FlatTensorFile(MemorySegment file, String name) {
    this.name = name;
    long size = file.byteSize();
    if (size < HEADER_OFFSET + 8 || !Magic.matches(file, 4, "FT01")) {
      throw fail("identifier '" + Magic.printable(file, 4) + "' at byte 4 != expected 'FT01'");
    }
    if (!Magic.matches(file, HEADER_OFFSET, "FH01")) {
      throw fail("header magic '" + Magic.printable(file, HEADER_OFFSET) + "' at byte 8 != expected 'FH01'");
    }
    headerLength = Integer.toUnsignedLong(file.get(U32, HEADER_OFFSET + 4));
    if (headerLength < MIN_HEADER_LENGTH || HEADER_OFFSET + headerLength > size) {
      throw fail("header length " + headerLength + " at byte 12 must be at least 40 and fit in the file (" + size + " bytes)");
    }
    long fbOffset = file.get(U64, HEADER_OFFSET + 8);
    flatbufferSize = file.get(U64, HEADER_OFFSET + 16);
    segmentBase = file.get(U64, HEADER_OFFSET + 24);
    segmentDataSize = file.get(U64, HEADER_OFFSET + 32);
    if (Long.compareUnsigned(fbOffset, size) > 0
        || Long.compareUnsigned(flatbufferSize, size - fbOffset) > 0) {
      throw fail("flatbuffer (offset " + Long.toUnsignedString(fbOffset) + ", size "
          + Long.toUnsignedString(flatbufferSize) + ") extends past the end of the file (" + size + " bytes)");
    }
    if (Long.compareUnsigned(segmentBase, size) > 0
        || Long.compareUnsigned(segmentDataSize, size - segmentBase) > 0) {
      throw fail("segment data (base " + Long.toUnsignedString(segmentBase) + ", size "
          + Long.toUnsignedString(segmentDataSize) + ") extends past the end of the file (" + size + " bytes)");
    }
    long region = fbOffset + flatbufferSize;
    if (region > Integer.MAX_VALUE - 8) {
      throw fail("flatbuffer of " + region + " bytes exceeds the 2 GiB flatbuffer limit");
    }
    ByteBuffer bb = file.asSlice(0, region).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    new FlatbufferVerifier(bb, "external data file " + name, ErrorCode.INVALID_EXTERNAL_DATA)
        .verifyRoot(0, Schemas.FLAT_TENSOR);
    FlatTensor root = FlatTensor.getRootAsFlatTensor(bb);
    if (root.version() != 0) {
      throw fail("FlatTensor version " + root.version() + " is not supported (expected 0)");
    }
    List<long[]> segs = new ArrayList<>();
    DataSegment ds = new DataSegment();
    for (int i = 0; i < root.segmentsLength(); i++) {
      root.segments(ds, i);
      long off = ds.offset();
      long len = ds.size();
      if (Long.compareUnsigned(off, size) > 0
          || Long.compareUnsigned(len, size) > 0
          || Long.compareUnsigned(segmentBase + off, size - len) > 0) {
        throw fail("segments[" + i + "] (offset " + Long.toUnsignedString(off) + ", size "
            + Long.toUnsignedString(len) + ") extends past the end of the file (" + size + " bytes)");
      }
      segs.add(new long[] {segmentBase + off, len});
    }
    segments = Collections.unmodifiableList(segs);
    Map<String, Entry> map = new LinkedHashMap<>();
    NamedData nd = new NamedData();
    for (int i = 0; i < root.namedDataLength(); i++) {
      root.namedData(nd, i);
      String key = nd.key();
      if (key == null) {
        throw fail("named_data[" + i + "] has no key");
      }
      long seg = nd.segmentIndex();
      if (seg >= segs.size()) {
        throw fail("named_data[" + i + "] ('" + key + "') refers to segment " + seg + " of " + segs.size());
      }
      long[] s = segs.get((int) seg);
      TensorLayout layout = null;
      var tl = nd.tensorLayout();
      if (tl != null) {
        ScalarType dtype = ScalarType.fromCodeOrNull(tl.scalarType());
        if (dtype == null) {
          throw fail("named_data[" + i + "] ('" + key + "') has unknown scalar type " + tl.scalarType());
        }
        List<Integer> sizes = new ArrayList<>();
        for (int d = 0; d < tl.sizesLength(); d++) {
          sizes.add(tl.sizes(d));
        }
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < tl.dimOrderLength(); d++) {
          order.add(tl.dimOrder(d));
        }
        layout = new TensorLayout(dtype, sizes, order);
      }
      Entry e = new Entry(key, (int) seg, file.asSlice(s[0], s[1]).asReadOnly(), layout);
      if (map.putIfAbsent(key, e) != null) {
        throw fail("named_data[" + i + "] repeats the key '" + key + "'");
      }
    }
    entries = Collections.unmodifiableMap(map);
  }

  private ExecuTorchException fail(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_EXTERNAL_DATA, "external data file " + name + ": " + message);
  }

  /** Parses and validates a .ptd held in {@code file}; {@code name} is used in messages. */
  public static FlatTensorFile parse(MemorySegment file, String name) {
    return new FlatTensorFile(file, name);
  }

  public String name() {
    return name;
  }

  /** Named blobs in file order. */
  public Map<String, Entry> entries() {
    return entries;
  }

  public long headerLength() {
    return headerLength;
  }

  public long flatbufferSize() {
    return flatbufferSize;
  }

  public long segmentBase() {
    return segmentBase;
  }

  public long segmentDataSize() {
    return segmentDataSize;
  }

  /** {offset, size} of each segment, absolute. */
  public List<long[]> segments() {
    return segments;
  }
}
