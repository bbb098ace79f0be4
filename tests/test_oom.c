/* test_oom.c: out of memory, everywhere. Through the library's one allocation hook
 * (cs_set_allocator) the N-th allocation fails, for every N from the first to the last one a
 * load, a run (with draws, detail, writing and summary) and a cursor make, as SQLite's and
 * curl's torture tests do. Every step must then end in CS_ENOMEM, never in another status, a
 * crash or a silently incomplete result; and every byte the library allocated must be freed
 * again (counted here, and checked by LeakSanitizer in the ASan build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careshift.h"

typedef struct {
  atomic_long calls; /* allocations asked for since the last reset */
  long fail_at;      /* 1-based call that fails; 0 = none */
  atomic_int failed; /* the failure was injected */
  atomic_long live;  /* blocks allocated and not yet freed */
} torture;

static torture T;

static int should_fail(void) {
  long n = atomic_fetch_add(&T.calls, 1) + 1;
  if (T.fail_at && n == T.fail_at) {
    atomic_store(&T.failed, 1);
    return 1;
  }
  return 0;
}

static void *t_malloc(void *ctx, size_t n) {
  (void)ctx;
  if (should_fail()) return NULL;
  void *p = malloc(n);
  if (p) atomic_fetch_add(&T.live, 1);
  return p;
}

static void *t_realloc(void *ctx, void *p, size_t n) {
  (void)ctx;
  if (should_fail()) return NULL;
  void *q = realloc(p, n);
  if (q && !p) atomic_fetch_add(&T.live, 1);
  return q;
}

static void t_free(void *ctx, void *p) {
  (void)ctx;
  if (p) atomic_fetch_sub(&T.live, 1);
  free(p);
}

static void arm(long fail_at) {
  atomic_store(&T.calls, 0);
  atomic_store(&T.failed, 0);
  T.fail_at = fail_at;
}

static const char *tiny_plan(void) {
  static char p[1024];
  const char *src = getenv("CS_SRCDIR");
  snprintf(p, sizeof p, "%s/tests/data/tiny/plan.yaml", src ? src : ".");
  return p;
}

/* A status after an injected failure: CS_ENOMEM, or CS_OK only when nothing failed. */
static void expect(cs_status st, long n, const char *what) {
  int failed = atomic_load(&T.failed);
  if (st == CS_OK && !failed) return;
  if (st == CS_ENOMEM && failed) return;
  fail_msg("%s with allocation %ld failing: %s (failure injected: %s)", what, n, cs_status_str(st),
           failed ? "yes" : "no");
}

/* Entries of folder whose name starts with prefix, or holds infix; reported as left behind. */
static void no_entries(const char *folder, const char *prefix, const char *infix, long n) {
  DIR *d = opendir(folder);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)))
    if ((prefix && !strncmp(e->d_name, prefix, strlen(prefix))) ||
        (infix && strstr(e->d_name, infix)))
      fail_msg("allocation %ld: %s/%s left behind", n, folder, e->d_name);
  closedir(d);
}

/* No temporary of a failed write may stay behind: neither NAME.tmp.* files in dir nor the
 * private directory .BASE.careshift-* the run is written into beside it (docs/cli.md). */
static void expect_no_temporaries(const char *dir, long n) {
  no_entries(dir, NULL, ".tmp", n);
  char parent[256], prefix[256];
  snprintf(parent, sizeof parent, "%s", dir);
  char *slash = strrchr(parent, '/');
  assert_non_null(slash);
  snprintf(prefix, sizeof prefix, ".%s.careshift-", slash + 1);
  *slash = 0;
  no_entries(parent, prefix, NULL, n);
}

static cs_status load(cs_plan **plan) {
  cs_diags *d = cs_diags_new();
  if (!d) return CS_ENOMEM;
  cs_status st = cs_plan_load(tiny_plan(), plan, d);
  cs_diags_free(d);
  return st;
}

static void test_load_fails_cleanly(void **st) {
  (void)st;
  long n;
  for (n = 1;; n++) {
    arm(n);
    cs_plan *plan = NULL;
    cs_status s = load(&plan);
    expect(s, n, "cs_plan_load");
    if (s == CS_ENOMEM) assert_null(plan); /* never a half-loaded plan */
    cs_plan_free(plan);
    assert_int_equal(atomic_load(&T.live), 0);
    if (!atomic_load(&T.failed)) break; /* past the last allocation */
  }
  print_message("load: every one of %ld allocations failed in turn\n", n - 1);
}

/* One run with everything a run can do: draws, detail, tables, files, summary. */
static cs_status run_all(const cs_plan *plan, const char *dir) {
  cs_diags *d = cs_diags_new();
  if (!d) return CS_ENOMEM;
  cs_run_options o;
  cs_run_options_init(&o);
  o.draws = 3;
  o.threads = 1; /* the same allocation order every time */
  o.detail = 1;
  cs_run *run = NULL;
  cs_status s = cs_run_new(plan, &o, &run, d);
  if (s == CS_OK) s = cs_run_write(run, dir, d);
  char *text = NULL;
  if (s == CS_OK) s = cs_run_summary(run, "nl", &text);
  cs_free(text);
  cs_cursor *c = NULL;
  if (s == CS_OK) s = cs_cursor_open(cs_run_table_find(run, "tornado"), &c);
  while (c && cs_cursor_next(c)) {
  }
  cs_cursor_free(c);
  cs_run_free(run);
  cs_diags_free(d);
  return s;
}

static void test_run_fails_cleanly(void **st) {
  (void)st;
  char dir[] = "/tmp/cs-oom-XXXXXX";
  assert_non_null(mkdtemp(dir));
  arm(0);
  cs_plan *plan = NULL;
  assert_int_equal(load(&plan), CS_OK);
  long plan_blocks = atomic_load(&T.live), n;
  for (n = 1;; n++) {
    arm(n);
    cs_status s = run_all(plan, dir);
    expect(s, n, "run, write, summary, cursor");
    expect_no_temporaries(dir, n);
    assert_int_equal(atomic_load(&T.live), plan_blocks); /* the run freed all it took */
    if (!atomic_load(&T.failed)) break;
  }
  print_message("run: every one of %ld allocations failed in turn\n", n - 1);
  cs_plan_free(plan);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

static int setup(void **st) {
  (void)st;
  static const cs_allocator a = {t_malloc, t_realloc, t_free, NULL};
  cs_set_allocator(&a);
  return 0;
}

static int teardown(void **st) {
  (void)st;
  cs_set_allocator(NULL);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_load_fails_cleanly),
                                     cmocka_unit_test(test_run_fails_cleanly)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
