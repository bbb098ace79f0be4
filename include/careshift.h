/* careshift.h: the public C API of careshift, a model of regional care-transformation plans.
 *
 * All types are opaque and carry the cs_ prefix. Ownership: every cs_X_new / cs_X_load hands
 * the caller an object that the caller frees with the matching cs_X_free; every cs_X_free
 * accepts NULL. Strings returned by getters belong to the object they came from and live as
 * long as it does. No function calls exit() or prints; errors are returned as cs_status and,
 * with location and message, appended to a cs_diags list. */
#ifndef CARESHIFT_H
#define CARESHIFT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CS_VERSION "0.1.0"

typedef enum {
  CS_OK = 0,
  CS_EINVAL = 1,   /* the input is invalid; the diagnostics say where and why */
  CS_ENOMEM = 2,   /* out of memory */
  CS_EIO = 3,      /* a file could not be read or written */
  CS_EINTERNAL = 4 /* a bug: please report with the plan */
} cs_status;

const char *cs_status_str(cs_status s);

/* ---- diagnostics: every problem found, each with FILE:LINE:COLUMN ---- */
typedef struct cs_diags cs_diags;

cs_diags *cs_diags_new(void);
void cs_diags_free(cs_diags *d);
size_t cs_diags_count(const cs_diags *d);
/* The i-th diagnostic, formatted "FILE:LINE:COLUMN: message", or "FILE: message" when it
 * has no place in a file (line <= 0 when added). */
const char *cs_diags_get(const cs_diags *d, size_t i);
/* Appends one diagnostic; file may be NULL. Returns CS_ENOMEM when it could not be kept. */
cs_status cs_diags_add(cs_diags *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- plans ---- */
typedef struct cs_plan cs_plan;

/* Loads and validates the plan at path (a YAML file naming CSV tables relative to it).
 * On success *out owns the plan; on failure *out is NULL and diags holds every problem.
 * Note: turns GSL's abort-on-error handler off for the process (gsl_set_error_handler_off),
 * since careshift reports numeric failures itself. */
cs_status cs_plan_load(const char *path, cs_plan **out, cs_diags *diags);
void cs_plan_free(cs_plan *plan);

typedef struct {
  const char *name, *region;
  int base_year, horizon;
  int areas, subregions, states, sectors, payers, groups;
  int themes, interventions, scenarios; /* scenarios: the plan's own scale/pace variants */
  int distributions;                    /* uncertain numbers in the plan */
  int projection_mode;
  double persons;                       /* base population (deterministic) */
  int has_psa;                          /* the plan has a psa: section */
  int psa_draws;                        /* psa.draws of the plan, 0 when absent */
  int psa_has_seed;                     /* psa.seed given */
  uint64_t psa_seed;
} cs_plan_info;

void cs_plan_get_info(const cs_plan *plan, cs_plan_info *info);

/* ---- runs ---- */
typedef struct cs_run cs_run;

/* Options of a run. Draw 0 (every uncertain number at its mean) gives the main tables; with
 * draws > 0 the run also computes draws 0..draws-1 for the PSA tables. */
typedef struct {
  int detail;         /* also keep population by sex, age and state (population.csv) */
  int draws;          /* PSA draws including draw 0; 0 = deterministic only */
  uint64_t seed;      /* PSA seed: draw d of parameter i depends on (seed, d, i) only */
  int threads;        /* worker threads for the draws; 0 = one per online CPU */
  int tornado;        /* with draws: also the one-way sensitivity runs (2 per parameter) */
  /* Called from the library as draws complete (done of total); NULL for none. */
  void (*progress)(void *ctx, int64_t done, int64_t total);
  void *progress_ctx;
} cs_run_options;

void cs_run_options_init(cs_run_options *o);

/* Runs every scenario of the plan. The plan must outlive the run. */
cs_status cs_run_new(const cs_plan *plan, const cs_run_options *opt, cs_run **out,
                     cs_diags *diags);
void cs_run_free(cs_run *run);

/* Writes the tables of OUTPUTS.md as CSV files and results.db into dir (created if needed),
 * each file atomically (written to a temporary name, then renamed). */
cs_status cs_run_write(const cs_run *run, const char *dir, cs_diags *diags);

/* ---- results: the tables of a run (docs/outputs.md), read without writing any file ----
 *
 * A run holds its tables: the state and comparison tables of the deterministic run (draw 0)
 * and, when the run has draws, the PSA summaries. A table has named, typed columns, each a
 * key (scenario, year, area, ...) or a value with its unit, and rows produced on demand
 * from the run's arrays, in the same order as the CSV files. Every sink (CSV, SQLite,
 * workbook) writes exactly these rows.
 *
 * Ownership, as in SQLite: tables, columns and the strings they return belong to the run
 * and live until cs_run_free; a cursor belongs to the caller (cs_cursor_free), and the row
 * it returns, with its text values, is valid until the next cs_cursor_next/seek/free. */
typedef enum { CS_TEXT = 1, CS_INT = 2, CS_REAL = 3 } cs_type;

typedef struct {
  const char *name;  /* column name, as in the CSV header */
  cs_type type;
  int key;           /* 1: part of the row's key; 0: a value */
  const char *unit;  /* unit of a value ("EUR", "FTE", "persons", ...); "" for keys and
                        dimensionless values */
} cs_column;

typedef struct {
  int null;          /* no value (CSV: empty cell; SQLite: NULL) */
  const char *s;     /* CS_TEXT */
  int64_t i;         /* CS_INT */
  double d;          /* CS_REAL */
} cs_value;

typedef struct cs_table cs_table;
typedef struct cs_cursor cs_cursor;

/* The tables this run has, in the order they are written. */
size_t cs_run_table_count(const cs_run *run);
const cs_table *cs_run_table(const cs_run *run, size_t i);      /* NULL when i is too large */
const cs_table *cs_run_table_find(const cs_run *run, const char *name); /* NULL when absent */

const char *cs_table_name(const cs_table *t);   /* "care", "business_case", ... */
const char *cs_table_title(const cs_table *t);  /* one line on what a row is */
size_t cs_table_column_count(const cs_table *t);
const cs_column *cs_table_column(const cs_table *t, size_t i);   /* NULL when i is too large */
int cs_table_column_index(const cs_table *t, const char *name); /* -1 when absent */
int64_t cs_table_row_count(const cs_table *t);

/* A cursor over a table's rows: open, then cs_cursor_next until it returns 0.
 * cs_cursor_seek(c, k) makes the next cs_cursor_next return row k (for paging). */
cs_status cs_cursor_open(const cs_table *t, cs_cursor **out);
int cs_cursor_next(cs_cursor *c);               /* 1: a row is ready; 0: no more rows */
cs_status cs_cursor_seek(cs_cursor *c, int64_t row); /* CS_EINVAL when row > row count */
const cs_value *cs_cursor_row(const cs_cursor *c); /* [column count] values of the current row */
int64_t cs_cursor_row_number(const cs_cursor *c); /* 0-based number of the current row */
void cs_cursor_free(cs_cursor *c);

/* The run log: capped migration, clamped transition rows, timings; one line each. */
const char *cs_run_log(const cs_run *run);

/* A compact human summary of the run for the terminal (lang "en" or "nl"). */
cs_status cs_run_summary(const cs_run *run, const char *lang, char **out_text);
void cs_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
