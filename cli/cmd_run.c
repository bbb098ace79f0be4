/* cmd_run.c: `careshift run PLAN --out DIR`: run every scenario and write the outputs. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift run PLAN --out DIR [--detail] [--lang en|nl] [--quiet]\n"
    "\n"
    "Runs the baseline, the plan, each of the plan's scale and pace variants and the plan\n"
    "without each theme (without-<theme>), with every uncertain number at its mean (draw 0),\n"
    "and writes to DIR: demography.csv, care.csv, payers.csv, workforce.csv, health.csv,\n"
    "interventions.csv, implementation.csv, business_case.csv, wrong_pocket.csv,\n"
    "health_economics.csv, criteria.csv, criteria_subregion.csv, resources.csv, the same\n"
    "tables in results.db (SQLite) and run.log. Every file is written under a temporary name;\n"
    "all are renamed into place only when the whole run is written.\n"
    "A summary (population, care cost, staff gap, IZA verdict, business case) goes to stdout.\n"
    "\n"
    "  -o, --out DIR     output directory (created if needed); required\n"
    "  -d, --detail      also write population.csv (scenario, year, area, sex, age, state)\n"
    "  -l, --lang LANG   summary language: en (default) or nl\n"
    "  -q, --quiet       no summary\n"
    "  -h, --help        this text\n"
    "\n"
    "Uncertainty (PSA draws) is not part of this version: every number is at its mean.\n"
    "\n"
    "exit codes: 0 success, 1 invalid plan, 2 wrong arguments, 3 an output could not be\n"
    "written, 4 out of memory or internal error\n";

typedef struct {
  const char *plan, *out, *lang;
  int detail, quiet;
} run_args;

static int parse(int argc, char **argv, run_args *a) {
  static const struct option opts[] = {
      {"out", required_argument, NULL, 'o'}, {"detail", no_argument, NULL, 'd'},
      {"lang", required_argument, NULL, 'l'}, {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "o:dl:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o': a->out = optarg; break;
    case 'd': a->detail = 1; break;
    case 'l': a->lang = optarg; break;
    case 'q': a->quiet = 1; break;
    case 'h': fputs(USAGE, stdout); return -1;
    default: fputs(USAGE, stderr); return CS_EXIT_USAGE;
    }
  }
  if (optind != argc - 1 || !a->out) {
    fprintf(stderr, "careshift run: %s\n\n%s", !a->out ? "--out DIR is required" : "one PLAN expected", USAGE);
    return CS_EXIT_USAGE;
  }
  if (strcmp(a->lang, "en") && strcmp(a->lang, "nl")) {
    fprintf(stderr, "careshift run: --lang must be en or nl, not '%s'\n", a->lang);
    return CS_EXIT_USAGE;
  }
  a->plan = argv[optind];
  return 0;
}

static int write_and_report(const cs_run *run, const run_args *a) {
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  cs_status st = cs_run_write(run, a->out, d);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st != CS_OK) return cs_cli_exit_code(st);
  if (!a->quiet) {
    char *text = NULL;
    if (cs_run_summary(run, a->lang, &text) == CS_OK) {
      fputs(text, stdout);
      cs_free(text);
    }
    printf("\noutputs: %s (CSV tables, results.db, run.log)\n", a->out);
  }
  return CS_EXIT_OK;
}

int cs_cmd_run(int argc, char **argv) {
  run_args a = {.lang = "en"};
  int code = parse(argc, argv, &a);
  if (code) return code < 0 ? CS_EXIT_OK : code;
  cs_plan *plan = cs_cli_load(a.plan, &code);
  if (!plan) return code;
  cs_run_options opt;
  cs_run_options_init(&opt);
  opt.detail = a.detail;
  cs_run *run = NULL;
  cs_diags *d = cs_diags_new();
  cs_status st = d ? cs_run_new(plan, &opt, &run, d) : CS_ENOMEM;
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st == CS_OK) code = write_and_report(run, &a);
  else code = cs_cli_exit_code(st);
  cs_run_free(run);
  cs_plan_free(plan);
  return code;
}
