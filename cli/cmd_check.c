/* cmd_check.c: `careshift check PLAN`: validate and report every problem at once. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

static const char USAGE[] =
    "usage: careshift check [--quiet] PLAN\n"
    "\n"
    "Loads the plan (a YAML file and the CSV tables it names) and checks it against the plan\n"
    "format. Every problem found is printed to stderr as FILE:LINE:COLUMN: message, all at\n"
    "once. A valid plan prints a one-line summary (areas, persons, years, themes,\n"
    "interventions) to stdout.\n"
    "\n"
    "  -q, --quiet   print nothing for a valid plan\n"
    "  -h, --help    this text\n"
    "\n"
    "exit codes: 0 valid, 1 invalid (every problem printed; a missing or unreadable file of the\n"
    "plan is one of them), 2 wrong arguments, 4 out of memory or internal error\n";

int cs_cmd_check(int argc, char **argv) {
  static const struct option opts[] = {
      {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int quiet = 0, c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
    if (c == 'q')
      quiet = 1;
    else if (c == 'h') {
      fputs(USAGE, stdout);
      return CS_EXIT_OK;
    } else {
      fputs(USAGE, stderr);
      return CS_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    fputs(USAGE, stderr);
    return CS_EXIT_USAGE;
  }
  int code = CS_EXIT_OK;
  cs_plan *plan = cs_cli_load(argv[optind], &code);
  if (!plan) return code;
  if (!quiet) {
    cs_plan_info in;
    cs_plan_get_info(plan, &in);
    cs_cli_put_safe(stdout, argv[optind]);
    printf(": valid: %d areas in %d subregions, %.0f persons, years %d-%d, %d states, "
           "%d sectors, %d themes, %d interventions, %d scenarios\n",
           in.areas, in.subregions, in.persons, in.base_year, in.horizon, in.states, in.sectors,
           in.themes, in.interventions, in.scenarios);
  }
  cs_plan_free(plan);
  return CS_EXIT_OK;
}
