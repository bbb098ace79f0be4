/* reforecast.c: `careshift run PLAN --actuals DB --from-year Y` (docs/model.md "Re-forecast"):
 * reads the actuals of year Y and the original run's business case and criteria from DB,
 * turns them into the kernel's replacement (model.h, cs_refc) on the run's own copy of the
 * plan, and logs what was applied. The database is read through io (SQLite stays there). */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* What the actuals of the year say, before they become groups and subregion totals. */
typedef struct {
  const cs_plan *pl;
  cs_refc *rf;
  cs_arena *ar;
  cs_diags *d;
  const char *path;
  int32_t year;
  int nerr;
  int64_t nother;               /* actuals of the year of other indicators (not used) */
  int64_t npart;                /* participants actuals of the year */
  double *area_pop, *sub_pop;   /* [narea], [nsub]; NaN: no actual */
  double reg_pop;               /* NaN: no actual */
  double *area_part, *sub_part; /* [niv][narea], [niv][nsub] */
  int32_t npop, cap_pop;        /* population actuals read */
} rf_load;

static int32_t find_area(const cs_plan *pl, const char *id) {
  for (int32_t a = 0; a < pl->narea; a++)
    if (!strcmp(pl->areas[a].id, id)) return a;
  return -1;
}

static int32_t find_sub(const cs_plan *pl, const char *name) {
  for (int32_t q = 0; q < pl->nsub; q++)
    if (!strcmp(pl->subs[q], name)) return q;
  return -1;
}

static int32_t find_iv(const cs_plan *pl, const char *id) {
  for (int32_t v = 0; v < pl->niv; v++)
    if (!strcmp(pl->ivs[v].id, id)) return v;
  return -1;
}

/* An actual the plan cannot place: said with the row's key, as the database has no lines. */
static cs_status bad_actual(rf_load *L, const char *ind, const char *place, const char *why,
                            const char *what) {
  L->nerr++;
  cs_diags_add(L->d, L->path, 0, 0,
               "actual %s, %s, %d: %s '%s' (expected one of the plan's; the database was "
               "imported for another plan?)",
               ind, place, L->year, why, what);
  return CS_OK;
}

/* Keeps a population actual for the table (level 0 area, 1 subregion, 2 region). */
static cs_status keep_pop(rf_load *L, int32_t level, int32_t place, double value) {
  cs_refc *rf = L->rf;
  if (L->npop == L->cap_pop) return CS_EINTERNAL; /* sized by the count query */
  rf->pop_level[L->npop] = level;
  rf->pop_place[L->npop] = place;
  rf->pop_real[L->npop++] = value;
  return CS_OK;
}

static cs_status one_population(rf_load *L, const char *place, double value) {
  int32_t a = find_area(L->pl, place), q = a < 0 ? find_sub(L->pl, place) : -1;
  if (a >= 0)
    L->area_pop[a] = value;
  else if (q >= 0)
    L->sub_pop[q] = value;
  else if (!strcmp(place, "region"))
    L->reg_pop = value;
  else
    return bad_actual(L, "population", place, "unknown area or subregion", place);
  return keep_pop(L, a >= 0 ? 0 : q >= 0 ? 1 : 2, a >= 0 ? a : q, value);
}

static cs_status one_participants(rf_load *L, const char *ind, const char *place, double value) {
  const cs_plan *pl = L->pl;
  int32_t v = find_iv(pl, ind + strlen("participants:"));
  if (v < 0)
    return bad_actual(L, ind, place, "unknown intervention", ind + strlen("participants:"));
  int32_t a = find_area(pl, place), q = a < 0 ? find_sub(pl, place) : -1;
  L->npart++;
  if (a >= 0)
    L->area_part[(size_t)v * pl->narea + a] = value;
  else if (q >= 0)
    L->sub_part[(size_t)v * pl->nsub + q] = value;
  else if (!strcmp(place, "region"))
    L->rf->part_reg[v] = value;
  else
    return bad_actual(L, ind, place, "unknown area or subregion", place);
  return CS_OK;
}

static cs_status actual_row(void *ctx, int ncol, const char *const *text, const double *num) {
  rf_load *L = ctx;
  const char *ind = text[0], *place = ncol > 1 && text[1] ? text[1] : "";
  double value = ncol > 2 ? num[2] : NAN;
  int pop = ind && !strcmp(ind, "population");
  int part = ind && !strncmp(ind, "participants:", strlen("participants:"));
  if (!pop && !part) {
    L->nother++;
    return CS_OK;
  }
  if (!(value >= 0.0) || isinf(value)) {
    L->nerr++;
    cs_diags_add(L->d, L->path, 0, 0, "actual %s, %s, %d: value is not a number >= 0", ind, place,
                 L->year);
    return CS_OK;
  }
  return pop ? one_population(L, place, value) : one_participants(L, ind, place, value);
}

static cs_status count_row(void *ctx, int ncol, const char *const *text, const double *num) {
  (void)ncol;
  (void)text;
  *(int32_t *)ctx = (int32_t)num[0];
  return CS_OK;
}

static double *nan_array(cs_arena *ar, size_t n) {
  double *p = CS_ALLOC(ar, n + 1, double);
  for (size_t i = 0; p && i < n; i++)
    p[i] = NAN;
  return p;
}

static cs_status load_alloc(rf_load *L) {
  const cs_plan *pl = L->pl;
  cs_refc *rf = L->rf;
  cs_arena *ar = L->ar;
  size_t n = (size_t)L->cap_pop + 1, va = (size_t)pl->niv * pl->narea;
  size_t vr = (size_t)pl->niv * pl->nsub;
  L->area_pop = nan_array(ar, (size_t)pl->narea);
  L->sub_pop = nan_array(ar, (size_t)pl->nsub);
  L->area_part = nan_array(ar, va);
  L->sub_part = nan_array(ar, vr);
  rf->part_sub = nan_array(ar, vr);
  rf->part_reg = nan_array(ar, (size_t)pl->niv);
  rf->part_src = CS_ALLOC(ar, vr + 1, int32_t);
  rf->pop_grp = CS_ALLOC(ar, (size_t)pl->narea + 1, int32_t);
  rf->pop_val = CS_ALLOC(ar, (size_t)pl->narea + pl->nsub + 2, double);
  rf->pop_level = CS_ALLOC(ar, n, int32_t);
  rf->pop_place = CS_ALLOC(ar, n, int32_t);
  rf->pop_of = CS_ALLOC(ar, n, int32_t);
  rf->pop_real = CS_ALLOC(ar, n, double);
  L->reg_pop = NAN;
  return L->area_pop && L->sub_pop && L->area_part && L->sub_part && rf->part_sub && rf->part_reg &&
                 rf->part_src && rf->pop_grp && rf->pop_val && rf->pop_level && rf->pop_place &&
                 rf->pop_of && rf->pop_real
             ? CS_OK
             : CS_ENOMEM;
}

static cs_status text_row(void *ctx, int ncol, const char *const *text, const double *num);

/* A re-forecast from a year with no population and no participants would start from nothing
 * realised and call itself one: refused, naming the years the database has. */
static cs_status nothing_of_the_year(rf_load *L, cs_rdb *db) {
  char years[64] = "";
  cs_status st = cs_rdb_query(db,
                              "SELECT group_concat(year, ', ') FROM (SELECT DISTINCT year FROM "
                              "actuals WHERE indicator = 'population' OR indicator LIKE "
                              "'participants:%' ORDER BY year)",
                              text_row, years, L->d);
  if (st != CS_OK) return st;
  cs_diags_add(L->d, L->path, 0, 0,
               "has no population or participants actuals of %d, so there is nothing realised "
               "to start %d from (expected --from-year a year it has: %s)",
               L->year, L->year, years[0] ? years : "none");
  return CS_EINVAL;
}

/* The actuals of the year, in a fixed order (areas before subregions before the region
 * does not matter to the result, only to the table's rows). */
static cs_status read_actuals(rf_load *L, cs_rdb *db) {
  char sql[200];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM actuals WHERE year = %d AND indicator = 'population'", L->year);
  cs_status st = cs_rdb_query(db, sql, count_row, &L->cap_pop, L->d);
  if (st == CS_OK) st = load_alloc(L);
  snprintf(sql, sizeof sql,
           "SELECT indicator, area, value FROM actuals WHERE year = %d ORDER BY indicator, area",
           L->year);
  if (st == CS_OK) st = cs_rdb_query(db, sql, actual_row, L, L->d);
  if (st == CS_OK && L->nerr) st = CS_EINVAL;
  if (st == CS_OK && !L->npop && !L->npart) st = nothing_of_the_year(L, db);
  return st;
}

/* Population groups (model.h): an area with its own actual is a group; the areas of a
 * subregion without one share what the subregion's actual leaves; the areas with neither
 * share what the region's leaves. */
static cs_status population_groups(rf_load *L) {
  const cs_plan *pl = L->pl;
  cs_refc *rf = L->rf;
  int32_t g = 0, *subg = CS_ALLOC(L->ar, pl->nsub + 1, int32_t);
  double covered = 0.0;
  if (!subg) return CS_ENOMEM;
  for (int32_t a = 0; a < pl->narea; a++) {
    rf->pop_grp[a] = -1;
    if (isnan(L->area_pop[a])) continue;
    rf->pop_val[g] = L->area_pop[a];
    covered += L->area_pop[a];
    rf->pop_grp[a] = g++;
  }
  for (int32_t q = 0; q < pl->nsub; q++) {
    int32_t gq = -1;
    double own = 0.0;
    if (isnan(L->sub_pop[q])) continue;
    for (int32_t a = 0; a < pl->narea; a++)
      if (pl->areas[a].sub == q && rf->pop_grp[a] >= 0) own += L->area_pop[a];
    for (int32_t a = 0; a < pl->narea; a++)
      if (pl->areas[a].sub == q && rf->pop_grp[a] < 0) {
        if (gq < 0) gq = g++;
        rf->pop_grp[a] = gq;
      }
    if (gq >= 0) {
      rf->pop_val[gq] = fmax(0.0, L->sub_pop[q] - own);
      covered += rf->pop_val[gq];
    }
    subg[q] = gq;
  }
  int32_t gr = -1;
  for (int32_t a = 0; a < pl->narea && !isnan(L->reg_pop); a++)
    if (rf->pop_grp[a] < 0) {
      if (gr < 0) gr = g++;
      rf->pop_grp[a] = gr;
    }
  if (gr >= 0) rf->pop_val[gr] = fmax(0.0, L->reg_pop - covered);
  rf->npg = g;
  for (int32_t k = 0; k < L->npop; k++) {
    int32_t lv = rf->pop_level[k], p = rf->pop_place[k];
    rf->pop_of[k] = lv == 0 ? rf->pop_grp[p] : lv == 2 ? gr : subg[p];
  }
  return CS_OK;
}

/* Realised participants per (intervention, subregion): the subregion's own actual, else the
 * sum of its areas' when every area it targets has one. */
static void participant_totals(rf_load *L) {
  const cs_plan *pl = L->pl;
  cs_refc *rf = L->rf;
  for (int32_t v = 0; v < pl->niv; v++)
    for (int32_t q = 0; q < pl->nsub; q++) {
      size_t j = (size_t)v * pl->nsub + q;
      double sum = 0.0;
      int n = 0, all = 1;
      for (int32_t a = 0; a < pl->narea; a++) {
        if (pl->areas[a].sub != q || !pl->ivs[v].area_mask[a]) continue;
        double x = L->area_part[(size_t)v * pl->narea + a];
        n++;
        all &= !isnan(x);
        if (!isnan(x)) sum += x;
      }
      if (!isnan(L->sub_part[j])) {
        rf->part_sub[j] = L->sub_part[j];
        rf->part_src[j] = CS_RF_SRC_SUB;
      } else if (n > 0 && all) {
        rf->part_sub[j] = sum;
        rf->part_src[j] = CS_RF_SRC_AREAS;
      } else if (!isnan(rf->part_reg[v])) {
        rf->part_src[j] = CS_RF_SRC_REGION;
      }
    }
}

/* ---- the original run: its plan scenario's NPV and criteria ---- */
typedef struct {
  const cs_plan *pl;
  cs_refc *rf;
} orig_ctx;

static cs_status npv_row(void *ctx, int ncol, const char *const *text, const double *num) {
  orig_ctx *o = ctx;
  if (ncol < 2 || !text[0]) return CS_OK;
  for (int32_t p = 0; p <= o->pl->npayer; p++)
    if (!strcmp(text[0], p < o->pl->npayer ? o->pl->payers[p].id : "total"))
      o->rf->orig_npv[p] = num[1];
  return CS_OK;
}

static cs_status crit_row(void *ctx, int ncol, const char *const *text, const double *num) {
  orig_ctx *o = ctx;
  if (ncol < 4 || !text[1]) return CS_OK;
  int32_t year = (int32_t)num[0];
  for (int32_t c = 0; c < CS_CRIT_N; c++) {
    if (strcmp(text[1], cs_crit_name[c])) continue;
    for (int term = 0; term < 2; term++)
      if (year == (term ? o->pl->crit_year : o->pl->crit_short_year)) {
        o->rf->orig_crit[term * CS_CRIT_N + c] = num[2];
        o->rf->orig_subst[term * CS_CRIT_N + c] = num[3];
      }
  }
  return CS_OK;
}

static cs_status read_original(const cs_plan *pl, cs_refc *rf, cs_arena *ar, cs_rdb *db,
                               cs_diags *d) {
  rf->orig_npv = nan_array(ar, (size_t)pl->npayer + 1);
  rf->orig_crit = nan_array(ar, 2 * CS_CRIT_N);
  rf->orig_subst = nan_array(ar, 2 * CS_CRIT_N);
  if (!rf->orig_npv || !rf->orig_crit || !rf->orig_subst) return CS_ENOMEM;
  orig_ctx o = {pl, rf};
  cs_status st = cs_rdb_query(
      db, "SELECT stakeholder, npv FROM business_case WHERE scenario = 'plan'", npv_row, &o, d);
  if (st == CS_OK)
    st = cs_rdb_query(db,
                      "SELECT year, criterion, value, substantial FROM criteria "
                      "WHERE scenario = 'plan'",
                      crit_row, &o, d);
  return st;
}

/* fnv1a64 of the database's bytes, as run_info's other checksums. */
static const char *db_checksum(const char *path, cs_arena *ar) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  uint64_t h = CS_FNV1A_BASIS;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    h = cs_hash_fnv1a_bytes(h, buf, n);
  int bad = ferror(f);
  fclose(f);
  if (bad) return NULL;
  snprintf(buf, sizeof buf, "fnv1a64:%016llx", (unsigned long long)h);
  return cs_arena_strdup(ar, buf);
}

/* The tables a re-forecast reads; without them DB is no careshift run with actuals. */
static cs_status check_tables(cs_rdb *db, const char *path, cs_diags *d) {
  static const char *const need[] = {"actuals", "business_case", "criteria"};
  int32_t n = 0; /* a file that is no database fails here, and says so */
  cs_status st = cs_rdb_query(db, "SELECT count(*) FROM sqlite_master", count_row, &n, d);
  if (st != CS_OK) return CS_EINVAL;
  for (size_t i = 0; i < sizeof need / sizeof *need; i++)
    if (!cs_rdb_has_table(db, need[i])) {
      cs_diags_add(d, path, 0, 0,
                   "has no table '%s' (expected the results.db of `careshift run` into which "
                   "`careshift monitor import` stored actuals)",
                   need[i]);
      return CS_EINVAL;
    }
  return CS_OK;
}

static cs_status check_options(const cs_plan *pl, const cs_run_options *o, cs_diags *d) {
  if (!o->actuals || !*o->actuals || !o->from_year) {
    cs_diags_add(d, pl->path, 0, 0,
                 "a re-forecast needs both --actuals DB and --from-year Y (got %s)",
                 o->from_year ? "--from-year only" : "--actuals only");
    return CS_EINVAL;
  }
  if (o->from_year <= pl->T0 || o->from_year > pl->T1) {
    cs_diags_add(d, pl->path, 0, 0,
                 "--from-year %d is outside the plan's years after the base year (expected %d "
                 "to %d)",
                 o->from_year, pl->T0 + 1, pl->T1);
    return CS_EINVAL;
  }
  return CS_OK;
}

static cs_status text_row(void *ctx, int ncol, const char *const *text, const double *num) {
  (void)num;
  char *out = ctx;
  if (ncol > 0 && text[0]) snprintf(out, 64, "%s", text[0]);
  return CS_OK;
}

/* A warning when the database's run was made from other inputs than this plan's: its numbers
 * are then the "original" reforecast.csv compares with, not this plan's (the actuals may also
 * name what this plan has changed). Not an error: a re-forecast after a revised plan is a
 * fair question, as long as the user knows which original it is set against. */
static cs_status check_inputs(rf_load *L, cs_rdb *db) {
  char theirs[64] = "", ours[64];
  if (!cs_rdb_has_table(db, "run_info")) return CS_OK;
  cs_status st = cs_rdb_query(db, "SELECT value FROM run_info WHERE key = 'inputs_checksum'",
                              text_row, theirs, L->d);
  snprintf(ours, sizeof ours, "fnv1a64:%016llx", (unsigned long long)L->pl->input_hash);
  if (st == CS_OK && theirs[0] && strcmp(theirs, ours))
    cs_diags_add(L->d, L->path, 0, 0,
                 "warning: its run was made from other inputs than this plan's (inputs_checksum "
                 "%s, this plan %s): reforecast.csv compares the re-forecast with that run",
                 theirs, ours);
  return st;
}

static cs_status read_db(rf_load *L, cs_rdb *db) {
  cs_status st = check_tables(db, L->path, L->d);
  if (st == CS_OK) st = check_inputs(L, db);
  if (st == CS_OK) st = read_actuals(L, db);
  if (st == CS_OK) st = read_original(L->pl, L->rf, L->ar, db, L->d);
  if (st == CS_OK && !(L->rf->db_checksum = db_checksum(L->path, L->ar))) {
    cs_diags_add(L->d, L->path, 0, 0, "cannot read the actuals database's bytes");
    st = CS_EIO;
  }
  return st;
}

static const char *printed(cs_arena *ar, const char *pre, const char *id, int32_t y) {
  char buf[64];
  if (id) {
    size_t n = strlen(pre) + strlen(id) + 1; /* ids have no length limit */
    char *s = cs_arena_alloc(ar, n);
    if (s) snprintf(s, n, "%s%s", pre, id);
    return s;
  }
  snprintf(buf, sizeof buf, "%s%d", pre, y);
  return cs_arena_strdup(ar, buf);
}

/* The texts of the re-forecast's tables: the NPV's years, the terms, the indicators. */
static cs_status labels(const cs_plan *pl, cs_refc *rf, cs_arena *ar) {
  char buf[32];
  snprintf(buf, sizeof buf, "%d-%d", pl->T0, pl->T1);
  rf->label_npv = cs_arena_strdup(ar, buf);
  rf->label_term[0] = printed(ar, "short:", NULL, pl->crit_short_year);
  rf->label_term[1] = printed(ar, "long:", NULL, pl->crit_year);
  rf->part_ind = CS_ALLOC(ar, pl->niv + 1, const char *);
  if (!rf->label_npv || !rf->label_term[0] || !rf->label_term[1] || !rf->part_ind) return CS_ENOMEM;
  for (int32_t v = 0; v < pl->niv; v++)
    if (!(rf->part_ind[v] = printed(ar, "participants:", pl->ivs[v].id, 0))) return CS_ENOMEM;
  return CS_OK;
}

cs_status cs_rf_load(cs_run *run, cs_diags *d) {
  const cs_plan *pl = run->pl;
  const cs_run_options *o = &run->opt;
  cs_status st = check_options(pl, o, d);
  if (st != CS_OK) return st;
  cs_refc *rf = CS_ALLOC(&run->ar, 1, cs_refc);
  cs_plan *copy = CS_ALLOC(&run->ar, 1, cs_plan);
  if (!rf || !copy || !(rf->db_path = cs_arena_strdup(&run->ar, o->actuals))) return CS_ENOMEM;
  rf->y = o->from_year - pl->T0;
  rf_load L = {
      .pl = pl, .rf = rf, .ar = &run->ar, .d = d, .path = o->actuals, .year = o->from_year};
  cs_rdb *db = NULL;
  if ((st = cs_rdb_open(o->actuals, &db, d)) == CS_OK) st = read_db(&L, db);
  cs_rdb_close(db);
  if (st != CS_OK) return st;
  if ((st = population_groups(&L)) != CS_OK || (st = labels(pl, rf, &run->ar)) != CS_OK) return st;
  participant_totals(&L);
  rf->npop = L.npop;
  run->nother_actuals = L.nother;
  /* the run's own plan, with the re-forecast: the PSA and the Shapley runs see it too */
  *copy = *pl;
  copy->rf = rf;
  run->pl = copy;
  run->rf = rf;
  return CS_OK;
}

/* After the main kernel: its replacement is what runs without a plan-like scenario use, and
 * the run log says what was applied. */
void cs_rf_settle(cs_run *run) {
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  cs_refc *rf = run->rf;
  rf->fb_mode = r->rf_mode;
  rf->fb_delta = r->rf_delta;
  rf->fb_val = r->rf_val;
  cs_run_logf(run,
              "reforecast: from %d, actuals of %s (%s): %d population actuals "
              "(reforecast_actuals.csv), %lld of other indicators not used",
              pl->T0 + rf->y, rf->db_path, rf->db_checksum, rf->npop,
              (long long)run->nother_actuals);
  for (int32_t v = 0; v < pl->niv; v++)
    for (int32_t q = 0; q < pl->nsub; q++) {
      size_t j = (size_t)v * pl->nsub + q;
      if (isnan(r->rf_u[j])) continue;
      char what[80];
      int m = r->rf_mode[j];
      if (m == CS_RF_DELAY)
        snprintf(what, sizeof what, "delay %.6g years", r->rf_delta[j]);
      else if (m == CS_RF_FIXED && r->rf_u[j] > 1.0) /* more participants than persons */
        snprintf(what, sizeof what, "fixed uptake 1: MORE participants than targeted persons");
      else if (m == CS_RF_FIXED)
        snprintf(what, sizeof what, "fixed uptake %.6g", r->rf_val[j]);
      else
        snprintf(what, sizeof what, "not applied: the funding has ended");
      cs_run_logf(run, "reforecast: participants:%s, %s: realised uptake %.6g, modelled %.6g: %s",
                  pl->ivs[v].id, pl->subs[q], r->rf_u[j], r->rf_upm[j], what);
    }
}
