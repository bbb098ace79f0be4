/* output.c: the comparison as a terminal table (en, nl) and as monitoring.csv (columns in
 * docs/outputs.md), the file written by a temporary name and renamed, as every output. */
#include "monitor.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- numbers for people: 1,234.5 (en) or 1.234,5 (nl), whole above 100 ---- */
static void human(double v, int nl, char *out, size_t n) {
  if (isnan(v)) {
    snprintf(out, n, "-");
    return;
  }
  char raw[64];
  snprintf(raw, sizeof raw, "%.*f", fabs(v) >= 100 ? 0 : 1, v);
  char *dot = strchr(raw, '.');
  size_t whole = dot ? (size_t)(dot - raw) : strlen(raw), k = 0, lead = raw[0] == '-';
  for (size_t i = 0; i < whole && k + 2 < n; i++) {
    if (i > lead && (whole - i) % 3 == 0) out[k++] = nl ? '.' : ',';
    out[k++] = raw[i];
  }
  if (dot && k + 3 < n) {
    out[k++] = nl ? ',' : '.';
    out[k++] = dot[1];
  }
  out[k] = '\0';
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

static void row_line(text *t, const cs_monitor_row *r, int nl, int wi, int wp) {
  char place[128], tg[40], pl[40], lo[40], hi[40], re[40], df[40], pc[40], band[84];
  place_label(r, nl, place, sizeof place);
  human(r->target, nl, tg, sizeof tg);
  human(r->planned, nl, pl, sizeof pl);
  human(r->realised, nl, re, sizeof re);
  human(r->difference, nl, df, sizeof df);
  human(r->difference_pct, nl, pc, sizeof pc);
  human(r->low, nl, lo, sizeof lo);
  human(r->high, nl, hi, sizeof hi);
  if (isnan(r->low))
    snprintf(band, sizeof band, "-");
  else
    snprintf(band, sizeof band, "%s - %s", lo, hi);
  put(t, "%4d  %-*s  %-*s %12s %12s %23s %12s %12s %7s  %s\n", r->year, wi, r->indicator, wp, place,
      tg, pl, band, re, df, pc, status_word(r->status, nl));
}

static void header(text *t, const cs_monitor *m, int nl, int wi, int wp) {
  if (nl)
    put(t, "Monitoring: gerealiseerd tegen gepland (het plan-scenario van de run%s)\n",
        m->draws ? "" : "; zonder PSA: de 5 %-regel");
  else
    put(t, "Monitoring: realised against planned (the run's plan scenario%s)\n",
        m->draws ? "" : "; no PSA: the 5 % rule");
  if (m->draws)
    put(t, nl ? "PSA-band: 2,5-97,5 %% van %d trekkingen\n" : "PSA band: 2.5-97.5 %% of %d draws\n",
        m->draws);
  put(t, "\n%4s  %-*s  %-*s %12s %12s %23s %12s %12s %7s  %s\n", nl ? "jaar" : "year", wi,
      "indicator", wp, nl ? "plaats" : "place", nl ? "mijlpaal" : "milestone",
      nl ? "gepland" : "planned", nl ? "band (95 %)" : "band (95 %)",
      nl ? "gerealiseerd" : "realised", nl ? "verschil" : "difference", "%", "status");
}

/* The count of each status, one line. */
static void footer(text *t, const cs_monitor *m, int nl) {
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
  text t = {0};
  header(&t, m, nl, wi, wp);
  for (size_t i = 0; i < m->ncell; i++)
    row_line(&t, &m->row[i], nl, wi, wp);
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
  fputc('\n', f);
}

cs_status cs_monitor_write_csv(const cs_monitor *m, const char *path, cs_diags *d) {
  if (!m || !path || !d) return CS_EINVAL;
  size_t n = strlen(path) + 32;
  char *tmp = cs_malloc(n);
  if (!tmp) return CS_ENOMEM;
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wx");
  int err = errno;
  if (f) {
    fputs("year,indicator,level,place,subregion,direction,target,planned,p2_5,p97_5,realised,"
          "difference,difference_pct,status,realised_from,source\n",
          f);
    for (size_t i = 0; i < m->ncell; i++)
      csv_row(f, &m->row[i]);
    int bad = ferror(f) | fflush(f) | fsync(fileno(f));
    err = errno;
    if (fclose(f) != 0 && !bad) bad = 1, err = errno;
    if (!bad && rename(tmp, path) != 0) bad = 1, err = errno;
    if (!bad) {
      cs_free(tmp);
      return CS_OK;
    }
    unlink(tmp);
  }
  cs_diags_add(d, path, 0, 0, "cannot write monitoring.csv: %s", strerror(err));
  cs_free(tmp);
  return CS_EIO;
}
