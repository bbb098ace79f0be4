/* output.c: the comparison as a terminal table (en, nl) and as monitoring.csv (columns in
 * docs/outputs.md and docs/monitoring.md): never over the database, the plan, a file in the
 * run directory or a file that is no monitoring.csv, and written whole (a temporary file in
 * the same directory, synced, renamed over the path) or not at all. */
#include "monitor.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a growable text ---- */
typedef struct {
  char *s;
  size_t len, cap;
  int oom;
} text;

__attribute__((format(printf, 2, 3))) static void put(text *t, const char *fmt, ...) {
  va_list ap;
  for (int tries = 0; tries < 2 && !t->oom; tries++) {
    va_start(ap, fmt);
    int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      t->oom = 1;
      return;
    }
    if (t->s && t->len + (size_t)n < t->cap) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = (t->cap + (size_t)n + 1) * 2;
    char *p = cs_realloc(t->s, cap);
    if (!p)
      t->oom = 1;
    else
      t->s = p, t->cap = cap;
  }
}

/* ---- numbers for people: 1,234.5 (en) or 1.234,5 (nl) ---- */

/* v with prec decimals, grouped in thousands. */
static void human_prec(double v, int prec, int nl, char *out, size_t n) {
  if (isnan(v)) {
    snprintf(out, n, "-");
    return;
  }
  char raw[400];
  snprintf(raw, sizeof raw, "%.*f", prec, v);
  char *dot = strchr(raw, '.');
  size_t whole = dot ? (size_t)(dot - raw) : strlen(raw), k = 0, lead = raw[0] == '-';
  for (size_t i = 0; i < whole && k + 2 < n; i++) {
    if (i > lead && (whole - i) % 3 == 0) out[k++] = nl ? '.' : ',';
    out[k++] = raw[i];
  }
  if (dot && k + 2 < n) {
    out[k++] = nl ? ',' : '.';
    for (const char *p = dot + 1; *p && k + 1 < n; p++)
      out[k++] = *p;
  }
  out[k] = '\0';
}

/* The decimals a number is shown with: whole from 100 up, one below. */
int cs_mon_default_prec(double v) { return fabs(v) >= 100 ? 0 : 1; }

static void human(double v, int nl, char *out, size_t n) {
  human_prec(v, cs_mon_default_prec(v), nl, out, n);
}

/* v rounded to prec decimals, as printed. */
static double rounded(double v, int prec) {
  char b[400];
  snprintf(b, sizeof b, "%.*f", prec, v);
  return strtod(b, NULL);
}

static int side(double a, double b) { return (a > b) - (a < b); }

/* The fewest decimals, from prec on, at which x and each of the nt thresholds t[] (NaN
 * skipped), each rounded as it is printed, compare as x and the threshold do: a number shown
 * never seems to lie on a threshold, or on its other side, when it does not (so "-5.0" is never
 * shown for -5.04 %, which is off track, next to -5.0 % on track). t_prec: the thresholds are
 * printed with the same decimals (1), or as they are (0). */
static int enough_prec(double x, const double *t, size_t nt, int prec, int t_prec) {
  for (; prec < 20; prec++) {
    double xr = rounded(x, prec);
    int ok = 1;
    for (size_t i = 0; ok && i < nt; i++)
      if (!isnan(t[i])) ok = side(xr, t_prec ? rounded(t[i], prec) : t[i]) == side(x, t[i]);
    if (ok) break;
  }
  return prec;
}

void cs_mon_decimals(const cs_monitor_row *r, cs_mon_dec *d) {
  /* the % against the status's fixed tolerances (5 % on track, 20 % off track without a band)
   * and the band's reach as a % of planned */
  double th[6] = {5, -5, 20, -20, NAN, NAN};
  if (!isnan(r->band_used_low) && r->planned > 0) {
    th[4] = 100 * (r->band_used_high - r->planned) / r->planned;
    th[5] = -100 * (r->planned - r->band_used_low) / r->planned;
  }
  double pct = r->difference_pct;
  d->pct = isnan(pct) ? 1 : enough_prec(pct, th, 6, cs_mon_default_prec(pct), 0);
  /* realised and the band's ends with the decimals that keep realised on its side of each */
  int prec = cs_mon_default_prec(isnan(r->realised) ? r->planned : r->realised);
  if (!isnan(r->realised) && !isnan(r->band_used_low)) {
    double ends[2] = {r->band_used_low, r->band_used_high};
    prec = enough_prec(r->realised, ends, 2, prec, 1);
  }
  d->realised = prec;
  int hp = isnan(r->band_used_high) ? 0 : cs_mon_default_prec(r->band_used_high);
  d->band = prec > hp ? prec : hp;
  double ef = 100 * r->effect_realised;
  double te[3] = {0, 100 * CS_MON_EFFECT_PLAUSIBLE, -100 * CS_MON_EFFECT_PLAUSIBLE};
  d->effect = isnan(ef) ? 1 : enough_prec(ef, te, 3, cs_mon_default_prec(ef), 0);
}

static const char *const STATUS[][2] = {
    {"ahead", "voor op schema"}, {"on_track", "op schema"}, {"behind", "achter"},
    {"off_track", "uit koers"},  {"differs", "wijkt af"},   {"no_actuals", "geen realisatie"},
    {"no_plan", "geen plan"}};
#define NSTATUS (sizeof STATUS / sizeof *STATUS)

static const char *status_word(const char *code, int nl) {
  for (size_t i = 0; i < NSTATUS; i++)
    if (!strcmp(STATUS[i][0], code)) {
      if (nl) return STATUS[i][1];
      return i == 1   ? "on track"
             : i == 3 ? "off track"
             : i == 5 ? "no actuals"
             : i == 6 ? "no plan"
                      : STATUS[i][0];
    }
  return code;
}

/* The place as a reader names it: the region, a subregion, an area indented under it. */
static void place_label(const cs_monitor_row *r, int nl, char *out, size_t n) {
  if (!strcmp(r->level, "region"))
    snprintf(out, n, "%s", nl ? "regio" : "region");
  else if (!strcmp(r->level, "subregion"))
    snprintf(out, n, "%s", r->subregion);
  else
    snprintf(out, n, "  %s", *r->name ? r->name : r->place);
}

static int widened(const cs_monitor_row *r) {
  return !isnan(r->band_used_low) && (r->band_used_low != r->low || r->band_used_high != r->high);
}

static const char *met_word(const char *met, int nl) {
  if (!strcmp(met, "yes")) return nl ? "ja" : "yes";
  if (!strcmp(met, "no")) return nl ? "nee" : "no";
  return "-";
}

/* ---- of the plan's effect: (baseline - realised) / (baseline - planned) ---- */

/* realised lies beyond the baseline, on the other side from planned: the plan's change went the
 * other way (worse than without the plan, where higher or lower is better). NaN: no. */
static int other_way(const cs_monitor_row *r) { return r->effect_realised < 0; }

/* more than CS_MON_EFFECT_PLAUSIBLE times the plan's change, either way: no effect of the plan */
static int implausible(const cs_monitor_row *r) {
  return fabs(r->effect_realised) > CS_MON_EFFECT_PLAUSIBLE;
}

/* The effect as a %, with as many decimals as keep it on its side of 0 and of -/+ 500 %. */
static void effect_pct(const cs_monitor_row *r, int nl, char *out, size_t n) {
  cs_mon_dec d;
  cs_mon_decimals(r, &d);
  human_prec(100 * r->effect_realised, d.effect, nl, out, n);
}

/* The cell: "60.0 %", marked ! (the other way) and ? (implausible); "-" without a value. */
static void effect_cell(const cs_monitor_row *r, int nl, char *out, size_t n) {
  if (isnan(r->effect_realised)) {
    snprintf(out, n, "-    ");
    return;
  }
  char num[420];
  effect_pct(r, nl, num, sizeof num);
  snprintf(out, n, "%s %%%c%c", num, other_way(r) ? '!' : ' ', implausible(r) ? '?' : ' ');
}

static const char *effect_head(int nl) {
  return nl ? "van het effect van het plan" : "of the plan's effect";
}

static void row_line(text *t, const cs_monitor_row *r, int nl, int wi, int wp, int wm) {
  char place[128], tg[40], pl[40], lo[420], hi[420], re[420], df[40], pc[420], band[900];
  place_label(r, nl, place, sizeof place);
  human(r->target, nl, tg, sizeof tg);
  human(r->planned, nl, pl, sizeof pl);
  human(r->difference, nl, df, sizeof df);
  cs_mon_dec dec;
  cs_mon_decimals(r, &dec);
  human_prec(r->difference_pct, dec.pct, nl, pc, sizeof pc);
  int prec = dec.realised;
  human_prec(r->realised, prec, nl, re, sizeof re);
  if (isnan(r->band_used_low)) {
    snprintf(band, sizeof band, "-");
  } else {
    int bp = dec.band;
    human_prec(r->band_used_low, bp, nl, lo, sizeof lo);
    human_prec(r->band_used_high, bp, nl, hi, sizeof hi);
    snprintf(band, sizeof band, "%s - %s%s", lo, hi, widened(r) ? "*" : " ");
  }
  char ef[460];
  effect_cell(r, nl, ef, sizeof ef);
  put(t, "%4d  %-*s  %-*s %12s %-*s %12s %24s %12s %12s %7s %*s  %s\n", r->year, wi, r->indicator,
      wp, place, tg, wm, met_word(r->milestone_met, nl), pl, band, re, df, pc,
      (int)strlen(effect_head(nl)) + 2, ef, status_word(r->status, nl));
}

static void header(text *t, const cs_monitor *m, int nl, int wi, int wp, int wm) {
  if (nl)
    put(t, "Monitoring: gerealiseerd tegen gepland (het plan-scenario van de run%s)\n",
        m->draws ? "" : "; zonder PSA: de 5 %-regel");
  else
    put(t, "Monitoring: realised against planned (the run's plan scenario%s)\n",
        m->draws ? "" : "; no PSA: the 5 % rule");
  if (m->draws)
    put(t, nl ? "PSA-band: 2,5-97,5 %% van %d trekkingen\n" : "PSA band: 2.5-97.5 %% of %d draws\n",
        m->draws);
  if (m->reforecast_from) {
    int y = m->reforecast_from;
    if (nl)
      put(t,
          "Let op: deze run is een herprognose vanaf %d. Vanaf %d is gepland de herprognose, "
          "gepast op de realisaties van %d,\nniet het plan zoals afgesproken: bevolking en "
          "deelnemers van %d zijn daardoor op schema. Alleen jaren voor %d vergelijken met het "
          "plan.\n",
          y, y, y, y, y);
    else
      put(t,
          "Note: this run is a re-forecast from %d. From %d on, planned is the re-forecast, "
          "fitted to the actuals of %d,\nnot the plan as agreed: the population and participants "
          "of %d are on track by construction. Only years before %d compare with the plan.\n",
          y, y, y, y, y);
  }
  put(t, "\n%4s  %-*s  %-*s %12s %-*s %12s %24s %12s %12s %7s   %s  %s\n", nl ? "jaar" : "year", wi,
      "indicator", wp, nl ? "plaats" : "place", nl ? "mijlpaal" : "milestone", wm,
      nl ? "gehaald" : "met", nl ? "gepland" : "planned", "band (95 %) ",
      nl ? "gerealiseerd" : "realised", nl ? "verschil" : "difference", "%", effect_head(nl),
      "status");
}

/* "2025  units:hospital_day  region: baseline 428,259, planned 427,838, realised 430,800"
 * (realised with the decimals that keep it on its side of the baseline), then the effect. */
static void effect_row(text *t, const cs_monitor_row *r, int nl) {
  char place[128], bs[420], pl[40], re[420], ef[420];
  place_label(r, nl, place, sizeof place);
  int prec = enough_prec(r->realised, &r->baseline, 1, cs_mon_default_prec(r->realised), 1);
  if (cs_mon_default_prec(r->baseline) > prec) prec = cs_mon_default_prec(r->baseline);
  human_prec(r->baseline, prec, nl, bs, sizeof bs);
  human_prec(r->realised, prec, nl, re, sizeof re);
  human(r->planned, nl, pl, sizeof pl);
  effect_pct(r, nl, ef, sizeof ef);
  put(t,
      nl ? "  %d  %s  %s: basispad %s, gepland %s, gerealiseerd %s: %s %%\n"
         : "  %d  %s  %s: baseline %s, planned %s, realised %s: %s %%\n",
      r->year, r->indicator, place + strspn(place, " "), bs, pl, re, ef);
}

/* A list of the rows of one note (kind 0: worse than without the plan; 1: the other way, a
 * neutral indicator; 2: implausible), under its heading when it has any. */
static void effect_note(text *t, const cs_monitor *m, int nl, int kind) {
  static const char *const HEAD[3][2] = {
      {"! realised is worse than without the plan: beyond the baseline (the run's scenario "
       "without the plan), on the\n  other side from planned\n",
       "! gerealiseerd is slechter dan zonder het plan: voorbij het basispad (het scenario van de "
       "run zonder het plan),\n  aan de andere kant dan gepland\n"},
      {"! realised lies beyond the baseline, on the other side from planned: the plan's change "
       "went the other way\n",
       "! gerealiseerd ligt voorbij het basispad, aan de andere kant dan gepland: de verandering "
       "van het plan ging de\n  andere kant op\n"},
      {"? implausible: realised lies more than 5 times the plan's change from the baseline: "
       "check the actual (is it\n  measured as the run's table?); or the plan's change is too "
       "small against the level to be seen in it\n",
       "? onwaarschijnlijk: gerealiseerd ligt meer dan 5 keer de verandering van het plan van het "
       "basispad: controleer de\n  realisatie (gemeten zoals de tabel van de run?); of de "
       "verandering van het plan is te klein tegen het niveau\n  om erin te zien\n"}};
  int any = 0;
  for (size_t i = 0; i < m->ncell; i++) {
    const cs_monitor_row *r = &m->row[i];
    int neutral = !strcmp(r->direction, "neutral");
    int in = kind == 2 ? implausible(r) : other_way(r) && neutral == (kind == 1);
    if (!in) continue;
    if (!any) put(t, "%s", HEAD[kind][nl]);
    any = 1;
    effect_row(t, r, nl);
  }
}

/* What the column of the plan's effect means, when a row has one, and the notes of rows whose
 * realised lies beyond the baseline or implausibly far from it. */
static void effect_notes(text *t, const cs_monitor *m, int nl) {
  int any = 0;
  for (size_t i = 0; i < m->ncell; i++)
    any |= !isnan(m->row[i].effect_realised);
  if (!any) return;
  put(t, nl ? "\nvan het effect van het plan: (basispad - gerealiseerd) / (basispad - gepland), "
              "het deel van de verandering\n  die het plan maakt tegen het basispad (het scenario "
              "van de run zonder het plan) dat gerealiseerd is: 100 %% zoals\n  gepland, 0 %% "
              "niets ervan, onder 0 de andere kant op. De status beoordeelt het niveau tegen "
              "gepland; deze kolom de verandering\n  van het plan (--csv: baseline en "
              "effect_realised)\n"
            : "\nof the plan's effect: (baseline - realised) / (baseline - planned), the share of "
              "the change the plan makes\n  against the baseline (the run's scenario without the "
              "plan) that was realised: 100 %% as planned, 0 %% none of it,\n  below 0 the other "
              "way. The status judges the level against planned; this column the plan's change "
              "(--csv:\n  baseline and effect_realised)\n");
  for (int kind = 0; kind < 3; kind++)
    effect_note(t, m, nl, kind);
}

/* A note on widened bands when a row has one, and the count of each status. */
static void footer(text *t, const cs_monitor *m, int nl) {
  int any = 0;
  for (size_t i = 0; i < m->ncell; i++)
    any |= widened(&m->row[i]);
  if (any)
    put(t, nl ? "\n* de PSA-band ligt hier aan een kant dichter dan 5 %% bij gepland: getoond en "
                "gebruikt zoals de status hem gebruikt,\n  verbreed tot gepland -/+ 5 %% (--csv: "
                "p2_5 en p97_5 de PSA-band zelf, band_used_low en band_used_high zoals getoond)\n"
              : "\n* the PSA band lies closer than 5 %% to planned on a side here: shown as the "
                "status uses it, widened to\n  planned -/+ 5 %% (--csv: p2_5 and p97_5 the PSA "
                "band itself, band_used_low and band_used_high as shown)\n");
  effect_notes(t, m, nl);
  put(t, "\n");
  int first = 1;
  for (size_t s = 0; s < NSTATUS; s++) {
    size_t n = 0;
    for (size_t i = 0; i < m->ncell; i++)
      n += !strcmp(m->row[i].status, STATUS[s][0]);
    if (!n) continue;
    put(t, "%s%s %zu", first ? "" : ", ", status_word(STATUS[s][0], nl), n);
    first = 0;
  }
  put(t, first ? (nl ? "geen realisaties of mijlpalen\n" : "no actuals or milestones\n") : "\n");
}

cs_status cs_monitor_format(const cs_monitor *m, const char *lang, char **out_text) {
  if (!m || !out_text) return CS_EINVAL;
  *out_text = NULL;
  int nl = lang && !strcmp(lang, "nl"), wi = 9, wp = 6;
  for (size_t i = 0; i < m->ncell; i++) {
    char place[128];
    place_label(&m->row[i], nl, place, sizeof place);
    if ((int)strlen(m->row[i].indicator) > wi) wi = (int)strlen(m->row[i].indicator);
    if ((int)strlen(place) > wp) wp = (int)strlen(place);
  }
  int wm = nl ? 7 : 3;
  text t = {0};
  header(&t, m, nl, wi, wp, wm);
  for (size_t i = 0; i < m->ncell; i++)
    row_line(&t, &m->row[i], nl, wi, wp, wm);
  footer(&t, m, nl);
  if (t.oom) {
    cs_free(t.s);
    return CS_ENOMEM;
  }
  *out_text = t.s;
  return CS_OK;
}

/* ---- monitoring.csv ---- */
void cs_mon_num(double v, char *buf, size_t n) {
  /* a whole number as digits (300000, not 3e+05), else the shortest %g that reads back */
  if (fabs(v) < 1e15 && v == floor(v)) {
    snprintf(buf, n, "%.0f", v);
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

/* A number that reads back as the same double; empty when there is none. */
static void csv_num(FILE *f, double v) {
  char buf[40];
  if (isnan(v)) return;
  cs_mon_num(v, buf, sizeof buf);
  fputs(buf, f);
}

static void csv_row(FILE *f, const cs_monitor_row *r) {
  fprintf(f, "%d,", r->year);
  const char *text1[] = {r->indicator, r->level, r->place, r->subregion, r->direction};
  for (size_t i = 0; i < 5; i++)
    cs_csv_text(f, text1[i]), fputc(',', f);
  const double nums[] = {r->target,   r->planned,    r->low,           r->high,
                         r->realised, r->difference, r->difference_pct};
  for (size_t i = 0; i < 7; i++)
    csv_num(f, nums[i]), fputc(',', f);
  cs_csv_text(f, r->status);
  fputc(',', f);
  cs_csv_text(f, r->from);
  fputc(',', f);
  cs_csv_text(f, r->source);
  fputc(',', f);
  csv_num(f, r->band_used_low);
  fputc(',', f);
  csv_num(f, r->band_used_high);
  fputc(',', f);
  cs_csv_text(f, r->milestone_met);
  fputc(',', f);
  csv_num(f, r->baseline);
  fputc(',', f);
  csv_num(f, r->effect_realised);
  fputc('\n', f);
}

/* ---- where monitoring.csv may go ---- */

#define CSV_HEADER                                                                                 \
  "year,indicator,level,place,subregion,direction,target,planned,p2_5,p97_5,realised,"             \
  "difference,difference_pct,status,realised_from,source,band_used_low,band_used_high,"            \
  "milestone_met,baseline,effect_realised\n"
/* the columns every monitoring.csv began with, before milestone_met and the used band */
#define CSV_HEADER_START "year,indicator,level,place,subregion,direction,target,planned,"

/* path's directory (".": none) and last component, in buf (n bytes); -1 when too long. */
static int split_path(const char *path, char *buf, size_t n, const char **dir, const char **base) {
  if (snprintf(buf, n, "%s", path) >= (int)n) return -1;
  char *slash = strrchr(buf, '/');
  if (!slash) {
    *dir = ".", *base = buf;
  } else {
    *slash = '\0';
    *dir = slash == buf ? "/" : buf, *base = slash + 1;
  }
  return 0;
}

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether directory dir (resolved) is run or lies inside it. */
static int inside(const char *dir, const struct stat *run) {
  char cur[PATH_MAX];
  snprintf(cur, sizeof cur, "%s", dir);
  for (;;) {
    struct stat st;
    if (stat(cur, &st) == 0 && same_file(&st, run)) return 1;
    char *slash = strrchr(cur, '/');
    if (!slash || slash == cur) break;
    *slash = '\0';
  }
  return 0;
}

/* Whether an existing regular file may be replaced: empty, or a monitoring.csv already. */
static int replaceable(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 1; /* the write will say why it cannot */
  char line[sizeof CSV_HEADER_START] = {0};
  size_t n = fread(line, 1, sizeof line - 1, f);
  fclose(f);
  return n == 0 || !strcmp(line, CSV_HEADER_START);
}

static cs_status refuse(cs_diags *d, const char *path, const char *why, const char *what) {
  cs_diags_add(d, path, 0, 0,
               "monitoring.csv is not written here: %s%s (expected a new file outside the run "
               "directory, or an earlier monitoring.csv); the file is left as it is",
               why, what ? what : "");
  return CS_EINVAL;
}

cs_status cs_monitor_check_csv_path(const cs_plan *plan, const char *db_path, const char *path,
                                    cs_diags *d) {
  if (!plan || !db_path || !path || !d) return CS_EINVAL;
  char buf[PATH_MAX + 8], rdir[PATH_MAX], rdb[PATH_MAX], dbbuf[PATH_MAX + 8], probe[PATH_MAX * 2];
  const char *dir, *base, *dbdir = NULL, *dbbase = NULL;
  if (!*path || split_path(path, buf, sizeof buf, &dir, &base)) {
    cs_diags_add(d, path, 0, 0, "is not a file name (expected a path of at most %d bytes)",
                 PATH_MAX);
    return CS_EINVAL;
  }
  if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
    return refuse(d, path, "it names a directory", NULL);
  if (!realpath(dir, rdir)) {
    cs_diags_add(d, path, 0, 0, "cannot write monitoring.csv: its directory %s: %s", dir,
                 strerror(errno));
    return CS_EIO;
  }
  struct stat st, other;
  int exists = stat(path, &st) == 0; /* through a symbolic link */
  if (exists && !S_ISREG(st.st_mode))
    return refuse(d, path, S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file",
                  NULL);
  if (exists && stat(db_path, &other) == 0 && same_file(&st, &other))
    return refuse(d, path, "it is the database ", db_path);
  if (exists && plan->path && stat(plan->path, &other) == 0 && same_file(&st, &other))
    return refuse(d, path, "it is the plan ", plan->path);
  /* SQLite's files beside the database (itself, a symbolic link seen through), by name: a
   * file named so would be taken for one */
  struct stat sdir;
  if (realpath(db_path, rdb) && !split_path(rdb, dbbuf, sizeof dbbuf, &dbdir, &dbbase) &&
      stat(dbdir, &sdir) == 0) {
    static const char *const SUFFIX[] = {"-journal", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
      snprintf(probe, sizeof probe, "%s%s", dbbase, SUFFIX[i]);
      if (!strcmp(base, probe) && stat(rdir, &other) == 0 && same_file(&other, &sdir))
        return refuse(d, path, "SQLite would take it for the database's ", probe);
    }
    /* the run directory: a `careshift run` into it refuses a file it did not write */
    static const char *const MARK[] = {".careshift-manifest", "run.log"};
    for (size_t i = 0; i < 2; i++) {
      snprintf(probe, sizeof probe, "%s/%s", dbdir, MARK[i]);
      if (access(probe, F_OK) == 0 && inside(rdir, &sdir))
        return refuse(d, path, "it lies inside the run directory ", dbdir);
    }
  }
  if (exists && !replaceable(path))
    return refuse(d, path,
                  "it holds something else (its first line is not monitoring.csv's header)", NULL);
  return CS_OK;
}

/* ---- writing it: a new file beside path, synced, renamed over path ---- */

static int write_rows(const cs_monitor *m, FILE *f) {
  fputs(CSV_HEADER, f);
  for (size_t i = 0; i < m->ncell; i++)
    csv_row(f, &m->row[i]);
  return ferror(f) | fflush(f);
}

cs_status cs_monitor_write_csv(const cs_monitor *m, const char *path, cs_diags *d) {
  if (!m || !path || !d) return CS_EINVAL;
  cs_status st = cs_monitor_check_csv_path(m->pl, m->db_path ? m->db_path : "", path, d);
  if (st != CS_OK) return st;
  char buf[PATH_MAX + 8], tmp[2 * sizeof buf + 64];
  const char *dir = ".", *base = path;
  split_path(path, buf, sizeof buf, &dir, &base); /* checked above */
  int fd = -1, err = 0;
  for (unsigned i = 0; fd < 0 && i < 100; i++) {
    snprintf(tmp, sizeof tmp, "%s/.%s.%ld-%u.tmp", dir, base, (long)getpid(), i);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    err = errno;
    if (fd < 0 && err != EEXIST) break;
  }
  int bad = fd < 0;
  if (!bad) {
    FILE *f = fdopen(fd, "w");
    if (!f) {
      err = errno, bad = 1;
      close(fd);
    } else {
      bad = write_rows(m, f) || fsync(fileno(f));
      if (bad) err = errno;
      if (fclose(f) != 0 && !bad) bad = 1, err = errno;
    }
    if (!bad && rename(tmp, path) != 0) bad = 1, err = errno;
    if (bad) unlink(tmp);
  }
  if (!bad) { /* the rename itself, on disk */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) fsync(dfd), close(dfd);
    return CS_OK;
  }
  cs_diags_add(d, path, 0, 0, "cannot write monitoring.csv: %s", strerror(err ? err : EIO));
  return err == ENOMEM ? CS_ENOMEM : CS_EIO;
}
