/* arena.h: a bump allocator freed in one go; one per loaded plan and one per run, so every
 * allocation has one clear owner and nothing is freed piecemeal. */
#ifndef CS_ARENA_H
#define CS_ARENA_H

#include <stddef.h>

typedef struct cs_arena_block cs_arena_block;
typedef struct {
  cs_arena_block *head;
  size_t total; /* bytes handed out, for the run log and benchmarks */
} cs_arena;

void cs_arena_init(cs_arena *a);
void cs_arena_release(cs_arena *a);          /* frees every block; the arena is reusable */
void *cs_arena_alloc(cs_arena *a, size_t n); /* zeroed, 16-byte aligned; NULL on overflow/OOM */
void *cs_arena_calloc(cs_arena *a, size_t count, size_t size); /* checks count*size overflow */
char *cs_arena_strdup(cs_arena *a, const char *s);
char *cs_arena_strndup(cs_arena *a, const char *s, size_t n);

/* n zeroed objects of type T in arena ar (NULL when out of memory). */
#define CS_ALLOC(ar, n, T) ((T *)cs_arena_calloc((ar), (size_t)(n), sizeof(T)))

#endif
