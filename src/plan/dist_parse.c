/* dist_parse.c: reads a plan number from YAML: a plain number, {fixed: v} or {dist: KIND, ...}
 * with the fields of one of the kind's forms. Unknown keys, missing or non-numeric fields and
 * invalid parameters are each reported where they are. */
#include "dist_parse.h"

#include <stdio.h>
#include <string.h>

/* One way of giving a kind: its fields, in the order they are read and reported, and the
 * constructor they go to (make2 for two fields, make3 for three). */
typedef struct {
  cs_dist_kind kind;
  const char *field[3];
  const char *(*make2)(cs_dist *, double, double);
  const char *(*make3)(cs_dist *, double, double, double);
} form;

/* Beta and lognormal have two forms: the first is read unless a field of the second is given.
 * The order of the fields is also the order of the allowed keys, which did-you-mean follows. */
static const form forms[] = {
    {CS_DIST_BETA, {"mean", "sd"}, cs_dist_beta_ms, NULL},
    {CS_DIST_BETA, {"alpha", "beta"}, cs_dist_beta_ab, NULL},
    {CS_DIST_GAMMA, {"mean", "sd"}, cs_dist_gamma_ms, NULL},
    {CS_DIST_LOGNORMAL, {"mean", "sd"}, cs_dist_lognormal_ms, NULL},
    {CS_DIST_LOGNORMAL, {"meanlog", "sdlog"}, cs_dist_lognormal_log, NULL},
    {CS_DIST_NORMAL, {"mean", "sd"}, cs_dist_normal, NULL},
    {CS_DIST_UNIFORM, {"min", "max"}, cs_dist_uniform, NULL},
    {CS_DIST_TRIANGULAR, {"min", "mode", "max"}, NULL, cs_dist_triangular},
    {CS_DIST_PERT, {"min", "mode", "max"}, NULL, cs_dist_pert},
};
#define NFORM (sizeof forms / sizeof *forms)
#define NKIND (CS_DIST_PERT + 1)

typedef struct {
  cs_yq *q;
  cs_ynode *n;
  const char *what;
  int bad;
  char why[160]; /* a message that names fields */
} pctx;

/* A required numeric field of a distribution mapping. */
static double field(pctx *c, const char *key, const char *kind) {
  cs_ynode *v = cs_yq_get(c->q, c->n, key);
  char what[CS_CTX];
  if (!strcmp(kind, key)) /* {fixed: v}: "x: fixed", not "x: fixed fixed" */
    snprintf(what, sizeof what, "%.300s: %.300s", c->what, key);
  else
    snprintf(what, sizeof what, "%.300s: %.300s %.300s", c->what, kind, key);
  if (!v) {
    cs_yq_err(c->q, c->n, "missing required field '%s' in %s distribution of %s", key, kind,
              c->what);
    c->bad = 1;
    return 0;
  }
  double x = 0;
  if (cs_yq_dbl(c->q, v, what, &x)) c->bad = 1;
  return x;
}

static int nfield(const form *f) { return f->field[2] ? 3 : 2; }

static int any_given(pctx *c, const form *f) {
  for (int i = 0; i < nfield(f); i++)
    if (cs_yq_get(c->q, c->n, f->field[i])) return 1;
  return 0;
}

/* The first form of kind k; *alt is its second form or NULL. */
static const form *forms_of(cs_dist_kind k, const form **alt) {
  const form *f = NULL;
  *alt = NULL;
  for (size_t i = 0; i < NFORM; i++) {
    if (forms[i].kind != k) continue;
    if (f)
      *alt = &forms[i];
    else
      f = &forms[i];
  }
  return f;
}

/* Reports keys that are neither 'dist' nor a field of one of the kind's forms. */
static void check_fields(pctx *c, const char *kn, const form *f, const form *alt) {
  const form *both[2] = {f, alt};
  const char *keys[7] = {"dist"};
  size_t n = 1;
  for (int j = 0; j < 2 && both[j]; j++)
    for (int i = 0; i < nfield(both[j]); i++)
      keys[n++] = both[j]->field[i];
  char ctx[CS_CTX];
  snprintf(ctx, sizeof ctx, "%.300s distribution of %.300s", kn, c->what);
  cs_yq_check_keys(c->q, c->n, keys, n, ctx);
}

/* Makes d from the fields of the form given. Returns why the parameters are invalid, or NULL
 * (also when a field was bad: that is already reported, and c->bad set). */
static const char *parse_fields(pctx *c, cs_dist *d, cs_dist_kind k) {
  const char *kn = cs_dist_kind_name(k);
  const form *alt, *f = forms_of(k, &alt);
  check_fields(c, kn, f, alt);
  if (alt && any_given(c, alt)) {
    if (any_given(c, f)) {
      snprintf(c->why, sizeof c->why, "%s takes either %s and %s or %s and %s, not both", kn,
               f->field[0], f->field[1], alt->field[0], alt->field[1]);
      return c->why;
    }
    f = alt;
  }
  double x[3] = {0, 0, 0};
  for (int i = 0; i < nfield(f); i++)
    x[i] = field(c, f->field[i], kn);
  if (c->bad) return NULL;
  return f->make3 ? f->make3(d, x[0], x[1], x[2]) : f->make2(d, x[0], x[1]);
}

static void unknown_kind(pctx *c, cs_ynode *kn, const char *ks) {
  const char *names[NKIND - 1]; /* the kinds 'dist' takes: all but fixed */
  for (int k = 1; k < NKIND; k++)
    names[k - 1] = cs_dist_kind_name((cs_dist_kind)k);
  const char *s = cs_suggest(ks, names, NKIND - 1);
  cs_yq_err(c->q, kn, "unknown distribution " CS_QF " in %s (%s%s%s)", CS_QA(ks), c->what,
            s ? "did you mean '"
              : "expected beta, gamma, lognormal, normal, uniform, triangular or pert",
            s ? s : "", s ? "'?" : "");
}

static int parse_kind(pctx *c, cs_dist *d) {
  cs_ynode *kn = cs_yq_get(c->q, c->n, "dist");
  const char *ks = cs_yq_str(c->q, kn, "dist");
  if (!ks) return -1;
  int k = 1;
  while (k < NKIND && strcmp(cs_dist_kind_name((cs_dist_kind)k), ks))
    k++;
  if (k == NKIND) {
    unknown_kind(c, kn, ks);
    return -1;
  }
  const char *why = parse_fields(c, d, (cs_dist_kind)k);
  if (why) cs_yq_err(c->q, c->n, "%s: no valid distribution: %s", c->what, why);
  return why || c->bad ? -1 : 0;
}

int cs_dist_parse(cs_yq *q, cs_ynode *n, const char *what, cs_dist *out) {
  cs_dist_fixed(out, 0);
  pctx c = {q, n, what, 0, ""};
  if (cs_yq_is_map(n)) {
    if (cs_yq_get(q, n, "dist")) return parse_kind(&c, out);
    if (cs_yq_get(q, n, "fixed")) {
      char ctx[CS_CTX];
      snprintf(ctx, sizeof ctx, "fixed value of %.300s", what);
      cs_yq_check_keys(q, n, CS_KEYS("fixed"), ctx);
      double v = field(&c, "fixed", "fixed");
      cs_dist_fixed(out, v);
      return c.bad ? -1 : 0;
    }
    cs_yq_err(q, n,
              "%s is a mapping without 'dist' or 'fixed' (expected a number or a "
              "distribution such as {dist: beta, mean: 0.2, sd: 0.05})",
              what);
    return -1;
  }
  double v;
  if (cs_yq_dbl(q, n, what, &v)) return -1;
  cs_dist_fixed(out, v);
  return 0;
}
