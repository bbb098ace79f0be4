/* hash.c: the one string hash of the library (64-bit FNV-1a), for the loader's id indexes and
 * the PSA's per-parameter random streams; both need it stable across runs and machines. */
#include "base.h"

uint64_t cs_hash_fnv1a(const char *s) {
  uint64_t h = 14695981039346656037ull; /* the FNV-1a 64-bit offset basis */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}
