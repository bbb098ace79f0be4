#!/usr/bin/env python3
"""Writes examples/sick-sicker/: the time-independent Sick-Sicker model of the DARTH tutorial
(Alarid-Escudero, Krijkamp, Enns, Yang, Hunink, Pechlivanoglou, Jalal: "An Introductory
Tutorial on Cohort State-Transition Models in R Using a Cost-Effectiveness Analysis Example",
Medical Decision Making 43(1) 2023) as a careshift plan, for the cross-validation of
docs/validation.md.

The tutorial's inputs (its Table 2), all annual: rates H->S1 0.15, S1->H 0.5, S1->S2 0.105,
background mortality 0.002 with hazard ratios 3 (S1) and 10 (S2); treatment B a hazard ratio
0.6 on S1->S2; costs per cycle H 2000, S1 4000, S2 15000, treatment A 12000, treatment B 13000
(both given in S1 and S2); utilities H 1, S1 0.75, S2 0.5, S1 under treatment A 0.95; 3 %
discounting of costs and QALYs; 75 annual cycles from age 25; Simpson's 1/3 within-cycle
correction. Every rate r becomes a probability 1 - exp(-r), as the tutorial does.

usage: derive_sick_sicker.py OUTDIR
"""
import math
import os
import sys

AGES = range(101)
SEXES = ("f", "m")
STATES = ("H", "S1", "S2")


def prob(rate):
    return 1.0 - math.exp(-rate)


def write(d, name, header, rows, note):
    with open(os.path.join(d, name), "w") as f:
        f.write(f"# {note}\n{header}\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")


def main(out):
    os.makedirs(out, exist_ok=True)
    src = "DARTH Sick-Sicker model (Alarid-Escudero et al., Med Decis Making 2023), scripts/derive_sick_sicker.py"
    write(out, "areas.csv", "area,name,subregion", [("C", "cohort", "all")], src)
    # a cohort of 1,000 women aged 25 (the model has no sex or births; totals.csv per person)
    write(out, "population.csv", "area,sex,age,count",
          [("C", s, x, 1000 if (s, x) == ("f", 25) else 0) for s in SEXES for x in AGES], src)
    q = f"{prob(0.002):.17g}"  # background mortality: rate 0.002 at every age
    write(out, "mortality.csv", "sex,age,q", [(s, x, q) for s in SEXES for x in AGES], src)
    write(out, "fertility.csv", "age,rate", [], src + "; no births")
    write(out, "state_shares.csv", "sex,age,state,share",
          [(s, x, k, 1 if k == "H" else 0) for s in SEXES for x in AGES for k in STATES],
          src + "; everyone starts healthy")
    moves = (("H", "S1", 0.15), ("S1", "H", 0.5), ("S1", "S2", 0.105))
    write(out, "transitions.csv", "sex,age,from,to,p",
          [(s, x, a, b, f"{prob(r):.17g}") for s in SEXES for x in AGES for a, b, r in moves],
          src + "; p = 1 - exp(-rate), among the survivors")
    cost = {"H": 2000, "S1": 4000, "S2": 15000}
    write(out, "use.csv", "sector,state,sex,age_from,age_to,rate",
          [("state_cost", k, s, 0, 100, cost[k]) for k in STATES for s in SEXES],
          src + "; the cost of a year in the state, as units of 1 euro")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
