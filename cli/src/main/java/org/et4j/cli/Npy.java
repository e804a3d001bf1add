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

  /** Largest .npy the command reads into memory (a Java array holds at most 2 GiB). */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

  /**
   * Reads a .npy file. Its bytes are untrusted input like a program's: anything wrong with them
   * is an InvalidArgument ExecuTorchException naming the file and what is wrong (the command
   * prints it as one {@code error:} line and exits with status 2).
   */
  static Tensor read(Path path) {
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_FILE_BYTES) {
        throw bad(path, "the file has " + size + " bytes; at most " + MAX_FILE_BYTES + " can be read");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new org.et4j.runtime.ExecuTorchException(
          org.et4j.runtime.ErrorCode.ACCESS_FAILED, "cannot read " + path + ": " + e.getMessage(), e);
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || (bytes[0] & 0xFF) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw bad(path, "not a .npy file (no \\x93NUMPY magic)");
    }
    int major = bytes[6];
    int headerLen;
    int start;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(bb.getShort(8));
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw bad(path, "truncated in the header length");
      }
      headerLen = bb.getInt(8);
      start = 12;
    } else {
      throw bad(path, "unsupported .npy format version " + major);
    }
    if (headerLen < 0 || start + (long) headerLen > bytes.length) {
      throw bad(path, "header length " + Integer.toUnsignedString(headerLen) + " exceeds the file (" + bytes.length + " bytes)");
    }
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    String descr = match(DESCR, header, path, "descr");
    if (match(FORTRAN, header, path, "fortran_order").equals("True")) {
      throw bad(path, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
    }
    List<Long> dims = new ArrayList<>();
    for (String part : match(SHAPE, header, path, "shape").split(",")) {
      if (!part.isBlank()) {
        long d;
        try {
          d = Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
          throw bad(path, "shape entry '" + part.trim() + "' is not an integer");
        }
        if (d < 0 || d > Integer.MAX_VALUE) {
          throw bad(path, "shape entry " + d + " is out of range");
        }
        dims.add(d);
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
          default -> throw bad(path, "unsupported dtype '" + descr + "' (supported: <f4 <f8 <f2 <i8 <i4 <i2 |i1 |u1 |b1)");
        };
    long needed = dtype.elementSize();
    for (long d : shape) {
      needed = d == 0 ? 0 : needed > Long.MAX_VALUE / d ? Long.MAX_VALUE : needed * d;
    }
    long data = bytes.length - (long) (start + headerLen);
    if (needed != data) {
      throw bad(path, "shape " + java.util.Arrays.toString(shape) + " of " + descr + " needs "
          + (needed == Long.MAX_VALUE ? "more than 2^63" : Long.toString(needed)) + " data bytes, the file holds " + data);
    }
    int dataStart = start + headerLen;
    return Tensor.fromSegment(
        dtype, java.lang.foreign.MemorySegment.ofArray(bytes).asSlice(dataStart), shape);
  }

  private static org.et4j.runtime.ExecuTorchException bad(Path path, String what) {
    return org.et4j.runtime.ExecuTorchException.invalidArgument(path + ": " + what);
  }

  private static String match(Pattern p, String header, Path path, String what) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw bad(path, ".npy header has no " + what);
    }
    return m.group(1);
  }
}
