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

usage: test_monitor.py CARESHIFT_BINARY       prints `N passed, M failed`; exit 1 on failure
"""
import csv
import fcntl
import hashlib
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

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
          "difference,difference_pct,status,realised_from,source", "monitoring.csv: its columns", header)


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
        test_rerun_drops(tmp, run1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
