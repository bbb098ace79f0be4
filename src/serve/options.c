/* options.c: the options of a server (careshift_serve.h), checked in one place so the command
 * line and any other caller get the same refusals. */
#include "serve.h"

#include <string.h>

cs_status cs_serve_options_new(cs_serve_options **out) {
  *out = cs_calloc(1, sizeof **out);
  if (!*out) return CS_ENOMEM;
  (*out)->port = 8080;
  (*out)->whatif_max = 2;
  if (cs_serve_options_set_host(*out, "127.0.0.1") != CS_OK) {
    cs_serve_options_free(*out);
    *out = NULL;
    return CS_ENOMEM;
  }
  return CS_OK;
}

void cs_serve_options_free(cs_serve_options *o) {
  if (!o) return;
  cs_free(o->db);
  cs_free(o->plan);
  cs_free(o->host);
  if (o->token) memset(o->token, 0, strlen(o->token)); /* a secret: leave no copy behind */
  cs_free(o->token);
  cs_free(o);
}

/* Replaces *slot by a copy of s (NULL or "" clears it). */
static cs_status set_str(char **slot, const char *s) {
  char *copy = NULL;
  if (s && *s && !(copy = cs_strdup(s))) return CS_ENOMEM;
  cs_free(*slot);
  *slot = copy;
  return CS_OK;
}

cs_status cs_serve_options_set_db(cs_serve_options *o, const char *path) {
  return set_str(&o->db, path);
}

cs_status cs_serve_options_set_plan(cs_serve_options *o, const char *path) {
  return set_str(&o->plan, path);
}

cs_status cs_serve_options_set_whatif_max(cs_serve_options *o, int n) {
  o->whatif_max = n;
  return CS_OK;
}

cs_status cs_serve_options_set_host(cs_serve_options *o, const char *host) {
  return set_str(&o->host, host);
}

cs_status cs_serve_options_set_token(cs_serve_options *o, const char *token) {
  if (o->token) memset(o->token, 0, strlen(o->token));
  return set_str(&o->token, token);
}

cs_status cs_serve_options_set_port(cs_serve_options *o, int port) {
  o->port = port;
  return CS_OK;
}

cs_status cs_serve_options_set_threads(cs_serve_options *o, int threads) {
  o->threads = threads;
  return CS_OK;
}

cs_status cs_serve_options_set_log(cs_serve_options *o, cs_serve_log_fn *fn, void *ctx) {
  o->log = fn;
  o->log_ctx = ctx;
  return CS_OK;
}

/* A problem noted: the diagnostic (when it can be kept) and a count that does not depend on it. */
#define PROBLEM(...) (bad++, cs_diags_add(d, NULL, 0, 0, __VA_ARGS__))

cs_status cs_serve_options_check(const cs_serve_options *o, cs_diags *d) {
  int bad = 0;
  const char *why;
  if (!o->db && !o->plan)
    PROBLEM("nothing to serve (expected a run: DIR or DIR/results.db, or a plan)");
  if (o->db && o->plan) PROBLEM("a run or a plan to serve, not both");
  if (o->whatif_max < 1 || o->whatif_max > CS_SV_WHATIF_MAX)
    PROBLEM("what-if runs at once %d is out of range 1..%d", o->whatif_max, CS_SV_WHATIF_MAX);
  if (o->port < 0 || o->port > 65535) PROBLEM("port %d is out of range 0..65535", o->port);
  if (o->threads < 0 || o->threads > CS_SV_MAX_THREADS)
    PROBLEM("threads %d is out of range 0..%d", o->threads, CS_SV_MAX_THREADS);
  struct sockaddr_storage ss;
  int v6;
  if (!o->host)
    PROBLEM("no host to bind");
  else if (!cs_sv_host_addr(o->host, 0, &ss, &v6))
    PROBLEM("host '%s' is not an IPv4 or IPv6 address (or localhost)", o->host);
  if (o->token && (why = cs_sv_token_problem(o->token))) PROBLEM("token refused: %s", why);
  if (o->host && !o->token && !cs_sv_host_is_loopback(o->host))
    PROBLEM("host '%s' is not loopback (127.0.0.1, ::1, localhost): a token is required "
            "(--token or CARESHIFT_TOKEN), so that only its holders can read the run",
            o->host);
  return bad ? CS_EINVAL : CS_OK;
}
