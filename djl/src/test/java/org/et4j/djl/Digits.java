package org.et4j.djl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The digits CNN fixture (a small CNN trained on scikit-learn's digits and exported by ExecuTorch's
 * toolchain) and its 100 held-out images and labels, read from the .npy files the way {@code et4j
 * run} reads them (format 1.0, C order, little-endian).
 */
final class Digits {
  static final Path DIR =
      Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures/digits_cnn");
  static final Path PORTABLE_PTE = DIR.resolve("digits_cnn.portable.pte");
  static final Path IMAGES = DIR.resolve("digits_test.npy");
  static final Path LABELS = DIR.resolve("digits_test_labels.npy");
  static final int PIXELS = 64;

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");

  private Digits() {}

  /** The images, one float[64] per digit. */
  static float[][] images() throws IOException {
    ByteBuffer body = body(IMAGES, "<f4");
    int n = body.remaining() / 4 / PIXELS;
    float[][] images = new float[n][PIXELS];
    for (float[] image : images) {
      body.asFloatBuffer().get(image);
      body.position(body.position() + PIXELS * 4);
    }
    return images;
  }

  /** The true digit of each image. */
  static long[] labels() throws IOException {
    ByteBuffer body = body(LABELS, "<i8");
    long[] labels = new long[body.remaining() / 8];
    body.asLongBuffer().get(labels);
    return labels;
  }

  private static ByteBuffer body(Path file, String dtype) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes[6] != 1) {
      throw new IOException(file + ": expected .npy format 1.0");
    }
    int headerLen = Short.toUnsignedInt(bb.getShort(8));
    String header = new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1);
    Matcher m = DESCR.matcher(header);
    if (!m.find() || !m.group(1).equals(dtype)) {
      throw new IOException(file + ": expected dtype " + dtype + " in " + header);
    }
    bb.position(10 + headerLen);
    return bb.slice().order(ByteOrder.LITTLE_ENDIAN);
  }
}
