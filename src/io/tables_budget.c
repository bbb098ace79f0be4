/* tables_budget.c: what the insurers' and municipalities' budget holders ask beside the NPV
 * (docs/model.md section 7, v0.2): the budget impact per payer and year in current euros,
 * the NPV at the discount rates of a sensitivity analysis, and savings at marginal prices
 * (business_case.csv's last columns). Computed from the deterministic run's arrays. */
#include "tables.h"

#include <math.h>

/* p's (np: all payers') entry of a [scenario][year][payer] array, summed for all. */
static double by_payer(const cs_results *r, const double *arr, int32_t s, int32_t y, int32_t p) {
  const double *pay = arr + cs_ix_sy(r, s, y) * r->np;
  if (p < r->np) return pay[p];
  double sum = 0.0;
  for (int32_t q = 0; q < r->np; q++)
    sum += pay[q];
  return sum;
}

/* Care cost of stakeholder p (np: all payers) in scenario s, year y: the kernel's payer sums
 * (as the business case uses), or, at marginal prices (how & CC_MARGINAL), each sector's cost
 * times its marginal share. Cash amounts, or (how & CC_WEIGHTED) as the discounted sums take
 * them, weighted by a within-cycle correction (docs/model.md 7). */
enum { CC_MARGINAL = 1, CC_WEIGHTED = 2 };
static double care_cost(const cs_view *v, int32_t s, int32_t y, int32_t p, int how) {
  const cs_results *r = v->r;
  const cs_plan *pl = v->pl;
  if (!(how & CC_MARGINAL))
    return by_payer(r, how & CC_WEIGHTED ? r->payer_care_w : r->payer_care, s, y, p);
  double sum = 0.0;
  for (int32_t a = 0; a < r->na; a++) {
    size_t at = (cs_ix_sy(r, s, y) * r->na + a) * r->nc;
    for (int32_t c = 0; c < r->nc; c++)
      if (p == r->np || pl->sectors[c].payer == p) {
        double cost =
            how & CC_WEIGHTED ? r->care_w[at + c] : r->care[(at + c) * CS_CARE_N + CS_CARE_COST];
        sum += cost * pl->sectors[c].marginal_share;
      }
  }
  return sum;
}

/* Implementation cost of stakeholder p (np: all) in scenario s, year y: cash, or weighted. */
static double impl_cost(const cs_view *v, int32_t s, int32_t y, int32_t p, int weighted) {
  return by_payer(v->r, weighted ? v->r->payer_impl_w : v->r->payer_impl, s, y, p);
}

static const char *stakeholder(const cs_view *v, int32_t p) {
  return p < v->pl->npayer ? v->pl->payers[p].id : "total";
}

/* ---- business case at marginal prices (two more columns of business_case.csv) ---- */
double cs_savings_marginal(const cs_view *v, int32_t s, int32_t p) {
  double sav = 0.0;
  for (int32_t y = 0; y < v->r->ny; y++)
    sav -= (care_cost(v, s, y, p, CC_MARGINAL | CC_WEIGHTED) -
            care_cost(v, 0, y, p, CC_MARGINAL | CC_WEIGHTED)) *
           cs_discount(v->pl->discount_rate, y);
  return sav;
}

/* ---- budget impact ---- */
static const cs_column budget_cols[] = {CS_KEY("scenario", CS_TEXT),
                                        CS_KEY("year", CS_INT),
                                        CS_KEY("stakeholder", CS_TEXT),
                                        CS_VAL("care_cost_change", CS_REAL, "EUR (price year)"),
                                        CS_VAL("implementation_cost", CS_REAL, "EUR (price year)"),
                                        CS_VAL("net", CS_REAL, "EUR (price year)"),
                                        CS_VAL("net_current", CS_REAL, "EUR (current)"),
                                        CS_VAL("net_cumulative_current", CS_REAL, "EUR (current)")};

static int64_t budget_n(const cs_view *v) {
  return (int64_t)(v->r->nsc - 1) * v->r->ny * (v->r->np + 1);
}

/* The price level of year t: the plan's price_index where it has t, else continued at
 * `inflation` from its last year before t (from its first year when t is before it). */
static double price_level(const cs_plan *pl, int32_t t) {
  int32_t i = 0;
  while (i + 1 < pl->npi && pl->pi_year[i + 1] <= t)
    i++;
  return pl->pi_val[i] * pow(1.0 + pl->inflation, (double)(t - pl->pi_year[i]));
}

/* price_year euros of year T0 + y to the euros of that year. */
static double to_current(const cs_view *v, int32_t y) {
  const cs_plan *pl = v->pl;
  if (pl->npi == 0) return pow(1.0 + pl->inflation, (double)(pl->T0 + y - pl->price_year));
  return price_level(pl, pl->T0 + y) / price_level(pl, pl->price_year);
}

static double net_of(const cs_view *v, int32_t s, int32_t y, int32_t p) {
  return care_cost(v, s, y, p, 0) - care_cost(v, 0, y, p, 0) + impl_cost(v, s, y, p, 0);
}

static void budget_row(const cs_view *v, int64_t i, cs_value *o) {
  int32_t p = cs_digit(&i, v->r->np + 1), y = cs_digit(&i, v->r->ny), s = 1 + (int32_t)i;
  double dc = care_cost(v, s, y, p, 0) - care_cost(v, 0, y, p, 0), im = impl_cost(v, s, y, p, 0);
  double cum = 0.0;
  for (int32_t k = 0; k <= y; k++)
    cum += net_of(v, s, k, p) * to_current(v, k);
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vi(v->pl->T0 + y), o[2] = cs_vs(stakeholder(v, p));
  o[3] = cs_vd(dc), o[4] = cs_vd(im), o[5] = cs_vd(dc + im);
  o[6] = cs_vd((dc + im) * to_current(v, y)), o[7] = cs_vd(cum);
}

const cs_tabledef cs_tab_budget_impact = {
    "budget_impact",
    "what each payer spends more (+) or less (-) per year than in the baseline",
    CS_NCOL(budget_cols),
    budget_cols,
    1,
    NULL,
    budget_n,
    budget_row};

/* ---- NPV at other discount rates ---- */
/* The rates of the sensitivity analysis; the plan's own rate is added when it is not one. */
static const double RATES[] = {0.0, 0.015, 0.03, 0.04};
#define NRATE ((int32_t)(sizeof RATES / sizeof *RATES))

/* r * 100 rounded to 9 decimals: the key, so that 0.035 shows as 3.5 */
static double pct_key(double rate) { return round(rate * 1e11) / 1e9; }

/* The plan's rate is one of RATES when their keys are equal (0.0399999999999 is 4 %): one
 * row per key. */
static int32_t nrates(const cs_view *v) {
  for (int32_t k = 0; k < NRATE; k++)
    if (pct_key(RATES[k]) == pct_key(v->pl->discount_rate)) return NRATE;
  return NRATE + 1;
}

/* The k-th rate in increasing order, the plan's own among them. */
static double rate_k(const cs_view *v, int32_t k) {
  double own = v->pl->discount_rate;
  if (nrates(v) == NRATE) return RATES[k];
  int32_t below = 0;
  while (below < NRATE && RATES[below] < own)
    below++;
  return k < below ? RATES[k] : k == below ? own : RATES[k - 1];
}

static const cs_column rate_cols[] = {CS_KEY("scenario", CS_TEXT),
                                      CS_KEY("discount_rate_pct", CS_REAL),
                                      CS_KEY("stakeholder", CS_TEXT),
                                      CS_VAL("investment", CS_REAL, "EUR (discounted)"),
                                      CS_VAL("savings", CS_REAL, "EUR (discounted)"),
                                      CS_VAL("npv", CS_REAL, "EUR (discounted)")};

static int64_t rate_n(const cs_view *v) {
  return (int64_t)(v->r->nsc - 1) * nrates(v) * (v->r->np + 1);
}

static void rate_row(const cs_view *v, int64_t i, cs_value *o) {
  int32_t p = cs_digit(&i, v->r->np + 1), k = cs_digit(&i, nrates(v)), s = 1 + (int32_t)i;
  double rate = rate_k(v, k), inv = 0.0, sav = 0.0;
  for (int32_t y = 0; y < v->r->ny; y++) {
    double f = cs_discount(rate, y);
    inv += impl_cost(v, s, y, p, 1) * f;
    sav -= (care_cost(v, s, y, p, CC_WEIGHTED) - care_cost(v, 0, y, p, CC_WEIGHTED)) * f;
  }
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vd(pct_key(rate));
  o[2] = cs_vs(stakeholder(v, p));
  o[3] = cs_vd(inv), o[4] = cs_vd(sav), o[5] = cs_vd(sav - inv);
}

const cs_tabledef cs_tab_discount_rates = {
    "discount_rates",
    "the business case at the discount rates of a sensitivity analysis",
    CS_NCOL(rate_cols),
    rate_cols,
    1,
    NULL,
    rate_n,
    rate_row};

/* ---- business case per insurer ---- */
/* An insurer's share of the insurers' payer in the whole region: its shares weighted by the
 * areas' base-year population (for a line that reaches nobody). */
static double region_share(const cs_view *v, int32_t k) {
  const cs_results *r = v->r;
  double w = 0.0, sum = 0.0;
  for (int32_t a = 0; a < r->na; a++) {
    double pop = r->demo[(cs_ix_sy(r, 0, 0) * r->na + a) * CS_DEMO_N + CS_DEMO_POP];
    w += pop * v->pl->insurer_share[(size_t)a * v->pl->ninsurer + k];
    sum += pop;
  }
  return sum > 0.0 ? w / sum : 1.0 / v->pl->ninsurer; /* nobody lives there: evenly */
}

/* Insurer k's share in subregion q of intervention iv's money: its shares over q's areas
 * weighted by the intervention's targeted base-year persons, or by the base-year population
 * when it targets nobody in q. */
static double sub_share_of(const cs_view *v, int32_t iv, int32_t q, int32_t k) {
  const cs_plan *pl = v->pl;
  const cs_results *r = v->r;
  double wt = 0.0, st = 0.0, wp = 0.0, sp = 0.0;
  for (int32_t a = 0; a < pl->narea; a++) {
    if (pl->areas[a].sub != q) continue;
    double T = cs_targeted_persons(pl, v->pm, &pl->ivs[iv], a);
    double P = r->demo[(cs_ix_sy(r, 0, 0) * r->na + a) * CS_DEMO_N + CS_DEMO_POP];
    double sh = pl->insurer_share[(size_t)a * pl->ninsurer + k];
    wt += T * sh, st += T, wp += P * sh, sp += P;
  }
  return st > 0.0 ? wt / st : sp > 0.0 ? wp / sp : 1.0 / pl->ninsurer;
}

cs_status cs_view_insurers(cs_view *v, cs_arena *ar) {
  const cs_plan *pl = v->pl;
  if (pl->ninsurer == 0) return CS_OK;
  v->ins_sub = CS_ALLOC(ar, (size_t)pl->niv * pl->nsub * pl->ninsurer, double);
  if (!v->ins_sub) return CS_ENOMEM;
  for (int32_t iv = 0; iv < pl->niv; iv++)
    for (int32_t q = 0; q < pl->nsub; q++)
      for (int32_t k = 0; k < pl->ninsurer; k++)
        v->ins_sub[((size_t)iv * pl->nsub + q) * pl->ninsurer + k] = sub_share_of(v, iv, q, k);
  return CS_OK;
}

/* Insurer k's share of a line that names no insurer, in scenario s and year y: where the
 * line's money goes (v0.2). A per_participant line by its participants per area; a once or
 * per_year line by its subregion parts (as the business case per subregion splits it) and
 * within a subregion by sub_share. The regional share when the line reaches nobody. */
static double line_share(const cs_view *v, int32_t s, int32_t y, int32_t iv, const cs_cost *co,
                         int32_t k) {
  const cs_plan *pl = v->pl;
  const cs_results *r = v->r;
  double num = 0.0, den = 0.0;
  if (co->kind == CS_COST_PER_PARTICIPANT)
    for (int32_t a = 0; a < pl->narea; a++) {
      double n = r->participants[(cs_ix_sy(r, s, y) * r->na + a) * r->niv + iv];
      num += n * pl->insurer_share[(size_t)a * pl->ninsurer + k], den += n;
    }
  else
    for (int32_t q = 0; q < pl->nsub; q++) {
      double part = cs_line_part(pl, &v->sc[s], iv, q, co, 1.0, pl->T0 + y);
      if (part != 0.0)
        num += part * v->ins_sub[((size_t)iv * pl->nsub + q) * pl->ninsurer + k], den += part;
    }
  return den != 0.0 ? num / den : region_share(v, k);
}

/* Discounted investment of insurer k in scenario s: the lines of the insurers' payer that
 * name k, and k's share of those that name no insurer (line_share). */
static double insurer_investment(const cs_view *v, int32_t s, int32_t k) {
  const cs_plan *pl = v->pl;
  const cs_results *r = v->r;
  double inv = 0.0;
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(pl->discount_rate, y);
    const double *line = r->impl_w + cs_ix_sy(r, s, y) * r->nline;
    for (int32_t iv = 0; iv < pl->niv; iv++)
      for (int32_t j = 0; j < pl->ivs[iv].ncost; j++) {
        const cs_cost *co = &pl->ivs[iv].costs[j];
        double amt = line[v->pm->cost_off[iv] + j];
        if (co->payer != pl->insurer_payer || amt == 0.0) continue;
        double w = co->insurer == CS_NONE ? line_share(v, s, y, iv, co, k) : co->insurer == k;
        inv += amt * w * f;
      }
  }
  return inv;
}

/* Discounted care savings of insurer k: each area's saving of the insurers' payer times k's
 * share there. */
static double insurer_savings(const cs_view *v, int32_t s, int32_t k) {
  const cs_plan *pl = v->pl;
  const cs_results *r = v->r;
  double sav = 0.0;
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(pl->discount_rate, y);
    for (int32_t a = 0; a < r->na; a++) {
      const double *cs = r->care_w + (cs_ix_sy(r, s, y) * r->na + a) * r->nc;
      const double *cb = r->care_w + (cs_ix_sy(r, 0, y) * r->na + a) * r->nc;
      double d = 0.0;
      for (int32_t c = 0; c < r->nc; c++)
        if (pl->sectors[c].payer == pl->insurer_payer) d += cs[c] - cb[c];
      sav -= d * pl->insurer_share[(size_t)a * pl->ninsurer + k] * f;
    }
  }
  return sav;
}

static const cs_column insurer_cols[] = {CS_KEY("scenario", CS_TEXT), CS_KEY("insurer", CS_TEXT),
                                         CS_VAL("investment", CS_REAL, "EUR (discounted)"),
                                         CS_VAL("savings", CS_REAL, "EUR (discounted)"),
                                         CS_VAL("npv", CS_REAL, "EUR (discounted)")};

static int insurer_present(const cs_view *v) { return v->pl->ninsurer > 0; }

static int64_t insurer_n(const cs_view *v) { return (int64_t)(v->r->nsc - 1) * v->pl->ninsurer; }

static void insurer_row(const cs_view *v, int64_t i, cs_value *o) {
  int32_t k = cs_digit(&i, v->pl->ninsurer), s = 1 + (int32_t)i;
  double inv = insurer_investment(v, s, k), sav = insurer_savings(v, s, k);
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(v->pl->insurers[k]);
  o[2] = cs_vd(inv), o[3] = cs_vd(sav), o[4] = cs_vd(sav - inv);
}

const cs_tabledef cs_tab_business_case_insurer = {
    "business_case_insurer",
    "investment, savings and NPV of each insurer (savings by market share per area; lines by where "
    "their money goes)",
    CS_NCOL(insurer_cols),
    insurer_cols,
    1,
    insurer_present,
    insurer_n,
    insurer_row};

/* ---- cost per participant, per intervention ---- */
static const cs_column ivcost_cols[] = {
    CS_KEY("scenario", CS_TEXT), CS_KEY("intervention", CS_TEXT),
    CS_VAL("participant_years", CS_REAL, "person-years"),
    CS_VAL("implementation_cost", CS_REAL, "EUR (price year)"),
    CS_VAL_OPT("cost_per_participant_year", CS_REAL, "EUR (price year) per person-year")};

static int64_t ivcost_n(const cs_view *v) { return (int64_t)(v->r->nsc - 1) * v->pl->niv; }

/* Undiscounted participant-years and implementation cost of intervention iv in scenario s. */
static void iv_totals(const cs_view *v, int32_t s, int32_t iv, double *part, double *cost) {
  const cs_results *r = v->r;
  const cs_intervention *x = &v->pl->ivs[iv];
  *part = *cost = 0.0;
  for (int32_t y = 0; y < r->ny; y++) {
    size_t sy = cs_ix_sy(r, s, y);
    for (int32_t a = 0; a < r->na; a++)
      *part += r->participants[(sy * r->na + a) * r->niv + iv];
    for (int32_t j = 0; j < x->ncost; j++)
      *cost += r->impl[sy * r->nline + v->pm->cost_off[iv] + j];
  }
}

static void ivcost_row(const cs_view *v, int64_t i, cs_value *o) {
  int32_t iv = cs_digit(&i, v->pl->niv), s = 1 + (int32_t)i;
  double part, cost;
  iv_totals(v, s, iv, &part, &cost);
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(v->pl->ivs[iv].id);
  o[2] = cs_vd(part), o[3] = cs_vd(cost);
  o[4] = part > 0.0 ? cs_vd(cost / part) : cs_vnull(); /* nobody took part: no such cost */
}

const cs_tabledef cs_tab_intervention_costs = {
    .name = "intervention_costs",
    .title = "participant-years and implementation cost of each intervention",
    .ncol = CS_NCOL(ivcost_cols),
    .cols = ivcost_cols,
    .in_workbook = 1,
    .nrows = ivcost_n,
    .row = ivcost_row};

/* ---- return on investment, per theme ---- */
static const cs_column roi_cols[] = {
    CS_KEY("scenario", CS_TEXT),
    CS_KEY("theme", CS_TEXT),
    CS_VAL("investment", CS_REAL, "EUR (discounted)"),
    CS_VAL("savings", CS_REAL, "EUR (discounted)"),
    CS_VAL("npv", CS_REAL, "EUR (discounted)"),
    CS_VAL_OPT("roi", CS_REAL, "savings per euro invested"),
    CS_VAL_OPT("savings_per_participant_year", CS_REAL, "EUR (discounted) per person-year")};

static int roi_present(const cs_view *v) { return v->shap && v->shap->theme_sav; }

static int64_t roi_n(const cs_view *v) { return (int64_t)(v->r->nsc - 1) * v->pl->ntheme; }

double cs_participants_discounted(const cs_view *v, int32_t s, int32_t first, int32_t count) {
  const cs_results *r = v->r;
  double sum = 0.0;
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(v->pl->discount_rate, y);
    for (int32_t a = 0; a < r->na; a++)
      for (int32_t iv = first; iv < first + count; iv++)
        sum += r->participants[(cs_ix_sy(r, s, y) * r->na + a) * r->niv + iv] * f;
  }
  return sum;
}

static void roi_row(const cs_view *v, int64_t i, cs_value *o) {
  int32_t T = v->pl->ntheme, t = cs_digit(&i, T), s = 1 + (int32_t)i;
  double inv = v->shap->theme_inv[(size_t)s * T + t], sav = v->shap->theme_sav[(size_t)s * T + t];
  const cs_theme *th = &v->pl->themes[t];
  double part = cs_participants_discounted(v, s, th->first, th->count);
  o[0] = cs_vs(v->sc[s].id), o[1] = cs_vs(v->pl->themes[t].id);
  o[2] = cs_vd(inv), o[3] = cs_vd(sav), o[4] = cs_vd(sav - inv);
  o[5] = inv > 0.0 ? cs_vd(sav / inv) : cs_vnull();
  o[6] = part > 0.0 ? cs_vd(sav / part) : cs_vnull();
}

const cs_tabledef cs_tab_theme_roi = {.name = "theme_roi",
                                      .title = "each theme's investment against its Shapley "
                                               "share of the savings",
                                      .ncol = CS_NCOL(roi_cols),
                                      .cols = roi_cols,
                                      .in_workbook = 1,
                                      .present = roi_present,
                                      .nrows = roi_n,
                                      .row = roi_row};

/* ---- totals: each scenario's own discounted cost and health (a cohort model's table) ---- */
static const cs_column totals_cols[] = {
    CS_KEY("scenario", CS_TEXT),
    CS_VAL("care_cost", CS_REAL, "EUR (discounted)"),
    CS_VAL("implementation_cost", CS_REAL, "EUR (discounted)"),
    CS_VAL("cost", CS_REAL, "EUR (discounted)"),
    CS_VAL("qalys", CS_REAL, "QALY (discounted)"),
    CS_VAL("life_years", CS_REAL, "years (discounted)"),
    CS_VAL("population", CS_REAL, "persons (1 January of the base year)"),
    CS_VAL_OPT("cost_per_person", CS_REAL, "EUR (discounted) per person"),
    CS_VAL_OPT("qalys_per_person", CS_REAL, "QALY (discounted) per person")};

static int64_t totals_n(const cs_view *v) { return v->r->nsc; }

static void totals_row(const cs_view *v, int64_t i, cs_value *o) {
  const double *t = v->ec->tot + (size_t)i * CS_TOT_N;
  double cost = t[CS_TOT_CARE] + t[CS_TOT_IMPL], pop = t[CS_TOT_POP0];
  o[0] = cs_vs(v->sc[i].id), o[1] = cs_vd(t[CS_TOT_CARE]), o[2] = cs_vd(t[CS_TOT_IMPL]);
  o[3] = cs_vd(cost), o[4] = cs_vd(t[CS_TOT_QALY]), o[5] = cs_vd(t[CS_TOT_LY]), o[6] = cs_vd(pop);
  o[7] = pop > 0.0 ? cs_vd(cost / pop) : cs_vnull(); /* nobody at the start: no per person */
  o[8] = pop > 0.0 ? cs_vd(t[CS_TOT_QALY] / pop) : cs_vnull();
}

const cs_tabledef cs_tab_totals = {.name = "totals",
                                   .title = "each scenario's own discounted cost, QALYs and life "
                                            "years (baseline included)",
                                   .ncol = CS_NCOL(totals_cols),
                                   .cols = totals_cols,
                                   .in_workbook = 1,
                                   .present = NULL,
                                   .nrows = totals_n,
                                   .row = totals_row};
