/* plan_override.c: overrides of plan values, `--set PATH=VALUE` (docs/plan-format.md
 * "Overrides: --set"), applied to the plan's YAML tree after it is parsed and before the plan
 * is built from it: the loader then checks an overridden value as it checks the file's own,
 * and names the override in what it reports. The plan file is never written. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamlq.h"

#define SEG_MAX 64     /* parts of a path: as deep as a plan's YAML may nest */
#define LABEL_MAX 300  /* bytes of an override shown in a message */
#define SET_MAX 65536  /* the longest PATH=VALUE: a value is a number or a short flow text */
#define NAMES_SHOWN 12 /* ids listed when a list item is not found */

/* A part of a path: a key (after '.') or [x] (a list item by id or 1-based position; on a
 * mapping, a key that may hold dots). */
typedef struct {
  const char *s;
  size_t len;
  int item;
  size_t end; /* where the part ends in the path: the path so far, for messages */
} seg;

typedef struct {
  cs_yq *q;
  cs_rep *rep;
  const char *label; /* "--set PATH=VALUE" */
  const char *path;  /* the PATH of PATH=VALUE (not NUL-terminated) */
  size_t plen;
  size_t line; /* the 0-based line mark of the nodes this override makes */
  seg seg[SEG_MAX];
  int nseg;
} ovr;

__attribute__((format(printf, 2, 3))) static int fail(ovr *o, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  cs_rep_add(o->rep, o->label, 0, 0, "%s", buf);
  return -1;
}

/* ---- labels ---- */

int cs_rep_set_overrides(cs_rep *r, const char *const *sets, size_t n) {
  if (!n) return 0;
  r->ovr = cs_rep_mem(r, cs_calloc(n, sizeof *r->ovr));
  if (!r->ovr) return -1;
  r->novr = n;
  for (size_t i = 0; i < n; i++) {
    const char *s = sets[i] ? sets[i] : "";
    size_t len = strlen(s), cut = len > LABEL_MAX ? LABEL_MAX : len;
    while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
      cut--; /* never half a character */
    r->ovr[i] = cs_rep_mem(r, cs_malloc(cut + 10));
    if (!r->ovr[i]) return -1;
    snprintf(r->ovr[i], cut + 10, "--set %.*s%s", (int)cut, s, cut < len ? "..." : "");
  }
  return 0;
}

void cs_rep_free_overrides(cs_rep *r) {
  for (size_t i = 0; r->ovr && i < r->novr; i++)
    cs_free(r->ovr[i]);
  cs_free(r->ovr);
  r->ovr = NULL;
  r->novr = 0;
}

/* ---- PATH=VALUE ---- */

/* The '=' that ends the path: the first outside [...], so an id may hold one. */
static const char *split(const char *set) {
  int depth = 0;
  for (const char *p = set; *p; p++) {
    if (*p == '[') depth = 1;
    if (*p == ']') depth = 0;
    if (*p == '=' && !depth) return p;
  }
  return NULL;
}

static int push(ovr *o, const char *s, size_t len, int item, size_t end) {
  if (o->nseg == SEG_MAX)
    return fail(o, "the path is too deep (expected at most %d parts)", SEG_MAX);
  o->seg[o->nseg++] = (seg){s, len, item, end};
  return 0;
}

static int bad_path(ovr *o) {
  return fail(o,
              "'%.*s' is not a plan path (expected keys joined by '.' and list items as "
              "[id] or [n], such as themes[t].interventions[i].uptake.max)",
              (int)(o->plen > CS_QMAX ? CS_QMAX : o->plen), o->path);
}

/* A key from i up to the next '.' or '['; returns the index after it, or 0 when empty. */
static size_t key_at(ovr *o, size_t i) {
  size_t j = i;
  while (j < o->plen && o->path[j] != '.' && o->path[j] != '[')
    j++;
  if (j == i || push(o, o->path + i, j - i, 0, j)) return 0;
  return j;
}

/* Splits the path into parts; `$name` is parameters.name, as tornado.csv labels it. */
static int parse_path(ovr *o) {
  size_t i = 0;
  int first = 1;
  if (o->plen && o->path[0] == '$') {
    if (push(o, "parameters", 10, 0, 0)) return -1;
    i = 1;
  }
  while (i < o->plen) {
    if (o->path[i] == '[') {
      const char *e = memchr(o->path + i + 1, ']', o->plen - i - 1);
      if (!e || e == o->path + i + 1) return bad_path(o);
      size_t end = (size_t)(e - o->path) + 1;
      if (push(o, o->path + i + 1, end - i - 2, 1, end)) return -1;
      i = end;
    } else {
      if (!first && o->path[i++] != '.') return bad_path(o);
      if (!(i = key_at(o, i))) return o->nseg == SEG_MAX ? -1 : bad_path(o);
    }
    first = 0;
  }
  return o->nseg ? 0 : bad_path(o);
}

/* ---- the value: YAML text, parsed as a plan file is, copied into the plan's tree ---- */

static yaml_node_t *node(ovr *o, int id) { return yaml_document_get_node(&o->q->doc, id); }

/* Gives a node this override made its line mark; 0 (after reporting) when id is 0, which is
 * how libyaml says it ran out of memory. */
static int marked(ovr *o, int id) {
  if (!id) {
    cs_rep_oom(o->rep);
    return 0;
  }
  yaml_node_t *n = node(o, id);
  n->start_mark = n->end_mark = (yaml_mark_t){0, o->line, 0};
  return id;
}

static int copy_node(ovr *o, yaml_document_t *from, yaml_node_t *n) {
  yaml_document_t *doc = &o->q->doc;
  if (n->type == YAML_SCALAR_NODE)
    return marked(o, yaml_document_add_scalar(doc, n->tag, n->data.scalar.value,
                                              (int)n->data.scalar.length, n->data.scalar.style));
  if (n->type == YAML_SEQUENCE_NODE) {
    int id = marked(o, yaml_document_add_sequence(doc, n->tag, n->data.sequence.style));
    for (yaml_node_item_t *it = n->data.sequence.items.start; id && it < n->data.sequence.items.top;
         it++) {
      int c = copy_node(o, from, yaml_document_get_node(from, *it));
      if (!c || !yaml_document_append_sequence_item(doc, id, c)) return marked(o, 0);
    }
    return id;
  }
  int id = marked(o, yaml_document_add_mapping(doc, n->tag, n->data.mapping.style));
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; id && p < n->data.mapping.pairs.top;
       p++) {
    int k = copy_node(o, from, yaml_document_get_node(from, p->key));
    int v = k ? copy_node(o, from, yaml_document_get_node(from, p->value)) : 0;
    if (!v || !yaml_document_append_mapping_pair(doc, id, k, v)) return marked(o, 0);
  }
  return id;
}

/* The value's node in the plan's tree, or 0 after reporting. Parsed like the plan file (text
 * checks, shape, no tags or aliases), so `{dist: beta, mean: 0.3, sd: 0.05}` is a
 * distribution, 0.3 a number and '0.3' a quoted string. */
static int value_node(ovr *o, const char *v) {
  size_t len = strlen(v), blank = strspn(v, " \t");
  if (blank == len) {
    fail(o, "no value after '=' (expected a number, a distribution such as {dist: beta, mean: "
            "0.3, sd: 0.05}, or a text)");
    return 0;
  }
  cs_yq vq;
  if (cs_text_check(o->rep, o->label, (const unsigned char *)v, len, 1) ||
      cs_yq_load(&vq, o->label, (const unsigned char *)v, len, o->rep))
    return 0;
  int id = copy_node(o, &vq.doc, cs_yq_root(&vq));
  cs_yq_free(&vq);
  return id;
}

/* ---- the path in the tree ---- */

static int seg_is(const seg *s, const char *word) {
  return strlen(word) == s->len && !memcmp(s->s, word, s->len);
}

/* The pair of map whose key is s's text, or -1. */
static long find_key(ovr *o, yaml_node_t *map, const seg *s) {
  for (long j = 0; j < (long)cs_yq_len(map); j++) {
    yaml_node_t *k = node(o, map->data.mapping.pairs.start[j].key);
    if (k->type == YAML_SCALAR_NODE && k->data.scalar.length == s->len &&
        !memcmp(k->data.scalar.value, s->s, s->len))
      return j;
  }
  return -1;
}

/* The id of a list item, or NULL. */
static const char *item_id(ovr *o, yaml_node_t *seq, size_t j) {
  return cs_yq_scalar(cs_yq_get(o->q, cs_yq_item(o->q, seq, j), "id"));
}

/* The item of seq that [x] names: the one with id x, else the x-th (1-based); or -1. */
static long find_item(ovr *o, yaml_node_t *seq, const seg *s) {
  size_t n = cs_yq_len(seq);
  for (size_t j = 0; j < n; j++) {
    const char *id = item_id(o, seq, j);
    if (id && strlen(id) == s->len && !memcmp(id, s->s, s->len)) return (long)j;
  }
  if (s->len > 6 || strspn(s->s, "0123456789") < s->len) return -1;
  long pos = strtol(s->s, NULL, 10); /* digits up to ']', at most 6 */
  return pos >= 1 && (size_t)pos <= n ? pos - 1 : -1;
}

/* Appends to buf the ids of seq's items, as many as fit. */
static void list_ids(ovr *o, yaml_node_t *seq, char *buf, size_t cap) {
  size_t n = cs_yq_len(seq), at = 0;
  for (size_t j = 0; j < n && j < NAMES_SHOWN && at < cap; j++) {
    const char *id = item_id(o, seq, j);
    if (!id) break;
    at += (size_t)snprintf(buf + at, cap - at, "%s'%.40s'", j ? ", " : "", id);
  }
  if (at < cap && n > NAMES_SHOWN) snprintf(buf + at, cap - at, ", ...");
}

/* [x] names no item of seq: the nearest id, or the ids there are, or the positions. */
static int no_item(ovr *o, yaml_node_t *seq, int k) {
  const seg *s = &o->seg[k];
  size_t n = cs_yq_len(seq), before = k ? o->seg[k - 1].end : 0;
  const char **ids = n ? cs_rep_mem(o->rep, cs_calloc(n, sizeof *ids)) : NULL;
  if (n && !ids) return -1;
  char word[CS_QMAX + 1];
  snprintf(word, sizeof word, "%.*s", (int)(s->len > CS_QMAX ? CS_QMAX : s->len), s->s);
  for (size_t j = 0; j < n; j++)
    ids[j] = item_id(o, seq, j);
  const char *near = cs_suggest(word, ids, n);
  cs_free(ids);
  char names[600] = "";
  list_ids(o, seq, names, sizeof names);
  if (near)
    return fail(o, "no item " CS_QF " in %.*s (did you mean '%s'?)", CS_QA(word), (int)before,
                o->path, near);
  if (*names)
    return fail(o, "no item " CS_QF " in %.*s (expected one of %s)", CS_QA(word), (int)before,
                o->path, names);
  return fail(o, "no item " CS_QF " in %.*s (expected a position 1..%zu)", CS_QA(word), (int)before,
              o->path, n);
}

/* A key that the path names but the mapping lacks is added: the loader then checks it as any
 * key of the file (a typo gets its did-you-mean there). */
static int add_pair(ovr *o, int map, const seg *s, int value) {
  int k = marked(o, yaml_document_add_scalar(&o->q->doc, NULL, (const yaml_char_t *)s->s,
                                             (int)s->len, YAML_PLAIN_SCALAR_STYLE));
  if (!k || !yaml_document_append_mapping_pair(&o->q->doc, map, k, value)) return marked(o, 0);
  return value;
}

/* themes[t].enabled and themes[t].interventions[i].enabled: a switch, not a plan key. */
static int is_switch(const ovr *o, int k) {
  return k == o->nseg - 2 && k >= 1 && o->seg[k].item && !o->seg[k + 1].item &&
         seg_is(&o->seg[k + 1], "enabled") && !o->seg[k - 1].item &&
         (seg_is(&o->seg[k - 1], "themes") || seg_is(&o->seg[k - 1], "interventions"));
}

/* enabled=false takes the item out of its list, as if the plan had never had it. */
static int switch_item(ovr *o, int seq, size_t j, int value) {
  const char *v = cs_yq_scalar(node(o, value));
  int plain = v && node(o, value)->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  if (!plain || (strcmp(v, "true") && strcmp(v, "false")))
    return fail(o, "enabled is %s (expected true or false)", v ? v : cs_yq_kind(node(o, value)));
  if (!strcmp(v, "true")) return 0;
  yaml_node_t *n = node(o, seq);
  yaml_node_item_t *it = n->data.sequence.items.start;
  memmove(it + j, it + j + 1, (cs_yq_len(n) - j - 1) * sizeof *it);
  n->data.sequence.items.top--;
  return 0;
}

static int step_fail(ovr *o, int k, const char *what) {
  const seg *s = &o->seg[k];
  size_t before = k ? o->seg[k - 1].end : 0;
  return fail(o, "%.*s is %s, so it has no %s%.*s%s", (int)before, o->path, what,
              s->item ? "[" : "", (int)s->len, s->s, s->item ? "]" : "");
}

/* Puts value where the path leads: replaces what stands there, or adds the missing keys. */
static int apply(ovr *o, int value) {
  int cur = 1; /* the root */
  for (int k = 0; k < o->nseg; k++) {
    yaml_node_t *n = node(o, cur);
    const seg *s = &o->seg[k];
    int last = k == o->nseg - 1;
    if (n->type == YAML_MAPPING_NODE) {
      long j = find_key(o, n, s);
      if (j >= 0 && last) n->data.mapping.pairs.start[j].value = value;
      if (j >= 0) {
        cur = n->data.mapping.pairs.start[j].value;
        continue;
      }
      int made =
          last ? value
               : marked(o, yaml_document_add_mapping(&o->q->doc, NULL, YAML_BLOCK_MAPPING_STYLE));
      if (!made || !(cur = add_pair(o, cur, s, made))) return -1;
    } else if (n->type == YAML_SEQUENCE_NODE) {
      if (!s->item) return step_fail(o, k, "a list (expected [id] or [n] after it)");
      long j = find_item(o, n, s);
      if (j < 0) return no_item(o, n, k);
      if (is_switch(o, k)) return switch_item(o, cur, (size_t)j, value);
      if (last) n->data.sequence.items.start[j] = value;
      cur = n->data.sequence.items.start[j];
    } else {
      return step_fail(o, k, cs_yq_is_null(n) ? "null" : "a scalar");
    }
  }
  return 0;
}

/* ---- all overrides ---- */

static void one(cs_yq *q, const char *set, size_t i) {
  ovr o = {.q = q, .rep = q->rep, .label = q->rep->ovr[i], .line = CS_YQ_OVR_LINE + i};
  const char *eq = split(set);
  size_t len = strlen(set);
  if (len > SET_MAX) {
    fail(&o, "the override is too long (%zu bytes, expected at most %d)", len, SET_MAX);
    return;
  }
  if (!eq) {
    fail(&o, "expected PATH=VALUE (such as themes[t].interventions[i].uptake.max=0.2)");
    return;
  }
  o.path = set;
  o.plen = (size_t)(eq - set);
  if (cs_text_check(q->rep, o.label, (const unsigned char *)set, o.plen, 1) || parse_path(&o))
    return;
  int v = value_node(&o, eq + 1);
  if (v) apply(&o, v);
}

/* libyaml's node array grew: the marks of which nodes were read as numbers grow with it. */
static int renum(cs_yq *q) {
  size_t n = (size_t)(q->doc.nodes.top - q->doc.nodes.start);
  uint8_t *num = cs_rep_mem(q->rep, cs_realloc(q->num, n + 1));
  if (!num) return -1;
  if (n > q->nnode) memset(num + q->nnode + 1, 0, n - q->nnode);
  q->num = num;
  q->nnode = n;
  return 0;
}

int cs_yq_apply_overrides(cs_yq *q, const char *const *sets, size_t n) {
  int before = q->rep->nerr;
  for (size_t i = 0; i < n && !q->rep->oom; i++)
    one(q, sets[i] ? sets[i] : "", i);
  if (n) renum(q);
  return q->rep->nerr - before;
}
