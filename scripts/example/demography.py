"""Demographic derivations for the Zuid-Limburg example: regional mortality and fertility
ratios, mortality improvement, migration by age, and the 2021 -> base-year projection.
The projection repeats the demographic steps of MODEL.md section 2 (deaths, ageing,
births, net migration) without states, which gives the same totals as the model's baseline.
"""

import math

from .data import AREAS, SEXES, AGES, MAX_AGE, BEEKDAELEN_2015, num

# CBS 70072ned age bands of the 2015 key figures: (column, from, to)
KEY_BANDS = [
    ("JongerDan5Jaar_4", 0, 4), ("k_5Tot10Jaar_5", 5, 9), ("k_10Tot15Jaar_6", 10, 14),
    ("k_15Tot20Jaar_7", 15, 19), ("k_20Tot25Jaar_8", 20, 24), ("k_25Tot45Jaar_9", 25, 44),
    ("k_45Tot65Jaar_10", 45, 64), ("k_65Tot80Jaar_11", 65, 79),
    ("k_80JaarOfOuder_12", 80, MAX_AGE),
]


def regional_smr(keyfig, natpop, natdeaths, year=2015, region="CR39"):
    """Indirectly standardised mortality ratio of COROP Zuid-Limburg against NL, 2015.
    Expected deaths = sum over the key-figure age bands of the NL death rate (deaths over
    the mean of the 1 January populations of the year and the next) times the regional
    population of the band."""
    expected = 0.0
    for col, lo, hi in KEY_BANDS:
        d = sum(natdeaths[(year, s, x)] for s in SEXES for x in range(lo, hi + 1))
        exposure = sum((natpop[(year, s, x)] + natpop[(year + 1, s, x)]) / 2.0
                       for s in SEXES for x in range(lo, hi + 1))
        expected += d / exposure * num(keyfig[region][col])
    observed = num(keyfig[region]["Sterfte_60"])
    return observed / expected, observed, expected


def mortality_trend(natpop, natdeaths, first=2010, last=2019, std_year=2015):
    """Annual % fall of the age-standardised death rate (ages 0-99, both sexes, NL 2015
    standard population), log-linear least squares over first..last."""
    std = {(s, x): natpop[(std_year, s, x)] for s in SEXES for x in range(0, 100)}
    tot = sum(std.values())
    years, logs = [], []
    for t in range(first, last + 1):
        asdr = 0.0
        for (s, x), w in std.items():
            exposure = (natpop[(t, s, x)] + natpop[(t + 1, s, x)]) / 2.0
            asdr += w / tot * natdeaths[(t, s, x)] / exposure
        years.append(t)
        logs.append(math.log(asdr))
    n = len(years)
    my, ml = sum(years) / n, sum(logs) / n
    sxx = sum((y - my) ** 2 for y in years)
    slope = sum((y - my) * (l - ml) for y, l in zip(years, logs)) / sxx
    resid = [l - (ml + slope * (y - my)) for y, l in zip(years, logs)]
    se = math.sqrt(sum(r * r for r in resid) / (n - 2) / sxx)
    return 1.0 - math.exp(slope), se, dict(zip(years, (math.exp(l) for l in logs)))


def fertility_ratio(keyfig, natpop, pop2021, tfr, shares, year=2015, region="CR39"):
    """Indirectly standardised fertility ratio of COROP Zuid-Limburg against NL, 2015.
    NL age-specific rates (WPP TFR of the year x the period's age pattern) give expected
    births for NL and for the region; ratio = (obs/exp region) / (obs/exp NL), so the WPP
    level cancels. Regional women per band = 2015 band population (both sexes) x the
    female share of that band in the 2021 Zuid-Limburg file."""
    period = next(p for p in shares if int(p[:4]) <= year < int(p[5:]))
    asfr = {}
    for lab, pct in shares[period].items():
        lo = int(lab.split("-")[0])
        for x in range(lo, lo + 5):
            asfr[x] = tfr[year] * pct / 100.0 / 5.0
    # NL
    exp_nl = sum(asfr[x] * natpop[(year, "f", x)] for x in asfr)
    obs_nl = num(keyfig["NL01"]["Geboorte_58"])
    # region: female share and age pattern within the 2021 file
    fem = {x: sum(v for (a, s, xx), v in pop2021.items() if s == "f" and xx == x) for x in AGES}
    both = {x: sum(v for (a, s, xx), v in pop2021.items() if xx == x) for x in AGES}
    exp_r = 0.0
    for col, lo, hi in KEY_BANDS:
        if hi < 15 or lo > 44:
            continue
        band = num(keyfig[region][col])
        tot_both = sum(both[x] for x in range(lo, hi + 1))
        for x in range(max(lo, 15), min(hi, 49) + 1):
            exp_r += band * fem[x] / tot_both * asfr.get(x, 0.0)
    obs_r = num(keyfig[region]["Geboorte_58"])
    # crude general fertility (births per resident 15-44), for the record
    def pop1544(code):
        return sum(num(keyfig[code][c]) for c, lo, hi in KEY_BANDS if 15 <= lo and hi <= 44)
    crude = (obs_r / pop1544(region)) / (obs_nl / pop1544("NL01"))
    return (obs_r / exp_r) / (obs_nl / exp_nl), crude, period


# ---------------------------------------------------------------- migration

def rogers_castro(x):
    """Rogers & Castro (1981) model migration schedule, 'fundamental' parameters."""
    a1, al1, a2, mu2, al2, la2, c = 0.02, 0.10, 0.06, 20.0, 0.10, 0.40, 0.003
    return (a1 * math.exp(-al1 * x)
            + a2 * math.exp(-al2 * (x - mu2) - math.exp(-la2 * (x - mu2))) + c)


def national_net_migration_profile(natpop, natdeaths, year, births=None):
    """NL net (international) migration by sex and age at 1 January year+1, residual method:
    M(y) = P(y, t+1) - P(y-1, t) + deaths of that cohort (half of deaths at y-1 and y);
    y = 0: P(0, t+1) - births (split with 0.512 boys) + half the deaths at 0. Without
    `births` (only 2015 is in the data) births are taken as P(0, t+1) + half the deaths at
    0, i.e. M(0) = 0. Returns ({(sex, age): share of the total}, total)."""
    prof = {}
    for s in SEXES:
        for y in range(0, MAX_AGE):
            if y == 0:
                if births is None:
                    m = 0.0
                else:
                    b = births * (0.512 if s == "m" else 0.488)
                    m = natpop[(year + 1, s, 0)] - b + natdeaths[(year, s, 0)] / 2.0
            else:
                m = (natpop[(year + 1, s, y)] - natpop[(year, s, y - 1)]
                     + (natdeaths[(year, s, y - 1)] + natdeaths[(year, s, y)]) / 2.0)
            prof[(s, y)] = m
        prof[(s, MAX_AGE)] = 0.0
    tot = sum(prof.values())
    return {k: v / tot for k, v in prof.items()}, tot


def municipal_migration(keyfig):
    """{area id: (domestic net, international net)} in 2015, Beekdaelen = its 3 parts."""
    out = {}
    for code, _, _ in AREAS:
        parts = BEEKDAELEN_2015 if code == "GM1954" else (code,)
        dom = sum(num(keyfig[p]["BinnenlandsMigratiesaldo_71"]) for p in parts)
        intl = sum(num(keyfig[p]["Migratiesaldo_76"]) for p in parts)
        out[code] = (dom, intl)
    return out


def migration_table(munmig, intl_profile):
    """{(area, sex, age): net persons per year}."""
    rc = {x: rogers_castro(x) for x in AGES}
    rct = sum(rc.values()) * 2.0                        # both sexes, equal split
    out = {}
    for code, (dom, intl) in munmig.items():
        for s in SEXES:
            for x in AGES:
                out[(code, s, x)] = dom * rc[x] / rct + intl * intl_profile[(s, x)]
    return out


# ---------------------------------------------------------------- projection

def project(pop, q0, q_year, improvement, fert, boys, migration, first, last):
    """Project {(area, sex, age): count} on 1 Jan `first` to 1 Jan `last`, one year at a
    time: deaths with q0*(1-i)^(t-q_year), ageing (100+ open), births from start-of-year
    women, net migration at age on 1 Jan t+1 capped at zero. Returns {year: pop}."""
    areas = sorted({a for a, _, _ in pop})
    years = {first: dict(pop)}
    cur = dict(pop)
    for t in range(first, last):
        nxt = {}
        for a in areas:
            births = sum(fert.get(x, 0.0) * cur[(a, "f", x)] for x in AGES)
            for s in SEXES:
                surv = [cur[(a, s, x)] * (1.0 - min(1.0, q0[(s, x)] * (1.0 - improvement) ** (t - q_year)))
                        for x in AGES]
                new = [0.0] * (MAX_AGE + 1)
                for x in range(0, MAX_AGE):
                    new[x + 1] += surv[x]
                new[MAX_AGE] += surv[MAX_AGE]
                new[0] = births * (boys if s == "m" else 1.0 - boys)
                for x in AGES:
                    nxt[(a, s, x)] = max(0.0, new[x] + migration.get((a, s, x), 0.0))
        years[t + 1] = nxt
        cur = nxt
    return years
