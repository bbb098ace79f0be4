/* plan_check.c: turns the rows of each CSV table into the plan's flat arrays, checking every
 * cell (ids, sexes, ages, value ranges), duplicate keys, overlapping age bands, completeness
 * and row sums. Each bad cell is reported at its own line and column and the row skipped,
 * so one run reports every problem of a table. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "table.h"

static const char *const sex_names[CS_NSEX] = {"f", "m"};

static void cerr(cs_rep *r, const cs_csv *t, size_t row, int c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void cerr(cs_rep *r, const cs_csv *t, size_t row, int c, const char *fmt, ...) {
  char buf[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  size_t i = row * (size_t)t->ncol + (size_t)c;
  cs_rep_add(r, t->disp, t->line[i], t->col[i], "%s", buf);
}

static int rline(const cs_csv *t, size_t row) { return t->line[row * (size_t)t->ncol]; }

static int c_num(cs_rep *r, const cs_csv *t, size_t row, int c, double *v) {
  const char *s = cs_cell(t, row, c);
  int rc = cs_parse_double(s, v);
  if (rc == -2)
    cerr(r, t, row, c, "%s " CS_QF " is not a finite number (expected a number)", t->names[c],
         CS_QA(s));
  else if (rc)
    cerr(r, t, row, c, "%s " CS_QF " is not a number (expected a number)", t->names[c], CS_QA(s));
  return rc ? -1 : 0;
}

static int c_nonneg(cs_rep *r, const cs_csv *t, size_t row, int c, double *v) {
  if (c_num(r, t, row, c, v)) return -1;
  if (*v >= 0) return 0;
  cerr(r, t, row, c, "%s " CS_QF " is negative (expected a number >= 0)", t->names[c],
       CS_QA(cs_cell(t, row, c)));
  return -1;
}

static int c_prob(cs_rep *r, const cs_csv *t, size_t row, int c, double *v) {
  if (c_num(r, t, row, c, v)) return -1;
  if (*v >= 0 && *v <= 1) return 0;
  cerr(r, t, row, c, "%s " CS_QF " is outside [0, 1] (expected a probability)", t->names[c],
       CS_QA(cs_cell(t, row, c)));
  return -1;
}

static int c_sex(cs_rep *r, const cs_csv *t, size_t row, int c, int *s) {
  const char *v = cs_cell(t, row, c);
  for (int i = 0; i < CS_NSEX; i++)
    if (!strcmp(v, sex_names[i])) { *s = i; return 0; }
  cerr(r, t, row, c, "sex " CS_QF " is not valid (expected 'f' or 'm')", CS_QA(v));
  return -1;
}

static int c_int(cs_rep *r, const cs_csv *t, size_t row, int c, int lo, int hi, int *x) {
  double v;
  if (c_num(r, t, row, c, &v)) return -1;
  if (v != floor(v) || v < lo || v > hi) {
    cerr(r, t, row, c, "%s " CS_QF " is not valid (expected an integer in %d..%d)", t->names[c],
         CS_QA(cs_cell(t, row, c)), lo, hi);
    return -1;
  }
  *x = (int)v;
  return 0;
}

static int c_age(cs_rep *r, const cs_csv *t, size_t row, int c, int *x) {
  return c_int(r, t, row, c, 0, CS_XMAX, x);
}

static int c_id(cs_rep *r, const cs_csv *t, size_t row, int c, const char *what,
                const cs_idmap *m, int *ix) {
  const char *v = cs_cell(t, row, c);
  *ix = cs_idmap_find(m, v);
  if (*ix >= 0) return 0;
  size_t i = row * (size_t)t->ncol + (size_t)c;
  cs_id_unknown(r, t->disp, t->line[i], t->col[i], what, v, m->base, m->stride, m->n);
  return -1;
}

/* Hash indexes of the plan's ids, built per table. */
typedef struct {
  cs_idmap area, state, sector, sub, group;
} idx;

static void idx_free(idx *x) {
  cs_idmap_free(&x->area);
  cs_idmap_free(&x->state);
  cs_idmap_free(&x->sector);
  cs_idmap_free(&x->sub);
  cs_idmap_free(&x->group);
}

static int idx_init(cs_plan *P, cs_rep *r, const cs_csv *t, idx *x) {
  int bad = cs_idmap_init(&x->area, P->areas, sizeof *P->areas, P->narea, 0);
  bad |= cs_idmap_init(&x->state, P->states, sizeof *P->states, P->nstate, 0);
  bad |= cs_idmap_init(&x->sector, P->sectors, sizeof *P->sectors, P->nsector, 0);
  bad |= cs_idmap_init(&x->sub, P->subs, sizeof *P->subs, P->nsub, 0);
  bad |= cs_idmap_init(&x->group, P->groups, sizeof *P->groups, P->ngroup, 0);
  if (!bad) return 0;
  idx_free(x);
  cs_rep_add(r, t->disp, 1, 1, "out of memory");
  return -1;
}

static int c_area(const idx *X, cs_rep *r, const cs_csv *t, size_t row, int c, int *a) {
  return c_id(r, t, row, c, "area", &X->area, a);
}
static int c_state(const idx *X, cs_rep *r, const cs_csv *t, size_t row, int c, int *k) {
  return c_id(r, t, row, c, "state", &X->state, k);
}

/* Reports a repeated key; seen[] holds the line of the first row with each key. */
static int dup(cs_rep *r, const cs_csv *t, size_t row, int32_t *seen, size_t i,
               const char *key) {
  if (!seen[i]) {
    seen[i] = rline(t, row);
    return 0;
  }
  cs_rep_add(r, t->disp, rline(t, row), 1, "duplicate row for %s (first at line %d)", key,
             (int)seen[i]);
  return 1;
}

/* "0-4, 7, 90-100" for the indices where seen[i*stride] is 0; returns how many. */
static int missing_list(char *buf, size_t sz, const int32_t *seen, int n, size_t stride) {
  int count = 0;
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    if (seen[(size_t)i * stride]) continue;
    int j = i;
    while (j + 1 < n && !seen[(size_t)(j + 1) * stride]) j++;
    size_t l = strlen(buf);
    if (l + 24 < sz) {
      if (j > i) snprintf(buf + l, sz - l, "%s%d-%d", count ? ", " : "", i, j);
      else snprintf(buf + l, sz - l, "%s%d", count ? ", " : "", i);
    }
    count += j - i + 1;
    i = j;
  }
  return count;
}

static void *scratch(size_t n, size_t size) { return calloc(n ? n : 1, size); }

/* ---- areas ---- */

int cs_fill_areas(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->areas = cs_arena_calloc(&P->arena, t->nrow ? t->nrow : 1, sizeof *P->areas);
  P->subs = cs_arena_calloc(&P->arena, t->nrow ? t->nrow : 1, sizeof *P->subs);
  cs_idmap am, sm;
  if (!P->areas || !P->subs) return -1;
  if (cs_idmap_init(&am, P->areas, sizeof *P->areas, 0, (int)t->nrow)) return -1;
  if (cs_idmap_init(&sm, P->subs, sizeof *P->subs, 0, (int)t->nrow)) { cs_idmap_free(&am); return -1; }
  for (size_t i = 0; i < t->nrow; i++) {
    const char *id = cs_cell(t, i, 0), *sub = cs_cell(t, i, 2);
    if (!*id) { cerr(r, t, i, 0, "area id is empty (expected a name)"); continue; }
    if (!*sub) { cerr(r, t, i, 2, "subregion is empty (expected a name)"); continue; }
    if (cs_idmap_find(&am, id) >= 0) {
      cerr(r, t, i, 0, "duplicate area " CS_QF, CS_QA(id));
      continue;
    }
    int s = cs_idmap_find(&sm, sub);
    if (s < 0) {
      s = P->nsub++;
      P->subs[s] = cs_arena_strdup(&P->arena, sub);
      cs_idmap_add(&sm);
    }
    cs_area *a = &P->areas[P->narea++];
    a->id = cs_arena_strdup(&P->arena, id);
    a->name = cs_arena_strdup(&P->arena, cs_cell(t, i, 1));
    a->sub = s;
    cs_idmap_add(&am);
  }
  cs_idmap_free(&am);
  cs_idmap_free(&sm);
  if (P->narea == 0) {
    cs_rep_add(r, t->disp, 1, 1, "no areas (expected at least one row)");
    return -1;
  }
  return 0;
}

/* ---- population, migration, projection ---- */

static void report_missing_asx(cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen,
                               size_t stride, const char *extra) {
  for (int a = 0; a < P->narea; a++)
    for (int s = 0; s < CS_NSEX; s++) {
      char list[200];
      const int32_t *base = seen + cs_ix_asx(a, s, 0) * stride;
      if (missing_list(list, sizeof list, base, CS_NAGE, stride))
        cs_rep_add(r, t->disp, 1, 1, "missing rows for area '%s' sex '%s'%s ages %s (expected "
                   "every age 0..%d)", P->areas[a].id, sex_names[s], extra, list, CS_XMAX);
    }
}

/* Decodes the area, sex, age key of a row; returns 0 when all three are valid. */
static int key_asx(const idx *X, cs_rep *r, const cs_csv *t, size_t i, int *a, int *s, int *x) {
  int bad = c_area(X, r, t, i, 0, a);
  bad |= c_sex(r, t, i, 1, s);
  bad |= c_age(r, t, i, 2, x);
  return bad;
}

static void fill_population(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t) {
  const idx X = *Xp;
  size_t n = (size_t)P->narea * CS_NSEX * CS_NAGE;
  P->pop = cs_arena_calloc(&P->arena, n, sizeof *P->pop);
  int32_t *seen = scratch(n, sizeof *seen);
  if (!P->pop || !seen) { free(seen); cs_rep_add(r, t->disp, 1, 1, "out of memory"); return; }
  for (size_t i = 0; i < t->nrow; i++) {
    int a = 0, s = 0, x = 0;
    double v = 0;
    int bad = key_asx(&X, r, t, i, &a, &s, &x);
    bad |= c_nonneg(r, t, i, 3, &v);
    if (bad) continue;
    char key[160];
    snprintf(key, sizeof key, "area '%s', sex '%s', age %d", P->areas[a].id, sex_names[s], x);
    if (!dup(r, t, i, seen, cs_ix_asx(a, s, x), key)) P->pop[cs_ix_asx(a, s, x)] = v;
  }
  report_missing_asx(P, r, t, seen, 1, "");
  free(seen);
}

void cs_fill_population(cs_plan *P, cs_rep *r, const cs_csv *t) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_population(&X, P, r, t);
  idx_free(&X);
}

static void fill_migration(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t) {
  const idx X = *Xp;
  size_t n = (size_t)P->narea * CS_NSEX * CS_NAGE;
  int32_t *seen = scratch(n, sizeof *seen);
  if (!P->mig || !seen) { free(seen); cs_rep_add(r, t->disp, 1, 1, "out of memory"); return; }
  for (size_t i = 0; i < t->nrow; i++) {
    int a = 0, s = 0, x = 0;
    double v = 0;
    int bad = key_asx(&X, r, t, i, &a, &s, &x);
    bad |= c_num(r, t, i, 3, &v);
    if (bad) continue;
    char key[160];
    snprintf(key, sizeof key, "area '%s', sex '%s', age %d", P->areas[a].id, sex_names[s], x);
    if (!dup(r, t, i, seen, cs_ix_asx(a, s, x), key)) P->mig[cs_ix_asx(a, s, x)] = v;
  }
  free(seen);
}

void cs_fill_migration(cs_plan *P, cs_rep *r, const cs_csv *t) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_migration(&X, P, r, t);
  idx_free(&X);
}

static void report_missing_proj(cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  int ny = P->nyear - 1, shown = 0, more = 0;
  for (int a = 0; a < P->narea; a++)
    for (int s = 0; s < CS_NSEX; s++)
      for (int y = 0; y < ny; y++) {
        char list[200];
        const int32_t *base = seen + cs_ix_asx(a, s, 0) * (size_t)ny + (size_t)y;
        if (!missing_list(list, sizeof list, base, CS_NAGE, (size_t)ny)) continue;
        if (shown++ >= 20) { more++; continue; }
        cs_rep_add(r, t->disp, 1, 1, "missing rows for area '%s' sex '%s' year %d ages %s "
                   "(expected every age 0..%d for every year %d..%d)", P->areas[a].id,
                   sex_names[s], P->T0 + 1 + y, list, CS_XMAX, P->T0 + 1, P->T1);
      }
  if (more)
    cs_rep_add(r, t->disp, 1, 1, "missing rows for %d more (area, sex, year) combinations", more);
}

static void fill_projection(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t) {
  const idx X = *Xp;
  int ny = P->nyear - 1;
  if (ny < 1) {
    cs_rep_add(r, t->disp, 1, 1, "projection needs a horizon after the base year");
    return;
  }
  size_t n = (size_t)P->narea * CS_NSEX * CS_NAGE * (size_t)ny;
  P->proj = cs_arena_calloc(&P->arena, n, sizeof *P->proj);
  int32_t *seen = scratch(n, sizeof *seen);
  if (!P->proj || !seen) { free(seen); cs_rep_add(r, t->disp, 1, 1, "out of memory"); return; }
  for (size_t i = 0; i < t->nrow; i++) {
    int a = 0, s = 0, x = 0, y = 0;
    double v = 0;
    int bad = key_asx(&X, r, t, i, &a, &s, &x);
    bad |= c_int(r, t, i, 3, P->T0 + 1, P->T1, &y);
    bad |= c_nonneg(r, t, i, 4, &v);
    if (bad) continue;
    size_t ix = cs_ix_asx(a, s, x) * (size_t)ny + (size_t)(y - P->T0 - 1);
    char key[180];
    snprintf(key, sizeof key, "area '%s', sex '%s', age %d, year %d", P->areas[a].id,
             sex_names[s], x, y);
    if (!dup(r, t, i, seen, ix, key)) P->proj[ix] = v;
  }
  report_missing_proj(P, r, t, seen);
  free(seen);
}

void cs_fill_projection(cs_plan *P, cs_rep *r, const cs_csv *t) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_projection(&X, P, r, t);
  idx_free(&X);
}

/* ---- mortality and fertility ---- */

void cs_fill_mortality(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->q0 = cs_arena_calloc(&P->arena, CS_NSEX * CS_NAGE, sizeof *P->q0);
  int32_t seen[CS_NSEX * CS_NAGE] = {0};
  if (!P->q0) return;
  for (size_t i = 0; i < t->nrow; i++) {
    int s = 0, x = 0;
    double v = 0;
    int bad = c_sex(r, t, i, 0, &s);
    bad |= c_age(r, t, i, 1, &x);
    bad |= c_prob(r, t, i, 2, &v);
    if (bad) continue;
    char key[64];
    snprintf(key, sizeof key, "sex '%s', age %d", sex_names[s], x);
    if (!dup(r, t, i, seen, (size_t)s * CS_NAGE + (size_t)x, key)) P->q0[s * CS_NAGE + x] = v;
  }
  for (int s = 0; s < CS_NSEX; s++) {
    char list[200];
    if (missing_list(list, sizeof list, seen + s * CS_NAGE, CS_NAGE, 1))
      cs_rep_add(r, t->disp, 1, 1, "missing rows for sex '%s' ages %s (expected every age 0..%d)",
                 sex_names[s], list, CS_XMAX);
  }
}

void cs_fill_fertility(cs_plan *P, cs_rep *r, const cs_csv *t) {
  P->fert = cs_arena_calloc(&P->arena, CS_NAGE, sizeof *P->fert);
  int32_t seen[CS_NAGE] = {0};
  if (!P->fert) return;
  for (size_t i = 0; i < t->nrow; i++) {
    int x = 0;
    double v = 0;
    int bad = c_age(r, t, i, 0, &x);
    bad |= c_nonneg(r, t, i, 1, &v);
    if (bad) continue;
    char key[32];
    snprintf(key, sizeof key, "age %d", x);
    if (!dup(r, t, i, seen, (size_t)x, key)) P->fert[x] = v;
  }
}

/* ---- states ---- */

static void check_share_sums(cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  int K = P->nstate;
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x < CS_NAGE; x++) {
      size_t b = ((size_t)s * CS_NAGE + (size_t)x) * (size_t)K;
      double sum = 0;
      int all = 1, first = 0;
      for (int k = 0; k < K; k++) {
        all &= seen[b + (size_t)k] != 0;
        if (seen[b + (size_t)k] && (!first || seen[b + (size_t)k] < first)) first = seen[b + (size_t)k];
        sum += P->share0[b + (size_t)k];
      }
      if (all && fabs(sum - 1) > 1e-6)
        cs_rep_add(r, t->disp, first, 1, "shares for sex '%s', age %d sum to %.9g (expected 1 "
                   "within 1e-6)", sex_names[s], x, sum);
    }
}

static void report_missing_shares(cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  for (int s = 0; s < CS_NSEX; s++)
    for (int k = 0; k < P->nstate; k++) {
      char list[200];
      const int32_t *base = seen + (size_t)s * CS_NAGE * (size_t)P->nstate + (size_t)k;
      if (missing_list(list, sizeof list, base, CS_NAGE, (size_t)P->nstate))
        cs_rep_add(r, t->disp, 1, 1, "missing rows for sex '%s' state '%s' ages %s (expected "
                   "every sex, age and state)", sex_names[s], P->states[k].id, list);
    }
}

static void fill_shares(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t) {
  const idx X = *Xp;
  size_t n = (size_t)CS_NSEX * CS_NAGE * (size_t)P->nstate;
  int32_t *seen = scratch(n, sizeof *seen);
  if (!P->share0 || !seen) { free(seen); return; }
  for (size_t i = 0; i < t->nrow; i++) {
    int s = 0, x = 0, k = 0;
    double v = 0;
    int bad = c_sex(r, t, i, 0, &s);
    bad |= c_age(r, t, i, 1, &x);
    bad |= c_state(&X, r, t, i, 2, &k);
    bad |= c_prob(r, t, i, 3, &v);
    if (bad) continue;
    size_t ix = ((size_t)s * CS_NAGE + (size_t)x) * (size_t)P->nstate + (size_t)k;
    char key[160];
    snprintf(key, sizeof key, "sex '%s', age %d, state '%s'", sex_names[s], x, P->states[k].id);
    if (!dup(r, t, i, seen, ix, key)) P->share0[ix] = v;
  }
  report_missing_shares(P, r, t, seen);
  check_share_sums(P, r, t, seen);
  free(seen);
}

void cs_fill_shares(cs_plan *P, cs_rep *r, const cs_csv *t) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_shares(&X, P, r, t);
  idx_free(&X);
}

/* first[] holds the first line of each (sex, age, from) row group. */
static void check_trans_sums(cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *first) {
  int K = P->nstate;
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x < CS_NAGE; x++)
      for (int k = 0; k < K; k++) {
        size_t row = (((size_t)s * CS_NAGE + (size_t)x) * (size_t)K + (size_t)k);
        double sum = 0;
        for (int l = 0; l < K; l++) sum += P->trans[row * (size_t)K + (size_t)l];
        if (sum > 1 + 1e-9)
          cs_rep_add(r, t->disp, first[row], 1, "transition probabilities for sex '%s', age %d, "
                     "from '%s' sum to %.9g (expected at most 1)", sex_names[s], x,
                     P->states[k].id, sum);
      }
}

static void fill_transitions(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t) {
  const idx X = *Xp;
  int K = P->nstate;
  size_t n = (size_t)CS_NSEX * CS_NAGE * (size_t)K * (size_t)K;
  int32_t *seen = scratch(n, sizeof *seen), *first = scratch(n / (size_t)K, sizeof *first);
  if (!P->trans || !seen || !first) { free(seen); free(first); return; }
  for (size_t i = 0; i < t->nrow; i++) {
    int s = 0, x = 0, k = 0, l = 0;
    double v = 0;
    int bad = c_sex(r, t, i, 0, &s);
    bad |= c_age(r, t, i, 1, &x);
    bad |= c_state(&X, r, t, i, 2, &k);
    bad |= c_state(&X, r, t, i, 3, &l);
    bad |= c_prob(r, t, i, 4, &v);
    if (bad) continue;
    size_t grp = ((size_t)s * CS_NAGE + (size_t)x) * (size_t)K + (size_t)k;
    char key[200];
    snprintf(key, sizeof key, "sex '%s', age %d, from '%s', to '%s'", sex_names[s], x,
             P->states[k].id, P->states[l].id);
    if (dup(r, t, i, seen, grp * (size_t)K + (size_t)l, key)) continue;
    if (!first[grp]) first[grp] = rline(t, i);
    if (k != l) P->trans[grp * (size_t)K + (size_t)l] = v; /* stay rows are implied (MODEL 2.3) */
  }
  check_trans_sums(P, r, t, first);
  free(seen);
  free(first);
}

void cs_fill_transitions(cs_plan *P, cs_rep *r, const cs_csv *t) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_transitions(&X, P, r, t);
  idx_free(&X);
}

/* ---- workforce ---- */

int cs_workforce_groups(cs_plan *P, const cs_csv *t, const char **groups) {
  cs_idmap gm;
  if (cs_idmap_init(&gm, groups, sizeof *groups, 0, (int)t->nrow)) return 0;
  for (size_t i = 0; i < t->nrow; i++) {
    const char *g = cs_cell(t, i, 0);
    if (!*g || cs_idmap_find(&gm, g) >= 0) continue;
    groups[gm.n] = cs_arena_strdup(&P->arena, g);
    if (!groups[gm.n]) break;
    cs_idmap_add(&gm);
  }
  cs_idmap_free(&gm);
  return gm.n;
}

static void fill_workforce(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t) {
  const idx X = *Xp;
  for (size_t i = 0; i < t->nrow; i++) {
    int g = 0, sub = 0;
    double fte = 0, ret = 0, out = 0, in = 0;
    int bad = 0;
    if (!*cs_cell(t, i, 0)) { cerr(r, t, i, 0, "group is empty (expected a name)"); bad = 1; }
    bad |= c_id(r, t, i, 1, "subregion", &X.sub, &sub);
    bad |= c_nonneg(r, t, i, 2, &fte);
    bad |= c_prob(r, t, i, 3, &ret);
    bad |= c_prob(r, t, i, 4, &out);
    bad |= c_nonneg(r, t, i, 5, &in);
    if (bad) continue;
    g = cs_idmap_find(&X.group, cs_cell(t, i, 0));
    if (g < 0) continue; /* every named group was collected by cs_workforce_groups */
    cs_wf_row *w = &P->wf[(size_t)sub * (size_t)P->ngroup + (size_t)g];
    if (w->present) {
      cs_rep_add(r, t->disp, rline(t, i), 1, "duplicate row for group '%s', subregion '%s'",
                 P->groups[g], P->subs[sub]);
      continue;
    }
    *w = (cs_wf_row){1, fte, ret, out, in};
  }
}

void cs_fill_workforce(cs_plan *P, cs_rep *r, const cs_csv *t) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_workforce(&X, P, r, t);
  idx_free(&X);
}

/* ---- use and end-of-life use ---- */

static int band(cs_rep *r, const cs_csv *t, size_t i, int *lo, int *hi) {
  int bad = c_age(r, t, i, 3, lo);
  bad |= c_age(r, t, i, 4, hi);
  if (!bad && *lo > *hi) {
    cerr(r, t, i, 4, "age_to '%d' is below age_from '%d' (expected age_from <= age_to)", *hi, *lo);
    bad = 1;
  }
  return bad;
}

static void fill_use(const idx *Xp, cs_plan *P, cs_rep *r, const cs_csv *t, double *dst) {
  const idx X = *Xp;
  size_t n = (size_t)P->nsector * (size_t)P->nstate * CS_NSEX * CS_NAGE;
  int32_t *seen = scratch(n, sizeof *seen);
  if (!dst || !seen) { free(seen); return; }
  for (size_t i = 0; i < t->nrow; i++) {
    int c = 0, k = 0, s = 0, lo = 0, hi = 0;
    double v = 0;
    int bad = c_id(r, t, i, 0, "sector", &X.sector, &c);
    bad |= c_state(&X, r, t, i, 1, &k);
    bad |= c_sex(r, t, i, 2, &s);
    bad |= band(r, t, i, &lo, &hi);
    bad |= c_nonneg(r, t, i, 5, &v);
    if (bad) continue;
    size_t b = (((size_t)c * (size_t)P->nstate + (size_t)k) * CS_NSEX + (size_t)s) * CS_NAGE;
    int x = lo;
    while (x <= hi && !seen[b + (size_t)x]) x++;
    if (x <= hi) {
      cs_rep_add(r, t->disp, rline(t, i), 1, "age band %d-%d for sector '%s', state '%s', sex "
                 "'%s' overlaps the row at line %d (expected bands that do not overlap)", lo, hi,
                 P->sectors[c].id, P->states[k].id, sex_names[s], (int)seen[b + (size_t)x]);
      continue;
    }
    for (x = lo; x <= hi; x++) {
      seen[b + (size_t)x] = rline(t, i);
      dst[b + (size_t)x] = v;
    }
  }
  free(seen);
}

void cs_fill_use(cs_plan *P, cs_rep *r, const cs_csv *t, double *dst) {
  idx X;
  if (idx_init(P, r, t, &X)) return;
  fill_use(&X, P, r, t, dst);
  idx_free(&X);
}
