/* cmd_serve.c: `careshift serve`: the HTTP JSON API and dashboard over a run or a plan, until
 * SIGINT or SIGTERM. The signals are blocked before the server's threads exist and taken with
 * sigwait here, so no handler runs inside the library and the stop is an ordinary call. */
#include "cli.h"
#include "careshift_serve.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: careshift serve (--plan PLAN | --dir DIR | --db DIR/results.db) [--host HOST]\n"
    "                       [--port PORT] [--token TOKEN] [--threads N] [--whatif-max N]\n"
    "\n"
    "Serves a plan or a run as an HTTP JSON API with a dashboard at / (docs/dashboard.md):\n"
    "the verdict, business case and charts, filtered by scenario, subregion and years.\n"
    "\n"
    "With --plan the plan is run at start (every scenario, draw 0, as `careshift run` without\n"
    "--draws) and held in memory, and POST /api/whatif runs it again with overrides (the\n"
    "PATH=VALUE of `careshift run --set`: an uptake, an effect, a price, the discount rate, a\n"
    "start, a theme off) and answers with the verdict, business case and charts of that run;\n"
    "nothing is written to disk. With --dir or --db a finished run is served read-only (with\n"
    "its PSA, if it has one); there are no what-if runs.\n"
    "\n"
    "GET /api/runs (how the run was made, its tables), /api/tables (names, descriptions,\n"
    "columns), /api/tables/NAME (rows, with filters scenario, year_from, year_to, area,\n"
    "subregion, sector, stakeholder, and paging limit, offset), /api/summary (the IZA verdict\n"
    "short and long term, the business case per stakeholder), /api/psa (with PSA),\n"
    "/api/charts?lang=en|nl (the charts of report.html), /api/whatif/parameters (--plan: what\n"
    "the sliders move) and POST /api/whatif (--plan); docs/api-http.md.\n"
    "\n"
    "The bound URL goes to stdout as one line (careshift serve: http://127.0.0.1:PORT/), a\n"
    "line per request to stderr (method, target, status, bytes, milliseconds). Ctrl-C or\n"
    "SIGTERM stops the server: it takes no new what-if runs, finishes the requests and runs\n"
    "under way (a what-if takes about a second), closes the connections and exits with 0.\n"
    "\n"
    "      --plan PLAN    a plan (plan.yaml): run it at start and allow what-if runs\n"
    "      --dir DIR      a run directory (the --out of `careshift run`)\n"
    "      --db FILE      the run's results.db (the same as --dir DIR)\n"
    "      --host HOST    the address to listen on: an IPv4 or IPv6 address or localhost\n"
    "                     (default 127.0.0.1); any but 127.0.0.1, ::1 and localhost needs a\n"
    "                     token\n"
    "  -p, --port PORT    the port (default 8080); 0 picks a free one\n"
    "      --token TOKEN  every request must then carry Authorization: Bearer TOKEN (16 to\n"
    "                     256 printable characters, no spaces); default: CARESHIFT_TOKEN,\n"
    "                     which other users cannot read from the process list\n"
    "  -t, --threads N    worker threads, each serving many connections (default: one per\n"
    "                     online CPU, at least 2; at most 64)\n"
    "      --whatif-max N what-if runs at once (default 2, at most 64); one more is answered\n"
    "                     503 with Retry-After: 1\n"
    "  -h, --help         this text\n"
    "\n"
    "exit codes: 0 stopped by SIGINT or SIGTERM, 1 the path is not a careshift run or the plan\n"
    "is invalid, 2 wrong arguments (also: a non-loopback host without a token), 3 the address\n"
    "cannot be bound or results.db cannot be read, 4 out of memory or internal error\n";

typedef struct {
  const char *db, *dir, *plan, *host, *token;
  long port, threads, whatif_max;
} args;

/* A whole number in [lo, hi] from an option's value; 0 when it is not one. */
static int number(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

static int usage_error(const char *what, const char *value) {
  fprintf(stderr, "careshift serve: %s", what);
  if (value) {
    fputs(" '", stderr);
    cs_cli_put_safe(stderr, value);
    fputc('\'', stderr);
  }
  fprintf(stderr, "\n\n%s", USAGE);
  return CS_EXIT_USAGE;
}

/* The options; 0, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, args *a) {
  enum { DB = 256, DIR_, PLAN, HOST, TOKEN, WHATIF };
  static const struct option opts[] = {
      {"db", required_argument, NULL, DB},       {"dir", required_argument, NULL, DIR_},
      {"plan", required_argument, NULL, PLAN},   {"whatif-max", required_argument, NULL, WHATIF},
      {"host", required_argument, NULL, HOST},   {"port", required_argument, NULL, 'p'},
      {"token", required_argument, NULL, TOKEN}, {"threads", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "p:t:h", opts, NULL)) != -1) {
    switch (c) {
    case DB: a->db = optarg; break;
    case DIR_: a->dir = optarg; break;
    case PLAN: a->plan = optarg; break;
    case WHATIF:
      if (!number(optarg, 1, 64, &a->whatif_max))
        return usage_error("--whatif-max must be 1..64, not", optarg);
      break;
    case HOST: a->host = optarg; break;
    case TOKEN: a->token = optarg; break;
    case 'p':
      if (!number(optarg, 0, 65535, &a->port))
        return usage_error("--port must be 0..65535, not", optarg);
      break;
    case 't':
      if (!number(optarg, 1, 64, &a->threads))
        return usage_error("--threads must be 1..64, not", optarg);
      break;
    case 'h': fputs(USAGE, stdout); return -1;
    default: fputs(USAGE, stderr); return CS_EXIT_USAGE;
    }
  }
  if (optind != argc) return usage_error("unexpected argument", argv[optind]);
  if ((a->db != NULL) + (a->dir != NULL) + (a->plan != NULL) != 1)
    return usage_error("one of --plan PLAN, --dir DIR and --db FILE expected", NULL);
  if (!a->token) a->token = getenv("CARESHIFT_TOKEN");
  return 0;
}

static void log_line(void *ctx, const char *line) {
  (void)ctx;
  fprintf(stderr, "careshift serve: %s\n", line); /* one call: one line, whole, per thread */
}

static cs_status set_options(cs_serve_options *o, const args *a) {
  cs_status st = a->plan ? cs_serve_options_set_plan(o, a->plan)
                         : cs_serve_options_set_db(o, a->db ? a->db : a->dir);
  if (st == CS_OK) st = cs_serve_options_set_whatif_max(o, (int)a->whatif_max);
  if (st == CS_OK && a->host) st = cs_serve_options_set_host(o, a->host);
  if (st == CS_OK) st = cs_serve_options_set_port(o, (int)a->port);
  if (st == CS_OK) st = cs_serve_options_set_threads(o, (int)a->threads);
  if (st == CS_OK) st = cs_serve_options_set_token(o, a->token);
  if (st == CS_OK) st = cs_serve_options_set_log(o, log_line, NULL);
  return st;
}

/* Serves until SIGINT or SIGTERM. */
static int serve(const cs_serve_options *o, cs_diags *d) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  signal(SIGPIPE, SIG_IGN); /* a client gone mid-answer is the server's business, not a death */
  sigprocmask(SIG_BLOCK, &stop, NULL); /* before the threads: they inherit the mask */
  cs_server *s = NULL;
  cs_status st = cs_serve_start(o, &s, d);
  cs_cli_print_diags(d);
  if (st != CS_OK) return cs_cli_exit_code(st);
  printf("careshift serve: %s\n", cs_serve_url(s));
  fflush(stdout); /* a script waits for this line to know the port */
  int sig = 0;
  sigwait(&stop, &sig);
  fprintf(stderr, "careshift serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  cs_serve_stop(s);
  return CS_EXIT_OK;
}

static int serve_main(const args *ap);

int cs_cmd_serve(int argc, char **argv) {
  args a = {NULL, NULL, NULL, NULL, NULL, 8080, 0, 2};
  int code = parse(argc, argv, &a);
  if (code) return code < 0 ? CS_EXIT_OK : code;
  /* One server is one process: under mpirun each copy would share its runs with the others
   * (docs/mpi.md) and all would listen on the same port. */
  int nproc = 1;
  if (cs_mpi_rank(&nproc) != 0 || nproc > 1) {
    fputs("careshift serve: started as one of several processes (mpirun or srun); a server is "
          "one process: start it without them\n",
          stderr);
    cs_mpi_finalize(CS_EINVAL);
    return CS_EXIT_USAGE;
  }
  code = serve_main(&a);
  cs_mpi_finalize(code == CS_EXIT_OK ? CS_OK : CS_EINVAL);
  return code;
}

static int serve_main(const args *ap) {
  args a = *ap;
  int code = 0;
  cs_diags *d = cs_diags_new();
  cs_serve_options *o = NULL;
  if (!d || cs_serve_options_new(&o) != CS_OK || set_options(o, &a) != CS_OK) {
    fprintf(stderr, "careshift serve: out of memory\n");
    code = CS_EXIT_INTERNAL;
  } else if (cs_serve_options_check(o, d) != CS_OK) {
    cs_cli_print_diags(d);
    code = CS_EXIT_USAGE;
  } else {
    code = serve(o, d);
  }
  cs_serve_options_free(o);
  cs_diags_free(d);
  return code;
}
