/* psa_stats.c: the PSA tables of OUTPUTS.md from the draws: every draw's headline metrics,
 * their summary statistics, probabilities (NPV > 0, substantial, passes), the
 * cost-effectiveness acceptability curve and the one-way sensitivity (tornado) ranking. */
#include "run/run.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NCOL(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const cs_coltype TXT = CS_COL_TEXT, INT = CS_COL_INT, REAL = CS_COL_REAL;

/* Values per QALY of the acceptability curve: 0 to 100,000 euro in steps of 2,500. */
#define CEAC_STEP 2500.0
#define CEAC_N 41

static void emit_draws(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"draw", "scenario", "metric", "value"};
  static const cs_coltype ty[] = {INT, TXT, TXT, REAL};
  const cs_psa *p = &run->psa;
  cs_tw_begin(tw, "psa_draws", NCOL(cols), cols, ty);
  for (int32_t d = 0; d < p->ndraw && tw->st == CS_OK; d++)
    for (int32_t i = 1; i < p->nsc; i++)
      for (int32_t m = 0; m < p->nmet; m++) {
        cs_val row[] = {cs_vi(d), cs_vs(run->sc[i].id), cs_vs(p->met[m]), cs_vd(p->val[cs_psa_ix(p, d, i, m)])};
        cs_tw_row(tw, row);
      }
  cs_tw_end(tw);
}

static void emit_summary(const cs_run *run, cs_tw *tw, double *buf) {
  static const char *cols[] = {"scenario", "metric", "mean", "sd", "p2_5", "p50", "p97_5"};
  static const cs_coltype ty[] = {TXT, TXT, REAL, REAL, REAL, REAL, REAL};
  const cs_psa *p = &run->psa;
  size_t n = (size_t)p->ndraw;
  cs_tw_begin(tw, "psa_summary", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < p->nsc; i++)
    for (int32_t m = 0; m < p->nmet; m++) {
      /* a draw whose metric is not finite would break the sort: such a metric gets empty
       * statistics rather than wrong ones */
      int finite = 1;
      for (size_t d = 0; d < n; d++) {
        buf[d] = p->val[cs_psa_ix(p, (int32_t)d, i, m)];
        finite &= isfinite(buf[d]);
      }
      double mean = NAN, sd = NAN, q[3] = {NAN, NAN, NAN};
      if (finite) {
        mean = gsl_stats_mean(buf, 1, n);
        sd = n > 1 ? gsl_stats_sd_m(buf, 1, n, mean) : 0.0;
        gsl_sort(buf, 1, n);
        q[0] = gsl_stats_quantile_from_sorted_data(buf, 1, n, 0.025);
        q[1] = gsl_stats_quantile_from_sorted_data(buf, 1, n, 0.5);
        q[2] = gsl_stats_quantile_from_sorted_data(buf, 1, n, 0.975);
      }
      cs_val row[] = {cs_vs(run->sc[i].id), cs_vs(p->met[m]), cs_vd(mean), cs_vd(sd),
                      cs_vd(q[0]), cs_vd(q[1]), cs_vd(q[2])};
      cs_tw_row(tw, row);
    }
  cs_tw_end(tw);
}

static void prob_row(const cs_run *run, cs_tw *tw, int32_t i, const char *what, double pr) {
  cs_val row[] = {cs_vs(run->sc[i].id), cs_vs(what), cs_vd(pr)};
  cs_tw_row(tw, row);
}

static void emit_probabilities(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "what", "probability"};
  static const cs_coltype ty[] = {TXT, TXT, REAL};
  const cs_psa *p = &run->psa;
  const cs_plan *pl = run->pl;
  char what[160];
  cs_tw_begin(tw, "psa_probabilities", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < p->nsc; i++) {
    for (int32_t s = 0; s <= pl->npayer; s++) {
      const char *id = s < pl->npayer ? pl->payers[s].id : "total";
      size_t n = strlen(id) + 8;
      char *key = malloc(n); /* ids have no length limit */
      if (!key) { tw->st = CS_ENOMEM; return; }
      snprintf(key, n, "npv>0:%s", id);
      prob_row(run, tw, i, key, cs_psa_share_above0(p, i, cs_psa_met_npv(pl, s)));
      free(key);
    }
    cs_psa_share sh = cs_psa_shares(pl, p, i);
    for (int32_t c = 0; c < CS_CRIT_N; c++) {
      snprintf(what, sizeof what, "substantial:%s", cs_crit_name[c]);
      prob_row(run, tw, i, what, sh.substantial[c]);
    }
    prob_row(run, tw, i, "passes", sh.passes);
  }
  cs_tw_end(tw);
}

/* P(total NPV + value * delta QALYs > 0): savings net of investment plus the health gain
 * valued at `value` euro per QALY. */
static void emit_ceac(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "value_per_qaly", "probability_cost_effective"};
  static const cs_coltype ty[] = {TXT, REAL, REAL};
  const cs_psa *p = &run->psa;
  int32_t mn = cs_psa_met_npv(run->pl, run->pl->npayer), mq = cs_psa_met_dqaly(run->pl);
  cs_tw_begin(tw, "ceac", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < p->nsc; i++)
    for (int32_t v = 0; v < CEAC_N; v++) {
      double lam = v * CEAC_STEP;
      int64_t k = 0;
      for (int32_t d = 0; d < p->ndraw; d++)
        k += p->val[cs_psa_ix(p, d, i, mn)] + lam * p->val[cs_psa_ix(p, d, i, mq)] > 0.0;
      cs_val row[] = {cs_vs(run->sc[i].id), cs_vd(lam), cs_vd((double)k / p->ndraw)};
      cs_tw_row(tw, row);
    }
  cs_tw_end(tw);
}

typedef struct { int32_t par; double lo, hi; } swing;

static int by_swing(const void *a, const void *b) {
  const swing *x = a, *y = b;
  double sx = fabs(x->hi - x->lo), sy = fabs(y->hi - y->lo);
  if (sx != sy) return sx < sy ? 1 : -1;
  return (x->par > y->par) - (x->par < y->par); /* ties in parameter order: stable output */
}

/* One-way sensitivity, widest swing first within each (scenario, metric). */
static void emit_tornado(const cs_run *run, cs_tw *tw, swing *sw) {
  static const char *cols[] = {"scenario", "metric", "parameter", "low", "high"};
  static const cs_coltype ty[] = {TXT, TXT, TXT, REAL, REAL};
  const cs_psa *p = &run->psa;
  size_t per = (size_t)p->nsc * p->nmet;
  cs_tw_begin(tw, "tornado", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < p->nsc; i++)
    for (int32_t m = 0; m < p->nmet; m++) {
      for (int32_t k = 0; k < p->npar; k++) {
        size_t ix = (size_t)k * per + (size_t)i * p->nmet + (size_t)m;
        sw[k] = (swing){p->par[k], p->lo[ix], p->hi[ix]};
      }
      qsort(sw, (size_t)p->npar, sizeof *sw, by_swing);
      for (int32_t k = 0; k < p->npar; k++) {
        cs_val row[] = {cs_vs(run->sc[i].id), cs_vs(p->met[m]), cs_vs(run->pl->dists[sw[k].par].label),
                        cs_vd(sw[k].lo), cs_vd(sw[k].hi)};
        cs_tw_row(tw, row);
      }
    }
  cs_tw_end(tw);
}

void cs_psa_emit(const cs_run *run, cs_tw *tw) {
  const cs_psa *p = &run->psa;
  size_t n = (size_t)(p->ndraw > p->npar ? p->ndraw : p->npar) + 1;
  double *buf = malloc(n * sizeof(double));
  swing *sw = malloc(n * sizeof(swing));
  if (!buf || !sw) {
    tw->st = CS_ENOMEM;
  } else {
    emit_draws(run, tw);
    emit_summary(run, tw, buf);
    emit_probabilities(run, tw);
    emit_ceac(run, tw);
    emit_tornado(run, tw, sw);
  }
  free(buf);
  free(sw);
}
