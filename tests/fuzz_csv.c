/* fuzz_csv.c: libFuzzer target for the CSV table reader alone (src/plan/table.c, cs_csv_read).
 * The input's first byte chooses how the expected header is made, the rest is one CSV file:
 *   bits 0-1  0, 3: the header of one of the plan's own tables (bits 2-5 choose which);
 *             1: the names before the first NUL byte (comma-separated), the CSV after it;
 *             2: the names of the CSV's own first line (split at commas, naively), so the
 *                header usually matches and the rows are read;
 *   bits 6-7  both set: the library's N-th allocation fails, N = the second byte + 1.
 * The file lives in a memfd and is read through /proc/self/fd, so nothing touches the disk.
 * Checked with __builtin_trap(): a refused table comes with a diagnostic; every diagnostic is
 * "table.csv:LINE:COL: message" with LINE, COL >= 1 on one line (no control byte); every kept
 * cell is a string at a line and column >= 1, inside the input, after the cell before it; an
 * injected allocation failure ends in r.oom and -1. ASan finds leaks and bad accesses.
 * Seed corpus: tests/fuzz/csv/. Build: meson -Dfuzz=true with CC=clang. */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "plan/table.h"

#define DISP "table.csv"
#define MAXNAMES 16 /* table.c reads at most 16 fields of a record (MAXCOL) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The headers of the tables a plan names (plan_sections.c), population first. */
static const char *const s_population[] = {"area", "sex", "age", "count"};
static const char *const s_areas[] = {"area", "name", "subregion"};
static const char *const s_mortality[] = {"sex", "age", "q"};
static const char *const s_fertility[] = {"age", "rate"};
static const char *const s_migration[] = {"area", "sex", "age", "net"};
static const char *const s_projection[] = {"area", "sex", "age", "year", "count"};
static const char *const s_shares[] = {"sex", "age", "state", "share"};
static const char *const s_transitions[] = {"sex", "age", "from", "to", "p"};
static const char *const s_workforce[] = {"group",       "subregion",    "fte",
                                          "retire_rate", "outflow_rate", "inflow_fte"};
static const char *const s_use[] = {"sector", "state", "sex", "age_from", "age_to", "rate"};
static const struct {
  const char *const *names;
  int n;
} specs[] = {{s_population, 4}, {s_areas, 3},      {s_mortality, 3}, {s_fertility, 2},
             {s_migration, 4},  {s_projection, 5}, {s_shares, 4},    {s_transitions, 5},
             {s_workforce, 6},  {s_use, 6}};
#define NSPEC (sizeof specs / sizeof *specs)

/* ---- allocation failure injection (cs_set_allocator) ---- */
static long alloc_n, fail_at;
static int failed;

static void *t_malloc(void *ctx, size_t n) {
  (void)ctx;
  if (++alloc_n == fail_at) {
    failed = 1;
    return NULL;
  }
  return malloc(n);
}
static void *t_realloc(void *ctx, void *p, size_t n) {
  (void)ctx;
  if (++alloc_n == fail_at) {
    failed = 1;
    return NULL;
  }
  return realloc(p, n);
}
static void t_free(void *ctx, void *p) {
  (void)ctx;
  free(p);
}

/* ---- the file ---- */

/* One memfd per process; libFuzzer runs inputs one at a time. */
static int memfd(void) {
  static int fd = -2;
  if (fd == -2) fd = memfd_create("fuzz_csv", 0);
  return fd;
}

static int put(int fd, const uint8_t *p, size_t n) {
  if (ftruncate(fd, 0) != 0) return -1;
  size_t done = 0;
  while (done < n) {
    ssize_t k = pwrite(fd, p + done, n - done, (off_t)done);
    if (k <= 0) return -1;
    done += (size_t)k;
  }
  return 0;
}

/* Splits s[0..n) at commas into at most MAXNAMES names (NUL-terminated copies in buf, which
 * has room for n + 1 bytes). A trailing '\r' is dropped, as a CRLF header line has it. */
static int split_names(const uint8_t *s, size_t n, char *buf, const char **names) {
  if (n && s[n - 1] == '\r') n--;
  memcpy(buf, s, n);
  buf[n] = 0;
  int k = 0;
  names[k++] = buf;
  for (size_t i = 0; i < n && k < MAXNAMES; i++)
    if (buf[i] == ',') {
      buf[i] = 0;
      names[k++] = buf + i + 1;
    }
  for (size_t i = 0; i < n; i++) /* past the 16th name: cut it at its comma */
    if (buf[i] == ',') buf[i] = 0;
  return k;
}

/* Says which invariant broke (the reproducer alone would only say "trap"), then stops. */
static void fail(const char *what, const char *detail) {
  fprintf(stderr, "fuzz_csv: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  __builtin_trap();
}

/* "table.csv:LINE:COL: text" with LINE, COL >= 1, one line; or the diags' overflow line. */
static void check_diag(const char *m) {
  if (!m || !*m) fail("empty diagnostic", NULL);
  for (const unsigned char *p = (const unsigned char *)m; *p; p++)
    if (*p < 0x20 || *p == 0x7f) fail("control byte in a diagnostic", m);
  if (!strncmp(m, "... and ", 8)) return;
  if (strncmp(m, DISP ":", strlen(DISP ":"))) fail("diagnostic not at " DISP, m);
  char *end;
  long line = strtol(m + strlen(DISP ":"), &end, 10);
  if (line < 1 || *end != ':') fail("diagnostic without a line >= 1", m);
  long col = strtol(end + 1, &end, 10);
  if (col < 1 || strncmp(end, ": ", 2) || !end[2]) fail("diagnostic without a column >= 1", m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int fd = memfd();
  if (fd < 0) return 0;
  uint8_t mode = data[0];
  const uint8_t *csv = data + 1;
  size_t len = size - 1;
  fail_at = 0;
  if ((mode & 0xC0) == 0xC0) {
    if (len < 1) return 0;
    fail_at = (long)csv[0] + 1;
    csv++;
    len--;
  }

  const char *names[MAXNAMES];
  char *namebuf = NULL;
  int ncol;
  switch (mode & 3) {
  case 1: { /* names, NUL, CSV */
    const uint8_t *nul = memchr(csv, 0, len);
    size_t n = nul ? (size_t)(nul - csv) : len;
    namebuf = malloc(n + 1);
    if (!namebuf) return 0;
    ncol = split_names(csv, n, namebuf, names);
    csv += nul ? n + 1 : n;
    len -= nul ? n + 1 : n;
    break;
  }
  case 2: { /* the CSV's own first line */
    const uint8_t *nl = memchr(csv, '\n', len);
    size_t n = nl ? (size_t)(nl - csv) : len;
    namebuf = malloc(n + 1);
    if (!namebuf) return 0;
    ncol = split_names(csv, n, namebuf, names);
    break;
  }
  default: {
    size_t k = (size_t)((mode >> 2) & 15) % NSPEC;
    ncol = specs[k].n;
    memcpy(names, specs[k].names, (size_t)ncol * sizeof *names);
  }
  }
  if (put(fd, csv, len) != 0) {
    free(namebuf);
    return 0;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

  cs_diags *d = cs_diags_new();
  if (!d) __builtin_trap();
  cs_rep r = {.d = d, .file = DISP};
  cs_csv t;
  alloc_n = 0;
  failed = 0;
  if (fail_at) {
    static const cs_allocator a = {t_malloc, t_realloc, t_free, NULL};
    cs_set_allocator(&a);
  }
  int rc = cs_csv_read(&t, &r, path, DISP, names, ncol, "plan.yaml", 3, 7);
  cs_set_allocator(NULL);

  if (rc != 0 && rc != -1) fail("cs_csv_read returned neither 0 nor -1", NULL);
  if (rc != 0 && (!r.nerr || (!r.oom && !cs_diags_count(d)))) /* a refused table says why */
    fail("table refused without a diagnostic", NULL);
  if (failed && !(r.oom && rc == -1)) /* a lost allocation is never hidden */
    fail("a failed allocation did not end in out of memory", NULL);
  if (r.oom && !failed) fail("out of memory without an injected failure", NULL);
  for (size_t i = 0; i < cs_diags_count(d); i++)
    check_diag(cs_diags_get(d, i));

  if (rc == 0) {
    if (t.ncol != ncol || t.names != names || (t.nrow && !t.cell) || t.nrow > t.cap)
      fail("inconsistent table", NULL);
    size_t nl = 1; /* the input's lines */
    for (size_t i = 0; i < len; i++)
      nl += csv[i] == '\n';
    int32_t pl = 0, pc = 0; /* the previous cell's place */
    for (size_t row = 0; row < t.nrow; row++)
      for (int c = 0; c < t.ncol; c++) {
        const char *s = cs_csv_cell(&t, row, c);
        size_t at = row * (size_t)t.ncol + (size_t)c;
        int32_t l = t.line[at], k = t.col[at];
        const char *bad = NULL;
        if (!s || l < 1 || k < 1 || (size_t)l > nl)
          bad = "cell without a place in the file";
        else if (strlen(s) > len)
          bad = "cell longer than the file";
        else if (l < pl || (l == pl && k <= pc))
          bad = "cells out of file order";
        if (bad) {
          char where[128];
          snprintf(where, sizeof where,
                   "row %zu column %d at %d:%d (previous cell %d:%d; %zu lines)", row, c, (int)l,
                   (int)k, (int)pl, (int)pc, nl);
          fail(bad, where);
        }
        pl = l;
        pc = k;
      }
    cs_csv_free(&t);
  }
  cs_diags_free(d);
  free(namebuf);
  return 0;
}
