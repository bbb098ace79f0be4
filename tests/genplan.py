#!/usr/bin/env python3
"""Writes a small random plan in the careshift plan format (docs/plan-format.md) to a directory.

usage: genplan.py DIR SEED [--projection] [--single-state] [--psa]

  DIR             where plan.yaml and its CSV tables are written (created if missing)
  SEED            an integer; the same seed and flags give the same files, byte for byte
  --projection    demography from an external projection (projection.csv) instead of
                  fertility and migration
  --single-state  no `states:` (one state `all`), so no state_shares, transitions or
                  transition effects
  --psa           a `psa:` section, and most numbers that may be distributions are ones

The plans are small (3 areas in 2 subregions, 5 to 9 years) so that a run takes well under a
second, valid (`careshift check` exits 0), and use every feature of the format. The project's
own generator, written from docs/plan-format.md; standard library only.

Features (docs/plan-format.md, v1 and the v0.2 additions). In EVERY plan unless a flag rules
it out or it is marked (some): optional fields are given in some plans and left to their
default in others, so both the field and the default are exercised.
- `careshift: 1`; `plan:` name, and (some) coalition, coordinator, status (one of the six
  values), deadline; `region:` name and areas.csv (area,name,subregion: 3 areas in 2
  subregions with spaces in their names; an area name with a comma, quoted, or non-ASCII
  letters in some); `years:` base and horizon (5 to 9 years).
- population.csv: every area, sex and age; fractional counts; empty cells at 98-100+.
- demography: mortality.csv (every sex and age; q up to 0.6 at 100+, so high-risk states hit
  the min(1, q*rr/rbar) cap); (some) mortality_improvement, boys; mortality_mode absent,
  normalised or hazard (v0.2; from its own generator seeded by the seed, so the rest of the
  plan does not change with it); (some, v0.2, likewise from its own generator)
  transition_improvement in [-0.02, 0.05], plain or a distribution; without --projection
  fertility.csv (some ages absent) and migration.csv (absent cells, net at age 0, negative
  nets larger than the cell, so migration is capped); with --projection projection.csv
  (every cell and year base+1..horizon, a zero cell).
- states (3 or 4) with utility and mortality_rr (one state leaves mortality_rr to its
  default 1); state_shares.csv for every (sex, age, state), shares 0 at young ages, some
  rows off by 4e-7 (within 1e-6, used as given); transitions.csv with absent rows, `from =
  to` rows (ignored) and rows summing to 0.98. --single-state: no states (state `all`).
- payers: zvw, wlz, wmo and one that pays only implementation costs; (some) insurers of zvw
  (insurer_shares.csv, an area with one insurer) and cost lines that name one.
- workforce.csv with a group no sector names (supply only), a (group, subregion) without a
  row (supply 0); a sector group without any row.
- sectors: all four chains (social, primary, secondary, long_term), every field; m2_per_unit,
  co2_kg_per_unit and growth each left out in one sector; a sector (hospice) with
  end-of-life use only (rows in eol.csv, none in use.csv); (some) a second secondary sector.
- use.csv and end_of_life_use (eol.csv): random age bands (age_from, age_to), absent bands,
  (some) a state without end-of-life use.
- economics: price_year; (some) price_growth, discount_rate, discount_rate_effects,
  qaly_value, inflation; intervention_shapley absent, auto, exact, none, {permutations: 1},
  {permutations: 3} or {permutations: 7} (one of these per plan, from its own generator
  seeded by the seed, so the rest of the plan does not change with it); cycle_correction
  absent, none, half-cycle or simpson (v0.2; likewise from its own generator).
- marginal_share on the hospital sector and (some) others.
- (some) criteria: long_year or its older name year, short_year, care_use_payer (not always
  zvw), care_use_pct, patient_flows_pct, patient_flows_sectors, staff_fte or staff_pct,
  real_estate_m2 or real_estate_pct (each key given in most plans, the section left out in
  some).
- parameters: `$name` used twice (one draw shared), used as `{neg: $name}`, a plain number
  parameter, a `{fixed: v}` parameter.
- themes (2 or 3; the first with a leader, others in some) with 4 or 5 interventions:
  target areas, subregions, sexes, ages, states each in some intervention, one without a
  target (states always include a transition effect's `from`; some targets reach nobody);
  uptake max; ramp_years, start and start_by_subregion each given in one intervention and
  left out in another; curve linear, logistic and left out;
  effects of every kind: use (down, up, on a shift's from and to after it), end_of_life_use,
  shift back -> front (a patient flow), shift front -> front (not one; `applies_to: all`
  written out in some), shift out of the end-of-life-only sector, shift with
  `applies_to: end_of_life` into the front and into the hospice, fte_per_unit, utility,
  mortality, transition (down, and up strongly so that rows are scaled back to 1; each with
  `scale` absent, probability or hazard, and in some a second effect on the same (from, to)
  of either scale appended to the same intervention: these from their own generator seeded
  by the seed, as mortality_mode),
  workforce (both fields, outflow_change only, extra_inflow only and negative in some, on
  a group without workforce rows, on the supply-only group);
  costs once (with year), per_year with from and to, from only, to only, neither,
  per_participant, per_year from a `$parameter`;
  resources fte (from/to and default years), euro (year and default), fte and euro on one
  line, the same organisation and role on several lines; milestones;
  an intervention without effects, one without costs; after_funding keep, stop,
  {decay_years: N} and absent.
- scenarios: a left-out subregion, a delay, both; (some) a delay of 0 beside one past the
  horizon, a scenario listing every subregion; `without-<theme>` follow from the themes.
- distributions: beta (mean/sd and alpha/beta), gamma, lognormal (mean/sd and
  meanlog/sdlog), normal, uniform, triangular, pert, `{fixed: v}`, `{neg: X}` of a
  distribution, a number and a parameter, all in every plan; where they stand is random,
  over state utility and mortality_rr, mortality_improvement, boys, sector price,
  fte_per_unit, m2_per_unit, co2_kg_per_unit, growth, price_growth, uptake max, effect
  change, fraction, ratio, outflow_change, extra_inflow, cost amounts, named parameters and
  table scales. Without --psa about a quarter of these numbers are distributions, with
  --psa about 80 %.
- table `scale` (a number or a distribution, mean 0.9-1.1) on population, mortality,
  fertility, migration, projection, transitions and use/end_of_life_use (each in most
  plans, all with --psa; the transitions scale can lift the 0.98 rows above 1, which the
  model scales back).
- CSV: a byte-order mark, `#` comment lines, CRLF line ends (one table each at least),
  rows in random order.
- v0.2 additions, each in some plans and each from its own generator seeded by the seed (as
  cycle_correction), so every other line stays byte-identical (a line that gets a key gets it
  appended): demography.life_table_age absent, exact or completed; area_use_index.csv (3-10
  (area, sector) rows, index 0.5-1.6, in some a 0 and an explicit 1; written after the
  BOM/comment/CRLF choices of the other tables); an `extra_use` effect appended after the
  last effect of an intervention (units plain, gamma or fixed), in some followed by a `use`
  effect on the same sector; `fte_per_participant` on per_participant lines; `by_subregion`
  shares of the plan's two subregions (a split, one subregion only, or a 0 share) on once and
  per_year lines; demography.transition_improvement_by_age in a third of the plans without
  the scalar (2-4 bands, the first at 0, the others at ascending first ages in 30..95, values
  in [-0.02, 0.05], one of them plain or a distribution); economics.price_index in about
  half the plans, with or without inflation (2-4 ascending years within three years of the
  price year, base and horizon, consecutive or with gaps, indices 0.9-1.3); the top-level
  workforce_total_fte in some. Seeds 1-12 and 13-44 of compare_reference.py each have every
  one.
- --psa: `psa: {draws, seed}` (in some only draws).

Not covered: invalid plans (tests/bad_inputs.py has them). Everything the format offers
is in some plan; what cannot be in every plan is alternatives (a field or its default, a
threshold in fte or in %, `year` or `long_year`, projection or fertility/migration, states
or none) and the `psa:` section without --psa.
"""
import math
import os
import random
import sys

X = 100
SEXES = ("f", "m")
KINDS = ("beta", "beta_ab", "gamma", "lognormal", "lognormal_log", "normal", "uniform",
         "triangular", "pert", "fixed")
POSITIVE_KINDS = ("gamma", "lognormal", "lognormal_log")
UNIT_KINDS = ("beta", "beta_ab")


def fmt(x):
    """A number as YAML/CSV text without exponent notation (PyYAML reads 1e-05 as a string)."""
    if isinstance(x, int):
        return str(x)
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = repr(x)
    if "e" in s or "E" in s:
        s = ("%.15f" % x).rstrip("0").rstrip(".")
    return s


def sig(x, n=6):
    """x rounded to n significant digits."""
    if x == 0:
        return 0.0
    return round(x, n - 1 - int(math.floor(math.log10(abs(x)))))


def q(s):
    """A YAML double-quoted string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Gen:
    def __init__(self, seed, projection, single, psa):
        self.r = random.Random(seed)
        self.seed = seed
        self.projection = projection
        self.single = single
        self.psa = psa
        self.files = {}
        self.used = set()        # distribution kinds used so far
        self.pdist = 0.8 if psa else 0.25

    # -------------------------------------------------------------- numbers and distributions

    def dist(self, m, kind, rel):
        """A distribution of kind with mean ~m (m > 0 for the positive and unit kinds)."""
        r = self.r
        sd = sig(max(abs(m) * rel, 1e-4), 4)
        if kind == "fixed":
            return "{fixed: %s}" % fmt(m)
        if kind == "beta":
            # careshift needs both shapes >= 0.1: k = m(1-m)/sd^2 - 1 >= 0.1/min(m, 1-m)
            kmin = 0.11 / min(m, 1 - m) + 1
            sd = sig(min(sd, 0.5 * math.sqrt(m * (1 - m)), 0.999 * math.sqrt(m * (1 - m) / kmin)), 4)
            return "{dist: beta, mean: %s, sd: %s}" % (fmt(m), fmt(sd))
        if kind == "beta_ab":
            k = max(r.uniform(15, 300), 0.11 / min(m, 1 - m))
            return "{dist: beta, alpha: %s, beta: %s}" % (fmt(sig(m * k, 5)), fmt(sig((1 - m) * k, 5)))
        if kind == "gamma":
            return "{dist: gamma, mean: %s, sd: %s}" % (fmt(m), fmt(sd))
        if kind == "lognormal":
            return "{dist: lognormal, mean: %s, sd: %s}" % (fmt(m), fmt(sd))
        if kind == "lognormal_log":
            sl = sig(min(0.4, max(0.01, rel)), 3)
            return "{dist: lognormal, meanlog: %s, sdlog: %s}" % (fmt(sig(math.log(m) - sl * sl / 2, 8)), fmt(sl))
        if kind == "normal":
            return "{dist: normal, mean: %s, sd: %s}" % (fmt(m), fmt(sd))
        # uniform, triangular, pert: a half-width w around m, kept inside the domain
        w = abs(m) * rel * 1.7 if m != 0 else 0.01
        lo_room, hi_room = self._room
        w = sig(min(w, 0.9 * lo_room, 0.9 * hi_room), 4)
        if kind == "uniform":
            return "{dist: uniform, min: %s, max: %s}" % (fmt(sig(m - w, 8)), fmt(sig(m + w, 8)))
        a = w * r.uniform(0.7, 1.0)
        b = w * r.uniform(0.7, 1.0)
        lo, hi = sig(m - a, 8), sig(m + b, 8)
        if kind == "triangular":
            mode = sig(3 * m - lo - hi, 8)
        else:
            mode = sig((6 * m - lo - hi) / 4, 8)
        mode = min(max(mode, lo), hi)
        return "{dist: %s, min: %s, mode: %s, max: %s}" % (kind, fmt(lo), fmt(mode), fmt(hi))

    def num(self, m, dom="pos", rel=0.1, p=None, plain_digits=6):
        """YAML text for a number whose deterministic value is ~m: plain or a distribution.

        dom: 'prob' (in [0, 1]), 'pos' (>= 0), 'real' (any), 'change' (>= -1)."""
        r = self.r
        m = sig(m, plain_digits)
        missing = [k for k in KINDS if k not in self.used]
        prob = self.pdist if p is None else p
        if missing and p is None:
            prob = max(prob, 0.6)
        if r.random() >= prob:
            if m < 0 and r.random() < 0.15:
                self.used.add("neg")
                return "{neg: %s}" % fmt(-m)
            return fmt(m)
        neg = False
        mm = m
        if m < 0 and r.random() < 0.5:
            neg, mm = True, -m
        cands = ["normal", "fixed"]
        lo = {"prob": 0.0, "pos": 0.0, "change": -1.0}.get(dom, -math.inf)
        hi = 1.0 if dom == "prob" else math.inf
        if neg:
            lo, hi = -hi, -lo
        room = (mm - lo, hi - mm)
        if mm != 0 and min(room) > 0.01 * abs(mm):
            cands += ["uniform", "triangular", "pert"]
        if mm > 0:
            cands += list(POSITIVE_KINDS)
            if mm < 1:
                cands += list(UNIT_KINDS)
        self._room = room
        fresh = [k for k in cands if k not in self.used]
        kind = r.choice(fresh) if fresh and r.random() < 0.9 else r.choice(cands)
        self.used.add(kind)
        txt = self.dist(mm, kind, rel)
        if neg:
            self.used.add("neg")
            return "{neg: %s}" % txt
        return txt

    def num_own(self, rng, *args, **kw):
        """num() drawing from the generator rng instead of the plan's own stream, leaving the
        plan's stream and its record of the distribution kinds used as they were."""
        keep_r, keep_used = self.r, set(self.used)
        self.r = rng
        try:
            return self.num(*args, **kw)
        finally:
            self.r, self.used = keep_r, keep_used

    def posdist(self, m):
        """A distribution of a positive kind with mean ~m in (0, 1) (for use under neg)."""
        m = sig(m, 6)
        kind = self.r.choice(POSITIVE_KINDS + UNIT_KINDS)
        self.used.add(kind)
        self.used.add("neg")
        return self.dist(m, kind, 0.2)

    def maybe(self, pr=0.5):
        return self.r.random() < pr

    # -------------------------------------------------------------- CSV files

    def csv(self, name, header, rows, shuffle=True):
        """Writes a table later; rows are lists of text. Adds comments, a BOM, random order."""
        r = self.r
        rows = list(rows)
        if shuffle and self.maybe(0.5):
            r.shuffle(rows)
        lines = []
        if self.maybe(0.5):
            lines.append("# %s: generated by tests/genplan.py, seed %d" % (name, self.seed))
        lines.append(",".join(header))
        for i, row in enumerate(rows):
            lines.append(",".join(row))
            if i == len(rows) // 2 and self.maybe(0.3):
                lines.append("# a comment line in the middle of the table")
        text = "\n".join(lines) + "\n"
        bom = self.maybe(0.2)
        self.files[name] = (("\ufeff" if bom else "") + text)

    def table_ref(self, name, key, mean_lo=0.9, mean_hi=1.1):
        """`file` or {file, scale}: a scale on a random half of the tables (all with --psa)."""
        if self.psa or self.maybe(0.85):
            m = sig(self.r.uniform(mean_lo, mean_hi), 4)
            self.scaled.append(key)
            return "{file: %s, scale: %s}" % (name, self.num(m, "pos", 0.03))
        return name

    # -------------------------------------------------------------- the plan

    def build(self):
        r = self.r
        self.scaled = []
        T0 = r.randint(2022, 2026)
        T1 = T0 + r.randint(4, 8)
        self.T0, self.T1 = T0, T1
        years = list(range(T0, T1 + 1))

        # region: 3 areas, 2 subregions
        subs = r.sample(["Westelijke Mijnstreek", "Parkstad", "Maastricht-Heuvelland", "Noord",
                         "Oostelijk Zuid-Limburg", "Heuvelland"], 2)
        pool = [("SIT", "Sittard-Geleen"), ("BEE", "Beek, Stein en Schinnen"), ("HRL", "Heerlen"),
                ("KRK", "Kerkrade"), ("MAA", "Maastricht"), ("GUL", "Gulpen-Wittem"),
                ("EIJ", "Eijsden-Margraten"), ("VAL", "Valkenburg aan de Geul"),
                ("BRU", "Brunssum"), ("SIM", "Simpelveld")]
        picked = r.sample(pool, 3)
        big = r.randrange(2)
        area_sub = [subs[big], subs[big], subs[1 - big]]
        r.shuffle(area_sub)
        areas = [p[0] for p in picked]
        self.areas, self.subs = areas, subs
        self.area_sub = dict(zip(areas, area_sub))
        rows = []
        for (a, nm), sr in zip(picked, area_sub):
            nm = nm + (" (gemeente)" if self.maybe(0.3) else "")
            if a == "GUL":
                nm = "Gülpen-Wittem"
            rows.append([a, '"%s"' % nm if "," in nm else nm, sr])
        self.csv("areas.csv", ["area", "name", "subregion"], rows)
        # (some) insurers: shares of zvw's insured per area, one area with a single insurer
        self.insurers = None
        if self.maybe(0.7):
            self.insurers = ["CZ", "VGZ", "Menzis"][:r.choice((2, 3))]
            rows = []
            for i, a in enumerate(areas):
                w = [r.uniform(0.1, 1.0) for _ in self.insurers] if i else [1.0] + [0.0] * (len(self.insurers) - 1)
                sh = [round(x / sum(w), 4) for x in w]
                sh[-1] = round(1.0 - sum(sh[:-1]), 4)
                rows += [[a, k, fmt(v)] for k, v in zip(self.insurers, sh)]
            self.csv("insurer_shares.csv", ["area", "insurer", "share"], rows)

        # population on 1 Jan T0
        P = {}
        rows = []
        zero_area = r.choice(areas)
        zero_sex = r.choice(SEXES)
        for a in areas:
            size = r.uniform(300, 2500)
            old = r.uniform(0.8, 1.3)
            for s in SEXES:
                for x in range(X + 1):
                    prof = max(0.01, 1 - (x / (88 if s == "m" else 92)) ** 3) * (old if x >= 65 else 1)
                    c = size / 100 * prof * r.uniform(0.7, 1.3)
                    if x == X:
                        c = r.uniform(0, 1.5)
                    if a == zero_area and s == zero_sex and x >= 98:
                        c = 0.0
                    c = round(c, 3)
                    P[a, s, x] = c
                    rows.append([a, s, str(x), fmt(c)])
        self.P = P
        pop_ref = self.table_ref("population.csv", "population", 0.95, 1.05)
        self.csv("population.csv", ["area", "sex", "age", "count"], rows)

        # mortality
        rows = []
        qtop = sig(r.uniform(0.45, 0.6), 4)
        for s in SEXES:
            for x in range(X + 1):
                if x == 0:
                    qq = 0.003
                elif x == X:
                    qq = qtop
                else:
                    qq = min(0.55, 0.00022 * math.exp(0.088 * x) * (1.25 if s == "m" else 1.0))
                rows.append([s, str(x), fmt(sig(qq * r.uniform(0.95, 1.05), 5))])
        mort_ref = self.table_ref("mortality.csv", "mortality", 0.9, 1.1)
        self.csv("mortality.csv", ["sex", "age", "q"], rows)

        demo = ["demography:", "  mortality: " + mort_ref]
        if self.maybe(0.8):
            demo.append("  mortality_improvement: " + self.num(r.uniform(-0.003, 0.02), "real", 0.3))
        # v0.2: demography.mortality_mode (absent = normalised, normalised or hazard; model.md
        # section 2 step 1). From its own generator seeded by the seed, as intervention_shapley
        # below, so that the rest of the plan is the same as before it was added.
        rm = random.Random("mortality_mode 0 %d" % self.seed)
        mmode = rm.choice([None, None, "normalised", "hazard", "hazard"])
        if mmode is not None:
            demo.append("  mortality_mode: " + mmode)
        # v0.2: demography.life_table_age (absent = exact, exact or completed; model.md section
        # 2 step 1 "Completed ages"), from its own generator as mortality_mode
        rl = random.Random("life_table_age 0 %d" % self.seed)
        lta = rl.choice([None, "exact", "completed", "completed"])
        if lta is not None:
            demo.append("  life_table_age: " + lta)
        # v0.2: demography.transition_improvement (absent = 0; model.md section 2 step 3), in
        # half the plans, uniform in [-0.02, 0.05], plain or a distribution as
        # mortality_improvement; from its own generator as mortality_mode (num() runs on it
        # and the record of distribution kinds used is restored), so the rest of the plan is
        # the same as before it was added.
        rti = random.Random("transition_improvement 0 %d" % self.seed)
        if rti.random() < 0.5:
            demo.append("  transition_improvement: " + self.num_own(rti, rti.uniform(-0.02, 0.05), "real", 0.3))
        else:
            # v0.2: demography.transition_improvement_by_age (model.md section 2 step 3), in a
            # third of the plans without the scalar (both are invalid): 2-4 bands, the first
            # at 0, the others at ascending first ages in 30..95, values uniform in [-0.02,
            # 0.05], one of them through num() (plain or a distribution); from its own generator
            tb = random.Random("transition_improvement_by_age 253 %d" % self.seed)
            if tb.random() < 1 / 3:
                firsts = [0] + sorted(tb.sample(range(30, 96), tb.randint(1, 3)))
                one = tb.randrange(len(firsts))
                vals = []
                for i, a in enumerate(firsts):
                    v = tb.uniform(-0.02, 0.05)
                    vals.append("%d: %s" % (a, self.num_own(tb, v, "real", 0.3) if i == one else fmt(sig(v, 6))))
                demo.append("  transition_improvement_by_age: {%s}" % ", ".join(vals))
        if self.projection:
            rows = []
            for a in areas:
                for s in SEXES:
                    for x in range(X + 1):
                        for t in years[1:]:
                            src = P[a, s, max(0, x - (t - T0))]
                            c = 0.0 if (a == zero_area and x == X and t == T1) else round(src * r.uniform(0.8, 1.1), 3)
                            rows.append([a, s, str(x), str(t), fmt(c)])
            demo.append("  projection: " + self.table_ref("projection.csv", "projection", 0.97, 1.03))
            self.csv("projection.csv", ["area", "sex", "age", "year", "count"], rows)
        else:
            rows = []
            for x in range(15, 50):
                if self.maybe(0.85):
                    rows.append([str(x), fmt(sig(0.11 * math.exp(-((x - 31) / 6.5) ** 2) * r.uniform(0.8, 1.2) + 1e-4, 4))])
            demo.append("  fertility: " + self.table_ref("fertility.csv", "fertility"))
            self.csv("fertility.csv", ["age", "rate"], rows)
            rows = []
            for a in areas:
                for s in SEXES:
                    for x in range(X + 1):
                        if x >= 90 and self.maybe(0.04):
                            net = -r.uniform(1, 3)           # more than is there: capped
                        elif x == 0 or self.maybe(0.4):
                            net = P[a, s, x] * (r.uniform(-0.06, 0.12) if 18 <= x <= 40 else r.uniform(-0.04, 0.04))
                        else:
                            continue
                        rows.append([a, s, str(x), fmt(round(net, 3))])
            demo.append("  migration: " + self.table_ref("migration.csv", "migration"))
            self.csv("migration.csv", ["area", "sex", "age", "net"], rows)
        if self.maybe(0.7):
            demo.append("  boys: " + self.num(r.uniform(0.505, 0.52), "prob", 0.01))

        # states
        if self.single:
            states = ["all"]
        else:
            states = ["healthy", "chronic", "frail", "dependent"][:r.choice((3, 4))]
            if self.maybe(0.3):
                states = ["gezond", "chronisch", "kwetsbaar", "afhankelijk"][:len(states)]
        self.states = states
        K = len(states)
        st_yaml = []
        if not self.single:
            utils = [0.92, 0.76, 0.6, 0.42]
            rrs = [1.0, 1.6, 3.2, 6.5]
            no_rr = r.randrange(K)
            st_yaml.append("states:")
            for k, sid in enumerate(states):
                u = self.num(utils[k] + r.uniform(-0.03, 0.03), "prob", 0.06)
                line = "  - {id: %s, utility: %s" % (sid, u)
                if k != no_rr:
                    line += ", mortality_rr: %s" % self.num(rrs[k] * r.uniform(0.85, 1.15) if k else 1.0, "pos", 0.15)
                st_yaml.append(line + "}")
            st_yaml.append("state_shares: state_shares.csv")
            # shares: every (sex, age, state); the first state takes the rest
            rows = []
            self.share0 = {}
            for s in SEXES:
                for x in range(X + 1):
                    w = [0.0] * K
                    for k in range(1, K):
                        w[k] = 0.0 if (k == K - 1 and x < 15) else min(0.9, 0.02 * k + (x / 100) ** (1 + k) * (1.2 - 0.2 * k))
                    tot = 1 + sum(w)
                    sh = [round(w[k] / tot, 6) for k in range(K)]
                    sh[0] = 1.0 - sum(sh[1:])
                    if self.maybe(0.05):
                        sh[0] += r.choice((-4e-7, 4e-7))      # within 1e-6: used as given
                    for k in range(K):
                        rows.append([s, str(x), states[k], fmt(sh[k])])
                        self.share0[s, x, k] = sh[k]
            self.csv("state_shares.csv", ["sex", "age", "state", "share"], rows)
            # transitions: up one state, back one state, near-1 rows at old ages, k -> k rows
            rows = []
            for s in SEXES:
                for x in range(X + 1):
                    if self.maybe(0.08):
                        continue                             # absent rows: 0
                    for k in range(K):
                        row = {}
                        if k + 1 < K:
                            row[k + 1] = min(0.5, 0.004 * (k + 1) * math.exp(0.045 * x))
                        if k >= 1 and x < 90:
                            row[k - 1] = 0.06 / k
                        if x >= 88 and k + 1 < K and self.maybe(0.5):
                            row[k + 1] = 0.62
                            if k >= 1:
                                row[k - 1] = 0.36              # sum 0.98: a scale > 1 lifts it above 1
                        if self.maybe(0.03):
                            row[k] = r.uniform(0, 1)         # from = to: ignored
                        for l, p in sorted(row.items()):
                            rows.append([s, str(x), states[k], states[l], fmt(sig(p, 5))])
            st_yaml.append("transitions: " + self.table_ref("transitions.csv", "transitions", 1.0, 1.08))
            self.csv("transitions.csv", ["sex", "age", "from", "to", "p"], rows)

        # payers: zvw, wlz, wmo and one that pays only implementation costs
        extra = r.choice([("gemeente", "Gemeenten (programmabudget)"), ("regio", "Regiofonds"),
                          ("zorgkantoor", "Zorgkantoor CZ")])
        payers = [("zvw", "Zorgverzekeringswet"), ("wlz", "Wet langdurige zorg"),
                  ("wmo", "Gemeente (Wmo)"), extra]
        r.shuffle(payers)
        self.payers = [p[0] for p in payers]

        # sectors (id, name, unit, payer, chain, group, price, fte, m2, co2, use level)
        sectors = [
            ("gp", "Huisartsenzorg", "consult", "zvw", "primary", "gp_practice", 38, 0.0003, 0.0, 1.1),
            ("hosp", "Ziekenhuis (verpleegdag)", "day", "zvw", "secondary", "hospital", 650, 0.004, 0.09, 35),
            ("dn", "Wijkverpleging", "hour", "zvw", "primary", "nursing", 75, 0.0007, 0.0, 2.0),
            ("nh", "Verpleeghuis", "day", "wlz", "long_term", "nursing", 260, 0.0012, 0.12, 8),
            ("wmo", "Huishoudelijke hulp", "hour", "wmo", "social", "social_care", 32, 0.0006, 0.0, 0.5),
            ("hospice", "Hospicezorg", "day", r.choice(("wlz", "zvw")), "long_term", "hospice_team", 420, 0.003, 0.15, 12),
        ]
        if self.maybe(0.5):
            sectors.append(("ed", "Spoedeisende hulp", "visit", "zvw", "secondary", "hospital", 280, 0.002, 0.05, 20))
        r.shuffle(sectors)
        self.sectors = [c[0] for c in sectors]
        sec_yaml = ["sectors:"]
        omit = {"m2_per_unit": r.choice(self.sectors), "co2_kg_per_unit": r.choice(self.sectors),
                "growth": r.choice(self.sectors)}
        for c in sectors:
            cid, name, unit, payer, chain, group, price, fte, m2, co2 = c
            sec_yaml += ["  - id: %s" % cid, "    name: %s" % q(name), "    unit: %s" % unit,
                         "    payer: %s" % payer, "    chain: %s" % chain,
                         "    price: %s" % self.num(price * r.uniform(0.8, 1.2), "pos", 0.1),
                         "    fte_per_unit: %s" % self.num(fte * r.uniform(0.8, 1.2), "pos", 0.1)]
            if omit["m2_per_unit"] != cid:
                sec_yaml.append("    m2_per_unit: %s" % (self.num(m2 * r.uniform(0.8, 1.2), "pos", 0.2) if m2 else "0"))
            if omit["co2_kg_per_unit"] != cid:
                sec_yaml.append("    co2_kg_per_unit: %s" % self.num(co2 * r.uniform(0.8, 1.2), "pos", 0.2))
            sec_yaml.append("    group: %s" % group)
            if omit["growth"] != cid:
                sec_yaml.append("    growth: %s" % self.num(r.uniform(-0.015, 0.03), "real", 0.3))
            if cid == "hosp" or self.maybe(0.25):  # savings at marginal prices
                sec_yaml.append("    marginal_share: %s" % fmt(round(r.uniform(0.3, 1.0), 2)))

        # workforce: a supply-only group, a missing (group, subregion) row, hospice_team has none
        rows = []
        groups = ["gp_practice", "hospital", "nursing", "social_care", "management"]
        drop = (r.choice(groups[:4]), r.choice(subs))
        for g in groups:
            for sr in subs:
                if (g, sr) == drop:
                    continue
                rows.append([g, sr, fmt(round(r.uniform(5, 150), 3)), fmt(round(r.uniform(0.01, 0.05), 4)),
                             fmt(round(r.uniform(0.02, 0.08), 4)), fmt(round(r.uniform(0, 8), 3))])
        self.groups = groups + ["hospice_team"]
        self.csv("workforce.csv", ["group", "subregion", "fte", "retire_rate", "outflow_rate", "inflow_fte"], rows)

        # use and end-of-life use: age bands, absent bands; hospice only at the end of life
        level = {"gp": 4.0, "hosp": 0.4, "dn": 3.0, "nh": 6.0, "wmo": 4.0, "ed": 0.15}
        eol_level = {"hosp": 9.0, "hospice": 6.0, "dn": 20.0, "nh": 25.0, "ed": 1.2}
        rows = []
        for c in self.sectors:
            if c == "hospice":
                continue
            for k, sid in enumerate(states):
                for s in SEXES:
                    for lo, hi in self.bands():
                        if self.maybe(0.1):
                            continue
                        agef = 0.3 + ((lo + hi) / 200) ** 2 * (6 if c in ("nh", "dn", "wmo") else 2)
                        v = level[c] * agef * (1 + 1.5 * k) * r.uniform(0.7, 1.3)
                        rows.append([c, sid, s, str(lo), str(hi), fmt(sig(v, 5))])
        use_ref = self.table_ref("use.csv", "use")
        self.csv("use.csv", ["sector", "state", "sex", "age_from", "age_to", "rate"], rows)
        rows = []
        eol_secs = ["hospice"] + [c for c in self.sectors if c in eol_level and c != "hospice" and self.maybe(0.7)]
        for c in eol_secs:
            for k, sid in enumerate(states):
                if k == 0 and K > 2 and self.maybe(0.3):
                    continue                                  # no end-of-life use in this state
                for s in SEXES:
                    for lo, hi in self.bands():
                        if self.maybe(0.1):
                            continue
                        v = eol_level[c] * (0.5 + k * 0.4) * r.uniform(0.6, 1.4) * (0.4 if hi < 40 else 1)
                        rows.append([c, sid, s, str(lo), str(hi), fmt(sig(v, 5))])
        eol_ref = self.table_ref("eol.csv", "end_of_life_use")
        self.csv("eol.csv", ["sector", "state", "sex", "age_from", "age_to", "rate"], rows)
        self.eol_only = "hospice"

        # economics and criteria
        price_year = T0 - r.randint(0, 2)
        eco = ["economics:", "  price_year: %d" % price_year]
        if self.maybe(0.8):
            eco.append("  price_growth: %s" % self.num(r.uniform(-0.005, 0.025), "real", 0.3))
        if self.maybe(0.7):
            eco.append("  discount_rate: %s" % fmt(r.choice((0.03, 0.04, 0.035, 0.0))))
        if self.maybe(0.7):
            eco.append("  discount_rate_effects: %s" % fmt(r.choice((0.015, 0.01, 0.0))))
        if self.maybe(0.7):
            eco.append("  qaly_value: %s" % fmt(r.choice((20000, 50000, 80000))))
        if self.maybe(0.7):
            eco.append("  inflation: %s" % fmt(r.choice((0.02, 0.025, 0.0, -0.01))))
        # v0.2: economics.intervention_shapley (absent = auto, auto, exact, none or sampled
        # orders {permutations: K} with K = 1 (no standard error), 3 or 7). Drawn from its own
        # generator so that the rest of the plan is the same as before it was added; the
        # plans have at most 14 interventions, so `exact` is always allowed. (The 6 in the
        # seed string was picked so that seeds 1-12 of compare_reference.py have every choice,
        # 11 and 12 (--psa, with a psa.seed) sampled orders, and 13-44 every choice too.)
        rs = random.Random("intervention_shapley 6 %d" % self.seed)
        ish = rs.choice([None, None, "auto", "exact", "none", 1, 3, 7])
        if ish is not None:
            eco.append("  intervention_shapley: %s" % (ish if isinstance(ish, str) else "{permutations: %d}" % ish))
        # v0.2: economics.cycle_correction (absent = none, none, half-cycle or simpson; model.md
        # section 7 "Within-cycle correction"), from its own generator as intervention_shapley
        # so that the other lines stay as they were. (The 52 in the seed string was picked so
        # that seeds 1-12 and 13-44 each have every choice, seeds 11-13 of tests/test_example.py
        # have none (its checks that recompute discounted sums from the yearly tables are
        # skipped under a correction), and seeds 22 and 23 of tests/test_psa.py have
        # half-cycle and simpson.)
        rc = random.Random("cycle_correction 52 %d" % self.seed)
        ccor = rc.choice([None, "none", "half-cycle", "simpson"])
        if ccor is not None:
            eco.append("  cycle_correction: " + ccor)
        # v0.2: economics.price_index {year: index} (model.md section 7 "Budget impact"), in
        # about half the plans, with or without inflation: 2-4 ascending years within three
        # years of the price year, base and horizon (consecutive, or with gaps), indices
        # 0.9-1.3; from its own generator as cycle_correction
        rp = random.Random("price_index 0 %d" % self.seed)
        if rp.random() < 0.5:
            lo, hi = min(price_year, T0) - 3, T1 + 3
            n = rp.randint(2, 4)
            if rp.random() < 0.5:
                y0 = rp.randint(lo, hi - n + 1)
                pyears = list(range(y0, y0 + n))
            else:
                pyears = sorted(rp.sample(range(lo, hi + 1), n))
            eco.append("  price_index: {%s}" % ", ".join(
                "%d: %s" % (yy, fmt(sig(rp.uniform(0.9, 1.3), 5))) for yy in pyears))
        crit = []
        if self.maybe(0.8):
            crit.append("criteria:")
            long_year = r.randint(T0 + 2, T1)
            flow_secs = [c for c in self.sectors if c in ("hosp", "ed", "nh")]
            opts = [(r.choice(("long_year", "long_year", "year")), str(long_year)),
                    ("short_year", str(r.randint(T0, long_year))),
                    ("care_use_payer", r.choice(["zvw", "zvw", "wlz", "wmo"])),
                    ("care_use_pct", fmt(r.choice((0.1, 0.5, 1.0)))),
                    ("patient_flows_pct", fmt(r.choice((0.2, 1.0, 2.0)))),
                    ("patient_flows_sectors", "[%s]" % ", ".join(r.sample(flow_secs, r.randint(1, len(flow_secs))))),
                    ("staff_fte", fmt(r.choice((0.05, 0.5, 2.0)))) if self.maybe()
                    else ("staff_pct", fmt(r.choice((0.1, 0.5, 2.0)))),
                    ("real_estate_m2", fmt(r.choice((1, 10, 50)))) if self.maybe()
                    else ("real_estate_pct", fmt(r.choice((0.05, 0.2, 1.0))))]
            for key, val in opts:
                if self.maybe(0.85):
                    crit.append("  %s: %s" % (key, val))
            if len(crit) == 1:
                crit.append("  care_use_pct: 0.5")

        # parameters: one used twice, one under neg, a plain number, a fixed value
        par_yaml = ["parameters:"]
        self.params = {}
        eff_m = sig(r.uniform(0.1, 0.35), 4)
        par_yaml.append("  eff_share: %s" % self.num(eff_m, "prob", 0.2, p=1.0))
        self.params["eff_share"] = eff_m
        frac_m = sig(r.uniform(0.1, 0.3), 4)
        par_yaml.append("  shift_fraction: %s" % self.num(frac_m, "prob", 0.2, p=1.0))
        self.params["shift_fraction"] = frac_m
        par_yaml.append("  coord_cost: %s" % fmt(r.choice((25000, 40000, 60000))))
        par_yaml.append("  ratio_nurse: {fixed: %s}" % fmt(sig(r.uniform(1.5, 3.5), 3)))

        # themes and interventions
        themes_yaml, ivs = self.themes()
        # v0.2 additions, each from its own generator seeded by the seed (as cycle_correction),
        # written into the lines themes() made, so that every other line stays as it was
        themes_yaml = self.v02_costs(self.v02_extra_use(themes_yaml))
        aui_text = self.v02_area_use_index()

        # scenarios: a left-out subregion, a delay, both; delay 0 or past the horizon sometimes
        sc = ["scenarios:"]
        keep = r.choice(subs)
        other = subs[1] if keep == subs[0] else subs[0]
        slug = lambda s: s.split()[-1].lower().replace("-", "")
        sc.append("  - {id: %s-alleen, subregions: [%s]}" % (slug(keep), keep))
        sc.append("  - {id: %s-later, delay: {%s: %d}}" % (slug(other), other, r.randint(1, 3)))
        sc.append("  - id: %s-klein-later\n    subregions: [%s]\n    delay: {%s: %d}"
                  % (slug(other), other, other, r.randint(1, 2)))
        if self.maybe(0.4):
            sc.append("  - {id: alles-later, delay: {%s: 0, %s: %d}}" % (keep, other, T1 - T0 + 1))
        if self.maybe(0.3):
            sc.append("  - {id: beide, subregions: [%s, %s]}" % (subs[0], subs[1]))

        # the YAML file
        status = r.choice(["concept", "snelle-toets", "snelle-toets-passed", "definitive",
                           "approved", "implementation"])
        y = ["# generated by tests/genplan.py, seed %d%s%s%s" % (
                 self.seed, " --projection" if self.projection else "",
                 " --single-state" if self.single else "", " --psa" if self.psa else ""),
             "careshift: 1", "plan:", "  name: %s" % q("Transformatieplan %d" % self.seed)]
        if self.maybe(0.8):
            y.append("  coalition: %s" % q("Coalitie %s" % subs[0]))
        if self.maybe(0.7):
            y.append("  coordinator: %s" % q("Programmabureau: J. Jansen"))
        if self.maybe(0.8):
            y.append("  status: %s" % status)
        if self.maybe(0.7):
            y.append("  deadline: %d-06-30" % T0)
        y += ["region:", "  name: %s" % q("Testregio %s" % subs[1]), "  areas: areas.csv",
              "years: {base: %d, horizon: %d}" % (T0, T1),
              "population: %s" % pop_ref]
        y += demo + st_yaml
        y.append("payers:")
        y += ["  - {id: %s, name: %s}" % (pid, q(nm)) for pid, nm in payers]
        if self.insurers:
            y.append("insurers: {payer: zvw, shares: insurer_shares.csv}")
        y.append("workforce: workforce.csv")
        # v0.2: workforce_total_fte (a plain number 1..1e9; only the terminal summary uses
        # it), in some plans, from its own generator
        rw = random.Random("workforce_total_fte 0 %d" % self.seed)
        if rw.random() < 0.4:
            y.append("workforce_total_fte: %s" % rw.choice(
                (str(rw.randint(1, 100)), str(rw.randint(1000, 60000)), fmt(sig(rw.uniform(100, 5e4), 6)))))
        y += sec_yaml
        y.append("use: %s" % use_ref)
        y.append("end_of_life_use: %s" % eol_ref)
        if aui_text is not None:
            y.append("area_use_index: area_use_index.csv")
        y += eco + crit + par_yaml + themes_yaml + sc
        # what a loader must find (tests/test_load.c reads genplan.facts)
        self.facts = {"areas": len(self.areas), "subregions": len(subs), "states": len(self.states),
                      "sectors": len(self.sectors), "groups": len(self.groups),
                      "themes": sum(1 for l in themes_yaml if l.startswith("  - id: ")),
                      "interventions": len(ivs), "scenarios": len(sc) - 1}
        if self.psa:
            if self.maybe(0.8):
                y.append("psa: {draws: %d, seed: %d}" % (r.choice((10, 20, 50)), r.randint(1, 2 ** 40)))
            else:
                y.append("psa:\n  draws: %d" % r.choice((10, 20)))
        self.files["plan.yaml"] = "\n".join(y) + "\n"
        # one table with CRLF line ends; at least one with a BOM and one with a comment line
        tables = sorted(n for n in self.files if n.endswith(".csv"))
        if not any("\n#" in self.files[n] or self.files[n].lstrip("\ufeff").startswith("#") for n in tables):
            n = r.choice(tables)
            self.files[n] = "# a comment line before the header\n" + self.files[n].lstrip("\ufeff")
        if not any(self.files[n].startswith("\ufeff") for n in tables):
            n = r.choice(tables)
            self.files[n] = "\ufeff" + self.files[n]
        name = r.choice(tables)
        self.files[name] = self.files[name].replace("\n", "\r\n")
        if aui_text is not None:              # after the choices above, which it must not move
            self.files["area_use_index.csv"] = aui_text
        return self.files

    # -------------------------------------------------------------- v0.2 additions

    def v02_area_use_index(self):
        """area_use_index.csv (area,sector,index; model.md section 3 "Area level") in some
        plans: some (area, sector) pairs, indices 0.5-1.6, in some a 0 and an explicit 1; absent
        pairs keep 1. Its own generator; returns the CSV text or None."""
        ra = random.Random("area_use_index 0 %d" % self.seed)
        if ra.random() >= 0.6:
            return None
        pairs = [(a, c) for a in self.areas for c in self.sectors]
        rows = []
        for a, c in ra.sample(pairs, ra.randint(3, min(10, len(pairs)))):
            rows.append([a, c, fmt(round(ra.uniform(0.5, 1.6), 3))])
        if ra.random() < 0.3:
            rows[0][2] = "0"
        if ra.random() < 0.3:
            rows[-1][2] = "1"
        lines = ["area,sector,index"] + [",".join(x) for x in rows]
        if ra.random() < 0.5:
            lines.insert(0, "# area_use_index: generated by tests/genplan.py, seed %d" % self.seed)
        return "\n".join(lines) + "\n"

    def v02_extra_use(self, lines):
        """In some plans an `extra_use` effect (model.md section 4), appended after the last
        effect of an intervention with effects (no other effect's label moves), in some followed
        by a `use` effect on the same sector that then acts on the added units too."""
        rx = random.Random("extra_use 0 %d" % self.seed)
        if rx.random() >= 0.6:
            return lines
        last = {}                                # intervention start -> last effect line
        cur = None
        for i, ln in enumerate(lines):
            if ln.startswith("      - id: "):
                cur = i
            elif ln.startswith("          - {kind: ") and cur is not None:
                last[cur] = i
        if not last:
            return lines
        at = last[rx.choice(sorted(last))]
        sector = rx.choice(["gp", "dn", "wmo", "hosp", "nh"])
        m = sig(rx.uniform(0.2, 3.0), 3)
        units = rx.choice([fmt(m), fmt(m), "{dist: gamma, mean: %s, sd: %s}" % (fmt(m), fmt(sig(m * 0.2, 3))),
                           "{fixed: %s}" % fmt(m)])
        new = ["          - {kind: extra_use, sector: %s, units: %s}" % (sector, units)]
        if rx.random() < 0.5:
            new.append("          - {kind: use, sector: %s, change: %s}" % (sector, fmt(sig(rx.uniform(-0.6, 0.3), 3))))
        return lines[:at + 1] + new + lines[at + 1:]

    def v02_costs(self, lines):
        """In some plans `fte_per_participant` on per_participant lines and `by_subregion`
        shares (of the plan's subregions; in some one subregion only, or a 0 share) on once and
        per_year lines (model.md sections 4 and 8), each from its own generator; at least one
        line when the plan has it."""
        rf = random.Random("fte_per_participant 0 %d" % self.seed)
        rb = random.Random("by_subregion 0 %d" % self.seed)
        on_f, on_b = rf.random() < 0.6, rb.random() < 0.6
        pp = [i for i, ln in enumerate(lines) if ln.startswith("          - {payer: ") and "per_participant:" in ln]
        yl = [i for i, ln in enumerate(lines) if ln.startswith("          - {payer: ")
              and ("once:" in ln or "per_year:" in ln) and "per_participant:" not in ln]
        out = list(lines)
        if on_f and pp:
            pick = [i for i in pp if rf.random() < 0.6] or [rf.choice(pp)]
            for i in pick:
                out[i] = out[i][:-1] + ", fte_per_participant: %s}" % fmt(round(rf.uniform(0.0005, 0.02), 4))
        if on_b and yl:
            pick = [i for i in yl if rb.random() < 0.5] or [rb.choice(yl)]
            for i in pick:
                a, b = rb.sample(self.subs, 2)
                form = rb.random()
                if form < 0.2:
                    sh = "{%s: 1}" % a
                elif form < 0.3:
                    sh = "{%s: 0, %s: 1}" % (a, b)
                else:
                    w = round(rb.uniform(0.1, 0.9), 2)
                    sh = "{%s: %s, %s: %s}" % (a, fmt(w), b, fmt(round(1.0 - w, 2)))
                out[i] = out[i][:-1] + ", by_subregion: %s}" % sh
        return out

    def bands(self):
        """A random partition of ages 0..100 into 2-4 inclusive bands."""
        cuts = sorted(self.r.sample(range(1, X + 1), self.r.randint(1, 3)))
        lo, out = 0, []
        for c in cuts + [X + 1]:
            out.append((lo, c - 1))
            lo = c
        return out

    # -------------------------------------------------------------- themes

    def themes(self):
        r = self.r
        T0, T1 = self.T0, self.T1
        multi = not self.single
        st = self.states
        front = [c for c in self.sectors if c in ("gp", "dn", "wmo")]
        back = [c for c in self.sectors if c in ("hosp", "nh", "ed")]
        to_front = r.choice(["dn", "gp"])

        def change(lo, hi, dom="change"):
            return self.num(r.uniform(lo, hi), dom, 0.25)

        # effect groups that must appear (each a list kept together, in order)
        must = [
            ["{kind: use, sector: %s, change: %s}" % (r.choice(back), change(-0.5, -0.05))],
            ["{kind: use, sector: %s, change: %s}" % (r.choice(front), change(0.05, 0.4))],
            ["{kind: end_of_life_use, sector: %s, change: %s}" % (r.choice(["hosp", self.eol_only]), change(-0.6, -0.1))],
            # back -> front shift, then effects on its from and to (a chain)
            ["{kind: shift, from: hosp, to: %s, fraction: %s, ratio: %s}" % (
                to_front, self.num(r.uniform(0.05, 0.35), "prob", 0.2), self.num(r.uniform(0.8, 4), "pos", 0.2)),
             "{kind: use, sector: %s, change: %s}" % (to_front, change(-0.2, 0.2)),
             "{kind: end_of_life_use, sector: hosp, change: {neg: $eff_share}}"],
            # out of the end-of-life-only sector: moves end-of-life use only
            ["{kind: shift, from: %s, to: %s, fraction: $shift_fraction, ratio: $ratio_nurse}" % (
                self.eol_only, r.choice(["dn", "nh"]))],
            # applies_to: end_of_life, into the front (a flow of D*de) and into the hospice
            ["{kind: shift, from: %s, to: dn, fraction: %s, ratio: %s, applies_to: end_of_life}" % (
                r.choice(back), self.num(r.uniform(0.1, 0.5), "prob", 0.2), self.num(r.uniform(1, 6), "pos", 0.2))],
            ["{kind: shift, from: hosp, to: %s, fraction: %s, ratio: 1, applies_to: end_of_life}" % (
                self.eol_only, self.num(r.uniform(0.05, 0.3), "prob", 0.2))],
            # utility (absolute, in [-1, 1]) and mortality (relative) of the targeted persons
            ["{kind: utility, change: %s}" % self.num(r.uniform(0.01, 0.08), "real", 0.3)],
            ["{kind: mortality, change: %s}" % change(-0.25, -0.02)],
            # front -> front: not a patient flow
            ["{kind: shift, from: gp, to: wmo, fraction: $shift_fraction, ratio: %s%s}" % (
                self.num(r.uniform(0.5, 2), "pos", 0.2), r.choice(("", ", applies_to: all")))],
            ["{kind: fte_per_unit, sector: %s, change: %s}" % (r.choice(self.sectors), change(-0.3, -0.02))],
            ["{kind: fte_per_unit, sector: %s, change: {neg: %s}}" % (r.choice(self.sectors), fmt(sig(r.uniform(0.02, 0.2), 3)))],
            ["{kind: use, sector: %s, change: {neg: %s}}" % (r.choice(self.sectors), self.posdist(r.uniform(0.05, 0.3)))],
            ["{kind: workforce, group: %s, outflow_change: %s, extra_inflow: %s}" % (
                r.choice(["nursing", "hospital"]), self.num(r.uniform(-0.4, -0.05), "real", 0.3),
                self.num(r.uniform(0.5, 5), "real", 0.3))],
            ["{kind: workforce, group: %s, outflow_change: %s}" % (
                r.choice(["gp_practice", "social_care", "hospice_team"]), self.num(r.uniform(-0.3, 0.1), "real", 0.3))],
            ["{kind: workforce, group: management, extra_inflow: %s}" % self.num(
                r.uniform(-1.5, 3) if self.maybe(0.3) else r.uniform(0.2, 3), "real", 0.3)],
            ["{kind: use, sector: %s, change: {neg: $eff_share}}" % r.choice(back + ["wmo"])],
        ]
        self.used.add("neg")                 # {neg: $eff_share} above
        trans = []
        trans_extra = []
        if multi:
            k = r.randrange(1, len(st) - 1) if len(st) > 2 else 1
            trans.append((st[k], "{kind: transition, from: %s, to: %s, change: %s}" % (
                st[k], st[k + 1], change(-0.5, -0.1))))
            trans.append((st[0], "{kind: transition, from: %s, to: %s, change: %s}" % (
                st[0], st[1], self.num(r.uniform(1.5, 4), "change", 0.2))))
            if len(st) > 2 and self.maybe(0.5):
                trans.append((st[2], "{kind: transition, from: %s, to: %s, change: %s}" % (
                    st[2], st[1], change(0.1, 0.8))))
            # v0.2: `scale` of a transition effect (absent = probability, probability or
            # hazard; model.md section 4), from its own generator seeded by the seed (as
            # intervention_shapley) so that the other lines stay as they were. Some effects get
            # a second effect on the same (from, to) in the same intervention, appended after
            # its other effects (so no later effect's label moves), of either scale: hazard
            # effects then act first whatever their place, and two hazard ones share one
            # exponent.
            rt = random.Random("transition_scale 0 %d" % self.seed)
            scaled = []
            for frm, e in trans:
                scl = rt.choice([None, "probability", "hazard", "hazard"])
                if scl is not None:
                    e = e[:-1] + ", scale: %s}" % scl
                extra = None
                if rt.random() < 0.5:
                    to = e.split(", to: ")[1].split(",")[0]
                    extra = "{kind: transition, from: %s, to: %s, change: %s, scale: %s}" % (
                        frm, to, fmt(sig(rt.uniform(-0.5, 1.0), 3)), rt.choice(["hazard", "probability"]))
                scaled.append((frm, e, extra))
            trans = [(frm, e) for frm, e, _ in scaled]
            trans_extra = [x for _, _, x in scaled]
        # extras
        for _ in range(r.randint(0, 3)):
            kind = r.choice(["use", "end_of_life_use", "fte_per_unit", "utility", "mortality"])
            if kind == "utility":
                must.append(["{kind: utility, change: %s}" % self.num(r.uniform(-0.05, 0.1), "real", 0.3)])
            elif kind == "mortality":
                must.append(["{kind: mortality, change: %s}" % change(-0.3, 0.2)])
            else:
                must.append(["{kind: %s, sector: %s, change: %s}" % (kind, r.choice(self.sectors), change(-0.4, 0.3))])

        # themes and interventions: the last intervention has costs only (no effects)
        tids = r.sample(["palliatief", "arbeidsmarkt", "digitaal", "wijk", "ouderen", "preventie"], r.choice((2, 3)))
        n_eff_iv = r.randint(max(3, len(tids)), 4)
        ivs = [dict(id="iv%d" % (i + 1), effects=[], trans_from=set()) for i in range(n_eff_iv)]
        r.shuffle(must)
        for i, grp in enumerate(must):
            ivs[i % n_eff_iv]["effects"] += grp
        trans_iv = []
        for i, (frm, e) in enumerate(trans):
            iv = ivs[r.randrange(n_eff_iv)]
            iv["effects"].insert(r.randint(0, len(iv["effects"])), e)
            iv["trans_from"].add(frm)
            trans_iv.append(iv)
        for iv, extra in zip(trans_iv, trans_extra):
            if extra is not None:                # same (from, to), another scale (see above)
                iv["effects"].append(extra)
        ivs.append(dict(id="coord", effects=[], trans_from=set()))

        # which intervention gets which target field (each at least once), one with none
        fields = ["areas", "subregions", "sexes", "ages"] + (["states"] if multi else [])
        tfield = {i: set() for i in range(len(ivs))}
        untargeted = r.randrange(len(ivs))
        others = [i for i in range(len(ivs)) if i != untargeted]
        for f in fields:
            tfield[r.choice(others)].add(f)
        for i in others:
            for f in fields:
                if self.maybe(0.2):
                    tfield[i].add(f)
        # uptake curves: linear, logistic and the default each at least once
        curves = ["linear", "logistic", None] + [r.choice(["linear", "logistic", None]) for _ in range(len(ivs) - 3)]
        r.shuffle(curves)
        # ramp_years, start and start_by_subregion: each given and left out at least once
        opts = []
        for _ in range(3):
            o = [True, False] + [self.maybe(0.6) for _ in range(len(ivs) - 2)]
            r.shuffle(o)
            opts.append(o)
        upt = [dict(ramp=opts[0][i], start=opts[1][i], sbs=opts[2][i]) for i in range(len(ivs))]
        # cost lines: each kind at least once; the second intervention has none
        cost_kinds = ["once", "per_year_fromto", "per_year", "per_participant", "per_year_from", "per_year_to"]
        no_cost = 1 % len(ivs) if len(ivs) > 1 else None
        costed = [i for i in range(len(ivs)) if i != no_cost]
        costs = {i: [] for i in range(len(ivs))}
        for ck in cost_kinds:
            costs[r.choice(costed)].append(ck)
        costs[len(ivs) - 1].insert(0, "coord")
        # resources and milestones
        res_iv = r.sample(range(len(ivs)), 2)
        ms_iv = r.sample(range(len(ivs)), 2)

        out = ["themes:"]
        # spread interventions over themes in order, each theme at least one
        split = sorted(r.sample(range(1, len(ivs)), len(tids) - 1))
        bounds = [0] + split + [len(ivs)]
        for ti, tid in enumerate(tids):
            out += ["  - id: %s" % tid, "    name: %s" % q("Thema %s" % tid.capitalize())]
            if ti == 0 or self.maybe(0.5):
                out.append("    leader: %s" % q("Leider %d" % (ti + 1)))
            out.append("    interventions:")
            for i in range(bounds[ti], bounds[ti + 1]):
                out += self.intervention(ivs[i], tfield[i], curves[i], upt[i], costs[i],
                                         i in res_iv, i in ms_iv, i == res_iv[0], i == untargeted)
        return out, ivs

    def intervention(self, iv, fields, curve, upt, costs, resources, milestones, first_res, untargeted):
        r = self.r
        T0, T1 = self.T0, self.T1
        o = ["      - id: %s" % iv["id"], "        name: %s" % q("Interventie %s" % iv["id"])]
        tg = []
        if "areas" in fields:
            tg.append("areas: [%s]" % ", ".join(r.sample(self.areas, r.randint(1, 2))))
        if "subregions" in fields:
            tg.append("subregions: [%s]" % ", ".join(r.sample(self.subs, r.randint(1, 2))))
        if "sexes" in fields:
            tg.append("sexes: [%s]" % r.choice(["f", "m", "f, m"]))
        if "ages" in fields:
            lo = r.choice((0, 18, 45, 65, 75))
            tg.append("ages: [%d, %d]" % (lo, r.choice((max(lo, 64), 85, 100))))
        if "states" in fields or (iv["trans_from"] and self.maybe(0.3) and not untargeted):
            chosen = set(r.sample(self.states, r.randint(1, len(self.states)))) | iv["trans_from"]
            tg.append("states: [%s]" % ", ".join(s for s in self.states if s in chosen))
        if tg:
            o.append("        target: {%s}" % ", ".join(tg))
        up = ["max: %s" % self.num(r.uniform(0.25, 0.85), "prob", 0.15)]
        if upt["ramp"]:
            up.append("ramp_years: %d" % r.randint(1, 5))
        if upt["start"]:
            up.append("start: %d" % r.randint(T0, T0 + 2))
        if upt["sbs"]:
            up.append("start_by_subregion: {%s: %d}" % (r.choice(self.subs), r.randint(T0, T1)))
        if curve:
            up.append("curve: %s" % curve)
        o.append("        uptake: {%s}" % ", ".join(up))
        if iv["effects"]:
            o.append("        effects:")
            o += ["          - %s" % e for e in iv["effects"]]
        if costs:
            o.append("        costs:")
            for ck in costs:
                payer = r.choice(self.payers)
                if ck == "coord":
                    o.append("          - {payer: %s, per_year: $coord_cost}" % payer)
                elif ck == "once":
                    o.append("          - {payer: %s, once: %s, year: %d}" % (
                        payer, self.num(r.uniform(20000, 300000), "pos", 0.2), r.randint(T0, T1)))
                elif ck == "per_participant":
                    o.append("          - {payer: %s, per_participant: %s}" % (payer, self.num(r.uniform(10, 200), "pos", 0.2)))
                else:
                    a = r.randint(T0, T1)
                    b = r.randint(a, T1)
                    yrs = {"per_year_fromto": ", from: %d, to: %d" % (a, b), "per_year_from": ", from: %d" % a,
                           "per_year_to": ", to: %d" % b, "per_year": ""}[ck]
                    o.append("          - {payer: %s, per_year: %s%s}" % (payer, self.num(r.uniform(5000, 80000), "pos", 0.2), yrs))
                if self.insurers and payer == "zvw" and self.maybe(0.5):  # a line one insurer pays
                    o[-1] = o[-1][:-1] + ", insurer: %s}" % r.choice(self.insurers)
        if costs and (not getattr(self, "after_done", False) or self.maybe(0.7)):
            # after its funding ends (docs/model.md 4): each form, and left out (keep + warning);
            # the first intervention with costs stops or decays, so every plan has one
            forms = ["stop", "{decay_years: 1}", "{decay_years: %d}" % r.randint(2, 5)]
            if getattr(self, "after_done", False):
                forms.append("keep")
            o.append("        after_funding: %s" % r.choice(forms))
            self.after_done = True
        if resources:
            o.append("        resources:")
            a = r.randint(T0, T1)
            b = r.randint(a, T1)
            o.append("          - {organisation: %s, role: projectleider, fte: %s, from: %d, to: %d}" % (
                q("Zuyderland"), fmt(round(r.uniform(0.1, 1.5), 2)), a, b))
            o.append("          - {organisation: CZ, role: financiering, euro: %d, year: %d}" % (r.randint(1, 50) * 10000, r.randint(T0, T1)))
            if first_res:
                o.append("          - {organisation: Gemeente, role: beleidsadviseur, fte: %s}" % fmt(round(r.uniform(0.1, 0.8), 2)))
                o.append("          - {organisation: CZ, role: financiering, euro: 50000}")
                o.append("          - {organisation: Huisartsen, role: kaderarts, fte: 0.2, euro: 15000, from: %d, to: %d, year: %d}"
                         % (T0, T1, r.randint(T0, T1)))
        if milestones:
            o.append("        milestones:")
            for _ in range(r.randint(1, 2)):
                o.append("          - {indicator: %s, year: %d, target: %s}" % (
                    r.choice(["participants", "uptake", "hospital_days", "fte"]), r.randint(T0, T1),
                    fmt(round(r.uniform(10, 3000), 1))))
        return o


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = [a for a in argv[1:] if a.startswith("--")]
    bad = [f for f in flags if f not in ("--projection", "--single-state", "--psa")]
    if len(args) != 2 or bad:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    d, seed = args[0], int(args[1])
    g = Gen(seed, "--projection" in flags, "--single-state" in flags, "--psa" in flags)
    files = g.build()
    missing = [k for k in KINDS + ("neg",) if k not in g.used]
    if missing:  # cannot happen with the numbers above; fail loudly rather than cover less
        sys.stderr.write("genplan: seed %d covers no %s\n" % (seed, ", ".join(missing)))
        return 1
    os.makedirs(d, exist_ok=True)
    files["genplan.facts"] = "".join("%s %d\n" % kv for kv in g.facts.items())
    for name, text in sorted(files.items()):
        with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
