/* test_psa.c: the random numbers behind the PSA, against values known independently of the
 * code under test: Philox against Random123's published known-answer vectors; the uniform
 * of (seed, draw, stream) of docs/model.md note 14 against a separate implementation;
 * quantiles of every distribution kind against closed forms, textbook cdfs and literals
 * computed with other software; the streams that cs_psa_run gives each labelled
 * distribution; and the sampled moments of every kind against their closed forms.
 *
 * Where a literal comes from Python, this is the program (Philox4x32-10 written from
 * Salmon et al., SC'11, and checked against the three Random123 vectors below before use):
 *
 *   M0, M1, W0, W1, MASK = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85, 0xFFFFFFFF
 *   def philox(c, k):
 *       for r in range(10):
 *           if r: k = [(k[0] + W0) & MASK, (k[1] + W1) & MASK]
 *           p0, p1 = M0 * c[0], M1 * c[2]
 *           c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & MASK, (p0 >> 32) ^ c[3] ^ k[1], p0 & MASK]
 *       return c
 *   def u(seed, d, h):                       # docs/model.md note 14
 *       r = philox([d & MASK, d >> 32, h & MASK, h >> 32], [seed & MASK, seed >> 32])
 *       return (((r[0] >> 5) << 26 | (r[1] >> 6)) + 0.5) / 2**53
 *   def fnv1a(s):
 *       h = 14695981039346656037
 *       for b in s.encode(): h = ((h ^ b) * 1099511628211) & (2**64 - 1)
 *       return h
 *   print(u(5, 9, 3).hex())                  # and so on for each literal
 *
 * Quantile literals: mpmath 1.3.0 at 50 digits, bisection (400 steps, in log space) on
 * mp.gammainc(a, 0, x/scale, regularized=True) and mp.betainc(a, b, 0, x, regularized=True),
 * printed with repr(float(...)); normal and lognormal with Python's statistics.NormalDist:
 * NormalDist(mu, sd).inv_cdf(u) and math.exp(NormalDist(meanlog, sdlog).inv_cdf(u)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <Random123/philox.h>
#include <gsl/gsl_errno.h>
#include <math.h>

#include "plan/dist.h"
#include "psa/psa.h"
#include "tinyplan.h"

/* |got - want| <= rel * |want| (+ a tiny absolute part for want = 0). */
#define CLOSE(got, want, rel)                                                                      \
  do {                                                                                             \
    double g_ = (got), w_ = (want);                                                                \
    if (!(fabs(g_ - w_) <= (rel)*fabs(w_) + 1e-300)) {                                             \
      print_error("%s = %.17g, expected %.17g (rel %g)\n", #got, g_, w_, (double)(rel));           \
      fail();                                                                                      \
    }                                                                                              \
  } while (0)

/* Random123's kat_vectors, the three philox4x32 lines with 10 rounds: counter, key, output. */
static void test_philox_known_answer(void **st) {
  (void)st;
  static const struct {
    uint32_t c[4], k[2], r[4];
  } kat[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
       {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (size_t i = 0; i < sizeof kat / sizeof *kat; i++) {
    philox4x32_ctr_t c = {{kat[i].c[0], kat[i].c[1], kat[i].c[2], kat[i].c[3]}};
    philox4x32_key_t k = {{kat[i].k[0], kat[i].k[1]}};
    philox4x32_ctr_t r = philox4x32(c, k);
    for (int j = 0; j < 4; j++)
      assert_int_equal(r.v[j], kat[i].r[j]);
  }
}

/* cs_psa_uniform(seed, draw, stream) is note 14's u: key (seed lo, seed hi), counter (draw lo,
 * draw hi, stream lo, stream hi), u = ((r0 >> 5) * 2^26 + (r1 >> 6) + 0.5) / 2^53. */
static void test_uniform_known_answer(void **st) {
  (void)st;
  /* all zero: the first vector above, r0 = 0x6627e8d5, r1 = 0xe169c58d, by hand:
   * (0x6627e8d5 >> 5) = 0x3313f46, (0xe169c58d >> 6) = 0x385a716; 0x3313f46 * 2^26 +
   * 0x385a716 = 0xcc4fd1b85a716, so u = (0xcc4fd1b85a716 + 0.5) / 2^53 */
  assert_true(cs_psa_uniform(0, 0, 0) == (0xcc4fd1b85a716 + 0.5) / 9007199254740992.0);
  assert_true(cs_psa_uniform(0, 0, 0) == 0x1.989fa370b4e2dp-2);
  /* from the Python program at the top: u(seed, d, h).hex() */
  assert_true(cs_psa_uniform(5, 9, 3) == 0x1.c5ff6b335692ep-1);
  assert_true(cs_psa_uniform(5, 9, 4) == 0x1.d3a2df7f03d13p-2);
  assert_true(cs_psa_uniform(6, 9, 3) == 0x1.3811380c7c580p-1);
  /* every high word in use: seed, draw and stream above 2^32 */
  assert_true(cs_psa_uniform(0x123456789abcdef0u, 0xfedcba987u, 0x0123456789abcdefu) ==
              0x1.eac342446ba74p-1);
  assert_true(cs_psa_uniform(UINT64_MAX, UINT64_MAX, UINT64_MAX) == 0x1.023c9da0e41d9p-2);
}

/* Many uniforms: mean 1/2, variance 1/12, strictly inside (0, 1). */
static void test_uniform_moments(void **st) {
  (void)st;
  const int n = 200000;
  double s = 0, s2 = 0, lo = 1, hi = 0;
  for (int d = 0; d < n; d++) {
    double u = cs_psa_uniform(20240322u, (uint64_t)d, 7);
    s += u;
    s2 += u * u;
    lo = fmin(lo, u);
    hi = fmax(hi, u);
  }
  double mean = s / n, var = s2 / n - mean * mean;
  assert_true(fabs(mean - 0.5) < 0.005); /* sd of the mean: 0.29/sqrt(n) = 0.00065 */
  assert_true(fabs(var - 1.0 / 12.0) < 0.002);
  assert_true(lo > 0.0 && hi < 1.0);
  assert_true(lo < 1e-4 && hi > 1 - 1e-4); /* and it does reach into both tails */
}

/* ---- quantiles ---- */

/* Textbook cdfs, for checking F(Q(u)) = u by other means than the inverse under test. */
static double tri_cdf(double a, double c, double b, double x) {
  return x <= c ? (x - a) * (x - a) / ((b - a) * (c - a))
                : 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}
/* Erlang (gamma with integer shape k): 1 - exp(-y) sum_{n<k} y^n/n!, y = x/scale */
static double erlang_cdf(int k, double scale, double x) {
  double y = x / scale, term = 1, sum = 0;
  for (int n = 0; n < k; n++) {
    sum += term;
    term *= y / (n + 1);
  }
  return 1 - exp(-y) * sum;
}
/* beta with integer a, b: I_x(a, b) = sum_{j=a}^{a+b-1} C(a+b-1, j) x^j (1-x)^(a+b-1-j) */
static double beta_int_cdf(int a, int b, double x) {
  int n = a + b - 1;
  double sum = 0;
  for (int j = a; j <= n; j++) {
    double c = 1;
    for (int i = 1; i <= j; i++)
      c = c * (n - j + i) / i;
    sum += c * pow(x, j) * pow(1 - x, n - j);
  }
  return sum;
}

static void test_quantiles_closed_form(void **st) {
  (void)st;
  gsl_set_error_handler_off();
  cs_dist d;
  const double us[] = {0.025, 0.2, 0.5, 0.9, 0.975};
  /* uniform(2, 4): 2 + 2u */
  assert_null(cs_dist_uniform(&d, 2, 4));
  CLOSE(cs_dist_quantile(&d, 0.1), 2.2, 1e-15);
  CLOSE(cs_dist_quantile(&d, 0.9), 3.8, 1e-15);
  /* triangular(0, 0.1, 0.3): F(0.1) = 1/3; below, Q = sqrt(u * 0.3 * 0.1); above,
   * Q = 0.3 - sqrt((1 - u) * 0.3 * 0.2) */
  assert_null(cs_dist_triangular(&d, 0, 0.1, 0.3));
  CLOSE(cs_dist_quantile(&d, 0.2), sqrt(0.006), 1e-14);
  CLOSE(cs_dist_quantile(&d, 0.75), 0.3 - sqrt(0.015), 1e-14);
  for (size_t i = 0; i < 5; i++)
    CLOSE(tri_cdf(0, 0.1, 0.3, cs_dist_quantile(&d, us[i])), us[i], 1e-12);
  /* pert(min, mode, max) is min + (max-min) Beta(1 + 4(mode-min)/w, 1 + 4(max-mode)/w):
   * pert(0, 0, 1) = Beta(1, 5), Q = 1 - (1-u)^(1/5); pert(2, 6, 6) = 2 + 4 Beta(5, 1),
   * Q = 2 + 4 u^(1/5); pert(0, 0.5, 1) = Beta(3, 3), F = 10x^3 - 15x^4 + 6x^5 */
  assert_null(cs_dist_pert(&d, 0, 0, 1));
  for (size_t i = 0; i < 5; i++)
    CLOSE(cs_dist_quantile(&d, us[i]), 1 - pow(1 - us[i], 0.2), 1e-12);
  assert_null(cs_dist_pert(&d, 2, 6, 6));
  for (size_t i = 0; i < 5; i++)
    CLOSE(cs_dist_quantile(&d, us[i]), 2 + 4 * pow(us[i], 0.2), 1e-12);
  assert_null(cs_dist_pert(&d, 0, 0.5, 1));
  CLOSE(cs_dist_quantile(&d, 0.5), 0.5, 1e-12);
  CLOSE(cs_dist_quantile(&d, 0.9), 0.7533635467115334, 1e-10); /* mpmath */
  for (size_t i = 0; i < 5; i++) {
    double x = cs_dist_quantile(&d, us[i]);
    CLOSE(10 * pow(x, 3) - 15 * pow(x, 4) + 6 * pow(x, 5), us[i], 1e-10);
  }
  /* pert(0.3, 0.5, 0.6) = 0.3 + 0.3 Beta(11/3, 7/3) */
  assert_null(cs_dist_pert(&d, 0.3, 0.5, 0.6));
  CLOSE(cs_dist_quantile(&d, 0.025), 0.3698400817262328, 1e-10); /* mpmath */
  CLOSE(cs_dist_quantile(&d, 0.5), 0.48725624789876365, 1e-10);
  CLOSE(cs_dist_quantile(&d, 0.975), 0.5762082162552937, 1e-10);
  /* normal(-0.15, 0.04): NormalDist(-0.15, 0.04).inv_cdf(u) */
  assert_null(cs_dist_normal(&d, -0.15, 0.04));
  CLOSE(cs_dist_quantile(&d, 0.025), -0.22839855938160214, 1e-12);
  CLOSE(cs_dist_quantile(&d, 0.5), -0.15, 1e-12);
  CLOSE(cs_dist_quantile(&d, 0.975), -0.07160144061839785, 1e-12);
  CLOSE(cs_dist_quantile(&d, 1e-6), -0.34013697235291596, 1e-12);
  /* lognormal(meanlog 1, sdlog 0.2): exp(NormalDist(1, 0.2).inv_cdf(u)); median e */
  assert_null(cs_dist_lognormal_log(&d, 1.0, 0.2));
  CLOSE(cs_dist_quantile(&d, 0.5), exp(1.0), 1e-12);
  CLOSE(cs_dist_quantile(&d, 0.025), 1.836767444751407, 1e-12);
  CLOSE(cs_dist_quantile(&d, 0.975), 4.0228588110296695, 1e-12);
  CLOSE(cs_dist_quantile(&d, 1e-6), 1.0505513674834395, 1e-12);
  /* lognormal(mean 1, sd 0.05): sdlog^2 = ln(1 + 0.05^2), meanlog = -sdlog^2/2, so the
   * median is exp(meanlog) = 1.0025^-1/2 and the 97.5 % point exp(meanlog + 1.95996... sdlog)
   * (z = NormalDist().inv_cdf(0.975) = 1.9599639845400536) */
  assert_null(cs_dist_lognormal_ms(&d, 1.0, 0.05));
  CLOSE(cs_dist_quantile(&d, 0.5), 1 / sqrt(1.0025), 1e-12);
  CLOSE(cs_dist_quantile(&d, 0.975), exp(-log(1.0025) / 2 + 1.9599639845400536 * sqrt(log(1.0025))),
        1e-12);
  /* gamma(mean 5, sd 5) has shape 1: the exponential, Q = -5 ln(1 - u) */
  assert_null(cs_dist_gamma_ms(&d, 5, 5));
  for (size_t i = 0; i < 5; i++)
    CLOSE(cs_dist_quantile(&d, us[i]), -5 * log1p(-us[i]), 1e-12);
  /* gamma(mean 10000, sd 2000): shape 25, scale 400, an Erlang */
  assert_null(cs_dist_gamma_ms(&d, 10000, 2000));
  CLOSE(cs_dist_quantile(&d, 0.025), 6471.472739131731, 1e-10); /* mpmath */
  CLOSE(cs_dist_quantile(&d, 0.5), 9866.987346795368, 1e-10);
  CLOSE(cs_dist_quantile(&d, 0.975), 14284.039037501281, 1e-10);
  for (size_t i = 0; i < 5; i++)
    CLOSE(erlang_cdf(25, 400, cs_dist_quantile(&d, us[i])), us[i], 1e-10);
  /* beta(mean 0.25, sd 0.05): alpha 18.5, beta 55.5 */
  assert_null(cs_dist_beta_ms(&d, 0.25, 0.05));
  CLOSE(cs_dist_quantile(&d, 0.025), 0.15883403668683002, 1e-10); /* mpmath */
  CLOSE(cs_dist_quantile(&d, 0.5), 0.24773816041331884, 1e-10);
  CLOSE(cs_dist_quantile(&d, 0.975), 0.3539560109564021, 1e-10);
  /* beta(2, 6): integer parameters, the binomial sum */
  assert_null(cs_dist_beta_ab(&d, 2, 6));
  CLOSE(cs_dist_quantile(&d, 0.5), 0.22848996350659578, 1e-10); /* mpmath */
  CLOSE(cs_dist_quantile(&d, 0.9), 0.45256494335779973, 1e-10);
  for (size_t i = 0; i < 5; i++)
    CLOSE(beta_int_cdf(2, 6, cs_dist_quantile(&d, us[i])), us[i], 1e-10);
}

/* Draws of d through its quantile function: sample mean and sd against the closed forms. */
static void check_moments(const cs_dist *d, double mean, double sd) {
  const int n = 100000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; i++) {
    double v = cs_dist_quantile(d, cs_psa_uniform(1, (uint64_t)i, 0));
    s += v;
    s2 += v * v;
  }
  double m = s / n, sdv = sqrt(s2 / n - m * m);
  print_message("kind %d: mean %.6g (want %.6g), sd %.6g (want %.6g)\n", d->kind, m, mean, sdv, sd);
  assert_true(fabs(m - mean) < 5 * sd / sqrt(n));
  assert_true(fabs(sdv - sd) < 0.02 * sd);
}

/* The canonical parameters each constructor derives (worked out by hand), the deterministic
 * value (docs/model.md 9) where the constructor computes it, and the sampled moments. */
static void test_distribution_moments(void **st) {
  (void)st;
  gsl_set_error_handler_off();
  cs_dist d;
  /* beta: k = 0.25*0.75/0.05^2 - 1 = 74, alpha = 0.25k, beta = 0.75k */
  assert_null(cs_dist_beta_ms(&d, 0.25, 0.05));
  CLOSE(d.a, 18.5, 1e-14);
  CLOSE(d.b, 55.5, 1e-14);
  check_moments(&d, 0.25, 0.05);
  /* gamma: shape (10000/2000)^2 = 25, scale 2000^2/10000 = 400 */
  assert_null(cs_dist_gamma_ms(&d, 10000, 2000));
  CLOSE(d.a, 25, 1e-14);
  CLOSE(d.b, 400, 1e-14);
  check_moments(&d, 10000, 2000);
  /* lognormal: sdlog^2 = ln(1.0025), meanlog = -ln(1.0025)/2 */
  assert_null(cs_dist_lognormal_ms(&d, 1.0, 0.05));
  CLOSE(d.a, -0.001248440099293573,
        1e-12); /* python3 -c "import math; print(-math.log(1.0025)/2)" */
  CLOSE(d.b, 0.049968792246632754,
        1e-12); /* python3 -c "import math; print(math.sqrt(math.log(1.0025)))" */
  check_moments(&d, 1.0, 0.05);
  /* lognormal(meanlog 0, sdlog 0.5): mean exp(0.125), sd mean * sqrt(exp(0.25) - 1) */
  assert_null(cs_dist_lognormal_log(&d, 0.0, 0.5));
  CLOSE(d.mean, 1.1331484530668263, 1e-14); /* python3 -c "import math; print(math.exp(0.125))" */
  check_moments(&d, 1.1331484530668263, 1.1331484530668263 * sqrt(exp(0.25) - 1));
  assert_null(cs_dist_normal(&d, -0.15, 0.04));
  check_moments(&d, -0.15, 0.04);
  assert_null(cs_dist_uniform(&d, 2, 4));
  CLOSE(d.mean, 3, 1e-15);
  check_moments(&d, 3, 2 / sqrt(12.0));
  /* triangular (a, c, b): mean (a+b+c)/3, variance (a2+b2+c2-ab-ac-bc)/18 */
  assert_null(cs_dist_triangular(&d, 0.0, 0.1, 0.3));
  CLOSE(d.mean, 0.13333333333333333, 1e-14);
  check_moments(&d, 0.4 / 3, sqrt((0.0 + 0.01 + 0.09 - 0.0 - 0.0 - 0.03) / 18));
  /* pert (a, m, b): mean (a+4m+b)/6 = 2.9/6, variance (mean-a)(b-mean)/7 */
  assert_null(cs_dist_pert(&d, 0.3, 0.5, 0.6));
  CLOSE(d.mean, 0.48333333333333334, 1e-14);
  check_moments(&d, 2.9 / 6, sqrt((2.9 / 6 - 0.3) * (0.6 - 2.9 / 6) / 7));
  /* beta(2, 6): mean 1/4, variance ab/((a+b)^2 (a+b+1)) = 12/576 */
  assert_null(cs_dist_beta_ab(&d, 2, 6));
  CLOSE(d.mean, 0.25, 1e-15);
  check_moments(&d, 0.25, sqrt(12.0 / 576));
}

/* A gamma with a small shape (sd 4x the mean: shape 1/16, scale 160000): GSL's inverse gives
 * up (NaN) in much of the lower tail (at u = 0.1 and below), and the quantile is found by
 * bisection on the cdf. */
static void test_small_shape_gamma(void **st) {
  (void)st;
  gsl_set_error_handler_off();
  cs_dist d;
  assert_null(cs_dist_gamma_ms(&d, 10000, 40000));
  CLOSE(d.a, 0.0625, 1e-14);
  CLOSE(d.b, 160000, 1e-14);
  const int n = 100000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; i++) {
    double v = cs_dist_quantile(&d, cs_psa_uniform(3, (uint64_t)i, 11));
    assert_true(isfinite(v) && v >= 0.0);
    s += v;
    s2 += v * v;
  }
  double m = s / n, sd = sqrt(s2 / n - m * m);
  print_message("small-shape gamma: mean %.6g (want 10000), sd %.6g (want 40000)\n", m, sd);
  assert_true(fabs(m - 10000) < 5 * 40000 / sqrt(n));
  assert_true(fabs(sd - 40000) < 0.1 * 40000);
  /* the bisection against mpmath, where GSL alone returns NaN and where it does not */
  CLOSE(cs_dist_quantile(&d, 0.001), 9.44301313769247e-44, 1e-9);
  CLOSE(cs_dist_quantile(&d, 0.01), 9.443013137692469e-28, 1e-9);
  CLOSE(cs_dist_quantile(&d, 0.1), 9.443013137692475e-12, 1e-9);
  CLOSE(cs_dist_quantile(&d, 0.3), 0.0004064907529095509, 1e-9);
  CLOSE(cs_dist_quantile(&d, 0.9), 19571.610942621242, 1e-9);
  /* Farther down the true quantile is below what the bisection resolves (its interval
   * starts at [0, 170000] and is halved 200 times, to 1.1e-55): at u = 1e-6 it is 9.4e-92
   * (mpmath), and the midpoint 5.3e-56 comes back, for every u below 1.7e-4. That is 0 for
   * every purpose of a plan, so the test asks for a finite value between 0 and 1e-50. */
  double tiny = cs_dist_quantile(&d, 1e-6);
  assert_true(isfinite(tiny) && tiny >= 0.0 && tiny < 1e-50);
  /* a beta with large parameters fails in GSL at tiny u; the bisection on [0, 1] resolves
   * it fully */
  assert_null(cs_dist_beta_ab(&d, 2000, 3000));
  CLOSE(cs_dist_quantile(&d, 1e-12), 0.3520243230620453, 1e-9); /* mpmath */
  CLOSE(cs_dist_quantile(&d, 1e-6), 0.36738996507633037, 1e-9);
  /* the smallest u a draw has, 2^-54 (smaller u are taken as 2^-54) */
  CLOSE(cs_dist_quantile(&d, 0x1p-54), 0.34363962555960309, 1e-9); /* mpmath */
}

/* ---- streams of a whole PSA run (docs/model.md note 14) ---- */

static cs_num uniform_num(cs_plan *pl, const char *label, double lo, double hi) {
  cs_dist *d = &pl->dists[pl->ndist];
  assert_null(cs_dist_uniform(d, lo, hi));
  d->label = label;
  return (cs_num){pl->ndist++, 1.0};
}

/* One year, one intervention without effects and two once costs at T0: zvw pays
 * uniform(1000, 3000), wmo uniform(10, 20), both labelled L (a repeated label: the second
 * takes stream FNV-1a(L) + 1). Nothing else is uncertain, so npv:zvw = -zvw's amount and
 * npv:wmo = -wmo's amount in every draw. */
static void test_psa_streams(void **st) {
  (void)st;
  gsl_set_error_handler_off();
  static const int sub[] = {0};
  cs_plan *pl = tp_new(1, sub, 1, 1, 2024, 2024);
  pl->pop[cs_ix_asx(0, 0, 30)] = 100;
  tp_sector(pl, "gp", 0, CS_CHAIN_PRIMARY, 10, 0, 0, 0, 0);
  *tp_use(pl, pl->use, 0, 0, 0, 30) = 1;
  cs_intervention *iv = tp_intervention(pl, "iv", 1.0);
  static const char L[] = "themes[care].interventions[acp].costs[0].amount";
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_ONCE, 0, uniform_num(pl, L, 1000, 3000), 2024, 0, 0, CS_NONE, 0, NULL};
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_ONCE, 1, uniform_num(pl, L, 10, 20), 2024, 0, 0, CS_NONE, 0, NULL};
  /* seed 0x200000007: the key's high word is 2. From the Python program at the top, with
   * h = fnv1a(L) = 0x133abf9a9c654c0a: 1000 + 2000 u(seed, d, h), 10 + 10 u(seed, d, h + 1) */
  static const double zvw[] = {2000, 2727.1016572539556, 2531.390450600661, 1405.1938081504584};
  static const double wmo[] = {15, 18.072372703441747, 18.068273508925362, 16.494859742473885};
  double *first = NULL;
  for (int threads = 1; threads <= 3; threads += 2) {
    cs_arena ar;
    cs_arena_init(&ar);
    cs_psa_options opt = {.draws = 4, .seed = 0x200000007ull, .threads = threads};
    cs_psa p;
    assert_int_equal(cs_psa_run(pl, &opt, &ar, &p), CS_OK);
    assert_int_equal(p.nsc, 3); /* baseline, plan, without-iv */
    assert_int_equal(p.npar, 0);
    assert_int_equal(p.bad_quantiles, 0);
    for (int d = 0; d < 4; d++) {
      CLOSE(p.val[cs_psa_ix(&p, d, 1, cs_psa_met_npv(pl, 0))], -zvw[d], 1e-13);
      CLOSE(p.val[cs_psa_ix(&p, d, 1, cs_psa_met_npv(pl, 1))], -wmo[d], 1e-13);
      CLOSE(p.val[cs_psa_ix(&p, d, 1, cs_psa_met_npv(pl, 2))], -zvw[d] - wmo[d], 1e-13);
      assert_true(p.val[cs_psa_ix(&p, d, 2, cs_psa_met_npv(pl, 2))] == 0.0);
    }
    /* the same bytes from any number of threads */
    size_t nv = (size_t)p.ndraw * p.nsc * p.nmet;
    if (!first) {
      first = malloc(nv * sizeof(double));
      assert_non_null(first);
      memcpy(first, p.val, nv * sizeof(double));
    } else {
      assert_memory_equal(first, p.val, nv * sizeof(double));
      assert_true(p.threads > 1);
    }
    cs_arena_release(&ar);
  }
  free(first);
  tp_free(pl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_philox_known_answer),  cmocka_unit_test(test_uniform_known_answer),
      cmocka_unit_test(test_uniform_moments),      cmocka_unit_test(test_quantiles_closed_form),
      cmocka_unit_test(test_distribution_moments), cmocka_unit_test(test_small_shape_gamma),
      cmocka_unit_test(test_psa_streams)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
