/* dbpool.c: the run's results.db, read-only: one SQLite connection per worker thread (a
 * connection is used by one thread at a time, so SQLite's own locking is off), and the
 * catalogue of its tables, read once. Only names from the catalogue are ever written into
 * SQL text (and only names of letters, digits and '_'); every value a client sends is bound. */
#include "serve.h"
#include "io/io.h"

#include <string.h>

/* 1 for a name that may stand, quoted, in SQL text. */
static int plain_name(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
          (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
      return 0;
  return n > 0 && n <= 64;
}

static const cs_tabledef *descriptor(const char *name) {
  for (size_t i = 0; i < cs_tabledef_count(); i++)
    if (!strcmp(cs_tabledef_get(i)->name, name)) return cs_tabledef_get(i);
  return NULL;
}

static const char *type_of(const char *decl) {
  if (decl && !strcmp(decl, "INTEGER")) return "integer";
  if (decl && !strcmp(decl, "REAL")) return "real";
  return "text";
}

static void table_free(cs_sv_table *t) {
  for (int j = 0; j < t->ncol; j++)
    cs_free(t->cols[j].name);
  cs_free(t->cols);
  cs_free(t->name);
}

/* Appends column name (declared type decl) to t; CS_ENOMEM when it cannot. */
static cs_status add_column(cs_sv_table *t, const cs_tabledef *def, const char *name,
                            const char *decl) {
  cs_sv_col *cols = cs_realloc(t->cols, (size_t)(t->ncol + 1) * sizeof *cols);
  if (!cols) return CS_ENOMEM;
  t->cols = cols;
  cs_sv_col *c = &cols[t->ncol];
  if (!(c->name = cs_strdup(name))) return CS_ENOMEM;
  c->type = type_of(decl);
  c->desc = NULL;
  for (int j = 0; def && j < def->ncol; j++)
    if (!strcmp(def->cols[j].name, name)) c->desc = &def->cols[j];
  t->ncol++;
  return CS_OK;
}

/* The columns of table t->name. CS_EINVAL when one has a name that cannot be used: the
 * table is then not served. */
static cs_status read_columns(sqlite3 *c, cs_sv_table *t) {
  const cs_tabledef *def = descriptor(t->name);
  sqlite3_stmt *q = NULL;
  cs_status st = CS_EIO;
  if (sqlite3_prepare_v2(c, "SELECT name, type FROM pragma_table_info(?1)", -1, &q, NULL) ==
          SQLITE_OK &&
      sqlite3_bind_text(q, 1, t->name, -1, SQLITE_STATIC) == SQLITE_OK)
    st = CS_OK;
  while (st == CS_OK && sqlite3_step(q) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(q, 0);
    st = name && plain_name(name)
             ? add_column(t, def, name, (const char *)sqlite3_column_text(q, 1))
             : CS_EINVAL;
  }
  sqlite3_finalize(q);
  t->title = def ? def->title : "";
  return st == CS_OK && t->ncol == 0 ? CS_EINVAL : st;
}

static int64_t count_rows(sqlite3 *c, const char *table) {
  char sql[128];
  sqlite3_stmt *q = NULL;
  int64_t n = -1;
  snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table); /* a plain name */
  if (sqlite3_prepare_v2(c, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}

/* Adds table name to the catalogue, unless it cannot be served (a name that cannot stand in
 * SQL text); CS_ENOMEM when out of memory. */
static cs_status add_table(cs_sv_db *db, sqlite3 *c, const char *name) {
  if (!plain_name(name) || !strncmp(name, "sqlite_", 7)) return CS_OK;
  cs_sv_table *ts = cs_realloc(db->tables, (size_t)(db->ntables + 1) * sizeof *ts);
  if (!ts) return CS_ENOMEM;
  db->tables = ts;
  cs_sv_table *t = &ts[db->ntables];
  memset(t, 0, sizeof *t);
  if (!(t->name = cs_strdup(name))) return CS_ENOMEM;
  cs_status st = read_columns(c, t);
  if (st == CS_OK && (t->rows = count_rows(c, name)) < 0) st = CS_EIO;
  if (st == CS_OK) {
    db->ntables++;
    return CS_OK;
  }
  table_free(t);
  return st == CS_ENOMEM ? st : CS_OK;
}

/* The tables of the database in the order they were written. */
static cs_status read_catalogue(cs_sv_db *db, sqlite3 *c) {
  sqlite3_stmt *q = NULL;
  cs_status st = CS_OK;
  if (sqlite3_prepare_v2(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid",
                         -1, &q, NULL) != SQLITE_OK)
    return CS_EIO;
  while (st == CS_OK && sqlite3_step(q) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(q, 0);
    if (name) st = add_table(db, c, name);
  }
  sqlite3_finalize(q);
  return st;
}

static cs_status open_one(const char *path, int uri, sqlite3 **out, cs_diags *d) {
  int rc = sqlite3_open_v2(
      path, out, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0), NULL);
  if (rc == SQLITE_OK) /* a second lock on writing, whatever a statement might try */
    rc = sqlite3_exec(*out, "PRAGMA query_only = 1", NULL, NULL, NULL);
  if (rc == SQLITE_OK) return CS_OK;
  cs_diags_add(d, path, 0, 0, "cannot open read-only: %s", sqlite3_errstr(rc));
  return rc == SQLITE_NOMEM ? CS_ENOMEM : CS_EIO;
}

cs_status cs_sv_db_open(cs_sv_db *db, const char *path, int uri, int n, cs_diags *d) {
  memset(db, 0, sizeof *db);
  if (pthread_mutex_init(&db->mu, NULL)) return CS_ENOMEM;
  if (pthread_cond_init(&db->cv, NULL)) {
    pthread_mutex_destroy(&db->mu);
    return CS_ENOMEM;
  }
  db->all = cs_calloc((size_t)n, sizeof *db->all);
  db->idle = cs_calloc((size_t)n, sizeof *db->idle);
  cs_status st = db->all && db->idle ? CS_OK : CS_ENOMEM;
  for (; st == CS_OK && db->n < n; db->n++) {
    st = open_one(path, uri, &db->all[db->n], d);
    db->idle[db->nidle++] = db->all[db->n];
  }
  if (st == CS_OK) st = read_catalogue(db, db->all[0]);
  if (st != CS_OK) cs_sv_db_close(db);
  return st;
}

void cs_sv_db_close(cs_sv_db *db) {
  for (int i = 0; i < db->n; i++)
    sqlite3_close(db->all[i]);
  for (int i = 0; i < db->ntables; i++)
    table_free(&db->tables[i]);
  cs_free(db->tables);
  cs_free(db->all);
  cs_free(db->idle);
  pthread_cond_destroy(&db->cv);
  pthread_mutex_destroy(&db->mu);
  memset(db, 0, sizeof *db);
}

sqlite3 *cs_sv_db_get(cs_sv_db *db) {
  pthread_mutex_lock(&db->mu);
  while (db->nidle == 0) /* only when more threads ask than there are connections */
    pthread_cond_wait(&db->cv, &db->mu);
  sqlite3 *c = db->idle[--db->nidle];
  pthread_mutex_unlock(&db->mu);
  return c;
}

void cs_sv_db_put(cs_sv_db *db, sqlite3 *c) {
  if (!c) return;
  pthread_mutex_lock(&db->mu);
  db->idle[db->nidle++] = c;
  pthread_cond_signal(&db->cv);
  pthread_mutex_unlock(&db->mu);
}

const cs_sv_table *cs_sv_db_table(const cs_sv_db *db, const char *name) {
  for (int i = 0; i < db->ntables; i++)
    if (!strcmp(db->tables[i].name, name)) return &db->tables[i];
  return NULL;
}

int cs_sv_table_col(const cs_sv_table *t, const char *name) {
  for (int j = 0; j < t->ncol; j++)
    if (!strcmp(t->cols[j].name, name)) return j;
  return -1;
}
