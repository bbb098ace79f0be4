/* fuzz_dist.c: libFuzzer target for distribution parameters through the sampler (src/plan/dist.c):
 * a constructor of dist.h, then cs_dist_quantile at many u in (0, 1). The first byte chooses
 * the form (bits 0-6, mod 10: fixed, beta mean/sd, beta alpha/beta, gamma, lognormal mean/sd,
 * lognormal meanlog/sdlog, normal, uniform, triangular, pert) and how the numbers are given:
 *   bit 7 clear: binary, up to 3 doubles copied from the next 24 bytes (missing bytes 0),
 *                then up to 4 more doubles, each used as an extra u when it is in (0, 1);
 *   bit 7 set:   text, numbers read with strtod ("0.5 0.0003"; commas, blanks and ';'
 *                between them), the first 2 or 3 the parameters, up to 4 more extra u.
 * Every accepted distribution is sampled. When its parameters are numbers a plan can give
 * (cs_yq_dbl: finite, magnitude at most 1e12, a denormal read as 0) it must yield finite
 * quantiles within its support, non-decreasing in u; outside that domain only crashes and
 * hangs count. The sampler must print nothing (R's nmath prints its warnings on stdout, which
 * is a memfd here). A hang (GSL's inverse beta for shapes near 1e6 never returned) is caught
 * by libFuzzer's -timeout. Seed corpus: tests/fuzz/dist/. Build: meson -Dfuzz=true, CC=clang. */
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
  support(&d, &lo, &hi);
  for (int i = 0; i < nu; i++) {
    double q = cs_dist_quantile(&d, u[i]);
    if (!strict) continue;
    if (!isfinite(q)) fail("quantile not finite", &d, u[i], q);
    if (q < lo || q > hi) fail("quantile outside the support", &d, u[i], q);
    if (q < prev) fail("quantile decreases", &d, u[i], q);
    prev = q;
  }
  check_silent();
  return 0;
}
