/* serve.h (interface of serve/): the HTTP JSON API over a run's results.db, the top layer.
 *
 * server.c runs libmicrohttpd; request.c walks each request through the same gate (auth,
 * limits, path, route, method) before a handler sees it; router.c holds the route table;
 * respond.c the JSON answers and errors; auth.c the token; limits.c the request limits and the
 * guard that cuts connections too slow to send their requests; options.c the public options;
 * dbpool.c the read-only SQLite connections and the run's catalogue of tables; api_*.c the
 * endpoints. A new endpoint is a
 * handler and one line in the route table (router.c). */
#ifndef CS_SERVE_H
#define CS_SERVE_H

#include "careshift_serve.h"
#include "base/base.h"
#include "report/report.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sqlite3.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- limits (limits.c) ---- */
#define CS_SV_MAX_TARGET 2048      /* request target (path and query) in bytes: else 414 */
#define CS_SV_MAX_HEADERS 8192     /* all header names and values together: else 431 */
#define CS_SV_MAX_BODY 65536       /* request body: else 413 (a what-if override fits) */
#define CS_SV_CONN_MEMORY 32768    /* libmicrohttpd's buffer per connection: its own 431 above */
#define CS_SV_MAX_CONNS 1000       /* open connections in all */
#define CS_SV_MAX_CONNS_PER_IP 500 /* from one address (a proxy, or every local client) */
/* Seconds without a byte before libmicrohttpd closes a connection. Past the guard's longest
 * wait (3 x CS_SV_HEADER_DEADLINE for a request head that waits unread while every thread is
 * busy), so that the guard, not this limit, decides about a client waiting for a busy server
 * (at 15 s this limit could close such a connection before the guard's 30 s); keep it above
 * 3 x CS_SV_HEADER_DEADLINE. An idle connection is still cut at the header deadline, 10 s after
 * its last answer. */
#define CS_SV_IDLE_TIMEOUT 40
#define CS_SV_HEADER_DEADLINE 10.0       /* seconds to send a whole request, headers and body */
#define CS_SV_DEFAULT_LIMIT 1000         /* rows of a table page unless ?limit= */
#define CS_SV_MAX_LIMIT 10000            /* the most rows ?limit= may ask */
#define CS_SV_MAX_OFFSET (INT64_MAX / 4) /* the largest ?offset= */
#define CS_SV_MAX_THREADS 64
/* Answers built per request and not yet sent (slow readers hold them): past this many bytes a
 * large answer is refused with 503 and Retry-After, so memory stays bounded. Answers under
 * CS_SV_SMALL_ANSWER bytes (errors among them) and the prepared ones (charts, files) are not
 * counted: they cost nothing per request or little. */
#define CS_SV_MAX_INFLIGHT ((size_t)128 << 20)
#define CS_SV_SMALL_ANSWER 4096

/* Seconds on a monotonic clock. */
double cs_sv_now(void);

/* 1 when the decoded path is safe to route: starts with '/', no empty, "." or ".." segment, no
 * backslash, NUL or control byte, however percent-encoded. raw is the request target as sent
 * (its query, after '?', is not looked at). */
int cs_sv_path_safe(const char *raw);

/* Connections that have not sent a complete request (headers and body) within the deadline
 * (slowloris) are shut down by a watcher thread; a connection is exempt from the moment its
 * whole request is in until it has been answered. */
typedef struct cs_sv_conn cs_sv_conn;
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t thread;
  int running, stop;
  double deadline;
  cs_sv_conn *head;
  long cut;    /* connections shut down so far */
  long spared; /* connections past the deadline left alone (their request head unread) */
} cs_sv_guard;
cs_status cs_sv_guard_start(cs_sv_guard *g, double deadline);
void cs_sv_guard_stop(cs_sv_guard *g); /* joins the watcher; connections stay listed */
void cs_sv_guard_destroy(cs_sv_guard *g);
cs_sv_conn *cs_sv_guard_add(cs_sv_guard *g, int fd); /* NULL when out of memory: not watched */
void cs_sv_guard_remove(cs_sv_guard *g, cs_sv_conn *c);
void cs_sv_guard_busy(cs_sv_guard *g, cs_sv_conn *c, int busy);

/* ---- auth.c ---- */
/* 1 when host is 127.0.0.1, ::1 or localhost: no token needed. */
int cs_sv_host_is_loopback(const char *host);
/* NULL when token is acceptable, else why not. */
const char *cs_sv_token_problem(const char *token);
/* The address to bind for host (an IPv4 or IPv6 literal, or localhost = 127.0.0.1) and port;
 * 0 when host is not one. *v6 says which family. */
int cs_sv_host_addr(const char *host, int port, struct sockaddr_storage *ss, int *v6);
/* 1 when a Host header (NULL: none) names a loopback address or localhost, with any port: a
 * server without a token answers only those, so a page elsewhere cannot reach it through a
 * name that resolves to 127.0.0.1 (DNS rebinding). */
int cs_sv_host_header_ok(const char *host);
/* 1 when the Authorization header value carries the token; constant time in what was sent. */
int cs_sv_auth_ok(const char *header, const char *token);

/* ---- dbpool.c: the run's database ---- */
typedef struct {
  char *name;
  const char *type;      /* "text", "integer", "real": as declared in results.db */
  const cs_column *desc; /* the column in careshift's descriptor of the table; NULL if none */
} cs_sv_col;
typedef struct {
  char *name;
  const char *title; /* from the table's descriptor (io); "" when careshift knows no such table */
  int ncol;
  cs_sv_col *cols;
  int64_t rows;
} cs_sv_table;
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  sqlite3 **all, **idle;
  int n, nidle;
  cs_sv_table *tables;
  int ntables;
} cs_sv_db;
/* Opens n read-only connections to path (an SQLite URI when uri is 1) and reads the catalogue
 * of tables. */
cs_status cs_sv_db_open(cs_sv_db *db, const char *path, int uri, int n, cs_diags *d);
void cs_sv_db_close(cs_sv_db *db);
sqlite3 *cs_sv_db_get(cs_sv_db *db); /* waits for an idle connection */
void cs_sv_db_put(cs_sv_db *db, sqlite3 *c);
const cs_sv_table *cs_sv_db_table(const cs_sv_db *db, const char *name); /* NULL: none */
int cs_sv_table_col(const cs_sv_table *t, const char *name);             /* -1: none */

/* ---- the server and a request ---- */
struct cs_serve_options {
  char *db, *plan, *host, *token;
  int port, threads, whatif_max;
  cs_serve_log_fn *log;
  void *log_ctx;
};

/* A prepared answer served from memory as it is (the charts in each language). */
typedef struct {
  char *body;
  size_t len;
} cs_sv_blob;

/* ---- static.c: the dashboard's files, read once at start ---- */
typedef struct {
  const char *path; /* "/", "/dashboard.js", "/assets/vega.min.js" */
  const char *type; /* its Content-Type */
  cs_sv_blob blob;  /* NULL body: not installed */
} cs_sv_file;
#define CS_SV_NFILES 6
#define CS_SV_WHATIF_MAX 64 /* the most what-if runs at once that --whatif-max may allow */

/* ---- whatif.c: the what-if runs under way (only with --plan) ---- */
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int max, running, ready;
  int alive;                    /* runs whose thread has not yet resumed its connection */
  volatile sig_atomic_t cancel; /* set at stop: runs under way end within milliseconds */
} cs_sv_whatif;

/* What a run of a plan costs, in the parts that multiply its work or its memory: a what-if's
 * plan may not exceed its own plan's in any (one request costs at most what the plan costs;
 * 2^themes Shapley runs make the themes count dear). */
typedef struct {
  int years, scenarios, areas, themes, interventions, effects, sectors, states;
} cs_sv_size;

/* The size of plan p (serve/plan.c). */
struct cs_plan;
void cs_sv_plan_size(const struct cs_plan *p, cs_sv_size *out);

struct cs_server {
  struct MHD_Daemon *mhd;
  cs_serve_options opt; /* a copy; strings owned */
  char *dir;            /* the run directory */
  char *run_id;         /* its last path component */
  char url[96];
  int port;
  cs_sv_db db;
  cs_sv_guard guard;
  int short_year, long_year, first_year, last_year, has_psa;
  cs_sv_blob charts[2]; /* en, nl */
  cs_sv_file files[CS_SV_NFILES];
  /* --plan: the plan's own run, held in an in-memory database (the pool reads it by its URI);
   * this connection keeps it alive */
  sqlite3 *memdb;
  char memdb_uri[96];
  char plan_checksum[64]; /* inputs_checksum of the plan run at start (its files): a what-if
                           says when they changed since */
  char *plan_name;        /* --plan: the plan's name, for /api/runs */
  /* --plan: what bounds a what-if: the plan's own size, and its tables (no override names
   * them) */
  cs_sv_size plan_size;
  json_t *table_paths;
  cs_sv_blob params[2]; /* GET /api/whatif/parameters in en, nl */
  json_t *labels;       /* --plan: per intervention its name and first effect in words */
  cs_sv_whatif wi;
  atomic_size_t inflight; /* bytes of answers built and not yet sent (respond.c) */
  int has_db, has_guard;
  pthread_mutex_t start_mu; /* guards starting and start_error: libmicrohttpd may log from its
                               threads while cs_serve_start is still reading them */
  int starting;
  char start_error[512]; /* libmicrohttpd's last message while starting */
};

enum { CS_SV_GET = 1, CS_SV_POST = 2 }; /* HEAD is answered wherever GET is */

typedef struct cs_sv_req cs_sv_req;
typedef enum MHD_Result cs_sv_handler(cs_sv_req *rq);
typedef struct {
  const char *pattern; /* "/api/tables" or with one parameter segment: "/api/tables/{}" */
  unsigned methods;    /* CS_SV_GET | ... ; HEAD is answered wherever GET is */
  cs_sv_handler *fn;
} cs_sv_route;

struct cs_sv_req {
  cs_server *srv;
  struct MHD_Connection *conn;
  cs_sv_conn *watch;
  char method[16];
  char *target;      /* as sent (at most CS_SV_MAX_TARGET bytes), for the log and the checks */
  size_t target_len; /* its full length */
  const char *path;  /* decoded by libmicrohttpd; valid while the handler runs */
  const cs_sv_route *route;
  char param[72]; /* the {} segment of the route */
  double t0;
  int begun, gated, answered, status, body_too_big;
  size_t bytes;
  cs_buf body; /* the request body, up to CS_SV_MAX_BODY */
  /* a what-if run in its own thread while the connection is suspended: its answer */
  int job; /* 0 none, 1 running, 2 answer ready */
  int job_status;
  char *job_body;
  size_t job_len;
};

/* router.c */
/* Finds the route of path: *route NULL when none (404), param filled from its {} segment. */
const cs_sv_route *cs_sv_route_find(const char *path, char *param, size_t n);
/* "GET, HEAD" for a route's methods (the Allow header of a 405). */
void cs_sv_allow(unsigned methods, char *out, size_t n);

/* respond.c: every answer goes through these, so each has its status, type and length logged. */
/* Queues buf (cs_malloc'd, taken over) as the answer. */
enum MHD_Result cs_sv_send(cs_sv_req *rq, int status, char *buf, size_t len);
/* Queues buf (taken over) with one more header, name: value (Retry-After of a 503). */
enum MHD_Result cs_sv_send_with(cs_sv_req *rq, int status, char *buf, size_t len, const char *name,
                                const char *value);
/* Queues a file of the dashboard with its own Content-Type. */
enum MHD_Result cs_sv_send_file(cs_sv_req *rq, const cs_sv_file *f);
/* Queues a prepared answer without copying it. */
enum MHD_Result cs_sv_send_blob(cs_sv_req *rq, int status, const cs_sv_blob *b);
/* Queues j (its reference taken) as the JSON answer; 500 when it is NULL (out of memory). */
enum MHD_Result cs_sv_json(cs_sv_req *rq, int status, json_t *j);
/* {"error": message, "field": field or null} with status; extra headers for 401 and 405. */
enum MHD_Result cs_sv_error(cs_sv_req *rq, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
enum MHD_Result cs_sv_error_allow(cs_sv_req *rq, unsigned methods);
/* j serialised compactly, with a final newline, in a cs_malloc'd buffer; NULL when out of
 * memory. */
char *cs_sv_dump(const json_t *j, size_t *len);
/* The value of query argument name, or NULL. */
const char *cs_sv_arg(const cs_sv_req *rq, const char *name);
/* The first query argument not in allowed[0..n-1], given twice, or with a NUL byte in its name
 * or value; NULL when all is well. *why says which: 0 unknown, 1 twice, 2 NUL in the name, 3
 * NUL in the value. */
const char *cs_sv_bad_arg(const cs_sv_req *rq, const char *const *allowed, size_t n, int *why);
/* A string value that is always valid JSON: text that is not UTF-8 has its bad bytes shown as
 * \xNN. */
json_t *cs_sv_jstr(const char *s);
/* Column i of the current row of q as a JSON value (null for SQL NULL and non-finite reals). */
json_t *cs_sv_jcol(sqlite3_stmt *q, int i);
/* Every row of q as an object by column name, appended to arr; SQLITE_DONE when all went well. */
int cs_sv_rows_as_objects(sqlite3_stmt *q, json_t *arr);
/* 1 when every query argument is in allowed[0..n-1], each at most once, with no NUL byte in
 * its name or value; else the 400 (its field the name, up to any NUL) is queued into *res and 0
 * returned. */
int cs_sv_args_ok(cs_sv_req *rq, const char *const *allowed, size_t n, enum MHD_Result *res);
/* Parses a whole decimal integer in [lo, hi]; 0 when s is not one. */
int cs_sv_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* api_tables.c, api_summary.c: the handlers of the route table */
enum MHD_Result cs_sv_api_runs(cs_sv_req *rq);
enum MHD_Result cs_sv_api_tables(cs_sv_req *rq);
enum MHD_Result cs_sv_api_table(cs_sv_req *rq);
enum MHD_Result cs_sv_api_summary(cs_sv_req *rq);
enum MHD_Result cs_sv_api_psa(cs_sv_req *rq);
enum MHD_Result cs_sv_api_charts(cs_sv_req *rq);
/* The charts of both languages, prepared once at start (the run does not change). */
cs_status cs_sv_charts_prepare(cs_server *s, const cs_rdata *r);
/* The verdict and business case of scenario in c, the answer of GET /api/summary; NULL when
 * the scenario has no criteria (*known says whether it is a scenario at all) or out of memory. */
typedef struct {
  int short_year, long_year, has_psa;
} cs_sv_years;
json_t *cs_sv_summary_of(sqlite3 *c, const cs_sv_years *y, const char *scenario, int *known);
/* The PSA of scenario in c (NULL: every scenario), the answer of GET /api/psa: {"summary":
 * psa_summary's rows, "probabilities": psa_probabilities'}; NULL when out of memory. */
json_t *cs_sv_psa_of(sqlite3 *c, const char *scenario);

/* static.c */
enum MHD_Result cs_sv_static(cs_sv_req *rq);
/* 1 when path is one of the dashboard's files (served without the token: they hold no data). */
int cs_sv_is_static(const char *path);
/* Reads the dashboard's files (web/dashboard, beside the Vega scripts): a missing file is
 * answered with 404 and a note of what to install, the API works without them. */
void cs_sv_static_load(cs_server *s);
void cs_sv_static_free(cs_server *s);

/* plan.c: --plan, the plan run at start into memory */
/* Loads and runs the plan (every scenario, draw 0) and writes its tables into the in-memory
 * database s->memdb_uri. */
cs_status cs_sv_plan_start(cs_server *s, cs_diags *d);
/* Every table of run into db (empty), in one transaction, as the SQLite sink writes results.db. */
cs_status cs_sv_tables_to_db(const cs_run *run, sqlite3 *db, cs_diags *d);

/* whatif.c */
cs_status cs_sv_whatif_init(cs_server *s);
/* Takes no more runs and waits for those under way (each resumes its connection); before
 * libmicrohttpd stops. cs_sv_whatif_destroy after it has stopped. */
void cs_sv_whatif_stop(cs_server *s);
void cs_sv_whatif_destroy(cs_server *s);
cs_status cs_sv_whatif_params_prepare(cs_server *s, sqlite3 *c);
enum MHD_Result cs_sv_api_whatif(cs_sv_req *rq);
enum MHD_Result cs_sv_api_whatif_params(cs_sv_req *rq);

/* request.c: libmicrohttpd's callbacks (cls is the server) */
void *cs_sv_on_uri(void *cls, const char *uri, struct MHD_Connection *conn);
enum MHD_Result cs_sv_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls);
void cs_sv_on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                   enum MHD_RequestTerminationCode toe);
void cs_sv_on_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
                   enum MHD_ConnectionNotificationCode code);

/* server.c: a notice for the log callback */
void cs_sv_log(const cs_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
