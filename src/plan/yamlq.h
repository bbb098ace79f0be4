/* yamlq.h: a YAML document tree with line/column marks (libyaml's yaml_document_t) and typed
 * getters that record a diagnostic for every problem, so the loader can keep going after an
 * error and report all of them. Also the shared reporter (with its out-of-memory flag),
 * number parsing and file reading used by the CSV tables. */
#ifndef CS_YAMLQ_H
#define CS_YAMLQ_H

#define CS_YAML_MAX_NUM 1e12 /* the largest magnitude of a number in the plan file */

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "base/base.h"

/* Files above this size are refused before any byte is read. */
#define CS_MAX_FILE ((size_t)512 * 1024 * 1024)
/* Longest path we try to open; longer names get a clean error. */
#define CS_MAX_PATH 4096
/* Deeper YAML is refused (a plan needs about 10 levels). */
#define CS_YAML_MAX_DEPTH 64
/* Longer YAML lists and mappings are refused (interventions, parameters, ... are far fewer). */
#define CS_YAML_MAX_ITEMS 10000
/* Values longer than this are cut in messages. */
#define CS_QMAX 80

/* Format for a quoted value, cut to CS_QMAX characters: printf(CS_QF, CS_QA(s)). */
#define CS_QF "'%.80s%s'"
#define CS_QA(s) (s), (strlen(s) > CS_QMAX ? "..." : "")
/* Room for a message context such as "themes[t].interventions[i].effects[2]"; each part is
 * cut at 300 characters when formatted, so CS_CTX always holds three. */
#define CS_CTX 1024
/* The allowed keys of a mapping, as cs_yq_check_keys takes them: CS_KEYS("id", "name"). */
#define CS_KEYS(...)                                                                               \
  (const char *const[]){__VA_ARGS__},                                                              \
      sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)

/* A CSV table that the plan names, as cs_read_file noted it for the inputs table
 * (plan_sources.c): where the plan names it, and the text of its comment lines above the
 * header (its source). */
typedef struct cs_tabnote {
  struct cs_tabnote *next;
  int line, col;      /* of the YAML node naming the file, 1-based */
  const char *source; /* "" when the file has none */
} cs_tabnote;

/* Counts the problems reported, since a full cs_diags list stops growing. oom is sticky:
 * once any allocation of a load has failed, the load can only end with CS_ENOMEM, however
 * well the rest went, so a plan that lost a table to memory is never handed out. */
typedef struct {
  cs_diags *d;
  int nerr;
  int oom;
  const char *file;      /* where "out of memory" is reported (the plan file); NULL: "careshift" */
  uint64_t *hash;        /* when not NULL, cs_read_file feeds every file it reads into this FNV-1a
                            64 state, in the order read (the plan's inputs_checksum) */
  uint64_t *files_hash;  /* the same over the files only, without the overrides */
  cs_arena *notes_arena; /* when not NULL, cs_read_file notes every table named in the YAML
                            (wfile set) in notes, allocated here: the plan's sources */
  cs_tabnote *notes;     /* newest first */
  char **ovr;            /* "--set PATH=VALUE" of each override (plan_override.c), or NULL: */
  size_t novr;           /* a problem at a node an override made is reported as ovr[i] */
} cs_rep;

/* Adds a problem. After an out-of-memory nothing more is shown: what follows (a table that
 * could not be kept, so "missing rows") would only mislead. */
void cs_rep_add(cs_rep *r, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Marks the load out of memory; reports "out of memory" the first time only. */
void cs_rep_oom(cs_rep *r);
/* Returns p, the result of an allocation, after cs_rep_oom when it is NULL. Every allocation
 * of the loader goes through it, so none can fail unnoticed. */
void *cs_rep_mem(cs_rep *r, void *p);

/* Reads a whole regular file (size <= CS_MAX_FILE). Problems are reported at file:line:col
 * of the naming location (where), or at disp:1:1 when wfile is NULL. Returns a malloc'd
 * buffer (NUL-terminated, *len bytes) or NULL (with r->oom set when memory ran out). The
 * bytes read go into r->hash when it is set. */
unsigned char *cs_read_file(cs_rep *r, const char *path, const char *disp, const char *wfile,
                            int wline, int wcol, size_t *len);

/* The most bytes kept of one source comment (a longer one is cut, "..." added). */
#define CS_SOURCE_MAX 4000
/* The text of the '#' comment lines in buf[a, b) (whole lines, or a comment and the lines
 * that continue it): each line without its leading blanks, '#'s and the blanks after them,
 * tabs as spaces, the lines joined with one space, at most CS_SOURCE_MAX bytes. In ar; ""
 * when there is no text; NULL (after cs_rep_oom) when memory ran out. */
const char *cs_comment_text(cs_rep *r, cs_arena *ar, const unsigned char *buf, size_t a, size_t b);

/* Checks that buf is UTF-8 without NUL bytes and that its lines end in LF or CRLF (yaml: and
 * no NEL, LS or PS, which libyaml counts as line breaks and editors do not); reports the
 * first bad byte as disp:line:col (a leading BOM is no column). Returns 0 when clean. */
int cs_text_check(cs_rep *r, const char *disp, const unsigned char *buf, size_t len, int yaml);

/* Why id cannot name a row (empty, white space at an end, a control character), or NULL:
 * ids are matched as written in every table and shown in every output. */
const char *cs_id_problem(const char *id);
/* "holds a control character" when s does (a name shown in outputs), else NULL. */
const char *cs_text_problem(const char *s);

/* Parses a whole string as a finite number: 0 ok, -1 not a number, -2 not finite. */
int cs_parse_double(const char *s, double *out);
/* Edit distance, capped at 100 (enough for did-you-mean). */
int cs_edit_distance(const char *a, const char *b);
/* The candidate closest to word if it is close enough to be a likely typo, else NULL. */
const char *cs_suggest(const char *word, const char *const *cand, size_t n);

typedef struct {
  yaml_document_t doc;
  int loaded;
  const char *file; /* as the user sees it */
  cs_rep *rep;
  uint8_t *num; /* [node index] 1 once the node was read as a number (cs_yq_dbl, cs_yq_int):
                   the plan's input numbers (plan_sources.c) */
  size_t nnode;
} cs_yq;

typedef yaml_node_t cs_ynode;

/* Nodes that override i made (plan_override.c) carry the line mark CS_YQ_OVR_LINE + i, far
 * beyond any plan file (16 MiB): cs_rep_add then reports a problem at such a line as
 * "--set PATH=VALUE: message", wherever in the loader it was found. */
#define CS_YQ_OVR_LINE 1000000000

/* The label ("--set PATH=VALUE") of the override that made a node at 1-based line, or NULL
 * when the line is the plan file's own (plan_sources.c: such an input's source). */
const char *cs_rep_override(const cs_rep *r, int line);

/* The first pass over a YAML text: refuses tags, a second document, and nesting or lists
 * beyond CS_YAML_MAX_DEPTH and CS_YAML_MAX_ITEMS before any tree is built. Returns -1
 * after reporting. */
int cs_yq_check_shape(const char *file, const unsigned char *buf, size_t len, cs_rep *rep);

/* Applies the overrides sets[0..n-1], each "PATH=VALUE" (docs/plan-format.md "Overrides:
 * --set"), to the loaded tree q, in order, and sizes q's number marks to the new nodes.
 * Every problem is reported, naming the override; the ones that apply are applied. Node
 * pointers into q are invalid afterwards (libyaml moves its node array). rep->ovr must hold
 * their labels (cs_rep_set_overrides). Returns the number of problems found. */
int cs_yq_apply_overrides(cs_yq *q, const char *const *sets, size_t n);
/* Makes rep->ovr, the labels of the overrides; 0, or -1 when out of memory (reported). */
int cs_rep_set_overrides(cs_rep *r, const char *const *sets, size_t n);
void cs_rep_free_overrides(cs_rep *r);

/* Parses buf (already checked by cs_text_check). Returns 0 on success; on failure the
 * problem is reported (libyaml running out of memory sets rep->oom) and q needs no
 * cs_yq_free (calling it is harmless). */
int cs_yq_load(cs_yq *q, const char *file, const unsigned char *buf, size_t len, cs_rep *rep);
void cs_yq_free(cs_yq *q);
cs_ynode *cs_yq_root(cs_yq *q);

/* Whether n was read as a number (by cs_yq_dbl or cs_yq_int) since the load. */
int cs_yq_was_num(const cs_yq *q, const cs_ynode *n);

int cs_yq_line(const cs_ynode *n);
int cs_yq_col(const cs_ynode *n);
void cs_yq_err(cs_yq *q, const cs_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning at n: shown as "FILE:LINE:COL: warning: ...", it does not fail the load. */
void cs_yq_warn(cs_yq *q, const cs_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int cs_yq_is_map(const cs_ynode *n);
int cs_yq_is_seq(const cs_ynode *n);
/* The text of a scalar; NULL for a sequence or mapping. */
const char *cs_yq_scalar(const cs_ynode *n);
/* A scalar that means null: empty plain, ~, null. */
int cs_yq_is_null(const cs_ynode *n);
/* Describes a node's type for "expected ... (got ...)" messages. */
const char *cs_yq_kind(const cs_ynode *n);

size_t cs_yq_len(const cs_ynode *n); /* items or pairs */
cs_ynode *cs_yq_item(cs_yq *q, cs_ynode *seq, size_t i);
cs_ynode *cs_yq_key(cs_yq *q, cs_ynode *map, size_t i);
cs_ynode *cs_yq_val(cs_yq *q, cs_ynode *map, size_t i);

/* Reports unknown keys (with a did-you-mean), duplicate and non-scalar keys of map. */
void cs_yq_check_keys(cs_yq *q, cs_ynode *map, const char *const *allowed, size_t nallowed,
                      const char *ctx);
cs_ynode *cs_yq_get(cs_yq *q, cs_ynode *map, const char *key);
/* Like cs_yq_get, but reports a missing (or null) field. */
cs_ynode *cs_yq_req(cs_yq *q, cs_ynode *map, const char *key, const char *ctx);

/* Type checks that report "what: expected a mapping (got a list)". */
int cs_yq_want_map(cs_yq *q, cs_ynode *n, const char *what);
int cs_yq_want_seq(cs_yq *q, cs_ynode *n, const char *what);
/* A non-null scalar as string, or NULL after a report. */
const char *cs_yq_str(cs_yq *q, cs_ynode *n, const char *what);
/* A plain scalar that is a finite number. Returns 0 on success. */
int cs_yq_dbl(cs_yq *q, cs_ynode *n, const char *what, double *out);
/* An integer in lo..hi. Returns 0 on success. */
int cs_yq_int(cs_yq *q, cs_ynode *n, const char *what, long lo, long hi, long *out);

#endif
