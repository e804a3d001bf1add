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

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A registry with every {@link KernelLibrary} that {@link ServiceLoader} finds. */
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

  /** The registry of all discovered libraries, built once. */
  public static KernelRegistry defaultRegistry() {
    return DefaultHolder.INSTANCE;
  }

  /** The lookup key for an operator as serialized in a program. */
  public static String operatorName(String name, String overload) {
    return overload == null || overload.isEmpty() ? name : name + "." + overload;
  }

  /** The kernel for {@code name}, or null. */
  public OpKernel lookup(String name) {
    return kernels.get(name);
  }

  public boolean contains(String name) {
    return kernels.containsKey(name);
  }

  /** Every registered operator name, sorted. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(kernels.keySet()));
  }

  public int size() {
    return kernels.size();
  }

  /** Collects kernels; duplicate names are errors. */
  public static final class Builder {
    private final Map<String, OpKernel> kernels = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();
    private String currentLibrary = "(direct)";

    private Builder() {}

    /**
     * Registers one kernel.
     *
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

    /** Registers the same kernel under several names (e.g. overloads sharing one implementation). */
    public Builder register(List<String> names, OpKernel kernel) {
      for (String n : names) {
        register(n, kernel);
      }
      return this;
    }

    /** Registers every kernel of a library. */
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

    public KernelRegistry build() {
      return new KernelRegistry(kernels);
    }
  }
}
