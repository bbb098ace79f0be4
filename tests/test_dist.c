/* test_dist.c: distributions: canonical parameters, deterministic means (MODEL.md 9),
 * validation, quantiles, YAML parsing with diagnostics, and strict number parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#include "plan/dist_parse.h"

#define NEAR(a, b, tol)                                                                            \
  assert_true(fabs((double)(a) - (double)(b)) <= (tol) * (1 + fabs((double)(b))))

static void beta_mean_sd(void **st) {
  (void)st;
  cs_dist d;
  assert_null(cs_dist_beta_ms(&d, 0.2, 0.05));
  assert_int_equal(d.kind, CS_DIST_BETA);
  NEAR(d.a, 12.6, 1e-12); /* k = 0.16/0.0025 - 1 = 63 */
  NEAR(d.b, 50.4, 1e-12);
  assert_true(d.mean == 0.2); /* stored exactly as written */
  NEAR(gsl_cdf_beta_P(cs_dist_quantile(&d, 0.3), d.a, d.b), 0.3, 1e-9);
  assert_non_null(cs_dist_beta_ms(&d, 0.5, 0.5)); /* sd^2 = 0.25 = mean(1-mean) */
  assert_non_null(cs_dist_beta_ms(&d, 1.0, 0.1));
  assert_non_null(cs_dist_beta_ms(&d, 0.5, 0));
  assert_null(cs_dist_beta_ab(&d, 2, 6));
  NEAR(d.mean, 0.25, 1e-15);
  assert_non_null(cs_dist_beta_ab(&d, 0, 1));
  assert_non_null(cs_dist_beta_ab(&d, 0.09, 1)); /* shapes outside [0.1, 1e8] */
  assert_non_null(cs_dist_beta_ab(&d, 1, 2e8));
  assert_non_null(cs_dist_beta_ms(&d, 0.5, 0.49));    /* shapes 0.0206 */
  assert_non_null(cs_dist_beta_ms(&d, 0.5, 0.00003)); /* shapes 1.4e8 */
  assert_null(cs_dist_beta_ms(&d, 0.5, 0.0003));      /* shapes 1.4e6 */
}

static void gamma_lognormal(void **st) {
  (void)st;
  cs_dist d;
  assert_null(cs_dist_gamma_ms(&d, 10000, 2000));
  NEAR(d.a, 25, 1e-12);
  NEAR(d.b, 400, 1e-12);
  NEAR(gsl_cdf_gamma_P(cs_dist_quantile(&d, 0.9), d.a, d.b), 0.9, 1e-9);
  assert_non_null(cs_dist_gamma_ms(&d, -1, 2));
  assert_null(cs_dist_lognormal_ms(&d, 1.0, 0.05));
  assert_true(d.mean == 1.0);
  NEAR(exp(d.a + d.b * d.b / 2), 1.0, 1e-12);
  NEAR(exp(2 * d.a + d.b * d.b) * (exp(d.b * d.b) - 1), 0.05 * 0.05, 1e-9); /* variance */
  assert_null(cs_dist_lognormal_log(&d, 1.0, 0.2));
  NEAR(d.mean, exp(1.02), 1e-12);
  NEAR(cs_dist_quantile(&d, 0.5), exp(1.0), 1e-9);
  assert_non_null(cs_dist_lognormal_log(&d, 1.0, 0));
  assert_non_null(cs_dist_lognormal_ms(&d, 0, 1));
}

static void normal_uniform_fixed(void **st) {
  (void)st;
  cs_dist d;
  assert_null(cs_dist_normal(&d, 3, 2));
  NEAR(cs_dist_quantile(&d, 0.975), 3 + 2 * 1.959963984540054, 1e-9);
  assert_non_null(cs_dist_normal(&d, 3, -1));
  assert_null(cs_dist_uniform(&d, 2, 4));
  assert_true(d.mean == 3);
  NEAR(cs_dist_quantile(&d, 0.25), 2.5, 1e-15);
  assert_non_null(cs_dist_uniform(&d, 4, 4));
  assert_null(cs_dist_fixed(&d, -7.5));
  assert_true(cs_dist_quantile(&d, 0.01) == -7.5 && d.mean == -7.5);
}

static void triangular_pert(void **st) {
  (void)st;
  cs_dist d;
  assert_null(cs_dist_triangular(&d, 0, 0.1, 0.3));
  NEAR(d.mean, 0.4 / 3, 1e-15);
  /* u is kept in [2^-54, 1 - 2^-53], the range of the draws: q(0) = 0.3 sqrt(2^-54 / 3) */
  NEAR(cs_dist_quantile(&d, 0), 0.3 * sqrt(0x1p-54 / 3), 1e-15);
  NEAR(cs_dist_quantile(&d, 1), 0.3, 1e-8);
  NEAR(cs_dist_quantile(&d, 1.0 / 3), 0.1, 1e-12); /* F(mode) = (mode-min)/(max-min) */
  assert_non_null(cs_dist_triangular(&d, 0, 0.5, 0.3));
  assert_non_null(cs_dist_triangular(&d, 1, 1, 1));
  /* a range so small that (max - min)(mode - min) underflows; the ends are never passed */
  assert_null(cs_dist_triangular(&d, -1e-200, 0, 0));
  assert_true(cs_dist_quantile(&d, 0.5) > -1e-200 && cs_dist_quantile(&d, 0.5) < 0);
  assert_null(cs_dist_triangular(&d, 0.01, 0.01, 0.1));
  assert_true(cs_dist_quantile(&d, 1e-300) >= 0.01);
  assert_null(cs_dist_pert(&d, 0.3, 0.5, 0.6));
  NEAR(d.mean, (0.3 + 2.0 + 0.6) / 6, 1e-15);
  assert_null(cs_dist_pert(&d, 0, 1, 2));
  NEAR(cs_dist_quantile(&d, 0.5), 1, 1e-9); /* symmetric: median = mode */
  double lo = cs_dist_quantile(&d, 0.01), hi = cs_dist_quantile(&d, 0.99);
  assert_true(lo > 0 && hi < 2 && lo < hi);
  assert_null(cs_dist_pert(&d, 0, 0, 1)); /* mode at an end is allowed */
  assert_non_null(cs_dist_pert(&d, 0, 2, 1));
}

/* Quantiles at extreme shapes stay bounded and right. A beta with mean 0.5 and sd 0.0003 has
 * shapes near 1.4e6: GSL's inverse looped forever there (issue 8). Its distribution is normal
 * to about 1e-6 of its sd (the excess kurtosis is -6/(a+b+3) ~ -4e-6, skewness 0), so its
 * 2.5 % and 97.5 % points are 0.5 -/+ 1.959964 sd. */
static void extreme_shapes(void **st) {
  (void)st;
  cs_dist d;
  assert_null(cs_dist_beta_ms(&d, 0.5, 0.0003));
  NEAR(cs_dist_quantile(&d, 0.975), 0.5 + 1.959963984540054 * 0.0003, 1e-9);
  NEAR(cs_dist_quantile(&d, 0.025), 0.5 - 1.959963984540054 * 0.0003, 1e-9);
  NEAR(cs_dist_quantile(&d, 0.5), 0.5, 1e-12);
  /* a grid of shapes from 0.1 to 1e8 and u from 1e-15 to 1 - 2^-53: every quantile finite,
   * inside [0, 1] and non-decreasing in u (the process would hang or abort otherwise) */
  static const double us[] = {1e-15, 1e-9, 1e-3,  0.025,    0.3,
                              0.5,   0.7,  0.975, 1 - 1e-9, 1 - 0x1p-53};
  for (double la = -1; la <= 8; la += 0.5)
    for (double lb = -1; lb <= 8; lb += 0.5) {
      assert_null(cs_dist_beta_ab(&d, pow(10, la), pow(10, lb)));
      double prev = 0;
      for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
        double x = cs_dist_quantile(&d, us[i]);
        assert_true(x >= prev && x <= 1);
        prev = x;
      }
    }
  /* gamma with a tiny and a huge shape: finite and non-negative; a huge shape is normal */
  assert_null(cs_dist_gamma_ms(&d, 1, 100)); /* shape 1e-4 */
  for (size_t i = 0; i < sizeof us / sizeof *us; i++)
    assert_true(isfinite(cs_dist_quantile(&d, us[i])));
  /* shapes above 1e8 are refused (R's qgamma goes wrong near 1e49); at 1e8 a near-normal */
  assert_non_null(cs_dist_gamma_ms(&d, 1e6, 1));   /* shape 1e12 */
  assert_non_null(cs_dist_gamma_ms(&d, 9, 8e-25)); /* fuzz_dist: median was 1.7e18 */
  assert_null(cs_dist_gamma_ms(&d, 1e4, 1));       /* shape 1e8 */
  NEAR(cs_dist_quantile(&d, 0.975), 1e4 + 1.959963984540054, 1e-7);
  /* a lognormal whose mean is above 1e12 is refused: its high quantiles overflowed */
  assert_non_null(cs_dist_lognormal_log(&d, 709, 0.5));
  assert_null(cs_dist_lognormal_log(&d, 20, 3));
  assert_true(isfinite(cs_dist_quantile(&d, 1 - 0x1p-53)));
  /* beta at a tiny u: clamped to 2^-54, so no garbage (q(1e-300) was 21 for beta(7e7, 5.38)) */
  assert_null(cs_dist_beta_ab(&d, 7e7, 5.38));
  double q = cs_dist_quantile(&d, 1e-300);
  assert_true(q >= 0 && q <= 1);
}

/* Parses the YAML text as one number; returns the problems reported. */
static int parse(const char *text, cs_dist *d) {
  cs_diags *dg = cs_diags_new();
  cs_rep rep = {.d = dg};
  cs_yq q;
  int rc = cs_yq_load(&q, "t.yaml", (const unsigned char *)text, strlen(text), &rep);
  assert_int_equal(rc, 0);
  cs_dist_parse(&q, cs_yq_root(&q), "x", d);
  cs_yq_free(&q);
  int n = rep.nerr;
  cs_diags_free(dg);
  return n;
}

static void parse_yaml(void **st) {
  (void)st;
  cs_dist d;
  assert_int_equal(parse("0.25", &d), 0);
  assert_true(d.kind == CS_DIST_FIXED && d.mean == 0.25);
  assert_int_equal(parse("{fixed: -0.05}", &d), 0);
  assert_true(d.kind == CS_DIST_FIXED && d.a == -0.05);
  assert_int_equal(parse("{dist: pert, min: 0.3, mode: 0.5, max: 0.6}", &d), 0);
  assert_true(d.kind == CS_DIST_PERT && d.c == 0.6);
  assert_int_equal(parse("{dist: lognormal, meanlog: 1.0, sdlog: 0.2}", &d), 0);
  assert_int_equal(parse("{dist: beta, alpha: 2, beta: 3}", &d), 0);
  assert_int_equal(parse("{dist: beta, mean: 0.5, sd: 0.6}", &d), 1);
  assert_int_equal(parse("{dist: beta, mean: 0.5, alpha: 2}", &d), 1);
  assert_int_equal(parse("{dist: gamma, mean: 5}", &d), 1);                 /* sd missing */
  assert_int_equal(parse("{dist: normal, mean: 1, sd: 1, sdd: 2}", &d), 1); /* unknown key */
  assert_int_equal(parse("{dist: betta, mean: 0.5, sd: 0.1}", &d), 1);
  assert_int_equal(parse("{dist: uniform, min: x, max: nan}", &d), 2);
  assert_int_equal(parse("{mean: 1}", &d), 1);
  assert_int_equal(parse("[1, 2]", &d), 1);
  assert_int_equal(parse("1e400", &d), 1);
  assert_int_equal(parse("'3'", &d), 1);
}

static void numbers(void **st) {
  (void)st;
  double v;
  assert_int_equal(cs_parse_double("1.5", &v), 0);
  assert_true(v == 1.5);
  assert_int_equal(cs_parse_double("-2e3", &v), 0);
  assert_true(v == -2000);
  assert_int_equal(cs_parse_double(".5", &v), 0);
  assert_int_equal(cs_parse_double("1e-400", &v), 0);
  assert_true(v == 0);
  assert_int_equal(cs_parse_double("nan", &v), -2);
  assert_int_equal(cs_parse_double("-inf", &v), -2);
  assert_int_equal(cs_parse_double("1e400", &v), -2);
  assert_int_equal(cs_parse_double("0x10", &v), -1);
  assert_int_equal(cs_parse_double(" 1", &v), -1);
  assert_int_equal(cs_parse_double("", &v), -1);
  assert_int_equal(cs_parse_double("1.2.3", &v), -1);
  assert_int_equal(cs_parse_double("e5", &v), -1);
  assert_int_equal(cs_edit_distance("sectr", "sector"), 1);
  const char *c[] = {"sector", "sectors", "use"};
  assert_string_equal(cs_suggest("sectr", c, 3), "sector");
  assert_null(cs_suggest("zzzzzz", c, 3));
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(beta_mean_sd),
      cmocka_unit_test(gamma_lognormal),
      cmocka_unit_test(normal_uniform_fixed),
      cmocka_unit_test(triangular_pert),
      cmocka_unit_test(extreme_shapes),
      cmocka_unit_test(parse_yaml),
      cmocka_unit_test(numbers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
