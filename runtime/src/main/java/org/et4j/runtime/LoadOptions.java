package org.et4j.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How {@link Program#load(Path, LoadOptions)} and {@link Module#load(Path, LoadOptions)} read a
 * file and bind its methods: the options of ExecuTorch's {@code Program::load} and
 * {@code Module} constructor, as one immutable value. Build one with {@link #builder()}; {@link
 * #defaults()} is what the overloads without options use.
 *
 * @param externalData external data files (.ptd) whose named tensors the program refers to
 * @param threads threads each kernel call of the program's methods may use, the calling thread
 *     included; {@code 0} leaves it to the process-wide compute pool ({@code -Det4j.threads},
 *     by default the processor count)
 * @param verification how much of the file is checked before it is trusted
 * @param maxPlannedMemory the most memory one method may plan, and the most kernel scratch it
 *     may ask for, in bytes; empty for {@link #defaultMaxPlannedMemory()}
 * @param fileAccess how the files are brought into memory
 * @param preloadMethods methods {@link Module#load(Path, LoadOptions)} loads at once (so that a
 *     missing kernel fails the load, not the first call); {@link Program#load(Path, LoadOptions)}
 *     checks that they exist and reads their metadata
 * @param preloadAllMethods every method of the program is preloaded
 * @param backendOptions options for delegate backends, by key (e.g. {@code xnnpack} =
 *     {@code java|native|auto}); each backend reads its own keys when it initialises a delegate
 *     ({@link org.et4j.runtime.delegate.BackendInitContext#option(String)}), unknown keys are ignored
 */
public record LoadOptions(
    List<Path> externalData,
    int threads,
    Verification verification,
    OptionalLong maxPlannedMemory,
    FileAccess fileAccess,
    List<String> preloadMethods,
    boolean preloadAllMethods,
    Map<String, String> backendOptions) {

  /**
   * The planned-memory cap when none is given: 4 GiB, unless the system property {@code
   * et4j.maxPlannedMemory} (bytes) says otherwise. A hostile file can ask for any size; with this
   * cap one method can hold at most 4 GiB of plan and 4 GiB of kernel scratch, which a
   * 16 GB or 24 GB machine survives. Programs that really need more say so in the error, with
   * the number; raise the cap with {@link Builder#maxPlannedMemory(long)}.
   */
  public static final long DEFAULT_MAX_PLANNED_MEMORY = 4L * 1024 * 1024 * 1024;

  /** How much of a file is checked, as ExecuTorch's {@code Program::Verification}. */
  public enum Verification {
    /**
     * ExecuTorch's {@code InternalConsistency}, the default: the whole flatbuffer is verified
     * (every table, vector and string in bounds) before anything reads it. For any file.
     */
    FULL,
    /**
     * ExecuTorch's {@code Minimal}: only the header, the root offset and the segment bounds are
     * checked, the flatbuffer's tables are not. For trusted files, where the verifier's pass over
     * the program is not worth its time; a corrupt table then fails as InvalidProgram when it is
     * read, with a less precise message.
     */
    MINIMAL;

    /**
     * {@code full} or {@code minimal}, any case.
     *
     * @param value the option's text (e.g. the CLI's {@code --verification})
     * @return the mode
     * @throws IllegalArgumentException when {@code value} names neither
     */
    public static Verification parse(String value) {
      return parseEnum(Verification.class, "verification", value);
    }
  }

  /** How a file is brought into memory. */
  public enum FileAccess {
    /** Memory-mapped read-only, the default: constants stay views of the mapping. */
    MAP,
    /**
     * Read into memory the program owns: for files on filesystems that cannot map, or that may
     * change while the program is in use.
     */
    READ;

    /**
     * {@code map} or {@code read}, any case.
     *
     * @param value the option's text (e.g. the CLI's {@code --file-access})
     * @return the access mode
     * @throws IllegalArgumentException when {@code value} names neither
     */
    public static FileAccess parse(String value) {
      return parseEnum(FileAccess.class, "fileAccess", value);
    }
  }

  /**
   * Copies the lists and checks the values, as the {@link Builder} does.
   *
   * @throws IllegalArgumentException when {@code threads} is negative or {@code maxPlannedMemory}
   *     is not positive
   */
  public LoadOptions {
    externalData = List.copyOf(externalData);
    preloadMethods = List.copyOf(preloadMethods);
    backendOptions = Map.copyOf(backendOptions);
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(maxPlannedMemory, "maxPlannedMemory");
    Objects.requireNonNull(fileAccess, "fileAccess");
    if (threads < 0) {
      throw new IllegalArgumentException(
          "threads must be 0 (the process-wide compute pool) or a positive thread count, got " + threads);
    }
    if (maxPlannedMemory.isPresent() && maxPlannedMemory.getAsLong() <= 0) {
      throw new IllegalArgumentException(
          "maxPlannedMemory must be a positive number of bytes, got " + maxPlannedMemory.getAsLong());
    }
  }

  /**
   * No external data, the compute pool's threads, full verification, the default cap, mapped, nothing preloaded.
   *
   * @return the default options
   */
  public static LoadOptions defaults() {
    return builder().build();
  }

  /**
   * Starts options at the {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@link #DEFAULT_MAX_PLANNED_MEMORY}, or the system property {@code et4j.maxPlannedMemory}, read now.
   *
   * @return the cap in bytes
   * @throws IllegalArgumentException when the property is set but is not a positive number of bytes
   */
  public static long defaultMaxPlannedMemory() {
    String value = System.getProperty("et4j.maxPlannedMemory");
    if (value == null || value.isBlank()) {
      return DEFAULT_MAX_PLANNED_MEMORY;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-Det4j.maxPlannedMemory must be a positive number of bytes, got '" + value + "'");
  }

  /**
   * The cap in force: the one given, or the default.
   *
   * @return the most planned memory one method may use, in bytes
   * @throws IllegalArgumentException as {@link #defaultMaxPlannedMemory()} when no cap was given
   */
  public long plannedMemoryCap() {
    return maxPlannedMemory.isPresent() ? maxPlannedMemory.getAsLong() : defaultMaxPlannedMemory();
  }

  /** What a planned-memory error tells the user to do. */
  String howToRaiseCap() {
    return maxPlannedMemory.isPresent()
        ? "raise LoadOptions.maxPlannedMemory (or the CLI's --max-planned-memory)"
        : "raise it with LoadOptions.builder().maxPlannedMemory(bytes), the CLI's --max-planned-memory,"
            + " or -Det4j.maxPlannedMemory";
  }

  /** A builder; every setter validates its argument. Not thread-safe. */
  public static final class Builder {
    private final List<Path> externalData = new ArrayList<>();
    private int threads;
    private Verification verification = Verification.FULL;
    private OptionalLong maxPlannedMemory = OptionalLong.empty();
    private FileAccess fileAccess = FileAccess.MAP;
    private final List<String> preload = new ArrayList<>();
    private boolean preloadAll;
    private final Map<String, String> backendOptions = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds external data files (.ptd); each must exist when the program is loaded.
     *
     * @param files the {@code .ptd} files
     * @return this builder
     */
    public Builder externalData(Path... files) {
      for (Path p : files) {
        externalData.add(Objects.requireNonNull(p, "externalData"));
      }
      return this;
    }

    /**
     * Adds external data files (.ptd).
     *
     * @param files the files, as {@link #externalData(Path...)}
     * @return this builder
     */
    public Builder externalData(List<Path> files) {
      return externalData(files.toArray(Path[]::new));
    }

    /**
     * Threads per kernel call, caller included; 0 for the process-wide compute pool's count.
     *
     * @param threads the count, 0 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code threads} is negative
     */
    public Builder threads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException(
            "threads must be 0 (the process-wide compute pool) or a positive thread count, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * How much of the file is verified before it is used (default {@link Verification#FULL}).
     *
     * @param verification the mode, not null
     * @return this builder
     */
    public Builder verification(Verification verification) {
      this.verification = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /**
     * The most planned memory (and kernel scratch) one method may use, in bytes; positive.
     *
     * @param bytes the cap
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public Builder maxPlannedMemory(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxPlannedMemory must be a positive number of bytes, got " + bytes);
      }
      this.maxPlannedMemory = OptionalLong.of(bytes);
      return this;
    }

    /**
     * How the file is brought into memory (default {@link FileAccess#MAP}).
     *
     * @param fileAccess the mode, not null
     * @return this builder
     */
    public Builder fileAccess(FileAccess fileAccess) {
      this.fileAccess = Objects.requireNonNull(fileAccess, "fileAccess");
      return this;
    }

    /**
     * Methods to load with the module (or, for a program, to check and read the metadata of).
     *
     * @param methods method names; each must exist in the program
     * @return this builder
     */
    public Builder preload(String... methods) {
      for (String m : methods) {
        preload.add(Objects.requireNonNull(m, "preload"));
      }
      return this;
    }

    /**
     * Preloads every method of the program.
     *
     * @return this builder
     */
    public Builder preloadAll() {
      this.preloadAll = true;
      return this;
    }

    /**
     * Sets an option for delegate backends, e.g. {@code backendOption("xnnpack", "native")} to run
     * XNNPACK payloads through the native XNNPACK library, or {@code
     * backendOption("xnnpack.native.path", "/path/to/executorch/lib")}.
     *
     * @param key the option's key, not blank
     * @param value its value, not null
     * @return this builder
     * @throws IllegalArgumentException when {@code key} is blank
     */
    public Builder backendOption(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank()) {
        throw new IllegalArgumentException("a backend option needs a key");
      }
      backendOptions.put(key, value);
      return this;
    }

    /**
     * The options set so far.
     *
     * @return immutable options; the builder may be reused
     */
    public LoadOptions build() {
      return new LoadOptions(
          externalData, threads, verification, maxPlannedMemory, fileAccess, preload, preloadAll, backendOptions);
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String option, String value) {
    Objects.requireNonNull(value, option);
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        option + " must be one of "
            + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()
            + ", got '" + value + "'");
  }
}
