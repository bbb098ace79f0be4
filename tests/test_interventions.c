/* test_interventions.c: MODEL.md sections 4, 6, 7 and 8 on hand-made plans: uptake curves,
 * every effect kind, clamping, coverage of a scenario without a subregion, costs, NPV,
 * break-even years, criteria, and the properties "no uptake = baseline" and monotone cost;
 * and that a model reused draw after draw, as a PSA worker does, gives the same bytes as a
 * fresh one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "io/tables.h"
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

/* An [scenario][year][area][intervention] array's entry. */
static double at_iv(const tp_run *t, const double *arr, int i, int y, int a, int v) {
  return arr[(cs_ix_sy(&t->r, i, y) * t->r.na + a) * t->r.niv + v];
}

static double up(const tp_run *t, int i, int y, int a, int v) {
  return at_iv(t, t->r.uptake, i, y, a, v);
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
  near(up(t, 2, 3, 0, 0), 0);                     /* without-lin */
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
  e->change = tp_num(pl, -0.2); /* hosp u *= 1 - 0.2*0.5 = 0.9 -> 1.8 */
  e = tp_effect(pl, iv, CS_EFF_SHIFT);
  e->from = 0;
  e->to = 1;
  e->fraction = tp_num(pl, 0.5); /* du = 0.5*0.5*1.8 = 0.45; hosp 1.35, home 1 + 2*0.45 */
  e->ratio = tp_num(pl, 2.0);
  e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = 1;
  e->change = tp_num(pl, -0.1); /* later effect on `to` acts on shifted-in units too */
  e = tp_effect(pl, iv, CS_EFF_FTE);
  e->sector = 0;
  e->change = tp_num(pl, -0.4); /* m_fte 0.8 */
  tp_run *t = tp_run_new(pl, 0);
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_UNITS), 1000 * 1.35);
  near(tp_care(t, 1, 0, 0, 1, CS_CARE_UNITS), 1000 * 1.9 * 0.95);
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_FTE), 1000 * 1.35 * 0.01 * 0.8);
  near(tp_care(t, 1, 0, 0, 0, CS_CARE_COST), 1000 * 1.35 * 10);
  /* patient flows: 450 + 1350 hosp units shifted, over baseline back units 2*4000 = 8000 */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_PATIENT_FLOWS],
       (450.0 + 1350.0) / 8000 * 100);
  /* participants: 4000 persons * 0.5 */
  near(t->r.participants[(cs_ix_sy(&t->r, 1, 0) * 2 + 0)] +
           t->r.participants[(cs_ix_sy(&t->r, 1, 0) * 2 + 1)],
       2000);
  /* staff: baseline FTE 8000*0.01 + 4000*0.002 = 88; plan 4000*(1.35*0.01*0.8 + 1.805*0.002) */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_STAFF],
       88 - 4000 * (1.35 * 0.008 + 1.805 * 0.002));
  /* real estate: hosp 1 m2 per unit: 8000 - 4000*1.35 */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_REAL_ESTATE], 8000 - 5400);
  /* care use: zvw cost baseline 8000*10 + 4000*5 = 100000; plan 54000 + 7220*5 */
  near(t->ec.crit[cs_ix_sy(&t->r, 1, 0) * CS_CRIT_N + CS_CRIT_CARE_USE],
       (100000.0 - 54000 - 36100) / 100000 * 100);
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
  e->from = 0;
  e->to = 1;
  e->change = tp_num(pl, 1.0); /* 0.6 * 2 = 1.2 > 1 -> 1 */
  tp_run *t = tp_run_new(pl, 1);
  near(tp_pop(t, pl, 1, 1, 0, F, 31, 1), 100);
  near(tp_pop(t, pl, 1, 1, 0, F, 31, 0), 0);
  near(tp_pop(t, pl, 0, 1, 0, F, 31, 1), 60); /* baseline unchanged */
  /* one row moved persons: (A1, f, 30, s0) in 2024 of `plan`; age 31 has no base row */
  assert_int_equal(t->r.clamp_iv[0], 1);
  assert_int_equal(t->r.clamped_rows, 1);
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
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_ONCE, 0, tp_num(pl, once), 2024, 0, 0, CS_NONE, 0, NULL};
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_YEAR, 1, tp_num(pl, 1000), 0, 2025, 2026, CS_NONE, 0, NULL};
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_PARTICIPANT, 1, tp_num(pl, 0.5), 0, 0, 0, CS_NONE, 0, NULL};
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
  near(impl(t, 1, 0, 1), 0); /* per_year starts 2025 */
  near(impl(t, 1, 1, 1), 1000);
  near(impl(t, 1, 0, 2), 0.5 * 4000); /* per participant */
  /* r1-only: coverage 1000/4000 on once and per_year; participants only in A1 */
  near(impl(t, 2, 0, 0), 5000);
  near(impl(t, 2, 2, 1), 250);
  near(impl(t, 2, 0, 2), 0.5 * 1000);
  near(impl(t, 3, 0, 0), 0); /* without-iv */
  /* NPV of zvw in plan: savings 8000 * (1 + 1/1.03 + 1/1.03^2), investment 20000 */
  int nst = t->ec.nst;
  double sav = 8000 * (1 + 1 / 1.03 + 1 / (1.03 * 1.03));
  near(t->ec.sav[1 * nst + 0], sav);
  near(t->ec.inv[1 * nst + 0], 20000);
  near(t->ec.npv[1 * nst + 0], sav - 20000);
  /* wmo invests 2000 + (1000 + 2000)/1.03 + (1000 + 2000)/1.03^2 and saves nothing */
  double wmo = 2000 + 3000 / 1.03 + 3000 / (1.03 * 1.03);
  near(t->ec.inv[1 * nst + 1], wmo);
  near(t->ec.sav[1 * nst + 1], 0);
  near(t->ec.npv[1 * nst + 1], -wmo);
  /* total: zvw's savings against both investments */
  near(t->ec.inv[1 * nst + 2], 20000 + wmo);
  near(t->ec.sav[1 * nst + 2], sav);
  near(t->ec.npv[1 * nst + 2], sav - 20000 - wmo);
  /* wrong pocket [investor][saver]: one theme, so its savings go to its payers by their share
   * of its cost lines; wmo saves 0 */
  cs_shapley sh;
  assert_int_equal(cs_shapley_compute(pl, &t->pm, t->sc, t->nsc, 1, NULL, NULL, NULL, &t->ar, &sh),
                   CS_OK);
  const double *wp = sh.wp + 1 * 3 * 2; /* scenario 1: [investor zvw, wmo, none][saver] */
  near(wp[1 * 2 + 0], wmo / (20000 + wmo) * sav);
  near(wp[0 * 2 + 0], 20000 / (20000 + wmo) * sav);
  near(wp[0 * 2 + 1], 0);
  near(wp[1 * 2 + 1], 0);
  near(wp[2 * 2 + 0], 0);
  /* zvw: cumulative delta 12000, 4000, -4000: break-even 2026; total: 14000, 9000, 4000: none */
  assert_int_equal(t->ec.break_even[1 * nst + 0], 2026);
  assert_int_equal(t->ec.break_even[1 * nst + 2], CS_YEAR_NONE);
  tp_run_free(t);
  tp_free(pl);
}

/* The staff criterion counts the plan's own staff (docs/model.md section 8, v0.2). Baseline
 * FTE demand: hosp 4000 persons * 2 units * 0.01 = 80, home 4000 * 1 * 0.002 = 8. The plan's
 * use effect -10% on hosp saves 0.1 * 8000 * 0.01 = 8 FTE a year (uptake 1 from 2024); its
 * resource employs 0.5 FTE in 2025-2026. r1-only reaches A1 only: saves 0.1 * 2000 * 0.01 = 2
 * FTE, and its own staff are scaled by the coverage 1000/4000. No supply: the shortage is the
 * demand plus the plan's own staff. */
static void test_staff_net_of_own_staff(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  cs_intervention *iv = &pl->ivs[0];
  iv->resources = cs_arena_calloc(&pl->arena, 2, sizeof(cs_resource));
  iv->resources[iv->nresource++] =
      (cs_resource){.organisation = "org", .role = "nurse", .fte = 0.5, .from = 2025, .to = 2026};
  iv->resources[iv->nresource++] = (cs_resource){
      .organisation = "org", .role = "money", .euro = 1000, .year = 2024, .from = 2024, .to = 2026};
  tp_run *t = tp_run_new(pl, 0);
  const cs_results *r = &t->r;
  const cs_econ *e = &t->ec;
#define STAFF(i, y) e->crit[cs_ix_sy(r, i, y) * CS_CRIT_N + CS_CRIT_STAFF]
  /* plan (scenario 1) */
  near(e->staff_gross[cs_ix_sy(r, 1, 0)], 8);
  near(r->own_fte[cs_ix_sy(r, 1, 0)], 0);
  near(STAFF(1, 0), 8);
  near(r->own_fte[cs_ix_sy(r, 1, 1)], 0.5);
  near(STAFF(1, 1), 7.5);
  near(STAFF(1, 2), 7.5);
  /* r1-only (scenario 2): coverage 0.25 */
  near(e->staff_gross[cs_ix_sy(r, 2, 1)], 2);
  near(r->own_fte[cs_ix_sy(r, 2, 1)], 0.125);
  near(STAFF(2, 1), 1.875);
  /* without-iv (scenario 3): nothing saved, nobody employed */
  near(STAFF(3, 1), 0);
  near(r->own_fte[cs_ix_sy(r, 3, 1)], 0);
  /* shortage: baseline 88; plan in 2025: 88 - 8 + 0.5 = 80.5, so 7.5 / 88 closed */
  near(e->gap[cs_ix_sy(r, 0, 1)], 88);
  near(e->gap[cs_ix_sy(r, 1, 1)], 80.5);
  near(e->gap_closed[cs_ix_sy(r, 1, 1)], 7.5 / 88);
  /* per subregion the gross value: A1 (R1) saves 2, A2 (R2) 6 */
  near(e->crit_sub[(cs_ix_sy(r, 1, 1) * r->nr + 0) * CS_CRIT_N + CS_CRIT_STAFF], 2);
  near(e->crit_sub[(cs_ix_sy(r, 1, 1) * r->nr + 1) * CS_CRIT_N + CS_CRIT_STAFF], 6);
#undef STAFF
  tp_run_free(t);
  tp_free(pl);
}

/* Patient flows (docs/model.md section 8, v0.2): 1000 + 3000 women aged 30, q = 0.1, so 400
 * die in 2024; hosp (secondary) 2 units a person and 5 in the last year of life. Baseline hosp
 * units 2024: 4000 * 2 + 400 * 5 = 10000, the denominator. An end-of-life shift of 20 % of
 * hosp to home (ratio 1) moves 0.2 * 2000 = 400 units: 4 %; a shift of all use moves also
 * 0.2 * 8000. Staff threshold 10 % of the baseline's FTE demand: hosp 10000 * 0.01 + home
 * (4000 * 1) * 0.002 = 108 FTE, so 10.8. */
static void test_patient_flows_eol_shift_relative_threshold(void **st) {
  (void)st;
  for (int all = 0; all < 2; all++) {
    cs_plan *pl = iv_plan(2025);
    for (int x = 30; x <= 40; x++) {
      pl->q0[F * CS_NAGE + x] = 0.1;
      *tp_use(pl, pl->eol, 0, 0, F, x) = 5;
    }
    pl->staff_rel = 1;
    pl->staff_fte = 10;
    cs_intervention *iv = tp_intervention(pl, "pal", 1.0);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_SHIFT);
    e->from = 0;
    e->to = 1;
    e->fraction = tp_num(pl, 0.2);
    e->ratio = tp_num(pl, 1.0);
    e->eol_only = !all;
    tp_run *t = tp_run_new(pl, 0);
    const cs_results *r = &t->r;
    double moved = all ? 0.2 * 10000 : 0.2 * 2000;
    near(tp_care(t, 0, 0, 0, 0, CS_CARE_UNITS) + tp_care(t, 0, 0, 1, 0, CS_CARE_UNITS), 10000);
    near(tp_care(t, 1, 0, 0, 0, CS_CARE_UNITS) + tp_care(t, 1, 0, 1, 0, CS_CARE_UNITS),
         10000 - moved);
    near(tp_care(t, 1, 0, 0, 1, CS_CARE_UNITS) + tp_care(t, 1, 0, 1, 1, CS_CARE_UNITS),
         4000 + moved);
    near(t->ec.crit[cs_ix_sy(r, 1, 0) * CS_CRIT_N + CS_CRIT_PATIENT_FLOWS], moved / 10000 * 100);
    near(t->ec.threshold[0 * CS_CRIT_N + CS_CRIT_STAFF], 10.8);
    /* the denominator is the plan's list: without hosp in it, nothing counts */
    pl->flow_den[0] = 0;
    tp_run *u = tp_run_new(pl, 0);
    near(u->ec.crit[cs_ix_sy(&u->r, 1, 0) * CS_CRIT_N + CS_CRIT_PATIENT_FLOWS], 0);
    tp_run_free(u);
    tp_run_free(t);
    tp_free(pl);
  }
}

/* Exact Shapley attribution over themes (docs/model.md section 7, v0.2). Two themes each cut
 * hosp use by 10 % (one year, no discounting): hosp costs 4000 * 2 * 10 = 80000. Alone each
 * saves 8000; together 80000 * (1 - 0.9 * 0.9) = 15200. Shapley: 0.5 * 8000 + 0.5 * (15200 -
 * 8000) = 7600 each, adding up to 15200; leave-one-out: 15200 - 8000 = 7200 each. */
static void test_shapley_themes(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2024);
  for (int k = 0; k < 2; k++) {
    cs_intervention *iv = tp_intervention(pl, k ? "b" : "a", 1.0);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
    e->sector = 0;
    e->change = tp_num(pl, -0.1);
  }
  tp_run *t = tp_run_new(pl, 0);
  cs_shapley sh;
  assert_int_equal(cs_shapley_compute(pl, &t->pm, t->sc, t->nsc, 1, NULL, NULL, NULL, &t->ar, &sh),
                   CS_OK);
  assert_int_equal(sh.ntheme, 2);
  int32_t zvw = 0, total = pl->npayer, M = sh.nmet;
  for (int th = 0; th < 2; th++) {
    near(sh.phi[th * M + zvw], 7600);
    near(sh.phi[th * M + total], 7600);
    near(sh.loo[th * M + zvw], 7200);
  }
  near(sh.total[zvw], 15200);
  near(sh.total[zvw], t->ec.npv[1 * t->ec.nst + zvw]); /* the plan's own NPV */
  tp_run_free(t);
  tp_free(pl);
}

/* Shapley values per intervention (docs/model.md section 7, v0.2). Three interventions cut
 * hosp use (80000 a year, one year, no discounting) by 10, 20 and 30 %: v(S) = 80000 (1 -
 * prod (1 - c)). By hand: v(a) 8000, v(b) 16000, v(c) 24000, v(ab) 22400, v(ac) 29600,
 * v(bc) 35200, v(abc) 39680; phi_a = 8000/3 + (22400-16000)/6 + (29600-24000)/6 +
 * (39680-35200)/3 = 6160, phi_b = 12960, phi_c = 20560. Sampled orders estimate them with a
 * standard error that covers the exact values, and add up to v(abc) in any case. */
static cs_plan *three_cuts(void) {
  cs_plan *pl = iv_plan(2024);
  for (int k = 0; k < 3; k++) {
    static const char *ids[] = {"a", "b", "c"};
    cs_intervention *iv = tp_intervention(pl, ids[k], 1.0);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
    e->sector = 0;
    e->change = tp_num(pl, -0.1 * (k + 1));
  }
  cs_intervention *b = &pl->ivs[1]; /* b paid by wmo: investment:wmo */
  b->costs[b->ncost++] = (cs_cost){CS_COST_ONCE, 1, tp_num(pl, 5000), 2024, 0, 0, CS_NONE, 0, NULL};
  return pl;
}

static void test_shapley_interventions(void **st) {
  (void)st;
  cs_plan *pl = three_cuts();
  tp_run *t = tp_run_new(pl, 0);
  cs_shapley sh = {0};
  pl->ivshap_mode = CS_IVSHAP_EXACT;
  assert_int_equal(
      cs_ivshap_compute(&(cs_ivshap_opt){.pl = pl, .pm = &t->pm, .seed = 1, .threads = 2}, &t->ar,
                        &sh),
      CS_OK);
  assert_int_equal(sh.iv_n, 3);
  assert_int_equal(sh.iv_perms, 0);
  assert_int_equal(sh.iv_runs, 8);
  int32_t M = sh.iv_nmet, nst = pl->npayer + 1, sav0 = cs_shapley_nmet(pl), inv0 = sav0 + nst;
  const double want[3] = {6160, 12960, 20560};
  for (int i = 0; i < 3; i++) {
    near(sh.iv_phi[i * M + sav0 + 0], want[i]);                      /* savings:zvw */
    near(sh.iv_phi[i * M + sav0 + nst - 1], want[i]);                /* savings:total */
    near(sh.iv_phi[i * M + inv0 + 1], i == 1 ? 5000 : 0);            /* investment:wmo */
    near(sh.iv_phi[i * M + nst - 1], want[i] - (i == 1 ? 5000 : 0)); /* npv:total */
    near(sh.iv_se[i * M], 0);
  }
  near(sh.iv_total[sav0], 39680);
  /* wrong_pocket_intervention.csv: rows (investor, saver) with investors zvw, wmo, none and
   * savers zvw, wmo. b (12960 of zvw's savings) is paid by wmo; a and c cost nothing. */
  cs_view v;
  assert_int_equal(cs_view_init(&v, pl, &t->r, &t->ec, &t->pm, t->sc, NULL, NULL, &sh, &t->ar),
                   CS_OK);
  const cs_tabledef *wp = &cs_tab_wrong_pocket_intervention;
  assert_true(wp->present(&v));
  assert_int_equal(wp->nrows(&v), 3 * 2);
  cs_value o[CS_TABLE_MAX_COLS];
  wp->row(&v, 0, o); /* zvw pays nothing, saves 39680 */
  assert_string_equal(o[0].s, "zvw");
  near(o[2].d, 0), near(o[3].d, 39680), near(o[4].d, 0);
  wp->row(&v, 2, o); /* wmo invests 5000 in b, which brings 12960 of zvw's savings */
  assert_string_equal(o[0].s, "wmo");
  assert_string_equal(o[1].s, "zvw");
  near(o[2].d, 5000), near(o[4].d, 12960);
  wp->row(&v, 4, o); /* none: a and c */
  assert_string_equal(o[0].s, "none");
  near(o[2].d, 0), near(o[4].d, 6160 + 20560);
  /* intervention_roi.csv: b invests 5000 and brings 12960 over 4000 participant-years (uptake
   * 1, one year); a invests nothing (no ratio) and brings 6160 */
  const cs_tabledef *roi = &cs_tab_intervention_roi;
  assert_true(roi->present(&v));
  assert_int_equal(roi->nrows(&v), 3);
  roi->row(&v, 1, o);
  assert_string_equal(o[0].s, "b");
  near(o[2].d, 5000), near(o[3].d, 12960), near(o[4].d, 7960), near(o[5].d, 12960.0 / 5000);
  near(o[6].d, 4000), near(o[7].d, 1.25), near(o[8].d, 12960.0 / 4000);
  roi->row(&v, 0, o);
  near(o[2].d, 0), near(o[3].d, 6160);
  assert_true(o[5].null);
  near(o[8].d, 6160.0 / 4000);
  /* sampled: 3000 orders; every estimate within 4 standard errors, the sum exact */
  cs_shapley sm = {0};
  pl->ivshap_mode = CS_IVSHAP_SAMPLED;
  pl->ivshap_perms = 3000;
  assert_int_equal(
      cs_ivshap_compute(&(cs_ivshap_opt){.pl = pl, .pm = &t->pm, .seed = 7, .threads = 2}, &t->ar,
                        &sm),
      CS_OK);
  assert_int_equal(sm.iv_perms, 3000);
  assert_int_equal(sm.iv_runs, 2 + 3000 * 2);
  double sum = 0;
  for (int i = 0; i < 3; i++) {
    double phi = sm.iv_phi[i * M + sav0], se = sm.iv_se[i * M + sav0];
    assert_true(se > 10 && se < 200); /* the marginal contributions of a range over ~ 4400 */
    assert_true(fabs(phi - want[i]) < 4 * se);
    sum += phi;
  }
  near(sum, 39680);
  /* the same orders on one thread: the same numbers, bit for bit */
  cs_shapley one = {0};
  assert_int_equal(
      cs_ivshap_compute(&(cs_ivshap_opt){.pl = pl, .pm = &t->pm, .seed = 7, .threads = 1}, &t->ar,
                        &one),
      CS_OK);
  assert_memory_equal(one.iv_phi, sm.iv_phi, (size_t)3 * M * sizeof(double));
  assert_memory_equal(one.iv_se, sm.iv_se, (size_t)3 * M * sizeof(double));
  /* auto is exact for 3 interventions; none computes nothing */
  cs_shapley au = {0}, no = {0};
  pl->ivshap_mode = CS_IVSHAP_AUTO;
  assert_int_equal(
      cs_ivshap_compute(&(cs_ivshap_opt){.pl = pl, .pm = &t->pm, .seed = 7, .threads = 1}, &t->ar,
                        &au),
      CS_OK);
  assert_int_equal(au.iv_perms, 0);
  pl->ivshap_mode = CS_IVSHAP_NONE;
  assert_int_equal(
      cs_ivshap_compute(&(cs_ivshap_opt){.pl = pl, .pm = &t->pm, .seed = 7, .threads = 1}, &t->ar,
                        &no),
      CS_OK);
  assert_int_equal(no.iv_n, 0);
  tp_run_free(t);
  tp_free(pl);
}

/* Within-cycle correction (docs/model.md 7, v0.2). 4000 women aged 30 with q = 0.1, no
 * discounting, 2024-2026: N = 4000, 3600, 3240 and D = 400, 360, 324. Use costs 2 * 10 + 1 * 5
 * = 25 a person-year; end-of-life 5 hosp days (50) a death; utility 0.8; the plan pays 100 a
 * participant (everyone, uptake 1) and 1000 once. Weighted occupancy sum w_y N_y: half-cycle
 * 2000 + 3600 + 1620 = 7220, simpson 4000/3 + 2400 + 1080 = 4813.33. Care = occupancy * 25 +
 * 1084 * 50 (deaths never weighted); QALYs = occupancy * 0.8; implementation = occupancy * 100
 * + 1000. Without a correction: care 10840 * 25 + 54200 = 325200, QALYs (N - D/2) 10298 *
 * 0.8, implementation 1085000. */
static void test_cycle_correction(void **st) {
  (void)st;
  const double occ[3] = {10840, 7220, 4000.0 / 3 + 2400 + 1080};
  for (int mode = 0; mode < 3; mode++) {
    cs_plan *pl = iv_plan(2026);
    pl->cycle = (cs_cycle)mode;
    pl->discount_rate = pl->discount_rate_effects = 0;
    pl->states[0].utility = tp_num(pl, 0.8);
    for (int x = 30; x <= 40; x++) {
      pl->q0[F * CS_NAGE + x] = 0.1;
      *tp_use(pl, pl->eol, 0, 0, F, x) = 5;
    }
    cs_intervention *iv = tp_intervention(pl, "pp", 1.0);
    iv->costs[iv->ncost++] =
        (cs_cost){CS_COST_PER_PARTICIPANT, 0, tp_num(pl, 100), 0, 0, 0, CS_NONE, 0, NULL};
    iv->costs[iv->ncost++] =
        (cs_cost){CS_COST_ONCE, 0, tp_num(pl, 1000), 2024, 0, 0, CS_NONE, 0, NULL};
    tp_run *t = tp_run_new(pl, 0);
    const double *tb = t->ec.tot, *tp = t->ec.tot + CS_TOT_N;
    near(tb[CS_TOT_CARE], occ[mode] * 25 + 54200);
    near(tb[CS_TOT_IMPL], 0);
    near(tp[CS_TOT_IMPL], occ[mode] * 100 + 1000);
    near(tp[CS_TOT_QALY], mode ? occ[mode] * 0.8 : 10298 * 0.8);
    near(tp[CS_TOT_LY], mode ? occ[mode] : 10298);
    near(tp[CS_TOT_POP0], 4000);
    near(t->ec.inv[1 * t->ec.nst + pl->npayer], occ[mode] * 100 + 1000);
    /* the yearly payers table keeps the cash amounts: 2025 is 3600 * 25 + 360 * 50 */
    near(t->r.payer_care[cs_ix_sy(&t->r, 1, 1) * t->r.np + 0], 3600 * 25 + 360 * 50);
    tp_run_free(t);
    tp_free(pl);
  }
}

/* fte_per_participant (v0.2): a per-participant programme's own staff. 4000 participants
 * (everyone, uptake 1) at 0.001 FTE each: 4 FTE of the plan's own staff, also in the staff
 * criterion (gross minus own); none in the baseline. */
static void test_fte_per_participant(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2024);
  cs_intervention *iv = tp_intervention(pl, "coach", 1.0);
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_PARTICIPANT, 0, tp_num(pl, 50), 0, 0, 0, CS_NONE, 0.001, NULL};
  tp_run *t = tp_run_new(pl, 0);
  near(t->r.own_fte[cs_ix_sy(&t->r, 1, 0)], 4);
  near(t->r.own_fte[cs_ix_sy(&t->r, 0, 0)], 0);
  size_t at = cs_ix_sy(&t->r, 1, 0);
  near(t->ec.crit[at * CS_CRIT_N + CS_CRIT_STAFF], t->ec.staff_gross[at] - 4);
  tp_run_free(t);
  tp_free(pl);
}

/* Checks the runs of n subsets for njob jobs: every (subset >= 1, job) in exactly one run,
 * each run within P scenarios (the lane budget) with near-even sizes, and as few runs as that
 * allows. */
static void check_batches(const cs_plan *p, int32_t n, int32_t njob) {
  int32_t P = cs_run_batch(p, 32), nb = cs_batch_count(p, n, njob), m = n - 1;
  uint8_t *seen = calloc((size_t)n * njob, 1);
  assert_non_null(seen);
  int32_t lo = n * njob, hi = 0;
  for (int32_t r = 0; r < nb; r++) {
    cs_batch b = cs_batch_get(p, n, njob, r);
    assert_true(b.m0 >= 1 && b.m1 <= n && b.m0 < b.m1 && b.j0 >= 0 && b.j1 <= njob && b.j0 < b.j1);
    int32_t size = (b.m1 - b.m0) * (b.j1 - b.j0);
    assert_true(size <= P || (size == 1 && P == 1));
    lo = size < lo ? size : lo;
    hi = size > hi ? size : hi;
    for (int32_t i = b.m0; i < b.m1; i++)
      for (int32_t j = b.j0; j < b.j1; j++)
        assert_int_equal(seen[(size_t)i * njob + j]++, 0);
  }
  for (int32_t i = 1; i < n; i++)
    for (int32_t j = 0; j < njob; j++)
      assert_int_equal(seen[(size_t)i * njob + j], 1);
  /* near-even: by whole subsets of every job, or by parts of the jobs */
  assert_true(hi - lo <= (njob <= P ? njob : 1));
  assert_int_equal(nb, njob <= P ? (m + P / njob - 1) / (P / njob) : m * ((njob + P - 1) / P));
  free(seen);
}

/* The attribution's runs (cs_batch_count, cs_batch_get): 31 subsets of one job of 350 areas
 * (10 scenarios a run) in runs of 8, 8, 8 and 7; of three jobs (3 subsets a run) in 11 runs of
 * 3 or 2 subsets; of 13 jobs (a plan with 12 variants) one subset a run, in parts of 7 and 6
 * jobs, so a run stays within the lane budget however many variants the plan has. */
static void test_batch_split(void **state) {
  (void)state;
  cs_plan p;
  memset(&p, 0, sizeof p);
  p.narea = 350;
  assert_int_equal(cs_batch_count(&p, 32, 1), 4);
  int32_t want[5] = {1, 9, 17, 25, 32};
  for (int32_t r = 0; r < 4; r++) {
    cs_batch b = cs_batch_get(&p, 32, 1, r);
    assert_int_equal(b.m0, want[r]);
    assert_int_equal(b.m1, want[r + 1]);
    assert_int_equal(b.j1 - b.j0, 1);
  }
  assert_int_equal(cs_batch_count(&p, 32, 3), 11);
  assert_int_equal(cs_batch_get(&p, 32, 3, 1).m0, 4);
  assert_int_equal(cs_batch_get(&p, 32, 3, 10).m0, 30);
  assert_int_equal(cs_batch_count(&p, 32, 13), 62);
  cs_batch b = cs_batch_get(&p, 32, 13, 3);
  assert_int_equal(b.m0, 2);
  assert_int_equal(b.j0, 7);
  assert_int_equal(b.j1, 13);
  p.narea = 16; /* the example: 32 scenarios a run */
  assert_int_equal(cs_batch_count(&p, 32, 3), 4);
  assert_int_equal(cs_batch_get(&p, 32, 3, 3).m0, 25);
  const int32_t areas[] = {1, 3, 16, 350, 1000, 2049, 5000};
  for (size_t k = 0; k < sizeof areas / sizeof *areas; k++) {
    p.narea = areas[k];
    for (int32_t njob = 1; njob <= 40; njob += njob < 12 ? 1 : 7)
      for (int32_t n = 2; n <= 1025; n += n < 64 ? 1 : 97)
        check_batches(&p, n, njob);
  }
}

/* Wrong pocket by theme (docs/model.md 7, v0.2): three themes each cut the zvw hospital
 * cost (80000 a year) by 10 %, so together 80000 * (1 - 0.9^3) = 21680 and each theme's
 * Shapley value of zvw's savings is 21680 / 3. Theme a is paid by zvw, b by wmo, c costs
 * nothing: each payer's row gets its own theme's value, "none" gets c's. Splitting by share
 * of investment (v0.1) would have given wmo 3000/4000 of everything. */
static void test_wrong_pocket_by_theme(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2024);
  for (int k = 0; k < 3; k++) {
    static const char *ids[] = {"a", "b", "c"};
    cs_intervention *iv = tp_intervention(pl, ids[k], 1.0);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
    e->sector = 0;
    e->change = tp_num(pl, -0.1);
    if (k < 2)
      iv->costs[iv->ncost++] =
          (cs_cost){CS_COST_ONCE, k, tp_num(pl, k ? 3000 : 1000), 2024, 0, 0, CS_NONE, 0, NULL};
  }
  tp_run *t = tp_run_new(pl, 0);
  cs_shapley sh;
  assert_int_equal(cs_shapley_compute(pl, &t->pm, t->sc, t->nsc, 1, NULL, NULL, NULL, &t->ar, &sh),
                   CS_OK);
  near(t->ec.sav[1 * t->ec.nst + 0], 21680);
  /* scenarios: baseline, plan, without-a, without-b, without-c; rows zvw, wmo, none */
  const double *plan = sh.wp + 1 * 3 * 2, *wo_a = sh.wp + 2 * 3 * 2;
  near(plan[0 * 2 + 0], 21680.0 / 3);
  near(plan[1 * 2 + 0], 21680.0 / 3);
  near(plan[2 * 2 + 0], 21680.0 / 3);
  near(plan[0 * 2 + 1], 0); /* nobody's savings for wmo */
  /* without a: b and c alone save 15200, 7600 each */
  near(wo_a[0 * 2 + 0], 0);
  near(wo_a[1 * 2 + 0], 7600);
  near(wo_a[2 * 2 + 0], 7600);
  /* theme_roi.csv: a invests 1000 and brings 21680/3, b 3000; c costs nothing (no ROI) */
  cs_view v;
  assert_int_equal(cs_view_init(&v, pl, &t->r, &t->ec, &t->pm, t->sc, NULL, NULL, &sh, &t->ar),
                   CS_OK);
  cs_value o[CS_TABLE_MAX_COLS];
  cs_tab_theme_roi.row(&v, 0, o); /* plan, a */
  near(o[2].d, 1000);
  near(o[3].d, 21680.0 / 3);
  near(o[5].d, 21680.0 / 3 / 1000);
  near(o[6].d, 21680.0 / 3 / 4000); /* 4000 participants (uptake 1), one year */
  cs_tab_theme_roi.row(&v, 1, o);   /* plan, b */
  near(o[5].d, 21680.0 / 3 / 3000);
  cs_tab_theme_roi.row(&v, 2, o); /* plan, c */
  assert_true(o[5].null);
  /* intervention_costs.csv: a 1000 over 4000 participant-years, c costs 0 */
  cs_tab_intervention_costs.row(&v, 0, o);
  near(o[2].d, 4000);
  near(o[3].d, 1000);
  near(o[4].d, 0.25);
  cs_tab_intervention_costs.row(&v, 2, o);
  near(o[4].d, 0);
  tp_run_free(t);
  tp_free(pl);
}

/* The business case per insurer (docs/model.md 7, v0.2). bc_plan: zvw saves 2000 a year in
 * A1 (1000 persons) and 6000 in A2 (3000), 2024-2026. CZ insures all of A1 and half of A2,
 * VGZ the other half: CZ saves 5000 a year, VGZ 3000. The once line of 20000 names no
 * insurer: by the regional share, CZ (1000 + 1500) / 4000 = 0.625 -> 12500, VGZ 7500. */
static void test_business_case_insurer(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  static const char *ins[] = {"CZ", "VGZ"};
  static double share[] = {1.0, 0.0, 0.5, 0.5}; /* [area][insurer] */
  pl->ninsurer = 2;
  pl->insurers = ins;
  pl->insurer_share = share;
  pl->insurer_payer = 0;
  tp_run *t = tp_run_new(pl, 0);
  cs_view v;
  assert_int_equal(cs_view_init(&v, pl, &t->r, &t->ec, &t->pm, t->sc, NULL, NULL, NULL, &t->ar),
                   CS_OK);
  const cs_tabledef *tab = &cs_tab_business_case_insurer;
  assert_true(tab->present(&v));
  assert_int_equal(tab->nrows(&v), (t->nsc - 1) * 2);
  double f = 1 + 1 / 1.03 + 1 / (1.03 * 1.03);
  cs_value o[CS_TABLE_MAX_COLS];
  tab->row(&v, 0, o); /* plan, CZ */
  assert_string_equal(o[1].s, "CZ");
  near(o[2].d, 12500);
  near(o[3].d, 5000 * f);
  near(o[4].d, 5000 * f - 12500);
  tab->row(&v, 1, o); /* plan, VGZ */
  near(o[2].d, 7500);
  near(o[3].d, 3000 * f);
  /* the line names VGZ: VGZ pays it all */
  pl->ivs[0].costs[0].insurer = 1;
  tab->row(&v, 0, o);
  near(o[2].d, 0);
  tab->row(&v, 1, o);
  near(o[2].d, 20000);
  tp_run_free(t);
  pl->insurers = NULL; /* not the arena's */
  pl->insurer_share = NULL;
  tp_free(pl);
}

/* A line that names no insurer goes to the insurers where its money goes (v0.2): the
 * intervention targets only A2 (R2), where CZ and VGZ insure half each. The once line of 20000
 * splits 10000 / 10000 (by the regional share it would be 12500 / 7500); a per_participant zvw
 * line of 0.5 a participant (3000 in A2, each year) 750 a year each. With by_subregion all on
 * R1, where it targets nobody, the once line follows R1's population: all CZ's. Savings: zvw
 * saves 6000 a year in A2, 3000 each. */
static void test_insurer_where_the_money_goes(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  static const char *ins[] = {"CZ", "VGZ"};
  static double share[] = {1.0, 0.0, 0.5, 0.5}; /* [area][insurer] */
  static double all_r1[] = {1.0, 0.0};
  pl->ninsurer = 2;
  pl->insurers = ins;
  pl->insurer_share = share;
  pl->insurer_payer = 0;
  cs_intervention *iv = &pl->ivs[0];
  iv->area_mask[0] = 0;
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_PARTICIPANT, 0, tp_num(pl, 0.5), 0, 0, 0, CS_NONE, 0, NULL};
  double f = 1 + 1 / 1.03 + 1 / (1.03 * 1.03);
  for (int by_sub = 0; by_sub < 2; by_sub++) {
    iv->costs[0].by_sub = by_sub ? all_r1 : NULL;
    tp_run *t = tp_run_new(pl, 0);
    cs_view v;
    assert_int_equal(cs_view_init(&v, pl, &t->r, &t->ec, &t->pm, t->sc, NULL, NULL, NULL, &t->ar),
                     CS_OK);
    cs_value o[CS_TABLE_MAX_COLS];
    cs_tab_business_case_insurer.row(&v, 0, o); /* plan, CZ */
    near(o[2].d, (by_sub ? 20000 : 10000) + 750 * f);
    near(o[3].d, 3000 * f);
    cs_tab_business_case_insurer.row(&v, 1, o); /* plan, VGZ */
    near(o[2].d, (by_sub ? 0 : 10000) + 750 * f);
    near(o[3].d, 3000 * f);
    tp_run_free(t);
  }
  iv->costs[0].by_sub = NULL;
  pl->insurers = NULL; /* not the arena's */
  pl->insurer_share = NULL;
  tp_free(pl);
}

/* The budget impact in current euros with a price index (v0.2): index {2023: 1.0, 2024: 1.1,
 * 2026: 1.3}, inflation 5 %, price year 2022 (before the index: 1 / 1.05). bc_plan's zvw nets
 * 20000 - 8000 = 12000 in 2024 and -8000 in 2025 and 2026 (price-year euros). Current euros:
 * 2024 x 1.1 * 1.05 = 13860; 2025 (not in the index: 2024's at 5 %) -8000 x 1.21275 = -9702;
 * 2026 x 1.3 * 1.05 = -10920; cumulative -6762. */
static void test_budget_impact_price_index(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  static int32_t years[] = {2023, 2024, 2026};
  static double index[] = {1.0, 1.1, 1.3};
  pl->npi = 3, pl->pi_year = years, pl->pi_val = index;
  pl->inflation = 0.05;
  pl->price_year = 2022;
  tp_run *t = tp_run_new(pl, 0);
  cs_view v;
  assert_int_equal(cs_view_init(&v, pl, &t->r, &t->ec, &t->pm, t->sc, NULL, NULL, NULL, &t->ar),
                   CS_OK);
  cs_value o[CS_TABLE_MAX_COLS];
  const double net[] = {12000, -8000, -8000}, cur[] = {13860, -9702, -10920};
  double cum = 0;
  for (int y = 0; y < 3; y++) {
    cs_tab_budget_impact.row(&v, y * (pl->npayer + 1), o); /* plan, 2024 + y, zvw */
    assert_string_equal(o[2].s, "zvw");
    near(o[5].d, net[y]);
    near(o[6].d, cur[y]);
    near(o[7].d, cum += cur[y]);
  }
  near(cum, -6762);
  tp_run_free(t);
  pl->npi = 0, pl->pi_year = NULL, pl->pi_val = NULL; /* not the arena's */
  tp_free(pl);
}

/* The business case per subregion adds up to the region (v0.2). bc_plan's plan: R1 (A1) has
 * 1000 of the 4000 persons. zvw: once 20000 in 2024 -> R1 5000; savings 2000 a year in R1
 * (8000 in all). wmo: per_year 1000 in 2025-2026 -> R1 250 a year; per participant 0.5 * 1000
 * a year in R1. */
static void test_business_case_subregion(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  tp_run *t = tp_run_new(pl, 0);
  const cs_econ *e = &t->ec;
  int32_t nst = e->nst, nr = t->r.nr;
  double f1 = 1 / 1.03, f2 = 1 / (1.03 * 1.03);
#define SUB(arr, i, q, p) e->arr[((size_t)(i)*nr + (q)) * nst + (p)]
  near(SUB(inv_sub, 1, 0, 0), 5000);
  near(SUB(sav_sub, 1, 0, 0), 2000 * (1 + f1 + f2));
  near(SUB(inv_sub, 1, 0, 1), 500 + 750 * f1 + 750 * f2);
  near(SUB(inv_sub, 1, 1, 0), 15000);
  for (int32_t p = 0; p < nst; p++) { /* R1 + R2 = the region, every stakeholder */
    near(SUB(inv_sub, 1, 0, p) + SUB(inv_sub, 1, 1, p), e->inv[1 * nst + p]);
    near(SUB(sav_sub, 1, 0, p) + SUB(sav_sub, 1, 1, p), e->sav[1 * nst + p]);
  }
  /* r1-only: R2 takes no part and pays nothing */
  near(SUB(inv_sub, 2, 1, 2), 0);
  near(SUB(inv_sub, 2, 0, 0), 5000);
#undef SUB
  tp_run_free(t);
  tp_free(pl);
}

/* by_subregion (v0.2) on the once line of 20000: R1 0.6, R2 0.4 instead of the targeted
 * persons' 1000 : 3000. The plan: R1 12000, R2 8000 (the region still 20000); r1-only
 * carries R1's 12000 only. */
static void test_cost_by_subregion(void **st) {
  (void)st;
  cs_plan *pl = bc_plan(2026, 20000);
  double *by = cs_arena_calloc(&pl->arena, 2, sizeof(double));
  by[0] = 0.6, by[1] = 0.4;
  pl->ivs[0].costs[0].by_sub = by;
  tp_run *t = tp_run_new(pl, 0);
  const cs_econ *e = &t->ec;
  int32_t nst = e->nst, nr = t->r.nr;
#define SUB(arr, i, q, p) e->arr[((size_t)(i)*nr + (q)) * nst + (p)]
  near(SUB(inv_sub, 1, 0, 0), 12000);
  near(SUB(inv_sub, 1, 1, 0), 8000);
  near(impl(t, 1, 0, 0), 20000);
  near(impl(t, 2, 0, 0), 12000); /* r1-only */
  near(SUB(inv_sub, 2, 0, 0), 12000);
  near(SUB(inv_sub, 2, 1, 0), 0);
#undef SUB
  tp_run_free(t);
  tp_free(pl);
}

/* extra_use (v0.2): care the intervention itself adds. 4000 women at 30 use 1 home visit a
 * year; the programme adds 3 per participant at uptake 0.5: 4000 + 4000 * 3 * 0.5 = 10000
 * visits, and a later use effect (m = 0.5) on home acts on them too: 5000. */
static void test_extra_use(void **st) {
  (void)st;
  for (int later = 0; later < 2; later++) {
    cs_plan *pl = iv_plan(2024);
    cs_intervention *iv = tp_intervention(pl, "acp", 0.5);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_EXTRA_USE);
    e->sector = 1;
    e->change = tp_num(pl, 3);
    if (later) {
      e = tp_effect(pl, iv, CS_EFF_USE);
      e->sector = 1;
      e->change = tp_num(pl, -1.0); /* m = 1 - 1 * 0.5 = 0.5 */
    }
    tp_run *t = tp_run_new(pl, 0);
    double home = 0, base = 0;
    for (int a = 0; a < 2; a++) {
      home += tp_care(t, 1, 0, a, 1, CS_CARE_UNITS);
      base += tp_care(t, 0, 0, a, 1, CS_CARE_UNITS);
    }
    near(base, 4000);
    near(home, later ? 5000 : 10000);
    tp_run_free(t);
    tp_free(pl);
  }
}

/* Utility and mortality effects (v0.2). 4000 women aged 30, q = 0.1: 400 die in 2024; state
 * utility 0.8. utility +0.1 (uptake 1): QALYs 2024 = (4000 - 400/2) * 0.9 = 3420 against
 * 3800 * 0.8 = 3040. mortality -0.5: q = 0.05, 200 die, life years 4000 - 100 = 3900 against
 * 3800, and 3800 survive into 2025 against 3600. */
static void test_utility_and_mortality_effects(void **st) {
  (void)st;
  for (int kind = 0; kind < 2; kind++) {
    cs_plan *pl = iv_plan(2025);
    pl->states[0].utility = tp_num(pl, 0.8);
    for (int x = 30; x <= 40; x++)
      pl->q0[F * CS_NAGE + x] = 0.1;
    cs_intervention *iv = tp_intervention(pl, "pal", 1.0);
    cs_effect *e = tp_effect(pl, iv, kind ? CS_EFF_MORTALITY : CS_EFF_UTILITY);
    e->change = tp_num(pl, kind ? -0.5 : 0.1);
    tp_run *t = tp_run_new(pl, 0);
    double q_b = 0, q_p = 0, ly_b = 0, ly_p = 0, d_b = 0, d_p = 0, n_b = 0, n_p = 0;
    for (int a = 0; a < 2; a++) {
      const double *hb = t->r.health + (cs_ix_sy(&t->r, 0, 0) * t->r.na + a) * CS_HEALTH_N;
      const double *hp = t->r.health + (cs_ix_sy(&t->r, 1, 0) * t->r.na + a) * CS_HEALTH_N;
      q_b += hb[CS_HEALTH_QALY], q_p += hp[CS_HEALTH_QALY];
      ly_b += hb[CS_HEALTH_LY], ly_p += hp[CS_HEALTH_LY];
      d_b += tp_demo(t, 0, 0, a, CS_DEMO_DEATHS), d_p += tp_demo(t, 1, 0, a, CS_DEMO_DEATHS);
      n_b += tp_demo(t, 0, 1, a, CS_DEMO_POP), n_p += tp_demo(t, 1, 1, a, CS_DEMO_POP);
    }
    near(q_b, 3040);
    near(d_b, 400);
    if (kind == 0) {
      near(q_p, 3420);
      near(d_p, 400);
    } else {
      near(d_p, 200);
      near(ly_b, 3800);
      near(ly_p, 3900);
      near(q_p, 3900 * 0.8);
      near(n_b, 3600);
      near(n_p, 3800);
    }
    assert_true(t->ec.dqaly[1] > 0); /* a health gain the business case shows */
    tp_run_free(t);
    tp_free(pl);
  }
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

/* No uptake or no change gives exactly the baseline, bit for bit (care, demography, health,
 * payers); the same plan with uptake and a change does not (the control: the comparison
 * below can see an effect). */
static void test_zero_uptake_is_baseline(void **st) {
  (void)st;
  for (int variant = 0; variant < 3; variant++) {
    cs_plan *pl = iv_plan(2026);
    cs_intervention *iv = tp_intervention(pl, "iv", variant ? 0.7 : 0.0);
    cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
    e->sector = 0;
    e->change = tp_num(pl, variant == 1 ? 0.0 : -0.5);
    e = tp_effect(pl, iv, CS_EFF_SHIFT);
    e->from = 0;
    e->to = 1;
    e->ratio = tp_num(pl, 2);
    e->fraction = tp_num(pl, variant == 1 ? 0.0 : 0.3);
    tp_run *t = tp_run_new(pl, 0);
    const cs_results *r = &t->r;
    size_t ny = (size_t)r->ny, nc = ny * r->na * r->nc * CS_CARE_N, nd = ny * r->na * CS_DEMO_N;
    size_t nh = ny * r->na * CS_HEALTH_N, np = ny * r->np;
    /* scenario 1 (plan) against scenario 0 (baseline) */
    int same_care = !memcmp(r->care, r->care + nc, nc * sizeof(double));
    int same_pay = !memcmp(r->payer_care, r->payer_care + np, np * sizeof(double));
    assert_memory_equal(r->demo, r->demo + nd, nd * sizeof(double));
    assert_memory_equal(r->health, r->health + nh, nh * sizeof(double));
    assert_int_equal(same_care, variant < 2);
    assert_int_equal(same_pay, variant < 2);
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
  pl->q0[F * CS_NAGE + 30] = 0.1; /* 400 deaths in all */
  for (int x = 30; x <= 40; x++)
    *tp_use(pl, pl->eol, 0, 0, F, x) = 5;
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
  e->from = 0;
  e->to = 1;
  e->change = tp_num(pl, -1.0);
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_ONCE, 0, tp_num(pl, 1000), 2024, 0, 0, CS_NONE, 0, NULL};
  tp_run *t = tp_run_new(pl, 0);
  /* 2024: 100 QALYs in both; 2025: baseline 50 + 50*0.5 = 75, plan 100 */
  double dq = 25 / 1.015;
  near(t->ec.dqaly[1], dq);
  near(t->ec.dly[1], 0);
  near(t->ec.npv[1 * t->ec.nst + 2], -1000);
  near(t->ec.cost_per_qaly[1], 1000 / dq);
  near(t->ec.societal[1], -1000 + 50000 * dq);
  assert_true(isnan(t->ec.cost_per_qaly[2])); /* without-iv: no QALYs gained, no ratio */
  /* gains QALYs at a net cost of 1000: a cost per QALY; without-iv: no change in health */
  assert_int_equal(cs_ce_verdict(t->ec.dqaly[1], t->ec.npv[1 * t->ec.nst + 2]), CS_CE_ICER);
  assert_int_equal(cs_ce_verdict(t->ec.dqaly[2], t->ec.npv[2 * t->ec.nst + 2]), CS_CE_NO_HEALTH);
  assert_int_equal(cs_ce_verdict(0.5, 0.0), CS_CE_DOMINANT); /* saves (or costs nothing), gains */
  assert_int_equal(cs_ce_verdict(-0.5, -1.0), CS_CE_DOMINATED);
  assert_int_equal(cs_ce_verdict(-0.5, 1.0), CS_CE_SAVES_LOSES);
  tp_run_free(t);
  tp_free(pl);
}

/* A pace variant: a delay moves the start of uptake in its subregion, and that subregion's
 * part of the once and per_year costs (v0.2): R1 (A1) holds 1000 of the 4000 targeted
 * persons, R2 (A2) 3000. */
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
  near(up(t, 3, 0, 0, 0), 1.0); /* R1 as planned */
  near(up(t, 3, 1, 1, 0), 0.0); /* R2 from 2026 */
  near(up(t, 3, 2, 1, 0), 1.0);
  /* once 20000 in 2024: R1's quarter stays, R2's three quarters move to 2026 */
  near(impl(t, 3, 0, 0), 5000);
  near(impl(t, 3, 1, 0), 0);
  near(impl(t, 3, 2, 0), 15000);
  /* per_year 1000 in 2025-2026: R1 250 in 2025 and 2026, R2 750 in 2027 and 2028 (past T1) */
  near(impl(t, 3, 0, 1), 0);
  near(impl(t, 3, 1, 1), 250);
  near(impl(t, 3, 2, 1), 250);
  near(impl(t, 3, 3, 1), 750);
  /* per participant follows the delayed uptake: 0.5 * 1000 in 2024, 0.5 * 4000 from 2026 */
  near(impl(t, 3, 0, 2), 500);
  near(impl(t, 3, 2, 2), 2000);
  /* the plan without delay: unchanged */
  near(impl(t, 1, 0, 0), 20000);
  tp_run_free(t);
  tp_free(pl);
}

static double parts(const tp_run *t, int i, int y, int a, int v) {
  return at_iv(t, t->r.participants, i, y, a, v);
}

/* after_funding (docs/model.md 4): uptake stops, or decays over N years, after the last year
 * of the cost lines; a subregion's delay moves that end with its costs. */
static void test_after_funding(void **st) {
  (void)st;
  cs_plan *pl = iv_plan(2030);
  cs_intervention *sp = tp_intervention(pl, "stop", 0.8);
  sp->costs[sp->ncost++] =
      (cs_cost){CS_COST_PER_YEAR, 0, tp_num(pl, 100), 0, 2024, 2026, CS_NONE, 0, NULL};
  sp->fund_end = 2026; /* the loader's funding_end: the per_year line's `to` */
  sp->after = CS_AFTER_STOP;
  cs_intervention *dc = tp_intervention(pl, "decay", 0.6);
  dc->costs[dc->ncost++] =
      (cs_cost){CS_COST_ONCE, 0, tp_num(pl, 500), 2025, 0, 0, CS_NONE, 0, NULL};
  dc->fund_end = 2025;
  dc->after = CS_AFTER_DECAY;
  dc->decay_years = 2;
  cs_intervention *kp = tp_intervention(pl, "keep", 0.5);
  kp->costs[kp->ncost++] =
      (cs_cost){CS_COST_ONCE, 0, tp_num(pl, 500), 2024, 0, 0, CS_NONE, 0, NULL};
  kp->fund_end = 2024;
  kp->after = CS_AFTER_KEEP;
  cs_scenario_def *s = &pl->scens[pl->nscen++];
  s->id = "r2-later";
  s->sub_mask = cs_arena_calloc(&pl->arena, 2, 1);
  s->sub_mask[0] = s->sub_mask[1] = 1;
  s->delay = cs_arena_calloc(&pl->arena, 2, sizeof(int32_t));
  s->delay[1] = 2;
  tp_run *t = tp_run_new(pl, 0);
  /* scenarios: baseline 0, plan 1, r2-later 2, then without-<theme> */
  /* stop: 0.8 in 2024..2026 (funded), 0 from 2027 */
  near(up(t, 1, 2, 0, 0), 0.8);
  near(up(t, 1, 3, 0, 0), 0.0);
  near(up(t, 1, 6, 1, 0), 0.0);
  near(parts(t, 1, 2, 0, 0), 800); /* 1000 persons x 0.8 */
  near(parts(t, 1, 3, 0, 0), 0);
  /* decay over 2 years after 2025: 0.6, then 0.6 x (1 - 1/2) = 0.3 in 2026, 0 from 2027 */
  near(up(t, 1, 1, 0, 1), 0.6);
  near(up(t, 1, 2, 0, 1), 0.3);
  near(up(t, 1, 3, 0, 1), 0.0);
  near(parts(t, 1, 2, 1, 1), 3000 * 0.3);
  /* keep: funded only in 2024, uptake goes on */
  near(up(t, 1, 6, 0, 2), 0.5);
  /* R2 two years later: starts 2026, funding ends 2028 (stop) and 2027 (decay) */
  near(up(t, 2, 1, 1, 0), 0.0);
  near(up(t, 2, 4, 1, 0), 0.8); /* 2028 */
  near(up(t, 2, 5, 1, 0), 0.0); /* 2029 */
  near(up(t, 2, 3, 1, 1), 0.6); /* 2027 */
  near(up(t, 2, 4, 1, 1), 0.3); /* 2028 */
  near(up(t, 2, 5, 1, 1), 0.0);
  /* R1 is not delayed: as in the plan */
  near(up(t, 2, 3, 0, 0), 0.0);
  near(up(t, 2, 2, 0, 1), 0.3);
  tp_run_free(t);
  tp_free(pl);
}

/* ---- The PSA path: one worker's model reused draw after draw ----
 *
 * A PSA worker (src/psa/psa.c: wmodel_init, job_run) allocates parameters, scenarios,
 * results, workspace and econ once and then, for every draw, refills the parameters
 * (cs_params_fill), recomputes the cost coverage (cs_scen_coverage), runs the kernel into
 * the same results with the same workspace and refills the same econ (here cs_econ_fill, the
 * whole of it; psa.c fills only what a draw reports, test_econ_fill_metrics). A draw
 * computed that way must give the same bytes as the draw computed on a fresh model, whatever
 * the model held before: the previous draw, or any garbage. */

typedef struct {
  cs_arena ar;
  double *theta;
  cs_params pm;
  cs_scen *sc;
  int32_t nsc;
  cs_results r;
  cs_work w;
  cs_econ ec;
} wmodel;

/* As wmodel_init in psa.c, with `detail` as the caller asks (the PSA uses 0). */
static void wm_init(const cs_plan *pl, const double *theta, int detail, wmodel *m) {
  cs_arena_init(&m->ar);
  m->theta = cs_arena_calloc(&m->ar, (size_t)pl->ndist + 1, sizeof(double));
  assert_non_null(m->theta);
  memcpy(m->theta, theta, (size_t)pl->ndist * sizeof(double));
  assert_int_equal(cs_params_build(pl, m->theta, &m->ar, &m->pm), CS_OK);
  m->nsc = cs_scen_build(pl, &m->pm, &m->ar, &m->sc);
  assert_true(m->nsc > 0);
  assert_int_equal(cs_results_alloc(pl, m->nsc, detail, &m->ar, &m->r), CS_OK);
  assert_int_equal(cs_work_alloc(pl, &m->pm, m->nsc, &m->ar, &m->w), CS_OK);
  assert_int_equal(cs_econ_alloc(&m->r, &m->ar, &m->ec), CS_OK);
}

/* As job_run in psa.c: one draw on whatever the model holds (all of the econ). */
static void wm_run(const cs_plan *pl, const double *theta, wmodel *m) {
  memcpy(m->theta, theta, (size_t)pl->ndist * sizeof(double));
  cs_params_fill(pl, m->theta, &m->pm);
  cs_scen_coverage(pl, &m->pm, m->sc, m->nsc);
  cs_kernel(pl, &m->pm, m->sc, m->nsc, &m->w, &m->r);
  cs_econ_fill(pl, &m->r, &m->ec);
}

/* A fresh model that has run one draw. */
static wmodel *wm_fresh(const cs_plan *pl, const double *theta, int detail) {
  wmodel *m = calloc(1, sizeof *m);
  assert_non_null(m);
  wm_init(pl, theta, detail, m);
  wm_run(pl, theta, m);
  return m;
}

static void wm_free(wmodel *m) {
  cs_arena_release(&m->ar);
  free(m);
}

/* Every output array of one draw, with its whole length in bytes: all of cs_results (the
 * counters included) and all of cs_econ (its scratch `delta` too: it holds the last
 * scenario's deltas, which are just as determined by the draw). */
typedef struct {
  const char *name;
  const void *p;
  size_t bytes;
} arr;
#define NARR 64
/* outputs() of a model: all bits set */
#define ALL(n) ((n) >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << (n)) - 1)

static int outputs(const cs_plan *pl, const wmodel *m, arr *o) {
  const cs_results *r = &m->r;
  const cs_econ *e = &m->ec;
  size_t sy = (size_t)r->nsc * r->ny, D = sizeof(double), nst = (size_t)r->np + 1;
  size_t ns = (size_t)r->nsc * nst, sc = (size_t)r->nsc;
  int n = 0;
#define OUT(nm, ptr, len) (o[n++] = (arr){nm, (ptr), (len)})
  OUT("results.demo", r->demo, sy * r->na * CS_DEMO_N * D);
  OUT("results.care", r->care, sy * r->na * r->nc * CS_CARE_N * D);
  OUT("results.health", r->health, sy * r->na * CS_HEALTH_N * D);
  OUT("results.payer_care", r->payer_care, sy * r->np * D);
  OUT("results.payer_impl", r->payer_impl, sy * r->np * D);
  OUT("results.own_fte", r->own_fte, sy * D);
  OUT("results.impl_sub", r->impl_sub, sy * r->nr * r->np * D);
  OUT("results.wf_dem", r->wf_dem, sy * r->nr * r->ng * D);
  OUT("results.wf_sup", r->wf_sup, sy * r->nr * r->ng * D);
  OUT("results.uptake", r->uptake, sy * r->na * r->niv * D);
  OUT("results.participants", r->participants, sy * r->na * r->niv * D);
  OUT("results.impl", r->impl, sy * r->nline * D);
  OUT("results.flows", r->flows, sy * r->na * D);
  if (r->detail)
    OUT("results.detail", r->detail, sy * r->na * CS_NSEX * CS_NAGE * (size_t)pl->nstate * D);
  OUT("results.clamp_iv", r->clamp_iv, (size_t)r->niv * sizeof(int64_t));
  OUT("results.capped_persons", &r->capped_persons, D);
  OUT("results.capped_cells", &r->capped_cells, sizeof(int64_t));
  OUT("results.clamped_rows", &r->clamped_rows, sizeof(int64_t));
  OUT("econ.inv", e->inv, ns * D);
  OUT("econ.sav", e->sav, ns * D);
  OUT("econ.npv", e->npv, ns * D);
  OUT("econ.break_even", e->break_even, ns * sizeof(int32_t));
  OUT("econ.dqaly", e->dqaly, sc * D);
  OUT("econ.dly", e->dly, sc * D);
  OUT("econ.cost_per_qaly", e->cost_per_qaly, sc * D);
  OUT("econ.societal", e->societal, sc * D);
  OUT("econ.crit", e->crit, sy * CS_CRIT_N * D);
  OUT("econ.crit_sub", e->crit_sub, sy * r->nr * CS_CRIT_N * D);
  OUT("econ.front_share", e->front_share, sy * D);
  OUT("econ.gap_closed", e->gap_closed, sy * D);
  OUT("econ.staff_gross", e->staff_gross, sy * D);
  OUT("econ.gap", e->gap, sy * D);
  OUT("econ.inv_sub", e->inv_sub, ns * r->nr * D);
  OUT("econ.sav_sub", e->sav_sub, ns * r->nr * D);
  OUT("econ.delta", e->delta, nst * r->ny * D);
#undef OUT
  assert_true(n <= NARR);
  return n;
}

/* Byte-compares every output of two models. Returns the set of arrays that differ (bit i:
 * array i of outputs()); names each with `when` unless that is NULL. */
static uint64_t outputs_diff(const cs_plan *pl, const wmodel *x, const wmodel *y,
                             const char *when) {
  arr a[NARR], b[NARR];
  int n = outputs(pl, x, a), nb = outputs(pl, y, b);
  uint64_t bad = 0;
  assert_int_equal(n, nb);
  for (int i = 0; i < n; i++) {
    assert_true(a[i].bytes == b[i].bytes && a[i].bytes > 0);
    if (memcmp(a[i].p, b[i].p, a[i].bytes) == 0) continue;
    bad |= (uint64_t)1 << i;
    if (!when) continue;
    const unsigned char *p = a[i].p, *q = b[i].p;
    size_t k = 0;
    while (p[k] == q[k])
      k++;
    print_error("%s: %s differs from byte %zu of %zu\n", when, a[i].name, k, a[i].bytes);
  }
  return bad;
}

/* Overwrites every buffer of the model that a draw must overwrite or reset itself (the
 * drawn parameters, the scenarios' cost coverage, the whole workspace, every result and
 * econ array) with the byte `g`. Left alone: the plan-static parts that cs_params_alloc,
 * cs_scen_build and the allocators set once (signatures, scenario flags, array sizes). */
static void wm_garbage(const cs_plan *pl, wmodel *m, int g) {
  const size_t D = sizeof(double), asx = (size_t)pl->narea * CS_NSEX * CS_NAGE;
  const size_t nk = (size_t)pl->nstate, nc = (size_t)pl->nsector, niv = (size_t)pl->niv;
  size_t ne = 0;
  for (int32_t v = 0; v < pl->niv; v++)
    ne += (size_t)pl->ivs[v].neffect;
  size_t nl = (size_t)cs_plan_nlines(pl), ns = (size_t)m->pm.nsig;
  size_t cells = asx * nk, RG = (size_t)pl->nsub * pl->ngroup;
  /* parameters (as cs_params_alloc sizes them) */
  cs_params *p = &m->pm;
  memset(p->pop, g, asx * D);
  memset(p->q0, g, CS_NSEX * CS_NAGE * D);
  if (p->fert) memset(p->fert, g, CS_NAGE * D);
  memset(p->mig, g, asx * D);
  if (p->proj) memset(p->proj, g, asx * (size_t)(pl->nyear - 1) * D);
  memset(p->trans, g, CS_NSEX * CS_NAGE * nk * nk * D);
  memset(p->use, g, nc * nk * CS_NSEX * CS_NAGE * D);
  memset(p->eol, g, nc * nk * CS_NSEX * CS_NAGE * D);
  memset(&p->impr, g, D);
  memset(&p->boys, g, D);
  memset(&p->price_growth, g, D);
  memset(p->utility, g, nk * D);
  memset(p->rr, g, nk * D);
  memset(p->price, g, nc * D);
  memset(p->fte_per_unit, g, nc * D);
  memset(p->m2, g, nc * D);
  memset(p->co2, g, nc * D);
  memset(p->growth, g, nc * D);
  memset(p->iv_max, g, niv * D);
  memset(p->eff_off, g, (niv + 1) * sizeof(int32_t));
  memset(p->cost_off, g, (niv + 1) * sizeof(int32_t));
  memset(p->eff_change, g, ne * D);
  memset(p->eff_fraction, g, ne * D);
  memset(p->eff_ratio, g, ne * D);
  memset(p->eff_outflow, g, ne * D);
  memset(p->eff_inflow, g, ne * D);
  memset(p->cost_amount, g, nl * D);
  for (int32_t i = 0; i < m->nsc; i++)
    memset(m->sc[i].coverage, g, niv * D);
  for (int32_t i = 0; i < m->nsc; i++)
    memset(m->sc[i].cov_sub, g, niv * (size_t)pl->nsub * D);
  /* workspace (as cs_work_alloc sizes it) */
  cs_work *w = &m->w;
  memset(w->cur, g, cells * (size_t)m->nsc * D);
  memset(w->next, g, cells * (size_t)m->nsc * D);
  memset(w->mig_resid, g, asx * D);
  memset(w->up, g, niv * D);
  memset(w->act, g, niv * sizeof(int32_t));
  memset(w->em, g, ne * D);
  memset(w->ef, g, ne * D);
  memset(w->part, g, niv * D);
  memset(w->units, g, nc * D);
  memset(w->fsum, g, nc * D);
  memset(w->ru, g, ns * nc * D);
  memset(w->re, g, ns * nc * D);
  memset(w->rn, g, ns * D);
  memset(w->tm, g, ns * nk * nk * D);
  memset(w->tm_on, g, ns);
  memset(w->upbar, g, (size_t)pl->nsub * niv * D);
  memset(w->sup, g, (size_t)m->nsc * RG * D);
  memset(w->grow, g, nc * D);
  memset(w->u, g, nc * D);
  memset(w->e, g, nc * D);
  memset(w->mfte, g, nc * D);
  memset(w->p, g, nk * nk * D);
  memset(w->S, g, nk * D);
  memset(w->S2, g, nk * D);
  memset(w->D, g, nk * D);
  /* every result and econ array */
  arr o[NARR];
  int n = outputs(pl, m, o);
  for (int i = 0; i < n; i++)
    memset((void *)o[i].p, g, o[i].bytes);
}

/* A plan that exercises every path of the kernel: 3 areas in 2 subregions, 2 states with
 * relative risks, transitions and a capped death probability at 100+, births (or the
 * projection mode's residual migration), migration removals that are capped, 3 sectors with
 * growth and end-of-life use, price growth, mortality improvement, a workforce row, and three
 * themes with every effect kind, both uptake curves, a later start in R2, targeting by age,
 * sex, state and area, transition rows clamped to 1, every cost kind, a subregion-only and a
 * delayed scenario. 7 scenarios, 2024..2030. */
static const int SUBS3[] = {0, 0, 1};

static cs_plan *rich_plan(int projection) {
  cs_plan *pl = tp_new(3, SUBS3, 2, 2, 2024, 2030);
  cs_arena *ar = &pl->arena;
  const int K = 2;
  for (int a = 0; a < 3; a++)
    for (int s = 0; s < CS_NSEX; s++)
      for (int x = 0; x <= CS_XMAX; x++)
        pl->pop[cs_ix_asx(a, s, x)] =
            (a == 2 && x == 50) ? 0 : 100.0 * (a + 1) + 7 * x + 13 * s + 0.25 * x * s;
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x <= CS_XMAX; x++) {
      pl->q0[s * CS_NAGE + x] = x == CS_XMAX ? 0.6 : 0.001 + 0.0009 * x + 0.0002 * s;
      double *sh = pl->share0 + ((size_t)s * CS_NAGE + x) * K;
      sh[0] = x >= 60 ? 0.7 : 1.0;
      sh[1] = 1.0 - sh[0];
      double *tr = pl->trans + ((size_t)s * CS_NAGE + x) * K * K;
      tr[0 * K + 1] = x >= 50 ? 0.02 + 0.004 * (x - 50) : 0.0;
      tr[1 * K + 0] = 0.05;
    }
  pl->states[1].rr = tp_num(pl, 2.5);
  pl->states[1].utility = tp_num(pl, 0.6);
  pl->mort_improvement = tp_num(pl, 0.01);
  pl->boys = tp_num(pl, 0.512);
  pl->price_growth = tp_num(pl, 0.02);
  int h = tp_sector(pl, "hosp", 0, CS_CHAIN_SECONDARY, 300, 0.002, 0.5, 12, 0.01);
  int gp = tp_sector(pl, "gp", 0, CS_CHAIN_PRIMARY, 40, 0.0005, 0.0, 1, 0.02);
  int hm = tp_sector(pl, "home", 1, CS_CHAIN_LONG_TERM, 55, 0.001, 0.1, 3, 0.0);
  for (int k = 0; k < K; k++)
    for (int s = 0; s < CS_NSEX; s++)
      for (int x = 0; x <= CS_XMAX; x++) {
        *tp_use(pl, pl->use, h, k, s, x) = (0.1 + 0.01 * x) * (k ? 2 : 1);
        *tp_use(pl, pl->use, gp, k, s, x) = 3 + 0.05 * x + s;
        *tp_use(pl, pl->use, hm, k, s, x) = k && x >= 65 ? 0.5 * (x - 64) : 0;
        *tp_use(pl, pl->eol, h, k, s, x) = 5;
        *tp_use(pl, pl->eol, hm, k, s, x) = k ? 10 : 0;
      }
  if (!projection) {
    for (int x = 20; x <= 40; x++)
      pl->fert[x] = 0.05;
    pl->mig[cs_ix_asx(0, 0, 25)] = 30;
    pl->mig[cs_ix_asx(1, 1, 80)] = -500; /* more than there: capped */
    pl->mig[cs_ix_asx(2, 0, 50)] = -5;   /* an empty cell: capped */
  } else {
    size_t ny1 = (size_t)pl->nyear - 1;
    pl->fert = NULL;
    pl->has_projection = 1;
    pl->proj = cs_arena_calloc(ar, (size_t)3 * CS_NSEX * CS_NAGE * ny1, sizeof(double));
    for (size_t ax = 0; ax < (size_t)3 * CS_NSEX * CS_NAGE; ax++)
      for (size_t y = 0; y < ny1; y++)
        pl->proj[ax * ny1 + y] = pl->pop[ax] * (1.0 - 0.01 * (double)(y + 1)) + (double)(ax % 7);
    for (int x = 70; x <= 75; x++)
      pl->proj[cs_ix_asx(0, 0, x) * ny1 + 3] = 0; /* A1 women emptied */
    pl->proj[cs_ix_asx(2, 0, 51) * ny1 + 0] = 0;  /* nobody aged 50 in A3, none projected at 51:
                                                     a residual of exactly 0 */
  }
  pl->wf[0] = (cs_wf_row){1, 50, 0.03, 0.08, 4};
  /* theme 1: care for the elderly */
  cs_intervention *iv = tp_intervention(pl, "care", 0.6);
  iv->age_from = 60;
  iv->ramp_years = 3;
  iv->start = 2025;
  iv->start_by_sub[1] = 2026;
  cs_effect *e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = h;
  e->change = tp_num(pl, -0.2);
  e = tp_effect(pl, iv, CS_EFF_SHIFT);
  e->from = h;
  e->to = hm;
  e->fraction = tp_num(pl, 0.3);
  e->ratio = tp_num(pl, 1.5);
  e = tp_effect(pl, iv, CS_EFF_SHIFT);
  e->from = h;
  e->to = gp;
  e->fraction = tp_num(pl, 0.2);
  e->ratio = tp_num(pl, 2.0);
  e = tp_effect(pl, iv, CS_EFF_EOL);
  e->sector = h;
  e->change = tp_num(pl, -0.3);
  e = tp_effect(pl, iv, CS_EFF_FTE);
  e->sector = hm;
  e->change = tp_num(pl, -0.1);
  e = tp_effect(pl, iv, CS_EFF_WORKFORCE);
  e->group = 0;
  e->outflow_change = tp_num(pl, -0.5);
  e->extra_inflow = tp_num(pl, 3);
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_ONCE, 0, tp_num(pl, 50000), 2025, 0, 0, CS_NONE, 0, NULL};
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_YEAR, 1, tp_num(pl, 10000), 0, 2026, 2029, CS_NONE, 0, NULL};
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_PARTICIPANT, 0, tp_num(pl, 12), 0, 0, 0, CS_NONE, 0, NULL};
  iv->resources = cs_arena_calloc(&pl->arena, 1, sizeof(cs_resource)); /* the plan's own staff */
  iv->resources[iv->nresource++] =
      (cs_resource){.organisation = "o", .role = "r", .fte = 1.5, .from = 2025, .to = 2028};
  /* theme 2: screening finds frailty earlier (more 0 -> 1) in women of A1 and A3, state 0
   * only; more of them die, so in projection mode the baseline's residual removal is capped */
  iv = tp_intervention(pl, "screen", 0.8);
  iv->curve = CS_CURVE_LOGISTIC;
  iv->ramp_years = 4;
  iv->sex_mask[1] = 0;
  iv->area_mask[1] = 0;
  iv->state_mask[1] = 0;
  iv->has_states = 1;
  e = tp_effect(pl, iv, CS_EFF_TRANSITION);
  e->from = 0;
  e->to = 1;
  e->change = tp_num(pl, 0.5);
  e = tp_effect(pl, iv, CS_EFF_USE);
  e->sector = gp;
  e->change = tp_num(pl, 0.1);
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_PER_YEAR, 1, tp_num(pl, 2500), 0, 2024, 2030, CS_NONE, 0, NULL};
  /* theme 3: recovery at 80+ pushed above 1 once the uptake reaches 1 (draw 0) or 0.75
   * (draw A below), so rows are clamped, a draw-dependent number of them */
  iv = tp_intervention(pl, "recover", 1.0);
  iv->age_from = 80;
  iv->ramp_years = 4;
  iv->state_mask[0] = 0;
  iv->has_states = 1;
  e = tp_effect(pl, iv, CS_EFF_TRANSITION);
  e->from = 1;
  e->to = 0;
  e->change = tp_num(pl, 25);
  iv->costs[iv->ncost++] =
      (cs_cost){CS_COST_ONCE, 1, tp_num(pl, 7000), 2024, 0, 0, CS_NONE, 0, NULL};
  /* scenarios: R1 only; R2 two years later */
  cs_scenario_def *sd = &pl->scens[pl->nscen++];
  sd->id = "r1-only";
  sd->has_subregions = 1;
  sd->sub_mask = cs_arena_calloc(ar, 2, 1);
  sd->sub_mask[0] = 1;
  sd->delay = cs_arena_calloc(ar, 2, sizeof(int32_t));
  sd = &pl->scens[pl->nscen++];
  sd->id = "r2-later";
  sd->sub_mask = cs_arena_calloc(ar, 2, 1);
  sd->sub_mask[0] = sd->sub_mask[1] = 1;
  sd->delay = cs_arena_calloc(ar, 2, sizeof(int32_t));
  sd->delay[1] = 2;
  return pl;
}

/* Draw B: every number at its plan value (draw 0). Draw A: every number moved (x 1.2, or
 * 0.003 where it is 0; costs x 480), so that every output differs from B. */
static double *theta_of(const cs_plan *pl, int moved) {
  double *th = calloc((size_t)pl->ndist + 1, sizeof(double));
  assert_non_null(th);
  for (int32_t i = 0; i < pl->ndist; i++) {
    double v = pl->dists[i].mean;
    th[i] = moved ? (v != 0.0 ? v * 1.2 : 0.003) : v;
  }
  /* and costs so much higher that the break-even years move */
  for (int32_t v = 0; moved && v < pl->niv; v++)
    for (int32_t j = 0; j < pl->ivs[v].ncost; j++)
      th[pl->ivs[v].costs[j].amount.p] *= 400;
  return th;
}

static int nbits(uint64_t v) {
  int n = 0;
  for (; v; v &= v - 1)
    n++;
  return n;
}

/* The counters of the results: those the kernel adds to while it runs. */
static uint64_t counters(const cs_plan *pl, const wmodel *m) {
  arr o[NARR];
  int n = outputs(pl, m, o);
  uint64_t set = 0;
  for (int i = 0; i < n; i++)
    if (!strcmp(o[i].name, "results.clamp_iv") || !strcmp(o[i].name, "results.capped_persons") ||
        !strcmp(o[i].name, "results.capped_cells") || !strcmp(o[i].name, "results.clamped_rows") ||
        !strcmp(o[i].name, "results.own_fte")) /* staff are plain numbers: equal in A and B */
      set |= (uint64_t)1 << i;
  return set;
}

/* A PSA draw, a tornado run and a Shapley run fill only the economics they report
 * (cs_econ_fill_metrics): each of those fields has cs_econ_fill's bytes whatever the econ
 * held before (garbage 0xFF: NaN, and 0x3F), with the two criteria years apart and equal. */
static void test_econ_fill_metrics(void **st) {
  (void)st;
  for (int same = 0; same < 2; same++) {
    cs_plan *pl = rich_plan(0);
    if (same) pl->crit_short_year = pl->crit_year;
    int32_t yl = pl->crit_year - pl->T0, ys = pl->crit_short_year - pl->T0;
    assert_true(same ? yl == ys : yl != ys);
    double *th = theta_of(pl, 1);
    wmodel *full = wm_fresh(pl, th, 0); /* (cs_econ_fill) */
    const cs_econ *f = &full->ec;
    for (int g = 0; g < 2; g++) {
      wmodel *m = wm_fresh(pl, th, 0);
      cs_econ *e = &m->ec;
      const cs_results *r = &m->r;
      size_t D = sizeof(double), nst = (size_t)r->np + 1, ns = (size_t)r->nsc * nst;
      size_t sc = (size_t)r->nsc, nt = (size_t)r->nr + 1;
      arr o[NARR];
      int n = outputs(pl, m, o);
      for (int i = 0; i < n; i++)
        if (!strncmp(o[i].name, "econ.", 5)) memset((void *)o[i].p, g ? 0x3F : 0xFF, o[i].bytes);
      memset(e->threshold, g ? 0x3F : 0xFF, (size_t)r->ny * CS_CRIT_N * D);
      memset(e->btot, g ? 0x3F : 0xFF, (size_t)r->ny * nt * sizeof *e->btot);
      memset(e->stot, g ? 0x3F : 0xFF, nt * sizeof *e->stot);
      cs_econ_fill_metrics(pl, r, e);
      assert_memory_equal(e->inv, f->inv, ns * D);
      assert_memory_equal(e->sav, f->sav, ns * D);
      assert_memory_equal(e->npv, f->npv, ns * D);
      assert_memory_equal(e->break_even, f->break_even, ns * sizeof(int32_t));
      assert_memory_equal(e->dqaly, f->dqaly, sc * D);
      assert_memory_equal(e->dly, f->dly, sc * D);
      assert_memory_equal(e->cost_per_qaly, f->cost_per_qaly, sc * D);
      assert_memory_equal(e->societal, f->societal, sc * D);
      for (int32_t t = 0; t < 2; t++) {
        int32_t y = t ? ys : yl;
        assert_memory_equal(e->threshold + (size_t)y * CS_CRIT_N,
                            f->threshold + (size_t)y * CS_CRIT_N, CS_CRIT_N * D);
        for (int32_t i = 0; i < r->nsc; i++)
          assert_memory_equal(e->crit + cs_ix_sy(r, i, y) * CS_CRIT_N,
                              f->crit + cs_ix_sy(r, i, y) * CS_CRIT_N, CS_CRIT_N * D);
      }
      wm_free(m);
    }
    wm_free(full);
    free(th);
    tp_free(pl);
  }
}

/* Reusing one model draw after draw, as the PSA does, gives every output array the same
 * bytes as a fresh model: after another draw (both ways round), after the same draw, and
 * after garbage (bytes 0xFF: NaN doubles, -1 ints; bytes 0x3F: small positive doubles,
 * large positive ints, true flags), in births and in projection mode, with and without the
 * per-cell detail. */
static void test_kernel_rerun_identical(void **st) {
  (void)st;
  for (int projection = 0; projection < 2; projection++)
    for (int detail = 0; detail < 2; detail++) {
      cs_plan *pl = rich_plan(projection);
      double *thA = theta_of(pl, 1), *thB = theta_of(pl, 0);
      wmodel *fa = wm_fresh(pl, thA, detail), *fb = wm_fresh(pl, thB, detail);
      arr tmp[NARR];
      int n = outputs(pl, fb, tmp);
      /* The draws differ in every output array, so a value left over from one cannot pass
       * for the other. The counters differ or not by the plan's chance; each is > 0 in both
       * draws, so a counter that is not reset shows when the same draw runs twice. */
      uint64_t cnt = counters(pl, fb);
      assert_int_equal(nbits(cnt), 5);
      assert_int_equal(outputs_diff(pl, fa, fb, NULL) | cnt, ALL(n));
      for (int k = 0; k < 2; k++) {
        const cs_results *r = k ? &fa->r : &fb->r;
        assert_true(r->clamped_rows > 0 && r->clamp_iv[2] > 0 && r->clamp_iv[1] == 0);
        assert_true(r->capped_cells > 0 && r->capped_persons > 0);
        assert_true(r->own_fte[cs_ix_sy(r, 1, 2)] == 1.5);
      }
      assert_true(fa->r.clamped_rows != fb->r.clamped_rows);
      /* one model, as one PSA worker: draws A, B, A, A, each against its fresh run */
      wmodel *m = calloc(1, sizeof *m);
      assert_non_null(m);
      wm_init(pl, thB, detail, m);
      const double *seq[] = {thA, thB, thA, thA};
      char when[96];
      for (int k = 0; k < 4; k++) {
        wm_run(pl, seq[k], m);
        snprintf(when, sizeof when, "projection %d detail %d, run %d of A, B, A, A", projection,
                 detail, k + 1);
        assert_int_equal(outputs_diff(pl, m, seq[k] == thA ? fa : fb, when), 0);
      }
      /* garbage in everything a draw must overwrite, then B */
      for (int g = 0; g < 2; g++) {
        wm_garbage(pl, m, g ? 0x3F : 0xFF);
        assert_int_equal(outputs_diff(pl, m, fb, NULL), ALL(n)); /* the garbage is really there */
        wm_run(pl, thB, m);
        snprintf(when, sizeof when, "projection %d detail %d, B after garbage 0x%02X", projection,
                 detail, g ? 0x3F : 0xFF);
        assert_int_equal(outputs_diff(pl, m, fb, when), 0);
      }
      wm_free(m);
      wm_free(fa);
      wm_free(fb);
      free(thA);
      free(thB);
      tp_free(pl);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uptake_curves),
      cmocka_unit_test(test_use_shift_fte_effects),
      cmocka_unit_test(test_transition_clamp),
      cmocka_unit_test(test_costs_coverage_npv),
      cmocka_unit_test(test_staff_net_of_own_staff),
      cmocka_unit_test(test_shapley_themes),
      cmocka_unit_test(test_shapley_interventions),
      cmocka_unit_test(test_cycle_correction),
      cmocka_unit_test(test_fte_per_participant),
      cmocka_unit_test(test_cost_by_subregion),
      cmocka_unit_test(test_extra_use),
      cmocka_unit_test(test_business_case_subregion),
      cmocka_unit_test(test_utility_and_mortality_effects),
      cmocka_unit_test(test_patient_flows_eol_shift_relative_threshold),
      cmocka_unit_test(test_break_even_at_once),
      cmocka_unit_test(test_zero_uptake_is_baseline),
      cmocka_unit_test(test_monotone_cost),
      cmocka_unit_test(test_workforce_effect),
      cmocka_unit_test(test_kernel_rerun_identical),
      cmocka_unit_test(test_econ_fill_metrics),
      cmocka_unit_test(test_stacked_and_eol_effects),
      cmocka_unit_test(test_health_economics),
      cmocka_unit_test(test_delay_scenario),
      cmocka_unit_test(test_after_funding),
      cmocka_unit_test(test_wrong_pocket_by_theme),
      cmocka_unit_test(test_batch_split),
      cmocka_unit_test(test_business_case_insurer),
      cmocka_unit_test(test_insurer_where_the_money_goes),
      cmocka_unit_test(test_budget_impact_price_index)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
