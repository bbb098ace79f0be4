/* hash.c: the one string hash of the library (64-bit FNV-1a), for the loader's id indexes, the
 * plan's checksums (run_info.csv) and the PSA's per-parameter random streams, and the
 * counter-based uniform numbers those streams feed (PSA draws, sampled Shapley permutations);
 * all need to be stable across runs, machines and threads. */
#include "base.h"

#include <Random123/philox.h>

uint64_t cs_hash_fnv1a(const char *s) {
  uint64_t h = CS_FNV1A_BASIS;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

uint64_t cs_hash_fnv1a_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

double cs_rand_u01(uint64_t seed, uint64_t draw, uint64_t stream) {
  philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
  philox4x32_ctr_t ctr = {
      {(uint32_t)draw, (uint32_t)(draw >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)}};
  philox4x32_ctr_t r = philox4x32(ctr, key);
  /* 53 random bits, offset by half a step: never 0. The top value (2^53 - 0.5) / 2^53 rounds
   * to exactly 1.0 (a gamma quantile of 1 is infinite), so it becomes the largest double
   * below 1; every other value is exact. */
  uint64_t bits = ((uint64_t)(r.v[0] >> 5) << 26) | (uint64_t)(r.v[1] >> 6);
  double u = ((double)bits + 0.5) / 9007199254740992.0;
  return u < 1.0 ? u : 1.0 - 0x1p-53;
}
