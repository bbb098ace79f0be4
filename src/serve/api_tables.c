/* api_tables.c: the run and its tables: GET /api/runs, /api/tables and /api/tables/{name}.
 *
 * A table's rows are read in the order they were written (rowid: the CSV file's order), so a
 * page at an offset is the same rows every time. Filters are a fixed list, each tied to a
 * column: a filter for a column the table does not have is refused, never silently ignored,
 * so a client never mistakes an unfiltered answer for a filtered one. */
#include "serve.h"

#include <stdio.h>
#include <string.h>

/* ---- GET /api/runs ---- */

/* run_info's columns as the API shows them: the plan's and the actuals database's file names
 * without their folders (a client learns nothing of where the server keeps its files; the
 * CSV and results.db keep the paths as the run was given them). */
#define RUN_INFO_COLS                                                                              \
  "key, CASE WHEN key IN ('plan', 'actuals_db') THEN "                                             \
  "substr(value, length(rtrim(value, replace(value, '/', ''))) + 1) ELSE value END AS value"

/* run_info as an object of key: value; {} for a run written before run_info existed. */
static json_t *run_info(sqlite3 *c) {
  json_t *o = json_object();
  sqlite3_stmt *q = NULL;
  if (o && sqlite3_prepare_v2(c, "SELECT " RUN_INFO_COLS " FROM run_info ORDER BY rowid", -1, &q,
                              NULL) == SQLITE_OK)
    while (o && sqlite3_step(q) == SQLITE_ROW) {
      const char *k = (const char *)sqlite3_column_text(q, 0);
      if (k && json_object_set_new(o, k, cs_sv_jcol(q, 1))) {
        json_decref(o);
        o = NULL;
      }
    }
  sqlite3_finalize(q);
  return o;
}

static json_t *table_names(const cs_sv_db *db) {
  json_t *a = json_array();
  for (int i = 0; a && i < db->ntables; i++)
    if (json_array_append_new(a, json_string(db->tables[i].name))) {
      json_decref(a);
      a = NULL;
    }
  return a;
}

enum MHD_Result cs_sv_api_runs(cs_sv_req *rq) {
  cs_server *s = rq->srv;
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, NULL, 0, &res)) return res;
  sqlite3 *c = cs_sv_db_get(&s->db);
  json_t *info = run_info(c);
  cs_sv_db_put(&s->db, c);
  json_t *run = json_pack(
      "{s:o, s:o, s:o, s:o, s:b, s:b, s:{s:i, s:i, s:i, s:i}}", "id", cs_sv_jstr(s->run_id), "name",
      s->plan_name ? cs_sv_jstr(s->plan_name) : json_null(), "run_info", info, "tables",
      table_names(&s->db), "psa", s->has_psa, "whatif", s->opt.plan != NULL, "years", "first",
      s->first_year, "last", s->last_year, "short_term", s->short_year, "long_term", s->long_year);
  return cs_sv_json(rq, MHD_HTTP_OK, json_pack("{s:[o]}", "runs", run));
}

/* ---- GET /api/tables ---- */

static json_t *column_json(const cs_sv_col *c) {
  json_t *o = json_pack("{s:s, s:s}", "name", c->name, "type", c->type);
  if (o && c->desc) {
    json_object_set_new(o, "key", json_boolean(c->desc->key));
    json_object_set_new(o, "unit", json_string(c->desc->unit));
  }
  return o;
}

static json_t *table_json(const cs_sv_table *t) {
  json_t *cols = json_array();
  for (int j = 0; cols && j < t->ncol; j++)
    if (json_array_append_new(cols, column_json(&t->cols[j]))) {
      json_decref(cols);
      cols = NULL;
    }
  return json_pack("{s:s, s:s, s:I, s:o}", "name", t->name, "description", t->title, "rows",
                   (json_int_t)t->rows, "columns", cols);
}

enum MHD_Result cs_sv_api_tables(cs_sv_req *rq) {
  const cs_sv_db *db = &rq->srv->db;
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, NULL, 0, &res)) return res;
  json_t *a = json_array();
  for (int i = 0; a && i < db->ntables; i++)
    if (json_array_append_new(a, table_json(&db->tables[i]))) {
      json_decref(a);
      a = NULL;
    }
  return cs_sv_json(rq, MHD_HTTP_OK, a ? json_pack("{s:o}", "tables", a) : NULL);
}

/* ---- GET /api/tables/{name} ---- */

/* A query parameter and the condition it puts on its column. */
typedef struct {
  const char *param, *column, *op;
  int number; /* an integer (a year); else text compared as it is */
} filter;

static const filter FILTERS[] = {
    {"scenario", "scenario", "=", 0},       {"year_from", "year", ">=", 1},
    {"year_to", "year", "<=", 1},           {"area", "area", "=", 0},
    {"subregion", "subregion", "=", 0},     {"sector", "sector", "=", 0},
    {"stakeholder", "stakeholder", "=", 0},
};
#define NFILTER (sizeof FILTERS / sizeof *FILTERS)
static const char *const PARAMS[] = {"scenario", "year_from",   "year_to", "area",  "subregion",
                                     "sector",   "stakeholder", "limit",   "offset"};

/* What a request asks of a table: its conditions and its page. */
typedef struct {
  const cs_sv_table *t;
  const char *value[NFILTER]; /* NULL: not given */
  int64_t number[NFILTER];
  int64_t limit, offset;
} query;

/* Reads the parameters into qy; on a bad one, queues the 400 and returns 0. */
static int read_query(cs_sv_req *rq, query *qy, enum MHD_Result *res) {
  if (!cs_sv_args_ok(rq, PARAMS, sizeof PARAMS / sizeof *PARAMS, res)) return 0;
  for (size_t f = 0; f < NFILTER; f++) {
    const char *v = qy->value[f] = cs_sv_arg(rq, FILTERS[f].param);
    if (!v) continue;
    if (cs_sv_table_col(qy->t, FILTERS[f].column) < 0) {
      *res =
          cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, FILTERS[f].param,
                      "table '%s' has no column '%s' to filter by", qy->t->name, FILTERS[f].column);
      return 0;
    }
    if (FILTERS[f].number && !cs_sv_parse_int(v, -999999, 999999, &qy->number[f])) {
      *res = cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, FILTERS[f].param,
                         "%s must be a whole number (a year), not '%.40s'", FILTERS[f].param, v);
      return 0;
    }
  }
  const char *l = cs_sv_arg(rq, "limit"), *o = cs_sv_arg(rq, "offset");
  qy->limit = CS_SV_DEFAULT_LIMIT;
  qy->offset = 0;
  if (l && !cs_sv_parse_int(l, 0, CS_SV_MAX_LIMIT, &qy->limit)) {
    *res =
        cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "limit",
                    "limit must be a whole number from 0 to %d, not '%.40s'", CS_SV_MAX_LIMIT, l);
    return 0;
  }
  if (o && !cs_sv_parse_int(o, 0, CS_SV_MAX_OFFSET, &qy->offset)) {
    *res = cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "offset",
                       "offset must be a whole number from 0 to %lld, not '%.40s'",
                       (long long)CS_SV_MAX_OFFSET, o);
    return 0;
  }
  return 1;
}

/* SELECT what FROM the table WHERE its conditions, [ORDER BY rowid LIMIT ? OFFSET ?]: only
 * catalogue names in the text; the values are bound in bind_values(). */
static void build_sql(const query *qy, const char *what, int page, cs_buf *b) {
  if (page && !strcmp(qy->t->name, "run_info")) what = RUN_INFO_COLS; /* its columns */
  cs_buf_printf(b, "SELECT %s FROM \"%s\"", what, qy->t->name);
  int n = 0;
  for (size_t f = 0; f < NFILTER; f++)
    if (qy->value[f])
      cs_buf_printf(b, " %s \"%s\" %s ?%d", n++ ? "AND" : "WHERE", FILTERS[f].column, FILTERS[f].op,
                    (int)f + 1);
  if (page) cs_buf_printf(b, " ORDER BY rowid LIMIT ?%zu OFFSET ?%zu", NFILTER + 1, NFILTER + 2);
}

static int bind_values(const query *qy, sqlite3_stmt *q, int page) {
  int rc = SQLITE_OK;
  for (size_t f = 0; f < NFILTER && rc == SQLITE_OK; f++) {
    if (!qy->value[f]) continue;
    rc = FILTERS[f].number ? sqlite3_bind_int64(q, (int)f + 1, qy->number[f])
                           : sqlite3_bind_text(q, (int)f + 1, qy->value[f], -1, SQLITE_STATIC);
  }
  if (page && rc == SQLITE_OK) rc = sqlite3_bind_int64(q, NFILTER + 1, qy->limit);
  if (page && rc == SQLITE_OK) rc = sqlite3_bind_int64(q, NFILTER + 2, qy->offset);
  return rc;
}

static sqlite3_stmt *prepare_query(sqlite3 *c, const query *qy, const char *what, int page) {
  cs_buf b = {0};
  sqlite3_stmt *q = NULL;
  build_sql(qy, what, page, &b);
  if (b.oom || sqlite3_prepare_v2(c, b.s, -1, &q, NULL) != SQLITE_OK || bind_values(qy, q, page)) {
    sqlite3_finalize(q);
    q = NULL;
  }
  cs_free(b.s);
  return q;
}

/* The rows of the page, each an array in the order of the columns. */
static json_t *page_rows(sqlite3 *c, const query *qy) {
  cs_buf cols = {0};
  for (int j = 0; j < qy->t->ncol; j++)
    cs_buf_printf(&cols, "%s\"%s\"", j ? ", " : "", qy->t->cols[j].name);
  sqlite3_stmt *q = cols.oom ? NULL : prepare_query(c, qy, cols.s, 1);
  cs_free(cols.s);
  json_t *rows = q ? json_array() : NULL;
  int rc = SQLITE_ERROR;
  while (rows && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    json_t *row = json_array();
    for (int j = 0; row && j < qy->t->ncol; j++)
      if (json_array_append_new(row, cs_sv_jcol(q, j))) {
        json_decref(row);
        row = NULL;
      }
    if (json_array_append_new(rows, row)) break;
  }
  if (rows && rc != SQLITE_DONE) {
    json_decref(rows);
    rows = NULL;
  }
  sqlite3_finalize(q);
  return rows;
}

static int64_t total_rows(sqlite3 *c, const query *qy) {
  sqlite3_stmt *q = prepare_query(c, qy, "count(*)", 0);
  int64_t n = q && sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
  sqlite3_finalize(q);
  return n;
}

static json_t *column_names(const cs_sv_table *t) {
  json_t *a = json_array();
  for (int j = 0; a && j < t->ncol; j++)
    if (json_array_append_new(a, json_string(t->cols[j].name))) {
      json_decref(a);
      a = NULL;
    }
  return a;
}

enum MHD_Result cs_sv_api_table(cs_sv_req *rq) {
  cs_server *s = rq->srv;
  query qy = {0};
  enum MHD_Result res = MHD_NO;
  if (!(qy.t = cs_sv_db_table(&s->db, rq->param)))
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "table", "this run has no table '%s'", rq->param);
  if (!read_query(rq, &qy, &res)) return res;
  sqlite3 *c = cs_sv_db_get(&s->db);
  int64_t total = total_rows(c, &qy);
  json_t *rows = total >= 0 ? page_rows(c, &qy) : NULL;
  cs_sv_db_put(&s->db, c);
  if (!rows) return cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "cannot read the table");
  return cs_sv_json(rq, MHD_HTTP_OK,
                    json_pack("{s:s, s:o, s:o, s:I, s:I, s:I}", "table", qy.t->name, "columns",
                              column_names(qy.t), "rows", rows, "total", (json_int_t)total, "limit",
                              (json_int_t)qy.limit, "offset", (json_int_t)qy.offset));
}
