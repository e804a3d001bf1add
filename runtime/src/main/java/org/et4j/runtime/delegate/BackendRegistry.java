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

  /**
   * A registry of every {@link Backend} that {@link ServiceLoader} finds.
   *
   * @return a new registry
   * @throws ExecuTorchException ({@link ErrorCode#REGISTRATION_ALREADY_REGISTERED}) when two
   *     backends have the same id
   */
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

  /**
   * The registry of discovered backends, built once.
   *
   * @return the shared registry, built by {@link #discover()} on first use
   */
  public static BackendRegistry defaultRegistry() {
    return DefaultHolder.INSTANCE;
  }

  /**
   * Starts an empty registry, for callers that choose their backends.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The backend registered as {@code id}, or null.
   *
   * @param id a backend id, as a program names it
   * @return the backend, or null when none has that id
   */
  public Backend lookup(String id) {
    return backends.get(id);
  }

  /**
   * Registered ids, sorted.
   *
   * @return an unmodifiable view
   */
  public java.util.Set<String> ids() {
    return backends.keySet();
  }

  /** Collects backends. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Backend> backends = new TreeMap<>();

    private Builder() {}

    /**
     * Adds a backend.
     *
     * @param backend the backend, registered under its {@link Backend#id()}
     * @return this builder
     * @throws ExecuTorchException ({@link ErrorCode#REGISTRATION_ALREADY_REGISTERED}) when a
     *     backend with the same id is already registered
     */
    public Builder register(Backend backend) {
      Objects.requireNonNull(backend, "backend");
      if (backends.putIfAbsent(backend.id(), backend) != null) {
        throw new ExecuTorchException(
            ErrorCode.REGISTRATION_ALREADY_REGISTERED, "backend " + backend.id() + " is already registered");
      }
      return this;
    }

    /**
     * The registry of the backends added so far.
     *
     * @return an immutable registry; the builder may be reused
     */
    public BackendRegistry build() {
      return new BackendRegistry(backends);
    }
  }
}
