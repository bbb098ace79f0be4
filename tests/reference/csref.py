#!/usr/bin/env python3
"""Independent reference implementation of the careshift model (deterministic run only).

Written straight from shared/spec/MODEL.md, PLAN-FORMAT.md and OUTPUTS.md, without looking
at the C sources, so that tests/compare_reference.py can check careshift against numbers
computed independently. Plain Python floats, no third-party modules but PyYAML.

usage: csref.py PLAN.yaml OUTDIR [--detail]

Also implemented from docs/model.md v0.2, docs/plan-format.md ("Additions of careshift v0.2")
and docs/outputs.md: effect kinds `utility` and `mortality`, shifts with `applies_to:
end_of_life`, the patient-flows denominator `patient_flows_sectors`, relative thresholds
`staff_pct` and `real_estate_pct`, `long_year` (`year`), delays moving `once`/`per_year` costs,
the staff criterion net of the plan's own staff, the `verdict` column, the tables
staff.csv, criteria_subregion.csv, wrong_pocket.csv (v0.2: by the themes that bring the
savings, model.md note 12), business_case_subregion.csv, shapley.csv, an intervention's
`after_funding` (keep, stop, {decay_years: N}) acting on its uptake, and (model.md section 7)
business_case.csv's savings_marginal and npv_marginal (sector `marginal_share`),
budget_impact.csv (`economics.inflation`), discount_rates.csv, business_case_insurer.csv
(`insurers: {payer, shares}`, a cost line's `insurer:`), intervention_costs.csv,
theme_roi.csv and shapley_intervention.csv (`economics.intervention_shapley`: exact Shapley
values over the interventions, or K orders shuffled with Philox4x32-10 uniforms of model.md
note 14 seeded by `psa.seed`), `demography.mortality_mode: hazard` (model.md section 2 step 1)
and transition effects with `scale: hazard` (section 4), `economics.cycle_correction`
(half-cycle, simpson: weights of the state rewards in every discounted sum), totals.csv and
wrong_pocket_intervention.csv and intervention_roi.csv (model.md section 7),
`demography.life_table_age: completed`
(section 2 step 1), `area_use_index` (section 3), the `extra_use` effect (section 4), a
per_participant line's `fte_per_participant` in the plan's own staff (sections 4 and 8) and
`by_subregion` shares of once and per_year lines (sections 4 and 7), and
`demography.transition_improvement` and `transition_improvement_by_age` (section 2 step 3),
`economics.price_index` (section 7, budget_impact.csv's net_current) and the top-level
`workforce_total_fte` (accepted; only careshift's terminal summary uses it).

Interpretations of points the spec leaves open are listed in tests/reference/README.md.
"""
import csv
import math
import os
import sys

import yaml

X = 100                      # open age group 100+
AGES = range(X + 1)
SEXES = ("f", "m")


class PlanError(Exception):
    pass


# ---------------------------------------------------------------- numbers and distributions

class Values:
    """Deterministic values (MODEL.md section 9: every distribution at its mean)."""

    def __init__(self, params):
        self.params = params or {}
        self.cache = {}
        self.busy = set()

    def __call__(self, v, default=None):
        if v is None:
            if default is None:
                raise PlanError("missing number")
            return float(default)
        if isinstance(v, bool):
            raise PlanError("boolean where a number was expected: %r" % v)
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, str):
            s = v.strip()
            if s.startswith("$"):
                return self.param(s[1:])
            return float(s)
        if isinstance(v, dict):
            if "fixed" in v:
                return self(v["fixed"])
            if "neg" in v:
                return -self(v["neg"])
            d = v.get("dist")
            if d == "beta":
                if "mean" in v:
                    return self(v["mean"])
                a, b = self(v["alpha"]), self(v["beta"])
                return a / (a + b)
            if d in ("gamma", "normal"):
                if "mean" in v:
                    return self(v["mean"])
                if d == "gamma" and "shape" in v:          # not in the spec; tolerated
                    if "scale" in v:
                        return self(v["shape"]) * self(v["scale"])
                    return self(v["shape"]) / self(v["rate"])
                raise PlanError("%s without mean" % d)
            if d == "lognormal":
                if "mean" in v:
                    return self(v["mean"])
                ml, sl = self(v["meanlog"]), self(v["sdlog"])
                return math.exp(ml + sl * sl / 2.0)
            if d == "uniform":
                return (self(v["min"]) + self(v["max"])) / 2.0
            if d == "triangular":
                return (self(v["min"]) + self(v["mode"]) + self(v["max"])) / 3.0
            if d == "pert":
                return (self(v["min"]) + 4.0 * self(v["mode"]) + self(v["max"])) / 6.0
            raise PlanError("unknown distribution %r" % (v,))
        raise PlanError("not a number: %r" % (v,))

    def param(self, name):
        if name in self.cache:
            return self.cache[name]
        if name not in self.params:
            raise PlanError("unknown parameter $%s" % name)
        if name in self.busy:
            raise PlanError("parameter $%s refers to itself" % name)
        self.busy.add(name)
        val = self(self.params[name])
        self.busy.discard(name)
        self.cache[name] = val
        return val


# ---------------------------------------------------------------- random numbers

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


def philox4x32_10(ctr, key):
    """Philox4x32-10 (Random123): 4 counter words and 2 key words -> 4 output words."""
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for rnd in range(10):
        if rnd:
            k0 = (k0 + 0x9E3779B9) & M32
            k1 = (k1 + 0xBB67AE85) & M32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & M32, p1 & M32, ((p0 >> 32) ^ c3 ^ k1) & M32, p0 & M32
    return c0, c1, c2, c3


def fnv1a64(text):
    """64-bit FNV-1a hash of a label's UTF-8 bytes."""
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def uniform(seed, d, h):
    """The uniform of model.md note 14: key (seed mod 2^32, seed >> 32), counter (d mod 2^32,
    d >> 32, h mod 2^32, h >> 32); u = ((r0 >> 5) * 2^26 + (r1 >> 6) + 0.5) / 2^53, the
    value that rounds to 1 taken as 1 - 2^-53."""
    seed &= M64
    r = philox4x32_10((d & M32, (d >> 32) & M32, h & M32, (h >> 32) & M32), (seed & M32, seed >> 32))
    u = ((r[0] >> 5) * 67108864.0 + (r[1] >> 6) + 0.5) / 9007199254740992.0
    return u if u < 1.0 else 1.0 - 2.0 ** -53


# ---------------------------------------------------------------- CSV input

def read_table(base, ref, columns, val):
    """Returns (rows as dicts of strings, scale) for a table reference (path or {file, scale})."""
    scale = 1.0
    if isinstance(ref, dict):
        path = ref["file"]
        if "scale" in ref:
            scale = val(ref["scale"])
    else:
        path = ref
    full = os.path.join(base, str(path))
    with open(full, encoding="utf-8-sig", newline="") as fh:
        lines = [ln for ln in fh if not ln.lstrip().startswith("#") and ln.strip() != ""]
    rd = csv.reader(lines)
    header = [h.strip() for h in next(rd)]
    if header != list(columns):
        raise PlanError("%s: header %s, expected %s" % (full, header, list(columns)))
    rows = []
    for r in rd:
        rows.append({c: x.strip() for c, x in zip(columns, r)})
    return rows, scale


def sid(v):
    """Ids from YAML compared with CSV strings."""
    return str(v)


# ---------------------------------------------------------------- the plan

class Plan:
    def __init__(self, path):
        base = os.path.dirname(os.path.abspath(path))
        with open(path, encoding="utf-8-sig") as fh:
            y = yaml.safe_load(fh)
        self.y = y
        val = self.val = Values(y.get("parameters"))

        # region
        rows, _ = read_table(base, y["region"]["areas"], ("area", "name", "subregion"), val)
        self.areas = [r["area"] for r in rows]
        self.area_sub = {r["area"]: r["subregion"] for r in rows}
        self.subregions = []
        for r in rows:
            if r["subregion"] not in self.subregions:
                self.subregions.append(r["subregion"])
        A = len(self.areas)
        self.aidx = {a: i for i, a in enumerate(self.areas)}

        self.T0 = int(y["years"]["base"])
        self.T1 = int(y["years"]["horizon"])
        self.years = list(range(self.T0, self.T1 + 1))

        # states
        st = y.get("states")
        if st:
            self.states = [sid(s["id"]) for s in st]
            self.utility = [val(s.get("utility"), 1.0) for s in st]
            self.rr = [val(s.get("mortality_rr"), 1.0) for s in st]
        else:
            self.states = ["all"]
            self.utility = [1.0]
            self.rr = [1.0]
        K = self.K = len(self.states)
        kidx = {k: i for i, k in enumerate(self.states)}
        self.kidx = kidx

        # population on 1 Jan T0
        rows, sc = read_table(base, y["population"], ("area", "sex", "age", "count"), val)
        self.P = [[[0.0] * (X + 1) for _ in SEXES] for _ in range(A)]
        for r in rows:
            self.P[self.aidx[r["area"]]][SEXES.index(r["sex"])][int(r["age"])] = float(r["count"]) * sc

        # state shares
        if st:
            rows, _ = read_table(base, y["state_shares"], ("sex", "age", "state", "share"), val)
            self.share0 = [[[0.0] * K for _ in AGES] for _ in SEXES]
            for r in rows:
                self.share0[SEXES.index(r["sex"])][int(r["age"])][kidx[r["state"]]] = float(r["share"])
        else:
            self.share0 = [[[1.0] for _ in AGES] for _ in SEXES]

        # transitions (off-diagonal only)
        self.p = [[[[0.0] * K for _ in range(K)] for _ in AGES] for _ in SEXES]
        if st and y.get("transitions"):
            rows, sc = read_table(base, y["transitions"], ("sex", "age", "from", "to", "p"), val)
            for r in rows:
                k, l = kidx[r["from"]], kidx[r["to"]]
                if k != l:
                    self.p[SEXES.index(r["sex"])][int(r["age"])][k][l] = float(r["p"]) * sc

        # demography
        dm = y["demography"]
        rows, sc = read_table(base, dm["mortality"], ("sex", "age", "q"), val)
        self.q0 = [[0.0] * (X + 1) for _ in SEXES]
        for r in rows:
            self.q0[SEXES.index(r["sex"])][int(r["age"])] = float(r["q"]) * sc
        # v0.2 (model.md section 2 step 1 "Completed ages"): demography.life_table_age:
        # exact (default) | completed. completed: q0 (after the table scale) clamped to [0, 1],
        # then q0'[s,x] = 1 - (1 - q0[x]) (2 - q0[x+1]) / (2 - q0[x]) for x < X, the open group
        # keeping (the clamped) q0[X]; mortality improvement then acts on q0'. README,
        # interpretation 44.
        lta = dm.get("life_table_age")
        if lta is None:
            lta = "exact"
        if lta not in ("exact", "completed"):
            raise PlanError("demography.life_table_age: exact or completed, not %r" % (lta,))
        self.life_table_age = lta
        if lta == "completed":
            for s in range(2):
                qc = [min(1.0, max(0.0, v)) for v in self.q0[s]]
                self.q0[s] = [1.0 - (1.0 - qc[x]) * (2.0 - qc[x + 1]) / (2.0 - qc[x]) for x in range(X)] + [qc[X]]
        self.mort_impr = val(dm.get("mortality_improvement"), 0.0)
        # v0.2 (model.md section 2 step 3 "Transition improvement"): i_p, default 0, in
        # [-1, 1], may be a distribution (its mean here). README, interpretation 48.
        self.trans_impr = val(dm.get("transition_improvement"), 0.0)
        if not -1.0 <= self.trans_impr <= 1.0:
            raise PlanError("demography.transition_improvement: in [-1, 1], not %r" % (self.trans_impr,))
        # v0.2 (model.md section 2 step 3, the paragraph after "Transition improvement";
        # plan-format.md): demography.transition_improvement_by_age, instead of
        # transition_improvement (both given: a PlanError), a mapping {first age: i_p} of
        # ascending first ages, the first 0, each value in [-1, 1] (may be a distribution, its
        # mean here); row age x takes the value of the band with the largest first age <= x.
        # self.trans_impr_age[x] is i_p of age x (the scalar at every age without the mapping).
        # README, interpretation 50.
        tia = dm.get("transition_improvement_by_age")
        self.trans_impr_age = [self.trans_impr] * (X + 1)
        if tia is not None:
            if dm.get("transition_improvement") is not None:
                raise PlanError("demography: give transition_improvement or transition_improvement_by_age, not both")
            if not isinstance(tia, dict) or not tia:
                raise PlanError("demography.transition_improvement_by_age: a mapping {first age: value}")
            bands = []
            for k, v in tia.items():
                if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= X:
                    raise PlanError("demography.transition_improvement_by_age: first age %r not an age 0..%d" % (k, X))
                if bands and k <= bands[-1][0]:
                    raise PlanError("demography.transition_improvement_by_age: first ages ascending, %r after %r"
                                    % (k, bands[-1][0]))
                fv = val(v)
                if not -1.0 <= fv <= 1.0:
                    raise PlanError("demography.transition_improvement_by_age: %r in [-1, 1], not %r" % (k, fv))
                bands.append((k, fv))
            if bands[0][0] != 0:
                raise PlanError("demography.transition_improvement_by_age: the first age must be 0, not %r" % bands[0][0])
            for x in AGES:
                self.trans_impr_age[x] = [fv for (k, fv) in bands if k <= x][-1]
        # v0.2 (model.md section 2 step 1 "Hazard mode"): normalised (default) | hazard
        mm = dm.get("mortality_mode")
        if mm is None:
            mm = "normalised"
        if mm not in ("normalised", "hazard"):
            raise PlanError("demography.mortality_mode: normalised or hazard, not %r" % (mm,))
        self.hazard = mm == "hazard"
        self.boys = val(dm.get("boys"), 0.512)
        self.projection = None
        self.fert = [0.0] * (X + 1)
        self.mig = [[[0.0] * (X + 1) for _ in SEXES] for _ in range(A)]
        if dm.get("projection"):
            rows, sc = read_table(base, dm["projection"], ("area", "sex", "age", "year", "count"), val)
            pr = {}
            for r in rows:
                pr[self.aidx[r["area"]], SEXES.index(r["sex"]), int(r["age"]), int(r["year"])] = float(r["count"]) * sc
            self.projection = pr
        else:
            if dm.get("fertility"):
                rows, sc = read_table(base, dm["fertility"], ("age", "rate"), val)
                for r in rows:
                    self.fert[int(r["age"])] = float(r["rate"]) * sc
            if dm.get("migration"):
                rows, sc = read_table(base, dm["migration"], ("area", "sex", "age", "net"), val)
                for r in rows:
                    self.mig[self.aidx[r["area"]]][SEXES.index(r["sex"])][int(r["age"])] = float(r["net"]) * sc

        # payers, sectors
        self.payers = [sid(p["id"]) for p in y["payers"]]
        self.sectors = []
        for s in y["sectors"]:
            self.sectors.append(dict(
                id=sid(s["id"]), payer=sid(s["payer"]), chain=s["chain"], group=sid(s["group"]),
                price=val(s["price"]), fte_per_unit=val(s["fte_per_unit"]),
                m2=val(s.get("m2_per_unit"), 0.0), co2=val(s.get("co2_kg_per_unit"), 0.0),
                growth=val(s.get("growth"), 0.0),
                # v0.2: the part of the price that one unit less frees (a plain number in
                # [0, 1], default 1); only business_case.csv's *_marginal columns use it
                marginal=float(s.get("marginal_share", 1.0))))
        C = self.C = len(self.sectors)
        self.cidx = {s["id"]: i for i, s in enumerate(self.sectors)}

        # insurers (v0.2, plan-format.md "Additions of careshift v0.2"; model.md section 7
        # "Per insurer"): `insurers: {payer, shares}`, the CSV area,insurer,share; insurers
        # in order of first appearance in the CSV; share[a, k] 0 where the CSV has no row
        self.ins_payer = None
        self.insurers = []
        self.ins_share = {}                      # (area index, insurer) -> share
        ins = y.get("insurers")
        if ins:
            self.ins_payer = sid(ins["payer"])
            if self.ins_payer not in self.payers:
                raise PlanError("insurers: unknown payer %r" % self.ins_payer)
            rows, _ = read_table(base, ins["shares"], ("area", "insurer", "share"), val)
            for r in rows:
                if r["insurer"] not in self.insurers:
                    self.insurers.append(r["insurer"])
                self.ins_share[self.aidx[r["area"]], r["insurer"]] = float(r["share"])

        # use rates u[s][x][k][c], end-of-life e[s][x][k][c]
        self.u = self._rates(base, y.get("use"), val)
        self.e = self._rates(base, y.get("end_of_life_use"), val)
        # v0.2 (model.md section 3 "Area level"; plan-format.md): area_use_index, a table
        # area,sector,index (a plain number >= 0, absent rows 1) multiplying the grown base use
        # and end-of-life rates of the sector in the area before any effect. No `scale` (not
        # among the tables that accept one). README, interpretation 45.
        self.aidx_use = [[1.0] * C for _ in range(A)]
        if y.get("area_use_index"):
            rows, _ = read_table(base, y["area_use_index"], ("area", "sector", "index"), val)
            seen = set()
            for r in rows:
                if r["area"] not in self.aidx:
                    raise PlanError("area_use_index: unknown area %r" % r["area"])
                if r["sector"] not in self.cidx:
                    raise PlanError("area_use_index: unknown sector %r" % r["sector"])
                key = (r["area"], r["sector"])
                if key in seen:
                    raise PlanError("area_use_index: duplicate row %r" % (key,))
                seen.add(key)
                v = float(r["index"])
                if not v >= 0.0 or math.isinf(v):
                    raise PlanError("area_use_index: index %r must be a number >= 0" % r["index"])
                self.aidx_use[self.aidx[r["area"]]][self.cidx[r["sector"]]] = v

        # workforce
        self.wf = {}
        if y.get("workforce"):
            rows, _ = read_table(base, y["workforce"],
                                 ("group", "subregion", "fte", "retire_rate", "outflow_rate", "inflow_fte"), val)
            for r in rows:
                self.wf[r["group"], r["subregion"]] = dict(
                    fte=float(r["fte"]), retire=float(r["retire_rate"]),
                    outflow=float(r["outflow_rate"]), inflow=float(r["inflow_fte"]))
        self.groups = []
        for (g, _r) in self.wf:
            if g not in self.groups:
                self.groups.append(g)
        for s in self.sectors:
            if s["group"] not in self.groups:
                self.groups.append(s["group"])

        # economics, criteria
        ec = y.get("economics") or {}
        self.price_growth = val(ec.get("price_growth"), 0.0)
        self.r = float(ec.get("discount_rate", 0.03))
        self.re = float(ec.get("discount_rate_effects", 0.015))
        self.qaly_value = float(ec.get("qaly_value", 0.0))
        # v0.2 (model.md section 7, "Budget impact"): net_current = net * (1 + inflation) ^
        # (t - price_year); inflation a plain rate, default 0. price_year is required
        # (plan-format.md); the tiny plans of test_csref.py that have none get the base year
        self.price_year = int(ec.get("price_year", self.T0))
        self.inflation = float(ec.get("inflation", 0.0))
        # v0.2 (model.md section 7, "Budget impact"; plan-format.md): economics.price_index
        # {year: index}, ascending years, plain indices > 0. With it net_current = net * L(t) /
        # L(price_year), L(t) = index[y] * (1 + inflation)^(t - y), y the index's last year <=
        # t (its first year when t is before it). Without it the formula above, unchanged.
        # README, interpretation 51.
        pi = ec.get("price_index")
        self.price_index = None
        if pi is not None:
            if not isinstance(pi, dict) or not pi:
                raise PlanError("economics.price_index: a mapping {year: index}")
            idx = []
            for k, v in pi.items():
                if isinstance(k, bool) or not isinstance(k, int) or not 1800 <= k <= 3000:
                    # plan-format.md "Limits": years 1800..3000
                    raise PlanError("economics.price_index: year %r not an integer in 1800..3000" % (k,))
                if idx and k <= idx[-1][0]:
                    raise PlanError("economics.price_index: years ascending, %r after %r" % (k, idx[-1][0]))
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not (v > 0.0) or math.isinf(v):
                    raise PlanError("economics.price_index: %r: a plain index > 0, not %r" % (k, v))
                idx.append((k, float(v)))
            self.price_index = idx
        # v0.2 (plan-format.md): workforce_total_fte, a plain number (1..1e9, optional) that
        # only the terminal summary uses: accepted, nothing computed from it
        wtf = y.get("workforce_total_fte")
        if wtf is not None and (isinstance(wtf, bool) or not isinstance(wtf, (int, float))
                                or not 1.0 <= wtf <= 1e9):
            raise PlanError("workforce_total_fte: a plain number in 1..1e9, not %r" % (wtf,))
        # v0.2 (plan-format.md, model.md section 7 "What each intervention contributes"):
        # economics.intervention_shapley: auto (default) | exact | none | {permutations: K};
        # resolved against the number of interventions below
        self.iv_shapley = ec.get("intervention_shapley", "auto")
        # v0.2 (model.md section 7 "Within-cycle correction"): economics.cycle_correction:
        # none (default) | half-cycle | simpson; the weights w_y of year index y = t - T0
        # (n = T1 - T0), or None without a correction (every number as before). README,
        # interpretation 41.
        cc = ec.get("cycle_correction")
        if cc is None:
            cc = "none"
        if cc not in ("none", "half-cycle", "simpson"):
            raise PlanError("economics.cycle_correction: none, half-cycle or simpson, not %r" % (cc,))
        self.cycle_correction = cc
        n_ = self.T1 - self.T0
        if cc == "half-cycle":
            self.w = [0.5 if y in (0, n_) else 1.0 for y in range(n_ + 1)]
        elif cc == "simpson":
            self.w = [1.0 / 3.0 if y in (0, n_) else (4.0 / 3.0 if y % 2 == 0 else 2.0 / 3.0)
                      for y in range(n_ + 1)]
        else:
            self.w = None
        # the PSA seed of the plan (1 when not given); it also seeds the sampled orders of
        # shapley_intervention.csv (the command line's --seed does not change those)
        ps = y.get("psa") or {}
        self.psa_seed = int(ps.get("seed", 1)) if isinstance(ps, dict) else 1
        cr = y.get("criteria") or {}
        self.crit_payer = sid(cr.get("care_use_payer", "zvw"))
        self.thr = dict(care_use=float(cr.get("care_use_pct", 1.0)),
                        patient_flows=float(cr.get("patient_flows_pct", 2.0)),
                        staff=float(cr.get("staff_fte", 25)),
                        real_estate=float(cr.get("real_estate_m2", 2000)))
        # v0.2 (plan-format.md, "Additions of careshift v0.2"): relative thresholds, in % of
        # the baseline of the same year; None = the absolute threshold above is used
        self.thr_pct = dict(staff=float(cr["staff_pct"]) if "staff_pct" in cr else None,
                            real_estate=float(cr["real_estate_pct"]) if "real_estate_pct" in cr else None)
        # verdict years: long_year (older name `year`, default T1), short_year (default
        # T0 + 2, at most long_year); only long_year enters a table (shapley.csv)
        self.long_year = int(cr.get("long_year", cr.get("year", self.T1)))
        self.short_year = int(cr.get("short_year", min(self.T0 + 2, self.long_year)))
        # patient-flows denominator (v0.2): the listed sectors, default every `secondary` one;
        # read after the sectors below
        self._pf_sectors = cr.get("patient_flows_sectors")

        if self._pf_sectors is None:
            self.pf_in = [s["chain"] == "secondary" for s in self.sectors]
        else:
            listed = set(self.cidx[sid(c)] for c in self._pf_sectors)
            self.pf_in = [c in listed for c in range(C)]

        # interventions in plan order
        self.themes = []
        self.ivs = []
        for th in y.get("themes") or []:
            tid = sid(th["id"])
            self.themes.append(tid)
            for iv in th.get("interventions") or []:
                self.ivs.append(self._intervention(tid, iv))

        # scenarios
        allv = list(range(len(self.ivs)))
        self.scenarios = [dict(id="baseline", ivs=[], subs=None, delay={}),
                          dict(id="plan", ivs=allv, subs=None, delay={})]
        # shapley_intervention.csv: ("exact", 0), ("sampled", K) or None (no table)
        n = len(self.ivs)
        isv = self.iv_shapley
        if isinstance(isv, dict):
            if set(isv) != {"permutations"}:
                raise PlanError("economics.intervention_shapley: %r" % (isv,))
            k = isv["permutations"]
            if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100000:
                raise PlanError("economics.intervention_shapley: permutations %r not in 1..100000" % (k,))
            self.iv_shapley_how = ("sampled", k)
        elif isv == "exact":
            if n > 14:
                raise PlanError("economics.intervention_shapley: exact with %d interventions (at most 14)" % n)
            self.iv_shapley_how = ("exact", 0)
        elif isv == "auto":
            self.iv_shapley_how = ("exact", 0) if n <= 10 else ("sampled", 100)
        elif isv == "none":
            self.iv_shapley_how = None
        else:
            raise PlanError("economics.intervention_shapley: %r" % (isv,))
        for sc in y.get("scenarios") or []:
            subs = sc.get("subregions")
            self.scenarios.append(dict(
                id=sid(sc["id"]), ivs=allv,
                subs=None if subs is None else set(sid(x) for x in subs),
                delay={sid(k): float(v) for k, v in (sc.get("delay") or {}).items()}))
        for tid in self.themes:
            self.scenarios.append(dict(id="without-" + tid,
                                       ivs=[i for i in allv if self.ivs[i]["theme"] != tid],
                                       subs=None, delay={}))

    def _rates(self, base, ref, val):
        out = [[[[0.0] * self.C for _ in range(self.K)] for _ in AGES] for _ in SEXES]
        if not ref:
            return out
        rows, sc = read_table(base, ref, ("sector", "state", "sex", "age_from", "age_to", "rate"), val)
        for r in rows:
            c, k, s = self.cidx[r["sector"]], self.kidx[r["state"]], SEXES.index(r["sex"])
            for x in range(int(r["age_from"]), int(r["age_to"]) + 1):
                out[s][x][k][c] = float(r["rate"]) * sc
        return out

    def _intervention(self, tid, iv):
        val = self.val
        tg = iv.get("target") or {}
        areas = tg.get("areas")
        subs = tg.get("subregions")
        area_t = []
        for a in self.areas:
            ok = (areas is None or a in [sid(x) for x in areas]) and \
                 (subs is None or self.area_sub[a] in [sid(x) for x in subs])
            area_t.append(ok)
        sexes = tg.get("sexes")
        sex_t = [sexes is None or s in [sid(x) for x in sexes] for s in SEXES]
        ages = tg.get("ages")
        amin, amax = (0, X) if ages is None else (int(ages[0]), int(ages[1]))
        sts = tg.get("states")
        state_t = [sts is None or k in [sid(x) for x in sts] for k in self.states]
        up = iv.get("uptake") or {}
        effects = []
        for ef in iv.get("effects") or []:
            kind = ef["kind"]
            e = dict(kind=kind)
            if "scale" in ef and kind != "transition":
                raise PlanError("`scale` is a key of transition effects only, not of %r" % kind)
            if kind in ("use", "end_of_life_use", "fte_per_unit"):
                e["sector"] = self.cidx[sid(ef["sector"])]
                e["change"] = val(ef["change"])
            elif kind == "shift":
                e["from"] = self.cidx[sid(ef["from"])]
                e["to"] = self.cidx[sid(ef["to"])]
                e["fraction"] = val(ef["fraction"])
                e["ratio"] = val(ef.get("ratio"), 1.0)
                ap = ef.get("applies_to", "all")          # v0.2: all | end_of_life
                if ap not in ("all", "end_of_life"):
                    raise PlanError("applies_to %r" % (ap,))
                e["eol_only"] = ap == "end_of_life"
            elif kind in ("utility", "mortality"):       # v0.2
                e["change"] = val(ef["change"])
            elif kind == "extra_use":                    # v0.2: u'[sector] += units * up
                e["sector"] = self.cidx[sid(ef["sector"])]
                e["units"] = val(ef["units"])
            elif kind == "transition":
                e["from"] = self.kidx[sid(ef["from"])]
                e["to"] = self.kidx[sid(ef["to"])]
                e["change"] = val(ef["change"])
                # v0.2 (model.md section 4, `transition`): probability (default) | hazard
                scl = ef.get("scale")
                if scl is None:
                    scl = "probability"
                if scl not in ("probability", "hazard"):
                    raise PlanError("transition scale: probability or hazard, not %r" % (scl,))
                e["hazard"] = scl == "hazard"
            elif kind == "workforce":
                e["group"] = sid(ef["group"])
                e["outflow_change"] = val(ef.get("outflow_change"), 0.0)
                e["extra_inflow"] = val(ef.get("extra_inflow"), 0.0)
            else:
                raise PlanError("unknown effect kind %r" % kind)
            effects.append(e)
        costs = []
        for c in iv.get("costs") or []:
            # v0.2: fte_per_participant (per_participant lines only; a plain number in [0, 1],
            # default 0) and by_subregion (once / per_year lines only; plain shares in [0, 1]
            # adding up to 1, absent subregions 0). README, interpretations 46-47.
            fpp = c.get("fte_per_participant")
            if fpp is not None:
                if "per_participant" not in c:
                    raise PlanError("fte_per_participant on a line without per_participant")
                if isinstance(fpp, bool) or not isinstance(fpp, (int, float)) or not 0.0 <= fpp <= 1.0:
                    raise PlanError("fte_per_participant must be a plain number in [0, 1]: %r" % (fpp,))
                fpp = float(fpp)
            bys = c.get("by_subregion")
            if bys is not None:
                if "once" not in c and "per_year" not in c:
                    raise PlanError("by_subregion on a line without once or per_year")
                if not isinstance(bys, dict):
                    raise PlanError("by_subregion: a mapping of subregion to share: %r" % (bys,))
                bys = {sid(k): v for k, v in bys.items()}
                for k, v in bys.items():
                    if k not in self.subregions:
                        raise PlanError("by_subregion: unknown subregion %r" % k)
                    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                        raise PlanError("by_subregion: share of %r must be a plain number in [0, 1]" % k)
                if abs(sum(bys.values()) - 1.0) > 1e-6:
                    raise PlanError("by_subregion: shares add up to %r, not 1" % sum(bys.values()))
                bys = {r: float(bys.get(r, 0.0)) for r in self.subregions}
            costs.append(dict(
                fte_pp=fpp or 0.0, by_sub=bys,
                payer=sid(c["payer"]),
                once=val(c["once"]) if "once" in c else None,
                year=int(c.get("year", self.T0)),
                per_year=val(c["per_year"]) if "per_year" in c else None,
                frm=int(c.get("from", self.T0)), to=int(c.get("to", self.T1)),
                per_participant=val(c["per_participant"]) if "per_participant" in c else None,
                # v0.2: the insurer that pays a line of the insurers' payer (None: all of
                # them by regional market share)
                insurer=self._insurer(c)))
        # after funding (model.md section 4, v0.2): keep (default), stop, {decay_years: N}.
        # F = the largest `year` of the `once` lines and `to` of the `per_year` lines (defaults
        # filled in: year = T0, to = T1); no end (None) with a `per_participant` line or without
        # any cost line. README, interpretation 32.
        af = iv.get("after_funding", "keep")
        if af == "keep" or af is None:
            after = ("keep", None)
        elif af == "stop":
            after = ("stop", None)
        elif isinstance(af, dict) and set(af) == {"decay_years"}:
            n = af["decay_years"]
            if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 1:
                raise PlanError("after_funding: decay_years must be a number >= 1: %r" % (n,))
            after = ("decay", float(n))
        else:
            raise PlanError("after_funding: keep, stop or {decay_years: N}, not %r" % (af,))
        fund_end = None
        if costs and not any(c["per_participant"] is not None for c in costs):
            ends = [c["year"] for c in costs if c["once"] is not None] + \
                   [c["to"] for c in costs if c["per_year"] is not None]
            fund_end = max(ends) if ends else None
        return dict(
            after=after, fund_end=fund_end,
            theme=tid, id=sid(iv["id"]), area_t=area_t, sex_t=sex_t, amin=amin, amax=amax,
            state_t=state_t, max=val(up.get("max")), ramp=float(up.get("ramp_years", 1)),
            start=float(up.get("start", self.T0)),
            sbs={sid(k): float(v) for k, v in (up.get("start_by_subregion") or {}).items()},
            curve=up.get("curve", "linear"), effects=effects, costs=costs,
            care_eff=[e for e in effects if e["kind"] in ("use", "end_of_life_use", "shift", "fte_per_unit",
                                                          "extra_use")],
            trans_eff=[e for e in effects if e["kind"] == "transition"],
            wf_eff=[e for e in effects if e["kind"] == "workforce"],
            util_eff=[e for e in effects if e["kind"] == "utility"],
            mort_eff=[e for e in effects if e["kind"] == "mortality"],
            resources=iv.get("resources") or [])

    def _insurer(self, c):
        k = c.get("insurer")
        if k is None:
            return None
        k = sid(k)
        if self.ins_payer is None or sid(c["payer"]) != self.ins_payer:
            raise PlanError("insurer %r on a cost line of payer %r, which has no insurers" % (k, c["payer"]))
        if k not in self.insurers:
            raise PlanError("insurer %r is not in the insurers' shares" % k)
        return k

    # ------------------------------------------------------------ uptake
    def price_level(self, t):
        """L(t) of economics.price_index (model.md section 7, "Budget impact"): index[y] * (1 +
        inflation)^(t - y), y the index's last year <= t, its first year when t is before it."""
        yr, ix = self.price_index[0]
        for k, v in self.price_index:
            if k <= t:
                yr, ix = k, v
        return ix * (1.0 + self.inflation) ** (t - yr)

    def uptake(self, iv, scen, a, t):
        if not iv["area_t"][a]:
            return 0.0
        sub = self.area_sub[self.areas[a]]
        if scen["subs"] is not None and sub not in scen["subs"]:
            return 0.0
        start = iv["sbs"].get(sub, iv["start"]) + scen["delay"].get(sub, 0.0)
        d = t - start
        if d < 0:
            return 0.0
        ramp = iv["ramp"]
        if iv["curve"] == "logistic":
            up = iv["max"] / (1.0 + math.exp(-(d + 1 - ramp / 2.0) * 8.0 / ramp))
        else:
            up = iv["max"] * min(1.0, (d + 1) / ramp)
        # after funding (model.md section 4, v0.2): past = t - (F + delay[r])
        mode, n = iv["after"]
        if mode == "keep" or iv["fund_end"] is None:
            return up
        past = t - (iv["fund_end"] + scen["delay"].get(sub, 0.0))
        if past <= 0:
            return up
        if mode == "stop":
            return 0.0
        return up * max(0.0, 1.0 - past / n)

    def coverage(self, iv, scen):
        if scen["subs"] is None:
            return 1.0
        num = den = 0.0
        for a in range(len(self.areas)):
            if not iv["area_t"][a]:
                continue
            inside = self.area_sub[self.areas[a]] in scen["subs"]
            for s in range(2):
                if not iv["sex_t"][s]:
                    continue
                for x in range(iv["amin"], iv["amax"] + 1):
                    for k in range(self.K):
                        if iv["state_t"][k]:
                            v = self.P[a][s][x] * self.share0[s][x][k]
                            den += v
                            if inside:
                                num += v
        return num / den if den > 0 else 0.0

    def targeted_by_area(self, iv):
        """T[a]: the intervention's targeted persons of each area on 1 January T0 (P * share0
        over its targeted cells, the persons of section 4's coverage); 0 outside its areas."""
        T = [0.0] * len(self.areas)
        for a in range(len(self.areas)):
            if not iv["area_t"][a]:
                continue
            for s in range(2):
                if not iv["sex_t"][s]:
                    continue
                for x in range(iv["amin"], iv["amax"] + 1):
                    for k in range(self.K):
                        if iv["state_t"][k]:
                            T[a] += self.P[a][s][x] * self.share0[s][x][k]
        return T

    def base_shares(self, iv):
        """Share of each subregion in the intervention's targeted base-year persons (P * share0
        over its targeted cells), model.md sections 4 and 7; an even split over the subregions
        when its targets reach nobody. Returns {subregion: share}."""
        num = {r: 0.0 for r in self.subregions}
        for a in range(len(self.areas)):
            if not iv["area_t"][a]:
                continue
            r = self.area_sub[self.areas[a]]
            for s in range(2):
                if not iv["sex_t"][s]:
                    continue
                for x in range(iv["amin"], iv["amax"] + 1):
                    for k in range(self.K):
                        if iv["state_t"][k]:
                            num[r] += self.P[a][s][x] * self.share0[s][x][k]
        den = sum(num[r] for r in self.subregions)
        if den > 0:
            return {r: num[r] / den for r in self.subregions}
        return {r: 1.0 / len(self.subregions) for r in self.subregions}

    def cost_shares(self, iv, scen):
        """share_r of model.md section 4 (v0.2): the part of a `once` or `per_year` line that
        subregion r carries in the scenario; 0 for subregions the scenario leaves out, and the
        shares add up to the coverage. README, interpretation 22: for an intervention whose
        targets reach nobody the coverage is 1 without `subregions` (even split, 1/R each) and
        0 with them (every share 0)."""
        b = self.base_shares(iv)
        if scen["subs"] is None:
            return b
        if self.coverage(iv, scen) == 0.0:
            return {r: 0.0 for r in self.subregions}
        return {r: (b[r] if r in scen["subs"] else 0.0) for r in self.subregions}


# ---------------------------------------------------------------- one scenario

class Result:
    pass


def simulate(plan, scen, base=None):
    """Runs one scenario. `base` is the baseline's Result (None when running the baseline)."""
    P = plan
    A, K, C = len(P.areas), P.K, P.C
    T0, nY = P.T0, len(P.years)
    ivs = [P.ivs[i] for i in scen["ivs"]]
    ivids = scen["ivs"]
    sec = P.sectors
    pf_in = P.pf_in
    front = [s["chain"] in ("social", "primary") for s in sec]
    fpu = [s["fte_per_unit"] for s in sec]

    N = [[[[P.P[a][s][x] * P.share0[s][x][k] for k in range(K)] for x in AGES] for s in range(2)]
         for a in range(A)]
    R = Result()
    R.N = []                                  # N[ti][a][s][x][k], stock on 1 Jan
    R.mig_cell = []                           # projection baseline residuals [ti][a][s][x]
    R.pop = [[0.0] * A for _ in range(nY)]
    R.births = [[0.0] * A for _ in range(nY)]
    R.deaths = [[0.0] * A for _ in range(nY)]
    R.migration = [[0.0] * A for _ in range(nY)]
    R.U = [[[0.0] * C for _ in range(A)] for _ in range(nY)]
    R.Ueol = [[[0.0] * C for _ in range(A)] for _ in range(nY)]   # the D * e' part of U
    R.F = [[[0.0] * C for _ in range(A)] for _ in range(nY)]
    R.LY = [[0.0] * A for _ in range(nY)]
    R.Q = [[0.0] * A for _ in range(nY)]
    R.LYd = [[0.0] * A for _ in range(nY)]    # life years and QALYs of the discounted sums:
    R.Qd = [[0.0] * A for _ in range(nY)]     # LY, Q, or with a correction w_y * occupancy
    W = P.w
    R.up = [[[0.0] * A for _ in range(len(P.ivs))] for _ in range(nY)]     # [ti][iv][a]
    R.part = [[[0.0] * A for _ in range(len(P.ivs))] for _ in range(nY)]
    R.flows = [[0.0] * A for _ in range(nY)]  # [ti][a] patient-flow units removed (shifts out of
                                              # a patient_flows sector into the front)
    R.capped_cells = 0
    R.capped_persons = 0.0
    R.rows_scaled = 0

    for ti, t in enumerate(P.years):
        R.N.append(N)
        q_f = (1.0 - P.mort_impr) ** (t - T0)
        # v0.2 transition improvement (model.md section 2 step 3): the base probability of
        # every move to a later state (l > k in the states list) is 1 - (1 - p)^((1 - i_p)^(t -
        # T0)), p >= 1 counting as 1 (so 1, or 0 when the exponent is 0); moves to earlier
        # states unchanged; the interventions' effects then act on these. With i_p = 0, and in
        # the base year T0 (exponent 1), the base probabilities are used as they are, a p
        # above 1 included (README, interpretation 48).
        # v0.2 transition_improvement_by_age: the same per age x with i_p of x's band; an age
        # whose i_p is 0 keeps its base probabilities as they are.
        if any(v != 0.0 for v in P.trans_impr_age) and K > 1 and t != T0:
            exs = [(1.0 - v) ** (t - T0) if v != 0.0 else None for v in P.trans_impr_age]
            p_t = [[px if exs[x] is None else
                    [[(1.0 - max(0.0, 1.0 - row[l]) ** exs[x]) if l > k else row[l] for l in range(K)]
                     for k, row in enumerate(px)] for x, px in enumerate(ps)] for ps in P.p]
        else:
            p_t = P.p
        grow = [(1.0 + s["growth"]) ** (t - T0) for s in sec]
        Nn = [[[[0.0] * K for _ in AGES] for _ in range(2)] for _ in range(A)]
        migrow = [[[0.0] * (X + 1) for _ in range(2)] for _ in range(A)]
        for a in range(A):
            ups = []
            for j, iv in zip(ivids, ivs):
                u = P.uptake(iv, scen, a, t)
                R.up[ti][j][a] = u
                ups.append((j, iv, u))
            active = [(j, iv, u) for (j, iv, u) in ups if u != 0.0 and iv["area_t"][a]]
            Ua, Fa, Ea = R.U[ti][a], R.F[ti][a], R.Ueol[ti][a]
            ai = P.aidx_use[a]                  # area_use_index of the area (v0.2), default 1
            pop = dth = ly = qa = qocc = 0.0
            for s in range(2):
                Sp = Nn[a][s]
                for x in AGES:
                    Nc = N[a][s][x]
                    # 1. state mortality
                    q = min(1.0, P.q0[s][x] * q_f)
                    if P.hazard:
                        rbar = None            # hazard mode: no normalisation
                    else:
                        Nb = Nc if base is None else base.N[ti][a][s][x]
                        tot = sum(Nb)
                        if tot > 0:
                            rbar = sum(Nb[k] / tot * P.rr[k] for k in range(K))
                        else:
                            rbar = sum(P.share0[s][x][k] * P.rr[k] for k in range(K))
                    # 2. deaths; `mortality` effects (v0.2) multiply q_k of targeted cells
                    mcell = [(iv, u) for (j, iv, u) in active
                             if iv["mort_eff"] and iv["sex_t"][s] and iv["amin"] <= x <= iv["amax"]]
                    D = [0.0] * K
                    S = [0.0] * K
                    for k in range(K):
                        mm, hit = 1.0, False
                        for iv, u in mcell:
                            if iv["state_t"][k]:
                                for ef in iv["mort_eff"]:
                                    mm *= max(0.0, 1.0 + ef["change"] * u)
                                    hit = True
                        if P.hazard:
                            # v0.2 hazard mode: q_k = 1 - (1 - q)^(rr[k] * qm), the relative
                            # risk and the mortality effects as hazard ratios (0^0 = 1: q = 1
                            # with rr*qm = 0 gives 0, as model.md says)
                            qk = 1.0 - (1.0 - q) ** (P.rr[k] * mm)
                        else:
                            qk = min(1.0, q * P.rr[k] / rbar) if rbar > 0 else 0.0
                            if hit:
                                qk = min(1.0, qk * mm)
                        D[k] = Nc[k] * qk
                        S[k] = Nc[k] - D[k]
                    # 3. transitions
                    pm = p_t[s][x]
                    if K > 1:
                        tcell = [(iv, u) for (j, iv, u) in active
                                 if iv["trans_eff"] and iv["sex_t"][s] and iv["amin"] <= x <= iv["amax"]]
                        if tcell:
                            pm = [row[:] for row in pm]
                            # v0.2: per (from, to), the `scale: hazard` effects first, the
                            # product of their m as one exponent, p = 1 - (1 - p)^prod m; then
                            # the probability-scale ones multiply the result (plan order)
                            hz = {}
                            for iv, u in tcell:
                                for ef in iv["trans_eff"]:
                                    if ef["hazard"] and iv["state_t"][ef["from"]]:
                                        key = (ef["from"], ef["to"])
                                        hz[key] = hz.get(key, 1.0) * max(0.0, 1.0 + ef["change"] * u)
                            for (kf, kt), mh in hz.items():
                                # a p above 1 (only a transitions `scale` can make one) is
                                # taken as 1 here (README, interpretation 38)
                                pm[kf][kt] = 1.0 - max(0.0, 1.0 - pm[kf][kt]) ** mh
                            for iv, u in tcell:
                                for ef in iv["trans_eff"]:
                                    if not ef["hazard"] and iv["state_t"][ef["from"]]:
                                        pm[ef["from"]][ef["to"]] *= max(0.0, 1.0 + ef["change"] * u)
                        S2 = [0.0] * K
                        for k in range(K):
                            row = pm[k]
                            off = sum(row[l] for l in range(K) if l != k)
                            if off > 1.0:
                                R.rows_scaled += 1
                                row = [v / off for v in row]
                                off = sum(row[l] for l in range(K) if l != k)
                            for l in range(K):
                                S2[l] += S[k] * ((1.0 - off) if l == k else row[l])
                    else:
                        S2 = S
                    # 4. ageing
                    dst = Sp[x + 1] if x < X else Sp[X]
                    for k in range(K):
                        dst[k] += S2[k]
                    # care, health, participants
                    us, es = P.u[s][x], P.e[s][x]
                    ccell = [(j, iv, u) for (j, iv, u) in active
                             if iv["care_eff"] and iv["sex_t"][s] and iv["amin"] <= x <= iv["amax"]]
                    ucell = [(iv, u) for (j, iv, u) in active
                             if iv["util_eff"] and iv["sex_t"][s] and iv["amin"] <= x <= iv["amax"]]
                    for k in range(K):
                        n, d = Nc[k], D[k]
                        pop += n
                        dth += d
                        ly += n - d / 2.0
                        # `utility` effects (v0.2): utility[k] + sum change*up, kept in [-1, 1]
                        # (README, interpretation 23: clamped once, after the sum)
                        ut, add, hit = P.utility[k], 0.0, False
                        for iv, u in ucell:
                            if iv["state_t"][k]:
                                for ef in iv["util_eff"]:
                                    add += ef["change"] * u
                                    hit = True
                        if hit:
                            ut = min(1.0, max(-1.0, ut + add))
                        qa += (n - d / 2.0) * ut
                        qocc += n * ut
                        uu = [us[k][c] * grow[c] * ai[c] for c in range(C)]
                        ee = [es[k][c] * grow[c] * ai[c] for c in range(C)]
                        mf = [1.0] * C
                        for j, iv, u in ccell:
                            if not iv["state_t"][k]:
                                continue
                            for ef in iv["care_eff"]:
                                kd = ef["kind"]
                                if kd == "use":
                                    uu[ef["sector"]] *= max(0.0, 1.0 + ef["change"] * u)
                                elif kd == "end_of_life_use":
                                    ee[ef["sector"]] *= max(0.0, 1.0 + ef["change"] * u)
                                elif kd == "fte_per_unit":
                                    mf[ef["sector"]] *= max(0.0, 1.0 + ef["change"] * u)
                                elif kd == "extra_use":
                                    # v0.2: care the intervention adds per targeted
                                    # person-year; later effects act on it (plan order)
                                    uu[ef["sector"]] += ef["units"] * u
                                else:   # shift
                                    cf, ct = ef["from"], ef["to"]
                                    de = ef["fraction"] * u * ee[cf]
                                    ee[cf] -= de
                                    ee[ct] += ef["ratio"] * de
                                    du = 0.0
                                    if not ef["eol_only"]:      # applies_to: end_of_life moves e' only
                                        du = ef["fraction"] * u * uu[cf]
                                        uu[cf] -= du
                                        uu[ct] += ef["ratio"] * du
                                    if pf_in[cf] and front[ct]:
                                        R.flows[ti][a] += n * du + d * de
                        for c in range(C):
                            v = n * uu[c] + d * ee[c]
                            Ua[c] += v
                            Ea[c] += d * ee[c]
                            Fa[c] += v * fpu[c] * mf[c]
                    for j, iv, u in active:
                        if iv["sex_t"][s] and iv["amin"] <= x <= iv["amax"]:
                            R.part[ti][j][a] += sum(Nc[k] * u for k in range(K) if iv["state_t"][k])
            R.pop[ti][a] = pop
            R.deaths[ti][a] = dth
            R.LY[ti][a] = ly
            R.Q[ti][a] = qa
            if W is None:
                R.LYd[ti][a], R.Qd[ti][a] = ly, qa
            else:
                R.LYd[ti][a], R.Qd[ti][a] = W[ti] * pop, W[ti] * qocc
            # 5. births from start-of-year women
            B = 0.0
            if P.projection is None:
                for x in AGES:
                    if P.fert[x]:
                        B += P.fert[x] * sum(N[a][0][x])
            R.births[ti][a] = B
            for s, share in ((1, P.boys), (0, 1.0 - P.boys)):
                for k in range(K):
                    Nn[a][s][0][k] += B * share * P.share0[s][0][k]
            # 6./7. net migration at age y on 1 Jan t+1
            applied = 0.0
            for s in range(2):
                for y in AGES:
                    cell = Nn[a][s][y]
                    if P.projection is None:
                        M = P.mig[a][s][y]
                    elif t == P.T1:
                        M = 0.0
                    elif base is None:
                        M = P.projection[a, s, y, t + 1] - sum(cell)
                    else:
                        M = base.mig_cell[ti][a][s][y]
                    migrow[a][s][y] = M
                    if M > 0:
                        for k in range(K):
                            cell[k] += M * P.share0[s][y][k]
                        applied += M
                    elif M < 0:
                        tot = sum(cell)
                        rem = -M
                        if rem >= tot:
                            if rem > tot:
                                R.capped_cells += 1
                                R.capped_persons += rem - tot
                            rem = tot
                            for k in range(K):
                                cell[k] = 0.0
                        elif tot > 0:
                            f = rem / tot
                            for k in range(K):
                                cell[k] -= cell[k] * f
                        applied -= rem
            R.migration[ti][a] = applied
        R.mig_cell.append(migrow)
        N = Nn

    # implementation costs per cost line and year, and the part of each subregion
    # (model.md section 4, v0.2 "Delays move costs"; section 7, business case per subregion)
    R.impl = {}                                # (iv index, line) -> [cost per year]
    R.impl_sub = {}                            # (iv index, line) -> {subregion: [cost per year]}
    # the same in the discounted sums: per_participant parts times w_y (model.md section 7,
    # "Within-cycle correction"); equal to impl / impl_sub without a correction
    R.implw, R.implw_sub = {}, {}
    # the `once` / `per_year` part of each line per subregion and year alone (without its
    # per_participant part): the subregion parts that the insurers' split of a line that
    # names no insurer follows (model.md section 7 "Per insurer", v0.2)
    R.fix_sub = {}
    delayed = bool(scen["delay"])              # README, interpretation 24
    sub_areas = {r: [a for a in range(A) if P.area_sub[P.areas[a]] == r] for r in P.subregions}
    for j, iv in enumerate(P.ivs):
        for li, cl in enumerate(iv["costs"]):
            R.impl[j, li] = [0.0] * nY
            R.impl_sub[j, li] = {r: [0.0] * nY for r in P.subregions}
            R.implw[j, li] = [0.0] * nY
            R.implw_sub[j, li] = {r: [0.0] * nY for r in P.subregions}
            R.fix_sub[j, li] = {r: [0.0] * nY for r in P.subregions}
    for j in ivids:
        iv = P.ivs[j]
        cov = P.coverage(iv, scen)
        shares = P.cost_shares(iv, scen)
        for li, cl in enumerate(iv["costs"]):
            sub, subw, fix = R.impl_sub[j, li], R.implw_sub[j, li], R.fix_sub[j, li]
            # v0.2 "Lines split by subregion": a line's by_subregion shares replace share_r
            # for the subregions the scenario includes (0 for the others), with or without a
            # delay; its coverage is their sum
            if cl["by_sub"] is not None:
                lsh = {r: (cl["by_sub"][r] if scen["subs"] is None or r in scen["subs"] else 0.0)
                       for r in P.subregions}
                lcov = sum(lsh[r] for r in P.subregions)
            else:
                lsh, lcov = shares, cov
            for r in P.subregions:
                dl = scen["delay"].get(r, 0.0) if delayed else 0.0
                for ti, t in enumerate(P.years):
                    v = 0.0
                    if cl["once"] is not None and t == cl["year"] + dl:
                        v += cl["once"] * lsh[r]
                    if cl["per_year"] is not None and cl["frm"] + dl <= t <= cl["to"] + dl:
                        v += cl["per_year"] * lsh[r]
                    fix[r][ti] = v
                    vw = v
                    if cl["per_participant"] is not None:
                        pp = cl["per_participant"] * sum(R.part[ti][j][a] for a in sub_areas[r])
                        v += pp
                        vw += pp if W is None else W[ti] * pp
                    sub[r][ti] = v
                    subw[r][ti] = vw
            for ti, t in enumerate(P.years):
                if delayed:                    # the moved parts of the subregions
                    v = sum(sub[r][ti] for r in P.subregions)
                    vw = sum(subw[r][ti] for r in P.subregions)
                else:                          # amount * coverage in the line's own years
                    v = 0.0
                    if cl["once"] is not None and t == cl["year"]:
                        v += cl["once"] * lcov
                    if cl["per_year"] is not None and cl["frm"] <= t <= cl["to"]:
                        v += cl["per_year"] * lcov
                    vw = v
                    if cl["per_participant"] is not None:
                        pp = cl["per_participant"] * sum(R.part[ti][j])
                        v += pp
                        vw += pp if W is None else W[ti] * pp
                R.impl[j, li][ti] = v
                R.implw[j, li][ti] = vw

    # workforce supply per (subregion, group)
    R.sup = {}
    for r in P.subregions:
        ar = [a for a in range(A) if P.area_sub[P.areas[a]] == r]
        for g in P.groups:
            row = P.wf.get((g, r))
            sup = [0.0] * nY
            if row is not None:
                cur = row["fte"]
                for ti in range(nY):
                    sup[ti] = cur
                    npop = sum(R.pop[ti][a] for a in ar)
                    outf = row["outflow"]
                    inf = row["inflow"]
                    for j in ivids:
                        iv = P.ivs[j]
                        for ef in iv["wf_eff"]:
                            if ef["group"] != g:
                                continue
                            ub = sum(R.pop[ti][a] * R.up[ti][j][a] for a in ar) / npop if npop != 0 else 0.0
                            outf *= max(0.0, 1.0 + ef["outflow_change"] * ub)
                            inf += ef["extra_inflow"] * ub
                    cur = cur * (1.0 - row["retire"] - outf) + inf
            R.sup[r, g] = sup
    return R


# ---------------------------------------------------------------- outputs

def fmt(v):
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write(path, header, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) for v in r])


def run(plan_path, out, detail=False):
    P = Plan(plan_path)
    os.makedirs(out, exist_ok=True)
    res = {}
    base = simulate(P, P.scenarios[0])
    res["baseline"] = base
    for sc in P.scenarios[1:]:
        res[sc["id"]] = simulate(P, sc, base)
    A, C, nY = len(P.areas), P.C, len(P.years)
    sec = P.sectors
    pf = [(1.0 + P.price_growth) ** (t - P.T0) for t in P.years]
    disc = [1.0 / (1.0 + P.r) ** (t - P.T0) for t in P.years]
    disc_e = [1.0 / (1.0 + P.re) ** (t - P.T0) for t in P.years]

    def cost(R, ti, a, c):
        return R.U[ti][a][c] * sec[c]["price"] * pf[ti]

    def care_by_payer(R, ti, p):
        return sum(cost(R, ti, a, c) for a in range(A) for c in range(C) if sec[c]["payer"] == p)

    def impl_by_payer(R, ti, p):
        return sum(v[ti] for (j, li), v in R.impl.items() if P.ivs[j]["costs"][li]["payer"] == p)

    # The discounted sums (model.md section 7, "Within-cycle correction", v0.2): with a
    # correction the care cost of (t, a, c) counts as w_y * (C - C_eol) + C_eol, C_eol the cost
    # of the end-of-life units D * e', and per_participant cost lines w_y times; without one
    # these are cost() and impl_by_payer() exactly. README, interpretation 41.
    W = P.w

    def costw(R, ti, a, c):
        C_ = cost(R, ti, a, c)
        if W is None:
            return C_
        Ce = R.Ueol[ti][a][c] * sec[c]["price"] * pf[ti]
        return W[ti] * (C_ - Ce) + Ce

    def care_by_payer_w(R, ti, p):
        return sum(costw(R, ti, a, c) for a in range(A) for c in range(C) if sec[c]["payer"] == p)

    def impl_by_payer_w(R, ti, p):
        return sum(v[ti] for (j, li), v in R.implw.items() if P.ivs[j]["costs"][li]["payer"] == p)

    dem, care, pay, wf, hl, popd, ivr, imp = [], [], [], [], [], [], [], []
    short = {}                     # scenario -> [sum over (subregion, group) of max(0, gap)] per year
    for sc in P.scenarios:
        sidn = sc["id"]
        R = res[sidn]
        short[sidn] = [0.0] * nY
        for ti, t in enumerate(P.years):
            for a in range(A):
                an = P.areas[a]
                dem.append((sidn, t, an, R.pop[ti][a], R.births[ti][a], R.deaths[ti][a], R.migration[ti][a]))
                hl.append((sidn, t, an, R.LY[ti][a], R.Q[ti][a], R.deaths[ti][a]))
                for c in range(C):
                    U = R.U[ti][a][c]
                    care.append((sidn, t, an, sec[c]["id"], U, cost(R, ti, a, c), R.F[ti][a][c],
                                 U * sec[c]["m2"], U * sec[c]["co2"]))
                if detail:
                    for s in range(2):
                        for x in AGES:
                            for k in range(P.K):
                                popd.append((sidn, t, an, SEXES[s], x, P.states[k], R.N[ti][a][s][x][k]))
                for j, iv in enumerate(P.ivs):
                    if sidn != "baseline":          # README, interpretation 1
                        ivr.append((sidn, t, an, iv["id"], R.up[ti][j][a], R.part[ti][j][a]))
            for p in P.payers:
                pay.append((sidn, t, p, care_by_payer(R, ti, p), impl_by_payer(R, ti, p)))
            for r in P.subregions:
                ar = [a for a in range(A) if P.area_sub[P.areas[a]] == r]
                for g in P.groups:
                    demand = sum(R.F[ti][a][c] for a in ar for c in range(C) if sec[c]["group"] == g)
                    sup = R.sup[r, g][ti]
                    wf.append((sidn, t, r, g, demand, sup, demand - sup))
                    short[sidn][ti] += max(0.0, demand - sup)
            for (j, li), v in sorted(R.impl.items()):
                if sidn != "baseline":
                    imp.append((sidn, t, P.ivs[j]["id"], li + 1, P.ivs[j]["costs"][li]["payer"], v[ti]))

    write(os.path.join(out, "demography.csv"), ["scenario", "year", "area", "population", "births", "deaths", "migration"], dem)
    write(os.path.join(out, "care.csv"), ["scenario", "year", "area", "sector", "units", "cost", "fte", "m2", "co2_kg"], care)
    write(os.path.join(out, "payers.csv"), ["scenario", "year", "payer", "care_cost", "implementation_cost"], pay)
    write(os.path.join(out, "workforce.csv"), ["scenario", "year", "subregion", "group", "demand_fte", "supply_fte", "gap_fte"], wf)
    write(os.path.join(out, "health.csv"), ["scenario", "year", "area", "life_years", "qalys", "deaths"], hl)
    if detail:
        write(os.path.join(out, "population.csv"), ["scenario", "year", "area", "sex", "age", "state", "count"], popd)
    write(os.path.join(out, "interventions.csv"), ["scenario", "year", "area", "intervention", "uptake", "participants"], ivr)
    write(os.path.join(out, "implementation.csv"), ["scenario", "year", "intervention", "line", "payer", "cost"], imp)

    # comparison tables
    sub_areas = {r: [a for a in range(A) if P.area_sub[P.areas[a]] == r] for r in P.subregions}

    def care_in(R, ti, p, areas):
        return sum(cost(R, ti, a, c) for a in areas for c in range(C) if sec[c]["payer"] == p)

    def care_in_w(R, ti, p, areas):
        return sum(costw(R, ti, a, c) for a in areas for c in range(C) if sec[c]["payer"] == p)

    def pf_units(R, ti, areas):
        return sum(R.U[ti][a][c] for a in areas for c in range(C) if P.pf_in[c])

    def fte_in(R, ti, areas):
        return sum(R.F[ti][a][c] for a in areas for c in range(C))

    def m2_in(R, ti, areas):
        return sum(R.U[ti][a][c] * sec[c]["m2"] for a in areas for c in range(C))

    def pct(num, den):
        return num / den * 100.0 if den != 0 else 0.0

    def compare(sc, R):
        """Scenario sc (result R) against the baseline: business case, health economics and
        the criteria of every year (model.md sections 7 and 8)."""
        allA = range(A)
        o = dict(bc=[], npv={}, inv={}, sav={}, crit=[], gross=[], own=[], dcare={}, impl={},
                 dcare_w={}, impl_w={})
        tot_inv = tot_sav = 0.0
        tot_delta = [0.0] * nY
        for p in P.payers:
            inv = sav = 0.0
            delta = []
            o["dcare"][p], o["impl"][p] = [], []       # undiscounted, per year (budget impact)
            o["dcare_w"][p], o["impl_w"][p] = [], []   # the same weighted (discounted sums)
            for ti in range(nY):
                cs, cb = care_by_payer(R, ti, p), care_by_payer(base, ti, p)
                im = impl_by_payer(R, ti, p)
                if W is None:
                    csw, cbw, imw = cs, cb, im
                else:
                    csw, cbw = care_by_payer_w(R, ti, p), care_by_payer_w(base, ti, p)
                    imw = impl_by_payer_w(R, ti, p)
                inv += imw * disc[ti]
                sav -= (csw - cbw) * disc[ti]
                o["dcare_w"][p].append(csw - cbw)
                o["impl_w"][p].append(imw)
                delta.append((cs - cb) + im)
                tot_delta[ti] += (cs - cb) + im
                o["dcare"][p].append(cs - cb)
                o["impl"][p].append(im)
            o["bc"].append((p, inv, sav, sav - inv, break_even(P.years, delta)))
            o["npv"][p], o["inv"][p], o["sav"][p] = sav - inv, inv, sav
            tot_inv += inv
            tot_sav += sav
        npv = tot_sav - tot_inv
        o["bc"].append(("total", tot_inv, tot_sav, npv, break_even(P.years, tot_delta)))
        o["npv"]["total"], o["tot_inv"] = npv, tot_inv
        o["dq"] = sum((R.Qd[ti][a] - base.Qd[ti][a]) * disc_e[ti] for ti in range(nY) for a in allA)
        o["dly"] = sum((R.LYd[ti][a] - base.LYd[ti][a]) * disc_e[ti] for ti in range(nY) for a in allA)
        for ti, t in enumerate(P.years):
            cb = care_by_payer(base, ti, P.crit_payer)
            cs = care_by_payer(R, ti, P.crit_payer)
            cu = pct(cb - cs, cb)
            pfv = pct(sum(R.flows[ti]), pf_units(base, ti, allA))
            # staff (section 8, v0.2): gross fall in FTE demand minus the plan's own staff
            fb = fte_in(base, ti, allA)
            gross = fb - fte_in(R, ti, allA)
            own = own_staff(P, sc, t, R)
            mb = m2_in(base, ti, allA)
            re = mb - m2_in(R, ti, allA)
            # thresholds (v0.2): absolute, or a % of the baseline of the same year
            ts = P.thr["staff"] if P.thr_pct["staff"] is None else P.thr_pct["staff"] / 100.0 * fb
            tr = P.thr["real_estate"] if P.thr_pct["real_estate"] is None else P.thr_pct["real_estate"] / 100.0 * mb
            o["crit"].append([("care_use", cu, "%", P.thr["care_use"]),
                              ("patient_flows", pfv, "%", P.thr["patient_flows"]),
                              ("staff", gross - own, "fte", ts),
                              ("real_estate", re, "m2", tr)])
            o["gross"].append(gross)
            o["own"].append(own)
        return o

    def savings_marginal(R, p):
        """Savings of payer p at marginal prices (model.md section 7, v0.2): minus the
        discounted care-cost delta of p's sectors, each sector's cost delta times its
        marginal_share (also where the scenario uses more of it). README, interpretation 33."""
        sav = 0.0
        for ti in range(nY):
            d = 0.0
            for c in range(C):
                if sec[c]["payer"] != p:
                    continue
                d += sum(costw(R, ti, a, c) - costw(base, ti, a, c) for a in range(A)) * sec[c]["marginal"]
            sav -= d * disc[ti]
        return sav

    # the money discount rates of discount_rates.csv (model.md section 7, v0.2): 0, 1.5, 3,
    # 4 % and the plan's own rate when it is none of these; key r * 100 rounded to 9
    # decimals. README, interpretation 35.
    drates = [(pct_, pct_ / 100.0) for pct_ in (0.0, 1.5, 3.0, 4.0)]
    own_pct = round(P.r * 100.0, 9) + 0.0
    if own_pct not in [k for k, _ in drates]:
        drates.append((own_pct, P.r))
    else:                                   # the row at the plan's own rate uses that rate
        drates = [(k, P.r if k == own_pct else r_) for k, r_ in drates]

    bc, he, cr, stf, crs, bcs, bi, dr, bci = [], [], [], [], [], [], [], [], []
    cmp = {}
    # k's regional share of the insurers' payer: sum_a N[a,T0] share[a,k] / sum_a N[a,T0],
    # N = the baseline's population of area a on 1 January T0 (demography.csv). With no
    # population at all the share is undefined; the reference splits evenly (README,
    # interpretation 36)
    ins_reg = {}
    if P.insurers:
        ntot = sum(base.pop[0][a] for a in range(A))
        for k in P.insurers:
            ins_reg[k] = (sum(base.pop[0][a] * P.ins_share.get((a, k), 0.0) for a in range(A)) / ntot
                          if ntot > 0 else 1.0 / len(P.insurers))
        # ins[r,k] per intervention j (the same in every scenario): k's share of the payer's
        # insured in subregion r weighted by the intervention's targeted persons of each area
        # on 1 January T0, T[a]; by the baseline population N[a,T0] when T is 0 in all of r's
        # areas; k's regional share when nobody lives in r either (model.md does not say;
        # README, interpretation 36)
        ins_sub = []
        for iv in P.ivs:
            Tt = P.targeted_by_area(iv)
            d_ = {}
            for k in P.insurers:
                d_[k] = {}
                for r in P.subregions:
                    ar = sub_areas[r]
                    wts = Tt if sum(Tt[a] for a in ar) > 0 else [base.pop[0][a] for a in range(A)]
                    den = sum(wts[a] for a in ar)
                    d_[k][r] = (sum(wts[a] * P.ins_share.get((a, k), 0.0) for a in ar) / den
                                if den > 0 else ins_reg[k])
            ins_sub.append(d_)
    for sc in P.scenarios[1:]:
        sidn = sc["id"]
        R = res[sidn]
        o = cmp[sidn] = compare(sc, R)
        # business_case.csv with the v0.2 columns savings_marginal, npv_marginal
        tot_sm = 0.0
        for row in o["bc"]:
            p = row[0]
            if p == "total":
                sm = tot_sm
            else:
                sm = savings_marginal(R, p)
                tot_sm += sm
            bc.append((sidn,) + row + (sm, sm - row[1]))
        # budget_impact.csv (model.md section 7, v0.2): undiscounted, per year and
        # stakeholder; net_current in the euros of year t. README, interpretation 34.
        for p in P.payers + ["total"]:
            cum = 0.0
            for ti, t in enumerate(P.years):
                if p == "total":
                    dc = sum(o["dcare"][q][ti] for q in P.payers)
                    im = sum(o["impl"][q][ti] for q in P.payers)
                else:
                    dc, im = o["dcare"][p][ti], o["impl"][p][ti]
                net = dc + im
                if P.price_index is None:
                    cur = net * (1.0 + P.inflation) ** (t - P.price_year)
                else:
                    cur = net * P.price_level(t) / P.price_level(P.price_year)
                cum += cur
                bi.append((sidn, t, p, dc, im, net, cur, cum))
        # discount_rates.csv (model.md section 7, v0.2): investment, savings, npv per rate
        for key, rate in drates:
            f = [1.0 / (1.0 + rate) ** (t - P.T0) for t in P.years]
            ti_ = ts_ = 0.0
            for p in P.payers:
                inv = sum(o["impl_w"][p][ti] * f[ti] for ti in range(nY))
                sav = 0.0 - sum(o["dcare_w"][p][ti] * f[ti] for ti in range(nY))
                dr.append((sidn, key, p, inv, sav, sav - inv))
                ti_ += inv
                ts_ += sav
            dr.append((sidn, key, "total", ti_, ts_, ts_ - ti_))
        npv, dq = o["npv"]["total"], o["dq"]
        # cost per QALY (model.md section 7; v0.2: only for the `icer` verdict, dq > 0 and
        # total NPV < 0; a dominant scenario has none). README, interpretation 25.
        he.append((sidn, dq, o["dly"], (-npv / dq) if dq > 0 and npv < 0 else "", npv + P.qaly_value * dq,
                   verdict(dq, npv)))
        for ti, t in enumerate(P.years):
            for name, v, unit, thr in o["crit"][ti]:
                cr.append((sidn, t, name, v, unit, thr, 1 if v >= thr else 0))
            gross, own = o["gross"][ti], o["own"][ti]
            sb = short["baseline"][ti]                     # the baseline has no own staff
            ss = short[sidn][ti] + own
            stf.append((sidn, t, gross, own, gross - own, sb, ss, (sb - ss) / sb if sb > 0 else 0.0))
            # criteria per subregion (model.md note 13): the four values over r's areas, care
            # use and patient flows as % of r's own baseline, staff gross (no own staff)
            for r in P.subregions:
                ar = sub_areas[r]
                cb = care_in(base, ti, P.crit_payer, ar)
                crs.append((sidn, t, r, "care_use", pct(cb - care_in(R, ti, P.crit_payer, ar), cb), "%"))
                crs.append((sidn, t, r, "patient_flows",
                            pct(sum(R.flows[ti][a] for a in ar), pf_units(base, ti, ar)), "%"))
                crs.append((sidn, t, r, "staff", fte_in(base, ti, ar) - fte_in(R, ti, ar), "fte"))
                crs.append((sidn, t, r, "real_estate", m2_in(base, ti, ar) - m2_in(R, ti, ar), "m2"))
        # business case per subregion (model.md section 7, v0.2)
        for r in P.subregions:
            ar = sub_areas[r]
            ti_ = ts_ = 0.0
            for p in P.payers:
                inv = sav = 0.0
                for ti in range(nY):
                    inv += sum(v[r][ti] for (j, li), v in R.implw_sub.items()
                               if P.ivs[j]["costs"][li]["payer"] == p) * disc[ti]
                    sav -= (care_in_w(R, ti, p, ar) - care_in_w(base, ti, p, ar)) * disc[ti]
                bcs.append((sidn, r, p, inv, sav, sav - inv))
                ti_ += inv
                ts_ += sav
            bcs.append((sidn, r, "total", ti_, ts_, ts_ - ti_))
        # business case per insurer (model.md section 7 "Per insurer", v0.2, changed 5 Dec
        # 2026): savings of k = minus the discounted care-cost delta of the payer's sectors in
        # each area times k's share there; investment of k = the discounted lines of the payer
        # that name k plus, of each line that names none, k's share of where its money goes
        # in the scenario and year: the per_participant part by the line's participants per
        # area, the once / per_year part by its subregion parts (fix_sub, the split of
        # business_case_subregion.csv) with ins[r,k] per subregion; k's regional share for a
        # part whose participants / subregion parts are all 0 that year. README,
        # interpretation 36.
        for k in P.insurers:
            q = P.ins_payer
            inv = sav = 0.0
            for (j, li), v in R.implw.items():
                cl = P.ivs[j]["costs"][li]
                if cl["payer"] != q:
                    continue
                if cl["insurer"] is not None:
                    if cl["insurer"] == k:
                        inv += sum(v[ti] * disc[ti] for ti in range(nY))
                    continue
                ir = ins_sub[j][k]
                fix = R.fix_sub[j, li]
                for ti in range(nY):
                    m = 0.0
                    if cl["once"] is not None or cl["per_year"] is not None:
                        den = sum(fix[r][ti] for r in P.subregions)
                        if den != 0.0:
                            wf = sum(fix[r][ti] * ir[r] for r in P.subregions) / den
                        else:
                            wf = ins_reg[k]
                        m += den * wf
                    if cl["per_participant"] is not None:
                        pa = R.part[ti][j]
                        den = sum(pa)
                        if den != 0.0:
                            wp = sum(pa[a] * P.ins_share.get((a, k), 0.0) for a in range(A)) / den
                        else:
                            wp = ins_reg[k]
                        pp = cl["per_participant"] * den
                        m += (pp if W is None else W[ti] * pp) * wp
                    inv += m * disc[ti]
            for ti in range(nY):
                d = 0.0
                for a in range(A):
                    sh = P.ins_share.get((a, k), 0.0)
                    if sh != 0.0:
                        d += sh * (care_in_w(R, ti, q, [a]) - care_in_w(base, ti, q, [a]))
                sav -= d * disc[ti]
            bci.append((sidn, k, inv, sav, sav - inv))
    # totals.csv (model.md section 7 "Totals per scenario", v0.2): every scenario, the
    # baseline included, on its own: discounted care and implementation cost (money rate),
    # QALYs and life years (effects rate), all with the cycle correction; the population on
    # 1 January T0 and the per-person ratios (empty when nobody lives there). README,
    # interpretation 42.
    tots = []
    for sc in P.scenarios:
        R = res[sc["id"]]
        cc_ = sum(disc[ti] * sum(care_by_payer_w(R, ti, p) for p in P.payers) for ti in range(nY))
        ic_ = sum(disc[ti] * sum(impl_by_payer_w(R, ti, p) for p in P.payers) for ti in range(nY))
        qa_ = sum(disc_e[ti] * sum(R.Qd[ti][a] for a in range(A)) for ti in range(nY))
        ly_ = sum(disc_e[ti] * sum(R.LYd[ti][a] for a in range(A)) for ti in range(nY))
        pop0 = sum(R.pop[0][a] for a in range(A))
        co_ = cc_ + ic_
        tots.append((sc["id"], cc_, ic_, co_, qa_, ly_, pop0, co_ / pop0 if pop0 != 0 else "",
                     qa_ / pop0 if pop0 != 0 else ""))
    write(os.path.join(out, "totals.csv"), ["scenario", "care_cost", "implementation_cost", "cost", "qalys",
                                            "life_years", "population", "cost_per_person", "qalys_per_person"], tots)
    write(os.path.join(out, "business_case.csv"), ["scenario", "stakeholder", "investment", "savings", "npv", "break_even_year",
                                                   "savings_marginal", "npv_marginal"], bc)
    write(os.path.join(out, "budget_impact.csv"), ["scenario", "year", "stakeholder", "care_cost_change",
                                                   "implementation_cost", "net", "net_current",
                                                   "net_cumulative_current"], bi)
    write(os.path.join(out, "discount_rates.csv"), ["scenario", "discount_rate_pct", "stakeholder", "investment",
                                                    "savings", "npv"], dr)
    write(os.path.join(out, "health_economics.csv"), ["scenario", "delta_qalys", "delta_life_years", "cost_per_qaly",
                                                      "societal_balance", "verdict"], he)
    write(os.path.join(out, "criteria.csv"), ["scenario", "year", "criterion", "value", "unit", "threshold", "substantial"], cr)
    write(os.path.join(out, "staff.csv"), ["scenario", "year", "fte_demand_saved", "plan_staff_fte", "net_fte_saved",
                                           "shortage_baseline_fte", "shortage_fte", "shortage_closed"], stf)
    write(os.path.join(out, "criteria_subregion.csv"), ["scenario", "year", "subregion", "criterion", "value", "unit"], crs)
    write(os.path.join(out, "business_case_subregion.csv"), ["scenario", "subregion", "stakeholder", "investment",
                                                             "savings", "npv"], bcs)
    if P.insurers:                              # only for a plan with `insurers:`
        write(os.path.join(out, "business_case_insurer.csv"), ["scenario", "insurer", "investment", "savings", "npv"],
              bci)

    # intervention_costs.csv (model.md section 7 "Cost per participant", v0.2): per scenario
    # but the baseline and intervention (every intervention, also those the scenario leaves
    # out), undiscounted participant-years and cost lines, and their ratio (empty when nobody
    # took part). README, interpretation 37.
    ivc = []
    for sc in P.scenarios[1:]:
        R = res[sc["id"]]
        for j, iv in enumerate(P.ivs):
            py = sum(sum(R.part[ti][j]) for ti in range(nY))
            ic = sum(sum(R.impl[j, li]) for li in range(len(iv["costs"])))
            ivc.append((sc["id"], iv["id"], py, ic, ic / py if py != 0 else ""))
    write(os.path.join(out, "intervention_costs.csv"), ["scenario", "intervention", "participant_years",
                                                        "implementation_cost", "cost_per_participant_year"], ivc)

    # Runs of the plan restricted to a subset S of its themes (indices into P.themes) in the
    # subregions and delays of a scenario, compared with the baseline (shapley.csv, and the
    # wrong-pocket matrix). Keyed by (S, subregions, delays); the scenarios themselves are such
    # runs: `plan`, the named ones (all themes) and `without-<t>` (all but t).
    T = len(P.themes)
    theme_of = [P.themes.index(iv["theme"]) for iv in P.ivs]

    def skey(S, sc):
        subs = None if sc["subs"] is None else frozenset(sc["subs"])
        return (frozenset(S), subs, tuple(sorted(sc["delay"].items())))

    def players_of(sc):
        """The themes scenario sc runs: all of them, or all but t for `without-<t>`."""
        if sc["id"].startswith("without-"):
            return set(range(T)) - {P.themes.index(sc["id"][len("without-"):])}
        return set(range(T))

    subset_cmp = {}
    for sc in P.scenarios[1:]:
        subset_cmp.setdefault(skey(players_of(sc), sc), cmp[sc["id"]])

    def run_subset(S, sc):
        """compare() of the plan with the themes S only, in sc's subregions and delays."""
        key = skey(S, sc)
        if key not in subset_cmp:
            sub = dict(id="subset", ivs=[j for j in range(len(P.ivs)) if theme_of[j] in S],
                       subs=sc["subs"], delay=sc["delay"])
            subset_cmp[key] = compare(sub, simulate(P, sub, base))
        return subset_cmp[key]

    def shapley(players, value):
        """Exact Shapley values {t: phi_t} of the players (theme indices) for value(S), a
        function of a frozenset of players with value(empty set) = 0."""
        k = len(players)
        pl = sorted(players)
        vals = {}
        for mask in range(2 ** k):
            S = frozenset(pl[i] for i in range(k) if mask >> i & 1)
            vals[S] = value(S) if S else 0.0
        phi = {}
        for t in pl:
            acc = 0.0
            for S, v in vals.items():
                if t in S:
                    continue
                w = math.factorial(len(S)) * math.factorial(k - len(S) - 1) / math.factorial(k)
                acc += w * (vals[S | {t}] - v)
            phi[t] = acc
        return phi

    # wrong_pocket.csv (model.md note 12, v0.2: by the themes that bring the savings). For each
    # scenario s but the baseline the players are the themes s runs; theme t's Shapley value
    # phi_t(q) of saver q's discounted savings (subsets run in s's subregions and delays) goes
    # to the payers of t's own cost lines by their share of t's discounted investment when t
    # alone (subset {t}) invests inv_t > 0, else to the investor row `none`. README,
    # interpretation 29.
    if T <= 10:
        wp, roi = [], []
        for sc in P.scenarios[1:]:
            sidn = sc["id"]
            o = cmp[sidn]
            R = res[sidn]
            players = players_of(sc)
            phi = {q: shapley(players, lambda S, q=q: run_subset(S, sc)["sav"][q]) for q in P.payers}
            inv_t = {t: run_subset({t}, sc)["inv"] for t in players}
            # theme_roi.csv (model.md section 7 "Return per theme", v0.2): investment = the
            # theme alone's discounted investment inv_t (note 12), savings = sum over savers
            # of its Shapley values phi_t(p'); a theme the scenario leaves out (without-<t>)
            # has investment and savings 0. savings_per_participant_year: over the discounted
            # participant-years of the theme's interventions in the scenario itself (README,
            # interpretation 37)
            for t in range(T):
                if t in players:
                    inv = sum(inv_t[t][x] for x in P.payers)
                    sav = sum(phi[q][t] for q in P.payers)
                else:
                    inv = sav = 0.0
                py = sum(sum(R.part[ti][j]) * disc[ti] for j in range(len(P.ivs)) if theme_of[j] == t
                         for ti in range(nY))
                roi.append((sidn, P.themes[t], inv, sav, sav - inv, sav / inv if inv != 0 else "",
                            sav / py if py != 0 else ""))
            for p in P.payers + ["none"]:
                for q in P.payers:
                    att = 0.0
                    for t in sorted(players):
                        tot = sum(inv_t[t][x] for x in P.payers)
                        if p == "none":
                            if tot == 0.0:
                                att += phi[q][t]
                        elif tot > 0.0:
                            att += inv_t[t][p] / tot * phi[q][t]
                    wp.append((sidn, p, q, o["inv"][p] if p != "none" else 0.0, o["sav"][q], att))
        write(os.path.join(out, "wrong_pocket.csv"), ["scenario", "investor", "saver", "investment", "savings",
                                                      "attributed_savings"], wp)
        write(os.path.join(out, "theme_roi.csv"), ["scenario", "theme", "investment", "savings", "npv", "roi",
                                                   "savings_per_participant_year"], roi)

    # shapley.csv (model.md section 7, v0.2): the plan with every subset S of its themes
    if T <= 10:
        lt = P.long_year - P.T0

        st = P.short_year - P.T0

        def metrics(o):
            m = [("npv:" + p, o["npv"][p]) for p in P.payers + ["total"]]
            m += [("criterion:" + name, v) for name, v, _u, _t in o["crit"][lt]]
            m.append(("delta_qalys", o["dq"]))
            # v0.2 (model.md section 7, outputs.md, 4 Dec 2026): each criterion's value in
            # criteria.short_year as criterion_short_term:<name>
            m += [("criterion_short_term:" + name, v) for name, v, _u, _t in o["crit"][st]]
            return m

        names = [n for n, _ in metrics(cmp["plan"])]
        vals = {}                                   # frozenset of theme indices -> [metric values]
        vals[frozenset()] = [0.0] * len(names)      # the baseline against itself
        for mask in range(1, 2 ** T):
            S = frozenset(i for i in range(T) if mask >> i & 1)
            vals[S] = [v for _, v in metrics(run_subset(S, P.scenarios[1]))]
        full = frozenset(range(T))
        shp = []
        for t in range(T):
            for mi, name in enumerate(names):
                phi = 0.0
                for S, v in vals.items():
                    if t in S:
                        continue
                    w = math.factorial(len(S)) * math.factorial(T - len(S) - 1) / math.factorial(T)
                    phi += w * (vals[S | {t}][mi] - v[mi])
                loo = vals[full][mi] - vals[full - {t}][mi]
                shp.append((P.themes[t], name, phi, loo, vals[full][mi] - vals[frozenset()][mi]))
        write(os.path.join(out, "shapley.csv"), ["theme", "metric", "contribution", "leave_one_out", "plan_value"], shp)

    # shapley_intervention.csv (model.md section 7 "What each intervention contributes",
    # v0.2): the Shapley values over the plan's interventions, every run in the plan scenario
    # (every subregion, no delay); exact (every subset) or sampled (K random orders, Fisher-
    # Yates with the uniforms of note 14). Metrics those of shapley.csv, then savings:p and
    # investment:p per payer and total.
    if P.iv_shapley_how is not None:
        nI = len(P.ivs)
        lt = P.long_year - P.T0

        st = P.short_year - P.T0

        def iv_metrics(o):
            m = [("npv:" + p, o["npv"][p]) for p in P.payers + ["total"]]
            m += [("criterion:" + name, v) for name, v, _u, _t in o["crit"][lt]]
            m.append(("delta_qalys", o["dq"]))
            m += [("criterion_short_term:" + name, v) for name, v, _u, _t in o["crit"][st]]
            m += [("savings:" + p, o["sav"][p]) for p in P.payers]
            m.append(("savings:total", sum(o["sav"][p] for p in P.payers)))
            m += [("investment:" + p, o["inv"][p]) for p in P.payers]
            m.append(("investment:total", o["tot_inv"]))
            return m

        inames = [nm for nm, _ in iv_metrics(cmp["plan"])]
        iv_vals = {frozenset(): [0.0] * len(inames)}       # the baseline against itself
        iv_vals[frozenset(range(nI))] = [v for _, v in iv_metrics(cmp["plan"])]

        def iv_value(S):
            S = frozenset(S)
            if S not in iv_vals:
                sub = dict(id="subset", ivs=sorted(S), subs=None, delay={})
                iv_vals[S] = [v for _, v in iv_metrics(compare(sub, simulate(P, sub, base)))]
            return iv_vals[S]

        how, K = P.iv_shapley_how
        full = iv_value(range(nI))
        plan_val = [full[mi] - iv_value(())[mi] for mi in range(len(inames))]
        contrib = [[0.0] * len(inames) for _ in range(nI)]
        se = [[0.0] * len(inames) for _ in range(nI)]
        if how == "exact":
            for mask in range(1, 2 ** nI):
                iv_value(i for i in range(nI) if mask >> i & 1)
            for i in range(nI):
                for mi in range(len(inames)):
                    phi = 0.0
                    for S, v in iv_vals.items():
                        if i in S:
                            continue
                        w = math.factorial(len(S)) * math.factorial(nI - len(S) - 1) / math.factorial(nI)
                        phi += w * (iv_vals[S | {i}][mi] - v[mi])
                    contrib[i][mi] = phi
        else:
            h = fnv1a64("economics.intervention_shapley")
            seed = P.psa_seed
            cs = [[[] for _ in inames] for _ in range(nI)]          # marginal contributions
            for k in range(K):
                o = list(range(nI))
                for i in range(nI - 1, 0, -1):
                    u = uniform(seed, k, (h + i) & M64)
                    j = int(math.floor(u * (i + 1)))
                    o[i], o[j] = o[j], o[i]
                prev = iv_value(())
                for j in range(nI):
                    cur = iv_value(o[:j + 1])
                    for mi in range(len(inames)):
                        cs[o[j]][mi].append(cur[mi] - prev[mi])
                    prev = cur
            for i in range(nI):
                for mi in range(len(inames)):
                    c = cs[i][mi]
                    mean = sum(c) / K
                    contrib[i][mi] = mean
                    if K > 1:
                        sd = math.sqrt(sum((x - mean) ** 2 for x in c) / (K - 1))
                        se[i][mi] = sd / math.sqrt(K)
                    else:
                        se[i][mi] = ""
        shi = []
        for i, iv in enumerate(P.ivs):
            for mi, name in enumerate(inames):
                shi.append((iv["id"], name, iv["theme"], contrib[i][mi], se[i][mi], plan_val[mi], how, K))
        write(os.path.join(out, "shapley_intervention.csv"), ["intervention", "metric", "theme", "contribution",
                                                              "standard_error", "plan_value", "method", "orders"],
              shi)

        # wrong_pocket_intervention.csv (model.md section 7, v0.2, with shapley_intervention):
        # for investor p (a payer, or `none`) and saver q (a payer), attributed_savings =
        # sum_i share_i(p) * phi_i(savings:q), share_i(p) = the part of intervention i's own
        # discounted implementation cost in the plan scenario (its cost lines as the business
        # case discounts them, with the cycle correction) that p pays; an intervention whose
        # own discounted cost is 0 goes to `none` (share 1). investment = the plan's
        # discounted investment of p (business_case.csv; 0 for none), savings = sum_i
        # phi_i(savings:q). README, interpretation 43.
        mi_of = {nm: mi for mi, nm in enumerate(inames)}
        Rp = res["plan"]
        own = []                                   # [{payer: discounted own cost}] per intervention
        for i, iv in enumerate(P.ivs):
            d_ = {x: 0.0 for x in P.payers}
            for li, cl in enumerate(iv["costs"]):
                d_[cl["payer"]] += sum(Rp.implw[i, li][ti] * disc[ti] for ti in range(nY))
            own.append(d_)
        wpi = []
        for p in P.payers + ["none"]:
            for q in P.payers:
                att = 0.0
                for i in range(nI):
                    it = sum(own[i][x] for x in P.payers)
                    ph = contrib[i][mi_of["savings:" + q]]
                    if p == "none":
                        if it == 0.0:
                            att += ph
                    elif it != 0.0:
                        att += own[i][p] / it * ph
                inv = 0.0 if p == "none" else cmp["plan"]["inv"][p]
                sav = sum(contrib[i][mi_of["savings:" + q]] for i in range(nI))
                wpi.append((p, q, inv, sav, att))
        write(os.path.join(out, "wrong_pocket_intervention.csv"), ["investor", "saver", "investment", "savings",
                                                                   "attributed_savings"], wpi)

        # intervention_roi.csv (model.md section 7, v0.2, with shapley_intervention): per
        # intervention in plan order, investment = its own discounted implementation cost in
        # the plan scenario (all payers, weighted as the business case), savings =
        # phi_i(savings:total), npv, roi (empty when the investment is 0),
        # participant_years_discounted = its participants summed over areas and years and
        # discounted at the money rate (not weighted,
        # as theme_roi's), and the two per participant-year (empty when that is 0). README,
        # interpretation 49.
        iroi = []
        for i, iv in enumerate(P.ivs):
            inv = sum(own[i][x] for x in P.payers)
            sav = contrib[i][mi_of["savings:total"]]
            py = sum(sum(Rp.part[ti][i]) * disc[ti] for ti in range(nY))
            iroi.append((iv["id"], iv["theme"], inv, sav, sav - inv, sav / inv if inv != 0 else "", py,
                         inv / py if py != 0 else "", sav / py if py != 0 else ""))
        write(os.path.join(out, "intervention_roi.csv"), ["intervention", "theme", "investment", "savings", "npv",
                                                          "roi", "participant_years_discounted",
                                                          "investment_per_participant_year",
                                                          "savings_per_participant_year"], iroi)

    # resources (no scenario)
    resrc = {}
    for iv in P.ivs:
        for rs in iv["resources"]:
            org, role = sid(rs["organisation"]), sid(rs["role"])
            if rs.get("fte") is not None:
                for t in range(int(rs.get("from", P.T0)), int(rs.get("to", P.T1)) + 1):
                    e = resrc.setdefault((org, role, t), [0.0, 0.0])
                    e[0] += P.val(rs["fte"])
            if rs.get("euro") is not None:
                e = resrc.setdefault((org, role, int(rs.get("year", P.T0))), [0.0, 0.0])
                e[1] += P.val(rs["euro"])
    write(os.path.join(out, "resources.csv"), ["organisation", "role", "year", "fte", "euro"],
          [(k[0], k[1], k[2], v[0], v[1]) for k, v in sorted(resrc.items())])

    with open(os.path.join(out, "reference.log"), "w") as fh:
        for sc in P.scenarios:
            R = res[sc["id"]]
            fh.write("%s: capped migration cells %d (%r persons), transition rows scaled %d\n"
                     % (sc["id"], R.capped_cells, R.capped_persons, R.rows_scaled))
    return P, res


def own_staff(P, scen, t, R):
    """The plan's own staff in year t (model.md section 8, v0.2): over the scenario's
    interventions, coverage * the sum of `fte` of its resources whose years from..to
    (default base..horizon) include t, plus fte_per_participant * participants (summed over
    areas, the scenario's run R) of every per_participant line. 0 in the baseline (no
    interventions)."""
    own = 0.0
    ti = t - P.T0
    for j in scen["ivs"]:
        iv = P.ivs[j]
        for cl in iv["costs"]:
            if cl["per_participant"] is not None and cl["fte_pp"] != 0.0:
                own += cl["fte_pp"] * sum(R.part[ti][j])
        fte = 0.0
        for rs in iv["resources"]:
            if rs.get("fte") is not None and int(rs.get("from", P.T0)) <= t <= int(rs.get("to", P.T1)):
                fte += P.val(rs["fte"])
        if fte != 0.0:
            own += P.coverage(iv, scen) * fte
    return own


def verdict(dq, npv):
    """health_economics.verdict (model.md note 10, outputs.md v0.2) from the discounted delta
    QALYs and the total NPV; README, interpretation 25."""
    if dq > 0:
        return "dominant" if npv >= 0 else "icer"
    if dq < 0:
        return "dominated" if npv < 0 else "saves_money_loses_qalys"
    return "no_qaly_change"


def break_even(years, delta):
    """First year from which the cumulative undiscounted delta is <= 0 in every year to T1."""
    cum, c = [], 0.0
    for d in delta:
        c += d
        cum.append(c)
    be = ""
    for ti in range(len(years) - 1, -1, -1):
        if cum[ti] <= 0:
            be = years[ti]
        else:
            break
    return be


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.stderr.write("usage: csref.py PLAN.yaml OUTDIR [--detail]\n")
        return 2
    run(args[0], args[1], "--detail" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
