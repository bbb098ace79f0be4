#!/usr/bin/env python3
"""End-to-end checks of `careshift monitor import|status` (issue 13, docs/monitoring.md).

Import: every bad row of an actuals file reported at once with its exact FILE:LINE:COLUMN
message (unknown indicator, intervention, area, a workforce indicator per area, a year
outside the plan, a value that is no finite number >= 0, a duplicate key, a wrong header or
field count, a binary file); importing the same file again changes nothing (the database's
bytes); a different value for a key already imported is refused, every conflict listed, and
nothing written, unless --replace; a bad row at the end, or a conflict at the end, writes
nothing (the database's SHA-256 before and after); the file's SHA-256 and the import time
(SOURCE_DATE_EPOCH) are stored; a run directory another process has locked is refused; a
later `careshift run` into the directory drops the actuals (documented); `careshift report`
still reads the database.

Status: on the example, the planned value of every row is computed here from the run's CSV
tables (demography, care, interventions, workforce, areas, sectors), not from the code under
test; each status (ahead, on track, behind, off track, differs, no actuals) is reached by
realised values chosen from that planned value, without PSA (the 5 % and 20 % rules) and with
a run of 20 draws (the band read from monitoring.csv: the band itself is careshift's, its
reproducibility is checked across thread counts and its absence when the plan's inputs
changed); the sums of a subregion's areas; the milestones; --year; monitoring.csv's columns.

A user trial's findings: --csv never overwrites the database (also through a symbolic or hard
link), a file of the run directory, the plan, a directory, a pipe or a file that is no
monitoring.csv (exit 2, nothing touched), and writes whole or not at all (a write cut short by
the file size limit keeps the old file); a database another process holds is "locked" (exit
3), and the journal of an import killed -9 is named, with import as the cure (which rolls it
back); values such as 1e308, 0x10, 1e-400, nan and 1e16 are refused at FILE:LINE:COLUMN, all at
once; a re-forecast run gets a warning; a milestone row says whether its target is met (higher
and lower is better), apart from its status; the band shown (band_used_*) is the band the
status uses, and the % is printed on its own side of 5 % and 20 %; --year outside the plan or
twice, and a directory as the actuals file, are refused with their reason.

The plan's effect (9): baseline is the run's baseline scenario summed as planned is (from the
CSV tables here; 0 for participants), and effect_realised = (baseline - realised) / (baseline -
planned) equals the hand value of realised values placed at a chosen share of the plan's change
(1, 0, -0.5, 1.5, -0.25 for a sector the plan raises, -0.1 for staff supply, 0.5 over a
baseline of 0, 0.8 for participants, 0.9 for a subregion summed from its areas); 30 % fewer
hospital days than planned is ahead and far beyond 5 times the change; the status stays the
documented one; the terminal prints the % marked ! (below 0) and ? (beyond -/+ 500 %) with the
notes listing those rows (en, nl); the example's hospital days 2025 are on track yet worse than
without the plan.

usage: test_monitor.py CARESHIFT_BINARY       prints `N passed, M failed`; exit 1 on failure
"""
import csv
import fcntl
import hashlib
import math
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
PLAN = os.path.join(EXAMPLE, "plan.yaml")
RUN_OPTS = ["--no-intervention-shapley", "--no-tornado", "--threads", "2", "--quiet"]
EPOCH = "1750000000"  # 2025-06-15T15:06:40Z
HEADER = "indicator,area_or_subregion,year,value,source\n"

results = {"passed": 0, "failed": 0}


def check(cond, what, detail=""):
    results["passed" if cond else "failed"] += 1
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else f"\n     {detail}"))
    return cond


def cs(*args, env=None):
    e = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    e.update(env or {})
    return subprocess.run([CS, *args], capture_output=True, text=True, timeout=120, env=e)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(row for row in f if not row.startswith("#")))


# ---- the planned values, from the run's CSV tables ----
class Tables:
    def __init__(self, run):
        t = {n: read_csv(os.path.join(run, n + ".csv")) for n in
             ("areas", "sectors", "demography", "care", "interventions", "workforce")}
        self.sub = {r["area"]: r["subregion"] for r in t["areas"]}
        self.name = {r["area"]: r["name"] for r in t["areas"]}
        self.subs = list(dict.fromkeys(r["subregion"] for r in t["areas"]))
        self.payer = {r["sector"]: r["payer"] for r in t["sectors"]}
        self.t = t

    def areas_in(self, place):
        if place == "region":
            return set(self.sub)
        if place in self.sub:
            return {place}
        return {a for a, s in self.sub.items() if s == place}

    def value(self, indicator, place, year, scenario="plan"):
        """The sum of indicator over place in year; None when the tables have no row."""
        kind, _, obj = indicator.partition(":")
        year = str(year)
        rows, col, keep = None, None, None
        if kind in ("fte_demand", "supply_fte"):
            rows, col = self.t["workforce"], "demand_fte" if kind == "fte_demand" else "supply_fte"
            keep = lambda r: r["group"] == obj and (place == "region" or r["subregion"] == place)
        else:
            areas = self.areas_in(place)
            if kind == "population":
                rows, col, keep = self.t["demography"], "population", lambda r: r["area"] in areas
            elif kind == "participants":
                rows, col = self.t["interventions"], "participants"
                keep = lambda r: r["intervention"] == obj and r["area"] in areas
            elif kind == "units":
                rows, col = self.t["care"], "units"
                keep = lambda r: r["sector"] == obj and r["area"] in areas
            else:
                rows, col = self.t["care"], "cost"
                keep = lambda r: self.payer[r["sector"]] == obj and r["area"] in areas
        vals = [float(r[col]) for r in rows if r["scenario"] == scenario and r["year"] == year and keep(r)]
        return math.fsum(vals) if vals else None


# ---- the status rules of docs/monitoring.md, written again here ----
def direction(t, indicator, place, year):
    kind = indicator.split(":")[0]
    if kind in ("participants", "supply_fte"):
        return "higher"
    if kind == "population":
        return "neutral"
    p, b = t.value(indicator, place, year), t.value(indicator, place, year, "baseline")
    return "lower" if b is not None and p < b * (1 - 1e-9) else "neutral"


def expected_status(dirn, p, r, low=None, high=None):
    tol = 0.05 * abs(p)
    band = low is not None and high is not None
    if dirn == "neutral":
        edge = (max(high - p, 0) if r > p else max(p - low, 0)) if band else 0
        return "on_track" if abs(r - p) <= max(tol, edge) else "differs"
    g = r - p if dirn == "higher" else p - r
    good_edge = (high - p if dirn == "higher" else p - low) if band else 0
    bad_edge = (p - low if dirn == "higher" else high - p) if band else 0
    good = max(tol, good_edge)
    bad = max(tol, bad_edge) if band else 0.20 * abs(p)
    if g > good:
        return "ahead"
    if g >= -tol:
        return "on_track"
    if g >= -bad and bad > tol:
        return "behind"
    return "off_track"


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def status_rows(db, *extra):
    out = os.path.join(os.path.dirname(db), "monitoring.csv")
    r = cs("monitor", "status", PLAN, "--db", db, "--csv", out, *extra)
    rows = read_csv(out) if r.returncode == 0 else []
    return r, rows


def key(row):
    return (row["indicator"], row["place"], int(row["year"]))


# ---- import ----
def test_import_validation(tmp, db):
    bad = write(os.path.join(tmp, "bad.csv"), HEADER + "\n".join([
        "participants:acp,Westelijke Mijnstreek,2025,309,ok",
        "participants:acq,Parkstad,2025,10,x",
        "particpants:acp,Parkstad,2025,10,x",
        "participants:acp,GM9999,2025,10,x",
        "participants:acp,Parkstadt,2025,10,x",
        "population,region,2041,10,x",
        "population,region,20x5,10,x",
        "population,GM0917,2025,1.234,5,x",
        "population,GM0917,2025,abc,x",
        "population,GM0917,2025,inf,x",
        "population,GM0917,2025,-4,x",
        "fte_demand:vvt,GM0917,2025,4,x",
        "participants:acp,Westelijke Mijnstreek,2025,310,dup",
        "population:x,region,2025,1,x",
        "units:hospital_dag,region,2025,1,x",
    ]) + "\n")
    before = sha(db)
    r = cs("monitor", "import", PLAN, bad, "--db", db)
    want = [
        f"{bad}:3:1: unknown intervention 'acq' in 'participants:acq' (did you mean 'acp'?)",
        f"{bad}:4:1: unknown indicator 'particpants:acp' (did you mean 'participants'? expected "
        "participants:<intervention>, units:<sector>, cost:<payer>, fte_demand:<group>, "
        "supply_fte:<group> or population)",
        f"{bad}:5:18: unknown area or subregion 'GM9999' (did you mean 'GM0899'?)",
        f"{bad}:6:18: unknown area or subregion 'Parkstadt' (did you mean 'Parkstad'?)",
        f"{bad}:7:19: year 2041 is outside the plan's years (expected 2024 to 2040)",
        f"{bad}:8:19: year '20x5' is not a whole number (expected a year such as 2025)",
        f"{bad}:9:1: the row has 6 fields (expected 5, as the header)",
        f"{bad}:10:24: value 'abc' is not a number (expected a plain decimal such as 1234.5, "
        "with a decimal point and no thousands separators)",
        f"{bad}:11:24: value 'inf' is not a finite number (expected a number >= 0)",
        f"{bad}:12:24: value -4 is negative (expected a number >= 0)",
        f"{bad}:13:16: fte_demand is projected per subregion, not per area: 'GM0917' is an area "
        "(expected a subregion or region)",
        f"{bad}:15:1: 'population:x': population takes no id (expected population)",
        f"{bad}:16:1: unknown sector 'hospital_dag' in 'units:hospital_dag' (did you mean "
        "'hospital_day'?)",
        f"{bad}:14:1: duplicate actual for participants:acp, Westelijke Mijnstreek, 2025 (first "
        "given at line 2)",
    ]
    got = [l for l in r.stderr.splitlines() if l.startswith(bad)]
    check(r.returncode == 1, "import: a file with bad rows exits 1", r.stderr)
    check(sorted(got) == sorted(want), "import: every problem at once, each at FILE:LINE:COLUMN",
          "\n     ".join(sorted(set(got) ^ set(want))))
    check(f"import: {bad}: 14 problems found; nothing was imported" in r.stderr,
          "import: the count of problems and 'nothing was imported'", r.stderr[-300:])
    check(sha(db) == before, "import: a refused file leaves results.db's bytes")

    cases = [
        ("header.csv", "indicator,area,year,value\n", ":1:1: the header is not "
         "indicator,area_or_subregion,year,value[,source] (expected exactly these column names, "
         "in this order)"),
        ("empty.csv", "", ":1:1: the file is empty"),
        ("binary.csv", HEADER + "population,region,2025,1,\x00x\n", ":2:26: NUL byte"),
        ("latin1.csv", None, ":2:29: byte 0xe9 is not UTF-8"),
        ("quote.csv", HEADER + 'population,region,2025,1,"open\n', ":2:26: quoted field never closes"),
        ("unquoted.csv", HEADER + 'population,reg"ion,2025,1,x\n', ":2:15: quote inside an unquoted field"),
    ]
    for name, text, msg in cases:
        path = os.path.join(tmp, name)
        if text is None:
            write(path, (HEADER + "population,region,2025,1,caf\xe9\n").encode("latin-1"), "wb")
        else:
            write(path, text)
        r = cs("monitor", "import", PLAN, path, "--db", db)
        check(r.returncode == 1 and (path + msg) in r.stderr and sha(db) == before,
              f"import: {name} refused with '{msg.strip(':')[:50]}'", r.stderr)
    # a quoted field with a comma and a doubled quote is one field
    ok = write(os.path.join(tmp, "quoted.csv"),
               HEADER + 'population,region,2025,588000,"CBS, ""voorlopig"""\n')
    scratch = os.path.join(tmp, "scratch.db")
    shutil.copy(db, scratch)
    r = cs("monitor", "import", PLAN, ok, "--db", scratch)
    src = sqlite3.connect(scratch).execute("SELECT source FROM actuals").fetchall()
    check(r.returncode == 0 and src == [('CBS, "voorlopig"',)], "import: RFC 4180 quoting", r.stderr + str(src))


def test_import_store(tmp, run):
    db = os.path.join(run, "results.db")
    a = write(os.path.join(tmp, "a.csv"), HEADER +
              "participants:acp,Westelijke Mijnstreek,2025,309,illustration (invented)\n"
              "population,GM0917,2025,86000,CBS\n"
              "units:hospital_day,region,2025,420000.5,LBZ\n")
    r = cs("monitor", "import", PLAN, a, "--dir", run)
    check(r.returncode == 0 and "3 rows, 3 added, 0 replaced, 0 unchanged" in r.stdout,
          "import: three rows added", r.stdout + r.stderr)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT indicator, area, year, value, source, imported_at, file_sha256 "
                       "FROM actuals ORDER BY indicator, area").fetchall()
    con.close()
    check(rows == [("participants:acp", "Westelijke Mijnstreek", 2025, 309.0, "illustration (invented)",
                    "2025-06-15T15:06:40Z", sha(a)),
                   ("population", "GM0917", 2025, 86000.0, "CBS", "2025-06-15T15:06:40Z", sha(a)),
                   ("units:hospital_day", "region", 2025, 420000.5, "LBZ", "2025-06-15T15:06:40Z", sha(a))],
          "import: the actuals table holds the rows, the import time and the file's SHA-256", str(rows))
    before = sha(db)
    r = cs("monitor", "import", PLAN, a, "--dir", run, env={"SOURCE_DATE_EPOCH": "1760000000"})
    check(r.returncode == 0 and "0 added, 0 replaced, 3 unchanged" in r.stdout and sha(db) == before,
          "import: the same file again changes nothing (the same bytes)", r.stdout + r.stderr)

    # a conflict at the end of a file whose first rows are new: nothing at all is written
    b = write(os.path.join(tmp, "b.csv"), HEADER +
              "population,GM0928,2025,45000,CBS\n"
              "population,GM0917,2025,86500,CBS revised\n"
              "units:hospital_day,region,2025,421000,LBZ revised\n")
    r = cs("monitor", "import", PLAN, b, "--dir", run)
    want = [f"{b}:3:24: value 86500 for population, GM0917, 2025 differs from 86000, imported "
            f"2025-06-15T15:06:40Z from a file with sha256 {sha(a)[:12]}... (expected the same "
            "value; --replace replaces it)",
            f"{b}:4:32: value 421000 for units:hospital_day, region, 2025 differs from 420000.5, "
            f"imported 2025-06-15T15:06:40Z from a file with sha256 {sha(a)[:12]}... (expected the "
            "same value; --replace replaces it)"]
    got = [l for l in r.stderr.splitlines() if l.startswith(b)]
    check(r.returncode == 1 and sorted(got) == sorted(want), "import: every conflict listed",
          r.stderr)
    check(sha(db) == before, "import: a conflict at the end writes nothing (not even the new first row)")

    # a bad row at the end: nothing written
    c = write(os.path.join(tmp, "c.csv"), HEADER + "population,GM0928,2025,45000,CBS\n"
              "population,GM0882,2025,x,CBS\n")
    r = cs("monitor", "import", PLAN, c, "--dir", run)
    check(r.returncode == 1 and sha(db) == before, "import: a bad row at the end writes nothing", r.stderr)

    r = cs("monitor", "import", PLAN, b, "--dir", run, "--replace", env={"SOURCE_DATE_EPOCH": "1760000000"})
    con = sqlite3.connect(db)
    vals = dict(((i, p), (v, s, t, h)) for i, p, v, s, t, h in con.execute(
        "SELECT indicator, area, value, source, imported_at, file_sha256 FROM actuals"))
    con.close()
    check(r.returncode == 0 and "3 rows, 1 added, 2 replaced, 0 unchanged" in r.stdout,
          "import --replace: new values replace the old", r.stdout + r.stderr)
    check(vals.get(("population", "GM0917")) == (86500.0, "CBS revised", "2025-10-09T08:53:20Z", sha(b))
          and vals.get(("participants:acp", "Westelijke Mijnstreek"), (0,))[0] == 309.0
          and len(vals) == 4, "import --replace: value, source, time and checksum of the new file; "
          "other keys kept", str(vals))

    # the run directory's lock: a run writing it keeps an import out
    fd = os.open(run, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    before = sha(db)
    r = cs("monitor", "import", PLAN, write(os.path.join(tmp, "d.csv"), HEADER + "population,GM0899,2025,1,x\n"),
           "--dir", run)
    os.close(fd)
    check(r.returncode == 3 and "another careshift run is writing this directory" in r.stderr
          and sha(db) == before, "import: a locked run directory is refused (exit 3)", r.stderr)

    # the database still serves the report
    if os.path.isdir(os.environ.get("CARESHIFT_WEB_DIR", os.path.join(ROOT, "web", "node_modules"))):
        r = cs("report", run)
        check(r.returncode == 0, "careshift report still reads a results.db with actuals", r.stderr)
    else:
        print("skip careshift report (the chart scripts are not installed)")


def test_not_a_run(tmp):
    junk = write(os.path.join(tmp, "junk.db"), "not sqlite at all, just text" * 100)
    a = write(os.path.join(tmp, "one.csv"), HEADER + "population,region,2025,1,x\n")
    r = cs("monitor", "import", PLAN, a, "--db", junk)
    check(r.returncode == 1 and f"{junk}: is not an SQLite database" in r.stderr,
          "import: a file that is no database is refused (exit 1)", r.stderr)
    r = cs("monitor", "status", PLAN, "--db", os.path.join(tmp, "missing.db"))
    check(r.returncode == 3 and "cannot open the database" in r.stderr, "status: a missing results.db (exit 3)", r.stderr)
    empty = os.path.join(tmp, "empty.db")
    sqlite3.connect(empty).execute("CREATE TABLE x (a)").connection.commit()
    r = cs("monitor", "status", PLAN, "--db", empty)
    check(r.returncode == 1 and "is not the results.db of a careshift run (it has no table 'run_info'" in r.stderr,
          "status: an SQLite file of another kind (exit 1)", r.stderr)


def test_cli():
    for args in (["monitor", "--help"], ["monitor", "import", "--help"], ["monitor", "status", "--help"]):
        r = cs(*args)
        check(r.returncode == 0 and r.stdout.startswith("usage: careshift monitor"), " ".join(args))
    for args, msg in ((["monitor"], "usage"), (["monitor", "stats", PLAN], "unknown subcommand 'stats'"),
                      (["monitor", "status", PLAN], "one of --db FILE or --dir DIR expected"),
                      (["monitor", "import", PLAN, "--dir", "x"], "PLAN and ACTUALS.csv expected"),
                      (["monitor", "status", PLAN, "--dir", "x", "--lang", "fr"], "--lang must be en or nl"),
                      (["monitor", "import", PLAN, "a.csv", "--dir", "x", "--year", "2025"], "option not known here")):
        r = cs(*args)
        check(r.returncode == 2 and msg in r.stderr, f"usage error: {' '.join(args[1:3])} ... ({msg})", r.stderr)


# ---- status ----
def cases_no_psa(t):
    """(indicator, place, year, factor) for each status; realised = factor * planned."""
    c = [("participants:acp", "Westelijke Mijnstreek", 2026, 1.10),      # ahead
         ("participants:thuis-sterven", "Westelijke Mijnstreek", 2026, 1.02),  # on track
         ("participants:valpreventie", "Westelijke Mijnstreek", 2026, 0.97),   # on track (3 % below)
         ("participants:zorgcoordinatie", "Westelijke Mijnstreek", 2026, 0.90),  # behind
         ("participants:taakherschikking", "Westelijke Mijnstreek", 2026, 0.70),  # off track
         ("supply_fte:vvt", "Parkstad", 2026, 0.5),                          # off track
         ("population", "GM0917", 2026, 1.02),                               # on track
         ("population", "GM0928", 2026, 1.10),                               # differs
         ("cost:zvw", "region", 2028, 0.97),
         ("fte_demand:ziekenhuis", "Westelijke Mijnstreek", 2028, 1.08)]
    # care use the plan lowers: lower is better (checked from the tables, not assumed)
    c += [("units:hospital_day", "region", y, f) for y, f in ((2027, 0.90), (2028, 1.02), (2029, 1.10), (2030, 1.30))]
    # the sum of a subregion's areas
    c += [("population", a, 2027, 1.0) for a, s in t.sub.items() if s == "Maastricht-Heuvelland"]
    return c


def actuals_text(t, cases):
    lines = []
    for ind, place, year, f in cases:
        lines.append(f"{ind},{place},{year},{repr(f * t.value(ind, place, year))},case")
    return HEADER + "\n".join(lines) + "\n"


def check_rows(t, rows, cases, with_band, label):
    by = {key(r): r for r in rows}
    ok_planned = ok_status = ok_diff = True
    bad = []
    for ind, place, year, f in cases:
        r = by.get((ind, place, year))
        if not r:
            bad.append(f"no row {ind},{place},{year}")
            continue
        p = t.value(ind, place, year)
        real = float(r["realised"])
        if not close(float(r["planned"]), p):
            ok_planned = False
            bad.append(f"planned {r['planned']} != {p}")
        dirn = direction(t, ind, place, year)
        low = float(r["p2_5"]) if with_band else None
        high = float(r["p97_5"]) if with_band else None
        want = expected_status(dirn, p, real, low, high)
        if r["direction"] != dirn or r["status"] != want:
            ok_status = False
            bad.append(f"{ind},{place},{year}: {r['direction']}/{r['status']}, expected {dirn}/{want}")
        if not close(float(r["difference"]), real - p) or (p and not close(float(r["difference_pct"]), 100 * (real - p) / p)):
            ok_diff = False
    check(ok_planned, f"status{label}: every planned value equals the sum of the run's CSV tables", "; ".join(bad))
    check(ok_status, f"status{label}: direction and status of every case as docs/monitoring.md's rules", "; ".join(bad))
    check(ok_diff, f"status{label}: difference and difference_pct")
    return by


def test_status_no_psa(tmp, t, run0):
    db = os.path.join(tmp, "nopsa.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    cases = cases_no_psa(t)
    a = write(os.path.join(tmp, "cases.csv"), actuals_text(t, cases))
    r = cs("monitor", "import", PLAN, a, "--db", db)
    check(r.returncode == 0, "status: the cases import", r.stderr)
    r, rows = status_rows(db)
    check(r.returncode == 0 and "no PSA: the 5 % rule" in r.stdout, "status without PSA runs", r.stderr)
    by = check_rows(t, rows, cases, False, " (no PSA)")
    seen = {row["status"] for row in rows}
    check({"ahead", "on_track", "behind", "off_track", "differs", "no_actuals"} <= seen,
          "status (no PSA): every status is reached", str(seen))
    check(all(by[("units:hospital_day", "region", y)]["direction"] == "lower" for y in (2027, 2028, 2029, 2030)),
          "status: hospital days, which the plan lowers, are better lower")
    # the sum of Maastricht-Heuvelland's areas, and nothing summed where a part is missing
    mh = by.get(("population", "Maastricht-Heuvelland", 2027))
    parts = math.fsum(float(by[("population", a, 2027)]["realised"]) for a, s in t.sub.items() if s == "Maastricht-Heuvelland")
    check(mh is not None and mh["realised_from"] == "areas" and close(float(mh["realised"]), parts)
          and mh["level"] == "subregion", "status: a subregion's row sums its areas' actuals", str(mh))
    check(("population", "Parkstad", 2026) not in by and ("population", "region", 2027) not in by,
          "status: no sum where a part has no actual")
    # the milestones of the plan, with their targets
    ms = read_csv(os.path.join(run0, "milestones.csv"))
    okm = all(by.get(("participants:" + m["intervention"], "region", int(m["year"])), {}).get("target") not in (None, "")
              and close(float(by[("participants:" + m["intervention"], "region", int(m["year"]))]["target"]), float(m["target"]))
              for m in ms)
    check(okm and len(ms) > 0, "status: a row per milestone, at the region, with its target")
    # --year and the Dutch table
    r = cs("monitor", "status", PLAN, "--db", db, "--year", "2026", "--lang", "nl")
    body = [l for l in r.stdout.splitlines() if l[:4].isdigit()]
    check(r.returncode == 0 and body and all(l.startswith("2026") for l in body) and "uit koers" in r.stdout
          and "wijkt af" in r.stdout and "gerealiseerd" in r.stdout, "status --year 2026 --lang nl", r.stdout[:500])
    header = open(os.path.join(tmp, "monitoring.csv")).readline().strip()
    check(header == "year,indicator,level,place,subregion,direction,target,planned,p2_5,p97_5,realised,"
          "difference,difference_pct,status,realised_from,source,band_used_low,band_used_high,milestone_met,"
          "baseline,effect_realised",
          "monitoring.csv: its columns (band_used_low, band_used_high, milestone_met, baseline and effect_realised "
          "added at the end)", header)


def test_status_psa(tmp, t, run20):
    db = os.path.join(tmp, "psa.db")
    shutil.copy(os.path.join(run20, "results.db"), db)
    years = (2026, 2027, 2028, 2029)
    keys = [("participants:acp", "Westelijke Mijnstreek", y) for y in years]
    keys += [("units:hospital_day", "region", 2027), ("population", "GM0917", 2026)]
    first = write(os.path.join(tmp, "psa0.csv"), HEADER + "".join(
        f"{i},{p},{y},{t.value(i, p, y)!r},placeholder\n" for i, p, y in keys))
    r = cs("monitor", "import", PLAN, first, "--db", db)
    r, rows = status_rows(db, "--threads", "1")
    check(r.returncode == 0 and "PSA band: 2.5-97.5 % of 20 draws" in r.stdout, "status with PSA: a band of the run's 20 draws", r.stderr + r.stdout[:300])
    band = {key(x): (float(x["p2_5"]), float(x["p97_5"])) for x in rows if x["p2_5"]}
    check(all(k in band for k in keys) and all(lo < hi for lo, hi in band.values() if lo != hi),
          "status with PSA: every row has a band", str(band)[:300])
    r2, rows2 = status_rows(db, "--threads", "2")
    check([(x["p2_5"], x["p97_5"]) for x in rows2] == [(x["p2_5"], x["p97_5"]) for x in rows],
          "status with PSA: the band is the same on 1 and 2 threads")
    # realised values chosen from the band: one status per year
    cases = []
    for (i, p, y), want in zip(keys[:4], ("ahead", "on_track", "behind", "off_track")):
        pl = t.value(i, p, y)
        lo, hi = band[(i, p, y)]
        real = {"ahead": max(hi, 1.05 * pl) * 1.02, "on_track": 0.98 * pl,
                "behind": (max(lo, 0) + 0.95 * pl) / 2, "off_track": lo * 0.9}[want]
        check(want != "behind" or lo < 0.95 * pl, f"status with PSA: the band of {i} {y} reaches below -5 %")
        cases.append((i, p, y, real / pl))
    cases.append(("units:hospital_day", "region", 2027, 0.5))
    cases.append(("population", "GM0917", 2026, 1.02))
    second = write(os.path.join(tmp, "psa1.csv"), actuals_text(t, cases))
    r = cs("monitor", "import", PLAN, second, "--db", db, "--replace")
    check(r.returncode == 0 and "6 replaced" in r.stdout, "status with PSA: the cases replace the placeholders", r.stdout + r.stderr)
    r, rows = status_rows(db)
    check_rows(t, rows, cases, True, " (PSA)")
    seen = {x["status"] for x in rows if (x["indicator"], x["place"], int(x["year"])) in keys[:4]}
    check(seen == {"ahead", "on_track", "behind", "off_track"}, "status with PSA: every status is reached", str(seen))

    # the plan's inputs changed since the run: no band, and a warning saying why
    copy = os.path.join(tmp, "plan-copy")
    shutil.copytree(EXAMPLE, copy)
    write(os.path.join(copy, "workforce.csv"), "# an edited comment\n", "a")
    r = cs("monitor", "status", os.path.join(copy, "plan.yaml"), "--db", db)
    check(r.returncode == 0 and "warning: no PSA band: the run's inputs" in r.stderr and "the 5 % rule" in r.stdout,
          "status: no band when the plan's inputs changed since the run", r.stderr)


def test_rerun_drops(tmp, run):
    r = subprocess.run([CS, "run", PLAN, "--out", run, *RUN_OPTS], capture_output=True, text=True)
    con = sqlite3.connect(os.path.join(run, "results.db"))
    n = con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'actuals'").fetchone()[0]
    con.close()
    check(r.returncode == 0 and n == 0, "a later `careshift run` into the directory drops the actuals (documented)", r.stderr)


def test_example_actuals(tmp, run0):
    path = os.path.join(EXAMPLE, "actuals.csv")
    db = os.path.join(tmp, "example.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    r = cs("monitor", "import", PLAN, path, "--db", db)
    r2 = cs("monitor", "status", PLAN, "--db", db)
    rows = read_csv(path)
    check(r.returncode == 0 and r2.returncode == 0 and rows and
          all(x["source"] == "illustration (invented)" for x in rows),
          "examples/zuid-limburg/actuals.csv imports, every row labelled an illustration", r.stderr + r2.stderr)
    # the insurer's case: hospital days 2025 above even the baseline, yet on track (the level)
    t = Tables(run0)
    k = ("units:hospital_day", "region", 2025)
    b, p = t.value(*k, "baseline"), t.value(*k)
    real = float(next(x["value"] for x in rows if (x["indicator"], x["area_or_subregion"], int(x["year"])) == k))
    _, out = status_rows(db)
    x = {key(y): y for y in out}.get(k, {})
    e = (b - real) / (b - p)
    check(x.get("status") == "on_track" and close(float(x.get("baseline", "nan")), b)
          and abs(float(x.get("effect_realised") or "nan") - e) < 1e-9 * abs(e) and real > b > p and e < -5,
          f"example: hospital days 2025, baseline {b:.0f}, planned {p:.0f}, realised {real:.0f}: on track, "
          f"effect_realised {e:.3f} (worse than without the plan, and implausible)", str(x))
    cell = effect_cells(r2.stdout).get(("units:hospital_day", "region", 2025))
    check(cell == (f"{100 * e:,.0f}", "!?") and "realised is worse than without the plan" in r2.stdout,
          "example: the table prints it as a % marked ! and ?, with the notes", str(cell))



# ---- the trial's findings (fixes 1 to 8) ----
MON_HEADER = ("year,indicator,level,place,subregion,direction,target,planned,p2_5,p97_5,realised,"
              "difference,difference_pct,status,realised_from,source,band_used_low,band_used_high,"
              "milestone_met,baseline,effect_realised\n")


def guarded(test, *args):
    """Runs test; an exception (a file or row the code under test did not make) is a failure."""
    try:
        test(*args)
    except Exception as e:  # noqa: BLE001: reported, then the other tests run
        check(False, f"{test.__name__} ran to its end", f"{type(e).__name__}: {e}")


def tree(path):
    """Every name in directory path and the SHA-256 of each regular file."""
    return {n: (sha(os.path.join(path, n)) if os.path.isfile(os.path.join(path, n)) else "dir")
            for n in sorted(os.listdir(path))}


def test_csv_target(tmp, run0):
    """1: --csv never overwrites the database, a file of the run directory, the plan or any file
    that is no monitoring.csv; it writes whole or not at all."""
    run = os.path.join(tmp, "csv-run")
    shutil.copytree(run0, run)
    db = os.path.join(run, "results.db")
    a = write(os.path.join(tmp, "csv-actuals.csv"), HEADER + "population,GM0917,2025,86000,CBS\n")
    r = cs("monitor", "import", PLAN, a, "--dir", run)
    check(r.returncode == 0, "csv target: the actuals import", r.stderr)
    plan_copy = os.path.join(tmp, "csv-plan")
    shutil.copytree(EXAMPLE, plan_copy)
    plan2 = os.path.join(plan_copy, "plan.yaml")
    before_run, before_plan, before_a = tree(run), tree(plan_copy), sha(a)
    os.symlink(db, os.path.join(tmp, "link-to-db.csv"))
    os.symlink(run, os.path.join(tmp, "link-to-run"))
    os.mkfifo(os.path.join(tmp, "fifo.csv"))
    lone = os.path.join(tmp, "lone.db")  # a results.db outside a run directory, and a hard link to it
    shutil.copy(db, lone)
    os.link(lone, os.path.join(tmp, "hard-link.csv"))
    refused = [
        (plan2, ["--dir", run], db, "it is the database"),
        (plan2, ["--dir", run], os.path.join(run, "..", os.path.basename(run), "results.db"), "it is the database"),
        (plan2, ["--dir", run], os.path.join(tmp, "link-to-db.csv"), "it is the database"),
        (plan2, ["--dir", run], os.path.join(run, "care.csv"), "it lies inside the run directory"),
        (plan2, ["--dir", run], os.path.join(run, "monitoring.csv"), "it lies inside the run directory"),
        (plan2, ["--dir", run], os.path.join(tmp, "link-to-run", "monitoring.csv"), "it lies inside the run directory"),
        (plan2, ["--db", db], os.path.join(run, "new.csv"), "it lies inside the run directory"),
        (plan2, ["--dir", run], plan2, "it is the plan"),
        (plan2, ["--dir", run], a, "it holds something else (its first line is not monitoring.csv's header)"),
        (plan2, ["--dir", run], os.path.join(plan_copy, "areas.csv"), "it holds something else"),
        (plan2, ["--dir", run], tmp, "it is a directory"),
        (plan2, ["--dir", run], os.path.join(tmp, "fifo.csv"), "it is not a regular file"),
        (plan2, ["--db", lone], os.path.join(tmp, "hard-link.csv"), "it is the database"),
        (plan2, ["--db", lone], lone + "-journal", "SQLite would take it for the database's lone.db-journal"),
    ]
    for plan, where, target, msg in refused:
        r = cs("monitor", "status", plan, *where, "--csv", target)
        check(r.returncode == 2 and f"monitoring.csv is not written here: {msg}" in r.stderr
              and "nothing was written" in r.stderr and r.stdout == "",
              f"--csv {os.path.relpath(target, tmp)} with {where[0]}: refused (exit 2) before anything is computed: {msg}",
              r.stderr + r.stdout[:200])
    check(tree(run) == before_run and tree(plan_copy) == before_plan and sha(a) == before_a
          and os.path.islink(os.path.join(tmp, "link-to-db.csv")) and not os.path.exists(lone + "-journal"),
          "--csv refused: the run directory, the plan's folder and the actuals file are byte for byte as they were")

    # a new file, then again over it (an earlier monitoring.csv), whole and with nothing left beside it
    out_dir = os.path.join(tmp, "csv-out")
    os.mkdir(out_dir)
    out = os.path.join(out_dir, "m.csv")
    r1 = cs("monitor", "status", PLAN, "--dir", run, "--csv", out)
    first = open(out).read()
    r2 = cs("monitor", "status", PLAN, "--dir", run, "--csv", out)
    check(r1.returncode == 0 and r2.returncode == 0 and first.startswith(MON_HEADER)
          and open(out).read() == first and os.listdir(out_dir) == ["m.csv"],
          "--csv: a new file, then an earlier monitoring.csv replaced; no temporary file left", r1.stderr + r2.stderr)
    empty = write(os.path.join(out_dir, "empty.csv"), "")
    r = cs("monitor", "status", PLAN, "--dir", run, "--csv", empty)
    check(r.returncode == 0 and open(empty).read() == first, "--csv: an empty file may be replaced", r.stderr)
    os.remove(empty)
    # a write that fails half way (the file size limit) leaves the old file whole, and no temporary
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
    r = subprocess.run([CS, "monitor", "status", PLAN, "--dir", run, "--csv", out], capture_output=True,
                       text=True, timeout=120, preexec_fn=limit)
    check(r.returncode == 3 and f"{out}: cannot write monitoring.csv: File too large" in r.stderr
          and open(out).read() == first and os.listdir(out_dir) == ["m.csv"],
          "--csv: a failed write (exit 3) keeps the earlier file whole and leaves no part behind", r.stderr)
    r = cs("monitor", "status", PLAN, "--dir", run, "--csv", os.path.join(tmp, "no-such-dir", "m.csv"))
    check(r.returncode == 3 and "its directory" in r.stderr and "No such file or directory" in r.stderr,
          "--csv into a directory that does not exist: exit 3", r.stderr)


def sqlite_holder(db, sql, kill=False):
    """A process that holds db with sql (BEGIN EXCLUSIVE, or a write in BEGIN IMMEDIATE), or is
    killed -9 in the middle of its transaction (kill)."""
    code = ("import os, signal, sqlite3, sys\n"
            f"c = sqlite3.connect({db!r}, isolation_level=None)\n"
            "c.execute('PRAGMA cache_size = 10')\n"  # pages go to the file before the commit
            + "".join(f"c.execute({q!r})\n" for q in sql) +
            ("os.kill(os.getpid(), signal.SIGKILL)\n" if kill else
             "print('ready', flush=True)\nsys.stdin.read()\n"))
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if kill:
        p.wait()
    else:
        p.stdout.readline()
    return p


def test_locked(tmp, run0):
    """2: a database another process holds, and one with the journal of a killed import."""
    db = os.path.join(tmp, "locked.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    a = write(os.path.join(tmp, "locked.csv"), HEADER + "population,GM0917,2025,86000,CBS\n")
    check(cs("monitor", "import", PLAN, a, "--db", db).returncode == 0, "locked: the actuals import")
    msg = f"{db}: is locked by another careshift process (an import or a run is writing it); try again when it has finished"
    before = sha(db)
    holder = sqlite_holder(db, ["BEGIN EXCLUSIVE"])
    try:
        t = time.time()
        r1 = cs("monitor", "status", PLAN, "--db", db)
        r2 = cs("monitor", "import", PLAN, a, "--db", db)
    finally:
        holder.stdin.close()
        holder.wait()
    check(r1.returncode == 3 and msg in r1.stderr and "not an SQLite database" not in r1.stderr,
          "status of a database another process writes: exit 3, 'is locked by another careshift process'", r1.stderr)
    check(r2.returncode == 3 and msg in r2.stderr and sha(db) == before,
          "import into a database another process writes: exit 3, the same reason, nothing written", r2.stderr)
    # an import in progress (a write lock, not yet committing): status reads, import waits and says why
    holder = sqlite_holder(db, ["BEGIN IMMEDIATE", "CREATE TABLE busy (a)"])
    try:
        r1 = cs("monitor", "status", PLAN, "--db", db)
        r2 = cs("monitor", "import", PLAN, write(os.path.join(tmp, "locked2.csv"), HEADER + "population,GM0928,2025,45000,CBS\n"),
                "--db", db)
    finally:
        holder.stdin.close()
        holder.wait()
    check(r1.returncode == 0, "status while an import is in progress (not committing) reads the database", r1.stderr)
    check(r2.returncode == 3 and msg in r2.stderr and sha(db) == before,
          "a second import while one is in progress: exit 3, 'is locked', nothing written", r2.stderr)

    # killed -9 in the middle of an import: a hot journal
    n_before = sqlite3.connect(db).execute("SELECT count(*) FROM actuals").fetchone()[0]
    sqlite_holder(db, ["BEGIN IMMEDIATE", "DELETE FROM actuals", "DELETE FROM demography"], kill=True)
    journal = db + "-journal"
    check(os.path.exists(journal), "killed -9 during a write: the journal is left (the test's premise)")
    mid = sha(db)
    r = cs("monitor", "status", PLAN, "--db", db)
    check(r.returncode == 3 and f"{db}: an interrupted import (or another interrupted write) left its journal {journal}" in r.stderr
          and "`careshift monitor import PLAN ACTUALS.csv --db" in r.stderr and "rolls the journal back" in r.stderr
          and "attempt to write a readonly database" not in r.stderr,
          "status after an import was killed: exit 3, says the journal is left and that an import restores it", r.stderr)
    check(sha(db) == mid and os.path.exists(journal), "status (read-only) leaves the database and its journal as they are")
    r = cs("monitor", "import", PLAN, a, "--db", db)
    con = sqlite3.connect(db)
    n_after = con.execute("SELECT count(*) FROM actuals").fetchone()[0]
    pop = con.execute("SELECT count(*) FROM demography").fetchone()[0]
    con.close()
    check(r.returncode == 0 and not os.path.exists(journal) and n_after == n_before == 1 and pop > 0,
          "monitor import rolls the killed transaction back: the journal is gone, every row is back", r.stderr)
    check(cs("monitor", "status", PLAN, "--db", db).returncode == 0, "status reads the restored database")


def test_values(tmp, db):
    """3: only decimal numbers from 0 to 1e15 are values."""
    rows = [  # (place, value text, expected message or None)
        ("GM0917", "1e308", "value 1e308 is above 1e15, the largest an actual may be (expected a number from 0 to "
         "1e15 = 1000000000000000 in the indicator's unit)"),
        ("GM0928", "0x10", "value '0x10' is hexadecimal (expected a plain decimal such as 1234.5: digits, a decimal "
         "point, an exponent such as 1.5e6)"),
        ("GM0882", "0x1p4", "value '0x1p4' is hexadecimal (expected a plain decimal such as 1234.5: digits, a "
         "decimal point, an exponent such as 1.5e6)"),
        ("GM0899", "1e-400", "value 1e-400 is too small to be stored (it would read as 0; expected 0, or a number "
         ">= 2.22507e-308)"),
        ("GM0888", "nan", "value 'nan' is not a finite number (expected a number >= 0)"),
        ("GM0917", "-inf", "value '-inf' is not a finite number (expected a number >= 0)"),
        ("GM1954", "1e400", "value 1e400 is above 1e15"),
        ("GM1903", "1000000000000001", "value 1000000000000001 is above 1e15"),
        ("GM0986", "\t5", "value '\t5' is not a number"),
        ("GM0981", "1e", "value '1e' is not a number"),
        ("GM0994", ".", "value '.' is not a number"),
        ("GM0935", "1e15", None), ("GM0938", "1.5e3", None), ("GM0965", "+7", None),
        ("GM0888", "5.", None), ("GM1883", ".5", None), ("GM0882", "0e-400", None), ("GM0899", "-0", None),
    ]
    years = {}
    lines = []
    for place, val, _ in rows:  # a year per place, so no key repeats
        years[place] = years.get(place, 2024) + 1
        lines.append(f"population,{place},{years[place]},{val},x")
    bad = write(os.path.join(tmp, "values.csv"), HEADER + "\n".join(lines) + "\n")
    before = sha(db)
    r = cs("monitor", "import", PLAN, bad, "--db", db)
    want = []
    for i, (place, val, msg) in enumerate(rows):
        if msg:
            col = len(f"population,{place},{years[place]},") + 1  # the value's column
            want.append(f"{bad}:{i + 2}:{col}: {msg}".replace("\t", "\\x09"))
    got = [l for l in r.stderr.splitlines() if l.startswith(bad + ":")]
    missing = [w for w in want if not any(g.startswith(w) for g in got)]
    check(r.returncode == 1 and not missing and len(got) == len(want) and sha(db) == before
          and f"{bad}: {len(want)} problems found; nothing was imported" in r.stderr,
          f"import: 1e308, hex, 1e-400, nan, inf, above 1e15, a tab: {len(want)} problems at once, at FILE:LINE:COLUMN",
          "missing: " + "\n     ".join(missing) + "\n     got: " + "\n     ".join(got))
    good = write(os.path.join(tmp, "values-ok.csv"), HEADER + "".join(
        f"population,{p},2030,{v},x\n" for p, v, m in rows if m is None))
    scratch = os.path.join(tmp, "values.db")
    shutil.copy(db, scratch)
    r = cs("monitor", "import", PLAN, good, "--db", scratch)
    got = dict(sqlite3.connect(scratch).execute("SELECT area, value FROM actuals WHERE year = 2030").fetchall())
    want = {"GM0935": 1e15, "GM0938": 1500.0, "GM0965": 7.0, "GM0888": 5.0, "GM1883": 0.5, "GM0882": 0.0, "GM0899": 0.0}
    check(r.returncode == 0 and got == want and all(math.copysign(1, v) == 1 for v in got.values()),
          "import: 1e15, 1.5e3, +7, 5., .5, 0e-400 and -0 are decimal numbers (stored 1e15, 1500, 7, 5, 0.5, 0, 0)",
          r.stderr + str(got))


def test_reforecast_warning(tmp, run0):
    """4: status of a re-forecast run says it was fitted to the actuals."""
    db = os.path.join(tmp, "rf-source.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    ex = os.path.join(EXAMPLE, "actuals.csv")
    check(cs("monitor", "import", PLAN, ex, "--db", db).returncode == 0, "re-forecast: the example's actuals import")
    rf = os.path.join(tmp, "rf-run")
    r = cs("run", PLAN, "--out", rf, *RUN_OPTS, "--actuals", db, "--from-year", "2025")
    if not check(r.returncode == 0, "re-forecast: careshift run --actuals --from-year 2025", r.stderr):
        return
    check(cs("monitor", "import", PLAN, ex, "--dir", rf).returncode == 0, "re-forecast: the actuals import into it")
    r = cs("monitor", "status", PLAN, "--dir", rf)
    check(r.returncode == 0 and f"{rf}/results.db: warning: this run is a re-forecast from 2025 (run_info's "
          f"reforecast_from_year), fitted to the actuals of 2025 in {db}" in r.stderr
          and "the population and participants of 2025 are on track by construction" in r.stderr,
          "status of a re-forecast: a warning on stderr naming the year and the database it was fitted to", r.stderr)
    check("Note: this run is a re-forecast from 2025." in r.stdout and "Only years before 2025 compare with the plan." in r.stdout,
          "status of a re-forecast: the note in the table", r.stdout[:600])
    r = cs("monitor", "status", PLAN, "--dir", rf, "--lang", "nl")
    check("Let op: deze run is een herprognose vanaf 2025." in r.stdout, "status of a re-forecast: the note in Dutch")
    r = cs("monitor", "status", PLAN, "--db", db)
    check(r.returncode == 0 and "re-forecast" not in r.stderr + r.stdout, "an ordinary run has no such note")


def test_milestones_met(tmp, t, run0):
    """5: a milestone row says whether its target is met, apart from its status."""
    ms = {(m["intervention"], int(m["year"])): float(m["target"]) for m in read_csv(os.path.join(run0, "milestones.csv"))}
    db = os.path.join(tmp, "met.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    # acp 2027: realised = the target, 7 % below planned; zorgcoordinatie 2026: 4 % below planned,
    # under its target; thuismonitoring 2027: 10 % above planned
    acp_p, zc_p, tm_p = (t.value(f"participants:{i}", "region", y) for i, y in
                         (("acp", 2027), ("zorgcoordinatie", 2026), ("thuismonitoring", 2027)))
    cases = {("participants:acp", 2027): ms[("acp", 2027)], ("participants:zorgcoordinatie", 2026): 0.96 * zc_p,
             ("participants:thuismonitoring", 2027): 1.10 * tm_p}
    check(-20 < 100 * (ms[("acp", 2027)] - acp_p) / acp_p < -5 and 0.96 * zc_p < ms[("zorgcoordinatie", 2026)],
          "milestones: the example's targets give the cases (acp's 7 % below planned, zorgcoordinatie's above 96 %)")
    a = write(os.path.join(tmp, "met.csv"), HEADER + "".join(f"{i},region,{y},{v!r},case\n" for (i, y), v in cases.items()))
    check(cs("monitor", "import", PLAN, a, "--db", db).returncode == 0, "milestones: the cases import")
    r, rows = status_rows(db)
    by = {key(x): x for x in rows}
    want = {("participants:acp", 2027): ("behind", "yes"),       # met, yet behind the planned trajectory
            ("participants:zorgcoordinatie", 2026): ("on_track", "no"),  # missed, yet on track
            ("participants:thuismonitoring", 2027): ("ahead", "yes")}
    got = {k: (by[(k[0], "region", k[1])]["status"], by[(k[0], "region", k[1])]["milestone_met"]) for k in want}
    check(got == want, "milestones: milestone_met (realised >= target) beside the status against planned", str(got))
    others = [x for x in rows if (x["indicator"], int(x["year"])) not in want]
    check(all(x["milestone_met"] == "" for x in others) and any(x["target"] for x in others),
          "milestones: milestone_met is empty without a target or without a realised value")
    lines = {(l.split()[1], l.split()[0]): l for l in r.stdout.splitlines() if l[:4].isdigit() and "region" in l}
    check(re.search(r"\s4,200 yes\s", lines[("participants:acp", "2027")]) and
          re.search(r"\s53,700 no\s", lines[("participants:zorgcoordinatie", "2026")]),
          "milestones: the table shows the target and whether it is met", r.stdout[:400])
    r = cs("monitor", "status", PLAN, "--db", db, "--lang", "nl", "--year", "2026")
    check(re.search(r"\s53\.700 nee\s", r.stdout) and "gehaald" in r.stdout, "milestones: in Dutch, gehaald: nee", r.stdout)

    # a milestone of an indicator that is better lower: met when realised <= target
    copy = os.path.join(tmp, "met-plan")
    shutil.copytree(EXAMPLE, copy)
    hd = t.value("units:hospital_day", "region", 2028)
    y = open(os.path.join(copy, "plan.yaml")).read()
    anchor = "          - {indicator: participants, year: 2027, target: 4200}\n"
    check(anchor in y, "milestones: the example plan has acp's milestone line")
    write(os.path.join(copy, "plan.yaml"), y.replace(anchor, anchor + "          - {indicator: \"units:hospital_day\", "
                                                      f"year: 2028, target: {round(0.99 * hd)}}}\n"))
    a = write(os.path.join(tmp, "met2.csv"), HEADER + f"units:hospital_day,region,2028,{hd!r},case\n")
    check(cs("monitor", "import", os.path.join(copy, "plan.yaml"), a, "--db", db).returncode == 0, "milestones: hospital days import")
    out = os.path.join(tmp, "met2-monitoring.csv")
    r = cs("monitor", "status", os.path.join(copy, "plan.yaml"), "--db", db, "--csv", out)
    row = {key(x): x for x in read_csv(out)}.get(("units:hospital_day", "region", 2028), {}) if r.returncode == 0 else {}
    check(row.get("direction") == "lower" and row.get("status") == "on_track" and row.get("milestone_met") == "no"
          and float(row.get("target", "nan")) == round(0.99 * hd),
          "milestones: hospital days (better lower) at planned, 1 % above the target: on track, not met", r.stderr + str(row))


def pct_and_status(stdout):
    """(indicator, place, year) -> (the printed %, the printed status) of the table."""
    out = {}
    for l in stdout.splitlines():
        # the % is the last number before the column of the plan's effect ("-" or "60.1 %", marked ! ?)
        m = re.match(r"(\d{4})  (\S+)\s+(.+?)\s{2,}.*\s(-?[\d.,]+|-)\s+(?:-|-?[\d.,]+ %[! ][? ])\s+"
                     r"(ahead|on track|behind|off track|differs|no actuals|no plan"
                     r"|voor op schema|op schema|achter|uit koers|wijkt af|geen realisatie)$", l)
        if m:
            out[(m.group(2), m.group(3).strip(), int(m.group(1)))] = (m.group(4), m.group(5))
    return out


def test_band_and_pct(tmp, t, run0, run20):
    """6: the band shown is the band the status uses, and the % never reads the same for two
    statuses."""
    # no band: -5.04 %, -5 % and -4.96 % of planned (better higher)
    db = os.path.join(tmp, "pct.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    cases = [("participants:acp", "Westelijke Mijnstreek", 2026, 0.9496), ("participants:valpreventie", "Westelijke Mijnstreek", 2026, 0.95),
             ("participants:zorgcoordinatie", "Westelijke Mijnstreek", 2026, 0.9504), ("participants:acp", "Westelijke Mijnstreek", 2027, 0.7996),
             ("participants:acp", "Westelijke Mijnstreek", 2028, 0.8004)]
    check(cs("monitor", "import", PLAN, write(os.path.join(tmp, "pct.csv"), actuals_text(t, cases)), "--db", db).returncode == 0,
          "%: the cases import")
    for lang in ("en", "nl"):
        r, rows = status_rows(db, "--lang", lang)
        by = {key(x): x for x in rows}
        shown = pct_and_status(r.stdout)
        bad = []
        for ind, place, year, f in cases:
            row = by[(ind, place, year)]
            txt, word = shown.get((ind, place, year), ("?", "?"))
            printed = float(txt.replace(",", ".")) if lang == "nl" else float(txt.replace(",", ""))
            real, p = float(row["realised"]), t.value(ind, place, year)
            exact = 100 * (real - p) / p
            want = expected_status("higher", p, real)
            # the printed % lies on the same side of -5 and -20 as the exact one
            same = all((printed > th) == (exact > th) and (printed < th) == (exact < th) for th in (-5, -20))
            if row["status"] != want or not same:
                bad.append(f"{ind} {year}: {txt} {row['status']} (exact {exact!r}, expected {want})")
        check(not bad, f"% ({lang}): -5.04, -5, -4.96, -20.04 and -19.96 % each printed on its own side of 5 % and 20 %",
              "; ".join(bad))
        en = {k: v[0] for k, v in shown.items()}
    check(en.get(("participants:acp", "Westelijke Mijnstreek", 2026)) != en.get(("participants:zorgcoordinatie", "Westelijke Mijnstreek", 2026)),
          "%: behind (-5.04 %) and on track (-4.96 %) never print the same %", str(en))

    # with a band: band_used is the PSA band widened to planned -/+ 5 %, and the status follows it
    db = os.path.join(tmp, "band.db")
    shutil.copy(os.path.join(run20, "results.db"), db)
    cases = [("population", "GM0917", 2026, 1.04), ("population", "GM0928", 2026, 1.06),
             ("supply_fte:vvt", "Parkstad", 2026, 0.96), ("supply_fte:vvt", "Westelijke Mijnstreek", 2026, 0.93),
             ("participants:acp", "Westelijke Mijnstreek", 2026, 0.9), ("units:hospital_day", "region", 2027, 1.04)]
    check(cs("monitor", "import", PLAN, write(os.path.join(tmp, "band.csv"), actuals_text(t, cases)), "--db", db).returncode == 0,
          "band: the cases import")
    r, rows = status_rows(db, "--threads", "2")
    bad, widened = [], 0
    for x in rows:
        if not x["p2_5"]:
            bad.append(f"no band {key(x)}")
            continue
        p, lo, hi = t.value(x["indicator"], x["place"], int(x["year"])), float(x["p2_5"]), float(x["p97_5"])
        ulo, uhi = min(lo, p - 0.05 * p), max(hi, p + 0.05 * p)
        if not (close(float(x["band_used_low"]), ulo) and close(float(x["band_used_high"]), uhi)):
            bad.append(f"{key(x)} used {x['band_used_low']}-{x['band_used_high']}, expected {ulo}-{uhi}")
        widened += ulo != lo or uhi != hi
        if x["realised"]:
            real = float(x["realised"])
            inside = float(x["band_used_low"]) <= real <= float(x["band_used_high"])
            ok = {"higher": ("on_track", "behind"), "lower": ("on_track", "behind"), "neutral": ("on_track",)}[x["direction"]]
            if inside != (x["status"] in ok):
                bad.append(f"{key(x)} realised {real} {'inside' if inside else 'outside'} the used band, {x['status']}")
    check(not bad and widened >= 4, f"band: band_used is the PSA band widened to planned -/+ 5 % ({widened} rows widened), "
          "and a realised value is ahead, off track or differs exactly when outside it", "; ".join(bad))
    marked = [l for l in r.stdout.splitlines() if l[:4].isdigit() and "* " in l]
    check(len(marked) == widened and "* the PSA band lies closer than 5 % to planned on a side here" in r.stdout,
          "band: the table marks each widened band with * and says what it means", r.stdout[:800])
    gm = {key(x): x for x in rows}[("population", "GM0917", 2026)]
    check(float(gm["p97_5"]) < float(gm["realised"]) and gm["status"] == "on_track",
          "band: 4 % more population than planned, beyond the PSA band itself, is on track within the used band",
          str(gm))


STATUS_WORDS = (r"(ahead|on track|behind|off track|differs|no actuals|no plan"
                r"|voor op schema|op schema|achter|uit koers|wijkt af|geen realisatie)")


def effect_cells(stdout):
    """(indicator, place as printed, year) -> (the printed effect or None, marks) of the table."""
    out = {}
    for l in stdout.splitlines():
        m = re.match(r"(\d{4})  (\S+)\s+(.+?)\s{2,}.*\s(-|(-?[\d.,]+) %([! ])([? ]))\s+" + STATUS_WORDS + "$", l)
        if m:
            out[(m.group(2), m.group(3).strip(), int(m.group(1)))] = (m.group(5), ((m.group(6) or "") + (m.group(7) or "")).strip())
    return out


def printed_number(txt, nl):
    return float(txt.replace(".", "").replace(",", ".")) if nl else float(txt.replace(",", ""))


def notes(stdout, head):
    """The note lines listed under the note whose heading starts with head."""
    lines, out, inside = stdout.splitlines(), [], False
    for l in lines:
        if l.startswith(head):
            inside = True
        elif inside and re.match(r"  \d{4}  ", l):
            out.append(l)
        elif inside and not l.startswith("  "):
            inside = False
    return out


def en_num(v):
    """A number as the terminal prints it in English (whole above 100, one decimal below)."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"


def test_effect(tmp, t, run0):
    """9: baseline and effect_realised = (baseline - realised) / (baseline - planned), the share
    of the plan's change that was realised, beside the status (which is about the level)."""
    db = os.path.join(tmp, "effect.db")
    shutil.copy(os.path.join(run0, "results.db"), db)
    hd = "units:hospital_day"
    B = lambda i, p, y: 0.0 if i.startswith("participants:") else t.value(i, p, y, "baseline")
    P = lambda i, p, y: t.value(i, p, y)
    check(t.value("participants:acp", "Westelijke Mijnstreek", 2026, "baseline") is None,
          "effect: the run writes no baseline participants (the baseline has no interventions: 0)")
    # realised = B - e (B - P): effect_realised is e, by hand
    shares = [(hd, "region", 2028, 1.0),                          # as planned
              (hd, "region", 2029, 0.0),                          # realised at the baseline: none of it
              (hd, "region", 2030, -0.5),                         # above the baseline: worse than without the plan
              (hd, "region", 2032, 1.5),                          # more than planned
              ("units:district_nursing_hour", "region", 2028, -0.25),  # the plan raises it (neutral): the other way
              ("supply_fte:vvt", "Westelijke Mijnstreek", 2028, -0.1),  # higher is better, below the baseline
              ("units:elv_day", "region", 2028, 0.5),             # a baseline of 0
              ("fte_demand:ziekenhuis", "Parkstad", 2028, 1.0),
              ("cost:zvw", "region", 2028, 0.5),
              ("participants:acp", "Westelijke Mijnstreek", 2026, 0.8)]  # baseline 0: realised / planned
    sign = {i: (B(i, p, y) - P(i, p, y)) for i, p, y, e in shares}
    check(sign[hd] > 0 and sign["units:district_nursing_hour"] < 0 and sign["supply_fte:vvt"] < 0
          and B("units:elv_day", "region", 2028) == 0 < P("units:elv_day", "region", 2028)
          and sign["fte_demand:ziekenhuis"] > 0 and sign["cost:zvw"] > 0,
          "effect: the example's plan lowers hospital days, zvw cost and hospital staff demand, and raises district "
          "nursing, elv days (from 0) and vvt staff supply (the cases' premise)", str(sign))
    real = {(i, p, y): B(i, p, y) - e * (B(i, p, y) - P(i, p, y)) for i, p, y, e in shares}
    # the analyst's absurd case: 30 % below planned; the population, which the plan does not move in 2025
    real[(hd, "region", 2031)] = 0.7 * P(hd, "region", 2031)
    real[("population", "GM0917", 2025)] = 1.01 * P("population", "GM0917", 2025)
    # hospital days per area of Westelijke Mijnstreek in 2027, summed to the subregion: 90 % of the change
    wm = [a for a, s in t.sub.items() if s == "Westelijke Mijnstreek"]
    for a in wm:
        real[(hd, a, 2027)] = B(hd, a, 2027) - 0.9 * (B(hd, a, 2027) - P(hd, a, 2027))
    a = write(os.path.join(tmp, "effect.csv"), HEADER + "".join(f"{i},{p},{y},{v!r},case\n" for (i, p, y), v in real.items()))
    check(cs("monitor", "import", PLAN, a, "--db", db).returncode == 0, "effect: the cases import")
    r, rows = status_rows(db)
    by = {key(x): x for x in rows}
    bad = []

    def expect(k, e):
        x = by.get(k)
        if x is None:
            bad.append(f"no row {k}")
            return
        i, p, y = k
        b, pl, rl = B(i, p, y), P(i, p, y), float(x["realised"])
        if not close(float(x["baseline"]), b):
            bad.append(f"{k}: baseline {x['baseline']}, expected {b!r}")
        if e is None:
            if x["effect_realised"] != "":
                bad.append(f"{k}: effect_realised {x['effect_realised']}, expected empty")
        elif x["effect_realised"] == "" or abs(float(x["effect_realised"]) - e) > 1e-6 * max(1, abs(e)):
            bad.append(f"{k}: effect_realised {x['effect_realised']!r}, expected {e!r}")
        if x["status"] != expected_status(direction(t, i, p, y), pl, rl):
            bad.append(f"{k}: status {x['status']} is not the documented status of the level")

    for i, p, y, e in shares:
        expect((i, p, y), e)
    absurd = (B(hd, "region", 2031) - real[(hd, "region", 2031)]) / (B(hd, "region", 2031) - P(hd, "region", 2031))
    expect((hd, "region", 2031), absurd)
    expect(("population", "GM0917", 2025), None)
    sub = (hd, "Westelijke Mijnstreek", 2027)
    expect(sub, 0.9)
    for x in wm:
        expect((hd, x, 2027), 0.9)
    check(not bad, "effect: baseline (the baseline scenario summed as planned is; 0 for participants) and "
          "effect_realised of every case equal the hand values; the status is the documented one", "; ".join(bad))
    check(by[(hd, "region", 2031)]["status"] == "ahead" and absurd > 5,
          f"effect: 30 % fewer hospital days than planned is 'ahead', and {absurd:.1f} times the plan's change")
    check(by[(hd, "region", 2030)]["status"] == "on_track" and float(by[(hd, "region", 2030)]["realised"]) > B(hd, "region", 2030),
          "effect: hospital days above the baseline are 'on track' (the level), effect_realised -0.5 (the change)")
    check(by[sub]["realised_from"] == "areas" and close(float(by[sub]["baseline"]), math.fsum(B(hd, x, 2027) for x in wm)),
          "effect: a subregion summed from its areas has the sum of their baselines")
    ms = by.get(("participants:acp", "region", 2027), {})
    check(ms.get("status") == "no_actuals" and ms.get("baseline") == "0" and ms.get("effect_realised") == "",
          "effect: a milestone without realised has baseline 0 and no effect_realised", str(ms))
    pop = by[("population", "GM0917", 2025)]
    check(pop["baseline"] == pop["planned"] and pop["effect_realised"] == "",
          "effect: the population of 2025, which the plan does not move: baseline = planned, no effect_realised")

    # the terminal: the column as a %, ! beyond the baseline, ? beyond 5 times the change, and the notes
    want = {(i, p, y): e for i, p, y, e in shares}
    want[(hd, "region", 2031)] = absurd
    want[sub] = 0.9
    label = lambda p, nl: ("regio" if nl else "region") if p == "region" else (t.name[p] if p in t.name else p)
    for lang in ("en", "nl"):
        nl = lang == "nl"
        r = cs("monitor", "status", PLAN, "--db", db, "--lang", lang)
        cells = effect_cells(r.stdout)
        bad = []
        for (i, p, y), e in want.items():
            txt, marks = cells.get((i, label(p, nl), y), (None, None))
            if txt is None:
                bad.append(f"{i} {p} {y}: no effect printed")
                continue
            dec = len(txt.split("," if nl else ".")[1]) if ("," if nl else ".") in txt else 0
            if abs(printed_number(txt, nl) - 100 * e) > 0.5 * 10 ** -dec + 1e-9:
                bad.append(f"{i} {p} {y}: {txt} %, expected {100 * e}")
            if marks != ("!" if e < 0 else "") + ("?" if abs(e) > 5 else ""):
                bad.append(f"{i} {p} {y}: marks {marks!r}")
        pop_cell = cells.get(("population", label("GM0917", nl), 2025))
        check(not bad and pop_cell == (None, ""), f"effect ({lang}): the column prints 100 x effect_realised as a %, "
              "marked ! below 0 and ? beyond -/+ 500 %; '-' without", "; ".join(bad) + str(pop_cell))
        head = "van het effect van het plan" if nl else "of the plan's effect"
        check(r.stdout.count(head) >= 2, f"effect ({lang}): the column's heading and the note on what it means")
        worse = notes(r.stdout, "! gerealiseerd is slechter dan zonder het plan" if nl else "! realised is worse than without the plan")
        other = notes(r.stdout, "! gerealiseerd ligt voorbij het basispad" if nl else "! realised lies beyond the baseline, on the other side")
        odd = notes(r.stdout, "? onwaarschijnlijk" if nl else "? implausible")
        rows_of = lambda ls: sorted((l.split()[1], int(l.split()[0])) for l in ls)
        check(rows_of(worse) == sorted([(hd, 2030), ("supply_fte:vvt", 2028)])
              and rows_of(other) == [("units:district_nursing_hour", 2028)] and rows_of(odd) == [(hd, 2031)],
              f"effect ({lang}): a note lists the rows worse than without the plan (hospital days 2030, vvt staff), "
              "the neutral one that went the other way (district nursing) and the implausible one (hospital days 2031)",
              f"{worse} {other} {odd}")
        if not nl:
            b, p_, rl = B(hd, "region", 2030), P(hd, "region", 2030), real[(hd, "region", 2030)]
            line = f"  2030  {hd}  region: baseline {en_num(b)}, planned {en_num(p_)}, realised {en_num(rl)}: -50.0 %"
            check(line in worse, "effect: the note's line gives baseline, planned, realised and the effect", f"{line!r} not in {worse}")
    # no effect in any row: no note
    r = cs("monitor", "status", PLAN, "--db", db, "--year", "2025")
    check(r.returncode == 0 and "of the plan's effect:" not in r.stdout and "! " not in r.stdout,
          "effect: without a row of the plan's effect, no note", r.stdout[-400:])


def test_year_and_dir(tmp, run0):
    """7 and 8: --year outside the plan or given twice; a directory as the actuals file."""
    db = os.path.join(run0, "results.db")
    twice = [os.path.join(tmp, n) for n in ("twice-a.csv", "twice-b.csv")]
    for args, msg in ((["--year", "2041"], "--year 2041 is outside the plan's years (expected 2024 to 2040)"),
                      (["--year", "2023"], "--year 2023 is outside the plan's years (expected 2024 to 2040)"),
                      (["--year", "2025", "--year", "2026"], "--year given twice (expected it once)"),
                      (["--csv", twice[0], "--csv", twice[1]], "--csv given twice (expected it once)"),
                      (["--year", "0"], "--year '0' is not valid")):
        r = cs("monitor", "status", PLAN, "--db", db, *args)
        check(r.returncode == 2 and f"careshift monitor status: {msg}" in r.stderr and not any(map(os.path.exists, twice)),
              f"status {' '.join(os.path.basename(x) for x in args)}: exit 2, {msg}", r.stderr)
    r = cs("monitor", "import", PLAN, tmp, "--db", db)
    check(r.returncode == 3 and f"{tmp}: is a directory (expected a CSV file)" in r.stderr,
          "import of a directory: 'is a directory (expected a CSV file)', exit 3", r.stderr)

def main():
    tmp = tempfile.mkdtemp(prefix="cs-monitor-")
    try:
        run0, run20, run1 = (os.path.join(tmp, n) for n in ("run", "run20", "run-import"))
        for out, extra in ((run0, []), (run20, ["--draws", "20"]), (run1, [])):
            r = subprocess.run([CS, "run", PLAN, "--out", out, *RUN_OPTS, *extra], capture_output=True, text=True)
            if not check(r.returncode == 0, f"careshift run {' '.join(extra) or '(deterministic)'}", r.stderr):
                return
        t = Tables(run0)
        test_cli()
        scratch = os.path.join(tmp, "validation.db")
        shutil.copy(os.path.join(run0, "results.db"), scratch)
        test_import_validation(tmp, scratch)
        test_not_a_run(tmp)
        test_import_store(tmp, run1)
        test_status_no_psa(tmp, t, run0)
        test_status_psa(tmp, t, run20)
        test_example_actuals(tmp, run0)
        guarded(test_csv_target, tmp, run0)
        guarded(test_locked, tmp, run0)
        scratch = os.path.join(tmp, "values-base.db")
        shutil.copy(os.path.join(run0, "results.db"), scratch)
        guarded(test_values, tmp, scratch)
        guarded(test_reforecast_warning, tmp, run0)
        guarded(test_milestones_met, tmp, t, run0)
        guarded(test_band_and_pct, tmp, t, run0, run20)
        guarded(test_effect, tmp, t, run0)
        guarded(test_year_and_dir, tmp, run0)
        test_rerun_drops(tmp, run1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
