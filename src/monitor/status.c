/* status.c: `careshift monitor status`: the cells to compare (each actual; the sums of a
 * subregion's areas and of the region's subregions where every part was realised; each
 * milestone of the plan), with what the run planned for them, read from its results.db. */
#include "monitor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  cs_monitor *m;
  size_t cap;
  cs_mdb db;
  cs_diags *d;
} builder;

static cs_mcell *find(cs_monitor *m, cs_indicator ind, cs_place p, int32_t year) {
  for (size_t i = 0; i < m->ncell; i++) {
    cs_mcell *c = &m->cell[i];
    if (c->ind.kind == ind.kind && c->ind.obj == ind.obj && c->place.level == p.level &&
        c->place.idx == p.idx && c->year == year)
      return c;
  }
  return NULL;
}

/* A new cell with no realised value and no target; NULL when out of memory. */
static cs_mcell *add(builder *b, cs_indicator ind, cs_place p, int32_t year) {
  cs_monitor *m = b->m;
  if (m->ncell == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 64;
    cs_mcell *n = cs_realloc(m->cell, cap * sizeof *n);
    if (!n) return NULL;
    m->cell = n;
    b->cap = cap;
  }
  cs_mcell *c = &m->cell[m->ncell++];
  *c = (cs_mcell){.ind = ind,
                  .place = p,
                  .year = year,
                  .source = "",
                  .target = NAN,
                  .planned = NAN,
                  .base = NAN,
                  .low = NAN,
                  .high = NAN};
  return c;
}

/* ---- the actuals ---- */

static cs_status one_actual(builder *b, sqlite3_stmt *q) {
  const char *ind_s = (const char *)sqlite3_column_text(q, 0);
  const char *place_s = (const char *)sqlite3_column_text(q, 1);
  const char *src = (const char *)sqlite3_column_text(q, 4);
  int32_t year = sqlite3_column_int(q, 2);
  cs_indicator ind;
  cs_place p;
  char msg[400];
  if (!ind_s || !place_s || cs_ind_parse(b->m->pl, ind_s, &ind, msg, sizeof msg) ||
      cs_place_parse(b->m->pl, place_s, &p, msg, sizeof msg)) {
    cs_diags_add(b->d, b->db.path, 0, 0,
                 "warning: the actual %s, %s, %d is not in the plan and is left out (%s)",
                 ind_s ? ind_s : "?", place_s ? place_s : "?", year, msg);
    return CS_OK;
  }
  cs_mcell *c = add(b, ind, p, year);
  if (!c) return CS_ENOMEM;
  c->has_realised = 1;
  c->realised = sqlite3_column_double(q, 3);
  c->source = cs_arena_strdup(&b->m->ar, src ? src : "");
  return c->source ? CS_OK : CS_ENOMEM;
}

static cs_status read_actuals(builder *b) {
  if (!cs_mdb_has_table(&b->db, "actuals")) return CS_OK; /* none imported yet */
  sqlite3_stmt *q = cs_mdb_prepare(
      &b->db, "SELECT indicator, area, year, value, source FROM actuals ORDER BY rowid", b->d);
  if (!q) return b->db.err;
  cs_status st = CS_OK;
  int rc = SQLITE_DONE;
  while (st == CS_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
    st = one_actual(b, q);
  if (st == CS_OK && rc != SQLITE_DONE) st = cs_mdb_fail(&b->db, "cannot read its actuals", b->d);
  sqlite3_finalize(q);
  return st;
}

/* ---- sums over the parts: a subregion from all its areas, the region from all subregions ---- */

/* The sum of the realised values of cells at level lv inside place `whole`, or NaN when one
 * of its parts has none. */
static double sum_parts(const cs_monitor *m, const cs_mcell *like, cs_place whole, cs_level lv) {
  const cs_plan *pl = m->pl;
  double sum = 0.0;
  int32_t n = lv == CS_LVL_AREA ? pl->narea : pl->nsub;
  for (int32_t i = 0; i < n; i++) {
    cs_place part = {lv, i};
    if (lv == CS_LVL_AREA && !cs_place_has_area(pl, whole, i)) continue;
    const cs_mcell *c = find((cs_monitor *)m, like->ind, part, like->year);
    if (!c || !c->has_realised) return NAN;
    sum += c->realised;
  }
  return sum;
}

static cs_status roll_up_to(builder *b, cs_level from, cs_place whole) {
  cs_monitor *m = b->m;
  size_t n = m->ncell; /* cells added here are not parts */
  for (size_t i = 0; i < n; i++) {
    cs_mcell like = m->cell[i];
    if (like.place.level != from || !like.has_realised) continue;
    if (whole.level == CS_LVL_SUB && m->pl->areas[like.place.idx].sub != whole.idx) continue;
    if (find(m, like.ind, whole, like.year)) continue; /* given, or summed already */
    double s = sum_parts(m, &like, whole, from);
    if (isnan(s)) continue;
    cs_mcell *c = add(b, like.ind, whole, like.year);
    if (!c) return CS_ENOMEM;
    c->has_realised = 1;
    c->realised = s;
    c->from = from == CS_LVL_AREA ? 1 : 2;
  }
  return CS_OK;
}

static cs_status roll_up(builder *b) {
  cs_status st = CS_OK;
  for (int32_t r = 0; st == CS_OK && r < b->m->pl->nsub; r++)
    st = roll_up_to(b, CS_LVL_AREA, (cs_place){CS_LVL_SUB, r});
  if (st == CS_OK) st = roll_up_to(b, CS_LVL_SUB, (cs_place){CS_LVL_REGION, 0});
  return st;
}

/* ---- the plan's milestones: the region's value of an intervention's indicator ---- */

static cs_status milestone(builder *b, int32_t k, const cs_milestone *ms) {
  const cs_plan *pl = b->m->pl;
  cs_indicator ind = {CS_IND_PARTICIPANTS, k};
  char msg[400];
  if (strcmp(ms->indicator, "participants") &&
      cs_ind_parse(pl, ms->indicator, &ind, msg, sizeof msg)) {
    cs_diags_add(b->d, pl->path, 0, 0,
                 "warning: the milestone '%s' of intervention %s in %d is left out: monitoring "
                 "knows participants and the indicators of the actuals (%s)",
                 ms->indicator, pl->ivs[k].id, ms->year, msg);
    return CS_OK;
  }
  cs_place region = {CS_LVL_REGION, 0};
  cs_mcell *c = find(b->m, ind, region, ms->year);
  if (!c && !(c = add(b, ind, region, ms->year))) return CS_ENOMEM;
  c->target = ms->target;
  return CS_OK;
}

static cs_status milestones(builder *b) {
  const cs_plan *pl = b->m->pl;
  cs_status st = CS_OK;
  for (int32_t k = 0; st == CS_OK && k < pl->niv; k++)
    for (int32_t j = 0; st == CS_OK && j < pl->ivs[k].nmilestone; j++)
      st = milestone(b, k, &pl->ivs[k].milestones[j]);
  return st;
}

/* ---- what the run planned, from results.db ---- */

/* The run's tables the planned values come from, as temporary copies of the rows of the two
 * scenarios read (plan, baseline) with an index on (scenario, year): each cell's sum then reads
 * the rows of its year, not the whole table (10,000 actuals took a minute). The copies keep the
 * tables' row order and an index visits equal keys in that order, so every sum adds the same
 * terms in the same order as a scan of the table did. */
static cs_status planned_tables(builder *b) {
  static const char *const tabs[] = {"interventions", "care", "workforce", "demography"};
  for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++) {
    char sql[400];
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE cs_p_%s AS SELECT * FROM main.\"%s\" WHERE scenario IN "
             "('plan', 'baseline') ORDER BY rowid; CREATE INDEX temp.cs_p_%s_sy ON cs_p_%s "
             "(scenario, year)",
             tabs[i], tabs[i], tabs[i], tabs[i]);
    if (sqlite3_exec(b->db.db, sql, NULL, NULL, NULL) != SQLITE_OK)
      return cs_mdb_fail(&b->db, "cannot read the planned values", b->d);
  }
  return CS_OK;
}

/* The SQL of a cell's sum in scenario ?1 and year ?2, of its object ?3 (the intervention,
 * sector, payer or group; NULL for population) in its place ?4 (an area, a subregion, or the
 * region), from the copies of planned_tables. total() is 0.0 over no rows; count(*) tells that
 * apart from a real 0. */
static void planned_sql(const cs_mcell *c, char *buf, size_t n) {
  static const char *const val[CS_IND_N] = {"participants", "units",      "cost",
                                            "demand_fte",   "supply_fte", "population"};
  static const char *const tab[CS_IND_N] = {"interventions", "care",      "care",
                                            "workforce",     "workforce", "demography"};
  static const char *const obj[CS_IND_N] = {
      "intervention = ?3",
      "sector = ?3",
      "sector IN (SELECT sector FROM sectors WHERE payer = ?3)",
      "\"group\" = ?3",
      "\"group\" = ?3",
      "?3 IS NULL"};
  const char *where = c->place.level == CS_LVL_REGION    ? "?4 IS NOT NULL"
                      : cs_ind_by_subregion(c->ind.kind) ? "subregion = ?4"
                      : c->place.level == CS_LVL_SUB
                          ? "area IN (SELECT area FROM areas WHERE subregion = ?4)"
                          : "area = ?4";
  snprintf(buf, n,
           "SELECT total(%s), count(*) FROM temp.cs_p_%s WHERE scenario = ?1 AND year = ?2 AND %s "
           "AND %s",
           val[c->ind.kind], tab[c->ind.kind], obj[c->ind.kind], where);
}

/* The object's id as the run's tables name it (NULL for population). */
static const char *obj_id(const cs_plan *pl, cs_indicator ind) {
  switch (ind.kind) {
  case CS_IND_PARTICIPANTS: return pl->ivs[ind.obj].id;
  case CS_IND_UNITS: return pl->sectors[ind.obj].id;
  case CS_IND_COST: return pl->payers[ind.obj].id;
  case CS_IND_FTE_DEMAND:
  case CS_IND_SUPPLY_FTE: return pl->groups[ind.obj];
  default: return NULL;
  }
}

/* The cell's sum in scenario sc; NaN when the run has no such rows. */
static double planned_in(builder *b, const cs_mcell *c, const char *sc, cs_status *st) {
  char sql[512];
  planned_sql(c, sql, sizeof sql);
  sqlite3_stmt *q = cs_mdb_prepare(&b->db, sql, b->d);
  if (!q) {
    *st = b->db.err;
    return NAN;
  }
  sqlite3_bind_text(q, 1, sc, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 2, c->year);
  const char *id = obj_id(b->m->pl, c->ind);
  if (id)
    sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, 3);
  sqlite3_bind_text(q, 4, cs_place_id(b->m->pl, c->place), -1, SQLITE_STATIC);
  double v = NAN;
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW && sqlite3_column_int64(q, 1) > 0)
    v = sqlite3_column_double(q, 0);
  else if (rc != SQLITE_ROW)
    *st = cs_mdb_fail(&b->db, "cannot read the planned values", b->d);
  sqlite3_finalize(q);
  return v;
}

static cs_status read_planned(builder *b) {
  cs_status st = b->m->ncell ? planned_tables(b) : CS_OK;
  for (size_t i = 0; st == CS_OK && i < b->m->ncell; i++) {
    cs_mcell *c = &b->m->cell[i];
    c->planned = planned_in(b, c, "plan", &st);
    if (st == CS_OK) c->base = planned_in(b, c, "baseline", &st);
    if (st == CS_OK && isnan(c->planned)) {
      char ind[160];
      cs_ind_format(b->m->pl, c->ind, ind, sizeof ind);
      cs_diags_add(b->d, b->db.path, 0, 0,
                   "warning: the run has no planned value of %s, %s, %d (it was made from "
                   "another version of the plan?)",
                   ind, cs_place_id(b->m->pl, c->place), c->year);
    }
  }
  return st;
}

/* Keeps the cells of one year (0: all). */
static void only_year(cs_monitor *m, int year) {
  if (!year) return;
  size_t k = 0;
  for (size_t i = 0; i < m->ncell; i++)
    if (m->cell[i].year == year) m->cell[k++] = m->cell[i];
  m->ncell = k;
}

/* ---- order: year, indicator (kind, then the plan's order), region, each subregion with its
 * areas ---- */
static int place_rank(const cs_plan *pl, cs_place p) {
  if (p.level == CS_LVL_REGION) return 0;
  int32_t sub = p.level == CS_LVL_SUB ? p.idx : pl->areas[p.idx].sub;
  return 1 + sub * (pl->narea + 1) + (p.level == CS_LVL_AREA ? 1 + p.idx : 0);
}

static int by_order(const void *x, const void *y) {
  const cs_mcell *a = x, *b = y;
  int c = (a->year > b->year) - (a->year < b->year);
  if (!c) c = (a->ind.kind > b->ind.kind) - (a->ind.kind < b->ind.kind);
  if (!c) c = (a->ind.obj > b->ind.obj) - (a->ind.obj < b->ind.obj);
  return c ? c : (a->rank > b->rank) - (a->rank < b->rank);
}

static cs_status build(builder *b, const cs_monitor_status_options *o) {
  cs_status st = read_actuals(b);
  if (st == CS_OK) st = roll_up(b);
  if (st == CS_OK) st = milestones(b);
  if (st != CS_OK) return st;
  only_year(b->m, o->year);
  for (size_t i = 0; i < b->m->ncell; i++) /* qsort has no context: the rank goes along */
    b->m->cell[i].rank = place_rank(b->m->pl, b->m->cell[i].place);
  if (b->m->ncell) qsort(b->m->cell, b->m->ncell, sizeof *b->m->cell, by_order);
  return read_planned(b);
}

/* The band from the run's draws, when it has them and they can be made again. */
static cs_status band(builder *b, const cs_monitor_status_options *o) {
  char mine[32];
  if (b->db.draws <= 0 || !b->m->ncell) return CS_OK;
  cs_mon_checksum(b->m->pl->input_hash, mine);
  if (strcmp(mine, b->db.inputs_checksum)) {
    cs_diags_add(b->d, b->db.path, 0, 0,
                 "warning: no PSA band: the run's inputs (inputs_checksum %s) are not the plan's "
                 "now (%s), so its %d draws cannot be made again; the status uses the 5 %% rule",
                 b->db.inputs_checksum, mine, b->db.draws);
    return CS_OK;
  }
  cs_status st = cs_mon_band(b->m, b->db.draws, b->db.seed, o, b->d);
  if (st == CS_EINVAL) return CS_OK; /* warned: no band */
  if (st == CS_OK) b->m->draws = b->db.draws;
  return st;
}

/* A re-forecast run (`run --actuals DB --from-year Y`) was fitted to the actuals of Y: from Y
 * on, its planned values are no longer the plan's promises, and Y's population and
 * participants match the actuals by construction. */
static void reforecast_warning(builder *b) {
  int y = b->db.reforecast_from;
  b->m->reforecast_from = y;
  if (!y) return;
  cs_diags_add(b->d, b->db.path, 0, 0,
               "warning: this run is a re-forecast from %d (run_info's reforecast_from_year), "
               "fitted to the actuals of %d in %s: from %d on its planned values are the "
               "re-forecast, not the plan as it was agreed, and the population and participants "
               "of %d are on track by construction; only years before %d compare with the "
               "original plan. To monitor the plan, use the original run's results.db (the one "
               "the actuals were imported into)",
               y, y, *b->db.actuals_db ? b->db.actuals_db : "another results.db", y, y, y);
}

cs_status cs_monitor_status(const cs_plan *plan, const char *db_path,
                            const cs_monitor_status_options *opt, cs_monitor **out,
                            cs_diags *diags) {
  cs_monitor_status_options none;
  cs_monitor_status_options_init(&none);
  if (!out || !plan || !db_path || !diags) return CS_EINVAL;
  *out = NULL;
  const cs_monitor_status_options *o = opt ? opt : &none;
  cs_monitor *m = cs_calloc(1, sizeof *m);
  if (!m) return CS_ENOMEM;
  cs_arena_init(&m->ar);
  m->pl = plan;
  m->db_path = cs_arena_strdup(&m->ar, db_path);
  builder b = {.m = m, .d = diags};
  cs_status st = m->db_path ? CS_OK : CS_ENOMEM;
  if (st == CS_OK && o->year && (o->year < plan->T0 || o->year > plan->T1)) {
    cs_diags_add(diags, plan->path, 0, 0, "year %d is outside the plan's years (expected %d to %d)",
                 o->year, plan->T0, plan->T1);
    st = CS_EINVAL;
  }
  if (st == CS_OK) st = cs_mdb_open(&b.db, db_path, 0, plan, diags);
  if (st == CS_OK) reforecast_warning(&b);
  if (st == CS_OK) st = build(&b, o);
  cs_mdb_close(&b.db); /* the read ends here: the band needs no database */
  if (st == CS_OK) st = band(&b, o);
  if (st == CS_OK) st = cs_mon_rows(m);
  if (st != CS_OK) {
    cs_monitor_free(m);
    return st;
  }
  *out = m;
  return CS_OK;
}
