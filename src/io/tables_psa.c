/* tables_psa.c: the PSA tables of docs/outputs.md, present only when the run has draws:
 * every draw's headline metrics, their summaries, probabilities, the acceptability curve and
 * the tornado ranking (statistics from psa_stats.c, computed once per run). */
#include "tables.h"

static int has_psa(const cs_view *v) { return v->psa != NULL; }

/* Scenarios of the draws other than the baseline. */
static int64_t psa_nsc(const cs_view *v) { return v->psa->nsc - 1; }

/* ---- psa_draws ---- */
static const cs_column draws_cols[] = {CS_KEY("draw", CS_INT), CS_KEY("scenario", CS_TEXT),
                                       CS_KEY("metric", CS_TEXT),
                                       CS_VAL("value", CS_REAL, "the metric's")};

static int64_t draws_n(const cs_view *v) {
  return (int64_t)v->psa->ndraw * psa_nsc(v) * v->psa->nmet;
}

static void draws_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_psa *p = v->psa;
  int32_t m = cs_digit(&i, p->nmet), s = 1 + cs_digit(&i, psa_nsc(v)), d = (int32_t)i;
  o[0] = cs_vi(d), o[1] = cs_vs(v->sc[s].id), o[2] = cs_vs(p->met[m]);
  o[3] = cs_vd(p->val[cs_psa_ix(p, d, s, m)]);
}

const cs_tabledef cs_tab_psa_draws = {
    "psa_draws",
    "every draw's headline metrics (draw 0: every uncertain number at its mean)",
    CS_NCOL(draws_cols),
    draws_cols,
    0,
    has_psa,
    draws_n,
    draws_row};

/* ---- psa_summary ---- */
static const cs_column summary_cols[] = {CS_KEY("scenario", CS_TEXT),
                                         CS_KEY("metric", CS_TEXT),
                                         CS_VAL("mean", CS_REAL, "the metric's"),
                                         CS_VAL("sd", CS_REAL, "the metric's"),
                                         CS_VAL("p2_5", CS_REAL, "the metric's"),
                                         CS_VAL("p50", CS_REAL, "the metric's"),
                                         CS_VAL("p97_5", CS_REAL, "the metric's")};

static int64_t summary_n(const cs_view *v) { return psa_nsc(v) * v->psa->nmet; }

static void summary_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_psa *p = v->psa;
  int32_t m = cs_digit(&i, p->nmet), s = 1 + (int32_t)i;
  const double *st = v->ps->stat + ((size_t)s * p->nmet + (size_t)m) * CS_PSA_STAT_N;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(p->met[m]);
  for (int k = 0; k < CS_PSA_STAT_N; k++)
    o[2 + k] = cs_vd(st[k]);
}

const cs_tabledef cs_tab_psa_summary = {
    "psa_summary",
    "mean, sd and 2.5/50/97.5 percentiles of each headline metric over the draws",
    CS_NCOL(summary_cols),
    summary_cols,
    1,
    has_psa,
    summary_n,
    summary_row};

/* ---- psa_probabilities: npv>0 per stakeholder, each criterion substantial, passes ---- */
static const cs_column prob_cols[] = {CS_KEY("scenario", CS_TEXT), CS_KEY("what", CS_TEXT),
                                      CS_VAL("probability", CS_REAL, "share")};

static int64_t prob_n(const cs_view *v) { return psa_nsc(v) * v->nprob; }

static void prob_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_plan *pl = v->pl;
  int32_t j = cs_digit(&i, v->nprob), s = 1 + (int32_t)i;
  double pr;
  if (j <= pl->npayer) {
    pr = cs_psa_share_above0(v->psa, s, cs_psa_met_npv(pl, j));
  } else {
    cs_psa_share sh = cs_psa_shares(pl, v->psa, s);
    int32_t c = j - pl->npayer - 1, term = c > CS_CRIT_N; /* as view_prob_labels */
    if (term) c -= CS_CRIT_N + 1;
    if (term)
      pr = c < CS_CRIT_N ? sh.substantial_short[c] : sh.passes_short;
    else
      pr = c < CS_CRIT_N ? sh.substantial[c] : sh.passes;
  }
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(v->prob_what[j]), o[2] = cs_vd(pr);
}

const cs_tabledef cs_tab_psa_probabilities = {
    "psa_probabilities",
    "share of the draws with NPV > 0, each criterion substantial, and passing",
    CS_NCOL(prob_cols),
    prob_cols,
    1,
    has_psa,
    prob_n,
    prob_row};

/* ---- ceac: P(total NPV + value * delta QALYs > 0) ---- */
static const cs_column ceac_cols[] = {CS_KEY("scenario", CS_TEXT),
                                      CS_KEY("value_per_qaly", CS_REAL),
                                      CS_VAL("probability_cost_effective", CS_REAL, "share")};

static int64_t ceac_n(const cs_view *v) { return psa_nsc(v) * CS_CEAC_N; }

static void ceac_row(const cs_view *v, int64_t i, cs_value *o) {
  int32_t k = cs_digit(&i, CS_CEAC_N), s = 1 + (int32_t)i;
  double lam = k * CS_CEAC_STEP;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vd(lam), o[2] = cs_vd(cs_psa_ceac(v->pl, v->psa, s, lam));
}

const cs_tabledef cs_tab_ceac = {
    "ceac",
    "cost-effectiveness acceptability curve: P(cost-effective) per value of a QALY",
    CS_NCOL(ceac_cols),
    ceac_cols,
    1,
    has_psa,
    ceac_n,
    ceac_row};

/* ---- tornado: one-way sensitivity, widest swing first within each (scenario, metric) ---- */
static const cs_column tornado_cols[] = {
    CS_KEY("scenario", CS_TEXT), CS_KEY("metric", CS_TEXT), CS_KEY("parameter", CS_TEXT),
    CS_VAL("low", CS_REAL, "the metric's"), CS_VAL("high", CS_REAL, "the metric's")};

static int64_t tornado_n(const cs_view *v) { return psa_nsc(v) * v->psa->nmet * v->psa->npar; }

static void tornado_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_psa *p = v->psa;
  int32_t r = cs_digit(&i, p->npar), m = cs_digit(&i, p->nmet), s = 1 + (int32_t)i;
  size_t at = (size_t)s * p->nmet + (size_t)m, per = (size_t)p->nsc * p->nmet;
  int32_t k = v->ps->order[at * p->npar + r];
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(p->met[m]), o[2] = cs_vs(v->pl->dists[p->par[k]].label);
  o[3] = cs_vd(p->lo[(size_t)k * per + at]), o[4] = cs_vd(p->hi[(size_t)k * per + at]);
}

const cs_tabledef cs_tab_tornado = {
    "tornado",
    "one-way sensitivity: each metric with one parameter at its 2.5 and 97.5 percentile",
    CS_NCOL(tornado_cols),
    tornado_cols,
    1,
    has_psa,
    tornado_n,
    tornado_row};
