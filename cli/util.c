/* util.c: what every subcommand shares: printing diagnostics, mapping status to exit code. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

void cs_cli_print_diags(const cs_diags *d) {
  for (size_t i = 0; i < cs_diags_count(d); i++)
    fprintf(stderr, "%s\n", cs_diags_get(d, i));
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

cs_plan *cs_cli_load(const char *path, int *code) {
  cs_diags *d = cs_diags_new();
  if (!d) {
    fprintf(stderr, "careshift: out of memory\n");
    *code = CS_EXIT_INTERNAL;
    return NULL;
  }
  cs_plan *plan = NULL;
  cs_status st = cs_plan_load(path, &plan, d);
  cs_cli_print_diags(d);
  if (st != CS_OK) {
    size_t n = cs_diags_total(d);
    fprintf(stderr, "careshift: %s: %zu problem%s found\n", path, n, n == 1 ? "" : "s");
    *code = cs_cli_exit_code(st);
  }
  cs_diags_free(d);
  return plan;
}
