/* api_monitoring.c: GET /api/monitoring: the run's actuals against its plan (docs/api-http.md),
 * built by the report layer (cs_rmon_*), so the dashboard shows the rows and charts of
 * report.html's monitoring section.
 *
 * The comparison reruns the run's PSA draws for the band (about 10 ms a draw for the example),
 * too slow for every request, so the first request makes it and later ones reuse it: the run
 * is served as it was at start, and its actuals with it (the catalogue's row count is part of
 * the key, so a later server of another run never meets an old comparison). */
#include "api_monitoring.h"

#include <string.h>

static struct {
  pthread_mutex_t mu;
  const cs_server *srv; /* whose comparison m is */
  char *dir;
  int64_t rows; /* of actuals, when it was made */
  cs_rmon *m;
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* The comparison of srv's run, made once; NULL with *st set when it could not be made. Called
 * with cache.mu held. */
static cs_rmon *comparison(cs_server *srv, const cs_sv_table *t, sqlite3 *c, cs_status *st) {
  *st = CS_OK;
  if (cache.m && cache.srv == srv && cache.rows == t->rows && !strcmp(cache.dir, srv->dir))
    return cache.m;
  cs_rmon_free(cache.m);
  cs_free(cache.dir);
  cache.m = NULL, cache.dir = NULL, cache.srv = NULL;
  cs_rdata r;
  cs_diags *d = cs_diags_new();
  if (!d) {
    *st = CS_ENOMEM;
    return NULL;
  }
  *st = cs_rdata_attach(&r, c, 0);
  if (*st == CS_OK) *st = cs_rmon_load(&r, srv->dir, srv->opt.threads, &cache.m, d);
  for (size_t i = 0; *st != CS_OK && i < cs_diags_count(d); i++)
    cs_sv_log(srv, "monitoring: %s", cs_diags_get(d, i));
  cs_diags_free(d);
  if (cache.m && !(cache.dir = cs_strdup(srv->dir))) {
    cs_rmon_free(cache.m);
    cache.m = NULL;
    *st = CS_ENOMEM;
  }
  if (cache.m) cache.srv = srv, cache.rows = t->rows;
  return cache.m;
}

/* The answer for lang and year (0: all) from the comparison, under cache.mu. */
static json_t *answer(cs_server *srv, const cs_sv_table *t, sqlite3 *c, int nl, int year,
                      int *none) {
  cs_status st;
  json_t *a = NULL;
  pthread_mutex_lock(&cache.mu);
  cs_rmon *m = comparison(srv, t, c, &st);
  cs_rdata r;
  *none = st == CS_OK && !m; /* the table is there but holds no actuals */
  if (m && cs_rdata_attach(&r, c, nl) == CS_OK) a = cs_rmon_answer(m, &r, year);
  pthread_mutex_unlock(&cache.mu);
  return a;
}

enum MHD_Result cs_sv_api_monitoring(cs_sv_req *rq) {
  static const char *const params[] = {"lang", "year"};
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, params, 2, &res)) return res;
  cs_server *srv = rq->srv;
  const char *lang = cs_sv_arg(rq, "lang"), *ys = cs_sv_arg(rq, "year");
  int64_t year = 0;
  if (lang && strcmp(lang, "en") && strcmp(lang, "nl"))
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "lang", "lang must be en or nl, not '%.40s'",
                       lang);
  if (ys && !cs_sv_parse_int(ys, srv->first_year, srv->last_year, &year))
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "year",
                       "year must be a year of the run from %d to %d, not '%.40s'", srv->first_year,
                       srv->last_year, ys);
  const cs_sv_table *t = cs_sv_db_table(&srv->db, "actuals");
  int none = 1;
  json_t *a = NULL;
  if (t && t->rows > 0) {
    sqlite3 *c = cs_sv_db_get(&srv->db);
    a = answer(srv, t, c, lang && !strcmp(lang, "nl"), (int)year, &none);
    cs_sv_db_put(&srv->db, c);
  }
  if (!a && none)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, NULL,
                       "this run has no actuals (import them with careshift monitor import PLAN "
                       "ACTUALS.csv --dir DIR)");
  return cs_sv_json(rq, MHD_HTTP_OK, a);
}
