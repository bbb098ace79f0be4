/* table.h: CSV tables (libcsv) with the line and column of every field, and id look-ups that
 * report unknown ids with a did-you-mean. What the rows mean is plan_tables.c's business. */
#ifndef CS_TABLE_H
#define CS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "yamlq.h"

/* (Not cs_table: that is the public API's table of a run's results.) */
typedef struct {
  const char *disp; /* path as the user sees it */
  int ncol;
  const char *const *names; /* the header */
  size_t nrow;              /* data rows kept (rows with a wrong field count are dropped) */
  char **cell;              /* [nrow * ncol] */
  int32_t *line, *col;      /* per cell, 1-based */
  size_t cap;
  cs_arena mem; /* the field strings */
} cs_csv;

/* Reads the CSV file at path (shown as disp) whose header must be exactly cols. A file that
 * cannot be read is reported at wfile:wline:wcol (the YAML node that names it). Bad rows are
 * reported and dropped. Returns 0 when the table can be used (t must then be freed with
 * cs_csv_free), -1 when not (nothing to free; r->oom set when memory ran out). */
int cs_csv_read(cs_csv *t, cs_rep *r, const char *path, const char *disp, const char *const *cols,
                int ncol, const char *wfile, int wline, int wcol);
void cs_csv_free(cs_csv *t);

static inline const char *cs_csv_cell(const cs_csv *t, size_t row, int c) {
  return t->cell[row * (size_t)t->ncol + (size_t)c];
}

/* Ids live in the first member of cs_area, cs_state, cs_payer, cs_sector and in plain string
 * arrays, so one look-up with a stride serves them all. */
int cs_id_find(const void *base, size_t stride, int n, const char *id);
void cs_id_unknown(cs_rep *r, const char *file, int line, int col, const char *what, const char *id,
                   const void *base, size_t stride, int n);

/* A hash index over such ids, so a table of millions of rows looks each id up in O(1). */
typedef struct {
  const void *base;
  size_t stride;
  int n;
  int32_t *slot; /* index + 1, 0 = empty */
  size_t mask;
} cs_idmap;

/* Indexes the n ids at base (room for cap). Returns -1 when out of memory (after
 * cs_rep_oom(r)); m then needs no cs_idmap_free (calling it is harmless). */
int cs_idmap_init(cs_idmap *m, cs_rep *r, const void *base, size_t stride, int n, int cap);
/* Adds entry n (already written at base) and counts it. */
void cs_idmap_add(cs_idmap *m);
int cs_idmap_find(const cs_idmap *m, const char *id);
void cs_idmap_free(cs_idmap *m);

#endif
