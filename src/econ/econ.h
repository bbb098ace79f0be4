/* econ.h: the summaries of one draw: business case per stakeholder (MODEL.md 7), health
 * economics and the four IZA criteria (MODEL.md 8), each scenario against the baseline. */
#ifndef CS_ECON_H
#define CS_ECON_H

#include "model/model.h"

#include <math.h>

enum { CS_CRIT_CARE_USE, CS_CRIT_PATIENT_FLOWS, CS_CRIT_STAFF, CS_CRIT_REAL_ESTATE, CS_CRIT_N };
/* A scenario's totals (totals.csv): discounted care and implementation cost (all payers),
 * discounted QALYs and life years, all with the within-cycle correction; the population on
 * 1 January of the base year. */
enum { CS_TOT_CARE, CS_TOT_IMPL, CS_TOT_QALY, CS_TOT_LY, CS_TOT_POP0, CS_TOT_N };

/* Totals of one scenario-year over the areas of the region or of a subregion (econ.c). */
typedef struct {
  double fte, m2, den_units, front_cost, cost, payer_cost, flows;
} cs_year_tot;

typedef struct {
  int32_t nsc, nst;        /* nst = npayer + 1; stakeholder npayer is `total` */
  double *inv, *sav, *npv; /* [sc][nst] */
  int32_t *break_even;     /* [sc][nst], CS_YEAR_NONE when none */
  double *dqaly, *dly, *cost_per_qaly, *societal; /* [sc]; cost_per_qaly NaN when undefined */
  double *crit;                                   /* [sc][y][CS_CRIT_N] */
  double *crit_sub;          /* [sc][y][r][CS_CRIT_N]: the same per subregion */
  double *front_share;       /* [sc][y] front-of-chain share of care cost */
  double *delta;             /* [nst][y] scratch: the undiscounted delta for break-even */
  double *staff_gross;       /* [sc][y] fall in FTE demand (all sectors); crit staff is this
                                minus the plan's own staff (results.own_fte) */
  double *gap;               /* [sc][y] staff shortage: sum over subregions and groups of
                                max(0, demand - supply), plus the plan's own staff */
  double *gap_closed;        /* [sc][y] (gap of the baseline - gap) / gap of the baseline */
  double *inv_sub, *sav_sub; /* [sc][r][nst] the business case per subregion (npv = sav - inv) */
  double *threshold;         /* [y][CS_CRIT_N] in the criterion's unit (relative ones are set
                                against the baseline of the year) */
  double *tot;               /* [sc][CS_TOT_N] each scenario's own discounted totals (v0.2) */
  cs_year_tot *btot, *stot;  /* scratch: [y][1 + r] the baseline's totals of each year, the
                                region's then each subregion's; [1 + r] a scenario's */
} cs_econ;

/* The discount factor of year index y (years after T0) at rate r: 1 / (1 + r)^y (MODEL.md 7);
 * the one place every discounted sum takes it from. */
static inline double cs_discount(double r, int32_t y) { return 1.0 / pow(1.0 + r, (double)y); }

/* Cost-effectiveness of a scenario from its discounted delta QALYs and total NPV (v0.2). */
enum { CS_CE_DOMINANT, CS_CE_ICER, CS_CE_DOMINATED, CS_CE_SAVES_LOSES, CS_CE_NO_HEALTH, CS_CE_N };
extern const char *const cs_ce_name[CS_CE_N];
static inline int cs_ce_verdict(double dqaly, double npv) {
  if (dqaly > 0.0) return npv >= 0.0 ? CS_CE_DOMINANT : CS_CE_ICER;
  if (dqaly < 0.0) return npv >= 0.0 ? CS_CE_SAVES_LOSES : CS_CE_DOMINATED;
  return CS_CE_NO_HEALTH;
}

extern const char *const cs_crit_name[CS_CRIT_N];
extern const char *const cs_crit_unit[CS_CRIT_N];

/* shapley.c: exact Shapley contributions of the themes to the plan (section 7, v0.2). */
typedef struct {
  int32_t ntheme, nmet; /* 0 when the plan has no themes or too many for exact values */
  double *phi, *loo;    /* [theme][met]: Shapley value and leave-one-out contribution */
  double *total;        /* [met]: the plan's value (the sum of phi over the themes) */
  /* wrong pocket (v0.2): [scenario][investor][saver], investor np = "none" (themes without
   * investment); every scenario of the run but the baseline (index 0, left 0) */
  double *wp;
  int32_t nsc, np;
  /* [scenario][theme] (v0.2): the theme alone's discounted investment (all payers) and its
   * Shapley value of the total discounted savings; 0 for a theme the scenario leaves out */
  double *theme_inv, *theme_sav;
  /* per intervention (v0.2, shapley_iv.c), the plan only; iv_n 0 when not computed */
  int32_t iv_n, iv_nmet;
  int32_t iv_perms;                  /* 0: exact (every subset); else the orders sampled */
  int64_t iv_runs;                   /* model runs it took */
  double *iv_phi, *iv_se, *iv_total; /* [iv][met], [iv][met] (0 when exact), [met] */
} cs_shapley;
/* Metrics: npv:<stakeholder> (payers, total), criterion:<name> in the long-term year, delta_qalys,
 * criterion_short_term:<name> in the short-term year. */
int32_t cs_shapley_nmet(const cs_plan *pl);
/* sc, nsc: the run's scenarios (cs_scen_build's order), whose wrong-pocket matrices are
 * attributed over their themes. */
/* The metrics of scenario m into out[cs_shapley_nmet], and the Shapley weight
 * |S|! (n - |S| - 1)! / n! of a set of size |S| among n players. */
void cs_shapley_metrics(const cs_plan *pl, const cs_results *r, const cs_econ *e, int32_t m,
                        double *out);
double cs_shapley_weight(int32_t size, int32_t n);

/* How many scenarios a model run of the attribution takes besides its baseline, at most max:
 * as many as keep its lanes (scenarios x areas) within CS_RUN_LANES, at least 1. A run's
 * workspace and results are about 26 kB a lane (17 years), so a run of a national plan (350
 * areas) stays near 100 MB instead of growing with 2^themes scenarios. */
#define CS_RUN_LANES 4096
int32_t cs_run_batch(const cs_plan *pl, int32_t max);
/* The runs of the attribution (shapley.c): n subsets of the themes, the empty one (the
 * baseline) first, each run for njob scenarios (the plan and its variants). How many runs, and
 * run r: subsets m0 .. m1 - 1 of jobs j0 .. j1 - 1 after the baseline, within cs_run_batch and
 * 32 scenarios; every (subset >= 1, job) in exactly one run. */
typedef struct {
  int32_t m0, m1, j0, j1;
} cs_batch;
int32_t cs_batch_count(const cs_plan *pl, int32_t n, int32_t njob);
cs_batch cs_batch_get(const cs_plan *pl, int32_t n, int32_t njob, int32_t r);

/* A worker's model run kept from one run to the next while they hold the same number of
 * scenarios: allocating it afresh zeroes and faults in every page again (about 150 MB a run of
 * a national plan). Zero-initialised before its first run; cs_econ_ws_free releases it. */
typedef struct {
  cs_arena ar;
  int32_t n; /* scenarios it holds (0: none yet) */
  cs_results r;
  cs_work w;
  cs_econ e;
} cs_econ_ws;
void cs_econ_ws_free(cs_econ_ws *ws);
/* One model run of the attribution: scenarios sc[0 .. n - 1], sc[0] the baseline, with the
 * economics that cs_econ_fill_metrics fills, in ws (NULL: a scratch arena released before it
 * returns); take(ctx, r, e) copies out what it needs. CS_ENOMEM when the run does not fit. */
typedef void (*cs_run_take)(void *ctx, const cs_results *r, const cs_econ *e);
cs_status cs_econ_run(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t n,
                      cs_econ_ws *ws, cs_run_take take, void *ctx);
/* Metrics per intervention: the theme metrics, then savings:<stakeholder> and
 * investment:<stakeholder>. */
int32_t cs_ivshap_nmet(const cs_plan *pl);
/* Each intervention's Shapley value in the plan, exact or from sampled orders as the plan's
 * economics.intervention_shapley says; fills out's iv_ fields.
 *
 * Shared by several processes (MPI, docs/mpi.md): the runs of each set of subsets (one set for
 * the exact values, the two ends and then every CHUNK orders for sampled ones) are cut into
 * nparts contiguous blocks of runs (cs_part_first); this process computes block part, then
 * share(share_ctx, st, v, nmet, rows) says how every process did and brings each block's rows
 * of v (block p: rows rows[p] .. rows[p + 1] - 1 of nmet metrics) into process 0's v, and
 * returns every process's status. Every process calls it equally often, whatever it computed;
 * only process 0's out holds the values. share NULL (nparts < 2): one process, all the runs. */
typedef cs_status cs_ivshap_share(void *ctx, cs_status st, double *v, int32_t nmet,
                                  const int32_t *rows);
typedef struct {
  const cs_plan *pl;
  const cs_params *pm;
  uint64_t seed;                       /* of the sampled orders */
  int32_t threads;                     /* < 1: one per online CPU */
  const volatile sig_atomic_t *cancel; /* NULL, or set to stop (CS_ECANCELED) */
  int32_t part, nparts;                /* this process's block, of how many (MPI) */
  cs_ivshap_share *share;              /* NULL with one process */
  void *share_ctx;
} cs_ivshap_opt;
/* Whether cs_ivshap_compute runs the plan at all (economics.intervention_shapley is not none
 * and the plan has interventions). */
int cs_ivshap_wanted(const cs_plan *pl);
cs_status cs_ivshap_compute(const cs_ivshap_opt *opt, cs_arena *ar, cs_shapley *out);
/* The themes' exact Shapley values: 2^themes runs for the plan and for each variant, in runs of
 * a few subsets shared by threads (< 1: one per online CPU); the same bits on any number of
 * threads. cancel: NULL, or a flag checked before each run (CS_ECANCELED). also: NULL, or a job
 * the caller needs done too (its own run's kernel), done first among the runs so that no thread
 * waits for it alone; also(also_ctx, 0) must not touch ar. */
cs_status cs_shapley_compute(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc,
                             int threads, const volatile sig_atomic_t *cancel, cs_job_fn *also,
                             void *also_ctx, cs_arena *ar, cs_shapley *out);

cs_status cs_econ_compute(const cs_plan *pl, const cs_results *r, cs_arena *ar, cs_econ *out);
/* The same in two steps, so a worker allocates once and fills draw after draw. */
cs_status cs_econ_alloc(const cs_results *r, cs_arena *ar, cs_econ *out);
void cs_econ_fill(const cs_plan *pl, const cs_results *r, cs_econ *out);
/* What a PSA draw (psa.c) and a Shapley run (cs_shapley_metrics, and the runs' savings and
 * investment) read, and no more: inv, sav, npv and break_even; dqaly, dly, cost_per_qaly and
 * societal; crit and threshold of the long- and short-term criteria years (region). The other
 * fields keep what they held. Each of these has cs_econ_fill's bits. */
void cs_econ_fill_metrics(const cs_plan *pl, const cs_results *r, cs_econ *out);
/* Whether the value of criterion c in year y is substantial. */
static inline int cs_crit_substantial(const cs_econ *e, int32_t y, int32_t c, double value) {
  return value >= e->threshold[(size_t)y * CS_CRIT_N + c];
}

#endif
