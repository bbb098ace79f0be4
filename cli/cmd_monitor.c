/* cmd_monitor.c: `careshift monitor import|status`: actuals into a run's results.db, and
 * realised against planned per milestone and indicator (docs/monitoring.md). */
#include "cli.h"
#include "careshift_monitor.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char USAGE[] =
    "usage: careshift monitor import PLAN ACTUALS.csv (--db FILE | --dir DIR) [--replace]\n"
    "       careshift monitor status PLAN (--db FILE | --dir DIR) [--year Y] [--lang en|nl]\n"
    "                                [--csv FILE] [--threads T]\n"
    "\n"
    "Monitoring a plan against what was realised (docs/monitoring.md). `import` stores the\n"
    "actuals of a CSV file in the `actuals` table of a run's results.db; `status` compares\n"
    "them, and the plan's milestones, with what the run planned. `careshift monitor import\n"
    "--help` and `careshift monitor status --help` say more.\n"
    "\n"
    "exit codes: 0 success, 1 invalid plan or actuals (every problem printed; nothing\n"
    "imported), 2 wrong arguments, 3 a file could not be read or written (or a run is\n"
    "writing the directory), 4 out of memory or internal error, 130 interrupted\n";

static const char USAGE_IMPORT[] =
    "usage: careshift monitor import PLAN ACTUALS.csv (--db FILE | --dir DIR) [--replace]\n"
    "\n"
    "Reads ACTUALS.csv, a header and rows of indicator,area_or_subregion,year,value[,source]:\n"
    "  indicator          participants:<intervention>, units:<sector>, cost:<payer> (care\n"
    "                     cost of the payer's sectors, EUR of the plan's price year),\n"
    "                     fte_demand:<group>, supply_fte:<group> (per subregion), or population\n"
    "                     (1 January)\n"
    "  area_or_subregion  an area id of the plan, a subregion name, or region\n"
    "  year               a year of the plan; value a decimal number from 0 to 1e15 (1234.5 or\n"
    "                     1.5e6: a decimal point, no thousands separators, no hex, inf or nan);\n"
    "                     source free text (optional column)\n"
    "checks every row against PLAN and prints every problem at once as\n"
    "FILE:LINE:COLUMN: message. Only a file without problems is stored, in the table\n"
    "`actuals` of the run's results.db, in one transaction with the time of the import and\n"
    "the file's SHA-256. Importing the same file again changes nothing. A value that differs\n"
    "from one imported before for the same indicator, place and year is refused (all such\n"
    "conflicts are listed, nothing is written) unless --replace is given. A failed import\n"
    "leaves results.db exactly as it was.\n"
    "\n"
    "  -d, --db FILE     the results.db of `careshift run PLAN --out DIR`\n"
    "  -D, --dir DIR     the same as --db DIR/results.db\n"
    "  -r, --replace     a new value replaces the one imported before for its key\n"
    "  -h, --help        this text\n"
    "\n"
    "A later `careshift run` into the same DIR writes a new results.db without actuals:\n"
    "import the file again then (the CSV file is the record; docs/monitoring.md).\n"
    "\n"
    "exit codes: 0 imported (or nothing new), 1 invalid plan or actuals, or conflicting\n"
    "values (nothing imported), 2 wrong arguments, 3 ACTUALS.csv or results.db cannot be read\n"
    "or written (a run is writing DIR, another process holds results.db locked, or an\n"
    "interrupted import left its journal), 4 out of memory or internal error\n";

static const char USAGE_STATUS[] =
    "usage: careshift monitor status PLAN (--db FILE | --dir DIR) [--year Y] [--lang en|nl]\n"
    "                                [--csv FILE] [--threads T]\n"
    "\n"
    "For each actual in results.db, the sums of a subregion's areas and of the region's\n"
    "subregions where every part was realised, and each milestone of PLAN: the planned value\n"
    "(the run's plan scenario, summed to the actual's area, subregion or region), the PSA 95 %\n"
    "band when the run has draws (the run's draws made again for the baseline and the plan),\n"
    "the realised value, the difference (absolute and %) and a status:\n"
    "  ahead      better than planned beyond the band (at least 5 %)\n"
    "  on track   at most 5 % worse, and not beyond the band on the better side\n"
    "  behind     more than 5 % worse, but within the band (without PSA: within 20 %)\n"
    "  off track  worse beyond the band (without PSA: more than 20 % worse)\n"
    "  differs    population, and care use, cost or staff demand the plan does not lower:\n"
    "             outside 5 % and the band (else on track)\n"
    "Better is higher for participants and supply_fte, lower for units, cost and fte_demand\n"
    "where the plan lowers them against the baseline (docs/monitoring.md, \"Status\"). The\n"
    "band shown is the one the status uses: the PSA band, widened to planned -/+ 5 % where it\n"
    "is narrower (marked *). A milestone row also says whether its target is met (met: yes or\n"
    "no). A re-forecast run (`run --actuals --from-year Y`) was fitted to the actuals of Y: a\n"
    "warning says so.\n"
    "The status is about the level. \"Of the plan's effect\" is about the plan's change: the\n"
    "share of it that was realised, (baseline - realised) / (baseline - planned), with the\n"
    "baseline the run's scenario without the plan: 100 % as planned, 0 % none of it, below 0\n"
    "the other way (beyond the baseline; marked !), beyond -/+ 500 % implausible (marked ?).\n"
    "A plan that saves 0.1 % of hospital days is on track at any realised value within 5 %,\n"
    "above the baseline too: this column says whether the saving happened.\n"
    "\n"
    "  -d, --db FILE     the results.db of `careshift run PLAN --out DIR`\n"
    "  -D, --dir DIR     the same as --db DIR/results.db\n"
    "  -y, --year Y      only year Y (a year of the plan)\n"
    "  -l, --lang LANG   the table's language: en (default) or nl\n"
    "  -c, --csv FILE    also write the rows to FILE (monitoring.csv; docs/outputs.md): a new\n"
    "                    file or an earlier monitoring.csv, outside the run directory; never\n"
    "                    the database, the plan or another file (refused, exit 2)\n"
    "  -t, --threads T   threads to make the PSA draws again (default: one per online CPU)\n"
    "  -h, --help        this text\n"
    "\n"
    "exit codes: 0 success, 1 invalid plan or not a careshift results.db, 2 wrong arguments\n"
    "(also --year outside the plan, or a --csv FILE refused), 3 a file could not be read or\n"
    "written (also: another process holds results.db locked, or an interrupted import left\n"
    "its journal), 4 out of memory or internal error, 130 interrupted\n";

typedef struct {
  const char *plan, *csv, *db, *dir, *lang, *out_csv;
  int replace;
  long year, threads;
  char dbbuf[4200];
  char seen[16]; /* the options with a value given so far */
} mon_args;

__attribute__((format(printf, 3, 4))) static int usage_error(const char *sub, const char *usage,
                                                             const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "careshift monitor %s: ", sub);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n\n%s", usage);
  return CS_EXIT_USAGE;
}

static int parse_long(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

/* --db or --dir into a->db; an exit code or 0. */
static int resolve_db(const char *sub, const char *usage, mon_args *a) {
  if (!a->db == !a->dir)
    return usage_error(sub, usage, "%sone of --db FILE or --dir DIR expected",
                       a->db ? "only " : "");
  if (a->dir) {
    if (snprintf(a->dbbuf, sizeof a->dbbuf, "%s/results.db", a->dir) >= (int)sizeof a->dbbuf)
      return usage_error(sub, usage, "--dir is too long (expected at most 4096 bytes)");
    a->db = a->dbbuf;
  }
  return 0;
}

/* Options of both subcommands; positional arguments stay in argv[optind..]. 0, -1 after
 * --help, or an exit code. */
static int parse(int argc, char **argv, const char *sub, const char *usage, mon_args *a) {
  static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                       {"dir", required_argument, NULL, 'D'},
                                       {"replace", no_argument, NULL, 'r'},
                                       {"year", required_argument, NULL, 'y'},
                                       {"lang", required_argument, NULL, 'l'},
                                       {"csv", required_argument, NULL, 'c'},
                                       {"threads", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c, is_import = !strcmp(sub, "import");
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "d:D:ry:l:c:t:h", opts, NULL)) != -1) {
    if (c == 'h') {
      fputs(usage, stdout);
      return -1;
    }
    if (c == '?' || (is_import && strchr("ylct", c)) || (!is_import && c == 'r')) {
      if (c != '?') fprintf(stderr, "careshift monitor %s: option not known here\n", sub);
      fputs(usage, stderr);
      return CS_EXIT_USAGE;
    }
    /* an option with a value given twice is a mistake, not "the last one wins" */
    const char *name = NULL;
    for (size_t i = 0; opts[i].name && !name; i++)
      if (opts[i].val == c && opts[i].has_arg) name = opts[i].name;
    if (name && strchr(a->seen, c))
      return usage_error(sub, usage, "--%s given twice (expected it once)", name);
    size_t ns = strlen(a->seen);
    if (name && ns + 1 < sizeof a->seen) a->seen[ns] = (char)c, a->seen[ns + 1] = '\0';
    if (c == 'd') a->db = optarg;
    if (c == 'D') a->dir = optarg;
    if (c == 'r') a->replace = 1;
    if (c == 'l') a->lang = optarg;
    if (c == 'c') a->out_csv = optarg;
    if (c == 'y' && parse_long(optarg, 1, 9999, &a->year))
      return usage_error(sub, usage, "--year '%s' is not valid (expected a year of the plan)",
                         optarg);
    if (c == 't' && parse_long(optarg, 1, 256, &a->threads))
      return usage_error(sub, usage, "--threads '%s' is not valid (expected 1 to 256)", optarg);
  }
  if (strcmp(a->lang, "en") && strcmp(a->lang, "nl"))
    return usage_error(sub, usage, "--lang must be en or nl, not '%s'", a->lang);
  return resolve_db(sub, usage, a);
}

/* Prints the diagnostics and, on failure, how many problems (warnings are no problems). */
static int report(const char *sub, const char *what, cs_diags *d, cs_status st, const char *after) {
  cs_cli_print_diags(d);
  if (st == CS_OK) return CS_EXIT_OK;
  size_t n = cs_diags_total(d);
  for (size_t i = 0; i < cs_diags_count(d); i++)
    if (strstr(cs_diags_get(d, i), ": warning: ")) n--;
  fprintf(stderr, "careshift monitor %s: ", sub);
  cs_cli_put_safe(stderr, what);
  fprintf(stderr, ": %zu problem%s found%s\n", n, n == 1 ? "" : "s", after);
  return cs_cli_exit_code(st);
}

/* The time of the import: SOURCE_DATE_EPOCH when set (reproducible tests), else now. */
static int64_t now(void) {
  const char *e = getenv("SOURCE_DATE_EPOCH");
  long v;
  if (e && !parse_long(e, 0, 253402300799L, &v)) return v;
  return (int64_t)time(NULL);
}

static int do_import(const mon_args *a, cs_plan *plan) {
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  cs_monitor_import_options o = {a->replace, now()};
  cs_monitor_import_result res;
  cs_status st = cs_monitor_import(plan, a->csv, a->db, &o, &res, d);
  int code = report("import", a->csv, d, st, "; nothing was imported");
  cs_diags_free(d);
  if (st != CS_OK) return code;
  printf("imported ");
  cs_cli_put_safe(stdout, a->csv);
  printf(" (sha256 %.16s...) into ", res.sha256);
  cs_cli_put_safe(stdout, a->db);
  printf(": %lld row%s, %lld added, %lld replaced, %lld unchanged\n", (long long)res.rows,
         res.rows == 1 ? "" : "s", (long long)res.added, (long long)res.replaced,
         (long long)res.unchanged);
  return CS_EXIT_OK;
}

static volatile sig_atomic_t canceled;

static void on_signal(int sig) {
  canceled = 1;
  signal(sig, SIG_DFL); /* a second one ends careshift at once */
}

static int print_status(const mon_args *a, cs_monitor *m) {
  char *text = NULL;
  cs_status st = cs_monitor_format(m, a->lang, &text);
  if (st != CS_OK) return cs_cli_exit_code(st);
  fputs(text, stdout);
  cs_free(text);
  if (!a->out_csv) return CS_EXIT_OK;
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  st = cs_monitor_write_csv(m, a->out_csv, d);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st != CS_OK) return st == CS_EINVAL ? CS_EXIT_USAGE : cs_cli_exit_code(st);
  printf("monitoring.csv: ");
  cs_cli_put_safe(stdout, a->out_csv);
  printf("\n");
  return CS_EXIT_OK;
}

/* --year and --csv against the plan and the database, before anything is computed: an
 * exit code, or 0. */
static int check_status_args(const mon_args *a, const cs_plan *plan) {
  cs_plan_info info;
  cs_plan_get_info(plan, &info);
  if (a->year && (a->year < info.base_year || a->year > info.horizon))
    return usage_error("status", USAGE_STATUS,
                       "--year %ld is outside the plan's years (expected %d to %d)", a->year,
                       info.base_year, info.horizon);
  if (!a->out_csv) return 0;
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  cs_status st = cs_monitor_check_csv_path(plan, a->db, a->out_csv, d);
  cs_cli_print_diags(d);
  cs_diags_free(d);
  if (st == CS_EINVAL) {
    fprintf(stderr, "careshift monitor status: --csv ");
    cs_cli_put_safe(stderr, a->out_csv);
    fprintf(stderr, " refused; nothing was written\n");
    return CS_EXIT_USAGE;
  }
  return st == CS_OK ? 0 : cs_cli_exit_code(st);
}

static int do_status(const mon_args *a, cs_plan *plan) {
  int code = check_status_args(a, plan);
  if (code) return code;
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  cs_diags *d = cs_diags_new();
  if (!d) return CS_EXIT_INTERNAL;
  cs_monitor_status_options o;
  cs_monitor_status_options_init(&o);
  o.year = (int)a->year;
  o.threads = (int)a->threads;
  o.cancel = &canceled;
  cs_monitor *m = NULL;
  cs_status st = cs_monitor_status(plan, a->db, &o, &m, d);
  code = report("status", a->db, d, st, "");
  cs_diags_free(d);
  if (st == CS_OK) code = print_status(a, m);
  cs_monitor_free(m);
  return code;
}

int cs_cmd_monitor(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(USAGE, argc < 2 ? stderr : stdout);
    return argc < 2 ? CS_EXIT_USAGE : CS_EXIT_OK;
  }
  const char *sub = argv[1];
  int is_import = !strcmp(sub, "import");
  if (!is_import && strcmp(sub, "status")) {
    fprintf(stderr, "careshift monitor: unknown subcommand '");
    cs_cli_put_safe(stderr, sub);
    fprintf(stderr, "' (expected import or status)\n\n%s", USAGE);
    return CS_EXIT_USAGE;
  }
  const char *usage = is_import ? USAGE_IMPORT : USAGE_STATUS;
  mon_args a = {.lang = "en"};
  argv[1] = is_import ? "careshift monitor import" : "careshift monitor status";
  int code = parse(argc - 1, argv + 1, sub, usage, &a);
  if (code) return code < 0 ? CS_EXIT_OK : code;
  int want = is_import ? 2 : 1;
  if (argc - 1 - optind != want)
    return usage_error(sub, usage, "%s expected", is_import ? "PLAN and ACTUALS.csv" : "one PLAN");
  a.plan = argv[1 + optind];
  a.csv = is_import ? argv[2 + optind] : NULL;
  cs_plan *plan = cs_cli_load(a.plan, NULL, 0, &code);
  if (!plan) return code;
  code = is_import ? do_import(&a, plan) : do_status(&a, plan);
  cs_plan_free(plan);
  return code;
}
