/* test_demography.c: MODEL.md section 2 on tiny hand-made plans; every expected value is
 * worked out by hand in the comment beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tinyplan.h"

#define F 0
#define M 1
#include "tpcheck.h"

static const int ONE_SUB[] = {0, 0};

/* 1000 women and 1000 men aged 30; q = 0.01 (f), 0.02 (m); fertility 0.05 at 30; boys 0.5. */
static cs_plan *births_plan(void) {
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 1, 2024, 2026);
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->pop[cs_ix_asx(0, M, 30)] = 1000;
  pl->q0[F * CS_NAGE + 30] = 0.01;
  pl->q0[M * CS_NAGE + 30] = 0.02;
  pl->q0[F * CS_NAGE + 31] = 0.01;
  pl->fert[30] = 0.05;
  pl->fert[31] = 0.10;
  return pl;
}

static void test_births_deaths_ageing(void **st) {
  (void)st;
  cs_plan *pl = births_plan();
  tp_run *t = tp_run_new(pl, 1);
  /* 2024: deaths 1000*0.01 + 1000*0.02 = 30; births 0.05 * 1000 women = 50 */
  near(tp_demo(t, 0, 0, 0, CS_DEMO_POP), 2000);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 30);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_BIRTHS), 50);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_MIG), 0);
  /* 1 Jan 2025: women 31 = 990, men 31 = 980, newborns 25 + 25 */
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 0), 990);
  near(tp_pop(t, pl, 0, 1, 0, M, 31, 0), 980);
  near(tp_pop(t, pl, 0, 1, 0, F, 0, 0), 25);
  near(tp_pop(t, pl, 0, 1, 0, M, 0, 0), 25);
  near(tp_demo(t, 0, 1, 0, CS_DEMO_POP), 2020);
  /* 2025 births: start-of-year women at 31 (990) * 0.10 = 99; age-0 girls have fertility 0 */
  near(tp_demo(t, 0, 1, 0, CS_DEMO_BIRTHS), 99);
  /* 2025 deaths: women 990*0.01 = 9.9; men at 31 have q 0; newborns q 0 */
  near(tp_demo(t, 0, 1, 0, CS_DEMO_DEATHS), 9.9);
  tp_run_free(t);
  tp_free(pl);
}

/* The open age group: survivors at 99 and at 100 both land in 100+. */
static void test_open_age_group(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 1, 2024, 2025);
  pl->pop[cs_ix_asx(0, F, 99)] = 100;
  pl->pop[cs_ix_asx(0, F, 100)] = 50;
  pl->q0[F * CS_NAGE + 99] = 0.2;
  pl->q0[F * CS_NAGE + 100] = 0.4;
  tp_run *t = tp_run_new(pl, 1);
  /* 100*(1-0.2) + 50*(1-0.4) = 80 + 30 = 110 at 100+; nothing left at 99 */
  near(tp_pop(t, pl, 0, 1, 0, F, 100, 0), 110);
  near(tp_pop(t, pl, 0, 1, 0, F, 99, 0), 0);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 20 + 20);
  tp_run_free(t);
  tp_free(pl);
}

/* Mortality improvement i = 0.1: q(t) = q0 * 0.9^(t-T0); q capped at 1. */
static void test_mortality_improvement(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 1, 2024, 2026);
  pl->mort_improvement = tp_num(pl, 0.1);
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->pop[cs_ix_asx(0, M, 50)] = 10;
  for (int x = 30; x <= 32; x++)
    pl->q0[F * CS_NAGE + x] = 0.01;
  for (int x = 50; x <= 52; x++)
    pl->q0[M * CS_NAGE + x] = 1.5; /* capped at 1 */
  tp_run *t = tp_run_new(pl, 0);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 10 + 10);     /* q 0.01, and 10 men all die */
  near(tp_demo(t, 0, 1, 0, CS_DEMO_DEATHS), 990 * 0.009); /* 0.01 * 0.9 */
  near(tp_demo(t, 0, 2, 0, CS_DEMO_DEATHS), (990 - 8.91) * 0.0081);
  tp_run_free(t);
  tp_free(pl);
}

/* Net migration: positive enters with the base shares, negative is capped at what is there. */
static void test_migration_capping(void **st) {
  (void)st;
  const int subs[] = {0, 0};
  cs_plan *pl = tp_new(2, subs, 1, 2, 2024, 2025);
  /* two states, base shares at age 0 for boys: 0.6 / 0.4 */
  pl->share0[(M * CS_NAGE + 0) * 2 + 0] = 0.6;
  pl->share0[(M * CS_NAGE + 0) * 2 + 1] = 0.4;
  pl->pop[cs_ix_asx(0, F, 30)] = 1000; /* area A1 */
  pl->q0[F * CS_NAGE + 30] = 0.01;
  pl->mig[cs_ix_asx(0, F, 31)] = -2000; /* more leave than there are: capped */
  pl->mig[cs_ix_asx(0, M, 0)] = 5;      /* immigrants at age 0 join the newborns */
  pl->pop[cs_ix_asx(1, F, 40)] = 100;   /* area A2: partial removal */
  pl->mig[cs_ix_asx(1, F, 41)] = -30;
  tp_run *t = tp_run_new(pl, 1);
  /* A1: 990 survivors at 31 all leave (applied -990), +5 boys -> applied -985 */
  near(tp_demo(t, 0, 0, 0, CS_DEMO_MIG), -985);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 0), 0);
  near(tp_pop(t, pl, 0, 1, 0, M, 0, 0), 3); /* 5 * 0.6 */
  near(tp_pop(t, pl, 0, 1, 0, M, 0, 1), 2); /* 5 * 0.4 */
  /* capped: A1 2024 (2000 vs 990), A1 2025 (2000 vs nobody at 31), A2 2025 (30 vs nobody at 41:
   * the 70 moved on to 42), in each of the nsc scenarios */
  assert_int_equal(t->r.capped_cells, 3 * t->nsc);
  near(t->r.capped_persons, (1010.0 + 2000.0 + 30.0) * t->nsc);
  near(tp_demo(t, 0, 1, 0, CS_DEMO_MIG), 5);
  near(tp_demo(t, 0, 0, 1, CS_DEMO_MIG), -30);
  near(tp_pop(t, pl, 0, 1, 1, F, 41, 0), 70);
  /* 2025 (the horizon) migrates too, at age 41 on 1 Jan 2026, where nobody is left: 0 applied */
  near(tp_demo(t, 0, 1, 1, CS_DEMO_MIG), 0);
  tp_run_free(t);
  tp_free(pl);
}

/* 1000 women aged 30 in states (0.75, 0.25) with rr (1, 3), q 0.03, s0 -> s1 at 0.1. */
static cs_plan *two_state_plan(void) {
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 2, 2024, 2025);
  pl->states[1].rr = tp_num(pl, 3.0);
  pl->share0[(F * CS_NAGE + 30) * 2 + 0] = 0.75;
  pl->share0[(F * CS_NAGE + 30) * 2 + 1] = 0.25;
  pl->trans[((F * CS_NAGE + 30) * 2 + 0) * 2 + 1] = 0.1;
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->q0[F * CS_NAGE + 30] = 0.03;
  return pl;
}

/* State mortality: rr (1, 3), shares (0.75, 0.25): rbar 1.5, so q_k = q*rr/1.5 and the total
 * reproduces q; transitions s0 -> s1 at 0.1 move survivors. */
static void test_state_mortality_transitions(void **st) {
  (void)st;
  cs_plan *pl = two_state_plan();
  tp_run *t = tp_run_new(pl, 1);
  /* q0 = 0.03/1.5 = 0.02, q1 = 0.06: deaths 750*0.02 + 250*0.06 = 15 + 15 = 30 = 1000*0.03 */
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 30);
  /* survivors 735, 235; 73.5 move: next (661.5, 308.5) */
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 0), 661.5);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 1), 308.5);
  tp_run_free(t);
  tp_free(pl);
}

/* Hazard mode (docs/model.md 2 and 4, v0.2), the plan above: the life table is the risk of
 * rr 1 and q_k = 1 - (1 - q)^rr, no normalisation: deaths 750 * 0.03 + 250 * (1 - 0.97^3)
 * = 44.33175. The plan's intervention (everyone, uptake 1) halves the mortality hazard
 * (q_k = 1 - 0.97^(rr * 0.5)) and acts on s0 -> s1 as a hazard ratio 0.6: p = 1 - 0.9^0.6
 * = 0.0612596. Deaths 22.5008632, then (693.4140485, 284.0850883) at 31 (by hand in Python). */
static void test_hazard_mode(void **st) {
  (void)st;
  cs_plan *pl = two_state_plan();
  pl->mort_hazard = 1;
  cs_intervention *iv = tp_intervention(pl, "hr", 1.0);
  cs_effect *e = tp_effect(pl, iv, CS_EFF_MORTALITY);
  e->change = tp_num(pl, -0.5);
  e = tp_effect(pl, iv, CS_EFF_TRANSITION);
  e->from = 0;
  e->to = 1;
  e->change = tp_num(pl, -0.4);
  e->hazard = 1;
  tp_run *t = tp_run_new(pl, 1);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 44.33175);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 0), 727.5 * 0.9);
  near(tp_demo(t, 1, 0, 0, CS_DEMO_DEATHS), 22.500863171736654);
  near(tp_pop(t, pl, 1, 1, 0, F, 31, 0), 693.4140485250404);
  near(tp_pop(t, pl, 1, 1, 0, F, 31, 1), 284.08508830322296);
  tp_run_free(t);
  tp_free(pl);
}

/* The baseline's drift of prevalence by age (cs_plan_drift, v0.2). Shares (0.75, 0.25) at
 * every age, 1000 women at 30 and 1000 at 31, nobody dies, s0 -> s1 at 0.1 only at age 30.
 * In 2025: age 31 holds (675, 325) against the base year's (0.75, 0.25) there (+7.5 points,
 * the largest change); age 32 holds (750, 250) where 2024 had nobody (share0). Expected from
 * the base year's prevalence: (1500, 500); found (1425, 575): -5 % and +15 %. */
static void test_prevalence_drift(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 2, 2024, 2025);
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x < CS_NAGE; x++) {
      pl->share0[(s * CS_NAGE + x) * 2 + 0] = 0.75;
      pl->share0[(s * CS_NAGE + x) * 2 + 1] = 0.25;
    }
  pl->trans[((F * CS_NAGE + 30) * 2 + 0) * 2 + 1] = 0.1;
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->pop[cs_ix_asx(0, F, 31)] = 1000;
  cs_state_drift d[2];
  assert_int_equal(cs_plan_drift(pl, d, 1), CS_EINVAL); /* fewer entries than states */
  assert_int_equal(cs_plan_drift(pl, d, 2), CS_OK);
  near(d[0].ratio, -0.05);
  near(d[1].ratio, 0.15);
  assert_int_equal(d[1].sex, F);
  assert_int_equal(d[1].age, 31);
  near(d[1].from, 0.25);
  near(d[1].to, 0.325);
  near(d[0].to - d[0].from, -0.075);
  /* every person is in the band 0-64: its drift is the total's, the other bands have none */
  assert_int_equal(cs_drift_band_from(1), 65);
  assert_int_equal(cs_drift_band_from(CS_DRIFT_BANDS), -1);
  near(d[0].band[0], -0.05);
  near(d[1].band[0], 0.15);
  for (int b = 1; b < CS_DRIFT_BANDS; b++)
    near(d[1].band[b], 0);
  tp_free(pl);
}

/* 1000 women aged 30 in 2024, all in s0, nobody dies; s0 -> s1 at 0.1 and s1 -> s0 at 0.2 at
 * ages 30-39; 2024-2027 (the transition_improvement tests). */
static cs_plan *onset_cohort(void) {
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 2, 2024, 2027);
  for (int x = 30; x < 40; x++) {
    pl->trans[((F * CS_NAGE + x) * 2 + 0) * 2 + 1] = 0.1;
    pl->trans[((F * CS_NAGE + x) * 2 + 1) * 2 + 0] = 0.2;
  }
  pl->share0[(F * CS_NAGE + 30) * 2 + 0] = 1.0;
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  return pl;
}

/* transition_improvement (docs/model.md 2.3, v0.2): 1000 women aged 30 all in s0, nobody dies,
 * s0 -> s1 at 0.1 at every age from 30, recovery s1 -> s0 at 0.2; improvement 0.1 a year. 2024:
 * p = 0.1 as given: (900, 100) at 31. 2025: p = 1 - 0.9^0.9 = 0.0904674239, recovery unchanged:
 * 900 (1 - p) + 20 = 838.5793185, 900 p + 80 = 161.4206815. 2026: p = 1 - 0.9^0.81, the same
 * way: (802.2661493, 197.7338507) (by hand in Python). */
static void test_transition_improvement(void **st) {
  (void)st;
  cs_plan *pl = onset_cohort();
  pl->trans_improvement = tp_num(pl, 0.1);
  tp_run *t = tp_run_new(pl, 1);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 0), 900);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 1), 100);
  near(tp_pop(t, pl, 0, 2, 0, F, 32, 0), 838.579318474666);
  near(tp_pop(t, pl, 0, 2, 0, F, 32, 1), 161.42068152533398);
  near(tp_pop(t, pl, 0, 3, 0, F, 33, 0), 802.2661492652695);
  near(tp_pop(t, pl, 0, 3, 0, F, 33, 1), 197.73385073473048);
  tp_run_free(t);
  tp_free(pl);
}

/* transition_improvement_by_age (v0.2): the same cohort with bands {0: 0, 32: 0.1}. 2025
 * (year index 1): the cohort is 31, band 0, p = 0.1 as given: 900 * 0.9 + 20 = 830 and
 * 900 * 0.1 + 80 = 170 at 32. 2026 (index 2): at 32, band 32, p = 1 - 0.9^(0.9^2):
 * 830 (1 - p) + 34 = 796.1044983, 830 p + 136 = 203.8955017 at 33 (by hand in Python). */
static void test_transition_improvement_by_age(void **st) {
  (void)st;
  cs_plan *pl = onset_cohort();
  static int32_t from[] = {0, 32};
  cs_num band[] = {tp_num(pl, 0.0), tp_num(pl, 0.1)};
  pl->ntimpr = 2, pl->timpr_from = from, pl->timpr_band = band;
  tp_run *t = tp_run_new(pl, 1);
  near(tp_pop(t, pl, 0, 2, 0, F, 32, 0), 830);
  near(tp_pop(t, pl, 0, 2, 0, F, 32, 1), 170);
  near(tp_pop(t, pl, 0, 3, 0, F, 33, 0), 796.1044982595471);
  near(tp_pop(t, pl, 0, 3, 0, F, 33, 1), 203.89550174045291);
  tp_run_free(t);
  pl->ntimpr = 0, pl->timpr_from = NULL, pl->timpr_band = NULL; /* not the arena's */
  tp_free(pl);
}

/* life_table_age: completed (v0.2): persons aged 30 on 1 January are 30.5 on average; with
 * q30 = 0.1 and q31 = 0.2 they die with 1 - L31/L30 = 1 - 0.9 * 1.8 / 1.9 = 0.1473684. The open
 * group 100+ keeps its q. */
static void test_life_table_completed_age(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 1, 2024, 2024);
  pl->mort_completed = 1;
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->pop[cs_ix_asx(0, F, 100)] = 100;
  pl->q0[F * CS_NAGE + 30] = 0.1;
  pl->q0[F * CS_NAGE + 31] = 0.2;
  pl->q0[F * CS_NAGE + 100] = 0.4;
  tp_run *t = tp_run_new(pl, 0);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_DEATHS), 1000 * (1 - 0.9 * 1.8 / 1.9) + 100 * 0.4);
  tp_run_free(t);
  tp_free(pl);
}

/* Projection mode: births 0, the baseline follows the projection, the residual is reported. */
static void test_projection_mode(void **st) {
  (void)st;
  cs_plan *pl = tp_new(1, ONE_SUB, 1, 1, 2024, 2026);
  pl->fert = NULL;
  pl->mig = NULL;
  pl->has_projection = 1;
  pl->proj = cs_arena_calloc(&pl->arena, (size_t)CS_NSEX * CS_NAGE * 2, sizeof(double));
  pl->pop[cs_ix_asx(0, F, 30)] = 1000;
  pl->q0[F * CS_NAGE + 30] = 0.01;
  /* projection for 2025 and 2026: 1200 at 31, then 1100 at 32, 7 at age 0 in 2025 */
  pl->proj[cs_ix_asx(0, F, 31) * 2 + 0] = 1200;
  pl->proj[cs_ix_asx(0, F, 32) * 2 + 1] = 1100;
  pl->proj[cs_ix_asx(0, F, 0) * 2 + 0] = 7;
  tp_run *t = tp_run_new(pl, 1);
  near(tp_demo(t, 0, 0, 0, CS_DEMO_BIRTHS), 0);
  /* 2024: 990 survive to 31; residual +210 at 31 and +7 at 0 */
  near(tp_demo(t, 0, 0, 0, CS_DEMO_MIG), 217);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 0), 1200);
  near(tp_pop(t, pl, 0, 1, 0, F, 0, 0), 7);
  /* 2025: 1200 at 31 (q 0) move to 32: residual -100; the 7 at age 0 leave (projection 0 at 1) */
  near(tp_demo(t, 0, 1, 0, CS_DEMO_MIG), -107);
  near(tp_pop(t, pl, 0, 2, 0, F, 32, 0), 1100);
  /* the horizon year's migration is 0 */
  near(tp_demo(t, 0, 2, 0, CS_DEMO_MIG), 0);
  tp_run_free(t);
  tp_free(pl);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_births_deaths_ageing),
                                     cmocka_unit_test(test_open_age_group),
                                     cmocka_unit_test(test_mortality_improvement),
                                     cmocka_unit_test(test_migration_capping),
                                     cmocka_unit_test(test_state_mortality_transitions),
                                     cmocka_unit_test(test_projection_mode),
                                     cmocka_unit_test(test_hazard_mode),
                                     cmocka_unit_test(test_prevalence_drift),
                                     cmocka_unit_test(test_life_table_completed_age),
                                     cmocka_unit_test(test_transition_improvement),
                                     cmocka_unit_test(test_transition_improvement_by_age)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
