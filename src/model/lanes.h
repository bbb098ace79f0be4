/* lanes.h: what the kernel (kernel.c) and its per-cell code (cells.c) share: the context of a
 * year and block of lanes, and the eight-lane vectors.
 *
 * Every (scenario, area) pair is a lane; blocks of lanes advance a year together, eight lanes
 * at a time in GCC's vector extension, which does in every lane the IEEE operation the scalar
 * code would. Lanes come in blocks of a multiple of VL (model.h), so there is no remainder. */
#ifndef CS_LANES_H
#define CS_LANES_H

#include "model.h"

#include <math.h>

/* GCC compiles C17 without contracting a * b + c into an FMA, and meson.build passes
 * -ffp-contract=off to every file; clang would contract where the target has FMA. An FMA rounds
 * once where the reference rounds twice: keep the two roundings. */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/* Everything the per-cell code needs about the current year and block of lanes. */
typedef struct kctx {
  const cs_plan *pl;
  const cs_params *pm;
  const cs_scen *scs; /* [nsc] every scenario */
  const cs_scen *sc;  /* scenario i (workforce_step, implementation_step) */
  cs_work *w;
  cs_results *r;
  int32_t i, y, L, nl, na, K, nc; /* L: lane stride (w->lstride), nl: lanes (w->lane_sc) */
  int32_t nsc;
  double qfac;         /* (1 - mortality_improvement)^y */
  int32_t l0, nb;      /* the block: lanes l0 .. l0 + nb - 1 (nb = w->bmax, some maybe padding) */
  size_t B;            /* stride of the block's scratch (w->bmax) */
  const double *trans; /* [s][x][k][l] the year's base transitions */
  /* The year's cells that no intervention changes: ages slo .. shi - 1 of both sexes (none
   * when slo >= shi) hold the same persons in every lane of an area (cs_kernel, seg_ages), so
   * they go first, and only the baseline's lanes compute them (block_segment). */
  int32_t slo, shi;
  int seg_all;      /* CARESHIFT_SEGMENT=compute: every lane computes them (tests) */
  int seg_poison;   /* CARESHIFT_SEGMENT=poison: rows seg_take leaves hold NaN (tests) */
  int seg_copy_all; /* seg_take copies every row of them into next year's stock, not only the
                   rows a lane reads (kernel.c, seg_take_cells) */
  int stream; /* next year's cells stored past the caches (cells.c store_streamed): a stock too
                 large to stay in them (cs_kernel; CARESHIFT_STORES=stream or cached: tests) */
  /* cells.c's version for this machine (cs_kernel): the year's death probabilities, the
   * cells, the signatures' care effects */
  void (*deaths)(const struct kctx *c);
  void (*cells)(const struct kctx *c);
  void (*cells_seg)(const struct kctx *c);
  void (*sig_apply)(const struct kctx *c, int32_t b0, int32_t b1);
} kctx;

/* kctx of one lane of the block (scenario i, area a), for the per-area code. */
typedef struct {
  const kctx *k;
  int32_t b, i, a; /* b: lane - l0 */
} lctx;

/* Eight lanes at once: one AVX-512 register, two AVX ones, four SSE2 ones. */
#define VL 8
typedef double v8 __attribute__((vector_size(VL * sizeof(double))));
/* the same, at any address of a double and aliasing doubles: what VEC(p) reads */
typedef double v8u
    __attribute__((vector_size(VL * sizeof(double)), aligned(sizeof(double)), may_alias));
/* Eight 64-bit masks (all ones or zero) that select per lane: AND, OR and NOT are native on
 * any vector width (unlike comparisons, see CS_MIG_TYPES in cells.c), so a select is too. */
typedef long long v8i __attribute__((vector_size(VL * sizeof(long long))));
typedef long long v8iu
    __attribute__((vector_size(VL * sizeof(long long)), aligned(sizeof(long long)), may_alias));
/* Macros, not functions: a vector passed by value between functions would depend on the
 * target's vector ABI. */
#define VEC(p) (*(v8u *)(p))
#define VECI(p) (*(v8iu *)(p))
#define VDUP(x) ((v8){(x), (x), (x), (x), (x), (x), (x), (x)})
/* Eight lanes' values of a row of [area] values: n[src[0]] .. n[src[7]] (src: int32_t). */
#define CS_GATHER8(n, src)                                                                         \
  ((v8){(n)[(src)[0]], (n)[(src)[1]], (n)[(src)[2]], (n)[(src)[3]], (n)[(src)[4]], (n)[(src)[5]],  \
        (n)[(src)[6]], (n)[(src)[7]]})
/* m ? a : b per lane, the bits of a or of b */
#define VSEL(m, a, b) ((v8)(((v8i)(a) & (m)) | ((v8i)(b) & ~(m))))

/* VSTORE(p, v): the eight lanes v to p .. p + 7, in the target's own registers. GCC 12 writes
 * a vector wider than the target's through the stack, a piece at a time (about 40 % of the
 * example's kernel time on an AVX2 machine went there): so where the target's vectors are
 * narrower than eight lanes, the halves or quarters are stored one by one. */
#if defined(__AVX512F__)
#define CS_VW 8
#elif defined(__AVX__)
#define CS_VW 4
#else
#define CS_VW 2
#endif
typedef double cs_vn
    __attribute__((vector_size(CS_VW * sizeof(double)), aligned(sizeof(double)), may_alias));
typedef long long cs_vni
    __attribute__((vector_size(CS_VW * sizeof(long long)), aligned(sizeof(long long)), may_alias));
#if CS_VW == 8
#define CS_STORE(VT, NT, T, p, v) ((void)(*(VT *)(p) = (v)))
#elif CS_VW == 4
#define CS_STORE(VT, NT, T, p, v)                                                                  \
  do {                                                                                             \
    const VT vs_ = (v);                                                                            \
    T *ps_ = (p);                                                                                  \
    *(NT *)ps_ = __builtin_shufflevector(vs_, vs_, 0, 1, 2, 3);                                    \
    *(NT *)(ps_ + 4) = __builtin_shufflevector(vs_, vs_, 4, 5, 6, 7);                              \
  } while (0)
#else
#define CS_STORE(VT, NT, T, p, v)                                                                  \
  do {                                                                                             \
    const VT vs_ = (v);                                                                            \
    T *ps_ = (p);                                                                                  \
    *(NT *)ps_ = __builtin_shufflevector(vs_, vs_, 0, 1);                                          \
    *(NT *)(ps_ + 2) = __builtin_shufflevector(vs_, vs_, 2, 3);                                    \
    *(NT *)(ps_ + 4) = __builtin_shufflevector(vs_, vs_, 4, 5);                                    \
    *(NT *)(ps_ + 6) = __builtin_shufflevector(vs_, vs_, 6, 7);                                    \
  } while (0)
#endif
#define VSTORE(p, v) CS_STORE(v8u, cs_vn, double, p, v)
#define VSTOREI(p, v) CS_STORE(v8iu, cs_vni, long long, p, v)

/* The target's own vector of CS_VW lanes, for the loops that carry a vector from one pass to
 * the next (a sum over the states): GCC keeps such a vector on the stack when it is wider
 * than the target's. VN(p) reads and writes CS_VW lanes at p, VNDUP(x) is x in each. */
typedef double vn __attribute__((vector_size(CS_VW * sizeof(double))));
#define VN(p) (*(cs_vn *)(p))
#if CS_VW == 8
#define VNDUP(x) ((vn){(x), (x), (x), (x), (x), (x), (x), (x)})
#elif CS_VW == 4
#define VNDUP(x) ((vn){(x), (x), (x), (x)})
#else
#define VNDUP(x) ((vn){(x), (x)})
#endif

/* for each of the target's vectors in the block's lanes 0 .. nb - 1 (a multiple of eight), b
 * its first lane: in the target's own vectors (VN), so that a scalar factor is broadcast in a
 * register, and unrolled where nb is a constant (cells.c, CS_NB_WIDTHS). */
#define CS_LANES(b) CS_UNROLL16 for (int32_t b = 0; b < nb; b += CS_VW)

/* Whether cells.c has its versions for fixed block widths, with the loops unrolled: on AVX2
 * and AVX-512, not in the baseline x86-64 version (old machines) or a sanitizer build (make
 * check's ASan pass, the fuzzers: the unrolled, instrumented code took minutes to compile).
 * Elsewhere the loops stay loops. */
#if defined(__SANITIZE_ADDRESS__)
#define CS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CS_SANITIZED 1
#endif
#endif
#if !defined(CS_SANITIZED)
#define CS_SANITIZED 0
#endif
#if CS_VW > 2 && !CS_SANITIZED
#define CS_FIXED_WIDTHS 1
#define CS_UNROLL16 _Pragma("GCC unroll 16")
#define CS_UNROLL8 _Pragma("GCC unroll 8")
#else
#define CS_FIXED_WIDTHS 0
#define CS_UNROLL16
#define CS_UNROLL8
#endif

/* The per-cell code is inlined into the entry points of cells.c: a call from there into code
 * compiled for another target is slow (migration_of as such a call cost 15 % of the national
 * plan's kernel). */
#define CS_HOT static inline __attribute__((always_inline))

/* max(0, v) and min(1, v) without libm calls in the inner loop (same result for NaN). */
static inline double pos(double v) { return v > 0.0 ? v : 0.0; }
static inline double atmost1(double v) { return v < 1.0 ? v : 1.0; }

/* 1 - (1 - p)^h: probability p under hazard ratio h >= 0 (a certain event stays certain
 * unless h is 0). expm1/log1p keep small probabilities exact. */
static inline double hazard_pow(double p, double h) {
  if (p >= 1.0) return h > 0.0 ? 1.0 : 0.0;
  return -expm1(h * log1p(-p));
}

/* cells.c, compiled once per x86-64 level on GCC (meson.build: CS_ISA v4, v3 and v1, the
 * baseline; the same operations in wider registers, so the same bits), else once (generic).
 * cs_kernel takes the version the machine runs. */
#define CS_LANE_FNS(isa)                                                                           \
  /* the year's death probabilities before mortality effects, every area and cell */               \
  void cs_deaths_##isa(const kctx *c);                                                             \
  /* the births, then every cell of the block outside slo .. shi - 1 and the migration into        \
   * next year's cells */                                                                          \
  void cs_cells_##isa(const kctx *c);                                                              \
  /* the cells of ages slo .. shi - 1 of both sexes, and the migration into those they feed */     \
  void cs_cells_seg_##isa(const kctx *c);                                                          \
  /* each signature's summed rates of lanes b0 .. b1 - 1 through its interventions' effects */     \
  void cs_sig_apply_##isa(const kctx *c, int32_t b0, int32_t b1);
#if defined(CS_MULTI_ISA)
CS_LANE_FNS(v4)
CS_LANE_FNS(v3)
CS_LANE_FNS(v1)
#else
CS_LANE_FNS(generic)
#endif

#endif
