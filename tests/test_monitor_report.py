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
import html as html_lib
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


def close10(a, b):
    """Equal to the 10 significant digits the page's JSON keeps."""
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def num(s):
    return float(s) if s not in ("", None) else None


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- report.html, read back ----
def section(html):
    m = re.search(r'<section id="monitoring">(.*?)</section>', html, re.S)
    return m.group(1) if m else None


def cell_text(c):
    return re.sub(r"<[^>]+>", "", c).replace("&amp;", "&").strip()


def status_rows(sec):
    """The status table's rows: key, the numbers of its data-value cells, the band (used, and
    the PSA band), the milestone's verdict and the badge, and each cell's text."""
    out = []
    for tr in re.finditer(r'<tr data-indicator="([^"]*)" data-place="([^"]*)" data-year="(\d+)">(.*?)</tr>', sec, re.S):
        cells = re.findall(r"<td[^>]*?>.*?</td>", tr.group(4), re.S)
        def v(i):
            m = re.search(r'data-value="([^"]+)"', cells[i])
            return float(m.group(1)) if m else None
        band = re.search(r'data-low="([^"]+)" data-high="([^"]+)" data-p2_5="([^"]+)" data-p97_5="([^"]+)" '
                         r'data-widened="(yes|no)"', cells[6])
        met = re.search(r'data-met="([^"]*)"', cells[4])
        badge = re.search(r'data-status="([^"]*)">[^ ]+ ([^<]+)</span>', cells[10])
        iv = re.search(r'<span class="iv" title="([^"]*)">', cells[1])
        ef = re.search(r'data-value="([^"]+)" data-other-way="(yes|no)" data-implausible="(yes|no)"',
                       cells[11]) if len(cells) > 11 else None
        out.append({"key": (int(tr.group(3)), tr.group(1), tr.group(2).replace("&amp;", "&")),
                    "target": v(3), "planned": v(5), "realised": v(7), "difference": v(8),
                    "difference_pct": v(9),
                    "low": float(band.group(1)) if band else None, "high": float(band.group(2)) if band else None,
                    "p2_5": float(band.group(3)) if band else None, "p97_5": float(band.group(4)) if band else None,
                    "widened": band.group(5) if band else None,
                    "met": met.group(1) if met else None, "met_text": cell_text(cells[4]),
                    "iv_name": iv.group(1).replace("&amp;", "&") if iv else None,
                    "effect": float(ef.group(1)) if ef else None,
                    "effect_marks": (ef.group(2), ef.group(3)) if ef else None,
                    "text": [cell_text(c) for c in cells],
                    "status": badge.group(1) if badge else None, "word": badge.group(2) if badge else None})
    return out


# ---- the decimals of `careshift monitor status` (docs/monitoring.md, "status"), made here ----
def default_prec(v):
    return 0 if v is not None and abs(v) >= 100 else 1


def rounded(v, prec):
    return float("%.*f" % (prec, v))


def side(a, b):
    return (a > b) - (a < b)


def enough_prec(x, ts, prec, t_prec):
    """The fewest decimals from prec on at which x, rounded, lies on the side of each threshold
    (each rounded too when t_prec) that x itself lies on."""
    while prec < 20:
        xr = rounded(x, prec)
        if all(side(xr, rounded(t, prec) if t_prec else t) == side(x, t) for t in ts if t is not None):
            break
        prec += 1
    return prec


def thresholds(r):
    """The % thresholds of a monitoring.csv row: 5 %, 20 % and the used band's reach."""
    pl, lo, hi = num(r["planned"]), num(r["band_used_low"]), num(r["band_used_high"])
    th = [5, -5, 20, -20]
    if lo is not None and pl is not None and pl > 0:
        th += [100 * (hi - pl) / pl, -100 * (pl - lo) / pl]
    return th


def decimals(r):
    """realised, band and % decimals of a monitoring.csv row, as the terminal prints them."""
    pl, lo, hi, re_, pct = (num(r[k]) for k in ("planned", "band_used_low", "band_used_high", "realised",
                                                "difference_pct"))
    d_pct = 1 if pct is None else enough_prec(pct, thresholds(r), default_prec(pct), 0)
    prec = default_prec(pl if re_ is None else re_)
    if re_ is not None and lo is not None:
        prec = enough_prec(re_, [lo, hi], prec, 1)
    return prec, max(prec, default_prec(hi) if hi is not None else 0), d_pct


def fmt(v, dec, nl):
    """As src/report/fmt.c: grouped thousands, no "-0"."""
    if v is None:
        return "–"
    raw = "%.*f" % (dec, abs(v))
    i, _, f = raw.partition(".")
    g = re.sub(r"\B(?=(\d{3})+(?!\d))", "." if nl else ",", i)
    return ("-" if v < 0 and re.search(r"[1-9]", raw) else "") + g + (("," if nl else ".") + f if f else "")


def parse(text, nl):
    return float(text.replace("." if nl else ",", "").replace(",", ".")) if text not in ("–", "") else None


def page_charts(html):
    m = re.search(r'<script type="application/json" id="cs-charts">(.*?)</script>', html, re.S)
    return json.loads(m.group(1).replace("<\\/", "</"))["charts"]


def csv_key(r):
    return (int(r["year"]), r["indicator"], r["place"])


def compare_table(sec, rows, what, nl=False, names=None):
    got = status_rows(sec)
    check([g["key"] for g in got] == [csv_key(r) for r in rows],
          f"{what}: the status table has monitoring.csv's {len(rows)} rows in its order",
          f"{[g['key'] for g in got][:3]} vs {[csv_key(r) for r in rows][:3]}")
    bad = []
    for g, r in zip(got, rows):
        # the band shown (data-low, data-high) is the one the status used; the PSA band beside it
        for col, key in (("target", "target"), ("planned", "planned"), ("realised", "realised"),
                         ("difference", "difference"), ("difference_pct", "difference_pct"),
                         ("low", "band_used_low"), ("high", "band_used_high"), ("p2_5", "p2_5"),
                         ("p97_5", "p97_5")):
            if g[col] != num(r[key]):
                bad.append(f"{g['key']} {col} {g[col]} != {r[key]}")
        if g["status"] != r["status"]:
            bad.append(f"{g['key']} status {g['status']} != {r['status']}")
    check(not bad, f"{what}: every number (exact), the band used and status equals monitoring.csv", "; ".join(bad[:5]))
    # the band's text: monitoring.csv's band_used_low and _high, marked * where it is wider than
    # p2_5 and p97_5, with the terminal's decimals; realised and the % likewise
    bad, n_wide, n_pct = [], 0, 0
    for g, r in zip(got, rows):
        d_re, d_band, d_pct = decimals(r)
        lo, hi = num(r["band_used_low"]), num(r["band_used_high"])
        wide = lo is not None and (lo != num(r["p2_5"]) or hi != num(r["p97_5"]))
        n_wide += wide
        want = "–" if lo is None else f"{fmt(lo, d_band, nl)} – {fmt(hi, d_band, nl)}" + ("*" if wide else "")
        if g["text"][6] != want or (lo is not None and g["widened"] != ("yes" if wide else "no")):
            bad.append(f"{g['key']} band {g['text'][6]!r} != {want!r}")
        if g["text"][7] != fmt(num(r["realised"]), d_re, nl):
            bad.append(f"{g['key']} realised {g['text'][7]!r} != {fmt(num(r['realised']), d_re, nl)!r}")
        pct = num(r["difference_pct"])
        if g["text"][9] != fmt(pct, d_pct, nl):
            bad.append(f"{g['key']} % {g['text'][9]!r} != {fmt(pct, d_pct, nl)!r}")
        if pct is not None:  # and the % shown lies where the exact % lies against each threshold
            n_pct += 1
            shown = parse(g["text"][9], nl)
            if any(side(shown, t) != side(pct, t) for t in thresholds(r)):
                bad.append(f"{g['key']} % {g['text'][9]} lies on another side of a threshold than {pct}")
    check(not bad, f"{what}: the band used ({n_wide} widened, marked *), realised and the % ({n_pct}) printed "
          "with the terminal's decimals: the % on the side of 5 %, 20 % and the band's reach the exact % is on",
          "; ".join(bad[:5]))
    # of the plan's effect: monitoring.csv's effect_realised, as a % with the terminal's decimals
    # (enough to lie on the side of 0 and of -/+ 500 % the exact % lies on), ! the other way,
    # ? beyond 5 times the plan's change
    bad, n_eff = [], 0
    for g, r in zip(got, rows):
        e = num(r["effect_realised"])
        if g["effect"] != e:
            bad.append(f"{g['key']} effect {g['effect']} != {r['effect_realised']}")
            continue
        if e is None:
            if g["text"][11] != "–":
                bad.append(f"{g['key']} effect text {g['text'][11]!r} without a value")
            continue
        n_eff += 1
        pct = 100 * e
        want = fmt(pct, enough_prec(pct, [0, 500, -500], default_prec(pct), 0), nl) + ("%" if nl else " %") \
            + ("!" if e < 0 else "") + ("?" if abs(e) > 5 else "")
        marks = ("yes" if e < 0 else "no", "yes" if abs(e) > 5 else "no")
        if g["text"][11] != want or g["effect_marks"] != marks:
            bad.append(f"{g['key']} effect {g['text'][11]!r} {g['effect_marks']} != {want!r} {marks}")
    note = re.search(r'<p class="mon-note" id="monitoring-effect-note">([^<]*)</p>', sec)
    check(not bad and n_eff > 0 and bool(note) and ("Van het effect van het plan" if nl else "Of the plan's effect")
          in note.group(1), f"{what}: of the plan's effect ({n_eff} rows) equals monitoring.csv's effect_realised, "
          "as a % with the terminal's decimals and marks, explained under the table", "; ".join(bad[:5]))
    foot = re.search(r'<p class="mon-note" id="monitoring-widened">([^<]*)</p>', sec)
    check(bool(foot) == (n_wide > 0) and (not foot or ("verbreed tot gepland ±5%" if nl else "widened to planned ±5 %")
                                          in foot.group(1)),
          f"{what}: the footnote on widened bands {'is there' if n_wide else 'is absent'} ({n_wide} widened)")
    # milestone met: monitoring.csv's milestone_met, in words
    words = {"yes": "ja" if nl else "yes", "no": "nee" if nl else "no", "": "–"}
    bad = [f"{g['key']} {g['met']!r} {g['met_text']!r} != {r['milestone_met']!r}" for g, r in zip(got, rows)
           if g["met"] != r["milestone_met"] or g["met_text"] != words[r["milestone_met"]]]
    n_met = sum(1 for r in rows if r["milestone_met"])
    check(not bad, f"{what}: milestone met equals monitoring.csv's milestone_met ({n_met} yes or no, in words)",
          "; ".join(bad[:5]))
    if names is not None:  # the plan's names of the interventions, in a tooltip and under the table
        bad = [f"{g['key']} {g['iv_name']!r}" for g in got
               if g["iv_name"] != names.get(g["key"][1].partition("participants:")[2])]
        legend = re.search(r'<p class="mon-note" id="monitoring-interventions">(.*?)</p>', sec, re.S)
        listed = dict(re.findall(r'<b data-intervention="([^"]+)">[^<]+</b>: ([^;<]+)', legend.group(1) if legend else ""))
        want = {k.partition(":")[2]: names[k.partition(":")[2]] for k in {g["key"][1] for g in got}
                if k.startswith("participants:")}
        check(not bad and {k: v.strip() for k, v in listed.items()} == want,
              f"{what}: the {len(want)} interventions' names from the plan (tooltips and the list under the table)",
              "; ".join(bad[:3]) + f" {listed} vs {want}")
    return got


def plan_names(plan):
    """The interventions' names in the plan file (the example's layout: id, then name)."""
    text = open(plan, encoding="utf-8").read()
    return {i: n.strip() for i, n in re.findall(r"- id: (\S+)\n\s+name: (.+)", text)}


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
    bad, n_planned, n_real, n_band, n_wide = [], 0, 0, 0, 0
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
                # the band the status used; the page's JSON keeps 10 significant digits
                # (report.c, put_data)
                if not close10(v["lo"], num(r["band_used_low"])) or not close10(v["hi"], num(r["band_used_high"])):
                    bad.append(f"{ind} {place} {v['year']} band {v['lo']}-{v['hi']}")
                wide = num(r["band_used_low"]) != num(r["p2_5"]) or num(r["band_used_high"]) != num(r["p97_5"])
                n_wide += wide
                if wide != (("verbreed tot gepland" if nl else "widened to planned") in v["label"]):
                    bad.append(f"{ind} {place} {v['year']} band label {v['label']!r}")
    db.close()
    check(not bad and n_planned > 0 and n_real > 0,
          f"{what}: the charts' {n_planned} planned values equal results.db's sums, their {n_real} realised "
          f"points the actuals and monitoring.csv, their {n_band} bands monitoring.csv's band used "
          f"({n_wide} widened, said so in the tooltip)", "; ".join(bad[:5]))
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
        for k in ("band_used_low", "band_used_high", "baseline", "effect_realised"):
            if a.get(k, "absent") != num(r[k]):
                bad.append(f"{csv_key(r)} {k} {a.get(k, 'absent')} != {r[k]}")
        for k in ("level", "subregion", "direction", "status", "realised_from", "source", "milestone_met"):
            if (a.get(k, "absent") or "") != r[k]:
                bad.append(f"{csv_key(r)} {k} {a.get(k, 'absent')!r} != {r[k]!r}")
        d_re, d_band, d_pct = decimals(r)
        e = num(r["effect_realised"])
        d_eff = 1 if e is None else enough_prec(100 * e, [0, 500, -500], default_prec(100 * e), 0)
        want = {"realised": d_re, "band": d_band, "difference_pct": d_pct, "effect_pct": d_eff}
        if a.get("decimals") != want:
            bad.append(f"{csv_key(r)} decimals {a.get('decimals')} != {want}")
    return bad


def check_api(tmp, run, plan, rows):
    srv = Server(["--dir", run], os.path.join(tmp, "serve.log"))
    if not check(srv.url is not None, f"serve --dir {run} starts"):
        return
    st, ans = srv.get("/api/monitoring")
    check(st == 200 and not api_rows_equal(ans["rows"], rows),
          f"/api/monitoring: its {len(ans.get('rows', []))} rows equal monitoring.csv (with band_used_low, "
          "band_used_high, baseline, effect_realised, milestone_met and the terminal's decimals)",
          "; ".join(api_rows_equal(ans.get("rows", []), rows)[:5]))
    plan_dir = os.path.dirname(os.path.abspath(plan))
    check(ans.get("plan", {}).get("path") == os.path.basename(plan) and plan_dir not in json.dumps(ans),
          f"/api/monitoring: the plan by its file name, no server folder anywhere ({ans.get('plan')})")
    check("reforecast_from_year" in ans and ans["reforecast_from_year"] is None,
          f"/api/monitoring: reforecast_from_year null for a run that is no re-forecast ({ans.get('reforecast_from_year', 'absent')})")
    names = plan_names(plan)
    bad = [f"{r['indicator']} {r.get('intervention_name')!r}" for r in ans.get("rows", [])
           if r.get("intervention_name") != names.get(r["indicator"].partition("participants:")[2], "")]
    labels = {r["indicator"]: r.get("indicator_label") for r in ans.get("rows", [])}
    check(not bad and labels.get("participants:acp") == "Participants acp"
          and labels.get("units:hospital_day", "").startswith("Care use: "),
          f"/api/monitoring: each row's intervention_name is the plan's, indicator_label the report's "
          f"({labels.get('participants:acp')!r}, {labels.get('units:hospital_day')!r})", "; ".join(bad[:3]))
    check(ans.get("band_draws") == 20 and ans.get("plan", {}).get("state") == "unchanged",
          f"/api/monitoring: band from 20 draws, plan unchanged ({ans.get('band_draws')}, {ans.get('plan')})")
    check(len(ans.get("charts", [])) > 0 and all(c["section"] == "monitoring" for c in ans["charts"]),
          f"/api/monitoring: {len(ans.get('charts', []))} charts")
    st, nl = srv.get("/api/monitoring?lang=nl&year=2027")
    want = [r for r in rows if r["year"] == "2027"]
    check(st == 200 and not api_rows_equal(nl["rows"], want) and nl["lang"] == "nl",
          f"/api/monitoring?lang=nl&year=2027: the {len(want)} rows of 2027")
    # the note under the status table: the report's own (this run's report.html is the Dutch one)
    page = open(os.path.join(run, "report.html"), encoding="utf-8").read()
    note = re.search(r'<p class="mon-note" id="monitoring-effect-note">([^<]*)</p>', page)
    check(note and nl.get("effect_note") == html_lib.unescape(note.group(1))
          and ans.get("effect_note", "").startswith("Of the plan's effect: (baseline − realised)"),
          "/api/monitoring: effect_note is the report's note under the status table, in the language "
          "(the dashboard shows it)", f"{nl.get('effect_note', 'absent')!r:.120}")
    check(any(r["status_label"] == "geen realisatie" for r in nl.get("rows", [])), "?lang=nl: Dutch status labels")
    for q, field in (("?year=1999", "year"), ("?year=x", "year"), ("?lang=de", "lang"), ("?scenario=plan", "scenario")):
        st, e = srv.get("/api/monitoring" + q)
        check(st == 400 and e.get("field") == field, f"/api/monitoring{q}: 400, field {field} ({st}, {e})")
    check(srv.stop() == 0, "serve stops with exit 0 on SIGTERM")


def banner(sec):
    m = re.search(r'<div class="card mon-reforecast" id="monitoring-reforecast" role="note" data-year="(\d+)"[^>]*>(.*?)</div>',
                  sec, re.S)
    return m.group(2) if m else None


def banner_text(y, nl):
    if nl:
        return (f"Deze run is een herprognose vanaf {y}, gepast op de realisaties van {y}: vanaf {y} is ‘gepland’ "
                "de herprognose, niet het plan zoals afgesproken; monitor in plaats daarvan met de database van de "
                "oorspronkelijke run.")
    return (f"This run is a re-forecast from {y}, fitted to the actuals of {y}: from {y} on, ‘planned’ is the "
            "re-forecast, not the plan as agreed; monitor against the original run's database instead.")


def check_reforecast(tmp, plan, psa, actuals):
    """A re-forecast from 2025 (fitted to the PSA run's actuals) with the actuals imported into
    it: its monitoring section and /api/monitoring say it is one, with run_info's year."""
    rf = os.path.join(tmp, "zl-2025")
    r = cs("run", plan, "--out", rf, "--actuals", os.path.join(psa, "results.db"), "--from-year", "2025", *RUN_OPTS)
    i = cs("monitor", "import", plan, actuals, "--dir", rf)
    if not check(r.returncode == 0 and i.returncode == 0, "a re-forecast from 2025 runs; the actuals import into it",
                 r.stderr[-300:] + i.stderr[-300:]):
        return None
    db = sqlite3.connect(f"file:{os.path.join(rf, 'results.db')}?mode=ro", uri=True)
    y = int(db.execute("SELECT value FROM run_info WHERE key = 'reforecast_from_year'").fetchone()[0])
    db.close()
    for nl in (False, True):
        r = cs("report", rf, *(["--lang", "nl"] if nl else []))
        sec = section(open(os.path.join(rf, "report.html"), encoding="utf-8").read()) or ""
        top = sec.find('id="monitoring-reforecast"')
        check(r.returncode == 0 and banner(sec) == banner_text(y, nl) and 0 <= top < sec.find('class="intro"'),
              f"the re-forecast's report ({'nl' if nl else 'en'}): a banner at the top of the monitoring section "
              f"naming run_info's reforecast_from_year {y}", banner(sec))
    srv = Server(["--dir", rf], os.path.join(tmp, "serve-rf.log"))
    if check(srv.url is not None, "serve --dir of the re-forecast starts"):
        st, ans = srv.get("/api/monitoring")
        check(st == 200 and ans.get("reforecast_from_year") == y,
              f"/api/monitoring of the re-forecast: reforecast_from_year {ans.get('reforecast_from_year')} (run_info: {y})")
        check(srv.stop() == 0, "serve (re-forecast) stops with exit 0")
    return rf


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
        phtml = open(os.path.join(psa, "report.html"), encoding="utf-8").read()
        check('id="chart-ceac"' in phtml and 'id="chart-tornado' not in phtml,
              "a run with --draws 20 --no-tornado: the PSA's charts without the (empty) tornado charts")
        srv = Server(["--dir", psa], os.path.join(tmp, "serve0.log"))
        st, e = srv.get("/api/monitoring")
        check(st == 404 and "no actuals" in e.get("error", ""), f"/api/monitoring without actuals: 404 with a JSON error ({st}, {e})")
        check(srv.stop() == 0, "serve stops with exit 0")

        for d in (run, psa):
            r = cs("monitor", "import", plan, actuals, "--dir", d)
            check(r.returncode == 0, f"monitor import into {os.path.basename(d)}", r.stderr[-300:])
        # two of the region's milestones of 2027 realised in the PSA run: one met, one missed
        extra = os.path.join(tmp, "milestones.csv")
        with open(extra, "w", encoding="utf-8") as f:
            f.write("indicator,area_or_subregion,year,value,source\n"
                    "participants:acp,region,2027,4300,test (above the milestone of 4200)\n"
                    "participants:thuismonitoring,region,2027,2000,test (below the milestone of 2100)\n")
        r = cs("monitor", "import", plan, extra, "--dir", psa)
        check(r.returncode == 0, "monitor import of two milestones' actuals into zl-psa", r.stderr[-300:])
        names = plan_names(plan)
        # deterministic, English
        cs("monitor", "status", plan, "--dir", run, "--csv", os.path.join(tmp, "m.csv"))
        rows = read_csv(os.path.join(tmp, "m.csv"))
        r = cs("report", run)
        check(r.returncode == 0, "careshift report DIR after the import", r.stderr[-300:])
        html = open(os.path.join(run, "report.html"), encoding="utf-8").read()
        sec = section(html)
        if check(sec is not None and "Monitoring: realised against planned" in sec, "the report has the monitoring section (EN)"):
            got = compare_table(sec, rows, "EN", names=names)
            check({g["word"] for g in got if g["status"] == "off_track"} == {"off track"}, "EN status words on the badges")
            check('id="monitoring-reforecast"' not in sec, "EN: no re-forecast banner in an ordinary run's report")
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
            got = compare_table(sec, prow, "NL, PSA", nl=True, names=names)
            check({r["milestone_met"] for r in prow} == {"", "yes", "no"} and
                  {g["met_text"] for g in got} == {"ja", "nee", "–"},
                  "NL, PSA: a milestone met (ja) and one missed (nee) among the rows")
            check({g["word"] for g in got if g["status"] == "on_track"} == {"op schema"}, "NL status words on the badges")
            check("20 trekkingen" in sec and any(g["low"] is not None for g in got), "with PSA the band (20 draws) is in the table")
        check_charts(html, prow, os.path.join(psa, "results.db"), "NL, PSA", band=True, nl=True)
        check_api(tmp, psa, plan, prow)
        rf = check_reforecast(tmp, plan, psa, actuals)

        # a run made with a relative plan path, its report made from another folder: run_info
        # has the path as given, which the report also tries from the run's folder upwards
        rel = os.path.join(tmp, "runs", "zl-rel")
        r = subprocess.run([CS, "run", os.path.join("plan", "plan.yaml"), "--out", os.path.join("runs", "zl-rel"),
                            *RUN_OPTS], cwd=tmp, capture_output=True, text=True, timeout=600)
        r2 = subprocess.run([CS, "monitor", "import", os.path.join("plan", "plan.yaml"),
                             os.path.join("plan", "actuals.csv"), "--dir", os.path.join("runs", "zl-rel")],
                            cwd=tmp, capture_output=True, text=True, timeout=600)
        # a decoy on the way up: another plan.yaml (one number changed: another checksum)
        decoy = os.path.join(tmp, "runs", "plan")
        shutil.copytree(plan_dir, decoy)
        with open(os.path.join(decoy, "plan.yaml"), encoding="utf-8") as f:
            y = f.read()
        with open(os.path.join(decoy, "plan.yaml"), "w", encoding="utf-8") as f:
            f.write(y.replace("rate: 0.03", "rate: 0.031", 1) if "rate: 0.03" in y else y + "\n# another\n")
        r3 = subprocess.run([CS, "report", rel], cwd=os.path.join(tmp, "runs"), capture_output=True, text=True,
                            timeout=600)
        sec = section(open(os.path.join(rel, "report.html"), encoding="utf-8").read()) or ""
        got = status_rows(sec)
        check(r.returncode == 0 and r2.returncode == 0 and r3.returncode == 0 and "cannot be read here" not in sec
              and len(got) == len(rows) and all(g["status"] for g in got),
              "a run with a relative plan path, reported from another folder: the plan is found from the run's "
              f"folder past a decoy with another checksum, every row has a status ({len(got)} of {len(rows)})",
              (r.stderr + r2.stderr + r3.stderr)[-400:])

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
        check(all(g["text"][6] == "–" and g["low"] is None and g["met"] == "" and g["met_text"] == "–" for g in got),
              "without the plan: no band and no milestone verdict (–)")
        # and with the run's own plan gone, the decoy above it (another checksum) is not taken (from a folder
        # where the path as given names nothing: from tmp/runs it would name the decoy itself, which is then
        # the plan as given, changed since the run)
        r = subprocess.run([CS, "report", rel], cwd=rel, capture_output=True, text=True, timeout=600)
        sec = section(open(os.path.join(rel, "report.html"), encoding="utf-8").read()) or ""
        got = status_rows(sec)
        check(r.returncode == 0 and "cannot be read here" in sec and len(got) == n_act
              and all(g["status"] == "" for g in got),
              f"without the run's plan, a plan.yaml of another checksum above the run is not used ({len(got)} rows, "
              "no status)", r.stderr[-300:] + f" cannot={'cannot be read here' in sec} n_act={n_act} "
              f"statuses={sorted({g['status'] for g in got})}")
        if rf:  # the banner comes from run_info, so it stays without the plan
            r = cs("report", rf)
            sec = section(open(os.path.join(rf, "report.html"), encoding="utf-8").read()) or ""
            check(r.returncode == 0 and banner(sec) == banner_text(2025, False) and "cannot be read here" in sec,
                  "without the plan: the re-forecast's section still has its banner", banner(sec))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)
