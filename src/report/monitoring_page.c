/* monitoring_page.c: the monitoring section of report.html and its charts, which the dashboard
 * serves too (GET /api/monitoring): a chart per indicator with actuals, a panel per place, the
 * planned trajectory with its PSA band and the realised points drawn over it, each point's
 * status said in words and by its shape as well as its colour. */
#include "monitoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *code, *en, *nl, *sign, *colour, *shape;
} STATUS[] = {{"ahead", "ahead", "voor op schema", "▲", "#0072B2", "triangle-up"},
              {"on_track", "on track", "op schema", "●", "#009E73", "circle"},
              {"behind", "behind", "achter", "▼", "#E69F00", "triangle-down"},
              {"off_track", "off track", "uit koers", "✗", "#D55E00", "cross"},
              {"differs", "differs", "wijkt af", "≠", "#CC79A7", "square"},
              {"no_actuals", "no actuals", "geen realisatie", "○", "#777777", "circle"},
              {"no_plan", "no plan", "geen plan", "?", "#777777", "circle"},
              {"", "no status", "geen status", "–", "#777777", "circle"}};
#define NSTATUS (sizeof STATUS / sizeof *STATUS)

static size_t status_ix(const char *code) {
  for (size_t i = 0; i < NSTATUS; i++)
    if (!strcmp(STATUS[i].code, code)) return i;
  return NSTATUS - 1;
}

const char *cs_rmon_status_label(const char *status, int nl) {
  size_t i = status_ix(status);
  return nl ? STATUS[i].nl : STATUS[i].en;
}

/* ---- words ---- */

/* "participants:acp" as "Participants acp" / "Deelnemers acp", and its unit. */
void cs_rmon_indicator_label(const cs_rdata *r, const char *ind, char *b, size_t n, char *unit,
                             size_t un) {
  static const struct {
    const char *kind, *en, *nl, *uen, *unl;
  } K[] = {{"participants", "Participants", "Deelnemers", "persons", "personen"},
           {"units", "Care use:", "Zorggebruik:", "", ""},
           {"cost", "Care cost", "Zorgkosten", "EUR", "EUR"},
           {"fte_demand", "Staff demand", "Personeelsvraag", "FTE", "FTE"},
           {"supply_fte", "Staff supply", "Personeelsaanbod", "FTE", "FTE"},
           {"population", "Population", "Inwoners", "persons", "inwoners"}};
  const char *colon = strchr(ind, ':'), *obj = colon ? colon + 1 : "";
  size_t klen = colon ? (size_t)(colon - ind) : strlen(ind);
  snprintf(b, n, "%s", ind);
  snprintf(unit, un, "%s", "");
  for (size_t i = 0; i < sizeof K / sizeof *K; i++) {
    if (strlen(K[i].kind) != klen || strncmp(K[i].kind, ind, klen)) continue;
    const char *what = !strcmp(K[i].kind, "units")  ? cs_sector_label(r, obj)
                       : !strcmp(K[i].kind, "cost") ? cs_payer_label(r, obj)
                       : strstr(K[i].kind, "fte")   ? cs_group_label(r, obj)
                                                    : obj;
    snprintf(b, n, "%s%s%s", cs_tr(r, K[i].en, K[i].nl), *what ? " " : "", what);
    snprintf(unit, un, "%s", cs_tr(r, K[i].uen, K[i].unl));
  }
  if (!strncmp(ind, "units:", 6)) { /* the sector's own unit, from the run's sectors table */
    sqlite3_stmt *q = cs_rdata_query(r, "SELECT unit FROM sectors WHERE sector = ?1");
    if (q && sqlite3_bind_text(q, 1, obj, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
      snprintf(unit, un, "%s", cs_ck_text_col(q, 0));
    sqlite3_finalize(q);
  }
}

static const char *place_label(const cs_rdata *r, const cs_monitor_row *w) {
  if (!strcmp(w->level, "region")) return cs_tr(r, "Region", "Regio");
  return *w->name ? w->name : w->place;
}

/* ---- numbers as `careshift monitor status` prints them (cs_mon_decimals) ---- */

int cs_rmon_widened(const cs_monitor_row *w) {
  return isfinite(w->band_used_low) && isfinite(w->band_used_high) &&
         (w->band_used_low != w->low || w->band_used_high != w->high);
}

/* As monitor status prints them: whole numbers from 100 up, else one decimal; "–" for none. */
static const char *fmt_v(char *b, double v, int nl) {
  if (!isfinite(v)) return strcpy(b, "–");
  cs_fmt_num(b, 64, v, cs_mon_default_prec(v), nl);
  return b;
}

/* v with dec decimals; "–" for none. */
static const char *fmt_d(char *b, double v, int dec, int nl) {
  if (!isfinite(v)) return strcpy(b, "–");
  cs_fmt_num(b, 64, v, dec, nl);
  return b;
}

/* The band used, "13.260,7 – 14.656,6*" (the mark when a side was widened), into b (n >= 160);
 * "" without a band. */
static const char *band_text(char *b, size_t n, const cs_monitor_row *w, int nl) {
  char lo[64], hi[64];
  cs_mon_dec d;
  b[0] = '\0';
  if (!isfinite(w->band_used_low) || !isfinite(w->band_used_high)) return b;
  cs_mon_decimals(w, &d);
  snprintf(b, n, "%s – %s%s", fmt_d(lo, w->band_used_low, d.band, nl),
           fmt_d(hi, w->band_used_high, d.band, nl), cs_rmon_widened(w) ? "*" : "");
  return b;
}

/* "yes", "no" in the language; "–" for no verdict on a milestone. */
static const char *met_word(const cs_rdata *r, const char *met) {
  if (met && !strcmp(met, "yes")) return cs_tr(r, "yes", "ja");
  if (met && !strcmp(met, "no")) return cs_tr(r, "no", "nee");
  return "–";
}

void cs_rmon_note(const cs_rmon *m, int nl, char *b, size_t n) {
  const char *p = m->plan_path ? m->plan_path : "";
  if (m->band_draws > 0)
    snprintf(b, n,
             nl ? "De band is het 95%%-interval van de PSA, opnieuw berekend uit de %d "
                  "trekkingen van de run met het plan %s (ongewijzigd sinds de run)."
                : "The band is the PSA's 95 %% interval, made again from the run's %d draws "
                  "with the plan %s (unchanged since the run).",
             m->band_draws, p);
  else if (m->plan_state == CS_RMON_PLAN_MISSING || m->plan_state == CS_RMON_PLAN_UNKNOWN)
    snprintf(b, n,
             nl ? "Zonder band en zonder status: results.db noemt het plan '%s', maar dat is hier "
                  "niet te lezen. Maak het rapport opnieuw waar het plan staat, of gebruik "
                  "careshift monitor status PLAN --dir DIR."
                : "No band and no status: results.db names the plan '%s', which cannot be read "
                  "here. Make the report again where the plan is, or use careshift monitor "
                  "status PLAN --dir DIR.",
             p);
  else if (m->plan_state == CS_RMON_PLAN_CHANGED && m->run_draws > 0)
    snprintf(b, n,
             nl ? "Zonder band: het plan %s is veranderd sinds de run (checksum %s, nu %s), dus "
                  "de %d trekkingen zijn niet opnieuw te maken; de status volgt de regels van "
                  "5%% en 20%%."
                : "No band: the plan %s changed since the run (checksum %s, now %s), so its %d "
                  "draws cannot be made again; the status follows the 5 %% and 20 %% rules.",
             p, m->run_sum, m->plan_sum ? m->plan_sum : "?", m->run_draws);
  else if (m->run_draws > 0)
    snprintf(b, n,
             nl ? "Zonder band: de trekkingen van de run waren niet opnieuw te maken (zie de "
                  "waarschuwingen); de status volgt de regels van 5%% en 20%%."
                : "No band: the run's draws could not be made again (see the warnings); the "
                  "status follows the 5 %% and 20 %% rules.");
  else
    snprintf(b, n,
             nl ? "Zonder band: de run heeft geen PSA (careshift run --draws N); de status volgt "
                  "de regels van 5%% en 20%%."
                : "No band: the run has no PSA (careshift run --draws N); the status follows "
                  "the 5 %% and 20 %% rules.");
}

/* ---- the charts ---- */

/* Whether w is a panel of its indicator: a place with a realised value or a milestone, and
 * areas only when the indicator has nothing above them (sixteen municipalities' panels would
 * bury the region's). */
static int is_panel(const cs_rmon *m, const cs_monitor_row *w) {
  if (!isfinite(w->realised) && !isfinite(w->target)) return 0;
  if (strcmp(w->level, "area")) return 1;
  for (size_t i = 0; i < cs_rmon_count(m); i++) {
    const cs_monitor_row *o = cs_rmon_row(m, i);
    if (!strcmp(o->indicator, w->indicator) && strcmp(o->level, "area") &&
        (isfinite(o->realised) || isfinite(o->target)))
      return 0;
  }
  return 1;
}

/* The first row of each panel of ind, the region first, in rows' order; count in *n. */
static size_t panels(const cs_rmon *m, const char *ind, const cs_monitor_row **out, size_t max) {
  size_t n = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < cs_rmon_count(m) && n < max; i++) {
      const cs_monitor_row *w = cs_rmon_row(m, i);
      int region = !strcmp(w->level, "region");
      if (strcmp(w->indicator, ind) || region != (pass == 0) || !is_panel(m, w)) continue;
      int seen = 0;
      for (size_t k = 0; k < n && !seen; k++)
        seen = !strcmp(out[k]->place, w->place);
      if (!seen) out[n++] = w;
    }
  return n;
}

static void add_value(json_t *vals, const char *panel, int year, const char *what, double v,
                      const char *label) {
  json_array_append_new(vals, json_pack("{s:s, s:i, s:s, s:f, s:s}", "panel", panel, "year", year,
                                        "what", what, "v", v, "label", label));
}

/* The row of ind at place p in year y, or NULL. */
static const cs_monitor_row *row_at(const cs_rmon *m, const cs_monitor_row *p, int y) {
  for (size_t i = 0; i < cs_rmon_count(m); i++) {
    const cs_monitor_row *w = cs_rmon_row(m, i);
    if (w->year == y && !strcmp(w->indicator, p->indicator) && !strcmp(w->place, p->place))
      return w;
  }
  return NULL;
}

/* What was realised (and the band and milestone) in one year of a panel. */
static void year_marks(const cs_rdata *r, const cs_monitor_row *w, const char *panel,
                       json_t *vals) {
  char a[64], c[64], label[400], band[160];
  if (isfinite(w->band_used_low) && isfinite(w->band_used_high)) {
    /* the band the status was judged on: the PSA band, a side closer to planned than 5 %
     * widened to planned -/+ 5 % */
    snprintf(label, sizeof label, "%s %d: %s %s%s", panel, w->year,
             cs_tr(r, "band (PSA 95 %)", "band (PSA 95%)"), band_text(band, sizeof band, w, r->nl),
             cs_rmon_widened(w) ? cs_tr(r, " widened to planned ±5 %", " verbreed tot gepland ±5%")
                                : "");
    json_array_append_new(vals, json_pack("{s:s, s:i, s:s, s:f, s:f, s:s}", "panel", panel, "year",
                                          w->year, "what", "band", "lo", w->band_used_low, "hi",
                                          w->band_used_high, "label", label));
  }
  if (isfinite(w->target)) {
    snprintf(label, sizeof label, "%s %d: %s %s", panel, w->year, cs_tr(r, "milestone", "mijlpaal"),
             fmt_v(a, w->target, r->nl));
    add_value(vals, panel, w->year, "target", w->target, label);
  }
  if (isfinite(w->realised)) {
    size_t s = status_ix(w->status);
    const char *st = r->nl ? STATUS[s].nl : STATUS[s].en;
    cs_mon_dec d;
    cs_mon_decimals(w, &d);
    snprintf(label, sizeof label, "%s %d: %s %s (%s %s), %s", panel, w->year,
             cs_tr(r, "realised", "gerealiseerd"), fmt_d(a, w->realised, d.realised, r->nl),
             cs_tr(r, "planned", "gepland"), fmt_v(c, w->planned, r->nl), st);
    json_array_append_new(vals, json_pack("{s:s, s:i, s:s, s:f, s:s, s:s, s:s}", "panel", panel,
                                          "year", w->year, "what", "realised", "v", w->realised,
                                          "status", w->status, "st", st, "label", label));
  }
}

/* A panel's "show numbers" row of one year. */
static void table_row(const cs_rdata *r, json_t *t, const char *panel, int y, double plan,
                      const cs_monitor_row *w) {
  char ys[16], p[64], band[160] = "", re[64] = "", ms[64] = "";
  snprintf(ys, sizeof ys, "%d", y);
  if (w) band_text(band, sizeof band, w, r->nl);
  if (w && isfinite(w->realised)) {
    cs_mon_dec d;
    cs_mon_decimals(w, &d);
    fmt_d(re, w->realised, d.realised, r->nl);
  }
  if (w && isfinite(w->target)) fmt_v(ms, w->target, r->nl);
  const char *cells[] = {panel,
                         ys,
                         fmt_v(p, plan, r->nl),
                         band,
                         re,
                         ms,
                         w && isfinite(w->realised) ? cs_rmon_status_label(w->status, r->nl) : ""};
  cs_ck_table_row(t, 7, cells);
}

/* A panel: the planned trajectory (the row's own planned value where there is a row, so the
 * chart and the table agree to the last digit), then the marks of the years with rows. */
static void panel_values(const cs_rmon *m, const cs_rdata *r, const cs_monitor_row *p, json_t *vals,
                         json_t *t) {
  const char *panel = place_label(r, p);
  double *traj = cs_rmon_trajectory(r, p->indicator, p->level, p->place);
  char a[64], label[400];
  for (int y = r->first_year; traj && y <= r->last_year; y++) {
    const cs_monitor_row *w = row_at(m, p, y);
    double v = w && isfinite(w->planned) ? w->planned : traj[y - r->first_year];
    if (w) year_marks(r, w, panel, vals);
    if (!isfinite(v)) continue;
    snprintf(label, sizeof label, "%s %d: %s %s", panel, y, cs_tr(r, "planned", "gepland"),
             fmt_v(a, v, r->nl));
    add_value(vals, panel, y, "planned", v, label);
    table_row(r, t, panel, y, v, w);
  }
  cs_free(traj);
}

/* The colour, shape and legend of the statuses: fixed, so a status looks the same in every
 * chart, and a shape besides the colour. */
static json_t *status_scale(const cs_rdata *r, const char *channel) {
  json_t *dom = json_array(), *range = json_array();
  for (size_t i = 0; i < 5; i++) { /* the statuses a realised value can have */
    json_array_append_new(dom, json_string(r->nl ? STATUS[i].nl : STATUS[i].en));
    json_array_append_new(
        range, json_string(!strcmp(channel, "color") ? STATUS[i].colour : STATUS[i].shape));
  }
  json_t *e = cs_ck_enc("st", "nominal", cs_tr(r, "Realised", "Gerealiseerd"));
  json_object_set_new(e, "scale", json_pack("{s:o, s:o}", "domain", dom, "range", range));
  json_object_set_new(e, "legend", json_pack("{s:s, s:i}", "orient", "top", "labelFontSize", 13));
  return e;
}

static json_t *filtered(const char *what, json_t *mark, json_t *enc) {
  char test[64];
  snprintf(test, sizeof test, "datum.what == '%s'", what);
  return json_pack("{s:[{s:s}], s:o, s:o}", "transform", "filter", test, "mark", mark, "encoding",
                   enc);
}

static json_t *y_v(const char *f, const char *title) {
  json_t *e = cs_ck_enc(f, "quantitative", title);
  json_object_set_new(e, "scale", json_pack("{s:b}", "zero", 0));
  return e;
}

static json_t *layers(const cs_rdata *r, const char *unit) {
  json_t *line = filtered(
      "planned", json_pack("{s:s, s:s, s:i}", "type", "line", "color", "#0072B2", "strokeWidth", 2),
      json_pack("{s:o, s:o, s:o}", "x", cs_ck_x_year(r), "y", y_v("v", unit), "tooltip",
                cs_ck_tip()));
  json_t *band =
      filtered("band",
               json_pack("{s:s, s:s, s:i, s:f}", "type", "rule", "color", "#56B4E9", "strokeWidth",
                         9, "opacity", 0.6),
               json_pack("{s:o, s:o, s:o, s:o}", "x", cs_ck_x_year(r), "y", y_v("lo", unit), "y2",
                         json_pack("{s:s}", "field", "hi"), "tooltip", cs_ck_tip()));
  json_t *target = filtered("target",
                            json_pack("{s:s, s:s, s:i, s:s, s:b}", "type", "point", "shape",
                                      "diamond", "size", 120, "color", "#000000", "filled", 1),
                            json_pack("{s:o, s:o, s:o}", "x", cs_ck_x_year(r), "y", y_v("v", unit),
                                      "tooltip", cs_ck_tip()));
  json_t *dot =
      filtered("realised",
               json_pack("{s:s, s:b, s:i, s:s, s:f, s:f}", "type", "point", "filled", 1, "size",
                         140, "stroke", "#000000", "strokeWidth", 0.8, "opacity", 1.0),
               json_pack("{s:o, s:o, s:o, s:o, s:o}", "x", cs_ck_x_year(r), "y", y_v("v", unit),
                         "color", status_scale(r, "color"), "shape", status_scale(r, "shape"),
                         "tooltip", cs_ck_tip()));
  json_t *word = filtered("realised",
                          json_pack("{s:s, s:i, s:i, s:s, s:i, s:s}", "type", "text", "dy", -11,
                                    "fontSize", 11, "fontWeight", "bold", "dx", 8, "align", "left"),
                          json_pack("{s:o, s:o, s:{s:s}}", "x", cs_ck_x_year(r), "y",
                                    y_v("v", unit), "text", "field", "st"));
  return json_pack("[o, o, o, o, o]", line, band, target, dot, word);
}

/* An id usable in an HTML id and a CSS selector: "participants:acp" -> "monitoring-
 * participants-acp". */
static void chart_id(const char *ind, char *b, size_t n) {
  int k = snprintf(b, n, "monitoring-");
  for (const char *s = ind; *s && (size_t)k + 1 < n; s++)
    b[k++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                     *s == '_' || *s == '-'
                 ? *s
                 : '-';
  b[k] = '\0';
}

static json_t *indicator_chart(const cs_rmon *m, const cs_rdata *r, const char *ind) {
  const cs_monitor_row *p[64];
  size_t np = panels(m, ind, p, 64);
  char label[200], unit[80], title[300], id[200];
  cs_rmon_indicator_label(r, ind, label, sizeof label, unit, sizeof unit);
  const char *cols[] = {cs_tr(r, "Place", "Plaats"),          cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Planned", "Gepland"),       cs_tr(r, "Band (95 %)", "Band (95%)"),
                        cs_tr(r, "Realised", "Gerealiseerd"), cs_tr(r, "Milestone", "Mijlpaal"),
                        cs_tr(r, "Status", "Status")};
  json_t *vals = json_array(), *t = cs_ck_table_new(7, cols);
  for (size_t i = 0; vals && t && i < np; i++)
    panel_values(m, r, p[i], vals, t);
  snprintf(title, sizeof title, "%s: %s", label,
           cs_tr(r, "planned against realised", "gepland tegen gerealiseerd"));
  chart_id(ind, id, sizeof id);
  json_t *spec = cs_ck_facet(vals, "panel", 3, 230, 150, layers(r, unit), "y");
  return cs_ck_chart(
      id, "monitoring", title,
      cs_tr(r,
            "A panel per place: the line is what the plan projects (the run's plan scenario), the "
            "light-blue bar the band the status is judged on where there is one (the PSA 95 % "
            "band, widened to planned ±5 % where it is narrower: marked * in the table), a dot "
            "what was realised with its status in words, shape and colour, and a black diamond "
            "a milestone.",
            "Een paneel per plaats: de lijn is wat het plan projecteert (het plan-scenario van "
            "de run), de lichtblauwe balk de band waaraan de status getoetst is, waar die er is "
            "(de PSA-band van 95%, verbreed tot gepland ±5% waar hij smaller is: met * in de "
            "tabel), een stip wat gerealiseerd is met de status in woorden, vorm en kleur, en "
            "een zwarte ruit een mijlpaal."),
      spec, vals, t);
}

/* 1 when ind has a realised value (in year, unless year is 0) and no earlier row names it. */
static int first_realised(const cs_rmon *m, size_t i, int year) {
  const cs_monitor_row *w = cs_rmon_row(m, i);
  if (!isfinite(w->realised) || (year && w->year != year)) return 0;
  for (size_t k = 0; k < i; k++) {
    const cs_monitor_row *o = cs_rmon_row(m, k);
    if (!strcmp(o->indicator, w->indicator) && isfinite(o->realised) && (!year || o->year == year))
      return 0;
  }
  return 1;
}

json_t *cs_rmon_charts(const cs_rmon *m, const cs_rdata *r, int year) {
  json_t *all = json_array();
  for (size_t i = 0; all && i < cs_rmon_count(m); i++) {
    if (!first_realised(m, i, year)) continue;
    json_t *c = indicator_chart(m, r, cs_rmon_row(m, i)->indicator);
    if (!c || json_array_append_new(all, c)) {
      json_decref(all);
      return NULL;
    }
  }
  return all;
}

/* ---- the section of report.html ---- */

static void num_cell(cs_buf *b, double v, int nl) {
  char s[64];
  if (isfinite(v))
    cs_buf_printf(b, "<td class=\"n\" data-value=\"%.17g\">%s</td>", v, fmt_v(s, v, nl));
  else
    cs_buf_put(b, "<td class=\"n\">–</td>");
}

static void badge(cs_buf *b, const char *status, int nl) {
  size_t s = status_ix(status);
  cs_buf_printf(b, "<span class=\"badge st-%s\" data-status=\"%s\">%s %s</span>",
                *status ? status : "none", status, STATUS[s].sign,
                nl ? STATUS[s].nl : STATUS[s].en);
}

/* A number cell with the decimals given. */
static void dec_cell(cs_buf *b, double v, int dec, int nl) {
  char s[64];
  if (isfinite(v))
    cs_buf_printf(b, "<td class=\"n\" data-value=\"%.17g\">%s</td>", v, fmt_d(s, v, dec, nl));
  else
    cs_buf_put(b, "<td class=\"n\">–</td>");
}

/* Of the plan's effect, (baseline - realised) / (baseline - planned), as a % with the
 * terminal's decimals and marks: ! the change went the other way (beyond the baseline), ? more
 * than CS_MON_EFFECT_PLAUSIBLE times the plan's change either way; "–" without one. */
static void effect_cell(cs_buf *b, const cs_monitor_row *w, int dec, int nl) {
  double e = w->effect_realised;
  if (!isfinite(e)) {
    cs_buf_put(b, "<td class=\"n effect\">–</td>");
    return;
  }
  char s[64];
  int other = e < 0.0; /* the marks of monitor status (src/monitor/output.c) */
  int odd = fabs(e) > CS_MON_EFFECT_PLAUSIBLE;
  cs_buf_printf(b,
                "<td class=\"n effect\" data-value=\"%.17g\" data-other-way=\"%s\" "
                "data-implausible=\"%s\">%s%s%%%s%s</td>",
                e, other ? "yes" : "no", odd ? "yes" : "no", fmt_d(s, 100 * e, dec, nl),
                nl ? "" : " ", other ? "!" : "",
                odd ? "?" : ""); /* 60,0% and 60.0 %, as elsewhere */
}

static void status_row(cs_buf *b, const cs_rmon *m, const cs_rdata *r, const cs_monitor_row *w) {
  char label[200], unit[80], band[160], a[64], c[64];
  const char *iv = cs_rmon_iv_name(m, w->indicator);
  cs_mon_dec d;
  cs_mon_decimals(w, &d);
  cs_rmon_indicator_label(r, w->indicator, label, sizeof label, unit, sizeof unit);
  cs_buf_printf(b, "<tr data-indicator=\"%s\" data-place=\"", w->indicator);
  cs_buf_esc(b, w->place);
  cs_buf_printf(b, "\" data-year=\"%d\"><td>%d</td><td>", w->year, w->year);
  if (iv) { /* the intervention's name from the plan: its tooltip, and under the table */
    cs_buf_put(b, "<span class=\"iv\" title=\"");
    cs_buf_esc(b, iv);
    cs_buf_put(b, "\">");
    cs_buf_esc(b, label);
    cs_buf_put(b, "</span>");
  } else {
    cs_buf_esc(b, label);
  }
  cs_buf_put(b, "</td><td>");
  cs_buf_esc(b, strcmp(w->level, "area") ? place_label(r, w) : w->name);
  cs_buf_put(b, "</td>");
  num_cell(b, w->target, r->nl);
  cs_buf_printf(b, "<td class=\"met\" data-met=\"%s\">%s</td>",
                w->milestone_met ? w->milestone_met : "", met_word(r, w->milestone_met));
  num_cell(b, w->planned, r->nl);
  band_text(band, sizeof band, w, r->nl);
  if (*band) { /* the band used; the PSA band itself in data-p2_5, data-p97_5 and the title */
    cs_buf_printf(b,
                  "<td class=\"n band\" data-low=\"%.17g\" data-high=\"%.17g\" data-p2_5=\"%.17g\" "
                  "data-p97_5=\"%.17g\" data-widened=\"%s\" title=\"%s %s – %s\">%s</td>",
                  w->band_used_low, w->band_used_high, w->low, w->high,
                  cs_rmon_widened(w) ? "yes" : "no", cs_tr(r, "PSA 95 % band", "PSA-band 95%"),
                  fmt_v(a, w->low, r->nl), fmt_v(c, w->high, r->nl), band);
  } else {
    cs_buf_put(b, "<td class=\"n\">–</td>");
  }
  dec_cell(b, w->realised, d.realised, r->nl);
  num_cell(b, w->difference, r->nl);
  dec_cell(b, w->difference_pct, d.pct, r->nl);
  cs_buf_put(b, "<td>");
  badge(b, w->status, r->nl);
  cs_buf_put(b, "</td>");
  effect_cell(b, w, d.effect, r->nl);
  cs_buf_put(b, "</tr>\n");
}

/* "3 off track, 20 on track": how many rows have each status. */
static void counts(cs_buf *b, const cs_rmon *m, const cs_rdata *r) {
  size_t n[NSTATUS] = {0};
  for (size_t i = 0; i < cs_rmon_count(m); i++)
    n[status_ix(cs_rmon_row(m, i)->status)]++;
  cs_buf_printf(b, "<p class=\"mon-counts\">%s ", cs_tr(r, "Rows by status:", "Rijen per status:"));
  for (size_t s = 0, first = 1; s < NSTATUS; s++) {
    if (!n[s]) continue;
    cs_buf_printf(b, "%s", first ? "" : ", ");
    badge(b, STATUS[s].code, r->nl);
    cs_buf_printf(b, " %zu", n[s]);
    first = 0;
  }
  cs_buf_put(b, "</p>\n");
}

/* The names of the interventions the table names by id, from the plan: "acp: Proactieve
 * zorgplanning ...; ...". Nothing without the plan. */
static void iv_legend(cs_buf *b, const cs_rmon *m, const cs_rdata *r) {
  int first = 1;
  for (size_t i = 0; i < cs_rmon_count(m); i++) {
    const cs_monitor_row *w = cs_rmon_row(m, i);
    const char *iv = cs_rmon_iv_name(m, w->indicator);
    int seen = 0;
    for (size_t k = 0; iv && k < i && !seen; k++)
      seen = !strcmp(cs_rmon_row(m, k)->indicator, w->indicator);
    if (!iv || seen) continue;
    if (first)
      cs_buf_printf(b, "<p class=\"mon-note\" id=\"monitoring-interventions\">%s ",
                    cs_tr(r, "Interventions:", "Interventies:"));
    cs_buf_printf(b, "%s<b data-intervention=\"", first ? "" : "; ");
    cs_buf_esc(b, w->indicator + 13);
    cs_buf_put(b, "\">");
    cs_buf_esc(b, w->indicator + 13);
    cs_buf_put(b, "</b>: ");
    cs_buf_esc(b, iv);
    first = 0;
  }
  if (!first) cs_buf_put(b, "</p>\n");
}

/* What the status table's last column means, in the language (the report's note under the table
 * and /api/monitoring's effect_note, which the dashboard shows). */
const char *cs_rmon_effect_note(int nl) {
  return nl ? "Van het effect van het plan: (basispad − gerealiseerd) / (basispad − gepland), "
              "het deel van de verandering die het plan tegen het basispad van de run "
              "(dezelfde plaats en hetzelfde jaar zonder het plan) voorzag dat gerealiseerd "
              "is: 100% zoals gepland, 0% niets ervan; voor deelnemers gerealiseerd / gepland. "
              "De status gaat over het niveau, dit over de verandering door het plan. ! de "
              "verandering ging de andere kant op (gerealiseerd ligt voorbij het basispad); ? "
              "gerealiseerd ligt meer dan 5 keer de verandering van het plan van het basispad "
              "af: geen effect van het plan verklaart dat. Of de realisatie is anders gemeten "
              "dan de tabel van de run (controleer haar), of de verandering van het plan is te "
              "klein tegen het niveau om erin te zien (de band is veel breder dan de "
              "verandering): dan zegt dit percentage niets over het plan."
            : "Of the plan's effect: (baseline − realised) / (baseline − planned), the share "
              "of the change the plan projected against the run's baseline (the same place and "
              "year without the plan) that was realised: 100 % as planned, 0 % none of it; for "
              "participants realised / planned. The status is about the level, this about the "
              "plan's change. ! the change went the other way (realised lies beyond the "
              "baseline); ? realised is more than 5 times the plan's change away from the "
              "baseline: no effect of the plan can explain that. Either the actual is not "
              "measured as the run's table is (check it), or the plan's change is too small "
              "against the level to be seen in it (its band is far wider than the change): "
              "then this % says nothing about the plan.";
}

/* The note, when a row has a value in the last column. */
static void effect_note(cs_buf *b, const cs_rmon *m, const cs_rdata *r) {
  int any = 0;
  for (size_t i = 0; i < cs_rmon_count(m); i++)
    any |= isfinite(cs_rmon_row(m, i)->effect_realised);
  if (any)
    cs_buf_printf(b, "<p class=\"mon-note\" id=\"monitoring-effect-note\">%s</p>\n",
                  cs_rmon_effect_note(r->nl));
}

static void status_table(cs_buf *b, const cs_rmon *m, const cs_rdata *r) {
  const char *cols[] = {cs_tr(r, "Year", "Jaar"),
                        cs_tr(r, "Indicator", "Indicator"),
                        cs_tr(r, "Place", "Plaats"),
                        cs_tr(r, "Milestone", "Mijlpaal"),
                        cs_tr(r, "Milestone met", "Mijlpaal gehaald"),
                        cs_tr(r, "Planned", "Gepland"),
                        cs_tr(r, "Band (95 %)", "Band (95%)"),
                        cs_tr(r, "Realised", "Gerealiseerd"),
                        cs_tr(r, "Difference", "Verschil"),
                        "%",
                        cs_tr(r, "Status", "Status"),
                        cs_tr(r, "Of the plan's effect", "Van het effect van het plan")};
  /* twelve columns in the page's 1000 px: a little tighter than the other tables, and a band
   * may wrap after its dash */
  cs_buf_put(b, "<style>#monitoring-status{font-size:12.5px}#monitoring-status th,"
                "#monitoring-status td{padding:3px 4px}#monitoring-status td.band{white-space:"
                "normal;min-width:9.8em}#monitoring-status .iv{text-decoration:underline dotted;"
                "text-underline-offset:3px}</style>\n");
  cs_buf_put(b, "<table class=\"mon-status\" id=\"monitoring-status\"><thead><tr>");
  for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
    cs_buf_printf(b, "<th>%s</th>", cols[i]);
  cs_buf_put(b, "</tr></thead><tbody>\n");
  int widened = 0;
  for (size_t i = 0; i < cs_rmon_count(m); i++) {
    status_row(b, m, r, cs_rmon_row(m, i));
    widened |= cs_rmon_widened(cs_rmon_row(m, i));
  }
  cs_buf_put(b, "</tbody></table>\n");
  if (widened)
    cs_buf_printf(
        b, "<p class=\"mon-note\" id=\"monitoring-widened\">%s</p>\n",
        cs_tr(r,
              "* widened to planned ±5 %: the PSA 95 % band lies closer to planned than 5 % of "
              "it on a side, so the status is judged on planned ±5 % there; the band shown is "
              "the one the status used (the PSA band itself is in the cell's tooltip).",
              "* verbreed tot gepland ±5%: de PSA-band van 95% ligt aan een kant dichter dan 5% "
              "bij gepland, dus de status is daar getoetst aan gepland ±5%; de getoonde band is "
              "die waaraan de status getoetst is (de PSA-band zelf staat in de tooltip van de "
              "cel)."));
  effect_note(b, m, r);
  int milestones = 0;
  for (size_t i = 0; i < cs_rmon_count(m); i++)
    milestones |= isfinite(cs_rmon_row(m, i)->target);
  if (milestones)
    cs_buf_printf(b, "<p class=\"mon-note\" id=\"monitoring-met-note\">%s</p>\n",
                  cs_tr(r,
                        "Milestone met: whether what was realised meets the plan's milestone "
                        "(at least the target where higher is better, at most where lower is); "
                        "the status compares with the planned trajectory instead.",
                        "Mijlpaal gehaald: of wat gerealiseerd is de mijlpaal van het plan haalt "
                        "(minstens het doel waar hoger beter is, hoogstens waar lager beter is); "
                        "de status vergelijkt met het geplande verloop."));
  iv_legend(b, m, r);
}

static void warnings(cs_buf *b, const cs_rmon *m, const cs_rdata *r) {
  if (!m->nwarn) return;
  cs_buf_printf(b, "<details class=\"mon-warn\"><summary>%s (%zu)</summary><ul>\n",
                cs_tr(r, "Warnings of the comparison", "Waarschuwingen bij de vergelijking"),
                m->nwarn);
  for (size_t i = 0; i < m->nwarn; i++) {
    cs_buf_put(b, "<li>");
    cs_buf_esc(b, m->warn[i]);
    cs_buf_put(b, "</li>\n");
  }
  cs_buf_put(b, "</ul></details>\n");
}

/* The banner of a re-forecast run: its planned values from Y on are not the plan's. */
static void reforecast_banner(cs_buf *b, const cs_rmon *m, const cs_rdata *r) {
  if (!m->reforecast_from) return;
  int y = m->reforecast_from;
  cs_buf_put(b, "<div class=\"card mon-reforecast\" id=\"monitoring-reforecast\" role=\"note\" "
                "data-year=\"");
  cs_buf_printf(b, "%d\" style=\"border-left-color:#E69F00;background:#fdf0da;margin:4px 0 10px\">",
                y);
  cs_buf_printf(b,
                r->nl ? "Deze run is een herprognose vanaf %d, gepast op de realisaties van %d: "
                        "vanaf %d is ‘gepland’ de herprognose, niet het plan zoals afgesproken; "
                        "monitor in plaats daarvan met de database van de oorspronkelijke run."
                      : "This run is a re-forecast from %d, fitted to the actuals of %d: from "
                        "%d on, ‘planned’ is the re-forecast, not the plan as agreed; monitor "
                        "against the original run's database instead.",
                y, y, y);
  cs_buf_put(b, "</div>\n");
}

void cs_rmon_section(cs_buf *b, const cs_rmon *m, const cs_rdata *r, int n) {
  char note[1200];
  cs_rmon_note(m, r->nl, note, sizeof note);
  cs_buf_printf(
      b, "<section id=\"monitoring\"><h2>%d. %s</h2>\n", n,
      cs_tr(r, "Monitoring: realised against planned", "Monitoring: gerealiseerd tegen gepland"));
  reforecast_banner(b, m, r);
  cs_buf_printf(b, "<p class=\"intro\">%s</p>\n",
                cs_tr(r,
                      "What was realised (the actuals imported with careshift monitor import) "
                      "against what the plan projected for the same place and year, and the "
                      "plan's milestones. A status says whether it is ahead, on track, behind or "
                      "off track (outside the band, or more than 20 % short without one).",
                      "Wat gerealiseerd is (de realisaties, ingelezen met careshift monitor "
                      "import) tegen wat het plan voor dezelfde plaats en hetzelfde jaar "
                      "projecteerde, en de mijlpalen van het plan. De status zegt of het "
                      "voorloopt, op schema ligt, achterloopt of uit koers is (buiten de band, of "
                      "zonder band meer dan 20% tekort)."));
  cs_buf_put(b, "<p class=\"mon-note\" id=\"monitoring-note\">");
  cs_buf_esc(b, note);
  cs_buf_put(b, "</p>\n");
  counts(b, m, r);
  status_table(b, m, r);
  warnings(b, m, r);
}
