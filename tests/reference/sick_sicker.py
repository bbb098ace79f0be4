#!/usr/bin/env python3
"""The DARTH Sick-Sicker model (time-independent) as the tutorial computes it: a Markov trace
of (H, S1, S2, D) over 75 annual cycles from the tutorial's rates, costs and utilities, with
its Simpson 1/3 cycle weights and 3 % discounting. Independent of careshift's plan format and
code; tests/test_validation.py compares careshift's totals.csv with it to 1e-9.

usage: sick_sicker.py     prints strategy,cost,qalys per person
"""
import math

N_CYCLES = 75


def prob(rate):
    return 1.0 - math.exp(-rate)


def strategy(a, b):
    """Expected discounted (cost, QALYs) per person with treatment A and/or B."""
    p_hs1, p_s1h = prob(0.15), prob(0.5)
    p_s1s2 = prob(0.105 * (0.6 if b else 1.0))
    p_hd, p_s1d, p_s2d = prob(0.002), prob(0.002 * 3), prob(0.002 * 10)
    c_trt = 12000 * a + 13000 * b
    h, s1, s2 = 1.0, 0.0, 0.0
    cost = qalys = 0.0
    for c in range(N_CYCLES + 1):
        w = 1 / 3 if c in (0, N_CYCLES) else (2 / 3 if c % 2 else 4 / 3)
        d = 1.03 ** -c
        cost += w * d * (h * 2000 + s1 * (4000 + c_trt) + s2 * (15000 + c_trt))
        qalys += w * d * (h * 1.0 + s1 * (0.95 if a else 0.75) + s2 * 0.5)
        h, s1, s2 = (h * (1 - p_hd) * (1 - p_hs1) + s1 * (1 - p_s1d) * p_s1h,
                     h * (1 - p_hd) * p_hs1 + s1 * (1 - p_s1d) * (1 - p_s1h - p_s1s2),
                     s1 * (1 - p_s1d) * p_s1s2 + s2 * (1 - p_s2d))
    return cost, qalys


STRATEGIES = {"standard of care": (0, 0), "strategy A": (1, 0), "strategy B": (0, 1),
              "strategy AB": (1, 1)}

if __name__ == "__main__":
    for name, (a, b) in STRATEGIES.items():
        c, q = strategy(a, b)
        print(f"{name},{c:.6f},{q:.9f}")
