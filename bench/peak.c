/* peak.c: this machine's double-precision FMA peak on one core, to say what fraction of it
 * the kernel reaches (bench/kernel.sh builds it with -O3 -march=native).
 *
 * Independent FMA chains (enough to hide the FMA latency on two FMA ports) on the widest
 * vectors the compiler targets; each FMA counts as 2 flops per lane. GCC's vector extensions
 * keep the chains as written: the compiler may not merge or drop them because the result is
 * printed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 8
#elif defined(__AVX__)
#define LANES 4
#else
#define LANES 2
#endif
#define CHAINS 12 /* > latency (4) x ports (2): every port busy every cycle */

typedef double vd __attribute__((vector_size(LANES * sizeof(double))));

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* n rounds of CHAINS independent FMAs a = a * m + c; returns a sum so nothing is dead. The
 * chains are separate variables, not an array, so they stay in registers. */
#define FMA4(a, b, c_, d) a = a * m + c, b = b * m + c, c_ = c_ * m + c, d = d * m + c
static double run(long n, double seed) {
  vd m, c, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11;
  for (int l = 0; l < LANES; l++) {
    m[l] = 1.0 - 1e-9 * seed;
    c[l] = 1e-9 * seed;
  }
  /* distinct starts, or the compiler computes one chain for all */
  a0 = c + 1.00, a1 = c + 1.01, a2 = c + 1.02, a3 = c + 1.03, a4 = c + 1.04, a5 = c + 1.05;
  a6 = c + 1.06, a7 = c + 1.07, a8 = c + 1.08, a9 = c + 1.09, a10 = c + 1.10, a11 = c + 1.11;
  for (long r = 0; r < n; r++) {
    /* each one FMA: kernel.sh compiles with -ffp-contract=fast (ISO C modes turn it off) */
    FMA4(a0, a1, a2, a3);
    FMA4(a4, a5, a6, a7);
    FMA4(a8, a9, a10, a11);
    __asm__ volatile("" : "+v"(a0)); /* keeps the loop from being reasoned away */
  }
  vd s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
  double sum = 0.0;
  for (int l = 0; l < LANES; l++)
    sum += s[l];
  return sum;
}

int main(void) {
  long n = 20000000;
  double best = 0.0, sink = 0.0;
  for (int rep = 0; rep < 5; rep++) {
    double t0 = now();
    sink += run(n, 1.0 + rep);
    double t = now() - t0, flops = 2.0 * LANES * CHAINS * (double)n / t;
    if (flops > best) best = flops;
  }
  printf("peak: %.1f GFLOP/s double precision on one core (%d-lane FMA, %d chains; best of 5)"
         " [%g]\n",
         best * 1e-9, LANES, CHAINS, sink > 0 ? 1.0 : 0.0);
  return 0;
}
