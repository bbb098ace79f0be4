/* indicator.c: what an actual measures (participants:acp, units:hospital_day, population, ...)
 * and where (an area, a subregion, the region), named as the plan names them, with a
 * did-you-mean for a near miss. */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cs_ind_kind_name[CS_IND_N] = {"participants", "units",      "cost",
                                                "fte_demand",   "supply_fte", "population"};

static const char *const WHAT[CS_IND_N] = {"intervention", "sector", "payer", "group", "group", ""};

/* Levenshtein distance, capped: names are short. */
static int distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return 100;
  int row[65];
  for (size_t j = 0; j <= lb; j++)
    row[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

const char *cs_mon_suggest(const char *word, const char *const *cand, size_t n) {
  const char *best = NULL;
  int bd = 100;
  for (size_t i = 0; i < n; i++) {
    int d = cand[i] ? distance(word, cand[i]) : 100;
    if (d < bd) bd = d, best = cand[i];
  }
  size_t lw = strlen(word);
  int limit = lw <= 3 ? 1 : lw <= 6 ? 2 : 3; /* as the plan's did-you-mean */
  return bd <= limit ? best : NULL;
}

/* The ids of kind k's objects: a pointer to the first id and the stride between them. */
static int ids_of(const cs_plan *pl, cs_ind_kind k, const char *const **base, size_t *stride) {
  int n = k == CS_IND_PARTICIPANTS ? pl->niv
          : k == CS_IND_UNITS      ? pl->nsector
          : k == CS_IND_COST       ? pl->npayer
          : k == CS_IND_POPULATION ? 0
                                   : pl->ngroup;
  if (n == 0) return 0; /* no array to point into */
  switch (k) {
  case CS_IND_PARTICIPANTS: *base = &pl->ivs[0].id, *stride = sizeof pl->ivs[0]; break;
  case CS_IND_UNITS: *base = &pl->sectors[0].id, *stride = sizeof pl->sectors[0]; break;
  case CS_IND_COST: *base = &pl->payers[0].id, *stride = sizeof pl->payers[0]; break;
  default: *base = pl->groups, *stride = sizeof *pl->groups; break;
  }
  return n;
}

static const char *id_at(const char *const *base, size_t stride, int i) {
  return *(const char *const *)((const char *)base + (size_t)i * stride);
}

/* The object named id among kind k's, or -1 with the message. */
static int find_obj(const cs_plan *pl, cs_ind_kind k, const char *id, const char *whole, char *msg,
                    size_t n) {
  const char *const *base = NULL;
  size_t stride = 0;
  int cnt = ids_of(pl, k, &base, &stride);
  for (int i = 0; i < cnt; i++)
    if (!strcmp(id_at(base, stride, i), id)) return i;
  const char *best = NULL;
  for (int i = 0; i < cnt; i++) { /* nearest of all: the list may be long */
    const char *s = id_at(base, stride, i), *b = cs_mon_suggest(id, &s, 1);
    if (b && (!best || distance(id, b) < distance(id, best))) best = b;
  }
  if (best)
    snprintf(msg, n, "unknown %s '%.80s' in '%.120s' (did you mean '%s'?)", WHAT[k], id, whole,
             best);
  else {
    char list[160] = "";
    for (int i = 0; i < cnt && i < 6; i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
               id_at(base, stride, i));
    snprintf(msg, n, "unknown %s '%.80s' in '%.120s' (expected one of the plan's: %s%s)", WHAT[k],
             id, whole, cnt ? list : "none", cnt > 6 ? ", ..." : "");
  }
  return -1;
}

static int bad_kind(const char *s, size_t klen, char *msg, size_t n) {
  char kind[64];
  snprintf(kind, sizeof kind, "%.*s", (int)(klen < 63 ? klen : 63), s);
  const char *best = cs_mon_suggest(kind, cs_ind_kind_name, CS_IND_N);
  char hint[48] = "";
  if (best) snprintf(hint, sizeof hint, "did you mean '%s'? ", best);
  snprintf(msg, n,
           "unknown indicator '%.80s' (%sexpected participants:<intervention>, "
           "units:<sector>, cost:<payer>, fte_demand:<group>, supply_fte:<group> or population)",
           s, hint);
  return -1;
}

int cs_ind_parse(const cs_plan *pl, const char *s, cs_indicator *out, char *msg, size_t n) {
  if (!*s) {
    snprintf(msg, n, "empty indicator (expected e.g. participants:<intervention> or population)");
    return -1;
  }
  const char *colon = strchr(s, ':');
  size_t klen = colon ? (size_t)(colon - s) : strlen(s);
  int k = 0;
  while (k < CS_IND_N &&
         (strlen(cs_ind_kind_name[k]) != klen || strncmp(s, cs_ind_kind_name[k], klen)))
    k++;
  if (k == CS_IND_N) return bad_kind(s, klen, msg, n);
  out->kind = (cs_ind_kind)k;
  out->obj = -1;
  if (k == CS_IND_POPULATION) {
    if (!colon) return 0;
    snprintf(msg, n, "'%.80s': population takes no id (expected population)", s);
    return -1;
  }
  if (!colon || !colon[1]) {
    snprintf(msg, n, "'%.80s' names no %s (expected %s:<%s>)", s, WHAT[k], cs_ind_kind_name[k],
             WHAT[k]);
    return -1;
  }
  out->obj = find_obj(pl, out->kind, colon + 1, s, msg, n);
  return out->obj < 0 ? -1 : 0;
}

/* Area ids, subregion names and "region": the candidates of a did-you-mean. */
static const char *nearest_place(const cs_plan *pl, const char *s) {
  const char *best = cs_mon_suggest(s, (const char *const[]){"region"}, 1);
  int bd = best ? distance(s, best) : 100;
  for (int32_t a = 0; a < pl->narea + pl->nsub; a++) {
    const char *c = a < pl->narea ? pl->areas[a].id : pl->subs[a - pl->narea];
    const char *b = cs_mon_suggest(s, &c, 1);
    if (b && distance(s, b) < bd) bd = distance(s, b), best = b;
  }
  return best;
}

int cs_place_parse(const cs_plan *pl, const char *s, cs_place *out, char *msg, size_t n) {
  for (int32_t a = 0; a < pl->narea; a++)
    if (!strcmp(pl->areas[a].id, s)) {
      *out = (cs_place){CS_LVL_AREA, a};
      return 0;
    }
  for (int32_t r = 0; r < pl->nsub; r++)
    if (!strcmp(pl->subs[r], s)) {
      *out = (cs_place){CS_LVL_SUB, r};
      return 0;
    }
  if (!strcmp(s, "region")) {
    *out = (cs_place){CS_LVL_REGION, 0};
    return 0;
  }
  const char *best = *s ? nearest_place(pl, s) : NULL;
  if (best)
    snprintf(msg, n, "unknown area or subregion '%.80s' (did you mean '%s'?)", s, best);
  else
    snprintf(msg, n,
             "unknown area or subregion '%.80s' (expected an area id of the plan's areas, a "
             "subregion such as '%s', or region)",
             s, pl->nsub ? pl->subs[0] : "");
  return -1;
}

void cs_ind_format(const cs_plan *pl, cs_indicator ind, char *buf, size_t n) {
  if (ind.kind == CS_IND_POPULATION) {
    snprintf(buf, n, "population");
    return;
  }
  const char *const *base = NULL;
  size_t stride = 0;
  ids_of(pl, ind.kind, &base, &stride);
  snprintf(buf, n, "%s:%s", cs_ind_kind_name[ind.kind], id_at(base, stride, ind.obj));
}

const char *cs_place_id(const cs_plan *pl, cs_place p) {
  return p.level == CS_LVL_AREA  ? pl->areas[p.idx].id
         : p.level == CS_LVL_SUB ? pl->subs[p.idx]
                                 : "region";
}

const char *cs_place_name(const cs_plan *pl, cs_place p) {
  if (p.level == CS_LVL_AREA) return pl->areas[p.idx].name ? pl->areas[p.idx].name : "";
  return p.level == CS_LVL_SUB ? pl->subs[p.idx] : "";
}

int cs_place_has_area(const cs_plan *pl, cs_place p, int32_t a) {
  return p.level == CS_LVL_REGION || (p.level == CS_LVL_SUB && pl->areas[a].sub == p.idx) ||
         (p.level == CS_LVL_AREA && p.idx == a);
}
