/* cli.h: the careshift command line; each subcommand lives in its own file. */
#ifndef CS_CLI_H
#define CS_CLI_H

#include "careshift.h"

#include <stdio.h>

/* Exit codes, documented in `careshift --help` and docs/cli.md. */
enum {
  CS_EXIT_OK = 0,        /* success; for `check`: the plan is valid */
  CS_EXIT_INVALID = 1,   /* the plan (or another input) is invalid */
  CS_EXIT_USAGE = 2,     /* wrong command-line arguments */
  CS_EXIT_IO = 3,        /* a file could not be read or written */
  CS_EXIT_INTERNAL = 4,  /* out of memory or a bug */
  CS_EXIT_CANCELED = 130 /* interrupted (Ctrl-C, SIGTERM); nothing was changed */
};

int cs_cmd_check(int argc, char **argv);
int cs_cmd_run(int argc, char **argv);
int cs_cmd_report(int argc, char **argv);
int cs_cmd_init(int argc, char **argv);
int cs_cmd_serve(int argc, char **argv);
int cs_cmd_monitor(int argc, char **argv);

/* util.c */
void cs_cli_print_diags(const cs_diags *d);
/* Writes s with bytes below 0x20 and 0x7f as \xNN: a file name from the user is shown, never
 * obeyed, by the terminal. */
void cs_cli_put_safe(FILE *f, const char *s);
int cs_cli_exit_code(cs_status st);
/* Loads a plan with the --set overrides sets[0..nset-1] ("PATH=VALUE"), printing every
 * problem and then their number; returns NULL (and sets *code) on failure. */
cs_plan *cs_cli_load(const char *path, const char *const *sets, size_t nset, int *code);

#endif
