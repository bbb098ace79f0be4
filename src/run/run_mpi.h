/* run_mpi.h (private to run/): the processes of a run (docs/mpi.md). run_mpi.c implements it
 * with MPI (Meson option mpi), run_solo.c for one process; the public half is cs_mpi_rank and
 * cs_mpi_finalize (careshift.h).
 *
 * The protocol, the same in every process so that none waits for a call that never comes:
 * - a run that shares work joins one agreement after each part it shares, or at the point
 *   where it failed: after each set of Shapley runs per intervention (cs_procs_rows, when they
 *   are computed), then after its block of the PSA (cs_procs_agree, with draws); only when
 *   every process succeeded are the blocks sent to process 0 (cs_procs_rows itself,
 *   cs_procs_gather);
 * - an agreement that says a process failed is the last: every process knows, and every later
 *   agreement returns its outcome without a word to the others (the failed one may be gone);
 * - each agreement names itself (a hash of the run's plan and options, the part and its size):
 *   processes that meet at different agreements (other plan files or options on one node)
 *   fail there, instead of one waiting for blocks that never come;
 * - a process other than 0 ends its run after its last shared part (it writes nothing, and a
 *   failure after the last agreement could not reach the others);
 * - a process that joined no agreement (it failed before its run) joins one in
 *   cs_mpi_finalize, so the runs of the others fail instead of waiting for it.
 * One run per process: after a failed agreement, a later run in the same process fails too. */
#ifndef CS_RUN_MPI_H
#define CS_RUN_MPI_H

#include <stdlib.h>

#include "psa/psa.h"

/* The number of processes a launcher says it started, from the environment: Open MPI's mpirun
 * (OMPI_COMM_WORLD_SIZE), PMI (PMI_SIZE: MPICH's hydra, srun --mpi=pmi2) or srun itself
 * (SLURM_STEP_NUM_TASKS, also without an MPI plugin); 1 when none says more. */
static inline long cs_procs_tasks(void) {
  static const char *const var[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"};
  long n = 1;
  for (size_t i = 0; i < sizeof var / sizeof *var; i++) {
    const char *v = getenv(var[i]);
    long k = v ? strtol(v, NULL, 10) : 1;
    if (k > n) n = k;
  }
  return n;
}
/* An MPI launcher started this process, so MPI_Init will find its peers: Open MPI's mpirun
 * (OMPI_COMM_WORLD_SIZE), PMIx (PMIX_RANK: srun --mpi=pmix, and Open MPI 4's mpirun) or PMI
 * (PMI_RANK). Without one, careshift never starts MPI. */
static inline int cs_procs_launched(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

#define CS_PROCS_ERRLEN 160

typedef struct {
  int32_t rank, size; /* this process and how many there are (0 of 1 without MPI) */
} cs_procs;

/* This process's rank among the run's processes; starts MPI at the first call when an MPI
 * launcher started the process (careshift.h, cs_mpi_rank). size 0: launched as one of several
 * processes, but MPI is not built in or could not start. */
cs_procs cs_procs_get(void);

/* The outcome of an agreement: every process's status, the first failure, the sums. */
typedef struct {
  int32_t failed;                  /* the lowest rank that failed, or -1 */
  int32_t mismatch;                /* the processes were at different points (st CS_EINVAL) */
  int32_t before;                  /* it failed before or outside its run (cs_mpi_finalize) */
  cs_status st;                    /* its status (CS_OK when none failed) */
  int64_t bad_quantiles;           /* summed over the processes */
  int64_t threads;                 /* summed over the processes */
  char mpi_error[CS_PROCS_ERRLEN]; /* when an MPI call failed (a process died): its message */
} cs_procs_outcome;

/* Every process says how its part went (st, and its bad quantiles and threads), from the
 * thread that calls cs_run_new: after its block of the PSA, or where it failed. what says
 * which agreement of which run it is (a hash of the plan, the options that shape the work,
 * the part and its size): when every process succeeded but their what differ, they do not run
 * the same plan with the same options, and the agreement fails (mismatch, CS_EINVAL) rather
 * than let one wait for a message another never sends. CS_PROCS_END: cs_mpi_finalize's. CS_OK
 * when every process succeeded, else the failed process's status (CS_EIO when MPI itself
 * failed). */
#define CS_PROCS_END 1u
cs_status cs_procs_agree(cs_status st, uint64_t what, int64_t bad_quantiles, int64_t threads,
                         cs_procs_outcome *out);
/* After an agreement that succeeded: every process's block of jobs (cs_psa_part_first) into
 * process 0's psa, bit for bit (metrics, and thresholds of the draws). mpi_error
 * [CS_PROCS_ERRLEN] says why when it fails. */
cs_status cs_procs_gather(cs_psa *p, char *mpi_error);
/* One set of the Shapley runs per intervention (econ.h, cs_ivshap_share): an agreement on st
 * (and what, as cs_procs_agree), then, when every process succeeded, each process's rows of v
 * (rows[r] .. rows[r + 1] - 1 of nmet doubles: process r's block) into process 0's v, as
 * bytes. rows may be NULL when st is a failure. */
cs_status cs_procs_rows(cs_status st, uint64_t what, double *v, int32_t nmet, const int32_t *rows,
                        cs_procs_outcome *out);

#endif
