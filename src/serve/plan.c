/* plan.c: `serve --plan`: the plan is run once at start (every scenario, every uncertain number
 * at its mean, as `careshift run` without --draws) and its tables are held in an in-memory
 * SQLite database, so every GET endpoint, the charts and the dashboard read it exactly as they
 * read a run's results.db, and nothing is written to disk. A what-if run (whatif.c) goes into
 * a private in-memory database the same way. */
#include "serve.h"

#include "plan/plan.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *sql_type(cs_type t) {
  return t == CS_INT ? "INTEGER" : t == CS_REAL ? "REAL" : "TEXT";
}

static cs_status sql_fail(sqlite3 *db, const char *table, cs_diags *d) {
  cs_diags_add(d, NULL, 0, 0, "in-memory database: table %s: %s", table, sqlite3_errmsg(db));
  return sqlite3_errcode(db) == SQLITE_NOMEM ? CS_ENOMEM : CS_EIO;
}

/* CREATE TABLE and the INSERT of t's columns, as the SQLite sink declares them (io/output.c),
 * so a query of results.db reads the same here. */
static cs_status create(sqlite3 *db, const cs_table *t, sqlite3_stmt **ins) {
  sqlite3_str *cr = sqlite3_str_new(db), *in = sqlite3_str_new(db);
  sqlite3_str_appendf(cr, "CREATE TABLE \"%w\" (", cs_table_name(t));
  sqlite3_str_appendf(in, "INSERT INTO \"%w\" VALUES (", cs_table_name(t));
  for (size_t i = 0; i < cs_table_column_count(t); i++) {
    const cs_column *c = cs_table_column(t, i);
    sqlite3_str_appendf(cr, "%s\"%w\" %s", i ? ", " : "", c->name, sql_type(c->type));
    sqlite3_str_appendf(in, "%s?", i ? ", " : "");
  }
  sqlite3_str_appendall(cr, ")");
  sqlite3_str_appendall(in, ")");
  char *csql = sqlite3_str_finish(cr), *isql = sqlite3_str_finish(in);
  int rc = !csql || !isql ? SQLITE_NOMEM : sqlite3_exec(db, csql, NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, isql, -1, ins, NULL);
  sqlite3_free(csql);
  sqlite3_free(isql);
  return rc == SQLITE_OK ? CS_OK : rc == SQLITE_NOMEM ? CS_ENOMEM : CS_EIO;
}

static int bind_row(sqlite3_stmt *ins, const cs_table *t, const cs_value *v) {
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < cs_table_column_count(t); i++) {
    cs_type type = cs_table_column(t, i)->type;
    int k = (int)i + 1;
    if (v[i].null)
      rc = sqlite3_bind_null(ins, k);
    else if (type == CS_TEXT)
      rc = sqlite3_bind_text(ins, k, v[i].s, -1, SQLITE_STATIC);
    else if (type == CS_INT)
      rc = sqlite3_bind_int64(ins, k, v[i].i);
    else
      rc = sqlite3_bind_double(ins, k, v[i].d);
  }
  return rc;
}

static cs_status copy_table(sqlite3 *db, const cs_table *t, cs_diags *d) {
  sqlite3_stmt *ins = NULL;
  cs_cursor *cur = NULL;
  cs_status st = create(db, t, &ins);
  if (st == CS_OK) st = cs_cursor_open(t, &cur);
  while (st == CS_OK && cs_cursor_next(cur)) {
    if (bind_row(ins, t, cs_cursor_row(cur)) != SQLITE_OK || sqlite3_step(ins) != SQLITE_DONE)
      st = CS_EIO;
    sqlite3_reset(ins);
  }
  if (st != CS_OK && st != CS_ENOMEM) st = sql_fail(db, cs_table_name(t), d);
  cs_cursor_free(cur);
  sqlite3_finalize(ins);
  return st;
}

cs_status cs_sv_tables_to_db(const cs_run *run, sqlite3 *db, cs_diags *d) {
  if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) return sql_fail(db, "-", d);
  cs_status st = CS_OK;
  for (size_t i = 0; st == CS_OK && i < cs_run_table_count(run); i++)
    st = copy_table(db, cs_run_table(run, i), d);
  if (st == CS_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    st = sql_fail(db, "-", d);
  if (st != CS_OK) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return st;
}

/* What the first effect of an intervention does, in words a steering group reads (the what-if
 * slider moves its main number): "use of Huisartsenzorg", "share shifted from A to B". */
static void effect_words(const cs_plan *p, const cs_effect *e, int nl, char *out, size_t n) {
  const char *sec =
      e->sector >= 0 && e->sector < p->nsector
          ? (p->sectors[e->sector].name ? p->sectors[e->sector].name : p->sectors[e->sector].id)
          : "";
  switch (e->kind) {
  case CS_EFF_USE:
    snprintf(out, n, nl ? "effect op gebruik %s" : "effect on use of %s", sec);
    break;
  case CS_EFF_EOL:
    snprintf(out, n,
             nl ? "effect op gebruik %s in het laatste levensjaar"
                : "effect on end-of-life use of %s",
             sec);
    break;
  case CS_EFF_SHIFT: {
    const cs_sector *f = &p->sectors[e->from], *t = &p->sectors[e->to];
    snprintf(out, n, nl ? "deel verschoven van %s naar %s" : "share shifted from %s to %s",
             f->name ? f->name : f->id, t->name ? t->name : t->id);
    break;
  }
  case CS_EFF_FTE:
    snprintf(out, n, nl ? "effect op personeel per eenheid %s" : "effect on staff per unit of %s",
             sec);
    break;
  case CS_EFF_TRANSITION:
    snprintf(out, n, nl ? "effect op overgang %s naar %s" : "effect on transition %s to %s",
             p->states[e->from].id, p->states[e->to].id);
    break;
  case CS_EFF_WORKFORCE:
    snprintf(out, n, nl ? "personeel %s" : "workforce %s",
             e->group >= 0 && e->group < p->ngroup ? p->groups[e->group] : "");
    break;
  case CS_EFF_UTILITY:
    snprintf(out, n,
             nl ? "effect op kwaliteit van leven (utiliteit)"
                : "effect on quality of life (utility)");
    break;
  case CS_EFF_MORTALITY: snprintf(out, n, nl ? "effect op sterfte" : "effect on mortality"); break;
  case CS_EFF_EXTRA_USE:
    snprintf(out, n, nl ? "extra %s per persoonsjaar" : "extra %s per person-year", sec);
    break;
  }
}

/* The number an effect is mainly about, and its field: the change, the share shifted, or a
 * workforce effect's outflow change (its extra inflow when the outflow is not set). */
static cs_num main_num(const cs_plan *p, const cs_effect *e, const char **field) {
  switch (e->kind) {
  case CS_EFF_SHIFT: *field = "fraction"; return e->fraction;
  case CS_EFF_WORKFORCE: {
    /* an absent field is the loader's shared fixed 0, labelled "unused" */
    const cs_num o = e->outflow_change;
    int set =
        o.p >= 0 && o.p < p->ndist && p->dists[o.p].label && strcmp(p->dists[o.p].label, "unused");
    *field = set ? "outflow_change" : "extra_inflow";
    return set ? o : e->extra_inflow;
  }
  default: *field = "change"; return e->change;
  }
}

/* When the first effect's main number is a named parameter ($retention), the what-if slider
 * moves that parameter (an override of the effect's own path would only re-state the
 * reference): "param" and the "field" it fills, in l. */
static void shared_param(const cs_plan *p, const cs_effect *e, json_t *l) {
  const char *field;
  cs_num n = main_num(p, e, &field);
  if (n.p < 0 || n.p >= p->ndist) return;
  const char *label = p->dists[n.p].label;
  if (!label || label[0] != '$') return;
  json_object_set_new(l, "param", json_string(label));
  json_object_set_new(l, "param_field", json_string(field));
  json_object_set_new(l, "param_sign", json_real(n.sign));
}

/* Per intervention (by "themes[T].interventions[I]", the prefix of its input paths): its name
 * and its first effect in words, en and nl, for the what-if parameters' labels. */
static cs_status labels_of(const cs_plan *p, json_t **out) {
  json_t *o = json_object();
  for (int32_t t = 0; o && t < p->ntheme; t++)
    for (int32_t i = p->themes[t].first; i < p->themes[t].first + p->themes[t].count; i++) {
      const cs_intervention *iv = &p->ivs[i];
      char key[300], en[400] = "", nl[400] = "";
      snprintf(key, sizeof key, "themes[%s].interventions[%s]", p->themes[t].id, iv->id);
      if (iv->neffect > 0) {
        effect_words(p, &iv->effects[0], 0, en, sizeof en);
        effect_words(p, &iv->effects[0], 1, nl, sizeof nl);
      }
      json_t *l = json_pack("{s:s, s:s, s:s}", "name", iv->name ? iv->name : iv->id, "effect_en",
                            en, "effect_nl", nl);
      if (l && iv->neffect > 0) shared_param(p, &iv->effects[0], l);
      if (!l || json_object_set_new(o, key, l)) {
        json_decref(o);
        o = NULL;
      }
    }
  *out = o;
  return o ? CS_OK : CS_ENOMEM;
}

/* The plan's file name without its folder, as the run's id ("plan.yaml"). */
static char *plan_id(const char *path) {
  const char *base = strrchr(path, '/');
  return cs_strdup(base && base[1] ? base + 1 : path);
}

void cs_sv_plan_size(const cs_plan *p, cs_sv_size *out) {
  cs_plan_info info;
  cs_plan_get_info(p, &info);
  int effects = 0;
  for (int32_t v = 0; v < p->niv; v++)
    effects += p->ivs[v].neffect;
  *out = (cs_sv_size){info.horizon - info.base_year,
                      info.scenarios,
                      info.areas,
                      info.themes,
                      info.interventions,
                      effects,
                      info.sectors,
                      info.states};
}

cs_status cs_sv_plan_start(cs_server *s, cs_diags *d) {
  cs_plan *plan = NULL;
  cs_run *run = NULL;
  cs_status st = cs_plan_load(s->opt.plan, &plan, d);
  if (st == CS_OK) {
    cs_plan_info info;
    cs_plan_get_info(plan, &info);
    if (!(s->plan_name = cs_strdup(info.name ? info.name : ""))) st = CS_ENOMEM;
    cs_sv_plan_size(plan, &s->plan_size);
    st = labels_of(plan, &s->labels);
  }
  if (st == CS_OK) {
    cs_run_options o;
    cs_run_options_init(&o);
    o.threads = s->opt.threads;
    o.cancel = &s->wi.cancel;
    st = cs_run_new(plan, &o, &run, d);
  }
  /* a name no other server in this process has: the database lives while s->memdb is open */
  snprintf(s->memdb_uri, sizeof s->memdb_uri, "file:/careshift-%ld-%p?vfs=memdb", (long)getpid(),
           (void *)s);
  if (st == CS_OK && sqlite3_open_v2(s->memdb_uri, &s->memdb,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                                     NULL) != SQLITE_OK) {
    cs_diags_add(d, NULL, 0, 0, "cannot make the in-memory database: %s",
                 s->memdb ? sqlite3_errmsg(s->memdb) : "out of memory");
    st = CS_ENOMEM;
  }
  if (st == CS_OK) st = cs_sv_tables_to_db(run, s->memdb, d);
  if (st == CS_OK && !(s->run_id = plan_id(s->opt.plan))) st = CS_ENOMEM;
  cs_run_free(run);
  cs_plan_free(plan);
  return st;
}
