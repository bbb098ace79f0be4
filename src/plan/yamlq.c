/* yamlq.c: the YAML tree with marks and its reporting getters, plus the file reading, text
 * checks and number parsing that YAML and CSV share. Every getter reports what is wrong at
 * the node's line and column and returns a failure the caller can skip past. */
#include "yamlq.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cs_rep_override(const cs_rep *r, int line) {
  if (line <= CS_YQ_OVR_LINE || (size_t)(line - CS_YQ_OVR_LINE - 1) >= r->novr) return NULL;
  return r->ovr[line - CS_YQ_OVR_LINE - 1];
}

/* A problem at a node an override made is the override's, not a line of the plan file: the
 * user wrote the value on the command line (or in a what-if request). */
static void rep_place(const cs_rep *r, const char **file, int *line, int *col) {
  const char *o = cs_rep_override(r, *line);
  if (!o) return;
  *file = o;
  *line = *col = 0;
}

void cs_rep_add(cs_rep *r, const char *file, int line, int col, const char *fmt, ...) {
  r->nerr++;
  if (r->oom) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  rep_place(r, &file, &line, &col);
  /* A problem that cannot be kept must not leave a load that looks merely invalid. */
  if (cs_diags_add(r->d, file, line, col, "%s", buf) == CS_ENOMEM) cs_rep_oom(r);
}

void cs_rep_oom(cs_rep *r) {
  if (r->oom) return;
  r->oom = 1;
  r->nerr++;
  /* This may fail as well; the load's CS_ENOMEM still says what happened. */
  cs_diags_add(r->d, r->file, r->file ? 1 : 0, 1, "out of memory");
}

void *cs_rep_mem(cs_rep *r, void *p) {
  if (!p) cs_rep_oom(r);
  return p;
}

/* ---- comments (the sources of the plan's numbers, plan_sources.c) ---- */

/* Bytes of the UTF-8 character that starts with byte c (1 for a stray byte). */
static size_t char_len(unsigned char c) {
  return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Appends the text of the comment line buf[i, e) to out (n bytes so far, room for max);
 * returns 0 when it did not fit whole. */
static int comment_line(const unsigned char *buf, size_t i, size_t e, char *out, size_t *n,
                        size_t max) {
  while (i < e && (buf[i] == ' ' || buf[i] == '\t'))
    i++;
  while (i < e && buf[i] == '#')
    i++;
  while (i < e && (buf[i] == ' ' || buf[i] == '\t'))
    i++;
  while (e > i && (buf[e - 1] == ' ' || buf[e - 1] == '\t' || buf[e - 1] == '\r'))
    e--;
  if (i == e) return 1;
  if (*n) {
    if (*n >= max) return 0;
    out[(*n)++] = ' ';
  }
  while (i < e) {
    size_t k = char_len(buf[i]);
    if (*n + k > max || i + k > e) return 0; /* never half a character */
    for (size_t j = 0; j < k; j++)
      out[(*n)++] = buf[i + j] == '\t' ? ' ' : (char)buf[i + j];
    i += k;
  }
  return 1;
}

const char *cs_comment_text(cs_rep *r, cs_arena *ar, const unsigned char *buf, size_t a, size_t b) {
  if (b <= a) return "";
  size_t max = b - a < CS_SOURCE_MAX ? b - a : CS_SOURCE_MAX;
  char *out = cs_rep_mem(r, cs_arena_alloc(ar, max + 4)); /* the text is never longer than
                                                              the lines, "..." and NUL aside */
  if (!out) return NULL;
  size_t n = 0;
  int whole = 1;
  for (size_t i = a; i < b && whole;) {
    size_t e = i;
    while (e < b && buf[e] != '\n')
      e++;
    whole = comment_line(buf, i, e, out, &n, max);
    i = e + 1;
  }
  if (!whole) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = 0;
  return out;
}

/* Notes a CSV table named in the plan with the comment lines above its header, without a
 * leading "source:" (a file's sources are written so: docs/plan-format.md). Only the first
 * lines that can fill a source are looked at, so a file of comments costs no more. */
static void note_table(cs_rep *r, const unsigned char *buf, size_t len, int wline, int wcol) {
  size_t i = len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0; /* BOM */
  size_t a = 0, b = 0;
  while (i < len && (buf[i] == '#' || buf[i] == '\n' || buf[i] == '\r') &&
         b - a < 2 * CS_SOURCE_MAX) {
    size_t e = i;
    while (e < len && buf[e] != '\n')
      e++;
    if (buf[i] == '#') {
      if (b == 0) a = i;
      b = e;
    }
    i = e < len ? e + 1 : e;
  }
  const char *text = cs_comment_text(r, r->notes_arena, buf, a, b);
  cs_tabnote *nt = cs_rep_mem(r, cs_arena_alloc(r->notes_arena, sizeof *nt));
  if (!text || !nt) return;
  if (!strncasecmp(text, "source:", 7))
    for (text += 7; *text == ' ';)
      text++;
  *nt = (cs_tabnote){r->notes, wline, wcol, text};
  r->notes = nt;
}

/* ---- files ---- */

/* Reports "<pre>'path'<post>" where the file is named, or at the file itself. */
static void where_add(cs_rep *r, const char *disp, const char *wfile, int wl, int wc,
                      const char *pre, const char *path, const char *post) {
  if (wfile)
    cs_rep_add(r, wfile, wl, wc, "%s" CS_QF "%s", pre, CS_QA(path), post);
  else
    cs_rep_add(r, disp, 1, 1, "%s" CS_QF "%s", pre, CS_QA(path), post);
}

static int open_regular(cs_rep *r, const char *path, const char *disp, const char *wfile, int wl,
                        int wc, size_t *size) {
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      where_add(r, disp, wfile, wl, wc, "file ", path, " does not exist");
    else if (errno == ENAMETOOLONG)
      where_add(r, disp, wfile, wl, wc, "file name ", path, " is too long");
    else {
      /* the reason decides what the user does next: permissions, a symlink loop, ... */
      char why[160];
      snprintf(why, sizeof why, ": %s", strerror(errno));
      where_add(r, disp, wfile, wl, wc, "cannot open file ", path, why);
    }
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    where_add(r, disp, wfile, wl, wc, "file ", path, " is not a regular file");
    close(fd);
    return -1;
  }
  if ((unsigned long long)st.st_size > CS_MAX_FILE) {
    where_add(r, disp, wfile, wl, wc, "file ", path, " is too large (expected at most 512 MiB)");
    close(fd);
    return -1;
  }
  *size = (size_t)st.st_size;
  return fd;
}

unsigned char *cs_read_file(cs_rep *r, const char *path, const char *disp, const char *wfile,
                            int wline, int wcol, size_t *len) {
  size_t plen = strlen(path);
  if (plen > CS_MAX_PATH) {
    if (wfile)
      cs_rep_add(r, wfile, wline, wcol, "file name is too long (%zu bytes, expected at most %d)",
                 plen, CS_MAX_PATH);
    else
      cs_rep_add(r, "careshift", 1, 1, "file name is too long (%zu bytes, expected at most %d)",
                 plen, CS_MAX_PATH);
    return NULL;
  }
  size_t size;
  int fd = open_regular(r, path, disp, wfile, wline, wcol, &size);
  if (fd < 0) return NULL;
  unsigned char *buf = cs_rep_mem(r, cs_malloc(size + 1));
  size_t got = 0;
  while (buf && got < size) {
    ssize_t k = read(fd, buf + got, size - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break; /* the file shrank or failed: keep what was read */
    got += (size_t)k;
  }
  close(fd);
  if (!buf) return NULL;
  buf[got] = 0;
  *len = got;
  if (r->hash) *r->hash = cs_hash_fnv1a_bytes(*r->hash, buf, got);
  if (r->files_hash) *r->files_hash = cs_hash_fnv1a_bytes(*r->files_hash, buf, got);
  if (r->notes_arena && wfile) note_table(r, buf, got, wline, wcol);
  return buf;
}

/* Length of the UTF-8 sequence at p (1..4), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *p, size_t left) {
  unsigned c = p[0];
  if (c < 0x80) return 1;
  size_t n;
  unsigned min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    min = 0x10000;
  } else
    return 0;
  if (left < n) return 0;
  unsigned cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

/* A line break that an editor does not show as one, or shows where libyaml does not: the
 * marks of every later problem would be off by a line. Returns its code point or 0. */
static unsigned odd_break(const unsigned char *p, size_t left, int yaml) {
  if (p[0] == '\r' && (left < 2 || p[1] != '\n')) return '\r';
  if (!yaml) return 0; /* the CSV reader breaks lines at LF (and CRLF) only */
  if (left >= 2 && p[0] == 0xC2 && p[1] == 0x85) return 0x85;
  if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
    return 0x2028u + (unsigned)(p[2] - 0xA8);
  return 0;
}

int cs_text_check(cs_rep *r, const char *disp, const unsigned char *buf, size_t len, int yaml) {
  int line = 1, col = 1;
  size_t i = len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0; /* BOM */
  while (i < len) {
    if (buf[i] == 0) {
      cs_rep_add(r, disp, line, col, "NUL byte in text (expected a UTF-8 text file, not binary)");
      return -1;
    }
    size_t n = utf8_len(buf + i, len - i);
    if (n == 0) {
      cs_rep_add(r, disp, line, col, "invalid UTF-8 byte 0x%02x (expected UTF-8 text)", buf[i]);
      return -1;
    }
    unsigned br = odd_break(buf + i, len - i, yaml);
    if (br == '\r') {
      cs_rep_add(r, disp, line, col,
                 "carriage return without a line feed (expected LF or CRLF "
                 "line ends)");
      return -1;
    }
    if (br) {
      cs_rep_add(r, disp, line, col,
                 "Unicode line break U+%04X (expected LF or CRLF line ends; "
                 "editors do not show it as a new line)",
                 br);
      return -1;
    }
    if (buf[i] == '\n') {
      line++;
      col = 1;
    } else
      col++;
    i += n;
  }
  return 0;
}

/* ---- numbers and names ---- */

int cs_parse_double(const char *s, double *out) {
  /* strtod alone would take "nan", "inf", hex and leading blanks; a plan number is plain
   * decimal. */
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  if (!*p) return -1;
  for (const char *c = p; *c; c++)
    if (!strchr("0123456789.eE+-", *c)) {
      if (!strcasecmp(p, "nan") || !strcasecmp(p, "inf") || !strcasecmp(p, "infinity") ||
          !strcasecmp(p, ".nan") || !strcasecmp(p, ".inf"))
        return -2;
      return -1;
    }
  if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*end) return -1;
  if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) return -2;
  *out = errno == ERANGE ? 0.0 : v; /* underflow: a denormal-sized number is 0 */
  return 0;
}

int cs_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return 100;
  int row[65];
  for (size_t j = 0; j <= lb; j++)
    row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int up = row[j];
      int best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *cs_suggest(const char *word, const char *const *cand, size_t n) {
  const char *best = NULL;
  int bd = 100;
  for (size_t i = 0; i < n; i++) {
    if (!cand[i]) continue;
    int dd = cs_edit_distance(word, cand[i]);
    if (dd < bd) {
      bd = dd;
      best = cand[i];
    }
  }
  size_t lw = strlen(word);
  int limit = lw <= 3 ? 1 : lw <= 6 ? 2 : 3;
  return bd <= limit ? best : NULL;
}

/* Whether the n bytes at p are a space nobody sees: no-break (U+00A0), zero-width (U+200B)
 * or a byte-order mark (U+FEFF). */
static int invisible_space(const unsigned char *p, size_t n) {
  return (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0) ||
         (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x8B) ||
         (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF);
}

const char *cs_id_problem(const char *id) {
  size_t n = strlen(id);
  const unsigned char *u = (const unsigned char *)id;
  if (n == 0) return "is empty";
  if (isspace(u[0]) || isspace(u[n - 1]) || invisible_space(u, n) ||
      (n >= 2 && invisible_space(u + n - 2, 2)) || (n >= 3 && invisible_space(u + n - 3, 3)))
    return "begins or ends with white space";
  return cs_text_problem(id);
}

const char *cs_text_problem(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return "holds a control character";
  return NULL;
}

/* ---- YAML ---- */

/* libyaml's loader turns aliases into shared node references; a walk through shared nodes
 * could blow up exponentially, and a self-referencing anchor would loop. Plans need no
 * aliases, so any node referenced twice is refused. */
static int reject_aliases(cs_yq *q) {
  yaml_node_t *start = q->doc.nodes.start, *top = q->doc.nodes.top;
  size_t n = (size_t)(top - start);
  unsigned char *refs = cs_rep_mem(q->rep, cs_calloc(n + 1, 1));
  if (!refs) return -1;
  int bad = 0;
  refs[0] = 1; /* the root node (index 1) */
  for (size_t i = 0; i < n && !bad; i++) {
    yaml_node_t *node = start + i;
    int ids[2];
    if (node->type == YAML_SEQUENCE_NODE) {
      for (yaml_node_item_t *it = node->data.sequence.items.start;
           it < node->data.sequence.items.top && !bad; it++)
        if (refs[*it - 1]++) bad = *it;
    } else if (node->type == YAML_MAPPING_NODE) {
      for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
           pr < node->data.mapping.pairs.top && !bad; pr++) {
        ids[0] = pr->key;
        ids[1] = pr->value;
        for (int k = 0; k < 2 && !bad; k++)
          if (refs[ids[k] - 1]++) bad = ids[k];
      }
    }
  }
  cs_free(refs);
  if (bad) {
    yaml_node_t *node = start + bad - 1;
    cs_yq_err(q, node, "yaml alias or anchor reuse is not supported (expected plain values)");
    return -1;
  }
  return 0;
}

/* libyaml sets an error code for every problem of the text; its loader fails without one
 * only when copying a tag runs out of memory. */
static int lost_memory(const yaml_parser_t *p) {
  return p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR;
}

/* Open collections while checking the shape: entries of each (index 1..depth). */
typedef struct {
  size_t items[CS_YAML_MAX_DEPTH + 2];
  int depth;
} shape;

/* Counts one event; reports a collection too long or too deep. Returns -1 after reporting. */
static int shape_event(shape *sh, const yaml_event_t *ev, const char *file, cs_rep *rep) {
  int open = ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
  int close = ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT;
  int node = open || ev->type == YAML_SCALAR_EVENT || ev->type == YAML_ALIAS_EVENT;
  int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
  if (node && sh->depth > 0 && ++sh->items[sh->depth] > 2 * CS_YAML_MAX_ITEMS) {
    cs_rep_add(rep, file, line, col,
               "yaml list or mapping is too long (expected at most %d "
               "entries)",
               CS_YAML_MAX_ITEMS);
    return -1;
  }
  if (open && ++sh->depth > CS_YAML_MAX_DEPTH) {
    cs_rep_add(rep, file, line, col, "yaml nesting is too deep (expected at most %d levels)",
               CS_YAML_MAX_DEPTH);
    return -1;
  }
  if (open) sh->items[sh->depth] = 0;
  if (close && sh->depth > 0) sh->depth--;
  return 0;
}

/* The loader gives every untagged scalar the tag !!str, so "!!str 38" could not be told
 * from 38 in the tree: a tag written in the plan is refused here, where the events still
 * say whether it was explicit. Plans need no tags. The load goes on to find other problems. */
static void explicit_tag(const yaml_event_t *ev, const char *file, cs_rep *rep) {
  const yaml_char_t *tag = NULL;
  if (ev->type == YAML_SCALAR_EVENT && !ev->data.scalar.plain_implicit &&
      !ev->data.scalar.quoted_implicit)
    tag = ev->data.scalar.tag;
  else if (ev->type == YAML_SEQUENCE_START_EVENT && !ev->data.sequence_start.implicit)
    tag = ev->data.sequence_start.tag;
  else if (ev->type == YAML_MAPPING_START_EVENT && !ev->data.mapping_start.implicit)
    tag = ev->data.mapping_start.tag;
  if (!tag) return;
  const char *t = (const char *)tag, *core = "tag:yaml.org,2002:";
  int short_form = !strncmp(t, core, strlen(core));
  cs_rep_add(rep, file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
             "yaml tag '%s%.200s' is not supported (expected a plain value; quote a string "
             "instead)",
             short_form ? "!!" : "", short_form ? t + strlen(core) : t);
}

/* libyaml's scanner costs O(depth) per token, so deeply nested flow collections take
 * quadratic time ("[" * 200000 runs for minutes), and the key checks are quadratic in a
 * mapping's size. A first pass over the events stops at a depth or length no plan needs,
 * before the tree is built. Returns -1 after reporting. */
int cs_yq_check_shape(const char *file, const unsigned char *buf, size_t len, cs_rep *rep) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    cs_rep_oom(rep); /* libyaml's only reason to fail here */
    return -1;
  }
  yaml_parser_set_input_string(&p, buf, len);
  shape sh = {.depth = 0};
  int rc = 0, done = 0, ndoc = 0;
  while (!done && rc == 0) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      /* A syntax error is the load's to report; lost memory would skip the shape check. */
      if (lost_memory(&p)) {
        cs_rep_oom(rep);
        rc = -1;
      }
      break;
    }
    rc = shape_event(&sh, &ev, file, rep);
    if (rc == 0) explicit_tag(&ev, file, rep);
    /* libyaml's loader reads the first document only; the rest would be dropped unseen */
    if (rc == 0 && ev.type == YAML_DOCUMENT_START_EVENT && ++ndoc == 2) {
      cs_rep_add(rep, file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                 "a second yaml document starts here (expected one plan per file)");
      rc = -1;
    }
    done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  return rc;
}

/* libyaml's reader (bad encoding, a control character) leaves problem_mark unset and gives
 * a byte offset instead; the line and column are counted here, in characters as the
 * scanner's marks are. */
static void reader_error(cs_yq *q, const yaml_parser_t *p, const unsigned char *buf, size_t len) {
  int line = 1, col = 1;
  size_t end = p->problem_offset < len ? p->problem_offset : len;
  size_t i0 = len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0; /* BOM */
  for (size_t i = i0; i < end; i++) {
    if (buf[i] == '\n') {
      line++;
      col = 1;
    } else if ((buf[i] & 0xC0) != 0x80)
      col++; /* a UTF-8 continuation byte is no new column */
  }
  const char *what = p->problem ? p->problem : "unreadable text";
  if (p->problem_value >= 0x80) /* libyaml gives the code point, not a byte */
    cs_rep_add(q->rep, q->file, line, col, "yaml %s: U+%04X (expected printable UTF-8 text)", what,
               (unsigned)p->problem_value);
  else if (p->problem_value >= 0)
    cs_rep_add(q->rep, q->file, line, col, "yaml %s: byte 0x%02x (expected printable UTF-8 text)",
               what, (unsigned)p->problem_value);
  else
    cs_rep_add(q->rep, q->file, line, col, "yaml %s (expected printable UTF-8 text)", what);
}

/* Builds q->doc from buf; reports a syntax error, or marks the load out of memory. */
static int parse_doc(cs_yq *q, const unsigned char *buf, size_t len) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    cs_rep_oom(q->rep);
    return -1;
  }
  yaml_parser_set_input_string(&p, buf, len);
  int ok = yaml_parser_load(&p, &q->doc);
  if (!ok && lost_memory(&p)) {
    cs_rep_oom(q->rep);
  } else if (!ok && p.error == YAML_READER_ERROR) {
    reader_error(q, &p, buf, len);
  } else if (!ok) {
    const char *what = p.problem ? p.problem : "malformed yaml";
    yaml_mark_t m = p.problem_mark;
    if (p.context)
      cs_rep_add(q->rep, q->file, (int)m.line + 1, (int)m.column + 1, "yaml syntax error: %s %s",
                 p.context, what);
    else
      cs_rep_add(q->rep, q->file, (int)m.line + 1, (int)m.column + 1, "yaml syntax error: %s",
                 what);
  }
  yaml_parser_delete(&p);
  return ok ? 0 : -1;
}

int cs_yq_load(cs_yq *q, const char *file, const unsigned char *buf, size_t len, cs_rep *rep) {
  memset(q, 0, sizeof *q);
  q->file = file;
  q->rep = rep;
  if (cs_yq_check_shape(file, buf, len, rep) || parse_doc(q, buf, len)) return -1;
  q->loaded = 1;
  if (!yaml_document_get_root_node(&q->doc)) {
    cs_rep_add(rep, file, 1, 1, "empty plan file (expected a yaml mapping)");
    cs_yq_free(q);
    return -1;
  }
  if (reject_aliases(q)) {
    cs_yq_free(q);
    return -1;
  }
  q->nnode = (size_t)(q->doc.nodes.top - q->doc.nodes.start);
  q->num = cs_rep_mem(rep, cs_calloc(q->nnode + 1, 1));
  if (!q->num) {
    cs_yq_free(q);
    return -1;
  }
  return 0;
}

void cs_yq_free(cs_yq *q) {
  if (q->loaded) yaml_document_delete(&q->doc);
  q->loaded = 0;
  cs_free(q->num);
  q->num = NULL;
  q->nnode = 0;
}

/* Remembers that n was read as a number: such scalars are the plan's input numbers. */
static void mark_num(cs_yq *q, const cs_ynode *n) {
  if (q->num && n >= q->doc.nodes.start && n < q->doc.nodes.top) q->num[n - q->doc.nodes.start] = 1;
}

int cs_yq_was_num(const cs_yq *q, const cs_ynode *n) {
  return q->num && n >= q->doc.nodes.start && n < q->doc.nodes.top &&
         q->num[n - q->doc.nodes.start];
}

cs_ynode *cs_yq_root(cs_yq *q) { return yaml_document_get_root_node(&q->doc); }

int cs_yq_line(const cs_ynode *n) { return (int)n->start_mark.line + 1; }
int cs_yq_col(const cs_ynode *n) { return (int)n->start_mark.column + 1; }

void cs_yq_err(cs_yq *q, const cs_ynode *n, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  cs_rep_add(q->rep, q->file, n ? cs_yq_line(n) : 1, n ? cs_yq_col(n) : 1, "%s", buf);
}

void cs_yq_warn(cs_yq *q, const cs_ynode *n, const char *fmt, ...) {
  if (q->rep->oom) return;
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  const char *file = q->file;
  int line = n ? cs_yq_line(n) : 1, col = n ? cs_yq_col(n) : 1;
  rep_place(q->rep, &file, &line, &col);
  /* not counted in nerr: the plan still loads */
  if (cs_diags_add(q->rep->d, file, line, col, "warning: %s", buf) == CS_ENOMEM) cs_rep_oom(q->rep);
}

int cs_yq_is_map(const cs_ynode *n) { return n && n->type == YAML_MAPPING_NODE; }
int cs_yq_is_seq(const cs_ynode *n) { return n && n->type == YAML_SEQUENCE_NODE; }

const char *cs_yq_scalar(const cs_ynode *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int cs_yq_is_null(const cs_ynode *n) {
  const char *s = cs_yq_scalar(n);
  if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *cs_yq_kind(const cs_ynode *n) {
  if (!n) return "nothing";
  if (n->type == YAML_MAPPING_NODE) return "a mapping";
  if (n->type == YAML_SEQUENCE_NODE) return "a list";
  if (cs_yq_is_null(n)) return "null";
  return "a scalar";
}

size_t cs_yq_len(const cs_ynode *n) {
  if (cs_yq_is_seq(n)) return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (cs_yq_is_map(n)) return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  return 0;
}

cs_ynode *cs_yq_item(cs_yq *q, cs_ynode *seq, size_t i) {
  return yaml_document_get_node(&q->doc, seq->data.sequence.items.start[i]);
}
cs_ynode *cs_yq_key(cs_yq *q, cs_ynode *map, size_t i) {
  return yaml_document_get_node(&q->doc, map->data.mapping.pairs.start[i].key);
}
cs_ynode *cs_yq_val(cs_yq *q, cs_ynode *map, size_t i) {
  return yaml_document_get_node(&q->doc, map->data.mapping.pairs.start[i].value);
}

static void unknown_key(cs_yq *q, cs_ynode *k, const char *key, const char *const *allowed,
                        size_t nallowed, const char *ctx) {
  const char *s = cs_suggest(key, allowed, nallowed);
  if (s)
    cs_yq_err(q, k, "unknown key " CS_QF " in %s (did you mean '%s'?)", CS_QA(key), ctx, s);
  else
    cs_yq_err(q, k, "unknown key " CS_QF " in %s", CS_QA(key), ctx);
}

void cs_yq_check_keys(cs_yq *q, cs_ynode *map, const char *const *allowed, size_t nallowed,
                      const char *ctx) {
  size_t n = cs_yq_len(map);
  for (size_t i = 0; i < n; i++) {
    cs_ynode *k = cs_yq_key(q, map, i);
    const char *key = cs_yq_scalar(k);
    if (!key) {
      cs_yq_err(q, k, "key in %s is %s (expected a plain name)", ctx, cs_yq_kind(k));
      continue;
    }
    int dup = 0;
    for (size_t j = 0; j < i && !dup; j++) {
      const char *o = cs_yq_scalar(cs_yq_key(q, map, j));
      dup = o && !strcmp(o, key);
    }
    if (dup) {
      cs_yq_err(q, k, "duplicate key " CS_QF " in %s", CS_QA(key), ctx);
      continue;
    }
    size_t a = 0;
    while (a < nallowed && strcmp(allowed[a], key))
      a++;
    if (a == nallowed) unknown_key(q, k, key, allowed, nallowed, ctx);
  }
}

cs_ynode *cs_yq_get(cs_yq *q, cs_ynode *map, const char *key) {
  if (!cs_yq_is_map(map)) return NULL;
  size_t n = cs_yq_len(map);
  for (size_t i = 0; i < n; i++) {
    const char *k = cs_yq_scalar(cs_yq_key(q, map, i));
    if (k && !strcmp(k, key)) return cs_yq_val(q, map, i);
  }
  return NULL;
}

cs_ynode *cs_yq_req(cs_yq *q, cs_ynode *map, const char *key, const char *ctx) {
  cs_ynode *v = cs_yq_get(q, map, key);
  if (!v || cs_yq_is_null(v)) {
    cs_yq_err(q, v ? v : map, "missing required field '%s' in %s", key, ctx);
    return NULL;
  }
  return v;
}

int cs_yq_want_map(cs_yq *q, cs_ynode *n, const char *what) {
  if (cs_yq_is_map(n)) return 1;
  cs_yq_err(q, n, "%s is %s (expected a mapping)", what, cs_yq_kind(n));
  return 0;
}

int cs_yq_want_seq(cs_yq *q, cs_ynode *n, const char *what) {
  if (cs_yq_is_seq(n)) return 1;
  cs_yq_err(q, n, "%s is %s (expected a list)", what, cs_yq_kind(n));
  return 0;
}

const char *cs_yq_str(cs_yq *q, cs_ynode *n, const char *what) {
  const char *s = cs_yq_scalar(n);
  if (!s || cs_yq_is_null(n)) {
    cs_yq_err(q, n, "%s is %s (expected a string)", what, cs_yq_kind(n));
    return NULL;
  }
  return s;
}

static int yq_number(cs_yq *q, cs_ynode *n, const char *what, double *out, double cap);

int cs_yq_dbl(cs_yq *q, cs_ynode *n, const char *what, double *out) {
  return yq_number(q, n, what, out, CS_YAML_MAX_NUM);
}

/* cap: the largest magnitude allowed (an integer's own range is checked by its caller). */
static int yq_number(cs_yq *q, cs_ynode *n, const char *what, double *out, double cap) {
  const char *s = cs_yq_scalar(n);
  if (!s || cs_yq_is_null(n)) {
    cs_yq_err(q, n, "%s is %s (expected a number)", what, cs_yq_kind(n));
    return -1;
  }
  int quoted = n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  int rc = cs_parse_double(s, out);
  if (quoted && rc != -1) {
    /* "38" in quotes is a string in YAML; taking it as a number would hide a typed column */
    cs_yq_err(q, n, "%s " CS_QF " is a quoted string (expected a number, without quotes)", what,
              CS_QA(s));
    return -1;
  }
  if (rc == 0 && fabs(*out) > cap) {
    /* a budget of a whole country is below 1e12 euro; a larger number is a typo and would
     * overflow the results rather than be reported */
    cs_yq_err(q, n, "%s " CS_QF " is implausibly large (expected a magnitude of at most 1e12)",
              what, CS_QA(s));
    return -1;
  }
  if (rc == -2)
    cs_yq_err(q, n, "%s " CS_QF " is not a finite number (expected a number)", what, CS_QA(s));
  else if (rc)
    cs_yq_err(q, n, "%s " CS_QF " is not a number (expected a number)", what, CS_QA(s));
  if (!rc) mark_num(q, n);
  return rc ? -1 : 0;
}

int cs_yq_int(cs_yq *q, cs_ynode *n, const char *what, long lo, long hi, long *out) {
  double v;
  if (yq_number(q, n, what, &v, INFINITY)) return -1;
  const char *s = cs_yq_scalar(n);
  if (v != floor(v)) {
    cs_yq_err(q, n, "%s " CS_QF " is not an integer (expected an integer)", what, CS_QA(s));
    return -1;
  }
  if (v < (double)lo || v > (double)hi) {
    cs_yq_err(q, n, "%s " CS_QF " is out of range (expected an integer in %ld..%ld)", what,
              CS_QA(s), lo, hi);
    return -1;
  }
  *out = (long)v;
  return 0;
}
