/* outdir.c: an output directory that never loses anything.
 *
 *  - Checked and locked before anything is computed (cs_outdir_open): the directory must be
 *    new, empty, or hold only what an earlier careshift run wrote (its manifest says which
 *    files); anything else (a plan's own folder, say) is refused, so a run never writes over
 *    or deletes a file it did not write. flock on the directory keeps a second run out.
 *  - A run is written whole into a private sibling directory (.NAME.careshift-XXXXXX, mode
 *    0700 until done, so nobody can plant a file in it) and swapped in with one atomic
 *    renameat2(RENAME_EXCHANGE): readers see the old run or the new one, never a mix.
 *  - The old run, now under the private name, is removed file by file from its manifest.
 *    Private directories an interrupted run left behind are removed by the next run. */
#define _GNU_SOURCE /* renameat2 */
#include "io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST ".careshift-manifest"
#define TMP_TAG ".careshift-"

struct cs_outdir {
  char *dir;           /* as the user gave it, for messages */
  char *parent;        /* the real path of its parent directory */
  char *base;          /* its last component */
  char *tmp;           /* the private sibling for the next run: ".BASE.careshift-XXXXXX" */
  int dfd;             /* the directory, locked */
  int committed;       /* the new run is in place */
  int locked;          /* this open holds the lock on the directory */
  int used;            /* a commit was tried: the private directory is written no more */
  cs_outdir_fn *extra; /* writes more of the run into the private directory at commit */
  void *extra_ctx;
  size_t created; /* > 0: this open made the directories of dir[0..created) and below it;
                     a run that fails removes them again (when empty) */
  mode_t mode;    /* the directory's permissions and owner, given to the new run */
  uid_t uid;
  gid_t gid;
};

/* ---- which files are careshift's ---- */
static int is_output_name(const char *name) {
  static const char *const fixed[] = {"results.db",  "business_case.xlsx", "run.log",
                                      "report.html", "report.pdf",         MANIFEST};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    if (!strcmp(name, fixed[i])) return 1;
  size_t n = strlen(name);
  for (size_t i = 0; i < cs_tabledef_count(); i++) {
    const char *t = cs_tabledef_get(i)->name;
    size_t k = strlen(t);
    if (n == k + 4 && !strncmp(name, t, k) && !strcmp(name + k, ".csv")) return 1;
  }
  return 0;
}

/* A sink's temporary file: an output name followed by ".tmp.PID". */
static int is_temp_name(const char *name) {
  const char *t = strstr(name, ".tmp.");
  if (!t || !t[5]) return 0;
  for (const char *p = t + 5; *p; p++)
    if (*p < '0' || *p > '9') return 0;
  char stem[NAME_MAX + 1];
  size_t k = (size_t)(t - name);
  if (k > NAME_MAX) return 0;
  memcpy(stem, name, k);
  stem[k] = '\0';
  return is_output_name(stem);
}

/* A manifest lists a few dozen names; a longer one is not careshift's, and the names past
 * this size then count as foreign (the safe direction: nothing is deleted for them). */
#define MANIFEST_MAX 8192
typedef char manifest_buf[MANIFEST_MAX + 1];

/* Opens a regular file of dfd for reading, or fails: never blocks on a FIFO planted under a
 * careshift name, never follows a symlink. */
static int open_regular(int dfd, const char *name) {
  int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    close(fd);
    fd = -1;
  }
  return fd;
}

/* A regular file (not a directory, FIFO or symlink under a careshift name)? */
static int is_regular(int dfd, const char *name) {
  struct stat st;
  return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* The names the manifest in dfd lists, as NUL-separated lines in buf (NULL when there is no
 * manifest). No allocation: removing an old run must not fail for want of memory. */
static const char *read_manifest(int dfd, manifest_buf buf, size_t *len) {
  int fd = open_regular(dfd, MANIFEST);
  if (fd < 0) return NULL;
  ssize_t n = read(fd, buf, MANIFEST_MAX);
  close(fd);
  if (n < 0) return NULL;
  *len = (size_t)n;
  buf[*len] = '\0';
  for (size_t i = 0; i < *len; i++)
    if (buf[i] == '\n') buf[i] = '\0';
  return buf;
}

static int in_manifest(const char *m, size_t len, const char *name) {
  for (size_t i = 0; m && i < len; i += strlen(m + i) + 1)
    if (!strcmp(m + i, name)) return 1;
  return 0;
}

/* A file is careshift's when the manifest lists it or, in a directory of careshift 0.1 (no
 * manifest, but a run.log), when it has an output's name; or when it is the temporary file of
 * a killed careshift 0.1 run (NAME.tmp.PID) in such a directory. */
static int is_ours(const char *m, size_t len, int legacy, const char *name) {
  if (!strcmp(name, MANIFEST)) return m != NULL;
  return in_manifest(m, len, name) || (legacy && is_output_name(name)) ||
         ((m || legacy) && is_temp_name(name));
}

static int legacy_run(int dfd) {
  char head[6] = {0};
  int fd = open_regular(dfd, "run.log");
  if (fd < 0) return 0;
  ssize_t n = read(fd, head, 5);
  close(fd);
  return n == 5 && !memcmp(head, "plan:", 5);
}

/* Refuses a directory that holds anything careshift did not write, naming a few of them. */
static cs_status check_contents(cs_outdir *o, cs_diags *d) {
  size_t len = 0;
  manifest_buf buf;
  const char *m = read_manifest(o->dfd, buf, &len);
  int legacy = !m && legacy_run(o->dfd), fd = dup(o->dfd), bad = 0;
  DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
  if (!dp) {
    if (fd >= 0) close(fd);
    cs_diags_add(d, o->dir, 0, 0, "cannot read the output directory: %s", strerror(errno));
    return CS_EIO;
  }
  char names[256] = "";
  struct dirent *e;
  while ((e = readdir(dp))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
        (is_ours(m, len, legacy, e->d_name) && is_regular(o->dfd, e->d_name)))
      continue;
    if (bad++ < 4 && strlen(names) + strlen(e->d_name) + 8 < sizeof names)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'", bad > 1 ? ", " : "",
               e->d_name);
  }
  closedir(dp);
  if (!bad) return CS_OK;
  cs_diags_add(d, o->dir, 0, 0,
               "holds %d file%s careshift did not write (%s%s); a run never writes over or "
               "deletes them (expected a new or empty directory, or one a careshift run wrote)",
               bad, bad == 1 ? "" : "s", names, bad > 4 ? ", ..." : "");
  return CS_EIO;
}

/* ---- removing a run directory: only careshift's files, then the directory if empty ---- */
static void remove_run_dir(int pfd, const char *name) {
  int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  size_t len = 0;
  manifest_buf buf;
  const char *m = read_manifest(fd, buf, &len);
  int legacy = !m && legacy_run(fd);
  DIR *dp = fdopendir(fd);
  if (!dp) {
    close(fd);
    return;
  }
  struct dirent *e;
  while ((e = readdir(dp)))
    if (strcmp(e->d_name, MANIFEST) && is_regular(dirfd(dp), e->d_name) &&
        (is_ours(m, len, legacy, e->d_name) || is_output_name(e->d_name) ||
         is_temp_name(e->d_name)))
      unlinkat(dirfd(dp), e->d_name, 0);
  unlinkat(dirfd(dp), MANIFEST, 0); /* last: until the files are gone it says what they are */
  closedir(dp);
  unlinkat(pfd, name, AT_REMOVEDIR); /* fails, and keeps it, when anything else is inside */
}

/* Private directories of runs that were killed (we hold the lock: nobody writes them now). */
static void remove_stale(const cs_outdir *o, int pfd) {
  int fd = dup(pfd);
  DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
  if (!dp) {
    if (fd >= 0) close(fd);
    return;
  }
  size_t k = strlen(o->base);
  struct dirent *e;
  while ((e = readdir(dp)))
    if (e->d_name[0] == '.' && !strncmp(e->d_name + 1, o->base, k) &&
        !strncmp(e->d_name + 1 + k, TMP_TAG, strlen(TMP_TAG)) &&
        strlen(e->d_name + 1 + k + strlen(TMP_TAG)) == 6)
      remove_run_dir(pfd, e->d_name);
  closedir(dp);
}

/* ---- opening ---- */
static cs_status split_path(cs_outdir *o, cs_diags *d) {
  char *real = realpath(o->dir, NULL); /* libc's memory */
  if (!real) {
    cs_diags_add(d, o->dir, 0, 0, "cannot resolve the output directory: %s", strerror(errno));
    return CS_EIO;
  }
  char *slash = strrchr(real, '/');
  if (!slash || !slash[1]) {
    free(real);
    cs_diags_add(d, o->dir, 0, 0, "the root directory cannot be an output directory");
    return CS_EIO;
  }
  o->base = cs_strdup(slash + 1);
  *slash = '\0';
  o->parent = cs_strdup(slash == real ? "/" : real);
  free(real);
  return o->base && o->parent ? CS_OK : CS_ENOMEM;
}

/* Locks the directory now at the path; retries when another run swapped it meanwhile. */
static cs_status lock_dir(cs_outdir *o, cs_diags *d) {
  for (int tries = 0; tries < 20; tries++) {
    char *path = NULL;
    if (cs_out_paths(o->parent, o->base, &path, &o->tmp) != CS_OK) return CS_ENOMEM;
    cs_free(o->tmp);
    o->tmp = NULL;
    o->dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (o->dfd < 0) {
      cs_free(path);
      break;
    }
    if (flock(o->dfd, LOCK_EX | LOCK_NB) != 0) {
      cs_free(path);
      cs_diags_add(d, o->dir, 0, 0,
                   "another careshift run is writing this directory; wait for "
                   "it to finish or choose another output directory");
      return CS_EIO;
    }
    struct stat a, b; /* after the lock: is it still the directory at the path? */
    int same = fstat(o->dfd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
               a.st_ino == b.st_ino;
    cs_free(path);
    if (same) {
      o->locked = 1;
      o->mode = a.st_mode & 07777;
      o->uid = a.st_uid;
      o->gid = a.st_gid;
      return CS_OK;
    }
    close(o->dfd); /* a run swapped a new directory in meanwhile: lock that one */
    o->dfd = -1;
  }
  cs_diags_add(d, o->dir, 0, 0, "cannot lock the output directory: %s", strerror(errno));
  return CS_EIO;
}

/* The run is swapped in by renaming directories, which a mount point (a container volume,
 * say) cannot take part in: refuse before anything is computed. */
static cs_status check_swappable(const cs_outdir *o, cs_diags *d) {
  struct stat a, p;
  if (fstat(o->dfd, &a) != 0 || stat(o->parent, &p) != 0) {
    cs_diags_add(d, o->dir, 0, 0, "cannot inspect the output directory: %s", strerror(errno));
    return CS_EIO;
  }
  if (a.st_dev == p.st_dev) return CS_OK;
  cs_diags_add(d, o->dir, 0, 0,
               "is a mount point; careshift replaces a run directory in one "
               "rename, which a mount point cannot take (expected a directory inside it, e.g. "
               "%s/run)",
               o->dir);
  return CS_EIO;
}

/* Whether the path still names the directory this open locked: a user may have moved it
 * away and made a new one meanwhile, and that one must not be swapped out. */
static int still_ours(const cs_outdir *o, int pfd) {
  struct stat a, b;
  return fstat(o->dfd, &a) == 0 && fstatat(pfd, o->base, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Removes the directories this open created, deepest first, as far as they are empty. */
static void remove_created(const cs_outdir *o) {
  if (!o->created || !o->dir) return;
  char *p = cs_strdup(o->dir);
  if (!p) return;
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/')
    n--; /* "a/b/" names a/b */
  while (n >= o->created) {
    p[n] = '\0';
    if (rmdir(p) != 0) break;
    while (n > 0 && p[n - 1] != '/')
      n--; /* up to the parent */
    while (n > 1 && p[n - 1] == '/')
      n--;
    if (n == 0) break;
  }
  cs_free(p);
}

/* The private sibling the run is written into. */
static cs_status make_private(cs_outdir *o, cs_diags *d) {
  size_t n = strlen(o->parent) + strlen(o->base) + strlen(TMP_TAG) + 10;
  o->tmp = cs_malloc(n);
  if (!o->tmp) return CS_ENOMEM;
  snprintf(o->tmp, n, "%s/.%s" TMP_TAG "XXXXXX", o->parent, o->base);
  if (mkdtemp(o->tmp)) return CS_OK;
  cs_diags_add(d, o->dir, 0, 0, "cannot write beside the output directory (in %s): %s", o->parent,
               strerror(errno));
  cs_free(o->tmp);
  o->tmp = NULL;
  return CS_EIO;
}

cs_status cs_outdir_open(const char *dir, cs_outdir **out, cs_diags *d) {
  *out = NULL;
  cs_outdir *o = cs_calloc(1, sizeof *o);
  if (!o) return CS_ENOMEM;
  o->dfd = -1;
  cs_status st = (o->dir = cs_strdup(dir ? dir : "")) ? CS_OK : CS_ENOMEM;
  if (st == CS_OK) st = cs_mkdir_p(o->dir, &o->created, d);
  if (st == CS_OK) st = split_path(o, d);
  if (st == CS_OK) st = lock_dir(o, d);
  if (st == CS_OK) st = check_swappable(o, d);
  if (st == CS_OK) st = check_contents(o, d);
  if (st == CS_OK) {
    int pfd = open(o->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) remove_stale(o, pfd), close(pfd);
    st = make_private(o, d);
  }
  if (st != CS_OK) {
    cs_outdir_close(o);
    return st;
  }
  *out = o;
  return CS_OK;
}

const char *cs_outdir_private(const cs_outdir *o) { return o->used ? NULL : o->tmp; }
const char *cs_outdir_shown(const cs_outdir *o) { return o->dir; }

/* ---- committing ---- */
/* The new run gets the old directory's owner and group where we may (as root); otherwise at
 * least its group, and failing that it is ours, as its files are: not an error. */
static void keep_owner(const cs_outdir *o) {
  if (chown(o->tmp, o->uid, o->gid) == 0) return;
  if (chown(o->tmp, (uid_t)-1, o->gid) == 0) return;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The output files in dp, sorted (the manifest is the same bytes for the same run). */
static void write_names(DIR *dp, FILE *f) {
  char names[64][NAME_MAX + 1];
  const char *sorted[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dp)) && n < 64)
    if (is_output_name(e->d_name) && strcmp(e->d_name, MANIFEST)) {
      snprintf(names[n], sizeof names[n], "%s", e->d_name);
      sorted[n] = names[n];
      n++;
    }
  qsort(sorted, n, sizeof *sorted, by_name);
  for (size_t i = 0; i < n; i++)
    fprintf(f, "%s\n", sorted[i]);
}

static cs_status write_manifest(const cs_outdir *o, cs_diags *d) {
  int fd = open(o->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
  char *fin = NULL, *tmp = NULL;
  cs_status st = dp ? cs_out_paths(o->tmp, MANIFEST, &fin, &tmp) : CS_EIO;
  FILE *f = st == CS_OK ? fopen(tmp, "wx") : NULL; /* the private directory: no one else */
  if (f) {
    write_names(dp, f);
    int bad = ferror(f) | fflush(f) | fsync(fileno(f));
    bad |= fclose(f);
    st = bad ? CS_EIO : cs_out_finish(tmp, fin, 1, d);
  } else if (st == CS_OK) {
    st = CS_EIO;
  }
  if (st == CS_EIO && !cs_diags_count(d))
    cs_diags_add(d, o->dir, 0, 0, "cannot write the manifest: %s", strerror(errno));
  if (dp)
    closedir(dp);
  else if (fd >= 0)
    close(fd);
  cs_free(fin);
  cs_free(tmp);
  return st;
}

/* One atomic step: the private directory becomes the output directory and the old run goes to
 * the private name. Without renameat2 (an old kernel or a file system that lacks it) the old
 * directory, holding only careshift's files, is removed first: a short window without outputs,
 * never a mix of two runs. */
static cs_status swap_in(cs_outdir *o, int pfd, const char *tmpname, cs_diags *d) {
  if (!still_ours(o, pfd)) {
    cs_diags_add(d, o->dir, 0, 0,
                 "was moved or replaced while the run was writing; nothing "
                 "was changed (run again to write the outputs)");
    return CS_EIO;
  }
  if (renameat2(pfd, tmpname, pfd, o->base, RENAME_EXCHANGE) == 0) return CS_OK;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    cs_diags_add(d, o->dir, 0, 0, "cannot put the new outputs in place: %s", strerror(errno));
    return CS_EIO;
  }
  remove_run_dir(pfd, o->base);
  if (renameat(pfd, tmpname, pfd, o->base) == 0) return CS_OK;
  cs_diags_add(d, o->dir, 0, 0, "cannot put the new outputs in place: %s", strerror(errno));
  return CS_EIO;
}

void cs_outdir_before_commit(cs_outdir *o, cs_outdir_fn *fn, void *ctx) {
  o->extra = fn;
  o->extra_ctx = ctx;
}

cs_status cs_outdir_commit(cs_outdir *o, cs_diags *d) {
  if (!o->tmp || o->used) return CS_EINTERNAL;
  /* before the manifest, so that it lists what the extra writer made (report.html) */
  cs_status st = o->extra ? o->extra(o->tmp, o->extra_ctx, d) : CS_OK;
  if (st == CS_OK) st = write_manifest(o, d);
  if (st == CS_OK && chmod(o->tmp, o->mode) != 0) {
    cs_diags_add(d, o->dir, 0, 0, "cannot set permissions: %s", strerror(errno));
    st = CS_EIO;
  }
  if (st == CS_OK) keep_owner(o);
  if (st == CS_OK) st = cs_sync_dir(o->tmp, d);
  int pfd = st == CS_OK ? open(o->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (st == CS_OK && pfd < 0) {
    cs_diags_add(d, o->parent, 0, 0, "cannot open: %s", strerror(errno));
    st = CS_EIO;
  }
  const char *tmpname = strrchr(o->tmp, '/') + 1;
  if (st == CS_OK) st = swap_in(o, pfd, tmpname, d);
  if (st == CS_OK && fsync(pfd) != 0) {
    cs_diags_add(d, o->parent, 0, 0, "cannot sync: %s", strerror(errno));
    st = CS_EIO;
  }
  if (pfd >= 0) close(pfd);
  o->used = 1; /* the private name now holds the old run, or the failed new one: close removes it */
  o->committed = st == CS_OK;
  return st;
}

void cs_outdir_close(cs_outdir *o) {
  if (!o) return;
  if (o->tmp) { /* the old run after a swap, or the new one that failed */
    int pfd = open(o->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) {
      remove_run_dir(pfd, strrchr(o->tmp, '/') + 1);
      close(pfd);
    }
  }
  /* directories this failed run made, when empty; only while it holds the lock: a run that
   * found another one writing must not remove the directory that run is about to swap */
  if (!o->committed && o->locked) remove_created(o);
  if (o->dfd >= 0) close(o->dfd); /* releases the lock */
  cs_free(o->tmp);
  cs_free(o->dir);
  cs_free(o->parent);
  cs_free(o->base);
  cs_free(o);
}

/* ---- adding a file to a run that is in place (`careshift report DIR`) ---- */
/* The manifest with name added, sorted as write_names sorts, under a temporary name first. */
static cs_status add_to_manifest(const char *dir, const char *m, size_t len, const char *name,
                                 cs_diags *d) {
  const char *sorted[MANIFEST_MAX / 2 + 1];
  size_t n = 0;
  for (size_t i = 0; m && i < len; i += strlen(m + i) + 1)
    if (m[i]) sorted[n++] = m + i;
  sorted[n++] = name;
  qsort(sorted, n, sizeof *sorted, by_name);
  char *fin = NULL, *tmp = NULL;
  cs_status st = cs_out_paths(dir, MANIFEST, &fin, &tmp);
  FILE *f = st == CS_OK ? fopen(tmp, "wx") : NULL;
  int err = errno; /* of the call that failed, before cleanup calls change it */
  if (f) {
    for (size_t i = 0; i < n; i++)
      fprintf(f, "%s\n", sorted[i]);
    int bad = ferror(f) | fflush(f) | fsync(fileno(f));
    err = errno;
    if (fclose(f) != 0 && !bad) bad = 1, err = errno;
    if (bad) unlink(tmp);
    st = bad ? CS_EIO : cs_out_finish(tmp, fin, 1, d);
  } else if (st == CS_OK) {
    st = CS_EIO;
  }
  if (st == CS_EIO && !cs_diags_count(d))
    cs_diags_add(d, dir, 0, 0, "cannot update the manifest: %s", strerror(err));
  cs_free(fin);
  cs_free(tmp);
  return st;
}

/* Under the run directory's lock, as a run would take it; CS_EINVAL when dir is not a run. */
static cs_status check_run_dir(const char *dir, int dfd, const char *m, size_t len,
                               const char *name, cs_diags *d) {
  if (flock(dfd, LOCK_EX | LOCK_NB) != 0) {
    cs_diags_add(d, dir, 0, 0,
                 "another careshift run is writing this directory; wait for it "
                 "to finish");
    return CS_EIO;
  }
  if (!m) {
    cs_diags_add(d, dir, 0, 0,
                 "is not a careshift run directory (it has no %s; expected the "
                 "--out directory of `careshift run`)",
                 MANIFEST);
    return CS_EINVAL;
  }
  struct stat st;
  if (!in_manifest(m, len, name) && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    cs_diags_add(d, dir, 0, 0, "holds a %s careshift did not write; it is left as it is", name);
    return CS_EIO;
  }
  return CS_OK;
}

cs_status cs_outdir_add(const char *dir, const char *name, cs_outdir_fn *fn, void *ctx,
                        cs_diags *d) {
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    int e = errno;
    cs_diags_add(d, dir, 0, 0, "is not a careshift run directory: %s", strerror(e));
    return e == ENOENT || e == ENOTDIR ? CS_EINVAL : CS_EIO;
  }
  size_t len = 0;
  manifest_buf buf;
  const char *m = read_manifest(dfd, buf, &len);
  cs_status st = check_run_dir(dir, dfd, m, len, name, d);
  if (st == CS_OK) st = fn(dir, ctx, d);
  if (st == CS_OK && !in_manifest(m, len, name)) st = add_to_manifest(dir, m, len, name, d);
  if (st == CS_OK) st = cs_sync_dir(dir, d);
  close(dfd); /* releases the lock */
  return st;
}
