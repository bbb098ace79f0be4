/* diag.c: the one error type: a growable list of "FILE:LINE:COLUMN: message" strings. */
#include "base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A maximum keeps a pathological input (a million bad rows) from eating memory; the last
 * kept line says how many more there were. */
#define CS_DIAGS_MAX 1000

struct cs_diags {
  char **msg;
  size_t n, cap, dropped;
};

const char *cs_status_str(cs_status s) {
  switch (s) {
  case CS_OK: return "ok";
  case CS_EINVAL: return "invalid input";
  case CS_ENOMEM: return "out of memory";
  case CS_EIO: return "input/output error";
  case CS_EINTERNAL: return "internal error";
  case CS_ECANCELED: return "canceled";
  }
  return "unknown status";
}

cs_diags *cs_diags_new(void) { return cs_calloc(1, sizeof(cs_diags)); }

void cs_diags_free(cs_diags *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n; i++)
    cs_free(d->msg[i]);
  cs_free(d->msg);
  cs_free(d);
}

size_t cs_diags_count(const cs_diags *d) { return d ? d->n : 0; }

size_t cs_diags_total(const cs_diags *d) {
  if (!d) return 0;
  /* the last kept line only says how many were dropped; it is no problem of its own */
  return d->dropped ? d->n - 1 + d->dropped : d->n;
}

const char *cs_diags_get(const cs_diags *d, size_t i) { return (d && i < d->n) ? d->msg[i] : NULL; }

/* A message quotes input (ids, file names, scalars): a raw ESC would reach the terminal and a
 * newline would split one problem over two lines. Every byte below 0x20 and 0x7f becomes
 * \xNN; UTF-8 text above 0x7f is kept as it is. Returns a new string or NULL. */
static char *escape_controls(const char *s) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    n += (*p < 0x20 || *p == 0x7f) ? 4 : 1;
  char *out = cs_malloc(n + 1);
  if (!out) return NULL;
  char *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      o += sprintf(o, "\\x%02x", *p);
    else
      *o++ = (char)*p;
  }
  *o = 0;
  return out;
}

static cs_status push(cs_diags *d, char *s) {
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 16;
    char **m = cs_realloc(d->msg, cap * sizeof *m);
    if (!m) {
      cs_free(s);
      return CS_ENOMEM;
    }
    d->msg = m;
    d->cap = cap;
  }
  d->msg[d->n++] = s;
  return CS_OK;
}

/* When d holds CS_DIAGS_MAX lines, the last becomes the count of those not shown (it and
 * this one); returns 1 then, and the caller keeps nothing. */
static int full(cs_diags *d, cs_status *st) {
  *st = CS_OK;
  if (d->n < CS_DIAGS_MAX && !d->dropped) return 0;
  if (!d->dropped) {
    char *s = cs_malloc(96);
    if (!s) {
      *st = CS_ENOMEM;
      return 1;
    }
    cs_free(d->msg[d->n - 1]);
    d->msg[d->n - 1] = s;
    d->dropped = 1;
  }
  d->dropped++;
  snprintf(d->msg[d->n - 1], 96, "... and %zu more problems not shown", d->dropped);
  return 1;
}

cs_status cs_diags_add(cs_diags *d, const char *file, int line, int col, const char *fmt, ...) {
  cs_status st;
  if (!d || full(d, &st)) return d ? st : CS_OK;
  char body[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  const char *f = file ? file : "careshift";
  size_t len = strlen(f) + strlen(body) + 48;
  char *s = cs_malloc(len);
  if (!s) return CS_ENOMEM;
  /* Problems without a place in a file (an output directory, a failed run) carry no :0:0. */
  if (line > 0)
    snprintf(s, len, "%s:%d:%d: %s", f, line, col, body);
  else
    snprintf(s, len, "%s: %s", f, body);
  char *safe = escape_controls(s);
  cs_free(s);
  if (!safe) return CS_ENOMEM;
  return push(d, safe);
}

cs_status cs_diags_add_prefixed(cs_diags *d, const char *prefix, const char *line) {
  cs_status st;
  if (!d || full(d, &st)) return d ? st : CS_OK;
  size_t a = strlen(prefix), b = strlen(line);
  char *s = cs_malloc(a + b + 1);
  if (!s) return CS_ENOMEM;
  memcpy(s, prefix, a);
  memcpy(s + a, line, b + 1);
  char *safe = escape_controls(s);
  cs_free(s);
  if (!safe) return CS_ENOMEM;
  return push(d, safe);
}
