#!/usr/bin/env python3
"""End-to-end checks of `careshift serve` (issue 12, first slice; docs/api-http.md).

Runs the Zuid-Limburg example with PSA (--draws 20) and without, serves each on a free
loopback port (--port 0; the URL is read from stdout) and checks: every endpoint against
results.db read here with Python's sqlite3 (rows filtered and paged in Python, not by SQL);
bad parameters (400, with the field named), unknown tables and paths (404), methods (405 with
Allow), bodies (413), long targets and headers (414, 431), path traversal (400), garbage
input; the token on 127.0.0.2 (refused at start without one; 401 without or with a wrong one;
200 with it); a port in use (exit 3); SIGINT and SIGTERM (exit 0); the log line per request.
Then tests/serve_load.py: 200 concurrent clients, 5,000 mixed reads and 50 slowloris
connections; no read may fail, the slow connections must be cut by the header deadline, and
the server's peak resident set (VmHWM) must stay under 256 MB.

usage: test_serve.py CARESHIFT_BINARY
"""
import http.client
import json
import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
TOKEN = "s3cret-token-0123456789abcdef"
RSS_LIMIT_KB = 256 * 1024
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    return ok


# ---- the server ----

class Server:
    """`careshift serve ARGS --port 0`, its URL read from the first line of stdout."""

    def __init__(self, binary, tmp, *args, env=None):
        self.log = os.path.join(tmp, f"serve-{time.monotonic_ns()}.log")
        self.err = open(self.log, "w")
        self.p = subprocess.Popen([binary, "serve", *args], stdout=subprocess.PIPE,
                                  stderr=self.err, env=env)
        r, _, _ = select.select([self.p.stdout], [], [], 30)
        line = self.p.stdout.readline().decode() if r else ""
        m = re.fullmatch(r"careshift serve: (http://(\S+):(\d+)/)\n", line)
        self.url = m.group(1) if m else None
        self.host, self.port = (m.group(2), int(m.group(3))) if m else (None, None)

    def stop(self, sig=signal.SIGTERM):
        self.p.send_signal(sig)
        try:
            code = self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            code = self.p.wait()
        self.err.close()
        return code

    def log_text(self):
        with open(self.log) as f:
            return f.read()


def req(srv, method, path, headers=None, body=None):
    """(status, headers, body bytes, parsed JSON or None) on a connection of its own."""
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        try:
            j = json.loads(data) if data else None
        except ValueError:
            j = None
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data, j
    finally:
        c.close()


def get(srv, path, **kw):
    return req(srv, "GET", path, **kw)


def raw(srv, data, timeout=10):
    """Sends bytes as they are; the answer's status (None when the server closed without one)."""
    s = socket.create_connection((srv.host, srv.port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        while b"\r\n" not in out:
            b = s.recv(4096)
            if not b:
                break
            out += b
    except OSError:
        pass
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", out)
    return int(m.group(1)) if m else None


def is_error(j, field):
    return isinstance(j, dict) and set(j) == {"error", "field"} and isinstance(j["error"], str) \
        and j["field"] == field


# ---- results.db read here ----

def db_rows(db, table):
    """Every row of a table in the order written, as lists."""
    return [list(r) for r in db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')]


def columns(db, table):
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


FILTER_COL = {"scenario": "scenario", "area": "area", "subregion": "subregion", "sector": "sector",
              "stakeholder": "stakeholder"}


FOLDERLESS = ("plan", "actuals_db")  # run_info keys the API shows without their folders


def expected(db, table, params):
    """The rows the API should give, filtered and paged in Python."""
    cols = columns(db, table)
    rows = db_rows(db, table)
    if table == "run_info":  # file names only: the server's folders are not the client's business
        rows = [[k, os.path.basename(v) if k in FOLDERLESS else v] for k, v in rows]
    for k, v in params.items():
        if k in FILTER_COL:
            i = cols.index(FILTER_COL[k])
            rows = [r for r in rows if r[i] == v]
        elif k in ("year_from", "year_to"):
            i = cols.index("year")
            rows = [r for r in rows if (r[i] >= int(v) if k == "year_from" else r[i] <= int(v))]
    total = len(rows)
    off, lim = int(params.get("offset", 0)), int(params.get("limit", 1000))
    return cols, rows[off:off + lim], total


def table_path(table, params):
    return f"/api/tables/{table}" + ("?" + urllib.parse.urlencode(params) if params else "")


# ---- the checks ----

def check_arguments(binary, tmp, run):
    def code(*args, env=None):
        return subprocess.run([binary, "serve", *args], capture_output=True, text=True, env=env,
                              timeout=30)
    r = code("--help")
    check(r.returncode == 0 and "--db" in r.stdout and "--plan" in r.stdout, "serve --help")
    for args, why in [((), "no run"), (("--db", run + "/results.db", "--dir", run), "--db and --dir"),
                      (("--dir", run, "--port", "70000"), "port out of range"),
                      (("--dir", run, "--threads", "0"), "threads 0"),
                      (("--dir", run, "--plan", PLAN), "--dir and --plan"),
                      (("--plan", PLAN, "--whatif-max", "0"), "--whatif-max 0"),
                      (("--dir", run, "--host", "example.org", "--token", TOKEN), "host not an address"),
                      (("--dir", run, "--token", "short"), "a short token"),
                      (("--dir", run, "extra"), "an extra argument")]:
        r = code(*args)
        check(r.returncode == 2 and not r.stdout, f"refused with exit 2: {why} ({r.stderr.strip()[:90]!r})")
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    other = os.path.join(tmp, "other")
    os.mkdir(other)
    sqlite3.connect(os.path.join(other, "results.db")).execute("CREATE TABLE t (a)").connection.commit()
    for args, why in [(("--db", os.path.join(tmp, "none", "results.db"), "--port", "0"), "a missing path"),
                      (("--dir", empty, "--port", "0"), "a directory that is not a run"),
                      (("--db", os.path.join(other, "results.db"), "--port", "0"), "another program's results.db"),
                      (("--db", PLAN, "--port", "0"), "a file that is not results.db")]:
        r = code(*args)
        check(r.returncode == 1 and not r.stdout, f"refused with exit 1: {why}")


def check_runs_and_tables(srv, db):
    st, h, _, j = get(srv, "/api/runs")
    info = dict(db.execute("SELECT key, value FROM run_info"))
    info = {k: os.path.basename(v) if k in FOLDERLESS else v for k, v in info.items()}
    check(os.path.isabs(dict(db.execute("SELECT key, value FROM run_info"))["plan"])
          and info["plan"] == "plan.yaml", "results.db names the plan with its folders; the API by its file name")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")]
    run = j["runs"][0] if st == 200 and len(j.get("runs", [])) == 1 else {}
    check(h.get("content-type", "").startswith("application/json"), "/api/runs: JSON")
    check(run.get("run_info") == info, "/api/runs: run_info equals results.db")
    check(run.get("tables") == tables, "/api/runs: the tables of results.db, in order")
    check(run.get("psa") is True and run.get("years", {}).get("long_term") == int(info["long_year"])
          and run["years"]["short_term"] == int(info["short_year"]), "/api/runs: PSA and the verdict years")
    st, _, _, j = get(srv, "/api/tables")
    got = {t["name"]: t for t in j["tables"]} if st == 200 else {}
    check(list(got) == tables, "/api/tables: every table")
    ok = all([c["name"] for c in got[t]["columns"]] == columns(db, t)
             and got[t]["rows"] == db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
             and got[t]["description"] for t in tables)
    check(ok, "/api/tables: columns, row counts and a description of each")
    cost = next((c for c in got.get("care", {}).get("columns", []) if c["name"] == "cost"), {})
    year = next((c for c in got.get("care", {}).get("columns", []) if c["name"] == "year"), {})
    check(cost.get("unit") == "EUR" and cost.get("key") is False and cost.get("type") == "real"
          and year.get("key") is True and year.get("type") == "integer", "/api/tables: types, keys and units")


def check_table(srv, db, table, params, what):
    st, _, _, j = get(srv, table_path(table, params))
    cols, rows, total = expected(db, table, params)
    ok = st == 200 and j["table"] == table and j["columns"] == cols and j["rows"] == rows \
        and j["total"] == total and j["limit"] == int(params.get("limit", 1000)) \
        and j["offset"] == int(params.get("offset", 0))
    return check(ok, f"/api/tables/{table} {what}: {len(rows)} of {total} rows equal results.db")


def check_rows(srv, db):
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    bad = []
    for t in tables:
        st, _, _, j = get(srv, f"/api/tables/{t}")
        _, rows, total = expected(db, t, {})
        if st != 200 or j["rows"] != rows or j["total"] != total:
            bad.append(t)
    check(not bad, f"/api/tables/NAME: the first page of every table ({len(tables)}) equals results.db {bad}")
    area = db.execute("SELECT area FROM care LIMIT 1 OFFSET 7").fetchone()[0]
    for table, params, what in [
        ("care", {"scenario": "plan", "area": area, "sector": "gp", "year_from": 2027, "year_to": 2030},
         "scenario, area, sector and years"),
        ("care", {"scenario": "baseline", "year_from": 2040}, "from a year"),
        ("payers", {"scenario": "parkstad-later"}, "scenario"),
        ("business_case", {"stakeholder": "zvw"}, "stakeholder"),
        ("workforce", {"subregion": "Westelijke Mijnstreek", "year_to": 2026}, "subregion with a space"),
        ("criteria_subregion", {"subregion": "Parkstad", "scenario": "plan", "year_from": 2030}, "subregion"),
        ("budget_impact", {"stakeholder": "total", "year_from": 2025, "year_to": 2025}, "stakeholder, one year"),
        ("payers", {"scenario": "no-such-scenario"}, "a scenario with no rows"),
        ("demography", {"limit": 0}, "limit 0"),
        ("demography", {"offset": 10 ** 9}, "an offset past the end"),
        ("care", {"limit": 10000, "offset": 5}, "the largest page"),
    ]:
        check_table(srv, db, table, params, what)
    # paging: every page of a filtered table, joined, is the filtered table
    want = expected(db, "interventions", {"scenario": "plan", "limit": 10 ** 9})[1]
    got, off = [], 0
    while True:
        st, _, _, j = get(srv, table_path("interventions", {"scenario": "plan", "limit": 997, "offset": off}))
        if st != 200 or not j["rows"]:
            break
        got += j["rows"]
        off += 997
    check(got == want and len(want) > 2000, f"paging: {off // 997} pages of 997 rows join to the {len(want)} filtered rows")
    g = req(srv, "GET", "/api/tables/payers?scenario=plan")
    hd = req(srv, "HEAD", "/api/tables/payers?scenario=plan")
    check(hd[0] == 200 and hd[2] == b"" and hd[1]["content-length"] == g[1]["content-length"],
          "HEAD: the headers of GET, no body")


def check_bad_parameters(srv):
    for path, field, what in [
        ("/api/tables/care?foo=1", "foo", "an unknown parameter"),
        ("/api/tables/payers?area=GM0888", "area", "a filter the table has no column for"),
        ("/api/tables/resources?scenario=plan", "scenario", "scenario on a table without scenarios"),
        ("/api/tables/business_case?year_from=2030", "year_from", "a year filter without a year column"),
        ("/api/tables/care?year_from=20x0", "year_from", "a year that is not a number"),
        ("/api/tables/care?year_to=", "year_to", "an empty year"),
        ("/api/tables/care?limit=-1", "limit", "a negative limit"),
        ("/api/tables/care?limit=10001", "limit", "a limit over the maximum"),
        ("/api/tables/care?limit=1e3", "limit", "a limit in exponent form"),
        ("/api/tables/care?offset=abc", "offset", "an offset that is not a number"),
        ("/api/tables/care?offset=99999999999999999999999", "offset", "an offset that overflows"),
        ("/api/tables/care?scenario=plan&scenario=baseline", "scenario", "a filter given twice"),
        ("/api/runs?x=1", "x", "a parameter /api/runs does not take"),
        ("/api/summary?year=2030", "year", "a parameter /api/summary does not take"),
        ("/api/charts?lang=de", "lang", "a language that is not en or nl"),
        ("/api/tables/payers?scenario%00=plan", "scenario", "a NUL byte in a parameter's name"),
        ("/api/tables/care?limit%00=20000", "limit", "a NUL byte in limit's name"),
        ("/api/charts?lang%00=de", "lang", "a NUL byte in lang's name"),
        ("/api/summary?scenario%00x=nope", "scenario", "a NUL byte inside a name"),
        ("/api/tables/payers?scenario=plan%00junk", "scenario", "a NUL byte in a value"),
        ("/api/tables/care?year_from=2030%00x", "year_from", "a NUL byte in a year"),
        ("/api/tables/care?offset=10000000000000000000", "offset", "an offset of 20 digits"),
        ("/api/summary?scenario=", "scenario", "an empty scenario"),
        ("/api/psa?scenario=", "scenario", "an empty scenario (psa)"),
    ]:
        st, _, _, j = get(srv, path)
        check(st == 400 and is_error(j, field), f"400 field {field}: {what}")
    st, _, _, j = get(srv, "/api/tables/care?offset=9999999999999999999")
    check(st == 400 and is_error(j, "offset") and "2305843009213693951" in j["error"],
          "400 field offset: a 19-digit offset over the maximum, which the message names")
    st, _, _, j = get(srv, "/api/tables/care?offset=1000000000000000000&limit=1")
    check(st == 200 and j["rows"] == [] and j["offset"] == 10 ** 18, "a 19-digit offset within the maximum: 200")
    st, _, _, j = get(srv, "/api/tables/no_such_table")
    check(st == 404 and is_error(j, "table"), "404 field table: an unknown table")
    for path in ["/nothing", "/api", "/api/", "/api/runs/", "/api/tables/care/rows", "/index.html",
                 "/api/tables/a-b", "/assets/", "/assets/vega.js", "/dashboard.js/"]:
        st, _, _, j = get(srv, path)
        check(st == 404 and is_error(j, "path"), f"404: unknown path {path}")


def check_methods(srv):
    for path in ["/api/runs", "/api/tables", "/api/tables/care", "/api/summary", "/api/psa", "/api/charts"]:
        st, h, _, j = req(srv, "POST", path, body=b"{}", headers={"Content-Type": "application/json"})
        check(st == 405 and h.get("allow") == "GET, HEAD" and is_error(j, "method"), f"405 with Allow: POST {path}")
    for m in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"]:
        st, h, _, j = req(srv, m, "/api/runs")
        check(st == 405 and h.get("allow") == "GET, HEAD", f"405: {m} /api/runs")


def check_limits(srv):
    big = b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n"
    check(raw(srv, big) == 413, "413: Content-Length of 10 MB, refused before the body")
    chunk = b"4000\r\n" + b"a" * 0x4000 + b"\r\n"
    chunked = b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 5 + b"0\r\n\r\n"
    check(raw(srv, chunked) is None, "a chunked body of 80 kB: closed once past 64 kB (413 in the log)")
    for hdrs, what in [(b"Content-Length: 0\r\nContent-Length: 0\r\n", "two Content-Length headers"),
                       (b"Content-Length: 5\r\nContent-Length: 100\r\n", "two different Content-Lengths"),
                       (b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "Content-Length and chunked"),
                       (b"Transfer-Encoding: gzip\r\n", "a Transfer-Encoding other than chunked"),
                       (b"Host: evil.example\r\n", "a second Host (the first is checked; a proxy may use the other)"),
                       (b"Authorization: Bearer a\r\nAuthorization: Bearer b\r\n", "two Authorization headers"),
                       (b"Content-Type: application/json\r\nContent-Type: text/plain\r\n", "two Content-Types")]:
        check(raw(srv, b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\n" + hdrs + b"\r\n0\r\n\r\n") == 400,
              f"400: {what} (request smuggling)")
    # an endless chunked body: the connection is closed once the body passes 64 kB
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    s.sendall(b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n")
    sent, t0 = 0, time.monotonic()
    try:
        while sent < 64 * 2 ** 20 and time.monotonic() - t0 < 10:
            s.sendall(chunk)
            sent += 0x4000
    except OSError:
        pass
    s.close()
    check(sent < 16 * 2 ** 20, f"an endless chunked body: closed after {sent // 1024} kB sent (limit 64 kB "
          "plus the socket buffers)")
    long_target = b"GET /api/runs?x=" + b"a" * 3000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    check(raw(srv, long_target) == 414, "414: a request target of 3 kB")
    check(raw(srv, b"GET /api/runs?x=" + b"a" * 60000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n") in (414, None),
          "414 (or closed): a request target of 60 kB, over the connection's buffer")
    st, _, _, j = get(srv, "/api/runs", headers={"X-Big": "b" * 10000})
    check(st == 431 and is_error(j, "headers"), "431: a header of 10 kB")
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(100))
    check(raw(srv, b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\n" + many + b"\r\n") == 431, "431: 100 headers of 100 bytes")
    check(raw(srv, b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 100000 + b"\r\n\r\n") in (431, None),
          "431 (or closed): a header of 100 kB, over the connection's buffer")


TRAVERSALS = [b"/../etc/passwd", b"/api/../../etc/passwd", b"/%2e%2e/etc/passwd", b"/%2E%2E/%2e%2e/etc/passwd",
              b"/api/tables/..%2f..%2fetc%2fpasswd", b"/api/tables/%2e%2e", b"//etc/passwd", b"/api//runs",
              b"/./api/runs", b"/api/%2fetc%2fpasswd", b"/api\\..\\etc\\passwd", b"/api/runs%00.json",
              b"/%c0%ae%c0%ae/etc/passwd", b"/api/tables/care%2f..%2f..", b"http://localhost/etc/passwd",
              b"*", b"/api/tables/%"]


def check_slow_body(srv):
    """Slow bodies (slowloris after the headers): 20 connections announce 64 kB and send a byte every
    2 s, 5 send a chunk every 2 s; all must be cut by the 10 s deadline while others are answered."""
    socks = []
    for i in range(25):
        s = socket.create_connection((srv.host, srv.port), timeout=5)
        s.sendall(b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\n" +
                  (b"Content-Length: 65536\r\n\r\n" if i < 20 else b"Transfer-Encoding: chunked\r\n\r\n"))
        socks.append([s, i < 20, None])
    t0 = time.monotonic()
    answered = []
    while time.monotonic() - t0 < 16 and any(x[2] is None for x in socks):
        for x in socks:
            if x[2] is not None:
                continue
            try:
                x[0].sendall(b"x" if x[1] else b"1\r\nx\r\n")
                x[0].setblocking(False)
                if x[0].recv(100) == b"":
                    x[2] = time.monotonic() - t0
                x[0].setblocking(True)
            except BlockingIOError:
                x[0].setblocking(True)
            except OSError:
                x[2] = time.monotonic() - t0
        answered.append(get(srv, "/api/runs")[0] == 200)
        time.sleep(2)
    cut = sorted(x[2] for x in socks if x[2] is not None)
    for x in socks:
        x[0].close()
    check(len(cut) == 25 and 9 <= cut[0] and cut[-1] <= 13,
          f"slow bodies: 25 connections cut after {cut[:1] + cut[-1:]} s (deadline 10 s for the whole request)")
    check(answered and all(answered), f"slow bodies: a normal client is answered meanwhile ({len(answered)} times)")


def check_traversal(srv):
    for t in TRAVERSALS:
        st = raw(srv, b"GET " + t + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        check(st in (400, 404), f"refused: {t.decode(errors='replace')} ({st})")
    st, _, _, j = get(srv, "/api/%2e%2e/runs")
    check(st == 400 and is_error(j, "path"), "400 field path: an encoded '..'")


def check_garbage(srv):
    import random
    rnd = random.Random(12)
    inputs = [b"\x00\x01\x02\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /api/runs HTTP/1.1\r\n\r\n",
              b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n",
              b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999999\r\n\r\n",
              b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
              b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
              b"GET /api/tables/care?scenario=%ff%fe%00 HTTP/1.1\r\nHost: localhost\r\n\r\n",
              b"GET /api/tables/care?scenario=%ZZ HTTP/1.1\r\nHost: localhost\r\n\r\n"]
    inputs += [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400))) + b"\r\n\r\n" for _ in range(40)]
    for x in inputs:
        raw(srv, x, timeout=2)
    st, _, _, j = get(srv, "/api/runs")
    check(st == 200 and j["runs"], f"the server answers after {len(inputs)} malformed requests")


def check_summary(srv, db):
    st, _, _, j = get(srv, "/api/summary")
    info = dict(db.execute("SELECT key, value FROM run_info"))
    ok = st == 200 and j["scenario"] == "plan"
    for term, year, what in [("short_term", int(info["short_year"]), "passes_short_term"),
                             ("long_term", int(info["long_year"]), "passes")]:
        crit = [list(r) for r in db.execute("SELECT criterion, value, unit, threshold, substantial FROM criteria "
                                            "WHERE scenario='plan' AND year=? ORDER BY rowid", (year,))]
        got = j[term] if ok else {}
        p = db.execute("SELECT probability FROM psa_probabilities WHERE scenario='plan' AND what=?",
                       (what,)).fetchone()[0]
        check(ok and got["year"] == year and
              [[c["criterion"], c["value"], c["unit"], c["threshold"], int(c["substantial"])] for c in got["criteria"]] == crit
              and got["passes"] == any(c[4] for c in crit) and got["probability"] == p,
              f"/api/summary: {term} ({year}) criteria, verdict and P(pass) equal results.db")
    bc = [dict(zip([d[0] for d in cur.description], r)) for cur in [db.execute(
        "SELECT * FROM business_case WHERE scenario='plan' ORDER BY rowid")] for r in cur.fetchall()]
    for r in bc:
        del r["scenario"]
    check(ok and j["business_case"] == bc, "/api/summary: the business case per stakeholder equals results.db")
    check(ok and j["health_economics"]["verdict"] == db.execute(
        "SELECT verdict FROM health_economics WHERE scenario='plan'").fetchone()[0], "/api/summary: health economics")
    st, _, _, j = get(srv, "/api/summary?scenario=parkstad-later")
    check(st == 200 and j["scenario"] == "parkstad-later", "/api/summary?scenario=: a variant")
    st, _, _, j = get(srv, "/api/summary?scenario=baseline")
    check(st == 404 and is_error(j, "scenario") and "baseline has none" in j["error"],
          "/api/summary: 404 for the baseline (no criteria)")
    st, _, _, j = get(srv, "/api/summary?scenario=nope")
    check(st == 404 and is_error(j, "scenario") and "no scenario 'nope'" in j["error"]
          and "baseline" not in j["error"], "/api/summary: 404 for an unknown scenario, not about the baseline")


def check_psa(srv, db):
    st, _, _, j = get(srv, "/api/psa")
    def objs(sql, *a):
        cur = db.execute(sql, a)
        return [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
    check(st == 200 and j["summary"] == objs("SELECT * FROM psa_summary ORDER BY rowid")
          and j["probabilities"] == objs("SELECT * FROM psa_probabilities ORDER BY rowid"),
          "/api/psa: psa_summary and psa_probabilities equal results.db")
    st, _, _, j = get(srv, "/api/psa?scenario=plan")
    check(st == 200 and j["summary"] == objs("SELECT * FROM psa_summary WHERE scenario='plan' ORDER BY rowid"),
          "/api/psa?scenario=plan")
    st, _, _, j = get(srv, "/api/psa?scenario=nope")
    check(st == 404 and is_error(j, "scenario"), "/api/psa: 404 for an unknown scenario")


def check_charts(srv, psa):
    en = get(srv, "/api/charts")[3]
    en2 = get(srv, "/api/charts?lang=en")[3]
    nl = get(srv, "/api/charts?lang=nl")[3]
    ids = [c["id"] for c in en["charts"]]
    check(en == en2 and en["lang"] == "en" and nl["lang"] == "nl", "/api/charts: en by default, nl on request")
    check(all(set(c) >= {"id", "section", "title", "guide", "spec", "table"} for c in en["charts"])
          and "verdict" in ids and "business_case" in ids, f"/api/charts: the report's charts ({len(ids)})")
    check(("ceac" in ids and "ce_plane" in ids) == psa, f"/api/charts: PSA charts {'present' if psa else 'absent'}")
    check([c["id"] for c in nl["charts"]] == ids and nl["charts"][0]["title"] != en["charts"][0]["title"],
          "/api/charts?lang=nl: the same charts, Dutch titles")


def check_log(srv):
    text = srv.log_text()
    check(re.search(r"^careshift serve: GET /api/runs 200 \d+ \d+\.\dms$", text, re.M) is not None,
          "the log: a line per request (method, target, status, bytes, ms)")
    check(re.search(r"^careshift serve: POST /api/runs 405 \d+ ", text, re.M) is not None, "the log: refusals too")


def check_token(binary, tmp, run):
    r = subprocess.run([binary, "serve", "--dir", run, "--host", "127.0.0.2", "--port", "0"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "token" in r.stderr and not r.stdout, "127.0.0.2 without a token: refused at start")
    env = dict(os.environ, CARESHIFT_TOKEN="short")
    r = subprocess.run([binary, "serve", "--dir", run, "--host", "127.0.0.2", "--port", "0"],
                       capture_output=True, text=True, timeout=30, env=env)
    check(r.returncode == 2, "a CARESHIFT_TOKEN that is too short: refused")
    for how, args, env in [("--token", ["--token", TOKEN], None),
                           ("CARESHIFT_TOKEN", [], dict(os.environ, CARESHIFT_TOKEN=TOKEN))]:
        srv = Server(binary, tmp, "--dir", run, "--host", "127.0.0.2", "--port", "0", *args, env=env)
        if not check(srv.url is not None and srv.host == "127.0.0.2", f"127.0.0.2 with {how}: started"):
            srv.stop()
            continue
        for hdr, what in [(None, "none"), ("Bearer wrong-token-0123456789abcdef", "a wrong one"),
                          (f"Bearer {TOKEN}x", "one character more"), (f"Bearer {TOKEN[:-1]}", "one less"),
                          (f"Basic {TOKEN}", "another scheme"), (TOKEN, "no scheme")]:
            st, h, _, j = get(srv, "/api/runs", headers={"Authorization": hdr} if hdr else {})
            check(st == 401 and is_error(j, "authorization") and h.get("www-authenticate", "").startswith("Bearer"),
                  f"401 with WWW-Authenticate: token {what}")
        st, _, _, j = get(srv, "/nope")
        check(st == 401, "401 before 404: no path is revealed without the token")
        for path in ["/api/runs", "/api/tables/payers?scenario=plan", "/api/charts?lang=nl"]:
            st, _, _, j = get(srv, path, headers={"Authorization": f"Bearer {TOKEN}"})
            check(st == 200, f"200 with the right token: {path}")
        st, *_ = get(srv, "/api/runs", headers={"Authorization": f"bearer   {TOKEN} "})
        check(st == 200, "the scheme in any case, spaces around the token")
        check(srv.stop() == 0, "stopped with exit 0")


def check_port_in_use(binary, tmp, run, srv):
    r = subprocess.run([binary, "serve", "--dir", run, "--port", str(srv.port)], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 3 and "cannot listen" in r.stderr, f"a port in use: exit 3 ({r.stderr.strip()[:80]!r})")


def check_no_psa(binary, tmp, run_det):
    srv = Server(binary, tmp, "--db", os.path.join(run_det, "results.db"), "--port", "0", "--threads", "1")
    if not check(srv.url is not None, "a run without PSA: served (--db, --threads 1)"):
        srv.stop()
        return
    st, _, _, j = get(srv, "/api/psa")
    check(st == 404 and is_error(j, None), "/api/psa: 404 without PSA")
    st, _, _, j = get(srv, "/api/summary")
    check(st == 200 and j["long_term"]["probability"] is None, "/api/summary: no probability without PSA")
    st, _, _, j = get(srv, "/api/runs")
    check(st == 200 and j["runs"][0]["psa"] is False, "/api/runs: psa false")
    check_charts(srv, psa=False)
    check(srv.stop(signal.SIGINT) == 0, "SIGINT stops the server with exit 0")


def check_load(srv):
    load = os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve_load.py")
    r = subprocess.run([sys.executable, load, srv.url, str(srv.p.pid)], capture_output=True, text=True, timeout=150)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        check(False, f"load test ran ({r.stderr[-300:]})")
        return
    print("load: " + json.dumps(j), flush=True)
    check(j["requests"] == 5000 and j["failed"] == 0 and j["hung_clients"] == 0
          and j.get("stale_retries", 99) <= 10,
          f"load: 5,000 reads from 200 concurrent clients, none failed ({j['failures'][:2]}; "
          f"{j.get('stale_retries')} sent again, at most 10, after their kept-alive connection closed)")
    # seen by a process of its own that looks once a second: late by a tick or two, never early
    check(j["slow"]["first_cut"] >= 50 and j["slow"]["cut_after_s"] and 9.9 <= j["slow"]["cut_after_s"][0]
          and j["slow"]["cut_after_s"][1] <= 16,
          f"load: the 50 slowloris connections cut after {j['slow']['cut_after_s']} s (deadline 10 s)")
    # AddressSanitizer keeps freed memory in quarantine (up to 256 MB) and adds shadow memory
    with open(f"/proc/{srv.p.pid}/maps") as f:
        asan = "libasan" in f.read()
    limit = RSS_LIMIT_KB * (4 if asan else 1)
    check(j["vmhwm_kb"] < limit, f"load: peak RSS {j['vmhwm_kb'] / 1024:.1f} MB < {limit // 1024} MB"
          + (" (AddressSanitizer)" if asan else ""))
    ms = sorted(float(m) for m in re.findall(r"^careshift serve: (?:GET|HEAD) \S+ 200 \d+ (\d+\.\d)ms$",
                                              srv.log_text(), re.M))
    if ms:
        print(f"load: client p50 {j['p50_ms']} ms, p99 {j['p99_ms']} ms ({j['rps']} requests/s); server p50 "
              f"{ms[len(ms) // 2]} ms, p99 {ms[int(0.99 * (len(ms) - 1))]} ms (request line to answer sent)",
              flush=True)
    st, _, _, j2 = get(srv, "/api/runs")
    check(st == 200, "the server still answers after the load")


def main(binary):
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        run, run_det = os.path.join(tmp, "zl-psa"), os.path.join(tmp, "zl")
        for out, more in [(run, ["--draws", "20"]), (run_det, [])]:
            r = subprocess.run([binary, "run", PLAN, "--out", out, "--quiet", "--no-intervention-shapley",
                                "--no-tornado", *more], capture_output=True, text=True, timeout=300)
            if not check(r.returncode == 0, f"careshift run {' '.join(more)}: {r.stderr[-200:]}"):
                return 1
        db = sqlite3.connect(f"file:{run}/results.db?mode=ro", uri=True)
        check_arguments(binary, tmp, run)
        srv = Server(binary, tmp, "--db", os.path.join(run, "results.db"), "--port", "0")
        if not check(srv.url is not None and srv.host == "127.0.0.1", f"started on 127.0.0.1, port 0: {srv.url}"):
            srv.stop()
            return 1
        try:
            check_runs_and_tables(srv, db)
            check_rows(srv, db)
            check_bad_parameters(srv)
            check_methods(srv)
            check_limits(srv)
            check_slow_body(srv)
            check_traversal(srv)
            check_garbage(srv)
            check_summary(srv, db)
            check_psa(srv, db)
            check_charts(srv, psa=True)
            check_port_in_use(binary, tmp, run, srv)
            check_load(srv)
            check_log(srv)
        finally:
            code = srv.stop()
        check(code == 0, "SIGTERM stops the server with exit 0")
        check("connection(s) cut" in srv.log_text(), "the server says how many slow connections it cut")
        check(not re.search(r"runtime error|Sanitizer", srv.log_text()), "no sanitizer report in the server's log")
        check_no_psa(binary, tmp, run_det)
        check_token(binary, tmp, run)
    print(f"serve: {res['passed']} passed, {res['failed']} failed ({time.monotonic() - t0:.0f} s)")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
