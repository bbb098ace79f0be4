/* kernel.c: the simulation of one parameter draw, every scenario in lockstep (MODEL.md 2-5).
 *
 * Pure: it reads the plan, the draw's parameters and the scenarios, and writes only to its
 * workspace and results; no allocation, no I/O. Scenarios advance year by year together
 * because every scenario's state mortality is normalised by the baseline's state mix on
 * 1 January of the same year, and projection-mode migration is the baseline's residual.
 *
 * Layout (model.h, cs_work): every (scenario, area) pair is a lane, and a year advances all
 * lanes together, cell (s, x, k) by cell, the lanes innermost. Each rate is read once a year
 * for all lanes, in eight-lane vectors (lanes.h); the cells themselves are cells.c's, built for
 * the machine's vector width. Every sum adds its terms in one fixed order, so results have
 * the same bits on any machine and any number of threads: within a lane the year's cells that
 * no intervention changes first (below), then the births and the other cells in (s, x, k)
 * order, the persons and deaths of a run of ages with the same rates summed before they are
 * weighted (cells.c, cell_fused); lanes in (scenario, area) order across them.
 *
 * Cells no intervention changes: below the youngest age that an intervention with a mortality,
 * utility or transition effect targets (seg_age), every lane of an area holds the baseline's
 * persons, as long as their cohorts were born of mothers who did (seg_next); so does every
 * cell until the first year such an effect has uptake (seg_year). Those cells of a year (ages
 * slo .. shi - 1 of both sexes) go first, so each lane's sums start with the same terms: the
 * vectors of eight that hold a baseline lane compute them, the others take the baseline's
 * sums and next year's cells (block_segment; in the example the other lanes compute 36 of
 * their 101 ages, from the first year of valpreventie on).
 *
 * Pairs with the same stock share lanes: a (scenario, area) pair whose uptake of every
 * intervention with a mortality, utility or transition effect in the area equals an earlier
 * scenario's, bit for bit, in every year, has that pair's stock, deaths and summed rates, so
 * only the earlier pair is a lane; the later one takes the lane's sums for its own care effects
 * and results (lane_scenarios, block_dups). In the example the without-<theme> scenarios are
 * the plan's or the baseline's stock, mijnstreek-alleen is the plan's in its subregion and the
 * baseline's elsewhere, parkstad-later the plan's outside Parkstad: 39 of its 144 pairs are
 * lanes. Each scenario's sums over its areas (year_payers, workforce_step, ...) add the areas
 * in their order, whichever lane computed them. */
#include "lanes.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

/* Whether the machine runs the AVX2 version faster than the AVX-512 one: Intel processors
 * with AVX-512 lower their clock while 512-bit registers are in use, except those that also
 * have AVX-VNNI (Sapphire Rapids and later), the rule by which glibc chooses its own string
 * functions (Prefer_No_AVX512). Measured on an Ice Lake Xeon: the example's draws 10-12 %
 * faster with AVX2, the national plan's within -1 to +4 % (bench/RESULTS.md, session 34). */
#if defined(CS_MULTI_ISA)
static int prefers_avx2(void) {
  return __builtin_cpu_is("intel") && !__builtin_cpu_supports("avxvnni");
}
#endif

/* cells.c's version for this machine (lanes.h) into c: x86-64-v4 (AVX-512), v3 (AVX2) or the
 * baseline, the highest the machine runs, but AVX2 where it runs that faster (prefers_avx2).
 * CARESHIFT_ISA=v4, v3 or v1 chooses the level instead (at most the machine's), so that the
 * tests can compare the versions' outputs on one machine (tests/test_psa.py); any other value
 * is the default. (Read at every run: a program that calls setenv while a run starts in
 * another thread races with it, as with any getenv.) */
static void lane_fns(kctx *c) {
#if defined(CS_MULTI_ISA)
  const char *isa = getenv("CARESHIFT_ISA");
  int lvl = !isa ? 0 : !strcmp(isa, "v4") ? 4 : !strcmp(isa, "v3") ? 3 : !strcmp(isa, "v1") ? 1 : 0;
  if (lvl == 0) lvl = prefers_avx2() ? 3 : 4;
  if (lvl >= 4 && __builtin_cpu_supports("x86-64-v4")) {
    c->deaths = cs_deaths_v4, c->cells = cs_cells_v4, c->sig_apply = cs_sig_apply_v4;
    c->cells_seg = cs_cells_seg_v4;
  } else if (lvl >= 3 && __builtin_cpu_supports("x86-64-v3")) {
    c->deaths = cs_deaths_v3, c->cells = cs_cells_v3, c->sig_apply = cs_sig_apply_v3;
    c->cells_seg = cs_cells_seg_v3;
  } else {
    c->deaths = cs_deaths_v1, c->cells = cs_cells_v1, c->sig_apply = cs_sig_apply_v1;
    c->cells_seg = cs_cells_seg_v1;
  }
#else
  c->deaths = cs_deaths_generic, c->cells = cs_cells_generic;
  c->cells_seg = cs_cells_seg_generic;
  c->sig_apply = cs_sig_apply_generic;
#endif
}

/* CARESHIFT_SEGMENT=compute: every lane computes the cells that no intervention changes
 * instead of taking the baseline's, the same bits (tests/test_segment.py compares);
 * CARESHIFT_SEGMENT=poison: the rows of them that seg_take does not copy hold NaN in the other
 * lanes, so that a reader of those rows shows in every output (the same test). (Read at every
 * run, as CARESHIFT_ISA.) */
static int seg_env(const char *mode) {
  const char *e = getenv("CARESHIFT_SEGMENT");
  return e && !strcmp(e, mode);
}

/* Whether next year's stock is stored past the caches (cells.c store_streamed): where a stock is
 * larger than CS_STREAM_BYTES it cannot stay in them for the year until it is read (a national
 * plan's runs: 20 MB and more a stock, two a worker), and storing it the usual way would read
 * every line of it first. CARESHIFT_STORES=stream or cached decides instead (tests: the same
 * bits either way). */
#define CS_STREAM_BYTES (8u << 20)
static int stream_env(const cs_work *w, int32_t K) {
  const char *e = getenv("CARESHIFT_STORES");
  if (e && !strcmp(e, "stream")) return 1;
  if (e && !strcmp(e, "cached")) return 0;
  return (size_t)CS_NSEX * CS_NAGE * (size_t)K * (size_t)w->lstride * sizeof(double) >
         CS_STREAM_BYTES;
}

static size_t cells_per_scen(const cs_plan *pl) {
  return (size_t)pl->narea * CS_NSEX * CS_NAGE * (size_t)pl->nstate;
}

/* What is left of the uptake in year t once the funding has ended (docs/model.md 4, v0.2):
 * the funding of a subregion ends `delay` years later, as its cost lines move. */
double cs_after_funding(const cs_intervention *iv, int32_t delay, int32_t t) {
  if (iv->after == CS_AFTER_KEEP || iv->fund_end == CS_YEAR_NONE) return 1.0;
  int32_t past = t - (iv->fund_end + delay);
  if (past <= 0) return 1.0;
  if (iv->after == CS_AFTER_STOP) return 0.0;
  return past >= iv->decay_years ? 0.0 : 1.0 - (double)past / iv->decay_years;
}

/* Uptake of intervention v in subregion sub, year t of scenario sc (MODEL.md 4), in the areas
 * the intervention targets (0 in the others). */
static double uptake_in(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t v,
                        int32_t sub, int32_t t) {
  const cs_intervention *iv = &pl->ivs[v];
  if (!sc->iv_on[v] || !sc->sub_on[sub]) return 0.0;
  int32_t start = iv->start_by_sub[sub] != CS_YEAR_NONE ? iv->start_by_sub[sub] : iv->start;
  int32_t d = t - (start + sc->delay[sub]);
  if (d < 0) return 0.0;
  double ramp = (double)iv->ramp_years, max = pm->iv_max[v];
  double up = iv->curve == CS_CURVE_LINEAR
                  ? max * fmin(1.0, (d + 1) / ramp)
                  : max / (1.0 + exp(-((d + 1) - ramp / 2.0) * 8.0 / ramp));
  return up * cs_after_funding(iv, sc->delay[sub], t);
}

/* Every scenario's uptake per (subregion, year, intervention) of the draw, once (w->upt): a
 * lane's depends on its area only through the subregion and the targeted areas. */
static void uptake_table(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc,
                         cs_work *w) {
  double *u = w->upt;
  for (int32_t i = 0; i < nsc; i++)
    for (int32_t r = 0; r < pl->nsub; r++)
      for (int32_t y = 0; y < pl->nyear; y++)
        for (int32_t v = 0; v < pl->niv; v++)
          *u++ = uptake_in(pl, pm, &sc[i], v, r, pl->T0 + y);
}

/* The uptake table's row of scenario i in area a's subregion, year index y: every
 * intervention's uptake there ([niv]; 0 is the uptake in an area it does not target). */
static inline const double *upt_row(const cs_plan *pl, const cs_work *w, int32_t i, int32_t a,
                                    int32_t y) {
  size_t row = ((size_t)i * pl->nsub + (size_t)pl->areas[a].sub) * pl->nyear + (size_t)y;
  return w->upt + row * (size_t)pl->niv;
}

/* Uptake of intervention v in area a, year index y of scenario i, from the table. */
static inline double uptake(const cs_plan *pl, const cs_work *w, int32_t i, int32_t v, int32_t a,
                            int32_t y) {
  return pl->ivs[v].area_mask[a] ? upt_row(pl, w, i, a, y)[v] : 0.0;
}

static size_t ix_say(const cs_results *r, int32_t i, int32_t y, int32_t a) {
  return cs_ix_sy(r, i, y) * (size_t)r->na + (size_t)a;
}

/* ---- per lane, before the cells: uptake and the signatures' effects ---- */

/* Uptake of every intervention in lane b; lists those with uptake > 0 and their effects'
 * multipliers and fractions. */
static void lane_uptake(const kctx *c, int32_t b, const cs_scen *sc, int32_t i, int32_t a) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  size_t B = c->B;
  double *up = w->up + b, *em = w->em + b, *ef = w->ef + b; /* [..][B] */
  long long *am = w->actm + b;
  int32_t *act = w->act + (size_t)b * pl->niv, n = 0;
  double *out = c->r->uptake + ix_say(c->r, i, c->y, a) * (size_t)pl->niv;
  /* from a re-forecast's year on, the replaced (intervention, subregion) pairs */
  const int32_t *rfm = pl->rf && c->y >= pl->rf->y ? c->r->rf_mode + pl->areas[a].sub : NULL;
  /* the lane's row of the uptake table (as uptake() reads it), found once */
  const double *urow = upt_row(pl, w, i, a, c->y);
  for (int32_t v = 0; v < pl->niv; v++) {
    double u;
    if (rfm && rfm[(size_t)v * pl->nsub] != CS_RF_NONE)
      u = cs_rf_uptake(pl, pm, sc, c->r, v, a, pl->T0 + c->y);
    else
      u = pl->ivs[v].area_mask[a] ? urow[v] : 0.0;
    up[(size_t)v * B] = out[v] = u;
    am[(size_t)v * B] = u <= 0.0 ? 0 : -1; /* (as the list below: NaN counts) */
    if (u <= 0.0) continue;
    act[n++] = v;
    for (int32_t e = pm->eff_off[v]; e < pm->eff_off[v + 1]; e++) {
      em[(size_t)e * B] = pos(1.0 + pm->eff_change[e] * u);
      ef[(size_t)e * B] = pm->eff_fraction[e] * u;
    }
  }
  w->nact[b] = n;
}

/* A lane of padding: no scenario, nobody, no interventions. */
static void lane_none(const kctx *c, int32_t b) {
  c->w->nact[b] = 0;
  for (int32_t v = 0; v < c->pl->niv; v++)
    c->w->actm[(size_t)v * c->B + (size_t)b] = 0;
}

/* One effect of an active intervention on signature j of lane b: mortality and utility
 * effects, and the product of transition multipliers of every row (k, l). */
CS_HOT void lane_sig_effect(const kctx *c, int32_t b, int32_t j, int32_t v, int32_t q) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  const cs_effect *ef = &pl->ivs[v].effects[q];
  size_t B = c->B, jb = (size_t)j * B + (size_t)b, KK = (size_t)c->K * c->K;
  int32_t x = pm->eff_off[v] + q;
  double em = w->em[(size_t)x * B + (size_t)b];
  if (ef->kind == CS_EFF_MORTALITY) {
    w->qm[jb] *= em;
    /* a product of multipliers in [0, 1] stays <= 1: no cap at 1 needed (cell_fused) */
    if (!(em <= 1.0)) w->qm_big[j] = 1;
  }
  if (ef->kind == CS_EFF_UTILITY) {
    w->ud[jb] += pm->eff_change[x] * w->up[(size_t)v * B + (size_t)b];
    w->ud_any[j] = 1;
  }
  if (ef->kind != CS_EFF_TRANSITION || ef->from == ef->to) return;
  if (!w->any_tm[j]) { /* the block's first: every lane's multipliers of the signature at 1 */
    w->any_tm[j] = 1;
    double *tm = w->tm + (size_t)j * KK * B, *th = w->th + (size_t)j * KK * B;
    for (size_t i = 0; i < KK * B; i += VL) {
      VSTORE(tm + i, VDUP(1.0));
      VSTORE(th + i, VDUP(1.0));
    }
  }
  w->tm_on[jb] = 1;
  size_t kl = (size_t)ef->from * c->K + ef->to;
  (ef->hazard ? w->th : w->tm)[((size_t)j * KK + kl) * B + b] *= em;
  /* (a product of multipliers in [0, 1] stays in it: effect_rows need not check the row) */
  if (ef->hazard || !(em <= 1.0)) w->tm_big[(size_t)j * c->K + ef->from] = 1;
  w->tm_row[(size_t)j * c->K + ef->from] = 1;
}

/* Per signature of lane b: the product of the active transition multipliers m of every row
 * (k, l) (1 where none), the death-probability multiplier and the utility change (block_step
 * starts them at 1, 1 and 0). */
static void lane_sigs(const kctx *c, int32_t b) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  const int32_t *act = w->act + (size_t)b * pl->niv;
  for (int32_t n = 0; n < w->nact[b]; n++) {
    int32_t v = act[n];
    if (!pm->iv_popfx[v]) continue; /* only care or workforce effects */
    for (int32_t j = 0; j < pm->nsig; j++) {
      if (!pm->sig_iv[(size_t)j * pl->niv + v]) continue;
      for (int32_t p = w->pfx_off[v]; p < w->pfx_off[v + 1]; p++) /* (the others do nothing) */
        lane_sig_effect(c, b, j, v, w->pfx[p]);
    }
  }
}

/* The block's per-signature values before its lanes' effects: multipliers 1, utility change 0,
 * no transition effects. The transition multipliers of a signature are set to 1 when a lane
 * first has a transition effect on it (lane_sig_effect): only those are read. */
static void block_sigs_clear(const kctx *c) {
  cs_work *w = c->w;
  size_t nsB = (size_t)c->pm->nsig * c->B;
  for (size_t i = 0; i < nsB; i += VL)
    VSTORE(w->qm + i, VDUP(1.0));
  memset(w->ud, 0, nsB * sizeof(double));
  memset(w->tm_on, 0, nsB);
  memset(w->any_tm, 0, (size_t)c->pm->nsig);
  memset(w->qm_big, 0, (size_t)c->pm->nsig);
  memset(w->ud_any, 0, (size_t)c->pm->nsig);
  memset(w->tm_big, 0, (size_t)c->pm->nsig * c->K);
  memset(w->tm_row, 0, (size_t)c->pm->nsig * c->K);
}

/* Which signatures have hazard-scale transition effects in some lane of the block (which ones
 * have transition effects at all, and a mortality effect that may raise the death probability,
 * which may then need capping at 1, lane_sig_effect says); the utility of each state of each
 * signature in each lane. Comparisons stay out of the per-cell code: GCC lowers a
 * comparison of vectors wider than the machine's lane by lane. */
static void block_flags(const kctx *c) {
  cs_work *w = c->w;
  size_t B = c->B, KK = (size_t)c->K * c->K;
  for (int32_t j = 0; j < c->pm->nsig; j++) {
    uint8_t any = w->any_tm[j];
    for (int32_t k = 0; k < c->K; k++) { /* utility effects: at most 1, at least -1 */
      double *ut = w->ut + ((size_t)j * c->K + k) * B, u0 = c->pm->utility[k];
      if (w->ud_any[j]) {
        for (int32_t b = 0; b < c->nb; b++) {
          double u = u0 + w->ud[(size_t)j * B + b];
          ut[b] = u > 1.0 ? 1.0 : u < -1.0 ? -1.0 : u;
        }
      } else { /* every lane's change is 0 */
        double u = u0 + 0.0;
        u = u > 1.0 ? 1.0 : u < -1.0 ? -1.0 : u;
        for (int32_t b = 0; b < c->nb; b += VL)
          VSTORE(ut + b, VDUP(u));
      }
    }
    for (size_t kl = 0; kl < KK; kl++) {
      const double *th = w->th + ((size_t)j * KK + kl) * B;
      uint8_t h = 0;
      for (int32_t b = 0; b < c->nb && any; b++)
        h |= th[b] != 1.0;
      w->any_th[(size_t)j * KK + kl] = h;
    }
  }
}

/* ---- the year, shared by all lanes ---- */

/* The base transitions of year index y: transition_improvement lowers the hazard of every move
 * to a later state by (1 - i)^y, i of the row's age (docs/model.md section 2); without it the
 * draw's table. */
static const double *year_transitions(const cs_plan *pl, const cs_params *pm, cs_work *w,
                                      int32_t y) {
  if (!pm->timpr_any || y == 0) return pm->trans;
  int32_t K = pl->nstate;
  for (int32_t x = 0; x < CS_NAGE; x++) {
    /* the same factor for both sexes and every row of the age: one pow per age */
    double h = pow(1.0 - pm->timpr[x], y);
    for (int32_t s = 0; s < CS_NSEX; s++)
      for (int32_t k = 0; k < K; k++) {
        size_t r = ((size_t)s * CS_NAGE + (size_t)x) * K + k;
        const double *src = pm->trans + r * K;
        double *dst = w->trans_y + r * K;
        const double *lg = w->trans_lg + r * K; /* log1p(-p), once a draw (cs_kernel) */
        for (int32_t l = 0; l < k + 1; l++)
          dst[l] = src[l];
        /* expm1 of a zero is that zero (C17 F.10.3.3): no call for the transitions a table
         * leaves out (p = 0, lg = -0) */
        for (int32_t l = k + 1; l < K; l++) {
          double e = h * lg[l];
          dst[l] = src[l] >= 1.0 ? (h > 0.0 ? 1.0 : 0.0) : -(e == 0.0 ? e : expm1(e));
        }
      }
  }
  return w->trans_y;
}

/* The year's rows as a lane without transition effects takes them (transition_row before:
 * scaled to sum 1 when the off-diagonal sum exceeds 1), with the stay probability
 * 1 - p_0 - p_1 - ... on the diagonal, and which base rows were scaled. */
static void year_rows(const kctx *c) {
  int32_t K = c->K;
  for (size_t sx = 0; sx < (size_t)CS_NSEX * CS_NAGE; sx++)
    for (int32_t k = 0; k < K; k++) { /* (l = k skipped by two loops, not by a branch) */
      size_t r = sx * (size_t)K + (size_t)k;
      const double *base = c->trans + r * K;
      double *p = c->w->prow + r * K, sum = 0.0, stay = 1.0;
      for (int32_t l = 0; l < k; l++)
        sum += base[l];
      for (int32_t l = k + 1; l < K; l++)
        sum += base[l];
      c->w->bclamp[r] = sum > 1.0;
      if (sum > 1.0) /* (p[k] is the stay, below) */
        for (int32_t l = 0; l < K; l++)
          p[l] = base[l] / sum;
      else
        memcpy(p, base, (size_t)K * sizeof *p);
      for (int32_t l = 0; l < k; l++)
        stay -= p[l];
      for (int32_t l = k + 1; l < K; l++)
        stay -= p[l];
      p[k] = stay;
    }
}

/* The plan's net migration (y < 0), or the projection of year y + 1, as [sx][a]: the areas of
 * a cell side by side, as the lanes have them. */
static void year_migration(const kctx *c, int32_t y) {
  const cs_params *pm = c->pm;
  for (int32_t a = 0; a < c->na; a++)
    for (int32_t sx = 0; sx < CS_NSEX * CS_NAGE; sx++) {
      size_t ax = (size_t)a * CS_NSEX * CS_NAGE + (size_t)sx;
      double m = y < 0 ? pm->mig[ax] : pm->proj[ax * (size_t)(c->pl->nyear - 1) + (size_t)y];
      c->w->migT[(size_t)sx * c->na + (size_t)a] = m;
    }
}

/* The block's capped removals in (lane, sx) order, the order of the one-lane kernel: two
 * stable counting passes, by sx, then by lane (a lane of the block: l0 .. l0 + bmax - 1).
 * Each (lane, sx) comes once, so any sort gives this order; qsort took a national plan with
 * many removals from empty cells 3 % of its time. */
static void sort_capped(const kctx *c) {
  cs_work *w = c->w;
  cs_capped *a = w->cap, *t = w->cap2;
  int32_t n = w->ncap, nsx = CS_NSEX * CS_NAGE, *at = w->capn;
  memset(at, 0, ((size_t)nsx + 1) * sizeof *at);
  for (int32_t q = 0; q < n; q++)
    at[a[q].sx + 1]++;
  for (int32_t i = 0; i < nsx; i++)
    at[i + 1] += at[i];
  for (int32_t q = 0; q < n; q++)
    t[at[a[q].sx]++] = a[q];
  memset(at, 0, (c->B + 1) * sizeof *at);
  for (int32_t q = 0; q < n; q++)
    at[t[q].lane - c->l0 + 1]++;
  for (size_t b = 0; b < c->B; b++)
    at[b + 1] += at[b];
  for (int32_t q = 0; q < n; q++)
    a[at[t[q].lane - c->l0]++] = t[q];
}

/* The block's capped persons into the run's sum, lane by lane and cell by cell: the order of
 * the one-lane kernel, so the sum has its bits. */
static void block_capped(kctx *c) {
  cs_work *w = c->w;
  if (w->ncap > 1) sort_capped(c);
  for (int32_t i = 0; i < w->ncap; i++)
    c->r->capped_persons += w->cap[i].persons;
  /* (the list stays until block_clear: block_dups adds it again for the lanes' duplicates) */
}

/* The area's care cost and health as the discounted sums take them (docs/model.md 7): with a
 * within-cycle correction, the use part of the cost and the 1 January occupancy's life years
 * and QALYs times the year's weight; end-of-life use as it is. Without, the same numbers. */
static void weigh_area(const lctx *lc, size_t say, double *hl, double pfac) {
  const kctx *c = lc->k;
  const cs_plan *pl = c->pl;
  cs_results *r = c->r;
  double wy = cs_cycle_weight(pl, c->y);
  const double *care = r->care + say * (size_t)pl->nsector * CS_CARE_N;
  double *cw = r->care_w + say * (size_t)pl->nsector;
  for (int32_t sec = 0; sec < pl->nsector; sec++) {
    double cost = care[(size_t)sec * CS_CARE_N + CS_CARE_COST];
    if (pl->cycle != CS_CYCLE_NONE) {
      double eol = c->w->units_eol[(size_t)sec * c->B + lc->b] * c->pm->price[sec] * pfac;
      cost = wy * (cost - eol) + eol;
    }
    cw[sec] = cost;
  }
  if (pl->cycle == CS_CYCLE_NONE) {
    hl[CS_HEALTH_LY_W] = hl[CS_HEALTH_LY];
    hl[CS_HEALTH_QALY_W] = hl[CS_HEALTH_QALY];
  } else {
    hl[CS_HEALTH_LY_W] *= wy;
    hl[CS_HEALTH_QALY_W] *= wy;
  }
}

/* Everything of lane b's area in this year once its cells are done. */
static void lane_finish(const kctx *c, int32_t b, int32_t i, double pfac) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  cs_results *r = c->r;
  int32_t l = c->l0 + b;
  lctx lc = {.k = c, .b = b, .i = i, .a = w->lane_a[l]};
  size_t say = ix_say(r, lc.i, c->y, lc.a), B = c->B;
  double *dm = r->demo + say * CS_DEMO_N, *hl = r->health + say * CS_HEALTH_N;
  for (int32_t f = 0; f < CS_DEMO_N; f++)
    dm[f] = w->dm[(size_t)f * B + b];
  for (int32_t f = 0; f < CS_HEALTH_N; f++)
    hl[f] = w->hl[(size_t)f * B + b];
  /* the occupancy on 1 January, for a within-cycle correction: the same sum as the population */
  hl[CS_HEALTH_LY_W] = dm[CS_DEMO_POP];
  double *care = r->care + say * (size_t)pl->nsector * CS_CARE_N;
  for (int32_t sec = 0; sec < pl->nsector; sec++) {
    double *row = care + (size_t)sec * CS_CARE_N, U = w->units[(size_t)sec * B + b];
    row[CS_CARE_UNITS] = U;
    row[CS_CARE_COST] = U * pm->price[sec] * pfac;
    row[CS_CARE_FTE] = w->fsum[(size_t)sec * B + b] * pm->fte_per_unit[sec];
    row[CS_CARE_M2] = U * pm->m2[sec];
    row[CS_CARE_CO2] = U * pm->co2[sec];
  }
  weigh_area(&lc, say, hl, pfac);
  double *pa = r->participants + say * (size_t)pl->niv;
  for (int32_t v = 0; v < pl->niv; v++)
    pa[v] = w->part[(size_t)v * B + b];
  r->flows[say] = w->flows[b];
}

/* Zeroes the block's sums. */
/* Rows [nrow][B] of the block's scratch at 0 in the lanes the block computes (nb): the others
 * are never read. */
static void zero_rows(double *p, size_t nrow, size_t B, int32_t nb) {
  if ((size_t)nb == B) {
    memset(p, 0, nrow * B * sizeof(double));
    return;
  }
  for (size_t i = 0; i < nrow; i++)
    memset(p + i * B, 0, (size_t)nb * sizeof(double));
}

static void block_clear(const kctx *c) {
  cs_work *w = c->w;
  size_t B = c->B, ns = (size_t)c->pm->nsig;
  /* (the sums of rates: a block of the example computes 40 of its 72 lanes) */
  zero_rows(w->ru, ns * c->nc, B, c->nb);
  zero_rows(w->re, ns * c->nc, B, c->nb);
  memset(w->rn, 0, ns * B * sizeof(double));
  memset(w->gn, 0, (size_t)c->K * B * sizeof(double));
  memset(w->gd, 0, (size_t)c->K * B * sizeof(double));
  memset(w->hl, 0, CS_HEALTH_N * B * sizeof(double));
  memset(w->dm, 0, CS_DEMO_N * B * sizeof(double));
  memset(w->lcl, 0, 2 * B * sizeof(int64_t));
  memset(w->lcliv, 0, (size_t)c->pl->niv * B * sizeof(int64_t));
  w->ncap = 0;
}

/* Lane b's clamped rows into the run's counts (once for the lane, once for each duplicate). */
static void lane_counts(const kctx *c, int32_t b) {
  const cs_work *w = c->w;
  c->r->clamped_rows += w->lcl[b];
  c->r->clamped_base_rows += w->lcl[c->B + (size_t)b];
  for (int32_t v = 0; v < c->pl->niv; v++)
    c->r->clamp_iv[v] += w->lcliv[(size_t)v * c->B + (size_t)b];
}

/* Whether lane l holds the stock of scenario i's pair in the lane's area without being that
 * pair's own lane: the pair borrows it. */
static int borrows(const kctx *c, int32_t i, int32_t l) {
  const cs_work *w = c->w;
  return l < c->nl && w->lane_sc[l] != i && w->lane_of[(size_t)i * c->na + w->lane_a[l]] == l;
}

/* Scenario i's results of area a in this year are scenario j's: the same lane and the same
 * uptake of every intervention in every year (w->pcopy). */
static void copy_pair(const kctx *c, int32_t i, int32_t j, int32_t a) {
  cs_results *r = c->r;
  size_t si = ix_say(r, i, c->y, a), sj = ix_say(r, j, c->y, a);
  size_t nsec = (size_t)c->pl->nsector, niv = (size_t)c->pl->niv, D = sizeof(double);
  memcpy(r->demo + si * CS_DEMO_N, r->demo + sj * CS_DEMO_N, CS_DEMO_N * D);
  memcpy(r->health + si * CS_HEALTH_N, r->health + sj * CS_HEALTH_N, CS_HEALTH_N * D);
  memcpy(r->care + si * nsec * CS_CARE_N, r->care + sj * nsec * CS_CARE_N, nsec * CS_CARE_N * D);
  memcpy(r->care_w + si * nsec, r->care_w + sj * nsec, nsec * D);
  memcpy(r->uptake + si * niv, r->uptake + sj * niv, niv * D);
  memcpy(r->participants + si * niv, r->participants + sj * niv, niv * D);
  r->flows[si] = r->flows[sj];
}

/* Whether scenario i's pair in lane l's area borrows the lane and computes its own results. */
static int computes(const kctx *c, int32_t i, int32_t l) {
  return borrows(c, i, l) && !c->w->pcopy[(size_t)i * c->na + c->w->lane_a[l]];
}

/* The (scenario, area) pairs whose stock is another pair's lane (w->lane_of): the lane's cell
 * sums are theirs too, so only their uptake, care effects and results are computed, from the
 * same sums (copied where the pair's uptake is the lane's own pair's), and the lane's capped
 * removals and clamped rows count again for them. */
static void block_dups(const kctx *c, double pfac) {
  cs_work *w = c->w;
  for (int32_t i = 1; i < c->nsc; i++) {
    const int32_t *lo = w->lane_of + (size_t)i * c->na;
    const uint8_t *cp = w->pcopy + (size_t)i * c->na;
    int32_t b0 = c->nb, b1 = 0, any = 0;
    /* only the vectors of eight that hold the lanes the scenario computes on are computed */
    for (int32_t a = 0; a < c->na; a++) {
      int32_t b = lo[a] - c->l0;
      if (b < 0 || b >= c->nb || w->lane_sc[lo[a]] == i) continue;
      any = 1;
      if (cp[a]) {
        copy_pair(c, i, w->lane_sc[lo[a]], a);
        lane_counts(c, b);
        continue;
      }
      if (b < b0) b0 = b / VL * VL;
      if (b >= b1) b1 = (b / VL + 1) * VL;
    }
    if (!any) continue;
    for (int32_t b = b0; b < b1; b++) {
      int32_t l = c->l0 + b;
      if (computes(c, i, l))
        lane_uptake(c, b, &c->scs[i], i, w->lane_a[l]);
      else
        lane_none(c, b);
    }
    if (b1 > 0) c->sig_apply(c, b0, b1);
    for (int32_t b = b0; b < b1; b++)
      if (computes(c, i, c->l0 + b)) {
        lane_finish(c, b, i, pfac);
        lane_counts(c, b);
      }
    for (int32_t q = 0; q < w->ncap; q++) /* (sorted by lane: the same order every time) */
      if (borrows(c, i, w->cap[q].lane)) {
        c->r->capped_cells++;
        c->r->capped_persons += w->cap[q].persons;
      }
  }
}

/* ---- the cells no intervention changes, computed once per area ---- */

/* The sums that ages slo .. shi - 1 add to, as rows of the block's scratch ([bmax] each) with
 * their rows of w->snap: health, demography, and the persons and rates of the signatures with
 * a cell among those ages (the others stay block_clear's zeros). Once a year. */
static void seg_rows(const kctx *c) {
  cs_work *w = c->w;
  size_t ns = (size_t)c->pm->nsig, nc = (size_t)c->nc, B = c->B;
  int32_t n = 0, f = 0;
  memset(w->sigin, 0, ns);
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = c->slo; x < c->shi; x++)
      for (int32_t k = 0; k < c->K; k++)
        w->sigin[c->pm->cell_sig[((size_t)s * CS_NAGE + (size_t)x) * c->K + k]] = 1;
  for (int32_t i = 0; i < CS_HEALTH_N; i++, f++)
    w->segp[n] = w->hl + (size_t)i * B, w->segf[n++] = f;
  for (int32_t i = 0; i < CS_DEMO_N; i++, f++)
    w->segp[n] = w->dm + (size_t)i * B, w->segf[n++] = f;
  for (size_t j = 0; j < ns; j++) { /* rn, then ru, then re: f as w->snap orders them */
    if (w->sigin[j]) w->segp[n] = w->rn + j * B, w->segf[n++] = f + (int32_t)j;
    for (size_t q = 0; q < nc && w->sigin[j]; q++) {
      size_t r = j * nc + q;
      w->segp[n] = w->ru + r * B, w->segf[n++] = f + (int32_t)(ns + r);
      w->segp[n] = w->re + r * B, w->segf[n++] = f + (int32_t)(ns + ns * nc + r);
    }
  }
  w->nseg = n;
}

/* The baseline's lanes b < nbase of the block after block_cells_seg: their sums, clamped rows
 * and capped removals by area (the baseline's lane of area a is lane a). */
static void seg_save(const kctx *c, int32_t nbase) {
  cs_work *w = c->w;
  size_t na = (size_t)c->na;
  for (int32_t q = 0; q < w->nseg; q++) {
    const double *src = w->segp[q];
    double *dst = w->snap + (size_t)w->segf[q] * na + c->l0;
    for (int32_t b = 0; b < nbase; b++)
      dst[b] = src[b];
  }
  for (int32_t b = 0; b < nbase; b++) {
    w->snapc[c->l0 + b] = w->lcl[b];
    w->snapc[na + (size_t)(c->l0 + b)] = w->lcl[c->B + (size_t)b];
  }
  for (int32_t q = 0; q < w->ncap; q++)
    if (w->cap[q].lane < c->na) w->ucap[w->nucap++] = w->cap[q];
}

/* Lanes nu .. nb - 1 of the block (none the baseline's) take what block_cells_seg would have
 * computed in them: next year's cells that those ages feed and the baseline's sums, counts and
 * capped removals of their area. Vector by vector of eight lanes: eight areas in a row as one
 * vector, the others gathered area by area; a padding lane keeps nobody. (Copies only: the
 * bits of the baseline's values.) The cells go row by row (s, x, k), each row's vectors one
 * after the other: the row's baseline lanes are read and its lanes written in order, where
 * vector by vector through all rows took a national plan's runs a tenth of their time in
 * scattered loads.
 * Of next year's cells, a lane reads only the row that leaves them (age shi: computed in every
 * lane next year) and the women's rows with fertility (births); the others stay in the
 * shared cells every later year (slo only rises, shi is fixed from y1 on), where only the
 * baseline's lanes are read. So only those rows are copied, unless c->seg_copy_all (the year
 * before y1, whose next year has a lower shi, or a run with the detail table, which reads every
 * cell; a re-forecast rescales every cell, but its lanes compute all of them: seg_all). The
 * rows not copied keep old numbers that nothing reads. */
#define SEG_GROUP 16 /* vectors whose masks are kept while the rows go by */

static void seg_take_cells(const kctx *c, int32_t b0, int32_t b1, int32_t nr) {
  cs_work *w = c->w;
  const int32_t *la = w->lane_a + c->l0;
  int32_t K = c->K, to = c->shi < CS_XMAX ? c->shi : CS_XMAX, nv = (b1 - b0) / VL;
  size_t L = (size_t)c->L;
  int row[SEG_GROUP];
  v8i km[SEG_GROUP];
  for (int32_t v = 0; v < nv; v++) {
    int32_t b = b0 + v * VL;
    row[v] = b + VL <= nr && w->lrow[(c->l0 + b) / VL]; /* eight areas in a row */
    long long keep[VL];
    for (int q = 0; q < VL; q++) /* (padding lanes read some area's value, then 0) */
      keep[q] = b + q < nr ? -1 : 0;
    km[v] = VECI(keep);
  }
  const double *f = c->pm->fert;
  for (int32_t s = 0; s < CS_NSEX; s++)
    for (int32_t x = c->slo + 1; x <= to; x++) {
      int skip = !c->seg_copy_all && x != to && !(s == 0 && f && f[x] != 0.0);
      if (skip && !c->seg_poison) continue;
      for (int32_t k = 0; k < K; k++) {
        double *n = w->next + (((size_t)s * CS_NAGE + (size_t)x) * K + (size_t)k) * L;
        for (int32_t v = 0; v < nv; v++) {
          int32_t b = b0 + v * VL;
          const int32_t *src = la + b;
          double *dst = n + c->l0 + b;
          if (skip) /* (CARESHIFT_SEGMENT=poison: a padding lane keeps nobody all the same) */
            VSTORE(dst, VSEL(km[v], VDUP(NAN), VDUP(0.0)));
          else if (row[v])
            VSTORE(dst, VEC(n + src[0]));
          else
            VSTORE(dst, VSEL(km[v], CS_GATHER8(n, src), VDUP(0.0)));
        }
      }
    }
}

static void seg_take(const kctx *c, int32_t nu) {
  cs_work *w = c->w;
  const int32_t *la = w->lane_a + c->l0;
  int32_t nr = c->nl - c->l0 < c->nb ? c->nl - c->l0 : c->nb; /* the block's lanes, not padding */
  size_t na = (size_t)c->na;
  for (int32_t b = nu; b < c->nb; b += SEG_GROUP * VL)
    seg_take_cells(c, b, b + SEG_GROUP * VL < c->nb ? b + SEG_GROUP * VL : c->nb, nr);
  for (int32_t b = nu; b < nr; b += VL) {
    const int32_t *src = la + b;
    int32_t nq = nr - b < VL ? nr - b : VL;
    for (int32_t q = 0; q < w->nseg; q++) {
      double *dst = w->segp[q] + b;
      const double *sn = w->snap + (size_t)w->segf[q] * na;
      if (nq == VL)
        VSTORE(dst, CS_GATHER8(sn, src));
      else
        for (int32_t i = 0; i < nq; i++)
          dst[i] = sn[src[i]];
    }
  }
  for (int32_t b = nu; b < nr; b++) {
    int32_t a = la[b];
    w->lcl[b] = w->snapc[a];
    w->lcl[c->B + (size_t)b] = w->snapc[na + (size_t)a];
    for (int32_t q = 0; q < w->nucap; q++)
      if (w->ucap[q].lane == a) {
        c->r->capped_cells++;
        w->cap[w->ncap++] = (cs_capped){c->l0 + b, w->ucap[q].sx, w->ucap[q].persons};
      }
  }
}

/* Ages slo .. shi - 1 of the block: computed in the vectors of eight that hold a baseline
 * lane, taken from the baseline in the others. Those cells hold the same persons in every lane
 * of an area and no intervention acts on them, so every lane would compute the baseline's
 * bits (they go before the other cells: each lane's sums start with the same terms). */
static void block_segment(kctx *c) {
  int32_t nb = c->nb, nu = c->na - c->l0;
  nu = nu <= 0 ? 0 : nu >= nb ? nb : (nu + VL - 1) / VL * VL;
  if (c->seg_all) nu = nb;
  if (nu > 0) {
    c->nb = nu;
    c->cells_seg(c);
    c->nb = nb;
    seg_save(c, c->na - c->l0 < nu ? c->na - c->l0 : nu);
  }
  if (nu < nb) seg_take(c, nu);
}

/* One block of lanes through the year. */
static void block_step(kctx *c, double pfac) {
  block_sigs_clear(c);
  for (int32_t b = 0; b < c->nb; b++) {
    int32_t l = c->l0 + b;
    if (l < c->nl)
      lane_uptake(c, b, &c->scs[c->w->lane_sc[l]], c->w->lane_sc[l], c->w->lane_a[l]);
    else
      lane_none(c, b);
    lane_sigs(c, b);
  }
  block_flags(c);
  block_clear(c); /* (the sums of migration too) */
  if (c->slo < c->shi) block_segment(c);
  c->cells(c); /* (the births first) */
  block_capped(c);
  c->sig_apply(c, 0, c->nb);
  for (int32_t b = 0; b < c->nb && c->l0 + b < c->nl; b++) {
    lane_finish(c, b, c->w->lane_sc[c->l0 + b], pfac);
    lane_counts(c, b);
  }
  if (c->nl < c->nsc * c->na) block_dups(c, pfac);
}

/* Each scenario's care cost per payer (weighted too) in the year: the areas in order, each
 * area's sectors in order, whichever lane computed the area. */
static void year_payers(const kctx *c) {
  const cs_plan *pl = c->pl;
  cs_results *r = c->r;
  size_t nsec = (size_t)pl->nsector;
  for (int32_t i = 0; i < c->nsc; i++) {
    size_t sy = cs_ix_sy(r, i, c->y);
    double *pay = r->payer_care + sy * r->np, *pay_w = r->payer_care_w + sy * r->np;
    for (int32_t a = 0; a < c->na; a++) {
      size_t say = ix_say(r, i, c->y, a);
      const double *care = r->care + say * nsec * CS_CARE_N, *cw = r->care_w + say * nsec;
      for (size_t sec = 0; sec < nsec; sec++) {
        pay[pl->sectors[sec].payer] += care[sec * CS_CARE_N + CS_CARE_COST];
        pay_w[pl->sectors[sec].payer] += cw[sec];
      }
    }
  }
}

/* Section 5: demand per (subregion, group), supply of this year, supply of next year. */
static void workforce_step(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_results *r = c->r;
  cs_work *w = c->w;
  size_t sy = cs_ix_sy(r, c->i, c->y), RG = (size_t)pl->nsub * pl->ngroup;
  double *dem = r->wf_dem + sy * RG, *sup = w->sup + (size_t)c->i * RG;
  memset(w->upbar, 0, (size_t)pl->nsub * pl->niv * sizeof(double));
  for (int32_t rr = 0; rr < pl->nsub; rr++) {
    double tot = 0.0;
    for (int32_t a = 0; a < pl->narea; a++) {
      if (pl->areas[a].sub != rr) continue;
      size_t say = ix_say(r, c->i, c->y, a);
      double np = r->demo[say * CS_DEMO_N + CS_DEMO_POP];
      tot += np;
      for (int32_t v = 0; v < pl->niv; v++)
        w->upbar[(size_t)rr * pl->niv + v] += np * r->uptake[say * pl->niv + v];
      for (int32_t sec = 0; sec < pl->nsector; sec++)
        dem[(size_t)rr * pl->ngroup + pl->sectors[sec].group] +=
            r->care[(say * pl->nsector + sec) * CS_CARE_N + CS_CARE_FTE];
    }
    for (int32_t v = 0; v < pl->niv; v++)
      w->upbar[(size_t)rr * pl->niv + v] =
          tot > 0.0 ? w->upbar[(size_t)rr * pl->niv + v] / tot : 0.0;
  }
  memcpy(r->wf_sup + sy * RG, sup, RG * sizeof(double));
  for (int32_t rr = 0; rr < pl->nsub; rr++)
    for (int32_t g = 0; g < pl->ngroup; g++) {
      const cs_wf_row *row = &pl->wf[(size_t)rr * pl->ngroup + g];
      if (!row->present) continue;
      double outm = 1.0, infl = row->inflow_fte;
      for (int32_t q = 0; q < w->nwfx; q++) { /* the workforce effects on g, in plan order */
        const int32_t *x = w->wfx + 3 * q;
        if (x[2] != g) continue;
        double ub = w->upbar[(size_t)rr * pl->niv + x[0]];
        outm *= pos(1.0 + pm->eff_outflow[x[1]] * ub);
        infl += pm->eff_inflow[x[1]] * ub;
      }
      double *s = &sup[(size_t)rr * pl->ngroup + g];
      *s = *s * (1.0 - row->retire_rate - row->outflow_rate * outm) + infl;
    }
}

/* FTE the plan itself employs in year t: the resources with `fte` of the scenario's
 * interventions, scaled by coverage as `once` and `per_year` costs are. */
static double own_staff(const cs_plan *pl, const cs_scen *sc, int32_t t) {
  double fte = 0.0;
  for (int32_t v = 0; v < pl->niv; v++) {
    if (!sc->iv_on[v]) continue;
    double f = 0.0;
    for (int32_t j = 0; j < pl->ivs[v].nresource; j++) {
      const cs_resource *rs = &pl->ivs[v].resources[j];
      if (t >= rs->from && t <= rs->to) f += rs->fte;
    }
    fte += f * sc->coverage[v];
  }
  return fte;
}

double cs_line_part(const cs_plan *pl, const cs_scen *sc, int32_t v, int32_t r, const cs_cost *co,
                    double amt, int32_t t) {
  int32_t d = t - sc->delay[r];
  int in = co->kind == CS_COST_ONCE ? d == co->year : d >= co->from && d <= co->to;
  if (!in) return 0.0;
  if (co->by_sub) return sc->sub_on[r] ? amt * co->by_sub[r] : 0.0; /* the plan's own split */
  return amt * sc->cov_sub[(size_t)v * pl->nsub + r];
}

/* A once or per_year line's amount in year t: a scenario that delays subregions moves each
 * subregion's part of the cost (its share of the targeted persons) by its delay, as it moves
 * the uptake (v0.2). Without delays the whole amount times the coverage, as before. */
static double line_amount(const cs_plan *pl, const cs_scen *sc, int32_t v, const cs_cost *co,
                          double amt, int32_t t) {
  if (!sc->has_delay && !co->by_sub) {
    int in = co->kind == CS_COST_ONCE ? t == co->year : t >= co->from && t <= co->to;
    return in ? amt * sc->coverage[v] : 0.0;
  }
  double sum = 0.0;
  for (int32_t r = 0; r < pl->nsub; r++)
    sum += cs_line_part(pl, sc, v, r, co, amt, t);
  return sum;
}

/* The line's cost per subregion: once and per_year by the subregions' shares of the targeted
 * persons; per_participant by their participants. */
static void line_by_subregion(kctx *c, int32_t v, const cs_cost *co, double amt, double *sub) {
  const cs_plan *pl = c->pl;
  cs_results *r = c->r;
  int32_t t = pl->T0 + c->y;
  if (co->kind != CS_COST_PER_PARTICIPANT) {
    for (int32_t q = 0; q < pl->nsub; q++)
      sub[(size_t)q * r->np + co->payer] += cs_line_part(pl, c->sc, v, q, co, amt, t);
    return;
  }
  for (int32_t a = 0; a < pl->narea; a++)
    sub[(size_t)pl->areas[a].sub * r->np + co->payer] +=
        amt * r->participants[ix_say(r, c->i, c->y, a) * pl->niv + v];
}

/* Implementation cost lines of this scenario and year, and their sums per payer. */
static void implementation_step(kctx *c) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_results *r = c->r;
  int32_t t = pl->T0 + c->y;
  size_t sy = cs_ix_sy(r, c->i, c->y);
  double *line = r->impl + sy * r->nline, *pay = r->payer_impl + sy * r->np;
  r->own_fte[sy] = own_staff(pl, c->sc, t);
  double *sub = r->impl_sub + sy * r->nr * r->np;
  memset(sub, 0, (size_t)r->nr * r->np * sizeof *sub);
  /* the weighted amounts (docs/model.md 7): per_participant lines follow the occupancy */
  double wy = cs_cycle_weight(pl, c->y), *line_w = r->impl_w + sy * r->nline;
  double *pay_w = r->payer_impl_w + sy * r->np, *sub_w = r->impl_sub_w + sy * r->nr * r->np;
  memset(sub_w, 0, (size_t)r->nr * r->np * sizeof *sub_w);
  for (int32_t v = 0; v < pl->niv; v++) {
    const cs_intervention *iv = &pl->ivs[v];
    double part = 0.0;
    for (int32_t a = 0; a < pl->narea; a++)
      part += r->participants[ix_say(r, c->i, c->y, a) * pl->niv + v];
    /* staff that per-participant lines employ (fte_per_participant): the plan's own staff */
    for (int32_t j = 0; j < iv->ncost && c->sc->iv_on[v]; j++)
      r->own_fte[sy] += part * iv->costs[j].fte_pp;
    for (int32_t j = 0; j < iv->ncost; j++) {
      const cs_cost *co = &iv->costs[j];
      int32_t l = pm->cost_off[v] + j;
      double amt = pm->cost_amount[l], amount = 0.0;
      int pp = co->kind == CS_COST_PER_PARTICIPANT;
      if (c->sc->iv_on[v]) {
        amount = pp ? amt * part : line_amount(pl, c->sc, v, co, amt, t);
        line_by_subregion(c, v, co, amt, sub);
        line_by_subregion(c, v, co, pp ? amt * wy : amt, sub_w);
      }
      line[l] = amount;
      pay[co->payer] += amount;
      line_w[l] = pp ? amount * wy : amount;
      pay_w[co->payer] += line_w[l];
    }
  }
}

/* Per cell (s, x, k): the sectors whose use and end-of-life rates are not 0 (cell_fused), as
 * offsets of their sums in the block's scratch (sector * bmax), and those rates; and whether
 * the cell ends a run of ages with the same signature and rates (w->rend). */
static void nonzero_rates(const cs_plan *pl, const cs_params *pm, cs_work *w) {
  size_t nc = (size_t)pl->nsector;
  for (size_t cell = 0; cell < (size_t)CS_NSEX * CS_NAGE * pl->nstate; cell++) {
    int32_t *iu = w->nz + cell * 2 * nc, *ie = iu + nc, nu = 0, ne = 0;
    double *ru = w->nzr + cell * 2 * nc, *re = ru + nc;
    for (int32_t sec = 0; sec < pl->nsector; sec++) {
      double u = pm->use[cell * nc + sec], e = pm->eol[cell * nc + sec];
      if (u != 0.0) ru[nu] = u, iu[nu++] = sec * w->bmax;
      if (e != 0.0) re[ne] = e, ie[ne++] = sec * w->bmax;
    }
    w->nzn[2 * cell] = nu;
    w->nzn[2 * cell + 1] = ne;
  }
  /* the runs of ages with the same signature and rates (the plan's age bands) */
  size_t K = (size_t)pl->nstate;
  for (size_t cell = 0; cell < (size_t)CS_NSEX * CS_NAGE * K; cell++) {
    size_t nx = cell + K; /* (s, x + 1, k) */
    int32_t x = (int32_t)((cell / K) % CS_NAGE);
    int last = x == CS_NAGE - 1 || x + 1 == 75; /* (75: a run is all in POP75 or none of it) */
    w->rend[cell] = (uint8_t)(last || pm->cell_sig[cell] != pm->cell_sig[nx] ||
                              memcmp(pm->use + cell * nc, pm->use + nx * nc, nc * sizeof(double)) ||
                              memcmp(pm->eol + cell * nc, pm->eol + nx * nc, nc * sizeof(double)));
  }
}

/* A hash of the uptake of every intervention with a mortality, utility or transition effect
 * in area a in every year of scenario i: what the area's stock depends on. */
static uint64_t stock_hash(const cs_plan *pl, const cs_params *pm, const cs_work *w, int32_t i,
                           int32_t a) {
  uint64_t h = 1469598103934665603u;
  for (int32_t v = 0; v < pl->niv; v++) {
    if (!pm->iv_popfx[v]) continue;
    for (int32_t y = 0; y < pl->nyear; y++) {
      double u = uptake(pl, w, i, v, a, y);
      uint64_t bits;
      memcpy(&bits, &u, sizeof bits);
      h = (h ^ bits) * 1099511628211u;
    }
  }
  return h;
}

/* Whether scenarios i and j have the same uptake of those interventions (of every one: all)
 * in area a, bit for bit. */
static int same_uptake(const cs_plan *pl, const cs_params *pm, const cs_work *w, int32_t i,
                       int32_t j, int32_t a, int all) {
  for (int32_t v = 0; v < pl->niv; v++) {
    if (!all && !pm->iv_popfx[v]) continue;
    for (int32_t y = 0; y < pl->nyear; y++) {
      double ui = uptake(pl, w, i, v, a, y), uj = uptake(pl, w, j, v, a, y);
      if (memcmp(&ui, &uj, sizeof ui) != 0) return 0;
    }
  }
  return 1;
}

/* Which (scenario, area) pairs are lanes: a pair with the same stock as an earlier scenario's
 * pair in the area shares its lane (w->lane_of), the others get lanes in (scenario, area)
 * order, so the baseline's areas are lanes 0 .. narea - 1, as year_deaths and projection-mode
 * migration need. A re-forecast (its rescale and uptake) and the detail output (each
 * scenario's own cells) keep every pair a lane of its own. Returns the lanes. */
static int32_t lane_scenarios(const cs_plan *pl, const cs_params *pm, int32_t nsc,
                              const cs_results *r, cs_work *w) {
  int share = !pl->rf && !r->detail;
  int32_t na = pl->narea, nl = 0;
  uint64_t *h = w->shash;
  for (int32_t i = 0; i < nsc; i++)
    for (int32_t a = 0; a < na; a++) {
      size_t ia = (size_t)i * na + (size_t)a;
      int32_t lane = -1;
      if (share) h[ia] = stock_hash(pl, pm, w, i, a);
      for (int32_t j = 0; share && j < i && lane < 0; j++) {
        size_t ja = (size_t)j * na + (size_t)a;
        int32_t lj = w->lane_of[ja];
        if (w->lane_sc[lj] == j && h[ja] == h[ia] && same_uptake(pl, pm, w, i, j, a, 0)) lane = lj;
      }
      w->pcopy[ia] = 0;
      if (lane < 0) {
        lane = nl++;
        w->lane_sc[lane] = i;
        w->lane_a[lane] = a;
      } else { /* the same uptake of the care interventions too: the same results */
        w->pcopy[ia] = (uint8_t)same_uptake(pl, pm, w, i, w->lane_sc[lane], a, 1);
      }
      w->lane_of[ia] = lane;
    }
  /* the padding: nobody; the areas after the last lane's where there are (its death
   * probabilities are then read as one vector, cell_fused), else 0 */
  for (int32_t l = nl; l < w->lstride; l++) {
    w->lane_sc[l] = 0;
    w->lane_a[l] = l > 0 && w->lane_a[l - 1] + 1 < na ? w->lane_a[l - 1] + 1 : 0;
  }
  for (int32_t v = 0; v < w->lstride / VL; v++) {
    const int32_t *la = w->lane_a + (size_t)v * VL;
    int row = 1;
    for (int q = 1; q < VL && row; q++)
      row = la[q] == la[0] + q;
    w->lrow[v] = (uint8_t)row;
  }
  return nl;
}

static void init_state(const cs_plan *pl, const cs_params *pm, int32_t nsc, int32_t nl,
                       cs_work *w) {
  size_t RG = (size_t)pl->nsub * pl->ngroup, L = (size_t)w->lstride;
  /* the lanes the blocks compute (year_step: up to the last eight with a lane in them) */
  size_t nv = ((size_t)nl + VL - 1) / VL * VL;
  int32_t K = pl->nstate;
  /* lane by lane, each state of the cell from the lane's persons, read once */
  for (int32_t sx = 0; sx < CS_NSEX * CS_NAGE; sx++) {
    const double *sh = pl->share0 + (size_t)sx * K;
    double *n = w->cur + (size_t)sx * K * L;
    for (size_t l = 0; l < (size_t)nl; l++) {
      double p = pm->pop[(size_t)w->lane_a[l] * CS_NSEX * CS_NAGE + (size_t)sx];
      for (int32_t k = 0; k < K; k++)
        n[(size_t)k * L + l] = p * sh[k];
    }
    for (int32_t k = 0; k < K; k++) /* the padding lanes: nobody */
      for (size_t l = (size_t)nl; l < nv; l++)
        n[(size_t)k * L + l] = 0.0;
  }
  for (int32_t i = 0; i < nsc; i++)
    for (size_t rg = 0; rg < RG; rg++)
      w->sup[(size_t)i * RG + rg] = pl->wf[rg].present ? pl->wf[rg].fte : 0.0;
}

/* Zeroes every accumulated output, so one results buffer can serve draw after draw. */
static void clear_results(cs_results *r) {
  size_t sy = (size_t)r->nsc * (size_t)r->ny;
  memset(r->demo, 0, sy * r->na * CS_DEMO_N * sizeof(double));
  memset(r->health, 0, sy * r->na * CS_HEALTH_N * sizeof(double));
  memset(r->payer_care, 0, sy * r->np * sizeof(double));
  memset(r->payer_impl, 0, sy * r->np * sizeof(double));
  memset(r->payer_care_w, 0, sy * r->np * sizeof(double));
  memset(r->payer_impl_w, 0, sy * r->np * sizeof(double));
  memset(r->wf_dem, 0, sy * r->nr * r->ng * sizeof(double));
  memset(r->clamp_iv, 0, (size_t)r->niv * sizeof(int64_t));
  r->capped_cells = r->clamped_rows = r->clamped_base_rows = 0;
  r->capped_persons = 0.0;
}

/* The population on 1 January of year y per scenario, as results.detail holds it
 * ([a][s][x][k], the lanes' layout turned around). */
static void copy_detail(const kctx *c) {
  size_t cells = cells_per_scen(c->pl), L = (size_t)c->L;
  int32_t K = c->K;
  for (int32_t l = 0; l < c->nl; l++) {
    int32_t i = c->w->lane_sc[l], a = c->w->lane_a[l];
    double *d =
        c->r->detail + cs_ix_sy(c->r, i, c->y) * cells + (size_t)a * CS_NSEX * CS_NAGE * (size_t)K;
    for (size_t sk = 0; sk < (size_t)CS_NSEX * CS_NAGE * K; sk++)
      d[sk] = c->w->cur[sk * L + (size_t)l];
  }
}

/* One year of every lane, block by block, then each scenario's workforce and implementation. */
static void year_step(kctx *c, int32_t nsc) {
  const cs_plan *pl = c->pl;
  const cs_params *pm = c->pm;
  cs_work *w = c->w;
  /* a re-forecast replaces the stock of 1 January before anything of the year uses it */
  if (pl->rf && c->y == pl->rf->y) cs_rf_apply(pl, pm, c->scs, nsc, w, c->r);
  for (int32_t sec = 0; sec < pl->nsector; sec++)
    w->grow[sec] = pow(1.0 + pm->growth[sec], c->y);
  c->trans = year_transitions(pl, pm, w, c->y);
  c->qfac = pow(1.0 - pm->impr, c->y);
  if (c->r->detail) copy_detail(c);
  if (c->y == 0 || pm->timpr_any) year_rows(c); /* else the rows of last year, the same table */
  c->deaths(c);
  if (pl->has_projection && c->y < pl->nyear - 1) year_migration(c, c->y);
  double pfac = pow(1.0 + pm->price_growth, c->y);
  w->nucap = 0;
  if (c->slo < c->shi) seg_rows(c);
  /* the last block's lanes past the last eight with a lane in them stay empty: not computed */
  for (c->l0 = 0; c->l0 < c->nl; c->l0 += w->bmax) {
    int32_t left = (c->nl - c->l0 + VL - 1) / VL * VL;
    c->nb = left < w->bmax ? left : w->bmax;
    block_step(c, pfac);
  }
  year_payers(c);
  for (c->i = 0; c->i < nsc; c->i++) {
    c->sc = &c->scs[c->i];
    workforce_step(c);
    implementation_step(c);
  }
}

/* The youngest age of a cell that an intervention with a mortality, utility or transition
 * effect targets (CS_NAGE: none). Younger cells hold the same persons in every lane of an area
 * as long as their cohorts were born of mothers who did (seg_next). */
static int32_t seg_age(const cs_plan *pl, const cs_params *pm) {
  int32_t K = pl->nstate;
  for (int32_t x = 0; x < CS_NAGE; x++)
    for (int32_t s = 0; s < CS_NSEX; s++)
      for (int32_t k = 0; k < K; k++) {
        size_t j = (size_t)pm->cell_sig[((size_t)s * CS_NAGE + (size_t)x) * K + k];
        for (int32_t v = 0; v < pl->niv; v++)
          if (pm->iv_popfx[v] && pm->sig_iv[j * pl->niv + v]) return x;
      }
  return CS_NAGE;
}

/* The first year index in which a lane has uptake of such an intervention (as lane_uptake
 * counts it: not a number counts); until then every lane of an area holds the baseline's
 * persons. nyear: never. */
static int32_t seg_year(const kctx *c) {
  const cs_plan *pl = c->pl;
  for (int32_t y = 0; y < pl->nyear; y++)
    for (int32_t l = 0; l < c->nl; l++)
      for (int32_t v = 0; v < pl->niv; v++)
        if (c->pm->iv_popfx[v] &&
            !(uptake(pl, c->w, c->w->lane_sc[l], v, c->w->lane_a[l], y) <= 0.0))
          return y;
  return pl->nyear;
}

/* Next year's slo: the cohorts born this year have the baseline's persons when their mothers
 * all did (every age with fertility in slo .. shi - 1, or none: projection mode) and no younger
 * cohort was changed; else the changed cohorts are one year older. */
static int32_t seg_next(const kctx *c) {
  const double *f = c->pm->fert;
  int same = c->slo == 0;
  for (int32_t x = 0; f && same && x < CS_NAGE; x++)
    if (f[x] != 0.0 && (x < c->slo || x >= c->shi)) same = 0;
  return same ? 0 : c->slo + 1;
}

void cs_kernel(const cs_plan *pl, const cs_params *pm, const cs_scen *sc, int32_t nsc, cs_work *w,
               cs_results *r) {
  kctx c = {.pl = pl,
            .pm = pm,
            .scs = sc,
            .w = w,
            .r = r,
            .L = w->lstride,
            .nsc = nsc,
            .nb = w->bmax,
            .na = pl->narea,
            .K = pl->nstate,
            .nc = pl->nsector,
            .B = (size_t)w->bmax};
  lane_fns(&c);
  w->nwfx = 0;
  for (int32_t v = 0; v < pl->niv; v++)
    for (int32_t j = 0; j < pl->ivs[v].neffect; j++)
      if (pl->ivs[v].effects[j].kind == CS_EFF_WORKFORCE) {
        int32_t *x = w->wfx + 3 * w->nwfx++;
        x[0] = v, x[1] = pm->eff_off[v] + j, x[2] = pl->ivs[v].effects[j].group;
      }
  /* a re-forecast replaces each lane's stock in its year: every lane computes those cells (in
   * the same order, so the years before it have the ordinary run's bits) */
  c.seg_all = pl->rf || seg_env("compute");
  c.seg_poison = seg_env("poison");
  c.stream = stream_env(w, pl->nstate);
  clear_results(r);
  nonzero_rates(pl, pm, w);
  if (pm->timpr_any) /* hazard_pow of the rows' later states, every year: the logarithms once */
    for (size_t r0 = 0; r0 < (size_t)CS_NSEX * CS_NAGE * pl->nstate; r0++)
      for (int32_t l = (int32_t)(r0 % (size_t)pl->nstate) + 1; l < pl->nstate; l++)
        if (!(pm->trans[r0 * pl->nstate + l] >= 1.0))
          w->trans_lg[r0 * pl->nstate + l] = log1p(-pm->trans[r0 * pl->nstate + l]);
  if (!pl->has_projection) year_migration(&c, -1);
  uptake_table(pl, pm, sc, nsc, w);
  c.nl = lane_scenarios(pl, pm, nsc, r, w);
  init_state(pl, pm, nsc, c.nl, w);
  /* the cells no intervention changes */
  int32_t age = seg_age(pl, pm), y1 = seg_year(&c), lo = 0;
  if (age > CS_XMAX - 1) age = CS_XMAX - 1; /* (the open age group's two parts stay together) */
  for (c.y = 0; c.y < pl->nyear; c.y++) {
    c.shi = c.y < y1 ? CS_NAGE : age;
    c.slo = lo < c.shi ? lo : c.shi;
    /* in the year before y1 all rows: next year's shi is lower (the cells from age to on
     * leave the shared ones); the detail table reads every cell of every lane */
    c.seg_copy_all = c.y + 1 == y1 || r->detail;
    year_step(&c, nsc);
#if defined(__SSE2__)
    if (c.stream) _mm_sfence(); /* (the streamed stores in order before the stock is read) */
#endif
    lo = seg_next(&c);
    double *tmp = w->cur;
    w->cur = w->next;
    w->next = tmp;
  }
}
