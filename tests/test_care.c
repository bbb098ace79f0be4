/* test_care.c: MODEL.md sections 3 and 5 (units, cost, FTE, m2, CO2, life years, QALYs,
 * end-of-life use, growth, workforce supply) on a hand-made plan; values worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tinyplan.h"
#include "tpcheck.h"

#define F 0
static const int ONE_SUB[] = {0};

/* 1000 women aged 70, states (0.8, 0.2) with rr (1, 2), q 0.05; nobody dies at 71. */
static cs_plan *care_plan(void) {
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 2, 2024, 2025);
  pl->pop[cs_ix_asx(0, F, 70)] = 1000;
  pl->share0[(F * CS_NAGE + 70) * 2 + 0] = 0.8;
  pl->share0[(F * CS_NAGE + 70) * 2 + 1] = 0.2;
  pl->q0[F * CS_NAGE + 70] = 0.05;
  pl->states[0].utility = tp_num(pl, 0.9);
  pl->states[1].utility = tp_num(pl, 0.5);
  pl->states[1].rr = tp_num(pl, 2.0);
  pl->price_growth = tp_num(pl, 0.02);
  int gp = tp_sector(pl, "gp", 0, CS_CHAIN_PRIMARY, 40, 0.001, 0.5, 2, 0.1);
  for (int x = 70; x <= 71; x++) {
    *tp_use(pl, pl->use, gp, 0, F, x) = 3;
    *tp_use(pl, pl->use, gp, 1, F, x) = 6;
    *tp_use(pl, pl->eol, gp, 1, F, x) = 10;
  }
  pl->wf[0] = (cs_wf_row){1, 10, 0.05, 0.1, 2};
  return pl;
}

static void test_units_cost_staff_space(void **st) {
  (void)st;
  cs_plan *pl = care_plan();
  tp_run *t = tp_run_new(pl, 0);
  /* rbar = 0.8*1 + 0.2*2 = 1.2; q = (0.05/1.2, 0.1/1.2); deaths (33.333.., 16.666..) = 50.
   * units 2024 = 800*3 + 200*6 + 16.666..*10 (end of life, state 1) = 3766.666.. */
  double U = 2400 + 1200 + 100.0 / 6.0 * 10;
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_UNITS), U);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_COST), U * 40);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_FTE), U * 0.001);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_M2), U * 0.5);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_CO2), U * 2);
  /* 2025: survivors (766.66.., 183.33..), no deaths at 71; growth 1.1, price growth 1.02 */
  double U1 = (2300.0 + 1100.0) * 1.1;
  near(tp_care(t, 0, 1, 0, 0, CS_CARE_UNITS), U1);
  near(tp_care(t, 0, 1, 0, 0, CS_CARE_COST), U1 * 40 * 1.02);
  /* the payer sums its sectors */
  near(t->r.payer_care[cs_ix_sy(&t->r, 0, 1) * 2 + 0], U1 * 40 * 1.02);
  near(t->r.payer_care[cs_ix_sy(&t->r, 0, 1) * 2 + 1], 0);
  tp_run_free(t);
  tp_free(pl);
}

static void test_life_years_qalys(void **st) {
  (void)st;
  cs_plan *pl = care_plan();
  tp_run *t = tp_run_new(pl, 0);
  const double *h = t->r.health;
  /* LY = 1000 - 50/2; QALY = (800 - 33.33/2)*0.9 + (200 - 16.67/2)*0.5 */
  near(h[CS_HEALTH_LY], 975);
  near(h[CS_HEALTH_QALY], (800 - 100.0 / 6.0) * 0.9 + (200 - 100.0 / 12.0) * 0.5);
  tp_run_free(t);
  tp_free(pl);
}

static void test_workforce_supply(void **st) {
  (void)st;
  cs_plan *pl = care_plan();
  tp_run *t = tp_run_new(pl, 0);
  /* supply 10 in 2024; 10 * (1 - 0.05 - 0.1) + 2 = 10.5 in 2025; demand = the sector's FTE */
  near(t->r.wf_sup[cs_ix_sy(&t->r, 0, 0)], 10);
  near(t->r.wf_sup[cs_ix_sy(&t->r, 0, 1)], 10.5);
  near(t->r.wf_dem[cs_ix_sy(&t->r, 0, 0)], tp_care(t, 0, 0, 0, 0, CS_CARE_FTE));
  tp_run_free(t);
  tp_free(pl);
}

/* A state with nobody in it and a cell with nobody: no NaN anywhere, mortality uses share0. */
static void test_empty_state_and_cell(void **st) {
  (void)st;
  cs_plan *pl = care_plan();
  pl->share0[(F * CS_NAGE + 70) * 2 + 0] = 1.0;
  pl->share0[(F * CS_NAGE + 70) * 2 + 1] = 0.0;
  tp_run *t = tp_run_new(pl, 0);
  /* rbar = 1 (all in state 0): deaths = 1000 * 0.05; state 1 empty contributes nothing */
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 50);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_UNITS), 3000);
  for (size_t i = 0; i < (size_t)t->r.nsc * t->r.ny * CS_DEMO_N; i++)
    assert_false(isnan(t->r.demo[i]));
  tp_run_free(t);
  tp_free(pl);
}

/* Persons are conserved: start + births + migration - deaths = next start. */
static void test_conservation(void **st) {
  (void)st;
  cs_plan *pl = care_plan();
  pl->fert[30] = 0.05;
  pl->pop[cs_ix_asx(0, F, 30)] = 500;
  pl->mig[cs_ix_asx(0, F, 31)] = -600; /* capped */
  pl->mig[cs_ix_asx(0, F, 50)] = 12;
  tp_run *t = tp_run_new(pl, 0);
  double next = tp_demo(t, 0, 1, 0, CS_DEMO_POP);
  double bal = tp_demo(t, 0, 0, 0, CS_DEMO_POP) + tp_demo(t, 0, 0, 0, CS_DEMO_BIRTHS) +
               tp_demo(t, 0, 0, 0, CS_DEMO_MIG) - tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS);
  near(next, bal);
  tp_run_free(t);
  tp_free(pl);
}

/* The baseline reproduces the population death rate: with any state mix, relative risks and
 * transitions, baseline deaths of a year = sum over cells of N * q(s, x, t). */
static void test_baseline_death_rate(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 3, 2024, 2030);
  pl->mort_improvement = tp_num(pl, 0.02);
  pl->states[1].rr = tp_num(pl, 1.7);
  pl->states[2].rr = tp_num(pl, 4.2);
  unsigned seed = 7;
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x < CS_NAGE; x++) {
      seed = seed * 1103515245u + 12345u;
      double a = (seed >> 16) % 1000 / 2000.0, b = (seed >> 8) % 1000 / 4000.0;
      double *sh = &pl->share0[((size_t)s * CS_NAGE + x) * 3];
      sh[0] = 1 - a - b;
      sh[1] = a;
      sh[2] = b;
      double *p = &pl->trans[((size_t)s * CS_NAGE + x) * 9];
      p[0 * 3 + 1] = 0.05;
      p[1 * 3 + 2] = 0.1;
      p[1 * 3 + 0] = 0.02;
      pl->pop[cs_ix_asx(0, s, x)] = 100 + x;
      /* q_k = q*rr/rbar must stay below 1 for the identity to hold: the cap at 1 binds
       * for high-risk states at old ages (documented in docs/model.md) */
      pl->q0[s * CS_NAGE + x] = fmin(0.15, 0.0005 * exp(0.09 * x));
    }
  tp_run *t = tp_run_new(pl, 1);
  for (int y = 0; y < pl->nyear; y++) {
    double want = 0.0;
    for (int s = 0; s < CS_NSEX; s++)
      for (int x = 0; x < CS_NAGE; x++) {
        double n = 0.0;
        for (int k = 0; k < 3; k++)
          n += tp_pop(t, pl, 0, y, 0, s, x, k);
        want += n * pl->q0[s * CS_NAGE + x] * pow(0.98, y);
      }
    near(tp_demo(t, 0, y, 0, CS_DEMO_DEATHS), want);
  }
  tp_run_free(t);
  tp_free(pl);
}

/* End-of-life use is per decedent, by the state at death, and grows with the sector. */
static void test_end_of_life_use(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 1, 2024, 2025);
  int c = tp_sector(pl, "hospice", 0, CS_CHAIN_LONG_TERM, 500, 0, 0, 0, 0.05);
  pl->pop[cs_ix_asx(0, F, 90)] = 200;
  pl->q0[F * CS_NAGE + 90] = 0.25;
  pl->q0[F * CS_NAGE + 91] = 0.5;
  *tp_use(pl, pl->eol, c, 0, F, 90) = 4;
  *tp_use(pl, pl->eol, c, 0, F, 91) = 4;
  tp_run *t = tp_run_new(pl, 0);
  near(tp_care(t, 0, 0, 0, c, CS_CARE_UNITS), 50 * 4);               /* 50 deaths */
  near(tp_care(t, 0, 1, 0, c, CS_CARE_UNITS), 150 * 0.5 * 4 * 1.05); /* 75 deaths, grown */
  tp_run_free(t);
  tp_free(pl);
}

/* area_use_index (v0.2): the care plan with its area at index 1.5 for gp: units 2024 =
 * 1.5 * (2400 + 1200 + 166.67), and so its cost, FTE, m2; deaths and QALYs unchanged. */
static void test_area_use_index(void **st) {
  (void)st;
  cs_plan *pl = care_plan();
  pl->area_index = cs_arena_calloc(&pl->arena, 1, sizeof(double));
  pl->area_index[0] = 1.5;
  tp_run *t = tp_run_new(pl, 0);
  double U = (2400 + 1200 + 100.0 / 6.0 * 10) * 1.5;
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_UNITS), U);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_COST), U * 40);
  near(tp_care(t, 0, 0, 0, 0, CS_CARE_FTE), U * 0.001);
  near(tp_care(t, 0, 1, 0, 0, CS_CARE_UNITS), (2300.0 + 1100.0) * 1.1 * 1.5);
  tp_run_free(t);
  tp_free(pl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units_cost_staff_space), cmocka_unit_test(test_life_years_qalys),
      cmocka_unit_test(test_workforce_supply),       cmocka_unit_test(test_empty_state_and_cell),
      cmocka_unit_test(test_conservation),           cmocka_unit_test(test_baseline_death_rate),
      cmocka_unit_test(test_end_of_life_use),        cmocka_unit_test(test_area_use_index)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
