package org.et4j.runtime.delegate;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/** Backends by id. Immutable once built; duplicates are errors. */
public final class BackendRegistry {
  private final Map<String, Backend> backends;

  private BackendRegistry(Map<String, Backend> backends) {
    this.backends = Collections.unmodifiableMap(new TreeMap<>(backends));
  }

  /** A registry of every {@link Backend} that {@link ServiceLoader} finds. */
  public static BackendRegistry discover() {
    Builder b = builder();
    for (Backend backend : ServiceLoader.load(Backend.class, BackendRegistry.class.getClassLoader())) {
      b.register(backend);
    }
    return b.build();
  }

  private static final class DefaultHolder {
    static final BackendRegistry INSTANCE = discover();
  }

  /** The registry of discovered backends, built once. */
  public static BackendRegistry defaultRegistry() {
    return DefaultHolder.INSTANCE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The backend registered as {@code id}, or null. */
  public Backend lookup(String id) {
    return backends.get(id);
  }

  /** Registered ids, sorted. */
  public java.util.Set<String> ids() {
    return backends.keySet();
  }

  /** Collects backends. */
  public static final class Builder {
    private final Map<String, Backend> backends = new TreeMap<>();

    private Builder() {}

    public Builder register(Backend backend) {
      Objects.requireNonNull(backend, "backend");
      if (backends.putIfAbsent(backend.id(), backend) != null) {
        throw new ExecuTorchException(
            ErrorCode.REGISTRATION_ALREADY_REGISTERED, "backend " + backend.id() + " is already registered");
      }
      return this;
    }

    public BackendRegistry build() {
      return new BackendRegistry(backends);
    }
  }
}
