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
    "  run PLAN --out DIR    run every scenario and write the tables of OUTPUTS.md and\n"
    "                        report.html to DIR\n"
    "  report DIR            write DIR/report.html again from a run's results.db\n"
    "  init DIR              write a new plan to start from (the built-in example)\n"
    "  serve --dir DIR       the HTTP API and dashboard over a run (docs/api-http.md)\n"
    "  monitor import|status realised against planned: actuals, milestones (docs/monitoring.md)\n"
    "\n"
    "`careshift COMMAND --help` describes each command.\n"
    "\n"
    "exit codes: 0 success, 1 invalid input (also a plan file that is missing or unreadable),\n"
    "            2 wrong arguments, 3 an output could not be written,\n"
    "            4 out of memory or internal error\n";

/* A summary that could not be written (a full disk, a closed pipe) is a failure too. */
static int finish_stdout(int code) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "careshift: cannot write to standard output\n");
    return code ? code : CS_EXIT_IO;
  }
  return code;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(USAGE, stderr);
    return CS_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(USAGE, stdout);
    return finish_stdout(CS_EXIT_OK);
  }
  if (!strcmp(cmd, "--version")) {
    printf("careshift %s\n", CS_VERSION);
    return finish_stdout(CS_EXIT_OK);
  }
  int code;
  if (!strcmp(cmd, "check")) {
    argv[1] = "careshift check"; /* getopt names the command in its messages */
    code = cs_cmd_check(argc - 1, argv + 1);
  } else if (!strcmp(cmd, "run")) {
    argv[1] = "careshift run";
    code = cs_cmd_run(argc - 1, argv + 1);
  } else if (!strcmp(cmd, "report")) {
    argv[1] = "careshift report";
    code = cs_cmd_report(argc - 1, argv + 1);
  } else if (!strcmp(cmd, "init")) {
    argv[1] = "careshift init";
    code = cs_cmd_init(argc - 1, argv + 1);
  } else if (!strcmp(cmd, "serve")) {
    argv[1] = "careshift serve";
    code = cs_cmd_serve(argc - 1, argv + 1);
  } else if (!strcmp(cmd, "monitor")) {
    argv[1] = "careshift monitor";
    code = cs_cmd_monitor(argc - 1, argv + 1);
  } else {
    fprintf(stderr, "careshift: unknown command '%s'\n\n%s", cmd, USAGE);
    return CS_EXIT_USAGE;
  }
  return finish_stdout(code);
}
