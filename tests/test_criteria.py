#!/usr/bin/env python3
"""The criteria section of a plan (docs/plan-format.md, v0.2 additions) end to end.

usage: python3 tests/test_criteria.py CARESHIFT     (env CS_SRCDIR: the repository)

- Each new key refused when wrong, with its FILE:LINE:COLUMN and what was expected.
- Relative thresholds: criteria.csv's threshold of staff and real estate is the % of the
  baseline's total FTE demand and m2 of that year, recomputed here from care.csv.
- short_year / long_year reach the summary; the older name `year` still works.
Prints one line per case and `N passed, M failed`.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

EXE = sys.argv[1]
SRC = os.environ.get("CS_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
TINY = os.path.join(SRC, "tests", "data", "tiny")
results = []


def plan_with(d, criteria):
    """The tiny plan in d with a criteria section."""
    shutil.copytree(TINY, d)
    p = os.path.join(d, "plan.yaml")
    with open(p, "a") as f:
        f.write("criteria:\n" + "".join(f"  {line}\n" for line in criteria))
    return p


def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120)


def case(name, ok, why=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok else ': ' + why}", flush=True)


def refused(tmp, name, criteria, want):
    p = plan_with(os.path.join(tmp, name), criteria)
    r = run("check", p)
    last = len(open(p).read().splitlines())
    lines = range(last - len(criteria) + 1, last + 1)  # where the criteria lines are
    ok = r.returncode == 1 and want in r.stderr and any(f"plan.yaml:{n}:" in r.stderr for n in lines)
    case(name, ok, f"exit {r.returncode}: {r.stderr.strip()}")


def main():
    tmp = tempfile.mkdtemp()
    try:
        refused(tmp, "both-staff", ["staff_fte: 30", "staff_pct: 1"], "give staff_fte or staff_pct, not both")
        refused(tmp, "both-m2", ["real_estate_pct: 1", "real_estate_m2: 30"],
                "give real_estate_m2 or real_estate_pct, not both")
        refused(tmp, "pct-range", ["staff_pct: 150"], "expected a percentage in [0, 100]")
        refused(tmp, "short-after-long", ["short_year: 2029", "long_year: 2027"], "is after the long-term year 2027")
        refused(tmp, "both-years", ["year: 2029", "long_year: 2029"], "give long_year or its older name year")
        refused(tmp, "flow-sector", ["patient_flows_sectors: [gp, hopital]"], "hopital")
        refused(tmp, "unknown-key", ["staff_percent: 1"], "staff_percent")

        # relative thresholds, recomputed from care.csv
        p = plan_with(os.path.join(tmp, "rel"), ["short_year: 2025", "long_year: 2029",
                                                 "staff_pct: 2.5", "real_estate_pct: 0.5"])
        out = os.path.join(tmp, "rel-out")
        r = run("run", p, "--out", out)
        fte, m2 = {}, {}
        for row in csv.DictReader(open(os.path.join(out, "care.csv"))):
            if row["scenario"] == "baseline":
                y = int(row["year"])
                fte[y] = fte.get(y, 0) + float(row["fte"])
                m2[y] = m2.get(y, 0) + float(row["m2"])
        bad = []
        for row in csv.DictReader(open(os.path.join(out, "criteria.csv"))):
            y, th = int(row["year"]), float(row["threshold"])
            want = {"staff": 0.025 * fte[y], "real_estate": 0.005 * m2[y]}.get(row["criterion"])
            if want is not None and abs(th - want) > 1e-9 * max(1.0, abs(want)):
                bad.append((row["scenario"], y, row["criterion"], th, want))
            if int(row["substantial"]) != (float(row["value"]) >= th):
                bad.append(("substantial", row))
        case("relative-thresholds", r.returncode == 0 and not bad, f"exit {r.returncode} {bad[:3]} {r.stderr}")
        case("summary-years", "| 2025 " in r.stdout and "| 2029 " in r.stdout, r.stdout)

        # a threshold the baseline itself meets (0 FTE) is named as such, in both years; with a
        # positive threshold there is no such note
        p = plan_with(os.path.join(tmp, "zero"), ["short_year: 2025", "long_year: 2029", "staff_fte: 0"])
        r = run("run", p, "--out", os.path.join(tmp, "zero-out"))
        note = "the baseline itself (value 0) meets the threshold"
        case("baseline-passes-note", r.returncode == 0 and f"staff: {note}: it does not depend on the plan, in 2025" in r.stdout
             and "in 2029" in r.stdout.split(note, 2)[-1], r.stdout)
        p = plan_with(os.path.join(tmp, "pos"), ["staff_fte: 5"])
        r = run("run", p, "--out", os.path.join(tmp, "pos-out"))
        case("no-baseline-note", r.returncode == 0 and note not in r.stdout, r.stdout)

        # the older name still works
        p = plan_with(os.path.join(tmp, "old"), ["year: 2028"])
        r = run("run", p, "--out", os.path.join(tmp, "old-out"))
        case("year-alias", r.returncode == 0 and "| 2028 " in r.stdout and "| 2026 " in r.stdout,
             f"exit {r.returncode}: {r.stderr} {r.stdout}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
