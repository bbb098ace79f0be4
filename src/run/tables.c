/* tables.c: the public results API (careshift.h): the tables of a run, their columns, and
 * cursors over their rows. Rows are produced on demand by the io/ descriptors, the same
 * functions the CSV, SQLite and workbook sinks write from. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

struct cs_cursor {
  const cs_table *t;
  int64_t next; /* row the next cs_cursor_next produces */
  int64_t cur;  /* row in vals; -1 before the first */
  cs_value vals[CS_TABLE_MAX_COLS];
};

cs_status cs_run_tables_init(cs_run *run) {
  const cs_psa *psa = run->has_psa ? &run->psa : NULL;
  cs_status st = CS_OK;
  if (psa) st = cs_psa_stats_compute(psa, &run->ar, &run->ps);
  if (st == CS_OK)
    st = cs_view_init(&run->view, run->pl, &run->r, &run->ec, &run->pm, run->sc, psa,
                      psa ? &run->ps : NULL, &run->shap, &run->ar);
  if (st == CS_OK)
    st = cs_view_run_info(&run->view, psa ? run->opt.draws : 0, run->opt.seed, &run->ar);
  if (st != CS_OK) return st;
  size_t n = cs_tabledef_count();
  run->tables = cs_arena_calloc(&run->ar, n, sizeof *run->tables);
  if (!run->tables) return CS_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    const cs_tabledef *d = cs_tabledef_get(i);
    if (d->ncol > CS_TABLE_MAX_COLS) return CS_EINTERNAL;
    if (!cs_tabledef_present(d, &run->view)) continue;
    run->tables[run->ntables++] = (cs_table){d, &run->view, d->nrows(&run->view)};
  }
  return CS_OK;
}

size_t cs_run_table_count(const cs_run *run) { return run ? run->ntables : 0; }

const cs_table *cs_run_table(const cs_run *run, size_t i) {
  return run && i < run->ntables ? &run->tables[i] : NULL;
}

const cs_table *cs_run_table_find(const cs_run *run, const char *name) {
  for (size_t i = 0; run && name && i < run->ntables; i++)
    if (!strcmp(run->tables[i].def->name, name)) return &run->tables[i];
  return NULL;
}

const char *cs_table_name(const cs_table *t) { return t->def->name; }
const char *cs_table_title(const cs_table *t) { return t->def->title; }
size_t cs_table_column_count(const cs_table *t) { return (size_t)t->def->ncol; }
int64_t cs_table_row_count(const cs_table *t) { return t->nrows; }

const cs_column *cs_table_column(const cs_table *t, size_t i) {
  return i < (size_t)t->def->ncol ? &t->def->cols[i] : NULL;
}

int cs_table_column_index(const cs_table *t, const char *name) {
  for (int i = 0; name && i < t->def->ncol; i++)
    if (!strcmp(t->def->cols[i].name, name)) return i;
  return -1;
}

cs_status cs_cursor_open(const cs_table *t, cs_cursor **out) {
  *out = NULL;
  if (!t) return CS_EINVAL;
  cs_cursor *c = cs_calloc(1, sizeof *c);
  if (!c) return CS_ENOMEM;
  c->t = t;
  c->cur = -1;
  *out = c;
  return CS_OK;
}

int cs_cursor_next(cs_cursor *c) {
  if (c->next >= c->t->nrows) return 0;
  c->cur = c->next++;
  c->t->def->row(c->t->view, c->cur, c->vals);
  return 1;
}

cs_status cs_cursor_seek(cs_cursor *c, int64_t row) {
  if (row < 0 || row > c->t->nrows) return CS_EINVAL;
  c->next = row;
  c->cur = -1; /* no current row until the next cs_cursor_next: never the one before the seek */
  return CS_OK;
}

const cs_value *cs_cursor_row(const cs_cursor *c) { return c->cur >= 0 ? c->vals : NULL; }
int64_t cs_cursor_row_number(const cs_cursor *c) { return c->cur; }
void cs_cursor_free(cs_cursor *c) { cs_free(c); }
