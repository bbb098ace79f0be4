/* reforecast_page.h (private to report/): the section of report.html that sets a re-forecast
 * (`careshift run PLAN --actuals DB --from-year Y`, issue 13) against the plan it re-forecasts,
 * from the run's tables reforecast and reforecast_actuals. A run that is no re-forecast has
 * neither, and its page does not change by a byte. */
#ifndef CS_REPORT_REFORECAST_PAGE_H
#define CS_REPORT_REFORECAST_PAGE_H

#include "report.h"

/* 1 when results.db is a re-forecast's (it has the table reforecast). */
int cs_rrf_has(const cs_rdata *r);
/* Appends the section's charts (section "reforecast") to charts; nothing for a run that is no
 * re-forecast. 0, or -1 when out of memory. */
int cs_rrf_add_charts(const cs_rdata *r, json_t *charts);
/* The section numbered n up to its charts, which the caller adds, left open (no </section>);
 * 1 when written, 0 (nothing written) for a run that is no re-forecast. */
int cs_rrf_section(cs_buf *b, const cs_rdata *r, int n);

#endif
