/* monitoring.c: what the report and the dashboard show of a run's actuals (issue 13,
 * docs/monitoring.md): the status rows of the monitor layer's public API, and the planned
 * trajectory each realised value is drawn over.
 *
 * The comparison needs the plan (its ids, milestones and draws); results.db records the plan's
 * path and checksums in run_info, so the report loads it from there. When that file cannot be
 * read the rows are the actuals themselves against the run's planned values, with no status
 * and no band, and the section says why. */
#include "monitoring.h"
#include "plan/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One value of run_info into b ("" when absent). */
static void run_info(const cs_rdata *r, const char *key, char *b, size_t n) {
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT value FROM run_info WHERE key = ?1");
  b[0] = '\0';
  if (q && sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    snprintf(b, n, "%s", cs_ck_text_col(q, 0));
  sqlite3_finalize(q);
}

int cs_rmon_has_actuals(const cs_rdata *r) { return cs_rdata_has_rows(r, "actuals"); }

/* Keeps the warnings of a comparison (the band's reason among them) for the section. */
static void keep_warnings(cs_rmon *m, const cs_diags *d) {
  size_t n = cs_diags_count(d);
  m->warn = cs_arena_calloc(&m->ar, n + 1, sizeof *m->warn);
  for (size_t i = 0; m->warn && i < n; i++) {
    const char *w = strstr(cs_diags_get(d, i), "warning: ");
    if (w) m->warn[m->nwarn++] = cs_arena_strdup(&m->ar, w + strlen("warning: "));
  }
}

/* The plan at path, or NULL when it does not load; *sum its inputs' checksum. */
static cs_plan *plan_at(const char *path, char *sum, size_t n) {
  cs_diags *d = cs_diags_new();
  cs_plan *pl = NULL;
  if (d && cs_plan_load(path, &pl, d) != CS_OK) pl = NULL;
  cs_diags_free(d);
  if (pl) snprintf(sum, n, "fnv1a64:%016llx", (unsigned long long)pl->input_hash);
  return pl;
}

/* Folders above the results folder where a relative plan path is also tried: run_info has the
 * path as given to `careshift run`, relative to where it ran, which a report made elsewhere
 * does not know; the run's own folder is most often a folder or two below that. */
#define PLAN_UP 4

/* The plan run_info names, when it can be read here; m->plan_state says how it went. A relative
 * path is tried as it is (from the working directory); when that does not give the run's
 * checksum, from the results folder dir and the folders above it (dir/path, dir/../path, ...),
 * where only a copy with the run's checksum is taken: a plan.yaml of another project higher
 * up must not stand in for a missing one. m->plan_path is the file used. */
static void load_plan(cs_rmon *m, const cs_rdata *r, const char *dir) {
  char path[4096], sum[64], mine[64], best[64] = "", cand[8192];
  run_info(r, "plan", path, sizeof path);
  run_info(r, "inputs_checksum", sum, sizeof sum);
  m->plan_path = cs_arena_strdup(&m->ar, path);
  m->run_sum = cs_arena_strdup(&m->ar, sum);
  if (!*path) {
    m->plan_state = CS_RMON_PLAN_UNKNOWN;
    return;
  }
  cs_plan *pl = plan_at(path, best, sizeof best);
  for (int up = 0; *sum && path[0] != '/' && up <= PLAN_UP && (!pl || strcmp(best, sum)); up++) {
    int len = snprintf(cand, sizeof cand, "%s/", dir);
    for (int i = 0; i < up && len > 0 && (size_t)len < sizeof cand; i++)
      len += snprintf(cand + len, sizeof cand - (size_t)len, "../");
    if (len <= 0 || (size_t)len + strlen(path) >= sizeof cand) break;
    snprintf(cand + len, sizeof cand - (size_t)len, "%s", path);
    cs_plan *other = plan_at(cand, mine, sizeof mine);
    if (other && !strcmp(mine, sum)) { /* the run's own plan, found from its folder */
      cs_plan_free(pl);
      pl = other;
      snprintf(best, sizeof best, "%s", mine);
      m->plan_path = cs_arena_strdup(&m->ar, cand);
    } else {
      cs_plan_free(other);
    }
  }
  if (!pl) {
    m->plan_state = CS_RMON_PLAN_MISSING;
    return;
  }
  m->plan = pl;
  m->plan_sum = cs_arena_strdup(&m->ar, best);
  m->plan_state = strcmp(best, sum) ? CS_RMON_PLAN_CHANGED : CS_RMON_PLAN_SAME;
}

/* The comparison by the monitor layer; a failure leaves m->mon NULL (rows without status). */
static cs_status compare(cs_rmon *m, const char *db_path, int threads) {
  cs_monitor_status_options o;
  cs_monitor_status_options_init(&o);
  o.threads = threads;
  cs_diags *d = cs_diags_new();
  if (!d) return CS_ENOMEM;
  cs_status st = cs_monitor_status(m->plan, db_path, &o, &m->mon, d);
  keep_warnings(m, d);
  if (st != CS_OK && st != CS_ENOMEM) { /* a database it refuses: say so, show the actuals */
    for (size_t i = 0; i < cs_diags_count(d) && m->warn && !m->nwarn; i++)
      m->warn[m->nwarn++] = cs_arena_strdup(&m->ar, cs_diags_get(d, i));
    m->mon = NULL;
    st = CS_OK;
  }
  cs_diags_free(d);
  if (m->mon) m->band_draws = cs_monitor_draws(m->mon);
  return st;
}

/* ---- without the plan: the actuals as they are, against the run's planned values ---- */

/* The level, name and subregion of a place as the run's areas table knows it. */
static void place_of(const cs_rdata *r, cs_rmon *m, const char *place, cs_monitor_row *o) {
  o->level = "region", o->name = "", o->subregion = "";
  if (!strcmp(place, "region")) return;
  sqlite3_stmt *q =
      cs_rdata_query(r, "SELECT 'area', name, subregion FROM areas WHERE area = ?1 UNION ALL "
                        "SELECT 'subregion', subregion, subregion FROM areas WHERE subregion = ?1 "
                        "LIMIT 1");
  if (q && sqlite3_bind_text(q, 1, place, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    o->level = cs_arena_strdup(&m->ar, cs_ck_text_col(q, 0));
    o->name = cs_arena_strdup(&m->ar, cs_ck_text_col(q, 1));
    o->subregion = cs_arena_strdup(&m->ar, cs_ck_text_col(q, 2));
  }
  sqlite3_finalize(q);
}

static cs_status own_row(cs_rmon *m, const cs_rdata *r, sqlite3_stmt *q) {
  cs_monitor_row *o = &m->own[m->nrow];
  *o = (cs_monitor_row){.year = sqlite3_column_int(q, 2),
                        .indicator = cs_arena_strdup(&m->ar, cs_ck_text_col(q, 0)),
                        .place = cs_arena_strdup(&m->ar, cs_ck_text_col(q, 1)),
                        .direction = "",
                        .target = NAN,
                        .low = NAN,
                        .high = NAN,
                        .realised = sqlite3_column_double(q, 3),
                        .status = "",
                        .from = "actual",
                        .source = cs_arena_strdup(&m->ar, cs_ck_text_col(q, 4)),
                        .band_used_low = NAN,
                        .band_used_high = NAN,
                        .baseline = NAN,
                        .effect_realised = NAN,
                        .milestone_met = ""};
  if (!o->indicator || !o->place || !o->source) return CS_ENOMEM;
  place_of(r, m, o->place, o);
  double *traj = cs_rmon_trajectory(r, o->indicator, o->level, o->place);
  o->planned = traj ? traj[o->year - r->first_year] : NAN;
  cs_free(traj);
  o->difference = o->realised - o->planned;
  o->difference_pct = o->planned != 0 ? 100 * o->difference / o->planned : NAN;
  m->nrow++;
  return CS_OK;
}

static cs_status own_rows(cs_rmon *m, const cs_rdata *r) {
  size_t n = (size_t)cs_rdata_scalar(r, "SELECT count(*) FROM actuals", 0);
  sqlite3_stmt *q = cs_rdata_query(r, "SELECT indicator, area, year, value, source FROM actuals "
                                      "ORDER BY year, rowid");
  m->own = cs_arena_calloc(&m->ar, n + 1, sizeof *m->own);
  cs_status st = q && m->own ? CS_OK : CS_ENOMEM;
  while (st == CS_OK && m->nrow < n && sqlite3_step(q) == SQLITE_ROW) {
    int y = sqlite3_column_int(q, 2);
    if (y >= r->first_year && y <= r->last_year) st = own_row(m, r, q);
  }
  sqlite3_finalize(q);
  return st;
}

/* ---- the planned trajectory: the run's plan scenario per year, summed over a place, as
 * monitor status sums it (docs/monitoring.md, the table of indicators) ---- */

static const char *traj_sql(const char *kind) {
  static const struct {
    const char *kind, *sql;
  } K[] = {
      {"participants", "SELECT year, total(participants) FROM interventions WHERE scenario = "
                       "'plan' AND intervention = ?1"},
      {"units", "SELECT year, total(units) FROM care WHERE scenario = 'plan' AND sector = ?1"},
      {"cost", "SELECT year, total(cost) FROM care WHERE scenario = 'plan' AND sector IN (SELECT "
               "sector FROM sectors WHERE payer = ?1)"},
      {"fte_demand", "SELECT year, total(demand_fte) FROM workforce WHERE scenario = 'plan' AND "
                     "\"group\" = ?1"},
      {"supply_fte", "SELECT year, total(supply_fte) FROM workforce WHERE scenario = 'plan' AND "
                     "\"group\" = ?1"},
      {"population", "SELECT year, total(population) FROM demography WHERE scenario = 'plan' AND "
                     "?1 IS NULL"}};
  for (size_t i = 0; i < sizeof K / sizeof *K; i++)
    if (!strcmp(K[i].kind, kind)) return K[i].sql;
  return NULL;
}

/* The place's condition: workforce rows are per subregion, the others per area. */
static const char *place_sql(const char *kind, const char *level) {
  if (!strcmp(level, "region")) return "?2 IS NOT NULL";
  if (!strncmp(kind, "fte_demand", 10) || !strncmp(kind, "supply_fte", 10)) return "subregion = ?2";
  return !strcmp(level, "subregion") ? "area IN (SELECT area FROM areas WHERE subregion = ?2)"
                                     : "area = ?2";
}

double *cs_rmon_trajectory(const cs_rdata *r, const char *indicator, const char *level,
                           const char *place) {
  char kind[32], sql[640];
  const char *colon = strchr(indicator, ':');
  snprintf(kind, sizeof kind, "%.*s", colon ? (int)(colon - indicator) : 31, indicator);
  const char *fmt = traj_sql(kind);
  int ny = r->last_year - r->first_year + 1;
  if (!fmt || ny <= 0) return NULL;
  snprintf(sql, sizeof sql, "%s AND %s GROUP BY year", fmt, place_sql(kind, level));
  double *v = cs_malloc((size_t)ny * sizeof *v);
  sqlite3_stmt *q = v ? cs_rdata_query(r, sql) : NULL;
  for (int i = 0; v && i < ny; i++)
    v[i] = NAN;
  if (q) {
    if (colon)
      sqlite3_bind_text(q, 1, colon + 1, -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(q, 1);
    sqlite3_bind_text(q, 2, place, -1, SQLITE_STATIC);
  }
  while (q && sqlite3_step(q) == SQLITE_ROW) {
    int y = sqlite3_column_int(q, 0) - r->first_year;
    if (y >= 0 && y < ny) v[y] = sqlite3_column_double(q, 1);
  }
  sqlite3_finalize(q);
  return v;
}

/* ---- the whole ---- */

cs_status cs_rmon_load(const cs_rdata *r, const char *dir, int threads, cs_rmon **out,
                       cs_diags *d) {
  *out = NULL;
  if (!cs_rmon_has_actuals(r)) return CS_OK;
  cs_rmon *m = cs_calloc(1, sizeof *m);
  if (!m) return CS_ENOMEM;
  cs_arena_init(&m->ar);
  char rd[64];
  run_info(r, "draws", rd, sizeof rd);
  m->run_draws = atoi(rd);
  run_info(r, "reforecast_from_year", rd, sizeof rd); /* also when the plan cannot be read */
  m->reforecast_from = atoi(rd);
  load_plan(m, r, dir);
  size_t n = strlen(dir) + sizeof "/results.db";
  char *db_path = cs_malloc(n);
  cs_status st = db_path ? CS_OK : CS_ENOMEM;
  if (db_path) snprintf(db_path, n, "%s/results.db", dir);
  if (st == CS_OK && m->plan) st = compare(m, db_path, threads);
  if (m->mon && cs_monitor_reforecast_from(m->mon))
    m->reforecast_from = cs_monitor_reforecast_from(m->mon);
  if (st == CS_OK && !m->mon) st = own_rows(m, r);
  cs_free(db_path);
  if (st != CS_OK) {
    if (st == CS_ENOMEM) cs_diags_add(d, dir, 0, 0, "out of memory comparing the actuals");
    cs_rmon_free(m);
    return st;
  }
  *out = m;
  return CS_OK;
}

void cs_rmon_free(cs_rmon *m) {
  if (!m) return;
  cs_monitor_free(m->mon);
  cs_plan_free(m->plan);
  cs_arena_release(&m->ar);
  cs_free(m);
}

size_t cs_rmon_count(const cs_rmon *m) { return m->mon ? cs_monitor_row_count(m->mon) : m->nrow; }

const cs_monitor_row *cs_rmon_row(const cs_rmon *m, size_t i) {
  if (m->mon) return cs_monitor_row_at(m->mon, i);
  return i < m->nrow ? &m->own[i] : NULL;
}

const char *cs_rmon_iv_name(const cs_rmon *m, const char *indicator) {
  if (!m->plan || strncmp(indicator, "participants:", 13)) return NULL;
  for (int32_t i = 0; i < m->plan->niv; i++)
    if (!strcmp(m->plan->ivs[i].id, indicator + 13)) return m->plan->ivs[i].name;
  return NULL;
}

/* ---- the rows as the API answers them: monitoring.csv's columns, numbers as numbers ---- */

static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* A row; with r (the answer's data, in its language) also the indicator as the report labels
 * it and the intervention's name. */
static json_t *row_json(const cs_rmon *m, const cs_rdata *r, const cs_monitor_row *w, int nl) {
  json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "year", w->year, "indicator",
                        w->indicator, "level", w->level, "place", w->place, "name", w->name,
                        "subregion", w->subregion, "direction", w->direction);
  if (!o) return NULL;
  json_object_set_new(o, "target", num(w->target));
  json_object_set_new(o, "planned", num(w->planned));
  json_object_set_new(o, "p2_5", num(w->low));
  json_object_set_new(o, "p97_5", num(w->high));
  json_object_set_new(o, "realised", num(w->realised));
  json_object_set_new(o, "difference", num(w->difference));
  json_object_set_new(o, "difference_pct", num(w->difference_pct));
  json_object_set_new(o, "baseline", num(w->baseline));
  json_object_set_new(o, "effect_realised", num(w->effect_realised));
  json_object_set_new(o, "status", *w->status ? json_string(w->status) : json_null());
  json_object_set_new(o, "status_label", json_string(cs_rmon_status_label(w->status, nl)));
  json_object_set_new(o, "realised_from", json_string(w->from));
  json_object_set_new(o, "source", json_string(w->source));
  json_object_set_new(o, "band_used_low", num(w->band_used_low));
  json_object_set_new(o, "band_used_high", num(w->band_used_high));
  json_object_set_new(o, "milestone_met", json_string(w->milestone_met ? w->milestone_met : ""));
  cs_mon_dec d;
  cs_mon_decimals(w, &d);
  json_object_set_new(o, "decimals",
                      json_pack("{s:i, s:i, s:i, s:i}", "realised", d.realised, "band", d.band,
                                "difference_pct", d.pct, "effect_pct", d.effect));
  if (r) {
    char label[300], unit[80];
    const char *iv = cs_rmon_iv_name(m, w->indicator);
    cs_rmon_indicator_label(r, w->indicator, label, sizeof label, unit, sizeof unit);
    json_object_set_new(o, "indicator_label", json_string(label));
    json_object_set_new(o, "intervention_name", json_string(iv ? iv : ""));
  }
  return o;
}

static json_t *rows_json(const cs_rmon *m, const cs_rdata *r, int nl, int year) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < cs_rmon_count(m); i++) {
    const cs_monitor_row *w = cs_rmon_row(m, i);
    if (year && w->year != year) continue;
    if (json_array_append_new(a, row_json(m, r, w, nl))) {
      json_decref(a);
      return NULL;
    }
  }
  return a;
}

json_t *cs_rmon_rows_json(const cs_rmon *m, int nl, int year) {
  return rows_json(m, NULL, nl, year);
}

static const char *const PLAN_STATE[] = {"unchanged", "changed", "missing", "unknown"};

/* s without every copy of dir (the plan's folder, with its '/'): an API answer names files,
 * never where the server keeps them. */
static json_t *folderless(const char *s, const char *dir, size_t dn) {
  char *out = dn ? cs_strcut(s, dir, dn) : NULL;
  json_t *j = json_string(out ? out : s);
  cs_free(out);
  return j;
}

json_t *cs_rmon_answer(const cs_rmon *m, const cs_rdata *r, int year) {
  const char *path = m->plan_path ? m->plan_path : "", *slash = strrchr(path, '/');
  size_t dn = slash ? (size_t)(slash - path) + 1 : 0;
  char note[1200];
  cs_rmon_note(m, r->nl, note, sizeof note);
  json_t *warn = json_array();
  for (size_t i = 0; warn && i < m->nwarn; i++)
    json_array_append_new(warn, folderless(m->warn[i], path, dn));
  json_t *plan =
      json_pack("{s:s, s:s, s:s, s:s?}", "path", path + dn, "state", PLAN_STATE[m->plan_state],
                "run_checksum", m->run_sum, "checksum", m->plan_sum);
  json_t *a = json_pack("{s:s, s:o, s:o, s:b, s:i, s:i, s:o, s:o}", "lang", r->nl ? "nl" : "en",
                        "year", year ? json_integer(year) : json_null(), "plan", plan, "status",
                        m->mon != NULL, "draws", m->run_draws, "band_draws", m->band_draws, "note",
                        folderless(note, path, dn), "warnings", warn);
  if (!a) return NULL;
  json_object_set_new(a, "reforecast_from_year",
                      m->reforecast_from ? json_integer(m->reforecast_from) : json_null());
  json_object_set_new(a, "effect_note", json_string(cs_rmon_effect_note(r->nl)));
  json_t *rows = rows_json(m, r, r->nl, year), *charts = cs_rmon_charts(m, r, year);
  if (!rows || !charts) {
    json_decref(rows), json_decref(charts), json_decref(a);
    return NULL;
  }
  json_object_set_new(a, "rows", rows);
  json_object_set_new(a, "charts", charts);
  return a;
}
