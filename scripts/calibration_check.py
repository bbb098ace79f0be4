#!/usr/bin/env python3
"""Check the Zvw calibration of the example plan against Vektis.

    python3 scripts/calibration_check.py examples/zuid-limburg [--data DIR] [--run DIR] [--vektis2023]
    python3 scripts/calibration_check.py --derive ../shared/data/vektis_zvw_zuid_limburg_2015.csv \
        tests/data/vektis_zvw_zuid_limburg_2015_bands.csv

Computes, straight from the plan files, the modelled Zvw cost per person in the base year by
area, sex and single age: sum over sectors with payer zvw of use rate x the area's
area_use_index x price x state share, plus end-of-life units x the same index x state death
probability (q x rr / rbar, MODEL.md step 1) x price. Then two comparisons with the Vektis Zvw
cost per insured year 2015, inflated to the price year with the CBS CPI factor below:

- per sex and Vektis age band, the region: averaged over the areas and single ages of the
  band with the base-year population as weights; fails when a band differs by 10 % or more;
- per municipality (2015 municipalities mapped to today's; Beekdaelen = Nuth + Onderbanken +
  Schinnen): the modelled cost per person of each (sex, band) of the area (its own base-year
  single ages as weights), averaged over the bands with the area's own 2015 Vektis insured
  years as weights, against the area's Vektis cost per insured year; fails when an area
  differs by 3 % or more. The 2015 insured mix, not the base-year population, because the
  index states the area's level at equal age and sex (docs/calibration.md). The same figure
  without the index (every area at the rates of use.csv) is printed beside it.

The per-municipality table also gives the modelled cost per resident of the base-year
population with and without the index, and Spearman's rank correlation of each column with
Vektis 2015. That comparison is in-sample: the index is fitted to these Vektis 2015 figures,
so agreement shows that the fit worked, not that the model predicts.

--vektis2023 adds an out-of-sample comparison (information; it never fails the check): each
municipality's modelled base-year cost per resident relative to the region's, against its
Vektis 2023 Zvw cost per insured year relative to Zuid-Limburg's (FACTS.md 3.1, a secondary
source: a published benchmark table computed from the Vektis 2023 open data; the figures are
in VEKTIS_2023 below), and the change of Vektis's own relative level from 2015 to 2023.

With --run DIR (a `careshift run` output directory) it also compares the base-year baseline
Zvw care cost of payers.csv with the plan-derived total, and that of care.csv per area.
--derive writes, from the raw Vektis file, the band sums (OUT) and the municipal sums (MUNI_FILE
beside OUT) that the check reads from tests/data, so that the test runs without ../shared.
Independent of scripts/example/ on purpose; PyYAML for the plan file.
"""

import argparse
import csv
import os
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("calibration_check: needs PyYAML (python3-yaml)")

CPI_2015_TO_2022 = 1.2147      # CBS 83131NED, CPI 2015 = 100 -> 2022 annual average 121.47
BANDS = [(lo, lo + 4) for lo in range(0, 90, 5)] + [(90, 100)]


# Vektis Zvw 2023, cost per insured year (EUR of 2023) and insured years per municipality, as
# in FACTS.md 3.1 (secondary: github mahdidadgar-data/dutch-healthcare-cost-benchmark-vektis-2023,
# outputs/tables/municipality_benchmark.csv, computed from "Vektis Open Databestand
# Zorgverzekeringswet 2023 - gemeente"). Zuid-Limburg: EUR 3,924 per insured year.
VEKTIS_2023 = {
    "GM1883": (3941, 90763), "GM0971": (3790, 24414), "GM0888": (3608, 15553),
    "GM0917": (4180, 85434), "GM0928": (4229, 42638), "GM0882": (4098, 36229),
    "GM0899": (4263, 27259), "GM1954": (3676, 35145), "GM0986": (3589, 12154),
    "GM0965": (3708, 9814), "GM0935": (3816, 110576), "GM1903": (3464, 25491),
    "GM0938": (3731, 18187), "GM0994": (4048, 16044), "GM1729": (3706, 13754),
    "GM0981": (3867, 7360),
}
VEKTIS_2023_REGION = 3924


def spearman(x, y):
    """Spearman's rank correlation of two equally long lists (no ties expected)."""
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0] * len(v)
        for k, i in enumerate(order):
            r[i] = k
        return r
    rx, ry = ranks(x), ranks(y)
    n = len(x)
    return 1 - 6 * sum((a - b) ** 2 for a, b in zip(rx, ry)) / (n * (n * n - 1))


def rows(fname, delimiter=","):
    with open(fname, encoding="utf-8-sig", newline="") as fh:
        lines = [l for l in fh if not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter=delimiter))


def mean_of(v):
    if isinstance(v, (int, float)):
        return float(v)
    if "fixed" in v:
        return float(v["fixed"])
    if "neg" in v:
        return -mean_of(v["neg"])
    d = v["dist"]
    if d in ("beta", "gamma", "normal", "lognormal") and "mean" in v:
        return float(v["mean"])
    if d == "beta":
        return v["alpha"] / (v["alpha"] + v["beta"])
    if d == "lognormal":
        import math
        return math.exp(v["meanlog"] + v["sdlog"] ** 2 / 2)
    if d == "uniform":
        return (v["min"] + v["max"]) / 2
    if d == "triangular":
        return (v["min"] + v["mode"] + v["max"]) / 3
    if d == "pert":
        return (v["min"] + 4 * v["mode"] + v["max"]) / 6
    raise ValueError(f"unknown distribution {v}")


def table_file(plan, key):
    v = plan[key]
    return v["file"] if isinstance(v, dict) else v


def band_table(fname):
    out = {}
    for r in rows(fname):
        for x in range(int(r["age_from"]), int(r["age_to"]) + 1):
            out[(r["sector"], r["state"], r["sex"], x)] = float(r["rate"])
    return out


RAW = "vektis_zvw_zuid_limburg_2015.csv"          # ../shared/data: per municipality
BANDS_FILE = "vektis_zvw_zuid_limburg_2015_bands.csv"  # tests/data: summed per sex and band
MUNI_FILE = "vektis_zvw_zuid_limburg_2015_municipalities.csv"  # tests/data: per area, sex, band
# Vektis 2015 municipality names -> CBS code of today's municipality (boundaries of 2019+;
# Nuth, Onderbanken and Schinnen merged into Beekdaelen GM1954 on 1-1-2019)
MUNICIPALITY = {
    "SITTARD-GELEEN": "GM1883", "STEIN": "GM0971", "BEEK": "GM0888", "HEERLEN": "GM0917",
    "KERKRADE": "GM0928", "LANDGRAAF": "GM0882", "BRUNSSUM": "GM0899", "NUTH": "GM1954",
    "ONDERBANKEN": "GM1954", "SCHINNEN": "GM1954", "VOERENDAAL": "GM0986",
    "SIMPELVELD": "GM0965", "MAASTRICHT": "GM0935", "EIJSDEN-MARGRATEN": "GM1903",
    "MEERSSEN": "GM0938", "VALKENBURG AAN DE GEUL": "GM0994", "GULPEN-WITTEM": "GM1729",
    "VAALS": "GM0981",
}


def vektis_raw(path, by_area=False):
    """Insured years and Zvw cost (euro 2015) per (sex, band start), summed over the
    municipalities of the Vektis open data file; by_area: per (area, sex, band start)."""
    cost, iy = {}, {}
    for r in rows(path, ";"):
        sex = {"M": "m", "V": "f"}[r["GESLACHT"].strip()]
        lab = r["LEEFTIJDSKLASSE"].strip()
        lo = 90 if lab.startswith("90") else int(lab.split()[0])
        key = (MUNICIPALITY[r["GEMEENTENAAM"].strip()], sex, lo) if by_area else (sex, lo)
        iy[key] = iy.get(key, 0.0) + float(r["AANTAL_VERZEKERDEJAREN"])
        cost[key] = cost.get(key, 0.0) + sum(float(v) for k, v in r.items() if k.startswith("KOSTEN_"))
    return iy, cost


def derive_bands(raw, out):
    """Writes the sums the check needs, so that the test runs from the repository alone:
    OUT (per sex and band) and MUNI_FILE in the same directory (per area, sex and band)."""
    derive_municipalities(raw, os.path.join(os.path.dirname(os.path.abspath(out)), MUNI_FILE))
    iy, cost = vektis_raw(raw)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write("# source: Vektis open data Zvw 2015 per municipality (bron: Vektis), the 19 (2015)\n"
                 "# Zuid-Limburg municipalities summed per sex and age band: insured years and the sum\n"
                 "# of all KOSTEN_ columns (euro 2015). Derived by scripts/calibration_check.py --derive.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sex", "age_from", "insured_years", "zvw_cost"])
        for s in ("f", "m"):
            for lo, _ in BANDS:
                w.writerow([s, lo, f"{iy[(s, lo)]:.2f}", f"{cost[(s, lo)]:.2f}"])


def derive_municipalities(raw, out):
    iy, cost = vektis_raw(raw, by_area=True)
    areas = sorted({a for a, _, _ in iy})
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write("# source: Vektis open data Zvw 2015 per municipality (bron: Vektis), the 18 (2015)\n"
                 "# Zuid-Limburg municipalities mapped to today's 16 (Beekdaelen GM1954 = Nuth +\n"
                 "# Onderbanken + Schinnen) per sex and age band: insured years and the sum of all\n"
                 "# KOSTEN_ columns (euro 2015). Derived by scripts/calibration_check.py --derive.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["area", "sex", "age_from", "insured_years", "zvw_cost"])
        for a in areas:
            for s in ("f", "m"):
                for lo, _ in BANDS:
                    w.writerow([a, s, lo, f"{iy[(a, s, lo)]:.2f}", f"{cost[(a, s, lo)]:.2f}"])


def vektis_municipal(datadir):
    """(insured years, Zvw cost in the plan's price year) per (area, sex, band start)."""
    if os.path.exists(os.path.join(datadir, MUNI_FILE)):
        iy, cost = {}, {}
        for r in rows(os.path.join(datadir, MUNI_FILE)):
            key = (r["area"], r["sex"], int(r["age_from"]))
            iy[key], cost[key] = float(r["insured_years"]), float(r["zvw_cost"])
    else:
        iy, cost = vektis_raw(os.path.join(datadir, RAW), by_area=True)
    return iy, {k: v * CPI_2015_TO_2022 for k, v in cost.items()}


def vektis(datadir):
    """Zvw cost per insured year per (sex, band start), in the plan's price year."""
    if os.path.exists(os.path.join(datadir, BANDS_FILE)):
        iy, cost = {}, {}
        for r in rows(os.path.join(datadir, BANDS_FILE)):
            key = (r["sex"], int(r["age_from"]))
            iy[key], cost[key] = float(r["insured_years"]), float(r["zvw_cost"])
    else:
        iy, cost = vektis_raw(os.path.join(datadir, RAW))
    return {k: cost[k] / iy[k] * CPI_2015_TO_2022 for k in cost}


def modelled(plandir):
    """Base-year Zvw cost per person per (area, sex, age), with and without the plan's
    area_use_index; the base-year population per (area, sex, age); the plan."""
    with open(os.path.join(plandir, "plan.yaml"), encoding="utf-8") as fh:
        plan = yaml.safe_load(fh)
    rr = {s["id"]: mean_of(s.get("mortality_rr", 1.0)) for s in plan["states"]}
    zvw = {s["id"]: mean_of(s["price"]) for s in plan["sectors"] if s["payer"] == "zvw"}
    pop = {}
    for r in rows(os.path.join(plandir, table_file(plan, "population"))):
        k = (r["area"], r["sex"], int(r["age"]))
        pop[k] = pop.get(k, 0.0) + float(r["count"])
    share = {}
    for r in rows(os.path.join(plandir, table_file(plan, "state_shares"))):
        share[(r["sex"], int(r["age"]), r["state"])] = float(r["share"])
    q = {(r["sex"], int(r["age"])): float(r["q"])
         for r in rows(os.path.join(plandir, plan["demography"]["mortality"]))}
    use = band_table(os.path.join(plandir, table_file(plan, "use")))
    eol = band_table(os.path.join(plandir, table_file(plan, "end_of_life_use"))) \
        if "end_of_life_use" in plan else {}
    index = {}
    if "area_use_index" in plan:
        for r in rows(os.path.join(plandir, table_file(plan, "area_use_index"))):
            index[(r["area"], r["sector"])] = float(r["index"])
    per_sector = {}                 # (sex, age) -> {sector: cost per person at index 1}
    for s, x in {(s, x) for _, s, x in pop}:
        rbar = sum(share[(s, x, k)] * rr[k] for k in rr)
        c = {sid: 0.0 for sid in zvw}
        for k in rr:
            qk = min(1.0, q[(s, x)] * rr[k] / rbar)
            for sid, price in zvw.items():
                c[sid] += share[(s, x, k)] * price * (use.get((sid, k, s, x), 0.0)
                                                      + qk * eol.get((sid, k, s, x), 0.0))
        per_sector[(s, x)] = c
    with_ix, without = {}, {}
    for a, s, x in pop:
        c = per_sector[(s, x)]
        with_ix[(a, s, x)] = sum(v * index.get((a, sid), 1.0) for sid, v in c.items())
        without[(a, s, x)] = sum(c.values())
    return with_ix, without, pop, plan


def band_means(cost, pop, areas=None):
    """Population-weighted cost per person per (sex, band start): the region (areas None)
    or per (area, sex, band start)."""
    num, den = {}, {}
    for (a, s, x), n in pop.items():
        lo = next(b for b, hi in BANDS if b <= x <= hi)
        key = (s, lo) if areas is None else (a, s, lo)
        num[key] = num.get(key, 0.0) + n * cost[(a, s, x)]
        den[key] = den.get(key, 0.0) + n
    return {k: num[k] / den[k] for k in num if den[k] > 0}


def area_names(plandir, plan):
    v = plan["region"]["areas"]
    fname = v["file"] if isinstance(v, dict) else v
    return {r["area"]: r["name"] for r in rows(os.path.join(plandir, fname))}


def vektis2023(names, res_of, pop, total, viy, vcost, plan):
    """Out-of-sample: the modelled base-year cost per resident of each area over the region's,
    against Vektis 2023 cost per insured year over Zuid-Limburg's (FACTS.md 3.1)."""
    mean = total / sum(pop.values())
    v15 = {}
    for ar in names:
        ks = [k for k in viy if k[0] == ar]
        v15[ar] = sum(vcost[k] for k in ks) / sum(viy[k] for k in ks)
    v15_region = sum(vcost.values()) / sum(viy.values())
    base = plan["years"]["base"]
    print()
    print(f"Out of sample: modelled {base} Zvw cost per resident relative to the region's mean "
          f"(EUR {mean:,.2f}),")
    print(f"against the Vektis 2023 cost per insured year relative to Zuid-Limburg's (EUR {VEKTIS_2023_REGION:,};")
    print("FACTS.md 3.1, secondary source). 'Vektis 2015 -> 2023': the change of Vektis's own relative")
    print("level, which an index fitted to 2015 cannot contain; 'model vs Vektis 2015': the modelled")
    print(f"relative cost per resident {base} against the Vektis 2015 relative level (age mix 2015 -> {base}).")
    print()
    print("| area | name | Vektis 2023 | relative | modelled per resident | relative | model vs Vektis 2023 % "
          "| Vektis 2015 relative | Vektis 2015 -> 2023 % | model vs Vektis 2015 % |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    beyond, worst, errs = 0, (0.0, ""), []
    m_rel, v_rel = [], []
    for ar in names:
        if ar not in VEKTIS_2023 or ar not in res_of:
            continue
        v23 = VEKTIS_2023[ar][0] / VEKTIS_2023_REGION
        m = res_of[ar] / mean
        r15 = v15[ar] / v15_region
        d = (m / v23 - 1) * 100
        errs.append(abs(d))
        beyond += abs(d) > 3.0
        if abs(d) > abs(worst[0]):
            worst = (d, names[ar])
        m_rel.append(m)
        v_rel.append(v23)
        print(f"| {ar} | {names[ar]} | {VEKTIS_2023[ar][0]:,} | {v23:.3f} | {res_of[ar]:,.2f} | {m:.3f} | {d:+.1f} "
              f"| {r15:.3f} | {(v23 / r15 - 1) * 100:+.1f} | {(m / r15 - 1) * 100:+.1f} |")
    print()
    print(f"model vs Vektis 2023 relative level: {beyond} of {len(errs)} municipalities beyond 3 %, largest "
          f"{worst[0]:+.1f} % ({worst[1]}), mean absolute difference {sum(errs) / len(errs):.1f} %; "
          f"Spearman rank correlation {spearman(m_rel, v_rel):+.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plandir", nargs="?")
    ap.add_argument("--data", default=None,
                    help=f"directory with {BANDS_FILE} and {MUNI_FILE}, or the raw {RAW} "
                         "(default: tests/data of the repo)")
    ap.add_argument("--run", default=None, help="careshift run output dir to compare the base-year total")
    ap.add_argument("--derive", nargs=2, metavar=("RAW", "OUT"),
                    help=f"write {BANDS_FILE} (OUT) and {MUNI_FILE} (beside OUT) from the raw "
                         "Vektis file and exit")
    ap.add_argument("--vektis2023", action="store_true",
                    help="also compare the modelled relative cost per resident with the Vektis 2023 "
                         "relative levels (FACTS.md 3.1; out of sample, information only)")
    a = ap.parse_args()
    if a.derive:
        derive_bands(*a.derive)
        return 0
    if not a.plandir:
        ap.error("the plan directory is required")
    here = os.path.dirname(os.path.abspath(__file__))
    datadir = a.data or os.path.join(here, "..", "tests", "data")
    cost, cost1, pop, plan = modelled(a.plandir)
    mod = band_means(cost, pop)
    total = sum(pop[k] * cost[k] for k in pop)
    total1 = sum(pop[k] * cost1[k] for k in pop)
    vek = vektis(datadir)
    print(f"Zvw cost per person, base year {plan['years']['base']}, euro {plan['economics']['price_year']}")
    print(f"Vektis 2015 x CBS CPI {CPI_2015_TO_2022} (bron: Vektis; Bron: CBS)")
    print()
    print("| sex | band | modelled | Vektis | diff % |")
    print("|---|---|---:|---:|---:|")
    worst = 0.0
    for s in ("f", "m"):
        for lo, hi in BANDS:
            m, v = mod[(s, lo)], vek[(s, lo)]
            d = (m - v) / v * 100
            worst = max(worst, abs(d))
            lab = f"{lo}-{hi}" if hi < 100 else f"{lo}+"
            print(f"| {s} | {lab} | {m:,.2f} | {v:,.2f} | {d:+.3f} |")
    print()
    print(f"largest difference {worst:.3f} %; plan-derived base-year Zvw total EUR {total:,.0f}"
          f" (EUR {total1:,.0f} with every area at index 1)")
    ok = worst < 10.0
    print("OK: every band within 10 %" if worst < 10.0 else "FAIL: a band differs by 10 % or more")

    # per municipality, on its own 2015 Vektis insured mix
    viy, vcost = vektis_municipal(datadir)
    modb, modb1 = band_means(cost, pop, areas=True), band_means(cost1, pop, areas=True)
    names = area_names(a.plandir, plan)
    print()
    print("Per municipality: modelled base-year cost per person of each sex and band, weighted with the")
    print("municipality's own Vektis 2015 insured years, against its Vektis cost per insured year;")
    print("'index 1': every area at the rates of use.csv (before the area index); 'per resident': the")
    print(f"modelled cost on the base-year {plan['years']['base']} population itself (information, not compared).")
    print()
    print("| area | name | insured years 2015 | Vektis | index 1 | diff % | modelled | diff % "
          "| per resident, index 1 | per resident |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    worst_a, worst_name, cols = 0.0, "", {"v": [], "m1": [], "m": [], "r1": [], "r": []}
    res_of = {}
    for ar in names:
        cells = [(s, lo) for s in ("f", "m") for lo, _ in BANDS if (ar, s, lo) in viy]
        if not cells:
            continue
        iy = sum(viy[(ar, s, lo)] for s, lo in cells)
        v = sum(vcost[(ar, s, lo)] for s, lo in cells) / iy
        m = sum(viy[(ar, s, lo)] * modb[(ar, s, lo)] for s, lo in cells) / iy
        m1 = sum(viy[(ar, s, lo)] * modb1[(ar, s, lo)] for s, lo in cells) / iy
        n = sum(p for (aa, _, _), p in pop.items() if aa == ar)
        res = sum(p * cost[k] for k, p in pop.items() if k[0] == ar) / n
        res1 = sum(p * cost1[k] for k, p in pop.items() if k[0] == ar) / n
        res_of[ar] = res
        d, d1 = (m - v) / v * 100, (m1 - v) / v * 100
        if abs(d) > worst_a:
            worst_a, worst_name = abs(d), names[ar]
        for key, val in (("v", v), ("m1", m1), ("m", m), ("r1", res1), ("r", res)):
            cols[key].append(val)
        print(f"| {ar} | {names[ar]} | {iy:,.0f} | {v:,.2f} | {m1:,.2f} | {d1:+.2f} | {m:,.2f} | {d:+.3f} "
              f"| {res1:,.2f} | {res:,.2f} |")
    print()
    worst1 = max(range(len(cols["v"])), key=lambda i: abs(cols["m1"][i] / cols["v"][i] - 1))
    print(f"largest difference per municipality {worst_a:.3f} % ({worst_name}); index 1: "
          f"{abs(cols['m1'][worst1] / cols['v'][worst1] - 1) * 100:.2f} % ({list(names.values())[worst1]})")
    print("Spearman rank correlation with Vektis 2015: on the 2015 insured mix "
          f"{spearman(cols['m1'], cols['v']):+.2f} at index 1, {spearman(cols['m'], cols['v']):+.2f} with the index; "
          f"cost per resident {spearman(cols['r1'], cols['v']):+.2f} at index 1, "
          f"{spearman(cols['r'], cols['v']):+.2f} with the index")
    ok = ok and worst_a < 3.0
    print("OK: every municipality within 3 %" if worst_a < 3.0
          else "FAIL: a municipality differs by 3 % or more")

    if a.vektis2023:
        vektis2023(names, res_of, pop, total, viy, vcost, plan)

    if a.run:
        base = plan["years"]["base"]
        for r in rows(os.path.join(a.run, "payers.csv")):
            if r["scenario"] == "baseline" and int(r["year"]) == base and r["payer"] == "zvw":
                run = float(r["care_cost"])
                d = (run - total) / total * 100
                print(f"careshift run baseline {base} Zvw care cost EUR {run:,.0f} ({d:+.4f} % vs plan-derived)")
                ok = ok and abs(d) < 0.01
        zvw = {sct["id"] for sct in plan["sectors"] if sct["payer"] == "zvw"}
        run_a = {}
        for r in rows(os.path.join(a.run, "care.csv")):
            if r["scenario"] == "baseline" and int(r["year"]) == base and r["sector"] in zvw:
                run_a[r["area"]] = run_a.get(r["area"], 0.0) + float(r["cost"])
        worst_r = max(abs(run_a.get(ar, 0.0) / sum(p * cost[k] for k, p in pop.items() if k[0] == ar) - 1)
                      * 100 for ar in names)
        print(f"careshift run baseline {base} Zvw care cost per area (care.csv): largest difference "
              f"{worst_r:.4f} % vs plan-derived")
        ok = ok and worst_r < 0.01
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
