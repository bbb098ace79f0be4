/* cmd_run.c: `careshift run PLAN --out DIR`: run every scenario and write the outputs. */
#define _GNU_SOURCE /* memfd_create */
#include "cli.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <signal.h>

#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift run PLAN --out DIR [--detail] [--draws N | --psa] [--seed S]\n"
    "                     [--threads T] [--no-tornado] [--no-intervention-shapley]\n"
    "                     [--lang en|nl] [--pdf] [--quiet] [--set PATH=VALUE ...]\n"
    "                     [--actuals DB --from-year Y]\n"
    "\n"
    "Runs the baseline, the plan, each of the plan's scale and pace variants and the plan\n"
    "without each theme (without-<theme>), with every uncertain number at its mean (draw 0),\n"
    "and writes to DIR every table of docs/outputs.md: the state tables (demography, care,\n"
    "payers, workforce, health; population with --detail), the comparison tables\n"
    "(interventions, implementation, business_case, business_case_subregion,\n"
    "business_case_insurer with insurers, budget_impact, discount_rates, theme_roi,\n"
    "intervention_costs, wrong_pocket, wrong_pocket_intervention, health_economics, totals,\n"
    "criteria, criteria_subregion, staff, shapley, shapley_intervention, intervention_roi,\n"
    "resources), run_info (how the run was made: version, plan checksums, the verdicts'\n"
    "years, discount rates, PSA draws and seed) as CSV\n"
    "files, the same tables in results.db (SQLite), the summary tables in business_case.xlsx (one\n"
    "sheet each), run.log and report.html (the charts a board reads, in the --lang language;\n"
    "docs/report.md). The run is written into a private directory beside DIR and\n"
    "swapped in at once, so DIR holds the old run or the new one, never a mix.\n"
    "A summary (population, care cost, staff gap, IZA verdict, business case) goes to stdout.\n"
    "\n"
    "Uncertainty: with --draws N the run also draws every uncertain number N times (draw 0 =\n"
    "every number at its mean = the tables above) and writes psa_draws.csv, psa_summary.csv,\n"
    "psa_probabilities.csv, ceac.csv and tornado.csv (one-way sensitivity: each parameter at its\n"
    "2.5 and 97.5 percentile, the others at their mean). Draw d of parameter i depends only on\n"
    "(seed, d, i), so the results are the same for any number of threads.\n"
    "Under mpirun -n P (or srun --mpi=pmix) a careshift built with MPI splits the Shapley runs\n"
    "per intervention and the draws and tornado runs over the P processes; process 0 gathers\n"
    "them and writes every file, the same bytes as one process (docs/mpi.md).\n"
    "\n"
    "  -o, --out DIR     output directory (created if needed); required\n"
    "  -d, --detail      also write population.csv (scenario, year, area, sex, age, state)\n"
    "  -n, --draws N     PSA draws (including draw 0); 0 (default) = deterministic only\n"
    "  -p, --psa         PSA with the plan's psa.draws and psa.seed\n"
    "  -s, --seed S      PSA seed (default: the plan's psa.seed, else 1)\n"
    "  -t, --threads T   threads for the draws and the Shapley runs per intervention\n"
    "                    (default: one per online CPU)\n"
    "      --no-tornado  skip the one-way sensitivity runs\n"
    "      --no-intervention-shapley\n"
    "                    skip the Shapley runs per intervention (shapley_intervention.csv,\n"
    "                    wrong_pocket_intervention.csv): a quicker run while editing a plan\n"
    "  -l, --lang LANG   language of the summary and report.html: en (default) or nl\n"
    "      --pdf         once the run is in place, also print report.html to report.pdf (A4,\n"
    "                    each section on a new page) with headless Chromium\n"
    "                    (CARESHIFT_CHROMIUM, else /usr/bin/chromium, else chromium on PATH;\n"
    "                    stopped after CARESHIFT_PDF_TIMEOUT seconds, default 120); without\n"
    "                    Chromium a note says so and only report.html is written (exit 0)\n"
    "  -S, --set PATH=VALUE\n"
    "                    run the plan with one value changed, in memory (the plan's files are\n"
    "                    only read): PATH as in inputs.csv and tornado.csv, VALUE YAML text,\n"
    "                    e.g. --set themes[palliatief].interventions[acp].uptake.max=0.2,\n"
    "                    --set 'sectors[hospital_day].price={dist: gamma, mean: 700, sd: 50}',\n"
    "                    --set scenarios[parkstad-later].delay.Parkstad=3,\n"
    "                    --set themes[ouderen].enabled=false (the plan without that theme);\n"
    "                    repeatable, applied in order, checked like the plan (an error names\n"
    "                    the --set); docs/plan-format.md \"Overrides: --set\"\n"
    "      --actuals DB  re-forecast: with --from-year, start year Y from the realised\n"
    "                    values of DB (the results.db of an earlier run, with actuals stored by\n"
    "                    `careshift monitor import`; only read): every area's population with an\n"
    "                    actual is scaled to it on 1 January Y, and each intervention's uptake\n"
    "                    per subregion with realised participants is delayed (or advanced) so\n"
    "                    that it gives them; the rest of the plan follows the model from there.\n"
    "                    Years before Y are the ordinary run's. Writes reforecast.csv (NPV and\n"
    "                    criteria against DB's run) and reforecast_actuals.csv (what was\n"
    "                    applied); docs/model.md \"Re-forecast\". Use another --out than DB's\n"
    "                    directory: a run there replaces DB and its actuals\n"
    "      --from-year Y the re-forecast's first year: after the base year, at most the horizon\n"
    "  -q, --quiet       no summary\n"
    "  -h, --help        this text\n"
    "\n"

    "exit codes: 0 success, 1 invalid plan, 2 wrong arguments, 3 an output could not be\n"
    "written (or --out holds files careshift did not write, or another run is writing it;\n"
    "also: --pdf could not print report.pdf, after the run was written in full), 4 out of\n"
    "memory or internal error, 130 interrupted (the output directory is unchanged; while\n"
    "--pdf prints: the run is written, without report.pdf)\n";

typedef struct {
  const char *plan, *out, *lang, *actuals;
  long from_year;
  const char **sets; /* --set PATH=VALUE, in order (argv's strings) */
  size_t nset;
  int detail, quiet, psa, no_tornado, no_ivshap, has_seed, pdf;
  int rank; /* this process among the run's processes (MPI; docs/mpi.md): only 0 writes */
  long draws, threads;
  unsigned long long seed;
} run_args;

/* A whole number in [min, max], or -1. */
static int parse_long(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

static int bad_value(const char *opt, const char *val, const char *want) {
  fprintf(stderr, "careshift run: %s '%s' is not valid (expected %s)\n", opt, val, want);
  return CS_EXIT_USAGE;
}

/* Keeps one more --set; -1 when out of memory. */
static int add_set(run_args *a, const char *set) {
  const char **n = realloc(a->sets, (a->nset + 1) * sizeof *n);
  if (!n) return -1;
  n[a->nset++] = set;
  a->sets = n;
  return 0;
}

/* 1 when file's folder is dir (the same directory, however spelled: by device and inode). A
 * dir that does not exist yet holds nothing. */
static int in_dir(const char *file, const char *dir) {
  char *copy = strdup(file);
  if (!copy) return 0;
  char *slash = strrchr(copy, '/');
  const char *parent = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
  struct stat a, b;
  int same = !stat(parent, &a) && !stat(dir, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  free(copy);
  return same;
}

static int parse(int argc, char **argv, run_args *a) {
  static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                       {"detail", no_argument, NULL, 'd'},
                                       {"lang", required_argument, NULL, 'l'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"draws", required_argument, NULL, 'n'},
                                       {"psa", no_argument, NULL, 'p'},
                                       {"seed", required_argument, NULL, 's'},
                                       {"threads", required_argument, NULL, 't'},
                                       {"no-tornado", no_argument, NULL, 'T'},
                                       {"no-intervention-shapley", no_argument, NULL, 'I'},
                                       {"pdf", no_argument, NULL, 'P'},
                                       {"set", required_argument, NULL, 'S'},
                                       {"actuals", required_argument, NULL, 'A'},
                                       {"from-year", required_argument, NULL, 'Y'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c;
  long v;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "o:dl:qn:ps:t:S:h", opts, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (parse_long(optarg, 0, 1000000, &a->draws))
        return bad_value("--draws", optarg, "0 to 1000000");
      break;
    case 'p': a->psa = 1; break;
    case 's':
      if (parse_long(optarg, 0, 9007199254740992L, &v))
        return bad_value("--seed", optarg, "a whole number from 0 to 2^53");
      a->seed = (unsigned long long)v;
      a->has_seed = 1;
      break;
    case 't':
      if (parse_long(optarg, 1, 256, &a->threads))
        return bad_value("--threads", optarg, "1 to 256");
      break;
    case 'T': a->no_tornado = 1; break;
    case 'I': a->no_ivshap = 1; break;
    case 'P': a->pdf = 1; break;
    case 'S':
      if (add_set(a, optarg)) {
        fputs("careshift run: out of memory\n", stderr);
        return CS_EXIT_INTERNAL;
      }
      break;
    case 'A': a->actuals = optarg; break;
    case 'Y':
      if (parse_long(optarg, 1, 9999, &a->from_year))
        return bad_value("--from-year", optarg, "a year");
      break;
    case 'o': a->out = optarg; break;
    case 'd': a->detail = 1; break;
    case 'l': a->lang = optarg; break;
    case 'q': a->quiet = 1; break;
    case 'h': fputs(USAGE, stdout); return -1;
    default: fputs(USAGE, stderr); return CS_EXIT_USAGE;
    }
  }
  if (a->out && !*a->out) {
    fprintf(stderr, "careshift run: --out DIR must not be empty\n\n%s", USAGE);
    return CS_EXIT_USAGE;
  }
  if (optind != argc - 1 || !a->out) {
    fprintf(stderr, "careshift run: %s\n\n%s",
            !a->out ? "--out DIR is required" : "one PLAN expected", USAGE);
    return CS_EXIT_USAGE;
  }
  if (!a->actuals != !a->from_year || (a->actuals && !*a->actuals)) {
    fprintf(stderr, "careshift run: --actuals DB and --from-year Y go together\n\n%s", USAGE);
    return CS_EXIT_USAGE;
  }
  if (strcmp(a->lang, "en") && strcmp(a->lang, "nl")) {
    fprintf(stderr, "careshift run: --lang must be en or nl, not '%s'\n", a->lang);
    return CS_EXIT_USAGE;
  }
  if (a->actuals && in_dir(a->actuals, a->out)) {
    fprintf(stderr,
            "careshift run: --actuals %s is in the output directory %s: the run would replace "
            "it, and the actuals imported into it (expected another --out)\n",
            a->actuals, a->out);
    return CS_EXIT_USAGE;
  }
  a->plan = argv[optind];
  return 0;
}

/* Ctrl-C or SIGTERM: the library stops at the next draw or row and removes what it wrote.
 * A second signal ends the process at once (the next run removes what is left). */
static volatile sig_atomic_t canceled;

static void on_signal(int sig) {
  canceled = 1;
  signal(sig, SIG_DFL);
}

static void catch_signals(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

/* libxlsxwriter prints "[ERROR]" lines of its own when a write fails (a full disk, say);
 * careshift says the same once, with the file. While the outputs are written, stderr goes to
 * a memory file; afterwards every other line is passed on, so nothing else is lost. */
typedef struct {
  int saved, mem;
} quiet_stderr;

static quiet_stderr hush(void) {
  quiet_stderr q = {-1, -1};
  fflush(stderr);
  q.mem = memfd_create("careshift-stderr", MFD_CLOEXEC);
  if (q.mem >= 0 && (q.saved = dup(STDERR_FILENO)) >= 0 && dup2(q.mem, STDERR_FILENO) >= 0)
    return q;
  if (q.saved >= 0) close(q.saved);
  if (q.mem >= 0) close(q.mem);
  return (quiet_stderr){-1, -1};
}

/* Back to the real stderr; replay: pass on what was said meanwhile (but "[ERROR]" lines). */
static void unhush_replay(quiet_stderr q, int replay) {
  if (q.saved < 0) return;
  fflush(stderr);
  dup2(q.saved, STDERR_FILENO);
  close(q.saved);
  if (!replay) {
    close(q.mem);
    return;
  }
  FILE *f = fdopen(q.mem, "r");
  if (!f) {
    close(q.mem);
    return;
  }
  rewind(f);
  char line[1024];
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "[ERROR]", 7)) fputs(line, stderr);
  fclose(f);
}

static void unhush(quiet_stderr q) { unhush_replay(q, 1); }

/* report.html goes into the run before the swap (part of its all-or-nothing set); without the
 * chart scripts the run is still written, and the user is told how to get the report. */
static int want_report(cs_outdir *o, const run_args *a) {
  cs_diags *d = cs_diags_new();
  if (!d) return 0;
  cs_status st = cs_outdir_set_report(o, a->lang, d);
  if (st != CS_OK) {
    fputs("careshift run: note: no report.html: ", stderr);
    cs_cli_put_safe(stderr, cs_diags_count(d) ? cs_diags_get(d, 0) : cs_status_str(st));
    fputs("\n", stderr);
  }
  cs_diags_free(d);
  return st == CS_OK;
}

static int write_and_report(const cs_run *run, cs_outdir *o, const run_args *a, int *report) {
  *report = want_report(o, a);
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  quiet_stderr q = hush();
  cs_status st = cs_run_write_to(run, o, d);
  unhush(q);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st != CS_OK) return cs_cli_exit_code(st);
  if (!a->quiet) {
    char *text = NULL;
    if (cs_run_summary(run, a->lang, &text) == CS_OK) {
      fputs(text, stdout);
      cs_free(text);
    } else {
      fprintf(stderr, "careshift run: out of memory for the summary (the outputs are written)\n");
    }
    int nl = !strcmp(a->lang, "nl");
    fputs(nl ? "\nuitvoer: " : "\noutputs: ", stdout);
    cs_cli_put_safe(stdout, a->out);
    fputs(nl ? " (CSV-tabellen, results.db, business_case.xlsx, run.log"
             : " (CSV tables, results.db, business_case.xlsx, run.log",
          stdout);
    fputs(*report ? ", report.html)\n" : ")\n", stdout);
  }
  return CS_EXIT_OK;
}

/* --pdf: report.pdf after the run is in place (printing takes seconds and may fail; the
 * tables are good either way). No Chromium, or no report.html, is a note, not an error. */
static int print_pdf(const run_args *a, int report) {
  if (!report) {
    fputs("careshift run: note: no report.pdf without report.html\n", stderr);
    return CS_EXIT_OK;
  }
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  int made = 0;
  cs_status st = cs_report_pdf(a->out, &canceled, &made, d);
  if (st == CS_OK && !made) {
    fputs("careshift run: note: ", stderr);
    cs_cli_put_safe(stderr, cs_diags_count(d) ? cs_diags_get(d, 0) : "no report.pdf");
    fputs("; wrote report.html only\n", stderr);
  } else {
    cs_cli_print_diags(d);
  }
  cs_diags_free(d);
  if (st != CS_OK) {
    fputs("careshift run: ", stderr);
    fputs(st == CS_ECANCELED ? "interrupted while printing" : "report.pdf was not written", stderr);
    fputs("; the run in ", stderr);
    cs_cli_put_safe(stderr, a->out);
    fputs(" is complete without it\n", stderr);
    return cs_cli_exit_code(st);
  }
  if (made && !a->quiet) {
    fputs(strcmp(a->lang, "nl") ? "printed: " : "afgedrukt: ", stdout);
    cs_cli_put_safe(stdout, a->out);
    fputs("/report.pdf\n", stdout);
  }
  return CS_EXIT_OK;
}

/* A progress bar on stderr, drawn only when stderr is a terminal. */
static void progress(void *ctx, int64_t done, int64_t total) {
  (void)ctx;
  int width = 40, fill = total > 0 ? (int)(done * width / total) : width;
  fprintf(stderr, "\rdraws [%.*s%*s] %lld/%lld", fill,
          "========================================", width - fill, "", (long long)done,
          (long long)total);
  if (done == total) fputc('\n', stderr);
}

/* Run options from the arguments and the plan's psa: section; exit code or 0. */
static int set_options(const run_args *a, const cs_plan *plan, cs_run_options *opt) {
  cs_plan_info in;
  cs_plan_get_info(plan, &in);
  cs_run_options_init(opt);
  opt->detail = a->detail;
  opt->draws = (int)a->draws;
  if (a->psa && !a->draws) {
    if (!in.has_psa || in.psa_draws <= 0) {
      fprintf(stderr, "careshift run: --psa: the plan has no psa.draws (use --draws N)\n");
      return CS_EXIT_USAGE;
    }
    opt->draws = in.psa_draws;
  }
  opt->seed = a->has_seed ? a->seed : in.psa_has_seed ? in.psa_seed : 1;
  opt->threads = (int)a->threads;
  opt->tornado = !a->no_tornado;
  opt->no_intervention_shapley = a->no_ivshap;
  opt->actuals = a->actuals;
  opt->from_year = (int)a->from_year;
  if (!opt->draws && (a->has_seed || a->no_tornado) && a->rank == 0)
    fprintf(stderr, "careshift run: note: --seed and --no-tornado apply to draws; "
                    "without --draws or --psa they do nothing\n");
  if (isatty(STDERR_FILENO) && !a->quiet && a->rank == 0) opt->progress = progress;
  opt->cancel = &canceled;
  return 0;
}

static int run_main(const run_args *ap) {
  run_args a = *ap;
  int code = CS_EXIT_OK;
  if (a.rank > 0) { /* process 0 says what is to be said, and writes */
    a.quiet = 1;
    a.pdf = 0;
  }
  /* the other processes load the same plan: only a failure of their own is theirs to say */
  quiet_stderr q = a.rank > 0 ? hush() : (quiet_stderr){-1, -1};
  cs_plan *plan = cs_cli_load(a.plan, a.sets, a.nset, &code);
  unhush_replay(q, !plan);
  if (!plan) return code;
  cs_run_options opt;
  if ((code = set_options(&a, plan, &opt)) != 0) {
    cs_plan_free(plan);
    return code;
  }
  catch_signals();
  cs_run *run = NULL;
  cs_outdir *o = NULL;
  cs_diags *d = cs_diags_new();
  /* the output directory is checked and locked before anything is computed */
  cs_status st = !d ? CS_ENOMEM : a.rank == 0 ? cs_outdir_open(a.out, &o, d) : CS_OK;
  /* every process: the others compute their share (of the draws, of the Shapley runs per
   * intervention), or nothing when there is none (run stays NULL) */
  if (st == CS_OK) st = cs_run_new(plan, &opt, &run, d);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  int report = 0;
  if (st == CS_OK && a.rank > 0)
    code = CS_EXIT_OK; /* its share of the draws is with process 0 */
  else if (st == CS_OK)
    code = write_and_report(run, o, &a, &report);
  else
    code = cs_cli_exit_code(st);
  if (code == CS_EXIT_OK && a.pdf) {
    cs_outdir_close(o); /* the old run goes first; report.pdf takes the new run's lock */
    o = NULL;
    code = print_pdf(&a, report);
  } else if (code == CS_EXIT_CANCELED && a.rank == 0) {
    fputs("careshift run: interrupted; ", stderr);
    cs_cli_put_safe(stderr, a.out);
    fputs(" is as it was\n", stderr);
  }
  cs_outdir_close(o);
  cs_run_free(run);
  cs_plan_free(plan);
  return code;
}

/* The status an exit code stands for (cs_cli_exit_code the other way round), for the other
 * processes of an MPI run to end with. */
static cs_status status_of(int code) {
  switch (code) {
  case CS_EXIT_OK: return CS_OK;
  case CS_EXIT_IO: return CS_EIO;
  case CS_EXIT_CANCELED: return CS_ECANCELED;
  case CS_EXIT_INTERNAL: return CS_EINTERNAL;
  default: return CS_EINVAL;
  }
}

int cs_cmd_run(int argc, char **argv) {
  /* Under mpirun (or srun --mpi=pmix) the processes share the draws (docs/mpi.md). */
  run_args a = {.lang = "en", .rank = cs_mpi_rank(NULL)};
  if (a.rank < 0) {
    fputs("careshift run: started as one of several processes (mpirun or srun), which this\n"
          "careshift cannot share a run between: it was built without MPI (meson setup\n"
          "-Dmpi=enabled), or srun needs --mpi=pmix (docs/mpi.md)\n",
          stderr);
    return CS_EXIT_USAGE;
  }
  int code = parse(argc, argv, &a);
  if (!code) code = run_main(&a);
  free(a.sets); /* the strings are argv's */
  code = code < 0 ? CS_EXIT_OK : code;
  cs_mpi_finalize(status_of(code));
  return code;
}
