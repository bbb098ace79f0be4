/* run_mpi.c: the processes of a run with MPI (docs/mpi.md; built with the Meson option mpi,
 * run_solo.c otherwise). Every process runs the same plan; each computes one contiguous block
 * of each set of the Shapley runs per intervention and of the PSA's jobs (cs_part_first), and
 * process 0 receives the others' blocks as bytes: no arithmetic on the results, so its run
 * equals a one-process run bit for bit.
 *
 * MPI is started only when an MPI launcher started the process (run_mpi.h), from the thread
 * that runs careshift (MPI_THREAD_SERIALIZED: the PSA's worker threads never call MPI). The
 * library talks on its own copy of MPI_COMM_WORLD with MPI_ERRORS_RETURN, so a failed call
 * (a peer that died, when the launcher has not ended this process first) becomes CS_EIO with
 * MPI's message instead of an abort. */
#include "run_mpi.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>

static once_flag once = ONCE_FLAG_INIT;
static int tried;   /* start ran: cs_procs_get looked whether to start MPI */
static int started; /* careshift called MPI_Init_thread (and so calls MPI_Finalize) */
static int agreed;  /* this process joined an agreement: cs_mpi_finalize needs none */
/* An agreement said that a process failed: every process knows, and none joins another (the
 * failed one may have left), so later agreements return this one's outcome at once. */
static int ended;
static cs_procs_outcome end_outcome;
static MPI_Comm comm = MPI_COMM_NULL;
static cs_procs me = {0, 1};

/* Once per process (runs may start in several threads, as careshift serve's do). */
static void start(void) {
  tried = 1;
  int init = 0, provided = 0;
  MPI_Initialized(&init);
  if (!init && !cs_procs_launched()) {
    /* srun without an MPI plugin: several copies that cannot find each other */
    if (cs_procs_tasks() > 1) me.size = 0;
    return;
  }
  if (!init) {
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
      me.size = 0;
      return;
    }
    started = 1;
  }
  int rank = 0, size = 0;
  if (MPI_Comm_dup(MPI_COMM_WORLD, &comm) != MPI_SUCCESS ||
      MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN) != MPI_SUCCESS ||
      MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS) {
    me.size = 0;
    return;
  }
  me.rank = rank;
  me.size = size;
}

cs_procs cs_procs_get(void) {
  call_once(&once, start);
  return me;
}

static cs_status mpi_failed(int rc, char *msg, size_t cap) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) len = 0;
  text[len < MPI_MAX_ERROR_STRING ? len : MPI_MAX_ERROR_STRING - 1] = '\0';
  snprintf(msg, cap, "%s", len ? text : "an MPI call failed");
  return CS_EIO;
}

/* One agreement: the lowest failing rank wins the MPI_MAX of its key ((size - rank, before),
 * then its status), the largest and the smallest what (62 bits) tell whether all were at the
 * same agreement, and the counts are summed (integers: exact in any order). */
static cs_status agree(cs_status st, uint64_t what, int before, int64_t bad, int64_t threads,
                       cs_procs_outcome *out) {
  memset(out, 0, sizeof *out);
  out->failed = st == CS_OK ? -1 : 0;
  out->st = st;
  out->bad_quantiles = bad;
  out->threads = threads;
  cs_procs pr = cs_procs_get();
  if (pr.size <= 1 || comm == MPI_COMM_NULL) return st;
  if (ended) {
    *out = end_outcome;
    return out->st;
  }
  agreed = 1;
  int64_t key = st == CS_OK ? 0 : (((int64_t)(pr.size - pr.rank) * 2 + !!before) * 256 + st);
  int64_t sum_in[2] = {bad, threads}, sum[2] = {0, 0}, w = (int64_t)(what & 0x3fffffffffffffffu);
  int64_t mx[3] = {key, w, -w}; /* (the max of -w is minus the min) */
  int rc = MPI_Allreduce(MPI_IN_PLACE, mx, 3, MPI_INT64_T, MPI_MAX, comm);
  key = mx[0];
  if (rc == MPI_SUCCESS) rc = MPI_Allreduce(sum_in, sum, 2, MPI_INT64_T, MPI_SUM, comm);
  if (rc != MPI_SUCCESS) {
    out->failed = pr.rank;
    out->st = mpi_failed(rc, out->mpi_error, sizeof out->mpi_error);
  } else if (!key && mx[1] == -mx[2]) {
    out->bad_quantiles = sum[0];
    out->threads = sum[1];
    return out->st = CS_OK;
  } else if (!key) { /* all well, but not at the same agreement */
    out->mismatch = 1;
    out->st = CS_EINVAL;
  } else {
    out->st = (cs_status)(key % 256);
    out->before = (int32_t)(key / 256 % 2);
    out->failed = pr.size - (int32_t)(key / 512);
  }
  ended = 1;
  end_outcome = *out;
  return out->st;
}

cs_status cs_procs_agree(cs_status st, uint64_t what, int64_t bad_quantiles, int64_t threads,
                         cs_procs_outcome *out) {
  return agree(st, what, 0, bad_quantiles, threads, out);
}

/* The block of jobs of process r as four runs of array elements: draws in val (and their
 * thresholds in thr), tornado runs in lo (job ndraw + 2k) and hi (ndraw + 2k + 1). */
typedef struct {
  int64_t d0, d1, l0, l1, h0, h1;
} block;

static block block_of(const cs_psa *p, int32_t r, int32_t n) {
  int64_t nj = cs_psa_njob(p), nd = p->ndraw;
  int64_t a = cs_psa_part_first(nj, r, n), b = cs_psa_part_first(nj, r + 1, n);
  int64_t ta = (a > nd ? a : nd) - nd, tb = (b > nd ? b : nd) - nd;
  return (block){.d0 = a < nd ? a : nd,
                 .d1 = b < nd ? b : nd,
                 .l0 = (ta + 1) / 2,
                 .l1 = (tb + 1) / 2,
                 .h0 = ta / 2,
                 .h1 = tb / 2};
}

/* Process r's block of n items at `at`: sent by r to process 0, or received there (process 0
 * takes the blocks in rank order; every other process sends its own). */
static int move_block(cs_procs pr, int32_t r, double *at, int n, MPI_Datatype type, int tag) {
  return pr.rank ? MPI_Send(at, n, type, 0, tag, comm)
                 : MPI_Recv(at, n, type, r, tag, comm, MPI_STATUS_IGNORE);
}

cs_status cs_procs_gather(cs_psa *p, char *mpi_error) {
  cs_procs pr = cs_procs_get();
  if (pr.size <= 1 || comm == MPI_COMM_NULL) return CS_OK;
  size_t per = (size_t)p->nsc * p->nmet, tper = 2 * CS_CRIT_N;
  if (per > INT_MAX) return CS_EINVAL;
  MPI_Datatype job = MPI_DATATYPE_NULL, thr = MPI_DATATYPE_NULL;
  int rc = MPI_Type_contiguous((int)per, MPI_DOUBLE, &job);
  if (rc == MPI_SUCCESS) rc = MPI_Type_commit(&job);
  if (rc == MPI_SUCCESS) rc = MPI_Type_contiguous((int)tper, MPI_DOUBLE, &thr);
  if (rc == MPI_SUCCESS) rc = MPI_Type_commit(&thr);
  /* process 0 takes the blocks in rank order; every other process sends its own */
  for (int32_t r = pr.rank ? pr.rank : 1; rc == MPI_SUCCESS && r < pr.size; r++) {
    block b = block_of(p, r, pr.size);
    struct {
      double *base;
      size_t unit;
      int64_t from, to;
      MPI_Datatype type;
    } part[4] = {{p->val, per, b.d0, b.d1, job},
                 {p->thr, tper, b.d0, b.d1, thr},
                 {p->lo, per, b.l0, b.l1, job},
                 {p->hi, per, b.h0, b.h1, job}};
    for (int k = 0; k < 4 && rc == MPI_SUCCESS; k++) {
      if (part[k].to <= part[k].from) continue; /* both sides know: nothing is sent */
      double *at = part[k].base + (size_t)part[k].from * part[k].unit;
      int n = (int)(part[k].to - part[k].from);
      rc = move_block(pr, r, at, n, part[k].type, k);
    }
    if (pr.rank) break;
  }
  if (job != MPI_DATATYPE_NULL) MPI_Type_free(&job);
  if (thr != MPI_DATATYPE_NULL) MPI_Type_free(&thr);
  return rc == MPI_SUCCESS ? CS_OK : mpi_failed(rc, mpi_error, CS_PROCS_ERRLEN);
}

cs_status cs_procs_rows(cs_status st, uint64_t what, double *v, int32_t nmet, const int32_t *rows,
                        cs_procs_outcome *out) {
  if ((st = agree(st, what, 0, 0, 0, out)) != CS_OK) return st;
  cs_procs pr = cs_procs_get();
  if (pr.size <= 1 || comm == MPI_COMM_NULL) return CS_OK;
  MPI_Datatype row = MPI_DATATYPE_NULL;
  int rc = MPI_Type_contiguous(nmet, MPI_DOUBLE, &row);
  if (rc == MPI_SUCCESS) rc = MPI_Type_commit(&row);
  /* process 0 takes the blocks in rank order; every other process sends its own */
  for (int32_t r = pr.rank ? pr.rank : 1; rc == MPI_SUCCESS && r < pr.size; r++) {
    int n = rows[r + 1] - rows[r];
    double *at = v + (size_t)rows[r] * (size_t)nmet;
    if (n > 0) /* both sides know: nothing is sent for an empty block */
      rc = move_block(pr, r, at, n, row, 4);
    if (pr.rank) break;
  }
  if (row != MPI_DATATYPE_NULL) MPI_Type_free(&row);
  if (rc == MPI_SUCCESS) return CS_OK;
  /* a peer that died: the launcher ends the others; no agreement after this one */
  ended = 1;
  out->failed = pr.rank;
  out->st = mpi_failed(rc, out->mpi_error, sizeof out->mpi_error);
  end_outcome = *out;
  return out->st;
}

int cs_mpi_rank(int *size) {
  cs_procs pr = cs_procs_get();
  if (size) *size = pr.size > 0 ? pr.size : 1;
  return pr.size > 0 ? pr.rank : -1;
}

void cs_mpi_finalize(cs_status st) {
  if (!tried) return;
  if (comm != MPI_COMM_NULL) {
    cs_procs_outcome o;
    if (!agreed) agree(st, CS_PROCS_END, 1, 0, 0, &o);
    MPI_Comm_free(&comm);
  }
  if (started) MPI_Finalize();
  started = 0;
}
