/* whatif.c: POST /api/whatif, "what if uptake of ACP is only 20 %?": the plan is loaded again
 * with the body's overrides (the same PATH=VALUE as `careshift run --set`, so the loader checks
 * an override as it checks the file), run deterministically (or with a PSA of the body's draws)
 * into a private in-memory database and answered with the verdict, the business case and the
 * charts, as GET /api/summary, /api/psa and /api/charts give them for the plan itself. Nothing
 * is written to disk.
 *
 * A run takes about a second, so it never runs on a server thread, which serves many
 * connections: the connection is suspended, the run gets its own thread, and the connection is
 * resumed with the answer. At most opt.whatif_max runs at once; one more is refused with 503
 * and Retry-After rather than queued, so a burst can never pile up work or memory.
 * GET /api/whatif/parameters lists what the dashboard's sliders move. */
#include "serve.h"
#include "plan/plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WHATIF_MAX_SETS 256    /* overrides in one request */
#define WHATIF_MAX_PART 256    /* bytes of a path or a text value */
#define WHATIF_RETRY_AFTER "1" /* seconds: about one run */
/* PSA draws of one what-if: the example's 1,000 take about 2 to 5 s on 2 cores */
#define WHATIF_MAX_DRAWS 1000

typedef struct {
  cs_server *srv;
  cs_sv_req *rq;
  char **sets; /* "PATH=VALUE" */
  size_t nset;
  json_t *set;    /* the body's "set", echoed */
  json_t *charts; /* the body's "charts": the ids wanted; NULL for all */
  double load_seconds;
  cs_plan *plan;    /* loaded with the overrides, checked, before a slot is taken */
  int plan_changed; /* the plan's files (YAML and tables) are not those run at start */
  char scenario[128];
  int nl;
  int draws;     /* PSA draws (with draw 0), 0: deterministic */
  uint64_t seed; /* their seed: the plan's psa.seed (an override may set it), else 1 */
} job;

cs_status cs_sv_whatif_init(cs_server *s) {
  if (pthread_mutex_init(&s->wi.mu, NULL)) return CS_ENOMEM;
  if (pthread_cond_init(&s->wi.cv, NULL)) {
    pthread_mutex_destroy(&s->wi.mu);
    return CS_ENOMEM;
  }
  s->wi.max = s->opt.whatif_max;
  s->wi.ready = 1;
  return CS_OK;
}

void cs_sv_whatif_stop(cs_server *s) {
  if (!s->wi.ready) return;
  pthread_mutex_lock(&s->wi.mu);
  s->wi.cancel = 1; /* under the lock: no slot is taken after this */
  while (s->wi.alive)
    pthread_cond_wait(&s->wi.cv, &s->wi.mu);
  pthread_mutex_unlock(&s->wi.mu);
}

void cs_sv_whatif_destroy(cs_server *s) {
  if (!s->wi.ready) return;
  pthread_cond_destroy(&s->wi.cv);
  pthread_mutex_destroy(&s->wi.mu);
  s->wi.ready = 0;
}

static void job_free(job *j) {
  if (!j) return;
  for (size_t i = 0; i < j->nset; i++)
    cs_free(j->sets[i]);
  cs_free(j->sets);
  json_decref(j->set);
  json_decref(j->charts);
  cs_plan_free(j->plan);
  cs_free(j);
}

/* ---- the body ---- */

/* A 400 naming field; returns 0 for the caller's return. */
typedef struct {
  char field[WHATIF_MAX_PART + 8];
  int has_field; /* 0: the answer's field is null (out of memory) */
  char msg[512];
} refusal;

/* field NULL: no field (out of memory); "" is a field: the empty path that was sent. */
__attribute__((format(printf, 3, 4))) static int refuse(refusal *r, const char *field,
                                                        const char *fmt, ...) {
  r->has_field = field != NULL;
  snprintf(r->field, sizeof r->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->msg, sizeof r->msg, fmt, ap);
  va_end(ap);
  return 0;
}

/* The fewest digits that read back as the very double that was sent: a message then quotes
 * 1.1, not 1.1000000000000001. */
static void shortest(double x, char *out, size_t n) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(out, n, "%.*g", digits, x);
    if (strtod(out, NULL) == x) return;
  }
}

/* "PATH=VALUE" for one override; 0 with the refusal when the value cannot be one. */
static int one_set(const char *path, json_t *v, char **out, refusal *r) {
  char val[WHATIF_MAX_PART + 1];
  if (!*path || strlen(path) > WHATIF_MAX_PART || strchr(path, '='))
    return refuse(r, path, "a path is 1 to %d bytes without '='", WHATIF_MAX_PART);
  if (json_is_integer(v))
    snprintf(val, sizeof val, "%lld", (long long)json_integer_value(v));
  else if (json_is_real(v))
    shortest(json_real_value(v), val, sizeof val);
  else if (json_is_boolean(v))
    snprintf(val, sizeof val, "%s", json_is_true(v) ? "true" : "false");
  else if (json_is_string(v) && json_string_length(v) == strlen(json_string_value(v)) &&
           json_string_length(v) > 0 && json_string_length(v) <= WHATIF_MAX_PART)
    snprintf(val, sizeof val, "%s", json_string_value(v));
  else
    return refuse(r, path,
                  "expected a number, true or false, or a text of 1 to %d bytes without NUL",
                  WHATIF_MAX_PART);
  size_t n = strlen(path) + strlen(val) + 2;
  if (!(*out = cs_malloc(n))) return refuse(r, NULL, "out of memory");
  snprintf(*out, n, "%s=%s", path, val);
  return 1;
}

static int read_sets(job *j, json_t *set, refusal *r) {
  if (!set)
    set = json_object();
  else
    json_incref(set);
  j->set = set;
  if (!json_is_object(set)) return refuse(r, "set", "\"set\" must be an object of PATH: value");
  if (json_object_size(set) > WHATIF_MAX_SETS)
    return refuse(r, "set", "at most %d overrides at once", WHATIF_MAX_SETS);
  if (!(j->sets = cs_calloc(json_object_size(set) + 1, sizeof *j->sets)))
    return refuse(r, NULL, "out of memory");
  const char *path;
  json_t *v;
  json_object_foreach(set, path, v) {
    if (!one_set(path, v, &j->sets[j->nset], r)) return 0;
    j->nset++;
  }
  return 1;
}

/* "charts": the ids of the charts wanted (an empty array: none); absent: all. */
static int read_charts(job *j, json_t *c, refusal *r) {
  if (!c) return 1;
  size_t i;
  json_t *v;
  if (!json_is_array(c) || json_array_size(c) > 64)
    return refuse(r, "charts", "\"charts\" must be an array of at most 64 chart ids");
  json_array_foreach(c, i, v) if (!json_is_string(v)) return refuse(
      r, "charts", "\"charts\" must be an array of chart ids (texts), as /api/charts names them");
  j->charts = json_incref(c);
  return 1;
}

/* The job a body asks for; NULL with the refusal. */
static job *read_body(cs_sv_req *rq, refusal *r) {
  json_error_t err;
  json_t *body =
      json_loadb(rq->body.s ? rq->body.s : "", rq->body.len, JSON_REJECT_DUPLICATES, &err);
  job *j = cs_calloc(1, sizeof *j);
  int ok = j != NULL || refuse(r, NULL, "out of memory");
  if (ok && !body)
    ok = refuse(r, "body", "not JSON: %s at line %d column %d", err.text, err.line, err.column);
  if (ok && !json_is_object(body))
    ok = refuse(r, "body", "expected an object {\"set\": {PATH: value, ...}}");
  const char *key;
  json_t *v;
  if (ok) json_object_foreach(body, key, v) {
      if (ok && strcmp(key, "set") && strcmp(key, "scenario") && strcmp(key, "lang") &&
          strcmp(key, "charts") && strcmp(key, "draws"))
        ok = refuse(r, key, "unknown field '%.60s' (expected set, scenario, lang, charts, draws)",
                    key);
    }
  json_t *sc = ok ? json_object_get(body, "scenario") : NULL;
  json_t *lang = ok ? json_object_get(body, "lang") : NULL;
  if (ok && sc &&
      (!json_is_string(sc) || json_string_length(sc) >= sizeof j->scenario ||
       json_string_length(sc) != strlen(json_string_value(sc))))
    ok = refuse(r, "scenario", "expected a scenario's id (plan, a variant, without-THEME)");
  if (ok && lang &&
      (!json_is_string(lang) ||
       (strcmp(json_string_value(lang), "en") && strcmp(json_string_value(lang), "nl"))))
    ok = refuse(r, "lang", "lang must be \"en\" or \"nl\"");
  if (ok) {
    snprintf(j->scenario, sizeof j->scenario, "%s", sc ? json_string_value(sc) : "plan");
    j->nl = lang && !strcmp(json_string_value(lang), "nl");
    ok = read_charts(j, json_object_get(body, "charts"), r);
  }
  json_t *dr = ok ? json_object_get(body, "draws") : NULL;
  if (dr && (!json_is_integer(dr) || json_integer_value(dr) < 0 ||
             json_integer_value(dr) > WHATIF_MAX_DRAWS || json_integer_value(dr) == 1))
    ok = refuse(r, "draws",
                "draws must be an integer (no decimal point): 0 (deterministic) or 2 to %d (a PSA "
                "of that many draws, draw 0 at the means)",
                WHATIF_MAX_DRAWS);
  if (ok && dr) j->draws = (int)json_integer_value(dr);
  if (ok) {
    ok = read_sets(j, json_object_get(body, "set"), r);
  }
  json_decref(body);
  if (!ok) {
    job_free(j);
    return NULL;
  }
  return j;
}

/* ---- the run ---- */

/* The override a diagnostic names ("--set PATH=VALUE: ..."): its PATH, or "" for none. */
static void field_of(const job *j, const char *msg, char *out, size_t n) {
  out[0] = '\0';
  for (size_t i = 0; i < j->nset; i++) {
    size_t len = strlen(j->sets[i]);
    if (!strncmp(msg, "--set ", 6) && !strncmp(msg + 6, j->sets[i], len) && msg[6 + len] == ':') {
      snprintf(out, n, "%.*s", (int)strcspn(j->sets[i], "="), j->sets[i]);
      return;
    }
  }
}

/* m without the plan's directory wherever it names a file in it: a client sees the plan's
 * file names, never where the server keeps them. */
static json_t *without_dir(const char *m, const char *plan) {
  const char *slash = strrchr(plan, '/');
  char *out = slash ? cs_strcut(m, plan, (size_t)(slash - plan) + 1) : NULL;
  json_t *js = cs_sv_jstr(out ? out : m);
  cs_free(out);
  return js;
}

/* 400 with every problem the loader found, each with the override it names. */
static json_t *load_errors(const job *j, const cs_diags *d, const char *plan, int broken) {
  json_t *all = json_array();
  char field[WHATIF_MAX_PART + 8], first_field[WHATIF_MAX_PART + 8] = "";
  for (size_t i = 0; all && i < cs_diags_count(d); i++) {
    const char *m = cs_diags_get(d, i);
    field_of(j, m, field, sizeof field);
    /* the plan loads without overrides (plan_loads), so with one override a problem found in
     * the plan's own lines is that override's consequence (a later base year puts the plan's
     * start years before it) */
    if (!field[0] && j->nset == 1 && !broken)
      snprintf(field, sizeof field, "%.*s", (int)strcspn(j->sets[0], "="), j->sets[0]);
    if (!i) snprintf(first_field, sizeof first_field, "%s", field);
    json_array_append_new(all, json_pack("{s:o, s:o}", "field",
                                         field[0] ? cs_sv_jstr(field) : json_null(), "error",
                                         without_dir(m, plan)));
  }
  json_t *first = cs_diags_count(d) ? without_dir(cs_diags_get(d, 0), plan)
                                    : cs_sv_jstr("the plan cannot be run");
  return json_pack("{s:o, s:o, s:o}", "error", first, "field",
                   first_field[0] ? cs_sv_jstr(first_field) : json_null(), "errors",
                   all ? all : json_array());
}

static json_t *error_obj(const char *field, const char *msg) {
  return json_pack("{s:o, s:o}", "error", cs_sv_jstr(msg), "field",
                   field ? cs_sv_jstr(field) : json_null());
}

/* The charts of all that j asks for, in all's order; NULL with *unknown the first id asked for
 * that the run has not. */
static json_t *pick_charts(const job *j, json_t *all, const char **unknown) {
  *unknown = NULL;
  if (!j->charts) return json_incref(all);
  size_t i, k;
  json_t *want, *c;
  json_array_foreach(j->charts, i, want) {
    int found = 0;
    json_array_foreach(all, k, c) found |= json_equal(json_object_get(c, "id"), want);
    if (!found) {
      *unknown = json_string_value(want);
      return NULL;
    }
  }
  json_t *out = json_array();
  json_array_foreach(all, k, c) {
    int hit = 0;
    json_array_foreach(j->charts, i, want) hit |= json_equal(json_object_get(c, "id"), want);
    if (hit) json_array_append(out, c);
  }
  return out;
}

/* The answer from the run's tables in db: the summary and the charts, as the GET endpoints
 * give them for the plan. */
static json_t *answer_of(const job *j, sqlite3 *db, const double *t, int *status) {
  cs_rdata r;
  if (cs_rdata_attach(&r, db, j->nl) != CS_OK) {
    *status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    return error_obj(NULL, "the what-if run has no verdict tables");
  }
  cs_sv_years y = {r.short_year, r.long_year, r.has_psa};
  int known = 1;
  json_t *sum = cs_sv_summary_of(db, &y, j->scenario, &known);
  if (!sum) { /* (no_scenario refused a scenario without a verdict before the run) */
    *status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    return error_obj(NULL, known ? "out of memory" : "the what-if run has no such scenario");
  }
  double t_charts = cs_sv_now();
  /* (a what-if's PSA makes no one-way sensitivity runs: its tornado table is empty, and the
   * charts leave out what has no rows) */
  json_t *all = cs_charts_all(&r);
  const char *unknown = NULL;
  json_t *charts = all ? pick_charts(j, all, &unknown) : NULL;
  json_decref(all);
  if (unknown) {
    json_decref(sum);
    char msg[160];
    snprintf(msg, sizeof msg, "no chart '%.60s' in this run (the ids of GET /api/charts)", unknown);
    *status = MHD_HTTP_BAD_REQUEST;
    return error_obj("charts", msg);
  }
  int changed = j->plan_changed;
  *status = MHD_HTTP_OK;
  double now = cs_sv_now();
  /* where the time went: loading the plan, the run, its tables into memory, summary and charts */
  json_t *timing = json_pack("{s:f, s:f, s:f, s:f}", "load", t[1] - t[0], "run", t[2] - t[1],
                             "tables", t[3] - t[2], "charts", now - t_charts);
  /* with draws, the scenario's PSA as GET /api/psa?scenario= gives it for a run */
  json_t *psa = j->draws > 0 ? cs_sv_psa_of(db, j->scenario) : json_null();
  json_t *seed = j->draws > 0 ? json_integer((json_int_t)j->seed) : json_null();
  return json_pack("{s:O, s:s, s:s, s:i, s:o, s:f, s:o, s:b, s:o, s:o, s:o}", "set", j->set,
                   "scenario", j->scenario, "lang", j->nl ? "nl" : "en", "draws", j->draws, "seed",
                   seed ? seed : json_null(), "seconds", now - t[0], "timing",
                   timing ? timing : json_null(), "plan_changed", changed, "summary", sum, "psa",
                   psa ? psa : json_null(), "charts", charts ? charts : json_array());
}

static json_t *run_job(const job *j, int *status) {
  /* loading the plan, the run, its tables into memory: the plan was loaded before the slot */
  double now = cs_sv_now(), t[4] = {now - j->load_seconds, now, 0, 0};
  cs_diags *d = cs_diags_new();
  cs_run *run = NULL;
  sqlite3 *db = NULL;
  json_t *out = NULL;
  cs_run_options o;
  cs_run_options_init(&o);
  o.threads = 0;                 /* one per CPU: a steering group waits for one run at a time */
  o.no_intervention_shapley = 1; /* seconds of sampling; the verdict does not need it */
  if (j->draws > 0) { /* the plan's seed, as `careshift run --psa`: the same draws every time */
    o.draws = j->draws;
    o.seed = j->seed;
    o.tornado = 0; /* 2 runs per uncertain number for a chart the what-if does not answer */
  }
  o.cancel = &j->srv->wi.cancel;
  cs_status st = d ? cs_run_new(j->plan, &o, &run, d) : CS_ENOMEM;
  t[2] = cs_sv_now();
  if (st == CS_OK && sqlite3_open(":memory:", &db) != SQLITE_OK) st = CS_ENOMEM;
  if (st == CS_OK) st = cs_sv_tables_to_db(run, db, d);
  t[3] = cs_sv_now();
  if (st == CS_OK) out = answer_of(j, db, t, status);
  if (!out) {
    *status = st == CS_ECANCELED ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_INTERNAL_SERVER_ERROR;
    out = error_obj(NULL, st == CS_ECANCELED  ? "the server is stopping"
                          : cs_diags_count(d) ? cs_diags_get(d, 0)
                                              : cs_status_str(st));
  }
  sqlite3_close(db);
  cs_run_free(run);
  cs_diags_free(d);
  return out;
}

static void *worker(void *arg) {
  job *j = arg;
  cs_server *s = j->srv;
  cs_sv_req *rq = j->rq;
  int status = MHD_HTTP_INTERNAL_SERVER_ERROR;
  json_t *a = run_job(j, &status);
  rq->job_body = a ? cs_sv_dump(a, &rq->job_len) : NULL;
  json_decref(a);
  rq->job_status = status;
  rq->job = 2;
  job_free(j);
  /* the slot is free before the answer goes out, so the client's next what-if finds it free;
   * the thread counts as alive until after the resume, so a stopping server never stops with a
   * connection still suspended */
  pthread_mutex_lock(&s->wi.mu);
  s->wi.running--;
  pthread_mutex_unlock(&s->wi.mu);
  MHD_resume_connection(rq->conn);
  pthread_mutex_lock(&s->wi.mu);
  s->wi.alive--;
  pthread_cond_broadcast(&s->wi.cv);
  pthread_mutex_unlock(&s->wi.mu);
  return NULL;
}

/* A slot for one more run; 0 when all are taken (or the server is stopping). */
static int take_slot(cs_server *s) {
  pthread_mutex_lock(&s->wi.mu);
  int ok = !s->wi.cancel && s->wi.running < s->wi.max;
  if (ok) {
    s->wi.running++;
    s->wi.alive++;
  }
  pthread_mutex_unlock(&s->wi.mu);
  return ok;
}

static void give_slot(cs_server *s) {
  pthread_mutex_lock(&s->wi.mu);
  s->wi.running--;
  s->wi.alive--;
  pthread_cond_broadcast(&s->wi.cv);
  pthread_mutex_unlock(&s->wi.mu);
}

/* The answer of a finished run, on the connection's second call after its resume. */
static enum MHD_Result send_result(cs_sv_req *rq) {
  char *body = rq->job_body;
  rq->job_body = NULL;
  if (!body) return cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
  if (rq->job_status == MHD_HTTP_SERVICE_UNAVAILABLE)
    return cs_sv_send_with(rq, rq->job_status, body, rq->job_len, MHD_HTTP_HEADER_RETRY_AFTER,
                           WHATIF_RETRY_AFTER);
  return cs_sv_send(rq, rq->job_status, body, rq->job_len);
}

static enum MHD_Result busy(cs_sv_req *rq) {
  size_t len = 0;
  json_t *e =
      error_obj(NULL, rq->srv->wi.cancel ? "the server is stopping: no new what-if is started"
                                         : "every what-if slot is taken: try again in a second");
  char *s = e ? cs_sv_dump(e, &len) : NULL;
  json_decref(e);
  if (!s) return cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
  return cs_sv_send_with(rq, MHD_HTTP_SERVICE_UNAVAILABLE, s, len, MHD_HTTP_HEADER_RETRY_AFTER,
                         WHATIF_RETRY_AFTER);
}

/* 1 when path is a table of the plan (a file) or a part of one. */
static int is_table_path(const cs_server *s, const char *path) {
  for (size_t i = 0; i < json_array_size(s->table_paths); i++) {
    const char *t = json_string_value(json_array_get(s->table_paths, i));
    size_t n = strlen(t);
    if (!strncmp(path, t, n) && (!path[n] || path[n] == '.' || path[n] == '[') &&
        strcmp(path + n, ".scale") && strncmp(path + n, ".scale.", 7))
      return 1; /* a table's scale is a number of the plan, not its file */
  }
  return 0;
}

/* A what-if moves numbers; it never names a file: the plan's tables stay the plan's, and no
 * request can make the server read (and quote) a file of its choice. */
static int safe_sets(const cs_server *s, const job *j, refusal *r) {
  const char *path;
  json_t *v;
  json_object_foreach(j->set, path, v) {
    (void)v; /* a file named in a value, at any depth, is the sealed loader's to refuse */
    if (is_table_path(s, path))
      return refuse(r, path, "a what-if cannot replace a table of the plan (a file)");
  }
  return 1;
}

/* 1 when the plan on disk loads without overrides: whether a refused what-if is the request's
 * fault (400) or the plan file's, edited since the server started (409). */
static int plan_loads(const char *plan) {
  cs_diags *d = cs_diags_new();
  cs_plan *p = NULL;
  cs_status st = d ? cs_plan_load_sealed(plan, NULL, 0, 1, &p, d) : CS_ENOMEM;
  cs_plan_free(p);
  cs_diags_free(d);
  return st != CS_EINVAL;
}

/* 409: the plan file itself no longer loads; no override can be run until it is fixed. */
static json_t *plan_broken(const job *j, const cs_diags *d, const char *plan) {
  json_t *e = load_errors(j, d, plan, 1);
  char msg[1200];
  snprintf(msg, sizeof msg,
           "the plan file no longer loads (it was changed on disk after the server started; "
           "fix it, or restart the server with a plan that loads): %s",
           json_string_value(json_object_get(e, "error")));
  json_object_set_new(e, "error", cs_sv_jstr(msg));
  json_object_set_new(e, "field", cs_sv_jstr("plan"));
  return e;
}

/* The first part in which p is larger than the served plan ("years", "themes", ...), or NULL. */
static const char *larger(const cs_server *s, const cs_plan *p) {
  cs_sv_size z;
  cs_sv_plan_size(p, &z);
  const cs_sv_size *m = &s->plan_size;
  /* not the uncertain numbers: a what-if runs at their means, and a distribution in a value
   * (a price as {dist: gamma, ...}) costs nothing more */
  const int got[] = {z.years,         z.scenarios, z.areas,   z.themes,
                     z.interventions, z.effects,   z.sectors, z.states};
  const int max[] = {m->years,         m->scenarios, m->areas,   m->themes,
                     m->interventions, m->effects,   m->sectors, m->states};
  static const char *const name[] = {"years",         "scenarios", "areas",   "themes",
                                     "interventions", "effects",   "sectors", "states"};
  for (size_t i = 0; i < sizeof got / sizeof *got; i++)
    if (got[i] > max[i]) return name[i];
  return NULL;
}

/* Why the loaded plan has no verdict for the job's scenario, or NULL when it has one: the
 * scenarios a run makes (baseline, plan, the variants, without-<theme> per theme; model.c),
 * checked before a slot is taken, so a mistyped scenario never costs a run of many draws. */
static const char *no_scenario(const job *j) {
  const cs_plan *pl = j->plan;
  const char *id = j->scenario;
  if (!strcmp(id, "plan")) return NULL;
  for (int32_t i = 0; i < pl->nscen; i++)
    if (!strcmp(id, pl->scens[i].id)) return NULL;
  for (int32_t t = 0; t < pl->ntheme; t++)
    if (!strncmp(id, "without-", 8) && !strcmp(id + 8, pl->themes[t].id)) return NULL;
  if (!strcmp(id, "baseline"))
    return "the baseline has no verdict: it is what the others are compared with";
  /* without-T is made only while theme T is in the plan: switched off, the plan is it */
  if (!strncmp(id, "without-", 8))
    return "with these overrides the what-if has no scenario of that name: a theme switched off "
           "(themes[T].enabled: false) has no without-T variant, since the plan itself then "
           "leaves it out";
  return "the plan has no such scenario";
}

/* The plan with the overrides, checked by the loader on this thread (milliseconds), so a
 * refused override is a 400 whether or not a slot is free; a plan that would cost more than
 * the plan itself (a longer projection, more scenarios) is refused too. MHD_YES with nothing
 * answered: j->plan is ready. */
static enum MHD_Result load_plan(cs_sv_req *rq, job *j) {
  cs_server *s = rq->srv;
  double t0 = cs_sv_now();
  cs_diags *d = cs_diags_new();
  cs_status st =
      d ? cs_plan_load_sealed(s->opt.plan, (const char *const *)j->sets, j->nset, 1, &j->plan, d)
        : CS_ENOMEM;
  j->load_seconds = cs_sv_now() - t0;
  enum MHD_Result res = MHD_YES;
  if (st == CS_EINVAL && d && !plan_loads(s->opt.plan))
    res = cs_sv_json(rq, MHD_HTTP_CONFLICT, plan_broken(j, d, s->opt.plan));
  else if (st == CS_EINVAL && d)
    res = cs_sv_json(rq, MHD_HTTP_BAD_REQUEST, load_errors(j, d, s->opt.plan, 0));
  else if (st != CS_OK)
    res = cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "%s", cs_status_str(st));
  cs_diags_free(d);
  if (st != CS_OK) return res;
  char sum[32];
  snprintf(sum, sizeof sum, "fnv1a64:%016llx", (unsigned long long)j->plan->files_hash);
  j->plan_changed = strcmp(sum, s->plan_checksum) != 0;
  const char *what = larger(s, j->plan);
  if (what) {
    /* the one override that did it, when there is one; else the part of the plan */
    char field[WHATIF_MAX_PART + 1];
    if (j->nset == 1)
      snprintf(field, sizeof field, "%.*s", (int)strcspn(j->sets[0], "="), j->sets[0]);
    else
      snprintf(field, sizeof field, "%s", what);
    const cs_sv_size *m = &s->plan_size;
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, field,
                       "a what-if may not make the run larger than the plan's own (more %s; the "
                       "plan has %d years, %d variants, %d areas, %d themes, %d interventions, %d "
                       "effects, %d sectors, %d states)",
                       what, m->years, m->scenarios, m->areas, m->themes, m->interventions,
                       m->effects, m->sectors, m->states);
  }
  const char *why = no_scenario(j);
  if (why) return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "scenario", "%s", why);
  cs_plan_info in;
  cs_plan_get_info(j->plan, &in);
  j->seed = in.psa_has_seed ? in.psa_seed : 1;
  return MHD_YES;
}

enum MHD_Result cs_sv_api_whatif(cs_sv_req *rq) {
  cs_server *s = rq->srv;
  if (rq->job == 2) return send_result(rq);
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, NULL, 0, &res)) return res;
  if (!s->opt.plan)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "path",
                       "what-if runs need the plan: start the server with --plan PLAN");
  /* JSON only: a form or text/plain POST is what another site's page can send unasked */
  const char *type =
      MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (!type || strncasecmp(type, "application/json", 16) ||
      (type[16] && type[16] != ';' && type[16] != ' '))
    return cs_sv_error(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content-type",
                       "the body must be sent as Content-Type: application/json");
  refusal r;
  job *j = read_body(rq, &r);
  if (j && safe_sets(s, j, &r)) {
    enum MHD_Result bad = load_plan(rq, j);
    if (bad != MHD_YES || rq->answered) {
      job_free(j);
      return bad;
    }
  } else if (j) {
    job_free(j);
    j = NULL;
  }
  if (!j) return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, r.has_field ? r.field : NULL, "%s", r.msg);
  if (!take_slot(s)) {
    job_free(j);
    return busy(rq);
  }
  j->srv = s;
  j->rq = rq;
  pthread_attr_t at;
  pthread_t t;
  int ok = !pthread_attr_init(&at);
  if (ok) {
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    rq->job = 1;
    MHD_suspend_connection(rq->conn);
    ok = !pthread_create(&t, &at, worker, j);
    pthread_attr_destroy(&at);
    if (!ok) MHD_resume_connection(rq->conn);
  }
  if (ok) return MHD_YES;
  rq->job = 0;
  job_free(j);
  give_slot(s);
  return cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "cannot start a thread");
}
