/* plan_tables.c: turns the rows of each CSV table into the plan's flat arrays. Every row is
 * checked first (plan_check.c) and skipped when bad; a table that keys rows by the plan's
 * ids looks them up in hash indexes built for it. */
#include "plan_tables.h"

#include <math.h>
#include <stdio.h>

#include "plan_check.h"

/* Zeroed memory owned by the plan; NULL (with r->oom set) when out of memory. */
static void *keep(cs_plan *P, cs_rep *r, size_t n, size_t size) {
  return cs_rep_mem(r, cs_arena_calloc(&P->arena, n ? n : 1, size));
}

static const char *keep_str(cs_plan *P, cs_rep *r, const char *s) {
  return cs_rep_mem(r, cs_arena_strdup(&P->arena, s));
}

/* Zeroed working memory of one fill, freed at its end. */
static int32_t *scratch(cs_rep *r, size_t n) {
  return cs_rep_mem(r, cs_calloc(n, sizeof(int32_t)));
}

/* ---- the tables keyed by the plan's ids ---- */

/* One table being filled, with hash indexes of the plan's ids as they are at that point. */
typedef struct {
  cs_plan *P;
  cs_rep *r;
  const cs_csv *t;
  double *dst; /* use or eol: the array being filled */
  cs_idmap area, state, sector, sub, group;
} filler;

static void ids_free(filler *F) {
  cs_idmap_free(&F->area);
  cs_idmap_free(&F->state);
  cs_idmap_free(&F->sector);
  cs_idmap_free(&F->sub);
  cs_idmap_free(&F->group);
}

static int ids_init(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  int bad = cs_idmap_init(&F->area, r, P->areas, sizeof *P->areas, P->narea, 0);
  bad |= cs_idmap_init(&F->state, r, P->states, sizeof *P->states, P->nstate, 0);
  bad |= cs_idmap_init(&F->sector, r, P->sectors, sizeof *P->sectors, P->nsector, 0);
  bad |= cs_idmap_init(&F->sub, r, P->subs, sizeof *P->subs, P->nsub, 0);
  bad |= cs_idmap_init(&F->group, r, P->groups, sizeof *P->groups, P->ngroup, 0);
  if (bad) ids_free(F);
  return bad;
}

/* Runs fill over t with the id indexes. */
static void with_ids(cs_plan *P, cs_rep *r, const cs_csv *t, double *dst, void (*fill)(filler *)) {
  filler F = {.P = P, .r = r, .t = t, .dst = dst};
  if (ids_init(&F)) return;
  fill(&F);
  ids_free(&F);
}

static int cell_area(filler *F, size_t row, int c, int *a) {
  return cs_cell_id(F->r, F->t, row, c, "area", &F->area, a);
}

static int cell_state(filler *F, size_t row, int c, int *k) {
  return cs_cell_id(F->r, F->t, row, c, "state", &F->state, k);
}

/* Decodes the area, sex, age key of a row; returns 0 when all three are valid. */
static int key_asx(filler *F, size_t i, int *a, int *s, int *x) {
  int bad = cell_area(F, i, 0, a);
  bad |= cs_cell_sex(F->r, F->t, i, 1, s);
  bad |= cs_cell_age(F->r, F->t, i, 2, x);
  return bad;
}

/* population.csv (counts >= 0, every age) or migration.csv (net of any sign, absent = 0):
 * one value per (area, sex, age) into F->dst. */
static void fill_asx(filler *F, int population) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  int32_t *seen = scratch(r, (size_t)P->narea * CS_NSEX * CS_NAGE);
  if (!F->dst || !seen) {
    cs_free(seen);
    return;
  }
  for (size_t i = 0; i < t->nrow; i++) {
    int a = 0, s = 0, x = 0;
    double v = 0;
    if (key_asx(F, i, &a, &s, &x)) continue;
    int bad = population ? cs_cell_nonneg(r, t, i, 3, &v) : cs_cell_num(r, t, i, 3, &v);
    char key[160];
    snprintf(key, sizeof key, "area '%s', sex '%s', age %d", P->areas[a].id, cs_sex_names[s], x);
    /* a row with a bad value is still there: it is no missing row */
    if (!cs_row_dup(r, t, i, seen, cs_ix_asx(a, s, x), key) && !bad) F->dst[cs_ix_asx(a, s, x)] = v;
  }
  if (population) cs_check_missing_asx(P, r, t, seen);
  cs_free(seen);
}

static void fill_population(filler *F) { fill_asx(F, 1); }
static void fill_migration(filler *F) { fill_asx(F, 0); }

void cs_fill_population(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->pop = keep(P, r, (size_t)P->narea * CS_NSEX * CS_NAGE, sizeof *P->pop);
  with_ids(P, r, t, P->pop, fill_population);
}

void cs_fill_migration(cs_plan *P, cs_rep *r, const cs_csv *t) {
  with_ids(P, r, t, P->mig, fill_migration);
}

static void fill_projection(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  int ny = P->nyear - 1;
  size_t n = (size_t)P->narea * CS_NSEX * CS_NAGE * (size_t)ny;
  P->proj = keep(P, r, n, sizeof *P->proj);
  int32_t *seen = scratch(r, n);
  if (!P->proj || !seen) {
    cs_free(seen);
    return;
  }
  for (size_t i = 0; i < t->nrow; i++) {
    int a = 0, s = 0, x = 0, y = 0;
    double v = 0;
    int bad = key_asx(F, i, &a, &s, &x);
    bad |= cs_cell_int(r, t, i, 3, P->T0 + 1, P->T1, &y);
    if (bad) continue;
    bad = cs_cell_nonneg(r, t, i, 4, &v);
    size_t ix = cs_ix_asx(a, s, x) * (size_t)ny + (size_t)(y - P->T0 - 1);
    char key[180];
    snprintf(key, sizeof key, "area '%s', sex '%s', age %d, year %d", P->areas[a].id,
             cs_sex_names[s], x, y);
    if (!cs_row_dup(r, t, i, seen, ix, key) && !bad) P->proj[ix] = v; /* bad: not missing */
  }
  cs_check_missing_proj(P, r, t, seen);
  cs_free(seen);
}

void cs_fill_projection(cs_plan *P, cs_rep *r, const cs_csv *t) {
  if (P->nyear - 1 < 1) {
    cs_rep_add(r, t->disp, 1, 1, "projection needs a horizon after the base year");
    return;
  }
  with_ids(P, r, t, NULL, fill_projection);
}

static void fill_shares(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  int32_t *seen = scratch(r, (size_t)CS_NSEX * CS_NAGE * (size_t)P->nstate);
  if (!P->share0 || !seen) {
    cs_free(seen);
    return;
  }
  for (size_t i = 0; i < t->nrow; i++) {
    int s = 0, x = 0, k = 0;
    double v = 0;
    int bad = cs_cell_sex(r, t, i, 0, &s);
    bad |= cs_cell_age(r, t, i, 1, &x);
    bad |= cell_state(F, i, 2, &k);
    if (bad) continue;
    bad = cs_cell_prob(r, t, i, 3, &v);
    size_t ix = ((size_t)s * CS_NAGE + (size_t)x) * (size_t)P->nstate + (size_t)k;
    char key[160];
    snprintf(key, sizeof key, "sex '%s', age %d, state '%s'", cs_sex_names[s], x, P->states[k].id);
    if (cs_row_dup(r, t, i, seen, ix, key)) continue;
    if (bad)
      seen[ix] = -seen[ix]; /* there, but bad: no missing row, no sum to check */
    else
      P->share0[ix] = v;
  }
  cs_check_missing_shares(P, r, t, seen);
  cs_check_share_sums(P, r, t, seen);
  cs_free(seen);
}

void cs_fill_shares(cs_plan *P, cs_rep *r, const cs_csv *t) {
  with_ids(P, r, t, NULL, fill_shares);
}

static void fill_transitions(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  int K = P->nstate;
  size_t groups = (size_t)CS_NSEX * CS_NAGE * (size_t)K; /* (sex, age, from) */
  int32_t *seen = scratch(r, groups * (size_t)K), *first = scratch(r, groups);
  if (!P->trans || !seen || !first) {
    cs_free(seen);
    cs_free(first);
    return;
  }
  for (size_t i = 0; i < t->nrow; i++) {
    int s = 0, x = 0, k = 0, l = 0;
    double v = 0;
    int bad = cs_cell_sex(r, t, i, 0, &s);
    bad |= cs_cell_age(r, t, i, 1, &x);
    bad |= cell_state(F, i, 2, &k);
    bad |= cell_state(F, i, 3, &l);
    bad |= cs_cell_prob(r, t, i, 4, &v);
    if (bad) continue;
    size_t grp = ((size_t)s * CS_NAGE + (size_t)x) * (size_t)K + (size_t)k;
    char key[200];
    snprintf(key, sizeof key, "sex '%s', age %d, from '%s', to '%s'", cs_sex_names[s], x,
             P->states[k].id, P->states[l].id);
    if (cs_row_dup(r, t, i, seen, grp * (size_t)K + (size_t)l, key)) continue;
    if (!first[grp]) first[grp] = cs_row_line(t, i);
    if (k != l) P->trans[grp * (size_t)K + (size_t)l] = v; /* stay rows are implied (MODEL 2.3) */
  }
  cs_check_trans_sums(P, r, t, first);
  cs_free(seen);
  cs_free(first);
}

void cs_fill_transitions(cs_plan *P, cs_rep *r, const cs_csv *t) {
  with_ids(P, r, t, NULL, fill_transitions);
}

static void fill_workforce(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  for (size_t i = 0; i < t->nrow; i++) {
    int sub = 0;
    double fte = 0, ret = 0, out = 0, in = 0;
    int bad = 0;
    if (!*cs_csv_cell(t, i, 0)) {
      cs_cell_err(r, t, i, 0, "group is empty (expected a name)");
      bad = 1;
    }
    bad |= cs_cell_id(r, t, i, 1, "subregion", &F->sub, &sub);
    bad |= cs_cell_nonneg(r, t, i, 2, &fte);
    bad |= cs_cell_prob(r, t, i, 3, &ret);
    bad |= cs_cell_prob(r, t, i, 4, &out);
    bad |= cs_cell_nonneg(r, t, i, 5, &in);
    if (bad) continue;
    int g = cs_idmap_find(&F->group, cs_csv_cell(t, i, 0));
    if (g < 0) continue; /* every named group was collected by cs_workforce_groups */
    cs_wf_row *w = &P->wf[(size_t)sub * (size_t)P->ngroup + (size_t)g];
    if (w->present) {
      cs_rep_add(r, t->disp, cs_row_line(t, i), 1, "duplicate row for group '%s', subregion '%s'",
                 P->groups[g], P->subs[sub]);
      continue;
    }
    *w = (cs_wf_row){1, fte, ret, out, in};
  }
}

void cs_fill_workforce(cs_plan *P, cs_rep *r, const cs_csv *t) {
  with_ids(P, r, t, NULL, fill_workforce);
}

/* use.csv or end_of_life_use.csv: a rate per (sector, state, sex) and age band. */
static void fill_use(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  int32_t *seen = scratch(r, (size_t)P->nsector * (size_t)P->nstate * CS_NSEX * CS_NAGE);
  if (!F->dst || !seen) {
    cs_free(seen);
    return;
  }
  for (size_t i = 0; i < t->nrow; i++) {
    int c = 0, k = 0, s = 0, lo = 0, hi = 0;
    double v = 0;
    int bad = cs_cell_id(r, t, i, 0, "sector", &F->sector, &c);
    bad |= cell_state(F, i, 1, &k);
    bad |= cs_cell_sex(r, t, i, 2, &s);
    bad |= cs_cell_age_band(r, t, i, 3, &lo, &hi);
    bad |= cs_cell_nonneg(r, t, i, 5, &v);
    if (bad) continue;
    size_t b = (((size_t)c * (size_t)P->nstate + (size_t)k) * CS_NSEX + (size_t)s) * CS_NAGE;
    int x = lo;
    while (x <= hi && !seen[b + (size_t)x])
      x++;
    if (x <= hi) {
      cs_rep_add(r, t->disp, cs_row_line(t, i), 1,
                 "age band %d-%d for sector '%s', state '%s', "
                 "sex '%s' overlaps the row at line %d (expected bands that do not overlap)",
                 lo, hi, P->sectors[c].id, P->states[k].id, cs_sex_names[s],
                 (int)seen[b + (size_t)x]);
      continue;
    }
    for (x = lo; x <= hi; x++) {
      seen[b + (size_t)x] = cs_row_line(t, i);
      F->dst[b + (size_t)x] = v;
    }
  }
  cs_free(seen);
}

void cs_fill_use(cs_plan *P, cs_rep *r, const cs_csv *t) { with_ids(P, r, t, P->use, fill_use); }

/* area_use_index.csv (v0.2): a multiplier of an area's use of a sector (absent: 1), e.g.
 * each municipality's care cost against what the region's rates give its age and sex mix. */
static void fill_area_index(filler *F) {
  cs_plan *P = F->P;
  const cs_csv *t = F->t;
  int32_t *seen = scratch(F->r, (size_t)P->narea * (size_t)P->nsector);
  if (!F->dst || !seen) {
    cs_free(seen);
    return;
  }
  for (size_t i = 0; i < t->nrow; i++) {
    int a = 0, c = 0;
    double v = 0;
    int bad = cell_area(F, i, 0, &a);
    bad |= cs_cell_id(F->r, t, i, 1, "sector", &F->sector, &c);
    bad |= cs_cell_nonneg(F->r, t, i, 2, &v);
    if (bad) continue;
    size_t k = (size_t)a * (size_t)P->nsector + (size_t)c;
    if (seen[k]) {
      cs_rep_add(F->r, t->disp, cs_row_line(t, i), 1,
                 "duplicate row for area '%s', sector '%s' (first at line %d)", P->areas[a].id,
                 P->sectors[c].id, (int)seen[k]);
      continue;
    }
    seen[k] = cs_row_line(t, i);
    F->dst[k] = v;
  }
  cs_free(seen);
}

void cs_fill_area_index(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->area_index = keep(P, r, (size_t)P->narea * (size_t)P->nsector, sizeof *P->area_index);
  if (P->area_index)
    for (size_t k = 0; k < (size_t)P->narea * (size_t)P->nsector; k++)
      P->area_index[k] = 1.0;
  with_ids(P, r, t, P->area_index, fill_area_index);
}
void cs_fill_eol(cs_plan *P, cs_rep *r, const cs_csv *t) { with_ids(P, r, t, P->eol, fill_use); }

/* ---- the tables that make ids ---- */

/* One row of areas.csv: a new area, and its subregion when new. */
static void add_area(cs_plan *P, cs_rep *r, const cs_csv *t, size_t i, cs_idmap *am, cs_idmap *sm) {
  const char *id = cs_csv_cell(t, i, 0), *sub = cs_csv_cell(t, i, 2);
  const char *why_id = cs_id_problem(id), *why_sub = cs_id_problem(sub),
             *why_name = cs_text_problem(cs_csv_cell(t, i, 1));
  if (why_id) cs_cell_err(r, t, i, 0, "area id " CS_QF " %s (expected a name)", CS_QA(id), why_id);
  if (why_name) cs_cell_err(r, t, i, 1, "area name %s (expected printable text)", why_name);
  if (why_sub)
    cs_cell_err(r, t, i, 2, "subregion " CS_QF " %s (expected a name)", CS_QA(sub), why_sub);
  if (why_id || why_sub || why_name) return;
  if (cs_idmap_find(am, id) >= 0) {
    cs_cell_err(r, t, i, 0, "duplicate area " CS_QF, CS_QA(id));
    return;
  }
  int s = cs_idmap_find(sm, sub);
  if (s < 0) {
    if (!(P->subs[P->nsub] = keep_str(P, r, sub))) return;
    s = P->nsub++;
    cs_idmap_add(sm);
  }
  cs_area *a = &P->areas[P->narea];
  a->id = keep_str(P, r, id);
  a->name = keep_str(P, r, cs_csv_cell(t, i, 1));
  a->sub = s;
  if (!a->id || !a->name) return;
  P->narea++;
  cs_idmap_add(am);
}

void cs_fill_areas(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->areas = keep(P, r, t->nrow, sizeof *P->areas);
  P->subs = keep(P, r, t->nrow, sizeof *P->subs);
  cs_idmap am, sm;
  if (!P->areas || !P->subs) return;
  if (cs_idmap_init(&am, r, P->areas, sizeof *P->areas, 0, (int)t->nrow)) return;
  if (cs_idmap_init(&sm, r, P->subs, sizeof *P->subs, 0, (int)t->nrow)) {
    cs_idmap_free(&am);
    return;
  }
  for (size_t i = 0; i < t->nrow && !r->oom; i++)
    add_area(P, r, t, i, &am, &sm);
  cs_idmap_free(&am);
  cs_idmap_free(&sm);
  if (P->narea == 0) cs_rep_add(r, t->disp, 1, 1, "no areas (expected at least one row)");
}

int cs_workforce_groups(cs_plan *P, cs_rep *r, const cs_csv *t, const char **groups) {
  cs_idmap gm;
  if (cs_idmap_init(&gm, r, groups, sizeof *groups, 0, (int)t->nrow)) return 0;
  for (size_t i = 0; i < t->nrow; i++) {
    const char *g = cs_csv_cell(t, i, 0), *why = cs_id_problem(g);
    if (why && *g) cs_cell_err(r, t, i, 0, "group " CS_QF " %s (expected a name)", CS_QA(g), why);
    if (why || cs_idmap_find(&gm, g) >= 0) continue;
    if (!(groups[gm.n] = keep_str(P, r, g))) break;
    cs_idmap_add(&gm);
  }
  cs_idmap_free(&gm);
  return gm.n;
}

/* ---- insurers ---- */

/* The insurer ids of column 1 in order of first appearance; returns their number. */
static int32_t insurer_ids(cs_plan *P, cs_rep *r, const cs_csv *t, cs_idmap *im) {
  for (size_t i = 0; i < t->nrow; i++) {
    const char *id = cs_csv_cell(t, i, 1), *why = cs_id_problem(id);
    if (why) {
      cs_cell_err(r, t, i, 1, "insurer " CS_QF " %s (expected a name such as 'CZ')", CS_QA(id),
                  why);
      continue;
    }
    if (cs_idmap_find(im, id) >= 0) continue;
    if (!(P->insurers[im->n] = keep_str(P, r, id))) break;
    cs_idmap_add(im);
  }
  return im->n;
}

/* Every area's shares add up to 1 (each of its insured has one insurer). */
static void insurer_sums(cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  for (int32_t a = 0; a < P->narea; a++) {
    double sum = 0.0;
    int first = 0;
    for (int32_t k = 0; k < P->ninsurer; k++) {
      int32_t line = seen[(size_t)a * P->ninsurer + k];
      if (line < 0) first = -1; /* a bad share: the sum says nothing */
      if (first >= 0 && line > 0 && (!first || line < first)) first = line;
      sum += P->insurer_share[(size_t)a * P->ninsurer + k];
    }
    if (first == 0)
      cs_rep_add(r, t->disp, 1, 1,
                 "no shares for area '%s' (expected a row per insurer with "
                 "shares adding up to 1)",
                 P->areas[a].id);
    else if (first > 0 && fabs(sum - 1.0) > 1e-6)
      cs_rep_add(r, t->disp, first, 1, "shares of area '%s' sum to %.9g (expected 1 within 1e-6)",
                 P->areas[a].id, sum);
  }
}

static void fill_insurers(filler *F) {
  cs_plan *P = F->P;
  cs_rep *r = F->r;
  const cs_csv *t = F->t;
  cs_idmap im;
  P->insurers = keep(P, r, t->nrow, sizeof *P->insurers);
  if (!P->insurers || cs_idmap_init(&im, r, P->insurers, sizeof *P->insurers, 0, (int)t->nrow))
    return;
  P->ninsurer = insurer_ids(P, r, t, &im);
  P->insurer_share = keep(P, r, (size_t)P->narea * P->ninsurer, sizeof *P->insurer_share);
  int32_t *seen = scratch(r, (size_t)P->narea * P->ninsurer + 1);
  for (size_t i = 0; P->insurer_share && seen && i < t->nrow; i++) {
    int a = 0, k = cs_idmap_find(&im, cs_csv_cell(t, i, 1));
    double v = 0;
    if (cell_area(F, i, 0, &a) || k < 0) continue;
    int bad = cs_cell_prob(r, t, i, 2, &v);
    size_t ix = (size_t)a * P->ninsurer + (size_t)k;
    char key[200];
    snprintf(key, sizeof key, "area '%s', insurer '%s'", P->areas[a].id, P->insurers[k]);
    if (cs_row_dup(r, t, i, seen, ix, key)) continue;
    if (bad)
      seen[ix] = -seen[ix];
    else
      P->insurer_share[ix] = v;
  }
  if (P->insurer_share && seen) insurer_sums(P, r, t, seen);
  cs_free(seen);
  cs_idmap_free(&im);
}

void cs_fill_insurers(cs_plan *P, cs_rep *r, const cs_csv *t) {
  with_ids(P, r, t, NULL, fill_insurers);
}

/* ---- tables without ids ---- */

void cs_fill_mortality(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->q0 = keep(P, r, CS_NSEX * CS_NAGE, sizeof *P->q0);
  int32_t seen[CS_NSEX * CS_NAGE] = {0};
  if (!P->q0) return;
  for (size_t i = 0; i < t->nrow; i++) {
    int s = 0, x = 0;
    double v = 0;
    int bad = cs_cell_sex(r, t, i, 0, &s);
    bad |= cs_cell_age(r, t, i, 1, &x);
    if (bad) continue;
    bad = cs_cell_prob(r, t, i, 2, &v);
    char key[64];
    snprintf(key, sizeof key, "sex '%s', age %d", cs_sex_names[s], x);
    /* a row with a bad q is there: no missing row */
    if (!cs_row_dup(r, t, i, seen, (size_t)s * CS_NAGE + (size_t)x, key) && !bad)
      P->q0[s * CS_NAGE + x] = v;
  }
  cs_check_missing_sx(r, t, seen);
}

void cs_fill_fertility(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->fert = keep(P, r, CS_NAGE, sizeof *P->fert);
  int32_t seen[CS_NAGE] = {0};
  if (!P->fert) return;
  for (size_t i = 0; i < t->nrow; i++) {
    int x = 0;
    double v = 0;
    int bad = cs_cell_age(r, t, i, 0, &x);
    bad |= cs_cell_nonneg(r, t, i, 1, &v);
    if (bad) continue;
    char key[32];
    snprintf(key, sizeof key, "age %d", x);
    if (!cs_row_dup(r, t, i, seen, (size_t)x, key)) P->fert[x] = v;
  }
}
