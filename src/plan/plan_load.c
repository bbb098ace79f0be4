/* plan_load.c: builds a cs_plan from the plan YAML and its CSV tables (PLAN-FORMAT.md v1):
 * reads the file, checks the top-level keys and calls the parts of the loader in order
 * (schema.h). It reads everything it can after an error, so one `careshift check` run reports
 * every problem; only a plan without any problem is handed out, and a load in which any
 * allocation failed ends with CS_ENOMEM. */
#include <string.h>

#include <gsl/gsl_errno.h>
#include "plan_sources.h"
#include "schema.h"

/* Larger plans are refused unread: large data belongs in the CSV tables. */
#define CS_MAX_YAML ((size_t)16 * 1024 * 1024)

static const char *const top_keys[] = {"careshift",
                                       "plan",
                                       "region",
                                       "years",
                                       "population",
                                       "demography",
                                       "states",
                                       "state_shares",
                                       "transitions",
                                       "payers",
                                       "workforce",
                                       "sectors",
                                       "use",
                                       "end_of_life_use",
                                       "economics",
                                       "criteria",
                                       "parameters",
                                       "themes",
                                       "scenarios",
                                       "psa",
                                       "insurers",
                                       "area_use_index",
                                       "workforce_total_fte"};

/* Exact per-intervention Shapley values take 2^interventions runs: refused beyond
 * CS_IVSHAP_MAX_EXACT, where sampled permutations do (docs/model.md 7). */
static void check_ivshap(cs_ld *L, cs_ynode *root) {
  const cs_plan *P = L->P;
  if (P->ivshap_mode != CS_IVSHAP_EXACT || P->niv <= CS_IVSHAP_MAX_EXACT) return;
  cs_ynode *v = cs_yq_get(&L->q, cs_yq_get(&L->q, root, "economics"), "intervention_shapley");
  cs_yq_err(&L->q, v,
            "economics.intervention_shapley: exact values of %d interventions take 2^%d runs "
            "(expected at most %d interventions, or {permutations: K})",
            P->niv, P->niv, CS_IVSHAP_MAX_EXACT);
}

static void load_root(cs_ld *L, cs_ynode *root) {
  cs_yq_check_keys(&L->q, root, top_keys, sizeof top_keys / sizeof *top_keys, "the plan");
  cs_load_sections(L, root);
  cs_load_themes(L, root);
  cs_load_scenarios(L, root);
  cs_load_psa(L, root);
  check_ivshap(L, root);
}

/* The overrides go into the inputs' checksum after the YAML's bytes, before the tables':
 * a run with --set is told apart from a run of the plan as it is on disk. */
static void hash_sets(cs_ld *L, const char *const *sets, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (sets[i]) *L->rep.hash = cs_hash_fnv1a_bytes(*L->rep.hash, sets[i], strlen(sets[i]) + 1);
}

static void load_file(cs_ld *L, const char *path, const char *const *sets, size_t nset) {
  size_t len;
  unsigned char *buf = cs_read_file(&L->rep, path, path, NULL, 0, 0, &len);
  if (!buf) return;
  L->P->yaml_hash = cs_hash_fnv1a_bytes(CS_FNV1A_BASIS, buf, len);
  hash_sets(L, sets, nset);
  if (len == 0)
    cs_rep_add(&L->rep, path, 1, 1, "empty plan file (expected a yaml mapping)");
  else if (len > CS_MAX_YAML)
    cs_rep_add(&L->rep, path, 1, 1,
               "plan file is too large (%zu bytes, expected at most 16 MiB; "
               "large data belongs in the CSV tables)",
               len);
  else if (!cs_text_check(&L->rep, path, buf, len, 1) &&
           !cs_yq_load(&L->q, path, buf, len, &L->rep)) {
    cs_yq_apply_overrides(&L->q, sets, nset); /* the loader checks what they made */
    cs_ynode *root = cs_yq_root(&L->q);
    if (cs_yq_want_map(&L->q, root, "the plan")) load_root(L, root);
    if (!L->rep.nerr) cs_plan_sources(L->P, &L->q, buf, len, &L->rep);
    cs_yq_free(&L->q);
  }
  cs_free(buf);
}

/* The plan's path, and its directory with a trailing '/' (or "") that table names are
 * relative to. */
static void set_paths(cs_ld *L, const char *path) {
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) + 1 : 0;
  L->P->path = cs_ld_strdup(L, path);
  L->dir = cs_rep_mem(&L->rep, cs_arena_strndup(&L->P->arena, path, n));
}

static void finish_dists(cs_ld *L) {
  cs_plan *P = L->P;
  P->dists = cs_ld_alloc(L, (size_t)L->ndist, sizeof *P->dists);
  if (!P->dists) return;
  memcpy(P->dists, L->dists, (size_t)L->ndist * sizeof *P->dists);
  P->ndist = L->ndist;
}

cs_status cs_plan_load(const char *path, cs_plan **out, cs_diags *diags) {
  return cs_plan_load_with(path, NULL, 0, out, diags);
}

cs_status cs_plan_load_with(const char *path, const char *const *sets, size_t nset, cs_plan **out,
                            cs_diags *diags) {
  return cs_plan_load_sealed(path, sets, nset, 0, out, diags);
}

cs_status cs_plan_load_sealed(const char *path, const char *const *sets, size_t nset, int sealed,
                              cs_plan **out, cs_diags *diags) {
  if (out) *out = NULL;
  if (!path || !out || (nset && !sets)) {
    cs_diags_add(diags, NULL, 0, 0, "no plan file given");
    return CS_EINVAL;
  }
  /* GSL's default error handler aborts the process; the library reports errors instead. */
  gsl_set_error_handler_off();
  cs_ld L = {.rep = {.d = diags, .file = path}, .zero = -1, .sealed = sealed};
  L.q.file = path;
  cs_plan *P = L.P = cs_rep_mem(&L.rep, cs_calloc(1, sizeof *P));
  if (!P) return CS_ENOMEM;
  cs_arena_init(&P->arena);
  /* every file the load reads, the YAML first, goes into the inputs' checksum */
  P->input_hash = P->files_hash = CS_FNV1A_BASIS;
  L.rep.hash = &P->input_hash;
  L.rep.files_hash = &P->files_hash;
  L.rep.notes_arena = &P->arena; /* the tables' sources, for P->inputs */
  set_paths(&L, path);
  if (!L.rep.oom && !cs_rep_set_overrides(&L.rep, sets, nset)) load_file(&L, P->path, sets, nset);
  if (!L.rep.nerr) finish_dists(&L);
  cs_free(L.dists);
  cs_rep_free_overrides(&L.rep);
  /* nerr counts an out-of-memory too, so no partly loaded plan gets past this. */
  if (L.rep.nerr || L.rep.oom) {
    cs_plan_free(P);
    return L.rep.oom ? CS_ENOMEM : CS_EINVAL;
  }
  *out = P;
  return CS_OK;
}

void cs_plan_free(cs_plan *plan) {
  if (!plan) return;
  cs_arena_release(&plan->arena);
  cs_free(plan);
}

void cs_plan_get_info(const cs_plan *P, cs_plan_info *info) {
  memset(info, 0, sizeof *info);
  if (!P) return;
  info->name = P->name;
  info->region = P->region_name;
  info->base_year = P->T0;
  info->horizon = P->T1;
  info->areas = P->narea;
  info->subregions = P->nsub;
  info->states = P->nstate;
  info->sectors = P->nsector;
  info->payers = P->npayer;
  info->groups = P->ngroup;
  info->themes = P->ntheme;
  info->interventions = P->niv;
  info->scenarios = P->nscen;
  for (int i = 0; i < P->ndist; i++)
    info->distributions += P->dists[i].kind != CS_DIST_FIXED;
  info->projection_mode = P->has_projection;
  double sum = 0;
  size_t n = (size_t)P->narea * CS_NSEX * CS_NAGE;
  for (size_t i = 0; P->pop && i < n; i++)
    sum += P->pop[i];
  if (P->pop_scale.p >= 0 && P->pop_scale.p < P->ndist)
    sum *= P->pop_scale.sign * P->dists[P->pop_scale.p].mean;
  info->persons = sum;
  info->psa_draws = P->has_psa ? P->psa_draws : 0;
  info->psa_seed = P->psa_seed;
  info->psa_has_seed = P->psa_has_seed;
  info->has_psa = P->has_psa;
}
