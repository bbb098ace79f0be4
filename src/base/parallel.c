/* parallel.c: a parallel for over independent jobs, for work outside the PSA's own workers
 * (Shapley runs per intervention). Jobs are handed out by an atomic counter; each job writes
 * only its own part of the output, so the result does not depend on the threads. */
#include "base.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct {
  cs_job_w_fn *fn;
  void *ctx;
  int64_t njob;
  atomic_llong next;
  atomic_int status; /* the first failure; later jobs are not started */
} pool_t;

typedef struct {
  pool_t *p;
  int32_t id;
} worker_t;

static void *work(void *arg) {
  const worker_t *wk = arg;
  pool_t *p = wk->p;
  for (int64_t j;
       atomic_load(&p->status) == CS_OK && (j = atomic_fetch_add(&p->next, 1)) < p->njob;) {
    cs_status st = p->fn(p->ctx, j, wk->id);
    if (st != CS_OK) {
      int ok = CS_OK;
      atomic_compare_exchange_strong(&p->status, &ok, (int)st);
    }
  }
  return NULL;
}

cs_status cs_parallel_for_w(int64_t threads, int64_t njob, cs_job_w_fn *fn, void *ctx) {
  pool_t p = {.fn = fn, .ctx = ctx, .njob = njob};
  atomic_init(&p.next, 0);
  atomic_init(&p.status, CS_OK);
  int32_t n = cs_thread_count(threads, njob);
  pthread_t th[CS_MAX_THREADS];
  worker_t wk[CS_MAX_THREADS];
  int32_t started = 1; /* the caller is one; a thread the system refuses leaves its jobs to
                          the others */
  for (int32_t t = 0; t < n; t++)
    wk[t] = (worker_t){&p, t};
  for (int32_t t = 1; t < n && pthread_create(&th[t], NULL, work, &wk[t]) == 0; t++)
    started++;
  work(&wk[0]);
  for (int32_t t = 1; t < started; t++)
    pthread_join(th[t], NULL);
  return (cs_status)atomic_load(&p.status);
}

typedef struct {
  cs_job_fn *fn;
  void *ctx;
} plain_t;

static cs_status plain_job(void *ctx, int64_t job, int32_t worker) {
  (void)worker;
  const plain_t *x = ctx;
  return x->fn(x->ctx, job);
}

cs_status cs_parallel_for(int64_t threads, int64_t njob, cs_job_fn *fn, void *ctx) {
  plain_t x = {fn, ctx};
  return cs_parallel_for_w(threads, njob, plain_job, &x);
}
