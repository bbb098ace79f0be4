/* test_arena.c: the arena hands out zeroed, aligned, independent memory and refuses
 * overflowing requests instead of wrapping around. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

static void test_zeroed_aligned(void **state) {
  (void)state;
  cs_arena a;
  cs_arena_init(&a);
  for (int i = 1; i < 200; i++) {
    unsigned char *p = cs_arena_alloc(&a, (size_t)i * 37);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    for (int j = 0; j < i * 37; j++) assert_int_equal(p[j], 0);
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

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_zeroed_aligned),
                                     cmocka_unit_test(test_overflow)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
