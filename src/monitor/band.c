/* band.c: the PSA 95 % band of each planned value. results.db keeps the draws' headline
 * metrics only (psa_draws: NPVs, criteria), not trajectories per area and year, so the band is
 * made again here: each draw's parameters depend on (seed, draw, parameter) alone (psa.c), so
 * rerunning draws 0..N-1 of the run's seed for the baseline and the plan gives the run's own
 * draws. Draw 0 must reproduce results.db's planned values, or there is no band. */
#include "monitor.h"
#include "psa/psa.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const cs_plan *pl;
  cs_monitor *m;
  int draws, nworker;
  uint64_t seed;
  const uint64_t *stream;
  double *val; /* [cell][draw] the plan scenario's value */
  const volatile sig_atomic_t *cancel;
} band_ctx;

double cs_mon_cell_value(const cs_plan *pl, const cs_results *r, int32_t s, const cs_mcell *c) {
  size_t sy = cs_ix_sy(r, s, c->year - pl->T0);
  double v = 0.0;
  if (cs_ind_by_subregion(c->ind.kind)) {
    const double *wf = c->ind.kind == CS_IND_FTE_DEMAND ? r->wf_dem : r->wf_sup;
    for (int32_t q = 0; q < r->nr; q++)
      if (c->place.level == CS_LVL_REGION || c->place.idx == q)
        v += wf[(sy * r->nr + q) * r->ng + c->ind.obj];
    return v;
  }
  for (int32_t a = 0; a < r->na; a++) {
    if (!cs_place_has_area(pl, c->place, a)) continue;
    size_t ka = sy * r->na + a;
    switch (c->ind.kind) {
    case CS_IND_POPULATION: v += r->demo[ka * CS_DEMO_N + CS_DEMO_POP]; break;
    case CS_IND_PARTICIPANTS: v += r->participants[ka * r->niv + c->ind.obj]; break;
    case CS_IND_UNITS: v += r->care[(ka * r->nc + c->ind.obj) * CS_CARE_N + CS_CARE_UNITS]; break;
    default: /* cost: the care cost of the payer's sectors */
      for (int32_t k = 0; k < r->nc; k++)
        if (pl->sectors[k].payer == c->ind.obj)
          v += r->care[(ka * r->nc + k) * CS_CARE_N + CS_CARE_COST];
    }
  }
  return v;
}

/* Worker w computes draws w, w + nworker, ...: each worker owns its model (parameters,
 * scenarios, results, workspace), allocated once. */
static cs_status worker(void *ctx, int64_t w) {
  band_ctx *b = ctx;
  const cs_plan *pl = b->pl;
  cs_arena ar;
  cs_arena_init(&ar);
  double *theta = CS_ALLOC(&ar, pl->ndist + 1, double);
  cs_params pm;
  cs_scen *sc = NULL;
  cs_results r;
  cs_work wk;
  cs_status st = theta ? CS_OK : CS_ENOMEM;
  if (st == CS_OK) cs_psa_draw_theta(pl, b->seed, b->stream, 0, theta);
  if (st == CS_OK) st = cs_params_build(pl, theta, &ar, &pm);
  if (st == CS_OK && cs_scen_build(pl, &pm, &ar, &sc) < 2) st = CS_ENOMEM;
  /* the baseline and the plan only: every scenario depends on the baseline, none on others */
  if (st == CS_OK) st = cs_results_alloc(pl, 2, 0, &ar, &r);
  if (st == CS_OK) st = cs_work_alloc(pl, &pm, 2, &ar, &wk);
  for (int64_t d = w; st == CS_OK && d < b->draws; d += b->nworker) {
    if (b->cancel && *b->cancel) st = CS_ECANCELED;
    if (st != CS_OK) break;
    cs_psa_draw_theta(pl, b->seed, b->stream, d, theta);
    cs_params_fill(pl, theta, &pm);
    cs_scen_coverage(pl, &pm, sc, 2);
    cs_kernel(pl, &pm, sc, 2, &wk, &r);
    for (size_t i = 0; i < b->m->ncell; i++)
      b->val[i * (size_t)b->draws + (size_t)d] = cs_mon_cell_value(pl, &r, 1, &b->m->cell[i]);
  }
  cs_arena_release(&ar);
  return st;
}

static int by_value(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* The f-quantile of n sorted values, as GSL's gsl_stats_quantile_from_sorted_data (which
 * psa_summary.csv uses). */
static double quantile(const double *s, size_t n, double f) {
  double delta = (double)(n - 1) * f;
  size_t i = (size_t)floor(delta);
  delta -= (double)i;
  return i + 1 < n ? (1 - delta) * s[i] + delta * s[i + 1] : s[i];
}

/* Draw 0 against results.db: the same model, so the same numbers up to the order of sums. */
static int reproduces(const band_ctx *b) {
  for (size_t i = 0; i < b->m->ncell; i++) {
    double p = b->m->cell[i].planned, v = b->val[i * (size_t)b->draws];
    if (!isnan(p) && fabs(v - p) > 1e-9 * fmax(1.0, fabs(p))) return 0;
  }
  return 1;
}

cs_status cs_mon_band(cs_monitor *m, int draws, uint64_t seed, const cs_monitor_status_options *o,
                      cs_diags *d) {
  cs_arena ar;
  cs_arena_init(&ar);
  band_ctx b = {.pl = m->pl, .m = m, .draws = draws, .seed = seed, .cancel = o->cancel};
  uint64_t *stream = NULL;
  cs_status st = cs_psa_streams(m->pl, &ar, &stream);
  b.stream = stream;
  b.val = CS_ALLOC(&ar, m->ncell * (size_t)draws, double);
  b.nworker = cs_thread_count(o->threads, draws);
  if (st == CS_OK) st = b.val ? cs_parallel_for(b.nworker, b.nworker, worker, &b) : CS_ENOMEM;
  if (st == CS_OK && !reproduces(&b)) {
    cs_diags_add(d, m->pl->path, 0, 0,
                 "warning: no PSA band: draw 0 of the plan does not reproduce the run's planned "
                 "values (was it run with --set?); the status uses the 5 %% rule");
    st = CS_EINVAL;
  }
  for (size_t i = 0; st == CS_OK && i < m->ncell; i++) {
    double *v = b.val + i * (size_t)draws;
    qsort(v, (size_t)draws, sizeof *v, by_value);
    m->cell[i].low = quantile(v, (size_t)draws, 0.025);
    m->cell[i].high = quantile(v, (size_t)draws, 0.975);
  }
  cs_arena_release(&ar);
  return st;
}
