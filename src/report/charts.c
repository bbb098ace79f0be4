/* charts.c: every chart of the report, in one place, as Vega-Lite specs with their data.
 *
 * The page only renders what is built here (and the dashboard of issue 12 will serve the same
 * objects), so titles, axis titles with units, the reading guide and the numbers behind each
 * chart are decided here once, in both languages. Money is charted in EUR mln: a board reads
 * "44,3", not 44291919. The palette is Okabe-Ito, safe for colour-blind readers. */
#include "chartkit.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

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
    const char *crit = cs_ck_text_col(q, 0), *unit = cs_ck_text_col(q, 2);
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
    cs_ck_table_row(t, r->has_psa ? 7 : 6, cells);
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
  json_t *vals = json_array(), *t = cs_ck_table_new(r->has_psa ? 7 : 6, cols);
  if (vals && t) verdict_rows(r, 1, vals, t), verdict_rows(r, 0, vals, t);
  const char *x_title = cs_tr(r, "Plan's effect as % of the threshold (100% = substantial)",
                              "Effect van het plan als % van de drempel (100% = substantieel)");
  json_t *y =
      json_pack("{s:s, s:s, s:n, s:n}", "field", "criterion", "type", "nominal", "sort", "title");
  json_t *yoff = json_pack("{s:s, s:s, s:n}", "field", "term", "type", "nominal", "sort");
  json_t *x = cs_ck_field_q("pct", x_title);
  json_t *bars = json_pack(
      "{s:{s:s, s:i}, s:{s:O, s:O, s:o, s:{s:s, s:s, s:n, s:n, s:{s:s, s:i}}}}", "mark", "type",
      "bar", "cornerRadiusEnd", 2, "encoding", "y", y, "yOffset", yoff, "x", x, "color", "field",
      "term", "type", "nominal", "sort", "title", "legend", "orient", "top", "labelFontSize", 13);
  json_t *labels =
      json_pack("{s:{s:s, s:s, s:i, s:i}, s:{s:o, s:o, s:o, s:{s:s}}}", "mark", "type", "text",
                "align", "left", "dx", 4, "fontSize", 12, "encoding", "y", y, "yOffset", yoff, "x",
                cs_ck_field_q("label_at", x_title), "text", "field", "label");
  json_t *spec =
      json_pack("{s:i, s:[o, o, o]}", "width", 560, "layer", bars, labels, cs_ck_rule_at("x", 100));
  return cs_ck_chart(
      "verdict", "verdict",
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
    const char *id = cs_ck_text_col(q, 0), *who = cs_payer_label(r, id);
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
    cs_ck_table_row(t, r->has_psa ? 6 : 5, cells);
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
  json_t *vals = json_array(), *t = cs_ck_table_new(r->has_psa ? 6 : 5, cols);
  if (vals && t) business_rows(r, vals, t);
  json_t *bars =
      json_pack("{s:s, s:{s:{s:s, s:s, s:n, s:n, s:{s:i}}, s:{s:s, s:n}, s:o,"
                " s:{s:s, s:s, s:n, s:n, s:{s:s}}, s:[{s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s}]}}",
                "mark", "bar", "encoding", "x", "field", "stakeholder", "type", "nominal", "sort",
                "title", "axis", "labelAngle", 0, "xOffset", "field", "measure", "sort", "y",
                cs_ck_field_q("mln", cs_tr(r, "EUR mln (discounted)", "EUR mln (contant gemaakt)")),
                "color", "field", "measure", "type", "nominal", "sort", "title", "legend", "orient",
                "top", "tooltip", "field", "stakeholder", "type", "nominal", "field", "measure",
                "type", "nominal", "title", " ", "field", "label", "type", "nominal");
  json_t *spec = json_pack("{s:i, s:i, s:[o, o]}", "width", 560, "height", 300, "layer", bars,
                           cs_ck_rule_at("y", 0));
  return cs_ck_chart("business_case", "business_case",
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
static int pocket_by_intervention(const cs_rdata *r) {
  return cs_rdata_has(r, "wrong_pocket_intervention");
}

static void pocket_rows(const cs_rdata *r, json_t *vals, json_t *t, double *max) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT investor, saver, attributed_savings FROM "
                                      "wrong_pocket_intervention ORDER BY rowid");
  if (!q)
    q = cs_rdata_query(r, "SELECT investor, saver, attributed_savings FROM "
                          "wrong_pocket WHERE scenario = 'plan' ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *inv = cs_payer_label(r, cs_ck_text_col(q, 0)),
               *sav = cs_payer_label(r, cs_ck_text_col(q, 1));
    double v = sqlite3_column_double(q, 2);
    char label[64];
    cs_fmt_eur(label, sizeof label, v, r->nl);
    if (v / 1e6 > *max) *max = v / 1e6;
    json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "investor", inv, "saver", sav,
                                          "mln", v / 1e6, "label", label));
    const char *cells[] = {inv, sav, label};
    cs_ck_table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_wrong_pocket(const cs_rdata *r) {
  const char *cols[] = {
      cs_tr(r, "Invests", "Investeert"), cs_tr(r, "Saves", "Bespaart"),
      cs_tr(r, "Savings due to that investment", "Besparing door die investering")};
  json_t *vals = json_array(), *t = cs_ck_table_new(3, cols);
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
  return cs_ck_chart(
      "wrong_pocket", "business_case",
      cs_tr(r, "Wrong pocket: who saves on whose investment",
            "Verkeerde zak: wie bespaart op wiens investering"),
      pocket_by_intervention(r)
          ? cs_tr(r,
                  "Read a row: the savings that one stakeholder's investment brings to each "
                  "stakeholder (discounted), each intervention's savings (its Shapley value) "
                  "going to the payers of its own costs (wrong_pocket_intervention.csv; "
                  "wrong_pocket.csv splits by theme instead); off the diagonal the money lands "
                  "in another pocket.",
                  "Lees een rij: wat de investering van één partij elke partij oplevert "
                  "(contant gemaakt), waarbij de besparing van elke interventie (haar "
                  "Shapley-waarde) naar de betalers van haar eigen kosten gaat "
                  "(wrong_pocket_intervention.csv; wrong_pocket.csv verdeelt per thema); "
                  "buiten de diagonaal landt het geld in een andere zak.")
          : cs_tr(r,
                  "Read a row: the savings that one stakeholder's investment brings to each "
                  "stakeholder (discounted), each theme's savings split over its payers by "
                  "their share of its investment (wrong_pocket.csv); off the diagonal the "
                  "money lands in another pocket.",
                  "Lees een rij: wat de investering van één partij elke partij oplevert "
                  "(contant gemaakt), de besparing van elk thema verdeeld over zijn betalers "
                  "naar hun deel van de investering (wrong_pocket.csv); buiten de diagonaal "
                  "landt het geld in een andere zak."),
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
    const char *who = cs_payer_label(r, cs_ck_text_col(q, 1));
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
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_payers(const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Year", "Jaar"), cs_tr(r, "Payer", "Betaler"),
                        cs_tr(r, "Baseline", "Basispad"), cs_tr(r, "Plan", "Plan"),
                        cs_tr(r, "Plan minus baseline", "Plan min basispad")};
  json_t *vals = json_array(), *t = cs_ck_table_new(5, cols);
  if (vals && t) payer_rows(r, vals, t);
  json_t *line =
      json_pack("{s:{s:s, s:b, s:i}, s:{s:{s:s, s:s, s:s, s:{s:s, s:i}}, s:o,"
                " s:{s:s, s:s, s:n, s:n, s:{s:s}}, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}}",
                "mark", "type", "line", "point", 1, "strokeWidth", 3, "encoding", "x", "field",
                "year", "type", "quantitative", "title", cs_tr(r, "Year", "Jaar"), "axis", "format",
                "d", "tickMinStep", 1, "y",
                cs_ck_field_q("delta", cs_tr(r, "EUR mln/yr, plan − baseline, undiscounted",
                                             "EUR mln/jaar, plan − basispad, niet contant")),
                "color", "field", "payer", "type", "nominal", "sort", "title", "legend", "orient",
                "top", "tooltip", "field", "year", "type", "ordinal", "field", "payer", "type",
                "nominal", "field", "label", "type", "nominal");
  json_t *spec = json_pack("{s:i, s:i, s:[o, o]}", "width", 560, "height", 280, "layer", line,
                           cs_ck_rule_at("y", 0));
  return cs_ck_chart(
      "payers", "care_cost",
      cs_tr(r, "Care cost per payer: plan against baseline",
            "Zorgkosten per betaler: plan tegen basispad"),
      cs_tr(r,
            "Each line is what the plan changes in a payer's care cost in that year, not "
            "discounted; below zero the payer spends less than without the plan.",
            "Elke lijn is wat het plan verandert aan de zorgkosten van een betaler in dat "
            "jaar, niet contant gemaakt; onder nul geeft de betaler minder uit dan zonder "
            "plan."),
      spec, vals, t);
}

/* The scenarios that are variants of the plan (scale and pace), not its leave-one-theme-out
 * runs nor the baseline: their criteria and NPV are the ones a board compares. */
#define VARIANT "scenario <> 'baseline' AND substr(scenario, 1, 8) <> 'without-'"

/* ---- 3. what each theme brings, and who takes part ---- */
/* A theme's name (themes.csv, v0.2) where the run has it, else its id: SQL for a column. */
#define THEME_NAME(col) "coalesce((SELECT name FROM themes h WHERE h.theme = " col "), " col ")"

static void theme_npv_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT " THEME_NAME(
             "shapley.theme") ", contribution, plan_value "
                              "FROM shapley WHERE metric = 'npv:total' ORDER BY rowid");
  if (!q) /* a run before v0.2 has no themes table */
    q = cs_rdata_query(r, "SELECT theme, contribution, plan_value FROM shapley WHERE "
                          "metric = 'npv:total' ORDER BY rowid");
  double plan = NAN;
  char c[2][64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *theme = cs_ck_text_col(q, 0);
    double v = sqlite3_column_double(q, 1);
    plan = sqlite3_column_double(q, 2);
    snprintf(label, sizeof label, "%s: %s", theme, cs_ck_fmt_e(c[0], v, r->nl));
    json_array_append_new(
        vals, json_pack("{s:s, s:f, s:s}", "theme", theme, "mln", v / 1e6, "label", label));
    const char *cells[] = {theme, c[0]};
    cs_ck_table_row(t, 2, cells);
  }
  sqlite3_finalize(q);
  const char *cells[] = {cs_tr(r, "Plan (all themes)", "Plan (alle thema's)"),
                         cs_ck_fmt_e(c[1], plan, r->nl)};
  if (isfinite(plan)) cs_ck_table_row(t, 2, cells);
}

/* Each theme's Shapley share of the plan's total NPV: the shares add up to the plan's NPV. */
json_t *cs_chart_theme_npv(const cs_rdata *r) {
  if (!cs_rdata_has(r, "shapley")) return json_null();
  const char *cols[] = {cs_tr(r, "Theme", "Thema"),
                        cs_tr(r, "Contribution to the NPV", "Bijdrage aan de NCW")};
  json_t *vals = json_array(), *t = cs_ck_table_new(2, cols);
  if (vals && t) theme_npv_rows(r, vals, t);
  json_t *bars =
      cs_ck_hbars(cs_ck_field_q("mln", cs_tr(r,
                                             "Contribution to the NPV, all stakeholders (EUR "
                                             "mln, discounted)",
                                             "Bijdrage aan de NCW, alle partijen (EUR mln, "
                                             "contant gemaakt)")),
                  "theme", cs_tr(r, "Theme", "Thema"), NULL);
  json_object_set_new(json_object_get(bars, "encoding"), "color", cs_ck_sign_colour("mln"));
  return cs_ck_chart("theme_npv", "themes",
                     cs_tr(r, "What each theme adds to the net present value",
                           "Wat elk thema bijdraagt aan de netto contante waarde"),
                     cs_tr(r,
                           "A bar is a theme's share of the plan's NPV (Shapley value over the "
                           "without-theme runs; the shares add up to the plan's NPV); green gains, "
                           "vermillion costs.",
                           "Een balk is het aandeel van een thema in de NCW van het plan "
                           "(Shapley-waarde over de runs zonder dat thema; samen de NCW van het "
                           "plan); groen levert op, oranjerood kost."),
                     cs_ck_sized(560, 220, json_pack("[o, o]", bars, cs_ck_rule_at("x", 0))), vals,
                     t);
}

static void theme_crit_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  char sql[600], v[64], p[64], label[200];
  snprintf(sql, sizeof sql,
           "SELECT %s, c.criterion, s.contribution, c.unit, c.threshold FROM shapley s "
           "JOIN criteria c ON s.metric = 'criterion:' || c.criterion WHERE c.scenario = 'plan' "
           "AND c.year = %d ORDER BY c.rowid, s.rowid",
           cs_rdata_has(r, "themes") ? THEME_NAME("s.theme") : "s.theme", r->long_year);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *theme = cs_ck_text_col(q, 0), *crit = cs_crit_label(r, cs_ck_text_col(q, 1));
    double c = sqlite3_column_double(q, 2), th = sqlite3_column_double(q, 4);
    double pct = th > 0 ? 100 * c / th : 0;
    fmt_crit(v, sizeof v, c, cs_ck_text_col(q, 3), r->nl);
    cs_fmt_num(p, sizeof p, pct, 0, r->nl);
    strcat(p, "%");
    snprintf(label, sizeof label, "%s, %s: %s (%s)", crit, theme, v, p);
    json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "criterion", crit, "theme", theme,
                                          "pct", pct, "label", label));
    const char *cells[] = {crit, theme, v, p};
    cs_ck_table_row(t, 4, cells);
  }
  sqlite3_finalize(q);
}

/* Each theme's share of each criterion, as % of the criterion's threshold: the one scale on
 * which a percentage point of care use and an FTE of staff can stand side by side. */
json_t *cs_chart_theme_criteria(const cs_rdata *r) {
  if (!cs_rdata_has(r, "shapley")) return json_null();
  const char *cols[] = {cs_tr(r, "Criterion", "Criterium"), cs_tr(r, "Theme", "Thema"),
                        cs_tr(r, "Contribution", "Bijdrage"),
                        cs_tr(r, "% of threshold", "% van drempel")};
  json_t *vals = json_array(), *t = cs_ck_table_new(4, cols);
  if (vals && t) theme_crit_rows(r, vals, t);
  char title[160];
  snprintf(title, sizeof title, "%s (%d)",
           cs_tr(r, "What each theme adds to each criterion",
                 "Wat elk thema bijdraagt per "
                 "criterium"),
           r->long_year);
  json_t *bars =
      cs_ck_hbars(cs_ck_field_q("pct", cs_tr(r, "Contribution as % of the criterion's threshold",
                                             "Bijdrage als % van de drempel van het criterium")),
                  "criterion", cs_tr(r, "Criterion", "Criterium"), "theme");
  return cs_ck_chart(
      "theme_criteria", "themes", title,
      cs_tr(r,
            "Per criterion, each theme's share of the plan's long-term effect, as a "
            "percentage of the threshold; the themes' bars add up to the plan's bar "
            "in section 1.",
            "Per criterium het aandeel van elk thema in het effect van het plan op "
            "lange termijn, als percentage van de drempel; samen de balk van het plan "
            "in paragraaf 1."),
      cs_ck_sized(560, 360, json_pack("[o, o]", bars, cs_ck_rule_at("x", 0))), vals, t);
}

static void participant_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT intervention, year, sum(participants) FROM interventions WHERE scenario = "
         "'plan' GROUP BY intervention, year ORDER BY min(rowid)");
  char y[16], n[64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *what = cs_ck_text_col(q, 0);
    int year = sqlite3_column_int(q, 1);
    double v = sqlite3_column_double(q, 2);
    snprintf(y, sizeof y, "%d", year);
    snprintf(label, sizeof label, "%s %d: %s", what, year, cs_ck_fmt_n(n, v, 0, r->nl));
    json_array_append_new(vals, json_pack("{s:s, s:i, s:f, s:s}", "intervention", what, "year",
                                          year, "n", v, "label", label));
    const char *cells[] = {what, y, n};
    cs_ck_table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

/* One small chart per intervention: eleven lines in one chart would need eleven colours. */
json_t *cs_chart_participants(const cs_rdata *r) {
  /* a run with the plan's areas (v0.2) shows them per subregion (charts_more.c) */
  if (!cs_rdata_has(r, "interventions") || cs_rdata_has(r, "areas")) return json_null();
  const char *cols[] = {cs_tr(r, "Intervention", "Interventie"), cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Participants", "Deelnemers")};
  json_t *vals = json_array(), *t = cs_ck_table_new(3, cols);
  if (vals && t) participant_rows(r, vals, t);
  json_t *line = json_pack("{s:{s:s, s:s, s:i}, s:{s:o, s:o, s:o}}", "mark", "type", "area",
                           "color", "#0072B2", "opacity", 1, "encoding", "x", cs_ck_x_year(r), "y",
                           cs_ck_enc("n", "quantitative", NULL), "tooltip", cs_ck_tip());
  json_object_set_new(json_object_get(line, "mark"), "line", json_true());
  json_object_set_new(json_object_get(line, "mark"), "opacity", json_real(0.35));
  json_t *spec = json_pack(
      "{s:{s:s, s:s, s:n, s:n, s:{s:i, s:i, s:s}}, s:i, s:{s:i, s:i, s:o}, s:{s:{s:s}}}", "facet",
      "field", "intervention", "type", "nominal", "sort", "title", "header", "labelFontSize", 14,
      "labelFontWeight", 600, "labelOrient", "top", "columns", 3, "spec", "width", 220, "height",
      110, "layer", json_pack("[o]", line), "resolve", "scale", "y", "independent");
  return cs_ck_chart("participants", "themes",
                     cs_tr(r, "Participants per intervention over time (people per year)",
                           "Deelnemers per interventie in de tijd (personen per jaar)"),
                     cs_tr(r,
                           "Each panel is one intervention: the number of people taking part in a "
                           "year, the whole region; each panel has its own scale.",
                           "Elk paneel is één interventie: het aantal deelnemers per jaar, de hele "
                           "regio; elk paneel heeft een eigen schaal."),
                     spec, vals, t);
}

/* ---- 4. the population ---- */
/* Five-year age groups up to 95+, the way a pyramid is usually drawn. */
static void age_group(char *b, size_t n, int g) {
  if (g >= 19)
    snprintf(b, n, "95+");
  else
    snprintf(b, n, "%d–%d", 5 * g, 5 * g + 4);
}

static void pyramid_value(const cs_rdata *r, json_t *vals, int year, const char *sex,
                          const char *age, int g, double v) {
  char n[64], label[200];
  int men = !strcmp(sex, "m");
  const char *who = men ? cs_tr(r, "Men", "Mannen") : cs_tr(r, "Women", "Vrouwen");
  snprintf(label, sizeof label, "%d, %s %s: %s", year, who, age, cs_ck_fmt_n(n, v, 0, r->nl));
  json_array_append_new(vals, json_pack("{s:i, s:s, s:s, s:i, s:f, s:s}", "year", year, "sex", who,
                                        "age", age, "order", g, "n", men ? -v : v, "label", label));
}

static void pyramid_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  char sql[400], age[32], c[2][64];
  snprintf(sql, sizeof sql,
           "SELECT min(age / 5, 19) AS g, sex, sum(CASE WHEN year = %d THEN count END), "
           "sum(CASE WHEN year = %d THEN count END) FROM population WHERE scenario = 'plan' AND "
           "year IN (%d, %d) GROUP BY g, sex ORDER BY g DESC, sex DESC",
           r->first_year, r->last_year, r->first_year, r->last_year);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int g = sqlite3_column_int(q, 0);
    const char *sex = cs_ck_text_col(q, 1);
    double base = sqlite3_column_double(q, 2), hor = sqlite3_column_double(q, 3);
    age_group(age, sizeof age, g);
    pyramid_value(r, vals, r->first_year, sex, age, g, base);
    pyramid_value(r, vals, r->last_year, sex, age, g, hor);
    const char *cells[] = {
        age, !strcmp(sex, "m") ? cs_tr(r, "Men", "Mannen") : cs_tr(r, "Women", "Vrouwen"),
        cs_ck_fmt_n(c[0], base, 0, r->nl), cs_ck_fmt_n(c[1], hor, 0, r->nl)};
    cs_ck_table_row(t, 4, cells);
  }
  sqlite3_finalize(q);
}

/* Base year and horizon side by side, men left and women right; the axis shows counts without
 * their sign (men are drawn negative only to go left). */
json_t *cs_chart_pyramid(const cs_rdata *r) {
  if (!cs_rdata_has(r, "population")) return json_null();
  char y0[16], y1[16];
  snprintf(y0, sizeof y0, "%d", r->first_year);
  snprintf(y1, sizeof y1, "%d", r->last_year);
  const char *cols[] = {cs_tr(r, "Age", "Leeftijd"), cs_tr(r, "Sex", "Geslacht"), y0, y1};
  json_t *vals = json_array(), *t = cs_ck_table_new(4, cols);
  if (vals && t) pyramid_rows(r, vals, t);
  json_t *x = cs_ck_field_q(
      "n", cs_tr(r, "People (men left, women right)", "Personen (mannen links, vrouwen rechts)"));
  json_object_set_new(
      x, "axis",
      json_pack("{s:s, s:i}", "labelExpr", "format(abs(datum.value), ',')", "tickCount", 4));
  json_t *spec =
      json_pack("{s:i, s:i, s:s, s:{s:o, s:{s:s, s:s, s:{s:s, s:s}, s:s}, s:o, s:o,"
                " s:{s:s, s:s, s:n, s:{s:i, s:i}}}}",
                "width", 300, "height", 340, "mark", "bar", "encoding", "x", x, "y", "field", "age",
                "type", "nominal", "sort", "field", "order", "order", "descending", "title",
                cs_tr(r, "Age (years)", "Leeftijd (jaren)"), "color", cs_ck_enc_colour("sex"),
                "tooltip", cs_ck_tip(), "column", "field", "year", "type", "ordinal", "title",
                "header", "labelFontSize", 15, "labelFontWeight", 600);
  return cs_ck_chart("pyramid", "population",
                     cs_tr(r, "Population pyramid: base year and horizon",
                           "Bevolkingspiramide: basisjaar en horizon"),
                     cs_tr(r,
                           "The number of people per five-year age group, men left and women "
                           "right; compare the top of the two pyramids to see the ageing.",
                           "Het aantal mensen per leeftijdsgroep van vijf jaar, mannen links en "
                           "vrouwen rechts; vergelijk de top van beide piramides om de vergrijzing "
                           "te zien."),
                     spec, vals, t);
}

static void share75_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  /* the municipality's name where the run keeps the plan's areas (v0.2), else its code */
  int named = cs_rdata_has(r, "areas");
  char sql[700];
  snprintf(sql, sizeof sql,
           "SELECT %s, year, sum(CASE WHEN age >= 75 THEN count ELSE 0 END) / sum(count) FROM "
           "population WHERE scenario = 'plan' GROUP BY area, year UNION ALL SELECT '~', year, "
           "sum(CASE WHEN age >= 75 THEN count ELSE 0 END) / sum(count) FROM population WHERE "
           "scenario = 'plan' GROUP BY year ORDER BY 1, 2",
           named ? "coalesce((SELECT name FROM areas a WHERE a.area = population.area), area)"
                 : "area");
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  char y[16], p[64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *area = cs_ck_text_col(q, 0);
    if (!strcmp(area, "~")) area = cs_tr(r, "Region", "Regio"); /* last: sorts after the codes */
    int year = sqlite3_column_int(q, 1);
    double v = sqlite3_column_double(q, 2);
    snprintf(y, sizeof y, "%d", year);
    cs_fmt_share(p, sizeof p, v, 1, r->nl);
    snprintf(label, sizeof label, "%s %d: %s", area, year, p);
    json_array_append_new(vals, json_pack("{s:s, s:i, s:f, s:s}", "area", area, "year", year, "pct",
                                          100 * v, "label", label));
    const char *cells[] = {area, y, p};
    cs_ck_table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

/* A heat map: a line per area would be sixteen lines; a row per area reads at a glance. */
json_t *cs_chart_share75(const cs_rdata *r) {
  if (!cs_rdata_has(r, "population")) return json_null();
  const char *cols[] = {cs_tr(r, "Area", "Gebied"), cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Share aged 75+", "Aandeel 75+")};
  json_t *vals = json_array(), *t = cs_ck_table_new(3, cols);
  if (vals && t) share75_rows(r, vals, t);
  json_t *spec = json_pack(
      "{s:i, s:s, s:{s:{s:s, s:s, s:s, s:{s:i}}, s:o, s:{s:s, s:s, s:s, s:{s:s}, s:{s:s}},"
      " s:o}}",
      "width", 600, "mark", "rect", "encoding", "x", "field", "year", "type", "ordinal", "title",
      cs_tr(r, "Year", "Jaar"), "axis", "labelAngle", 0, "y", cs_ck_enc("area", "nominal", NULL),
      "color", "field", "pct", "type", "quantitative", "title", cs_tr(r, "% aged 75+", "% 75-plus"),
      "scale", "scheme", "blues", "legend", "orient", "right", "tooltip", cs_ck_tip());
  return cs_ck_chart("share75", "population",
                     cs_tr(r, "Share of people aged 75 and over, per area",
                           "Aandeel mensen van 75 jaar en ouder, per gebied"),
                     cs_tr(r,
                           "A row per area (municipality) and the region; the darker the cell, "
                           "the larger the share aged 75+ in that year.",
                           "Een rij per gebied (gemeente) en de regio; hoe donkerder de cel, hoe "
                           "groter het aandeel 75-plussers in dat jaar."),
                     spec, vals, t);
}

static void population_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT year, sum(population), sum(deaths) FROM demography "
                                      "WHERE scenario = 'plan' GROUP BY year ORDER BY year");
  char y[16], c[2][64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int year = sqlite3_column_int(q, 0);
    double v = sqlite3_column_double(q, 1), d = sqlite3_column_double(q, 2);
    snprintf(y, sizeof y, "%d", year);
    snprintf(label, sizeof label, "%d: %s", year, cs_ck_fmt_n(c[0], v, 0, r->nl));
    json_array_append_new(
        vals, json_pack("{s:i, s:f, s:s}", "year", year, "thousands", v / 1e3, "label", label));
    const char *cells[] = {y, c[0], cs_ck_fmt_n(c[1], d, 0, r->nl)};
    cs_ck_table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

/* Without --detail results.db has no ages: the region's population is all it can show. */
json_t *cs_chart_population(const cs_rdata *r) {
  if (cs_rdata_has(r, "population") || !cs_rdata_has(r, "demography")) return json_null();
  const char *cols[] = {cs_tr(r, "Year", "Jaar"), cs_tr(r, "Population", "Inwoners"),
                        cs_tr(r, "Deaths in the year", "Overleden in het jaar")};
  json_t *vals = json_array(), *t = cs_ck_table_new(3, cols);
  if (vals && t) population_rows(r, vals, t);
  json_t *y =
      cs_ck_field_q("thousands", cs_tr(r, "Inhabitants (thousands)", "Inwoners (duizenden)"));
  json_object_set_new(y, "scale", json_pack("{s:b}", "zero", 0));
  json_t *line = json_pack("{s:{s:s, s:b, s:i, s:s}, s:{s:o, s:o, s:o}}", "mark", "type", "line",
                           "point", 1, "strokeWidth", 3, "color", "#0072B2", "encoding", "x",
                           cs_ck_x_year(r), "y", y, "tooltip", cs_ck_tip());
  return cs_ck_chart("population", "population",
                     cs_tr(r, "Population of the region", "Bevolking van de regio"),
                     cs_tr(r,
                           "The number of inhabitants per year, with the plan. The population "
                           "pyramid and the share aged 75+ per area need a run with --detail "
                           "(results.db then keeps the population by age).",
                           "Het aantal inwoners per jaar, met het plan. De bevolkingspiramide en "
                           "het aandeel 75-plussers per gebied vragen een run met --detail "
                           "(results.db bewaart dan de bevolking naar leeftijd)."),
                     cs_ck_sized(560, 240, json_pack("[o]", line)), vals, t);
}

/* ---- 6. staff ---- */
static void workforce_value(const cs_rdata *r, json_t *vals, const char *group, int year,
                            const char *what, double v) {
  char n[64], label[200];
  snprintf(label, sizeof label, "%s %d, %s: %s FTE", group, year, what,
           cs_ck_fmt_n(n, v, 0, r->nl));
  json_array_append_new(vals, json_pack("{s:s, s:i, s:s, s:f, s:s}", "group", group, "year", year,
                                        "what", what, "fte", v, "label", label));
}

static void workforce_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT \"group\", year, sum(demand_fte), sum(supply_fte), sum(gap_fte) FROM workforce "
         "WHERE scenario = 'plan' GROUP BY \"group\", year HAVING sum(demand_fte) > 0 ORDER BY "
         "min(rowid)");
  char y[16], c[3][64];
  const char *dem = cs_tr(r, "Demand", "Vraag"), *sup = cs_tr(r, "Supply", "Aanbod");
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *g = cs_group_label(r, cs_ck_text_col(q, 0));
    int year = sqlite3_column_int(q, 1);
    double d = sqlite3_column_double(q, 2), s = sqlite3_column_double(q, 3);
    workforce_value(r, vals, g, year, dem, d);
    workforce_value(r, vals, g, year, sup, s);
    snprintf(y, sizeof y, "%d", year);
    const char *cells[] = {g, y, cs_ck_fmt_n(c[0], d, 0, r->nl), cs_ck_fmt_n(c[1], s, 0, r->nl),
                           cs_ck_fmt_n(c[2], sqlite3_column_double(q, 4), 0, r->nl)};
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

/* A panel per staff group (their sizes differ tenfold), demand and supply as two lines: the
 * gap is the room between them. */
json_t *cs_chart_workforce(const cs_rdata *r) {
  if (!cs_rdata_has(r, "workforce")) return json_null();
  const char *cols[] = {
      cs_tr(r, "Group", "Groep"), cs_tr(r, "Year", "Jaar"), cs_tr(r, "Demand (FTE)", "Vraag (fte)"),
      cs_tr(r, "Supply (FTE)", "Aanbod (fte)"), cs_tr(r, "Gap (FTE)", "Tekort (fte)")};
  json_t *vals = json_array(), *t = cs_ck_table_new(5, cols);
  if (vals && t) workforce_rows(r, vals, t);
  json_t *colour = cs_ck_enc_colour("what");
  json_object_set_new(colour, "scale", json_pack("{s:[ss]}", "range", "#D55E00", "#0072B2"));
  json_t *line = cs_ck_lines(cs_ck_x_year(r), cs_ck_field_q("fte", cs_tr(r, "FTE", "fte")), colour,
                             cs_ck_tip());
  json_t *spec = json_pack(
      "{s:{s:s, s:s, s:n, s:n, s:{s:i, s:i, s:s}}, s:i, s:{s:i, s:i, s:o}, s:{s:{s:s}}}", "facet",
      "field", "group", "type", "nominal", "sort", "title", "header", "labelFontSize", 14,
      "labelFontWeight", 600, "labelOrient", "top", "columns", 3, "spec", "width", 220, "height",
      140, "layer", json_pack("[o]", line), "resolve", "scale", "y", "independent");
  return cs_ck_chart(
      "workforce", "staff",
      cs_tr(r, "Staff demand and supply per group, with the plan",
            "Vraag en aanbod van personeel per groep, met het plan"),
      cs_tr(r,
            "Each panel is one staff group in the whole region: the vermillion line "
            "is the FTE needed, the blue line the FTE available; the room between "
            "them is the shortage.",
            "Elk paneel is één personeelsgroep in de hele regio: de oranjerode lijn is "
            "de benodigde fte, de blauwe lijn de beschikbare fte; de ruimte ertussen "
            "is het tekort."),
      spec, vals, t);
}

/* net: 1 for the line of the net, 0 for the bars. */
static void staff_value(json_t *vals, int year, const char *what, double v, const char *label,
                        int net) {
  json_array_append_new(vals, json_pack("{s:i, s:s, s:f, s:s, s:i}", "year", year, "what", what,
                                        "fte", v, "label", label, "net", net));
}

static void staff_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT year, fte_demand_saved, plan_staff_fte, net_fte_saved, shortage_baseline_fte, "
         "shortage_fte, shortage_closed FROM staff WHERE scenario = 'plan' ORDER BY year");
  const char *what[] = {
      cs_tr(r, "Demand the plan saves", "Vraag die het plan bespaart"),
      cs_tr(r, "Staff the plan itself needs", "Personeel dat het plan zelf vraagt"),
      cs_tr(r, "Net saved (the criterion)", "Netto bespaard (het criterium)"),
      cs_tr(r, "Staff kept or added (supply)", "Behouden of extra personeel (aanbod)")};
  char y[16], c[6][64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int year = sqlite3_column_int(q, 0);
    double v[5];
    for (int k = 0; k < 5; k++)
      v[k] = sqlite3_column_double(q, k + 1);
    snprintf(y, sizeof y, "%d", year);
    for (int k = 0; k < 5; k++)
      cs_ck_fmt_n(c[k], v[k], 0, r->nl);
    cs_fmt_share(c[5], sizeof c[5], sqlite3_column_double(q, 6), 1, r->nl);
    for (int k = 0; k < 3; k++) {
      snprintf(label, sizeof label, "%d, %s: %s FTE", year, what[k], c[k]);
      staff_value(vals, year, what[k], k == 1 ? -v[k] : v[k], label, k == 2);
    }
    /* the shortage also closes by supply (retention, inflow): what the criterion leaves out */
    double supply = (v[3] - v[4]) - v[2];
    char sp[64];
    snprintf(label, sizeof label, "%d, %s: %s FTE", year, what[3],
             cs_ck_fmt_n(sp, supply, 0, r->nl));
    staff_value(vals, year, what[3], supply, label, 0);
    const char *cells[] = {y, c[0], c[1], c[2], c[3], c[4], c[5]};
    cs_ck_table_row(t, 7, cells);
  }
  sqlite3_finalize(q);
}

/* What the plan closes of the shortage: the demand it saves up, the staff it employs itself
 * down, the net as a line; the guide says the share of the shortage closed in the long term. */
json_t *cs_chart_staff(const cs_rdata *r) {
  if (!cs_rdata_has(r, "staff")) return json_null();
  const char *cols[] = {cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Demand saved (FTE)", "Bespaarde vraag (fte)"),
                        cs_tr(r, "Plan's own staff (FTE)", "Eigen personeel plan (fte)"),
                        cs_tr(r, "Net saved (FTE)", "Netto bespaard (fte)"),
                        cs_tr(r, "Shortage without plan (FTE)", "Tekort zonder plan (fte)"),
                        cs_tr(r, "Shortage with plan (FTE)", "Tekort met plan (fte)"),
                        cs_tr(r, "Share of the shortage closed", "Deel van het tekort gedicht")};
  json_t *vals = json_array(), *t = cs_ck_table_new(7, cols);
  if (vals && t) staff_rows(r, vals, t);
  char q1[240], q2[240], p[64], n[64], guide[600];
  snprintf(q1, sizeof q1, "SELECT shortage_closed FROM staff WHERE scenario = 'plan' AND year = %d",
           r->long_year);
  snprintf(q2, sizeof q2,
           "SELECT shortage_baseline_fte FROM staff WHERE scenario = 'plan' AND year = %d",
           r->long_year);
  cs_fmt_share(p, sizeof p, cs_rdata_scalar(r, q1, NAN), 1, r->nl);
  cs_ck_fmt_n(n, cs_rdata_scalar(r, q2, NAN), 0, r->nl);
  if (r->nl)
    snprintf(guide, sizeof guide,
             "Boven nul de fte die het plan bespaart en het personeel dat het behoudt of "
             "toevoegt, onder nul de fte die het zelf inzet; de zwarte lijn is het "
             "personeelscriterium (bespaarde vraag min eigen personeel). In %d dicht het plan "
             "%s van een tekort van %s fte (vraag en aanbod samen).",
             r->long_year, p, n);
  else
    snprintf(guide, sizeof guide,
             "Above zero the FTE the plan saves and the staff it keeps or adds, below zero "
             "the FTE it employs itself; the black line is the staff criterion (demand saved "
             "minus own staff). In %d the plan closes %s of a shortage of %s FTE (demand and "
             "supply together).",
             r->long_year, p, n);
  json_t *yq = cs_ck_field_q("fte", cs_tr(r, "FTE per year", "fte per jaar"));
  json_t *bars = json_pack("{s:[{s:s}], s:s, s:{s:o, s:O, s:o, s:o}}", "transform", "filter",
                           "datum.net == 0", "mark", "bar", "encoding", "x", cs_ck_x_year_band(r),
                           "y", yq, "color", cs_ck_enc_colour("what"), "tooltip", cs_ck_tip());
  json_t *net = json_pack("{s:{s:s, s:b, s:s, s:i}, s:{s:o, s:o, s:o}, s:[{s:s}]}", "mark", "type",
                          "line", "point", 1, "color", "#000000", "strokeWidth", 3, "encoding", "x",
                          cs_ck_x_year_band(r), "y", yq, "tooltip", cs_ck_tip(), "transform",
                          "filter", "datum.net == 1");
  return cs_ck_chart(
      "staff", "staff",
      cs_tr(r, "What the plan closes of the staff shortage",
            "Wat het plan dicht van het personeelstekort"),
      guide, cs_ck_sized(560, 260, json_pack("[o, o, o]", bars, net, cs_ck_rule_at("y", 0))), vals,
      t);
}

/* ---- 7. real estate and CO2 per sector ---- */
static void sector_rows(const cs_rdata *r, const char *col, double div, const char *unit,
                        json_t *vals, json_t *t) {
  char sql[400], c[3][64], label[200];
  snprintf(sql, sizeof sql,
           "SELECT sector, sum(CASE WHEN scenario = 'baseline' THEN %s END), sum(CASE WHEN "
           "scenario = 'plan' THEN %s END) FROM care WHERE year = %d AND scenario IN "
           "('baseline', 'plan') GROUP BY sector HAVING max(%s) > 0 ORDER BY min(rowid)",
           col, col, r->long_year, col);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  const char *scen[] = {cs_scenario_label(r, "baseline"), cs_scenario_label(r, "plan")};
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *sec = cs_sector_label(r, cs_ck_text_col(q, 0));
    double v[2] = {sqlite3_column_double(q, 1) / div, sqlite3_column_double(q, 2) / div};
    for (int k = 0; k < 2; k++) {
      snprintf(label, sizeof label, "%s, %s: %s %s", sec, scen[k],
               cs_ck_fmt_n(c[k], v[k], 0, r->nl), unit);
      json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "sector", sec, "scenario",
                                            scen[k], "v", v[k], "label", label));
    }
    const char *cells[] = {sec, c[0], c[1], cs_ck_fmt_n(c[2], v[1] - v[0], 0, r->nl)};
    cs_ck_table_row(t, 4, cells);
  }
  sqlite3_finalize(q);
}

/* A sector per row, baseline and plan as two bars in the long-term year. */
static json_t *sector_chart(const cs_rdata *r, const char *id, const char *col, double div,
                            const char *unit, const char *title, const char *guide) {
  char h[3][96], full[200], xt[96];
  snprintf(h[0], sizeof h[0], "%s (%s)", cs_scenario_label(r, "baseline"), unit);
  snprintf(h[1], sizeof h[1], "%s (%s)", cs_scenario_label(r, "plan"), unit);
  snprintf(h[2], sizeof h[2], "%s (%s)", cs_tr(r, "Plan minus baseline", "Plan min basispad"),
           unit);
  const char *cols[] = {cs_tr(r, "Sector", "Sector"), h[0], h[1], h[2]};
  json_t *vals = json_array(), *t = cs_ck_table_new(4, cols);
  if (vals && t) sector_rows(r, col, div, unit, vals, t);
  snprintf(full, sizeof full, "%s (%d)", title, r->long_year);
  snprintf(xt, sizeof xt, "%s (%s)", cs_tr(r, "In use", "In gebruik"), unit);
  json_t *bars = cs_ck_hbars(cs_ck_field_q("v", xt), "sector", NULL, "scenario");
  return cs_ck_chart(id, "real_estate", full, guide, cs_ck_sized(560, 300, json_pack("[o]", bars)),
                     vals, t);
}

json_t *cs_chart_real_estate(const cs_rdata *r) {
  if (!cs_rdata_has(r, "care")) return json_null();
  return sector_chart(r, "real_estate", "m2", 1, "m²",
                      cs_tr(r, "Real estate per sector: baseline and plan",
                            "Vastgoed per sector: basispad en plan"),
                      cs_tr(r,
                            "Floor space in use per care sector in the long-term year, without "
                            "(baseline) and with the plan; a shorter plan bar is space freed.",
                            "Vloeroppervlak in gebruik per zorgsector in het jaar van de lange "
                            "termijn, zonder (basispad) en met het plan; een kortere balk van "
                            "het plan is vrijgekomen ruimte."));
}

/* Only when the plan gives CO2 per unit of care: a chart of zeros would say nothing. */
json_t *cs_chart_co2(const cs_rdata *r) {
  if (!cs_rdata_has(r, "care") ||
      cs_rdata_scalar(r, "SELECT EXISTS (SELECT 1 FROM care WHERE co2_kg > 0)", 0) == 0)
    return json_null();
  return sector_chart(
      r, "co2", "co2_kg", 1000, cs_tr(r, "tonnes CO2", "ton CO2"),
      cs_tr(r, "CO2 per sector: baseline and plan", "CO2 per sector: basispad en plan"),
      cs_tr(r,
            "The emissions of each care sector in the long-term year, without "
            "(baseline) and with the plan; a shorter plan bar is CO2 saved.",
            "De uitstoot van elke zorgsector in het jaar van de lange termijn, "
            "zonder (basispad) en met het plan; een kortere balk van het plan is "
            "bespaarde CO2."));
}

/* ---- 8. scale and pace variants side by side ---- */
static int variant_count(const cs_rdata *r) {
  return (int)cs_rdata_scalar(
      r, "SELECT count(DISTINCT scenario) FROM business_case WHERE " VARIANT, 0);
}

static void variant_crit_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  char sql[300], v[64], p[64], label[200];
  snprintf(sql, sizeof sql,
           "SELECT scenario, criterion, value, unit, threshold, substantial FROM criteria WHERE "
           "year = %d AND " VARIANT " ORDER BY rowid",
           r->long_year);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *sc = cs_scenario_label(r, cs_ck_text_col(q, 0)),
               *crit = cs_crit_label(r, cs_ck_text_col(q, 1));
    double val = sqlite3_column_double(q, 2), th = sqlite3_column_double(q, 4);
    double pct = th > 0 ? 100 * val / th : 0;
    fmt_crit(v, sizeof v, val, cs_ck_text_col(q, 3), r->nl);
    cs_fmt_num(p, sizeof p, pct, 0, r->nl);
    strcat(p, "%");
    snprintf(label, sizeof label, "%s, %s: %s (%s)", crit, sc, v, p);
    json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "criterion", crit, "scenario", sc,
                                          "pct", pct, "label", label));
    const char *cells[] = {
        sc, crit, v, p, sqlite3_column_int(q, 5) ? cs_tr(r, "yes", "ja") : cs_tr(r, "no", "nee")};
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_variants_criteria(const cs_rdata *r) {
  if (variant_count(r) < 2) return json_null();
  const char *cols[] = {cs_tr(r, "Scenario", "Scenario"), cs_tr(r, "Criterion", "Criterium"),
                        cs_tr(r, "Value", "Waarde"), cs_tr(r, "% of threshold", "% van drempel"),
                        cs_tr(r, "Substantial", "Substantieel")};
  json_t *vals = json_array(), *t = cs_ck_table_new(5, cols);
  if (vals && t) variant_crit_rows(r, vals, t);
  char title[160];
  snprintf(title, sizeof title, "%s (%d)",
           cs_tr(r, "The criteria of each variant", "De criteria van elke variant"), r->long_year);
  json_t *bars =
      cs_ck_hbars(cs_ck_field_q("pct", cs_tr(r, "Effect as % of the threshold (100% = substantial)",
                                             "Effect als % van de drempel (100% = substantieel)")),
                  "criterion", cs_tr(r, "Criterion", "Criterium"), "scenario");
  return cs_ck_chart(
      "variants_criteria", "variants", title,
      cs_tr(r,
            "Per criterion a bar per variant of the plan, long term; a bar past the "
            "dashed line at 100% is substantial.",
            "Per criterium een balk per variant van het plan, lange termijn; een balk "
            "voorbij de stippellijn bij 100% is substantieel."),
      cs_ck_sized(560, 300, json_pack("[o, o]", bars, cs_ck_rule_at("x", 100))), vals, t);
}

static void variant_npv_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT scenario, investment, savings, npv, "
                                      "break_even_year FROM business_case WHERE stakeholder = "
                                      "'total' AND " VARIANT " ORDER BY rowid");
  const char *measure[] = {cs_tr(r, "Investment", "Investering"), cs_tr(r, "Savings", "Besparing"),
                           cs_tr(r, "Net present value", "Netto contante waarde")};
  char c[4][64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *sc = cs_scenario_label(r, cs_ck_text_col(q, 0));
    for (int k = 0; k < 3; k++) {
      double v = sqlite3_column_double(q, k + 1);
      snprintf(label, sizeof label, "%s, %s: %s", sc, measure[k], cs_ck_fmt_e(c[k], v, r->nl));
      json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "scenario", sc, "measure",
                                            measure[k], "mln", v / 1e6, "label", label));
    }
    if (sqlite3_column_type(q, 4) == SQLITE_NULL)
      snprintf(c[3], sizeof c[3], "%s", cs_tr(r, "not before the horizon", "niet voor de horizon"));
    else
      snprintf(c[3], sizeof c[3], "%d", sqlite3_column_int(q, 4));
    const char *cells[] = {sc, c[0], c[1], c[2], c[3]};
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_variants_npv(const cs_rdata *r) {
  if (variant_count(r) < 2) return json_null();
  const char *cols[] = {cs_tr(r, "Scenario", "Scenario"), cs_tr(r, "Investment", "Investering"),
                        cs_tr(r, "Savings", "Besparing"),
                        cs_tr(r, "Net present value", "Netto contante waarde"),
                        cs_tr(r, "Break-even year", "Terugverdiend in")};
  json_t *vals = json_array(), *t = cs_ck_table_new(5, cols);
  if (vals && t) variant_npv_rows(r, vals, t);
  json_t *bars =
      cs_ck_hbars(cs_ck_field_q("mln", cs_tr(r, "EUR mln (discounted), all stakeholders",
                                             "EUR mln (contant gemaakt), alle partijen")),
                  "scenario", cs_tr(r, "Variant", "Variant"), "measure");
  return cs_ck_chart(
      "variants_npv", "variants",
      cs_tr(r, "The business case of each variant", "De businesscase van elke variant"),
      cs_tr(r,
            "Per variant the investment, the savings and the net present value of all "
            "stakeholders together; below zero is a loss.",
            "Per variant de investering, de besparing en de netto contante waarde van "
            "alle partijen samen; onder nul is een verlies."),
      cs_ck_sized(560, 260, json_pack("[o, o]", bars, cs_ck_rule_at("x", 0))), vals, t);
}

/* ---- 9. uncertainty (PSA) ---- */
static void ceac_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT value_per_qaly, probability_cost_effective FROM "
                                      "ceac WHERE scenario = 'plan' ORDER BY value_per_qaly");
  char c[2][64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    double w = sqlite3_column_double(q, 0), p = sqlite3_column_double(q, 1);
    cs_fmt_share(c[1], sizeof c[1], p, 0, r->nl);
    snprintf(label, sizeof label, "EUR %s / QALY: %s", cs_ck_fmt_n(c[0], w, 0, r->nl), c[1]);
    json_array_append_new(
        vals, json_pack("{s:f, s:f, s:s}", "k", w / 1e3, "pct", 100 * p, "label", label));
    const char *cells[] = {c[0], c[1]};
    cs_ck_table_row(t, 2, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_ceac(const cs_rdata *r) {
  if (!cs_rdata_has(r, "ceac")) return json_null();
  const char *cols[] = {cs_tr(r, "Value of a QALY (EUR)", "Waarde van een QALY (EUR)"),
                        cs_tr(r, "P(cost-effective)", "Kans kosteneffectief")};
  json_t *vals = json_array(), *t = cs_ck_table_new(2, cols);
  if (vals && t) ceac_rows(r, vals, t);
  json_t *y = cs_ck_field_q("pct", cs_tr(r, "Probability the plan is cost-effective (%)",
                                         "Kans dat het plan kosteneffectief is (%)"));
  json_object_set_new(y, "scale", json_pack("{s:[ii]}", "domain", 0, 100));
  json_t *line =
      json_pack("{s:{s:s, s:s, s:i}, s:{s:o, s:o, s:o}}", "mark", "type", "line", "color",
                "#0072B2", "strokeWidth", 3, "encoding", "x",
                cs_ck_field_q("k", cs_tr(r, "What society pays for a QALY (EUR thousand)",
                                         "Wat de samenleving betaalt voor een QALY (EUR duizend)")),
                "y", y, "tooltip", cs_ck_tip());
  return cs_ck_chart(
      "ceac", "psa",
      cs_tr(r, "Cost-effectiveness acceptability curve", "Kosteneffectiviteits-acceptatiecurve"),
      cs_tr(r,
            "Read a point: if a QALY (a year in full health) is worth this much, this is "
            "the share of the uncertainty draws in which the plan is cost-effective.",
            "Lees een punt: als een QALY (een jaar in goede gezondheid) zoveel waard is, "
            "is dit het deel van de trekkingen waarin het plan kosteneffectief is."),
      cs_ck_sized(560, 260, json_pack("[o]", line)), vals, t);
}

static void tornado_rows(const cs_rdata *r, double base, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT parameter, low, high FROM tornado WHERE scenario = "
                                      "'plan' AND metric = 'npv:total' ORDER BY abs(high - low) "
                                      "DESC LIMIT 10");
  const char *end[] = {cs_tr(r, "Parameter at its low end", "Parameter op zijn lage waarde"),
                       cs_tr(r, "Parameter at its high end", "Parameter op zijn hoge waarde")};
  char name[300], c[3][64], label[400];
  for (int i = 0; q && sqlite3_step(q) == SQLITE_ROW; i++) {
    cs_param_label(name, sizeof name, cs_ck_text_col(q, 0));
    double v[2] = {sqlite3_column_double(q, 1), sqlite3_column_double(q, 2)};
    for (int k = 0; k < 2; k++) {
      snprintf(label, sizeof label, "%s, %s: %s", name, end[k], cs_ck_fmt_e(c[k], v[k], r->nl));
      json_array_append_new(vals, json_pack("{s:s, s:i, s:s, s:f, s:f, s:s}", "parameter", name,
                                            "rank", i, "end", end[k], "from", base / 1e6, "to",
                                            v[k] / 1e6, "label", label));
    }
    const char *cells[] = {name, c[0], c[1], cs_ck_fmt_e(c[2], fabs(v[1] - v[0]), r->nl)};
    cs_ck_table_row(t, 4, cells);
  }
  sqlite3_finalize(q);
}

/* Each bar runs from the NPV at every parameter's mean to the NPV with one parameter at its
 * low or high end, the widest swing on top. */
json_t *cs_chart_tornado(const cs_rdata *r) {
  if (!cs_rdata_has_rows(r, "tornado")) return json_null();
  const char *cols[] = {
      cs_tr(r, "Parameter", "Parameter"), cs_tr(r, "NPV, parameter low", "NCW, parameter laag"),
      cs_tr(r, "NPV, parameter high", "NCW, parameter hoog"), cs_tr(r, "Swing", "Uitslag")};
  double base = cs_rdata_scalar(r,
                                "SELECT npv FROM business_case WHERE scenario = 'plan' AND "
                                "stakeholder = 'total'",
                                0);
  json_t *vals = json_array(), *t = cs_ck_table_new(4, cols);
  if (vals && t) tornado_rows(r, base, vals, t);
  json_t *bars = json_pack(
      "{s:s, s:{s:o, s:{s:s}, s:{s:s, s:s, s:{s:s}, s:n}, s:o, s:o}}", "mark", "bar", "encoding",
      "x",
      cs_ck_field_q("to", cs_tr(r, "Net present value, all stakeholders (EUR mln, discounted)",
                                "Netto contante waarde, alle partijen (EUR mln, contant gemaakt)")),
      "x2", "field", "from", "y", "field", "parameter", "type", "nominal", "sort", "field", "rank",
      "title", "color", cs_ck_enc_colour("end"), "tooltip", cs_ck_tip());
  /* around the base, not from zero: the swings are what a reader compares */
  json_object_set_new(json_object_get(json_object_get(bars, "encoding"), "x"), "scale",
                      json_pack("{s:b}", "zero", 0));
  return cs_ck_chart(
      "tornado", "psa",
      cs_tr(r, "Tornado: which numbers move the total NPV most",
            "Tornado: welke getallen de totale NCW het meest bewegen"),
      cs_tr(r,
            "The ten uncertain numbers with the widest swing; each bar runs from the "
            "NPV at the means (dashed line) to the NPV with that one number at its "
            "low or high end.",
            "De tien onzekere getallen met de grootste uitslag; elke balk loopt van de "
            "NCW bij de gemiddelden (stippellijn) naar de NCW met dat ene getal op zijn "
            "lage of hoge waarde."),
      cs_ck_sized(480, 340, json_pack("[o, o]", bars, cs_ck_rule_at("x", base / 1e6))), vals, t);
}

static void plane_rows(const cs_rdata *r, json_t *vals, json_t *t, int *quad) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT a.draw, a.value, b.value FROM psa_draws a JOIN psa_draws b ON b.draw = a.draw "
         "AND b.scenario = a.scenario AND b.metric = 'npv:total' WHERE a.scenario = 'plan' AND "
         "a.metric = 'delta_qalys' ORDER BY a.draw LIMIT 2000");
  char d[16], c[2][64], label[200];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    double qa = sqlite3_column_double(q, 1), npv = sqlite3_column_double(q, 2);
    quad[(qa > 0) * 2 + (npv > 0)]++;
    snprintf(d, sizeof d, "%d", sqlite3_column_int(q, 0));
    snprintf(label, sizeof label, "%s %s: %s QALY, %s", cs_tr(r, "draw", "trekking"), d,
             cs_ck_fmt_n(c[0], qa, 1, r->nl), cs_ck_fmt_e(c[1], npv, r->nl));
    json_array_append_new(
        vals, json_pack("{s:f, s:f, s:s}", "qalys", qa, "mln", npv / 1e6, "label", label));
    const char *cells[] = {d, c[0], c[1]};
    cs_ck_table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

/* One point per draw (at most 2,000: more would only weigh on the page); the guide names the
 * share in the quadrant a board hopes for, more health for less money. */
json_t *cs_chart_ce_plane(const cs_rdata *r) {
  if (!cs_rdata_has(r, "psa_draws")) return json_null();
  const char *cols[] = {cs_tr(r, "Draw", "Trekking"), cs_tr(r, "QALYs gained", "Gewonnen QALY's"),
                        cs_tr(r, "Net present value", "Netto contante waarde")};
  json_t *vals = json_array(), *t = cs_ck_table_new(3, cols);
  int quad[4] = {0};
  if (vals && t) plane_rows(r, vals, t, quad);
  int all = quad[0] + quad[1] + quad[2] + quad[3];
  char p[64], guide[600];
  cs_fmt_share(p, sizeof p, all ? (double)quad[3] / all : NAN, 0, r->nl);
  if (r->nl)
    snprintf(guide, sizeof guide,
             "Een stip is één trekking: rechts van de lijn wint het plan gezondheid, boven de "
             "lijn bespaart het geld; %s van de trekkingen ligt rechtsboven (beide).",
             p);
  else
    snprintf(guide, sizeof guide,
             "A dot is one uncertainty draw: right of the line the plan gains health, above "
             "the line it saves money; %s of the draws lie top right (both).",
             p);
  json_t *dots =
      json_pack("{s:{s:s, s:s, s:f, s:i}, s:{s:o, s:o, s:o}}", "mark", "type", "circle", "color",
                "#0072B2", "opacity", 0.5, "size", 30, "encoding", "x",
                cs_ck_field_q("qalys", cs_tr(r, "QALYs gained (discounted)",
                                             "Gewonnen QALY's (contant gemaakt)")),
                "y",
                cs_ck_field_q("mln", cs_tr(r, "Net present value, all stakeholders (EUR mln)",
                                           "Netto contante waarde, alle partijen (EUR mln)")),
                "tooltip", cs_ck_tip());
  return cs_ck_chart(
      "ce_plane", "psa", cs_tr(r, "Cost-effectiveness plane", "Kosteneffectiviteitsvlak"), guide,
      cs_ck_sized(480, 340,
                  json_pack("[o, o, o]", dots, cs_ck_rule_at("x", 0), cs_ck_rule_at("y", 0))),
      vals, t);
}

/* The charts of the page, in its order. */
static json_t *(*const MAKERS[])(const cs_rdata *) = {cs_chart_verdict,
                                                      cs_chart_business_case,
                                                      cs_chart_wrong_pocket,
                                                      cs_chart_npv_draws,
                                                      cs_chart_theme_npv,
                                                      cs_chart_theme_criteria,
                                                      cs_chart_participants,
                                                      cs_chart_participants_sub,
                                                      cs_chart_pyramid,
                                                      cs_chart_share75_sub,
                                                      cs_chart_share75,
                                                      cs_chart_population,
                                                      cs_chart_payers,
                                                      cs_chart_care_use,
                                                      cs_chart_care_cost_sector,
                                                      cs_chart_workforce,
                                                      cs_chart_staff,
                                                      cs_chart_staff_subregion,
                                                      cs_chart_real_estate,
                                                      cs_chart_co2,
                                                      cs_chart_variants_criteria,
                                                      cs_chart_variants_npv,
                                                      cs_chart_ceac,
                                                      cs_chart_tornado,
                                                      cs_chart_tornado_criteria,
                                                      cs_chart_ce_plane};
#define NMAKER ((int)(sizeof MAKERS / sizeof *MAKERS))

/* Two workers take the charts one by one, each with its own connection: a national run's
 * charts scan tables of half a million rows. Each chart goes to its own slot (NULL: out of
 * memory, json null: does not apply), so the page has them in its order whoever made them. */
typedef struct {
  const cs_rdata *r;
  json_t *made[NMAKER];
  atomic_int next;
} chart_work;

static void make_charts(chart_work *x, const cs_rdata *r) {
  for (int i; (i = atomic_fetch_add(&x->next, 1)) < NMAKER;)
    x->made[i] = MAKERS[i](r);
}

static cs_status chart_worker(void *ctx, int64_t job) {
  chart_work *x = ctx;
  cs_rdata own;
  if (job == 0)
    make_charts(x, x->r);
  else if (cs_rdata_twin(x->r, &own) == CS_OK) { /* else the first worker makes them all */
    make_charts(x, &own);
    cs_rdata_close(&own);
  }
  return CS_OK;
}

json_t *cs_charts_all(const cs_rdata *r) {
  chart_work x = {.r = r};
  atomic_init(&x.next, 0);
  /* a database the caller attached (a what-if's in memory) has one connection: one worker */
  int workers = r->path ? 2 : 1;
  json_object_seed(0); /* jansson's hash seed, once, before threads build objects */
  cs_parallel_for(workers, workers, chart_worker, &x);
  json_t *all = json_array();
  int ok = all != NULL;
  for (int i = 0; i < NMAKER; i++) {
    json_t *c = x.made[i];
    if (json_is_null(c)) continue; /* does not apply to this run */
    if (!c)
      ok = 0;
    else if (!ok)
      json_decref(c);
    else if (json_array_append_new(all, c)) /* (which frees c) */
      ok = 0;
  }
  if (ok) return all;
  json_decref(all);
  return NULL;
}
