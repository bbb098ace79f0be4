#!/usr/bin/env python3
"""End-to-end checks of the PSA (careshift run --draws N) on generated plans: draw 0 equals the
deterministic tables, the results are byte-identical for 1 and 2 threads, summaries are
consistent with the draws (recomputed here), probabilities and the CEAC are proportions of
the draws, and the tornado has a row per uncertain parameter.

usage: test_psa.py CARESHIFT_BINARY
"""
import csv
import math
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENPLAN = os.path.join(ROOT, "tests", "genplan.py")
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * (1 + abs(b))


def run(binary, plan, out, *args, env=None):
    p = subprocess.run([binary, "run", plan, "--out", out, "--quiet", *args], capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    check(p.returncode == 0, f"run {' '.join(args)} exits 0 {p.stderr.strip()[:300]}")


def quantile(sorted_vals, f):
    """GSL's gsl_stats_quantile_from_sorted_data: linear interpolation at (n-1)*f."""
    n = len(sorted_vals)
    i = (n - 1) * f
    lo = int(math.floor(i))
    hi = min(lo + 1, n - 1)
    return sorted_vals[lo] + (i - lo) * (sorted_vals[hi] - sorted_vals[lo])


def check_plan(binary, plan, tmp, name, draws=40):
    o1, o2 = os.path.join(tmp, name + "-t1"), os.path.join(tmp, name + "-t2")
    run(binary, plan, o1, "--draws", str(draws), "--threads", "1", "--seed", "7")
    run(binary, plan, o2, "--draws", str(draws), "--threads", "2", "--seed", "7")
    for t in ("psa_draws", "psa_summary", "psa_probabilities", "ceac", "tornado"):
        a = open(os.path.join(o1, t + ".csv"), "rb").read()
        b = open(os.path.join(o2, t + ".csv"), "rb").read()
        check(a == b, f"{name}: {t}.csv identical for 1 and 2 threads")
    # the kernel's per-cell code in each version this machine runs (AVX-512, AVX2, baseline
    # x86-64; CARESHIFT_ISA chooses the level, at most the machine's): the same operations, so
    # the same bytes as the machine's default (which may be AVX2 where AVX-512 is slower)
    for isa in ("v4", "v3", "v1"):
        oi = os.path.join(tmp, f"{name}-{isa}")
        run(binary, plan, oi, "--draws", str(draws), "--threads", "2", "--seed", "7", env={"CARESHIFT_ISA": isa})
        same = [t for t in ("psa_draws", "psa_summary", "ceac", "tornado", "business_case", "care", "demography")
                if open(os.path.join(o1, t + ".csv"), "rb").read() == open(os.path.join(oi, t + ".csv"), "rb").read()]
        check(len(same) == 7, f"{name}: the kernel's {isa} version gives the same tables ({len(same)} of 7)")
    d = rows(os.path.join(o1, "psa_draws.csv"))
    by = {}
    for r in d:
        by.setdefault((r["scenario"], r["metric"]), {})[int(r["draw"])] = float(r["value"])
    check(all(len(v) == draws for v in by.values()), f"{name}: every metric has {draws} draws")
    # draw 0 is the deterministic run
    bc = {(r["scenario"], r["stakeholder"]): float(r["npv"]) for r in rows(os.path.join(o1, "business_case.csv"))}
    ok = all(by[(s, "npv:" + k)][0] == v for (s, k), v in bc.items())
    check(ok, f"{name}: draw 0 npv = business_case.csv npv (exactly)")
    he = {r["scenario"]: float(r["delta_qalys"]) for r in rows(os.path.join(o1, "health_economics.csv"))}
    check(all(by[(s, "delta_qalys")][0] == v for s, v in he.items()), f"{name}: draw 0 delta_qalys = health_economics.csv")
    crit = rows(os.path.join(o1, "criteria.csv"))
    # the PSA's criteria year is criteria.long_year (older name: year), default the horizon
    py = yaml.safe_load(open(plan, encoding="utf-8"))
    cy = py.get("criteria") or {}
    last = int(cy.get("long_year", cy.get("year", py["years"]["horizon"])))
    ok = all(by[(r["scenario"], "criterion:" + r["criterion"])][0] == float(r["value"])
             for r in crit if int(r["year"]) == last)
    check(ok, f"{name}: draw 0 criteria = criteria.csv in the criteria year")
    # and the short-term year's (v0.2): criteria.short_year, default the first year + 2
    short = int(cy.get("short_year", py["years"]["base"] + 2))
    ok = all(by[(r["scenario"], "criterion_short_term:" + r["criterion"])][0] == float(r["value"])
             for r in crit if int(r["year"]) == short)
    check(ok, f"{name}: draw 0 short-term criteria = criteria.csv in {short}")
    # passes (in each term) is the share of draws with at least one criterion substantial:
    # between the largest criterion's share and their sum; with absolute thresholds, exactly
    # the share of draws with a value at or above the threshold
    prob = {(r["scenario"], r["what"]): float(r["probability"]) for r in rows(os.path.join(o1, "psa_probabilities.csv"))}
    names = ("care_use", "patient_flows", "staff", "real_estate")
    ok = True
    for s in {k[0] for k in prob}:
        for sub, pas in (("substantial:", "passes"), ("substantial_short_term:", "passes_short_term")):
            ps = [prob[(s, sub + c)] for c in names]
            ok &= max(ps) - 1e-12 <= prob[(s, pas)] <= sum(ps) + 1e-12
    check(ok, f"{name}: P(passes) lies between its criteria's P(substantial), both terms")
    thr = {(r["scenario"], int(r["year"]), r["criterion"]): float(r["threshold"]) for r in crit}
    # care_use and patient_flows are % of the baseline; staff and real estate absolute when the
    # plan gives staff_fte / real_estate_m2 (their defaults are not checked here)
    rel = {"staff": "staff_fte" not in cy, "real_estate": "real_estate_m2" not in cy}
    ok, n = True, 0
    for (s, w), pr in prob.items():
        if not w.startswith("substantial_short_term:"):
            continue
        c = w.split(":", 1)[1]
        if rel.get(c, True):
            continue
        t = thr[(s, short, c)]
        want = sum(v >= t for v in by[(s, "criterion_short_term:" + c)].values()) / draws
        ok &= close(pr, want)
        n += 1
    check(ok, f"{name}: P(substantial, short term) with absolute thresholds is the share of draws ({n} checked)")
    varied = [k for k, v in by.items() if len(set(v.values())) > 1]
    check(len(varied) > 0, f"{name}: the draws vary ({len(varied)} metrics)")
    # summary statistics recomputed from the draws
    worst = 0.0
    for r in rows(os.path.join(o1, "psa_summary.csv")):
        v = sorted(by[(r["scenario"], r["metric"])].values())
        m = sum(v) / len(v)
        sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))
        for col, want in (("mean", m), ("sd", sd), ("p2_5", quantile(v, 0.025)), ("p50", quantile(v, 0.5)), ("p97_5", quantile(v, 0.975))):
            scale = max(1.0, abs(want), abs(m))
            worst = max(worst, abs(float(r[col]) - want) / scale)
    check(worst < 1e-9, f"{name}: psa_summary matches the draws (worst {worst:.2g})")
    ok = all(close(p, sum(x > 0 for x in by[(s, "npv:" + w[6:])].values()) / draws)
             for (s, w), p in prob.items() if w.startswith("npv>0:"))
    check(ok, f"{name}: P(npv > 0) is the share of draws")
    check(all(0 <= p <= 1 for p in prob.values()), f"{name}: probabilities in [0, 1]")
    ceac = rows(os.path.join(o1, "ceac.csv"))
    ok = True
    for r in ceac:
        s, lam = r["scenario"], float(r["value_per_qaly"])
        n, q = by[(s, "npv:total")], by[(s, "delta_qalys")]
        want = sum(n[i] + lam * q[i] > 0 for i in range(draws)) / draws
        ok &= close(float(r["probability_cost_effective"]), want)
    check(ok, f"{name}: ceac is the share of draws with positive net benefit")
    torn = rows(os.path.join(o1, "tornado.csv"))
    params = {r["parameter"] for r in torn}
    check(len(params) > 0 and len(torn) == len(params) * len(by), f"{name}: tornado has a row per parameter, scenario and metric")


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        for seed, flags in ((21, []), (22, ["--projection"]), (23, ["--single-state"]), (24, ["--psa"])):
            d = os.path.join(tmp, f"g{seed}")
            subprocess.run([sys.executable, GENPLAN, d, str(seed)] + flags, check=True)
            check_plan(binary, os.path.join(d, "plan.yaml"), tmp, f"genplan {seed}{''.join(flags)}")
        # --psa takes the number of draws from the plan's psa: section
        plan = os.path.join(tmp, "g24", "plan.yaml")
        m = re.search(r"^psa:\s*(?:\{\s*|\n\s+)draws:\s*(\d+)", open(plan, encoding="utf-8").read(), re.M)
        out = os.path.join(tmp, "g24-psa")
        run(binary, plan, out, "--psa", "--no-tornado")
        if m and os.path.exists(os.path.join(out, "psa_draws.csv")):
            n = len({r["draw"] for r in rows(os.path.join(out, "psa_draws.csv"))})
            check(n == int(m.group(1)), f"run --psa runs the plan's psa.draws ({n} draws, plan {m.group(1)})")
        else:
            check(False, "run --psa writes psa_draws.csv for a plan with psa.draws")
        # without --draws the PSA tables of an earlier run are removed, not left stale
        d = os.path.join(tmp, "g21")
        out = os.path.join(tmp, "genplan 21-t1")
        run(binary, os.path.join(d, "plan.yaml"), out)
        check(not os.path.exists(os.path.join(out, "psa_draws.csv")), "a deterministic run removes stale PSA tables")
    print(f"{res['passed']} passed, {res['failed']} failed")
    sys.exit(1 if res["failed"] else 0)


if __name__ == "__main__":
    main()
