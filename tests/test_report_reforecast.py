#!/usr/bin/env python3
"""The section "Re-forecast from Y against the plan" of report.html (issue 13, docs/report.md).

Only a re-forecast (`careshift run PLAN --actuals DB --from-year Y`, results.db with the table
reforecast) has the section; an ordinary run's report, and the report of the run the actuals were
imported into, have none. In the section, every number equals its cell of results.db's
reforecast and reforecast_actuals tables, read here with sqlite3: exactly in the cells'
data-value (and the chart's data), and as written within what its format rounds (EUR 44.3 mln,
0.0824%, 1,444 m2, 0.40 years), in English and Dutch: the NPV per stakeholder and the total, each
criterion's value and substantial or not per term, whether the plan passes the quick test; the
sentence says whether the verdict changed, and which criterion did; the lead names Y and the
actuals database's file name, not its path; the population actuals (each one, their sums and
the range of the factor) and the uptake chart (realised, modelled, the delay behind or ahead).

On the tiny plan of tests/test_reforecast.py, three sets of actuals of 2026: behind the ramp
(a subregion's population and one made of its areas' participants), no participants at all
(the short-term verdict changes) and more than the ramp's maximum (the uptake fixed, no bar).
On the example: its actuals.csv, from 2025, English from `run` and Dutch from `report --lang
nl`. Then headless Chromium renders the re-forecast reports (tests/browser/report.mjs) and saves
a picture of the section, $CS_BUILDDIR/report-reforecast-1-reforecast.png (docs/img/
report-reforecast.png is that picture).

usage: test_report_reforecast.py CARESHIFT_BINARY   prints `N passed, M failed`; exit 1 on failure
"""
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("CS_BUILDDIR") or os.path.join(ROOT, "build")
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
OPTS = ["--quiet", "--threads", "2", "--no-intervention-shapley"]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_reforecast import actuals, write_tiny  # noqa: E402  the tiny plan, made by hand

results = {"passed": 0, "failed": 0}
WORDS = {False: {"yes": "yes", "no": "no", "title": "Re-forecast from {} against the plan",
                 "same": "The verdict does not change.", "changes": "The verdict changes.",
                 "becomes": "becomes substantial", "stops": "is no longer substantial",
                 "behind": "behind", "ahead": "ahead", "on": "on schedule"},
         True: {"yes": "ja", "no": "nee", "title": "Herprognose vanaf {} tegenover het plan",
                "same": "Het oordeel verandert niet.", "changes": "Het oordeel verandert.",
                "becomes": "wordt substantieel", "stops": "is niet meer substantieel",
                "behind": "achter", "ahead": "voor", "on": "op schema"}}


def check(cond, what, detail=""):
    results["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else f"\n     {detail}"))
    return cond


def cs(*args):
    return subprocess.run([CS, *args], capture_output=True, text=True, timeout=600)


def unesc(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


# ---- report.html, read back ----
def section(html):
    m = re.search(r'<section id="reforecast">(.*?)</section>', html, re.S)
    return m.group(1) if m else None


def page_charts(html):
    m = re.search(r'<script type="application/json" id="cs-charts">(.*?)</script>', html, re.S)
    return json.loads(m.group(1).replace("<\\/", "</"))["charts"]


def parse_num(text, nl):
    """A number as the report writes it: its value and half its last digit (what the format
    rounds away), both in the unit of the table (EUR, %, FTE, m2, persons, years)."""
    t = unesc(text).strip()
    scale = 1.0
    for suffix, s in ((" mln", 1e6), (" mld", 1e9), (" bn", 1e9)):
        if t.endswith(suffix):
            t, scale = t[: -len(suffix)], s
    for junk in ("EUR ", "%", " FTE", " m²", "+"):
        t = t.replace(junk, "")
    t = t.strip()
    t = t.replace(".", "").replace(",", ".") if nl else t.replace(",", "")
    dec = len(t.split(".")[1]) if "." in t else 0
    return float(t) * scale, 0.5 * 10 ** -dec * scale * (1 + 1e-9) + 1e-12


def as_written(text, want, nl):
    """Whether text, as the report formats a number, is want rounded."""
    if want is None:
        return text.strip() in ("–", "")
    try:
        v, tol = parse_num(text, nl)
    except ValueError:
        return False
    return abs(v - want) <= tol


def cells(tr):
    """A row's cells: (data-value or None, text without tags)."""
    out = []
    for m in re.finditer(r"<(td|th)([^>]*)>(.*?)</\1>", tr, re.S):
        dv = re.search(r'data-value="([^"]+)"', m.group(2))
        out.append((float(dv.group(1)) if dv else None, re.sub(r"<[^>]+>", "", m.group(3))))
    return out


def table_rows(sec, table_id):
    m = re.search(rf'<table class="rf" id="{table_id}">(.*?)</table>', sec, re.S)
    if not m:
        return []
    return [(dict(re.findall(r'(data-[a-z]+)="([^"]*)"', tr.group(1))), cells(tr.group(2)))
            for tr in re.finditer(r"<tr([^>]*)>(.*?)</tr>", m.group(1), re.S)
            if "data-" in tr.group(1)]


# ---- results.db ----
def db_rows(dbpath, sql, args=()):
    db = sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def run_info(dbpath, key):
    r = db_rows(dbpath, "SELECT value FROM run_info WHERE key = ?", (key,))
    return r[0][0] if r else None


# ---- the checks ----
def check_values(what, got, want, nl, bad):
    """got: cells (data-value, text); want: numbers or None, the same count."""
    for (dv, text), w in zip(got, want):
        if w is None:
            if dv is not None or text.strip() not in ("–", ""):
                bad.append(f"{what}: {dv} / {text!r} where the table has none")
        elif dv != w or not as_written(text, w, nl):
            bad.append(f"{what}: {dv} / {text!r} != {w!r}")


def check_npv(sec, dbpath, nl, tag):
    want = db_rows(dbpath, "SELECT stakeholder_or_criterion, term_or_year, original, reforecast, "
                           "difference FROM reforecast WHERE measure = 'npv' ORDER BY rowid")
    got = table_rows(sec, "reforecast-npv")
    check([(a["data-key"], a["data-term"]) for a, _ in got] == [(w[0], w[1]) for w in want],
          f"{tag}: the NPV table has reforecast's {len(want)} npv rows in order (each stakeholder, total)")
    bad = []
    for (_, c), w in zip(got, want):
        check_values(f"npv {w[0]}", c[1:4], w[2:5], nl, bad)
    check(not bad and got, f"{tag}: every NPV (plan, re-forecast, difference) equals reforecast, "
          "exactly and as written", "; ".join(bad[:4]))


def flag_ok(cell, want, nl):
    dv, text = cell
    if want is None:
        return dv is None and text.strip() == "–"
    return dv == (1 if want > 0 else 0) and text.strip() == WORDS[nl]["yes" if want > 0 else "no"]


def check_criteria(sec, dbpath, nl, tag):
    want = db_rows(dbpath, "SELECT v.stakeholder_or_criterion, v.term_or_year, v.original, "
                           "v.reforecast, v.difference, s.original, s.reforecast FROM reforecast v "
                           "JOIN reforecast s ON s.measure = 'criterion_substantial' AND "
                           "s.stakeholder_or_criterion = v.stakeholder_or_criterion AND "
                           "s.term_or_year = v.term_or_year WHERE v.measure = 'criterion_value' "
                           "ORDER BY v.rowid")
    passes = db_rows(dbpath, "SELECT term_or_year, original, reforecast FROM reforecast WHERE "
                             "measure = 'passes' ORDER BY rowid")
    got = table_rows(sec, "reforecast-criteria")
    crit = [(a, c) for a, c in got if a.get("data-measure") == "criterion"]
    pas = [(a, c) for a, c in got if a.get("data-measure") == "passes"]
    check([(a["data-key"], a["data-term"]) for a, _ in crit] == [(w[0], w[1]) for w in want]
          and len(want) == 8, f"{tag}: the criteria table has the four criteria short and long term")
    bad = []
    for (_, c), w in zip(crit, want):
        check_values(f"{w[0]} {w[1]}", c[1:4], w[2:5], nl, bad)
        if not (flag_ok(c[4], w[5], nl) and flag_ok(c[5], w[6], nl)):
            bad.append(f"{w[0]} {w[1]} substantial {c[4:6]} != {w[5:7]}")
    check(not bad and crit, f"{tag}: each criterion's value (plan, re-forecast, difference) and "
          "substantial (yes/no) equal reforecast, exactly and as written", "; ".join(bad[:4]))
    check([a["data-term"] for a, _ in pas] == [p[0] for p in passes] and
          all(flag_ok(c[4], p[1], nl) and flag_ok(c[5], p[2], nl) for (_, c), p in zip(pas, passes)),
          f"{tag}: passes the quick test, short and long term, equals reforecast's passes rows")
    # the sentence: changed or not, and each criterion that crossed its threshold
    m = re.search(r'<p class="rf-verdict" id="reforecast-verdict">(.*?)</p>', sec, re.S)
    text = re.sub(r"<[^>]+>", "", m.group(1)) if m else ""
    changed = any(p[1] is not None and p[1] != p[2] for p in passes)
    w = WORDS[nl]
    check(text.startswith(w["changes"] if changed else w["same"]),
          f"{tag}: the sentence says the verdict {'changes' if changed else 'does not change'}", text)
    flips = [(x[0], x[6]) for x in want if x[5] is not None and x[5] != x[6]]
    label = {"care_use": ("Care use", "Zorggebruik"), "patient_flows": ("Patient flows", "Patiëntstromen"),
             "staff": ("Staff", "Personeel"), "real_estate": ("Real estate", "Vastgoed")}
    check(all(f"{label[c][nl]} {w['becomes' if now else 'stops']}" in text for c, now in flips),
          f"{tag}: the sentence names each criterion that crossed its threshold ({len(flips)})", text)
    return changed


def check_lead(sec, dbpath, nl, tag):
    year = run_info(dbpath, "reforecast_from_year")
    db = run_info(dbpath, "actuals_db")
    h2 = re.search(r"<h2>(\d+)\. (.*?)</h2>", sec)
    check(h2 and h2.group(2) == WORDS[nl]["title"].format(year) and h2.group(1) == "2",
          f"{tag}: section 2 is '{WORDS[nl]['title'].format(year)}', right after the verdict",
          h2.group(0) if h2 else "no heading")
    lead = re.search(r'<p class="intro" id="reforecast-lead">(.*?)</p>', sec, re.S)
    lead = unesc(lead.group(1)) if lead else ""
    check(year in lead and f" {os.path.basename(db)} " in lead and os.path.dirname(db) not in sec,
          f"{tag}: the lead names {year} and the database's file name {os.path.basename(db)}, not "
          "its directory", lead[:200])


def check_population(sec, dbpath, nl, tag):
    want = db_rows(dbpath, "SELECT place, level, realised, modelled, factor FROM reforecast_actuals "
                           "WHERE indicator = 'population' ORDER BY rowid")
    got = table_rows(sec, "reforecast-population")
    bad = []
    if [a.get("data-place") for a, _ in got] != [w[0] for w in want]:
        bad.append(f"places {[a.get('data-place') for a, _ in got]}")
    for (_, c), w in zip(got, want):
        check_values(f"population {w[0]}", c[2:5], w[2:5], nl, bad)
    check(not bad, f"{tag}: each of the {len(want)} population actuals (realised, modelled, factor) "
          "equals reforecast_actuals", "; ".join(bad[:4]))
    m = re.search(r'id="reforecast-population-summary">(.*?)</p>', sec, re.S)
    text = unesc(m.group(1)) if m else ""
    num = r"(-?[\d.,]+)"
    ok = True
    if want and all(w[1] == "area" for w in want):
        s = re.search(rf"(?:together|samen) {num} (?:persons|inwoners) (?:against|tegen) {num}", text)
        ok = bool(s) and as_written(s.group(1), math.fsum(w[2] for w in want), nl) and \
            as_written(s.group(2), math.fsum(w[3] for w in want), nl)
    factors = [w[4] for w in want if w[4] is not None]
    if factors:
        f = re.search(rf"(?:from|van) {num} \([^)]*\) (?:to|tot) {num} \(", text)
        ok = ok and bool(f) and as_written(f.group(1), min(factors), nl) and \
            as_written(f.group(2), max(factors), nl)
    check(ok and text, f"{tag}: the population summary's sums and factor range equal "
          "reforecast_actuals", text[:300])


def check_uptake(html, dbpath, nl, tag):
    want = db_rows(dbpath, "SELECT indicator, place, realised, modelled, uptake_realised, "
                           "uptake_modelled, delay_years, applied FROM reforecast_actuals WHERE "
                           "indicator LIKE 'participants:%' ORDER BY rowid")
    charts = [c for c in page_charts(html) if c["section"] == "reforecast"]
    if not check([c["id"] for c in charts] == (["reforecast_uptake"] if want else []),
                 f"{tag}: the uptake chart is there exactly when participants were applied ({len(want)})"):
        return
    if not want:
        return
    vals, rows = charts[0]["spec"]["data"]["values"], charts[0]["table"]["rows"]
    bad = []
    close = lambda a, b: a == b or abs(a - b) <= 1e-9 * max(1.0, abs(b))  # 10 digits in the page
    w_ = WORDS[nl]
    for v, row, w in zip(vals, rows, want):
        key = f"{w[0]} {w[1]}"
        if v["row"] != f"{w[0].split(':', 1)[1]} · {w[1]}" or row[:2] != [w[0].split(":", 1)[1], w[1]]:
            bad.append(f"{key}: labelled {v['row']!r}")
        if not (close(v["realised"], w[2]) and close(v["modelled"], w[3])):
            bad.append(f"{key}: realised/modelled {v['realised']}/{v['modelled']} != {w[2]}/{w[3]}")
        if (w[6] is None) != ("delay" not in v) or (w[6] is not None and not close(v["delay"], w[6])):
            bad.append(f"{key}: delay {v.get('delay')} != {w[6]}")
        if w[7] == "delay":
            state = w_["on"] if abs(w[6]) < 0.005 else w_["behind"] if w[6] > 0 else w_["ahead"]
            if v["state"] != state or state not in v["text"]:
                bad.append(f"{key}: {v['state']!r}, {v['text']!r} is not {state!r}")
        for i, x in ((3, w[2]), (4, w[3]), (5, None if w[4] is None else 100 * w[4]),
                     (6, None if w[5] is None else 100 * w[5]), (7, w[6])):
            if not as_written(row[i], x, nl):
                bad.append(f"{key}: table column {i} {row[i]!r} != {x}")
    check(len(vals) == len(rows) == len(want) and not bad,
          f"{tag}: the uptake chart's {len(want)} bars and its table (realised, modelled, uptake, "
          "delay; behind or ahead) equal reforecast_actuals", "; ".join(bad[:4]))


def check_report(d, nl, tag):
    """Every number of the section of d/report.html against d/results.db; the verdict changed?"""
    html = open(os.path.join(d, "report.html"), encoding="utf-8").read()
    sec = section(html)
    if not check(sec is not None, f"{tag}: the report has the re-forecast section"):
        return None
    dbpath = os.path.join(d, "results.db")
    check_lead(sec, dbpath, nl, tag)
    check_npv(sec, dbpath, nl, tag)
    changed = check_criteria(sec, dbpath, nl, tag)
    check_population(sec, dbpath, nl, tag)
    check_uptake(html, dbpath, nl, tag)
    return changed


def check_none(d, tag):
    html = open(os.path.join(d, "report.html"), encoding="utf-8").read()
    check(section(html) is None and "reforecast" not in html
          and all(c["section"] != "reforecast" for c in page_charts(html)),
          f"{tag}: no re-forecast section, nothing of it in the page")


def test_tiny(tmp):
    plan = write_tiny(os.path.join(tmp, "tiny"))
    base = os.path.join(tmp, "t0")
    r = cs("run", plan, "--out", base, *OPTS)
    if not check(r.returncode == 0, "tiny plan: ordinary run", r.stderr[-300:]):
        return []
    check_none(base, "tiny plan, ordinary run")
    made, changes = [], []
    sets = {"behind": (38.0, 20.0, 60.0), "none": (0.0, 0.0, 0.0), "fixed": (400.0, 200.0, 150.0)}
    for name, (north, a2, a3) in sets.items():
        orig = os.path.join(tmp, "t0-" + name)
        shutil.copytree(base, orig)
        act = actuals(os.path.join(tmp, name + ".csv"), [
            ("population", "A1", 2026, 380.0), ("population", "South", 2026, 410.0),
            ("participants:coach", "North", 2026, north), ("participants:coach", "A2", 2026, a2),
            ("participants:coach", "A3", 2026, a3)])
        r = cs("monitor", "import", plan, act, "--dir", orig)
        check(r.returncode == 0, f"tiny plan: actuals '{name}' imported", r.stderr[-300:])
        d = os.path.join(tmp, "t-" + name)
        r = cs("run", plan, "--actuals", os.path.join(orig, "results.db"), "--from-year", "2026",
               "--out", d, *OPTS)
        if not check(r.returncode == 0, f"tiny plan: re-forecast '{name}' from 2026", r.stderr[-300:]):
            continue
        changes.append(check_report(d, False, f"tiny '{name}' (en)"))
        r = cs("report", d, "--lang", "nl")
        check(r.returncode == 0, f"tiny plan '{name}': careshift report --lang nl", r.stderr[-300:])
        check_report(d, True, f"tiny '{name}' (nl)")
        made.append(os.path.join(d, "report.html"))
        r = cs("report", orig)  # the run the actuals were imported into is no re-forecast
        check(r.returncode == 0 and section(open(os.path.join(orig, "report.html")).read()) is None,
              f"tiny plan '{name}': the report of the plan's run (with its actuals) has no re-forecast section")
    check(changes == [False, True, False], "tiny plan: the verdict changes only without participants "
          "(short term: care use no longer substantial)", str(changes))
    return made


def test_example(tmp):
    plan_dir = os.path.join(tmp, "zl-plan")
    shutil.copytree(EXAMPLE, plan_dir)
    plan = os.path.join(plan_dir, "plan.yaml")
    base, re_d = os.path.join(tmp, "zl"), os.path.join(tmp, "zl-2025")
    r = cs("run", plan, "--out", base, *OPTS)
    if not check(r.returncode == 0, "example: ordinary run", r.stderr[-300:]):
        return []
    check_none(base, "example, ordinary run")
    r = cs("monitor", "import", plan, os.path.join(plan_dir, "actuals.csv"), "--dir", base)
    check(r.returncode == 0, "example: actuals.csv imported", r.stderr[-300:])
    r = cs("run", plan, "--actuals", os.path.join(base, "results.db"), "--from-year", "2025",
           "--out", re_d, *OPTS)
    if not check(r.returncode == 0, "example: re-forecast from 2025", r.stderr[-300:]):
        return []
    check(check_report(re_d, False, "example (en)") is False, "example: the verdict does not change")
    check("<h1>Transformatieplan Mijnstreek</h1>" in open(os.path.join(re_d, "report.html"), encoding="utf-8").read(),
          "example: the re-forecast's report has the plan's name as its title (run.log starts with "
          "the re-forecast's lines)")
    en = os.path.join(tmp, "zl-2025-en.html")
    shutil.copy(os.path.join(re_d, "report.html"), en)
    r = cs("report", re_d, "--lang", "nl")
    check(r.returncode == 0, "example: careshift report --lang nl", r.stderr[-300:])
    check_report(re_d, True, "example (nl)")
    sec = section(open(os.path.join(re_d, "report.html"), encoding="utf-8").read()) or ""
    acp = re.search(r"0,40 jaar achter \(309 gerealiseerd, 515 gemodelleerd\)",
                    json.dumps(page_charts(open(os.path.join(re_d, "report.html")).read()), ensure_ascii=False))
    check(acp is not None and "EUR -56,3 mln" in sec and "EUR -56,2 mln" in sec,
          "example (nl): ACP in the Westelijke Mijnstreek 0,40 jaar achter; NPV EUR -56,3 -> -56,2 mln")
    return [en, os.path.join(re_d, "report.html")]


def browser(files):
    node, chromium = shutil.which("node"), "/usr/bin/chromium"
    if not (node and os.path.exists(chromium)
            and os.path.isdir(os.path.join(ROOT, "web", "node_modules", "playwright-core"))):
        print("skip browser test: needs node, /usr/bin/chromium and web/node_modules (scripts/setup)")
        return
    os.makedirs(BUILD, exist_ok=True)
    prefix = os.path.join(BUILD, "report-reforecast")
    p = subprocess.run([node, os.path.join(ROOT, "tests", "browser", "report.mjs"), ROOT, prefix,
                        *files], capture_output=True, text=True, timeout=300)
    print(p.stdout + p.stderr, end="")
    check(p.returncode == 0, "browser: every chart of the re-forecast reports renders, no console errors")
    shots = [f"{prefix}-{i + 1}-reforecast.png" for i in range(len(files))]
    check(all(os.path.getsize(s) > 10000 for s in shots if os.path.exists(s)) and all(map(os.path.exists, shots)),
          f"browser: a picture of each re-forecast section ({shots[0]})")


def main():
    tmp = tempfile.mkdtemp(prefix="cs-report-rf-")
    try:
        files = test_example(tmp)
        files += test_tiny(tmp)
        if files:
            browser(files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
