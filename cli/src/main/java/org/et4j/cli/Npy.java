package org.et4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;

/** Reads NumPy .npy files (format versions 1-3, C order, little-endian or single-byte dtypes) into tensors. */
final class Npy {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  static Tensor read(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || (bytes[0] & 0xFF) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IllegalArgumentException(path + " is not a .npy file");
    }
    int major = bytes[6];
    int headerLen;
    int start;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(bb.getShort(8));
      start = 10;
    } else {
      headerLen = bb.getInt(8);
      start = 12;
    }
    if (headerLen < 0 || start + (long) headerLen > bytes.length) {
      throw new IllegalArgumentException(path + ": .npy header length " + headerLen + " exceeds the file");
    }
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    String descr = match(DESCR, header, path, "descr");
    if (match(FORTRAN, header, path, "fortran_order").equals("True")) {
      throw new IllegalArgumentException(path + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : match(SHAPE, header, path, "shape").split(",")) {
      if (!part.isBlank()) {
        dims.add(Long.parseLong(part.trim()));
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    ScalarType dtype =
        switch (descr) {
          case "<f4" -> ScalarType.FLOAT;
          case "<f8" -> ScalarType.DOUBLE;
          case "<f2" -> ScalarType.HALF;
          case "<i4" -> ScalarType.INT;
          case "<i8" -> ScalarType.LONG;
          case "<i2" -> ScalarType.SHORT;
          case "|i1" -> ScalarType.CHAR;
          case "|u1" -> ScalarType.BYTE;
          case "|b1" -> ScalarType.BOOL;
          default -> throw new IllegalArgumentException(path + ": unsupported .npy dtype " + descr);
        };
    int dataStart = start + headerLen;
    return Tensor.fromSegment(
        dtype, java.lang.foreign.MemorySegment.ofArray(bytes).asSlice(dataStart), shape);
  }

  private static String match(Pattern p, String header, Path path, String what) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException(path + ": .npy header has no " + what);
    }
    return m.group(1);
  }
}
