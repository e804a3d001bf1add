package org.et4j.kernels.util;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The process-wide compute pool for intra-op parallelism, XNNPACK's {@code pthreadpool} in
 * miniature: a kernel splits its <em>outputs</em> into index ranges and {@link #forRange} runs
 * them on the calling thread plus {@code threads - 1} daemon workers. Kernels never split a
 * reduction, so each output is computed by exactly the same operations whatever the thread count
 * and the results are bit-identical with 1 or N threads.
 *
 * <p>The thread count is {@code -Det4j.threads=N}, by default {@link
 * Runtime#availableProcessors()}; {@code 1} turns the pool off. A method whose program was loaded
 * with a thread count ({@code LoadOptions.threads}) uses that count instead, on its own thread
 * ({@link org.et4j.runtime.kernel.ComputeThreads}). Workers are started lazily, on the
 * first call that splits. Calls whose work is below a grain ({@link #grain}) run on the caller
 * alone with no synchronisation at all. Two tuning properties, for benchmarking: {@code
 * et4j.threads.grain} (multiply-adds per chunk, default 2^17) and {@code et4j.threads.spin}
 * (nanoseconds a waiting thread spins before it parks, default 50000).
 *
 * <p>Threading contract: one parallel region runs at a time. A call made while the pool is busy
 * (from a task, i.e. a nested call, or from a second caller thread) runs its whole range serially
 * on its own thread instead of waiting, so nesting cannot deadlock and concurrent callers stay
 * correct. A region allocates nothing: the caller publishes the task by writing a few fields and
 * one atomic word, and workers claim chunks by CAS on that word, so a worker descheduled on a
 * loaded machine costs only its chunk being taken by another thread. An exception thrown by a
 * task is rethrown on the caller once the region has finished (remaining chunks are skipped); the
 * pool stays usable. Kernels keep a call on the caller when an operand lives in a confined arena
 * ({@link #shareable}), which no other thread may touch.
 */
public final class Parallel {

  /**
   * A task over a range of output indices {@code [from, to)}. Implementations are usually
   * long-lived objects whose fields hold the call's arguments, so that a region allocates nothing.
   */
  @FunctionalInterface
  public interface RangeTask {
    void run(int from, int to);
  }

  /**
   * The least work, in multiply-adds or comparable element operations, worth giving one chunk:
   * 2^17 multiply-adds take 1.3 microseconds in the 200-GFLOPS SGEMM and about 9 in a 30-GFLOPS
   * depthwise loop, against under a microsecond to hand a chunk to a spinning worker. A parked
   * worker takes tens of microseconds to wake, but the caller does not wait for it: it claims the
   * chunks itself. Not tuned beyond that on the loaded project machine; {@code
   * -Det4j.threads.grain} overrides it.
   */
  private static final long DEFAULT_GRAIN =
      Math.max(1, Long.getLong("et4j.threads.grain", 1L << 17));

  /**
   * Chunks per thread: more than one so that a thread that is descheduled, or slower because its
   * share is uneven, has its later chunks taken by the others.
   */
  private static final int CHUNKS_PER_THREAD = 4;

  /**
   * How long a worker spins for the next region, and the caller for the workers' chunks, before
   * parking: a model's ops follow each other within microseconds, and waking a parked thread
   * costs tens of them.
   */
  private static final long SPIN_NANOS = Math.max(0, Long.getLong("et4j.threads.spin", 50_000));

  /** The most chunks one region can have: they are counted in 16 bits of {@link #state}. */
  private static final int MAX_CHUNKS = 0xFFFF;

  private static volatile int threads = configuredThreads();
  private static volatile long grainCost = DEFAULT_GRAIN;

  /** Held by the caller of the running region; a call that cannot take it runs serially. */
  private static final AtomicBoolean BUSY = new AtomicBoolean();

  /**
   * The running region, packed so that one CAS both checks the region and claims a chunk:
   * bits 32-63 the region's generation, 16-31 its chunk count, 0-15 the next unclaimed chunk. A
   * worker that still holds an old generation can never claim a chunk of a newer region.
   */
  private static final AtomicLong STATE = new AtomicLong();

  /** Chunks of the running region not yet finished; the caller waits for zero. */
  private static final AtomicInteger PENDING = new AtomicInteger();

  /** The first exception of the running region. */
  private static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();

  // The running region's task and geometry: written by the caller before it publishes STATE, read
  // by workers after a successful claim, and not rewritten until every claimed chunk has finished.
  private static RangeTask task;
  private static int count;
  /** Workers with an index below this take part; the rest stay parked. */
  private static volatile int activeWorkers;

  private static volatile Thread caller;
  private static volatile boolean callerParked;

  private static Worker[] workers = new Worker[0];
  private static long generation;

  private Parallel() {}

  private static int configuredThreads() {
    String value = System.getProperty("et4j.threads");
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-Det4j.threads must be a positive integer, got '" + value + "'");
  }

  /** The number of threads a region uses, the caller included. */
  public static int threads() {
    return threads;
  }

  /**
   * The least number of items per chunk such that a chunk holds at least the grain's work, given
   * each item's cost in multiply-adds (or element operations); at least 1.
   */
  public static int grain(long costPerItem) {
    long g = grainCost;
    long items = (g + Math.max(1, costPerItem) - 1) / Math.max(1, costPerItem);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, items));
  }

  /** Never started: a thread that owns nothing, to ask a segment whether others may read it. */
  private static final Thread OTHER_THREAD = new Thread(() -> {}, "et4j-segment-probe");

  /**
   * True when threads other than its owner may access {@code s} (null counts as true): false for a
   * segment of a confined arena, which a kernel must then compute on the calling thread alone.
   */
  public static boolean shareable(MemorySegment s) {
    return s == null || s.isAccessibleBy(OTHER_THREAD);
  }

  /**
   * {@link #grain} for work on segments that the pool may read and write, or a grain no range
   * reaches (so the call stays on the caller) if any of them is confined to its thread.
   */
  public static int grain(long costPerItem, MemorySegment s1, MemorySegment s2) {
    return shareable(s1) && shareable(s2) ? grain(costPerItem) : Integer.MAX_VALUE;
  }

  /**
   * Runs {@code task} over {@code [0, count)} split into contiguous chunks of at least {@code
   * minChunk} indices (the last may be shorter), on the caller and the workers; returns when every
   * chunk has finished. With one thread, one chunk, or the pool busy, this is {@code task.run(0,
   * count)} on the caller.
   *
   * @throws RuntimeException or {@link Error}: the first one a chunk threw
   */
  public static void forRange(int count, int minChunk, RangeTask task) {
    if (count <= 0) {
      return;
    }
    // A method loaded with LoadOptions.threads asks for its own count on its thread.
    int n = org.et4j.runtime.kernel.ComputeThreads.requestedOr(threads);
    long byGrain = (count + (long) Math.max(1, minChunk) - 1) / Math.max(1, minChunk);
    int chunks = (int) Math.min(Math.min(byGrain, (long) n * CHUNKS_PER_THREAD), MAX_CHUNKS);
    if (n <= 1 || chunks <= 1 || !BUSY.compareAndSet(false, true)) {
      task.run(0, count);
      return;
    }
    try {
      runRegion(count, Math.min(chunks, count), n - 1, task);
    } finally {
      BUSY.set(false);
    }
  }

  /**
   * For tests and benchmarks: runs {@code body} with the pool at {@code threadCount} threads, the
   * grain unchanged, then restores the count. Not for concurrent use with other callers that change
   * the settings.
   */
  public static void withThreads(int threadCount, Runnable body) {
    withThreads(threadCount, grainCost, body);
  }

  /**
   * For tests: runs {@code body} with the pool at {@code threadCount} threads and a grain of
   * {@code minChunkCost}, so that test-sized shapes split, then restores both. Not for concurrent
   * use with other callers that change the settings.
   */
  public static void withThreads(int threadCount, long minChunkCost, Runnable body) {
    if (threadCount < 1 || minChunkCost < 1) {
      throw new IllegalArgumentException(
          "threads and grain must be >= 1, got " + threadCount + " and " + minChunkCost);
    }
    int savedThreads = threads;
    long savedGrain = grainCost;
    threads = threadCount;
    grainCost = minChunkCost;
    try {
      body.run();
    } finally {
      threads = savedThreads;
      grainCost = savedGrain;
    }
  }

  private static void runRegion(int count, int chunks, int helpers, RangeTask task) {
    ensureWorkers(helpers);
    Parallel.task = task;
    Parallel.count = count;
    activeWorkers = helpers;
    caller = Thread.currentThread();
    FAILURE.set(null);
    PENDING.set(chunks);
    long gen = ++generation & 0xFFFFFFFFL;
    STATE.set(gen << 32 | (long) chunks << 16); // publishes the fields above
    for (int i = 0; i < helpers; i++) {
      Worker w = workers[i];
      if (w.parked) {
        w.parked = false;
        LockSupport.unpark(w.thread);
      }
    }
    work(gen);
    awaitChunks();
    Parallel.task = null; // no reference to the kernel's arguments outlives the call
    Throwable failure = FAILURE.getAndSet(null);
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException(failure); // a sneaky checked exception
    }
  }

  /** Claims and runs chunks of region {@code gen} until none is left; true if it ran any. */
  private static boolean work(long gen) {
    boolean ran = false;
    while (true) {
      long s = STATE.get();
      int chunks = (int) (s >>> 16) & 0xFFFF;
      int next = (int) s & 0xFFFF;
      if ((s >>> 32) != gen || next >= chunks) {
        return ran;
      }
      if (!STATE.compareAndSet(s, s + 1)) {
        continue;
      }
      ran = true;
      // Our claim keeps the region alive (PENDING > 0), so these fields are still this region's.
      int total = count;
      RangeTask t = task;
      int from = (int) ((long) next * total / chunks);
      int to = (int) ((long) (next + 1) * total / chunks);
      try {
        if (FAILURE.get() == null) {
          t.run(from, to);
        }
      } catch (Throwable e) {
        FAILURE.compareAndSet(null, e);
      } finally {
        if (PENDING.decrementAndGet() == 0 && callerParked) {
          LockSupport.unpark(caller);
        }
      }
    }
  }

  /** The caller's wait for the chunks other threads claimed: spin briefly, then park. */
  private static void awaitChunks() {
    long deadline = System.nanoTime() + SPIN_NANOS;
    while (PENDING.get() != 0) {
      if (System.nanoTime() < deadline) {
        Thread.onSpinWait();
        continue;
      }
      callerParked = true;
      if (PENDING.get() != 0) {
        LockSupport.park(Parallel.class);
      }
      callerParked = false;
    }
  }

  private static void ensureWorkers(int helpers) {
    if (workers.length >= helpers) {
      return;
    }
    Worker[] grown = java.util.Arrays.copyOf(workers, helpers);
    for (int i = workers.length; i < helpers; i++) {
      grown[i] = new Worker(i);
    }
    workers = grown;
    for (int i = 0; i < helpers; i++) {
      if (!grown[i].thread.isAlive()) {
        grown[i].thread.start();
      }
    }
  }

  /** A daemon thread that joins every region it sees, spinning briefly between regions. */
  private static final class Worker implements Runnable {
    final int index;
    final Thread thread;
    /** Set by the worker before it parks, cleared by the caller that unparks it. */
    volatile boolean parked;

    Worker(int index) {
      this.index = index;
      this.thread = new Thread(this, "et4j-compute-" + (index + 1));
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      long seen = STATE.get() >>> 32;
      while (true) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        long gen;
        while ((gen = STATE.get() >>> 32) == seen) {
          if (System.nanoTime() < deadline) {
            Thread.onSpinWait();
            continue;
          }
          parked = true;
          // Re-read after announcing the park: a caller that published before seeing the flag is
          // caught here, one that published after it will unpark us.
          if (STATE.get() >>> 32 == seen) {
            LockSupport.park(this);
          }
          parked = false;
          deadline = System.nanoTime() + SPIN_NANOS;
        }
        seen = gen;
        if (index < activeWorkers) {
          work(gen);
        }
      }
    }
  }
}
