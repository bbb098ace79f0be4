"""baseplan.py: the small valid plan that tests/bad_inputs.py and tests/hostile_inputs.py
each break in their own ways: plan.yaml (PLAN) and its CSV tables (base_files())."""

PLAN = """careshift: 1
plan:
  name: Base plan
region:
  name: Testland
  areas: areas.csv
years: {base: 2024, horizon: 2030}
population: population.csv
demography:
  mortality: mortality.csv
  fertility: fertility.csv
  migration: migration.csv
states:
  - {id: well, utility: 0.9}
  - {id: ill, utility: 0.6, mortality_rr: 2.0}
state_shares: state_shares.csv
transitions: transitions.csv
payers:
  - {id: zvw, name: Zvw}
  - {id: wmo, name: Wmo}
workforce: workforce.csv
sectors:
  - id: gp
    name: GP
    unit: consult
    payer: zvw
    chain: primary
    price: 38.0
    fte_per_unit: 0.0003
    group: gp_group
  - id: home
    name: Home care
    unit: hour
    payer: wmo
    chain: social
    price: 60
    fte_per_unit: 0.001
    group: nurses
use: use.csv
end_of_life_use: eol.csv
economics:
  price_year: 2024
criteria:
  care_use_payer: zvw
parameters:
  eff: {dist: beta, mean: 0.2, sd: 0.05}
themes:
  - id: th1
    name: Theme one
    interventions:
      - id: iv1
        name: Intervention one
        target: {subregions: [South], ages: [65, 100], states: [ill]}
        uptake: {max: 0.5, ramp_years: 2, start: 2025, curve: linear}
        effects:
          - {kind: use, sector: home, change: {neg: $eff}}
          - {kind: transition, from: ill, to: well, change: 0.2}
          - {kind: shift, from: home, to: gp, fraction: 0.1, ratio: 0.5}
          - {kind: workforce, group: nurses, extra_inflow: 1}
        costs:
          - {payer: wmo, per_year: 1000}
          - {payer: zvw, once: 500, year: 2025}
scenarios:
  - {id: south-only, subregions: [South]}
  - {id: north-later, delay: {North: 1}}
"""


def base_files():
    f = {"plan.yaml": PLAN, "areas.csv": "area,name,subregion\nA1,Noord,North\nA2,Zuid,South\n"}
    pop = ["area,sex,age,count"]  # line of (A1, f, x) is 2 + x
    for a in ("A1", "A2"):
        for s in "fm":
            pop += [f"{a},{s},{x},{100 + x}" for x in range(101)]
    f["population.csv"] = "\n".join(pop) + "\n"
    f["mortality.csv"] = "sex,age,q\n" + "".join(
        f"{s},{x},{min(0.5, 0.001 * 1.07 ** x):.6f}\n" for s in "fm" for x in range(101))
    f["fertility.csv"] = "age,rate\n" + "".join(f"{x},0.05\n" for x in range(20, 40))
    f["migration.csv"] = "area,sex,age,net\nA1,f,30,2.5\nA2,m,40,-1\n"
    sh = ["sex,age,state,share"]  # line of (s, x, well) is 2 + 2*(101*si + x)
    for s in "fm":
        for x in range(101):
            sh += [f"{s},{x},well,0.8", f"{s},{x},ill,0.2"]
    f["state_shares.csv"] = "\n".join(sh) + "\n"
    f["transitions.csv"] = "sex,age,from,to,p\nf,70,well,ill,0.1\nm,70,well,ill,0.12\nf,70,ill,well,0.05\n"
    f["workforce.csv"] = ("group,subregion,fte,retire_rate,outflow_rate,inflow_fte\n"
                          "nurses,North,100,0.03,0.05,2\nnurses,South,80,0.03,0.05,1\n")
    f["use.csv"] = ("sector,state,sex,age_from,age_to,rate\n"
                    "gp,well,f,0,64,2\ngp,well,f,65,100,4\ngp,ill,f,0,100,6\n"
                    "home,ill,m,65,100,18\n")
    f["eol.csv"] = "sector,state,sex,age_from,age_to,rate\nhome,ill,f,0,100,30\n"
    return f
