/* csvread.c: the actuals file as records of fields, each with its line and column, so every
 * problem can be reported as FILE:LINE:COLUMN. libcsv parses it (strict RFC 4180: quotes,
 * doubled quotes, CRLF or LF); it gets one byte at a time, so a field's start is the first byte
 * after the previous field ended, which is what makes the columns exact (the approach of
 * src/plan/table.c). A UTF-8 byte-order mark is allowed, `#` lines and empty lines are skipped as
 * in the plan's tables, and spaces are part of a field (libcsv would trim them). Broken quoting
 * drops its record and reading goes on at the next line, so one import lists every problem. */
#include "monitor.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

typedef struct {
  cs_mcsv *t;
  const char *disp;
  cs_diags *d;
  int oom;
  cs_mrec rec;         /* the record being read */
  int32_t line, col;   /* position of the byte being fed (col: 1-based byte column) */
  int need_start;      /* the next byte fed starts a field */
  int32_t sline, scol; /* start of the field being read */
  int quoted;          /* it starts with a quote */
} reader;

/* Whether b[i] ends a line: LF, the LF of CRLF, or a lone CR (which libcsv ends a record at). */
static int line_end(const unsigned char *b, size_t i, size_t len) {
  return b[i] == '\n' || (b[i] == '\r' && (i + 1 == len || b[i + 1] != '\n'));
}

/* ---- bytes ---- */

/* Length of the UTF-8 sequence at p (1..4), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
  size_t n = p[0] < 0x80             ? 1
             : (p[0] & 0xE0) == 0xC0 ? 2
             : (p[0] & 0xF0) == 0xE0 ? 3
             : (p[0] & 0xF8) == 0xF0 ? 4
                                     : 0;
  if (!n || (size_t)(end - p) < n || (n == 2 && p[0] < 0xC2)) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (n == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))) return 0;
  if (n == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || p[0] > 0xF4 || (p[0] == 0xF4 && p[1] >= 0x90)))
    return 0;
  return n;
}

/* Refuses a binary or non-UTF-8 file before parsing: one message at its first bad byte, with
 * the line and column the parser would give it. */
static int check_bytes(const char *disp, const unsigned char *b, size_t n, cs_diags *d) {
  int32_t line = 1;
  size_t ls = 0;
  for (size_t i = 0; i < n;) {
    size_t k = b[i] ? utf8_len(b + i, b + n) : 0;
    if (!k) {
      cs_diags_add(d, disp, line, (int)(i - ls) + 1,
                   b[i] ? "byte 0x%02x is not UTF-8 (expected a UTF-8 text file)"
                        : "NUL byte: a binary file (expected a UTF-8 CSV text file)",
                   b[i]);
      return -1;
    }
    if (line_end(b, i, n)) line++, ls = i + 1;
    i += k;
  }
  return 0;
}

/* ---- libcsv's callbacks ---- */

static void on_field(void *s, size_t len, void *data) {
  reader *rd = data;
  cs_mrec *r = &rd->rec;
  if (r->nf == 0) r->line = rd->sline;
  if (r->nf < CS_MCSV_MAX_FIELDS) {
    char *f = cs_arena_strndup(&rd->t->ar, s ? s : "", s ? len : 0);
    if (!f) rd->oom = 1;
    r->f[r->nf] = (cs_mfield){f ? f : "", rd->scol};
  }
  r->nf++;
  rd->need_start = 1;
}

static void on_record(int c, void *data) {
  reader *rd = data;
  cs_mcsv *t = rd->t;
  (void)c;
  if (rd->rec.nf > 0 && t->nrec == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    cs_mrec *n = cs_realloc(t->rec, cap * sizeof *n);
    if (!n) {
      rd->oom = 1;
      return;
    }
    t->rec = n;
    t->cap = cap;
  }
  if (rd->rec.nf > 0) t->rec[t->nrec++] = rd->rec;
  memset(&rd->rec, 0, sizeof rd->rec);
  rd->need_start = 1;
}

/* ---- feeding ---- */

/* Moves past byte i (counting lines and columns); returns i + 1. */
static size_t step(reader *rd, const unsigned char *b, size_t i, size_t len) {
  if (line_end(b, i, len)) {
    rd->line++;
    rd->col = 1;
  } else {
    rd->col++;
  }
  return i + 1;
}

/* Skips from byte i to the start of the next line; returns its index (len at the end). */
static size_t skip_line(reader *rd, const unsigned char *b, size_t i, size_t len) {
  while (i < len && !line_end(b, i, len))
    i++;
  return i < len ? step(rd, b, i, len) : i;
}

/* After a parse error: drops the partial record and resets libcsv's state (keeping its
 * buffer). csv_fini without callbacks resets it; a strict error never leaves an open quoted
 * field, the one state in which CSV_STRICT_FINI would make it refuse. */
static void drop_record(reader *rd, struct csv_parser *p) {
  csv_fini(p, NULL, NULL, NULL);
  memset(&rd->rec, 0, sizeof rd->rec);
  rd->need_start = 1;
}

static void feed(reader *rd, struct csv_parser *p, const unsigned char *b, size_t len) {
  for (size_t i = 0; i < len && !rd->oom;) {
    /* pstate 0 is libcsv's ROW_NOT_BEGUN, only ever at a line's start (no spaces are
     * skipped): a '#' there starts a comment, not a field */
    if (p->pstate == 0 && b[i] == '#') {
      i = skip_line(rd, b, i, len);
      continue;
    }
    /* a field starts at its first byte; an empty one ended by the line end (pstate != 0:
     * after a delimiter) starts where the line ends */
    if (rd->need_start && ((b[i] != '\r' && b[i] != '\n') || p->pstate != 0)) {
      rd->sline = rd->line;
      rd->scol = rd->col;
      rd->quoted = b[i] == '"';
      rd->need_start = 0;
    }
    if (csv_parse(p, b + i, 1, on_field, on_record, rd) != 1) {
      if (csv_error(p) != CSV_EPARSE) { /* libcsv's field buffer */
        rd->oom = 1;
        return;
      }
      /* strict mode refuses a quote in an unquoted field, and anything but a delimiter, a
       * line end or a second quote after a quoted field's closing quote */
      cs_diags_add(rd->d, rd->disp, rd->line, rd->col, "%s",
                   rd->quoted ? "text after a closing quote (expected ',' or the end of the line)"
                              : "quote inside an unquoted field (expected the whole field in "
                                "quotes, with \"\" for a quote)");
      drop_record(rd, p);
      i = skip_line(rd, b, i, len);
      continue;
    }
    i = step(rd, b, i, len);
  }
}

/* Spaces are data: a field is its bytes between the delimiters, as RFC 4180 has it. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

static cs_status parse(cs_mcsv *t, const unsigned char *b, size_t n, const char *disp,
                       cs_diags *d) {
  struct csv_parser p;
  csv_init(&p, OPTS); /* fails only for p == NULL */
  csv_set_space_func(&p, no_space);
  /* libcsv grows its field buffer by this much at a time: its default of 128 bytes makes a
   * 2 MiB field take 16,000 reallocations, each copying the field */
  csv_set_blk_size(&p, (size_t)1 << 20);
  reader rd = {.t = t, .disp = disp, .d = d, .line = 1, .col = 1, .need_start = 1};
  feed(&rd, &p, b, n);
  if (rd.need_start && p.pstate != 0) { /* an empty last field at the end of the file */
    rd.sline = rd.line;
    rd.scol = rd.col;
  }
  if (!rd.oom && csv_fini(&p, on_field, on_record, &rd) != 0) {
    /* CSV_STRICT_FINI: the file ends inside a quoted field, which started at sline:scol */
    cs_diags_add(d, disp, rd.sline, rd.scol, "quoted field never closes (expected a closing '\"')");
    memset(&rd.rec, 0, sizeof rd.rec);
  }
  csv_free(&p);
  return rd.oom ? CS_ENOMEM : CS_OK;
}

/* ---- the file ---- */

/* The whole file, at most CS_MCSV_MAX_BYTES; NULL (reported) when it cannot be read. */
static unsigned char *slurp(const char *path, const char *disp, size_t *len, cs_status *st,
                            cs_diags *d) {
  FILE *f = fopen(path, "rb");
  *st = CS_EIO;
  if (!f) {
    cs_diags_add(d, disp, 0, 0, "cannot read the actuals: %s", strerror(errno));
    return NULL;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) { /* fopen opens one for reading */
    fclose(f);
    cs_diags_add(d, disp, 0, 0, "is a directory (expected a CSV file)");
    return NULL;
  }
  unsigned char *b = cs_malloc(CS_MCSV_MAX_BYTES + 1);
  size_t n = b ? fread(b, 1, CS_MCSV_MAX_BYTES + 1, f) : 0;
  int err = ferror(f) ? errno : 0;
  fclose(f);
  if (!b)
    *st = CS_ENOMEM;
  else if (err)
    cs_diags_add(d, disp, 0, 0, "cannot read the actuals: %s", strerror(err));
  else if (n > CS_MCSV_MAX_BYTES)
    cs_diags_add(d, disp, 0, 0, "is larger than %u MiB (expected a CSV file of actuals)",
                 CS_MCSV_MAX_BYTES >> 20);
  else {
    *len = n;
    *st = CS_OK;
    return b;
  }
  cs_free(b);
  return NULL;
}

cs_status cs_mcsv_read(const char *path, const char *disp, cs_mcsv *t, cs_diags *d) {
  memset(t, 0, sizeof *t);
  cs_arena_init(&t->ar);
  size_t n = 0;
  cs_status st;
  unsigned char *b = slurp(path, disp, &n, &st, d);
  if (!b) return st;
  cs_sha256_hex(b, n, t->sha256);
  /* columns on the first line count from after a byte-order mark */
  size_t off = n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) ? 3 : 0;
  if (check_bytes(disp, b + off, n - off, d))
    st = CS_EINVAL;
  else
    st = parse(t, b + off, n - off, disp, d);
  cs_free(b);
  return st;
}

void cs_mcsv_free(cs_mcsv *t) {
  cs_free(t->rec);
  t->rec = NULL;
  t->nrec = t->cap = 0;
  cs_arena_release(&t->ar);
}
