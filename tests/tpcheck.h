/* tpcheck.h: relative comparison for hand-computed expectations (include after cmocka.h). */
#ifndef CS_TPCHECK_H
#define CS_TPCHECK_H
#include <math.h>
#include <stdio.h>

static inline void tp_near_at(double got, double want, const char *expr, const char *file,
                              int line) {
  if (fabs(got - want) <= 1e-9 * (1.0 + fabs(want))) return;
  print_error("%s:%d: %s = %.17g, expected %.17g\n", file, line, expr, got, want);
  _fail(file, line);
}
#define near(got, want) tp_near_at((got), (double)(want), #got, __FILE__, __LINE__)
#endif
