/* psa.c: runs the model for many parameter draws in parallel threads.
 *
 * Reproducibility: draw d's value of parameter i depends only on (seed, d, i): a Philox
 * counter-based generator gives a uniform u, and the parameter is the u-quantile of its
 * distribution. A draw is computed whole by one thread, by the same code in the same order,
 * so results are bit-identical for any number of threads. Workers allocate everything once
 * (parameters, scenarios, results, workspace); the draw loop itself allocates nothing. */
#include "psa.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"

/* Stream ids of the plan's distributions; a repeated label (not expected) gets the next id
 * up, so two distributions never share a stream. */
cs_status cs_psa_streams(const cs_plan *pl, cs_arena *ar, uint64_t **out) {
  uint64_t *id = cs_arena_calloc(ar, (size_t)pl->ndist + 1, sizeof *id);
  if (!id) return CS_ENOMEM;
  for (int32_t i = 0; i < pl->ndist; i++) {
    /* the stream is named by where the number stands in the plan (its label), so adding or
     * reordering other numbers does not change its draws */
    id[i] = cs_hash_fnv1a(pl->dists[i].label ? pl->dists[i].label : "");
    for (int32_t j = 0; j < i; j++)
      if (id[j] == id[i] && pl->dists[i].kind != CS_DIST_FIXED) {
        id[i]++;
        j = -1;
      }
  }
  *out = id;
  return CS_OK;
}

/* ---- headline metrics ---- */

/* Layout of the metric vector: npv per stakeholder (payers, total), delta_cost per payer,
 * delta_qalys, delta_life_years, the four criteria (long term), gap_fte per group, then the four
 * criteria in the short-term year (v0.2; after the older metrics, so their positions stay). */
typedef struct {
  int32_t npv, dcost, dq, dly, crit, gap, crit_short, n;
} met_layout;

static met_layout layout(const cs_plan *pl) {
  met_layout m;
  m.npv = 0;
  m.dcost = m.npv + pl->npayer + 1;
  m.dq = m.dcost + pl->npayer;
  m.dly = m.dq + 1;
  m.crit = m.dly + 1;
  m.gap = m.crit + CS_CRIT_N;
  m.crit_short = m.gap + pl->ngroup;
  m.n = m.crit_short + CS_CRIT_N;
  return m;
}

static const char *name2(cs_arena *ar, const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *s = cs_arena_alloc(ar, n);
  if (s) snprintf(s, n, "%s%s", a, b);
  return s;
}

int32_t cs_psa_metrics(const cs_plan *pl, cs_arena *ar, const char ***names) {
  met_layout m = layout(pl);
  const char **nm = CS_ALLOC(ar, m.n, const char *);
  if (!nm) return -1;
  for (int32_t p = 0; p <= pl->npayer; p++)
    nm[m.npv + p] = name2(ar, "npv:", p < pl->npayer ? pl->payers[p].id : "total");
  for (int32_t p = 0; p < pl->npayer; p++)
    nm[m.dcost + p] = name2(ar, "delta_cost:", pl->payers[p].id);
  nm[m.dq] = "delta_qalys";
  nm[m.dly] = "delta_life_years";
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    nm[m.crit + c] = name2(ar, "criterion:", cs_crit_name[c]);
  for (int32_t g = 0; g < pl->ngroup; g++)
    nm[m.gap + g] = name2(ar, "gap_fte:", pl->groups[g]);
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    nm[m.crit_short + c] = name2(ar, "criterion_short_term:", cs_crit_name[c]);
  for (int32_t i = 0; i < m.n; i++)
    if (!nm[i]) return -1;
  *names = nm;
  return m.n;
}

int32_t cs_psa_met_npv(const cs_plan *pl, int32_t stakeholder) {
  return layout(pl).npv + stakeholder;
}
int32_t cs_psa_met_crit(const cs_plan *pl, int32_t crit) { return layout(pl).crit + crit; }
int32_t cs_psa_met_crit_short(const cs_plan *pl, int32_t crit) {
  return layout(pl).crit_short + crit;
}
int32_t cs_psa_met_dqaly(const cs_plan *pl) { return layout(pl).dq; }

double cs_psa_share_above0(const cs_psa *p, int32_t sc, int32_t met) {
  int64_t k = 0;
  for (int32_t d = 0; d < p->ndraw; d++)
    k += p->val[cs_psa_ix(p, d, sc, met)] > 0.0;
  return p->ndraw > 0 ? (double)k / p->ndraw : 0.0;
}

/* The shares of one year: term 0 long, 1 short (thr's second index). */
static void shares_term(const cs_plan *pl, const cs_psa *p, int32_t sc, int term, double *subst,
                        double *passes) {
  int64_t npass = 0, n[CS_CRIT_N] = {0};
  for (int32_t d = 0; d < p->ndraw; d++) {
    int any = 0;
    for (int32_t c = 0; c < CS_CRIT_N; c++) {
      int32_t met = term ? cs_psa_met_crit_short(pl, c) : cs_psa_met_crit(pl, c);
      int yes = p->val[cs_psa_ix(p, d, sc, met)] >=
                p->thr[((size_t)d * 2 + (size_t)term) * CS_CRIT_N + c];
      n[c] += yes;
      any |= yes;
    }
    npass += any;
  }
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    subst[c] = p->ndraw > 0 ? (double)n[c] / p->ndraw : 0.0;
  *passes = p->ndraw > 0 ? (double)npass / p->ndraw : 0.0;
}

cs_psa_share cs_psa_shares(const cs_plan *pl, const cs_psa *p, int32_t sc) {
  cs_psa_share out;
  shares_term(pl, p, sc, 0, out.substantial, &out.passes);
  shares_term(pl, p, sc, 1, out.substantial_short, &out.passes_short);
  return out;
}

/* The metrics of scenario i of one draw. */
static void metrics(const cs_plan *pl, const cs_results *r, const cs_econ *e, int32_t i,
                    double *out) {
  met_layout m = layout(pl);
  int32_t yc = pl->crit_year - pl->T0, ys = pl->crit_short_year - pl->T0;
  for (int32_t p = 0; p <= pl->npayer; p++)
    out[m.npv + p] = e->npv[(size_t)i * e->nst + p];
  for (int32_t p = 0; p < pl->npayer; p++) {
    double d = 0.0;
    for (int32_t y = 0; y < r->ny; y++)
      d += r->payer_care[cs_ix_sy(r, i, y) * r->np + p] -
           r->payer_care[cs_ix_sy(r, 0, y) * r->np + p] +
           r->payer_impl[cs_ix_sy(r, i, y) * r->np + p];
    out[m.dcost + p] = d;
  }
  out[m.dq] = e->dqaly[i];
  out[m.dly] = e->dly[i];
  for (int32_t c = 0; c < CS_CRIT_N; c++) {
    out[m.crit + c] = e->crit[cs_ix_sy(r, i, yc) * CS_CRIT_N + c];
    out[m.crit_short + c] = e->crit[cs_ix_sy(r, i, ys) * CS_CRIT_N + c];
  }
  for (int32_t g = 0; g < pl->ngroup; g++) {
    double gap = 0.0;
    for (int32_t q = 0; q < r->nr; q++) {
      size_t k = (cs_ix_sy(r, i, yc) * r->nr + q) * r->ng + g;
      gap += r->wf_dem[k] - r->wf_sup[k];
    }
    out[m.gap + g] = gap;
  }
}

/* ---- workers ---- */

typedef struct {
  const cs_plan *pl;
  const cs_psa_options *opt;
  cs_psa *out;
  const uint64_t *stream; /* [ndist] Philox stream of each distribution */
  int64_t njob, last;     /* this process's jobs (its block), and the end of the block */
  atomic_llong next;      /* the next job to take: threads that start late take fewer */
  atomic_llong done;
  atomic_llong bad;
} shared_t;

typedef struct {
  shared_t *sh;
  int32_t tid;
  cs_status st;
} worker_t;

/* One worker's private model: everything a draw needs, allocated once. */
typedef struct {
  cs_arena ar;
  double *theta;
  cs_params pm;
  cs_scen *sc;
  int32_t nsc;
  cs_results r;
  cs_work w;
  cs_econ ec;
  double *cov_pop; /* [narea][sex][age] the population the scenarios' coverage was computed for */
} wmodel;

static cs_status wmodel_init(const cs_plan *pl, wmodel *m) {
  cs_arena_init(&m->ar);
  m->theta = CS_ALLOC(&m->ar, pl->ndist + 1, double);
  if (!m->theta) return CS_ENOMEM;
  for (int32_t i = 0; i < pl->ndist; i++)
    m->theta[i] = pl->dists[i].mean;
  cs_status st = cs_params_build(pl, m->theta, &m->ar, &m->pm);
  if (st != CS_OK) return st;
  if ((m->nsc = cs_scen_build(pl, &m->pm, &m->ar, &m->sc)) < 0) return CS_ENOMEM;
  size_t npop = (size_t)pl->narea * CS_NSEX * CS_NAGE;
  if (!(m->cov_pop = CS_ALLOC(&m->ar, npop, double))) return CS_ENOMEM;
  memcpy(m->cov_pop, m->pm.pop, npop * sizeof(double));
  if ((st = cs_results_alloc(pl, m->nsc, 0, &m->ar, &m->r)) != CS_OK) return st;
  if ((st = cs_work_alloc(pl, &m->pm, m->nsc, &m->ar, &m->w)) != CS_OK) return st;
  return cs_econ_alloc(&m->r, &m->ar, &m->ec);
}

int64_t cs_psa_draw_theta(const cs_plan *pl, uint64_t seed, const uint64_t *stream, int64_t d,
                          double *theta) {
  int64_t bad = 0;
  for (int32_t i = 0; i < pl->ndist; i++) {
    theta[i] = pl->dists[i].mean;
    if (d == 0 || pl->dists[i].kind == CS_DIST_FIXED) continue;
    double v = cs_dist_quantile(&pl->dists[i], cs_psa_uniform(seed, (uint64_t)d, stream[i]));
    if (isfinite(v))
      theta[i] = v;
    else
      bad++;
  }
  return bad;
}

/* theta of job j: a draw (j < ndraw), or a tornado run (a parameter at 2.5 or 97.5 %). */
static int64_t job_theta(shared_t *sh, int64_t j, double *theta) {
  const cs_plan *pl = sh->pl;
  int64_t bad = 0;
  for (int32_t i = 0; i < pl->ndist; i++)
    theta[i] = pl->dists[i].mean;
  if (j < sh->out->ndraw) return cs_psa_draw_theta(pl, sh->opt->seed, sh->stream, j, theta);
  int64_t t = j - sh->out->ndraw;
  int32_t i = sh->out->par[t / 2];
  double v = cs_dist_quantile(&pl->dists[i], t % 2 ? 0.975 : 0.025);
  if (isfinite(v))
    theta[i] = v;
  else
    bad++;
  return bad;
}

double *cs_psa_job_metrics(const cs_psa *p, int64_t j) {
  if (j < p->ndraw) return p->val + cs_psa_ix(p, (int32_t)j, 0, 0);
  int64_t t = j - p->ndraw;
  return (t % 2 ? p->hi : p->lo) + (size_t)(t / 2) * p->nsc * p->nmet;
}

double *cs_psa_job_thresholds(const cs_psa *p, int64_t j) {
  return j < p->ndraw ? p->thr + (size_t)j * 2 * CS_CRIT_N : NULL;
}

static void job_run(shared_t *sh, wmodel *m, int64_t j) {
  const cs_plan *pl = sh->pl;
  cs_psa *o = sh->out;
  atomic_fetch_add(&sh->bad, job_theta(sh, j, m->theta));
  cs_params_fill(pl, m->theta, &m->pm);
  /* the coverage depends on the drawn population alone: the same population, the same bits */
  size_t npop = (size_t)pl->narea * CS_NSEX * CS_NAGE * sizeof(double);
  if (memcmp(m->cov_pop, m->pm.pop, npop) != 0) {
    cs_scen_coverage(pl, &m->pm, m->sc, m->nsc);
    memcpy(m->cov_pop, m->pm.pop, npop);
  }
  cs_kernel(pl, &m->pm, m->sc, m->nsc, &m->w, &m->r);
  cs_econ_fill_metrics(pl, &m->r, &m->ec); /* (what metrics and the thresholds read) */
  double *dst = cs_psa_job_metrics(o, j);
  for (int32_t i = 1; i < m->nsc; i++)
    metrics(pl, &m->r, &m->ec, i, dst + (size_t)i * o->nmet);
  /* a threshold relative to the baseline moves with the draw */
  double *t = cs_psa_job_thresholds(o, j);
  if (t) {
    memcpy(t, m->ec.threshold + (size_t)(pl->crit_year - pl->T0) * CS_CRIT_N,
           CS_CRIT_N * sizeof(double));
    memcpy(t + CS_CRIT_N, m->ec.threshold + (size_t)(pl->crit_short_year - pl->T0) * CS_CRIT_N,
           CS_CRIT_N * sizeof(double));
  }
}

static void *worker(void *arg) {
  worker_t *wk = arg;
  shared_t *sh = wk->sh;
  wmodel m;
  wk->st = wmodel_init(sh->pl, &m);
  /* Jobs are handed out one by one; which thread computes a draw does not matter, since a
   * draw depends only on (seed, draw, stream). */
  for (int64_t j; wk->st == CS_OK && (j = atomic_fetch_add(&sh->next, 1)) < sh->last;) {
    if (sh->opt->cancel && *sh->opt->cancel) {
      wk->st = CS_ECANCELED;
      break;
    }
    job_run(sh, &m, j);
    int64_t done = atomic_fetch_add(&sh->done, 1) + 1;
    if (wk->tid == 0 && sh->opt->progress) sh->opt->progress(sh->opt->progress_ctx, done, sh->njob);
  }
  cs_arena_release(&m.ar);
  return NULL;
}

static cs_status psa_alloc(const cs_plan *pl, const cs_psa_options *opt, cs_arena *ar, cs_psa *o) {
  memset(o, 0, sizeof *o);
  o->ndraw = opt->draws;
  o->nsc = 2 + pl->nscen + pl->ntheme;
  if ((o->nmet = cs_psa_metrics(pl, ar, &o->met)) < 0) return CS_ENOMEM;
  o->par = CS_ALLOC(ar, pl->ndist + 1, int32_t);
  if (!o->par) return CS_ENOMEM;
  if (opt->tornado)
    for (int32_t i = 0; i < pl->ndist; i++)
      if (pl->dists[i].kind != CS_DIST_FIXED) o->par[o->npar++] = i;
  size_t per = (size_t)o->nsc * o->nmet;
  o->val = CS_ALLOC(ar, per * o->ndraw + 1, double);
  o->thr = CS_ALLOC(ar, (size_t)o->ndraw * 2 * CS_CRIT_N + 1, double);
  o->lo = CS_ALLOC(ar, per * o->npar + 1, double);
  o->hi = CS_ALLOC(ar, per * o->npar + 1, double);
  return o->val && o->thr && o->lo && o->hi ? CS_OK : CS_ENOMEM;
}

cs_status cs_psa_run(const cs_plan *pl, const cs_psa_options *opt, cs_arena *ar, cs_psa *out) {
  cs_status st = psa_alloc(pl, opt, ar, out);
  uint64_t *stream = NULL;
  if (st == CS_OK) st = cs_psa_streams(pl, ar, &stream);
  if (st != CS_OK) return st;
  int64_t all = cs_psa_njob(out), first = cs_psa_part_first(all, opt->part, opt->nparts);
  int64_t last = cs_psa_part_first(all, opt->part + 1, opt->nparts);
  shared_t sh = {
      .pl = pl, .opt = opt, .out = out, .stream = stream, .njob = last - first, .last = last};
  atomic_init(&sh.next, first);
  atomic_init(&sh.done, 0);
  atomic_init(&sh.bad, 0);
  int32_t n = cs_thread_count(opt->threads < 1 ? 1 : opt->threads, sh.njob);
  worker_t wk[CS_MAX_THREADS];
  pthread_t th[CS_MAX_THREADS];
  /* The calling thread is worker 0. When the system refuses a thread, the ones that did
   * start take its jobs: fewer threads, the same results. */
  int32_t started = 1;
  wk[0] = (worker_t){&sh, 0, CS_OK};
  for (int32_t t = 1; t < n; t++) {
    wk[t] = (worker_t){&sh, t, CS_OK};
    if (pthread_create(&th[t], NULL, worker, &wk[t]) != 0) break;
    started++;
  }
  out->threads = started;
  worker(&wk[0]);
  for (int32_t t = 1; t < started; t++)
    pthread_join(th[t], NULL);
  for (int32_t t = 0; t < started; t++)
    if (wk[t].st != CS_OK) return wk[t].st;
  if (opt->progress) opt->progress(opt->progress_ctx, sh.njob, sh.njob);
  out->bad_quantiles = atomic_load(&sh.bad);
  return CS_OK;
}
