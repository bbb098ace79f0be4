#!/usr/bin/env python3
"""End-to-end checks of `careshift init DIR [--from example]` (issue 11): the plan it writes
passes `check` and runs to the example's numbers; its files are the example folder's (the
CSV tables byte for byte, plan.yaml but for init's header and '##' field comments), so the
embedded copy cannot drift from examples/zuid-limburg; a non-empty DIR (also one holding only
a hidden file), a regular file, a missing parent and a bad --from are refused and leave
everything as it was; a write that fails half-way (a file-size limit) or Ctrl-C leaves no
half-written DIR; --help and the exit codes.

usage: test_init.py CARESHIFT_BINARY
"""
import csv
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import time

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
# Quick runs: the Shapley runs per intervention are most of a run's time and feed neither
# business_case.csv nor criteria.csv.
RUN_OPTS = ["--no-intervention-shapley", "--threads", "2", "--quiet"]
EXIT_OK, EXIT_USAGE, EXIT_IO = 0, 2, 3
RESULT_TABLES = [t + ".csv" for t in (
    "demography", "care", "payers", "workforce", "health", "interventions", "implementation",
    "business_case_subregion", "budget_impact", "criteria_subregion", "staff", "wrong_pocket",
    "shapley", "theme_roi", "health_economics", "totals", "discount_rates", "resources")]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def cs(*args, **kw):
    return subprocess.run([CS, *args], capture_output=True, text=True, timeout=120, **kw)


def example_files():
    """What init must write from the example folder: plan.yaml and every CSV table."""
    return sorted(n for n in os.listdir(EXAMPLE) if n == "plan.yaml" or n.endswith(".csv"))


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def snapshot(path, with_self=True):
    """Every entry under path with its type, mode, size, mtime and bytes (and path's own mode
    and mtime): 'left untouched' means this is the same before and after. with_self=False
    leaves out path's own mtime, which a private directory made and removed again changes."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(path):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            data = read(p) if stat.S_ISREG(st.st_mode) else None
            snap[os.path.relpath(p, path)] = (st.st_mode, st.st_size, st.st_mtime_ns, data)
    st = os.lstat(path)
    snap["."] = (st.st_mode, st.st_mtime_ns if with_self else None)
    return snap


def leftovers(parent):
    return [n for n in os.listdir(parent) if n.startswith(".careshift-init")]


# ---- help and arguments ----

def test_help(tmp):
    for flag in ("--help", "-h"):
        r = cs("init", flag)
        check(r.returncode == EXIT_OK, f"init {flag}: exit {r.returncode}")
        check(r.stdout.startswith("usage: careshift init DIR [--from example]"), f"init {flag}: usage")
        check("exit codes:" in r.stdout and "--from" in r.stdout, f"init {flag}: options and exit codes")
    check("init DIR" in cs("--help").stdout, "careshift --help names init")
    check(not os.listdir(tmp), "--help wrote nothing")


def test_usage(tmp):
    cases = [[], ["a", "b"], [""], ["--bogus", "x"], ["--from"]]
    for args in cases:
        r = cs("init", *args, cwd=tmp)
        check(r.returncode == EXIT_USAGE, f"init {args}: exit {r.returncode}, expected 2")
        check("usage: careshift init" in r.stderr, f"init {args}: usage on stderr")
    for bad in ("examples", "zuid-limburg", "../x", "Example"):
        r = cs("init", os.path.join(tmp, "p"), "--from", bad)
        check(r.returncode == EXIT_USAGE, f"--from {bad}: exit {r.returncode}, expected 2")
        check(f"--from '{bad}' is not known (expected one of: example)" in r.stderr,
              f"--from {bad}: message lists the valid names: {r.stderr!r}")
    check(not os.listdir(tmp), f"bad arguments wrote nothing: {os.listdir(tmp)}")
    r = cs("init", "-f", "example", os.path.join(tmp, "ok"))
    check(r.returncode == EXIT_OK, f"init -f example: exit {r.returncode}: {r.stderr}")


# ---- what init writes ----

def strip_init_comments(text):
    """The example's plan.yaml as init's copy holds it: without init's header (the leading
    comment block) and without the '##' field comments and the blank line before each."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    out = []
    body = lines[i:]
    for k, line in enumerate(body):
        if line.startswith("##"):
            continue
        if line == "\n" and k + 1 < len(body) and body[k + 1].startswith("##"):
            continue
        out.append(line)
    return "".join(out)


def example_body():
    """The example's plan.yaml without its own header ("built by scripts/derive_example.py")."""
    lines = read(os.path.join(EXAMPLE, "plan.yaml"), "r").splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    return "".join(lines[i:])


def check_plan_yaml(plan, version):
    text = read(plan, "r")
    header = text[:text.index("\n\n")]
    check("careshift init" in header and f"careshift {version}" in header,
          "plan.yaml header names careshift init and the version")
    check("Do not edit by hand" not in text and "derive_example.py ../shared" not in header,
          "the example's 'do not edit' header is replaced")
    for cmd in ("careshift check plan.yaml", "careshift run plan.yaml --out out"):
        check(cmd in header, f"plan.yaml header says how to {cmd.split()[1]}")
    check(all(len(l) <= 96 for l in header.splitlines()), "plan.yaml header lines fit 96 columns")
    # Every top-level key gets a '##' comment saying what it means, above its own comments.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"([a-z_]+):", line)
        if not m:
            continue
        j = i - 1
        while j >= 0 and lines[j].startswith("#") and not lines[j].startswith("##"):
            j -= 1
        block = []
        while j >= 0 and lines[j].startswith("##"):
            block.insert(0, lines[j])
            j -= 1
        check(block and block[0].startswith(f"## {m.group(1)}: "),
              f"plan.yaml: '{m.group(1)}' has a '##' comment saying what it means")
    check(strip_init_comments(text) == example_body(),
          "plan.yaml is the example's but for init's header and '##' comments (drift)")


def test_files_equal_example(tmp):
    """The drift check: init writes exactly the example folder's plan and tables."""
    d = os.path.join(tmp, "plan")
    r = cs("init", d)
    if not check(r.returncode == EXIT_OK, f"init: exit {r.returncode}: {r.stderr}"):
        return
    version = cs("--version").stdout.split()[-1]
    want = example_files() + ["README.md"]
    check(sorted(os.listdir(d)) == sorted(want),
          f"init writes plan.yaml, README.md and every CSV of the example: {sorted(os.listdir(d))}")
    for n in example_files():
        if n.endswith(".csv") and os.path.exists(os.path.join(d, n)):
            check(read(os.path.join(d, n)) == read(os.path.join(EXAMPLE, n)),
                  f"{n} equals examples/zuid-limburg/{n} byte for byte (drift)")
    check_plan_yaml(os.path.join(d, "plan.yaml"), version)
    readme = read(os.path.join(d, "README.md"), "r")
    check("careshift check plan.yaml" in readme and f"careshift {version}" in readme,
          "README.md gives the next commands and the version")
    for n in os.listdir(d):
        check(b"@CARESHIFT_VERSION@" not in read(os.path.join(d, n)), f"{n}: version mark replaced")
    mask = os.umask(0)
    os.umask(mask)
    check(stat.S_IMODE(os.stat(d).st_mode) == 0o777 & ~mask, "the new DIR has the umask's mode")
    check(stat.S_IMODE(os.stat(os.path.join(d, "plan.yaml")).st_mode) == 0o666 & ~mask,
          "the files have the umask's mode")
    check(leftovers(tmp) == [], f"no private directory left: {leftovers(tmp)}")
    check("wrote " in r.stdout and "careshift check " + d + "/plan.yaml" in r.stdout,
          f"init prints the next commands: {r.stdout!r}")


def numbers_equal(a, b):
    """Two CSV tables with the same rows and the same numbers (strings compared as strings)."""
    if not (os.path.exists(a) and os.path.exists(b)):
        return False
    with open(a, newline="") as fa, open(b, newline="") as fb:
        ra, rb = list(csv.reader(fa)), list(csv.reader(fb))
    if len(ra) != len(rb):
        return False
    for x, y in zip(ra, rb):
        if len(x) != len(y):
            return False
        for u, v in zip(x, y):
            try:
                if float(u) != float(v):
                    return False
            except ValueError:
                if u != v:
                    return False
    return True


def test_check_and_run(tmp):
    d = os.path.join(tmp, "region")
    check(cs("init", d).returncode == EXIT_OK, "init region")
    r = cs("check", os.path.join(d, "plan.yaml"))
    check(r.returncode == EXIT_OK and "valid" in r.stdout, f"check passes on init's plan: {r.stderr}")
    out_init, out_ex = os.path.join(d, "out"), os.path.join(tmp, "example-out")
    r1 = cs("run", os.path.join(d, "plan.yaml"), "--out", out_init, *RUN_OPTS)
    r2 = cs("run", os.path.join(EXAMPLE, "plan.yaml"), "--out", out_ex, *RUN_OPTS)
    if not check(r1.returncode == EXIT_OK and r2.returncode == EXIT_OK,
                 f"both runs succeed: {r1.stderr} {r2.stderr}"):
        return
    for t in ("business_case.csv", "criteria.csv"):
        check(numbers_equal(os.path.join(out_init, t), os.path.join(out_ex, t)),
              f"{t}: init's plan gives the example's numbers")
    # and the model's other results (not run_info.csv or inputs.csv: they describe the plan
    # file itself, its path, checksums and comment lines, which differ as they should)
    differ = [t for t in RESULT_TABLES
              if not numbers_equal(os.path.join(out_init, t), os.path.join(out_ex, t))]
    check(differ == [], f"the result tables equal the example's: {differ}")
    # the "##" field descriptions init adds are not sources: inputs.csv gives the example's
    with open(os.path.join(out_init, "inputs.csv"), newline="", encoding="utf-8") as f:
        got = {r["path"]: r["source"] for r in csv.DictReader(f)}
    with open(os.path.join(out_ex, "inputs.csv"), newline="", encoding="utf-8") as f:
        want = {r["path"]: r["source"] for r in csv.DictReader(f)}
    check(got == want, "inputs.csv: init's plan gives the example's sources (## lines are not sources): "
          + str([k for k in want if got.get(k) != want[k]][:3]))


# ---- where init may write ----

def test_existing_empty(tmp):
    d = os.path.join(tmp, "empty")
    os.mkdir(d, 0o750)
    os.chmod(d, 0o750)
    ino = os.stat(d).st_ino
    r = cs("init", d + "/")
    check(r.returncode == EXIT_OK, f"init into an empty DIR: exit {r.returncode}: {r.stderr}")
    check(sorted(os.listdir(d)) == sorted(example_files() + ["README.md"]),
          f"the empty DIR gets every file and nothing else: {os.listdir(d)}")
    check(os.stat(d).st_ino == ino and stat.S_IMODE(os.stat(d).st_mode) == 0o750,
          "an existing DIR is kept (same directory, its own mode)")
    check("//" not in r.stdout, f"a trailing slash is not doubled: {r.stdout!r}")
    # "." works the same way
    dot = os.path.join(tmp, "dot")
    os.mkdir(dot)
    r = cs("init", ".", cwd=dot)
    check(r.returncode == EXIT_OK and os.path.exists(os.path.join(dot, "plan.yaml")), "init .")
    check(r.returncode == EXIT_OK and "careshift check ./plan.yaml" in r.stdout, f"init . prints ./plan.yaml")


def test_refuses_non_empty(tmp):
    cases = {
        "with-file": {"notes.txt": b"my own notes\n"},
        "only-hidden": {".hidden": b"x"},
        "only-plan": {"plan.yaml": b"careshift: 1\n"},
        "only-subdir": {"sub/": None},
    }
    for name, content in cases.items():
        d = os.path.join(tmp, name)
        os.mkdir(d)
        for n, data in content.items():
            if n.endswith("/"):
                os.mkdir(os.path.join(d, n))
            else:
                with open(os.path.join(d, n), "wb") as f:
                    f.write(data)
        before = snapshot(d)
        time.sleep(0.01)
        r = cs("init", d)
        check(r.returncode == EXIT_IO, f"{name}: non-empty DIR refused with exit 3, got {r.returncode}")
        check(f"'{d}' is not empty" in r.stderr and "nothing was changed" in r.stderr,
              f"{name}: clear message: {r.stderr!r}")
        check(snapshot(d) == before, f"{name}: DIR left untouched")
        check(r.stdout == "", f"{name}: nothing on stdout")
    # a regular file, and a regular file given as "file/"
    f = os.path.join(tmp, "a-file")
    with open(f, "w") as fh:
        fh.write("keep\n")
    for arg in (f, f + "/"):
        r = cs("init", arg)
        check(r.returncode == EXIT_IO and "exists and is not a directory" in r.stderr,
              f"init {arg}: refused: {r.returncode} {r.stderr!r}")
    check(read(f, "r") == "keep\n", "the file is untouched")
    # a second init into a DIR init wrote
    d = os.path.join(tmp, "twice")
    cs("init", d)
    before = snapshot(d)
    r = cs("init", d)
    check(r.returncode == EXIT_IO and snapshot(d) == before, "a second init into DIR is refused")
    check(leftovers(tmp) == [], f"no private directory left: {leftovers(tmp)}")


def test_missing_parent(tmp):
    before = snapshot(tmp)
    r = cs("init", os.path.join(tmp, "no", "such", "dir"))
    check(r.returncode == EXIT_IO, f"missing parent: exit {r.returncode}, expected 3")
    check("its parent does not exist" in r.stderr, f"missing parent: clear message: {r.stderr!r}")
    f = os.path.join(tmp, "plainfile")
    with open(f, "w"):
        pass
    before = snapshot(tmp)
    r = cs("init", os.path.join(f, "x"))
    check(r.returncode == EXIT_IO and "its parent is not a directory" in r.stderr,
          f"parent is a file: {r.returncode} {r.stderr!r}")
    check(snapshot(tmp) == before, "a failed init creates nothing")


def test_odd_names(tmp):
    d = os.path.join(tmp, "my plan's\tdir")
    r = cs("init", d)
    check(r.returncode == EXIT_OK and os.path.isfile(os.path.join(d, "plan.yaml")), "init into an odd name")
    check("\t" not in r.stdout and "\\x09" in r.stdout, "control bytes in DIR are escaped")
    check("'\\''" in r.stdout, f"a quote in DIR is shell-quoted in the next commands: {r.stdout!r}")


# ---- failures half-way and interruptions ----

def limit_file_size():
    # Writes past 20 kB fail with EFBIG (SIGXFSZ ignored) after several files are written.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))


def test_failure_half_way(tmp):
    d = os.path.join(tmp, "new")
    before = snapshot(tmp, with_self=False)
    r = subprocess.run([CS, "init", d], capture_output=True, text=True, preexec_fn=limit_file_size)
    check(r.returncode == EXIT_IO, f"a failed write: exit {r.returncode}, expected 3: {r.stderr!r}")
    check("cannot write '" + d + "/" in r.stderr and "File too large" in r.stderr,
          f"a failed write names the file: {r.stderr!r}")
    check(snapshot(tmp, with_self=False) == before,
          "a failed init into a new DIR leaves nothing (no DIR, no private dir)")
    e = os.path.join(tmp, "empty")
    os.mkdir(e)
    r = subprocess.run([CS, "init", e], capture_output=True, text=True, preexec_fn=limit_file_size)
    check(r.returncode == EXIT_IO, f"a failed write into an empty DIR: exit {r.returncode}")
    check(os.listdir(e) == [], f"a failed init leaves the empty DIR empty: {os.listdir(e)}")


def test_interrupted(tmp):
    """SIGINT at any moment: DIR is whole or absent, never half-written, no private dir left."""
    whole = sorted(example_files() + ["README.md"])
    for k, delay in enumerate([0, 0.001, 0.002, 0.004, 0.008, 0.016, 0.03]):
        d = os.path.join(tmp, f"int{k}")
        p = subprocess.Popen([CS, "init", d], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        p.wait(timeout=60)
        state = sorted(os.listdir(d)) if os.path.exists(d) else None
        check(state in (None, whole), f"SIGINT after {delay} s: DIR whole or absent, got {state}")
        if state:
            check(cs("check", "--quiet", os.path.join(d, "plan.yaml")).returncode == 0,
                  f"SIGINT after {delay} s: the DIR left is a valid plan")
    check(leftovers(tmp) == [], f"SIGINT leaves no private directory: {leftovers(tmp)}")


def main():
    tests = [test_help, test_usage, test_files_equal_example, test_check_and_run,
             test_existing_empty, test_refuses_non_empty, test_missing_parent, test_odd_names,
             test_failure_half_way, test_interrupted]
    for t in tests:
        with tempfile.TemporaryDirectory(prefix="cs-init-") as tmp:
            n = len(failures)
            t0 = time.time()
            t(tmp)
            print(f"{'ok  ' if len(failures) == n else 'FAIL'} {t.__name__} ({time.time() - t0:.1f} s)")
    print(f"{len(tests)} tests, {len(failures)} failed checks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
