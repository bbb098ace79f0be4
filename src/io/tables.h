/* tables.h (private to io/): helpers shared by the table descriptors. */
#ifndef CS_IO_TABLES_H
#define CS_IO_TABLES_H

#include "io.h"

#define CS_NCOL(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A key column, and a value column with its unit. */
#define CS_KEY(name, type)                                                                         \
  { name, type, 1, "", 0 }
#define CS_VAL(name, type, unit)                                                                   \
  { name, type, 0, unit, 0 }
/* A value that may be empty by definition (docs/outputs.md says when). */
#define CS_VAL_OPT(name, type, unit)                                                               \
  { name, type, 0, unit, 1 }

/* Row numbers are mixed-radix: the innermost loop of the CSV file is the last digit. Takes
 * the next digit (of radix n) off *i. */
static inline int32_t cs_digit(int64_t *i, int64_t n) {
  int64_t d = *i % n;
  *i /= n;
  return (int32_t)d;
}

/* The state tables hold every scenario; the comparison tables all but the baseline (0). */
static inline int64_t cs_nsc_all(const cs_view *v) { return v->r->nsc; }
static inline int64_t cs_nsc_cmp(const cs_view *v) { return v->r->nsc - 1; }

extern const cs_tabledef cs_tab_demography, cs_tab_care, cs_tab_payers, cs_tab_workforce,
    cs_tab_health, cs_tab_population;
extern const cs_tabledef cs_tab_interventions, cs_tab_implementation, cs_tab_business_case,
    cs_tab_business_case_subregion, cs_tab_wrong_pocket, cs_tab_health_economics, cs_tab_criteria,
    cs_tab_criteria_subregion, cs_tab_staff, cs_tab_shapley, cs_tab_shapley_intervention,
    cs_tab_wrong_pocket_intervention, cs_tab_resources, cs_tab_budget_impact, cs_tab_discount_rates,
    cs_tab_business_case_insurer, cs_tab_intervention_costs, cs_tab_theme_roi, cs_tab_totals,
    cs_tab_intervention_roi;
extern const cs_tabledef cs_tab_psa_draws, cs_tab_psa_summary, cs_tab_psa_probabilities,
    cs_tab_ceac, cs_tab_tornado;
extern const cs_tabledef cs_tab_run_info, cs_tab_inputs;
/* tables_reforecast.c: a re-forecast run's comparison and applied actuals (v0.2) */
extern const cs_tabledef cs_tab_reforecast, cs_tab_reforecast_actuals;
/* tables_plan.c: the plan's own lists (v0.2) */
extern const cs_tabledef cs_tab_areas, cs_tab_sectors, cs_tab_milestones, cs_tab_themes;

#endif
