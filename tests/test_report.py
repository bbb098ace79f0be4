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
CHARTS = ["verdict", "business_case", "wrong_pocket", "payers"]
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
    for c in CHARTS:
        check(f'"id":"{c}"' in html and f'id="chart-{c}"' in html, f"chart {c}: spec and place")
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


def browser(det, psa):
    node, chromium = shutil.which("node"), "/usr/bin/chromium"
    if not (node and os.path.exists(chromium) and os.path.isdir(os.path.join(ROOT, "web", "node_modules", "playwright-core"))):
        print("skip browser test: needs node, /usr/bin/chromium and web/node_modules (scripts/setup)")
        return
    p = subprocess.run([node, os.path.join(ROOT, "tests", "browser", "report.mjs"), ROOT,
                        os.path.join(BUILD, "report"), det, psa], capture_output=True, text=True, timeout=180)
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
        browser(os.path.join(det, "report.html"), os.path.join(psa, "report.html"))
        check_rebuild(binary, det)
        check_refusals(binary, tmp)
        check_no_scripts(binary, tmp, det)
    print(f"report: {res['passed']} passed, {res['failed']} failed")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
