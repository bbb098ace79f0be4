/* monitor.h: the monitor layer's interface (docs/monitoring.md): actuals read from CSV and
 * checked against a plan, stored in a run's results.db, and compared with what the run
 * planned. Above run (it reads a run's database and reruns the plan's draws for the band),
 * below report. */
#ifndef CS_MONITOR_H
#define CS_MONITOR_H

#include "careshift_monitor.h"
#include "io/io.h"
#include "plan/plan.h"

#include <sqlite3.h>
#include <stdint.h>

/* ---- indicators and places (indicator.c) ---- */
typedef enum {
  CS_IND_PARTICIPANTS, /* participants:<intervention>, interventions.csv */
  CS_IND_UNITS,        /* units:<sector>, care.csv */
  CS_IND_COST,         /* cost:<payer>, care.csv's cost of the payer's sectors */
  CS_IND_FTE_DEMAND,   /* fte_demand:<group>, workforce.csv (by subregion) */
  CS_IND_SUPPLY_FTE,   /* supply_fte:<group>, workforce.csv (by subregion) */
  CS_IND_POPULATION,   /* population, demography.csv (1 January) */
  CS_IND_N
} cs_ind_kind;

typedef enum { CS_LVL_REGION, CS_LVL_SUB, CS_LVL_AREA } cs_level;

typedef struct {
  cs_ind_kind kind;
  int32_t obj; /* the intervention, sector, payer or group; -1 for population */
} cs_indicator;

typedef struct {
  cs_level level;
  int32_t idx; /* area or subregion index; 0 for the region */
} cs_place;

/* The indicator s of plan pl; 0, or -1 with a message (did-you-mean) in msg. */
int cs_ind_parse(const cs_plan *pl, const char *s, cs_indicator *out, char *msg, size_t n);
/* An area id, a subregion name or "region" (an area id first, should a name be both). */
int cs_place_parse(const cs_plan *pl, const char *s, cs_place *out, char *msg, size_t n);
/* Workforce indicators exist per subregion only. */
static inline int cs_ind_by_subregion(cs_ind_kind k) {
  return k == CS_IND_FTE_DEMAND || k == CS_IND_SUPPLY_FTE;
}
extern const char *const cs_ind_kind_name[CS_IND_N];
/* "participants:acp" into buf (n bytes). */
void cs_ind_format(const cs_plan *pl, cs_indicator ind, char *buf, size_t n);
const char *cs_place_id(const cs_plan *pl, cs_place p);   /* "GM0917", "Parkstad", "region" */
const char *cs_place_name(const cs_plan *pl, cs_place p); /* "Heerlen", "Parkstad", "" */
/* Whether area a lies in place p. */
int cs_place_has_area(const cs_plan *pl, cs_place p, int32_t a);
/* The nearest of cand[0..n-1] to word when it is close enough to be a likely typo, or NULL. */
const char *cs_mon_suggest(const char *word, const char *const *cand, size_t n);

/* ---- the actuals file: RFC 4180 by libcsv, with each field's line and column (csvread.c) ----
 * (It refuses what the plan's tables refuse: NUL bytes, invalid UTF-8, files over
 * CS_MCSV_MAX_BYTES.) */
#define CS_MCSV_MAX_BYTES (64u << 20)
#define CS_MCSV_MAX_FIELDS 8 /* fields kept per record; more are counted */
typedef struct {
  const char *s; /* the unquoted text */
  int32_t col;   /* 1-based byte column where the field starts */
} cs_mfield;
typedef struct {
  int32_t line; /* 1-based line where the record starts */
  int32_t nf;   /* fields in the record (may exceed CS_MCSV_MAX_FIELDS) */
  cs_mfield f[CS_MCSV_MAX_FIELDS];
} cs_mrec;
typedef struct {
  cs_arena ar; /* owns the field strings and the records */
  cs_mrec *rec;
  size_t nrec, cap;
  char sha256[65]; /* of the file's bytes */
} cs_mcsv;

/* Reads path (shown as disp); every problem is added to d. CS_OK means the records are usable
 * (problems may still have been reported: the caller counts them); cs_mcsv_free in any case. */
cs_status cs_mcsv_read(const char *path, const char *disp, cs_mcsv *t, cs_diags *d);
void cs_mcsv_free(cs_mcsv *t);

/* ---- sha256.c (nettle) ---- */
void cs_sha256_hex(const void *p, size_t n, char out[65]);

/* ---- the run's database (db.c) ---- */
typedef struct {
  sqlite3 *db;
  const char *path; /* as the user named it */
  int draws;        /* run_info's draws (0: none) */
  uint64_t seed;
  char plan_checksum[32], inputs_checksum[32];
  int reforecast_from;   /* run_info's reforecast_from_year: a re-forecast run (0: none) */
  char actuals_db[1024]; /* run_info's actuals_db of a re-forecast ("" otherwise) */
  cs_status err;         /* of the last cs_mdb_fail */
} cs_mdb;

/* Opens path (read-only unless write) and checks it is a careshift results.db: CS_EINVAL
 * with a diagnostic when not. A plan other than the run's is a warning. */
cs_status cs_mdb_open(cs_mdb *m, const char *path, int write, const cs_plan *pl, cs_diags *d);
void cs_mdb_close(cs_mdb *m);
/* The diagnostic of the database's last error (what: "cannot read the database"), the
 * real reason first: locked by another process (CS_EIO), a hot journal left by an
 * interrupted import seen read-only (CS_EIO), read-only, not SQLite (CS_EINVAL). */
cs_status cs_mdb_fail(cs_mdb *m, const char *what, cs_diags *d);
/* A statement, or NULL with a diagnostic naming the database. */
sqlite3_stmt *cs_mdb_prepare(cs_mdb *m, const char *sql, cs_diags *d);
/* Whether table exists. */
int cs_mdb_has_table(cs_mdb *m, const char *table);
/* "fnv1a64:0123456789abcdef" */
void cs_mon_checksum(uint64_t h, char out[32]);

/* ---- status (status.c, band.c, output.c) ---- */
typedef struct {
  cs_indicator ind;
  cs_place place;
  int32_t year;
  int has_realised;
  double realised;
  int from;             /* 0 actual, 1 summed areas, 2 summed subregions */
  const char *source;   /* of an actual; "" */
  double target;        /* NaN without a milestone */
  double planned, base; /* plan and baseline scenario (draw 0, from results.db) */
  double low, high;     /* the band, NaN without */
  int rank;             /* the place's position in the output: region, subregion, its areas */
} cs_mcell;

struct cs_monitor {
  cs_arena ar; /* owns everything */
  const cs_plan *pl;
  cs_mcell *cell;
  size_t ncell;
  cs_monitor_row *row;
  int draws;
  int reforecast_from; /* the run is a re-forecast from this year (0: it is not) */
  const char *db_path; /* as given to cs_monitor_status */
};

/* Fills low and high of every cell from the run's draws 0..draws-1 with seed (band.c);
 * CS_EINVAL when draw 0 does not reproduce the planned values (a warning is added). */
cs_status cs_mon_band(cs_monitor *m, int draws, uint64_t seed, const cs_monitor_status_options *o,
                      cs_diags *d);
/* The value of cell c in scenario s of one draw's results. */
double cs_mon_cell_value(const cs_plan *pl, const cs_results *r, int32_t s, const cs_mcell *c);
/* Classifies and fills the public rows (classify.c). */
cs_status cs_mon_rows(cs_monitor *m);

/* The shortest decimal that reads back as v (whole numbers without an exponent). */
void cs_mon_num(double v, char *buf, size_t n);

/* The decimals a row's numbers are shown with (output.c; the report and the dashboard show
 * the same digits as `careshift monitor status`): whole from 100 up, else one decimal; the %
 * with as many more as it takes to lie on the same side of 5 %, 20 % and the used band's reach
 * as the exact %, and realised and the used band's ends (both with the same decimals) as many
 * as it takes to show realised on its side of each end; the plan's effect as a % with as many
 * as keep it on its side of 0 and of -/+ CS_MON_EFFECT_PLAUSIBLE times 100 %. */
typedef struct {
  int realised, band, pct, effect;
} cs_mon_dec;
void cs_mon_decimals(const cs_monitor_row *r, cs_mon_dec *d);
/* The decimals of v alone: whole from 100 up, else one. */
int cs_mon_default_prec(double v);

/* Tolerances of the status (docs/monitoring.md, "Status"). */
#define CS_MON_ON_TRACK 0.05  /* within 5 % of planned: on track */
#define CS_MON_OFF_TRACK 0.20 /* without a band: more than 20 % worse is off track */
/* More than 5 times the plan's change (effect_realised beyond -/+ 5) is no plausible effect of
 * the plan: the terminal says to check the actual. */
#define CS_MON_EFFECT_PLAUSIBLE 5.0
/* The largest value an actual may have: above any count, FTE or euro amount of a region, and
 * far below where sums lose whole units (2^53) or overflow. */
#define CS_MON_MAX_VALUE 1e15

#endif
