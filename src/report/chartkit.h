/* chartkit.h (private to report/): the building blocks of the charts. A chart is built in
 * charts.c or charts_more.c from these, so every chart has the same palette, fonts, tooltips
 * and table of numbers. */
#ifndef CS_REPORT_CHARTKIT_H
#define CS_REPORT_CHARTKIT_H

#include "report.h"

/* A chart object {"id", "section", "title", "guide", "spec", "table"}: sets the spec's title,
 * inline data (values) and config; steals spec, values and table; NULL when one is NULL. */
json_t *cs_ck_chart(const char *id, const char *section, const char *title, const char *guide,
                    json_t *spec, json_t *values, json_t *table);
/* {"columns": [...], "rows": []} with n column titles; a row of n formatted cells. */
json_t *cs_ck_table_new(int n, const char *const *cols);
void cs_ck_table_row(json_t *t, int n, const char *const *cells);
/* Column i of the current row as text ("" for NULL). */
const char *cs_ck_text_col(sqlite3_stmt *q, int i);

/* Encodings: a quantitative field; any field (a nominal one keeps the data's order); a colour
 * with its legend on top; years on a continuous axis and as bands; the tooltip of "label". */
json_t *cs_ck_field_q(const char *f, const char *title);
json_t *cs_ck_enc(const char *f, const char *type, const char *title);
json_t *cs_ck_enc_colour(const char *f);
json_t *cs_ck_x_year(const cs_rdata *r);
json_t *cs_ck_x_year_band(const cs_rdata *r);
json_t *cs_ck_tip(void);

/* Layers: a dashed rule at v on "x" or "y"; a line per colour; horizontal bars per y with a
 * bar per colour; a chart of width w and height h with the layers; green/vermillion by sign. */
json_t *cs_ck_rule_at(const char *axis, double v);
json_t *cs_ck_lines(json_t *x, json_t *y, json_t *colour, json_t *tooltip);
json_t *cs_ck_hbars(json_t *x, const char *y, const char *ytitle, const char *colour);
json_t *cs_ck_sized(int w, int h, json_t *layer);
json_t *cs_ck_sign_colour(const char *f);

/* A facet of small charts, one per value of field in the order of vals (columns across), each
 * w x h with the layers, the axis resolve_axis ("x" or "y") scaled per panel (charts_more.c). */
json_t *cs_ck_facet(const json_t *vals, const char *field, int columns, int w, int h,
                    json_t *layers, const char *resolve_axis);

/* v formatted into b (64 bytes) for the language: a number with dec decimals; euros. */
const char *cs_ck_fmt_n(char *b, double v, int dec, int nl);
const char *cs_ck_fmt_e(char *b, double v, int nl);
/* A tornado parameter's path "themes[T].interventions[I].rest" as "I: rest". */
void cs_param_label(char *b, size_t n, const char *p);

#endif
