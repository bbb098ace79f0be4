/* plan_scenarios.c: the plan's own scenarios (scale and pace variants of `plan`: which
 * subregions take part, and how many years later per subregion) and its psa settings. */
#include "schema.h"

#include <string.h>

static void load_delay(cs_ld *L, cs_ynode *m, cs_scenario_def *s) {
  cs_plan *P = L->P;
  if (!cs_yq_want_map(&L->q, m, "scenario delay")) return;
  size_t n = cs_yq_len(m);
  uint8_t *seen = cs_ld_alloc(L, (size_t)P->nsub, 1);
  for (size_t i = 0; seen && i < n; i++) {
    int sub = cs_ld_sub_key(L, cs_yq_key(&L->q, m, i), seen, "scenario delay");
    long d;
    if (!cs_yq_int(&L->q, cs_yq_val(&L->q, m, i), "delay", 0, CS_MAX_SPAN, &d) && sub >= 0)
      s->delay[sub] = (int32_t)d;
  }
}

/* The scenario names the run itself gives. */
static int reserved_scenario(const char *id) {
  return !strcmp(id, "baseline") || !strcmp(id, "plan") || !strncmp(id, "without-", 8);
}

static void load_scenario(cs_ld *L, cs_ynode *v, const char *ctx, cs_scenario_def *s) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, v, CS_KEYS("id", "subregions", "delay"), ctx);
  s->sub_mask = cs_ld_alloc(L, (size_t)P->nsub, 1);
  s->delay = cs_ld_alloc(L, (size_t)P->nsub, sizeof *s->delay);
  if (!s->sub_mask || !s->delay) return;
  cs_ynode *m = cs_ld_given(L, v, "subregions");
  if (m) {
    s->has_subregions = 1;
    cs_ld_id_list(L, m, "scenario subregions", "subregion", P->subs, sizeof *P->subs, P->nsub,
                  s->sub_mask);
  } else {
    memset(s->sub_mask, 1, (size_t)P->nsub);
  }
  if ((m = cs_ld_given(L, v, "delay"))) load_delay(L, m, s);
}

static void scenario_item(cs_ld *L, cs_ynode *v, const char *ctx, void *arg) {
  cs_plan *P = L->P;
  const char *id = cs_ld_item_id(L, v, ctx, "scenario", P->scens, sizeof *P->scens, P->nscen);
  if (!id) return;
  if (reserved_scenario(id)) {
    cs_yq_err(&L->q, cs_yq_get(&L->q, v, "id"),
              "scenario id " CS_QF " is reserved (expected "
              "an id other than baseline, plan and without-*)",
              CS_QA(id));
    return;
  }
  cs_scenario_def *s = &P->scens[P->nscen++];
  s->id = id;
  load_scenario(L, v, ctx, s);
}

void cs_load_scenarios(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_ld_given(L, root, "scenarios");
  if (!m || !cs_yq_want_seq(&L->q, m, "scenarios")) return;
  P->scens = cs_ld_alloc(L, cs_yq_len(m), sizeof *P->scens);
  if (P->scens) cs_ld_each(L, m, NULL, "scenarios", scenario_item, NULL);
}

void cs_load_psa(cs_ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_ld_given(L, root, "psa");
  if (!m || !cs_yq_want_map(&L->q, m, "psa")) return;
  cs_yq_check_keys(&L->q, m, CS_KEYS("draws", "seed"), "psa");
  long d = 0, s = 0;
  cs_ynode *v;
  if ((v = cs_yq_get(&L->q, m, "draws")) && !cs_yq_int(&L->q, v, "psa draws", 0, 10000000, &d))
    P->psa_draws = (int32_t)d;
  if ((v = cs_yq_get(&L->q, m, "seed")) &&
      !cs_yq_int(&L->q, v, "psa seed", 0, 9007199254740992L, &s)) {
    P->psa_seed = (uint64_t)s;
    P->psa_has_seed = 1;
  }
  P->has_psa = 1;
}
