/* run.h (private to run/): a run = one plan, its scenarios, the deterministic draw's results
 * and summaries, the PSA draws, and the tables that present them. */
#ifndef CS_RUN_H
#define CS_RUN_H

#include "careshift.h"
#include "io/io.h"

/* A table of a run (public, opaque): its descriptor and the run's view. */
struct cs_table {
  const cs_tabledef *def;
  const cs_view *view;
  int64_t nrows;
};

struct cs_run {
  const cs_plan *pl;
  cs_arena ar; /* owns everything below */
  cs_run_options opt;
  double *theta; /* the deterministic draw: every distribution at its mean */
  cs_params pm;
  cs_scen *sc;
  int32_t nsc;
  cs_results r;
  cs_econ ec;
  int has_psa; /* draws > 0 were run */
  uint64_t fp; /* the plan and options the processes of the run share (MPI: run.c) */
  cs_psa psa;
  cs_psa_stats ps;
  cs_shapley shap;  /* the themes' contributions */
  cs_view view;     /* what the tables read */
  cs_table *tables; /* [ntables] the tables present in this run */
  size_t ntables;
  cs_diags *diags; /* the caller's, during cs_run_new only */
  char *log;       /* malloc'd, grows by appending lines */
  size_t loglen, logcap;
  int log_lost; /* a line could not be kept: the run fails with CS_ENOMEM */
  double seconds;
  cs_refc *rf;            /* a re-forecast (--actuals, --from-year); NULL for none */
  int64_t nother_actuals; /* actuals of its year that a re-forecast does not use */
};

/* tables.c: the run's view and list of tables, once the run has computed everything. */
cs_status cs_run_tables_init(cs_run *run);

/* reforecast.c: reads the re-forecast's actuals database and puts the re-forecast on the
 * run's own copy of the plan (run->pl); after the main kernel, settles and logs it. */
cs_status cs_rf_load(cs_run *run, cs_diags *d);
void cs_rf_settle(cs_run *run);

/* Appends one formatted line to the run log. */
void cs_run_logf(cs_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
