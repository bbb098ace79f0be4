/* server.c: the server's life: the run it serves, start and stop.
 *
 * libmicrohttpd runs a pool of threads, each multiplexing its connections with epoll, so a
 * slow or idle client holds a connection, never a thread; each request takes the path of
 * request.c. */
#include "serve.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

void cs_sv_log(const cs_server *s, const char *fmt, ...) {
  if (!s->opt.log) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  s->opt.log(s->opt.log_ctx, line);
}

/* libmicrohttpd's own messages; while starting, the last one is kept for the diagnostic. The
 * attribute tells the compiler fmt is a printf format from libmicrohttpd (-Wformat=2). */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt,
                                                             va_list ap) {
  cs_server *s = cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  msg[strcspn(msg, "\n")] = '\0';
  pthread_mutex_lock(&s->start_mu);
  int starting = s->starting;
  if (starting) snprintf(s->start_error, sizeof s->start_error, "%s", msg);
  pthread_mutex_unlock(&s->start_mu);
  if (!starting) cs_sv_log(s, "libmicrohttpd: %s", msg);
}

/* ---- start and stop ---- */

/* The run directory and its database from the path given: DIR or DIR/results.db (the
 * report's charts read DIR/results.db by that name). */
static cs_status locate_run(cs_server *s, char **db_path, cs_diags *d) {
  const char *p = s->opt.db;
  struct stat st;
  if (stat(p, &st) != 0) {
    cs_diags_add(d, p, 0, 0, "cannot read: no such file or directory");
    return CS_EINVAL;
  }
  size_t n = strlen(p);
  if (S_ISDIR(st.st_mode)) {
    s->dir = cs_strdup(p);
  } else if (n >= 10 && !strcmp(p + n - 10, "results.db") && (n == 10 || p[n - 11] == '/')) {
    s->dir = n == 10 ? cs_strdup(".") : cs_strndup(p, n - 11 ? n - 11 : 1);
  } else {
    cs_diags_add(d, p, 0, 0, "not a run: expected a run directory or its results.db");
    return CS_EINVAL;
  }
  if (!s->dir) return CS_ENOMEM;
  char *abs = realpath(s->dir, NULL); /* libc's memory: free() */
  const char *base = abs ? strrchr(abs, '/') : NULL;
  s->run_id = cs_strdup(base && base[1] ? base + 1 : "run");
  free(abs);
  size_t m = strlen(s->dir) + sizeof "/results.db";
  *db_path = cs_malloc(m);
  if (!s->run_id || !*db_path) return CS_ENOMEM;
  snprintf(*db_path, m, "%s/results.db", s->dir);
  return CS_OK;
}

/* What the report layer knows of the run (its years, PSA) and the charts in both languages. */
static cs_status read_run(cs_server *s, cs_diags *d) {
  cs_rdata r;
  cs_status st = cs_rdata_open(&r, s->dir, 0, d);
  if (st != CS_OK) return st;
  s->short_year = r.short_year;
  s->long_year = r.long_year;
  s->first_year = r.first_year;
  s->last_year = r.last_year;
  s->has_psa = r.has_psa;
  st = cs_sv_charts_prepare(s, &r);
  cs_rdata_close(&r);
  return st;
}

/* --plan: the same from the plan's run in memory, and the what-if sliders. */
static cs_status read_plan_run(cs_server *s, cs_diags *d) {
  cs_rdata r;
  if (cs_rdata_attach(&r, s->memdb, 0) != CS_OK) {
    cs_diags_add(d, s->opt.plan, 0, 0, "the plan's run has no verdict tables");
    return CS_EINTERNAL;
  }
  s->short_year = r.short_year;
  s->long_year = r.long_year;
  s->first_year = r.first_year;
  s->last_year = r.last_year;
  s->has_psa = r.has_psa;
  sqlite3_stmt *q = cs_rdata_query(&r, "SELECT value FROM run_info WHERE key = 'inputs_checksum'");
  if (q && sqlite3_step(q) == SQLITE_ROW)
    snprintf(s->plan_checksum, sizeof s->plan_checksum, "%s", sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  cs_status st = cs_sv_charts_prepare(s, &r);
  if (st == CS_OK) st = cs_sv_whatif_params_prepare(s, s->memdb);
  /* the plan's tables (files), which no what-if may replace */
  s->table_paths = json_array();
  q = cs_rdata_query(&r, "SELECT path FROM inputs WHERE kind = 'table' ORDER BY rowid");
  while (st == CS_OK && s->table_paths && q && sqlite3_step(q) == SQLITE_ROW)
    if (json_array_append_new(s->table_paths, json_string((const char *)sqlite3_column_text(q, 0))))
      st = CS_ENOMEM;
  sqlite3_finalize(q);
  if (st == CS_OK && !s->table_paths) st = CS_ENOMEM;
  return st; /* r is not closed: s->memdb is the server's */
}

static char *dup_or_null(const char *s, int *oom) {
  char *c = s ? cs_strdup(s) : NULL;
  if (s && !c) *oom = 1;
  return c;
}

static cs_status copy_options(cs_server *s, const cs_serve_options *o) {
  int oom = 0;
  s->opt = *o;
  s->opt.db = dup_or_null(o->db, &oom);
  s->opt.plan = dup_or_null(o->plan, &oom);
  s->opt.host = dup_or_null(o->host, &oom);
  s->opt.token = dup_or_null(o->token, &oom);
  if (oom) return CS_ENOMEM;
  if (s->opt.threads == 0) /* at least 2: one slow request never holds up all others */
    s->opt.threads =
        cs_thread_count(0, CS_SV_MAX_THREADS) < 2 ? 2 : cs_thread_count(0, CS_SV_MAX_THREADS);
  return CS_OK;
}

static struct MHD_Daemon *start_daemon(cs_server *s, const struct sockaddr *sa, int v6) {
  /* what-if runs suspend their connection while they run in a thread of their own */
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
                   (v6 ? MHD_USE_IPv6 : 0);
  /* the port argument is only for libmicrohttpd's messages: the address says where to bind */
  // clang-format off
  return MHD_start_daemon(flags, (uint16_t)s->opt.port, NULL, NULL, cs_sv_on_request, s,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s, /* first: it takes the others' messages */
      MHD_OPTION_SOCK_ADDR, sa,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(s->opt.threads > 1 ? s->opt.threads : 0),
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CS_SV_IDLE_TIMEOUT,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)CS_SV_MAX_CONNS,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CS_SV_MAX_CONNS_PER_IP,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CS_SV_CONN_MEMORY,
      MHD_OPTION_URI_LOG_CALLBACK, cs_sv_on_uri, s,
      MHD_OPTION_NOTIFY_COMPLETED, cs_sv_on_done, s,
      MHD_OPTION_NOTIFY_CONNECTION, cs_sv_on_conn, s,
      MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
      MHD_OPTION_END);
  // clang-format on
}

/* Binds and starts the threads; the bound port and the URL. */
static cs_status listen_on(cs_server *s, cs_diags *d) {
  struct sockaddr_storage ss;
  int v6 = 0;
  if (!cs_sv_host_addr(s->opt.host, s->opt.port, &ss, &v6)) return CS_EINVAL; /* checked */
  pthread_mutex_lock(&s->start_mu);
  s->starting = 1;
  pthread_mutex_unlock(&s->start_mu);
  s->mhd = start_daemon(s, (const struct sockaddr *)&ss, v6);
  pthread_mutex_lock(&s->start_mu);
  s->starting = 0;
  pthread_mutex_unlock(&s->start_mu);
  if (!s->mhd) {
    cs_diags_add(d, NULL, 0, 0, "cannot listen on %s port %d: %s", s->opt.host, s->opt.port,
                 s->start_error[0] ? s->start_error : "the server did not start");
    return CS_EIO;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : s->opt.port;
  char host[INET6_ADDRSTRLEN];
  inet_ntop(v6 ? AF_INET6 : AF_INET,
            v6 ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
               : (const void *)&((struct sockaddr_in *)&ss)->sin_addr,
            host, sizeof host);
  snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%d/" : "http://%s:%d/", host, s->port);
  return CS_OK;
}

/* Everything before the threads start; on failure s is left for cs_serve_stop. */
static cs_status prepare(cs_server *s, const cs_serve_options *o, cs_diags *d) {
  char *db_path = NULL;
  atomic_init(&s->inflight, 0);
  cs_status st = copy_options(s, o);
  if (st == CS_OK) st = cs_sv_whatif_init(s);
  if (st == CS_OK && s->opt.plan) {
    st = cs_sv_plan_start(s, d);
    if (st == CS_OK) st = read_plan_run(s, d);
    if (st == CS_OK && !(db_path = cs_strdup(s->memdb_uri))) st = CS_ENOMEM;
  } else if (st == CS_OK) {
    st = locate_run(s, &db_path, d);
    if (st == CS_OK) st = read_run(s, d);
  }
  if (st == CS_OK &&
      (st = cs_sv_db_open(&s->db, db_path, s->opt.plan != NULL, s->opt.threads, d)) == CS_OK)
    s->has_db = 1;
  cs_free(db_path);
  if (st == CS_OK) cs_sv_static_load(s);
  if (st == CS_OK && (st = cs_sv_guard_start(&s->guard, CS_SV_HEADER_DEADLINE)) == CS_OK)
    s->has_guard = 1;
  return st;
}

cs_status cs_serve_start(const cs_serve_options *o, cs_server **out, cs_diags *d) {
  *out = NULL;
  cs_status st = cs_serve_options_check(o, d);
  if (st != CS_OK) return st;
  json_object_seed(0); /* jansson's hash seed, once, before threads build objects */
  cs_server *s = cs_calloc(1, sizeof *s);
  if (!s) return CS_ENOMEM;
  if (pthread_mutex_init(&s->start_mu, NULL)) {
    cs_free(s);
    return CS_ENOMEM;
  }
  st = prepare(s, o, d);
  if (st == CS_OK) st = listen_on(s, d);
  if (st != CS_OK) {
    cs_serve_stop(s);
    return st;
  }
  if (s->opt.plan)
    cs_sv_log(s,
              "serving the plan %s (run in memory, %d tables; what-if: %d at once) at %s with %d "
              "thread(s)%s",
              s->opt.plan, s->db.ntables, s->wi.max, s->url, s->opt.threads,
              s->opt.token ? "; every request needs the token" : "");
  else
    cs_sv_log(s, "serving %s (%d tables) at %s with %d thread(s)%s", s->dir, s->db.ntables, s->url,
              s->opt.threads, s->opt.token ? "; every request needs the token" : "");
  *out = s;
  return CS_OK;
}

int cs_serve_port(const cs_server *s) { return s->port; }

const char *cs_serve_url(const cs_server *s) { return s->url; }

void cs_serve_stop(cs_server *s) {
  if (!s) return;
  /* the watcher first, so it never cuts a connection libmicrohttpd is closing itself */
  if (s->has_guard) cs_sv_guard_stop(&s->guard);
  cs_sv_whatif_stop(s);                /* cancels the what-if runs; each resumes its connection */
  if (s->mhd) MHD_stop_daemon(s->mhd); /* waits for the handlers; cs_sv_on_done per request */
  cs_sv_whatif_destroy(s);
  json_decref(s->table_paths);
  json_decref(s->labels);
  if (s->mhd)
    cs_sv_log(s,
              "stopped; %ld connection(s) cut for sending too slowly, %ld spared past the "
              "deadline while their request waited unread for a busy server",
              s->guard.cut, s->guard.spared);
  if (s->has_guard) cs_sv_guard_destroy(&s->guard);
  if (s->has_db) cs_sv_db_close(&s->db);
  for (int i = 0; i < 2; i++) {
    cs_free(s->charts[i].body);
    cs_free(s->params[i].body);
  }
  cs_sv_static_free(s);
  sqlite3_close(s->memdb); /* the plan's in-memory run goes with its last connection */
  cs_free(s->dir);
  cs_free(s->run_id);
  cs_free(s->plan_name);
  cs_free(s->opt.db);
  cs_free(s->opt.plan);
  cs_free(s->opt.host);
  if (s->opt.token) memset(s->opt.token, 0, strlen(s->opt.token));
  cs_free(s->opt.token);
  pthread_mutex_destroy(&s->start_mu);
  cs_free(s);
}
