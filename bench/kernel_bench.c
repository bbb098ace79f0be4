/* kernel_bench.c: times the simulation kernel alone on a plan, and fingerprints its results.
 *
 * usage: kernel_bench PLAN [--reps R] [--draws N] [--seed S]
 *   --reps R   the deterministic kernel (every distribution at its mean) R times; prints the
 *              best and median time, cell-steps per second and ns per cell-step
 *   --draws N  then N PSA draws (1..N) as psa.c's job_run does them (parameters, coverage,
 *              kernel, economics) on one thread; prints draws/s
 * Both print an FNV-1a hash of every result array, so a change of the kernel can be checked
 * to give the same bits (bench/kernel.sh builds it against a build's libcareshift.a). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/model.h"
#include "psa/psa.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: on a loaded machine it leaves out the time other processes ran */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Every array the kernel writes, hashed into h. */
static uint64_t hash_results(uint64_t h, const cs_plan *pl, const cs_results *r) {
  size_t sy = (size_t)r->nsc * r->ny, D = sizeof(double);
  struct {
    const void *p;
    size_t n;
  } a[] = {
      {r->demo, sy * r->na * CS_DEMO_N * D},
      {r->care, sy * r->na * r->nc * CS_CARE_N * D},
      {r->health, sy * r->na * CS_HEALTH_N * D},
      {r->payer_care, sy * r->np * D},
      {r->payer_impl, sy * r->np * D},
      {r->care_w, sy * r->na * r->nc * D},
      {r->payer_care_w, sy * r->np * D},
      {r->payer_impl_w, sy * r->np * D},
      {r->impl_w, sy * r->nline * D},
      {r->impl_sub_w, sy * r->nr * r->np * D},
      {r->wf_dem, sy * r->nr * r->ng * D},
      {r->wf_sup, sy * r->nr * r->ng * D},
      {r->uptake, sy * r->na * r->niv * D},
      {r->participants, sy * r->na * r->niv * D},
      {r->impl, sy * r->nline * D},
      {r->own_fte, sy * D},
      {r->impl_sub, sy * r->nr * r->np * D},
      {r->flows, sy * r->na * D},
      {r->clamp_iv, (size_t)r->niv * sizeof(int64_t)},
      {&r->capped_persons, D},
      {&r->capped_cells, sizeof(int64_t)},
      {&r->clamped_rows, sizeof(int64_t)},
      {&r->clamped_base_rows, sizeof(int64_t)},
  };
  for (size_t i = 0; i < sizeof a / sizeof *a; i++)
    h = cs_hash_fnv1a_bytes(h, a[i].p, a[i].n);
  (void)pl;
  return h;
}

/* The streams of psa.c (stream_ids): the label's hash, bumped past a repeat. */
static uint64_t *streams(const cs_plan *pl) {
  uint64_t *id = calloc((size_t)pl->ndist + 1, sizeof *id);
  for (int32_t i = 0; id && i < pl->ndist; i++) {
    id[i] = cs_hash_fnv1a(pl->dists[i].label ? pl->dists[i].label : "");
    for (int32_t j = 0; j < i; j++)
      if (id[j] == id[i] && pl->dists[i].kind != CS_DIST_FIXED) {
        id[i]++;
        j = -1;
      }
  }
  return id;
}

static void draw_theta(const cs_plan *pl, const uint64_t *stream, uint64_t seed, int64_t d,
                       double *theta) {
  for (int32_t i = 0; i < pl->ndist; i++) {
    theta[i] = pl->dists[i].mean;
    if (d == 0 || pl->dists[i].kind == CS_DIST_FIXED) continue;
    double v = cs_dist_quantile(&pl->dists[i], cs_psa_uniform(seed, (uint64_t)d, stream[i]));
    if (isfinite(v)) theta[i] = v;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: kernel_bench PLAN [--reps R] [--draws N] [--seed S]\n");
    return 2;
  }
  int reps = 20, draws = 0;
  uint64_t seed = 20240122;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
    if (!strcmp(argv[i], "--draws")) draws = atoi(argv[i + 1]);
    if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 10);
  }
  cs_diags *dg = cs_diags_new();
  cs_plan *pl = NULL;
  if (cs_plan_load(argv[1], &pl, dg) != CS_OK) {
    for (size_t i = 0; i < cs_diags_count(dg); i++)
      fprintf(stderr, "%s\n", cs_diags_get(dg, i));
    return 1;
  }
  cs_arena ar;
  cs_arena_init(&ar);
  double *theta = calloc((size_t)pl->ndist + 1, sizeof *theta);
  uint64_t *stream = streams(pl);
  draw_theta(pl, stream, seed, 0, theta);
  cs_params pm;
  cs_scen *sc;
  cs_results r;
  cs_work w;
  cs_econ ec;
  int32_t nsc;
  if (cs_params_build(pl, theta, &ar, &pm) != CS_OK ||
      (nsc = cs_scen_build(pl, &pm, &ar, &sc)) < 0 ||
      cs_results_alloc(pl, nsc, 0, &ar, &r) != CS_OK ||
      cs_work_alloc(pl, &pm, nsc, &ar, &w) != CS_OK || cs_econ_alloc(&r, &ar, &ec) != CS_OK) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  size_t nrate = (size_t)CS_NSEX * CS_NAGE * pl->nstate * pl->nsector, nzu = 0, nze = 0;
  for (size_t i = 0; i < nrate; i++)
    nzu += pm.use[i] != 0.0, nze += pm.eol[i] != 0.0;
  printf("rates: %.1f %% of use and %.1f %% of end-of-life use are not 0\n", 100.0 * nzu / nrate,
         100.0 * nze / nrate);
  double steps = (double)nsc * pl->nyear * pl->narea * CS_NSEX * CS_NAGE * pl->nstate;
  double *t = calloc((size_t)reps + 1, sizeof *t), *tc = calloc((size_t)reps + 1, sizeof *tc);
  uint64_t h = 0;
  for (int i = 0; i < reps; i++) {
    double t0 = now(), c0 = cpu_now();
    cs_kernel(pl, &pm, sc, nsc, &w, &r);
    t[i] = now() - t0;
    tc[i] = cpu_now() - c0;
    if (i == 0) h = hash_results(CS_FNV1A_BASIS, pl, &r);
  }
  qsort(t, (size_t)reps, sizeof *t, cmp_double);
  qsort(tc, (size_t)reps, sizeof *tc, cmp_double);
  printf("plan: %d scenarios x %d years x %d areas x %d sex-ages x %d states = %.0f cell-steps, "
         "%d sectors, %d signatures\n",
         nsc, pl->nyear, pl->narea, CS_NSEX * CS_NAGE, pl->nstate, steps, pl->nsector, pm.nsig);
  printf("deterministic kernel: best %.3f ms, median %.3f ms (%d reps; CPU time best %.3f, "
         "median %.3f ms); %.1f ns per cell-step, %.3g cell-steps/s; hash %016llx\n",
         t[0] * 1e3, t[reps / 2] * 1e3, reps, tc[0] * 1e3, tc[reps / 2] * 1e3, t[0] / steps * 1e9,
         steps / t[0], (unsigned long long)h);
  if (draws > 0) {
    uint64_t hd = CS_FNV1A_BASIS;
    double t0 = now(), c0 = cpu_now(), tk = 0.0, tkc = 0.0, th = 0.0, thc = 0.0;
    for (int d = 1; d <= draws; d++) {
      draw_theta(pl, stream, seed, d, theta);
      cs_params_fill(pl, theta, &pm);
      cs_scen_coverage(pl, &pm, sc, nsc);
      double t1 = now(), c1 = cpu_now();
      cs_kernel(pl, &pm, sc, nsc, &w, &r);
      tk += now() - t1;
      tkc += cpu_now() - c1;
      cs_econ_fill_metrics(pl, &r, &ec); /* (as psa.c job_run) */
      double t2 = now(), c2 = cpu_now(); /* the check's hash is not a draw's work: not timed */
      hd = hash_results(hd, pl, &r);
      th += now() - t2;
      thc += cpu_now() - c2;
    }
    double tt = now() - t0 - th, tc = cpu_now() - c0 - thc;
    printf("draws: %d in %.3f s on one thread: %.1f draws/s, %.3f ms a draw (kernel %.3f ms; CPU "
           "time %.3f ms a draw, kernel %.3f ms); hash %016llx\n",
           draws, tt, draws / tt, tt / draws * 1e3, tk / draws * 1e3, tc / draws * 1e3,
           tkc / draws * 1e3, (unsigned long long)hd);
  }
  cs_arena_release(&ar);
  cs_plan_free(pl);
  cs_diags_free(dg);
  free(t);
  free(tc);
  free(theta);
  free(stream);
  return 0;
}
