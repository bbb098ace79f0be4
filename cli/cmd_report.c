/* cmd_report.c: `careshift report DIR`: rebuild report.html from a run's results.db. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift report DIR [--lang en|nl]\n"
    "\n"
    "Writes DIR/report.html again from DIR/results.db: one self-contained page (scripts,\n"
    "styles and data inlined; it opens from disk with no network): the IZA verdict, the\n"
    "business case and wrong-pocket matrix, themes and interventions, population, care cost\n"
    "per payer, staff, real estate and CO2, the scale and pace variants, with PSA the CEAC,\n"
    "tornado and cost-effectiveness plane, and the run's assumptions; each chart with its\n"
    "numbers behind a \"show numbers\" toggle (docs/report.md). DIR is the --out\n"
    "directory of `careshift run`, which writes the same report itself.\n"
    "\n"
    "  -l, --lang LANG   en (default) or nl: labels and numbers (1,234.5 or 1.234,5)\n"
    "  -h, --help        this text\n"
    "\n"
    "The chart scripts come from the source tree's web/node_modules (scripts/setup installs\n"
    "them) or from CARESHIFT_WEB_DIR.\n"
    "\n"
    "exit codes: 0 success, 1 DIR is not a careshift run directory, 2 wrong arguments,\n"
    "3 a file could not be read or written (also: the chart scripts are not installed, or a\n"
    "run is writing DIR), 4 out of memory or internal error\n";

/* DIR and the language; 0, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, const char **dir, const char **lang) {
  static const struct option opts[] = {
      {"lang", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
    switch (c) {
    case 'l': *lang = optarg; break;
    case 'h': fputs(USAGE, stdout); return -1;
    default: fputs(USAGE, stderr); return CS_EXIT_USAGE;
    }
  }
  if (optind != argc - 1 || !*argv[optind]) {
    fprintf(stderr, "careshift report: one DIR expected\n\n%s", USAGE);
    return CS_EXIT_USAGE;
  }
  if (strcmp(*lang, "en") && strcmp(*lang, "nl")) {
    fprintf(stderr, "careshift report: --lang must be en or nl, not '%s'\n", *lang);
    return CS_EXIT_USAGE;
  }
  *dir = argv[optind];
  return 0;
}

int cs_cmd_report(int argc, char **argv) {
  const char *dir = NULL, *lang = "en";
  int code = parse(argc, argv, &dir, &lang);
  if (code) return code < 0 ? CS_EXIT_OK : code;
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  cs_status st = cs_report_write(dir, lang, d);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st != CS_OK) return cs_cli_exit_code(st);
  fputs(strcmp(lang, "nl") ? "report: " : "rapport: ", stdout);
  cs_cli_put_safe(stdout, dir);
  fputs("/report.html\n", stdout);
  return CS_EXIT_OK;
}
