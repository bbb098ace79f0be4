/* io.h: the tables of a run and the sinks that write them.
 *
 * One descriptor per table (cs_tabledef: name, columns with type, key/value role and unit,
 * and how row i is produced from a run's arrays) serves every consumer: the CSV, SQLite and
 * workbook sinks, and the public results API (cs_run_table, cs_cursor). Adding a table is one
 * descriptor; adding a sink is one cs_sink. Files are written under temporary names and
 * renamed only when the whole run is written. */
#ifndef CS_IO_H
#define CS_IO_H

#include "careshift.h"
#include "psa/psa.h"

#include <stdio.h>
#include <stdint.h>

/* ---- what the tables read: the pieces of one run ---- */
typedef struct {
  const char *org, *role;
  int32_t year;
  double fte, euro;
} cs_resrow;

typedef struct {
  const cs_plan *pl;
  const cs_results *r;
  const cs_econ *ec;
  const cs_params *pm;
  const cs_scen *sc;
  const cs_psa *psa;      /* NULL when the run has no draws */
  const cs_psa_stats *ps; /* NULL when the run has no draws */
  const cs_resrow *res;   /* resources.csv rows, summed and sorted */
  int64_t nres;
  const char **prob_what; /* psa_probabilities' `what` of each row of a scenario */
  int32_t nprob;
  const cs_shapley *shap;  /* the themes' contributions (ntheme 0: none) */
  const char **shap_met;   /* [shap->nmet] metric names */
  const char **ivshap_met; /* [shap->iv_nmet] metric names per intervention */
  double *ins_sub;         /* [niv][nsub][ninsurer] an insurer's share of an intervention's money
                            * in a subregion (tables_budget.c; NULL without insurers) */
  const char **info;       /* run_info.csv's values, in its row order (tables_info.c); NULL:
                            * no run_info table */
} cs_view;

/* Derives what the tables need beyond the run's arrays (resource rows, labels), in ar.
 * psa and ps may be NULL. */
cs_status cs_view_init(cs_view *v, const cs_plan *pl, const cs_results *r, const cs_econ *ec,
                       const cs_params *pm, const cs_scen *sc, const cs_psa *psa,
                       const cs_psa_stats *ps, const cs_shapley *shap, cs_arena *ar);

/* Discounted savings of stakeholder p (npayer: total) in scenario s at marginal prices
 * (each sector's cost change times its marginal_share; docs/model.md 7; tables_budget.c). */
double cs_savings_marginal(const cs_view *v, int32_t s, int32_t p);
/* Participant-years of interventions first..first+count-1 in scenario s, discounted at the
 * money rate (theme_roi and intervention_roi; tables_budget.c). */
double cs_participants_discounted(const cs_view *v, int32_t s, int32_t first, int32_t count);
/* Fills v->ins_sub (tables_budget.c); CS_OK without insurers. */
cs_status cs_view_insurers(cs_view *v, cs_arena *ar);
/* Fills v->info, run_info.csv's values (tables_info.c): draws the PSA draws the run computed
 * (0: none) and seed their seed. Only what two identical runs share: no time, host or
 * thread count. */
cs_status cs_view_run_info(cs_view *v, int32_t draws, uint64_t seed, cs_arena *ar);

/* ---- reading a results.db back (tables_db.c, v0.2): the layers above io read a run's
 * tables through this, so SQLite stays behind io ---- */
typedef struct cs_rdb cs_rdb;
/* Opens path read-only; CS_EIO with a diagnostic naming path when it cannot. */
cs_status cs_rdb_open(const char *path, cs_rdb **out, cs_diags *d);
void cs_rdb_close(cs_rdb *db); /* NULL is fine */
int cs_rdb_has_table(cs_rdb *db, const char *name);
/* Runs sql and calls fn with each row's columns as text (NULL for null) and as numbers (NaN
 * for null); a failure of fn stops the query with its status. CS_EIO with a diagnostic when
 * SQLite fails (not a database, a missing column). */
typedef cs_status cs_rdb_row_fn(void *ctx, int ncol, const char *const *text, const double *num);
cs_status cs_rdb_query(cs_rdb *db, const char *sql, cs_rdb_row_fn *fn, void *ctx, cs_diags *d);

/* ---- table descriptors ---- */
#define CS_TABLE_MAX_COLS 16 /* the most columns a table may have */

typedef struct cs_tabledef {
  const char *name;  /* file name without .csv; SQLite table; worksheet */
  const char *title; /* one line: what a row is */
  int ncol;
  const cs_column *cols;
  int in_workbook;                  /* also a worksheet of business_case.xlsx */
  int (*present)(const cs_view *v); /* NULL: always */
  int64_t (*nrows)(const cs_view *v);
  /* Fills out[ncol] with row i (0 <= i < nrows), in the order of the CSV file. Text values
   * point into the plan or the view; non-finite reals are null. */
  void (*row)(const cs_view *v, int64_t i, cs_value *out);
} cs_tabledef;

/* Every table, in the order they are written. */
size_t cs_tabledef_count(void);
const cs_tabledef *cs_tabledef_get(size_t i);
static inline int cs_tabledef_present(const cs_tabledef *t, const cs_view *v) {
  return !t->present || t->present(v);
}

/* Value helpers for row functions. */
static inline cs_value cs_vs(const char *s) {
  cs_value v = {0};
  v.s = s;
  v.null = s == NULL;
  return v;
}
static inline cs_value cs_vi(int64_t i) {
  cs_value v = {0};
  v.i = i;
  return v;
}
/* NaN and infinities are written as empty cells: no reader parses them the same way. */
static inline cs_value cs_vd(double d) {
  cs_value v = {0};
  v.d = d;
  v.null = !(d - d == 0.0);
  return v;
}
static inline cs_value cs_vnull(void) {
  cs_value v = {0};
  v.null = 1;
  return v;
}

/* ---- sinks ---- */
typedef struct cs_sink cs_sink;
struct cs_sink {
  cs_status (*begin)(cs_sink *, const cs_tabledef *t);
  cs_status (*row)(cs_sink *, const cs_value *vals);
  cs_status (*end)(cs_sink *);
  /* Two-phase end of a run, so that the outputs change all together or not at all:
   * prepare makes everything durable under temporary names (may fail); finish then renames
   * it all into place (commit) or removes it, and frees the sink. */
  cs_status (*prepare)(cs_sink *);
  cs_status (*finish)(cs_sink *, int commit);
};

/* Writes every table present in v to every sink; stops at the first error, or with
 * CS_ECANCELED soon after *cancel (may be NULL) becomes non-zero. A value that is not finite
 * in a column that may not be empty fails the write (CS_EINTERNAL) with a diagnostic naming
 * the table, the column and the row's key: never an empty cell in place of a number. */
cs_status cs_tables_write(const cs_view *v, cs_sink *const *sinks, int nsink,
                          const volatile sig_atomic_t *cancel, cs_diags *d);

/* Sinks. dir must exist. On failure they return NULL and add a diagnostic. */
cs_sink *cs_sink_csv_new(const char *dir, cs_diags *d);
/* Adds a text file (run.log) to a CSV sink's files: written now, synced with the tables
 * (prepare) and renamed with them at commit. */
cs_status cs_sink_csv_add_text(cs_sink *csv, const char *name, const char *text, size_t len);
/* A text field of a CSV row: as it is, or in double quotes (a quote doubled) when it holds a
 * comma, a quote or a line break (RFC 4180). */
void cs_csv_text(FILE *f, const char *s);
cs_sink *cs_sink_sqlite_new(const char *dir, cs_diags *d);
/* business_case.xlsx: one worksheet per table with in_workbook (output_xlsx.c). */
/* The document's times are SOURCE_DATE_EPOCH when set, else 1 January of year (UTC), so two
 * runs of one plan give the same bytes. */
cs_sink *cs_sink_xlsx_new(const char *dir, int32_t year, cs_diags *d);

/* ---- the output directory (outdir.c) ---- */
/* cs_outdir_open and cs_outdir_close are public (careshift.h). The run is written into the
 * private directory, then committed in one atomic step. */
const char *cs_outdir_private(const cs_outdir *o);
const char *cs_outdir_shown(const cs_outdir *o); /* the directory as the user named it */
cs_status cs_outdir_commit(cs_outdir *o, cs_diags *d);
/* A writer of one more output file into dir (report.html), by a temporary name and a rename. */
typedef cs_status cs_outdir_fn(const char *dir, void *ctx, cs_diags *d);
/* At commit, fn writes into the private directory before the manifest: its file is part of the
 * run's atomic set. The layers above io (report) set it; io knows nothing of what it writes. */
void cs_outdir_before_commit(cs_outdir *o, cs_outdir_fn *fn, void *ctx);
/* Adds the output file name to the run already in dir: takes the directory's lock (as a run
 * does), lets fn write the file, and lists it in the manifest. CS_EINVAL (with a diagnostic)
 * when dir is not a careshift run directory. */
cs_status cs_outdir_add(const char *dir, const char *name, cs_outdir_fn *fn, void *ctx,
                        cs_diags *d);

/* The final and the temporary (NAME.tmp.PID) path of an output file; both malloc'd. */
cs_status cs_out_paths(const char *dir, const char *name, char **fin, char **tmp);
/* Renames a prepared temporary file into place (commit) or removes it. */
cs_status cs_out_finish(const char *tmp, const char *fin, int commit, cs_diags *d);
/* fsyncs a closed file by name; errors are reported under the name shown. */
cs_status cs_sync_file(const char *path, const char *shown, cs_diags *d);
/* fsyncs a directory, so renames into it survive a power loss. */
cs_status cs_sync_dir(const char *dir, cs_diags *d);
/* Creates dir and its parents if needed; *made (may be NULL) is the length of the shortest
 * prefix of dir it created, 0 when it created nothing. On failure it created nothing. */
cs_status cs_mkdir_p(const char *dir, size_t *made, cs_diags *d);

#endif
