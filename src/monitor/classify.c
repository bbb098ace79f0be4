/* classify.c: the status of a realised value against the planned one (docs/monitoring.md,
 * "Status"): which way is better for the indicator, how far off it may be and still be on
 * track (the PSA band, never narrower than 5 %), and when a shortfall is off track; for a
 * milestone also whether its target is met. */
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

/* The status. With planned > 0 every comparison is made on the percentage the row shows
 * (difference_pct, pct): "better by" is pct or -pct, and the tolerances are 5 % and 20 %, or the
 * band's reach as a % of planned; so a row's % and its status never disagree (the terminal
 * prints the % with as many decimals as it takes; output.c). With planned <= 0 (0 in practice:
 * values are >= 0), the same rules on the absolute numbers, which for 0 rest on the sign. */
static const char *status(const cs_mcell *c, int dir, double pct) {
  double p = c->planned, r = c->realised;
  if (!c->has_realised) return "no_actuals";
  if (isnan(p)) return "no_plan";
  int has_band = !isnan(c->low) && !isnan(c->high);
  int rel = p > 0;
  double scale = rel ? 100 / p : 1.0; /* an absolute amount as a % of planned */
  double tol = rel ? 100 * CS_MON_ON_TRACK : CS_MON_ON_TRACK * fabs(p);
  if (dir == DIR_NEUTRAL) {
    double off = rel ? fabs(pct) : fabs(r - p);
    double edge = band_edge(c, DIR_HIGHER, r > p) * scale; /* the side r lies on */
    return off <= fmax(tol, edge) ? "on_track" : "differs";
  }
  double g = rel ? (dir == DIR_HIGHER ? pct : -pct) : (dir == DIR_HIGHER ? r - p : p - r);
  double good = fmax(tol, band_edge(c, dir, 1) * scale);
  double bad = has_band ? fmax(tol, band_edge(c, dir, 0) * scale)
                        : (rel ? 100 * CS_MON_OFF_TRACK : CS_MON_OFF_TRACK * fabs(p));
  if (g > good) return "ahead";
  if (g >= -tol) return "on_track";
  if (g >= -bad && bad > tol) return "behind";
  return "off_track";
}

/* Whether a milestone's target is met: realised at or above it when higher is better, at or
 * below it when lower is better; "" when the row has no target or no realised value, or the
 * indicator is neutral. */
static const char *met(const cs_mcell *c, int dir) {
  if (isnan(c->target) || !c->has_realised || dir == DIR_NEUTRAL) return "";
  int yes = dir == DIR_HIGHER ? c->realised >= c->target : c->realised <= c->target;
  return yes ? "yes" : "no";
}

static const char *const FROM[] = {"actual", "areas", "subregions"};

/* The baseline at the row's place: the run's baseline scenario, read as planned is (status.c);
 * participants are 0 there (the baseline has no interventions, and the run writes no rows of
 * it), where the run knows the intervention at all. */
static double baseline(const cs_mcell *c) {
  if (c->ind.kind == CS_IND_PARTICIPANTS && isnan(c->base)) return isnan(c->planned) ? NAN : 0.0;
  return c->base;
}

/* (baseline - realised) / (baseline - planned): the share of the plan's change against the
 * baseline that was realised; NaN where the plan does not move the value (a change of at most
 * 1e-9 of the baseline is none: the same model, summed in another order) or a value is
 * missing. A realised value as close to the baseline is at it: 0, not a sliver either side. */
static double effect(const cs_mcell *c, double base) {
  double change = base - c->planned, tiny = 1e-9 * fabs(base);
  /* the plan does not aim at the population: what it moves there (a few deaths later) is far
   * below any count's accuracy, so a share of it would only flag every census as implausible */
  if (c->ind.kind == CS_IND_POPULATION) return NAN;
  if (!c->has_realised || isnan(base) || isnan(c->planned) || !(fabs(change) > tiny)) return NAN;
  double got = base - c->realised;
  return fabs(got) <= tiny ? 0.0 : got / change;
}

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
                        .from = c->has_realised ? FROM[c->from] : "",
                        .source = c->source,
                        .milestone_met = met(c, dir),
                        .band_used_low = NAN,
                        .band_used_high = NAN,
                        .baseline = baseline(c)};
  o->effect_realised = effect(c, o->baseline);
  o->difference = o->realised - o->planned;
  o->difference_pct = o->planned != 0 ? 100 * o->difference / o->planned : NAN;
  o->status = status(c, dir, o->difference_pct);
  if (!isnan(c->low) && !isnan(c->high) && !isnan(c->planned)) {
    /* the band the status uses: each reach at least the 5 % of planned */
    double tol = CS_MON_ON_TRACK * fabs(c->planned);
    o->band_used_low = fmin(c->low, c->planned - tol);
    o->band_used_high = fmax(c->high, c->planned + tol);
  }
  return o->indicator ? CS_OK : CS_ENOMEM;
}

cs_status cs_mon_rows(cs_monitor *m) {
  m->row = CS_ALLOC(&m->ar, m->ncell + 1, cs_monitor_row);
  if (!m->row) return CS_ENOMEM;
  for (size_t i = 0; i < m->ncell; i++)
    if (one_row(m, &m->cell[i], &m->row[i]) != CS_OK) return CS_ENOMEM;
  return CS_OK;
}
