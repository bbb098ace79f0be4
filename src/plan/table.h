/* table.h: CSV tables (libcsv) with the line and column of every field, id look-ups that
 * report unknown ids with a did-you-mean, and the plan's table loaders (plan_check.c), which
 * turn checked rows into the flat arrays of struct cs_plan. */
#ifndef CS_TABLE_H
#define CS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "yamlq.h"

typedef struct {
  const char *disp;          /* path as the user sees it */
  int ncol;
  const char *const *names;  /* the header */
  size_t nrow;               /* data rows kept (rows with a wrong field count are dropped) */
  char **cell;               /* [nrow * ncol] */
  int32_t *line, *col;       /* per cell, 1-based */
  size_t cap;
  cs_arena mem;              /* the field strings */
} cs_csv;

/* Reads the CSV file at path (shown as disp) whose header must be exactly cols. A file that
 * cannot be read is reported at wfile:wline:wcol (the YAML node that names it). Bad rows are
 * reported and dropped. Returns 0 when the table can be used (t must then be freed with
 * cs_table_free), -1 when not (nothing to free). */
int cs_table_read(cs_csv *t, cs_rep *r, const char *path, const char *disp,
                  const char *const *cols, int ncol, const char *wfile, int wline, int wcol);
void cs_table_free(cs_csv *t);

static inline const char *cs_cell(const cs_csv *t, size_t row, int c) {
  return t->cell[row * (size_t)t->ncol + (size_t)c];
}

/* Ids live in the first member of cs_area, cs_state, cs_payer, cs_sector and in plain string
 * arrays, so one look-up with a stride serves them all. */
int cs_id_find(const void *base, size_t stride, int n, const char *id);
void cs_id_unknown(cs_rep *r, const char *file, int line, int col, const char *what,
                   const char *id, const void *base, size_t stride, int n);

/* A hash index over such ids, so a table of millions of rows looks each id up in O(1). */
typedef struct {
  const void *base;
  size_t stride;
  int n;
  int32_t *slot; /* index + 1, 0 = empty */
  size_t mask;
} cs_idmap;

/* Indexes the n ids at base (room for cap); returns -1 when out of memory. */
int cs_idmap_init(cs_idmap *m, const void *base, size_t stride, int n, int cap);
/* Adds entry n (already written at base) and counts it. */
void cs_idmap_add(cs_idmap *m);
int cs_idmap_find(const cs_idmap *m, const char *id);
void cs_idmap_free(cs_idmap *m);

/* ---- plan tables (plan_check.c) ---- */
struct cs_plan;
/* areas.csv: sets areas, subregions (order of first appearance). Returns 0 when usable. */
int cs_fill_areas(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_population(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_mortality(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_fertility(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_migration(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_projection(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_shares(struct cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_transitions(struct cs_plan *P, cs_rep *r, const cs_csv *t);
/* Workforce groups in order of first appearance; returns how many (groups has room for
 * t->nrow entries). */
int cs_workforce_groups(struct cs_plan *P, const cs_csv *t, const char **groups);
void cs_fill_workforce(struct cs_plan *P, cs_rep *r, const cs_csv *t);
/* use.csv or eol.csv into dst [nsector][nstate][CS_NSEX][CS_NAGE]. */
void cs_fill_use(struct cs_plan *P, cs_rep *r, const cs_csv *t, double *dst);

#endif
