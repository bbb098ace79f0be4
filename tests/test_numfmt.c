/* test_numfmt.c: cs_fmt_g17 writes what glibc's snprintf("%.17g") writes, byte for byte: on
 * the edges (zeros, powers of ten and their neighbours, exact ties at the 17th digit, rounding
 * that carries into the next power of ten, the ends of the fast range, subnormals) and on
 * millions of random doubles, both of the kinds tables hold and of every bit pattern. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static uint64_t checked, mismatches;

static void check(double v) {
  char got[32], want[32];
  memset(got, 'x', sizeof got); /* a missing terminator shows as a mismatch, not a crash */
  int ng = cs_fmt_g17(v, got);
  int nw = snprintf(want, sizeof want, "%.17g", v);
  checked++;
  if (ng == nw && memcmp(got, want, (size_t)nw + 1) == 0) return;
  if (mismatches++ < 10) {
    got[31] = '\0';
    printf("numfmt: mismatch for %a: got \"%s\" (%d), snprintf \"%s\" (%d)\n", v, got, ng, want,
           nw);
  }
}

/* v, -v and their n nearest neighbours on each side */
static void check_around(double v, int n) {
  double up = v, down = v;
  check(v);
  check(-v);
  for (int i = 0; i < n; i++) {
    up = nextafter(up, INFINITY);
    down = nextafter(down, -INFINITY);
    check(up);
    check(down);
    check(-up);
    check(-down);
  }
}

static void report(const char *what, uint64_t before_checked, uint64_t before_bad) {
  printf("numfmt: %-28s %10" PRIu64 " values, %" PRIu64 " mismatches\n", what,
         checked - before_checked, mismatches - before_bad);
  fflush(stdout);
}

/* splitmix64: a fixed seed, so a failure repeats */
static uint64_t rng_state = 0x5eed2024c0ffeeull;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static double rnd_u01(void) { return (double)(rnd() >> 11) * 0x1p-53; }
static double from_bits(uint64_t b) {
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}

static void test_special(void **state) {
  (void)state;
  uint64_t c0 = checked, b0 = mismatches;
  /* by row: halves and thirds; around 2^53 and 10^17; the limits; the switch between fixed and
   * scientific notation; the ends of the fast range (short rows end in zeros) */
  const double fixed[][8] = {
      {0.0, 1.0, 0.5, 1.5, 2.5, 0.1, 1.0 / 3, 2.0 / 3},
      {1e16, 1e17, 123456789012345675.0, 12345678901234567.0, 9007199254740993.0, 0x1p53},
      {DBL_MAX, DBL_MIN, DBL_TRUE_MIN, DBL_EPSILON, 0x1p-1022 - 0x1p-1074, 0x1p-1060, INFINITY,
       NAN},
      {9.9999999999999999e-5, 9.9999999999999995e-5, 9.9999999999999999e16, 0.0001, 0.00001},
      {1e-6, 0x1p127, 0x1p128, 0x1p75, 0x1p76, 0x1p-20, 0x1p-21, 0x1p-22}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0][0]; i++)
    check_around(fixed[i / 8][i % 8], 3);
  check(-NAN);
  /* every power of ten a double reaches, as the nearest double and its neighbours */
  for (int k = -325; k <= 308; k++) {
    char s[64];
    snprintf(s, sizeof s, "1e%d", k);
    check_around(strtod(s, NULL), 3);
    /* just below 10^k: the 17 digits round up into the next power, changing the exponent */
    snprintf(s, sizeof s, "9.99999999999999995e%d", k - 1);
    check_around(strtod(s, NULL), 3);
    snprintf(s, sizeof s, "9.9999999999999999e%d", k - 1);
    check_around(strtod(s, NULL), 2);
  }
  /* both ends of every binade: the power-of-ten estimate from the exponent changes there */
  for (int b = -1074; b <= 1023; b++)
    check_around(ldexp(1.0, b), 2);
  /* some subnormals */
  for (int i = 0; i < 2000; i++)
    check(from_bits(rnd() & ((UINT64_C(1) << 52) - 1)));
  report("special values", c0, b0);
  assert_int_equal(mismatches, 0);
}

/* Values whose exact decimal expansion has 18 significant digits, the last a 5: the 17-digit
 * result is an exact tie, which glibc rounds to even. m * 2^-s with m odd has s decimals, so
 * for 10^k <= v < 10^(k+1) there are 18 digits when s = 17 - k. */
static void test_ties(void **state) {
  (void)state;
  uint64_t c0 = checked, b0 = mismatches, ties = 0;
  for (int k = -6; k <= 15; k++) {
    int s = 17 - k;
    double lo = ceil(pow(10, k) * ldexp(1, s)), hi = floor(pow(10, k + 1) * ldexp(1, s));
    if (hi > 0x1p53) hi = 0x1p53;
    if (lo >= hi) continue;
    for (int i = 0; i < 20000; i++) {
      uint64_t m = ((uint64_t)(lo + rnd_u01() * (hi - lo))) | 1;
      double v = ldexp((double)m, -s);
      if (v >= pow(10, k + 1) || v < pow(10, k)) continue;
      /* confirm it is a tie: the 18th significant digit is 5 and nothing follows */
      char s40[64];
      snprintf(s40, sizeof s40, "%.40e", v);
      assert_true(s40[18] == '5' && strspn(s40 + 19, "0") == 23);
      ties++;
      check(v);
      check(-v);
    }
  }
  assert_true(ties > 300000);
  /* integers plus a half, a quarter and an eighth, up to where the fraction still fits */
  for (int i = 0; i < 100000; i++) {
    uint64_t r = rnd();
    check((double)(r >> 12) + 0.5);
    check((double)(r >> 13) + 0.25);
    check((double)(r >> 13) + 0.75);
    check((double)(r >> 14) + 0.125);
    check((double)(r >> 14) + 0.875);
  }
  report("exact ties", c0, b0);
  assert_int_equal(mismatches, 0);
}

/* RANDOM values in all; 5 million and more keeps the test under about 5 s */
#define RANDOM 6000000

static void test_random(void **state) {
  (void)state;
  uint64_t c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 12; i++)
    check(from_bits(rnd()));
  report("random bit patterns", c0, b0);

  /* the fast range and a little beyond: binary exponents of about 2^-25 .. 2^130 */
  c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 6; i++) {
    uint64_t r = rnd();
    uint64_t bexp = 1023 - 25 + (r >> 52) % 156;
    check(from_bits((r & (UINT64_C(1) << 63 | ((UINT64_C(1) << 52) - 1))) | bexp << 52));
  }
  report("random bits, fast exponents", c0, b0);

  c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 4; i++)
    check(pow(10, -8 + 28 * rnd_u01()));
  report("log-uniform 1e-8..1e20", c0, b0);

  c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 12; i++) {
    uint64_t r = rnd();
    check((double)(r >> (r & 63)));
    check(-(double)(rnd() >> 40));
  }
  report("random integers", c0, b0);

  c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 24; i++) {
    uint64_t r = rnd(), n = (r >> 20) >> (r & 31);
    check((double)n * 0.01);
    check((double)n / 100);
    check((double)n * 0.001);
    check((double)n / 1000);
  }
  report("multiples of 0.01 and 0.001", c0, b0);

  c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 12; i++) {
    uint64_t r = rnd();
    double a = (double)(r >> 40), b = (double)((r & 0xfff) + 1);
    check(a / b);
    check(b / (a + 1));
  }
  report("quotients a / b", c0, b0);

  /* doubles nearest to a decimal halfway between two 17-digit results */
  c0 = checked, b0 = mismatches;
  for (int i = 0; i < RANDOM / 24; i++) {
    char s[64];
    uint64_t r = rnd();
    snprintf(s, sizeof s, "%" PRIu64 "5e%d", 10000000000000000u + r % 90000000000000000u,
             (int)(rnd() % 60) - 40);
    check_around(strtod(s, NULL), 0);
  }
  report("near decimal ties", c0, b0);
  assert_int_equal(mismatches, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_special), cmocka_unit_test(test_ties),
                                     cmocka_unit_test(test_random)};
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  printf("numfmt: %" PRIu64 " values compared with snprintf, %" PRIu64 " mismatches\n", checked,
         mismatches);
  return failed;
}
