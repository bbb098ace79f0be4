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
    # v0.2 (model.md section 4, "Delays move costs"; this asserted "delay does not move costs"
    # under v0.1): `log` has no target, so R1 carries 300/400 = 0.75 and R2 0.25 of each once or
    # per_year line; late delays R1 by 1 year. once 1000 in 2024: R2's 250 stays in 2024, R1's
    # 750 falls in 2025. per_year 100 in 2024..2025: R2 25 in 2024 and 2025; R1 75 in 2025..2026,
    # of which 2026 is past the horizon -> 2024: 25, 2025: 25 + 75 = 100.
    ck.close(imp["late", "2024", "log", "1", "wmo"]["cost"], 250.0, "delay moves R1's part of once")
    ck.close(imp["late", "2025", "log", "1", "wmo"]["cost"], 750.0, "R1's part of once a year later")
    ck.close(imp["late", "2024", "log", "2", "wmo"]["cost"], 25.0, "per_year: only R2's part in 2024")
    ck.close(imp["late", "2025", "log", "2", "wmo"]["cost"], 100.0, "per_year: R2 25 + R1 75 in 2025")
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
    # staff (model.md section 8, v0.2): no use, so no FTE demand anywhere: gross 0, the baseline
    # has no shortage (demand 0 <= supply 100 in R1/g, 0 <= 0 in R2/g) -> shortage_closed 0.
    # own staff = coverage * 0.5 (the fte line; the euro line has no fte): plan 0.5, r1 0.75 * 0.5
    # = 0.375, late 0.5 in 2024 too (coverage 1; section 8 moves own staff by nothing but coverage)
    stf = read(out, "staff.csv", ("scenario", "year"))
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    ck.close(stf["r1", "2024"]["plan_staff_fte"], 0.375, "own staff * coverage")
    ck.close(stf["late", "2024"]["plan_staff_fte"], 0.5, "own staff not delayed")
    ck.close(cr["r1", "2025", "staff"]["value"], -0.375, "staff criterion = 0 - 0.375")
    ck.close(stf["plan", "2025"]["shortage_baseline_fte"], 0.0, "no baseline shortage")
    ck.close(stf["plan", "2025"]["shortage_fte"], 0.5, "shortage = 0 + own staff")
    ck.close(stf["plan", "2025"]["shortage_closed"], 0.0, "0 when the baseline has no shortage")


STAFF_YAML = """careshift: 1
plan: {name: staff}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}]
workforce: workforce.csv
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.01, group: g}
use: use.csv
economics: {price_year: 2024}
criteria: {staff_fte: 0.5}
themes:
  - id: t
    name: T
    interventions:
      - id: iv
        name: Less GP
        uptake: {max: 0.5}
        effects:
          - {kind: use, sector: gp, change: -0.5}
        resources:
          - {organisation: O, role: nurse, fte: 0.4, from: 2025, to: 2026}
          - {organisation: O, role: lead, fte: 0.2}
          - {organisation: O, role: money, euro: 1000}
  - id: u
    name: U
    interventions:
      - id: iv2
        name: Staff only in R2
        target: {subregions: [R2]}
        uptake: {max: 0.5}
        resources:
          - {organisation: P, role: coach, fte: 1.0}
scenarios:
  - {id: r1, subregions: [R1]}
  - {id: late, delay: {R1: 1, R2: 1}}
"""


def case_staff(tmp, ck):
    """Staff criterion net of the plan's own staff; staff.csv (model.md section 8, v0.2)."""
    plan = write_plan(tmp, STAFF_YAML, {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 300, ("A2", "f", 50): 100}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,1\n",
        # g: supply 2 in R1, no row in R2 (supply 0); h: a surplus of 5 in R1 and no demand
        "workforce.csv": "group,subregion,fte,retire_rate,outflow_rate,inflow_fte\n"
                         "g,R1,2,0,0,0\nh,R1,5,0,0,0\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    stf = read(out, "staff.csv", ("scenario", "year"))
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    ck.equal(sorted({k[0] for k in stf}), ["late", "plan", "r1", "without-t", "without-u"],
             "staff.csv: every scenario but the baseline")
    ck.equal(len(stf), 5 * 3, "staff.csv: one row per scenario and year")
    # Population is constant (q = 0, no births, no migration). FTE demand = persons * 1 * 0.01:
    # baseline A1 3.0 (R1), A2 1.0 (R2), total 4.0 every year.
    # iv: uptake 0.5 from 2024 in every area (ramp 1), m = 1 - 0.5*0.5 = 0.75.
    #   plan: A1 2.25 + A2 0.75 = 3.0 -> gross 1.0;  r1 (uptake 0 in R2): 2.25 + 1.0 = 3.25 -> 0.75;
    #   late (delay 1 everywhere): 2024 gross 0, 2025.. 1.0; without-t 0; without-u 1.0.
    # own staff: iv's fte lines are 0.2 (default years 2024..2026) and 0.4 (2025..2026);
    #   the euro line has none: 2024 0.2, 2025/2026 0.6. iv2 (targets R2 only): 1.0 every year.
    # coverage (targeted base-year persons in the listed subregions / in all areas):
    #   r1: iv 300/400 = 0.75, iv2 0/100 = 0; other scenarios 1 (delay alone does not scale).
    #   plan, late: 1.2 (2024), 1.6 (2025, 2026); r1: 0.15, 0.45; without-t (iv2 only) 1.0;
    #   without-u (iv only) 0.2, 0.6.
    want = {  # scenario: {year: (gross, own)}
        "plan": {2024: (1.0, 1.2), 2025: (1.0, 1.6), 2026: (1.0, 1.6)},
        "r1": {2024: (0.75, 0.15), 2025: (0.75, 0.45), 2026: (0.75, 0.45)},
        "late": {2024: (0.0, 1.2), 2025: (1.0, 1.6), 2026: (1.0, 1.6)},
        "without-t": {2024: (0.0, 1.0), 2025: (0.0, 1.0), 2026: (0.0, 1.0)},
        "without-u": {2024: (1.0, 0.2), 2025: (1.0, 0.6), 2026: (1.0, 0.6)},
    }
    # shortage = sum over (subregion, group) of max(0, demand - supply) + own staff:
    #   baseline: R1/g 3-2 = 1, R2/g 1-0 = 1, R1/h max(0, 0-5) = 0 (the surplus staffs nothing
    #   else), R2/h 0 -> 2.
    #   plan:  R1/g 2.25-2 = 0.25, R2/g 0.75 -> 1.0 + own;  r1: 0.25 + 1.0 = 1.25 + own;
    #   late 2024 and without-t: 2.0 + own; late 2025.., without-u: 1.0 + own.
    demand_short = {"plan": (1.0, 1.0, 1.0), "r1": (1.25, 1.25, 1.25), "late": (2.0, 1.0, 1.0),
                    "without-t": (2.0, 2.0, 2.0), "without-u": (1.0, 1.0, 1.0)}
    for sc, years in want.items():
        for i, (y, (gross, own)) in enumerate(sorted(years.items())):
            r = stf[sc, str(y)]
            what = "%s %d" % (sc, y)
            ck.close(r["fte_demand_saved"], gross, what + " gross")
            ck.close(r["plan_staff_fte"], own, what + " own staff")
            ck.close(r["net_fte_saved"], gross - own, what + " net")
            ck.close(cr[sc, str(y), "staff"]["value"], gross - own, what + " criterion = net")
            ck.equal(cr[sc, str(y), "staff"]["substantial"], "1" if gross - own >= 0.5 else "0",
                     what + " substantial")
            ck.close(r["shortage_baseline_fte"], 2.0, what + " baseline shortage")
            short = demand_short[sc][i] + own
            ck.close(r["shortage_fte"], short, what + " shortage")
            ck.close(r["shortage_closed"], (2.0 - short) / 2.0, what + " shortage closed")
    # by hand, the values that decide the verdicts:
    #   r1 2024: 0.75 - 0.15 = 0.6 >= 0.5 substantial; r1 2025: 0.75 - 0.45 = 0.3 not;
    #   without-u 2024: 1 - 0.2 = 0.8 substantial, 2025: 0.4 not; plan 2024: 1 - 1.2 = -0.2.
    ck.close(cr["r1", "2024", "staff"]["value"], 0.6, "r1 2024 net by hand")
    ck.equal(cr["r1", "2024", "staff"]["substantial"], "1", "r1 2024 substantial")
    ck.equal(cr["r1", "2025", "staff"]["substantial"], "0", "r1 2025 not substantial")
    ck.close(cr["plan", "2024", "staff"]["value"], -0.2, "plan 2024 net by hand")
    # shortage closed: plan 2025 (2 - 2.6)/2 = -0.3; r1 2024 (2 - 1.4)/2 = 0.3; without-t (2 - 3)/2 = -0.5
    ck.close(stf["plan", "2025"]["shortage_closed"], -0.3, "plan 2025 shortage closed")
    ck.close(stf["r1", "2024"]["shortage_closed"], 0.3, "r1 2024 shortage closed")
    ck.close(stf["without-t", "2026"]["shortage_closed"], -0.5, "without-t shortage closed")
    # the workforce table itself is unchanged by the own staff (gross demand there)
    wf = read(out, "workforce.csv", ("scenario", "year", "subregion", "group"))
    ck.close(wf["r1", "2024", "R2", "g"]["gap_fte"], 1.0, "R2 gap in r1 (no uptake outside R1)")


ONE_STATE = "sex,age,state,share\n" + "".join("%s,%d,h,1\n" % (s, x) for s in "fm" for x in range(101))

EFFECTS_YAML = """careshift: 1
plan: {name: effects}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
states:
  - {id: h, utility: 0.9}
state_shares: shares.csv
payers: [{id: zvw, name: Zvw}, {id: wlz, name: Wlz}]
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.01, m2_per_unit: 1, group: g}
  - {id: nh, name: NH, unit: day, payer: wlz, chain: long_term, price: 10, fte_per_unit: 0, group: g}
  - {id: dn, name: DN, unit: hour, payer: zvw, chain: primary, price: 10, fte_per_unit: 0, group: g}
use: use.csv
end_of_life_use: eol.csv
economics: {price_year: 2024, discount_rate: 0, discount_rate_effects: 0}
criteria: %s
themes:
  - id: t
    name: T
    interventions:
      - id: iv
        name: Palliative
        uptake: {max: 0.5}
        effects:
          - {kind: mortality, change: -0.2}
          - {kind: utility, change: 0.4}
          - {kind: utility, change: -0.1}
          - {kind: shift, from: hosp, to: dn, fraction: 0.4, ratio: 2, applies_to: end_of_life}
          - {kind: shift, from: nh, to: dn, fraction: 0.5, ratio: 1}
        costs:
          - {payer: zvw, once: 50000, year: 2024}
"""


def case_effects(tmp, ck):
    """v0.2: mortality and utility effects, a shift with applies_to: end_of_life, the
    patient-flows denominator (default secondary only; listed sectors), staff_pct and
    real_estate_pct, the verdict, wrong_pocket.csv."""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 80): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.1),
        "fertility.csv": "age,rate\n",
        "shares.csv": ONE_STATE,
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,h,f,0,100,2\nnh,h,f,0,100,1\n",
        "eol.csv": "sector,state,sex,age_from,age_to,rate\nhosp,h,f,0,100,10\nnh,h,f,0,100,4\n",
    }
    plan = write_plan(tmp, EFFECTS_YAML % "{staff_pct: 10, real_estate_pct: 9}", files)
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    dem = read(out, "demography.csv", ("scenario", "year", "area"))
    hl = read(out, "health.csv", ("scenario", "year", "area"))
    care = read(out, "care.csv", ("scenario", "year", "area", "sector"))
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    he = read(out, "health_economics.csv", ("scenario",))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    wp = read(out, "wrong_pocket.csv", ("scenario", "investor", "saver"))
    crs = read(out, "criteria_subregion.csv", ("scenario", "year", "subregion", "criterion"))
    # uptake 0.5 in both years (max 0.5, ramp 1, start 2024).
    # mortality: q_h = 0.1 (one state, rbar = 1); m = 1 - 0.2*0.5 = 0.9 -> q = 0.09.
    #   2024: D = 1000*0.09 = 90 (baseline 100); 2025: 910 survivors at 81, D = 81.9 (baseline 90)
    ck.close(dem["plan", "2024", "A1"]["deaths"], 90.0, "mortality effect 2024")
    ck.close(dem["baseline", "2024", "A1"]["deaths"], 100.0, "baseline deaths 2024")
    ck.close(dem["plan", "2025", "A1"]["deaths"], 81.9, "mortality effect 2025")
    ck.close(dem["plan", "2025", "A1"]["population"], 910.0, "fewer deaths, more survivors")
    # utility: 0.9 + 0.4*0.5 - 0.1*0.5 = 1.05, kept at 1 (interpretation 23: clamped once after
    # the sum; clamping after each effect would give min(1, 1.1) - 0.05 = 0.95)
    #   plan QALYs 2024 = (1000 - 90/2) * 1.0 = 955; baseline (1000 - 50) * 0.9 = 855
    ck.close(hl["plan", "2024", "A1"]["qalys"], 955.0, "utility effect, clamped at 1")
    ck.close(hl["baseline", "2024", "A1"]["qalys"], 855.0, "baseline qalys")
    ck.close(hl["plan", "2024", "A1"]["life_years"], 955.0, "life years with fewer deaths")
    # care rates of the cell: u hosp 2, nh 1; e hosp 10, nh 4.
    #   eol shift hosp -> dn: de = 0.4*0.5*10 = 2: e hosp 8, e dn 2*2 = 4; u untouched
    #   shift nh -> dn (all): du = 0.5*0.5*1 = 0.25, de = 0.5*0.5*4 = 1: u nh 0.75, u dn 0.25,
    #   e nh 3, e dn 5
    # 2024 (N 1000, D 90): hosp 2000 + 720 = 2720; nh 750 + 270 = 1020; dn 250 + 450 = 700
    ck.close(care["plan", "2024", "A1", "hosp"]["units"], 2720.0, "eol shift leaves u' of hosp")
    ck.close(care["plan", "2024", "A1", "nh"]["units"], 1020.0, "nh after shift")
    ck.close(care["plan", "2024", "A1", "dn"]["units"], 700.0, "dn receives both shifts")
    # baseline 2024: hosp 2000 + 100*10 = 3000, nh 1000 + 400 = 1400
    # patient flows, default denominator = secondary only (hosp): the eol shift counts D*de =
    #   90*2 = 180; nh -> dn does not (nh is long_term, not in the denominator) -> 180/3000 = 6 %
    ck.close(cr["plan", "2024", "patient_flows"]["value"], 6.0, "patient flows, default sectors")
    # 2025: D*de = 81.9*2 = 163.8 of baseline hosp 900*2 + 90*10 = 2700 -> 6.0667 %
    ck.close(cr["plan", "2025", "patient_flows"]["value"], 163.8 / 2700 * 100, "patient flows 2025")
    ck.close(crs["plan", "2024", "R1", "patient_flows"]["value"], 6.0, "per subregion = region")
    # staff_pct 10: baseline FTE 2024 = 3000*0.01 = 30 -> threshold 3; plan 2720*0.01 = 27.2,
    #   value 2.8 -> not substantial. 2025: baseline 27, threshold 2.7; plan 2025: hosp =
    #   910*2 + 81.9*8 = 2475.2 -> 24.752, value 2.248
    ck.close(cr["plan", "2024", "staff"]["threshold"], 3.0, "staff_pct threshold 2024")
    ck.close(cr["plan", "2024", "staff"]["value"], 2.8, "staff value 2024")
    ck.equal(cr["plan", "2024", "staff"]["substantial"], "0", "2.8 < 3")
    ck.close(cr["plan", "2025", "staff"]["threshold"], 2.7, "staff_pct threshold 2025")
    ck.close(cr["plan", "2025", "staff"]["value"], 2.248, "staff value 2025")
    # real_estate_pct 9: baseline m2 2024 = 3000 -> threshold 270; fall 3000 - 2720 = 280: yes.
    #   2025: threshold 0.09*2700 = 243, fall 2700 - 2475.2 = 224.8: no
    ck.close(cr["plan", "2024", "real_estate"]["threshold"], 270.0, "real_estate_pct threshold")
    ck.equal(cr["plan", "2024", "real_estate"]["substantial"], "1", "280 >= 270")
    ck.close(cr["plan", "2025", "real_estate"]["threshold"], 243.0, "real_estate_pct threshold 2025")
    ck.equal(cr["plan", "2025", "real_estate"]["substantial"], "0", "224.8 < 243")
    # business case (no discounting): zvw 2024 base 300000, plan 272000 + 7000 = 279000;
    #   2025 base 270000, plan 247520 + dn (910*0.25 + 81.9*5 = 637) 6370 = 253890
    #   -> savings 21000 + 16110 = 37110. wlz 2024: 14000 - 10200; 2025: nh base 900 + 360 = 1260,
    #   plan 682.5 + 245.7 = 928.2 -> 12600 - 9282 -> savings 3800 + 3318 = 7118.
    #   npv total = 44228 - 50000 = -5772
    ck.close(bc["plan", "zvw"]["savings"], 37110.0, "zvw savings")
    ck.close(bc["plan", "wlz"]["savings"], 7118.0, "wlz savings")
    ck.close(bc["plan", "total"]["npv"], -5772.0, "npv total")
    # QALYs: 2025 plan (910 - 40.95)*1 = 869.05, baseline (900 - 45)*0.9 = 769.5
    #   dq = 100 + 99.55 = 199.55; life years (955-950) + (869.05-855) = 19.05
    ck.close(he["plan",]["delta_qalys"], 199.55, "delta qalys")
    ck.close(he["plan",]["delta_life_years"], 19.05, "delta life years")
    ck.close(he["plan",]["cost_per_qaly"], 5772 / 199.55, "cost per qaly")
    ck.equal(he["plan",]["verdict"], "icer", "QALYs gained at a net cost")
    ck.equal(he["without-t",]["verdict"], "no_qaly_change", "the baseline again")
    ck.equal(he["without-t",]["cost_per_qaly"], "", "no cost per QALY without a gain")
    # wrong pocket: one theme, so its Shapley value is all the savings (v0.2, note 12), and only
    # zvw pays its cost lines (50000): zvw -> zvw 37110, zvw -> wlz 7118, wlz -> * 0, none 0;
    # without-t has no players: every attributed value 0
    ck.close(wp["plan", "zvw", "wlz"]["attributed_savings"], 7118.0, "zvw's money saves wlz")
    ck.close(wp["plan", "zvw", "zvw"]["attributed_savings"], 37110.0, "zvw -> zvw")
    ck.close(wp["plan", "wlz", "zvw"]["attributed_savings"], 0.0, "wlz invests nothing")
    ck.close(wp["plan", "wlz", "zvw"]["savings"], 37110.0, "saver's savings")
    ck.close(wp["without-t", "zvw", "zvw"]["attributed_savings"], 0.0, "nobody invests -> 0")
    ck.close(wp["plan", "none", "zvw"]["attributed_savings"], 0.0, "the only theme invests")

    # the same plan with patient_flows_sectors [hosp, nh] and absolute thresholds:
    #   numerator 180 + (1000*0.25 + 90*1) = 520, denominator 3000 + 1400 = 4400
    shutil.rmtree(out)
    plan = write_plan(tmp, EFFECTS_YAML % "{patient_flows_sectors: [hosp, nh], staff_fte: 2, real_estate_m2: 300}", files)
    csref.run(plan, out)
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    ck.close(cr["plan", "2024", "patient_flows"]["value"], 520 / 4400 * 100, "listed sectors incl. long_term")
    ck.close(cr["plan", "2024", "staff"]["threshold"], 2.0, "staff_fte threshold")
    ck.equal(cr["plan", "2024", "staff"]["substantial"], "1", "2.8 >= 2")
    ck.equal(cr["plan", "2024", "real_estate"]["substantial"], "0", "280 < 300")
    # the verdict words (model.md note 10): by the signs of delta QALYs and the total NPV
    ck.equal([csref.verdict(dq, npv) for dq, npv in ((1, 0), (1, -1), (-1, -1), (-1, 0), (0, 5))],
             ["dominant", "icer", "dominated", "saves_money_loses_qalys", "no_qaly_change"], "verdicts")


DELAY_YAML = """careshift: 1
plan: {name: delay}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}, {id: wmo, name: Wmo}]
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.01, group: g}
use: use.csv
economics: {price_year: 2024, discount_rate: 0}
themes:
  - id: t
    name: T
    interventions:
      - id: iv
        name: Everywhere
        uptake: {max: 0.5}
        effects:
          - {kind: use, sector: gp, change: -0.5}
        costs:
          - {payer: zvw, once: 1000, year: 2024}
          - {payer: wmo, per_year: 100, from: 2025, to: 2026}
          - {payer: zvw, per_participant: 2}
      - id: nob
        name: Targets nobody
        target: {areas: [A1], subregions: [R2]}
        uptake: {max: 0.5}
        costs:
          - {payer: wmo, once: 600, year: 2025}
scenarios:
  - {id: late, delay: {R1: 1}}
  - {id: r2late, subregions: [R2], delay: {R2: 1}}
  - {id: far, delay: {R1: 5}}
"""


def case_delay_costs(tmp, ck):
    """v0.2: delays move once/per_year costs by subregion share (model.md section 4), the even
    split of an intervention that reaches nobody, parts past the horizon;
    business_case_subregion.csv and criteria_subregion.csv."""
    plan = write_plan(tmp, DELAY_YAML, {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 300, ("A2", "f", 50): 100}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,1\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    imp = read(out, "implementation.csv", ("scenario", "year", "intervention", "line", "payer"))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    bcs = read(out, "business_case_subregion.csv", ("scenario", "subregion", "stakeholder"))
    crs = read(out, "criteria_subregion.csv", ("scenario", "year", "subregion", "criterion"))
    wp = read(out, "wrong_pocket.csv", ("scenario", "investor", "saver"))
    c = lambda sc, y, iv, line, payer: float(imp[sc, str(y), iv, str(line), payer]["cost"])
    # shares of base-year targeted persons: iv R1 300/400 = 0.75, R2 0.25; nob reaches nobody
    # (A1 is not in R2): an even split, 0.5 and 0.5 (coverage 1 without `subregions`).
    # Uptake 0.5 where it runs; participants A1 150, A2 50; per_participant 2 each.
    want = {
        # plan: no delay, amount * coverage (1) in the line's own years
        "plan": {("iv", 1, "zvw"): (1000, 0, 0), ("iv", 2, "wmo"): (0, 100, 100),
                 ("iv", 3, "zvw"): (400, 400, 400), ("nob", 1, "wmo"): (0, 600, 0)},
        # late (R1 + 1 year): once R2 250 in 2024, R1 750 in 2025; per_year R2 25 in 2025 and
        # 2026, R1 75 in 2026 (2027 is past the horizon); participants: A1 from 2025 ->
        # 2*50 = 100 in 2024, 2*200 = 400 later; nob once R2 300 in 2025, R1 300 in 2026
        "late": {("iv", 1, "zvw"): (250, 750, 0), ("iv", 2, "wmo"): (0, 25, 100),
                 ("iv", 3, "zvw"): (100, 400, 400), ("nob", 1, "wmo"): (0, 300, 300)},
        # far (R1 + 5 years): R1's parts all fall after 2026 and are outside the projection
        "far": {("iv", 1, "zvw"): (250, 0, 0), ("iv", 2, "wmo"): (0, 25, 25),
                ("iv", 3, "zvw"): (100, 100, 100), ("nob", 1, "wmo"): (0, 300, 0)},
        # r2late (R2 only, + 1 year): iv coverage 0.25: once 250 in 2025, per_year 25 in 2026
        # only; participants A2 from 2025. nob: coverage 0 (it reaches nobody) -> nothing
        "r2late": {("iv", 1, "zvw"): (0, 250, 0), ("iv", 2, "wmo"): (0, 0, 25),
                   ("iv", 3, "zvw"): (0, 100, 100), ("nob", 1, "wmo"): (0, 0, 0)},
    }
    for sc, lines in want.items():
        for (iv, line, payer), vals in lines.items():
            for y, v in zip((2024, 2025, 2026), vals):
                ck.close(c(sc, y, iv, line, payer), float(v), "%s %d %s line %d" % (sc, y, iv, line))
    # business case per subregion (discount rate 0), late:
    #   R1: zvw 750 + participants 2*150*2 = 600 -> 1350; wmo 75 + nob 300 = 375
    #   R2: zvw 250 + 3 * 100 = 550; wmo 25*2 + 300 = 350
    #   savings: gp cost falls 25 % where uptake runs: R1 3000 -> 2250 in 2025, 2026: 1500;
    #   R2 1000 -> 750 in 2024..2026: 750. Totals: R1 npv 1500 - 1725 = -225, R2 750 - 900 = -150
    b = lambda sc, r, p, col: bcs[sc, r, p][col]
    ck.close(b("late", "R1", "zvw", "investment"), 1350.0, "late R1 zvw investment")
    ck.close(b("late", "R1", "wmo", "investment"), 375.0, "late R1 wmo investment")
    ck.close(b("late", "R2", "zvw", "investment"), 550.0, "late R2 zvw investment")
    ck.close(b("late", "R2", "wmo", "investment"), 350.0, "late R2 wmo investment")
    ck.close(b("late", "R1", "zvw", "savings"), 1500.0, "late R1 savings")
    ck.close(b("late", "R2", "zvw", "savings"), 750.0, "late R2 savings")
    ck.close(b("late", "R1", "total", "npv"), -225.0, "late R1 npv")
    ck.close(b("late", "R2", "total", "npv"), -150.0, "late R2 npv")
    # ... adding up to business_case.csv: zvw 1900, wmo 725, npv 2250 - 2625 = -375
    ck.close(bc["late", "zvw"]["investment"], 1900.0, "late zvw investment")
    ck.close(bc["late", "wmo"]["investment"], 725.0, "late wmo investment")
    ck.close(bc["late", "total"]["npv"], -375.0, "late npv")
    # plan: R1 zvw 750 + 900 = 1650, wmo 150 + 300 = 450; R2 zvw 250 + 300 = 550, wmo 50 + 300
    ck.close(b("plan", "R1", "zvw", "investment"), 1650.0, "plan R1 zvw investment")
    ck.close(b("plan", "R2", "wmo", "investment"), 350.0, "plan R2 wmo investment (even split)")
    # r2late: nothing in R1; R2 zvw 250 + 200 = 450, wmo 25
    ck.close(b("r2late", "R1", "total", "investment"), 0.0, "r2late R1 pays nothing")
    ck.close(b("r2late", "R2", "zvw", "investment"), 450.0, "r2late R2 zvw")
    ck.close(b("r2late", "R2", "wmo", "investment"), 25.0, "r2late R2 wmo")
    # criteria per subregion, late: 2024 only R2 has uptake: care use (1000-750)/1000 = 25 %,
    #   staff gross 1 - 0.75 = 0.25; R1 0. 2025 R1: 25 %, 3 - 2.25 = 0.75 fte. No secondary
    #   sector: the patient-flows denominator is 0 -> 0.
    v = lambda y, r, cn: float(crs["late", str(y), r, cn]["value"])
    ck.close(v(2024, "R2", "care_use"), 25.0, "R2 care use 2024")
    ck.close(v(2024, "R1", "care_use"), 0.0, "R1 care use 2024 (delayed)")
    ck.close(v(2024, "R2", "staff"), 0.25, "R2 staff 2024")
    ck.close(v(2025, "R1", "staff"), 0.75, "R1 staff 2025")
    ck.close(v(2025, "R1", "care_use"), 25.0, "R1 care use 2025")
    ck.close(v(2025, "R1", "patient_flows"), 0.0, "no denominator -> 0")
    ck.equal(crs["late", "2024", "R2", "staff"]["unit"], "fte", "unit")
    # wrong pocket, late: one theme (v0.2, note 12: its Shapley value is all the savings, split
    #   by its payers' shares of its investment, here the scenario's): total investment 2625;
    #   savings zvw 2250 -> zvw 1900/2625*2250, wmo 725/2625*2250
    ck.close(wp["late", "zvw", "zvw"]["attributed_savings"], 1900 / 2625 * 2250, "late zvw -> zvw")
    ck.close(wp["late", "wmo", "zvw"]["attributed_savings"], 725 / 2625 * 2250, "late wmo -> zvw")
    ck.close(wp["late", "wmo", "wmo"]["attributed_savings"], 0.0, "wmo saves nothing")


SHAPLEY_YAML = """careshift: 1
plan: {name: shapley}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
states:
  - {id: h, utility: 0.8}
state_shares: shares.csv
payers: [{id: zvw, name: Zvw}]
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.01, m2_per_unit: 2, group: g}
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, group: g}
use: use.csv
economics: {price_year: 2024, discount_rate: 0, discount_rate_effects: 0}
criteria: {year: 2024, staff_fte: 1}
themes:
  - id: a
    name: A
    interventions:
      - id: ia
        name: Half the hospital
        uptake: {max: 1}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
        costs:
          - {payer: zvw, once: 1000, year: 2024}
  - id: b
    name: B
    interventions:
      - id: ib
        name: Half the hospital, better lives
        uptake: {max: 1}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
          - {kind: utility, change: 0.1}
  - id: c
    name: C
    interventions:
      - id: ic
        name: Hospital to GP
        uptake: {max: 1}
        effects:
          - {kind: shift, from: hosp, to: gp, fraction: 0.5, ratio: 2}
        resources:
          - {organisation: O, role: nurse, fte: 1, from: 2025, to: 2025}
"""


def case_shapley(tmp, ck):
    """v0.2 shapley.csv: exact Shapley values of three interacting themes (model.md section 7),
    criteria in criteria.year (the older name of long_year)."""
    plan = write_plan(tmp, SHAPLEY_YAML, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "shares.csv": ONE_STATE,
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,h,f,0,100,1\ngp,h,f,0,100,1\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    sh = read(out, "shapley.csv", ("theme", "metric"))
    he = read(out, "health_economics.csv", ("scenario",))
    ck.equal(len(sh), 3 * 11, "3 themes x (npv:zvw, npv:total, 4 criteria, delta_qalys, 4 short-term criteria)")
    # v0.2: criterion_short_term:<name> in criteria.short_year, here its default min(T0 + 2,
    # long_year) = 2024 = the long-term year, so the same values
    for th in ("a", "b", "c"):
        for name in ("care_use", "patient_flows", "staff", "real_estate"):
            for col in ("contribution", "leave_one_out", "plan_value"):
                ck.equal(sh[th, "criterion_short_term:" + name][col], sh[th, "criterion:" + name][col],
                         "%s short-term %s %s" % (th, name, col))
    # Uptake 1 everywhere from 2024; 1000 persons every year (q = 0), rates 1 hosp + 1 gp each.
    # Per year, with the themes S (a and b halve hosp, then c shifts half of what is left to
    # gp at 2 gp per hosp unit):
    #   S      hosp  gp    care cost  saved  FTE (0.01/0.001)  fall  m2 fall  flows (N*du)
    #   {}     1000  1000  110000     0      11                0     0        0
    #   a, b   500   1000  60000      50000  6                 5     1000     0
    #   c      500   2000  70000      40000  7                 4     1000     500
    #   ab     250   1000  35000      75000  3.5               7.5   1500     0
    #   ac, bc 250   1500  40000      70000  4                 7     1500     250
    #   abc    125   1250  25000      85000  2.5               8.5   1750     125
    # Shapley for 3 players: phi_t = 1/3 v(t) + 1/6 (v(t+u) - v(u)) + 1/6 (v(t+w) - v(w))
    #   + 1/3 (v(all) - v(u+w)).
    # savings per year: phi_a = phi_b = 50/3 + 25/6 + 30/6 + 15/3 = 185/6 thousand,
    #   phi_c = 40/3 + 20/6 + 20/6 + 10/3 = 140/6 thousand (sum 85).
    # npv (2 years, a pays 1000 once): phi_a = 2*185000/6 - 1000, phi_b = 2*185000/6,
    #   phi_c = 2*140000/6; plan 169000; leave-one-out a: 169000 - 140000, b: 169000 - 139000,
    #   c: 169000 - 149000
    # care use (% of 110000): phi = saved / 1100; patient flows (% of 1000 hosp units):
    #   phi_a = phi_b = 0 + 0 + (25 - 50)/6 + (12.5 - 25)/3 = -50/6; phi_c = 50/3 + 25/6 + 25/6
    #   + 12.5/3 = 175/6; staff in 2024 (c's own staff is in 2025 only): phi = saved / 10000;
    #   real estate: all three halve hosp: 1750/3 each; QALYs: b alone, utility 0.9 instead of
    #   0.8: 1000 * 0.1 * 2 years = 200
    want = {  # metric: {theme: (contribution, leave_one_out)}, plan value
        "npv:zvw": ({"a": (2 * 185000 / 6 - 1000, 29000), "b": (2 * 185000 / 6, 30000),
                     "c": (2 * 140000 / 6, 20000)}, 169000),
        "npv:total": ({"a": (2 * 185000 / 6 - 1000, 29000), "b": (2 * 185000 / 6, 30000),
                       "c": (2 * 140000 / 6, 20000)}, 169000),
        "criterion:care_use": ({"a": (185000 / 6 / 1100, 15000 / 1100), "b": (185000 / 6 / 1100, 15000 / 1100),
                                "c": (140000 / 6 / 1100, 10000 / 1100)}, 85000 / 1100),
        "criterion:patient_flows": ({"a": (-50 / 6, -12.5), "b": (-50 / 6, -12.5), "c": (175 / 6, 12.5)}, 12.5),
        "criterion:staff": ({"a": (185 / 60, 1.5), "b": (185 / 60, 1.5), "c": (140 / 60, 1.0)}, 8.5),
        "criterion:real_estate": ({"a": (1750 / 3, 250), "b": (1750 / 3, 250), "c": (1750 / 3, 250)}, 1750),
        "delta_qalys": ({"a": (0, 0), "b": (200, 200), "c": (0, 0)}, 200),
    }
    for metric, (per, plan_value) in want.items():
        tot = 0.0
        for th, (phi, loo) in per.items():
            r = sh[th, metric]
            ck.close(r["contribution"], phi, "%s %s contribution" % (th, metric), rel=1e-10)
            ck.close(r["leave_one_out"], loo, "%s %s leave-one-out" % (th, metric), rel=1e-10)
            ck.close(r["plan_value"], plan_value, "%s %s plan value" % (th, metric), rel=1e-10)
            tot += float(r["contribution"])
        ck.close(tot, plan_value, "%s: contributions add up" % metric, rel=1e-10)
    ck.equal(he["plan",]["verdict"], "dominant", "QALYs gained and money saved")
    ck.equal(he["without-b",]["verdict"], "no_qaly_change", "without b no utility change")


def case_shapley_intervention(tmp, ck):
    """v0.2 shapley_intervention.csv (model.md section 7 "What each intervention contributes"):
    the Philox4x32-10 known answers of Random123 and FNV-1a; on the plan of case_shapley (one
    intervention per theme) the exact values equal the theme values, savings:zvw and
    investment:zvw; sampled orders (Fisher-Yates with the uniforms of note 14, seeded by
    psa.seed) with K = 1 (empty standard error) and K = 3; `none` writes no table; K = 0 is a
    load error."""
    ck.equal(["%08x" % w for w in csref.philox4x32_10((0, 0, 0, 0), (0, 0))],
             ["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"], "philox4x32-10 KAT zeros")
    ck.equal(["%08x" % w for w in csref.philox4x32_10((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344),
                                                      (0xa4093822, 0x299f31d0))],
             ["d16cfe09", "94fdcceb", "5001e420", "24126ea1"], "philox4x32-10 KAT pi")
    ck.equal(csref.fnv1a64("a"), 0xaf63dc4c8601ec8c, "FNV-1a 64 of 'a'")
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "shares.csv": ONE_STATE,
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,h,f,0,100,1\ngp,h,f,0,100,1\n",
    }
    # exact (auto with 3 interventions): the themes' values of case_shapley
    plan = write_plan(os.path.join(tmp, "exact"), SHAPLEY_YAML, files)
    out = os.path.join(tmp, "exact", "out")
    csref.run(plan, out)
    si = read(out, "shapley_intervention.csv", ("intervention", "metric"))
    ck.equal(len(si), 3 * (7 + 4 + 2 + 2), "3 interventions x (npv:zvw, npv:total, 4 criteria, delta_qalys, "
             "4 short-term criteria, savings:zvw, savings:total, investment:zvw, investment:total)")
    with open(os.path.join(out, "shapley_intervention.csv")) as fh:
        ck.equal([ln.split(",")[:2] for ln in fh.read().split()[1:16]],
                 [["ia", m] for m in ("npv:zvw", "npv:total", "criterion:care_use", "criterion:patient_flows",
                                      "criterion:staff", "criterion:real_estate", "delta_qalys",
                                      "criterion_short_term:care_use", "criterion_short_term:patient_flows",
                                      "criterion_short_term:staff", "criterion_short_term:real_estate", "savings:zvw",
                                      "savings:total", "investment:zvw", "investment:total")],
                 "row order: intervention, then the metrics of shapley.csv, savings, investment")
    sh = read(out, "shapley.csv", ("theme", "metric"))
    for iv, th in (("ia", "a"), ("ib", "b"), ("ic", "c")):
        for m in ("npv:zvw", "npv:total", "criterion:care_use", "criterion:patient_flows", "criterion:staff",
                  "criterion:real_estate", "delta_qalys"):
            r = si[iv, m]
            ck.close(r["contribution"], float(sh[th, m]["contribution"]), "%s %s = theme %s" % (iv, m, th), rel=1e-12)
            ck.close(r["plan_value"], float(sh[th, m]["plan_value"]), "%s %s plan value" % (iv, m), rel=1e-12)
            ck.equal((r["theme"], r["standard_error"], r["method"], r["orders"]), (th, "0.0", "exact", "0"),
                     "%s %s theme, standard error, method, orders" % (iv, m))
    # savings per 2 years (case_shapley's table): phi_a = phi_b = 2 * 185000/6, phi_c = 2 *
    # 140000/6; investment: a's 1000 once in 2024 (it is paid whatever the others do)
    for iv, sav, inv in (("ia", 2 * 185000 / 6, 1000.0), ("ib", 2 * 185000 / 6, 0.0), ("ic", 2 * 140000 / 6, 0.0)):
        for p in ("zvw", "total"):
            ck.close(si[iv, "savings:" + p]["contribution"], sav, "%s savings:%s" % (iv, p), rel=1e-10)
            ck.close(si[iv, "investment:" + p]["contribution"], inv, "%s investment:%s" % (iv, p), rel=1e-10)
            ck.close(si[iv, "savings:" + p]["plan_value"], 170000.0, "savings:%s plan value" % p, rel=1e-10)
            ck.close(si[iv, "investment:" + p]["plan_value"], 1000.0, "investment:%s plan value" % p, rel=1e-10)

    # sampled: order k is the Fisher-Yates shuffle of (0, 1, 2) with u(k, h + i), i = 2, 1
    h = csref.fnv1a64("economics.intervention_shapley")
    v = {(): 0.0, (0,): 100000.0, (1,): 100000.0, (2,): 80000.0, (0, 1): 150000.0, (0, 2): 140000.0,
         (1, 2): 140000.0, (0, 1, 2): 170000.0}          # savings over 2 years by subset
    for k_, seed in ((1, 12345), (3, 2 ** 40 + 17)):
        txt = SHAPLEY_YAML.replace("economics: {price_year: 2024,",
                                   "economics: {intervention_shapley: {permutations: %d}, price_year: 2024," % k_)
        txt += "psa: {draws: 10, seed: %d}\n" % seed
        d = os.path.join(tmp, "k%d" % k_)
        plan = write_plan(d, txt, files)
        csref.run(plan, os.path.join(d, "out"))
        si = read(os.path.join(d, "out"), "shapley_intervention.csv", ("intervention", "metric"))
        marg = {0: [], 1: [], 2: []}
        for k in range(k_):
            o = [0, 1, 2]
            for i in (2, 1):
                u = csref.uniform(seed, k, h + i)
                j = int(u * (i + 1))
                o[i], o[j] = o[j], o[i]
            for j in range(3):
                marg[o[j]].append(v[tuple(sorted(o[:j + 1]))] - v[tuple(sorted(o[:j]))])
        tot = 0.0
        for i, iv in enumerate(("ia", "ib", "ic")):
            r = si[iv, "savings:zvw"]
            mean = sum(marg[i]) / k_
            ck.close(r["contribution"], mean, "K=%d %s savings:zvw" % (k_, iv), rel=1e-10)
            tot += float(r["contribution"])
            if k_ == 1:
                ck.equal(r["standard_error"], "", "K=1: no standard error")
            else:
                sd = math.sqrt(sum((x - mean) ** 2 for x in marg[i]) / (k_ - 1))
                ck.close(r["standard_error"], sd / math.sqrt(k_), "K=%d %s standard error" % (k_, iv), rel=1e-10)
            ck.equal((r["method"], r["orders"]), ("sampled", str(k_)), "K=%d method, orders" % k_)
            ck.close(si[iv, "investment:zvw"]["contribution"], 1000.0 if iv == "ia" else 0.0,
                     "K=%d %s investment" % (k_, iv), rel=1e-10)
        ck.close(tot, 170000.0, "K=%d: the estimates add up to the plan value" % k_, rel=1e-10)

    # none: no table; K = 0: a load error
    d = os.path.join(tmp, "none")
    plan = write_plan(d, SHAPLEY_YAML.replace("economics: {", "economics: {intervention_shapley: none, "), files)
    csref.run(plan, os.path.join(d, "out"))
    ck.equal(os.path.exists(os.path.join(d, "out", "shapley_intervention.csv")), False, "none: no table")
    d = os.path.join(tmp, "k0")
    plan = write_plan(d, SHAPLEY_YAML.replace("economics: {", "economics: {intervention_shapley: {permutations: 0}, "),
                      files)
    try:
        csref.Plan(plan)
        raised = False
    except csref.PlanError:
        raised = True
    ck.equal(raised, True, "permutations: 0 is a load error")


AFTER_YAML = """careshift: 1
plan: {name: after}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2029}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}]
workforce: workforce.csv
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, group: g}
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.01, group: g}
use: use.csv
economics: {price_year: 2024}
themes:
  - id: t
    name: T
    interventions:
      - id: st
        name: Stops
        uptake: {max: 0.5}
        effects:
          - {kind: use, sector: gp, change: -0.2}
          - {kind: workforce, group: g, extra_inflow: 10}
        costs:
          - {payer: zvw, per_year: 100, from: 2024, to: 2025}
        after_funding: stop
      - id: dc
        name: Decays
        uptake: {max: 0.4}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
        costs:
          - {payer: zvw, once: 500, year: 2024}
          - {payer: zvw, per_year: 100, to: 2026}
        after_funding: {decay_years: 2}
  - id: u
    name: U
    interventions:
      - id: pp
        name: Paid per participant
        uptake: {max: 0.3}
        costs:
          - {payer: zvw, once: 50, year: 2024}
          - {payer: zvw, per_participant: 2}
        after_funding: stop
      - id: nc
        name: No cost line
        uptake: {max: 0.1}
        after_funding: stop
      - id: kp
        name: Keeps by default
        uptake: {max: 0.2}
        costs:
          - {payer: zvw, per_year: 100, from: 2024, to: 2025}
      - id: d1
        name: Decays over one year
        uptake: {max: 0.2, start: 2025, ramp_years: 2}
        costs:
          - {payer: zvw, once: 100, year: 2026}
        after_funding: {decay_years: 1}
scenarios:
  - {id: late, delay: {R1: 1}}
"""


def case_after_funding(tmp, ck):
    """v0.2 after_funding (model.md section 4): stop, {decay_years: N} (N = 2 and 1), keep by
    default, no end with a per_participant line or without cost lines; F moved by the scenario's
    delay; the multiplied uptake in participants, a `use` effect's units and workforce upbar."""
    plan = write_plan(tmp, AFTER_YAML, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,1\nhosp,all,f,0,100,1\n",
        "workforce.csv": "group,subregion,fte,retire_rate,outflow_rate,inflow_fte\ng,R1,100,0,0,0\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    iv = read(out, "interventions.csv", ("scenario", "year", "area", "intervention"))
    care = read(out, "care.csv", ("scenario", "year", "area", "sector"))
    wf = read(out, "workforce.csv", ("scenario", "year", "subregion", "group"))
    imp = read(out, "implementation.csv", ("scenario", "year", "intervention", "line", "payer"))
    pay = read(out, "payers.csv", ("scenario", "year", "payer"))
    years = range(2024, 2030)
    # 1000 women, q = 0, no births or migration: 1000 persons every year, all targeted.
    # Funding ends: st F = 2025 (per_year to 2025); dc F = max(once year 2024, per_year to
    # 2026) = 2026; d1 F = 2026 (once year); kp F = 2025 but keep (the default);
    # pp has a per_participant line and nc no cost line: no end, `stop` does nothing.
    # Base uptake (linear, ramp 1): max from the start (late: start + 1); d1 ramps over 2 years
    # from 2025: 0.1, then 0.2.
    # plan (delay 0):
    #   st stop:    past = t - 2025 > 0 from 2026 -> 0.5 0.5 0 0 0 0
    #   dc decay 2: past = t - 2026: 2027 past 1 -> 0.4*(1 - 1/2) = 0.2; 2028 past 2 -> 0
    #   d1 decay 1: 2027 past 1 -> 0.2*(1 - 1/1) = 0
    # late (delay[R1] = 1, so the funding ends in F + 1, and uptake starts a year later):
    #   st: start 2025, past = t - 2026 -> 0 0.5 0.5 0 0 0
    #   dc: past = t - 2027 -> 0 0.4 0.4 0.4 0.2 0
    #   d1: start 2026: 0.1 in 2026, 0.2 in 2027 (past 0), 0 in 2028 (past 1)
    want = {
        "plan": {"st": (.5, .5, 0, 0, 0, 0), "dc": (.4, .4, .4, .2, 0, 0), "pp": (.3,) * 6,
                 "nc": (.1,) * 6, "kp": (.2,) * 6, "d1": (0, .1, .2, 0, 0, 0)},
        "late": {"st": (0, .5, .5, 0, 0, 0), "dc": (0, .4, .4, .4, .2, 0), "pp": (0,) + (.3,) * 5,
                 "nc": (0,) + (.1,) * 5, "kp": (0,) + (.2,) * 5, "d1": (0, 0, .1, .2, 0, 0)},
        # without-t: st and dc are left out (0); u's interventions as in the plan
        "without-t": {"st": (0,) * 6, "dc": (0,) * 6, "pp": (.3,) * 6, "d1": (0, .1, .2, 0, 0, 0)},
    }
    for sc, ivs in want.items():
        for name, ups in ivs.items():
            for y, u in zip(years, ups):
                r = iv[sc, str(y), "A1", name]
                ck.close(r["uptake"], u, "%s %d %s uptake" % (sc, y, name))
                # participants = N * up = 1000 * up
                ck.close(r["participants"], 1000.0 * u, "%s %d %s participants" % (sc, y, name))
    # use effects, units = 1000 * 1 * max(0, 1 + change * up):
    #   gp (st, change -0.2): plan 900 900 1000 1000 1000 1000; late 1000 900 900 1000 1000 1000
    #   hosp (dc, change -0.5): plan 800 800 800 900 1000 1000; late 1000 800 800 800 900 1000
    units = {("plan", "gp"): (900, 900, 1000, 1000, 1000, 1000),
             ("late", "gp"): (1000, 900, 900, 1000, 1000, 1000),
             ("plan", "hosp"): (800, 800, 800, 900, 1000, 1000),
             ("late", "hosp"): (1000, 800, 800, 800, 900, 1000)}
    for (sc, c), vals in units.items():
        for y, v in zip(years, vals):
            ck.close(care[sc, str(y), "A1", c]["units"], float(v), "%s %d %s units" % (sc, y, c))
    # care cost plan 2027: gp 1000 * 10 + hosp 900 * 100 = 100000 (price growth 0)
    ck.close(pay["plan", "2027", "zvw"]["care_cost"], 100000.0, "plan 2027 care cost")
    # workforce g/R1 (retire, outflow, inflow 0): Sup[t+1] = Sup[t] + 10 * upbar(st, t), upbar =
    # st's uptake (one area): plan 100 105 110 110 110 110; late 100 100 105 110 110 110
    sup = {"plan": (100, 105, 110, 110, 110, 110), "late": (100, 100, 105, 110, 110, 110)}
    for sc, vals in sup.items():
        for y, v in zip(years, vals):
            ck.close(wf[sc, str(y), "R1", "g"]["supply_fte"], float(v), "%s %d supply" % (sc, y))
    # per_participant costs follow the (unaffected) uptake of pp: 2 * 300 = 600 every year of
    # the plan, 2029 included; late 0 in 2024. The once/per_year lines are not changed by
    # after_funding: st's per_year 100 in 2024..2025 (late: 2025..2026).
    ck.close(imp["plan", "2029", "pp", "2", "zvw"]["cost"], 600.0, "pp per_participant 2029")
    ck.close(imp["late", "2024", "pp", "2", "zvw"]["cost"], 0.0, "pp late 2024")
    ck.close(imp["late", "2029", "pp", "2", "zvw"]["cost"], 600.0, "pp late 2029")
    ck.close(imp["plan", "2025", "st", "1", "zvw"]["cost"], 100.0, "st per_year 2025")
    ck.close(imp["plan", "2026", "st", "1", "zvw"]["cost"], 0.0, "st per_year ended")
    ck.close(imp["late", "2026", "st", "1", "zvw"]["cost"], 100.0, "st per_year moved to 2026")


POCKET_YAML = """careshift: 1
plan: {name: pocket}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}, {id: wlz, name: Wlz}, {id: wmo, name: Wmo}]
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.01, group: g}
  - {id: nh, name: NH, unit: day, payer: wlz, chain: long_term, price: 50, fte_per_unit: 0.01, group: g}
use: use.csv
economics: {price_year: 2024, discount_rate: 0}
themes:
  - id: a
    name: A
    interventions:
      - id: ia
        name: Half the hospital, paid by zvw and wmo
        uptake: {max: 1}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
        costs:
          - {payer: zvw, once: 1000, year: 2024}
          - {payer: wmo, per_year: 500}
  - id: b
    name: B
    interventions:
      - id: ib
        name: Half the hospital and less nursing home, paid by wlz
        uptake: {max: 1}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
          - {kind: use, sector: nh, change: -0.4}
        costs:
          - {payer: wlz, once: 3000, year: 2024}
  - id: c
    name: C
    interventions:
      - id: ic
        name: Half the nursing home, no cost line
        uptake: {max: 1}
        effects:
          - {kind: use, sector: nh, change: -0.5}
scenarios:
  - {id: late, delay: {R1: 1}}
"""


def case_wrong_pocket(tmp, ck):
    """v0.2 wrong_pocket.csv by the themes that bring the savings (model.md note 12): each
    theme's Shapley value of each payer's savings goes to the payers of its own cost lines by
    their share of its investment, or to the investor `none` for a theme without cost; the
    players of `without-<t>`; a delayed scenario (subsets in its delays)."""
    plan = write_plan(tmp, POCKET_YAML, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,1\nnh,all,f,0,100,1\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    wp = read(out, "wrong_pocket.csv", ("scenario", "investor", "saver"))
    # 1000 persons every year (q = 0), uptake 1 from 2024 (late: from 2025), discount rate 0.
    # Baseline per year: hosp 1000 days * 100 = 100000 (zvw), nh 1000 * 50 = 50000 (wlz).
    # Savings per year by the set S of themes run:
    #   zvw (hosp x 0.5 per theme a, b): {a} 50000, {b} 50000, {a,b} 75000; c does nothing
    #   wlz (nh x 0.6 by b, x 0.5 by c): {b} 20000, {c} 25000, {b,c} 50000 - 15000 = 35000
    # Shapley per year (a null player changes nothing):
    #   zvw: phi_a = phi_b = 1/2*50000 + 1/2*(75000 - 50000) = 37500, phi_c = 0
    #   wlz: phi_b = 1/2*20000 + 1/2*(35000 - 25000) = 15000, phi_c = 1/2*25000 + 1/2*15000 = 20000
    # Investment of each theme alone: a: zvw 1000, wmo 500*2 = 1000 (inv_a 2000, half each);
    #   b: wlz 3000; c: nothing -> `none`.
    # plan (two years): zvw -> zvw 0.5 * 75000, wmo -> zvw the same, wlz -> zvw 75000,
    #   wlz -> wlz 30000, none -> wlz 40000; columns add up: zvw 150000, wlz 70000.
    #   (v0.1's split by share of investment would give wlz -> wlz 3000/5000 * 70000 = 42000.)
    # late (delay 1): one year of uptake (2025); a's once falls in 2025, its per_year in
    #   2025..2026, of which 2025 only: inv_a zvw 1000, wmo 500 -> 2/3 and 1/3 of phi_a = 37500.
    # without-c (players a, b): wlz savings are b's alone, 20000 a year -> wlz -> wlz 40000,
    #   none gets nothing. without-a (players b, c): zvw savings are b's, 50000 a year ->
    #   wlz -> zvw 100000; wlz -> wlz 30000, none -> wlz 40000 as in the plan.
    want = {
        "plan": {("zvw", "zvw"): 37500, ("wmo", "zvw"): 37500, ("wlz", "zvw"): 75000, ("none", "zvw"): 0,
                 ("zvw", "wlz"): 0, ("wmo", "wlz"): 0, ("wlz", "wlz"): 30000, ("none", "wlz"): 40000,
                 ("zvw", "wmo"): 0, ("wlz", "wmo"): 0, ("wmo", "wmo"): 0, ("none", "wmo"): 0},
        "late": {("zvw", "zvw"): 25000, ("wmo", "zvw"): 12500, ("wlz", "zvw"): 37500, ("none", "zvw"): 0,
                 ("wlz", "wlz"): 15000, ("none", "wlz"): 20000, ("zvw", "wlz"): 0},
        "without-c": {("zvw", "zvw"): 37500, ("wmo", "zvw"): 37500, ("wlz", "zvw"): 75000,
                      ("wlz", "wlz"): 40000, ("none", "wlz"): 0, ("none", "zvw"): 0},
        "without-a": {("zvw", "zvw"): 0, ("wmo", "zvw"): 0, ("wlz", "zvw"): 100000,
                      ("wlz", "wlz"): 30000, ("none", "wlz"): 40000},
    }
    for sc, cells in want.items():
        for (p, q), v in cells.items():
            ck.close(wp[sc, p, q]["attributed_savings"], float(v), "%s %s -> %s" % (sc, p, q), rel=1e-10)
    # investment = the investor's discounted investment in the scenario (`none`: 0); savings =
    # the saver's savings; every saver's column adds up to its savings
    inv = {("plan", "zvw"): 1000, ("plan", "wmo"): 1000, ("plan", "wlz"): 3000, ("plan", "none"): 0,
           ("late", "wmo"): 500, ("without-a", "zvw"): 0, ("without-a", "wlz"): 3000}
    for (sc, p), v in inv.items():
        ck.close(wp[sc, p, "zvw"]["investment"], float(v), "%s %s investment" % (sc, p))
    for sc in ("plan", "late", "without-a", "without-b", "without-c"):
        for q in ("zvw", "wlz", "wmo"):
            col = sum(float(wp[sc, p, q]["attributed_savings"]) for p in ("zvw", "wlz", "wmo", "none"))
            ck.close(col, float(wp[sc, "zvw", q]["savings"]), "%s column %s adds up" % (sc, q), rel=1e-10)
    ck.close(wp["plan", "none", "wlz"]["savings"], 70000.0, "plan wlz savings")
    ck.equal(len(wp), 5 * 4 * 3, "5 scenarios x 4 investors (3 payers and none) x 3 savers")


def case_theme_roi(tmp, ck):
    """v0.2 (model.md section 7): theme_roi.csv (the theme alone's discounted investment, the
    sum of its Shapley values of the savers' savings, roi empty for a theme without cost, a
    theme left out by without-<t>) and intervention_costs.csv (an intervention with `once`
    and `per_participant` lines; a delayed scenario). The wrong-pocket plan at a discount
    rate of 25 % (factors 1 and 0.8) with a per_participant line added to theme b."""
    yml = POCKET_YAML.replace("discount_rate: 0}", "discount_rate: 0.25}").replace(
        "          - {payer: wlz, once: 3000, year: 2024}\n",
        "          - {payer: wlz, once: 3000, year: 2024}\n          - {payer: wlz, per_participant: 2}\n")
    assert "per_participant: 2" in yml and "0.25" in yml
    plan = write_plan(tmp, yml, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,1\nnh,all,f,0,100,1\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    tr = read(out, "theme_roi.csv", ("scenario", "theme"))
    ic = read(out, "intervention_costs.csv", ("scenario", "intervention"))
    # 1000 persons every year, uptake 1 from 2024 (late: from 2025): 1000 participants a year
    # in each intervention. Shapley values per year as in case_wrong_pocket: zvw a 37500,
    # b 37500; wlz b 15000, c 20000. plan, discounted (1 + 0.8 = 1.8):
    #   savings a = 37500 * 1.8 = 67500, b = 52500 * 1.8 = 94500, c = 20000 * 1.8 = 36000
    #   investment alone: a = 1000 (once 2024) + 500 + 500 * 0.8 (per_year) = 1900;
    #     b = 3000 (once) + 2 * 1000 + 2 * 1000 * 0.8 (per_participant) = 6600; c = 0
    #   participant-years discounted: 1000 * 1.8 = 1800 per theme
    # late (delay 1): everything in 2025 (factor 0.8): savings a 30000, b 42000, c 16000;
    #   investment a = (1000 + 500) * 0.8 = 1200 (per_year 2025..2026: only 2025 inside),
    #   b = (3000 + 2000) * 0.8 = 4000; participant-years 1000 * 0.8 = 800
    want = {("plan", "a"): (1900, 67500, 1800), ("plan", "b"): (6600, 94500, 1800),
            ("plan", "c"): (0, 36000, 1800),
            ("late", "a"): (1200, 30000, 800), ("late", "b"): (4000, 42000, 800),
            ("late", "c"): (0, 16000, 800)}
    for (sc, t), (inv, sav, py) in want.items():
        r = tr[sc, t]
        ck.close(r["investment"], float(inv), "%s %s investment" % (sc, t), rel=1e-10)
        ck.close(r["savings"], float(sav), "%s %s savings" % (sc, t), rel=1e-10)
        ck.close(r["npv"], float(sav - inv), "%s %s npv" % (sc, t), rel=1e-10)
        if inv:
            ck.close(r["roi"], sav / inv, "%s %s roi" % (sc, t), rel=1e-10)
        else:
            ck.equal(r["roi"], "", "%s %s roi empty (no investment)" % (sc, t))
        ck.close(r["savings_per_participant_year"], sav / py, "%s %s savings per participant-year" % (sc, t),
                 rel=1e-10)
    ck.close(tr["plan", "a"]["savings_per_participant_year"], 37.5, "plan a: 67500 / 1800")
    ck.close(tr["plan", "b"]["roi"], 94500.0 / 6600.0, "plan b roi")
    # the themes' savings add up to the total savings of the scenario: 1.8 * (75000 + 35000)
    ck.close(sum(float(tr["plan", t]["savings"]) for t in "abc"), 198000.0, "plan savings add up", rel=1e-10)
    # without-c (players a, b): c's row is all 0, roi and savings per participant-year empty;
    #   wlz savings are b's alone (20000 a year): b = (37500 + 20000) * 1.8 = 103500
    r = tr["without-c", "c"]
    ck.close(r["investment"], 0.0, "without-c c investment")
    ck.close(r["savings"], 0.0, "without-c c savings")
    ck.close(r["npv"], 0.0, "without-c c npv")
    ck.equal((r["roi"], r["savings_per_participant_year"]), ("", ""), "without-c c: roi, per participant empty")
    ck.close(tr["without-c", "b"]["savings"], 103500.0, "without-c b savings", rel=1e-10)
    ck.close(tr["without-c", "b"]["investment"], 6600.0, "without-c b investment", rel=1e-10)
    ck.equal(len(tr), 5 * 3, "5 scenarios x 3 themes")
    # intervention_costs.csv, undiscounted. plan: ia 1000 + 2 * 500 = 2000 over 2000
    #   participant-years; ib 3000 + 2 * 2000 = 7000 (ratio 3.5); ic no cost line: 0, ratio 0.
    # late: ia 1000 + 500 = 1500 over 1000 (1.5); ib 3000 + 2 * 1000 = 5000 (5).
    # without-b: ib nobody, no cost -> ratio empty.
    want = {("plan", "ia"): (2000, 2000, 1.0), ("plan", "ib"): (2000, 7000, 3.5), ("plan", "ic"): (2000, 0, 0.0),
            ("late", "ia"): (1000, 1500, 1.5), ("late", "ib"): (1000, 5000, 5.0),
            ("without-b", "ib"): (0, 0, None)}
    for (sc, j), (py, cost, ratio) in want.items():
        r = ic[sc, j]
        ck.close(r["participant_years"], float(py), "%s %s participant_years" % (sc, j), rel=1e-10)
        ck.close(r["implementation_cost"], float(cost), "%s %s implementation_cost" % (sc, j), rel=1e-10)
        if ratio is None:
            ck.equal(r["cost_per_participant_year"], "", "%s %s ratio empty" % (sc, j))
        else:
            ck.close(r["cost_per_participant_year"], ratio, "%s %s cost per participant-year" % (sc, j), rel=1e-10)
    ck.equal(len(ic), 5 * 3, "5 scenarios x 3 interventions")
    ck.equal(any(k[0] == "baseline" for k in list(ic) + list(tr)), False, "no baseline rows")
    # more than 10 themes: no theme_roi.csv (as no shapley.csv); intervention_costs.csv still
    tmp2 = os.path.join(tmp, "many")
    extra = "".join("""  - id: x%d
    name: X%d
    interventions:
      - id: ix%d
        name: Nothing
        uptake: {max: 0}
        effects:
          - {kind: use, sector: nh, change: 0}
""" % (i, i, i) for i in range(8))
    yml2 = yml.replace("scenarios:\n  - {id: late, delay: {R1: 1}}\n", "").replace(
        "          - {kind: use, sector: nh, change: -0.5}\n",
        "          - {kind: use, sector: nh, change: -0.5}\n" + extra)
    plan2 = write_plan(tmp2, yml2, {f: open(os.path.join(tmp, f)).read() for f in
                                    ("areas.csv", "population.csv", "mortality.csv", "fertility.csv", "use.csv")})
    out2 = os.path.join(tmp2, "out")
    csref.run(plan2, out2)
    ck.equal(os.path.exists(os.path.join(out2, "theme_roi.csv")), False, "11 themes: no theme_roi.csv")
    ck.equal(os.path.exists(os.path.join(out2, "shapley.csv")), False, "11 themes: no shapley.csv")
    ck.close(read(out2, "intervention_costs.csv", ("scenario", "intervention"))["plan", "ib"]["implementation_cost"],
             7000.0, "11 themes: intervention_costs.csv still written", rel=1e-10)


def case_budget(tmp, ck):
    """v0.2 (model.md section 7): savings and NPV at marginal prices (`marginal_share` 0.6 on
    hospital days, 0.5 on GP consults, where the plan uses *more*), budget_impact.csv with
    `economics.inflation` and a price year before the base year, discount_rates.csv at 0 and
    4 % and at the plan's own 3.5 % (none of 0, 1.5, 3, 4: an extra row equal to
    business_case.csv)."""
    yml = """careshift: 1
plan: {name: budget}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}, {id: wmo, name: Wmo}]
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.001, group: gh, marginal_share: 0.6}
  - {id: gp, name: GP, unit: consult, payer: wmo, chain: primary, price: 20, fte_per_unit: 0.001, group: gg, marginal_share: 0.5}
use: use.csv
economics: {price_year: 2023, inflation: 0.1, discount_rate: 0.035, discount_rate_effects: 0.0}
themes:
  - id: t
    name: T
    interventions:
      - id: sub
        name: Substitution
        uptake: {max: 1, start: 2025}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
          - {kind: shift, from: hosp, to: gp, fraction: 0.2, ratio: 1}
        costs:
          - {payer: zvw, once: 10000, year: 2024}
          - {payer: wmo, per_year: 1000}
"""
    plan = write_plan(tmp, yml, {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,1\ngp,all,f,0,100,2\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    bi = read(out, "budget_impact.csv", ("scenario", "year", "stakeholder"))
    dr = read(out, "discount_rates.csv", ("scenario", "discount_rate_pct", "stakeholder"))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    # 1000 women every year (q = 0). Baseline per year: hosp 1000 days * 100 = 100000 (zvw),
    # gp 2000 consults * 20 = 40000 (wmo). Uptake 0 in 2024, 1 from 2025: hosp 1 * 0.5 = 0.5,
    # shift du = 0.2 * 1 * 0.5 = 0.1 -> hosp 0.4, gp 2.1 per person: hosp 400 days = 40000
    # (-60000 zvw), gp 2100 consults = 42000 (+2000 wmo). Costs: zvw once 10000 in 2024, wmo
    # 1000 a year 2024..2026.
    # budget impact (undiscounted, price-year euros), net = care change + implementation:
    #   2024: zvw 0 + 10000 = 10000; wmo 0 + 1000 = 1000; total 11000
    #   2025, 2026: zvw -60000 + 0 = -60000; wmo 2000 + 1000 = 3000; total -57000
    # net_current = net * 1.1^(t - 2023): factors 1.1, 1.21, 1.331
    #   zvw 11000, -72600, -79860 (cumulative 11000, -61600, -141460)
    #   wmo  1100,   3630,   3993 (cumulative 1100, 4730, 8723)
    #   total 12100, -68970, -75867 (cumulative 12100, -56870, -132737)
    want = {
        "zvw": [(0, 10000, 10000, 11000, 11000), (-60000, 0, -60000, -72600, -61600),
                (-60000, 0, -60000, -79860, -141460)],
        "wmo": [(0, 1000, 1000, 1100, 1100), (2000, 1000, 3000, 3630, 4730), (2000, 1000, 3000, 3993, 8723)],
        "total": [(0, 11000, 11000, 12100, 12100), (-58000, 1000, -57000, -68970, -56870),
                  (-58000, 1000, -57000, -75867, -132737)],
    }
    cols = ("care_cost_change", "implementation_cost", "net", "net_current", "net_cumulative_current")
    for p, rows in want.items():
        for ti, vals in enumerate(rows):
            for c, v in zip(cols, vals):
                ck.close(bi["plan", str(2024 + ti), p][c], float(v), "budget %s %d %s" % (p, 2024 + ti, c))
    ck.close(bi["without-t", "2026", "total"]["net_cumulative_current"], 0.0, "without-t: no change")
    ck.equal(len(bi), 2 * 3 * 3, "2 scenarios (plan, without-t) x 3 years x (2 payers + total)")
    # discount rates: factor 1, 1/(1+r), 1/(1+r)^2 for 2024..2026
    #   r = 0: zvw investment 10000, savings 120000, npv 110000; wmo 3000, -4000, -7000;
    #          total 13000, 116000, 103000
    #   r = 4 %: f25 + f26 = 1/1.04 + 1/1.0816 = 2.04/1.0816; zvw investment 10000, savings
    #          60000 * 2.04/1.0816 = 113165.680...; wmo investment 1000 + 1000 * 2.04/1.0816 =
    #          2886.094..., savings -2000 * 2.04/1.0816 = -3772.189...
    g4 = 2.04 / 1.0816
    want = {("0.0", "zvw"): (10000, 120000, 110000), ("0.0", "wmo"): (3000, -4000, -7000),
            ("0.0", "total"): (13000, 116000, 103000),
            ("4.0", "zvw"): (10000, 60000 * g4, 60000 * g4 - 10000),
            ("4.0", "wmo"): (1000 + 1000 * g4, -2000 * g4, -2000 * g4 - 1000 - 1000 * g4),
            ("4.0", "total"): (11000 + 1000 * g4, 58000 * g4, 58000 * g4 - 11000 - 1000 * g4)}
    for (k, p), vals in want.items():
        for c, v in zip(("investment", "savings", "npv"), vals):
            ck.close(dr["plan", k, p][c], float(v), "discount %s %% %s %s" % (k, p, c), rel=1e-11)
    # rates 0, 1.5, 3, 4 and the plan's own 3.5: 5 rates x 2 scenarios x 3 stakeholders
    ck.equal(sorted(set(k[1] for k in dr)), ["0.0", "1.5", "3.0", "3.5", "4.0"], "rates")
    ck.equal(len(dr), 5 * 2 * 3, "discount_rates rows")
    for p in ("zvw", "wmo", "total"):
        for c in ("investment", "savings", "npv"):
            ck.close(dr["plan", "3.5", p][c], float(bc["plan", p][c]), "3.5 %% row = business case %s %s" % (p, c))
    # marginal prices at the plan's 3.5 %: g = 1/1.035 + 1/1.035^2. zvw saves 60000 a year at
    # full price, 60000 * 0.6 = 36000 at marginal prices; wmo's 2000 more a year is valued at
    # 2000 * 0.5 = 1000. Investment as at full price: zvw 10000, wmo 1000 * (1 + g).
    g = 1 / 1.035 + 1 / 1.035 ** 2
    ck.close(bc["plan", "zvw"]["savings"], 60000 * g, "zvw savings at full price")
    ck.close(bc["plan", "zvw"]["savings_marginal"], 36000 * g, "zvw savings at marginal share 0.6")
    ck.close(bc["plan", "zvw"]["npv_marginal"], 36000 * g - 10000, "zvw npv_marginal")
    ck.close(bc["plan", "wmo"]["savings_marginal"], -1000 * g, "wmo: a consult more at marginal share 0.5")
    ck.close(bc["plan", "wmo"]["npv_marginal"], -1000 * g - 1000 * (1 + g), "wmo npv_marginal")
    ck.close(bc["plan", "total"]["savings_marginal"], 35000 * g, "total savings_marginal")
    ck.close(bc["plan", "total"]["npv_marginal"], 35000 * g - 11000 - 1000 * g, "total npv_marginal")
    ck.close(bc["without-t", "total"]["npv_marginal"], 0.0, "without-t")


def case_insurers(tmp, ck):
    """v0.2 (model.md section 7 "Per insurer"): business_case_insurer.csv with two areas whose
    market shares differ, a zvw line that names its insurer and one that does not (paid by
    the regional shares, weighted by the base-year population: the population of 2025 would
    give other weights), a line of another payer (not in the table), the insurers in order
    of first appearance in the CSV, and no table for a plan without `insurers:`."""
    yml = """careshift: 1
plan: {name: insurers}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
  migration: migration.csv
payers: [{id: zvw, name: Zvw}, {id: wmo, name: Wmo}]
insurers: {payer: zvw, shares: insurer_shares.csv}
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.001, group: gh}
use: use.csv
economics: {price_year: 2024, discount_rate: 0.25}
themes:
  - id: t
    name: T
    interventions:
      - id: care
        name: Care at home
        uptake: {max: 1}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
        costs:
          - {payer: zvw, once: 10000, year: 2024, insurer: CZ}
          - {payer: zvw, per_year: 2000}
          - {payer: wmo, per_year: 500}
"""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 1000, ("A2", "f", 50): 3000}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "migration.csv": "area,sex,age,net\nA2,f,50,1000\n",
        # VGZ first: the table lists VGZ, then CZ
        "insurer_shares.csv": "area,insurer,share\nA1,VGZ,0.2\nA1,CZ,0.8\nA2,CZ,0.25\nA2,VGZ,0.75\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,1\n",
    }
    plan = write_plan(tmp, yml, files)
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    bi = read(out, "business_case_insurer.csv", ("scenario", "insurer"))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    # Population (q = 0, no births): A1 1000 women in both years; A2 3000 on 1 Jan 2024, and
    # the 1000 migrants of 2024 make 4000 on 1 Jan 2025. Uptake 1 from 2024 (d = 0: max / 1),
    # so hosp use 1 - 0.5 = 0.5 days a person. Care-cost delta of zvw (price 100):
    #   2024: A1 -0.5 * 1000 * 100 = -50000, A2 -0.5 * 3000 * 100 = -150000
    #   2025: A1 -50000,                      A2 -0.5 * 4000 * 100 = -200000
    # Discount factors at 25 %: 1 (2024), 1/1.25 = 0.8 (2025).
    # Savings (share of each area times its delta):
    #   CZ:  2024 0.8 * 50000 + 0.25 * 150000 = 40000 + 37500 = 77500
    #        2025 0.8 * 50000 + 0.25 * 200000 = 40000 + 50000 = 90000, * 0.8 = 72000
    #        total 149500
    #   VGZ: 2024 0.2 * 50000 + 0.75 * 150000 = 10000 + 112500 = 122500
    #        2025 0.2 * 50000 + 0.75 * 200000 = 10000 + 150000 = 160000, * 0.8 = 128000
    #        total 250500
    #   sum 400000 = zvw's savings 200000 + 250000 * 0.8
    # Regional shares from the base-year population (1000, 3000; total 4000):
    #   CZ  (1000 * 0.8 + 3000 * 0.25) / 4000 = (800 + 750) / 4000 = 0.3875
    #   VGZ (1000 * 0.2 + 3000 * 0.75) / 4000 = (200 + 2250) / 4000 = 0.6125
    #   (with 2025's population, 1000 and 4000: CZ (800 + 1000) / 5000 = 0.36)
    # Investment: the once 10000 (2024, factor 1) names CZ; the per_year 2000 names nobody:
    # 2000 * (1 + 0.8) = 3600 discounted, split 0.3875 / 0.6125; wmo's 500 a year is not zvw's.
    #   CZ  10000 + 0.3875 * 3600 = 10000 + 1395 = 11395
    #   VGZ          0.6125 * 3600 = 2205
    #   sum 13600 = zvw's investment 10000 + 3600
    # NPV: CZ 149500 - 11395 = 138105; VGZ 250500 - 2205 = 248295.
    want = {"CZ": (11395.0, 149500.0, 138105.0), "VGZ": (2205.0, 250500.0, 248295.0)}
    for k, vals in want.items():
        for c, v in zip(("investment", "savings", "npv"), vals):
            ck.close(bi["plan", k][c], v, "plan %s %s" % (k, c))
            ck.close(bi["without-t", k][c], 0.0, "without-t %s %s" % (k, c))
    for c in ("investment", "savings", "npv"):
        ck.close(sum(float(bi["plan", k][c]) for k in want), float(bc["plan", "zvw"][c]),
                 "insurers add up to zvw's %s" % c)
    ck.close(bc["plan", "zvw"]["investment"], 13600.0, "zvw investment")
    ck.close(bc["plan", "zvw"]["savings"], 400000.0, "zvw savings")
    with open(os.path.join(out, "business_case_insurer.csv")) as fh:
        order = [r["insurer"] for r in csv.DictReader(fh) if r["scenario"] == "plan"]
    ck.equal(order, ["VGZ", "CZ"], "insurers in order of first appearance in the CSV")
    ck.equal(len(bi), 2 * 2, "2 scenarios (plan, without-t) x 2 insurers")
    # the same plan without `insurers:` (and without the line's `insurer:`): no table
    tmp2 = os.path.join(tmp, "plain")
    yml2 = yml.replace("insurers: {payer: zvw, shares: insurer_shares.csv}\n", "").replace(", insurer: CZ", "")
    plan2 = write_plan(tmp2, yml2, files)
    out2 = os.path.join(tmp2, "out")
    csref.run(plan2, out2)
    ck.equal(os.path.exists(os.path.join(out2, "business_case_insurer.csv")), False, "no insurers: no table")
    ck.close(read(out2, "business_case.csv", ("scenario", "stakeholder"))["plan", "zvw"]["npv"],
             400000.0 - 13600.0, "no insurers: zvw npv unchanged")


HAZARD_YAML = """careshift: 1
plan: {name: hazard}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
%s
states:
  - {id: h, utility: 1, mortality_rr: 1}
  - {id: s, utility: 0.5, mortality_rr: 3}
state_shares: shares.csv
transitions: transitions.csv
payers: [{id: zvw, name: Zvw}]
economics: {price_year: 2024}
""" + SECTOR0 + """use: use.csv
themes:
  - id: mort
    name: Mortality
    interventions:
      - id: m
        name: M
        uptake: {max: 1}
        effects:
          - {kind: mortality, change: -0.5}
      - id: m100
        name: M100
        target: {ages: [100, 100]}
        uptake: {max: 1}
        effects:
          - {kind: mortality, change: -1}
  - id: haz
    name: Hazard
    interventions:
      - id: th
        name: TH
        target: {states: [h]}
        uptake: {max: 1}
        effects:
          - {kind: transition, from: h, to: s, change: -0.4, scale: hazard}
  - id: mix
    name: Mix
    interventions:
      - id: tm
        name: TM
        uptake: {max: 1}
        effects:
          - {kind: transition, from: h, to: s, change: 0.5, scale: probability}
          - {kind: transition, from: h, to: s, change: 1.0, scale: hazard}
"""


def case_hazard(tmp, ck):
    """v0.2: `demography.mortality_mode: hazard` (model.md section 2 step 1, q_k = 1 - (1 -
    q)^(rr[k] * qm), no rbar; q = 1 with rr*qm = 0 gives 0) and `transition` effects with
    `scale: hazard` (section 4: p' = 1 - (1 - p)^m; the hazard-scale effects on (from, to)
    first, the product of their m as one exponent, then the probability-scale multipliers),
    alone, combined with each other and with the default `normalised` mode."""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        # 1000 women aged 50 and 10 aged 100+; q = 0.03 at every age but 100+, where q = 1
        "population.csv": population({("A1", "f", 50): 1000, ("A1", "f", 100): 10}),
        "mortality.csv": mortality(lambda s, x: 1.0 if x == 100 else 0.03),
        "fertility.csv": "age,rate\n",
        "shares.csv": "sex,age,state,share\n" + "".join(
            "%s,%d,h,0.75\n%s,%d,s,0.25\n" % (s, x, s, x) for s in "fm" for x in range(101)),
        "transitions.csv": "sex,age,from,to,p\nf,50,h,s,0.1\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\n",
    }
    plan = write_plan(tmp, HAZARD_YAML % "  mortality_mode: hazard", files)
    out = os.path.join(tmp, "out")
    csref.run(plan, out, detail=True)
    dem = read(out, "demography.csv", ("scenario", "year", "area"))
    pop = read(out, "population.csv", ("scenario", "year", "area", "sex", "age", "state"))
    p = lambda sc, x, k: float(pop[sc, "2025", "A1", "f", str(x), k]["count"])
    # Every uptake is 1 (max 1, ramp 1, start 2024), so m = 1 + change.
    # baseline, hazard mode, age 50: N_h = 750, N_s = 250; q_h = 0.03, q_s = 1 - 0.97^3 =
    #   0.087327 (no rbar: the life table is the risk of rr 1). Age 100+: q = 1, q_k = 1 - 0^rr = 1.
    #   D = 750*0.03 + 250*0.087327 + 10 = 22.5 + 21.83175 + 10 = 54.33175
    ck.close(dem["baseline", "2024", "A1"]["deaths"], 54.33175, "hazard-mode deaths, baseline")
    # transitions at 50 -> 51: S_h = 727.5, S_s = 250*0.97^3 = 228.16825
    #   h' = 727.5*0.9 = 654.75; s' = 228.16825 + 72.75 = 300.91825
    ck.close(p("baseline", 51, "h"), 654.75, "baseline h at 51")
    ck.close(p("baseline", 51, "s"), 300.91825, "baseline s at 51")
    # 2025, age 51 (q 0.03): D = 654.75*0.03 + 300.91825*0.087327 = 19.6425 + 26.27829... (the
    # normalised rule would give 0.03 * 955.66825 = 28.67 on the baseline)
    ck.close(dem["baseline", "2025", "A1"]["deaths"], 654.75 * 0.03 + 300.91825 * (1 - 0.97 ** 3),
             "hazard-mode deaths 2025, no rbar")
    # without-mix = mort + haz (the brief's example). Mortality effect m = 0.5 (qm = 0.5):
    #   q_h = 1 - 0.97^0.5 = 0.0151142, q_s = 1 - 0.97^1.5 = 0.0446608;
    #   S_h = 750*0.97^0.5 = 738.664335, S_s = 250*0.97^1.5 = 238.834802, D(50) = 22.50086317.
    #   Age 100+: m100's m = 0 so qm = 0.5*0 = 0 and q_k = 1 - 0^0 = 0: nobody dies there.
    ck.close(dem["without-mix", "2024", "A1"]["deaths"], 22.50086317, "hazard mortality effect",
             rel=1e-9)
    ck.close(p("without-mix", 100, "h"), 7.5, "q = 1 with qm = 0: nobody dies (h)")
    ck.close(p("without-mix", 100, "s"), 2.5, "q = 1 with qm = 0: nobody dies (s)")
    # transition on hazard scale, m = 0.6: p' = 1 - 0.9^0.6 = 0.0612587
    #   h' = 738.664335*0.9^0.6 = 693.4140485; s' = 238.834802 + 738.664335*0.0612587 = 284.0850883
    ck.close(p("without-mix", 51, "h"), 693.4140485, "hazard transition h", rel=1e-9)
    ck.close(p("without-mix", 51, "s"), 284.0850883, "hazard transition s", rel=1e-9)
    # without-haz = mort + mix: tm lists the probability-scale effect (m 1.5) before the
    #   hazard one (m 2), but the hazard one acts first: p' = (1 - 0.9^2)*1.5 = 0.19*1.5 = 0.285
    #   (the other order, 1 - (1 - 0.15)^2 = 0.2775, would be wrong).
    #   h' = 738.664335*0.715 = 528.14500; s' = 238.834802 + 738.664335*0.285 = 449.354137
    Sh, Ss = 750 * 0.97 ** 0.5, 250 * 0.97 ** 1.5
    ck.close(p("without-haz", 51, "h"), Sh * 0.715, "hazard effect first, then probability (h)")
    ck.close(p("without-haz", 51, "s"), Ss + Sh * 0.285, "hazard effect first, then probability (s)")
    # plan = all: the two hazard effects on (h, s) from two interventions share one exponent,
    #   0.6*2 = 1.2: p' = (1 - 0.9^1.2)*1.5 = 0.117433*1.5 = 0.178150
    p2 = (1 - 0.9 ** 1.2) * 1.5
    ck.close(p("plan", 51, "h"), Sh * (1 - p2), "two hazard effects, one exponent (h)")
    ck.close(p("plan", 51, "s"), Ss + Sh * p2, "two hazard effects, one exponent (s)")
    # without-mort = haz + mix: baseline mortality (D = 54.33175) and the plan's transitions
    ck.close(dem["without-mort", "2024", "A1"]["deaths"], 54.33175, "without-mort deaths")
    ck.close(p("without-mort", 51, "h"), 727.5 * (1 - p2), "without-mort h")

    # The same plan in the default normalised mode: the transition scale acts the same.
    # baseline: rbar = 0.75 + 0.75 = 1.5, q_h = 0.02, q_s = 0.06; at 100+ q_h = 1/1.5, q_s =
    #   min(1, 2) = 1: D = 15 + 15 + 7.5*2/3 + 2.5 = 37.5; S_h = 735, S_s = 235
    for mode in ("", "  mortality_mode: normalised"):
        d2 = os.path.join(tmp, "norm%d" % len(mode))
        plan2 = write_plan(d2, HAZARD_YAML % mode, files)
        csref.run(plan2, os.path.join(d2, "out"), detail=True)
        dem2 = read(os.path.join(d2, "out"), "demography.csv", ("scenario", "year", "area"))
        pop2 = read(os.path.join(d2, "out"), "population.csv", ("scenario", "year", "area", "sex", "age", "state"))
        p2n = lambda sc, x, k: float(pop2[sc, "2025", "A1", "f", str(x), k]["count"])
        ck.close(dem2["baseline", "2024", "A1"]["deaths"], 37.5, "normalised deaths " + repr(mode))
        ck.close(p2n("baseline", 51, "h"), 661.5, "normalised h")        # 735*0.9
        # without-mix: mortality m = 0.5 on q_k (min(1, q_k*0.5)): q_h = 0.01, q_s = 0.03,
        #   S_h = 742.5, S_s = 242.5; p' = 1 - 0.9^0.6
        ck.close(p2n("without-mix", 51, "h"), 742.5 * 0.9 ** 0.6, "normalised, hazard transition h")
        ck.close(p2n("without-mix", 51, "s"), 242.5 + 742.5 * (1 - 0.9 ** 0.6),
                 "normalised, hazard transition s")

    # unknown values are refused
    for bad, what in (("  mortality_mode: hazards", "mortality_mode"),
                      ("  mortality_mode: normalised", "scale")):
        y = HAZARD_YAML % bad
        if what == "scale":
            y = y.replace("scale: hazard}", "scale: log}")
        d3 = os.path.join(tmp, "bad-" + what)
        try:
            csref.run(write_plan(d3, y, files), os.path.join(d3, "out"))
        except csref.PlanError:
            ck.equal(True, True, "bad " + what + " refused")
        else:
            raise AssertionError("bad %s accepted" % what)


CYCLE_YAML = """careshift: 1
plan: {name: cycle}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
states:
  - {id: h, utility: 0.8}
state_shares: shares.csv
payers: [{id: zvw, name: Zvw}, {id: wmo, name: Wmo}]
insurers: {payer: zvw, shares: ins.csv}
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 25, fte_per_unit: 0.001, group: g}
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 10, fte_per_unit: 0.01, group: g,
     marginal_share: 0.5}
use: use.csv
end_of_life_use: eol.csv
economics: {price_year: 2024, discount_rate: 0, discount_rate_effects: 0CORR}
themes:
  - id: a
    name: A
    interventions:
      - id: pay
        name: Paid per participant
        uptake: {max: 1}
        costs:
          - {payer: wmo, per_participant: 100}
          - {payer: zvw, once: 1000, year: 2024}
  - id: b
    name: B
    interventions:
      - id: cut
        name: Less use, better quality of life
        uptake: {max: 1}
        effects:
          - {kind: use, sector: gp, change: -0.5}
          - {kind: end_of_life_use, sector: hosp, change: -0.2}
          - {kind: utility, change: 0.1}
"""


def case_cycle_correction(tmp, ck):
    """v0.2 (model.md section 7 "Within-cycle correction", "Totals per scenario" and
    wrong_pocket_intervention.csv): 4000 women aged 30, q = 0.1, no discounting, 2024-2026.
    Stock N = 4000, 3600, 3240 (sum 10840), deaths D = 400, 360, 324 (sum 1084). Use: 1 gp
    consult (price 25) per person-year; end of life: 5 hospital days (price 10) per death, 50
    per death; utility 0.8. Theme a: `pay` (uptake 1, no effects) costs 100 per participant
    (wmo) and once 1000 (zvw); theme b: `cut` (uptake 1, no cost) halves the gp use, cuts the
    end-of-life days by 20 % and adds 0.1 utility. Weighted occupancy sum_y w_y N_y:
    half-cycle 0.5*4000 + 3600 + 0.5*3240 = 7220; simpson 4000/3 + 2/3*3600 + 3240/3 =
    4813.333...; none: the discounted sums as before (LY = sum N - D/2 = 10298)."""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 30): 4000}),
        "mortality.csv": mortality(lambda s, x: 0.1),
        "fertility.csv": "age,rate\n",
        "shares.csv": ONE_STATE,
        "ins.csv": "area,insurer,share\nA1,CZ,1\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,h,f,0,100,1\n",
        "eol.csv": "sector,state,sex,age_from,age_to,rate\nhosp,h,f,0,100,5\n",
    }
    N, D = [4000.0, 3600.0, 3240.0], [400.0, 360.0, 324.0]
    for corr, occ in (("", None), (", cycle_correction: none", None), (", cycle_correction: half-cycle", 7220.0),
                      (", cycle_correction: simpson", 4813.333333333333)):
        d = os.path.join(tmp, corr.split(":")[-1].strip() or "absent")
        plan = write_plan(d, CYCLE_YAML.replace("CORR", corr), files)
        out = os.path.join(d, "out")
        csref.run(plan, out)
        what = corr or "absent"
        tot = read(out, "totals.csv", ("scenario",))
        ck.equal(sorted(tot), sorted([("baseline",), ("plan",), ("without-a",), ("without-b",)]),
                 "%s: totals.csv has every scenario, the baseline too" % what)
        if occ is None:
            # care 10840*25 + 1084*50 = 325200; QALYs (10840 - 1084/2)*0.8 = 10298*0.8
            care_b, care_p = 325200.0, 10840 * 12.5 + 1084 * 40.0
            impl = 10840 * 100.0 + 1000.0
            ly, q_b, q_p = 10298.0, 10298 * 0.8, 10298 * 0.9
        else:
            care_b, care_p = occ * 25 + 1084 * 50.0, occ * 12.5 + 1084 * 40.0
            impl = occ * 100.0 + 1000.0
            ly, q_b, q_p = occ, occ * 0.8, occ * 0.9
        for sc, care, im, qa in (("baseline", care_b, 0.0, q_b), ("plan", care_p, impl, q_p),
                                 ("without-a", care_p, 0.0, q_p), ("without-b", care_b, impl, q_b)):
            r = tot[sc, ]
            ck.close(r["care_cost"], care, "%s: %s care_cost" % (what, sc))
            ck.close(r["implementation_cost"], im, "%s: %s implementation_cost" % (what, sc))
            ck.close(r["cost"], care + im, "%s: %s cost" % (what, sc))
            ck.close(r["qalys"], qa, "%s: %s qalys" % (what, sc))
            ck.close(r["life_years"], ly, "%s: %s life_years" % (what, sc))
            ck.close(r["population"], 4000.0, "%s: %s population on 1 January 2024" % (what, sc))
            ck.close(r["cost_per_person"], (care + im) / 4000.0, "%s: %s cost_per_person" % (what, sc))
            ck.close(r["qalys_per_person"], qa / 4000.0, "%s: %s qalys_per_person" % (what, sc))
        # business case: savings of zvw = the weighted gp cut + the unweighted end-of-life cut
        sav = care_b - care_p
        inv_wmo = impl - 1000.0
        bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
        ck.close(bc["plan", "zvw"]["savings"], sav, "%s: plan zvw savings" % what)
        ck.close(bc["plan", "zvw"]["investment"], 1000.0, "%s: plan zvw investment (once, unweighted)" % what)
        ck.close(bc["plan", "wmo"]["investment"], inv_wmo, "%s: plan wmo investment (per_participant)" % what)
        ck.close(bc["plan", "total"]["npv"], sav - impl, "%s: plan total npv" % what)
        # marginal: the hospital days at half their price (the gp cut at full price)
        ck.close(bc["plan", "zvw"]["savings_marginal"], sav - 1084 * 10.0 * 0.5, "%s: savings_marginal" % what)
        # break-even is undiscounted and unweighted: cumulative total delta per year
        # 2024: -(4000*12.5 + 400*10) + 1000 + 400000 > 0 in every year
        ck.equal(bc["plan", "total"]["break_even_year"], "", "%s: no break-even" % what)
        ck.equal(bc["without-a", "total"]["break_even_year"], "2024", "%s: without-a breaks even at once" % what)
        he = read(out, "health_economics.csv", ("scenario",))
        ck.close(he["plan", ]["delta_qalys"], q_p - q_b, "%s: delta_qalys" % what)
        ck.close(he["plan", ]["delta_life_years"], 0.0, "%s: delta_life_years" % what)
        ck.close(he["plan", ]["cost_per_qaly"], (impl - sav) / (q_p - q_b), "%s: cost per QALY" % what, rel=1e-11)
        # without-a gains QALYs and saves money: dominant, no cost per QALY (v0.2)
        ck.equal((he["without-a", ]["verdict"], he["without-a", ]["cost_per_qaly"]), ("dominant", ""),
                 "%s: dominant, no cost per QALY" % what)
        # per subregion (one) and per insurer (one, share 1): the same as the payer's row
        bcs = read(out, "business_case_subregion.csv", ("scenario", "subregion", "stakeholder"))
        ck.close(bcs["plan", "R1", "zvw"]["savings"], sav, "%s: subregion savings" % what)
        ck.close(bcs["plan", "R1", "wmo"]["investment"], inv_wmo, "%s: subregion wmo investment" % what)
        bci = read(out, "business_case_insurer.csv", ("scenario", "insurer"))
        ck.close(bci["plan", "CZ"]["savings"], sav, "%s: insurer savings" % what)
        ck.close(bci["plan", "CZ"]["investment"], 1000.0, "%s: insurer investment" % what)
        # discount rates: at 4 % the weights times the factors 1.04^-y
        w = {None: [1.0, 1.0, 1.0], 7220.0: [0.5, 1.0, 0.5], 4813.333333333333: [1 / 3, 2 / 3, 1 / 3]}[occ]
        dr = read(out, "discount_rates.csv", ("scenario", "discount_rate_pct", "stakeholder"))
        f = [1.04 ** -y for y in range(3)]
        if occ is None:          # without a correction the section 3 sums (unweighted)
            s4 = sum(f[y] * (N[y] * 12.5 + D[y] * 10.0) for y in range(3))
            i4 = sum(f[y] * N[y] * 100.0 for y in range(3))
        else:
            s4 = sum(f[y] * (w[y] * N[y] * 12.5 + D[y] * 10.0) for y in range(3))
            i4 = sum(f[y] * w[y] * N[y] * 100.0 for y in range(3))
        ck.close(dr["plan", "4.0", "zvw"]["savings"], s4, "%s: savings at 4 %%" % what)
        ck.close(dr["plan", "4.0", "wmo"]["investment"], i4, "%s: wmo investment at 4 %%" % what)
        ck.close(dr["plan", "4.0", "zvw"]["investment"], 1000.0, "%s: zvw investment at 4 %%" % what)
        # the yearly and undiscounted tables stay unweighted
        bi = read(out, "budget_impact.csv", ("scenario", "year", "stakeholder"))
        ck.close(bi["plan", "2024", "zvw"]["care_cost_change"], -(4000 * 12.5 + 400 * 10.0), "%s: budget impact" % what)
        ck.close(bi["plan", "2026", "wmo"]["implementation_cost"], 324000.0, "%s: budget impact wmo 2026" % what)
        ic = read(out, "intervention_costs.csv", ("scenario", "intervention"))
        ck.close(ic["plan", "pay"]["participant_years"], 10840.0, "%s: participant-years" % what)
        ck.close(ic["plan", "pay"]["implementation_cost"], 1085000.0, "%s: intervention cost" % what)
        hl = read(out, "health.csv", ("scenario", "year", "area"))
        ck.close(hl["baseline", "2024", "A1"]["life_years"], 3800.0, "%s: health.csv life years" % what)
        ck.close(hl["baseline", "2024", "A1"]["qalys"], 3040.0, "%s: health.csv qalys" % what)
        pay = read(out, "payers.csv", ("scenario", "year", "payer"))
        ck.close(pay["baseline", "2025", "zvw"]["care_cost"], 3600 * 25 + 360 * 50.0, "%s: payers.csv" % what)
        # theme_roi: a invests, b saves; participant-years not weighted
        roi = read(out, "theme_roi.csv", ("scenario", "theme"))
        ck.close(roi["plan", "a"]["investment"], impl, "%s: theme a investment" % what)
        ck.close(roi["plan", "a"]["savings"], 0.0, "%s: theme a savings" % what)
        ck.close(roi["plan", "b"]["savings"], sav, "%s: theme b savings" % what)
        ck.close(roi["plan", "b"]["savings_per_participant_year"], sav / 10840.0, "%s: b per participant-year" % what)
        # shapley per intervention and the plan's wrong-pocket matrix per intervention: `pay`
        # invests (zvw 1000, wmo the per_participant line) and saves nothing, `cut` saves
        # without investment, so its savings go to `none`
        si = read(out, "shapley_intervention.csv", ("intervention", "metric"))
        ck.close(si["cut", "savings:zvw"]["contribution"], sav, "%s: phi_cut(savings:zvw)" % what)
        ck.close(si["pay", "investment:wmo"]["contribution"], inv_wmo, "%s: phi_pay(investment:wmo)" % what)
        ck.close(si["cut", "delta_qalys"]["contribution"], q_p - q_b, "%s: phi_cut(delta_qalys)" % what)
        wpi = read(out, "wrong_pocket_intervention.csv", ("investor", "saver"))
        ck.equal(sorted(wpi), sorted((p, q) for p in ("zvw", "wmo", "none") for q in ("zvw", "wmo")),
                 "%s: investors zvw, wmo, none; savers zvw, wmo" % what)
        for (p, q), (inv, sv, att) in {("zvw", "zvw"): (1000.0, sav, 0.0), ("wmo", "zvw"): (inv_wmo, sav, 0.0),
                                        ("none", "zvw"): (0.0, sav, sav), ("zvw", "wmo"): (1000.0, 0.0, 0.0),
                                        ("wmo", "wmo"): (inv_wmo, 0.0, 0.0), ("none", "wmo"): (0.0, 0.0, 0.0)}.items():
            r = wpi[p, q]
            ck.close(r["investment"], inv, "%s: wrong_pocket_intervention %s,%s investment" % (what, p, q))
            ck.close(r["savings"], sv, "%s: wrong_pocket_intervention %s,%s savings" % (what, p, q))
            ck.close(r["attributed_savings"], att, "%s: wrong_pocket_intervention %s,%s attributed" % (what, p, q))

    # an unknown correction is a load error
    d = os.path.join(tmp, "bad")
    plan = write_plan(d, CYCLE_YAML.replace("CORR", ", cycle_correction: trapezoid"), files)
    try:
        csref.Plan(plan)
        raised = False
    except csref.PlanError:
        raised = True
    ck.equal(raised, True, "cycle_correction: trapezoid is a load error")


def case_wrong_pocket_intervention(tmp, ck):
    """wrong_pocket_intervention.csv (model.md section 7): on the plan of case_shapley
    (interventions ia (zvw pays 1000 once), ib, ic without costs; savings by 2 years phi_ia =
    phi_ib = 2*185000/6, phi_ic = 2*140000/6, plan savings 170000): zvw is the investor of
    ia's savings, `none` of ib's and ic's; with two payers sharing ia's cost, its savings split
    by their shares of its investment. Without the table with `intervention_shapley: none`."""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "shares.csv": ONE_STATE,
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,h,f,0,100,1\ngp,h,f,0,100,1\n",
    }
    plan = write_plan(os.path.join(tmp, "a"), SHAPLEY_YAML, files)
    out = os.path.join(tmp, "a", "out")
    csref.run(plan, out)
    wpi = read(out, "wrong_pocket_intervention.csv", ("investor", "saver"))
    ck.equal(sorted(wpi), [("none", "zvw"), ("zvw", "zvw")], "one payer: investors zvw and none")
    ck.close(wpi["zvw", "zvw"]["attributed_savings"], 2 * 185000 / 6, "zvw pays for ia's savings", rel=1e-10)
    ck.close(wpi["none", "zvw"]["attributed_savings"], 2 * 185000 / 6 + 2 * 140000 / 6, "nobody pays for ib, ic",
             rel=1e-10)
    ck.close(wpi["zvw", "zvw"]["investment"], 1000.0, "investment of zvw")
    ck.close(wpi["none", "zvw"]["investment"], 0.0, "investment of none")
    for p in ("zvw", "none"):
        ck.close(wpi[p, "zvw"]["savings"], 170000.0, "savings of zvw", rel=1e-10)
    # ia paid 1000 by zvw and 3000 by a second payer wlz (no care): 1/4 and 3/4 of phi_ia
    txt = SHAPLEY_YAML.replace("payers: [{id: zvw, name: Zvw}]", "payers: [{id: zvw, name: Zvw}, {id: wlz, name: Wlz}]")
    txt = txt.replace("once: 1000, year: 2024}", "once: 1000, year: 2024}\n          - {payer: wlz, once: 3000, year: 2024}")
    ck.equal(txt.count("wlz"), 2, "the plan gets a second payer with a cost line")
    plan = write_plan(os.path.join(tmp, "b"), txt, files)
    out = os.path.join(tmp, "b", "out")
    csref.run(plan, out)
    wpi = read(out, "wrong_pocket_intervention.csv", ("investor", "saver"))
    ck.close(wpi["zvw", "zvw"]["attributed_savings"], 0.25 * 2 * 185000 / 6, "zvw's quarter", rel=1e-10)
    ck.close(wpi["wlz", "zvw"]["attributed_savings"], 0.75 * 2 * 185000 / 6, "wlz's three quarters", rel=1e-10)
    ck.close(wpi["wlz", "zvw"]["investment"], 3000.0, "investment of wlz")
    ck.close(wpi["wlz", "wlz"]["savings"], 0.0, "wlz saves nothing")
    ck.close(wpi["none", "wlz"]["attributed_savings"], 0.0, "nothing attributed of wlz's savings")
    d = os.path.join(tmp, "none")
    plan = write_plan(d, SHAPLEY_YAML.replace("economics: {", "economics: {intervention_shapley: none, "), files)
    csref.run(plan, os.path.join(d, "out"))
    ck.equal(os.path.exists(os.path.join(d, "out", "wrong_pocket_intervention.csv")), False, "none: no table")
    # The shares come from each intervention's own cost lines, not from its Shapley value of
    # investment: 1000 women aged 50, q = 0.2, 2024-2025, no discounting, 1 gp consult (10)
    # per person-year. `pp` (no effects) costs zvw 100 per participant; `live` (no costs)
    # halves mortality. Stock: baseline 1000, 800; with live 1000, 900. Investment: pp alone
    # 180000, both 190000, so phi_live(investment:zvw) = (0 + 10000)/2 = 5000 although live
    # costs nothing; savings: live alone and both -1000 (more persons alive use the gp), pp
    # none, so phi_live(savings:zvw) = -1000, phi_pp = 0. live's savings go to `none`.
    yml = """careshift: 1
plan: {name: own-cost}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}]
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, group: g}
use: use.csv
economics: {price_year: 2024, discount_rate: 0, discount_rate_effects: 0}
themes:
  - id: t
    name: T
    interventions:
      - id: pp
        name: Paid per participant
        uptake: {max: 1}
        costs:
          - {payer: zvw, per_participant: 100}
      - id: live
        name: Longer lives
        uptake: {max: 1}
        effects:
          - {kind: mortality, change: -0.5}
"""
    files2 = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.2),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,1\n",
    }
    d = os.path.join(tmp, "own")
    plan = write_plan(d, yml, files2)
    csref.run(plan, os.path.join(d, "out"))
    si = read(os.path.join(d, "out"), "shapley_intervention.csv", ("intervention", "metric"))
    ck.close(si["live", "investment:zvw"]["contribution"], 5000.0, "phi_live(investment:zvw)", rel=1e-10)
    ck.close(si["live", "savings:zvw"]["contribution"], -1000.0, "phi_live(savings:zvw)", rel=1e-10)
    wpi = read(os.path.join(d, "out"), "wrong_pocket_intervention.csv", ("investor", "saver"))
    ck.close(wpi["none", "zvw"]["attributed_savings"], -1000.0, "live costs nothing: its savings to none", rel=1e-10)
    ck.close(wpi["zvw", "zvw"]["attributed_savings"], 0.0, "zvw pays for pp, which saves nothing")
    ck.close(wpi["zvw", "zvw"]["investment"], 190000.0, "investment: the plan's own (1000 + 900) * 100")
    ck.close(wpi["zvw", "zvw"]["savings"], -1000.0, "savings: the plan's own", rel=1e-10)


LIFE_YAML = """careshift: 1
plan: {name: life table}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: %s
  mortality_improvement: %s
  fertility: fertility.csv
%s
payers: [{id: zvw, name: Zvw}]
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, group: g}
use: use.csv
economics: {price_year: 2024}
themes:
  - id: t
    name: T
    interventions:
      - {id: iv, name: Nothing, uptake: {max: 0.5}}
"""


def case_life_table_age(tmp, ck):
    """v0.2 demography.life_table_age (model.md section 2 step 1, "Completed ages"): exact
    (default) and completed survival ratios, the open group, the clamp after a table scale,
    mortality improvement acting on q0'."""
    q = {30: 0.1, 31: 0.2, 99: 0.25, 100: 0.3}
    files = {"areas.csv": "area,name,subregion\nA1,One,R1\n",
             "population.csv": population({("A1", "f", 30): 4000, ("A1", "f", 100): 1000}),
             "mortality.csv": mortality(lambda s, x: q.get(x, 0.0) if s == "f" else 0.0),
             "fertility.csv": "age,rate\n",
             "use.csv": "sector,state,sex,age_from,age_to,rate\n"}

    def deaths(sub, mort, impr, extra):
        plan = write_plan(os.path.join(tmp, sub), LIFE_YAML % (mort, impr, extra), files)
        out = os.path.join(tmp, sub, "out")
        csref.run(plan, out)
        d = read(out, "demography.csv", ("scenario", "year", "area"))
        return [float(d["baseline", y, "A1"]["deaths"]) for y in ("2024", "2025")]

    # exact: 2024 4000*0.1 + 1000*0.3 = 700; 2025 (improvement 0.5: q times 0.5)
    # 3600 aged 31 * 0.2*0.5 = 360 and 700 at 100+ * 0.3*0.5 = 105 -> 465
    for sub, extra in (("absent", ""), ("exact", "  life_table_age: exact")):
        d = deaths(sub, "mortality.csv", 0.5, extra)
        ck.close(d[0], 700.0, sub + " 2024 deaths")
        ck.close(d[1], 465.0, sub + " 2025 deaths")
    # completed: q0'[30] = 1 - (1 - 0.1)(2 - 0.2)/(2 - 0.1) = 1 - 0.9*1.8/1.9 = 0.1473684211;
    # q0'[31] = 1 - 0.8*(2 - 0)/(2 - 0.2) = 1 - 1.6/1.8 = 0.1111111; the open group keeps 0.3.
    # 2024: 4000*0.1473684211 = 589.4736842 + 300 = 889.4736842;
    # 2025: (4000 - 589.4736842) * 0.1111111 * 0.5 = 3410.526316/18 = 189.4736842 + 700*0.15 = 105
    q30 = 1.0 - 0.9 * 1.8 / 1.9
    ck.close(q30, 0.1473684210526316, "q0'[30] by hand")
    d = deaths("completed", "mortality.csv", 0.5, "  life_table_age: completed")
    ck.close(d[0], 4000 * q30 + 300.0, "completed 2024 deaths")
    ck.close(d[0], 889.4736842105263, "completed 2024 deaths by hand")
    ck.close(d[1], (4000 - 4000 * q30) / 18.0 + 105.0, "completed 2025 deaths")
    ck.close(d[1], 294.4736842105263, "completed 2025 deaths by hand")
    # after the table scale, clamped first: with q31 = 0.6 and `scale: 2`, q30 = 0.2 and
    # q31 = 1.2 -> clamped to 1: q0'[30] = 1 - 0.8*(2 - 1)/(2 - 0.2)
    # = 1 - 0.8/1.8 = 0.5555556 (unclamped 1 - 0.8*0.8/1.8 = 0.6444); q0'[31] = 1 - 0*... = 1;
    # the open group 0.3*2 = 0.6. 2024: 4000*5/9 + 600 = 2822.222; 2025: all 1777.778 aged 31
    # die + 400*0.6 = 240 (no improvement)
    q[31] = 0.6
    files["mortality.csv"] = mortality(lambda s, x: q.get(x, 0.0) if s == "f" else 0.0)
    d = deaths("scaled", "{file: mortality.csv, scale: 2}", 0, "  life_table_age: completed")
    ck.close(d[0], 4000 * 5 / 9 + 600.0, "scaled and clamped 2024 deaths", rel=1e-12)
    ck.close(d[1], 4000 * 4 / 9 + 240.0, "scaled and clamped 2025 deaths", rel=1e-12)
    try:
        deaths("bad", "mortality.csv", 0, "  life_table_age: mid")
        ck.equal("accepted", "PlanError", "life_table_age: mid refused")
    except csref.PlanError:
        ck.equal("PlanError", "PlanError", "life_table_age: mid refused")


AREA_YAML = """careshift: 1
plan: {name: area level and extra use}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}]
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, m2_per_unit: 0.5, group: g}
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.01, group: g}
use: use.csv
end_of_life_use: eol.csv
area_use_index: aidx.csv
economics: {price_year: 2024, discount_rate: 0, discount_rate_effects: 0}
criteria: {care_use_payer: zvw}
themes:
  - id: t1
    name: Extra
    interventions:
      - id: monitor
        name: Monitoring nurse
        target: {areas: [A1]}
        uptake: {max: 0.5}
        effects:
          - {kind: extra_use, sector: gp, units: 3}
          - {kind: end_of_life_use, sector: hosp, change: -0.5}
  - id: t2
    name: Less
    interventions:
      - id: less
        name: Less GP
        uptake: {max: 0.5}
        effects:
          - {kind: use, sector: gp, change: -1}
"""


def case_area_index_extra_use(tmp, ck):
    """v0.2 area_use_index (model.md section 3 "Area level") and the `extra_use` effect
    (section 4): the index multiplies the grown base rates (use and end-of-life) before any
    effect, not the added units; a later `use` effect acts on the added units too; the added
    units count as care (cost, FTE, m2, the care-use criterion)."""
    plan = write_plan(tmp, AREA_YAML, {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 4000, ("A2", "f", 50): 2000}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.1 if x == 50 else 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,2\n",
        "eol.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,5\n",
        "aidx.csv": "area,sector,index\nA1,gp,1.5\nA1,hosp,2\n",
    })
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    care = read(out, "care.csv", ("scenario", "year", "area", "sector"))
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    # 2024, A1: 4000 persons, 400 deaths. baseline gp 4000*2*1.5 = 12000, hosp eol 400*5*2 = 4000;
    # A2 (no row, index 1): gp 2000*2 = 4000, hosp 200*5 = 1000.
    want = {  # scenario: (A1 gp, A1 hosp, A2 gp, A2 hosp)
        "baseline": (12000.0, 4000.0, 4000.0, 1000.0),
        # extra_use adds 3*0.5 per person-year in A1: 12000 + 6000 = 18000 (the index does not
        # multiply the added units); eol hosp * (1 - 0.5*0.5) = 3000
        "without-t2": (18000.0, 3000.0, 4000.0, 1000.0),
        # then `less` (m = 1 - 0.5 = 0.5, every area) halves the total: 9000; A2 4000 -> 2000
        "plan": (9000.0, 3000.0, 2000.0, 1000.0),
        "without-t1": (6000.0, 4000.0, 2000.0, 1000.0),
    }
    for sc, (g1, h1, g2, h2) in want.items():
        ck.close(care[sc, "2024", "A1", "gp"]["units"], g1, sc + " A1 gp units")
        ck.close(care[sc, "2024", "A1", "hosp"]["units"], h1, sc + " A1 hosp units")
        ck.close(care[sc, "2024", "A2", "gp"]["units"], g2, sc + " A2 gp units")
        ck.close(care[sc, "2024", "A2", "hosp"]["units"], h2, sc + " A2 hosp units")
        ck.close(care[sc, "2024", "A1", "gp"]["cost"], g1 * 10, sc + " A1 gp cost")
        ck.close(care[sc, "2024", "A1", "gp"]["fte"], g1 * 0.001, sc + " A1 gp fte")
        ck.close(care[sc, "2024", "A1", "gp"]["m2"], g1 * 0.5, sc + " A1 gp m2")
    # care-use criterion (zvw): baseline 2024 (12000 + 4000)*10 + (4000 + 1000)*100 = 660000;
    # without-t2 (18000 + 4000)*10 + (3000 + 1000)*100 = 620000 -> (660000 - 620000)/660000
    # = 6.0606 %; the added gp consults count (without them: 9.0909 %)
    ck.close(cr["without-t2", "2024", "care_use"]["value"], 40000 / 660000 * 100, "care use with extra use")
    # staff: gross = baseline FTE - scenario FTE (gp 0.001, hosp 0.01 per unit): baseline
    # (12000 + 4000)*0.001 + (4000 + 1000)*0.01 = 16 + 50 = 66; plan (9000 + 2000)*0.001 +
    # (3000 + 1000)*0.01 = 11 + 40 = 51 -> 15
    ck.close(cr["plan", "2024", "staff"]["value"], 15.0, "plan staff")
    # without an area_use_index table every index is 1: A1 gp 8000, hosp 2000
    plan2 = write_plan(os.path.join(tmp, "noidx"), AREA_YAML.replace("area_use_index: aidx.csv\n", ""), {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 4000, ("A2", "f", 50): 2000}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.1 if x == 50 else 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\ngp,all,f,0,100,2\n",
        "eol.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,5\n"})
    csref.run(plan2, os.path.join(tmp, "noidx", "out"))
    care2 = read(os.path.join(tmp, "noidx", "out"), "care.csv", ("scenario", "year", "area", "sector"))
    ck.close(care2["baseline", "2024", "A1", "gp"]["units"], 8000.0, "no index: A1 gp")
    ck.close(care2["baseline", "2024", "A1", "hosp"]["units"], 2000.0, "no index: A1 hosp")
    ck.close(care2["plan", "2024", "A1", "gp"]["units"], (8000.0 + 6000.0) * 0.5, "no index: plan A1 gp")


STAFF_PP_YAML = """careshift: 1
plan: {name: own staff per participant and lines by subregion}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}, {id: wmo, name: Wmo}]
sectors:
  - {id: gp, name: GP, unit: consult, payer: zvw, chain: primary, price: 10, fte_per_unit: 0.001, group: g}
use: use.csv
economics: {price_year: 2024, discount_rate: 0, discount_rate_effects: 0}
themes:
  - id: t
    name: T
    interventions:
      - id: coach
        name: Coaching
        target: {areas: [A1]}
        uptake: {max: 1}
        costs:
          - {payer: zvw, per_participant: 10, fte_per_participant: 0.001}
        resources:
          - {organisation: O, role: lead, fte: 0.5}
      - id: budget
        name: IZA budget
        target: {areas: [A1]}
        uptake: {max: 1}
        costs:
          - {payer: wmo, once: 20000, year: 2024, by_subregion: {R1: 0.6, R2: 0.4}}
          - {payer: wmo, per_year: 1000, by_subregion: {R2: 1}}
          - {payer: wmo, once: 500, year: 2024}
scenarios:
  - {id: r1, subregions: [R1]}
  - {id: r2, subregions: [R2]}
  - {id: late, delay: {R2: 1}}
  - {id: r1-late, subregions: [R1], delay: {R1: 1}}
"""


def case_staff_pp_by_subregion(tmp, ck):
    """v0.2 fte_per_participant (model.md section 4 "The plan's own staff", section 8) and
    by_subregion shares of once and per_year lines (section 4 "Lines split by subregion",
    section 7 business case per subregion)."""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\n",
        "population.csv": population({("A1", "f", 50): 4000, ("A2", "f", 50): 1000}, areas=("A1", "A2")),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\n"}
    plan = write_plan(tmp, STAFF_PP_YAML, files)
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    stf = read(out, "staff.csv", ("scenario", "year"))
    cr = read(out, "criteria.csv", ("scenario", "year", "criterion"))
    imp = read(out, "implementation.csv", ("scenario", "year", "intervention", "line", "payer"))
    bcs = read(out, "business_case_subregion.csv", ("scenario", "subregion", "stakeholder"))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    # own staff: 4000 participants (A1, uptake 1) * 0.001 = 4 FTE, plus the lead's 0.5 FTE
    # (coverage 1) = 4.5; r2 (A1 left out): no participants, coverage 0 -> 0; r1: 4.5;
    # r1-late: 2024 no participants (uptake starts 2025), resources coverage 1 -> 0.5; 2025 4.5
    want_own = {"plan": (4.5, 4.5), "r1": (4.5, 4.5), "r2": (0.0, 0.0), "late": (4.5, 4.5),
                "r1-late": (0.5, 4.5), "without-t": (0.0, 0.0)}
    for sc, v in want_own.items():
        for y, w in zip(("2024", "2025"), v):
            ck.close(stf[sc, y]["plan_staff_fte"], w, "%s %s own staff" % (sc, y))
            # no effects: gross 0, the criterion is minus the own staff
            ck.close(cr[sc, y, "staff"]["value"], -w, "%s %s staff criterion" % (sc, y))
    # the once line of 20000 split {R1: 0.6, R2: 0.4}: 12000 + 8000 (by persons it would be all
    # R1, the intervention targets A1 only). plan: 20000 in 2024, R1 12000, R2 8000.
    # r1: 12000 (the line's coverage 0.6, not the persons' 1); r2: 8000 (persons' 0);
    # late (R2 delayed 1 year): 12000 in 2024, 8000 in 2025; r1-late: R1's 12000 in 2025.
    # the per_year line {R2: 1}: 1000 a year in plan, r2, late (R2's part 2025 only: 2024 moves
    # to 2025 and 2025 to 2026, past the horizon), none in r1 and r1-late.
    # the third line (500, no by_subregion) by the persons' shares: all R1 (coverage 1 in r1,
    # 0 in r2).
    want = {  # scenario: ((line1 2024, 2025), (line2 2024, 2025), (line3 2024, 2025))
        "plan": ((20000, 0), (1000, 1000), (500, 0)),
        "r1": ((12000, 0), (0, 0), (500, 0)),
        "r2": ((8000, 0), (1000, 1000), (0, 0)),
        "late": ((12000, 8000), (0, 1000), (500, 0)),
        "r1-late": ((0, 12000), (0, 0), (0, 500)),
    }
    for sc, lines in want.items():
        for li, v in enumerate(lines):
            for y, w in zip(("2024", "2025"), v):
                ck.close(imp[sc, y, "budget", str(li + 1), "wmo"]["cost"], float(w),
                         "%s %s line %d" % (sc, y, li + 1))
    # the per-participant line: 4000 * 10 = 40000 a year (zvw) in plan
    ck.close(imp["plan", "2024", "coach", "1", "zvw"]["cost"], 40000.0, "per participant")
    # business case per subregion (discount 0): plan R1 wmo 12000 + 500, R2 8000 + 2000;
    # r1: R1 12500, R2 0; late: R1 12500, R2 8000 + 1000; zvw's per_participant all R1
    want_bcs = {("plan", "R1"): 12500.0, ("plan", "R2"): 10000.0, ("r1", "R1"): 12500.0,
                ("r1", "R2"): 0.0, ("r2", "R2"): 10000.0, ("r2", "R1"): 0.0,
                ("late", "R1"): 12500.0, ("late", "R2"): 9000.0}
    for (sc, r), w in want_bcs.items():
        ck.close(bcs[sc, r, "wmo"]["investment"], w, "%s %s wmo investment" % (sc, r))
    ck.close(bcs["plan", "R1", "zvw"]["investment"], 80000.0, "plan R1 zvw (per participant)")
    ck.close(bcs["plan", "R2", "zvw"]["investment"], 0.0, "plan R2 zvw")
    ck.close(bc["plan", "wmo"]["investment"], 22500.0, "plan wmo investment")
    ck.close(bc["r1", "wmo"]["investment"], 12500.0, "r1 wmo investment")
    # refused: fte_per_participant on a per_year line, shares not adding up to 1, an unknown
    # subregion, by_subregion on a per_participant line
    for bad in ("{payer: wmo, per_year: 1000, fte_per_participant: 0.1}",
                "{payer: wmo, once: 1, by_subregion: {R1: 0.5, R2: 0.3}}",
                "{payer: wmo, once: 1, by_subregion: {R3: 1}}",
                "{payer: wmo, per_participant: 1, by_subregion: {R1: 1}}"):
        d = os.path.join(tmp, "bad%d" % ck.n)
        p = write_plan(d, STAFF_PP_YAML.replace("{payer: wmo, once: 500, year: 2024}", bad), files)
        try:
            csref.run(p, os.path.join(d, "out"))
            ck.equal("accepted", "PlanError", bad)
        except csref.PlanError:
            ck.equal("PlanError", "PlanError", bad)


def case_insurers_targeted(tmp, ck):
    """v0.2, changed (model.md section 7 "Per insurer"): a line that names no insurer is paid
    by the insurers where its money goes, not by their regional shares. case_insurers cannot
    tell the two apart (its intervention targets everyone, so the targeted persons' shares
    equal the regional ones); here each intervention targets one area. R1 has two areas with
    different market shares, one of them targeted, so ins[R1, k] weights by the targeted
    persons T[a], not by the population."""
    yml = """careshift: 1
plan: {name: insurers-targeted}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2025}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}]
insurers: {payer: zvw, shares: insurer_shares.csv}
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.001, group: gh}
use: use.csv
economics: {price_year: 2024, discount_rate: 0.25}
themes:
  - id: t
    name: T
    interventions:
      - id: care
        name: Care at home in A1
        target: {areas: [A1]}
        uptake: {max: 1}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
        costs:
          - {payer: zvw, per_year: 2000}
          - {payer: zvw, per_participant: 3}
      - id: iv2
        name: Something in A2
        target: {areas: [A2]}
        uptake: {max: 0.5}
        costs:
          - {payer: zvw, once: 4000, year: 2025}
"""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\nA2,Two,R2\nA3,Three,R1\n",
        "population.csv": population({("A1", "f", 50): 1000, ("A2", "f", 50): 3000, ("A3", "f", 50): 2000},
                                     areas=("A1", "A2", "A3")),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "insurer_shares.csv": "area,insurer,share\nA1,CZ,0.8\nA1,VGZ,0.2\nA2,CZ,0.25\nA2,VGZ,0.75\n"
                              "A3,CZ,0.5\nA3,VGZ,0.5\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,1\n",
    }
    plan = write_plan(tmp, yml, files)
    out = os.path.join(tmp, "out")
    csref.run(plan, out)
    bi = read(out, "business_case_insurer.csv", ("scenario", "insurer"))
    bc = read(out, "business_case.csv", ("scenario", "stakeholder"))
    # q = 0, no births or migration: A1 1000, A2 3000, A3 2000 women every year. Discount
    # factors at 25 %: 1 (2024), 0.8 (2025).
    # Savings: only A1's hosp use halves (uptake 1 from 2024): -0.5 * 1000 * 100 = -50000 a
    # year, discounted 50000 + 40000 = 90000 (zvw). CZ 0.8 * 90000 = 72000, VGZ 18000.
    # Investment, by where each line's money goes:
    #   care per_year 2000 (2024, 2025): 2000 + 1600 = 3600. Subregion parts of the targeted
    #     base-year persons: R1 1000 (A1; A3 is not targeted), R2 0 -> all in R1, and
    #     ins[R1, k] = sum_(a in R1) T[a] share[a,k] / sum T[a] = (1000 * 0.8 + 0 * 0.5) / 1000
    #     = 0.8 for CZ (by the population of R1 it would be (800 + 1000) / 3000 = 0.6).
    #     CZ 0.8 * 3600 = 2880, VGZ 720.
    #   care per_participant 3: participants 1000 (A1, uptake 1) a year, 3000 + 2400 = 5400,
    #     all in A1: CZ 0.8 * 5400 = 4320, VGZ 1080.
    #   iv2 once 4000 in 2025 (factor 0.8): 3200, all in R2 (A2 only): ins[R2, CZ] = 0.25.
    #     CZ 800, VGZ 2400.
    #   CZ 2880 + 4320 + 800 = 8000; VGZ 720 + 1080 + 2400 = 4200; sum 12200 = zvw's
    #   3600 + 5400 + 3200.
    # (v0.1's regional shares: CZ (800 + 750 + 1000) / 6000 = 0.425 of every line: CZ 5185,
    # VGZ 7015; the test tells the two rules apart.)
    # NPV: CZ 72000 - 8000 = 64000; VGZ 18000 - 4200 = 13800.
    want = {"CZ": (8000.0, 72000.0, 64000.0), "VGZ": (4200.0, 18000.0, 13800.0)}
    for k, vals in want.items():
        for c, v in zip(("investment", "savings", "npv"), vals):
            ck.close(bi["plan", k][c], v, "targeted: plan %s %s" % (k, c))
            ck.close(bi["without-t", k][c], 0.0, "targeted: without-t %s %s" % (k, c))
    ck.close(bc["plan", "zvw"]["investment"], 12200.0, "targeted: zvw investment")
    ck.close(bc["plan", "zvw"]["savings"], 90000.0, "targeted: zvw savings")
    for c in ("investment", "savings", "npv"):
        ck.close(sum(float(bi["plan", k][c]) for k in want), float(bc["plan", "zvw"][c]),
                 "targeted: insurers add up to zvw's %s" % c)


def case_price_index(tmp, ck):
    """v0.2 (model.md section 7 "Budget impact"): `economics.price_index` {year: index}:
    net_current = net * L(t) / L(price_year), L(t) = index[y] * (1 + inflation)^(t - y), y the
    index's last year <= t (its first year when t is before it); with a gap in the index, a
    price year and base year before its first year, and without `inflation`. The plan of
    case_budget (price year 2023, inflation 0.1, years 2024-2026): net zvw 10000, -60000,
    -60000; wmo 1000, 3000, 3000; total 11000, -57000, -57000."""
    yml0 = """careshift: 1
plan: {name: budget}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
payers: [{id: zvw, name: Zvw}, {id: wmo, name: Wmo}]
workforce_total_fte: 4200
sectors:
  - {id: hosp, name: H, unit: day, payer: zvw, chain: secondary, price: 100, fte_per_unit: 0.001, group: gh}
  - {id: gp, name: GP, unit: consult, payer: wmo, chain: primary, price: 20, fte_per_unit: 0.001, group: gg}
use: use.csv
economics: {price_year: 2023, %s discount_rate: 0.035}
themes:
  - id: t
    name: T
    interventions:
      - id: sub
        name: Substitution
        uptake: {max: 1, start: 2025}
        effects:
          - {kind: use, sector: hosp, change: -0.5}
          - {kind: shift, from: hosp, to: gp, fraction: 0.2, ratio: 1}
        costs:
          - {payer: zvw, once: 10000, year: 2024}
          - {payer: wmo, per_year: 1000}
"""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        "population.csv": population({("A1", "f", 50): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "use.csv": "sector,state,sex,age_from,age_to,rate\nhosp,all,f,0,100,1\ngp,all,f,0,100,2\n",
    }
    net = {"zvw": (10000.0, -60000.0, -60000.0), "wmo": (1000.0, 3000.0, 3000.0),
           "total": (11000.0, -57000.0, -57000.0)}
    # A: index {2022: 1.0, 2024: 1.2, 2026: 1.5}, inflation 0.1:
    #   L(2023) = 1.0 * 1.1 = 1.1 (2022 is the last year <= 2023), L(2024) = 1.2,
    #   L(2025) = 1.2 * 1.1 = 1.32 (the gap: 2024 continued), L(2026) = 1.5;
    #   factors L(t) / L(2023): 1.2/1.1 = 1.090909..., 1.32/1.1 = 1.2, 1.5/1.1 = 1.363636...
    #   (without the index 1.1, 1.21, 1.331). zvw: 10909.0909..., -72000, -81818.1818...
    # B: index {2025: 2.0, 2026: 2.1}, inflation 0.1: 2023 and 2024 are before its first year:
    #   L(2023) = 2.0 * 1.1^-2 = 2/1.21, L(2024) = 2/1.1, L(2025) = 2, L(2026) = 2.1;
    #   factors 1.1, 1.21, 2.1 * 1.21 / 2 = 1.2705.
    # C: B without inflation (default 0): L = 2, 2, 2, 2.1; factors 1, 1, 1.05.
    variants = {
        "A": ("inflation: 0.1, price_index: {2022: 1.0, 2024: 1.2, 2026: 1.5},", (1.2 / 1.1, 1.2, 1.5 / 1.1)),
        "B": ("inflation: 0.1, price_index: {2025: 2.0, 2026: 2.1},", (1.1, 1.21, 1.2705)),
        "C": ("price_index: {2025: 2.0, 2026: 2.1},", (1.0, 1.0, 1.05)),
    }
    for name, (eco, fac) in variants.items():
        d = os.path.join(tmp, name)
        plan = write_plan(d, yml0 % eco, files)
        out = os.path.join(d, "out")
        csref.run(plan, out)
        bi = read(out, "budget_impact.csv", ("scenario", "year", "stakeholder"))
        for p, nets in net.items():
            cum = 0.0
            for ti, n in enumerate(nets):
                row = bi["plan", str(2024 + ti), p]
                ck.close(row["net"], n, "price_index %s: %s %d net" % (name, p, 2024 + ti))
                ck.close(row["net_current"], n * fac[ti], "price_index %s: %s %d net_current" % (name, p, 2024 + ti))
                cum += n * fac[ti]
                ck.close(row["net_cumulative_current"], cum, "price_index %s: %s %d cumulative" % (name, p, 2024 + ti))
    # refused: years not ascending, an index of 0, an index as a distribution
    for bad in ("price_index: {2025: 1.0, 2024: 1.1},", "price_index: {2024: 0},",
                "price_index: {2024: {fixed: 1.0}},"):
        d = os.path.join(tmp, "bad%d" % ck.n)
        plan = write_plan(d, yml0 % bad, files)
        try:
            csref.run(plan, os.path.join(d, "out"))
            ck.equal("accepted", "PlanError", bad)
        except csref.PlanError:
            ck.equal("PlanError", "PlanError", bad)


TIA_YAML = """careshift: 1
plan: {name: tia}
region: {name: R, areas: areas.csv}
years: {base: 2024, horizon: 2026}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
%s
states:
  - {id: h, utility: 1}
  - {id: s, utility: 0.5}
state_shares: shares.csv
transitions: transitions.csv
payers: [{id: zvw, name: Zvw}]
economics: {price_year: 2024}
""" + SECTOR0 + """use: use.csv
themes:
  - id: t
    name: T
    interventions:
      - {id: i, name: Nothing, uptake: {max: 0}}
"""


def case_transition_improvement_by_age(tmp, ck):
    """v0.2 (model.md section 2 step 3): `demography.transition_improvement_by_age`, i_p per
    age band of the row's age (the band with the largest first age <= x), a distribution at
    its mean, a negative value; and the scalar `transition_improvement` for comparison; both
    together, a first age other than 0, ages not ascending and a value outside [-1, 1]
    refused."""
    files = {
        "areas.csv": "area,name,subregion\nA1,One,R1\n",
        # 1000 healthy women at each of 50, 59 and 74; q = 0
        "population.csv": population({("A1", "f", 50): 1000, ("A1", "f", 59): 1000, ("A1", "f", 74): 1000}),
        "mortality.csv": mortality(lambda s, x: 0.0),
        "fertility.csv": "age,rate\n",
        "shares.csv": "sex,age,state,share\n" + "".join(
            "%s,%d,h,1\n%s,%d,s,0\n" % (s, x, s, x) for s in "fm" for x in range(101)),
        # every age: h -> s 0.1 (a later state), s -> h 0.2 (recovery, never improved)
        "transitions.csv": "sex,age,from,to,p\n" + "".join(
            "f,%d,h,s,0.1\nf,%d,s,h,0.2\n" % (x, x) for x in range(101)),
        "use.csv": "sector,state,sex,age_from,age_to,rate\n",
    }
    # bands {0: 0.5, 60: uniform(-0.5, 0.5) (mean 0), 75: -1}
    tia = "  transition_improvement_by_age: {0: 0.5, 60: {dist: uniform, min: -0.5, max: 0.5}, 75: -1}"
    plan = write_plan(os.path.join(tmp, "a"), TIA_YAML % tia, files)
    out = os.path.join(tmp, "a", "out")
    csref.run(plan, out, detail=True)
    pop = read(out, "population.csv", ("scenario", "year", "area", "sex", "age", "state"))
    # 2024 (T0): the probabilities as given: each cohort 900 h, 100 s on 1 Jan 2025.
    # 2025 (t - T0 = 1), by the row's age on 1 Jan 2025:
    #   age 51 (band 0, i_p 0.5): p = 1 - 0.9^(0.5) = 0.0513167019...
    #   age 60 (band 60, i_p 0): p = 0.1 as given
    #   age 75 (band 75, i_p -1): p = 1 - 0.9^2 = 0.19
    #   recovery 0.2 everywhere. 1 Jan 2026:
    #   age 52: h = 900 * 0.9^0.5 + 100 * 0.2 = 853.8149682... + 20, s = 900 * (1 - 0.9^0.5) + 80
    #   age 61: h = 810 + 20 = 830, s = 90 + 80 = 170
    #   age 76: h = 729 + 20 = 749, s = 171 + 80 = 251
    r9 = 0.9 ** 0.5
    want = {52: (900 * r9 + 20, 900 * (1 - r9) + 80), 61: (830.0, 170.0), 76: (749.0, 251.0)}
    for age, (h, sv) in want.items():
        ck.close(pop["baseline", "2026", "A1", "f", str(age), "h"]["count"], h, "by_age: age %d h" % age)
        ck.close(pop["baseline", "2026", "A1", "f", str(age), "s"]["count"], sv, "by_age: age %d s" % age)
    for age in (51, 60, 75):
        ck.close(pop["baseline", "2025", "A1", "f", str(age), "h"]["count"], 900.0, "by_age: T0 as given, age %d" % age)
    # the scalar 0.5 acts at every age: age 61 and 76 as age 52 above
    plan = write_plan(os.path.join(tmp, "b"), TIA_YAML % "  transition_improvement: 0.5", files)
    out = os.path.join(tmp, "b", "out")
    csref.run(plan, out, detail=True)
    pop = read(out, "population.csv", ("scenario", "year", "area", "sex", "age", "state"))
    for age in (52, 61, 76):
        ck.close(pop["baseline", "2026", "A1", "f", str(age), "h"]["count"], 900 * r9 + 20, "scalar: age %d h" % age)
    # refused
    for bad in ("  transition_improvement: 0.01\n  transition_improvement_by_age: {0: 0.01}",
                "  transition_improvement_by_age: {10: 0.01, 60: 0.02}",
                "  transition_improvement_by_age: {0: 0.01, 80: 0.02, 70: 0}",
                "  transition_improvement_by_age: {0: 0.01, 80: 2}"):
        d = os.path.join(tmp, "bad%d" % ck.n)
        plan = write_plan(d, TIA_YAML % bad, files)
        try:
            csref.run(plan, os.path.join(d, "out"))
            ck.equal("accepted", "PlanError", bad)
        except csref.PlanError:
            ck.equal("PlanError", "PlanError", bad)


CASES = [case_demography, case_states, case_care, case_scenarios, case_staff, case_effects,
         case_delay_costs, case_shapley, case_after_funding, case_wrong_pocket, case_theme_roi,
         case_budget, case_insurers, case_shapley_intervention, case_hazard, case_cycle_correction,
         case_wrong_pocket_intervention, case_life_table_age, case_area_index_extra_use,
         case_staff_pp_by_subregion, case_insurers_targeted, case_price_index,
         case_transition_improvement_by_age]



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
