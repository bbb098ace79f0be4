/* util.c: what every subcommand shares: printing diagnostics, mapping status to exit code. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_cli_print_diags(const cs_diags *d) {
  for (size_t i = 0; i < cs_diags_count(d); i++)
    fprintf(stderr, "%s\n", cs_diags_get(d, i));
}

void cs_cli_put_safe(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      fprintf(f, "\\x%02x", *p);
    else
      fputc(*p, f);
}

int cs_cli_exit_code(cs_status st) {
  switch (st) {
  case CS_OK: return CS_EXIT_OK;
  case CS_EINVAL: return CS_EXIT_INVALID;
  case CS_EIO: return CS_EXIT_IO;
  case CS_ECANCELED: return CS_EXIT_CANCELED;
  default: return CS_EXIT_INTERNAL;
  }
}

cs_plan *cs_cli_load(const char *path, const char *const *sets, size_t nset, int *code) {
  cs_diags *d = cs_diags_new();
  if (!d) {
    fprintf(stderr, "careshift: out of memory\n");
    *code = CS_EXIT_INTERNAL;
    return NULL;
  }
  cs_plan *plan = NULL;
  cs_status st = cs_plan_load_with(path, sets, nset, &plan, d);
  cs_cli_print_diags(d);
  if (st != CS_OK) {
    size_t n = cs_diags_total(d);
    for (size_t i = 0; i < cs_diags_count(d); i++) /* warnings are no problems */
      if (strstr(cs_diags_get(d, i), ": warning: ")) n--;
    fputs("careshift: ", stderr);
    cs_cli_put_safe(stderr, path);
    fprintf(stderr, ": %zu problem%s found\n", n, n == 1 ? "" : "s");
    *code = cs_cli_exit_code(st);
  }
  cs_diags_free(d);
  return plan;
}
