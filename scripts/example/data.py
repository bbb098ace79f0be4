"""Readers and demographic derivations for the Zuid-Limburg example plan.

Every function reads one of the public files in the shared data directory (see
docs/example.md for the sources and their terms) and returns plain dicts/lists.
Standard library only.
"""

import csv
import math
import os

SEXES = ("f", "m")
AGES = range(0, 101)            # 100 = 100+
MAX_AGE = 100

# Zuid-Limburg, current (2019+) boundaries. CBS municipality codes; subregions per
# FACTS.md section 3.1 (Beekdaelen counted in Parkstad, as the GGD/IZA grouping does).
AREAS = [
    ("GM1883", "Sittard-Geleen", "Westelijke Mijnstreek"),
    ("GM0971", "Stein", "Westelijke Mijnstreek"),
    ("GM0888", "Beek", "Westelijke Mijnstreek"),
    ("GM0917", "Heerlen", "Parkstad"),
    ("GM0928", "Kerkrade", "Parkstad"),
    ("GM0882", "Landgraaf", "Parkstad"),
    ("GM0899", "Brunssum", "Parkstad"),
    ("GM1954", "Beekdaelen", "Parkstad"),
    ("GM0986", "Voerendaal", "Parkstad"),
    ("GM0965", "Simpelveld", "Parkstad"),
    ("GM0935", "Maastricht", "Maastricht-Heuvelland"),
    ("GM1903", "Eijsden-Margraten", "Maastricht-Heuvelland"),
    ("GM0938", "Meerssen", "Maastricht-Heuvelland"),
    ("GM0994", "Valkenburg aan de Geul", "Maastricht-Heuvelland"),
    ("GM1729", "Gulpen-Wittem", "Maastricht-Heuvelland"),
    ("GM0981", "Vaals", "Maastricht-Heuvelland"),
]
SUBREGIONS = ["Westelijke Mijnstreek", "Parkstad", "Maastricht-Heuvelland"]
# 2015 municipalities merged into Beekdaelen on 1-1-2019
BEEKDAELEN_2015 = ("GM0951", "GM0881", "GM0962")       # Nuth, Onderbanken, Schinnen
BEEKDAELEN_2015_NAMES = ("NUTH", "ONDERBANKEN", "SCHINNEN")


def path(datadir, name):
    return os.path.join(datadir, name)


def read_rows(fname, delimiter=","):
    with open(fname, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def num(text):
    return float(str(text).strip())


# ---------------------------------------------------------------- national files

def national_population(datadir):
    """{(year, sex, age): count} for sex f/m, 1 January; ages above 100 folded into 100."""
    out = {}
    for r in read_rows(path(datadir, "cbs_population_nl_age_sex_1960_2025.csv"), ";"):
        g = r["geslacht"].strip()
        if g not in ("F", "M"):
            continue
        key = (int(r["jaar"]), g.lower(), min(MAX_AGE, int(r["leeftijd"])))
        out[key] = out.get(key, 0.0) + num(r["aantal"])
    return out


def national_deaths(datadir):
    """{(year, sex, age): deaths}, ages above 100 folded into 100."""
    out = {}
    for r in read_rows(path(datadir, "cbs_deaths_nl_age_sex_2000_2024.csv")):
        year, age = int(r["Jaar"]), min(MAX_AGE, int(r["Leeftijd"]))
        for sex, col in (("m", "Mannen"), ("f", "Vrouwen")):
            if r[col].strip() == "":        # 1970 has gaps at 99+; unused
                continue
            key = (year, sex, age)
            out[key] = out.get(key, 0.0) + num(r[col])
    return out


def life_table(datadir):
    """{(sex, age): q} for ages 0..99 from CBS 37360ned (2022)."""
    q = {}
    for r in read_rows(path(datadir, "cbs_life_table_nl_2022.csv")):
        age = int(r["age"])
        q[("m", age)] = num(r["m_prob_die"])
        q[("f", age)] = num(r["v_prob_die"])
    return q


def extend_q100(q):
    """q(100+) by continuing the Gompertz slope of ages 90..99 one year."""
    info = {}
    for s in SEXES:
        slope = math.log(q[(s, 99)] / q[(s, 90)]) / 9.0
        q[(s, 100)] = min(1.0, q[(s, 99)] * math.exp(slope))
        info[s] = (slope, q[(s, 100)])
    return info


# ---------------------------------------------------------------- regional files

def regional_key_figures(datadir):
    """{region code: row dict} of CBS 70072ned 2015 (codes stripped)."""
    out = {}
    for r in read_rows(path(datadir, "cbs_regional_key_figures_zuid_limburg_2015.csv"), ";"):
        out[r["RegioS"].strip()] = {k: v.strip() for k, v in r.items()}
    return out


def zl_population_2021_age5(datadir):
    """{(municipality name, sex, 'a-b' or '95+'): count} from CBS 83502NED (derived)."""
    out = {}
    for r in read_rows(path(datadir, "cbs_population_zuid_limburg_2021_age5_sex.csv")):
        out[(r["gemeente"], "m", r["leeftijd"])] = num(r["inwoners_man"])
        out[(r["gemeente"], "f", r["leeftijd"])] = num(r["inwoners_vrouw"])
    return out


def age_group_range(label):
    label = label.strip()
    if label.endswith("+"):
        return int(label[:-1]), MAX_AGE
    a, b = label.split("-")
    return int(a), int(b)


def split_to_single_years(pop5, natpop, year):
    """Split 5-year groups to single years with national shares of the same year and sex.
    Returns {(area id, sex, age): count}."""
    name_to_id = {name: code for code, name, _ in AREAS}
    out = {}
    for (name, sex, label), count in pop5.items():
        lo, hi = age_group_range(label)
        weights = [natpop[(year, sex, x)] for x in range(lo, hi + 1)]
        tot = sum(weights)
        for x, w in zip(range(lo, hi + 1), weights):
            out[(name_to_id[name], sex, x)] = count * w / tot
    return out


# ---------------------------------------------------------------- fertility

def wpp_fertility(datadir):
    """(latest year, TFR, {age5 label: pasfr %}) from UN WPP 2024."""
    tfr = {}
    for r in read_rows(path(datadir, "wpp2024_nl_total_fertility.csv")):
        tfr[int(r["year"])] = num(r["tfr"])
    latest = max(tfr)
    shares = {}
    for r in read_rows(path(datadir, "wpp2024_nl_fertility_age_share.csv")):
        shares.setdefault(r["period"], {})[r["age"]] = num(r["pasfr"])
    period = next(p for p in shares if int(p[:4]) <= latest < int(p[5:]))
    return latest, tfr, period, shares
