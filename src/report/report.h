/* report.h (interface of report/): the report of a run, report.html, and the charts it shows.
 *
 * The report reads a run directory's results.db (read-only), so the same code serves
 * `careshift run` (the private directory, before the swap) and `careshift report DIR` (a run in
 * place). Each chart is a Vega-Lite spec with its data inlined, built in charts.c only, so the
 * dashboard (issue 12) can serve the same specs. */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include "careshift.h"
#include "base/base.h"

#include <jansson.h>
#include <sqlite3.h>

#include <stddef.h>

/* What every chart reads: the run's database and the report's language. */
typedef struct {
  sqlite3 *db;
  int nl;                    /* 1: Dutch labels and numbers (1.234,5); 0: English */
  int short_year, long_year; /* the years of the short- and long-term verdict */
  int years_found;           /* 1: read from the run's data; 0: a guess (no shapley table) */
  int first_year, last_year; /* of the projection */
  int has_psa;               /* psa_probabilities is present */
  char *path; /* results.db's path when cs_rdata_open opened it (its own; NULL: attached) */
} cs_rdata;

/* ---- fmt.c: text in the report's language ---- */
static inline const char *cs_tr(const cs_rdata *r, const char *en, const char *nl) {
  return r->nl ? nl : en;
}
/* v with dec decimals, thousands grouped ("1.234,5" in Dutch, "1,234.5" in English); never an
 * exponent. */
void cs_fmt_num(char *b, size_t n, double v, int dec, int nl);
/* Euros the way a board reads them: "EUR 44,3 mln", "EUR 2,11 mld" (en: "mln", "bn"). */
void cs_fmt_eur(char *b, size_t n, double v, int nl);
/* A share 0..1 as a percentage with dec decimals: "42,5%". */
void cs_fmt_share(char *b, size_t n, double v, int dec, int nl);
/* A stakeholder's or payer's id as the board says it ("total" -> "Totaal"). */
const char *cs_payer_label(const cs_rdata *r, const char *id);
/* A criterion's id as a label ("care_use" -> "Zorggebruik"). */
const char *cs_crit_label(const cs_rdata *r, const char *id);
/* A care sector's, a staff group's and a scenario's id as a label (other ids as they are). */
const char *cs_sector_label(const cs_rdata *r, const char *id);
const char *cs_group_label(const cs_rdata *r, const char *id);
const char *cs_scenario_label(const cs_rdata *r, const char *id);

/* ---- db.c: reading results.db ---- */
/* Opens dir/results.db read-only and fills r; CS_EINVAL (with a diagnostic) when it is not a
 * careshift run's database. */
cs_status cs_rdata_open(cs_rdata *r, const char *dir, int nl, cs_diags *d);
void cs_rdata_close(cs_rdata *r);
/* Fills r over a database the caller opened (and closes: not cs_rdata_close), such as a
 * what-if run's tables in memory; CS_EINVAL when it holds no careshift run. */
cs_status cs_rdata_attach(cs_rdata *r, sqlite3 *db, int nl);
/* A second connection to the file cs_rdata_open opened for r, read-only, for another thread:
 * *out is r with its own connection (cs_rdata_close it; r stays open). CS_EINVAL when r was
 * attached (a what-if's tables in memory), CS_EIO when the file cannot be opened. */
cs_status cs_rdata_twin(const cs_rdata *r, cs_rdata *out);
/* A prepared statement, or NULL when the run has no such table (a run without PSA). */
sqlite3_stmt *cs_rdata_query(const cs_rdata *r, const char *sql);
/* One value of a query with no result columns bound: the first column of its first row. */
double cs_rdata_scalar(const cs_rdata *r, const char *sql, double none);
/* 1 when results.db has the table (population only with --detail, the PSA tables with PSA). */
int cs_rdata_has(const cs_rdata *r, const char *table);
/* Whether the table is there with a row in it (a --no-tornado run writes an empty tornado). */
int cs_rdata_has_rows(const cs_rdata *r, const char *table);

/* ---- charts.c: every chart of the report, in the report's order ----
 * A chart is a JSON object: {"id", "section", "title", "guide", "spec", "table"}; spec is a
 * Vega-Lite spec with its data inlined; table ({"columns": [...], "rows": [[...]]}, the cells
 * formatted for the language) is the same numbers for the "show numbers" toggle. */
json_t *cs_chart_verdict(const cs_rdata *r);
json_t *cs_chart_business_case(const cs_rdata *r);
json_t *cs_chart_wrong_pocket(const cs_rdata *r);
json_t *cs_chart_payers(const cs_rdata *r);
json_t *cs_chart_theme_npv(const cs_rdata *r);
json_t *cs_chart_theme_criteria(const cs_rdata *r);
json_t *cs_chart_participants(const cs_rdata *r);
json_t *cs_chart_pyramid(const cs_rdata *r);
json_t *cs_chart_share75(const cs_rdata *r);
json_t *cs_chart_population(const cs_rdata *r);
json_t *cs_chart_workforce(const cs_rdata *r);
json_t *cs_chart_staff(const cs_rdata *r);
json_t *cs_chart_real_estate(const cs_rdata *r);
json_t *cs_chart_co2(const cs_rdata *r);
json_t *cs_chart_variants_criteria(const cs_rdata *r);
json_t *cs_chart_variants_npv(const cs_rdata *r);
json_t *cs_chart_ceac(const cs_rdata *r);
json_t *cs_chart_tornado(const cs_rdata *r);
json_t *cs_chart_ce_plane(const cs_rdata *r);
/* charts_more.c */
json_t *cs_chart_npv_draws(const cs_rdata *r);
json_t *cs_chart_care_use(const cs_rdata *r);
json_t *cs_chart_care_cost_sector(const cs_rdata *r);
json_t *cs_chart_staff_subregion(const cs_rdata *r);
json_t *cs_chart_tornado_criteria(const cs_rdata *r);
json_t *cs_chart_participants_sub(const cs_rdata *r);
json_t *cs_chart_share75_sub(const cs_rdata *r);
/* A chart that does not apply to the run (no PSA, no --detail, no variants) is json_null(). */
/* All that apply as an array; NULL when out of memory. */
json_t *cs_charts_all(const cs_rdata *r);

/* ---- html.c: the page ---- */
typedef struct {
  char *s;
  size_t len, cap;
  int oom;
} cs_buf;
void cs_buf_put(cs_buf *b, const char *s);
void cs_buf_putn(cs_buf *b, const char *s, size_t n);
void cs_buf_printf(cs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cs_buf_esc(cs_buf *b, const char *s); /* HTML-escaped */
/* The page's <style> element. */
extern const char cs_report_style[];

/* ---- monitoring.c, monitoring_page.c: realised against planned (issue 13) ----
 * The run's actuals compared with its plan by the monitor layer's public API, with the plan
 * that run_info names; the same rows and charts for report.html and GET /api/monitoring. */
typedef struct cs_rmon cs_rmon;
/* 1 when results.db has imported actuals. */
int cs_rmon_has_actuals(const cs_rdata *r);
/* Compares the actuals of dir/results.db (r reads the same database) with the plan; the band
 * from the run's draws on threads threads (0: one per CPU). *out is NULL, CS_OK, when the run
 * has no actuals. A plan that cannot be read is no error: the rows then have no status. */
cs_status cs_rmon_load(const cs_rdata *r, const char *dir, int threads, cs_rmon **out, cs_diags *d);
void cs_rmon_free(cs_rmon *m);
/* The rows (monitoring.csv's columns, numbers as JSON numbers or null) of year (0: all). */
json_t *cs_rmon_rows_json(const cs_rmon *m, int nl, int year);
/* A chart per indicator realised (in year; 0: any), as the charts of charts.c. */
json_t *cs_rmon_charts(const cs_rmon *m, const cs_rdata *r, int year);
/* The answer of GET /api/monitoring: lang, year, plan, note, warnings, rows and charts. */
json_t *cs_rmon_answer(const cs_rmon *m, const cs_rdata *r, int year);
/* The section (numbered n) up to its charts, which the caller adds; left open (no </section>). */
void cs_rmon_section(cs_buf *b, const cs_rmon *m, const cs_rdata *r, int n);

#endif
