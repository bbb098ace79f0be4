/* tinyplan.h: builds small plans by hand, straight into struct cs_plan, so the kernel's
 * numbers can be tested against hand-computed values without going through the loader. */
#ifndef CS_TINYPLAN_H
#define CS_TINYPLAN_H

#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "econ/econ.h"

#define TP_MAXDIST 512

static inline cs_num tp_num(cs_plan *pl, double v) {
  cs_dist *d = &pl->dists[pl->ndist];
  d->kind = CS_DIST_FIXED;
  d->a = d->mean = v;
  d->label = "test";
  cs_num n = {pl->ndist++, 1.0};
  return n;
}

/* areas: narea areas, area a in subregion sub_of[a]; nstate states named s0, s1, ...;
 * one payer per name in payers; sectors added with tp_sector. Shares: all in state 0. */
static inline cs_plan *tp_new(int narea, const int *sub_of, int nsub, int nstate, int T0, int T1) {
  cs_plan *pl = calloc(1, sizeof *pl);
  cs_arena *ar = &pl->arena;
  cs_arena_init(ar);
  pl->path = "tiny.yaml";
  pl->name = "tiny";
  pl->T0 = T0;
  pl->T1 = T1;
  pl->nyear = T1 - T0 + 1;
  pl->dists = cs_arena_calloc(ar, TP_MAXDIST, sizeof(cs_dist));
  pl->narea = narea;
  pl->nsub = nsub;
  pl->areas = cs_arena_calloc(ar, narea, sizeof(cs_area));
  pl->subs = cs_arena_calloc(ar, nsub, sizeof(char *));
  static const char *ids[] = {"A1", "A2", "A3", "A4"}, *subs[] = {"R1", "R2", "R3"};
  static const char *sts[] = {"s0", "s1", "s2", "s3"};
  for (int a = 0; a < narea; a++) {
    pl->areas[a].id = ids[a];
    pl->areas[a].name = ids[a];
    pl->areas[a].sub = sub_of[a];
  }
  for (int r = 0; r < nsub; r++)
    pl->subs[r] = subs[r];
  pl->pop = cs_arena_calloc(ar, (size_t)narea * CS_NSEX * CS_NAGE, sizeof(double));
  pl->q0 = cs_arena_calloc(ar, CS_NSEX * CS_NAGE, sizeof(double));
  pl->fert = cs_arena_calloc(ar, CS_NAGE, sizeof(double));
  pl->mig = cs_arena_calloc(ar, (size_t)narea * CS_NSEX * CS_NAGE, sizeof(double));
  pl->pop_scale = tp_num(pl, 1);
  pl->mort_scale = tp_num(pl, 1);
  pl->fert_scale = tp_num(pl, 1);
  pl->mig_scale = tp_num(pl, 1);
  pl->proj_scale = tp_num(pl, 1);
  pl->trans_scale = tp_num(pl, 1);
  pl->use_scale = tp_num(pl, 1);
  pl->eol_scale = tp_num(pl, 1);
  pl->mort_improvement = tp_num(pl, 0);
  pl->trans_improvement = tp_num(pl, 0);
  pl->boys = tp_num(pl, 0.5);
  pl->price_growth = tp_num(pl, 0);
  pl->nstate = nstate;
  pl->states = cs_arena_calloc(ar, nstate, sizeof(cs_state));
  for (int k = 0; k < nstate; k++) {
    pl->states[k].id = sts[k];
    pl->states[k].utility = tp_num(pl, 1);
    pl->states[k].rr = tp_num(pl, 1);
  }
  pl->share0 = cs_arena_calloc(ar, CS_NSEX * CS_NAGE * (size_t)nstate, sizeof(double));
  for (int i = 0; i < CS_NSEX * CS_NAGE; i++)
    pl->share0[i * nstate] = 1.0;
  pl->trans = cs_arena_calloc(ar, CS_NSEX * CS_NAGE * (size_t)nstate * nstate, sizeof(double));
  pl->npayer = 2;
  pl->payers = cs_arena_calloc(ar, 2, sizeof(cs_payer));
  pl->payers[0].id = "zvw";
  pl->payers[1].id = "wmo";
  pl->ngroup = 1;
  pl->groups = cs_arena_calloc(ar, 1, sizeof(char *));
  pl->groups[0] = "g";
  pl->wf = cs_arena_calloc(ar, (size_t)nsub, sizeof(cs_wf_row));
  pl->sectors = cs_arena_calloc(ar, 8, sizeof(cs_sector));
  pl->use = cs_arena_calloc(ar, 8 * (size_t)nstate * CS_NSEX * CS_NAGE, sizeof(double));
  pl->eol = cs_arena_calloc(ar, 8 * (size_t)nstate * CS_NSEX * CS_NAGE, sizeof(double));
  pl->price_year = T0;
  pl->discount_rate = 0.03;
  pl->insurer_payer = CS_NONE;
  pl->discount_rate_effects = 0.015;
  pl->crit_year = T1;
  pl->crit_payer = 0;
  pl->crit_short_year = T0 + 2 < T1 ? T0 + 2 : T1;
  pl->flow_den = cs_arena_calloc(ar, 8, 1); /* set per sector by tp_sector: secondary ones */
  pl->care_use_pct = 1.0;
  pl->patient_flows_pct = 2.0;
  pl->staff_fte = 25;
  pl->real_estate_m2 = 2000;
  pl->ivs = cs_arena_calloc(ar, 8, sizeof(cs_intervention));
  pl->themes = cs_arena_calloc(ar, 8, sizeof(cs_theme));
  pl->scens = cs_arena_calloc(ar, 8, sizeof(cs_scenario_def));
  return pl;
}

static inline double *tp_use(cs_plan *pl, double *tab, int c, int k, int s, int x) {
  return &tab[(((size_t)c * pl->nstate + k) * CS_NSEX + s) * CS_NAGE + x];
}

/* Adds a sector (payer index, chain, price, fte/unit, m2/unit, co2/unit, growth); room for 8
 * (the use and eol arrays are [c][k][s][x], so their layout does not depend on the count). */
static inline int tp_sector(cs_plan *pl, const char *id, int payer, cs_chain ch, double price,
                            double fte, double m2, double co2, double growth) {
  cs_sector *s = &pl->sectors[pl->nsector];
  s->id = id;
  s->name = id;
  s->unit = "unit";
  s->payer = payer;
  s->chain = ch;
  s->group = 0;
  s->price = tp_num(pl, price);
  s->fte_per_unit = tp_num(pl, fte);
  s->m2_per_unit = tp_num(pl, m2);
  s->co2_per_unit = tp_num(pl, co2);
  s->growth = tp_num(pl, growth);
  s->marginal_share = 1.0;
  pl->flow_den[pl->nsector] = ch == CS_CHAIN_SECONDARY;
  return pl->nsector++;
}

/* A theme with one intervention targeting everyone, linear uptake max from T0, ramp 1. */
static inline cs_intervention *tp_intervention(cs_plan *pl, const char *id, double max) {
  cs_arena *ar = &pl->arena;
  cs_theme *th = &pl->themes[pl->ntheme];
  th->id = id;
  th->name = id;
  th->first = pl->niv;
  th->count = 1;
  cs_intervention *iv = &pl->ivs[pl->niv++];
  iv->id = id;
  iv->name = id;
  iv->theme = pl->ntheme++;
  iv->area_mask = cs_arena_calloc(ar, pl->narea, 1);
  memset(iv->area_mask, 1, (size_t)pl->narea);
  iv->sex_mask[0] = iv->sex_mask[1] = 1;
  iv->age_from = 0;
  iv->age_to = CS_XMAX;
  iv->state_mask = cs_arena_calloc(ar, pl->nstate, 1);
  memset(iv->state_mask, 1, (size_t)pl->nstate);
  iv->max = tp_num(pl, max);
  iv->ramp_years = 1;
  iv->start = pl->T0;
  iv->curve = CS_CURVE_LINEAR;
  iv->start_by_sub = cs_arena_calloc(ar, pl->nsub, sizeof(int32_t));
  for (int r = 0; r < pl->nsub; r++)
    iv->start_by_sub[r] = CS_YEAR_NONE;
  iv->effects = cs_arena_calloc(ar, 8, sizeof(cs_effect));
  iv->costs = cs_arena_calloc(ar, 8, sizeof(cs_cost));
  return iv;
}

static inline cs_effect *tp_effect(cs_plan *pl, cs_intervention *iv, cs_effect_kind kind) {
  cs_effect *e = &iv->effects[iv->neffect++];
  e->kind = kind;
  e->change = tp_num(pl, 0);
  e->fraction = tp_num(pl, 0);
  e->ratio = tp_num(pl, 0);
  e->outflow_change = tp_num(pl, 0);
  e->extra_inflow = tp_num(pl, 0);
  return e;
}

/* Everything a test needs of one deterministic run. */
typedef struct {
  cs_arena ar;
  cs_params pm;
  cs_scen *sc;
  int32_t nsc;
  cs_results r;
  cs_econ ec;
} tp_run;

static inline tp_run *tp_run_new(cs_plan *pl, int detail) {
  tp_run *t = calloc(1, sizeof *t);
  cs_arena_init(&t->ar);
  double *theta = cs_arena_calloc(&t->ar, pl->ndist + 1, sizeof(double));
  for (int i = 0; i < pl->ndist; i++)
    theta[i] = pl->dists[i].mean;
  cs_work w;
  if (cs_params_build(pl, theta, &t->ar, &t->pm) != CS_OK) abort();
  t->nsc = cs_scen_build(pl, &t->pm, &t->ar, &t->sc);
  if (t->nsc < 0 || cs_results_alloc(pl, t->nsc, detail, &t->ar, &t->r) != CS_OK ||
      cs_work_alloc(pl, &t->pm, t->nsc, &t->ar, &w) != CS_OK)
    abort();
  cs_kernel(pl, &t->pm, t->sc, t->nsc, &w, &t->r);
  if (cs_econ_compute(pl, &t->r, &t->ar, &t->ec) != CS_OK) abort();
  return t;
}

static inline void tp_run_free(tp_run *t) {
  cs_arena_release(&t->ar);
  free(t);
}
static inline void tp_free(cs_plan *pl) {
  cs_arena_release(&pl->arena);
  free(pl);
}

static inline double tp_demo(const tp_run *t, int i, int y, int a, int col) {
  return t->r.demo[(cs_ix_sy(&t->r, i, y) * t->r.na + a) * CS_DEMO_N + col];
}
static inline double tp_care(const tp_run *t, int i, int y, int a, int c, int col) {
  return t->r.care[((cs_ix_sy(&t->r, i, y) * t->r.na + a) * t->r.nc + c) * CS_CARE_N + col];
}
static inline double tp_pop(const tp_run *t, const cs_plan *pl, int i, int y, int a, int s, int x,
                            int k) {
  size_t cells = (size_t)pl->narea * CS_NSEX * CS_NAGE * pl->nstate;
  return t->r.detail[cs_ix_sy(&t->r, i, y) * cells + cs_ix_asx(a, s, x) * pl->nstate + k];
}

#endif
