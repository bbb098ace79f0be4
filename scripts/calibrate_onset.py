#!/usr/bin/env python3
"""Chooses demography.transition_improvement_by_age so that a plan's baseline keeps the base
year's prevalence of one state in every age band of `careshift check` (docs/validation.md,
"A stable baseline").

usage: calibrate_onset.py CARESHIFT PLAN [--state dependent] [--lo -0.05] [--hi 0.1]

The bands are those `careshift check` reports (0-64, 65-74, 75-84, 85-89, 90-94, 95+). The
persons of a band at the horizon were younger before, never older, so the bands are solved
from the youngest up: each band's improvement is found by bisection on that band's drift of
the state with the younger bands' values fixed (a higher improvement lowers the onset of
worse states, hence the drift). Prints the YAML mapping, e.g. `{0: 0.0012, 65: 0.0031, ...}`,
and the drift per band of every state with it. The plan is not changed: each trial is a
copy beside it (the CSV tables it names are found relative to it) that is removed again.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

BANDS = (0, 65, 75, 85, 90, 95)
KEY = re.compile(r"^(\s*)transition_improvement(_by_age)?:.*$", re.M)
LINE = re.compile(r"^  (\S+): ([-+][0-9.]+) % persons; by age: (.*?)(?: \(largest|$)", re.M)


def mapping(vals):
    return "{" + ", ".join(f"{a}: {v:.6f}" for a, v in zip(BANDS, vals)) + "}"


def drift(binary, text, plan_dir, vals):
    """Drift per state and band (percent) of the plan text with these band values."""
    new = KEY.sub(lambda m: f"{m.group(1)}transition_improvement_by_age: {mapping(vals)}", text, count=1)
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix=".calibrate-", dir=plan_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new)
        p = subprocess.run([binary, "check", path], capture_output=True, text=True)
    finally:
        os.unlink(path)
    if p.returncode != 0:
        sys.exit(f"calibrate_onset: careshift check failed:\n{p.stderr}")
    out = {}
    for st, _total, bands in LINE.findall(p.stdout):
        out[st] = [float(x) for x in re.findall(r"[-+][0-9.]+(?= %)", bands)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("careshift")
    ap.add_argument("plan")
    ap.add_argument("--state", default="dependent")
    ap.add_argument("--lo", type=float, default=-0.05)
    ap.add_argument("--hi", type=float, default=0.1)
    a = ap.parse_args()
    text = open(a.plan, encoding="utf-8").read()
    if not KEY.search(text):
        sys.exit("calibrate_onset: the plan needs a demography.transition_improvement(_by_age) line to replace")
    plan_dir = os.path.dirname(os.path.abspath(a.plan))
    vals = [0.0] * len(BANDS)
    for b in range(len(BANDS)):
        lo, hi = a.lo, a.hi
        for _ in range(30):
            mid = (lo + hi) / 2
            vals[b:] = [mid] * (len(BANDS) - b)
            d = drift(a.careshift, text, plan_dir, vals)
            if a.state not in d:
                sys.exit(f"calibrate_onset: no state {a.state!r} in the drift report")
            if d[a.state][b] > 0:
                lo = mid
            else:
                hi = mid
        vals[b:] = [(lo + hi) / 2] * (len(BANDS) - b)
    print(f"transition_improvement_by_age: {mapping(vals)}")
    for st, bands in drift(a.careshift, text, plan_dir, vals).items():
        print(f"  {st}: " + ", ".join(f"{BANDS[i]}+ {v:+.1f} %" for i, v in enumerate(bands)))


if __name__ == "__main__":
    main()
