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
  uint8_t *iv_popfx; /* [niv]: intervention has a mortality, utility or transition effect */
} cs_params;

/* A re-forecast (docs/model.md "Re-forecast", v0.2): the realised values of year index y
 * (1 .. nyear-1) that replace the modelled ones on 1 January of that year, in every scenario
 * and draw. The run layer reads them from an actuals database (src/run/reforecast.c). */
enum { CS_RF_NONE, CS_RF_DELAY, CS_RF_FIXED }; /* how an (intervention, subregion) is replaced */
enum { CS_RF_SRC_NONE, CS_RF_SRC_SUB, CS_RF_SRC_AREAS, CS_RF_SRC_REGION };
typedef struct cs_refc {
  int32_t y;
  /* population: area a is scaled as group pop_grp[a] (-1: not at all); group g's realised
   * total is pop_val[g] (an area's own actual, or what a subregion's or the region's actual
   * leaves for its areas without one of their own) */
  int32_t npg;
  int32_t *pop_grp; /* [narea] */
  double *pop_val;  /* [npg] */
  /* participants: [niv][nsub] realised participants of the subregion (NaN: none) and where
   * they come from (CS_RF_SRC_SUB or _AREAS); [niv] the region's (NaN: none) */
  double *part_sub;
  int32_t *part_src;
  double *part_reg;
  /* The replacement a kernel uses when its scenarios hold no plan-like one (every
   * intervention and subregion, no delay: Shapley runs): the main run's. NULL until set. */
  const int32_t *fb_mode;
  const double *fb_delta, *fb_val;
  /* What the run's tables compare with and say (not read by the kernel): the database, the
   * original run's plan scenario (NaN where its table has no row), the population actuals. */
  const char *db_path, *db_checksum;
  double *orig_npv;               /* [npayer + 1] NPV per stakeholder, `total` last */
  double *orig_crit, *orig_subst; /* [2][criteria]: value and substantial, short then long */
  int32_t npop;                   /* population actuals of the year, areas first: */
  int32_t *pop_level, *pop_place; /* 0 area, 1 subregion, 2 region; the area or subregion */
  double *pop_real;               /* the realised value */
  int32_t *pop_of;                /* the group it sets (-1: every area has its own actual) */
  const char *label_npv;          /* the tables' labels: "T0-T1", */
  const char *label_term[2];      /* "short:<year>", "long:<year>", */
  const char **part_ind;          /* [niv] "participants:<id>" */
} cs_refc;

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
  /* The re-forecast as applied (pl->rf; NULL without): per scenario and area the modelled
   * population on 1 January of its year before the rescale and the factor applied; per
   * intervention and subregion the plan scenario's targeted persons (after the rescale), the
   * realised and the modelled uptake, and the replacement (mode, delay in years, fixed
   * uptake). */
  double *rf_pop, *rf_fac;                  /* [sc][a] */
  double *rf_tgt, *rf_u, *rf_upm, *rf_used; /* [iv][r]; rf_used: participants it stands for */
  int32_t *rf_mode;                         /* [iv][r] CS_RF_* */
  double *rf_delta, *rf_val;                /* [iv][r] */
} cs_results;

/* A migration removal that hit an empty cell: the kernel collects them per block of lanes and
 * adds the persons in the order of the scenarios, areas and cells, so the sum has the same bits
 * however the lanes are grouped. */
typedef struct {
  int32_t lane, sx; /* sx: s * CS_NAGE + x */
  double persons;
} cs_capped;

/* The kernel advances every (scenario, area) pair of a year together, a lane each (pairs with
 * the same stock share one; without sharing lane i * narea + a), the population stored
 * [s][x][k][lane], so each rate is read once a year for all lanes and the loops over lanes
 * vectorise. Lanes go in blocks of bmax (a multiple of 8); the lanes past
 * nlane that fill the last block stay empty. The per-lane scratch below is [..][bmax]
 * (b = lane - first lane of the block), sized for one block. */
typedef struct {
  int32_t nlane, lstride, bmax; /* lanes, lanes with the last block's padding, block size */
  double *cur, *next;           /* [s][x][k][lstride] */
  double *mig_resid;            /* [s][x][a] projection-mode residual of the baseline */
  double *migT;                 /* [s][x][a] the plan's net migration, or the year's projection */
  int32_t *lane_a;              /* [lstride] the lane's area (0 for padding) */
  double *up;                   /* [niv][bmax] uptake of the lane's (sc, a, t) */
  long long *actm;              /* [niv][bmax] all ones where the uptake is > 0, else 0 */
  int32_t *act, *nact;          /* [bmax][niv], [bmax] interventions with uptake > 0 */
  double *em, *ef;              /* [neffect][bmax] multiplier max(0, 1 + change*up) and fraction*up:
                                   the same in every cell of the lane (set where up > 0) */
  double *units, *fsum;         /* [c][bmax] units and FTE-weighted units of the lanes */
  double *units_eol;            /* [c][bmax] the part of units from end-of-life use */
  double *flows;                /* [bmax] the lanes' patient flows */
  double *gl;                   /* [c][bmax] growth factor of the year times the lane's area use
                                   index */
  double *ru, *re;              /* [nsig][c][bmax] sums of N*u and D*e at base (ungrown) rates */
  double *rn;                   /* [nsig][bmax] persons of the signature */
  double *tm;                   /* [nsig][k][l][bmax] product of transition multipliers */
  double *th;           /* [nsig][k][l][bmax] the same of the hazard-scale ones (exponents) */
  uint8_t *tm_on;       /* [nsig][bmax] the lane has active transition effects on the signature */
  uint8_t *any_tm;      /* [nsig] some lane of the block has */
  uint8_t *any_th;      /* [nsig][k][l] some lane of the block has a hazard-scale one */
  uint8_t *tm_row;      /* [nsig][k] some lane of the block has a transition effect on row k
                           (the other rows are every lane's shared row: cell_fused) */
  uint8_t *tm_big;      /* [nsig][k] some lane of the block has a multiplier of row k above 1
                           (or not a number) or a hazard-scale one */
  double *qm, *ud;      /* [nsig][bmax] death-probability multiplier and utility change of the
                           signature's active mortality and utility effects (1 and 0 without) */
  uint8_t *qm_big;      /* [nsig] some lane of the block may have qm > 1 (a multiplier > 1) */
  uint8_t *ud_any;      /* [nsig] some lane of the block has a utility effect */
  double *ut;           /* [nsig][k][bmax] utility of state k with the utility change */
  double *part;         /* [niv][bmax] participants of the lanes */
  double *upbar;        /* [nsub][niv] */
  int32_t *pfx;         /* [neffect] each intervention's effects that act on the population
                           (mortality, utility, a transition to another state), as indices
                           into its effects, in plan order (lane_sigs), */
  int32_t *pfx_off;     /* [niv + 1] from pfx_off[v] on */
  int32_t *wfx, nwfx;   /* [n][3] the workforce effects in plan order: intervention, effect
                           (pm->eff_off[v] + j), group */
  double *sup;          /* [sc][r][g] current supply */
  double *grow;         /* [c] growth factor of the year */
  double *u, *e, *mfte; /* [c][8] the current signature's grown rates of eight lanes */
  double *p;            /* [k][bmax] transition probabilities of the current row per lane */
  double *psum;         /* [bmax] their off-diagonal sum */
  double *trans_y;      /* [s][x][k][l] the year's base transitions (transition_improvement) */
  double *trans_lg;     /* [s][x][k][l] log1p(-p) of the draw's base transitions, l > k */
  double *prow;         /* [s][x][k][l] the year's rows as a lane without transition effects
                           takes them (scaled to sum 1 where needed), the stay on the diagonal */
  uint8_t *bclamp;      /* [s][x][k] the year's base row sums above 1 */
  int32_t *nz, *nzn;    /* [s][x][k][2][c], [s][x][k][2]: the sectors with use (0) and
                           end-of-life use (1) not 0 (as offsets sector * bmax of their sums),
                           and their count */
  double *nzr;          /* [s][x][k][2][c] those rates, in the same order */
  uint8_t *rend;        /* [s][x][k] the cell ends a run: (s, x + 1, k) has another signature
                           or other use or end-of-life rates (x + 1 is another age band), x
                           is 74 (POP75) or the last age (cell_fused sums a run's persons
                           first; it also ends runs where ages slo .. shi - 1 begin or end) */
  double *gn, *gd;      /* [k][bmax] persons and deaths of state k summed over the cells of
                           the current run (0 between runs) */
  double *qa;           /* [s][x][k][a] the year's death probability before mortality effects
                           (relative-risk mode; hazard mode: [s][x][k], the same in every area) */
  double *S, *D;        /* [bmax] survivors and deaths of the current cell */
  double *S2;           /* [k][bmax] survivors by next state of the current (s, x); then
                           next year's cell with its migration (cell_step) */
  double *hl, *dm;      /* [CS_HEALTH_N][bmax], [CS_DEMO_N][bmax] the lanes' sums */
  cs_capped *cap;       /* [NSEX * NAGE * bmax] capped removals of the block */
  int32_t ncap;
  cs_capped *cap2; /* [NSEX * NAGE * bmax] block_capped's sort: the list by cell, */
  int32_t *capn;   /* [max(NSEX * NAGE, bmax) + 1] and its counts (sort_capped) */
  /* The baseline's lanes after the year's cells that no intervention changes (kctx slo, shi):
   * the other lanes of the area take these instead of computing them (block_segment). */
  double *snap;    /* [CS_HEALTH_N + CS_DEMO_N + nsig * (1 + 2 c)][narea] the sums */
  int64_t *snapc;  /* [2][narea] clamped rows */
  cs_capped *ucap; /* [NSEX * NAGE * narea] the baseline's capped removals in them */
  int32_t nucap;
  double **segp; /* [nrow] the year's sums those cells add to ([bmax] rows of hl, dm,
                    and rn, ru, re of their signatures) */
  int32_t *segf; /* [nrow] each one's row of snap */
  int32_t nseg;
  uint8_t *sigin; /* [nsig] scratch: the signature has a cell among them */
  /* (Scenario, area) pairs with the same stock (the same uptake of every intervention with a
   * mortality, utility or transition effect in the area, in every year) share a lane: the
   * first such pair's (cs_kernel). */
  int32_t *lane_of;        /* [nsc][narea] the lane that holds the pair's stock */
  uint64_t *shash;         /* [nsc][narea] a hash of that uptake */
  double *upt;             /* [nsc][nsub][year][niv] the draw's uptake in targeted areas */
  int32_t *lane_sc;        /* [lstride] the scenario of the lane's own pair */
  uint8_t *pcopy;          /* [nsc][narea] a pair whose uptake is its lane's own pair's, of
                              every intervention: its results are a copy */
  uint8_t *lrow;           /* [lstride / 8] lanes 8v .. 8v + 7 hold eight areas in a row
                              (padding lanes too: cell_fused; migration8 checks nl) */
  int64_t *lcl;            /* [2][bmax] rows clamped in the block's lanes, of which base rows */
  int64_t *lcliv;          /* [niv][bmax] rows clamped involving the intervention */
  double *rf_tot, *rf_fac; /* [lstride] a re-forecast's lane totals and factors (else NULL) */
  double *rf_gsum;         /* [npg] a scenario's modelled persons of each population group */
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

/* What is left of the uptake in year t once the funding has ended (kernel.c, model.md 4). */
double cs_after_funding(const cs_intervention *iv, int32_t delay, int32_t t);

/* refc.c: the re-forecast (docs/model.md "Re-forecast"). The ramp of intervention iv with
 * maximum max as a continuous function of d = t - start (0 for d <= -1), and its inverse on
 * (0, max). */
double cs_ramp_at(const cs_intervention *iv, double max, double d);
double cs_ramp_inverse(const cs_intervention *iv, double max, double u);
/* At 1 January of pl->rf->y, before anything of that year: rescales every lane's population
 * (cur) and fixes the uptake replacement in r (from the plan-like scenario's lanes, else the
 * fallback). */
void cs_rf_apply(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc, cs_work *w,
                 cs_results *r);
/* The uptake of intervention v in area a, year t >= the re-forecast's year, of scenario sc,
 * given the replacement in r (mode CS_RF_NONE: not called). */
double cs_rf_uptake(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, const cs_results *r,
                    int32_t v, int32_t a, int32_t t);

/* index helpers */
static inline size_t cs_ix_sy(const cs_results *r, int32_t s, int32_t y) {
  return (size_t)s * (size_t)r->ny + (size_t)y;
}

#endif
