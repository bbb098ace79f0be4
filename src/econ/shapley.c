/* shapley.c: what each theme contributes to the plan, so that the contributions add up to
 * the plan's total (docs/model.md section 7, v0.2). The plan is run with every subset of its
 * themes (2^themes scenarios in lockstep, as the kernel runs any scenarios); a metric v of
 * each subset S gives theme t the exact Shapley value
 *   phi_t = sum over S without t of |S|! (T - |S| - 1)! / T! * (v(S + t) - v(S)),
 * and the sum over the themes is v(all themes) - v(none) = the plan's value. The leave-one-out
 * contribution v(all) - v(all without t) is kept beside it: it does not add up when themes
 * interact (one's savings come from care another already removed). */
#include "econ.h"

#include <math.h>
#include <string.h>

/* The metrics attributed: NPV per stakeholder, each criterion in the long-term year, QALYs,
 * each criterion in the short-term year (v0.2: the IZA's 2027 milestone too). */
int32_t cs_shapley_nmet(const cs_plan *pl) { return pl->npayer + 1 + CS_CRIT_N + 1 + CS_CRIT_N; }

void cs_shapley_metrics(const cs_plan *pl, const cs_results *r, const cs_econ *e, int32_t m,
                        double *out) {
  int32_t nst = e->nst, yl = pl->crit_year - pl->T0, k = 0;
  for (int32_t p = 0; p < nst; p++)
    out[k++] = e->npv[(size_t)m * nst + p];
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    out[k++] = e->crit[cs_ix_sy(r, m, yl) * CS_CRIT_N + c];
  out[k++] = e->dqaly[m];
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    out[k++] = e->crit[cs_ix_sy(r, m, pl->crit_short_year - pl->T0) * CS_CRIT_N + c];
}

double cs_shapley_weight(int32_t size, int32_t T) { /* |S|! (T - |S| - 1)! / T! */
  return exp(lgamma(size + 1.0) + lgamma((double)(T - size)) - lgamma(T + 1.0));
}

static int popcount(uint32_t m) {
  int n = 0;
  for (; m; m &= m - 1)
    n++;
  return n;
}

int32_t cs_run_batch(const cs_plan *pl, int32_t max) {
  int32_t n = CS_RUN_LANES / (pl->narea > 0 ? pl->narea : 1) - 1;
  return n < 1 ? 1 : n > max ? max : n;
}

/* What the attribution needs of each subset of the themes: its metrics (cs_shapley_metrics),
 * savings and investment per stakeholder, [n][M] and [n][np + 1]. */
typedef struct {
  int32_t n, M, nst;
  double *v, *sav, *inv;
} subsets;

void cs_econ_ws_free(cs_econ_ws *ws) {
  cs_arena_release(&ws->ar);
  ws->n = 0;
}

cs_status cs_econ_run(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t n,
                      cs_econ_ws *ws, cs_run_take take, void *ctx) {
  cs_econ_ws own = {0};
  if (!ws) ws = &own;
  if (ws->n != n) { /* (the kernel sets every number it reads: no zeroing between runs) */
    cs_econ_ws_free(ws);
    cs_arena_init(&ws->ar);
    if (cs_results_alloc(pl, n, 0, &ws->ar, &ws->r) != CS_OK ||
        cs_work_alloc(pl, pm, n, &ws->ar, &ws->w) != CS_OK ||
        cs_econ_alloc(&ws->r, &ws->ar, &ws->e) != CS_OK) {
      cs_econ_ws_free(ws);
      return CS_ENOMEM;
    }
    ws->n = n;
  }
  cs_kernel(pl, pm, sc, n, &ws->w, &ws->r);
  cs_econ_fill_metrics(pl, &ws->r, &ws->e); /* (what the takes read) */
  take(ctx, &ws->r, &ws->e);
  if (ws == &own) cs_econ_ws_free(ws);
  return CS_OK;
}

/* The 2^T subsets of the themes with base's subregions and delays, and room for their numbers,
 * allocated in ar (theme_batch fills it). */
static cs_status subsets_new(const cs_plan *pl, const cs_params *pm, const cs_scen *base,
                             cs_arena *ar, subsets *o, cs_scen **sc) {
  o->n = cs_scen_subsets(pl, pm, base, ar, sc);
  if (o->n < 0) return CS_ENOMEM;
  o->M = cs_shapley_nmet(pl);
  o->nst = pl->npayer + 1;
  o->v = CS_ALLOC(ar, (size_t)o->n * o->M + 1, double);
  o->sav = CS_ALLOC(ar, (size_t)o->n * o->nst + 1, double);
  o->inv = CS_ALLOC(ar, (size_t)o->n * o->nst + 1, double);
  return o->v && o->sav && o->inv ? CS_OK : CS_ENOMEM;
}

/* The runs of the attribution. A run takes cs_run_batch(pl, RUN_MAX) scenarios besides its
 * baseline, P: when the njob jobs fit in P, a run holds k = P / njob subsets of every job, and
 * the m = n - 1 subsets go in as few runs as that allows, of sizes that differ by at most one
 * (31 subsets of three jobs of 350 areas in 11 runs of 3 or 2 subsets, not 10 runs of 3 and
 * one of 1); otherwise a run holds one subset of as many jobs as fit, the jobs in C parts of
 * sizes that differ by at most one (a national plan with 12 variants: 13 jobs in parts of 7
 * and 6). Either way a run stays within CS_RUN_LANES, as each run did before. */
#define RUN_MAX 32

/* a near-even split of count into parts: the first item of part r */
static int32_t part_first(int32_t count, int32_t parts, int32_t r) {
  int32_t base = count / parts, extra = count % parts;
  return r * base + (r < extra ? r : extra);
}

int32_t cs_batch_count(const cs_plan *pl, int32_t n, int32_t njob) {
  int32_t m = n - 1, P = cs_run_batch(pl, RUN_MAX);
  if (m <= 0 || njob <= 0) return 0;
  if (njob > P) return m * ((njob + P - 1) / P);
  int32_t k = P / njob;
  return (m + k - 1) / k;
}

cs_batch cs_batch_get(const cs_plan *pl, int32_t n, int32_t njob, int32_t r) {
  int32_t m = n - 1, P = cs_run_batch(pl, RUN_MAX), nb = cs_batch_count(pl, n, njob);
  if (njob > P) { /* one subset, part c of the jobs */
    int32_t C = (njob + P - 1) / P, c = r % C;
    return (cs_batch){1 + r / C, 2 + r / C, part_first(njob, C, c), part_first(njob, C, c + 1)};
  }
  return (cs_batch){1 + part_first(m, nb, r), 1 + part_first(m, nb, r + 1), 0, njob};
}

/* The theme runs of every job (the plan's subsets, then each variant's). A run holds the same
 * subsets of every job, so that the kernel finds a variant's (scenario, area) pairs that equal
 * the plan's or the baseline's (an area outside the variant's subregions, or not delayed) and
 * copies them instead of computing them again (kernel.c, lane_scenarios): with two variants
 * that is most of their cost. The runs are shared among the threads. */
typedef struct {
  const cs_plan *pl;
  const cs_params *pm;
  const volatile sig_atomic_t *cancel;
  subsets *e;      /* [njob] */
  cs_scen **sc;    /* [njob] their scenarios, the empty subset (the baseline) first */
  int32_t njob, n; /* n: subsets of each job (2^T) */
  cs_job_fn *also; /* NULL, or the caller's job, job 0 */
  void *also_ctx;
  cs_econ_ws *ws; /* [workers] each worker's run, kept between its runs */
} theme_runs;

/* A run (cs_batch) after the empty subset (the baseline every scenario is compared with):
 * scenario 1 + (m - m0) * (j1 - j0) + j - j0 is subset m of job j. Each subset's numbers depend
 * only on its own lanes and the baseline's, so they are the same bits in any grouping. */
typedef struct {
  const theme_runs *x;
  cs_batch b;
} group;

static void take_group(void *ctx, const cs_results *r, const cs_econ *e) {
  const group *g = ctx;
  const theme_runs *x = g->x;
  const cs_batch *b = &g->b;
  for (int32_t j = b->j0; j < b->j1; j++) {
    subsets *o = &x->e[j];
    size_t bytes = (size_t)o->nst * sizeof(double);
    /* the empty subset: from the runs of the first subsets */
    for (int32_t m = b->m0 == 1 ? 0 : b->m0; m < b->m1; m++) {
      int32_t s = m ? 1 + (m - b->m0) * (b->j1 - b->j0) + j - b->j0 : 0;
      cs_shapley_metrics(x->pl, r, e, s, o->v + (size_t)m * o->M);
      memcpy(o->sav + (size_t)m * o->nst, e->sav + (size_t)s * o->nst, bytes);
      memcpy(o->inv + (size_t)m * o->nst, e->inv + (size_t)s * o->nst, bytes);
    }
  }
}

static cs_status theme_batch(void *ctx, int64_t job, int32_t worker) {
  const theme_runs *x = ctx;
  if (x->cancel && *x->cancel) return CS_ECANCELED;
  cs_batch b = cs_batch_get(x->pl, x->n, x->njob, (int32_t)job);
  int32_t nj = b.j1 - b.j0, nrun = 1 + (b.m1 - b.m0) * nj;
  cs_arena tmp;
  cs_arena_init(&tmp);
  cs_scen *run = CS_ALLOC(&tmp, (size_t)nrun, cs_scen);
  cs_status st = CS_ENOMEM;
  if (run) {
    group g = {x, b};
    run[0] = x->sc[0][0];
    for (int32_t m = b.m0; m < b.m1; m++)
      for (int32_t j = b.j0; j < b.j1; j++)
        run[1 + (m - b.m0) * nj + j - b.j0] = x->sc[j][m];
    st = cs_econ_run(x->pl, x->pm, run, nrun, &x->ws[worker], take_group, &g);
  }
  cs_arena_release(&tmp);
  return st;
}

static cs_status theme_job(void *ctx, int64_t job, int32_t worker) {
  const theme_runs *x = ctx;
  if (!x->also) return theme_batch(ctx, job, worker);
  return job == 0 ? x->also(x->also_ctx, 0) : theme_batch(ctx, job - 1, worker);
}

/* The themes' Shapley values, leave-one-out values and the plan's value of every metric. */
static cs_status attribute_plan(const cs_plan *pl, const subsets *s, cs_arena *ar,
                                cs_shapley *out) {
  int32_t T = pl->ntheme, M = s->M;
  const double *v = s->v;
  out->phi = CS_ALLOC(ar, (size_t)T * M, double);
  out->loo = CS_ALLOC(ar, (size_t)T * M, double);
  out->total = CS_ALLOC(ar, (size_t)M, double);
  if (!out->phi || !out->loo || !out->total) return CS_ENOMEM;
  uint32_t all = (uint32_t)s->n - 1;
  for (int32_t t = 0; t < T; t++)
    for (uint32_t m = 0; m <= all; m++) {
      if (m >> t & 1) continue;
      double wgt = cs_shapley_weight(popcount(m), T);
      for (int32_t k = 0; k < M; k++)
        out->phi[(size_t)t * M + k] +=
            wgt * (v[(size_t)(m | 1u << t) * M + k] - v[(size_t)m * M + k]);
    }
  for (int32_t t = 0; t < T; t++)
    for (int32_t k = 0; k < M; k++)
      out->loo[(size_t)t * M + k] = v[(size_t)all * M + k] - v[(size_t)(all & ~(1u << t)) * M + k];
  memcpy(out->total, v + (size_t)all * M, (size_t)M * sizeof(double));
  out->nmet = M;
  out->ntheme = T;
  return CS_OK;
}

/* Theme t's Shapley value, among the themes in players, of payer q's savings. */
static double phi_savings(const subsets *e, int32_t np, uint32_t players, int32_t t, int32_t q) {
  uint32_t rest = players & ~(1u << t);
  int32_t k = popcount(players), nst = np + 1;
  double phi = 0.0;
  for (uint32_t m = rest;; m = (m - 1) & rest) { /* every subset of rest, rest first */
    phi += cs_shapley_weight(popcount(m), k) *
           (e->sav[(size_t)(m | 1u << t) * nst + q] - e->sav[(size_t)m * nst + q]);
    if (!m) break;
  }
  return phi;
}

/* The wrong-pocket matrix of one scenario (docs/model.md 7): each theme's Shapley value of
 * each payer's savings goes to the payers of the theme's own cost lines, by their share of
 * them (the theme alone, in this scenario: its costs do not depend on the other themes);
 * a theme without cost goes to investor "none". The savers' columns add up to their savings. */
/* ti, ts [T]: each theme's investment alone and its value of the total savings (ROI). */
static void wrong_pocket(const subsets *e, int32_t np, int32_t T, uint32_t players, double *wp,
                         double *ti, double *ts) {
  int32_t nst = np + 1;
  memset(wp, 0, (size_t)(np + 1) * np * sizeof *wp);
  for (int32_t t = 0; t < T; t++) {
    if (!(players >> t & 1)) continue;
    const double *inv = e->inv + (size_t)(1u << t) * nst;
    ti[t] = inv[np];
    for (int32_t q = 0; q < np; q++) {
      double phi = phi_savings(e, np, players, t, q);
      ts[t] += phi;
      if (inv[np] == 0.0) {
        wp[(size_t)np * np + q] += phi;
        continue;
      }
      for (int32_t p = 0; p < np; p++)
        wp[(size_t)p * np + q] += inv[p] / inv[np] * phi;
    }
  }
}

/* The plan's attribution and wrong-pocket matrices, and each variant's (job j > 0), from the
 * jobs' subsets. */
static cs_status attribute_all(const cs_plan *pl, const subsets *e, int32_t njob, cs_arena *ar,
                               cs_shapley *out) {
  int32_t T = pl->ntheme, np = pl->npayer;
  size_t per = (size_t)(np + 1) * np;
  uint32_t all = (1u << T) - 1;
  for (int32_t j = 0; j < njob; j++) {
    int32_t s = 1 + j;
    wrong_pocket(&e[j], np, T, all, out->wp + (size_t)s * per, out->theme_inv + (size_t)s * T,
                 out->theme_sav + (size_t)s * T);
  }
  cs_status st = attribute_plan(pl, &e[0], ar, out);
  for (int32_t t = 0; t < T && st == CS_OK; t++) {
    size_t w = (size_t)(2 + pl->nscen + t);
    wrong_pocket(&e[0], np, T, all & ~(1u << t), out->wp + w * per, out->theme_inv + w * T,
                 out->theme_sav + w * T);
  }
  return st;
}

cs_status cs_shapley_compute(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc,
                             int threads, const volatile sig_atomic_t *cancel, cs_job_fn *also,
                             void *also_ctx, cs_arena *ar, cs_shapley *out) {
  memset(out, 0, sizeof *out);
  int32_t T = pl->ntheme, np = pl->npayer;
  if (T == 0 || T > CS_SHAPLEY_MAX_THEMES) /* none, or too many for exact values */
    return also ? also(also_ctx, 0) : CS_OK;
  size_t per = (size_t)(np + 1) * np;
  out->wp = CS_ALLOC(ar, (size_t)nsc * per + 1, double);
  out->theme_inv = CS_ALLOC(ar, (size_t)nsc * T, double);
  out->theme_sav = CS_ALLOC(ar, (size_t)nsc * T, double);
  if (!out->wp || !out->theme_inv || !out->theme_sav) return CS_ENOMEM; /* (the run fails) */
  out->nsc = nsc;
  out->np = np;
  /* the plan's subsets serve the plan, shapley.csv and every without-<theme>; each variant
   * needs its own (its subregions and delays). All their scenarios are made first (a few
   * hundred bytes each); each run holds a few of them (cs_run_batch), so the runs' memory, the
   * workspace and results, stays bounded. */
  int32_t njob = pl->nscen + 1;
  cs_arena tmp;
  cs_arena_init(&tmp);
  theme_runs x = {pl,
                  pm,
                  cancel,
                  CS_ALLOC(&tmp, (size_t)njob, subsets),
                  CS_ALLOC(&tmp, (size_t)njob, cs_scen *),
                  njob,
                  1 << T,
                  also,
                  also_ctx,
                  NULL};
  int64_t nw = cs_thread_count(threads, cs_batch_count(pl, x.n, njob) + (also != NULL));
  x.ws = CS_ALLOC(&tmp, nw, cs_econ_ws);
  cs_status st = x.e && x.sc && x.ws ? CS_OK : CS_ENOMEM;
  for (int32_t j = 0; j < njob && st == CS_OK; j++)
    st = subsets_new(pl, pm, &sc[1 + j], &tmp, &x.e[j], &x.sc[j]);
  if (st == CS_OK)
    st = cs_parallel_for_w(nw, cs_batch_count(pl, x.n, njob) + (also != NULL), theme_job, &x);
  for (int64_t t = 0; x.ws && t < nw; t++)
    cs_econ_ws_free(&x.ws[t]);
  if (st == CS_OK) st = attribute_all(pl, x.e, njob, ar, out);
  cs_arena_release(&tmp);
  return st;
}
