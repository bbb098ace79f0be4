/* test_arena.c: the arena hands out zeroed, aligned, independent memory and refuses
 * overflowing requests instead of wrapping around; the diagnostics list keeps its format and
 * its bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/base.h"
#include "careshift.h"

static void test_zeroed_aligned(void **state) {
  (void)state;
  cs_arena a;
  cs_arena_init(&a);
  for (int i = 1; i < 200; i++) {
    unsigned char *p = cs_arena_alloc(&a, (size_t)i * 37);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    for (int j = 0; j < i * 37; j++)
      assert_int_equal(p[j], 0);
    memset(p, 0xab, (size_t)i * 37);
  }
  void *big = cs_arena_alloc(&a, 10u << 20);
  assert_non_null(big);
  cs_arena_release(&a);
  assert_null(a.head);
}

static void test_overflow(void **state) {
  (void)state;
  cs_arena a;
  cs_arena_init(&a);
  assert_null(cs_arena_calloc(&a, SIZE_MAX / 2, 4));
  assert_null(cs_arena_alloc(&a, SIZE_MAX - 3));
  char *s = cs_arena_strdup(&a, "Zuid-Limburg");
  assert_string_equal(s, "Zuid-Limburg");
  cs_arena_release(&a);
}

static void test_diags(void **state) {
  (void)state;
  cs_diags *d = cs_diags_new();
  cs_diags_add(d, "plan.yaml", 12, 5, "unknown key '%s'", "sectr");
  cs_diags_add(d, "out", 0, 0, "cannot write");
  assert_string_equal(cs_diags_get(d, 0), "plan.yaml:12:5: unknown key 'sectr'");
  assert_string_equal(cs_diags_get(d, 1), "out: cannot write");
  for (int i = 0; i < 5000; i++)
    cs_diags_add(d, "x.csv", i + 1, 1, "bad row");
  assert_int_equal(cs_diags_count(d), 1000);
  /* 2 + 5000 added, 999 kept as they are, the last line counts the 4003 others */
  assert_string_equal(cs_diags_get(d, 999), "... and 4003 more problems not shown");
  assert_null(cs_diags_get(d, 1000));
  assert_int_equal(cs_diags_total(d), 5002); /* the true number, for "N problems found" */
  cs_diags_free(d);
  /* input quoted in a message cannot reach the terminal raw nor split the line */
  d = cs_diags_new();
  cs_diags_add(d, "a.csv", 3, 7, "unknown area '%s'", "x\033[31m\ny\x7f\xc3\xa9");
  assert_string_equal(cs_diags_get(d, 0),
                      "a.csv:3:7: unknown area 'x\\x1b[31m\\x0ay\\x7f\xc3\xa9'");
  assert_int_equal(cs_diags_total(d), 1);
  cs_diags_free(d);
  cs_diags_free(NULL);
}

/* cs_strcut: every copy of the folder goes, overlapping starts and the message's own text
 * stay (the serve and report layers strip a plan's folder from messages with it). */
static void test_strcut(void **state) {
  (void)state;
  char *s = cs_strcut("/srv/p/a.csv:3:1: bad; see /srv/p/b.csv and /srv/x", "/srv/p/", 7);
  assert_string_equal(s, "a.csv:3:1: bad; see b.csv and /srv/x");
  cs_free(s);
  s = cs_strcut("aaab", "aa", 2); /* left to right: "aa" then "ab" */
  assert_string_equal(s, "ab");
  cs_free(s);
  s = cs_strcut("abc", "abc", 0); /* nothing to cut */
  assert_string_equal(s, "abc");
  cs_free(s);
  s = cs_strcut("", "/x/", 3);
  assert_string_equal(s, "");
  cs_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_zeroed_aligned),
                                     cmocka_unit_test(test_overflow), cmocka_unit_test(test_diags),
                                     cmocka_unit_test(test_strcut)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
