/* reforecast_page.c: the section "Re-forecast from Y against the plan" of report.html (issue 13,
 * docs/report.md). A re-forecast starts year Y from what was realised; its reader asks what that
 * does to the business case and to the verdict, and which actuals moved the plan how far.
 *
 * Every number shown is a cell of the run's reforecast or reforecast_actuals table, formatted
 * for the language; a table cell carries the exact value in data-value besides, so a test (or a
 * reader's script) can check it without parsing "EUR -30,7 mln". */
#include "reforecast_page.h"
#include "chartkit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_rrf_has(const cs_rdata *r) { return cs_rdata_has(r, "reforecast"); }

/* ---- reading ---- */

/* A REAL column; NaN for NULL (an original the plan's database had no row for). */
static double col_num(sqlite3_stmt *q, int i) {
  return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

/* The first column of the first row of sql, with ?1 bound to arg when arg is not NULL, into b
 * ("" when there is none). */
static void text_of(const cs_rdata *r, const char *sql, const char *arg, char *b, size_t n) {
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  b[0] = '\0';
  if (q && (!arg || sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC) == SQLITE_OK) &&
      sqlite3_step(q) == SQLITE_ROW)
    snprintf(b, n, "%s", cs_ck_text_col(q, 0));
  sqlite3_finalize(q);
}

static void run_info(const cs_rdata *r, const char *key, char *b, size_t n) {
  text_of(r, "SELECT value FROM run_info WHERE key = ?1", key, b, n);
}

/* "short:2027" as its year and whether it is the short term. */
static int term_year(const char *term, int *is_short) {
  const char *colon = strchr(term, ':');
  *is_short = !strncmp(term, "short:", 6);
  return colon ? atoi(colon + 1) : 0;
}

/* "short term (2027)", capitalised at the start of a line or a table's group. */
static void term_words(const cs_rdata *r, const char *term, int cap, char *b, size_t n) {
  int is_short, year = term_year(term, &is_short);
  const char *w = is_short ? (cap ? cs_tr(r, "Short term", "Korte termijn")
                                  : cs_tr(r, "short term", "korte termijn"))
                           : (cap ? cs_tr(r, "Long term", "Lange termijn")
                                  : cs_tr(r, "long term", "lange termijn"));
  snprintf(b, n, "%s (%d)", w, year);
}

/* ---- numbers ---- */

/* The decimals that show d: the unit's own, or two significant digits where those would round
 * a difference to nothing (a re-forecast moves a criterion by hundredths), at most four. */
static int decimals_for(double d, int base) {
  if (!isfinite(d) || d == 0 || fabs(d) >= 0.5 * pow(10, -base)) return base;
  int dec = 1 - (int)floor(log10(fabs(d)));
  return dec > 4 ? 4 : dec < base ? base : dec;
}

static int is_zero_text(const char *s) { return strspn(s, "0.,-") == strlen(s); }

/* A criterion's value in its unit ("0,0824%", "-12,69 FTE", "1.444 m²"); "+" before a
 * difference that is not zero as written. */
static void fmt_crit(char *b, size_t n, double v, const char *unit, int dec, int sign, int nl) {
  char num[64];
  int pct = !strcmp(unit, "%");
  cs_fmt_num(num, sizeof num, v, dec, nl);
  snprintf(b, n, "%s%s%s%s", sign && v > 0 && !is_zero_text(num) ? "+" : "", num, pct ? "%" : " ",
           pct                    ? ""
           : !strcmp(unit, "m2")  ? "m²"
           : !strcmp(unit, "fte") ? "FTE"
                                  : unit);
}

/* Euros as everywhere in the report; a difference above zero with its "+" ("EUR +43.169"). */
static void fmt_eur_signed(char *b, size_t n, double v, int nl) {
  char e[64];
  cs_fmt_eur(e, sizeof e, v, nl);
  if (v > 0 && !strncmp(e, "EUR ", 4) && !is_zero_text(e + 4))
    snprintf(b, n, "EUR +%s", e + 4);
  else
    snprintf(b, n, "%s", e);
}

/* Persons as monitoring shows them: whole numbers as such, else one decimal. */
static const char *fmt_persons(char *b, double v, int nl) {
  cs_fmt_num(b, 64, v, v == floor(v) || fabs(v) >= 100 ? 0 : 1, nl);
  return b;
}

/* A number cell with the exact value; "–" (no data-value) when there is none. */
static void num_cell(cs_buf *b, double v, const char *text) {
  if (!isfinite(v)) {
    cs_buf_put(b, "<td class=\"n\">–</td>");
    return;
  }
  cs_buf_printf(b, "<td class=\"n\" data-value=\"%.17g\">", v);
  cs_buf_esc(b, text);
  cs_buf_put(b, "</td>");
}

/* The last header row (the caller opened <thead>), and the body opened. */
static void head_row(cs_buf *b, const char *const *cols, size_t n) {
  cs_buf_put(b, "<tr>");
  for (size_t i = 0; i < n; i++) {
    cs_buf_put(b, "<th>");
    cs_buf_esc(b, cols[i]);
    cs_buf_put(b, "</th>");
  }
  cs_buf_put(b, "</tr></thead><tbody>\n");
}

/* <tr data-measure data-key data-term> with its first cell. */
static void row_start(cs_buf *b, const char *measure, const char *key, const char *term,
                      const char *label, int bold) {
  cs_buf_printf(b, "<tr data-measure=\"%s\" data-key=\"", measure);
  cs_buf_esc(b, key);
  cs_buf_put(b, "\" data-term=\"");
  cs_buf_esc(b, term);
  cs_buf_put(b, bold ? "\"><td><b>" : "\"><td>");
  cs_buf_esc(b, label);
  cs_buf_put(b, bold ? "</b></td>" : "</td>");
}

/* ---- 1. the net present value per stakeholder ---- */
static void npv_table(cs_buf *b, const cs_rdata *r) {
  char term[64], t[80], c[3][128];
  text_of(r, "SELECT term_or_year FROM reforecast WHERE measure = 'npv' ORDER BY rowid", NULL, term,
          sizeof term);
  snprintf(t, sizeof t, "%s", term);
  char *dash = strchr(t, '-');
  if (dash) *dash = '\0';
  cs_buf_printf(b, "<h3>%s (%s%s%s)</h3>\n",
                cs_tr(r, "Net present value per stakeholder, discounted",
                      "Netto contante waarde per partij, contant gemaakt"),
                t, dash ? "–" : "", dash ? dash + 1 : "");
  const char *cols[] = {cs_tr(r, "Stakeholder", "Partij"), cs_tr(r, "Plan", "Plan"),
                        cs_tr(r, "Re-forecast", "Herprognose"), cs_tr(r, "Difference", "Verschil")};
  cs_buf_put(b, "<table class=\"rf\" id=\"reforecast-npv\"><thead>");
  head_row(b, cols, 4);
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT stakeholder_or_criterion, term_or_year, original, "
                                      "reforecast, difference FROM reforecast WHERE measure = "
                                      "'npv' ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *who = cs_ck_text_col(q, 0);
    double v[3] = {col_num(q, 2), col_num(q, 3), col_num(q, 4)};
    cs_fmt_eur(c[0], sizeof c[0], v[0], r->nl);
    cs_fmt_eur(c[1], sizeof c[1], v[1], r->nl);
    fmt_eur_signed(c[2], sizeof c[2], v[2], r->nl);
    row_start(b, "npv", who, cs_ck_text_col(q, 1), cs_payer_label(r, who), !strcmp(who, "total"));
    for (int k = 0; k < 3; k++)
      num_cell(b, v[k], c[k]);
    cs_buf_put(b, "</tr>\n");
  }
  sqlite3_finalize(q);
  cs_buf_put(b, "</tbody></table>\n");
}

/* ---- 2. the criteria and the verdict ---- */

static const char *yes_no(const cs_rdata *r, double v) {
  return !isfinite(v) ? "–" : v > 0 ? cs_tr(r, "yes", "ja") : cs_tr(r, "no", "nee");
}

/* A yes/no cell (substantial, passes), bold when it differs from the plan's. */
static void flag_cell(cs_buf *b, const cs_rdata *r, double v, int changed) {
  if (!isfinite(v)) {
    cs_buf_put(b, "<td>–</td>");
    return;
  }
  cs_buf_printf(b, "<td data-value=\"%d\">%s%s%s</td>", v > 0, changed ? "<b>" : "", yes_no(r, v),
                changed ? "</b>" : "");
}

/* One criterion in one term: value plan, re-forecast, difference (one precision for the three,
 * so the difference can be read off them), and substantial plan, re-forecast. */
static void criterion_row(cs_buf *b, const cs_rdata *r, sqlite3_stmt *q) {
  const char *crit = cs_ck_text_col(q, 0), *term = cs_ck_text_col(q, 1);
  char unit[32], c[3][128];
  text_of(r, "SELECT unit FROM criteria WHERE criterion = ?1", crit, unit, sizeof unit);
  double v[3] = {col_num(q, 2), col_num(q, 3), col_num(q, 4)};
  int dec = decimals_for(v[2], !strcmp(unit, "%") ? 2 : 0);
  for (int k = 0; k < 3; k++)
    fmt_crit(c[k], sizeof c[k], v[k], unit, dec, k == 2, r->nl);
  double was = col_num(q, 5), now = col_num(q, 6);
  row_start(b, "criterion", crit, term, cs_crit_label(r, crit), 0);
  for (int k = 0; k < 3; k++)
    num_cell(b, v[k], c[k]);
  flag_cell(b, r, was, 0);
  flag_cell(b, r, now, isfinite(was) && was != now);
  cs_buf_put(b, "</tr>\n");
}

/* Whether the plan passes the quick test in the term, plan and re-forecast. */
static void passes_row(cs_buf *b, const cs_rdata *r, const char *term) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT original, reforecast FROM reforecast WHERE measure "
                                      "= 'passes' AND term_or_year = ?1");
  if (q && sqlite3_bind_text(q, 1, term, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    double was = col_num(q, 0), now = col_num(q, 1);
    row_start(b, "passes", "quick_test", term,
              cs_tr(r, "Passes the IZA test", "Haalt de IZA-toets"), 1);
    cs_buf_put(b, "<td></td><td></td><td></td>");
    flag_cell(b, r, was, 0);
    flag_cell(b, r, now, isfinite(was) && was != now);
    cs_buf_put(b, "</tr>\n");
  }
  sqlite3_finalize(q);
}

static void criteria_table(cs_buf *b, const cs_rdata *r) {
  const char *plan = cs_tr(r, "Plan", "Plan"), *re = cs_tr(r, "Re-forecast", "Herprognose");
  const char *cols[] = {cs_tr(r, "Criterion", "Criterium"), plan, re,
                        cs_tr(r, "Difference", "Verschil"), plan, re};
  /* two header rows: the value (plan, re-forecast, difference), then substantial or not */
  cs_buf_printf(b,
                "<table class=\"rf\" id=\"reforecast-criteria\"><thead><tr><th></th><th "
                "colspan=\"3\" style=\"text-align:center\">%s</th><th colspan=\"2\" "
                "style=\"text-align:center\">%s</th></tr>",
                cs_tr(r, "Value", "Waarde"),
                cs_tr(r, "Substantial (passes)", "Substantieel (gehaald)"));
  head_row(b, cols, 6);
  sqlite3_stmt *terms = cs_rdata_query(r, "SELECT term_or_year FROM reforecast WHERE measure = "
                                          "'criterion_value' GROUP BY term_or_year ORDER BY "
                                          "min(rowid)");
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT v.stakeholder_or_criterion, v.term_or_year, v.original, v.reforecast, "
         "v.difference, s.original, s.reforecast FROM reforecast v LEFT JOIN reforecast s ON "
         "s.measure = 'criterion_substantial' AND s.stakeholder_or_criterion = "
         "v.stakeholder_or_criterion AND s.term_or_year = v.term_or_year WHERE v.measure = "
         "'criterion_value' AND v.term_or_year = ?1 ORDER BY v.rowid");
  char words[64];
  while (terms && q && sqlite3_step(terms) == SQLITE_ROW) {
    const char *term = cs_ck_text_col(terms, 0);
    term_words(r, term, 1, words, sizeof words);
    cs_buf_printf(b, "<tr class=\"rf-term\"><th colspan=\"6\">%s</th></tr>\n", words);
    sqlite3_reset(q);
    if (sqlite3_bind_text(q, 1, term, -1, SQLITE_TRANSIENT) != SQLITE_OK) break;
    while (sqlite3_step(q) == SQLITE_ROW)
      criterion_row(b, r, q);
    passes_row(b, r, term);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(terms);
  cs_buf_put(b, "</tbody></table>\n");
}

/* What changed in the verdict, said plainly: the quick test per term, then the criteria. */
static void verdict_pass_words(cs_buf *b, const cs_rdata *r) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT term_or_year, original, reforecast FROM reforecast "
                                      "WHERE measure = 'passes' ORDER BY rowid");
  char same[400] = "", diff[600] = "", unknown[400] = "", w[64];
  int changed = 0;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    double was = col_num(q, 1), now = col_num(q, 2);
    term_words(r, cs_ck_text_col(q, 0), 0, w, sizeof w);
    size_t ls = strlen(same), ld = strlen(diff), lu = strlen(unknown);
    if (!isfinite(was))
      snprintf(unknown + lu, sizeof unknown - lu,
               r->nl ? " Het plan heeft voor de %s geen oordeel om mee te vergelijken (zijn "
                       "results.db heeft geen criteria van dat jaar)."
                     : " The plan has no verdict for the %s to compare with (its results.db "
                       "has no criteria of that year).",
               w);
    else if (was != now) {
      changed = 1;
      snprintf(diff + ld, sizeof diff - ld,
               r->nl     ? (was > 0 ? " Op %s haalde het plan de IZA-toets en haalt de herprognose "
                                      "hem niet."
                                    : " Op %s haalde het plan de IZA-toets niet en haalt de "
                                      "herprognose hem wel.")
               : was > 0 ? " In the %s the plan passed the IZA test and the re-forecast does not."
                         : " In the %s the plan did not pass the IZA test and the re-forecast "
                           "does.",
               w);
    } else if (r->nl)
      snprintf(same + ls, sizeof same - ls, "%sop %s %s", *same ? " en " : "", w,
               now > 0 ? "gehaald" : "niet gehaald");
    else
      snprintf(same + ls, sizeof same - ls, "%s%s in the %s", *same ? " and " : "",
               now > 0 ? "passed" : "not passed", w);
  }
  sqlite3_finalize(q);
  cs_buf_printf(b, "<b>%s</b>",
                changed ? cs_tr(r, "The verdict changes.", "Het oordeel verandert.")
                        : cs_tr(r, "The verdict does not change.", "Het oordeel verandert niet."));
  cs_buf_esc(b, diff);
  if (*same)
    cs_buf_printf(b,
                  r->nl ? " In de herprognose net als in het plan is de IZA-toets %s."
                        : " In the re-forecast as in the plan the IZA test is %s.",
                  same);
  cs_buf_esc(b, unknown);
}

static void verdict_criteria_words(cs_buf *b, const cs_rdata *r) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT stakeholder_or_criterion, term_or_year, original, "
                                      "reforecast FROM reforecast WHERE measure = "
                                      "'criterion_substantial' AND original IS NOT NULL AND "
                                      "original <> reforecast ORDER BY rowid");
  char w[64];
  int k = 0;
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    term_words(r, cs_ck_text_col(q, 1), 0, w, sizeof w);
    cs_buf_printf(b, r->nl ? "%s%s %s op %s" : "%s%s %s in the %s", k++ ? "; " : " ",
                  cs_crit_label(r, cs_ck_text_col(q, 0)),
                  sqlite3_column_double(q, 3) > 0
                      ? cs_tr(r, "becomes substantial", "wordt substantieel")
                      : cs_tr(r, "is no longer substantial", "is niet meer substantieel"),
                  w);
  }
  sqlite3_finalize(q);
  cs_buf_put(b, k ? "."
                  : cs_tr(r, " No criterion becomes substantial or stops being so.",
                          " Geen criterium wordt substantieel of houdt op het te zijn."));
}

static void criteria_part(cs_buf *b, const cs_rdata *r) {
  cs_buf_printf(b, "<h3>%s</h3>\n<p class=\"rf-verdict\" id=\"reforecast-verdict\">",
                cs_tr(r, "The IZA criteria and the verdict", "De IZA-criteria en het oordeel"));
  verdict_pass_words(b, r);
  verdict_criteria_words(b, r);
  cs_buf_put(b, "</p>\n");
  criteria_table(b, r);
}

/* ---- 3. the actuals applied: the population (summed up here) ---- */

static const char *applied_words(const cs_rdata *r, const char *a) {
  static const char *const names[][3] = {
      {"scaled", "scaled", "geschaald"},
      {"delay", "delay", "vertraging"},
      {"fixed", "uptake fixed at the realised", "deelname vast op de gerealiseerde"},
      {"none: every area has its own actual", "none: every municipality has its own actual",
       "geen: elke gemeente heeft een eigen realisatie"},
      {"none: nobody targeted", "none: nobody targeted", "geen: niemand in de doelgroep"},
      {"none: funding ended", "none: funding ended", "geen: financiering gestopt"}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(a, names[i][0])) return names[i][r->nl ? 2 : 1];
  return a;
}

static const char *level_words(const cs_rdata *r, const char *level) {
  if (!strcmp(level, "area")) return cs_tr(r, "municipality", "gemeente");
  if (!strcmp(level, "subregion")) return cs_tr(r, "subregion", "subregio");
  if (!strcmp(level, "region")) return cs_tr(r, "region", "regio");
  if (!strcmp(level, "areas")) return cs_tr(r, "sum of its municipalities", "som van gemeenten");
  return level;
}

static const char *place_words(const cs_rdata *r, const char *level, const char *place,
                               const char *name) {
  if (!strcmp(level, "region")) return cs_tr(r, "Region", "Regio");
  return *name ? name : place;
}

typedef struct {
  int n, n_area, n_sub, n_region, all_area;
  double realised, modelled, fmin, fmax;
  char min_at[200], max_at[200];
} pop_sum;

static sqlite3_stmt *population_rows(const cs_rdata *r) {
  return cs_rdata_query(
      r, cs_rdata_has(r, "areas")
             ? "SELECT a.place, a.level, a.realised, a.modelled, a.factor, a.applied, "
               "coalesce((SELECT name FROM areas WHERE area = a.place AND a.level = 'area'), "
               "'') FROM reforecast_actuals a WHERE a.indicator = 'population' ORDER BY a.rowid"
             : "SELECT place, level, realised, modelled, factor, applied, '' FROM "
               "reforecast_actuals WHERE indicator = 'population' ORDER BY rowid");
}

static void add_population(pop_sum *s, const cs_rdata *r, sqlite3_stmt *q) {
  const char *level = cs_ck_text_col(q, 1);
  const char *at = place_words(r, level, cs_ck_text_col(q, 0), cs_ck_text_col(q, 6));
  double f = col_num(q, 4);
  s->n++;
  s->n_area += !strcmp(level, "area");
  s->n_sub += !strcmp(level, "subregion");
  s->n_region += !strcmp(level, "region");
  s->all_area &= !strcmp(level, "area");
  s->realised += sqlite3_column_double(q, 2);
  s->modelled += sqlite3_column_double(q, 3);
  if (isfinite(f) && (!*s->min_at || f < s->fmin))
    s->fmin = f, snprintf(s->min_at, sizeof s->min_at, "%s", at);
  if (isfinite(f) && (!*s->max_at || f > s->fmax))
    s->fmax = f, snprintf(s->max_at, sizeof s->max_at, "%s", at);
}

/* "16 municipalities, 1 subregion and the region": the places with a population actual. */
static void places(const cs_rdata *r, const pop_sum *s, char *b, size_t n) {
  char part[3][80];
  int k = 0;
  if (s->n_area)
    snprintf(part[k++], sizeof part[0], "%d %s", s->n_area,
             s->n_area == 1 ? cs_tr(r, "municipality", "gemeente")
                            : cs_tr(r, "municipalities", "gemeenten"));
  if (s->n_sub)
    snprintf(part[k++], sizeof part[0], "%d %s", s->n_sub,
             s->n_sub == 1 ? cs_tr(r, "subregion", "subregio")
                           : cs_tr(r, "subregions", "subregio's"));
  if (s->n_region) snprintf(part[k++], sizeof part[0], "%s", cs_tr(r, "the region", "de regio"));
  b[0] = '\0';
  for (int i = 0; i < k; i++)
    snprintf(b + strlen(b), n - strlen(b), "%s%s",
             i == 0       ? ""
             : i == k - 1 ? cs_tr(r, " and ", " en ")
                          : ", ",
             part[i]);
}

static void population_words(cs_buf *b, const cs_rdata *r, const pop_sum *s, const char *year) {
  char a[64], m[64], p[64], lo[64], hi[64], line[1200];
  if (!s->n) {
    snprintf(line, sizeof line,
             r->nl ? "Bevolking: geen realisaties van %s; de bevolking is die van het plan."
                   : "Population: no actuals of %s; the population is the plan's.",
             year);
    cs_buf_esc(b, line);
    return;
  }
  cs_fmt_num(a, sizeof a, s->realised, 0, r->nl);
  cs_fmt_num(m, sizeof m, s->modelled, 0, r->nl);
  cs_fmt_share(p, sizeof p, s->modelled > 0 ? s->realised / s->modelled - 1 : NAN, 2, r->nl);
  cs_fmt_num(lo, sizeof lo, s->fmin, 4, r->nl);
  cs_fmt_num(hi, sizeof hi, s->fmax, 4, r->nl);
  char where[320];
  places(r, s, where, sizeof where);
  int k = snprintf(line, sizeof line,
                   r->nl ? "Bevolking: de inwoners van %s op 1 januari %s gelijkgesteld aan de "
                           "gerealiseerde"
                         : "Population: the persons of %s on 1 January %s set to the realised",
                   where, year);
  if (s->all_area && k > 0 && (size_t)k < sizeof line)
    k += snprintf(line + k, sizeof line - (size_t)k,
                  r->nl ? ", samen %s inwoners tegen %s gemodelleerd (%s)"
                        : ", together %s persons against %s modelled (%s)",
                  a, m, p);
  if (*s->min_at && k > 0 && (size_t)k < sizeof line)
    k += snprintf(line + k, sizeof line - (size_t)k,
                  r->nl ? "; de factor loopt van %s (%s) tot %s (%s)"
                        : "; the factor runs from %s (%s) to %s (%s)",
                  lo, s->min_at, hi, s->max_at);
  if (k > 0 && (size_t)k < sizeof line)
    snprintf(line + k, sizeof line - (size_t)k, "%s",
             cs_tr(r, ". Each scenario keeps its own mix by sex, age and state.",
                   ". Elk scenario houdt zijn eigen verdeling naar geslacht, leeftijd en "
                   "toestand."));
  cs_buf_esc(b, line);
}

/* Each population actual behind a toggle: sixteen municipalities are read in the summary. */
static void population_table(cs_buf *b, const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Place", "Plaats"),          cs_tr(r, "Level", "Niveau"),
                        cs_tr(r, "Realised", "Gerealiseerd"), cs_tr(r, "Modelled", "Gemodelleerd"),
                        cs_tr(r, "Factor", "Factor"),         cs_tr(r, "Applied", "Toegepast")};
  cs_buf_printf(
      b, "<details><summary>%s</summary>\n<table class=\"rf\" id=\"reforecast-population\"><thead>",
      cs_tr(r, "Show the population actuals", "Toon de bevolkingsrealisaties"));
  head_row(b, cols, 6);
  sqlite3_stmt *q = population_rows(r);
  char c[3][64];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *level = cs_ck_text_col(q, 1);
    double v[3] = {col_num(q, 2), col_num(q, 3), col_num(q, 4)};
    cs_buf_put(b, "<tr data-indicator=\"population\" data-place=\"");
    cs_buf_esc(b, cs_ck_text_col(q, 0));
    cs_buf_put(b, "\"><td>");
    cs_buf_esc(b, place_words(r, level, cs_ck_text_col(q, 0), cs_ck_text_col(q, 6)));
    cs_buf_put(b, "</td><td>");
    cs_buf_esc(b, level_words(r, level));
    cs_buf_put(b, "</td>");
    num_cell(b, v[0], fmt_persons(c[0], v[0], r->nl));
    num_cell(b, v[1], cs_ck_fmt_n(c[1], v[1], 0, r->nl));
    num_cell(b, v[2], cs_ck_fmt_n(c[2], v[2], 4, r->nl));
    cs_buf_put(b, "<td>");
    cs_buf_esc(b, applied_words(r, cs_ck_text_col(q, 5)));
    cs_buf_put(b, "</td></tr>\n");
  }
  sqlite3_finalize(q);
  cs_buf_put(b, "</tbody></table></details>\n");
}

static void actuals_part(cs_buf *b, const cs_rdata *r, const char *year) {
  pop_sum s = {.all_area = 1};
  sqlite3_stmt *q = population_rows(r);
  while (q && sqlite3_step(q) == SQLITE_ROW)
    add_population(&s, r, q);
  sqlite3_finalize(q);
  cs_buf_printf(b, "<h3>%s</h3>\n<p class=\"guide\" id=\"reforecast-population-summary\">",
                cs_tr(r, "The actuals applied", "De toegepaste realisaties"));
  population_words(b, r, &s, year);
  cs_buf_put(b, "</p>\n");
  if (s.n) population_table(b, r);
}

/* ---- 3. the actuals applied: the uptake of each intervention per subregion (a chart) ---- */

/* "0,40 jaar achter (309 gerealiseerd, 515 gemodelleerd)": the bar's label. */
static void delay_words(const cs_rdata *r, sqlite3_stmt *q, char *b, size_t n, const char **state) {
  char d[64], re[64], mo[64], u[64];
  const char *applied = cs_ck_text_col(q, 8);
  double delay = col_num(q, 7);
  fmt_persons(re, sqlite3_column_double(q, 3), r->nl);
  fmt_persons(mo, sqlite3_column_double(q, 4), r->nl);
  cs_fmt_num(d, sizeof d, fabs(delay), 2, r->nl);
  *state = cs_tr(r, "not applied", "niet toegepast");
  if (!strcmp(applied, "delay") && isfinite(delay)) {
    int on = is_zero_text(d);
    *state = on          ? cs_tr(r, "on schedule", "op schema")
             : delay > 0 ? cs_tr(r, "behind", "achter")
                         : cs_tr(r, "ahead", "voor");
    if (on)
      snprintf(b, n, "%s (%s %s, %s %s)", *state, re, cs_tr(r, "realised", "gerealiseerd"), mo,
               cs_tr(r, "modelled", "gemodelleerd"));
    else
      snprintf(b, n, "%s %s %s (%s %s, %s %s)", d, cs_tr(r, "years", "jaar"), *state, re,
               cs_tr(r, "realised", "gerealiseerd"), mo, cs_tr(r, "modelled", "gemodelleerd"));
  } else if (!strcmp(applied, "fixed")) {
    cs_fmt_share(u, sizeof u, sqlite3_column_double(q, 5), 2, r->nl);
    *state = cs_tr(r, "fixed", "vast");
    snprintf(b, n, "%s %s (%s %s)",
             cs_tr(r, "uptake fixed at the realised", "deelname vast op de gerealiseerde"), u, re,
             cs_tr(r, "realised", "gerealiseerd"));
  } else {
    snprintf(b, n, "%s", applied_words(r, applied));
  }
}

static void uptake_row(const cs_rdata *r, sqlite3_stmt *q, json_t *vals, json_t *t) {
  const char *iv = cs_ck_text_col(q, 0) + strlen("participants:"), *sub = cs_ck_text_col(q, 1);
  char row[300], words[300], label[700], c[6][64];
  const char *state;
  double delay = col_num(q, 7);
  snprintf(row, sizeof row, "%s · %s", iv, sub);
  delay_words(r, q, words, sizeof words, &state);
  snprintf(label, sizeof label, "%s: %s", row, words);
  json_t *v =
      json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:s}", "row", row, "state", state, "text",
                words, "label", label, "realised", sqlite3_column_double(q, 3), "modelled",
                sqlite3_column_double(q, 4), "label_at", isfinite(delay) && delay > 0 ? delay : 0.0,
                "applied", cs_ck_text_col(q, 8));
  if (v && isfinite(delay)) json_object_set_new(v, "delay", json_real(delay));
  json_array_append_new(vals, v);
  fmt_persons(c[0], sqlite3_column_double(q, 3), r->nl);
  fmt_persons(c[1], sqlite3_column_double(q, 4), r->nl);
  for (int k = 0; k < 2; k++) {
    double u = col_num(q, 5 + k);
    if (isfinite(u))
      cs_fmt_share(c[2 + k], sizeof c[2 + k], u, 2, r->nl);
    else
      snprintf(c[2 + k], sizeof c[2 + k], "–");
  }
  if (isfinite(delay))
    cs_fmt_num(c[4], sizeof c[4], delay, 2, r->nl);
  else
    snprintf(c[4], sizeof c[4], "–");
  const char *cells[] = {iv,   sub,  level_words(r, cs_ck_text_col(q, 2)),  c[0], c[1], c[2],
                         c[3], c[4], applied_words(r, cs_ck_text_col(q, 8))};
  cs_ck_table_row(t, 9, cells);
}

/* Bars of the delay (behind vermillion, ahead blue), the words beside each bar. */
static json_t *uptake_layers(const cs_rdata *r) {
  const char *x_title =
      cs_tr(r, "Delay of the plan's ramp (years; > 0 behind, < 0 ahead)",
            "Vertraging van de ingroei van het plan (jaar; > 0 achter, < 0 voor)");
  json_t *colour = cs_ck_enc("state", "nominal", NULL);
  json_object_set_new(colour, "scale",
                      json_pack("{s:[sss], s:[sss]}", "domain", cs_tr(r, "behind", "achter"),
                                cs_tr(r, "ahead", "voor"), cs_tr(r, "on schedule", "op schema"),
                                "range", "#D55E00", "#0072B2", "#777777"));
  json_object_set_new(colour, "legend",
                      json_pack("{s:s, s:i}", "orient", "top", "labelFontSize", 13));
  json_t *x = cs_ck_field_q("delay", x_title);
  json_object_set_new(x, "axis", json_pack("{s:i}", "tickCount", 6)); /* 0 among the labels */
  /* half a year at least, so an axis with no bar (every uptake fixed) still reads in years */
  json_object_set_new(x, "scale", json_pack("{s:{s:[f, f]}}", "domain", "unionWith", 0.0, 0.5));
  json_t *bars = cs_ck_hbars(x, "row", NULL, NULL);
  json_object_set_new(json_object_get(bars, "encoding"), "color", colour);
  json_t *words = json_pack(
      "{s:{s:s, s:s, s:i, s:i}, s:{s:o, s:o, s:{s:s}, s:o}}", "mark", "type", "text", "align",
      "left", "dx", 5, "fontSize", 12, "encoding", "x", cs_ck_field_q("label_at", x_title), "y",
      cs_ck_enc("row", "nominal", NULL), "text", "field", "text", "tooltip", cs_ck_tip());
  return json_pack("[o, o, o]", bars, words, cs_ck_rule_at("x", 0));
}

static json_t *uptake_chart(const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Intervention", "Interventie"),
                        cs_tr(r, "Subregion", "Subregio"),
                        cs_tr(r, "Realised from", "Gerealiseerd uit"),
                        cs_tr(r, "Realised", "Gerealiseerd"),
                        cs_tr(r, "Modelled", "Gemodelleerd"),
                        cs_tr(r, "Uptake realised", "Deelname gerealiseerd"),
                        cs_tr(r, "Uptake modelled", "Deelname gemodelleerd"),
                        cs_tr(r, "Delay (years)", "Vertraging (jaar)"),
                        cs_tr(r, "Applied", "Toegepast")};
  json_t *vals = json_array(), *t = cs_ck_table_new(9, cols);
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT indicator, place, level, realised, modelled, uptake_realised, uptake_modelled, "
         "delay_years, applied FROM reforecast_actuals WHERE indicator LIKE 'participants:%' "
         "ORDER BY rowid");
  while (vals && t && q && sqlite3_step(q) == SQLITE_ROW)
    uptake_row(r, q, vals, t);
  sqlite3_finalize(q);
  size_t n = json_array_size(vals);
  if (vals && t && n == 0) {
    json_decref(vals), json_decref(t);
    return json_null();
  }
  return cs_ck_chart(
      "reforecast_uptake", "reforecast",
      cs_tr(r, "How far each intervention is behind or ahead of its ramp",
            "Hoe ver elke interventie achter of voor ligt op haar ingroei"),
      cs_tr(r,
            "A bar per intervention and subregion: the delay in years by which the plan's ramp "
            "gives the uptake realised (the realised participants against those modelled); from "
            "then on the ramp runs that much later (vermillion) or earlier (blue). An uptake at "
            "or above the ramp's maximum is fixed at the realised instead (no bar).",
            "Een balk per interventie en subregio: de vertraging in jaren waarmee de ingroei van "
            "het plan de gerealiseerde deelname geeft (de gerealiseerde deelnemers tegen de "
            "gemodelleerde); vanaf dan loopt de ingroei zoveel later (oranjerood) of eerder "
            "(blauw). Een deelname op of boven het maximum van de ingroei wordt in plaats "
            "daarvan vastgezet op de gerealiseerde (geen balk)."),
      cs_ck_sized(380, (int)(26 * n + 10), uptake_layers(r)), vals, t);
}

int cs_rrf_add_charts(const cs_rdata *r, json_t *charts) {
  if (!cs_rrf_has(r)) return 0;
  json_t *c = uptake_chart(r);
  if (json_is_null(c)) return 0;
  return c && !json_array_append_new(charts, c) ? 0 : -1;
}

/* ---- the section ---- */

static void lead(cs_buf *b, const cs_rdata *r, const char *year) {
  char db[4096], sum[200], line[2400];
  run_info(r, "actuals_db", db, sizeof db);
  run_info(r, "actuals_checksum", sum, sizeof sum);
  const char *file = strrchr(db, '/') ? strrchr(db, '/') + 1 : db; /* never the full path */
  snprintf(line, sizeof line,
           r->nl ? "Deze run is een herprognose: hij begint %s bij de bevolking en de deelname aan "
                   "de interventies die in %s gerealiseerd zijn, de realisaties in %s%s%s%s, en "
                   "projecteert de rest van het plan vanaf daar; de jaren voor %s zijn die van het "
                   "plan. Hieronder het plan (de run waarin die realisaties zijn ingelezen) "
                   "tegenover deze herprognose; alle andere hoofdstukken van dit rapport tonen de "
                   "herprognose."
                 : "This run is a re-forecast: it starts %s from the population and the uptake of "
                   "the interventions realised in %s, the actuals in %s%s%s%s, and projects the "
                   "rest of the plan from there; the years before %s are the plan's. Below, the "
                   "plan (the run those actuals were imported into) against this re-forecast; "
                   "every other section of this report shows the re-forecast.",
           year, year, *file ? file : "results.db", *sum ? " (checksum " : "", sum, *sum ? ")" : "",
           year);
  cs_buf_put(b, "<p class=\"intro\" id=\"reforecast-lead\">");
  cs_buf_esc(b, line);
  cs_buf_put(b, "</p>\n");
}

int cs_rrf_section(cs_buf *b, const cs_rdata *r, int n) {
  if (!cs_rrf_has(r)) return 0;
  char year[32];
  run_info(r, "reforecast_from_year", year, sizeof year);
  if (!*year) snprintf(year, sizeof year, "%s", "?");
  char title[200];
  snprintf(title, sizeof title,
           r->nl ? "Herprognose vanaf %s tegenover het plan"
                 : "Re-forecast from %s against the plan",
           year);
  cs_buf_printf(b, "<section id=\"reforecast\"><h2>%d. ", n);
  cs_buf_esc(b, title);
  cs_buf_put(b, "</h2>\n");
  lead(b, r, year);
  npv_table(b, r);
  criteria_part(b, r);
  actuals_part(b, r, year);
  return 1;
}
