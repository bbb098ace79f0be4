#!/usr/bin/env python3
"""End-to-end checks of `careshift run` under MPI (issue 14, docs/mpi.md): on loopback,
`mpirun -n 3` and `mpirun -n 2` with 2 threads each write the same bytes as one process with one
thread and with two (every CSV, results.db, business_case.xlsx, report.html; run.log says how
it ran, with its time); so do runs where a process gets no job at all and where a block ends
between a tornado parameter's two runs; only process 0 prints the summary. The Shapley runs
per intervention are split too: deterministic runs (sampled orders, and every subset with
`--set economics.intervention_shapley=exact`) and a run with draws on 3 processes write the
same bytes as one process. A process that fails before its run (its plan missing, process 0's
output directory refused; with draws and without) or is killed, or processes given other
options, end the run with a clear message, a non-zero exit and the output directory as it was,
and nothing hangs.

Skipped (exit 77, Meson's skip code) with the reason printed when mpirun is not installed or
the binary was built without MPI (meson setup -Dmpi=disabled).

usage: test_mpi.py CARESHIFT_BINARY
"""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
# The Shapley runs per intervention (about a second of the example): left out where a check is
# about the PSA alone (shapley_runs checks them).
QUICK = ["--no-intervention-shapley"]
PSA_FILES = ["psa_draws.csv", "psa_summary.csv", "psa_probabilities.csv", "ceac.csv",
             "tornado.csv"]
SKIP = 77
HANG = 150  # seconds: a run that takes longer is stuck

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def env():
    e = dict(os.environ)
    # containers often forbid the cross-memory attach of Open MPI's shared-memory transport
    e.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
    # under AddressSanitizer, LeakSanitizer reports Open MPI's own allocations at exit
    # (from its unloaded plugins): careshift's are checked by the one-process tests
    if "ASAN_OPTIONS" in e:
        e["ASAN_OPTIONS"] += ":detect_leaks=0"
    return e


def mpirun(n, *args):
    return ["mpirun", "--oversubscribe", "--allow-run-as-root", "-n", str(n)] + list(args)


def run(cmd, what):
    t = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env(), timeout=HANG)
    except subprocess.TimeoutExpired:
        failures.append(f"{what}: did not end within {HANG} s (hung)")
        return None
    print(f"  {what}: exit {p.returncode}, {time.monotonic() - t:.1f} s", flush=True)
    return p


def files_of(d):
    return sorted(f for f in os.listdir(d) if os.path.isfile(os.path.join(d, f)))


def same_bytes(ref, got, what, psa=True):
    """Every file of ref in got with the same bytes, but run.log (it has the run's time)."""
    names = files_of(ref)
    check(names == files_of(got), f"{what}: other files than one process: {files_of(got)}")
    for f in PSA_FILES if psa else ["shapley_intervention.csv"]:
        check(f in names, f"{what}: {f} missing")
    for f in names:
        if f != "run.log" and os.path.exists(os.path.join(got, f)):
            check(filecmp.cmp(os.path.join(ref, f), os.path.join(got, f), shallow=False),
                  f"{what}: {f} differs from the one-process run")


def snapshot(d):
    return {f: open(os.path.join(d, f), "rb").read() for f in files_of(d)}


def main():
    if not shutil.which("mpirun"):
        print("SKIP: mpirun is not installed (Debian: apt-get install openmpi-bin "
              "libopenmpi-dev; scripts/setup does)")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="cs-mpi-")
    try:
        probe = run(mpirun(2, CS, "run", "--help"), "probe: mpirun -n 2 careshift run --help")
        if probe is None:
            return 1
        if "cannot share a run" in probe.stderr:
            print("SKIP: this careshift was built without MPI (meson setup -Dmpi=enabled)")
            return SKIP
        check(probe.returncode == 0, f"probe: exit {probe.returncode}: {probe.stderr[-2000:]}")

        def out(name):
            return os.path.join(tmp, name)

        base = ["run", PLAN, "--draws", "40"] + QUICK
        ref = run([CS] + base + ["--threads", "1", "--out", out("ref")], "1 process, 1 thread")
        if not check(ref is not None and ref.returncode == 0, "the one-process run failed"):
            return finish(tmp)
        for n, threads, name in ((1, 2, "t2"), (3, 1, "n3"), (2, 2, "n2t2")):
            cmd = [CS] + base + ["--threads", str(threads), "--out", out(name)]
            p = run(cmd if n == 1 else mpirun(n, *cmd), f"{n} process(es) x {threads} thread(s)")
            if p is None or not check(p.returncode == 0, f"{name}: exit {p.returncode}: "
                                      f"{p.stderr[-2000:]}"):
                continue
            same_bytes(out("ref"), out(name), name)
            # the summary once, from process 0, as one process prints it
            check(p.stdout.replace(out(name), "DIR") == ref.stdout.replace(out("ref"), "DIR"),
                  f"{name}: the summary differs from the one-process run's")
            log = open(os.path.join(out(name), "run.log")).read()
            if n > 1:
                check(f"split over {n} processes" in log, f"{name}: run.log does not say so")
        check(p is None or p.stderr == "", f"n2t2: said something on stderr: {p.stderr[-500:]}")

        # a process without a job (2 draws, 3 processes), and small uneven blocks
        for draws, n in ((2, 3), (7, 3)):
            args = ["run", PLAN, "--draws", str(draws), "--no-tornado", "--quiet"] + QUICK
            a = run([CS] + args + ["--out", out(f"d{draws}-1")], f"{draws} draws, 1 process")
            b = run(mpirun(n, CS, *args, "--out", out(f"d{draws}-{n}")),
                    f"{draws} draws, {n} processes")
            if a and b and check(a.returncode == 0 and b.returncode == 0,
                                 f"{draws} draws: exit {a.returncode}, {b.returncode}: "
                                 f"{b.stderr[-2000:]}"):
                same_bytes(out(f"d{draws}-1"), out(f"d{draws}-{n}"), f"{draws} draws on {n}")

        shapley_runs(out)
        # a server is one process: under mpirun every copy refuses at once
        p = run(mpirun(2, CS, "serve", "--plan", PLAN, "--port", "18573"), "serve under mpirun")
        if p is not None:
            check(p.returncode == 2 and "a server is one process" in p.stderr,
                  f"serve under mpirun: exit {p.returncode}: {p.stderr[-1000:]}")
        failing(out, tmp)
        return finish(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def shapley_runs(out):
    """The Shapley runs per intervention split over the processes: the same bytes."""
    cases = (("sampled", [], 0, 3), ("exact", ["--set", "economics.intervention_shapley=exact"], 0, 3),
             ("exact-n2", ["--set", "economics.intervention_shapley=exact"], 0, 2),
             ("draws", [], 12, 3))
    for name, extra, draws, n in cases:
        args = ["run", PLAN, "--quiet", "--threads", "1"] + extra
        if draws:
            args += ["--draws", str(draws)]
        a = run([CS] + args + ["--out", out(f"iv-{name}-1")], f"shapley {name}, 1 process")
        b = run(mpirun(n, CS, *args, "--out", out(f"iv-{name}-{n}")),
                f"shapley {name}, {n} processes")
        if not (a and b and check(a.returncode == 0 and b.returncode == 0,
                                  f"shapley {name}: exit {a.returncode}, {b.returncode}: "
                                  f"{b.stderr[-2000:]}")):
            continue
        same_bytes(out(f"iv-{name}-1"), out(f"iv-{name}-{n}"), f"shapley {name} on {n}",
                   psa=bool(draws))
        log = open(os.path.join(out(f"iv-{name}-{n}"), "run.log")).read()
        check(f"shapley per intervention: {name.split('-')[0] if not draws else 'sampled'}" in log
              and f"split over {n} processes (MPI)" in log,
              f"shapley {name}: run.log does not say the runs were split: {log[-800:]}")


def failing(out, tmp):
    """Failures end the run everywhere, say why, and leave the output directory as it was."""
    prev = out("n3")  # a finished run: must stay whole
    if not os.path.isdir(prev):
        return
    before = snapshot(prev)
    args = ["run", PLAN, "--draws", "40", "--threads", "1", "--quiet"] + QUICK

    # process 1 cannot load its plan (as when a node does not see the file)
    missing = os.path.join(tmp, "nowhere", "plan.yaml")
    cmd = (mpirun(1, CS, *args, "--out", prev) + [":", "-n", "1", CS, "run", missing] +
           args[2:] + ["--out", prev])
    p = run(cmd, "process 1 without its plan")
    if p is not None:
        check(p.returncode != 0, "a process without its plan: exit 0")
        check("process 1 of 2 (MPI) failed before its run" in p.stderr and
              p.returncode == 1,
              f"a process without its plan: no message from process 0: {p.stderr[-2000:]}")
        check("does not exist" in p.stderr, "a process without its plan: not said why")
        check(snapshot(prev) == before, "a process without its plan: the old run changed")

    # the same without draws: the other processes share the Shapley runs per intervention
    cmd = (mpirun(1, CS, *args[:2], "--quiet", "--out", prev) +
           [":", "-n", "2", CS, "run", missing, "--quiet", "--out", prev])
    p = run(cmd, "process 1 without its plan, no draws")
    if p is not None:
        check(p.returncode == 1 and "process 1 of 3 (MPI) failed before its run" in p.stderr,
              f"no draws, a process without its plan: exit {p.returncode}: {p.stderr[-2000:]}")
        check(snapshot(prev) == before, "no draws, a process without its plan: the old run changed")

    # processes given other options (here on process 0, which would otherwise run alone and
    # write; and another seed with draws): they meet, find they differ, and nothing is written
    for what, left, right in (("--no-intervention-shapley on process 0", QUICK, []),
                              ("another --seed on process 1", ["--draws", "5"],
                               ["--draws", "5", "--seed", "2"])):
        cmd = (mpirun(1, CS, *args[:2], "--quiet", *left, "--out", prev) +
               [":", "-n", "2", CS, *args[:2], "--quiet", *right, "--out", prev])
        p = run(cmd, what)
        if p is not None:
            check(p.returncode == 1 and "do not run the same plan with the same options" in
                  p.stderr, f"{what}: exit {p.returncode}: {p.stderr[-2000:]}")
            check(snapshot(prev) == before, f"{what}: the old run changed")

    # process 0's output directory holds a file careshift did not write: refused at once
    foreign = out("foreign")
    os.makedirs(foreign)
    open(os.path.join(foreign, "mine.txt"), "w").write("not careshift's\n")
    p = run(mpirun(3, CS, *args, "--out", foreign), "process 0's output directory refused")
    if p is not None:
        check(p.returncode == 3, f"output directory refused: exit {p.returncode}, expected 3")
        check("did not write" in p.stderr, f"output directory refused: {p.stderr[-2000:]}")
        check(files_of(foreign) == ["mine.txt"], "output directory refused: it changed")

    # process 1 is killed during its draws: Open MPI's mpirun ends every process
    big = ["run", PLAN, "--draws", "20000", "--threads", "1", "--quiet", "--no-tornado"] + QUICK
    cmd = (mpirun(1, CS, *big, "--out", prev) +
           [":", "-n", "1", "timeout", "-s", "KILL", "3", CS] + big + ["--out", prev])
    p = run(cmd, "process 1 killed")
    if p is not None:
        check(p.returncode != 0, "a killed process: exit 0")
        check(snapshot(prev) == before, "a killed process: the old run changed")


def finish(tmp):
    for f in failures:
        print("FAIL:", f)
    print(f"mpi: {'ok' if not failures else str(len(failures)) + ' failure(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
