/* plan_sections.c: the top-level sections of a plan, before its themes: format version, meta,
 * years, parameters, region and areas, states, payers, workforce and sectors, the population,
 * demography, state and use tables, economics and criteria. The order matters: each section
 * may use the ids the ones before it defined. */
#include "schema.h"

#include <string.h>

/* The tables a plan names, with their headers. */
static const cs_tabspec t_areas = {"areas", CS_KEYS("area", "name", "subregion")};
static const cs_tabspec t_population = {"population", CS_KEYS("area", "sex", "age", "count")};
static const cs_tabspec t_mortality = {"mortality", CS_KEYS("sex", "age", "q")};
static const cs_tabspec t_fertility = {"fertility", CS_KEYS("age", "rate")};
static const cs_tabspec t_migration = {"migration", CS_KEYS("area", "sex", "age", "net")};
static const cs_tabspec t_projection = {"projection",
                                        CS_KEYS("area", "sex", "age", "year", "count")};
static const cs_tabspec t_shares = {"state_shares", CS_KEYS("sex", "age", "state", "share")};
static const cs_tabspec t_transitions = {"transitions", CS_KEYS("sex", "age", "from", "to", "p")};
static const cs_tabspec t_workforce = {
    "workforce", CS_KEYS("group", "subregion", "fte", "retire_rate", "outflow_rate", "inflow_fte")};
static const char *const use_cols[] = {"sector", "state", "sex", "age_from", "age_to", "rate"};
static const cs_tabspec t_use = {"use", use_cols, 6};
static const cs_tabspec t_eol = {"end_of_life_use", use_cols, 6};
static const cs_tabspec t_area_index = {"area_use_index", CS_KEYS("area", "sector", "index")};

/* ---- the plan itself ---- */

static void load_version(cs_ld *L, cs_ynode *root) {
  cs_ynode *v = cs_yq_req(&L->q, root, "careshift", "the plan");
  long ver;
  if (!v || cs_yq_int(&L->q, v, "format version (careshift:)", 0, 1000000, &ver)) return;
  if (ver != 1)
    cs_yq_err(&L->q, v, "format version '%ld' is not supported (expected careshift: 1)", ver);
}

static void load_meta(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "plan", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "plan")) return;
  cs_yq_check_keys(&L->q, m, CS_KEYS("name", "coalition", "coordinator", "status", "deadline"),
                   "plan");
  P->name = cs_ld_req_str(L, m, "name", "plan");
  P->coalition = cs_ld_opt_str(L, m, "coalition", "plan");
  P->coordinator = cs_ld_opt_str(L, m, "coordinator", "plan");
  P->deadline = cs_ld_opt_str(L, m, "deadline", "plan");
  cs_ynode *st = cs_ld_given(L, m, "status");
  static const char *const status[] = {"concept",    "snelle-toets", "snelle-toets-passed",
                                       "definitive", "approved",     "implementation"};
  if (st && cs_ld_enum(L, st, "status", status, 6) >= 0)
    P->status = cs_ld_strdup(L, cs_yq_scalar(st));
}

static void load_years(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *y = cs_yq_req(&L->q, root, "years", "the plan");
  if (!y || !cs_yq_want_map(&L->q, y, "years")) return;
  cs_yq_check_keys(&L->q, y, CS_KEYS("base", "horizon"), "years");
  cs_ynode *b = cs_yq_req(&L->q, y, "base", "years"), *h = cs_yq_req(&L->q, y, "horizon", "years");
  long base, hor;
  if (!b || !h || cs_yq_int(&L->q, b, "base year", CS_YEAR_MIN, CS_YEAR_MAX, &base) ||
      cs_yq_int(&L->q, h, "horizon year", CS_YEAR_MIN, CS_YEAR_MAX, &hor))
    return;
  if (hor < base) {
    cs_yq_err(&L->q, h, "horizon '%ld' is before base '%ld' (expected horizon >= base)", hor, base);
    return;
  }
  if (hor - base > CS_MAX_SPAN) {
    cs_yq_err(&L->q, h, "horizon '%ld' is %ld years after base (expected at most %d)", hor,
              hor - base, CS_MAX_SPAN);
    return;
  }
  P->T0 = (int32_t)base;
  P->T1 = (int32_t)hor;
  P->nyear = P->T1 - P->T0 + 1;
  L->years_ok = 1;
}

static void load_parameter(cs_ld *L, cs_ynode *k, cs_ynode *v) {
  cs_plan *P = L->P;
  const char *name = cs_yq_str(&L->q, k, "parameter name");
  if (!name ||
      cs_ld_dup_id(L, k, "parameter", name, P->param_names, sizeof *P->param_names, P->nparam))
    return;
  const char *s = cs_yq_scalar(v);
  if ((s && s[0] == '$') || (cs_yq_is_map(v) && cs_yq_get(&L->q, v, "neg"))) {
    cs_yq_err(&L->q, v,
              "parameter '%s' refers to another number (expected a distribution "
              "or a number)",
              name);
    return;
  }
  cs_dist d;
  const char *label = cs_ld_label(L, "$%s", name);
  if (cs_dist_parse(&L->q, v, label, &d)) return;
  const char *kept = cs_ld_strdup(L, name);
  if (!kept) return;
  P->param_names[P->nparam] = kept;
  P->param_dist[P->nparam++] = cs_ld_push_dist(L, &d, label);
}

static void load_parameters(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_ld_given(L, root, "parameters");
  if (!m || !cs_yq_want_map(&L->q, m, "parameters")) return;
  L->params = m;
  size_t n = cs_yq_len(m);
  P->param_names = cs_ld_alloc(L, n, sizeof *P->param_names);
  P->param_dist = cs_ld_alloc(L, n, sizeof *P->param_dist);
  if (!P->param_names || !P->param_dist) return;
  for (size_t i = 0; i < n; i++)
    load_parameter(L, cs_yq_key(&L->q, m, i), cs_yq_val(&L->q, m, i));
}

static void load_region(cs_ld *L, cs_ynode *root) {
  cs_ynode *m = cs_yq_req(&L->q, root, "region", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "region")) return;
  cs_yq_check_keys(&L->q, m, CS_KEYS("name", "areas"), "region");
  L->P->region_name = cs_ld_req_str(L, m, "name", "region");
  cs_ld_fill(L, m, &t_areas, "region", 1, NULL, cs_fill_areas);
}

/* ---- states and payers ---- */

static void single_state(cs_ld *L) {
  cs_plan *P = L->P;
  P->states = cs_ld_alloc(L, 1, sizeof *P->states);
  if (!P->states) return;
  P->nstate = 1;
  P->states[0].id = "all";
  P->states[0].utility = cs_ld_fixed(L, 1, "states[all].utility");
  P->states[0].rr = cs_ld_fixed(L, 1, "states[all].mortality_rr");
}

static void state_item(cs_ld *L, cs_ynode *s, const char *ctx, void *arg) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, s, CS_KEYS("id", "utility", "mortality_rr"), ctx);
  const char *id = cs_ld_item_id(L, s, ctx, "state", P->states, sizeof *P->states, P->nstate);
  if (!id) return;
  cs_state *k = &P->states[P->nstate++];
  k->id = id;
  cs_ld_req_num(L, s, "utility", ctx, &k->utility);
  cs_ld_opt_num(L, s, "mortality_rr", ctx, 1.0, &k->rr);
  cs_ld_num_range(L, s, "mortality_rr", ctx, k->rr, CS_NONNEG);
}

static void load_states(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_ld_given(L, root, "states");
  if (!m || !cs_yq_want_seq(&L->q, m, "states")) {
    single_state(L);
    return;
  }
  P->states = cs_ld_alloc(L, cs_yq_len(m), sizeof *P->states);
  if (!P->states) return;
  cs_ld_each(L, m, NULL, "states", state_item, NULL);
  if (P->nstate == 0) {
    cs_yq_err(&L->q, m, "states is empty (expected at least one state, or no 'states' key)");
    single_state(L);
  }
}

static void payer_item(cs_ld *L, cs_ynode *s, const char *ctx, void *arg) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, s, CS_KEYS("id", "name"), ctx);
  /* Both fields are asked for before the id is checked: a payer reports a missing name even
   * when its id repeats. */
  const char *id = cs_ld_req_str(L, s, "id", ctx);
  const char *name = cs_ld_req_str(L, s, "name", ctx);
  if (!id || cs_ld_dup_id(L, s, "payer", id, P->payers, sizeof *P->payers, P->npayer)) return;
  P->payers[P->npayer++] = (cs_payer){id, name};
}

static const char *const insurer_cols[] = {"area", "insurer", "share"};
static const cs_tabspec t_insurers = {"shares", insurer_cols, 3};

/* insurers: {payer: zvw, shares: FILE}: the payer's insured per area split over insurers
 * (business_case_insurer.csv, docs/model.md 7). */
static void load_insurers(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  P->insurer_payer = CS_NONE;
  cs_ynode *m = cs_ld_given(L, root, "insurers");
  if (!m || !cs_yq_want_map(&L->q, m, "insurers")) return;
  cs_yq_check_keys(&L->q, m, CS_KEYS("payer", "shares"), "insurers");
  P->insurer_payer =
      cs_ld_req_id(L, m, "payer", "insurers", "payer", P->payers, sizeof *P->payers, P->npayer);
  if (P->narea > 0) cs_ld_fill(L, m, &t_insurers, "insurers", 1, NULL, cs_fill_insurers);
}

static void load_payers(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "payers", "the plan");
  if (!m || !cs_yq_want_seq(&L->q, m, "payers")) return;
  P->payers = cs_ld_alloc(L, cs_yq_len(m), sizeof *P->payers);
  if (P->payers) cs_ld_each(L, m, NULL, "payers", payer_item, NULL);
}

/* ---- workforce and sectors ---- */

/* The sector's workforce group, added after the table's groups when the table has none. */
static int32_t sector_group(cs_ld *L, cs_ynode *s, const char *ctx) {
  cs_plan *P = L->P;
  const char *g = cs_ld_req_str(L, s, "group", ctx);
  if (!g) return CS_NONE;
  const char *why = cs_id_problem(g);
  if (why) {
    cs_yq_err(&L->q, cs_yq_get(&L->q, s, "group"), "group " CS_QF " in %s %s (expected a name)",
              CS_QA(g), ctx, why);
    return CS_NONE;
  }
  int gi = cs_idmap_find(&L->groups, g);
  if (gi < 0) { /* a group with no workforce rows: supply 0 */
    gi = P->ngroup++;
    P->groups[gi] = g;
    cs_idmap_add(&L->groups);
  }
  return gi;
}

static void load_sector(cs_ld *L, cs_ynode *s, const char *ctx, cs_sector *c) {
  cs_plan *P = L->P;
  static const char *const chains[] = {"social", "primary", "secondary", "long_term"};
  c->name = cs_ld_req_str(L, s, "name", ctx);
  c->unit = cs_ld_req_str(L, s, "unit", ctx);
  c->payer = cs_ld_req_id(L, s, "payer", ctx, "payer", P->payers, sizeof *P->payers, P->npayer);
  cs_ynode *ch = cs_yq_req(&L->q, s, "chain", ctx);
  int k = ch ? cs_ld_enum(L, ch, "chain", chains, 4) : -1;
  c->chain = k >= 0 ? (cs_chain)k : CS_CHAIN_PRIMARY;
  cs_ld_req_num(L, s, "price", ctx, &c->price);
  cs_ld_num_range(L, s, "price", ctx, c->price, CS_NONNEG);
  cs_ld_req_num(L, s, "fte_per_unit", ctx, &c->fte_per_unit);
  cs_ld_num_range(L, s, "fte_per_unit", ctx, c->fte_per_unit, CS_NONNEG);
  cs_ld_opt_num(L, s, "m2_per_unit", ctx, 0, &c->m2_per_unit);
  cs_ld_num_range(L, s, "m2_per_unit", ctx, c->m2_per_unit, CS_NONNEG);
  cs_ld_opt_num(L, s, "co2_kg_per_unit", ctx, 0, &c->co2_per_unit);
  cs_ld_num_range(L, s, "co2_kg_per_unit", ctx, c->co2_per_unit, CS_NONNEG);
  cs_ld_opt_num(L, s, "growth", ctx, 0, &c->growth);
  cs_ld_num_range(L, s, "growth", ctx, c->growth, -1.0, INFINITY, "a growth rate > -1");
  cs_ld_plain_num(L, s, "marginal_share", ctx, 1.0, CS_PROB, &c->marginal_share);
  c->group = sector_group(L, s, ctx);
}

static void sector_item(cs_ld *L, cs_ynode *s, const char *ctx, void *arg) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, s,
                   CS_KEYS("id", "name", "unit", "payer", "chain", "price", "fte_per_unit",
                           "m2_per_unit", "co2_kg_per_unit", "group", "growth", "marginal_share"),
                   ctx);
  const char *id = cs_ld_item_id(L, s, ctx, "sector", P->sectors, sizeof *P->sectors, P->nsector);
  if (!id) return;
  cs_sector *c = &P->sectors[P->nsector++];
  c->id = id;
  load_sector(L, s, ctx, c);
}

/* Workforce groups come first (in table order), then the groups only sectors name. */
static void load_workforce_and_sectors(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_csv wt;
  int have = !cs_ld_open(L, root, &t_workforce, "the plan", 0, NULL, &wt);
  cs_ynode *m = cs_yq_req(&L->q, root, "sectors", "the plan");
  int sec_ok = m && cs_yq_want_seq(&L->q, m, "sectors");
  size_t cap = (have ? wt.nrow : 0) + (sec_ok ? cs_yq_len(m) : 0);
  P->groups = cs_ld_alloc(L, cap, sizeof *P->groups);
  if (P->groups && have) P->ngroup = cs_workforce_groups(P, &L->rep, &wt, P->groups);
  if (P->groups &&
      !cs_idmap_init(&L->groups, &L->rep, P->groups, sizeof *P->groups, P->ngroup, (int)cap)) {
    if (sec_ok && (P->sectors = cs_ld_alloc(L, cs_yq_len(m), sizeof *P->sectors)))
      cs_ld_each(L, m, NULL, "sectors", sector_item, NULL);
    cs_idmap_free(&L->groups);
    P->wf = cs_ld_alloc(L, (size_t)(P->nsub ? P->nsub : 1) * (size_t)(P->ngroup ? P->ngroup : 1),
                        sizeof *P->wf);
    if (have && P->wf) cs_fill_workforce(P, &L->rep, &wt);
  }
  if (have) cs_csv_free(&wt);
  /* the region's whole care workforce: the summary says what share the modelled sectors are */
  cs_ld_plain_num(L, root, "workforce_total_fte", "the plan", 0.0, 1.0, 1e9,
                  "the region's care-and-welfare FTE, 1 to 1e9", &P->wf_total);
}

/* ---- population and demography ---- */

static void load_population(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ld_fill(L, root, &t_population, "the plan", 1, &P->pop_scale,
             P->narea ? cs_fill_population : NULL);
}

/* A projection replaces fertility and migration. */
static void load_projection(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  const char *const other[] = {"fertility", "migration"};
  for (int i = 0; i < 2; i++)
    if (cs_yq_get(&L->q, m, other[i]))
      cs_yq_err(&L->q, cs_yq_get(&L->q, m, other[i]),
                "demography gives both projection and "
                "%s (expected one: a projection replaces fertility and migration)",
                other[i]);
  cs_ld_fill(L, m, &t_projection, "demography", 1, &P->proj_scale,
             L->years_ok && P->narea ? cs_fill_projection : NULL);
  P->fert_scale = cs_ld_fixed(L, 1.0, "fertility.scale");
  P->mig_scale = cs_ld_fixed(L, 1.0, "migration.scale");
}

static void load_births_and_migration(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  P->proj_scale = cs_ld_fixed(L, 1.0, "projection.scale");
  cs_ld_fill(L, m, &t_fertility, "demography (without a projection)", 1, &P->fert_scale,
             cs_fill_fertility);
  cs_ld_fill(L, m, &t_migration, "demography", 0, &P->mig_scale,
             P->narea && P->mig ? cs_fill_migration : NULL);
}

/* transition_improvement_by_age: {first age: improvement, ...}, ascending from 0; each value a
 * number or distribution in [-1, 1]. Excludes transition_improvement. */
static void load_timpr_by_age(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  const char *ctx = "demography.transition_improvement_by_age";
  cs_ynode *v = cs_ld_given(L, m, "transition_improvement_by_age");
  if (!v) return;
  if (cs_ld_given(L, m, "transition_improvement")) {
    cs_yq_err(&L->q, v,
              "demography: give transition_improvement or transition_improvement_by_age, "
              "not both");
    return;
  }
  if (!cs_yq_want_map(&L->q, v, ctx)) return;
  int32_t n = (int32_t)cs_yq_len(v);
  if (n == 0) {
    cs_yq_err(&L->q, v, "%s: expected {0: improvement, age: improvement, ...}", ctx);
    return;
  }
  P->timpr_from = cs_ld_alloc(L, (size_t)n, sizeof *P->timpr_from);
  P->timpr_band = cs_ld_alloc(L, (size_t)n, sizeof *P->timpr_band);
  if (!P->timpr_from || !P->timpr_band) return;
  int ok = 1;
  long last = -1; /* the last first age read well: a bad key does not hide later errors */
  for (int32_t b = 0; b < n; b++) {
    long age = -1;
    cs_ynode *k = cs_yq_key(&L->q, v, (size_t)b), *val = cs_yq_val(&L->q, v, (size_t)b);
    if (cs_yq_int(&L->q, k, "a first age of demography.transition_improvement_by_age", 0, CS_XMAX,
                  &age))
      ok = 0, age = -1;
    else if (age == last)
      cs_yq_err(&L->q, k, "%s: age %ld given twice", ctx, age), ok = 0;
    else if ((last < 0 && age != 0) || age < last)
      cs_yq_err(&L->q, k, "%s: expected ascending first ages starting at 0, found %ld", ctx, age),
          ok = 0;
    if (age >= 0) last = age;
    P->timpr_from[b] = (int32_t)(age < 0 ? 0 : age);
    const char *label =
        age < 0 ? cs_ld_label(L, "%s[%d]", ctx, b) : cs_ld_label(L, "%s.%ld", ctx, age);
    if (cs_ld_num(L, val, label, &P->timpr_band[b])) {
      ok = 0;
      continue;
    }
    cs_ld_node_range(L, val, label, P->timpr_band[b], -1.0, 1.0, "a yearly improvement in [-1, 1]");
  }
  if (ok) P->ntimpr = n;
}

/* economics.price_index: {year: index, ...} with ascending years and indices in [1e-6, 1e6]
 * (e.g. the CBS CPI, 1.0 or 100 in its base year), for the budget impact in current euros;
 * the bounds keep the ratio of two levels a finite, meaningful number. */
static void load_price_index(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  const char *ctx = "economics.price_index";
  cs_ynode *v = cs_ld_given(L, m, "price_index");
  if (!v || !cs_yq_want_map(&L->q, v, ctx)) return;
  int32_t n = (int32_t)cs_yq_len(v), ok = n > 0;
  if (n == 0) cs_yq_err(&L->q, v, "%s: expected {year: index, ...}", ctx);
  P->pi_year = cs_ld_alloc(L, (size_t)n, sizeof *P->pi_year);
  P->pi_val = cs_ld_alloc(L, (size_t)n, sizeof *P->pi_val);
  if (!P->pi_year || !P->pi_val) return;
  long last = CS_YEAR_MIN - 1; /* the last year read well */
  for (int32_t i = 0; i < n; i++) {
    long y = 0;
    double x = 0.0;
    cs_ynode *k = cs_yq_key(&L->q, v, (size_t)i), *val = cs_yq_val(&L->q, v, (size_t)i);
    if (cs_yq_int(&L->q, k, "a year of economics.price_index", CS_YEAR_MIN, CS_YEAR_MAX, &y))
      ok = 0, y = 0;
    else if (y == last)
      cs_yq_err(&L->q, k, "%s: year %ld given twice", ctx, y), ok = 0;
    else if (y < last)
      cs_yq_err(&L->q, k, "%s: expected ascending years, found %ld after %ld", ctx, y, last),
          ok = 0;
    if (y) last = y;
    if (cs_yq_dbl(&L->q, val, ctx, &x))
      ok = 0;
    else if (!(x >= 1e-6 && x <= 1e6))
      cs_yq_err(&L->q, val, "%s: index " CS_QF " is out of range (expected 1e-6 to 1e6)", ctx,
                CS_QA(cs_yq_scalar(val))),
          ok = 0;
    P->pi_year[i] = (int32_t)y, P->pi_val[i] = x;
  }
  if (ok) P->npi = n;
}

static void load_demography(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "demography", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "demography")) {
    P->mort_improvement = cs_ld_fixed(L, 0, "demography.mortality_improvement");
    P->trans_improvement = cs_ld_fixed(L, 0, "demography.transition_improvement");
    P->boys = cs_ld_fixed(L, 0.512, "demography.boys");
    return;
  }
  cs_yq_check_keys(&L->q, m,
                   CS_KEYS("mortality", "mortality_improvement", "transition_improvement",
                           "transition_improvement_by_age", "mortality_mode", "fertility",
                           "life_table_age", "boys", "migration", "projection"),
                   "demography");
  cs_ld_opt_num(L, m, "mortality_improvement", "demography", 0, &P->mort_improvement);
  cs_ld_num_range(L, m, "mortality_improvement", "demography", P->mort_improvement, -1.0, 1.0,
                  "a yearly improvement in [-1, 1]");
  /* a stated trend in the onset of worse states (docs/model.md section 2 step 3, v0.2) */
  cs_ld_opt_num(L, m, "transition_improvement", "demography", 0, &P->trans_improvement);
  cs_ld_num_range(L, m, "transition_improvement", "demography", P->trans_improvement, -1.0, 1.0,
                  "a yearly improvement in [-1, 1]");
  load_timpr_by_age(L, m);
  cs_ld_opt_num(L, m, "boys", "demography", 0.512, &P->boys);
  cs_ld_num_range(L, m, "boys", "demography", P->boys, CS_PROB);
  /* normalised (MODEL.md) or hazard: relative risks read as hazard ratios, as published
   * cohort models read them (docs/model.md section 2, v0.2) */
  static const char *const modes[] = {"normalised", "hazard"};
  cs_ynode *mm = cs_ld_given(L, m, "mortality_mode");
  P->mort_hazard = mm ? cs_ld_enum(L, mm, "demography.mortality_mode", modes, 2) == 1 : 0;
  /* exact (MODEL.md: q(x) for those aged x on 1 January) or completed (they are x + 1/2 on
   * average: the life table's survival ratio L(x+1)/L(x); docs/model.md section 2, v0.2) */
  static const char *const ages[] = {"exact", "completed"};
  cs_ynode *la = cs_ld_given(L, m, "life_table_age");
  P->mort_completed = la ? cs_ld_enum(L, la, "demography.life_table_age", ages, 2) == 1 : 0;
  cs_ld_fill(L, m, &t_mortality, "demography", 1, &P->mort_scale, cs_fill_mortality);
  P->has_projection = cs_ld_given(L, m, "projection") != NULL;
  P->mig = cs_ld_alloc(L, (size_t)P->narea * CS_NSEX * CS_NAGE, sizeof *P->mig);
  if (P->has_projection)
    load_projection(L, m);
  else
    load_births_and_migration(L, m);
}

/* ---- state and use tables ---- */

static void load_state_tables(cs_ld *L, cs_ynode *root, int has_states) {
  cs_plan *P = L->P;
  size_t n = (size_t)CS_NSEX * CS_NAGE * (size_t)P->nstate;
  P->share0 = cs_ld_alloc(L, n, sizeof *P->share0);
  P->trans = cs_ld_alloc(L, n * (size_t)P->nstate, sizeof *P->trans);
  if (!P->share0 || !P->trans) return;
  if (!has_states) {
    for (size_t i = 0; i < n; i++)
      P->share0[i] = 1;
    const char *const keys[] = {"state_shares", "transitions"};
    for (int i = 0; i < 2; i++)
      if (cs_yq_get(&L->q, root, keys[i]))
        cs_yq_err(&L->q, cs_yq_get(&L->q, root, keys[i]),
                  "%s given without states (expected "
                  "a 'states' list, or no %s)",
                  keys[i], keys[i]);
    P->trans_scale = cs_ld_fixed(L, 1.0, "transitions.scale");
    return;
  }
  cs_ld_fill(L, root, &t_shares, "the plan (with states)", 1, NULL, cs_fill_shares);
  cs_ld_fill(L, root, &t_transitions, "the plan", 0, &P->trans_scale, cs_fill_transitions);
}

static void load_use_tables(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  size_t n = (size_t)P->nsector * (size_t)P->nstate * CS_NSEX * CS_NAGE;
  P->use = cs_ld_alloc(L, n, sizeof *P->use);
  P->eol = cs_ld_alloc(L, n, sizeof *P->eol);
  cs_ld_fill(L, root, &t_use, "the plan", 1, &P->use_scale, cs_fill_use);
  cs_ld_fill(L, root, &t_eol, "the plan", 0, &P->eol_scale, cs_fill_eol);
  cs_ld_fill(L, root, &t_area_index, "the plan", 0, NULL, cs_fill_area_index);
}

/* ---- economics and criteria ---- */

/* intervention_shapley: auto | exact | none | {permutations: K}. Whether exact is too many
 * runs is checked once the interventions are known (cs_check_ivshap). */
static void load_ivshap(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  P->ivshap_mode = CS_IVSHAP_AUTO;
  P->ivshap_perms = CS_IVSHAP_PERMS;
  cs_ynode *v = cs_ld_given(L, m, "intervention_shapley");
  if (!v) return;
  static const char *const names[] = {"auto", "exact", "", "none"};
  const char *s = cs_yq_scalar(v);
  for (int i = 0; s && i < 4; i++)
    if (*names[i] && !strcmp(s, names[i])) {
      P->ivshap_mode = (cs_ivshap_mode)i;
      return;
    }
  const char *c = "economics.intervention_shapley";
  if (!cs_yq_is_map(v)) {
    if (s)
      cs_yq_err(&L->q, v,
                "%s " CS_QF " is not known (expected auto, exact, none or {permutations: K})", c,
                CS_QA(s));
    else
      cs_yq_err(&L->q, v, "%s is %s (expected auto, exact, none or {permutations: K})", c,
                cs_yq_kind(v));
    return;
  }
  cs_yq_check_keys(&L->q, v, CS_KEYS("permutations"), c);
  cs_ynode *n = cs_yq_req(&L->q, v, "permutations", c);
  long k;
  if (!n || cs_yq_int(&L->q, n, "permutations", 1, 100000, &k)) return;
  P->ivshap_mode = CS_IVSHAP_SAMPLED;
  P->ivshap_perms = (int32_t)k;
}

static void load_economics(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "economics", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "economics")) {
    P->price_growth = cs_ld_fixed(L, 0, "economics.price_growth");
    return;
  }
  cs_yq_check_keys(&L->q, m,
                   CS_KEYS("price_year", "price_growth", "discount_rate", "discount_rate_effects",
                           "qaly_value", "inflation", "price_index", "intervention_shapley",
                           "cycle_correction"),
                   "economics");
  cs_ynode *py = cs_yq_req(&L->q, m, "price_year", "economics");
  long y;
  if (py && !cs_yq_int(&L->q, py, "price_year", CS_YEAR_MIN, CS_YEAR_MAX, &y))
    P->price_year = (int32_t)y;
  cs_ld_opt_num(L, m, "price_growth", "economics", 0, &P->price_growth);
  cs_ld_num_range(L, m, "price_growth", "economics", P->price_growth, -1.0, INFINITY,
                  "a rate > -1");
  cs_ld_plain_num(L, m, "discount_rate", "economics", 0.03, -0.99, 10, "a rate in [-0.99, 10]",
                  &P->discount_rate);
  cs_ld_plain_num(L, m, "discount_rate_effects", "economics", 0.015, -0.99, 10,
                  "a rate in [-0.99, 10]", &P->discount_rate_effects);
  cs_ld_plain_num(L, m, "qaly_value", "economics", 0, CS_NONNEG, &P->qaly_value);
  cs_ld_plain_num(L, m, "inflation", "economics", 0, -0.99, 1, "a rate in [-0.99, 1]",
                  &P->inflation);
  load_price_index(L, m);
  load_ivshap(L, m);
  static const char *const cycles[] = {"none", "half-cycle", "simpson"};
  cs_ynode *cc = cs_ld_given(L, m, "cycle_correction");
  int c = cc ? cs_ld_enum(L, cc, "economics.cycle_correction", cycles, 3) : 0;
  P->cycle = c > 0 ? (cs_cycle)c : CS_CYCLE_NONE;
}

/* long_year (or its older name year; default the horizon) and short_year (default base + 2,
 * at most the long year): the IZA milestones are 2027 and 2030. */
static void load_criteria_years(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  const char *lk = cs_ld_given(L, m, "long_year") ? "long_year" : "year";
  if (cs_ld_given(L, m, "long_year") && cs_ld_given(L, m, "year"))
    cs_yq_err(&L->q, cs_yq_get(&L->q, m, "year"),
              "criteria: give long_year or its older name "
              "year, not both (expected one of them)");
  cs_ld_opt_year(L, m, lk, "criteria", P->T1, &P->crit_year);
  int32_t def = P->T0 + 2 < P->crit_year ? P->T0 + 2 : P->crit_year;
  cs_ld_opt_year(L, m, "short_year", "criteria", def, &P->crit_short_year);
  cs_ynode *sn = cs_ld_given(L, m, "short_year");
  if (sn && P->crit_short_year > P->crit_year)
    cs_yq_err(&L->q, sn,
              "criteria.short_year %d is after the long-term year %d (expected a "
              "year <= %d)",
              P->crit_short_year, P->crit_year, P->crit_year);
}

/* An absolute threshold (abs_key) or one relative to the baseline of the year (pct_key, a %),
 * not both. Returns 1 when relative. */
static int load_threshold(cs_ld *L, cs_ynode *m, const char *abs_key, const char *pct_key,
                          double def, double *out) {
  cs_ynode *pn = cs_ld_given(L, m, pct_key);
  if (pn && cs_ld_given(L, m, abs_key)) {
    cs_yq_err(&L->q, pn, "criteria: give %s or %s, not both (expected one threshold)", abs_key,
              pct_key);
    return 0;
  }
  if (!pn) {
    cs_ld_plain_num(L, m, abs_key, "criteria", def, CS_NONNEG, out);
    return 0;
  }
  cs_ld_plain_num(L, m, pct_key, "criteria", 0, 0.0, 100.0, "a percentage in [0, 100]", out);
  return 1;
}

/* The sectors whose baseline units are the denominator of patient_flows: the plan's list, or
 * every secondary-chain sector (hospital care: where care moves away from). */
static void load_flow_sectors(cs_ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  P->flow_den = cs_rep_mem(&L->rep, cs_arena_calloc(&P->arena, (size_t)P->nsector + 1, 1));
  if (!P->flow_den) return;
  cs_ynode *list = cs_ld_given(L, m, "patient_flows_sectors");
  if (list) {
    cs_ld_id_list(L, list, "criteria.patient_flows_sectors", "sector", P->sectors,
                  sizeof *P->sectors, P->nsector, P->flow_den);
    /* a move from the front to the front is no move to the front of the chain */
    for (int32_t c = 0; c < P->nsector; c++)
      if (P->flow_den[c] &&
          (P->sectors[c].chain == CS_CHAIN_SOCIAL || P->sectors[c].chain == CS_CHAIN_PRIMARY))
        cs_yq_warn(&L->q, list,
                   "criteria.patient_flows_sectors names '%s', a front-of-chain sector: care "
                   "shifted from it to another front sector counts as a patient flow (expected "
                   "secondary or long-term sectors)",
                   P->sectors[c].id);
    return;
  }
  for (int32_t c = 0; c < P->nsector; c++)
    P->flow_den[c] = P->sectors[c].chain == CS_CHAIN_SECONDARY;
}

static void load_criteria(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_ld_given(L, root, "criteria");
  if (m && !cs_yq_want_map(&L->q, m, "criteria")) m = NULL;
  if (m)
    cs_yq_check_keys(&L->q, m,
                     CS_KEYS("year", "short_year", "long_year", "care_use_payer", "care_use_pct",
                             "patient_flows_pct", "patient_flows_sectors", "staff_fte", "staff_pct",
                             "real_estate_m2", "real_estate_pct"),
                     "criteria");
  load_criteria_years(L, m);
  cs_ynode *pn = cs_ld_given(L, m, "care_use_payer");
  if (pn)
    P->crit_payer = cs_ld_id(L, pn, "payer", P->payers, sizeof *P->payers, P->npayer);
  else
    P->crit_payer = cs_id_find(P->payers, sizeof *P->payers, P->npayer, "zvw");
  if (P->crit_payer < 0) P->crit_payer = CS_NONE;
  cs_ld_plain_num(L, m, "care_use_pct", "criteria", 1.0, CS_NONNEG, &P->care_use_pct);
  cs_ld_plain_num(L, m, "patient_flows_pct", "criteria", 2.0, CS_NONNEG, &P->patient_flows_pct);
  P->staff_rel = load_threshold(L, m, "staff_fte", "staff_pct", 25, &P->staff_fte);
  P->real_estate_rel =
      load_threshold(L, m, "real_estate_m2", "real_estate_pct", 2000, &P->real_estate_m2);
  load_flow_sectors(L, m);
}

void cs_load_sections(cs_ld *L, cs_ynode *root) {
  load_version(L, root);
  load_meta(L, root);
  load_years(L, root);
  load_parameters(L, root);
  load_region(L, root);
  cs_ynode *st = cs_yq_get(&L->q, root, "states");
  load_states(L, root);
  load_payers(L, root);
  load_insurers(L, root);
  load_workforce_and_sectors(L, root);
  load_population(L, root);
  load_demography(L, root);
  load_state_tables(L, root, st && cs_yq_is_seq(st) && cs_yq_len(st) > 0);
  load_use_tables(L, root);
  load_economics(L, root);
  load_criteria(L, root);
}
