/* summary.c: the short story of a run for the terminal, in English or Dutch: the region's
 * population and ageing, care cost and staff gap per subregion (baseline), and the plan's
 * verdict on the four IZA criteria with its business case per stakeholder. */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *pop_title, *subregion, *pop, *share75, *cost_title, *zvw_cost, *gap, *verdict_title,
      *criterion, *value, *threshold, *substantial, *yes, *no, *passes, *fails, *npv_title,
      *stakeholder, *investment, *savings, *npv, *break_even, *none, *region, *short_term,
      *long_term, *front_share, *gap_closed, *psa_title, *p_npv, *p_passes, *staff_saved,
      *staff_own, *staff_net, *every_scenario, *qalys, *marginal, *gap_scope, *sectors, *outputs,
      *total, *horizon, *defs, *p_subst, *draws, *baseline_passes, *wf_share, *wf_scale;
  const char *ce[CS_CE_N];
  const char *crit[CS_CRIT_N]; /* the criteria's names */
  /* each criterion's definition around its payer or sectors (staff and real estate: none) */
  const char *def[CS_CRIT_N][2];
  const char *rel, *abs_fte, *abs_m2; /* "% of the baseline's", staff / m2 absolute */
} labels;

static const labels EN = {
    "Population (baseline)",
    "subregion",
    "population",
    "share 75+",
    "Care cost and staff (baseline)",
    "Zvw cost (EUR m)",
    "staff gap (FTE)",
    "IZA quick test, scenario 'plan' against baseline",
    "criterion",
    "value",
    "threshold",
    "substantial",
    "yes",
    "no",
    "PASSES: at least one criterion substantial",
    "does not pass: no criterion substantial",
    "Business case (discounted, EUR)",
    "stakeholder",
    "investment",
    "savings",
    "NPV",
    "break-even",
    "none",
    "region",
    "short term",
    "long term",
    "front-of-chain share of care cost (change, points)",
    "share of the staff shortage closed (demand, supply and the plan's own staff)",
    "Uncertainty, plan",
    "P(NPV > 0)",
    "P(passes the quick test)",
    "staff: FTE demand saved",
    "- the plan's own staff",
    "= net",
    "substantial in every scenario, each theme left out too: it does not tell the plan's "
    "choices apart, in",
    "QALYs gained (discounted)",
    "NPV at marginal prices (savings_marginal, business_case.csv)",
    "staff gap: FTE demand of the modelled sectors minus the supply of workforce.csv, per group "
    "and subregion where demand exceeds supply (as staff.csv); care outside these sectors is "
    "not in it",
    "sectors",
    "outputs",
    "total",
    "at the horizon",
    "what the criteria measure (docs/model.md section 8)",
    "P(substantial)",
    "draws",
    "the baseline itself (value 0) meets the threshold: it does not depend on the plan, in",
    "of the region's",
    "care-and-welfare FTE (workforce_total_fte); at the same relative shortage the whole "
    "workforce's gap is this many times the figures above:",
    {"dominant: saves money and gains health", "cost per QALY gained (EUR)",
     "dominated: costs money and loses health", "saves money but loses health",
     "no change in health"},
    {"care_use", "patient_flows", "staff", "real_estate"},
    {{"care_use: the fall in the ", " care cost of the year, % of the baseline's; threshold"},
     {"patient_flows: units of ",
      " moved to the front of the chain (social, primary), % of the baseline's units of those "
      "denominator sectors; threshold"},
     {"staff: FTE demand saved minus the plan's own staff; threshold", NULL},
     {"real_estate: care floor area less (m2); threshold", NULL}},
    "% of the baseline's in the year",
    "FTE (absolute)",
    "m2 (absolute)"};

static const labels NL = {
    "Bevolking (basisscenario)",
    "subregio",
    "bevolking",
    "aandeel 75+",
    "Zorgkosten en personeel (basisscenario)",
    "Zvw-kosten (mln EUR)",
    "personeelstekort (fte)",
    "IZA snelle toets, scenario 'plan' tegen basisscenario",
    "criterium",
    "waarde",
    "drempel",
    "substantieel",
    "ja",
    "nee",
    "VOLDOET: minstens een criterium substantieel",
    "voldoet niet: geen criterium substantieel",
    "Businesscase (contante waarde, EUR)",
    "belanghebbende",
    "investering",
    "besparing",
    "NCW",
    "terugverdiend",
    "geen",
    "regio",
    "korte termijn",
    "lange termijn",
    "aandeel voorkant van de keten in zorgkosten (verschil, procentpunt)",
    "deel van het personeelstekort dat verdwijnt (vraag, aanbod en eigen inzet)",
    "Onzekerheid, plan",
    "P(NCW > 0)",
    "P(voldoet aan de snelle toets)",
    "personeel: bespaarde fte-vraag",
    "- eigen inzet van het plan",
    "= netto",
    "substantieel in elk scenario, ook zonder elk thema: het onderscheidt de keuzes van het "
    "plan niet, in",
    "gewonnen QALY's (contante waarde)",
    "NCW tegen marginale prijzen (savings_marginal, business_case.csv)",
    "personeelstekort: fte-vraag van de gemodelleerde sectoren min het aanbod uit "
    "workforce.csv, per groep en subregio waar de vraag groter is (als staff.csv); zorg buiten "
    "deze sectoren telt niet mee",
    "sectoren",
    "uitvoer",
    "totaal",
    "aan het eind van de horizon",
    "wat de criteria meten (docs/model.md, sectie 8)",
    "P(substantieel)",
    "trekkingen",
    "ook het basisscenario zelf (waarde 0) haalt de drempel: het hangt niet van het plan af, in",
    "van de",
    "fte in zorg en welzijn van de regio (workforce_total_fte); bij een even groot relatief tekort "
    "is het tekort van alle zorg en welzijn zoveel maal de cijfers hierboven:",
    {"dominant: bespaart geld en wint gezondheid", "kosten per gewonnen QALY (EUR)",
     "gedomineerd: kost geld en verliest gezondheid", "bespaart geld maar verliest gezondheid",
     "geen verandering in gezondheid"},
    {"zorggebruik", "patientstromen", "personeel", "vastgoed"},
    {{"zorggebruik: daling van de ", "-zorgkosten van het jaar, % van die van het "
                                     "basisscenario; drempel"},
     {"patientstromen: eenheden ", " verschoven naar de voorkant van de keten (sociaal, eerste "
                                   "lijn), % van die eenheden in het basisscenario; drempel"},
     {"personeel: bespaarde fte-vraag min de eigen inzet van het plan; drempel", NULL},
     {"vastgoed: minder zorgvloeroppervlak (m2); drempel", NULL}},
    "% van het basisscenario in het jaar",
    "fte (absoluut)",
    "m2 (absoluut)"};

/* Sums a demography column over the areas of subregion r (r < 0: whole region). */
static double sub_demo(const cs_run *run, int32_t i, int32_t y, int32_t r, int col) {
  const cs_results *res = &run->r;
  double s = 0.0;
  for (int32_t a = 0; a < res->na; a++)
    if (r < 0 || run->pl->areas[a].sub == r)
      s += res->demo[(cs_ix_sy(res, i, y) * res->na + a) * CS_DEMO_N + col];
  return s;
}

static double sub_payer_cost(const cs_run *run, int32_t y, int32_t r, int32_t payer) {
  const cs_results *res = &run->r;
  double s = 0.0;
  for (int32_t a = 0; a < res->na; a++) {
    if (r >= 0 && run->pl->areas[a].sub != r) continue;
    for (int32_t c = 0; c < res->nc; c++)
      if (run->pl->sectors[c].payer == payer)
        s += res->care[((cs_ix_sy(res, 0, y) * res->na + a) * res->nc + c) * CS_CARE_N +
                       CS_CARE_COST];
  }
  return s;
}

static double sub_gap(const cs_run *run, int32_t y, int32_t r) {
  const cs_results *res = &run->r;
  double s = 0.0;
  for (int32_t q = 0; q < res->nr; q++) {
    if (r >= 0 && q != r) continue;
    for (int32_t g = 0; g < res->ng; g++) {
      size_t k = (cs_ix_sy(res, 0, y) * res->nr + q) * res->ng + g;
      /* a surplus in one group does not staff another (as staff.csv's shortage) */
      s += fmax(0.0, res->wf_dem[k] - res->wf_sup[k]);
    }
  }
  return s;
}

static void population_block(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  int32_t y1 = pl->nyear - 1;
  fprintf(f, "%s\n  %-28s %25s %21s\n", L->pop_title, "", L->pop, L->share75);
  fprintf(f, "  %-28s %12d %12d %10d %10d\n", L->subregion, pl->T0, pl->T1, pl->T0, pl->T1);
  for (int32_t r = -1; r < pl->nsub; r++) {
    double p0 = sub_demo(run, 0, 0, r, CS_DEMO_POP), p1 = sub_demo(run, 0, y1, r, CS_DEMO_POP);
    double o0 = sub_demo(run, 0, 0, r, CS_DEMO_POP75), o1 = sub_demo(run, 0, y1, r, CS_DEMO_POP75);
    fprintf(f, "  %-28s %12.0f %12.0f %9.1f%% %9.1f%%\n", r < 0 ? L->region : pl->subs[r], p0, p1,
            p0 > 0 ? 100 * o0 / p0 : 0.0, p1 > 0 ? 100 * o1 / p1 : 0.0);
  }
}

static void care_block(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  int32_t y1 = pl->nyear - 1, zvw = CS_NONE;
  for (int32_t p = 0; p < pl->npayer; p++)
    if (!strcmp(pl->payers[p].id, "zvw")) zvw = p;
  fprintf(f, "\n%s\n  %-28s %23s %23s\n", L->cost_title, "", L->zvw_cost, L->gap);
  fprintf(f, "  %-28s %11d %11d %11d %11d\n", L->subregion, pl->T0, pl->T1, pl->T0, pl->T1);
  for (int32_t r = -1; r < pl->nsub; r++) {
    double c0 = zvw == CS_NONE ? 0 : sub_payer_cost(run, 0, r, zvw) / 1e6;
    double c1 = zvw == CS_NONE ? 0 : sub_payer_cost(run, y1, r, zvw) / 1e6;
    fprintf(f, "  %-28s %11.1f %11.1f %11.0f %11.0f\n", r < 0 ? L->region : pl->subs[r], c0, c1,
            sub_gap(run, 0, r), sub_gap(run, y1, r));
  }
  /* what the gap covers: a board reads "6,520 FTE short" as the whole region's care */
  double dem = 0.0;
  size_t RG = (size_t)run->r.nr * run->r.ng;
  for (size_t rg = 0; rg < RG; rg++)
    dem += run->r.wf_dem[cs_ix_sy(&run->r, 0, 0) * RG + rg];
  fprintf(f, "  %s (%d %s, %.0f FTE, %d)\n", L->gap_scope, pl->nsector, L->sectors, dem, pl->T0);
  /* how the figures scale to the region's whole care workforce, when the plan says its size */
  /* (a total below the modelled sectors' own demand cannot be the whole workforce: left out) */
  if (pl->wf_total >= dem && dem > 0.0)
    fprintf(f, "  = %.0f%% %s %.0f %s %.1f\n", 100.0 * dem / pl->wf_total, L->wf_share,
            pl->wf_total, L->wf_scale, pl->wf_total / dem);
}

/* A criterion that the baseline itself would meet (its value is 0 by definition), or that is
 * substantial in every scenario, the plan without each of its themes and every scale or pace
 * variant included, says nothing about the plan's choices: say so. */
static void undiscriminating(FILE *f, const cs_run *run, int32_t y, const labels *L) {
  const cs_results *r = &run->r;
  for (int32_t c = 0; c < CS_CRIT_N; c++) {
    if (cs_crit_substantial(&run->ec, y, c, 0.0)) {
      fprintf(f, "  %s: %s %d\n", L->crit[c], L->baseline_passes, run->pl->T0 + y);
      continue;
    }
    if (run->nsc < 3) continue; /* only the plan: nothing to tell apart */
    int all = 1;
    for (int32_t i = 1; i < run->nsc && all; i++)
      all = cs_crit_substantial(&run->ec, y, c, run->ec.crit[cs_ix_sy(r, i, y) * CS_CRIT_N + c]);
    if (all) fprintf(f, "  %s: %s %d\n", L->crit[c], L->every_scenario, run->pl->T0 + y);
  }
}

/* The criteria in the horizon year too, when the long-term year is earlier (issue 9: the
 * IZA milestones are 2027 and 2030; keep the horizon in view). */
static void horizon_line(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  int32_t y = pl->T1 - pl->T0;
  if (pl->crit_year == pl->T1) return;
  fprintf(f, "  %s %d:", L->horizon, pl->T1);
  for (int32_t c = 0; c < CS_CRIT_N; c++)
    fprintf(f, " %s %.4g %s%s", L->crit[c], run->ec.crit[cs_ix_sy(&run->r, 1, y) * CS_CRIT_N + c],
            cs_crit_unit[c], c + 1 < CS_CRIT_N ? ";" : " (criteria.csv)\n");
}

/* What each criterion measures and how its threshold is set, beside the values: an analyst
 * must not have to open the plan to know a relative bar from an absolute one. */
static void definitions(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  char what[512] = "";
  for (int32_t c = 0, n = 0; c < pl->nsector; c++)
    if (pl->flow_den[c])
      n += snprintf(what + n, n < (int)sizeof what ? sizeof what - (size_t)n : 0, "%s%s",
                    n ? ", " : "", pl->sectors[c].id);
  const char *payer = pl->crit_payer == CS_NONE ? "-" : pl->payers[pl->crit_payer].id;
  double thr[CS_CRIT_N] = {pl->care_use_pct, pl->patient_flows_pct, pl->staff_fte,
                           pl->real_estate_m2};
  int rel[CS_CRIT_N] = {1, 1, pl->staff_rel, pl->real_estate_rel};
  fprintf(f, "  %s:\n", L->defs);
  for (int32_t c = 0; c < CS_CRIT_N; c++) {
    fprintf(f, "    %s", L->def[c][0]);
    if (L->def[c][1]) fprintf(f, "%s%s", c == CS_CRIT_CARE_USE ? payer : what, L->def[c][1]);
    fprintf(f, " %.4g %s\n", thr[c], rel[c] ? L->rel : c == CS_CRIT_STAFF ? L->abs_fte : L->abs_m2);
  }
}

static void verdict_block(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  const cs_results *r = &run->r;
  int32_t ys = pl->crit_short_year - pl->T0, yl = pl->crit_year - pl->T0;
  fprintf(f, "\n%s\n  %-19s | %-37s | %-37s\n", L->verdict_title, "", L->short_term, L->long_term);
  fprintf(f, "  %-19s | %-5s %10s %10s %-9s | %-5s %10s %10s %-9s\n", L->criterion, "", L->value,
          L->threshold, L->substantial, "", L->value, L->threshold, L->substantial);
  int pass[2] = {0, 0};
  for (int32_t c = 0; c < CS_CRIT_N; c++) {
    char name[40];
    snprintf(name, sizeof name, "%s (%s)", L->crit[c], cs_crit_unit[c]);
    fprintf(f, "  %-19s", name);
    for (int k = 0; k < 2; k++) {
      int32_t y = k ? yl : ys;
      double v = run->ec.crit[cs_ix_sy(r, 1, y) * CS_CRIT_N + c];
      int yes = cs_crit_substantial(&run->ec, y, c, v);
      pass[k] |= yes;
      fprintf(f, " | %-5d %10.4g %10.4g %-9s", pl->T0 + y, v,
              run->ec.threshold[(size_t)y * CS_CRIT_N + c], yes ? L->yes : L->no);
    }
    fprintf(f, "\n");
  }
  fprintf(f, "  %s: %s | %s: %s\n", L->short_term, pass[0] ? L->passes : L->fails, L->long_term,
          pass[1] ? L->passes : L->fails);
  if (ys != yl) undiscriminating(f, run, ys, L);
  undiscriminating(f, run, yl, L);
  horizon_line(f, run, L);
  definitions(f, run, L);
  double fs =
      100 * (run->ec.front_share[cs_ix_sy(r, 1, yl)] - run->ec.front_share[cs_ix_sy(r, 0, yl)]);
  fprintf(f, "  %s %d: %+.3f\n", L->front_share, pl->T0 + yl, fs);
  fprintf(f, "  %s %d: %.1f%%\n", L->gap_closed, pl->T0 + yl,
          100 * run->ec.gap_closed[cs_ix_sy(r, 1, yl)]);
  for (int k = 0; k < 2; k++) {
    size_t at = cs_ix_sy(r, 1, k ? yl : ys);
    fprintf(f, "  %d %s %.1f %s %.1f %s %.1f fte (staff.csv)\n", pl->T0 + (k ? yl : ys),
            L->staff_saved, run->ec.staff_gross[at], L->staff_own, r->own_fte[at], L->staff_net,
            run->ec.crit[at * CS_CRIT_N + CS_CRIT_STAFF]);
  }
}

/* When some sector saves less than its price per unit less (marginal_share < 1), the NPV at
 * those marginal prices, per stakeholder: the number a budget holder can bank on. */
static void marginal_line(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  int any = 0;
  for (int32_t c = 0; c < pl->nsector; c++)
    any |= pl->sectors[c].marginal_share < 1.0;
  if (!any) return;
  fprintf(f, "  %s:", L->marginal);
  for (int32_t p = 0; p <= pl->npayer; p++) {
    double inv = run->ec.inv[(size_t)run->ec.nst + p];
    fprintf(f, " %s %.0f%s", p < pl->npayer ? pl->payers[p].id : L->total,
            cs_savings_marginal(&run->view, 1, p) - inv, p < pl->npayer ? ";" : "");
  }
  fprintf(f, "\n");
}

static void npv_block(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  const cs_econ *e = &run->ec;
  fprintf(f, "\n%s, plan\n  %-14s %15s %15s %15s %11s\n", L->npv_title, L->stakeholder,
          L->investment, L->savings, L->npv, L->break_even);
  for (int32_t p = 0; p < e->nst; p++) {
    size_t k = (size_t)1 * e->nst + p;
    char be[16];
    if (e->break_even[k] == CS_YEAR_NONE)
      snprintf(be, sizeof be, "%s", L->none);
    else
      snprintf(be, sizeof be, "%d", e->break_even[k]);
    fprintf(f, "  %-14s %15.0f %15.0f %15.0f %11s\n", p < pl->npayer ? pl->payers[p].id : L->total,
            e->inv[k], e->sav[k], e->npv[k], be);
  }
  marginal_line(f, run, L);
  int v = cs_ce_verdict(e->dqaly[1], e->npv[(size_t)1 * e->nst + e->nst - 1]);
  fprintf(f, "  %s: %.1f; %s", L->qalys, e->dqaly[1], L->ce[v]);
  if (v == CS_CE_ICER) fprintf(f, ": %.0f", e->cost_per_qaly[1]);
  fprintf(f, "\n");
}

static void psa_block(FILE *f, const cs_run *run, const labels *L) {
  const cs_plan *pl = run->pl;
  const cs_psa *p = &run->psa;
  fprintf(f, "\n%s (%d %s)\n  %-14s %11s\n", L->psa_title, p->ndraw, L->draws, L->stakeholder,
          L->p_npv);
  for (int32_t s = 0; s <= pl->npayer; s++)
    fprintf(f, "  %-14s %10.1f%%\n", s < pl->npayer ? pl->payers[s].id : L->total,
            100 * cs_psa_share_above0(p, 1, cs_psa_met_npv(pl, s)));
  cs_psa_share sh = cs_psa_shares(pl, p, 1);
  /* short term first; one line when both verdicts are read in the same year */
  for (int term = pl->crit_short_year != pl->crit_year; term >= 0; term--) {
    const double *v = term ? sh.substantial_short : sh.substantial;
    fprintf(f, "  %s, %s (%d):", L->p_subst, term ? L->short_term : L->long_term,
            term ? pl->crit_short_year : pl->crit_year);
    for (int32_t c = 0; c < CS_CRIT_N; c++)
      fprintf(f, " %s %.1f%%%s", L->crit[c], 100 * v[c], c + 1 < CS_CRIT_N ? ";" : "\n");
  }
  fprintf(f, "  %s: %s %.1f%%; %s %.1f%%\n", L->p_passes, L->short_term, 100 * sh.passes_short,
          L->long_term, 100 * sh.passes);
}

cs_status cs_run_summary(const cs_run *run, const char *lang, char **out_text) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return CS_ENOMEM;
  const labels *L = (lang && !strcmp(lang, "nl")) ? &NL : &EN;
  population_block(f, run, L);
  care_block(f, run, L);
  if (run->pl->niv > 0 && run->nsc > 1) {
    verdict_block(f, run, L);
    npv_block(f, run, L);
    if (run->has_psa && run->psa.ndraw > 0) psa_block(f, run, L);
  }
  if (fclose(f) != 0) {
    free(buf);
    return CS_ENOMEM;
  }
  /* open_memstream's buffer is libc's; the caller frees with cs_free, the library's hook */
  *out_text = cs_strndup(buf, len);
  free(buf);
  return *out_text ? CS_OK : CS_ENOMEM;
}
