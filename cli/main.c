/* main.c: `careshift COMMAND ...`: dispatches to the subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift [--help] [--version] COMMAND [ARGS]\n"
    "\n"
    "careshift models a regional care-transformation plan: population, care-need states, care\n"
    "use, cost, staff and real estate per municipality and year, the plan's interventions, and\n"
    "the business case and the four IZA criteria per scenario.\n"
    "\n"
    "commands:\n"
    "  check PLAN            validate a plan; print every problem as FILE:LINE:COLUMN: message\n"
    "  run PLAN --out DIR    run every scenario and write the tables of OUTPUTS.md to DIR\n"
    "\n"
    "`careshift COMMAND --help` describes each command.\n"
    "\n"
    "exit codes: 0 success, 1 invalid input, 2 wrong arguments, 3 file error,\n"
    "            4 out of memory or internal error\n";

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(USAGE, stderr);
    return CS_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(USAGE, stdout);
    return CS_EXIT_OK;
  }
  if (!strcmp(cmd, "--version")) {
    printf("careshift %s\n", CS_VERSION);
    return CS_EXIT_OK;
  }
  if (!strcmp(cmd, "check")) return cs_cmd_check(argc - 1, argv + 1);
  if (!strcmp(cmd, "run")) return cs_cmd_run(argc - 1, argv + 1);
  fprintf(stderr, "careshift: unknown command '%s'\n\n%s", cmd, USAGE);
  return CS_EXIT_USAGE;
}
