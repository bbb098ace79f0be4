#!/usr/bin/env python3
"""Back-test of the demography (issue 10, docs/validation.md "Back-test of the demography").

usage: python3 tests/test_backtest.py CARESHIFT     (env CS_SRCDIR: the repository)

Builds the back-test plans of scripts/backtest_demography.py from tests/data/backtest (written
by `scripts/backtest_demography.py ../shared/data --derive tests/data/backtest`) and the
example's demographic tables (examples/zuid-limburg), runs careshift, and asserts that the
errors against the observed population stay within tolerances: each tolerance is the error
measured when the test was written x 1.5, rounded up to the next 0.5 point (the measured value
is in the comment). Regional: Zuid-Limburg 1-1-2015 -> 1-1-2021 per municipality and 5-year
band; national: the Netherlands 1-1-2015 -> 1-1-2025 per 5-year band, and the deaths of
2015-2024. Reads nothing outside the repository.
Prints one line per check and `N passed, M failed`.
"""
import importlib.util
import os
import sys
import tempfile

EXE = sys.argv[1]
SRC = os.environ.get("CS_SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DATA = os.path.join(SRC, "tests", "data", "backtest")
EXAMPLE = os.path.join(SRC, "examples", "zuid-limburg")

# measured when this test was written (careshift 0.2, the example's demography of v0.2) -> tolerance
REGION_TOTAL = 0.5        # Zuid-Limburg 2021 total: -0.27 %
MUNICIPAL_TOTAL = 10.5    # worst municipal total 2021: Vaals -6.69 %
MAPE_CELLS = 14.5         # mean absolute % error over the 16 x 20 municipality x band cells: 9.54 %
# per band, mean absolute % error over the 16 municipalities (both sexes); measured:
# 0-4 25.3, 5-9 10.4, 10-14 5.3, 15-19 6.6, 20-24 22.5, 25-29 14.6, 30-34 8.1, 35-39 6.5,
# 40-44 6.7, 45-49 10.8, 50-54 8.1, 55-59 2.7, 60-64 4.7, 65-69 7.6, 70-74 6.4, 75-79 4.4,
# 80-84 5.3, 85-89 3.8, 90-94 9.3, 95+ 21.6
BAND_MAPE = {"0-4": 38.5, "5-9": 16.0, "10-14": 8.0, "15-19": 10.0, "20-24": 34.0,
             "25-29": 22.0, "30-34": 12.5, "35-39": 10.0, "40-44": 10.5, "45-49": 16.5,
             "50-54": 12.5, "55-59": 4.5, "60-64": 7.5, "65-69": 11.5, "70-74": 10.0,
             "75-79": 7.0, "80-84": 8.0, "85-89": 6.0, "90-94": 14.5, "95+": 32.5}
NATIONAL_TOTAL = 1.0      # NL 2025 total: +0.55 %
# NL 2025 per band (both sexes), |error %|; measured: 0-4 +3.91, 5-9 -3.62, 10-14 -0.24,
# 15-19 -1.14, 20-24 -0.73, 25-29 +0.97, 30-34 -0.36, 35-39 +0.25, 40-44 +0.27, 45-49 +0.36,
# 50-54 +0.37, 55-59 +0.40, 60-64 +0.52, 65-69 +0.85, 70-74 +1.11, 75-79 +1.37, 80-84 +3.18,
# 85-89 +6.79, 90-94 +15.32, 95+ +18.33
NATIONAL_BAND = {"0-4": 6.0, "5-9": 5.5, "10-14": 0.5, "15-19": 2.0, "20-24": 1.5,
                 "25-29": 1.5, "30-34": 1.0, "35-39": 0.5, "40-44": 0.5, "45-49": 1.0,
                 "50-54": 1.0, "55-59": 1.0, "60-64": 1.0, "65-69": 1.5, "70-74": 2.0,
                 "75-79": 2.5, "80-84": 5.0, "85-89": 10.5, "90-94": 23.0, "95+": 27.5}
NATIONAL_DEATHS = 9.0     # NL deaths 2015-2024, modelled vs observed: -5.83 %

results = []


def case(name, ok, why=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok else ': ' + why}", flush=True)


def within(name, value, tol):
    case(f"{name}: {value:+.2f} % within +-{tol} %", abs(value) <= tol, f"{value:+.3f} % exceeds {tol} %")


def load_script():
    sys.dont_write_bytecode = True          # nothing written into the source tree
    spec = importlib.util.spec_from_file_location(
        "backtest_demography", os.path.join(SRC, "scripts", "backtest_demography.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    bt = load_script()
    d = bt.load(DATA, EXAMPLE)
    codes = [a for a, _, _ in d["areas"]]
    case("16 municipalities", len(codes) == 16, f"{len(codes)} in examples/zuid-limburg/areas.csv")
    # the start population keeps the 2015 key figures: municipal totals, age groups, sexes
    pop0 = bt.regional_start(d)
    worst = 0.0
    for a in codes:
        for _, g, lo, hi in bt.KEY_GROUPS:
            got = sum(pop0[(a, s, x)] for s in bt.SEXES for x in range(lo, hi + 1))
            worst = max(worst, abs(got - d["zl2015"][(a, g, "all")]))
        for s in bt.SEXES:
            got = sum(pop0[(a, s, x)] for x in bt.AGES)
            worst = max(worst, abs(got - d["zl2015"][(a, "all", s)]))
    case("start 2015: every municipal age group and sex total kept (1e-6)", worst < 1e-6, f"off by {worst}")
    total0 = sum(pop0.values())
    case("start 2015: Zuid-Limburg 602,038 (CBS 70072ned CR39)", abs(total0 - 602038) < 1e-6, f"{total0}")

    with tempfile.TemporaryDirectory() as tmp:
        try:
            cells, _, _, _ = bt.regional(d, EXE, tmp)
            case("regional run 2015-2021", True)
        except RuntimeError as e:
            case("regional run 2015-2021", False, str(e))
            return
        s = bt.regional_summary(cells, d["areas"])
        name = {a: n for a, n, _ in d["areas"]}
        within("Zuid-Limburg 2021 total", s["total"][2], REGION_TOTAL)
        for a in codes:
            within(f"{name[a]} 2021 total", s["municipal_total_pct"][a], MUNICIPAL_TOTAL)
        case(f"mean absolute % error of the municipality x band cells {s['mape_cells']:.2f} <= {MAPE_CELLS}",
             s["mape_cells"] <= MAPE_CELLS, f"{s['mape_cells']:.3f}")
        for b, tol in BAND_MAPE.items():
            v = s["band_mape"][b]
            case(f"band {b}: mean absolute % error over municipalities {v:.2f} <= {tol}", v <= tol, f"{v:.3f}")

        try:
            single, deaths, _, _ = bt.national(d, EXE, tmp)
            case("national run 2015-2025", True)
        except RuntimeError as e:
            case("national run 2015-2025", False, str(e))
            return
        nb = bt.national_bands(single)
        err = lambda k: bt.pct(nb[k][0] - nb[k][1], nb[k][1])  # noqa: E731
        within("NL 2025 total", err(("total", "all")), NATIONAL_TOTAL)
        for b, tol in NATIONAL_BAND.items():
            within(f"NL 2025 band {b}", err((b, "all")), tol)
        m, o = sum(v[0] for v in deaths.values()), sum(v[1] for v in deaths.values())
        within("NL deaths 2015-2024", bt.pct(m - o, o), NATIONAL_DEATHS)


if __name__ == "__main__":
    main()
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if results and all(results) else 1)
