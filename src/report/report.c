/* report.c: report.html, one self-contained page a board and an insurer read.
 *
 * Everything is inlined (styles, the Vega scripts from web/node_modules, the charts' specs and
 * data), so the page opens from disk with no server and no network. The charts come from
 * charts.c; this file only lays them out with their reading guide and their numbers as a
 * table behind a "show numbers" toggle (<details>: no script needed, so no figure is only a
 * picture even where scripts are off). */
#include "report.h"
#include "reforecast_page.h"
#include "io/io.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef CS_WEB_DIR
#define CS_WEB_DIR "web/node_modules"
#endif

/* The scripts in the order they need each other: vega-embed uses the globals of the others. */
static const char *const SCRIPTS[] = {"vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js",
                                      "vega-embed/build/vega-embed.min.js"};

/* ---- the Vega scripts ---- */
static int has_scripts(const char *dir, char *path, size_t n) {
  for (size_t i = 0; i < sizeof SCRIPTS / sizeof *SCRIPTS; i++) {
    snprintf(path, n, "%s/%s", dir, SCRIPTS[i]);
    if (access(path, R_OK) != 0) return 0;
  }
  return 1;
}

/* The node_modules folder that holds the scripts: CARESHIFT_WEB_DIR (the folder itself or the
 * web/ folder above it), else the source tree's, fixed at build time. */
static cs_status find_web(char *out, size_t n, cs_diags *d) {
  char path[4096];
  const char *env = getenv("CARESHIFT_WEB_DIR");
  if (env && *env) {
    snprintf(out, n, "%s", env);
    if (has_scripts(out, path, sizeof path)) return CS_OK;
    snprintf(out, n, "%s/node_modules", env);
    if (has_scripts(out, path, sizeof path)) return CS_OK;
  }
  snprintf(out, n, "%s", CS_WEB_DIR);
  if (!env && has_scripts(out, path, sizeof path)) return CS_OK;
  cs_diags_add(d, path, 0, 0,
               "cannot read the report's chart scripts (vega, vega-lite, vega-embed); install "
               "them with scripts/setup (npm ci in web/), or set CARESHIFT_WEB_DIR to the folder "
               "that holds them");
  return CS_EIO;
}

/* A whole file in memory (the scripts are about 1 MB). */
static char *slurp(const char *path, size_t *len, cs_diags *d) {
  FILE *f = fopen(path, "rb");
  char *s = NULL;
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (s = cs_malloc((size_t)n + 1)) && fread(s, 1, (size_t)n, f) == (size_t)n) {
    s[n] = '\0';
    *len = (size_t)n;
  } else {
    cs_diags_add(d, path, 0, 0, "cannot read: %s", s || n < 0 ? strerror(errno) : "out of memory");
    cs_free(s);
    s = NULL;
  }
  if (f) fclose(f);
  return s;
}

/* Appends a script, without its source-map comment (the page has no map to give), and with
 * "</script" written "<\/script": the same string to JavaScript, but not the tag's end. */
static cs_status put_script(cs_buf *b, const char *path, cs_diags *d) {
  size_t n = 0;
  char *s = slurp(path, &n, d);
  if (!s) return CS_EIO;
  char *map = strstr(s, "\n//# sourceMappingURL=");
  if (map) *map = '\0';
  cs_buf_put(b, "<script>");
  for (char *p = s, *e;; p = e + 2) {
    for (e = strstr(p, "</"); e && strncasecmp(e, "</script", 8); e = strstr(e + 2, "</"))
      ;
    if (!e) {
      cs_buf_put(b, p);
      break;
    }
    cs_buf_putn(b, p, (size_t)(e - p));
    cs_buf_put(b, "<\\/");
  }
  cs_buf_put(b, "\n</script>\n");
  cs_free(s);
  return CS_OK;
}

/* ---- the page ---- */

/* The numbers behind a chart, under its "show numbers" toggle. */
static void put_table(cs_buf *b, const cs_rdata *r, const json_t *t) {
  size_t i, j;
  json_t *c, *row, *cell;
  cs_buf_printf(b, "<details><summary>%s</summary>\n<table><thead><tr>",
                cs_tr(r, "Show numbers", "Toon cijfers"));
  json_array_foreach(json_object_get(t, "columns"), i, c) {
    cs_buf_put(b, "<th>");
    cs_buf_esc(b, json_string_value(c));
    cs_buf_put(b, "</th>");
  }
  cs_buf_put(b, "</tr></thead><tbody>\n");
  json_array_foreach(json_object_get(t, "rows"), i, row) {
    cs_buf_put(b, "<tr>");
    json_array_foreach(row, j, cell) {
      cs_buf_put(b, "<td>");
      cs_buf_esc(b, json_string_value(cell));
      cs_buf_put(b, "</td>");
    }
    cs_buf_put(b, "</tr>\n");
  }
  cs_buf_put(b, "</tbody></table></details>\n");
}

/* A chart's place: the guide, the element the script renders into, the table. */
static void put_chart(cs_buf *b, const cs_rdata *r, const json_t *c) {
  const char *id = json_string_value(json_object_get(c, "id"));
  cs_buf_put(b, "<p class=\"guide\">");
  cs_buf_esc(b, json_string_value(json_object_get(c, "guide")));
  cs_buf_printf(b, "</p>\n<div class=\"chart\" id=\"chart-%s\" role=\"img\" aria-label=\"", id);
  cs_buf_esc(b, json_string_value(json_object_get(c, "title")));
  cs_buf_put(b, "\"></div>\n");
  put_table(b, r, json_object_get(c, "table"));
}

/* Every chart of one section, in order. */
static void put_section_charts(cs_buf *b, const cs_rdata *r, const json_t *charts,
                               const char *section) {
  size_t i;
  json_t *c;
  json_array_foreach(charts, i, c) {
    if (!strcmp(json_string_value(json_object_get(c, "section")), section)) put_chart(b, r, c);
  }
}

/* One card of the first screen: a big value, a line under it, coloured when it is a verdict. */
static void card(cs_buf *b, const char *cls, const char *big, const char *small) {
  cs_buf_printf(b, "<div class=\"card %s\"><b>", cls);
  cs_buf_esc(b, big);
  cs_buf_put(b, "</b><span>");
  cs_buf_esc(b, small);
  cs_buf_put(b, "</span></div>\n");
}

/* The plan passes the quick test in a year when at least one criterion is substantial. */
static void verdict_card(cs_buf *b, const cs_rdata *r, int short_term) {
  int year = short_term ? r->short_year : r->long_year;
  char sql[160], line[200], p[64];
  snprintf(sql, sizeof sql,
           "SELECT max(substantial) FROM criteria WHERE scenario = 'plan' AND year = %d", year);
  int pass = cs_rdata_scalar(r, sql, 0) > 0;
  snprintf(line, sizeof line, "%s %d: %s",
           short_term ? cs_tr(r, "Short term", "Korte termijn")
                      : cs_tr(r, "Long term", "Lange termijn"),
           year,
           cs_tr(r, "passes when at least one criterion is substantial",
                 "gehaald als minstens één criterium substantieel is"));
  if (r->has_psa) {
    snprintf(sql, sizeof sql,
             "SELECT probability FROM psa_probabilities WHERE scenario = 'plan' "
             "AND what = 'passes%s'",
             short_term ? "_short_term" : "");
    cs_fmt_share(p, sizeof p, cs_rdata_scalar(r, sql, NAN), 0, r->nl);
    snprintf(line + strlen(line), sizeof line - strlen(line), " (%s %s)",
             cs_tr(r, "probability", "kans"), p);
  }
  card(b, pass ? "pass" : "fail",
       pass ? cs_tr(r, "Passes the IZA test", "Haalt de IZA-toets")
            : cs_tr(r, "Does not pass the IZA test", "Haalt de IZA-toets niet"),
       line);
}

/* Who gains and who pays: the net present value of each stakeholder in one card. */
static void who_pays_card(cs_buf *b, const cs_rdata *r) {
  char line[512] = "", eur[64];
  sqlite3_stmt *q =
      cs_rdata_query(r, "SELECT stakeholder, npv FROM business_case WHERE "
                        "scenario = 'plan' AND stakeholder <> 'total' ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW && strlen(line) < sizeof line - 128) {
    cs_fmt_eur(eur, sizeof eur, sqlite3_column_double(q, 1), r->nl);
    snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s %s", *line ? "; " : "",
             cs_payer_label(r, (const char *)sqlite3_column_text(q, 0)), eur);
  }
  sqlite3_finalize(q);
  card(b, "", cs_tr(r, "Who gains, who pays", "Wie wint, wie betaalt"), line);
}

static void money_card(cs_buf *b, const cs_rdata *r) {
  char eur[64], inv[64], line[200], p[64];
  cs_fmt_eur(eur, sizeof eur,
             cs_rdata_scalar(r,
                             "SELECT npv FROM business_case WHERE scenario = 'plan' AND "
                             "stakeholder = 'total'",
                             NAN),
             r->nl);
  cs_fmt_eur(inv, sizeof inv,
             cs_rdata_scalar(r,
                             "SELECT investment FROM business_case WHERE scenario = 'plan' "
                             "AND stakeholder = 'total'",
                             NAN),
             r->nl);
  snprintf(line, sizeof line, "%s; %s %s",
           cs_tr(r, "net present value, all stakeholders", "netto contante waarde, alle partijen"),
           cs_tr(r, "investment", "investering"), inv);
  if (r->has_psa) {
    cs_fmt_share(p, sizeof p,
                 cs_rdata_scalar(r,
                                 "SELECT probability FROM psa_probabilities WHERE scenario = "
                                 "'plan' AND what = 'npv>0:total'",
                                 NAN),
                 0, r->nl);
    snprintf(line + strlen(line), sizeof line - strlen(line), "; %s: %s",
             cs_tr(r, "P(NPV > 0)", "kans NCW > 0"), p);
  }
  card(b, "", eur, line);
  who_pays_card(b, r);
}

/* The plan's name from run.log's line "plan: NAME (2024-2040), ..." (the first line of an
 * ordinary run; a re-forecast's lines come before it). */
static void plan_name(const char *dir, char *out, size_t n) {
  char path[4096], line[512];
  snprintf(path, sizeof path, "%s/run.log", dir);
  FILE *f = fopen(path, "r");
  out[0] = '\0';
  int at_start = 1; /* the chunk fgets gave starts a line (a long line comes in chunks) */
  while (f && !out[0] && fgets(line, sizeof line, f)) {
    if (at_start && !strncmp(line, "plan: ", 6)) {
      char *end = strstr(line, " (");
      if (end) *end = '\0';
      line[strcspn(line, "\n")] = '\0';
      snprintf(out, n, "%s", line + 6);
    }
    at_start = strchr(line, '\n') != NULL;
  }
  if (f) fclose(f);
}

static void put_header(cs_buf *b, const cs_rdata *r, const char *dir) {
  char name[512];
  plan_name(dir, name, sizeof name);
  cs_buf_put(b, "<h1>");
  cs_buf_esc(b, *name ? name : cs_tr(r, "Transformation plan", "Transformatieplan"));
  cs_buf_printf(b, "</h1>\n<p class=\"sub\">%s %d–%d. %s</p>\n",
                cs_tr(r, "The plan against the baseline,", "Het plan tegen het basispad,"),
                r->first_year, r->last_year,
                cs_tr(r,
                      "Totals over the years (NPV, investment, savings) are discounted to the "
                      "base year; amounts per year are not.",
                      "Totalen over de jaren (NCW, investering, besparing) zijn contant gemaakt "
                      "naar het basisjaar; bedragen per jaar niet."));
}

static void fact(cs_buf *b, const char *what, const char *value) {
  cs_buf_put(b, "<dt>");
  cs_buf_esc(b, what);
  cs_buf_put(b, "</dt><dd>");
  cs_buf_esc(b, value);
  cs_buf_put(b, "</dd>\n");
}

/* How the run was made (run_info, v0.2): version, seed, plan and input checksums. A run
 * written before run_info existed says so. */
static void run_info_facts(cs_buf *b, const cs_rdata *r) {
  static const struct {
    const char *key, *en, *nl;
  } rows[] = {{"careshift_version", "careshift version of the run", "careshift-versie van de run"},
              {"seed", "Seed of the draws", "Seed van de trekkingen"},
              {"plan", "Plan file", "Planbestand"},
              {"plan_checksum", "Checksum of the plan", "Checksum van het plan"},
              {"inputs_checksum", "Checksum of the plan and its tables",
               "Checksum van het plan en zijn tabellen"}};
  int found = 0;
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT value FROM run_info WHERE key = '%s'", rows[i].key);
    sqlite3_stmt *q = cs_rdata_query(r, sql);
    if (q && sqlite3_step(q) == SQLITE_ROW) {
      const unsigned char *t = sqlite3_column_text(q, 0);
      found = 1;
      if (t && *t) fact(b, cs_tr(r, rows[i].en, rows[i].nl), (const char *)t);
    }
    sqlite3_finalize(q);
  }
  if (!found)
    fact(b,
         cs_tr(r, "Seed, careshift version and plan checksum of the run",
               "Seed, careshift-versie en plan-checksum van de run"),
         cs_tr(r, "not kept in this run's results.db (see run.log)",
               "niet bewaard in de results.db van deze run (zie run.log)"));
}

/* What the run assumed, as far as results.db says; what it does not keep is named. */
/* A distribution as the plan writes it ("pert(min 0.2, mode 0.4, max 0.6)") in Dutch:
 * decimal commas, "; " between the fields and Dutch names of the fields. */
static void dist_nl(char *out, size_t n, const char *s) {
  static const char *const words[][2] = {{"mean", "gemiddelde"},
                                         {"mode", "modus"},
                                         {"shape", "vorm"},
                                         {"scale", "schaal"},
                                         {"neg ", "negatief "}};
  size_t o = 0;
  for (const char *p = s; *p && o + 16 < n; p++) {
    size_t k = 0;
    while (k < sizeof words / sizeof *words && strncmp(p, words[k][0], strlen(words[k][0])))
      k++;
    if (k < sizeof words / sizeof *words && (p == s || !isalpha((unsigned char)p[-1]))) {
      o += (size_t)snprintf(out + o, n - o, "%s", words[k][1]);
      p += strlen(words[k][0]) - 1;
    } else if (*p == '.' && p > s && isdigit((unsigned char)p[-1])) {
      out[o++] = ',';
    } else if (*p == ',' && p[1] == ' ') {
      out[o++] = ';';
    } else {
      out[o++] = *p;
    }
  }
  out[o] = '\0';
}

/* Column i of the row, HTML-escaped ("" for NULL). */
static void col_esc(cs_buf *b, sqlite3_stmt *q, int i) {
  const unsigned char *t = sqlite3_column_text(q, i);
  cs_buf_esc(b, t ? (const char *)t : "");
}

/* A year: a whole number 1800..2300 under a key base, horizon, from, to, start or ...year, or
 * a subregion's start. */
static int is_year(const char *path, double v) {
  static const char *const keys[] = {"base", "horizon", "from", "to", "start", "year"};
  const char *last = strrchr(path, '.');
  last = last ? last + 1 : path;
  if (v != floor(v) || v < 1800 || v > 2300) return 0;
  if (strstr(path, ".start_by_subregion")) return 1; /* start_by_subregion.<subregion> */
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
    if (!strcmp(last, keys[k])) return 1;
  size_t n = strlen(last);
  return n >= 4 && !strcmp(last + n - 4, "year");
}

/* A number of the plan as a reader takes it in: six significant digits, the language's
 * separators, no exponent and no trailing zeros ("0,512", "42.000", "0,00021603"); a year
 * (a key base, horizon, from, to, start or ...year) as written. */
static void fmt_input(char *out, size_t n, const char *path, const char *text, int nl) {
  char *end;
  double v = strtod(text, &end);
  if (end == text || *end || !isfinite(v) || is_year(path, v)) {
    snprintf(out, n, "%s", text);
    return;
  }
  int mag = v != 0 ? (int)floor(log10(fabs(v))) : 0, dec = 5 - mag;
  cs_fmt_num(out, n, v, dec < 0 ? 0 : dec > 12 ? 12 : dec, nl);
  char *sep = strchr(out, nl ? ',' : '.');
  if (!sep) return;
  size_t k = strlen(out);
  while (k > 0 && out[k - 1] == '0')
    out[--k] = '\0';
  if (out + k - 1 == sep) out[k - 1] = '\0';
}

/* Every input number of the plan with its source comment (inputs.csv, v0.2), behind a
 * toggle: an analyst checks a number against its source without opening plan.yaml. */
static void put_inputs(cs_buf *b, const cs_rdata *r) {
  if (!cs_rdata_has(r, "inputs")) return;
  double all = cs_rdata_scalar(r, "SELECT count(*) FROM inputs", 0),
         none =
             cs_rdata_scalar(r, "SELECT count(*) FROM inputs WHERE coalesce(source, '') = ''", 0);
  char a[64], z[64];
  cs_fmt_num(a, sizeof a, all, 0, r->nl);
  cs_fmt_num(z, sizeof z, none, 0, r->nl);
  cs_buf_printf(b, "<h3>%s</h3>\n<p class=\"guide\">",
                cs_tr(r, "Input numbers and their sources", "Invoergetallen en hun bronnen"));
  cs_buf_printf(b,
                r->nl ? "Elk getal en elke verdeling die het plan geeft (%s), met de bron die "
                        "het plan erbij schrijft en de regel in het planbestand; %s zonder "
                        "bron zijn schattingen of aannames van het plan."
                      : "Every number and distribution the plan gives (%s), with the source the "
                        "plan writes beside it and its line in the plan file; the %s without a "
                        "source are the plan's estimates or assumptions.",
                a, z);
  cs_buf_printf(b, "</p>\n<details id=\"inputs\"><summary>%s</summary>\n<table><thead><tr>",
                cs_tr(r, "Show the inputs", "Toon de invoer"));
  const char *cols[] = {cs_tr(r, "Input", "Invoer"), cs_tr(r, "Value", "Waarde"),
                        cs_tr(r, "Uncertainty (PSA)", "Onzekerheid (PSA)"),
                        cs_tr(r, "Source", "Bron"), cs_tr(r, "Line", "Regel")};
  for (int k = 0; k < 5; k++)
    cs_buf_printf(b, "<th>%s</th>", cols[k]);
  cs_buf_put(b, "</tr></thead><tbody>\n");
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT coalesce(path, ''), value, distribution, source, line, kind FROM inputs "
         "ORDER BY rowid");
  char v[128];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *val = (const char *)sqlite3_column_text(q, 1);
    const char *kind = (const char *)sqlite3_column_text(q, 5);
    if (kind && strcmp(kind, "table"))
      fmt_input(v, sizeof v, (const char *)sqlite3_column_text(q, 0), val ? val : "", r->nl);
    else
      snprintf(v, sizeof v, "%s", val ? val : "");
    cs_buf_put(b, "<tr class=\"input\"><td>");
    col_esc(b, q, 0);
    cs_buf_put(b, "</td><td>");
    cs_buf_esc(b, v);
    cs_buf_put(b, "</td><td>");
    const unsigned char *dist = sqlite3_column_text(q, 2);
    char dn[512];
    if (r->nl && dist) dist_nl(dn, sizeof dn, (const char *)dist);
    cs_buf_esc(b, r->nl && dist ? dn : dist ? (const char *)dist : "");
    cs_buf_put(b, "</td><td class=\"src\">");
    col_esc(b, q, 3);
    int line = sqlite3_column_int(q, 4); /* 0: a --set override, named as the source */
    if (line > 0)
      cs_buf_printf(b, "</td><td>%d</td></tr>\n", line);
    else
      cs_buf_put(b, "</td><td></td></tr>\n");
  }
  sqlite3_finalize(q);
  cs_buf_put(b, "</tbody></table></details>\n");
}

static void put_assumptions(cs_buf *b, const cs_rdata *r) {
  char v[1024] = "";
  cs_buf_put(b, "<dl>\n");
  snprintf(v, sizeof v, "%d–%d", r->first_year, r->last_year);
  fact(b, cs_tr(r, "Years projected", "Geprojecteerde jaren"), v);
  snprintf(v, sizeof v, "%s %d, %s %d%s", cs_tr(r, "short term", "korte termijn"), r->short_year,
           cs_tr(r, "long term", "lange termijn"), r->long_year,
           r->years_found ? ""
                          : cs_tr(r, " (assumed: the run's data do not say)",
                                  " (aangenomen: de gegevens van de run zeggen het niet)"));
  fact(b, cs_tr(r, "Years of the verdict", "Jaren van het oordeel"), v);
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT scenario FROM totals ORDER BY rowid");
  v[0] = '\0';
  while (q && sqlite3_step(q) == SQLITE_ROW && strlen(v) < sizeof v - 80)
    snprintf(v + strlen(v), sizeof v - strlen(v), "%s%s", *v ? ", " : "",
             sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  fact(b, cs_tr(r, "Scenarios", "Scenario's"), v);
  double draws =
      r->has_psa ? cs_rdata_scalar(r, "SELECT count(DISTINCT draw) FROM psa_draws", 0) : 0;
  if (draws > 0)
    cs_fmt_num(v, sizeof v, draws, 0, r->nl);
  else
    snprintf(v, sizeof v, "%s",
             cs_tr(r, "none: every uncertain number at its mean",
                   "geen: elk onzeker getal op zijn gemiddelde"));
  fact(b, cs_tr(r, "Uncertainty draws (PSA)", "Trekkingen onzekerheid (PSA)"), v);
  run_info_facts(b, r);
  fact(b, cs_tr(r, "Report made by", "Rapport gemaakt door"), "careshift " CS_VERSION);
  cs_buf_put(b, "</dl>\n");
  put_inputs(b, r);
}

/* The sections after the verdict, in the order; one without charts for this run (no
 * PSA, no variants) is left out and the numbers close up. */
static const struct {
  const char *id, *en, *nl, *intro_en, *intro_nl;
} SECTIONS[] = {
    {"business_case", "Business case: who invests, who saves",
     "Businesscase: wie investeert, wie bespaart", NULL, NULL},
    {"themes", "What each theme and intervention brings",
     "Wat elk thema en elke interventie "
     "oplevert",
     "The plan's result split over its themes, and how many people each intervention reaches.",
     "Het resultaat van het plan verdeeld over zijn thema's, en hoeveel mensen elke interventie "
     "bereikt."},
    {"population", "Population", "Bevolking", "The ageing the plan answers to.",
     "De vergrijzing waar het plan op antwoordt."},
    {"care_cost", "Care use and cost", "Zorggebruik en zorgkosten", NULL, NULL},
    {"staff", "Staff", "Personeel",
     "The staff shortage in FTE (full-time equivalents), and what the plan does about it.",
     "Het personeelstekort in fte (voltijdbanen), en wat het plan eraan doet."},
    {"real_estate", "Real estate and CO2", "Vastgoed en CO2", NULL, NULL},
    {"variants", "Scale and pace variants side by side",
     "Varianten in schaal en tempo naast "
     "elkaar",
     "The plan against its variants: the same interventions in fewer subregions or later.",
     "Het plan naast zijn varianten: dezelfde interventies in minder subregio's of later."},
    {"psa", "Uncertainty", "Onzekerheid",
     "What the uncertainty in the plan's numbers does to its result (probabilistic sensitivity "
     "analysis).",
     "Wat de onzekerheid in de getallen van het plan doet met de uitkomst (probabilistische "
     "gevoeligheidsanalyse)."},
};

static int section_has_charts(const json_t *charts, const char *section) {
  size_t i;
  json_t *c;
  json_array_foreach(charts, i, c) {
    if (!strcmp(json_string_value(json_object_get(c, "section")), section)) return 1;
  }
  return 0;
}

static void put_sections(cs_buf *b, const cs_rdata *r, const json_t *charts, const cs_rmon *mon) {
  int n = 1;
  cs_buf_printf(b, "<section id=\"verdict\"><h2>%d. %s</h2>\n<div class=\"verdict\">\n", n++,
                cs_tr(r, "Verdict", "Oordeel"));
  verdict_card(b, r, 1);
  verdict_card(b, r, 0);
  money_card(b, r);
  cs_buf_put(b, "</div>\n");
  put_section_charts(b, r, charts, "verdict");
  cs_buf_put(b, "</section>\n");
  if (cs_rrf_section(b, r, n)) { /* a re-forecast: against the plan, right after its verdict */
    put_section_charts(b, r, charts, "reforecast");
    cs_buf_put(b, "</section>\n");
    n++;
  }
  for (size_t i = 0; i < sizeof SECTIONS / sizeof *SECTIONS; i++) {
    if (!section_has_charts(charts, SECTIONS[i].id)) continue;
    cs_buf_printf(b, "<section id=\"%s\"><h2>%d. %s</h2>\n", SECTIONS[i].id, n++,
                  cs_tr(r, SECTIONS[i].en, SECTIONS[i].nl));
    if (SECTIONS[i].intro_en)
      cs_buf_printf(b, "<p class=\"intro\">%s</p>\n",
                    cs_tr(r, SECTIONS[i].intro_en, SECTIONS[i].intro_nl));
    put_section_charts(b, r, charts, SECTIONS[i].id);
    cs_buf_put(b, "</section>\n");
  }
  if (mon) { /* monitoring comes last before the assumptions: it is about a later year */
    cs_rmon_section(b, mon, r, n++);
    put_section_charts(b, r, charts, "monitoring");
    cs_buf_put(b, "</section>\n");
  }
  cs_buf_printf(b, "<section id=\"assumptions\"><h2>%d. %s</h2>\n", n,
                cs_tr(r, "Assumptions of this run", "Aannames van deze run"));
  put_assumptions(b, r);
  cs_buf_put(b, "</section>\n");
}

/* The charts' JSON for the page's script; "</" becomes "<\/" (the same JSON string) so no
 * text in it can end the script element. */
static void put_data(cs_buf *b, const cs_rdata *r, json_t *charts) {
  json_t *loc = json_pack("{s:s, s:s, s:[i], s:[ss]}", "decimal", r->nl ? "," : ".", "thousands",
                          r->nl ? "." : ",", "grouping", 3, "currency", "EUR ", "");
  json_t *all =
      json_pack("{s:s, s:o, s:O}", "lang", r->nl ? "nl" : "en", "locale", loc, "charts", charts);
  char *s = all ? json_dumps(all, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
  json_decref(all);
  if (!s) {
    b->oom = 1;
    return;
  }
  cs_buf_put(b, "<script type=\"application/json\" id=\"cs-charts\">");
  for (char *p = s, *e;; p = e + 2) {
    if (!(e = strstr(p, "</"))) {
      cs_buf_put(b, p);
      break;
    }
    cs_buf_putn(b, p, (size_t)(e - p));
    cs_buf_put(b, "<\\/");
  }
  cs_buf_put(b, "</script>\n");
  free(s); /* jansson's memory */
}

/* Renders each chart into its element; a failure shows in the element and on the console. */
static const char RENDER[] =
    "<script>\n(function(){\n"
    "var all=JSON.parse(document.getElementById('cs-charts').textContent);\n"
    "var opt={actions:false,renderer:'svg',formatLocale:all.locale};\n"
    "all.charts.forEach(function(c){\n"
    "  var el=document.getElementById('chart-'+c.id);\n"
    "  vegaEmbed(el,c.spec,opt).then(function(){el.setAttribute('data-rendered','yes');})\n"
    "  .catch(function(e){el.setAttribute('data-rendered','error');el.textContent=String(e);"
    "console.error(e);});\n"
    "});\n})();\n</script>\n";

/* Every chart of the page: the run's, the re-forecast's (only in one), then the monitoring's
 * (only with actuals). */
static json_t *page_charts(const cs_rdata *r, const cs_rmon *mon) {
  json_t *charts = cs_charts_all(r), *more = mon ? cs_rmon_charts(mon, r, 0) : NULL;
  if (charts && cs_rrf_add_charts(r, charts)) {
    json_decref(charts);
    charts = NULL;
  }
  if (charts && mon && (!more || json_array_extend(charts, more))) {
    json_decref(charts);
    charts = NULL;
  }
  json_decref(more);
  return charts;
}

static cs_status build_page(cs_buf *b, const cs_rdata *r, const char *dir, const char *web,
                            const cs_rmon *mon, cs_diags *d) {
  json_t *charts = page_charts(r, mon);
  if (!charts) return CS_ENOMEM;
  cs_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                r->nl ? "nl" : "en");
  cs_buf_put(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"careshift " CS_VERSION "\">\n<title>");
  cs_buf_put(b, cs_tr(r, "careshift report", "careshift-rapport"));
  cs_buf_put(b, "</title>\n");
  cs_buf_put(b, cs_report_style);
  cs_buf_put(b, "</head>\n<body>\n<main>\n");
  put_header(b, r, dir);
  put_sections(b, r, charts, mon);
  cs_buf_put(b, "</main>\n");
  put_data(b, r, charts);
  json_decref(charts);
  cs_status st = CS_OK;
  char path[4096 + 64]; /* web is shorter than 4096 */
  for (size_t i = 0; i < sizeof SCRIPTS / sizeof *SCRIPTS && st == CS_OK; i++) {
    snprintf(path, sizeof path, "%s/%s", web, SCRIPTS[i]);
    st = put_script(b, path, d);
  }
  cs_buf_put(b, RENDER);
  cs_buf_put(b, "</body>\n</html>\n");
  return st == CS_OK && b->oom ? CS_ENOMEM : st;
}

/* The page into dir/report.html: a temporary name, synced, then renamed over the old one. */
static cs_status save(const char *dir, const cs_buf *b, cs_diags *d) {
  char *fin = NULL, *tmp = NULL;
  cs_status st = cs_out_paths(dir, "report.html", &fin, &tmp);
  FILE *f = st == CS_OK ? fopen(tmp, "wx") : NULL;
  if (st == CS_OK && !f) {
    cs_diags_add(d, tmp, 0, 0, "cannot write: %s", strerror(errno));
    st = CS_EIO;
  }
  if (f) {
    int bad = fwrite(b->s, 1, b->len, f) != b->len;
    bad |= fclose(f) != 0;
    if (bad) cs_diags_add(d, fin, 0, 0, "cannot write: %s", strerror(errno));
    st = bad ? CS_EIO : cs_sync_file(tmp, fin, d);
    st = cs_out_finish(tmp, fin, st == CS_OK, d) == CS_OK ? st : CS_EIO;
  }
  cs_free(fin);
  cs_free(tmp);
  return st;
}

/* Writes dir/report.html from dir/results.db (cs_outdir_fn: ctx is 1 for Dutch). */
static cs_status write_report(const char *dir, void *ctx, cs_diags *d) {
  char web[4096];
  cs_status st = find_web(web, sizeof web, d);
  if (st != CS_OK) return st;
  cs_rdata r;
  if ((st = cs_rdata_open(&r, dir, ctx != NULL, d)) != CS_OK) return st;
  cs_rmon *mon = NULL; /* the actuals imported by `careshift monitor import`, if any */
  st = cs_rmon_load(&r, dir, 0, &mon, d);
  cs_buf b = {0};
  if (st == CS_OK) st = build_page(&b, &r, dir, web, mon, d);
  cs_rmon_free(mon);
  cs_rdata_close(&r);
  if (st == CS_OK) st = save(dir, &b, d);
  cs_free(b.s);
  return st;
}

/* "en" or "nl" as the writer's context, or -1 (with a diagnostic) for another language. */
static int lang_nl(const char *lang, cs_diags *d) {
  if (!lang || !strcmp(lang, "en")) return 0;
  if (!strcmp(lang, "nl")) return 1;
  cs_diags_add(d, NULL, 0, 0, "report language must be en or nl, not '%s'", lang);
  return -1;
}

static int nl_flag; /* a non-NULL context for Dutch; its value is never read */

cs_status cs_report_write(const char *run_dir, const char *lang, cs_diags *d) {
  int nl = lang_nl(lang, d);
  if (nl < 0) return CS_EINVAL;
  char web[4096];
  cs_status st = find_web(web, sizeof web, d); /* before the lock: a missing install first */
  if (st != CS_OK) return st;
  return cs_outdir_add(run_dir, "report.html", write_report, nl ? &nl_flag : NULL, d);
}

cs_status cs_outdir_set_report(cs_outdir *o, const char *lang, cs_diags *d) {
  int nl = lang_nl(lang, d);
  if (nl < 0) return CS_EINVAL;
  char web[4096];
  cs_status st = find_web(web, sizeof web, d);
  if (st == CS_OK) cs_outdir_before_commit(o, write_report, nl ? &nl_flag : NULL);
  return st;
}
