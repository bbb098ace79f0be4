/* plan_load.c: builds a cs_plan from the plan YAML and its CSV tables (PLAN-FORMAT.md v1).
 * It reads everything it can after an error, so one `careshift check` run reports every
 * problem; only a plan without any problem is handed out. Every uncertain number becomes a
 * cs_num into plan->dists, labelled with where it is used (for the tornado chart). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "dist.h"

/* Room for a message context such as "themes[t].interventions[i].effects[2]"; each part is
 * cut at 300 characters when formatted, so 1024 always holds three. */
#define CTX 1024
#include "plan.h"
#include "table.h"
#include "yamlq.h"

#define KEYS(...)                                                                              \
  (const char *const[]){__VA_ARGS__},                                                          \
      sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)

#define YEAR_MIN 1800
#define YEAR_MAX 3000
#define MAX_SPAN 200
#define CS_MAX_YAML ((size_t)16 * 1024 * 1024) /* horizon - base: keeps every per-year array small */

typedef struct {
  cs_plan *P;
  cs_rep rep;
  cs_yq q;
  char *dir;          /* the YAML file's directory with a trailing '/', or "" */
  cs_dist *dists;     /* grows while loading; copied into the arena at the end */
  int32_t ndist, cap;
  int32_t zero;       /* shared fixed 0 for numbers an effect kind does not use */
  cs_idmap groups;    /* over P->groups while sectors add theirs */
  int years_ok, oom;
} ld;

/* ---- small helpers ---- */

static void *A(ld *L, size_t n, size_t size) {
  void *p = cs_arena_calloc(&L->P->arena, n ? n : 1, size);
  if (!p && !L->oom) {
    L->oom = 1;
    cs_rep_add(&L->rep, L->q.file, 1, 1, "out of memory");
  }
  return p;
}

static const char *S(ld *L, const char *s) {
  return s ? cs_arena_strdup(&L->P->arena, s) : NULL;
}

static const char *lab(ld *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *lab(ld *L, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return S(L, buf);
}

static int32_t push_dist(ld *L, const cs_dist *d, const char *label) {
  if (L->ndist == L->cap) {
    int32_t cap = L->cap ? L->cap * 2 : 64;
    cs_dist *n = realloc(L->dists, (size_t)cap * sizeof *n);
    if (!n) {
      if (!L->oom) cs_rep_add(&L->rep, L->q.file, 1, 1, "out of memory");
      L->oom = 1;
      return 0;
    }
    L->dists = n;
    L->cap = cap;
  }
  L->dists[L->ndist] = *d;
  L->dists[L->ndist].label = label;
  return L->ndist++;
}

static cs_num fixed(ld *L, double v, const char *label) {
  cs_dist d;
  cs_dist_fixed(&d, v);
  return (cs_num){push_dist(L, &d, label), 1.0};
}

static cs_num unused(ld *L) {
  if (L->zero < 0) L->zero = fixed(L, 0, "unused").p;
  return (cs_num){L->zero, 1.0};
}

static double nval(ld *L, cs_num n) {
  return n.p >= 0 && n.p < L->ndist ? n.sign * L->dists[n.p].mean : 0;
}

/* ---- numbers that may be distributions ---- */

static int num(ld *L, cs_ynode *n, const char *label, cs_num *out);

static int num_param(ld *L, cs_ynode *n, const char *s, cs_num *out) {
  cs_plan *P = L->P;
  int i = cs_id_find(P->param_names, sizeof *P->param_names, P->nparam, s + 1);
  if (i < 0) {
    cs_id_unknown(&L->rep, L->q.file, cs_yq_line(n), cs_yq_col(n), "parameter", s + 1,
                  P->param_names, sizeof *P->param_names, P->nparam);
    return -1;
  }
  *out = (cs_num){P->param_dist[i], 1.0};
  return 0;
}

static int num(ld *L, cs_ynode *n, const char *label, cs_num *out) {
  *out = unused(L);
  const char *s = cs_yq_scalar(n);
  if (s && s[0] == '$') return num_param(L, n, s, out);
  if (cs_yq_is_map(n) && cs_yq_get(&L->q, n, "neg")) {
    cs_yq_check_keys(&L->q, n, KEYS("neg"), label);
    if (num(L, cs_yq_get(&L->q, n, "neg"), label, out)) return -1;
    out->sign = -out->sign;
    return 0;
  }
  cs_dist d;
  if (cs_dist_parse(&L->q, n, label, &d)) return -1;
  out->p = push_dist(L, &d, label);
  return 0;
}

/* An optional number: fixed def when absent. */
static int opt_num(ld *L, cs_ynode *map, const char *key, const char *ctx, double def,
                   cs_num *out) {
  cs_ynode *v = cs_yq_get(&L->q, map, key);
  const char *label = lab(L, "%s.%s", ctx, key);
  if (!v || cs_yq_is_null(v)) {
    *out = fixed(L, def, label);
    return 1;
  }
  return num(L, v, label, out);
}

static int req_num(ld *L, cs_ynode *map, const char *key, const char *ctx, cs_num *out) {
  *out = unused(L);
  cs_ynode *v = cs_yq_req(&L->q, map, key, ctx);
  if (!v) return -1;
  return num(L, v, lab(L, "%s.%s", ctx, key), out);
}

/* Reports a deterministic value outside lo..hi; expect says what was expected. */
static void num_range(ld *L, cs_ynode *map, const char *key, const char *ctx, cs_num n,
                      double lo, double hi, const char *expect) {
  double v = nval(L, n);
  if (v >= lo && v <= hi) return;
  cs_ynode *node = cs_yq_get(&L->q, map, key);
  if (!node) return;
  const char *s = cs_yq_scalar(node);
  if (s && s[0] != '$')
    cs_yq_err(&L->q, node, "%s " CS_QF " in %s is out of range (expected %s)", key, CS_QA(s), ctx,
              expect);
  else
    cs_yq_err(&L->q, node, "%s in %s has mean %g, out of range (expected %s)", key, ctx, v, expect);
}

#define PROB 0.0, 1.0, "a probability in [0, 1]"
#define NONNEG 0.0, INFINITY, "a number >= 0"

/* ---- plain values ---- */

static const char *opt_str(ld *L, cs_ynode *map, const char *key, const char *ctx) {
  cs_ynode *v = cs_yq_get(&L->q, map, key);
  if (!v || cs_yq_is_null(v)) return NULL;
  char what[CTX];
  snprintf(what, sizeof what, "%.300s in %.300s", key, ctx);
  return S(L, cs_yq_str(&L->q, v, what));
}

static const char *req_str(ld *L, cs_ynode *map, const char *key, const char *ctx) {
  cs_ynode *v = cs_yq_req(&L->q, map, key, ctx);
  if (!v) return NULL;
  char what[CTX];
  snprintf(what, sizeof what, "%.300s in %.300s", key, ctx);
  return S(L, cs_yq_str(&L->q, v, what));
}

static int plain_num(ld *L, cs_ynode *map, const char *key, const char *ctx, double def,
                     double lo, double hi, const char *expect, double *out) {
  *out = def;
  cs_ynode *v = cs_yq_get(&L->q, map, key);
  if (!v || cs_yq_is_null(v)) return 0;
  char what[CTX];
  snprintf(what, sizeof what, "%.300s in %.300s", key, ctx);
  if (cs_yq_dbl(&L->q, v, what, out)) return -1;
  if (*out >= lo && *out <= hi) return 0;
  cs_yq_err(&L->q, v, "%s '%s' in %s is out of range (expected %s)", key, cs_yq_scalar(v), ctx,
            expect);
  return -1;
}

/* A year in base..horizon (any year when the years are unknown). */
static int year_node(ld *L, cs_ynode *v, const char *what, int32_t *out) {
  long y;
  if (cs_yq_int(&L->q, v, what, YEAR_MIN, YEAR_MAX, &y)) return -1;
  if (L->years_ok && (y < L->P->T0 || y > L->P->T1)) {
    cs_yq_err(&L->q, v, "%s '%ld' is outside %d..%d (expected a year from base to horizon)", what,
              y, L->P->T0, L->P->T1);
    return -1;
  }
  *out = (int32_t)y;
  return 0;
}

static int opt_year(ld *L, cs_ynode *map, const char *key, const char *ctx, int32_t def,
                    int32_t *out) {
  *out = def;
  cs_ynode *v = cs_yq_get(&L->q, map, key);
  if (!v || cs_yq_is_null(v)) return 0;
  char what[CTX];
  snprintf(what, sizeof what, "%.300s in %.300s", key, ctx);
  return year_node(L, v, what, out);
}

static int enum_val(ld *L, cs_ynode *v, const char *what, const char *const *names, int n) {
  const char *s = cs_yq_str(&L->q, v, what);
  if (!s) return -1;
  for (int i = 0; i < n; i++)
    if (!strcmp(names[i], s)) return i;
  char list[200] = "";
  for (int i = 0; i < n; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
  const char *sug = cs_suggest(s, names, (size_t)n);
  if (sug)
    cs_yq_err(&L->q, v, "%s " CS_QF " is not valid (did you mean '%s'? expected one of %s)", what,
              CS_QA(s), sug, list);
  else
    cs_yq_err(&L->q, v, "%s " CS_QF " is not valid (expected one of %s)", what, CS_QA(s), list);
  return -1;
}

/* Looks up a scalar id node; reports unknown ids. Returns the index or -1. */
static int id_node(ld *L, cs_ynode *v, const char *what, const void *base, size_t stride,
                   int n) {
  char w[200];
  snprintf(w, sizeof w, "%s id", what);
  const char *s = cs_yq_str(&L->q, v, w);
  if (!s) return -1;
  int i = cs_id_find(base, stride, n, s);
  if (i < 0)
    cs_id_unknown(&L->rep, L->q.file, cs_yq_line(v), cs_yq_col(v), what, s, base, stride, n);
  return i;
}

static int req_id(ld *L, cs_ynode *map, const char *key, const char *ctx, const char *what,
                  const void *base, size_t stride, int n) {
  cs_ynode *v = cs_yq_req(&L->q, map, key, ctx);
  return v ? id_node(L, v, what, base, stride, n) : -1;
}

/* A list of ids into mask[n] (set to 1 for each listed id). Returns 0 when the list was
 * usable. */
static int id_list(ld *L, cs_ynode *v, const char *what, const char *kind, const void *base,
                   size_t stride, int n, uint8_t *mask) {
  if (!cs_yq_want_seq(&L->q, v, what)) return -1;
  size_t len = cs_yq_len(v);
  for (size_t i = 0; i < len; i++) {
    int k = id_node(L, cs_yq_item(&L->q, v, i), kind, base, stride, n);
    if (k >= 0 && mask) mask[k] = 1;
  }
  return 0;
}

/* The id of the i-th list item, for messages: sectors[gp] or sectors[3]. */
static void item_ctx(ld *L, char *buf, size_t sz, const char *list, cs_ynode *item, size_t i) {
  cs_ynode *id = cs_yq_get(&L->q, item, "id");
  const char *s = cs_yq_scalar(id);
  if (s && *s && strlen(s) < 100) snprintf(buf, sz, "%s[%s]", list, s);
  else snprintf(buf, sz, "%s[%zu]", list, i + 1);
}

/* Reports duplicate ids among the first n entries (stride-spaced id pointers). */
static int dup_id(ld *L, cs_ynode *v, const char *what, const char *id, const void *base,
                  size_t stride, int n) {
  if (!id || cs_id_find(base, stride, n, id) < 0) return 0;
  cs_yq_err(&L->q, v, "duplicate %s id " CS_QF, what, CS_QA(id));
  return 1;
}

/* ---- tables ---- */

/* Opens the table named at map[key]: a file name or {file, scale}. scale is NULL for tables
 * that take no scale. Returns 0 when t is to be used (and freed). */
static int table_at(ld *L, cs_ynode *map, const char *key, const char *ctx, int required,
                    const char *const *cols, int ncol, cs_num *scale, cs_csv *t) {
  cs_ynode *v = cs_yq_get(&L->q, map, key);
  if (scale) *scale = fixed(L, 1.0, lab(L, "%s.scale", key));
  if (!v || cs_yq_is_null(v)) {
    if (required) cs_yq_req(&L->q, map, key, ctx);
    return -1;
  }
  cs_ynode *fnode = v;
  if (cs_yq_is_map(v)) {
    if (scale) cs_yq_check_keys(&L->q, v, KEYS("file", "scale"), key);
    else cs_yq_check_keys(&L->q, v, KEYS("file"), key);
    if (scale && cs_yq_get(&L->q, v, "scale")) {
      num(L, cs_yq_get(&L->q, v, "scale"), lab(L, "%s.scale", key), scale);
      num_range(L, v, "scale", key, *scale, NONNEG);
    }
    fnode = cs_yq_req(&L->q, v, "file", key);
    if (!fnode) return -1;
  }
  char what[CTX];
  snprintf(what, sizeof what, "table %.300s", key);
  const char *rel = cs_yq_str(&L->q, fnode, what);
  if (!rel) return -1;
  if (!*rel) {
    cs_yq_err(&L->q, fnode, "table %s has an empty file name (expected a CSV file name)", key);
    return -1;
  }
  size_t n = strlen(L->dir) + strlen(rel) + 1;
  char *path = A(L, n, 1);
  if (!path) return -1;
  snprintf(path, n, "%s%s", rel[0] == '/' ? "" : L->dir, rel);
  return cs_table_read(t, &L->rep, path, path, cols, ncol, L->q.file, cs_yq_line(fnode),
                       cs_yq_col(fnode));
}

/* Column names live in static arrays: a compound literal inside an if condition would die
 * with the if statement while the table still points at it. */
static const char *const c_areas[] = {"area", "name", "subregion"};
static const char *const c_pop[] = {"area", "sex", "age", "count"};
static const char *const c_mort[] = {"sex", "age", "q"};
static const char *const c_fert[] = {"age", "rate"};
static const char *const c_mig[] = {"area", "sex", "age", "net"};
static const char *const c_proj[] = {"area", "sex", "age", "year", "count"};
static const char *const c_shares[] = {"sex", "age", "state", "share"};
static const char *const c_trans[] = {"sex", "age", "from", "to", "p"};
static const char *const c_wf[] = {"group", "subregion", "fte", "retire_rate", "outflow_rate",
                                   "inflow_fte"};
static const char *const c_use[] = {"sector", "state", "sex", "age_from", "age_to", "rate"};
#define COLS(a) a, (int)(sizeof a / sizeof *a)

/* ---- sections ---- */

static void load_version(ld *L, cs_ynode *root) {
  cs_ynode *v = cs_yq_req(&L->q, root, "careshift", "the plan");
  long ver;
  if (!v || cs_yq_int(&L->q, v, "format version 'careshift'", 0, 1000000, &ver)) return;
  if (ver != 1)
    cs_yq_err(&L->q, v, "format version '%ld' is not supported (expected careshift: 1)", ver);
}

static void load_meta(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "plan", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "plan")) return;
  cs_yq_check_keys(&L->q, m, KEYS("name", "coalition", "coordinator", "status", "deadline"),
                   "plan");
  P->name = req_str(L, m, "name", "plan");
  P->coalition = opt_str(L, m, "coalition", "plan");
  P->coordinator = opt_str(L, m, "coordinator", "plan");
  P->deadline = opt_str(L, m, "deadline", "plan");
  cs_ynode *st = cs_yq_get(&L->q, m, "status");
  static const char *const status[] = {"concept", "snelle-toets", "snelle-toets-passed",
                                       "definitive", "approved", "implementation"};
  if (st && !cs_yq_is_null(st) && enum_val(L, st, "status", status, 6) >= 0)
    P->status = S(L, cs_yq_scalar(st));
}

static void load_years(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *y = cs_yq_req(&L->q, root, "years", "the plan");
  if (!y || !cs_yq_want_map(&L->q, y, "years")) return;
  cs_yq_check_keys(&L->q, y, KEYS("base", "horizon"), "years");
  cs_ynode *b = cs_yq_req(&L->q, y, "base", "years"), *h = cs_yq_req(&L->q, y, "horizon", "years");
  long base, hor;
  if (!b || !h || cs_yq_int(&L->q, b, "base year", YEAR_MIN, YEAR_MAX, &base) ||
      cs_yq_int(&L->q, h, "horizon year", YEAR_MIN, YEAR_MAX, &hor))
    return;
  if (hor < base) {
    cs_yq_err(&L->q, h, "horizon '%ld' is before base '%ld' (expected horizon >= base)", hor, base);
    return;
  }
  if (hor - base > MAX_SPAN) {
    cs_yq_err(&L->q, h, "horizon '%ld' is %ld years after base (expected at most %d)", hor,
              hor - base, MAX_SPAN);
    return;
  }
  P->T0 = (int32_t)base;
  P->T1 = (int32_t)hor;
  P->nyear = P->T1 - P->T0 + 1;
  L->years_ok = 1;
}

static void load_parameters(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_get(&L->q, root, "parameters");
  if (!m || cs_yq_is_null(m) || !cs_yq_want_map(&L->q, m, "parameters")) return;
  size_t n = cs_yq_len(m);
  P->param_names = A(L, n, sizeof *P->param_names);
  P->param_dist = A(L, n, sizeof *P->param_dist);
  if (!P->param_names || !P->param_dist) return;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *k = cs_yq_key(&L->q, m, i), *v = cs_yq_val(&L->q, m, i);
    const char *name = cs_yq_str(&L->q, k, "parameter name");
    if (!name) continue;
    if (dup_id(L, k, "parameter", name, P->param_names, sizeof *P->param_names, P->nparam))
      continue;
    const char *s = cs_yq_scalar(v);
    if ((s && s[0] == '$') || (cs_yq_is_map(v) && cs_yq_get(&L->q, v, "neg"))) {
      cs_yq_err(&L->q, v, "parameter '%s' refers to another number (expected a distribution "
                "or a number)", name);
      continue;
    }
    cs_dist d;
    const char *label = lab(L, "$%s", name);
    if (cs_dist_parse(&L->q, v, label, &d)) continue;
    P->param_names[P->nparam] = S(L, name);
    P->param_dist[P->nparam++] = push_dist(L, &d, label);
  }
}

static void load_region(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "region", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "region")) return;
  cs_yq_check_keys(&L->q, m, KEYS("name", "areas"), "region");
  P->region_name = req_str(L, m, "name", "region");
  cs_csv t;
  if (table_at(L, m, "areas", "region", 1, COLS(c_areas), NULL, &t)) return;
  cs_fill_areas(P, &L->rep, &t);
  cs_table_free(&t);
}

static void single_state(ld *L) {
  cs_plan *P = L->P;
  P->nstate = 1;
  P->states = A(L, 1, sizeof *P->states);
  if (!P->states) return;
  P->states[0].id = "all";
  P->states[0].utility = fixed(L, 1, "states[all].utility");
  P->states[0].rr = fixed(L, 1, "states[all].mortality_rr");
}

static void load_states(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_get(&L->q, root, "states");
  if (!m || cs_yq_is_null(m)) { single_state(L); return; }
  if (!cs_yq_want_seq(&L->q, m, "states")) { single_state(L); return; }
  size_t n = cs_yq_len(m);
  P->states = A(L, n, sizeof *P->states);
  if (!P->states) return;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *s = cs_yq_item(&L->q, m, i);
    char ctx[CTX];
    item_ctx(L, ctx, sizeof ctx, "states", s, i);
    if (!cs_yq_want_map(&L->q, s, ctx)) continue;
    cs_yq_check_keys(&L->q, s, KEYS("id", "utility", "mortality_rr"), ctx);
    const char *id = req_str(L, s, "id", ctx);
    if (!id || dup_id(L, s, "state", id, P->states, sizeof *P->states, P->nstate)) continue;
    cs_state *k = &P->states[P->nstate++];
    k->id = id;
    req_num(L, s, "utility", ctx, &k->utility);
    opt_num(L, s, "mortality_rr", ctx, 1.0, &k->rr);
    num_range(L, s, "mortality_rr", ctx, k->rr, NONNEG);
  }
  if (P->nstate == 0) {
    cs_yq_err(&L->q, m, "states is empty (expected at least one state, or no 'states' key)");
    single_state(L);
  }
}

static void load_payers(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "payers", "the plan");
  if (!m || !cs_yq_want_seq(&L->q, m, "payers")) return;
  size_t n = cs_yq_len(m);
  P->payers = A(L, n, sizeof *P->payers);
  if (!P->payers) return;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *s = cs_yq_item(&L->q, m, i);
    char ctx[CTX];
    item_ctx(L, ctx, sizeof ctx, "payers", s, i);
    if (!cs_yq_want_map(&L->q, s, ctx)) continue;
    cs_yq_check_keys(&L->q, s, KEYS("id", "name"), ctx);
    const char *id = req_str(L, s, "id", ctx);
    const char *name = req_str(L, s, "name", ctx);
    if (!id || dup_id(L, s, "payer", id, P->payers, sizeof *P->payers, P->npayer)) continue;
    P->payers[P->npayer++] = (cs_payer){id, name};
  }
}

static void load_sector(ld *L, cs_ynode *s, const char *ctx, cs_sector *c) {
  cs_plan *P = L->P;
  static const char *const chains[] = {"social", "primary", "secondary", "long_term"};
  c->name = req_str(L, s, "name", ctx);
  c->unit = req_str(L, s, "unit", ctx);
  c->payer = req_id(L, s, "payer", ctx, "payer", P->payers, sizeof *P->payers, P->npayer);
  cs_ynode *ch = cs_yq_req(&L->q, s, "chain", ctx);
  int k = ch ? enum_val(L, ch, "chain", chains, 4) : -1;
  c->chain = k >= 0 ? (cs_chain)k : CS_CHAIN_PRIMARY;
  req_num(L, s, "price", ctx, &c->price);
  num_range(L, s, "price", ctx, c->price, NONNEG);
  req_num(L, s, "fte_per_unit", ctx, &c->fte_per_unit);
  num_range(L, s, "fte_per_unit", ctx, c->fte_per_unit, NONNEG);
  opt_num(L, s, "m2_per_unit", ctx, 0, &c->m2_per_unit);
  num_range(L, s, "m2_per_unit", ctx, c->m2_per_unit, NONNEG);
  opt_num(L, s, "co2_kg_per_unit", ctx, 0, &c->co2_per_unit);
  num_range(L, s, "co2_kg_per_unit", ctx, c->co2_per_unit, NONNEG);
  opt_num(L, s, "growth", ctx, 0, &c->growth);
  num_range(L, s, "growth", ctx, c->growth, -1.0, INFINITY, "a growth rate > -1");
  c->group = CS_NONE;
  const char *g = req_str(L, s, "group", ctx);
  if (!g) return;
  int gi = cs_idmap_find(&L->groups, g);
  if (gi < 0) { /* a group with no workforce rows: supply 0 */
    gi = P->ngroup++;
    P->groups[gi] = g;
    cs_idmap_add(&L->groups);
  }
  c->group = gi;
}

static void load_sectors(ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  size_t n = cs_yq_len(m);
  P->sectors = A(L, n, sizeof *P->sectors);
  if (!P->sectors) return;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *s = cs_yq_item(&L->q, m, i);
    char ctx[CTX];
    item_ctx(L, ctx, sizeof ctx, "sectors", s, i);
    if (!cs_yq_want_map(&L->q, s, ctx)) continue;
    cs_yq_check_keys(&L->q, s, KEYS("id", "name", "unit", "payer", "chain", "price",
                                    "fte_per_unit", "m2_per_unit", "co2_kg_per_unit", "group",
                                    "growth"), ctx);
    const char *id = req_str(L, s, "id", ctx);
    if (!id || dup_id(L, s, "sector", id, P->sectors, sizeof *P->sectors, P->nsector)) continue;
    cs_sector *c = &P->sectors[P->nsector++];
    c->id = id;
    load_sector(L, s, ctx, c);
  }
}

/* Workforce groups come first (in table order), then the groups only sectors name. */
static void load_workforce_and_sectors(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_csv wt;
  int have = !table_at(L, root, "workforce", "the plan", 0,
                       COLS(c_wf), NULL, &wt);
  cs_ynode *m = cs_yq_req(&L->q, root, "sectors", "the plan");
  int sec_ok = m && cs_yq_want_seq(&L->q, m, "sectors");
  size_t cap = (have ? wt.nrow : 0) + (sec_ok ? cs_yq_len(m) : 0);
  P->groups = A(L, cap, sizeof *P->groups);
  if (P->groups) {
    if (have) P->ngroup = cs_workforce_groups(P, &wt, P->groups);
    if (cs_idmap_init(&L->groups, P->groups, sizeof *P->groups, P->ngroup, (int)cap)) {
      if (have) cs_table_free(&wt);
      L->oom = 1;
      cs_rep_add(&L->rep, L->q.file, 1, 1, "out of memory");
      return;
    }
    if (sec_ok) load_sectors(L, m);
    cs_idmap_free(&L->groups);
    P->wf = A(L, (size_t)(P->nsub ? P->nsub : 1) * (size_t)(P->ngroup ? P->ngroup : 1),
              sizeof *P->wf);
    if (have && P->wf) cs_fill_workforce(P, &L->rep, &wt);
  }
  if (have) cs_table_free(&wt);
}

static void load_population(ld *L, cs_ynode *root) {
  cs_csv t;
  if (table_at(L, root, "population", "the plan", 1, COLS(c_pop),
               &L->P->pop_scale, &t))
    return;
  if (L->P->narea) cs_fill_population(L->P, &L->rep, &t);
  cs_table_free(&t);
}

static void load_demo_tables(ld *L, cs_ynode *m) {
  cs_plan *P = L->P;
  cs_csv t;
  if (!table_at(L, m, "mortality", "demography", 1, COLS(c_mort), &P->mort_scale, &t)) {
    cs_fill_mortality(P, &L->rep, &t);
    cs_table_free(&t);
  }
  cs_ynode *proj = cs_yq_get(&L->q, m, "projection");
  P->has_projection = proj && !cs_yq_is_null(proj);
  P->mig = A(L, (size_t)P->narea * CS_NSEX * CS_NAGE, sizeof *P->mig);
  if (P->has_projection) {
    const char *const other[] = {"fertility", "migration"};
    for (int i = 0; i < 2; i++)
      if (cs_yq_get(&L->q, m, other[i]))
        cs_yq_err(&L->q, cs_yq_get(&L->q, m, other[i]), "demography gives both projection and "
                  "%s (expected one: a projection replaces fertility and migration)", other[i]);
    if (!table_at(L, m, "projection", "demography", 1,
                  COLS(c_proj), &P->proj_scale, &t)) {
      if (L->years_ok && P->narea) cs_fill_projection(P, &L->rep, &t);
      cs_table_free(&t);
    }
    P->fert_scale = fixed(L, 1.0, "fertility.scale");
    P->mig_scale = fixed(L, 1.0, "migration.scale");
    return;
  }
  P->proj_scale = fixed(L, 1.0, "projection.scale");
  if (!table_at(L, m, "fertility", "demography (without a projection)", 1, COLS(c_fert),
                &P->fert_scale, &t)) {
    cs_fill_fertility(P, &L->rep, &t);
    cs_table_free(&t);
  }
  if (!table_at(L, m, "migration", "demography", 0, COLS(c_mig),
                &P->mig_scale, &t)) {
    if (P->narea && P->mig) cs_fill_migration(P, &L->rep, &t);
    cs_table_free(&t);
  }
}

static void load_demography(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "demography", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "demography")) {
    P->mort_improvement = fixed(L, 0, "demography.mortality_improvement");
    P->boys = fixed(L, 0.512, "demography.boys");
    return;
  }
  cs_yq_check_keys(&L->q, m, KEYS("mortality", "mortality_improvement", "fertility", "boys",
                                  "migration", "projection"), "demography");
  opt_num(L, m, "mortality_improvement", "demography", 0, &P->mort_improvement);
  num_range(L, m, "mortality_improvement", "demography", P->mort_improvement, -1.0, 1.0,
            "a yearly improvement in [-1, 1]");
  opt_num(L, m, "boys", "demography", 0.512, &P->boys);
  num_range(L, m, "boys", "demography", P->boys, PROB);
  load_demo_tables(L, m);
}

static void load_state_tables(ld *L, cs_ynode *root, int has_states) {
  cs_plan *P = L->P;
  size_t n = (size_t)CS_NSEX * CS_NAGE * (size_t)P->nstate;
  P->share0 = A(L, n, sizeof *P->share0);
  P->trans = A(L, n * (size_t)P->nstate, sizeof *P->trans);
  if (!P->share0 || !P->trans) return;
  cs_csv t;
  if (!has_states) {
    for (size_t i = 0; i < n; i++) P->share0[i] = 1;
    const char *const keys[] = {"state_shares", "transitions"};
    for (int i = 0; i < 2; i++)
      if (cs_yq_get(&L->q, root, keys[i]))
        cs_yq_err(&L->q, cs_yq_get(&L->q, root, keys[i]), "%s given without states (expected "
                  "a 'states' list, or no %s)", keys[i], keys[i]);
    P->trans_scale = fixed(L, 1.0, "transitions.scale");
    return;
  }
  if (!table_at(L, root, "state_shares", "the plan (with states)", 1,
                COLS(c_shares), NULL, &t)) {
    cs_fill_shares(P, &L->rep, &t);
    cs_table_free(&t);
  }
  if (!table_at(L, root, "transitions", "the plan", 0, COLS(c_trans),
                &P->trans_scale, &t)) {
    cs_fill_transitions(P, &L->rep, &t);
    cs_table_free(&t);
  }
}

static void load_use_tables(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  size_t n = (size_t)P->nsector * (size_t)P->nstate * CS_NSEX * CS_NAGE;
  P->use = A(L, n, sizeof *P->use);
  P->eol = A(L, n, sizeof *P->eol);
  cs_csv t;
  if (!table_at(L, root, "use", "the plan", 1,
                COLS(c_use), &P->use_scale, &t)) {
    cs_fill_use(P, &L->rep, &t, P->use);
    cs_table_free(&t);
  }
  if (!table_at(L, root, "end_of_life_use", "the plan", 0,
                COLS(c_use), &P->eol_scale, &t)) {
    cs_fill_use(P, &L->rep, &t, P->eol);
    cs_table_free(&t);
  }
}

static void load_economics(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "economics", "the plan");
  if (!m || !cs_yq_want_map(&L->q, m, "economics")) {
    P->price_growth = fixed(L, 0, "economics.price_growth");
    return;
  }
  cs_yq_check_keys(&L->q, m, KEYS("price_year", "price_growth", "discount_rate",
                                  "discount_rate_effects", "qaly_value"), "economics");
  cs_ynode *py = cs_yq_req(&L->q, m, "price_year", "economics");
  long y;
  if (py && !cs_yq_int(&L->q, py, "price_year", YEAR_MIN, YEAR_MAX, &y)) P->price_year = (int32_t)y;
  opt_num(L, m, "price_growth", "economics", 0, &P->price_growth);
  num_range(L, m, "price_growth", "economics", P->price_growth, -1.0, INFINITY, "a rate > -1");
  plain_num(L, m, "discount_rate", "economics", 0.03, -0.99, 10, "a rate > -1",
            &P->discount_rate);
  plain_num(L, m, "discount_rate_effects", "economics", 0.015, -0.99, 10, "a rate > -1",
            &P->discount_rate_effects);
  plain_num(L, m, "qaly_value", "economics", 0, NONNEG, &P->qaly_value);
}

static void load_criteria(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_get(&L->q, root, "criteria");
  int given = m && !cs_yq_is_null(m) && cs_yq_want_map(&L->q, m, "criteria");
  if (!given) m = NULL;
  else
    cs_yq_check_keys(&L->q, m, KEYS("year", "care_use_payer", "care_use_pct", "patient_flows_pct",
                                    "staff_fte", "real_estate_m2"), "criteria");
  opt_year(L, m, "year", "criteria", P->T1, &P->crit_year);
  cs_ynode *pn = cs_yq_get(&L->q, m, "care_use_payer");
  if (pn && !cs_yq_is_null(pn))
    P->crit_payer = id_node(L, pn, "payer", P->payers, sizeof *P->payers, P->npayer);
  else
    P->crit_payer = cs_id_find(P->payers, sizeof *P->payers, P->npayer, "zvw");
  if (P->crit_payer < 0) P->crit_payer = CS_NONE;
  plain_num(L, m, "care_use_pct", "criteria", 1.0, NONNEG, &P->care_use_pct);
  plain_num(L, m, "patient_flows_pct", "criteria", 2.0, NONNEG, &P->patient_flows_pct);
  plain_num(L, m, "staff_fte", "criteria", 25, NONNEG, &P->staff_fte);
  plain_num(L, m, "real_estate_m2", "criteria", 2000, NONNEG, &P->real_estate_m2);
}

/* ---- interventions ---- */

static void load_target(ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  cs_plan *P = L->P;
  iv->age_from = 0;
  iv->age_to = CS_XMAX;
  iv->sex_mask[0] = iv->sex_mask[1] = 1;
  for (int a = 0; a < P->narea; a++) iv->area_mask[a] = 1;
  for (int k = 0; k < P->nstate; k++) iv->state_mask[k] = 1;
  if (!m || cs_yq_is_null(m)) return;
  char c[CTX];
  snprintf(c, sizeof c, "%.300s.target", ctx);
  if (!cs_yq_want_map(&L->q, m, c)) return;
  cs_yq_check_keys(&L->q, m, KEYS("areas", "subregions", "sexes", "ages", "states"), c);
  uint8_t *am = A(L, (size_t)P->narea, 1), *sm = A(L, (size_t)P->nsub, 1);
  cs_ynode *v;
  if (!am || !sm) return;
  if ((v = cs_yq_get(&L->q, m, "areas")) && !id_list(L, v, "target.areas", "area", P->areas,
                                                      sizeof *P->areas, P->narea, am))
    for (int a = 0; a < P->narea; a++) iv->area_mask[a] &= am[a];
  if ((v = cs_yq_get(&L->q, m, "subregions")) &&
      !id_list(L, v, "target.subregions", "subregion", P->subs, sizeof *P->subs, P->nsub, sm))
    for (int a = 0; a < P->narea; a++) iv->area_mask[a] &= sm[P->areas[a].sub];
  static const char *const sexes[] = {"f", "m"};
  if ((v = cs_yq_get(&L->q, m, "sexes"))) {
    iv->sex_mask[0] = iv->sex_mask[1] = 0;
    id_list(L, v, "target.sexes", "sex", sexes, sizeof *sexes, 2, iv->sex_mask);
  }
  if ((v = cs_yq_get(&L->q, m, "states"))) {
    iv->has_states = 1;
    memset(iv->state_mask, 0, (size_t)P->nstate);
    id_list(L, v, "target.states", "state", P->states, sizeof *P->states, P->nstate,
            iv->state_mask);
  }
  if ((v = cs_yq_get(&L->q, m, "ages"))) {
    long lo, hi;
    if (!cs_yq_want_seq(&L->q, v, "target.ages")) return;
    if (cs_yq_len(v) != 2) {
      cs_yq_err(&L->q, v, "target.ages has %zu items (expected [from, to])", cs_yq_len(v));
      return;
    }
    if (cs_yq_int(&L->q, cs_yq_item(&L->q, v, 0), "age", 0, CS_XMAX, &lo) ||
        cs_yq_int(&L->q, cs_yq_item(&L->q, v, 1), "age", 0, CS_XMAX, &hi))
      return;
    if (lo > hi) cs_yq_err(&L->q, v, "target.ages [%ld, %ld] is empty (expected from <= to)", lo, hi);
    iv->age_from = (int32_t)lo;
    iv->age_to = (int32_t)hi;
  }
}

static void load_start_by_sub(ld *L, cs_ynode *m, cs_intervention *iv) {
  cs_plan *P = L->P;
  if (!cs_yq_want_map(&L->q, m, "uptake.start_by_subregion")) return;
  size_t n = cs_yq_len(m);
  for (size_t i = 0; i < n; i++) {
    cs_ynode *k = cs_yq_key(&L->q, m, i);
    int s = id_node(L, k, "subregion", P->subs, sizeof *P->subs, P->nsub);
    int32_t y;
    if (!year_node(L, cs_yq_val(&L->q, m, i), "start_by_subregion year", &y) && s >= 0)
      iv->start_by_sub[s] = y;
  }
}

static void load_uptake(ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  cs_plan *P = L->P;
  for (int s = 0; s < P->nsub; s++) iv->start_by_sub[s] = CS_YEAR_NONE;
  iv->ramp_years = 1;
  iv->start = P->T0;
  iv->curve = CS_CURVE_LINEAR;
  char c[CTX];
  snprintf(c, sizeof c, "%.300s.uptake", ctx);
  if (!m || !cs_yq_want_map(&L->q, m, c)) { iv->max = unused(L); return; }
  cs_yq_check_keys(&L->q, m, KEYS("max", "ramp_years", "start", "start_by_subregion", "curve"), c);
  req_num(L, m, "max", c, &iv->max);
  num_range(L, m, "max", c, iv->max, PROB);
  cs_ynode *v;
  long r;
  if ((v = cs_yq_get(&L->q, m, "ramp_years")) && !cs_yq_int(&L->q, v, "ramp_years", 1, 100, &r))
    iv->ramp_years = (int32_t)r;
  opt_year(L, m, "start", c, P->T0, &iv->start);
  if ((v = cs_yq_get(&L->q, m, "start_by_subregion"))) load_start_by_sub(L, v, iv);
  static const char *const curves[] = {"linear", "logistic"};
  int k;
  if ((v = cs_yq_get(&L->q, m, "curve")) && (k = enum_val(L, v, "curve", curves, 2)) >= 0)
    iv->curve = (cs_curve)k;
}

static const char *const effect_kinds[] = {"use", "end_of_life_use", "shift", "fte_per_unit",
                                           "transition", "workforce"};

static void check_effect_keys(ld *L, cs_ynode *e, cs_effect_kind k, const char *c) {
  switch (k) {
  case CS_EFF_USE: case CS_EFF_EOL: case CS_EFF_FTE:
    cs_yq_check_keys(&L->q, e, KEYS("kind", "sector", "change"), c); break;
  case CS_EFF_SHIFT:
    cs_yq_check_keys(&L->q, e, KEYS("kind", "from", "to", "fraction", "ratio"), c); break;
  case CS_EFF_TRANSITION:
    cs_yq_check_keys(&L->q, e, KEYS("kind", "from", "to", "change"), c); break;
  case CS_EFF_WORKFORCE:
    cs_yq_check_keys(&L->q, e, KEYS("kind", "group", "outflow_change", "extra_inflow"), c); break;
  }
}

static void load_change(ld *L, cs_ynode *e, const char *c, cs_effect *f) {
  if (req_num(L, e, "change", c, &f->change)) return;
  num_range(L, e, "change", c, f->change, -1.0, INFINITY, "a change >= -1");
}

static void load_transition_effect(ld *L, cs_ynode *e, const char *c, cs_intervention *iv,
                                   cs_effect *f) {
  cs_plan *P = L->P;
  f->from = req_id(L, e, "from", c, "state", P->states, sizeof *P->states, P->nstate);
  f->to = req_id(L, e, "to", c, "state", P->states, sizeof *P->states, P->nstate);
  load_change(L, e, c, f);
  if (f->from >= 0 && f->from == f->to)
    cs_yq_err(&L->q, cs_yq_get(&L->q, e, "to"), "transition effect from '%s' to itself in %s "
              "(expected two different states)", P->states[f->from].id, c);
  if (f->from >= 0 && iv->has_states && !iv->state_mask[f->from])
    cs_yq_err(&L->q, cs_yq_get(&L->q, e, "from"), "transition effect from '%s' in %s can never "
              "act (expected '%s' in the intervention's target.states)", P->states[f->from].id, c,
              P->states[f->from].id);
}

static void load_effect(ld *L, cs_ynode *e, const char *c, cs_intervention *iv, cs_effect *f) {
  cs_plan *P = L->P;
  f->sector = f->from = f->to = f->group = CS_NONE;
  f->change = f->fraction = f->ratio = f->outflow_change = f->extra_inflow = unused(L);
  cs_ynode *kn = cs_yq_req(&L->q, e, "kind", c);
  int k = kn ? enum_val(L, kn, "effect kind", effect_kinds, 6) : -1;
  if (k < 0) return;
  f->kind = (cs_effect_kind)k;
  check_effect_keys(L, e, f->kind, c);
  const void *sec = P->sectors;
  size_t ss = sizeof *P->sectors;
  switch (f->kind) {
  case CS_EFF_USE: case CS_EFF_EOL: case CS_EFF_FTE:
    f->sector = req_id(L, e, "sector", c, "sector", sec, ss, P->nsector);
    load_change(L, e, c, f);
    break;
  case CS_EFF_SHIFT:
    f->from = req_id(L, e, "from", c, "sector", sec, ss, P->nsector);
    f->to = req_id(L, e, "to", c, "sector", sec, ss, P->nsector);
    if (!req_num(L, e, "fraction", c, &f->fraction)) num_range(L, e, "fraction", c, f->fraction, PROB);
    if (!req_num(L, e, "ratio", c, &f->ratio)) num_range(L, e, "ratio", c, f->ratio, NONNEG);
    break;
  case CS_EFF_TRANSITION: load_transition_effect(L, e, c, iv, f); break;
  case CS_EFF_WORKFORCE:
    f->group = req_id(L, e, "group", c, "workforce group", P->groups, sizeof *P->groups, P->ngroup);
    opt_num(L, e, "outflow_change", c, 0, &f->outflow_change);
    opt_num(L, e, "extra_inflow", c, 0, &f->extra_inflow);
    break;
  }
}

static void load_cost(ld *L, cs_ynode *e, const char *c, cs_cost *k) {
  cs_plan *P = L->P;
  static const char *const kinds[] = {"once", "per_year", "per_participant"};
  k->payer = req_id(L, e, "payer", c, "payer", P->payers, sizeof *P->payers, P->npayer);
  k->amount = unused(L);
  k->year = CS_YEAR_NONE;
  k->from = P->T0;
  k->to = P->T1;
  int kind = -1, nk = 0;
  for (int i = 0; i < 3; i++)
    if (cs_yq_get(&L->q, e, kinds[i])) { kind = i; nk++; }
  if (nk != 1) {
    cs_yq_check_keys(&L->q, e, KEYS("payer", "once", "per_year", "per_participant", "year",
                                    "from", "to"), c);
    cs_yq_err(&L->q, e, "%s has %s (expected exactly one of once, per_year, per_participant)", c,
              nk ? "more than one amount" : "no amount");
    return;
  }
  k->kind = (cs_cost_kind)kind;
  if (kind == 0) cs_yq_check_keys(&L->q, e, KEYS("payer", "once", "year"), c);
  if (kind == 1) cs_yq_check_keys(&L->q, e, KEYS("payer", "per_year", "from", "to"), c);
  if (kind == 2) cs_yq_check_keys(&L->q, e, KEYS("payer", "per_participant"), c);
  if (!req_num(L, e, kinds[kind], c, &k->amount))
    num_range(L, e, kinds[kind], c, k->amount, NONNEG);
  if (kind == 0) {
    cs_ynode *y = cs_yq_req(&L->q, e, "year", c);
    if (y) year_node(L, y, "cost year", &k->year);
  } else if (kind == 1) {
    opt_year(L, e, "from", c, P->T0, &k->from);
    opt_year(L, e, "to", c, P->T1, &k->to);
    if (k->from > k->to)
      cs_yq_err(&L->q, e, "%s runs from %d to %d (expected from <= to)", c, k->from, k->to);
  }
}

static void load_resource(ld *L, cs_ynode *e, const char *c, cs_resource *r) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, e, KEYS("organisation", "role", "fte", "euro", "from", "to", "year"), c);
  r->organisation = req_str(L, e, "organisation", c);
  r->role = req_str(L, e, "role", c);
  plain_num(L, e, "fte", c, 0, NONNEG, &r->fte);
  plain_num(L, e, "euro", c, 0, NONNEG, &r->euro);
  opt_year(L, e, "from", c, P->T0, &r->from);
  opt_year(L, e, "to", c, P->T1, &r->to);
  opt_year(L, e, "year", c, P->T0, &r->year);
  if (r->from > r->to)
    cs_yq_err(&L->q, e, "%s runs from %d to %d (expected from <= to)", c, r->from, r->to);
}

static void load_milestone(ld *L, cs_ynode *e, const char *c, cs_milestone *m) {
  cs_yq_check_keys(&L->q, e, KEYS("indicator", "year", "target"), c);
  m->indicator = req_str(L, e, "indicator", c);
  cs_ynode *y = cs_yq_req(&L->q, e, "year", c);
  if (y) year_node(L, y, "milestone year", &m->year);
  cs_ynode *t = cs_yq_req(&L->q, e, "target", c);
  if (t) cs_yq_dbl(&L->q, t, "milestone target", &m->target);
}

/* A list of maps under key: allocates *out and calls one loader per item. */
typedef void (*item_fn)(ld *, cs_ynode *, const char *, void *, cs_intervention *);

static int load_list(ld *L, cs_ynode *iv_map, const char *key, const char *ctx, size_t size,
                     void **out, item_fn fn, cs_intervention *iv) {
  cs_ynode *m = cs_yq_get(&L->q, iv_map, key);
  *out = NULL;
  if (!m || cs_yq_is_null(m)) return 0;
  char c[CTX];
  snprintf(c, sizeof c, "%.300s.%.300s", ctx, key);
  if (!cs_yq_want_seq(&L->q, m, c)) return 0;
  size_t n = cs_yq_len(m);
  char *arr = A(L, n, size);
  if (!arr) return 0;
  int kept = 0;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *e = cs_yq_item(&L->q, m, i);
    snprintf(c, sizeof c, "%.300s.%.300s[%zu]", ctx, key, i + 1);
    if (!cs_yq_want_map(&L->q, e, c)) continue;
    fn(L, e, c, arr + (size_t)kept++ * size, iv);
  }
  *out = arr;
  return kept;
}

static void fn_effect(ld *L, cs_ynode *e, const char *c, void *p, cs_intervention *iv) {
  load_effect(L, e, c, iv, p);
}
static void fn_cost(ld *L, cs_ynode *e, const char *c, void *p, cs_intervention *iv) {
  (void)iv;
  load_cost(L, e, c, p);
}
static void fn_resource(ld *L, cs_ynode *e, const char *c, void *p, cs_intervention *iv) {
  (void)iv;
  load_resource(L, e, c, p);
}
static void fn_milestone(ld *L, cs_ynode *e, const char *c, void *p, cs_intervention *iv) {
  (void)iv;
  load_milestone(L, e, c, p);
}

static void load_iv(ld *L, cs_ynode *m, const char *ctx, cs_intervention *iv) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, m, KEYS("id", "name", "target", "uptake", "effects", "costs",
                                  "resources", "milestones"), ctx);
  iv->name = req_str(L, m, "name", ctx);
  iv->area_mask = A(L, (size_t)P->narea, 1);
  iv->state_mask = A(L, (size_t)P->nstate, 1);
  iv->start_by_sub = A(L, (size_t)P->nsub, sizeof *iv->start_by_sub);
  if (!iv->area_mask || !iv->state_mask || !iv->start_by_sub) return;
  load_target(L, cs_yq_get(&L->q, m, "target"), ctx, iv);
  load_uptake(L, cs_yq_req(&L->q, m, "uptake", ctx), ctx, iv);
  void *p;
  iv->neffect = load_list(L, m, "effects", ctx, sizeof(cs_effect), &p, fn_effect, iv);
  iv->effects = p;
  iv->ncost = load_list(L, m, "costs", ctx, sizeof(cs_cost), &p, fn_cost, iv);
  iv->costs = p;
  iv->nresource = load_list(L, m, "resources", ctx, sizeof(cs_resource), &p, fn_resource, iv);
  iv->resources = p;
  iv->nmilestone = load_list(L, m, "milestones", ctx, sizeof(cs_milestone), &p, fn_milestone, iv);
  iv->milestones = p;
}

static void load_theme(ld *L, cs_ynode *m, const char *ctx, cs_theme *th) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, m, KEYS("id", "name", "leader", "interventions"), ctx);
  th->name = req_str(L, m, "name", ctx);
  th->leader = opt_str(L, m, "leader", ctx);
  th->first = P->niv;
  cs_ynode *ivs = cs_yq_req(&L->q, m, "interventions", ctx);
  char c[CTX];
  snprintf(c, sizeof c, "%.300s.interventions", ctx);
  if (!ivs || !cs_yq_want_seq(&L->q, ivs, c)) return;
  size_t n = cs_yq_len(ivs);
  for (size_t i = 0; i < n; i++) {
    cs_ynode *v = cs_yq_item(&L->q, ivs, i);
    char ic[CTX];
    item_ctx(L, c, sizeof c, "interventions", v, i);
    snprintf(ic, sizeof ic, "%.300s.%.300s", ctx, c);
    if (!cs_yq_want_map(&L->q, v, ic)) continue;
    const char *id = req_str(L, v, "id", ic);
    if (!id || dup_id(L, v, "intervention", id, P->ivs, sizeof *P->ivs, P->niv)) continue;
    cs_intervention *iv = &P->ivs[P->niv++];
    iv->id = id;
    iv->theme = (int32_t)(th - P->themes);
    load_iv(L, v, ic, iv);
  }
  th->count = P->niv - th->first;
}

static void load_themes(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_req(&L->q, root, "themes", "the plan");
  if (!m || !cs_yq_want_seq(&L->q, m, "themes")) return;
  size_t n = cs_yq_len(m), niv = 0;
  for (size_t i = 0; i < n; i++)
    niv += cs_yq_len(cs_yq_get(&L->q, cs_yq_item(&L->q, m, i), "interventions"));
  P->themes = A(L, n, sizeof *P->themes);
  P->ivs = A(L, niv, sizeof *P->ivs);
  if (!P->themes || !P->ivs) return;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *t = cs_yq_item(&L->q, m, i);
    char ctx[CTX];
    item_ctx(L, ctx, sizeof ctx, "themes", t, i);
    if (!cs_yq_want_map(&L->q, t, ctx)) continue;
    const char *id = req_str(L, t, "id", ctx);
    if (!id || dup_id(L, t, "theme", id, P->themes, sizeof *P->themes, P->ntheme)) continue;
    cs_theme *th = &P->themes[P->ntheme++];
    th->id = id;
    load_theme(L, t, ctx, th);
  }
}

/* ---- scenarios and psa ---- */

static void load_delay(ld *L, cs_ynode *m, cs_scenario_def *s) {
  cs_plan *P = L->P;
  if (!cs_yq_want_map(&L->q, m, "scenario delay")) return;
  size_t n = cs_yq_len(m);
  for (size_t i = 0; i < n; i++) {
    int sub = id_node(L, cs_yq_key(&L->q, m, i), "subregion", P->subs, sizeof *P->subs, P->nsub);
    long d;
    if (!cs_yq_int(&L->q, cs_yq_val(&L->q, m, i), "delay", 0, MAX_SPAN, &d) && sub >= 0)
      s->delay[sub] = (int32_t)d;
  }
}

static int reserved_scenario(const char *id) {
  return !strcmp(id, "baseline") || !strcmp(id, "plan") || !strncmp(id, "without-", 8);
}

static void load_scenario(ld *L, cs_ynode *v, const char *ctx, cs_scenario_def *s) {
  cs_plan *P = L->P;
  cs_yq_check_keys(&L->q, v, KEYS("id", "subregions", "delay"), ctx);
  s->sub_mask = A(L, (size_t)P->nsub, 1);
  s->delay = A(L, (size_t)P->nsub, sizeof *s->delay);
  if (!s->sub_mask || !s->delay) return;
  cs_ynode *m = cs_yq_get(&L->q, v, "subregions");
  if (m && !cs_yq_is_null(m)) {
    s->has_subregions = 1;
    id_list(L, m, "scenario subregions", "subregion", P->subs, sizeof *P->subs, P->nsub,
            s->sub_mask);
  } else {
    memset(s->sub_mask, 1, (size_t)P->nsub);
  }
  if ((m = cs_yq_get(&L->q, v, "delay")) && !cs_yq_is_null(m)) load_delay(L, m, s);
}

static void load_scenarios(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_get(&L->q, root, "scenarios");
  if (!m || cs_yq_is_null(m) || !cs_yq_want_seq(&L->q, m, "scenarios")) return;
  size_t n = cs_yq_len(m);
  P->scens = A(L, n, sizeof *P->scens);
  if (!P->scens) return;
  for (size_t i = 0; i < n; i++) {
    cs_ynode *v = cs_yq_item(&L->q, m, i);
    char ctx[CTX];
    item_ctx(L, ctx, sizeof ctx, "scenarios", v, i);
    if (!cs_yq_want_map(&L->q, v, ctx)) continue;
    const char *id = req_str(L, v, "id", ctx);
    if (!id || dup_id(L, v, "scenario", id, P->scens, sizeof *P->scens, P->nscen)) continue;
    if (reserved_scenario(id)) {
      cs_yq_err(&L->q, cs_yq_get(&L->q, v, "id"), "scenario id " CS_QF " is reserved (expected "
                "an id other than baseline, plan and without-*)", CS_QA(id));
      continue;
    }
    cs_scenario_def *s = &P->scens[P->nscen++];
    s->id = id;
    load_scenario(L, v, ctx, s);
  }
}

static void load_psa(ld *L, cs_ynode *root) {
  cs_plan *P = L->P;
  cs_ynode *m = cs_yq_get(&L->q, root, "psa");
  if (!m || cs_yq_is_null(m) || !cs_yq_want_map(&L->q, m, "psa")) return;
  cs_yq_check_keys(&L->q, m, KEYS("draws", "seed"), "psa");
  long d = 0, s = 0;
  cs_ynode *v;
  if ((v = cs_yq_get(&L->q, m, "draws")) && !cs_yq_int(&L->q, v, "psa draws", 0, 10000000, &d))
    P->psa_draws = (int32_t)d;
  if ((v = cs_yq_get(&L->q, m, "seed")) &&
      !cs_yq_int(&L->q, v, "psa seed", 0, 9007199254740992L, &s)) {
    P->psa_seed = (uint64_t)s;
    P->psa_has_seed = 1;
  }
  P->has_psa = 1;
}

/* ---- the whole plan ---- */

static const char *const top_keys[] = {
    "careshift", "plan", "region", "years", "population", "demography", "states",
    "state_shares", "transitions", "payers", "workforce", "sectors", "use", "end_of_life_use",
    "economics", "criteria", "parameters", "themes", "scenarios", "psa"};

static void load_root(ld *L, cs_ynode *root) {
  cs_yq_check_keys(&L->q, root, top_keys, sizeof top_keys / sizeof *top_keys, "the plan");
  load_version(L, root);
  load_meta(L, root);
  load_years(L, root);
  load_parameters(L, root);
  load_region(L, root);
  cs_ynode *st = cs_yq_get(&L->q, root, "states");
  load_states(L, root);
  load_payers(L, root);
  load_workforce_and_sectors(L, root);
  load_population(L, root);
  load_demography(L, root);
  load_state_tables(L, root, st && cs_yq_is_seq(st) && cs_yq_len(st) > 0);
  load_use_tables(L, root);
  load_economics(L, root);
  load_criteria(L, root);
  load_themes(L, root);
  load_scenarios(L, root);
  load_psa(L, root);
}

static void set_dir(ld *L, const char *path) {
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) + 1 : 0;
  L->dir = cs_arena_strndup(&L->P->arena, path, n);
}

static void load_file(ld *L, const char *path) {
  size_t len;
  unsigned char *buf = cs_read_file(&L->rep, path, path, NULL, 0, 0, &len);
  if (!buf) return;
  if (len == 0)
    cs_rep_add(&L->rep, path, 1, 1, "empty plan file (expected a yaml mapping)");
  else if (len > CS_MAX_YAML)
    cs_rep_add(&L->rep, path, 1, 1, "plan file is too large (%zu bytes, expected at most 16 MiB; "
               "large data belongs in the CSV tables)", len);
  else if (!cs_text_check(&L->rep, path, buf, len) && !cs_yq_load(&L->q, path, buf, len, &L->rep)) {
    cs_ynode *root = cs_yq_root(&L->q);
    if (cs_yq_want_map(&L->q, root, "the plan")) load_root(L, root);
    cs_yq_free(&L->q);
  }
  free(buf);
}

static void finish_dists(ld *L) {
  cs_plan *P = L->P;
  P->dists = A(L, (size_t)L->ndist, sizeof *P->dists);
  if (!P->dists) return;
  memcpy(P->dists, L->dists, (size_t)L->ndist * sizeof *P->dists);
  P->ndist = L->ndist;
}

cs_status cs_plan_load(const char *path, cs_plan **out, cs_diags *diags) {
  if (out) *out = NULL;
  if (!path || !out) {
    cs_diags_add(diags, NULL, 0, 0, "no plan file given");
    return CS_EINVAL;
  }
  /* GSL's default error handler aborts the process; the library reports errors instead. */
  gsl_set_error_handler_off();
  cs_plan *P = calloc(1, sizeof *P);
  if (!P) return CS_ENOMEM;
  cs_arena_init(&P->arena);
  ld L = {.P = P, .rep = {diags, 0}, .zero = -1};
  L.q.file = path;
  P->path = S(&L, path);
  set_dir(&L, path);
  if (P->path && L.dir) load_file(&L, P->path);
  else L.oom = 1;
  if (!L.rep.nerr && !L.oom) finish_dists(&L);
  free(L.dists);
  if (L.rep.nerr || L.oom) {
    cs_plan_free(P);
    return L.oom ? CS_ENOMEM : CS_EINVAL;
  }
  *out = P;
  return CS_OK;
}

void cs_plan_free(cs_plan *plan) {
  if (!plan) return;
  cs_arena_release(&plan->arena);
  free(plan);
}

void cs_plan_get_info(const cs_plan *P, cs_plan_info *info) {
  memset(info, 0, sizeof *info);
  if (!P) return;
  info->name = P->name;
  info->region = P->region_name;
  info->base_year = P->T0;
  info->horizon = P->T1;
  info->areas = P->narea;
  info->subregions = P->nsub;
  info->states = P->nstate;
  info->sectors = P->nsector;
  info->payers = P->npayer;
  info->groups = P->ngroup;
  info->themes = P->ntheme;
  info->interventions = P->niv;
  info->scenarios = P->nscen;
  for (int i = 0; i < P->ndist; i++) info->distributions += P->dists[i].kind != CS_DIST_FIXED;
  info->projection_mode = P->has_projection;
  double sum = 0;
  size_t n = (size_t)P->narea * CS_NSEX * CS_NAGE;
  for (size_t i = 0; P->pop && i < n; i++) sum += P->pop[i];
  if (P->pop_scale.p >= 0 && P->pop_scale.p < P->ndist)
    sum *= P->pop_scale.sign * P->dists[P->pop_scale.p].mean;
  info->persons = sum;
  info->psa_draws = P->has_psa ? P->psa_draws : 0;
  info->psa_seed = P->psa_seed;
  info->psa_has_seed = P->psa_has_seed;
  info->has_psa = P->has_psa;
}
