/* drift.c: how far the baseline's state prevalence by age drifts over the horizon (v0.2,
 * issue 10). A transition table that is not in equilibrium with the base year's state
 * shares makes each age group ever sicker (or healthier) without any plan; the Wlz cost of
 * such a baseline grows faster than ageing explains. `careshift check` reports it. */
#include "run.h"

#include <math.h>
#include <string.h>

/* Persons of (sex s, age x) summed over the areas, per state, in year index y. */
static void cell_counts(const cs_plan *pl, const cs_results *r, int32_t y, int32_t s, int32_t x,
                        double *n) {
  int32_t K = pl->nstate;
  memset(n, 0, (size_t)K * sizeof *n);
  for (int32_t a = 0; a < pl->narea; a++) {
    const double *d =
        r->detail + (((cs_ix_sy(r, 0, y) * r->na + a) * CS_NSEX + s) * CS_NAGE + x) * K;
    for (int32_t k = 0; k < K; k++)
      n[k] += d[k];
  }
}

static double sum(const double *v, int32_t n) {
  double t = 0.0;
  for (int32_t i = 0; i < n; i++)
    t += v[i];
  return t;
}

static const int BAND_FROM[CS_DRIFT_BANDS] = {0, 65, 75, 85, 90, 95};

int cs_drift_band_from(int band) {
  return band >= 0 && band < CS_DRIFT_BANDS ? BAND_FROM[band] : -1;
}

static int band_of(int32_t x) {
  int b = 0;
  while (b + 1 < CS_DRIFT_BANDS && x >= BAND_FROM[b + 1])
    b++;
  return b;
}

/* Compares the horizon's prevalence by (sex, age) with the base year's (share0 where the
 * base year has nobody). expect and count: [band][state], the band CS_DRIFT_BANDS all ages. */
static void compare(const cs_plan *pl, const cs_results *r, double *n0, double *n1,
                    cs_state_drift *out, double *expect, double *count) {
  int32_t K = pl->nstate, last = r->ny - 1;
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = 0; x < CS_NAGE; x++) {
      cell_counts(pl, r, 0, s, x, n0);
      cell_counts(pl, r, last, s, x, n1);
      double t0 = sum(n0, K), t1 = sum(n1, K);
      if (t1 <= 0.0) continue;
      for (int32_t k = 0; k < K; k++) {
        double p0 = t0 > 0.0 ? n0[k] / t0 : pl->share0[((size_t)s * CS_NAGE + x) * K + k];
        double p1 = n1[k] / t1;
        size_t b = (size_t)band_of(x) * K + k, all = (size_t)CS_DRIFT_BANDS * K + k;
        expect[b] += t1 * p0, expect[all] += t1 * p0;
        count[b] += n1[k], count[all] += n1[k];
        /* the largest change where at least 10 persons live in both years, below the open
         * age group (whose mix also takes in everyone who lives on past it) */
        if (x < CS_XMAX && t0 >= 10.0 && t1 >= 10.0 &&
            fabs(p1 - p0) > fabs(out[k].to - out[k].from))
          out[k].sex = s, out[k].age = x, out[k].from = p0, out[k].to = p1;
      }
    }
}

static double ratio(double found, double expected) {
  return expected > 0.0 ? found / expected - 1.0 : found > 0.0 ? INFINITY : 0.0;
}

cs_status cs_plan_drift(const cs_plan *pl, cs_state_drift *out, int n) {
  if (!pl || !out || n < pl->nstate) return CS_EINVAL;
  memset(out, 0, (size_t)n * sizeof *out);
  cs_arena ar;
  cs_arena_init(&ar);
  cs_status st = CS_ENOMEM;
  double *theta = CS_ALLOC(&ar, pl->ndist + 1, double);
  size_t KB = (size_t)(CS_DRIFT_BANDS + 1) * pl->nstate; /* [band or all][state] */
  double *tmp = CS_ALLOC(&ar, 2 * (size_t)pl->nstate + 2 * KB, double);
  cs_params pm;
  cs_results r;
  cs_work w;
  cs_scen *sc = NULL;
  if (theta && tmp) {
    for (int32_t i = 0; i < pl->ndist; i++)
      theta[i] = pl->dists[i].mean;
    st = cs_params_build(pl, theta, &ar, &pm);
  }
  if (st == CS_OK &&
      (!(sc = cs_scen_sets(pl, NULL, 0, &ar)) || cs_results_alloc(pl, 1, 1, &ar, &r) != CS_OK ||
       cs_work_alloc(pl, &pm, 1, &ar, &w) != CS_OK))
    st = CS_ENOMEM;
  if (st == CS_OK) {
    cs_scen_coverage(pl, &pm, sc, 1);
    cs_kernel(pl, &pm, sc, 1, &w, &r);
    int32_t K = pl->nstate;
    double *expect = tmp + 2 * K, *count = expect + KB;
    memset(expect, 0, 2 * KB * sizeof *expect);
    compare(pl, &r, tmp, tmp + K, out, expect, count);
    for (int32_t k = 0; k < K; k++) {
      out[k].state = pl->states[k].id;
      out[k].ratio =
          ratio(count[(size_t)CS_DRIFT_BANDS * K + k], expect[(size_t)CS_DRIFT_BANDS * K + k]);
      for (int b = 0; b < CS_DRIFT_BANDS; b++)
        out[k].band[b] = ratio(count[(size_t)b * K + k], expect[(size_t)b * K + k]);
    }
  }
  cs_arena_release(&ar);
  return st;
}
