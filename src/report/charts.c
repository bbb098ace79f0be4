/* charts.c: every chart of the report, in one place, as Vega-Lite specs with their data.
 *
 * The page only renders what is built here (and the dashboard of issue 12 will serve the same
 * objects), so titles, axis titles with units, the reading guide and the numbers behind each
 * chart are decided here once, in both languages. Money is charted in EUR mln: a board reads
 * "44,3", not 44291919. The palette is Okabe-Ito, safe for colour-blind readers. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const OKABE_ITO[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                        "#56B4E9", "#D55E00", "#F0E442", "#000000"};

static json_t *config(void) {
  json_t *pal = json_array();
  for (size_t i = 0; pal && i < sizeof OKABE_ITO / sizeof *OKABE_ITO; i++)
    json_array_append_new(pal, json_string(OKABE_ITO[i]));
  return json_pack("{s:s, s:{s:o}, s:{s:i, s:i, s:b}, s:{s:i, s:i}, s:{s:i, s:s, s:i},"
                   " s:{s:n}}",
                   "font", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "range",
                   "category", pal, "axis", "labelFontSize", 12, "titleFontSize", 13, "labelLimit",
                   0, "legend", "labelFontSize", 12, "titleFontSize", 12, "title", "fontSize", 16,
                   "anchor", "start", "subtitleFontSize", 13, "view", "stroke");
}

/* A chart object; steals spec, values and table. */
static json_t *chart(const char *id, const char *section, const char *title, const char *guide,
                     json_t *spec, json_t *values, json_t *table) {
  if (!spec || !values || !table) {
    json_decref(spec), json_decref(values), json_decref(table);
    return NULL;
  }
  json_object_set_new(spec, "title", json_pack("{s:s}", "text", title));
  json_object_set_new(spec, "data", json_pack("{s:o}", "values", values));
  json_object_set_new(spec, "config", config());
  return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id", id, "section", section, "title", title,
                   "guide", guide, "spec", spec, "table", table);
}

/* {"columns": [...], "rows": []} with n column titles. */
static json_t *table_new(int n, const char *const *cols) {
  json_t *c = json_array();
  for (int i = 0; c && i < n; i++)
    json_array_append_new(c, json_string(cols[i]));
  return json_pack("{s:o, s:[]}", "columns", c, "rows");
}

/* Appends a row of n formatted cells. */
static void table_row(json_t *t, int n, const char *const *cells) {
  json_t *row = json_array();
  for (int i = 0; row && i < n; i++)
    json_array_append_new(row, json_string(cells[i]));
  json_array_append_new(json_object_get(t, "rows"), row);
}

static const char *text_col(sqlite3_stmt *q, int i) {
  const unsigned char *s = sqlite3_column_text(q, i);
  return s ? (const char *)s : "";
}

/* A value of a criterion in its unit: "0,35%", "1.234 FTE", "5.678 m²". */
static void fmt_crit(char *b, size_t n, double v, const char *unit, int nl) {
  char num[48];
  int pct = !strcmp(unit, "%");
  cs_fmt_num(num, sizeof num, v, pct ? 2 : 0, nl);
  snprintf(b, n, "%s%s%s", num, pct ? "%" : " ", pct ? "" : !strcmp(unit, "m2") ? "m²" : "FTE");
}

/* P(substantial) of a criterion in the long (short = 0) or short term, or NaN without PSA. */
static double p_substantial(const cs_rdata *r, const char *crit, int short_term) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT probability FROM psa_probabilities WHERE scenario = 'plan' AND what = "
           "'substantial%s:%s'",
           short_term ? "_short_term" : "", crit);
  return r->has_psa ? cs_rdata_scalar(r, sql, NAN) : NAN;
}

/* {"field": f, "type": "quantitative", "title": title}. */
static json_t *field_q(const char *f, const char *title) {
  return json_pack("{s:s, s:s, s:s}", "field", f, "type", "quantitative", "title", title);
}

/* A dashed line at v on the axis ("x" or "y"), as a layer with its own one-row data. */
static json_t *rule_at(const char *axis, double v) {
  return json_pack("{s:{s:[{s:f}]}, s:{s:s, s:[ii], s:s}, s:{s:{s:s, s:s}}}", "data", "values", "v",
                   v, "mark", "type", "rule", "strokeDash", 5, 4, "color", "#333", "encoding", axis,
                   "field", "v", "type", "quantitative");
}

/* ---- 1. the verdict ---- */
static void verdict_rows(const cs_rdata *r, int short_term, json_t *vals, json_t *t) {
  int year = short_term ? r->short_year : r->long_year;
  char sql[256], term[64], label[64], val[64], thr[64], p[64];
  snprintf(term, sizeof term, "%s (%d)",
           short_term ? cs_tr(r, "Short term", "Korte termijn")
                      : cs_tr(r, "Long term", "Lange termijn"),
           year);
  snprintf(sql, sizeof sql,
           "SELECT criterion, value, unit, threshold, substantial FROM criteria "
           "WHERE scenario = 'plan' AND year = %d ORDER BY rowid",
           year);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *crit = text_col(q, 0), *unit = text_col(q, 2);
    double v = sqlite3_column_double(q, 1), th = sqlite3_column_double(q, 3);
    double pct = th > 0 ? 100 * v / th : NAN;
    int yes = sqlite3_column_int(q, 4);
    cs_fmt_num(label, sizeof label, pct, 0, r->nl);
    strcat(label, "%");
    pct = isfinite(pct) ? pct : 0.0;
    /* the label sits right of the bar, or right of the axis when the bar runs left */
    json_array_append_new(
        vals, json_pack("{s:s, s:s, s:f, s:f, s:s, s:s}", "criterion", cs_crit_label(r, crit),
                        "term", term, "pct", pct, "label_at", pct > 0 ? pct : 0.0, "label", label,
                        "substantial", yes ? cs_tr(r, "yes", "ja") : cs_tr(r, "no", "nee")));
    fmt_crit(val, sizeof val, v, unit, r->nl);
    fmt_crit(thr, sizeof thr, th, unit, r->nl);
    double ps = p_substantial(r, crit, short_term);
    cs_fmt_share(p, sizeof p, ps, 0, r->nl);
    const char *cells[] = {cs_crit_label(r, crit),
                           term,
                           val,
                           thr,
                           label,
                           yes ? cs_tr(r, "yes", "ja") : cs_tr(r, "no", "nee"),
                           p};
    table_row(t, r->has_psa ? 7 : 6, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_verdict(const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Criterion", "Criterium"),
                        cs_tr(r, "Term", "Termijn"),
                        cs_tr(r, "Value", "Waarde"),
                        cs_tr(r, "Threshold", "Drempel"),
                        cs_tr(r, "% of threshold", "% van drempel"),
                        cs_tr(r, "Substantial", "Substantieel"),
                        cs_tr(r, "P(substantial)", "Kans substantieel")};
  json_t *vals = json_array(), *t = table_new(r->has_psa ? 7 : 6, cols);
  if (vals && t) verdict_rows(r, 1, vals, t), verdict_rows(r, 0, vals, t);
  const char *x_title = cs_tr(r, "Plan's effect as % of the threshold (100% = substantial)",
                              "Effect van het plan als % van de drempel (100% = substantieel)");
  json_t *y =
      json_pack("{s:s, s:s, s:n, s:n}", "field", "criterion", "type", "nominal", "sort", "title");
  json_t *yoff = json_pack("{s:s, s:s, s:n}", "field", "term", "type", "nominal", "sort");
  json_t *x = field_q("pct", x_title);
  json_t *bars = json_pack(
      "{s:{s:s, s:i}, s:{s:O, s:O, s:o, s:{s:s, s:s, s:n, s:n, s:{s:s, s:i}}}}", "mark", "type",
      "bar", "cornerRadiusEnd", 2, "encoding", "y", y, "yOffset", yoff, "x", x, "color", "field",
      "term", "type", "nominal", "sort", "title", "legend", "orient", "top", "labelFontSize", 13);
  json_t *labels =
      json_pack("{s:{s:s, s:s, s:i, s:i}, s:{s:o, s:o, s:o, s:{s:s}}}", "mark", "type", "text",
                "align", "left", "dx", 4, "fontSize", 12, "encoding", "y", y, "yOffset", yoff, "x",
                field_q("label_at", x_title), "text", "field", "label");
  json_t *spec =
      json_pack("{s:i, s:[o, o, o]}", "width", 560, "layer", bars, labels, rule_at("x", 100));
  return chart("verdict", "verdict",
               cs_tr(r, "The four IZA criteria: how far the plan gets",
                     "De vier IZA-criteria: hoe ver het plan komt"),
               cs_tr(r,
                     "Each bar is the plan's effect on one criterion; a bar that crosses the "
                     "dashed line at 100% is substantial.",
                     "Elke balk is het effect van het plan op één criterium; een balk voorbij de "
                     "stippellijn bij 100% is substantieel."),
               spec, vals, t);
}

/* ---- 2. the business case per stakeholder, and who saves on whose investment ---- */
static double p_npv_positive(const cs_rdata *r, const char *who) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT probability FROM psa_probabilities WHERE scenario = 'plan' AND what = "
           "'npv>0:%s'",
           who);
  return r->has_psa ? cs_rdata_scalar(r, sql, NAN) : NAN;
}

/* The three bars of one stakeholder, in EUR mln. */
static void business_values(const cs_rdata *r, json_t *vals, const char *who, const double *v) {
  const char *measure[] = {cs_tr(r, "Investment", "Investering"), cs_tr(r, "Savings", "Besparing"),
                           cs_tr(r, "Net present value", "Netto contante waarde")};
  for (int k = 0; k < 3; k++) {
    char label[64];
    cs_fmt_eur(label, sizeof label, v[k], r->nl);
    json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "stakeholder", who, "measure",
                                          measure[k], "mln", v[k] / 1e6, "label", label));
  }
}

static void business_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT stakeholder, investment, savings, npv, "
                                      "break_even_year FROM business_case WHERE scenario = "
                                      "'plan' ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *id = text_col(q, 0), *who = cs_payer_label(r, id);
    double v[3] = {sqlite3_column_double(q, 1), sqlite3_column_double(q, 2),
                   sqlite3_column_double(q, 3)};
    business_values(r, vals, who, v);
    char c[5][64];
    for (int k = 0; k < 3; k++)
      cs_fmt_eur(c[k], sizeof c[k], v[k], r->nl);
    if (sqlite3_column_type(q, 4) == SQLITE_NULL)
      snprintf(c[3], sizeof c[3], "%s", cs_tr(r, "not before the horizon", "niet voor de horizon"));
    else
      snprintf(c[3], sizeof c[3], "%d", sqlite3_column_int(q, 4));
    cs_fmt_share(c[4], sizeof c[4], p_npv_positive(r, id), 0, r->nl);
    const char *cells[] = {who, c[0], c[1], c[2], c[3], c[4]};
    table_row(t, r->has_psa ? 6 : 5, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_business_case(const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Stakeholder", "Partij"),
                        cs_tr(r, "Investment", "Investering"),
                        cs_tr(r, "Savings", "Besparing"),
                        cs_tr(r, "Net present value", "Netto contante waarde"),
                        cs_tr(r, "Break-even year", "Terugverdiend in"),
                        cs_tr(r, "P(NPV > 0)", "Kans NCW > 0")};
  json_t *vals = json_array(), *t = table_new(r->has_psa ? 6 : 5, cols);
  if (vals && t) business_rows(r, vals, t);
  json_t *bars =
      json_pack("{s:s, s:{s:{s:s, s:s, s:n, s:n, s:{s:i}}, s:{s:s, s:n}, s:o,"
                " s:{s:s, s:s, s:n, s:n, s:{s:s}}, s:[{s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s}]}}",
                "mark", "bar", "encoding", "x", "field", "stakeholder", "type", "nominal", "sort",
                "title", "axis", "labelAngle", 0, "xOffset", "field", "measure", "sort", "y",
                field_q("mln", cs_tr(r, "EUR mln (discounted)", "EUR mln (contant gemaakt)")),
                "color", "field", "measure", "type", "nominal", "sort", "title", "legend", "orient",
                "top", "tooltip", "field", "stakeholder", "type", "nominal", "field", "measure",
                "type", "nominal", "title", " ", "field", "label", "type", "nominal");
  json_t *spec = json_pack("{s:i, s:i, s:[o, o]}", "width", 560, "height", 300, "layer", bars,
                           rule_at("y", 0));
  return chart("business_case", "business_case",
               cs_tr(r, "Business case per stakeholder", "Businesscase per partij"),
               cs_tr(r,
                     "Per stakeholder: what it invests, what it saves and the net present "
                     "value; a bar below zero is a loss for that stakeholder.",
                     "Per partij: wat zij investeert, wat zij bespaart en de netto contante "
                     "waarde; een balk onder nul is een verlies voor die partij."),
               spec, vals, t);
}

/* The plan's matrix by intervention where the run has it (each intervention's own Shapley
 * savings go to its own payers); else the matrix by theme, which splits a theme's savings over
 * its payers by their share of its investment (docs/model.md section 7). */
static void pocket_rows(const cs_rdata *r, json_t *vals, json_t *t, double *max) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT investor, saver, attributed_savings FROM "
                                      "wrong_pocket_intervention ORDER BY rowid");
  if (!q)
    q = cs_rdata_query(r, "SELECT investor, saver, attributed_savings FROM "
                          "wrong_pocket WHERE scenario = 'plan' ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *inv = cs_payer_label(r, text_col(q, 0)), *sav = cs_payer_label(r, text_col(q, 1));
    double v = sqlite3_column_double(q, 2);
    char label[64];
    cs_fmt_eur(label, sizeof label, v, r->nl);
    if (v / 1e6 > *max) *max = v / 1e6;
    json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "investor", inv, "saver", sav,
                                          "mln", v / 1e6, "label", label));
    const char *cells[] = {inv, sav, label};
    table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_wrong_pocket(const cs_rdata *r) {
  const char *cols[] = {
      cs_tr(r, "Invests", "Investeert"), cs_tr(r, "Saves", "Bespaart"),
      cs_tr(r, "Savings due to that investment", "Besparing door die investering")};
  json_t *vals = json_array(), *t = table_new(3, cols);
  double max = 0;
  if (vals && t) pocket_rows(r, vals, t, &max);
  const char *ytitle = cs_tr(r, "Who invests", "Wie investeert");
  const char *xtitle = cs_tr(r, "Who saves", "Wie bespaart");
  json_t *xy = json_pack("{s:{s:s, s:s, s:n, s:s, s:{s:i, s:s}}, s:{s:s, s:s, s:n, s:s}}", "x",
                         "field", "saver", "type", "nominal", "sort", "title", xtitle, "axis",
                         "labelAngle", 0, "orient", "top", "y", "field", "investor", "type",
                         "nominal", "sort", "title", ytitle);
  json_t *rect =
      json_pack("{s:s, s:{s:{s:s, s:s, s:s, s:{s:s}, s:{s:s, s:s}}}}", "mark", "rect", "encoding",
                "color", "field", "mln", "type", "quantitative", "title", "EUR mln", "scale",
                "scheme", "blues", "legend", "orient", "right", "direction", "vertical");
  char test[64];
  snprintf(test, sizeof test, "datum.mln > %.6f", max / 2);
  json_t *text = json_pack("{s:{s:s, s:i}, s:{s:{s:s}, s:{s:{s:s, s:s}, s:s}}}", "mark", "type",
                           "text", "fontSize", 13, "encoding", "text", "field", "label", "color",
                           "condition", "test", test, "value", "white", "value", "black");
  json_object_update(json_object_get(rect, "encoding"), xy);
  json_object_update(json_object_get(text, "encoding"), xy);
  json_decref(xy);
  json_t *spec =
      json_pack("{s:i, s:i, s:[o, o]}", "width", 480, "height", 200, "layer", rect, text);
  return chart("wrong_pocket", "business_case",
               cs_tr(r, "Wrong pocket: who saves on whose investment",
                     "Verkeerde zak: wie bespaart op wiens investering"),
               cs_tr(r,
                     "Read a row: the savings that one stakeholder's investment brings to each "
                     "stakeholder (discounted); off the diagonal the money lands in another "
                     "pocket.",
                     "Lees een rij: wat de investering van één partij elke partij oplevert "
                     "(contant gemaakt); buiten de diagonaal landt het geld in een andere zak."),
               spec, vals, t);
}

/* ---- 5. care cost per payer over time, baseline against plan ---- */
static void payer_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT p.year, p.payer, b.care_cost, p.care_cost FROM payers p JOIN payers b ON "
         "b.scenario = 'baseline' AND b.year = p.year AND b.payer = p.payer WHERE p.scenario = "
         "'plan' ORDER BY p.rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int year = sqlite3_column_int(q, 0);
    const char *who = cs_payer_label(r, text_col(q, 1));
    double base = sqlite3_column_double(q, 2), plan = sqlite3_column_double(q, 3);
    char c[4][64];
    snprintf(c[0], sizeof c[0], "%d", year);
    cs_fmt_eur(c[1], sizeof c[1], base, r->nl);
    cs_fmt_eur(c[2], sizeof c[2], plan, r->nl);
    cs_fmt_eur(c[3], sizeof c[3], plan - base, r->nl);
    json_array_append_new(vals, json_pack("{s:i, s:s, s:f, s:f, s:f, s:s}", "year", year, "payer",
                                          who, "baseline", base / 1e6, "plan", plan / 1e6, "delta",
                                          (plan - base) / 1e6, "label", c[3]));
    const char *cells[] = {c[0], who, c[1], c[2], c[3]};
    table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_payers(const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Year", "Jaar"), cs_tr(r, "Payer", "Betaler"),
                        cs_tr(r, "Baseline", "Basispad"), cs_tr(r, "Plan", "Plan"),
                        cs_tr(r, "Plan minus baseline", "Plan min basispad")};
  json_t *vals = json_array(), *t = table_new(5, cols);
  if (vals && t) payer_rows(r, vals, t);
  json_t *line =
      json_pack("{s:{s:s, s:b, s:i}, s:{s:{s:s, s:s, s:s, s:{s:s, s:i}}, s:o,"
                " s:{s:s, s:s, s:n, s:n, s:{s:s}}, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}}",
                "mark", "type", "line", "point", 1, "strokeWidth", 3, "encoding", "x", "field",
                "year", "type", "quantitative", "title", cs_tr(r, "Year", "Jaar"), "axis", "format",
                "d", "tickMinStep", 1, "y",
                field_q("delta", cs_tr(r, "EUR mln per year, plan minus baseline",
                                       "EUR mln per jaar, plan min basispad")),
                "color", "field", "payer", "type", "nominal", "sort", "title", "legend", "orient",
                "top", "tooltip", "field", "year", "type", "ordinal", "field", "payer", "type",
                "nominal", "field", "label", "type", "nominal");
  json_t *spec = json_pack("{s:i, s:i, s:[o, o]}", "width", 560, "height", 280, "layer", line,
                           rule_at("y", 0));
  return chart("payers", "care_cost",
               cs_tr(r, "Care cost per payer: plan against baseline",
                     "Zorgkosten per betaler: plan tegen basispad"),
               cs_tr(r,
                     "Each line is what the plan changes in a payer's care cost in that year; "
                     "below zero the payer spends less than without the plan.",
                     "Elke lijn is wat het plan verandert aan de zorgkosten van een betaler in dat "
                     "jaar; onder nul geeft de betaler minder uit dan zonder plan."),
               spec, vals, t);
}

json_t *cs_charts_all(const cs_rdata *r) {
  json_t *(*const make[])(const cs_rdata *) = {cs_chart_verdict, cs_chart_business_case,
                                               cs_chart_wrong_pocket, cs_chart_payers};
  json_t *all = json_array();
  for (size_t i = 0; all && i < sizeof make / sizeof *make; i++) {
    json_t *c = make[i](r);
    if (!c || json_array_append_new(all, c)) {
      json_decref(all);
      return NULL;
    }
  }
  return all;
}
