/* model.c: turns the loaded plan plus one parameter draw into the kernel's inputs (cs_params),
 * defines the run's scenarios, and sizes the result and work arrays. */
#include "model.h"

#include <stdint.h>
#include <string.h>

/* Sizes of the parameter arrays that do not depend on the draw. */
static size_t n_asx(const cs_plan *pl) { return (size_t)pl->narea * CS_NSEX * CS_NAGE; }
static size_t n_trans(const cs_plan *pl) {
  return (size_t)CS_NSEX * CS_NAGE * (size_t)pl->nstate * (size_t)pl->nstate;
}
static size_t n_rates(const cs_plan *pl) {
  return (size_t)pl->nsector * (size_t)pl->nstate * CS_NSEX * CS_NAGE;
}
static size_t n_proj(const cs_plan *pl) {
  return pl->has_projection ? n_asx(pl) * (size_t)(pl->nyear - 1) : 0;
}
static int32_t n_effects(const cs_plan *pl) {
  int32_t n = 0;
  for (int32_t i = 0; i < pl->niv; i++)
    n += pl->ivs[i].neffect;
  return n;
}

/* Whether an effect acts on the population (the cells' persons, deaths or QALYs): mortality,
 * utility, a transition to another state. */
static int pop_effect(const cs_effect *ef) {
  return ef->kind == CS_EFF_MORTALITY || ef->kind == CS_EFF_UTILITY ||
         (ef->kind == CS_EFF_TRANSITION && ef->from != ef->to);
}

int32_t cs_plan_nlines(const cs_plan *pl) {
  int32_t n = 0;
  for (int32_t i = 0; i < pl->niv; i++)
    n += pl->ivs[i].ncost;
  return n;
}

/* Groups the cells (s, x, k) by the set of interventions whose target includes them. */
static cs_status signatures(const cs_plan *pl, cs_arena *ar, cs_params *o) {
  size_t ncell = (size_t)CS_NSEX * CS_NAGE * (size_t)pl->nstate, niv = (size_t)pl->niv;
  o->cell_sig = CS_ALLOC(ar, ncell, int32_t);
  o->sig_iv = CS_ALLOC(ar, (ncell + 1) * niv + 1, uint8_t);
  if (!o->cell_sig || !o->sig_iv) return CS_ENOMEM;
  o->nsig = 0;
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = 0; x < CS_NAGE; x++)
      for (int32_t k = 0; k < pl->nstate; k++) {
        uint8_t *tv = o->sig_iv + (size_t)o->nsig * niv; /* candidate in the next free slot */
        for (size_t v = 0; v < niv; v++) {
          const cs_intervention *iv = &pl->ivs[v];
          tv[v] = iv->sex_mask[s] && x >= iv->age_from && x <= iv->age_to && iv->state_mask[k];
        }
        int32_t j = 0;
        while (j < o->nsig && memcmp(o->sig_iv + (size_t)j * niv, tv, niv) != 0)
          j++;
        if (j == o->nsig) o->nsig++;
        o->cell_sig[((size_t)s * CS_NAGE + x) * pl->nstate + k] = j;
      }
  o->iv_popfx = CS_ALLOC(ar, niv + 1, uint8_t);
  if (!o->iv_popfx) return CS_ENOMEM;
  for (size_t v = 0; v < niv; v++)
    for (int32_t q = 0; q < pl->ivs[v].neffect; q++)
      o->iv_popfx[v] |= pop_effect(&pl->ivs[v].effects[q]);
  return CS_OK;
}

cs_status cs_params_alloc(const cs_plan *pl, cs_arena *ar, cs_params *o) {
  int32_t ne = n_effects(pl), nl = cs_plan_nlines(pl);
  memset(o, 0, sizeof *o);
  if (signatures(pl, ar, o) != CS_OK) return CS_ENOMEM;
  o->pop = CS_ALLOC(ar, n_asx(pl), double);
  o->q0 = CS_ALLOC(ar, CS_NSEX * CS_NAGE, double);
  o->fert = pl->fert ? CS_ALLOC(ar, CS_NAGE, double) : NULL;
  o->mig = CS_ALLOC(ar, n_asx(pl), double);
  o->proj = pl->has_projection ? CS_ALLOC(ar, n_proj(pl) + 1, double) : NULL;
  o->trans = CS_ALLOC(ar, n_trans(pl), double);
  o->use = CS_ALLOC(ar, n_rates(pl) + 1, double);
  o->eol = CS_ALLOC(ar, n_rates(pl) + 1, double);
  o->utility = CS_ALLOC(ar, pl->nstate, double);
  o->rr = CS_ALLOC(ar, pl->nstate, double);
  o->price = CS_ALLOC(ar, pl->nsector, double);
  o->fte_per_unit = CS_ALLOC(ar, pl->nsector, double);
  o->m2 = CS_ALLOC(ar, pl->nsector, double);
  o->co2 = CS_ALLOC(ar, pl->nsector, double);
  o->growth = CS_ALLOC(ar, pl->nsector, double);
  o->iv_max = CS_ALLOC(ar, pl->niv + 1, double);
  o->eff_off = CS_ALLOC(ar, pl->niv + 1, int32_t);
  o->cost_off = CS_ALLOC(ar, pl->niv + 1, int32_t);
  o->eff_change = CS_ALLOC(ar, ne + 1, double);
  o->eff_fraction = CS_ALLOC(ar, ne + 1, double);
  o->eff_ratio = CS_ALLOC(ar, ne + 1, double);
  o->eff_outflow = CS_ALLOC(ar, ne + 1, double);
  o->eff_inflow = CS_ALLOC(ar, ne + 1, double);
  o->cost_amount = CS_ALLOC(ar, nl + 1, double);
  if (!o->pop || !o->q0 || (pl->fert && !o->fert) || !o->mig || (pl->has_projection && !o->proj) ||
      !o->trans || !o->use || !o->eol || !o->utility || !o->rr || !o->price || !o->fte_per_unit ||
      !o->m2 || !o->co2 || !o->growth || !o->iv_max || !o->eff_off || !o->cost_off ||
      !o->eff_change || !o->eff_fraction || !o->eff_ratio || !o->eff_outflow || !o->eff_inflow ||
      !o->cost_amount)
    return CS_ENOMEM;
  return CS_OK;
}

/* dst = src * f; a table the plan does not have is all zeros. */
static void scale_into(double *dst, const double *src, size_t n, double f) {
  if (!src) {
    memset(dst, 0, n * sizeof(double));
    return;
  }
  for (size_t i = 0; i < n; i++)
    dst[i] = src[i] * f;
}

/* Rates [c][k][s][x] of the plan, scaled and transposed to [s][x][k][c], so the kernel reads
 * the sectors of one cell from one cache line instead of nsector strided loads. */
static void cell_major(const cs_plan *pl, const double *src, double f, double *d) {
  size_t nk = (size_t)pl->nstate, nc = (size_t)pl->nsector;
  if (!src) {
    memset(d, 0, n_rates(pl) * sizeof(double));
    return;
  }
  for (size_t c = 0; c < nc; c++)
    for (size_t k = 0; k < nk; k++)
      for (size_t s = 0; s < CS_NSEX; s++)
        for (size_t x = 0; x < CS_NAGE; x++)
          d[((s * CS_NAGE + x) * nk + k) * nc + c] =
              src[((c * nk + k) * CS_NSEX + s) * CS_NAGE + x] * f;
}

/* A drawn number that must stay in [lo, hi] (a normal draw of a probability, say); the
 * deterministic values are validated to lie inside already, so draw 0 is untouched. */
static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }
static double nonneg(double v) { return v < 0.0 ? 0.0 : v; }
/* A yearly growth rate above -100%, so (1 + g)^y stays >= 0. */
static double growth_rate(double g) { return g < -1.0 ? -1.0 : g; }

/* life_table_age: completed (docs/model.md 2, v0.2): persons aged x on 1 January are x + 1/2
 * on average; their probability of dying in the year is 1 - L(x+1)/L(x) with L linear within
 * each year of age: 1 - (1 - q_x)(2 - q_x+1)/(2 - q_x). The open group keeps q_X. */
static void survival_ratios(double *q) {
  for (int32_t s = 0; s < CS_NSEX; s++) {
    double *qs = q + (size_t)s * CS_NAGE;
    for (int32_t x = 0; x < CS_XMAX; x++) {
      double a = clampd(qs[x], 0.0, 1.0), b = clampd(qs[x + 1], 0.0, 1.0);
      qs[x] = 1.0 - (1.0 - a) * (2.0 - b) / (2.0 - a);
    }
  }
}

static void fill_tables(const cs_plan *pl, const double *th, cs_params *o) {
  scale_into(o->pop, pl->pop, n_asx(pl), nonneg(cs_num_val(pl->pop_scale, th)));
  scale_into(o->q0, pl->q0, CS_NSEX * CS_NAGE, nonneg(cs_num_val(pl->mort_scale, th)));
  if (pl->mort_completed) survival_ratios(o->q0);
  if (o->fert) scale_into(o->fert, pl->fert, CS_NAGE, nonneg(cs_num_val(pl->fert_scale, th)));
  scale_into(o->mig, pl->mig, n_asx(pl), nonneg(cs_num_val(pl->mig_scale, th)));
  if (o->proj) scale_into(o->proj, pl->proj, n_proj(pl), nonneg(cs_num_val(pl->proj_scale, th)));
  scale_into(o->trans, pl->trans, n_trans(pl), nonneg(cs_num_val(pl->trans_scale, th)));
  cell_major(pl, pl->use, nonneg(cs_num_val(pl->use_scale, th)), o->use);
  cell_major(pl, pl->eol, nonneg(cs_num_val(pl->eol_scale, th)), o->eol);
}

static void fill_scalars(const cs_plan *pl, const double *th, cs_params *o) {
  o->impr = clampd(cs_num_val(pl->mort_improvement, th), -1.0, 1.0);
  o->timpr_any = 0;
  for (int32_t x = 0, b = 0; x < CS_NAGE; x++) {
    while (b + 1 < pl->ntimpr && x >= pl->timpr_from[b + 1])
      b++;
    cs_num n = pl->ntimpr ? pl->timpr_band[b] : pl->trans_improvement;
    o->timpr[x] = clampd(cs_num_val(n, th), -1.0, 1.0);
    o->timpr_any |= o->timpr[x] != 0.0;
  }
  o->boys = clampd(cs_num_val(pl->boys, th), 0.0, 1.0);
  o->price_growth = growth_rate(cs_num_val(pl->price_growth, th));
  for (int32_t k = 0; k < pl->nstate; k++) {
    o->utility[k] = cs_num_val(pl->states[k].utility, th);
    o->rr[k] = nonneg(cs_num_val(pl->states[k].rr, th));
  }
  for (int32_t c = 0; c < pl->nsector; c++) {
    const cs_sector *s = &pl->sectors[c];
    o->price[c] = nonneg(cs_num_val(s->price, th));
    o->fte_per_unit[c] = nonneg(cs_num_val(s->fte_per_unit, th));
    o->m2[c] = nonneg(cs_num_val(s->m2_per_unit, th));
    o->co2[c] = nonneg(cs_num_val(s->co2_per_unit, th));
    o->growth[c] = growth_rate(cs_num_val(s->growth, th));
  }
}

static void fill_interventions(const cs_plan *pl, const double *th, cs_params *o) {
  int32_t e = 0, l = 0;
  for (int32_t i = 0; i < pl->niv; i++) {
    const cs_intervention *iv = &pl->ivs[i];
    o->iv_max[i] = clampd(cs_num_val(iv->max, th), 0.0, 1.0);
    o->eff_off[i] = e;
    o->cost_off[i] = l;
    for (int32_t j = 0; j < iv->neffect; j++, e++) {
      const cs_effect *ef = &iv->effects[j];
      o->eff_change[e] = cs_num_val(ef->change, th); /* m = max(0, 1 + change*up) clamps it */
      o->eff_fraction[e] = clampd(cs_num_val(ef->fraction, th), 0.0, 1.0);
      o->eff_ratio[e] = nonneg(cs_num_val(ef->ratio, th));
      o->eff_outflow[e] = cs_num_val(ef->outflow_change, th);
      o->eff_inflow[e] = cs_num_val(ef->extra_inflow, th);
    }
    for (int32_t j = 0; j < iv->ncost; j++, l++)
      o->cost_amount[l] = nonneg(cs_num_val(iv->costs[j].amount, th));
  }
  o->eff_off[pl->niv] = e;
  o->cost_off[pl->niv] = l;
}

void cs_params_fill(const cs_plan *pl, const double *theta, cs_params *o) {
  fill_tables(pl, theta, o);
  fill_scalars(pl, theta, o);
  fill_interventions(pl, theta, o);
}

cs_status cs_params_build(const cs_plan *pl, const double *theta, cs_arena *ar, cs_params *out) {
  cs_status st = cs_params_alloc(pl, ar, out);
  if (st == CS_OK) cs_params_fill(pl, theta, out);
  return st;
}

double cs_targeted_persons(const cs_plan *pl, const cs_params *pm, const cs_intervention *iv,
                           int32_t a) {
  if (!iv->area_mask[a]) return 0.0;
  double sum = 0.0;
  for (int32_t s = 0; s < CS_NSEX; s++) {
    if (!iv->sex_mask[s]) continue;
    for (int32_t x = iv->age_from; x <= iv->age_to; x++) {
      double P = pm->pop[cs_ix_asx(a, s, x)];
      for (int32_t k = 0; k < pl->nstate; k++)
        if (iv->state_mask[k]) sum += P * pl->share0[((size_t)s * CS_NAGE + x) * pl->nstate + k];
    }
  }
  return sum;
}

/* The cost coverage of every scenario (their share of each intervention's targeted persons in
 * the base year, in total and per subregion). The targeted persons of an area do not depend on
 * the scenario: counted once per (intervention, area), then added into every scenario's sums,
 * each sum in the order of the areas as before. s->coverage[i] holds the scenario's sum until
 * it becomes the share. */
void cs_scen_coverage(const cs_plan *pl, const cs_params *pm, cs_scen *sc, int32_t nsc) {
  for (int32_t i = 0; i < pl->niv; i++) {
    double all = 0.0;
    for (int32_t m = 0; m < nsc; m++) {
      memset(sc[m].cov_sub + (size_t)i * pl->nsub, 0, (size_t)pl->nsub * sizeof(double));
      sc[m].coverage[i] = 0.0;
    }
    for (int32_t a = 0; a < pl->narea; a++) {
      double n = cs_targeted_persons(pl, pm, &pl->ivs[i], a);
      int32_t sub = pl->areas[a].sub;
      all += n;
      for (int32_t m = 0; m < nsc; m++)
        if (sc[m].sub_on[sub]) {
          sc[m].coverage[i] += n;
          sc[m].cov_sub[(size_t)i * pl->nsub + sub] += n;
        }
    }
    for (int32_t m = 0; m < nsc; m++) {
      cs_scen *s = &sc[m];
      double in = s->coverage[i], *cs = s->cov_sub + (size_t)i * pl->nsub;
      /* an intervention that targets nobody: its costs are split evenly (v0.2, business case
       * per subregion), as they must land somewhere */
      for (int32_t r = 0; r < pl->nsub; r++)
        cs[r] = all > 0.0 ? cs[r] / all : !s->has_subregions ? 1.0 / pl->nsub : 0.0;
      s->coverage[i] = !s->has_subregions ? 1.0 : all > 0.0 ? in / all : 0.0;
    }
  }
}

static cs_scen *scen_new(const cs_plan *pl, cs_arena *ar, cs_scen *s, const char *id, int on) {
  s->id = id;
  s->iv_on = CS_ALLOC(ar, pl->niv + 1, uint8_t);
  s->sub_on = CS_ALLOC(ar, pl->nsub + 1, uint8_t);
  s->delay = CS_ALLOC(ar, pl->nsub + 1, int32_t);
  s->coverage = CS_ALLOC(ar, pl->niv + 1, double);
  s->cov_sub = CS_ALLOC(ar, (size_t)pl->niv * pl->nsub + 1, double);
  if (!s->id || !s->iv_on || !s->sub_on || !s->delay || !s->coverage || !s->cov_sub) return NULL;
  memset(s->iv_on, on, (size_t)pl->niv);
  memset(s->sub_on, 1, (size_t)pl->nsub);
  return s;
}

/* One scenario per subset of the plan's themes: scenario m has theme t on when bit t of m is
 * set (m = 0 is the baseline, the last one all themes). Each takes base's subregions and
 * delays (base NULL: the plan's), so that a variant's themes can be attributed too. For
 * exact Shapley attribution. */
int32_t cs_scen_subsets(const cs_plan *pl, const cs_params *pm, const cs_scen *base, cs_arena *ar,
                        cs_scen **out) {
  if (pl->ntheme > CS_SHAPLEY_MAX_THEMES) return 0;
  int32_t n = 1 << pl->ntheme;
  cs_scen *sc = CS_ALLOC(ar, n, cs_scen);
  if (!sc) return -1;
  for (int32_t m = 0; m < n; m++) {
    if (!scen_new(pl, ar, &sc[m], m ? "subset" : "baseline", 1)) return -1;
    if (base && m) {
      memcpy(sc[m].sub_on, base->sub_on, (size_t)pl->nsub);
      memcpy(sc[m].delay, base->delay, (size_t)pl->nsub * sizeof(int32_t));
      sc[m].has_subregions = base->has_subregions;
      sc[m].has_delay = base->has_delay;
    }
    for (int32_t t = 0; t < pl->ntheme; t++)
      if (!(m >> t & 1))
        for (int32_t v = pl->themes[t].first; v < pl->themes[t].first + pl->themes[t].count; v++)
          sc[m].iv_on[v] = 0;
  }
  cs_scen_coverage(pl, pm, sc, n);
  *out = sc;
  return n;
}

/* The baseline, then one scenario per set of interventions: scenario i + 1 has intervention v
 * on when on[i * niv + v] is 1, with every subregion and no delay. For Shapley values per
 * intervention. Returns NULL when out of memory. */
cs_scen *cs_scen_sets(const cs_plan *pl, const uint8_t *on, int32_t n, cs_arena *ar) {
  cs_scen *sc = CS_ALLOC(ar, n + 1, cs_scen);
  if (!sc || !scen_new(pl, ar, &sc[0], "baseline", 0)) return NULL;
  for (int32_t i = 0; i < n; i++) {
    if (!scen_new(pl, ar, &sc[i + 1], "set", 0)) return NULL;
    memcpy(sc[i + 1].iv_on, on + (size_t)i * pl->niv, (size_t)pl->niv);
  }
  return sc;
}

/* Scenarios in output order: baseline, plan, the plan's variants, without-<theme>.
 * Returns the count, or -1 when out of memory. */
int32_t cs_scen_build(const cs_plan *pl, const cs_params *pm, cs_arena *ar, cs_scen **out) {
  int32_t n = 2 + pl->nscen + pl->ntheme, i = 0;
  cs_scen *sc = CS_ALLOC(ar, n, cs_scen);
  if (!sc) return -1;
  if (!scen_new(pl, ar, &sc[i++], "baseline", 0) || !scen_new(pl, ar, &sc[i++], "plan", 1))
    return -1;
  for (int32_t j = 0; j < pl->nscen; j++, i++) {
    const cs_scenario_def *d = &pl->scens[j];
    if (!scen_new(pl, ar, &sc[i], d->id, 1)) return -1;
    memcpy(sc[i].sub_on, d->sub_mask, (size_t)pl->nsub);
    memcpy(sc[i].delay, d->delay, (size_t)pl->nsub * sizeof(int32_t));
    for (int32_t r = 0; r < pl->nsub; r++)
      sc[i].has_delay |= d->delay[r] != 0;
    sc[i].has_subregions = d->has_subregions;
  }
  for (int32_t t = 0; t < pl->ntheme; t++, i++) {
    const cs_theme *th = &pl->themes[t];
    size_t len = strlen(th->id) + 9;
    char *id = cs_arena_alloc(ar, len);
    if (!id || !scen_new(pl, ar, &sc[i], id, 1)) return -1;
    memcpy(id, "without-", 8);
    memcpy(id + 8, th->id, len - 8);
    for (int32_t v = th->first; v < th->first + th->count; v++)
      sc[i].iv_on[v] = 0;
  }
  cs_scen_coverage(pl, pm, sc, n);
  *out = sc;
  return n;
}

/* The re-forecast's record of what it replaced (cs_results, model.h). */
static cs_status rf_results_alloc(const cs_plan *pl, cs_arena *ar, cs_results *r) {
  size_t sa = (size_t)r->nsc * r->na, vr = (size_t)pl->niv * pl->nsub + 1;
  r->rf_pop = CS_ALLOC(ar, sa, double);
  r->rf_fac = CS_ALLOC(ar, sa, double);
  r->rf_tgt = CS_ALLOC(ar, vr, double);
  r->rf_u = CS_ALLOC(ar, vr, double);
  r->rf_upm = CS_ALLOC(ar, vr, double);
  r->rf_used = CS_ALLOC(ar, vr, double);
  r->rf_mode = CS_ALLOC(ar, vr, int32_t);
  r->rf_delta = CS_ALLOC(ar, vr, double);
  r->rf_val = CS_ALLOC(ar, vr, double);
  return r->rf_pop && r->rf_fac && r->rf_tgt && r->rf_u && r->rf_upm && r->rf_used && r->rf_mode &&
                 r->rf_delta && r->rf_val
             ? CS_OK
             : CS_ENOMEM;
}

cs_status cs_results_alloc(const cs_plan *pl, int32_t nsc, int detail, cs_arena *ar,
                           cs_results *r) {
  memset(r, 0, sizeof *r);
  r->nsc = nsc;
  r->ny = pl->nyear;
  r->na = pl->narea;
  r->nc = pl->nsector;
  r->np = pl->npayer;
  r->nr = pl->nsub;
  r->ng = pl->ngroup;
  r->niv = pl->niv;
  r->nline = cs_plan_nlines(pl);
  size_t sy = (size_t)nsc * (size_t)r->ny;
  r->demo = CS_ALLOC(ar, sy * r->na * CS_DEMO_N, double);
  r->care = CS_ALLOC(ar, sy * r->na * r->nc * CS_CARE_N, double);
  r->health = CS_ALLOC(ar, sy * r->na * CS_HEALTH_N, double);
  r->payer_care = CS_ALLOC(ar, sy * r->np + 1, double);
  r->payer_impl = CS_ALLOC(ar, sy * r->np + 1, double);
  r->wf_dem = CS_ALLOC(ar, sy * r->nr * r->ng + 1, double);
  r->wf_sup = CS_ALLOC(ar, sy * r->nr * r->ng + 1, double);
  r->uptake = CS_ALLOC(ar, sy * r->na * r->niv + 1, double);
  r->participants = CS_ALLOC(ar, sy * r->na * r->niv + 1, double);
  r->impl = CS_ALLOC(ar, sy * r->nline + 1, double);
  r->own_fte = CS_ALLOC(ar, sy, double);
  r->impl_sub = CS_ALLOC(ar, sy * r->nr * r->np + 1, double);
  r->flows = CS_ALLOC(ar, sy * r->na, double);
  r->clamp_iv = CS_ALLOC(ar, r->niv + 1, int64_t);
  r->care_w = CS_ALLOC(ar, sy * r->na * r->nc + 1, double);
  r->payer_care_w = CS_ALLOC(ar, sy * r->np + 1, double);
  r->payer_impl_w = CS_ALLOC(ar, sy * r->np + 1, double);
  r->impl_w = CS_ALLOC(ar, sy * r->nline + 1, double);
  r->impl_sub_w = CS_ALLOC(ar, sy * r->nr * r->np + 1, double);
  if (!r->care_w || !r->payer_care_w || !r->payer_impl_w || !r->impl_w || !r->impl_sub_w)
    return CS_ENOMEM;
  if (pl->rf && rf_results_alloc(pl, ar, r) != CS_OK) return CS_ENOMEM;
  if (detail) r->detail = CS_ALLOC(ar, sy * r->na * CS_NSEX * CS_NAGE * (size_t)pl->nstate, double);
  if (!r->demo || !r->care || !r->health || !r->payer_care || !r->payer_impl || !r->wf_dem ||
      !r->wf_sup || !r->uptake || !r->participants || !r->impl || !r->own_fte || !r->impl_sub ||
      !r->flows || !r->clamp_iv || (detail && !r->detail))
    return CS_ENOMEM;
  return CS_OK;
}

/* Lanes per block: the block's sums of rates ([nsig][c][lanes], twice) and its cells' scratch
 * stay in the core's caches; blocks of equal size, a multiple of 8 lanes (one AVX-512 vector).
 * cells.c has versions of its loops for the usual widths up to this one (CS_NB_WIDTHS). */
#define CS_LANE_BLOCK 128
static int32_t lane_block(int32_t nlane, int32_t nstate) {
  int32_t nblock = (nlane + CS_LANE_BLOCK - 1) / CS_LANE_BLOCK;
  int32_t b = nblock > 0 ? (nlane + nblock - 1) / nblock : 1;
  b = b < nstate ? nstate : b; /* S, D, S2 and p also serve as [nstate] scratch */
  return (b + 7) / 8 * 8;
}

/* n doubles at a 64-byte boundary: a vector of eight lanes then never straddles two cache
 * lines (lane blocks and rows of the population are multiples of eight doubles). */
static double *lanes_alloc(cs_arena *ar, size_t n) {
  char *p = cs_arena_calloc(ar, n * sizeof(double) + 64, 1);
  return p ? (double *)(p + (64 - (uintptr_t)p % 64) % 64) : NULL;
}

/* Each intervention's effects on the population (w->pfx): the only ones lane_sig_effect acts
 * on, so lane_sigs need not look at the others (care, shift, workforce) lane by lane. */
static void pop_effects(const cs_plan *pl, cs_work *w) {
  int32_t n = 0;
  for (int32_t v = 0; v < pl->niv; v++) {
    w->pfx_off[v] = n;
    for (int32_t q = 0; q < pl->ivs[v].neffect; q++)
      if (pop_effect(&pl->ivs[v].effects[q])) w->pfx[n++] = q;
  }
  w->pfx_off[pl->niv] = n;
}

cs_status cs_work_alloc(const cs_plan *pl, const cs_params *pm, int32_t nsc, cs_arena *ar,
                        cs_work *w) {
  size_t nk = (size_t)pl->nstate, nc = (size_t)pl->nsector, niv = (size_t)pl->niv;
  size_t nsx = (size_t)CS_NSEX * CS_NAGE, ns = (size_t)pm->nsig;
  memset(w, 0, sizeof *w);
  w->nlane = nsc * pl->narea;
  w->bmax = lane_block(w->nlane, pl->nstate);
  w->lstride = (w->nlane + w->bmax - 1) / w->bmax * w->bmax;
  size_t B = (size_t)w->bmax, cells = nsx * nk * (size_t)w->lstride;
  w->cur = lanes_alloc(ar, cells);
  w->next = lanes_alloc(ar, cells);
  w->mig_resid = CS_ALLOC(ar, (size_t)pl->narea * nsx, double);
  w->migT = CS_ALLOC(ar, (size_t)pl->narea * nsx, double);
  w->lane_a = CS_ALLOC(ar, (size_t)w->lstride + 1, int32_t);
  w->up = lanes_alloc(ar, B * niv + 1);
  w->actm = CS_ALLOC(ar, B * niv + 1, long long);
  w->act = CS_ALLOC(ar, B * niv + 1, int32_t);
  w->nact = CS_ALLOC(ar, B, int32_t);
  int32_t ne = 0;
  for (int32_t i = 0; i < pl->niv; i++)
    ne += pl->ivs[i].neffect;
  w->em = lanes_alloc(ar, B * (size_t)ne + 1);
  w->wfx = CS_ALLOC(ar, 3 * (size_t)ne + 1, int32_t);
  w->pfx = CS_ALLOC(ar, (size_t)ne + 1, int32_t);
  w->pfx_off = CS_ALLOC(ar, niv + 1, int32_t);
  w->ef = lanes_alloc(ar, B * (size_t)ne + 1);
  w->part = lanes_alloc(ar, B * niv + 1);
  w->units = lanes_alloc(ar, B * nc + 1);
  w->fsum = lanes_alloc(ar, B * nc + 1);
  w->units_eol = lanes_alloc(ar, B * nc + 1);
  w->flows = lanes_alloc(ar, B);
  w->gl = lanes_alloc(ar, B * nc + 1);
  w->ru = lanes_alloc(ar, ns * nc * B + 1);
  w->re = lanes_alloc(ar, ns * nc * B + 1);
  w->rn = lanes_alloc(ar, ns * B + 1);
  w->tm = lanes_alloc(ar, ns * nk * nk * B + 1);
  w->th = lanes_alloc(ar, ns * nk * nk * B + 1);
  w->tm_on = CS_ALLOC(ar, ns * B + 1, uint8_t);
  w->any_tm = CS_ALLOC(ar, ns + 1, uint8_t);
  w->any_th = CS_ALLOC(ar, ns * nk * nk + 1, uint8_t);
  w->tm_big = CS_ALLOC(ar, ns * nk + 1, uint8_t);
  w->tm_row = CS_ALLOC(ar, ns * nk + 1, uint8_t);
  w->qm = lanes_alloc(ar, ns * B + 1);
  w->ud = lanes_alloc(ar, ns * B + 1);
  w->qm_big = CS_ALLOC(ar, ns + 1, uint8_t);
  w->ud_any = CS_ALLOC(ar, ns + 1, uint8_t);
  w->ut = lanes_alloc(ar, ns * nk * B + 1);
  w->upbar = CS_ALLOC(ar, (size_t)pl->nsub * (niv + 1), double);
  w->sup = CS_ALLOC(ar, (size_t)nsc * pl->nsub * pl->ngroup + 1, double);
  w->grow = CS_ALLOC(ar, nc + 1, double);
  w->u = lanes_alloc(ar, nc * 8 + 1);
  w->e = lanes_alloc(ar, nc * 8 + 1);
  w->mfte = lanes_alloc(ar, nc * 8 + 1);
  w->p = lanes_alloc(ar, nk * B);
  w->psum = lanes_alloc(ar, B);
  w->trans_y = CS_ALLOC(ar, n_trans(pl), double);
  w->trans_lg = CS_ALLOC(ar, n_trans(pl), double);
  w->prow = CS_ALLOC(ar, n_trans(pl), double);
  w->bclamp = CS_ALLOC(ar, nsx * nk, uint8_t);
  w->nz = CS_ALLOC(ar, nsx * nk * 2 * nc + 1, int32_t);
  w->nzn = CS_ALLOC(ar, nsx * nk * 2, int32_t);
  w->nzr = CS_ALLOC(ar, nsx * nk * 2 * nc + 1, double);
  w->rend = CS_ALLOC(ar, nsx * nk, uint8_t);
  w->gn = lanes_alloc(ar, nk * B);
  w->gd = lanes_alloc(ar, nk * B);
  w->qa = CS_ALLOC(ar, nsx * nk * (size_t)pl->narea, double);
  w->S = lanes_alloc(ar, B);
  w->S2 = lanes_alloc(ar, nk * B);
  w->D = lanes_alloc(ar, B);
  w->hl = lanes_alloc(ar, CS_HEALTH_N * B);
  w->dm = lanes_alloc(ar, CS_DEMO_N * B);
  w->cap = CS_ALLOC(ar, nsx * B, cs_capped);
  w->cap2 = CS_ALLOC(ar, nsx * B, cs_capped);
  w->capn = CS_ALLOC(ar, (nsx > B ? nsx : B) + 1, int32_t);
  w->snap = CS_ALLOC(ar, (CS_HEALTH_N + CS_DEMO_N + ns * (1 + 2 * nc)) * (size_t)pl->narea, double);
  w->snapc = CS_ALLOC(ar, 2 * (size_t)pl->narea, int64_t);
  w->ucap = CS_ALLOC(ar, nsx * (size_t)pl->narea, cs_capped);
  w->segp = CS_ALLOC(ar, CS_HEALTH_N + CS_DEMO_N + ns * (1 + 2 * nc), double *);
  w->segf = CS_ALLOC(ar, CS_HEALTH_N + CS_DEMO_N + ns * (1 + 2 * nc), int32_t);
  w->sigin = CS_ALLOC(ar, ns + 1, uint8_t);
  w->lane_of = CS_ALLOC(ar, (size_t)w->nlane + 1, int32_t);
  w->shash = CS_ALLOC(ar, (size_t)w->nlane + 1, uint64_t);
  w->lane_sc = CS_ALLOC(ar, (size_t)w->lstride + 1, int32_t);
  w->lrow = CS_ALLOC(ar, (size_t)w->lstride / 8 + 1, uint8_t);
  w->pcopy = CS_ALLOC(ar, (size_t)w->nlane + 1, uint8_t);
  w->upt = CS_ALLOC(ar, (size_t)nsc * pl->nsub * pl->nyear * niv + 1, double);
  w->lcl = CS_ALLOC(ar, 2 * B, int64_t);
  w->lcliv = CS_ALLOC(ar, niv * B + 1, int64_t);
  if (!w->cur || !w->next || !w->mig_resid || !w->migT || !w->lane_a || !w->up || !w->actm ||
      !w->act || !w->nact || !w->em || !w->ef || !w->part || !w->units || !w->fsum ||
      !w->units_eol || !w->flows || !w->gl || !w->ru || !w->re || !w->rn || !w->tm || !w->th ||
      !w->tm_on || !w->any_tm || !w->any_th || !w->tm_big || !w->tm_row || !w->wfx || !w->qm ||
      !w->ud || !w->qm_big || !w->ud_any || !w->ut || !w->upbar || !w->sup || !w->grow || !w->u ||
      !w->e || !w->mfte || !w->p || !w->psum || !w->trans_y || !w->trans_lg || !w->prow ||
      !w->bclamp || !w->nz || !w->nzn || !w->nzr || !w->rend || !w->gn || !w->gd || !w->qa ||
      !w->S || !w->S2 || !w->D || !w->hl || !w->dm || !w->cap || !w->cap2 || !w->capn ||
      !w->lane_of || !w->shash || !w->lane_sc || !w->lrow || !w->pcopy || !w->upt || !w->lcl ||
      !w->lcliv || !w->snap || !w->snapc || !w->ucap || !w->segp || !w->segf || !w->sigin ||
      !w->pfx || !w->pfx_off)
    return CS_ENOMEM;
  pop_effects(pl, w);
  if (pl->rf) {
    w->rf_tot = CS_ALLOC(ar, (size_t)w->lstride, double);
    w->rf_fac = CS_ALLOC(ar, (size_t)w->lstride, double);
    w->rf_gsum = CS_ALLOC(ar, (size_t)pl->rf->npg + 1, double);
    if (!w->rf_tot || !w->rf_fac || !w->rf_gsum) return CS_ENOMEM;
  }
  for (int32_t l = 0; l < w->nlane; l++)
    w->lane_a[l] = l % pl->narea; /* (the padding's stay 0: the arena is zeroed) */
  return CS_OK;
}
