/* schema.c: how the loader reads each kind of value of the plan format (PLAN-FORMAT.md v1):
 * numbers that may be distributions (each becomes a labelled entry of the plan's list of
 * distributions), strings, plain numbers, years, enums, ids, lists and CSV tables. */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- memory ---- */

void *cs_ld_alloc(cs_ld *L, size_t n, size_t size) {
  return cs_rep_mem(&L->rep, cs_arena_calloc(&L->P->arena, n ? n : 1, size));
}

const char *cs_ld_strdup(cs_ld *L, const char *s) {
  return s ? cs_rep_mem(&L->rep, cs_arena_strdup(&L->P->arena, s)) : NULL;
}

const char *cs_ld_label(cs_ld *L, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  const char *s = cs_ld_strdup(L, buf);
  return s ? s : ""; /* out of memory: the load fails, but messages still get a string */
}

/* ---- numbers that may be distributions ---- */

int32_t cs_ld_push_dist(cs_ld *L, const cs_dist *d, const char *label) {
  if (L->ndist == L->cap) {
    int32_t cap = L->cap ? L->cap * 2 : 64;
    cs_dist *n = cs_rep_mem(&L->rep, cs_realloc(L->dists, (size_t)cap * sizeof *n));
    if (!n) return 0;
    L->dists = n;
    L->cap = cap;
  }
  L->dists[L->ndist] = *d;
  L->dists[L->ndist].label = label;
  return L->ndist++;
}

cs_num cs_ld_fixed(cs_ld *L, double v, const char *label) {
  cs_dist d;
  cs_dist_fixed(&d, v);
  return (cs_num){cs_ld_push_dist(L, &d, label), 1.0};
}

cs_num cs_ld_unused(cs_ld *L) {
  if (L->zero < 0) L->zero = cs_ld_fixed(L, 0, "unused").p;
  return (cs_num){L->zero, 1.0};
}

/* The deterministic value of n as loaded so far. */
static double nval(cs_ld *L, cs_num n) {
  return n.p >= 0 && n.p < L->ndist ? n.sign * L->dists[n.p].mean : 0;
}

static int num_param(cs_ld *L, cs_ynode *n, const char *s, cs_num *out) {
  cs_plan *P = L->P;
  int i = cs_id_find(P->param_names, sizeof *P->param_names, P->nparam, s + 1);
  /* A parameter that is written but failed to load was reported where it is written;
   * calling each use of it unknown would be false. */
  if (i < 0 && L->params && cs_yq_get(&L->q, L->params, s + 1)) return -1;
  if (i < 0) {
    cs_id_unknown(&L->rep, L->q.file, cs_yq_line(n), cs_yq_col(n), "parameter", s + 1,
                  P->param_names, sizeof *P->param_names, P->nparam);
    return -1;
  }
  *out = (cs_num){P->param_dist[i], 1.0};
  return 0;
}

int cs_ld_num(cs_ld *L, cs_ynode *n, const char *label, cs_num *out) {
  *out = cs_ld_unused(L);
  const char *s = cs_yq_scalar(n);
  if (s && s[0] == '$') return num_param(L, n, s, out);
  if (cs_yq_is_map(n) && cs_yq_get(&L->q, n, "neg")) {
    cs_yq_check_keys(&L->q, n, CS_KEYS("neg"), label);
    if (cs_ld_num(L, cs_yq_get(&L->q, n, "neg"), label, out)) return -1;
    out->sign = -out->sign;
    return 0;
  }
  cs_dist d;
  if (cs_dist_parse(&L->q, n, label, &d)) return -1;
  out->p = cs_ld_push_dist(L, &d, label);
  return 0;
}

int cs_ld_opt_num(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, double def,
                  cs_num *out) {
  cs_ynode *v = cs_ld_given(L, map, key);
  const char *label = cs_ld_label(L, "%s.%s", ctx, key);
  if (!v) {
    *out = cs_ld_fixed(L, def, label);
    return 1;
  }
  return cs_ld_num(L, v, label, out);
}

int cs_ld_req_num(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, cs_num *out) {
  *out = cs_ld_unused(L);
  cs_ynode *v = cs_yq_req(&L->q, map, key, ctx);
  if (!v) return -1;
  return cs_ld_num(L, v, cs_ld_label(L, "%s.%s", ctx, key), out);
}

void cs_ld_num_range(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, cs_num n, double lo,
                     double hi, const char *expect) {
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

void cs_ld_node_range(cs_ld *L, cs_ynode *node, const char *what, cs_num n, double lo, double hi,
                      const char *expect) {
  double v = nval(L, n);
  if (v >= lo && v <= hi) return;
  const char *s = cs_yq_scalar(node);
  if (s && s[0] != '$')
    cs_yq_err(&L->q, node, "%s " CS_QF " is out of range (expected %s)", what, CS_QA(s), expect);
  else
    cs_yq_err(&L->q, node, "%s has mean %g, out of range (expected %s)", what, v, expect);
}

/* ---- plain values ---- */

cs_ynode *cs_ld_given(cs_ld *L, cs_ynode *map, const char *key) {
  cs_ynode *v = cs_yq_get(&L->q, map, key);
  return v && !cs_yq_is_null(v) ? v : NULL;
}

/* "key in ctx", what messages call a field. */
static const char *key_in(char *buf, size_t size, const char *key, const char *ctx) {
  snprintf(buf, size, "%.300s in %.300s", key, ctx);
  return buf;
}

static const char *str_of(cs_ld *L, cs_ynode *v, const char *key, const char *ctx) {
  char what[CS_CTX];
  return cs_ld_strdup(L, cs_yq_str(&L->q, v, key_in(what, sizeof what, key, ctx)));
}

const char *cs_ld_opt_str(cs_ld *L, cs_ynode *map, const char *key, const char *ctx) {
  cs_ynode *v = cs_ld_given(L, map, key);
  return v ? str_of(L, v, key, ctx) : NULL;
}

const char *cs_ld_req_str(cs_ld *L, cs_ynode *map, const char *key, const char *ctx) {
  cs_ynode *v = cs_yq_req(&L->q, map, key, ctx);
  return v ? str_of(L, v, key, ctx) : NULL;
}

int cs_ld_plain_num(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, double def,
                    double lo, double hi, const char *expect, double *out) {
  *out = def;
  cs_ynode *v = cs_ld_given(L, map, key);
  if (!v) return 0;
  char what[CS_CTX];
  if (cs_yq_dbl(&L->q, v, key_in(what, sizeof what, key, ctx), out)) return -1;
  if (*out >= lo && *out <= hi) return 0;
  cs_yq_err(&L->q, v, "%s '%s' in %s is out of range (expected %s)", key, cs_yq_scalar(v), ctx,
            expect);
  return -1;
}

int cs_ld_year(cs_ld *L, cs_ynode *v, const char *what, int32_t *out) {
  long y;
  if (cs_yq_int(&L->q, v, what, CS_YEAR_MIN, CS_YEAR_MAX, &y)) return -1;
  if (L->years_ok && (y < L->P->T0 || y > L->P->T1)) {
    cs_yq_err(&L->q, v, "%s '%ld' is outside %d..%d (expected a year from base to horizon)", what,
              y, L->P->T0, L->P->T1);
    return -1;
  }
  *out = (int32_t)y;
  return 0;
}

int cs_ld_opt_year(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, int32_t def,
                   int32_t *out) {
  *out = def;
  cs_ynode *v = cs_ld_given(L, map, key);
  if (!v) return 0;
  char what[CS_CTX];
  return cs_ld_year(L, v, key_in(what, sizeof what, key, ctx), out);
}

int cs_ld_enum(cs_ld *L, cs_ynode *v, const char *what, const char *const *names, int n) {
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

/* ---- ids ---- */

int cs_ld_id(cs_ld *L, cs_ynode *v, const char *what, const void *base, size_t stride, int n) {
  char w[200];
  snprintf(w, sizeof w, "%s id", what);
  const char *s = cs_yq_str(&L->q, v, w);
  if (!s) return -1;
  int i = cs_id_find(base, stride, n, s);
  if (i < 0)
    cs_id_unknown(&L->rep, L->q.file, cs_yq_line(v), cs_yq_col(v), what, s, base, stride, n);
  return i;
}

int cs_ld_sub_key(cs_ld *L, cs_ynode *key, uint8_t *seen, const char *ctx) {
  cs_plan *P = L->P;
  int s = cs_ld_id(L, key, "subregion", P->subs, sizeof *P->subs, P->nsub);
  if (s < 0 || !seen) return s;
  if (seen[s]) {
    cs_yq_err(&L->q, key, "subregion '%s' is named twice in %s (expected each once)", P->subs[s],
              ctx);
    return -1;
  }
  seen[s] = 1;
  return s;
}

int cs_ld_req_id(cs_ld *L, cs_ynode *map, const char *key, const char *ctx, const char *what,
                 const void *base, size_t stride, int n) {
  cs_ynode *v = cs_yq_req(&L->q, map, key, ctx);
  return v ? cs_ld_id(L, v, what, base, stride, n) : -1;
}

int cs_ld_id_list(cs_ld *L, cs_ynode *v, const char *what, const char *kind, const void *base,
                  size_t stride, int n, uint8_t *mask) {
  if (!cs_yq_want_seq(&L->q, v, what)) return -1;
  size_t len = cs_yq_len(v);
  for (size_t i = 0; i < len; i++) {
    int k = cs_ld_id(L, cs_yq_item(&L->q, v, i), kind, base, stride, n);
    if (k >= 0 && mask) mask[k] = 1;
  }
  return 0;
}

/* An id names a row in every table and is matched in CSV files: an empty one, or one with
 * white space at its ends or a control character, could never be matched as written. */
static int bad_id(cs_ld *L, cs_ynode *v, const char *what, const char *id) {
  const char *why = cs_id_problem(id);
  if (!why) return 0;
  cs_ynode *at = cs_yq_is_map(v) ? cs_yq_get(&L->q, v, "id") : v; /* an item, or a key */
  cs_yq_err(&L->q, at, "%s id " CS_QF " %s (expected a name such as 'gp' or 'Noord')", what,
            CS_QA(id), why);
  return 1;
}

int cs_ld_dup_id(cs_ld *L, cs_ynode *v, const char *what, const char *id, const void *base,
                 size_t stride, int n) {
  if (!id) return 0;
  if (bad_id(L, v, what, id)) return 1;
  if (cs_id_find(base, stride, n, id) < 0) return 0;
  cs_yq_err(&L->q, v, "duplicate %s id " CS_QF, what, CS_QA(id));
  return 1;
}

const char *cs_ld_item_id(cs_ld *L, cs_ynode *item, const char *ctx, const char *what,
                          const void *base, size_t stride, int n) {
  const char *id = cs_ld_req_str(L, item, "id", ctx);
  if (!id || cs_ld_dup_id(L, item, what, id, base, stride, n)) return NULL;
  return id;
}

/* ---- lists of mappings ---- */

/* The id of the i-th list item, for messages: sectors[gp] or sectors[3]. */
static void item_ctx(cs_ld *L, char *buf, size_t sz, const char *list, cs_ynode *item, size_t i) {
  cs_ynode *id = cs_yq_get(&L->q, item, "id");
  const char *s = cs_yq_scalar(id);
  if (s && *s && strlen(s) < 100)
    snprintf(buf, sz, "%s[%s]", list, s);
  else
    snprintf(buf, sz, "%s[%zu]", list, i + 1);
}

void cs_ld_each(cs_ld *L, cs_ynode *seq, const char *prefix, const char *list, cs_ld_item_fn *fn,
                void *arg) {
  size_t n = cs_yq_len(seq);
  for (size_t i = 0; i < n; i++) {
    cs_ynode *v = cs_yq_item(&L->q, seq, i);
    char item[CS_CTX], ctx[CS_CTX];
    item_ctx(L, item, sizeof item, list, v, i);
    if (prefix)
      snprintf(ctx, sizeof ctx, "%.300s.%.300s", prefix, item);
    else
      snprintf(ctx, sizeof ctx, "%s", item);
    if (cs_yq_want_map(&L->q, v, ctx)) fn(L, v, ctx, arg);
  }
}

/* ---- tables ---- */

/* {file, scale}: reads the scale (when the table takes one); returns the file node, or NULL
 * after reporting. */
static cs_ynode *table_map(cs_ld *L, cs_ynode *v, const char *key, cs_num *scale) {
  if (scale)
    cs_yq_check_keys(&L->q, v, CS_KEYS("file", "scale"), key);
  else
    cs_yq_check_keys(&L->q, v, CS_KEYS("file"), key);
  if (scale && cs_yq_get(&L->q, v, "scale")) {
    cs_ld_num(L, cs_yq_get(&L->q, v, "scale"), cs_ld_label(L, "%s.scale", key), scale);
    cs_ld_num_range(L, v, "scale", key, *scale, CS_NONNEG);
  }
  return cs_yq_req(&L->q, v, "file", key);
}

/* The file named by fnode, relative to the plan's directory; NULL after reporting. */
static const char *table_path(cs_ld *L, cs_ynode *fnode, const char *key) {
  char what[CS_CTX];
  snprintf(what, sizeof what, "table %.300s", key);
  const char *rel = cs_yq_str(&L->q, fnode, what);
  if (!rel) return NULL;
  if (!*rel) {
    cs_yq_err(&L->q, fnode, "table %s has an empty file name (expected a CSV file name)", key);
    return NULL;
  }
  /* A sealed load's overrides come from outside the plan's owner (the what-if API): naming a
   * file of their own would make the loader read, and quote in its errors, any file the
   * server can. The plan's own tables are the only ones such an override may reach. */
  if (L->sealed && cs_yq_line(fnode) > CS_YQ_OVR_LINE) {
    cs_yq_err(&L->q, fnode,
              "table %s: an override may not name a file here (expected a value of the plan; "
              "its tables are the plan's own)",
              key);
    return NULL;
  }
  size_t n = strlen(L->dir) + strlen(rel) + 1;
  char *path = cs_ld_alloc(L, n, 1);
  if (!path) return NULL;
  snprintf(path, n, "%s%s", rel[0] == '/' ? "" : L->dir, rel);
  return path;
}

int cs_ld_open(cs_ld *L, cs_ynode *map, const cs_tabspec *spec, const char *ctx, int required,
               cs_num *scale, cs_csv *t) {
  const char *key = spec->key;
  cs_ynode *v = cs_ld_given(L, map, key);
  if (scale) *scale = cs_ld_fixed(L, 1.0, cs_ld_label(L, "%s.scale", key));
  if (!v) {
    if (required) cs_yq_req(&L->q, map, key, ctx);
    return -1;
  }
  cs_ynode *fnode = cs_yq_is_map(v) ? table_map(L, v, key, scale) : v;
  const char *path = fnode ? table_path(L, fnode, key) : NULL;
  if (!path) return -1;
  return cs_csv_read(t, &L->rep, path, path, spec->cols, spec->ncol, L->q.file, cs_yq_line(fnode),
                     cs_yq_col(fnode));
}

void cs_ld_fill(cs_ld *L, cs_ynode *map, const cs_tabspec *spec, const char *ctx, int required,
                cs_num *scale, cs_fill_fn *fill) {
  cs_csv t;
  if (cs_ld_open(L, map, spec, ctx, required, scale, &t)) return;
  if (fill) fill(L->P, &L->rep, &t);
  cs_csv_free(&t);
}
