/* psa.h: probabilistic sensitivity analysis (MODEL.md section 9): many parameter draws of the
 * whole run, in parallel threads, each draw reproducible from (seed, draw, parameter) alone;
 * headline metrics per draw and scenario, and one-way sensitivity for a tornado chart. */
#ifndef CS_PSA_H
#define CS_PSA_H

#include "econ/econ.h"

typedef struct {
  int32_t draws; /* N: draws 0..N-1, draw 0 = every distribution at its mean */
  uint64_t seed;
  int32_t threads; /* >= 1 */
  int32_t tornado; /* also the one-way sensitivity runs */
  void (*progress)(void *ctx, int64_t done, int64_t total);
  void *progress_ctx;
  const volatile sig_atomic_t *cancel; /* stop with CS_ECANCELED when set; may be NULL */
  /* Processes sharing the jobs (MPI): this one computes only the jobs of block part of nparts
   * (cs_psa_part_first); the other jobs' results stay zero until they are gathered in.
   * nparts 0 or 1: every job. */
  int32_t part, nparts;
} cs_psa_options;

typedef struct {
  int32_t ndraw, nsc, nmet;
  const char **met; /* [nmet] headline metric names */
  double *val;      /* [draw][sc][met] (scenario 0, the baseline, is all zero) */
  double *thr;      /* [draw][2][CS_CRIT_N] the criteria's thresholds, long- then short-term year */
  int32_t npar;     /* uncertain parameters (distributions that are not fixed) */
  int32_t *par;     /* [npar] their index in plan->dists */
  double *lo, *hi;  /* [par][sc][met]: the metric with the parameter at its 2.5 / 97.5 % */
  int64_t bad_quantiles; /* draws whose quantile was not finite (the mean was used instead) */
  int32_t threads;       /* threads that actually ran */
} cs_psa;

/* Uniform number in (0, 1) of (seed, draw, stream): Philox4x32-10, counter-based; the stream
 * of a distribution is the FNV-1a hash of its label (docs/model.md note 14). */
static inline double cs_psa_uniform(uint64_t seed, uint64_t draw, uint64_t stream) {
  return cs_rand_u01(seed, draw, stream);
}

/* Stream ids of the plan's distributions ([ndist], in ar): the FNV-1a hash of each label, a
 * repeated one bumped up. Whoever redraws a run's draws (monitor's PSA band) uses these. */
cs_status cs_psa_streams(const cs_plan *pl, cs_arena *ar, uint64_t **out);
/* theta of draw d: every distribution at its mean for draw 0 and for fixed numbers, else the
 * quantile of the draw's uniform (the mean where that is not finite). Returns how many
 * quantiles were not finite. */
int64_t cs_psa_draw_theta(const cs_plan *pl, uint64_t seed, const uint64_t *stream, int64_t d,
                          double *theta);

/* Positions of metrics in the metric vector of a plan. */
int32_t cs_psa_met_npv(const cs_plan *pl, int32_t stakeholder); /* npayer = total */
int32_t cs_psa_met_crit(const cs_plan *pl, int32_t crit);       /* long-term year */
int32_t cs_psa_met_crit_short(const cs_plan *pl, int32_t crit); /* short-term year */
int32_t cs_psa_met_dqaly(const cs_plan *pl);

/* The metric names of a plan (in the arena) and their count. */
int32_t cs_psa_metrics(const cs_plan *pl, cs_arena *ar, const char ***names);

/* Shares of the draws of scenario sc: metric above 0; each criterion substantial (value >=
 * threshold in the year) and at least one substantial (passes), in the long-term year and
 * (v0.2) in the short-term year. */
double cs_psa_share_above0(const cs_psa *p, int32_t sc, int32_t met);
typedef struct {
  double substantial[CS_CRIT_N], substantial_short[CS_CRIT_N];
  double passes, passes_short;
} cs_psa_share;
cs_psa_share cs_psa_shares(const cs_plan *pl, const cs_psa *p, int32_t sc);

cs_status cs_psa_run(const cs_plan *pl, const cs_psa_options *opt, cs_arena *ar, cs_psa *out);

/* psa_stats.c: summaries of the draws, computed once per run. */
enum { CS_PSA_MEAN, CS_PSA_SD, CS_PSA_P2_5, CS_PSA_P50, CS_PSA_P97_5, CS_PSA_STAT_N };
typedef struct {
  double *stat;   /* [sc][met][CS_PSA_STAT_N]; all NaN for a metric with a non-finite draw */
  int32_t *order; /* [sc][met][npar]: positions in par, widest swing (|hi - lo|) first */
} cs_psa_stats;

cs_status cs_psa_stats_compute(const cs_psa *p, cs_arena *ar, cs_psa_stats *out);
/* Share of the draws of scenario sc with total NPV + value * delta QALYs > 0. */
double cs_psa_ceac(const cs_plan *pl, const cs_psa *p, int32_t sc, double value_per_qaly);
/* Values per QALY of the acceptability curve: 0 to 100,000 euro in steps of 2,500. */
#define CS_CEAC_STEP 2500.0
#define CS_CEAC_N 41

/* The jobs of a PSA: draws 0..ndraw-1, then per tornado parameter k the runs at its 2.5 % (job
 * ndraw + 2k) and 97.5 % (ndraw + 2k + 1). A job's result depends on its number only. */
static inline int64_t cs_psa_njob(const cs_psa *p) {
  return (int64_t)p->ndraw + 2 * (int64_t)p->npar;
}
/* The first job of block part of nparts: blocks are contiguous and as equal as can be. */
static inline int64_t cs_psa_part_first(int64_t njob, int32_t part, int32_t nparts) {
  return cs_part_first(njob, part, nparts);
}
/* Where job j's results are kept: its metrics [nsc][nmet], and for a draw its thresholds
 * [2][CS_CRIT_N] (NULL for a tornado run), so results computed elsewhere can be put in place. */
double *cs_psa_job_metrics(const cs_psa *p, int64_t j);
double *cs_psa_job_thresholds(const cs_psa *p, int64_t j);

/* Index of metric values. */
static inline size_t cs_psa_ix(const cs_psa *p, int32_t draw, int32_t sc, int32_t met) {
  return ((size_t)draw * p->nsc + (size_t)sc) * p->nmet + (size_t)met;
}

#endif
