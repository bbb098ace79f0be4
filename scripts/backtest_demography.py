#!/usr/bin/env python3
"""Back-test of careshift's demography against observed population (issue 10, docs/validation.md).

    python3 scripts/backtest_demography.py ../shared/data OUTDIR [--careshift EXE] [--markdown]
    python3 scripts/backtest_demography.py ../shared/data --derive tests/data/backtest

1. Regional: the 16 Zuid-Limburg municipalities on 1 January 2015 (CBS 70072ned key figures:
   9 age groups and the sex totals per municipality; Nuth + Onderbanken + Schinnen = Beekdaelen
   GM1954) are split to single years of age and sex with the national 2015 population (IPF
   over age group x sex, then national single-year shares within each cell), projected by
   careshift to 1 January 2021 with the built-in example's own demographic tables
   (examples/zuid-limburg mortality.csv, fertility.csv, migration.csv and its mortality
   improvement and share of boys), and compared with CBS 83502NED 2021 per municipality,
   5-year age band and sex.
2. National: the Netherlands on 1 January 2015 by single year and sex (CBS 03759ned/7461bev),
   projected to 1 January 2025 with the CBS 2022 life table (improving by the 2010-2019 NL
   trend), the mean WPP 2024 age-specific fertility of 2015-2024 and the mean net migration
   by sex and age of 2015-2024 derived from the observed series by the residual method
   (partly circular: see the header of national_bands.csv), compared with the observed 2025
   population by single year, 5-year band and sex, and the modelled deaths per year with
   the observed deaths (CBS 37168).

The compact inputs (start populations, observed targets, national tables) are written first
to a directory (--derive DIR, or a temporary one); the plans are built from that directory
only, so tests/test_backtest.py runs the same code from tests/data/backtest without the
shared data. Both back-tests are also run with `demography.life_table_age: completed` (the
model's survival-ratio reading of the life table, docs/model.md section 2), reported beside
the default `exact` in regional_variants.csv and national_variants.csv. --markdown prints the
tables of docs/validation.md (written to OUTDIR/tables.md as well), rounded as printed there.
Standard library only.
"""

import argparse
import csv
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from example import data as exdata  # noqa: E402  (the example's readers of the CBS files)

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
EXAMPLE = os.path.join(REPO, "examples", "zuid-limburg")
SEXES = ("f", "m")
MAX_AGE = 100                      # 100 = 100+
AGES = range(0, MAX_AGE + 1)
LIFE_TABLE_YEAR = 2022             # CBS 37360ned: the q of the example's mortality.csv is this year's
START, REGIONAL_END, NATIONAL_END = 2015, 2021, 2025
BEEKDAELEN_2015 = ("GM0951", "GM0881", "GM0962")      # Nuth, Onderbanken, Schinnen -> GM1954 (2019)
# CBS 70072ned age groups of the 2015 key figures: (column, label, from, to)
KEY_GROUPS = [
    ("JongerDan5Jaar_4", "0-4", 0, 4), ("k_5Tot10Jaar_5", "5-9", 5, 9),
    ("k_10Tot15Jaar_6", "10-14", 10, 14), ("k_15Tot20Jaar_7", "15-19", 15, 19),
    ("k_20Tot25Jaar_8", "20-24", 20, 24), ("k_25Tot45Jaar_9", "25-44", 25, 44),
    ("k_45Tot65Jaar_10", "45-64", 45, 64), ("k_65Tot80Jaar_11", "65-79", 65, 79),
    ("k_80JaarOfOuder_12", "80+", 80, MAX_AGE),
]
BANDS = [(f"{lo}-{lo + 4}", lo, lo + 4) for lo in range(0, 95, 5)] + [("95+", 95, MAX_AGE)]

SRC_REGIONAL = ("CBS 70072ned (regional key figures 2015), CBS 83502NED (residents 1-1-2021 by "
                "postcode area, summed to municipality; rounded to 5), CBS 03759ned/7461bev (NL by "
                "single year). Bron: CBS")
SRC_NATIONAL = ("CBS 03759ned/7461bev (NL population 1 January by single year and sex), CBS 37168 "
                "(deaths), CBS 37360ned (life table 2022). Bron: CBS. United Nations, DESA, "
                "Population Division, World Population Prospects 2024 (fertility)")


# ---------------------------------------------------------------- small helpers

def read_rows(fname, delimiter=","):
    """CSV rows as dicts; '#' lines skipped, byte-order mark allowed."""
    with open(fname, encoding="utf-8-sig", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter=delimiter))


def num(text):
    return float(str(text).strip())


def write_csv(fname, header_lines, columns, rows):
    with open(fname, "w", encoding="utf-8", newline="") as fh:
        for line in header_lines:
            fh.write(f"# {line}\n" if line else "#\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)


def fmt(v, nd=6):
    """Shortest decimal text for v at nd decimals (no trailing zeros)."""
    t = f"{v:.{nd}f}".rstrip("0").rstrip(".")
    return "0" if t in ("-0", "") else t


def pct(err, obs):
    return 100.0 * err / obs if obs else float("nan")


def band_of(age):
    for lab, lo, hi in BANDS:
        if lo <= age <= hi:
            return lab
    raise ValueError(age)


# ---------------------------------------------------------------- derive (reads ../shared/data)

def nl_population(datadir):
    """{(year, sex, age): count}, 1 January, ages above 100 folded into 100+ (the example's
    reader of the same CBS file)."""
    return exdata.national_population(datadir)


def nl_deaths(datadir):
    """{(year, sex, age at death): deaths}, ages above 100 folded into 100+."""
    return exdata.national_deaths(datadir)


def nl_life_table(datadir):
    """{(sex, age): q} of 2022, ages 0..99 from CBS 37360ned, 100+ continuing the Gompertz
    slope of ages 90..99 one year (as the example's mortality.csv does)."""
    q = exdata.life_table(datadir)
    exdata.extend_q100(q)
    return q


def mortality_trend(pop, deaths, first=2010, last=2019, std_year=2015):
    """Annual fall of the NL age-standardised death rate (ages 0-99, both sexes, NL 2015
    standard), log-linear least squares over first..last (the example's method)."""
    std = {(s, x): pop[(std_year, s, x)] for s in SEXES for x in range(0, 100)}
    tot = sum(std.values())
    years, logs = [], []
    for t in range(first, last + 1):
        asdr = sum(w / tot * deaths[(t, s, x)] / ((pop[(t, s, x)] + pop[(t + 1, s, x)]) / 2.0)
                   for (s, x), w in std.items())
        years.append(t)
        logs.append(math.log(asdr))
    my, ml = sum(years) / len(years), sum(logs) / len(logs)
    slope = (sum((y - my) * (lg - ml) for y, lg in zip(years, logs))
             / sum((y - my) ** 2 for y in years))
    return 1.0 - math.exp(slope)


def wpp_mean_fertility(datadir, first, last):
    """{age: births per woman per year}: the mean over years first..last of WPP 2024 TFR of the
    year x the age pattern (pasfr) of its 5-year period / 100 / 5. Years after the last
    TFR in the file (2023) take the last TFR."""
    tfr = {int(r["year"]): num(r["tfr"])
           for r in read_rows(os.path.join(datadir, "wpp2024_nl_total_fertility.csv"))}
    shares = {}
    for r in read_rows(os.path.join(datadir, "wpp2024_nl_fertility_age_share.csv")):
        shares.setdefault(r["period"], {})[r["age"]] = num(r["pasfr"])
    rate, used = {}, {}
    n = last - first + 1
    for year in range(first, last + 1):
        t = tfr[min(year, max(tfr))]
        used[year] = t
        period = next(p for p in shares if int(p[:4]) <= year < int(p[5:]))
        for lab, share in shares[period].items():
            lo = int(lab.split("-")[0])
            for x in range(lo, lo + 5):
                rate[x] = rate.get(x, 0.0) + t * share / 100.0 / 5.0 / n
    return rate, used


def residual_migration(pop, deaths, first, last):
    """{(sex, age): mean net migration per year} at age on 1 January t+1 over t = first..last,
    residual method: M(y) = P(y, t+1) - P(y-1, t) + deaths of that cohort in t (half the
    deaths at y-1 and at y); open group 100+: P(100+, t+1) - P(99, t) - P(100+, t) + half
    the deaths at 99 + all at 100+. Age 0: 0 (the data have no births by year)."""
    out = {}
    n = last - first + 1
    for s in SEXES:
        for y in range(1, MAX_AGE + 1):
            tot = 0.0
            for t in range(first, last + 1):
                if y < MAX_AGE:
                    tot += (pop[(t + 1, s, y)] - pop[(t, s, y - 1)]
                            + (deaths[(t, s, y - 1)] + deaths[(t, s, y)]) / 2.0)
                else:
                    tot += (pop[(t + 1, s, y)] - pop[(t, s, y - 1)] - pop[(t, s, y)]
                            + deaths[(t, s, y - 1)] / 2.0 + deaths[(t, s, y)])
            out[(s, y)] = tot / n
        out[(s, 0)] = 0.0
    return out


def derive(datadir, out):
    """Writes the compact inputs of the back-test to `out` (tests/data/backtest)."""
    os.makedirs(out, exist_ok=True)
    by = "Derived by scripts/backtest_demography.py --derive from ../shared/data."
    areas = [(r["area"], r["name"]) for r in read_rows(os.path.join(EXAMPLE, "areas.csv"))]
    name_of = dict(areas)
    # 1. the 2015 key figures per current municipality
    key = {}
    for r in read_rows(os.path.join(datadir, "cbs_regional_key_figures_zuid_limburg_2015.csv"), ";"):
        key[r["RegioS"].strip()] = r
    rows = []
    for code, _ in areas:
        parts = BEEKDAELEN_2015 if code == "GM1954" else (code,)
        for col, lab, _, _ in KEY_GROUPS:
            rows.append([code, lab, "all", int(sum(num(key[p][col]) for p in parts))])
        for col, s in (("Vrouwen_3", "f"), ("Mannen_2", "m")):
            rows.append([code, "all", s, int(sum(num(key[p][col]) for p in parts))])
    write_csv(os.path.join(out, "zl_2015.csv"),
              ["source: CBS 70072ned regional key figures 2015 (population on 1 January 2015) of the",
               "16 current Zuid-Limburg municipalities; GM1954 Beekdaelen = GM0951 Nuth + GM0881",
               "Onderbanken + GM0962 Schinnen (merged 1-1-2019). Residents per age group (both",
               "sexes, sex = all) and per sex (all ages, group = all). Bron: CBS. " + by],
              ["area", "group", "sex", "count"], rows)
    rows = []
    for code, _ in areas:
        parts = BEEKDAELEN_2015 if code == "GM1954" else (code,)
        rows.append([code] + [int(sum(num(key[p][c]) for p in parts)) for c in
                              ("Geboorte_58", "Sterfte_60", "BinnenlandsMigratiesaldo_71", "Migratiesaldo_76")])
    write_csv(os.path.join(out, "zl_2015_events.csv"),
              ["source: CBS 70072ned regional key figures 2015: live births (Geboorte_58), deaths",
               "(Sterfte_60), domestic (BinnenlandsMigratiesaldo_71) and international (Migratiesaldo_76)",
               "net migration during 2015 per current municipality (Beekdaelen = its three parts). Bron: CBS. " + by],
              ["area", "births", "deaths", "domestic_net", "international_net"], rows)
    # 2. observed 2021 per municipality, band and sex
    rows = []
    for r in read_rows(os.path.join(datadir, "cbs_population_zuid_limburg_2021_age5_sex.csv")):
        code = next(c for c, n in areas if n == r["gemeente"])
        rows.append((code, r["leeftijd"], "f", int(num(r["inwoners_vrouw"]))))
        rows.append((code, r["leeftijd"], "m", int(num(r["inwoners_man"]))))
    order = {lab: i for i, (lab, _, _) in enumerate(BANDS)}
    rows.sort(key=lambda r: ([c for c, _ in areas].index(r[0]), order[r[1]], r[2]))
    assert len(rows) == len(areas) * len(BANDS) * 2 and all(name_of[r[0]] for r in rows)
    write_csv(os.path.join(out, "zl_2021.csv"),
              ["source: CBS 83502NED residents on 1 January 2021 by postcode area, 5-year age band",
               "and sex, summed to municipality (cbs_population_zuid_limburg_2021_age5_sex.csv; CBS",
               "rounds each postcode-area count to 5, and a postcode area counts in one municipality,",
               "so the totals are approximate). Bron: CBS. " + by],
              ["area", "band", "sex", "count"], rows)
    # 3. national population 2015 and 2025 by single year (100 = 100+)
    pop, deaths = nl_population(datadir), nl_deaths(datadir)
    write_csv(os.path.join(out, "nl_population.csv"),
              ["source: CBS 03759ned / 7461bev, the Netherlands on 1 January by single year of age and",
               "sex; ages above 100 folded into 100 (100+). 2015: the start of the national back-test",
               "and the single-year shares of the regional split; 2021: the shares of the split diagnostic;",
               "2025: the national target. Bron: CBS. " + by],
              ["year", "sex", "age", "count"],
              [[y, s, x, int(pop[(y, s, x)])] for y in (START, REGIONAL_END, NATIONAL_END)
               for s in SEXES for x in AGES])
    # 4. national deaths per year (observed), for the check of the modelled deaths
    write_csv(os.path.join(out, "nl_deaths.csv"),
              ["source: CBS 37168 deaths in the Netherlands by year and sex (all ages). Bron: CBS. " + by],
              ["year", "sex", "deaths"],
              [[t, s, int(sum(deaths[(t, s, x)] for x in AGES))]
               for t in range(START, NATIONAL_END) for s in SEXES])
    # 5. national demographic tables
    q = nl_life_table(datadir)
    write_csv(os.path.join(out, "nl_mortality.csv"),
              [f"source: CBS 37360ned life table NL {LIFE_TABLE_YEAR}, one-year death probability, ages 0-99;",
               "100 (100+) continues the Gompertz slope of ages 90-99 one year. The level of "
               f"{LIFE_TABLE_YEAR}: the",
               "back-test moves it to 2015 with the mortality improvement of nl_parameters.csv. Bron: CBS. " + by],
              ["sex", "age", "q"], [[s, x, fmt(q[(s, x)], 8)] for s in SEXES for x in AGES])
    fert, used = wpp_mean_fertility(datadir, START, NATIONAL_END - 1)
    write_csv(os.path.join(out, "nl_fertility.csv"),
              [f"source: UN WPP 2024 NL: mean over {START}-{NATIONAL_END - 1} of TFR of the year x age share (pasfr) of its",
               "period / 100 / 5 per single age; TFR " +
               ", ".join(f"{y} {t:.3f}" for y, t in used.items()) + f" (mean {sum(used.values()) / len(used):.4f};",
               "2024 is not in the file and takes 2023). United Nations, DESA, Population Division, World",
               "Population Prospects 2024. " + by],
              ["age", "rate"], [[x, fmt(fert[x], 8)] for x in sorted(fert)])
    mig = residual_migration(pop, deaths, START, NATIONAL_END - 1)
    write_csv(os.path.join(out, "nl_migration.csv"),
              [f"source: mean NL net migration per year {START}-{NATIONAL_END - 1} by sex and age on 1 January t+1, residual",
               "method from CBS 03759ned/7461bev and CBS 37168: P(y,t+1) - P(y-1,t) + half the deaths at",
               "y-1 and y in t (100+: open group); age 0 = 0 (no births by year in the data). Taken from",
               f"the observed series: total {sum(mig.values()):,.0f} a year. Bron: CBS. " + by],
              ["sex", "age", "net"], [[s, x, fmt(mig[(s, x)], 2)] for s in SEXES for x in AGES])
    imp = mortality_trend(pop, deaths)
    write_csv(os.path.join(out, "nl_parameters.csv"),
              ["mortality_improvement: annual fall of the NL age-standardised death rate 2010-2019",
               "(ages 0-99, both sexes, NL 2015 standard, log-linear least squares; CBS 37168, 03759ned),",
               "the example's method; boys: the example's share of boys; births_2015_observed: CBS 70072ned",
               "Geboorte_58 NL 2015; tfr_*: UN WPP 2024 NL total fertility (the example's fertility.csv",
               "uses tfr_2023; tfr_2015_2020_mean serves a sensitivity variant). " + by],
              ["name", "value"],
              [["mortality_improvement", fmt(imp, 6)], ["boys", "0.512"],
               ["life_table_year", LIFE_TABLE_YEAR], ["births_2015_observed", int(num(key["NL01"]["Geboorte_58"]))],
               ["tfr_2015_2020_mean", fmt(sum(used[y] for y in range(2015, 2021)) / 6, 6)],
               ["tfr_2023", fmt(used[2023], 6)]])


# ---------------------------------------------------------------- inputs of the back-test

def example_parameters(example=EXAMPLE):
    """The example plan's mortality improvement (its mean) and share of boys."""
    with open(os.path.join(example, "plan.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r"^\s*mortality_improvement:\s*(?:\{[^}\n]*\bmean:\s*([-+0-9.eE]+)|([-+0-9.eE]+))",
                  text, re.M)
    b = re.search(r"^\s*boys:\s*(?:\{[^}\n]*\bmean:\s*([-+0-9.eE]+)|([-+0-9.eE]+))", text, re.M)
    if not m:
        raise ValueError(f"no demography.mortality_improvement (number or mean) in {example}/plan.yaml")
    imp = float(m.group(1) or m.group(2))
    boys = float(b.group(1) or b.group(2)) if b else 0.512
    return imp, boys


def load(datadir, example=EXAMPLE):
    """Reads the compact inputs (tests/data/backtest or a --derive directory) and the example's
    demographic tables. Returns a dict."""
    d = {"areas": [(r["area"], r["name"], r["subregion"])
                   for r in read_rows(os.path.join(example, "areas.csv"))]}
    d["zl2015"] = {(r["area"], r["group"], r["sex"]): num(r["count"])
                   for r in read_rows(os.path.join(datadir, "zl_2015.csv"))}
    d["zl2015ev"] = {r["area"]: {k: num(v) for k, v in r.items() if k != "area"}
                     for r in read_rows(os.path.join(datadir, "zl_2015_events.csv"))}
    d["zl2021"] = {(r["area"], r["band"], r["sex"]): num(r["count"])
                   for r in read_rows(os.path.join(datadir, "zl_2021.csv"))}
    d["nlpop"] = {(int(r["year"]), r["sex"], int(r["age"])): num(r["count"])
                  for r in read_rows(os.path.join(datadir, "nl_population.csv"))}
    d["nldeaths"] = {(int(r["year"]), r["sex"]): num(r["deaths"])
                     for r in read_rows(os.path.join(datadir, "nl_deaths.csv"))}
    d["nlq"] = {(r["sex"], int(r["age"])): num(r["q"])
                for r in read_rows(os.path.join(datadir, "nl_mortality.csv"))}
    d["nlfert"] = {int(r["age"]): num(r["rate"])
                   for r in read_rows(os.path.join(datadir, "nl_fertility.csv"))}
    d["nlmig"] = {(r["sex"], int(r["age"])): num(r["net"])
                  for r in read_rows(os.path.join(datadir, "nl_migration.csv"))}
    d["nlpar"] = {r["name"]: num(r["value"]) for r in read_rows(os.path.join(datadir, "nl_parameters.csv"))}
    d["exq"] = {(r["sex"], int(r["age"])): num(r["q"])
                for r in read_rows(os.path.join(example, "mortality.csv"))}
    d["exfert"] = {int(r["age"]): num(r["rate"]) for r in read_rows(os.path.join(example, "fertility.csv"))}
    d["exmig"] = {(r["area"], r["sex"], int(r["age"])): num(r["net"])
                  for r in read_rows(os.path.join(example, "migration.csv"))}
    d["eximp"], d["exboys"] = example_parameters(example)
    return d


def regional_start(d):
    """{(area, sex, age): count} on 1-1-2015: per municipality, IPF of the age group x sex
    table (seed: NL 2015) to the municipal age-group and sex totals, then each cell split to
    single years with the NL 2015 single-year shares of that sex."""
    nl = {(s, x): d["nlpop"][(START, s, x)] for s in SEXES for x in AGES}
    seed = {(s, g): sum(nl[(s, x)] for x in range(lo, hi + 1))
            for s in SEXES for _, g, lo, hi in KEY_GROUPS}
    pop = {}
    for code, _, _ in d["areas"]:
        gtot = {g: d["zl2015"][(code, g, "all")] for _, g, _, _ in KEY_GROUPS}
        stot = {s: d["zl2015"][(code, "all", s)] for s in SEXES}
        c = dict(seed)
        for _ in range(200):
            for g in gtot:                                   # age-group margins
                f = gtot[g] / (c[("f", g)] + c[("m", g)])
                for s in SEXES:
                    c[(s, g)] *= f
            for s in SEXES:                                  # sex margins
                f = stot[s] / sum(c[(s, g)] for g in gtot)
                for g in gtot:
                    c[(s, g)] *= f
        for s in SEXES:
            for _, g, lo, hi in KEY_GROUPS:
                for x in range(lo, hi + 1):
                    pop[(code, s, x)] = c[(s, g)] * nl[(s, x)] / seed[(s, g)]
    return pop


def split_diagnostic(d):
    """How much of a band's error the start split alone can make: the observed 2021 counts,
    regrouped to the nine 2015 key-figure groups per sex, split back to single years with the
    NL 2021 shares and summed to 5-year bands. Returns {(area, band): (split, observed)},
    both sexes."""
    out = {}
    for a, _, _ in d["areas"]:
        for s in SEXES:
            for _, g, lo, hi in KEY_GROUPS:
                labs = [b for b, blo, bhi in BANDS if lo <= blo and bhi <= hi]
                tot = sum(d["zl2021"][(a, b, s)] for b in labs)
                w = {x: d["nlpop"][(REGIONAL_END, s, x)] for x in range(lo, hi + 1)}
                wt = sum(w.values())
                for b in labs:
                    _, blo, bhi = next(bb for bb in BANDS if bb[0] == b)
                    v = tot * sum(w[x] for x in range(blo, bhi + 1)) / wt
                    p, o = out.get((a, b), (0.0, 0.0))
                    out[(a, b)] = (p + v, o + d["zl2021"][(a, b, s)])
    return out


# ---------------------------------------------------------------- plans and runs

def write_plan(plandir, name, areas, pop, base, horizon, q, improvement, fert, boys, mig,
               life_table_age="exact"):
    """A careshift plan with one state, no care sectors and no interventions (what the
    format requires and nothing more): only the demography of MODEL.md section 2 runs.
    life_table_age: exact (careshift's default) or completed (docs/model.md section 2)."""
    os.makedirs(plandir, exist_ok=True)
    write_csv(os.path.join(plandir, "areas.csv"), [], ["area", "name", "subregion"],
              [[a, n, sub] for a, n, sub in areas])
    write_csv(os.path.join(plandir, "population.csv"), [], ["area", "sex", "age", "count"],
              [[a, s, x, repr(pop[(a, s, x)])] for a, _, _ in areas for s in SEXES for x in AGES])
    write_csv(os.path.join(plandir, "mortality.csv"), [], ["sex", "age", "q"],
              [[s, x, repr(q[(s, x)])] for s in SEXES for x in AGES])
    write_csv(os.path.join(plandir, "fertility.csv"), [], ["age", "rate"],
              [[x, repr(r)] for x, r in sorted(fert.items())])
    write_csv(os.path.join(plandir, "migration.csv"), [], ["area", "sex", "age", "net"],
              [[a, s, x, repr(v)] for (a, s, x), v in sorted(mig.items())])
    write_csv(os.path.join(plandir, "use.csv"), [], ["sector", "state", "sex", "age_from", "age_to", "rate"], [])
    with open(os.path.join(plandir, "plan.yaml"), "w", encoding="utf-8") as fh:
        fh.write(f"""# Back-test plan written by scripts/backtest_demography.py: demography only.
careshift: 1
plan:
  name: {name}
region:
  name: {name}
  areas: areas.csv
years: {{base: {base}, horizon: {horizon}}}
population: population.csv
demography:
  mortality: mortality.csv
  mortality_improvement: {improvement!r}
  life_table_age: {life_table_age}
  fertility: fertility.csv
  boys: {boys!r}
  migration: migration.csv
payers:
  - {{id: none, name: No payer}}
sectors: []
use: use.csv
economics:
  price_year: {base}
  intervention_shapley: none
themes: []
""")


def run(exe, plandir):
    """Runs careshift; returns ({(year, area, sex, age): count} of the baseline,
    {(year, area): demography row}, the run log)."""
    out = os.path.join(plandir, "out")
    for cmd in (["check", os.path.join(plandir, "plan.yaml")],
                ["run", os.path.join(plandir, "plan.yaml"), "--out", out, "--detail", "--quiet"]):
        r = subprocess.run([exe] + cmd, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"careshift {cmd[0]} failed ({r.returncode}): {r.stdout}{r.stderr}")
    pop = {}
    with open(os.path.join(out, "population.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["scenario"] == "baseline":
                k = (int(r["year"]), r["area"], r["sex"], int(r["age"]))
                pop[k] = pop.get(k, 0.0) + float(r["count"])
    demo = {}
    with open(os.path.join(out, "demography.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["scenario"] == "baseline":
                demo[(int(r["year"]), r["area"])] = {k: float(r[k]) for k in
                                                     ("population", "births", "deaths", "migration")}
    with open(os.path.join(out, "run.log"), encoding="utf-8") as fh:
        log = fh.read()
    return pop, demo, log


def backdate(q, improvement, years):
    """q of the life-table year moved `years` earlier: q / (1 - i)^years (at most 1)."""
    return {k: min(1.0, v / (1.0 - improvement) ** years) for k, v in q.items()}


# ---------------------------------------------------------------- the regional back-test

REGIONAL_VARIANTS = {
    "main": "the example's tables; q of 2022 moved back to 2015 with the example's improvement",
    "q_2022_level": "the example's mortality.csv unchanged as the 2015 level (no back-dating)",
    "fertility_2015_2020": "fertility.csv x mean WPP TFR 2015-2020 / WPP TFR 2023 (the example's level)",
    "no_migration": "migration.csv left out",
    "completed": "as main, with life_table_age: completed (the survival ratio of mortality.csv, "
                 "docs/model.md section 2)",
}


def regional(d, exe, work, variant="main"):
    """Projects 2015 -> 2021 and compares. Returns (cells, areas_rows, log): cells
    {(area, band, sex): (projected, observed)} with band 'total' and sex 'all' included."""
    areas = d["areas"]
    pop0 = regional_start(d)
    q = dict(d["exq"])
    if variant != "q_2022_level":
        q = backdate(q, d["eximp"], LIFE_TABLE_YEAR - START)
    fert = dict(d["exfert"])
    if variant == "fertility_2015_2020":
        f = d["nlpar"]["tfr_2015_2020_mean"] / d["nlpar"]["tfr_2023"]
        fert = {x: r * f for x, r in fert.items()}
    mig = {} if variant == "no_migration" else d["exmig"]
    plandir = os.path.join(work, f"regional-{variant}")
    write_plan(plandir, "Zuid-Limburg back-test 2015-2021", areas, pop0, START, REGIONAL_END,
               q, d["eximp"], fert, d["exboys"], mig,
               "completed" if variant == "completed" else "exact")
    pop, demo, log = run(exe, plandir)
    cells = {}
    for a, _, _ in areas:
        for s in SEXES:
            for x in AGES:
                k = (a, band_of(x), s)
                p = cells.get(k, (0.0, 0.0))[0] + pop[(REGIONAL_END, a, s, x)]
                cells[k] = (p, d["zl2021"][k])
    for (a, b, s), (p, o) in list(cells.items()):
        for key in ((a, b, "all"), (a, "total", s), (a, "total", "all")):
            pp, oo = cells.get(key, (0.0, 0.0))
            cells[key] = (pp + p, oo + o)
    start = {a: sum(pop0[(a, s, x)] for s in SEXES for x in AGES) for a, _, _ in areas}
    return cells, start, demo, log


def regional_summary(cells, areas):
    """Summary figures of the regional comparison (both sexes)."""
    codes = [a for a, _, _ in areas]
    band_labels = [b for b, _, _ in BANDS]
    out = {}
    tot_p = sum(cells[(a, "total", "all")][0] for a in codes)
    tot_o = sum(cells[(a, "total", "all")][1] for a in codes)
    out["total"] = (tot_p, tot_o, pct(tot_p - tot_o, tot_o))
    out["municipal_total_pct"] = {a: pct(cells[(a, "total", "all")][0] - cells[(a, "total", "all")][1],
                                         cells[(a, "total", "all")][1]) for a in codes}
    out["band_mape"] = {}
    out["band_region_pct"] = {}
    for b in band_labels:
        errs = [abs(pct(cells[(a, b, "all")][0] - cells[(a, b, "all")][1], cells[(a, b, "all")][1]))
                for a in codes]
        out["band_mape"][b] = sum(errs) / len(errs)
        p = sum(cells[(a, b, "all")][0] for a in codes)
        o = sum(cells[(a, b, "all")][1] for a in codes)
        out["band_region_pct"][b] = pct(p - o, o)
    allerr = [abs(pct(cells[(a, b, "all")][0] - cells[(a, b, "all")][1], cells[(a, b, "all")][1]))
              for a in codes for b in band_labels]
    out["mape_cells"] = sum(allerr) / len(allerr)
    # weighted: sum |error| / sum observed
    out["wape_cells"] = 100.0 * (sum(abs(cells[(a, b, "all")][0] - cells[(a, b, "all")][1])
                                     for a in codes for b in band_labels)
                                 / sum(cells[(a, b, "all")][1] for a in codes for b in band_labels))
    return out


# ---------------------------------------------------------------- the national back-test

NATIONAL_VARIANTS = {
    "main": "life_table_age: exact (default): q(x) applied to persons aged x on 1 January",
    "completed": "life_table_age: completed: careshift's survival ratio for persons aged x on "
                 "1 January (x + 0.5 on average), 1 - (1 - q(x)) (2 - q(x+1)) / (2 - q(x)); 100+: q(100)",
}


def national(d, exe, work, variant="main"):
    """Projects NL 2015 -> 2025. Returns (single {(sex, age): (proj, obs)}, deaths
    {year: (modelled, observed)}, births 2015 (modelled, observed), log)."""
    imp = d["nlpar"]["mortality_improvement"]
    q = backdate(d["nlq"], imp, int(d["nlpar"]["life_table_year"]) - START)
    pop0 = {("NL", s, x): d["nlpop"][(START, s, x)] for s in SEXES for x in AGES}
    mig = {("NL", s, x): v for (s, x), v in d["nlmig"].items()}
    plandir = os.path.join(work, f"national-{variant}")
    write_plan(plandir, "Netherlands back-test 2015-2025", [("NL", "Nederland", "Nederland")], pop0,
               START, NATIONAL_END, q, imp, d["nlfert"], d["nlpar"]["boys"], mig,
               "completed" if variant == "completed" else "exact")
    pop, demo, log = run(exe, plandir)
    single = {(s, x): (pop[(NATIONAL_END, "NL", s, x)], d["nlpop"][(NATIONAL_END, s, x)])
              for s in SEXES for x in AGES}
    deaths = {t: (demo[(t, "NL")]["deaths"], sum(d["nldeaths"][(t, s)] for s in SEXES))
              for t in range(START, NATIONAL_END)}
    births = (demo[(START, "NL")]["births"], d["nlpar"]["births_2015_observed"])
    return single, deaths, births, log


def national_bands(single):
    """{(band, sex): (proj, obs)} for sex f, m, all; band 'total' included."""
    out = {}
    for (s, x), (p, o) in single.items():
        for key in ((band_of(x), s), (band_of(x), "all"), ("total", s), ("total", "all")):
            pp, oo = out.get(key, (0.0, 0.0))
            out[key] = (pp + p, oo + o)
    return out


# ---------------------------------------------------------------- reports

def write_outputs(outdir, d, reg, variants, nat, natvariants):
    os.makedirs(outdir, exist_ok=True)
    cells, start, demo, log = reg
    areas = d["areas"]
    name = {a: n for a, n, _ in areas}
    summ = regional_summary(cells, areas)
    capped = re.search(r"^migration: (.*)$", log, re.M)
    head_r = [
        "Back-test of careshift's demography, Zuid-Limburg 1-1-2015 -> 1-1-2021 (docs/validation.md).",
        "Sources: " + SRC_REGIONAL + ".",
        "Start: 2015 key figures per municipality (Beekdaelen = Nuth + Onderbanken + Schinnen), 9 age",
        "groups and the sex totals, split to single years and sex with NL 1-1-2015 (IPF over group x sex,",
        "then NL single-year shares). Projection: careshift with the example's demographic tables",
        "(examples/zuid-limburg mortality.csv, fertility.csv, migration.csv), mortality improvement",
        f"{d['eximp']} a year with the 2022 life-table level moved back to 2015 (q / (1-i)^7), boys {d['exboys']}.",
        f"careshift run log: migration {capped.group(1) if capped else '?'}.",
        "error = projected - observed; error_pct = 100 x error / observed.",
    ]
    rows = []
    for a, _, _ in areas:
        for b in [lab for lab, _, _ in BANDS] + ["total"]:
            for s in ("all", "f", "m"):
                p, o = cells[(a, b, s)]
                rows.append([a, name[a], b, s, f"{p:.1f}", int(o), f"{p - o:.1f}", f"{pct(p - o, o):.2f}"])
    write_csv(os.path.join(outdir, "regional_cells.csv"), head_r,
              ["area", "name", "band", "sex", "projected", "observed", "error", "error_pct"], rows)
    rows = []
    for a, _, _ in areas:
        p, o = cells[(a, "total", "all")]
        rows.append([a, name[a], f"{start[a]:.0f}", f"{p:.1f}", int(o), f"{p - o:.1f}", f"{pct(p - o, o):.2f}"])
    p, o, e = summ["total"]
    rows.append(["total", "Zuid-Limburg", f"{sum(start.values()):.0f}", f"{p:.1f}", int(o), f"{p - o:.1f}", f"{e:.2f}"])
    write_csv(os.path.join(outdir, "regional_municipalities.csv"), head_r,
              ["area", "name", "start_2015", "projected", "observed", "error", "error_pct"], rows)
    rows = []
    for a, _, _ in areas:
        ev, dm = d["zl2015ev"][a], demo[(START, a)]
        rows.append([a, name[a], f"{dm['births']:.1f}", int(ev["births"]), f"{dm['deaths']:.1f}", int(ev["deaths"]),
                     f"{dm['migration']:.1f}", int(ev["domestic_net"] + ev["international_net"])])
    tot = lambda k: sum(demo[(START, a)][k] for a, _, _ in areas)
    evt = lambda k: sum(d["zl2015ev"][a][k] for a, _, _ in areas)
    rows.append(["total", "Zuid-Limburg", f"{tot('births'):.1f}", int(evt("births")), f"{tot('deaths'):.1f}",
                 int(evt("deaths")), f"{tot('migration'):.1f}", int(evt("domestic_net") + evt("international_net"))])
    write_csv(os.path.join(outdir, "regional_events_2015.csv"),
              head_r + ["The first projected year, 2015, against the events CBS counted in 2015 (70072ned): births,",
                        "deaths, net migration (domestic + international). The example's migration.csv is built",
                        "from these 2015 balances, so that column only shows the capping at zero."],
              ["area", "name", "births_modelled", "births_observed", "deaths_modelled", "deaths_observed",
               "migration_modelled", "migration_observed"], rows)
    split = split_diagnostic(d)
    rows = []
    codes = [a for a, _, _ in areas]
    for b, _, _ in BANDS:
        smape = sum(abs(pct(split[(a, b)][0] - split[(a, b)][1], split[(a, b)][1])) for a in codes) / len(codes)
        p = sum(cells[(a, b, "all")][0] for a in codes)
        o = sum(cells[(a, b, "all")][1] for a in codes)
        worst = max(codes, key=lambda a: abs(pct(cells[(a, b, "all")][0] - cells[(a, b, "all")][1],
                                                 cells[(a, b, "all")][1])))
        we = pct(cells[(worst, b, "all")][0] - cells[(worst, b, "all")][1], cells[(worst, b, "all")][1])
        rows.append([b, f"{p:.1f}", int(o), f"{p - o:.1f}", f"{pct(p - o, o):.2f}",
                     f"{summ['band_mape'][b]:.2f}", name[worst], f"{we:.2f}", f"{smape:.2f}"])
    write_csv(os.path.join(outdir, "regional_bands.csv"),
              head_r + ["Per band, both sexes: the region's sum, and over the 16 municipalities the mean",
                        "absolute % error (mape_municipalities) and the municipality with the largest one.",
                        "split_mape_2021: the same mean for the observed 2021 counts regrouped to the nine 2015",
                        "age groups and split back with the NL 2021 shares (the error the split alone makes)."],
              ["band", "projected", "observed", "error", "error_pct", "mape_municipalities",
               "worst_municipality", "worst_error_pct", "split_mape_2021"], rows)
    rows = []
    for v, (vcells, _, vdemo, _) in variants.items():
        s = regional_summary(vcells, areas)
        worst = max(s["municipal_total_pct"].items(), key=lambda kv: abs(kv[1]))
        dm = sum(vdemo[(START, a)]["deaths"] for a, _, _ in areas)
        rows.append([v, REGIONAL_VARIANTS[v], f"{s['total'][2]:.2f}", f"{name[worst[0]]} {worst[1]:+.2f}",
                     f"{s['mape_cells']:.2f}", f"{s['wape_cells']:.2f}",
                     f"{s['band_region_pct']['0-4']:.2f}", f"{s['band_region_pct']['20-24']:.2f}",
                     f"{s['band_region_pct']['85-89']:.2f}", f"{dm:.1f}",
                     f"{pct(dm - evt('deaths'), evt('deaths')):.2f}"])
    write_csv(os.path.join(outdir, "regional_variants.csv"),
              head_r[:2] + ["Sensitivity: the same comparison with one assumption changed (main = as above).",
                            "mape_cells: mean absolute % error over the 16 x 20 municipality x band cells;",
                            "wape_cells: sum of absolute errors / sum observed, same cells."],
              ["variant", "what", "region_total_error_pct", "worst_municipal_total_error_pct",
               "mape_cells", "wape_cells", "region_0_4_error_pct", "region_20_24_error_pct",
               "region_85_89_error_pct", "deaths_2015_modelled", "deaths_2015_error_pct"], rows)
    # national
    single, deaths, births, nlog = nat
    head_n = [
        "Back-test of careshift's demography, the Netherlands 1-1-2015 -> 1-1-2025 (docs/validation.md).",
        "Sources: " + SRC_NATIONAL + ".",
        f"Mortality: CBS life table 2022 (100+: Gompertz 90-99 continued) moved back to 2015 and improving",
        f"{d['nlpar']['mortality_improvement']} a year (NL trend 2010-2019). Fertility: mean WPP 2024 age-specific rates 2015-2024.",
        "Net migration: the mean 2015-2024 net migration by sex and age from the OBSERVED series (residual",
        "method, age 0 = 0). This makes the test partly circular: the total migration of the ten years is",
        "the observed one. What remains a real test: deaths (model q vs observed deaths, e.g. at 80+,",
        "COVID-19 in 2020-2022), births (ages 0-9 in 2025), and the timing of migration by cohort.",
        "error = projected - observed; error_pct = 100 x error / observed.",
    ]
    rows = [[s, x, f"{p:.1f}", int(o), f"{p - o:.1f}", f"{pct(p - o, o):.2f}"]
            for (s, x), (p, o) in sorted(single.items())]
    write_csv(os.path.join(outdir, "national_single_year.csv"), head_n,
              ["sex", "age", "projected", "observed", "error", "error_pct"], rows)
    nb = national_bands(single)
    rows = []
    for b in [lab for lab, _, _ in BANDS] + ["total"]:
        for s in ("all", "f", "m"):
            p, o = nb[(b, s)]
            rows.append([b, s, f"{p:.1f}", int(o), f"{p - o:.1f}", f"{pct(p - o, o):.2f}"])
    write_csv(os.path.join(outdir, "national_bands.csv"), head_n,
              ["band", "sex", "projected", "observed", "error", "error_pct"], rows)
    rows = [[t, f"{m:.1f}", int(o), f"{m - o:.1f}", f"{pct(m - o, o):.2f}"] for t, (m, o) in sorted(deaths.items())]
    m, o = sum(v[0] for v in deaths.values()), sum(v[1] for v in deaths.values())
    rows.append(["total", f"{m:.1f}", int(o), f"{m - o:.1f}", f"{pct(m - o, o):.2f}"])
    write_csv(os.path.join(outdir, "national_deaths.csv"),
              head_n + [f"Births 2015: modelled {births[0]:.0f}, observed {births[1]:.0f} (CBS 70072ned)."],
              ["year", "modelled", "observed", "error", "error_pct"], rows)
    rows = []
    for v, (vs, vd, vb, _) in natvariants.items():
        nb = national_bands(vs)
        def e(bands):
            p = sum(nb[(b, "all")][0] for b in bands)
            o = sum(nb[(b, "all")][1] for b in bands)
            return f"{pct(p - o, o):.2f}"
        dm = lambda ys: f"{pct(sum(vd[t][0] for t in ys) - sum(vd[t][1] for t in ys), sum(vd[t][1] for t in ys)):.2f}"
        rows.append([v, NATIONAL_VARIANTS[v], e(["total"]), f"{sum(x[0] for x in vd.values()):.1f}",
                     dm(range(START, NATIONAL_END)),
                     dm(range(START, 2020)), dm(range(2020, 2023)), e(["80-84", "85-89"]),
                     e(["90-94", "95+"]), e(["0-4", "5-9"])])
    write_csv(os.path.join(outdir, "national_variants.csv"),
              head_n + ["Sensitivity: the same projection with the other reading of the life table",
                        "(demography.life_table_age, docs/model.md section 2)."],
              ["variant", "what", "total_error_pct", "deaths_2015_2024_modelled", "deaths_2015_2024_error_pct", "deaths_2015_2019_error_pct",
               "deaths_2020_2022_error_pct", "age_80_89_error_pct", "age_90_plus_error_pct",
               "age_0_9_error_pct"], rows)
    return summ


# ---------------------------------------------------------------- markdown (docs/validation.md)

def _n(v):
    """Persons, thousands separated, minus sign as in the docs."""
    return f"{v:,.0f}".replace("-", "\u2212")


def _p(v, nd=1, sign=True):
    """A percentage as printed in the docs: nd decimals of the value itself (not of a CSV
    rounding), sign, minus sign U+2212."""
    t = f"{v:+.{nd}f}" if sign else f"{v:.{nd}f}"
    return t.replace("-", "\u2212")


def markdown(d, reg, variants, nat, natvariants):
    """The back-test tables of docs/validation.md, as markdown text."""
    cells, start, demo, _ = reg
    areas = d["areas"]
    codes = [a for a, _, _ in areas]
    name = {a: n for a, n, _ in areas}
    summ = regional_summary(cells, areas)
    err = lambda a, b: pct(cells[(a, b, "all")][0] - cells[(a, b, "all")][1], cells[(a, b, "all")][1])  # noqa: E731
    L = []
    p, o, e = summ["total"]
    L += [f"Zuid-Limburg 2021: projected {_n(p)}, observed {_n(o)}, error {_n(p - o)} ({_p(e, 2)} %).", "",
          "Per municipality (total population on 1 January):", "",
          "| municipality | 2015 (start) | 2021 projected | 2021 observed | error | error % |",
          "|---|---:|---:|---:|---:|---:|"]
    for a in codes:
        p, o = cells[(a, "total", "all")]
        L.append(f"| {name[a]} | {_n(start[a])} | {_n(p)} | {_n(o)} | {_n(p - o) if round(p - o) < 0 else '+' + _n(p - o)} "
                 f"| {_p(err(a, 'total'), 2)} |")
    p, o, e = summ["total"]
    L.append(f"| **Zuid-Limburg** | **{_n(sum(start.values()))}** | **{_n(p)}** | **{_n(o)}** | **{_n(p - o)}** "
             f"| **{_p(e, 2)}** |")
    mt = [abs(v) for v in summ["municipal_total_pct"].values()]
    L += ["", f"{sum(v <= 2.0 for v in mt)} of {len(mt)} municipalities within \u00b12 %, all within "
          f"\u00b1{max(mt):.2f} %; mean absolute error of the municipal totals {sum(mt) / len(mt):.1f} %.", ""]
    split = split_diagnostic(d)
    L += ["Per 5-year band (both sexes):", "",
          "| band | projected | observed | region error % | MAPE over municipalities % | largest | split alone, MAPE % |",
          "|---|---:|---:|---:|---:|---|---:|"]
    for b, _, _ in BANDS:
        p = sum(cells[(a, b, "all")][0] for a in codes)
        o = sum(cells[(a, b, "all")][1] for a in codes)
        w = max(codes, key=lambda a: abs(err(a, b)))
        sm = sum(abs(pct(split[(a, b)][0] - split[(a, b)][1], split[(a, b)][1])) for a in codes) / len(codes)
        L.append(f"| {b} | {_n(p)} | {_n(o)} | {_p(pct(p - o, o))} | {summ['band_mape'][b]:.1f} | "
                 f"{name[w]} {_p(err(w, b))} | {'0' if sm < 0.05 else f'{sm:.1f}'} |")
    allerr = [abs(err(a, b)) for a in codes for b, _, _ in BANDS]
    L += ["", f"All {len(codes)} \u00d7 {len(BANDS)} cells: mean absolute error {summ['mape_cells']:.1f} % "
          f"({summ['wape_cells']:.1f} % weighted by size); {sum(v <= 10.0 for v in allerr)} of {len(allerr)} "
          "within \u00b110 %.", "",
          "Error % of every municipality \u00d7 5-year band cell (both sexes; projected \u2212 observed, "
          "over observed):", "",
          "| municipality | " + " | ".join(b for b, _, _ in BANDS) + " | total |",
          "|---|" + "---:|" * (len(BANDS) + 1)]
    for a in codes:
        L.append(f"| {name[a]} | " + " | ".join(_p(err(a, b)) for b, _, _ in BANDS)
                 + f" | {_p(err(a, 'total'))} |")
    dm = sum(demo[(START, a)]["deaths"] for a in codes)
    bm = sum(demo[(START, a)]["births"] for a in codes)
    do = sum(d["zl2015ev"][a]["deaths"] for a in codes)
    bo = sum(d["zl2015ev"][a]["births"] for a in codes)
    L += ["", f"First year, 2015, against CBS 70072ned: births {_n(bm)} (observed {_n(bo)}, "
          f"{_p(pct(bm - bo, bo))} %), deaths {_n(dm)} (observed {_n(do)}, {_p(pct(dm - do, do))} %).", "",
          "Sensitivity (one assumption changed at a time):", "",
          "| variant | region total % | worst municipality % | MAPE of the cells % | 0-4 % | 20-24 % | 85-89 % "
          "| 80+ % | deaths 2015 | deaths 2015 % |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    label = {"main": "as above (`life_table_age: exact`)",
             "q_2022_level": "`mortality.csv` as the 2015 level (no back-dating)",
             "fertility_2015_2020": "fertility at the 2015-2020 WPP TFR (\u00d7 %.3f / %.2f)"
                                    % (d["nlpar"]["tfr_2015_2020_mean"], d["nlpar"]["tfr_2023"]),
             "no_migration": "no migration",
             "completed": "`life_table_age: completed`"}
    for v, (vc, _, vd, _) in variants.items():
        s = regional_summary(vc, areas)
        w = max(s["municipal_total_pct"].items(), key=lambda kv: abs(kv[1]))
        p80 = sum(vc[(a, b, "all")][0] for a in codes for b in ("80-84", "85-89", "90-94", "95+"))
        o80 = sum(vc[(a, b, "all")][1] for a in codes for b in ("80-84", "85-89", "90-94", "95+"))
        vdm = sum(vd[(START, a)]["deaths"] for a in codes)
        L.append(f"| {label.get(v, v)} | {_p(s['total'][2], 2)} | {name[w[0]]} {_p(w[1], 2)} | "
                 f"{s['mape_cells']:.2f} | {_p(s['band_region_pct']['0-4'])} | {_p(s['band_region_pct']['20-24'])} | "
                 f"{_p(s['band_region_pct']['85-89'])} | {_p(pct(p80 - o80, o80))} | {_n(vdm)} | "
                 f"{_p(pct(vdm - do, do))} |")
    # national
    L += ["", "The Netherlands 2015 \u2192 2025:", ""]
    for v, (single, deaths, births, _) in natvariants.items():
        nb = national_bands(single)
        p, o = nb[("total", "all")]
        L.append(f"- `life_table_age: {'exact' if v == 'main' else v}`: projected {_n(p)}, observed {_n(o)}, "
                 f"{_n(p - o) if p < o else '+' + _n(p - o)} ({_p(pct(p - o, o), 2)} %)")
    L += ["", "| band | projected | observed | error % | women % | men % | `completed`: error % |",
          "|---|---:|---:|---:|---:|---:|---:|"]
    nb = national_bands(nat[0])
    nbc = national_bands(natvariants["completed"][0]) if "completed" in natvariants else None
    ep = lambda t, k: pct(t[k][0] - t[k][1], t[k][1])  # noqa: E731
    for b in [lab for lab, _, _ in BANDS] + ["total"]:
        bb = f"**{b}**" if b == "total" else b
        c = _p(ep(nbc, (b, "all")), 2) if nbc else ""
        if b == "total":
            c = f"**{c}**"
        L.append(f"| {bb} | {_n(nb[(b, 'all')][0])} | {_n(nb[(b, 'all')][1])} | {_p(ep(nb, (b, 'all')), 2)} | "
                 f"{_p(ep(nb, (b, 'f')), 2)} | {_p(ep(nb, (b, 'm')), 2)} | {c} |")
    years = sorted(nat[1])
    L += ["", "Deaths per year, modelled (careshift `demography.csv`) against CBS 37168:", "",
          "| year | " + " | ".join(str(t) for t in years) + f" | {years[0]}-{years[-1]} |",
          "|---|" + "---:|" * (len(years) + 1)]
    obs = [nat[1][t][1] for t in years]
    rows = [("observed", obs)]
    for v, (_, vd, _, _) in natvariants.items():
        rows.insert(len(rows) - 1 if v == "main" else len(rows), (v, [vd[t][0] for t in years]))
    L.append("| modelled, `exact` | " + " | ".join(_n(x) for x in rows[0][1]) + f" | {_n(sum(rows[0][1]))} |")
    L.append("| observed | " + " | ".join(_n(x) for x in obs) + f" | {_n(sum(obs))} |")
    L.append("| error %, `exact` | " + " | ".join(_p(pct(m - o, o)) for m, o in zip(rows[0][1], obs))
             + f" | {_p(pct(sum(rows[0][1]) - sum(obs), sum(obs)))} |")
    for v, vals in rows[2:]:
        L.append(f"| modelled, `{v}` | " + " | ".join(_n(x) for x in vals) + f" | {_n(sum(vals))} |")
        L.append(f"| error %, `{v}` | " + " | ".join(_p(pct(m - o, o)) for m, o in zip(vals, obs))
                 + f" | {_p(pct(sum(vals) - sum(obs), sum(obs)))} |")
    L += ["", "| `life_table_age` | total 2025 % | deaths 2015-2024 % | deaths 2015-2019 % | deaths 2020-2022 % "
          "| 80-89 in 2025 % | 90+ in 2025 % | 0-9 in 2025 % |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for v, (vs, vd, _, _) in natvariants.items():
        t = national_bands(vs)
        e = lambda bands: _p(pct(sum(t[(b, "all")][0] for b in bands) - sum(t[(b, "all")][1] for b in bands),  # noqa: E731
                                 sum(t[(b, "all")][1] for b in bands)))
        dd = lambda ys: _p(pct(sum(vd[y][0] for y in ys) - sum(vd[y][1] for y in ys), sum(vd[y][1] for y in ys)))  # noqa: E731
        e2 = _p(pct(t[("total", "all")][0] - t[("total", "all")][1], t[("total", "all")][1]), 2)
        L.append(f"| `{'exact' if v == 'main' else v}` | {e2} | {dd(range(START, NATIONAL_END))} | "
                 f"{dd(range(START, 2020))} | {dd(range(2020, 2023))} | {e(['80-84', '85-89'])} | "
                 f"{e(['90-94', '95+'])} | {e(['0-4', '5-9'])} |")
    return "\n".join(L) + "\n"


def print_summary(d, reg, nat):
    cells, _, _, _ = reg
    areas = d["areas"]
    name = {a: n for a, n, _ in areas}
    s = regional_summary(cells, areas)
    p, o, e = s["total"]
    print(f"regional 2021: projected {p:,.0f}, observed {o:,.0f}, error {p - o:+,.0f} ({e:+.2f} %)")
    worst = sorted(s["municipal_total_pct"].items(), key=lambda kv: -abs(kv[1]))
    print("  municipal totals, largest errors: " +
          ", ".join(f"{name[a]} {v:+.2f} %" for a, v in worst[:4]))
    print(f"  mean absolute % error over municipality x band cells: {s['mape_cells']:.2f} %"
          f" (weighted {s['wape_cells']:.2f} %)")
    print("  per band, mean absolute % error over municipalities: " +
          ", ".join(f"{b} {v:.1f}" for b, v in s["band_mape"].items()))
    codes = [a for a, _, _ in areas]
    cl = [(a, b, cells[(a, b, "all")]) for a in codes for b, _, _ in BANDS]
    big = sorted(cl, key=lambda c: -abs(c[2][0] - c[2][1]))[:5]
    print("  worst cells (persons): " + ", ".join(
        f"{name[a]} {b} {p - o:+,.0f} ({pct(p - o, o):+.1f} %)" for a, b, (p, o) in big))
    single, deaths, births, _ = nat
    nb = national_bands(single)
    p, o = nb[("total", "all")]
    print(f"national 2025: projected {p:,.0f}, observed {o:,.0f}, error {p - o:+,.0f} ({pct(p - o, o):+.2f} %)")
    errs = {k: pct(v[0] - v[1], v[1]) for k, v in nb.items() if k[0] != "total" and k[1] != "all"}
    w = sorted(errs.items(), key=lambda kv: -abs(kv[1]))[:4]
    print("  largest band x sex errors: " + ", ".join(f"{b} {sx} {v:+.2f} %" for (b, sx), v in w))
    m, o = sum(v[0] for v in deaths.values()), sum(v[1] for v in deaths.values())
    print(f"  deaths 2015-2024: modelled {m:,.0f}, observed {o:,.0f} ({pct(m - o, o):+.2f} %); births 2015 "
          f"modelled {births[0]:,.0f}, observed {births[1]:,.0f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", help="the shared data directory (../shared/data)")
    ap.add_argument("outdir", nargs="?", help="directory for the comparison tables")
    ap.add_argument("--derive", metavar="DIR", help="write the compact inputs (tests/data/backtest) to DIR")
    ap.add_argument("--careshift", default=os.path.join(REPO, "build", "careshift"))
    ap.add_argument("--markdown", action="store_true",
                    help="print the tables of docs/validation.md (also written to OUTDIR/tables.md)")
    a = ap.parse_args()
    if not a.outdir and not a.derive:
        ap.error("give OUTDIR, --derive DIR, or both")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = a.derive or os.path.join(tmp, "inputs")
        derive(a.data, inputs)
        if a.derive:
            print(f"wrote the back-test inputs to {a.derive}")
        if not a.outdir:
            return 0
        d = load(inputs)
        reg = regional(d, a.careshift, tmp)
        variants = {v: (reg if v == "main" else regional(d, a.careshift, tmp, v)) for v in REGIONAL_VARIANTS}
        natvariants = {v: national(d, a.careshift, tmp, v) for v in NATIONAL_VARIANTS}
        nat = natvariants["main"]
        write_outputs(a.outdir, d, reg, variants, nat, natvariants)
        print_summary(d, reg, nat)
        text = markdown(d, reg, variants, nat, natvariants)
        with open(os.path.join(a.outdir, "tables.md"), "w", encoding="utf-8") as fh:
            fh.write(text)
        if a.markdown:
            print()
            print(text, end="")
        print(f"wrote the comparison tables to {a.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
