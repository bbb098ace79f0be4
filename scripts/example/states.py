"""Care-need states for the Zuid-Limburg example: base-year shares by sex and age, and
transition probabilities derived from them (prevalence-to-incidence, no recovery).

States: healthy (no chronic condition), chronic (>= 1 chronic condition, not frail),
frail (community-dwelling, Fried phenotype), dependent (living in a Wlz institution).
"""

import math
from decimal import Decimal

from .data import SEXES, AGES, MAX_AGE

STATES = ("healthy", "chronic", "frail", "dependent")

# Mortality relative risks (mean values; the plan gives their distributions).
RR = {"healthy": 1.0, "chronic": 1.5, "frail": 2.4, "dependent": 4.0}

# Frailty prevalence among community-dwelling people 65+ by age (Collard et al., J Am
# Geriatr Soc 2012;60:1487-92, pooled Fried-phenotype prevalence): 65-69 4 %, 70-74 7 %,
# 75-79 9 %, 80-84 16 %, 85+ 26 %; women 9.6 % vs men 5.2 %. Below 65: documented estimate
# (1 % at 0-39 rising to 3 % at 64). Anchors at band mid-points, linear in between.
FRAIL_ANCHORS = [(0, 0.005), (39, 0.01), (64, 0.03), (67, 0.04), (72, 0.07), (77, 0.09),
                 (82, 0.16), (87, 0.26), (92, 0.34), (100, 0.40)]
FRAIL_SEX = {"f": 9.6 / 7.4, "m": 5.2 / 7.4}     # relative to the mean of the two

# >= 1 chronic condition (any state but healthy): CBS Gezondheidsenquete 2001 (CBS news
# 2003/22): one in five under 18, about half of all people, three quarters of 65+.
# Smooth anchors (linear in between): 18 % at 0, 20 % at 12, 35 % at 30, 52 % at 50, 68 % at
# 64, 76 % at 74, 85 % at 85, 92 % at 95, 95 % at 100+ (derived so that the 65+ mean is about 0.75-0.8 and the all-age
# mean about 0.5; smooth so that the derived transition probabilities have no jumps).
CHRONIC_ANCHORS = [(0, 0.18), (12, 0.20), (30, 0.35), (50, 0.52), (64, 0.68), (74, 0.76),
                   (85, 0.85), (95, 0.92), (100, 0.95)]

# Institutional (Wlz) residence: logistic in age, level fitted so that 7.6 % of NL 75+
# lived in a care or nursing home in 2020 (TVGG citing CBS, FACTS.md 5.3).
DEP_WIDTH = 5.0
DEP_YEAR = 2020
DEP_TARGET = 0.076


def interp(anchors, x):
    for (x0, y0), (x1, y1) in zip(anchors, anchors[1:]):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return anchors[-1][1]


def dep_share(x, mid):
    return 1.0 / (1.0 + math.exp(-(x - mid) / DEP_WIDTH))


def fit_dependent_mid(natpop):
    pop = {x: natpop[(DEP_YEAR, "f", x)] + natpop[(DEP_YEAR, "m", x)] for x in range(75, 101)}
    tot = sum(pop.values())
    lo, hi = 70.0, 120.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        share = sum(dep_share(x, mid) * n for x, n in pop.items()) / tot
        if share > DEP_TARGET:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def shares(natpop):
    """{(sex, age): {state: Decimal share}} with the four shares summing exactly to 1."""
    mid = fit_dependent_mid(natpop)
    out = {}
    for s in SEXES:
        for x in AGES:
            d = dep_share(x, mid)
            f = min(0.95, interp(FRAIL_ANCHORS, x) * FRAIL_SEX[s]) * (1.0 - d)
            any_cond = max(interp(CHRONIC_ANCHORS, x), d + f)
            c = any_cond - d - f
            dd, ff, cc = (Decimal(repr(round(v, 8))) for v in (d, f, c))
            out[(s, x)] = {"healthy": Decimal(1) - dd - ff - cc, "chronic": cc,
                           "frail": ff, "dependent": dd}
    return out, mid


def transitions(sh, q):
    """Annual transition probabilities that carry the age-x state mix of the survivors to
    the age-(x+1) mix (for 100+ its own mix; no recovery; state mortality q*rr/rbar as in MODEL.md step 1).
    Inflow to dependent comes from frail (at most half the frail survivors) and the rest
    from chronic; frail from chronic; chronic from healthy. Returns {(s, x, from, to): p}."""
    out = {}
    for s in SEXES:
        for x in range(0, MAX_AGE + 1):
            cur = {k: float(v) for k, v in sh[(s, x)].items()}
            # the open group 100+ keeps its own mix: survivors at 100 stay at 100
            nxt = {k: float(v) for k, v in sh[(s, min(x + 1, MAX_AGE))].items()}
            rbar = sum(cur[k] * RR[k] for k in STATES)
            surv = {k: cur[k] * (1.0 - min(1.0, q[(s, x)] * RR[k] / rbar)) for k in STATES}
            tot = sum(surv.values())
            need_d = max(0.0, nxt["dependent"] * tot - surv["dependent"])
            from_f = min(need_d, 0.5 * surv["frail"])
            from_c = min(need_d - from_f, 0.5 * surv["chronic"])
            need_f = max(0.0, nxt["frail"] * tot - (surv["frail"] - from_f))
            c_left = surv["chronic"] - from_c
            f_from_c = min(need_f, 0.5 * c_left)
            need_c = max(0.0, nxt["chronic"] * tot - (c_left - f_from_c))
            c_from_h = min(need_c, 0.5 * surv["healthy"])
            for (a, b, flow, base) in (("frail", "dependent", from_f, surv["frail"]),
                                        ("chronic", "dependent", from_c, surv["chronic"]),
                                        ("chronic", "frail", f_from_c, surv["chronic"]),
                                        ("healthy", "chronic", c_from_h, surv["healthy"])):
                if flow > 0.0 and base > 0.0:
                    out[(s, x, a, b)] = round(flow / base, 8)
    return out
