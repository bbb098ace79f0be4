/* limits.c: what keeps one client from hurting the others: the request-target check that
 * refuses any way out of the API's paths, and the guard against slowloris clients.
 *
 * libmicrohttpd closes a connection only after CS_SV_IDLE_TIMEOUT seconds without a byte, so
 * a client sending one byte a second could hold a connection forever without ever finishing
 * a request. The guard notes when each connection started waiting for a request and a watcher
 * thread shuts down those that have waited longer than the deadline. shutdown(), not close():
 * libmicrohttpd still owns the descriptor and closes it itself, and it removes the connection
 * from the guard (under the guard's lock) before it does, so the watcher never touches a
 * descriptor that has been closed and reused. */
#include "serve.h"

#include <string.h>
#include <sys/socket.h>
#include <time.h>

double cs_sv_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- the request target ---- */

static int hex(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* One decoded byte of the path at *p (a %XX escape or the byte itself), *p moved past it; -1
 * for a malformed escape. */
static int next_byte(const char **p) {
  const char *s = *p;
  if (*s != '%') {
    *p = s + 1;
    return (unsigned char)*s;
  }
  int h = hex(s[1]), l = h < 0 ? -1 : hex(s[2]);
  if (l < 0) return -1;
  *p = s + 3;
  return h * 16 + l;
}

/* 1 when the segment of n decoded bytes is "." or "..". */
static int dots(const char *seg, size_t n) {
  return (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.');
}

int cs_sv_path_safe(const char *raw) {
  if (raw[0] != '/') return 0; /* "*", an absolute URI: never a file of ours */
  char seg[CS_SV_MAX_TARGET + 1];
  size_t n = 0;
  const char *p = raw + 1;
  while (*p && *p != '?') {
    int c = next_byte(&p);
    if (c < 0x20 || c == 0x7f || c == '\\') return 0;
    if (c != '/') {
      if (n < CS_SV_MAX_TARGET) seg[n++] = (char)c;
      continue;
    }
    if (n == 0 || dots(seg, n)) return 0; /* "//", "/./", "/../", encoded or not */
    n = 0;
  }
  return !dots(seg, n);
}

/* ---- the slowloris guard ---- */

struct cs_sv_conn {
  cs_sv_conn *prev, *next;
  int fd;
  int busy;     /* a request of it is being answered */
  int spared;   /* counted in g->spared (once a connection) */
  double since; /* waiting for a request since */
};

/* Whether a whole request's head waits unread in the connection's socket: the client sent it
 * and the server is behind (its threads busy with other requests under load), so the wait is
 * the server's, not the client's. A slowloris client's bytes are read as they come and never
 * end a head. (A peek: the bytes stay for libmicrohttpd.) */
static int head_unread(int fd) {
  char buf[8192];
  ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
  for (ssize_t i = 0; i + 4 <= n; i++)
    if (!memcmp(buf + i, "\r\n\r\n", 4)) return 1;
  return 0;
}

/* Shuts down every connection that has waited past the deadline; under g->mu. A connection
 * whose next request is there unread waits on (up to three deadlines): cut at the first, a
 * client would be dropped for the server's delay. */
static void sweep(cs_sv_guard *g, double now) {
  for (cs_sv_conn *c = g->head; c; c = c->next) {
    if (c->busy || c->fd < 0 || now - c->since < g->deadline) continue;
    if (now - c->since < 3 * g->deadline && head_unread(c->fd)) {
      g->spared += !c->spared;
      c->spared = 1;
      continue;
    }
    shutdown(c->fd, SHUT_RDWR);
    c->fd = -1; /* once is enough; libmicrohttpd closes it and removes it soon */
    g->cut++;
  }
}

static void *watch(void *arg) {
  cs_sv_guard *g = arg;
  pthread_mutex_lock(&g->mu);
  while (!g->stop) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_nsec += 250000000; /* four sweeps a second: a cut comes at most 0.25 s late */
    if (t.tv_nsec >= 1000000000) {
      t.tv_sec++;
      t.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&g->cv, &g->mu, &t);
    if (!g->stop) sweep(g, cs_sv_now());
  }
  pthread_mutex_unlock(&g->mu);
  return NULL;
}

cs_status cs_sv_guard_start(cs_sv_guard *g, double deadline) {
  pthread_condattr_t ca;
  memset(g, 0, sizeof *g);
  g->deadline = deadline;
  if (pthread_mutex_init(&g->mu, NULL)) return CS_ENOMEM;
  if (pthread_condattr_init(&ca)) goto fail_mutex;
  /* the deadline is on the monotonic clock: a change of the wall clock cuts nobody */
  int bad = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) || pthread_cond_init(&g->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (bad) goto fail_mutex;
  if (pthread_create(&g->thread, NULL, watch, g)) goto fail_cond;
  g->running = 1;
  return CS_OK;
fail_cond:
  pthread_cond_destroy(&g->cv);
fail_mutex:
  pthread_mutex_destroy(&g->mu);
  return CS_ENOMEM;
}

void cs_sv_guard_stop(cs_sv_guard *g) {
  if (!g->running) return;
  pthread_mutex_lock(&g->mu);
  g->stop = 1;
  pthread_cond_signal(&g->cv);
  pthread_mutex_unlock(&g->mu);
  pthread_join(g->thread, NULL);
  g->running = 0;
}

void cs_sv_guard_destroy(cs_sv_guard *g) {
  while (g->head) { /* none left once libmicrohttpd has closed every connection */
    cs_sv_conn *c = g->head;
    g->head = c->next;
    cs_free(c);
  }
  pthread_cond_destroy(&g->cv);
  pthread_mutex_destroy(&g->mu);
}

cs_sv_conn *cs_sv_guard_add(cs_sv_guard *g, int fd) {
  cs_sv_conn *c = cs_calloc(1, sizeof *c);
  if (!c) return NULL;
  c->fd = fd;
  c->since = cs_sv_now();
  pthread_mutex_lock(&g->mu);
  c->next = g->head;
  if (g->head) g->head->prev = c;
  g->head = c;
  pthread_mutex_unlock(&g->mu);
  return c;
}

void cs_sv_guard_remove(cs_sv_guard *g, cs_sv_conn *c) {
  if (!c) return;
  pthread_mutex_lock(&g->mu);
  if (c->prev)
    c->prev->next = c->next;
  else
    g->head = c->next;
  if (c->next) c->next->prev = c->prev;
  pthread_mutex_unlock(&g->mu);
  cs_free(c);
}

void cs_sv_guard_busy(cs_sv_guard *g, cs_sv_conn *c, int busy) {
  if (!c) return;
  pthread_mutex_lock(&g->mu);
  c->busy = busy;
  c->since = cs_sv_now(); /* a connection done with a request waits anew for the next */
  pthread_mutex_unlock(&g->mu);
}
