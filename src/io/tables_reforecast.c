/* tables_reforecast.c: the tables of a re-forecast run (docs/outputs.md "Re-forecast"):
 * reforecast.csv compares the original run's plan scenario (read from the actuals database)
 * with the re-forecast's, reforecast_actuals.csv says which actuals replaced what. Present
 * only in a re-forecast run (the plan's rf), so other runs write the same files as before. */
#include "tables.h"

#include <math.h>

static int rf_present(const cs_view *v) { return v->pl->rf != NULL; }

/* ---- reforecast.csv ---- */
enum { RF_NPV, RF_VALUE, RF_SUBST, RF_PASSES };

static const cs_column rf_cols[] = {
    CS_KEY("measure", CS_TEXT),        CS_KEY("stakeholder_or_criterion", CS_TEXT),
    CS_KEY("term_or_year", CS_TEXT),   CS_VAL_OPT("original", CS_REAL, ""),
    CS_VAL("reforecast", CS_REAL, ""), CS_VAL_OPT("difference", CS_REAL, "")};

static int64_t rf_n(const cs_view *v) { return v->pl->npayer + 1 + 4 * CS_CRIT_N + 2; }

/* The plan scenario's (index 1) value of criterion c in term (0 short, 1 long), and 0/1. */
static double crit_now(const cs_view *v, int term, int32_t c, int subst) {
  const cs_plan *pl = v->pl;
  int32_t y = (term ? pl->crit_year : pl->crit_short_year) - pl->T0;
  double val = v->ec->crit[(cs_ix_sy(v->r, 1, y)) * CS_CRIT_N + c];
  return subst ? (double)cs_crit_substantial(v->ec, y, c, val) : val;
}

/* Whether at least one criterion is substantial: now, and in the original (NaN when the
 * original has none of the criteria). */
static void passes(const cs_view *v, int term, double *orig, double *now) {
  const cs_refc *rf = v->pl->rf;
  *orig = NAN;
  *now = 0.0;
  for (int32_t c = 0; c < CS_CRIT_N; c++) {
    double o = rf->orig_subst[term * CS_CRIT_N + c];
    if (!isnan(o)) *orig = fmax(isnan(*orig) ? 0.0 : *orig, o >= 1.0 ? 1.0 : 0.0);
    if (crit_now(v, term, c, 1) >= 1.0) *now = 1.0;
  }
}

static void rf_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_plan *pl = v->pl;
  const cs_refc *rf = pl->rf;
  int32_t nst = pl->npayer + 1;
  double orig, now;
  if (i < nst) { /* npv per stakeholder */
    int32_t p = (int32_t)i;
    o[0] = cs_vs("npv");
    o[1] = cs_vs(p < pl->npayer ? pl->payers[p].id : "total");
    o[2] = cs_vs(rf->label_npv);
    orig = rf->orig_npv[p];
    now = v->ec->npv[(size_t)nst + p]; /* scenario 1, the plan */
  } else if (i < nst + 4 * CS_CRIT_N) {
    int64_t k = i - nst;
    int subst = k >= 2 * CS_CRIT_N, term = (int)(k / CS_CRIT_N % 2);
    int32_t c = (int32_t)(k % CS_CRIT_N);
    o[0] = cs_vs(subst ? "criterion_substantial" : "criterion_value");
    o[1] = cs_vs(cs_crit_name[c]);
    o[2] = cs_vs(rf->label_term[term]);
    orig = (subst ? rf->orig_subst : rf->orig_crit)[term * CS_CRIT_N + c];
    now = crit_now(v, term, c, subst);
  } else {
    int term = (int)(i - nst - 4 * CS_CRIT_N);
    o[0] = cs_vs("passes");
    o[1] = cs_vs("quick_test");
    o[2] = cs_vs(rf->label_term[term]);
    passes(v, term, &orig, &now);
  }
  o[3] = cs_vd(orig);
  o[4] = cs_vd(now);
  o[5] = cs_vd(now - orig);
}

const cs_tabledef cs_tab_reforecast = {
    "reforecast",
    "a re-forecast against the original run: NPV per stakeholder, each criterion's value and "
    "verdict short and long term, and the quick test (the plan scenario)",
    CS_NCOL(rf_cols),
    rf_cols,
    1,
    rf_present,
    rf_n,
    rf_row};

/* ---- reforecast_actuals.csv ---- */
static const cs_column ra_cols[] = {CS_KEY("indicator", CS_TEXT),
                                    CS_KEY("place", CS_TEXT),
                                    CS_VAL("level", CS_TEXT, ""),
                                    CS_VAL_OPT("realised", CS_REAL, ""),
                                    CS_VAL_OPT("modelled", CS_REAL, ""),
                                    CS_VAL_OPT("factor", CS_REAL, ""),
                                    CS_VAL_OPT("uptake_realised", CS_REAL, ""),
                                    CS_VAL_OPT("uptake_modelled", CS_REAL, ""),
                                    CS_VAL_OPT("delay_years", CS_REAL, "years"),
                                    CS_VAL("applied", CS_TEXT, "")};

/* The (intervention, subregion) pairs with realised participants, in plan order. */
static int has_part(const cs_plan *pl, size_t j) { return pl->rf->part_src[j] != CS_RF_SRC_NONE; }

static int64_t ra_n(const cs_view *v) {
  const cs_plan *pl = v->pl;
  int64_t n = pl->rf->npop;
  for (size_t j = 0; j < (size_t)pl->niv * pl->nsub; j++)
    n += has_part(pl, j);
  return n;
}

static void ra_population(const cs_view *v, int32_t k, cs_value *o) {
  const cs_plan *pl = v->pl;
  const cs_refc *rf = pl->rf;
  static const char *const LEVEL[] = {"area", "subregion", "region"};
  int32_t lv = rf->pop_level[k], p = rf->pop_place[k], g = rf->pop_of[k], na = pl->narea;
  double modelled = 0.0, fac = NAN;
  for (int32_t a = 0; a < na; a++) {
    int in = lv == 0 ? a == p : lv == 1 ? pl->areas[a].sub == p : 1;
    if (in) modelled += v->r->rf_pop[na + a]; /* scenario 1, the plan */
    if (g >= 0 && isnan(fac) && rf->pop_grp[a] == g) fac = v->r->rf_fac[na + a];
  }
  o[0] = cs_vs("population");
  o[1] = cs_vs(lv == 0 ? pl->areas[p].id : lv == 1 ? pl->subs[p] : "region");
  o[2] = cs_vs(LEVEL[lv]);
  o[3] = cs_vd(rf->pop_real[k]);
  o[4] = cs_vd(modelled);
  o[5] = cs_vd(fac);
  o[6] = o[7] = o[8] = cs_vnull();
  o[9] = cs_vs(g < 0 ? "none: every area has its own actual" : "scaled");
}

static void ra_participants(const cs_view *v, size_t j, cs_value *o) {
  const cs_plan *pl = v->pl;
  const cs_results *r = v->r;
  static const char *const SRC[] = {"", "subregion", "areas", "region"};
  int32_t iv = (int32_t)(j / (size_t)pl->nsub), q = (int32_t)(j % (size_t)pl->nsub);
  int src = pl->rf->part_src[j], mode = r->rf_mode[j];
  double used = src == CS_RF_SRC_REGION ? r->rf_used[j] : pl->rf->part_sub[j];
  o[0] = cs_vs(pl->rf->part_ind[iv]);
  o[1] = cs_vs(pl->subs[q]);
  o[2] = cs_vs(SRC[src]);
  o[3] = cs_vd(used);
  o[4] = cs_vd(r->rf_tgt[j] * r->rf_upm[j]);
  o[5] = cs_vnull();
  o[6] = cs_vd(r->rf_u[j]);
  o[7] = cs_vd(r->rf_upm[j]);
  o[8] = mode == CS_RF_DELAY ? cs_vd(r->rf_delta[j]) : cs_vnull();
  o[9] = cs_vs(mode == CS_RF_DELAY   ? "delay"
               : mode == CS_RF_FIXED ? "fixed"
               : isnan(r->rf_u[j])   ? "none: nobody targeted"
                                     : "none: funding ended");
}

static void ra_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_plan *pl = v->pl;
  if (i < pl->rf->npop) {
    ra_population(v, (int32_t)i, o);
    return;
  }
  i -= pl->rf->npop;
  for (size_t j = 0; j < (size_t)pl->niv * pl->nsub; j++)
    if (has_part(pl, j) && i-- == 0) {
      ra_participants(v, j, o);
      return;
    }
}

const cs_tabledef cs_tab_reforecast_actuals = {
    "reforecast_actuals",
    "the actuals a re-forecast applied: population scaled per area, uptake delayed or fixed "
    "per intervention and subregion (the plan scenario)",
    CS_NCOL(ra_cols),
    ra_cols,
    1,
    rf_present,
    ra_n,
    ra_row};
