package org.et4j.runtime.kernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * Kernels by operator name, as ExecuTorch's operator registry: the key is
 * {@code namespace::name} plus {@code .overload} when the overload is not empty, e.g.
 * {@code aten::add.out}, {@code aten::sym_size.int}, {@code aten::copy_}. Immutable once built and
 * safe to share between threads and programs.
 */
public final class KernelRegistry {
  private final Map<String, OpKernel> kernels;

  private KernelRegistry(Map<String, OpKernel> kernels) {
    this.kernels = Collections.unmodifiableMap(new LinkedHashMap<>(kernels));
  }

  /**
   * An empty builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A registry with every {@link KernelLibrary} that {@link ServiceLoader} finds.
   *
   * @return a new registry
   * @throws ExecuTorchException ({@link ErrorCode#REGISTRATION_ALREADY_REGISTERED}) when two
   *     libraries register the same operator name
   */
  public static KernelRegistry discover() {
    Builder b = builder();
    for (KernelLibrary lib : ServiceLoader.load(KernelLibrary.class, KernelRegistry.class.getClassLoader())) {
      b.registerLibrary(lib);
    }
    return b.build();
  }

  private static final class DefaultHolder {
    static final KernelRegistry INSTANCE = discover();
  }

  /**
   * The registry of all discovered libraries, built once.
   *
   * @return the shared registry, built by {@link #discover()} on first use
   */
  public static KernelRegistry defaultRegistry() {
    return DefaultHolder.INSTANCE;
  }

  /**
   * The lookup key for an operator as serialized in a program.
   *
   * @param name the operator's {@code namespace::name}, e.g. {@code aten::add}
   * @param overload its overload, e.g. {@code out}; null or empty for none
   * @return {@code name.overload}, or {@code name} when there is no overload
   */
  public static String operatorName(String name, String overload) {
    return overload == null || overload.isEmpty() ? name : name + "." + overload;
  }

  /**
   * The kernel for {@code name}, or null.
   *
   * @param name an operator name as {@link #operatorName} builds it
   * @return the kernel, or null when none is registered under {@code name}
   */
  public OpKernel lookup(String name) {
    return kernels.get(name);
  }

  /**
   * Whether a kernel is registered under {@code name}.
   *
   * @param name an operator name as {@link #operatorName} builds it
   * @return true when {@link #lookup} would return a kernel
   */
  public boolean contains(String name) {
    return kernels.containsKey(name);
  }

  /**
   * Every registered operator name, sorted.
   *
   * @return an unmodifiable copy
   */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(kernels.keySet()));
  }

  /**
   * The number of registered operator names.
   *
   * @return the count
   */
  public int size() {
    return kernels.size();
  }

  /** Collects kernels; duplicate names are errors. Not thread-safe. */
  public static final class Builder {
    private final Map<String, OpKernel> kernels = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();
    private String currentLibrary = "(direct)";

    private Builder() {}

    /**
     * Registers one kernel.
     *
     * @param name the operator name, as {@link #operatorName} builds it
     * @param kernel the implementation
     * @return this builder
     * @throws ExecuTorchException RegistrationAlreadyRegistered when the name is taken
     */
    public Builder register(String name, OpKernel kernel) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kernel, "kernel");
      if (kernels.putIfAbsent(name, kernel) != null) {
        throw new ExecuTorchException(
            ErrorCode.REGISTRATION_ALREADY_REGISTERED,
            "kernel "
                + name
                + " from library "
                + currentLibrary
                + " is already registered by library "
                + origin.get(name));
      }
      origin.put(name, currentLibrary);
      return this;
    }

    /**
     * Registers the same kernel under several names (e.g. overloads sharing one implementation).
     *
     * @param names the operator names
     * @param kernel the implementation
     * @return this builder
     * @throws ExecuTorchException RegistrationAlreadyRegistered when one of the names is taken
     */
    public Builder register(List<String> names, OpKernel kernel) {
      for (String n : names) {
        register(n, kernel);
      }
      return this;
    }

    /**
     * Registers every kernel of a library; error messages name the library.
     *
     * @param library the library, which calls back into this builder
     * @return this builder
     * @throws ExecuTorchException RegistrationAlreadyRegistered when one of its names is taken
     */
    public Builder registerLibrary(KernelLibrary library) {
      String previous = currentLibrary;
      currentLibrary = library.name();
      try {
        library.registerKernels(this);
      } finally {
        currentLibrary = previous;
      }
      return this;
    }

    /**
     * The registry of the kernels registered so far.
     *
     * @return an immutable registry
     */
    public KernelRegistry build() {
      return new KernelRegistry(kernels);
    }
  }
}
