#!/usr/bin/env python3
"""End-to-end checks of `careshift run/check --set PATH=VALUE` (issue 12, the what-if core):
for each override (uptake max, an effect change, a sector price, a distribution, the discount
rate, a scenario delay, a start per subregion, a named parameter, a theme and an intervention
left out), `run --set` writes every CSV table equal (1e-12 relative) to a run of a copy of the
plan edited by hand here; bad overrides (unknown path with its did-you-mean, out of range,
not a number, a list item that does not exist, bad syntax) exit 1 naming each override, all
at once; the plan files are never changed (bytes and mtime).

usage: test_set.py CARESHIFT_BINARY
"""
import copy
import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import baseplan  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
RUN_OPTS = ["--no-intervention-shapley", "--threads", "2", "--quiet"]
# What differs between a plan with --set and its edited copy by design: where the plan is and
# its checksums (run_info.csv), and where each input stands in the file (inputs.csv).
SKIP_INFO = {"plan", "plan_checksum", "inputs_checksum"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


# Plans are edited as text trees: every scalar stays the text it was (BaseLoader), written
# back plain where YAML allows (BaseResolver), so 0.30 stays 0.30 and 2023 stays 2023.
class TextDumper(yaml.emitter.Emitter, yaml.serializer.Serializer,
                 yaml.representer.SafeRepresenter, yaml.resolver.BaseResolver):
    def __init__(self, stream, **kw):
        yaml.emitter.Emitter.__init__(self, stream, width=1000)
        yaml.serializer.Serializer.__init__(self)
        yaml.representer.SafeRepresenter.__init__(self, default_flow_style=None,
                                                  sort_keys=False)
        yaml.resolver.BaseResolver.__init__(self)


def load_tree(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=yaml.BaseLoader)


def by_id(items, i):
    return next(x for x in items if x.get("id") == i)


def run(plan, out, sets=(), extra=()):
    args = [CS, "run", plan, "--out", out] + RUN_OPTS + list(extra)
    for s in sets:
        args += ["--set", s]
    return subprocess.run(args, capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def same_cell(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-12 * max(abs(x), abs(y))


def differs(a, b):
    """Whether any CSV table of two runs differs (run_info and inputs aside)."""
    for name in os.listdir(a):
        if not name.endswith(".csv") or name in ("run_info.csv", "inputs.csv"):
            continue
        pb = os.path.join(b, name)
        if not os.path.exists(pb) or read_csv(os.path.join(a, name)) != read_csv(pb):
            return True
    return False


def compare_dirs(a, b, what):
    fa = sorted(f for f in os.listdir(a) if f.endswith(".csv"))
    fb = sorted(f for f in os.listdir(b) if f.endswith(".csv"))
    check(fa == fb, f"{what}: the same CSV files ({set(fa) ^ set(fb)})")
    for name in set(fa) & set(fb):
        if name == "inputs.csv":
            continue  # lines and sources differ by design (the override has no line)
        ra, rb = read_csv(os.path.join(a, name)), read_csv(os.path.join(b, name))
        if name == "run_info.csv":
            ra = [r for r in ra if r[0] not in SKIP_INFO]
            rb = [r for r in rb if r[0] not in SKIP_INFO]
        if len(ra) != len(rb):
            check(False, f"{what}: {name}: {len(ra)} rows against {len(rb)}")
            continue
        bad = [(i, x, y) for i, (p, q) in enumerate(zip(ra, rb))
               for x, y in zip(p, q) if not same_cell(x, y)]
        bad += [(i, p, q) for i, (p, q) in enumerate(zip(ra, rb)) if len(p) != len(q)]
        check(not bad, f"{what}: {name}: {len(bad)} cells differ, first {bad[:1]}")


def fingerprint(d):
    out = {}
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        with open(p, "rb") as fh:
            out[f] = (hashlib.sha256(fh.read()).hexdigest(), os.stat(p).st_mtime_ns)
    return out


def copy_plan(src, dst, tree):
    shutil.copytree(src, dst)
    with open(os.path.join(dst, "plan.yaml"), "w", encoding="utf-8") as f:
        yaml.dump(tree, f, Dumper=TextDumper)
    return os.path.join(dst, "plan.yaml")


def case(tmp, src, name, sets, edit):
    """run --set sets on src/plan.yaml against a run of a copy of it edited by edit(tree)."""
    tree = load_tree(os.path.join(src, "plan.yaml"))
    edit(tree)
    plan = copy_plan(src, os.path.join(tmp, name + "-plan"), tree)
    r1 = run(os.path.join(src, "plan.yaml"), os.path.join(tmp, name + "-set"), sets)
    r2 = run(plan, os.path.join(tmp, name + "-copy"))
    check(r1.returncode == 0, f"{name}: run --set exit {r1.returncode}: {r1.stderr[-600:]}")
    check(r2.returncode == 0, f"{name}: run of the copy exit {r2.returncode}: {r2.stderr[-600:]}")
    if r1.returncode == 0 and r2.returncode == 0:
        compare_dirs(os.path.join(tmp, name + "-set"), os.path.join(tmp, name + "-copy"), name)
    # the override did something: not the plan's own results
    base = os.path.join(tmp, os.path.basename(src) + "-base")
    if not os.path.exists(base):
        check(run(os.path.join(src, "plan.yaml"), base).returncode == 0, f"{src}: plain run")
    check(differs(os.path.join(tmp, name + "-set"), base), f"{name}: changes the results")
    return os.path.join(tmp, name + "-set")


def iv(tree, theme, i):
    return by_id(by_id(tree["themes"], theme)["interventions"], i)


def example_cases(tmp):
    acp = "themes[palliatief].interventions[acp]"

    def uptake(t):
        iv(t, "palliatief", "acp")["uptake"]["max"] = "0.2"

    def effect(t):
        iv(t, "palliatief", "acp")["effects"][0]["change"] = "-0.3"

    def price(t):
        by_id(t["sectors"], "hospital_day")["price"] = {"dist": "gamma", "mean": "700",
                                                        "sd": "50"}

    def rate(t):
        t["economics"]["discount_rate"] = "0.04"

    def delay(t):
        by_id(t["scenarios"], "parkstad-later")["delay"]["Parkstad"] = "3"

    def start(t):
        u = iv(t, "palliatief", "acp")["uptake"]
        u["start_by_subregion"]["Parkstad"] = "2028"
        u["start_by_subregion"]["Westelijke Mijnstreek"] = "2026"

    def theme_off(t):
        t["themes"] = [x for x in t["themes"] if x["id"] != "digitalisering"]

    def param(t):
        t["parameters"]["retention"] = "-0.05"

    cases = [
        ("uptake", [f"{acp}.uptake.max=0.2"], uptake),
        ("effect", [f"{acp}.effects[1].change=-0.3"], effect),
        ("price", ["sectors[hospital_day].price={dist: gamma, mean: 700, sd: 50}"], price),
        ("rate", ["economics.discount_rate=0.04"], rate),
        ("delay", ["scenarios[parkstad-later].delay.Parkstad=3"], delay),
        ("start", [f"{acp}.uptake.start_by_subregion.Parkstad=2028",
                   f"{acp}.uptake.start_by_subregion[Westelijke Mijnstreek]=2026"], start),
        ("theme-off", ["themes[digitalisering].enabled=false"], theme_off),
        ("param", ["$retention=-0.05"], param),
    ]
    for name, sets, edit in cases:
        case(tmp, EXAMPLE, "zl-" + name, sets, edit)
    # all at once, applied in order
    allsets = [s for _, sets, _ in cases for s in sets]

    def every(t):
        for _, _, edit in cases:
            edit(t)
    out = case(tmp, EXAMPLE, "zl-all", allsets, every)
    # the overrides make a run of their own: not the plan's inputs checksum
    with open(os.path.join(out, "run_info.csv"), encoding="utf-8") as f:
        info = dict(r for r in csv.reader(f))
    base = os.path.join(tmp, "zuid-limburg-base")  # made by case()
    with open(os.path.join(base, "run_info.csv"), encoding="utf-8") as f:
        info0 = dict(r for r in csv.reader(f))
    check(info["plan_checksum"] == info0["plan_checksum"], "plan_checksum is the file's")
    check(info["inputs_checksum"] != info0["inputs_checksum"], "inputs_checksum has the overrides")


def small_plan(tmp):
    d = os.path.join(tmp, "small")
    os.makedirs(d)
    for name, text in baseplan.base_files().items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    # a second theme, so that one can be left out
    tree = load_tree(os.path.join(d, "plan.yaml"))
    th2 = copy.deepcopy(tree["themes"][0])
    th2["id"], th2["name"] = "th2", "Theme two"
    th2["interventions"][0]["id"] = "iv2"
    th2["interventions"][0]["uptake"]["max"] = "0.3"
    tree["themes"].append(th2)
    with open(os.path.join(d, "plan.yaml"), "w", encoding="utf-8") as f:
        yaml.dump(tree, f, Dumper=TextDumper)
    return d


def small_cases(tmp):
    d = small_plan(tmp)
    iv1 = "themes[th1].interventions[iv1]"

    def edit(t):
        u = iv(t, "th1", "iv1")
        u["uptake"]["max"] = "0.8"
        u["uptake"]["start_by_subregion"] = {"North": "2027"}
        u["effects"][1]["change"] = "0.5"
        by_id(t["sectors"], "gp")["price"] = "41.5"
        t["economics"]["discount_rate"] = "0.035"
        by_id(t["scenarios"], "north-later")["delay"]["North"] = "2"
        t["parameters"]["eff"] = {"dist": "beta", "mean": "0.3", "sd": "0.05"}

    sets = [f"{iv1}.uptake.max=0.8", f"{iv1}.uptake.start_by_subregion.North=2027",
            f"{iv1}.effects[2].change=0.5", "sectors[gp].price=41.5",
            "economics.discount_rate=0.035", "scenarios[north-later].delay.North=2",
            "$eff={dist: beta, mean: 0.3, sd: 0.05}"]
    case(tmp, d, "small-many", sets, edit)

    def off(t):
        t["themes"] = [x for x in t["themes"] if x["id"] != "th1"]
    case(tmp, d, "small-off", ["themes[th1].enabled=false", "themes[th2].enabled=true"], off)

    def iv_off(t):
        th = by_id(t["themes"], "th2")
        th["interventions"][0]["uptake"]["max"] = "0.1"
    case(tmp, d, "small-pos", ["themes[2].interventions[1].uptake.max=0.1"], iv_off)
    return d


def bad_cases(tmp, small):
    plan = os.path.join(EXAMPLE, "plan.yaml")
    before = fingerprint(EXAMPLE)
    acp = "themes[palliatief].interventions[acp]"
    bad = {
        "themes[paliatief].interventions[acp].uptake.max=0.2": "did you mean 'palliatief'?",
        f"{acp}.uptake.maks=0.2": "did you mean 'max'?",
        f"{acp}.uptake.max=1.5": "out of range (expected a probability in [0, 1])",
        "sectors[hospital_day].price=cheap": "is not a number",
        f"{acp}.effects[9].change=0.1": "no item '9'",
        "themes[palliatief].interventions[akp].uptake.max=0.2": "did you mean 'acp'?",
        "economics.discount_rate": "expected PATH=VALUE",
        "sectors[gp]..price=3": "is not a plan path",
        "sectors[gp].price.x=3": "is a scalar",
        "scenarios[parkstad-later].delay.Parkstadt=3": "Parkstad",
        "themes[ouderen].enabled=maybe": "expected true or false",
        "sectors[gp].price={dist: gamma, mean: 50": "yaml syntax error",
        "sectors[gp].price='50'": "quoted string",
    }
    for cmd in ("run", "check"):
        args = [CS, cmd, plan]
        if cmd == "run":
            args += ["--out", os.path.join(tmp, "bad-out")] + RUN_OPTS
        for s in bad:
            args += ["--set", s]
        r = subprocess.run(args, capture_output=True, text=True)
        check(r.returncode == 1, f"{cmd} with bad overrides: exit {r.returncode}")
        lines = r.stderr.splitlines()
        for s, want in bad.items():
            # a problem in the value's YAML text has its line and column in the value
            hit = [ln for ln in lines if ln.startswith(f"--set {s}:") and want in ln]
            check(hit, f"{cmd}: --set {s}: a line naming it with {want!r}:\n{r.stderr}")
        check(f"{len(bad)} problems found" in r.stderr,
              f"{cmd}: all {len(bad)} problems at once:\n{r.stderr[-300:]}")
        check(not os.path.exists(os.path.join(tmp, "bad-out", "care.csv")), f"{cmd}: no output")
    # a good override passes check; the plan's files are as they were
    r = subprocess.run([CS, "check", "-q", plan, "--set", f"{acp}.uptake.max=0.2"],
                       capture_output=True, text=True)
    check(r.returncode == 0 and not r.stdout, f"check --set of a good value: {r.returncode}")
    check(fingerprint(EXAMPLE) == before, "the example's files are unchanged (bytes, mtime)")
    r = subprocess.run([CS, "run", "--help"], capture_output=True, text=True)
    check("--set PATH=VALUE" in r.stdout, "run --help tells of --set")
    r = subprocess.run([CS, "check", "--help"], capture_output=True, text=True)
    check("--set PATH=VALUE" in r.stdout, "check --help tells of --set")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        before = fingerprint(EXAMPLE)
        example_cases(tmp)
        small = small_cases(tmp)
        bad_cases(tmp, small)
        check(fingerprint(EXAMPLE) == before, "the example is unchanged after every run")
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)
    print("test_set: ok")


if __name__ == "__main__":
    main()
