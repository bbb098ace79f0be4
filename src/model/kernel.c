/* kernel.c: the simulation of one parameter draw, every scenario in lockstep (MODEL.md 2-5).
 *
 * Pure: it reads the plan, the draw's parameters and the scenarios, and writes only to its
 * workspace and results; no allocation, no I/O. Scenarios advance year by year together
 * because every scenario's state mortality is normalised by the baseline's state mix on
 * 1 January of the same year, and projection-mode migration is the baseline's residual. */
#include "model.h"

#include <math.h>
#include <string.h>

/* Everything the per-cell code needs about the current (scenario, year, area). */
typedef struct {
  const cs_plan *pl;
  const cs_params *pm;
  const cs_scen *sc;
  cs_work *w;
  cs_results *r;
  int32_t i, y, a, nact;
  double qfac, flows;
  const double *trans; /* [s][x][k][l] the year's base transitions */
  int64_t clamped, clamped_base;
} kctx;

static size_t cells_per_scen(const cs_plan *pl) {
  return (size_t)pl->narea * CS_NSEX * CS_NAGE * (size_t)pl->nstate;
}

static size_t ix_cell(const cs_plan *pl, int32_t a, int32_t s, int32_t x) {
  return cs_ix_asx(a, s, x) * (size_t)pl->nstate;
}

/* max(0, v) and min(1, v) without libm calls in the inner loop (same result for NaN). */
static inline double pos(double v) { return v > 0.0 ? v : 0.0; }
static inline double atmost1(double v) { return v < 1.0 ? v : 1.0; }

/* 1 - (1 - p)^h: probability p under hazard ratio h >= 0 (a certain event stays certain
 * unless h is 0). expm1/log1p keep small probabilities exact. */
static inline double hazard_pow(double p, double h) {
  if (p >= 1.0) return h > 0.0 ? 1.0 : 0.0;
  return -expm1(h * log1p(-p));
}

static int is_front(cs_chain c) { return c == CS_CHAIN_SOCIAL || c == CS_CHAIN_PRIMARY; }

/* What is left of the uptake in year t once the funding has ended (docs/model.md 4, v0.2):
 * the funding of a subregion ends `delay` years later, as its cost lines move. */
static double after_funding(const cs_intervention *iv, int32_t delay, int32_t t) {
  if (iv->after == CS_AFTER_KEEP || iv->fund_end == CS_YEAR_NONE) return 1.0;
  int32_t past = t - (iv->fund_end + delay);
  if (past <= 0) return 1.0;
  if (iv->after == CS_AFTER_STOP) return 0.0;
  return past >= iv->decay_years ? 0.0 : 1.0 - (double)past / iv->decay_years;
}

/* Uptake of intervention v in area a, year t of scenario sc (MODEL.md 4). */
static double uptake(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t v,
                     int32_t a, int32_t t) {
  const cs_intervention *iv = &pl->ivs[v];
  int32_t sub = pl->areas[a].sub;
  if (!sc->iv_on[v] || !iv->area_mask[a] || !sc->sub_on[sub]) return 0.0;
  int32_t start = iv->start_by_sub[sub] != CS_YEAR_NONE ? iv->start_by_sub[sub] : iv->start;
  int32_t d = t - (start + sc->delay[sub]);
  if (d < 0) return 0.0;
  double ramp = (double)iv->ramp_years, max = pm->iv_max[v];
  double up = iv->curve == CS_CURVE_LINEAR
                  ? max * fmin(1.0, (d + 1) / ramp)
                  : max / (1.0 + exp(-((d + 1) - ramp / 2.0) * 8.0 / ramp));
  return up * after_funding(iv, sc->delay[sub], t);
}

/* Applies intervention v's care effects to rates summed over the cells of one signature
 * (N-weighted use in u, D-weighted end-of-life use in e; rn persons). Every effect is linear
 * in the rates (extra_use adds rn * units * uptake), so this equals applying it cell by cell
 * and summing; the patient-flow units that a
 * back-to-front shift removes are returned. Transition effects act per cell (sig_transitions),
 * workforce effects per subregion (workforce_step). */
static double apply_effects(const kctx *c, int32_t v, double rn, double *u, double *e,
                            double *mfte) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  const cs_work *w = c->w;
  const cs_intervention *iv = &pl->ivs[v];
  double flows = 0.0;
  for (int32_t j = 0; j < iv->neffect; j++) {
    const cs_effect *ef = &iv->effects[j];
    int32_t x = pm->eff_off[v] + j;
    switch (ef->kind) {
    case CS_EFF_USE: u[ef->sector] *= w->em[x]; break;
    case CS_EFF_EOL: e[ef->sector] *= w->em[x]; break;
    case CS_EFF_FTE: mfte[ef->sector] *= w->em[x]; break;
    case CS_EFF_SHIFT: {
      double f = w->ef[x], ratio = pm->eff_ratio[x];
      double du = ef->eol_only ? 0.0 : f * u[ef->from], de = f * e[ef->from];
      u[ef->from] -= du;
      u[ef->to] += ratio * du;
      e[ef->from] -= de;
      e[ef->to] += ratio * de;
      /* patient flows: care moved from a denominator sector to the front of the chain */
      if (pl->flow_den[ef->from] && is_front(pl->sectors[ef->to].chain)) flows += du + de;
      break;
    }
    case CS_EFF_EXTRA_USE: /* rn persons of the signature, each units * up more */
      u[ef->sector] += rn * fmax(0.0, pm->eff_change[x]) * w->up[v];
      break;
    case CS_EFF_TRANSITION:
    case CS_EFF_WORKFORCE:
    case CS_EFF_UTILITY:
    case CS_EFF_MORTALITY: break;
    }
  }
  return flows;
}

/* Per signature: the product of the active transition multipliers m of every row (k, l). */
static void sig_transitions(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  size_t KK = (size_t)pl->nstate * pl->nstate;
  for (int32_t j = 0; j < pm->nsig; j++) {
    w->tm_on[j] = 0;
    w->qm[j] = 1.0;
    w->ud[j] = 0.0;
    const uint8_t *in = pm->sig_iv + (size_t)j * pl->niv;
    for (int32_t n = 0; n < c->nact; n++) {
      int32_t v = w->act[n];
      if (!in[v]) continue;
      const cs_intervention *iv = &pl->ivs[v];
      for (int32_t q = 0; q < iv->neffect; q++) {
        const cs_effect *ef = &iv->effects[q];
        int32_t x = pm->eff_off[v] + q;
        if (ef->kind == CS_EFF_MORTALITY) w->qm[j] *= w->em[x];
        if (ef->kind == CS_EFF_UTILITY) w->ud[j] += pm->eff_change[x] * w->up[v];
        if (ef->kind != CS_EFF_TRANSITION || ef->from == ef->to) continue;
        double *tm = w->tm + (size_t)j * KK, *th = w->th + (size_t)j * KK;
        if (!w->tm_on[j])
          for (size_t i = 0; i < KK; i++)
            tm[i] = th[i] = 1.0;
        w->tm_on[j] = 1;
        (ef->hazard ? th : tm)[(size_t)ef->from * pl->nstate + ef->to] *= w->em[pm->eff_off[v] + q];
      }
    }
  }
}

/* The transition row of cell (s, x, k) with signature j: the base row times the
 * signature's multipliers, scaled down to sum 1 when it exceeds 1 (MODEL.md 4). */
static const double *transition_row(kctx *c, int32_t s, int32_t x, int32_t k, int32_t j) {
  const cs_plan *pl = c->pl;
  int32_t K = pl->nstate;
  const double *base = c->trans + (((size_t)s * CS_NAGE + x) * K + k) * K;
  double *p = c->w->p + (size_t)k * K, sum = 0.0, bsum = 0.0;
  const double *tm = c->w->tm_on[j] ? c->w->tm + ((size_t)j * K + k) * K : NULL;
  const double *th = tm ? c->w->th + ((size_t)j * K + k) * K : NULL;
  for (int32_t l = 0; l < K; l++) {
    p[l] = base[l];
    /* hazard-scale effects first (exponents of 1 - p), then the probability multipliers */
    if (tm && th[l] != 1.0) p[l] = hazard_pow(p[l], th[l]);
    if (tm) p[l] *= tm[l];
    if (l != k) sum += p[l], bsum += base[l];
  }
  if (sum <= 1.0) return p;
  for (int32_t l = 0; l < K; l++)
    if (l != k) p[l] /= sum;
  /* the log counts rows that moved persons: empty cells are scaled but not counted */
  const double *cellN = c->w->cur + (size_t)c->i * cells_per_scen(pl) + ix_cell(pl, c->a, s, x);
  if (cellN[k] == 0.0) return p;
  c->clamped++;
  /* a base row above 1 already (a drawn table scale, or a negative transition_improvement
   * raising the hazards of later years) is the base table's doing, not an intervention's */
  if (bsum > 1.0) {
    c->clamped_base++;
    return p;
  }
  if (!tm) return p;
  const uint8_t *in = c->pm->sig_iv + (size_t)j * pl->niv;
  for (int32_t n = 0; n < c->nact; n++) {
    int32_t v = c->w->act[n];
    const cs_intervention *iv = &pl->ivs[v];
    if (!in[v]) continue;
    for (int32_t q = 0; q < iv->neffect; q++)
      if (iv->effects[q].kind == CS_EFF_TRANSITION && iv->effects[q].from == k) {
        c->r->clamp_iv[v]++;
        break;
      }
  }
  return p;
}

/* After all cells of the area: each signature's summed rates, grown and put through its
 * interventions' effects, give the area's units, FTE-weighted units, flows, participants. */
static void sig_apply(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  int32_t nc = pl->nsector;
  for (int32_t j = 0; j < pm->nsig; j++) {
    if (w->rn[j] == 0.0) continue; /* nobody: nothing to use, nobody takes part */
    const double *ru = w->ru + (size_t)j * nc, *re = w->re + (size_t)j * nc;
    /* the area's own level of use (area_use_index), before any effect */
    const double *ai = pl->area_index ? pl->area_index + (size_t)c->a * nc : NULL;
    for (int32_t sec = 0; sec < nc; sec++) {
      double g = ai ? w->grow[sec] * ai[sec] : w->grow[sec];
      w->u[sec] = ru[sec] * g;
      w->e[sec] = re[sec] * g;
      w->mfte[sec] = 1.0;
    }
    const uint8_t *in = pm->sig_iv + (size_t)j * pl->niv;
    for (int32_t n = 0; n < c->nact; n++) {
      int32_t v = w->act[n];
      if (!in[v]) continue;
      c->flows += apply_effects(c, v, w->rn[j], w->u, w->e, w->mfte);
      w->part[v] += w->rn[j] * w->up[v];
    }
    for (int32_t sec = 0; sec < nc; sec++) {
      double units = w->u[sec] + w->e[sec];
      w->units[sec] += units;
      w->units_eol[sec] += w->e[sec];
      w->fsum[sec] += units * w->mfte[sec];
    }
  }
}

/* Deaths (step 1-2): state-specific probabilities normalised by the baseline's mix. */
static void deaths(kctx *c, int32_t s, int32_t x, const double *N, const double *Nb) {
  const int32_t *sig = c->pm->cell_sig + ((size_t)s * CS_NAGE + x) * c->pl->nstate;
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  int32_t K = pl->nstate;
  double q = atmost1(pm->q0[s * CS_NAGE + x] * c->qfac);
  double tot = 0.0, rbar = 0.0;
  for (int32_t k = 0; k < K; k++)
    tot += Nb[k];
  const double *sh = pl->share0 + ((size_t)s * CS_NAGE + x) * K;
  for (int32_t k = 0; k < K; k++)
    rbar += (tot > 0.0 ? Nb[k] / tot : sh[k]) * pm->rr[k];
  for (int32_t k = 0; k < K; k++) {
    double qk, qm = c->w->qm[sig[k]]; /* qm: mortality effects of the cell's interventions */
    if (pl->mort_hazard) {            /* relative risks as hazard ratios: 1 - (1 - q)^(rr m) */
      qk = hazard_pow(q, pm->rr[k] * qm);
    } else {
      /* rbar is 0 only when every state in the mix has relative risk 0: nobody dies. */
      qk = rbar > 0.0 ? atmost1(q * pm->rr[k] / rbar) : 0.0;
      qk *= qm; /* (<= 1 stays) */
      if (qk > 1.0) qk = 1.0;
    }
    c->w->D[k] = N[k] * qk;
    c->w->S[k] = N[k] - c->w->D[k];
  }
}

/* One (s, x) cell group of the area: deaths, care, health, transitions, ageing. */
static void cell_step(kctx *c, int32_t s, int32_t x, double *hl, double *dm) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  size_t cells = cells_per_scen(pl), off = ix_cell(pl, c->a, s, x);
  const double *N = w->cur + (size_t)c->i * cells + off, *Nb = w->cur + off;
  int32_t K = pl->nstate;
  deaths(c, s, x, N, Nb);
  memset(w->S2, 0, (size_t)K * sizeof(double));
  for (int32_t k = 0; k < K; k++) {
    double n = N[k], d = w->D[k];
    size_t cell = ((size_t)s * CS_NAGE + x) * K + k;
    int32_t j = pm->cell_sig[cell];
    /* restrict: the sums never alias the rates, so the compiler may vectorise this loop */
    const double *restrict u = pm->use + cell * pl->nsector;
    const double *restrict e = pm->eol + cell * pl->nsector;
    double *restrict ru = w->ru + (size_t)j * pl->nsector;
    double *restrict re = w->re + (size_t)j * pl->nsector;
    for (int32_t sec = 0; sec < pl->nsector; sec++) {
      ru[sec] += n * u[sec];
      re[sec] += d * e[sec];
    }
    w->rn[j] += n;
    const double *p = transition_row(c, s, x, k, j);
    hl[CS_HEALTH_LY] += n - d / 2.0;
    double ut = pm->utility[k] + w->ud[j]; /* utility effects: at most 1, at least -1 */
    ut = ut > 1.0 ? 1.0 : ut < -1.0 ? -1.0 : ut;
    hl[CS_HEALTH_QALY] += (n - d / 2.0) * ut;
    hl[CS_HEALTH_LY_W] += n; /* occupancy on 1 January, for a within-cycle correction */
    hl[CS_HEALTH_QALY_W] += n * ut;
    dm[CS_DEMO_POP] += n;
    dm[CS_DEMO_DEATHS] += d;
    if (x >= 75) dm[CS_DEMO_POP75] += n;
    double stay = 1.0;
    for (int32_t l = 0; l < K; l++)
      if (l != k) {
        stay -= p[l];
        w->S2[l] += w->S[k] * p[l];
      }
    w->S2[k] += w->S[k] * stay;
  }
  double *dst =
      w->next + (size_t)c->i * cells + ix_cell(pl, c->a, s, x < CS_XMAX ? x + 1 : CS_XMAX);
  for (int32_t k = 0; k < K; k++)
    dst[k] += w->S2[k];
}

/* The base transitions of year index y: transition_improvement lowers the hazard of every move
 * to a later state by (1 - i)^y, i of the row's age (docs/model.md section 2); without it the
 * draw's table. Computed once a year for all areas and scenarios. */
static const double *year_transitions(const cs_plan *pl, const cs_params *pm, cs_work *w,
                                      int32_t y) {
  if (!pm->timpr_any || y == 0) return pm->trans;
  int32_t K = pl->nstate;
  size_t rows = (size_t)CS_NSEX * CS_NAGE * K;
  for (size_t r = 0; r < rows; r++) {
    int32_t k = (int32_t)(r % (size_t)K), x = (int32_t)(r / (size_t)K % CS_NAGE);
    double h = pow(1.0 - pm->timpr[x], y);
    const double *src = pm->trans + r * K;
    double *dst = w->trans_y + r * K;
    for (int32_t l = 0; l < K; l++)
      dst[l] = l > k ? hazard_pow(src[l], h) : src[l];
  }
  return w->trans_y;
}

/* Births (step 5) into age 0 of next year. */
static double births(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  if (!pm->fert) return 0.0;
  size_t cells = cells_per_scen(pl);
  const double *N = c->w->cur + (size_t)c->i * cells;
  int32_t K = pl->nstate;
  double B = 0.0;
  for (int32_t x = 0; x < CS_NAGE; x++) {
    if (pm->fert[x] == 0.0) continue;
    const double *n = N + ix_cell(pl, c->a, 0, x);
    double women = 0.0;
    for (int32_t k = 0; k < K; k++)
      women += n[k];
    B += pm->fert[x] * women;
  }
  double share[CS_NSEX] = {1.0 - pm->boys, pm->boys};
  for (int32_t s = 0; s < CS_NSEX; s++) {
    double *dst = c->w->next + (size_t)c->i * cells + ix_cell(pl, c->a, s, 0);
    const double *sh = pl->share0 + ((size_t)s * CS_NAGE) * K;
    for (int32_t k = 0; k < K; k++)
      dst[k] += B * share[s] * sh[k];
  }
  return B;
}

/* Net migration M into one cell of next year's stock (step 6); returns what was applied. */
static double migrate(kctx *c, double *n, const double *share, double M) {
  int32_t K = c->pl->nstate;
  if (M >= 0.0) {
    for (int32_t k = 0; k < K; k++)
      n[k] += M * share[k];
    return M;
  }
  double tot = 0.0;
  for (int32_t k = 0; k < K; k++)
    tot += n[k];
  double rem = -M;
  if (rem >= tot) {
    if (rem > tot) {
      c->r->capped_cells++;
      c->r->capped_persons += rem - tot;
    }
    for (int32_t k = 0; k < K; k++)
      n[k] = 0.0;
    return -tot;
  }
  for (int32_t k = 0; k < K; k++)
    n[k] -= rem * (n[k] / tot);
  return M;
}

static double migration(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  size_t cells = cells_per_scen(pl);
  int32_t K = pl->nstate, last = c->y == pl->nyear - 1;
  double applied = 0.0;
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = 0; x < CS_NAGE; x++) {
      size_t ax = cs_ix_asx(c->a, s, x);
      double *n = c->w->next + (size_t)c->i * cells + ax * K;
      double M;
      if (!pl->has_projection) {
        M = pm->mig[ax];
      } else if (c->i == 0) {
        double have = 0.0;
        for (int32_t k = 0; k < K; k++)
          have += n[k];
        M = last ? 0.0 : pm->proj[ax * (size_t)(pl->nyear - 1) + (size_t)c->y] - have;
        c->w->mig_resid[ax] = M;
      } else {
        M = c->w->mig_resid[ax];
      }
      if (M != 0.0) applied += migrate(c, n, pl->share0 + ((size_t)s * CS_NAGE + x) * K, M);
    }
  return applied;
}

static size_t ix_say(const cs_results *r, int32_t i, int32_t y, int32_t a) {
  return cs_ix_sy(r, i, y) * (size_t)r->na + (size_t)a;
}

/* Uptake of every intervention in the current area; lists those with uptake > 0. */
static void area_uptake(kctx *c) {
  const cs_plan *pl = c->pl;
  cs_work *w = c->w;
  double *out = c->r->uptake + ix_say(c->r, c->i, c->y, c->a) * (size_t)pl->niv;
  c->nact = 0;
  for (int32_t v = 0; v < pl->niv; v++) {
    w->up[v] = uptake(pl, c->pm, c->sc, v, c->a, pl->T0 + c->y);
    out[v] = w->up[v];
    if (w->up[v] <= 0.0) continue;
    w->act[c->nact++] = v;
    for (int32_t e = c->pm->eff_off[v]; e < c->pm->eff_off[v + 1]; e++) {
      w->em[e] = pos(1.0 + c->pm->eff_change[e] * w->up[v]);
      w->ef[e] = c->pm->eff_fraction[e] * w->up[v];
    }
  }
}

/* The area's care cost and health as the discounted sums take them (docs/model.md 7): with a
 * within-cycle correction, the use part of the cost and the 1 January occupancy's life years
 * and QALYs times the year's weight; end-of-life use as it is. Without, the same numbers. */
static void weigh_area(kctx *c, size_t say, double *hl, double pfac) {
  const cs_plan *pl = c->pl;
  cs_results *r = c->r;
  double wy = cs_cycle_weight(pl, c->y);
  const double *care = r->care + say * (size_t)pl->nsector * CS_CARE_N;
  double *cw = r->care_w + say * (size_t)pl->nsector;
  double *pay = r->payer_care_w + cs_ix_sy(r, c->i, c->y) * r->np;
  for (int32_t sec = 0; sec < pl->nsector; sec++) {
    double cost = care[(size_t)sec * CS_CARE_N + CS_CARE_COST];
    if (pl->cycle != CS_CYCLE_NONE) {
      double eol = c->w->units_eol[sec] * c->pm->price[sec] * pfac;
      cost = wy * (cost - eol) + eol;
    }
    cw[sec] = cost;
    pay[pl->sectors[sec].payer] += cost;
  }
  if (pl->cycle == CS_CYCLE_NONE) {
    hl[CS_HEALTH_LY_W] = hl[CS_HEALTH_LY];
    hl[CS_HEALTH_QALY_W] = hl[CS_HEALTH_QALY];
  } else {
    hl[CS_HEALTH_LY_W] *= wy;
    hl[CS_HEALTH_QALY_W] *= wy;
  }
}

/* Everything of one area in one year of one scenario. */
static void area_step(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  cs_results *r = c->r;
  size_t say = ix_say(r, c->i, c->y, c->a);
  double *dm = r->demo + say * CS_DEMO_N, *hl = r->health + say * CS_HEALTH_N;
  area_uptake(c);
  c->flows = 0.0;
  memset(w->units, 0, (size_t)pl->nsector * sizeof(double));
  memset(w->fsum, 0, (size_t)pl->nsector * sizeof(double));
  memset(w->units_eol, 0, (size_t)pl->nsector * sizeof(double));
  size_t nsig = (size_t)c->pm->nsig;
  memset(w->ru, 0, nsig * pl->nsector * sizeof(double));
  memset(w->re, 0, nsig * pl->nsector * sizeof(double));
  memset(w->rn, 0, nsig * sizeof(double));
  sig_transitions(c);
  memset(w->part, 0, (size_t)pl->niv * sizeof(double));
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = 0; x < CS_NAGE; x++)
      cell_step(c, s, x, hl, dm);
  sig_apply(c);
  dm[CS_DEMO_BIRTHS] = births(c);
  dm[CS_DEMO_MIG] = migration(c);
  double pfac = pow(1.0 + pm->price_growth, c->y);
  double *care = r->care + say * (size_t)pl->nsector * CS_CARE_N;
  for (int32_t sec = 0; sec < pl->nsector; sec++) {
    double *row = care + (size_t)sec * CS_CARE_N, U = w->units[sec];
    row[CS_CARE_UNITS] = U;
    row[CS_CARE_COST] = U * pm->price[sec] * pfac;
    row[CS_CARE_FTE] = w->fsum[sec] * pm->fte_per_unit[sec];
    row[CS_CARE_M2] = U * pm->m2[sec];
    row[CS_CARE_CO2] = U * pm->co2[sec];
    r->payer_care[cs_ix_sy(r, c->i, c->y) * r->np + pl->sectors[sec].payer] += row[CS_CARE_COST];
  }
  weigh_area(c, say, hl, pfac);
  memcpy(r->participants + say * (size_t)pl->niv, w->part, (size_t)pl->niv * sizeof(double));
  r->flows[say] = c->flows;
}

/* Section 5: demand per (subregion, group), supply of this year, supply of next year. */
static void workforce_step(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_results *r = c->r;
  cs_work *w = c->w;
  size_t sy = cs_ix_sy(r, c->i, c->y), RG = (size_t)pl->nsub * pl->ngroup;
  double *dem = r->wf_dem + sy * RG, *sup = w->sup + (size_t)c->i * RG;
  memset(w->upbar, 0, (size_t)pl->nsub * pl->niv * sizeof(double));
  for (int32_t rr = 0; rr < pl->nsub; rr++) {
    double tot = 0.0;
    for (int32_t a = 0; a < pl->narea; a++) {
      if (pl->areas[a].sub != rr) continue;
      size_t say = ix_say(r, c->i, c->y, a);
      double np = r->demo[say * CS_DEMO_N + CS_DEMO_POP];
      tot += np;
      for (int32_t v = 0; v < pl->niv; v++)
        w->upbar[(size_t)rr * pl->niv + v] += np * r->uptake[say * pl->niv + v];
      for (int32_t sec = 0; sec < pl->nsector; sec++)
        dem[(size_t)rr * pl->ngroup + pl->sectors[sec].group] +=
            r->care[(say * pl->nsector + sec) * CS_CARE_N + CS_CARE_FTE];
    }
    for (int32_t v = 0; v < pl->niv; v++)
      w->upbar[(size_t)rr * pl->niv + v] =
          tot > 0.0 ? w->upbar[(size_t)rr * pl->niv + v] / tot : 0.0;
  }
  memcpy(r->wf_sup + sy * RG, sup, RG * sizeof(double));
  for (int32_t rr = 0; rr < pl->nsub; rr++)
    for (int32_t g = 0; g < pl->ngroup; g++) {
      const cs_wf_row *row = &pl->wf[(size_t)rr * pl->ngroup + g];
      if (!row->present) continue;
      double outm = 1.0, infl = row->inflow_fte;
      for (int32_t v = 0; v < pl->niv; v++) {
        const cs_intervention *iv = &pl->ivs[v];
        double ub = w->upbar[(size_t)rr * pl->niv + v];
        for (int32_t j = 0; j < iv->neffect; j++) {
          if (iv->effects[j].kind != CS_EFF_WORKFORCE || iv->effects[j].group != g) continue;
          int32_t e = pm->eff_off[v] + j;
          outm *= pos(1.0 + pm->eff_outflow[e] * ub);
          infl += pm->eff_inflow[e] * ub;
        }
      }
      double *s = &sup[(size_t)rr * pl->ngroup + g];
      *s = *s * (1.0 - row->retire_rate - row->outflow_rate * outm) + infl;
    }
}

/* FTE the plan itself employs in year t: the resources with `fte` of the scenario's
 * interventions, scaled by coverage as `once` and `per_year` costs are. */
static double own_staff(const cs_plan *pl, const cs_scen *sc, int32_t t) {
  double fte = 0.0;
  for (int32_t v = 0; v < pl->niv; v++) {
    if (!sc->iv_on[v]) continue;
    double f = 0.0;
    for (int32_t j = 0; j < pl->ivs[v].nresource; j++) {
      const cs_resource *rs = &pl->ivs[v].resources[j];
      if (t >= rs->from && t <= rs->to) f += rs->fte;
    }
    fte += f * sc->coverage[v];
  }
  return fte;
}

double cs_line_part(const cs_plan *pl, const cs_scen *sc, int32_t v, int32_t r, const cs_cost *co,
                    double amt, int32_t t) {
  int32_t d = t - sc->delay[r];
  int in = co->kind == CS_COST_ONCE ? d == co->year : d >= co->from && d <= co->to;
  if (!in) return 0.0;
  if (co->by_sub) return sc->sub_on[r] ? amt * co->by_sub[r] : 0.0; /* the plan's own split */
  return amt * sc->cov_sub[(size_t)v * pl->nsub + r];
}

/* A once or per_year line's amount in year t: a scenario that delays subregions moves each
 * subregion's part of the cost (its share of the targeted persons) by its delay, as it moves
 * the uptake (v0.2). Without delays the whole amount times the coverage, as before. */
static double line_amount(const cs_plan *pl, const cs_scen *sc, int32_t v, const cs_cost *co,
                          double amt, int32_t t) {
  if (!sc->has_delay && !co->by_sub) {
    int in = co->kind == CS_COST_ONCE ? t == co->year : t >= co->from && t <= co->to;
    return in ? amt * sc->coverage[v] : 0.0;
  }
  double sum = 0.0;
  for (int32_t r = 0; r < pl->nsub; r++)
    sum += cs_line_part(pl, sc, v, r, co, amt, t);
  return sum;
}

/* The line's cost per subregion: once and per_year by the subregions' shares of the targeted
 * persons; per_participant by their participants. */
static void line_by_subregion(kctx *c, int32_t v, const cs_cost *co, double amt, double *sub) {
  const cs_plan *pl = c->pl;
  cs_results *r = c->r;
  int32_t t = pl->T0 + c->y;
  if (co->kind != CS_COST_PER_PARTICIPANT) {
    for (int32_t q = 0; q < pl->nsub; q++)
      sub[(size_t)q * r->np + co->payer] += cs_line_part(pl, c->sc, v, q, co, amt, t);
    return;
  }
  for (int32_t a = 0; a < pl->narea; a++)
    sub[(size_t)pl->areas[a].sub * r->np + co->payer] +=
        amt * r->participants[ix_say(r, c->i, c->y, a) * pl->niv + v];
}

/* Implementation cost lines of this scenario and year, and their sums per payer. */
static void implementation_step(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_results *r = c->r;
  int32_t t = pl->T0 + c->y;
  size_t sy = cs_ix_sy(r, c->i, c->y);
  double *line = r->impl + sy * r->nline, *pay = r->payer_impl + sy * r->np;
  r->own_fte[sy] = own_staff(pl, c->sc, t);
  double *sub = r->impl_sub + sy * r->nr * r->np;
  memset(sub, 0, (size_t)r->nr * r->np * sizeof *sub);
  /* the weighted amounts (docs/model.md 7): per_participant lines follow the occupancy */
  double wy = cs_cycle_weight(pl, c->y), *line_w = r->impl_w + sy * r->nline;
  double *pay_w = r->payer_impl_w + sy * r->np, *sub_w = r->impl_sub_w + sy * r->nr * r->np;
  memset(sub_w, 0, (size_t)r->nr * r->np * sizeof *sub_w);
  for (int32_t v = 0; v < pl->niv; v++) {
    const cs_intervention *iv = &pl->ivs[v];
    double part = 0.0;
    for (int32_t a = 0; a < pl->narea; a++)
      part += r->participants[ix_say(r, c->i, c->y, a) * pl->niv + v];
    /* staff that per-participant lines employ (fte_per_participant): the plan's own staff */
    for (int32_t j = 0; j < iv->ncost && c->sc->iv_on[v]; j++)
      r->own_fte[sy] += part * iv->costs[j].fte_pp;
    for (int32_t j = 0; j < iv->ncost; j++) {
      const cs_cost *co = &iv->costs[j];
      int32_t l = pm->cost_off[v] + j;
      double amt = pm->cost_amount[l], amount = 0.0;
      int pp = co->kind == CS_COST_PER_PARTICIPANT;
      if (c->sc->iv_on[v]) {
        amount = pp ? amt * part : line_amount(pl, c->sc, v, co, amt, t);
        line_by_subregion(c, v, co, amt, sub);
        line_by_subregion(c, v, co, pp ? amt * wy : amt, sub_w);
      }
      line[l] = amount;
      pay[co->payer] += amount;
      line_w[l] = pp ? amount * wy : amount;
      pay_w[co->payer] += line_w[l];
    }
  }
}

static void init_state(const cs_plan *pl, const cs_params *pm, int32_t nsc, cs_work *w) {
  size_t cells = cells_per_scen(pl), RG = (size_t)pl->nsub * pl->ngroup;
  int32_t K = pl->nstate;
  for (int32_t a = 0; a < pl->narea; a++)
    for (int32_t s = 0; s < CS_NSEX; s++)
      for (int32_t x = 0; x < CS_NAGE; x++) {
        double P = pm->pop[cs_ix_asx(a, s, x)];
        const double *sh = pl->share0 + ((size_t)s * CS_NAGE + x) * K;
        double *n = w->cur + ix_cell(pl, a, s, x);
        for (int32_t k = 0; k < K; k++)
          n[k] = P * sh[k];
      }
  for (int32_t i = 1; i < nsc; i++)
    memcpy(w->cur + (size_t)i * cells, w->cur, cells * sizeof(double));
  for (int32_t i = 0; i < nsc; i++)
    for (size_t rg = 0; rg < RG; rg++)
      w->sup[(size_t)i * RG + rg] = pl->wf[rg].present ? pl->wf[rg].fte : 0.0;
}

/* Zeroes every accumulated output, so one results buffer can serve draw after draw. */
static void clear_results(cs_results *r) {
  size_t sy = (size_t)r->nsc * (size_t)r->ny;
  memset(r->demo, 0, sy * r->na * CS_DEMO_N * sizeof(double));
  memset(r->health, 0, sy * r->na * CS_HEALTH_N * sizeof(double));
  memset(r->payer_care, 0, sy * r->np * sizeof(double));
  memset(r->payer_impl, 0, sy * r->np * sizeof(double));
  memset(r->payer_care_w, 0, sy * r->np * sizeof(double));
  memset(r->payer_impl_w, 0, sy * r->np * sizeof(double));
  memset(r->wf_dem, 0, sy * r->nr * r->ng * sizeof(double));
  memset(r->clamp_iv, 0, (size_t)r->niv * sizeof(int64_t));
  r->capped_cells = r->clamped_rows = r->clamped_base_rows = 0;
  r->capped_persons = 0.0;
}

void cs_kernel(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc, cs_work *w,
               cs_results *r) {
  size_t cells = cells_per_scen(pl);
  clear_results(r);
  init_state(pl, pm, nsc, w);
  for (int32_t y = 0; y < pl->nyear; y++) {
    for (int32_t sec = 0; sec < pl->nsector; sec++)
      w->grow[sec] = pow(1.0 + pm->growth[sec], y);
    memset(w->next, 0, cells * (size_t)nsc * sizeof(double));
    const double *trans = year_transitions(pl, pm, w, y);
    for (int32_t i = 0; i < nsc; i++) {
      kctx c = {.pl = pl,
                .pm = pm,
                .sc = &sc[i],
                .w = w,
                .r = r,
                .i = i,
                .y = y,
                .qfac = pow(1.0 - pm->impr, y),
                .trans = trans};
      if (r->detail)
        memcpy(r->detail + cs_ix_sy(r, i, y) * cells, w->cur + (size_t)i * cells,
               cells * sizeof(double));
      for (int32_t a = 0; a < pl->narea; a++) {
        c.a = a;
        area_step(&c);
      }
      r->clamped_rows += c.clamped, r->clamped_base_rows += c.clamped_base;
      workforce_step(&c);
      implementation_step(&c);
    }
    double *tmp = w->cur;
    w->cur = w->next;
    w->next = tmp;
  }
}
