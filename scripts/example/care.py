"""Care sectors, use rates and end-of-life use for the Zuid-Limburg example, calibrated so
that the base-year Zvw cost per person by sex and 5-year age band equals the Vektis Zvw
cost per insured year of the same municipalities (2015, inflated to 2022 euros).
Shared with scripts/calibration_check.py (vektis_targets, band_of, modelled_cost).
"""

from .data import SEXES, AGES, MAX_AGE, read_rows, num, path

# CBS CPI (83131NED, 2015 = 100), annual average 2022 = 121.47: derived from the 2022->2023
# (1.038) and 2022->2024 (1.073) factors in FACTS.md 2.2 (tatooheene df_cpi_combined) and the
# published 2023/2024 indices 126.09/130.31; 2015 = 100.
CPI_2015_TO_2022 = 1.2147

# Vektis cost columns -> modelled sector (units priced below). The medical-specialist
# column is split by MSZ_SPLIT; everything not listed goes to zvw_other (euro).
VEKTIS_MAP = {
    "KOSTEN_HUISARTS_INSCHRIJFTARIEF": "gp",
    "KOSTEN_HUISARTS_CONSULT": "gp",
    "KOSTEN_HUISARTS_MDZ": "gp",
    "KOSTEN_HUISARTS_OVERIG": "gp",
    "KOSTEN_VERPLEGING_EN_VERZORGING": "district_nursing_hour",
    "KOSTEN_SPECIALISTISCHE_GGZ": "mh_contact",
    "KOSTEN_GENERALISTISCHE_BASIS_GGZ": "mh_contact",
    "KOSTEN_LANGDURIGE_GGZ": "mh_contact",
    "KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG": "msz",
}
# Share of medical-specialist (MSZ) cost per modelled unit type.
# hospital_day about 0.25 overall: derived, CBS 71857ned 2012 clinical admissions 1,181.7 per
#   10,000 x mean stay 5.2 days = 0.614 bed-days per person x EUR 644 = EUR 396, over the
#   Zuid-Limburg MSZ cost per insured year 2023 (EUR 1,989, FACTS 3.1) deflated to 2022
#   (1.038): 0.21, rounded up for the older Zuid-Limburg population. The age gradient (0.22
#   below 65, 0.28 at 65-79, 0.35 at 80+) is an estimate: inpatient care weighs more in old age.
# outpatient 0.20, ed_visit 0.025: documented estimates (no age-specific source, FACTS 5.3).
MSZ_HOSPITAL = [((0, 64), 0.22), ((65, 79), 0.28), ((80, 100), 0.35)]
MSZ_SPLIT = {"outpatient": 0.20, "ed_visit": 0.025}


def msz_split(band):
    h = next(v for (lo, hi), v in MSZ_HOSPITAL if lo <= band[0] <= hi)
    return dict(MSZ_SPLIT, hospital_day=h)


# the rest of MSZ (day treatment, procedures, add-on drugs): msz_other (day-treatment equivalents)

# Sector definitions: id -> dict. Prices: Kostenhandleiding 2024, price year 2022
# (FACTS.md 2.2). fte_per_unit uses 1,543 workable hours per FTE-year (KH 7.1.1.2).
H = 1543.0
SECTORS = [
    dict(id="gp", name="Huisartsenzorg", unit="consult", payer="zvw", chain="primary",
         price=30.87, fte=round(1 / (3.0 * H), 8), m2=0.03, group="huisartsenzorg",
         src="price KH 2024 s4.11 GP consult average (2022); fte 3.0 consults/hour (van der Biezen 2016) / 1,543 h; m2 estimate (150 m2 practice / 5,000 consults)"),
    dict(id="hospital_day", name="Ziekenhuisopname (verpleegdag)", unit="bed-day", payer="zvw",
         chain="secondary", price=644.0, fte=round(8.0 / H, 8), m2=round(130.0 / (365 * 0.85), 6),
         group="ziekenhuis",
         src="price KH 2024 s4.1 bed-day incl. staff (2022); fte estimate 8 staff-hours per bed-day / 1,543 h; m2 estimate 130 m2 gross floor area per bed at 85 % occupancy",
         marginal=0.6,
         marginal_src=["a bed-day less frees staff and supplies but not the building or the",
                       "hospital's overhead; 0.6 variable is an assumption (no Dutch source found), shown beside",
                       "the full-price savings in business_case.csv (savings_marginal)"]),
    dict(id="outpatient", name="Polikliniekbezoek", unit="visit", payer="zvw", chain="secondary",
         price=120.0, fte=round(0.67 / H, 8), m2=0.01, group="ziekenhuis",
         src="price KH 2024 s4.3 outpatient visit (2022); fte estimate 40 staff-minutes / 1,543 h; m2 estimate (20 m2 room, 2,000 visits/yr)"),
    dict(id="ed_visit", name="SEH-bezoek", unit="visit", payer="zvw", chain="secondary",
         price=258.0, fte=round(2.5 / H, 8), m2=0.05, group="ziekenhuis",
         src="price KH 2024 s4.4 ED visit (2022); fte estimate 2.5 staff-hours / 1,543 h; m2 estimate"),
    dict(id="msz_other", name="Dagbehandeling en overige medisch-specialistische zorg",
         unit="day-treatment equivalent", payer="zvw", chain="secondary", price=335.0,
         fte=round(4.0 / H, 8), m2=0.05, group="ziekenhuis",
         src="Vektis MSZ cost not in bed-days, outpatient or ED visits, counted in day-treatment equivalents at KH 2024 s4.2 day treatment 335 (2022; a unit, not euros, so the patient-flow criterion compares like with like); fte estimate 4 staff-hours; m2 estimate"),
    dict(id="mh_contact", name="GGZ-behandeluur", unit="treatment hour", payer="zvw",
         chain="secondary", price=138.0, fte=round(1.5 / H, 8), m2=None, group="ggz",
         src="price proxy KH 2024 s7.1.1.2 medical specialist patient-related hour (2022; no GGZ contact price in FACTS); fte estimate 1.5 h per treatment hour"),
    dict(id="district_nursing_hour", name="Wijkverpleging", unit="hour", payer="zvw",
         chain="primary", price=75.0, fte=round(1 / (0.7 * H), 8), m2=None, group="vvt",
         src="price KH 2024 s4.14 home nursing per hour (2022); fte 1 client hour at 70 % client-bound time (estimate) / 1,543 h"),
    dict(id="elv_day", name="Eerstelijnsverblijf", unit="day", payer="zvw", chain="primary",
         price=290.0, fte=round(1.0 / 365, 8), m2=round(60.0 / (365 * 0.9), 6), group="vvt",
         src="price proxy KH 2024 s4.13 V&V day incl. day activities (2022); fte/m2 as nursing-home day"),
    dict(id="hospice_day", name="Hospice / palliatief terminale zorg (ELV palliatief)", unit="day",
         payer="zvw", chain="primary",
         price="{dist: pert, min: 290, mode: 329, max: 644}", price_mean=(290 + 4 * 329 + 644) / 6.0,
         fte=round(1.5 / 365, 8), m2=round(80.0 / (365 * 0.8), 6), group="vvt",
         src="hospice-day price NOT FOUND (FACTS 2.2): pert between KH V&V day 290, GRZ day 329 (mode) and hospital bed-day 644 (2022); fte estimate 1.5 FTE per bed; m2 estimate 80 m2 per bed at 80 % occupancy"),
    dict(id="nursing_home_day", name="Verpleeghuisdag (Wlz)", unit="day", payer="wlz",
         chain="long_term", price=290.0, fte=round(1.0 / 365, 8), m2=round(60.0 / (365 * 0.95), 6),
         group="vvt",
         src="price KH 2024 s4.13 V&V day incl. day activities (2022); fte estimate 1 FTE per resident; m2 estimate 60 m2 gross per resident at 95 % occupancy"),
    dict(id="home_support_hour", name="Huishoudelijke hulp (Wmo)", unit="hour", payer="wmo",
         chain="social", price=32.76, fte=round(1.1 / H, 8), m2=None, group="sociaal",
         src="price KH 2024 s4.14 household help per hour (2022); fte estimate 1.1 h per client hour"),
    dict(id="zvw_other", name="Overige Zvw-zorg (farmacie, hulpmiddelen, paramedisch, mondzorg, vervoer, ...)",
         unit="euro", payer="zvw", chain="primary", price=1.0, fte=None, m2=None, group="overig",
         src="Vektis Zvw cost of all categories not modelled in units (euro, price 1); no FTE modelled"),
]
SECTOR = {s["id"]: s for s in SECTORS}


def price_mean(sid):
    s = SECTOR[sid]
    return s.get("price_mean", s["price"])


# Relative use by state (healthy = 1) per Zvw sector: documented estimates, ordered by the
# frailty gradients reported for hospital use (Bouillon et al. 2013, Whitehall II:
# hospitalisation HR 2.41 for 3-5 frailty components) and the Wlz boundary (residents of
# Wlz institutions get GP-like and nursing care from the Wlz budget, not the Zvw).
STATE_MULT = {
    "gp": {"healthy": 1.0, "chronic": 2.0, "frail": 3.0, "dependent": 0.3},
    "hospital_day": {"healthy": 1.0, "chronic": 2.5, "frail": 4.0, "dependent": 2.0},
    "outpatient": {"healthy": 1.0, "chronic": 2.5, "frail": 3.0, "dependent": 1.0},
    "ed_visit": {"healthy": 1.0, "chronic": 2.0, "frail": 4.0, "dependent": 2.0},
    "msz_other": {"healthy": 1.0, "chronic": 2.5, "frail": 3.0, "dependent": 1.0},
    "mh_contact": {"healthy": 1.0, "chronic": 3.0, "frail": 3.0, "dependent": 0.5},
    "district_nursing_hour": {"healthy": 0.0, "chronic": 1.0, "frail": 8.0, "dependent": 0.0},
    "zvw_other": {"healthy": 1.0, "chronic": 2.5, "frail": 4.0, "dependent": 1.5},
}
CALIBRATED = list(STATE_MULT)

# End-of-life use per decedent (units in the year of death), ages 18+, by state at death.
# hospital_day: 51 % of deceased 80+ admitted at least once in the last year of life (CBS
#   Statistische Trends 2020) x 1.5 admissions (estimate) x 5.2 days (CBS 2012 mean stay) = 4.0
#   days at 80+; younger decedents scaled by the PAID last-year-of-life excess (FACTS 5.2:
#   ratio 65 vs 80: 53,899-5,585 vs 48,874-11,537 = 1.29) -> 5.2 days at 18-79.
# ed_visit: 0.51 x 1 visit. district_nursing_hour: terminal home care 50 h (estimate: 8 h/week
#   over 6 weeks, cf. Vektis 85+: 9 h/week, FACTS 5.3). hospice_day: 6 % of deaths in a
#   hospice x 20 days = 1.2 (estimate). gp: 6 extra consults/visits (estimate).
# Dependent (Wlz) residents die in the institution: no district nursing, no hospice.
EOL = {
    "hospital_day": {"18-79": 5.2, "80-100": 4.0},
    "ed_visit": {"18-79": 0.51, "80-100": 0.51},
    "district_nursing_hour": {"18-79": 50.0, "80-100": 50.0},
    "hospice_day": {"18-79": 1.2, "80-100": 1.2},
    "gp": {"18-79": 6.0, "80-100": 6.0},
}
EOL_STATE = {"healthy": 1.0, "chronic": 1.0, "frail": 1.0, "dependent": 0.0}
EOL_STATE_DEP = {"hospital_day": 0.5, "ed_visit": 0.5, "gp": 0.5}   # dependent: half


def eol_rate(sid, state, age):
    if age < 18 or sid not in EOL:
        return 0.0
    base = EOL[sid]["18-79" if age < 80 else "80-100"]
    if state == "dependent":
        return base * EOL_STATE_DEP.get(sid, 0.0)
    return base * EOL_STATE[state]


# Vektis bands
BANDS = [(lo, lo + 4) for lo in range(0, 90, 5)] + [(90, MAX_AGE)]


def band_of(x):
    for b in BANDS:
        if b[0] <= x <= b[1]:
            return b
    raise ValueError(x)


def band_label(b):
    return f"{b[0]}-{b[1]}" if b[1] < MAX_AGE else f"{b[0]}+"


def vektis_label_band(label):
    label = label.strip()
    if label.startswith("90"):
        return (90, MAX_AGE)
    lo = int(label.split()[0])
    return (lo, lo + 4)


def vektis_targets(datadir, cpi=CPI_2015_TO_2022):
    """{(sex, band): {sector or 'total': EUR 2022 per insured year}} summed over the 19
    (2015) municipalities of Zuid-Limburg."""
    sums, iy = {}, {}
    for r in read_rows(path(datadir, "vektis_zvw_zuid_limburg_2015.csv"), ";"):
        sex = {"M": "m", "V": "f"}[r["GESLACHT"].strip()]
        key = (sex, vektis_label_band(r["LEEFTIJDSKLASSE"]))
        iy[key] = iy.get(key, 0.0) + num(r["AANTAL_VERZEKERDEJAREN"])
        acc = sums.setdefault(key, {})
        for col, val in r.items():
            if not col.startswith("KOSTEN_"):
                continue
            sec = VEKTIS_MAP.get(col, "zvw_other")
            acc[sec] = acc.get(sec, 0.0) + num(val)
    out = {}
    for key, acc in sums.items():
        per = {k: v / iy[key] * cpi for k, v in acc.items()}
        msz = per.pop("msz")
        split = msz_split(key[1])
        for sid, share in split.items():
            per[sid] = msz * share
        per["msz_other"] = msz * (1.0 - sum(split.values()))
        per["total"] = sum(per.values())
        out[key] = per
    return out, iy


# ---------------------------------------------------------------- area level (area_use_index)
# Vektis cost categories for the municipalities' own levels: the finest grouping in which a
# Vektis column maps to whole sectors. MSZ is one column split over four sectors by fixed
# shares (MSZ_SPLIT), so those four share its index; hospice (ELV palliatief) has no Vektis
# 2015 column and is carved out of 'other' (calibrate), so it shares the index of zvw_other.
# elv_day has no base-year use (only units shifted from hospital_day, which carry that
# sector's index), so it gets no row.
CATEGORIES = {
    "gp": ["gp"],
    "nursing": ["district_nursing_hour"],
    "ggz": ["mh_contact"],
    "msz": ["hospital_day", "outpatient", "ed_visit", "msz_other"],
    "other": ["zvw_other", "hospice_day"],
}
CATEGORY_OF = {sid: g for g, sids in CATEGORIES.items() for sid in sids}
SECTOR_CATEGORY = {"gp": "gp", "district_nursing_hour": "nursing", "mh_contact": "ggz",
                   "msz": "msz"}                       # VEKTIS_MAP value -> category


def vektis_municipal(datadir, areas, merged, cpi=CPI_2015_TO_2022):
    """{(area, sex, band): {'iy': insured years, category: EUR 2022}} from the Vektis 2015
    file; areas: [(code, name, subregion)]; merged: {2015 name: today's code} for
    municipalities merged since 2015 (Beekdaelen)."""
    code = {name.upper(): c for c, name, _ in areas}
    code.update(merged)
    out = {}
    for r in read_rows(path(datadir, "vektis_zvw_zuid_limburg_2015.csv"), ";"):
        sex = {"M": "m", "V": "f"}[r["GESLACHT"].strip()]
        key = (code[r["GEMEENTENAAM"].strip()], sex, vektis_label_band(r["LEEFTIJDSKLASSE"]))
        acc = out.setdefault(key, {g: 0.0 for g in ["iy"] + list(CATEGORIES)})
        acc["iy"] += num(r["AANTAL_VERZEKERDEJAREN"])
        for col, val in r.items():
            if col.startswith("KOSTEN_"):
                acc[SECTOR_CATEGORY.get(VEKTIS_MAP.get(col), "other")] += num(val) * cpi
    return out


def area_index(muni, areas, nd=6, tol=1e-13):
    """Per-municipality index by Vektis category: indirect standardisation, with the band
    rates those of an index-1 area. For each category g the multiplicative model
    cost[a, sex, band] = index[a, g] x R[g, sex, band] x insured years[a, sex, band] is fitted
    to the Vektis 2015 table by iterative proportional fitting, so that
      index[a, g] = Vektis cost of g in a / sum over (sex, band) of a's 2015 insured years x R
    (the municipality's cost over what the rates give its own insured mix) and
      R[g, sex, band] = the region's Vektis cost of the band / sum over a of insured years x index
    (the band rate of an area with index 1; the region, each area at its index, meets the band
    on the 2015 insured years). Both margins hold exactly on the Vektis population.
    Returns (index rounded to nd decimals, {(sex, band): {g: R / Vektis band rate}}, iterations)."""
    cells = sorted({(s, b) for (_, s, b) in muni})
    index = {(a, g): 1.0 for a in areas for g in CATEGORIES}
    obs_a = {(a, g): sum(muni[(a, s, b)][g] for s, b in cells) for a in areas for g in CATEGORIES}
    obs_b = {(s, b, g): sum(muni[(a, s, b)][g] for a in areas) for s, b in cells for g in CATEGORIES}
    iy_b = {(s, b): sum(muni[(a, s, b)]["iy"] for a in areas) for s, b in cells}
    for it in range(1, 1000):
        R = {(s, b, g): obs_b[(s, b, g)] / sum(muni[(a, s, b)]["iy"] * index[(a, g)] for a in areas)
             for s, b in cells for g in CATEGORIES}
        new = {(a, g): obs_a[(a, g)] / sum(muni[(a, s, b)]["iy"] * R[(s, b, g)] for s, b in cells)
               for a in areas for g in CATEGORIES}
        step = max(abs(new[k] - index[k]) for k in index)
        index = new
        if step < tol:
            break
    else:
        raise SystemExit("area_index: no convergence")
    index = {k: round(v, nd) for k, v in index.items()}
    # the band rates of an index-1 area on the rounded index, relative to the region's rate
    scale = {(s, b): {g: obs_b[(s, b, g)] / sum(muni[(a, s, b)]["iy"] * index[(a, g)] for a in areas)
                      / (obs_b[(s, b, g)] / iy_b[(s, b)]) if obs_b[(s, b, g)] > 0 else 1.0
                      for g in CATEGORIES} for s, b in cells}
    return index, scale, it


def index_one_targets(targets, scale):
    """The Vektis band targets per sector for an area with index 1 (targets x scale)."""
    out = {}
    for key, per in targets.items():
        t = {sid: v * scale[key][CATEGORY_OF[sid]] for sid, v in per.items() if sid != "total"}
        t["total"] = sum(t.values())
        out[key] = t
    return out


def state_q(q, sh, rr, s, x):
    rbar = sum(float(sh[(s, x)][k]) * rr[k] for k in rr)
    return {k: min(1.0, q[(s, x)] * rr[k] / rbar) for k in rr}


def calibrate(targets, weights, sh, q, rr):
    """Use rates per (sector, state, sex, band) so that, with population weights by single
    age within each band, sum_k share*rate*price + sum_k share*q_k*eol*price equals the
    target sector cost per person. Returns {(sector, state, sex, band): rate} and a log of
    bands where the end-of-life cost had to be scaled down."""
    rates, notes = {}, []
    for (s, b), tgt in targets.items():
        ages = range(b[0], b[1] + 1)
        wsum = sum(weights[(s, x)] for x in ages)
        for sid in CALIBRATED:
            p = price_mean(sid)
            eol_cost = sum(weights[(s, x)] / wsum * sum(
                float(sh[(s, x)][k]) * qk * eol_rate(sid, k, x) * p
                for k, qk in state_q(q, sh, rr, s, x).items()) for x in ages)
            target = tgt[sid]
            if sid == "zvw_other":
                # hospice (ELV palliatief) is not a Vektis 2015 category of its own; its
                # end-of-life cost is taken out of 'other Zvw' so the Zvw total stays on Vektis
                target -= sum(weights[(s, x)] / wsum * sum(
                    float(sh[(s, x)][k]) * qk * eol_rate("hospice_day", k, x) * price_mean("hospice_day")
                    for k, qk in state_q(q, sh, rr, s, x).items()) for x in ages)
            if eol_cost > 0.6 * target:
                notes.append((sid, s, b, eol_cost, target))
                eol_cost = 0.6 * target          # never used: checked below
            mix = sum(weights[(s, x)] / wsum * sum(float(sh[(s, x)][k]) * STATE_MULT[sid][k]
                                                   for k in rr) for x in ages)
            base = (target - eol_cost) / (p * mix)
            for k in rr:
                rates[(sid, k, s, b)] = base * STATE_MULT[sid][k]
    return rates, notes


def modelled_cost(rates, eol, weights, sh, q, rr, prices, payer_of):
    """Zvw cost per person by (sex, band) in the base year, straight from plan tables."""
    out = {}
    for s in SEXES:
        for b in BANDS:
            ages = range(b[0], b[1] + 1)
            wsum = sum(weights[(s, x)] for x in ages)
            tot = 0.0
            for x in ages:
                qk = state_q(q, sh, rr, s, x)
                for sid, p in prices.items():
                    if payer_of[sid] != "zvw":
                        continue
                    for k in rr:
                        share = float(sh[(s, x)][k])
                        tot += weights[(s, x)] / wsum * share * p * (
                            rates.get((sid, k, s, x), 0.0) + qk[k] * eol.get((sid, k, s, x), 0.0))
            out[(s, b)] = tot
    return out
