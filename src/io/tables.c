/* tables.c: the list of table descriptors, what they need derived from a run (cs_view), and
 * the one loop that writes them to every sink. */
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The order in which the tables are written (and listed by cs_run_table). */
static const cs_tabledef *const TABLES[] = {&cs_tab_demography,
                                            &cs_tab_care,
                                            &cs_tab_payers,
                                            &cs_tab_workforce,
                                            &cs_tab_health,
                                            &cs_tab_population,
                                            &cs_tab_interventions,
                                            &cs_tab_implementation,
                                            &cs_tab_business_case,
                                            &cs_tab_business_case_subregion,
                                            &cs_tab_budget_impact,
                                            &cs_tab_discount_rates,
                                            &cs_tab_business_case_insurer,
                                            &cs_tab_theme_roi,
                                            &cs_tab_intervention_costs,
                                            &cs_tab_wrong_pocket,
                                            &cs_tab_wrong_pocket_intervention,
                                            &cs_tab_health_economics,
                                            &cs_tab_totals,
                                            &cs_tab_criteria,
                                            &cs_tab_criteria_subregion,
                                            &cs_tab_staff,
                                            &cs_tab_shapley,
                                            &cs_tab_shapley_intervention,
                                            &cs_tab_intervention_roi,
                                            &cs_tab_resources,
                                            &cs_tab_psa_draws,
                                            &cs_tab_psa_summary,
                                            &cs_tab_psa_probabilities,
                                            &cs_tab_ceac,
                                            &cs_tab_tornado,
                                            &cs_tab_reforecast,
                                            &cs_tab_reforecast_actuals,
                                            &cs_tab_run_info,
                                            &cs_tab_inputs,
                                            &cs_tab_areas,
                                            &cs_tab_sectors,
                                            &cs_tab_milestones,
                                            &cs_tab_themes};

size_t cs_tabledef_count(void) { return sizeof TABLES / sizeof *TABLES; }

const cs_tabledef *cs_tabledef_get(size_t i) { return i < cs_tabledef_count() ? TABLES[i] : NULL; }

/* ---- resources.csv: fte per year of each line's span, euro in its year, summed per key ---- */
static int res_cmp(const void *pa, const void *pb) {
  const cs_resrow *a = pa, *b = pb;
  int c = strcmp(a->org, b->org);
  if (!c) c = strcmp(a->role, b->role);
  if (!c) c = (a->year > b->year) - (a->year < b->year);
  return c;
}

/* Sums rows with equal keys in place (rows sorted); returns how many remain. */
static int64_t res_merge(cs_resrow *rows, int64_t n) {
  int64_t m = 0;
  for (int64_t i = 0; i < n; i++) {
    if (m > 0 && res_cmp(&rows[m - 1], &rows[i]) == 0) {
      rows[m - 1].fte += rows[i].fte;
      rows[m - 1].euro += rows[i].euro;
    } else {
      rows[m++] = rows[i];
    }
  }
  return m;
}

static cs_status view_resources(cs_view *v, cs_arena *ar) {
  const cs_plan *pl = v->pl;
  size_t cap = 1;
  for (int32_t i = 0; i < pl->niv; i++)
    cap += (size_t)pl->ivs[i].nresource * ((size_t)pl->nyear + 1);
  cs_resrow *rows = cs_arena_calloc(ar, cap, sizeof *rows);
  if (!rows) return CS_ENOMEM;
  int64_t n = 0;
  for (int32_t i = 0; i < pl->niv; i++)
    for (int32_t j = 0; j < pl->ivs[i].nresource; j++) {
      const cs_resource *rs = &pl->ivs[i].resources[j];
      if (rs->fte != 0.0)
        for (int32_t t = rs->from; t <= rs->to; t++)
          rows[n++] = (cs_resrow){rs->organisation, rs->role, t, rs->fte, 0.0};
      if (rs->euro != 0.0)
        rows[n++] = (cs_resrow){rs->organisation, rs->role, rs->year, 0.0, rs->euro};
    }
  qsort(rows, (size_t)n, sizeof *rows, res_cmp);
  v->res = rows;
  v->nres = res_merge(rows, n);
  return CS_OK;
}

/* psa_probabilities' `what` per row of a scenario: npv>0:<stakeholder>, substantial:<criterion>,
 * passes, then (v0.2) substantial_short_term:<criterion>, passes_short_term. */
static cs_status view_prob_labels(cs_view *v, cs_arena *ar) {
  const cs_plan *pl = v->pl;
  v->nprob = pl->npayer + 1 + 2 * (CS_CRIT_N + 1);
  v->prob_what = cs_arena_calloc(ar, (size_t)v->nprob, sizeof *v->prob_what);
  if (!v->prob_what) return CS_ENOMEM;
  for (int32_t j = 0; j < v->nprob; j++) {
    const char *pre, *id = NULL;
    int32_t c = j - pl->npayer - 1, term = c > CS_CRIT_N; /* c: criterion within a term */
    if (term) c -= CS_CRIT_N + 1;
    if (j <= pl->npayer)
      pre = "npv>0:", id = j < pl->npayer ? pl->payers[j].id : "total";
    else if (c < CS_CRIT_N)
      pre = term ? "substantial_short_term:" : "substantial:", id = cs_crit_name[c];
    else
      pre = term ? "passes_short_term" : "passes";
    size_t n = strlen(pre) + (id ? strlen(id) : 0) + 1; /* ids have no length limit */
    char *s = cs_arena_alloc(ar, n);
    if (!s) return CS_ENOMEM;
    snprintf(s, n, "%s%s", pre, id ? id : "");
    v->prob_what[j] = s;
  }
  return CS_OK;
}

/* A metric name: prefix and id, in ar. */
static const char *met_name(cs_arena *ar, const char *pre, const char *id) {
  size_t n = strlen(pre) + strlen(id) + 1; /* ids have no length limit */
  char *s = cs_arena_alloc(ar, n);
  if (s) snprintf(s, n, "%s%s", pre, id);
  return s;
}

/* shapley.csv's metric names, in cs_shapley's order, and those of shapley_intervention.csv
 * (the same, then savings:<stakeholder> and investment:<stakeholder>). */
static cs_status view_shapley_labels(cs_view *v, cs_arena *ar) {
  const cs_plan *pl = v->pl;
  int32_t M = cs_shapley_nmet(pl), nst = pl->npayer + 1, k = 0;
  v->shap_met = cs_arena_calloc(ar, (size_t)M, sizeof *v->shap_met);
  v->ivshap_met = cs_arena_calloc(ar, (size_t)cs_ivshap_nmet(pl), sizeof *v->ivshap_met);
  if (!v->shap_met || !v->ivshap_met) return CS_ENOMEM;
  for (int32_t p = 0; p < nst; p++)
    v->shap_met[k++] = met_name(ar, "npv:", p < pl->npayer ? pl->payers[p].id : "total");
  static const char *const crit[CS_CRIT_N] = {"criterion:care_use", "criterion:patient_flows",
                                              "criterion:staff", "criterion:real_estate"};
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    v->shap_met[k++] = crit[c];
  v->shap_met[k++] = "delta_qalys";
  static const char *const crit_short[CS_CRIT_N] = {
      "criterion_short_term:care_use", "criterion_short_term:patient_flows",
      "criterion_short_term:staff", "criterion_short_term:real_estate"};
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    v->shap_met[k++] = crit_short[c];
  memcpy(v->ivshap_met, v->shap_met, (size_t)M * sizeof *v->shap_met);
  for (int32_t p = 0; p < nst; p++) {
    const char *id = p < pl->npayer ? pl->payers[p].id : "total";
    v->ivshap_met[M + p] = met_name(ar, "savings:", id);
    v->ivshap_met[M + nst + p] = met_name(ar, "investment:", id);
  }
  for (int32_t i = 0; i < cs_ivshap_nmet(pl); i++)
    if (!v->ivshap_met[i]) return CS_ENOMEM;
  return CS_OK;
}

cs_status cs_view_init(cs_view *v, const cs_plan *pl, const cs_results *r, const cs_econ *ec,
                       const cs_params *pm, const cs_scen *sc, const cs_psa *psa,
                       const cs_psa_stats *ps, const cs_shapley *shap, cs_arena *ar) {
  *v =
      (cs_view){.pl = pl, .r = r, .ec = ec, .pm = pm, .sc = sc, .psa = psa, .ps = ps, .shap = shap};
  cs_status st = view_resources(v, ar);
  if (st == CS_OK) st = view_prob_labels(v, ar);
  if (st == CS_OK) st = view_shapley_labels(v, ar);
  return st == CS_OK ? cs_view_insurers(v, ar) : st;
}

/* ---- writing ---- */
/* Names the first value of a row that should be a finite number and is not. */
static cs_status check_row(const cs_tabledef *t, const cs_value *row, cs_diags *d) {
  for (int c = 0; c < t->ncol; c++) {
    if (!row[c].null || t->cols[c].nullable) continue;
    char key[512] = "";
    for (int k = 0; k < t->ncol; k++) {
      if (!t->cols[k].key) continue;
      size_t n = strlen(key);
      const cs_value *x = &row[k];
      if (t->cols[k].type == CS_TEXT)
        snprintf(key + n, sizeof key - n, "%s%s=%s", n ? ", " : "", t->cols[k].name,
                 x->null ? "" : x->s);
      else if (t->cols[k].type == CS_INT)
        snprintf(key + n, sizeof key - n, "%s%s=%lld", n ? ", " : "", t->cols[k].name,
                 (long long)x->i);
      else
        snprintf(key + n, sizeof key - n, "%s%s=%g", n ? ", " : "", t->cols[k].name, x->d);
    }
    cs_diags_add(d, t->name, 0, 0,
                 "%s is not a finite number at %s (an input far outside its "
                 "plausible range, or a bug: please report it with the plan)",
                 t->cols[c].name, key);
    return CS_EINTERNAL;
  }
  return CS_OK;
}

static cs_status write_table(const cs_tabledef *t, const cs_view *v, cs_sink *const *sinks,
                             int nsink, const volatile sig_atomic_t *cancel, cs_diags *d) {
  cs_value row[CS_TABLE_MAX_COLS];
  if (t->ncol > CS_TABLE_MAX_COLS) return CS_EINTERNAL;
  cs_status st = CS_OK;
  for (int k = 0; k < nsink && st == CS_OK; k++)
    st = sinks[k]->begin(sinks[k], t);
  int64_t n = t->nrows(v);
  for (int64_t i = 0; i < n && st == CS_OK; i++) {
    if ((i & 4095) == 0 && cancel && *cancel) return CS_ECANCELED;
    t->row(v, i, row);
    st = check_row(t, row, d);
    for (int k = 0; k < nsink && st == CS_OK; k++)
      st = sinks[k]->row(sinks[k], row);
  }
  for (int k = 0; k < nsink && st == CS_OK; k++)
    st = sinks[k]->end(sinks[k]);
  return st;
}

cs_status cs_tables_write(const cs_view *v, cs_sink *const *sinks, int nsink,
                          const volatile sig_atomic_t *cancel, cs_diags *d) {
  cs_status st = CS_OK;
  for (size_t i = 0; i < cs_tabledef_count() && st == CS_OK; i++)
    if (cs_tabledef_present(TABLES[i], v)) st = write_table(TABLES[i], v, sinks, nsink, cancel, d);
  return st;
}
