package org.et4j.runtime;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.NamedDataMap;
import org.et4j.runtime.internal.MergedNamedData;
import org.et4j.runtime.internal.MethodMetaReader;
import org.et4j.runtime.internal.format.BundledProgramFile;
import org.et4j.runtime.internal.format.FlatTensorFile;
import org.et4j.runtime.internal.format.PteFile;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.schema.program.ExecutionPlan;

/**
 * A loaded ExecuTorch program (.pte): ExecuTorch's {@code Program}. Loading validates the whole
 * file (header, flatbuffer, segments, named data) and the external data files given with it;
 * methods are bound later with {@link #loadMethod}.
 *
 * <p>Immutable and thread-safe: any number of threads may read metadata and load methods from one
 * program at once. Files are memory-mapped by default (or read into memory, {@link
 * LoadOptions.FileAccess#READ}): constants stay views of that memory. It lives until the
 * program and every method loaded from it are closed: closing the program stops new loads
 * ({@link IllegalStateException}) while methods already loaded keep running on their constants.
 * {@link LoadOptions} also sets the verification level, the planned-memory cap and the thread
 * count of the methods it loads.
 *
 * <p>A BundledProgram (.bpte) is accepted too: the program inside it is loaded (see
 * {@link BundledProgram} for its test cases).
 */
public final class Program implements AutoCloseable {
  private final Arena arena;
  private final PteFile file;
  private final boolean bundled;
  private final List<FlatTensorFile> externalData;
  private final MergedNamedData namedData;
  private final Map<String, Integer> planIndex;
  private final Map<String, MethodMeta> metaCache = new java.util.concurrent.ConcurrentHashMap<>();
  private final long dataBytes;
  private final LoadOptions options;
  private volatile boolean closed;
  /** Methods loaded and not closed yet; guarded by {@code this}. */
  private int openMethods;

  private Program(
      Arena arena, MemorySegment pte, List<MemorySegment> ptds, List<String> ptdNames, LoadOptions options) {
    this.arena = arena;
    this.options = options;
    long bytes = pte.byteSize();
    for (MemorySegment ptd : ptds) {
      bytes += ptd.byteSize();
    }
    this.dataBytes = bytes;
    boolean isBundled = BundledProgramFile.isBundled(pte);
    MemorySegment programBytes = isBundled ? BundledProgramFile.parse(pte).program() : pte;
    this.bundled = isBundled;
    this.file =
        options.verification() == LoadOptions.Verification.FULL
            ? PteFile.parse(programBytes)
            : PteFile.parseTrusted(programBytes);
    List<FlatTensorFile> ext = new ArrayList<>();
    for (int i = 0; i < ptds.size(); i++) {
      ext.add(FlatTensorFile.parse(ptds.get(i), ptdNames.get(i)));
    }
    this.externalData = Collections.unmodifiableList(ext);
    this.namedData = new MergedNamedData(file, ext);
    Map<String, Integer> idx = new LinkedHashMap<>();
    var root = file.root();
    ExecutionPlan plan = new ExecutionPlan();
    for (int i = 0; i < root.executionPlanLength(); i++) {
      root.executionPlan(plan, i);
      String name = plan.name();
      if (name == null) {
        throw ExecuTorchException.invalidProgram("execution_plan[" + i + "] has no name");
      }
      if (idx.putIfAbsent(name, i) != null) {
        throw ExecuTorchException.invalidProgram("execution_plan[" + i + "] repeats the method name '" + name + "'");
      }
    }
    this.planIndex = Collections.unmodifiableMap(idx);
  }

  /**
   * Maps and loads a program, with optional external data files (.ptd) whose named tensors the
   * program refers to; the other options are the defaults ({@link LoadOptions#defaults()}).
   *
   * @throws ExecuTorchException InvalidProgram / InvalidExternalData for malformed files,
   *     AccessFailed when a file cannot be read
   * @param pte the {@code .pte} (or {@code .bpte}) file
   * @param ptd external data files
   * @return the program; close it to release the files
   */
  public static Program load(Path pte, Path... ptd) {
    for (Path p : ptd) {
      Objects.requireNonNull(p, "ptd");
    }
    return loadFiles(pte, LoadOptions.builder().externalData(ptd).build(), false);
  }

  /**
   * Loads a program with {@code options}: its external data files, how the files are read, how
   * much is verified, the planned-memory cap and thread count its methods get, the methods whose
   * metadata is read at once.
   *
   * @throws IllegalArgumentException naming the option, for an external data file that does not
   *     exist or a preloaded method the program does not have
   * @throws ExecuTorchException InvalidProgram / InvalidExternalData for malformed files,
   *     AccessFailed when a file cannot be read
   * @param pte the {@code .pte} (or {@code .bpte}) file
   * @param options how to load it
   * @return the program; close it to release the files
   */
  public static Program load(Path pte, LoadOptions options) {
    Objects.requireNonNull(options, "options");
    for (Path p : options.externalData()) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("externalData: no such file " + p + " (give existing .ptd files)");
      }
    }
    Program program = loadFiles(pte, options, true);
    try {
      List<String> preload = options.preloadAllMethods() ? program.methodNames() : options.preloadMethods();
      for (String name : preload) {
        if (!program.planIndex.containsKey(name)) {
          throw new IllegalArgumentException(
              "preload: the program has no method '" + name + "'; it has " + program.planIndex.keySet());
        }
        program.methodMeta(name);
      }
    } catch (RuntimeException e) {
      program.close();
      throw e;
    }
    return program;
  }

  private static Program loadFiles(Path pte, LoadOptions options, boolean viaOptions) {
    Objects.requireNonNull(pte, "pte");
    Arena arena = Arena.ofShared();
    try {
      MemorySegment main = open(pte, arena, options.fileAccess());
      List<MemorySegment> ext = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Path p : options.externalData()) {
        ext.add(open(p, arena, options.fileAccess()));
        names.add(p.getFileName().toString());
      }
      return trusting(options, () -> new Program(arena, main, ext, names, options));
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Runs a step that reads the flatbuffer. With full verification nothing it reads can be out of
   * bounds; with minimal verification a corrupt table shows as an accessor's exception, reported
   * as InvalidProgram (with ExecuTorch's code) instead of escaping as an IndexOutOfBoundsException.
   */
  private static <T> T trusting(LoadOptions options, java.util.function.Supplier<T> step) {
    if (options.verification() == LoadOptions.Verification.FULL) {
      return step.get();
    }
    try {
      return step.get();
    } catch (ExecuTorchException | IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_PROGRAM,
          "the program's flatbuffer is corrupt (" + e + "); it was loaded with minimal verification,"
              + " load it with full verification to find where",
          e);
    }
  }

  /**
   * Loads a program held in memory. The segments must stay valid while the program is used; they
   * are read, never written.
   *
   * @param pte the program's bytes
   * @param ptd the external data files' bytes
   * @return the program; the caller keeps owning the segments
   * @throws ExecuTorchException InvalidProgram / InvalidExternalData for malformed bytes
   */
  public static Program load(MemorySegment pte, MemorySegment... ptd) {
    Objects.requireNonNull(pte, "pte");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < ptd.length; i++) {
      Objects.requireNonNull(ptd[i], "ptd");
      names.add("external data " + i);
    }
    return new Program(null, pte.asReadOnly(), List.of(ptd), names, LoadOptions.defaults());
  }

  /**
   * Loads a program from memory that {@code arena} maps and that the program then owns: the
   * arena is closed when the program and its methods are (a bundle's mapping).
   */
  static Program loadOwning(Arena arena, MemorySegment pte, MemorySegment... ptd) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < ptd.length; i++) {
      names.add("external data " + i);
    }
    return new Program(arena, pte.asReadOnly(), List.of(ptd), names, LoadOptions.defaults());
  }

  /**
   * Loads a program held in a byte array (not copied: do not modify it while the program is used).
   *
   * @param pte the program's bytes
   * @param ptd the external data files' bytes
   * @return the program
   * @throws ExecuTorchException InvalidProgram / InvalidExternalData for malformed bytes
   */
  public static Program load(byte[] pte, byte[]... ptd) {
    Objects.requireNonNull(pte, "pte");
    MemorySegment[] ext = new MemorySegment[ptd.length];
    for (int i = 0; i < ptd.length; i++) {
      ext[i] = MemorySegment.ofArray(Objects.requireNonNull(ptd[i], "ptd"));
    }
    return load(MemorySegment.ofArray(pte), ext);
  }

  /** Maps a whole file read-only into {@code arena}; AccessFailed when it cannot be read. */
  static MemorySegment map(Path path, Arena arena) {
    return open(path, arena, LoadOptions.FileAccess.MAP);
  }

  /**
   * Maps a whole file read-only into {@code arena}, or reads it into memory of the arena;
   * AccessFailed when it cannot be read.
   */
  static MemorySegment open(Path path, Arena arena, LoadOptions.FileAccess access) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return MemorySegment.ofArray(new byte[0]);
      }
      if (access == LoadOptions.FileAccess.MAP) {
        return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      }
      MemorySegment copy = arena.allocate(size, 64);
      long done = 0;
      while (done < size) {
        // A ByteBuffer view holds at most 2 GiB: read larger files in slices.
        long chunk = Math.min(size - done, 1L << 30);
        var buffer = copy.asSlice(done, chunk).asByteBuffer();
        while (buffer.hasRemaining()) {
          if (ch.read(buffer, done + buffer.position()) < 0) {
            throw new IOException("file ended at byte " + (done + buffer.position()) + " of " + size);
          }
        }
        done += chunk;
      }
      return copy.asReadOnly();
    } catch (NoSuchFileException e) {
      throw new ExecuTorchException(ErrorCode.ACCESS_FAILED, "no such file: " + path);
    } catch (IOException e) {
      throw new ExecuTorchException(ErrorCode.ACCESS_FAILED, "cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("program is closed");
    }
  }

  /**
   * Method names in file order.
   *
   * @return the names, unmodifiable
   */
  public List<String> methodNames() {
    checkOpen();
    return List.copyOf(planIndex.keySet());
  }

  /**
   * The metadata of a method, validated on first access.
   *
   * @throws IllegalArgumentException when the program has no such method
   * @throws ExecuTorchException InvalidProgram when the plan is malformed
   * @param name a method name
   * @return its metadata, immutable
   */
  public MethodMeta methodMeta(String name) {
    checkOpen();
    Integer i = planIndexOf(name);
    MethodMeta cached = metaCache.get(name);
    if (cached != null) {
      return cached;
    }
    return metaCache.computeIfAbsent(
        name, n -> trusting(options, () -> MethodMetaReader.read(file, file.root().executionPlan(i))));
  }

  private Integer planIndexOf(String name) {
    Integer i = planIndex.get(Objects.requireNonNull(name, "name"));
    if (i == null) {
      throw new IllegalArgumentException("no method named '" + name + "'; the program has " + planIndex.keySet());
    }
    return i;
  }

  /**
   * Loads a method with the default kernel and backend registries (found with ServiceLoader).
   *
   * @param name a method name
   * @return a new method, which the caller closes; used by one thread at a time
   * @throws IllegalArgumentException when the program has no such method
   * @throws ExecuTorchException as {@link #loadMethod(String, KernelRegistry, BackendRegistry)}
   */
  public Method loadMethod(String name) {
    return loadMethod(name, KernelRegistry.defaultRegistry(), BackendRegistry.defaultRegistry());
  }

  /**
   * Loads a method: binds every kernel, delegate and tensor once (see {@link Method}).
   *
   * @throws ExecuTorchException OperatorMissing listing every missing operator, NotFound for an
   *     unregistered backend, InvalidProgram for a malformed plan
   * @param name a method name
   * @param kernels the kernels its operators are looked up in
   * @param backends the backends its delegates are initialised with
   * @return a new method, which the caller closes; used by one thread at a time
   * @throws IllegalArgumentException when the program has no such method
   */
  public Method loadMethod(String name, KernelRegistry kernels, BackendRegistry backends) {
    checkOpen();
    Objects.requireNonNull(kernels, "kernels");
    Objects.requireNonNull(backends, "backends");
    int i = planIndexOf(name);
    methodMeta(name);
    methodOpened();
    try {
      return trusting(
          options, () -> MethodLoader.load(this, file, file.root().executionPlan(i), namedData, kernels, backends, options));
    } catch (RuntimeException | Error e) {
      methodClosed();
      throw e;
    }
  }

  /**
   * What each delegate of {@code method} holds, as its backend describes it, in delegate order;
   * null entries for backends that are not registered or do not describe their payloads.
   *
   * @param method a method name
   * @param backends where the describing backends are looked up
   * @return one entry per delegate (null where undescribed)
   */
  public List<org.et4j.runtime.delegate.DelegateContents> delegateContents(String method, BackendRegistry backends) {
    checkOpen();
    Objects.requireNonNull(backends, "backends");
    List<org.et4j.runtime.delegate.DelegateContents> out = new ArrayList<>();
    for (DelegateInfo d : methodMeta(method).delegates()) {
      var backend = backends.lookup(d.backendId());
      if (backend == null) {
        out.add(null);
        continue;
      }
      out.add(backend.describe(MethodLoader.payload(file, d).asReadOnly(), namedData));
    }
    return out;
  }

  /**
   * {@link #delegateContents(String, BackendRegistry)} with the discovered backends.
   *
   * @param method a method name
   * @return one entry per delegate (null where undescribed)
   */
  public List<org.et4j.runtime.delegate.DelegateContents> delegateContents(String method) {
    return delegateContents(method, BackendRegistry.defaultRegistry());
  }

  /**
   * The options the program was loaded with.
   *
   * @return the options, immutable
   */
  public LoadOptions options() {
    return options;
  }

  /** Bytes of the program file and its external data files together. */
  long dataBytes() {
    return dataBytes;
  }

  /**
   * The program's named data merged with the external data files.
   *
   * @return the merged map, valid while the program is open
   */
  public NamedDataMap namedData() {
    checkOpen();
    return namedData;
  }

  /**
   * True when the program came from a BundledProgram file.
   *
   * @return whether the file was a {@code .bpte}
   */
  public boolean isBundled() {
    return bundled;
  }

  /**
   * How the file is laid out: header, segments, constants, named data, external files.
   *
   * @return the layout, immutable
   */
  public ProgramLayout layout() {
    checkOpen();
    var root = file.root();
    Map<Integer, List<String>> uses = new LinkedHashMap<>();
    var cs = root.constantSegment();
    if (cs != null && cs.offsetsLength() > 0 && cs.segmentIndex() < file.segmentCount()) {
      uses.computeIfAbsent((int) cs.segmentIndex(), k -> new ArrayList<>()).add("constants");
    }
    for (int m = 0; m < root.mutableDataSegmentsLength(); m++) {
      long s = root.mutableDataSegments(m).segmentIndex();
      if (s < file.segmentCount()) {
        uses.computeIfAbsent((int) s, k -> new ArrayList<>()).add("mutable data");
      }
    }
    for (String method : planIndex.keySet()) {
      for (DelegateInfo d : methodMeta(method).delegates()) {
        if (d.location().equals("segment")) {
          uses.computeIfAbsent((int) d.dataIndex(), k -> new ArrayList<>())
              .add("delegate " + d.backendId() + " (" + method + ")");
        }
      }
    }
    file.namedDataSegments()
        .forEach((k, s) -> uses.computeIfAbsent(s, x -> new ArrayList<>()).add("named data '" + k + "'"));
    List<SegmentInfo> segments = new ArrayList<>();
    for (int s = 0; s < file.segmentCount(); s++) {
      List<String> u = uses.getOrDefault(s, List.of());
      segments.add(new SegmentInfo(s, file.segmentOffset(s), file.segmentSize(s), u.isEmpty() ? "unused" : String.join(", ", u.stream().distinct().toList())));
    }
    String storage =
        file.usesDeprecatedConstantBuffer()
            ? "constant_buffer"
            : (cs != null && cs.offsetsLength() > 1 ? "constant_segment" : "none");
    List<ExternalDataInfo> ext = new ArrayList<>();
    for (FlatTensorFile f : externalData) {
      ext.add(new ExternalDataInfo(f.name(), 0, List.copyOf(f.entries().keySet()), f.segmentDataSize()));
    }
    var h = file.header();
    return new ProgramLayout(
        file.file().byteSize(),
        bundled,
        h == null ? 0 : h.length(),
        file.programSize(),
        h == null ? 0 : h.segmentBaseOffset(),
        h == null ? 0 : h.segmentDataSize(),
        segments,
        storage,
        file.constantDataSize(),
        List.copyOf(file.namedDataSegments().keySet()),
        ext);
  }

  /**
   * Closes the program: no more methods can be loaded. The files are unmapped now, or when the
   * last method loaded from the program is closed. Idempotent, and safe from any thread.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (openMethods > 0) {
        return;
      }
    }
    unmap();
  }

  /**
   * Whether {@link #close()} was called (the file stays mapped until the methods loaded from it
   * are closed too).
   *
   * @return true once {@link #close()} was called
   */
  public boolean isClosed() {
    return closed;
  }

  private synchronized void methodOpened() {
    checkOpen();
    openMethods++;
  }

  /** A method loaded from this program freed its memory (called once per method). */
  void methodClosed() {
    synchronized (this) {
      if (--openMethods > 0 || !closed) {
        return;
      }
    }
    unmap();
  }

  private void unmap() {
    if (arena != null) {
      arena.close();
    }
  }
}
