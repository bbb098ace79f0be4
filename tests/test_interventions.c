/* test_interventions.c: MODEL.md sections 4, 6, 7 and 8 on hand-made plans: uptake curves,
 * every effect kind, clamping, coverage of a scenario without a subregion, costs, NPV,
 * break-even years, criteria, and the properties "no uptake = baseline" and monotone cost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tinyplan.h"
#include "tpcheck.h"

#define F 0
static const int SUBS[] = {0, 1};

/* 1000 women aged 30 in A1 (subregion R1), 3000 in A2 (R2); nobody dies, no births.
 * Sector hosp (secondary, zvw) 2 units per person, price 10; home (primary, zvw) 1 unit,
 * price 5. Use is given for ages 30..40 so the cohorts keep using as they age. */
static cs_plan *iv_plan(int T1) {
  cs_plan *pl = tp_new(2, SUBS, 2, 1, 2024, T1);
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->pop[cs_ix_asx(1, F, 30)] = 3000;
  int h = tp_sector(pl, "hosp", 0, CS_CHAIN_SECONDARY, 10, 0.01, 1.0, 0, 0);
  int m = tp_sector(pl, "home", 0, CS_CHAIN_PRIMARY, 5, 0.002, 0.0, 0, 0);
  for (int x = 30; x <= 40; x++) {
    *tp_use(pl, pl->use, h, 0, F, x) = 2;
    *tp_use(pl, pl->use, m, 0, F, x) = 1;
  }
  return pl;
}

static double up(const tp_run *t, int i, int y, int a, int v) {
  return t->r.uptake[(cs_ix_sy(&t->r, i, y) * t->r.na + a) * t->r.niv + v];
}

static void test_uptake_curves(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2029);
  cs_intervention *lin = tp_intervention(pl, "lin", 0.6);
  lin->ramp_years = 3;
  lin->start = 2025;
  lin->start_by_sub[1] = 2027; /* R2 starts later */
  cs_intervention *lg = tp_intervention(pl, "log", 0.8);
  lg->curve = CS_CURVE_LOGISTIC;
  lg->ramp_years = 4;
  tp_run *t = tp_run_new(pl, 0);
  /* linear, R1: 2024 before start; then 0.6 * (1/3, 2/3, 1, 1) */
  near(up(t, 1, 0, 0, 0), 0);
  near(up(t, 1, 1, 0, 0), 0.2);
  near(up(t, 1, 2, 0, 0), 0.4);
  near(up(t, 1, 3, 0, 0), 0.6);
  near(up(t, 1, 5, 0, 0), 0.6);
  /* R2 starts in 2027 */
  near(up(t, 1, 2, 1, 0), 0);
  near(up(t, 1, 3, 1, 0), 0.2);
  /* logistic from 2024, ramp 4: 0.8 / (1 + exp(-(d+1-2)*2)) */
  near(up(t, 1, 0, 0, 1), 0.8 / (1 + exp(2.0)));
  near(up(t, 1, 1, 0, 1), 0.4);
  near(up(t, 1, 2, 0, 1), 0.8 / (1 + exp(-2.0)));
  /* the theme's own scenario without it: no uptake */
  near(up(t, 2, 3, 0, 0), 0);  /* without-lin */
  near(up(t, 2, 3, 0, 1), 0.8 / (1 + exp(-4.0))); /* 2027: d = 3 */
  tp_run_free(t);
  tp_free(pl);
}

static void test_use_shift_fte_effects(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2024);
  cs_intervention *iv = tp_intervention(pl, "iv", 0.5);
  cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = 0;
  e->change = tp_num(pl, -0.2);          /* hosp u *= 1 - 0.2*0.5 = 0.9 -> 1.8 */
  e = tp_effect(pl, iv, CS_EFF_SHIFT);
  e->from = 0; e->to = 1;
  e->fraction = tp_num(pl, 0.5);         /* du = 0.5*0.5*1.8 = 0.45; hosp 1.35, home 1 + 2*0.45 */
  e->ratio = tp_num(pl, 2.0);
  e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = 1;
  e->change = tp_num(pl, -0.1);          /* later effect on `to` acts on shifted-in units too */
  e = tp_effect(pl, iv, CS_EFF_FTE);
  e->sector = 0;
  e->change = tp_num(pl, -0.4);          /* m_fte 0.8 */
  tp_run *t = tp_run_new(pl, 0);
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_UNITS), 1000 * 1.35);
  near(tp_care(t, 1, 0, 0, 1, CS_CARE_UNITS), 1000 * 1.9 * 0.95);
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_FTE), 1000 * 1.35 * 0.01 * 0.8);
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_COST), 1000 * 1.35 * 10);
  /* patient flows: 450 + 1350 hosp units shifted, over baseline back units 2*4000 = 8000 */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_PATIENT_FLOWS], (450.0 + 1350.0) / 8000 * 100);
  /* participants: 4000 persons * 0.5 */
  near(t->r.participants[(cs_ix_sy(&t->r, 1, 0) * 2 + 0)] + t->r.participants[(cs_ix_sy(&t->r, 1, 0) * 2 + 1)], 2000);
  /* staff: baseline FTE 8000*0.01 + 4000*0.002 = 88; plan 4000*(1.35*0.01*0.8 + 1.805*0.002) */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_STAFF], 88 - 4000 * (1.35 * 0.008 + 1.805 * 0.002));
  /* real estate: hosp 1 m2 per unit: 8000 - 4000*1.35 */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_REAL_ESTATE], 8000 - 5400);
  /* care use: zvw cost baseline 8000*10 + 4000*5 = 100000; plan 54000 + 7220*5 */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_CARE_USE], (100000.0 - 54000 - 36100) / 100000 * 100);
  tp_run_free(t);
  tp_free(pl);
}

/* transition effect pushes the row above 1: scaled to sum 1, so every survivor moves. */
static void test_transition_clamp(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, SUBS, 1, 2, 2024, 2025);
  pl->pop[cs_ix_asx(0, F, 30)] = 100;
  pl->trans[((F * CS_NAGE + 30) * 2 + 0) * 2 + 1] = 0.6;
  cs_intervention *iv = tp_intervention(pl, "iv", 1.0);
  cs_effect *e = tp_effect(pl, iv, CS_EFF_TRANSITION);
  e->from = 0; e->to = 1;
  e->change = tp_num(pl, 1.0);           /* 0.6 * 2 = 1.2 > 1 -> 1 */
  tp_run *t = tp_run_new(pl, 1);
  near(tp_pop(t, pl, 1, 1, 0, F, 31, 1), 100);
  near(tp_pop(t, pl, 1, 1, 0, F, 31, 0), 0);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 1), 60);  /* baseline unchanged */
  assert_true(t->r.clamp_iv[0] > 0);
  tp_run_free(t);
  tp_free(pl);
}

/* Costs, coverage and the business case. Use reduction 10% in both areas saves
 * 0.1*2*10 = 2 per person-year = 8000 per year (zvw); a once cost at T0 and a per-year cost. */
static cs_plan *bc_plan(int T1, double once) {
  cs_plan *pl = iv_plan(T1);
  cs_intervention *iv = tp_intervention(pl, "iv", 1.0);
  cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = 0;
  e->change = tp_num(pl, -0.1);
  iv->costs[iv->ncost++] = (cs_cost){CS_COST_ONCE, 0, tp_num(pl, once), 2024, 0, 0};
  iv->costs[iv->ncost++] = (cs_cost){CS_COST_PER_YEAR, 1, tp_num(pl, 1000), 0, 2025, 2026};
  iv->costs[iv->ncost++] = (cs_cost){CS_COST_PER_PARTICIPANT, 1, tp_num(pl, 0.5), 0, 0, 0};
  cs_scenario_def *s = &pl->scens[pl->nscen++];
  s->id = "r1-only";
  s->has_subregions = 1;
  s->sub_mask = cs_arena_calloc(&pl->arena, 2, 1);
  s->sub_mask[0] = 1;
  s->delay = cs_arena_calloc(&pl->arena, 2, sizeof(int32_t));
  return pl;
}

static double impl(const tp_run *t, int i, int y, int line) {
  return t->r.impl[cs_ix_sy(&t->r, i, y) * t->r.nline + line];
}

static void test_costs_coverage_npv(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  tp_run *t = tp_run_new(pl, 0);
  /* scenario order: baseline, plan, r1-only, without-iv */
  near(impl(t, 1, 0, 0), 20000);
  near(impl(t, 1, 1, 0), 0);
  near(impl(t, 1, 0, 1), 0);          /* per_year starts 2025 */
  near(impl(t, 1, 1, 1), 1000);
  near(impl(t, 1, 0, 2), 0.5 * 4000); /* per participant */
  /* r1-only: coverage 1000/4000 on once and per_year; participants only in A1 */
  near(impl(t, 2, 0, 0), 5000);
  near(impl(t, 2, 2, 1), 250);
  near(impl(t, 2, 0, 2), 0.5 * 1000);
  near(impl(t, 3, 0, 0), 0);          /* without-iv */
  /* NPV of zvw in plan: savings 8000 * (1 + 1/1.03 + 1/1.03^2), investment 20000 */
  int nst = t->ec.nst;
  double sav = 8000 * (1 + 1 / 1.03 + 1 / (1.03 * 1.03));
  near(t->ec.sav[1 * nst + 0], sav);
  near(t->ec.inv[1 * nst + 0], 20000);
  near(t->ec.npv[1 * nst + 0], sav - 20000);
  /* wmo invests 2000 + (1000 + 2000)/1.03 + (1000 + 2000)/1.03^2 and saves nothing */
  near(t->ec.inv[1 * nst + 1], 2000 + 3000 / 1.03 + 3000 / (1.03 * 1.03));
  near(t->ec.npv[1 * nst + 2], t->ec.npv[1 * nst + 0] + t->ec.npv[1 * nst + 1]);
  /* wrong pocket: wmo's savings (0) and zvw's savings split by investment share */
  double inv_tot = t->ec.inv[1 * nst + 2];
  near(t->ec.wrong_pocket[(1 * 2 + 1) * 2 + 0], t->ec.inv[1 * nst + 1] / inv_tot * sav);
  near(t->ec.wrong_pocket[(1 * 2 + 0) * 2 + 0], 20000 / inv_tot * sav);
  near(t->ec.wrong_pocket[(1 * 2 + 0) * 2 + 1], 0);
  /* zvw: cumulative delta 12000, 4000, -4000: break-even 2026; total: 14000, 9000, 4000: none */
  assert_int_equal(t->ec.break_even[1 * nst + 0], 2026);
  assert_int_equal(t->ec.break_even[1 * nst + 2], CS_YEAR_NONE);
  tp_run_free(t);
  tp_free(pl);
}

static void test_break_even_at_once(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 100);
  tp_run *t = tp_run_new(pl, 0);
  /* zvw: 100 - 8000 < 0 in the first year and stays below: break-even 2024 */
  assert_int_equal(t->ec.break_even[1 * t->ec.nst + 0], 2024);
  tp_run_free(t);
  tp_free(pl);
}

/* No uptake or no change gives exactly the baseline, bit for bit. */
static void test_zero_uptake_is_baseline(void **st) {
  (void)st;
  for (int variant = 0; variant < 2; variant++) {
    cs_plan *pl = iv_plan(2026);
    cs_intervention *iv = tp_intervention(pl, "iv", variant ? 0.7 : 0.0);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
    e->sector = 0;
    e->change = tp_num(pl, variant ? 0.0 : -0.5);
    e = tp_effect(pl, iv, CS_EFF_SHIFT);
    e->from = 0; e->to = 1; e->ratio = tp_num(pl, 2);
    e->fraction = tp_num(pl, variant ? 0.0 : 0.3);
    tp_run *t = tp_run_new(pl, 0);
    size_t n = (size_t)t->r.ny * t->r.na * t->r.nc * CS_CARE_N;
    assert_memory_equal(t->r.care, t->r.care + n, n * sizeof(double));
    tp_run_free(t);
    tp_free(pl);
  }
}

/* A pure use reduction lowers cost monotonically in its size. */
static void test_monotone_cost(void **st) {
  (void)st;
  double prev = INFINITY;
  for (int i = 0; i <= 10; i++) {
    cs_plan *pl = iv_plan(2025);
    cs_intervention *iv = tp_intervention(pl, "iv", 0.8);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
    e->sector = 0;
    e->change = tp_num(pl, -0.1 * i);
    tp_run *t = tp_run_new(pl, 0);
    double c = t->r.payer_care[cs_ix_sy(&t->r, 1, 1) * 2 + 0];
    assert_true(c < prev);
    prev = c;
    tp_run_free(t);
    tp_free(pl);
  }
}

/* Workforce effects: outflow * max(0, 1 + change*upbar), inflow + extra*upbar, upbar
 * population-weighted over the subregion's areas. */
static void test_workforce_effect(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2025);
  pl->wf[0] = (cs_wf_row){1, 100, 0.05, 0.1, 2};
  cs_intervention *iv = tp_intervention(pl, "iv", 0.5);
  iv->area_mask[1] = 0; /* A1 only (all of R1) */
  cs_effect *e = tp_effect(pl, iv, CS_EFF_WORKFORCE);
  e->group = 0;
  e->outflow_change = tp_num(pl, -0.4);
  e->extra_inflow = tp_num(pl, 6);
  tp_run *t = tp_run_new(pl, 0);
  /* upbar(R1) = 0.5: outflow 0.1*0.8, inflow 2 + 3: 100*(1 - 0.05 - 0.08) + 5 = 92 */
  near(t->r.wf_sup[cs_ix_sy(&t->r, 1, 1) * 2 + 0], 92);
  near(t->r.wf_sup[cs_ix_sy(&t->r, 0, 1) * 2 + 0], 100 * 0.85 + 2);
  near(t->r.wf_sup[cs_ix_sy(&t->r, 1, 1) * 2 + 1], 0); /* R2 has no workforce row */
  tp_run_free(t);
  tp_free(pl);
}

/* Two effects on one quantity multiply; an end_of_life_use effect acts on e' only. */
static void test_stacked_and_eol_effects(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2024);
  pl->q0[F * CS_NAGE + 30] = 0.1;                       /* 400 deaths in all */
  for (int x = 30; x <= 40; x++) *tp_use(pl, pl->eol, 0, 0, F, x) = 5;
  cs_intervention *iv = tp_intervention(pl, "iv", 1.0);
  cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = 0;
  e->change = tp_num(pl, -0.5);
  e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = 0;
  e->change = tp_num(pl, -0.2);
  e = tp_effect(pl, iv, CS_EFF_EOL);
  e->sector = 0;
  e->change = tp_num(pl, -0.4);
  tp_run *t = tp_run_new(pl, 0);
  /* hosp: 4000 persons * 2 * 0.5 * 0.8 + 400 deaths * 5 * 0.6; baseline 8000 + 2000 */
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_UNITS) + tp_care(t, 1, 0, 1, 0, CS_CARE_UNITS), 3200 + 1200);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_UNITS) + tp_care(t, 0, 0, 1, 0, CS_CARE_UNITS), 8000 + 2000);
  tp_run_free(t);
  tp_free(pl);
}

/* QALYs and life years are discounted at discount_rate_effects; cost per QALY and the
 * societal balance follow. Two states, utility 1 and 0.5; half of state 0 moves to state 1
 * at age 30 unless the intervention (transition change -1 at full uptake) stops it. */
static void test_health_economics(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, SUBS, 1, 2, 2024, 2025);
  pl->pop[cs_ix_asx(0, F, 30)] = 100;
  pl->states[1].utility = tp_num(pl, 0.5);
  pl->trans[((F * CS_NAGE + 30) * 2 + 0) * 2 + 1] = 0.5;
  pl->qaly_value = 50000;
  cs_intervention *iv = tp_intervention(pl, "iv", 1.0);
  cs_effect *e = tp_effect(pl, iv, CS_EFF_TRANSITION);
  e->from = 0; e->to = 1;
  e->change = tp_num(pl, -1.0);
  iv->costs[iv->ncost++] = (cs_cost){CS_COST_ONCE, 0, tp_num(pl, 1000), 2024, 0, 0};
  tp_run *t = tp_run_new(pl, 0);
  /* 2024: 100 QALYs in both; 2025: baseline 50 + 50*0.5 = 75, plan 100 */
  double dq = 25 / 1.015;
  near(t->ec.dqaly[1], dq);
  near(t->ec.dly[1], 0);
  near(t->ec.npv[1 * t->ec.nst + 2], -1000);
  near(t->ec.cost_per_qaly[1], 1000 / dq);
  near(t->ec.societal[1], -1000 + 50000 * dq);
  assert_true(isnan(t->ec.cost_per_qaly[2])); /* without-iv: no QALYs gained, no ratio */
  tp_run_free(t);
  tp_free(pl);
}

/* A pace variant: a delay moves the start of uptake in its subregion, not the costs. */
static void test_delay_scenario(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2027, 20000);
  cs_scenario_def *s = &pl->scens[pl->nscen++];
  s->id = "r2-later";
  s->sub_mask = cs_arena_calloc(&pl->arena, 2, 1);
  s->sub_mask[0] = s->sub_mask[1] = 1;
  s->delay = cs_arena_calloc(&pl->arena, 2, sizeof(int32_t));
  s->delay[1] = 2;
  tp_run *t = tp_run_new(pl, 0);
  /* scenarios: baseline, plan, r1-only, r2-later, without-iv */
  near(up(t, 3, 0, 0, 0), 1.0);  /* R1 as planned */
  near(up(t, 3, 1, 1, 0), 0.0);  /* R2 from 2026 */
  near(up(t, 3, 2, 1, 0), 1.0);
  near(impl(t, 3, 0, 0), 20000); /* the once cost stays in 2024, unscaled */
  tp_run_free(t);
  tp_free(pl);
}

/* The kernel is pure: run twice into the same buffers, the results are the same bytes. */
static void test_kernel_rerun_identical(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2027, 5000);
  tp_run *t = tp_run_new(pl, 1);
  size_t n = (size_t)t->r.nsc * t->r.ny * t->r.na * CS_DEMO_N;
  double *demo = malloc(n * sizeof(double));
  memcpy(demo, t->r.demo, n * sizeof(double));
  double pc = t->r.payer_care[5];
  cs_work w;
  assert_int_equal(cs_work_alloc(pl, &t->pm, t->nsc, &t->ar, &w), CS_OK);
  cs_kernel(pl, &t->pm, t->sc, t->nsc, &w, &t->r);
  assert_memory_equal(demo, t->r.demo, n * sizeof(double));
  assert_true(pc == t->r.payer_care[5]);
  free(demo);
  tp_run_free(t);
  tp_free(pl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uptake_curves),      cmocka_unit_test(test_use_shift_fte_effects),
      cmocka_unit_test(test_transition_clamp),   cmocka_unit_test(test_costs_coverage_npv),
      cmocka_unit_test(test_break_even_at_once), cmocka_unit_test(test_zero_uptake_is_baseline),
      cmocka_unit_test(test_monotone_cost),      cmocka_unit_test(test_workforce_effect),
      cmocka_unit_test(test_kernel_rerun_identical), cmocka_unit_test(test_stacked_and_eol_effects),
      cmocka_unit_test(test_health_economics),       cmocka_unit_test(test_delay_scenario)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
