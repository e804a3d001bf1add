package org.et4j.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;

/**
 * The programs of this JVM (an executor, or the driver in local mode): one {@link Program} per
 * content and load options, loaded on first use and kept for the JVM's life, and per program a
 * stack of idle {@link Method}s. A task borrows a method for its partition and gives it back
 * when it ends, so there are as many methods as tasks ever ran at once, each used by one task
 * thread at a time, and a method's kernels and planned memory are bound once, not per task.
 */
final class ExecutorPrograms {
  private static final Map<String, Loaded> PROGRAMS = new ConcurrentHashMap<>();

  private ExecutorPrograms() {}

  /** A program of this JVM with its idle methods. */
  static final class Loaded {
    final Program program;
    private final Map<String, ConcurrentLinkedDeque<Method>> idle = new ConcurrentHashMap<>();
    private final AtomicInteger methodsLoaded = new AtomicInteger();

    Loaded(Program program) {
      this.program = program;
    }

    /** An idle method, or a newly loaded one; give it back with {@link #release}. */
    Method borrow(String name) {
      Method m = idle.computeIfAbsent(name, n -> new ConcurrentLinkedDeque<>()).pollFirst();
      if (m != null) {
        return m;
      }
      m = program.loadMethod(name);
      methodsLoaded.incrementAndGet();
      return m;
    }

    void release(Method m) {
      idle.computeIfAbsent(m.name(), n -> new ConcurrentLinkedDeque<>()).offerFirst(m);
    }

    /** Methods loaded so far (for tests: at most the number of concurrent tasks). */
    int methodsLoaded() {
      return methodsLoaded.get();
    }
  }

  /**
   * The plan's program in this JVM, loading it on first use (other threads asking for the same
   * program wait for that load instead of loading it again).
   *
   * @throws org.et4j.runtime.ExecuTorchException when et4j cannot load the program
   */
  static Loaded program(ScoringPlan plan) {
    return PROGRAMS.computeIfAbsent(plan.cacheKey(), k -> new Loaded(load(plan)));
  }

  /** The program loaded for {@code plan} in this JVM, or null (for tests). */
  static Loaded loadedOrNull(ScoringPlan plan) {
    return PROGRAMS.get(plan.cacheKey());
  }

  private static Program load(ScoringPlan plan) {
    List<Path> files = plan.source().localFiles();
    LoadOptions options =
        LoadOptions.builder()
            .externalData(files.subList(1, files.size()))
            .threads(plan.kernelThreads())
            .fileAccess(LoadOptions.FileAccess.MAP)
            .build();
    return Program.load(files.get(0), options);
  }
}
