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

/* The metrics attributed: NPV per stakeholder, each criterion in the long-term year, QALYs. */
int32_t cs_shapley_nmet(const cs_plan *pl) { return pl->npayer + 1 + CS_CRIT_N + 1; }

static void subset_metrics(const cs_plan *pl, const cs_results *r, const cs_econ *e, int32_t m,
                           double *out) {
  int32_t nst = e->nst, yl = pl->crit_year - pl->T0, k = 0;
  for (int32_t p = 0; p < nst; p++)
    out[k++] = e->npv[(size_t)m * nst + p];
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    out[k++] = e->crit[cs_ix_sy(r, m, yl) * CS_CRIT_N + c];
  out[k] = e->dqaly[m];
}

static double weight(int32_t size, int32_t T) { /* |S|! (T - |S| - 1)! / T! */
  return exp(lgamma(size + 1.0) + lgamma((double)(T - size)) - lgamma(T + 1.0));
}

static int popcount(uint32_t m) {
  int n = 0;
  for (; m; m &= m - 1)
    n++;
  return n;
}

cs_status cs_shapley_compute(const cs_plan *pl, const cs_params *pm, cs_arena *ar,
                             cs_shapley *out) {
  memset(out, 0, sizeof *out);
  cs_scen *sc = NULL;
  int32_t n = cs_scen_subsets(pl, pm, ar, &sc), T = pl->ntheme, M = cs_shapley_nmet(pl);
  if (n < 0) return CS_ENOMEM;
  if (n == 0 || T == 0) return CS_OK; /* too many themes for exact values: none */
  cs_results r;
  cs_work w;
  cs_econ e;
  cs_status st = cs_results_alloc(pl, n, 0, ar, &r);
  if (st == CS_OK) st = cs_work_alloc(pl, pm, n, ar, &w);
  if (st == CS_OK) st = cs_econ_alloc(&r, ar, &e);
  double *v = CS_ALLOC(ar, (size_t)n * M, double);
  out->phi = CS_ALLOC(ar, (size_t)T * M, double);
  out->loo = CS_ALLOC(ar, (size_t)T * M, double);
  out->total = CS_ALLOC(ar, (size_t)M, double);
  if (st != CS_OK || !v || !out->phi || !out->loo || !out->total) return CS_ENOMEM;
  cs_kernel(pl, pm, sc, n, &w, &r);
  cs_econ_fill(pl, &r, &e);
  for (int32_t m = 0; m < n; m++)
    subset_metrics(pl, &r, &e, m, v + (size_t)m * M);
  uint32_t all = (uint32_t)n - 1;
  for (int32_t t = 0; t < T; t++)
    for (uint32_t m = 0; m <= all; m++) {
      if (m >> t & 1) continue;
      double wgt = weight(popcount(m), T);
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
