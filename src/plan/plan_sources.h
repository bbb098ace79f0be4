/* plan_sources.h: the plan's inputs (every number and distribution written in the YAML, and
 * every CSV table it reads) with their sources, for inputs.csv (docs/plan-format.md "Sources of
 * numbers"). Private to the loader. */
#ifndef CS_PLAN_SOURCES_H
#define CS_PLAN_SOURCES_H

#include <stddef.h>

#include "plan.h"
#include "yamlq.h"

/* Fills P->inputs, in P's arena, from the loaded plan q (whose numbers were read: cs_yq_was_num),
 * the bytes of its file buf[len] (for the comments libyaml drops) and the tables noted in
 * rep->notes. Call it only for a plan loaded without problems, before q is freed. Reports
 * nothing but running out of memory (rep->oom). */
void cs_plan_sources(cs_plan *P, cs_yq *q, const unsigned char *buf, size_t len, cs_rep *rep);

#endif
