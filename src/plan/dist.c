/* dist.c: the distributions a plan number may have. Each is stored in canonical parameters
 * (plan.h) with its deterministic mean as the plan wrote it, so draw 0 reproduces the
 * written number exactly; the quantile function serves one-way sensitivity and PSA. */
#include "dist.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

/* R's standalone math library (r-mathlib): its qbeta and qgamma are the field's reference
 * inverses and stay bounded and accurate for every shape. GSL's gsl_cdf_beta_Pinv loops
 * forever for shapes near 1e6 (a beta with mean 0.5 and sd 0.0003) and returns NaN in
 * extreme tails; its gsl_cdf_beta_P is NaN at the mean of such a beta, so no bisection on it
 * could be trusted either. Standalone, Rmath declares its functions under their R names. */
#define MATHLIB_STANDALONE 1
#include <Rmath.h>

/* The beta shapes careshift accepts. Within them R's qbeta is bounded and exact to the last
 * digits for every u in (0, 1) (checked on a grid of shapes and 2,000 u per pair); below 0.1
 * its result underflows and it prints warnings on stdout, above 1e8 a normal is the same
 * distribution. */
#define CS_BETA_SHAPE_MIN 0.1
#define CS_BETA_SHAPE_MAX 1e8
#define CS_DIST_MAX_MEAN 1e12 /* as the plan's largest number (yamlq.h CS_YAML_MAX_NUM) */

static const char *const kind_names[] = {"fixed",  "beta",    "gamma",      "lognormal",
                                         "normal", "uniform", "triangular", "pert"};

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
  if (!(fmin(d->a, d->b) >= CS_BETA_SHAPE_MIN))
    return "beta sd is too close to its largest value sqrt(mean*(1-mean)): a shape falls below "
           "0.1, nearly all its mass at 0 and 1 (expected a smaller sd)";
  if (!(fmax(d->a, d->b) <= CS_BETA_SHAPE_MAX))
    return "beta sd is too small for its mean: a shape exceeds 1e8 (use a normal distribution "
           "or a fixed value for so narrow an uncertainty)";
  return NULL;
}

const char *cs_dist_beta_ab(cs_dist *d, double alpha, double beta) {
  if (!(alpha >= CS_BETA_SHAPE_MIN && beta >= CS_BETA_SHAPE_MIN && alpha <= CS_BETA_SHAPE_MAX &&
        beta <= CS_BETA_SHAPE_MAX))
    return "beta alpha and beta must be between 0.1 and 1e8";
  set(d, CS_DIST_BETA, alpha, beta, 0, alpha / (alpha + beta));
  return NULL;
}

const char *cs_dist_gamma_ms(cs_dist *d, double mean, double sd) {
  if (!(mean > 0 && sd > 0)) return "gamma needs mean > 0 and sd > 0";
  set(d, CS_DIST_GAMMA, (mean / sd) * (mean / sd), sd * sd / mean, 0, mean);
  if (!isfinite(d->a) || !isfinite(d->b) || d->a <= 0 || d->b <= 0)
    return "gamma mean and sd give no finite shape and scale";
  /* R's qgamma is wrong by orders of magnitude above a shape of about 1e49 (fuzz_dist); the
   * beta's bound serves: above it the gamma is a normal distribution */
  if (d->a > CS_BETA_SHAPE_MAX)
    return "gamma sd is too small for its mean (shape (mean/sd)^2 above 1e8; use a normal "
           "or a fixed value for so narrow an uncertainty)";
  return NULL;
}

/* A mean above the plan's largest number (1e12) is a typo; below it every quantile the
 * draws use is finite (the highest, at 1 - 2^-53, is at most mean * e^34.4). */
static const char *lognormal_bound(const cs_dist *d) {
  if (d->mean > CS_DIST_MAX_MEAN)
    return "lognormal mean exp(meanlog + sdlog^2/2) is implausibly large (expected at most 1e12)";
  return NULL;
}

const char *cs_dist_lognormal_ms(cs_dist *d, double mean, double sd) {
  if (!(mean > 0 && sd > 0)) return "lognormal needs mean > 0 and sd > 0";
  double r = sd / mean;
  double s2 = log1p(r * r);
  set(d, CS_DIST_LOGNORMAL, log(mean) - s2 / 2, sqrt(s2), 0, mean);
  if (!isfinite(d->a) || !(d->b > 0) || !isfinite(d->b))
    return "lognormal mean and sd give no finite meanlog and sdlog";
  return lognormal_bound(d);
}

const char *cs_dist_lognormal_log(cs_dist *d, double meanlog, double sdlog) {
  if (!(sdlog > 0)) return "lognormal sdlog must be > 0";
  double m = exp(meanlog + sdlog * sdlog / 2);
  if (!isfinite(m)) return "lognormal mean exp(meanlog + sdlog^2/2) is not finite";
  set(d, CS_DIST_LOGNORMAL, meanlog, sdlog, 0, m);
  return lognormal_bound(d);
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

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* (hi - lo) * sqrt(u * fc) rather than sqrt(u * (hi - lo) * (mo - lo)): the product
 * underflows for tiny ranges; rounding may step a last digit past an end, hence the clamp. */
static double tri_q(double lo, double mo, double hi, double u) {
  double w = hi - lo, fc = (mo - lo) / w;
  if (u < fc) return clamp(lo + w * sqrt(u * fc), lo, hi);
  return clamp(hi - w * sqrt((1 - u) * (1 - fc)), lo, hi);
}

static double pert_q(const cs_dist *d, double u) {
  double w = d->c - d->a;
  double al = 1 + 4 * (d->b - d->a) / w, be = 1 + 4 * (d->c - d->b) / w;
  return clamp(d->a + w * qbeta(u, al, be, 1, 0), d->a, d->c);
}

double cs_dist_quantile(const cs_dist *d, double u) {
  if (d->kind == CS_DIST_FIXED) return d->a;
  /* The draws' u lie in [2^-54, 1 - 2^-53]; further out R's qbeta underflows, prints on
   * stdout and returns garbage (fuzz_dist), so no caller may go there. */
  if (!(u >= 0x1p-54)) u = 0x1p-54;
  if (!(u <= 1 - 0x1p-53)) u = 1 - 0x1p-53;
  switch (d->kind) {
  case CS_DIST_BETA: return qbeta(u, d->a, d->b, 1, 0);
  case CS_DIST_GAMMA: return qgamma(u, d->a, d->b, 1, 0);
  case CS_DIST_LOGNORMAL: return gsl_cdf_lognormal_Pinv(u, d->a, d->b);
  case CS_DIST_NORMAL: return d->a + gsl_cdf_gaussian_Pinv(u, d->b);
  case CS_DIST_UNIFORM: return d->a + u * (d->b - d->a);
  case CS_DIST_TRIANGULAR: return tri_q(d->a, d->b, d->c, u);
  case CS_DIST_PERT: return pert_q(d, u);
  case CS_DIST_FIXED: break;
  }
  return d->mean;
}
