/* classify.c: the status of a realised value against the planned one (docs/monitoring.md,
 * "Status"): which way is better for the indicator, how far off it may be and still be on
 * track (the PSA band, never narrower than 5 %), and when a shortfall is off track. */
#include "monitor.h"

#include <math.h>
#include <string.h>

enum { DIR_HIGHER, DIR_LOWER, DIR_NEUTRAL };
static const char *const DIR_NAME[] = {"higher", "lower", "neutral"};

/* More participants and more staff supply are what a plan promises; care use, cost and staff
 * demand are better lower only where the plan lowers them against the baseline (where it
 * raises them, as the receiving end of a shift, more is neither ahead nor behind); the
 * population is no target at all. */
static int direction(const cs_mcell *c) {
  switch (c->ind.kind) {
  case CS_IND_PARTICIPANTS:
  case CS_IND_SUPPLY_FTE: return DIR_HIGHER;
  case CS_IND_POPULATION: return DIR_NEUTRAL;
  default: return !isnan(c->base) && c->planned < c->base * (1 - 1e-9) ? DIR_LOWER : DIR_NEUTRAL;
  }
}

/* How far the band reaches from planned on the good (good = 1) or bad side; 0 without. */
static double band_edge(const cs_mcell *c, int dir, int good) {
  if (isnan(c->low) || isnan(c->high)) return 0.0;
  int upper = (dir == DIR_LOWER) != good; /* the good side of "higher" is above */
  double e = upper ? c->high - c->planned : c->planned - c->low;
  return e > 0 ? e : 0.0;
}

static const char *status(const cs_mcell *c, int dir) {
  double p = c->planned, r = c->realised, tol = CS_MON_ON_TRACK * fabs(p);
  if (!c->has_realised) return "no_actuals";
  if (isnan(p)) return "no_plan";
  if (dir == DIR_NEUTRAL) {
    double edge = band_edge(c, DIR_HIGHER, r > p); /* the side r lies on */
    return fabs(r - p) <= fmax(tol, edge) ? "on_track" : "differs";
  }
  double g = dir == DIR_HIGHER ? r - p : p - r; /* > 0: better than planned */
  double good = fmax(tol, band_edge(c, dir, 1));
  int has_band = !isnan(c->low) && !isnan(c->high);
  double bad = has_band ? fmax(tol, band_edge(c, dir, 0)) : CS_MON_OFF_TRACK * fabs(p);
  if (g > good) return "ahead";
  if (g >= -tol) return "on_track";
  if (g >= -bad && bad > tol) return "behind";
  return "off_track";
}

static const char *const FROM[] = {"actual", "areas", "subregions"};

static cs_status one_row(cs_monitor *m, const cs_mcell *c, cs_monitor_row *o) {
  static const char *const LEVEL[] = {"region", "subregion", "area"};
  const cs_plan *pl = m->pl;
  char ind[160];
  cs_ind_format(pl, c->ind, ind, sizeof ind);
  int dir = direction(c);
  *o = (cs_monitor_row){.year = c->year,
                        .indicator = cs_arena_strdup(&m->ar, ind),
                        .level = LEVEL[c->place.level],
                        .place = cs_place_id(pl, c->place),
                        .name = cs_place_name(pl, c->place),
                        .subregion = c->place.level == CS_LVL_REGION ? ""
                                     : c->place.level == CS_LVL_SUB
                                         ? pl->subs[c->place.idx]
                                         : pl->subs[pl->areas[c->place.idx].sub],
                        .direction = DIR_NAME[dir],
                        .target = c->target,
                        .planned = c->planned,
                        .low = c->low,
                        .high = c->high,
                        .realised = c->has_realised ? c->realised : NAN,
                        .status = status(c, dir),
                        .from = c->has_realised ? FROM[c->from] : "",
                        .source = c->source};
  o->difference = o->realised - o->planned;
  o->difference_pct = o->planned != 0 ? 100 * o->difference / o->planned : NAN;
  return o->indicator ? CS_OK : CS_ENOMEM;
}

cs_status cs_mon_rows(cs_monitor *m) {
  m->row = CS_ALLOC(&m->ar, m->ncell + 1, cs_monitor_row);
  if (!m->row) return CS_ENOMEM;
  for (size_t i = 0; i < m->ncell; i++)
    if (one_row(m, &m->cell[i], &m->row[i]) != CS_OK) return CS_ENOMEM;
  return CS_OK;
}
