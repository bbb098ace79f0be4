/* api_summary.c: what a board asks first: GET /api/summary (the IZA verdict short and long
 * term and the business case per stakeholder), /api/psa (the uncertainty) and /api/charts
 * (the report's charts, the same specs as report.html, from charts.c). */
#include "serve.h"

#include <string.h>

/* Every row of sql with ?1 = a (and ?2 = b when b is not NULL) as objects; NULL on failure. */
static json_t *objects(sqlite3 *c, const char *sql, const char *a, const char *b) {
  sqlite3_stmt *q = NULL;
  json_t *arr = json_array();
  if (!arr || sqlite3_prepare_v2(c, sql, -1, &q, NULL) != SQLITE_OK ||
      (a && sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC) != SQLITE_OK) ||
      (b && sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC) != SQLITE_OK) ||
      cs_sv_rows_as_objects(q, arr) != SQLITE_DONE) {
    json_decref(arr);
    arr = NULL;
  }
  sqlite3_finalize(q);
  return arr;
}

/* ---- GET /api/summary ---- */

/* P(what) of the scenario in the PSA, or null without one. */
static json_t *probability(sqlite3 *c, int has_psa, const char *scenario, const char *what) {
  if (!has_psa) return json_null();
  json_t *rows = objects(c,
                         "SELECT probability FROM psa_probabilities WHERE scenario = ?1 AND "
                         "what = ?2",
                         scenario, what);
  json_t *p = json_object_get(json_array_get(rows, 0), "probability");
  p = p ? json_incref(p) : json_null();
  json_decref(rows);
  return p;
}

/* The verdict of one term: its criteria in that year; it passes when one is substantial. */
static json_t *term(sqlite3 *c, int has_psa, const char *scenario, int year, const char *passes) {
  char y[16];
  snprintf(y, sizeof y, "%d", year);
  json_t *crit =
      objects(c,
              "SELECT criterion, value, unit, threshold, substantial = 1 AS "
              "substantial FROM criteria WHERE scenario = ?1 AND year = CAST(?2 AS INTEGER) "
              "ORDER BY rowid",
              scenario, y);
  size_t i;
  json_t *row;
  int pass = 0;
  json_array_foreach(crit, i, row) {
    int sub = json_integer_value(json_object_get(row, "substantial")) != 0;
    json_object_set_new(row, "substantial", json_boolean(sub));
    pass |= sub;
  }
  if (!crit || !json_array_size(crit)) {
    json_decref(crit);
    return NULL;
  }
  return json_pack("{s:i, s:b, s:o, s:o}", "year", year, "passes", pass, "probability",
                   probability(c, has_psa, scenario, passes), "criteria", crit);
}

/* The scenario's rows of table, without the scenario column itself. */
static json_t *of_scenario(sqlite3 *c, const char *table, const char *scenario) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE scenario = ?1 ORDER BY rowid", table);
  json_t *rows = objects(c, sql, scenario, NULL);
  size_t i;
  json_t *row;
  json_array_foreach(rows, i, row) json_object_del(row, "scenario");
  return rows;
}

json_t *cs_sv_summary_of(sqlite3 *c, const cs_sv_years *y, const char *scenario, int *known) {
  json_t *shortt = term(c, y->has_psa, scenario, y->short_year, "passes_short_term");
  json_t *longt = term(c, y->has_psa, scenario, y->long_year, "passes");
  *known = 1;
  if (!shortt || !longt) {
    /* payers has a row per scenario and year, the baseline's too: is it a scenario at all? */
    json_t *rows = objects(c, "SELECT 1 FROM payers WHERE scenario = ?1 LIMIT 1", scenario, NULL);
    *known = json_array_size(rows) > 0;
    json_decref(rows);
    json_decref(shortt);
    json_decref(longt);
    return NULL;
  }
  json_t *he = of_scenario(c, "health_economics", scenario);
  json_t *he1 = json_incref(json_array_get(he, 0));
  json_decref(he);
  return json_pack("{s:o, s:o, s:o, s:o, s:o}", "scenario", cs_sv_jstr(scenario), "short_term",
                   shortt, "long_term", longt, "business_case",
                   of_scenario(c, "business_case", scenario), "health_economics",
                   he1 ? he1 : json_null());
}

enum MHD_Result cs_sv_api_summary(cs_sv_req *rq) {
  static const char *const params[] = {"scenario"};
  cs_server *s = rq->srv;
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, params, 1, &res)) return res;
  const char *scenario = cs_sv_arg(rq, "scenario");
  if (scenario && !*scenario)
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "scenario",
                       "scenario is empty (expected a scenario's id, such as plan)");
  if (!scenario) scenario = "plan";
  cs_sv_years y = {s->short_year, s->long_year, s->has_psa};
  int known = 1;
  sqlite3 *c = cs_sv_db_get(&s->db);
  json_t *sum = cs_sv_summary_of(c, &y, scenario, &known);
  cs_sv_db_put(&s->db, c);
  if (!sum && !known)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "scenario", "this run has no scenario '%.80s'",
                       scenario);
  if (!sum)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "scenario",
                       "no criteria for scenario '%.80s' (the baseline has none: it is what the "
                       "others are compared with)",
                       scenario);
  return cs_sv_json(rq, MHD_HTTP_OK, sum);
}

/* ---- GET /api/psa ---- */

enum MHD_Result cs_sv_api_psa(cs_sv_req *rq) {
  static const char *const params[] = {"scenario"};
  cs_server *s = rq->srv;
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, params, 1, &res)) return res;
  if (!s->has_psa)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, NULL,
                       "this run has no PSA (run it with --draws N or --psa)");
  const char *sc = cs_sv_arg(rq, "scenario");
  if (sc && !*sc)
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "scenario",
                       "scenario is empty (expected a scenario's id, or no scenario for all)");
  sqlite3 *c = cs_sv_db_get(&s->db);
  json_t *psa = cs_sv_psa_of(c, sc);
  cs_sv_db_put(&s->db, c);
  if (sc && psa && !json_array_size(json_object_get(psa, "summary"))) {
    json_decref(psa);
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "scenario", "no PSA for scenario '%.80s'", sc);
  }
  return cs_sv_json(rq, MHD_HTTP_OK, psa);
}

json_t *cs_sv_psa_of(sqlite3 *c, const char *scenario) {
  /* ?1 IS NULL: every scenario when none is asked for */
  json_t *sum = objects(c,
                        "SELECT * FROM psa_summary WHERE ?1 IS NULL OR scenario = ?1 "
                        "ORDER BY rowid",
                        scenario, NULL);
  json_t *prob = objects(c,
                         "SELECT * FROM psa_probabilities WHERE ?1 IS NULL OR scenario = ?1 "
                         "ORDER BY rowid",
                         scenario, NULL);
  if (!sum || !prob) {
    json_decref(sum);
    json_decref(prob);
    return NULL;
  }
  return json_pack("{s:o, s:o}", "summary", sum, "probabilities", prob);
}

/* ---- GET /api/charts ---- */

cs_status cs_sv_charts_prepare(cs_server *s, const cs_rdata *r) {
  for (int nl = 0; nl < 2; nl++) {
    cs_rdata lang = *r;
    lang.nl = nl;
    json_t *all = cs_charts_all(&lang);
    json_t *j = all ? json_pack("{s:s, s:o}", "lang", nl ? "nl" : "en", "charts", all) : NULL;
    s->charts[nl].body = j ? cs_sv_dump(j, &s->charts[nl].len) : NULL;
    json_decref(j);
    if (!s->charts[nl].body) return CS_ENOMEM;
  }
  return CS_OK;
}

enum MHD_Result cs_sv_api_charts(cs_sv_req *rq) {
  static const char *const params[] = {"lang"};
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, params, 1, &res)) return res;
  const char *lang = cs_sv_arg(rq, "lang");
  if (lang && strcmp(lang, "en") && strcmp(lang, "nl"))
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "lang", "lang must be en or nl, not '%.40s'",
                       lang);
  return cs_sv_send_blob(rq, MHD_HTTP_OK, &rq->srv->charts[lang && !strcmp(lang, "nl")]);
}
