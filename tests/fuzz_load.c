/* fuzz_load.c: libFuzzer target for the plan loader. The input is split at NUL bytes: the
 * first part is written as plan.yaml, the following parts as 1.csv, 2.csv, ... (up to 9) in
 * a private directory, so a plan naming those files exercises every table reader too. The
 * loader must never crash, leak or hang; problems must come back as diagnostics.
 * Seed corpus: tests/fuzz/corpus/. Build: meson -Dfuzz=true with CC=clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careshift.h"

#define NPART 10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One directory per process, made on first use; libFuzzer runs inputs one at a time. */
static const char *workdir(void) {
  static char dir[64];
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/cs-fuzz-XXXXXX");
    if (!mkdtemp(dir)) return NULL;
  }
  return dir;
}

static void part_path(char *buf, size_t sz, const char *dir, int i) {
  if (i == 0)
    snprintf(buf, sz, "%s/plan.yaml", dir);
  else
    snprintf(buf, sz, "%s/%d.csv", dir, i);
}

static void write_part(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(p, 1, n, f);
  fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *dir = workdir();
  if (!dir) return 0;
  char path[128];
  for (int i = 0; i < NPART; i++) { /* no file may survive from the previous input */
    part_path(path, sizeof path, dir, i);
    unlink(path);
  }
  size_t start = 0;
  for (int i = 0; i < NPART && start <= size; i++) {
    const uint8_t *nul = memchr(data + start, 0, size - start);
    size_t end = nul ? (size_t)(nul - data) : size;
    part_path(path, sizeof path, dir, i);
    write_part(path, data + start, end - start);
    start = end + 1;
    if (!nul) break;
  }
  part_path(path, sizeof path, dir, 0);
  cs_diags *d = cs_diags_new();
  cs_plan *plan = NULL;
  cs_plan_load(path, &plan, d);
  if (plan) {
    cs_plan_info info;
    cs_plan_get_info(plan, &info);
  }
  size_t total = 0;
  for (size_t i = 0; i < cs_diags_count(d); i++)
    total += strlen(cs_diags_get(d, i));
  if (cs_diags_count(d) && !total) __builtin_trap(); /* a diagnostic must say something */
  cs_plan_free(plan);
  cs_diags_free(d);
  return 0;
}
