/* psa_stats.c: summaries of the draws for the PSA tables (docs/outputs.md): each headline
 * metric's mean, sd and percentiles; the acceptability curve; the tornado ranking. Computed
 * once per run, so the tables only look them up. */
#include "psa.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

/* mean, sd and percentiles of the n values in buf (sorted in place). A draw whose value is
 * not finite would break the sort: such a metric gets NaN statistics rather than wrong ones. */
static void summarise(double *buf, size_t n, double *st) {
  for (size_t d = 0; d < n; d++)
    if (!isfinite(buf[d])) {
      for (int k = 0; k < CS_PSA_STAT_N; k++)
        st[k] = NAN;
      return;
    }
  double mean = gsl_stats_mean(buf, 1, n);
  st[CS_PSA_MEAN] = mean;
  st[CS_PSA_SD] = n > 1 ? gsl_stats_sd_m(buf, 1, n, mean) : 0.0;
  gsl_sort(buf, 1, n);
  st[CS_PSA_P2_5] = gsl_stats_quantile_from_sorted_data(buf, 1, n, 0.025);
  st[CS_PSA_P50] = gsl_stats_quantile_from_sorted_data(buf, 1, n, 0.5);
  st[CS_PSA_P97_5] = gsl_stats_quantile_from_sorted_data(buf, 1, n, 0.975);
}

typedef struct {
  int32_t k;
  double lo, hi;
} swing;

static int by_swing(const void *a, const void *b) {
  const swing *x = a, *y = b;
  double sx = fabs(x->hi - x->lo), sy = fabs(y->hi - y->lo);
  if (sx != sy) return sx < sy ? 1 : -1;
  return (x->k > y->k) - (x->k < y->k); /* ties in parameter order: stable output */
}

/* The tornado order of every (scenario, metric): widest swing first. */
static void rank_swings(const cs_psa *p, swing *sw, int32_t *order) {
  size_t per = (size_t)p->nsc * p->nmet;
  for (int32_t i = 1; i < p->nsc; i++)
    for (int32_t m = 0; m < p->nmet; m++) {
      size_t at = (size_t)i * p->nmet + (size_t)m;
      for (int32_t k = 0; k < p->npar; k++)
        sw[k] = (swing){k, p->lo[(size_t)k * per + at], p->hi[(size_t)k * per + at]};
      qsort(sw, (size_t)p->npar, sizeof *sw, by_swing);
      for (int32_t k = 0; k < p->npar; k++)
        order[at * p->npar + k] = sw[k].k;
    }
}

cs_status cs_psa_stats_compute(const cs_psa *p, cs_arena *ar, cs_psa_stats *out) {
  size_t per = (size_t)p->nsc * p->nmet, n = (size_t)p->ndraw;
  out->stat = cs_arena_calloc(ar, per * CS_PSA_STAT_N + 1, sizeof(double));
  out->order = cs_arena_calloc(ar, per * p->npar + 1, sizeof(int32_t));
  double *buf = cs_malloc((n + 1) * sizeof *buf);
  swing *sw = cs_malloc(((size_t)p->npar + 1) * sizeof *sw);
  cs_status st = out->stat && out->order && buf && sw ? CS_OK : CS_ENOMEM;
  if (st == CS_OK) {
    for (int32_t i = 1; i < p->nsc; i++)
      for (int32_t m = 0; m < p->nmet; m++) {
        for (size_t d = 0; d < n; d++)
          buf[d] = p->val[cs_psa_ix(p, (int32_t)d, i, m)];
        summarise(buf, n, out->stat + ((size_t)i * p->nmet + (size_t)m) * CS_PSA_STAT_N);
      }
    rank_swings(p, sw, out->order);
  }
  cs_free(buf);
  cs_free(sw);
  return st;
}

double cs_psa_ceac(const cs_plan *pl, const cs_psa *p, int32_t sc, double value_per_qaly) {
  int32_t mn = cs_psa_met_npv(pl, pl->npayer), mq = cs_psa_met_dqaly(pl);
  int64_t k = 0;
  for (int32_t d = 0; d < p->ndraw; d++)
    k += p->val[cs_psa_ix(p, d, sc, mn)] + value_per_qaly * p->val[cs_psa_ix(p, d, sc, mq)] > 0.0;
  return (double)k / p->ndraw;
}
