#!/usr/bin/env python3
"""Independent consistency check of a careshift plan directory (the example plan), written
apart from the derivation code: every (area, sex, age) present, state shares summing to 1,
transition rows <= 1, no overlapping bands, known ids everywhere, sane distributions.

    python3 scripts/example/validate.py examples/zuid-limburg

Prints the problems found and exits 1 if there are any. Needs PyYAML.
"""

import csv
import math
import os
import sys

import yaml

SEXES = ("f", "m")
AGES = range(0, 101)


def rows(fname):
    with open(fname, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(l for l in fh if not l.startswith("#")))


def tfile(v):
    return v["file"] if isinstance(v, dict) else v


def dist_mean(v, where, errs):
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        return None                              # $parameter
    if "fixed" in v:
        return float(v["fixed"])
    if "neg" in v:
        m = dist_mean(v["neg"], where, errs)
        return None if m is None else -m
    d = v.get("dist")
    if d == "beta":
        m, sd = v["mean"], v["sd"]
        if not (0 < m < 1 and 0 < sd < math.sqrt(m * (1 - m))):
            errs.append(f"{where}: invalid beta {v}")
        return m
    if d in ("gamma", "lognormal"):
        if "mean" in v and (v["mean"] <= 0 or v["sd"] <= 0):
            errs.append(f"{where}: invalid {d} {v}")
        return v["mean"] if "mean" in v else math.exp(v["meanlog"] + v["sdlog"] ** 2 / 2)
    if d == "normal":
        if v["sd"] <= 0:
            errs.append(f"{where}: sd <= 0")
        return v["mean"]
    if d == "uniform":
        if not v["min"] < v["max"]:
            errs.append(f"{where}: uniform min >= max")
        return (v["min"] + v["max"]) / 2
    if d in ("triangular", "pert"):
        if not v["min"] <= v["mode"] <= v["max"] or v["min"] == v["max"]:
            errs.append(f"{where}: {d} not min <= mode <= max")
        return ((v["min"] + v["mode"] + v["max"]) / 3 if d == "triangular"
                else (v["min"] + 4 * v["mode"] + v["max"]) / 6)
    errs.append(f"{where}: unknown distribution {v}")
    return None


def check(plandir):
    errs = []
    plan = yaml.safe_load(open(os.path.join(plandir, "plan.yaml"), encoding="utf-8"))
    P = lambda name: os.path.join(plandir, name)
    base, horizon = plan["years"]["base"], plan["years"]["horizon"]
    areas = {r["area"]: r["subregion"] for r in rows(P(plan["region"]["areas"]))}
    subs = set(areas.values())
    states = [s["id"] for s in plan["states"]]
    sectors = {s["id"]: s for s in plan["sectors"]}
    payers = {p["id"] for p in plan["payers"]}
    wf = rows(P(plan["workforce"]))
    groups = {s["group"] for s in plan["sectors"]} | {r["group"] for r in wf}
    params = set(plan.get("parameters", {}))
    for s in plan["sectors"]:
        if s["payer"] not in payers:
            errs.append(f"sector {s['id']}: unknown payer")
        if s["chain"] not in ("social", "primary", "secondary", "long_term"):
            errs.append(f"sector {s['id']}: bad chain")
        if (dist_mean(s["price"], s["id"], errs) or 0) < 0:
            errs.append(f"sector {s['id']}: negative price")
    for r in wf:
        if r["subregion"] not in subs:
            errs.append(f"workforce: unknown subregion {r['subregion']}")

    # population
    seen = {}
    for r in rows(P(tfile(plan["population"]))):
        k = (r["area"], r["sex"], int(r["age"]))
        if k in seen:
            errs.append(f"population: duplicate {k}")
        seen[k] = float(r["count"])
        if seen[k] < 0:
            errs.append(f"population: negative {k}")
    for a in areas:
        for s in SEXES:
            for x in AGES:
                if (a, s, x) not in seen:
                    errs.append(f"population: missing {(a, s, x)}")
    total = sum(seen.values())

    # mortality, fertility, migration
    q = {(r["sex"], int(r["age"])): float(r["q"]) for r in rows(P(plan["demography"]["mortality"]))}
    for s in SEXES:
        for x in AGES:
            if not 0 <= q.get((s, x), -1) <= 1:
                errs.append(f"mortality: missing or bad q {(s, x)}")
    for r in rows(P(plan["demography"]["fertility"])):
        if float(r["rate"]) < 0 or not 0 <= int(r["age"]) <= 100:
            errs.append(f"fertility: bad row {r}")
    mk = set()
    for r in rows(P(plan["demography"]["migration"])):
        k = (r["area"], r["sex"], int(r["age"]))
        if k in mk or r["area"] not in areas or r["sex"] not in SEXES:
            errs.append(f"migration: bad or duplicate {k}")
        mk.add(k)

    # state shares
    sh = {}
    for r in rows(P(plan["state_shares"])):
        k = (r["sex"], int(r["age"]), r["state"])
        if k in sh or r["state"] not in states:
            errs.append(f"state_shares: bad or duplicate {k}")
        sh[k] = float(r["share"])
        if not 0 <= sh[k] <= 1:
            errs.append(f"state_shares: out of [0,1] {k}")
    for s in SEXES:
        for x in AGES:
            tot = sum(sh.get((s, x, k), 0.0) for k in states)
            if abs(tot - 1) > 1e-6:
                errs.append(f"state_shares: {s} {x} sums to {tot!r}")

    # transitions
    tr, rowsum = set(), {}
    for r in rows(P(plan["transitions"])):
        k = (r["sex"], int(r["age"]), r["from"], r["to"])
        p = float(r["p"])
        if k in tr or r["from"] not in states or r["to"] not in states or not 0 <= p <= 1:
            errs.append(f"transitions: bad {k} {p}")
        tr.add(k)
        if r["from"] != r["to"]:
            rowsum[k[:3]] = rowsum.get(k[:3], 0.0) + p
    for k, v in rowsum.items():
        if v > 1 + 1e-12:
            errs.append(f"transitions: row {k} sums to {v}")

    # use / eol bands
    for key in ("use", "end_of_life_use"):
        bands = {}
        for r in rows(P(tfile(plan[key]))):
            k = (r["sector"], r["state"], r["sex"])
            if r["sector"] not in sectors or r["state"] not in states or float(r["rate"]) < 0:
                errs.append(f"{key}: bad row {r}")
            lo, hi = int(r["age_from"]), int(r["age_to"])
            for a, b in bands.get(k, []):
                if lo <= b and a <= hi:
                    errs.append(f"{key}: overlapping bands {k} {a}-{b} / {lo}-{hi}")
            bands.setdefault(k, []).append((lo, hi))

    # area level: known areas and sectors, one row each, a positive index; only Zvw sectors
    # (the example indexes the Vektis-calibrated ones), every area
    if "area_use_index" in plan:
        seen = set()
        for r in rows(P(tfile(plan["area_use_index"]))):
            k = (r["area"], r["sector"])
            v = float(r["index"])
            if r["area"] not in areas or r["sector"] not in sectors or k in seen \
                    or not 0 < v < 10 or sectors.get(r["sector"], {}).get("payer") != "zvw":
                errs.append(f"area_use_index: bad row {r}")
            seen.add(k)
        for sid in {sec for _, sec in seen}:
            for a in areas:
                if (a, sid) not in seen:
                    errs.append(f"area_use_index: no row for area {a}, sector {sid}")

    # themes
    for th in plan["themes"]:
        for iv in th["interventions"]:
            w = f"{th['id']}/{iv['id']}"
            t = iv.get("target", {})
            for a in t.get("areas", []):
                if a not in areas:
                    errs.append(f"{w}: unknown area {a}")
            for r in t.get("subregions", []):
                if r not in subs:
                    errs.append(f"{w}: unknown subregion {r}")
            for k in t.get("states", []):
                if k not in states:
                    errs.append(f"{w}: unknown state {k}")
            up = iv["uptake"]
            m = dist_mean(up["max"], w + " uptake", errs)
            if m is not None and not 0 <= m <= 1:
                errs.append(f"{w}: uptake max {m}")
            for r, y in up.get("start_by_subregion", {}).items():
                if r not in subs or not base <= y <= horizon:
                    errs.append(f"{w}: start_by_subregion {r} {y}")
            for e in iv["effects"]:
                for f in ("sector", "from", "to"):
                    if f in e and e["kind"] != "transition" and e[f] not in sectors:
                        errs.append(f"{w}: unknown sector {e[f]}")
                if e["kind"] == "transition":
                    if e["from"] not in states or e["to"] not in states:
                        errs.append(f"{w}: unknown transition state")
                    if "states" in t and e["from"] not in t["states"]:
                        errs.append(f"{w}: transition from {e['from']} not in target states")
                if e["kind"] == "workforce" and e["group"] not in groups:
                    errs.append(f"{w}: unknown group {e['group']}")
                for f in ("change", "fraction", "ratio", "outflow_change", "extra_inflow"):
                    if f in e:
                        v = e[f]
                        if isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("neg"), str)):
                            name = v if isinstance(v, str) else v["neg"]
                            if name[1:] not in params:
                                errs.append(f"{w}: unknown parameter {name}")
                            continue
                        mv = dist_mean(v, f"{w} {f}", errs)
                        if f == "change" and mv is not None and mv < -1:
                            errs.append(f"{w}: change < -1")
                        if f == "fraction" and mv is not None and not 0 <= mv <= 1:
                            errs.append(f"{w}: fraction {mv}")
            for c in iv.get("costs", []):
                if c["payer"] not in payers:
                    errs.append(f"{w}: unknown payer {c['payer']}")
                for f in ("year", "from", "to"):
                    if f in c and not base <= c[f] <= horizon:
                        errs.append(f"{w}: cost {f} {c[f]} outside years")
            for r in iv.get("resources", []):
                for f in ("year", "from", "to"):
                    if f in r and not base <= r[f] <= horizon:
                        errs.append(f"{w}: resource {f} {r[f]} outside years")
            for ms in iv.get("milestones", []):
                if not base <= ms["year"] <= horizon:
                    errs.append(f"{w}: milestone year {ms['year']}")
    for sc in plan.get("scenarios", []):
        for r in sc.get("subregions", []) + list(sc.get("delay", {})):
            if r not in subs:
                errs.append(f"scenario {sc['id']}: unknown subregion {r}")
    return errs, total


def main(argv):
    errs, total = check(argv[1])
    for e in errs:
        print(e)
    print(f"{len(errs)} problem(s); population total {total:,.1f}")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
