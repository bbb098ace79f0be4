/* refc.c: the re-forecast's hook in the kernel (docs/model.md "Re-forecast", v0.2). On
 * 1 January of the re-forecast's year every lane's population is scaled to the realised
 * total of its area, and each (intervention, subregion) with realised participants gets the
 * delay that puts the plan's ramp at the realised uptake; later years follow the model.
 *
 * Pure and allocation-free like the kernel: it reads the plan, the draw and the scenarios,
 * and writes the workspace and the results. Called once per kernel run, so its loops need
 * not be vectorised. */
#include "model.h"

#include <math.h>
#include <string.h>

double cs_ramp_at(const cs_intervention *iv, double max, double d) {
  double R = (double)iv->ramp_years;
  if (d <= -1.0) return 0.0;
  if (iv->curve == CS_CURVE_LINEAR) return max * fmin(1.0, (d + 1) / R);
  /* logistic: between d = -1 (nobody yet) and d = 0 a straight line, so the curve is
   * continuous and rises from 0, as the discrete ramp does from year start - 1 to start */
  if (d < 0.0) return (d + 1.0) * (max / (1.0 + exp(-(1.0 - R / 2.0) * 8.0 / R)));
  return max / (1.0 + exp(-((d + 1) - R / 2.0) * 8.0 / R));
}

double cs_ramp_inverse(const cs_intervention *iv, double max, double u) {
  double R = (double)iv->ramp_years;
  if (iv->curve == CS_CURVE_LINEAR) return u * R / max - 1.0;
  double l0 = cs_ramp_at(iv, max, 0.0);
  if (u <= l0) return u / l0 - 1.0;
  return R / 2.0 - 1.0 - R / 8.0 * log(max / u - 1.0);
}

/* The lanes' persons on 1 January, each lane's sum in the order of its cells. */
static void lane_totals(const cs_plan *pl, cs_work *w) {
  size_t L = (size_t)w->lstride, ncell = (size_t)CS_NSEX * CS_NAGE * pl->nstate;
  memset(w->rf_tot, 0, L * sizeof(double));
  for (size_t cell = 0; cell < ncell; cell++)
    for (int32_t l = 0; l < w->nlane; l++)
      w->rf_tot[l] += w->cur[cell * L + (size_t)l];
}

/* Every scenario's areas scaled, group by group, to the realised totals (its own mix and its
 * own split of a subregion's or the region's actual over the areas, by its modelled
 * persons). A group nobody lives in keeps its (empty) cells: factor 1. */
static void rescale(const cs_plan *pl, int32_t nsc, cs_work *w, cs_results *r) {
  const cs_refc *rf = pl->rf;
  int32_t na = pl->narea;
  lane_totals(pl, w);
  for (int32_t i = 0; i < nsc; i++) {
    memset(w->rf_gsum, 0, (size_t)rf->npg * sizeof(double));
    for (int32_t a = 0; a < na; a++)
      if (rf->pop_grp[a] >= 0) w->rf_gsum[rf->pop_grp[a]] += w->rf_tot[i * na + a];
    for (int32_t a = 0; a < na; a++) {
      int32_t g = rf->pop_grp[a], l = i * na + a;
      double sum = g >= 0 ? w->rf_gsum[g] : 0.0;
      w->rf_fac[l] = sum > 0.0 ? rf->pop_val[g] / sum : 1.0;
      r->rf_pop[l] = w->rf_tot[l];
      r->rf_fac[l] = w->rf_fac[l];
    }
  }
  size_t L = (size_t)w->lstride, ncell = (size_t)CS_NSEX * CS_NAGE * pl->nstate;
  for (size_t cell = 0; cell < ncell; cell++)
    for (int32_t l = 0; l < w->nlane; l++)
      if (rf->pop_grp[l % na] >= 0) w->cur[cell * L + (size_t)l] *= w->rf_fac[l];
}

/* The scenario the uptake is inverted on: the plan, or one that runs as the plan does (every
 * intervention and subregion, no delay); -1 when the run has none. */
static int32_t plan_like(const cs_plan *pl, const cs_scen *sc, int32_t nsc) {
  for (int32_t i = 0; i < nsc; i++) {
    int ok = !sc[i].has_subregions && !sc[i].has_delay;
    for (int32_t v = 0; ok && v < pl->niv; v++)
      ok = sc[i].iv_on[v];
    for (int32_t q = 0; ok && q < pl->nsub; q++)
      ok = sc[i].sub_on[q] && sc[i].delay[q] == 0;
    if (ok) return i;
  }
  return -1;
}

/* Persons in intervention v's targeted cells of lane l on 1 January (after the rescale). */
static double lane_targeted(const cs_plan *pl, const cs_work *w, int32_t v, int32_t l) {
  const cs_intervention *iv = &pl->ivs[v];
  size_t L = (size_t)w->lstride;
  double sum = 0.0;
  for (int32_t s = 0; s < CS_NSEX; s++) {
    if (!iv->sex_mask[s]) continue;
    for (int32_t x = iv->age_from; x <= iv->age_to; x++)
      for (int32_t k = 0; k < pl->nstate; k++)
        if (iv->state_mask[k])
          sum += w->cur[(((size_t)s * CS_NAGE + x) * pl->nstate + k) * L + (size_t)l];
  }
  return sum;
}

/* The replacement of (v, q) from the realised uptake u of the plan's ramp: the delay whose
 * ramp gives u in the year, or a fixed uptake when u reaches the maximum. */
static void invert(const cs_plan *pl, const cs_params *pm, cs_results *r, int32_t v, int32_t q,
                   double u) {
  const cs_intervention *iv = &pl->ivs[v];
  size_t j = (size_t)v * pl->nsub + q;
  int32_t t = pl->T0 + pl->rf->y;
  int32_t start = iv->start_by_sub[q] != CS_YEAR_NONE ? iv->start_by_sub[q] : iv->start;
  double dY = (double)(t - start), A = cs_after_funding(iv, 0, t), max = pm->iv_max[v];
  r->rf_upm[j] = cs_ramp_at(iv, max, dY) * A;
  r->rf_u[j] = u;
  r->rf_used[j] = u * r->rf_tgt[j];
  if (A <= 0.0) return; /* the funding has ended: the plan has no uptake to move */
  double ub = u / A;    /* before the after-funding multiplier */
  if (ub <= 0.0) {      /* nobody yet: the ramp starts again next year (none before start) */
    r->rf_mode[j] = CS_RF_DELAY;
    r->rf_delta[j] = fmax(0.0, dY + 1.0);
  } else if (ub >= max) {
    r->rf_mode[j] = CS_RF_FIXED;
    r->rf_val[j] = fmin(1.0, ub);
  } else {
    r->rf_mode[j] = CS_RF_DELAY;
    r->rf_delta[j] = dY - cs_ramp_inverse(iv, max, ub);
  }
}

/* The plan-like scenario's targeted persons of v per subregion, and the region's. */
static double targeted(const cs_plan *pl, const cs_work *w, int32_t ref, int32_t v, cs_results *r) {
  double all = 0.0, *tg = r->rf_tgt + (size_t)v * pl->nsub;
  memset(tg, 0, (size_t)pl->nsub * sizeof *tg);
  for (int32_t a = 0; a < pl->narea; a++)
    if (pl->ivs[v].area_mask[a])
      tg[pl->areas[a].sub] += lane_targeted(pl, w, v, ref * pl->narea + a);
  for (int32_t q = 0; q < pl->nsub; q++)
    all += tg[q];
  return all;
}

/* 1 when the plan has started v in subregion q by year t (its start there, else its start). */
static int started(const cs_intervention *iv, int32_t q, int32_t t) {
  return (iv->start_by_sub[q] != CS_YEAR_NONE ? iv->start_by_sub[q] : iv->start) <= t;
}

/* Realised uptake of every (intervention, subregion) with participants: the subregion's own
 * (or its areas' sum) over its targeted persons; else the region's participants less those of
 * the subregions with their own, over the targeted persons of the subregions that have started
 * by the year and have none of their own. A subregion the plan starts later keeps its ramp: a
 * region's count says nothing of a place where nothing has begun. */
static void uptake_from(const cs_plan *pl, const cs_params *pm, const cs_work *w, int32_t ref,
                        cs_results *r) {
  const cs_refc *rf = pl->rf;
  int32_t t = pl->T0 + rf->y;
  for (int32_t v = 0; v < pl->niv; v++) {
    targeted(pl, w, ref, v, r);
    double rest = rf->part_reg[v], open = 0.0;
    for (int32_t q = 0; q < pl->nsub; q++) {
      size_t j = (size_t)v * pl->nsub + q;
      if (!isnan(rf->part_sub[j]))
        rest -= rf->part_sub[j];
      else if (started(&pl->ivs[v], q, t))
        open += r->rf_tgt[j];
    }
    for (int32_t q = 0; q < pl->nsub; q++) {
      size_t j = (size_t)v * pl->nsub + q;
      double P = rf->part_sub[j], T = r->rf_tgt[j];
      if (!isnan(P) && T > 0.0)
        invert(pl, pm, r, v, q, P / T);
      else if (isnan(P) && !isnan(rest) && open > 0.0 && T > 0.0 && started(&pl->ivs[v], q, t))
        invert(pl, pm, r, v, q, fmax(0.0, rest) / open);
    }
  }
}

void cs_rf_apply(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc, cs_work *w,
                 cs_results *r) {
  const cs_refc *rf = pl->rf;
  size_t nvr = (size_t)pl->niv * pl->nsub;
  rescale(pl, nsc, w, r);
  for (size_t j = 0; j < nvr; j++) {
    r->rf_mode[j] = CS_RF_NONE;
    r->rf_tgt[j] = r->rf_u[j] = r->rf_upm[j] = r->rf_used[j] = NAN;
    r->rf_delta[j] = r->rf_val[j] = NAN;
  }
  int32_t ref = plan_like(pl, sc, nsc);
  if (ref >= 0) {
    uptake_from(pl, pm, w, ref, r);
  } else if (rf->fb_mode) { /* the main run's, for scenario sets without the plan */
    memcpy(r->rf_mode, rf->fb_mode, nvr * sizeof *r->rf_mode);
    memcpy(r->rf_delta, rf->fb_delta, nvr * sizeof *r->rf_delta);
    memcpy(r->rf_val, rf->fb_val, nvr * sizeof *r->rf_val);
  }
}

double cs_rf_uptake(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, const cs_results *r,
                    int32_t v, int32_t a, int32_t t) {
  const cs_intervention *iv = &pl->ivs[v];
  int32_t q = pl->areas[a].sub;
  if (!sc->iv_on[v] || !iv->area_mask[a] || !sc->sub_on[q]) return 0.0;
  size_t j = (size_t)v * pl->nsub + q;
  double A = cs_after_funding(iv, sc->delay[q], t);
  if (r->rf_mode[j] == CS_RF_FIXED) return r->rf_val[j] * A;
  int32_t start = iv->start_by_sub[q] != CS_YEAR_NONE ? iv->start_by_sub[q] : iv->start;
  double d = (double)(t - (start + sc->delay[q])) - r->rf_delta[j];
  return cs_ramp_at(iv, pm->iv_max[v], d) * A;
}
