#!/usr/bin/env python3
"""The cells that no intervention changes (docs/model.md, "Cells no intervention changes"):
the kernel computes them in the baseline's lanes only and every other lane of the area takes
the baseline's sums and next year's cells (only the rows a lane reads later).
CARESHIFT_SEGMENT=compute makes every lane compute them instead, CARESHIFT_SEGMENT=poison puts
NaN in the rows of next year's stock that the other lanes are not given, and
CARESHIFT_STORES=stream stores next year's cells past the caches as the kernel does for a stock
too large for them (the plans here are small: cached by default; on x86-64, in some of them,
with each level's own stores, CARESHIFT_ISA). Each must give the default run's bytes in every
output, on plans where those cells are ages below the youngest age an intervention with a
mortality, utility or transition effect
targets (the example: 65; a national-size synthetic plan: 40, where mothers of 40 to 49 are
changed, so the cohorts born of them are too), in the years before any such effect starts, with
migration that is capped at an empty cell, in projection mode and in hazard mode, with draws.

usage: test_segment.py CARESHIFT_BINARY
"""
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def run(binary, plan, out, args, env=None):
    p = subprocess.run([binary, "run", plan, "--out", out, "--quiet", *args], capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    check(p.returncode == 0, f"run {os.path.basename(out)} exits 0 {p.stderr.strip()[:300]}")
    return p.returncode == 0


def files(d):
    return sorted(f for f in os.listdir(d) if f not in ("run.log", ".careshift-manifest"))


def same_outputs(binary, plan, tmp, name, args, isas=False):
    """Taken, computed in every lane, taken with NaN in the rows of next year's stock that
    the other lanes are not given (CARESHIFT_SEGMENT=poison: a reader of them would show), and
    with next year's cells stored past the caches (CARESHIFT_STORES=stream; with isas on
    x86-64 also with each version's stores, AVX-512, AVX2 and the baseline, CARESHIFT_ISA=v4,
    v3 and v1: the default may be any of them)."""
    a = os.path.join(tmp, name + "-taken")
    if not run(binary, plan, a, args):
        return
    for env, label in (({"CARESHIFT_SEGMENT": "compute"}, "computed"),
                       ({"CARESHIFT_SEGMENT": "poison"}, "taken with the rows not copied NaN"),
                       ({"CARESHIFT_STORES": "stream"}, "with next year's cells stored past the caches"),
                       *(STREAM_ISAS if isas else [])):
        b = os.path.join(tmp, name + "-" + "-".join(env.values()))
        if not run(binary, plan, b, args, env):
            continue
        fa, fb = files(a), files(b)
        differ = [f for f in fa if f not in fb or open(os.path.join(a, f), "rb").read() != open(os.path.join(b, f), "rb").read()]
        check(fa == fb and not differ, f"{name}: every file the same bytes taken or {label} ({len(fa)} files; differ: {differ[:5]})")
        # run.log: the capped migration and the scaled rows too (not the time it took)
        la, lb = (log_lines(os.path.join(d, "run.log")) for d in (a, b))
        check(la == lb, f"{name}: run.log's counts the same taken or {label} ({len(la)} lines)")


# each x86-64 level stores with its own instructions (cells.c); the machine's default is one of
# them (kernel.c lane_fns), CARESHIFT_ISA chooses another (at most the machine's)
STREAM_ISAS = [({"CARESHIFT_STORES": "stream", "CARESHIFT_ISA": isa},
                f"stored past the caches by the {name} version")
               for isa, name in (("v4", "AVX-512"), ("v3", "AVX2"), ("v1", "baseline x86-64"))] if os.uname().machine == "x86_64" else []


def log_lines(path):
    with open(path, encoding="utf-8") as f:
        return [ln for ln in f if not ln.startswith("time:")]


def first_ages(plan_path, ages):
    """Every intervention of the plan targets ages from `ages` on, so that the cells below
    them are the baseline's, and starts two years after the base year at the earliest, so
    that in the first two years every cell is (with migration capped at empty cells in them:
    the baseline's capped removals count again for the other lanes)."""
    with open(plan_path, encoding="utf-8") as f:
        p = yaml.safe_load(f)
    first = int(p["years"]["base"]) + 2
    for th in p.get("themes") or []:
        for iv in th.get("interventions") or []:
            t = iv.get("target") or {}
            t["ages"] = [ages, 100]
            iv["target"] = t
            u = iv.get("uptake") or {}
            u["start"] = max(int(u.get("start", first)), first)
            if u.get("start_by_subregion"):
                u["start_by_subregion"] = {k: max(int(v), first) for k, v in u["start_by_subregion"].items()}
            iv["uptake"] = u
    with open(plan_path, "w", encoding="utf-8") as f:
        yaml.safe_dump(p, f, allow_unicode=True, sort_keys=False)


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        ex = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
        same_outputs(binary, ex, tmp, "example", [])
        same_outputs(binary, ex, tmp, "example-draws", ["--draws", "12", "--threads", "2", "--no-tornado"], True)
        nat = os.path.join(tmp, "nat")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "synth_plan.py"), nat, "--areas", "12"],
                       check=True, capture_output=True)
        same_outputs(binary, os.path.join(nat, "plan.yaml"), tmp, "synthetic-12-areas", [])
        gen = os.path.join(ROOT, "tests", "genplan.py")
        # (seeds 2 and 3 cap migration in the cells taken, with the ages from 34 and 41)
        for seed in (2, 3):
            for kind, flags in (("fertility", []), ("projection", ["--projection"])):
                d = os.path.join(tmp, f"g{kind}{seed}")
                subprocess.run([sys.executable, gen, d, str(seed), *flags, "--psa"], check=True, capture_output=True)
                plan = os.path.join(d, "plan.yaml")
                same_outputs(binary, plan, tmp, f"genplan-{seed}-{kind}", ["--draws", "2"])
                first_ages(plan, 20 + 7 * seed)
                same_outputs(binary, plan, tmp, f"genplan-{seed}-{kind}-ages-{20 + 7 * seed}", ["--draws", "2"],
                             seed == 2)
    print(f"{res['passed']} passed, {res['failed']} failed")
    sys.exit(1 if res["failed"] else 0)


if __name__ == "__main__":
    main()
