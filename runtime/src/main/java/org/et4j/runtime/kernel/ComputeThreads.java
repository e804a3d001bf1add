package org.et4j.runtime.kernel;

/**
 * The thread count the method executing on the current thread asks its kernels to use
 * ({@link org.et4j.runtime.LoadOptions#threads()}). {@code Method.execute} records it for its
 * thread before the first instruction; a kernel library's compute pool reads it when it splits a
 * call. {@code 0} means no request: the pool's own count.
 *
 * <p>Per thread, so methods of programs loaded with different thread counts can run on different
 * threads at once. The value stays until the thread's next execution sets another.
 */
public final class ComputeThreads {
  private static final ThreadLocal<int[]> REQUESTED = ThreadLocal.withInitial(() -> new int[1]);

  private ComputeThreads() {}

  /**
   * Records {@code threads} (0: no request) for the current thread. Allocates nothing after the thread's first call.
   *
   * @param threads the number of threads the current thread's kernels should use, or 0
   * @throws IllegalArgumentException when {@code threads} is negative
   */
  public static void use(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    REQUESTED.get()[0] = threads;
  }

  /**
   * The current thread's request, or {@code fallback} when there is none.
   *
   * @param fallback the count to use when nothing was requested (usually the pool's size)
   * @return the requested thread count, at least 1 when {@code fallback} is
   */
  public static int requestedOr(int fallback) {
    int n = REQUESTED.get()[0];
    return n == 0 ? fallback : n;
  }
}
