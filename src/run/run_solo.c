/* run_solo.c: the processes of a run without MPI (the Meson option mpi off, or Open MPI not
 * found): always one process, which computes every job of the PSA; nothing to agree on or to
 * gather. Started by mpirun or srun as one of several, careshift says it cannot share the work
 * (cs_mpi_rank -1) rather than let every copy write the same run. */
#include "run_mpi.h"

#include <string.h>

cs_procs cs_procs_get(void) { return (cs_procs){0, cs_procs_tasks() > 1 ? 0 : 1}; }

cs_status cs_procs_agree(cs_status st, uint64_t what, int64_t bad_quantiles, int64_t threads,
                         cs_procs_outcome *out) {
  (void)what;
  memset(out, 0, sizeof *out);
  out->failed = st == CS_OK ? -1 : 0;
  out->st = st;
  out->bad_quantiles = bad_quantiles;
  out->threads = threads;
  return st;
}

cs_status cs_procs_gather(cs_psa *p, char *mpi_error) {
  (void)p;
  (void)mpi_error;
  return CS_OK;
}

cs_status cs_procs_rows(cs_status st, uint64_t what, double *v, int32_t nmet, const int32_t *rows,
                        cs_procs_outcome *out) {
  (void)v;
  (void)nmet;
  (void)rows;
  return cs_procs_agree(st, what, 0, 0, out);
}

int cs_mpi_rank(int *size) {
  cs_procs pr = cs_procs_get();
  if (size) *size = 1;
  return pr.size > 0 ? 0 : -1;
}

void cs_mpi_finalize(cs_status st) { (void)st; }
