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
/* s without any of the n bytes cut (a plan's folder, so that a message names no server
 * folder); NULL when out of memory. */
char *cs_strcut(const char *s, const char *cut, size_t n);

/* The number of worker threads to use: requested, or the online CPUs when requested < 1,
 * capped at CS_MAX_THREADS and at the jobs there are (an idle thread would only allocate). */
#define CS_MAX_THREADS 256
int32_t cs_thread_count(int64_t requested, int64_t jobs);
/* Runs fn(ctx, j) for every j in [0, njob) on cs_thread_count(threads, njob) threads, the
 * caller one of them. Returns CS_OK, or a failing job's status (the jobs not yet started are
 * then skipped). */
typedef cs_status cs_job_fn(void *ctx, int64_t job);
cs_status cs_parallel_for(int64_t threads, int64_t njob, cs_job_fn *fn, void *ctx);
/* The same, telling each job its worker (0 .. threads - 1, the caller 0): for jobs that keep
 * scratch per worker from one job to the next. */
typedef cs_status cs_job_w_fn(void *ctx, int64_t job, int32_t worker);
cs_status cs_parallel_for_w(int64_t threads, int64_t njob, cs_job_w_fn *fn, void *ctx);
/* The first of n jobs in block part of nparts (processes, MPI): the blocks are contiguous and
 * as equal as can be; nparts < 2 is one block. */
static inline int64_t cs_part_first(int64_t n, int32_t part, int32_t nparts) {
  return nparts < 2 ? (part > 0 ? n : 0) : n * part / nparts;
}

/* Appends prefix + line as one message, as it is (a line another cs_diags already formatted). */
cs_status cs_diags_add_prefixed(cs_diags *d, const char *prefix, const char *line);

/* 64-bit FNV-1a of a NUL-terminated string (hash.c); the same value on every machine. */
uint64_t cs_hash_fnv1a(const char *s);
/* The FNV-1a 64 offset basis: the hash of no bytes, where cs_hash_fnv1a_bytes starts. */
#define CS_FNV1A_BASIS 14695981039346656037ull
/* Continues FNV-1a 64 state h over n bytes at p: h = CS_FNV1A_BASIS hashes p alone, and
 * feeding files one after the other hashes their concatenation (the plan's checksums). */
uint64_t cs_hash_fnv1a_bytes(uint64_t h, const void *p, size_t n);
/* Uniform number in (0, 1) of (seed, counter, stream): Philox4x32-10 (docs/model.md note 14). */
double cs_rand_u01(uint64_t seed, uint64_t counter, uint64_t stream);

/* numfmt.c: numbers as text without printf, for the CSV writer's hot loop (glibc's printf
 * formats a double with multi-precision arithmetic: "%.17g" was a sixth of a national run).
 */
/* Writes exactly what glibc's snprintf(out, 32, "%.17g", v) writes (NUL-terminated) and returns
 * the same count, at most 24. Zeros and finite |v| in [1e-6, 2^128) take the fast exact path;
 * every other value (smaller, larger, subnormal, infinite, NaN) goes to snprintf itself. Like
 * printf it assumes the "C" locale's decimal point and round-to-nearest, which careshift never
 * changes (snprintf would follow a changed locale or rounding mode; this does not). */
int cs_fmt_g17(double v, char out[32]);

#endif
