/*
 * The FMA ceiling of one core right now: 16 independent AVX-512 FMA chains in registers, timed by
 * this thread's CPU time (time slices given to other processes do not count). Compare et4j's
 * GemmCpuTime with it when the machine is shared: the ratio is the kernel's efficiency.
 *
 *   gcc -O2 -mavx512f -mfma -o /tmp/fma_peak benchmarks/calibration/fma_peak.c && /tmp/fma_peak
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(0.9999999f);
#define INIT(i) __m512 c##i = _mm512_set1_ps((float)(i));
  INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6) INIT(7)
  INIT(8) INIT(9) INIT(10) INIT(11) INIT(12) INIT(13) INIT(14) INIT(15)
  for (int rep = 0; rep < 5; rep++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    long n = 100000000;
    for (long i = 0; i < n; i++) {
#define STEP(i) c##i = _mm512_fmadd_ps(a, b, c##i);
      STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7)
      STEP(8) STEP(9) STEP(10) STEP(11) STEP(12) STEP(13) STEP(14) STEP(15)
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    /* Keep every chain live so that none is optimised away. */
    __m512 t = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                             _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
    t = _mm512_add_ps(t, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)),
                                       _mm512_add_ps(_mm512_add_ps(c12, c13), _mm512_add_ps(c14, c15))));
    printf("%.1f GFLOPS per CPU-second (checksum %g)\n", n * 16.0 * 32 / s / 1e9,
           _mm512_reduce_add_ps(t));
  }
  return 0;
}
