/* dist.h: making distributions of uncertain plan numbers from what a plan gives: canonical
 * parameters, validation and the deterministic mean (MODEL.md section 9). Quantiles and kind
 * names are in the interface (plan.h); reading them from YAML is dist_parse.h's. */
#ifndef CS_DIST_H
#define CS_DIST_H

#include "plan.h"

/* Computes canonical parameters from what the plan gave and checks them. Returns NULL when
 * valid, else why not. */
const char *cs_dist_fixed(cs_dist *d, double v);
const char *cs_dist_beta_ms(cs_dist *d, double mean, double sd);
const char *cs_dist_beta_ab(cs_dist *d, double alpha, double beta);
const char *cs_dist_gamma_ms(cs_dist *d, double mean, double sd);
const char *cs_dist_lognormal_ms(cs_dist *d, double mean, double sd);
const char *cs_dist_lognormal_log(cs_dist *d, double meanlog, double sdlog);
const char *cs_dist_normal(cs_dist *d, double mean, double sd);
const char *cs_dist_uniform(cs_dist *d, double min, double max);
const char *cs_dist_triangular(cs_dist *d, double min, double mode, double max);
const char *cs_dist_pert(cs_dist *d, double min, double mode, double max);

#endif
