/* output_xlsx.c: the business case as a workbook, the format analysts open: one worksheet per
 * summary table (the per-area tables are too large for a spreadsheet and stay in CSV and
 * SQLite). Same rows as the CSV files, through the same table writer; written to a temporary
 * name and renamed only when the whole run was written. */
#include "io.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct {
  cs_sink base;
  lxw_workbook *wb;
  lxw_worksheet *ws; /* NULL while a table that is not in the workbook streams by */
  lxw_format *head;
  char *tmp, *fin;
  const cs_tabledef *t;
  lxw_row_t row;
  cs_diags *d;
  int cut;
} xlsx_sink;

static cs_status x_begin(cs_sink *sk, const cs_tabledef *t) {
  xlsx_sink *x = (xlsx_sink *)sk;
  x->ws = NULL;
  if (!t->in_workbook) return CS_OK; /* the per-area tables are too large for a spreadsheet */
  x->ws = workbook_add_worksheet(x->wb, t->name);
  if (!x->ws) {
    cs_diags_add(x->d, x->fin, 0, 0, "cannot add worksheet '%s'", t->name);
    return CS_EIO;
  }
  x->t = t;
  x->row = 1;
  for (int i = 0; i < t->ncol; i++) {
    worksheet_write_string(x->ws, 0, (lxw_col_t)i, t->cols[i].name, x->head);
    worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, t->cols[i].type == CS_TEXT ? 22 : 16,
                         NULL);
  }
  worksheet_freeze_panes(x->ws, 1, 0);
  return CS_OK;
}

static cs_status x_row(cs_sink *sk, const cs_value *v) {
  xlsx_sink *x = (xlsx_sink *)sk;
  if (!x->ws) return CS_OK;
  if (x->row >= LXW_ROW_MAX) { /* a spreadsheet ends at 1,048,576 rows; the CSV has them all */
    if (!x->cut++)
      cs_diags_add(x->d, x->fin, 0, 0,
                   "note: a sheet was cut at %u rows; the CSV file has every row",
                   (unsigned)LXW_ROW_MAX);
    return CS_OK;
  }
  for (int i = 0; i < x->t->ncol; i++) {
    if (v[i].null) continue;
    lxw_col_t c = (lxw_col_t)i;
    lxw_error e;
    cs_type ty = x->t->cols[i].type;
    if (ty == CS_TEXT)
      e = worksheet_write_string(x->ws, x->row, c, v[i].s, NULL);
    else
      e = worksheet_write_number(x->ws, x->row, c, ty == CS_INT ? (double)v[i].i : v[i].d, NULL);
    if (e != LXW_NO_ERROR) {
      cs_diags_add(x->d, x->fin, 0, 0, "xlsx: %s", lxw_strerror(e));
      return CS_EIO;
    }
  }
  x->row++;
  return CS_OK;
}

static cs_status x_end(cs_sink *sk) {
  ((xlsx_sink *)sk)->ws = NULL;
  return CS_OK;
}

/* Writes the workbook to its temporary name and syncs it. */
static cs_status x_prepare(cs_sink *sk) {
  xlsx_sink *x = (xlsx_sink *)sk;
  lxw_error e = workbook_close(x->wb); /* writes the file and frees the workbook */
  x->wb = NULL;
  if (e != LXW_NO_ERROR) {
    cs_diags_add(x->d, x->fin, 0, 0, "cannot write: %s", lxw_strerror(e));
    return CS_EIO;
  }
  return cs_sync_file(x->tmp, x->fin, x->d);
}

static cs_status x_finish(cs_sink *sk, int commit) {
  xlsx_sink *x = (xlsx_sink *)sk;
  if (x->wb) { /* not prepared: free the workbook, keep nothing */
    workbook_close(x->wb);
    commit = 0;
  }
  cs_status st = cs_out_finish(x->tmp, x->fin, commit, x->d);
  cs_free(x->tmp);
  cs_free(x->fin);
  cs_free(x);
  return st;
}

/* SOURCE_DATE_EPOCH (reproducible builds) when set and valid, else 1 January of year, UTC. */
static time_t document_time(int32_t year) {
  const char *e = getenv("SOURCE_DATE_EPOCH");
  char *end = NULL;
  long long v = e ? strtoll(e, &end, 10) : -1;
  if (e && *e && end && !*end && v >= 0) return (time_t)v;
  int64_t y = year - 1970, leap = (year - 1969) / 4 - (year - 1901) / 100 + (year - 1601) / 400;
  return (time_t)((y * 365 + leap) * 86400);
}

cs_sink *cs_sink_xlsx_new(const char *dir, int32_t year, cs_diags *d) {
  xlsx_sink *x = cs_calloc(1, sizeof *x);
  if (!x) return NULL;
  x->d = d;
  if (cs_out_paths(dir, "business_case.xlsx", &x->fin, &x->tmp) != CS_OK) goto fail;
  /* Rows are kept in memory (the sheets are the summary tables) rather than streamed to
   * libxlsxwriter's scratch files, whose write errors it does not check: a full disk there
   * gave a shortened sheet with no error. The scratch files of the final packaging go to the
   * system's temporary directory (TMPDIR), unlinked at once. */
  lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
  x->wb = workbook_new_opt(x->tmp, &opt);
  if (!x->wb) {
    cs_diags_add(d, x->fin, 0, 0, "cannot create the workbook");
    goto fail;
  }
  lxw_doc_properties props = {.created = document_time(year)};
  workbook_set_properties(x->wb, &props);
  x->head = workbook_add_format(x->wb);
  if (!x->head) {
    workbook_close(x->wb);
    unlink(x->tmp);
    goto fail;
  }
  format_set_bold(x->head);
  x->base = (cs_sink){x_begin, x_row, x_end, x_prepare, x_finish};
  return &x->base;
fail:
  cs_free(x->fin);
  cs_free(x->tmp);
  cs_free(x);
  return NULL;
}
