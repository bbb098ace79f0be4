#!/usr/bin/env python3
"""Build the built-in example plan examples/zuid-limburg/ from the public data files.

    python3 scripts/derive_example.py ../shared/data examples/zuid-limburg

Deterministic (no randomness); standard library only. Every derivation step is
described in docs/example.md; derived figures are also written to
OUT/derived-figures.md so that the docs can be checked against a fresh run.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from example.data import (AREAS, SUBREGIONS, SEXES, AGES, MAX_AGE, national_population,  # noqa: E402
                          BEEKDAELEN_2015_NAMES, national_deaths, life_table, extend_q100, regional_key_figures,
                          zl_population_2021_age5, split_to_single_years, wpp_fertility, num)
from example import demography as dm  # noqa: E402
from example import states as st  # noqa: E402
from example import care  # noqa: E402
from example import plan_yaml  # noqa: E402

DATA_YEAR = 2021
BASE = 2024
HORIZON = 2040
BOYS = 0.512


def fmt(v, nd=6):
    s = f"{v:.{nd}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class Writer:
    def __init__(self, outdir):
        self.outdir = outdir
        os.makedirs(outdir, exist_ok=True)

    def csv(self, name, header, rows, sources):
        with open(os.path.join(self.outdir, name), "w", encoding="utf-8", newline="\n") as fh:
            for line in sources:
                fh.write(f"# source: {line}\n" if not line.startswith(" ") else f"#{line}\n")
            fh.write(",".join(header) + "\n")
            for r in rows:
                fh.write(",".join(str(v) for v in r) + "\n")

    def text(self, name, text):
        with open(os.path.join(self.outdir, name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def derive(datadir, outdir):
    w = Writer(outdir)
    fig = {}                                         # derived figures for the docs

    # ------------------------------------------------------------ demography inputs
    natpop = national_population(datadir)
    natdeaths = national_deaths(datadir)
    q_nl = life_table(datadir)
    fig["q100"] = extend_q100(q_nl)
    keyfig = regional_key_figures(datadir)
    smr, obs_d, exp_d = dm.regional_smr(keyfig, natpop, natdeaths)
    fig["smr"] = (smr, obs_d, exp_d)
    q = {k: min(1.0, round(v * smr, 6)) for k, v in q_nl.items()}
    improvement, imp_se, asdr = dm.mortality_trend(natpop, natdeaths)
    fig["improvement"] = (improvement, imp_se, asdr)

    pop5 = zl_population_2021_age5(datadir)
    pop2021 = split_to_single_years(pop5, natpop, DATA_YEAR)
    latest, tfr, period, pasfr = wpp_fertility(datadir)
    fratio, fcrude, fperiod = dm.fertility_ratio(keyfig, natpop, pop2021, tfr, pasfr)
    fig["fertility"] = (latest, tfr[latest], period, fratio, fcrude, fperiod)
    fert = {}
    for lab, pct in sorted(pasfr[period].items()):
        lo = int(lab.split("-")[0])
        for x in range(lo, lo + 5):
            fert[x] = round(tfr[latest] * pct / 100.0 / 5.0 * fratio, 6)
    fig["tfr_zl"] = sum(fert.values())

    births15 = num(keyfig["NL01"]["Geboorte_58"])
    intl_prof, nl_net = dm.national_net_migration_profile(natpop, natdeaths, 2015, births15)
    munmig = dm.municipal_migration(keyfig)
    mig = {k: round(v, 3) for k, v in dm.migration_table(munmig, intl_prof).items()}
    fig["migration"] = (munmig, nl_net, sum(mig.values()))

    # ------------------------------------------------------------ base population
    years = dm.project(pop2021, q, 2022, improvement, fert, BOYS, mig, DATA_YEAR, BASE)
    pop = {k: round(v, 3) for k, v in years[BASE].items()}
    fig["pop"] = {y: years[y] for y in years}
    # the plan's own baseline population path (same steps as the model, without states)
    fut = dm.project(pop, q, BASE, improvement, fert, BOYS, mig, BASE, HORIZON)
    fig["pop"].update({y: fut[y] for y in (2025, 2030, 2034, 2035, 2040)})

    # ------------------------------------------------------------ states
    sh, dep_mid = st.shares(natpop)
    fig["dep_mid"] = dep_mid
    trans = st.transitions(sh, q)

    # ------------------------------------------------------------ care use (calibrated)
    weights = {(s, x): sum(pop[(a, s, x)] for a, _, _ in AREAS) for s in SEXES for x in AGES}
    targets, iy = care.vektis_targets(datadir)
    # each municipality's own level (area_use_index, by Vektis category), solved together with
    # the rates of an index-1 area so that the region still meets every band (care.area_index)
    area_ids = [a for a, _, _ in AREAS]
    muni = care.vektis_municipal(datadir, AREAS, {n: "GM1954" for n in BEEKDAELEN_2015_NAMES})
    index, scale, iters = care.area_index(muni, area_ids)
    rates, notes = care.calibrate(care.index_one_targets(targets, scale), weights, sh, q, st.RR)
    if notes:
        raise SystemExit(f"end-of-life cost above 60 % of the target in {notes}")
    fig["targets"] = targets
    fig["area_index"] = (index, scale, iters, muni)
    plan_yaml.AREA_INDEX.update(index)

    # ------------------------------------------------------------ write tables
    w.csv("areas.csv", ["area", "name", "subregion"], AREAS, [
        "CBS municipality codes, current boundaries (Beekdaelen GM1954 = Nuth + Onderbanken + Schinnen",
        " since 1-1-2019); subregions per FACTS.md 3.1 (GGD Zuid-Limburg / IZA grouping)."])

    rows = [(a, s, x, fmt(pop[(a, s, x)], 3)) for a, _, _ in AREAS for s in SEXES for x in AGES]
    w.csv("population.csv", ["area", "sex", "age", "count"], rows, [
        f"CBS 83502NED residents 1-1-{DATA_YEAR} by 5-year group and sex (cbs_population_zuid_limburg_2021_age5_sex.csv),",
        f" split to single years with NL shares of the same year and sex (CBS 03759ned), then projected",
        f" {DATA_YEAR} -> {BASE} with this plan's own mortality, fertility and migration tables",
        " (scripts/example/demography.py project(); docs/example.md). Bron: CBS."])

    rows = [(s, x, fmt(q[(s, x)], 6)) for s in SEXES for x in AGES]
    w.csv("mortality.csv", ["sex", "age", "q"], rows, [
        "CBS 37360ned life table NL 2022 (cbs_life_table_nl_2022.csv), one-year death probability,",
        f" x {smr:.4f} = indirectly standardised mortality ratio Zuid-Limburg (COROP CR39) vs NL 2015",
        f" ({obs_d:.0f} observed / {exp_d:.1f} expected deaths; CBS 70072ned, CBS 37168, CBS 03759ned).",
        f" Age 100 (100+): Gompertz slope of ages 90-99 continued one year. Bron: CBS."])

    rows = [(x, fmt(fert[x], 6)) for x in sorted(fert)]
    w.csv("fertility.csv", ["age", "rate"], rows, [
        f"UN WPP 2024: NL TFR {latest} = {tfr[latest]} x age share (pasfr, period {period}) / 100 / 5 per single age,",
        f" x {fratio:.4f} = indirectly standardised fertility ratio Zuid-Limburg vs NL 2015 (CBS 70072ned",
        f" Geboorte_58; docs/example.md). Resulting Zuid-Limburg TFR {fig['tfr_zl']:.3f}.",
        " United Nations, DESA, Population Division, World Population Prospects 2024; Bron: CBS."])

    rows = [(a, s, x, fmt(mig[(a, s, x)], 3)) for a, _, _ in AREAS for s in SEXES for x in AGES
            if abs(mig[(a, s, x)]) >= 0.0005]
    w.csv("migration.csv", ["area", "sex", "age", "net"], rows, [
        "CBS 70072ned 2015 per municipality (Beekdaelen = Nuth+Onderbanken+Schinnen): domestic balance",
        " (BinnenlandsMigratiesaldo_71) spread over ages with the Rogers-Castro (1981) model schedule,",
        " international balance (Migratiesaldo_76) with the NL 2015 net-migration age-sex profile",
        f" (residual method, CBS 03759ned + 37168). Net total {sum(mig.values()):.0f} persons/yr. Bron: CBS."])

    rows = []
    for s in SEXES:
        for x in AGES:
            for k in st.STATES:
                rows.append((s, x, k, str(sh[(s, x)][k])))
    w.csv("state_shares.csv", ["sex", "age", "state", "share"], rows, [
        "derived (scripts/example/states.py; docs/example.md): >=1 chronic condition CBS Gezondheidsenquete",
        " 2001 (CBS news 2003/22); frail = Fried phenotype prevalence, Collard et al. JAGS 2012; dependent =",
        f" Wlz institution, logistic in age (width {st.DEP_WIDTH}, midpoint {dep_mid:.2f}) fitted to 7.6 % of NL 75+ in",
        " care/nursing homes 2020 (FACTS.md 5.3). healthy = 1 - others (exact decimal sum)."])

    rows = []
    for s in SEXES:
        for x in AGES:
            src = x
            for (a, b) in (("healthy", "chronic"), ("chronic", "frail"), ("chronic", "dependent"),
                           ("frail", "dependent")):
                p = trans.get((s, src, a, b))
                if p:
                    rows.append((s, x, a, b, fmt(p, 8)))
    w.csv("transitions.csv", ["sex", "age", "from", "to", "p"], rows, [
        "derived from state_shares.csv (prevalence-to-incidence, no recovery): the probabilities that carry",
        " the survivors' state mix at age x to the mix at x+1 under the state mortality of MODEL.md step 1",
        " (q x rr / rbar); for 100+ the mix at 100 itself. scripts/example/states.py transitions()."])

    # use.csv: calibrated Zvw sectors by Vektis band + non-calibrated sectors
    rows = []
    for sid in care.CALIBRATED:
        for k in st.STATES:
            for s in SEXES:
                for b in care.BANDS:
                    r = rates[(sid, k, s, b)]
                    if r > 0:
                        rows.append((sid, k, s, b[0], b[1], fmt(r, 6)))
    for k, s, lo, hi, r in plan_yaml.OTHER_USE:
        rows.append((k[0], k[1], s, lo, hi, fmt(r, 6)))
    w.csv("use.csv", ["sector", "state", "sex", "age_from", "age_to", "rate"], rows, [
        "Zvw sectors: calibrated so that base-year Zvw cost per person by sex and Vektis age band equals the",
        " Vektis Zvw cost per insured year 2015 of the 19 (2015) Zuid-Limburg municipalities x CBS CPI",
        f" 2015->2022 {care.CPI_2015_TO_2022} (docs/calibration.md; scripts/calibration_check.py). bron: Vektis.",
        " nursing_home_day = 365 days per dependent person-year (Wlz residence, by definition of the state);",
        " home_support_hour: documented estimate (docs/example.md)."])

    rows = [(a, sid, fmt(index[(a, care.CATEGORY_OF[sid])], 6)) for a in area_ids
            for sid in care.CALIBRATED + ["hospice_day"]]
    w.csv("area_use_index.csv", ["area", "sector", "index"], rows, [
        "Vektis Open Databestand Zvw 2015 per municipality, sex and age class (bron: Vektis);",
        " Beekdaelen GM1954 = Nuth + Onderbanken + Schinnen. Indirect standardisation per Vektis",
        " category (GP columns -> gp; verpleging en verzorging -> district_nursing_hour; the three GGZ",
        " columns -> mh_contact; medisch-specialistische zorg -> hospital_day, outpatient, ed_visit,",
        " msz_other; all other columns -> zvw_other and hospice_day): the municipality's Vektis cost over",
        " what use.csv (the rates of an index-1 area) gives its own 2015 insured years by sex and band;",
        " use.csv is solved with these indexes so the regional cost per band stays on Vektis",
        " (scripts/example/care.py area_index; docs/calibration.md). Other sectors: index 1 (no rows)."])

    rows = []
    for sid in care.EOL:
        for k in st.STATES:
            for s in SEXES:
                for lo, hi in ((18, 79), (80, MAX_AGE)):
                    r = care.eol_rate(sid, k, lo)
                    if r > 0:
                        rows.append((sid, k, s, lo, hi, fmt(r, 6)))
    w.csv("eol.csv", ["sector", "state", "sex", "age_from", "age_to", "rate"], rows, [
        "units per decedent in the year of death: CBS Statistische Trends 2020 (51 % of deceased 80+ admitted",
        " in the last year of life), CBS 2012 mean stay 5.2 days, PAID last-year-of-life cost ratios",
        " (FACTS.md 5.2), and documented estimates (scripts/example/care.py EOL; docs/example.md)."])

    # ------------------------------------------------------------ workforce
    wf, wf_info = plan_yaml.workforce_rows(pop, years, q, sh, rates, improvement, fert, mig, BOYS)
    fig["workforce"] = wf_info
    w.csv("workforce.csv", ["group", "subregion", "fte", "retire_rate", "outflow_rate", "inflow_fte"], wf, [
        "FACTS.md 3.3: shortage Zuid-Limburg 2,200 (2024) -> 9,900 (2034) (PMZW 2024 via Skipr); outflow about",
        " 11 %/yr (CBS AZW 155k of 1.4M). Base supply = modelled base-year FTE demand of the group x (1 - 2,200 /",
        " care-and-welfare workforce 42,000 = CBS 70072ned 252,000 jobs CR39 2015 x 1/6, UWV), allocated to",
        " subregions by population share; inflow calibrated so the gap reaches 9,900/42,000 of demand in 2034."])

    # ------------------------------------------------------------ plan.yaml
    ctx = plan_yaml.context(pop, sh, q, rates, improvement, imp_se, fig)
    w.text("plan.yaml", plan_yaml.render(ctx))
    w.text("derived-figures.md", plan_yaml.figures_md(fig, ctx, pop, weights))
    return fig


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    derive(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
