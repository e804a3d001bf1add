package org.et4j.kernels.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The pool's contract: every index runs exactly once, tiny ranges stay on the caller, nested and
 * concurrent calls run serially instead of deadlocking, a task's exception reaches the caller and
 * leaves the pool working. (That a region allocates nothing is measured by the benchmarks'
 * {@code ParallelCpuTime}, which can read per-thread allocation counters.)
 */
class ParallelTest {

  @Test
  void everyIndexRunsExactlyOnceWhateverTheSplit() {
    for (int threads = 1; threads <= 4; threads++) {
      for (int count : new int[] {1, 2, 3, 7, 16, 17, 100, 1001}) {
        for (int minChunk : new int[] {1, 3, 64}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(count);
          int n = count;
          int chunk = minChunk;
          Parallel.withThreads(threads, 1, () -> Parallel.forRange(n, chunk, (from, to) -> {
            assertThat(to - from).isPositive();
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
            }
          }));
          for (int i = 0; i < count; i++) {
            assertThat(hits.get(i)).as("index %d of %d, %d threads", i, count, threads).isOne();
          }
        }
      }
    }
  }

  @Test
  void splitsAcrossSeveralThreadsWhenAsked() {
    ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
    Parallel.withThreads(3, 1, () -> {
      // Enough chunks, each slow enough, that the workers are awake before the caller is done.
      for (int round = 0; round < 50 && seen.size() < 2; round++) {
        Parallel.forRange(12, 1, (from, to) -> {
          seen.put(Thread.currentThread(), true);
          long end = System.nanoTime() + 200_000;
          while (System.nanoTime() < end) {
            Thread.onSpinWait();
          }
        });
      }
    });
    assertThat(seen.size()).isGreaterThan(1);
  }

  @Test
  void workBelowTheGrainStaysOnTheCaller() {
    Thread me = Thread.currentThread();
    AtomicInteger calls = new AtomicInteger();
    Parallel.withThreads(4, 1L << 20, () -> {
      int grain = Parallel.grain(100); // 100 multiply-adds per item: 10486 items per chunk
      assertThat(grain).isEqualTo(10486);
      Parallel.forRange(10_000, grain, (from, to) -> {
        assertThat(Thread.currentThread()).isSameAs(me);
        assertThat(from).isZero();
        assertThat(to).isEqualTo(10_000);
        calls.incrementAndGet();
      });
    });
    assertThat(calls).hasValue(1);
  }

  @Test
  void exceptionReachesTheCallerAndThePoolSurvives() {
    Parallel.withThreads(4, 1, () -> {
      for (int round = 0; round < 20; round++) {
        int bad = round % 16;
        assertThatThrownBy(() -> Parallel.forRange(16, 1, (from, to) -> {
          if (from <= bad && bad < to) {
            throw new IllegalStateException("chunk " + bad);
          }
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk " + bad);
        AtomicInteger sum = new AtomicInteger();
        Parallel.forRange(16, 1, (from, to) -> sum.addAndGet(to - from));
        assertThat(sum).hasValue(16);
      }
      assertThatThrownBy(() -> Parallel.forRange(8, 1, (from, to) -> {
        throw new AssertionError("an error too");
      })).isInstanceOf(AssertionError.class).hasMessage("an error too");
    });
  }

  @Test
  void nestedCallsRunSeriallyInsideTheirChunk() {
    AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
    Parallel.withThreads(4, 1, () -> Parallel.forRange(8, 1, (from, to) -> {
      for (int outer = from; outer < to; outer++) {
        int o = outer;
        Thread me = Thread.currentThread();
        Parallel.forRange(8, 1, (f, t) -> {
          assertThat(Thread.currentThread()).isSameAs(me);
          for (int inner = f; inner < t; inner++) {
            hits.incrementAndGet(o * 8 + inner);
          }
        });
      }
    }));
    for (int i = 0; i < 64; i++) {
      assertThat(hits.get(i)).isOne();
    }
  }

  @Test
  void concurrentCallersEachGetTheirWholeRange() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Parallel.withThreads(3, 1, () -> {
      CountDownLatch start = new CountDownLatch(1);
      Thread[] callers = new Thread[2];
      for (int c = 0; c < callers.length; c++) {
        callers[c] = new Thread(() -> {
          try {
            start.await();
            for (int round = 0; round < 2000; round++) {
              AtomicIntegerArray hits = new AtomicIntegerArray(37);
              Parallel.forRange(37, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                  hits.incrementAndGet(i);
                }
              });
              for (int i = 0; i < 37; i++) {
                if (hits.get(i) != 1) {
                  throw new AssertionError("index " + i + " ran " + hits.get(i) + " times");
                }
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
        callers[c].start();
      }
      start.countDown();
      for (Thread t : callers) {
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    });
    assertThat(failure.get()).isNull();
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> Parallel.withThreads(0, 1, () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Parallel.threads()).isPositive();
  }
}
