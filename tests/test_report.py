#!/usr/bin/env python3
"""End-to-end checks of report.html (docs/report.md): `careshift run` writes it into the run
(deterministic, and with PSA), it is self-contained and under 5 MB, it holds every chart's spec,
its numbers are formatted for the language and equal business_case.csv, `careshift report DIR`
rebuilds the same bytes, and a directory that is not a run is refused with exit code 1. Then
tests/browser/report.mjs opens both reports in headless Chromium (when installed) and saves
screenshots to $CS_BUILDDIR/report-*.png.

usage: test_report.py CARESHIFT_BINARY
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("CS_BUILDDIR") or os.path.join(ROOT, "build")
PLAN = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
# the charts of a deterministic run of the example, those PSA adds, and those --detail swaps in
CHARTS = ["verdict", "business_case", "wrong_pocket", "theme_npv", "theme_criteria", "participants",
          "population", "payers", "care_use", "care_cost_sector", "workforce", "staff",
          "staff_subregion", "real_estate", "variants_criteria", "variants_npv"]
PSA_CHARTS = ["npv_draws", "ceac", "tornado", "tornado_criteria", "ce_plane"]
DETAIL_CHARTS = ["pyramid", "share75_subregion", "share75"]
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def num(v, dec, nl):
    s = f"{abs(v):,.{dec}f}"
    if nl:
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if v < 0 and float(s.replace(".", "").replace(",", "")) != 0 else "") + s


def eur(v, nl):
    a = abs(v)
    if a >= 1e9:
        return f"EUR {num(v / 1e9, 2, nl)} {'mld' if nl else 'bn'}"
    if a >= 1e6:
        return f"EUR {num(v / 1e6, 1, nl)} mln"
    return f"EUR {num(v, 0, nl)}"


def run(binary, out, *args, env=None):
    return subprocess.run([binary, "run", PLAN, "--out", out, "--quiet", "--no-intervention-shapley",
                           *args], capture_output=True, text=True, env=env)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rows(out, name, **eq):
    """The rows of OUT/NAME.csv whose columns equal eq's values."""
    with open(os.path.join(out, name + ".csv"), newline="") as f:
        return [r for r in csv.DictReader(f) if all(r[k] == v for k, v in eq.items())]


def long_year(out):
    """The long-term verdict's year: the year whose plan criteria equal shapley's plan values."""
    plan = {r["metric"][len("criterion:"):]: float(r["plan_value"])
            for r in rows(out, "shapley") if r["metric"].startswith("criterion:")}
    for y in sorted({r["year"] for r in rows(out, "criteria", scenario="plan")}, reverse=True):
        crit = rows(out, "criteria", scenario="plan", year=y)
        if all(abs(float(r["value"]) - plan[r["criterion"]]) <= 1e-9 * (1 + abs(plan[r["criterion"]]))
               for r in crit):
            return y
    return None


def cell(html, text, what):
    check(f"<td>{text}</td>" in html, f"{what}: table shows {text}")


def total(rs, col):
    return sum(float(r[col]) for r in rs)


def check_sections(out, html, nl, psa):
    """At least one number of each new chart's table equals the CSV it comes from."""
    ly = long_year(out)
    r = rows(out, "shapley", metric="npv:total")[0]
    cell(html, eur(float(r["contribution"]), nl), f"theme_npv {r['theme']}")
    r = rows(out, "shapley", metric="criterion:staff")[0]
    cell(html, num(float(r["contribution"]), 0, nl) + " FTE", f"theme_criteria staff {r['theme']}")
    if 'id="chart-pyramid"' not in html:
        first = min(r["year"] for r in rows(out, "demography", scenario="plan"))
        cell(html, num(total(rows(out, "demography", scenario="plan", year=first), "population"), 0, nl),
             f"population {first}")
    ws = rows(out, "workforce", scenario="plan", year="2040", group="vvt")
    cell(html, num(total(ws, "demand_fte"), 0, nl), "workforce vvt demand 2040")
    st = rows(out, "staff", scenario="plan", year=ly)[0]
    cell(html, num(float(st["shortage_baseline_fte"]), 0, nl), f"staff shortage without plan {ly}")
    pct = num(100 * float(st["shortage_closed"]), 1, nl) + "%"
    check(pct in html, f"staff: share of the shortage closed {pct} in the guide and table")
    cs = rows(out, "care", scenario="baseline", year=ly, sector="nursing_home_day")
    cell(html, num(total(cs, "m2"), 0, nl), f"real_estate nursing home baseline {ly}")
    r = rows(out, "business_case", scenario="mijnstreek-alleen", stakeholder="total")[0]
    cell(html, eur(float(r["npv"]), nl), "variants_npv mijnstreek-alleen NPV")
    r = rows(out, "criteria", scenario="mijnstreek-alleen", year=ly, criterion="staff")[0]
    cell(html, num(float(r["value"]), 0, nl) + " FTE", "variants_criteria mijnstreek-alleen staff")
    check_sections_more(out, html, nl, ly)
    check_inputs(out, html, nl)
    if not psa:
        return
    check_psa_more(out, html, nl, ly)
    r = rows(out, "ceac", scenario="plan", value_per_qaly="50000")[0]
    check(f"<td>{num(50000, 0, nl)}</td><td>{num(100 * float(r['probability_cost_effective']), 0, nl)}%</td>"
          in html, "ceac: P(cost-effective) at EUR 50,000 per QALY")
    tor = max(rows(out, "tornado", scenario="plan", metric="npv:total"),
              key=lambda r: abs(float(r["high"]) - float(r["low"])))
    cell(html, eur(float(tor["low"]), nl), "tornado: the widest swing's low end")
    dq = rows(out, "psa_draws", scenario="plan", metric="delta_qalys")
    first = min(dq, key=lambda r: int(r["draw"]))
    cell(html, num(float(first["value"]), 1, nl), f"ce_plane: QALYs of draw {first['draw']}")


def subregion_of(out):
    return {r["area"]: r["subregion"] for r in rows(out, "areas")}


def check_sections_more(out, html, nl, ly):
    """The charts of care use, cost per sector, staff and participants per subregion (v0.2)."""
    base = rows(out, "care", scenario="baseline", year=ly, sector="hospital_day")
    plan = rows(out, "care", scenario="plan", year=ly, sector="hospital_day")
    cell(html, num(total(base, "units"), 0, nl), f"care_use: hospital days without the plan in {ly}")
    cell(html, eur(total(plan, "cost") - total(base, "cost"), nl), f"care_cost_sector: hospital days {ly}")
    sub = subregion_of(out)
    check(sorted(set(sub.values())) == ["Maastricht-Heuvelland", "Parkstad", "Westelijke Mijnstreek"],
          "areas.csv: the example's three subregions")
    short = sum(max(float(r["gap_fte"]), 0) for r in rows(out, "workforce", scenario="baseline", year=ly,
                                                           subregion="Parkstad"))
    cell(html, num(short, 0, nl), f"staff_subregion: Parkstad's shortage without the plan in {ly}")
    ps = [r for r in rows(out, "interventions", scenario="plan", year="2030", intervention="valpreventie")
          if sub[r["area"]] == "Parkstad"]
    cell(html, num(total(ps, "participants"), 0, nl), "participants: valpreventie in Parkstad, 2030")
    for m in rows(out, "milestones", intervention="valpreventie"):
        proj = total(rows(out, "interventions", scenario="plan", year=m["year"], intervention="valpreventie"),
                     "participants")
        check(f"<td>{num(proj, 0, nl)}</td><td>{num(float(m['target']), 0, nl)}</td>" in html,
              f"participants: valpreventie's milestone {m['year']} beside the plan's projection")


def check_inputs(out, html, nl):
    """Every input of inputs.csv is listed in the assumptions with its source (v0.2)."""
    ins = rows(out, "inputs")
    check(html.count('<tr class="input">') == len(ins) > 100, f"assumptions: {len(ins)} inputs listed")
    price = rows(out, "inputs", path="sectors[hospital_day].price")[0]
    src = price["source"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    check(f'<td>sectors[hospital_day].price</td><td>{num(float(price["value"]), 0, nl)}</td><td></td>'
          f'<td class="src">{src}</td>' in html and "KH 2024" in src,
          "assumptions: the hospital day's price with its source")
    check("<td>years.base</td><td>2024</td>" in html, "assumptions: a year is written as a year")


def check_psa_more(out, html, nl, ly):
    """The NPV's spread per stakeholder and the criteria's tornado (v0.2)."""
    s = rows(out, "psa_summary", scenario="plan", metric="npv:wmo")[0]
    pr = rows(out, "psa_probabilities", scenario="plan", what="npv>0:wmo")[0]
    check(f"<td>{eur(float(s['mean']), nl)}</td><td>{eur(float(s['p2_5']), nl)}</td>" in html,
          "npv_draws: Wmo's mean and 2.5th percentile")
    check(f"<td>{num(100 * float(pr['probability']), 1, nl)}%</td>" in html, "npv_draws: P(NPV > 0) of Wmo")
    tor = max(rows(out, "tornado", scenario="plan", metric="criterion:staff"),
              key=lambda r: abs(float(r["high"]) - float(r["low"])))
    cell(html, num(float(tor["low"]), 2, nl), "tornado_criteria: staff's widest swing, low end")


def check_page(out, nl, psa):
    path = os.path.join(out, "report.html")
    check(os.path.isfile(path), f"{out}: report.html written")
    if not os.path.isfile(path):
        return
    size = os.path.getsize(path)
    check(size < 5 * 1024 * 1024, f"report.html is {size / 1e6:.2f} MB (< 5 MB)")
    html = read(path)
    ext = re.findall(r'(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//|url\(\s*["\']?(?:https?:)?//|@import',
                     html, re.I)
    check(not ext, f"no external script, style or image reference ({ext[:3]})")
    for c in CHARTS + PSA_CHARTS:
        want = c not in PSA_CHARTS or psa
        check((f'"id":"{c}"' in html and f'id="chart-{c}"' in html) == want,
              f"chart {c}: spec and place {'present' if want else 'absent without PSA'}")
    check("co2" not in re.findall(r'id="chart-([a-z0-9_]+)"', html),
          "no CO2 chart: the example gives no CO2 per unit of care")
    check(html.count("<details>") >= len(CHARTS), "every chart has its show-numbers table")
    check(html.count("<script>") == 4, "vega, vega-lite, vega-embed and the renderer are inlined")
    check('lang="nl"' in html if nl else 'lang="en"' in html, "the page's language")
    check(("Toon cijfers" in html) == nl and ("Show numbers" in html) != nl, "labels in the language")
    with open(os.path.join(out, "business_case.csv"), newline="") as f:
        bc = [r for r in csv.DictReader(f) if r["scenario"] == "plan"]
    for r in bc:
        for k in ("investment", "savings", "npv"):
            want = eur(float(r[k]), nl)
            check(want in html, f"{r['stakeholder']} {k} shown as {want}")
    check_sections(out, html, nl, psa)
    # the assumptions read run_info: the plan checksum and the verdict years the run used
    with open(os.path.join(out, "run_info.csv"), newline="") as f:
        info = {r["key"]: r["value"] for r in csv.DictReader(f)}
    check(f"<dd>{info['plan_checksum']}</dd>" in html, f"assumptions: plan checksum {info['plan_checksum']}")
    check(f"{info['short_year']}, " in html and f" {info['long_year']}</dd>" in html,
          f"assumptions: verdict years {info['short_year']} and {info['long_year']} from run_info")
    text = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    check(not re.search(r"\d[eE][+-]\d", text), "no number in exponent notation")
    check(("Kans NCW &gt; 0" in text or "kans NCW &gt; 0" in text if nl else "P(NPV &gt; 0)" in text) == psa,
          "P(NPV > 0) shown exactly when the run has PSA")


def check_rebuild(binary, out):
    path = os.path.join(out, "report.html")
    before = open(path, "rb").read()
    p = subprocess.run([binary, "report", out], capture_output=True, text=True)
    check(p.returncode == 0 and "report.html" in p.stdout, f"careshift report DIR exits 0 {p.stderr[:200]}")
    check(open(path, "rb").read() == before, "careshift report DIR rebuilds the same bytes")
    p = subprocess.run([binary, "report", out, "--lang", "nl"], capture_output=True, text=True)
    check(p.returncode == 0 and "Toon cijfers" in read(path), "careshift report DIR --lang nl")
    check_page(out, True, False)
    subprocess.run([binary, "report", out], capture_output=True)
    with open(os.path.join(out, ".careshift-manifest")) as f:
        check("report.html" in f.read().split(), "the manifest lists report.html")
    p = run(binary, out)
    check(p.returncode == 0, f"a new run into the directory after `report` {p.stderr[:200]}")


def check_refusals(binary, tmp):
    plain = os.path.join(tmp, "plain")
    os.makedirs(plain)
    p = subprocess.run([binary, "report", plain], capture_output=True, text=True)
    check(p.returncode == 1 and "not a careshift run directory" in p.stderr,
          f"a directory that is not a run: exit 1 ({p.returncode}: {p.stderr.strip()[:160]})")
    check(not os.listdir(plain), "... and nothing written into it")
    p = subprocess.run([binary, "report", os.path.join(tmp, "missing")], capture_output=True, text=True)
    check(p.returncode == 1, f"a missing directory: exit 1 ({p.returncode})")
    p = subprocess.run([binary, "report", plain, "--lang", "fr"], capture_output=True, text=True)
    check(p.returncode == 2, "--lang fr: exit 2")
    p = subprocess.run([binary, "report"], capture_output=True, text=True)
    check(p.returncode == 2, "no DIR: exit 2")
    p = subprocess.run([binary, "report", "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "usage: careshift report" in p.stdout, "report --help")


def check_no_scripts(binary, tmp, det):
    env = dict(os.environ, CARESHIFT_WEB_DIR=os.path.join(tmp, "no-such-web"))
    p = subprocess.run([binary, "report", det], capture_output=True, text=True, env=env)
    check(p.returncode == 3 and "CARESHIFT_WEB_DIR" in p.stderr, f"no chart scripts: report exits 3 ({p.returncode})")
    out = os.path.join(tmp, "noweb")
    p = run(binary, out, env=env)
    check(p.returncode == 0 and "no report.html" in p.stderr and not os.path.exists(os.path.join(out, "report.html")),
          f"no chart scripts: the run is written without the report, with a note ({p.returncode})")


def check_detail(binary, out):
    """With --detail the population pyramid and the share 75+ replace the population line."""
    p = run(binary, out, "--detail")
    check(p.returncode == 0, f"run --detail exits 0 {p.stderr[:200]}")
    html = read(os.path.join(out, "report.html"))
    for c in DETAIL_CHARTS:
        check(f'"id":"{c}"' in html and f'id="chart-{c}"' in html, f"--detail: chart {c}")
    check('id="chart-population"' not in html, "--detail: no population line")
    first, last, n = None, None, 0.0
    with open(os.path.join(out, "population.csv"), newline="") as f:
        for r in csv.DictReader(f):
            first = first or r["year"]
            if r["scenario"] == "plan" and r["year"] == first and r["sex"] == "f" and int(r["age"]) >= 95:
                n += float(r["count"])
    cell(html, num(n, 0, False), f"pyramid: women aged 95+ in {first}")
    old, allp = 0.0, 0.0
    with open(os.path.join(out, "population.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["scenario"] == "plan" and r["year"] == first:
                allp += float(r["count"])
                old += float(r["count"]) if int(r["age"]) >= 75 else 0.0
    cell(html, num(100 * old / allp, 1, False) + "%", f"share75_subregion: the region's share 75+ in {first}")
    check(os.path.getsize(os.path.join(out, "report.html")) < 5 * 1024 * 1024, "--detail: report < 5 MB")


def browser(det, psa, *more):
    node, chromium = shutil.which("node"), "/usr/bin/chromium"
    if not (node and os.path.exists(chromium) and os.path.isdir(os.path.join(ROOT, "web", "node_modules", "playwright-core"))):
        print("skip browser test: needs node, /usr/bin/chromium and web/node_modules (scripts/setup)")
        return
    p = subprocess.run([node, os.path.join(ROOT, "tests", "browser", "report.mjs"), ROOT,
                        os.path.join(BUILD, "report"), det, psa, *more], capture_output=True, text=True,
                       timeout=180)
    print(p.stdout + p.stderr, end="")
    check(p.returncode == 0, "browser: every chart renders, no console errors, the table toggles")


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        det, psa = os.path.join(tmp, "det"), os.path.join(tmp, "psa")
        p = run(binary, det)
        check(p.returncode == 0, f"run (deterministic) exits 0 {p.stderr[:200]}")
        check_page(det, False, False)
        p = run(binary, psa, "--draws", "20", "--lang", "nl")
        check(p.returncode == 0, f"run --draws 20 --lang nl exits 0 {p.stderr[:200]}")
        check_page(psa, True, True)
        detail = os.path.join(tmp, "detail")
        check_detail(binary, detail)
        browser(os.path.join(det, "report.html"), os.path.join(psa, "report.html"),
                os.path.join(detail, "report.html"))
        shutil.rmtree(detail)  # about 250 MB
        check_rebuild(binary, det)
        check_refusals(binary, tmp)
        check_no_scripts(binary, tmp, det)
    print(f"report: {res['passed']} passed, {res['failed']} failed")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
