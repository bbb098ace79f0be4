/* whatif_params.c: GET /api/whatif/parameters, what the dashboard's what-if sliders move: per
 * intervention its maximum uptake and its main effect (the first effect's change, else its
 * first number), the discount rate of costs, and each theme on or off. Read once at start from
 * the plan's own run (its inputs and themes tables), with the plan's value and a range a
 * steering group can try: uptake from none to all (to three times the plan's when that is
 * below a third); an effect from none to three times the plan's; the discount rate 0..10 %. */
#include "serve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The id between "NAME[" and the next ']' in path; "" when absent. */
static void id_in(const char *path, const char *name, char *out, size_t n) {
  const char *p = strstr(path, name);
  out[0] = '\0';
  if (!p) return;
  p += strlen(name);
  size_t len = strcspn(p, "]");
  if (len < n) {
    memcpy(out, p, len);
    out[len] = '\0';
  }
}

static json_t *param(const char *path, const char *kind, const char *theme, const char *iv,
                     const char *label, double value, double lo, double hi, const char *unit) {
  double step = hi > lo ? (hi - lo) / 100 : 0.01;
  return json_pack("{s:s, s:s, s:o, s:o, s:s, s:f, s:f, s:f, s:f, s:s}", "path", path, "kind", kind,
                   "theme", theme ? json_string(theme) : json_null(), "intervention",
                   iv ? json_string(iv) : json_null(), "label", label, "value", value, "min", lo,
                   "max", hi, "step", step, "unit", unit);
}

/* An effect's range: from no effect to three times the plan's, on the side of its sign; a
 * relative change never below -1 (a use cannot fall by more than all of it). */
static void effect_range(const char *field, double v, double *lo, double *hi) {
  *lo = v < 0 ? 3 * v : 0;
  *hi = v < 0 ? 0 : 3 * v;
  if (!strcmp(field, "change") && *lo < -1) *lo = -1;
  if (!strcmp(field, "fraction") && *hi > 1) *hi = 1;
  if (*hi == *lo) *hi = *lo + 1;
}

/* The intervention's entry of the labels (serve/plan.c): its name and first effect in words. */
static const char *label_of(const json_t *labels, const char *path, const char *field) {
  char key[300];
  const char *dot = strstr(path, "].uptake.max");
  if (!dot) dot = strstr(path, "].effects[");
  size_t len = dot ? (size_t)(dot - path) + 1 : 0;
  if (!len || len >= sizeof key) return NULL;
  memcpy(key, path, len);
  key[len] = '\0';
  const char *v = json_string_value(json_object_get(json_object_get(labels, key), field));
  return v && *v ? v : NULL;
}

/* The number an effect's slider moves, in words. */
static const char *field_words(const char *field, int nl) {
  static const char *const W[][3] = {
      {"change", "relative change", "relatieve verandering"},
      {"fraction", "share moved", "verschoven deel"},
      {"units", "units per person-year", "eenheden per persoonsjaar"},
      {"extra_inflow", "extra inflow, FTE a year", "extra instroom, fte per jaar"},
      {"outflow_change", "relative change of the outflow",
       "relatieve verandering van de uitstroom"},
  };
  for (size_t i = 0; i < sizeof W / sizeof W[0]; i++)
    if (!strcmp(field, W[i][0])) return W[i][1 + nl];
  return field;
}

/* The effect slider of the intervention whose input path is ipath (its first effect's number
 * at path, value v), or of the named parameter its first effect's main number is: then the
 * slider moves the parameter, and says so, since every other use of it moves too. */
static void effect_param(json_t *a, const char *ipath, const char *path, double v,
                         const json_t *labels, int nl) {
  char theme[128], iv[128], label[1024], eff[600];
  id_in(ipath, "themes[", theme, sizeof theme);
  id_in(ipath, "interventions[", iv, sizeof iv);
  const char *shared = label_of(labels, ipath, "param");
  const char *field = shared ? label_of(labels, ipath, "param_field") : strrchr(path, '.') + 1;
  if (!field) return;
  double lo, hi;
  effect_range(field, v, &lo, &hi);
  const char *name = label_of(labels, ipath, "name");
  const char *what = label_of(labels, ipath, nl ? "effect_nl" : "effect_en");
  snprintf(label, sizeof label, "%s: %s (%s)%s%s", name ? name : iv, what ? what : "effect",
           field_words(field, nl),
           shared ? (nl ? ", gedeelde parameter " : ", shared parameter ") : "",
           shared ? shared : "");
  json_t *p =
      param(shared ? shared : path, "effect", theme, iv, label, v, lo, hi,
            !strcmp(field, "change") || !strcmp(field, "outflow_change") ? "change" : field);
  json_object_set_new(p, "intervention_name", json_string(name ? name : iv));
  if (shared) {
    /* the effect's own place in the plan, which names the parameter */
    const char *end = strstr(ipath, "].uptake.max");
    snprintf(eff, sizeof eff, "%.*s.effects[1].%s", end ? (int)(end - ipath) + 1 : 0, ipath, field);
    json_object_set_new(p, "effect_path", json_string(eff));
  }
  json_array_append_new(a, p);
}

static void add_effect(json_t *a, sqlite3_stmt *q, const json_t *labels, int nl, sqlite3 *c) {
  const char *path = (const char *)sqlite3_column_text(q, 0);
  if (label_of(labels, path, "param")) return; /* moved with the uptake (add_uptake) */
  effect_param(a, path, path, sqlite3_column_double(q, 1), labels, nl);
}

/* The plan run's value of input path, or NAN. */
static double input_value(sqlite3 *c, const char *path) {
  sqlite3_stmt *q = NULL;
  double v = NAN;
  if (sqlite3_prepare_v2(c, "SELECT CAST(value AS REAL) FROM inputs WHERE path = ?1", -1, &q,
                         NULL) == SQLITE_OK &&
      sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    v = sqlite3_column_double(q, 0);
  sqlite3_finalize(q);
  return v;
}

static void add_uptake(json_t *a, sqlite3_stmt *q, const json_t *labels, int nl, sqlite3 *c) {
  const char *path = (const char *)sqlite3_column_text(q, 0);
  char theme[128], iv[128], label[640];
  id_in(path, "themes[", theme, sizeof theme);
  id_in(path, "interventions[", iv, sizeof iv);
  const char *name = label_of(labels, path, "name");
  snprintf(label, sizeof label, "%s: %s", name ? name : iv,
           nl ? "maximaal bereik (deel van de doelgroep)"
              : "maximum uptake (share of the target group)");
  /* 0..1, or up to three times a small uptake, so the slider moves in steps that matter */
  double v = sqlite3_column_double(q, 1), hi = v > 0 && v < 1.0 / 3 ? 3 * v : 1;
  json_t *p = param(path, "uptake_max", theme, iv, label, v, 0, hi, "share");
  json_object_set_new(p, "intervention_name", json_string(name ? name : iv));
  json_array_append_new(a, p);
  const char *shared = label_of(labels, path, "param");
  double sv = shared ? input_value(c, shared) : NAN;
  if (shared && isfinite(sv)) effect_param(a, path, shared, sv, labels, nl);
}

/* Every parameter in the plan's order, in one language. */
static json_t *params_of(const json_t *labels, sqlite3 *c, int nl) {
  json_t *a = json_array();
  sqlite3_stmt *q = NULL;
  /* per intervention, in the plan's order: its uptake max and the first number of its first
   * effect, a change before any other field */
  static const char *const SQL =
      "WITH i AS (SELECT rowid AS r, path, CAST(value AS REAL) AS v, kind FROM inputs "
      "WHERE kind IN ('number', 'distribution')), "
      "u AS (SELECT r, path, v, 0 AS k FROM i WHERE path GLOB "
      "'themes[[]*].interventions[[]*].uptake.max'), "
      "e AS (SELECT r, path, v, 1 AS k, substr(path, 1, instr(path, '.effects[1].') - 1) AS iv, "
      "row_number() OVER (PARTITION BY substr(path, 1, instr(path, '.effects[1].') - 1) "
      "ORDER BY path NOT GLOB '*.change', r) AS n FROM i WHERE path GLOB "
      "'themes[[]*].interventions[[]*].effects[[]1].*' AND path NOT GLOB '*.effects[[]1].*.*' "
      "AND path NOT GLOB '*.ratio') "
      "SELECT path, v, k, r FROM u UNION ALL SELECT path, v, k, r FROM e WHERE n = 1 "
      "ORDER BY r";
  if (a && sqlite3_prepare_v2(c, SQL, -1, &q, NULL) == SQLITE_OK)
    while (sqlite3_step(q) == SQLITE_ROW)
      (sqlite3_column_int(q, 2) ? add_effect : add_uptake)(a, q, labels, nl, c);
  sqlite3_finalize(q);
  q = NULL;
  if (a &&
      sqlite3_prepare_v2(c,
                         "SELECT CAST(value AS REAL) FROM inputs WHERE path = "
                         "'economics.discount_rate'",
                         -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    json_array_append_new(a, param("economics.discount_rate", "discount_rate", NULL, NULL,
                                   nl ? "Disconteringsvoet (kosten)" : "Discount rate (costs)",
                                   sqlite3_column_double(q, 0), 0, 0.1, "rate"));
  sqlite3_finalize(q);
  q = NULL;
  if (a && sqlite3_prepare_v2(c, "SELECT theme, name FROM themes ORDER BY rowid", -1, &q, NULL) ==
               SQLITE_OK)
    while (sqlite3_step(q) == SQLITE_ROW) {
      const char *id = (const char *)sqlite3_column_text(q, 0);
      const char *name = (const char *)sqlite3_column_text(q, 1);
      char path[200], label[300];
      snprintf(path, sizeof path, "themes[%s].enabled", id);
      snprintf(label, sizeof label, "%s: %s", name ? name : id, nl ? "meegenomen" : "included");
      json_t *p = param(path, "theme_enabled", id, NULL, label, 1, 0, 1, "bool");
      json_object_set_new(p, "value", json_true());
      json_object_set_new(p, "step", json_integer(1));
      json_array_append_new(a, p);
    }
  sqlite3_finalize(q);
  return a;
}

cs_status cs_sv_whatif_params_prepare(cs_server *s, sqlite3 *c) {
  for (int nl = 0; nl < 2; nl++) {
    json_t *a = params_of(s->labels, c, nl);
    json_t *j = a ? json_pack("{s:s, s:o}", "lang", nl ? "nl" : "en", "parameters", a) : NULL;
    s->params[nl].body = j ? cs_sv_dump(j, &s->params[nl].len) : NULL;
    json_decref(j);
    if (!s->params[nl].body) return CS_ENOMEM;
  }
  return CS_OK;
}

enum MHD_Result cs_sv_api_whatif_params(cs_sv_req *rq) {
  static const char *const params[] = {"lang"};
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, params, 1, &res)) return res;
  if (!rq->srv->opt.plan)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "path",
                       "what-if runs need the plan: start the server with --plan PLAN");
  const char *lang = cs_sv_arg(rq, "lang");
  if (lang && strcmp(lang, "en") && strcmp(lang, "nl"))
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "lang", "lang must be en or nl, not '%.40s'",
                       lang);
  return cs_sv_send_blob(rq, MHD_HTTP_OK, &rq->srv->params[lang && !strcmp(lang, "nl")]);
}
