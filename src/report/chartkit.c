/* chartkit.c: the building blocks every chart of charts.c and charts_more.c is made of: the
 * chart object, its table of numbers, encodings, marks and the palette. */
#include "chartkit.h"

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
json_t *cs_ck_chart(const char *id, const char *section, const char *title, const char *guide,
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
json_t *cs_ck_table_new(int n, const char *const *cols) {
  json_t *c = json_array();
  for (int i = 0; c && i < n; i++)
    json_array_append_new(c, json_string(cols[i]));
  return json_pack("{s:o, s:[]}", "columns", c, "rows");
}

/* Appends a row of n formatted cells. */
void cs_ck_table_row(json_t *t, int n, const char *const *cells) {
  json_t *row = json_array();
  for (int i = 0; row && i < n; i++)
    json_array_append_new(row, json_string(cells[i]));
  json_array_append_new(json_object_get(t, "rows"), row);
}

const char *cs_ck_text_col(sqlite3_stmt *q, int i) {
  const unsigned char *s = sqlite3_column_text(q, i);
  return s ? (const char *)s : "";
}

/* {"field": f, "type": "quantitative", "title": title}. */
json_t *cs_ck_field_q(const char *f, const char *title) {
  return json_pack("{s:s, s:s, s:s}", "field", f, "type", "quantitative", "title", title);
}

/* A dashed line at v on the axis ("x" or "y"), as a layer with its own one-row data. */
json_t *cs_ck_rule_at(const char *axis, double v) {
  return json_pack("{s:{s:[{s:f}]}, s:{s:s, s:[ii], s:s}, s:{s:{s:s, s:s}}}", "data", "values", "v",
                   v, "mark", "type", "rule", "strokeDash", 5, 4, "color", "#333", "encoding", axis,
                   "field", "v", "type", "quantitative");
}

/* {"field", "type", "title"}; a nominal field keeps the data's order (sort: null), so the
 * order is the one the query chose and not the alphabet's. */
json_t *cs_ck_enc(const char *f, const char *type, const char *title) {
  json_t *e = json_pack("{s:s, s:s}", "field", f, "type", type);
  json_object_set_new(e, "title", title ? json_string(title) : json_null());
  if (!strcmp(type, "nominal")) json_object_set_new(e, "sort", json_null());
  return e;
}

/* A colour channel with its legend on top, where the eye starts. */
json_t *cs_ck_enc_colour(const char *f) {
  json_t *e = cs_ck_enc(f, "nominal", NULL);
  json_object_set_new(
      e, "legend",
      json_pack("{s:s, s:i, s:i}", "orient", "top", "labelFontSize", 13, "labelLimit", 0));
  return e;
}

/* Years as 2024, not 2,024, one tick per year at most. */
json_t *cs_ck_x_year(const cs_rdata *r) {
  json_t *e = cs_ck_enc("year", "quantitative", cs_tr(r, "Year", "Jaar"));
  json_object_set_new(e, "axis", json_pack("{s:s, s:i}", "format", "d", "tickMinStep", 1));
  json_object_set_new(e, "scale", json_pack("{s:b}", "zero", 0));
  return e;
}

/* Years as bands, for bars: a bar per year as wide as the year. */
json_t *cs_ck_x_year_band(const cs_rdata *r) {
  json_t *e = cs_ck_enc("year", "ordinal", cs_tr(r, "Year", "Jaar"));
  json_object_set_new(e, "axis", json_pack("{s:i}", "labelAngle", 0));
  return e;
}

/* The tooltip: the point's "label", a sentence that names what it is and its value in the
 * language's format (a tooltip of raw fields would show 44291919). */
json_t *cs_ck_tip(void) { return json_pack("{s:s, s:s}", "field", "label", "type", "nominal"); }

/* A line per colour over the years. */
json_t *cs_ck_lines(json_t *x, json_t *y, json_t *colour, json_t *tooltip) {
  return json_pack("{s:{s:s, s:b, s:i}, s:{s:o, s:o, s:o, s:o}}", "mark", "type", "line", "point",
                   1, "strokeWidth", 3, "encoding", "x", x, "y", y, "color", colour, "tooltip",
                   tooltip);
}

/* Horizontal bars: one row per y, one bar per colour within it (yOffset). */
json_t *cs_ck_hbars(json_t *x, const char *y, const char *ytitle, const char *colour) {
  json_t *enc_ = json_pack("{s:o, s:o, s:o}", "x", x, "y", cs_ck_enc(y, "nominal", ytitle),
                           "tooltip", cs_ck_tip());
  if (colour) {
    json_object_set_new(enc_, "yOffset", cs_ck_enc(colour, "nominal", NULL));
    json_object_set_new(enc_, "color", cs_ck_enc_colour(colour));
  }
  return json_pack("{s:{s:s, s:i}, s:o}", "mark", "type", "bar", "cornerRadiusEnd", 2, "encoding",
                   enc_);
}

/* A chart with one layer (or layers) and a size. */
json_t *cs_ck_sized(int w, int h, json_t *layer) {
  return json_pack("{s:i, s:i, s:o}", "width", w, "height", h, "layer", layer);
}

/* Bars green where a contribution is a gain, vermillion where it is a loss (Okabe-Ito). */
json_t *cs_ck_sign_colour(const char *f) {
  char test[64];
  snprintf(test, sizeof test, "datum.%s < 0", f);
  return json_pack("{s:{s:s, s:s}, s:s}", "condition", "test", test, "value", "#D55E00", "value",
                   "#009E73");
}

const char *cs_ck_fmt_n(char *b, double v, int dec, int nl) {
  cs_fmt_num(b, 64, v, dec, nl);
  return b;
}

const char *cs_ck_fmt_e(char *b, double v, int nl) {
  cs_fmt_eur(b, 64, v, nl);
  return b;
}

/* "themes[T].interventions[I].rest" as "I: rest"; the plan's own paths otherwise. */
void cs_param_label(char *b, size_t n, const char *p) {
  const char *i = strstr(p, "interventions["), *e = i ? strchr(i, ']') : NULL;
  if (!i || !e || e[1] != '.') {
    snprintf(b, n, "%s", p);
    return;
  }
  i += strlen("interventions[");
  snprintf(b, n, "%.*s: %s", (int)(e - i), i, e + 2);
}
