#!/usr/bin/env python3
"""End-to-end attacks on `careshift run PLAN --out DIR`, as a hostile or careless user would
make them, against the promise: nothing lost, nothing half-written, nothing hangs.

  - DIR must be new, empty, or written by careshift (its .careshift-manifest, or a careshift 0.1
    directory: run.log starting with "plan:" and only output names); anything else is refused
    with exit 3 ("careshift did not write") and nothing in it changes;
  - a run is written into a private sibling .NAME.careshift-XXXXXX and swapped in at once;
    the old run's files go, so no stale table of an earlier run stays;
  - DIR is locked for the whole run ("another careshift run is writing", exit 3, at once);
    concurrent runs leave one consistent run;
  - private directories of killed runs are removed by the next run, never through a symlink;
  - SIGINT/SIGTERM: exit 130 within seconds, DIR byte-for-byte as before, nothing private left;
  - an unusable --out fails with exit 3 before anything is computed and creates nothing;
  - the same plan gives byte-identical files (run.log differs only in its time: line);
  - a full file system fails with exit 3 and keeps the previous run;
  - DIR keeps its permissions (and owner and group).

usage: test_outputs.py CARESHIFT_BINARY   (env CS_SRCDIR: the repository root)

Prints PASS name / FAIL name: why / SKIP name: why per case, KNOWN name: ... for known
problems the lead should see that do not fail the case, and ends with `N passed, M failed`.
Cases that need mount(2) (tmpfs: full disk, read-only, a mount point) or chown are skipped
when not permitted. Every subprocess runs under a timeout: a hang is a failure.
"""
import contextlib
import csv
import fcntl
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY_DIR = os.path.join(ROOT, "tests", "data", "tiny")
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
TIMEOUT = 120     # any careshift run; longer is a hang
QUICK = 20        # a run that must answer at once (refusals on the tiny plan)
EARLY = 2.0       # an unusable --out fails within this, even with --draws 400 of the example
PROMPT = 5.0      # SIGINT/SIGTERM: exit within this
MANIFEST = ".careshift-manifest"
PSA_FILES = ("psa_draws.csv", "psa_summary.csv", "psa_probabilities.csv", "ceac.csv", "tornado.csv")
PRIVATE = re.compile(r"^\..*\.careshift-[A-Za-z0-9]{6}$")

BIN = None
CTX = {}           # reference runs, made once
CASES = []
KNOWN = []         # notes of the current case
totals = {"passed": 0, "failed": 0, "skipped": 0}


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def case(fn):
    CASES.append(fn)
    return fn


def known(msg):
    KNOWN.append(msg)


class Expect:
    """Collects every unmet expectation of a case (need() stops the case at once)."""

    def __init__(self):
        self.why = []

    def __call__(self, ok, why):
        if not ok:
            self.why.append(why)
        return ok

    def need(self, ok, why):
        if not ok:
            self.why.append(why)
            raise Fail("; ".join(self.why))

    def done(self):
        if self.why:
            raise Fail("; ".join(self.why))


# ---------------------------------------------------------------- processes

def start(args, cwd=None, shapley=False, **kw):
    """careshift ARGS in its own session (so a hang can be killed with all its threads). Runs
    of the example skip the Shapley runs per intervention (about 10 s of model runs that the
    file-system cases do not need) unless shapley is set."""
    if not shapley and args[:1] == ["run"] and EXAMPLE in args:
        args = [*args, "--no-intervention-shapley"]
    return subprocess.Popen([BIN, *args], cwd=cwd, stdout=kw.pop("stdout", subprocess.PIPE),
                            stderr=kw.pop("stderr", subprocess.PIPE), text=True, umask=0o022,
                            start_new_session=True, **kw)


def finish(p, timeout=TIMEOUT):
    """Waits for p; returns (returncode, stdout, stderr, seconds since call). A hang is a Fail."""
    t0 = time.monotonic()
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise Fail(f"hangs: no exit within {timeout} s (killed)")
    return p.returncode, out or "", err or "", time.monotonic() - t0


def cs(*args, timeout=TIMEOUT, cwd=None, **kw):
    """Runs careshift ARGS; returns (rc, stdout, stderr, seconds)."""
    t0 = time.monotonic()
    rc, out, err, _ = finish(start(list(args), cwd=cwd, **kw), timeout)
    return rc, out, err, time.monotonic() - t0


def run_plan(plan, out, *opts, timeout=TIMEOUT, cwd=None):
    return cs("run", plan, "--out", out, "--quiet", *opts, timeout=timeout, cwd=cwd)


def sh(*args, timeout=60):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


def first_line(s):
    s = s.strip()
    return (s.splitlines() or [""])[0][:300]


# ---------------------------------------------------------------- file system views

def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def snapshot(top):
    """Every entry under top, hidden ones too, with type, permissions and content hash or link
    target (FIFOs are never opened). A missing top is {}."""
    snap = {}
    if not os.path.lexists(top):
        return snap

    def one(rel, path):
        st = os.lstat(path)
        m = st.st_mode
        if stat.S_ISLNK(m):
            snap[rel] = ("link", os.readlink(path))
        elif stat.S_ISREG(m):
            snap[rel] = ("file", stat.S_IMODE(m), sha(path))
        elif stat.S_ISDIR(m):
            snap[rel] = ("dir", stat.S_IMODE(m))
            for n in sorted(os.listdir(path)):
                one(os.path.join(rel, n), os.path.join(path, n))
        else:
            snap[rel] = ("other", stat.S_IFMT(m), stat.S_IMODE(m))
    one(".", top)
    return snap


def snap_diff(a, b):
    """A short description of how two snapshots differ ('' when equal)."""
    if a == b:
        return ""
    gone = sorted(set(a) - set(b))
    new = sorted(set(b) - set(a))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    parts = []
    if gone:
        parts.append("gone: " + ", ".join(gone[:5]))
    if new:
        parts.append("new: " + ", ".join(new[:5]))
    if changed:
        parts.append("changed: " + ", ".join(changed[:5]))
    return "; ".join(parts)


def privates(parent):
    """Private run directories (.NAME.careshift-XXXXXX) in parent."""
    try:
        return sorted(n for n in os.listdir(parent) if PRIVATE.match(n))
    except FileNotFoundError:
        return []


def private_of(out):
    parent, base = os.path.split(os.path.abspath(out))
    pat = re.compile(r"^\." + re.escape(base) + r"\.careshift-[A-Za-z0-9]{6}$")
    return [os.path.join(parent, n) for n in privates(parent) if pat.match(n)]


def log_lines(path):
    with open(path, errors="replace") as f:
        return [ln for ln in f.read().splitlines() if not ln.startswith("time:")]


def plan_line(out):
    try:
        with open(os.path.join(out, "run.log"), errors="replace") as f:
            return f.readline().strip()
    except OSError as e:
        return f"<no run.log: {e.strerror}>"


def same_run(d, ref):
    """'' when directory d holds exactly the files of reference run ref, byte for byte (run.log
    apart from its time: line); else what differs."""
    if not os.path.isdir(d):
        return f"{d} is not a directory"
    a, b = sorted(os.listdir(d)), sorted(os.listdir(ref))
    if a != b:
        extra, missing = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        return f"files differ from the reference run (extra {extra[:6]}, missing {missing[:6]})"
    for n in b:
        p, q = os.path.join(d, n), os.path.join(ref, n)
        if not os.path.isfile(p) or os.path.islink(p):
            return f"{n} is not a regular file"
        if n == "run.log":
            if log_lines(p) != log_lines(q):
                return "run.log differs beyond its time: line"
        elif sha(p) != sha(q):
            return f"{n} differs from the reference run{xlsx_diff(p, q) if n.endswith('.xlsx') else ''}"
    return ""


def xlsx_diff(p, q):
    """Which members of two workbooks differ, with their sizes (an empty string if unreadable)."""
    import zipfile
    try:
        a, b = zipfile.ZipFile(p), zipfile.ZipFile(q)
        out = []
        for n in b.namelist():
            x = a.read(n) if n in a.namelist() else b""
            y = b.read(n)
            if x != y:
                rows = f", {x.count(b'<row ')} of {y.count(b'<row ')} rows" if b"<row " in y else ""
                out.append(f"{n}: {len(x)} of {len(y)} bytes{rows}")
        return " (" + "; ".join(out[:3]) + ")" if out else ""
    except Exception as x:  # a broken zip says so
        return f" (unreadable: {x})"


def manifest_ok(d):
    """'' when the manifest lists exactly the other files of d."""
    try:
        with open(os.path.join(d, MANIFEST)) as f:
            listed = sorted(ln for ln in f.read().splitlines() if ln)
    except OSError as e:
        return f"no readable manifest ({e.strerror})"
    present = sorted(n for n in os.listdir(d) if n != MANIFEST)
    if listed != present:
        return f"manifest lists {sorted(set(listed) ^ set(present))[:6]} differently from the directory"
    return ""


def copy_tiny(dst):
    shutil.copytree(TINY_DIR, dst)
    return os.path.join(dst, "plan.yaml")


def make_variant(dst):
    """The tiny plan under another name with a later horizon: other run.log, other row counts."""
    plan = copy_tiny(dst)
    with open(plan) as f:
        text = f.read()
    text2 = text.replace("name: Tiny plan", "name: Tiny plan B").replace("horizon: 2030", "horizon: 2034")
    if text2 == text:
        raise Fail("cannot make the variant plan (tests/data/tiny/plan.yaml changed)")
    with open(plan, "w") as f:
        f.write(text2)
    return plan


def prior_run(out, which="A"):
    """DIR holding the reference run `which` (copied, so the case does not depend on a run)."""
    shutil.copytree(CTX["ref" + which], out)
    os.chmod(out, 0o755)
    return out


def wait_for(pred, timeout, proc=None, step=0.005):
    """Polls pred() until true (True) or timeout / proc exit (False)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if pred():
            return True
        if proc is not None and proc.poll() is not None:
            return bool(pred())
        time.sleep(step)
    return False


OWN_NAME = re.compile(r"^([a-z_]+\.(csv|db|xlsx)|run\.log|report\.html|\.careshift-manifest)(\.tmp\.\d+)?$")


def helper_temps(out):
    """Files in out's private directories that are not careshift's own names (NAME or
    NAME.tmp.PID): temporary files of the libraries (libxlsxwriter, SQLite)."""
    odd = []
    for p in private_of(out):
        with contextlib.suppress(OSError):
            odd += [n for n in os.listdir(p) if not OWN_NAME.match(n)]
    return odd


def files_in_private(out):
    n = 0
    for p in private_of(out):
        with contextlib.suppress(OSError):
            n += len(os.listdir(p))
    return n


@contextlib.contextmanager
def tmpfs(path, opts):
    os.makedirs(path, exist_ok=True)
    try:
        r = sh("mount", "-t", "tmpfs", "-o", opts, "tmpfs", path)
    except (OSError, subprocess.SubprocessError) as e:
        raise Skip(f"cannot mount a tmpfs: {e}")
    if r.returncode != 0:
        raise Skip(f"cannot mount a tmpfs ({first_line(r.stderr) or 'not permitted'})")
    try:
        yield path
    finally:
        if sh("umount", path).returncode != 0:
            sh("umount", "-l", path)


# ---------------------------------------------------------------- the reference runs

def setup(tmp):
    """Reference runs of plan A (the tiny plan) and plan B (a variant), made once."""
    a = copy_tiny(os.path.join(tmp, "planA"))
    b = make_variant(os.path.join(tmp, "planB"))
    CTX.update(planA=a, planB=b)
    for name, plan, opts in (("refA", a, []), ("refB", b, []), ("refB5", b, ["--draws", "5", "--seed", "3"]),
                             ("refAd", a, ["--detail", "--draws", "5", "--seed", "3"])):
        out = os.path.join(tmp, "refs", name)
        rc, _, err, _ = run_plan(plan, out, *opts)
        if rc != 0:
            raise Fail(f"reference run {name} exits {rc}: {first_line(err)}")
        CTX[name] = out
    if plan_line(CTX["refA"]) == plan_line(CTX["refB"]):
        raise Fail("plans A and B have the same run.log plan line")
    CTX["optsB5"] = ["--draws", "5", "--seed", "3"]


def count_rows(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


# ================================================================ cases: layout and determinism

@case
def fresh_run_layout(t):
    """A new DIR: the outputs and a manifest listing exactly them, nothing private left, the
    directory 0755 and the files 0644 under umask 022 (not the private 0700/0600)."""
    e = Expect()
    out = os.path.join(t, "new", "out")
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e.need(rc == 0, f"run exits {rc}: {first_line(err)}")
    e(not manifest_ok(out), manifest_ok(out))
    e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e(not privates(os.path.dirname(out)), f"private directories left: {privates(os.path.dirname(out))}")
    mode = stat.S_IMODE(os.stat(out).st_mode)
    e(mode == 0o755, f"new DIR has mode {mode:04o}, expected 0755 under umask 022 (not 0700)")
    bad = [f"{n} {stat.S_IMODE(os.stat(os.path.join(out, n)).st_mode):04o}" for n in os.listdir(out)
           if stat.S_IMODE(os.stat(os.path.join(out, n)).st_mode) != 0o644]
    e(not bad, f"files not 0644 under umask 022: {bad[:5]}")
    e(not [n for n in os.listdir(out) if ".tmp" in n], "temporary files left in DIR")
    e.done()


@case
def deterministic_outputs(t):
    """Same plan twice (two differently named dirs, and a rerun into the same dir): every file
    byte-identical, business_case.xlsx and the manifest included; run.log only in time:."""
    e = Expect()
    for plan, opts, label in ((CTX["planA"], ["--detail", "--draws", "5", "--seed", "3"], "tiny --detail --draws 5"),
                              (EXAMPLE, [], "example")):
        d1, d2 = os.path.join(t, "first run"), os.path.join(t, "second-ü")
        for d in (d1, d2):
            shutil.rmtree(d, ignore_errors=True)
            rc, _, err, _ = run_plan(plan, d, *opts)
            e.need(rc == 0, f"{label}: run exits {rc}: {first_line(err)}")
        diff = same_run(d2, d1)
        e(not diff, f"{label}: two runs differ: {diff}")
        with open(os.path.join(d1, "run.log")) as f1, open(os.path.join(d2, "run.log")) as f2:
            l1, l2 = f1.read().splitlines(), f2.read().splitlines()
        e(len(l1) == len(l2) and all(a == b or (a.startswith("time:") and b.startswith("time:"))
                                     for a, b in zip(l1, l2)), f"{label}: run.log differs beyond its time: line")
        before = {n: sha(os.path.join(d1, n)) for n in os.listdir(d1) if n != "run.log"}
        rc, _, err, _ = run_plan(plan, d1, *opts)
        e.need(rc == 0, f"{label}: rerun exits {rc}: {first_line(err)}")
        after = {n: sha(os.path.join(d1, n)) for n in os.listdir(d1) if n != "run.log"}
        e(before == after, f"{label}: a rerun into the same DIR changes "
                           f"{sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))[:5]}")
    e.done()


@case
def text_round_trip(t):
    """Names with commas, quotes and a line break, one longer than the CSV writer's row buffer
    (4 KiB) and one short, come back exactly from the CSV files (quoted, quotes doubled) and
    from results.db; an area name with a comma and quotes goes through one of results.db's
    16-row INSERTs (the example's 16 areas). Every table of both runs has the same cells in the
    CSV file and in results.db, row by row and column by column (numbers to the bit)."""
    e = Expect()
    plan = copy_tiny(os.path.join(t, "plan"))
    long_name = 'Lang, "thuis"\n' * 400  # about 5.6 KiB, doubled quotes about 6.4 KiB
    short_name = 'Huis, "arts"'
    with open(plan) as f:
        text = f.read()
    text2 = text.replace("name: Langer thuis", "name: " + yaml_str(long_name))
    text3 = text2.replace("name: Huisarts,", "name: " + yaml_str(short_name) + ",")
    e.need(text != text2 != text3, "cannot rename the theme and the sector (tests/data/tiny/plan.yaml changed)")
    with open(plan, "w") as f:
        f.write(text3)
    ex = os.path.join(t, "example")
    shutil.copytree(os.path.dirname(EXAMPLE), ex)
    area_name = 'Sittard, "Geleen"'
    with open(os.path.join(ex, "areas.csv"), encoding="utf-8") as f:
        areas = f.read()
    areas2 = areas.replace(",Sittard-Geleen,", ',"Sittard, ""Geleen""",')
    e.need(areas2 != areas, "cannot rename an area (examples/zuid-limburg/areas.csv changed)")
    with open(os.path.join(ex, "areas.csv"), "w", encoding="utf-8") as f:
        f.write(areas2)
    runs = ((plan, os.path.join(t, "out"), ()),
            (os.path.join(ex, "plan.yaml"), os.path.join(t, "out-example"), ("--no-intervention-shapley",)))
    for p, out, opts in runs:
        rc, _, err, _ = run_plan(p, out, *opts)
        e.need(rc == 0, f"{p}: run exits {rc}: {first_line(err)}")
    for out, table, col, want in ((runs[0][1], "themes", "name", long_name),
                                  (runs[0][1], "sectors", "name", short_name),
                                  (runs[1][1], "areas", "name", area_name)):
        with open(os.path.join(out, table + ".csv"), newline="", encoding="utf-8") as f:
            names = [r.get(col) or "" for r in csv.DictReader(f)]  # (a broken row: None)
        e(want in names, f"{table}.csv: the name does not come back ({[n[:40] for n in names]})")
    for _, out, _ in runs:
        for what in csv_db_differences(out):
            e(False, f"{os.path.basename(out)}: {what}")
    e.done()


def csv_db_differences(out):
    """Where a CSV table of run out and its table in results.db differ: row count, or a cell
    (text equal, integers equal, reals equal to the bit, an empty cell NULL)."""
    diffs = []
    db = sqlite3.connect(os.path.join(out, "results.db"))
    try:
        for name in sorted(os.listdir(out)):
            if not name.endswith(".csv"):
                continue
            table = name[:-4]
            types = [r[2] for r in db.execute(f'PRAGMA table_info("{table}")')]
            with open(os.path.join(out, name), newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))[1:]
            got = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            if len(rows) != len(got) or not types:
                diffs.append(f"{name}: {len(rows)} CSV rows, {len(got)} in results.db")
                continue
            for i, (r, g) in enumerate(zip(rows, got)):
                cells = [None if c == "" else int(c) if ty == "INTEGER" else float(c) if ty == "REAL" else c
                         for c, ty in zip(r, types)]
                if cells != list(g):
                    diffs.append(f"{name}: row {i + 1}: CSV {r} against results.db {list(g)}")
                    break
    finally:
        db.close()
    return diffs


def yaml_str(s):
    """s as a double-quoted YAML scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@case
def rerun_drops_stale_psa(t):
    """--draws then a plain run: no psa_*.csv, ceac.csv or tornado.csv (nor their SQLite tables)."""
    e = Expect()
    out = os.path.join(t, "out")
    rc, _, err, _ = run_plan(CTX["planA"], out, "--draws", "5")
    e.need(rc == 0, f"--draws run exits {rc}: {first_line(err)}")
    e.need(all(os.path.exists(os.path.join(out, f)) for f in PSA_FILES), "the --draws run wrote no PSA tables")
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e.need(rc == 0, f"plain rerun exits {rc}: {first_line(err)}")
    stale = [f for f in PSA_FILES if os.path.exists(os.path.join(out, f))]
    e(not stale, f"stale PSA tables left: {stale}")
    e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e(not manifest_ok(out), manifest_ok(out))
    db = sqlite3.connect(os.path.join(out, "results.db"))
    tabs = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    e(not tabs & {"psa_draws", "psa_summary", "psa_probabilities", "ceac", "tornado"},
      f"results.db keeps PSA tables {sorted(tabs & {'psa_draws', 'psa_summary', 'ceac', 'tornado'})}")
    e.done()


@case
def rerun_drops_stale_detail(t):
    """--detail then a plain run: no population.csv left."""
    e = Expect()
    out = os.path.join(t, "out")
    rc, _, err, _ = run_plan(CTX["planA"], out, "--detail")
    e.need(rc == 0 and os.path.exists(os.path.join(out, "population.csv")), f"--detail run: rc {rc} {first_line(err)}")
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e.need(rc == 0, f"plain rerun exits {rc}: {first_line(err)}")
    e(not os.path.exists(os.path.join(out, "population.csv")), "stale population.csv left")
    e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e.done()


@case
def rerun_other_plan(t):
    """Plan A then plan B into one DIR: DIR is plan B's run and nothing of A."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"), "Ad")
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e.need(rc == 0, f"run exits {rc}: {first_line(err)}")
    e(not same_run(out, CTX["refB"]), same_run(out, CTX["refB"]))
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


# ================================================================ cases: refusing what is not careshift's

def expect_refused(e, out, snap_dir, what, plan=None, opts=(), cwd=None, fast=True, watch=None):
    """Runs into out; expects exit 3 with 'careshift did not write', no change under snap_dir
    (and watch), no private directory, and (fast) an answer before any draw is computed."""
    plan = plan or EXAMPLE
    opts = list(opts) or (["--draws", "400"] if plan == EXAMPLE else [])
    watch = watch or os.path.dirname(os.path.abspath(os.path.join(cwd or ".", out)))
    before, wbefore = snapshot(snap_dir), snapshot(watch)
    rc, _, err, secs = run_plan(plan, out, *opts, cwd=cwd, timeout=TIMEOUT)
    e(rc == 3, f"{what}: exit {rc}, expected 3 ({first_line(err)})")
    e("careshift did not write" in err, f"{what}: message lacks 'careshift did not write': {first_line(err)!r}")
    d = snap_diff(before, snapshot(snap_dir))
    e(not d, f"{what}: the directory changed ({d})")
    d = snap_diff(wbefore, snapshot(watch))
    e(not d, f"{what}: its parent changed ({d})")
    if fast:
        e(secs < EARLY, f"{what}: refused only after {secs:.1f} s (expected before any draw, < {EARLY} s)")


@case
def refuse_plan_folder(t):
    """--out the plan's own folder (by path, as '.', and via a symlink): refused, untouched."""
    e = Expect()
    folder = os.path.join(t, "myplan")
    plan = copy_tiny(folder)
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("my notes\n")
    expect_refused(e, folder, folder, "--out PLANFOLDER (example --draws 400)")
    expect_refused(e, folder, folder, "--out PLANFOLDER (its own plan)", plan=plan)
    expect_refused(e, ".", folder, "--out . in the plan folder", plan="plan.yaml", cwd=folder)
    os.symlink(folder, os.path.join(t, "link"))
    expect_refused(e, os.path.join(t, "link"), folder, "--out SYMLINK-TO-PLANFOLDER", watch=t)
    e.done()


@case
def refuse_parent_of_plan(t):
    """--out the folder that holds the plan's folder: refused, nothing changes anywhere."""
    e = Expect()
    proj = os.path.join(t, "project")
    copy_tiny(os.path.join(proj, "plan"))
    expect_refused(e, proj, proj, "--out PROJECT (holds plan/)")
    e.done()


@case
def refuse_foreign_entries(t):
    """A careshift DIR plus one thing careshift did not write (a note, a subfolder, a hidden
    file, an office lock file, a renamed copy, a symlink, a FIFO): refused, nothing changes."""
    e = Expect()
    variants = {
        "notes.txt": lambda p: open(p, "w").write("mine\n"),
        "archive": lambda p: (os.mkdir(p), open(os.path.join(p, "old.csv"), "w").write("x\n")),
        ".DS_Store": lambda p: open(p, "wb").write(b"\0\0\0\1Bud1"),
        ".~lock.business_case.xlsx#": lambda p: open(p, "w").write("me,host;\n"),
        "care (1).csv": lambda p: shutil.copy(os.path.join(CTX["refA"], "care.csv"), p),
        "link-to-notes": lambda p: os.symlink("/etc/hostname", p),
        "pipe": lambda p: os.mkfifo(p),
    }
    for i, (name, make) in enumerate(variants.items()):
        out = prior_run(os.path.join(t, f"out{i}"))
        make(os.path.join(out, name))
        expect_refused(e, out, out, f"DIR with {name!r}", plan=CTX["planA"], fast=False)
    e.done()


@case
def refuse_before_loading_nothing_created(t):
    """An invalid plan (exit 1) into a new DIR or into the plan folder: nothing created or changed."""
    e = Expect()
    folder = os.path.join(t, "bad")
    plan = copy_tiny(folder)
    with open(plan, "a") as f:
        f.write("years: [this is not valid\n")
    before = snapshot(t)
    rc, _, err, _ = run_plan(plan, os.path.join(t, "new", "out"))
    e(rc == 1, f"invalid plan into a new DIR exits {rc}, expected 1 ({first_line(err)})")
    rc, _, err, _ = run_plan(plan, folder)
    e(rc == 1, f"invalid plan into its folder exits {rc}, expected 1 ({first_line(err)})")
    d = snap_diff(before, snapshot(t))
    e(not d, f"something was created or changed: {d}")
    e.done()


# ================================================================ cases: careshift 0.1 directories

def legacy(out, which="A"):
    """A careshift 0.1 directory: the outputs and run.log, no manifest."""
    prior_run(out, which)
    os.unlink(os.path.join(out, MANIFEST))
    with open(os.path.join(out, "run.log")) as f:
        if not f.read().startswith("plan:"):
            raise Fail("run.log of a run does not start with 'plan:'")
    return out


@case
def legacy_accepted(t):
    """A careshift 0.1 directory (with PSA tables) is rerun without --draws: accepted, and no
    0.1 file is left."""
    e = Expect()
    out = legacy(os.path.join(t, "out"), "Ad")
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e.need(rc == 0, f"run into a 0.1 directory exits {rc}: {first_line(err)}")
    e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


@case
def legacy_with_foreign_refused(t):
    """A 0.1 directory plus notes.txt, or one whose run.log is not careshift's: refused, untouched."""
    e = Expect()
    out = legacy(os.path.join(t, "a"))
    with open(os.path.join(out, "notes.txt"), "w") as f:
        f.write("mine\n")
    expect_refused(e, out, out, "0.1 directory with notes.txt", plan=CTX["planA"], fast=False)
    out = legacy(os.path.join(t, "b"))
    with open(os.path.join(out, "run.log"), "w") as f:
        f.write("my own log of what I did\n")
    expect_refused(e, out, out, "outputs beside a run.log careshift did not write", plan=CTX["planA"], fast=False)
    e.done()


@case
def legacy_leftover_temp_accepted(t):
    """A 0.1 run that was killed leaves NAME.tmp.PID files (0.1 wrote every table to
    NAME.tmp.PID, see git show HEAD:src/io/output.c). careshift wrote them: the directory is
    accepted and the leftovers are gone afterwards."""
    e = Expect()
    out = legacy(os.path.join(t, "out"))
    shutil.copy(os.path.join(out, "care.csv"), os.path.join(out, "care.csv.tmp.4242"))
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e(rc == 0, f"exit {rc}, expected 0: {first_line(err)}")
    e(not os.path.exists(os.path.join(out, "care.csv.tmp.4242")), "the 0.1 leftover care.csv.tmp.4242 is still there")
    e.done()


# ================================================================ cases: locking and concurrency

@case
def lock_held_refused_at_once(t):
    """While DIR is flock()ed (as a running careshift holds it): exit 3 at once with 'another
    careshift run is writing', DIR unchanged, and the lock holder's private directory untouched."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    live = os.path.join(t, ".out.careshift-Ab12Cd")   # the lock holder's work in progress
    os.mkdir(live, 0o700)
    with open(os.path.join(live, "care.csv.tmp.99999"), "w") as f:
        f.write("half")
    link = os.path.join(t, "link")
    os.symlink(out, link)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for target, what in ((out, "DIR"), (link, "a symlink to DIR")):
            before = snapshot(t)
            rc, _, err, secs = run_plan(EXAMPLE, target, "--draws", "400")
            e(rc == 3, f"{what}: exit {rc}, expected 3 ({first_line(err)})")
            e("another careshift run is writing" in err, f"{what}: message {first_line(err)!r}")
            e(secs < EARLY, f"{what}: answered after {secs:.1f} s, expected at once (< {EARLY} s)")
            d = snap_diff(before, snapshot(t))
            e(not d, f"{what}: something changed while locked ({d})")
    finally:
        os.close(fd)
    e.done()


@case
def concurrent_long_and_short(t):
    """A long run is writing DIR; a second run into it fails at once with exit 3; the long run
    completes and DIR is its run, whole."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    ref = os.path.join(t, "ref-example")
    opts = ["--draws", "40", "--no-tornado"]
    rc, _, err, _ = run_plan(EXAMPLE, ref, *opts)
    e.need(rc == 0, f"reference example run exits {rc}: {first_line(err)}")
    p = start(["run", EXAMPLE, "--out", out, "--quiet", *opts])
    try:
        e.need(wait_for(lambda: private_of(out), 30, p), "the long run never made its private directory")
        rc2, _, err2, secs = run_plan(CTX["planB"], out, timeout=QUICK)
        e(rc2 == 3 and "another careshift run is writing" in err2,
          f"second run: exit {rc2}, expected 3 with 'another careshift run is writing' ({first_line(err2)})")
        e(secs < EARLY, f"second run answered after {secs:.1f} s (expected at once)")
    finally:
        rc, _, err, _ = finish(p)
    e(rc == 0, f"the long run exits {rc}: {first_line(err)}")
    e(not same_run(out, ref), f"after both: {same_run(out, ref)}")
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


def concurrent_round(e, out, plans, label):
    ps = [start(["run", plan, "--out", out, "--quiet", *opts]) for plan, opts in plans]
    results = [finish(p) for p in ps]
    ok = 0
    for (rc, _, err, _), (plan, _) in zip(results, plans):
        if rc == 0:
            ok += 1
        else:
            e(rc == 3 and "another careshift run is writing" in err,
              f"{label}: a run exits {rc} ({first_line(err)!r}); only exit 3 'another careshift run is writing' is allowed")
    e(ok >= 1, f"{label}: every run failed")
    got = [name for name in ("refA", "refB", "refB5") if not same_run(out, CTX[name])]
    e(len(got) == 1, f"{label}: DIR is not one consistent run (plan line {plan_line(out)!r}; "
                     f"{same_run(out, CTX['refA'])} / {same_run(out, CTX['refB'])})")
    e(not privates(os.path.dirname(out)), f"{label}: private directories left: {privates(os.path.dirname(out))}")
    return ok


@case
def concurrent_two_plans(t):
    """Two different plans started together into one DIR, 12 times (new DIR and rerun): at most
    one fails (exit 3, 'another careshift run'); DIR is then ONE run, whole."""
    e = Expect()
    out = os.path.join(t, "out")
    for i in range(12):
        if i % 4 == 0:
            shutil.rmtree(out, ignore_errors=True)
        plans = [(CTX["planA"], []), (CTX["planB"], [])]
        ok = concurrent_round(e, out, plans if i % 2 else plans[::-1], f"round {i}")
        e(ok >= 1, f"round {i}: both runs failed")
    e.done()


@case
def concurrent_new_dir(t):
    """Three runs started together into a DIR that does not exist yet, 10 times: the one that
    made DIR but lost the lock must not remove it under the winner (once, both failed and DIR
    was gone): one run always lands, whole."""
    e = Expect()
    out = os.path.join(t, "out")
    for i in range(10):
        shutil.rmtree(out, ignore_errors=True)
        plans = [(CTX["planA"], []), (CTX["planB"], []), (CTX["planA"], [])]
        ok = concurrent_round(e, out, plans, f"round {i}")
        e(ok >= 1, f"round {i}: every run failed")
    e.done()


@case
def concurrent_stress(t):
    """Six runs of three configurations at once into one DIR, five rounds: only 'another careshift
    run' refusals, DIR one consistent run, nothing private left."""
    e = Expect()
    out = os.path.join(t, "out")
    for i in range(5):
        plans = [(CTX["planA"], []), (CTX["planB"], []), (CTX["planB"], CTX["optsB5"])] * 2
        concurrent_round(e, out, plans, f"round {i}")
    e.done()


# ================================================================ cases: killed runs and stale private directories

@case
def sigkill_leftovers_removed(t):
    """SIGKILL while writing leaves DIR as it was; the next run removes the private directory."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    before = snapshot(out)
    p = start(["run", EXAMPLE, "--out", out, "--quiet", "--detail"])
    try:
        caught = wait_for(lambda: files_in_private(out) >= 2, 60, p)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        finish(p)
    e.need(caught, "could not catch the run while writing")
    e(not snap_diff(before, snapshot(out)), f"SIGKILL changed DIR: {snap_diff(before, snapshot(out))}")
    e.need(private_of(out), "a SIGKILLed run left no private directory (nothing for the next run to clean)")
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e(rc == 0, f"the next run exits {rc}: {first_line(err)}")
    e(not same_run(out, CTX["refB"]), same_run(out, CTX["refB"]))
    e(not privates(t), f"private directories left after the next run: {privates(t)}")
    e.done()


@case
def sigkill_sweep(t):
    """SIGKILL at 16 moments of a run: DIR is always the old run or the new one, whole; the next
    run cleans up."""
    e = Expect()
    out = os.path.join(t, "out")
    t0 = time.monotonic()
    rc, _, err, _ = run_plan(CTX["planB"], os.path.join(t, "timing"), *CTX["optsB5"])
    e.need(rc == 0, f"timing run exits {rc}")
    full = max(0.05, time.monotonic() - t0)
    seen = set()
    for i in range(16):
        shutil.rmtree(out, ignore_errors=True)
        prior_run(out)
        p = start(["run", CTX["planB"], "--out", out, "--quiet", *CTX["optsB5"]])
        time.sleep(full * i / 8)  # up to 1.9 x the timing run: a busy machine runs slower
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        rc, _, _, _ = finish(p)
        old, new = same_run(out, CTX["refA"]), same_run(out, CTX["refB5"])
        seen.add("old" if not old else "new" if not new else "mixed")
        e(not old or not new, f"kill at {full * i / 8:.2f} s (rc {rc}): DIR is neither run: {old} / {new}")
        rc, _, err, _ = run_plan(CTX["planA"], out)
        e(rc == 0 and not same_run(out, CTX["refA"]), f"after kill {i}: next run rc {rc} {first_line(err)} {same_run(out, CTX['refA'])}")
        left = {x: sorted(os.listdir(os.path.join(t, x))) for x in privates(t)}
        e(not left, f"kill at {full * i / 8:.2f} s: after the next run still left: {left}")
        for x in left:                       # report once; keep the later kills independent
            shutil.rmtree(os.path.join(t, x), ignore_errors=True)
    e("old" in seen and "new" in seen, f"the kills never hit both before and after the swap ({sorted(seen)}): "
                                       "the sweep did not test what it says")
    e.done()


@case
def stale_symlink_not_followed(t):
    """A symlink named like a private directory, to a directory that looks like a run (manifest,
    results.db, care.csv, notes.txt): after a run every file there still exists, unchanged."""
    e = Expect()
    victim = os.path.join(t, "victim")
    prior_run(victim)
    with open(os.path.join(victim, "notes.txt"), "w") as f:
        f.write("precious\n")
    out = prior_run(os.path.join(t, "out"))
    os.symlink(victim, os.path.join(t, ".out.careshift-abcdef"))
    before = snapshot(victim)
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e(rc == 0, f"run exits {rc}: {first_line(err)}")
    d = snap_diff(before, snapshot(victim))
    e(not d, f"the symlink's target changed: {d}")
    e(not same_run(out, CTX["refB"]), same_run(out, CTX["refB"]))
    e.done()


@case
def stale_lookalike_keeps_user_files(t):
    """A real directory named like a private one, holding a user's file: the file survives."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    look = os.path.join(t, ".out.careshift-qwerty")
    os.mkdir(look)
    with open(os.path.join(look, "thesis.docx"), "w") as f:
        f.write("three years of work\n")
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e(rc == 0, f"run exits {rc}: {first_line(err)}")
    e(os.path.exists(os.path.join(look, "thesis.docx")), "the user's thesis.docx was deleted")
    e.done()


@case
def stale_private_fifo_no_hang(t):
    """A stale private directory whose manifest is a FIFO (a hostile or broken leftover): the run
    must not block on it."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    stale = os.path.join(t, ".out.careshift-zzzzzz")
    os.mkdir(stale, 0o700)
    os.mkfifo(os.path.join(stale, MANIFEST))
    rc, _, err, secs = run_plan(CTX["planB"], out, timeout=QUICK)
    e(rc == 0, f"exit {rc} after {secs:.1f} s: {first_line(err)}")
    e.done()


@case
def fifo_run_log_no_hang(t):
    """DIR with a FIFO named run.log and no manifest (looks like careshift 0.1): refused at once
    (exit 3), not blocked reading the FIFO."""
    e = Expect()
    out = os.path.join(t, "out")
    os.mkdir(out)
    os.mkfifo(os.path.join(out, "run.log"))
    rc, _, err, secs = run_plan(CTX["planA"], out, timeout=QUICK)
    e(rc == 3, f"exit {rc} after {secs:.1f} s, expected 3: {first_line(err)}")
    e.done()


@case
def fifo_manifest_no_hang(t):
    """DIR with a FIFO named .careshift-manifest: refused at once (exit 3), not blocked on it."""
    e = Expect()
    out = os.path.join(t, "out")
    os.mkdir(out)
    os.mkfifo(os.path.join(out, MANIFEST))
    rc, _, err, secs = run_plan(CTX["planA"], out, timeout=QUICK)
    e(rc == 3, f"exit {rc} after {secs:.1f} s, expected 3: {first_line(err)}")
    e.done()


@case
def symlinked_output_file_target_safe(t):
    """An old run's care.csv replaced by a symlink to a file outside: a rerun never writes or
    deletes the target."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    victim = os.path.join(t, "victim.csv")
    with open(victim, "w") as f:
        f.write("precious,data\n")
    os.unlink(os.path.join(out, "care.csv"))
    os.symlink(victim, os.path.join(out, "care.csv"))
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e(rc in (0, 3), f"exit {rc}: {first_line(err)}")
    e(os.path.exists(victim) and open(victim).read() == "precious,data\n", "the symlink's target was changed or deleted")
    e(not privates(t), f"private directories left: {privates(t)}")
    if rc == 0:
        e(not same_run(out, CTX["refB"]), same_run(out, CTX["refB"]))
    e.done()


@case
def forged_manifest_no_traversal(t):
    """A manifest listing '../victim.txt', an absolute path and '.': nothing outside DIR goes."""
    e = Expect()
    out = os.path.join(t, "out")
    os.mkdir(out)
    victim = os.path.join(t, "victim.txt")
    with open(victim, "w") as f:
        f.write("keep me\n")
    with open(os.path.join(out, MANIFEST), "w") as f:
        f.write(f"../victim.txt\n{victim}\n.\n..\n\n")
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e(rc in (0, 3), f"exit {rc}: {first_line(err)}")
    e(os.path.exists(victim), "../victim.txt was deleted")
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


@case
def directory_named_like_output(t):
    """In a careshift DIR, care.csv replaced by a folder holding the user's file: the run either
    refuses (exit 3, nothing changes) or leaves the user's file where it was; never moves it into
    a hidden private directory."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    os.unlink(os.path.join(out, "care.csv"))
    os.mkdir(os.path.join(out, "care.csv"))
    with open(os.path.join(out, "care.csv", "keep.txt"), "w") as f:
        f.write("mine\n")
    before = snapshot(out)
    rc, _, err, _ = run_plan(CTX["planB"], out)
    if rc == 3:
        e(not snap_diff(before, snapshot(out)), f"refused but DIR changed: {snap_diff(before, snapshot(out))}")
    else:
        e(os.path.exists(os.path.join(out, "care.csv", "keep.txt")),
          f"exit {rc}; care.csv/keep.txt is gone from DIR (now: "
          f"{[os.path.relpath(os.path.join(r, f), t) for r, _, fs in os.walk(t) for f in fs if f == 'keep.txt']})")
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


# ================================================================ cases: interrupts

def interrupt(e, t, sig, phase):
    """DIR holds a run; a long run into it gets sig during `phase` ('draws' or 'writing')."""
    out = prior_run(os.path.join(t, "out"))
    before, pbefore = snapshot(out), sorted(os.listdir(t))
    opts = {"draws": ["--draws", "400"], "writing": ["--detail"], "workbook": [],
            # sampled orders enough for a minute: the example's exact values (about 1,000 runs)
            # take under a second now that scenarios with the same stock share their cells
            "attribution": ["--set", "economics.intervention_shapley.permutations=20000"]}[phase]
    p = start(["run", EXAMPLE, "--out", out, "--quiet", *opts], shapley=phase == "attribution")
    try:
        if phase in ("draws", "attribution"):
            caught = wait_for(lambda: private_of(out), 30, p) and (time.sleep(1.0) or True) \
                and p.poll() is None and files_in_private(out) == 0
        elif phase == "workbook":
            caught = wait_for(lambda: helper_temps(out), 60, p, step=0.0005) and p.poll() is None
        else:
            caught = wait_for(lambda: files_in_private(out) >= 2, 60, p) and p.poll() is None
        sent = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.kill(p.pid, sig)
        rc, _, err, _ = finish(p)
        secs = time.monotonic() - sent
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
    name = signal.Signals(sig).name
    if not caught and phase == "workbook":  # the library keeps no scratch file there now
        raise Skip("no moment with a library's temporary file in the private directory")
    e.need(caught, f"could not catch the run during its {phase}")
    e(rc == 130, f"{name} during {phase}: exit {rc}, expected 130 ({first_line(err)})")
    e(secs < PROMPT, f"{name} during {phase}: exited {secs:.1f} s after the signal (expected < {PROMPT} s)")
    d = snap_diff(before, snapshot(out))
    e(not d, f"{name} during {phase}: DIR changed ({d})")
    e(not privates(t), f"{name} during {phase}: private directories left: {privates(t)}")
    e(sorted(os.listdir(t)) == pbefore, f"{name} during {phase}: the parent changed: {sorted(os.listdir(t))}")


@case
def sigint_during_draws(t):
    e = Expect()
    interrupt(e, t, signal.SIGINT, "draws")
    e.done()


@case
def sigterm_during_draws(t):
    e = Expect()
    interrupt(e, t, signal.SIGTERM, "draws")
    e.done()


@case
def sigint_during_attribution(t):
    """The Shapley runs per intervention (20,000 sampled orders of the example's) stop too."""
    e = Expect()
    interrupt(e, t, signal.SIGINT, "attribution")
    e.done()


@case
def sigint_during_writing(t):
    e = Expect()
    interrupt(e, t, signal.SIGINT, "writing")
    e.done()


@case
def sigterm_during_writing(t):
    e = Expect()
    interrupt(e, t, signal.SIGTERM, "writing")
    e.done()


@case
def sigint_during_workbook(t):
    """SIGINT while libxlsxwriter has its temporary files in the private directory."""
    e = Expect()
    interrupt(e, t, signal.SIGINT, "workbook")
    e.done()


@case
def sigkill_library_leftover_cleaned(t):
    """SIGKILL while a library (libxlsxwriter) has a temporary file of its own in the private
    directory: DIR as it was, and the next run removes that private directory, whatever the
    library left in it. (Runs at nice 19 and tries for up to 45 s until a kill lands while the
    file exists.)"""
    e = Expect()
    out = os.path.join(t, "out")
    hit = None
    t0 = time.monotonic()
    while time.monotonic() - t0 < 45:
        shutil.rmtree(out, ignore_errors=True)   # an attempt that missed may have finished
        prior_run(out)
        before = snapshot(out)
        p = start(["run", CTX["planB"], "--out", out, "--quiet"], preexec_fn=lambda: os.nice(19))
        try:
            while p.poll() is None and not helper_temps(out):
                pass                                   # busy: the window is short
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            finish(p)
        if helper_temps(out):
            hit = helper_temps(out)
            break
    if hit is None:
        raise Skip("no kill landed while a library's temporary file existed (45 s of tries)")
    e(not snap_diff(before, snapshot(out)), f"SIGKILL changed DIR: {snap_diff(before, snapshot(out))}")
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e(rc == 0, f"the next run exits {rc}: {first_line(err)}")
    left = {x: sorted(os.listdir(os.path.join(t, x))) for x in privates(t)}
    e(not left, f"a run SIGKILLed while {hit} (not careshift's name) was in its private directory; "
                f"after the next run (exit {rc}) still there: {left}")
    e.done()


@case
def sigint_sweep_exit_code_tells_state(t):
    """SIGINT at 16 moments of a short run: exit 0 <=> DIR is the new run, whole; exit 130 (or
    killed before careshift could catch it) <=> DIR as it was; nothing private left ever."""
    e = Expect()
    out = os.path.join(t, "out")
    t0 = time.monotonic()
    rc, _, _, _ = run_plan(CTX["planB"], os.path.join(t, "timing"), *CTX["optsB5"])
    e.need(rc == 0, "timing run failed")
    full = max(0.05, time.monotonic() - t0)
    seen = {}
    for i in range(16):
        shutil.rmtree(out, ignore_errors=True)
        prior_run(out)
        before = snapshot(out)
        p = start(["run", CTX["planB"], "--out", out, "--quiet", *CTX["optsB5"]])
        time.sleep(full * i / 8)  # up to 1.9 x the timing run: a busy machine runs slower
        with contextlib.suppress(ProcessLookupError):
            os.kill(p.pid, signal.SIGINT)
        rc, _, err, _ = finish(p)
        seen[rc] = seen.get(rc, 0) + 1
        at = f"SIGINT at {full * i / 12:.2f} s"
        if rc == 0:
            e(not same_run(out, CTX["refB5"]), f"{at}: exit 0 but {same_run(out, CTX['refB5'])}")
        elif rc in (130, -signal.SIGINT):
            e(not snap_diff(before, snapshot(out)), f"{at}: exit {rc} but DIR changed ({snap_diff(before, snapshot(out))})")
        else:
            e(False, f"{at}: exit {rc} ({first_line(err)})")
        e(not privates(t), f"{at}: private directories left: {privates(t)}")
    e(0 in seen and (130 in seen or -signal.SIGINT in seen), f"the sweep never saw both outcomes ({seen})")
    e.done()


@case
def second_sigint(t):
    """Ctrl-C twice: DIR as it was; whatever the second signal left, the next run removes."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    before = snapshot(out)
    p = start(["run", EXAMPLE, "--out", out, "--quiet", "--detail"])
    try:
        caught = wait_for(lambda: files_in_private(out) >= 2, 60, p)
        for _ in range(2):
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGINT)
            time.sleep(0.05)
        rc, _, err, _ = finish(p, timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
    e.need(caught, "could not catch the run while writing")
    e(rc in (130, -signal.SIGINT), f"exit {rc} ({first_line(err)})")
    e(not snap_diff(before, snapshot(out)), f"DIR changed: {snap_diff(before, snapshot(out))}")
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e(rc == 0, f"next run exits {rc}: {first_line(err)}")
    e(not privates(t), f"private directories left after the next run: {privates(t)}")
    e.done()


@case
def sigint_new_dir_leaves_nothing(t):
    """SIGINT during a run into a new nested DIR: careshift says 'DIR is as it was', so neither
    DIR nor its new parent may be left behind."""
    e = Expect()
    out = os.path.join(t, "new", "out")
    p = start(["run", EXAMPLE, "--out", out, "--quiet", "--draws", "400"])
    try:
        caught = wait_for(lambda: private_of(out), 30, p) and p.poll() is None
        os.kill(p.pid, signal.SIGINT)
        rc, _, err, _ = finish(p)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
    e.need(caught, "could not catch the run")
    e(rc == 130, f"exit {rc}, expected 130")
    left = [os.path.relpath(os.path.join(r, n), t) for r, ds, fs in os.walk(t) for n in ds + fs]
    e(not left, f"left behind after 'is as it was' ({first_line(err)!r}): {left}")
    e.done()


@case
def dir_replaced_during_run(t):
    """While a run computes, the user moves DIR away and makes a new DIR with notes.txt and an
    edited care.csv of their own in it. The run must not swap that new DIR into a hidden private
    name nor delete the user's care.csv: notes.txt stays at DIR/notes.txt, the user's care.csv
    exists somewhere, and nothing private is left."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    p = start(["run", EXAMPLE, "--out", out, "--quiet", "--draws", "20", "--no-tornado"])
    try:
        caught = wait_for(lambda: private_of(out), 30, p) and p.poll() is None
        os.rename(out, out + ".old")
        os.mkdir(out)
        with open(os.path.join(out, "notes.txt"), "w") as f:
            f.write("new notes\n")
        with open(os.path.join(out, "care.csv"), "w") as f:      # the user's own, edited table
            f.write("my,edited,table\n")
        rc, _, err, _ = finish(p)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
    e.need(caught, "could not catch the run")
    e(os.path.exists(os.path.join(out, "notes.txt")),
      f"exit {rc} ({first_line(err)}); out/notes.txt is gone from DIR (now in "
      f"{[os.path.relpath(r, t) for r, _, fs in os.walk(t) if 'notes.txt' in fs]})")
    mine = [os.path.relpath(os.path.join(r, "care.csv"), t) for r, _, fs in os.walk(t) if "care.csv" in fs
            and open(os.path.join(r, "care.csv")).read() == "my,edited,table\n"]
    e(bool(mine), "the user's own care.csv in the new DIR was deleted")
    e(not privates(t), f"private directories left: {privates(t)}")
    e(not same_run(out + ".old", CTX["refA"]), f"the moved-away old run changed: {same_run(out + '.old', CTX['refA'])}")
    e.done()


# ================================================================ cases: unusable --out

def expect_unusable(e, t, out, what, nothing_at_all=False, msg=None):
    """example --draws 400 into an unusable out: exit 3 before any draw (< EARLY s), nothing new."""
    before = snapshot(t)
    rc, _, err, secs = run_plan(EXAMPLE, out, "--draws", "400", cwd=t)
    e(rc == 3, f"{what}: exit {rc}, expected 3 ({first_line(err)})")
    e(secs < EARLY, f"{what}: failed after {secs:.1f} s (expected before any draw, < {EARLY} s)")
    e(bool(err.strip()), f"{what}: no message")
    if msg:
        e(msg in err, f"{what}: message {first_line(err)!r} lacks {msg!r}")
    d = snap_diff(before, snapshot(t))
    e(not d, f"{what}: {'something was created' if nothing_at_all else 'new directories left'} ({d})")


@case
def unusable_under_regular_file(t):
    e = Expect()
    os.makedirs(os.path.join(t, "a", "b"))
    for p in (os.path.join(t, "report.pdf"), os.path.join(t, "a", "b", "report.pdf")):
        with open(p, "w") as f:
            f.write("%PDF-1.4\n")
    expect_unusable(e, t, os.path.join(t, "report.pdf", "out"), "--out FILE/out")
    expect_unusable(e, t, os.path.join(t, "a", "b", "report.pdf", "c", "out"), "--out a/b/FILE/c/out")
    expect_unusable(e, t, os.path.join(t, "report.pdf"), "--out FILE (a regular file)")
    with open(os.path.join(t, "a", "x"), "w") as f:
        f.write("x")
    expect_unusable(e, t, os.path.join("a", "x", "new", "deeper"), "--out a/FILE/new/deeper (relative)")
    e.done()


@case
def unusable_long_path(t):
    """A 5,000-byte path of 100-byte names: exit 3 at once and nothing created at all."""
    e = Expect()
    comp = "d" * 99
    path = t
    while len(path) < 5000:
        path = os.path.join(path, comp)
    expect_unusable(e, t, path[:5000].rstrip("/"), f"--out <{len(path[:5000])}-byte path>", nothing_at_all=True)
    expect_unusable(e, t, os.path.join(t, "new", "n" * 250), "--out new/<250-byte name>", nothing_at_all=True)
    expect_unusable(e, t, os.path.join(t, "n" * 300), "--out <300-byte name>", nothing_at_all=True)
    e.done()


@case
def unusable_special_paths(t):
    """--out /, /dev/null, '' and /proc/self: a clear refusal at once; /dev/null stays a device."""
    e = Expect()
    for out in ("/", "/dev/null", "/proc/self"):
        before = snapshot(t)
        rc, _, err, secs = run_plan(EXAMPLE, out, "--draws", "400", cwd=t)
        e(rc == 3, f"--out {out}: exit {rc}, expected 3 ({first_line(err)})")
        e(secs < EARLY, f"--out {out}: after {secs:.1f} s")
        e(not snap_diff(before, snapshot(t)), f"--out {out}: created {snap_diff(before, snapshot(t))}")
    e(stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a character device")
    rc, _, err, secs = run_plan(EXAMPLE, "", "--draws", "400", cwd=t)
    e(rc in (2, 3) and secs < EARLY, f"--out '': exit {rc} after {secs:.1f} s ({first_line(err)})")
    e(not os.listdir(t), f"--out '' created {os.listdir(t)}")
    e.done()


@case
def unusable_read_only_fs(t):
    """DIR (a run) on a file system remounted read-only: exit 3 before any draw; the run intact."""
    e = Expect()
    m = os.path.join(t, "m")
    with tmpfs(m, "size=8m"):
        out = os.path.join(m, "out")
        rc, _, err, _ = run_plan(CTX["planA"], out)
        e.need(rc == 0, f"first run exits {rc}: {first_line(err)}")
        if sh("mount", "-o", "remount,ro", m).returncode != 0:
            raise Skip("cannot remount read-only")
        try:
            expect_unusable(e, m, out, "DIR on a read-only file system")
        finally:
            sh("mount", "-o", "remount,rw", m)
        e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e.done()


@case
def unusable_no_inodes(t):
    """A new DIR on a file system with no inode left for the private directory: exit 3 before any
    draw, and no new directory left behind."""
    e = Expect()
    m = os.path.join(t, "m")
    with tmpfs(m, "size=8m,nr_inodes=2"):
        expect_unusable(e, m, os.path.join(m, "out"), "new DIR, no free inode beside it")
    e.done()


@case
def mount_point_dir(t):
    """DIR is a mount point (a Docker volume, a USB stick), which cannot be renamed: the run
    either writes into it (as careshift 0.1 did) or refuses before computing anything."""
    e = Expect()
    out = os.path.join(t, "out")
    with tmpfs(out, "size=64m"):
        before = snapshot(out)
        rc, _, err, secs = run_plan(EXAMPLE, out, "--draws", "40", "--no-tornado")
        if rc == 0:
            e(not manifest_ok(out), f"exit 0 but {manifest_ok(out)}")
        else:
            e(rc == 3, f"exit {rc} ({first_line(err)})")
            e(secs < EARLY, f"refused only after computing everything ({secs:.1f} s): {first_line(err)!r}")
            e(not snap_diff(before, snapshot(out)), f"DIR changed: {snap_diff(before, snapshot(out))}")
        e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


# ================================================================ cases: full disk

def full_disk_outcome(e, m, out, rc, err, before, label):
    """exit 0 with the new run whole, or exit 3 with the old run intact; nothing private; no
    libxlsxwriter [ERROR] lines (reported as KNOWN)."""
    if rc == 0:
        e(not same_run(out, CTX["refB5"]), f"{label}: exit 0 but {same_run(out, CTX['refB5'])}")
        e(not manifest_ok(out), f"{label}: {manifest_ok(out)}")
    else:
        e(rc == 3, f"{label}: exit {rc}, expected 0 or 3 ({first_line(err)})")
        d = snap_diff(before, snapshot(out))
        e(not d, f"{label}: the previous run changed ({d})")
        own = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("[ERROR]")]
        e(bool(own), f"{label}: no careshift message, only {first_line(err)!r}")
    e(not privates(m), f"{label}: private directories left: {privates(m)}")
    xl = [ln for ln in err.splitlines() if "[ERROR]" in ln]
    if xl:
        known(f"{label}: libxlsxwriter printed its own lines on stderr: {xl[0][:160]!r}")
    return rc


@case
def full_disk_2m(t):
    """The tiny run in a 2 MB tmpfs, then the example into it: exit 3, the tiny run intact."""
    e = Expect()
    m = os.path.join(t, "m")
    with tmpfs(m, "size=2m"):
        out = os.path.join(m, "out")
        rc, _, err, _ = run_plan(CTX["planA"], out)
        e.need(rc == 0, f"first run exits {rc}: {first_line(err)}")
        before = snapshot(out)
        rc, _, err, _ = run_plan(EXAMPLE, out)
        e(rc == 3, f"example into a full disk exits {rc}, expected 3 ({first_line(err)})")
        e(not snap_diff(before, snapshot(out)), f"the previous run changed ({snap_diff(before, snapshot(out))})")
        e(not privates(m), f"private directories left: {privates(m)}")
        own = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("[ERROR]")]
        e(bool(own), f"no careshift message: {first_line(err)!r}")
        xl = [ln for ln in err.splitlines() if "[ERROR]" in ln]
        if xl:
            known(f"libxlsxwriter printed its own lines on stderr: {xl[0][:160]!r}")
    e.done()


def du(d):
    return sum(os.lstat(os.path.join(r, f)).st_size for r, _, fs in os.walk(d) for f in fs)


@case
def full_disk_sweep(t):
    """A tmpfs of 28 sizes holding a run, then a bigger run into the same DIR: each time either
    the new run whole (exit 0) or the old one intact (exit 3), nothing private left; the disk
    fills at every stage of writing (CSV, SQLite, workbook, manifest)."""
    e = Expect()
    m = os.path.join(t, "m")
    a, b = du(CTX["refA"]), du(CTX["refB5"])
    lo, hi = a + 48 * 1024, a + 2 * b + 256 * 1024
    outcomes = {}
    firsts = 0
    for i in range(28):
        kb = (lo + (hi - lo) * i // 27) // 1024
        with tmpfs(m, f"size={kb}k"):
            out = os.path.join(m, "out")
            rc, _, err, _ = run_plan(CTX["planA"], out)
            if rc != 0:
                shutil.rmtree(out, ignore_errors=True)
                continue
            firsts += 1
            before = snapshot(out)
            rc, _, err, _ = run_plan(CTX["planB"], out, *CTX["optsB5"])
            outcomes[rc] = outcomes.get(rc, 0) + 1
            full_disk_outcome(e, m, out, rc, err, before, f"{kb} KiB")
    e(firsts >= 10, f"only {firsts} sizes held the first run")
    e(outcomes.get(3, 0) >= 3 and outcomes.get(0, 0) >= 1, f"the sweep did not cover both outcomes: {outcomes}")
    e.done()


@case
def inode_sweep(t):
    """The same with too few inodes (tmpfs nr_inodes): every stage fails cleanly."""
    e = Expect()
    m = os.path.join(t, "m")
    na, nb = len(os.listdir(CTX["refA"])), len(os.listdir(CTX["refB5"]))
    outcomes = {}
    for n in range(na + 2, na + nb + 24):
        with tmpfs(m, f"size=16m,nr_inodes={n}"):
            out = os.path.join(m, "out")
            rc, _, err, _ = run_plan(CTX["planA"], out)
            if rc != 0:
                continue
            before = snapshot(out)
            rc, _, err, _ = run_plan(CTX["planB"], out, *CTX["optsB5"])
            outcomes[rc] = outcomes.get(rc, 0) + 1
            full_disk_outcome(e, m, out, rc, err, before, f"{n} inodes")
    e(outcomes.get(3, 0) >= 3 and outcomes.get(0, 0) >= 1, f"the sweep did not cover both outcomes: {outcomes}")
    e.done()


# ================================================================ cases: permissions, names, paths

@case
def permissions_kept(t):
    """DIR keeps its mode over a rerun (0750, a shared setgid 2770, a private 0700)."""
    e = Expect()
    for mode in (0o750, 0o2770, 0o700, 0o755):
        out = prior_run(os.path.join(t, f"out{mode:o}"))
        os.chmod(out, mode)
        rc, _, err, _ = run_plan(CTX["planB"], out)
        e.need(rc == 0, f"{mode:04o}: rerun exits {rc}: {first_line(err)}")
        got = stat.S_IMODE(os.stat(out).st_mode)
        e(got == mode, f"DIR was {mode:04o}, after a rerun {got:04o}")
    e.done()


@case
def owner_group_kept(t):
    """A DIR shared with a group (chown 1234:5678, as root): a rerun keeps owner and group, so
    colleagues keep their access."""
    e = Expect()
    if os.geteuid() != 0:
        raise Skip("needs root to chown")
    out = prior_run(os.path.join(t, "out"))
    os.chown(out, 1234, 5678)
    os.chmod(out, 0o2770)
    rc, _, err, _ = run_plan(CTX["planB"], out)
    e.need(rc == 0, f"rerun exits {rc}: {first_line(err)}")
    st = os.stat(out)
    e((st.st_uid, st.st_gid) == (1234, 5678), f"owner:group was 1234:5678, after a rerun {st.st_uid}:{st.st_gid}")
    e(stat.S_IMODE(st.st_mode) == 0o2770, f"mode was 2770, after a rerun {stat.S_IMODE(st.st_mode):04o}")
    e.done()


@case
def odd_names(t):
    """DIR names with spaces, UTF-8, a newline, printf directives, a leading dash, and a name
    ending in what looks like a private suffix: two runs each, whole, nothing private left."""
    e = Expect()
    for name in ("my results", "résultats-ü", "two\nlines", "%s%n%x", "-out", "x.careshift-abcdef"):
        out = os.path.join(t, name)
        for i in range(2):
            rc, _, err, _ = run_plan(CTX["planA"] if i == 0 else CTX["planB"], out)
            e(rc == 0, f"{name!r} run {i}: exit {rc} ({first_line(err)})")
        e(not same_run(out, CTX["refB"]), f"{name!r}: {same_run(out, CTX['refB'])}")
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


@case
def path_spellings(t):
    """The same DIR as DIR/, DIR/., a/../DIR, relative from elsewhere, and '.' from inside it: each
    rerun works; no stray directory appears anywhere."""
    e = Expect()
    out = prior_run(os.path.join(t, "out"))
    os.mkdir(os.path.join(t, "a"))
    for spelling, cwd in ((out + "/", None), (out + "/.", None), (os.path.join(t, "a", "..", "out"), None),
                          ("../out", os.path.join(t, "a")), (".", out), (out + "//", None)):
        plan = CTX["planB"] if spelling != "." else CTX["planA"]
        rc, _, err, _ = run_plan(plan, spelling, cwd=cwd)
        e(rc == 0, f"--out {spelling!r}: exit {rc} ({first_line(err)})")
        e(sorted(os.listdir(t)) == ["a", "out"], f"--out {spelling!r}: the parent now holds {sorted(os.listdir(t))}")
        e(not os.listdir(os.path.join(t, "a")), f"--out {spelling!r}: a/ now holds {os.listdir(os.path.join(t, 'a'))}")
        e(not manifest_ok(out), f"--out {spelling!r}: {manifest_ok(out)}")
    e(not same_run(out, CTX["refB"]), same_run(out, CTX["refB"]))
    e.done()


@case
def symlink_out(t):
    """--out a symlink to DIR elsewhere: the symlink stays a symlink to DIR, DIR holds the run,
    nothing private beside either."""
    e = Expect()
    os.mkdir(os.path.join(t, "here"))
    os.mkdir(os.path.join(t, "there"))
    real = prior_run(os.path.join(t, "there", "out"))
    link = os.path.join(t, "here", "out")
    os.symlink(real, link)
    rc, _, err, _ = run_plan(CTX["planB"], link)
    e(rc == 0, f"exit {rc} ({first_line(err)})")
    e(os.path.islink(link) and os.readlink(link) == real, "the symlink was replaced")
    e(not same_run(real, CTX["refB"]), same_run(real, CTX["refB"]))
    e(os.listdir(os.path.join(t, "here")) == ["out"] and os.listdir(os.path.join(t, "there")) == ["out"],
      f"stray entries: here {os.listdir(os.path.join(t, 'here'))}, there {os.listdir(os.path.join(t, 'there'))}")
    e.done()


@case
def closed_standard_streams(t):
    """stdin, stdout and stderr closed (cron, a daemon): no summary or message may land in an
    output file; the outputs equal the reference run."""
    e = Expect()
    for label, fds in (("stdout+stderr closed", (1, 2)), ("all closed", (0, 1, 2)), ("stdout closed", (1,))):
        out = os.path.join(t, label.replace(" ", "_").replace("+", "_"))

        def close(fds=fds):
            for fd in fds:
                os.close(fd)
        p = subprocess.Popen([BIN, "run", CTX["planA"], "--out", out], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=close,
                             umask=0o022, start_new_session=True)
        rc, _, _, _ = finish(p)
        e(rc in (0, 3), f"{label}: exit {rc}")
        e(not same_run(out, CTX["refA"]), f"{label}: {same_run(out, CTX['refA'])}")
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


@case
def summary_into_closed_pipe(t):
    """The summary goes to a pipe that is already closed (| head -0): the outputs are whole."""
    e = Expect()
    out = os.path.join(t, "out")
    r, w = os.pipe()
    os.close(r)
    p = subprocess.Popen([BIN, "run", CTX["planA"], "--out", out], stdout=w, stderr=subprocess.PIPE,
                         umask=0o022, start_new_session=True, text=True)
    os.close(w)
    rc, _, err, _ = finish(p)
    e(rc in (0, 3, -signal.SIGPIPE), f"exit {rc} ({first_line(err)})")
    e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e(not privates(t), f"private directories left: {privates(t)}")
    e.done()


@case
def empty_existing_dir_accepted(t):
    """An empty DIR the user made beforehand (mode 0750): accepted, written, mode kept."""
    e = Expect()
    out = os.path.join(t, "out")
    os.mkdir(out)
    os.chmod(out, 0o750)
    rc, _, err, _ = run_plan(CTX["planA"], out)
    e(rc == 0, f"exit {rc} ({first_line(err)})")
    e(not same_run(out, CTX["refA"]), same_run(out, CTX["refA"]))
    e(stat.S_IMODE(os.stat(out).st_mode) == 0o750, f"mode now {stat.S_IMODE(os.stat(out).st_mode):04o}")
    e.done()


@case
def parent_not_writable(t):
    """DIR (a run, writable by the user) in a parent the user cannot write (a shared folder): the
    run either succeeds or refuses before computing anything, DIR unchanged, with a message
    naming the cause. (As root: the run is made as uid 65534.)"""
    e = Expect()
    os.chmod(t, 0o755)
    parent = os.path.join(t, "shared")
    os.mkdir(parent)
    out = prior_run(os.path.join(parent, "out"))
    plan = os.path.join(t, "plan")
    shutil.copytree(CTX["planA"].rsplit("/", 1)[0], plan)
    for r, ds, fs in os.walk(t):
        for n in ds:
            os.chmod(os.path.join(r, n), 0o755)
        for n in fs:
            os.chmod(os.path.join(r, n), 0o644)
    if os.geteuid() == 0:
        for r, ds, fs in os.walk(out):
            for n in ds + fs + ["."]:
                os.chown(os.path.join(r, n), 65534, 65534)
        demote = lambda: (os.setgroups([]), os.setgid(65534), os.setuid(65534))
    else:
        os.chmod(parent, 0o555)
        demote = None
    if not os.access(BIN, os.X_OK) or (demote and not (os.stat(BIN).st_mode & 0o001)):
        raise Skip("the binary is not executable by uid 65534")
    before = snapshot(out)
    p = subprocess.Popen([BIN, "run", EXAMPLE, "--out", out, "--quiet", "--draws", "400"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=demote, umask=0o022, start_new_session=True)
    rc, _, err, secs = finish(p)
    os.chmod(parent, 0o755)
    if rc == 0:
        e(not manifest_ok(out), manifest_ok(out))
    else:
        e(rc == 3, f"exit {rc} ({first_line(err)})")
        e(secs < EARLY, f"refused only after {secs:.1f} s")
        e(not snap_diff(before, snapshot(out)), f"DIR changed: {snap_diff(before, snapshot(out))}")
        e("ermission" in err, f"the message does not name the cause: {first_line(err)!r}")
    e(not privates(parent), f"private directories left: {privates(parent)}")
    e.done()


@case
def fifo_in_odd_places(t):
    """A FIFO as --out, and a FIFO named like a private directory beside DIR: no hang, and the
    FIFO beside DIR is not the run's to delete or open."""
    e = Expect()
    os.mkfifo(os.path.join(t, "fifo"))
    rc, _, err, secs = run_plan(CTX["planA"], os.path.join(t, "fifo"), timeout=QUICK)
    e(rc == 3, f"--out FIFO: exit {rc} after {secs:.1f} s ({first_line(err)})")
    out = prior_run(os.path.join(t, "out"))
    os.mkfifo(os.path.join(t, ".out.careshift-fifo00"))
    rc, _, err, secs = run_plan(CTX["planB"], out, timeout=QUICK)
    e(rc == 0, f"beside a FIFO named like a private directory: exit {rc} after {secs:.1f} s ({first_line(err)})")
    e(stat.S_ISFIFO(os.lstat(os.path.join(t, ".out.careshift-fifo00")).st_mode), "the FIFO beside DIR is gone")
    e.done()


# ================================================================ driver

def main():
    global BIN
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    BIN = os.path.abspath(sys.argv[1])
    only = os.environ.get("CS_OUTPUTS_ONLY")   # a comma-separated list of cases, for debugging
    top = tempfile.mkdtemp(prefix="cs-outputs-")
    try:
        try:
            setup(os.path.join(top, "setup"))
        except (Fail, subprocess.SubprocessError, OSError) as x:
            print(f"FAIL setup: {x}", flush=True)
            print("0 passed, 1 failed")
            sys.exit(1)
        for fn in CASES:
            name = fn.__name__
            if only and name not in only.split(","):
                continue
            t = os.path.join(top, name)
            os.mkdir(t)
            del KNOWN[:]
            try:
                fn(t)
                totals["passed"] += 1
                print(f"PASS {name}", flush=True)
            except Skip as x:
                totals["skipped"] += 1
                print(f"SKIP {name}: {x}", flush=True)
            except Fail as x:
                totals["failed"] += 1
                print(f"FAIL {name}: {x}", flush=True)
            except Exception as x:  # a broken case is a failure too, with its cause
                totals["failed"] += 1
                print(f"FAIL {name}: {type(x).__name__}: {x}", flush=True)
            for k in KNOWN:
                print(f"KNOWN {name}: {k}", flush=True)
            cleanup(t)
    finally:
        cleanup(top)
    print(f"{totals['passed']} passed, {totals['failed']} failed")
    sys.exit(1 if totals["failed"] else 0)


def cleanup(path):
    """Removes path even where a case left a mount, a FIFO or a 0000 directory."""
    if not os.path.lexists(path):
        return
    for r, ds, _ in os.walk(path):
        for d in ds:
            p = os.path.join(r, d)
            if os.path.ismount(p):
                sh("umount", "-l", p)
            with contextlib.suppress(OSError):
                if not os.path.islink(p):
                    os.chmod(p, 0o700)
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
