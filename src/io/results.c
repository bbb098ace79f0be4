/* results.c: the tables of OUTPUTS.md, produced row by row from a run's arrays. Keys are
 * ids (scenario, area, sector, ...) and years; values are doubles written to round-trip. */
#include "run/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOL(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const cs_coltype T = CS_COL_TEXT, I = CS_COL_INT, R = CS_COL_REAL;

static void emit_demography(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "area", "population", "births", "deaths", "migration"};
  static const cs_coltype ty[] = {T, I, T, R, R, R, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "demography", NCOL(cols), cols, ty);
  for (int32_t i = 0; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t a = 0; a < r->na; a++) {
        const double *d = r->demo + (cs_ix_sy(r, i, y) * r->na + a) * CS_DEMO_N;
        cs_val v[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->areas[a].id),
                      cs_vd(d[CS_DEMO_POP]), cs_vd(d[CS_DEMO_BIRTHS]), cs_vd(d[CS_DEMO_DEATHS]),
                      cs_vd(d[CS_DEMO_MIG])};
        cs_tw_row(tw, v);
      }
  cs_tw_end(tw);
}

static void emit_care(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "area", "sector", "units", "cost", "fte", "m2", "co2_kg"};
  static const cs_coltype ty[] = {T, I, T, T, R, R, R, R, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "care", NCOL(cols), cols, ty);
  for (int32_t i = 0; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t a = 0; a < r->na; a++)
        for (int32_t c = 0; c < r->nc; c++) {
          const double *d = r->care + ((cs_ix_sy(r, i, y) * r->na + a) * r->nc + c) * CS_CARE_N;
          cs_val v[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->areas[a].id),
                        cs_vs(pl->sectors[c].id), cs_vd(d[CS_CARE_UNITS]), cs_vd(d[CS_CARE_COST]),
                        cs_vd(d[CS_CARE_FTE]), cs_vd(d[CS_CARE_M2]), cs_vd(d[CS_CARE_CO2])};
          cs_tw_row(tw, v);
        }
  cs_tw_end(tw);
}

static void emit_payers(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "payer", "care_cost", "implementation_cost"};
  static const cs_coltype ty[] = {T, I, T, R, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "payers", NCOL(cols), cols, ty);
  for (int32_t i = 0; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t p = 0; p < r->np; p++) {
        size_t k = cs_ix_sy(r, i, y) * r->np + p;
        cs_val v[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->payers[p].id),
                      cs_vd(r->payer_care[k]), cs_vd(r->payer_impl[k])};
        cs_tw_row(tw, v);
      }
  cs_tw_end(tw);
}

static void emit_workforce(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "subregion", "group", "demand_fte", "supply_fte", "gap_fte"};
  static const cs_coltype ty[] = {T, I, T, T, R, R, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "workforce", NCOL(cols), cols, ty);
  for (int32_t i = 0; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t s = 0; s < r->nr; s++)
        for (int32_t g = 0; g < r->ng; g++) {
          size_t k = (cs_ix_sy(r, i, y) * r->nr + s) * r->ng + g;
          cs_val v[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->subs[s]),
                        cs_vs(pl->groups[g]), cs_vd(r->wf_dem[k]), cs_vd(r->wf_sup[k]),
                        cs_vd(r->wf_dem[k] - r->wf_sup[k])};
          cs_tw_row(tw, v);
        }
  cs_tw_end(tw);
}

static void emit_health(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "area", "life_years", "qalys", "deaths"};
  static const cs_coltype ty[] = {T, I, T, R, R, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "health", NCOL(cols), cols, ty);
  for (int32_t i = 0; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t a = 0; a < r->na; a++) {
        size_t k = cs_ix_sy(r, i, y) * r->na + a;
        const double *h = r->health + k * CS_HEALTH_N;
        cs_val v[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->areas[a].id),
                      cs_vd(h[CS_HEALTH_LY]), cs_vd(h[CS_HEALTH_QALY]),
                      cs_vd(r->demo[k * CS_DEMO_N + CS_DEMO_DEATHS])};
        cs_tw_row(tw, v);
      }
  cs_tw_end(tw);
}

static void emit_population(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "area", "sex", "age", "state", "count"};
  static const cs_coltype ty[] = {T, I, T, T, I, T, R};
  static const char *sex[CS_NSEX] = {"f", "m"};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  if (!r->detail) return;
  size_t K = (size_t)pl->nstate, cells = (size_t)r->na * CS_NSEX * CS_NAGE * K;
  cs_tw_begin(tw, "population", NCOL(cols), cols, ty);
  for (int32_t i = 0; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++) {
      const double *n = r->detail + cs_ix_sy(r, i, y) * cells;
      for (int32_t a = 0; a < r->na; a++)
        for (int32_t s = 0; s < CS_NSEX; s++)
          for (int32_t x = 0; x < CS_NAGE; x++)
            for (size_t k = 0; k < K; k++) {
              cs_val v[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->areas[a].id),
                            cs_vs(sex[s]), cs_vi(x), cs_vs(pl->states[k].id),
                            cs_vd(n[cs_ix_asx(a, s, x) * K + k])};
              cs_tw_row(tw, v);
            }
    }
  cs_tw_end(tw);
}

static void emit_interventions(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "area", "intervention", "uptake", "participants"};
  static const cs_coltype ty[] = {T, I, T, T, R, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "interventions", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t a = 0; a < r->na; a++)
        for (int32_t v = 0; v < r->niv; v++) {
          size_t k = (cs_ix_sy(r, i, y) * r->na + a) * r->niv + v;
          cs_val row[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->areas[a].id),
                          cs_vs(pl->ivs[v].id), cs_vd(r->uptake[k]), cs_vd(r->participants[k])};
          cs_tw_row(tw, row);
        }
  cs_tw_end(tw);
}

static void emit_implementation(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "intervention", "line", "payer", "cost"};
  static const cs_coltype ty[] = {T, I, T, I, T, R};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "implementation", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t v = 0; v < r->niv; v++)
        for (int32_t j = 0; j < pl->ivs[v].ncost; j++) {
          size_t k = cs_ix_sy(r, i, y) * r->nline + run->pm.cost_off[v] + j;
          cs_val row[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->ivs[v].id),
                          cs_vi(j + 1), cs_vs(pl->payers[pl->ivs[v].costs[j].payer].id),
                          cs_vd(r->impl[k])};
          cs_tw_row(tw, row);
        }
  cs_tw_end(tw);
}

static void emit_business_case(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "stakeholder", "investment", "savings", "npv", "break_even_year"};
  static const cs_coltype ty[] = {T, T, R, R, R, I};
  const cs_plan *pl = run->pl;
  const cs_econ *e = &run->ec;
  cs_tw_begin(tw, "business_case", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < e->nsc; i++)
    for (int32_t p = 0; p < e->nst; p++) {
      size_t k = (size_t)i * e->nst + p;
      cs_val be = e->break_even[k] == CS_YEAR_NONE ? cs_vnull() : cs_vi(e->break_even[k]);
      cs_val row[] = {cs_vs(run->sc[i].id), cs_vs(p < pl->npayer ? pl->payers[p].id : "total"),
                      cs_vd(e->inv[k]), cs_vd(e->sav[k]), cs_vd(e->npv[k]), be};
      cs_tw_row(tw, row);
    }
  cs_tw_end(tw);
}

static void emit_wrong_pocket(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "investor", "saver", "investment", "savings", "attributed_savings"};
  static const cs_coltype ty[] = {T, T, T, R, R, R};
  const cs_plan *pl = run->pl;
  const cs_econ *e = &run->ec;
  int32_t np = pl->npayer;
  cs_tw_begin(tw, "wrong_pocket", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < e->nsc; i++)
    for (int32_t p = 0; p < np; p++)
      for (int32_t q = 0; q < np; q++) {
        cs_val row[] = {cs_vs(run->sc[i].id), cs_vs(pl->payers[p].id), cs_vs(pl->payers[q].id),
                        cs_vd(e->inv[(size_t)i * e->nst + p]), cs_vd(e->sav[(size_t)i * e->nst + q]),
                        cs_vd(e->wrong_pocket[((size_t)i * np + p) * np + q])};
        cs_tw_row(tw, row);
      }
  cs_tw_end(tw);
}

static void emit_health_economics(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "delta_qalys", "delta_life_years", "cost_per_qaly", "societal_balance"};
  static const cs_coltype ty[] = {T, R, R, R, R};
  const cs_econ *e = &run->ec;
  cs_tw_begin(tw, "health_economics", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < e->nsc; i++) {
    cs_val row[] = {cs_vs(run->sc[i].id), cs_vd(e->dqaly[i]), cs_vd(e->dly[i]),
                    cs_vd(e->cost_per_qaly[i]), cs_vd(e->societal[i])};
    cs_tw_row(tw, row);
  }
  cs_tw_end(tw);
}

static void emit_criteria(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "criterion", "value", "unit", "threshold", "substantial"};
  static const cs_coltype ty[] = {T, I, T, R, T, R, I};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "criteria", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t c = 0; c < CS_CRIT_N; c++) {
        double val = run->ec.crit[cs_ix_sy(r, i, y) * CS_CRIT_N + c], th = cs_crit_threshold(pl, c);
        cs_val row[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(cs_crit_name[c]),
                        cs_vd(val), cs_vs(cs_crit_unit[c]), cs_vd(th), cs_vi(val >= th)};
        cs_tw_row(tw, row);
      }
  cs_tw_end(tw);
}

/* criteria_subregion.csv: the criterion values per subregion (no thresholds: those are set
 * for the whole region). */
static void emit_criteria_subregion(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"scenario", "year", "subregion", "criterion", "value", "unit"};
  static const cs_coltype ty[] = {T, I, T, T, R, T};
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_tw_begin(tw, "criteria_subregion", NCOL(cols), cols, ty);
  for (int32_t i = 1; i < r->nsc; i++)
    for (int32_t y = 0; y < r->ny; y++)
      for (int32_t q = 0; q < r->nr; q++)
        for (int32_t c = 0; c < CS_CRIT_N; c++) {
          double val = run->ec.crit_sub[(cs_ix_sy(r, i, y) * r->nr + q) * CS_CRIT_N + c];
          cs_val row[] = {cs_vs(run->sc[i].id), cs_vi(pl->T0 + y), cs_vs(pl->subs[q]),
                          cs_vs(cs_crit_name[c]), cs_vd(val), cs_vs(cs_crit_unit[c])};
          cs_tw_row(tw, row);
        }
  cs_tw_end(tw);
}

/* resources.csv: fte per year of each line's span, euro in its year, summed per key. */
typedef struct { const char *org, *role; int32_t year; double fte, euro; } res_row;

static int res_cmp(const void *pa, const void *pb) {
  const res_row *a = pa, *b = pb;
  int c = strcmp(a->org, b->org);
  if (!c) c = strcmp(a->role, b->role);
  if (!c) c = (a->year > b->year) - (a->year < b->year);
  return c;
}

static void emit_resources(const cs_run *run, cs_tw *tw) {
  static const char *cols[] = {"organisation", "role", "year", "fte", "euro"};
  static const cs_coltype ty[] = {T, T, I, R, R};
  const cs_plan *pl = run->pl;
  size_t n = 0, cap = 0;
  for (int32_t v = 0; v < pl->niv; v++)
    for (int32_t j = 0; j < pl->ivs[v].nresource; j++)
      cap += (size_t)pl->nyear + 1;
  res_row *rows = calloc(cap + 1, sizeof *rows);
  if (!rows) { tw->st = CS_ENOMEM; return; }
  for (int32_t v = 0; v < pl->niv; v++)
    for (int32_t j = 0; j < pl->ivs[v].nresource; j++) {
      const cs_resource *rs = &pl->ivs[v].resources[j];
      if (rs->fte != 0.0)
        for (int32_t t = rs->from; t <= rs->to; t++)
          rows[n++] = (res_row){rs->organisation, rs->role, t, rs->fte, 0.0};
      if (rs->euro != 0.0) rows[n++] = (res_row){rs->organisation, rs->role, rs->year, 0.0, rs->euro};
    }
  qsort(rows, n, sizeof *rows, res_cmp);
  cs_tw_begin(tw, "resources", NCOL(cols), cols, ty);
  for (size_t i = 0; i < n;) {
    res_row sum = rows[i];
    size_t j = i + 1;
    for (; j < n && res_cmp(&rows[j], &sum) == 0; j++) {
      sum.fte += rows[j].fte;
      sum.euro += rows[j].euro;
    }
    cs_val row[] = {cs_vs(sum.org), cs_vs(sum.role), cs_vi(sum.year), cs_vd(sum.fte), cs_vd(sum.euro)};
    cs_tw_row(tw, row);
    i = j;
  }
  cs_tw_end(tw);
  free(rows);
}

void cs_results_emit(const cs_run *run, cs_tw *tw) {
  emit_demography(run, tw);
  emit_care(run, tw);
  emit_payers(run, tw);
  emit_workforce(run, tw);
  emit_health(run, tw);
  emit_population(run, tw);
  emit_interventions(run, tw);
  emit_implementation(run, tw);
  emit_business_case(run, tw);
  emit_wrong_pocket(run, tw);
  emit_health_economics(run, tw);
  emit_criteria(run, tw);
  emit_criteria_subregion(run, tw);
  emit_resources(run, tw);
  if (run->has_psa) cs_psa_emit(run, tw);
}
