/* test_override.c: cs_plan_load_with, the overrides of `--set PATH=VALUE` (issue 12): each
 * override lands at the value its path names (numbers, a distribution, a value inside one,
 * $name, a missing key added, a theme left out); bad ones are all reported, each naming its
 * override; the inputs' checksum covers them; the deterministic run of an overridden plan
 * is read in memory through the results API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careshift.h"
#include "plan/plan.h"

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) <= 1e-12 * (1 + fabs((double)(b))))
#define N(a) (sizeof(a) / sizeof *(a))

static char tiny[4096];

static int setup(void **state) {
  (void)state;
  const char *s = getenv("CS_SRCDIR");
  snprintf(tiny, sizeof tiny, "%s/tests/data/tiny/plan.yaml", s && *s ? s : ".");
  return 0;
}

static cs_status load(const char *const *sets, size_t n, cs_plan **P, cs_diags *d) {
  cs_status st = cs_plan_load_with(tiny, sets, n, P, d);
  for (size_t i = 0; i < cs_diags_count(d); i++)
    fprintf(stderr, "%s\n", cs_diags_get(d, i));
  return st;
}

static double mean(const cs_plan *P, cs_num n) { return n.sign * P->dists[n.p].mean; }

static void test_values(void **state) {
  (void)state;
  static const char *const sets[] = {
      "themes[thuis].interventions[coach].uptake.max=0.25",
      "themes[thuis].interventions[coach].uptake.start_by_subregion.South=2026",
      "sectors[gp].price=40",
      "sectors[home].price.mean=75",
      "economics.discount_rate=0.05",
      "scenarios[north-too-later].delay.North=3",
      "$eff={dist: beta, mean: 0.3, sd: 0.05}",
      "themes[1].interventions[coach].effects[2].change=0.4",
  };
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL, *P0 = NULL;
  assert_int_equal(load(sets, N(sets), &P, d), CS_OK);
  assert_int_equal(load(NULL, 0, &P0, d), CS_OK);
  NEAR(mean(P, P->ivs[0].max), 0.25);
  assert_int_equal(P->ivs[0].start_by_sub[1], 2026); /* South: the second subregion */
  assert_int_equal(P->ivs[0].start_by_sub[0], CS_YEAR_NONE);
  NEAR(mean(P, P->sectors[0].price), 40);
  NEAR(mean(P, P->sectors[1].price), 75);
  NEAR(P->discount_rate, 0.05);
  assert_int_equal(P->scens[0].delay[0], 3);
  NEAR(P->dists[P->param_dist[0]].mean, 0.3);
  NEAR(mean(P, P->ivs[0].effects[1].change), 0.4);
  /* the file is the same; what the run used is not */
  assert_true(P->yaml_hash == P0->yaml_hash);
  assert_true(P->input_hash != P0->input_hash);
  cs_plan_free(P);
  cs_plan_free(P0);
  cs_diags_free(d);
}

static void test_theme_off(void **state) {
  (void)state;
  /* an '=' inside [...] belongs to the path: no such theme, said so */
  static const char *const bad[] = {"themes[a=b].enabled=false"};
  static const char *const off[] = {"themes[thuis].enabled=false"};
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL;
  assert_int_equal(load(bad, 1, &P, d), CS_EINVAL);
  assert_non_null(strstr(cs_diags_get(d, 0), "--set themes[a=b].enabled=false: no item 'a=b'"));
  cs_diags_free(d);
  d = cs_diags_new();
  /* a plan needs a theme: the loader says so, as for a file without one */
  cs_status st = load(off, 1, &P, d);
  if (st == CS_OK) {
    assert_int_equal(P->ntheme, 0);
    cs_plan_free(P);
  }
  cs_diags_free(d);
}

static void test_errors(void **state) {
  (void)state;
  static const char *const sets[] = {
      "themes[thuis].interventions[coach].uptake.max=2",  /* out of range */
      "themes[thuiss].interventions[coach].uptake.max=0", /* did you mean */
      "sectors[gp].prijs=3",                              /* unknown key, did you mean */
      "sectors[home].price=zero",                         /* not a number */
      "scenarios[9].delay.North=1",                       /* no such item */
      "no-equals-sign",
  };
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL;
  assert_int_equal(load(sets, N(sets), &P, d), CS_EINVAL);
  assert_null(P);
  assert_int_equal(cs_diags_total(d), N(sets));
  const char *want[] = {"(expected a probability in [0, 1])",
                        "did you mean 'thuis'?",
                        "did you mean 'price'?",
                        "is not a number",
                        "no item '9' in scenarios",
                        "expected PATH=VALUE"};
  for (size_t i = 0; i < N(sets); i++) {
    char pre[300];
    snprintf(pre, sizeof pre, "--set %s: ", sets[i]);
    int found = 0;
    for (size_t k = 0; k < cs_diags_count(d); k++)
      found |= !strncmp(cs_diags_get(d, k), pre, strlen(pre)) &&
               strstr(cs_diags_get(d, k), want[i]) != NULL;
    if (!found) fprintf(stderr, "missing: %s ... %s\n", pre, want[i]);
    assert_true(found);
  }
  cs_diags_free(d);
}

/* The business case's NPV of the plan, from a run read in memory (no file written). */
static double plan_npv(const cs_plan *P) {
  cs_run_options o;
  cs_run_options_init(&o);
  o.no_intervention_shapley = 1;
  o.threads = 1;
  cs_run *run = NULL;
  cs_diags *d = cs_diags_new();
  assert_int_equal(cs_run_new(P, &o, &run, d), CS_OK);
  const cs_table *t = cs_run_table_find(run, "business_case");
  assert_non_null(t);
  int sc = cs_table_column_index(t, "scenario"), st = cs_table_column_index(t, "stakeholder"),
      npv = cs_table_column_index(t, "npv");
  assert_true(sc >= 0 && st >= 0 && npv >= 0);
  cs_cursor *c = NULL;
  assert_int_equal(cs_cursor_open(t, &c), CS_OK);
  double v = NAN;
  while (cs_cursor_next(c)) {
    const cs_value *r = cs_cursor_row(c);
    if (!strcmp(r[sc].s, "plan") && !strcmp(r[st].s, "total")) v = r[npv].d;
  }
  cs_cursor_free(c);
  cs_run_free(run);
  cs_diags_free(d);
  return v;
}

static void test_run_in_memory(void **state) {
  (void)state;
  static const char *const sets[] = {"themes[thuis].interventions[coach].uptake.max=0.1"};
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL, *P0 = NULL;
  assert_int_equal(load(sets, 1, &P, d), CS_OK);
  assert_int_equal(load(NULL, 0, &P0, d), CS_OK);
  double a = plan_npv(P), b = plan_npv(P0);
  assert_false(isnan(a) || isnan(b));
  assert_true(a != b);
  cs_plan_free(P);
  cs_plan_free(P0);
  cs_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_theme_off),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_run_in_memory),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
