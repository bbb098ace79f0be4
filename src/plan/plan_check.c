/* plan_check.c: the checks of the plan's CSV tables: every cell (numbers, ranges, sexes, ages,
 * ids), repeated keys, missing rows and row sums. Each problem is reported at its own line
 * and column, so one run reports every problem of a table; plan_tables.c skips bad rows. */
#include "plan_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cs_sex_names[CS_NSEX] = {"f", "m"};

void cs_cell_err(cs_rep *r, const cs_csv *t, size_t row, int c, const char *fmt, ...) {
  char buf[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  size_t i = row * (size_t)t->ncol + (size_t)c;
  cs_rep_add(r, t->disp, t->line[i], t->col[i], "%s", buf);
}

int cs_row_line(const cs_csv *t, size_t row) { return t->line[row * (size_t)t->ncol]; }

/* ---- cells ---- */

int cs_cell_num(cs_rep *r, const cs_csv *t, size_t row, int c, double *v) {
  const char *s = cs_csv_cell(t, row, c);
  int rc = cs_parse_double(s, v);
  if (rc == -2)
    cs_cell_err(r, t, row, c, "%s " CS_QF " is not a finite number (expected a number)",
                t->names[c], CS_QA(s));
  else if (rc)
    cs_cell_err(r, t, row, c, "%s " CS_QF " is not a number (expected a number)", t->names[c],
                CS_QA(s));
  else if (fabs(*v) > CS_MAX_CELL) {
    /* no table holds more than a country's people in one cell, or rates and FTE near it:
     * such a number is a typo, and would overflow the results instead of being reported */
    cs_cell_err(r, t, row, c,
                "%s " CS_QF " is implausibly large (expected a magnitude of at "
                "most 1e9)",
                t->names[c], CS_QA(s));
    rc = -1;
  }
  return rc ? -1 : 0;
}

int cs_cell_nonneg(cs_rep *r, const cs_csv *t, size_t row, int c, double *v) {
  if (cs_cell_num(r, t, row, c, v)) return -1;
  if (*v >= 0) return 0;
  cs_cell_err(r, t, row, c, "%s " CS_QF " is negative (expected a number >= 0)", t->names[c],
              CS_QA(cs_csv_cell(t, row, c)));
  return -1;
}

int cs_cell_prob(cs_rep *r, const cs_csv *t, size_t row, int c, double *v) {
  if (cs_cell_num(r, t, row, c, v)) return -1;
  if (*v >= 0 && *v <= 1) return 0;
  cs_cell_err(r, t, row, c, "%s " CS_QF " is outside [0, 1] (expected a probability)", t->names[c],
              CS_QA(cs_csv_cell(t, row, c)));
  return -1;
}

int cs_cell_sex(cs_rep *r, const cs_csv *t, size_t row, int c, int *s) {
  const char *v = cs_csv_cell(t, row, c);
  for (int i = 0; i < CS_NSEX; i++)
    if (!strcmp(v, cs_sex_names[i])) {
      *s = i;
      return 0;
    }
  cs_cell_err(r, t, row, c, "sex " CS_QF " is not valid (expected 'f' or 'm')", CS_QA(v));
  return -1;
}

int cs_cell_int(cs_rep *r, const cs_csv *t, size_t row, int c, int lo, int hi, int *x) {
  double v;
  if (cs_cell_num(r, t, row, c, &v)) return -1;
  if (v != floor(v) || v < lo || v > hi) {
    cs_cell_err(r, t, row, c, "%s " CS_QF " is not valid (expected an integer in %d..%d)",
                t->names[c], CS_QA(cs_csv_cell(t, row, c)), lo, hi);
    return -1;
  }
  *x = (int)v;
  return 0;
}

int cs_cell_age(cs_rep *r, const cs_csv *t, size_t row, int c, int *x) {
  return cs_cell_int(r, t, row, c, 0, CS_XMAX, x);
}

int cs_cell_age_band(cs_rep *r, const cs_csv *t, size_t row, int c, int *lo, int *hi) {
  int bad = cs_cell_age(r, t, row, c, lo);
  bad |= cs_cell_age(r, t, row, c + 1, hi);
  if (!bad && *lo > *hi) {
    cs_cell_err(r, t, row, c + 1,
                "age_to '%d' is below age_from '%d' (expected age_from <= "
                "age_to)",
                *hi, *lo);
    bad = 1;
  }
  return bad;
}

int cs_cell_id(cs_rep *r, const cs_csv *t, size_t row, int c, const char *what, const cs_idmap *m,
               int *ix) {
  const char *v = cs_csv_cell(t, row, c);
  *ix = cs_idmap_find(m, v);
  if (*ix >= 0) return 0;
  size_t i = row * (size_t)t->ncol + (size_t)c;
  cs_id_unknown(r, t->disp, t->line[i], t->col[i], what, v, m->base, m->stride, m->n);
  return -1;
}

/* ---- rows ---- */

int cs_row_dup(cs_rep *r, const cs_csv *t, size_t row, int32_t *seen, size_t i, const char *key) {
  if (!seen[i]) {
    seen[i] = cs_row_line(t, row);
    return 0;
  }
  cs_rep_add(r, t->disp, cs_row_line(t, row), 1, "duplicate row for %s (first at line %d)", key,
             abs((int)seen[i])); /* negative: a row there with a bad value */
  return 1;
}

/* "0-4, 7, 90-100" for the indices where seen[i*stride] is 0; returns how many. */
static int missing_list(char *buf, size_t sz, const int32_t *seen, int n, size_t stride) {
  int count = 0;
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    if (seen[(size_t)i * stride]) continue;
    int j = i;
    while (j + 1 < n && !seen[(size_t)(j + 1) * stride])
      j++;
    size_t l = strlen(buf);
    if (l + 24 < sz) {
      if (j > i)
        snprintf(buf + l, sz - l, "%s%d-%d", count ? ", " : "", i, j);
      else
        snprintf(buf + l, sz - l, "%s%d", count ? ", " : "", i);
    }
    count += j - i + 1;
    i = j;
  }
  return count;
}

void cs_check_missing_asx(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  for (int a = 0; a < P->narea; a++)
    for (int s = 0; s < CS_NSEX; s++) {
      char list[200];
      if (missing_list(list, sizeof list, seen + cs_ix_asx(a, s, 0), CS_NAGE, 1))
        cs_rep_add(r, t->disp, 1, 1,
                   "missing rows for area '%s' sex '%s' ages %s (expected "
                   "every age 0..%d)",
                   P->areas[a].id, cs_sex_names[s], list, CS_XMAX);
    }
}

void cs_check_missing_proj(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  int ny = P->nyear - 1, shown = 0, more = 0;
  for (int a = 0; a < P->narea; a++)
    for (int s = 0; s < CS_NSEX; s++)
      for (int y = 0; y < ny; y++) {
        char list[200];
        const int32_t *base = seen + cs_ix_asx(a, s, 0) * (size_t)ny + (size_t)y;
        if (!missing_list(list, sizeof list, base, CS_NAGE, (size_t)ny)) continue;
        if (shown++ >= 20) {
          more++;
          continue;
        }
        cs_rep_add(r, t->disp, 1, 1,
                   "missing rows for area '%s' sex '%s' year %d ages %s "
                   "(expected every age 0..%d for every year %d..%d)",
                   P->areas[a].id, cs_sex_names[s], P->T0 + 1 + y, list, CS_XMAX, P->T0 + 1, P->T1);
      }
  if (more)
    cs_rep_add(r, t->disp, 1, 1, "missing rows for %d more (area, sex, year) combinations", more);
}

void cs_check_missing_sx(cs_rep *r, const cs_csv *t, const int32_t *seen) {
  for (int s = 0; s < CS_NSEX; s++) {
    char list[200];
    if (missing_list(list, sizeof list, seen + s * CS_NAGE, CS_NAGE, 1))
      cs_rep_add(r, t->disp, 1, 1, "missing rows for sex '%s' ages %s (expected every age 0..%d)",
                 cs_sex_names[s], list, CS_XMAX);
  }
}

void cs_check_missing_shares(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  for (int s = 0; s < CS_NSEX; s++)
    for (int k = 0; k < P->nstate; k++) {
      char list[200];
      const int32_t *base = seen + (size_t)s * CS_NAGE * (size_t)P->nstate + (size_t)k;
      if (missing_list(list, sizeof list, base, CS_NAGE, (size_t)P->nstate))
        cs_rep_add(r, t->disp, 1, 1,
                   "missing rows for sex '%s' state '%s' ages %s (expected "
                   "every sex, age and state)",
                   cs_sex_names[s], P->states[k].id, list);
    }
}

/* ---- sums ---- */

void cs_check_share_sums(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen) {
  int K = P->nstate;
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x < CS_NAGE; x++) {
      size_t b = ((size_t)s * CS_NAGE + (size_t)x) * (size_t)K;
      double sum = 0;
      int all = 1, first = 0;
      for (int k = 0; k < K; k++) {
        int32_t line = seen[b + (size_t)k];
        all &= line > 0; /* a row with a bad share (negative) cannot be summed */
        if (line && (!first || line < first)) first = line;
        sum += P->share0[b + (size_t)k];
      }
      if (all && fabs(sum - 1) > 1e-6)
        cs_rep_add(r, t->disp, first, 1,
                   "shares for sex '%s', age %d sum to %.9g (expected 1 "
                   "within 1e-6)",
                   cs_sex_names[s], x, sum);
    }
}

void cs_check_trans_sums(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *first) {
  int K = P->nstate;
  for (int s = 0; s < CS_NSEX; s++)
    for (int x = 0; x < CS_NAGE; x++)
      for (int k = 0; k < K; k++) {
        size_t row = (((size_t)s * CS_NAGE + (size_t)x) * (size_t)K + (size_t)k);
        double sum = 0;
        for (int l = 0; l < K; l++)
          sum += P->trans[row * (size_t)K + (size_t)l];
        if (sum > 1 + 1e-9)
          cs_rep_add(r, t->disp, first[row], 1,
                     "transition probabilities for sex '%s', age %d, "
                     "from '%s' sum to %.9g (expected at most 1)",
                     cs_sex_names[s], x, P->states[k].id, sum);
      }
}
