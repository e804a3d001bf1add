package org.et4j.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The simple way to run a model, in the spirit of ExecuTorch's {@code Module} (C++ and Android):
 * load a file, call {@link #forward} or {@link #execute}. Methods are loaded on first use and
 * kept.
 *
 * <p>Thread-safe: calls are serialised by a lock, as in ExecuTorch's Android {@code Module}. For
 * concurrent inference, load one {@link Program} and a {@link Method} per thread instead.
 * Outputs returned here are copies, safe to keep; {@link #method(String)} gives the underlying
 * method for zero-copy use.
 */
public final class Module implements AutoCloseable {
  private final Program program;
  private final KernelRegistry kernels;
  private final BackendRegistry backends;
  private final Map<String, Method> methods = new LinkedHashMap<>();
  private boolean closed;

  private Module(Program program, KernelRegistry kernels, BackendRegistry backends) {
    this.program = program;
    this.kernels = kernels;
    this.backends = backends;
  }

  /** Loads a .pte (or .bpte) with optional external data files, using the discovered kernels and backends. */
  public static Module load(Path pte, Path... ptd) {
    return new Module(Program.load(pte, ptd), KernelRegistry.defaultRegistry(), BackendRegistry.defaultRegistry());
  }

  /** Wraps an already loaded program with explicit registries. The module closes the program. */
  public static Module of(Program program, KernelRegistry kernels, BackendRegistry backends) {
    return new Module(
        Objects.requireNonNull(program, "program"),
        Objects.requireNonNull(kernels, "kernels"),
        Objects.requireNonNull(backends, "backends"));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("module is closed");
    }
  }

  public synchronized List<String> methodNames() {
    checkOpen();
    return program.methodNames();
  }

  public synchronized MethodMeta methodMeta(String name) {
    checkOpen();
    return program.methodMeta(name);
  }

  /** The program behind this module. */
  public Program program() {
    return program;
  }

  /** Loads {@code name} now, if it is not loaded yet. */
  public synchronized Method method(String name) {
    checkOpen();
    Method m = methods.get(name);
    if (m == null) {
      m = program.loadMethod(name, kernels, backends);
      methods.put(name, m);
    }
    return m;
  }

  /** Runs {@code forward}. */
  public List<EValue> forward(EValue... inputs) {
    return execute("forward", inputs);
  }

  /**
   * Runs a method: sets every input, executes, and returns copies of the outputs.
   *
   * @throws IllegalArgumentException for an unknown method or the wrong number of inputs
   * @throws ExecuTorchException as {@link Method#setInput} and {@link Method#execute}
   */
  public synchronized List<EValue> execute(String method, EValue... inputs) {
    Method m = method(method);
    m.setInputs(inputs);
    m.execute();
    List<EValue> out = new ArrayList<>(m.outputCount());
    for (int i = 0; i < m.outputCount(); i++) {
      out.add(m.outputCopy(i));
    }
    return out;
  }

  /** Closes the loaded methods and the program. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      for (Method m : methods.values()) {
        m.close();
      }
      program.close();
    }
  }
}
