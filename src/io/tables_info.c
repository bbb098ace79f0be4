/* tables_info.c: run_info.csv (v0.2), how a run's results were made: the careshift version,
 * the plan and its checksums, the years and rates the verdicts used, the PSA's draws and
 * seed. Only what two identical runs share: no time, host or thread count, so the outputs
 * stay byte-identical (docs/outputs.md). */
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>

enum {
  RI_VERSION,
  RI_PLAN,
  RI_PLAN_SUM,
  RI_INPUT_SUM,
  RI_BASE_YEAR,
  RI_HORIZON,
  RI_SHORT_YEAR,
  RI_LONG_YEAR,
  RI_PRICE_YEAR,
  RI_RATE,
  RI_RATE_EFFECTS,
  RI_DRAWS,
  RI_SEED,
  RI_SCENARIOS,
  RI_N,
  /* a re-forecast's rows (v0.2), after the others and only in a re-forecast run, so other
   * runs' run_info stays as it was */
  RI_RF_YEAR = RI_N,
  RI_RF_DB,
  RI_RF_SUM,
  RI_ALL
};

static const char *const KEYS[RI_ALL] = {"careshift_version",
                                         "plan",
                                         "plan_checksum",
                                         "inputs_checksum",
                                         "base_year",
                                         "horizon",
                                         "short_year",
                                         "long_year",
                                         "price_year",
                                         "discount_rate",
                                         "discount_rate_effects",
                                         "draws",
                                         "seed",
                                         "scenarios",
                                         "reforecast_from_year",
                                         "actuals_db",
                                         "actuals_checksum"};

/* The shortest decimal that reads back as d (as the YAML most likely wrote it: 0.03, not
 * 0.029999999999999999). */
static void shortest(char *buf, size_t n, double d) {
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) return;
  }
}

static const char *checksum(cs_arena *ar, uint64_t h) {
  char buf[32];
  snprintf(buf, sizeof buf, "fnv1a64:%016llx", (unsigned long long)h);
  return cs_arena_strdup(ar, buf);
}

static const char *integer(cs_arena *ar, long long i) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", i);
  return cs_arena_strdup(ar, buf);
}

static const char *unsigned_(cs_arena *ar, uint64_t u) {
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
  return cs_arena_strdup(ar, buf);
}

static const char *real(cs_arena *ar, double d) {
  char buf[40];
  shortest(buf, sizeof buf, d);
  return cs_arena_strdup(ar, buf);
}

cs_status cs_view_run_info(cs_view *v, int32_t draws, uint64_t seed, cs_arena *ar) {
  const cs_plan *pl = v->pl;
  const char **val = cs_arena_calloc(ar, RI_ALL, sizeof *val);
  if (!val) return CS_ENOMEM;
  if (pl->rf) {
    val[RI_RF_YEAR] = integer(ar, pl->T0 + pl->rf->y);
    val[RI_RF_DB] = pl->rf->db_path;
    val[RI_RF_SUM] = pl->rf->db_checksum;
  }
  val[RI_VERSION] = CS_VERSION;
  val[RI_PLAN] = pl->path;
  val[RI_PLAN_SUM] = checksum(ar, pl->yaml_hash);
  val[RI_INPUT_SUM] = checksum(ar, pl->input_hash);
  val[RI_BASE_YEAR] = integer(ar, pl->T0);
  val[RI_HORIZON] = integer(ar, pl->T1);
  val[RI_SHORT_YEAR] = integer(ar, pl->crit_short_year);
  val[RI_LONG_YEAR] = integer(ar, pl->crit_year);
  val[RI_PRICE_YEAR] = integer(ar, pl->price_year);
  val[RI_RATE] = real(ar, pl->discount_rate);
  val[RI_RATE_EFFECTS] = real(ar, pl->discount_rate_effects);
  val[RI_DRAWS] = integer(ar, draws > 0 ? draws : 0);
  val[RI_SEED] = draws > 0 ? unsigned_(ar, seed) : ""; /* no PSA: no seed */
  val[RI_SCENARIOS] = integer(ar, v->r->nsc);
  for (int k = 0; k < (pl->rf ? RI_ALL : RI_N); k++)
    if (!val[k]) return CS_ENOMEM;
  v->info = val;
  return CS_OK;
}

static const cs_column info_cols[] = {CS_KEY("key", CS_TEXT), CS_VAL_OPT("value", CS_TEXT, "")};

static int info_present(const cs_view *v) { return v->info != NULL; }

static int64_t info_n(const cs_view *v) { return v->pl->rf ? RI_ALL : RI_N; }

static void info_row(const cs_view *v, int64_t i, cs_value *o) {
  o[0] = cs_vs(KEYS[i]);
  o[1] = *v->info[i] ? cs_vs(v->info[i]) : cs_vnull();
}

const cs_tabledef cs_tab_run_info = {"run_info",
                                     "how the run was made: version, plan checksums, the years and "
                                     "rates of its verdicts, PSA draws and seed",
                                     CS_NCOL(info_cols),
                                     info_cols,
                                     1,
                                     info_present,
                                     info_n,
                                     info_row};
