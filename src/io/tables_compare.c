/* tables_compare.c: the comparison tables of docs/outputs.md (interventions, implementation,
 * business case, wrong pocket, health economics, criteria) hold every scenario but the
 * baseline, since they compare with it; resources.csv is the plan's own staff and money. */
#include "tables.h"

#include <math.h>

/* ---- interventions ---- */
static const cs_column interventions_cols[] = {CS_KEY("scenario", CS_TEXT),
                                               CS_KEY("year", CS_INT),
                                               CS_KEY("area", CS_TEXT),
                                               CS_KEY("intervention", CS_TEXT),
                                               CS_VAL("uptake", CS_REAL, "share"),
                                               CS_VAL("participants", CS_REAL, "persons")};

static int64_t interventions_n(const cs_view *v) {
  return cs_nsc_cmp(v) * v->r->ny * v->r->na * v->r->niv;
}

static void interventions_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t iv = cs_digit(&i, r->niv), a = cs_digit(&i, r->na), y = cs_digit(&i, r->ny);
  int32_t s = 1 + (int32_t)i;
  size_t k = (cs_ix_sy(r, s, y) * r->na + a) * r->niv + iv;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->areas[a].id);
  o[3] = cs_vs(v->pl->ivs[iv].id), o[4] = cs_vd(r->uptake[k]), o[5] = cs_vd(r->participants[k]);
}

const cs_tabledef cs_tab_interventions = {"interventions",
                                          "uptake and participants per area, intervention and year",
                                          CS_NCOL(interventions_cols),
                                          interventions_cols,
                                          0,
                                          NULL,
                                          interventions_n,
                                          interventions_row};

/* ---- implementation: one row per cost line of every intervention and year ---- */
static const cs_column implementation_cols[] = {
    CS_KEY("scenario", CS_TEXT), CS_KEY("year", CS_INT),   CS_KEY("intervention", CS_TEXT),
    CS_KEY("line", CS_INT),      CS_KEY("payer", CS_TEXT), CS_VAL("cost", CS_REAL, "EUR")};

static int64_t implementation_n(const cs_view *v) { return cs_nsc_cmp(v) * v->r->ny * v->r->nline; }

/* The intervention whose cost lines hold line l: cost_off is ascending. */
static int32_t line_owner(const cs_params *pm, int32_t niv, int32_t l) {
  int32_t lo = 0, hi = niv - 1;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo + 1) / 2;
    if (pm->cost_off[mid] <= l)
      lo = mid;
    else
      hi = mid - 1;
  }
  while (lo < niv - 1 && pm->cost_off[lo + 1] <= l)
    lo++; /* skip interventions without lines */
  return lo;
}

static void implementation_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  const cs_plan *pl = v->pl;
  int32_t l = cs_digit(&i, r->nline), y = cs_digit(&i, r->ny), s = 1 + (int32_t)i;
  int32_t iv = line_owner(v->pm, pl->niv, l), j = l - v->pm->cost_off[iv];
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(pl->T0 + y), o[2] = cs_vs(pl->ivs[iv].id);
  o[3] = cs_vi(j + 1), o[4] = cs_vs(pl->payers[pl->ivs[iv].costs[j].payer].id);
  o[5] = cs_vd(r->impl[cs_ix_sy(r, s, y) * r->nline + l]);
}

const cs_tabledef cs_tab_implementation = {
    "implementation",
    "implementation cost per cost line, payer and year (undiscounted)",
    CS_NCOL(implementation_cols),
    implementation_cols,
    1,
    NULL,
    implementation_n,
    implementation_row};

/* ---- business case ---- */
static const cs_column business_case_cols[] = {
    CS_KEY("scenario", CS_TEXT),
    CS_KEY("stakeholder", CS_TEXT),
    CS_VAL("investment", CS_REAL, "EUR (discounted)"),
    CS_VAL("savings", CS_REAL, "EUR (discounted)"),
    CS_VAL("npv", CS_REAL, "EUR (discounted)"),
    CS_VAL_OPT("break_even_year", CS_INT, "year"),
    CS_VAL("savings_marginal", CS_REAL, "EUR (discounted)"),
    CS_VAL("npv_marginal", CS_REAL, "EUR (discounted)")};

static int64_t business_case_n(const cs_view *v) { return (int64_t)(v->ec->nsc - 1) * v->ec->nst; }

static void business_case_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_econ *e = v->ec;
  int32_t p = cs_digit(&i, e->nst), s = 1 + (int32_t)i;
  size_t k = (size_t)s * e->nst + p;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(p < v->pl->npayer ? v->pl->payers[p].id : "total");
  o[2] = cs_vd(e->inv[k]), o[3] = cs_vd(e->sav[k]), o[4] = cs_vd(e->npv[k]);
  o[5] = e->break_even[k] == CS_YEAR_NONE ? cs_vnull() : cs_vi(e->break_even[k]);
  double sm = cs_savings_marginal(v, s, p);
  o[6] = cs_vd(sm), o[7] = cs_vd(sm - e->inv[k]);
}

const cs_tabledef cs_tab_business_case = {
    "business_case",
    "investment, savings, net present value and break-even year per stakeholder",
    CS_NCOL(business_case_cols),
    business_case_cols,
    1,
    NULL,
    business_case_n,
    business_case_row};

/* ---- business case per subregion ---- */
static const cs_column bc_sub_cols[] = {CS_KEY("scenario", CS_TEXT),
                                        CS_KEY("subregion", CS_TEXT),
                                        CS_KEY("stakeholder", CS_TEXT),
                                        CS_VAL("investment", CS_REAL, "EUR (discounted)"),
                                        CS_VAL("savings", CS_REAL, "EUR (discounted)"),
                                        CS_VAL("npv", CS_REAL, "EUR (discounted)")};

static int64_t bc_sub_n(const cs_view *v) {
  return (int64_t)(v->ec->nsc - 1) * v->r->nr * v->ec->nst;
}

static void bc_sub_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_econ *e = v->ec;
  int32_t p = cs_digit(&i, e->nst), q = cs_digit(&i, v->r->nr), s = 1 + (int32_t)i;
  size_t k = ((size_t)s * v->r->nr + q) * e->nst + p;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(v->pl->subs[q]);
  o[2] = cs_vs(p < v->pl->npayer ? v->pl->payers[p].id : "total");
  o[3] = cs_vd(e->inv_sub[k]), o[4] = cs_vd(e->sav_sub[k]),
  o[5] = cs_vd(e->sav_sub[k] - e->inv_sub[k]);
}

const cs_tabledef cs_tab_business_case_subregion = {
    "business_case_subregion",
    "investment, savings and NPV per subregion and stakeholder",
    CS_NCOL(bc_sub_cols),
    bc_sub_cols,
    1,
    NULL,
    bc_sub_n,
    bc_sub_row};

/* ---- wrong pocket ---- */
static const cs_column wrong_pocket_cols[] = {
    CS_KEY("scenario", CS_TEXT),
    CS_KEY("investor", CS_TEXT),
    CS_KEY("saver", CS_TEXT),
    CS_VAL("investment", CS_REAL, "EUR (discounted)"),
    CS_VAL("savings", CS_REAL, "EUR (discounted)"),
    CS_VAL("attributed_savings", CS_REAL, "EUR (discounted)")};

/* Investors: the payers and "none" (themes that cost nothing); docs/model.md 7. */
static int wrong_pocket_present(const cs_view *v) { return v->shap && v->shap->wp; }

static int64_t wrong_pocket_n(const cs_view *v) {
  return (int64_t)(v->ec->nsc - 1) * (v->pl->npayer + 1) * v->pl->npayer;
}

static void wrong_pocket_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_econ *e = v->ec;
  int32_t np = v->pl->npayer;
  int32_t q = cs_digit(&i, np), p = cs_digit(&i, np + 1), s = 1 + (int32_t)i;
  o[0] = cs_vs(v->sc[s].id);
  o[1] = cs_vs(p < np ? v->pl->payers[p].id : "none");
  o[2] = cs_vs(v->pl->payers[q].id);
  o[3] = cs_vd(p < np ? e->inv[(size_t)s * e->nst + p] : 0.0);
  o[4] = cs_vd(e->sav[(size_t)s * e->nst + q]);
  o[5] = cs_vd(v->shap->wp[((size_t)s * (np + 1) + p) * np + q]);
}

const cs_tabledef cs_tab_wrong_pocket = {
    "wrong_pocket",
    "savings of each saver attributed to the payers of the themes that brought them",
    CS_NCOL(wrong_pocket_cols),
    wrong_pocket_cols,
    1,
    wrong_pocket_present,
    wrong_pocket_n,
    wrong_pocket_row};

static int ivshap_present(const cs_view *v);

/* ---- wrong pocket per intervention: the plan's matrix from the interventions' Shapley
 * values (docs/model.md 7, v0.2): each intervention's value of a saver's savings goes to the
 * payers of its own cost lines, by their share of its investment ("none" when it costs
 * nothing) ---- */
static const cs_column wp_iv_cols[] = {CS_KEY("investor", CS_TEXT), CS_KEY("saver", CS_TEXT),
                                       CS_VAL("investment", CS_REAL, "EUR (discounted)"),
                                       CS_VAL("savings", CS_REAL, "EUR (discounted)"),
                                       CS_VAL("attributed_savings", CS_REAL, "EUR (discounted)")};

static int64_t wp_iv_n(const cs_view *v) { return (int64_t)(v->pl->npayer + 1) * v->pl->npayer; }

/* Intervention iv's own discounted investment in the plan (scenario 1) paid by payer p (np:
 * all payers): its cost lines as the business case discounts them. Not its Shapley value of
 * investment: per_participant lines follow participants, which other interventions change. */
static double own_investment(const cs_view *v, int32_t iv, int32_t p) {
  const cs_plan *pl = v->pl;
  const cs_results *r = v->r;
  double inv = 0.0;
  for (int32_t y = 0; y < r->ny; y++) {
    const double *line = r->impl_w + cs_ix_sy(r, 1, y) * r->nline + v->pm->cost_off[iv];
    double f = cs_discount(pl->discount_rate, y);
    for (int32_t j = 0; j < pl->ivs[iv].ncost; j++)
      if (p == pl->npayer || pl->ivs[iv].costs[j].payer == p) inv += line[j] * f;
  }
  return inv;
}

static void wp_iv_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_shapley *s = v->shap;
  const cs_econ *e = v->ec;
  int32_t np = v->pl->npayer, M = s->iv_nmet, sav0 = cs_shapley_nmet(v->pl);
  int32_t q = cs_digit(&i, np), p = (int32_t)i;
  double sav = 0.0, att = 0.0;
  for (int32_t iv = 0; iv < s->iv_n; iv++) {
    double saved = s->iv_phi[(size_t)iv * M + sav0 + q], own = own_investment(v, iv, np);
    sav += saved;
    if (own == 0.0)
      att += p == np ? saved : 0.0;
    else if (p < np)
      att += own_investment(v, iv, p) / own * saved;
  }
  o[0] = cs_vs(p < np ? v->pl->payers[p].id : "none"), o[1] = cs_vs(v->pl->payers[q].id);
  o[2] = cs_vd(p < np ? e->inv[(size_t)1 * e->nst + p] : 0.0), o[3] = cs_vd(sav);
  o[4] = cs_vd(att);
}

const cs_tabledef cs_tab_wrong_pocket_intervention = {
    "wrong_pocket_intervention",
    "the plan's savings of each saver attributed to the payers of the interventions that "
    "brought them",
    CS_NCOL(wp_iv_cols),
    wp_iv_cols,
    1,
    ivshap_present,
    wp_iv_n,
    wp_iv_row};

/* ---- health economics ---- */
static const cs_column health_economics_cols[] = {
    CS_KEY("scenario", CS_TEXT),
    CS_VAL("delta_qalys", CS_REAL, "QALY (discounted)"),
    CS_VAL("delta_life_years", CS_REAL, "life years (discounted)"),
    CS_VAL_OPT("cost_per_qaly", CS_REAL, "EUR/QALY"),
    CS_VAL("societal_balance", CS_REAL, "EUR (discounted)"),
    CS_VAL("verdict", CS_TEXT, "")};

static int64_t health_economics_n(const cs_view *v) { return v->ec->nsc - 1; }

static void health_economics_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_econ *e = v->ec;
  int32_t s = 1 + (int32_t)i;
  int verdict = cs_ce_verdict(e->dqaly[s], e->npv[(size_t)s * e->nst + e->nst - 1]);
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vd(e->dqaly[s]), o[2] = cs_vd(e->dly[s]);
  /* a ratio only where one is needed: a dominant plan has none (a negative "cost per QALY"
   * reads as a price and ranks wrongly; v0.2) */
  o[3] = verdict == CS_CE_ICER ? cs_vd(e->cost_per_qaly[s]) : cs_vnull();
  o[4] = cs_vd(e->societal[s]);
  o[5] = cs_vs(cs_ce_name[verdict]);
}

const cs_tabledef cs_tab_health_economics = {
    "health_economics",
    "QALYs and life years gained, cost per QALY and societal balance",
    CS_NCOL(health_economics_cols),
    health_economics_cols,
    1,
    NULL,
    health_economics_n,
    health_economics_row};

/* ---- criteria ---- */
static const cs_column criteria_cols[] = {
    CS_KEY("scenario", CS_TEXT),         CS_KEY("year", CS_INT),
    CS_KEY("criterion", CS_TEXT),        CS_VAL("value", CS_REAL, "see unit column"),
    CS_VAL("unit", CS_TEXT, ""),         CS_VAL("threshold", CS_REAL, "see unit column"),
    CS_VAL("substantial", CS_INT, "0/1")};

static int64_t criteria_n(const cs_view *v) { return cs_nsc_cmp(v) * v->r->ny * CS_CRIT_N; }

static void criteria_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t c = cs_digit(&i, CS_CRIT_N), y = cs_digit(&i, r->ny), s = 1 + (int32_t)i;
  double val = v->ec->crit[cs_ix_sy(r, s, y) * CS_CRIT_N + c];
  double th = v->ec->threshold[(size_t)y * CS_CRIT_N + c];
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(cs_crit_name[c]);
  o[3] = cs_vd(val), o[4] = cs_vs(cs_crit_unit[c]), o[5] = cs_vd(th), o[6] = cs_vi(val >= th);
}

const cs_tabledef cs_tab_criteria = {
    "criteria",
    "the four IZA criteria per year: value, threshold and whether it is substantial",
    CS_NCOL(criteria_cols),
    criteria_cols,
    1,
    NULL,
    criteria_n,
    criteria_row};

/* ---- criteria per subregion (no thresholds: those are set for the whole region) ---- */
static const cs_column criteria_subregion_cols[] = {CS_KEY("scenario", CS_TEXT),
                                                    CS_KEY("year", CS_INT),
                                                    CS_KEY("subregion", CS_TEXT),
                                                    CS_KEY("criterion", CS_TEXT),
                                                    CS_VAL("value", CS_REAL, "see unit column"),
                                                    CS_VAL("unit", CS_TEXT, "")};

static int64_t criteria_subregion_n(const cs_view *v) {
  return cs_nsc_cmp(v) * v->r->ny * v->r->nr * CS_CRIT_N;
}

static void criteria_subregion_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t c = cs_digit(&i, CS_CRIT_N), q = cs_digit(&i, r->nr), y = cs_digit(&i, r->ny);
  int32_t s = 1 + (int32_t)i;
  double val = v->ec->crit_sub[(cs_ix_sy(r, s, y) * r->nr + q) * CS_CRIT_N + c];
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->subs[q]);
  o[3] = cs_vs(cs_crit_name[c]), o[4] = cs_vd(val), o[5] = cs_vs(cs_crit_unit[c]);
}

const cs_tabledef cs_tab_criteria_subregion = {"criteria_subregion",
                                               "the four IZA criteria per subregion and year",
                                               CS_NCOL(criteria_subregion_cols),
                                               criteria_subregion_cols,
                                               1,
                                               NULL,
                                               criteria_subregion_n,
                                               criteria_subregion_row};

/* ---- staff: the staff criterion's parts and the shortage beside it ---- */
static const cs_column staff_cols[] = {CS_KEY("scenario", CS_TEXT),
                                       CS_KEY("year", CS_INT),
                                       CS_VAL("fte_demand_saved", CS_REAL, "FTE"),
                                       CS_VAL("plan_staff_fte", CS_REAL, "FTE"),
                                       CS_VAL("net_fte_saved", CS_REAL, "FTE"),
                                       CS_VAL("shortage_baseline_fte", CS_REAL, "FTE"),
                                       CS_VAL("shortage_fte", CS_REAL, "FTE"),
                                       CS_VAL("shortage_closed", CS_REAL, "share")};

static int64_t staff_n(const cs_view *v) { return cs_nsc_cmp(v) * v->r->ny; }

static void staff_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  const cs_econ *e = v->ec;
  int32_t y = cs_digit(&i, r->ny), s = 1 + (int32_t)i;
  size_t k = cs_ix_sy(r, s, y), b = cs_ix_sy(r, 0, y);
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vd(e->staff_gross[k]);
  o[3] = cs_vd(r->own_fte[k]), o[4] = cs_vd(e->crit[k * CS_CRIT_N + CS_CRIT_STAFF]);
  o[5] = cs_vd(e->gap[b]), o[6] = cs_vd(e->gap[k]), o[7] = cs_vd(e->gap_closed[k]);
}

const cs_tabledef cs_tab_staff = {
    "staff",
    "staff criterion: FTE demand saved, the plan's own staff, net; shortage and share closed",
    CS_NCOL(staff_cols),
    staff_cols,
    1,
    NULL,
    staff_n,
    staff_row};

/* ---- shapley: what each theme contributes to the plan, adding up to its total ---- */
static const cs_column shapley_cols[] = {CS_KEY("theme", CS_TEXT), CS_KEY("metric", CS_TEXT),
                                         CS_VAL("contribution", CS_REAL, "the metric's"),
                                         CS_VAL("leave_one_out", CS_REAL, "the metric's"),
                                         CS_VAL("plan_value", CS_REAL, "the metric's")};

static int shapley_present(const cs_view *v) { return v->shap && v->shap->ntheme > 0; }

static int64_t shapley_n(const cs_view *v) { return (int64_t)v->shap->ntheme * v->shap->nmet; }

static void shapley_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_shapley *s = v->shap;
  int32_t m = cs_digit(&i, s->nmet), t = (int32_t)i;
  size_t k = (size_t)t * s->nmet + (size_t)m;
  o[0] = cs_vs(v->pl->themes[t].id), o[1] = cs_vs(v->shap_met[m]), o[2] = cs_vd(s->phi[k]);
  o[3] = cs_vd(s->loo[k]), o[4] = cs_vd(s->total[m]);
}

const cs_tabledef cs_tab_shapley = {
    "shapley",
    "each theme's exact Shapley contribution to the plan's NPVs, criteria and QALYs",
    CS_NCOL(shapley_cols),
    shapley_cols,
    1,
    shapley_present,
    shapley_n,
    shapley_row};

/* ---- shapley_intervention: the same per intervention, exact or from sampled orders ---- */
static const cs_column ivshap_cols[] = {CS_KEY("intervention", CS_TEXT),
                                        CS_KEY("metric", CS_TEXT),
                                        CS_VAL("theme", CS_TEXT, ""),
                                        CS_VAL("contribution", CS_REAL, "the metric's"),
                                        CS_VAL_OPT("standard_error", CS_REAL, "the metric's"),
                                        CS_VAL("plan_value", CS_REAL, "the metric's"),
                                        CS_VAL("method", CS_TEXT, ""),
                                        CS_VAL("orders", CS_INT, "count")};

static int ivshap_present(const cs_view *v) { return v->shap && v->shap->iv_n > 0; }

static int64_t ivshap_n(const cs_view *v) { return (int64_t)v->shap->iv_n * v->shap->iv_nmet; }

static void ivshap_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_shapley *s = v->shap;
  int32_t m = cs_digit(&i, s->iv_nmet), iv = (int32_t)i;
  size_t k = (size_t)iv * s->iv_nmet + (size_t)m;
  const cs_intervention *x = &v->pl->ivs[iv];
  o[0] = cs_vs(x->id), o[1] = cs_vs(v->ivshap_met[m]), o[2] = cs_vs(v->pl->themes[x->theme].id);
  o[3] = cs_vd(s->iv_phi[k]);
  o[4] = isfinite(s->iv_se[k]) ? cs_vd(s->iv_se[k]) : cs_vnull(); /* one order: no sd */
  o[5] = cs_vd(s->iv_total[m]), o[6] = cs_vs(s->iv_perms ? "sampled" : "exact");
  o[7] = cs_vi(s->iv_perms);
}

const cs_tabledef cs_tab_shapley_intervention = {
    "shapley_intervention",
    "each intervention's Shapley contribution to the plan (exact, or sampled with its standard "
    "error)",
    CS_NCOL(ivshap_cols),
    ivshap_cols,
    1,
    ivshap_present,
    ivshap_n,
    ivshap_row};

/* ---- return per intervention (v0.2): its own discounted investment against its Shapley
 * value of the total discounted savings, in the plan ---- */
static const cs_column ivroi_cols[] = {
    CS_KEY("intervention", CS_TEXT),
    CS_VAL("theme", CS_TEXT, ""),
    CS_VAL("investment", CS_REAL, "EUR (discounted)"),
    CS_VAL("savings", CS_REAL, "EUR (discounted)"),
    CS_VAL("npv", CS_REAL, "EUR (discounted)"),
    CS_VAL_OPT("roi", CS_REAL, "savings per euro invested"),
    CS_VAL("participant_years_discounted", CS_REAL, "person-years (discounted)"),
    CS_VAL_OPT("investment_per_participant_year", CS_REAL, "EUR (discounted) per person-year"),
    CS_VAL_OPT("savings_per_participant_year", CS_REAL, "EUR (discounted) per person-year")};

static int64_t ivroi_n(const cs_view *v) { return v->shap->iv_n; }

static void ivroi_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_shapley *s = v->shap;
  int32_t iv = (int32_t)i, np = v->pl->npayer;
  const cs_intervention *x = &v->pl->ivs[iv];
  double inv = own_investment(v, iv, np), part = cs_participants_discounted(v, 1, iv, 1);
  double sav = s->iv_phi[(size_t)iv * s->iv_nmet + cs_shapley_nmet(v->pl) + np]; /* total */
  o[0] = cs_vs(x->id), o[1] = cs_vs(v->pl->themes[x->theme].id);
  o[2] = cs_vd(inv), o[3] = cs_vd(sav), o[4] = cs_vd(sav - inv);
  o[5] = inv > 0.0 ? cs_vd(sav / inv) : cs_vnull(); /* nothing invested: no ratio */
  o[6] = cs_vd(part);
  o[7] = part > 0.0 ? cs_vd(inv / part) : cs_vnull();
  o[8] = part > 0.0 ? cs_vd(sav / part) : cs_vnull();
}

const cs_tabledef cs_tab_intervention_roi = {
    "intervention_roi",
    "each intervention's own investment against its Shapley share of the plan's savings",
    CS_NCOL(ivroi_cols),
    ivroi_cols,
    1,
    ivshap_present,
    ivroi_n,
    ivroi_row};

/* ---- resources: the rows are summed and sorted once, in cs_view_init ---- */
static const cs_column resources_cols[] = {CS_KEY("organisation", CS_TEXT), CS_KEY("role", CS_TEXT),
                                           CS_KEY("year", CS_INT), CS_VAL("fte", CS_REAL, "FTE"),
                                           CS_VAL("euro", CS_REAL, "EUR")};

static int64_t resources_n(const cs_view *v) { return v->nres; }

static void resources_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_resrow *x = &v->res[i];
  o[0] = cs_vs(x->org), o[1] = cs_vs(x->role), o[2] = cs_vi(x->year);
  o[3] = cs_vd(x->fte), o[4] = cs_vd(x->euro);
}

const cs_tabledef cs_tab_resources = {"resources",
                                      "staff (FTE) and money each organisation brings in per year",
                                      CS_NCOL(resources_cols),
                                      resources_cols,
                                      1,
                                      NULL,
                                      resources_n,
                                      resources_row};
