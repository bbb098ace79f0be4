/* db.c: the run's results.db, read-only: the only thing the report reads, so a report can be
 * rebuilt from a run directory long after the run. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sqlite3_stmt *cs_rdata_query(const cs_rdata *r, const char *sql) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) != SQLITE_OK) {
    sqlite3_finalize(q);
    return NULL;
  }
  return q;
}

double cs_rdata_scalar(const cs_rdata *r, const char *sql, double none) {
  sqlite3_stmt *q = cs_rdata_query(r, sql);
  double v = none;
  if (q && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
    v = sqlite3_column_double(q, 0);
  sqlite3_finalize(q);
  return v;
}

/* The year whose criteria of the plan equal shapley's plan values for the metric prefix
 * (criterion: or criterion_short_term:): results.db keeps the verdict's years nowhere else. */
static int verdict_year(const cs_rdata *r, const char *prefix) {
  char sql[640];
  snprintf(sql, sizeof sql,
           "SELECT c.year FROM criteria c JOIN (SELECT DISTINCT metric, plan_value FROM shapley) s"
           " ON s.metric = '%s' || c.criterion WHERE c.scenario = 'plan' GROUP BY c.year"
           " HAVING SUM(abs(c.value - s.plan_value) <= 1e-9 * (1 + abs(s.plan_value))) = 4"
           " ORDER BY c.year DESC LIMIT 1",
           prefix);
  return (int)cs_rdata_scalar(r, sql, -1);
}

static void find_years(cs_rdata *r) {
  r->first_year = (int)cs_rdata_scalar(r, "SELECT min(year) FROM criteria", 0);
  r->last_year = (int)cs_rdata_scalar(r, "SELECT max(year) FROM criteria", 0);
  /* run_info says them (v0.2); an older run's database only through shapley's plan values */
  r->long_year = (int)cs_rdata_scalar(
      r, "SELECT CAST(value AS INTEGER) FROM run_info WHERE key = 'long_year'", -1);
  r->short_year = (int)cs_rdata_scalar(
      r, "SELECT CAST(value AS INTEGER) FROM run_info WHERE key = 'short_year'", -1);
  if (r->long_year <= 0 || r->short_year <= 0) {
    r->long_year = verdict_year(r, "criterion:");
    r->short_year = verdict_year(r, "criterion_short_term:");
  }
  r->years_found = r->long_year > 0 && r->short_year > 0;
  if (r->years_found) return;
  /* the plan's defaults (docs/plan-format.md): the horizon, and two years after the base */
  r->long_year = r->last_year;
  r->short_year = r->first_year + 2 < r->last_year ? r->first_year + 2 : r->last_year;
}

/* A careshift database has the criteria, business_case and payers tables. */
static int is_careshift(const cs_rdata *r) {
  return cs_rdata_scalar(r,
                         "SELECT count(*) FROM sqlite_master WHERE name IN "
                         "('criteria', 'business_case', 'payers')",
                         0) == 3;
}

static void read_kind(cs_rdata *r) {
  r->has_psa = cs_rdata_scalar(r,
                               "SELECT count(*) FROM sqlite_master WHERE name = "
                               "'psa_probabilities'",
                               0) == 1;
  find_years(r);
}

/* The run's database read-only, for one thread (without SQLite's mutex on every call). Not
 * mapped (PRAGMA mmap_size): that saves read calls, but every page the report touches would
 * count in its resident memory, a national run's whole database. */
static int open_ro(const char *path, sqlite3 **db) {
  return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
}

cs_status cs_rdata_open(cs_rdata *r, const char *dir, int nl, cs_diags *d) {
  memset(r, 0, sizeof *r);
  r->nl = nl;
  size_t n = strlen(dir) + sizeof "/results.db";
  char *path = cs_malloc(n);
  if (!path) return CS_ENOMEM;
  snprintf(path, n, "%s/results.db", dir);
  int rc = open_ro(path, &r->db);
  r->path = path;
  if (rc == SQLITE_NOMEM) {
    cs_rdata_close(r);
    return CS_ENOMEM;
  }
  if (rc != SQLITE_OK || !is_careshift(r)) {
    cs_diags_add(d, dir, 0, 0,
                 "has no careshift results.db (%s); expected the --out directory "
                 "of `careshift run`",
                 rc != SQLITE_OK ? sqlite3_errstr(rc) : "tables missing");
    cs_rdata_close(r);
    return CS_EINVAL;
  }
  read_kind(r);
  return CS_OK;
}

cs_status cs_rdata_twin(const cs_rdata *r, cs_rdata *out) {
  *out = *r;
  out->db = NULL;
  out->path = NULL; /* r's */
  if (!r->path) return CS_EINVAL;
  if (open_ro(r->path, &out->db) != SQLITE_OK) {
    cs_rdata_close(out);
    return CS_EIO;
  }
  return CS_OK;
}

cs_status cs_rdata_attach(cs_rdata *r, sqlite3 *db, int nl) {
  memset(r, 0, sizeof *r);
  r->nl = nl;
  r->db = db;
  if (!is_careshift(r)) return CS_EINVAL;
  read_kind(r);
  return CS_OK;
}

void cs_rdata_close(cs_rdata *r) {
  sqlite3_close(r->db);
  r->db = NULL;
  cs_free(r->path);
  r->path = NULL;
}

int cs_rdata_has(const cs_rdata *r, const char *table) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                      "AND name = ?1");
  int n = 0;
  if (q && sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    n = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  return n > 0;
}

int cs_rdata_has_rows(const cs_rdata *r, const char *table) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM \"%s\")", table);
  return cs_rdata_has(r, table) && cs_rdata_scalar(r, sql, 0) > 0;
}
