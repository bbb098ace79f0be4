/* test_load.c: the plan loader. Random valid plans from tests/genplan.py must load;
 * the hand-written tests/data/tiny plan must give specific values at specific flat indices,
 * with defaults filled, $name sharing and {neg: X}; broken copies must fail with every
 * problem reported and nothing leaked; hostile YAML must fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careshift.h"
#include "plan/plan.h"

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) <= 1e-12 * (1 + fabs((double)(b))))

static const char *srcdir(void) {
  const char *s = getenv("CS_SRCDIR");
  return s && *s ? s : ".";
}

static double mean(const cs_plan *P, cs_num n) {
  assert_true(n.p >= 0 && n.p < P->ndist);
  return n.sign * P->dists[n.p].mean;
}

static cs_plan *load_ok(const char *path) {
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL;
  cs_status st = cs_plan_load(path, &P, d);
  for (size_t i = 0; i < cs_diags_count(d); i++)
    fprintf(stderr, "%s\n", cs_diags_get(d, i));
  assert_int_equal(st, CS_OK);
  /* a valid plan may carry warnings (a target that reaches nobody), nothing else */
  for (size_t i = 0; i < cs_diags_count(d); i++)
    assert_non_null(strstr(cs_diags_get(d, i), ": warning: "));
  assert_non_null(P);
  cs_diags_free(d);
  return P;
}

/* Every cs_num of the plan points at a labelled distribution. */
static void check_nums(const cs_plan *P) {
  const cs_num scales[] = {P->pop_scale,        P->mort_scale,  P->fert_scale,  P->mig_scale,
                           P->proj_scale,       P->trans_scale, P->use_scale,   P->eol_scale,
                           P->mort_improvement, P->boys,        P->price_growth};
  for (size_t i = 0; i < sizeof scales / sizeof *scales; i++)
    mean(P, scales[i]);
  for (int k = 0; k < P->nstate; k++) {
    mean(P, P->states[k].utility);
    mean(P, P->states[k].rr);
  }
  for (int c = 0; c < P->nsector; c++) {
    const cs_sector *s = &P->sectors[c];
    mean(P, s->price);
    mean(P, s->fte_per_unit);
    mean(P, s->m2_per_unit);
    mean(P, s->co2_per_unit);
    mean(P, s->growth);
    assert_true(s->group >= 0 && s->group < P->ngroup);
    assert_true(s->payer >= 0 && s->payer < P->npayer);
  }
  for (int i = 0; i < P->niv; i++) {
    const cs_intervention *iv = &P->ivs[i];
    mean(P, iv->max);
    for (int e = 0; e < iv->neffect; e++) {
      const cs_effect *f = &iv->effects[e];
      mean(P, f->change);
      mean(P, f->fraction);
      mean(P, f->ratio);
      mean(P, f->outflow_change);
      mean(P, f->extra_inflow);
    }
    for (int c = 0; c < iv->ncost; c++)
      mean(P, iv->costs[c].amount);
  }
  for (int i = 0; i < P->ndist; i++)
    assert_non_null(P->dists[i].label);
}

static char *gen(const char *args) {
  char *dir = strdup("/tmp/cs-load-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "python3 %s/tests/genplan.py %s %s", srcdir(), dir, args);
  assert_int_equal(system(cmd), 0);
  return dir;
}

static void rmdir_r(char *dir) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

/* The count genplan.py wrote for KEY in DIR/genplan.facts (what the generator built, so the
 * loader's counts are checked against an independent source). */
static int fact(const char *dir, const char *key) {
  char path[512], k[64];
  snprintf(path, sizeof path, "%s/genplan.facts", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int v = -1, x;
  while (fscanf(f, "%63s %d", k, &x) == 2)
    if (!strcmp(k, key)) v = x;
  fclose(f);
  assert_true(v >= 0);
  return v;
}

static void genplan_case(const char *args, int single, int proj) {
  char *dir = gen(args);
  char path[512];
  snprintf(path, sizeof path, "%s/plan.yaml", dir);
  cs_plan *P = load_ok(path);
  assert_int_equal(P->narea, fact(dir, "areas"));
  assert_int_equal(P->nsub, fact(dir, "subregions"));
  assert_int_equal(P->nstate, fact(dir, "states"));
  if (single) assert_int_equal(P->nstate, 1);
  assert_int_equal(P->nsector, fact(dir, "sectors"));
  assert_int_equal(P->ngroup, fact(dir, "groups"));
  assert_int_equal(P->ntheme, fact(dir, "themes"));
  assert_int_equal(P->niv, fact(dir, "interventions"));
  assert_int_equal(P->nscen, fact(dir, "scenarios"));
  assert_int_equal(P->has_projection, proj);
  assert_true(proj ? P->proj != NULL : P->fert != NULL);
  check_nums(P);
  cs_plan_info in;
  cs_plan_get_info(P, &in);
  assert_true(in.persons > 0);
  assert_int_equal(in.interventions, P->niv);
  cs_plan_free(P);
  rmdir_r(dir);
}

static void genplan_seeds(void **st) {
  (void)st;
  for (int s = 1; s <= 5; s++) {
    char a[16];
    snprintf(a, sizeof a, "%d", s);
    genplan_case(a, 0, 0);
  }
}

static void genplan_projection(void **st) {
  (void)st;
  genplan_case("6 --projection", 0, 1);
  genplan_case("7 --projection --single-state", 1, 1);
  genplan_case("9 --projection --psa", 0, 1);
}

static void genplan_single_state(void **st) {
  (void)st;
  genplan_case("8 --single-state", 1, 0);
}

static cs_plan *tiny(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/tiny/plan.yaml", srcdir());
  return load_ok(path);
}

/* Flat index of use/eol [c][k][s][x]. */
static size_t ux(const cs_plan *P, int c, int k, int s, int x) {
  return (((size_t)c * (size_t)P->nstate + (size_t)k) * CS_NSEX + (size_t)s) * CS_NAGE + (size_t)x;
}

static void tiny_tables(void **st) {
  (void)st;
  cs_plan *P = tiny();
  assert_int_equal(P->T0, 2024);
  assert_int_equal(P->nyear, 7);
  assert_string_equal(P->subs[0], "North");
  assert_int_equal(P->areas[1].sub, 1);
  NEAR(P->pop[cs_ix_asx(1, 0, 5)], 50);
  NEAR(P->pop[cs_ix_asx(0, 1, 100)], 100);
  NEAR(P->q0[1 * CS_NAGE + 0], 0.001);
  NEAR(P->fert[25], 0.05);
  NEAR(P->fert[45], 0);
  NEAR(P->share0[(0 * CS_NAGE + 3) * 2 + 1], 0.25);
  size_t tr = ((size_t)(0 * CS_NAGE + 70) * 2 + 0) * 2 + 1; /* f, 70, well -> ill */
  NEAR(P->trans[tr], 0.1);
  NEAR(P->trans[tr - 1], 0); /* diagonal */
  NEAR(P->use[ux(P, 0, 0, 0, 64)], 2);
  NEAR(P->use[ux(P, 0, 0, 0, 65)], 4);
  NEAR(P->use[ux(P, 1, 0, 0, 80)], 0); /* absent = 0 */
  NEAR(P->eol[ux(P, 1, 1, 1, 80)], 30);
  /* groups: workforce table first, then sector-only groups */
  assert_int_equal(P->ngroup, 2);
  assert_string_equal(P->groups[0], "nurses");
  assert_string_equal(P->groups[1], "gp_practice");
  assert_int_equal(P->sectors[0].group, 1);
  assert_true(P->wf[1 * 2 + 0].present && !P->wf[0 * 2 + 1].present);
  NEAR(P->wf[1 * 2 + 0].fte, 80);
  cs_plan_info in;
  cs_plan_get_info(P, &in);
  NEAR(in.persons, 30300);
  assert_int_equal(in.distributions, 4); /* utility, price, use scale, $eff */
  cs_plan_free(P);
}

static void tiny_numbers(void **st) {
  (void)st;
  cs_plan *P = tiny();
  NEAR(mean(P, P->sectors[0].price), 38.5);
  assert_int_equal(P->dists[P->sectors[0].price.p].kind, CS_DIST_FIXED);
  assert_string_equal(P->dists[P->sectors[0].price.p].label, "sectors[gp].price");
  assert_int_equal(P->dists[P->sectors[1].price.p].kind, CS_DIST_GAMMA);
  NEAR(mean(P, P->sectors[1].price), 70);
  NEAR(mean(P, P->sectors[0].m2_per_unit), 0);
  NEAR(mean(P, P->sectors[1].growth), 0.02);
  NEAR(mean(P, P->states[0].rr), 1);
  NEAR(mean(P, P->states[1].rr), 2.5);
  NEAR(mean(P, P->boys), 0.512);
  NEAR(mean(P, P->mort_improvement), 0.01);
  NEAR(mean(P, P->price_growth), 0);
  NEAR(mean(P, P->pop_scale), 1);
  assert_int_equal(P->dists[P->use_scale.p].kind, CS_DIST_LOGNORMAL);
  assert_string_equal(P->dists[P->use_scale.p].label, "use.scale");
  NEAR(P->discount_rate, 0.03);
  NEAR(P->discount_rate_effects, 0.015);
  NEAR(P->qaly_value, 0);
  assert_int_equal(P->crit_year, 2030);
  assert_int_equal(P->crit_payer, 0);
  NEAR(P->care_use_pct, 1.0);
  NEAR(P->patient_flows_pct, 2.0);
  NEAR(P->staff_fte, 25);
  NEAR(P->real_estate_m2, 2000);
  assert_int_equal(P->psa_draws, 0);
  cs_plan_free(P);
}

static void tiny_intervention(void **st) {
  (void)st;
  cs_plan *P = tiny();
  assert_int_equal(P->niv, 1);
  const cs_intervention *iv = &P->ivs[0];
  assert_true(!iv->area_mask[0] && iv->area_mask[1]);
  assert_true(iv->has_states && !iv->state_mask[0] && iv->state_mask[1]);
  assert_int_equal(iv->age_from, 65);
  assert_int_equal(iv->age_to, 100);
  assert_true(iv->sex_mask[0] && iv->sex_mask[1]);
  NEAR(mean(P, iv->max), 0.5);
  assert_int_equal(iv->ramp_years, 2);
  assert_int_equal(iv->start, 2025);
  assert_int_equal(iv->curve, CS_CURVE_LINEAR);
  assert_int_equal(iv->start_by_sub[0], CS_YEAR_NONE);
  /* {neg: $eff}: the parameter's own distribution, sign flipped */
  const cs_effect *e = &iv->effects[0];
  assert_int_equal(e->kind, CS_EFF_USE);
  assert_int_equal(e->sector, 1);
  assert_int_equal(P->nparam, 1);
  assert_int_equal(e->change.p, P->param_dist[0]);
  assert_true(e->change.sign == -1.0);
  NEAR(mean(P, e->change), -0.2);
  assert_string_equal(P->dists[e->change.p].label, "$eff");
  assert_int_equal(iv->effects[1].kind, CS_EFF_TRANSITION);
  assert_int_equal(iv->effects[1].from, 1);
  assert_int_equal(iv->effects[1].to, 0);
  assert_int_equal(iv->ncost, 2);
  assert_int_equal(iv->costs[0].kind, CS_COST_PER_YEAR);
  assert_int_equal(iv->costs[0].payer, 1);
  assert_int_equal(iv->costs[0].from, 2024);
  assert_int_equal(iv->costs[0].to, 2030);
  assert_int_equal(iv->costs[1].kind, CS_COST_ONCE);
  assert_int_equal(iv->costs[1].year, 2025);
  assert_int_equal(P->nscen, 1);
  assert_int_equal(P->scens[0].delay[0], 1);
  assert_int_equal(P->scens[0].delay[1], 0);
  assert_true(!P->scens[0].has_subregions && P->scens[0].sub_mask[0] && P->scens[0].sub_mask[1]);
  check_nums(P);
  cs_plan_free(P);
}

/* Copies the tiny plan to a new directory with `from` replaced by `to` in plan.yaml (and
 * from2 by to2 when given, after the first); returns the directory. */
static char *tiny_copy2(const char *from, const char *to, const char *from2, const char *to2) {
  char *dir = strdup("/tmp/cs-tiny-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cp %s/tests/data/tiny/*.csv %s/", srcdir(), dir);
  assert_int_equal(system(cmd), 0);
  char src[1024];
  snprintf(src, sizeof src, "%s/tests/data/tiny/plan.yaml", srcdir());
  FILE *f = fopen(src, "rb");
  assert_non_null(f);
  static char text[65536];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  char *hit = strstr(text, from);
  assert_non_null(hit);
  snprintf(src, sizeof src, "%s/plan.yaml", dir);
  f = fopen(src, "wb");
  fwrite(text, 1, (size_t)(hit - text), f);
  fputs(to, f);
  const char *rest = hit + strlen(from);
  const char *hit2 = from2 ? strstr(rest, from2) : NULL;
  if (from2) assert_non_null(hit2);
  if (hit2) {
    fwrite(rest, 1, (size_t)(hit2 - rest), f);
    fputs(to2, f);
    rest = hit2 + strlen(from2);
  }
  fputs(rest, f);
  fclose(f);
  return dir;
}

static char *tiny_copy(const char *from, const char *to) {
  return tiny_copy2(from, to, NULL, NULL);
}

/* Loads dir/plan.yaml expecting failure; returns the diags (caller frees). */
static cs_diags *load_bad(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/plan.yaml", dir);
  cs_diags *d = cs_diags_new();
  cs_plan *P = (cs_plan *)&path; /* must be reset to NULL */
  assert_int_equal(cs_plan_load(path, &P, d), CS_EINVAL);
  assert_null(P);
  return d;
}

static int has(const cs_diags *d, const char *needle) {
  for (size_t i = 0; i < cs_diags_count(d); i++)
    if (strstr(cs_diags_get(d, i), needle)) return 1;
  return 0;
}

static void shared_parameter(void **st) {
  (void)st;
  char *dir = tiny_copy("change: 0.3}", "change: $eff}");
  char path[512];
  snprintf(path, sizeof path, "%s/plan.yaml", dir);
  cs_plan *P = load_ok(path);
  const cs_effect *e = P->ivs[0].effects;
  assert_int_equal(e[0].change.p, e[1].change.p); /* one draw shared by both uses */
  assert_true(e[0].change.sign == -1.0 && e[1].change.sign == 1.0);
  cs_plan_free(P);
  rmdir_r(dir);
}

static void all_problems_reported(void **st) {
  (void)st;
  char *dir = tiny_copy2("price: 38.5, fte_per_unit: 0.0003, group: gp_practice}",
                         "price: -1, fte_per_unit: abc, grup: x}", "economics:\n",
                         "bogus: 1\neconomics:\n");
  cs_diags *d = load_bad(dir);
  for (size_t i = 0; i < cs_diags_count(d); i++)
    fprintf(stderr, "  %s\n", cs_diags_get(d, i));
  assert_true(has(d, "price '-1' in sectors[gp] is out of range"));
  assert_true(has(d, "sectors[gp].fte_per_unit 'abc' is not a number"));
  assert_true(has(d, "unknown key 'grup' in sectors[gp] (did you mean 'group'?)"));
  assert_true(has(d, "missing required field 'group' in sectors[gp]"));
  assert_true(has(d, "plan.yaml:29:1: unknown key 'bogus' in the plan"));
  assert_true(has(d, "plan.yaml:25:80: price '-1'"));
  cs_diags_free(d);
  rmdir_r(dir);
}

static void write_file(const char *dir, const char *name, const char *text, size_t len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fwrite(text, 1, len, f);
  fclose(f);
}

static void hostile_yaml(void **st) {
  (void)st;
  char *dir = strdup("/tmp/cs-hostile-XXXXXX");
  assert_non_null(mkdtemp(dir));
  /* alias bomb: nine levels of ten references would be 10^9 nodes if expanded */
  char bomb[4096] = "careshift: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; i++)
    snprintf(bomb + strlen(bomb), sizeof bomb - strlen(bomb),
             "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
             i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  write_file(dir, "plan.yaml", bomb, strlen(bomb));
  cs_diags *d = load_bad(dir);
  assert_true(has(d, "yaml alias or anchor reuse is not supported"));
  cs_diags_free(d);
  /* deep nesting */
  size_t n = 200000;
  char *deep = malloc(2 * n + 1);
  memset(deep, '[', n);
  memset(deep + n, ']', n);
  deep[2 * n] = 0;
  write_file(dir, "plan.yaml", deep, 2 * n);
  free(deep);
  d = load_bad(dir);
  assert_true(cs_diags_count(d) >= 1);
  cs_diags_free(d);
  /* a self-referencing anchor */
  write_file(dir, "plan.yaml", "&a [*a]\n", 8);
  d = load_bad(dir);
  assert_true(cs_diags_count(d) >= 1);
  cs_diags_free(d);
  /* binary */
  write_file(dir, "plan.yaml", "careshift: 1\n\0\1\2", 16);
  d = load_bad(dir);
  assert_true(has(d, "plan.yaml:2:1: NUL byte"));
  cs_diags_free(d);
  rmdir_r(dir);
}

static void missing_plan(void **st) {
  (void)st;
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL;
  assert_int_equal(cs_plan_load("/nonexistent/plan.yaml", &P, d), CS_EINVAL);
  assert_null(P);
  assert_true(has(d, "/nonexistent/plan.yaml:1:1: file '/nonexistent/plan.yaml' does not exist"));
  cs_diags_free(d);
  cs_plan_free(NULL);
}

/* ---- out of memory: through the library's allocation hook, the N-th allocation fails ---- */

static long oom_calls, oom_fail_at; /* fail_at 0: nothing fails, nothing is counted */
static int oom_failed;

static int oom_now(void) {
  if (!oom_fail_at || ++oom_calls != oom_fail_at) return 0;
  oom_failed = 1;
  return 1;
}

static void *oom_malloc(void *ctx, size_t n) {
  (void)ctx;
  return oom_now() ? NULL : malloc(n);
}

static void *oom_realloc(void *ctx, void *p, size_t n) {
  (void)ctx;
  return oom_now() ? NULL : realloc(p, n);
}

static void oom_free(void *ctx, void *p) {
  (void)ctx;
  free(p);
}

/* A failed allocation used to load the plan without its mortality table (nobody died), or
 * end as an invalid plan. Now, for every allocation of a load: either nothing failed and the
 * whole plan is there, or the load ends with CS_ENOMEM, "out of memory" and no plan. */
static void oom_no_partial_plan(void **st) {
  (void)st;
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/tiny/plan.yaml", srcdir());
  static const cs_allocator hook = {oom_malloc, oom_realloc, oom_free, NULL};
  cs_set_allocator(&hook);
  for (long n = 1;; n++) {
    cs_diags *d = cs_diags_new();
    oom_calls = oom_failed = 0;
    oom_fail_at = n;
    cs_plan *P = (cs_plan *)&path; /* must be reset to NULL */
    cs_status s = cs_plan_load(path, &P, d);
    oom_fail_at = 0;
    if (!oom_failed) { /* past the last allocation */
      assert_int_equal(s, CS_OK);
      assert_non_null(P->q0);
      NEAR(P->q0[1 * CS_NAGE + 0], 0.001);
      cs_plan_free(P);
      cs_diags_free(d);
      break;
    }
    assert_int_equal(s, CS_ENOMEM);
    assert_null(P);
    assert_true(has(d, "out of memory"));
    cs_diags_free(d);
  }
  cs_set_allocator(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(genplan_seeds),        cmocka_unit_test(genplan_projection),
      cmocka_unit_test(genplan_single_state), cmocka_unit_test(tiny_tables),
      cmocka_unit_test(tiny_numbers),         cmocka_unit_test(tiny_intervention),
      cmocka_unit_test(shared_parameter),     cmocka_unit_test(all_problems_reported),
      cmocka_unit_test(hostile_yaml),         cmocka_unit_test(missing_plan),
      cmocka_unit_test(oom_no_partial_plan),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
