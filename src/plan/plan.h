/* plan.h: the loaded, validated plan (PLAN-FORMAT.md v1) as flat, immutable arrays.
 * The loader (plan_load.c) is the only writer; the kernel and summaries only read it.
 * Every number that "may be a distribution" is a cs_num: an index into the plan's list of
 * distributions plus a sign, so one draw is simply one vector theta[ndist]. */
#ifndef CS_PLAN_H
#define CS_PLAN_H

#include <stdint.h>
#include <stddef.h>
#include "base/base.h"

#define CS_XMAX 100 /* open age group 100+ */
#define CS_NAGE (CS_XMAX + 1)
#define CS_NSEX 2              /* 0 = f, 1 = m */
#define CS_NONE (-1)           /* absent index */
#define CS_YEAR_NONE INT32_MIN /* absent year */

/* ---- distributions (dist.c) ---- */
typedef enum {
  CS_DIST_FIXED,
  CS_DIST_BETA,
  CS_DIST_GAMMA,
  CS_DIST_LOGNORMAL,
  CS_DIST_NORMAL,
  CS_DIST_UNIFORM,
  CS_DIST_TRIANGULAR,
  CS_DIST_PERT
} cs_dist_kind;

/* Canonical parameters per kind:
 *  fixed: a = value
 *  beta: a = alpha, b = beta          gamma: a = shape, b = scale
 *  lognormal: a = meanlog, b = sdlog  normal: a = mean, b = sd
 *  uniform: a = min, b = max          triangular, pert: a = min, b = mode, c = max
 * `mean` is the deterministic value (MODEL.md section 9), stored as given where the plan
 * gives a mean (so draw 0 reproduces the written number exactly). */
typedef struct {
  cs_dist_kind kind;
  double a, b, c;
  double mean;
  const char *label; /* where it is used, e.g. "sectors[gp].price" or "$acp_hospital" */
} cs_dist;

/* A possibly uncertain number: value = sign * theta[p]. */
typedef struct {
  int32_t p;
  double sign;
} cs_num;

/* ---- enums ---- */
typedef enum { CS_CHAIN_SOCIAL, CS_CHAIN_PRIMARY, CS_CHAIN_SECONDARY, CS_CHAIN_LONG_TERM } cs_chain;
typedef enum { CS_CURVE_LINEAR, CS_CURVE_LOGISTIC } cs_curve;
/* What uptake does after the intervention's funding ends (v0.2, docs/model.md 4). */
typedef enum { CS_AFTER_KEEP, CS_AFTER_STOP, CS_AFTER_DECAY } cs_after;
typedef enum { CS_CYCLE_NONE, CS_CYCLE_HALF, CS_CYCLE_SIMPSON } cs_cycle;
/* Per-intervention Shapley values: auto (exact up to CS_IVSHAP_AUTO_EXACT interventions, else
 * sampled), exact (at most CS_IVSHAP_MAX_EXACT), sampled permutations, or none. */
typedef enum { CS_IVSHAP_AUTO, CS_IVSHAP_EXACT, CS_IVSHAP_SAMPLED, CS_IVSHAP_NONE } cs_ivshap_mode;
#define CS_IVSHAP_AUTO_EXACT 10
#define CS_IVSHAP_MAX_EXACT 14
#define CS_IVSHAP_PERMS 100
typedef enum {
  CS_EFF_USE,
  CS_EFF_EOL,
  CS_EFF_SHIFT,
  CS_EFF_FTE,
  CS_EFF_TRANSITION,
  CS_EFF_WORKFORCE,
  CS_EFF_UTILITY,   /* the targeted persons' utility + change * uptake (v0.2) */
  CS_EFF_MORTALITY, /* the targeted persons' death probability * max(0, 1 + change * uptake) */
  CS_EFF_EXTRA_USE  /* units of a sector per targeted person-year * uptake (v0.2; in change) */
} cs_effect_kind;
typedef enum { CS_COST_ONCE, CS_COST_PER_YEAR, CS_COST_PER_PARTICIPANT } cs_cost_kind;

typedef struct {
  const char *id, *name;
  int32_t sub;
} cs_area;
typedef struct {
  const char *id;
  cs_num utility, rr;
} cs_state;
typedef struct {
  const char *id, *name;
} cs_payer;

typedef struct {
  const char *id, *name, *unit;
  int32_t payer, group;
  cs_chain chain;
  cs_num price, fte_per_unit, m2_per_unit, co2_per_unit, growth; /* absent optional = fixed 0 */
  double marginal_share; /* part of the price that a unit less saves (v0.2; default 1) */
} cs_sector;

/* Workforce supply row of (subregion, group); present = 0 means supply 0 throughout. */
typedef struct {
  int32_t present;
  double fte, retire_rate, outflow_rate, inflow_fte;
} cs_wf_row;

typedef struct {
  cs_effect_kind kind;
  int32_t sector;         /* use, end_of_life_use, fte_per_unit */
  int32_t from, to;       /* shift: sectors; transition: states */
  int32_t group;          /* workforce */
  cs_num change;          /* use, eol, fte_per_unit, transition */
  cs_num fraction, ratio; /* shift */
  int32_t eol_only;       /* shift: moves end-of-life use only (applies_to: end_of_life) */
  int32_t hazard;         /* transition: scale: hazard, p' = 1 - (1 - p)^m (v0.2) */
  cs_num outflow_change, extra_inflow; /* workforce (absent = fixed 0) */
} cs_effect;

typedef struct {
  cs_cost_kind kind;
  int32_t payer;
  cs_num amount;
  int32_t year;     /* once */
  int32_t from, to; /* per_year (defaults T0, T1 filled in) */
  int32_t insurer;  /* the insurer that pays a line of the insurers' payer; CS_NONE: by share */
  double fte_pp;    /* per_participant: the plan's own FTE per participant (v0.2; default 0) */
  double *by_sub;   /* once / per_year: [nsub] each subregion's share (by_subregion, v0.2);
                       NULL: by the shares of the targeted persons */
} cs_cost;

typedef struct {
  const char *organisation, *role;
  double fte, euro; /* absent = 0 */
  int32_t from, to; /* fte years (defaults T0, T1 filled in) */
  int32_t year;     /* euro year (default T0 filled in) */
} cs_resource;

typedef struct {
  const char *indicator;
  int32_t year;
  double target;
} cs_milestone;

typedef struct {
  const char *id, *name;
  int32_t theme;
  /* target: masks are arrays of 0/1; all-ones when the field is absent */
  uint8_t *area_mask; /* [narea]: in target.areas AND subregion in target.subregions */
  uint8_t sex_mask[CS_NSEX];
  int32_t age_from, age_to; /* default 0, CS_XMAX */
  uint8_t *state_mask;      /* [nstate] */
  int32_t has_states;       /* target.states given */
  /* uptake */
  cs_num max;
  int32_t ramp_years;    /* >= 1 */
  int32_t start;         /* default T0 */
  int32_t *start_by_sub; /* [nsub], CS_YEAR_NONE where not given */
  cs_curve curve;
  /* after funding: the last year of its once and per_year lines (CS_YEAR_NONE when it has
   * none, or a per_participant line: then funding follows participation) */
  int32_t fund_end;
  cs_after after;      /* default keep */
  int32_t decay_years; /* CS_AFTER_DECAY: >= 1 */
  cs_effect *effects;
  int32_t neffect;
  cs_cost *costs;
  int32_t ncost;
  cs_resource *resources;
  int32_t nresource;
  cs_milestone *milestones;
  int32_t nmilestone;
} cs_intervention;

typedef struct {
  const char *id, *name, *leader;
  int32_t first, count;
} cs_theme;

/* An input of the plan: a number or distribution written in the YAML, or a CSV table it
 * reads, with its source (docs/plan-format.md "Sources of numbers"; inputs.csv). */
typedef enum { CS_INPUT_NUMBER, CS_INPUT_DISTRIBUTION, CS_INPUT_TABLE } cs_input_kind;
typedef struct {
  cs_input_kind kind;
  const char *path;   /* where it stands: sectors[gp].price, $name, use (a table) */
  int32_t line;       /* in the plan file, 1-based */
  const char *value;  /* a number as written; a distribution's deterministic value; a file name */
  const char *dist;   /* "pert(min 0.2, mode 0.4, max 0.6)"; "" for a number or a table */
  const char *source; /* the comment that gives its source; "" when none */
} cs_input;

/* A named scale / pace variant of `plan`. */
typedef struct {
  const char *id;
  uint8_t *sub_mask; /* [nsub]; all-ones when `subregions` absent */
  int32_t has_subregions;
  int32_t *delay; /* [nsub], 0 default */
} cs_scenario_def;

typedef struct cs_plan {
  cs_arena arena;   /* owns everything below */
  const char *path; /* the YAML file as given */
  /* FNV-1a 64 of the YAML file's bytes, and of the YAML's then every table file's bytes in
   * the order the loader read them (run_info.csv, docs/outputs.md) */
  uint64_t yaml_hash, input_hash;
  uint64_t files_hash; /* input_hash without the overrides: the files as read (serve's
                          plan_changed) */
  /* plan: meta (strings may be NULL when absent) */
  const char *name, *coalition, *coordinator, *status, *deadline, *region_name;
  int32_t T0, T1, nyear; /* nyear = T1 - T0 + 1 */

  int32_t narea, nsub;
  cs_area *areas;
  const char **subs; /* subregion names, in order of first appearance in areas.csv */

  double *pop;
  cs_num pop_scale; /* [narea][CS_NSEX][CS_NAGE] */
  double *q0;
  cs_num mort_scale;        /* [CS_NSEX][CS_NAGE] */
  cs_num mort_improvement;  /* default fixed 0 */
  cs_num trans_improvement; /* demography.transition_improvement (v0.2), default fixed 0 */
  double wf_total; /* workforce_total_fte (v0.2): the region's care-and-welfare FTE; 0: absent */
  /* demography.transition_improvement_by_age (v0.2): band b holds ages timpr_from[b] up to the
   * next band's first age; ntimpr 0 when absent (then trans_improvement for every age) */
  int32_t ntimpr;
  int32_t *timpr_from;
  cs_num *timpr_band;
  int32_t mort_hazard;    /* demography.mortality_mode: hazard (v0.2): q_k = 1 - (1 - q)^rr */
  int32_t mort_completed; /* demography.life_table_age: completed (v0.2): survival ratios */
  int32_t has_projection;
  double *fert;
  cs_num fert_scale; /* [CS_NAGE], 0 where absent; NULL in projection mode */
  cs_num boys;       /* default fixed 0.512 */
  double *mig;
  cs_num mig_scale; /* [narea][CS_NSEX][CS_NAGE], 0 where absent/no table */
  double *proj;
  cs_num proj_scale; /* [narea][CS_NSEX][CS_NAGE][nyear-1] for T0+1..T1 */

  int32_t nstate;
  cs_state *states; /* without `states`: one state "all", utility 1, rr 1 */
  double *share0;   /* [CS_NSEX][CS_NAGE][nstate] */
  double *trans;
  cs_num trans_scale; /* [CS_NSEX][CS_NAGE][nstate][nstate], diagonal 0 */

  int32_t npayer;
  cs_payer *payers;
  /* insurers (v0.2, optional): their market shares per area of one payer's insured */
  int32_t ninsurer, insurer_payer; /* insurer_payer CS_NONE without insurers */
  const char **insurers;           /* [ninsurer] */
  double *insurer_share;           /* [narea][ninsurer], each area's row sums to 1 */
  int32_t ngroup;
  const char **groups; /* workforce table groups, then sector-only groups */
  cs_wf_row *wf;       /* [nsub][ngroup] */
  int32_t nsector;
  cs_sector *sectors;
  double *use;
  cs_num use_scale; /* [nsector][nstate][CS_NSEX][CS_NAGE] */
  double *eol;
  cs_num eol_scale;   /* same shape; 0 without the table */
  double *area_index; /* [narea][nsector] use multiplier of the area (area_use_index, v0.2);
                         NULL without the table (every multiplier 1) */

  /* economics */
  int32_t price_year;
  cs_num price_growth; /* default fixed 0 */
  double discount_rate, discount_rate_effects, qaly_value;
  double inflation; /* price_year euros to current euros of a year (budget impact; default 0) */
  /* economics.price_index (v0.2): a price index by year, ascending years; npi 0 when absent.
   * Years outside it continue it at `inflation` (price_level in io/tables_budget.c). */
  int32_t npi;
  int32_t *pi_year;
  double *pi_val;
  /* economics.intervention_shapley (v0.2): how each intervention's contribution is found */
  cs_ivshap_mode ivshap_mode;
  cs_cycle cycle;       /* economics.cycle_correction (v0.2): weights of state rewards per year */
  int32_t ivshap_perms; /* sampled: the number of permutations */

  /* criteria */
  int32_t crit_year, crit_payer; /* crit_payer: payer index; CS_NONE if zvw absent */
  int32_t crit_short_year;       /* the short-term verdict's year (long: crit_year) */
  double care_use_pct, patient_flows_pct, staff_fte, real_estate_m2;
  /* staff and real estate thresholds relative to the baseline of the year: staff_fte and
   * real_estate_m2 then hold a % (staff_pct, real_estate_pct) */
  int32_t staff_rel, real_estate_rel;
  uint8_t *flow_den; /* [nsector] denominator sectors of patient_flows */

  int32_t ndist;
  cs_dist *dists; /* every uncertain number; theta has ndist entries */
  int32_t nparam;
  const char **param_names;
  int32_t *param_dist; /* named parameters */

  int32_t ntheme;
  cs_theme *themes;
  int32_t niv;
  cs_intervention *ivs; /* all interventions in plan order */
  int32_t nscen;
  cs_scenario_def *scens;
  int32_t psa_draws;
  uint64_t psa_seed;
  int32_t has_psa, psa_has_seed;
  int32_t ninput;
  cs_input *inputs; /* every input number and table, in the order of the plan file */
  /* A re-forecast (docs/model.md "Re-forecast"; model.h): NULL as loaded. A re-forecast run
   * sets it on its own copy of the plan, so every kernel of the run (PSA draws and Shapley
   * runs too) replaces the same year by the same actuals. */
  const struct cs_refc *rf;
} cs_plan;

/* Value of a number in draw theta. */
static inline double cs_num_val(cs_num n, const double *theta) { return n.sign * theta[n.p]; }

/* The within-cycle correction's weight of year index y = t - T0 (docs/model.md 7): none 1;
 * half-cycle 1/2 at the first and last year, else 1; simpson 1/3 at the first and last,
 * else 4/3 at even and 2/3 at odd y (the order of the DARTH tutorial's code). */
static inline double cs_cycle_weight(const cs_plan *pl, int32_t y) {
  int32_t n = pl->T1 - pl->T0;
  if (pl->cycle == CS_CYCLE_NONE) return 1.0;
  if (y == 0 || y == n) return pl->cycle == CS_CYCLE_HALF ? 0.5 : 1.0 / 3.0;
  if (pl->cycle == CS_CYCLE_HALF) return 1.0;
  return y % 2 ? 2.0 / 3.0 : 4.0 / 3.0;
}

/* Index helpers for the flat arrays. */
static inline size_t cs_ix_asx(int32_t a, int32_t s, int32_t x) {
  return ((size_t)a * CS_NSEX + (size_t)s) * CS_NAGE + (size_t)x;
}

/* The u-quantile of a distribution (0 < u < 1; clamped to the support at 0 and 1). GSL's
 * inverse cdfs are used; callers must have turned GSL's abort-on-error handler off
 * (gsl_set_error_handler_off). */
double cs_dist_quantile(const cs_dist *d, double u);
const char *cs_dist_kind_name(cs_dist_kind k);

/* cs_plan_load_with; when sealed, an override may not name a table's file, at its own path or
 * inside a section it replaces, so overrides from outside the plan's owner (the what-if API)
 * cannot make the loader read a file the plan does not name. */
cs_status cs_plan_load_sealed(const char *path, const char *const *sets, size_t nset, int sealed,
                              cs_plan **out, cs_diags *diags);

#endif
