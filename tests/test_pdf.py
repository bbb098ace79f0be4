#!/usr/bin/env python3
"""End-to-end checks of report.pdf (docs/report.md, issue 11): `careshift report DIR --pdf` and
`careshift run --pdf` print report.html through headless Chromium to an A4 PDF with at least a
page per section, listed in the run's manifest; a second run into DIR still works. Without
Chromium a note says so and only report.html is written (exit 0). A Chromium that hangs is
killed with its process group after CARESHIFT_PDF_TIMEOUT seconds (exit 3); one that fails
has its last lines shown; one that writes something other than a PDF is refused. Nothing is
left behind in DIR or in TMPDIR, and an earlier report.pdf is kept when printing fails.

Skipped (exit 77) when /usr/bin/chromium is not installed.

usage: test_pdf.py CARESHIFT_BINARY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(ROOT, "examples", "zuid-limburg", "plan.yaml")
CHROMIUM = "/usr/bin/chromium"
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def careshift(binary, *args, env=None, timeout=600):
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def run(binary, out, *args, env=None):
    return careshift(binary, "run", PLAN, "--out", out, "--quiet", "--no-intervention-shapley",
                     *args, env=env)


def manifest(out):
    with open(os.path.join(out, ".careshift-manifest")) as f:
        return f.read().split()


def leftovers(out):
    """Temporary files in a run directory (NAME.tmp.PID) or anything under report.pdf's name
    that is not report.pdf itself."""
    return [n for n in os.listdir(out) if ".tmp." in n or (n.startswith("report.pdf") and
                                                           n != "report.pdf")]


def sections(out):
    with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
        return len(re.findall(r"<section id=", f.read()))


def pdf_facts(path):
    """(header ok, whole, page count, media boxes) of a PDF, read without a PDF library:
    Chromium (Skia) writes every page as an object of its own, not in object streams."""
    with open(path, "rb") as f:
        b = f.read()
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", b))
    boxes = [tuple(float(x) for x in m.split())
             for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", b)]
    return b.startswith(b"%PDF-"), b"%%EOF" in b[-64:], pages, boxes


def a4(box):
    x0, y0, x1, y1 = box
    return x0 == 0 and y0 == 0 and 594 <= x1 - x0 <= 596 and 841 <= y1 - y0 <= 843


def check_pdf(out, what):
    path = os.path.join(out, "report.pdf")
    if not os.path.isfile(path):
        check(False, f"{what}: report.pdf written")
        return
    head, whole, pages, boxes = pdf_facts(path)
    check(head and whole, f"{what}: report.pdf starts with %PDF- and ends with %%EOF")
    n = sections(out)
    check(pages >= n >= 5, f"{what}: {pages} pages for {n} sections (each starts a page)")
    check(boxes and all(a4(b) for b in boxes), f"{what}: every page is A4 ({set(boxes)})")
    check(os.path.getsize(path) > 50000, f"{what}: the PDF has the charts "
          f"({os.path.getsize(path)} bytes)")
    check("report.pdf" in manifest(out), f"{what}: the manifest lists report.pdf")
    check(not leftovers(out), f"{what}: no temporary files in DIR ({leftovers(out)})")


def script(folder, name, body):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie whose parent (the killed script) is gone is reaped by init soon
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ")[1].startswith("Z")


def test_report_pdf(binary, tmp, env):
    out = os.path.join(tmp, "run")
    r = run(binary, out, env=env)
    check(r.returncode == 0, f"run without --pdf exits 0 ({r.returncode}: {r.stderr.strip()})")
    check(not os.path.exists(os.path.join(out, "report.pdf")), "run without --pdf: no report.pdf")
    t = time.time()
    r = careshift(binary, "report", out, "--pdf", env=env)
    check(r.returncode == 0, f"report DIR --pdf exits 0 ({r.returncode}: {r.stderr.strip()})")
    check(r.stdout.strip().endswith("/report.pdf"), f"report says where the PDF is ({r.stdout!r})")
    print(f"     (printed in {time.time() - t:.1f} s)")
    check_pdf(out, "report --pdf")
    r = run(binary, out, env=env)
    check(r.returncode == 0, f"a second run into DIR still works ({r.returncode}: "
          f"{r.stderr.strip()})")
    check(not os.path.exists(os.path.join(out, "report.pdf")),
          "the second run (no --pdf) removed the old run's report.pdf with the old run")
    return out


def test_run_pdf(binary, tmp, env):
    out = os.path.join(tmp, "run pdf #1 50%")  # the URL must be percent-encoded
    args = os.path.join(tmp, "args.txt")
    wrap = script(tmp, "wrap", f'printf "%s\\n" "$@" > "{args}"\nexec {CHROMIUM} "$@"\n')
    r = careshift(binary, "run", PLAN, "--out", out, "--no-intervention-shapley", "--pdf",
                  env=dict(env, CARESHIFT_CHROMIUM=wrap))
    check(r.returncode == 0, f"run --pdf exits 0 ({r.returncode}: {r.stderr.strip()})")
    check("printed: " in r.stdout and "report.pdf" in r.stdout, "run --pdf says where the PDF is")
    check_pdf(out, "run --pdf, a folder name with ' ', '#' and '%'")
    argv = open(args).read().splitlines()
    url = "file://" + os.path.realpath(out).replace("%", "%25").replace(" ", "%20") \
        .replace("#", "%23") + "/report.html"
    check(url in argv, f"Chromium is given the percent-encoded file URL ({argv[-1]})")
    check("--headless" in argv and "--no-pdf-header-footer" in argv and
          any(a.startswith("--virtual-time-budget=") for a in argv), "Chromium's options")
    check(("--no-sandbox" in argv) == (os.geteuid() == 0), "--no-sandbox exactly as root")
    tmpdir = env["TMPDIR"]
    check(any(a.startswith(f"--user-data-dir={tmpdir}/careshift-pdf-") for a in argv) and
          any(a.startswith(f"--print-to-pdf={tmpdir}/careshift-pdf-") for a in argv),
          "a private profile and output folder under TMPDIR")
    return out


def test_no_chromium(binary, tmp, out, env):
    bad = dict(env, CARESHIFT_CHROMIUM="/nonexistent")
    r = careshift(binary, "report", out, "--pdf", env=bad)
    check(r.returncode == 0, f"no Chromium: report --pdf exits 0 ({r.returncode})")
    check(": headless Chromium not found" in r.stderr and "note: " in r.stderr and "wrote report.html only" in r.stderr
          and "/nonexistent" in r.stderr, f"no Chromium: a note says so ({r.stderr.strip()})")
    check(os.path.isfile(os.path.join(out, "report.html")) and
          not os.path.exists(os.path.join(out, "report.pdf")), "no Chromium: HTML only")
    out2 = os.path.join(tmp, "run-nochromium")
    r = run(binary, out2, "--pdf", env=bad)
    check(r.returncode == 0 and "not found" in r.stderr and
          not os.path.exists(os.path.join(out2, "report.pdf")) and
          os.path.isfile(os.path.join(out2, "report.html")),
          f"no Chromium: run --pdf exits 0 with the note and the HTML ({r.returncode})")


def test_hang(binary, tmp, out, env):
    pidfile = os.path.join(tmp, "sleeper.pid")
    hang = script(tmp, "hang", f'sleep 300 &\necho $! > "{pidfile}"\nwait\n')
    henv = dict(env, CARESHIFT_CHROMIUM=hang, CARESHIFT_PDF_TIMEOUT="2")
    t = time.time()
    r = careshift(binary, "report", out, "--pdf", env=henv, timeout=120)
    took = time.time() - t
    check(r.returncode == 3, f"a Chromium that hangs: exit 3 ({r.returncode})")
    check("did not finish printing within 2 s" in r.stderr, f"...and says so ({r.stderr.strip()})")
    check(took < 30, f"...stopped by the timeout ({took:.1f} s)")
    # SIGKILL is delivered at once, but a loaded machine may take a moment to end the process;
    # no pidfile: the script was stopped before it started its child (a loaded machine too)
    deadline = time.time() + 10
    while os.path.exists(pidfile) and not gone(int(open(pidfile).read() or 0)) and time.time() < deadline:
        time.sleep(0.1)
    check(not os.path.exists(pidfile) or gone(int(open(pidfile).read() or 0)),
          "...with its whole process group (the script's own child is gone)")
    check(not os.path.exists(os.path.join(out, "report.pdf")) and not leftovers(out),
          "...no report.pdf and no temporary file in DIR")
    r = run(binary, os.path.join(tmp, "run-hang"), "--pdf", env=henv)
    check(r.returncode == 3 and "complete without it" in r.stderr,
          f"run --pdf with a Chromium that hangs: exit 3, the run written ({r.returncode})")
    check(os.path.isfile(os.path.join(tmp, "run-hang", "results.db")) and
          "report.pdf" not in manifest(os.path.join(tmp, "run-hang")),
          "...its tables are in place, its manifest has no report.pdf")


def test_bad_output(binary, tmp, out, keep, env):
    before = open(os.path.join(keep, "report.pdf"), "rb").read()
    garbage = script(tmp, "garbage", 'for a; do case "$a" in --print-to-pdf=*) '
                     'head -c 100000 /dev/urandom > "${a#--print-to-pdf=}";; esac; done\n')
    r = careshift(binary, "report", out, "--pdf", env=dict(env, CARESHIFT_CHROMIUM=garbage))
    check(r.returncode == 3 and "no usable PDF" in r.stderr,
          f"a Chromium that writes garbage is refused ({r.returncode}: {r.stderr.strip()})")
    check(not os.path.exists(os.path.join(out, "report.pdf")) and not leftovers(out),
          "...no report.pdf and no temporary file in DIR")
    fail = script(tmp, "fail", 'echo "starting up"\necho "fatal: no display for you" >&2\nexit 1\n')
    r = careshift(binary, "report", keep, "--pdf", env=dict(env, CARESHIFT_CHROMIUM=fail))
    check(r.returncode == 3 and "exit status 1" in r.stderr and
          ": said: fatal: no display for you" in r.stderr,
          f"a Chromium that fails: exit 3 with its last lines ({r.stderr.strip()})")
    check(open(os.path.join(keep, "report.pdf"), "rb").read() == before and not leftovers(keep),
          "...the earlier report.pdf is kept as it was")


def main(binary):
    if not os.access(CHROMIUM, os.X_OK):
        print(f"skip: {CHROMIUM} is not installed (scripts/setup installs Debian's chromium)")
        return 77
    binary = os.path.abspath(binary)
    tmp = tempfile.mkdtemp(prefix="cs-pdf-")
    tmpdir = os.path.join(tmp, "tmpdir")
    os.mkdir(tmpdir)
    env = dict(os.environ, TMPDIR=tmpdir)
    env.pop("CARESHIFT_CHROMIUM", None)
    env.pop("CARESHIFT_PDF_TIMEOUT", None)
    try:
        out = test_report_pdf(binary, tmp, env)
        keep = test_run_pdf(binary, tmp, env)
        test_no_chromium(binary, tmp, out, env)
        test_hang(binary, tmp, out, env)
        test_bad_output(binary, tmp, out, keep, env)
        check(os.listdir(tmpdir) == [], f"nothing is left in TMPDIR ({os.listdir(tmpdir)})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{res['passed']} passed, {res['failed']} failed")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
