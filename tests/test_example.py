#!/usr/bin/env python3
"""End-to-end checks of the careshift command line on the built-in example and on generated
plans: every OUTPUTS.md table with the right columns and one row per key, results.db equal to
the CSV files, no temporary files left, help and exit codes, and the example's demography
plausible (Zuid-Limburg shrinks and ages, as the CBS/PBL regional forecast says).

usage: test_example.py CARESHIFT_BINARY
"""
import csv
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENPLAN = os.path.join(ROOT, "tests", "genplan.py")
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")

TABLES = {
    "demography": ["scenario", "year", "area", "population", "births", "deaths", "migration"],
    "care": ["scenario", "year", "area", "sector", "units", "cost", "fte", "m2", "co2_kg"],
    "payers": ["scenario", "year", "payer", "care_cost", "implementation_cost"],
    "workforce": ["scenario", "year", "subregion", "group", "demand_fte", "supply_fte", "gap_fte"],
    "health": ["scenario", "year", "area", "life_years", "qalys", "deaths"],
    "population": ["scenario", "year", "area", "sex", "age", "state", "count"],
    "interventions": ["scenario", "year", "area", "intervention", "uptake", "participants"],
    "implementation": ["scenario", "year", "intervention", "line", "payer", "cost"],
    "business_case": ["scenario", "stakeholder", "investment", "savings", "npv", "break_even_year",
                      "savings_marginal", "npv_marginal"],
    "health_economics": ["scenario", "delta_qalys", "delta_life_years", "cost_per_qaly", "societal_balance",
                         "verdict"],
    "criteria": ["scenario", "year", "criterion", "value", "unit", "threshold", "substantial"],
    "resources": ["organisation", "role", "year", "fte", "euro"],
    # additions beyond OUTPUTS.md v1
    "wrong_pocket": ["scenario", "investor", "saver", "investment", "savings", "attributed_savings"],
    "criteria_subregion": ["scenario", "year", "subregion", "criterion", "value", "unit"],
    "staff": ["scenario", "year", "fte_demand_saved", "plan_staff_fte", "net_fte_saved",
              "shortage_baseline_fte", "shortage_fte", "shortage_closed"],
    "budget_impact": ["scenario", "year", "stakeholder", "care_cost_change", "implementation_cost", "net",
                      "net_current", "net_cumulative_current"],
    "discount_rates": ["scenario", "discount_rate_pct", "stakeholder", "investment", "savings", "npv"],
    "intervention_costs": ["scenario", "intervention", "participant_years", "implementation_cost",
                           "cost_per_participant_year"],
    "theme_roi": ["scenario", "theme", "investment", "savings", "npv", "roi", "savings_per_participant_year"],
    "run_info": ["key", "value"],
    "inputs": ["path", "line", "kind", "value", "distribution", "source"],
    "areas": ["area", "name", "subregion"],
    "sectors": ["sector", "name", "unit", "payer", "chain", "group"],
    "milestones": ["intervention", "indicator", "year", "target"],
    "themes": ["theme", "name", "leader"],
}
KEYS = {
    "demography": 3, "care": 4, "payers": 3, "workforce": 4, "health": 3, "population": 6,
    "interventions": 4, "implementation": 5, "business_case": 2, "health_economics": 1,
    "criteria": 3, "resources": 3, "wrong_pocket": 3, "criteria_subregion": 4, "staff": 2,
    "budget_impact": 3, "discount_rates": 3, "intervention_costs": 2, "theme_roi": 2, "run_info": 1,
    "inputs": 1,
    "areas": 1, "sectors": 1, "milestones": 3, "themes": 1,
}
# run_info.csv (v0.2): its keys, in this order
RUN_INFO_KEYS = ["careshift_version", "plan", "plan_checksum", "inputs_checksum", "base_year", "horizon",
                 "short_year", "long_year", "price_year", "discount_rate", "discount_rate_effects", "draws",
                 "seed", "scenarios"]

results = {"passed": 0, "failed": 0}


def check(ok, what):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    return ok


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def check_tables(binary, plan, out, name):
    p = run([binary, "run", plan, "--out", out, "--detail", "--quiet"])
    if not check(p.returncode == 0, f"{name}: run exits 0 ({p.stderr.strip()[:300]})"):
        return {}
    # temporaries: NAME.tmp.* files inside, .NAME.careshift-* private dirs beside the out dir
    left = [f for f in os.listdir(out) if ".tmp" in f]
    parent, base = os.path.split(os.path.normpath(out))
    left += [f for f in os.listdir(parent) if f.startswith("." + base + ".careshift-")]
    check(not left, f"{name}: no temporary files left ({left})")
    db = sqlite3.connect(os.path.join(out, "results.db"))
    data = {}
    for t, cols in TABLES.items():
        path = os.path.join(out, t + ".csv")
        if not check(os.path.exists(path), f"{name}: {t}.csv written"):
            continue
        head, rows = read(path)
        check(head == cols, f"{name}: {t}.csv columns")
        keys = [tuple(r[:KEYS[t]]) for r in rows]
        check(len(keys) == len(set(keys)), f"{name}: {t}.csv one row per key ({len(rows)} rows)")
        dbrows = db.execute(f'SELECT * FROM "{t}"').fetchall()
        same = len(dbrows) == len(rows) and all(
            all((a == "" and b is None) or str(b) == a or (isinstance(b, float) and float(a) == b)
                for a, b in zip(r, d)) for r, d in zip(rows, dbrows))
        check(same, f"{name}: results.db table {t} equals the CSV")
        data[t] = rows
    # with the Shapley runs per intervention: their return table (v0.2)
    path = os.path.join(out, "intervention_roi.csv")
    if os.path.exists(path):
        head, data["intervention_roi"] = read(path)
        check(head == ["intervention", "theme", "investment", "savings", "npv", "roi", "participant_years_discounted",
                       "investment_per_participant_year", "savings_per_participant_year"],
              f"{name}: intervention_roi.csv columns")
    # with insurers: their business case adds up to their payer's row
    ins = os.path.join(out, "business_case_insurer.csv")
    with open(plan, encoding="utf-8") as fh:
        m = re.search(r"^insurers:\s*\{payer:\s*(\w+)", fh.read(), re.M)
    check(os.path.exists(ins) == bool(m), f"{name}: business_case_insurer.csv written iff the plan has insurers")
    if m and os.path.exists(ins) and "business_case" in data:
        tot = {}
        for r in read(ins)[1]:
            t = tot.setdefault(r[0], [0.0, 0.0])
            t[0] += float(r[2])
            t[1] += float(r[3])
        bc = {r[0]: r for r in data["business_case"] if r[1] == m.group(1)}
        ok = bool(tot) and all(abs(v[0] - float(bc[s][2])) <= 1e-6 * (1 + abs(v[0])) and
                               abs(v[1] - float(bc[s][3])) <= 1e-6 * (1 + abs(v[1])) for s, v in tot.items())
        check(ok, f"{name}: insurers add up to {m.group(1)}'s investment and savings")
    return data


def xlsx_sheet(path, name):
    """Rows of one worksheet of an .xlsx file (inline or shared strings, numbers as float)."""
    import re
    import zipfile
    z = zipfile.ZipFile(path)
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = dict(re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', wb)).get(name)
    if rid is None:
        return None
    target = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        shared = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
    xml = z.read("xl/" + target[rid]).decode()
    rows = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", xml):
        cells = []
        for attrs, body in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", row):
            if 't="inlineStr"' in attrs:
                cells.append(re.search(r"<t[^>]*>([^<]*)</t>", body).group(1))
            elif 't="s"' in attrs:
                cells.append(shared[int(re.search(r"<v>([^<]*)</v>", body).group(1))])
            else:
                v = re.search(r"<v>([^<]*)</v>", body or "")
                cells.append(float(v.group(1)) if v else None)
        rows.append(cells)
    return rows


def check_xlsx(out, data, name):
    path = os.path.join(out, "business_case.xlsx")
    if not check(os.path.exists(path), f"{name}: business_case.xlsx written"):
        return
    rows = xlsx_sheet(path, "business_case")
    if not check(rows is not None, f"{name}: workbook has a business_case sheet"):
        return
    check(rows[0] == TABLES["business_case"], f"{name}: business_case sheet header")
    csv_rows = data["business_case"]
    ok = len(rows) - 1 == len(csv_rows)
    for x, c in zip(rows[1:], csv_rows):
        ok &= x[0] == c[0] and x[1] == c[1]
        ok &= all(abs(float(c[i]) - x[i]) <= 1e-12 * (1 + abs(float(c[i]))) for i in (2, 3, 4))
    check(ok, f"{name}: business_case sheet equals business_case.csv")


def scenario_count(data):
    return len({r[0] for r in data.get("demography", [])})


def check_shapes(data, name, plan):
    """Row counts follow from the plan's dimensions (OUTPUTS.md: a row for every key)."""
    demo = data["demography"]
    scen = {r[0] for r in demo}
    years = {r[1] for r in demo}
    areas = {r[2] for r in demo}
    check("baseline" in scen and "plan" in scen, f"{name}: baseline and plan scenarios")
    check(len(demo) == len(scen) * len(years) * len(areas), f"{name}: demography complete")
    sectors = {r[3] for r in data["care"]}
    check(len(data["care"]) == len(demo) * len(sectors), f"{name}: care complete")
    comp = len(scen) - 1
    crit = data["criteria"]
    check(len(crit) == comp * len(years) * 4, f"{name}: criteria has 4 rows per scenario-year")
    check({r[0] for r in crit} == scen - {"baseline"}, f"{name}: comparison tables exclude the baseline")
    check(all(r[6] in ("0", "1") for r in crit), f"{name}: substantial is 0 or 1")
    payers = {r[2] for r in data["payers"]}
    check(len(data["business_case"]) == comp * (len(payers) + 1), f"{name}: business case per payer and total")
    base = [r for r in data["payers"] if r[0] == "baseline"]
    check(all(float(r[4]) == 0.0 for r in base), f"{name}: baseline has no implementation cost")
    # the sum over population.csv equals demography's population
    tot = {}
    for r in data["population"]:
        k = (r[0], r[1], r[2])
        tot[k] = tot.get(k, 0.0) + float(r[6])
    worst = max(abs(tot[(r[0], r[1], r[2])] - float(r[3])) / max(1.0, float(r[3])) for r in demo)
    check(worst < 1e-9, f"{name}: population.csv sums to demography.population (worst {worst:.2g})")
    # persons are conserved from one year to the next
    by = {(r[0], int(r[1]), r[2]): [float(v) for v in r[3:7]] for r in demo}
    worst = 0.0
    for (s, y, a), (pop, births, deaths, mig) in by.items():
        nxt = by.get((s, y + 1, a))
        if nxt:
            # newborns and migrants enter with share0, whose sum may differ from 1 by up to 1e-6
            # (model.md 2: shares are used as given); so allow that much of births + |migration|
            err = abs(pop + births + mig - deaths - nxt[0]) - 1e-6 * (births + abs(mig))
            worst = max(worst, max(0.0, err) / max(1.0, nxt[0]))
    check(worst < 1e-9, f"{name}: start + births + migration - deaths = next start (worst {worst:.2g})")
    check(all(float(r[3]) >= 0 for r in demo), f"{name}: no negative population")
    # the absolute criteria of the subregions add up to the region's: real estate to its value,
    # staff to its gross fall in demand (the region's value is net of the plan's own staff,
    # which have no subregion; docs/model.md section 8)
    reg = {(r[0], r[1], r[2]): float(r[3]) for r in crit}
    worst = 0.0
    for r in data["staff"]:
        gross, own, net = float(r[2]), float(r[3]), float(r[4])
        worst = max(worst, abs(gross - own - net) / (1 + abs(gross)),
                    abs(reg[(r[0], r[1], "staff")] - net) / (1 + abs(gross)))
        reg[(r[0], r[1], "staff")] = gross
    check(worst < 1e-9, f"{name}: staff criterion = net = gross - the plan's own staff (worst {worst:.2g})")
    # in the plan scenario (every intervention, coverage 1) the own staff of a year is the sum
    # of the resources' FTE of that year (resources.csv; docs/model.md section 8) plus, for
    # every per_participant cost line with fte_per_participant f, f * the intervention's
    # participants of the year (interventions.csv of the plan scenario, summed over areas;
    # docs/model.md section 4, v0.2)
    res = {}
    for r in data["resources"]:
        res[r[2]] = res.get(r[2], 0.0) + float(r[3] or 0.0)
    import yaml
    with open(plan, encoding="utf-8-sig") as fh:
        doc = yaml.safe_load(fh)
    fpp = {}
    for th in doc.get("themes") or []:
        for iv in th.get("interventions") or []:
            for cl in iv.get("costs") or []:
                if "per_participant" in cl and cl.get("fte_per_participant"):
                    fpp[str(iv["id"])] = fpp.get(str(iv["id"]), 0.0) + float(cl["fte_per_participant"])
    for r in data["interventions"]:
        if r[0] == "plan" and r[3] in fpp:
            res[r[1]] = res.get(r[1], 0.0) + fpp[r[3]] * float(r[5])
    worst = max((abs(float(r[3]) - res.get(r[1], 0.0)) / (1 + abs(float(r[3])))
                 for r in data["staff"] if r[0] == "plan"), default=0.0)
    check(worst < 1e-9, f"{name}: the plan's own staff = resources.csv FTE per year (worst {worst:.2g})")
    sub = {}
    for r in data["criteria_subregion"]:
        if r[3] in ("staff", "real_estate"):
            k = (r[0], r[1], r[3])
            sub[k] = sub.get(k, 0.0) + float(r[4])
    worst = max(abs(v - reg[k]) / max(1.0, abs(reg[k])) for k, v in sub.items())
    check(worst < 1e-9, f"{name}: subregion staff and real estate add up to the region (worst {worst:.2g})")
    # the wrong-pocket matrix distributes each saver's savings over the investors
    col = {}
    for r in data["wrong_pocket"]:
        col.setdefault((r[0], r[2]), [0.0, float(r[4]), 0.0])
        col[(r[0], r[2])][0] += float(r[5])
        col[(r[0], r[2])][2] += float(r[3])
    ok = all(abs(a - sv) <= 1e-6 * (1 + abs(sv)) for a, sv, inv in col.values())
    check(ok, f"{name}: wrong-pocket columns sum to each saver's savings (investor 'none' included)")
    # the themes' savings add up to the scenario's total savings (Shapley efficiency)
    sav = {}
    for r in data["theme_roi"]:
        sav[r[0]] = sav.get(r[0], 0.0) + float(r[3])
    tot = {r[0]: float(r[3]) for r in data["business_case"] if r[1] == "total"}
    worst = max(abs(v - tot[k]) / (1 + abs(tot[k])) for k, v in sav.items())
    check(worst < 1e-9, f"{name}: theme_roi savings add up to the total savings (worst {worst:.2g})")
    # intervention_roi (with the Shapley runs per intervention): investments add up to the
    # plan's investment, savings to its savings (sampled orders add up exactly too)
    if "intervention_roi" in data:
        inv = sum(float(r[2]) for r in data["intervention_roi"])
        sv = sum(float(r[3]) for r in data["intervention_roi"])
        bc = {r[1]: r for r in data["business_case"] if r[0] == "plan"}
        ok = abs(inv - float(bc["total"][2])) <= 1e-9 * (1 + abs(inv)) and \
            abs(sv - float(bc["total"][3])) <= 1e-7 * (1 + abs(sv))
        check(ok, f"{name}: intervention_roi adds up to the plan's investment and savings")
    # the budget impact, discounted at the plan's rate, is minus the NPV; the discount-rate
    # table holds business_case.csv at the plan's own rate
    plan_rate = read_rate(plan)
    bc = {(r[0], r[1]): r for r in data["business_case"]}
    disc = {}
    for r in data["budget_impact"]:
        k = (r[0], r[2])
        disc[k] = disc.get(k, 0.0) + float(r[5]) / (1 + plan_rate) ** (int(r[1]) - first_year(data))
    # a within-cycle correction weighs the discounted sums only (docs/model.md 7): the cash
    # tables then do not add up to them, by definition
    weighted = read_cycle(plan) != "none"
    worst = max(abs(v + float(bc[k][4])) / (1 + abs(float(bc[k][4]))) for k, v in disc.items())
    if not weighted:
        check(worst < 1e-9, f"{name}: budget impact discounted = -NPV (worst {worst:.2g})")
    own = [r for r in data["discount_rates"] if abs(float(r[1]) - 100 * plan_rate) < 1e-9]
    ok = len(own) == len(data["business_case"]) and all(
        abs(float(r[5]) - float(bc[(r[0], r[2])][4])) <= 1e-9 * (1 + abs(float(r[5]))) for r in own)
    check(ok, f"{name}: discount_rates at the plan's rate equal business_case.csv")
    # without marginal shares the marginal columns equal the full-price ones
    # savings at marginal prices, recomputed from care.csv and the plan's marginal shares
    share, payer = sector_shares(plan)
    t0 = first_year(data)
    base = {(r[1], r[2], r[3]): float(r[5]) for r in data["care"] if r[0] == "baseline"}
    marg = {}
    for r in data["care"]:
        if r[0] == "baseline":
            continue
        d = (float(r[5]) - base[(r[1], r[2], r[3])]) * share[r[3]] / (1 + plan_rate) ** (int(r[1]) - t0)
        for k in ((r[0], payer[r[3]]), (r[0], "total")):
            marg[k] = marg.get(k, 0.0) - d
    worst = max(abs(float(r[6]) - marg.get((r[0], r[1]), 0.0)) / (1 + abs(float(r[6])))
                for r in data["business_case"])
    if not weighted:
        check(worst < 1e-9, f"{name}: savings_marginal recomputed from care.csv (worst {worst:.2g})")


def read_cycle(plan):
    """The plan's economics.cycle_correction (none when absent)."""
    with open(plan, encoding="utf-8") as fh:
        m = re.search(r"^\s*cycle_correction:\s*([a-z-]+)", fh.read(), re.M)
    return m.group(1) if m else "none"


def read_rate(plan):
    with open(plan, encoding="utf-8") as fh:
        m = re.search(r"^\s*discount_rate:\s*([0-9.eE+-]+)", fh.read(), re.M)
    return float(m.group(1)) if m else 0.03


def sector_shares(plan):
    """Each sector's marginal_share (default 1) and payer, from the plan file."""
    import yaml
    with open(plan, encoding="utf-8") as fh:
        secs = yaml.safe_load(fh)["sectors"]
    return ({c["id"]: float(c.get("marginal_share", 1.0)) for c in secs},
            {c["id"]: c["payer"] for c in secs})


def first_year(data):
    return min(int(r[1]) for r in data["budget_impact"])


def fnv1a64(data, h=0xCBF29CE484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def run_info(out):
    path = os.path.join(out, "run_info.csv")
    if not os.path.exists(path):
        return None, {}
    head, rows = read(path)
    return [r[0] for r in rows], {r[0]: r[1] for r in rows}


def check_run_info(binary, plan, out, name, data):
    """run_info.csv (v0.2): how the run was made. out is a run without draws; a run with draws
    and a run of the plan with one table file edited (a comment) are made beside it."""
    keys, info = run_info(out)
    check(keys == RUN_INFO_KEYS, f"{name}: run_info.csv has the keys in order ({keys})")
    if keys != RUN_INFO_KEYS:
        return
    with open(plan, "rb") as fh:
        want = "fnv1a64:%016x" % fnv1a64(fh.read())
    check(info["plan_checksum"] == want, f"{name}: run_info plan_checksum {info['plan_checksum']} == {want}")
    check(re.fullmatch(r"fnv1a64:[0-9a-f]{16}", info["inputs_checksum"]) is not None
          and info["inputs_checksum"] != info["plan_checksum"],
          f"{name}: run_info inputs_checksum {info['inputs_checksum']} covers more than the YAML")
    check(info["plan"] == plan, f"{name}: run_info plan is the plan as given ({info['plan']})")
    check(info["draws"] == "0" and info["seed"] == "", f"{name}: run_info without --draws: draws 0, no seed")
    check(info["scenarios"] == str(scenario_count(data)), f"{name}: run_info scenarios = {scenario_count(data)}")
    he = {int(r[1]) for r in data.get("criteria", [])}
    check(he and int(info["base_year"]) == min(he) and int(info["horizon"]) == max(he)
          and min(he) <= int(info["short_year"]) <= int(info["long_year"]) <= max(he),
          f"{name}: run_info years within the run's ({info['base_year']}, {info['short_year']}, "
          f"{info['long_year']}, {info['horizon']})")
    check(abs(float(info["discount_rate"]) - read_rate(plan)) < 1e-15,
          f"{name}: run_info discount_rate {info['discount_rate']} is the plan's")
    psa = out + "-psa"
    p = run([binary, "run", plan, "--out", psa, "--draws", "3", "--seed", "42", "--quiet",
             "--no-intervention-shapley", "--no-tornado"])
    if check(p.returncode == 0, f"{name}: run with --draws exits 0 ({p.stderr.strip()[:300]})"):
        _, pi = run_info(psa)
        check(pi.get("draws") == "3" and pi.get("seed") == "42", f"{name}: run_info with --draws 3 --seed 42: "
              f"draws {pi.get('draws')}, seed {pi.get('seed')}")
        same = {k for k in RUN_INFO_KEYS if k not in ("draws", "seed")}
        check(all(pi.get(k) == info[k] for k in same), f"{name}: run_info otherwise as without draws")
    # one table file changed (only a comment): the plan's checksum stays, the inputs' does not
    src = os.path.dirname(plan)
    copy = src + "-edited"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("out*"))
    with open(os.path.join(copy, "population.csv"), "a") as fh:
        fh.write("# edited\n")
    eout = os.path.join(copy, "out")
    p = run([binary, "run", os.path.join(copy, "plan.yaml"), "--out", eout, "--quiet", "--no-intervention-shapley"])
    if check(p.returncode == 0, f"{name}: run of the edited copy exits 0 ({p.stderr.strip()[:300]})"):
        _, ei = run_info(eout)
        check(ei.get("plan_checksum") == info["plan_checksum"] and ei.get("inputs_checksum") != info["inputs_checksum"],
              f"{name}: a changed table file changes inputs_checksum ({ei.get('inputs_checksum')}), "
              f"not plan_checksum")


def check_cli(binary):
    for args in (["--help"], ["check", "--help"], ["run", "--help"]):
        p = run([binary] + args)
        check(p.returncode == 0 and "usage:" in p.stdout, f"cli: careshift {' '.join(args)}")
    check(run([binary]).returncode == 2, "cli: no command exits 2")
    check(run([binary, "frobnicate"]).returncode == 2, "cli: unknown command exits 2")
    check(run([binary, "run", "x.yaml"]).returncode == 2, "cli: run without --out exits 2")
    p = run([binary, "check", "/nonexistent/plan.yaml"])
    check(p.returncode in (1, 3) and "/nonexistent/plan.yaml" in p.stderr, "cli: missing plan is reported")


def check_example(binary, tmp):
    if not check(os.path.exists(EXAMPLE), "example: examples/zuid-limburg/plan.yaml exists"):
        return
    p = run([binary, "check", EXAMPLE])
    check(p.returncode == 0, f"example: check exits 0 ({p.stderr.strip()[:500]})")
    # a stable baseline (docs/validation.md): the example's transition_improvement_by_age keeps
    # every state's prevalence by sex and age within 2 % of 2024's at the horizon, in total and
    # in each age band of the check (one value for all ages left -5 % at 0-64, +5 % at 95+)
    drift = {st: [float(tot)] + [float(x) for x in re.findall(r"[-+][0-9.]+(?= %)", bands)]
             for st, tot, bands in re.findall(r"^  (\w+): ([-+][0-9.]+) % persons; by age: (.*?) \(", p.stdout, re.M)}
    check(len(drift) == 4 and all(len(v) == 7 and max(map(abs, v)) <= 2.0 for v in drift.values()),
          f"example: baseline prevalence drift within 2 % per state and age band ({drift})")
    out = os.path.join(tmp, "zl")
    data = check_tables(binary, EXAMPLE, out, "example")
    if "demography" not in data:
        return
    check_shapes(data, "example", EXAMPLE)
    check_xlsx(out, data, "example")
    base = [r for r in data["demography"] if r[0] == "baseline"]
    years = sorted({int(r[1]) for r in base})
    pop = {y: sum(float(r[3]) for r in base if int(r[1]) == y) for y in years}
    check(550000 < pop[years[0]] < 640000, f"example: base population {pop[years[0]]:.0f} ~ 0.6 million")
    check(pop[years[-1]] < pop[years[0]], f"example: Zuid-Limburg shrinks ({pop[years[0]]:.0f} -> {pop[years[-1]]:.0f})")
    old = {}
    for r in data["population"]:
        if r[0] == "baseline" and int(r[4]) >= 75:
            old[int(r[1])] = old.get(int(r[1]), 0.0) + float(r[6])
    check(old[years[-1]] / pop[years[-1]] > old[years[0]] / pop[years[0]],
          f"example: and ages (75+ {100 * old[years[0]] / pop[years[0]]:.1f}% -> {100 * old[years[-1]] / pop[years[-1]]:.1f}%)")
    # the Dutch summary needs no Shapley runs per intervention (the first run had them)
    p = run([binary, "run", EXAMPLE, "--out", os.path.join(tmp, "zl-nl"), "--lang", "nl",
             "--no-intervention-shapley"])
    check(p.returncode == 0 and "Bevolking" in p.stdout, "example: Dutch summary")
    # workforce_total_fte: what share of the region's care workforce the modelled sectors are
    m = re.search(r"= (\d+)% van de 42000 fte in zorg en welzijn .*?: ([0-9.]+)", p.stdout)
    check(m is not None and 40 <= int(m.group(1)) <= 50 and abs(float(m.group(2)) * int(m.group(1)) / 100 - 1) < 0.03,
          f"example: the summary scales the staff gap to the region's 42,000 FTE ({m.group(0) if m else p.stdout[:200]})")


def main():
    binary = os.path.abspath(sys.argv[1])
    check_cli(binary)
    with tempfile.TemporaryDirectory() as tmp:
        check_example(binary, tmp)
        for seed, flags in ((11, []), (12, ["--projection"]), (13, ["--single-state"])):
            d = os.path.join(tmp, f"g{seed}")
            subprocess.run([sys.executable, GENPLAN, d, str(seed)] + flags, check=True)
            data = check_tables(binary, os.path.join(d, "plan.yaml"), os.path.join(d, "out"), f"genplan {seed}{' '.join(flags)}")
            if "demography" in data:
                check_shapes(data, f"genplan {seed}", os.path.join(d, "plan.yaml"))
            if "demography" in data and not flags:
                check_run_info(binary, os.path.join(d, "plan.yaml"), os.path.join(d, "out"), f"genplan {seed}", data)
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
