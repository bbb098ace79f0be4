/* dist_parse.h: a plan number or distribution read from its YAML node, with every problem
 * reported at its line and column. Private to the loader: it is what needs libyaml. */
#ifndef CS_DIST_PARSE_H
#define CS_DIST_PARSE_H

#include "dist.h"
#include "yamlq.h"

/* Parses a plain number, {fixed: v} or {dist: KIND, ...} into out (label is not touched).
 * {neg: X} and $name are the plan loader's business. Returns 0 on success, -1 after
 * reporting every problem found. */
int cs_dist_parse(cs_yq *q, cs_ynode *n, const char *what, cs_dist *out);

#endif
