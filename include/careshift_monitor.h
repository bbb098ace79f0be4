/* careshift_monitor.h: monitoring a plan against what was realised (docs/monitoring.md).
 *
 * Actuals (realised participants, care units, costs, staff, population per area, subregion or
 * region and year) are imported from a CSV file into the `actuals` table of a run's
 * results.db, and compared with what the run planned: milestone by milestone and indicator by
 * indicator, with the PSA band when the run has draws, each given a status (ahead, on track,
 * behind, off track). Ownership and errors follow careshift.h: the caller frees what a
 * cs_monitor_* function hands out with the matching free function (NULL is fine); errors are a
 * cs_status with every problem in a cs_diags list; nothing exits or prints. */
#ifndef CARESHIFT_MONITOR_H
#define CARESHIFT_MONITOR_H

#include "careshift.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- import: ACTUALS.csv into results.db ---- */
typedef struct {
  int replace;         /* 1: a different value for a key already imported replaces it */
  int64_t imported_at; /* seconds since 1970-01-01 UTC, stored with the rows (imported_at) */
} cs_monitor_import_options;

typedef struct {
  int64_t rows;      /* data rows in the file */
  int64_t added;     /* keys new to the database */
  int64_t replaced;  /* keys whose value (or source) changed, with replace */
  int64_t unchanged; /* keys already there with the same value: left as they were */
  char sha256[65];   /* the file's SHA-256, lower-case hex */
} cs_monitor_import_result;

/* Reads the actuals file csv_path (indicator,area_or_subregion,year,value[,source]; docs/
 * monitoring.md), checks every row against plan, and stores the rows in the `actuals` table of
 * db_path (a results.db of `careshift run` of this plan) in one transaction. When the file has
 * any problem, or a value differs from one already imported for the same key and
 * opt->replace is 0, nothing is written (CS_EINVAL, every problem in diags as
 * FILE:LINE:COLUMN: message): the database keeps its bytes. Importing the same file again
 * changes nothing. Under the run directory's lock when db_path is in one (a `careshift run`
 * into the directory waits for no one: it fails at once, and vice versa). A plan other than
 * the one the run was made from is a warning in diags (": warning: "), not an error.
 * res (may be NULL) says what was done. */
CS_API cs_status cs_monitor_import(const cs_plan *plan, const char *csv_path, const char *db_path,
                                   const cs_monitor_import_options *opt,
                                   cs_monitor_import_result *res, cs_diags *diags);

/* ---- status: realised against planned ---- */
typedef struct cs_monitor cs_monitor;

typedef struct {
  int year;    /* only this year (0: every year with actuals or milestones) */
  int threads; /* threads to recompute the PSA draws for the band; 0 = one per online CPU */
  const volatile sig_atomic_t *cancel; /* when set, stops with CS_ECANCELED; may be NULL */
} cs_monitor_status_options;

CS_API void cs_monitor_status_options_init(cs_monitor_status_options *o);

/* A row of the comparison (monitoring.csv, docs/outputs.md). Numbers without a value are NaN.
 * Strings belong to the cs_monitor. */
typedef struct {
  int year;
  const char *indicator; /* "participants:acp", "population", ... */
  const char *level;     /* "area", "subregion" or "region" */
  const char *place;     /* the area's id, the subregion's name, or "region" */
  const char *name;      /* the area's name, the subregion's name, or "" for the region */
  const char *subregion; /* the subregion of an area or the subregion itself; "" for region */
  const char *direction; /* "higher", "lower" (is better) or "neutral" */
  double target;         /* the plan's milestone for this indicator, region and year, or NaN */
  double planned;        /* the run's plan scenario (draw 0), summed to the level */
  double low, high;      /* the PSA 95 % band (2.5 and 97.5 percentiles), or NaN */
  double realised;       /* NaN when nothing was realised (a milestone without actuals) */
  double difference;     /* realised - planned */
  double difference_pct; /* 100 * difference / planned; NaN when planned is 0 */
  const char *status;    /* ahead, on_track, behind, off_track, differs, no_actuals */
  const char *from;      /* "actual", "areas" or "subregions" (summed), "" without realised */
  const char *source;    /* the actual's source column; "" when summed or absent */
  /* Added after the fields above, which keep their order. */
  /* The band the status was judged against: low and high, where they lie closer to planned
   * than 5 % of it, widened to planned -/+ 5 % (docs/monitoring.md, "Status"). A realised
   * value outside it is ahead, off track or differs; inside it, on track or behind. NaN
   * without a PSA band. */
  double band_used_low, band_used_high;
  /* A milestone row: "yes" when realised meets target (>= for a "higher" indicator, <= for
   * "lower"), "no" when it does not; "" for a row without a milestone, without a realised
   * value, or of a "neutral" indicator. The status is still against planned and its band. */
  const char *milestone_met;
  /* Added after milestone_met; the fields above keep their order. */
  /* The run's baseline scenario (draw 0, without the plan), summed to the row's place as
   * planned is; 0 for participants (the baseline has no interventions); NaN when the run has
   * no such value. */
  double baseline;
  /* The share of the plan's change that was realised: (baseline - realised) / (baseline -
   * planned). 1 as planned, 0 none of it, < 0 the other way (realised beyond the baseline),
   * > 1 more than planned. NaN without realised, planned or baseline, or where the plan does
   * not move the value (|baseline - planned| <= 1e-9 |baseline|). For participants it is
   * realised / planned. A realised value within 1e-9 |baseline| of the baseline gives 0. The
   * status is about the level; this is about the plan's change
   * (docs/monitoring.md, "Of the plan's effect"). */
  double effect_realised;
} cs_monitor_row;

/* Compares the actuals in db_path with the plan's run there. On success *out holds the rows
 * (sorted by year, indicator, then region, each subregion and its areas); diags may hold
 * warnings (a band that could not be computed, milestones of unknown indicators). */
CS_API cs_status cs_monitor_status(const cs_plan *plan, const char *db_path,
                                   const cs_monitor_status_options *opt, cs_monitor **out,
                                   cs_diags *diags);
CS_API void cs_monitor_free(cs_monitor *m);
CS_API size_t cs_monitor_row_count(const cs_monitor *m);
CS_API const cs_monitor_row *cs_monitor_row_at(const cs_monitor *m, size_t i); /* NULL past end */
/* The PSA draws the band was computed from (0: no band: the run has no draws, or see diags). */
CS_API int cs_monitor_draws(const cs_monitor *m);
/* The year a re-forecast run (`careshift run --actuals DB --from-year Y`) starts from, Y, or 0
 * when db_path's run is no re-forecast. From Y on such a run's planned values were fitted to
 * the actuals of Y (its population and participants of Y match them by construction), so they
 * are not the plan's promises: cs_monitor_status adds a warning, and a report should say so. */
CS_API int cs_monitor_reforecast_from(const cs_monitor *m);

/* The rows as a terminal table in lang ("en", NULL, or "nl"); free with cs_free. */
CS_API cs_status cs_monitor_format(const cs_monitor *m, const char *lang, char **out_text);
/* Whether monitoring.csv may be written to path for a comparison of db_path's run of plan:
 * CS_OK, or CS_EINVAL with the reason in diags when path is the database (or its journal), the
 * plan's file, lies inside the database's run directory (one with .careshift-manifest or
 * run.log: a later `careshift run` would refuse it), or names an existing file that is not a
 * regular file or not a monitoring.csv (its first line is not monitoring.csv's header; an empty
 * file is fine). Files are compared by device and inode, so a symbolic or hard link, or another
 * spelling of the same path, is seen through. CS_EIO when path's directory cannot be resolved. */
CS_API cs_status cs_monitor_check_csv_path(const cs_plan *plan, const char *db_path,
                                           const char *path, cs_diags *diags);
/* Writes the rows as monitoring.csv to path, after cs_monitor_check_csv_path (with the plan and
 * database of the comparison): into a new temporary file in path's directory, flushed to disk,
 * then renamed over path, so path holds the old file or the whole new one, never a part. A
 * symbolic link at path is replaced by the file, not written through. */
CS_API cs_status cs_monitor_write_csv(const cs_monitor *m, const char *path, cs_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
