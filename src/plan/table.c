/* table.c: reads a CSV table with libcsv, keeping the line and column of every field so each
 * problem can be reported where it is. libcsv gets one byte at a time: a field's start is
 * the first byte after the previous field ended, which is what makes the columns exact. */
#include "table.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>

#define MAXCOL 16

typedef struct {
  cs_csv *t;
  cs_rep *r; /* r->oom stops the reading */
  int header_done, bad_header;
  int nf; /* fields in the current record */
  char *f[MAXCOL];
  int32_t fl[MAXCOL], fc[MAXCOL];
  int line, col;               /* position of the byte being fed */
  int need_start, sline, scol; /* start of the field being read */
  int rline;                   /* line of the current record's first field */
} reader;

static void on_field(void *s, size_t len, void *data) {
  reader *rd = data;
  if (rd->nf == 0) rd->rline = rd->sline;
  if (rd->nf < MAXCOL) {
    rd->f[rd->nf] = cs_rep_mem(rd->r, cs_arena_strndup(&rd->t->mem, s ? s : "", s ? len : 0));
    rd->fl[rd->nf] = rd->sline;
    rd->fc[rd->nf] = rd->scol;
  }
  rd->nf++;
  rd->need_start = 1;
}

static void check_header(reader *rd) {
  cs_csv *t = rd->t;
  int ok = rd->nf == t->ncol;
  for (int i = 0; ok && i < t->ncol; i++)
    ok = rd->f[i] && !strcmp(rd->f[i], t->names[i]);
  if (ok) return;
  char want[256] = "", got[256] = "";
  for (int i = 0; i < t->ncol; i++)
    snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", i ? "," : "", t->names[i]);
  for (int i = 0; i < rd->nf && i < MAXCOL; i++)
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "," : "",
             rd->f[i] ? rd->f[i] : "");
  cs_rep_add(rd->r, t->disp, rd->rline, 1, "header " CS_QF " does not match (expected '%s')",
             CS_QA(got), want);
  rd->bad_header = 1;
}

static int grow(cs_csv *t, cs_rep *r) {
  size_t cap = t->cap ? t->cap * 2 : 256;
  size_t cells = cap * (size_t)t->ncol;
  char **c = cs_rep_mem(r, cs_realloc(t->cell, cells * sizeof *c));
  if (!c) return -1;
  t->cell = c;
  int32_t *l = cs_rep_mem(r, cs_realloc(t->line, cells * sizeof *l));
  if (!l) return -1;
  t->line = l;
  int32_t *k = cs_rep_mem(r, cs_realloc(t->col, cells * sizeof *k));
  if (!k) return -1;
  t->col = k;
  t->cap = cap;
  return 0;
}

static void keep_row(reader *rd) {
  cs_csv *t = rd->t;
  if (rd->nf != t->ncol) {
    cs_rep_add(rd->r, t->disp, rd->rline, 1, "row has %d fields (expected %d: %s%s%s%s)", rd->nf,
               t->ncol, t->names[0], t->ncol > 1 ? "," : "", t->ncol > 1 ? t->names[1] : "",
               t->ncol > 2 ? ",..." : "");
    return;
  }
  if (t->nrow == t->cap && grow(t, rd->r)) return;
  size_t base = t->nrow * (size_t)t->ncol;
  for (int i = 0; i < t->ncol; i++) {
    t->cell[base + (size_t)i] = rd->f[i];
    t->line[base + (size_t)i] = rd->fl[i];
    t->col[base + (size_t)i] = rd->fc[i];
  }
  t->nrow++;
}

static void on_record(int c, void *data) {
  reader *rd = data;
  (void)c;
  if (rd->nf == 0) return;
  if (!rd->header_done) {
    rd->header_done = 1;
    check_header(rd);
  } else if (!rd->bad_header) {
    keep_row(rd);
  }
  rd->nf = 0;
  rd->need_start = 1;
}

/* Skips a '#' comment line that starts a record; returns the index after it. */
static size_t skip_comment(const unsigned char *b, size_t i, size_t len) {
  while (i < len && b[i] != '\n')
    i++;
  return i < len ? i + 1 : i;
}

static void feed(reader *rd, struct csv_parser *p, const unsigned char *b, size_t len) {
  int at_line_start = 1;
  for (size_t i = 0; i < len && !rd->bad_header && !rd->r->oom;) {
    /* pstate 0 is libcsv's ROW_NOT_BEGUN: a '#' there starts a comment, not a field. */
    if (at_line_start && b[i] == '#' && p->pstate == 0) {
      i = skip_comment(b, i, len);
      rd->line++;
      rd->col = 1;
      continue;
    }
    /* a field starts at its first byte; an empty one ended by the line end (pstate != 0:
     * after a delimiter) starts where the line ends */
    if (rd->need_start && ((b[i] != '\r' && b[i] != '\n') || p->pstate != 0)) {
      rd->sline = rd->line;
      rd->scol = rd->col;
      rd->need_start = 0;
    }
    if (csv_parse(p, b + i, 1, on_field, on_record, rd) != 1) {
      if (csv_error(p) == CSV_ENOMEM)
        cs_rep_oom(rd->r); /* libcsv's field buffer */
      else
        cs_rep_add(rd->r, rd->t->disp, rd->line, rd->col,
                   "malformed quoted field (expected a "
                   "closing '\"' followed by ',' or end of line)");
      rd->bad_header = 1; /* stop: what follows cannot be trusted */
      return;
    }
    at_line_start = b[i] == '\n';
    if (b[i] == '\n') {
      rd->line++;
      rd->col = 1;
    } else if ((b[i] & 0xC0) != 0x80)
      rd->col++;
    i++;
  }
}

static int parse(cs_csv *t, cs_rep *r, const unsigned char *b, size_t len) {
  struct csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL); /* fails only for p == NULL */
  /* libcsv grows its field buffer by this much at a time: its default of 128 bytes makes a
   * 2 MiB field take 16,000 reallocations, each copying the field (minutes under ASan) */
  csv_set_blk_size(&p, (size_t)1 << 20);
  reader rd = {.t = t, .r = r, .line = 1, .col = 1, .need_start = 1, .sline = 1, .scol = 1};
  feed(&rd, &p, b, len);
  if (rd.need_start && p.pstate != 0) { /* an empty last field at the end of the file */
    rd.sline = rd.line;
    rd.scol = rd.col;
  }
  if (!rd.bad_header && !r->oom && csv_fini(&p, on_field, on_record, &rd) != 0) {
    cs_rep_add(r, t->disp, rd.sline, rd.scol,
               "unterminated quoted field (expected a closing '\"')");
    rd.bad_header = 1;
  }
  csv_free(&p);
  if (!rd.header_done && !rd.bad_header) {
    cs_rep_add(r, t->disp, 1, 1, "no header line (expected '%s,...')", t->names[0]);
    return -1;
  }
  return rd.bad_header || r->oom ? -1 : 0;
}

int cs_csv_read(cs_csv *t, cs_rep *r, const char *path, const char *disp, const char *const *cols,
                int ncol, const char *wfile, int wline, int wcol) {
  memset(t, 0, sizeof *t);
  t->disp = disp;
  t->ncol = ncol;
  t->names = cols;
  size_t len;
  unsigned char *buf = cs_read_file(r, path, disp, wfile, wline, wcol, &len);
  if (!buf) return -1;
  int rc = -1;
  if (len == 0)
    cs_rep_add(r, disp, 1, 1, "empty file (expected a header line)");
  else if (cs_text_check(r, disp, buf, len, 0) == 0) {
    size_t off = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    cs_arena_init(&t->mem);
    rc = parse(t, r, buf + off, len - off);
    if (rc) cs_csv_free(t);
  }
  cs_free(buf);
  return rc;
}

void cs_csv_free(cs_csv *t) {
  cs_free(t->cell);
  cs_free(t->line);
  cs_free(t->col);
  cs_arena_release(&t->mem);
  t->cell = NULL;
  t->line = t->col = NULL;
  t->nrow = t->cap = 0;
}

/* ---- ids ---- */

static const char *id_at(const void *base, size_t stride, int i) {
  return *(const char *const *)((const char *)base + (size_t)i * stride);
}

int cs_id_find(const void *base, size_t stride, int n, const char *id) {
  for (int i = 0; i < n; i++) {
    const char *s = id_at(base, stride, i);
    if (s && !strcmp(s, id)) return i;
  }
  return -1;
}

int cs_idmap_init(cs_idmap *m, cs_rep *r, const void *base, size_t stride, int n, int cap) {
  size_t size = 16;
  while (size < 2 * (size_t)(cap > n ? cap : n))
    size *= 2;
  *m = (cs_idmap){base, stride, 0, cs_rep_mem(r, cs_calloc(size, sizeof(int32_t))), size - 1};
  if (!m->slot) return -1;
  while (m->n < n)
    cs_idmap_add(m);
  return 0;
}

void cs_idmap_add(cs_idmap *m) {
  const char *id = id_at(m->base, m->stride, m->n);
  size_t i = (size_t)cs_hash_fnv1a(id) & m->mask;
  while (m->slot[i])
    i = (i + 1) & m->mask;
  m->slot[i] = ++m->n;
}

int cs_idmap_find(const cs_idmap *m, const char *id) {
  size_t i = (size_t)cs_hash_fnv1a(id) & m->mask;
  for (; m->slot[i]; i = (i + 1) & m->mask) {
    int k = m->slot[i] - 1;
    if (!strcmp(id_at(m->base, m->stride, k), id)) return k;
  }
  return -1;
}

void cs_idmap_free(cs_idmap *m) {
  cs_free(m->slot);
  m->slot = NULL;
}

void cs_id_unknown(cs_rep *r, const char *file, int line, int col, const char *what, const char *id,
                   const void *base, size_t stride, int n) {
  if (r->nerr >= 1000) { /* past what is shown: skip the O(n) did-you-mean */
    cs_rep_add(r, file, line, col, "unknown %s", what);
    return;
  }
  const char *best = NULL;
  int bd = 100;
  for (int i = 0; i < n; i++) {
    const char *s = id_at(base, stride, i);
    int d = s ? cs_edit_distance(id, s) : 100;
    if (d < bd) {
      bd = d;
      best = s;
    }
  }
  if (best && best == cs_suggest(id, &best, 1)) {
    cs_rep_add(r, file, line, col, "unknown %s " CS_QF " (did you mean '%s'?)", what, CS_QA(id),
               best);
    return;
  }
  char list[200] = "";
  for (int i = 0; i < n && i < 8; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
             id_at(base, stride, i));
  if (n > 8) snprintf(list + strlen(list), sizeof list - strlen(list), ", ...");
  cs_rep_add(r, file, line, col, "unknown %s " CS_QF " (expected %s%s)", what, CS_QA(id),
             n ? "one of " : "none: there are no such ids", list);
}
