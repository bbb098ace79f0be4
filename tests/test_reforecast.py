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
A second tiny plan (five areas in three subregions, 2024-2028, from 2026): a logistic uptake
inverted on both of its parts (the straight line below ramp(0) and the logistic) and followed
on the shifted ramp in 2027 and 2028; a realised uptake above a logistic curve's maximum
(fixed); population actuals of an area, a subregion (with an own-actual area inside) and the
region, each scenario splitting them by its own modelled persons (a mortality effect makes the
plan's differ from the baseline's), and the max(0, .) clamps; participants only at region level
(an area actual of a subregion whose other area has none is not used); a realised 0 before the
plan's start (stays on plan) and in its first year (the ramp starts a year later).
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


# ---- a second tiny plan: logistic uptake, population actuals at every level, participants
# only at region level, a realised 0 before the plan's start ----
# Five areas in three subregions, one state, q = 0.01 at every age (ages 40 and 41, n/4 per
# sex and age), no births or migration, years 2024-2028, re-forecast from 2026. Three
# interventions in one theme (so the scenarios are baseline, plan and without-th = baseline):
#   logi: logistic, max 0.6 over 4 years from 2024, women only; GP use -20 % x uptake;
#         10 per participant.
#   late: linear, max 0.4 over 2 years, start 2027, South 2026, East 2028; GP use -10 %.
#   regi: linear, max 0.5 over 4 years from 2024, North and South only; mortality -50 % x
#         uptake, so the plan's populations of North and South differ from the baseline's and
#         each scenario splits the region's population actual by its own modelled persons.
PLAN2 = """careshift: 1
plan:
  name: Re-forecast tiny plan 2
region:
  name: Testland
  areas: areas.csv
years: {base: 2024, horizon: 2028}
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
      - id: logi
        name: Logistic coaching
        target: {sexes: [f]}
        uptake: {max: 0.6, ramp_years: 4, start: 2024, curve: logistic}
        effects:
          - {kind: use, sector: gp, change: -0.2}
        costs:
          - {payer: zvw, per_participant: 10}
      - id: late
        name: Late starter
        uptake: {max: 0.4, ramp_years: 2, start: 2027, start_by_subregion: {South: 2026, East: 2028}, curve: linear}
        effects:
          - {kind: use, sector: gp, change: -0.1}
      - id: regi
        name: Counted by the region
        target: {subregions: [North, South]}
        uptake: {max: 0.5, ramp_years: 4, start: 2024, curve: linear}
        effects:
          - {kind: mortality, change: -0.5}
"""
BASE2 = {"A1": 400.0, "A4": 200.0, "A2": 240.0, "A3": 160.0, "A5": 300.0}
SUB2 = {"A1": "North", "A4": "North", "A2": "South", "A3": "South", "A5": "East"}
# intervention: (curve, max, ramp_years, start, start_by_subregion, target sexes, subregions)
IV2 = {"logi": ("logistic", 0.6, 4, 2024, {}, "f", ("North", "South", "East")),
       "late": ("linear", 0.4, 2, 2027, {"South": 2026, "East": 2028}, "fm",
                ("North", "South", "East")),
       "regi": ("linear", 0.5, 4, 2024, {}, "fm", ("North", "South"))}
T0_2, T1_2, Y2 = 2024, 2028, 2026
# the actuals of 2026
POP2 = {"A1": 385.0, "A2": 230.0, "South": 400.0, "region": 1300.0}
PART2 = [("logi", "North", 60.0), ("logi", "South", 10.0), ("logi", "East", 100.0),
         ("late", "North", 0.0), ("late", "South", 0.0), ("late", "East", 0.0),
         ("regi", "region", 150.0),
         ("regi", "A2", 999.0)]  # South's A3 has none: the areas' sum is not used, the region's is


def ramp4(curve, mx, ry, d):
    """Section 4's ramp at a whole d = t - start (0 before the start)."""
    if d < 0:
        return 0.0
    if curve == "linear":
        return mx * min(1.0, (d + 1) / ry)
    return mx / (1 + math.exp(-(d + 1 - ry / 2) * 8 / ry))


def ramp10(curve, mx, ry, d):
    """Section 10's ramp as a function of a real d: the logistic is a straight line from 0 at
    d = -1 to its value at d = 0 in between."""
    if d <= -1:
        return 0.0
    if curve == "linear":
        return mx * min(1.0, (d + 1) / ry)
    r0 = mx / (1 + math.exp(-(1 - ry / 2) * 8 / ry))
    if d < 0:
        return (d + 1) * r0
    return mx / (1 + math.exp(-(d + 1 - ry / 2) * 8 / ry))


def ramp10_inverse(curve, mx, ry, u):
    """Solves ramp10(d) = u for 0 < u < max, by the formulas of section 10."""
    if curve == "linear":
        return u * ry / mx - 1
    r0 = mx / (1 + math.exp(-(1 - ry / 2) * 8 / ry))
    if u <= r0:
        return u / r0 - 1
    # mx / (1 + exp(-(d + 1 - ry/2) 8/ry)) = u  <=>  d = ry/2 - 1 - (ry/8) ln(mx/u - 1)
    return ry / 2 - 1 - ry / 8 * math.log(mx / u - 1)


def write_tiny2(d):
    os.makedirs(d, exist_ok=True)
    files = {"plan.yaml": PLAN2,
             "areas.csv": "area,name,subregion\n" + "".join(f"{a},{a},{SUB2[a]}\n" for a in BASE2),
             "mortality.csv": "sex,age,q\n" + "".join(
                 f"{s},{x},{Q}\n" for s in "fm" for x in range(101)),
             "fertility.csv": "age,rate\n" + "".join(f"{x},0\n" for x in range(15, 50)),
             "use.csv": f"sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,{RATE}\n"
                        f"gp,all,m,0,100,{RATE}\n"}
    pop = ["area,sex,age,count"]
    for a, n in BASE2.items():
        pop += [f"{a},{s},{x},{n / 4 if x in (40, 41) else 0}" for s in "fm" for x in range(101)]
    files["population.csv"] = "\n".join(pop) + "\n"
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    return os.path.join(d, "plan.yaml")


def by_hand2(pop_act, part_act):
    """Every year's persons per (area, sex), uptake per (intervention, area) and the
    re-forecast's delays of the plan and the baseline, from docs/model.md sections 2, 4 and 10
    only. Nothing depends on age (q is the same at 40..45), so a cell is (area, sex)."""
    out = {}
    for scen in ("plan", "baseline"):
        N = {(a, s): n / 2 for a, n in BASE2.items() for s in "fm"}
        rec = {"N": {}, "up": {}, "before": None, "fac": {}}
        out[scen] = rec
        for t in range(T0_2, T1_2 + 1):
            if t == Y2:
                rec["before"] = {a: N[(a, "f")] + N[(a, "m")] for a in BASE2}
                tot = rec["before"]
                # the groups: own actuals; South's other areas share what South's actual leaves;
                # the areas in neither share what the region's leaves of all groups above
                grp, covered = {}, 0.0
                for a in BASE2:
                    if a in pop_act:
                        grp[a], covered = ((a,), pop_act[a]), covered + pop_act[a]
                for r in ("North", "South", "East"):
                    if r in pop_act:
                        own = sum(pop_act[a] for a in BASE2 if SUB2[a] == r and a in pop_act)
                        g = tuple(a for a in BASE2 if SUB2[a] == r and a not in pop_act)
                        if g:
                            val = max(0.0, pop_act[r] - own)
                            covered += val
                            for a in g:
                                grp[a] = (g, val)
                if "region" in pop_act:
                    g = tuple(a for a in BASE2 if a not in grp)
                    for a in g:
                        grp[a] = (g, max(0.0, pop_act["region"] - covered))
                for a, (g, val) in grp.items():
                    s = sum(tot[b] for b in g)
                    rec["fac"][a] = val / s if s > 0 else 1.0
                N = {(a, s): n * rec["fac"].get(a, 1.0) for (a, s), n in N.items()}
                if scen == "plan":
                    repl = replacement2(N, part_act)
            rec["N"][t] = dict(N)
            for v, (curve, mx, ry, start, sbs, sexes, subs) in IV2.items():
                for a in BASE2:
                    r = SUB2[a]
                    st = sbs.get(r, start)
                    if scen == "baseline" or r not in subs:
                        u = 0.0
                    elif t >= Y2 and (v, r) in repl:
                        mode, val = repl[(v, r)]
                        u = val if mode == "fixed" else ramp10(curve, mx, ry, t - st - val)
                    else:
                        u = ramp4(curve, mx, ry, t - st)
                    rec["up"][(t, v, a)] = u
            # regi's mortality effect: q_k = q * (1 + change * uptake) in its targeted cells
            N = {(a, s): n * (1 - Q * (1 - 0.5 * rec["up"][(t, "regi", a)]))
                 for (a, s), n in N.items()}
    return out, repl


def replacement2(N, part_act):
    """Section 10's uptake replacement, on the plan's rescaled persons of 1 January 2026:
    {(iv, subregion): ("delay", delta) or ("fixed", uptake)}; also the realised u and T."""
    repl = {}
    for v, (curve, mx, ry, start, sbs, sexes, subs) in IV2.items():
        tgt = {r: sum(N[(a, s)] for a in BASE2 for s in sexes if SUB2[a] == r and r in subs)
               for r in ("North", "South", "East")}
        parts = {p: x for (w, p, x) in part_act if w == v}
        for r in ("North", "South", "East"):
            areas = [a for a in BASE2 if SUB2[a] == r and r in subs]
            if r in parts:
                P, T = parts[r], tgt[r]
            elif areas and all(a in parts for a in areas):
                P, T = sum(parts[a] for a in areas), tgt[r]
            elif "region" in parts:
                P, T = parts["region"], sum(tgt.values())
            else:
                continue
            if T == 0 or tgt[r] == 0:
                continue
            u = P / T
            d_y = Y2 - sbs.get(r, start)
            if u == 0:
                repl[(v, r)] = ("delay", max(0.0, d_y + 1))
            elif u >= mx:
                repl[(v, r)] = ("fixed", min(1.0, u))
            else:
                repl[(v, r)] = ("delay", d_y - ramp10_inverse(curve, mx, ry, u))
            repl[("u", v, r)], repl[("T", v, r)] = u, tgt[r]
    return repl


def test_tiny2(tmp):
    plan = write_tiny2(os.path.join(tmp, "tiny2"))
    d1, d2 = os.path.join(tmp, "u1"), os.path.join(tmp, "u2")
    r = cs("run", plan, "--out", d1, *OPTS)
    if not check(r.returncode == 0, "tiny plan 2: ordinary run", r.stderr):
        return
    act = actuals(os.path.join(tmp, "tiny2.csv"),
                  [("population", p, Y2, x) for p, x in POP2.items()] +
                  [(f"participants:{v}", p, Y2, x) for v, p, x in PART2])
    r = cs("monitor", "import", plan, act, "--dir", d1)
    check(r.returncode == 0, "tiny plan 2: actuals imported", r.stderr)
    db = os.path.join(d1, "results.db")
    r = cs("run", plan, "--actuals", db, "--from-year", str(Y2), "--out", d2, *OPTS)
    if not check(r.returncode == 0, "tiny plan 2: re-forecast from 2026", r.stderr):
        return
    hand, repl = by_hand2(POP2, PART2)
    P, B = hand["plan"], hand["baseline"]

    # the hand-made model reproduces the ordinary run before 2026 (a check of the hand model)
    pop1 = index("demography", d1, ("year", "area"), "population")
    check(all(close(pop1[(str(t), a)], P["N"][t][(a, "f")] + P["N"][t][(a, "m")])
              for t in (2024, 2025) for a in BASE2),
          "tiny plan 2: the hand model gives the ordinary run's persons of 2024 and 2025")
    test_before_unchanged(d1, d2)

    # (2) population: A1 and A2 their own actuals; A3 what South's 400 leaves after A2's 230
    # (170); A4 and A5 what the region's 1300 leaves after 385 + 230 + 170 = 785, i.e. 515,
    # split by each scenario's own modelled persons (the plan's A4 has had fewer deaths).
    pops = {s: index("demography", d2, ("year", "area"), "population", s)
            for s in ("plan", "baseline", "without-th")}
    for scen, h in (("plan", P), ("baseline", B), ("without-th", B)):
        want = {a: h["N"][Y2][(a, "f")] + h["N"][Y2][(a, "m")] for a in BASE2}
        got = {a: pops[scen][(str(Y2), a)] for a in BASE2}
        check(all(close(got[a], want[a]) for a in BASE2),
              f"population 2026 of {scen} (groups of area, subregion and region actuals): "
              + ", ".join(f"{a} {want[a]:.4f}" for a in BASE2),
              f"got {got}")
    check(close(P["N"][Y2][("A3", "f")] * 2, 170.0) and
          close(sum(P["N"][Y2][(a, s)] for a in ("A4", "A5") for s in "fm"), 515.0) and
          not close(P["fac"]["A4"], B["fac"]["A4"]),
          "hand: A3 is 400 - 230, A4 + A5 is 1300 - 785, each scenario its own factor")
    for t in (2027, 2028):
        want = {a: P["N"][t][(a, "f")] + P["N"][t][(a, "m")] for a in BASE2}
        got = {a: pops["plan"][(str(t), a)] for a in BASE2}
        check(all(close(got[a], want[a]) for a in BASE2),
              f"population {t} of the plan follows the model (regi's re-forecast mortality)",
              f"want {want}\n     got {got}")
    ra = {(r["indicator"], r["place"]): r for r in rows(d2, "reforecast_actuals")}
    before = P["before"]
    for place, members, fac_area in (("A1", ["A1"], "A1"), ("A2", ["A2"], "A2"),
                                     ("South", ["A2", "A3"], "A3"),
                                     ("region", list(BASE2), "A4")):
        row = ra.get(("population", place), {})
        modelled = sum(before[a] for a in members)
        ok = row and close(float(row["modelled"]), modelled) and \
            close(float(row["factor"]), P["fac"][fac_area]) and row["applied"] == "scaled" and \
            close(float(row["realised"]), POP2[place])
        check(ok, f"reforecast_actuals: population {place}: modelled {modelled:.6f}, factor "
              f"{P['fac'][fac_area]:.9f}", str(row))

    # (1) logistic: max 0.6, ramp 4: ramp(d) = 0.6 / (1 + exp(-(d + 1 - 2) * 2)); ramp(0) =
    # 0.6 / (1 + e^2) = 0.07152. 2026 is d_Y = 2, where the plan has 0.6 / (1 + e^-2) = 0.52848.
    # North: u = 60 / (women of A1 and A4) = 60 / ((385 + A4) / 2), on the logistic part:
    #   ramp^-1(u) = 1 - ln(0.6/u - 1) / 2, delta = 2 - ramp^-1(u).
    # South: u = 10 / ((230 + 170) / 2) = 0.05 <= ramp(0): the straight line,
    #   ramp^-1(0.05) = 0.05 / 0.07152 - 1 = -0.30090, delta = 2.30090 years behind; in 2027
    #   d = 3 - 2.30090 = 0.69910 is back on the logistic part.
    u_n = 60.0 / ((385.0 + P["N"][Y2][("A4", "f")] * 2) / 2)
    r0 = 0.6 / (1 + math.exp(2))
    check(close(repl[("u", "logi", "North")], u_n) and u_n > r0 and
          close(repl[("logi", "North")][1], 2 - (1 - math.log(0.6 / u_n - 1) / 2)) and
          close(repl[("logi", "South")][1], 2 - (0.05 / r0 - 1)) and
          close(ramp10("logistic", 0.6, 4, 2 - repl[("logi", "North")][1]), u_n),
          f"hand: logistic inversion (North u {u_n:.6f}, delta "
          f"{repl[('logi', 'North')][1]:.6f}; South u 0.05, delta {2 - (0.05 / r0 - 1):.6f})")
    upt = index("interventions", d2, ("year", "area", "intervention"), "uptake")
    part = index("interventions", d2, ("year", "area", "intervention"), "participants")
    upt_b = index("interventions", d2, ("year", "area", "intervention"), "uptake", "without-th")

    def uptake_checks(v, what, areas=BASE2):
        sexes = IV2[v][5]
        for t in (2026, 2027, 2028):
            want = {a: P["up"][(t, v, a)] for a in areas}
            wpart = {a: want[a] * sum(P["N"][t][(a, s)] for s in sexes) for a in areas}
            got = {a: upt[(str(t), a, v)] for a in areas}
            gpart = {a: part[(str(t), a, v)] for a in areas}
            check(all(close(got[a], want[a]) and close(gpart[a], wpart[a]) for a in areas),
                  f"{v} {t}: {what}: uptake " + ", ".join(f"{a} {want[a]:.6f}" for a in areas),
                  f"got {got}, participants {gpart} (want {wpart})")

    uptake_checks("logi", "the shifted logistic ramp (North, South), fixed (East)")
    check(close(part[("2026", "A1", "logi")] + part[("2026", "A4", "logi")], 60.0) and
          close(part[("2026", "A2", "logi")] + part[("2026", "A3", "logi")], 10.0),
          "logi 2026: participants are the realised 60 (North) and 10 (South)")
    for sub in ("North", "South"):
        row = ra.get(("participants:logi", sub), {})
        ok = row and row["applied"] == "delay" and row["level"] == "subregion" and \
            close(float(row["delay_years"]), repl[("logi", sub)][1]) and \
            close(float(row["uptake_realised"]), repl[("u", "logi", sub)]) and \
            close(float(row["uptake_modelled"]), 0.6 / (1 + math.exp(-2)))
        check(ok, f"reforecast_actuals: logi {sub}: delay {repl[('logi', sub)][1]:.6f} "
              "(logistic inversion), modelled uptake 0.528482", str(row))
    # (4) East: u = 100 / (A5's women) = 100 / (A5 / 2) >= 0.6: fixed at u from 2026 on
    u_e = 100.0 / P["N"][Y2][("A5", "f")]
    row = ra.get(("participants:logi", "East"), {})
    check(u_e >= 0.6 and repl[("logi", "East")] == ("fixed", u_e) and row and
          row["applied"] == "fixed" and row["delay_years"] == "" and
          all(close(upt[(str(t), "A5", "logi")], u_e) for t in (2026, 2027, 2028)),
          f"logi East: realised uptake {u_e:.6f} >= max 0.6 of the logistic curve is fixed "
          "from 2026 on", str(row))
    impl = {(r["year"], r["line"]): float(r["cost"]) for r in rows(d2, "implementation")
            if r["scenario"] == "plan"}
    for t in (2027, 2028):
        want = 10.0 * sum(P["up"][(t, "logi", a)] * P["N"][t][(a, "f")] for a in BASE2)
        check(close(impl[(str(t), "1")], want),
              f"logi per_participant cost {t} follows the re-forecast participants: {want:.6f}",
              f"got {impl[(str(t), '1')]}")

    # (5) late, 0 realised in 2026 everywhere. North starts 2027 (d_Y = -1): delta =
    # max(0, -1 + 1) = 0, on plan: 0.2 in 2027, 0.4 in 2028. East starts 2028 (d_Y = -2): delta
    # 0, 0.2 in 2028. South started 2026 (d_Y = 0): delta = 1, its first year is 2027: 0, 0.2,
    # 0.4 instead of the plan's 0.2, 0.4, 0.4.
    check([P["up"][(t, "late", a)] for t in (2026, 2027, 2028) for a in ("A1", "A2", "A5")] ==
          [0.0, 0.0, 0.0, 0.2, 0.2, 0.0, 0.4, 0.4, 0.2], "hand: late's uptake")
    uptake_checks("late", "0 realised: on plan before the start, one year later from it")
    for sub, want in (("North", 0.0), ("South", 1.0), ("East", 0.0)):
        row = ra.get(("participants:late", sub), {})
        ok = row and row["applied"] == "delay" and close(float(row["delay_years"]), want) and \
            float(row["uptake_realised"]) == 0.0
        check(ok, f"reforecast_actuals: late {sub}: 0 realised, delay {want}", str(row))
    # the ordinary run's late uptake, for North and East, is the same
    upt1 = index("interventions", d1, ("year", "area", "intervention"), "uptake")
    check(all(close(upt1[(str(t), a, "late")], upt[(str(t), a, "late")])
              for t in (2026, 2027, 2028) for a in ("A1", "A4", "A5")),
          "late: North and East (start after 2026, 0 realised) are the ordinary run's")

    # (3) regi: only the region's 150 (A2's 999 is not used: South's A3 has no actual).
    # u = 150 / (persons of A1, A4, A2, A3) for North and South; linear max 0.5, ramp 4:
    # ramp^-1(u) = 8u - 1, delta = 2 - (8u - 1) = 3 - 8u.
    t_all = sum(P["N"][Y2][(a, s)] for a in ("A1", "A4", "A2", "A3") for s in "fm")
    u_r = 150.0 / t_all
    check(close(repl[("u", "regi", "South")], u_r) and
          close(repl[("regi", "North")][1], 3 - 8 * u_r),
          f"hand: regi's region uptake 150 / {t_all:.6f} = {u_r:.6f}, delta {3 - 8 * u_r:.6f}")
    uptake_checks("regi", "the region's uptake, then the shifted ramp")
    for sub in ("North", "South"):
        row = ra.get(("participants:regi", sub), {})
        T = repl[("T", "regi", sub)]
        ok = row and row["level"] == "region" and row["applied"] == "delay" and \
            close(float(row["delay_years"]), 3 - 8 * u_r) and \
            close(float(row["uptake_realised"]), u_r) and close(float(row["realised"]), u_r * T)
        check(ok, f"reforecast_actuals: regi {sub} from the region: realised {u_r * T:.6f}",
              str(row))
    check(all(upt[(str(t), "A5", "regi")] == 0.0 for t in (2026, 2027, 2028)) and
          ra.get(("participants:regi", "East"), {}).get("applied", "none") not in
          ("delay", "fixed"), "regi: East is not targeted, no replacement, uptake 0")
    check(all(upt_b[(str(t), a, v)] == 0.0 for t in (2026, 2027, 2028) for a in BASE2
              for v in IV2), "without-th: no uptake (no replaced pair switches an intervention on)")

    # GP units 2027 and 2028: women RATE * (1 - 0.2 up_logi) (1 - 0.1 up_late), men
    # RATE * (1 - 0.1 up_late)
    units = index("care", d2, ("year", "area"), "units")
    for t in (2027, 2028):
        want = {a: RATE * (1 - 0.1 * P["up"][(t, "late", a)]) *
                (P["N"][t][(a, "f")] * (1 - 0.2 * P["up"][(t, "logi", a)]) + P["N"][t][(a, "m")])
                for a in BASE2}
        got = {a: units[(str(t), a)] for a in BASE2}
        check(all(close(got[a], want[a]) for a in BASE2), f"GP units {t} of the plan",
              f"want {want}\n     got {got}")

    # (2) the clamps: South 200 < A2's 230 leaves A3 0; the region's 600 < 385 + 230 + 0 leaves
    # A4 and A5 0 (max(0, .)); the population rows only (no participants)
    cl = os.path.join(tmp, "clamp.db")
    shutil.copy(db, cl)
    with sqlite3.connect(cl) as c:
        c.execute("DELETE FROM actuals WHERE indicator LIKE 'participants:%'")
        c.execute("UPDATE actuals SET value = 200 WHERE area = 'South'")
        c.execute("UPDATE actuals SET value = 600 WHERE area = 'region'")
    d3 = os.path.join(tmp, "u3")
    r = cs("run", plan, "--actuals", cl, "--from-year", str(Y2), "--out", d3, *OPTS)
    got = index("demography", d3, ("year", "area"), "population") if r.returncode == 0 else {}
    want = {"A1": 385.0, "A2": 230.0, "A3": 0.0, "A4": 0.0, "A5": 0.0}
    check(r.returncode == 0 and all(close(got[("2026", a)], want[a]) for a in BASE2),
          "population: a subregion's and the region's actual below what the areas above "
          "take leaves 0 to the others", f"{r.stderr} {got}")
    test_region_started(tmp, plan, db, upt1)


def test_region_started(tmp, plan, db, upt1):
    """(6) A region's participants go only to the subregions the plan has started by Y and
    that have none of their own. late: South starts 2026, North 2027, East 2028; the region
    reports 30 in 2026 and no subregion reports its own. Only South (A2 230 + A3 170 = 400
    persons, both sexes targeted) can have them: u = 30 / 400 = 0.075; linear, max 0.4, ramp 2:
    ramp(d) = 0.4 (d + 1) / 2, so ramp^-1(0.075) = 0.375 - 1 = -0.625 and, with d_Y = 0, delta =
    0.625 years behind. North and East keep the plan (the ordinary run's uptake)."""
    rg = os.path.join(tmp, "region-started.db")
    shutil.copy(db, rg)
    with sqlite3.connect(rg) as c:
        c.execute("DELETE FROM actuals WHERE indicator = 'participants:late'")
        c.execute("INSERT INTO actuals SELECT 'participants:late', 'region', year, 30, source, "
                  "imported_at, file_sha256 FROM actuals WHERE indicator = 'population' LIMIT 1")
    d4 = os.path.join(tmp, "u4")
    r = cs("run", plan, "--actuals", rg, "--from-year", str(Y2), "--out", d4, *OPTS)
    if not check(r.returncode == 0, "late's participants at region level only: re-forecast", r.stderr):
        return
    ra = {(x["indicator"], x["place"]): x for x in rows(d4, "reforecast_actuals")}
    south = ra.get(("participants:late", "South"), {})
    check(south and south["applied"] == "delay" and close(float(south["delay_years"]), 0.625)
          and close(float(south["uptake_realised"]), 0.075),
          "region's 30 for late: South (started) 30 / 400 = 0.075, 0.625 years behind", str(south))
    upt = index("interventions", d4, ("year", "area", "intervention"), "uptake")
    check(all(close(upt1[(str(t), a, "late")], upt[(str(t), a, "late")])
              for t in (2026, 2027, 2028) for a in ("A1", "A4", "A5")),
          "region's count for late: North and East, not started in 2026, keep the plan's uptake")
    check(close(upt[("2027", "A2", "late")], 0.4 * (1 - 0.625 + 1) / 2),
          "South's 2027 uptake on the shifted ramp: 0.4 x (1 - 0.625 + 1) / 2 = 0.275")


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
    fails(["--actuals", db, "--from-year", "2027"], "a year without population or participants actuals",
          "has no population or participants actuals of 2027, so there is nothing realised to start "
          "2027 from (expected --from-year a year it has: 2026)")
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
    before = open(db, "rb").read()
    r = cs("run", plan, "--actuals", db, "--from-year", "2026", "--out", d1 + "/.", *OPTS)
    check(r.returncode == 2 and "is in the output directory" in r.stderr and open(db, "rb").read() == before,
          "--out the actuals database's own directory: refused (it would replace the actuals), "
          "the database untouched", r.stderr)


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
        test_tiny2(tmp)
        test_example(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
