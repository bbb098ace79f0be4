/* base.h: the bottom layer, the interface every other folder of the library includes:
 * arenas, diagnostics (declared in careshift.h), a string hash, and nothing that knows about
 * plans. */
#ifndef CS_BASE_H
#define CS_BASE_H

#include <stdint.h>

#include "careshift.h"
#include "arena.h"

/* alloc.c: the library's allocation functions, through the hook of cs_set_allocator. Memory
 * from these is freed with cs_free (careshift.h), never with free(); memory from libc or a
 * third-party library (open_memstream, realpath, sqlite3_str) never with cs_free. */
void *cs_malloc(size_t n);
void *cs_calloc(size_t count, size_t size); /* zeroed; NULL when count * size overflows */
void *cs_realloc(void *p, size_t n);
char *cs_strdup(const char *s);
char *cs_strndup(const char *s, size_t n);

/* The number of worker threads to use: requested, or the online CPUs when requested < 1,
 * capped at CS_MAX_THREADS and at the jobs there are (an idle thread would only allocate). */
#define CS_MAX_THREADS 256
int32_t cs_thread_count(int64_t requested, int64_t jobs);

/* 64-bit FNV-1a of a NUL-terminated string (hash.c); the same value on every machine. */
uint64_t cs_hash_fnv1a(const char *s);

#endif
