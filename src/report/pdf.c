/* pdf.c: report.pdf, report.html printed by Debian's headless Chromium.
 *
 * Chromium is another program and a large one, so it is kept at arm's length: started without
 * a shell (posix_spawn) in its own process group, with a private profile, HOME and output
 * folder under $TMPDIR that are removed afterwards, and killed with its whole group when it
 * overruns its time, so a browser that hangs never hangs careshift. Its PDF is checked, then
 * copied into the run directory under a temporary name, synced and renamed, under the
 * directory's lock (cs_outdir_add), which lists report.pdf in the manifest as report.html is. */
#define _GNU_SOURCE /* environ, nftw */
#include "report.h"
#include "io/io.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The page prints in seconds; the limit is for a browser that hangs. */
#define PDF_TIMEOUT_S 120
#define PDF_TIMEOUT_MAX 3600
/* Chromium's virtual time for the page's scripts: the charts render before it prints. */
#define PDF_VIRTUAL_MS "30000"
#define PDF_MIN_BYTES 1024         /* an empty A4 page is larger than this */
#define PDF_MAX_BYTES (256L << 20) /* far above any report; more is not a print of it */
#define PDF_LOG_LINES 5            /* Chromium's last lines shown when it fails */

/* One print: the paths it needs (about 30 kB, so on the heap, one allocation). */
typedef struct {
  char exe[4096];    /* the Chromium to start */
  char work[4096];   /* the private folder: profile, HOME, log and the PDF as printed */
  char path[4160];   /* a file or folder in work (scratch) */
  char env[3][4200]; /* HOME=work and the XDG folders, for Chromium's environment */
  char arg[2][4200]; /* --user-data-dir=..., --print-to-pdf=... */
  int timeout;       /* seconds */
  const volatile sig_atomic_t *cancel;
} pdf_job;

/* ---- finding Chromium ---- */
static int is_program(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name in one of PATH's folders, into out. */
static int on_path(const char *name, char *out, size_t n) {
  const char *p = getenv("PATH");
  while (p && *p) {
    size_t k = strcspn(p, ":");
    if (k > 0 && (size_t)snprintf(out, n, "%.*s/%s", (int)k, p, name) < n && is_program(out))
      return 1;
    p += k + (p[k] == ':');
  }
  return 0;
}

/* CARESHIFT_CHROMIUM when set (a path, or a name looked up on PATH; when it names nothing
 * runnable there is no fallback: the user asked for that browser), else Debian's
 * /usr/bin/chromium, else chromium on PATH. */
static int find_chromium(char *out, size_t n, const char *dir, cs_diags *d) {
  const char *env = getenv("CARESHIFT_CHROMIUM");
  if (env && *env) {
    if (strchr(env, '/') ? (size_t)snprintf(out, n, "%s", env) < n && is_program(out)
                         : on_path(env, out, n))
      return 1;
    cs_diags_add(d, dir, 0, 0,
                 "headless Chromium not found (CARESHIFT_CHROMIUM '%s' is not a program; "
                 "install Debian's chromium or set CARESHIFT_CHROMIUM)",
                 env);
    return 0;
  }
  if ((size_t)snprintf(out, n, "/usr/bin/chromium") < n && is_program(out)) return 1;
  if (on_path("chromium", out, n)) return 1;
  cs_diags_add(d, dir, 0, 0,
               "headless Chromium not found (install Debian's chromium or set "
               "CARESHIFT_CHROMIUM)");
  return 0;
}

/* CARESHIFT_PDF_TIMEOUT, whole seconds from 1 to 3600; anything else means the default. */
static int pdf_timeout(void) {
  const char *s = getenv("CARESHIFT_PDF_TIMEOUT");
  char *end;
  errno = 0;
  long v = s && *s ? strtol(s, &end, 10) : 0;
  return !s || !*s || errno || *end || v < 1 || v > PDF_TIMEOUT_MAX ? PDF_TIMEOUT_S : (int)v;
}

/* ---- the private folder ---- */
static cs_status make_work(pdf_job *j, cs_diags *d) {
  const char *tmp = getenv("TMPDIR");
  if (!tmp || *tmp != '/') tmp = "/tmp";
  if ((size_t)snprintf(j->work, sizeof j->work, "%s/careshift-pdf-XXXXXX", tmp) < sizeof j->work &&
      mkdtemp(j->work))
    return CS_OK;
  cs_diags_add(d, tmp, 0, 0, "cannot make a folder for printing: %s", strerror(errno));
  j->work[0] = '\0';
  return CS_EIO;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f) {
  (void)st, (void)type, (void)f;
  remove(path);
  return 0; /* go on: remove what can be removed */
}

/* Chromium's profile is a tree of folders; FTW_PHYS: a symlink in it is removed, not
 * followed. */
static void remove_work(pdf_job *j) {
  if (j->work[0]) nftw(j->work, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  j->work[0] = '\0';
}

/* j->path = work/name */
static const char *in_work(pdf_job *j, const char *name) {
  snprintf(j->path, sizeof j->path, "%s/%s", j->work, name);
  return j->path;
}

/* ---- the page's address ---- */
/* file:// and the absolute path, every byte outside RFC 3986's unreserved set and '/'
 * percent-encoded (a space, '#' or '%' in a folder's name would otherwise change the URL). */
static char *file_url(const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  char *url = cs_malloc(strlen(path) * 3 + 8);
  if (!url) return NULL;
  char *o = url + sprintf(url, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p)) {
      *o++ = (char)*p;
    } else {
      *o++ = '%';
      *o++ = hex[*p >> 4];
      *o++ = hex[*p & 15];
    }
  }
  *o = '\0';
  return url;
}

/* The URL of dir/report.html, which must be there: a run that could not write it (no chart
 * scripts) has nothing to print. */
static cs_status page_url(const char *dir, char **url, cs_diags *d) {
  char *fin = NULL, *tmp = NULL;
  if (cs_out_paths(dir, "report.html", &fin, &tmp) != CS_OK) return CS_ENOMEM;
  struct stat st;
  int e = stat(fin, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : EISDIR;
  char *real = e ? NULL : realpath(fin, NULL);
  if (!e && !real) e = errno;
  cs_status s = CS_OK;
  if (!real) {
    cs_diags_add(d, fin, 0, 0, "cannot print: %s (write it first: careshift report DIR)",
                 e == EISDIR ? "not a file" : strerror(e));
    s = e == ENOMEM ? CS_ENOMEM : CS_EIO;
  } else if (!(*url = file_url(real))) {
    s = CS_ENOMEM;
  }
  free(real); /* libc's memory */
  cs_free(fin);
  cs_free(tmp);
  return s;
}

/* ---- running Chromium ---- */
/* environ with HOME and the XDG folders in the private folder: Chromium writes crash reports
 * and caches there, never into the user's home. Entries point into environ and j. */
static const char **child_env(pdf_job *j) {
  static const char *const names[] = {"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"};
  size_t n = 0, k = 0;
  while (environ && environ[n])
    n++;
  const char **env = cs_malloc((n + 4) * sizeof *env);
  if (!env) return NULL;
  for (size_t i = 0; i < n; i++) {
    int ours = 0;
    for (size_t m = 0; m < 3; m++) {
      size_t len = strlen(names[m]);
      ours |= !strncmp(environ[i], names[m], len) && environ[i][len] == '=';
    }
    if (!ours) env[k++] = environ[i];
  }
  for (size_t m = 0; m < 3; m++) {
    snprintf(j->env[m], sizeof j->env[m], "%s=%s", names[m], j->work);
    env[k++] = j->env[m];
  }
  env[k] = NULL;
  return env;
}

/* The command line: no header or footer, a private profile, the print into the private
 * folder. Chromium refuses to run as root with its sandbox, so only root goes without. */
static void make_argv(pdf_job *j, const char *url, const char **argv) {
  int n = 0;
  argv[n++] = j->exe;
  argv[n++] = "--headless";
  argv[n++] = "--disable-gpu";
  if (geteuid() == 0) argv[n++] = "--no-sandbox";
  argv[n++] = "--disable-dev-shm-usage"; /* a container's /dev/shm is often too small */
  argv[n++] = "--disable-extensions";
  argv[n++] = "--no-first-run";
  argv[n++] = "--no-default-browser-check";
  argv[n++] = "--mute-audio";
  argv[n++] = "--hide-scrollbars";
  argv[n++] = "--run-all-compositor-stages-before-draw";
  argv[n++] = "--virtual-time-budget=" PDF_VIRTUAL_MS;
  argv[n++] = "--no-pdf-header-footer";
  argv[n++] = "--generate-pdf-document-outline"; /* the sections as the PDF's bookmarks */
  snprintf(j->arg[0], sizeof j->arg[0], "--user-data-dir=%s/profile", j->work);
  snprintf(j->arg[1], sizeof j->arg[1], "--print-to-pdf=%s/report.pdf", j->work);
  argv[n++] = j->arg[0];
  argv[n++] = j->arg[1];
  argv[n++] = url;
  argv[n] = NULL;
}

/* stdin from /dev/null, stdout and stderr into the log; its own process group, so that the
 * whole browser (it starts several processes) can be killed at once; default signal
 * handling, whatever careshift ignores or catches. */
static int spawn_setup(pdf_job *j, posix_spawn_file_actions_t *fa, posix_spawnattr_t *at) {
  sigset_t none, def;
  sigemptyset(&none);
  sigemptyset(&def);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGHUP);
  sigaddset(&def, SIGPIPE);
  sigaddset(&def, SIGCHLD);
  int e = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
  if (!e)
    e = posix_spawn_file_actions_addopen(fa, 1, in_work(j, "chromium.log"),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!e) e = posix_spawn_file_actions_adddup2(fa, 1, 2);
  if (!e) e = posix_spawnattr_setpgroup(at, 0);
  if (!e) e = posix_spawnattr_setsigmask(at, &none);
  if (!e) e = posix_spawnattr_setsigdefault(at, &def);
  if (!e)
    e = posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                         POSIX_SPAWN_SETSIGDEF);
  return e;
}

static cs_status start(pdf_job *j, const char *url, pid_t *pid, cs_diags *d) {
  const char *argv[24];
  const char **env = child_env(j);
  if (!env) return CS_ENOMEM;
  make_argv(j, url, argv);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  int e = posix_spawn_file_actions_init(&fa);
  if (!e && (e = posix_spawnattr_init(&at)) != 0) posix_spawn_file_actions_destroy(&fa);
  if (!e) {
    e = spawn_setup(j, &fa, &at);
    /* posix_spawn's argv and envp are char *const[] for historical reasons; not written */
    if (!e) e = posix_spawn(pid, j->exe, &fa, &at, (char *const *)argv, (char *const *)env);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
  }
  cs_free(env);
  if (!e) return CS_OK;
  cs_diags_add(d, j->exe, 0, 0, "cannot start headless Chromium: %s", strerror(e));
  return e == ENOMEM ? CS_ENOMEM : CS_EIO;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Whether pid has ended, without reaping it: while it is a zombie its number, and so its
 * process group's, cannot be reused, so killing the group afterwards kills only its own.
 * ECHILD: a program that ignores SIGCHLD has its children reaped for it; it has ended. */
static int has_ended(pid_t pid) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
  return info.si_pid == pid;
}

/* Waits for Chromium until it ends, overruns the timeout or the caller cancels; then kills
 * what is left of its process group (helpers it started) and reaps it. *status is its wait
 * status; CS_EIO on a timeout, CS_ECANCELED when canceled. */
static cs_status finish(const pdf_job *j, pid_t pid, int *status, cs_diags *d) {
  double end = now() + j->timeout;
  cs_status st = CS_OK;
  while (!has_ended(pid)) {
    if (j->cancel && *j->cancel) {
      st = CS_ECANCELED;
      break;
    }
    if (now() > end) {
      cs_diags_add(d, j->exe, 0, 0,
                   "headless Chromium did not finish printing within %d s; it was stopped "
                   "(CARESHIFT_PDF_TIMEOUT sets the limit in seconds)",
                   j->timeout);
      st = CS_EIO;
      break;
    }
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL); /* 20 ms; EINTR just polls */
  }
  kill(-pid, SIGKILL);
  while (waitpid(pid, status, 0) < 0 && errno == EINTR)
    ;
  return st;
}

/* Chromium's last lines (its log also holds harmless D-Bus complaints of a machine without
 * a desktop; they are left out), one diagnostic each. */
static void show_log(pdf_job *j, cs_diags *d) {
  char buf[4096], *lines[64];
  FILE *f = fopen(in_work(j, "chromium.log"), "r");
  if (!f) return;
  long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : 0;
  fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
  size_t n = fread(buf, 1, sizeof buf - 1, f), k = 0;
  fclose(f);
  buf[n] = '\0';
  char *save = NULL;
  for (char *s = strtok_r(buf, "\n", &save); s && k < 64; s = strtok_r(NULL, "\n", &save))
    if (!strstr(s, "dbus") && !strstr(s, "DBus")) lines[k++] = s;
  for (size_t i = k > PDF_LOG_LINES ? k - PDF_LOG_LINES : 0; i < k; i++)
    cs_diags_add(d, j->exe, 0, 0, "said: %.300s", lines[i]);
}

/* ---- the result ---- */
/* A PDF starts with its header and ends with %%EOF and a line end or two: Chromium that
 * failed, or a program that is not Chromium, leaves no file, an empty one or something else. */
static const char *not_pdf(const char *s, long n) {
  if (n < 0) return "no file";
  if (n < PDF_MIN_BYTES) return "too small";
  if (n > PDF_MAX_BYTES) return "too large";
  if (!s) return "cannot read it"; /* a size that fits, but the file could not be rewound */
  if (memcmp(s, "%PDF-", 5)) return "no PDF header";
  if (!memmem(s + n - 32, 32, "%%EOF", 5)) return "cut short";
  return NULL;
}

/* The printed file in memory, when it is a PDF of some size. */
static cs_status read_pdf(pdf_job *j, char **pdf, size_t *len, cs_diags *d) {
  FILE *f = fopen(in_work(j, "report.pdf"), "rb");
  long n = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  int fits = n >= PDF_MIN_BYTES && n <= PDF_MAX_BYTES && fseek(f, 0, SEEK_SET) == 0;
  char *s = fits ? cs_malloc((size_t)n) : NULL;
  int ok = s && fread(s, 1, (size_t)n, f) == (size_t)n;
  if (f) fclose(f);
  if (fits && !s) return CS_ENOMEM;
  const char *why = ok ? not_pdf(s, n) : fits ? "cannot read it" : not_pdf(NULL, n);
  if (!why) {
    *pdf = s;
    *len = (size_t)n;
    return CS_OK;
  }
  cs_diags_add(d, j->exe, 0, 0, "headless Chromium made no usable PDF (%s)", why);
  cs_free(s);
  return CS_EIO;
}

/* The PDF into dir/report.pdf: a temporary name, synced, then renamed over the old one. */
static cs_status put_pdf(const char *dir, const char *s, size_t len, cs_diags *d) {
  char *fin = NULL, *tmp = NULL;
  if (cs_out_paths(dir, "report.pdf", &fin, &tmp) != CS_OK) return CS_ENOMEM;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  int err = fd < 0 ? errno : 0; /* of the call that failed, before cleanup changes errno */
  for (size_t off = 0; !err && off < len;) {
    ssize_t w = write(fd, s + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) err = w < 0 ? errno : ENOSPC;
    off += err ? 0 : (size_t)w;
  }
  if (!err && fsync(fd) != 0) err = errno;
  if (fd >= 0 && close(fd) != 0 && !err) err = errno;
  int bad = err != 0;
  if (bad) cs_diags_add(d, fin, 0, 0, "cannot write: %s", strerror(err));
  cs_status st = fd < 0 ? CS_EIO : cs_out_finish(tmp, fin, !bad, d);
  cs_free(fin);
  cs_free(tmp);
  return bad ? CS_EIO : st;
}

/* Prints the page and checks the result; the private folder is made and removed here. */
static cs_status print_page(pdf_job *j, const char *url, char **pdf, size_t *len, cs_diags *d) {
  cs_status st = make_work(j, d);
  pid_t pid = 0;
  int status = 0;
  if (st == CS_OK) st = start(j, url, &pid, d);
  if (st == CS_OK) st = finish(j, pid, &status, d);
  if (st == CS_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    if (WIFSIGNALED(status))
      cs_diags_add(d, j->exe, 0, 0, "headless Chromium was ended by signal %d", WTERMSIG(status));
    else
      cs_diags_add(d, j->exe, 0, 0, "headless Chromium failed (exit status %d)",
                   WEXITSTATUS(status));
    st = CS_EIO;
  }
  if (st == CS_OK) st = read_pdf(j, pdf, len, d);
  if (st == CS_EIO && pid > 0) show_log(j, d);
  remove_work(j);
  return st;
}

/* cs_outdir_fn: writes dir/report.pdf from dir/report.html (ctx: the pdf_job). */
static cs_status write_pdf(const char *dir, void *ctx, cs_diags *d) {
  pdf_job *j = ctx;
  char *url = NULL, *pdf = NULL;
  size_t len = 0;
  cs_status st = page_url(dir, &url, d);
  if (st == CS_OK) st = print_page(j, url, &pdf, &len, d);
  if (st == CS_OK) st = put_pdf(dir, pdf, len, d);
  cs_free(url);
  cs_free(pdf);
  return st;
}

cs_status cs_report_pdf(const char *run_dir, const volatile sig_atomic_t *cancel, int *made,
                        cs_diags *d) {
  *made = 0;
  pdf_job *j = cs_calloc(1, sizeof *j);
  if (!j) return CS_ENOMEM;
  cs_status st = CS_OK;
  if (find_chromium(j->exe, sizeof j->exe, run_dir, d)) { /* else a note, not an error */
    j->timeout = pdf_timeout();
    j->cancel = cancel;
    st = cs_outdir_add(run_dir, "report.pdf", write_pdf, j, d);
    *made = st == CS_OK;
  }
  cs_free(j);
  return st;
}
