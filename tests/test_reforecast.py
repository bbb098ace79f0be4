#!/usr/bin/env python3
"""End-to-end checks of the re-forecast, `careshift run PLAN --actuals DB --from-year Y`
(issue 13; docs/model.md "Re-forecast", docs/outputs.md).

A tiny plan whose numbers are computed here by hand from docs/model.md, not by careshift:
one state, q = 0.01 at every age, no births or migration, so an area's persons on 1 January t
are P * 0.99^(t - T0); one linear intervention (max 0.5 over 4 years from the base year) that
cuts GP use by 20 % x uptake, paid per participant and per year. The re-forecast from 2026:
area A1's realised population, subregion South's (shared by A2 and A3 by their modelled
persons), North's realised participants (a subregion actual) and South's (the sum of its
areas' actuals). Checked: years before 2026 equal the ordinary run in every yearly table;
the population and uptake of 2026 are the realised ones; 2027 follows the model from there
(population, the delayed ramp, GP units, the per_participant cost, the per_year line kept);
the delay found by inverting the linear ramp; a realised uptake above the maximum fixes it;
reforecast.csv against the original run's business_case and criteria; run_info.
Errors: a missing database, one without an actuals table, a year outside (T0, T1], an actual
of an unknown intervention; nothing written. The example: run, import its actuals.csv,
re-forecast from 2025, with draws too.

usage: test_reforecast.py CARESHIFT_BINARY     prints `N passed, M failed`; exit 1 on failure
"""
import csv
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
OPTS = ["--quiet", "--threads", "2", "--no-intervention-shapley"]
results = {"passed": 0, "failed": 0}

PLAN = """careshift: 1
plan:
  name: Re-forecast tiny plan
region:
  name: Testland
  areas: areas.csv
years: {base: 2024, horizon: 2027}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers:
  - {id: zvw, name: Zvw}
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 40,
     fte_per_unit: 0.001, group: gps}
use: use.csv
economics:
  price_year: 2024
themes:
  - id: th
    name: Theme
    interventions:
      - id: coach
        name: Coaching
        uptake: {max: 0.5, ramp_years: 4, start: 2024, curve: linear}
        effects:
          - {kind: use, sector: gp, change: -0.2}
        costs:
          - {payer: zvw, per_participant: 10}
          - {payer: zvw, per_year: 1000}
"""
BASE = {"A1": 400.0, "A2": 240.0, "A3": 160.0}  # persons on 1 January 2024 (ages 40 and 41)
SUB = {"A1": "North", "A2": "South", "A3": "South"}
Q, MAX, RAMP, RATE, CHANGE, PP = 0.01, 0.5, 4, 2.0, -0.2, 10.0


def check(cond, what, detail=""):
    results["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else f"\n     {detail}"))
    return cond


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def cs(*args):
    return subprocess.run([CS, *args], capture_output=True, text=True, timeout=300)


def rows(d, table):
    with open(os.path.join(d, table + ".csv"), newline="") as f:
        return list(csv.DictReader(f))


def write_tiny(d):
    os.makedirs(d, exist_ok=True)
    files = {"plan.yaml": PLAN,
             "areas.csv": "area,name,subregion\n" + "".join(
                 f"{a},{a},{SUB[a]}\n" for a in BASE),
             "mortality.csv": "sex,age,q\n" + "".join(
                 f"{s},{x},{Q}\n" for s in "fm" for x in range(101)),
             "fertility.csv": "age,rate\n" + "".join(f"{x},0\n" for x in range(15, 50)),
             "use.csv": f"sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,{RATE}\n"
                        f"gp,all,m,0,100,{RATE}\n"}
    pop = ["area,sex,age,count"]
    for a, n in BASE.items():  # n/4 at each of (f, m) x (40, 41)
        pop += [f"{a},{s},{x},{n / 4 if x in (40, 41) else 0}" for s in "fm" for x in range(101)]
    files["population.csv"] = "\n".join(pop) + "\n"
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    return os.path.join(d, "plan.yaml")


def actuals(path, lines):
    with open(path, "w") as f:
        f.write("indicator,area_or_subregion,year,value,source\n")
        f.write("".join(f"{i},{p},{y},{v},test\n" for i, p, y, v in lines))
    return path


# ---- by hand, from docs/model.md ----
def ramp(d):
    """Section 4's linear ramp, continuous in d (docs/model.md "Re-forecast")."""
    return 0.0 if d <= -1 else MAX * min(1.0, (d + 1) / RAMP)


def by_hand(real_a1, real_south, part_north, part_south):
    """The plan scenario's persons and uptake per area for 2026 and 2027 when re-forecast from
    2026, and the delays. Before 2026 nothing changes."""
    n25 = {a: n * (1 - Q) ** 2 for a, n in BASE.items()}  # 1 January 2026, modelled
    f_south = real_south / (n25["A2"] + n25["A3"])  # South's actual, split by modelled persons
    n26 = {"A1": real_a1, "A2": n25["A2"] * f_south, "A3": n25["A3"] * f_south}
    n27 = {a: n * (1 - Q) for a, n in n26.items()}  # one year of deaths, nothing else
    up, delta = {}, {}
    for sub, part, areas in (("North", part_north, ["A1"]), ("South", part_south, ["A2", "A3"])):
        u = part / sum(n26[a] for a in areas)  # every person is targeted
        d_y = 2026 - 2024
        if u >= MAX:  # fixed at the realised uptake
            up26 = up27 = min(1.0, u)
            delta[sub] = None
        else:  # invert the linear ramp: MAX * (d + 1) / RAMP = u
            delta[sub] = d_y - (u * RAMP / MAX - 1)
            up26, up27 = ramp(d_y - delta[sub]), ramp(2027 - 2024 - delta[sub])
        for a in areas:
            up[(2026, a)], up[(2027, a)] = up26, up27
    return n26, n27, up, delta


def index(table, d, keys, val, scen="plan"):
    return {tuple(r[k] for k in keys): float(r[val]) for r in rows(d, table)
            if r.get("scenario", scen) == scen}


def yearly_tables(d):
    return [f[:-4] for f in sorted(os.listdir(d)) if f.endswith(".csv")
            and "year" in (rows(d, f[:-4])[0] if rows(d, f[:-4]) else {})]


def test_before_unchanged(d1, d2):
    bad = []
    for t in yearly_tables(d1):
        a = [r for r in rows(d1, t) if r["year"] < "2026"]
        b = [r for r in rows(d2, t) if r["year"] < "2026"]
        if a != b:
            bad.append(t)
    check(not bad and yearly_tables(d1), "years before 2026 equal the ordinary run in every "
          "yearly table", f"differ: {bad}")


def test_tiny(tmp):
    plan = write_tiny(os.path.join(tmp, "tiny"))
    d1, d2 = os.path.join(tmp, "t1"), os.path.join(tmp, "t2")
    r = cs("run", plan, "--out", d1, *OPTS)
    check(r.returncode == 0, "tiny plan: ordinary run", r.stderr)
    real_a1, real_south, p_north, p_a2, p_a3 = 380.0, 410.0, 38.0, 20.0, 60.0
    act = actuals(os.path.join(tmp, "tiny.csv"), [
        ("population", "A1", 2026, real_a1), ("population", "South", 2026, real_south),
        ("participants:coach", "North", 2026, p_north),
        ("participants:coach", "A2", 2026, p_a2), ("participants:coach", "A3", 2026, p_a3),
        ("units:gp", "region", 2026, 1234)])
    r = cs("monitor", "import", plan, act, "--dir", d1)
    check(r.returncode == 0, "tiny plan: actuals imported", r.stderr)
    r = cs("run", plan, "--actuals", os.path.join(d1, "results.db"), "--from-year", "2026",
           "--out", d2, *OPTS)
    if not check(r.returncode == 0, "tiny plan: re-forecast from 2026", r.stderr):
        return
    check("warning" not in r.stderr, "tiny plan: the database's run is of this plan: no warning", r.stderr)
    test_other_inputs(tmp, plan, d1)
    n26, n27, up, delta = by_hand(real_a1, real_south, p_north, p_a2 + p_a3)
    test_before_unchanged(d1, d2)
    pop = {s: index("demography", d2, ("year", "area"), "population", s)
           for s in ("plan", "baseline")}
    for a in BASE:
        check(close(pop["plan"][("2026", a)], n26[a]) and close(pop["baseline"][("2026", a)],
              n26[a]), f"population 2026 of {a} is the realised (every scenario): {n26[a]:.6f}",
              f"plan {pop['plan'][('2026', a)]}, baseline {pop['baseline'][('2026', a)]}")
        check(close(pop["plan"][("2027", a)], n27[a]),
              f"population 2027 of {a} follows the model from it: {n27[a]:.6f}",
              f"got {pop['plan'][('2027', a)]}")
    upt = index("interventions", d2, ("year", "area"), "uptake")
    part = index("interventions", d2, ("year", "area"), "participants")
    for (t, a), u in sorted(up.items()):
        n = n26[a] if t == 2026 else n27[a]
        check(close(upt[(str(t), a)], u) and close(part[(str(t), a)], n * u),
              f"uptake {t} of {a}: {u:.6f}, participants {n * u:.6f}",
              f"got {upt[(str(t), a)]}, {part[(str(t), a)]}")
    check(close(part[("2026", "A1")], p_north) and
          close(part[("2026", "A2")] + part[("2026", "A3")], p_a2 + p_a3),
          "participants 2026 are the realised, per subregion")
    # the linear inversion by hand: u = 38/380 = 0.1 = 0.5 (d + 1)/4 -> d = -0.2, delta = 2.2
    check(close(delta["North"], 2.2), "hand-check of the inversion itself (North: 2.2 years)",
          str(delta))
    ra = {(r["indicator"], r["place"]): r for r in rows(d2, "reforecast_actuals")}
    for sub in ("North", "South"):
        got = float(ra[("participants:coach", sub)]["delay_years"])
        check(close(got, delta[sub]), f"reforecast_actuals: delay of {sub} {delta[sub]:.6f}",
              f"got {got}")
    check(ra[("participants:coach", "South")]["level"] == "areas" and
          ra[("participants:coach", "North")]["level"] == "subregion",
          "reforecast_actuals: where the participants come from (subregion, areas)")
    f_a1 = real_a1 / (BASE["A1"] * (1 - Q) ** 2)
    check(close(float(ra[("population", "A1")]["factor"]), f_a1) and
          ra[("population", "South")]["applied"] == "scaled",
          f"reforecast_actuals: population factor of A1 {f_a1:.9f}")
    units = index("care", d2, ("year", "area"), "units")
    for a in BASE:
        want = n27[a] * RATE * (1 + CHANGE * up[(2027, a)])
        check(close(units[("2027", a)], want), f"GP units 2027 of {a}: {want:.6f}",
              f"got {units[('2027', a)]}")
    impl = {(r["year"], r["line"]): float(r["cost"]) for r in rows(d2, "implementation")
            if r["scenario"] == "plan"}
    want = PP * sum(n27[a] * up[(2027, a)] for a in BASE)
    check(close(impl[("2027", "1")], want), f"per_participant cost 2027 follows the re-forecast "
          f"participants: {want:.6f}", f"got {impl[('2027', '1')]}")
    check(close(impl[("2027", "2")], 1000.0) and close(impl[("2026", "2")], 1000.0),
          "the per_year line keeps its years and amount")
    test_comparison(d1, d2)
    test_fixed(tmp, plan, d1)
    return plan, d1


def test_comparison(d1, d2):
    rf = rows(d2, "reforecast")
    check(len(rf) == 2 + 4 * 4 + 2, f"reforecast.csv has its 20 rows", str(len(rf)))
    orig = index("business_case", d1, ("stakeholder",), "npv")
    now = index("business_case", d2, ("stakeholder",), "npv")
    ok = True
    for r in rf:
        if r["measure"] == "npv":
            k = (r["stakeholder_or_criterion"],)
            ok &= close(float(r["original"]), orig[k]) and close(float(r["reforecast"]), now[k])
            ok &= close(float(r["difference"]), now[k] - orig[k]) and r["term_or_year"] == "2024-2027"
    check(ok, "reforecast.csv: NPV per stakeholder, original (the actuals' run) and re-forecast")
    c1 = {(r["year"], r["criterion"]): r for r in rows(d1, "criteria") if r["scenario"] == "plan"}
    c2 = {(r["year"], r["criterion"]): r for r in rows(d2, "criteria") if r["scenario"] == "plan"}
    ok = True
    for r in rf:
        if r["measure"] not in ("criterion_value", "criterion_substantial"):
            continue
        year = r["term_or_year"].split(":")[1]
        col = "value" if r["measure"] == "criterion_value" else "substantial"
        k = (year, r["stakeholder_or_criterion"])
        ok &= close(float(r["original"]), float(c1[k][col]))
        ok &= close(float(r["reforecast"]), float(c2[k][col]))
    terms = sorted({r["term_or_year"] for r in rf if r["measure"] == "passes"})
    check(ok and terms == ["long:2027", "short:2026"],
          "reforecast.csv: each criterion's value and verdict, short and long term", str(terms))
    info = {r["key"]: r["value"] for r in rows(d2, "run_info")}
    check(info.get("reforecast_from_year") == "2026" and
          info.get("actuals_checksum", "").startswith("fnv1a64:"),
          "run_info: the re-forecast's year and the actuals database's checksum")
    with sqlite3.connect(os.path.join(d2, "results.db")) as db:
        n = db.execute("SELECT count(*) FROM reforecast").fetchone()[0]
    check(n == len(rf), "results.db holds the reforecast table")


def test_fixed(tmp, plan, d1):
    """Realised uptake above the maximum: the uptake stays at it from the year on."""
    db = os.path.join(tmp, "fixed.db")
    shutil.copy(os.path.join(d1, "results.db"), db)
    with sqlite3.connect(db) as c:
        c.execute("UPDATE actuals SET value = 300 WHERE indicator = 'participants:coach' "
                  "AND area = 'North'")
    d3 = os.path.join(tmp, "t3")
    r = cs("run", plan, "--actuals", db, "--from-year", "2026", "--out", d3, *OPTS)
    upt = index("interventions", d3, ("year", "area"), "uptake") if r.returncode == 0 else {}
    u = 300.0 / 380.0
    check(r.returncode == 0 and close(upt[("2026", "A1")], u) and close(upt[("2027", "A1")], u),
          f"uptake above the maximum is fixed at the realised {u:.6f}", r.stderr)


def test_other_inputs(tmp, plan, d1):
    """A plan changed since the database's run: a warning naming both checksums, and a run."""
    other = os.path.join(tmp, "tiny-other")
    shutil.copytree(os.path.dirname(plan), other)
    p2 = os.path.join(other, os.path.basename(plan))
    with open(p2, encoding="utf-8") as f:
        text = f.read()
    with open(p2, "w", encoding="utf-8") as f:
        f.write(text + "\n# changed\n")  # the YAML's bytes, and so the inputs' checksum
    with open(os.path.join(d1, "run_info.csv"), encoding="utf-8") as f:
        theirs = dict(csv.reader(f)).get("inputs_checksum")
    r = cs("run", p2, "--actuals", os.path.join(d1, "results.db"), "--from-year", "2026",
           "--out", os.path.join(tmp, "t-other"), *OPTS)
    check(r.returncode == 0 and "warning: its run was made from other inputs than this plan's" in r.stderr
          and theirs and theirs in r.stderr,
          "a plan changed since the database's run: a warning with the database's inputs_checksum", r.stderr)


def test_errors(tmp, plan, d1):
    db = os.path.join(d1, "results.db")
    out = os.path.join(tmp, "never")

    def fails(args, what, needle):
        r = cs("run", plan, *args, "--out", out, *OPTS)
        check(r.returncode != 0 and needle in r.stderr and not os.path.exists(out),
              f"error: {what} (exit {r.returncode}, nothing written)", r.stderr)

    fails(["--actuals", os.path.join(tmp, "missing.db"), "--from-year", "2026"],
          "a missing database", "missing.db: cannot open the actuals database")
    empty = os.path.join(tmp, "empty.db")
    with sqlite3.connect(empty) as c:
        c.execute("CREATE TABLE other (x)")
    fails(["--actuals", empty, "--from-year", "2026"], "no actuals table",
          "has no table 'actuals'")
    fails(["--actuals", db, "--from-year", "2024"], "the base year", "--from-year 2024 is outside")
    fails(["--actuals", db, "--from-year", "2028"], "after the horizon",
          "--from-year 2028 is outside")
    old = os.path.join(tmp, "old.db")
    shutil.copy(db, old)
    with sqlite3.connect(old) as c:
        c.execute("INSERT INTO actuals VALUES ('participants:gone', 'North', 2026, 5, '', "
                  "'2025-01-01T00:00:00Z', '00')")
    fails(["--actuals", old, "--from-year", "2026"], "an unknown intervention",
          "unknown intervention 'gone'")
    r = cs("run", plan, "--actuals", db, "--out", out, *OPTS)
    check(r.returncode == 2, "--actuals without --from-year is a usage error")


def test_example(tmp):
    plan = os.path.join(EXAMPLE, "plan.yaml")
    d1, d2 = os.path.join(tmp, "z1"), os.path.join(tmp, "z2")
    r = cs("run", plan, "--out", d1, *OPTS)
    check(r.returncode == 0, "example: run", r.stderr)
    r = cs("monitor", "import", plan, os.path.join(EXAMPLE, "actuals.csv"), "--dir", d1)
    check(r.returncode == 0, "example: actuals imported", r.stderr)
    db = os.path.join(d1, "results.db")
    r = cs("run", plan, "--actuals", db, "--from-year", "2025", "--out", d2, *OPTS)
    if not check(r.returncode == 0, "example: re-forecast from 2025", r.stderr):
        return
    rf = rows(d2, "reforecast")
    npv = {r["stakeholder_or_criterion"]: r for r in rf if r["measure"] == "npv"}
    check(len(rf) == 4 + 16 + 2 and set(npv) == {"zvw", "wlz", "wmo", "total"},
          "example: reforecast.csv has the documented rows")
    for k, r in sorted(npv.items()):
        print(f"     npv {k}: original {float(r['original']):,.0f}, "
              f"re-forecast {float(r['reforecast']):,.0f}")
    for t in ("demography", "care", "interventions", "payers", "workforce", "health"):
        a = [r for r in rows(d1, t) if r["year"] == "2024"]
        b = [r for r in rows(d2, t) if r["year"] == "2024"]
        check(a == b and a, f"example: {t} 2024 rows equal the ordinary run's")
    areas = {r["area"]: r["subregion"] for r in rows(d2, "areas")}
    acp = sum(float(r["participants"]) for r in rows(d2, "interventions")
              if r["scenario"] == "plan" and r["year"] == "2025" and r["intervention"] == "acp"
              and areas[r["area"]] == "Westelijke Mijnstreek")
    check(close(acp, 309.0), "example: ACP in Westelijke Mijnstreek 2025 is the realised 309",
          str(acp))
    d3 = os.path.join(tmp, "z3")
    r = cs("run", plan, "--actuals", db, "--from-year", "2025", "--out", d3, "--draws", "3",
           "--no-tornado", *OPTS)
    ok = r.returncode == 0
    if ok:
        d0 = {r["metric"]: float(r["value"]) for r in rows(d3, "psa_draws")
              if r["draw"] == "0" and r["scenario"] == "plan"}
        ok = close(d0["npv:total"], float(npv["total"]["reforecast"]))
    check(ok, "example with draws: draw 0 is the re-forecast", r.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="cs-reforecast-")
    try:
        got = test_tiny(tmp)
        if got:
            test_errors(tmp, *got)
        test_example(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
