/* plan_check.h: the checks of the plan's CSV tables (plan_check.c): each cell read as a number,
 * probability, sex, age or id, a bad value reported at the cell's own line and column; rows
 * that repeat a key; and, once a table is filled, missing rows and row sums. */
#ifndef CS_PLAN_CHECK_H
#define CS_PLAN_CHECK_H

#include "plan.h"
#include "table.h"

/* The largest magnitude a number in a CSV table may have (persons, rates, FTE). */
#define CS_MAX_CELL 1e9

extern const char *const cs_sex_names[CS_NSEX]; /* "f", "m" */

/* Reports a problem at cell (row, c). */
void cs_cell_err(cs_rep *r, const cs_csv *t, size_t row, int c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The line a row starts on. */
int cs_row_line(const cs_csv *t, size_t row);

/* Each reads cell (row, c) into its last argument; returns 0, or -1 after reporting. */
int cs_cell_num(cs_rep *r, const cs_csv *t, size_t row, int c, double *v);
int cs_cell_nonneg(cs_rep *r, const cs_csv *t, size_t row, int c, double *v);
int cs_cell_prob(cs_rep *r, const cs_csv *t, size_t row, int c, double *v);
int cs_cell_sex(cs_rep *r, const cs_csv *t, size_t row, int c, int *s);
int cs_cell_int(cs_rep *r, const cs_csv *t, size_t row, int c, int lo, int hi, int *x);
int cs_cell_age(cs_rep *r, const cs_csv *t, size_t row, int c, int *x);
/* An age band in cells c (from) and c + 1 (to), from <= to. */
int cs_cell_age_band(cs_rep *r, const cs_csv *t, size_t row, int c, int *lo, int *hi);
/* An id of m; unknown ids are reported with a did-you-mean. */
int cs_cell_id(cs_rep *r, const cs_csv *t, size_t row, int c, const char *what, const cs_idmap *m,
               int *ix);

/* Reports a row that repeats a key (described by key); seen[] holds the line of the first row
 * with each key. Returns 1 for a repeat, 0 after recording a first. */
int cs_row_dup(cs_rep *r, const cs_csv *t, size_t row, int32_t *seen, size_t i, const char *key);

/* Completeness of a filled table, from its seen[] lines (0 = no row). */
void cs_check_missing_asx(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen);
void cs_check_missing_proj(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen);
void cs_check_missing_sx(cs_rep *r, const cs_csv *t, const int32_t *seen);
void cs_check_missing_shares(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen);
/* Shares of each (sex, age) sum to 1 where every state has a row. */
void cs_check_share_sums(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *seen);
/* Transition rows sum to at most 1; first[] holds the first line of each (sex, age, from). */
void cs_check_trans_sums(const cs_plan *P, cs_rep *r, const cs_csv *t, const int32_t *first);

#endif
