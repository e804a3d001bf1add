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
 * load a file, call {@link #forward} or {@link #execute}. Methods are loaded on first use (or at
 * load, {@link LoadOptions.Builder#preload}) and kept.
 *
 * <p>Thread-safe: calls are serialised by one lock, as in ExecuTorch's Android {@code Module},
 * and the module's methods never leave it (so no caller can run one outside the lock). Outputs
 * returned here are copies, safe to keep. To serve one model from many threads at once use a
 * {@link ModelPool}; for zero-copy loops, load one {@link Program} and a {@link Method} per
 * thread.
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

  /**
   * Loads a .pte (or .bpte) with optional external data files, using the discovered kernels and backends.
   *
   * @param pte the program file
   * @param ptd external data files, if the program has external constants
   * @return a module that owns the program; close it to release the file
   * @throws ExecuTorchException as {@link Program#load(Path, Path...)}
   */
  public static Module load(Path pte, Path... ptd) {
    return new Module(Program.load(pte, ptd), KernelRegistry.defaultRegistry(), BackendRegistry.defaultRegistry());
  }

  /**
   * Loads a .pte (or .bpte) with {@code options} (external data, verification, planned-memory cap,
   * thread count, file access), then loads the methods the options preload, so that a missing
   * operator or backend fails here rather than on the first call.
   *
   * @throws IllegalArgumentException for a bad option, naming it (see {@link Program#load(Path,
   *     LoadOptions)})
   * @param pte the program file
   * @param options how to load it
   * @return a module that owns the program; close it to release the file
   * @throws ExecuTorchException as {@link Program#load(Path, LoadOptions)} and {@link Program#loadMethod(String)}
   */
  public static Module load(Path pte, LoadOptions options) {
    Module m = new Module(Program.load(pte, options), KernelRegistry.defaultRegistry(), BackendRegistry.defaultRegistry());
    try {
      for (String name : options.preloadAllMethods() ? m.program.methodNames() : options.preloadMethods()) {
        m.loadMethod(name);
      }
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  /**
   * Wraps an already loaded program with explicit registries. The module closes the program.
   *
   * @param program an open program, which the module then owns
   * @param kernels the kernels its methods are loaded with
   * @param backends the backends its delegates are initialised with
   * @return the module
   */
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

  /**
   * The program's method names (as {@link Program#methodNames()}).
   *
   * @return the names, in file order
   * @throws IllegalStateException when the module is closed
   */
  public synchronized List<String> methodNames() {
    checkOpen();
    return program.methodNames();
  }

  /**
   * What the program records about a method (as {@link Program#methodMeta(String)}).
   *
   * @param name a method name
   * @return its metadata, without loading it
   * @throws IllegalStateException when the module is closed
   * @throws IllegalArgumentException as {@link Program#methodMeta(String)}
   */
  public synchronized MethodMeta methodMeta(String name) {
    checkOpen();
    return program.methodMeta(name);
  }

  /**
   * The program behind this module (immutable and shareable: load more methods from it freely).
   *
   * @return the program, owned by this module (closed with it)
   */
  public Program program() {
    return program;
  }

  /**
   * Loads {@code name} now, if it is not loaded yet (ExecuTorch's {@code Module::load_method}).
   *
   * @param name a method name
   * @throws ExecuTorchException as {@link Program#loadMethod(String)}
   */
  public synchronized void loadMethod(String name) {
    method(name);
  }

  /**
   * True when {@code name} has been loaded.
   *
   * @param name a method name
   * @return whether it is loaded
   */
  public synchronized boolean isMethodLoaded(String name) {
    return methods.containsKey(name);
  }

  /** The loaded method; only ever used under this module's lock. */
  private Method method(String name) {
    checkOpen();
    Method m = methods.get(name);
    if (m == null) {
      m = program.loadMethod(name, kernels, backends);
      methods.put(name, m);
    }
    return m;
  }

  /**
   * Runs {@code forward}.
   *
   * @param inputs one value per input, in order
   * @return copies of the outputs, in order
   * @throws ExecuTorchException as {@link #execute(String, EValue...)}
   */
  public List<EValue> forward(EValue... inputs) {
    return execute("forward", inputs);
  }

  /**
   * Runs {@code forward} with its inputs given by name; see {@link #execute(String, Map)}.
   *
   * @param inputs every input, by name
   * @return copies of the outputs, by name
   */
  public Map<String, EValue> forward(Map<String, Tensor> inputs) {
    return execute("forward", inputs);
  }

  /**
   * Runs a method: sets every input, executes, and returns copies of the outputs.
   *
   * @throws IllegalArgumentException for an unknown method or the wrong number of inputs
   * @throws ExecuTorchException as {@link Method#setInput} and {@link Method#execute}
   * @param method the method's name; loaded first if it is not yet
   * @param inputs one value per input, in order
   * @return copies of the outputs, in order
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

  /**
   * Runs a method whose program names its inputs ({@link MethodMeta#inputNames()}), with every
   * input given by name, and returns copies of the outputs by name: the program's output names
   * ({@link MethodMeta#outputNames()}), or, when it does not name its outputs, their positions
   * ({@code "0"}, {@code "1"}, ...), in order.
   *
   * @throws IllegalArgumentException when the method's inputs are positional only (use {@link
   *     #execute(String, EValue...)}), for an unknown name (listing the names there are), or when
   *     a name is missing
   * @param method the method's name; loaded first if it is not yet
   * @param inputs every input, by name
   * @return copies of the outputs, by name, in output order
   */
  public synchronized Map<String, EValue> execute(String method, Map<String, Tensor> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    MethodMeta meta = methodMeta(method);
    EValue[] ordered = new EValue[meta.inputs().size()];
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      ordered[meta.inputIndex(e.getKey())] = EValue.from(Objects.requireNonNull(e.getValue(), e.getKey()));
    }
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == null) {
        throw new IllegalArgumentException(
            "method '" + method + "' input '" + meta.inputNames().get(i) + "' is missing; it takes " + meta.inputNames());
      }
    }
    List<EValue> out = execute(method, ordered);
    Map<String, EValue> named = new LinkedHashMap<>();
    for (int i = 0; i < out.size(); i++) {
      named.put(meta.hasNamedOutputs() ? meta.outputNames().get(i) : Integer.toString(i), out.get(i));
    }
    return named;
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
