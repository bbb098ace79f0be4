/* run.c: a run's life cycle: draw 0 parameters, scenarios, the kernel, the summaries, and
 * writing every table to CSV and SQLite in one go. */
#include "run.h"
#include "run_mpi.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

void cs_run_options_init(cs_run_options *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->tornado = 1;
}

/* What an agreement of the run is (run_mpi.h): a hash of the run's plan and options (fp), the
 * part (kind, its number) and its size. */
static uint64_t agreement(uint64_t fp, char kind, int64_t k, int64_t n) {
  int64_t x[3] = {kind, k, n};
  return cs_hash_fnv1a_bytes(fp, x, sizeof x);
}

/* The run's plan and the options that shape the work the processes share: every process of
 * a run has the same (the threads may differ). */
static uint64_t fingerprint(const cs_plan *pl, const cs_run_options *o) {
  int64_t x[6] = {o->draws,     (int64_t)o->seed,  o->tornado, o->no_intervention_shapley,
                  o->from_year, o->actuals != NULL};
  return cs_hash_fnv1a_bytes(pl->input_hash, x, sizeof x);
}

/* The processes' word on the PSA (run_mpi.h): this one's outcome st; when every process
 * succeeded, their blocks go to process 0, whose run alone keeps the PSA. *oc says who failed. */
static cs_status psa_agree(cs_run *run, cs_procs pr, cs_status st, cs_procs_outcome *oc) {
  uint64_t what = agreement(run->fp, 'P', 0, cs_psa_njob(&run->psa));
  cs_status all = cs_procs_agree(st, what, st == CS_OK ? run->psa.bad_quantiles : 0,
                                 st == CS_OK ? run->psa.threads : 0, oc);
  if (all == CS_OK && (all = cs_procs_gather(&run->psa, oc->mpi_error)) != CS_OK) {
    oc->failed = pr.rank;
    oc->st = all;
  }
  if (all != CS_OK || pr.rank != 0) return all; /* the others' blocks are in process 0 now */
  run->has_psa = 1;
  run->psa.bad_quantiles = oc->bad_quantiles;
  return CS_OK;
}

/* The draws of the PSA; draw 0 of it equals the deterministic tables by construction. With
 * several processes (MPI) this one computes its block of the jobs (docs/mpi.md). */
static cs_status run_psa(cs_run *run, cs_procs pr, cs_procs_outcome *oc) {
  const cs_run_options *o = &run->opt;
  cs_psa_options po = {.draws = o->draws,
                       .seed = o->seed,
                       .tornado = o->tornado,
                       .threads = cs_thread_count(o->threads, 0),
                       .progress = o->progress,
                       .progress_ctx = o->progress_ctx,
                       .cancel = o->cancel,
                       .part = pr.rank,
                       .nparts = pr.size};
  /* GSL's default handler aborts the process; quantiles that fail return NaN instead,
   * which the draw loop replaces by the mean and counts in the run log. */
  gsl_set_error_handler_off();
  /* every draw keeps its metrics in memory: refuse a run that could not, before starting */
  double bytes = (double)o->draws * run->nsc * (2.0 * run->pl->npayer + run->pl->ngroup + 8) * 8;
  cs_status st = CS_OK;
  if (bytes > 8.0 * 1024 * 1024 * 1024) {
    cs_diags_add(run->diags, run->pl->path, 0, 0,
                 "%d draws need about %.0f GiB for their metrics (expected at most 8 GiB)",
                 o->draws, bytes / (1024.0 * 1024 * 1024));
    st = CS_EINVAL;
  }
  if (st == CS_OK) st = cs_psa_run(run->pl, &po, &run->ar, &run->psa);
  if ((st = psa_agree(run, pr, st, oc)) != CS_OK || !run->has_psa) return st;
  cs_run_logf(run, "psa: %d draws, seed %llu, %d threads, %d parameters in the tornado", o->draws,
              (unsigned long long)o->seed, run->psa.threads, run->psa.npar);
  if (run->psa.threads < po.threads)
    cs_run_logf(run, "psa: only %d of %d threads could be started", run->psa.threads, po.threads);
  if (pr.size > 1)
    cs_run_logf(run,
                "psa: split over %d processes (MPI), %lld threads in all; this one computed "
                "jobs %lld to %lld of %lld",
                pr.size, (long long)oc->threads,
                (long long)cs_psa_part_first(cs_psa_njob(&run->psa), 0, pr.size),
                (long long)cs_psa_part_first(cs_psa_njob(&run->psa), 1, pr.size) - 1,
                (long long)cs_psa_njob(&run->psa));
  if (run->psa.bad_quantiles)
    cs_run_logf(run, "psa: %lld quantiles were not finite; the mean was used",
                (long long)run->psa.bad_quantiles);
  return CS_OK;
}

/* Why a run failed, in the caller's diagnostics: this process's failure, another process's
 * (said by process 0 only, so it is said once), or MPI's. */
static void say_failed(cs_diags *diags, const cs_plan *pl, cs_procs pr, const cs_procs_outcome *oc,
                       cs_status st) {
  if (oc->mismatch) /* (said by every process: process 0 may think it runs alone) */
    cs_diags_add(diags, pl->path, 0, 0,
                 "run failed: the %d processes (MPI) do not run the same plan with the same "
                 "options (expected the same plan files, --actuals database and options on every "
                 "node, but --threads; docs/mpi.md)",
                 pr.size);
  else if (oc->mpi_error[0])
    cs_diags_add(diags, pl->path, 0, 0, "run failed: MPI (process %d of %d): %s", pr.rank, pr.size,
                 oc->mpi_error);
  else if (oc->failed >= 0 && oc->failed != pr.rank) {
    if (pr.rank == 0)
      cs_diags_add(diags, pl->path, 0, 0, "run failed: process %d of %d (MPI) failed%s: %s",
                   oc->failed, pr.size, oc->before ? " before its run (its messages say why)" : "",
                   cs_status_str(oc->st));
  } else if (pr.size > 1)
    cs_diags_add(diags, pl->path, 0, 0, "run failed: %s (process %d of %d, MPI)", cs_status_str(st),
                 pr.rank, pr.size);
  else
    cs_diags_add(diags, pl->path, 0, 0, "run failed: %s", cs_status_str(st));
}

void cs_run_logf(cs_run *run, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t len = strlen(line);
  if (run->loglen + len + 2 > run->logcap) {
    size_t cap = (run->logcap ? run->logcap * 2 : 1024) + len;
    char *p = cs_realloc(run->log, cap);
    if (!p) { /* a run log with a line missing would hide what the run did */
      run->log_lost = 1;
      return;
    }
    run->log = p;
    run->logcap = cap;
  }
  memcpy(run->log + run->loglen, line, len);
  run->loglen += len;
  run->log[run->loglen++] = '\n';
  run->log[run->loglen] = '\0';
}

const char *cs_run_log(const cs_run *run) { return run && run->log ? run->log : ""; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void log_run(cs_run *run) {
  const cs_results *r = &run->r;
  const cs_plan *pl = run->pl;
  cs_run_logf(run, "plan: %s (%d-%d), %d areas, %d scenarios", pl->name ? pl->name : "", pl->T0,
              pl->T1, pl->narea, run->nsc);
  cs_run_logf(run, "tables: draw 0, every distribution at its mean");
  if (r->capped_cells)
    cs_run_logf(run, "migration: %lld cell-years capped at zero; %.6g persons could not leave",
                (long long)r->capped_cells, r->capped_persons);
  else
    cs_run_logf(run, "migration: no capped cells");
  if (r->clamped_base_rows)
    cs_run_logf(run,
                "transitions: in %lld scenario-cell-years the base table's row (a table scale or "
                "a negative transition_improvement) summed above 1; scaled to sum 1",
                (long long)r->clamped_base_rows);
  for (int32_t v = 0; v < pl->niv; v++)
    if (r->clamp_iv[v])
      cs_run_logf(run,
                  "transitions: in %lld scenario-cell-years intervention '%s' pushed a row "
                  "above 1; scaled to sum 1",
                  (long long)r->clamp_iv[v], pl->ivs[v].id);
}

/* Says how the contributions per intervention were found, so a reader of
 * shapley_intervention.csv knows whether they carry sampling error. */
static void log_ivshap(cs_run *run, cs_procs pr) {
  const cs_shapley *s = &run->shap;
  char split[64] = "";
  if (pr.size > 1) snprintf(split, sizeof split, ", split over %d processes (MPI)", pr.size);
  if (!s->iv_n)
    cs_run_logf(run, "shapley per intervention: not computed (%s)",
                run->opt.no_intervention_shapley
                    ? "--no-intervention-shapley"
                    : "economics.intervention_shapley or no interventions");
  else if (!s->iv_perms)
    cs_run_logf(run, "shapley per intervention: exact, %lld runs (every subset of %d)%s",
                (long long)s->iv_runs, s->iv_n, split);
  else
    cs_run_logf(run, "shapley per intervention: sampled, %d orders of %d, %lld runs%s", s->iv_perms,
                s->iv_n, (long long)s->iv_runs, split);
}

/* The Shapley runs per intervention over several processes: each set of runs ends in an
 * agreement (run_mpi.h), whose outcome says who failed. */
typedef struct {
  cs_procs_outcome *oc;
  uint64_t fp;
  int32_t np, k; /* processes; the sets shared so far */
} share_ctx;

static cs_status share_rows(void *ctx, cs_status st, double *v, int32_t nmet, const int32_t *rows) {
  share_ctx *x = ctx;
  uint64_t what = agreement(x->fp, 'I', x->k++, rows ? rows[x->np] : 0);
  return cs_procs_rows(st, what, v, nmet, rows, x->oc);
}

/* The run's own scenarios through the kernel, as a job (cs_shapley_compute's also). */
typedef struct {
  cs_run *run;
  cs_work *w;
} main_kernel;

static cs_status run_kernel(void *ctx, int64_t job) {
  (void)job;
  main_kernel *k = ctx;
  cs_kernel(k->run->pl, &k->run->pm, k->run->sc, k->run->nsc, k->w, &k->run->r);
  return CS_OK;
}

cs_status cs_run_new(const cs_plan *pl, const cs_run_options *opt, cs_run **out, cs_diags *diags) {
  *out = NULL;
  cs_procs pr = cs_procs_get();
  if (pr.size < 1) pr = (cs_procs){0, 1};
  /* The processes of a run meet first, so that they know they run the same plan with the same
   * options; one that shares work with the others (its draws; its Shapley runs per
   * intervention) joins their agreements after that, also when it fails before them
   * (run_mpi.h). */
  cs_procs_outcome oc = {.failed = -1};
  int share_iv = pr.size > 1 && !opt->no_intervention_shapley && cs_ivshap_wanted(pl);
  int join = pr.size > 1;
  cs_run *run = cs_calloc(1, sizeof *run);
  if (!run) {
    cs_status st = join ? cs_procs_agree(CS_ENOMEM, 0, 0, 0, &oc) : CS_ENOMEM;
    say_failed(diags, pl, pr, &oc, st);
    return st;
  }
  double t0 = now();
  cs_status st = CS_ENOMEM;
  run->pl = pl;
  run->opt = *opt;
  run->fp = fingerprint(pl, opt);
  cs_arena_init(&run->ar);
  cs_work w;
  if (join) {
    if ((st = cs_procs_agree(CS_OK, agreement(run->fp, 'S', 0, 0), 0, 0, &oc)) != CS_OK) goto fail;
    join = opt->draws > 0 || share_iv;
    if (pr.rank > 0 && !join) goto other; /* process 0 runs alone: nothing here to compute */
  }
  if ((opt->actuals || opt->from_year) && (st = cs_rf_load(run, diags)) != CS_OK) goto fail;
  pl = run->pl;                        /* a re-forecast's copy of the plan from here on */
  if (run->rf && run->rf->db_checksum) /* the actuals too, not only their path */
    run->fp = cs_hash_fnv1a_bytes(run->fp, run->rf->db_checksum, strlen(run->rf->db_checksum));
  run->theta = cs_arena_calloc(&run->ar, (size_t)pl->ndist + 1, sizeof(double));
  if (!run->theta) goto fail;
  for (int32_t i = 0; i < pl->ndist; i++)
    run->theta[i] = pl->dists[i].mean;
  if ((st = cs_params_build(pl, run->theta, &run->ar, &run->pm)) != CS_OK) goto fail;
  st = CS_ENOMEM;
  if ((run->nsc = cs_scen_build(pl, &run->pm, &run->ar, &run->sc)) < 0) goto fail;
  if ((st = cs_results_alloc(pl, run->nsc, opt->detail, &run->ar, &run->r)) != CS_OK) goto fail;
  if ((st = cs_work_alloc(pl, &run->pm, run->nsc, &run->ar, &w)) != CS_OK) goto fail;
  /* The run's own kernel is one more job among the themes' Shapley runs (it does not touch
   * run->ar), so that no thread waits while it runs alone. A re-forecast's Shapley runs take
   * the main run's settled uptake (refc.c), so there it comes first. */
  main_kernel mk = {run, &w};
  if (run->rf) {
    run_kernel(&mk, 0);
    cs_rf_settle(run);
  }
  if ((st = cs_shapley_compute(pl, &run->pm, run->sc, run->nsc, opt->threads, opt->cancel,
                               run->rf ? NULL : run_kernel, &mk, &run->ar, &run->shap)) != CS_OK)
    goto fail;
  if ((st = cs_econ_compute(pl, &run->r, &run->ar, &run->ec)) != CS_OK) goto fail;
  cs_ivshap_opt io = {.pl = pl,
                      .pm = &run->pm,
                      .seed = pl->psa_has_seed ? pl->psa_seed : 1,
                      .threads = opt->threads,
                      .cancel = opt->cancel};
  share_ctx sx = {&oc, run->fp, pr.size, 0};
  if (share_iv) io.part = pr.rank, io.nparts = pr.size, io.share = share_rows, io.share_ctx = &sx;
  if (!run->opt.no_intervention_shapley &&
      (st = cs_ivshap_compute(&io, &run->ar, &run->shap)) != CS_OK)
    goto fail;
  if (!opt->draws) { /* the agreements of the Shapley runs were the last */
    join = 0;
    if (pr.rank > 0) goto other;
  }
  if (pl->ntheme > CS_SHAPLEY_MAX_THEMES)
    cs_run_logf(
        run,
        "shapley: %d themes are more than %d; no exact attribution (shapley.csv, wrong_pocket.csv)",
        pl->ntheme, CS_SHAPLEY_MAX_THEMES);
  log_run(run);
  log_ivshap(run, pr);
  run->diags = diags;
  if (opt->draws > 0) {
    join = 0;
    if ((st = run_psa(run, pr, &oc)) != CS_OK) goto fail;
    if (pr.rank > 0) goto other;
  }
  if ((st = cs_run_tables_init(run)) != CS_OK) goto fail;
  run->seconds = now() - t0;
  cs_run_logf(run, "time: %.3f s; memory of the main run: %.1f MiB", run->seconds,
              run->ar.total / 1048576.0);
  if (run->log_lost) {
    st = CS_ENOMEM;
    goto fail;
  }
  *out = run;
  return CS_OK;
other: /* a process other than 0 after its last shared part: its results are with process 0, and
        * a failure from here on could not reach the others (run_mpi.h) */
  cs_run_free(run);
  return CS_OK;
fail:
  if (join) st = cs_procs_agree(st, 0, 0, 0, &oc);
  say_failed(diags, pl, pr, &oc, st);
  cs_run_free(run);
  return st;
}

void cs_run_free(cs_run *run) {
  if (!run) return;
  cs_arena_release(&run->ar);
  cs_free(run->log);
  cs_free(run);
}

/* Passes the sinks' messages on with the file named where the user will look for it: the
 * output directory, not the private one the run was written into. */
static cs_status relay(const cs_diags *from, cs_diags *to, const char *priv, const char *shown) {
  size_t n = strlen(priv);
  cs_status st = CS_OK;
  /* Only a message that starts with the private directory's path (then '/' or ':') names it;
   * the rest is kept as written, whatever ": " a file name holds. */
  for (size_t i = 0; i < cs_diags_count(from) && st == CS_OK; i++) {
    const char *m = cs_diags_get(from, i);
    int ours = !strncmp(m, priv, n) && (m[n] == '/' || m[n] == ':');
    st = cs_diags_add_prefixed(to, ours ? shown : "", ours ? m + n : m);
  }
  return st;
}

/* The CSV files with the workbook (printf-bound) and the SQLite database (SQLite-bound) are
 * written by two jobs, on two threads when the run has them: each job writes every table to
 * its own sinks, which share nothing but the read-only view, so the files have the same bytes
 * as one after the other. Each job then makes its own files durable (prepare: the CSV files'
 * fsync, the workbook's zip, the database's commit and sync), so that these too run beside
 * each other; nothing is renamed before both jobs are done, and a job does not prepare once
 * the other has failed or the run is cancelled. Each job's sinks report into the job's own
 * diagnostics (the lists are not shared between threads); they are merged afterwards in the
 * jobs' order, and a message both have (a table both refuse: a value that is not finite) is
 * said once. */
typedef struct {
  const cs_run *run;
  cs_sink *const *sinks;
  int nsink;
  cs_diags *const *d; /* [2] */
  atomic_int failed;  /* a job failed: the other does not prepare its files */
} sink_jobs;

static cs_status sink_job(void *ctx, int64_t job) {
  sink_jobs *x = ctx;
  cs_sink *const *own = job == 0 ? x->sinks : x->sinks + x->nsink - 1;
  int n = job == 0 ? x->nsink - 1 : 1;
  const volatile sig_atomic_t *cancel = x->run->opt.cancel;
  cs_status st = cs_tables_write(&x->run->view, own, n, cancel, x->d[job]);
  if (st == CS_OK && job == 0) { /* the CSV sink is the first */
    const char *log = cs_run_log(x->run);
    st = cs_sink_csv_add_text(own[0], "run.log", log, strlen(log));
  }
  if (st == CS_OK && cancel && *cancel) st = CS_ECANCELED;
  if (st != CS_OK || atomic_load(&x->failed)) { /* (the other's failure is the run's status) */
    atomic_store(&x->failed, 1);
    return st;
  }
  for (int i = 0; i < n && st == CS_OK; i++)
    st = own[i]->prepare(own[i]);
  if (st != CS_OK) atomic_store(&x->failed, 1);
  return st;
}

/* The jobs' diagnostics into to: the first's, then the second's that the first has not. */
static void merge_diags(cs_diags *const *d, cs_diags *to) {
  for (size_t i = 0; i < cs_diags_count(d[0]); i++)
    cs_diags_add_prefixed(to, "", cs_diags_get(d[0], i));
  for (size_t i = 0; i < cs_diags_count(d[1]); i++) {
    const char *m = cs_diags_get(d[1], i);
    int seen = 0;
    for (size_t k = 0; k < cs_diags_count(d[0]) && !seen; k++)
      seen = !strcmp(m, cs_diags_get(d[0], k));
    if (!seen) cs_diags_add_prefixed(to, "", m);
  }
}

/* Every table, run.log and results.db into the private directory of o, then one commit. */
cs_status cs_run_write_to(const cs_run *run, cs_outdir *o, cs_diags *caller) {
  if (!cs_outdir_private(o)) return CS_EINTERNAL; /* written once already */
  char *dir = cs_strdup(cs_outdir_private(o));    /* the commit frees o's copy */
  cs_diags *diags = cs_diags_new(), *dj[2] = {cs_diags_new(), cs_diags_new()};
  if (!dir || !diags || !dj[0] || !dj[1]) {
    cs_free(dir);
    cs_diags_free(diags);
    cs_diags_free(dj[0]);
    cs_diags_free(dj[1]);
    return CS_ENOMEM;
  }
  /* (sink_job: the last sink is the second job's) */
  cs_sink *sinks[] = {cs_sink_csv_new(dir, dj[0]), cs_sink_xlsx_new(dir, run->pl->T0, dj[0]),
                      cs_sink_sqlite_new(dir, dj[1])};
  int nsink = (int)(sizeof sinks / sizeof *sinks);
  cs_status st = CS_OK;
  /* a sink that could not start says why in a diagnostic; without one it ran out of memory */
  for (int i = 0; i < nsink && st == CS_OK; i++)
    if (!sinks[i]) st = cs_diags_count(dj[0]) + cs_diags_count(dj[1]) > 0 ? CS_EIO : CS_ENOMEM;
  /* everything written and durable first (the jobs prepare their sinks); only then is
   * anything renamed */
  if (st == CS_OK) {
    sink_jobs x = {.run = run, .sinks = sinks, .nsink = nsink, .d = dj};
    atomic_init(&x.failed, 0);
    st = cs_parallel_for(run->opt.threads, 2, sink_job, &x);
  }
  int commit = st == CS_OK;
  for (int i = 0; i < nsink; i++) /* (one thread again: the sinks' lists are safe to use) */
    if (sinks[i]) {
      cs_status fs = sinks[i]->finish(sinks[i], commit);
      if (st == CS_OK) st = fs;
    }
  merge_diags(dj, diags);
  cs_diags_free(dj[0]);
  cs_diags_free(dj[1]);
  /* a signal that came after the last row still keeps DIR as it was: nothing is swapped yet */
  if (st == CS_OK && run->opt.cancel && *run->opt.cancel) st = CS_ECANCELED;
  if (st == CS_OK) st = cs_outdir_commit(o, diags);
  cs_status rs = relay(diags, caller, dir, cs_outdir_shown(o));
  cs_diags_free(diags);
  cs_free(dir);
  return st == CS_OK ? rs : st;
}

cs_status cs_run_write(const cs_run *run, const char *dir, cs_diags *diags) {
  cs_outdir *o = NULL;
  cs_status st = cs_outdir_open(dir, &o, diags);
  if (st == CS_OK) st = cs_run_write_to(run, o, diags);
  cs_outdir_close(o);
  return st;
}
