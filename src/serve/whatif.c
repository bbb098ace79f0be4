/* whatif.c: POST /api/whatif, "what if uptake of ACP is only 20 %?": the plan is loaded again
 * with the body's overrides (the same PATH=VALUE as `careshift run --set`, so the loader checks
 * an override as it checks the file), run deterministically into a private in-memory database
 * and answered with the verdict, the business case and the charts, as GET /api/summary and
 * /api/charts give them for the plan itself. Nothing is written to disk.
 *
 * A run takes about a second, so it never runs on a server thread, which serves many
 * connections: the connection is suspended, the run gets its own thread, and the connection is
 * resumed with the answer. At most opt.whatif_max runs at once; one more is refused with 503
 * and Retry-After rather than queued, so a burst can never pile up work or memory.
 * GET /api/whatif/parameters lists what the dashboard's sliders move. */
#include "serve.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WHATIF_MAX_SETS 256    /* overrides in one request */
#define WHATIF_MAX_PART 256    /* bytes of a path or a text value */
#define WHATIF_RETRY_AFTER "1" /* seconds: about one run */

typedef struct {
  cs_server *srv;
  cs_sv_req *rq;
  char **sets; /* "PATH=VALUE" */
  size_t nset;
  json_t *set; /* the body's "set", echoed */
  char scenario[128];
  int nl;
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
  s->wi.cancel = 1;
  pthread_mutex_lock(&s->wi.mu);
  while (s->wi.running)
    pthread_cond_wait(&s->wi.cv, &s->wi.mu);
  pthread_mutex_unlock(&s->wi.mu);
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
  cs_free(j);
}

/* ---- the body ---- */

/* A 400 naming field; returns 0 for the caller's return. */
typedef struct {
  char field[WHATIF_MAX_PART + 8];
  char msg[512];
} refusal;

__attribute__((format(printf, 3, 4))) static int refuse(refusal *r, const char *field,
                                                        const char *fmt, ...) {
  snprintf(r->field, sizeof r->field, "%s", field);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->msg, sizeof r->msg, fmt, ap);
  va_end(ap);
  return 0;
}

/* "PATH=VALUE" for one override; 0 with the refusal when the value cannot be one. */
static int one_set(const char *path, json_t *v, char **out, refusal *r) {
  char val[WHATIF_MAX_PART + 1];
  if (!*path || strlen(path) > WHATIF_MAX_PART || strchr(path, '='))
    return refuse(r, path, "a path is 1 to %d bytes without '='", WHATIF_MAX_PART);
  if (json_is_integer(v))
    snprintf(val, sizeof val, "%lld", (long long)json_integer_value(v));
  else if (json_is_real(v)) /* 17 digits: the very double that was sent */
    snprintf(val, sizeof val, "%.17g", json_real_value(v));
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
  if (!(*out = cs_malloc(n))) return refuse(r, "", "out of memory");
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
    return refuse(r, "", "out of memory");
  const char *path;
  json_t *v;
  json_object_foreach(set, path, v) {
    if (!one_set(path, v, &j->sets[j->nset], r)) return 0;
    j->nset++;
  }
  return 1;
}

/* The job a body asks for; NULL with the refusal. */
static job *read_body(cs_sv_req *rq, refusal *r) {
  json_error_t err;
  json_t *body =
      json_loadb(rq->body.s ? rq->body.s : "", rq->body.len, JSON_REJECT_DUPLICATES, &err);
  job *j = cs_calloc(1, sizeof *j);
  int ok = j != NULL || refuse(r, "", "out of memory");
  if (ok && !body)
    ok = refuse(r, "body", "not JSON: %s at line %d column %d", err.text, err.line, err.column);
  if (ok && !json_is_object(body))
    ok = refuse(r, "body", "expected an object {\"set\": {PATH: value, ...}}");
  const char *key;
  json_t *v;
  if (ok) json_object_foreach(body, key, v) {
      if (ok && strcmp(key, "set") && strcmp(key, "scenario") && strcmp(key, "lang"))
        ok = refuse(r, key, "unknown field '%.60s' (expected set, scenario, lang)", key);
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

/* 400 with every problem the loader found, each with the override it names. */
static json_t *load_errors(const job *j, const cs_diags *d) {
  json_t *all = json_array();
  char field[WHATIF_MAX_PART + 8], first_field[WHATIF_MAX_PART + 8] = "";
  for (size_t i = 0; all && i < cs_diags_count(d); i++) {
    const char *m = cs_diags_get(d, i);
    field_of(j, m, field, sizeof field);
    if (!i) snprintf(first_field, sizeof first_field, "%s", field);
    json_array_append_new(all, json_pack("{s:o, s:o}", "field",
                                         field[0] ? cs_sv_jstr(field) : json_null(), "error",
                                         cs_sv_jstr(m)));
  }
  const char *first = cs_diags_count(d) ? cs_diags_get(d, 0) : "the plan cannot be run";
  return json_pack("{s:o, s:o, s:o}", "error", cs_sv_jstr(first), "field",
                   first_field[0] ? cs_sv_jstr(first_field) : json_null(), "errors",
                   all ? all : json_array());
}

static json_t *error_obj(const char *field, const char *msg) {
  return json_pack("{s:o, s:o}", "error", cs_sv_jstr(msg), "field",
                   field ? cs_sv_jstr(field) : json_null());
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
  if (!sum) {
    *status = MHD_HTTP_BAD_REQUEST;
    return error_obj("scenario", known ? "the baseline has no verdict: it is what the others "
                                         "are compared with"
                                       : "the plan has no such scenario");
  }
  double t_charts = cs_sv_now();
  json_t *charts = cs_charts_all(&r);
  sqlite3_stmt *q = cs_rdata_query(&r, "SELECT value FROM run_info WHERE key = 'plan_checksum'");
  int changed = q && sqlite3_step(q) == SQLITE_ROW &&
                strcmp((const char *)sqlite3_column_text(q, 0), j->srv->plan_checksum);
  sqlite3_finalize(q);
  *status = MHD_HTTP_OK;
  double now = cs_sv_now();
  /* where the time went: loading the plan, the run, its tables into memory, summary and charts */
  json_t *timing = json_pack("{s:f, s:f, s:f, s:f}", "load", t[1] - t[0], "run", t[2] - t[1],
                             "tables", t[3] - t[2], "charts", now - t_charts);
  return json_pack("{s:O, s:s, s:s, s:f, s:o, s:b, s:o, s:o}", "set", j->set, "scenario",
                   j->scenario, "lang", j->nl ? "nl" : "en", "seconds", now - t[0], "timing",
                   timing ? timing : json_null(), "plan_changed", changed, "summary", sum, "charts",
                   charts ? charts : json_array());
}

static json_t *run_job(const job *j, int *status) {
  double t[4] = {cs_sv_now(), 0, 0, 0};
  cs_diags *d = cs_diags_new();
  cs_plan *plan = NULL;
  cs_run *run = NULL;
  sqlite3 *db = NULL;
  json_t *out = NULL;
  cs_status st =
      d ? cs_plan_load_with(j->srv->opt.plan, (const char *const *)j->sets, j->nset, &plan, d)
        : CS_ENOMEM;
  t[1] = cs_sv_now();
  if (st == CS_EINVAL) {
    *status = MHD_HTTP_BAD_REQUEST;
    out = load_errors(j, d);
  } else if (st == CS_OK) {
    cs_run_options o;
    cs_run_options_init(&o);
    o.threads = 0;                 /* one per CPU: a steering group waits for one run at a time */
    o.no_intervention_shapley = 1; /* seconds of sampling; the verdict does not need it */
    o.cancel = &j->srv->wi.cancel;
    st = cs_run_new(plan, &o, &run, d);
  }
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
  cs_plan_free(plan);
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
  /* resumed before the count drops, so a stopping server never stops a suspended connection */
  MHD_resume_connection(rq->conn);
  pthread_mutex_lock(&s->wi.mu);
  s->wi.running--;
  pthread_cond_broadcast(&s->wi.cv);
  pthread_mutex_unlock(&s->wi.mu);
  return NULL;
}

/* A slot for one more run; 0 when all are taken (or the server is stopping). */
static int take_slot(cs_server *s) {
  pthread_mutex_lock(&s->wi.mu);
  int ok = !s->wi.cancel && s->wi.running < s->wi.max;
  if (ok) s->wi.running++;
  pthread_mutex_unlock(&s->wi.mu);
  return ok;
}

static void give_slot(cs_server *s) {
  pthread_mutex_lock(&s->wi.mu);
  s->wi.running--;
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
  json_t *e = error_obj(NULL, "every what-if slot is taken: try again in a second");
  char *s = e ? cs_sv_dump(e, &len) : NULL;
  json_decref(e);
  if (!s) return cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
  return cs_sv_send_with(rq, MHD_HTTP_SERVICE_UNAVAILABLE, s, len, MHD_HTTP_HEADER_RETRY_AFTER,
                         WHATIF_RETRY_AFTER);
}

enum MHD_Result cs_sv_api_whatif(cs_sv_req *rq) {
  cs_server *s = rq->srv;
  if (rq->job == 2) return send_result(rq);
  enum MHD_Result res;
  if (!cs_sv_args_ok(rq, NULL, 0, &res)) return res;
  if (!s->opt.plan)
    return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "path",
                       "what-if runs need the plan: start the server with --plan PLAN");
  refusal r;
  job *j = read_body(rq, &r);
  if (!j) return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, r.field[0] ? r.field : NULL, "%s", r.msg);
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
