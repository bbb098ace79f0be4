/* monitoring.h (private to report/): the monitoring of a run (monitoring.c) and its charts
 * and section of the page (monitoring_page.c). The opaque handle and what serve uses are in
 * report.h. */
#ifndef CS_REPORT_MONITORING_H
#define CS_REPORT_MONITORING_H

#include "careshift_monitor.h"
#include "chartkit.h"
#include "monitor/monitor.h"

enum { CS_RMON_PLAN_SAME, CS_RMON_PLAN_CHANGED, CS_RMON_PLAN_MISSING, CS_RMON_PLAN_UNKNOWN };

struct cs_rmon {
  cs_arena ar;     /* owns the strings and the rows below */
  cs_plan *plan;   /* the plan run_info names; NULL when it cannot be read */
  cs_monitor *mon; /* the comparison; NULL without the plan: then own[] */
  cs_monitor_row *own;
  size_t nrow;
  int plan_state;                             /* CS_RMON_PLAN_* */
  const char *plan_path, *run_sum, *plan_sum; /* plan_sum NULL without the plan */
  int run_draws, band_draws; /* the run's PSA draws; those the band was made from (0: none) */
  const char **warn;         /* the comparison's warnings, without "warning: " */
  size_t nwarn;
  int reforecast_from; /* the run is a re-forecast from this year (run_info); 0: it is not */
};

/* Whether the band used is wider than the PSA band (a side widened to planned -/+ 5 %). */
int cs_rmon_widened(const cs_monitor_row *w);
/* "participants:acp" as the report names it ("Participants acp", "Deelnemers acp"), and its
 * unit. */
void cs_rmon_indicator_label(const cs_rdata *r, const char *ind, char *b, size_t n, char *unit,
                             size_t un);
/* The plan's name of the intervention of a participants indicator; NULL for another
 * indicator, or without the plan. */
const char *cs_rmon_iv_name(const cs_rmon *m, const char *indicator);

size_t cs_rmon_count(const cs_rmon *m);
const cs_monitor_row *cs_rmon_row(const cs_rmon *m, size_t i); /* NULL past the end */
/* The run's plan scenario per year (first_year..last_year; NaN where it has none) of
 * indicator summed over place at level ("region", "subregion", "area"); cs_free it. NULL for an
 * indicator it does not know or out of memory. */
double *cs_rmon_trajectory(const cs_rdata *r, const char *indicator, const char *level,
                           const char *place);
/* A status code as words ("off_track": "off track", "uit koers"); "" (no status) too. */
const char *cs_rmon_status_label(const char *status, int nl);
/* One paragraph on the band and the plan it needs, in the language. */
void cs_rmon_note(const cs_rmon *m, int nl, char *b, size_t n);
/* What the status table's "of the plan's effect" means and how its marks read, in the language. */
const char *cs_rmon_effect_note(int nl);

#endif
