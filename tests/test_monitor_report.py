#!/usr/bin/env python3
"""The monitoring section of report.html and GET /api/monitoring (issue 13, docs/report.md,
docs/api-http.md).

On the example (a copy of it, so its plan file can be taken away later): without actuals the
report has no monitoring section and /api/monitoring answers 404 with a JSON error. After
`careshift monitor import` of the example's actuals.csv, `careshift report DIR` has the section:
its status table equals `careshift monitor status PLAN --csv` row by row (the exact numbers, in
data-value, and each status as a badge with words, NL and EN); every chart's planned values
equal the sums of results.db's tables computed here (interventions, care, workforce,
demography over areas), its realised points the actuals table and monitoring.csv, its band
monitoring.csv's p2_5 and p97_5 (a run with 20 draws). /api/monitoring answers the rows of
monitoring.csv (numbers as doubles), ?year= and ?lang=; bad parameters are 400. With the plan
file gone, the report still shows the section, with no status and no band, and says why.

usage: test_monitor_report.py CARESHIFT_BINARY    prints `N passed, M failed`; exit 1 on failure
"""
import csv
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
RUN_OPTS = ["--no-intervention-shapley", "--no-tornado", "--threads", "2", "--quiet"]
results = {"passed": 0, "failed": 0}


def check(cond, what, detail=""):
    results["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else f"\n     {detail}"))
    return cond


def cs(*args, timeout=600):
    return subprocess.run([CS, *args], capture_output=True, text=True, timeout=timeout)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(b))


def num(s):
    return float(s) if s not in ("", None) else None


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- report.html, read back ----
def section(html):
    m = re.search(r'<section id="monitoring">(.*?)</section>', html, re.S)
    return m.group(1) if m else None


def status_rows(sec):
    """The status table's rows: key, the numbers of its data-value cells, the badge."""
    out = []
    for tr in re.finditer(r'<tr data-indicator="([^"]*)" data-place="([^"]*)" data-year="(\d+)">(.*?)</tr>', sec, re.S):
        cells = re.findall(r"<td[^>]*?>.*?</td>", tr.group(4), re.S)
        def v(i):
            m = re.search(r'data-value="([^"]+)"', cells[i])
            return float(m.group(1)) if m else None
        band = re.search(r'data-low="([^"]+)" data-high="([^"]+)"', cells[5])
        badge = re.search(r'data-status="([^"]*)">[^ ]+ ([^<]+)</span>', cells[9])
        out.append({"key": (int(tr.group(3)), tr.group(1), tr.group(2).replace("&amp;", "&")),
                    "target": v(3), "planned": v(4), "realised": v(6), "difference": v(7),
                    "difference_pct": v(8), "low": float(band.group(1)) if band else None,
                    "high": float(band.group(2)) if band else None,
                    "status": badge.group(1) if badge else None, "word": badge.group(2) if badge else None})
    return out


def page_charts(html):
    m = re.search(r'<script type="application/json" id="cs-charts">(.*?)</script>', html, re.S)
    return json.loads(m.group(1).replace("<\\/", "</"))["charts"]


def csv_key(r):
    return (int(r["year"]), r["indicator"], r["place"])


def compare_table(sec, rows, what):
    got = status_rows(sec)
    check([g["key"] for g in got] == [csv_key(r) for r in rows],
          f"{what}: the status table has monitoring.csv's {len(rows)} rows in its order",
          f"{[g['key'] for g in got][:3]} vs {[csv_key(r) for r in rows][:3]}")
    bad = []
    for g, r in zip(got, rows):
        for col, key in (("target", "target"), ("planned", "planned"), ("realised", "realised"),
                         ("difference", "difference"), ("difference_pct", "difference_pct"),
                         ("low", "p2_5"), ("high", "p97_5")):
            if g[col] != num(r[key]):
                bad.append(f"{g['key']} {col} {g[col]} != {r[key]}")
        if g["status"] != r["status"]:
            bad.append(f"{g['key']} status {g['status']} != {r['status']}")
    check(not bad, f"{what}: every number (exact) and status equals monitoring.csv", "; ".join(bad[:5]))
    return got


# ---- what the run planned, computed here from results.db ----
def planned_sum(db, indicator, level, place, year):
    kind, _, obj = indicator.partition(":")
    table, col, what = {
        "participants": ("interventions", "participants", "intervention = ?"),
        "units": ("care", "units", "sector = ?"),
        "cost": ("care", "cost", "sector IN (SELECT sector FROM sectors WHERE payer = ?)"),
        "fte_demand": ("workforce", "demand_fte", '"group" = ?'),
        "supply_fte": ("workforce", "supply_fte", '"group" = ?'),
        "population": ("demography", "population", "1"),
    }[kind]
    args = [obj] if "?" in what else []
    if level == "region":
        where = "1"
    elif kind in ("fte_demand", "supply_fte"):
        where, args = "subregion = ?", args + [place]
    elif level == "subregion":
        where, args = "area IN (SELECT area FROM areas WHERE subregion = ?)", args + [place]
    else:
        where, args = "area = ?", args + [place]
    rows = db.execute(f"SELECT {col} FROM {table} WHERE scenario = 'plan' AND year = ? AND {what} AND {where}",
                      [year] + args).fetchall()
    return math.fsum(r[0] for r in rows) if rows else None


def check_charts(html, rows, dbpath, what, band, nl=False):
    charts = [c for c in page_charts(html) if c["section"] == "monitoring"]
    inds = []
    for r in rows:
        if r["realised"] != "" and r["indicator"] not in inds:
            inds.append(r["indicator"])
    check([c["id"] for c in charts] == ["monitoring-" + re.sub(r"[^A-Za-z0-9_-]", "-", i) for i in inds],
          f"{what}: a chart per indicator with actuals ({len(inds)})")
    db = sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True)
    names = {a: n for a, n in db.execute("SELECT area, name FROM areas")}
    # the panel of each row, as the chart names it
    panel_of = {}
    for r in rows:
        label = (("Regio" if nl else "Region") if r["level"] == "region" else names.get(r["place"], r["place"]))
        panel_of[(r["indicator"], label)] = (r["level"], r["place"])
    bad, n_planned, n_real, n_band = [], 0, 0, 0
    by_key = {csv_key(r): r for r in rows}
    for c in charts:
        ind = next(i for i in inds if c["id"].endswith(re.sub(r"[^A-Za-z0-9_-]", "-", i)))
        for v in c["spec"]["data"]["values"]:
            level, place = panel_of[(ind, v["panel"])]
            if v["what"] == "planned":
                want = planned_sum(db, ind, level, place, v["year"])
                n_planned += 1
                if not close(v["v"], want):
                    bad.append(f"{ind} {place} {v['year']} planned {v['v']} != {want}")
            elif v["what"] == "realised":
                r = by_key[(v["year"], ind, place)]
                n_real += 1
                if not close(v["v"], num(r["realised"])) or v["status"] != r["status"]:
                    bad.append(f"{ind} {place} {v['year']} realised {v['v']} != {r['realised']}")
                if r["realised_from"] == "actual":
                    a = db.execute("SELECT value FROM actuals WHERE indicator = ? AND area = ? AND year = ?",
                                   (ind, place, v["year"])).fetchone()
                    if not a or not close(v["v"], a[0]):
                        bad.append(f"{ind} {place} {v['year']} realised {v['v']} != actuals {a}")
            elif v["what"] == "band":
                r = by_key[(v["year"], ind, place)]
                n_band += 1
                # the page's JSON keeps 10 significant digits (report.c, put_data)
                if not close(v["lo"], num(r["p2_5"])) or not close(v["hi"], num(r["p97_5"])):
                    bad.append(f"{ind} {place} {v['year']} band {v['lo']}-{v['hi']}")
    db.close()
    check(not bad and n_planned > 0 and n_real > 0,
          f"{what}: the charts' {n_planned} planned values equal results.db's sums, their {n_real} realised "
          f"points the actuals and monitoring.csv, their {n_band} bands monitoring.csv's", "; ".join(bad[:5]))
    check((n_band > 0) == band, f"{what}: {'a band' if band else 'no band'} in the charts ({n_band} bars)")


# ---- the server ----
class Server:
    def __init__(self, args, log):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([CS, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"careshift serve: (http://\S+/)", line)
        self.url = m.group(1) if m else None

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=120) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.log.close()
        return code


def api_rows_equal(ans_rows, rows):
    bad = []
    if [(r["year"], r["indicator"], r["place"]) for r in ans_rows] != [csv_key(r) for r in rows]:
        return ["the rows' keys or order differ"]
    for a, r in zip(ans_rows, rows):
        for k in ("target", "planned", "p2_5", "p97_5", "realised", "difference", "difference_pct"):
            if a[k] != num(r[k]):
                bad.append(f"{csv_key(r)} {k} {a[k]} != {r[k]}")
        for k in ("level", "subregion", "direction", "status", "realised_from", "source"):
            if (a[k] or "") != r[k]:
                bad.append(f"{csv_key(r)} {k} {a[k]!r} != {r[k]!r}")
    return bad


def check_api(tmp, run, plan, rows):
    srv = Server(["--dir", run], os.path.join(tmp, "serve.log"))
    if not check(srv.url is not None, f"serve --dir {run} starts"):
        return
    st, ans = srv.get("/api/monitoring")
    check(st == 200 and not api_rows_equal(ans["rows"], rows),
          f"/api/monitoring: its {len(ans.get('rows', []))} rows equal monitoring.csv", "; ".join(api_rows_equal(ans.get("rows", []), rows)[:5]))
    check(ans.get("band_draws") == 20 and ans.get("plan", {}).get("state") == "unchanged",
          f"/api/monitoring: band from 20 draws, plan unchanged ({ans.get('band_draws')}, {ans.get('plan')})")
    check(len(ans.get("charts", [])) > 0 and all(c["section"] == "monitoring" for c in ans["charts"]),
          f"/api/monitoring: {len(ans.get('charts', []))} charts")
    st, nl = srv.get("/api/monitoring?lang=nl&year=2027")
    want = [r for r in rows if r["year"] == "2027"]
    check(st == 200 and not api_rows_equal(nl["rows"], want) and nl["lang"] == "nl",
          f"/api/monitoring?lang=nl&year=2027: the {len(want)} rows of 2027")
    check(any(r["status_label"] == "geen realisatie" for r in nl.get("rows", [])), "?lang=nl: Dutch status labels")
    for q, field in (("?year=1999", "year"), ("?year=x", "year"), ("?lang=de", "lang"), ("?scenario=plan", "scenario")):
        st, e = srv.get("/api/monitoring" + q)
        check(st == 400 and e.get("field") == field, f"/api/monitoring{q}: 400, field {field} ({st}, {e})")
    check(srv.stop() == 0, "serve stops with exit 0 on SIGTERM")


def main():
    tmp = tempfile.mkdtemp(prefix="cs-monrep-")
    try:
        plan_dir = os.path.join(tmp, "plan")
        shutil.copytree(EXAMPLE, plan_dir)
        plan = os.path.join(plan_dir, "plan.yaml")
        actuals = os.path.join(plan_dir, "actuals.csv")
        run, psa = os.path.join(tmp, "zl"), os.path.join(tmp, "zl-psa")
        p = cs("run", plan, "--out", run, *RUN_OPTS)
        q = cs("run", plan, "--out", psa, "--draws", "20", *RUN_OPTS)
        if not check(p.returncode == 0 and q.returncode == 0, "the example runs (deterministic and --draws 20)",
                     p.stderr[-400:] + q.stderr[-400:]):
            return
        html = open(os.path.join(run, "report.html"), encoding="utf-8").read()
        check(section(html) is None and 'id="chart-monitoring' not in html, "no monitoring section without actuals")
        srv = Server(["--dir", psa], os.path.join(tmp, "serve0.log"))
        st, e = srv.get("/api/monitoring")
        check(st == 404 and "no actuals" in e.get("error", ""), f"/api/monitoring without actuals: 404 with a JSON error ({st}, {e})")
        check(srv.stop() == 0, "serve stops with exit 0")

        for d in (run, psa):
            r = cs("monitor", "import", plan, actuals, "--dir", d)
            check(r.returncode == 0, f"monitor import into {os.path.basename(d)}", r.stderr[-300:])
        # deterministic, English
        cs("monitor", "status", plan, "--dir", run, "--csv", os.path.join(tmp, "m.csv"))
        rows = read_csv(os.path.join(tmp, "m.csv"))
        r = cs("report", run)
        check(r.returncode == 0, "careshift report DIR after the import", r.stderr[-300:])
        html = open(os.path.join(run, "report.html"), encoding="utf-8").read()
        sec = section(html)
        if check(sec is not None and "Monitoring: realised against planned" in sec, "the report has the monitoring section (EN)"):
            got = compare_table(sec, rows, "EN")
            check({g["word"] for g in got if g["status"] == "off_track"} == {"off track"}, "EN status words on the badges")
            check("the run has no PSA" in sec, "without draws the section says there is no band")
            acp = [g for g in got if g["key"] == (2025, "participants:acp", "Westelijke Mijnstreek")]
            check(acp and acp[0]["status"] == "off_track", "ACP in the Westelijke Mijnstreek 2025 is off track (309 of 514)")
        check_charts(html, rows, os.path.join(run, "results.db"), "EN", band=False)
        # with PSA, Dutch
        cs("monitor", "status", plan, "--dir", psa, "--csv", os.path.join(tmp, "mp.csv"))
        prow = read_csv(os.path.join(tmp, "mp.csv"))
        r = cs("report", psa, "--lang", "nl")
        check(r.returncode == 0, "careshift report DIR --lang nl (PSA)", r.stderr[-300:])
        html = open(os.path.join(psa, "report.html"), encoding="utf-8").read()
        sec = section(html)
        if check(sec is not None and "Monitoring: gerealiseerd tegen gepland" in sec, "the report has the section (NL)"):
            got = compare_table(sec, prow, "NL, PSA")
            check({g["word"] for g in got if g["status"] == "on_track"} == {"op schema"}, "NL status words on the badges")
            check("20 trekkingen" in sec and any(g["low"] is not None for g in got), "with PSA the band (20 draws) is in the table")
        check_charts(html, prow, os.path.join(psa, "results.db"), "NL, PSA", band=True, nl=True)
        check_api(tmp, psa, plan, prow)

        # the plan file gone: the section stays, without status and band, and says why
        os.rename(plan_dir, plan_dir + "-moved")
        r = cs("report", run)
        html = open(os.path.join(run, "report.html"), encoding="utf-8").read()
        sec = section(html) or ""
        check(r.returncode == 0 and "cannot be read here" in sec, "without the plan file the section says it has no status")
        got = status_rows(sec)
        n_act = sum(1 for x in rows if x["realised_from"] == "actual")
        check(len(got) == n_act and all(g["status"] == "" for g in got),
              f"without the plan: the {n_act} actuals, no status ({len(got)} rows)")
        byk = {csv_key(x): x for x in rows}
        check(all(close(g["planned"], num(byk[g["key"]]["planned"])) and g["realised"] == num(byk[g["key"]]["realised"])
                  for g in got), "without the plan: planned and realised still equal monitoring.csv")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)
