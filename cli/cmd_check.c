/* cmd_check.c: `careshift check PLAN`: validate and report every problem at once. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift check [--quiet] [--set PATH=VALUE ...] PLAN\n"
    "\n"
    "Loads the plan (a YAML file and the CSV tables it names) and checks it against the plan\n"
    "format. Every problem found is printed to stderr as FILE:LINE:COLUMN: message, all at\n"
    "once. A valid plan prints a one-line summary (areas, persons, years, themes,\n"
    "interventions) to stdout and, with states, how far the baseline's prevalence of each\n"
    "state by sex and age drifts from the base year to the horizon: the persons in the state\n"
    "at the horizon against those the base year's prevalence by sex and age gives (0 % when\n"
    "the transitions keep the state shares), the same per age band (0-64, 65-74, 75-84, 85-89,\n"
    "90-94, 95+), and the sex and single age where it changes most.\n"
    "\n"
    "  -S, --set PATH=VALUE\n"
    "                check the plan with one value changed (as `careshift run --set`; the\n"
    "                files are only read): PATH as in inputs.csv, VALUE YAML text, e.g.\n"
    "                themes[palliatief].interventions[acp].uptake.max=0.2; repeatable; a\n"
    "                problem in an override is printed as --set PATH=VALUE: message\n"
    "  -q, --quiet   print nothing for a valid plan\n"
    "  -h, --help    this text\n"
    "\n"
    "exit codes: 0 valid, 1 invalid (every problem printed; a missing or unreadable file of the\n"
    "plan is one of them), 2 wrong arguments, 4 out of memory or internal error\n";

/* The baseline's drift of state prevalence by age: a baseline whose transitions are not in
 * equilibrium with its state shares grows sicker (or healthier) without any plan. */
static int print_drift(const cs_plan *plan, const cs_plan_info *in) {
  if (in->states < 2) return CS_EXIT_OK;
  cs_state_drift *d = calloc((size_t)in->states, sizeof *d);
  cs_status st = d ? cs_plan_drift(plan, d, in->states) : CS_ENOMEM;
  if (st != CS_OK) {
    fprintf(stderr, "careshift check: baseline drift: %s\n", cs_status_str(st));
    free(d);
    return CS_EXIT_INTERNAL;
  }
  printf("baseline prevalence by sex and age, %d -> %d (0 %% when the transitions keep the base "
         "year's state shares):\n",
         in->base_year, in->horizon);
  for (int k = 0; k < in->states; k++) {
    if (isinf(d[k].ratio))
      printf("  %s: present at the horizon, absent from the base year's prevalence", d[k].state);
    else
      printf("  %s: %+.1f %% persons", d[k].state, 100.0 * d[k].ratio);
    /* by age band: one state total can hide drifts of opposite sign at young and old ages */
    printf("; by age:");
    for (int b = 0; b < CS_DRIFT_BANDS; b++) {
      int from = cs_drift_band_from(b), to = cs_drift_band_from(b + 1);
      if (to > 0)
        printf(" %d-%d", from, to - 1);
      else
        printf(" %d+", from);
      if (isinf(d[k].band[b]))
        printf(" new%s", b + 1 < CS_DRIFT_BANDS ? "," : "");
      else
        printf(" %+.1f %%%s", 100.0 * d[k].band[b], b + 1 < CS_DRIFT_BANDS ? "," : "");
    }
    if (d[k].to != d[k].from)
      printf(" (largest change by single age %+.1f points at %s %d: %.1f %% -> %.1f %%)",
             100.0 * (d[k].to - d[k].from), d[k].sex ? "m" : "f", d[k].age, 100.0 * d[k].from,
             100.0 * d[k].to);
    putchar('\n');
  }
  free(d);
  return CS_EXIT_OK;
}

/* The options; 0 to go on, -1 after --help, else an exit code. */
static int parse(int argc, char **argv, int *quiet, const char ***sets, size_t *nset) {
  static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
                                       {"set", required_argument, NULL, 'S'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "qS:h", opts, NULL)) != -1) {
    if (c == 'q') {
      *quiet = 1;
    } else if (c == 'S') {
      const char **n = realloc(*sets, (*nset + 1) * sizeof *n);
      if (!n) return CS_EXIT_INTERNAL;
      n[(*nset)++] = optarg;
      *sets = n;
    } else if (c == 'h') {
      fputs(USAGE, stdout);
      return -1;
    } else {
      fputs(USAGE, stderr);
      return CS_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    fputs(USAGE, stderr);
    return CS_EXIT_USAGE;
  }
  return 0;
}

static int check_main(const char *path, int quiet, const char **sets, size_t nset);

int cs_cmd_check(int argc, char **argv) {
  int quiet = 0;
  const char **sets = NULL; /* argv's strings */
  size_t nset = 0;
  int code = parse(argc, argv, &quiet, &sets, &nset);
  if (!code) code = check_main(argv[optind], quiet, sets, nset);
  free(sets);
  return code < 0 ? CS_EXIT_OK : code;
}

static int check_main(const char *path, int quiet, const char **sets, size_t nset) {
  int code = CS_EXIT_OK;
  cs_plan *plan = cs_cli_load(path, sets, nset, &code);
  if (!plan) return code;
  if (!quiet) {
    cs_plan_info in;
    cs_plan_get_info(plan, &in);
    cs_cli_put_safe(stdout, path);
    printf(": valid: %d areas in %d subregions, %.0f persons, years %d-%d, %d states, "
           "%d sectors, %d themes, %d interventions, %d scenarios\n",
           in.areas, in.subregions, in.persons, in.base_year, in.horizon, in.states, in.sectors,
           in.themes, in.interventions, in.scenarios);
    code = print_drift(plan, &in);
  }
  cs_plan_free(plan);
  return code;
}
