/* import.c: `careshift monitor import`: an actuals file checked row by row against the plan
 * (every problem at once), then stored in the run's results.db in one transaction that either
 * adds every new row or changes nothing. */
#include "monitor.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SOURCE_MAX 1000 /* bytes of the source column */

static const char *const COLS[] = {"indicator", "area_or_subregion", "year", "value", "source"};

/* One row that passed every check. */
typedef struct {
  cs_indicator ind;
  cs_place place;
  int32_t year, line, vcol;
  double value;
  const char *value_text, *source;
  char indicator[160];
} arow;

typedef struct {
  const cs_plan *pl;
  const char *disp;
  cs_diags *d;
  int bad;
  arow *rows;
  size_t nrow;
  const cs_monitor_import_options *opt;
  cs_monitor_import_result *res;
  const char *sha256;
  const char *db_path;
} importer;

static void problem(importer *im, int32_t line, int32_t col, const char *msg) {
  cs_diags_add(im->d, im->disp, line, col, "%s", msg);
  im->bad++;
}

/* The header: the four columns, optionally the fifth; its width, or 0 (reported). */
static int header(importer *im, const cs_mrec *h) {
  int ok = h->nf == 4 || h->nf == 5;
  for (int i = 0; ok && i < h->nf; i++)
    ok = !strcmp(h->f[i].s, COLS[i]);
  if (ok) return h->nf;
  problem(im, h->line, 1,
          "the header is not indicator,area_or_subregion,year,value[,source] (expected "
          "exactly these column names, in this order)");
  return 0;
}

static int parse_year(importer *im, const cs_mfield *f, int32_t line, int32_t *out) {
  char msg[200];
  const char *s = f->s;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || s[0] == '+' || s[0] == '-' || s[0] == ' ') {
    snprintf(msg, sizeof msg, "year '%.40s' is not a whole number (expected a year such as %d)", s,
             im->pl->T0 + 1);
    problem(im, line, f->col, msg);
    return -1;
  }
  if (v < im->pl->T0 || v > im->pl->T1) {
    snprintf(msg, sizeof msg, "year %ld is outside the plan's years (expected %d to %d)", v,
             im->pl->T0, im->pl->T1);
    problem(im, line, f->col, msg);
    return -1;
  }
  *out = (int32_t)v;
  return 0;
}

/* Whether s is a decimal number: an optional sign, digits with at most one '.', at least one
 * digit, and an optional exponent (e or E, an optional sign, digits). No spaces, no hex, no
 * inf or nan: what strtod would take beyond that is not the documented format. */
static int decimal(const char *s) {
  size_t i = s[0] == '+' || s[0] == '-', digits = 0;
  for (; s[i] >= '0' && s[i] <= '9'; i++)
    digits++;
  if (s[i] == '.')
    for (i++; s[i] >= '0' && s[i] <= '9'; i++)
      digits++;
  if (!digits) return 0;
  if (s[i] == 'e' || s[i] == 'E') {
    i += s[i + 1] == '+' || s[i + 1] == '-';
    size_t e = ++i;
    while (s[i] >= '0' && s[i] <= '9')
      i++;
    if (i == e) return 0;
  }
  return s[i] == '\0';
}

/* Whether the literal's digits before any exponent are all 0 (a zero, however written). */
static int zero_literal(const char *s) {
  for (; *s && *s != 'e' && *s != 'E'; s++)
    if (*s >= '1' && *s <= '9') return 0;
  return 1;
}

static int parse_value(importer *im, const cs_mfield *f, int32_t line, double *out) {
  char msg[320];
  const char *s = f->s;
  const char *u = s + (*s == '+' || *s == '-');
  if (!decimal(s)) {
    if (!strncasecmp(u, "inf", 3) || !strncasecmp(u, "nan", 3))
      snprintf(msg, sizeof msg, "value '%.40s' is not a finite number (expected a number >= 0)", s);
    else if (u[0] == '0' && (u[1] == 'x' || u[1] == 'X'))
      snprintf(msg, sizeof msg,
               "value '%.40s' is hexadecimal (expected a plain decimal such as 1234.5: digits, "
               "a decimal point, an exponent such as 1.5e6)",
               s);
    else
      snprintf(msg, sizeof msg,
               "value '%.40s' is not a number (expected a plain decimal such as 1234.5, with a "
               "decimal point and no thousands separators)",
               s);
    problem(im, line, f->col, msg);
    return -1;
  }
  errno = 0;
  double v = strtod(s, NULL);
  if (errno == ERANGE && fabs(v) < 1) { /* below the smallest normal double: 0 or imprecise */
    snprintf(msg, sizeof msg,
             "value %.40s is too small to be stored (it would read as %s; expected 0, or a "
             "number >= %g)",
             s, v == 0 ? "0" : "an imprecise number", DBL_MIN);
    problem(im, line, f->col, msg);
    return -1;
  }
  if (v < 0 && !zero_literal(s)) {
    snprintf(msg, sizeof msg, "value %.40s is negative (expected a number >= 0)", s);
    problem(im, line, f->col, msg);
    return -1;
  }
  if (errno == ERANGE || v > CS_MON_MAX_VALUE) {
    snprintf(msg, sizeof msg,
             "value %.40s is above 1e15, the largest an actual may be (expected a number from 0 "
             "to 1e15 = 1000000000000000 in the indicator's unit)",
             s);
    problem(im, line, f->col, msg);
    return -1;
  }
  *out = v == 0 ? 0.0 : v; /* -0 is 0 */
  return 0;
}

/* The indicator and the place, and whether the indicator exists at that level. */
static int parse_what(importer *im, const cs_mrec *r, arow *a) {
  char msg[400];
  int bad = 0;
  if (cs_ind_parse(im->pl, r->f[0].s, &a->ind, msg, sizeof msg))
    problem(im, r->line, r->f[0].col, msg), bad = 1;
  if (cs_place_parse(im->pl, r->f[1].s, &a->place, msg, sizeof msg))
    problem(im, r->line, r->f[1].col, msg), bad = 1;
  else if (!bad && cs_ind_by_subregion(a->ind.kind) && a->place.level == CS_LVL_AREA) {
    snprintf(msg, sizeof msg,
             "%s is projected per subregion, not per area: '%.80s' is an area (expected a "
             "subregion or region)",
             cs_ind_kind_name[a->ind.kind], r->f[1].s);
    problem(im, r->line, r->f[1].col, msg), bad = 1;
  }
  if (!bad) cs_ind_format(im->pl, a->ind, a->indicator, sizeof a->indicator);
  return bad ? -1 : 0;
}

/* Checks one data row; 0 and a->* filled when it is good. */
static int check_row(importer *im, const cs_mrec *r, int ncol, arow *a) {
  char msg[200];
  if (r->nf != ncol) {
    snprintf(msg, sizeof msg, "the row has %d field%s (expected %d, as the header)", r->nf,
             r->nf == 1 ? "" : "s", ncol);
    problem(im, r->line, 1, msg);
    return -1;
  }
  memset(a, 0, sizeof *a);
  a->line = r->line;
  a->vcol = r->f[3].col;
  a->value_text = r->f[3].s;
  a->source = ncol == 5 ? r->f[4].s : "";
  int bad = parse_what(im, r, a);
  bad |= parse_year(im, &r->f[2], r->line, &a->year);
  bad |= parse_value(im, &r->f[3], r->line, &a->value);
  if (ncol == 5 && strlen(a->source) > SOURCE_MAX) {
    snprintf(msg, sizeof msg, "the source is %zu bytes long (expected at most %d)",
             strlen(a->source), SOURCE_MAX);
    problem(im, r->line, r->f[4].col, msg);
    bad = 1;
  }
  return bad ? -1 : 0;
}

/* Order of keys (indicator, place, year), then of lines: duplicates end up side by side. */
static int by_key(const void *x, const void *y) {
  const arow *a = x, *b = y;
  int c = strcmp(a->indicator, b->indicator);
  if (!c) c = (a->place.level > b->place.level) - (a->place.level < b->place.level);
  if (!c) c = (a->place.idx > b->place.idx) - (a->place.idx < b->place.idx);
  if (!c) c = (a->year > b->year) - (a->year < b->year);
  return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int same_key(const arow *a, const arow *b) {
  return !strcmp(a->indicator, b->indicator) && a->place.level == b->place.level &&
         a->place.idx == b->place.idx && a->year == b->year;
}

/* Reports every repeated key at its later lines. Sorts the rows (by key). */
static void duplicates(importer *im) {
  qsort(im->rows, im->nrow, sizeof *im->rows, by_key);
  char msg[400];
  for (size_t i = 1, first = 0; i < im->nrow; i++) {
    if (!same_key(&im->rows[i], &im->rows[first])) {
      first = i;
      continue;
    }
    const arow *a = &im->rows[i];
    snprintf(msg, sizeof msg, "duplicate actual for %s, %s, %d (first given at line %d)",
             a->indicator, cs_place_id(im->pl, a->place), a->year, im->rows[first].line);
    problem(im, a->line, 1, msg);
  }
}

/* Reads and checks the file; CS_OK with im->rows when it has no problem. */
static cs_status check_file(importer *im, cs_mcsv *t, const char *path) {
  size_t before = cs_diags_total(im->d);
  cs_status st = cs_mcsv_read(path, im->disp, t, im->d);
  im->bad += (int)(cs_diags_total(im->d) - before); /* quoting problems: those rows dropped */
  if (st != CS_OK) return st;
  if (t->nrec == 0) {
    problem(im, 1, 1,
            "the file is empty (expected the header "
            "indicator,area_or_subregion,year,value[,source])");
    return CS_EINVAL;
  }
  int ncol = header(im, &t->rec[0]);
  if (!ncol) return CS_EINVAL;
  im->rows = cs_calloc(t->nrec, sizeof *im->rows);
  if (!im->rows) return CS_ENOMEM;
  for (size_t i = 1; i < t->nrec; i++)
    if (check_row(im, &t->rec[i], ncol, &im->rows[im->nrow]) == 0) im->nrow++;
  duplicates(im);
  return im->bad ? CS_EINVAL : CS_OK;
}

/* ---- writing ---- */

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS actuals (indicator TEXT NOT NULL, area TEXT NOT NULL, "
    "year INTEGER NOT NULL, value REAL NOT NULL, source TEXT NOT NULL, imported_at TEXT NOT "
    "NULL, file_sha256 TEXT NOT NULL, PRIMARY KEY (indicator, area, year))";

typedef struct {
  sqlite3_stmt *find, *ins, *upd;
  char when[32];
  int conflicts;
} stmts;

static cs_status prepare(cs_mdb *m, stmts *s, cs_diags *d) {
  if (!(s->find = cs_mdb_prepare(m,
                                 "SELECT value, source, imported_at, file_sha256 FROM actuals "
                                 "WHERE indicator = ?1 AND area = ?2 AND year = ?3",
                                 d)) ||
      !(s->ins = cs_mdb_prepare(m,
                                "INSERT INTO actuals (indicator, area, year, value, source, "
                                "imported_at, file_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                d)) ||
      !(s->upd = cs_mdb_prepare(m,
                                "UPDATE actuals SET value = ?4, source = ?5, imported_at = ?6, "
                                "file_sha256 = ?7 WHERE indicator = ?1 AND area = ?2 AND "
                                "year = ?3",
                                d)))
    return m->err;
  return CS_OK;
}

static void bind_row(importer *im, sqlite3_stmt *q, const arow *a, const stmts *s) {
  sqlite3_bind_text(q, 1, a->indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, cs_place_id(im->pl, a->place), -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 3, a->year);
  if (q == s->find) return;
  sqlite3_bind_double(q, 4, a->value);
  sqlite3_bind_text(q, 5, a->source, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 6, s->when, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 7, im->sha256, -1, SQLITE_STATIC);
}

static int run_stmt(sqlite3_stmt *q) {
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return rc == SQLITE_DONE ? 0 : -1;
}

static void conflict(importer *im, const arow *a, sqlite3_stmt *f, stmts *s) {
  char old[40];
  cs_mon_num(sqlite3_column_double(f, 0), old, sizeof old);
  const char *when = (const char *)sqlite3_column_text(f, 2);
  const char *sha = (const char *)sqlite3_column_text(f, 3);
  cs_diags_add(im->d, im->disp, a->line, a->vcol,
               "value %s for %s, %s, %d differs from %s, imported %s from a file with sha256 "
               "%.12s... (expected the same value; --replace replaces it)",
               a->value_text, a->indicator, cs_place_id(im->pl, a->place), a->year, old,
               when ? when : "?", sha ? sha : "?");
  s->conflicts++;
}

/* One row against what the database holds: added, unchanged, replaced, or a conflict. */
static int store(importer *im, const arow *a, stmts *s) {
  bind_row(im, s->find, a, s);
  int rc = sqlite3_step(s->find), act = 0; /* 0 nothing, 1 insert, 2 update */
  if (rc == SQLITE_DONE)
    act = 1;
  else if (rc != SQLITE_ROW)
    act = -1;
  else if (sqlite3_column_double(s->find, 0) != a->value) {
    if (im->opt->replace)
      act = 2;
    else
      conflict(im, a, s->find, s);
  } else if (im->opt->replace && strcmp((const char *)sqlite3_column_text(s->find, 1), a->source))
    act = 2; /* the same value with a new source */
  sqlite3_reset(s->find);
  sqlite3_clear_bindings(s->find);
  if (act <= 0) {
    im->res->unchanged += act == 0 && rc == SQLITE_ROW;
    return act;
  }
  sqlite3_stmt *q = act == 1 ? s->ins : s->upd;
  bind_row(im, q, a, s);
  if (run_stmt(q)) return -1;
  if (act == 1)
    im->res->added++;
  else
    im->res->replaced++;
  return 0;
}

static void stamp(int64_t t, char out[32]) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* Every row inside the transaction the caller began; CS_EINVAL on conflicts. */
static cs_status store_all(importer *im, cs_mdb *m) {
  stmts s = {0};
  stamp(im->opt->imported_at, s.when);
  cs_status st = CS_OK;
  if (sqlite3_exec(m->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(m->db,
                   "SELECT indicator, area, year, value, source, imported_at, file_sha256 "
                   "FROM actuals LIMIT 0",
                   NULL, NULL, NULL) != SQLITE_OK) {
    cs_diags_add(im->d, m->path, 0, 0,
                 "cannot use its table 'actuals': %s (expected the columns indicator, area, "
                 "year, value, source, imported_at, file_sha256)",
                 sqlite3_errmsg(m->db));
    st = CS_EIO;
  }
  if (st == CS_OK) st = prepare(m, &s, im->d);
  for (size_t i = 0; st == CS_OK && i < im->nrow; i++)
    if (store(im, &im->rows[i], &s) < 0) st = cs_mdb_fail(m, "cannot write the actuals", im->d);
  sqlite3_finalize(s.find);
  sqlite3_finalize(s.ins);
  sqlite3_finalize(s.upd);
  if (st == CS_OK && s.conflicts) st = CS_EINVAL;
  return st;
}

/* The transaction: BEGIN IMMEDIATE (no other writer from here), the rows, COMMIT only when
 * something changed and nothing failed; otherwise ROLLBACK, which leaves the file's bytes. */
static cs_status transact(const char *dir, void *ctx, cs_diags *d) {
  (void)dir;
  importer *im = ctx;
  cs_mdb m;
  cs_status st = cs_mdb_open(&m, im->db_path, 1, im->pl, d);
  if (st != CS_OK) return st;
  if (sqlite3_exec(m.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    st = cs_mdb_fail(&m, "cannot write the database", d);
    cs_mdb_close(&m);
    return st;
  }
  st = store_all(im, &m);
  int changed = im->res->added + im->res->replaced > 0;
  if (st == CS_OK && changed && sqlite3_exec(m.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    if ((sqlite3_errcode(m.db) & 0xff) == SQLITE_BUSY) { /* readers kept it for 5 s */
      cs_diags_add(d, im->db_path, 0, 0,
                   "is being read by another process (careshift serve, report or monitor "
                   "status) and could not be written within 5 seconds; nothing was imported: "
                   "try again when it has finished");
      st = CS_EIO;
    } else {
      st = cs_mdb_fail(&m, "cannot commit the actuals", d);
    }
  }
  if (st != CS_OK || !changed) sqlite3_exec(m.db, "ROLLBACK", NULL, NULL, NULL);
  if (st != CS_OK) im->res->added = im->res->replaced = im->res->unchanged = 0;
  cs_mdb_close(&m);
  return st;
}

/* The directory of path and its last component, in buf (n bytes); -1 when too long. */
static int split(const char *path, char *buf, size_t n, const char **dir, const char **base) {
  if (snprintf(buf, n, "%s", path) >= (int)n) return -1;
  char *slash = strrchr(buf, '/');
  if (!slash) {
    *dir = ".", *base = buf;
  } else {
    *slash = '\0';
    *dir = slash == buf ? "/" : buf, *base = slash + 1;
  }
  return 0;
}

/* In a run directory the import takes the directory's lock, as `careshift report` does, so a
 * run cannot swap results.db away under it; a results.db elsewhere is SQLite's alone. */
static cs_status write_db(importer *im) {
  char buf[4200], probe[4300];
  const char *dir, *base;
  if (split(im->db_path, buf, sizeof buf, &dir, &base)) {
    cs_diags_add(im->d, im->db_path, 0, 0, "the path is too long (expected at most 4096 bytes)");
    return CS_EINVAL;
  }
  snprintf(probe, sizeof probe, "%s/.careshift-manifest", dir);
  FILE *f = fopen(probe, "r");
  if (!f) return transact(dir, im, im->d);
  fclose(f);
  return cs_outdir_add(dir, base, transact, im, im->d);
}

cs_status cs_monitor_import(const cs_plan *plan, const char *csv_path, const char *db_path,
                            const cs_monitor_import_options *opt, cs_monitor_import_result *res,
                            cs_diags *diags) {
  cs_monitor_import_result scratch;
  cs_monitor_import_options none = {0, 0};
  if (!res) res = &scratch;
  memset(res, 0, sizeof *res);
  if (!plan || !csv_path || !db_path || !diags) return CS_EINVAL;
  importer im = {.pl = plan,
                 .disp = csv_path,
                 .d = diags,
                 .opt = opt ? opt : &none,
                 .res = res,
                 .db_path = db_path};
  cs_mcsv t;
  cs_status st = check_file(&im, &t, csv_path);
  memcpy(res->sha256, t.sha256, sizeof res->sha256);
  im.sha256 = res->sha256;
  res->rows = t.nrec ? (int64_t)t.nrec - 1 : 0;
  if (st == CS_OK) st = write_db(&im);
  cs_free(im.rows);
  cs_mcsv_free(&t);
  return st;
}
