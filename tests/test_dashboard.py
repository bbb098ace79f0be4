#!/usr/bin/env python3
"""The dashboard at / of `careshift serve` in headless Chromium (docs/dashboard.md, issue 12).

Starts `careshift serve --plan examples/zuid-limburg/plan.yaml --port 0` on a free loopback port,
checks that / and the page's files are served, and runs tests/browser/dashboard.mjs against it:
every chart renders with no console error, the verdict, business case and subregion tables equal
/api/tables for the plan, a variant and a subregion, the year range and theme filter, ACP's
uptake slider to 0.2 shows what POST /api/whatif answers (stale answers dropped, 400 shown, 503
retried, a theme switched off in the scenario without it, the plan file edited and broken under
the running server: the plan server serves a copy of the example, which the browser test
edits), NL/EN, and in Dutch with a variant and a what-if nothing wider than its box at 1280 and
1024 px. Then the same page on a finished run with PSA (`serve --dir`): no what-if panel, the
PSA charts render, and with the example's actuals (and two milestones' actuals of 2027, one met and
one missed) imported the monitoring section equals /api/monitoring (the band the status used,
the milestone met, the % with the terminal's decimals, the interventions' names) and its charts
show the realised points (issue 13). A re-forecast of that run from 2025, with the actuals
imported into it, shows the monitoring section with the re-forecast's banner (en, nl;
dashboard.mjs --monitoring-only). Last, that run served on
127.0.0.2 with --token: the page without the token explains (en, nl) how to pass it, and with
#token= in its address it loads and sends it with every request. Each server is stopped with
SIGTERM and must exit 0.

Screenshots and the servers' logs go to the build directory's meson-logs (else a temporary
directory), named in the output; docs/img/dashboard.png is a copy of dashboard-plan-whatif.png
(docs/dashboard.md says how to make it again).

Skipped (exit 77) when node, /usr/bin/chromium or web/node_modules/playwright-core is missing.

usage: test_dashboard.py CARESHIFT_BINARY
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("CS_BUILDDIR") or os.path.join(ROOT, "build")
PLAN = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
CHROMIUM = "/usr/bin/chromium"
TOKEN = "dashboard-test-token-0123456789"  # 16 to 256 printable characters (docs/api-http.md)
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def artefact_dir():
    logs = os.path.join(BUILD, "meson-logs")
    if os.path.isdir(logs):
        return logs
    return tempfile.mkdtemp(prefix="careshift-dashboard-")


class Server:
    """`careshift serve ARGS --port 0`: its URL read from the first line of stdout, its request
    log (stderr) written to LOG."""

    def __init__(self, binary, args, log, timeout=180):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([binary, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, cwd=ROOT)
        self.url, line = None, []
        # the plan is run before the server binds (seconds; more under sanitizers)
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        m = re.match(r"careshift serve: (http://\S+/)", line[0] if line else "")
        if m:
            self.url = m.group(1)

    def stop(self):
        """SIGTERM, as the docs say; the exit code (None when it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self.proc.stdout.close()
        self.log.close()
        return code


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def check_files(url):
    """The page and its scripts are served (from web/dashboard and web/node_modules)."""
    for path, kind, needle in [("", "text/html", b"/dashboard.js"), ("dashboard.js", "javascript", b"vegaEmbed"),
                               ("dashboard.css", "text/css", b"--pass"),
                               ("assets/vega.min.js", "javascript", b""),
                               ("assets/vega-lite.min.js", "javascript", b""),
                               ("assets/vega-embed.min.js", "javascript", b"")]:
        status, ctype, body = fetch(url + path)
        check(status == 200 and kind in ctype and needle in body, f"GET /{path}: {status} {ctype}")


def browser(url, prefix, *flags):
    node = shutil.which("node")
    p = subprocess.run([node, os.path.join(ROOT, "tests", "browser", "dashboard.mjs"), ROOT, url, prefix, *flags],
                       capture_output=True, text=True, timeout=300)
    print(p.stdout + p.stderr, end="", flush=True)
    what = ("token" if "--token" in flags else "monitoring" if "--monitoring-only" in flags
            else "no what-if" if "--no-whatif" in flags else "what-if")
    check(p.returncode == 0, f"browser ({what}): {p.stdout.strip().splitlines()[-1:] or p.stderr[-300:]}")


def serve_and_test(binary, args, name, out, *flags):
    t0 = time.time()
    srv = Server(binary, args, os.path.join(out, f"dashboard-{name}-serve.log"))
    shown = " ".join("<token>" if i and args[i - 1] == "--token" else a for i, a in enumerate(args))
    check(srv.url is not None, f"serve {shown}: printed its URL ({srv.url}) after {time.time() - t0:.1f} s")
    try:
        if srv.url:
            check_files(srv.url)
            browser(srv.url, os.path.join(out, f"dashboard-{name}"), *flags)
    finally:
        code = srv.stop()
        check(code == 0, f"serve {name}: SIGTERM stops it with exit 0 ({code})")
    return srv.url is not None


def main(binary):
    node = shutil.which("node")
    missing = [what for what, ok in [("node", node), (CHROMIUM, os.path.exists(CHROMIUM)),
                                     ("web/node_modules/playwright-core",
                                      os.path.isdir(os.path.join(ROOT, "web", "node_modules", "playwright-core")))]
               if not ok]
    if missing:
        print(f"skip: {', '.join(missing)} not installed (scripts/setup installs node, Debian's chromium "
              "and web/node_modules)")
        return 77
    out = artefact_dir()
    start = time.time()
    helptext = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout
    if "--plan" in helptext:
        # a copy of the example, so that the browser test can edit and break the plan file under
        # the running server (the page shows the file's name only: plan.yaml)
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "zuid-limburg")
            shutil.copytree(os.path.dirname(PLAN), copy)
            plan = os.path.join(copy, "plan.yaml")
            serve_and_test(binary, ["--plan", plan], "plan", out, "--plan-file", plan)
    else:
        print("skip what-if checks: this careshift serve has no --plan")
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "zl-psa")
        p = subprocess.run([binary, "run", PLAN, "--out", run, "--quiet", "--no-intervention-shapley",
                            "--draws", "20"], capture_output=True, text=True, timeout=600)
        check(p.returncode == 0, f"run --draws 20 exits 0 {p.stderr[:200]}")
        # the example's actuals, so the page shows its monitoring section (issue 13)
        m = subprocess.run([binary, "monitor", "import", PLAN, os.path.join(ROOT, "examples", "zuid-limburg",
                            "actuals.csv"), "--dir", run], capture_output=True, text=True, timeout=120)
        check(m.returncode == 0, f"monitor import of the example's actuals exits 0 {m.stderr[:200]}")
        # two of the region's milestones of 2027 realised, one met and one missed, so the table's
        # "Milestone met" has a yes and a no
        extra = os.path.join(tmp, "milestones.csv")
        with open(extra, "w", encoding="utf-8") as f:
            f.write("indicator,area_or_subregion,year,value,source\n"
                    "participants:acp,region,2027,4300,test (above the milestone of 4200)\n"
                    "participants:thuismonitoring,region,2027,2000,test (below the milestone of 2100)\n")
        m = subprocess.run([binary, "monitor", "import", PLAN, extra, "--dir", run], capture_output=True, text=True,
                           timeout=120)
        check(m.returncode == 0, f"monitor import of two milestones' actuals exits 0 {m.stderr[:200]}")
        if p.returncode == 0:
            serve_and_test(binary, ["--dir", run], "dir", out, "--no-whatif")
            # a re-forecast from 2025 with the actuals imported into it: the monitoring section
            # starts with a banner that its planned values are not the plan's
            rf = os.path.join(tmp, "zl-2025")
            q = subprocess.run([binary, "run", PLAN, "--out", rf, "--quiet", "--no-intervention-shapley",
                                "--actuals", os.path.join(run, "results.db"), "--from-year", "2025"],
                               capture_output=True, text=True, timeout=600)
            m = subprocess.run([binary, "monitor", "import", PLAN, os.path.join(ROOT, "examples", "zuid-limburg",
                                "actuals.csv"), "--dir", rf], capture_output=True, text=True, timeout=120)
            check(q.returncode == 0 and m.returncode == 0,
                  f"a re-forecast from 2025 runs and takes the actuals {q.stderr[:200]} {m.stderr[:200]}")
            if q.returncode == 0 and m.returncode == 0:
                serve_and_test(binary, ["--dir", rf], "reforecast", out, "--monitoring-only")
            # the same run behind a token, on another loopback address (a non-loopback host
            # needs one): the page without it, with a wrong one and with it (docs/dashboard.md)
            # (the page's own files are served without it: check_files)
            serve_and_test(binary, ["--dir", run, "--host", "127.0.0.2", "--token", TOKEN], "token", out,
                           "--token", TOKEN)
    print(f"screenshots and server logs: {out}/dashboard-*")
    print(f"dashboard: {res['passed']} passed, {res['failed']} failed ({time.time() - start:.0f} s)")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
