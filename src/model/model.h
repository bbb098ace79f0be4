/* model.h: what the kernel reads and writes.
 *  - cs_params: the plan's numbers for one parameter draw, resolved to plain doubles
 *    (table scales applied), so the kernel never looks at distributions.
 *  - cs_scen:   one scenario (baseline, plan, a scale/pace variant, without-<theme>).
 *  - cs_results: every per-year quantity of OUTPUTS.md for all scenarios of one draw.
 *  - cs_work:   the kernel's scratch space, allocated once per draw-worker. */
#ifndef CS_MODEL_H
#define CS_MODEL_H

#include "careshift.h"
#include "plan/plan.h"

typedef struct {
  double *pop; /* [a][s][x], scaled */
  double *q0;  /* [s][x], scaled */
  double impr, boys, price_growth;
  double timpr[CS_NAGE]; /* transition_improvement of each age (by age band or one value) */
  int timpr_any;         /* some age's is not 0 */
  double *fert;          /* [x] scaled (NULL in projection mode) */
  double *mig;           /* [a][s][x] scaled */
  double *proj;          /* [a][s][x][nyear-1] scaled */
  double *utility, *rr;  /* [k] */
  double *trans;         /* [s][x][k][l] scaled */
  double *use, *eol;     /* [s][x][k][c] scaled (cell-major, unlike the plan) */
  double *price, *fte_per_unit, *m2, *co2, *growth; /* [c] */
  double *iv_max;                                   /* [iv] */
  /* effect values, flattened in plan order: [eff_off[iv] + j] */
  int32_t *eff_off; /* [niv + 1] */
  double *eff_change, *eff_fraction, *eff_ratio, *eff_outflow, *eff_inflow;
  int32_t *cost_off; /* [niv + 1] */
  double *cost_amount;
  /* Targeting signatures (plan-static): cells targeted by the same interventions share one,
   * so effects are applied once per signature to summed rates instead of once per cell. */
  int32_t nsig;
  int32_t *cell_sig; /* [s][x][k] -> signature */
  uint8_t *sig_iv;   /* [nsig][niv]: intervention targets the signature's cells */
} cs_params;

typedef struct {
  const char *id;
  uint8_t *iv_on;  /* [niv] */
  uint8_t *sub_on; /* [nsub] */
  int32_t *delay;  /* [nsub] */
  int32_t has_subregions;
  double *coverage;  /* [niv] cost multiplier for once / per_year lines */
  double *cov_sub;   /* [niv][nsub] the part of coverage in each subregion (its share of
                        the targeted base-year persons), whose costs its delay moves */
  int32_t has_delay; /* some subregion starts later */
} cs_scen;

/* Value columns per row kind. */
enum { CS_DEMO_POP, CS_DEMO_BIRTHS, CS_DEMO_DEATHS, CS_DEMO_MIG, CS_DEMO_POP75, CS_DEMO_N };
enum { CS_CARE_UNITS, CS_CARE_COST, CS_CARE_FTE, CS_CARE_M2, CS_CARE_CO2, CS_CARE_N };
/* LY_W, QALY_W: the year's life years and QALYs as the discounted sums take them: LY and QALY
 * without a within-cycle correction, else the 1 January occupancy times the year's weight */
enum { CS_HEALTH_LY, CS_HEALTH_QALY, CS_HEALTH_LY_W, CS_HEALTH_QALY_W, CS_HEALTH_N };

typedef struct {
  int32_t nsc, ny, na, nc, np, nr, ng, niv, nline;
  double *demo;                    /* [sc][y][a][CS_DEMO_N] */
  double *care;                    /* [sc][y][a][c][CS_CARE_N] */
  double *health;                  /* [sc][y][a][CS_HEALTH_N] */
  double *payer_care, *payer_impl; /* [sc][y][p] */
  /* The same amounts as every discounted sum takes them (economics.cycle_correction, v0.2):
   * care cost from use and per_participant costs times the year's weight; end-of-life use,
   * once and per_year lines as they are. Without a correction equal to the unweighted ones. */
  double *care_w;                      /* [sc][y][a][c] care cost */
  double *payer_care_w, *payer_impl_w; /* [sc][y][p] */
  double *impl_w;                      /* [sc][y][line] */
  double *impl_sub_w;                  /* [sc][y][r][p] */
  double *wf_dem, *wf_sup;             /* [sc][y][r][g] */
  double *uptake, *participants;       /* [sc][y][a][iv] */
  double *impl;                        /* [sc][y][line] (lines of all interventions, plan order) */
  double *own_fte;                     /* [sc][y] staff the plan itself employs (resources' fte) */
  double *impl_sub;      /* [sc][y][r][p] implementation cost by subregion and payer */
  double *flows;         /* [sc][y][a] back units shifted to the front (criteria) */
  double *detail;        /* [sc][y][a][s][x][k] or NULL */
  double capped_persons; /* migration removals that hit an empty cell */
  int64_t capped_cells;
  int64_t clamped_rows;      /* transition rows scaled down to sum 1 */
  int64_t clamped_base_rows; /* of which the base row (before effects) was above 1 already */
  int64_t *clamp_iv;         /* [niv] rows clamped involving the intervention */
} cs_results;

typedef struct {
  double *cur, *next;   /* [sc][a][s][x][k] */
  double *mig_resid;    /* [a][s][x] projection-mode residual of the baseline */
  double *up;           /* [niv] uptake of the current (sc, a, t) */
  int32_t *act;         /* [niv] interventions with uptake > 0 in the current (sc, a, t) */
  double *em, *ef;      /* [neffect] multiplier max(0, 1 + change*up) and fraction*up of the
                           current (sc, a, t): the same in every cell of the area */
  double *units, *fsum; /* [c] units and FTE-weighted units of the current area */
  double *units_eol;    /* [c] the part of units from end-of-life use */
  double *ru, *re;      /* [nsig][c] sums of N*u and D*e at base (ungrown) rates, per area */
  double *rn;           /* [nsig] persons of the signature in the area */
  double *tm;           /* [nsig][k][l] product of transition multipliers of the area */
  double *th;           /* [nsig][k][l] the same of the hazard-scale ones (exponents) */
  uint8_t *tm_on;       /* [nsig] the signature has active transition effects */
  double *qm, *ud;      /* [nsig] death-probability multiplier and utility change of the
                           signature's active mortality and utility effects (1 and 0 without) */
  double *part;         /* [niv] participants of the current area */
  double *upbar;        /* [nsub][niv] */
  double *sup;          /* [sc][r][g] current supply */
  double *grow;         /* [c] growth factor of the year */
  double *u, *e, *mfte; /* [c] rates of the current cell */
  double *p;            /* [k][l] transition matrix of the current cell */
  double *trans_y;      /* [s][x][k][l] the year's base transitions (transition_improvement) */
  double *S, *S2, *D;   /* [k] */
} cs_work;

/* model.c: parameters are allocated once per worker and filled per draw. Drawn values are
 * kept in their domain (probabilities in [0,1], sizes >= 0). */
cs_status cs_params_alloc(const cs_plan *pl, cs_arena *ar, cs_params *out);
void cs_params_fill(const cs_plan *pl, const double *theta, cs_params *out);
cs_status cs_params_build(const cs_plan *pl, const double *theta, cs_arena *ar, cs_params *out);
/* Recomputes the cost coverage of every scenario (it depends on the drawn population). */
void cs_scen_coverage(const cs_plan *pl, const cs_params *pm, cs_scen *sc, int32_t nsc);
/* Base-year persons in the intervention's targeted cells of area a (what its costs cover). */
double cs_targeted_persons(const cs_plan *pl, const cs_params *pm, const cs_intervention *iv,
                           int32_t a);
/* Subregion r's part of a once or per_year line of intervention v in year t: the line's
 * by_subregion share, else r's share of the targeted persons, in r's own, possibly delayed,
 * years (kernel.c; the business case per subregion and per insurer split lines by it). */
double cs_line_part(const cs_plan *pl, const cs_scen *sc, int32_t v, int32_t r, const cs_cost *co,
                    double amt, int32_t t);
int32_t cs_scen_build(const cs_plan *pl, const cs_params *pm, cs_arena *ar, cs_scen **out);
/* 2^themes scenarios, one per subset of the themes (bit t: theme t on; 0 = baseline, the last
 * = the plan). Returns the count, 0 when there are more than CS_SHAPLEY_MAX_THEMES themes,
 * -1 when out of memory. */
#define CS_SHAPLEY_MAX_THEMES 10
cs_scen *cs_scen_sets(const cs_plan *pl, const uint8_t *on, int32_t n, cs_arena *ar);
int32_t cs_scen_subsets(const cs_plan *pl, const cs_params *pm, const cs_scen *base, cs_arena *ar,
                        cs_scen **out);
cs_status cs_results_alloc(const cs_plan *pl, int32_t nsc, int detail, cs_arena *ar, cs_results *r);
cs_status cs_work_alloc(const cs_plan *pl, const cs_params *pm, int32_t nsc, cs_arena *ar,
                        cs_work *w);
int32_t cs_plan_nlines(const cs_plan *pl);

/* kernel.c: one draw, all scenarios in lockstep. Pure: reads pl, pm, sc; writes w, r. */
void cs_kernel(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc, cs_work *w,
               cs_results *r);

/* index helpers */
static inline size_t cs_ix_sy(const cs_results *r, int32_t s, int32_t y) {
  return (size_t)s * (size_t)r->ny + (size_t)y;
}

#endif
