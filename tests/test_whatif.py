#!/usr/bin/env python3
"""End-to-end checks of `careshift serve --plan` and its what-if API (issue 12).

Serves the Zuid-Limburg example with --plan on a free loopback port and checks:
- GET /api/whatif/parameters (en, nl): an uptake max and an effect per intervention, the
  discount rate, each theme on/off; each value the plan's (inputs.csv of a plain run, and the
  plan file's number or its distribution's mean), inside [min, max].
- POST /api/whatif against `careshift run` of a copy of the plan with the same overrides
  written into its YAML (tests/test_set.py's helpers), to 1e-12 relative: every criterion of
  both terms (criteria.csv at run_info's short and long year), every business_case row and the
  health economics, for an uptake, an effect, the discount rate, a theme off, a start per
  subregion, a price, several overrides at once (a distribution given as text among them), a
  variant and a without-THEME scenario; no overrides == GET /api/summary of the same server ==
  a plain run; the charts of no overrides == GET /api/charts (en and nl).
- refusals: 400 with the field named for invalid overrides and bodies (ranges, did-you-mean,
  types, JSON, NUL, duplicates, sizes, scenario, lang, the order of overrides; a table's file
  moved out of the plan, /etc/passwd, without a line of it shown), 405 with Allow, 413, 404 on
  a `serve --dir` server; every slider at either end of its range, every theme off: 200.
- 503 with Retry-After when every slot is busy (--whatif-max 1), and the slot free again after
  (also for one client's next what-if right after its answer); keep-alive, chunked bodies, a client gone in the middle of a run, reads answered while a run
  runs; a plan file changed under the server (plan_changed), removed or broken.
- the plan's folder unchanged (sha256 of every file) and no file in the server's CWD;
  SIGTERM in the middle of a what-if: exit 0 within seconds, the client answered or closed.
- static files and traversal; then tests/serve_load.py --whatif 50 against a --plan server:
  200 clients, 5,000 requests (50 what-ifs), 50 slowloris connections: no failure, reads' p99,
  what-if latency and 503s reported, peak RSS under 400 MB.

usage: test_whatif.py CARESHIFT_BINARY
"""
import csv
import hashlib
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

CS = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/careshift"
ROOT = os.environ.get("CS_SRCDIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")
sys.path.insert(0, TESTS)
import test_set as ts  # noqa: E402  (its main runs only as a script)

EXAMPLE = os.path.join(ROOT, "examples", "zuid-limburg")
PLAN = os.path.join(EXAMPLE, "plan.yaml")
ACP = "themes[palliatief].interventions[acp]"
RSS_LIMIT_KB = 400 * 1024
res = {"passed": 0, "failed": 0}


def check(ok, what):
    res["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    return bool(ok)


# ---- servers and requests ----

class Server:
    """`careshift serve ARGS --port 0` in its own empty working directory; the URL from stdout."""

    def __init__(self, tmp, *args):
        self.cwd = tempfile.mkdtemp(prefix="cwd-", dir=tmp)
        self.log = os.path.join(tmp, f"serve-{time.monotonic_ns()}.log")
        self.err = open(self.log, "w")
        t0 = time.monotonic()
        self.p = subprocess.Popen([CS, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                                  stderr=self.err, cwd=self.cwd)
        r, _, _ = select.select([self.p.stdout], [], [], 90)
        line = self.p.stdout.readline().decode() if r else ""
        self.start_s = time.monotonic() - t0
        m = re.fullmatch(r"careshift serve: (http://(127\.0\.0\.1):(\d+)/)\n", line)
        self.url = m.group(1) if m else None
        self.host, self.port = (m.group(2), int(m.group(3))) if m else (None, None)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """The exit code and the seconds it took."""
        t0 = time.monotonic()
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            code = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            code = "hung"
        self.err.close()
        return code, time.monotonic() - t0

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def req(srv, method, path, body=None, headers=None, timeout=60):
    """(status, headers with lower-case names, body bytes, parsed JSON or None)."""
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        hd = dict(headers or {})
        if body is not None:
            hd.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=hd)
        r = c.getresponse()
        data = r.read()
        try:
            j = json.loads(data) if data else None
        except ValueError:
            j = None
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data, j
    finally:
        c.close()


def whatif(srv, body, **kw):
    return req(srv, "POST", "/api/whatif", body=body, **kw)


def is_error(j, field, errors=None):
    """An error answer naming field; errors: whether it must (True) or must not (False) have
    the list of every problem."""
    if not isinstance(j, dict) or not isinstance(j.get("error"), str) or j.get("field", 0) != field:
        return False
    keys = set(j) - {"error", "field"}
    if errors is None:
        return keys <= {"errors"}
    return keys == ({"errors"} if errors else set())


def short(data, n=300):
    return (data[:n].decode("utf-8", "replace") if isinstance(data, bytes) else str(data)[:n]).strip()


# ---- a run's CSV files ----

def read_dicts(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run_info(out):
    with open(os.path.join(out, "run_info.csv"), newline="", encoding="utf-8") as f:
        return {r[0]: r[1] for r in csv.reader(f)}


def same(a, b, rel=1e-12):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b))


def num(text):
    return None if text == "" else float(text)


def expected_summary(out, scenario):
    """The summary's numbers from a run's CSV files, as GET /api/summary gives them."""
    info = run_info(out)
    years = {"short_term": int(info["short_year"]), "long_term": int(info["long_year"])}
    crit = [r for r in read_dicts(os.path.join(out, "criteria.csv")) if r["scenario"] == scenario]
    exp = {"scenario": scenario}
    for term, year in years.items():
        rows = [r for r in crit if int(r["year"]) == year]
        cs = [{"criterion": r["criterion"], "value": float(r["value"]), "unit": r["unit"],
               "threshold": float(r["threshold"]), "substantial": r["substantial"] == "1"} for r in rows]
        exp[term] = {"year": year, "passes": any(c["substantial"] for c in cs), "probability": None,
                     "criteria": cs}
    exp["business_case"] = [
        {"stakeholder": r["stakeholder"], "investment": float(r["investment"]), "savings": float(r["savings"]),
         "npv": float(r["npv"]),
         "break_even_year": int(r["break_even_year"]) if r["break_even_year"] else None,
         "savings_marginal": float(r["savings_marginal"]), "npv_marginal": float(r["npv_marginal"])}
        for r in read_dicts(os.path.join(out, "business_case.csv")) if r["scenario"] == scenario]
    he = [r for r in read_dicts(os.path.join(out, "health_economics.csv")) if r["scenario"] == scenario]
    exp["health_economics"] = {k: (v if k == "verdict" else num(v)) for k, v in he[0].items()
                               if k != "scenario"} if he else None
    return exp


def diff_summary(got, exp, path="summary"):
    """Where two summaries differ beyond 1e-12 relative: a list of 'path: got vs expected'."""
    out = []
    if isinstance(exp, dict):
        if not isinstance(got, dict) or set(got) != set(exp):
            return [f"{path}: keys {sorted(got) if isinstance(got, dict) else got} vs {sorted(exp)}"]
        for k in exp:
            out += diff_summary(got[k], exp[k], f"{path}.{k}")
    elif isinstance(exp, list):
        if not isinstance(got, list) or len(got) != len(exp):
            return [f"{path}: {len(got) if isinstance(got, list) else got} items vs {len(exp)}"]
        for i, (g, e) in enumerate(zip(got, exp)):
            out += diff_summary(g, e, f"{path}[{i}]")
    elif not same(got, exp):
        out.append(f"{path}: {got!r} vs {exp!r}")
    return out


def fingerprint(d):
    """sha256 of every file under d, by relative path."""
    out = {}
    for base, dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = hashlib.sha256(fh.read()).hexdigest()
    return out


# ---- the parameters ----

def dist_mean(v):
    """The number a deterministic run takes for a plan value: the number or its distribution's
    mean; None for what this does not know (a reference)."""
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    if isinstance(v, dict) and "dist" in v:
        f = {k: float(x) for k, x in v.items() if k != "dist" and re.fullmatch(r"-?[\d.eE+-]+", x)}
        d = v["dist"]
        if d == "pert":
            return (f["min"] + 4 * f["mode"] + f["max"]) / 6
        if d == "triangular":
            return (f["min"] + f["mode"] + f["max"]) / 3
        if d == "uniform":
            return (f["min"] + f["max"]) / 2
        if "mean" in f:
            return f["mean"]
    return None


def plan_value(tree, path):
    """The plan file's value at a parameter's path (themes[t].interventions[i]..., a list item
    [n] 1-based, economics.x)."""
    node = tree
    if path.startswith("$"):  # a named parameter
        return tree["parameters"][path[1:]]
    for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", path):
        if part.startswith("["):
            key = part[1:-1]
            if isinstance(node, list):
                node = next((x for x in node if isinstance(x, dict) and x.get("id") == key), None) \
                    if not key.isdigit() else node[int(key) - 1]
            else:
                node = node[key]
        else:
            node = node[part]
    return node


def check_parameters(srv, base, tree):
    st_en, _, _, en = req(srv, "GET", "/api/whatif/parameters")
    st_nl, _, _, nl = req(srv, "GET", "/api/whatif/parameters?lang=nl")
    if not check(st_en == 200 and st_nl == 200 and en["lang"] == "en" and nl["lang"] == "nl",
                 f"GET /api/whatif/parameters en and nl: {st_en} {st_nl}"):
        return []
    pe, pn = en["parameters"], nl["parameters"]
    check([p["path"] for p in pe] == [p["path"] for p in pn]
          and all({k: v for k, v in a.items() if k != "label"} == {k: v for k, v in b.items() if k != "label"}
                  for a, b in zip(pe, pn)),
          "parameters: en and nl the same but for the labels")
    check(all(a["label"] != b["label"] for a, b in zip(pe, pn) if a["kind"] != "discount_rate"),
          "parameters: uptake, effect and theme labels translated")
    # a label names the intervention as the plan does (its name, not its id) and what moves
    names = {(th["id"], i["id"]): i.get("name", i["id"]) for th in tree["themes"] for i in th["interventions"]}
    sectors = {s["id"]: s.get("name", s["id"]) for s in tree.get("sectors", [])}
    bad = []
    for p, q in zip(pe, pn):
        if p["kind"] not in ("uptake_max", "effect"):
            continue
        name = names[(p["theme"], p["intervention"])]
        if not (p["label"].startswith(name + ": ") and q["label"].startswith(name + ": ")
                and p["intervention_name"] == name):
            bad.append(p["label"])
        if p["kind"] == "effect":
            node = plan_value(tree, p.get("effect_path", p["path"]).rsplit(".", 1)[0])
            sec = node.get("sector") or node.get("from")
            if sec in sectors and sectors[sec] not in p["label"]:
                bad.append(p["label"])
    check(not bad, f"parameters: labels name the intervention and the sector it acts on ({bad[:2]})")
    ivs = [(th["id"], i["id"]) for th in tree["themes"] for i in th["interventions"]]
    for th, i in ivs:
        pre = f"themes[{th}].interventions[{i}]"
        up = [p for p in pe if p["kind"] == "uptake_max" and p["intervention"] == i and p["theme"] == th]
        ef = [p for p in pe if p["kind"] == "effect" and p["intervention"] == i and p["theme"] == th]
        check(len(up) == 1 and up[0]["path"] == pre + ".uptake.max",
              f"parameters: one uptake_max for {th}/{i}: {[p['path'] for p in up]}")
        check(len(ef) == 1 and (ef[0]["path"].startswith(pre + ".effects[1].") and "effect_path" not in ef[0]
                                or ef[0]["path"].startswith("$") and ef[0]["effect_path"].startswith(pre + ".effects[1].")
                                and plan_value(tree, ef[0]["effect_path"]) in (ef[0]["path"], "-" + ef[0]["path"])
                                and ef[0]["path"] in ef[0]["label"]),
              f"parameters: one effect for {th}/{i}: {[p['path'] for p in ef]}")
    # a main effect that is a named parameter moves the parameter (the example's behoud:
    # outflow_change: $retention), never a lesser number of the same effect
    beh = [p for p in pe if p["kind"] == "effect" and p["intervention"] == "behoud"]
    check(len(beh) == 1 and beh[0]["path"] == "$retention" and beh[0]["unit"] == "change"
          and beh[0]["effect_path"] == "themes[arbeidsmarkt].interventions[behoud].effects[1].outflow_change",
          f"parameters: behoud's slider moves $retention, its outflow change: {beh}")
    dr = [p for p in pe if p["kind"] == "discount_rate"]
    check(len(dr) == 1 and dr[0]["path"] == "economics.discount_rate"
          and dr[0]["value"] == float(tree["economics"]["discount_rate"]),
          f"parameters: the discount rate, the plan's {tree['economics']['discount_rate']}: {dr}")
    te = [p for p in pe if p["kind"] == "theme_enabled"]
    check([p["path"] for p in te] == [f"themes[{th['id']}].enabled" for th in tree["themes"]]
          and all(p["value"] is True and p["theme"] == th["id"] for p, th in zip(te, tree["themes"])),
          f"parameters: one theme_enabled per theme, true: {[p['path'] for p in te]}")
    check(len(pe) == 2 * len(ivs) + 1 + len(tree["themes"]),
          f"parameters: {len(pe)} = 2 x {len(ivs)} interventions + the discount rate + {len(tree['themes'])} themes")
    inputs = {r["path"]: r["value"] for r in read_dicts(os.path.join(base, "inputs.csv"))}
    bad_csv, bad_plan, bad_range = [], [], []
    for p in pe:
        if p["kind"] == "theme_enabled":
            continue
        v = p["value"]
        if p["path"] not in inputs or not same(v, float(inputs[p["path"]])):
            bad_csv.append((p["path"], v, inputs.get(p["path"])))
        pv = dist_mean(plan_value(tree, p["path"]))
        if pv is None or not same(v, pv, 1e-9):
            bad_plan.append((p["path"], v, pv))
        if not (p["min"] <= v <= p["max"] and p["step"] > 0 and p["min"] < p["max"]):
            bad_range.append((p["path"], p["min"], v, p["max"], p["step"]))
    check(not bad_csv, f"parameters: each value is the plan run's (inputs.csv): {bad_csv[:3]}")
    check(not bad_plan, f"parameters: each value is the plan file's number or its mean: {bad_plan[:3]}")
    check(not bad_range, f"parameters: min <= value <= max, step > 0: {bad_range[:3]}")
    st, _, _, j = req(srv, "GET", "/api/whatif/parameters?lang=de")
    check(st == 400 and is_error(j, "lang", False), f"/api/whatif/parameters?lang=de: 400 lang ({st})")
    st, _, _, j = req(srv, "GET", "/api/whatif/parameters?x=1")
    check(st == 400 and is_error(j, "x", False), f"/api/whatif/parameters?x=1: 400 x ({st})")
    return pe


# ---- what-if against a run of an edited copy ----

def copy_run(tmp, name, edit):
    """A copy of the example with edit(tree) applied, run; its out directory (None on failure)."""
    tree = ts.load_tree(PLAN)
    edit(tree)
    plan = ts.copy_plan(EXAMPLE, os.path.join(tmp, name + "-plan"), tree)
    out = os.path.join(tmp, name + "-copy")
    r = ts.run(plan, out)
    return out if check(r.returncode == 0, f"{name}: run of the edited copy: {r.stderr[-400:]}") else None


def compare(srv, name, body, out, scenario="plan", differs_from=None):
    """POST body; its answer against the run in out for scenario."""
    t0 = time.monotonic()
    st, h, data, j = whatif(srv, body)
    secs = time.monotonic() - t0
    if not check(st == 200 and isinstance(j, dict), f"{name}: what-if 200"
                 + ("" if st == 200 else f" ({st}: {short(data)})")):
        return None
    check(j.get("set") == body.get("set", {}) and j.get("scenario") == scenario
          and j.get("lang") == body.get("lang", "en") and j.get("plan_changed") is False
          and isinstance(j.get("seconds"), float) and 0 < j["seconds"] <= secs
          and h.get("content-type") == "application/json; charset=utf-8",
          f"{name}: set, scenario, lang echoed; plan_changed false; seconds {j.get('seconds')} ({secs:.2f} s)")
    if out:
        d = diff_summary(j["summary"], expected_summary(out, scenario))
        check(not d, f"{name}: summary ({scenario}) == careshift run of the edited copy, 1e-12: {d[:3]}")
    if differs_from is not None:
        check(diff_summary(j["summary"], differs_from), f"{name}: the numbers moved")
    return j


def check_psa(srv, tmp):
    """draws: a PSA what-if equals `careshift run --draws N --no-tornado` of the plan (the plan's
    seed): the summary with its probabilities, and the scenario's psa_summary and
    psa_probabilities, exactly (the same draws, written with 17 digits)."""
    n = 40
    out = os.path.join(tmp, "psa-run")
    r = ts.run(PLAN, out, extra=["--draws", str(n), "--no-tornado"])
    if not check(r.returncode == 0, f"draws: careshift run --draws {n}: {r.stderr[-300:]}"):
        return
    for scenario in ("plan", "mijnstreek-alleen"):
        j = compare(srv, f"draws {n}, {scenario}", {"draws": n, "scenario": scenario, "charts": ["verdict"]}, None,
                    scenario=scenario)
        if not j:
            continue
        check(j.get("draws") == n and j.get("seed") == 20240122,
              f"draws {n}, {scenario}: the answer says draws {j.get('draws')} and the plan's seed {j.get('seed')}")
        exp = expected_summary(out, scenario)
        prob = {(r["scenario"], r["what"]): float(r["probability"])
                for r in read_dicts(os.path.join(out, "psa_probabilities.csv"))}
        for term, what in (("short_term", "passes_short_term"), ("long_term", "passes")):
            exp[term]["probability"] = prob[(scenario, what)]
        d = diff_summary(j["summary"], exp)
        check(not d, f"draws {n}, {scenario}: summary with P(passes) == careshift run --draws {n}: {d[:3]}")
        want = {"summary": [{k: (v if k in ("scenario", "metric") else float(v)) for k, v in r.items()}
                            for r in read_dicts(os.path.join(out, "psa_summary.csv")) if r["scenario"] == scenario],
                "probabilities": [{k: (v if k in ("scenario", "what") else float(v)) for k, v in r.items()}
                                  for r in read_dicts(os.path.join(out, "psa_probabilities.csv"))
                                  if r["scenario"] == scenario]}
        got = j.get("psa") or {}
        check(len(want["summary"]) > 5 and got.get("summary") == want["summary"]
              and got.get("probabilities") == want["probabilities"],
              f"draws {n}, {scenario}: psa == the run's psa_summary and psa_probabilities of the scenario, "
              f"exactly ({len(got.get('summary') or [])} and {len(got.get('probabilities') or [])} rows)")
    st, _, data, j = whatif(srv, {"draws": n, "charts": ["tornado"]})
    check(st == 400 and is_error(j, "charts", False), f"draws: no tornado chart (the what-if makes no one-way runs): 400 ({st})")
    st, _, data, j = whatif(srv, {"draws": n, "set": {"psa.seed": 7}, "charts": ["verdict"]})
    check(st == 200 and j.get("seed") == 7, f"draws with psa.seed set to 7: the answer's seed is 7 ({st}: {short(data, 120)})")
    for sc, want in (("nope", "no such scenario"), ("baseline", "has no verdict")):
        t0 = time.monotonic()
        st, _, data, j = whatif(srv, {"draws": 1000, "scenario": sc})
        secs = time.monotonic() - t0
        check(st == 400 and is_error(j, "scenario", False) and want in j["error"] and secs < 5,
              f"draws 1000, scenario {sc}: 400 before any run ({secs:.2f} s: {short(data, 120)})")
    j = compare(srv, "draws 0", {"draws": 0, "charts": ["verdict"]}, None)
    check(j and j.get("draws") == 0 and j.get("seed") is None and j.get("psa") is None
          and j["summary"]["long_term"]["probability"] is None,
          "draws 0: deterministic (psa null, no probability)")
    st, _, _, g = req(srv, "GET", "/api/psa")
    check(st == 404, f"GET /api/psa of serve --plan (a run without draws) stays 404 after a PSA what-if ({st})")
    for bad in (1, -1, 1001, 2.5, "40", True, None):
        st, _, data, j = whatif(srv, {"draws": bad})
        check(st == 400 and is_error(j, "draws", False) and "2 to 1000" in j["error"] and "integer" in j["error"],
              f"draws {bad!r}: 400 draws ({st}: {short(data, 200)})")


def check_equal_runs(srv, tmp, base):
    # no overrides: the server's own GET /api/summary, and a plain careshift run
    st, _, _, g = req(srv, "GET", "/api/summary")
    j = compare(srv, "no overrides", {"set": {}}, base)
    plain = j["summary"] if j else None
    check(j and j["summary"] == g, "no overrides: the answer's summary == GET /api/summary (exactly)")
    j2 = compare(srv, "no body fields", {}, base)
    check(j2 and j2["summary"] == g, "{}: the same as {\"set\": {}}")
    st, _, _, ge = req(srv, "GET", "/api/charts")
    st2, _, _, gn = req(srv, "GET", "/api/charts?lang=nl")
    jn = compare(srv, "no overrides, nl", {"set": {}, "lang": "nl"}, base)
    for lang, w, g2 in (("en", j, ge), ("nl", jn, gn)):
        if not (w and g2):
            continue
        ids = [c["id"] for c in w["charts"]]
        check(ids == [c["id"] for c in g2["charts"]], f"no overrides: the charts ({lang}) are /api/charts's: {ids}")
        # wrong_pocket aside: a what-if samples no Shapley values per intervention, so that
        # chart splits each theme's savings over its payers instead (docs/api-http.md)
        diff = [a["id"] for a, b in zip(w["charts"], g2["charts"]) if a != b and a["id"] != "wrong_pocket"]
        check(not diff, f"no overrides: every chart ({lang}) but wrong_pocket == GET /api/charts?lang={lang}'s; "
              f"differ: {diff}")
    check(jn and j and jn["charts"][0]["title"] != j["charts"][0]["title"] and jn["summary"] == j["summary"],
          "lang nl: Dutch charts, the same summary")
    # a variant with no overrides
    st, _, _, gv = req(srv, "GET", "/api/summary?scenario=mijnstreek-alleen")
    jv = compare(srv, "no overrides, mijnstreek-alleen", {"set": {}, "scenario": "mijnstreek-alleen"}, base,
                 scenario="mijnstreek-alleen")
    check(jv and jv["summary"] == gv, "mijnstreek-alleen: == GET /api/summary?scenario=mijnstreek-alleen")

    def iv(t, th, i):
        return ts.iv(t, th, i)

    def up(t):
        iv(t, "palliatief", "acp")["uptake"]["max"] = "0.2"

    def effect(t):
        iv(t, "palliatief", "acp")["effects"][0]["change"] = "-0.1"

    def rate(t):
        t["economics"]["discount_rate"] = "0.04"

    def theme_off(t):
        t["themes"] = [x for x in t["themes"] if x["id"] != "digitalisering"]

    def start(t):
        iv(t, "palliatief", "acp")["uptake"]["start_by_subregion"]["Parkstad"] = "2028"

    def price(t):
        ts.by_id(t["sectors"], "hospital_day")["price"] = "708.4"

    many = {
        "themes[palliatief].interventions[thuis-sterven].uptake.max": 0.3,
        "themes[ouderen].interventions[valpreventie].effects[1].change": -0.05,
        "sectors[gp].price": 33,
        "sectors[hospital_day].price": "{dist: gamma, mean: 700, sd: 50}",
        "economics.discount_rate": 0.035,
        "themes[pluswijken].enabled": False,
        "scenarios[parkstad-later].delay.Parkstad": 3,
        ACP + ".uptake.start_by_subregion[Maastricht-Heuvelland]": 2026,
    }

    def several(t):
        iv(t, "palliatief", "thuis-sterven")["uptake"]["max"] = "0.3"
        iv(t, "ouderen", "valpreventie")["effects"][0]["change"] = "-0.05"
        ts.by_id(t["sectors"], "gp")["price"] = "33"
        ts.by_id(t["sectors"], "hospital_day")["price"] = {"dist": "gamma", "mean": "700", "sd": "50"}
        t["economics"]["discount_rate"] = "0.035"
        t["themes"] = [x for x in t["themes"] if x["id"] != "pluswijken"]
        ts.by_id(t["scenarios"], "parkstad-later")["delay"]["Parkstad"] = "3"
        iv(t, "palliatief", "acp")["uptake"]["start_by_subregion"]["Maastricht-Heuvelland"] = "2026"

    cases = [
        ("uptake ACP 0.2", {ACP + ".uptake.max": 0.2}, up),
        ("effect ACP -0.1", {ACP + ".effects[1].change": -0.1}, effect),
        ("discount rate 0.04", {"economics.discount_rate": 0.04}, rate),
        ("theme digitalisering off", {"themes[digitalisering].enabled": False}, theme_off),
        ("ACP start in Parkstad 2028", {ACP + ".uptake.start_by_subregion.Parkstad": 2028}, start),
        ("hospital bed-day price +10 %", {"sectors[hospital_day].price": 708.4}, price),
        ("several at once", many, several),
    ]
    outs = {}
    for name, sets, edit in cases:
        out = copy_run(tmp, re.sub(r"\W+", "-", name), edit)
        outs[name] = out
        compare(srv, name, {"set": sets}, out, differs_from=plain)
    # every slider at either end of its range is a plan that runs
    st, _, _, pj = req(srv, "GET", "/api/whatif/parameters")
    nums = [p for p in pj["parameters"] if p["kind"] != "theme_enabled"]
    for end in ("min", "max"):
        st, _, data, j = whatif(srv, {"set": {p["path"]: p[end] for p in nums}})
        check(st == 200, f"every parameter at its {end} at once: 200 ({st}: {short(data, 300)})")
    st, _, data, j = whatif(srv, {"set": {p["path"]: False for p in pj["parameters"] if p["kind"] == "theme_enabled"}})
    check(st == 200 and all(c["value"] == 0 for t in ("short_term", "long_term") for c in j["summary"][t]["criteria"]),
          f"every theme off: 200, no effect on any criterion ({st}: {short(data, 200)})")
    # other scenarios of an overridden plan
    compare(srv, "uptake ACP 0.2, without-palliatief",
            {"set": {ACP + ".uptake.max": 0.2}, "scenario": "without-palliatief"},
            outs["uptake ACP 0.2"], scenario="without-palliatief")
    compare(srv, "several at once, parkstad-later", {"set": many, "scenario": "parkstad-later"},
            outs["several at once"], scenario="parkstad-later")
    st, _, data, j = whatif(srv, {"set": {"themes[digitalisering].enabled": False},
                                  "scenario": "without-digitalisering"})
    check(st == 400 and is_error(j, "scenario") and "has no without-T variant" in j["error"],
          f"theme off: its without-THEME scenario is gone: 400 scenario, saying why ({st}: {short(data)})")
    # a theme on (enabled=true changes nothing)
    j = compare(srv, "theme palliatief enabled=true", {"set": {"themes[palliatief].enabled": True}}, base)
    # overrides apply in the order given: a distribution, then its mean
    o1 = {"sectors[hospital_day].price": "{dist: gamma, mean: 700, sd: 50}", "sectors[hospital_day].price.mean": 800}
    out = copy_run(tmp, "ordered", lambda t: ts.by_id(t["sectors"], "hospital_day").__setitem__(
        "price", {"dist": "gamma", "mean": "800", "sd": "50"}))
    compare(srv, "a distribution then its mean (in order)", {"set": o1}, out)
    o2 = dict(reversed(list(o1.items())))
    st, _, data, j = whatif(srv, {"set": o2})
    check(st == 400 and is_error(j, "sectors[hospital_day].price.mean", True) and "is a scalar" in j["error"],
          f"the mean before the distribution: 400 naming the mean's path ({st}: {short(data)})")


# ---- refusals ----

def check_refusals(srv):
    p = ACP + ".uptake.max"
    # (what, body, field, text in the error, with the list of every problem)
    cases = [
        ("uptake 1.5 out of range", {"set": {p: 1.5}}, p, "out of range (expected a probability in [0, 1])", True),
        ("uptake -0.1 out of range", {"set": {p: -0.1}}, p, "out of range", True),
        ("an unknown intervention", {"set": {"themes[palliatief].interventions[akp].uptake.max": 0.2}},
         "themes[palliatief].interventions[akp].uptake.max", "did you mean 'acp'?", True),
        ("an unknown theme", {"set": {"themes[paliatief].enabled": False}}, "themes[paliatief].enabled",
         "did you mean 'palliatief'?", True),
        ("an unknown key", {"set": {ACP + ".uptake.maks": 0.2}}, ACP + ".uptake.maks", "did you mean 'max'?", True),
        ("a top-level unknown key", {"set": {"economy.discount_rate": 0.04}}, "economy.discount_rate",
         "did you mean 'economics'?", True),
        ("a text for a number", {"set": {"sectors[hospital_day].price": "cheap"}}, "sectors[hospital_day].price",
         "is not a number", True),
        ("true for a number", {"set": {p: True}}, p, "is not a number", True),
        ("a quoted number", {"set": {p: "'0.2'"}}, p, "quoted string", True),
        ("nan", {"set": {p: "nan"}}, p, "not a finite number", True),
        ("enabled maybe", {"set": {"themes[palliatief].enabled": "maybe"}}, "themes[palliatief].enabled",
         "expected true or false", True),
        ("a YAML syntax error in a value", {"set": {"sectors[gp].price": "{dist: gamma, mean: 50"}},
         "sectors[gp].price", "yaml syntax error", True),
        ("a list item that is not there", {"set": {ACP + ".effects[9].change": 0.1}}, ACP + ".effects[9].change",
         "no item '9'", True),
        ("an array value", {"set": {p: [0.2]}}, p, "expected a number, true or false, or a text", False),
        ("an object value", {"set": {p: {"mean": 0.2}}}, p, "expected a number, true or false, or a text", False),
        ("a null value", {"set": {p: None}}, p, "expected a number, true or false, or a text", False),
        ("an empty text", {"set": {p: ""}}, p, "expected a number, true or false, or a text", False),
        ("a text over 256 bytes", {"set": {p: "1" * 257}}, p, "expected a number, true or false, or a text", False),
        ("set not an object", {"set": [p, 0.2]}, "set", "\"set\" must be an object", False),
        ("not an object", [{"set": {}}], "body", "expected an object", False),
        ("an unknown body field", {"set": {}, "sets": {}}, "sets", "unknown field 'sets'", False),
        ("lang de", {"set": {}, "lang": "de"}, "lang", "lang must be", False),
        ("lang a number", {"set": {}, "lang": 1}, "lang", "lang must be", False),
        ("scenario baseline", {"set": {}, "scenario": "baseline"}, "scenario", "baseline", False),
        ("an unknown scenario", {"set": {}, "scenario": "nope"}, "scenario", "no such scenario", False),
        ("scenario a number", {"set": {}, "scenario": 3}, "scenario", "scenario", False),
        ("an empty path", {"set": {"": 0.2}}, "", "a path is 1 to 256 bytes", False),  # the PATH: ""
        ("a path with '='", {"set": {p + "=0.3": 0.2}}, p + "=0.3", "without '='", False),
        ("a path over 256 bytes", {"set": {"x" * 257: 1}}, "x" * 257, "a path is 1 to 256 bytes", False),
        ("257 overrides", {"set": {f"{ACP}.x{i}": 1 for i in range(257)}}, "set", "at most 256 overrides", False),
        # raw bodies
        ("not JSON", b'{"set": {', "body", "not JSON", False),
        ("an empty body", b"", "body", "not JSON", False),
        ("duplicate keys in set", b'{"set": {"a": 1, "a": 2}}', "body", "duplicate", False),
        ("duplicate body fields", b'{"set": {}, "set": {}}', "body", "duplicate", False),
        ("NUL in a text value (\\u0000)", b'{"set": {"sectors[gp].price": "4\\u00005"}}', "body", "not JSON", False),
        ("NUL in a path (\\u0000)", b'{"set": {"sectors[gp]\\u0000.price": 5}}', "body", "not JSON", False),
        ("NUL in the scenario", b'{"scenario": "pl\\u0000an"}', "body", "not JSON", False),
        ("an integer too big for JSON", b'{"set": {"sectors[gp].price": 1000000000000000000000000}}', "body",
         "not JSON", False),
        ("invalid UTF-8", b'{"set": {"sectors[gp].price": "\xff"}}', "body", "not JSON", False),
    ]
    for what, body, field, text, errors in cases:
        st, h, data, j = whatif(srv, body)
        check(st == 400 and is_error(j, field, errors) and text in j["error"]
              and h.get("content-type") == "application/json; charset=utf-8",
              f"400 {what}: field {field!r}, {text!r} ({st}: {short(data, 400)})")
        if st == 400 and errors and isinstance(j, dict):
            check(len(j.get("errors", [])) == 1 and j["errors"][0] == {"field": field, "error": j["error"]},
                  f"400 {what}: errors lists the one problem")
    # a table's file is the plan's business: a what-if cannot make the server read another file,
    # nor show a line of it
    for path, value in (("region.areas", "/etc/passwd"), ("region.areas", "../../../../../../../../etc/passwd"),
                        ("population", "/etc/passwd"), ("demography.mortality", "/etc/hostname")):
        st, _, data, j = whatif(srv, {"set": {path: value}})
        check(st == 400 and isinstance(j, dict) and j.get("field") == path and b"root:" not in data,
              f"{path}={value}: 400 naming {path}, nothing of the file shown ({st}: {short(data, 160)})")
    # nor through a file field of its own, or a section it replaces with YAML that names one: any
    # file, the plan's own included, so that no answer tells whether a file exists (the tables
    # stay the plan's); and no answer shows where the server keeps the plan
    plan_dir = os.path.dirname(os.path.abspath(PLAN)).encode()
    sealed = re.compile(r"an override may not name a file here|cannot replace a table|cannot name a file")
    for path, value in (("region", "{name: X, areas: fertility.csv}"),
                        ("region", "{name: X, areas: {file: .env}}"),
                        ("use.file", "fertility.csv"), ("use.file", "no-such-file.csv"),
                        ("use", "{file: /etc/passwd}"),
                        ("demography", "{mortality: fertility.csv, fertility: fertility.csv, migration: migration.csv}"),
                        ("demography.mortality", "areas.csv"), ("region.areas", "no-such-file.csv")):
        st, _, data, j = whatif(srv, {"set": {path: value}})
        check(st == 400 and isinstance(j, dict) and j.get("field") == path and sealed.search(j.get("error", ""))
              and b"root:" not in data and plan_dir not in data,
              f"{path}={value}: 400, no file named, nothing of a file, no server path ({st}: {short(data, 200)})")
    st, _, data, j = whatif(srv, {"set": {"years.base": 1700}})
    check(st == 400 and plan_dir not in data, f"a plan error: no server path in the answer ({short(data, 200)})")
    # one override whose consequences are found in the plan's own lines: they are its doing
    st, _, data, j = whatif(srv, {"set": {"years.base": 2030}})
    check(st == 400 and isinstance(j, dict) and j.get("field") == "years.base" and j["error"].startswith("plan.yaml:")
          and all(e["field"] == "years.base" for e in j.get("errors", [])) and len(j["errors"]) > 1,
          f"years.base 2030: every problem it causes in the plan names years.base ({st}: {short(data, 200)})")
    # a plan with more themes than the plan's: 2^themes Shapley runs; refused before any run
    ids = "abcdef"
    many = {"themes": "[" + ", ".join("{id: %s}" % t for t in ids) + "]"}
    for t in ids:
        many[f"themes[{t}]"] = ("{id: %s, name: %s, interventions: [{id: %s1, name: I, uptake: {max: 0.1, "
                                "ramp_years: 1, start: 2025}, effects: [{kind: use, sector: gp, change: -0.1}]}]}"
                                % (t, t.upper(), t))
    t0 = time.monotonic()
    st, _, data, j = whatif(srv, {"set": many, "charts": []})
    check(st == 400 and isinstance(j, dict) and j.get("field") in ("themes", "milestones")
          and time.monotonic() - t0 < 5,
          f"6 themes for the plan's 5: 400 before any run ({st} in {time.monotonic() - t0:.1f} s: {short(data, 250)})")
    # a table's scale is a number: it may be moved; a value like .5 is a number, not a file
    st, _, data, j = whatif(srv, {"set": {"use.scale": 1.1}})
    check(st == 200, f"use.scale 1.1: 200, a number ({st}: {short(data, 200)})")
    st, _, data, j = whatif(srv, {"set": {p: ".5"}})
    check(st == 200, f"uptake '.5': 200, a number ({st}: {short(data, 200)})")
    # every problem at once, each with its override
    both = {p: 1.5, "sectors[gp].price": "x"}
    st, _, data, j = whatif(srv, {"set": both})
    fields = sorted(e.get("field") for e in j.get("errors", [])) if isinstance(j, dict) else None
    check(st == 400 and fields == sorted(both) and j["field"] == j["errors"][0]["field"]
          and j["error"] == j["errors"][0]["error"],
          f"400 two bad overrides: both in errors, each with its field ({st}: {fields})")
    # 256 overrides pass the count (each then refused as unknown)
    st, _, data, j = whatif(srv, {"set": {f"x{i}": 1 for i in range(256)}})
    check(st == 400 and isinstance(j, dict) and j.get("field") == "x0" and len(j.get("errors", [])) == 256,
          f"256 unknown overrides: all named ({st}: {short(data, 150)})")
    # a number in a message is written with 17 digits (1.1 as 1.1000000000000001): noted only
    st, _, data, j = whatif(srv, {"set": {p: 1.1}})
    check(st == 400 and "out of range" in j.get("error", ""), "1.1 out of range: 400")
    if st == 400 and f"{p}=1.1:" not in j.get("error", ""):
        print(f"note: 1.1 is shown as {re.search(r'=([^:]*):', j['error']).group(1)} in the message")
    # a query on the POST
    st, _, data, j = req(srv, "POST", "/api/whatif?lang=nl", body={"set": {}})
    check(st == 400 and is_error(j, "lang", False), f"POST /api/whatif?lang=nl: 400 naming the parameter ({st})")
    # methods
    st, h, data, j = req(srv, "GET", "/api/whatif")
    check(st == 405 and h.get("allow") == "POST" and is_error(j, "method", False),
          f"GET /api/whatif: 405, Allow: {h.get('allow')}")
    st, h, data, j = req(srv, "HEAD", "/api/whatif")
    check(st == 405 and h.get("allow") == "POST" and not data, f"HEAD /api/whatif: 405, Allow: {h.get('allow')}")
    for m in ("PUT", "DELETE", "PATCH"):
        st, h, data, j = req(srv, m, "/api/whatif", body={"set": {}})
        check(st == 405 and h.get("allow") == "POST" and is_error(j, "method", False), f"{m} /api/whatif: 405")
    st, h, data, j = req(srv, "POST", "/api/whatif/parameters", body={})
    check(st == 405 and h.get("allow") == "GET, HEAD", f"POST /api/whatif/parameters: 405, Allow {h.get('allow')}")
    # sizes: exactly 64 kB is read, one byte more refused
    raw = json.dumps({"set": {}})
    raw = raw[:-1] + " " * (65536 - len(raw)) + "}"
    st, _, data, j = whatif(srv, raw.encode())
    check(st == 200 and len(raw) == 65536, f"a 64 kB body (padded with spaces): 200 ({st})")
    st, _, data, j = whatif(srv, (raw + " ").encode())
    check(st == 413 and is_error(j, "body", False), f"a body of 65,537 bytes: 413 ({st})")
    big = json.dumps({"set": {"sectors[gp].price": "1" * 70000}}).encode()
    st, _, data, j = whatif(srv, big)
    check(st == 413 and is_error(j, "body", False), f"a 70 kB body: 413 body ({st}: {short(data)})")
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    try:  # refused on its headers, before the body is sent
        s.sendall(b"POST /api/whatif HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 71680\r\n\r\n")
        head = s.recv(4096)
    finally:
        s.close()
    check(head.startswith(b"HTTP/1.1 413 "), f"Content-Length 70 kB: 413 before the body ({head[:40]!r})")


# ---- busy, concurrency, the plan under the server, stopping ----

def check_busy_and_more(tmp):
    """A server on a copy of the plan with --whatif-max 1."""
    d = os.path.join(tmp, "busy-plan")
    shutil.copytree(EXAMPLE, d)
    plan = os.path.join(d, "plan.yaml")
    srv = Server(tmp, "--plan", plan, "--whatif-max", "1", "--threads", "2")
    if not check(srv.url, f"serve --plan --whatif-max 1 started ({srv.start_s:.1f} s)"):
        srv.stop()
        return
    # four at once: one runs, the others are turned away
    out, bar = [None] * 4, threading.Barrier(4)

    def one(k):
        bar.wait()
        try:
            out[k] = whatif(srv, {"set": {ACP + ".uptake.max": 0.1 + 0.1 * k}})
        except Exception as e:  # noqa: BLE001
            out[k] = e
    ths = [threading.Thread(target=one, args=(k,)) for k in range(4)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(120)
    sts = [o[0] if isinstance(o, tuple) else repr(o) for o in out]
    ok = [o for o in out if isinstance(o, tuple) and o[0] == 200]
    busy = [o for o in out if isinstance(o, tuple) and o[0] == 503]
    check(len(ok) >= 1 and len(busy) >= 1 and len(ok) + len(busy) == 4, f"4 what-ifs at once, 1 slot: {sts}")
    check(busy and all(o[1].get("retry-after") == "1" and is_error(o[3], None, False) for o in busy),
          f"503 with Retry-After: 1 and an error: {[(o[1].get('retry-after'), short(o[2], 100)) for o in busy]}")
    st, _, data, j = whatif(srv, {"set": {}})
    check(st == 200, f"afterwards a what-if succeeds again ({st})")
    # reads are answered while a what-if runs
    res_bg = {}
    th = threading.Thread(target=lambda: res_bg.update(r=whatif(srv, {"set": {}})))
    th.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    st, _, _, _ = req(srv, "GET", "/api/summary")
    t_read = time.monotonic() - t0
    th.join(60)
    check(st == 200 and t_read < 1.0 and res_bg.get("r", (0,))[0] == 200,
          f"a read during a what-if: {st} in {t_read * 1e3:.0f} ms; the what-if {res_bg.get('r', (None,))[0]}")
    # keep-alive: what-ifs and a read on one connection; a chunked body
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=60)
    sts = []
    try:
        for body in ({"set": {}}, {"set": {ACP + ".uptake.max": 0.2}}, {"set": {"x": 1}}):
            c.request("POST", "/api/whatif", body=json.dumps(body), headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            sts.append(r.status)
        c.request("GET", "/api/runs")
        r = c.getresponse()
        r.read()
        sts.append(r.status)
        c.request("POST", "/api/whatif", body=iter([b'{"set": {"economics.', b'discount_rate": 0.02}}']),
                  encode_chunked=True, headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        r = c.getresponse()
        j = json.loads(r.read())
        sts.append((r.status, j.get("set")))
    except Exception as e:  # noqa: BLE001
        sts.append(repr(e))
    finally:
        c.close()
    check(sts == [200, 200, 400, 200, (200, {"economics.discount_rate": 0.02})],
          f"one keep-alive connection: what-if, what-if, refused what-if, read, chunked what-if: {sts}")
    # one client, one what-if after the other: its own finished run never holds the slot against
    # its next request (the answer comes only when the run is done)
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=60)
    sts = []
    try:
        for k in range(8):
            c.request("POST", "/api/whatif", body=json.dumps({"set": {"economics.discount_rate": 0.01 + 0.005 * k}}),
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            sts.append(r.status)
    finally:
        c.close()
    check(sts == [200] * 8, f"8 what-ifs one after the other on one connection, 1 slot: all 200: {sts}")
    # a client gone in the middle of its run: the slot comes back
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    b = b'{"set": {}}'
    s.sendall(b"POST /api/whatif HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
    time.sleep(0.2)
    s.close()
    t0, st = time.monotonic(), None
    while time.monotonic() - t0 < 15:
        st, _, _, _ = whatif(srv, {"set": {}})
        if st != 503:
            break
        time.sleep(0.5)
    check(st == 200, f"a client gone during its run: the slot is free again after {time.monotonic() - t0:.1f} s ({st})")
    check(srv.p.poll() is None, "the server lives on")
    # the plan changed under the server: the what-if reads the file anew and says so
    with open(plan, encoding="utf-8") as f:
        text = f.read()
    changed = text.replace("discount_rate: 0.03 ", "discount_rate: 0.04 ", 1)
    assert changed != text
    with open(plan, "w", encoding="utf-8") as f:
        f.write(changed)
    st, _, data, j = whatif(srv, {"set": {}})
    st2, _, _, g = req(srv, "GET", "/api/summary")
    check(st == 200 and j["plan_changed"] is True and j["summary"] != g,
          f"the plan file changed: plan_changed true, the file's numbers ({st}: {j and j.get('plan_changed')})")
    os.rename(plan, plan + ".away")
    st, _, data, j = whatif(srv, {"set": {}})
    check(st == 409 and is_error(j, "plan") and "does not exist" in j["error"]
          and "no longer loads" in j["error"] and os.path.dirname(plan).encode() not in data,
          f"the plan file gone: 409 plan, naming the file, not where it was ({st}: {short(data, 200)})")
    with open(plan, "w", encoding="utf-8") as f:
        f.write("region: [\n")
    for body in ({"set": {}}, {"set": {ACP + ".uptake.max": 0.2}}):
        st, _, data, j = whatif(srv, body)
        check(st == 409 and is_error(j, "plan") and "yaml syntax error" in j["error"]
              and "no longer loads" in j["error"],
              f"the plan file broken, {body}: 409 plan (the server's file, not the request), naming the problem "
              f"({st}: {short(data, 200)})")
    os.replace(plan + ".away", plan)
    with open(plan, "w", encoding="utf-8") as f:
        f.write(text)
    st, _, data, j = whatif(srv, {"set": {}})
    check(st == 200 and j["plan_changed"] is False and j["summary"] == g,
          f"the plan file back: plan_changed false, the served numbers ({st})")
    # one of its tables changed: the inputs' checksum, not only the YAML's
    table = os.path.join(os.path.dirname(plan), "area_use_index.csv")
    with open(table, encoding="utf-8") as f:
        tab = f.read()
    lines = tab.split("\n")
    data_rows = [i for i, x in enumerate(lines) if x and not x.startswith("#")]
    k = data_rows[1]  # the first row after the header
    cells = lines[k].split(",")
    cells[-1] = repr(float(cells[-1]) * 1.5)
    lines[k] = ",".join(cells)
    with open(table, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    st, _, data, j = whatif(srv, {"set": {}})
    check(st == 200 and j["plan_changed"] is True and j["summary"] != g,
          f"a table of the plan changed: plan_changed true ({st}: {j and j.get('plan_changed')})")
    with open(table, "w", encoding="utf-8") as f:
        f.write(tab)
    st, _, data, j = whatif(srv, {"set": {}})
    check(st == 200 and j["plan_changed"] is False and j["summary"] == g,
          f"the table back: plan_changed false ({st})")
    # SIGTERM in the middle of a what-if: a longer horizon is refused (a what-if costs at most
    # what the plan costs), so this is an ordinary one; `serve --help`: the runs under way
    # finish (about a second), then the server stops
    got = {}

    def client():
        try:
            got["r"] = whatif(srv, {"set": {"economics.discount_rate": 0.05}}, timeout=40)
        except Exception as e:  # noqa: BLE001
            got["r"] = e
    th = threading.Thread(target=client)
    th.start()
    time.sleep(0.1)
    code, secs = srv.stop(signal.SIGTERM, timeout=40)
    th.join(45)
    r = got.get("r")
    answer = (f"{r[0]} {short(r[2], 100)} Retry-After {r[1].get('retry-after')}" if isinstance(r, tuple)
              else repr(r))
    check(code == 0 and secs < 5, f"SIGTERM during a long what-if: exit {code} within 5 s ({secs:.2f} s)")
    check(not th.is_alive(), f"SIGTERM during a what-if: the client does not hang: {answer}")
    check(isinstance(r, tuple) and (r[0] == 200 or r[0] == 503 and r[1].get("retry-after") == "1")
          or isinstance(r, OSError) or isinstance(r, http.client.HTTPException),
          f"SIGTERM during a what-if: its answer, 503 with Retry-After or the connection closed: {answer}")
    log = srv.log_text()
    check(not re.search(r"runtime error|Sanitizer", log), "no sanitizer report in the busy server's log")
    check(os.listdir(srv.cwd) == [], f"no file in the busy server's working directory: {os.listdir(srv.cwd)}")


# ---- a --dir server, static files ----

def check_dir_server(tmp, base):
    srv = Server(tmp, "--dir", base)
    if not check(srv.url, "serve --dir started"):
        srv.stop()
        return
    st, _, data, j = whatif(srv, {"set": {}})
    check(st == 404 and is_error(j, "path", False) and "--plan" in j["error"],
          f"serve --dir: POST /api/whatif 404 ({st}: {short(data, 150)})")
    st, _, data, j = req(srv, "GET", "/api/whatif/parameters")
    check(st == 404 and is_error(j, "path", False), f"serve --dir: GET /api/whatif/parameters 404 ({st})")
    code, secs = srv.stop()
    check(code == 0, f"serve --dir: SIGTERM exit {code}")


def check_static(srv):
    index = os.path.join(ROOT, "web", "dashboard", "index.html")
    st, h, data, _ = req(srv, "GET", "/")
    if os.path.exists(index):
        check(st == 200 and h.get("content-type", "").startswith("text/html") and b"dashboard.js" in data,
              f"/: text/html with dashboard.js ({st} {h.get('content-type')})")
    else:
        print(f"skip / (no {index})")
    vega = os.path.join(ROOT, "web", "node_modules", "vega", "build", "vega.min.js")
    st, h, data, _ = req(srv, "GET", "/assets/vega.min.js")
    if os.path.exists(vega):
        with open(vega, "rb") as f:
            vb = f.read()
        check(st == 200 and h.get("content-type", "").startswith("text/javascript") and data == vb,
              f"/assets/vega.min.js: text/javascript, the file ({st} {h.get('content-type')})")
    else:
        print(f"skip /assets/vega.min.js (no {vega})")
    for path in ["/../etc/passwd", "/%2e%2e/x", "/assets/../../x", "/assets/%2e%2e/%2e%2e/etc/passwd",
                 "//etc/passwd", "/%2fetc%2fpasswd", "/assets/..%2f..%2fetc%2fpasswd", "/assets/vega.min.js/..",
                 "/dashboard/index.html", "/web/dashboard/index.html", "/index.html", "/assets/",
                 "/assets/vega.min.js.map", "/node_modules/vega/build/vega.min.js", "/..%5c..%5cetc%5cpasswd"]:
        st, h, data, j = req(srv, "GET", path)
        check(st in (400, 404) and b"root:" not in data and b"<html" not in data.lower()
              and is_error(j, "path", False), f"GET {path}: refused {st}")


# ---- the load ----

def check_load(tmp):
    srv = Server(tmp, "--plan", PLAN)
    if not check(srv.url, "serve --plan for the load started"):
        srv.stop()
        return
    load = os.path.join(TESTS, "serve_load.py")
    r = subprocess.run([sys.executable, load, srv.url, str(srv.p.pid), "--whatif", "50", "--min-seconds", "20"],
                       capture_output=True, text=True, timeout=170)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        check(False, f"load test ran ({r.stderr[-500:]})")
        srv.stop()
        return
    print("load: " + json.dumps(j), flush=True)
    w = j.get("whatif", {})
    check(j["requests"] == 5000 and j["reads"]["requests"] == 4950 and j["reads"]["failed"] == 0
          and j["hung_clients"] == 0 and j.get("stale_retries", 99) <= 10,
          f"load: 4,950 reads from 200 clients, none failed ({j['failures'][:2]}; "
          f"{j.get('stale_retries')} sent again, at most 10, after their kept-alive connection closed)")
    check(w.get("requests") == 50 and w.get("failed") == 0 and w.get("ok", 0) >= 1,
          f"load: 50 what-ifs, each 200 or 503 with Retry-After: {w.get('ok')} ok, {w.get('busy_503')} busy, "
          f"{w.get('failures')}")
    # never before the 10 s deadline; how late the client side sees a cut depends on the machine
    check(j["slow"]["first_cut"] >= 50 and j["slow"]["cut_after_s"] and 9.9 <= j["slow"]["cut_after_s"][0]
          and j["slow"]["cut_after_s"][1] <= 16,
          f"load: the 50 slowloris connections cut after {j['slow']['cut_after_s']} s (deadline 10 s)")
    check(j["vmhwm_kb"] < RSS_LIMIT_KB, f"load: peak RSS {j['vmhwm_kb'] / 1024:.1f} MB < {RSS_LIMIT_KB // 1024} MB")
    print(f"load: reads p50 {j['p50_ms']} ms, p99 {j['p99_ms']} ms, {j['rps']} requests/s; what-if "
          f"p50 {w.get('p50_ms')} ms, p99 {w.get('p99_ms')} ms ({w.get('ok')} answered, {w.get('busy_503')} 503s; "
          f"server-side p50 {w.get('server_seconds_p50')} s); peak RSS {j['vmhwm_kb'] / 1024:.1f} MB", flush=True)
    st, _, _, _ = whatif(srv, {"set": {}})
    check(st == 200, f"a what-if after the load: {st}")
    code, secs = srv.stop()
    check(code == 0, f"the load server stops on SIGTERM: exit {code} in {secs:.2f} s")
    # the connections the server cut against those the slowloris side saw cut: more means it cut
    # clients between two requests of a keep-alive connection (10 s after an answer)
    m = re.search(r"stopped; (\d+) connection\(s\) cut for sending too slowly, (\d+) spared", srv.log_text())
    check(m and int(m.group(1)) >= 50, f"load: the server cut {m.group(1) if m else '?'} slow connections "
          f"(at least the 50; {m.group(2) if m else '?'} spared while their request waited unread); the slowloris "
          f"side saw {j['slow']['cut']} cut of {j['slow']['opened']} opened")
    check(os.listdir(srv.cwd) == [], "no file in the load server's working directory")


def main():
    t0 = time.monotonic()
    before = fingerprint(EXAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "plain")
        r = ts.run(PLAN, base)
        if not check(r.returncode == 0, f"careshift run of the plan: {r.stderr[-300:]}"):
            return 1
        tree = ts.load_tree(PLAN)
        srv = Server(tmp, "--plan", PLAN)
        if not check(srv.url, f"serve --plan started on 127.0.0.1, port 0 ({srv.start_s:.1f} s)"):
            srv.stop()
            return 1
        try:
            check_parameters(srv, base, tree)
            check_equal_runs(srv, tmp, base)
            check_psa(srv, tmp)
            check_refusals(srv)
            check_static(srv)
            st, _, _, _ = req(srv, "GET", "/api/runs")
            check(st == 200 and srv.p.poll() is None, "the server still answers")
        finally:
            code, secs = srv.stop()
        check(code == 0, f"SIGTERM stops serve --plan: exit {code} in {secs:.2f} s")
        log = srv.log_text()
        check(re.search(r"^careshift serve: POST /api/whatif 200 \d+ \d+\.\dms$", log, re.M),
              "a log line per what-if")
        check(not re.search(r"runtime error|Sanitizer", log), "no sanitizer report in the server's log")
        check(os.listdir(srv.cwd) == [], f"no file in the server's working directory: {os.listdir(srv.cwd)}")
        check_dir_server(tmp, base)
        check_busy_and_more(tmp)
        check_load(tmp)
    after = fingerprint(EXAMPLE)
    check(after == before, f"the example's folder unchanged (sha256 of {len(before)} files; "
          f"changed or new: {sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))})")
    print(f"test_whatif: {res['passed']} passed, {res['failed']} failed ({time.monotonic() - t0:.0f} s)")
    return 1 if res["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
