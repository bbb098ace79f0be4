/* dist.c: the distributions a plan number may have. Each is stored in canonical parameters
 * (plan.h) with its deterministic mean as the plan wrote it, so draw 0 reproduces the
 * written number exactly; the quantile function serves one-way sensitivity and PSA. */
#include "dist.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

static const char *const kind_names[] = {"fixed", "beta", "gamma", "lognormal", "normal",
                                         "uniform", "triangular", "pert"};

const char *cs_dist_kind_name(cs_dist_kind k) {
  return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

static void set(cs_dist *d, cs_dist_kind k, double a, double b, double c, double mean) {
  d->kind = k;
  d->a = a;
  d->b = b;
  d->c = c;
  d->mean = mean;
}

const char *cs_dist_fixed(cs_dist *d, double v) {
  set(d, CS_DIST_FIXED, v, 0, 0, v);
  return NULL;
}

const char *cs_dist_beta_ms(cs_dist *d, double mean, double sd) {
  if (!(mean > 0 && mean < 1)) return "beta mean must be in (0, 1)";
  if (!(sd > 0)) return "beta sd must be > 0";
  double v = mean * (1 - mean);
  if (!(sd * sd < v)) return "beta sd is too large for its mean (expected sd^2 < mean*(1-mean))";
  double k = v / (sd * sd) - 1;
  set(d, CS_DIST_BETA, mean * k, (1 - mean) * k, 0, mean);
  return NULL;
}

const char *cs_dist_beta_ab(cs_dist *d, double alpha, double beta) {
  if (!(alpha > 0 && beta > 0)) return "beta alpha and beta must be > 0";
  set(d, CS_DIST_BETA, alpha, beta, 0, alpha / (alpha + beta));
  return NULL;
}

const char *cs_dist_gamma_ms(cs_dist *d, double mean, double sd) {
  if (!(mean > 0 && sd > 0)) return "gamma needs mean > 0 and sd > 0";
  set(d, CS_DIST_GAMMA, (mean / sd) * (mean / sd), sd * sd / mean, 0, mean);
  if (!isfinite(d->a) || !isfinite(d->b) || d->a <= 0 || d->b <= 0)
    return "gamma mean and sd give no finite shape and scale";
  return NULL;
}

const char *cs_dist_lognormal_ms(cs_dist *d, double mean, double sd) {
  if (!(mean > 0 && sd > 0)) return "lognormal needs mean > 0 and sd > 0";
  double r = sd / mean;
  double s2 = log1p(r * r);
  set(d, CS_DIST_LOGNORMAL, log(mean) - s2 / 2, sqrt(s2), 0, mean);
  if (!isfinite(d->a) || !(d->b > 0) || !isfinite(d->b))
    return "lognormal mean and sd give no finite meanlog and sdlog";
  return NULL;
}

const char *cs_dist_lognormal_log(cs_dist *d, double meanlog, double sdlog) {
  if (!(sdlog > 0)) return "lognormal sdlog must be > 0";
  double m = exp(meanlog + sdlog * sdlog / 2);
  if (!isfinite(m)) return "lognormal mean exp(meanlog + sdlog^2/2) is not finite";
  set(d, CS_DIST_LOGNORMAL, meanlog, sdlog, 0, m);
  return NULL;
}

const char *cs_dist_normal(cs_dist *d, double mean, double sd) {
  if (!(sd > 0)) return "normal sd must be > 0";
  set(d, CS_DIST_NORMAL, mean, sd, 0, mean);
  return NULL;
}

const char *cs_dist_uniform(cs_dist *d, double min, double max) {
  if (!(min < max)) return "uniform needs min < max";
  set(d, CS_DIST_UNIFORM, min, max, 0, (min + max) / 2);
  return NULL;
}

static const char *check_mmm(double min, double mode, double max) {
  if (!(min < max)) return "needs min < max";
  if (!(min <= mode && mode <= max)) return "needs min <= mode <= max";
  return NULL;
}

const char *cs_dist_triangular(cs_dist *d, double min, double mode, double max) {
  if (check_mmm(min, mode, max)) return "triangular needs min <= mode <= max and min < max";
  set(d, CS_DIST_TRIANGULAR, min, mode, max, (min + mode + max) / 3);
  return NULL;
}

const char *cs_dist_pert(cs_dist *d, double min, double mode, double max) {
  if (check_mmm(min, mode, max)) return "pert needs min <= mode <= max and min < max";
  set(d, CS_DIST_PERT, min, mode, max, (min + 4 * mode + max) / 6);
  return NULL;
}

/* ---- quantiles ---- */

static double tri_q(double lo, double mo, double hi, double u) {
  double fc = (mo - lo) / (hi - lo);
  if (u < fc) return lo + sqrt(u * (hi - lo) * (mo - lo));
  return hi - sqrt((1 - u) * (hi - lo) * (hi - mo));
}

static double pert_q(const cs_dist *d, double u) {
  double w = d->c - d->a;
  double al = 1 + 4 * (d->b - d->a) / w, be = 1 + 4 * (d->c - d->b) / w;
  return d->a + w * gsl_cdf_beta_Pinv(u, al, be);
}

/* GSL's inverse cdfs give up (NaN) in extreme tails (a gamma with a small shape, a beta
 * with large parameters); bisection on the cdf itself always converges. The interval starts
 * at [lo, hi] and grows upwards while the cdf at hi is below u; 200 halvings reach the
 * resolution of a double for any range a plan can have. */
static double bisect_cdf(double (*cdf)(double, double, double), double a, double b, double u,
                         double lo, double hi) {
  while (cdf(hi, a, b) < u && hi < 1e300) hi *= 2.0;
  for (int i = 0; i < 200 && hi > lo; i++) {
    double mid = lo + (hi - lo) / 2.0;
    if (cdf(mid, a, b) < u) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2.0;
}

double cs_dist_quantile(const cs_dist *d, double u) {
  if (d->kind == CS_DIST_FIXED) return d->a;
  if (!(u > 0)) u = 0;
  if (!(u < 1)) u = 1;
  switch (d->kind) {
  case CS_DIST_BETA: {
    double v = gsl_cdf_beta_Pinv(u, d->a, d->b);
    return isfinite(v) ? v : bisect_cdf(gsl_cdf_beta_P, d->a, d->b, u, 0.0, 1.0);
  }
  case CS_DIST_GAMMA: {
    double v = gsl_cdf_gamma_Pinv(u, d->a, d->b);
    return isfinite(v) ? v : bisect_cdf(gsl_cdf_gamma_P, d->a, d->b, u, 0.0, d->b * (d->a + 1.0));
  }
  case CS_DIST_LOGNORMAL: return gsl_cdf_lognormal_Pinv(u, d->a, d->b);
  case CS_DIST_NORMAL: return d->a + gsl_cdf_gaussian_Pinv(u, d->b);
  case CS_DIST_UNIFORM: return d->a + u * (d->b - d->a);
  case CS_DIST_TRIANGULAR: return tri_q(d->a, d->b, d->c, u);
  case CS_DIST_PERT: return pert_q(d, u);
  case CS_DIST_FIXED: break;
  }
  return d->mean;
}
