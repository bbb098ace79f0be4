/* monitor.c: the public face of monitoring (include/careshift_monitor.h): options, the rows of
 * a comparison, and its release. Import is import.c; the comparison status.c. */
#include "monitor.h"

void cs_monitor_status_options_init(cs_monitor_status_options *o) {
  if (!o) return;
  o->year = 0;
  o->threads = 0;
  o->cancel = NULL;
}

void cs_monitor_free(cs_monitor *m) {
  if (!m) return;
  cs_free(m->cell);
  cs_arena_release(&m->ar);
  cs_free(m);
}

size_t cs_monitor_row_count(const cs_monitor *m) { return m ? m->ncell : 0; }

const cs_monitor_row *cs_monitor_row_at(const cs_monitor *m, size_t i) {
  return m && i < m->ncell ? &m->row[i] : NULL;
}

int cs_monitor_draws(const cs_monitor *m) { return m ? m->draws : 0; }

int cs_monitor_reforecast_from(const cs_monitor *m) { return m ? m->reforecast_from : 0; }
