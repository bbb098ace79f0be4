/* tables_db.c: a run's results.db read back, read-only (the re-forecast reads the original
 * run's business case and criteria and the imported actuals through it), so that SQLite
 * stays inside io. Queries are fixed texts of the caller; rows go to a callback. */
#include "io.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#define RDB_MAX_COLS 16

struct cs_rdb {
  sqlite3 *db;
  const char *path; /* the caller's, for messages */
};

cs_status cs_rdb_open(const char *path, cs_rdb **out, cs_diags *d) {
  *out = NULL;
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    cs_diags_add(d, path, 0, 0, "cannot open the actuals database: %s",
                 stat(path, &sb) != 0 ? strerror(errno) : "not a regular file");
    return CS_EIO;
  }
  cs_rdb *r = cs_calloc(1, sizeof *r);
  if (!r) return CS_ENOMEM;
  r->path = path;
  if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    cs_diags_add(d, path, 0, 0, "cannot open the actuals database: %s",
                 r->db ? sqlite3_errmsg(r->db) : "out of memory");
    cs_rdb_close(r);
    return CS_EIO;
  }
  *out = r;
  return CS_OK;
}

void cs_rdb_close(cs_rdb *r) {
  if (!r) return;
  sqlite3_close(r->db);
  cs_free(r);
}

int cs_rdb_has_table(cs_rdb *r, const char *name) {
  sqlite3_stmt *q = NULL;
  int yes = 0;
  if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                         &q, NULL) == SQLITE_OK &&
      sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
    yes = sqlite3_step(q) == SQLITE_ROW;
  sqlite3_finalize(q);
  return yes;
}

/* One row's columns into text and num. */
static int row_values(sqlite3_stmt *q, const char **text, double *num) {
  int n = sqlite3_column_count(q);
  n = n < RDB_MAX_COLS ? n : RDB_MAX_COLS;
  for (int c = 0; c < n; c++) {
    int null = sqlite3_column_type(q, c) == SQLITE_NULL;
    text[c] = null ? NULL : (const char *)sqlite3_column_text(q, c);
    num[c] = null ? NAN : sqlite3_column_double(q, c);
  }
  return n;
}

cs_status cs_rdb_query(cs_rdb *r, const char *sql, cs_rdb_row_fn *fn, void *ctx, cs_diags *d) {
  sqlite3_stmt *q = NULL;
  cs_status st = CS_OK;
  int rc = sqlite3_prepare_v2(r->db, sql, -1, &q, NULL);
  while (rc == SQLITE_OK && st == CS_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    const char *text[RDB_MAX_COLS];
    double num[RDB_MAX_COLS];
    int n = row_values(q, text, num);
    st = fn(ctx, n, text, num);
    rc = SQLITE_OK;
  }
  if (st == CS_OK && rc != SQLITE_DONE) {
    cs_diags_add(d, r->path, 0, 0, "cannot read the database: %s", sqlite3_errmsg(r->db));
    st = CS_EIO;
  }
  sqlite3_finalize(q);
  return st;
}
