/* plan_sources.c: every number and distribution the plan file gives, and every CSV table it
 * reads, with the comment that says where it comes from (docs/plan-format.md "Sources of
 * numbers"; inputs.csv). libyaml drops comments, so they are read again from the file's bytes
 * between libyaml's tokens, where nothing but blanks and comments can stand: a '#' inside a
 * quoted or block scalar is part of a token and never taken for a comment. */
#include "plan_sources.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist_parse.h"

#define OWN_MAX 6     /* lines whose end comments are an input's own: a distribution's values */
#define SEG_MAX 100   /* the longest key written into a path; longer ids give the position */
#define PATH_BUF 8192 /* 64 levels of SEG_MAX keys fit */

/* Bytes [a, b) of comment lines; empty: none. */
typedef struct {
  size_t a, b;
} span;

/* A line that a source may come from: the comment at its end and the block of comment lines
 * directly above it, with their texts once made (NULL before). Lines are 0-based, as marks. */
typedef struct {
  int32_t line;
  span end, above;
  int32_t above_first; /* the line of the block's first comment */
  const char *end_text, *above_text;
} wline;

/* An entry that encloses inputs: a key of a mapping or an item of a list. */
typedef struct {
  int32_t parent; /* -1: the file itself */
  int32_t line;
  int key_only;    /* its line ends with the key (the value starts below) */
  int32_t child;   /* a key's mapping or list below it: the line of its first entry; else -1 */
  const char *src; /* NULL until resolved */
} scope;

/* An input before its source is known. */
typedef struct {
  cs_input in;
  int32_t scope;
  int32_t own[OWN_MAX]; /* lines whose end comments are its own */
  int nown;
  const char *table_src; /* a table's source from its CSV file; NULL for a number */
} pending;

typedef struct {
  cs_plan *P;
  cs_yq *q;
  cs_rep *rep;
  const unsigned char *buf;
  size_t len;
  scope *sc;
  int32_t nsc, capsc;
  pending *pd;
  int32_t npd, cappd;
  wline *wl;
  int32_t nwl, capwl;
  char path[PATH_BUF];
} walk;

/* Makes room for one more of n elements of size at *p; returns -1 when out of memory. */
static int grow(walk *W, void **p, int32_t n, int32_t *cap, size_t size) {
  if (n < *cap) return 0;
  int32_t c = *cap ? *cap * 2 : 64;
  void *np = cs_rep_mem(W->rep, cs_realloc(*p, (size_t)c * size));
  if (!np) return -1;
  *p = np;
  *cap = c;
  return 0;
}

static void want_line(walk *W, int32_t line) {
  if (grow(W, (void **)&W->wl, W->nwl, &W->capwl, sizeof *W->wl)) return;
  W->wl[W->nwl++] = (wline){.line = line};
}

/* An entry that starts at node at: a list item, or a key (then v is its value). */
static int32_t new_scope(walk *W, int32_t parent, const cs_ynode *at, const cs_ynode *v) {
  if (grow(W, (void **)&W->sc, W->nsc, &W->capsc, sizeof *W->sc)) return -1;
  int32_t line = (int32_t)at->start_mark.line;
  int key_only = v && v->start_mark.line > at->end_mark.line;
  int32_t child = key_only && v->type != YAML_SCALAR_NODE ? (int32_t)v->start_mark.line : -1;
  W->sc[W->nsc] = (scope){parent, line, key_only, child, NULL};
  want_line(W, line);
  if (child >= 0) want_line(W, child);
  return W->nsc++;
}

/* ---- paths ---- */

/* Bytes of s to write into a path: all of it, or at most SEG_MAX cut at a character. */
static int seg_len(const char *s) {
  size_t n = strlen(s);
  if (n <= SEG_MAX) return (int)n;
  n = SEG_MAX;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  return (int)n;
}

/* Writes a path part after the first plen bytes; returns the new length. */
__attribute__((format(printf, 3, 4))) static size_t append(walk *W, size_t plen, const char *fmt,
                                                           ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(W->path + plen, sizeof W->path - plen, fmt, ap);
  va_end(ap);
  size_t n = plen + (k > 0 ? (size_t)k : 0);
  return n < sizeof W->path ? n : sizeof W->path - 1; /* a cut path still names the place */
}

static size_t key_part(walk *W, size_t plen, const char *key) {
  return append(W, plen, "%s%.*s", plen ? "." : "", seg_len(key), key);
}

/* [id] of a list item with a usable id, else its 1-based position, as the loader's messages
 * and tornado.csv's labels name it. */
static size_t item_part(walk *W, size_t plen, cs_ynode *item, size_t i) {
  const char *id = cs_yq_scalar(cs_yq_get(W->q, item, "id"));
  if (id && *id && strlen(id) < SEG_MAX) return append(W, plen, "[%s]", id);
  return append(W, plen, "[%zu]", i + 1);
}

/* ---- inputs ---- */

static const char *dup(walk *W, const char *s, size_t n) {
  const char *d = cs_rep_mem(W->rep, cs_arena_strndup(&W->P->arena, s, n));
  return d ? d : "";
}

/* The shortest decimal that reads back as d (0.22, not 0.22000000000000000), with every digit
 * before the point (150000, not 1.5e+05). */
static const char *real(walk *W, double d) {
  char buf[40];
  int prec = 1;
  for (double m = fabs(d); m >= 10 && prec < 17; m /= 10)
    prec++;
  for (; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) break;
  }
  return dup(W, buf, strlen(buf));
}

/* A number as written, with the sign of {neg: X} applied to the text. */
static const char *number_text(walk *W, const char *s, int neg) {
  if (!neg) return dup(W, s, strlen(s));
  int minus = *s == '-';
  if (*s == '-' || *s == '+') s++;
  size_t n = strlen(s) + 2;
  char *t = cs_rep_mem(W->rep, cs_arena_alloc(&W->P->arena, n));
  if (!t) return "";
  snprintf(t, n, "%s%s", minus ? "" : "-", s);
  return t;
}

/* The lines whose end comments are the input's own: where its value ends, or where each value
 * of its mapping ends and (a flow mapping) where the mapping closes. */
static void own_lines(walk *W, pending *p, cs_ynode *n) {
  int32_t l[OWN_MAX + 1];
  int k = 0;
  if (n->type == YAML_MAPPING_NODE) {
    for (size_t i = 0; i < cs_yq_len(n) && k < OWN_MAX; i++)
      l[k++] = (int32_t)cs_yq_val(W->q, n, i)->end_mark.line;
    if (n->data.mapping.style == YAML_FLOW_MAPPING_STYLE) l[k++] = (int32_t)n->end_mark.line;
  } else
    l[k++] = (int32_t)n->end_mark.line;
  for (int i = 0; i < k && p->nown < OWN_MAX; i++)
    if (!p->nown || p->own[p->nown - 1] != l[i]) {
      p->own[p->nown++] = l[i];
      want_line(W, l[i]);
    }
}

/* A new input at node at (its line and own comments), under scope sc, named by the path. */
static pending *add(walk *W, cs_input_kind kind, cs_ynode *at, size_t plen, int32_t sc) {
  if (grow(W, (void **)&W->pd, W->npd, &W->cappd, sizeof *W->pd)) return NULL;
  pending *p = &W->pd[W->npd++];
  *p = (pending){.scope = sc};
  p->in = (cs_input){kind, dup(W, W->path, plen), cs_yq_line(at), "", "", ""};
  /* a value a --set override made: no line of plan.yaml, and the override is its source (a
   * copy: the labels are freed when the load ends) */
  const char *o = cs_rep_override(W->rep, cs_yq_line(at));
  if (o) {
    p->in.line = 0;
    p->table_src = dup(W, o, strlen(o));
    return p;
  }
  own_lines(W, p, at);
  return p;
}

/* "neg pert(min 0.2, mode 0.4, max 0.6)": the kind and the values as written. */
static const char *dist_text(walk *W, cs_ynode *n, const char *kind, int neg) {
  size_t len = strlen(kind) + 8;
  for (size_t i = 0; i < cs_yq_len(n); i++) {
    const char *k = cs_yq_scalar(cs_yq_key(W->q, n, i)), *v = cs_yq_scalar(cs_yq_val(W->q, n, i));
    if (k && v) len += strlen(k) + strlen(v) + 3;
  }
  char *t = cs_rep_mem(W->rep, cs_arena_alloc(&W->P->arena, len));
  if (!t) return "";
  size_t o = (size_t)snprintf(t, len, "%s%s(", neg ? "neg " : "", kind);
  const char *sep = "";
  for (size_t i = 0; i < cs_yq_len(n); i++) {
    const char *k = cs_yq_scalar(cs_yq_key(W->q, n, i)), *v = cs_yq_scalar(cs_yq_val(W->q, n, i));
    if (!k || !v || !strcmp(k, "dist")) continue;
    o += (size_t)snprintf(t + o, len - o, "%s%s %s", sep, k, v);
    sep = ", ";
  }
  snprintf(t + o, len - o, ")");
  return t;
}

/* A distribution the loader read (its values were read as numbers): one input, its value the
 * deterministic one (the mean, MODEL.md section 9). */
static void add_dist(walk *W, cs_ynode *n, size_t plen, int32_t sc, int neg) {
  int read = 0;
  for (size_t i = 0; i < cs_yq_len(n) && !read; i++)
    read = cs_yq_was_num(W->q, cs_yq_val(W->q, n, i));
  cs_dist d;
  if (!read || cs_dist_parse(W->q, n, "an input", &d)) return; /* not an input, or never valid */
  pending *p = add(W, CS_INPUT_DISTRIBUTION, n, plen, sc);
  if (!p) return;
  p->in.value = real(W, neg ? -d.mean : d.mean);
  p->in.dist = dist_text(W, n, cs_dist_kind_name(d.kind), neg);
}

static const cs_tabnote *table_at(const walk *W, const cs_ynode *n) {
  for (const cs_tabnote *t = W->rep->notes; t; t = t->next)
    if (t->line == cs_yq_line(n) && t->col == cs_yq_col(n)) return t;
  return NULL;
}

/* A table's file name: named by its key (`use`, not `use.file`). */
static void add_table(walk *W, cs_ynode *n, const cs_tabnote *t, size_t plen, int32_t sc) {
  if (plen >= 5 && !memcmp(W->path + plen - 5, ".file", 5)) plen -= 5;
  pending *p = add(W, CS_INPUT_TABLE, n, plen, sc);
  if (!p) return;
  p->in.value = dup(W, cs_yq_scalar(n), strlen(cs_yq_scalar(n)));
  p->table_src = t->source;
}

/* ---- the walk over the plan ---- */

static void visit(walk *W, cs_ynode *n, size_t plen, int32_t sc, int neg);

static void visit_scalar(walk *W, cs_ynode *n, size_t plen, int32_t sc, int neg) {
  const cs_tabnote *t = table_at(W, n);
  if (t) {
    add_table(W, n, t, plen, sc);
  } else if (cs_yq_was_num(W->q, n)) {
    pending *p = add(W, CS_INPUT_NUMBER, n, plen, sc);
    if (p) p->in.value = number_text(W, cs_yq_scalar(n), neg);
  }
}

/* The pairs of a mapping, each a scope; top: the plan itself, whose named parameters are
 * called $name (as tornado.csv does) and whose format version is no input. */
static void visit_pairs(walk *W, cs_ynode *m, size_t plen, int32_t sc, int top, int params) {
  for (size_t i = 0; i < cs_yq_len(m) && !W->rep->oom; i++) {
    cs_ynode *k = cs_yq_key(W->q, m, i), *v = cs_yq_val(W->q, m, i);
    const char *ks = cs_yq_scalar(k);
    if (!ks || (top && !strcmp(ks, "careshift"))) continue;
    int32_t s = new_scope(W, sc, k, v);
    if (s < 0) return;
    if (top && !strcmp(ks, "parameters") && cs_yq_is_map(v)) {
      visit_pairs(W, v, 0, s, 0, 1);
      continue;
    }
    size_t n = params ? append(W, 0, "$%.*s", seg_len(ks), ks) : key_part(W, plen, ks);
    visit(W, v, n, s, 0);
  }
}

static void visit_items(walk *W, cs_ynode *seq, size_t plen, int32_t sc) {
  for (size_t i = 0; i < cs_yq_len(seq) && !W->rep->oom; i++) {
    cs_ynode *v = cs_yq_item(W->q, seq, i);
    int32_t s = new_scope(W, sc, v, NULL);
    if (s < 0) return;
    visit(W, v, item_part(W, plen, v, i), s, 0);
  }
}

static void visit(walk *W, cs_ynode *n, size_t plen, int32_t sc, int neg) {
  if (!n || W->rep->oom) return;
  if (n->type == YAML_SCALAR_NODE) {
    visit_scalar(W, n, plen, sc, neg);
  } else if (n->type == YAML_SEQUENCE_NODE) {
    visit_items(W, n, plen, sc);
  } else if (n->type == YAML_MAPPING_NODE) {
    cs_ynode *only = cs_yq_len(n) == 1 ? cs_yq_val(W->q, n, 0) : NULL;
    const char *k = only ? cs_yq_scalar(cs_yq_key(W->q, n, 0)) : NULL;
    if (cs_yq_get(W->q, n, "dist")) {
      add_dist(W, n, plen, sc, neg);
    } else if (k && !strcmp(k, "fixed") && cs_yq_was_num(W->q, only)) {
      pending *p = add(W, CS_INPUT_NUMBER, n, plen, sc);
      if (p) p->in.value = number_text(W, cs_yq_scalar(only), neg);
    } else if (k && !strcmp(k, "neg")) {
      visit(W, only, plen, sc, !neg); /* {neg: X}: X where it stands, negated */
    } else {
      visit_pairs(W, n, plen, sc, 0, 0);
    }
  }
}

/* ---- the comments: one pass over the file with libyaml's scanner ---- */

typedef struct {
  walk *W;
  size_t pos, idx;                 /* the byte at libyaml's character index idx */
  int32_t line, col;               /* of pos, 0-based, col in characters as marks count */
  int content;                     /* something other than blanks stands before pos on its line */
  int32_t tokline;                 /* the last line a token started on */
  span block;                      /* full-line comments directly above what comes next */
  int32_t block_first, block_last; /* the lines of the block's first and last comments */
  int32_t trail, tcol;             /* the line and column of the last end-of-line comment (or of its
                                      continuation), -2: none */
  int32_t tw;                      /* its wanted line, -1: none */
  int32_t wi;                      /* the first wanted line not before line */
} scan;

/* The wanted line index of line, or -1. Lines only grow, so a cursor finds it. */
static int32_t wanted(scan *S, int32_t line) {
  walk *W = S->W;
  while (S->wi < W->nwl && W->wl[S->wi].line < line)
    S->wi++;
  return S->wi < W->nwl && W->wl[S->wi].line == line ? S->wi : -1;
}

static void step(scan *S) {
  const unsigned char *b = S->W->buf;
  unsigned char c = b[S->pos];
  size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  S->pos = S->pos + k < S->W->len ? S->pos + k : S->W->len;
  S->idx++;
  if (c == '\n') {
    S->line++;
    S->col = 0;
    S->content = 0;
  } else {
    S->col++;
    if (c != ' ' && c != '\t' && c != '\r') S->content = 1;
  }
}

/* A comment that starts at pos: at the end of a line, continuing the one at the end of the
 * line above (same column, nothing else on its line), or a full line of a block. */
static void comment(scan *S) {
  walk *W = S->W;
  size_t a = S->pos;
  int32_t line = S->line, col = S->col;
  int at_end = S->content;
  while (S->pos < W->len && W->buf[S->pos] != '\n')
    step(S);
  span s = {a, S->pos};
  if (!at_end && s.b - a >= 2 && W->buf[a + 1] == '#') {
    /* "##" lines say what a field means (`careshift init` writes them), not where a number
     * comes from: skipped, without breaking the block of sources they stand under */
    S->trail = -2;
    if (S->block.b > S->block.a && S->block_last == line - 1) S->block_last = line;
    return;
  }
  if (at_end) {
    S->tw = wanted(S, line);
    if (S->tw >= 0) W->wl[S->tw].end = s;
    S->trail = line;
    S->tcol = col;
  } else if (S->trail == line - 1 && S->tcol == col) {
    if (S->tw >= 0) W->wl[S->tw].end.b = s.b;
    S->trail = line;
  } else {
    S->trail = -2;
    if (S->block.b > S->block.a && S->block_last == line - 1) {
      S->block.b = s.b;
    } else {
      S->block = s;
      S->block_first = line;
    }
    S->block_last = line;
  }
}

/* Moves to character index to; between tokens (gap), reads the comments met. */
static void advance(scan *S, size_t to, int gap) {
  while (S->idx < to && S->pos < S->W->len) {
    if (gap && S->W->buf[S->pos] == '#')
      comment(S);
    else
      step(S);
  }
}

/* A token that starts a line ends the comment block above it: the block is that line's. */
static void token_line(scan *S, int32_t line) {
  if (line == S->tokline) return;
  S->tokline = line;
  int32_t w = wanted(S, line);
  if (w >= 0 && S->block.b > S->block.a && S->block_last == line - 1) {
    S->W->wl[w].above = S->block;
    S->W->wl[w].above_first = S->block_first;
  }
  S->block = (span){0, 0};
}

static void scan_comments(walk *W) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    cs_rep_oom(W->rep);
    return;
  }
  yaml_parser_set_input_string(&p, W->buf, W->len);
  const unsigned char *b = W->buf;
  size_t bom = W->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0;
  scan S = {.W = W, .pos = bom, .tokline = -1, .block_last = -2, .trail = -2, .tw = -1};
  for (int done = 0; !done;) {
    yaml_token_t t;
    if (!yaml_parser_scan(&p, &t)) {
      /* the file loaded, so only memory can fail here */
      if (p.error == YAML_MEMORY_ERROR || p.error == YAML_NO_ERROR) cs_rep_oom(W->rep);
      break;
    }
    advance(&S, t.start_mark.index, 1);
    if (t.end_mark.index > t.start_mark.index) token_line(&S, (int32_t)t.start_mark.line);
    advance(&S, t.end_mark.index, 0);
    done = t.type == YAML_STREAM_END_TOKEN;
    yaml_token_delete(&t);
  }
  yaml_parser_delete(&p);
}

/* ---- sources ---- */

static int line_cmp(const void *pa, const void *pb) {
  const wline *a = pa, *b = pb;
  return (a->line > b->line) - (a->line < b->line);
}

/* Sorts the wanted lines and drops repeats. */
static void unique_lines(walk *W) {
  if (!W->nwl) return;
  qsort(W->wl, (size_t)W->nwl, sizeof *W->wl, line_cmp);
  int32_t m = 1;
  for (int32_t i = 1; i < W->nwl; i++)
    if (W->wl[i].line != W->wl[m - 1].line) W->wl[m++] = W->wl[i];
  W->nwl = m;
}

static wline *find_line(walk *W, int32_t line) {
  wline key = {.line = line};
  return bsearch(&key, W->wl, (size_t)W->nwl, sizeof *W->wl, line_cmp);
}

/* The text of a line's comment s, made once and kept in *memo. */
static const char *text(walk *W, span s, const char **memo) {
  if (!*memo) *memo = cs_comment_text(W->rep, &W->P->arena, W->buf, s.a, s.b);
  return *memo ? *memo : "";
}

static const char *join(walk *W, const char *a, const char *b) {
  if (!*a) return b;
  if (!*b) return a;
  size_t n = strlen(a) + strlen(b) + 2;
  char *t = cs_rep_mem(W->rep, cs_arena_alloc(&W->P->arena, n));
  if (!t) return "";
  snprintf(t, n, "%s %s", a, b);
  return t;
}

/* A key's heading: the comment lines right below its line, directly above its first entry. */
static const char *heading(walk *W, const scope *s) {
  wline *c = s->child >= 0 ? find_line(W, s->child) : NULL;
  if (!c || c->above.b <= c->above.a || c->above_first != s->line + 1) return "";
  return text(W, c->above, &c->above_text);
}

/* An entry's source: the comment lines directly above it, the comment at the end of its line
 * when the line ends with its key, and its heading; else its enclosing entry's. Each entry
 * once. */
static const char *scope_src(walk *W, int32_t i) {
  if (i < 0) return "";
  scope *s = &W->sc[i];
  if (s->src) return s->src;
  wline *l = find_line(W, s->line);
  const char *t = "";
  if (l) {
    t = text(W, l->above, &l->above_text);
    if (s->key_only) t = join(W, join(W, t, text(W, l->end, &l->end_text)), heading(W, s));
  }
  s->src = *t ? t : scope_src(W, s->parent);
  return s->src;
}

/* An input's source: a table's CSV comments; else the comments at the end of its own lines;
 * else its entry's, or the nearest enclosing entry's. */
static const char *source(walk *W, const pending *p) {
  if (p->table_src && *p->table_src) return p->table_src;
  const char *own = "";
  for (int i = 0; i < p->nown; i++) {
    wline *l = find_line(W, p->own[i]);
    if (l) own = join(W, own, text(W, l->end, &l->end_text));
  }
  return *own ? own : scope_src(W, p->scope);
}

static void finish(walk *W) {
  cs_plan *P = W->P;
  P->inputs = cs_rep_mem(W->rep, cs_arena_calloc(&P->arena, (size_t)W->npd + 1, sizeof *P->inputs));
  if (!P->inputs) return;
  for (int32_t i = 0; i < W->npd && !W->rep->oom; i++) {
    P->inputs[i] = W->pd[i].in;
    P->inputs[i].source = source(W, &W->pd[i]);
  }
  P->ninput = W->npd;
}

void cs_plan_sources(cs_plan *P, cs_yq *q, const unsigned char *buf, size_t len, cs_rep *rep) {
  walk *W = cs_rep_mem(rep, cs_calloc(1, sizeof *W));
  if (!W) return;
  W->P = P;
  W->q = q;
  W->rep = rep;
  W->buf = buf;
  W->len = len;
  cs_ynode *root = cs_yq_root(q);
  if (cs_yq_is_map(root)) visit_pairs(W, root, 0, -1, 1, 0);
  unique_lines(W);
  if (!rep->oom) scan_comments(W);
  if (!rep->oom) finish(W);
  cs_free(W->sc);
  cs_free(W->pd);
  cs_free(W->wl);
  cs_free(W);
}
