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

static size_t header_bytes(cs_sv_req *rq) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
  return ci && ci->header_size > rq->target_len ? ci->header_size - rq->target_len : 0;
}

/* The gate: the request's headers are in, its body not yet. */
static enum MHD_Result gate(cs_sv_req *rq, const char *url, const char *method) {
  cs_server *s = rq->srv;
  rq->gated = 1;
  if (s->opt.token && !cs_sv_auth_ok(MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
                                                                 MHD_HTTP_HEADER_AUTHORIZATION),
                                     s->opt.token))
    return cs_sv_error(rq, MHD_HTTP_UNAUTHORIZED, "authorization",
                       "this server needs the header Authorization: Bearer <token>");
  if (rq->target_len > CS_SV_MAX_TARGET)
    return cs_sv_error(rq, MHD_HTTP_URI_TOO_LONG, "target",
                       "the request target is longer than %d bytes", CS_SV_MAX_TARGET);
  if (header_bytes(rq) > CS_SV_MAX_HEADERS)
    return cs_sv_error(rq, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "headers",
                       "the request's headers are longer than %d bytes", CS_SV_MAX_HEADERS);
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
  cs_sv_guard_busy(&rq->srv->guard, rq->watch, 1);
  return has_body(rq) ? gate(rq, url, method) : MHD_YES;
}

/* A piece of the body: kept up to the limit, the rest only counted. */
static void take_body(cs_sv_req *rq, const char *data, size_t n) {
  if (rq->body_too_big || rq->body.len + n > CS_SV_MAX_BODY) {
    rq->body_too_big = 1;
    return;
  }
  cs_buf_putn(&rq->body, data, n);
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
    if (!rq->answered) take_body(rq, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (rq->answered) return MHD_YES;
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
