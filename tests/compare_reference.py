#!/usr/bin/env python3
"""Compares careshift's deterministic run with the independent Python reference.

usage: compare_reference.py CARESHIFT_BINARY [--keep DIR] [--plans NAME,...] [--seeds FROM-TO] [--jobs N]

For each generated plan (tests/genplan.py; seeds 1..6, plus projection, single-state and psa
variants) it runs `CARESHIFT_BINARY run PLAN --out DIR --detail` and
`tests/reference/csref.py PLAN DIR --detail`, and compares every table of OUTPUTS.md (the v1
tables and the additions staff, criteria_subregion, wrong_pocket, business_case_subregion,
shapley, budget_impact, discount_rates, intervention_costs, theme_roi, totals (every scenario,
the baseline too), shapley_intervention, wrong_pocket_intervention and intervention_roi (all
absent from both outputs with `economics.intervention_shapley: none`; shapley_intervention's
method and theme and intervention_roi's theme must be equal text and orders the same integer)
and, for a plan with
`insurers:`, business_case_insurer, which must be absent from both outputs otherwise): the
same set of key rows (integer keys compared as integers, `discount_rate_pct` as a number rounded to 9
decimals), every value within 1e-9
relative (1e-9 absolute near 0; a difference of two columns of its row, see TERMS, also within
1e-9 of the larger term), empty cells only where the other side is empty too, text cells equal.
One check = one table of one plan.
Prints one line per check, the first mismatches with their keys, and `N passed, M failed`;
exits 1 on any failure.

Environment: CS_SRCDIR = repository root (default: from this file's location); the plan
generator is $CS_SRCDIR/tests/genplan.py unless CS_GENPLAN names another.
"""
import concurrent.futures
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("CS_SRCDIR") or os.path.dirname(HERE)
GENPLAN = os.environ.get("CS_GENPLAN") or os.path.join(SRCDIR, "tests", "genplan.py")
CSREF = os.path.join(SRCDIR, "tests", "reference", "csref.py")

REL = 1e-9
ABS = 1e-9
SHOW = 5                                   # mismatches shown per check

# table -> key columns (OUTPUTS.md)
TABLES = {
    "demography.csv": ("scenario", "year", "area"),
    "care.csv": ("scenario", "year", "area", "sector"),
    "payers.csv": ("scenario", "year", "payer"),
    "workforce.csv": ("scenario", "year", "subregion", "group"),
    "health.csv": ("scenario", "year", "area"),
    "population.csv": ("scenario", "year", "area", "sex", "age", "state"),
    "interventions.csv": ("scenario", "year", "area", "intervention"),
    "implementation.csv": ("scenario", "year", "intervention", "line", "payer"),
    "business_case.csv": ("scenario", "stakeholder"),
    "health_economics.csv": ("scenario",),
    "criteria.csv": ("scenario", "year", "criterion"),
    "resources.csv": ("organisation", "role", "year"),
    # additions of careshift v0.1 and v0.2 (outputs.md)
    "staff.csv": ("scenario", "year"),
    "criteria_subregion.csv": ("scenario", "year", "subregion", "criterion"),
    "wrong_pocket.csv": ("scenario", "investor", "saver"),
    "business_case_subregion.csv": ("scenario", "subregion", "stakeholder"),
    "shapley.csv": ("theme", "metric"),
    "budget_impact.csv": ("scenario", "year", "stakeholder"),
    "discount_rates.csv": ("scenario", "discount_rate_pct", "stakeholder"),
    "intervention_costs.csv": ("scenario", "intervention"),
    "theme_roi.csv": ("scenario", "theme"),
    # v0.2, unless the plan says `economics.intervention_shapley: none` (outputs.md)
    "shapley_intervention.csv": ("intervention", "metric"),
    # only for a plan with `insurers:` (outputs.md): absent in both outputs otherwise
    "business_case_insurer.csv": ("scenario", "insurer"),
    # v0.2: every scenario, the baseline too, on its own (with economics.cycle_correction)
    "totals.csv": ("scenario",),
    # v0.2, with shapley_intervention.csv (left out with it)
    "wrong_pocket_intervention.csv": ("investor", "saver"),
    # v0.2, with shapley_intervention.csv (left out with it)
    "intervention_roi.csv": ("intervention",),
}
OPTIONAL = {"business_case_insurer.csv",   # written only when the plan asks for it
            "shapley_intervention.csv",    # left out with `economics.intervention_shapley: none`
            "wrong_pocket_intervention.csv",   # left out with shapley_intervention.csv
            "intervention_roi.csv"}            # left out with shapley_intervention.csv
# Written by careshift but never compared: only the tables in TABLES are, so a table the
# reference does not write is ignored. run_info.csv (v0.2) says how the run was made (version,
# checksums, seed), which no independent reference can or should reproduce; inputs.csv (v0.2)
# echoes the plan's numbers with their source comments: nothing to compute.
NOT_COMPARED = {"run_info.csv", "inputs.csv"}
assert not NOT_COMPARED & set(TABLES)
# value columns that must be equal as text (method, theme) or as integers (orders)
EXACT_TEXT = {"shapley_intervention.csv": {"method", "theme"}, "intervention_roi.csv": {"theme"}}
EXACT_INT = {"shapley_intervention.csv": {"orders"}}
INT_KEYS = {"year", "age", "line"}
FLOAT_KEYS = {"discount_rate_pct"}         # compared as numbers rounded to 9 decimals

# (name, seed, genplan flags)
DEFAULT_PLANS = [("seed%d" % s, s, []) for s in range(1, 7)] + [
    ("seed7-projection", 7, ["--projection"]),
    ("seed8-single-state", 8, ["--single-state"]),
    ("seed9-projection-single", 9, ["--projection", "--single-state"]),
    ("seed10-projection", 10, ["--projection"]),
    ("seed11-psa", 11, ["--psa"]),
    ("seed12-projection-single-psa", 12, ["--projection", "--single-state", "--psa"]),
]


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def norm_key(col, v):
    v = v.strip()
    if col in INT_KEYS:
        f = num(v)
        if f is not None and f == int(f):
            return str(int(f))
    if col in FLOAT_KEYS:
        f = num(v)
        if f is not None and math.isfinite(f):
            return repr(round(f, 9) + 0.0)            # + 0.0: -0 is 0
    return v


def load(path, keys):
    """Returns (header, {key tuple: {column: text}}, duplicate keys)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rd = csv.reader(fh)
        header = [h.strip() for h in next(rd)]
        missing = [k for k in keys if k not in header]
        if missing:
            raise ValueError("key columns missing: %s" % ", ".join(missing))
        ix = [header.index(k) for k in keys]
        rows, dups = {}, []
        for r in rd:
            if not r:
                continue
            key = tuple(norm_key(k, r[i]) for k, i in zip(keys, ix))
            if key in rows:
                dups.append(key)
            rows[key] = {h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)}
    return header, rows, dups


def diff(a, b):
    """None when a and b agree; else a measure of the difference (float) or 'text'."""
    if a == b:
        return None
    if a == "" or b == "":
        return float("inf")
    fa, fb = num(a), num(b)
    if fa is None or fb is None:
        return float("inf")
    if fa == fb:
        return None
    if math.isnan(fa) or math.isnan(fb):
        return None if (math.isnan(fa) and math.isnan(fb)) else float("inf")
    if math.isinf(fa) or math.isinf(fb):              # equal infinities returned above
        return float("inf")
    d = abs(fa - fb)
    scale = max(abs(fa), abs(fb))
    if d <= ABS or d <= REL * scale:
        return None
    return d / scale if scale > 0 else d


# A value that is a difference of two other columns of its row can be no more accurate than
# those terms: npv = savings - investment loses all its digits when the two nearly cancel.
# Such a value is compared relative to the larger term as well. A Shapley contribution and a
# leave-one-out value are sums of differences of the plan's values over subsets of themes,
# which are of the size of the plan value and of each other, so they are compared relative to
# those as well (a theme whose contribution is near 0 against a large plan value).
TERMS = {"business_case.csv": {"npv": ("investment", "savings"),
                               "npv_marginal": ("investment", "savings_marginal")},
         "discount_rates.csv": {"npv": ("investment", "savings")},
         "budget_impact.csv": {"net": ("care_cost_change", "implementation_cost")},
         "business_case_subregion.csv": {"npv": ("investment", "savings")},
         "business_case_insurer.csv": {"npv": ("investment", "savings")},
         "theme_roi.csv": {"npv": ("investment", "savings")},
         "staff.csv": {"net_fte_saved": ("fte_demand_saved", "plan_staff_fte")},
         "shapley.csv": {"contribution": ("plan_value", "leave_one_out"),
                         "leave_one_out": ("plan_value", "contribution")},
         # per intervention (v0.2): a contribution and its standard error are sums (means) of
         # differences of the plan's values over subsets (orders) of the interventions, so
         # they are compared relative to the plan value as well; an `npv:<p>` row also
         # relative to the same intervention's `savings:<p>` and `investment:<p>` rows (the
         # npv = savings - investment may cancel), see ROW_TERMS
         "shapley_intervention.csv": {"contribution": ("plan_value",),
                                      "standard_error": ("plan_value", "contribution"),
                                      "plan_value": ()},
         # the plan's wrong-pocket matrix per intervention (v0.2): attributed savings are sums
         # of the interventions' Shapley values of the saver's savings (sampled ones carry
         # their noise), so they are compared relative to the saver's savings as well, as a
         # contribution is relative to its plan value
         "wrong_pocket_intervention.csv": {"attributed_savings": ("savings",)},
         # per intervention (v0.2): savings = phi_i(savings:total), see also TABLE_SCALE
         "intervention_roi.csv": {"npv": ("investment", "savings")}}
# table -> function(key, column) giving the keys of other rows whose same column (and whose
# TERMS columns) also make the scale of that value
ROW_TERMS = {"shapley_intervention.csv":
             lambda key, col: [(key[0], "savings:" + key[1][4:]), (key[0], "investment:" + key[1][4:])]
             if key[1].startswith("npv:") else []}




def _roi_scale(col, row, rows):
    """intervention_roi.csv: savings is an intervention's Shapley value of the plan's total
    savings (a sum of differences of the plan's values over subsets or orders, sampled ones
    with their noise), so, as a contribution of shapley_intervention.csv relative to its
    plan value, it is compared relative to the plan's savings as well: S = the larger of
    |sum of the rows' savings| and the largest |savings| of a row; the columns built on it
    (npv, roi = savings / investment, savings_per_participant_year) with the same scale
    carried through."""
    sv = [num(r.get("savings", "")) for r in rows.values()]
    sv = [v for v in sv if v is not None and math.isfinite(v)]
    if not sv:
        return 0.0
    S = max(abs(sum(sv)), max(abs(v) for v in sv))
    if col in ("savings", "npv"):
        return S
    den = num(row.get({"roi": "investment", "savings_per_participant_year": "participant_years_discounted"}.get(col, ""), ""))
    if den is None or not math.isfinite(den) or den == 0:
        return 0.0
    return S / abs(den)


# table -> function(column, row, all rows) giving a further scale of that value from the whole
# table (the reference's rows)
TABLE_SCALE = {"intervention_roi.csv": _roi_scale}


def term_scale(table, col, row, key=None, rows=None):
    scale = 0.0
    if rows is not None and table in TABLE_SCALE:
        scale = TABLE_SCALE[table](col, row, rows)
    others = [row]
    if key is not None and rows is not None and table in ROW_TERMS:
        others += [rows[k] for k in ROW_TERMS[table](key, col) if k in rows]
    for i, r in enumerate(others):
        for t in TERMS.get(table, {}).get(col, ()) + ((col,) if i else ()):
            v = num(r.get(t, ""))
            if v is not None and math.isfinite(v):
                scale = max(scale, abs(v))
    return scale


def rel(a, b):
    fa, fb = num(a), num(b)
    if fa is None or fb is None or not (math.isfinite(fa) and math.isfinite(fb)):
        return 0.0
    sc = max(abs(fa), abs(fb))
    return abs(fa - fb) / sc if sc > 0 else 0.0


def by_scenario(keys, keycols):
    if "scenario" not in keycols:
        return ""
    i = keycols.index("scenario")
    cnt = {}
    for k in keys:
        cnt[k[i]] = cnt.get(k[i], 0) + 1
    return " (by scenario: %s)" % ", ".join("%s %d" % kv for kv in sorted(cnt.items()))


def compare_table(name, keycols, got_path, ref_path):
    """Returns (ok, summary line, detail lines)."""
    if name in OPTIONAL and not os.path.exists(ref_path):
        if os.path.exists(got_path):
            return False, "written by careshift, not by the reference (the plan does not ask for it)", []
        return True, "absent in both (the plan does not ask for it)", []
    if not os.path.exists(got_path):
        return False, "missing in careshift output", []
    try:
        gh, got, gdup = load(got_path, keycols)
    except Exception as e:                              # noqa: BLE001 - reported as a failure
        return False, "careshift table unreadable: %s" % e, []
    rh, ref, _ = load(ref_path, keycols)
    details = []
    ok = True
    vcols = [c for c in rh if c not in keycols]
    miss_cols = [c for c in vcols if c not in gh]
    if miss_cols:
        ok = False
        details.append("value columns missing in careshift: %s" % ", ".join(miss_cols))
    if gdup:
        ok = False
        details.append("%d duplicate key rows in careshift, e.g. %s" % (len(gdup), ",".join(gdup[0])))
    only_ref = sorted(set(ref) - set(got))
    only_got = sorted(set(got) - set(ref))
    if only_ref:
        ok = False
        details.append("%d key rows missing in careshift%s, e.g. %s" % (
            len(only_ref), by_scenario(only_ref, keycols), "; ".join(",".join(k) for k in only_ref[:3])))
    if only_got:
        ok = False
        details.append("%d key rows only in careshift%s, e.g. %s" % (
            len(only_got), by_scenario(only_got, keycols), "; ".join(",".join(k) for k in only_got[:3])))
    worst, worst_at = 0.0, None
    bad = []
    ncells = 0
    for key in sorted(set(ref) & set(got)):
        g, r = got[key], ref[key]
        for c in vcols:
            if c not in gh:
                continue
            ncells += 1
            if c in EXACT_TEXT.get(name, ()):
                d = None if g[c] == r[c] else float("inf")
            elif c in EXACT_INT.get(name, ()):
                gi, ri = num(g[c]), num(r[c])
                d = None if (gi is not None and ri is not None and gi == ri and gi == int(gi)) else float("inf")
            else:
                d = diff(g[c], r[c])
            if d is not None and d != float("inf") and num(g[c]) is not None and num(r[c]) is not None and \
                    abs(num(g[c]) - num(r[c])) <= REL * term_scale(name, c, r, key, ref):
                d = None
            rd = rel(g[c], r[c])
            if rd > worst:
                worst, worst_at = rd, "%s %s" % (",".join(key), c)
            if d is not None:
                bad.append((key, c, g[c], r[c], d))
    if bad:
        ok = False
        details.append("%d of %d values differ" % (len(bad), ncells))
        for key, c, gv, rv, d in bad[:SHOW]:
            details.append("  %s: %s careshift=%r reference=%r (rel %.3g)" % (
                ", ".join("%s=%s" % kv for kv in zip(keycols, key)), c, gv, rv, rel(gv, rv) if d != float("inf") else float("inf")))
    summ = "%d rows, %d values, worst rel diff %.3g%s" % (
        len(ref), ncells, worst, (" at " + worst_at) if worst_at else "")
    return ok, summ, details


def prepare(binary, work, name, seed, flags):
    """Generates a plan and runs careshift and the reference on it. Returns error text or None."""
    pdir = os.path.join(work, name, "plan")
    gdir = os.path.join(work, name, "careshift")
    rdir = os.path.join(work, name, "reference")
    subprocess.run([sys.executable, GENPLAN, pdir, str(seed)] + flags, check=True)
    plan = os.path.join(pdir, "plan.yaml")
    errors = []
    ref = subprocess.Popen([sys.executable, CSREF, plan, rdir, "--detail"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        cs = subprocess.run([binary, "run", plan, "--out", gdir, "--detail"],
                            capture_output=True, text=True, timeout=300)
        if cs.returncode != 0:
            errors.append("careshift exited %d: %s" % (cs.returncode, (cs.stderr or cs.stdout)[-2000:]))
    except subprocess.TimeoutExpired:
        errors.append("careshift timed out")
    except OSError as e:
        errors.append("careshift could not run: %s" % e)
    out, err = ref.communicate()
    if ref.returncode != 0:
        errors.append("reference failed (%d): %s" % (ref.returncode, err[-2000:]))
    return "\n".join(errors) or None


def main(argv):
    args = argv[1:]
    if not args or args[0].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    binary = os.path.abspath(args[0]) if os.path.exists(args[0]) else args[0]
    keep, plans, jobs = None, DEFAULT_PLANS, max(1, min(4, os.cpu_count() or 1))
    i = 1
    while i < len(args):
        if args[i] == "--keep":
            keep = args[i + 1]
            i += 2
        elif args[i] == "--jobs":
            jobs = int(args[i + 1])
            i += 2
        elif args[i] == "--seeds":
            # a sweep: seeds FROM-TO, cycling through the eight genplan variants
            lo, hi = (int(v) for v in args[i + 1].split("-"))
            variants = [[], ["--projection"], ["--single-state"], ["--projection", "--single-state"]]
            variants += [v + ["--psa"] for v in variants]
            plans = [("sweep%d" % s, s, variants[s % 8]) for s in range(lo, hi + 1)]
            i += 2
        elif args[i] == "--plans":
            sel = args[i + 1].split(",")
            plans = [p for p in DEFAULT_PLANS if p[0] in sel]
            i += 2
        else:
            sys.stderr.write("unknown argument %s\n" % args[i])
            return 2
    if not os.path.exists(GENPLAN):
        sys.stderr.write("plan generator not found: %s (set CS_SRCDIR or CS_GENPLAN)\n" % GENPLAN)
        return 2
    work = keep or tempfile.mkdtemp(prefix="cs-compare-")
    os.makedirs(work, exist_ok=True)
    passed = failed = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
            futs = [(p, ex.submit(prepare, binary, work, *p)) for p in plans]
            for (name, seed, flags), fut in futs:
                err = fut.result()
                for table, keys in TABLES.items():
                    if err:
                        ok, summ, det = False, "not compared", [err]
                    else:
                        ok, summ, det = compare_table(table, keys, os.path.join(work, name, "careshift", table),
                                                      os.path.join(work, name, "reference", table))
                    print("%s %s %s: %s" % ("PASS" if ok else "FAIL", name, table, summ))
                    for d in det:
                        print("    " + d)
                    if ok:
                        passed += 1
                    else:
                        failed += 1
                sys.stdout.flush()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("outputs kept in %s" % work)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
