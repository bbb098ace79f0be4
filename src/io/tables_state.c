/* tables_state.c: the state tables of docs/outputs.md (demography, care, payers, workforce,
 * health, population): every scenario, the baseline included, per year. Row i is decoded
 * innermost loop first, so the rows come in the order of the nested loops of the CSV file. */
#include "tables.h"

static const char *const SEX[CS_NSEX] = {"f", "m"};

/* ---- demography ---- */
static const cs_column demography_cols[] = {CS_KEY("scenario", CS_TEXT),
                                            CS_KEY("year", CS_INT),
                                            CS_KEY("area", CS_TEXT),
                                            CS_VAL("population", CS_REAL, "persons"),
                                            CS_VAL("births", CS_REAL, "persons"),
                                            CS_VAL("deaths", CS_REAL, "persons"),
                                            CS_VAL("migration", CS_REAL, "persons")};

static int64_t demography_n(const cs_view *v) { return cs_nsc_all(v) * v->r->ny * v->r->na; }

static void demography_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t a = cs_digit(&i, r->na), y = cs_digit(&i, r->ny), s = (int32_t)i;
  const double *d = r->demo + (cs_ix_sy(r, s, y) * r->na + a) * CS_DEMO_N;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->areas[a].id);
  o[3] = cs_vd(d[CS_DEMO_POP]), o[4] = cs_vd(d[CS_DEMO_BIRTHS]), o[5] = cs_vd(d[CS_DEMO_DEATHS]);
  o[6] = cs_vd(d[CS_DEMO_MIG]);
}

const cs_tabledef cs_tab_demography = {
    "demography",
    "population at 1 January, births, deaths and net migration in the year, per area",
    CS_NCOL(demography_cols),
    demography_cols,
    0,
    NULL,
    demography_n,
    demography_row};

/* ---- care ---- */
static const cs_column care_cols[] = {CS_KEY("scenario", CS_TEXT),
                                      CS_KEY("year", CS_INT),
                                      CS_KEY("area", CS_TEXT),
                                      CS_KEY("sector", CS_TEXT),
                                      CS_VAL("units", CS_REAL, "sector unit"),
                                      CS_VAL("cost", CS_REAL, "EUR"),
                                      CS_VAL("fte", CS_REAL, "FTE"),
                                      CS_VAL("m2", CS_REAL, "m2"),
                                      CS_VAL("co2_kg", CS_REAL, "kg CO2")};

static int64_t care_n(const cs_view *v) { return cs_nsc_all(v) * v->r->ny * v->r->na * v->r->nc; }

static void care_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t c = cs_digit(&i, r->nc), a = cs_digit(&i, r->na), y = cs_digit(&i, r->ny);
  int32_t s = (int32_t)i;
  const double *d = r->care + ((cs_ix_sy(r, s, y) * r->na + a) * r->nc + c) * CS_CARE_N;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->areas[a].id);
  o[3] = cs_vs(v->pl->sectors[c].id), o[4] = cs_vd(d[CS_CARE_UNITS]), o[5] = cs_vd(d[CS_CARE_COST]);
  o[6] = cs_vd(d[CS_CARE_FTE]), o[7] = cs_vd(d[CS_CARE_M2]), o[8] = cs_vd(d[CS_CARE_CO2]);
}

const cs_tabledef cs_tab_care = {"care",
                                 "care units, cost (price year, undiscounted), FTE demand, floor "
                                 "area and CO2 per area and sector",
                                 CS_NCOL(care_cols),
                                 care_cols,
                                 0,
                                 NULL,
                                 care_n,
                                 care_row};

/* ---- payers ---- */
static const cs_column payers_cols[] = {
    CS_KEY("scenario", CS_TEXT), CS_KEY("year", CS_INT), CS_KEY("payer", CS_TEXT),
    CS_VAL("care_cost", CS_REAL, "EUR"), CS_VAL("implementation_cost", CS_REAL, "EUR")};

static int64_t payers_n(const cs_view *v) { return cs_nsc_all(v) * v->r->ny * v->r->np; }

static void payers_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t p = cs_digit(&i, r->np), y = cs_digit(&i, r->ny), s = (int32_t)i;
  size_t k = cs_ix_sy(r, s, y) * r->np + p;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->payers[p].id);
  o[3] = cs_vd(r->payer_care[k]), o[4] = cs_vd(r->payer_impl[k]);
}

const cs_tabledef cs_tab_payers = {
    "payers",
    "care cost and implementation cost per payer and year (undiscounted)",
    CS_NCOL(payers_cols),
    payers_cols,
    1,
    NULL,
    payers_n,
    payers_row};

/* ---- workforce ---- */
static const cs_column workforce_cols[] = {
    CS_KEY("scenario", CS_TEXT),          CS_KEY("year", CS_INT),
    CS_KEY("subregion", CS_TEXT),         CS_KEY("group", CS_TEXT),
    CS_VAL("demand_fte", CS_REAL, "FTE"), CS_VAL("supply_fte", CS_REAL, "FTE"),
    CS_VAL("gap_fte", CS_REAL, "FTE")};

static int64_t workforce_n(const cs_view *v) {
  return cs_nsc_all(v) * v->r->ny * v->r->nr * v->r->ng;
}

static void workforce_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t g = cs_digit(&i, r->ng), q = cs_digit(&i, r->nr), y = cs_digit(&i, r->ny);
  int32_t s = (int32_t)i;
  size_t k = (cs_ix_sy(r, s, y) * r->nr + q) * r->ng + g;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->subs[q]);
  o[3] = cs_vs(v->pl->groups[g]), o[4] = cs_vd(r->wf_dem[k]), o[5] = cs_vd(r->wf_sup[k]);
  o[6] = cs_vd(r->wf_dem[k] - r->wf_sup[k]);
}

const cs_tabledef cs_tab_workforce = {
    "workforce",
    "staff demand, supply and gap per subregion, staff group and year",
    CS_NCOL(workforce_cols),
    workforce_cols,
    1,
    NULL,
    workforce_n,
    workforce_row};

/* ---- health ---- */
static const cs_column health_cols[] = {
    CS_KEY("scenario", CS_TEXT),      CS_KEY("year", CS_INT),
    CS_KEY("area", CS_TEXT),          CS_VAL("life_years", CS_REAL, "life years"),
    CS_VAL("qalys", CS_REAL, "QALY"), CS_VAL("deaths", CS_REAL, "persons")};

static int64_t health_n(const cs_view *v) { return cs_nsc_all(v) * v->r->ny * v->r->na; }

static void health_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  int32_t a = cs_digit(&i, r->na), y = cs_digit(&i, r->ny), s = (int32_t)i;
  size_t k = cs_ix_sy(r, s, y) * r->na + a;
  const double *h = r->health + k * CS_HEALTH_N;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(v->pl->areas[a].id);
  o[3] = cs_vd(h[CS_HEALTH_LY]), o[4] = cs_vd(h[CS_HEALTH_QALY]);
  o[5] = cs_vd(r->demo[k * CS_DEMO_N + CS_DEMO_DEATHS]);
}

const cs_tabledef cs_tab_health = {"health",
                                   "life years, QALYs (undiscounted) and deaths per area and year",
                                   CS_NCOL(health_cols),
                                   health_cols,
                                   0,
                                   NULL,
                                   health_n,
                                   health_row};

/* ---- population (only with detail) ---- */
static const cs_column population_cols[] = {CS_KEY("scenario", CS_TEXT),
                                            CS_KEY("year", CS_INT),
                                            CS_KEY("area", CS_TEXT),
                                            CS_KEY("sex", CS_TEXT),
                                            CS_KEY("age", CS_INT),
                                            CS_KEY("state", CS_TEXT),
                                            CS_VAL("count", CS_REAL, "persons")};

static int population_present(const cs_view *v) { return v->r->detail != NULL; }

static int64_t population_n(const cs_view *v) {
  return cs_nsc_all(v) * v->r->ny * v->r->na * CS_NSEX * CS_NAGE * v->pl->nstate;
}

static void population_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_results *r = v->r;
  const cs_plan *pl = v->pl;
  size_t K = (size_t)pl->nstate, cells = (size_t)r->na * CS_NSEX * CS_NAGE * K;
  int32_t k = cs_digit(&i, pl->nstate), x = cs_digit(&i, CS_NAGE), sx = cs_digit(&i, CS_NSEX);
  int32_t a = cs_digit(&i, r->na), y = cs_digit(&i, r->ny), s = (int32_t)i;
  const double *n = r->detail + cs_ix_sy(r, s, y) * cells;
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(pl->T0 + y), o[2] = cs_vs(pl->areas[a].id);
  o[3] = cs_vs(SEX[sx]), o[4] = cs_vi(x), o[5] = cs_vs(pl->states[k].id);
  o[6] = cs_vd(n[cs_ix_asx(a, sx, x) * K + (size_t)k]);
}

const cs_tabledef cs_tab_population = {
    "population",
    "persons at 1 January per area, sex, age and care-need state (with --detail)",
    CS_NCOL(population_cols),
    population_cols,
    0,
    population_present,
    population_n,
    population_row};
