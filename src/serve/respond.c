/* respond.c: every answer of the server, JSON with its status, and what handlers share to
 * read a request's query. Errors are always {"error": message, "field": name or null}, so a
 * client (the dashboard, a what-if form) can point at the field that was refused. */
#include "serve.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Queues r with the headers every answer has (and one more when name is not NULL). */
static enum MHD_Result queue_typed(cs_sv_req *rq, int status, struct MHD_Response *r, size_t len,
                                   const char *type, const char *name, const char *value) {
  if (!r) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  /* the API's answers change with every run; the dashboard's files are checked each time */
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                          strncmp(type, "application/json", 16) ? "no-cache" : "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  if (name) MHD_add_response_header(r, name, value);
  enum MHD_Result ok = MHD_queue_response(rq->conn, (unsigned)status, r);
  MHD_destroy_response(r);
  if (ok == MHD_YES) {
    rq->answered = 1;
    rq->status = status;
    rq->bytes = len;
  }
  return ok;
}

static enum MHD_Result queue(cs_sv_req *rq, int status, struct MHD_Response *r, size_t len,
                             const char *name, const char *value) {
  return queue_typed(rq, status, r, len, "application/json; charset=utf-8", name, value);
}

/* An answer built for one request, counted in the server's bytes in flight until
 * libmicrohttpd has sent it (or dropped it) and frees it. */
typedef struct {
  cs_server *srv;
  size_t len;
  char *buf;
} held;

static void release(void *cls) {
  held *h = cls;
  atomic_fetch_sub(&h->srv->inflight, h->len);
  cs_free(h->buf);
  cs_free(h);
}

static enum MHD_Result over_budget(cs_sv_req *rq);

static enum MHD_Result send_with(cs_sv_req *rq, int status, char *buf, size_t len, const char *name,
                                 const char *value) {
  struct MHD_Response *r = NULL;
  held *h = NULL;
  if (len < CS_SV_SMALL_ANSWER) { /* errors and small pages: never refused for memory */
    r = MHD_create_response_from_buffer_with_free_callback(len, buf, cs_free);
  } else if (atomic_fetch_add(&rq->srv->inflight, len) + len > CS_SV_MAX_INFLIGHT) {
    /* many large answers waiting for slow readers: refuse this one rather than grow */
    atomic_fetch_sub(&rq->srv->inflight, len);
    cs_free(buf);
    return over_budget(rq);
  } else if ((h = cs_malloc(sizeof *h))) {
    *h = (held){rq->srv, len, buf};
    r = MHD_create_response_from_buffer_with_free_callback_cls(len, buf, release, h);
  }
  if (!r) {
    if (h)
      release(h);
    else if (len >= CS_SV_SMALL_ANSWER) {
      atomic_fetch_sub(&rq->srv->inflight, len);
      cs_free(buf);
    } else {
      cs_free(buf);
    }
  }
  return queue(rq, status, r, len, name, value);
}

enum MHD_Result cs_sv_send(cs_sv_req *rq, int status, char *buf, size_t len) {
  return send_with(rq, status, buf, len, NULL, NULL);
}

enum MHD_Result cs_sv_send_blob(cs_sv_req *rq, int status, const cs_sv_blob *b) {
  struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->body, MHD_RESPMEM_PERSISTENT);
  return queue(rq, status, r, b->len, NULL, NULL);
}

enum MHD_Result cs_sv_send_file(cs_sv_req *rq, const cs_sv_file *f) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(f->blob.len, f->blob.body, MHD_RESPMEM_PERSISTENT);
  return queue_typed(rq, MHD_HTTP_OK, r, f->blob.len, f->type, NULL, NULL);
}

enum MHD_Result cs_sv_send_with(cs_sv_req *rq, int status, char *buf, size_t len, const char *name,
                                const char *value) {
  return send_with(rq, status, buf, len, name, value);
}

static int append(const char *s, size_t n, void *ctx) {
  cs_buf *b = ctx;
  cs_buf_putn(b, s, n);
  return b->oom ? -1 : 0;
}

char *cs_sv_dump(const json_t *j, size_t *len) {
  cs_buf b = {0};
  if (json_dump_callback(j, append, &b, JSON_COMPACT) || (cs_buf_put(&b, "\n"), b.oom)) {
    cs_free(b.s);
    return NULL;
  }
  *len = b.len;
  return b.s;
}

/* The last resort when even an error cannot be built: a fixed text, never freed. */
static enum MHD_Result out_of_memory(cs_sv_req *rq) {
  static const char body[] = "{\"error\":\"out of memory\",\"field\":null}\n";
  struct MHD_Response *r =
      MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
  return queue(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, r, sizeof body - 1, NULL, NULL);
}

enum MHD_Result cs_sv_json(cs_sv_req *rq, int status, json_t *j) {
  size_t len = 0;
  char *s = j ? cs_sv_dump(j, &len) : NULL;
  json_decref(j);
  return s ? cs_sv_send(rq, status, s, len) : out_of_memory(rq);
}

/* The error object; NULL when out of memory. */
static char *error_body(const char *field, const char *msg, size_t *len) {
  json_t *j = json_pack("{s:o, s:o}", "error", cs_sv_jstr(msg), "field",
                        field ? cs_sv_jstr(field) : json_null());
  char *s = j ? cs_sv_dump(j, len) : NULL;
  json_decref(j);
  return s;
}

enum MHD_Result cs_sv_error(cs_sv_req *rq, int status, const char *field, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t len = 0;
  char *s = error_body(field, msg, &len);
  if (!s) return out_of_memory(rq);
  if (status == MHD_HTTP_UNAUTHORIZED) /* RFC 6750: say which scheme is expected */
    return send_with(rq, status, s, len, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                     "Bearer realm=\"careshift\"");
  return send_with(rq, status, s, len, NULL, NULL);
}

static enum MHD_Result over_budget(cs_sv_req *rq) {
  size_t len = 0;
  char *s = error_body(NULL,
                       "the server holds too many large answers for slow readers: try again in "
                       "a second",
                       &len);
  if (!s) return out_of_memory(rq);
  return send_with(rq, MHD_HTTP_SERVICE_UNAVAILABLE, s, len, MHD_HTTP_HEADER_RETRY_AFTER, "1");
}

enum MHD_Result cs_sv_error_allow(cs_sv_req *rq, unsigned methods) {
  char allow[32], msg[96];
  cs_sv_allow(methods, allow, sizeof allow);
  snprintf(msg, sizeof msg, "method %s is not allowed here (allowed: %s)", rq->method, allow);
  size_t len = 0;
  char *s = error_body("method", msg, &len);
  if (!s) return out_of_memory(rq);
  return send_with(rq, MHD_HTTP_METHOD_NOT_ALLOWED, s, len, MHD_HTTP_HEADER_ALLOW, allow);
}

/* ---- the query ---- */

const char *cs_sv_arg(const cs_sv_req *rq, const char *name) {
  const char *v = NULL;
  size_t n = 0;
  if (MHD_lookup_connection_value_n(rq->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, &n) !=
      MHD_YES)
    return NULL;
  return v ? v : ""; /* "?name" without a value */
}

typedef struct {
  const char *const *allowed;
  size_t n;
  unsigned seen; /* a bit per allowed name */
  const char *bad;
  int why; /* 0 unknown, 1 twice, 2 a NUL in its name, 3 a NUL in its value */
} arg_check;

/* With the lengths of name and value, so that a NUL byte (%00) in either is seen: the checks
 * here and in the handlers read C strings, which end at the NUL, while libmicrohttpd's lookup
 * compares the whole name. */
static enum MHD_Result check_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size) {
  arg_check *c = cls;
  (void)kind;
  c->bad = key;
  if (strlen(key) != key_size) {
    c->why = 2;
    return MHD_NO;
  }
  if (value && strlen(value) != value_size) {
    c->why = 3;
    return MHD_NO;
  }
  for (size_t i = 0; i < c->n; i++) {
    if (strcmp(key, c->allowed[i])) continue;
    if (!(c->seen & 1u << i)) {
      c->seen |= 1u << i;
      c->bad = NULL;
      return MHD_YES;
    }
    c->why = 1;
    break;
  }
  return MHD_NO;
}

const char *cs_sv_bad_arg(const cs_sv_req *rq, const char *const *allowed, size_t n, int *why) {
  arg_check c = {allowed, n < 32 ? n : 32, 0, NULL, 0};
  MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, check_one, &c);
  *why = c.why;
  return c.bad;
}

int cs_sv_args_ok(cs_sv_req *rq, const char *const *allowed, size_t n, enum MHD_Result *res) {
  static const char *const what[] = {"unknown parameter", "given twice",
                                     "a NUL byte (%00) in its name",
                                     "a NUL byte (%00) in its value"};
  int why;
  const char *bad = cs_sv_bad_arg(rq, allowed, n, &why);
  if (!bad) return 1;
  *res = why ? cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, bad, "parameter '%s': %s", bad, what[why])
             : cs_sv_error(rq, MHD_HTTP_BAD_REQUEST, bad, "unknown parameter '%s'", bad);
  return 0;
}

int cs_sv_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  const char *p = s + (*s == '-');
  if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 19) return 0;
  errno = 0;
  long long v = strtoll(s, NULL, 10);
  if (errno || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

/* ---- values ---- */

json_t *cs_sv_jstr(const char *s) {
  json_t *j = json_string(s);
  if (j) return j;
  /* not UTF-8 (or out of memory): the printable ASCII kept, every other byte as \xNN */
  size_t n = strlen(s);
  char *t = cs_malloc(4 * n + 1), *o = t;
  if (!t) return NULL;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= 0x20 && *p < 0x7f) {
      *o++ = (char)*p;
      continue;
    }
    *o++ = '\\';
    *o++ = 'x';
    *o++ = "0123456789abcdef"[*p >> 4];
    *o++ = "0123456789abcdef"[*p & 15];
  }
  *o = '\0';
  j = json_string(t);
  cs_free(t);
  return j;
}

json_t *cs_sv_jcol(sqlite3_stmt *q, int i) {
  switch (sqlite3_column_type(q, i)) {
  case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(q, i));
  case SQLITE_FLOAT: {
    double d = sqlite3_column_double(q, i);
    return isfinite(d) ? json_real(d) : json_null();
  }
  case SQLITE_TEXT: return cs_sv_jstr((const char *)sqlite3_column_text(q, i));
  default: return json_null();
  }
}

int cs_sv_rows_as_objects(sqlite3_stmt *q, json_t *arr) {
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    json_t *o = json_object();
    for (int i = 0; o && i < sqlite3_column_count(q); i++)
      if (json_object_set_new(o, sqlite3_column_name(q, i), cs_sv_jcol(q, i))) {
        json_decref(o);
        o = NULL;
      }
    if (json_array_append_new(arr, o)) return SQLITE_NOMEM;
  }
  return rc;
}
