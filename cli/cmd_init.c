/* cmd_init.c: `careshift init DIR [--from example]`: writes a new plan to start from.
 *
 * The files are the built-in example, embedded in the binary at build time
 * (scripts/embed_files.py), so init works from any install. DIR gets all of them or none:
 *  - a new DIR is written as a private sibling (.careshift-init-XXXXXX, mode 0700 while it is
 *    written) and renamed into place, so DIR appears whole;
 *  - an existing empty DIR (kept: its owner, mode, a mount point, `.`) is filled through a
 *    private subdirectory, the files moved in only when every one is written and synced, and
 *    taken out again if a move fails.
 * A non-empty DIR is refused and never touched. Ctrl-C is held off while the files are
 * written, so an interrupted init leaves DIR complete or as it was. */
#define _GNU_SOURCE /* renameat2, memmem */
#include "cli.h"
#include "cs_example.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: careshift init DIR [--from example]\n"
    "\n"
    "Writes a new plan to DIR to start from, one that checks and runs as it is: the built-in\n"
    "Zuid-Limburg example (16 municipalities in three subregions, the five themes of the\n"
    "Mijnstreek plan): plan.yaml, with a header saying what to change first and a comment\n"
    "above each field saying what it means, its CSV tables with their sources, and README.md\n"
    "with the next commands. careshift carries these files itself, so init works from any\n"
    "install.\n"
    "\n"
    "DIR is created if it does not exist (its parent must). An existing DIR must be empty,\n"
    "hidden files included: init never writes over or next to a file it did not write. The\n"
    "files are written and synced under a private name and moved into DIR only when all are\n"
    "written, so DIR gets all of them or none.\n"
    "\n"
    "  -f, --from NAME   what to start from: example (the default; the only one so far)\n"
    "  -h, --help        this text\n"
    "\n"
    "Then: careshift check DIR/plan.yaml; careshift run DIR/plan.yaml --out DIR/out\n"
    "\n"
    "exit codes: 0 success, 2 wrong arguments, 3 DIR is not empty or not a directory, its\n"
    "parent does not exist, or a file could not be written (DIR is then as it was),\n"
    "4 out of memory or internal error\n";

/* What --from can name: one row per set of embedded files. */
typedef struct {
  const char *name;
  const char *what; /* printed on success */
  const cs_embedded_file *files;
  size_t nfiles;
} init_source;

static const init_source SOURCES[] = {
    {"example", "the Zuid-Limburg example", cs_example_files, CS_EXAMPLE_NFILES},
};
#define NSOURCES (sizeof SOURCES / sizeof *SOURCES)

#define TMP_NAME ".careshift-init-XXXXXX"

/* ---- messages ---- */

/* "careshift init: BEFORE'PATH[/NAME]'AFTER[: strerror]" on stderr; returns CS_EXIT_IO. The
 * path comes from the user, so it is shown with control bytes escaped. */
static int fail(const char *before, const char *path, const char *name, const char *after,
                int err) {
  fprintf(stderr, "careshift init: %s'", before);
  cs_cli_put_safe(stderr, path);
  if (name) fprintf(stderr, "%s%s", path[strlen(path) - 1] == '/' ? "" : "/", name);
  fprintf(stderr, "'%s", after ? after : "");
  if (err) fprintf(stderr, ": %s", strerror(err));
  fputc('\n', stderr);
  return CS_EXIT_IO;
}

/* A path as a shell word: a plain one as it is, others in single quotes, so the commands
 * printed after init can be pasted (control bytes still escaped, never sent raw). */
static void put_shell_word(FILE *f, const char *s) {
  static const char plain[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,:+=@%-";
  char *c = s[strspn(s, plain)] ? strdup(s) : NULL;
  if (!c) {
    cs_cli_put_safe(f, s);
    return;
  }
  fputc('\'', f);
  char *seg = c;
  for (char *q; (q = strchr(seg, '\'')); seg = q + 1) {
    *q = '\0';
    cs_cli_put_safe(f, seg);
    fputs("'\\''", f);
  }
  cs_cli_put_safe(f, seg);
  fputc('\'', f);
  free(c);
}

/* ---- arguments ---- */

/* Finds --from's source; NULL (and the valid names printed) when it names none. */
static const init_source *find_source(const char *name) {
  for (size_t i = 0; i < NSOURCES; i++)
    if (!strcmp(SOURCES[i].name, name)) return &SOURCES[i];
  fprintf(stderr, "careshift init: --from '");
  cs_cli_put_safe(stderr, name);
  fputs("' is not known (expected one of:", stderr);
  for (size_t i = 0; i < NSOURCES; i++)
    fprintf(stderr, " %s", SOURCES[i].name);
  fputs(")\n", stderr);
  return NULL;
}

/* DIR and the source; 0, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, const char **dir, const init_source **src) {
  static const struct option opts[] = {
      {"from", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  const char *from = "example";
  int c;
  optind = 0; /* a full reset of GNU getopt */
  while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
    switch (c) {
    case 'f': from = optarg; break;
    case 'h': fputs(USAGE, stdout); return -1;
    default: fputs(USAGE, stderr); return CS_EXIT_USAGE;
    }
  }
  if (optind != argc - 1 || !*argv[optind]) {
    fprintf(stderr, "careshift init: one DIR expected\n\n%s", USAGE);
    return CS_EXIT_USAGE;
  }
  *src = find_source(from);
  if (!*src) return CS_EXIT_USAGE;
  *dir = argv[optind];
  return 0;
}

/* ---- writing the files ---- */

static int write_bytes(int fd, const void *p, size_t n) {
  const char *b = p;
  while (n > 0) {
    ssize_t k = write(fd, b, n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return -1;
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

/* The file's bytes with each version mark made CS_VERSION: the header names the careshift
 * that wrote it, the same `careshift --version` prints. */
static int write_text(int fd, const unsigned char *p, size_t n) {
  const size_t k = strlen(CS_EMBED_VERSION_MARK);
  for (;;) {
    const unsigned char *m = memmem(p, n, CS_EMBED_VERSION_MARK, k);
    size_t len = m ? (size_t)(m - p) : n;
    if (write_bytes(fd, p, len)) return -1;
    if (!m) return 0;
    if (write_bytes(fd, CS_VERSION, strlen(CS_VERSION))) return -1;
    p = m + k;
    n -= len + k;
  }
}

/* A new file dfd/NAME (never one that exists), written and synced; errno on failure. */
static int write_file(int dfd, const cs_embedded_file *f) {
  int fd = openat(dfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return -1;
  int rc = (write_text(fd, f->data, f->size) || fsync(fd)) ? -1 : 0;
  int err = errno;
  if (close(fd) != 0 && rc == 0) return -1;
  errno = err;
  return rc;
}

/* Removes the first n files of src from dfd, as far as they are there. */
static void remove_files(int dfd, const init_source *src, size_t n) {
  for (size_t i = 0; i < n; i++)
    unlinkat(dfd, src->files[i].name, 0);
}

/* Writes every file into the private directory dfd; on failure says which (as DIR/NAME, the
 * name the user will look for), removes what it wrote and returns the exit code. */
static int write_all(int dfd, const init_source *src, const char *dir) {
  for (size_t i = 0; i < src->nfiles; i++) {
    if (write_file(dfd, &src->files[i]) == 0) continue;
    int err = errno;
    remove_files(dfd, src, i + 1);
    return fail("cannot write ", dir, src->files[i].name, NULL, err);
  }
  return 0;
}

/* ---- a new DIR: a private sibling renamed into place ---- */

/* The umask's permissions for a new directory: mkdtemp makes it 0700 for the writing. */
static mode_t dir_mode(void) {
  mode_t mask = umask(0);
  umask(mask);
  return 0777 & ~mask;
}

/* Writes the files into the private directory tmp and renames it to path (DIR without
 * trailing slashes). */
static int fill_and_rename(const char *tmp, const char *path, const char *dir,
                           const init_source *src) {
  int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return fail("cannot create ", dir, NULL, NULL, errno);
  int code = write_all(dfd, src, dir);
  if (!code && (fchmod(dfd, dir_mode()) || fsync(dfd)))
    code = fail("cannot write ", dir, NULL, NULL, errno);
  /* rename replaces nothing but an empty directory: one made meanwhile is fine; a non-empty
   * one or a file makes it fail, and nothing of theirs is touched. */
  if (!code && rename(tmp, path)) {
    int err = errno;
    code =
        err == ENOTEMPTY || err == EEXIST
            ? fail("", dir, NULL, " appeared meanwhile and is not empty (nothing was changed)", 0)
            : fail("cannot create ", dir, NULL, NULL, err);
  }
  if (code) remove_files(dfd, src, src->nfiles);
  close(dfd);
  return code;
}

/* The new entry survives a crash; a failure here loses no file, so it is not reported. */
static void sync_dir(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

/* Checks that DIR's parent is a directory and makes the private sibling tmp in it. */
static int make_sibling(const char *parent, char *tmp, const char *dir) {
  struct stat st;
  if (stat(parent, &st) != 0) {
    int err = errno;
    return err == ENOENT ? fail("cannot create ", dir, NULL, ": its parent does not exist", 0)
                         : fail("cannot create ", dir, NULL, NULL, err);
  }
  if (!S_ISDIR(st.st_mode))
    return fail("cannot create ", dir, NULL, ": its parent is not a directory", 0);
  sprintf(tmp, "%s/%s", parent, TMP_NAME);
  return mkdtemp(tmp) ? 0 : fail("cannot create ", dir, NULL, NULL, errno);
}

/* path is DIR without trailing slashes, parent its parent directory. */
static int init_new_at(const char *path, const char *parent, char *tmp, const char *dir,
                       const init_source *src) {
  struct stat st;
  if (lstat(path, &st) == 0) /* "file/": the file exists */
    return fail("", dir, NULL, " exists and is not a directory", 0);
  int code = make_sibling(parent, tmp, dir);
  if (code) return code;
  code = fill_and_rename(tmp, path, dir, src);
  if (code) {
    rmdir(tmp);
    return code;
  }
  sync_dir(parent);
  return 0;
}

static int init_new(const char *dir, const init_source *src) {
  /* path: DIR without trailing slashes ("new/" names "new"); parent: all before its last
   * slash, "/" for "/new", "." for "new". */
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/')
    n--;
  char *path = strndup(dir, n);
  char *parent = path ? strdup(path) : NULL;
  char *tmp = parent ? malloc(n + sizeof "/" TMP_NAME) : NULL;
  int code = CS_EXIT_INTERNAL;
  if (!tmp) {
    fputs("careshift init: out of memory\n", stderr);
  } else {
    char *slash = strrchr(parent, '/');
    if (!slash)
      strcpy(parent, ".");
    else if (slash == parent)
      parent[1] = '\0'; /* "/new": the root */
    else
      *slash = '\0';
    code = init_new_at(path, parent, tmp, dir, src);
  }
  free(tmp);
  free(parent);
  free(path);
  return code;
}

/* ---- an existing empty DIR: filled through a private subdirectory ---- */

/* 1 when the directory holds no entry at all (hidden ones count), 0 when it holds one, -1 on
 * error (errno). */
static int is_empty(int dfd) {
  int fd = dup(dfd);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (!d) {
    if (fd >= 0) close(fd);
    return -1;
  }
  struct dirent *e;
  int empty = 1;
  errno = 0;
  while (empty && (e = readdir(d)))
    empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
  int err = errno;
  closedir(d);
  errno = err;
  return empty && err ? -1 : empty;
}

/* Moves sfd/NAME to dfd/NAME, never over an entry that appeared there meanwhile. */
static int move_new(int sfd, int dfd, const char *name) {
  if (renameat2(sfd, name, dfd, name, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  /* A file system without RENAME_NOREPLACE: a hard link never replaces either. */
  if (linkat(sfd, name, dfd, name, 0) != 0) return -1;
  unlinkat(sfd, name, 0);
  return 0;
}

/* Moves every file from the private subdirectory sfd into dfd; on failure takes the moved
 * ones out again (they are ours: a move never replaces) and removes the rest. */
static int move_all(int sfd, int dfd, const init_source *src, const char *dir) {
  for (size_t i = 0; i < src->nfiles; i++) {
    if (move_new(sfd, dfd, src->files[i].name) == 0) continue;
    int err = errno;
    remove_files(dfd, src, i);
    remove_files(sfd, src, src->nfiles);
    return fail("cannot write ", dir, src->files[i].name, NULL, err);
  }
  return fsync(dfd) ? fail("cannot write ", dir, NULL, NULL, errno) : 0;
}

static int fill_existing(int dfd, const char *dir, const init_source *src) {
  /* DIR was just found empty, so a name with our pid is free; while it is there DIR is not
   * empty, which keeps a second init out. */
  char sub[48];
  snprintf(sub, sizeof sub, ".careshift-init-%ld", (long)getpid());
  if (mkdirat(dfd, sub, 0700) != 0) return fail("cannot write into ", dir, NULL, NULL, errno);
  int sfd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int code =
      sfd < 0 ? fail("cannot write into ", dir, NULL, NULL, errno) : write_all(sfd, src, dir);
  if (!code) code = move_all(sfd, dfd, src, dir);
  if (sfd >= 0) close(sfd);
  unlinkat(dfd, sub, AT_REMOVEDIR);
  return code;
}

static int init_existing(const char *dir, const init_source *src) {
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOTDIR ? fail("", dir, NULL, " exists and is not a directory", 0)
                            : fail("cannot open ", dir, NULL, NULL, errno);
  int empty = is_empty(dfd);
  int code;
  if (empty < 0)
    code = fail("cannot read ", dir, NULL, NULL, errno);
  else if (!empty)
    code = fail("", dir, NULL,
                " is not empty: init writes only into a new or an empty directory (nothing "
                "was changed)",
                0);
  else
    code = fill_existing(dfd, dir, src);
  close(dfd);
  return code;
}

/* ---- the command ---- */

static void print_done(const char *dir, const init_source *src) {
  size_t ncsv = 0;
  for (size_t i = 0; i < src->nfiles; i++) {
    const char *dot = strrchr(src->files[i].name, '.');
    ncsv += dot && !strcmp(dot, ".csv");
  }
  const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
  fputs("wrote ", stdout);
  cs_cli_put_safe(stdout, dir);
  printf("%s: plan.yaml, README.md and %zu tables: %s (careshift %s)\n", sep, ncsv, src->what,
         CS_VERSION);
  fputs("next: edit ", stdout);
  put_shell_word(stdout, dir);
  printf("%splan.yaml (its header says what to change first), then\n  careshift check ", sep);
  put_shell_word(stdout, dir);
  printf("%splan.yaml\n  careshift run ", sep);
  put_shell_word(stdout, dir);
  printf("%splan.yaml --out ", sep);
  put_shell_word(stdout, dir);
  printf("%sout\n", sep);
}

int cs_cmd_init(int argc, char **argv) {
  const char *dir = NULL;
  const init_source *src = NULL;
  int code = parse(argc, argv, &dir, &src);
  if (code) return code < 0 ? CS_EXIT_OK : code;
  /* Ctrl-C, SIGTERM and a closed terminal wait until DIR is whole or as it was. */
  sigset_t hold, old;
  sigemptyset(&hold);
  sigaddset(&hold, SIGINT);
  sigaddset(&hold, SIGTERM);
  sigaddset(&hold, SIGHUP);
  sigprocmask(SIG_BLOCK, &hold, &old);
  struct stat st;
  if (lstat(dir, &st) == 0)
    code = init_existing(dir, src);
  else if (errno == ENOENT || errno == ENOTDIR) /* ENOTDIR: init_new names the parent */
    code = init_new(dir, src);
  else
    code = fail("cannot read ", dir, NULL, NULL, errno);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (!code) print_done(dir, src);
  return code;
}
