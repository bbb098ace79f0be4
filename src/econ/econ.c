/* econ.c: business case, health economics and IZA criteria from one draw's results. */
#include "econ.h"

#include <math.h>
#include <string.h>

const char *const cs_crit_name[CS_CRIT_N] = {"care_use", "patient_flows", "staff", "real_estate"};
const char *const cs_crit_unit[CS_CRIT_N] = {"%", "%", "fte", "m2"};
/* dominant: saves money and gains QALYs (no cost per QALY needed); icer: gains QALYs at a net
 * cost (cost_per_qaly); dominated: costs money and loses QALYs. */
const char *const cs_ce_name[CS_CE_N] = {"dominant", "icer", "dominated", "saves_money_loses_qalys",
                                         "no_qaly_change"};

typedef cs_year_tot year_tot;

/* The threshold of a criterion in a year, in the criterion's unit: staff and real estate may
 * be set relative to the baseline of the year (b). */
static double threshold(const cs_plan *pl, int32_t crit, const year_tot *b) {
  switch (crit) {
  case CS_CRIT_CARE_USE: return pl->care_use_pct;
  case CS_CRIT_PATIENT_FLOWS: return pl->patient_flows_pct;
  case CS_CRIT_STAFF: return pl->staff_rel ? pl->staff_fte / 100.0 * b->fte : pl->staff_fte;
  default: return pl->real_estate_rel ? pl->real_estate_m2 / 100.0 * b->m2 : pl->real_estate_m2;
  }
}

/* Adds area a of scenario i in year y to t. */
static void add_area(const cs_plan *pl, const cs_results *r, int32_t i, int32_t y, int32_t a,
                     year_tot *t) {
  t->flows += r->flows[cs_ix_sy(r, i, y) * r->na + a];
  const double *care = r->care + ((cs_ix_sy(r, i, y) * r->na + a) * r->nc) * CS_CARE_N;
  for (int32_t c = 0; c < r->nc; c++) {
    const double *row = care + (size_t)c * CS_CARE_N;
    cs_chain ch = pl->sectors[c].chain;
    int front = ch == CS_CHAIN_SOCIAL || ch == CS_CHAIN_PRIMARY;
    t->fte += row[CS_CARE_FTE];
    t->m2 += row[CS_CARE_M2];
    t->cost += row[CS_CARE_COST];
    if (pl->sectors[c].payer == pl->crit_payer) t->payer_cost += row[CS_CARE_COST];
    if (pl->flow_den[c]) t->den_units += row[CS_CARE_UNITS];
    if (front) t->front_cost += row[CS_CARE_COST];
  }
}

/* Totals of scenario i in year y: t[0] over every area and, with subs, t[1 + q] over
 * subregion q's, each adding its areas in their order, in one pass (t[0] the same bits
 * either way). */
static void totals(const cs_plan *pl, const cs_results *r, int32_t i, int32_t y, year_tot *t,
                   int subs) {
  memset(t, 0, ((size_t)(subs ? r->nr : 0) + 1) * sizeof *t);
  for (int32_t a = 0; a < r->na; a++) {
    add_area(pl, r, i, y, a, &t[0]);
    if (subs) add_area(pl, r, i, y, a, &t[1 + pl->areas[a].sub]);
  }
}

static double pct_or_zero(double num, double den) { return den != 0.0 ? num / den * 100.0 : 0.0; }

/* The four criterion values of scenario i against the baseline, from their totals; own is
 * the staff the plan employs itself (0 per subregion: its resources have no place). */
static void crit_values(const cs_plan *pl, const year_tot *b, const year_tot *s, double own,
                        double *cr) {
  cr[CS_CRIT_CARE_USE] =
      pl->crit_payer != CS_NONE ? pct_or_zero(b->payer_cost - s->payer_cost, b->payer_cost) : 0.0;
  cr[CS_CRIT_PATIENT_FLOWS] = pct_or_zero(s->flows, b->den_units);
  cr[CS_CRIT_STAFF] = b->fte - s->fte - own;
  cr[CS_CRIT_REAL_ESTATE] = b->m2 - s->m2;
}

/* Shortage of scenario i in year y: only shortages count (a surplus in one group does not
 * staff another), and the plan's own staff come from the same labour market. */
static double shortage(const cs_results *r, int32_t i, int32_t y) {
  double gap = 0.0;
  size_t RG = (size_t)r->nr * r->ng, at = cs_ix_sy(r, i, y) * RG;
  for (size_t rg = 0; rg < RG; rg++) {
    double g = r->wf_dem[at + rg] - r->wf_sup[at + rg];
    if (g > 0.0) gap += g;
  }
  return gap + r->own_fte[cs_ix_sy(r, i, y)];
}

/* Scenario i's totals of year y (with subs, the subregions' too), the region's criteria
 * values against the baseline's totals and, for the baseline, the year's thresholds. The
 * baseline's totals are its own (scenario 0 is filled first). Returns the totals. */
static const year_tot *criteria_year(const cs_plan *pl, const cs_results *r, int32_t i, int32_t y,
                                     int subs, cs_econ *o) {
  size_t sy = cs_ix_sy(r, i, y), nt = (size_t)r->nr + 1;
  const year_tot *b = o->btot + (size_t)y * nt;
  year_tot *s = i == 0 ? o->btot + (size_t)y * nt : o->stot;
  totals(pl, r, i, y, s, subs);
  crit_values(pl, b, s, r->own_fte[sy], o->crit + sy * CS_CRIT_N);
  for (int32_t c = 0; i == 0 && c < CS_CRIT_N; c++)
    o->threshold[(size_t)y * CS_CRIT_N + c] = threshold(pl, c, b);
  return s;
}

/* Criteria values per year (region and subregions), plus the front share and staff-gap
 * closure shown beside them. */
static void criteria(const cs_plan *pl, const cs_results *r, int32_t i, cs_econ *o) {
  size_t nt = (size_t)r->nr + 1;
  for (int32_t y = 0; y < r->ny; y++) {
    size_t sy = cs_ix_sy(r, i, y);
    const year_tot *b = o->btot + (size_t)y * nt, *s = criteria_year(pl, r, i, y, 1, o);
    for (int32_t q = 0; q < r->nr; q++)
      crit_values(pl, &b[1 + q], &s[1 + q], 0.0, o->crit_sub + (sy * r->nr + q) * CS_CRIT_N);
    o->front_share[sy] = s->cost > 0.0 ? s->front_cost / s->cost : 0.0;
    o->staff_gross[sy] = b->fte - s->fte;
    double gb = shortage(r, 0, y);
    o->gap[sy] = shortage(r, i, y);
    o->gap_closed[sy] = gb > 0.0 ? (gb - o->gap[sy]) / gb : 0.0;
  }
}

/* First year from which the cumulative delta stays <= 0 through the horizon. */
static int32_t break_even(const double *delta, int32_t ny, int32_t T0) {
  double c = 0.0;
  int32_t be = CS_YEAR_NONE;
  for (int32_t y = 0; y < ny; y++) {
    c += delta[y];
    if (c <= 0.0) {
      if (be == CS_YEAR_NONE) be = T0 + y;
    } else {
      be = CS_YEAR_NONE;
    }
  }
  return be;
}

static void business_case(const cs_plan *pl, const cs_results *r, int32_t i, double *delta,
                          cs_econ *o) {
  int32_t np = r->np, nst = np + 1;
  double *tot_delta = delta + (size_t)np * r->ny;
  memset(delta, 0, (size_t)nst * r->ny * sizeof(double));
  for (int32_t p = 0; p <= np; p++) {
    size_t k = (size_t)i * nst + p;
    o->inv[k] = o->sav[k] = 0.0;
  }
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(pl->discount_rate, y);
    for (int32_t p = 0; p < np; p++) {
      double care_s = r->payer_care[cs_ix_sy(r, i, y) * np + p];
      double care_b = r->payer_care[cs_ix_sy(r, 0, y) * np + p];
      double impl = r->payer_impl[cs_ix_sy(r, i, y) * np + p];
      size_t k = (size_t)i * nst + p;
      /* discounted sums take the weighted amounts; break-even the cash ones */
      o->inv[k] += r->payer_impl_w[cs_ix_sy(r, i, y) * np + p] * f;
      o->sav[k] -= (r->payer_care_w[cs_ix_sy(r, i, y) * np + p] -
                    r->payer_care_w[cs_ix_sy(r, 0, y) * np + p]) *
                   f;
      delta[(size_t)p * r->ny + y] = (care_s - care_b) + impl;
      tot_delta[y] += (care_s - care_b) + impl;
    }
  }
  size_t kt = (size_t)i * nst + np;
  for (int32_t p = 0; p < nst; p++) {
    size_t k = (size_t)i * nst + p;
    if (p < np) {
      o->inv[kt] += o->inv[k];
      o->sav[kt] += o->sav[k];
    }
  }
  for (int32_t p = 0; p < nst; p++) {
    size_t k = (size_t)i * nst + p;
    o->npv[k] = o->sav[k] - o->inv[k];
    o->break_even[k] = break_even(delta + (size_t)p * r->ny, r->ny, pl->T0);
  }
}

/* The business case per subregion: its areas' care savings per payer, and the implementation
 * costs that fall to it (kernel: by share of targeted persons, or by participants). */
static void business_case_sub(const cs_plan *pl, const cs_results *r, int32_t i, cs_econ *o) {
  int32_t np = r->np, nst = np + 1;
  double *inv = o->inv_sub + (size_t)i * r->nr * nst, *sav = o->sav_sub + (size_t)i * r->nr * nst;
  memset(inv, 0, (size_t)r->nr * nst * sizeof *inv);
  memset(sav, 0, (size_t)r->nr * nst * sizeof *sav);
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(pl->discount_rate, y);
    for (int32_t a = 0; a < r->na; a++) {
      double *s = sav + (size_t)pl->areas[a].sub * nst;
      for (int32_t c = 0; c < r->nc; c++) {
        size_t at = (size_t)a * r->nc + c;
        double ds = r->care_w[cs_ix_sy(r, i, y) * r->na * r->nc + at];
        double db = r->care_w[cs_ix_sy(r, 0, y) * r->na * r->nc + at];
        s[pl->sectors[c].payer] -= (ds - db) * f;
      }
    }
    const double *im = r->impl_sub_w + cs_ix_sy(r, i, y) * r->nr * np;
    for (int32_t q = 0; q < r->nr; q++)
      for (int32_t p = 0; p < np; p++)
        inv[(size_t)q * nst + p] += im[(size_t)q * np + p] * f;
  }
  for (int32_t q = 0; q < r->nr; q++)
    for (int32_t p = 0; p < np; p++) {
      inv[(size_t)q * nst + np] += inv[(size_t)q * nst + p];
      sav[(size_t)q * nst + np] += sav[(size_t)q * nst + p];
    }
}

static void health_econ(const cs_plan *pl, const cs_results *r, int32_t i, cs_econ *o) {
  double dq = 0.0, dly = 0.0;
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(pl->discount_rate_effects, y);
    for (int32_t a = 0; a < r->na; a++) {
      const double *hs = r->health + (cs_ix_sy(r, i, y) * r->na + a) * CS_HEALTH_N;
      const double *hb = r->health + (cs_ix_sy(r, 0, y) * r->na + a) * CS_HEALTH_N;
      dq += (hs[CS_HEALTH_QALY_W] - hb[CS_HEALTH_QALY_W]) * f;
      dly += (hs[CS_HEALTH_LY_W] - hb[CS_HEALTH_LY_W]) * f;
    }
  }
  double npv = o->npv[(size_t)i * (r->np + 1) + r->np];
  o->dqaly[i] = dq;
  o->dly[i] = dly;
  o->cost_per_qaly[i] = dq > 0.0 ? -npv / dq : NAN;
  o->societal[i] = npv + pl->qaly_value * dq;
}

/* Scenario i's own discounted totals (not against the baseline): what a cohort model reports
 * per strategy. */
static void own_totals(const cs_plan *pl, const cs_results *r, int32_t i, cs_econ *o) {
  double *t = o->tot + (size_t)i * CS_TOT_N;
  memset(t, 0, CS_TOT_N * sizeof *t);
  for (int32_t y = 0; y < r->ny; y++) {
    double f = cs_discount(pl->discount_rate, y), fe = cs_discount(pl->discount_rate_effects, y);
    size_t sy = cs_ix_sy(r, i, y);
    for (int32_t p = 0; p < r->np; p++) {
      t[CS_TOT_CARE] += r->payer_care_w[sy * r->np + p] * f;
      t[CS_TOT_IMPL] += r->payer_impl_w[sy * r->np + p] * f;
    }
    for (int32_t a = 0; a < r->na; a++) {
      const double *h = r->health + (sy * r->na + a) * CS_HEALTH_N;
      t[CS_TOT_QALY] += h[CS_HEALTH_QALY_W] * fe;
      t[CS_TOT_LY] += h[CS_HEALTH_LY_W] * fe;
    }
  }
  for (int32_t a = 0; a < r->na; a++)
    t[CS_TOT_POP0] += r->demo[(cs_ix_sy(r, i, 0) * r->na + a) * CS_DEMO_N + CS_DEMO_POP];
}

cs_status cs_econ_alloc(const cs_results *r, cs_arena *ar, cs_econ *o) {
  int32_t nst = r->np + 1;
  size_t ns = (size_t)r->nsc * nst;
  memset(o, 0, sizeof *o);
  o->nsc = r->nsc;
  o->nst = nst;
  o->inv = CS_ALLOC(ar, ns, double);
  o->sav = CS_ALLOC(ar, ns, double);
  o->npv = CS_ALLOC(ar, ns, double);
  o->break_even = CS_ALLOC(ar, ns, int32_t);
  o->dqaly = CS_ALLOC(ar, r->nsc, double);
  o->dly = CS_ALLOC(ar, r->nsc, double);
  o->cost_per_qaly = CS_ALLOC(ar, r->nsc, double);
  o->societal = CS_ALLOC(ar, r->nsc, double);
  o->crit = CS_ALLOC(ar, (size_t)r->nsc * r->ny * CS_CRIT_N, double);
  o->crit_sub = CS_ALLOC(ar, (size_t)r->nsc * r->ny * r->nr * CS_CRIT_N + 1, double);
  o->front_share = CS_ALLOC(ar, (size_t)r->nsc * r->ny, double);
  o->gap_closed = CS_ALLOC(ar, (size_t)r->nsc * r->ny, double);
  o->staff_gross = CS_ALLOC(ar, (size_t)r->nsc * r->ny, double);
  o->threshold = CS_ALLOC(ar, (size_t)r->ny * CS_CRIT_N, double);
  o->inv_sub = CS_ALLOC(ar, ns * r->nr + 1, double);
  o->sav_sub = CS_ALLOC(ar, ns * r->nr + 1, double);
  o->gap = CS_ALLOC(ar, (size_t)r->nsc * r->ny, double);
  o->delta = CS_ALLOC(ar, (size_t)nst * r->ny, double);
  o->tot = CS_ALLOC(ar, (size_t)r->nsc * CS_TOT_N, double);
  o->btot = CS_ALLOC(ar, (size_t)r->ny * (r->nr + 1), year_tot);
  o->stot = CS_ALLOC(ar, (size_t)r->nr + 1, year_tot);
  if (!o->inv || !o->sav || !o->npv || !o->break_even || !o->dqaly || !o->dly ||
      !o->cost_per_qaly || !o->societal || !o->crit || !o->front_share || !o->gap_closed ||
      !o->staff_gross || !o->gap || !o->threshold || !o->inv_sub || !o->sav_sub || !o->crit_sub ||
      !o->delta || !o->tot || !o->btot || !o->stot)
    return CS_ENOMEM;
  return CS_OK;
}

void cs_econ_fill(const cs_plan *pl, const cs_results *r, cs_econ *o) {
  for (int32_t i = 0; i < r->nsc; i++) {
    business_case(pl, r, i, o->delta, o);
    business_case_sub(pl, r, i, o);
    health_econ(pl, r, i, o);
    criteria(pl, r, i, o);
    own_totals(pl, r, i, o);
  }
}

void cs_econ_fill_metrics(const cs_plan *pl, const cs_results *r, cs_econ *o) {
  int32_t yl = pl->crit_year - pl->T0, ys = pl->crit_short_year - pl->T0;
  for (int32_t i = 0; i < r->nsc; i++) {
    business_case(pl, r, i, o->delta, o);
    health_econ(pl, r, i, o);
    criteria_year(pl, r, i, yl, 0, o); /* (the region's alone) */
    if (ys != yl) criteria_year(pl, r, i, ys, 0, o);
  }
}

cs_status cs_econ_compute(const cs_plan *pl, const cs_results *r, cs_arena *ar, cs_econ *o) {
  cs_status st = cs_econ_alloc(r, ar, o);
  if (st == CS_OK) cs_econ_fill(pl, r, o);
  return st;
}
