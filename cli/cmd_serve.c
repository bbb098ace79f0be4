/* cmd_serve.c: `careshift serve`: the read-only HTTP JSON API over a run's results.db, until
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
    "usage: careshift serve (--db DIR/results.db | --dir DIR) [--host HOST] [--port PORT]\n"
    "                       [--token TOKEN] [--threads N]\n"
    "\n"
    "Serves a run (the --out directory of `careshift run`) as a read-only HTTP JSON API:\n"
    "GET /api/runs (how the run was made, its tables), /api/tables (names, descriptions,\n"
    "columns), /api/tables/NAME (rows, with filters scenario, year_from, year_to, area,\n"
    "subregion, sector, stakeholder, and paging limit, offset), /api/summary (the IZA verdict\n"
    "short and long term, the business case per stakeholder), /api/psa (with PSA) and\n"
    "/api/charts?lang=en|nl (the charts of report.html); docs/api-http.md. results.db is\n"
    "opened read-only; the run is served as it was when the server started.\n"
    "\n"
    "The bound URL goes to stdout as one line (careshift serve: http://127.0.0.1:PORT/), a\n"
    "line per request to stderr (method, target, status, bytes, milliseconds). Ctrl-C or\n"
    "SIGTERM stops the server: it finishes the requests under way, closes the connections\n"
    "and exits with 0.\n"
    "\n"
    "      --db FILE      the run's results.db\n"
    "      --dir DIR      the run directory (the same as --db DIR/results.db)\n"
    "      --host HOST    the address to listen on: an IPv4 or IPv6 address or localhost\n"
    "                     (default 127.0.0.1); any but 127.0.0.1, ::1 and localhost needs a\n"
    "                     token\n"
    "  -p, --port PORT    the port (default 8080); 0 picks a free one\n"
    "      --token TOKEN  every request must then carry Authorization: Bearer TOKEN (16 to\n"
    "                     256 printable characters, no spaces); default: CARESHIFT_TOKEN,\n"
    "                     which other users cannot read from the process list\n"
    "  -t, --threads N    worker threads, each serving many connections (default: one per\n"
    "                     online CPU, at least 2; at most 64)\n"
    "  -h, --help         this text\n"
    "\n"
    "exit codes: 0 stopped by SIGINT or SIGTERM, 1 the path is not a careshift run,\n"
    "2 wrong arguments (also: a non-loopback host without a token), 3 the address cannot\n"
    "be bound or results.db cannot be read, 4 out of memory or internal error\n";

typedef struct {
  const char *db, *dir, *host, *token;
  long port, threads;
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
  enum { DB = 256, DIR_, HOST, TOKEN };
  static const struct option opts[] = {
      {"db", required_argument, NULL, DB},       {"dir", required_argument, NULL, DIR_},
      {"host", required_argument, NULL, HOST},   {"port", required_argument, NULL, 'p'},
      {"token", required_argument, NULL, TOKEN}, {"threads", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "p:t:h", opts, NULL)) != -1) {
    switch (c) {
    case DB: a->db = optarg; break;
    case DIR_: a->dir = optarg; break;
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
  if (!a->db == !a->dir) return usage_error("one of --db FILE and --dir DIR expected", NULL);
  if (!a->token) a->token = getenv("CARESHIFT_TOKEN");
  return 0;
}

static void log_line(void *ctx, const char *line) {
  (void)ctx;
  fprintf(stderr, "careshift serve: %s\n", line); /* one call: one line, whole, per thread */
}

static cs_status set_options(cs_serve_options *o, const args *a) {
  cs_status st = cs_serve_options_set_db(o, a->db ? a->db : a->dir);
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

int cs_cmd_serve(int argc, char **argv) {
  args a = {NULL, NULL, NULL, NULL, 8080, 0};
  int code = parse(argc, argv, &a);
  if (code) return code < 0 ? CS_EXIT_OK : code;
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
