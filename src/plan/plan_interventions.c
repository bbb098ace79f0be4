/* plan_interventions.c: the plan's themes and their interventions: each intervention's target
 * group, uptake curve, effects, costs, resources and milestones. Ids of areas, states,
 * sectors, payers and groups are those the sections before defined. */
#include "schema.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

/* ---- target and uptake ---- */

/* target.areas and target.subregions narrow the area mask. */
static void target_areas(cs_ld *L, cs_ynode *m, cs_intervention *iv) {
  cs_plan *P = L->P;
  uint8_t *am = cs_ld_alloc(L, (size_t)P->narea, 1), *sm = cs_ld_alloc(L, (size_t)P->nsub, 1);
  cs_ynode *v;
  if (!am || !sm) return;
  if ((v = cs_yq_get(&L->q, m, "areas")) &&
      !cs_ld_id_list(L, v, "target.areas", "area", P->areas, sizeof *P->areas, P->narea, am))
    for (int a = 0; a < P->narea; a++)
      iv->area_mask[a] &= am[a];
  if ((v = cs_yq_get(&L->q, m, "subregions")) &&
      !cs_ld_id_list(L, v, "target.subregions", "subregion", P->subs, sizeof *P->subs, P->nsub, sm))
    for (int a = 0; a < P->narea; a++)
      iv->area_mask[a] &= sm[P->areas[a].sub];
}

static void target_ages(cs_ld *L, cs_ynode *v, cs_intervention *iv) {
  long lo, hi;
  if (!cs_yq_want_seq(&L->q, v, "target.ages")) return;
  if (cs_yq_len(v) != 2) {
    cs_yq_err(&L->q, v, "target.ages has %zu items (expected [from, to])", cs_yq_len(v));
    return;
  }
  if (cs_yq_int(&L->q, cs_yq_item(&L->q, v, 0), "age", 0, CS_XMAX, &lo) ||
      cs_yq_int(&L->q, cs_yq_item(&L->q, v, 1), "age", 0, CS_XMAX, &hi))
    return;
  if (lo > hi) cs_yq_err(&L->q, v, "target.ages [%ld, %ld] is empty (expected from <= to)", lo, hi);
  iv->age_from = (int32_t)lo;
  iv->age_to = (int32_t)hi;
}

static int none_set(const uint8_t *mask, int n) {
  for (int i = 0; i < n; i++)
    if (mask[i]) return 0;
  return 1;
}

/* A target that excludes everyone (areas and subregions that do not meet, an empty list)
 * still counts the intervention's costs, with no effect: almost surely a mistake, but a
 * plan may park an intervention so, hence a warning and not an error. */
static void nobody(cs_ld *L, cs_ynode *m, const char *ctx, const cs_intervention *iv,
                   int nerr_before) {
  cs_plan *P = L->P;
  const char *why = NULL;
  cs_ynode *ar = cs_yq_get(&L->q, m, "areas"), *sr = cs_yq_get(&L->q, m, "subregions");
  if (cs_yq_is_seq(ar) && cs_yq_len(ar) == 0)
    why = "its areas list is empty";
  else if (cs_yq_is_seq(sr) && cs_yq_len(sr) == 0)
    why = "its subregions list is empty";
  else if (none_set(iv->area_mask, P->narea))
    why = "no area is in both its areas and subregions";
  else if (none_set(iv->sex_mask, 2))
    why = "its sexes list is empty";
  else if (none_set(iv->state_mask, P->nstate))
    why = "its states list is empty";
  if (why && L->rep.nerr == nerr_before) /* not after an unknown id the list lost */
    cs_yq_warn(&L->q, m, "%s.target reaches nobody: %s (its costs still count, with no effect)",
               ctx, why);
}

/* m: the target mapping, or NULL for everyone. */
static void load_target(cs_ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  cs_plan *P = L->P;
  iv->age_from = 0;
  iv->age_to = CS_XMAX;
  iv->sex_mask[0] = iv->sex_mask[1] = 1;
  memset(iv->area_mask, 1, (size_t)P->narea);
  memset(iv->state_mask, 1, (size_t)P->nstate);
  char c[CS_CTX];
  snprintf(c, sizeof c, "%.300s.target", ctx);
  if (!m || !cs_yq_want_map(&L->q, m, c)) return;
  int nerr = L->rep.nerr;
  cs_yq_check_keys(&L->q, m, CS_KEYS("areas", "subregions", "sexes", "ages", "states"), c);
  target_areas(L, m, iv);
  static const char *const sexes[] = {"f", "m"};
  cs_ynode *v;
  if ((v = cs_yq_get(&L->q, m, "sexes"))) {
    iv->sex_mask[0] = iv->sex_mask[1] = 0;
    cs_ld_id_list(L, v, "target.sexes", "sex", sexes, sizeof *sexes, 2, iv->sex_mask);
  }
  if ((v = cs_yq_get(&L->q, m, "states"))) {
    iv->has_states = 1;
    memset(iv->state_mask, 0, (size_t)P->nstate);
    cs_ld_id_list(L, v, "target.states", "state", P->states, sizeof *P->states, P->nstate,
                  iv->state_mask);
  }
  if ((v = cs_yq_get(&L->q, m, "ages"))) target_ages(L, v, iv);
  nobody(L, m, ctx, iv, nerr);
}

static void load_start_by_sub(cs_ld *L, cs_ynode *m, cs_intervention *iv) {
  cs_plan *P = L->P;
  if (!cs_yq_want_map(&L->q, m, "uptake.start_by_subregion")) return;
  size_t n = cs_yq_len(m);
  uint8_t *seen = cs_ld_alloc(L, (size_t)P->nsub, 1);
  for (size_t i = 0; seen && i < n; i++) {
    cs_ynode *k = cs_yq_key(&L->q, m, i);
    int s = cs_ld_sub_key(L, k, seen, "uptake.start_by_subregion");
    int32_t y;
    if (!cs_ld_year(L, cs_yq_val(&L->q, m, i), "start_by_subregion year", &y) && s >= 0)
      iv->start_by_sub[s] = y;
  }
}

static void load_uptake(cs_ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  cs_plan *P = L->P;
  for (int s = 0; s < P->nsub; s++)
    iv->start_by_sub[s] = CS_YEAR_NONE;
  iv->ramp_years = 1;
  iv->start = P->T0;
  iv->curve = CS_CURVE_LINEAR;
  char c[CS_CTX];
  snprintf(c, sizeof c, "%.300s.uptake", ctx);
  if (!m || !cs_yq_want_map(&L->q, m, c)) {
    iv->max = cs_ld_unused(L);
    return;
  }
  cs_yq_check_keys(&L->q, m, CS_KEYS("max", "ramp_years", "start", "start_by_subregion", "curve"),
                   c);
  cs_ld_req_num(L, m, "max", c, &iv->max);
  cs_ld_num_range(L, m, "max", c, iv->max, CS_PROB);
  cs_ynode *v;
  long r;
  if ((v = cs_yq_get(&L->q, m, "ramp_years")) && !cs_yq_int(&L->q, v, "ramp_years", 1, 100, &r))
    iv->ramp_years = (int32_t)r;
  cs_ld_opt_year(L, m, "start", c, P->T0, &iv->start);
  if ((v = cs_yq_get(&L->q, m, "start_by_subregion"))) load_start_by_sub(L, v, iv);
  static const char *const curves[] = {"linear", "logistic"};
  int k;
  if ((v = cs_yq_get(&L->q, m, "curve")) && (k = cs_ld_enum(L, v, "curve", curves, 2)) >= 0)
    iv->curve = (cs_curve)k;
}

/* ---- effects ---- */

static const char *const effect_kinds[] = {"use",          "end_of_life_use", "shift",
                                           "fte_per_unit", "transition",      "workforce",
                                           "utility",      "mortality",       "extra_use"};

static void check_effect_keys(cs_ld *L, cs_ynode *e, cs_effect_kind k, const char *c) {
  switch (k) {
  case CS_EFF_USE:
  case CS_EFF_EOL:
  case CS_EFF_FTE: cs_yq_check_keys(&L->q, e, CS_KEYS("kind", "sector", "change"), c); break;
  case CS_EFF_UTILITY:
  case CS_EFF_MORTALITY: cs_yq_check_keys(&L->q, e, CS_KEYS("kind", "change"), c); break;
  case CS_EFF_EXTRA_USE: cs_yq_check_keys(&L->q, e, CS_KEYS("kind", "sector", "units"), c); break;
  case CS_EFF_SHIFT:
    cs_yq_check_keys(&L->q, e, CS_KEYS("kind", "from", "to", "fraction", "ratio", "applies_to"), c);
    break;
  case CS_EFF_TRANSITION:
    cs_yq_check_keys(&L->q, e, CS_KEYS("kind", "from", "to", "change", "scale"), c);
    break;
  case CS_EFF_WORKFORCE:
    cs_yq_check_keys(&L->q, e, CS_KEYS("kind", "group", "outflow_change", "extra_inflow"), c);
    break;
  }
}

static void load_change(cs_ld *L, cs_ynode *e, const char *c, cs_effect *f) {
  if (cs_ld_req_num(L, e, "change", c, &f->change)) return;
  cs_ld_num_range(L, e, "change", c, f->change, -1.0, INFINITY, "a change >= -1");
}

static void load_transition_effect(cs_ld *L, cs_ynode *e, const char *c, cs_intervention *iv,
                                   cs_effect *f) {
  cs_plan *P = L->P;
  f->from = cs_ld_req_id(L, e, "from", c, "state", P->states, sizeof *P->states, P->nstate);
  f->to = cs_ld_req_id(L, e, "to", c, "state", P->states, sizeof *P->states, P->nstate);
  load_change(L, e, c, f);
  /* scale: probability (MODEL.md, p * m) or hazard (p' = 1 - (1 - p)^m: a published hazard
   * ratio applied as one) */
  static const char *const scales[] = {"probability", "hazard"};
  cs_ynode *sn = cs_ld_given(L, e, "scale");
  f->hazard = sn ? cs_ld_enum(L, sn, "transition scale", scales, 2) == 1 : 0;
  if (f->from >= 0 && f->from == f->to)
    cs_yq_err(&L->q, cs_yq_get(&L->q, e, "to"),
              "transition effect from '%s' to itself in %s "
              "(expected two different states)",
              P->states[f->from].id, c);
  if (f->from >= 0 && iv->has_states && !iv->state_mask[f->from])
    cs_yq_err(&L->q, cs_yq_get(&L->q, e, "from"),
              "transition effect from '%s' in %s can never "
              "act (expected '%s' in the intervention's target.states)",
              P->states[f->from].id, c, P->states[f->from].id);
}

static void load_shift_effect(cs_ld *L, cs_ynode *e, const char *c, cs_effect *f) {
  cs_plan *P = L->P;
  f->from = cs_ld_req_id(L, e, "from", c, "sector", P->sectors, sizeof *P->sectors, P->nsector);
  f->to = cs_ld_req_id(L, e, "to", c, "sector", P->sectors, sizeof *P->sectors, P->nsector);
  if (!cs_ld_req_num(L, e, "fraction", c, &f->fraction))
    cs_ld_num_range(L, e, "fraction", c, f->fraction, CS_PROB);
  if (!cs_ld_req_num(L, e, "ratio", c, &f->ratio))
    cs_ld_num_range(L, e, "ratio", c, f->ratio, CS_NONNEG);
  /* applies_to: end_of_life moves only the use of the last year of life (terminal hospital
   * days to home nursing and hospice, say) */
  static const char *const parts[] = {"all", "end_of_life"};
  cs_ynode *an = cs_ld_given(L, e, "applies_to");
  f->eol_only = an ? cs_ld_enum(L, an, "shift applies_to", parts, 2) == 1 : 0;
}

static void load_effect(cs_ld *L, cs_ynode *e, const char *c, void *item, cs_intervention *iv) {
  cs_plan *P = L->P;
  cs_effect *f = item;
  f->sector = f->from = f->to = f->group = CS_NONE;
  f->change = f->fraction = f->ratio = f->outflow_change = f->extra_inflow = cs_ld_unused(L);
  cs_ynode *kn = cs_yq_req(&L->q, e, "kind", c);
  int k = kn ? cs_ld_enum(L, kn, "effect kind", effect_kinds, 9) : -1;
  if (k < 0) return;
  f->kind = (cs_effect_kind)k;
  check_effect_keys(L, e, f->kind, c);
  switch (f->kind) {
  case CS_EFF_USE:
  case CS_EFF_EOL:
  case CS_EFF_FTE:
    f->sector =
        cs_ld_req_id(L, e, "sector", c, "sector", P->sectors, sizeof *P->sectors, P->nsector);
    load_change(L, e, c, f);
    break;
  case CS_EFF_SHIFT: load_shift_effect(L, e, c, f); break;
  case CS_EFF_UTILITY: /* an absolute change of utility, e.g. +0.05 with palliative care */
    if (!cs_ld_req_num(L, e, "change", c, &f->change))
      cs_ld_num_range(L, e, "change", c, f->change, -1.0, 1.0, "a utility change in [-1, 1]");
    break;
  case CS_EFF_MORTALITY: load_change(L, e, c, f); break; /* relative: -0.1 = 10 % fewer deaths */
  case CS_EFF_EXTRA_USE: /* care the intervention itself adds: units per person-year */
    f->sector =
        cs_ld_req_id(L, e, "sector", c, "sector", P->sectors, sizeof *P->sectors, P->nsector);
    if (!cs_ld_req_num(L, e, "units", c, &f->change))
      cs_ld_num_range(L, e, "units", c, f->change, CS_NONNEG);
    break;
  case CS_EFF_TRANSITION: load_transition_effect(L, e, c, iv, f); break;
  case CS_EFF_WORKFORCE:
    f->group =
        cs_ld_req_id(L, e, "group", c, "workforce group", P->groups, sizeof *P->groups, P->ngroup);
    cs_ld_opt_num(L, e, "outflow_change", c, 0, &f->outflow_change);
    cs_ld_opt_num(L, e, "extra_inflow", c, 0, &f->extra_inflow);
    break;
  }
}

/* ---- costs, resources, milestones ---- */

static const char *const cost_kinds[] = {"once", "per_year", "per_participant"};

/* Which one of once, per_year and per_participant the cost gives; -1 after reporting. */
static int cost_kind(cs_ld *L, cs_ynode *e, const char *c) {
  int kind = -1, nk = 0;
  for (int i = 0; i < 3; i++)
    if (cs_yq_get(&L->q, e, cost_kinds[i])) {
      kind = i;
      nk++;
    }
  if (nk == 1) return kind;
  cs_yq_check_keys(
      &L->q, e, CS_KEYS("payer", "once", "per_year", "per_participant", "year", "from", "to"), c);
  cs_yq_err(&L->q, e, "%s has %s (expected exactly one of once, per_year, per_participant)", c,
            nk ? "more than one amount" : "no amount");
  return -1;
}

/* A line of the insurers' payer may name the insurer that pays it; without, the insurers pay
 * it by their market share. */
static void cost_insurer(cs_ld *L, cs_ynode *e, const char *c, cs_cost *k) {
  cs_plan *P = L->P;
  k->insurer = CS_NONE;
  cs_ynode *v = cs_ld_given(L, e, "insurer");
  if (!v) return;
  if (P->insurer_payer == CS_NONE) {
    cs_yq_err(&L->q, v, "%s names an insurer, but the plan has no insurers: section", c);
    return;
  }
  if (k->payer >= 0 && k->payer != P->insurer_payer) {
    cs_yq_err(&L->q, v,
              "%s names an insurer but is paid by '%s' (expected payer '%s', whose "
              "insured the insurers share)",
              c, P->payers[k->payer].id, P->payers[P->insurer_payer].id);
    return;
  }
  k->insurer = cs_ld_id(L, v, "insurer", P->insurers, sizeof *P->insurers, P->ninsurer);
}

/* by_subregion: {SUBREGION: share, ...} on a once or per_year line (v0.2): who carries the
 * line in the business case per subregion, instead of the shares of the targeted persons
 * (an IZA budget agreed per subregion, say). Shares in [0, 1] adding up to 1; absent
 * subregions 0. */
static void cost_by_sub(cs_ld *L, cs_ynode *e, const char *c, cs_cost *k) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_ld_given(L, e, "by_subregion");
  if (!m) return;
  char ctx[CS_CTX];
  snprintf(ctx, sizeof ctx, "%.300s.by_subregion", c);
  if (!cs_yq_want_map(&L->q, m, ctx)) return;
  if (!(k->by_sub = cs_ld_alloc(L, (size_t)P->nsub + 1, sizeof *k->by_sub))) return;
  double sum = 0.0;
  int bad = 0;
  uint8_t *seen = cs_ld_alloc(L, (size_t)P->nsub, 1);
  for (size_t i = 0; seen && i < cs_yq_len(m); i++) {
    cs_ynode *key = cs_yq_key(&L->q, m, i), *v = cs_yq_val(&L->q, m, i);
    int r = cs_ld_sub_key(L, key, seen, ctx);
    double x;
    if (cs_yq_dbl(&L->q, v, "by_subregion share", &x)) {
      bad = 1;
      continue;
    }
    if (x < 0.0 || x > 1.0) {
      cs_yq_err(&L->q, v,
                "by_subregion share '%s' in %s is out of range (expected a share in "
                "[0, 1])",
                cs_yq_scalar(v), c);
      bad = 1;
      continue;
    }
    if (r < 0) {
      bad = 1;
      continue;
    }
    k->by_sub[r] = x;
    sum += x;
  }
  if (!bad && fabs(sum - 1.0) > 1e-6)
    cs_yq_err(&L->q, m, "%s shares add up to %.6g (expected 1)", ctx, sum);
}

static void load_cost(cs_ld *L, cs_ynode *e, const char *c, void *item, cs_intervention *iv) {
  cs_plan *P = L->P;
  cs_cost *k = item;
  k->payer = cs_ld_req_id(L, e, "payer", c, "payer", P->payers, sizeof *P->payers, P->npayer);
  k->amount = cs_ld_unused(L);
  k->year = CS_YEAR_NONE;
  k->from = P->T0;
  k->to = P->T1;
  int kind = cost_kind(L, e, c);
  if (kind < 0) return;
  k->kind = (cs_cost_kind)kind;
  if (kind == 0)
    cs_yq_check_keys(&L->q, e, CS_KEYS("payer", "once", "year", "insurer", "by_subregion"), c);
  if (kind == 1)
    cs_yq_check_keys(&L->q, e,
                     CS_KEYS("payer", "per_year", "from", "to", "insurer", "by_subregion"), c);
  if (kind != 2) cost_by_sub(L, e, c, k);
  if (kind == 2)
    cs_yq_check_keys(&L->q, e,
                     CS_KEYS("payer", "per_participant", "insurer", "fte_per_participant"), c);
  cost_insurer(L, e, c, k);
  if (!cs_ld_req_num(L, e, cost_kinds[kind], c, &k->amount))
    cs_ld_num_range(L, e, cost_kinds[kind], c, k->amount, CS_NONNEG);
  /* the staff a per-participant programme employs: counted as the plan's own staff */
  if (kind == 2)
    cs_ld_plain_num(L, e, "fte_per_participant", c, 0, 0, 1, "an FTE per participant in [0, 1]",
                    &k->fte_pp);
  if (kind == 0) {
    cs_ynode *y = cs_yq_req(&L->q, e, "year", c);
    if (y) cs_ld_year(L, y, "cost year", &k->year);
  } else if (kind == 1) {
    cs_ld_opt_year(L, e, "from", c, P->T0, &k->from);
    cs_ld_opt_year(L, e, "to", c, P->T1, &k->to);
    if (k->from > k->to)
      cs_yq_err(&L->q, e, "%s runs from %d to %d (expected from <= to)", c, k->from, k->to);
  }
}

static void load_resource(cs_ld *L, cs_ynode *e, const char *c, void *item, cs_intervention *iv) {
  cs_plan *P = L->P;
  cs_resource *r = item;
  cs_yq_check_keys(&L->q, e, CS_KEYS("organisation", "role", "fte", "euro", "from", "to", "year"),
                   c);
  r->organisation = cs_ld_req_str(L, e, "organisation", c);
  r->role = cs_ld_req_str(L, e, "role", c);
  cs_ld_plain_num(L, e, "fte", c, 0, CS_NONNEG, &r->fte);
  cs_ld_plain_num(L, e, "euro", c, 0, CS_NONNEG, &r->euro);
  cs_ld_opt_year(L, e, "from", c, P->T0, &r->from);
  cs_ld_opt_year(L, e, "to", c, P->T1, &r->to);
  cs_ld_opt_year(L, e, "year", c, P->T0, &r->year);
  if (r->from > r->to)
    cs_yq_err(&L->q, e, "%s runs from %d to %d (expected from <= to)", c, r->from, r->to);
}

static void load_milestone(cs_ld *L, cs_ynode *e, const char *c, void *item, cs_intervention *iv) {
  cs_milestone *m = item;
  cs_yq_check_keys(&L->q, e, CS_KEYS("indicator", "year", "target"), c);
  m->indicator = cs_ld_req_str(L, e, "indicator", c);
  cs_ynode *y = cs_yq_req(&L->q, e, "year", c);
  if (y) cs_ld_year(L, y, "milestone year", &m->year);
  cs_ynode *t = cs_yq_req(&L->q, e, "target", c);
  if (t) cs_yq_dbl(&L->q, t, "milestone target", &m->target);
}

/* ---- after funding ---- */

/* The last year of the once and per_year lines, or CS_YEAR_NONE: no such line, or a
 * per_participant line (paid for as long as anyone takes part). */
static int32_t funding_end(const cs_intervention *iv) {
  int32_t end = CS_YEAR_NONE;
  for (int32_t j = 0; j < iv->ncost; j++) {
    const cs_cost *co = &iv->costs[j];
    if (co->kind == CS_COST_PER_PARTICIPANT) return CS_YEAR_NONE;
    int32_t last = co->kind == CS_COST_ONCE ? co->year : co->to;
    if (last > end) end = last;
  }
  return end;
}

/* after_funding: keep | stop | {decay_years: N}. Absent: keep, with a warning when the
 * funding ends before the horizon, since an insurer will ask who pays after. */
static void load_after_funding(cs_ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  iv->fund_end = funding_end(iv);
  iv->after = CS_AFTER_KEEP;
  cs_ynode *v = cs_ld_given(L, m, "after_funding");
  char c[CS_CTX];
  snprintf(c, sizeof c, "%.300s.after_funding", ctx);
  if (!v) {
    if (iv->fund_end != CS_YEAR_NONE && iv->fund_end < L->P->T1)
      cs_yq_warn(&L->q, cs_yq_get(&L->q, m, "costs"),
                 "%s: its cost lines end in %d but its uptake goes on (say who pays after, "
                 "or what happens: after_funding: keep, stop or {decay_years: N})",
                 ctx, iv->fund_end);
    return;
  }
  const char *s = cs_yq_scalar(v);
  if (s && !strcmp(s, "keep")) return;
  if (s && !strcmp(s, "stop")) {
    iv->after = CS_AFTER_STOP;
    return;
  }
  if (!cs_yq_is_map(v)) {
    if (s)
      cs_yq_err(&L->q, v, "%s " CS_QF " is not known (expected keep, stop or {decay_years: N})", c,
                CS_QA(s));
    else
      cs_yq_err(&L->q, v, "%s is %s (expected keep, stop or {decay_years: N})", c, cs_yq_kind(v));
    return;
  }
  cs_yq_check_keys(&L->q, v, CS_KEYS("decay_years"), c);
  cs_ynode *n = cs_yq_req(&L->q, v, "decay_years", c);
  long years;
  if (!n || cs_yq_int(&L->q, n, "decay_years", 1, CS_MAX_SPAN, &years)) return;
  iv->after = CS_AFTER_DECAY;
  iv->decay_years = (int32_t)years;
}

/* ---- interventions and themes ---- */

/* Loads one item of an intervention's list into item. */
typedef void item_fn(cs_ld *L, cs_ynode *e, const char *ctx, void *item, cs_intervention *iv);

/* The list of mappings under key: allocates *out and loads each item into it. Returns how
 * many items were kept. */
static int load_list(cs_ld *L, cs_ynode *iv_map, const char *key, const char *ctx, size_t size,
                     void **out, item_fn *fn, cs_intervention *iv) {
  cs_ynode *m = cs_ld_given(L, iv_map, key);
  *out = NULL;
  if (!m) return 0;
  char c[CS_CTX];
  snprintf(c, sizeof c, "%.300s.%.300s", ctx, key);
  if (!cs_yq_want_seq(&L->q, m, c)) return 0;
  size_t n = cs_yq_len(m);
  char *arr = cs_ld_alloc(L, n, size);
  if (!arr) return 0;
  int kept = 0;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *e = cs_yq_item(&L->q, m, i);
    snprintf(c, sizeof c, "%.300s.%.300s[%zu]", ctx, key, i + 1);
    if (!cs_yq_want_map(&L->q, e, c)) continue;
    fn(L, e, c, arr + (size_t)kept++ * size, iv);
  }
  *out = arr;
  return kept;
}

static void load_iv(cs_ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, m,
                   CS_KEYS("id", "name", "target", "uptake", "effects", "costs", "after_funding",
                           "resources", "milestones"),
                   ctx);
  iv->name = cs_ld_req_str(L, m, "name", ctx);
  iv->area_mask = cs_ld_alloc(L, (size_t)P->narea, 1);
  iv->state_mask = cs_ld_alloc(L, (size_t)P->nstate, 1);
  iv->start_by_sub = cs_ld_alloc(L, (size_t)P->nsub, sizeof *iv->start_by_sub);
  if (!iv->area_mask || !iv->state_mask || !iv->start_by_sub) return;
  load_target(L, cs_ld_given(L, m, "target"), ctx, iv);
  load_uptake(L, cs_yq_req(&L->q, m, "uptake", ctx), ctx, iv);
  void *p;
  iv->neffect = load_list(L, m, "effects", ctx, sizeof(cs_effect), &p, load_effect, iv);
  iv->effects = p;
  iv->ncost = load_list(L, m, "costs", ctx, sizeof(cs_cost), &p, load_cost, iv);
  iv->costs = p;
  load_after_funding(L, m, ctx, iv);
  iv->nresource = load_list(L, m, "resources", ctx, sizeof(cs_resource), &p, load_resource, iv);
  iv->resources = p;
  iv->nmilestone = load_list(L, m, "milestones", ctx, sizeof(cs_milestone), &p, load_milestone, iv);
  iv->milestones = p;
}

static void iv_item(cs_ld *L, cs_ynode *v, const char *ctx, void *theme) {
  cs_plan *P = L->P;
  const char *id = cs_ld_item_id(L, v, ctx, "intervention", P->ivs, sizeof *P->ivs, P->niv);
  if (!id) return;
  cs_intervention *iv = &P->ivs[P->niv++];
  iv->id = id;
  iv->theme = (int32_t)((cs_theme *)theme - P->themes);
  load_iv(L, v, ctx, iv);
}

static void theme_item(cs_ld *L, cs_ynode *t, const char *ctx, void *arg) {
  cs_plan *P = L->P;
  const char *id = cs_ld_item_id(L, t, ctx, "theme", P->themes, sizeof *P->themes, P->ntheme);
  if (!id) return;
  cs_theme *th = &P->themes[P->ntheme++];
  th->id = id;
  cs_yq_check_keys(&L->q, t, CS_KEYS("id", "name", "leader", "interventions"), ctx);
  th->name = cs_ld_req_str(L, t, "name", ctx);
  th->leader = cs_ld_opt_str(L, t, "leader", ctx);
  th->first = P->niv;
  cs_ynode *ivs = cs_yq_req(&L->q, t, "interventions", ctx);
  char c[CS_CTX];
  snprintf(c, sizeof c, "%.300s.interventions", ctx);
  if (ivs && cs_yq_want_seq(&L->q, ivs, c)) cs_ld_each(L, ivs, ctx, "interventions", iv_item, th);
  th->count = P->niv - th->first;
}

void cs_load_themes(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "themes", "the plan");
  if (!m || !cs_yq_want_seq(&L->q, m, "themes")) return;
  size_t n = cs_yq_len(m), niv = 0;
  for (size_t i = 0; i < n; i++)
    niv += cs_yq_len(cs_yq_get(&L->q, cs_yq_item(&L->q, m, i), "interventions"));
  P->themes = cs_ld_alloc(L, n, sizeof *P->themes);
  P->ivs = cs_ld_alloc(L, niv, sizeof *P->ivs);
  if (P->themes && P->ivs) cs_ld_each(L, m, NULL, "themes", theme_item, NULL);
}
