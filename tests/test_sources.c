/* test_sources.c: the plan's inputs with their sources (docs/plan-format.md "Sources of
 * numbers"; inputs.csv). Small plans written by hand, each around the tiny plan's tables, show
 * the rule piece by piece: the comment at the end of a number's line (and its continuation),
 * the block above an entry, nested keys, a heading, a blank line that ends a comment's claim,
 * '#' inside quoted and block scalars, distributions and {neg: X}, the tables' '# source:'
 * lines; then the example, and a plan of megabytes of comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "careshift.h"
#include "plan/plan.h"
#include "plan/yamlq.h"

static char dir[256];

/* Everything but the sectors and what a test adds: the tiny plan's tables. */
static const char *HEAD = "careshift: 1\n"
                          "plan: {name: T}\n"
                          "region: {name: R, areas: areas.csv}   # CBS codes\n"
                          "years: {base: 2024, horizon: 2030}\n"
                          "population: population.csv\n"
                          "demography:\n"
                          "  mortality: mortality.csv\n"
                          "  fertility: fertility.csv\n"
                          "states:\n"
                          "  - {id: well, utility: 0.9}\n"
                          "  - {id: ill, utility: 0.6}\n"
                          "state_shares: state_shares.csv\n"
                          "payers:\n"
                          "  - {id: zvw, name: Z}\n"
                          "  - {id: wmo, name: W}\n"
                          "workforce: workforce.csv\n"
                          "use: use.csv\n"
                          "economics:\n"
                          "  price_year: 2024\n";

/* The second sector, for tests that write only the first. */
#define HOME                                                                                       \
  "  - {id: home, name: H, unit: h, payer: zvw, chain: primary, price: 70, fte_per_unit: "         \
  "0.0007, group: nurses}\n"

static void write_file(const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void copy_table(const char *name) {
  const char *src = getenv("CS_SRCDIR");
  char p[512], cmd[1200];
  snprintf(p, sizeof p, "%s/tests/data/tiny/%s", src && *src ? src : ".", name);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s/'", p, dir);
  assert_int_equal(system(cmd), 0);
}

static int setup(void **st) {
  (void)st;
  snprintf(dir, sizeof dir, "/tmp/cs_sources_XXXXXX");
  if (!mkdtemp(dir)) return -1;
  const char *t[] = {"areas.csv",        "population.csv", "mortality.csv", "fertility.csv",
                     "state_shares.csv", "workforce.csv",  "use.csv"};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    copy_table(t[i]);
  return 0;
}

static int teardown(void **st) {
  (void)st;
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static cs_plan *load_path(const char *path) {
  cs_diags *d = cs_diags_new();
  cs_plan *P = NULL;
  cs_status st = cs_plan_load(path, &P, d);
  for (size_t i = 0; i < cs_diags_count(d); i++)
    fprintf(stderr, "%s\n", cs_diags_get(d, i));
  cs_diags_free(d);
  assert_int_equal(st, CS_OK);
  return P;
}

/* Loads HEAD followed by body, and a theme when body has none (a plan needs one). */
static cs_plan *load(const char *body) {
  const char *theme = strstr(body, "themes:") ? ""
                                              : "themes:\n"
                                                "  - {id: t, name: T, interventions: [{id: iv, "
                                                "name: I, uptake: {max: 0.5}}]}\n";
  size_t n = strlen(HEAD) + strlen(body) + strlen(theme) + 1;
  char *text = malloc(n);
  assert_non_null(text);
  snprintf(text, n, "%s%s%s", HEAD, body, theme);
  write_file("plan.yaml", text);
  free(text);
  char p[512];
  snprintf(p, sizeof p, "%s/plan.yaml", dir);
  return load_path(p);
}

static const cs_input *find(const cs_plan *P, const char *path) {
  for (int32_t i = 0; i < P->ninput; i++)
    if (!strcmp(P->inputs[i].path, path)) return &P->inputs[i];
  fail_msg("no input %s", path);
  return NULL;
}

/* The input at path has this kind, value, distribution and exactly this source. */
static void expect(const cs_plan *P, const char *path, cs_input_kind kind, const char *value,
                   const char *dist, const char *source) {
  const cs_input *in = find(P, path);
  assert_int_equal(in->kind, kind);
  assert_string_equal(in->value, value);
  assert_string_equal(in->dist, dist);
  assert_string_equal(in->source, source);
}

static void absent(const cs_plan *P, const char *path) {
  for (int32_t i = 0; i < P->ninput; i++)
    assert_string_not_equal(P->inputs[i].path, path);
}

static void end_of_line(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  - id: gp\n"
                    "    name: G\n"
                    "    unit: u\n"
                    "    payer: zvw\n"
                    "    chain: primary\n"
                    "    price: 38.5       # Vektis 2022,\n"
                    "                      # table 3\n"
                    "    fte_per_unit: 0.0003\n"
                    "    group: nurses\n" HOME);
  expect(P, "sectors[gp].price", CS_INPUT_NUMBER, "38.5", "", "Vektis 2022, table 3");
  /* the continuation is the price's, not a block above fte_per_unit */
  expect(P, "sectors[gp].fte_per_unit", CS_INPUT_NUMBER, "0.0003", "", "");
  assert_int_equal(find(P, "sectors[gp].price")->line, 26);
  /* ids, names and other text are no inputs; the format's version is none either */
  absent(P, "sectors[gp].name");
  absent(P, "sectors[gp].payer");
  absent(P, "careshift");
  cs_plan_free(P);
}

static void block_above_flow_mapping(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  # KH 2024 s4.11\n"
                    "  #   GP consult (2022)\n"
                    "  - {id: gp, name: G, unit: u, payer: zvw, chain: primary, price: 30.87, "
                    "fte_per_unit: 0.0003, group: nurses}\n"
                    "  # NZa tariff\n" HOME);
  expect(P, "sectors[gp].price", CS_INPUT_NUMBER, "30.87", "", "KH 2024 s4.11 GP consult (2022)");
  expect(P, "sectors[gp].fte_per_unit", CS_INPUT_NUMBER, "0.0003", "",
         "KH 2024 s4.11 GP consult (2022)");
  expect(P, "sectors[home].price", CS_INPUT_NUMBER, "70", "", "NZa tariff");
  cs_plan_free(P);
}

/* A comment block right under a key, above its first entry, heads the list: the first entry's
 * own source, and the source of the entries without one. */
static void heading(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  # prices: KH 2024\n"
                    "  - {id: gp, name: G, unit: u, payer: zvw, chain: primary, price: 30, "
                    "fte_per_unit: 0.0003, group: nurses}\n" HOME);
  expect(P, "sectors[gp].price", CS_INPUT_NUMBER, "30", "", "prices: KH 2024");
  expect(P, "sectors[home].price", CS_INPUT_NUMBER, "70", "", "prices: KH 2024");
  cs_plan_free(P);
}

static void blank_line_breaks(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  # a heading with a blank line under it\n"
                    "\n"
                    "  # KH 2024\n"
                    "  - {id: gp, name: G, unit: u, payer: zvw, chain: primary, price: 30, "
                    "fte_per_unit: 0.0003, group: nurses}\n"
                    "  # said of nothing: a blank line follows\n"
                    "\n" HOME);
  expect(P, "sectors[gp].price", CS_INPUT_NUMBER, "30", "", "KH 2024");
  expect(P, "sectors[home].price", CS_INPUT_NUMBER, "70", "", "");
  cs_plan_free(P);
}

static void nested_keys(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  - {id: gp, name: G, unit: u, payer: zvw, chain: primary, price: 30, "
                    "fte_per_unit: 0.0003, group: nurses}\n" HOME "themes:\n"
                    "  - id: t\n"
                    "    name: T\n"
                    "    interventions:\n"
                    "      # from the pilot\n"
                    "      - id: iv\n"
                    "        name: I\n"
                    "        uptake:   # the plan's ambition\n"
                    "          max: 0.4\n"
                    "          ramp_years: 2\n"
                    "        effects:\n"
                    "          - {kind: use, sector: gp, change: -0.1}\n"
                    "        costs:\n"
                    "          - {payer: zvw, per_year: 1000}   # budget line 7\n");
  const char *iv = "themes[t].interventions[iv]";
  char p[200];
  snprintf(p, sizeof p, "%s.uptake.max", iv);
  expect(P, p, CS_INPUT_NUMBER, "0.4", "", "the plan's ambition");
  snprintf(p, sizeof p, "%s.uptake.ramp_years", iv);
  expect(P, p, CS_INPUT_NUMBER, "2", "", "the plan's ambition");
  snprintf(p, sizeof p, "%s.effects[1].change", iv);
  expect(P, p, CS_INPUT_NUMBER, "-0.1", "", "from the pilot"); /* the intervention's */
  snprintf(p, sizeof p, "%s.costs[1].per_year", iv);
  expect(P, p, CS_INPUT_NUMBER, "1000", "", "budget line 7");
  cs_plan_free(P);
}

static void hash_in_quotes_and_text(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  - {id: gp, name: \"G # no comment\", unit: 'u # nor this', payer: zvw, "
                    "chain: primary, price: 30, fte_per_unit: 0.0003, group: nurses}\n"
                    "  - {id: home, name: \"H #1\", unit: h, payer: zvw, chain: primary, price: "
                    "70, fte_per_unit: 0.0007, group: nurses}   # the real one\n"
                    "themes:\n"
                    "  - id: t\n"
                    "    name: T\n"
                    "    leader: |\n"
                    "      # a line of text, not a comment\n"
                    "    interventions:\n"
                    "      - id: iv\n"
                    "        name: I\n"
                    "        uptake: {max: 0.4}\n");
  expect(P, "sectors[gp].price", CS_INPUT_NUMBER, "30", "", "");
  expect(P, "sectors[home].price", CS_INPUT_NUMBER, "70", "", "the real one");
  expect(P, "themes[t].interventions[iv].uptake.max", CS_INPUT_NUMBER, "0.4", "", "");
  cs_plan_free(P);
}

static void distributions(void **st) {
  (void)st;
  cs_plan *P = load("sectors:\n"
                    "  - id: gp\n"
                    "    name: G\n"
                    "    unit: u\n"
                    "    payer: zvw\n"
                    "    chain: primary\n"
                    "    price: {dist: pert, min: 20, mode: 30, max: 46}   # KH 2024 range\n"
                    "    fte_per_unit:\n"
                    "      dist: gamma     # staffing norm\n"
                    "      mean: 0.0003\n"
                    "      sd: 0.00005     # estimate\n"
                    "    m2_per_unit: {fixed: 0.01}\n"
                    "    group: nurses\n" HOME "parameters:\n"
                    "  # a trial\n"
                    "  eff: {dist: uniform, min: 0.1, max: 0.3}\n"
                    "themes:\n"
                    "  - id: t\n"
                    "    name: T\n"
                    "    interventions:\n"
                    "      - id: iv\n"
                    "        name: I\n"
                    "        uptake: {max: 0.4}\n"
                    "        effects:\n"
                    "          - {kind: use, sector: gp, change: {neg: $eff}}\n"
                    "          - {kind: use, sector: home, change: {neg: {dist: uniform, min: "
                    "0.1, max: 0.3}}}\n"
                    "          - {kind: use, sector: home, change: {neg: -0.05}}\n");
  expect(P, "sectors[gp].price", CS_INPUT_DISTRIBUTION, "31", "pert(min 20, mode 30, max 46)",
         "KH 2024 range");
  expect(P, "sectors[gp].fte_per_unit", CS_INPUT_DISTRIBUTION, "0.0003",
         "gamma(mean 0.0003, sd 0.00005)", "staffing norm estimate");
  expect(P, "sectors[gp].m2_per_unit", CS_INPUT_NUMBER, "0.01", "", "");
  expect(P, "$eff", CS_INPUT_DISTRIBUTION, "0.2", "uniform(min 0.1, max 0.3)", "a trial");
  /* a use of a parameter is no input of its own: the parameter is */
  absent(P, "themes[t].interventions[iv].effects[1].change");
  expect(P, "themes[t].interventions[iv].effects[2].change", CS_INPUT_DISTRIBUTION, "-0.2",
         "neg uniform(min 0.1, max 0.3)", "");
  expect(P, "themes[t].interventions[iv].effects[3].change", CS_INPUT_NUMBER, "0.05", "", "");
  cs_plan_free(P);
}

static void table_sources(void **st) {
  (void)st;
  write_file("use2.csv", "# source: Vektis 2015,\n"
                         "#   per person-year\n"
                         "sector,state,sex,age_from,age_to,rate\n"
                         "# not a source: after the header\n"
                         "gp,well,f,0,100,2\n");
  cs_plan *P = load("end_of_life_use:   # estimates\n"
                    "  file: use2.csv\n"
                    "  scale: {dist: lognormal, mean: 1.0, sd: 0.1}\n"
                    "sectors:\n"
                    "  - {id: gp, name: G, unit: u, payer: zvw, chain: primary, price: 30, "
                    "fte_per_unit: 0.0003, group: nurses}\n" HOME);
  expect(P, "end_of_life_use", CS_INPUT_TABLE, "use2.csv", "", "Vektis 2015, per person-year");
  expect(P, "end_of_life_use.scale", CS_INPUT_DISTRIBUTION, "1", "lognormal(mean 1.0, sd 0.1)",
         "estimates");
  expect(P, "use", CS_INPUT_TABLE, "use.csv", "", "use rates per person-year");
  /* a table without comments: the YAML's comment */
  expect(P, "region.areas", CS_INPUT_TABLE, "areas.csv", "", "CBS codes");
  assert_int_equal(find(P, "use")->line, 17);
  cs_plan_free(P);
}

static void example(void **st) {
  (void)st;
  const char *src = getenv("CS_SRCDIR");
  char p[512];
  snprintf(p, sizeof p, "%s/examples/zuid-limburg/plan.yaml", src && *src ? src : ".");
  cs_plan *P = load_path(p);
  const cs_input *in = find(P, "sectors[hospital_day].price");
  assert_true(strtod(in->value, NULL) == 644.0);
  assert_non_null(strstr(in->source, "KH 2024"));
  in = find(P, "demography.boys");
  assert_string_equal(in->value, "0.512");
  assert_non_null(strstr(in->source, "CBS long-run"));
  in = find(P, "themes[palliatief].interventions[acp].uptake.max");
  assert_int_equal(in->kind, CS_INPUT_DISTRIBUTION);
  assert_string_equal(in->dist, "pert(min 0.2, mode 0.4, max 0.6)");
  assert_non_null(strstr(find(P, "use")->source, "Vektis"));
  /* one row per path, and every uncertain number under the label tornado.csv gives it */
  for (int32_t i = 0; i < P->ninput; i++)
    for (int32_t j = 0; j < i; j++)
      assert_string_not_equal(P->inputs[i].path, P->inputs[j].path);
  for (int32_t k = 0; k < P->ndist; k++)
    if (P->dists[k].kind != CS_DIST_FIXED) find(P, P->dists[k].label);
  cs_plan_free(P);
}

/* Valid UTF-8 (a cut source must not end in half a character). */
static int utf8_ok(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    int n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
    if (!n) return 0;
    for (int i = 1; i < n; i++)
      if ((p[i] & 0xC0) != 0x80) return 0;
    p += n;
  }
  return 1;
}

/* Megabytes of comments cost one pass: a quadratic reading would not end within the test's
 * time. A long source is cut at a character. */
static void many_comments(void **st) {
  (void)st;
  size_t cap = (size_t)12 << 20, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  n += (size_t)snprintf(text + n, cap - n, "%ssectors:\n", HEAD);
  while (n < ((size_t)6 << 20))
    n += (size_t)snprintf(text + n, cap - n, "  # \xc3\xa9t\xc3\xa9 source line with some words\n");
  n += (size_t)snprintf(text + n, cap - n,
                        "  - {id: gp, name: G, unit: u, payer: zvw, chain: primary, price: 30, "
                        "fte_per_unit: 0.0003, group: nurses}\n" HOME
                        "themes: [{id: t, name: T, interventions: [{id: iv, name: I, uptake: "
                        "{max: 0.5}}]}]\n");
  while (n < ((size_t)10 << 20))
    n += (size_t)snprintf(text + n, cap - n, "# trailing block of comments # with # hashes\n");
  write_file("plan.yaml", text);
  free(text);
  char p[512];
  snprintf(p, sizeof p, "%s/plan.yaml", dir);
  clock_t t0 = clock();
  cs_plan *P = load_path(p);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  const char *s = find(P, "sectors[gp].price")->source;
  assert_true(strlen(s) <= CS_SOURCE_MAX + 3);
  assert_string_equal(s + strlen(s) - 3, "...");
  assert_true(utf8_ok(s));
  assert_string_equal(find(P, "sectors[home].price")->source, s); /* the heading */
  fprintf(stderr, "10 MB of comments loaded in %.2f s\n", secs);
  cs_plan_free(P);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(end_of_line),   cmocka_unit_test(block_above_flow_mapping),
      cmocka_unit_test(heading),       cmocka_unit_test(blank_line_breaks),
      cmocka_unit_test(nested_keys),   cmocka_unit_test(hash_in_quotes_and_text),
      cmocka_unit_test(distributions), cmocka_unit_test(table_sources),
      cmocka_unit_test(example),       cmocka_unit_test(many_comments),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
