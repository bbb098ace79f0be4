/* cmd_report.c: `careshift report DIR`: rebuild report.html from a run's results.db, and
 * with --pdf print it to report.pdf. */
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift report DIR [--lang en|nl] [--pdf]\n"
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
    "      --pdf         also print it to DIR/report.pdf (A4, each section on a new page)\n"
    "                    with headless Chromium; without Chromium a note says so and only\n"
    "                    report.html is written\n"
    "  -h, --help        this text\n"
    "\n"
    "The chart scripts come from the source tree's web/node_modules (scripts/setup installs\n"
    "them) or from CARESHIFT_WEB_DIR. Chromium is CARESHIFT_CHROMIUM, else /usr/bin/chromium,\n"
    "else chromium on PATH; it is stopped after CARESHIFT_PDF_TIMEOUT seconds (default 120).\n"
    "\n"
    "exit codes: 0 success (also: --pdf without Chromium), 1 DIR is not a careshift run\n"
    "directory, 2 wrong arguments, 3 a file could not be read or written (also: the chart\n"
    "scripts are not installed, a run is writing DIR, or printing report.pdf failed or timed\n"
    "out; report.html is written then), 4 out of memory or internal error, 130 interrupted\n"
    "while printing (report.html is written, report.pdf is as it was)\n";

/* DIR, the language and --pdf; 0, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, const char **dir, const char **lang, int *pdf) {
  static const struct option opts[] = {{"lang", required_argument, NULL, 'l'},
                                       {"pdf", no_argument, NULL, 'P'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
    switch (c) {
    case 'l': *lang = optarg; break;
    case 'P': *pdf = 1; break;
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

static void say_written(const char *lang, const char *dir, const char *file) {
  fputs(strcmp(lang, "nl") ? "report: " : "rapport: ", stdout);
  cs_cli_put_safe(stdout, dir);
  fprintf(stdout, "/%s\n", file);
}

/* Ctrl-C or SIGTERM while Chromium prints: the library kills it and removes its files. */
static volatile sig_atomic_t canceled;

static void on_signal(int sig) {
  canceled = 1;
  signal(sig, SIG_DFL); /* a second one ends careshift at once */
}

/* report.html is in place; prints it. No Chromium is a note, and still success. */
static int print_pdf(const char *dir, const char *lang) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  int made = 0;
  cs_status st = cs_report_pdf(dir, &canceled, &made, d);
  if (st == CS_OK && !made) {
    fputs("careshift report: note: ", stderr);
    cs_cli_put_safe(stderr, cs_diags_count(d) ? cs_diags_get(d, 0) : "no report.pdf");
    fputs("; wrote report.html only\n", stderr);
  } else {
    cs_cli_print_diags(d);
  }
  cs_diags_free(d);
  if (st == CS_ECANCELED)
    fputs("careshift report: interrupted while printing; report.pdf is as it was\n", stderr);
  if (st != CS_OK) return cs_cli_exit_code(st);
  if (made) say_written(lang, dir, "report.pdf");
  return CS_EXIT_OK;
}

int cs_cmd_report(int argc, char **argv) {
  const char *dir = NULL, *lang = "en";
  int pdf = 0, code = parse(argc, argv, &dir, &lang, &pdf);
  if (code) return code < 0 ? CS_EXIT_OK : code;
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  cs_status st = cs_report_write(dir, lang, d);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st != CS_OK) return cs_cli_exit_code(st);
  say_written(lang, dir, "report.html");
  return pdf ? print_pdf(dir, lang) : CS_EXIT_OK;
}
