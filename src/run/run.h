/* run.h: a run = one plan, its scenarios, the deterministic draw's results and summaries. */
#ifndef CS_RUN_H
#define CS_RUN_H

#include "careshift.h"
#include "econ/econ.h"
#include "io/io.h"
#include "psa/psa.h"

struct cs_run {
  const cs_plan *pl;
  cs_arena ar;           /* owns everything below */
  cs_run_options opt;
  double *theta;         /* the deterministic draw: every distribution at its mean */
  cs_params pm;
  cs_scen *sc;
  int32_t nsc;
  cs_results r;
  cs_econ ec;
  int has_psa;           /* draws > 0 were run */
  cs_psa psa;
  cs_diags *diags;       /* the caller's, during cs_run_new only */
  char *log;             /* malloc'd, grows by appending lines */
  size_t loglen, logcap;
  double seconds;
};

/* results.c: writes every table of OUTPUTS.md to the table writer. */
void cs_results_emit(const cs_run *run, cs_tw *tw);

/* psa_stats.c: writes the PSA tables of OUTPUTS.md (only when has_psa). */
void cs_psa_emit(const cs_run *run, cs_tw *tw);

/* Appends one formatted line to the run log. */
void cs_run_logf(cs_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
