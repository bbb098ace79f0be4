"""plan.yaml, workforce table and derived-figures page of the Zuid-Limburg example.
The YAML is written from a template so that every number keeps its source comment."""

import math
from statistics import NormalDist

from .data import AREAS, SUBREGIONS, SEXES, AGES, MAX_AGE
from . import states as st
from . import care
from . import demography as dm

BASE, HORIZON = 2024, 2040

# Non-calibrated use rates ((sector, state), sex, age_from, age_to, units per person-year).
# nursing_home_day: the dependent state is Wlz institutional residence -> 365 days.
# home_support_hour (Wmo household help): documented estimate, about 60 % of frail people
#   using 2.5 h/week (78 h/yr) at 65+, half that at 18-64; chronic 75+ 10 % x 2.5 h/week.
OTHER_USE = []
for _s in SEXES:
    OTHER_USE += [
        (("nursing_home_day", "dependent"), _s, 0, MAX_AGE, 365.0),
        (("home_support_hour", "frail"), _s, 18, 64, 39.0),
        (("home_support_hour", "frail"), _s, 65, MAX_AGE, 78.0),
        (("home_support_hour", "chronic"), _s, 65, 74, 6.5),
        (("home_support_hour", "chronic"), _s, 75, MAX_AGE, 13.0),
    ]

SUB_OF = {a: r for a, _, r in AREAS}
WM_PARKSTAD = [a for a, _, r in AREAS if r in ("Westelijke Mijnstreek", "Parkstad")]
# PlusWIJken neighbourhoods named in FACTS.md 1.6 lie in: Sittard-Geleen (Obbicht, Douvenrade),
# Stein (Elsloo), Beekdaelen (Nuth, Schinveld), Landgraaf (Schaesberg).
PLUSWIJKEN = ["GM1883", "GM0971", "GM1954", "GM0882"]

MEAN_STAY = 5.2                       # days per admission, CBS 2012 (FACTS.md 5.3)
# Attenuations (docs/example.md, "Evidence fit of each effect"): ACP 0.39 = dependent residents'
# share of the targeted end-of-life bed-days 2025-2040 (a careshift run with target states
# [dependent] only); nurse-led care 0.5 and falls 0.2: assumptions.
ACP_SHARE, NURSE_SHARE, FALL_SHARE = 0.39, 0.5, 0.2
# Their uncertainty (issue 9, item 3): each share uniform over +-50 % of its point (assumption:
# none of the three has a source, so a wide range), carried into the effect's normal by the
# exact variance of a product of two independent variables (ratio x share).
SHARE_RANGE = 0.5
# Counterfactual (issue 9, item 1): thuismonitoring (> 11,000 patients, Zuyderland 2025) and
# zorgcoordinatie (ZCN, since 2019) already run without the plan; the plan claims only an
# extension. FACTS.md has no target for it: assumption, pert(0, 0.25, 0.5) of today's size
# (mean +25 %), the same rule for both.
TELE_EXISTING = 11000.0
INC_MIN, INC_MODE, INC_MAX = 0.0, 0.25, 0.5
INC_MEAN = (INC_MIN + 4 * INC_MODE + INC_MAX) / 6.0
ZCN_REPORT = (0.5, 1.0, 1.25)          # range of the self-reported 30 a week (pert, as before)
# Welzijn op Recept (item 4): 30 coaches on PlusWIJken money to 2027, of whom 10 are continued by
# the municipalities (wmo line from 2028); caseload 150 clients a year (estimate, 100-200).
# Own staff: 0.5 FTE per coach (the plan's 15 FTE of welzijnscoaches for 30 coaches).
WOR_CASELOAD = (100.0, 150.0, 200.0)
WOR_CONT, WOR_EXTRA, WOR_FTE_PER_COACH = 10, 20, 0.5
# Nominal euros (item 6): deflated to the 2022 price year with the CBS CPI factors of FACTS.md
# 2.2 (2022 -> 2023 1.038, 2022 -> 2024 1.073) and, beyond 2024, 2 % a year (assumption: the ECB
# target, as economics.inflation; no later CPI in FACTS.md).
CPI_2023, CPI_2024, CPI_LATER = 1.038, 1.073, 0.02
# PSA ranges of plain estimates (item 8): uptake maxima, cost amounts and m2 per unit +-50 %,
# FTE per unit +-25 % (symmetric pert, mean = the estimate, so the deterministic run keeps it).
EST_RANGE, FTE_RANGE = 0.5, 0.25
SIRM_EXTRA, CARE_EMPLOYEES = 16000.0, 1.4e6   # FTE above the current level by 2028; > 1.4 M employees
# Third audit round (issue 9, round 3). Counterfactual shares where FACTS.md has no number:
# assumptions, each a pert (min, mode, max) in the PSA.
# taakherschikking: share of the plan's nurse-led participants whose care would be nurse-led
#   without the plan (POH-led ketenzorg in the Vektis 2015 baseline; NP per 100 FTE doctors
#   3.5 -> 11.0 in 2012-2022, Dankers-de Mari et al. 2023, FACTS.md 4: a trend of its own).
NP_EXIST = (0.4, 0.6, 0.8)
# acp: share of the dependent (nursing-home) participants who have ACP in usual care already.
ACP_EXIST = (0.5, 0.7, 0.9)
# valpreventie: share of the participants who would join an existing falls programme anyway.
FALL_EXIST = (0.0, 0.2, 0.4)
# digivaardig: time lost by digitally weak staff, 261 min/week in GP care, > 2 h/week in
# long-term care (Coalitie Digivaardig in de Zorg 2025, FACTS.md 4), per 36-hour FTE week
# (assumption: per FTE, not per part-time person); share of staff digitally weak uniform
# 0.1-0.3 and share of the lost time this plan's training recovers (beyond what national
# measures and employers' own training recover anyway) uniform 0.1-0.5: assumptions.
DIGI_GP_MIN, DIGI_LTC_MIN, WEEK_MIN = 261.0, 120.0, 36.0 * 60
DIGI_WEAK, DIGI_RECOVER = (0.1, 0.3), (0.1, 0.5)
# thuis-sterven: baseline share of the targeted (chronic/frail 65+, at home) decedents who die
# at home, h0, and the share of the extra home deaths that would otherwise have died in
# hospital, p_hosp: not in FACTS.md, assumptions.
HOME_DEATH, HOSP_ALT = (0.25, 0.35, 0.45), (0.4, 0.6, 0.8)
# PlusWIJken IZA lines by subregion: of the six wijken named in FACTS.md 1.6, three lie in the
# Westelijke Mijnstreek (Obbicht, Douvenrade, Elsloo) and three in Parkstad (Nuth, Schinveld,
# Schaesberg); the six pilot wijken are not named there: half each (assumption), as the plan's
# coach lines (5 FTE Sittard-Geleen, 5 FTE Landgraaf).
PW_SPLIT = "by_subregion: {Westelijke Mijnstreek: 0.5, Parkstad: 0.5}"

SHORTAGE_2024, SHORTAGE_2034, WORKFORCE_ZL = 2200.0, 9900.0, 252000.0 / 6.0
RETIRE, OUTFLOW = 0.03, 0.08          # together the 11 %/yr outflow of FACTS.md 3.3


# Each municipality's own level of use by Vektis category (area_use_index.csv; care.area_index),
# {(area, category): index}; set by the driver before the tables below are derived. Every
# derived figure that sums use over areas multiplies by it, as the model does.
AREA_INDEX = {}


def ix(a, sid):
    g = care.CATEGORY_OF.get(sid)
    return AREA_INDEX.get((a, g), 1.0) if g else 1.0


def use_rate(rates, sid, k, s, x):
    if sid in care.CALIBRATED:
        return rates[(sid, k, s, care.band_of(x))]
    for (sec, kk), ss, lo, hi, r in OTHER_USE:
        if sec == sid and kk == k and ss == s and lo <= x <= hi:
            return r
    return 0.0


def fte_of(sid):
    return care.SECTOR[sid]["fte"] or 0.0


def per_capita(rates, sh, q, fn):
    """{(area, s, x): sum over states and sectors of fn(sid, share, units per person)}, the
    units at the area's own level (AREA_INDEX)."""
    out = {}
    for s in SEXES:
        for x in AGES:
            qk = care.state_q(q, sh, st.RR, s, x)
            per = {}
            for sec in care.SECTORS:
                sid = sec["id"]
                for k in st.STATES:
                    share = float(sh[(s, x)][k])
                    units = use_rate(rates, sid, k, s, x) + qk[k] * care.eol_rate(sid, k, x)
                    per[sid] = per.get(sid, 0.0) + fn(sid, share * units)
            for a, _, _ in AREAS:
                out[(a, s, x)] = sum(v * ix(a, sid) for sid, v in per.items())
    return out


def workforce_rows(pop, years2021, q, sh, rates, improvement, fert, mig, boys):
    groups = sorted({s["group"] for s in care.SECTORS if s["fte"]})
    fte_pc = {g: per_capita(rates, sh, q, lambda sid, u, g=g: u * fte_of(sid)
                            if care.SECTOR[sid]["group"] == g else 0.0) for g in groups}
    proj = dm.project(pop, q, BASE, improvement, fert, boys, mig, BASE, 2034)
    popr = {r: sum(v for (a, s, x), v in pop.items() if SUB_OF[a] == r) for r in SUBREGIONS}
    ptot = sum(popr.values())
    rows, info = [], {}
    gap0 = SHORTAGE_2024 / WORKFORCE_ZL
    gap10 = SHORTAGE_2034 / WORKFORCE_ZL
    a = 1.0 - RETIRE - OUTFLOW
    for g in groups:
        dem = {t: sum(v * fte_pc[g][k] for k, v in proj[t].items()) for t in (BASE, 2034)}
        growth = dem[2034] / dem[BASE]
        sup0 = dem[BASE] * (1.0 - gap0)
        sup10 = dem[BASE] * (growth - gap10)
        inflow = (sup10 - sup0 * a ** 10) * (1.0 - a) / (1.0 - a ** 10)
        info[g] = dict(demand=dem[BASE], demand_2034=dem[2034], supply=sup0, inflow=inflow,
                       inflow_rate=inflow / sup0)
        for r in SUBREGIONS:
            sh_r = popr[r] / ptot
            rows.append((g, r, f"{sup0 * sh_r:.1f}", f"{RETIRE}", f"{OUTFLOW}", f"{inflow * sh_r:.2f}"))
    return rows, info


def target_pop(pop, sh, areas, ages, states):
    return sum(v * float(sh[(s, x)][k]) for (a, s, x), v in pop.items()
               if a in areas and ages[0] <= x <= ages[1] for k in states)


def use_per_person(pop, sh, rates, sid, areas, ages, states):
    """Units per person-year of use.csv x area_use_index (no end-of-life use) over the
    targeted people."""
    units = sum(v * float(sh[(s, x)][k]) * use_rate(rates, sid, k, s, x) * ix(a, sid)
                for (a, s, x), v in pop.items()
                if a in areas and ages[0] <= x <= ages[1] for k in states)
    return units / target_pop(pop, sh, areas, ages, states)


def baseline_units(pop, sh, q, rates, sid, areas, ages, states):
    tot = 0.0
    for (a, s, x), v in pop.items():
        if a not in areas or not ages[0] <= x <= ages[1]:
            continue
        qk = care.state_q(q, sh, st.RR, s, x)
        for k in states:
            n = v * float(sh[(s, x)][k])
            tot += n * (use_rate(rates, sid, k, s, x) + qk[k] * care.eol_rate(sid, k, x)) * ix(a, sid)
    return tot


STARTS = {"Westelijke Mijnstreek": 2025, "Parkstad": 2026, "Maastricht-Heuvelland": 2027}


def participants(pop, sh, areas, ages, states, umax, ramp, year, curve="linear"):
    """Expected participants in `year` (MODEL.md section 4 uptake) on the base-year population,
    rounded to hundreds: a milestone the coalition can monitor."""
    tot = 0.0
    for a in areas:
        d = year - STARTS[SUB_OF[a]]
        if d < 0:
            continue
        if curve == "linear":
            up = umax * min(1.0, (d + 1) / ramp)
        else:
            up = umax / (1.0 + math.exp(-(d + 1 - ramp / 2.0) * 8.0 / ramp))
        tot += up * target_pop(pop, sh, [a], ages, states)
    return int(round(tot, -2))


def participants_raw(popx, sh, areas, ages, states, umax, ramp, year, start_year=None):
    """Expected participants (linear uptake, MODEL.md section 4) in `year` on the population
    popx (not rounded); the start year is that of the subregion unless start_year says."""
    tot = 0.0
    for a in areas:
        d = year - (start_year or STARTS[SUB_OF[a]])
        if d >= 0:
            tot += umax * min(1.0, (d + 1) / ramp) * target_pop(popx, sh, [a], ages, states)
    return tot


def cpi(year):
    """CPI factor 2022 -> year (FACTS.md 2.2; 2 %/yr beyond 2024, assumption)."""
    if year <= 2022:
        return 1.0
    if year == 2023:
        return CPI_2023
    return CPI_2024 * (1.0 + CPI_LATER) ** (year - 2024)


def deflator(first, last):
    """Mean of 1/cpi over the years: an amount spread evenly over them in nominal euros, as
    2022 euros a year."""
    ys = range(first, last + 1)
    return sum(1.0 / cpi(y) for y in ys) / len(ys)


def context(pop, sh, q, rates, improvement, imp_se, fig):
    all_areas = [a for a, _, _ in AREAS]
    c = {"improvement": improvement, "imp_se": imp_se}
    # Digitalisering: > 11,000 patients on Zuyderland home monitoring (FACTS 3.4) over the
    # chronic and frail 50+ of Zuyderland's area (Westelijke Mijnstreek + Parkstad)
    c["tele_elig"] = target_pop(pop, sh, WM_PARKSTAD, (50, 100), ("chronic", "frail"))
    c["tele_existing"] = round(TELE_EXISTING / c["tele_elig"], 4)
    # the plan's extension beyond the 11,000 (counterfactual): pert(0, 0.25, 0.5) x 11,000
    c["tele_inc"] = tuple(round(TELE_EXISTING * f / c["tele_elig"], 4) for f in (INC_MIN, INC_MODE, INC_MAX))
    c["tele_max"] = round(TELE_EXISTING * INC_MEAN / c["tele_elig"], 4)    # mean of the pert
    # Ouderen: ZCN prevents about 30 inappropriate admissions per week (FACTS 3.4) x 52 x
    # 5.2 days, over the baseline hospital days of chronic/frail/dependent 65+
    c["zcn_days"] = 30 * 52 * 5.2
    c["zcn_base"] = baseline_units(pop, sh, q, rates, "hospital_day", all_areas, (65, 100),
                                   ("chronic", "frail", "dependent"))
    c["zcn_frac"] = round(c["zcn_days"] / c["zcn_base"], 4)
    # the extension's fraction: increment share pert(0, 0.25, 0.5) x the self-reported effect
    # pert(0.5, 1, 1.25) x zcn_frac. One pert over the product's range [0, 0.5 x 1.25] with the
    # product's mean (the model takes no product of two distributions): mode from
    # mean = (min + 4 mode + max) / 6
    rep_mean = (ZCN_REPORT[0] + 4 * ZCN_REPORT[1] + ZCN_REPORT[2]) / 6.0
    zmax = INC_MAX * ZCN_REPORT[2]
    zmean = INC_MEAN * rep_mean
    c["zcn_inc"] = (0.0, round((6 * zmean - zmax) / 4 * c["zcn_frac"], 5), round(zmax * c["zcn_frac"], 5))
    c["zcn_inc_mean"] = zmean * c["zcn_frac"]
    # PlusWIJken: 30 welzijnscoaches x 150 clients/yr (caseload estimate) = 4,500, split into
    # the 10 coaches the municipalities continue and the 20 on IZA money to 2027
    c["wor_elig"] = target_pop(pop, sh, PLUSWIJKEN, (18, 100), ("chronic", "frail"))
    c["wor_cont"] = tuple(round(WOR_CONT * k / c["wor_elig"], 4) for k in WOR_CASELOAD)
    c["wor_extra"] = tuple(round(WOR_EXTRA * k / c["wor_elig"], 4) for k in WOR_CASELOAD)
    c["wor_max"] = round(4500.0 / c["wor_elig"], 4)
    # 35 Kernteams Ouderen x 50 frail clients (estimate) = 1,750
    c["kto_elig"] = target_pop(pop, sh, PLUSWIJKEN, (75, 100), ("frail",))
    c["kto_max"] = round(min(0.9, 1750.0 / c["kto_elig"]), 4)
    c["acp_elig"] = target_pop(pop, sh, all_areas, (75, 100), ("frail", "dependent"))
    c["pal_elig"] = target_pop(pop, sh, all_areas, (65, 100), ("chronic", "frail"))
    c["fall_elig"] = target_pop(pop, sh, all_areas, (65, 100), ("chronic", "frail"))
    c["np_elig"] = target_pop(pop, sh, all_areas, (18, 100), ("chronic",))
    P = lambda areas, ages, states, umax, ramp, year, curve="linear": participants(
        pop, sh, areas, ages, states, umax, ramp, year, curve)
    c["ms_acp"] = P(all_areas, (75, 100), ("frail", "dependent"), 0.4, 3, 2027)
    c["ms_pal"] = P(all_areas, (65, 100), ("chronic", "frail"), 0.5, 3, 2028)
    # the plan's net uptake after the counterfactual (third round): mean of the pert
    c["np_net"] = pert_net(0.2, EST_RANGE, NP_EXIST)
    c["fall_net"] = pert_net(0.15, EST_RANGE, FALL_EXIST)
    c["ms_np"] = P(all_areas, (18, 100), ("chronic",), c["np_net"][3], 4, 2028, "logistic")
    c["ms_tele"] = P(WM_PARKSTAD, (50, 100), ("chronic", "frail"), c["tele_max"], 3, 2027)
    c["ms_wor"] = P(PLUSWIJKEN, (18, 100), ("chronic", "frail"), c["wor_cont"][1], 3, 2027)
    c["ms_wor_extra"] = P(PLUSWIJKEN, (18, 100), ("chronic", "frail"), c["wor_extra"][1], 3, 2027)
    c["ms_kto"] = P(PLUSWIJKEN, (75, 100), ("frail",), c["kto_max"], 3, 2027)
    c["ms_zcn"] = P(all_areas, (65, 100), ("chronic", "frail", "dependent"), 1.0, 2, 2026)
    c["ms_fall"] = P(all_areas, (65, 100), ("chronic", "frail"), c["fall_net"][3], 3, 2028)
    # Own staff per participant (third round: fte_per_participant on the per_participant lines,
    # which follows the participants of every draw and scenario, instead of resource lines sized
    # on the expected participants). thuismonitoring: 6 FTE digitale zorgteam per 11,000
    # patients; valpreventie: 2 FTE beweegcoaches per subregion (Heerlen: Parkstad, Maastricht:
    # Maastricht-Heuvelland) at full uptake in 2030, 4 FTE over their gross participants (15 %)
    park = [a for a, _, r in AREAS if r == "Parkstad"]
    mh = [a for a, _, r in AREAS if r == "Maastricht-Heuvelland"]
    c["tele_fte_ratio"] = 6.0 / TELE_EXISTING
    fall = ((65, 100), ("chronic", "frail"), 0.15, 3)
    c["fall_park_n2030"] = participants_raw(pop, sh, park, *fall, 2030)
    c["fall_mh_n2030"] = participants_raw(pop, sh, mh, *fall, 2030)
    c["fall_fte_ratio"] = 4.0 / (c["fall_park_n2030"] + c["fall_mh_n2030"])
    # thuis-sterven as end-of-life shifts (item 2): terminal bed-days, district nursing hours and
    # hospice days of the targeted decedents (chronic/frail 65+, base-year deaths by state)
    for sid in ("hospital_day", "district_nursing_hour", "hospice_day"):
        c["eol_" + sid] = sum(
            v * float(sh[(s, x)][k]) * care.state_q(q, sh, st.RR, s, x)[k] * care.eol_rate(sid, k, x)
            * ix(a, sid) for (a, s, x), v in pop.items() if x >= 65 for k in ("chronic", "frail"))
    # Baseline risks p0 for the odds ratios: frail 75+ in the PlusWIJken areas, use.csv rates x
    # the areas' index, as printed (3 decimals); P(at least one admission or ED visit in a
    # year), Poisson, an admission lasting the mean stay
    frail75 = (PLUSWIJKEN, (75, 100), ("frail",))
    c["frail_hosp"] = round(use_per_person(pop, sh, rates, "hospital_day", *frail75), 3)
    c["frail_ed"] = round(use_per_person(pop, sh, rates, "ed_visit", *frail75), 3)
    c["p0_hosp"] = 1.0 - math.exp(-c["frail_hosp"] / MEAN_STAY)
    c["p0_ed"] = 1.0 - math.exp(-c["frail_ed"])
    c["rr_hf"] = or_to_rr((0.63, 0.41, 0.96), c["p0_hosp"])
    c["rr_copd"] = or_to_rr((0.46, 0.33, 0.65), c["p0_hosp"])
    c["rr_copd_ed"] = or_to_rr((0.27, 0.11, 0.66), c["p0_ed"])
    c["rr_kto"] = or_to_rr((1.13, 0.95, 1.35), c["p0_hosp"])
    return c


def pert_mv(a, m, b):
    """Mean and variance of pert(a, m, b)."""
    mu = (a + 4 * m + b) / 6.0
    return mu, (mu - a) * (b - mu) / 7.0


def prod_mv(*fs):
    """Mean and sd of a product of independent factors given as (mean, variance)."""
    mean, e2 = 1.0, 1.0
    for mu, var in fs:
        mean *= mu
        e2 *= var + mu * mu
    return mean, math.sqrt(max(0.0, e2 - mean * mean))


def pert_net(x, r, cf):
    """An uptake estimate pert(x(1-r), x, x(1+r)) times (1 - the counterfactual share
    pert cf): one pert over the product's range with the product's mean (the model takes no
    product of two distributions). Returns (min, mode, max, mean)."""
    lo, hi = x * (1 - r) * (1 - cf[2]), x * (1 + r) * (1 - cf[0])
    mean = x * (1 - pert_mv(*cf)[0])
    mode = (6 * mean - lo - hi) / 4
    assert lo <= mode <= hi
    return lo, mode, hi, mean


def pert_around(x, r, nd=8):
    """Symmetric pert x(1-r), x, x(1+r): mean x, for a plain estimate in the PSA."""
    return (f"{{dist: pert, min: {x * (1 - r):.{nd}g}, mode: {x:.{nd}g}, "
            f"max: {x * (1 + r):.{nd}g}}}")


def sector_yaml():
    lines = []
    for s in care.SECTORS:
        # FTE per unit: GP from van der Biezen 2016 (a point); all others are estimates, so a
        # pert +-25 % (item 8); all m2 per unit are estimates, +-50 %
        fte = s["fte"] or 0.0
        fte_txt = f"{fte}" if s["id"] == "gp" or not fte else pert_around(fte, FTE_RANGE)
        parts = [f"id: {s['id']}", f"name: \"{s['name']}\"", f"unit: {s['unit']}",
                 f"payer: {s['payer']}", f"chain: {s['chain']}", f"price: {s['price']}",
                 f"fte_per_unit: {fte_txt}"]
        if s["m2"]:
            parts.append(f"m2_per_unit: {pert_around(s['m2'], EST_RANGE)}")
        parts += [f"group: {s['group']}", "growth: 0.0"]
        lines.append(f"  # {s['src']}" + ("; PSA: estimated fte_per_unit pert +-25 %, m2_per_unit "
                                           "pert +-50 % (assumption)" if s["m2"] or (fte and s["id"] != "gp") else ""))
        if s.get("marginal") is not None:
            note = s["marginal_src"]
            lines.append(f"  # marginal_share: {note[0]}")
            lines += [f"  # {n}" for n in note[1:]]
            parts.append(f"marginal_share: {s['marginal']}")
        lines.append("  - {" + ", ".join(parts) + "}")
    return "\n".join(lines)


def normal(mean, sd):
    return f"{{dist: normal, mean: {mean:.4f}, sd: {sd:.4f}}}"


def ci_sd(lo, hi):
    return (hi - lo) / 3.92


def ci_normal(point, lo, hi, share=1.0):
    """change = ratio - 1 as a normal with sd from the 95 % CI on the ratio scale; both x share,
    the attenuation where the plan's target is wider than the study's."""
    return normal((point - 1) * share, ci_sd(lo, hi) * share)


def share_normal(point, lo, hi, share, rng=SHARE_RANGE):
    """change = (ratio - 1) x share with ratio ~ normal (sd from the CI) and share ~ uniform
    over share x (1 -+ rng), independent: mean = product of the means, variance of the product
    = ms^2 sr^2 + mr^2 ss^2 + sr^2 ss^2. Returns (mean, sd, text)."""
    mr, sr = point - 1.0, ci_sd(lo, hi)
    ss = share * rng * 2 / math.sqrt(12.0)
    sd = math.sqrt(share ** 2 * sr ** 2 + mr ** 2 * ss ** 2 + sr ** 2 * ss ** 2)
    return mr * share, sd, normal(mr * share, sd)


def or_to_rr(ci, p0):
    """Odds ratios (point, lo, hi) as risk ratios at baseline risk p0 (Zhang & Yu 1998)."""
    return tuple(o / (1.0 - p0 + p0 * o) for o in ci)


def rr_text(r):
    return f"RR {r[0]:.3f} ({r[1]:.3f}-{r[2]:.3f})"


START = "start: 2025, start_by_subregion: {Parkstad: 2026, Maastricht-Heuvelland: 2027}"
START_WP = "start: 2025, start_by_subregion: {Parkstad: 2026}"


def render(c):
    imp = c["improvement"]
    hf, copd, ced, kto = c["rr_hf"], c["rr_copd"], c["rr_copd_ed"], c["rr_kto"]
    # thuismonitoring: heart-failure and COPD thirds of the monitored patients (asthma third 0)
    hf3 = ((hf[0] - 1) / 3, ci_sd(hf[1], hf[2]) / 3)
    copd3 = ((copd[0] - 1) / 3, ci_sd(copd[1], copd[2]) / 3)
    ced3 = ((ced[0] - 1) / 3, ci_sd(ced[1], ced[2]) / 3)
    tele = (hf3[0] + copd3[0], math.hypot(hf3[1], copd3[1]))
    kto_change, kto_sd = kto[0] - 1, ci_sd(kto[1], kto[2])
    dv = SIRM_EXTRA / CARE_EMPLOYEES
    # attenuated effects with the share's uncertainty (item 3)
    acp_h = share_normal(0.54, 0.47, 0.63, ACP_SHARE)
    acp_e = share_normal(0.60, 0.31, 1.42, ACP_SHARE)
    # third round: x the increment (1 - ACP_EXIST), a third independent factor
    acp_inc = pert_mv(1 - ACP_EXIST[2], 1 - ACP_EXIST[1], 1 - ACP_EXIST[0])
    share_mv = (ACP_SHARE, (ACP_SHARE * SHARE_RANGE * 2) ** 2 / 12.0)
    acp_h3 = prod_mv((-0.46, ci_sd(0.47, 0.63) ** 2), share_mv, acp_inc)
    acp_e3 = prod_mv((-0.40, ci_sd(0.31, 1.42) ** 2), share_mv, acp_inc)
    acp_units = 2 * 42.47 / 30.87       # two long GP consults as average-consult units (euros kept)
    nurse = share_normal(0.76, 0.64, 0.91, NURSE_SHARE)
    falls = share_normal(0.85, 0.81, 0.89, FALL_SHARE)
    # thuis-sterven, round 2 (kept for the comments' 'was'): RR 1.31 (1.12-1.52) of dying at home; the
    # terminal bed-days fall by (RR - 1)/2, district nursing and hospice rise by (RR - 1), as the
    # former end_of_life_use changes. A hospice day replaces a bed-day one for one (ratio 1,
    # assumption), which fixes the hospice fraction; the rest of the bed-days go home, at the
    # ratio that gives the former district-nursing hours.
    Eh, Edn, Ehs = c["eol_hospital_day"], c["eol_district_nursing_hour"], c["eol_hospice_day"]
    rr_m, rr_sd = 0.31, ci_sd(1.12, 1.52)
    f_hs, sd_hs = rr_m * Ehs / Eh, rr_sd * Ehs / Eh
    f_dn, sd_dn = rr_m / 2 - f_hs, rr_sd * (0.5 - Ehs / Eh)
    r_dn = rr_m * Edn / (f_dn * Eh)
    # third round: extra home deaths per targeted decedent = h0 x (RR - 1); each that would have
    # died in hospital (p_hosp) avoids a terminal stay of MEAN_STAY days; over the terminal
    # bed-days per targeted decedent (E): fraction = (RR - 1) x h0 x p_hosp x MEAN_STAY / E
    dec = Edn / 50.0                        # targeted decedents (50 h of home nursing each)
    e_bd = Eh / dec
    h0, p_h = pert_mv(*HOME_DEATH), pert_mv(*HOSP_ALT)
    ts_f, ts_sd = prod_mv((rr_m, rr_sd ** 2), h0, p_h, (MEAN_STAY / e_bd, 0.0))
    # each extra home death gets the terminal home nursing of a decedent (50 h, eol.csv):
    # hours per bed-day avoided = 50 x h0 x (RR - 1) / (fraction x E) = 50 / (p_hosp x MEAN_STAY)
    ts_ratio = 50.0 / (p_h[0] * MEAN_STAY)
    # digivaardig (third round): FTE share = weak share x lost time x recovered share
    uni = lambda a, b: ((a + b) / 2, (b - a) ** 2 / 12.0)
    t_gp, t_ltc = DIGI_GP_MIN / WEEK_MIN, DIGI_LTC_MIN / WEEK_MIN

    def digi(t):
        lo, hi = DIGI_WEAK[0] * DIGI_RECOVER[0] * t, DIGI_WEAK[1] * DIGI_RECOVER[1] * t
        mean = uni(*DIGI_WEAK)[0] * uni(*DIGI_RECOVER)[0] * t
        return -hi, -(6 * mean - lo - hi) / 4, -lo, -mean
    dg_gp, dg_ltc = digi(t_gp), digi(t_ltc)
    pert3 = lambda v, nd=5: f"{{dist: pert, min: {v[0]:.{nd}f}, mode: {v[1]:.{nd}f}, max: {v[2]:.{nd}f}}}"
    np_net, fall_net = c["np_net"], c["fall_net"]
    # nominal IZA amounts in 2022 euros (item 6)
    d_beh, d_pw = deflator(2025, 2028), deflator(2025, 2027)
    beh_year = round(12.7e6 / 4 * d_beh)
    beh_fund = round(6.35e6 * d_beh)
    wor_cont_year = round(4.5e6 * WOR_CONT / 30 * d_pw)
    wor_extra_year = round(4.5e6 * WOR_EXTRA / 30 * d_pw)
    kto_year = round(4.5e6 * d_pw)
    pw_fund = round(13.5e6 * d_pw)
    zonmw = round(500000 / cpi(2023))
    # the extensions' costs and staff scale with their mean size (item 1)
    tele_once, zcn_year = 1.5e6 * INC_MEAN, 600000 * INC_MEAN
    return f"""# Zuid-Limburg example plan for careshift, built by scripts/derive_example.py from the
# public data in ../shared/data (Bron: CBS; bron: Vektis; United Nations, DESA, Population
# Division, World Population Prospects 2024). Do not edit by hand: edit the script and rerun
#   python3 scripts/derive_example.py ../shared/data examples/zuid-limburg
# Sources per number: comments here, '# source:' lines in each CSV, docs/example.md.
# Effect sizes: FACTS.md section 4; change = RR - 1 with a normal sd = (CI width)/3.92 unless
# said otherwise; an OR is first converted to an RR at the baseline risk, and an effect is
# attenuated where the plan's target is wider than the study's (docs/example.md, "Evidence
# fit of each effect").
# "estimate" marks a number with no published source.
careshift: 1
plan:
  name: Transformatieplan Mijnstreek
  coalition: Mijnstreekcoalitie
  # Voorlopig Transformatieplan Mijnstreek passed the snelle toets with CZ and VGZ in
  # January 2024 (mijnlevengezond.nl 22-01-2024, FACTS.md 1.6)
  status: snelle-toets-passed
region:
  name: Zuid-Limburg
  areas: areas.csv
# base 2024 = 2021 CBS data projected three years (docs/example.md); horizon 2040
years: {{base: {BASE}, horizon: {HORIZON}}}
population: population.csv
demography:
  mortality: mortality.csv
  # fall of the NL age-standardised death rate 2010-2019 (log-linear fit, CBS 37168 deaths /
  # CBS 03759ned population, NL 2015 standard): {imp * 100:.2f} %/yr, se {c['imp_se'] * 100:.2f} points
  mortality_improvement: {{dist: normal, mean: {imp:.5f}, sd: {c['imp_se']:.5f}}}
  # a stated assumption, not a measurement: the onset of the worse states falls as mortality
  # does, so that the prevalence of each state by age stays at 2024's ("dynamic equilibrium";
  # without it the dependent share rises 6.8 % by 2040, an expansion of morbidity). Solved per
  # age band on the dependent share by `python3 scripts/calibrate_onset.py build/careshift
  # examples/zuid-limburg/plan.yaml`; every state then stays within 1.2 % of 2024's in every
  # band (docs/validation.md "A stable baseline").
  transition_improvement_by_age: {{0: 0.000423, 65: 0.001234, 75: 0.002786, 85: 0.005588, 90: 0.007661, 95: 0.011541}}
  fertility: fertility.csv
  boys: 0.512                   # CBS long-run sex ratio at birth (about 105 boys per 100 girls)
  migration: migration.csv
states:
  # utility: EQ-5D index. healthy 0.94 = Dutch community-dwelling 65-69 (Mangen et al., HQLO
  #   2017, EQ-5D-3L, n = 48,634); chronic 0.86 = same study, 85+ (most with >= 1 condition);
  #   frail 0.65 and dependent 0.45: estimates, no Dutch EQ-5D figure by frailty status or for
  #   nursing-home residents was retrieved. Anchor: median EQ-5D-5L index 0.574 (IQR 0.410) of
  #   frail older people (Clinical Frailty Scale 5-8) in UK acute care (BMC Emerg Med 2023,
  #   doi 10.1186/s12873-023-00909-4), a sicker group than the community-dwelling frail;
  #   Botes et al., PPA 2018, report the nursing-home group lowest of three dependency levels.
  # mortality_rr: frail HR 2.40 (2.17-2.65) vs robust, Peng et al., BMC Geriatr 2022;22:725
  #   (56 cohorts, 1.85 M people); chronic 1.5 and dependent 4.0: estimates (pre-frail HRs in
  #   the same meta-analysis are "similar"; nursing-home residents' median survival about 2 years).
  - {{id: healthy, utility: {{dist: beta, mean: 0.94, sd: 0.01}}, mortality_rr: 1.0}}
  - {{id: chronic, utility: {{dist: beta, mean: 0.86, sd: 0.02}}, mortality_rr: {{dist: lognormal, mean: 1.5, sd: 0.15}}}}
  - {{id: frail, utility: {{dist: beta, mean: 0.65, sd: 0.05}}, mortality_rr: {{dist: lognormal, mean: 2.4, sd: 0.12}}}}
  - {{id: dependent, utility: {{dist: beta, mean: 0.45, sd: 0.07}}, mortality_rr: {{dist: lognormal, mean: 4.0, sd: 0.6}}}}
state_shares: state_shares.csv
transitions: transitions.csv
payers:
  - {{id: zvw, name: Zorgverzekeringswet}}
  - {{id: wlz, name: Wet langdurige zorg}}
  - {{id: wmo, name: Gemeente (Wmo)}}
workforce: workforce.csv
# the whole care-and-welfare workforce of Zuid-Limburg: 252,000 jobs (CBS 70072ned 2015, COROP)
# x 1/6 ("about 1 in 6 workers in care and welfare", UWV werk.nl; FACTS.md 3.3); the summary
# says what share of it the modelled sectors are
workforce_total_fte: 42000
sectors:
{sector_yaml()}
# PSA (item 8): the use rates are calibrated to Vektis 2015 (docs/calibration.md); the Zvw cost
# per insured year 2023 deflated to 2022 is about 5 % above the base-year level (FACTS.md 3.1),
# so the level is drawn with sd 5 % (assumption; it also scales the Wlz and Wmo rates of use.csv).
use: {{file: use.csv, scale: {{dist: lognormal, mean: 1.0, sd: 0.05}}}}
# end-of-life use per decedent: partly estimates (1.5 admissions, 50 h of district nursing, 1.2
# hospice days), drawn with sd 20 % (assumption)
end_of_life_use: {{file: eol.csv, scale: {{dist: lognormal, mean: 1.0, sd: 0.2}}}}
# each municipality's own level of Zvw use (v0.2): Vektis 2015 cost per insured year over what
# use.csv gives its own insured mix by sex and age band, per Vektis category (GP, wijkverpleging,
# GGZ, MSZ, other); use.csv holds the rates of an area with index 1 (docs/calibration.md)
area_use_index: area_use_index.csv
economics:
  price_year: 2022              # Kostenhandleiding 2024 reference prices (FACTS.md 2.2)
  price_growth: 0.0             # real prices constant
  discount_rate: 0.03           # ZIN Richtlijn economische evaluaties 2024: costs 3 % (FACTS.md 2.1; conflict with 4 % noted there)
  discount_rate_effects: 0.015  # same guideline: effects 1.5 %
  # budget_impact.csv in current euros: the CBS CPI factors of FACTS.md 2.2 (2022 -> 2023 1.038,
  # -> 2024 1.073), the same the plan's nominal amounts were deflated with, and beyond 2024 the
  # ECB target of 2 % a year (assumption)
  price_index: {{2022: 1.0, 2023: {CPI_2023}, 2024: {CPI_2024}}}
  inflation: {CPI_LATER}
  qaly_value: 50000             # estimate: middle of the ZIN reference values EUR 20,000-80,000 per QALY (not in FACTS.md)
# Thresholds: the assessment framework asks for "substantial" impact without a number
# (FACTS.md 1.1, NOT FOUND); these are the coalition's own choice.
criteria:
  # The IZA milestones: the quick test reads 2027 (short term) and 2030 (long term);
  # criteria.csv has every year up to the horizon.
  short_year: 2027
  long_year: 2030
  care_use_payer: zvw
  care_use_pct: 1.0          # 1 % of the year's Zvw care cost
  patient_flows_pct: 1.0     # 1 % of the baseline hospital bed-days moved to the front
  # Denominator in one unit: every shift of the plan moves hospital bed-days (zorgcoordinatie to
  # ELV, thuis-sterven's terminal bed-days to home nursing), so the bed-days are the
  # denominator; the default (every secondary sector) would add outpatient, ED and day-treatment
  # visits and GGZ hours to bed-days (issue 9)
  patient_flows_sectors: [hospital_day]
  # Staff and real estate relative to the region, so the bar scales with it: 1 % of the
  # year's FTE demand (about 200 FTE of some 20,000) and 1 % of the care floor area (about
  # 8,400-8,900 m2), rather than fixed numbers that a region twice this size would pass
  # twice as easily.
  staff_pct: 1.0
  real_estate_pct: 1.0
parameters:
  # Retention: 13 % of new staff leave within 2 years (Transvorm 2023); new staff are about
  # 12.6 %/yr of the stock (CBS AZW inflow 176k / 1.4 M) and outflow 11 %/yr, so early leavers
  # are about 7.4 % of outflow; halving early leaving (plan assumption; no quantified effect
  # found, FACTS.md 4) gives -3.7 %: uniform 0 to -7.4 %.
  retention: {{dist: uniform, min: -0.074, max: 0.0}}
themes:
  - id: palliatief
    name: Palliatieve zorg
    leader: Zuyderland (netwerken palliatieve zorg Westelijke Mijnstreek en Oostelijk Zuid-Limburg)
    interventions:
      - id: acp
        name: Proactieve zorgplanning (ACP) door huisarts, specialist ouderengeneeskunde en wijkverpleging
        # target: frail and dependent 75+ ({c['acp_elig']:.0f} persons in the base year); max uptake 40 % (plan ambition, estimate)
        target: {{ages: [75, 100], states: [frail, dependent]}}
        # max uptake 40 % (estimate): pert +-50 % in the PSA
        uptake: {{max: {pert_around(0.4, EST_RANGE, 4)}, ramp_years: 3, {START}, curve: linear}}
        effects:
          # ACP in nursing homes -> hospitalisation RR 0.54 (0.47-0.63), Pimsen et al., JAMDA 2022
          # (-0.46, sd 0.0408). Study population = nursing-home residents, here
          # the dependent state only; for the community-dwelling frail FACTS.md 4 has no hospitalisation
          # effect (ED visits: inconclusive outside nursing homes, Sakamoto et al. 2023), so 0 there. Attenuation
          # {ACP_SHARE} = dependent residents' share of the targeted end-of-life bed-days 2025-2040 (this
          # plan's eol.csv and deaths by state; a run with target states [dependent] only).
          # RR, no conversion: -0.46 x {ACP_SHARE} = {acp_h[0]:.4f}. The share is an assumption (0 effect
          # for the frail at home): uniform {ACP_SHARE * (1 - SHARE_RANGE):.3f}-{ACP_SHARE * (1 + SHARE_RANGE):.3f} (+-50 %).
          # Counterfactual (third round): ACP is already routine for many Dutch nursing-home residents
          # (elderly-care physicians discuss treatment limits on admission), and Pimsen's contrast is a
          # structured programme against usual care without it. FACTS.md has no Dutch share: assumption,
          # a share pert{ACP_EXIST} of the dependent participants has ACP in usual care already, so
          # the plan adds it for 1 - that = pert({1 - ACP_EXIST[2]:.1f}, {1 - ACP_EXIST[1]:.1f}, {1 - ACP_EXIST[0]:.1f}), mean {acp_inc[0]:.3f}.
          # change = -0.46 x {ACP_SHARE} x {acp_inc[0]:.3f} = {acp_h3[0]:.4f}; sd of the product of the three
          # independent factors (RR normal, share uniform, increment pert) {acp_h3[1]:.4f}
          # (was {acp_h[0]:.4f}, sd {acp_h[1]:.4f}; evidence audit, issue 9, rounds 1-2)
          - {{kind: end_of_life_use, sector: hospital_day, change: {normal(*acp_h3)}}}
          # ED visits RR 0.60 (0.31-1.42), not significant (Pimsen et al. 2022), kept at its point
          # estimate as the kernteam OR is: -0.40 x {ACP_SHARE} x {acp_inc[0]:.3f} (same share and increment) = {acp_e3[0]:.4f},
          # sd {acp_e3[1]:.4f} (was {acp_e[0]:.4f}, sd {acp_e[1]:.4f})
          - {{kind: end_of_life_use, sector: ed_visit, change: {normal(*acp_e3)}}}
          # The ACP conversations themselves: two GP consults > 20 min per participant per year,
          # KH 2024 EUR 42.47 (2022) each = EUR 84.94, as gp units at the average consult price
          # 30.87: 84.94 / 30.87 = {acp_units:.4f} consults (same euros; their GP time counts in the
          # gp sector's FTE, 3.0 consults an hour). Was a per_participant cost line of 84.94 (third
          # round: care the intervention adds is care, in the care-use criterion and the staff).
          # Not reduced for the counterfactual: the plan pays the conversations for every participant
          # (in nursing homes an update of the existing plan).
          - {{kind: extra_use, sector: gp, units: {acp_units:.4f}}}
        costs:
          # estimate (2022 euros): training and materials; pert +-50 % in the PSA
          - {{payer: zvw, once: {pert_around(150000, EST_RANGE)}, year: 2025}}
        # the consults are regular GP care paid by the Zvw (extra_use above) after the one-off
        # training: the uptake stays
        after_funding: keep
        resources:
          - {{organisation: Zuyderland, role: projectleider palliatieve zorg, fte: 0.5, from: 2025, to: 2028}}
          # EUR 500,000 of 2023 (zuyderland.nl 23-01-2023) / CPI 2022->2023 {CPI_2023} = {zonmw} euros of 2022
          - {{organisation: ZonMw, role: subsidie transmurale proactieve zorgplanning, euro: {zonmw}, year: 2024}}
          # no resource line for ZIO's GP time (was 0.3 FTE in Maastricht-Heuvelland, following
          # its participants): the consults are now gp units whose FTE the sector counts in every
          # subregion; the line would count the same GPs twice (third round)

        milestones:
          - {{indicator: participants, year: 2027, target: {c['ms_acp']}}}
      - id: thuis-sterven
        name: Palliatieve thuiszorg met casemanager (sterven op de plek van voorkeur)
        # target: chronic/frail 65+ ({c['pal_elig']:.0f}), where most deaths fall; participants = people covered
        target: {{ages: [65, 100], states: [chronic, frail]}}
        # max uptake 50 % (estimate): pert +-50 % in the PSA
        uptake: {{max: {pert_around(0.5, EST_RANGE, 4)}, ramp_years: 3, {START}, curve: linear}}
        effects:
          # dying at home RR 1.31 (1.12-1.52), Shepperd et al., Cochrane CD009231 2021 (4 RCTs; the
          # effect on admissions is inconsistent across the trials). Conversion (third round; it was
          # wrong before): a relative rise of 31 % in home deaths is 0.31 x h0 extra home deaths per
          # targeted decedent, h0 = the baseline share of them dying at home (not in FACTS.md:
          # assumption pert{HOME_DEATH}). Of those, a share p_hosp would otherwise have died in
          # hospital (assumption pert{HOSP_ALT}; the others in a nursing home or hospice) and each
          # avoids a terminal stay of {MEAN_STAY} days (CBS 2012 mean stay, FACTS.md 5.3). Per targeted
          # decedent (chronic/frail 65+, {dec:.0f} deaths in the base year, eol.csv) there are
          # E = {e_bd:.2f} terminal bed-days, so the fraction of them avoided is
          # 0.31 x {h0[0]:.3f} x {p_h[0]:.3f} x {MEAN_STAY} / {e_bd:.2f} = {ts_f:.4f}, sd {ts_sd:.4f} (product of the RR's normal and the two
          # perts). The former reading -(RR - 1)/2 = -0.155 took the 31 % relative rise in home deaths
          # as a 31 % share of all decedents (h0 = 1): about twice the corrected fraction.
          # The bed-days go home: each extra home death receives the terminal home nursing of a
          # decedent (50 h, eol.csv, estimate), i.e. 50 / (p_hosp x {MEAN_STAY}) = {ts_ratio:.2f} hours per bed-day
          # avoided (at the mean p_hosp; the hours follow the fraction in the PSA).
          - {{kind: shift, from: hospital_day, to: district_nursing_hour, fraction: {normal(ts_f, ts_sd)}, ratio: {ts_ratio:.4f}, applies_to: end_of_life}}
          # van der Plas et al. PLoS One 2015 find death in hospital OR 0.26 (0.13-0.52) with a
          # palliative case manager (NL, observational): consistent with the direction.
          # No hospice shift any more (was fraction {f_hs:.4f} at 1 hospice day per bed-day): the
          # studies measure death at home, not in a hospice, so a 31 % rise in hospice days has no
          # source (third round). No utility effect: FACTS.md has no quality-of-life figure for
          # home palliative care, and the targeted persons (all chronic/frail 65+ covered) are mostly
          # not in their last months, so a utility change on them has no conversion (docs/example.md).
        costs:
          # estimate (2022 euros): casemanagers palliatieve zorg; pert +-50 % in the PSA
          - {{payer: zvw, per_year: {pert_around(250000, EST_RANGE)}, from: 2025, to: 2030}}
        # no payer after 2030 yet: the casemanagers leave and the teams' routine fades over about
        # two years (assumption; docs/example.md)
        after_funding: {{decay_years: 2}}
        resources:
          - {{organisation: Zuyderland, role: casemanagers palliatieve zorg, fte: 2.0, from: 2025, to: 2030}}
          # no resource line for the MeanderGroep palliative nurses (was 1.5 FTE 2025-2030): the extra
          # terminal home-nursing hours above are district_nursing_hour units whose FTE the sector
          # already counts; a resource line would count the same nurses twice (issue 9)

        milestones:
          - {{indicator: participants, year: 2028, target: {c['ms_pal']}}}
  - id: arbeidsmarkt
    name: Arbeidsmarkt
    # "Arbeidsmarkt Zorg en Welzijn Zuid-Limburg": EUR 12.7 M from CZ and VGZ, > 20 organisations,
    # coordinated by Zorg aan Zet (Skipr 30-09-2025, FACTS.md 1.6)
    leader: Zorg aan Zet
    interventions:
      - id: behoud
        name: Behoud en binding van nieuwe medewerkers (begeleiding startende zorgprofessionals)
        uptake: {{max: 1.0, ramp_years: 2, {START}, curve: linear}}
        effects:
          # extra_inflow: programme line "instroom" (zij-instromers), 0-20 FTE per subregion per year (estimate)
          - {{kind: workforce, group: vvt, outflow_change: $retention, extra_inflow: {{dist: uniform, min: 0, max: 20}}}}
          - {{kind: workforce, group: ziekenhuis, outflow_change: $retention}}
          - {{kind: workforce, group: sociaal, outflow_change: $retention}}
        costs:
          # EUR 12.7 M programme (CZ and VGZ), nominal, spread evenly over 2025-2028 (3.175 M a year):
          # in 2022 euros x the mean of 1/CPI(2022 -> year) over 2025-2028 = {d_beh:.4f} (FACTS.md 2.2:
          # 2024 {CPI_2024}; 2 %/yr beyond 2024, assumption) = {beh_year} a year
          - {{payer: zvw, per_year: {beh_year}, from: 2025, to: 2028}}
        # coaching of starters stops with the programme; early leaving returns to its old level
        # over about three years, as the last coached cohorts pass their first two years (assumption)
        after_funding: {{decay_years: 3}}
        resources:
          - {{organisation: Zorg aan Zet, role: programmacoordinatie, fte: 3.0, from: 2025, to: 2028}}
          # half of the EUR 12.7 M each, nominal 2025-2028, in 2022 euros (x {d_beh:.4f}, as the cost line)
          - {{organisation: CZ, role: financiering arbeidsmarktprogramma, euro: {beh_fund}, year: 2025}}
          - {{organisation: VGZ, role: financiering arbeidsmarktprogramma, euro: {beh_fund}, year: 2025}}
      - id: taakherschikking
        name: Taakherschikking naar verpleegkundig specialist en praktijkondersteuner bij chronische zorg
        # target: chronic 18+ ({c['np_elig']:.0f}); the plan's reach: 20 % of them in nurse-led care (estimate,
        # pert +-50 %). Counterfactual (third round): practice nurses (POH, ketenzorg for diabetes,
        # COPD and cardiovascular risk) and nurse practitioners already do much of this care in Dutch
        # general practice, so the Vektis 2015 baseline contains it, and task shifting grows without
        # the plan (NP per 100 FTE doctors 3.5 -> 11.0 in 2012-2022, Dankers-de Mari et al. 2023,
        # FACTS.md 4). The RCTs compare nurse-led with physician care: only participants who would
        # otherwise see the physician gain the contrast. Share of the reached whose care would be
        # nurse-led anyway: assumption pert{NP_EXIST} (FACTS.md has no Dutch share). Net uptake max =
        # 0.2 x (1 - share): one pert over the product's range with its mean, pert({np_net[0]:.4f}, {np_net[1]:.4f}, {np_net[2]:.4f}), mean {np_net[3]:.4f}
        # (was pert(0.1, 0.2, 0.3)). The effects, the +25 % consult time and the cost per participant
        # all follow the net participants: the plan pays only for the care it moves.
        target: {{ages: [18, 100], states: [chronic]}}
        uptake: {{max: {pert3(np_net, 4)}, ramp_years: 4, {START}, curve: logistic}}
        effects:
          # nurse-led vs physician care in primary care -> hospital admission RR 0.76 (0.64-0.91),
          # Martinez-Gonzalez et al., BMC HSR 2014 (24 RCTs). RR of admission applied to bed-days: an
          # avoided admission is taken to have the mean stay ({MEAN_STAY} days, CBS 2012, FACTS.md 5.3).
          # Attenuation x {NURSE_SHARE} = share of the participants' bed-days that concern the chronic
          # conditions whose care the nurse takes over (assumption: no Dutch split in FACTS.md; the
          # plan's participants are all chronic 18+, whose bed-days also cover elective surgery,
          # cancer, trauma and births that primary-care follow-up does not prevent).
          # -0.24 x {NURSE_SHARE} = {nurse[0]:.4f}. The share is an assumption: uniform {NURSE_SHARE * (1 - SHARE_RANGE):.2f}-{NURSE_SHARE * (1 + SHARE_RANGE):.2f} (+-50 %),
          # carried into the sd by the variance of the product: sd {nurse[1]:.4f} (was 0.0689 x {NURSE_SHARE} = 0.0344;
          # evidence audit, issue 9)
          - {{kind: use, sector: hospital_day, change: {nurse[2]}}}
          # NP 2.4 vs GP 3.0 consults per hour (van der Biezen et al., BMC Fam Pract 2016): +25 % time per consult.
          # This is the plan's own staff for the nurse-led consults: they stay gp units, whose FTE the
          # sector counts, at 25 % more time each, following uptake to {HORIZON}
          - {{kind: fte_per_unit, sector: gp, change: {{dist: triangular, min: 0.10, mode: 0.25, max: 0.40}}}}
          - {{kind: workforce, group: huisartsenzorg, extra_inflow: {{dist: uniform, min: 1, max: 5}}}}
        costs:
          # estimate (2022 euros): extra POH/NP time per patient per year; pert +-50 % in the PSA
          - {{payer: zvw, per_participant: {pert_around(40, EST_RANGE)}}}
        # no resource line for Meditta's nurse practitioners (was 4 FTE 2025-2030): their consults
        # are the gp units above, whose FTE (with the +25 %) the staff criterion already counts to
        # {HORIZON}; a resource line counted the same people twice (issue 9)

        milestones:
          - {{indicator: participants, year: 2028, target: {c['ms_np']}}}
  - id: digitalisering
    name: Digitalisering
    leader: Zuyderland       # "Digitale zorgtransformatie" passed the snelle toets, Jan 2024 (FACTS.md 1.6)
    interventions:
      - id: thuismonitoring
        name: Thuismonitoring en digitale zorg bij chronische aandoeningen (hartfalen, COPD, astma)
        # > 11,000 patients are ALREADY monitored at home (Zuyderland, ICT&health 15-10-2025, FACTS.md
        # 3.4) = {c['tele_existing']} of the {c['tele_elig']:.0f} chronic/frail 50+ in Westelijke Mijnstreek and Parkstad. They
        # are monitored with or without the plan, so the plan claims only its extension beyond them
        # (counterfactual; issue 9). FACTS.md has no target for the extension: assumption pert(0,
        # 25 %, 50 %) of the 11,000 = 0 / {TELE_EXISTING * INC_MODE:.0f} / {TELE_EXISTING * INC_MAX:.0f} extra patients, max uptake
        # pert({c['tele_inc'][0]}, {c['tele_inc'][1]}, {c['tele_inc'][2]}), mean {c['tele_max']} (was {c['tele_existing']}: the 11,000 counted as new). The
        # baseline (Vektis 2015) has none of the existing effect; the extra patients' use is the same.
        target: {{subregions: [Westelijke Mijnstreek, Parkstad], ages: [50, 100], states: [chronic, frail]}}
        uptake: {{max: {{dist: pert, min: {c['tele_inc'][0]}, mode: {c['tele_inc'][1]}, max: {c['tele_inc'][2]}}}, ramp_years: 3, {START_WP}, curve: linear}}
        effects:
          # Per disease third (1/3 HF, 1/3 COPD, 1/3 asthma: the plan's estimate, as below), each
          # study on its own third; ORs converted to RRs at the baseline risk p0 (Zhang & Yu 1998:
          # RR = OR / (1 - p0 + p0*OR)). p0 = {c['p0_hosp']:.3f} = 1 - exp(-{c['frail_hosp']:.3f}/{MEAN_STAY}): frail 75+ bed-days per
          # person-year in the PlusWIJken areas (use.csv x area_use_index: {c['frail_hosp']:.3f}) over the mean stay of {MEAN_STAY} days (CBS 2012,
          # FACTS.md 5.3), Poisson; a proxy (assumption) for HF and COPD patients, whose own risk is
          # not in FACTS.md.
          # HF telemedicine -> all-cause hospitalisation OR 0.63 (0.41-0.96), Anatol J Cardiol 2024;28:177:
          #   {rr_text(hf)}, x 1/3 = {hf3[0]:.4f}, sd {hf3[1] * 3:.4f}/3 = {hf3[1]:.4f}
          # COPD telehealthcare -> hospitalisation OR 0.46 (0.33-0.65), McLean et al., Cochrane CD007718:
          #   {rr_text(copd)}, x 1/3 = {copd3[0]:.4f}, sd {copd3[1] * 3:.4f}/3 = {copd3[1]:.4f}
          # asthma third: no hospitalisation evidence, 0.
          # sum {tele[0]:.4f}, sd sqrt({hf3[1]:.4f}^2 + {copd3[1]:.4f}^2) = {tele[1]:.4f} (was OR 0.63 - 1 = -0.37 on all
          # monitored patients; evidence audit, issue 9)
          - {{kind: use, sector: hospital_day, change: {normal(*tele)}}}
          # COPD telehealthcare -> ED attendance OR 0.27 (0.11-0.66), McLean et al., Cochrane CD007718 2011;
          # p0 = {c['p0_ed']:.2f} = 1 - exp(-{c['frail_ed']:.3f}), frail 75+ ED visits per person-year (use.csv x area_use_index; proxy,
          # assumption): {rr_text(ced)}, x 1/3 of monitored patients with COPD (estimate)
          # = {ced3[0]:.4f}, sd {ced3[1] * 3:.4f}/3 = {ced3[1]:.4f} (was OR - 1 unconverted, -0.2433)
          - {{kind: use, sector: ed_visit, change: {normal(*ced3)}}}
          # asthma: pulmonologist once a year instead of 4x (Zuyderland, provider-reported), -25 to -75 %,
          # x 1/3 of monitored patients with asthma (estimate)
          - {{kind: use, sector: outpatient, change: {{dist: pert, min: -0.25, mode: -0.1667, max: -0.0833}}}}
        costs:
          # estimate (2022 euros): platform and implementation, EUR 1.5 M for a programme of 11,000,
          # scaled to the extension (x {INC_MEAN}); the platform exists. pert +-50 % in the PSA
          - {{payer: zvw, once: {pert_around(tele_once, EST_RANGE)}, year: 2025}}
          # estimate (2022 euros): devices and monitoring nurse per patient-year; pert +-50 %.
          # The monitoring nurses are the digitale zorgteam the programme employs: 6 FTE per 11,000
          # patients (the plan's staffing) = {c['tele_fte_ratio']:.6f} FTE per participant (fte_per_participant, third
          # round; it replaces the resource lines sized on the expected participants, and follows
          # the participants of every draw and scenario). Their contacts stay in this euro line, not
          # extra_use: no modelled sector is a hospital's remote-monitoring contact (outpatient is a
          # pulmonologist's visit, which the asthma effect above reduces), and the same euros and
          # nurses must not be counted twice
          - {{payer: zvw, per_participant: {pert_around(450, EST_RANGE)}, fte_per_participant: {c['tele_fte_ratio']:.6f}}}
        resources:
          - {{organisation: CZ, role: financiering thuismonitoring, euro: {tele_once / 2:.0f}, year: 2025}}
          - {{organisation: VGZ, role: financiering thuismonitoring, euro: {tele_once / 2:.0f}, year: 2025}}
        milestones:
          - {{indicator: participants, year: 2027, target: {c['ms_tele']}}}
      - id: digivaardig
        name: Digitale vaardigheden en administratieve lastenverlichting
        # uptake: the share of the digitally weak staff the training reaches, 80 % (estimate): pert 0.6-1.0
        uptake: {{max: {{dist: pert, min: 0.6, mode: 0.8, max: 1.0}}, ramp_years: 3, {START}, curve: linear}}
        effects:
          # Third round: the effect was SiRM's national potential of all digitalisation (16,000 of
          # 27,000 FTE by 2028 above the current level, for EUR 1.9 bn, FACTS.md 4) over > 1.4 M
          # employees = {-dv * 100:.2f} %, uniform 0 to {-2 * dv * 100:.2f} %, about 86 FTE in 2030: more than the plan's whole net staff
          # effect, from a EUR 0.6 M a year training. That potential covers telemonitoring (modelled
          # above), e-health, speech recognition and the national administrative-burden measures; a
          # skills course is a small part of it. Now from the figure that measures what training can
          # recover: digitally weak staff lose 261 min a week in GP care and more than 2 h a week in
          # long-term care (Coalitie Digivaardig in de Zorg 2025, ICT&health 30-09-2025, FACTS.md 4),
          # per 36-hour FTE week {t_gp:.4f} and {t_ltc:.4f} (the 2 h a lower bound). FTE per unit change =
          # - weak share x lost time x recovered share, the weak share uniform {DIGI_WEAK[0]}-{DIGI_WEAK[1]} and the
          # share this plan's training recovers beyond what staff learn anyway uniform {DIGI_RECOVER[0]}-{DIGI_RECOVER[1]}
          # (both assumptions: not in FACTS.md). One pert over the product's range with its mean:
          # GP {dg_gp[3] * 100:.3f} %, pert({dg_gp[0]:.5f}, {dg_gp[1]:.5f}, {dg_gp[2]:.5f}); district nursing and nursing home
          # {dg_ltc[3] * 100:.3f} %, pert({dg_ltc[0]:.5f}, {dg_ltc[1]:.5f}, {dg_ltc[2]:.5f}) (was uniform({-2 * dv:.4f}, 0), mean {-dv * 100:.2f} %, on all three)
          - {{kind: fte_per_unit, sector: district_nursing_hour, change: {pert3(dg_ltc)}}}
          - {{kind: fte_per_unit, sector: nursing_home_day, change: {pert3(dg_ltc)}}}
          - {{kind: fte_per_unit, sector: gp, change: {pert3(dg_gp)}}}
        costs:
          # estimates (2022 euros): training programme; pert +-50 % in the PSA
          - {{payer: zvw, per_year: {pert_around(400000, EST_RANGE)}, from: 2025, to: 2029}}
          - {{payer: wlz, per_year: {pert_around(200000, EST_RANGE)}, from: 2025, to: 2029}}
        # skills stay with the people trained, who leave at about 11 %/yr (CBS AZW outflow): the
        # effect fades over about nine years without new training
        after_funding: {{decay_years: 9}}
        resources:
          - {{organisation: Zuyderland, role: opleiders digitale vaardigheden, fte: 2.0, from: 2025, to: 2029}}
          - {{organisation: Envida, role: opleiders digitale vaardigheden, fte: 1.0, from: 2027, to: 2029}}
  - id: pluswijken
    name: PlusWIJken
    # PlusWIJken: EUR 27 M over 3 years from CZ and VGZ (IZA); core interventions include
    # Welzijn op Recept (30 welzijnscoaches) and Kernteam Ouderen (35 teams) (FACTS.md 1.6).
    # The IZA lines say how they are split over the subregions (by_subregion, third round): half
    # Westelijke Mijnstreek, half Parkstad (three named wijken each, FACTS.md 1.6; assumption for
    # the six unnamed pilot wijken), not by the targeted persons (about 60/40), so that the
    # business case per subregion and the scenarios that leave out or delay Parkstad move the
    # agreed money
    leader: Gemeente Sittard-Geleen
    interventions:
      - id: welzijn-op-recept
        name: Welzijn op Recept (10 welzijnscoaches, voortgezet door de gemeenten)
        # 30 welzijnscoaches on the PlusWIJken budget to 2027 (FACTS.md 1.6); from 2028 the
        # municipalities continue 10 of them (the wmo line, estimate) and the other 20 stop with the
        # IZA money (next intervention; issue 9: uptake stayed at 30 coaches to {HORIZON}).
        # 10 coaches x 150 clients/yr (caseload estimate, range 100-200) over {c['wor_elig']:.0f} chronic/frail 18+ in
        # the PlusWIJken municipalities (Sittard-Geleen, Stein, Beekdaelen, Landgraaf): max uptake
        # pert({c['wor_cont'][0]}, {c['wor_cont'][1]}, {c['wor_cont'][2]})
        target: {{areas: [{', '.join(PLUSWIJKEN)}], ages: [18, 100], states: [chronic, frail]}}
        uptake: {{max: {{dist: pert, min: {c['wor_cont'][0]}, mode: {c['wor_cont'][1]}, max: {c['wor_cont'][2]}}}, ramp_years: 3, {START_WP}, curve: linear}}
        effects:
          # social prescribing -> GP demand -28 % (7 studies), A&E -24 % (5 studies), Polley et al. 2017;
          # low quality (Bickerdike et al., BMJ Open 2017): pert down to no effect
          - {{kind: use, sector: gp, change: {{dist: pert, min: -0.5, mode: -0.28, max: 0.0}}}}
          - {{kind: use, sector: ed_visit, change: {{dist: pert, min: -0.45, mode: -0.24, max: 0.0}}}}
        costs:
          # EUR 4.5 M a year 2025-2027 for the 30 coaches (half of the EUR 27 M PlusWIJken budget,
          # assumption), nominal; these 10 coaches' third in 2022 euros: x the mean of 1/CPI over
          # 2025-2027 = {d_pw:.4f} (FACTS.md 2.2; 2 %/yr beyond 2024, assumption)
          - {{payer: zvw, per_year: {wor_cont_year}, from: 2025, to: 2027, {PW_SPLIT}}}
          # estimate (2022 euros): the 10 coaches continued by the municipalities; pert +-50 %
          - {{payer: wmo, per_year: {pert_around(650000, EST_RANGE)}, from: 2028, to: {HORIZON}}}
        # paid to the horizon (the wmo line): the uptake stays
        after_funding: keep
        resources:
          # own staff: 0.5 FTE per coach (the plan's 15 FTE of welzijnscoaches for 30 coaches)
          - {{organisation: Gemeente Sittard-Geleen, role: welzijnscoaches (voortgezet), fte: {WOR_CONT * WOR_FTE_PER_COACH}, from: 2025, to: {HORIZON}}}
          # EUR 13.5 M from CZ (nominal 2025-2027) for the 30 coaches: this third in 2022 euros (x {d_pw:.4f})
          - {{organisation: CZ, role: financiering PlusWIJken (welzijnscoaches voortgezet), euro: {round(13.5e6 * WOR_CONT / 30 * d_pw)}, year: 2025}}
        milestones:
          - {{indicator: participants, year: 2027, target: {c['ms_wor']}}}
      - id: welzijn-op-recept-iza
        name: Welzijn op Recept (20 extra welzijnscoaches op IZA-middelen tot 2027)
        # 20 coaches x 150 clients/yr (100-200) over the same {c['wor_elig']:.0f}: max uptake
        # pert({c['wor_extra'][0]}, {c['wor_extra'][1]}, {c['wor_extra'][2]}); they stop when the PlusWIJken money ends in 2027
        target: {{areas: [{', '.join(PLUSWIJKEN)}], ages: [18, 100], states: [chronic, frail]}}
        uptake: {{max: {{dist: pert, min: {c['wor_extra'][0]}, mode: {c['wor_extra'][1]}, max: {c['wor_extra'][2]}}}, ramp_years: 3, {START_WP}, curve: linear}}
        effects:
          # as welzijn-op-recept above (Polley et al. 2017)
          - {{kind: use, sector: gp, change: {{dist: pert, min: -0.5, mode: -0.28, max: 0.0}}}}
          - {{kind: use, sector: ed_visit, change: {{dist: pert, min: -0.45, mode: -0.24, max: 0.0}}}}
        costs:
          # the other two thirds of the EUR 4.5 M a year, nominal 2025-2027, in 2022 euros (x {d_pw:.4f})
          - {{payer: zvw, per_year: {wor_extra_year}, from: 2025, to: 2027, {PW_SPLIT}}}
        # nobody has committed to pay these 20 coaches after 2027
        after_funding: stop
        resources:
          # 0.5 FTE per coach: 20 coaches = 10 FTE (the plan's remaining coach lines)
          - {{organisation: Gemeente Sittard-Geleen, role: welzijnscoaches (IZA), fte: 5.0, from: 2025, to: 2027}}
          - {{organisation: Gemeente Landgraaf, role: welzijnscoaches (IZA), fte: 5.0, from: 2026, to: 2027}}
          - {{organisation: CZ, role: financiering PlusWIJken (welzijnscoaches IZA), euro: {round(13.5e6 * WOR_EXTRA / 30 * d_pw)}, year: 2025}}
        milestones:
          - {{indicator: participants, year: 2027, target: {c['ms_wor_extra']}}}
      - id: kernteam-ouderen
        name: Kernteam Ouderen (casemanagement kwetsbare ouderen)
        # 35 teams x 50 frail clients (estimate) = 1,750 over {c['kto_elig']:.0f} frail 75+ = max {c['kto_max']}
        target: {{areas: [{', '.join(PLUSWIJKEN)}], ages: [75, 100], states: [frail]}}
        # caseload 50 is an estimate: max uptake pert +-50 % in the PSA
        uptake: {{max: {pert_around(c['kto_max'], EST_RANGE, 4)}, ramp_years: 3, {START_WP}, curve: linear}}
        effects:
          # case management for frail community-dwelling elderly -> hospitalisation OR 1.13 (0.95-1.35),
          # not significant (Van der Elst et al., BMC Geriatr 2018, 16 RCTs). Kept at the pooled
          # estimate with its CI as the distribution, not set to 0: the plan keeps the non-significant
          # favourable ACP ED estimate at its point estimate too, and zeroing only the unfavourable
          # one would be one-sided. OR -> RR at p0 = {c['p0_hosp']:.3f} = 1 - exp(-{c['frail_hosp']:.3f}/{MEAN_STAY}), frail 75+ bed-days
          # per person-year in the PlusWIJken areas (use.csv x area_use_index) over the {MEAN_STAY}-day mean stay (CBS 2012,
          # FACTS.md 5.3): {rr_text(kto)}; change {kto_change:+.4f}, sd {kto_sd:.4f}; P(change < 0) about {NormalDist(kto_change, kto_sd).cdf(0.0) * 100:.0f} %.
          # Target fits the study (frail 75+ at home): no attenuation (was OR - 1 = +0.13, sd 0.102;
          # evidence audit, issue 9)
          - {{kind: use, sector: hospital_day, change: {ci_normal(*kto)}}}
          # mortality OR 0.99 (0.79-1.25) in the same review: no transition effect assumed
        costs:
          # other half of the EUR 27 M (assumption), EUR 4.5 M a year nominal 2025-2027, in 2022 euros (x {d_pw:.4f})
          - {{payer: zvw, per_year: {kto_year}, from: 2025, to: 2027, {PW_SPLIT}}}
        # the teams exist on the PlusWIJken budget only; nobody has committed to pay after 2027
        after_funding: stop
        resources:
          # EUR 13.5 M from VGZ, nominal 2025-2027, in 2022 euros (x {d_pw:.4f})
          - {{organisation: VGZ, role: financiering PlusWIJken, euro: {pw_fund}, year: 2025}}
          - {{organisation: MeanderGroep Zuid-Limburg, role: wijkverpleegkundigen kernteams, fte: 8.0, from: 2025, to: 2027}}
        milestones:
          - {{indicator: participants, year: 2027, target: {c['ms_kto']}}}
  - id: ouderen
    name: Ouderen
    # Zorgcoordinatie Netwerk Zuid-Limburg (MeanderGroep, mijnlevengezond.nl 07-03-2024, FACTS.md 3.4)
    leader: MeanderGroep Zuid-Limburg
    interventions:
      - id: zorgcoordinatie
        name: Zorgcoordinatie acute ouderenzorg (Zorgpunten, eerstelijnsverblijf in plaats van opname)
        # ZCN runs since 2019 with Zorgpunten in all three subregions and prevents about 30
        # inappropriate admissions per week (self-reported): x 52 x 5.2 days = {c['zcn_days']:.0f} bed-days/yr over
        # {c['zcn_base']:.0f} baseline bed-days of chronic/frail/dependent 65+ = fraction {c['zcn_frac']}. That effect
        # exists without the plan (counterfactual; issue 9): the plan claims only an extension, for
        # which FACTS.md has no figure: assumption pert(0, 25 %, 50 %) of today's effect, times the
        # self-reported range pert(0.5, 1, 1.25) as before. One pert over the product's range with its
        # mean ({INC_MEAN} x {(ZCN_REPORT[0] + 4 * ZCN_REPORT[1] + ZCN_REPORT[2]) / 6:.4f} x {c['zcn_frac']} = {c['zcn_inc_mean']:.5f}): pert(0, {c['zcn_inc'][1]}, {c['zcn_inc'][2]}) (was
        # pert around {c['zcn_frac']}, the whole of today's effect). 1.5 ELV days per bed-day avoided (estimate)
        target: {{ages: [65, 100], states: [chronic, frail, dependent]}}
        uptake: {{max: 1.0, ramp_years: 2, {START}, curve: linear}}
        effects:
          - {{kind: shift, from: hospital_day, to: elv_day, fraction: {{dist: pert, min: 0.0, mode: {c['zcn_inc'][1]}, max: {c['zcn_inc'][2]}}}, ratio: {{dist: triangular, min: 1.0, mode: 1.5, max: 2.0}}}}
        costs:
          # estimate (2022 euros): EUR 600,000 a year of Zorgpunt staff for an effect the size of
          # today's, scaled to the extension (x {INC_MEAN}); pert +-50 % in the PSA
          - {{payer: zvw, per_year: {pert_around(zcn_year, EST_RANGE)}, from: 2025, to: {HORIZON}}}
        resources:
          # scaled to the extension as the cost (x {INC_MEAN}; was 4.0 and 1.0 FTE): today's Zorgpunt staff
          # work with or without the plan
          - {{organisation: MeanderGroep Zuid-Limburg, role: zorgpunt coordinatoren, fte: {4.0 * INC_MEAN}, from: 2025, to: {HORIZON}}}
          - {{organisation: Zuyderland, role: SEH en acute opname afstemming, fte: {1.0 * INC_MEAN}, from: 2025, to: 2027}}
        milestones:
          - {{indicator: participants, year: 2026, target: {c['ms_zcn']}}}
      - id: valpreventie
        name: Valpreventie (beweegprogramma met balanstraining)
        # target: chronic/frail 65+ ({c['fall_elig']:.0f}); the programme reaches 15 % (estimate, pert +-50 %).
        # Counterfactual (third round): falls-prevention programmes exist without the plan (group
        # courses of physiotherapists and municipalities); FACTS.md names no regional programme and
        # no reach. Share of the reached who would follow one anyway: assumption pert{FALL_EXIST}.
        # Net uptake max = 0.15 x (1 - share): pert({fall_net[0]:.4f}, {fall_net[1]:.4f}, {fall_net[2]:.4f}), mean {fall_net[3]:.4f} (was
        # pert(0.075, 0.15, 0.225)); effects, cost and coaches follow the net participants
        target: {{ages: [65, 100], states: [chronic, frail]}}
        uptake: {{max: {pert3(fall_net, 4)}, ramp_years: 3, {START}, curve: linear}}
        effects:
          # fallers RR 0.85 (0.81-0.89), Sherrington et al., Cochrane CD012424 2019 (community-dwelling
          # 60+: fits the target). The study measures who falls, not who becomes frail: only the
          # transitions that follow a fall can fall with it. Attenuation x {FALL_SHARE} = share of chronic ->
          # frail transitions that follow a fall (assumption: no source in FACTS.md; a fall is one of
          # several routes into frailty, and the plan's other fall shares are 8-15 % of use).
          # RR, no conversion: -0.15 x {FALL_SHARE} = {falls[0]:.4f}. The share is an assumption: uniform
          # {FALL_SHARE * (1 - SHARE_RANGE):.2f}-{FALL_SHARE * (1 + SHARE_RANGE):.2f} (+-50 %), carried into the sd by the variance of the product: sd {falls[1]:.4f}
          # (was 0.0204 x {FALL_SHARE} = 0.0041; before the evidence audit -0.15 on the whole transition)
          - {{kind: transition, from: chronic, to: frail, change: {falls[2]}}}
          # fall-related fractures RR 0.73 (0.56-0.95), same review; x 10 % of nursing-home admissions
          # after a fracture (estimate) -> -2.7 %
          - {{kind: transition, from: frail, to: dependent, change: {{dist: normal, mean: -0.027, sd: 0.010}}}}
          # fractures RR 0.73 x 8 % of hospital days of 65+ after falls (estimate) -> -2.2 %
          - {{kind: use, sector: hospital_day, change: {{dist: normal, mean: -0.0216, sd: 0.0080}}}}
          # injurious falls RaR 0.63 (0.51-0.77), El-Khoury et al., BMJ 2013, x 15 % of ED visits of 65+ (estimate)
          - {{kind: use, sector: ed_visit, change: {{dist: normal, mean: -0.0555, sd: 0.0100}}}}
        costs:
          # estimate (2022 euros): group exercise programme per participant-year; pert +-50 %.
          # Its beweegcoaches (the plan's staffing: 2 FTE per subregion, Heerlen for Parkstad and
          # Maastricht for Maastricht-Heuvelland, at full uptake in 2030: {c['fall_park_n2030']:.0f} and {c['fall_mh_n2030']:.0f} participants
          # at the gross 15 %) = 4 / {c['fall_park_n2030'] + c['fall_mh_n2030']:.0f} = {c['fall_fte_ratio']:.6f} FTE per participant, now in every subregion
          # (fte_per_participant, third round; was resource lines for Heerlen and Maastricht only,
          # the Westelijke Mijnstreek's participants had no coaches)
          - {{payer: wmo, per_participant: {pert_around(250, EST_RANGE)}, fte_per_participant: {c['fall_fte_ratio']:.6f}}}
        milestones:
          - {{indicator: participants, year: 2028, target: {c['ms_fall']}}}
scenarios:
  - {{id: mijnstreek-alleen, subregions: [Westelijke Mijnstreek]}}
  - {{id: parkstad-later, delay: {{Parkstad: 2}}}}
psa: {{draws: 1000, seed: 20240122}}   # seed: date the snelle toets was reported passed
"""


def figures_md(fig, c, pop, weights):
    L = ["# Derived figures of the Zuid-Limburg example", "",
         "Written by scripts/derive_example.py; do not edit. See docs/example.md.", ""]
    smr, od, ed = fig["smr"]
    L.append(f"- Mortality: SMR Zuid-Limburg 2015 = {od:.0f} / {ed:.1f} = {smr:.4f}; q(100+) f "
             f"{fig['q100']['f'][1]:.4f}, m {fig['q100']['m'][1]:.4f} (Gompertz slope f "
             f"{fig['q100']['f'][0]:.4f}, m {fig['q100']['m'][0]:.4f}).")
    imp, se, asdr = fig["improvement"]
    L.append(f"- Mortality improvement: {imp * 100:.3f} %/yr (se {se * 100:.3f}); ASDR per 1,000: "
             + ", ".join(f"{y} {v * 1000:.3f}" for y, v in asdr.items()) + ".")
    latest, tfr, period, fr, fcrude, fperiod = fig["fertility"]
    L.append(f"- Fertility: WPP TFR {latest} = {tfr}; age pattern {period}; standardised ratio "
             f"Zuid-Limburg/NL 2015 = {fr:.4f} (crude births per resident 15-44: {fcrude:.4f}; "
             f"NL age pattern of period {fperiod}); Zuid-Limburg TFR = {fig['tfr_zl']:.3f}.")
    munmig, nlnet, tot = fig["migration"]
    L.append(f"- Migration 2015 (domestic, international) per area: "
             + "; ".join(f"{a} ({d:+.0f}, {i:+.0f})" for a, (d, i) in munmig.items())
             + f". Net total {tot:.0f}/yr. NL net migration 2015 by residual {nlnet:.0f} "
             "(CBS Migratiesaldo 55,106).")
    L.append(f"- Dependent-state logistic midpoint {fig['dep_mid']:.3f} (width 5).")
    L += ["", "## Population", "",
          "2021: CBS data split to single years; 2022-2024: projected to the base year; 2025-2040:",
          "the plan's baseline path (same demographic steps as the model, without states).", "",
          "| year | total | 65+ | 75+ | 85+ | Sittard-Geleen | Eijsden-Margraten |",
          "|---|---|---|---|---|---|---|"]
    for y, p in sorted(fig["pop"].items()):
        tot = sum(p.values())
        o = lambda a: sum(v for (ar, s, x), v in p.items() if x >= a) / tot * 100
        m = lambda code: sum(v for (ar, s, x), v in p.items() if ar == code)
        L.append(f"| {y} | {tot:,.0f} | {o(65):.1f} % | {o(75):.1f} % | {o(85):.1f} % | "
                 f"{m('GM1883'):,.0f} | {m('GM1903'):,.0f} |")
    L += ["", "Base-year population by area:", "", "| area | name | subregion | 2021 | 2024 |", "|---|---|---|---|---|"]
    for a, n, r in AREAS:
        v0 = sum(v for (ar, s, x), v in fig["pop"][2021].items() if ar == a)
        v1 = sum(v for (ar, s, x), v in pop.items() if ar == a)
        L.append(f"| {a} | {n} | {r} | {v0:,.0f} | {v1:,.0f} |")
    L += ["", "## Intervention sizing", ""]
    for k in ("tele_elig", "tele_existing", "tele_max", "zcn_days", "zcn_base", "zcn_frac",
              "zcn_inc_mean", "wor_elig", "wor_max", "kto_elig", "kto_max", "acp_elig", "pal_elig",
              "fall_elig", "np_elig", "eol_hospital_day", "eol_district_nursing_hour", "eol_hospice_day"):
        L.append(f"- {k}: {c[k]:,.4f}" if isinstance(c[k], float) and c[k] < 10 else f"- {k}: {c[k]:,.0f}")
    L += ["", "## Workforce (FTE, Zuid-Limburg)", "",
          "| group | demand 2024 | demand 2034 (no plan) | supply 2024 | inflow/yr | inflow rate |",
          "|---|---|---|---|---|---|"]
    for g, i in fig["workforce"].items():
        L.append(f"| {g} | {i['demand']:,.0f} | {i['demand_2034']:,.0f} | {i['supply']:,.0f} | "
                 f"{i['inflow']:,.1f} | {i['inflow_rate'] * 100:.2f} % |")
    index, scale, iters, muni = fig["area_index"]
    cats = list(care.CATEGORIES)
    L += ["", "## Area level (area_use_index.csv)", "",
          "Vektis Zvw 2015 per municipality (Beekdaelen = Nuth + Onderbanken + Schinnen), EUR 2022 per",
          "insured year, and the index per Vektis category (indirect standardisation against the rates",
          f"of an index-1 area, fitted by iterative proportional fitting in {iters} iterations;",
          "care.area_index). 'all' = the municipality's Vektis cost over the cost its own 2015 insured",
          "mix has at index 1 (all categories).", "",
          "| area | name | insured years 2015 | Vektis cost/IY | " + " | ".join(cats) + " | all |",
          "|---|---|---:|---:|" + "---:|" * (len(cats) + 1)]
    for a, n, _ in AREAS:
        cells = {(s, b): v for (aa, s, b), v in muni.items() if aa == a}
        iy = sum(v["iy"] for v in cells.values())
        cost = sum(v[g] for v in cells.values() for g in cats)
        reg = {}
        for (aa, s, b), v in muni.items():
            r = reg.setdefault((s, b), {g: 0.0 for g in ["iy"] + cats})
            for g in r:
                r[g] += v[g]
        exp1 = sum(v["iy"] * reg[k][g] / reg[k]["iy"] * scale[k][g] for k, v in cells.items() for g in cats)
        L.append(f"| {a} | {n} | {iy:,.0f} | {cost / iy:,.0f} | "
                 + " | ".join(f"{index[(a, g)]:.4f}" for g in cats) + f" | {cost / exp1:.4f} |")
    L += ["", "Band rates of an index-1 area over the region's Vektis rate (use.csv is calibrated to",
          "the Vektis band targets times these):", "",
          "| sex | band | " + " | ".join(cats) + " |", "|---|---|" + "---:|" * len(cats)]
    for (s, b), v in sorted(scale.items()):
        L.append(f"| {s} | {care.band_label(b)} | " + " | ".join(f"{v[g]:.4f}" for g in cats) + " |")
    L += ["", "## Vektis Zvw cost per insured year 2015, EUR 2022 (CPI factor "
          f"{care.CPI_2015_TO_2022}), by modelled sector", "",
          "| sex | band | " + " | ".join(s["id"] for s in care.SECTORS if s["id"] in care.CALIBRATED) + " | total |",
          "|---|---|" + "---|" * (len(care.CALIBRATED) + 1)]
    for (s, b), t in sorted(fig["targets"].items()):
        L.append(f"| {s} | {care.band_label(b)} | " + " | ".join(
            f"{t[s2['id']]:,.0f}" for s2 in care.SECTORS if s2["id"] in care.CALIBRATED)
            + f" | {t['total']:,.0f} |")
    return "\n".join(L) + "\n"
