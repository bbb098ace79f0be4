/* fuzz_dist.c: libFuzzer target for distribution parameters through the sampler (src/plan/dist.c):
 * a constructor of dist.h, then cs_dist_quantile at many u in (0, 1). The first byte chooses
 * the form (bits 0-6, mod 10: fixed, beta mean/sd, beta alpha/beta, gamma, lognormal mean/sd,
 * lognormal meanlog/sdlog, normal, uniform, triangular, pert) and how the numbers are given:
 *   bit 7 clear: binary, up to 3 doubles copied from the next 24 bytes (missing bytes 0),
 *                then up to 4 more doubles, each used as an extra u when it is in (0, 1);
 *   bit 7 set:   text, numbers read with strtod ("0.5 0.0003"; commas, blanks and ';'
 *                between them), the first 2 or 3 the parameters, up to 4 more extra u.
 * The quantiles are taken at 2^-1074, 1e-300, 2^-54 (the smallest u of a PSA draw), 1e-10,
 * 0.025, 0.5, 0.975, 0.999, 1 - 1e-10, 1 - 2^-52 and 1 - 2^-53 (the largest). Every accepted
 * distribution is sampled. When its parameters are numbers a plan can give (cs_yq_dbl:
 * finite, magnitude at most 1e12, no denormal) every quantile must be finite, within the
 * support, non-decreasing in u (to 1e-9 of the distribution's scale: rounding) and within
 * Cantelli's bound around the mean; outside that domain only crashes and hangs count. The
 * sampler must print nothing (R's nmath prints its warnings on stdout, a memfd here). A hang (GSL's
 * inverse beta for shapes near 1e6 never returned) is caught by libFuzzer's -timeout. Seed corpus:
 * tests/fuzz/dist/. Build: meson -Dfuzz=true, CC=clang. */
#define _GNU_SOURCE /* memfd_create */
#include <float.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/dist.h"

#define NFIXED_U 11
#define NEXTRA 4

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  int npar;
  const char *(*make2)(cs_dist *, double, double);
  const char *(*make3)(cs_dist *, double, double, double);
} form;

static const char *make_fixed(cs_dist *d, double v, double unused) {
  (void)unused;
  return cs_dist_fixed(d, v);
}

static const form forms[] = {
    {1, make_fixed, NULL},       {2, cs_dist_beta_ms, NULL},      {2, cs_dist_beta_ab, NULL},
    {2, cs_dist_gamma_ms, NULL}, {2, cs_dist_lognormal_ms, NULL}, {2, cs_dist_lognormal_log, NULL},
    {2, cs_dist_normal, NULL},   {2, cs_dist_uniform, NULL},      {3, NULL, cs_dist_triangular},
    {3, NULL, cs_dist_pert},
};
#define NFORM (int)(sizeof forms / sizeof *forms)

/* Where R's nmath prints its warnings (stdout); libFuzzer itself writes to stderr. */
static int out_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  gsl_set_error_handler_off(); /* as cs_plan_load and cs_run do (plan.h) */
  fflush(stdout);
  int fd = memfd_create("fuzz_dist_stdout", 0);
  if (fd >= 0 && dup2(fd, STDOUT_FILENO) >= 0) out_fd = STDOUT_FILENO;
  if (fd >= 0 && fd != STDOUT_FILENO) close(fd);
  return 0;
}

/* Traps when anything was printed on stdout, after showing it on stderr. */
static void check_silent(void) {
  if (out_fd < 0) return;
  fflush(stdout);
  struct stat st;
  if (fstat(out_fd, &st) != 0 || st.st_size == 0) return;
  char buf[512];
  ssize_t k = pread(out_fd, buf, sizeof buf - 1, 0);
  buf[k > 0 ? k : 0] = 0;
  fprintf(stderr, "fuzz_dist: the sampler printed on stdout: %s\n", buf);
  __builtin_trap();
}

/* Shows what went wrong (the reproducer alone would only say "trap"), then stops. */
static void fail(const char *what, const cs_dist *d, double u, double q) {
  fprintf(stderr, "fuzz_dist: %s: %s a=%.17g b=%.17g c=%.17g mean=%.17g u=%.17g q=%.17g\n", what,
          cs_dist_kind_name(d->kind), d->a, d->b, d->c, d->mean, u, q);
  __builtin_trap();
}

/* A number the plan loader can hand a constructor (cs_yq_dbl, cs_parse_double). */
static int plan_number(double x) {
  return isfinite(x) && fabs(x) <= 1e12 && (x == 0 || fabs(x) >= DBL_MIN);
}

static double get_double(const uint8_t *p, size_t n) {
  uint8_t b[sizeof(double)] = {0};
  memcpy(b, p, n < sizeof b ? n : sizeof b);
  double x;
  memcpy(&x, b, sizeof x);
  return x;
}

/* Reads up to max numbers from s with strtod; returns how many. */
static int read_text(const char *s, double *out, int max) {
  int n = 0;
  while (n < max) {
    while (*s == ' ' || *s == ',' || *s == ';' || *s == '\t' || *s == '\n')
      s++;
    char *end;
    double x = strtod(s, &end);
    if (end == s) break;
    out[n++] = x;
    s = end;
  }
  return n;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The mean and standard deviation of d, in long double so that neither under- nor overflows
 * for parameters a plan can give, and from differences so that close parameters lose nothing
 * to cancellation. */
static void moments(const cs_dist *d, long double *mean, long double *sd) {
  long double a = d->a, b = d->b, c = d->c, var = 0;
  switch (d->kind) {
  case CS_DIST_FIXED: *mean = a; break;
  case CS_DIST_BETA:
    *mean = a / (a + b);
    var = a * b / ((a + b) * (a + b) * (a + b + 1));
    break;
  case CS_DIST_GAMMA:
    *mean = a * b;
    var = a * b * b;
    break;
  case CS_DIST_LOGNORMAL:
    *mean = expl(a + b * b / 2);
    var = *mean * *mean * expm1l(b * b);
    break;
  case CS_DIST_NORMAL:
    *mean = a;
    var = b * b;
    break;
  case CS_DIST_UNIFORM:
    *mean = (a + b) / 2;
    var = (b - a) * (b - a) / 12;
    break;
  case CS_DIST_TRIANGULAR:
    *mean = (a + b + c) / 3;
    var = ((a - b) * (a - b) + (b - c) * (b - c) + (c - a) * (c - a)) / 36;
    break;
  case CS_DIST_PERT: /* (mean - min) (max - mean) / 7 */
    *mean = (a + 4 * b + c) / 6;
    var = (4 * (b - a) + (c - a)) / 6 * ((4 * (c - b) + (c - a)) / 6) / 7;
    break;
  }
  *sd = sqrtl(var);
}

/* The support of d, as the quantile must respect it. */
static void support(const cs_dist *d, double *lo, double *hi) {
  *lo = -INFINITY;
  *hi = INFINITY;
  switch (d->kind) {
  case CS_DIST_FIXED: *lo = *hi = d->a; break;
  case CS_DIST_BETA:
    *lo = 0;
    *hi = 1;
    break;
  case CS_DIST_GAMMA:
  case CS_DIST_LOGNORMAL: *lo = 0; break;
  case CS_DIST_NORMAL: break;
  case CS_DIST_UNIFORM:
    *lo = d->a;
    *hi = d->b;
    break;
  case CS_DIST_TRIANGULAR:
  case CS_DIST_PERT:
    *lo = d->a;
    *hi = d->c;
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const form *f = &forms[(data[0] & 0x7f) % NFORM];
  double x[3] = {0, 0, 0}, extra[NEXTRA];
  int nextra = 0;
  if (data[0] & 0x80) {
    char *s = malloc(size);
    if (!s) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    double v[3 + NEXTRA];
    int n = read_text(s, v, f->npar + NEXTRA);
    free(s);
    for (int i = 0; i < n; i++)
      if (i < f->npar)
        x[i] = v[i];
      else
        extra[nextra++] = v[i];
  } else {
    const uint8_t *p = data + 1;
    size_t left = size - 1;
    for (int i = 0; i < 3 + NEXTRA && left; i++) {
      double v = get_double(p, left);
      size_t k = left < sizeof(double) ? left : sizeof(double);
      p += k;
      left -= k;
      if (i < 3)
        x[i] = v;
      else
        extra[nextra++] = v;
    }
  }

  cs_dist d;
  memset(&d, 0, sizeof d);
  const char *why = f->make3 ? f->make3(&d, x[0], x[1], x[2]) : f->make2(&d, x[0], x[1]);
  if (why) {
    if (!*why) __builtin_trap(); /* a refusal says why */
    check_silent();
    return 0;
  }
  int strict = 1;
  for (int i = 0; i < f->npar; i++)
    strict &= plan_number(x[i]);

  double u[NFIXED_U + NEXTRA] = {0x1p-1074, 1e-300, 0x1p-54,   1e-10,       0.025,      0.5,
                                 0.975,     0.999,  1 - 1e-10, 1 - 0x1p-52, 1 - 0x1p-53};
  int nu = NFIXED_U;
  for (int i = 0; i < nextra; i++)
    if (extra[i] > 0 && extra[i] < 1) u[nu++] = extra[i];
  qsort(u, (size_t)nu, sizeof *u, cmp_double);

  double lo, hi, prev = -INFINITY;
  long double mean, sd;
  support(&d, &lo, &hi);
  moments(&d, &mean, &sd);
  /* Rounding makes no inverse cdf exactly monotone (GSL's inverse normal steps back by an
   * ulp here and there), so a step back counts only beyond 1e-9 of the distribution's scale. */
  long double tol = 1e-9L * (fabsl(mean) + sd);
  /* Cantelli's inequality holds for every distribution with a variance: P(X <= mean - t sd)
   * and P(X >= mean + t sd) are at most 1/(1 + t^2), so the u-quantile lies within
   * mean - sd sqrt((1-u)/u) and mean + sd sqrt(u/(1-u)). Continuous distributions stay far
   * inside; the slack only absorbs rounding. A quantile that is finite but wildly off (R's
   * qgamma for huge shapes) is caught here. */
  long double slack = 1e-6L * (fabsl(mean) + sd);
  for (int i = 0; i < nu; i++) {
    double q = cs_dist_quantile(&d, u[i]);
    if (!strict) continue;
    if (!isfinite(q)) fail("quantile not finite", &d, u[i], q);
    if (q < lo || q > hi) fail("quantile outside the support", &d, u[i], q);
    if (q < prev - tol) fail("quantile decreases", &d, u[i], q);
    /* the bounds as doubles: a quantile that underflows to 0 is as close as a double gets */
    long double w = u[i];
    double below = (double)(mean - sd * sqrtl((1 - w) / w) - slack);
    double above = (double)(mean + sd * sqrtl(w / (1 - w)) + slack);
    if (q < below || q > above) fail("quantile beyond Cantelli's bound", &d, u[i], q);
    prev = q;
  }
  check_silent();
  return 0;
}
