/* test_api.c: the public API alone (careshift.h) is enough to load a plan, run it and write
 * its outputs, as docs/api.md shows; errors come back as status plus diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careshift.h"

static char *tiny_plan(void) {
  const char *src = getenv("CS_SRCDIR");
  char *p = malloc(4096);
  snprintf(p, 4096, "%s/tests/data/tiny/plan.yaml", src ? src : ".");
  return p;
}

static void test_load_run_write(void **st) {
  (void)st;
  char *path = tiny_plan();
  cs_diags *d = cs_diags_new();
  cs_plan *plan = NULL;
  assert_int_equal(cs_plan_load(path, &plan, d), CS_OK);
  assert_int_equal(cs_diags_count(d), 0);
  cs_plan_info info;
  cs_plan_get_info(plan, &info);
  assert_int_equal(info.areas, 2);
  assert_true(info.persons > 0);

  cs_run_options opt;
  cs_run_options_init(&opt);
  opt.draws = 5;
  opt.threads = 2;
  cs_run *run = NULL;
  assert_int_equal(cs_run_new(plan, &opt, &run, d), CS_OK);
  char dir[] = "/tmp/cs-api-XXXXXX";
  assert_non_null(mkdtemp(dir));
  assert_int_equal(cs_run_write(run, dir, d), CS_OK);
  const char *files[] = {"demography.csv", "criteria.csv", "results.db", "business_case.xlsx",
                         "psa_summary.csv", "run.log"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char f[256];
    snprintf(f, sizeof f, "%s/%s", dir, files[i]);
    assert_int_equal(access(f, R_OK), 0);
    unlink(f);
  }
  char *text = NULL;
  assert_int_equal(cs_run_summary(run, "nl", &text), CS_OK);
  assert_non_null(strstr(text, "Bevolking"));
  cs_free(text);
  assert_non_null(strstr(cs_run_log(run), "psa: 5 draws"));
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
  cs_run_free(run);
  cs_plan_free(plan);
  cs_diags_free(d);
  free(path);
}

static void test_errors_are_returned(void **st) {
  (void)st;
  cs_diags *d = cs_diags_new();
  cs_plan *plan = (cs_plan *)1;
  assert_int_equal(cs_plan_load("/nonexistent/plan.yaml", &plan, d), CS_EINVAL);
  assert_null(plan);
  assert_true(cs_diags_count(d) >= 1);
  assert_non_null(strstr(cs_diags_get(d, 0), "/nonexistent/plan.yaml:"));
  assert_string_equal(cs_status_str(CS_EIO), "input/output error");
  cs_plan_free(NULL); /* every destructor accepts NULL */
  cs_run_free(NULL);
  cs_diags_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_load_run_write),
                                     cmocka_unit_test(test_errors_are_returned)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
