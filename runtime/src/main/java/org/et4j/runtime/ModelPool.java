package org.et4j.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * Runs one method of one model from many threads: a fixed number of {@link Method}s loaded over
 * one shared {@link Program}, each lent to one caller at a time. The program's constants are
 * shared; each method has its own planned memory and delegate state, so callers never wait for
 * each other's executions, only for a free method.
 *
 * <p>Sized by the caller: with {@code n} methods, {@code n} calls run at once and further callers
 * wait (back-pressure), at most for the timeout they give, then fail with {@link
 * PoolTimeoutException}. Size it to the cores the calls should use; each method costs its
 * planned memory ({@link MethodMeta#plannedBytes()}).
 *
 * <p>Thread-safe. Results are the same bits as from one method on one thread: each call runs
 * alone on its method, and the kernels' compute pool gives the same bits at any thread count.
 * {@link #close()} closes idle methods at once and the borrowed ones when they come back; callers
 * still waiting then fail with IllegalStateException.
 */
public final class ModelPool implements AutoCloseable {
  /** No method became free within the caller's timeout. */
  public static final class PoolTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PoolTimeoutException(String message) {
      super(message);
    }
  }

  private final Program program;
  private final boolean ownsProgram;
  private final String methodName;
  private final int size;
  private final ArrayDeque<Method> idle;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition returned = lock.newCondition();
  private int borrowed;
  private boolean closed;

  private ModelPool(Program program, boolean ownsProgram, String methodName, int size, List<Method> methods) {
    this.program = program;
    this.ownsProgram = ownsProgram;
    this.methodName = methodName;
    this.size = size;
    this.idle = new ArrayDeque<>(methods);
  }

  /**
   * A pool of {@code size} instances of {@code method} over {@code program}, with the discovered
   * kernels and backends. The program stays the caller's: close it after the pool.
   *
   * @throws IllegalArgumentException for a size below 1 or an unknown method
   * @param program an open program, which stays the caller's
   * @param method the method to pool
   * @param size how many instances to load, at least 1
   * @return the pool, with every instance loaded
   */
  public static ModelPool of(Program program, String method, int size) {
    return of(program, method, size, KernelRegistry.defaultRegistry(), BackendRegistry.defaultRegistry());
  }

  /**
   * {@link #of(Program, String, int)} with explicit registries.
   *
   * @param program an open program, which stays the caller's
   * @param method the method to pool
   * @param size how many instances to load, at least 1
   * @param kernels the kernels the instances are loaded with
   * @param backends the backends their delegates are initialised with
   * @return the pool, with every instance loaded
   * @throws IllegalArgumentException for a size below 1 or an unknown method
   */
  public static ModelPool of(
      Program program, String method, int size, KernelRegistry kernels, BackendRegistry backends) {
    return create(program, false, method, size, kernels, backends);
  }

  /**
   * Loads a program with {@code options} and makes a pool over it; the pool closes the program.
   *
   * @param pte the program file
   * @param options how to load it
   * @param method the method to pool
   * @param size how many instances to load, at least 1
   * @return the pool, which owns the program
   * @throws IllegalArgumentException for a size below 1, an unknown method or a bad option
   * @throws ExecuTorchException as {@link Program#load(Path, LoadOptions)}
   */
  public static ModelPool load(Path pte, LoadOptions options, String method, int size) {
    checkSize(size);
    Program program = Program.load(pte, options);
    try {
      return create(program, true, method, size, KernelRegistry.defaultRegistry(), BackendRegistry.defaultRegistry());
    } catch (RuntimeException e) {
      program.close();
      throw e;
    }
  }

  private static void checkSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1 method, got " + size);
    }
  }

  private static ModelPool create(
      Program program, boolean owns, String method, int size, KernelRegistry kernels, BackendRegistry backends) {
    Objects.requireNonNull(program, "program");
    Objects.requireNonNull(method, "method");
    checkSize(size);
    List<Method> methods = new ArrayList<>(size);
    try {
      for (int i = 0; i < size; i++) {
        methods.add(program.loadMethod(method, kernels, backends));
      }
    } catch (RuntimeException e) {
      methods.forEach(Method::close);
      throw e;
    }
    return new ModelPool(program, owns, method, size, methods);
  }

  /**
   * The number of methods.
   *
   * @return the pool's size, fixed at creation
   */
  public int size() {
    return size;
  }

  /**
   * The method the pool holds instances of.
   *
   * @return the method's name
   */
  public String methodName() {
    return methodName;
  }

  /**
   * The program the methods were loaded from.
   *
   * @return the program (owned by the pool only when it came from {@link #load})
   */
  public Program program() {
    return program;
  }

  /**
   * Sets the inputs, executes and returns copies of the outputs, on a free method; waits at most
   * {@code timeout} for one.
   *
   * @throws PoolTimeoutException when every method stayed busy for {@code timeout}
   * @throws IllegalStateException when the pool is closed
   * @param timeout the longest wait for a free method
   * @param inputs one value per input, in order
   * @return copies of the outputs, in order
   */
  public List<EValue> run(Duration timeout, EValue... inputs) {
    return withMethod(timeout, m -> {
      m.setInputs(inputs);
      m.execute();
      List<EValue> out = new ArrayList<>(m.outputCount());
      for (int i = 0; i < m.outputCount(); i++) {
        out.add(m.outputCopy(i));
      }
      return out;
    });
  }

  /**
   * Lends a free method to {@code body} (waiting at most {@code timeout}) and takes it back when
   * {@code body} returns or throws: for zero-copy serving (wrapped inputs, {@link
   * Method#output(int, Tensor)}). The method is {@code body}'s alone while it runs; do not keep it
   * or its output views afterwards.
   *
   * @throws PoolTimeoutException when every method stayed busy for {@code timeout}
   * @throws IllegalStateException when the pool is closed
   * @param <R> what {@code body} returns
   * @param timeout the longest wait for a free method
   * @param body the work to do with the method
   * @return what {@code body} returned
   */
  public <R> R withMethod(Duration timeout, Function<Method, R> body) {
    Objects.requireNonNull(body, "body");
    Method m = borrow(Objects.requireNonNull(timeout, "timeout"));
    try {
      return body.apply(m);
    } finally {
      giveBack(m);
    }
  }

  private Method borrow(Duration timeout) {
    long nanos = timeout.isNegative() ? 0 : timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("model pool of '" + methodName + "' is closed");
        }
        Method m = idle.pollFirst();
        if (m != null) {
          borrowed++;
          return m;
        }
        if (nanos <= 0) {
          throw new PoolTimeoutException(
              "all " + size + " methods '" + methodName + "' stayed busy for " + timeout
                  + " (make the pool larger or wait longer)");
        }
        try {
          nanos = returned.awaitNanos(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a method of the pool", e);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void giveBack(Method m) {
    lock.lock();
    try {
      borrowed--;
      if (closed) {
        m.close();
      } else {
        idle.addFirst(m); // the most recently used method: its memory is warm in the caches
        returned.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Methods lent out right now.
   *
   * @return the number, between 0 and {@link #size()}
   */
  public int busy() {
    lock.lock();
    try {
      return borrowed;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the idle methods now and the borrowed ones when they come back; then the program, if the pool loaded it. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      idle.forEach(Method::close);
      idle.clear();
      returned.signalAll();
    } finally {
      lock.unlock();
    }
    if (ownsProgram) {
      program.close();
    }
  }

  /**
   * For {@link TimeUnit}-minded callers: {@code run(Duration.of(timeout, unit.toChronoUnit()), inputs)}.
   *
   * @param timeout the longest wait for a free method, in {@code unit}
   * @param unit the unit of {@code timeout}
   * @param inputs one value per input, in order
   * @return copies of the outputs, in order
   * @throws PoolTimeoutException when every method stayed busy for {@code timeout}
   */
  public List<EValue> run(long timeout, TimeUnit unit, EValue... inputs) {
    return run(Duration.of(timeout, unit.toChronoUnit()), inputs);
  }
}
