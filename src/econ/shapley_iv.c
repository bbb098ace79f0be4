/* shapley_iv.c: what each intervention contributes to the plan (docs/model.md section 7,
 * v0.2). Exact Shapley values need the plan run with every subset of its interventions
 * (2^n runs); beyond CS_IVSHAP_AUTO_EXACT interventions (or when the plan asks) they are
 * estimated from K random orders of the interventions: in each order, an intervention's
 * marginal contribution is the metric with the interventions before it and itself on minus
 * the metric with only those before it on. The mean over the K orders is an unbiased
 * estimate of its Shapley value, with standard error sd / sqrt(K); in every order the
 * contributions add up to v(all) - v(none), so the estimates add up to the plan's value
 * exactly, like the exact values. */
#include "econ.h"

#include <math.h>
#include <string.h>

/* Scenarios run at once: bounds the memory of the results while keeping the kernel's
 * lockstep over scenarios. */
#define BATCH 32

/* The intervention metrics: the theme metrics, then savings:<stakeholder> and
 * investment:<stakeholder> (payers, then total). */
int32_t cs_ivshap_nmet(const cs_plan *pl) { return cs_shapley_nmet(pl) + 2 * (pl->npayer + 1); }

static void iv_metrics(const cs_plan *pl, const cs_results *r, const cs_econ *e, int32_t m,
                       double *out) {
  int32_t nst = e->nst, k = cs_shapley_nmet(pl);
  cs_shapley_metrics(pl, r, e, m, out);
  for (int32_t p = 0; p < nst; p++) {
    out[k + p] = e->sav[(size_t)m * nst + p];
    out[k + nst + p] = e->inv[(size_t)m * nst + p];
  }
}

/* The metrics v[i] of n sets of interventions on[i] ([n][niv], 1 = on), with the plan's
 * subregions and no delay: batches of up to BATCH sets (fewer in a plan of many areas:
 * cs_run_batch), each after a baseline, in parallel; with several processes this one's block of
 * the batches, the others' rows brought in by opt->share. */
typedef struct {
  const cs_plan *pl;
  const cs_params *pm;
  const volatile sig_atomic_t *cancel; /* NULL, or the caller's flag: checked per batch */
  const uint8_t *on;
  int32_t n, nrun; /* sets, runs */
  int32_t r0;      /* this process's first run */
  double *v;
  cs_econ_ws *ws; /* [workers] each worker's run, kept between its batches */
} sets_t;

typedef struct {
  const cs_plan *pl;
  double *v; /* the batch's first set's metrics */
  int32_t nb;
} batch_out;

static void take_batch(void *ctx, const cs_results *r, const cs_econ *e) {
  const batch_out *o = ctx;
  int32_t M = cs_ivshap_nmet(o->pl);
  for (int32_t i = 0; i < o->nb; i++)
    iv_metrics(o->pl, r, e, i + 1, o->v + (size_t)i * M);
}

/* The first of n sets in run r of nrun: runs of sizes that differ by at most one (as
 * cs_batch_get); n at r = nrun. */
static int32_t first_set(int32_t n, int32_t nrun, int32_t r) {
  int32_t base = n / nrun, extra = n % nrun;
  return r * base + (r < extra ? r : extra);
}

static cs_status eval_batch(void *ctx, int64_t b, int32_t worker) {
  const sets_t *x = ctx;
  const cs_plan *pl = x->pl;
  if (x->cancel && *x->cancel) return CS_ECANCELED;
  /* x->nrun runs of sizes that differ by at most one (as cs_batch_get) */
  int32_t r = (int32_t)b + x->r0, i0 = first_set(x->n, x->nrun, r);
  int32_t nb = first_set(x->n, x->nrun, r + 1) - i0;
  cs_arena tmp;
  cs_arena_init(&tmp);
  cs_scen *sc = cs_scen_sets(pl, x->on + (size_t)i0 * pl->niv, nb, &tmp);
  cs_status st = CS_ENOMEM;
  if (sc) {
    cs_scen_coverage(pl, x->pm, sc, nb + 1);
    batch_out o = {pl, x->v + (size_t)i0 * cs_ivshap_nmet(pl), nb};
    st = cs_econ_run(pl, x->pm, sc, nb + 1, &x->ws[worker], take_batch, &o);
  }
  cs_arena_release(&tmp);
  return st;
}

/* Several processes: every process's status, and the rows of each block of runs into
 * process 0's v. Called by every process, also when its own part failed (rows NULL then). */
static cs_status share_rows(const cs_ivshap_opt *opt, cs_status st, double *v, int32_t n,
                            int32_t nrun) {
  int32_t np = opt->nparts, *rows = cs_calloc((size_t)np + 1, sizeof *rows);
  if (!rows && st == CS_OK) st = CS_ENOMEM;
  for (int32_t p = 0; rows && p <= np; p++)
    rows[p] = first_set(n, nrun, (int32_t)cs_part_first(nrun, p, np));
  st = opt->share(opt->share_ctx, st, v, cs_ivshap_nmet(opt->pl), st == CS_OK ? rows : NULL);
  cs_free(rows);
  return st;
}

static cs_status eval_sets(const cs_ivshap_opt *opt, const uint8_t *on, int32_t n, double *v) {
  int32_t per = cs_run_batch(opt->pl, BATCH), nrun = (n + per - 1) / per;
  int32_t np = opt->share ? opt->nparts : 1, me = opt->share ? opt->part : 0;
  int32_t r0 = (int32_t)cs_part_first(nrun, me, np), r1 = (int32_t)cs_part_first(nrun, me + 1, np);
  int32_t nw = cs_thread_count(opt->threads, r1 > r0 ? r1 - r0 : 1);
  sets_t x = {.pl = opt->pl, .pm = opt->pm, .cancel = opt->cancel, .on = on, .n = n};
  x.nrun = nrun, x.r0 = r0, x.v = v, x.ws = cs_calloc((size_t)nw, sizeof(cs_econ_ws));
  cs_status st = !x.ws     ? CS_ENOMEM
                 : r1 > r0 ? cs_parallel_for_w(nw, r1 - r0, eval_batch, &x)
                           : CS_OK;
  for (int32_t t = 0; x.ws && t < nw; t++)
    cs_econ_ws_free(&x.ws[t]);
  cs_free(x.ws);
  return opt->share ? share_rows(opt, st, v, n, nrun) : st;
}

/* Only process 0 (or the only one) combines the runs into values. */
static int combines(const cs_ivshap_opt *opt) { return !opt->share || opt->part == 0; }

static int popcount(uint32_t m) {
  int n = 0;
  for (; m; m &= m - 1)
    n++;
  return n;
}

/* Exact values over the 2^n subsets (n <= CS_IVSHAP_MAX_EXACT). */
static cs_status exact(const cs_ivshap_opt *opt, cs_arena *ar, cs_shapley *o) {
  const cs_plan *pl = opt->pl;
  int32_t n = pl->niv, M = o->iv_nmet, ns = 1 << n;
  uint8_t *on = CS_ALLOC(ar, (size_t)ns * n, uint8_t);
  double *v = CS_ALLOC(ar, (size_t)ns * M, double);
  if (!on || !v) return CS_ENOMEM;
  for (int32_t m = 0; m < ns; m++)
    for (int32_t i = 0; i < n; i++)
      on[(size_t)m * n + i] = (uint8_t)(m >> i & 1);
  cs_status st = eval_sets(opt, on, ns, v);
  if (st != CS_OK) return st;
  for (int32_t i = 0; i < n && combines(opt); i++)
    for (int32_t m = 0; m < ns; m++) {
      if (m >> i & 1) continue;
      double wgt = cs_shapley_weight(popcount((uint32_t)m), n);
      for (int32_t k = 0; k < M; k++)
        o->iv_phi[(size_t)i * M + k] +=
            wgt * (v[(size_t)(m | 1 << i) * M + k] - v[(size_t)m * M + k]);
    }
  memcpy(o->iv_total, v + (size_t)(ns - 1) * M, (size_t)M * sizeof(double));
  o->iv_runs = ns;
  return CS_OK;
}

/* Order k of the n interventions: a Fisher-Yates shuffle whose step i (n-1 down to 1) swaps
 * position i with floor(u * (i + 1)), u = cs_rand_u01(seed, k, stream + i). */
static void order(uint64_t seed, uint64_t k, int32_t n, int32_t *perm) {
  uint64_t stream = cs_hash_fnv1a("economics.intervention_shapley");
  for (int32_t i = 0; i < n; i++)
    perm[i] = i;
  for (int32_t i = n - 1; i >= 1; i--) {
    int32_t j = (int32_t)(cs_rand_u01(seed, k, stream + (uint64_t)i) * (i + 1));
    if (j > i) j = i; /* u < 1, so never; kept against rounding */
    int32_t t = perm[i];
    perm[i] = perm[j], perm[j] = t;
  }
}

/* Welford's running mean and sum of squared deviations of each intervention's marginal
 * contributions, one order at a time: sets[j] holds the first j + 1 of perm on. */
static void add_order(int32_t n, int32_t M, const int32_t *perm, const double *v0, const double *vp,
                      const double *vall, double count, double *mean, double *m2) {
  for (int32_t j = 0; j < n; j++) {
    const double *lo = j ? vp + (size_t)(j - 1) * M : v0,
                 *hi = j < n - 1 ? vp + (size_t)j * M : vall;
    double *mu = mean + (size_t)perm[j] * M, *s2 = m2 + (size_t)perm[j] * M;
    for (int32_t k = 0; k < M; k++) {
      double c = hi[k] - lo[k], d = c - mu[k];
      mu[k] += d / count;
      s2[k] += d * (c - mu[k]);
    }
  }
}

/* Sampled values from K orders, CHUNK orders at a time: each order needs its n - 1 proper
 * prefixes run; the empty and full sets are run once. */
#define CHUNK 64
static cs_status sampled(const cs_ivshap_opt *opt, cs_arena *ar, cs_shapley *o) {
  const cs_plan *pl = opt->pl;
  int32_t n = pl->niv, M = o->iv_nmet, K = pl->ivshap_perms, np = n - 1;
  size_t rows = (size_t)CHUNK * (np > 2 ? np : 2);
  uint8_t *on = CS_ALLOC(ar, rows * n, uint8_t);
  double *ends = CS_ALLOC(ar, (size_t)2 * M, double), *vp = CS_ALLOC(ar, rows * M, double);
  double *m2 = CS_ALLOC(ar, (size_t)n * M, double);
  int32_t *perm = CS_ALLOC(ar, (size_t)CHUNK * n, int32_t);
  if (!on || !ends || !vp || !m2 || !perm) return CS_ENOMEM;
  memset(on + n, 1, (size_t)n); /* none, then all */
  cs_status st = eval_sets(opt, on, 2, ends);
  for (int32_t k0 = 0; k0 < K && st == CS_OK; k0 += CHUNK) {
    int32_t nk = K - k0 < CHUNK ? K - k0 : CHUNK;
    memset(on, 0, (size_t)nk * np * n);
    for (int32_t k = 0; k < nk; k++) {
      int32_t *pk = perm + (size_t)k * n;
      order(opt->seed, (uint64_t)(k0 + k), n, pk);
      for (int32_t j = 0; j < np; j++)
        for (int32_t i = 0; i <= j; i++)
          on[((size_t)k * np + j) * n + pk[i]] = 1;
    }
    if (np > 0) st = eval_sets(opt, on, nk * np, vp);
    /* in order k: the same sums on any threads */
    for (int32_t k = 0; k < nk && st == CS_OK && combines(opt); k++)
      add_order(n, M, perm + (size_t)k * n, ends, vp + (size_t)k * np * M, ends + M, k0 + k + 1.0,
                o->iv_phi, m2);
  }
  if (st != CS_OK) return st;
  for (size_t i = 0; i < (size_t)n * M; i++)
    o->iv_se[i] = K > 1 ? sqrt(m2[i] / (K - 1.0) / K) : NAN;
  memcpy(o->iv_total, ends + M, (size_t)M * sizeof(double));
  o->iv_perms = K;
  o->iv_runs = 2 + (int64_t)K * np;
  return CS_OK;
}

int cs_ivshap_wanted(const cs_plan *pl) { return pl->ivshap_mode != CS_IVSHAP_NONE && pl->niv > 0; }

cs_status cs_ivshap_compute(const cs_ivshap_opt *opt, cs_arena *ar, cs_shapley *out) {
  const cs_plan *pl = opt->pl;
  int32_t n = pl->niv;
  cs_ivshap_mode mode = pl->ivshap_mode;
  if (mode == CS_IVSHAP_AUTO)
    mode = n <= CS_IVSHAP_AUTO_EXACT ? CS_IVSHAP_EXACT : CS_IVSHAP_SAMPLED;
  if (mode == CS_IVSHAP_NONE || n == 0) return CS_OK;
  out->iv_nmet = cs_ivshap_nmet(pl);
  out->iv_phi = CS_ALLOC(ar, (size_t)n * out->iv_nmet, double);
  out->iv_se = CS_ALLOC(ar, (size_t)n * out->iv_nmet, double);
  out->iv_total = CS_ALLOC(ar, (size_t)out->iv_nmet, double);
  if (!out->iv_phi || !out->iv_se || !out->iv_total) return CS_ENOMEM;
  cs_status st = mode == CS_IVSHAP_EXACT ? exact(opt, ar, out) : sampled(opt, ar, out);
  if (st == CS_OK && combines(opt)) out->iv_n = n; /* the other processes hold no values */
  return st;
}
