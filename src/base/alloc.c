/* alloc.c: the one allocation hook of the library (careshift.h, cs_set_allocator). By
 * default the C library's functions; a test installs one that fails the N-th call to show
 * that every allocation failure ends in CS_ENOMEM. */
#include "base.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *libc_malloc(void *ctx, size_t n) {
  (void)ctx;
  return malloc(n);
}
static void *libc_realloc(void *ctx, void *p, size_t n) {
  (void)ctx;
  return realloc(p, n);
}
static void libc_free(void *ctx, void *p) {
  (void)ctx;
  free(p);
}

static cs_allocator hook = {libc_malloc, libc_realloc, libc_free, NULL};

void cs_set_allocator(const cs_allocator *a) {
  static const cs_allocator libc = {libc_malloc, libc_realloc, libc_free, NULL};
  hook = a ? *a : libc;
}

void *cs_malloc(size_t n) { return hook.malloc(hook.ctx, n ? n : 1); }

void *cs_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  void *p = cs_malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *cs_realloc(void *p, size_t n) { return hook.realloc(hook.ctx, p, n ? n : 1); }

void cs_free(void *p) {
  if (p) hook.free(hook.ctx, p);
}

char *cs_strndup(const char *s, size_t n) {
  char *d = cs_malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

char *cs_strdup(const char *s) { return cs_strndup(s, strlen(s)); }

char *cs_strcut(const char *s, const char *cut, size_t n) {
  size_t len = strlen(s), k = 0;
  char *out = cs_malloc(len + 1);
  if (!out) return NULL;
  for (size_t i = 0; i < len;)
    if (n && i + n <= len && !memcmp(s + i, cut, n))
      i += n;
    else
      out[k++] = s[i++];
  out[k] = '\0';
  return out;
}

int32_t cs_thread_count(int64_t requested, int64_t jobs) {
  int64_t n = requested;
  if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > CS_MAX_THREADS) n = CS_MAX_THREADS;
  if (jobs >= 1 && n > jobs) n = jobs;
  return (int32_t)n;
}
