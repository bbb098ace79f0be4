/* schema.h: the plan loader's state and the helpers all its parts read the plan with
 * (schema.c): numbers that may be distributions, plain strings, numbers and years, enums, ids,
 * lists, and the CSV tables a plan names. Each helper reports what is wrong where it is and
 * returns a failure the caller can skip past; each allocation goes through cs_rep_mem, so a
 * failed one ends the load with CS_ENOMEM. Last, the parts of the plan, one file each, that
 * plan_load.c calls in order. */
#ifndef CS_SCHEMA_H
#define CS_SCHEMA_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "dist_parse.h"
#include "plan.h"
#include "plan_tables.h"
#include "table.h"
#include "yamlq.h"

#define CS_YEAR_MIN 1800
#define CS_YEAR_MAX 3000
#define CS_MAX_SPAN 200 /* horizon - base: keeps every per-year array small */

/* The range arguments of cs_ld_num_range and cs_ld_plain_num most numbers take. */
#define CS_PROB 0.0, 1.0, "a probability in [0, 1]"
#define CS_NONNEG 0.0, INFINITY, "a number >= 0"

typedef struct {
  cs_plan *P;
  cs_rep rep; /* rep.oom: an allocation failed */
  cs_yq q;
  char *dir;      /* the YAML file's directory with a trailing '/', or "" */
  cs_dist *dists; /* grows while loading; copied into the arena at the end */
  int32_t ndist, cap;
  int32_t zero;    /* shared fixed 0 for numbers an effect kind does not use */
  cs_idmap groups; /* over P->groups while sectors add theirs */
  int years_ok;
  cs_ynode *params; /* the parameters: mapping as written, failed entries included */
  int sealed;       /* overrides may not name a table's file (cs_plan_load_sealed) */
} cs_ld;

/* ---- memory: owned by the plan; NULL (and the load out of memory) when none is left ---- */
void *cs_ld_alloc(cs_ld *L, size_t n, size_t size); /* zeroed; n = 0 is fine */
const char *cs_ld_strdup(cs_ld *L, const char *s);  /* NULL for NULL */
const char *cs_ld_label(cs_ld *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- numbers that may be distributions ---- */
int32_t cs_ld_push_dist(cs_ld *L, const cs_dist *d, const char *label);
cs_num cs_ld_fixed(cs_ld *L, double v, const char *label);
/* The shared fixed 0 of numbers an effect kind does not use. */
cs_num cs_ld_unused(cs_ld *L);
/* A number, distribution, $parameter or {neg: X}. Returns 0 on success. */
int cs_ld_num(cs_ld *L, cs_ynode *n, const char *label, cs_num *out);
/* An optional number, fixed def when absent (then returns 1). */
int cs_ld_opt_num(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, double def,
                  cs_num *out);
int cs_ld_req_num(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, cs_num *out);
/* Reports a deterministic value outside lo..hi; expect says what was expected. */
void cs_ld_num_range(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, cs_num n, double lo,
                     double hi, const char *expect);

/* The same for a value node that is not found by its key (a mapping keyed by ages or years,
 * whose keys may repeat): reports at node, naming it what. */
void cs_ld_node_range(cs_ld *L, cs_ynode *node, const char *what, cs_num n, double lo, double hi,
                      const char *expect);

/* ---- plain values ---- */
/* The value at key, or NULL when the key is absent or null. */
cs_ynode *cs_ld_given(cs_ld *L, cs_ynode *map, const char *key);
const char *cs_ld_opt_str(cs_ld *L, cs_ynode *map, const char *key, const char *ctx);
const char *cs_ld_req_str(cs_ld *L, cs_ynode *map, const char *key, const char *ctx);
/* A plain number in lo..hi, def when absent. Returns 0 when usable. */
int cs_ld_plain_num(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, double def,
                    double lo, double hi, const char *expect, double *out);
/* A year in base..horizon (any year when the years are unknown). */
int cs_ld_year(cs_ld *L, cs_ynode *v, const char *what, int32_t *out);
int cs_ld_opt_year(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, int32_t def,
                   int32_t *out);
/* The index of v's text among names, or -1 after reporting. */
int cs_ld_enum(cs_ld *L, cs_ynode *v, const char *what, const char *const *names, int n);

/* ---- ids (stride-spaced id pointers, see cs_id_find) ---- */
/* Looks up a scalar id node; reports unknown ids. Returns the index or -1. */
int cs_ld_id(cs_ld *L, cs_ynode *v, const char *what, const void *base, size_t stride, int n);
/* The subregion a key of map names (cs_ld_id), or -1; seen[nsub] (zeroed by the caller, one
 * per map) refuses a subregion named twice, which YAML would otherwise let the last win. */
int cs_ld_sub_key(cs_ld *L, cs_ynode *key, uint8_t *seen, const char *ctx);
int cs_ld_req_id(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, const char *what,
                 const void *base, size_t stride, int n);
/* A list of ids into mask[n] (1 for each listed id). Returns 0 when the list was usable. */
int cs_ld_id_list(cs_ld *L, cs_ynode *v, const char *what, const char *kind, const void *base,
                  size_t stride, int n, uint8_t *mask);
/* Reports id when it is among the first n entries. Returns 1 for a duplicate. */
int cs_ld_dup_id(cs_ld *L, cs_ynode *v, const char *what, const char *id, const void *base,
                 size_t stride, int n);
/* The required, new id of a list item, or NULL after reporting. */
const char *cs_ld_item_id(cs_ld *L, cs_ynode *item, const char *ctx, const char *what,
                          const void *base, size_t stride, int n);

/* ---- lists of mappings ---- */
typedef void cs_ld_item_fn(cs_ld *L, cs_ynode *item, const char *ctx, void *arg);
/* Calls fn for every item of the list seq that is a mapping (others are reported), with the
 * item's context "list[id]" (or "list[i]" without a usable id), after "prefix." when
 * prefix is not NULL. */
void cs_ld_each(cs_ld *L, cs_ynode *seq, const char *prefix, const char *list, cs_ld_item_fn *fn,
                void *arg);

/* ---- tables ---- */
typedef struct {
  const char *key;         /* the plan key that names the table */
  const char *const *cols; /* its header */
  int ncol;
} cs_tabspec;

/* Opens the table named at map[spec->key]: a file name or {file, scale}. scale is NULL for
 * tables that take no scale, else set (fixed 1 when not given). Returns 0 when t is to be
 * used (and freed with cs_csv_free). */
int cs_ld_open(cs_ld *L, cs_ynode *map, const cs_tabspec *spec, const char *ctx, int required,
               cs_num *scale, cs_csv *t);
/* Opens the table, fills it into the plan with fill (unless fill is NULL: then the table is
 * only checked) and frees it. */
void cs_ld_fill(cs_ld *L, cs_ynode *map, const cs_tabspec *spec, const char *ctx, int required,
                cs_num *scale, cs_fill_fn *fill);

/* ---- the parts of a plan, in the order plan_load.c calls them ---- */
/* plan_sections.c: version, meta, years, parameters, region, states, payers, workforce,
 * sectors, population, demography, state and use tables, economics, criteria. */
void cs_load_sections(cs_ld *L, cs_ynode *root);
/* plan_interventions.c: themes and their interventions. */
void cs_load_themes(cs_ld *L, cs_ynode *root);
/* plan_scenarios.c: the plan's scenarios and psa settings. */
void cs_load_scenarios(cs_ld *L, cs_ynode *root);
void cs_load_psa(cs_ld *L, cs_ynode *root);

#endif
