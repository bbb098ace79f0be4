#!/usr/bin/env python3
"""Check the Zvw calibration of the example plan against Vektis.

    python3 scripts/calibration_check.py examples/zuid-limburg [--data DIR] [--run DIR]
    python3 scripts/calibration_check.py --derive ../shared/data/vektis_zvw_zuid_limburg_2015.csv \
        tests/data/vektis_zvw_zuid_limburg_2015_bands.csv

Computes, straight from the plan files, the modelled Zvw cost per person in the base year by
sex and Vektis age band: sum over sectors with payer zvw of use rate x price x state share,
plus end-of-life units x state death probability (q x rr / rbar, MODEL.md step 1) x price,
averaged over the single ages of the band with the base-year population as weights. Prints
it next to the Vektis Zvw cost per insured year 2015 of the same municipalities, inflated
to the price year with the CBS CPI factor below, and the % difference. Exits 1 when a band
differs by 10 % or more. With --run DIR (a `careshift run` output directory) it also
compares the base-year baseline Zvw care cost of payers.csv with the plan-derived total.
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


def vektis_raw(path):
    """Insured years and Zvw cost (euro 2015) per (sex, band start), summed over the
    municipalities of the Vektis open data file."""
    cost, iy = {}, {}
    for r in rows(path, ";"):
        sex = {"M": "m", "V": "f"}[r["GESLACHT"].strip()]
        lab = r["LEEFTIJDSKLASSE"].strip()
        lo = 90 if lab.startswith("90") else int(lab.split()[0])
        key = (sex, lo)
        iy[key] = iy.get(key, 0.0) + float(r["AANTAL_VERZEKERDEJAREN"])
        cost[key] = cost.get(key, 0.0) + sum(float(v) for k, v in r.items() if k.startswith("KOSTEN_"))
    return iy, cost


def derive_bands(raw, out):
    """Writes the sums the check needs, so that the test runs from the repository alone."""
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
    with open(os.path.join(plandir, "plan.yaml"), encoding="utf-8") as fh:
        plan = yaml.safe_load(fh)
    rr = {s["id"]: mean_of(s.get("mortality_rr", 1.0)) for s in plan["states"]}
    zvw = {s["id"]: mean_of(s["price"]) for s in plan["sectors"] if s["payer"] == "zvw"}
    pop = {}
    for r in rows(os.path.join(plandir, table_file(plan, "population"))):
        k = (r["sex"], int(r["age"]))
        pop[k] = pop.get(k, 0.0) + float(r["count"])
    share = {}
    for r in rows(os.path.join(plandir, table_file(plan, "state_shares"))):
        share[(r["sex"], int(r["age"]), r["state"])] = float(r["share"])
    q = {(r["sex"], int(r["age"])): float(r["q"])
         for r in rows(os.path.join(plandir, plan["demography"]["mortality"]))}
    use = band_table(os.path.join(plandir, table_file(plan, "use")))
    eol = band_table(os.path.join(plandir, table_file(plan, "end_of_life_use"))) \
        if "end_of_life_use" in plan else {}
    per_age = {}
    for (s, x), n in pop.items():
        rbar = sum(share[(s, x, k)] * rr[k] for k in rr)
        c = 0.0
        for k in rr:
            qk = min(1.0, q[(s, x)] * rr[k] / rbar)
            for sid, price in zvw.items():
                c += share[(s, x, k)] * price * (use.get((sid, k, s, x), 0.0)
                                                 + qk * eol.get((sid, k, s, x), 0.0))
        per_age[(s, x)] = c
    out = {}
    for s in ("f", "m"):
        for lo, hi in BANDS:
            w = sum(pop[(s, x)] for x in range(lo, hi + 1))
            out[(s, lo)] = sum(pop[(s, x)] * per_age[(s, x)] for x in range(lo, hi + 1)) / w
    total = sum(pop[k] * per_age[k] for k in pop)
    return out, total, plan


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plandir", nargs="?")
    ap.add_argument("--data", default=None,
                    help=f"directory with {BANDS_FILE} or the raw {RAW} (default: tests/data of the repo)")
    ap.add_argument("--run", default=None, help="careshift run output dir to compare the base-year total")
    ap.add_argument("--derive", nargs=2, metavar=("RAW", "OUT"),
                    help=f"write {BANDS_FILE} (OUT) from the raw Vektis file and exit")
    a = ap.parse_args()
    if a.derive:
        derive_bands(*a.derive)
        return 0
    if not a.plandir:
        ap.error("the plan directory is required")
    here = os.path.dirname(os.path.abspath(__file__))
    datadir = a.data or os.path.join(here, "..", "tests", "data")
    mod, total, plan = modelled(a.plandir)
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
    print(f"largest difference {worst:.3f} %; plan-derived base-year Zvw total EUR {total:,.0f}")
    ok = worst < 10.0
    if a.run:
        base = plan["years"]["base"]
        for r in rows(os.path.join(a.run, "payers.csv")):
            if r["scenario"] == "baseline" and int(r["year"]) == base and r["payer"] == "zvw":
                run = float(r["care_cost"])
                d = (run - total) / total * 100
                print(f"careshift run baseline {base} Zvw care cost EUR {run:,.0f} ({d:+.4f} % vs plan-derived)")
                ok = ok and abs(d) < 0.01
    print("OK: every band within 10 %" if worst < 10.0 else "FAIL: a band differs by 10 % or more")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
