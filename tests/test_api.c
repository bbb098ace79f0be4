/* test_api.c: the public API alone (careshift.h) is enough to load a plan, run it, read its
 * tables and write its outputs, as docs/api.md shows; errors come back as status plus
 * diagnostics. */
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
  const char *files[] = {"demography.csv",     "criteria.csv",    "results.db",
                         "business_case.xlsx", "psa_summary.csv", "run.log"};
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

/* Text as a CSV cell: quoted, its quotes doubled, when it holds a comma, quote or line end. */
static void csv_quoted(char *buf, size_t n, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    snprintf(buf, n, "%s", s);
    return;
  }
  size_t k = 0;
  buf[k++] = '"';
  for (; *s && k + 3 < n; s++) {
    if (*s == '"') buf[k++] = '"';
    buf[k++] = *s;
  }
  buf[k++] = '"';
  buf[k] = '\0';
}

/* The CSV text of one value, as docs/outputs.md specifies it (%.17g, empty for null). */
static void csv_cell(char *buf, size_t n, const cs_column *col, const cs_value *v) {
  if (v->null)
    buf[0] = '\0';
  else if (col->type == CS_TEXT)
    csv_quoted(buf, n, v->s);
  else if (col->type == CS_INT)
    snprintf(buf, n, "%lld", (long long)v->i);
  else
    snprintf(buf, n, "%.17g", v->d);
}

/* Every table read through the API equals, line for line, the CSV file the run wrote. */
static void check_table_against_csv(const cs_table *t, const char *dir) {
  /* inputs.csv's sources are up to some 20,000 bytes a row */
  static char want[1 << 16], got[1 << 16], cell[1 << 15];
  char path[512];
  snprintf(path, sizeof path, "%s/%s.csv", dir, cs_table_name(t));
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  assert_non_null(fgets(want, sizeof want, f)); /* header */
  got[0] = '\0';
  for (size_t c = 0; c < cs_table_column_count(t); c++) {
    strcat(got, c ? "," : "");
    strcat(got, cs_table_column(t, c)->name);
  }
  strcat(got, "\n");
  assert_string_equal(got, want);
  cs_cursor *cur = NULL;
  assert_int_equal(cs_cursor_open(t, &cur), CS_OK);
  int64_t rows = 0;
  while (cs_cursor_next(cur)) {
    const cs_value *v = cs_cursor_row(cur);
    assert_int_equal(cs_cursor_row_number(cur), rows);
    got[0] = '\0';
    for (size_t c = 0; c < cs_table_column_count(t); c++) {
      csv_cell(cell, sizeof cell, cs_table_column(t, c), &v[c]);
      strcat(got, c ? "," : "");
      strcat(got, cell);
    }
    strcat(got, "\n");
    assert_non_null(fgets(want, sizeof want, f));
    assert_string_equal(got, want);
    rows++;
  }
  assert_null(fgets(want, sizeof want, f)); /* no row missing from the API */
  assert_int_equal(rows, cs_table_row_count(t));
  cs_cursor_free(cur);
  fclose(f);
}

/* Persons of area A1 at 1 January 2024, summed from the plan's own population.csv. */
static double tiny_a1_population(void) {
  const char *src = getenv("CS_SRCDIR");
  char path[512], line[256], area[16], sex[4];
  snprintf(path, sizeof path, "%s/tests/data/tiny/population.csv", src ? src : ".");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  double sum = 0, count;
  int age;
  assert_non_null(fgets(line, sizeof line, f));
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "%15[^,],%3[^,],%d,%lf", area, sex, &age, &count) == 4 && !strcmp(area, "A1"))
      sum += count;
  fclose(f);
  return sum;
}

static void test_results_api(void **st) {
  (void)st;
  char *path = tiny_plan();
  cs_diags *d = cs_diags_new();
  cs_plan *plan = NULL;
  assert_int_equal(cs_plan_load(path, &plan, d), CS_OK);
  cs_run_options opt;
  cs_run_options_init(&opt);
  cs_run *run = NULL;
  assert_int_equal(cs_run_new(plan, &opt, &run, d), CS_OK);

  /* without draws and detail: the state and comparison tables, no population, no PSA */
  assert_null(cs_run_table_find(run, "population"));
  assert_null(cs_run_table_find(run, "psa_summary"));
  assert_null(cs_run_table(run, cs_run_table_count(run)));
  assert_int_equal(cs_run_table_count(run), 30); /* 0.2: shapley_intervention, totals,
                                                    wrong_pocket_intervention, intervention_roi,
                                                    run_info, inputs, areas, sectors,
                                                    milestones, themes */
  /* inputs (v0.2): every number of the plan with its line and source comment */
  const cs_table *inputs = cs_run_table_find(run, "inputs");
  assert_non_null(inputs);
  assert_int_equal(cs_table_column_count(inputs), 6);
  assert_true(cs_table_column(inputs, 0)->key);
  assert_int_equal(cs_table_column_index(inputs, "source"), 5);

  const cs_table *care = cs_run_table_find(run, "care");
  assert_non_null(care);
  assert_int_equal(cs_table_column_count(care), 9);
  const char *keys[] = {"scenario", "year", "area", "sector"};
  for (int c = 0; c < 4; c++) {
    assert_string_equal(cs_table_column(care, (size_t)c)->name, keys[c]);
    assert_true(cs_table_column(care, (size_t)c)->key);
  }
  int cost = cs_table_column_index(care, "cost");
  assert_int_equal(cost, 5);
  assert_false(cs_table_column(care, (size_t)cost)->key);
  assert_string_equal(cs_table_column(care, (size_t)cost)->unit, "EUR");
  assert_int_equal(cs_table_column(care, (size_t)cost)->type, CS_REAL);
  assert_int_equal(cs_table_column_index(care, "nonsense"), -1);
  assert_null(cs_table_column(care, 9));

  /* demography, first row: the baseline, 2024, A1, whose population is the input's */
  const cs_table *demo = cs_run_table_find(run, "demography");
  cs_cursor *cur = NULL;
  assert_int_equal(cs_cursor_open(demo, &cur), CS_OK);
  assert_null(cs_cursor_row(cur));
  assert_int_equal(cs_cursor_next(cur), 1);
  const cs_value *v = cs_cursor_row(cur);
  assert_string_equal(v[0].s, "baseline");
  assert_int_equal(v[1].i, 2024);
  assert_string_equal(v[2].s, "A1");
  assert_float_equal(v[3].d, tiny_a1_population(), 1e-9);
  /* paging: seek to the last row, then the end */
  int64_t n = cs_table_row_count(demo);
  /* baseline, plan, north-too-later, without-thuis; 2024..2030; A1, A2 */
  assert_int_equal(n, 4 * 7 * 2);
  assert_int_equal(cs_cursor_seek(cur, n - 1), CS_OK);
  assert_null(cs_cursor_row(cur)); /* not the row before the seek */
  assert_int_equal(cs_cursor_row_number(cur), -1);
  assert_int_equal(cs_cursor_next(cur), 1);
  assert_int_equal(cs_cursor_row_number(cur), n - 1);
  assert_int_equal(cs_cursor_next(cur), 0);
  assert_int_equal(cs_cursor_seek(cur, n + 1), CS_EINVAL);
  cs_cursor_free(cur);
  cs_run_free(run);

  /* with draws and detail: every table, each equal to its CSV file line for line */
  opt.draws = 4;
  opt.threads = 2;
  opt.detail = 1;
  assert_int_equal(cs_run_new(plan, &opt, &run, d), CS_OK);
  assert_int_equal(cs_run_table_count(run), 36); /* and inputs, areas, sectors, milestones,
                                                    themes */
  /* run_info (v0.2): key, value; draws and the seed of this run, nothing that varies */
  const cs_table *info = cs_run_table_find(run, "run_info");
  assert_non_null(info);
  assert_int_equal(cs_table_column_count(info), 2);
  assert_true(cs_table_column(info, 0)->key);
  int seen = 0;
  assert_int_equal(cs_cursor_open(info, &cur), CS_OK);
  while (cs_cursor_next(cur)) {
    v = cs_cursor_row(cur);
    const char *want = !strcmp(v[0].s, "draws")               ? "4"
                       : !strcmp(v[0].s, "seed")              ? "1"
                       : !strcmp(v[0].s, "careshift_version") ? CS_VERSION
                                                              : NULL;
    if (!want) continue;
    assert_string_equal(v[1].s, want);
    seen++;
  }
  assert_int_equal(seen, 3);
  cs_cursor_free(cur);
  char dir[] = "/tmp/cs-api-XXXXXX";
  assert_non_null(mkdtemp(dir));
  assert_int_equal(cs_run_write(run, dir, d), CS_OK);
  for (size_t i = 0; i < cs_run_table_count(run); i++) {
    const cs_table *t = cs_run_table(run, i);
    assert_non_null(cs_table_title(t));
    check_table_against_csv(t, dir);
  }
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
                                     cmocka_unit_test(test_results_api),
                                     cmocka_unit_test(test_errors_are_returned)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
