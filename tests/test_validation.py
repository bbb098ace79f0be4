#!/usr/bin/env python3
"""Cross-validation against a published model (issue 10, docs/validation.md).

usage: python3 tests/test_validation.py CARESHIFT     (env CS_SRCDIR: the repository)

The DARTH Sick-Sicker model (Alarid-Escudero et al., Med Decis Making 2023;43(1):3-20,
time-independent cohort model, the tutorial's table of total discounted costs and QALYs): careshift must reproduce the
published expected discounted cost and QALYs per person of each strategy to the printed
precision (whole dollars, three decimals), from examples/sick-sicker, and equal the tutorial's
own algorithm (tests/reference/sick_sicker.py) to 1e-9. The example's data
tables must be exactly what scripts/derive_sick_sicker.py writes.
Prints one line per check and `N passed, M failed`.
"""
import csv
import filecmp
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import sick_sicker  # noqa: E402  (the tutorial's own algorithm, independent of careshift)

EXE = sys.argv[1]
SRC = os.environ.get("CS_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
EXAMPLE = os.path.join(SRC, "examples", "sick-sicker")
# the published table: strategy -> (cost, QALYs); careshift's scenario of each strategy
PUBLISHED = {
    "standard of care": ("baseline", 151580, 20.711),
    "strategy A": ("without-treatment-b", 284805, 21.499),
    "strategy B": ("without-treatment-a", 259100, 22.184),
    "strategy AB": ("plan", 378875, 23.137),
}
results = []


def case(name, ok, why=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok else ': ' + why}", flush=True)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        regen = os.path.join(tmp, "regen")
        subprocess.run([sys.executable, os.path.join(SRC, "scripts", "derive_sick_sicker.py"), regen],
                       check=True)
        for name in sorted(os.listdir(regen)):
            case(f"regenerated {name}", filecmp.cmp(os.path.join(regen, name),
                                                    os.path.join(EXAMPLE, name), shallow=False),
                 "differs from examples/sick-sicker (run scripts/derive_sick_sicker.py)")
        out = os.path.join(tmp, "out")
        r = subprocess.run([EXE, "run", os.path.join(EXAMPLE, "plan.yaml"), "--out", out, "--quiet"],
                           capture_output=True, text=True, timeout=300)
        case("run", r.returncode == 0, r.stderr.strip())
        if r.returncode != 0:
            return
        with open(os.path.join(out, "totals.csv")) as f:
            rows = {row["scenario"]: row for row in csv.DictReader(f)}
        for strategy, (scen, cost, qalys) in PUBLISHED.items():
            row = rows.get(scen)
            if row is None:
                case(strategy, False, f"no scenario {scen} in totals.csv")
                continue
            got_c, got_q = float(row["cost_per_person"]), float(row["qalys_per_person"])
            case(f"{strategy}: cost ${cost:,}", round(got_c) == cost, f"careshift {got_c:.4f}")
            case(f"{strategy}: {qalys} QALYs", round(got_q, 3) == qalys, f"careshift {got_q:.6f}")
            ref_c, ref_q = sick_sicker.strategy(*sick_sicker.STRATEGIES[strategy])
            case(f"{strategy}: equal to the tutorial's algorithm to 1e-9",
                 abs(got_c - ref_c) <= 1e-9 * ref_c and abs(got_q - ref_q) <= 1e-9 * ref_q,
                 f"careshift {got_c!r}, {got_q!r}; reference {ref_c!r}, {ref_q!r}")

if __name__ == "__main__":
    main()
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if results and all(results) else 1)
