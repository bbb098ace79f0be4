#!/usr/bin/env python3
"""Self-check of the reference model (csref.py) on tiny plans computed by hand.

usage: python3 tests/reference/test_csref.py      -> prints `N passed, M failed`

Each case writes a tiny plan, runs csref on it and checks numbers whose arithmetic is shown
in the comments. Populations are zero except in a few cells so the sums stay hand-sized.
"""
import csv
import math
import os
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import csref  # noqa: E402


def write_plan(d, yaml_text, files):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "plan.yaml"), "w") as fh:
        fh.write(yaml_text)
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as fh:
            fh.write(text)
    return os.path.join(d, "plan.yaml")


def population(cells, areas=("A1",)):
    """Full population table (every area, sex, age) with the given non-zero cells."""
    out = ["area,sex,age,count"]
    for a in areas:
        for s in "fm":
            for x in range(101):
                out.append("%s,%s,%d,%r" % (a, s, x, float(cells.get((a, s, x), 0.0))))
    return "\n".join(out) + "\n"


def mortality(qfun):
    return "sex,age,q\n" + "".join("%s,%d,%r\n" % (s, x, qfun(s, x)) for s in "fm" for x in range(101))


def read(out, name, keys):
    with open(os.path.join(out, name)) as fh:
        return {tuple(r[k] for k in keys): r for r in csv.DictReader(fh)}


class Check:
    def __init__(self):
        self.n = 0

    def close(self, got, want, what, rel=1e-12):
        self.n += 1
        got = float(got)
        if not (abs(got - want) <= rel * max(1.0, abs(want))):
            raise AssertionError("%s: got %r, want %r" % (what, got, want))

    def equal(self, got, want, what):
        self.n += 1
        if got != want:
            raise AssertionError("%s: got %r, want %r" % (what, got, want))


SECTOR0 = """sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, group: g}
"""


def case_demography(tmp, ck):
    """Deaths, births into age 0, the open group 100, migration capping, mortality improvement."""
    yml = """careshift: 1
plan: {name: demo}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  mortality_improvement: 0.5
  fertility: fertility.csv
  migration: migration.csv
payers: [{id: zvw, name: Zvw}]
""" + SECTOR0 + "use: use.csv\n"
    plan = write_plan(tmp, yml, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 30): 1000, ("A1", "f", 100): 10, ("A1", "m", 99): 20}),
        "mortality.csv": mortality(lambda s, x: 0.1),
        "fertility.csv": "age,rate\n30,0.05\n",
        "migration.csv": "area,sex,age,net\nA1,f,31,-2000\nA1,m,0,10\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out, detail=True)
    dem = read(out, "demography.csv", ("scenario", "year", "area"))
    pop = read(out, "population.csv", ("scenario", "year", "area", "sex", "age", "state"))
    hl = read(out, "health.csv", ("scenario", "year", "area"))
    r = dem["baseline", "2024", "A1"]
    ck.close(r["population"], 1030.0, "population 2024")                   # 1000 + 10 + 20
    ck.close(r["deaths"], 103.0, "deaths 2024")                             # 0.1 * 1030
    ck.close(r["births"], 50.0, "births 2024")                              # 0.05 * 1000 women aged 30
    # f31 after ageing = 900 survivors; -2000 is capped at 900; m0 gets +10 => -900 + 10
    ck.close(r["migration"], -890.0, "migration 2024 (capped)")
    ck.close(hl["baseline", "2024", "A1"]["life_years"], 978.5, "life years 2024")   # 1030 - 103/2
    ck.close(hl["baseline", "2024", "A1"]["qalys"], 978.5, "qalys 2024 (utility 1)")
    p = lambda s, x: pop["baseline", "2025", "A1", s, str(x), "all"]["count"]
    ck.close(p("m", 0), 50 * 0.512 + 10, "newborn boys + migrants")          # 25.6 + 10
    ck.close(p("f", 0), 50 * (1 - 0.512), "newborn girls")                  # 24.4
    ck.close(p("f", 31), 0.0, "capped cell is empty")
    ck.close(p("f", 100), 9.0, "survivors at 100 stay at 100")               # 10 * 0.9
    ck.close(p("m", 100), 18.0, "survivors at 99 enter 100")                # 20 * 0.9
    r = dem["baseline", "2025", "A1"]
    ck.close(r["population"], 87.0, "population 2025")                      # 9 + 18 + 35.6 + 24.4
    ck.close(r["deaths"], 87.0 * 0.05, "deaths 2025, q improved")           # q = 0.1 * (1-0.5)^1
    ck.close(r["births"], 0.0, "no women aged 30 in 2025")
    ck.close(r["migration"], 10.0, "2025: f31 empty, +10 boys")


def case_states(tmp, ck):
    """State mortality (rbar), transitions in the open group, row scaling, the baseline mix rule."""
    yml = """careshift: 1
plan: {name: states}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
states:
  - {id: h, utility: 0.8, mortality_rr: 1}
  - {id: s, utility: {dist: uniform, min: 0.4, max: 0.6}, mortality_rr: 3}
state_shares: shares.csv
transitions: transitions.csv
payers: [{id: zvw, name: Zvw}]
""" + SECTOR0 + """use: use.csv
themes:
  - id: t
    name: T
    interventions:
      - id: worse
        name: Worse
        target: {states: [h]}
        uptake: {max: 0.5}
        effects:
          - {kind: transition, from: h, to: s, change: 9.0}
"""
    plan = write_plan(tmp, yml, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 100): 400}),
        "mortality.csv": mortality(lambda s, x: 0.3),
        "fertility.csv": "age,rate\n",
        "shares.csv": "sex,age,state,share\n" + "".join(
            "%s,%d,h,0.75\n%s,%d,s,0.25\n" % (s, x, s, x) for s in "fm" for x in range(101)),
        "transitions.csv": "sex,age,from,to,p\nf,100,h,s,0.2\nf,100,s,h,0.1\nf,100,h,h,0.5\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out, detail=True)
    dem = read(out, "demography.csv", ("scenario", "year", "area"))
    pop = read(out, "population.csv", ("scenario", "year", "area", "sex", "age", "state"))
    hl = read(out, "health.csv", ("scenario", "year", "area"))
    # 2024: N_h = 300, N_s = 100; rbar = 0.75*1 + 0.25*3 = 1.5; q_h = 0.3/1.5 = 0.2, q_s = 0.6
    # D_h = 60, D_s = 60; S_h = 240, S_s = 40 (the h->h row is ignored)
    ck.close(dem["baseline", "2024", "A1"]["deaths"], 120.0, "deaths by state mortality")
    ck.close(hl["baseline", "2024", "A1"]["life_years"], 340.0, "life years")          # 400 - 120/2
    # QALY = (300 - 30)*0.8 + (100 - 30)*0.5 (utility of s = uniform mean 0.5)
    ck.close(hl["baseline", "2024", "A1"]["qalys"], 251.0, "qalys")
    # baseline transitions: h' = 240*0.8 + 40*0.1 = 196; s' = 240*0.2 + 40*0.9 = 84; 100+ stays at 100
    p = lambda sc, k: float(pop[sc, "2025", "A1", "f", "100", k]["count"])
    ck.close(p("baseline", "h"), 196.0, "baseline h after transitions")
    ck.close(p("baseline", "s"), 84.0, "baseline s after transitions")
    # baseline 2025: mix 0.7/0.3, rbar = 0.7 + 0.9 = 1.6; q_h = 0.1875, q_s = 0.5625
    # D = 196*0.1875 + 84*0.5625 = 36.75 + 47.25 = 84
    ck.close(dem["baseline", "2025", "A1"]["deaths"], 84.0, "baseline deaths 2025")
    # plan: up = 0.5 (linear, ramp 1, start 2024); p[h->s] = 0.2*(1 + 9*0.5) = 1.1 > 1 -> scaled to 1
    # h' = 240*0 + 40*0.1 = 4; s' = 240*1 + 40*0.9 = 276
    ck.close(p("plan", "h"), 4.0, "plan h after scaled row")
    ck.close(p("plan", "s"), 276.0, "plan s after scaled row")
    # plan 2025 uses the BASELINE mix (rbar 1.6): D = 4*0.1875 + 276*0.5625 = 0.75 + 155.25 = 156
    ck.close(dem["plan", "2025", "A1"]["deaths"], 156.0, "plan deaths with the baseline's rbar")
    # participants: targeted cells are state h only: 2024: 300*0.5, 2025: 4*0.5
    iv = read(out, "interventions.csv", ("scenario", "year", "area", "intervention"))
    ck.close(iv["plan", "2024", "A1", "worse"]["participants"], 150.0, "participants 2024")
    ck.close(iv["plan", "2025", "A1", "worse"]["participants"], 2.0, "participants 2025")
    # without-t equals the baseline
    ck.close(dem["without-t", "2025", "A1"]["deaths"], 84.0, "without-t = baseline")


def case_care(tmp, ck):
    """Growth, use effect, shift, linear uptake at d=0 (max/ramp), costs, criteria, business case."""
    yml = """careshift: 1
plan: {name: care}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}, {id: wlz, name: Wlz}]
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.001, m2_per_unit: 0.5, co2_kg_per_unit: 2, group: gh, growth: 0.1}
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: {dist: triangular, min: 40, mode: 50, max: 60}, fte_per_unit: 0.002, group: gg}
use: use.csv
economics: {price_year: 2024, discount_rate: 0.0, discount_rate_effects: 0.0}
criteria: {care_use_pct: 4.0, patient_flows_pct: 5.0, staff_fte: 0.1, real_estate_m2: 200}
themes:
  - id: t
    name: T
    interventions:
      - id: sub
        name: Substitution
        target: {sexes: [f]}
        uptake: {max: 0.6, ramp_years: 3, start: 2025}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
          - {kind: shift, from: hosp, to: gp, fraction: 0.5, ratio: 2}
        costs:
          - {payer: zvw, once: 1000, year: 2025}
          - {payer: zvw, per_participant: 10}
"""
    plan = write_plan(tmp, yml, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000, ("A1", "m", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\n"
                   "hosp,all,f,0,100,2\nhosp,all,m,0,100,2\ngp,all,f,0,100,1\ngp,all,m,0,100,1\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    care = read(out, "care.csv", ("scenario", "year", "area", "sector"))
    iv = read(out, "interventions.csv", ("scenario", "year", "area", "intervention"))
    imp = read(out, "implementation.csv", ("scenario", "year", "intervention", "line", "payer"))
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    pay = read(out, "payers.csv", ("scenario", "year", "payer"))
    # 2024: no uptake yet; hosp 2000*2 = 4000 units, cost 400000; gp 2000 units at 50 (triangular mean)
    ck.close(care["plan", "2024", "A1", "hosp"]["units"], 4000.0, "hosp units 2024")
    ck.close(care["plan", "2024", "A1", "gp"]["cost"], 100000.0, "gp cost 2024")
    ck.close(care["plan", "2024", "A1", "hosp"]["m2"], 2000.0, "hosp m2 2024")
    ck.close(care["plan", "2024", "A1", "hosp"]["co2_kg"], 8000.0, "hosp co2 2024")
    # 2025: d = 0 -> up = 0.6 * min(1, 1/3) = 0.2
    ck.close(iv["plan", "2025", "A1", "sub"]["uptake"], 0.2, "linear uptake at d=0 is max/ramp")
    ck.close(iv["plan", "2025", "A1", "sub"]["participants"], 200.0, "participants 1000*0.2")
    # women: hosp grown 2*1.1 = 2.2; use: *0.9 -> 1.98; shift du = 0.5*0.2*1.98 = 0.198
    # hosp 1.782, gp 1 + 2*0.198 = 1.396; men: hosp 2.2, gp 1
    ck.close(care["plan", "2025", "A1", "hosp"]["units"], 1782.0 + 2200.0, "hosp units 2025")
    ck.close(care["plan", "2025", "A1", "gp"]["units"], 1396.0 + 1000.0, "gp units 2025")
    ck.close(care["plan", "2025", "A1", "gp"]["fte"], 2396 * 0.002, "gp fte 2025")
    ck.close(imp["plan", "2025", "sub", "1", "zvw"]["cost"], 1000.0, "once cost")
    ck.close(imp["plan", "2025", "sub", "2", "zvw"]["cost"], 2000.0, "per participant 10*200")
    ck.close(imp["plan", "2024", "sub", "1", "zvw"]["cost"], 0.0, "once cost not in 2024")
    # criteria 2025: baseline zvw = 4400*100 + 2000*50 = 540000; plan = 398200 + 119800 = 518000
    ck.close(cr["plan", "2025", "care_use"]["value"], 22000 / 540000 * 100, "care_use %")
    ck.equal(cr["plan", "2025", "care_use"]["substantial"], "1", "care_use substantial (4.07 >= 4)")
    # patient flows: 1000*0.198 removed from hosp (back) into gp (front), of 4400 baseline back units
    ck.close(cr["plan", "2025", "patient_flows"]["value"], 198 / 4400 * 100, "patient_flows %")
    ck.equal(cr["plan", "2025", "patient_flows"]["substantial"], "0", "4.5 < 5")
    # staff: baseline 4400*0.001 + 2000*0.002 = 8.4; plan 3.982 + 4.792 = 8.774 -> fall -0.374
    ck.close(cr["plan", "2025", "staff"]["value"], -0.374, "staff fall")
    ck.close(cr["plan", "2025", "real_estate"]["value"], 2200 - 1991.0, "m2 fall")   # 4400*0.5 - 3982*0.5
    ck.equal(cr["plan", "2025", "real_estate"]["substantial"], "1", "209 >= 200")
    ck.equal(cr["plan", "2024", "care_use"]["value"], "0.0", "no change in 2024")
    # 2026: d = 1 -> up = 0.4; women hosp 2*1.21 = 2.42 *0.8 = 1.936, du = 0.5*0.4*1.936 = 0.3872
    # hosp 1548.8 + 2420 = 3968.8; gp 1774.4 + 1000 = 2774.4; plan zvw cost = 396880 + 138720 = 535600
    ck.close(pay["plan", "2026", "zvw"]["care_cost"], 535600.0, "zvw care cost 2026")
    ck.close(pay["plan", "2026", "zvw"]["implementation_cost"], 4000.0, "per participant 10*400")
    # business case (no discounting): savings = (540000-518000) + (584000-535600) = 70400
    # investment = 3000 + 4000; break-even: cumulative delta 0, -19000, -63400 -> from 2024
    ck.close(bc["plan", "zvw"]["savings"], 70400.0, "savings zvw")
    ck.close(bc["plan", "zvw"]["investment"], 7000.0, "investment zvw")
    ck.close(bc["plan", "total"]["npv"], 63400.0, "npv total")
    ck.equal(bc["plan", "zvw"]["break_even_year"], "2024", "break-even zvw")
    ck.close(bc["plan", "wlz"]["npv"], 0.0, "wlz untouched")


def case_scenarios(tmp, ck):
    """Logistic uptake, start_by_subregion, scenario subregions (coverage) and delay, workforce."""
    yml = """careshift: 1
plan: {name: scen}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: wmo, name: Wmo}, {id: zvw, name: Zvw}]
workforce: workforce.csv
""" + SECTOR0 + """use: use.csv
themes:
  - id: t
    name: T
    interventions:
      - id: log
        name: Logistic
        uptake: {max: 0.5, ramp_years: 2, curve: logistic, start_by_subregion: {R2: 2025}}
        effects:
          - {kind: workforce, group: g, outflow_change: -0.5, extra_inflow: 4}
        costs:
          - {payer: wmo, once: 1000, year: 2024}
          - {payer: wmo, per_year: 100, from: 2024, to: 2025}
        resources:
          - {organisation: O, role: lead, fte: 0.5}
          - {organisation: O, role: lead, euro: 7, year: 2025}
scenarios:
  - {id: r1, subregions: [R1]}
  - {id: late, delay: {R1: 1}}
"""
    plan = write_plan(tmp, yml, {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 300, ("A2", "f", 50): 100}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\n",
        "workforce.csv": "group,subregion,fte,retire_rate,outflow_rate,inflow_fte\ng,R1,100,0.1,0.1,5\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    iv = read(out, "interventions.csv", ("scenario", "year", "area", "intervention"))
    imp = read(out, "implementation.csv", ("scenario", "year", "intervention", "line", "payer"))
    wf = read(out, "workforce.csv", ("scenario", "year", "subregion", "group"))
    res = read(out, "resources.csv", ("organisation", "role", "year"))
    u = lambda sc, y, a: iv[sc, y, a, "log"]["uptake"]
    # logistic, d = 0: 0.5 / (1 + exp(-(0+1 - 2/2) * 8/2)) = 0.5/2 = 0.25
    ck.close(u("plan", "2024", "A1"), 0.25, "logistic d=0")
    # d = 1: 0.5 / (1 + exp(-4))
    ck.close(u("plan", "2025", "A1"), 0.5 / (1 + math.exp(-4)), "logistic d=1")
    ck.close(u("plan", "2024", "A2"), 0.0, "R2 starts 2025")
    ck.close(u("plan", "2025", "A2"), 0.25, "R2 d=0 in 2025")
    ck.close(u("r1", "2025", "A2"), 0.0, "outside the scenario's subregions")
    ck.close(u("late", "2024", "A1"), 0.0, "delay 1 year")
    ck.close(u("late", "2025", "A1"), 0.25, "delayed d=0")
    # coverage of scenario r1 = 300 / (300 + 100) = 0.75: once 750, per_year 75
    ck.close(imp["r1", "2024", "log", "1", "wmo"]["cost"], 750.0, "once * coverage")
    ck.close(imp["r1", "2025", "log", "2", "wmo"]["cost"], 75.0, "per_year * coverage")
    ck.close(imp["late", "2024", "log", "1", "wmo"]["cost"], 1000.0, "delay does not move costs")
    # workforce R1/g: baseline 2025 = 100*(1 - 0.1 - 0.1) + 5 = 85
    # plan: upbar(R1, 2024) = 0.25; outflow' = 0.1*(1 - 0.5*0.25) = 0.0875; inflow' = 5 + 4*0.25 = 6
    # Sup 2025 = 100*(1 - 0.1 - 0.0875) + 6 = 87.25
    ck.close(wf["baseline", "2025", "R1", "g"]["supply_fte"], 85.0, "baseline supply")
    ck.close(wf["plan", "2025", "R1", "g"]["supply_fte"], 87.25, "plan supply")
    ck.close(wf["plan", "2024", "R1", "g"]["supply_fte"], 100.0, "supply at base year")
    ck.close(wf["plan", "2025", "R2", "g"]["supply_fte"], 0.0, "no workforce row -> 0")
    # resources: fte 0.5 every year (default base..horizon); euro 7 in 2025
    ck.close(res["O", "lead", "2024"]["fte"], 0.5, "resource fte 2024")
    ck.close(res["O", "lead", "2025"]["fte"], 0.5, "resource fte 2025")
    ck.close(res["O", "lead", "2025"]["euro"], 7.0, "resource euro")


CASES = [case_demography, case_states, case_care, case_scenarios]


def main():
    passed = failed = 0
    for case in CASES:
        tmp = tempfile.mkdtemp(prefix="csref-test-")
        ck = Check()
        try:
            case(tmp, ck)
            print("PASS %s (%d checks)" % (case.__name__, ck.n))
            passed += 1
        except Exception:                                  # noqa: BLE001 - reported
            print("FAIL %s after %d checks" % (case.__name__, ck.n))
            traceback.print_exc(limit=2)
            failed += 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
