#!/usr/bin/env python3
"""Writes a synthetic national-size plan for benchmarks: N areas in N/10 subregions, four
care-need states, ten sectors, five themes of two interventions each, 2024-2040.

usage: synth_plan.py DIR [--areas N] [--seed S]
The numbers are plausible in size, not real: this plan measures speed, not the Netherlands.
"""
import argparse
import os
import random

X = 100
STATES = [("healthy", 0.9, 1.0), ("chronic", 0.75, 1.5), ("frail", 0.55, 3.0), ("dependent", 0.4, 6.0)]
SECTORS = [  # id, payer, chain, price, fte/unit, m2/unit, group
    ("gp", "zvw", "primary", 38, 3e-4, 0.0, "gp"), ("hosp_day", "zvw", "secondary", 700, 2e-3, 0.05, "hospital"),
    ("outpatient", "zvw", "secondary", 150, 4e-4, 0.01, "hospital"), ("ed", "zvw", "secondary", 280, 1e-3, 0.02, "hospital"),
    ("dn_hour", "zvw", "primary", 80, 6e-4, 0.0, "nursing"), ("nh_day", "wlz", "long_term", 290, 1.2e-3, 0.15, "nursing"),
    ("home_support", "wmo", "social", 35, 6e-4, 0.0, "social"), ("hospice_day", "zvw", "long_term", 500, 1.5e-3, 0.1, "nursing"),
    ("mh_contact", "zvw", "secondary", 130, 5e-4, 0.01, "mental"), ("pharmacy", "zvw", "primary", 1, 0.0, 0.0, "gp"),
]


def write(d, name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


def tables(d, n, rnd):
    subs = [f"R{i // 10 + 1}" for i in range(n)]
    write(d, "areas.csv", "area,name,subregion\n" + "".join(f"A{i},Area {i},{subs[i]}\n" for i in range(n)))
    pop = ["area,sex,age,count"]
    for i in range(n):
        size = rnd.uniform(2000, 30000)
        for s in "fm":
            for x in range(X + 1):
                pop.append(f"A{i},{s},{x},{size * max(0.002, 1 - x / 95) * rnd.uniform(0.8, 1.2) / 60:.3f}")
    write(d, "population.csv", "\n".join(pop) + "\n")
    write(d, "mortality.csv", "sex,age,q\n" + "".join(
        f"{s},{x},{min(0.5, 0.0002 * 1.1 ** x * (1.2 if s == 'm' else 1)):.6g}\n" for s in "fm" for x in range(X + 1)))
    write(d, "fertility.csv", "age,rate\n" + "".join(f"{x},0.055\n" for x in range(18, 45)))
    write(d, "migration.csv", "area,sex,age,net\n" + "".join(
        f"A{i},{s},{x},{rnd.uniform(-3, 3):.3f}\n" for i in range(n) for s in "fm" for x in range(0, X + 1, 5)))
    sh = ["sex,age,state,share"]
    tr = ["sex,age,from,to,p"]
    for s in "fm":
        for x in range(X + 1):
            c, f, dp = min(0.5, x / 200), min(0.2, x / 500), min(0.1, x / 1000)
            sh += [f"{s},{x},healthy,{1 - c - f - dp!r}", f"{s},{x},chronic,{c!r}", f"{s},{x},frail,{f!r}", f"{s},{x},dependent,{dp!r}"]
            tr += [f"{s},{x},healthy,chronic,{min(0.2, 0.002 * 1.04 ** x):.6f}",
                   f"{s},{x},chronic,frail,{min(0.2, 0.002 * 1.05 ** x):.6f}",
                   f"{s},{x},frail,dependent,{min(0.3, 0.01 * 1.03 ** x):.6f}"]
    write(d, "state_shares.csv", "\n".join(sh) + "\n")
    write(d, "transitions.csv", "\n".join(tr) + "\n")
    use = ["sector,state,sex,age_from,age_to,rate"]
    eol = ["sector,state,sex,age_from,age_to,rate"]
    for c in SECTORS:
        for k, (st, _, _) in enumerate(STATES):
            for s in "fm":
                for lo, hi in ((0, 17), (18, 44), (45, 64), (65, 79), (80, 100)):
                    use.append(f"{c[0]},{st},{s},{lo},{hi},{rnd.uniform(0.05, 3) * (1 + k):.5f}")
                    eol.append(f"{c[0]},{st},{s},{lo},{hi},{rnd.uniform(0, 10):.5f}")
    write(d, "use.csv", "\n".join(use) + "\n")
    write(d, "eol.csv", "\n".join(eol) + "\n")
    wf = ["group,subregion,fte,retire_rate,outflow_rate,inflow_fte"]
    for g in sorted({c[6] for c in SECTORS}):
        for r in sorted(set(subs)):
            wf.append(f"{g},{r},{rnd.uniform(100, 2000):.1f},0.03,0.06,{rnd.uniform(5, 50):.1f}")
    write(d, "workforce.csv", "\n".join(wf) + "\n")
    return sorted(set(subs))


def yaml(d, subs):
    st = "".join(f"  - {{id: {k}, utility: {u}, mortality_rr: {rr}}}\n" for k, u, rr in STATES)
    sec = "".join(f"  - {{id: {c[0]}, name: {c[0]}, unit: unit, payer: {c[1]}, chain: {c[2]}, price: {c[3]}, "
                  f"fte_per_unit: {c[4]}, m2_per_unit: {c[5]}, group: {c[6]}, growth: 0.01}}\n" for c in SECTORS)
    themes = ""
    for t in range(5):
        themes += f"  - id: theme{t}\n    name: Theme {t}\n    interventions:\n"
        for j in range(2):
            c = SECTORS[(2 * t + j) % 9]
            themes += (f"      - id: iv{t}{j}\n        name: Intervention {t}{j}\n"
                       f"        target: {{ages: [{40 + 10 * j}, 100]}}\n"
                       f"        uptake: {{max: {{dist: beta, mean: 0.4, sd: 0.1}}, ramp_years: 4, start: 2025, "
                       f"start_by_subregion: {{{subs[-1]}: 2027}}, curve: logistic}}\n"
                       f"        effects:\n"
                       f"          - {{kind: use, sector: {c[0]}, change: {{dist: normal, mean: -0.15, sd: 0.04}}}}\n"
                       f"          - {{kind: shift, from: hosp_day, to: dn_hour, fraction: 0.1, ratio: 3}}\n"
                       f"          - {{kind: transition, from: frail, to: dependent, change: -0.1}}\n"
                       f"          - {{kind: workforce, group: nursing, outflow_change: -0.1, extra_inflow: 2}}\n"
                       f"        costs:\n          - {{payer: zvw, per_participant: 100}}\n"
                       f"          - {{payer: wmo, per_year: 100000}}\n")
    text = f"""careshift: 1
plan:
  name: Synthetic national benchmark
region:
  name: Synthetic
  areas: areas.csv
years: {{base: 2024, horizon: 2040}}
population: population.csv
demography:
  mortality: mortality.csv
  mortality_improvement: 0.01
  fertility: fertility.csv
  migration: migration.csv
states:
{st}state_shares: state_shares.csv
transitions: transitions.csv
payers:
  - {{id: zvw, name: Zvw}}
  - {{id: wlz, name: Wlz}}
  - {{id: wmo, name: Wmo}}
workforce: workforce.csv
sectors:
{sec}use: use.csv
end_of_life_use: eol.csv
economics:
  price_year: 2024
themes:
{themes}scenarios:
  - {{id: first-half, subregions: [{', '.join(subs[:len(subs) // 2])}]}}
  - {{id: later, delay: {{{subs[0]}: 2}}}}
"""
    write(d, "plan.yaml", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--areas", type=int, default=350)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    subs = tables(a.dir, a.areas, random.Random(a.seed))
    yaml(a.dir, subs)


if __name__ == "__main__":
    main()
