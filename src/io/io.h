/* output.h: the one table writer. A table is begun with its columns, fed rows, and ended;
 * every sink (CSV file, SQLite database) receives the same rows, so the formats can never
 * disagree. Files are written under a temporary name and renamed when complete. */
#ifndef CS_OUTPUT_H
#define CS_OUTPUT_H

#include "careshift.h"
#include <stdint.h>

typedef enum { CS_COL_TEXT, CS_COL_INT, CS_COL_REAL } cs_coltype;

typedef struct {
  int null;          /* empty cell (CSV) / NULL (SQLite) */
  const char *s;     /* CS_COL_TEXT */
  int64_t i;         /* CS_COL_INT */
  double d;          /* CS_COL_REAL; NaN is written as empty */
} cs_val;

typedef struct cs_sink cs_sink;
struct cs_sink {
  cs_status (*begin)(cs_sink *, const char *table, int ncol, const char *const *cols,
                     const cs_coltype *types);
  cs_status (*row)(cs_sink *, const cs_val *vals);
  cs_status (*end)(cs_sink *);
  /* Two-phase end of a run, so that the outputs change all together or not at all:
   * prepare makes everything durable under temporary names (may fail); finish then renames
   * it all into place (commit) or removes it, and frees the sink. */
  cs_status (*prepare)(cs_sink *);
  cs_status (*finish)(cs_sink *, int commit);
};

/* Fans one table out to several sinks. */
typedef struct {
  cs_sink *sinks[4];
  int nsink;
  int ncol;
  const cs_coltype *types;
  cs_status st;      /* first error; later calls do nothing */
  cs_diags *diags;
} cs_tw;

void cs_tw_begin(cs_tw *tw, const char *table, int ncol, const char *const *cols,
                 const cs_coltype *types);
void cs_tw_row(cs_tw *tw, const cs_val *vals);
void cs_tw_end(cs_tw *tw);

/* Sinks. dir must exist. On failure they return NULL and add a diagnostic. */
cs_sink *cs_sink_csv_new(const char *dir, cs_diags *d);
/* Adds a text file (run.log) to a CSV sink's files: written and synced now, renamed with the
 * tables at commit. */
cs_status cs_sink_csv_add_text(cs_sink *csv, const char *name, const char *text, size_t len);
cs_sink *cs_sink_sqlite_new(const char *dir, cs_diags *d);
/* business_case.xlsx: one worksheet per summary table (output_xlsx.c). */
cs_sink *cs_sink_xlsx_new(const char *dir, cs_diags *d);

/* The final and the temporary (NAME.tmp.PID) path of an output file; both malloc'd. */
cs_status cs_out_paths(const char *dir, const char *name, char **fin, char **tmp);
/* Renames a prepared temporary file into place (commit) or removes it. */
cs_status cs_out_finish(const char *tmp, const char *fin, int commit, cs_diags *d);
/* fsyncs a closed file by name; errors are reported under the name shown. */
cs_status cs_sync_file(const char *path, const char *shown, cs_diags *d);
/* fsyncs a directory, so renames into it survive a power loss. */
cs_status cs_sync_dir(const char *dir, cs_diags *d);
/* Creates dir and its parents if needed. */
cs_status cs_mkdir_p(const char *dir, cs_diags *d);

/* Helpers for building rows. */
static inline cs_val cs_vs(const char *s) { cs_val v = {0}; v.s = s; v.null = s == NULL; return v; }
static inline cs_val cs_vi(int64_t i) { cs_val v = {0}; v.i = i; return v; }
/* NaN and infinities are written as empty cells: no reader parses them the same way. */
static inline cs_val cs_vd(double d) {
  cs_val v = {0};
  v.d = d;
  v.null = !(d - d == 0.0);
  return v;
}
static inline cs_val cs_vnull(void) { cs_val v = {0}; v.null = 1; return v; }

#endif
