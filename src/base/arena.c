/* arena.c: bump allocation in large zeroed blocks; big requests get a block of their own. */
#include "base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CS_ARENA_BLOCK (64u * 1024u)

struct cs_arena_block {
  cs_arena_block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

void cs_arena_init(cs_arena *a) {
  a->head = NULL;
  a->total = 0;
}

void cs_arena_release(cs_arena *a) {
  cs_arena_block *b = a->head;
  while (b) {
    cs_arena_block *next = b->next;
    cs_free(b);
    b = next;
  }
  a->head = NULL;
  a->total = 0;
}

static cs_arena_block *new_block(size_t cap) {
  if (cap > SIZE_MAX - sizeof(cs_arena_block)) return NULL;
  cs_arena_block *b = cs_calloc(1, sizeof(cs_arena_block) + cap);
  if (b) b->cap = cap;
  return b;
}

void *cs_arena_alloc(cs_arena *a, size_t n) {
  if (n == 0) n = 1;
  if (n > SIZE_MAX - 15) return NULL;
  n = (n + 15) & ~(size_t)15;
  cs_arena_block *b = a->head;
  if (!b || b->cap - b->used < n) {
    /* A large request gets its own block behind the head, so the head keeps its free space. */
    if (n > CS_ARENA_BLOCK / 4 && b) {
      cs_arena_block *big = new_block(n);
      if (!big) return NULL;
      big->used = n;
      big->next = b->next;
      b->next = big;
      a->total += n;
      return big->data;
    }
    b = new_block(n > CS_ARENA_BLOCK ? n : CS_ARENA_BLOCK);
    if (!b) return NULL;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  a->total += n;
  return p;
}

void *cs_arena_calloc(cs_arena *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  return cs_arena_alloc(a, count * size);
}

char *cs_arena_strndup(cs_arena *a, const char *s, size_t n) {
  char *d = cs_arena_alloc(a, n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

char *cs_arena_strdup(cs_arena *a, const char *s) { return cs_arena_strndup(a, s, strlen(s)); }
