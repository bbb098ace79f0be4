/* careshift.h: the public C API of careshift, a model of regional care-transformation plans.
 *
 * All types are opaque and carry the cs_ prefix. Ownership: every cs_X_new / cs_X_load hands
 * the caller an object that the caller frees with the matching cs_X_free; every cs_X_free
 * accepts NULL. Strings returned by getters belong to the object they came from and live as
 * long as it does. No function calls exit() or prints; errors are returned as cs_status and,
 * with location and message, appended to a cs_diags list. */
#ifndef CARESHIFT_H
#define CARESHIFT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CS_VERSION "0.1.0"

/* The library is built with hidden visibility; only what this header declares is exported. */
#if defined(__GNUC__) && !defined(CS_STATIC_ONLY)
#define CS_API __attribute__((visibility("default")))
#else
#define CS_API
#endif

typedef enum {
  CS_OK = 0,
  CS_EINVAL = 1,    /* the input is invalid; the diagnostics say where and why */
  CS_ENOMEM = 2,    /* out of memory */
  CS_EIO = 3,       /* a file could not be read or written */
  CS_EINTERNAL = 4, /* a bug: please report with the plan */
  CS_ECANCELED = 5  /* the caller's cancel flag was set (cs_run_options.cancel) */
} cs_status;

CS_API const char *cs_status_str(cs_status s);

/* ---- memory: one allocation hook for the whole library ----
 * Every allocation careshift makes itself goes through these functions (arenas, diagnostics,
 * plans, runs, sinks, texts handed to the caller). The libraries it uses (libyaml, libcsv,
 * SQLite, libxlsxwriter, GSL) allocate their own memory; a failure there is still reported
 * as CS_ENOMEM where the library says so. Set the hook before any other careshift call and
 * never while careshift objects exist (as sqlite3_config(SQLITE_CONFIG_MALLOC)); it is not
 * thread-safe to change. The functions must be thread-safe: PSA workers allocate. */
typedef struct {
  void *(*malloc)(void *ctx, size_t n);           /* NULL when it cannot */
  void *(*realloc)(void *ctx, void *p, size_t n); /* p may be NULL; NULL when it cannot */
  void (*free)(void *ctx, void *p);               /* p may be NULL */
  void *ctx;
} cs_allocator;

/* Installs a (copied); NULL restores the C library's malloc, realloc and free. */
CS_API void cs_set_allocator(const cs_allocator *a);

/* ---- diagnostics: every problem found, each with FILE:LINE:COLUMN ---- */
typedef struct cs_diags cs_diags;

CS_API cs_diags *cs_diags_new(void);
CS_API void cs_diags_free(cs_diags *d);
/* Diagnostics kept; at most 1000, the last of which then says how many more there were. */
CS_API size_t cs_diags_count(const cs_diags *d);
/* Every problem added, kept or not (the true number to report). */
CS_API size_t cs_diags_total(const cs_diags *d);
/* The i-th diagnostic, formatted "FILE:LINE:COLUMN: message", or "FILE: message" when it
 * has no place in a file (line <= 0 when added); bytes below 0x20 and 0x7f are shown as
 * \xNN, so a diagnostic is one terminal-safe line. Owned by d. */
CS_API const char *cs_diags_get(const cs_diags *d, size_t i);
/* Appends one diagnostic; file may be NULL. Returns CS_ENOMEM when it could not be kept. */
CS_API cs_status cs_diags_add(cs_diags *d, const char *file, int line, int col, const char *fmt,
                              ...) __attribute__((format(printf, 5, 6)));

/* ---- plans ---- */
typedef struct cs_plan cs_plan;

/* Loads and validates the plan at path (a YAML file naming CSV tables relative to it).
 * On success *out owns the plan; on failure *out is NULL and diags holds every problem.
 * Note: turns GSL's abort-on-error handler off for the process (gsl_set_error_handler_off),
 * since careshift reports numeric failures itself. */
CS_API cs_status cs_plan_load(const char *path, cs_plan **out, cs_diags *diags);

/* cs_plan_load with overrides: sets[0..nset-1] (the caller's; read during the call only), each
 * "PATH=VALUE" as `careshift run --set` takes it (docs/plan-format.md "Overrides: --set"):
 * PATH names a plan value as inputs.csv and tornado.csv do
 * (themes[palliatief].interventions[acp].uptake.max, sectors[gp].price, $name,
 * scenarios[parkstad-later].delay.Parkstad, ...) and may add keys the plan lacks; VALUE is
 * YAML text (0.2, {dist: beta, mean: 0.3, sd: 0.05}); themes[t].enabled=false (and
 * themes[t].interventions[i].enabled=false) leaves that theme (intervention) out. They are
 * applied in order to the parsed plan before it is checked, so an overridden value is
 * validated as the file's own would be; every problem found in one is reported as
 * "--set PATH=VALUE: message" (a path that names nothing with the nearest names). The files
 * are only read. run_info's inputs_checksum covers the overrides (plan_checksum stays the
 * file's). nset 0 is cs_plan_load. */
CS_API cs_status cs_plan_load_with(const char *path, const char *const *sets, size_t nset,
                                   cs_plan **out, cs_diags *diags);
CS_API void cs_plan_free(cs_plan *plan);

typedef struct {
  const char *name, *region;
  int base_year, horizon;
  int areas, subregions, states, sectors, payers, groups;
  int themes, interventions, scenarios; /* scenarios: the plan's own scale/pace variants */
  int distributions;                    /* uncertain numbers in the plan */
  int projection_mode;
  double persons;   /* base population (deterministic) */
  int has_psa;      /* the plan has a psa: section */
  int psa_draws;    /* psa.draws of the plan, 0 when absent */
  int psa_has_seed; /* psa.seed given */
  uint64_t psa_seed;
} cs_plan_info;

CS_API void cs_plan_get_info(const cs_plan *plan, cs_plan_info *info);

/* How far the baseline's state prevalence by sex and age drifts from the base year to the
 * horizon (every uncertain number at its mean). A transition table in equilibrium with the
 * base year's state shares gives ratios near 0. */
#define CS_DRIFT_BANDS                                                                             \
  6 /* age bands of cs_state_drift.band: 0-64, 65-74, 75-84, 85-89, 90-94, 95+ */
CS_API int cs_drift_band_from(int band); /* the band's first age (band 0..CS_DRIFT_BANDS-1) */
typedef struct {
  const char *state;           /* the state's id (owned by the plan) */
  double ratio;                /* persons in the state at the horizon over those the base year's
                                  prevalence by sex and age gives the horizon's population, minus 1
                                  (INFINITY when that gives none but there are some) */
  double band[CS_DRIFT_BANDS]; /* the same within each age band at the horizon (0 when the
                                  band expects nobody in the state and has nobody) */
  int sex, age;    /* where the prevalence changed most (sex 0 f, 1 m; ages below 100 with
                      >= 10 persons in both years; from == to when there is none) */
  double from, to; /* the prevalence there in the base year and at the horizon (0..1) */
} cs_state_drift;
/* Fills out[0..states-1] (n >= the plan's states, cs_plan_info.states); CS_EINVAL when n is
 * too small, CS_ENOMEM when out of memory. */
CS_API cs_status cs_plan_drift(const cs_plan *plan, cs_state_drift *out, int n);

/* ---- runs ---- */
typedef struct cs_run cs_run;

/* Options of a run. Draw 0 (every uncertain number at its mean) gives the main tables; with
 * draws > 0 the run also computes draws 0..draws-1 for the PSA tables. */
typedef struct {
  int detail;                  /* also keep population by sex, age and state (population.csv) */
  int draws;                   /* PSA draws including draw 0; 0 = deterministic only */
  uint64_t seed;               /* PSA seed: draw d of parameter i depends on (seed, d, i) only */
  int threads;                 /* worker threads for the draws; 0 = one per online CPU */
  int tornado;                 /* with draws: also the one-way sensitivity runs (2 per parameter) */
  int no_intervention_shapley; /* skip the Shapley runs per intervention whatever the plan's
                                  economics.intervention_shapley (no shapley_intervention
                                  and wrong_pocket_intervention tables) */
  /* Called from the library as draws complete (done of total); NULL for none. */
  void (*progress)(void *ctx, int64_t done, int64_t total);
  void *progress_ctx;
  /* When non-NULL and set to non-zero (from a signal handler, say), the run stops within
   * milliseconds with CS_ECANCELED: draws stop, a write removes what it wrote. */
  const volatile sig_atomic_t *cancel;
  /* A re-forecast (docs/model.md "Re-forecast"): when actuals is set (the results.db of a run
   * with imported actuals, read-only), year from_year (base year < from_year <= horizon)
   * starts from the realised population and uptake of that year; NULL and 0 for none. */
  const char *actuals;
  int from_year;
} cs_run_options;

CS_API void cs_run_options_init(cs_run_options *o);

/* Runs every scenario of the plan. The plan must outlive the run. */
CS_API cs_status cs_run_new(const cs_plan *plan, const cs_run_options *opt, cs_run **out,
                            cs_diags *diags);
CS_API void cs_run_free(cs_run *run);

/* ---- processes: one run over several (MPI; docs/mpi.md) ----
 * Built with MPI (Meson option mpi) and started by an MPI launcher (Open MPI's mpirun, or srun
 * --mpi=pmix), every process calls cs_run_new with the same plan and options, and the Shapley
 * runs per intervention and the PSA (its draws and tornado runs) are split: each process
 * computes one contiguous block of each with its own threads, and process 0 receives the
 * others' results as they were computed, so its run is the one-process run, byte for byte in
 * every output. Only process 0 writes and gets a run: the others get CS_OK and *out NULL once
 * their share is with process 0 (at once when there is none: no draws, no Shapley runs per
 * intervention). When a process fails, cs_run_new fails in every process, and process 0's
 * diagnostics say which; processes given other plans or options (but threads) fail alike.
 * Without a launcher (or without MPI built in) none of this happens and MPI is never started.
 *
 * cs_mpi_rank: this process's rank, 0 to *size - 1 (size may be NULL). Its first call starts
 * MPI when a launcher started the process (cs_run_new calls it too); call it from the thread
 * that calls cs_run_new. 0 with *size 1 without a launcher; -1 when started as one of several
 * processes that cannot share the work (built without MPI, srun without --mpi=pmix).
 * cs_mpi_finalize: once in every process at the end, after its run (if any), with how the
 * process ended: CS_OK, or the failure of something other than cs_run_new (its plan did not
 * load, its output directory was refused), so that the other processes' runs fail with that
 * status instead of waiting for it. Ends MPI when careshift started it; does nothing
 * otherwise. */
CS_API int cs_mpi_rank(int *size);
CS_API void cs_mpi_finalize(cs_status st);

/* An output directory, checked and locked before a run computes anything. It must be new,
 * empty, or hold only what an earlier careshift run wrote (its manifest, .careshift-manifest,
 * lists those files): a run never writes over or deletes a file it did not write. Another
 * run writing the same directory makes this fail at once (CS_EIO). Files that an interrupted
 * run left behind are removed. The caller closes it with cs_outdir_close (NULL is fine). */
typedef struct cs_outdir cs_outdir;
CS_API cs_status cs_outdir_open(const char *dir, cs_outdir **out, cs_diags *diags);
CS_API void cs_outdir_close(cs_outdir *o);

/* Writes the tables of docs/outputs.md as CSV files, results.db, business_case.xlsx and
 * run.log into o, all or nothing: the whole run goes into a private sibling directory that
 * replaces the old one in one atomic rename. Once per cs_outdir_open. */
CS_API cs_status cs_run_write_to(const cs_run *run, cs_outdir *o, cs_diags *diags);

/* Also writes report.html (docs/report.md) in lang ("en", NULL, or "nl") when cs_run_write_to
 * writes the run: into the private directory, from its results.db, before the swap, so the
 * report is part of the run's all-or-nothing set. Call before cs_run_write_to. CS_EIO (with a
 * diagnostic) when the report's chart scripts are not installed (CARESHIFT_WEB_DIR, else the
 * source tree's web/node_modules); the run can then still be written without the report. */
CS_API cs_status cs_outdir_set_report(cs_outdir *o, const char *lang, cs_diags *diags);

/* cs_outdir_open, cs_run_write_to and cs_outdir_close in one call. */
CS_API cs_status cs_run_write(const cs_run *run, const char *dir, cs_diags *diags);

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
  const char *name; /* column name, as in the CSV header */
  cs_type type;
  int key;          /* 1: part of the row's key; 0: a value */
  const char *unit; /* unit of a value ("EUR", "FTE", "persons", ...); "" for keys and
                       dimensionless values */
  int nullable;     /* 1: may hold no value by definition (a break-even year that never
                       comes); 0: always a finite number, else the run fails */
} cs_column;

typedef struct {
  int null;      /* no value (CSV: empty cell; SQLite: NULL) */
  const char *s; /* CS_TEXT */
  int64_t i;     /* CS_INT */
  double d;      /* CS_REAL */
} cs_value;

typedef struct cs_table cs_table;
typedef struct cs_cursor cs_cursor;

/* The tables this run has, in the order they are written. */
CS_API size_t cs_run_table_count(const cs_run *run);
CS_API const cs_table *cs_run_table(const cs_run *run, size_t i); /* NULL when i is too large */
CS_API const cs_table *cs_run_table_find(const cs_run *run,
                                         const char *name); /* NULL when absent */

CS_API const char *cs_table_name(const cs_table *t);  /* "care", "business_case", ... */
CS_API const char *cs_table_title(const cs_table *t); /* one line on what a row is */
CS_API size_t cs_table_column_count(const cs_table *t);
CS_API const cs_column *cs_table_column(const cs_table *t, size_t i); /* NULL when i is too large */
CS_API int cs_table_column_index(const cs_table *t, const char *name); /* -1 when absent */
CS_API int64_t cs_table_row_count(const cs_table *t);

/* A cursor over a table's rows: open, then cs_cursor_next until it returns 0.
 * cs_cursor_seek(c, k) makes the next cs_cursor_next return row k (for paging); until then
 * there is no current row (cs_cursor_row NULL, cs_cursor_row_number -1). */
CS_API cs_status cs_cursor_open(const cs_table *t, cs_cursor **out);
CS_API int cs_cursor_next(cs_cursor *c);                    /* 1: a row is ready; 0: no more rows */
CS_API cs_status cs_cursor_seek(cs_cursor *c, int64_t row); /* CS_EINVAL when row > row count */
CS_API const cs_value *
cs_cursor_row(const cs_cursor *c); /* [column count] values of the current row */
CS_API int64_t cs_cursor_row_number(const cs_cursor *c); /* 0-based number of the current row */
CS_API void cs_cursor_free(cs_cursor *c);

/* ---- the report: report.html, one self-contained page with the run's charts ----
 * (Re)writes run_dir/report.html in lang ("en", NULL, or "nl") from run_dir/results.db, under
 * the directory's lock, and lists it in the run's manifest. CS_EINVAL when run_dir is not a
 * careshift run directory; CS_EIO when a file cannot be read or written, or the chart scripts
 * are not installed (see cs_outdir_set_report). */
CS_API cs_status cs_report_write(const char *run_dir, const char *lang, cs_diags *diags);

/* Prints run_dir/report.html (written first, e.g. by cs_report_write) to run_dir/report.pdf,
 * A4, each section on a new page, through headless Chromium: CARESHIFT_CHROMIUM (a path, or a
 * name looked up on PATH), else /usr/bin/chromium, else chromium on PATH. Chromium runs as a
 * child process (no shell) in its own process group, with a private profile and HOME under
 * $TMPDIR, removed afterwards; it is killed when it has not finished within
 * CARESHIFT_PDF_TIMEOUT seconds (1 to 3600; default 120). Its PDF is checked, then written
 * like report.html: under the directory's lock, by a temporary name, synced, renamed, listed
 * in the manifest. *made is 1 when report.pdf was written. No Chromium is not an error:
 * CS_OK with *made 0 and one diagnostic saying so (nothing is checked or written then).
 * Otherwise CS_EINVAL when run_dir is not a run directory; CS_EIO when report.html is
 * missing, Chromium fails, overruns or makes no usable PDF (the diagnostics end with its last
 * lines of output), or a run is writing run_dir; CS_ECANCELED when *cancel (may be NULL)
 * became nonzero while Chromium ran (it is killed; nothing is written). Not thread-safe with
 * respect to changes of the environment; each call is independent otherwise. */
CS_API cs_status cs_report_pdf(const char *run_dir, const volatile sig_atomic_t *cancel, int *made,
                               cs_diags *diags);

/* The run log: capped migration, clamped transition rows, timings; one line each. */
CS_API const char *cs_run_log(const cs_run *run);

/* A compact human summary of the run for the terminal (lang "en" or "nl"). */
CS_API cs_status cs_run_summary(const cs_run *run, const char *lang, char **out_text);
/* Frees a text the library handed to the caller (cs_run_summary); NULL is fine. */
CS_API void cs_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
