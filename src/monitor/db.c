/* db.c: the run's results.db as monitoring uses it: checked to be a careshift run, its
 * run_info read (PSA draws and seed, the plan's checksums), statements reported by name. */
#include "monitor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_mon_checksum(uint64_t h, char out[32]) { snprintf(out, 32, "fnv1a64:%016" PRIx64, h); }

int cs_mdb_has_table(cs_mdb *m, const char *table) {
  sqlite3_stmt *q = NULL;
  int yes = 0;
  if (sqlite3_prepare_v2(m->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                         &q, NULL) == SQLITE_OK &&
      sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC) == SQLITE_OK)
    yes = sqlite3_step(q) == SQLITE_ROW;
  sqlite3_finalize(q);
  return yes;
}

cs_status cs_mdb_fail(cs_mdb *m, const char *what, cs_diags *d) {
  int rc = sqlite3_extended_errcode(m->db), prim = rc & 0xff;
  if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
    cs_diags_add(d, m->path, 0, 0,
                 "is locked by another careshift process (an import or a run is writing it); "
                 "try again when it has finished");
    return m->err = CS_EIO;
  }
  if (rc == SQLITE_READONLY_ROLLBACK) {
    /* a read-only connection found a hot journal: only a writer may roll it back */
    cs_diags_add(d, m->path, 0, 0,
                 "an interrupted import (or another interrupted write) left its journal %s-journal "
                 "beside the database, so its last transaction is half written and cannot be "
                 "read; `careshift monitor import PLAN ACTUALS.csv --db %s` (or any write to the "
                 "database) rolls the journal back and restores the database as it was before "
                 "that import; then try again",
                 m->path, m->path);
    return m->err = CS_EIO;
  }
  if (prim == SQLITE_READONLY) {
    cs_diags_add(d, m->path, 0, 0,
                 "%s: %s (expected a results.db this user may write, in a directory it may "
                 "write: SQLite writes a journal beside it)",
                 what, sqlite3_errmsg(m->db));
    return m->err = CS_EIO;
  }
  if (prim == SQLITE_NOMEM) {
    cs_diags_add(d, m->path, 0, 0, "out of memory reading the database");
    return m->err = CS_ENOMEM;
  }
  if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT) {
    cs_diags_add(d, m->path, 0, 0,
                 "is not an SQLite database (%s); expected DIR/results.db of "
                 "`careshift run PLAN --out DIR`",
                 sqlite3_errmsg(m->db));
    return m->err = CS_EINVAL;
  }
  cs_diags_add(d, m->path, 0, 0, "%s: %s", what, sqlite3_errmsg(m->db));
  return m->err = prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_CANTOPEN ||
                          prim == SQLITE_PERM || prim == SQLITE_PROTOCOL
                      ? CS_EIO
                      : CS_EINVAL;
}

sqlite3_stmt *cs_mdb_prepare(cs_mdb *m, const char *sql, cs_diags *d) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(m->db, sql, -1, &q, NULL) == SQLITE_OK) return q;
  cs_mdb_fail(m, "cannot read the database", d);
  sqlite3_finalize(q);
  return NULL;
}

/* run_info's value of key into out (n bytes); "" when absent. */
static void info(cs_mdb *m, const char *key, char *out, size_t n) {
  sqlite3_stmt *q = NULL;
  out[0] = '\0';
  if (sqlite3_prepare_v2(m->db, "SELECT value FROM run_info WHERE key = ?", -1, &q, NULL) ==
          SQLITE_OK &&
      sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
}

/* The tables status and import read; their absence means this is no careshift run (or one
 * of careshift 0.1, before run_info and areas). */
static const char *const NEEDED[] = {"run_info", "areas",     "sectors",      "demography",
                                     "care",     "workforce", "interventions"};

static cs_status check_run(cs_mdb *m, const cs_plan *pl, cs_diags *d) {
  for (size_t i = 0; i < sizeof NEEDED / sizeof *NEEDED; i++)
    if (!cs_mdb_has_table(m, NEEDED[i])) {
      cs_diags_add(d, m->path, 0, 0,
                   "is not the results.db of a careshift run (it has no table '%s'; expected "
                   "DIR/results.db of `careshift run PLAN --out DIR`, careshift 0.2 or later)",
                   NEEDED[i]);
      return CS_EINVAL;
    }
  char v[64], mine[32];
  info(m, "draws", v, sizeof v);
  m->draws = atoi(v);
  info(m, "seed", v, sizeof v);
  m->seed = strtoull(v, NULL, 10);
  info(m, "plan_checksum", m->plan_checksum, sizeof m->plan_checksum);
  info(m, "inputs_checksum", m->inputs_checksum, sizeof m->inputs_checksum);
  info(m, "reforecast_from_year", v, sizeof v);
  m->reforecast_from = atoi(v);
  info(m, "actuals_db", m->actuals_db, sizeof m->actuals_db);
  cs_mon_checksum(pl->yaml_hash, mine);
  if (strcmp(mine, m->plan_checksum))
    cs_diags_add(d, m->path, 0, 0,
                 "warning: the run was made from another version of the plan (plan_checksum %s, "
                 "the plan now %s); the planned values are the run's",
                 m->plan_checksum, mine);
  return CS_OK;
}

cs_status cs_mdb_open(cs_mdb *m, const char *path, int write, const cs_plan *pl, cs_diags *d) {
  memset(m, 0, sizeof *m);
  m->path = path;
  /* never create: a results.db that is not there is an error, not a new empty database */
  int flags = write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  int rc = sqlite3_open_v2(path, &m->db, flags, NULL);
  if (rc == SQLITE_NOMEM || (!m->db && rc != SQLITE_OK)) {
    cs_mdb_close(m);
    cs_diags_add(d, path, 0, 0, "out of memory opening the database");
    return CS_ENOMEM;
  }
  if (rc != SQLITE_OK) {
    cs_diags_add(d, path, 0, 0,
                 "cannot open the database: %s (expected DIR/results.db of "
                 "`careshift run PLAN --out DIR`)",
                 sqlite3_errmsg(m->db));
    cs_mdb_close(m);
    return rc == SQLITE_CANTOPEN ? CS_EIO : CS_EINVAL;
  }
  sqlite3_busy_timeout(m->db, 5000); /* `careshift serve` may be reading it */
  /* Read-only, everything is read in one transaction: its first statement takes SQLite's
   * shared lock, held until cs_mdb_close, so every table is read from the same state of the
   * database (an import cannot commit in between) and no later statement can find it locked.
   * A file that is not SQLite fails at this first statement; so does a database another
   * process holds locked, or one with a hot journal opened read-only (cs_mdb_fail). */
  if ((!write && sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) ||
      sqlite3_exec(m->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
    cs_status st = cs_mdb_fail(m, "cannot read the database", d);
    cs_mdb_close(m);
    return st;
  }
  cs_status st = check_run(m, pl, d);
  if (st != CS_OK) cs_mdb_close(m);
  return st;
}

void cs_mdb_close(cs_mdb *m) {
  if (m->db) sqlite3_close(m->db);
  m->db = NULL;
}
