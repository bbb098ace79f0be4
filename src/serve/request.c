/* request.c: the one path every request takes, from its request line to its log line.
 *
 * A request passes the same gate in the same order before any handler sees it: the token
 * (401), the size of its target (414) and headers (431) and announced body (413), a safe path
 * (400), a known path (404), an allowed method (405). Only then is its body read (at most
 * CS_SV_MAX_BODY) and its handler called. Every request ends in cs_sv_on_done, which writes
 * its log line and frees it. */
#include "serve.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The request line has arrived: the request's record, with the target as sent. */
void *cs_sv_on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
  cs_server *s = cls;
  cs_sv_req *rq = cs_calloc(1, sizeof *rq);
  if (!rq) return NULL; /* on_request closes the connection */
  size_t n = strlen(uri);
  rq->srv = s;
  rq->conn = conn;
  rq->t0 = cs_sv_now();
  rq->target_len = n;
  /* more than the limit is refused (414) and only logged: a copy of the limit is enough */
  rq->target = cs_strndup(uri, n > CS_SV_MAX_TARGET ? CS_SV_MAX_TARGET : n);
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  rq->watch = ci ? ci->socket_context : NULL;
  if (!rq->target) {
    cs_free(rq);
    return NULL;
  }
  return rq;
}

static unsigned method_bit(const char *m) {
  if (!strcmp(m, MHD_HTTP_METHOD_GET) || !strcmp(m, MHD_HTTP_METHOD_HEAD)) return CS_SV_GET;
  if (!strcmp(m, MHD_HTTP_METHOD_POST)) return CS_SV_POST;
  return 0; /* PUT, DELETE, OPTIONS, TRACE, ...: allowed nowhere */
}

/* The announced body: -1 when none is announced (or it comes in chunks). */
static int64_t content_length(cs_sv_req *rq) {
  const char *v =
      MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  int64_t n = -1;
  if (v && !cs_sv_parse_int(v, 0, INT64_MAX / 2, &n)) n = INT64_MAX; /* libmicrohttpd checks it */
  return n;
}

/* Counts the headers that say how long the body is. */
typedef struct {
  int content_length, transfer_encoding, chunked;
  int host, authorization, content_type; /* said once or not at all, or the request is refused */
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
  framing *f = cls;
  (void)kind;
  if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) f->content_length++;
  if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) f->host++;
  if (!strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION)) f->authorization++;
  if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_TYPE)) f->content_type++;
  if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
    f->transfer_encoding++;
    f->chunked = value && !strcasecmp(value, "chunked");
  }
  return MHD_YES;
}

/* NULL when the body's length is said once, one way, and the headers a proxy in front and
 * this server must read alike (Host, Authorization, Content-Type) at most once each; else why
 * not (request smuggling: a proxy might read the body's end, or pick the header, elsewhere
 * than libmicrohttpd does). */
static const char *framing_problem(cs_sv_req *rq) {
  framing f = {0};
  MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_framing, &f);
  if (f.content_length > 1) return "Content-Length is given more than once";
  if (f.content_length && f.transfer_encoding)
    return "Content-Length and Transfer-Encoding are given together";
  if (f.transfer_encoding > 1) return "Transfer-Encoding is given more than once";
  if (f.transfer_encoding && !f.chunked) return "the only Transfer-Encoding accepted is chunked";
  if (f.host > 1) return "Host is given more than once";
  if (f.authorization > 1) return "Authorization is given more than once";
  if (f.content_type > 1) return "Content-Type is given more than once";
  return NULL;
}

/* The Authorization header, or NULL when there is none or it holds a NUL byte. Note:
 * libmicrohttpd 0.9.75 itself cuts a header's value at a NUL (its length says so too), so a
 * NUL sent after the token is not seen here; only the holder of the token can send that. */
static const char *authorization(cs_sv_req *rq) {
  const char *v = NULL;
  size_t n = 0;
  if (MHD_lookup_connection_value_n(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION,
                                    strlen(MHD_HTTP_HEADER_AUTHORIZATION), &v, &n) != MHD_YES ||
      !v || memchr(v, '\0', n))
    return NULL;
  return v;
}

static size_t header_bytes(cs_sv_req *rq) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
  return ci && ci->header_size > rq->target_len ? ci->header_size - rq->target_len : 0;
}

/* The gate: the request's headers are in, its body not yet. */
static enum MHD_Result gate(cs_sv_req *rq, const char *url, const char *method) {
  cs_server *s = rq->srv;
  rq->gated = 1;
  const char *why;
  /* the dashboard's own files hold no data, and a browser cannot send the header when it
   * opens a page: they are served without it; the page then sends the token with every API
   * request (docs/dashboard.md) */
  if (s->opt.token && !cs_sv_auth_ok(authorization(rq), s->opt.token) &&
      !(cs_sv_is_static(url) && method_bit(method) == CS_SV_GET))
    return cs_sv_error(rq, MHD_HTTP_UNAUTHORIZED, "authorization",
                       "this server needs the header Authorization: Bearer <token>");
  if (!s->opt.token && !cs_sv_host_header_ok(MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
                                                                         MHD_HTTP_HEADER_HOST)))
    return cs_sv_error(rq, MHD_HTTP_MISDIRECTED_REQUEST, "host",
                       "this server answers only requests for 127.0.0.1, [::1] or localhost: "
                       "another name in Host is a page elsewhere reaching in (DNS rebinding)");
  if (rq->target_len > CS_SV_MAX_TARGET)
    return cs_sv_error(rq, MHD_HTTP_URI_TOO_LONG, "target",
                       "the request target is longer than %d bytes", CS_SV_MAX_TARGET);
  if (header_bytes(rq) > CS_SV_MAX_HEADERS)
    return cs_sv_error(rq, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "headers",
                       "the request's headers are longer than %d bytes", CS_SV_MAX_HEADERS);
  if ((why = framing_problem(rq)))
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "headers", "%s", why);
  if (content_length(rq) > CS_SV_MAX_BODY)
    return cs_sv_error(rq, MHD_HTTP_CONTENT_TOO_LARGE, "body",
                       "the request body is larger than %d bytes", CS_SV_MAX_BODY);
  if (!cs_sv_path_safe(rq->target))
    return cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, "path",
                       "path refused: empty, '.' or '..' segments, backslashes and control "
                       "characters are not allowed");
  rq->route = cs_sv_route_find(url, rq->param, sizeof rq->param);
  if (!rq->route) return cs_sv_error(rq, MHD_HTTP_NOT_FOUND, "path", "no such path");
  if (!(method_bit(method) & rq->route->methods)) return cs_sv_error_allow(rq, rq->route->methods);
  return MHD_YES;
}

/* 1 when a body follows the headers. */
static int has_body(cs_sv_req *rq) {
  return content_length(rq) > 0 ||
         MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* The first call for a request. A request with a body passes the gate now, so a refused body
 * is never read; one without waits for the next call, because an answer queued before then
 * makes libmicrohttpd close the connection, and a client with a 404 may well ask again. */
static enum MHD_Result begin(cs_sv_req *rq, const char *url, const char *method) {
  rq->begun = 1;
  rq->path = url;
  snprintf(rq->method, sizeof rq->method, "%s", method);
  return has_body(rq) ? gate(rq, url, method) : MHD_YES;
}

/* A piece of the body, kept; 0 when the body has grown past the limit (a body of unannounced
 * length, chunked, is only known to be too long here). */
static int take_body(cs_sv_req *rq, const char *data, size_t n) {
  if (rq->body_too_big || rq->body.len + n > CS_SV_MAX_BODY) {
    rq->body_too_big = 1;
    return 0;
  }
  cs_buf_putn(&rq->body, data, n);
  return 1;
}

enum MHD_Result cs_sv_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls) {
  cs_sv_req *rq = *con_cls;
  (void)cls;
  (void)version;
  if (!rq) return MHD_NO; /* out of memory at the request line: close the connection */
  if (!rq->begun) return begin(rq, url, method);
  if (*upload_size) {
    if (rq->answered) { /* refused at the gate: libmicrohttpd sends that answer */
      *upload_size = 0;
      return MHD_YES;
    }
    if (!take_body(rq, upload, *upload_size)) {
      /* past the limit: the rest is never read. libmicrohttpd 0.9.75 takes no answer in the
       * middle of a body (MHD_queue_response fails there), so the connection is closed at
       * once; the log notes a 413. */
      rq->status = MHD_HTTP_CONTENT_TOO_LARGE;
      return MHD_NO;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (rq->answered) return MHD_YES;
  /* the whole request is in: from now on the connection is exempt from the deadline, which
   * covered its headers and its body */
  cs_sv_guard_busy(&rq->srv->guard, rq->watch, 1);
  if (!rq->gated) {
    enum MHD_Result res = gate(rq, url, method);
    if (res != MHD_YES || rq->answered) return res;
  }
  if (rq->body_too_big)
    return cs_sv_error(rq, MHD_HTTP_CONTENT_TOO_LARGE, "body",
                       "the request body is larger than %d bytes", CS_SV_MAX_BODY);
  if (rq->body.oom) return cs_sv_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
  return rq->route->fn(rq);
}

static const char *ended(enum MHD_RequestTerminationCode toe) {
  switch (toe) {
  case MHD_REQUEST_TERMINATED_COMPLETED_OK: return "";
  case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: return " (timed out)";
  case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: return " (server stopping)";
  case MHD_REQUEST_TERMINATED_CLIENT_ABORT: return " (client went away)";
  case MHD_REQUEST_TERMINATED_READ_ERROR: return " (closed while reading)";
  default: return " (error)";
  }
}

/* The target for the log: control bytes as \xNN, at most 200 bytes. */
static void safe_target(const char *t, char *out, size_t n) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)t; *p && o + 8 < n; p++) {
    if (o >= 200) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    o += (size_t)snprintf(out + o, n - o, *p < 0x20 || *p == 0x7f ? "\\x%02x" : "%c", *p);
  }
  out[o] = '\0';
}

void cs_sv_on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                   enum MHD_RequestTerminationCode toe) {
  cs_server *s = cls;
  cs_sv_req *rq = *con_cls;
  if (!rq) return;
  char target[256];
  safe_target(rq->target, target, sizeof target);
  int status = rq->status;
  if (!status) { /* refused by libmicrohttpd itself (a header too large for its buffer) */
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
    status = ci ? (int)ci->http_status : 0;
  }
  cs_sv_log(s, "%s %s %d %zu %.1fms%s", rq->method[0] ? rq->method : "-", target, status, rq->bytes,
            (cs_sv_now() - rq->t0) * 1e3, ended(toe));
  cs_sv_guard_busy(&s->guard, rq->watch, 0);
  cs_free(rq->body.s);
  cs_free(rq->target);
  cs_free(rq);
  *con_cls = NULL;
}

/* Connections are watched from their start to their close (limits.c). */
void cs_sv_on_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
                   enum MHD_ConnectionNotificationCode code) {
  cs_server *s = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    *socket_context = ci ? cs_sv_guard_add(&s->guard, ci->connect_fd) : NULL;
  } else {
    cs_sv_guard_remove(&s->guard, *socket_context);
    *socket_context = NULL;
  }
}
