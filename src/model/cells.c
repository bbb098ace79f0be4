/* cells.c: the kernel's work per cell, all lanes of a block at once (MODEL.md 2-4): deaths,
 * survivors by next state, life years and QALYs, the sums of care use, births and migration
 * into next year's stock; then each signature's summed rates through its interventions' care
 * effects. kernel.c does the rest of the year and the economics of the lanes.
 *
 * On x86-64 GCC builds this file three times (meson.build): for x86-64-v4 (AVX-512), v3 (AVX2)
 * and the baseline, each with its own vector width (lanes.h, VSTORE), and cs_kernel takes
 * the highest the machine runs, or AVX2 where that is faster (kernel.c, lane_fns). The
 * versions do the same IEEE operations in the same order, so they give the same bits. */
#include "lanes.h"

#include <float.h>
#include <string.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#if !defined(CS_ISA)
#define CS_ISA generic
#endif

static int is_front(cs_chain c) { return c == CS_CHAIN_SOCIAL || c == CS_CHAIN_PRIMARY; }

/* The target's vectors of 64-bit lane masks (comparisons of vn), and whether all lanes of one
 * are set: the four sign bits at once on AVX. */
typedef long long vni __attribute__((vector_size(CS_VW * sizeof(long long))));
#if CS_VW == 4
#define CS_ALLN(m) (_mm256_movemask_pd((__m256d)(m)) == 0xF)
#else
static inline int cs_alln(vni m) {
  long long all = -1;
  for (int q = 0; q < CS_VW; q++)
    all &= m[q];
  return all != 0;
}
#define CS_ALLN(m) cs_alln(m)
#endif

/* The year's death probabilities before mortality effects (step 1-2): state-specific,
 * normalised by the baseline's mix of each area on 1 January (the baseline's lanes are
 * 0 .. narea-1); in hazard mode 1 - (1 - q)^rr, the same in every area. */
static void year_deaths(const kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  int32_t K = c->K, na = c->na;
  for (int32_t sx = 0; sx < CS_NSEX * CS_NAGE; sx++) {
    double q = atmost1(pm->q0[sx] * c->qfac);
    if (pl->mort_hazard) {
      for (int32_t k = 0; k < K; k++)
        c->w->qa[(size_t)sx * K + k] = hazard_pow(q, pm->rr[k]);
      continue;
    }
    const double *Nb = c->w->cur + (size_t)sx * K * c->L, *sh = pl->share0 + (size_t)sx * K;
    double *qa = c->w->qa + (size_t)sx * K * na;
    int32_t a = 0;
    /* a vector of areas at once where each has persons in the cell and a mix with some risk:
     * the divisions, in the target's vectors (the same operations per area); the others one by
     * one below */
    for (; a + CS_VW <= na; a += CS_VW) {
      vn tot = VNDUP(0.0), nr = VNDUP(0.0);
      for (int32_t k = 0; k < K; k++) {
        vn n = VN(Nb + (size_t)k * c->L + a);
        tot += n;
        nr += n * pm->rr[k];
      }
      if (!CS_ALLN(tot > VNDUP(0.0))) break;
      vn rbar = nr / tot; /* (two divisions a vector of areas: they set the pace here) */
      if (!CS_ALLN(rbar > VNDUP(0.0))) break;
      vn qr = VNDUP(q) / rbar;
      if (!CS_ALLN(qr <= VNDUP(DBL_MAX))) break; /* a tiny rbar: below, as q * rr / rbar */
      for (int32_t k = 0; k < K; k++) {
        vn t = qr * pm->rr[k];
        vni lt = t < VNDUP(1.0); /* atmost1 in each lane (NaN: 1) */
        VN(qa + (size_t)k * na + a) = (vn)(((vni)t & lt) | ((vni)VNDUP(1.0) & ~lt));
      }
    }
    for (; a < na; a++) { /* the same sums one area at a time; an empty cell takes sh */
      double tot = 0.0, nr = 0.0;
      for (int32_t k = 0; k < K; k++) {
        double n = Nb[(size_t)k * c->L + a];
        tot += n;
        nr += n * pm->rr[k];
      }
      double rbar = 0.0;
      if (tot > 0.0) {
        rbar = nr / tot;
      } else {
        for (int32_t k = 0; k < K; k++)
          rbar += sh[k] * pm->rr[k];
      }
      /* rbar is 0 when every state in the mix has relative risk 0 (or the sum underflows: a
       * cell of fewer than 1e-300 persons): nobody dies. q / rbar once, unless it overflows
       * (then q * rr / rbar: a state with rr 0 keeps q 0) */
      double qr = rbar > 0.0 ? q / rbar : 0.0;
      int big = !(qr <= DBL_MAX);
      for (int32_t k = 0; k < K; k++)
        qa[(size_t)k * na + a] =
            rbar > 0.0 ? atmost1(big ? q * pm->rr[k] / rbar : qr * pm->rr[k]) : 0.0;
    }
  }
}

/* Deaths D of state k of cell sx in every lane in hazard mode: 1 - (1 - q)^(rr qm), the
 * year's shared value where the signature has no mortality effect (rr * 1 is rr). */
CS_HOT void cell_deaths_hazard(const kctx *c, int32_t sx, int32_t k, int32_t j, const double *N,
                               int32_t nb) {
  cs_work *w = c->w;
  const double *qm = w->qm + (size_t)j * c->B;
  double q = atmost1(c->pm->q0[sx] * c->qfac), rr = c->pm->rr[k];
  double qs = w->qa[(size_t)sx * c->K + k];
  for (int32_t b = 0; b < nb; b++)
    w->D[b] = N[b] * (qm[b] == 1.0 ? qs : hazard_pow(q, rr * qm[b]));
}

/* A row that summed above 1 in lane b: scaled down to sum 1 and logged (MODEL.md 4). */
static void clamp_row(const kctx *c, int32_t b, int32_t k, int32_t j, size_t row, double n) {
  cs_work *w = c->w;
  const cs_plan *pl = c->pl;
  size_t B = c->B;
  for (int32_t l = 0; l < c->K; l++)
    if (l != k) w->p[(size_t)l * B + b] /= w->psum[b];
  /* the log counts rows that moved persons: empty cells are scaled but not counted */
  if (n == 0.0) return;
  w->lcl[b]++;
  /* a base row above 1 already (a drawn table scale, or a negative transition_improvement
   * raising the hazards of later years) is the base table's doing, not an intervention's */
  if (w->bclamp[row]) {
    w->lcl[B + (size_t)b]++;
    return;
  }
  if (!w->tm_on[(size_t)j * B + b]) return;
  const uint8_t *in = c->pm->sig_iv + (size_t)j * pl->niv;
  const int32_t *act = w->act + (size_t)b * pl->niv;
  for (int32_t n2 = 0; n2 < w->nact[b]; n2++) {
    int32_t v = act[n2];
    const cs_intervention *iv = &pl->ivs[v];
    if (!in[v]) continue;
    for (int32_t q = 0; q < iv->neffect; q++)
      if (iv->effects[q].kind == CS_EFF_TRANSITION && iv->effects[q].from == k) {
        w->lcliv[(size_t)v * B + (size_t)b]++;
        break;
      }
  }
}

/* The transition row k of cell sx per lane for a signature with transition effects: the base
 * row times the lane's multipliers (hazard-scale ones first, as exponents of 1 - p), scaled
 * down to sum 1 where it exceeds 1; into w->p [l][b], the stay probability at l = k. */
CS_HOT void effect_rows(const kctx *c, size_t row, int32_t k, int32_t j, const double *N,
                        int32_t nb) {
  cs_work *w = c->w;
  const int32_t K = c->K; /* locals: the stores through VEC may alias any double */
  size_t B = c->B, KK = (size_t)K * K;
  const double *base = c->trans + row * K;
  double *sum = w->psum;
  /* a row can only sum above 1 where its base row does, or a lane has a multiplier above 1 or
   * a hazard-scale one, or a base probability is negative: with every multiplier in [0, 1]
   * each p * m <= p, and a sum of terms no larger, in the same order, is no larger */
  int check = w->bclamp[row] || w->tm_big[(size_t)j * K + k];
  CS_LANES (b)
    VN(sum + b) = VNDUP(0.0);
  for (int32_t l = 0; l < K; l++) {
    size_t kl = (size_t)j * KK + (size_t)k * K + l;
    const double *tm = w->tm + kl * B, *th = w->th + kl * B;
    double *p = w->p + (size_t)l * B, bl = base[l];
    check |= bl < 0.0;
    if (w->any_th[kl]) {
      for (int32_t b = 0; b < nb; b++)
        p[b] = th[b] != 1.0 ? hazard_pow(bl, th[b]) : bl;
      CS_LANES (b)
        VN(p + b) = VN(p + b) * VN(tm + b);
    } else {
      CS_LANES (b)
        VN(p + b) = bl * VN(tm + b); /* 1 in a lane without: p * 1 is p */
    }
    if (l != k)
      CS_LANES (b)
        VN(sum + b) = VN(sum + b) + VN(p + b);
  }
  for (int32_t b = 0; b < nb && check; b++)
    if (sum[b] > 1.0) clamp_row(c, b, k, j, row, N[b]);
  double *stay = w->p + (size_t)k * B;
  const double *p0 = w->p;
  CS_LANES (b) { /* (a sum over the states: the target's vectors) */
    vn st = VNDUP(1.0);
    for (int32_t l = 0; l < k; l++) /* (l = k skipped by two loops, not by a branch) */
      st -= VN(p0 + (size_t)l * B + b);
    for (int32_t l = k + 1; l < K; l++)
      st -= VN(p0 + (size_t)l * B + b);
    VN(stay + b) = st;
  }
}

/* Survivors of state k of cell sx into S2 by next state: the year's shared row, or each
 * lane's own for a signature with transition effects in the block. */
CS_HOT void cell_transitions(const kctx *c, size_t row, int32_t k, int32_t j, const double *N,
                             int32_t nb) {
  cs_work *w = c->w;
  const int32_t K = c->K; /* locals: the stores through VEC may alias any double */
  size_t B = c->B;
  const double *S = w->S;
  if (w->any_tm[j]) {
    effect_rows(c, row, k, j, N, nb);
    for (int32_t l = 0; l < K; l++) {
      const double *p = w->p + (size_t)l * B;
      double *s2 = w->S2 + (size_t)l * B;
      if (k) /* (the choice outside the loop: see cell_fused) */
        CS_LANES (b)
          VN(s2 + b) = VN(s2 + b) + VN(S + b) * VN(p + b);
      else
        CS_LANES (b)
          VN(s2 + b) = VNDUP(0.0) + VN(S + b) * VN(p + b);
    }
    return;
  }
  if (w->bclamp[row])
    for (int32_t b = 0; b < nb; b++)
      if (N[b] != 0.0) w->lcl[b]++, w->lcl[B + (size_t)b]++;
  const double *prow = w->prow + row * K;
  for (int32_t l = 0; l < K; l++) {
    double pl = prow[l], *s2 = w->S2 + (size_t)l * B;
    if (k) /* (the choice outside the loop: see cell_fused) */
      CS_LANES (b)
        VN(s2 + b) = VN(s2 + b) + VN(S + b) * pl;
    else
      CS_LANES (b)
        VN(s2 + b) = VNDUP(0.0) + VN(S + b) * pl;
  }
}

/* State k of cell sx (signature j): passes over the lanes for deaths and survivors (kept in
 * w->D and w->S for the passes after), the persons and deaths added to the run's sums (w->gn,
 * w->gd); then, without transition effects in the block, the survivors by next state into S2.
 * At the end of a run (w->rend: the ages of one sex and state with the same signature and
 * rates, an age band; also where the cells every scenario shares begin or end, slo and shi;
 * docs/model.md note 18) the run's life years, QALYs, demography, persons of the signature
 * and care at the rates that are not 0 (N-weighted use, D-weighted end-of-life use: a rate of
 * exactly 0 adds +0 or -0 to a sum that is never -0, which leaves it as it is for a finite
 * population), once for the run instead of once per age; the care a pass per rate (its sum's
 * address and the rate loaded once). The rates that are not 0, their sums' offsets and the year's
 * row are read where cs_kernel keeps them (w->nz, w->nzr, w->prow), not copied per cell. */
CS_HOT void cell_fused(const kctx *c, int32_t sx, int32_t x, int32_t k, int32_t j, const double *N,
                       int32_t nb) {
  cs_work *w = c->w;
  const int32_t K = c->K; /* locals: the stores through VEC may alias any double */
  const size_t B = c->B, cell = (size_t)sx * K + k, nc = (size_t)c->nc;
  const double *qa = w->qa + cell * c->na, *qm = w->qm + (size_t)j * B;
  const double *ut = w->ut + ((size_t)j * K + k) * B;
  const int32_t *la = w->lane_a + c->l0;
  double *D = w->D, *S = w->S, *rn = w->rn + (size_t)j * B, *S2 = w->S2;
  double *gn = w->gn + (size_t)k * B, *gd = w->gd + (size_t)k * B; /* the run's sums */
  double *ly = w->hl + CS_HEALTH_LY * B, *qly = w->hl + CS_HEALTH_QALY * B;
  double *qaw = w->hl + CS_HEALTH_QALY_W * B; /* (LY_W, the occupancy, is POP: lane_finish) */
  double *pop = w->dm + CS_DEMO_POP * B, *dth = w->dm + CS_DEMO_DEATHS * B;
  double *p75 = x >= 75 ? w->dm + CS_DEMO_POP75 * B : NULL;
  const int qbig = w->qm_big[j], hazard = c->pl->mort_hazard;
  /* the sums of the signature's use and end-of-life rates, the offsets of the sectors with a
   * rate that is not 0 among them and those rates */
  double *ru = w->ru + (size_t)j * nc * B, *re = w->re + (size_t)j * nc * B;
  const int32_t *ou = w->nz + cell * 2 * nc, *oe = ou + nc;
  const double *ur = w->nzr + cell * 2 * nc, *er = ur + nc;
  const int32_t nu = w->nzn[2 * cell], ne = w->nzn[2 * cell + 1];
  /* a row no lane has a transition effect on is every lane's shared row: effect_rows would
   * give each lane the same bits (p * 1 is p; scaled, counted and its stay taken alike) */
  const int shared = !w->any_tm[j] || !w->tm_row[(size_t)j * K + k];
  const double *prow = w->prow + cell * K;
  if (hazard) cell_deaths_hazard(c, sx, k, j, N, nb);
  /* the deaths into D, then read from there, and no eight-lane vector kept across the choice:
   * where the target's vectors are narrower than eight lanes, GCC keeps such a vector on the
   * stack, stored in pieces that the next read cannot take from the store buffer */
  CS_UNROLL8
  for (int32_t b = 0; b < nb && !hazard; b += VL) {
    double *qk = D + b;                          /* the death probabilities first */
    if (w->lrow[(c->l0 + b) / VL])               /* eight areas in a row */
      VSTORE(qk, VEC(qa + la[b]) * VEC(qm + b)); /* q <= 1 times qm <= 1 stays <= 1 */
    else /* (gathered as one vector: the same product in each lane) */
      VSTORE(qk, CS_GATHER8(qa, la + b) * VEC(qm + b));
    if (qbig)
      for (int q = 0; q < VL; q++)
        qk[q] = qk[q] > 1.0 ? 1.0 : qk[q];
  }
  CS_LANES (b) { /* (hazard mode: D as cell_deaths_hazard left it) */
    const vn n = VN(N + b), d = hazard ? (vn)VN(D + b) : n * VN(D + b);
    VN(D + b) = d;
    VN(S + b) = n - d;
    VN(gn + b) = VN(gn + b) + n;
    VN(gd + b) = VN(gd + b) + d;
  }
  for (int32_t l = 0; shared && l < K; l++) { /* state 0 starts the sums: 0 + x, as before */
    double *s2 = S2 + (size_t)l * B, pl = prow[l];
    /* the choice of the two outside the loop: where the target's vectors are narrower than
     * eight lanes, GCC passes a choice between two vectors through the stack */
    if (k)
      CS_LANES (b)
        VN(s2 + b) = VN(s2 + b) + VN(S + b) * pl;
    else
      CS_LANES (b)
        VN(s2 + b) = VNDUP(0.0) + VN(S + b) * pl;
  }
  /* the run's care at its end, rate by rate over the lanes: each sum's address and rate once */
  if (w->rend[cell] || x + 1 == c->slo || x + 1 == c->shi) {
    CS_LANES (b) { /* life years, QALYs and the demography of the run */
      const vn g = VN(gn + b), h = VN(gd + b), u = VN(ut + b), lyv = g - h / 2.0;
      VN(ly + b) = VN(ly + b) + lyv;
      VN(qly + b) = VN(qly + b) + lyv * u;
      VN(qaw + b) = VN(qaw + b) + g * u;
      VN(pop + b) = VN(pop + b) + g;
      VN(dth + b) = VN(dth + b) + h;
      VN(rn + b) = VN(rn + b) + g;
    }
    if (p75)
      CS_LANES (b)
        VN(p75 + b) = VN(p75 + b) + VN(gn + b);
    for (int32_t q = 0; q < nu; q++) {
      double *acc = ru + ou[q], rate = ur[q];
      CS_LANES (b)
        VN(acc + b) = VN(acc + b) + VN(gn + b) * rate;
    }
    for (int32_t q = 0; q < ne; q++) {
      double *acc = re + oe[q], rate = er[q];
      CS_LANES (b)
        VN(acc + b) = VN(acc + b) + VN(gd + b) * rate;
    }
    CS_LANES (b) {
      VN(gn + b) = VNDUP(0.0);
      VN(gd + b) = VNDUP(0.0);
    }
  }
  if (!shared)
    cell_transitions(c, cell, k, j, N, nb);
  else if (w->bclamp[cell])
    for (int32_t b = 0; b < nb; b++)
      if (N[b] != 0.0) w->lcl[b]++, w->lcl[B + (size_t)b]++;
}

/* Births (step 5) into age 0 of next year, per lane. */
CS_HOT void block_births(const kctx *c, int32_t nb) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  const size_t L = (size_t)c->L;
  const int32_t K = c->K; /* locals: the stores through VEC may alias any double */
  double *B = w->dm + CS_DEMO_BIRTHS * c->B;
  CS_LANES (b)
    VN(B + b) = VNDUP(0.0);
  for (int32_t s = 0; s < CS_NSEX; s++) /* age 0 of next year: only births, from 0 */
    for (int32_t k = 0; k < K; k++)
      memset(w->next + ((size_t)s * CS_NAGE * K + k) * L + c->l0, 0, c->B * sizeof(double));
  if (!pm->fert) return;
  for (int32_t x = 0; x < CS_NAGE; x++) {
    double f = pm->fert[x];
    if (f == 0.0) continue;
    const double *n = w->cur + (size_t)x * K * L + c->l0; /* s = 0 */
    CS_LANES (b) { /* (a sum over the states: the target's vectors) */
      vn women = VNDUP(0.0);
      for (int32_t k = 0; k < K; k++)
        women += VN(n + (size_t)k * L + b);
      VN(B + b) = VN(B + b) + f * women;
    }
  }
  double share[CS_NSEX] = {1.0 - pm->boys, pm->boys};
  for (int32_t s = 0; s < CS_NSEX; s++) {
    const double *sh = pl->share0 + ((size_t)s * CS_NAGE) * K;
    for (int32_t k = 0; k < K; k++) {
      double *dst = w->next + ((size_t)s * CS_NAGE * K + k) * L + c->l0;
      CS_LANES (b)
        VN(dst + b) = VN(dst + b) + VN(B + b) * share[s] * sh[k];
    }
  }
}

/* The net migration of cell sx in lane l: the plan's, or in projection mode what takes the
 * baseline to the projection (the baseline's lanes come first and keep it for the others);
 * 0 in the padding. n: the lane's cell of next year, its states st apart (in next year's
 * stock, or in S2 before it is stored: cell_step). migT holds the plan's migration, or the
 * year's projection, [sx][a] (year_migration). */
CS_HOT double migration_of(const kctx *c, int32_t l, int32_t sx, const double *n, size_t st) {
  if (l >= c->nl) return 0.0;
  size_t sa = (size_t)sx * c->na + (size_t)c->w->lane_a[l];
  if (!c->pl->has_projection) return c->w->migT[sa];
  if (l >= c->na) return c->w->mig_resid[sa];
  double have = 0.0;
  for (int32_t k = 0; k < c->K; k++)
    have += n[(size_t)k * st];
  double M = c->y == c->pl->nyear - 1 ? 0.0 : c->w->migT[sa] - have;
  c->w->mig_resid[sa] = M;
  return M;
}

/* migration_of for the eight lanes from b into M: a vector where they are eight areas in a
 * row of one scenario (all baseline or none, in projection mode), lane by lane elsewhere. */
CS_HOT void migration8(const kctx *c, int32_t b, int32_t sx, const double *n, size_t st,
                       double *M) {
  int32_t l = c->l0 + b, a = c->w->lane_a[l];
  size_t sa = (size_t)sx * c->na + (size_t)a;
  int row = l + VL <= c->nl && c->w->lrow[l / VL]; /* (migration_of: none in the padding) */
  int base = l + VL <= c->na, proj = c->pl->has_projection;
  if (row && !proj) {
    VSTORE(M, VEC(c->w->migT + sa));
  } else if (row && proj && l >= c->na) {
    VSTORE(M, VEC(c->w->mig_resid + sa));
  } else if (row && proj && base) {
    for (int h = 0; h < VL; h += CS_VW) { /* (a sum over the states: the target's vectors) */
      vn have = VNDUP(0.0);
      for (int32_t k = 0; k < c->K; k++)
        have += VN(n + (size_t)k * st + b + h);
      VN(M + h) = VN(c->w->migT + sa + h) - have;
    }
    if (c->y == c->pl->nyear - 1) VSTORE(M, VDUP(0.0));
    VSTORE(c->w->mig_resid + sa, VEC(M));
  } else { /* lane by lane: a baseline lane sets the residual before the others read it */
    for (int q = 0; q < VL; q++)
      M[q] = migration_of(c, l + q, sx, n + b + q, st);
  }
}

/* A removal from a cell with fewer persons (rem > tot): counted, and its persons kept for
 * block_capped. */
static void note_capped(const kctx *c, int32_t b, int32_t sx, double rem, double tot) {
  c->r->capped_cells++;
  c->w->cap[c->w->ncap++] = (cs_capped){c->l0 + b, sx, rem - tot};
}

/* The selects of migration compare vectors: GCC compares vectors wider than the machine's
 * lane by lane. Two lanes are what every x86-64 (SSE2) compares natively; four what the AVX2
 * and AVX-512 versions of this file do, so those take four at once (eight were
 * slower on AVX-512). */
#define CS_MIG_TYPES(W)                                                                            \
  typedef double v##W __attribute__((vector_size(W * sizeof(double))));                            \
  typedef long long v##W##i __attribute__((vector_size(W * sizeof(long long))));                   \
  typedef double v##W##u                                                                           \
      __attribute__((vector_size(W * sizeof(double)), aligned(sizeof(double)), may_alias));
CS_MIG_TYPES(2)
CS_MIG_TYPES(4)

/* Net migration M into cell sx of next year for the W lanes from b (step 6; n0: the block's
 * cell, its states st apart, in next year's stock or in S2: cell_step): M > 0
 * arrives in the state mix of the base year; a removal takes every state in proportion, or
 * all of them, to exactly 0, when it is as large as the cell. M = 0 changes nothing: such a
 * lane takes nk + 0 * share, which is nk (a cell is never -0: it starts as 0 + a sum), and
 * its sum of what was applied adds 0 the same way. (A NaN removal may now give a NaN of the
 * other sign than nk - x did: only with a population that is not a number already.) Adds
 * what was applied to the lanes' sums. */
#define CS_MIGRATE(W)                                                                              \
  CS_HOT void migrate##W(const kctx *c, int32_t b, int32_t sx, const double *Mq, double *n0,       \
                         size_t st) {                                                              \
    int32_t K = c->K;                                                                              \
    const v##W zero = {0}, M = *(v##W##u *)Mq, rem = -M;                                           \
    if (!CS_ANY(W, (v##W##i)(M != zero))) return; /* nobody moves in any of the lanes */           \
    const double *share = c->pl->share0 + (size_t)sx * K;                                          \
    double *n = n0 + b;                                                                            \
    double *applied = c->w->dm + CS_DEMO_MIG * c->B + b;                                           \
    v##W tot = zero;                                                                               \
    for (int32_t k = 0; k < K; k++)                                                                \
      tot += *(v##W##u *)(n + (size_t)k * st);                                                     \
    v##W##i in = (v##W##i)(M >= zero);                                                             \
    v##W##i all = ~in & (v##W##i)(rem >= tot);                                                     \
    v##W##i part = ~in & ~all; /* a removal of some of the cell: divisions, often none */          \
    long long anyp = CS_ANY(W, part);                                                              \
    for (int32_t k = 0; k < K; k++) { /* nk - rem * (nk / tot), the same op */                     \
      v##W nk = *(v##W##u *)(n + (size_t)k * st), x = M * share[k];                                \
      if (anyp) x = CS_SEL(W, in, x, -(rem * (nk / tot)));                                         \
      *(v##W##u *)(n + (size_t)k * st) = CS_SEL(W, all, zero, nk + x);                             \
    }                                                                                              \
    *(v##W##u *)applied = *(v##W##u *)applied + CS_SEL(W, all, -tot, M);                           \
    v##W##i capped = ~in & (v##W##i)(rem > tot);                                                   \
    for (int q = 0; q < W && CS_ANY(W, capped); q++)                                               \
      if (capped[q]) note_capped(c, b + q, sx, rem[q], tot[q]);                                    \
  }
/* Whether any of the W lanes of mask m is set: four sign bits at once on AVX. */
#define CS_ANY(W, m) CS_ANY##W(m)
#define CS_ANY2(m) ((m)[0] | (m)[1])
#if defined(__AVX__)
#define CS_ANY4(m) (_mm256_movemask_pd((__m256d)(m)) != 0)
#endif
#define CS_SEL(W, m, a, b) ((v##W)(((v##W##i)(a) & (m)) | ((v##W##i)(b) & ~(m))))
#if defined(__AVX__)
CS_MIGRATE(4)
#else
CS_MIGRATE(2)
#endif

/* Net migration into cell sx of next year, every lane of the block (step 6), once the cell
 * is complete: called in the order of the cells, so each lane's sum of what was applied adds
 * its terms as before. n: the block's cell, its states st apart (migrate##W). */
CS_HOT void migrate_cell(const kctx *c, int32_t sx, int32_t nb, double *n, size_t st) {
  CS_UNROLL8
  for (int32_t b = 0; b < nb; b += VL) {
    double M[VL];
    migration8(c, b, sx, n, st, M);
#if defined(__AVX__)
    for (int q = 0; q < VL; q += 4)
      migrate4(c, b + q, sx, M + q, n, st);
#else
    for (int q = 0; q < VL; q += 2)
      migrate2(c, b + q, sx, M + q, n, st);
#endif
  }
}

/* A vector of next year's stock stored past the caches, for a stock too large to stay in them
 * until next year (kctx stream): its line is then not read from memory first only to be
 * overwritten. (This year only the other lanes' copies of the baseline's shared rows read it
 * again: seg_take. p is aligned: lanes_alloc, rows and blocks multiples of eight lanes.) Other
 * targets than x86-64 store it as usual. */
CS_HOT void store_streamed(double *p, vn v) {
#if CS_VW == 8
  _mm512_stream_pd(p, (__m512d)v);
#elif CS_VW == 4
  _mm256_stream_pd(p, (__m256d)v);
#elif defined(__SSE2__)
  _mm_stream_pd(p, (__m128d)v);
#else
  VN(p) = v;
#endif
}

/* One (s, x) of the block: every state's deaths, care, health and transitions, then the
 * survivors age into next year's cell, and that cell's migration once it is complete (the open
 * age group's after its second part). */
CS_HOT void cell_step(const kctx *c, int32_t s, int32_t x, int32_t nb) {
  cs_work *w = c->w;
  const int32_t K = c->K, sx = s * CS_NAGE + x;
  const size_t L = (size_t)c->L, B = c->B;
  /* the next cell's persons, while this one is computed: from a national plan's 20 MB stock
   * they would come late, one row of the block after the other */
  if (sx + 1 < CS_NSEX * CS_NAGE)
    for (int32_t k = 0; k < K; k++) {
      const char *p = (const char *)(w->cur + ((size_t)(sx + 1) * K + k) * L + c->l0);
      CS_UNROLL8
      for (int32_t b = 0; b < nb; b += VL)
        __builtin_prefetch(p + (size_t)b * sizeof(double), 0, 3);
    }
  for (int32_t k = 0; k < K; k++) { /* (state 0 starts S2) */
    size_t row = (size_t)sx * K + k;
    cell_fused(c, sx, x, k, c->pm->cell_sig[row], w->cur + row * L + c->l0, nb);
  }
  int32_t to = s * CS_NAGE + (x < CS_XMAX ? x + 1 : CS_XMAX);
  double *n = w->next + (size_t)to * K * L + c->l0;
  /* Ages 1 .. CS_XMAX - 1 of next year have one part: the migration in S2, then the cell
   * stored once (S2 is as 0 + S2 was: each of its sums starts as 0 + a term, so it is never
   * -0); past the caches where the stock is large (store_streamed). */
  if (x < CS_XMAX - 1) {
    migrate_cell(c, to, nb, w->S2, B);
    const int stream = c->stream; /* (a local: the stores may alias *c) */
    for (int32_t k = 0; k < K; k++) {
      double *dst = n + (size_t)k * L;
      const double *s2 = w->S2 + (size_t)k * B;
      if (stream)
        CS_LANES (b)
          store_streamed(dst + b, VN(s2 + b));
      else
        CS_LANES (b)
          VN(dst + b) = VN(s2 + b);
    }
    return;
  }
  /* the open age group, two parts: next year's cell starts at 0 (+ S2 is as 0 + S2 was), the
   * second part is added and the migration applied in the stock */
  for (int32_t k = 0; k < K; k++) {
    double *dst = n + (size_t)k * L;
    const double *s2 = w->S2 + (size_t)k * B;
    if (x == CS_XMAX) /* (the choice outside the loop: see cell_fused) */
      CS_LANES (b)
        VN(dst + b) = VN(dst + b) + VN(s2 + b);
    else
      CS_LANES (b)
        VN(dst + b) = VNDUP(0.0) + VN(s2 + b);
  }
  if (x == CS_XMAX) migrate_cell(c, to, nb, n, L);
}

/* The births, then every cell of the block outside ages slo .. shi - 1 (block_cells_seg did
 * those) and the migration into next year's cells in their order (sx): age 0, which holds the
 * births, first. */
CS_HOT void cells_nb(const kctx *c, int32_t nb) {
  block_births(c, nb);
  for (int32_t s = 0; s < CS_NSEX; s++) {
    migrate_cell(c, s * CS_NAGE, nb, c->w->next + (size_t)s * CS_NAGE * c->K * c->L + c->l0,
                 (size_t)c->L);
    for (int32_t x = 0; x < CS_NAGE; x++)
      if (x < c->slo || x >= c->shi) cell_step(c, s, x, nb);
  }
}

/* Ages slo .. shi - 1 of both sexes, before the others: the cells no intervention changes. */
CS_HOT void cells_seg_nb(const kctx *c, int32_t nb) {
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = c->slo; x < c->shi; x++)
      cell_step(c, s, x, nb);
}

/* The cells of a block in a version for each of the usual widths (the example's blocks are 16
 * and 40 lanes wide, a national plan's mostly 128): with nb a constant, the loops over the
 * lanes (CS_LANES, unrolled) need no loop control. Each version is a function of its own, so that
 * one's code does not shape another's: inlined into one function, more widths made the example's
 * slower. Other widths take the general loops. The versions cost compile time (about 20 s for this
 * file per x86-64 level, 1.5 s without them; every multiple of eight up to 128 took 50 s, and over
 * 13 minutes under ASan), so the sanitizer builds (make check's ASan pass, the fuzzers), like the
 * baseline x86-64 version for old machines, keep the general loops alone: the same source with nb a
 * variable. */
#if CS_FIXED_WIDTHS
#define CS_NB_WIDTHS(X) X(8) X(16) X(24) X(32) X(40) X(48) X(64) X(96) X(128)
#define CS_NB_FNS(n)                                                                               \
  static __attribute__((noinline)) void cells_##n(const kctx *c) { cells_nb(c, n); }               \
  static __attribute__((noinline)) void cells_seg_##n(const kctx *c) { cells_seg_nb(c, n); }
CS_NB_WIDTHS(CS_NB_FNS)
#define CS_NB_CASE(n)                                                                              \
  case n:                                                                                          \
    seg ? cells_seg_##n(c) : cells_##n(c);                                                         \
    return;
#endif

/* cells_nb (seg 0) or cells_seg_nb (1) in the version for the block's width. */
static void block_width(const kctx *c, int seg) {
#if CS_FIXED_WIDTHS
  switch (c->nb) { CS_NB_WIDTHS(CS_NB_CASE) }
#endif
  /* another width, the baseline x86-64 (or another target), or a sanitizer build */
  seg ? cells_seg_nb(c, c->nb) : cells_nb(c, c->nb);
}

static void block_cells(const kctx *c) { block_width(c, 0); }
static void block_cells_seg(const kctx *c) { block_width(c, 1); }

/* ---- per lane, after the cells ---- */

/* Applies intervention v's care effects, in the lanes of mask m, to rates summed over the
 * cells of one signature (eight lanes: N-weighted use in u, D-weighted end-of-life use in e,
 * FTE multipliers in mf, [sector][8]; rn persons). Every effect is linear in the rates
 * (extra_use adds rn * units * uptake), so this equals applying it cell by cell and summing.
 * Gives in fl the patient-flow units that a back-to-front shift removes (0 without one). The
 * other lanes keep their values, bit for bit. Transition effects act per cell (effect_rows),
 * workforce effects per subregion (workforce_step). */
CS_HOT void apply_effects8(const kctx *c, int32_t v, int32_t b, const long long *mk,
                           const double *rnp, double *u, double *e, double *mf, double *fl) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  const cs_work *w = c->w;
  const cs_intervention *iv = &pl->ivs[v];
  const size_t B = c->B;
  const v8i m = VECI(mk); /* (vectors by address: by value they would depend on the ABI) */
  const v8 rnv = VEC(rnp);
  /* (the flows are summed in fl, not in a vector variable: one that a branch sets goes through
   * the stack where the target's vectors are narrower than eight lanes) */
  VSTORE(fl, VDUP(0.0));
  for (int32_t j = 0; j < iv->neffect; j++) {
    const cs_effect *ef = &iv->effects[j];
    int32_t x = pm->eff_off[v] + j;
    const double *em = w->em + (size_t)x * B + b, *efr = w->ef + (size_t)x * B + b;
    switch (ef->kind) {
    case CS_EFF_USE:
    case CS_EFF_EOL:
    case CS_EFF_FTE: {
      double *t = (ef->kind == CS_EFF_USE ? u : ef->kind == CS_EFF_EOL ? e : mf) + ef->sector * VL;
      v8 old = VEC(t);
      VSTORE(t, VSEL(m, old * VEC(em), old));
      break;
    }
    case CS_EFF_SHIFT: {
      v8 f = VEC(efr);
      double ratio = pm->eff_ratio[x];
      double *uf = u + ef->from * VL, *ut = u + ef->to * VL;
      double *ef_ = e + ef->from * VL, *et = e + ef->to * VL;
      const long long eo = ef->eol_only ? -1 : 0; /* no use moved: eol_only */
      const v8i eom = {eo, eo, eo, eo, eo, eo, eo, eo};
      v8 du = VSEL(eom, VDUP(0.0), f * VEC(uf)), de = f * VEC(ef_), o;
      o = VEC(uf);
      VSTORE(uf, VSEL(m, o - du, o));
      o = VEC(ut);
      VSTORE(ut, VSEL(m, o + ratio * du, o));
      o = VEC(ef_);
      VSTORE(ef_, VSEL(m, o - de, o));
      o = VEC(et);
      VSTORE(et, VSEL(m, o + ratio * de, o));
      /* patient flows: care moved from a denominator sector to the front of the chain */
      if (pl->flow_den[ef->from] && is_front(pl->sectors[ef->to].chain))
        VSTORE(fl, VEC(fl) + (du + de));
      break;
    }
    case CS_EFF_EXTRA_USE: { /* rn persons of the signature, each units * up more */
      double *t = u + ef->sector * VL;
      v8 old = VEC(t);
      VSTORE(t, VSEL(m, old + rnv * fmax(0.0, pm->eff_change[x]) * VEC(w->up + (size_t)v * B + b),
                     old));
      break;
    }
    case CS_EFF_TRANSITION:
    case CS_EFF_WORKFORCE:
    case CS_EFF_UTILITY:
    case CS_EFF_MORTALITY: break;
    }
  }
}

/* Each signature's summed rates of the block's lanes b0 .. b1 - 1 (multiples of VL), grown and
 * put through its interventions' effects, give the lanes' units, FTE-weighted units, flows and
 * participants ([..][B]; the other lanes' are left as they were). Eight lanes at once: an
 * intervention's effects act in the lanes where it has uptake and a signature in the lanes
 * where it has persons (masks); elsewhere the sums keep their bits, so each lane adds the terms
 * the one-lane code added, in its order. */
/* The signature's grown rates u, e ([c][8], FTE weights mf) of eight lanes from b into the
 * block's units, end-of-life units and FTE-weighted units: in the lanes of mask z only (sel), or
 * in all eight (every lane has persons: the selects left out). */
CS_HOT void add_units(cs_work *w, int32_t b, int32_t nc, const double *u, const double *e,
                      const double *mf, const long long *z, int sel) {
  size_t B = (size_t)w->bmax;
  const v8i rz = VECI(z); /* (a pointer, not a vector argument: its ABI differs per target) */
  for (int32_t sec = 0; sec < nc; sec++) {
    double *un = w->units + (size_t)sec * B + b, *fs = w->fsum + (size_t)sec * B + b;
    double *ue = w->units_eol + (size_t)sec * B + b;
    v8 es = VEC(e + sec * VL), us = VEC(u + sec * VL) + es;
    v8 nu = VEC(un) + us, ne = VEC(ue) + es, nf = VEC(fs) + us * VEC(mf + sec * VL);
    VSTORE(un, sel ? VSEL(rz, nu, VEC(un)) : nu);
    VSTORE(ue, sel ? VSEL(rz, ne, VEC(ue)) : ne);
    VSTORE(fs, sel ? VSEL(rz, nf, VEC(fs)) : nf);
  }
}

static void block_sig_apply(const kctx *c, int32_t b0, int32_t b1) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  const int32_t nc = c->nc, niv = pl->niv;
  const size_t B = c->B, nl = (size_t)(b1 - b0) * sizeof(double);
  double *units = w->units, *fsum = w->fsum, *ueol = w->units_eol, *part = w->part;
  double *flows = w->flows, *u = w->u, *e = w->e, *mf = w->mfte, *g = w->gl;
  for (int32_t sec = 0; sec < nc; sec++) {
    memset(units + (size_t)sec * B + b0, 0, nl);
    memset(fsum + (size_t)sec * B + b0, 0, nl);
    memset(ueol + (size_t)sec * B + b0, 0, nl);
  }
  for (int32_t v = 0; v < niv; v++)
    memset(part + (size_t)v * B + b0, 0, nl);
  memset(flows + b0, 0, nl);
  /* the growth of each sector, times the area's own level of use (area_use_index) */
  for (int32_t sec = 0; sec < nc; sec++)
    for (int32_t b = b0; b < b1; b++) {
      const double *ai = pl->area_index;
      g[(size_t)sec * B + b] =
          ai ? w->grow[sec] * ai[(size_t)w->lane_a[c->l0 + b] * nc + sec] : w->grow[sec];
    }
  for (int32_t j = 0; j < pm->nsig; j++) {
    const double *rn = w->rn + (size_t)j * B;
    const double *ru = w->ru + (size_t)j * nc * B, *re = w->re + (size_t)j * nc * B;
    const uint8_t *in = pm->sig_iv + (size_t)j * niv;
    for (int32_t b = b0; b < b1; b += VL) {
      /* the lanes with persons in the signature (nobody: nothing to use, nobody takes part) */
      long long z[VL], any = 0, all = -1;
      for (int q = 0; q < VL; q++) {
        any |= z[q] = rn[b + q] != 0.0 ? -1 : 0;
        all &= z[q];
      }
      if (!any) continue;
      const v8i rz = VECI(z);
      const v8 rnv = VEC(rn + b);
      for (int32_t sec = 0; sec < nc; sec++) {
        v8 gs = VEC(g + (size_t)sec * B + b);
        VSTORE(u + sec * VL, VEC(ru + (size_t)sec * B + b) * gs);
        VSTORE(e + sec * VL, VEC(re + (size_t)sec * B + b) * gs);
        VSTORE(mf + sec * VL, VDUP(1.0));
      }
      for (int32_t v = 0; v < niv; v++) {
        if (!in[v]) continue;
        const long long *am = w->actm + (size_t)v * B + b;
        long long anym = 0;
        for (int q = 0; q < VL; q++)
          anym |= am[q] & z[q];
        if (!anym) continue;
        const v8i m = VECI(am) & rz;
        long long mk[VL];
        double fl[VL];
        VSTOREI(mk, m);
        apply_effects8(c, v, b, mk, rn + b, u, e, mf, fl);
        double *f = flows + b, *pv = part + (size_t)v * B + b;
        VSTORE(f, VSEL(m, VEC(f) + VEC(fl), VEC(f)));
        VSTORE(pv, VSEL(m, VEC(pv) + rnv * VEC(w->up + (size_t)v * B + b), VEC(pv)));
      }
      if (all) /* every lane has persons: no selects */
        add_units(w, b, nc, u, e, mf, z, 0);
      else
        add_units(w, b, nc, u, e, mf, z, 1);
    }
  }
}

/* The entry points of this version (lanes.h): CS_ISA names it. */
#define CS_CAT2(a, b) a##_##b
#define CS_CAT(a, b) CS_CAT2(a, b)
void CS_CAT(cs_deaths, CS_ISA)(const kctx *c) { year_deaths(c); }
void CS_CAT(cs_cells, CS_ISA)(const kctx *c) { block_cells(c); }
void CS_CAT(cs_cells_seg, CS_ISA)(const kctx *c) { block_cells_seg(c); }
void CS_CAT(cs_sig_apply, CS_ISA)(const kctx *c, int32_t b0, int32_t b1) {
  block_sig_apply(c, b0, b1);
}
