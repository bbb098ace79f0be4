/* charts_more.c: the report's charts of care use per sector, staff per subregion, the NPV's
 * spread per stakeholder, the tornado of the criteria, and (from the plan's own lists in
 * results.db: areas, sectors, milestones) participants per subregion against the milestones
 * and the share 75+ per subregion. Built like those of charts.c, from chartkit.h. */
#include "chartkit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Column col ("name" or "unit") of a sector's row of sectors.csv (v0.2) into b; b is left as
 * it is when results.db has no sectors table or no such sector. */
static void sector_col(const cs_rdata *r, const char *id, const char *col, char *b, size_t n) {
  char sql[80];
  sqlite3_stmt *q = NULL;
  snprintf(sql, sizeof sql, "SELECT %s FROM sectors WHERE sector = ?1", col);
  if (cs_rdata_has(r, "sectors") && sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) == SQLITE_OK) {
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) snprintf(b, n, "%s", cs_ck_text_col(q, 0));
  }
  sqlite3_finalize(q);
}

/* The plan's name of a sector where careshift has no label of its own. */
static const char *sector_name(const cs_rdata *r, const char *id, char *b, size_t n) {
  const char *l = cs_sector_label(r, id);
  if (l != id) return l;
  snprintf(b, n, "%s", id);
  sector_col(r, id, "name", b, n);
  return b;
}

/* The unit of care of a sector ("bed-day"), "" when results.db does not say. */
static void sector_unit(const cs_rdata *r, const char *id, char *b, size_t n) {
  *b = 0;
  sector_col(r, id, "unit", b, n);
}

/* The panels' order: the values of field in the order of the data (Vega-Lite would sort them
 * by name; a sort of null does not keep the order of the data for facets). */
static json_t *order_of(const json_t *vals, const char *field) {
  json_t *o = json_array();
  size_t i;
  json_t *v;
  json_array_foreach(vals, i, v) {
    const char *s = json_string_value(json_object_get(v, field));
    size_t n = json_array_size(o);
    int seen = 0;
    for (size_t k = 0; s && k < n && !seen; k++)
      seen = !strcmp(json_string_value(json_array_get(o, k)), s);
    if (s && !seen) json_array_append_new(o, json_string(s));
  }
  return o;
}

/* A unit of care in the report's language: the plan writes its own units (the example in
 * English); the common ones have a Dutch name. */
static const char *unit_label(const cs_rdata *r, const char *u) {
  static const char *const nl[][2] = {{"consult", "consult"},
                                      {"bed-day", "ligdag"},
                                      {"visit", "bezoek"},
                                      {"hour", "uur"},
                                      {"day", "dag"},
                                      {"treatment hour", "behandeluur"},
                                      {"day-treatment equivalent", "dagbehandelingsequivalent"},
                                      {"contact", "contact"},
                                      {"euro", "euro"}};
  for (size_t k = 0; r->nl && k < sizeof nl / sizeof *nl; k++)
    if (!strcmp(u, nl[k][0])) return nl[k][1];
  return u;
}

/* A facet of small charts, one per value of field in the order of vals, with the axis
 * resolve_axis ("x" or "y") scaled per panel. */
json_t *cs_ck_facet(const json_t *vals, const char *field, int columns, int w, int h,
                    json_t *layers, const char *resolve_axis) {
  /* a long panel title breaks before its unit "(...)" rather than run past the page */
  return json_pack("{s:{s:s, s:s, s:o, s:n, s:{s:i, s:i, s:s, s:i, s:s}}, s:i, s:{s:i, s:i,"
                   " s:o}, s:{s:{s:s}}}",
                   "facet", "field", field, "type", "nominal", "sort", order_of(vals, field),
                   "title", "header", "labelFontSize", 14, "labelFontWeight", 600, "labelOrient",
                   "top", "labelLimit", w + 20, "labelExpr",
                   "length(datum.label) > 26 ? split(replace(datum.label, ' (', '\\n('), "
                   "'\\n') : datum.label",
                   "columns", columns, "spec", "width", w, "height", h, "layer", layers, "resolve",
                   "scale", resolve_axis, "independent");
}

/* A rule at a constant inside a facet (a layer with data of its own is not allowed there). */
static json_t *rule_datum(const char *axis, double v) {
  return json_pack("{s:{s:s, s:[ii], s:s}, s:{s:{s:f}}}", "mark", "type", "rule", "strokeDash", 5,
                   4, "color", "#333", "encoding", axis, "datum", v);
}

/* ---- 5. care use per sector over time, and the change of its cost ---- */
/* The sectors in the order they first appear in the baseline's and plan's rows (the baseline's
 * come first: the plan's order), in one grouping of those rows; a national plan's care table
 * has half a million rows, which a join with a second grouping read twice. */
static void care_use_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT sector, year, b, p FROM (SELECT sector, year, sum(CASE WHEN scenario = "
         "'baseline' THEN units END) AS b, sum(CASE WHEN scenario = 'plan' THEN units END) AS "
         "p, max(units) AS m, min(min(rowid)) OVER (PARTITION BY sector) AS o FROM care WHERE "
         "scenario IN ('baseline', 'plan') GROUP BY sector, year) WHERE m > 0 ORDER BY o, year");
  const char *scen[] = {cs_scenario_label(r, "baseline"), cs_scenario_label(r, "plan")};
  char y[16], c[4][64], name[200], unit[100], panel[320], label[400];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *id = cs_ck_text_col(q, 0);
    const char *sec = sector_name(r, id, name, sizeof name);
    sector_unit(r, id, unit, sizeof unit);
    snprintf(panel, sizeof panel, *unit ? "%s (%s)" : "%s", sec, unit_label(r, unit));
    int year = sqlite3_column_int(q, 1);
    double v[2] = {sqlite3_column_double(q, 2), sqlite3_column_double(q, 3)};
    snprintf(y, sizeof y, "%d", year);
    for (int k = 0; k < 2; k++) {
      snprintf(label, sizeof label, "%s %d, %s: %s", panel, year, scen[k],
               cs_ck_fmt_n(c[k], v[k], 0, r->nl));
      json_array_append_new(vals,
                            json_pack("{s:s, s:i, s:s, s:f, s:s}", "sector", panel, "year", year,
                                      "scenario", scen[k], "units", v[k] / 1e3, "label", label));
    }
    cs_fmt_share(c[3], sizeof c[3], v[0] > 0 ? v[1] / v[0] - 1 : NAN, 1, r->nl);
    const char *cells[] = {panel, y, c[0], c[1], cs_ck_fmt_n(c[2], v[1] - v[0], 0, r->nl), c[3]};
    cs_ck_table_row(t, 6, cells);
  }
  sqlite3_finalize(q);
}

/* A panel per sector: their units differ (consults, bed-days, hours), so one axis would hide
 * all but the largest; baseline and plan as two lines, the room between them is the change. */
json_t *cs_chart_care_use(const cs_rdata *r) {
  if (!cs_rdata_has(r, "care")) return json_null();
  const char *cols[] = {cs_tr(r, "Sector (unit)", "Sector (eenheid)"),
                        cs_tr(r, "Year", "Jaar"),
                        cs_scenario_label(r, "baseline"),
                        cs_scenario_label(r, "plan"),
                        cs_tr(r, "Plan minus baseline", "Plan min basispad"),
                        cs_tr(r, "Change", "Verandering")};
  json_t *vals = json_array(), *t = cs_ck_table_new(6, cols);
  if (vals && t) care_use_rows(r, vals, t);
  json_t *colour = cs_ck_enc_colour("scenario");
  json_object_set_new(colour, "scale", json_pack("{s:[ss]}", "range", "#999999", "#0072B2"));
  json_t *y = cs_ck_field_q(
      "units", cs_tr(r, "Units per year (thousands)", "Eenheden per jaar (duizenden)"));
  json_object_set_new(y, "scale", json_pack("{s:b}", "zero", 0));
  json_t *line = cs_ck_lines(cs_ck_x_year(r), y, colour, cs_ck_tip());
  return cs_ck_chart(
      "care_use", "care_cost",
      cs_tr(r, "Care use per sector: baseline and plan",
            "Zorggebruik per sector: basispad en plan"),
      cs_tr(r,
            "Each panel is one care sector in its own unit, the whole region per year: grey "
            "without the plan (baseline), blue with it; where blue runs below grey the plan "
            "saves care, above it the plan adds care at the front of the chain. Each panel "
            "has its own scale.",
            "Elk paneel is één zorgsector in zijn eigen eenheid, de hele regio per jaar: grijs "
            "zonder het plan (basispad), blauw met het plan; waar blauw onder grijs loopt "
            "bespaart het plan zorg, erboven voegt het zorg toe aan de voorkant van de keten. "
            "Elk paneel heeft een eigen schaal."),
      cs_ck_facet(vals, "sector", 3, 220, 130, json_pack("[o]", line), "y"), vals, t);
}

static void care_cost_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  char sql[600], name[200], c[3][64], label[400];
  snprintf(sql, sizeof sql,
           "SELECT sector, sum(CASE WHEN scenario = 'baseline' THEN cost END), sum(CASE WHEN "
           "scenario = 'plan' THEN cost END) FROM care WHERE year = %d AND scenario IN "
           "('baseline', 'plan') GROUP BY sector HAVING max(cost) > 0 ORDER BY min(rowid)",
           r->long_year);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *sec = sector_name(r, cs_ck_text_col(q, 0), name, sizeof name);
    double b = sqlite3_column_double(q, 1), p = sqlite3_column_double(q, 2);
    snprintf(label, sizeof label, "%s: %s", sec, cs_ck_fmt_e(c[2], p - b, r->nl));
    json_array_append_new(
        vals, json_pack("{s:s, s:f, s:s}", "sector", sec, "mln", (p - b) / 1e6, "label", label));
    const char *cells[] = {sec, cs_ck_fmt_e(c[0], b, r->nl), cs_ck_fmt_e(c[1], p, r->nl), c[2]};
    cs_ck_table_row(t, 4, cells);
  }
  sqlite3_finalize(q);
}

/* Where the money moves: the change of each sector's care cost in the long-term year. */
json_t *cs_chart_care_cost_sector(const cs_rdata *r) {
  if (!cs_rdata_has(r, "care")) return json_null();
  const char *cols[] = {cs_tr(r, "Sector", "Sector"), cs_scenario_label(r, "baseline"),
                        cs_scenario_label(r, "plan"),
                        cs_tr(r, "Plan minus baseline", "Plan min basispad")};
  json_t *vals = json_array(), *t = cs_ck_table_new(4, cols);
  if (vals && t) care_cost_rows(r, vals, t);
  char title[200];
  snprintf(title, sizeof title, "%s (%d)",
           cs_tr(r, "Change of care cost per sector", "Verandering van de zorgkosten per sector"),
           r->long_year);
  json_t *bars = cs_ck_hbars(
      cs_ck_field_q("mln", cs_tr(r, "Plan minus baseline (EUR mln in the year, price-year euros)",
                                 "Plan min basispad (EUR mln in het jaar, euro's van het "
                                 "prijsjaar)")),
      "sector", NULL, NULL);
  /* here less is better: a fall of cost green, a rise vermillion */
  json_object_set_new(json_object_get(bars, "encoding"), "color",
                      json_pack("{s:{s:s, s:s}, s:s}", "condition", "test", "datum.mln > 0",
                                "value", "#D55E00", "value", "#009E73"));
  return cs_ck_chart(
      "care_cost_sector", "care_cost", title,
      cs_tr(r,
            "Green bars are care cost the plan saves in the long-term year, vermillion bars "
            "care it adds (often the substitute for what it saves elsewhere); undiscounted.",
            "Groene balken zijn zorgkosten die het plan bespaart in het jaar van de lange "
            "termijn, oranjerode balken zorg die het toevoegt (vaak de vervanging van wat het "
            "elders bespaart); niet contant gemaakt."),
      cs_ck_sized(560, 300, json_pack("[o, o]", bars, cs_ck_rule_at("x", 0))), vals, t);
}

/* ---- 6. the staff shortage per subregion ---- */
static void staff_sub_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  char sql[600], c[3][64], label[400];
  /* a surplus of one group does not fill the shortage of another: shortages only */
  snprintf(sql, sizeof sql,
           "SELECT subregion, sum(CASE WHEN scenario = 'baseline' THEN max(gap_fte, 0) END), "
           "sum(CASE WHEN scenario = 'plan' THEN max(gap_fte, 0) END) FROM workforce WHERE year "
           "= %d AND scenario IN ('baseline', 'plan') GROUP BY subregion ORDER BY min(rowid)",
           r->long_year);
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  const char *scen[] = {cs_scenario_label(r, "baseline"), cs_scenario_label(r, "plan")};
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *sub = cs_ck_text_col(q, 0);
    double v[2] = {sqlite3_column_double(q, 1), sqlite3_column_double(q, 2)};
    for (int k = 0; k < 2; k++) {
      snprintf(label, sizeof label, "%s, %s: %s FTE", sub, scen[k],
               cs_ck_fmt_n(c[k], v[k], 0, r->nl));
      json_array_append_new(vals, json_pack("{s:s, s:s, s:f, s:s}", "subregion", sub, "scenario",
                                            scen[k], "fte", v[k], "label", label));
    }
    const char *cells[] = {sub, c[0], c[1], cs_ck_fmt_n(c[2], v[0] - v[1], 0, r->nl)};
    cs_ck_table_row(t, 4, cells);
  }
  sqlite3_finalize(q);
}

json_t *cs_chart_staff_subregion(const cs_rdata *r) {
  if (!cs_rdata_has(r, "workforce")) return json_null();
  const char *cols[] = {cs_tr(r, "Subregion", "Subregio"),
                        cs_tr(r, "Shortage without plan (FTE)", "Tekort zonder plan (fte)"),
                        cs_tr(r, "Shortage with plan (FTE)", "Tekort met plan (fte)"),
                        cs_tr(r, "Closed by the plan (FTE)", "Gedicht door het plan (fte)")};
  json_t *vals = json_array(), *t = cs_ck_table_new(4, cols);
  if (vals && t) staff_sub_rows(r, vals, t);
  char title[200];
  snprintf(title, sizeof title, "%s (%d)",
           cs_tr(r, "Staff shortage per subregion", "Personeelstekort per subregio"), r->long_year);
  json_t *colour = cs_ck_enc_colour("scenario");
  json_object_set_new(colour, "scale", json_pack("{s:[ss]}", "range", "#999999", "#0072B2"));
  json_t *bars = cs_ck_hbars(cs_ck_field_q("fte", cs_tr(r, "Shortage (FTE)", "Tekort (fte)")),
                             "subregion", NULL, NULL);
  json_t *e = json_object_get(bars, "encoding");
  json_object_set_new(e, "yOffset", cs_ck_enc("scenario", "nominal", NULL));
  json_object_set_new(e, "color", colour);
  return cs_ck_chart(
      "staff_subregion", "staff", title,
      cs_tr(r,
            "The FTE short in each subregion, summed over the staff groups that fall short "
            "(a surplus in one group does not fill another's gap), without and with the plan "
            "(its lower demand and any staff it retains or adds). The plan's own staff is not "
            "split by subregion and is not subtracted here; the region's net is above.",
            "De fte die elke subregio tekortkomt, opgeteld over de personeelsgroepen met een "
            "tekort (een overschot in de ene groep vult het gat van een andere niet), zonder "
            "en met het plan (zijn lagere vraag en het personeel dat het behoudt of toevoegt). "
            "Het eigen personeel van het plan is niet per subregio verdeeld en hier niet "
            "afgetrokken; het saldo van de regio staat hierboven."),
      cs_ck_sized(560, 200, json_pack("[o]", bars)), vals, t);
}

/* ---- 2. with PSA: the spread of the NPV per stakeholder ---- */
static void npv_summary_rows(const cs_rdata *r, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT substr(s.metric, 5), s.mean, s.p2_5, s.p50, s.p97_5, p.probability FROM "
         "psa_summary s LEFT JOIN psa_probabilities p ON p.scenario = s.scenario AND p.what = "
         "'npv>0:' || substr(s.metric, 5) WHERE s.scenario = 'plan' AND s.metric LIKE 'npv:%' "
         "ORDER BY s.rowid");
  char c[5][64];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    for (int k = 0; k < 4; k++)
      cs_ck_fmt_e(c[k], sqlite3_column_double(q, k + 1), r->nl);
    cs_fmt_share(c[4], sizeof c[4],
                 sqlite3_column_type(q, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 5), 1,
                 r->nl);
    const char *cells[] = {cs_payer_label(r, cs_ck_text_col(q, 0)), c[0], c[1], c[2], c[3], c[4]};
    cs_ck_table_row(t, 6, cells);
  }
  sqlite3_finalize(q);
}

/* The draws (at most 2,000 a stakeholder, as the CE plane) in EUR mln. */
static void npv_draw_values(const cs_rdata *r, json_t *vals) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT substr(metric, 5), value FROM psa_draws WHERE scenario = 'plan' AND metric LIKE "
         "'npv:%' AND draw < 2000 ORDER BY rowid");
  while (q && sqlite3_step(q) == SQLITE_ROW)
    json_array_append_new(vals,
                          json_pack("{s:s, s:f}", "who", cs_payer_label(r, cs_ck_text_col(q, 0)),
                                    "mln", sqlite3_column_double(q, 1) / 1e6));
  sqlite3_finalize(q);
}

/* A histogram per stakeholder on one shared axis, so the rows compare: the draws that lose
 * money vermillion, those that gain green; the table gives the interval and P(NPV > 0). */
json_t *cs_chart_npv_draws(const cs_rdata *r) {
  if (!cs_rdata_has(r, "psa_draws") || !cs_rdata_has(r, "psa_summary")) return json_null();
  const char *cols[] = {cs_tr(r, "Stakeholder", "Partij"),
                        cs_tr(r, "Mean", "Gemiddelde"),
                        cs_tr(r, "2.5th percentile", "2,5e percentiel"),
                        cs_tr(r, "Median", "Mediaan"),
                        cs_tr(r, "97.5th percentile", "97,5e percentiel"),
                        cs_tr(r, "P(NPV > 0)", "P(NCW > 0)")};
  json_t *vals = json_array(), *t = cs_ck_table_new(6, cols);
  if (vals && t) {
    npv_summary_rows(r, t);
    npv_draw_values(r, vals);
  }
  const char *loss = cs_tr(r, "loses money", "verliest geld"),
             *gain = cs_tr(r, "gains money", "wint geld");
  char side[200];
  snprintf(side, sizeof side, "(datum.b0 + datum.b1) / 2 < 0 ? '%s' : '%s'", loss, gain);
  json_t *bars = json_pack(
      "{s:s, s:{s:{s:s, s:{s:b}, s:s, s:s}, s:{s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:{s:[ss],"
      " s:[ss]}, s:n}}}",
      "mark", "bar", "encoding", "x", "field", "b0", "bin", "binned", 1, "type", "quantitative",
      "title",
      cs_tr(r, "Net present value in a draw (EUR mln, discounted)",
            "Netto contante waarde in een trekking (EUR mln, contant gemaakt)"),
      "x2", "field", "b1", "y", "aggregate", "count", "type", "quantitative", "title",
      cs_tr(r, "Draws", "Trekkingen"), "color", "field", "side", "type", "nominal", "scale",
      "domain", loss, gain, "range", "#D55E00", "#009E73", "legend");
  json_t *spec =
      cs_ck_facet(vals, "who", 1, 520, 80, json_pack("[o, o]", bars, rule_datum("x", 0)), "y");
  json_object_set_new(spec, "transform",
                      json_pack("[{s:{s:i}, s:s, s:[ss]}, {s:s, s:s}]", "bin", "maxbins", 40,
                                "field", "mln", "as", "b0", "b1", "calculate", side, "as", "side"));
  return cs_ck_chart(
      "npv_draws", "business_case",
      cs_tr(r, "How sure is the NPV? Its spread per stakeholder",
            "Hoe zeker is de NCW? De spreiding per partij"),
      cs_tr(r,
            "Each bar counts the uncertainty draws with an NPV in its range, a row per "
            "stakeholder on one axis: vermillion where the stakeholder loses money, green where "
            "it gains. The table gives the 95 % interval and the probability of a positive NPV.",
            "Elke balk telt de onzekerheidstrekkingen met een NCW in dat bereik, een rij per "
            "partij op één as: oranjerood waar de partij geld verliest, groen waar ze wint. De "
            "tabel geeft het 95%-interval en de kans op een positieve NCW."),
      spec, vals, t);
}

/* ---- 9. with PSA: the tornado of the criteria and the QALYs ---- */
/* The panel of a metric: the criterion's label and unit, or QALYs. */
static void metric_panel(const cs_rdata *r, const char *metric, char *b, size_t n) {
  static const char *const units[][2] = {
      {"care_use", "%"}, {"patient_flows", "%"}, {"staff", "FTE"}, {"real_estate", "m²"}};
  const char *c = strchr(metric, ':');
  snprintf(b, n, "%s", cs_tr(r, "QALYs gained", "Gewonnen QALY's"));
  for (size_t k = 0; c && k < sizeof units / sizeof *units; k++)
    if (!strcmp(c + 1, units[k][0]))
      snprintf(b, n, "%s (%s)", cs_crit_label(r, c + 1), units[k][1]);
}

static void tornado_metric_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "WITH b AS (SELECT metric, value FROM psa_draws WHERE draw = 0 AND scenario = 'plan'), "
         "k AS (SELECT metric, parameter, low, high, rowid AS id, row_number() OVER (PARTITION "
         "BY metric ORDER BY abs(high - low) DESC, rowid) AS rk FROM tornado WHERE scenario = "
         "'plan' AND (metric LIKE 'criterion:%' OR metric = 'delta_qalys')) SELECT k.metric, "
         "k.parameter, k.low, k.high, b.value, k.rk FROM k JOIN b ON b.metric = k.metric "
         "WHERE k.rk <= 5 ORDER BY (SELECT min(id) FROM k k2 WHERE k2.metric = k.metric), k.rk");
  const char *end[] = {cs_tr(r, "Parameter at its low end", "Parameter op zijn lage waarde"),
                       cs_tr(r, "Parameter at its high end", "Parameter op zijn hoge waarde")};
  char panel[200], name[300], c[3][64], label[600];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    metric_panel(r, cs_ck_text_col(q, 0), panel, sizeof panel);
    cs_param_label(name, sizeof name, cs_ck_text_col(q, 1));
    double v[2] = {sqlite3_column_double(q, 2), sqlite3_column_double(q, 3)};
    double base = sqlite3_column_double(q, 4);
    for (int k = 0; k < 2; k++) {
      snprintf(label, sizeof label, "%s, %s, %s: %s", panel, name, end[k],
               cs_ck_fmt_n(c[k], v[k], 2, r->nl));
      json_array_append_new(vals,
                            json_pack("{s:s, s:s, s:i, s:s, s:f, s:f, s:s}", "metric", panel,
                                      "parameter", name, "rank", sqlite3_column_int(q, 5), "end",
                                      end[k], "from", base, "to", v[k], "label", label));
    }
    const char *cells[] = {panel, name, c[0], c[1], cs_ck_fmt_n(c[2], fabs(v[1] - v[0]), 2, r->nl)};
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

/* A small tornado per criterion (long term) and for the QALYs, each on its own scale: the
 * numbers an insurer would check first when a criterion is near its threshold. */
json_t *cs_chart_tornado_criteria(const cs_rdata *r) {
  if (!cs_rdata_has_rows(r, "tornado") || !cs_rdata_has(r, "psa_draws")) return json_null();
  const char *cols[] = {cs_tr(r, "Measure", "Maat"), cs_tr(r, "Parameter", "Parameter"),
                        cs_tr(r, "Parameter low", "Parameter laag"),
                        cs_tr(r, "Parameter high", "Parameter hoog"), cs_tr(r, "Swing", "Uitslag")};
  json_t *vals = json_array(), *t = cs_ck_table_new(5, cols);
  if (vals && t) tornado_metric_rows(r, vals, t);
  json_t *bars = json_pack("{s:s, s:{s:o, s:{s:s}, s:{s:s, s:s, s:{s:s}, s:n, s:{s:i}}, s:o, s:o}}",
                           "mark", "bar", "encoding", "x", cs_ck_enc("to", "quantitative", NULL),
                           "x2", "field", "from", "y", "field", "parameter", "type", "nominal",
                           "sort", "field", "rank", "title", "axis", "labelLimit", 260, "color",
                           cs_ck_enc_colour("end"), "tooltip", cs_ck_tip());
  json_object_set_new(json_object_get(json_object_get(bars, "encoding"), "x"), "scale",
                      json_pack("{s:b}", "zero", 0));
  json_t *base = json_pack("{s:{s:s, s:[ii], s:s}, s:{s:{s:s, s:s, s:s}}}", "mark", "type", "rule",
                           "strokeDash", 5, 4, "color", "#333", "encoding", "x", "field", "from",
                           "aggregate", "min", "type", "quantitative");
  json_t *spec = cs_ck_facet(vals, "metric", 1, 360, 110, json_pack("[o, o]", bars, base), "x");
  json_object_set_new(json_object_get(json_object_get(spec, "resolve"), "scale"), "y",
                      json_string("independent"));
  char title[200];
  snprintf(title, sizeof title, "%s (%d)",
           cs_tr(r, "Tornado per criterion: which numbers move it most",
                 "Tornado per criterium: welke getallen het meest bewegen"),
           r->long_year);
  return cs_ck_chart(
      "tornado_criteria", "psa", title,
      cs_tr(r,
            "A panel per criterion (long-term year) and for the QALYs gained: the five "
            "uncertain numbers with the widest swing; each bar runs from the value at the means "
            "(dashed line) to the value with that one number at its low or high end.",
            "Een paneel per criterium (jaar van de lange termijn) en voor de gewonnen QALY's: de "
            "vijf onzekere getallen met de grootste uitslag; elke balk loopt van de waarde bij "
            "de gemiddelden (stippellijn) naar de waarde met dat ene getal op zijn lage of hoge "
            "waarde."),
      spec, vals, t);
}

/* ---- 3. participants per subregion against the plan's milestones ---- */
/* The interventions whose "participants" are in some year more than half the population: an
 * intervention without targeted persons (staff retention, a region-wide service) counts everyone
 * it covers, which is coverage, not people reached. One query for all of them (a national plan's
 * tables have half a million rows; a query per intervention scanned them again each time); the
 * ids as the keys of a JSON object (NULL when the query fails: nothing marked). */
static json_t *covered_ivs(const cs_rdata *r) {
  sqlite3_stmt *q = NULL;
  json_t *ids = json_object();
  if (ids && sqlite3_prepare_v2(r->db,
                                "SELECT i.intervention FROM (SELECT intervention, year, "
                                "sum(participants) AS s FROM interventions WHERE scenario = "
                                "'plan' GROUP BY intervention, year) i JOIN (SELECT year, "
                                "sum(population) AS p FROM demography WHERE scenario = 'plan' "
                                "GROUP BY year) USING (year) GROUP BY i.intervention HAVING "
                                "max(s / p) > 0.5",
                                -1, &q, NULL) == SQLITE_OK)
    while (sqlite3_step(q) == SQLITE_ROW)
      json_object_set_new(ids, cs_ck_text_col(q, 0), json_true());
  sqlite3_finalize(q);
  return ids;
}

/* The panel of an intervention: its id, marked when covered_ivs has it. */
static void iv_panel(const cs_rdata *r, const json_t *covered, const char *iv, char *b, size_t n) {
  snprintf(b, n, json_object_get(covered, iv) ? "%s (%s)" : "%s", iv,
           cs_tr(r, "people covered", "gedekte inwoners"));
}

static void participant_sub_rows(const cs_rdata *r, const json_t *cov, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT i.intervention, i.year, a.subregion, sum(i.participants), min(i.rowid) FROM "
         "interventions i JOIN areas a ON a.area = i.area WHERE i.scenario = 'plan' GROUP BY "
         "i.intervention, i.year, a.subregion ORDER BY (SELECT min(rowid) FROM interventions j "
         "WHERE j.intervention = i.intervention AND j.scenario = 'plan'), i.year, min(a.rowid)");
  char y[16], n[64], label[400], last[200] = "", panel[260] = "";
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *id = cs_ck_text_col(q, 0), *sub = cs_ck_text_col(q, 2), *iv = panel;
    if (strcmp(id, last)) { /* rows come intervention by intervention */
      snprintf(last, sizeof last, "%s", id);
      iv_panel(r, cov, id, panel, sizeof panel);
    }
    int year = sqlite3_column_int(q, 1);
    double v = sqlite3_column_double(q, 3);
    snprintf(y, sizeof y, "%d", year);
    snprintf(label, sizeof label, "%s %d, %s: %s", iv, year, sub, cs_ck_fmt_n(n, v, 0, r->nl));
    json_array_append_new(vals, json_pack("{s:s, s:i, s:s, s:f, s:s, s:i}", "intervention", iv,
                                          "year", year, "subregion", sub, "n", v, "label", label,
                                          "milestone", 0));
    const char *cells[] = {iv, y, sub, n, ""};
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

/* The milestones of participants, as points on the region's total. */
static void milestone_rows(const cs_rdata *r, const json_t *cov, json_t *vals, json_t *t) {
  if (!cs_rdata_has(r, "milestones")) return;
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT m.intervention, m.year, m.target, (SELECT sum(participants) FROM interventions "
         "i WHERE i.scenario = 'plan' AND i.intervention = m.intervention AND i.year = m.year) "
         "FROM milestones m WHERE m.indicator = 'participants' ORDER BY m.rowid");
  const char *what = cs_tr(r, "milestone", "mijlpaal"), *all = cs_tr(r, "Region", "Regio");
  char y[16], n[64], p[64], label[400];
  char iv[260];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    iv_panel(r, cov, cs_ck_text_col(q, 0), iv, sizeof iv);
    int year = sqlite3_column_int(q, 1);
    double v = sqlite3_column_double(q, 2), plan = sqlite3_column_double(q, 3);
    snprintf(y, sizeof y, "%d", year);
    cs_ck_fmt_n(p, plan, 0, r->nl);
    snprintf(label, sizeof label, "%s, %s %d: %s (%s %s)", iv, what, year,
             cs_ck_fmt_n(n, v, 0, r->nl),
             cs_tr(r, "the plan's projection", "projectie van het plan"), p);
    json_array_append_new(vals, json_pack("{s:s, s:i, s:f, s:s, s:i}", "intervention", iv, "year",
                                          year, "n", v, "label", label, "milestone", 1));
    char sub[200];
    snprintf(sub, sizeof sub, "%s (%s)", all, what);
    const char *cells[] = {iv, y, sub, p, n};
    cs_ck_table_row(t, 5, cells);
  }
  sqlite3_finalize(q);
}

/* A panel per intervention: its participants stacked by subregion (each subregion has its
 * own start and pace) with the milestones the plan promised as black diamonds on the total. */
json_t *cs_chart_participants_sub(const cs_rdata *r) {
  if (!cs_rdata_has(r, "interventions") || !cs_rdata_has(r, "areas")) return json_null();
  const char *cols[] = {cs_tr(r, "Intervention", "Interventie"), cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Subregion", "Subregio"), cs_tr(r, "Participants", "Deelnemers"),
                        cs_tr(r, "Milestone", "Mijlpaal")};
  json_t *vals = json_array(), *t = cs_ck_table_new(5, cols);
  if (vals && t) {
    json_t *cov = covered_ivs(r);
    participant_sub_rows(r, cov, vals, t);
    milestone_rows(r, cov, vals, t);
    json_decref(cov);
  }
  json_t *area =
      json_pack("{s:[{s:s}], s:{s:s, s:f}, s:{s:o, s:o, s:o, s:o, s:o}}", "transform", "filter",
                "datum.milestone == 0", "mark", "type", "area", "opacity", 0.85, "encoding", "x",
                cs_ck_x_year(r), "y", cs_ck_enc("n", "quantitative", NULL), "color",
                cs_ck_enc_colour("subregion"), "order", json_pack("{s:s}", "field", "subregion"),
                "tooltip", cs_ck_tip());
  json_object_set_new(json_object_get(json_object_get(area, "encoding"), "y"), "stack",
                      json_string("zero"));
  json_t *ms =
      json_pack("{s:[{s:s}], s:{s:s, s:s, s:i, s:s, s:b}, s:{s:o, s:o, s:o}}", "transform",
                "filter", "datum.milestone == 1", "mark", "type", "point", "shape", "diamond",
                "size", 120, "color", "#000000", "filled", 1, "encoding", "x", cs_ck_x_year(r), "y",
                cs_ck_enc("n", "quantitative", NULL), "tooltip", cs_ck_tip());
  return cs_ck_chart(
      "participants", "themes",
      cs_tr(r, "Participants per intervention and subregion, against the milestones",
            "Deelnemers per interventie en subregio, tegen de mijlpalen"),
      cs_tr(r,
            "Each panel is one intervention: the people taking part in a year, stacked by "
            "subregion; a black diamond is a milestone the plan promised for the whole region. "
            "Each panel has its own scale. An intervention without targeted persons (staff "
            "retention, a region-wide service) counts everyone it covers: its panel says "
            "\"people covered\"; that is coverage, not people reached.",
            "Elk paneel is één interventie: de deelnemers in een jaar, gestapeld per subregio; "
            "een zwarte ruit is een mijlpaal die het plan voor de hele regio beloofde. Elk "
            "paneel heeft een eigen schaal. Een interventie zonder doelgroep (behoud van "
            "personeel, een dienst voor de hele regio) telt iedereen die zij dekt: haar paneel "
            "zegt \"gedekte inwoners\"; dat is dekking, geen bereikte mensen."),
      cs_ck_facet(vals, "intervention", 3, 220, 120, json_pack("[o, o]", area, ms), "y"), vals, t);
}

/* ---- 4. the share aged 75+ per subregion ---- */
static void share75_sub_rows(const cs_rdata *r, json_t *vals, json_t *t) {
  sqlite3_stmt *q = cs_rdata_query(
      r, "SELECT a.subregion, p.year, sum(CASE WHEN p.age >= 75 THEN p.count ELSE 0 END) / "
         "sum(p.count), min(a.rowid) AS o FROM population p JOIN areas a ON a.area = p.area "
         "WHERE p.scenario = 'plan' GROUP BY a.subregion, p.year UNION ALL SELECT NULL, year, "
         "sum(CASE WHEN age >= 75 THEN count ELSE 0 END) / sum(count), 1e18 FROM population "
         "WHERE scenario = 'plan' GROUP BY year ORDER BY 4, 2");
  char y[16], p[64], label[400];
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    const char *sub = sqlite3_column_type(q, 0) == SQLITE_NULL ? cs_tr(r, "Region", "Regio")
                                                               : cs_ck_text_col(q, 0);
    int year = sqlite3_column_int(q, 1);
    double v = sqlite3_column_double(q, 2);
    snprintf(y, sizeof y, "%d", year);
    cs_fmt_share(p, sizeof p, v, 1, r->nl);
    snprintf(label, sizeof label, "%s %d: %s", sub, year, p);
    json_array_append_new(vals, json_pack("{s:s, s:i, s:f, s:s}", "subregion", sub, "year", year,
                                          "pct", 100 * v, "label", label));
    const char *cells[] = {sub, y, p};
    cs_ck_table_row(t, 3, cells);
  }
  sqlite3_finalize(q);
}

/* A line per subregion and the region: where the ageing goes fastest, each at its own pace. */
json_t *cs_chart_share75_sub(const cs_rdata *r) {
  if (!cs_rdata_has(r, "population") || !cs_rdata_has(r, "areas")) return json_null();
  const char *cols[] = {cs_tr(r, "Subregion", "Subregio"), cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Share aged 75+", "Aandeel 75+")};
  json_t *vals = json_array(), *t = cs_ck_table_new(3, cols);
  if (vals && t) share75_sub_rows(r, vals, t);
  json_t *y = cs_ck_field_q("pct", cs_tr(r, "Share aged 75+ (%)", "Aandeel 75-plussers (%)"));
  json_object_set_new(y, "scale", json_pack("{s:b}", "zero", 0));
  json_t *line = cs_ck_lines(cs_ck_x_year(r), y, cs_ck_enc_colour("subregion"), cs_ck_tip());
  return cs_ck_chart("share75_subregion", "population",
                     cs_tr(r, "Share of people aged 75 and over, per subregion",
                           "Aandeel mensen van 75 jaar en ouder, per subregio"),
                     cs_tr(r,
                           "A line per subregion and one for the whole region: the share of "
                           "inhabitants aged 75 or over on 1 January, with the plan.",
                           "Een lijn per subregio en één voor de hele regio: het aandeel "
                           "inwoners van 75 jaar of ouder op 1 januari, met het plan."),
                     cs_ck_sized(560, 260, json_pack("[o]", line)), vals, t);
}
