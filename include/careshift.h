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

/* The run log: capped migration, clamped transition rows, timings; one line each. */
const char *cs_run_log(const cs_run *run);

/* A compact human summary of the run for the terminal (lang "en" or "nl"). */
cs_status cs_run_summary(const cs_run *run, const char *lang, char **out_text);
void cs_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
