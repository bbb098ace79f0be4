/* dist.h: distributions of uncertain plan numbers: parsing from YAML, canonical parameters,
 * validation, the deterministic mean (MODEL.md section 9) and quantiles for PSA. */
#ifndef CS_DIST_H
#define CS_DIST_H

#include "plan.h"
#include "yamlq.h"

/* Parses a plain number, {fixed: v} or {dist: KIND, ...} into out (label is not touched).
 * {neg: X} and $name are the plan loader's business. Returns 0 on success, -1 after
 * reporting every problem found. */
int cs_dist_parse(cs_yq *q, cs_ynode *n, const char *what, cs_dist *out);

/* Computes canonical parameters from what the plan gave (kind-specific inputs in a, b, c,
 * see cs_dist_make_*) and checks them. Returns NULL when valid, else why not. */
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
