/* fmt.c: numbers and names in the report's language. A board member reads "EUR 44,3 mln", not
 * 44291919 or 4.43e+07, so every number on the page goes through here. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void cs_fmt_num(char *b, size_t n, double v, int dec, int nl) {
  if (!isfinite(v)) {
    snprintf(b, n, "-");
    return;
  }
  char raw[512]; /* %f of the largest double is 309 digits: no exponent, ever */
  snprintf(raw, sizeof raw, "%.*f", dec, fabs(v));
  if (!strcmp(raw, "0") || strspn(raw, "0.") == strlen(raw)) v = 0; /* no "-0,0" */
  const char *dot = strchr(raw, '.');
  size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw), k = 0;
  char out[700];
  if (v < 0) out[k++] = '-';
  for (size_t i = 0; i < ilen; i++) {
    if (i && (ilen - i) % 3 == 0) out[k++] = nl ? '.' : ',';
    out[k++] = raw[i];
  }
  if (dot) {
    out[k++] = nl ? ',' : '.';
    for (const char *p = dot + 1; *p; p++)
      out[k++] = *p;
  }
  out[k] = '\0';
  snprintf(b, n, "%s", out);
}

void cs_fmt_eur(char *b, size_t n, double v, int nl) {
  char num[700];
  double a = fabs(v);
  if (a >= 1e9) {
    cs_fmt_num(num, sizeof num, v / 1e9, 2, nl);
    snprintf(b, n, "EUR %s %s", num, nl ? "mld" : "bn");
  } else if (a >= 1e6) {
    cs_fmt_num(num, sizeof num, v / 1e6, 1, nl);
    snprintf(b, n, "EUR %s mln", num);
  } else {
    cs_fmt_num(num, sizeof num, v, 0, nl);
    snprintf(b, n, "EUR %s", num);
  }
}

void cs_fmt_share(char *b, size_t n, double v, int dec, int nl) {
  char num[700];
  cs_fmt_num(num, sizeof num, 100 * v, dec, nl);
  snprintf(b, n, "%s%%", num);
}

const char *cs_payer_label(const cs_rdata *r, const char *id) {
  if (!strcmp(id, "total")) return cs_tr(r, "Total", "Totaal");
  if (!strcmp(id, "none")) return cs_tr(r, "No one's investment", "Geen investering");
  if (!strcmp(id, "zvw")) return cs_tr(r, "Zvw (insurers)", "Zvw (verzekeraars)");
  if (!strcmp(id, "wlz")) return cs_tr(r, "Wlz (long-term care)", "Wlz (langdurige zorg)");
  if (!strcmp(id, "wmo")) return cs_tr(r, "Wmo (municipalities)", "Wmo (gemeenten)");
  return id;
}

const char *cs_crit_label(const cs_rdata *r, const char *id) {
  static const char *const names[][3] = {
      {"care_use", "Care use", "Zorggebruik"},
      {"patient_flows", "Patient flows", "Patiëntstromen"},
      {"staff", "Staff", "Personeel"},
      {"real_estate", "Real estate", "Vastgoed"},
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(id, names[i][0])) return names[i][r->nl ? 2 : 1];
  return id;
}

/* Looks id up in rows of {id, en, nl}; the id itself when it has no label. */
static const char *label_of(const cs_rdata *r, const char *const (*names)[3], size_t n,
                            const char *id) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(id, names[i][0])) return names[i][r->nl ? 2 : 1];
  return id;
}

const char *cs_sector_label(const cs_rdata *r, const char *id) {
  static const char *const names[][3] = {
      {"gp", "GP care", "Huisartsenzorg"},
      {"hospital_day", "Hospital days", "Ziekenhuisdagen"},
      {"outpatient", "Outpatient visits", "Poliklinische bezoeken"},
      {"ed_visit", "Emergency visits", "SEH-bezoeken"},
      {"msz_other", "Other hospital care", "Overige medisch-specialistische zorg"},
      {"mh_contact", "Mental health", "GGZ"},
      {"district_nursing_hour", "District nursing", "Wijkverpleging"},
      {"elv_day", "Short-stay beds (ELV)", "Eerstelijnsverblijf"},
      {"hospice_day", "Hospice", "Hospice"},
      {"nursing_home_day", "Nursing home", "Verpleeghuis"},
      {"home_support_hour", "Home support (Wmo)", "Hulp bij het huishouden (Wmo)"},
      {"zvw_other", "Other Zvw care", "Overige Zvw-zorg"},
  };
  return label_of(r, names, sizeof names / sizeof *names, id);
}

const char *cs_group_label(const cs_rdata *r, const char *id) {
  static const char *const names[][3] = {
      {"ggz", "Mental health", "GGZ"},
      {"huisartsenzorg", "GP care", "Huisartsenzorg"},
      {"sociaal", "Social domain", "Sociaal domein"},
      {"vvt", "Nursing and home care", "VVT"},
      {"ziekenhuis", "Hospital", "Ziekenhuis"},
      {"overig", "Other", "Overig"},
  };
  return label_of(r, names, sizeof names / sizeof *names, id);
}

const char *cs_scenario_label(const cs_rdata *r, const char *id) {
  static const char *const names[][3] = {
      {"plan", "Plan", "Plan"},
      {"baseline", "Baseline", "Basispad"},
  };
  return label_of(r, names, sizeof names / sizeof *names, id);
}
