/* tables_plan.c: areas.csv and milestones.csv (v0.2): the plan's own lists that the other
 * tables name by id only. results.db is all the report and the dashboard read, so the names
 * of the areas, their subregions and the promised milestones travel with the run. */
#include "tables.h"

/* ---- areas.csv: area,name,subregion in the plan's order ---- */
static const cs_column area_cols[] = {CS_KEY("area", CS_TEXT), CS_VAL("name", CS_TEXT, ""),
                                      CS_VAL("subregion", CS_TEXT, "")};

static int64_t area_n(const cs_view *v) { return v->pl->narea; }

static void area_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_area *a = &v->pl->areas[i];
  o[0] = cs_vs(a->id);
  o[1] = cs_vs(a->name);
  o[2] = cs_vs(v->pl->subs[a->sub]);
}

const cs_tabledef cs_tab_areas = {"areas",
                                  "the plan's areas (municipalities) with their names and "
                                  "subregions",
                                  CS_NCOL(area_cols),
                                  area_cols,
                                  0,
                                  NULL,
                                  area_n,
                                  area_row};

/* ---- milestones.csv: intervention,indicator,year,target, the plan's order ---- */
static const cs_column ms_cols[] = {CS_KEY("intervention", CS_TEXT), CS_KEY("indicator", CS_TEXT),
                                    CS_KEY("year", CS_INT), CS_VAL("target", CS_REAL, "")};

static int64_t ms_n(const cs_view *v) {
  int64_t n = 0;
  for (int32_t k = 0; k < v->pl->niv; k++)
    n += v->pl->ivs[k].nmilestone;
  return n;
}

/* Row i counts the milestones in plan order; the lists are short, so a walk is enough. */
static void ms_row(const cs_view *v, int64_t i, cs_value *o) {
  for (int32_t k = 0; k < v->pl->niv; k++) {
    const cs_intervention *iv = &v->pl->ivs[k];
    if (i >= iv->nmilestone) {
      i -= iv->nmilestone;
      continue;
    }
    const cs_milestone *m = &iv->milestones[i];
    o[0] = cs_vs(iv->id);
    o[1] = cs_vs(m->indicator);
    o[2] = cs_vi(m->year);
    o[3] = cs_vd(m->target);
    return;
  }
}

const cs_tabledef cs_tab_milestones = {"milestones",
                                       "the plan's milestones: an intervention's promised value "
                                       "of an indicator in a year",
                                       CS_NCOL(ms_cols),
                                       ms_cols,
                                       0,
                                       NULL,
                                       ms_n,
                                       ms_row};

/* ---- sectors.csv: sector,name,unit,payer,chain,group, the plan's order ---- */
static const cs_column sec_cols[] = {CS_KEY("sector", CS_TEXT),    CS_VAL("name", CS_TEXT, ""),
                                     CS_VAL("unit", CS_TEXT, ""),  CS_VAL("payer", CS_TEXT, ""),
                                     CS_VAL("chain", CS_TEXT, ""), CS_VAL("group", CS_TEXT, "")};

static int64_t sec_n(const cs_view *v) { return v->pl->nsector; }

static void sec_row(const cs_view *v, int64_t i, cs_value *o) {
  static const char *const chains[] = {"social", "primary", "secondary", "long_term"};
  const cs_sector *s = &v->pl->sectors[i];
  o[0] = cs_vs(s->id);
  o[1] = cs_vs(s->name);
  o[2] = cs_vs(s->unit);
  o[3] = cs_vs(v->pl->payers[s->payer].id);
  o[4] = cs_vs(chains[s->chain]);
  o[5] = cs_vs(v->pl->groups[s->group]);
}

const cs_tabledef cs_tab_sectors = {"sectors",
                                    "the plan's care sectors: name, unit of care, payer, place "
                                    "in the chain and staff group",
                                    CS_NCOL(sec_cols),
                                    sec_cols,
                                    0,
                                    NULL,
                                    sec_n,
                                    sec_row};

/* ---- themes.csv: theme,name,leader, the plan's order ---- */
static const cs_column theme_cols[] = {CS_KEY("theme", CS_TEXT), CS_VAL("name", CS_TEXT, ""),
                                       CS_VAL_OPT("leader", CS_TEXT, "")};

static int64_t theme_n(const cs_view *v) { return v->pl->ntheme; }

static void theme_row(const cs_view *v, int64_t i, cs_value *o) {
  const cs_theme *t = &v->pl->themes[i];
  o[0] = cs_vs(t->id);
  o[1] = cs_vs(t->name);
  o[2] = t->leader ? cs_vs(t->leader) : cs_vnull();
}

const cs_tabledef cs_tab_themes = {"themes",
                                   "the plan's themes with their names and leaders",
                                   CS_NCOL(theme_cols),
                                   theme_cols,
                                   0,
                                   NULL,
                                   theme_n,
                                   theme_row};
