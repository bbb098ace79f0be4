/* careshift_serve.h: `careshift serve`, an HTTP JSON API and dashboard over a run's results.db,
 * or over a plan run in memory with what-if runs.
 *
 * One server serves one run directory (its results.db, opened read-only) or one plan until it
 * is stopped:
 * the run's metadata, every table with filters and paging, the verdicts and business case,
 * the PSA summaries and the report's chart specs (docs/api-http.md). It binds 127.0.0.1 unless
 * told otherwise; any other address needs a bearer token, and then every request must carry
 * it. Same conventions as careshift.h: opaque types, cs_X_new / cs_X_free (NULL accepted),
 * cs_status results with the reasons in a cs_diags list; the library never prints or exits:
 * the per-request log lines go to the caller's callback. */
#ifndef CARESHIFT_SERVE_H
#define CARESHIFT_SERVE_H

#include "careshift.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- options ---- */
typedef struct cs_serve_options cs_serve_options;

/* Defaults: no run, host 127.0.0.1, port 8080, no token, threads = online CPUs (at least 2),
 * no log. */
CS_API cs_status cs_serve_options_new(cs_serve_options **out);
CS_API void cs_serve_options_free(cs_serve_options *o);

/* The run to serve: its directory (the --out of `careshift run`) or its results.db. */
CS_API cs_status cs_serve_options_set_db(cs_serve_options *o, const char *path);
/* Or a plan: run at start (every scenario, draw 0) and held in memory, and what-if runs of it
 * with overrides (POST /api/whatif). The plan file is read, never written. One of the two. */
CS_API cs_status cs_serve_options_set_plan(cs_serve_options *o, const char *path);
/* What-if runs at once (default 2, at most 64); one more is answered 503 with Retry-After. */
CS_API cs_status cs_serve_options_set_whatif_max(cs_serve_options *o, int n);
/* An IPv4 or IPv6 address, or "localhost". Anything but 127.0.0.1, ::1 and localhost needs a
 * token. */
CS_API cs_status cs_serve_options_set_host(cs_serve_options *o, const char *host);
/* 0..65535; 0 picks a free port (cs_serve_port tells which). */
CS_API cs_status cs_serve_options_set_port(cs_serve_options *o, int port);
/* The bearer token every request must then carry (Authorization: Bearer TOKEN): 16 to 256
 * printable ASCII characters, no spaces. NULL or "" for none. Copied. */
CS_API cs_status cs_serve_options_set_token(cs_serve_options *o, const char *token);
/* Worker threads (each multiplexes many connections); 0 = online CPUs, at least 2; at most 64. */
CS_API cs_status cs_serve_options_set_threads(cs_serve_options *o, int threads);
/* One line per request (method, target, status, bytes, milliseconds) and the server's own
 * notices, without a newline, from the server's threads (so fn must be thread-safe). */
typedef void cs_serve_log_fn(void *ctx, const char *line);
CS_API cs_status cs_serve_options_set_log(cs_serve_options *o, cs_serve_log_fn *fn, void *ctx);

/* CS_EINVAL, with one diagnostic per problem, when the options cannot make a server: no run,
 * a port out of range, a malformed token, a non-loopback host without a token. */
CS_API cs_status cs_serve_options_check(const cs_serve_options *o, cs_diags *diags);

/* ---- the server ---- */
typedef struct cs_server cs_server;

/* Checks the options, opens the run's results.db read-only (CS_EINVAL when it is not a
 * careshift run's), prepares the chart specs and starts serving in background threads.
 * CS_EIO when the address cannot be bound. On success *out owns the running server. */
CS_API cs_status cs_serve_start(const cs_serve_options *o, cs_server **out, cs_diags *diags);
/* The bound port and the base URL ("http://127.0.0.1:PORT/", "http://[::1]:PORT/"); the
 * URL belongs to the server. */
CS_API int cs_serve_port(const cs_server *s);
CS_API const char *cs_serve_url(const cs_server *s);
/* Stops accepting, closes every connection, waits for the threads and frees the server. */
CS_API void cs_serve_stop(cs_server *s);

#ifdef __cplusplus
}
#endif
#endif
