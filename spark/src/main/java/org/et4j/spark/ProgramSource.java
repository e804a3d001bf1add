package org.et4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;

/**
 * Where executors get a program's bytes: from a Spark broadcast (sent to each executor once) or
 * from paths every executor can read (a shared file system, or files placed on every node).
 * Identified by the SHA-256 of the program and its external data, which keys the executor
 * cache: one {@code Program} per executor JVM per content, whatever the path or broadcast.
 */
final class ProgramSource implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The process's directory for programs received by broadcast; made on first use. */
  private static volatile Path localDir;

  private final String sha256;
  /** Broadcast bytes: the program, then its .ptd files; null for shared paths. */
  private final List<Broadcast<byte[]>> broadcast;
  /** Shared paths: the program, then its .ptd files; null for broadcast. */
  private final List<String> sharedPaths;
  /** The driver's own copy of the bytes, so it checks the program before broadcasting. */
  private final transient List<byte[]> driverBytes;

  private ProgramSource(String sha256, List<Broadcast<byte[]>> broadcast, List<String> sharedPaths, List<byte[]> driverBytes) {
    this.sha256 = sha256;
    this.broadcast = broadcast;
    this.sharedPaths = sharedPaths;
    this.driverBytes = driverBytes;
  }

  /** A source over bytes the driver holds; {@link #broadcastWith} ships them. */
  static ProgramSource ofBytes(List<byte[]> files) {
    MessageDigest digest = newDigest();
    for (byte[] f : files) {
      digest.update(longBytes(f.length));
      digest.update(f);
    }
    return new ProgramSource(HexFormat.of().formatHex(digest.digest()), null, null, List.copyOf(files));
  }

  /** A source over paths every executor reads; the driver hashes its own copy. */
  static ProgramSource ofSharedPaths(List<String> paths) {
    return new ProgramSource(hashFiles(paths), null, List.copyOf(paths), null);
  }

  /** This source with its bytes broadcast through {@code broadcaster}, for executors. */
  ProgramSource broadcastWith(java.util.function.Function<byte[], Broadcast<byte[]>> broadcaster) {
    if (driverBytes == null) {
      return this;
    }
    List<Broadcast<byte[]>> b = new ArrayList<>();
    for (byte[] f : driverBytes) {
      b.add(broadcaster.apply(f));
    }
    return new ProgramSource(sha256, List.copyOf(b), null, driverBytes);
  }

  String sha256() {
    return sha256;
  }

  boolean isShared() {
    return sharedPaths != null;
  }

  /** Removes the broadcast copies from the executors (no-op for shared paths). */
  void destroy() {
    if (broadcast != null) {
      for (Broadcast<byte[]> b : broadcast) {
        b.destroy();
      }
    }
  }

  /**
   * Local files holding the program then its .ptd files, for et4j to map: the shared paths
   * (checked to hold the driver's content), or the broadcast bytes written once into a
   * directory of this process.
   */
  List<Path> localFiles() {
    if (sharedPaths != null) {
      String here = hashFiles(sharedPaths);
      if (!here.equals(sha256)) {
        throw new IllegalStateException(
            "the program files " + sharedPaths + " differ on this executor from the driver's (SHA-256 " + here
                + " here, " + sha256 + " at the driver): put the same files on every node");
      }
      return sharedPaths.stream().map(Path::of).toList();
    }
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < fileCount(); i++) {
      byte[] bytes = driverBytes != null ? driverBytes.get(i) : broadcast.get(i).value();
      files.add(writeOnce(bytes, sha256 + (i == 0 ? ".pte" : "." + i + ".ptd")));
    }
    return files;
  }

  private int fileCount() {
    return driverBytes != null ? driverBytes.size() : broadcast.size();
  }

  private static Path writeOnce(byte[] bytes, String name) {
    try {
      Path dir = dir();
      Path target = dir.resolve(name);
      if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
        return target;
      }
      Path tmp = Files.createTempFile(dir, name, ".part");
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      target.toFile().deleteOnExit();
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broadcast program to a local file: " + e.getMessage(), e);
    }
  }

  private static Path dir() throws IOException {
    Path d = localDir;
    if (d == null) {
      synchronized (ProgramSource.class) {
        d = localDir;
        if (d == null) {
          d = Files.createTempDirectory("et4j-spark-");
          d.toFile().deleteOnExit();
          localDir = d;
        }
      }
    }
    return d;
  }

  private static String hashFiles(List<String> paths) {
    MessageDigest digest = newDigest();
    byte[] chunk = new byte[1 << 16];
    for (String p : paths) {
      Path path = Path.of(p);
      try (InputStream in = Files.newInputStream(path)) {
        digest.update(longBytes(Files.size(path)));
        int n;
        while ((n = in.read(chunk)) > 0) {
          digest.update(chunk, 0, n);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the program file " + p + ": " + e, e);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
