/* plan_tables.h: the plan's CSV tables into its flat arrays (plan_tables.c). Each fill takes a
 * table read by cs_csv_read, checks every row (plan_check.h), skips bad rows and writes the
 * arrays of P that the table holds. An allocation that fails marks r out of memory. */
#ifndef CS_PLAN_TABLES_H
#define CS_PLAN_TABLES_H

#include "plan.h"
#include "table.h"

/* The loader calls every fill through this one shape. */
typedef void cs_fill_fn(cs_plan *P, cs_rep *r, const cs_csv *t);

/* areas.csv: areas and subregions (in order of first appearance). */
void cs_fill_areas(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_population(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_mortality(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_fertility(cs_plan *P, cs_rep *r, const cs_csv *t);
/* Into P->mig, which the loader allocates (0 where the table has no row). */
void cs_fill_migration(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_projection(cs_plan *P, cs_rep *r, const cs_csv *t);
/* Into P->share0 and P->trans, which the loader allocates. */
void cs_fill_shares(cs_plan *P, cs_rep *r, const cs_csv *t);
/* insurers.shares (area,insurer,share): the insurers in order of first appearance, each
 * area's shares summing to 1. */
void cs_fill_insurers(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_transitions(cs_plan *P, cs_rep *r, const cs_csv *t);
/* use.csv into P->use and end_of_life_use.csv into P->eol, which the loader allocates. */
void cs_fill_use(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_eol(cs_plan *P, cs_rep *r, const cs_csv *t);
void cs_fill_area_index(cs_plan *P, cs_rep *r, const cs_csv *t);

/* Workforce groups in order of first appearance; returns how many (groups has room for
 * t->nrow entries). */
int cs_workforce_groups(cs_plan *P, cs_rep *r, const cs_csv *t, const char **groups);
/* Into P->wf, which the loader allocates once the sectors have added their groups. */
void cs_fill_workforce(cs_plan *P, cs_rep *r, const cs_csv *t);

#endif
