/* output.c: CSV and SQLite sinks behind the one table writer, with atomic replacement:
 * every table goes to NAME.tmp.PID, is checked, flushed and synced; only when the whole run
 * is written are they renamed over their final names. */
#define _GNU_SOURCE /* sync_file_range */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *path_join(const char *dir, const char *name, const char *ext) {
  size_t n = strlen(dir) + strlen(name) + strlen(ext) + 24;
  char *p = cs_malloc(n);
  if (p) snprintf(p, n, "%s/%s%s", dir, name, ext);
  return p;
}

/* NAME.tmp.PID: private to this process, so two runs into one directory cannot clobber each
 * other's half-written files. */
static char *tmp_name(const char *fin) {
  size_t n = strlen(fin) + 32;
  char *p = cs_malloc(n);
  if (p) snprintf(p, n, "%s.tmp.%ld", fin, (long)getpid());
  return p;
}

/* Removes the directories mkdir_p created (the deepest first) after a failure. */
static void unmake(char *p, const size_t *made, int nmade) {
  for (int i = nmade - 1; i >= 0; i--) {
    p[made[i]] = '\0';
    rmdir(p);
  }
}

/* Creates dir and its missing parents. A path that cannot be a directory (too long, a
 * component too long) is refused before anything is created, and after a failure the
 * directories made on the way are removed again. */
cs_status cs_mkdir_p(const char *dir, size_t *made_len, cs_diags *d) {
  if (made_len) *made_len = 0;
  if (!dir || !*dir) {
    cs_diags_add(d, "careshift", 0, 0, "the output directory name is empty");
    return CS_EIO;
  }
  size_t n = strlen(dir), comp = 0;
  for (const char *s = dir; *s; s++)
    comp = *s == '/' ? 0 : comp + 1;
  if (n >= PATH_MAX - 64 || comp > NAME_MAX - 24) { /* room for the private sibling's name */
    cs_diags_add(d, "careshift", 0, 0,
                 "the output directory name is too long (%zu bytes; expected "
                 "a path under %d bytes with names under %d)",
                 n, PATH_MAX - 64, NAME_MAX - 24);
    return CS_EIO;
  }
  char *p = cs_strdup(dir);
  size_t made[PATH_MAX / 2];
  int nmade = 0;
  if (!p) return CS_ENOMEM;
  for (size_t i = 1;; i++) { /* dir is not empty, so index 1 is inside the string */
    if (p[i] != '/' && p[i] != '\0') continue;
    char c = p[i];
    p[i] = '\0';
    if (mkdir(p, 0777) == 0)
      made[nmade++] = i;
    else if (errno != EEXIST) {
      cs_diags_add(d, p, 0, 0, "cannot create directory: %s", strerror(errno));
      p[i] = c;
      unmake(p, made, nmade);
      cs_free(p);
      return CS_EIO;
    }
    p[i] = c;
    if (c == '\0') break;
  }
  struct stat st;
  cs_status rc = CS_OK;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    cs_diags_add(d, dir, 0, 0, "not a directory");
    unmake(p, made, nmade);
    rc = CS_EIO;
  } else if (made_len && nmade) {
    *made_len = made[0];
  }
  cs_free(p);
  return rc;
}

/* Checks every write that went into f (ferror), flushes it and closes it; on any failure the
 * temporary file is removed and the error reported under the final name. Its pages are sent to
 * the disk at once, without waiting (sync_file_range where Linux has it); csv_prepare waits
 * for them (fsync, on the file opened again, as for the database and the workbook) once every
 * table is written, so that the disk writes one table while the next is computed instead of
 * each table's sync stopping the job. Elsewhere the file is synced here. */
static cs_status close_file(FILE *f, const char *tmp, const char *fin, int err0, cs_diags *d) {
  /* the error of the first call that failed: err0, a write's that the caller saw, else EIO for
   * a write whose errno is gone */
  int err = err0 ? err0 : ferror(f) ? EIO : 0;
  if (fflush(f) != 0 && !err) err = errno ? errno : EIO;
#if defined(SYNC_FILE_RANGE_WRITE)
  /* (an error of the writing shows in the fsync after) */
  if (!err) (void)sync_file_range(fileno(f), 0, 0, SYNC_FILE_RANGE_WRITE);
#else
  if (!err && fsync(fileno(f)) != 0) err = errno ? errno : EIO;
#endif
  if (fclose(f) != 0 && !err) err = errno ? errno : EIO;
  if (!err) return CS_OK;
  cs_diags_add(d, fin, 0, 0, "cannot write: %s", strerror(err));
  unlink(tmp);
  return CS_EIO;
}

static cs_status rename_file(const char *tmp, const char *fin, cs_diags *d);

cs_status cs_out_paths(const char *dir, const char *name, char **fin, char **tmp) {
  *fin = path_join(dir, name, "");
  *tmp = *fin ? tmp_name(*fin) : NULL;
  if (*fin && *tmp) return CS_OK;
  cs_free(*fin);
  cs_free(*tmp);
  *fin = *tmp = NULL;
  return CS_ENOMEM;
}

cs_status cs_out_finish(const char *tmp, const char *fin, int commit, cs_diags *d) {
  if (commit) return rename_file(tmp, fin, d);
  unlink(tmp);
  return CS_OK;
}

static cs_status rename_file(const char *tmp, const char *fin, cs_diags *d) {
  if (rename(tmp, fin) == 0) return CS_OK;
  cs_diags_add(d, fin, 0, 0, "cannot write: %s", strerror(errno));
  unlink(tmp);
  return CS_EIO;
}

/* fsyncs what path names (a file SQLite or libxlsxwriter closed, or a directory after
 * renames into it); errors are reported under the name shown. */
static cs_status sync_path(const char *path, int flags, const char *shown, cs_diags *d) {
  int fd = open(path, O_RDONLY | flags);
  if (fd < 0 || fsync(fd) != 0) {
    cs_diags_add(d, shown, 0, 0, "cannot sync: %s", strerror(errno));
    if (fd >= 0) close(fd);
    return CS_EIO;
  }
  close(fd);
  return CS_OK;
}

cs_status cs_sync_file(const char *path, const char *shown, cs_diags *d) {
  return sync_path(path, 0, shown, d);
}

cs_status cs_sync_dir(const char *dir, cs_diags *d) { return sync_path(dir, O_DIRECTORY, dir, d); }

/* ---- CSV ---- */
/* Finished tables wait under their temporary names until the whole run is written, so a
 * failure half-way never leaves new tables beside old ones under the final names. */
#define CS_MAX_TABLES 64

typedef struct {
  cs_sink base;
  char *dir, *tmp, *fin;
  FILE *f;
  const cs_tabledef *t;
  cs_diags *d;
  char *pend_tmp[CS_MAX_TABLES], *pend_fin[CS_MAX_TABLES];
  int npend;
} csv_sink;

/* The CSV rule for a text (RFC 4180): quoted where it holds a comma, a quote or a line break,
 * its quotes doubled inside. cs_csv_text (to a file) and csv_field (into a row's buffer) both
 * follow it through these two. */
static int csv_quoted(const char *s) { return strpbrk(s, ",\"\n\r") != NULL; }

/* The len bytes of s into out (room for 2 len), each quote doubled: the bytes written. */
static size_t csv_doubled(char *out, const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') out[n++] = '"';
    out[n++] = s[i];
  }
  return n;
}

void cs_csv_text(FILE *f, const char *s) {
  if (!csv_quoted(s)) {
    fputs(s, f);
    return;
  }
  char buf[1024];
  size_t len = strlen(s);
  fputc('"', f);
  for (size_t i = 0; i < len; i += sizeof buf / 2) {
    size_t m = len - i < sizeof buf / 2 ? len - i : sizeof buf / 2;
    fwrite(buf, 1, csv_doubled(buf, s + i, m), f);
  }
  fputc('"', f);
}

static cs_status csv_begin(cs_sink *sk, const cs_tabledef *t) {
  csv_sink *c = (csv_sink *)sk;
  if (c->npend == CS_MAX_TABLES) return CS_EINTERNAL;
  c->fin = path_join(c->dir, t->name, ".csv");
  c->tmp = c->fin ? tmp_name(c->fin) : NULL;
  if (!c->fin || !c->tmp) return CS_ENOMEM;
  c->f = fopen(c->tmp, "w");
  if (!c->f) {
    cs_diags_add(c->d, c->fin, 0, 0, "cannot write: %s", strerror(errno));
    return CS_EIO;
  }
  c->t = t;
  for (int i = 0; i < t->ncol; i++) {
    if (i) fputc(',', c->f);
    cs_csv_text(c->f, t->cols[i].name);
  }
  fputc('\n', c->f);
  return CS_OK;
}

/* Text of len bytes as a CSV field into out (room for 2 len + 2 bytes; csv_quoted): the
 * bytes written. */
static size_t csv_field(char *out, const char *s, size_t len) {
  if (!csv_quoted(s)) {
    memcpy(out, s, len);
    return len;
  }
  size_t n = csv_doubled(out + 1, s, len) + 1;
  out[0] = '"';
  out[n++] = '"';
  return n;
}

/* What "%lld" writes, into out (room for 21 bytes). */
static size_t csv_int(char *out, int64_t v) {
  char rev[24];
  size_t n = 0, k = 0;
  uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* (INT64_MIN too) */
  do
    rev[k++] = (char)('0' + m % 10);
  while ((m /= 10) != 0);
  if (v < 0) out[n++] = '-';
  while (k)
    out[n++] = rev[--k];
  return n;
}

/* A row is put together in a buffer and written with one fwrite: a stdio call per field (and
 * printf for the integers) cost about as much as the numbers' digits. A text too long for the
 * buffer goes to the file directly, after what is in the buffer. */
#define CSV_ROW_BUF 4096
/* More than a separator, a number's most bytes (cs_fmt_g17 writes up to 32 with its NUL,
 * csv_int 20) and the row's line end. */
#define CSV_ROOM 40

/* Writes the n bytes of buf; false (the error in errno) when the file takes fewer. */
static int csv_put(csv_sink *c, const char *buf, size_t n) { return fwrite(buf, 1, n, c->f) == n; }

static cs_status csv_row(cs_sink *sk, const cs_value *v) {
  csv_sink *c = (csv_sink *)sk;
  char buf[CSV_ROW_BUF];
  size_t n = 0;
  int ok = 1;
  errno = 0; /* (a failed write sets it; else the message says EIO) */
  for (int i = 0; i < c->t->ncol && ok; i++) {
    if (n + CSV_ROOM > sizeof buf) {
      ok = csv_put(c, buf, n);
      n = 0;
    }
    if (i) buf[n++] = ',';
    if (v[i].null) continue;
    switch (c->t->cols[i].type) {
    case CS_TEXT: {
      size_t len = strlen(v[i].s);
      if (n + 2 * len + 3 > sizeof buf) { /* (3: the quotes and the line end) */
        ok = ok && csv_put(c, buf, n);
        n = 0;
      }
      if (2 * len + 3 <= sizeof buf) {
        n += csv_field(buf + n, v[i].s, len);
      } else if (ok) {
        cs_csv_text(c->f, v[i].s);
        ok = !ferror(c->f);
      }
      break;
    }
    case CS_INT: n += csv_int(buf + n, v[i].i); break;
    case CS_REAL: /* what "%.17g" writes, without printf's multi-precision arithmetic */
      n += (size_t)cs_fmt_g17(v[i].d, buf + n);
      break;
    }
  }
  buf[n++] = '\n';
  if (ok && csv_put(c, buf, n)) return CS_OK;
  cs_diags_add(c->d, c->fin, 0, 0, "cannot write: %s", strerror(errno ? errno : EIO));
  return CS_EIO;
}

static cs_status csv_end(cs_sink *sk) {
  csv_sink *c = (csv_sink *)sk;
  cs_status st = close_file(c->f, c->tmp, c->fin, 0, c->d);
  c->f = NULL;
  if (st == CS_OK) {
    c->pend_tmp[c->npend] = c->tmp;
    c->pend_fin[c->npend++] = c->fin;
  } else {
    cs_free(c->tmp);
    cs_free(c->fin);
  }
  c->tmp = c->fin = NULL;
  return st;
}

static cs_status csv_prepare(cs_sink *sk) {
  csv_sink *c = (csv_sink *)sk;
  if (c->f) return CS_EINTERNAL; /* every table was closed at its end */
  cs_status st = CS_OK;
#if defined(SYNC_FILE_RANGE_WRITE) /* (else close_file synced each) */
  for (int i = 0; i < c->npend && st == CS_OK; i++)
    st = cs_sync_file(c->pend_tmp[i], c->pend_fin[i], c->d);
#endif
  return st;
}

cs_status cs_sink_csv_add_text(cs_sink *sk, const char *name, const char *text, size_t len) {
  csv_sink *c = (csv_sink *)sk;
  if (c->npend == CS_MAX_TABLES) return CS_EINTERNAL;
  char *fin = path_join(c->dir, name, ""), *tmp = fin ? tmp_name(fin) : NULL;
  FILE *f = tmp ? fopen(tmp, "w") : NULL;
  if (!f) {
    if (fin && tmp) cs_diags_add(c->d, fin, 0, 0, "cannot write: %s", strerror(errno));
    cs_free(fin);
    cs_free(tmp);
    return fin && tmp ? CS_EIO : CS_ENOMEM;
  }
  errno = 0;
  int werr = fwrite(text, 1, len, f) == len ? 0 : errno ? errno : EIO;
  cs_status st = close_file(f, tmp, fin, werr, c->d);
  if (st != CS_OK) {
    cs_free(fin);
    cs_free(tmp);
    return st;
  }
  c->pend_tmp[c->npend] = tmp;
  c->pend_fin[c->npend++] = fin;
  return CS_OK;
}

/* Renames every finished table into place (commit) or removes them all. */
static cs_status csv_finish(cs_sink *sk, int ok) {
  csv_sink *c = (csv_sink *)sk;
  cs_status st = CS_OK;
  if (c->f) {
    fclose(c->f);
    unlink(c->tmp);
  }
  for (int i = 0; i < c->npend; i++) {
    if (ok && st == CS_OK)
      st = rename_file(c->pend_tmp[i], c->pend_fin[i], c->d);
    else
      unlink(c->pend_tmp[i]);
    cs_free(c->pend_tmp[i]);
    cs_free(c->pend_fin[i]);
  }
  cs_free(c->dir);
  cs_free(c->tmp);
  cs_free(c->fin);
  cs_free(c);
  return st;
}

cs_sink *cs_sink_csv_new(const char *dir, cs_diags *d) {
  csv_sink *c = cs_calloc(1, sizeof *c);
  if (!c || !(c->dir = cs_strdup(dir))) {
    cs_free(c);
    return NULL;
  }
  c->d = d;
  c->base = (cs_sink){csv_begin, csv_row, csv_end, csv_prepare, csv_finish};
  return &c->base;
}

/* ---- SQLite: one transaction for the whole run, file renamed into place at commit ----
 * Rows go in SQL_ROWS at a time, with one INSERT of that many VALUES rows: per row, a
 * statement's step and reset and the start of its program cost about as much as the row's
 * own record, so a national run's million rows take about half the time. The rows are kept
 * until then (a row's text lives only until the next row: careshift.h), and inserted in
 * their order, so the rowids and the file are those of one INSERT a row. */
#define SQL_ROWS 16

typedef struct {
  cs_sink base;
  sqlite3 *db;
  sqlite3_stmt *ins;  /* SQL_ROWS rows */
  sqlite3_stmt *ins1; /* one row: the last rows of a table */
  char *tmp, *fin;
  const cs_tabledef *t;
  cs_diags *d;
  int npend;                                   /* rows kept */
  cs_value pend[SQL_ROWS * CS_TABLE_MAX_COLS]; /* their values */
  size_t toff[SQL_ROWS * CS_TABLE_MAX_COLS];   /* where their text is kept in text */
  char *text;                                  /* their text, each with its NUL */
  size_t ntext, captext;
} sql_sink;

static cs_status sql_err(sql_sink *s, const char *what) {
  cs_diags_add(s->d, s->fin, 0, 0, "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
  return CS_EIO;
}

static const char *sql_type(cs_type t) {
  return t == CS_TEXT ? "TEXT" : t == CS_INT ? "INTEGER" : "REAL";
}

/* "INSERT INTO t VALUES (?, ...)" with nrow rows of values. */
static char *insert_sql(sqlite3 *db, const cs_tabledef *t, int nrow) {
  sqlite3_str *in = sqlite3_str_new(db);
  sqlite3_str_appendf(in, "INSERT INTO \"%w\" VALUES ", t->name);
  for (int r = 0; r < nrow; r++) {
    sqlite3_str_appendall(in, r ? ", (" : "(");
    for (int i = 0; i < t->ncol; i++)
      sqlite3_str_appendall(in, i ? ", ?" : "?");
    sqlite3_str_appendall(in, ")");
  }
  return sqlite3_str_finish(in);
}

static cs_status sql_begin(cs_sink *sk, const cs_tabledef *t) {
  sql_sink *s = (sql_sink *)sk;
  sqlite3_str *cr = sqlite3_str_new(s->db);
  sqlite3_str_appendf(cr, "CREATE TABLE \"%w\" (", t->name);
  for (int i = 0; i < t->ncol; i++) {
    const cs_column *col = &t->cols[i];
    sqlite3_str_appendf(cr, "%s\"%w\" %s", i ? ", " : "", col->name, sql_type(col->type));
  }
  sqlite3_str_appendall(cr, ")");
  char *csql = sqlite3_str_finish(cr), *isql = insert_sql(s->db, t, SQL_ROWS),
       *isql1 = insert_sql(s->db, t, 1);
  cs_status st = CS_OK;
  s->t = t;
  s->npend = 0;
  s->ntext = 0;
  if (!csql || !isql || !isql1)
    st = CS_ENOMEM;
  else if (sqlite3_exec(s->db, csql, NULL, NULL, NULL) != SQLITE_OK)
    st = sql_err(s, "create table");
  else if (sqlite3_prepare_v2(s->db, isql, -1, &s->ins, NULL) != SQLITE_OK ||
           sqlite3_prepare_v2(s->db, isql1, -1, &s->ins1, NULL) != SQLITE_OK)
    st = sql_err(s, "prepare");
  sqlite3_free(csql);
  sqlite3_free(isql);
  sqlite3_free(isql1);
  return st;
}

/* Binds the kept rows from row r0, n of them, to st (the first parameter is 1) and inserts. */
static cs_status sql_insert(sql_sink *s, sqlite3_stmt *st, int r0, int n) {
  int nc = s->t->ncol;
  for (int r = 0; r < n; r++)
    for (int i = 0; i < nc; i++) {
      const cs_value *v = &s->pend[(size_t)(r0 + r) * nc + i];
      int rc, at = r * nc + i + 1;
      cs_type ty = s->t->cols[i].type;
      if (v->null)
        rc = sqlite3_bind_null(st, at);
      else if (ty == CS_TEXT)
        rc = sqlite3_bind_text(st, at, s->text + s->toff[(size_t)(r0 + r) * nc + i], -1,
                               SQLITE_STATIC);
      else if (ty == CS_INT)
        rc = sqlite3_bind_int64(st, at, v->i);
      else
        rc = sqlite3_bind_double(st, at, v->d);
      if (rc != SQLITE_OK) return sql_err(s, "bind");
    }
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? CS_OK : sql_err(s, "insert");
}

/* Inserts the kept rows: all at once when there are SQL_ROWS, else one by one (a table's last
 * rows). */
static cs_status sql_flush(sql_sink *s) {
  cs_status st = CS_OK;
  if (s->npend == SQL_ROWS)
    st = sql_insert(s, s->ins, 0, SQL_ROWS);
  else
    for (int r = 0; r < s->npend && st == CS_OK; r++)
      st = sql_insert(s, s->ins1, r, 1);
  s->npend = 0;
  s->ntext = 0;
  return st;
}

/* Keeps a copy of text t and its offset in *off. */
static cs_status keep_text(sql_sink *s, const char *t, size_t *off) {
  size_t n = strlen(t) + 1;
  if (s->ntext + n > s->captext) {
    size_t cap = s->captext ? s->captext : 4096;
    while (cap < s->ntext + n)
      cap *= 2;
    char *p = cs_realloc(s->text, cap);
    if (!p) return CS_ENOMEM;
    s->text = p;
    s->captext = cap;
  }
  memcpy(s->text + s->ntext, t, n);
  *off = s->ntext;
  s->ntext += n;
  return CS_OK;
}

static cs_status sql_row(cs_sink *sk, const cs_value *v) {
  sql_sink *s = (sql_sink *)sk;
  int nc = s->t->ncol;
  size_t at = (size_t)s->npend * nc;
  for (int i = 0; i < nc; i++) {
    cs_value *p = &s->pend[at + i];
    *p = v[i];
    if (s->t->cols[i].type != CS_TEXT || p->null) continue;
    if (!p->s) /* (bound as NULL, as sqlite3_bind_text binds a NULL pointer) */
      p->null = 1;
    else if (keep_text(s, p->s, &s->toff[at + i]) != CS_OK)
      return CS_ENOMEM;
  }
  return ++s->npend == SQL_ROWS ? sql_flush(s) : CS_OK;
}

static cs_status sql_end(cs_sink *sk) {
  sql_sink *s = (sql_sink *)sk;
  cs_status st = sql_flush(s);
  sqlite3_finalize(s->ins);
  sqlite3_finalize(s->ins1);
  s->ins = s->ins1 = NULL;
  return st;
}

static cs_status sql_prepare(cs_sink *sk) {
  sql_sink *s = (sql_sink *)sk;
  cs_status st = CS_OK;
  sqlite3_finalize(s->ins);
  sqlite3_finalize(s->ins1);
  s->ins = s->ins1 = NULL;
  if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) st = sql_err(s, "commit");
  if (st == CS_OK) {
    if (sqlite3_close(s->db) != SQLITE_OK) {
      cs_diags_add(s->d, s->fin, 0, 0, "sqlite: cannot close the database");
      return CS_EIO;
    }
    s->db = NULL;
    st = cs_sync_file(s->tmp, s->fin, s->d);
  }
  return st;
}

static cs_status sql_finish(cs_sink *sk, int commit) {
  sql_sink *s = (sql_sink *)sk;
  cs_status st = CS_OK;
  if (s->db) { /* not prepared: closing without COMMIT rolls the transaction back */
    sqlite3_finalize(s->ins);
    sqlite3_finalize(s->ins1);
    sqlite3_close(s->db);
    commit = 0;
  }
  st = cs_out_finish(s->tmp, s->fin, commit, s->d);
  cs_free(s->tmp);
  cs_free(s->fin);
  cs_free(s->text);
  cs_free(s);
  return st;
}

cs_sink *cs_sink_sqlite_new(const char *dir, cs_diags *d) {
  sql_sink *s = cs_calloc(1, sizeof *s);
  if (!s) return NULL;
  s->d = d;
  if (cs_out_paths(dir, "results.db", &s->fin, &s->tmp) != CS_OK) goto fail;
  unlink(s->tmp);
  /* one thread uses the connection (the sink's job): without SQLite's mutex on every call,
   * about an eighth fewer instructions for a national run's million rows */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(s->tmp, &s->db, flags, NULL) != SQLITE_OK) {
    sql_err(s, "open");
    goto fail;
  }
  /* The file is private until renamed, so journaling buys nothing; one transaction. */
  if (sqlite3_exec(s->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=NORMAL; BEGIN", NULL, NULL,
                   NULL) != SQLITE_OK) {
    sql_err(s, "begin");
    goto fail;
  }
  s->base = (cs_sink){sql_begin, sql_row, sql_end, sql_prepare, sql_finish};
  return &s->base;
fail:
  if (s->db) sqlite3_close(s->db);
  if (s->tmp) unlink(s->tmp);
  cs_free(s->tmp);
  cs_free(s->fin);
  cs_free(s);
  return NULL;
}
