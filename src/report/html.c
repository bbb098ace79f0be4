/* html.c: a growing text buffer for the page; an allocation failure is remembered and
 * reported once at the end, so the page code reads straight through. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int grow(cs_buf *b, size_t more) {
  if (b->oom) return 0;
  if (b->len + more + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 1 << 16;
  while (cap < b->len + more + 1)
    cap *= 2;
  char *s = cs_realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return 0;
  }
  b->s = s;
  b->cap = cap;
  return 1;
}

void cs_buf_putn(cs_buf *b, const char *s, size_t n) {
  if (!grow(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void cs_buf_put(cs_buf *b, const char *s) { cs_buf_putn(b, s, strlen(s)); }

void cs_buf_printf(cs_buf *b, const char *fmt, ...) {
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    cs_buf_putn(b, small, (size_t)n);
    return;
  }
  if (!grow(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void cs_buf_esc(cs_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': cs_buf_put(b, "&lt;"); break;
    case '>': cs_buf_put(b, "&gt;"); break;
    case '&': cs_buf_put(b, "&amp;"); break;
    case '"': cs_buf_put(b, "&quot;"); break;
    default: cs_buf_putn(b, s, 1);
    }
  }
}
