#!/usr/bin/env python3
"""End-to-end bad-input cases for `careshift check`.

usage: bad_inputs.py CARESHIFT_BINARY

Each case starts from a small valid plan built here, changes one thing (or a few, to show
that every problem is reported in one run), runs `careshift check plan.yaml` in the plan's
directory and asserts exit code 1 and the exact `FILE:LINE:COLUMN: message` lines (or their
stable prefix) on stderr. Valid plans (the base plan, tests/genplan.py outputs) must exit 0.
Prints one line per case and `N passed, M failed`; exits non-zero on failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SRCDIR = os.environ.get("CS_SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
GENPLAN = os.path.join(SRCDIR, "tests", "genplan.py")

from baseplan import PLAN, base_files  # noqa: E402  (the plan every case breaks)


# ---- mutation helpers: each returns the changed file dict ----

def sub(name, old, new, count=1):
    def m(f):
        assert old in f[name], f"{old!r} not in {name}"
        f[name] = f[name].replace(old, new, count)
        return f
    return m


def set_line(name, lineno, text):
    def m(f):
        lines = f[name].split("\n")
        lines[lineno - 1] = text
        f[name] = "\n".join(lines)
        return f
    return m


def append(name, text):
    def m(f):
        f[name] += text
        return f
    return m


def put(name, data):
    def m(f):
        f[name] = data
        return f
    return m


def chain(*ms):
    def m(f):
        for x in ms:
            f = x(f)
        return f
    return m


def line_of(text, needle, nth=1):
    """1-based line of the nth line containing needle in the base plan."""
    seen = 0
    for i, l in enumerate(text.split("\n")):
        if needle in l:
            seen += 1
            if seen == nth:
                return i + 1
    raise AssertionError(needle)


def at(needle, token=None, nth=1, text=PLAN):
    """'plan.yaml:LINE:COL' of token on the base plan line containing needle."""
    ln = line_of(text, needle, nth)
    line = text.split("\n")[ln - 1]
    return f"plan.yaml:{ln}:{line.index(token or needle) + 1}"


def at_new(mut, needle, token=None):
    """Location of token in the mutated plan (for lines the mutation wrote)."""
    f = mut(base_files())
    return at(needle, token, 1, f["plan.yaml"])


CASES = []


def case(name, mut, *expect):
    CASES.append((name, mut, expect))


# ---- the cases ----
case("unknown top-level key with did-you-mean", append("plan.yaml", "sectr: 1\n"),
     f"plan.yaml:{PLAN.count(chr(10)) + 1}:1: unknown key 'sectr' in the plan (did you mean 'sectors'?)")
case("unknown key in a sector and the missing field it hides",
     sub("plan.yaml", "    unit: consult", "    unitt: consult"),
     f"{at('unit: consult', 'unit')}: unknown key 'unitt' in sectors[gp] (did you mean 'unit'?)",
     f"{at('- id: gp', 'id')}: missing required field 'unit' in sectors[gp]")
case("missing required field", sub("plan.yaml", "    price: 38.0\n", ""),
     f"{at('- id: gp', 'id')}: missing required field 'price' in sectors[gp]")
case("string where a number is expected", sub("plan.yaml", "price: 38.0", "price: abc"),
     f"{at('price: 38.0', '38')}: sectors[gp].price 'abc' is not a number (expected a number)")
case("list where a mapping is expected", sub("plan.yaml", "years: {base: 2024, horizon: 2030}",
                                             "years: [2024, 2030]"),
     f"{at('years:', '{')}: years is a list (expected a mapping)")
case("quoted number is a string", sub("plan.yaml", "price: 60", "price: '60'"),
     f"{at('price: 60', '60')}: sectors[home].price '60' is a quoted string (expected a number, without quotes)")
case("unknown payer", sub("plan.yaml", "payer: zvw\n    chain", "payer: zvx\n    chain"),
     f"{at('payer: zvw', 'zvw')}: unknown payer 'zvx' (did you mean 'zvw'?)")
case("unknown sector in use.csv", set_line("use.csv", 3, "gpp,well,f,65,100,4"),
     "use.csv:3:1: unknown sector 'gpp' (did you mean 'gp'?)")
case("unknown state in use.csv", set_line("use.csv", 4, "gp,il,f,0,100,6"),
     "use.csv:4:4: unknown state 'il' (did you mean 'ill'?)")
case("unknown subregion in a target", sub("plan.yaml", "[South], ages", "[Sout], ages"),
     f"{at('target:', 'South')}: unknown subregion 'Sout' (did you mean 'South'?)")
case("unknown workforce group in an effect", sub("plan.yaml", "group: nurses, extra", "group: nurse, extra"),
     f"{at('kind: workforce', 'nurses')}: unknown workforce group 'nurse' (did you mean 'nurses'?)")
case("unknown parameter", sub("plan.yaml", "$eff", "$ef"),
     f"{at('$eff', '$eff')}: unknown parameter 'ef' (did you mean 'eff'?)")
case("unknown area in population.csv", set_line("population.csv", 5, "A9,f,3,103"),
     "population.csv:5:1: unknown area 'A9' (did you mean 'A1'?)",
     "population.csv:1:1: missing rows for area 'A1' sex 'f' ages 3 (expected every age 0..100)")
case("unknown area without a close match", set_line("population.csv", 5, "Zwolle,f,3,103"),
     "population.csv:5:1: unknown area 'Zwolle' (expected one of A1, A2)",
     "population.csv:1:1: missing rows for area 'A1' sex 'f' ages 3 (expected every age 0..100)")
ECON = "  price_year: 2024\n"
case("intervention_shapley: an unknown method", sub("plan.yaml", ECON, ECON + "  intervention_shapley: exactly\n"),
     f"{at_new(sub('plan.yaml', ECON, ECON + '  intervention_shapley: exactly'), 'intervention_shapley', 'exactly')}: "
     "economics.intervention_shapley 'exactly' is not known (expected auto, exact, none or {permutations: K})")
case("intervention_shapley: a list", sub("plan.yaml", ECON, ECON + "  intervention_shapley: [1]\n"),
     f"{at_new(sub('plan.yaml', ECON, ECON + '  intervention_shapley: [1]'), 'intervention_shapley', '[')}: "
     "economics.intervention_shapley is a list (expected auto, exact, none or {permutations: K})")
case("intervention_shapley: no orders and an unknown key",
     sub("plan.yaml", ECON, ECON + "  intervention_shapley: {permutations: 0, seed: 3}\n"),
     f"{at_new(sub('plan.yaml', ECON, ECON + '  intervention_shapley: {permutations: 0, seed: 3}'), 'intervention_shapley', 'seed')}: "
     "unknown key 'seed' in economics.intervention_shapley",
     f"{at_new(sub('plan.yaml', ECON, ECON + '  intervention_shapley: {permutations: 0, seed: 3}'), 'intervention_shapley', '0')}: "
     "permutations '0' is out of range (expected an integer in 1..100000)")
IV1 = PLAN[PLAN.index("      - id: iv1"):PLAN.index("scenarios:")]
MANY = "".join(IV1.replace("id: iv1", f"id: x{i}") for i in range(14))
case("intervention_shapley: exact over 15 interventions is too many runs",
     chain(sub("plan.yaml", ECON, ECON + "  intervention_shapley: exact\n"), sub("plan.yaml", "scenarios:", MANY + "scenarios:")),
     f"{at_new(sub('plan.yaml', ECON, ECON + '  intervention_shapley: exact'), 'intervention_shapley', 'exact')}: "
     "economics.intervention_shapley: exact values of 15 interventions take 2^15 runs (expected at most 14 interventions, or {permutations: K})")
MM = sub("plan.yaml", "demography:\n", "demography:\n  mortality_mode: hazards\n")
case("mortality_mode: a misspelt mode", MM,
     f"{at_new(MM, 'mortality_mode', 'hazards')}: demography.mortality_mode 'hazards' is not valid "
     "(did you mean 'hazard'? expected one of normalised, hazard)")
TR = "{kind: transition, from: ill, to: well, change: 0.2"
SC = sub("plan.yaml", TR + "}", TR + ", scale: log}")
case("transition scale: not a scale", SC,
     f"{at_new(SC, 'scale: log', 'log')}: transition scale 'log' is not valid (expected one of probability, hazard)")
US = sub("plan.yaml", "change: {neg: $eff}}", "change: {neg: $eff}, scale: hazard}")
case("scale on a use effect", US,
     f"{at_new(US, 'scale: hazard', 'scale')}: unknown key 'scale' in themes[th1].interventions[iv1].effects[1]")
AIDX = sub("plan.yaml", "end_of_life_use: eol.csv\n", "end_of_life_use: eol.csv\narea_use_index: aidx.csv\n")
case("area_use_index: unknown area and sector, a negative index, a duplicate",
     chain(AIDX, put("aidx.csv", "area,sector,index\nA1,gp,1.1\nA3,gp,1\nA2,gpp,1\nA2,home,-1\nA1,gp,2\n")),
     "aidx.csv:3:1: unknown area 'A3' (did you mean 'A1'?)",
     "aidx.csv:4:4: unknown sector 'gpp' (did you mean 'gp'?)",
     "aidx.csv:5:9: index '-1' is negative (expected a number >= 0)",
     "aidx.csv:6:1: duplicate row for area 'A1', sector 'gp' (first at line 2)")
PI = sub("plan.yaml", ECON, ECON + "  price_index: {2023: 1.0, 2022: 1.04, 2024: 0}\n")
case("price_index: years not ascending, an index of 0", PI,
     f"{at_new(PI, 'price_index', '2022')}: economics.price_index: expected ascending years, found 2022 after 2023",
     f"{at_new(PI, 'price_index', '0}')}: economics.price_index: index '0' is out of range (expected 1e-6 to 1e6)")
TI = sub("plan.yaml", "demography:\n", "demography:\n  transition_improvement_by_age: {0: 0.01, 80: 2, 70: 0}\n")
case("transition_improvement_by_age: out of range, not ascending", TI,
     f"{at_new(TI, 'transition_improvement_by_age', '2')}: demography.transition_improvement_by_age.80 '2' "
     "is out of range (expected a yearly improvement in [-1, 1])",
     f"{at_new(TI, 'transition_improvement_by_age', '70')}: demography.transition_improvement_by_age: "
     "expected ascending first ages starting at 0, found 70")
TB = sub("plan.yaml", "demography:\n", "demography:\n  transition_improvement: 0.01\n  transition_improvement_by_age: {0: 0.01}\n")
case("transition_improvement and _by_age together", TB,
     f"{at_new(TB, 'transition_improvement_by_age', '{')}: demography: give transition_improvement or "
     "transition_improvement_by_age, not both")
WT = append("plan.yaml", "workforce_total_fte: 0\n")
case("workforce_total_fte: 0", WT,
     f"plan.yaml:{PLAN.count(chr(10)) + 1}:22: workforce_total_fte '0' in the plan is out of range (expected the "
     "region's care-and-welfare FTE, 1 to 1e9)")
TD = sub("plan.yaml", "demography:\n", "demography:\n  transition_improvement_by_age: {0: 0.1, 50: 0.1, 50: 7, x: 0.1, 10: 0.1}\n")
case("transition_improvement_by_age: a repeated age, a bad age, and an error after both", TD,
     f"{at_new(TD, 'transition_improvement_by_age', '50: 7')}: demography.transition_improvement_by_age: age 50 given twice",
     f"{at_new(TD, 'transition_improvement_by_age', '7')}: demography.transition_improvement_by_age.50 '7' is out of range "
     "(expected a yearly improvement in [-1, 1])",
     f"{at_new(TD, 'transition_improvement_by_age', 'x')}: a first age of demography.transition_improvement_by_age",
     f"{at_new(TD, 'transition_improvement_by_age', '10')}: demography.transition_improvement_by_age: expected ascending "
     "first ages starting at 0, found 10")
PB = sub("plan.yaml", ECON, ECON + "  price_index: {2024: 1e-300, 2030: 1e12}\n")
case("price_index: indices too small or too large for a ratio", PB,
     f"{at_new(PB, 'price_index', '1e-300')}: economics.price_index: index '1e-300' is out of range (expected 1e-6 to 1e6)",
     f"{at_new(PB, 'price_index', '1e12')}: economics.price_index: index '1e12' is out of range (expected 1e-6 to 1e6)")
LT = sub("plan.yaml", "demography:\n", "demography:\n  life_table_age: mid\n")
case("life_table_age: not a convention", LT,
     f"{at_new(LT, 'life_table_age', 'mid')}: demography.life_table_age 'mid' is not valid "
     "(expected one of exact, completed)")
FP = sub("plan.yaml", "{payer: wmo, per_year: 1000}", "{payer: wmo, per_year: 1000, fte_per_participant: 0.1}")
case("fte_per_participant on a per_year line", FP,
     f"{at_new(FP, 'fte_per_participant', 'fte_per_participant')}: unknown key 'fte_per_participant' in "
     "themes[th1].interventions[iv1].costs[1]")
BS = sub("plan.yaml", "{payer: wmo, per_year: 1000}", "{payer: wmo, per_year: 1000, by_subregion: {North: 0.5, South: 0.3}}")
case("by_subregion shares that do not add up to 1", BS,
     f"{at_new(BS, 'by_subregion', '{North')}: themes[th1].interventions[iv1].costs[1].by_subregion "
     "shares add up to 0.8 (expected 1)")
BS2 = sub("plan.yaml", "{payer: wmo, per_year: 1000}", "{payer: wmo, per_year: 1000, by_subregion: {Nort: 1.5}}")
case("by_subregion: unknown subregion, share above 1", BS2,
     f"{at_new(BS2, 'by_subregion', 'Nort')}: unknown subregion 'Nort' (did you mean 'North'?)",
     f"{at_new(BS2, 'by_subregion', '1.5')}: by_subregion share '1.5' in themes[th1].interventions[iv1].costs[1] "
     "is out of range (expected a share in [0, 1])")
BS3 = sub("plan.yaml", "{payer: wmo, per_year: 1000}", "{payer: wmo, per_year: 1000, by_subregion: {North: 0.5, South: 0.2, North: 0.3}}")
case("by_subregion: a subregion named twice (YAML would let the last win)", BS3,
     f"{at_new(BS3, 'by_subregion', 'North: 0.3')}: subregion 'North' is named twice in "
     "themes[th1].interventions[iv1].costs[1].by_subregion (expected each once)")
DL = sub("plan.yaml", "{North: 1}", "{North: 1, North: 2}")
case("scenario delay: a subregion named twice", DL,
     f"{at_new(DL, '{North: 1, North: 2}', 'North: 2')}: subregion 'North' is named twice in scenario delay "
     "(expected each once)")
EU = sub("plan.yaml", "{kind: use, sector: home, change: {neg: $eff}}", "{kind: extra_use, sector: home, units: -2, change: 1}")
case("extra_use: negative units, and a change it does not take", EU,
     f"{at_new(EU, 'extra_use', 'change')}: unknown key 'change' in themes[th1].interventions[iv1].effects[1]",
     f"{at_new(EU, 'extra_use', '-2')}: units '-2' in themes[th1].interventions[iv1].effects[1] is out of range (expected a number >= 0)")
case("duplicate sector id", sub("plan.yaml", "  - id: home", "  - id: gp"),
     f"{at('  - id: home', 'id')}: duplicate sector id 'gp'")
case("duplicate population row", set_line("population.csv", 5, "A1,f,2,100"),
     "population.csv:5:1: duplicate row for area 'A1', sex 'f', age 2 (first at line 4)",
     "population.csv:1:1: missing rows for area 'A1' sex 'f' ages 3")
case("mortality q above 1", set_line("mortality.csv", 12, "f,10,1.5"),
     "mortality.csv:12:6: q '1.5' is outside [0, 1] (expected a probability)")
case("state shares do not sum to 1", set_line("state_shares.csv", 2 + 2 * 7, "f,7,well,0.7"),
     "state_shares.csv:16:1: shares for sex 'f', age 7 sum to 0.9 (expected 1 within 1e-6)")
case("missing state share row", set_line("state_shares.csv", 3, "# removed"),
     "state_shares.csv:1:1: missing rows for sex 'f' state 'ill' ages 0 (expected every sex, age and state)")
case("boys outside [0, 1]", sub("plan.yaml", "  migration: migration.csv\n",
                                "  migration: migration.csv\n  boys: 1.2\n"),
     "plan.yaml:13:9: boys '1.2' in demography is out of range (expected a probability in [0, 1])")
case("uptake max outside [0, 1]", sub("plan.yaml", "max: 0.5", "max: 1.5"),
     f"{at('uptake:', '0.5')}: max '1.5' in themes[th1].interventions[iv1].uptake is out of range "
     "(expected a probability in [0, 1])")
case("shift fraction outside [0, 1]", sub("plan.yaml", "fraction: 0.1", "fraction: 1.1"),
     f"{at('fraction:', '0.1')}: fraction '1.1' in themes[th1].interventions[iv1].effects[3] is out of range")
case("negative count", set_line("population.csv", 10, "A1,f,8,-3"),
     "population.csv:10:8: count '-3' is negative (expected a number >= 0)")
case("negative use rate", set_line("use.csv", 5, "home,ill,m,65,100,-3"),
     "use.csv:5:19: rate '-3' is negative (expected a number >= 0)")
case("negative price", sub("plan.yaml", "price: 60", "price: -60"),
     f"{at('price: 60', '60')}: price '-60' in sectors[home] is out of range (expected a number >= 0)")
case("transition row sums above 1", append("transitions.csv", "f,70,well,well,0.5\nm,3,ill,well,0.7\nm,3,ill,well,0.6\n"),
     "transitions.csv:7:1: duplicate row for sex 'm', age 3, from 'ill', to 'well' (first at line 6)")
case("transition probabilities above 1 in one row",
     chain(sub("plan.yaml", "  - {id: ill, utility: 0.6, mortality_rr: 2.0}",
               "  - {id: ill, utility: 0.6, mortality_rr: 2.0}\n  - {id: dead, utility: 0}"),
           lambda f: dict(f, **{"state_shares.csv": f["state_shares.csv"] + "".join(
               f"{s},{x},dead,0\n" for s in "fm" for x in range(101))}),
           append("transitions.csv", "m,50,well,ill,0.7\nm,50,well,dead,0.4\n")),
     "transitions.csv:5:1: transition probabilities for sex 'm', age 50, from 'well' sum to 1.1 (expected at most 1)")
case("overlapping age bands", append("use.csv", "gp,well,f,60,70,1\n"),
     "use.csv:6:1: age band 60-70 for sector 'gp', state 'well', sex 'f' overlaps the row at line 2")
case("age outside 0..100", set_line("population.csv", 10, "A1,f,101,5"),
     "population.csv:10:6: age '101' is not valid (expected an integer in 0..100)")
case("sex not f or m", set_line("population.csv", 10, "A1,x,8,5"),
     "population.csv:10:4: sex 'x' is not valid (expected 'f' or 'm')")
case("missing population rows are named", chain(set_line("population.csv", 103, "# gone"),
                                                set_line("population.csv", 104, "# gone")),
     "population.csv:1:1: missing rows for area 'A1' sex 'm' ages 0-1 (expected every age 0..100)")
case("beta sd too large for its mean", sub("plan.yaml", "sd: 0.05", "sd: 0.5"),
     f"{at('eff:', '{')}: $eff: no valid distribution: beta sd is too large for its mean")
case("unknown distribution kind", sub("plan.yaml", "dist: beta", "dist: betta"),
     f"{at('eff:', 'betta' if False else 'beta')}: unknown distribution 'betta' in $eff (did you mean 'beta'?)")
case("uptake start after the horizon", sub("plan.yaml", "start: 2025", "start: 2040"),
     f"{at('uptake:', '2025')}: start in themes[th1].interventions[iv1].uptake '2040' is outside 2024..2030")
case("horizon before base", sub("plan.yaml", "horizon: 2030", "horizon: 2020"),
     f"{at('years:', '2030')}: horizon '2020' is before base '2024' (expected horizon >= base)")
case("format version 2", sub("plan.yaml", "careshift: 1", "careshift: 2"),
     "plan.yaml:1:12: format version '2' is not supported (expected careshift: 1)")
case("non-UTF-8 byte in a CSV", put("use.csv", b"sector,state,sex,age_from,age_to,rate\ngp,w\xffll,f,0,64,2\n"),
     "use.csv:2:5: invalid UTF-8 byte 0xff (expected UTF-8 text)")
case("NUL byte in the plan", sub("plan.yaml", "Base plan", "Base\0plan"),
     "plan.yaml:3:13: NUL byte in text")
case("file does not exist", sub("plan.yaml", "use: use.csv", "use: nothere.csv"),
     f"{at('use: use.csv', 'use.csv')}: file 'nothere.csv' does not exist")
case("absurdly long file name", sub("plan.yaml", "use: use.csv", "use: " + "x" * 5000 + ".csv"),
     f"{at('use: use.csv', 'use.csv')}: file name is too long (5004 bytes, expected at most 4096)")
case("NaN in the plan", sub("plan.yaml", "price: 38.0", "price: .nan"),
     f"{at('price: 38.0', '38')}: sectors[gp].price '.nan' is not a finite number")
case("inf and 1e400 in a CSV", chain(set_line("use.csv", 2, "gp,well,f,0,64,inf"),
                                     set_line("use.csv", 3, "gp,well,f,65,100,1e400")),
     "use.csv:2:16: rate 'inf' is not a finite number (expected a number)",
     "use.csv:3:18: rate '1e400' is not a finite number (expected a number)")
case("ramp_years below 1", sub("plan.yaml", "ramp_years: 2", "ramp_years: 0"),
     f"{at('uptake:', '2,')}: ramp_years '0' is out of range (expected an integer in 1..100)")
case("ramp_years not an integer", sub("plan.yaml", "ramp_years: 2", "ramp_years: 1.5"),
     f"{at('uptake:', '2,')}: ramp_years '1.5' is not an integer (expected an integer)")
case("change below -1", sub("plan.yaml", "to: well, change: 0.2", "to: well, change: -1.5"),
     f"{at('kind: transition', '0.2')}: change '-1.5' in themes[th1].interventions[iv1].effects[2] is out of range (expected a change >= -1)")
case("negative ratio", sub("plan.yaml", "ratio: 0.5", "ratio: -1"),
     f"{at('ratio:', '0.5')}: ratio '-1' in themes[th1].interventions[iv1].effects[3] is out of range (expected a number >= 0)")
case("transition effect outside the target states", sub("plan.yaml", "from: ill, to: well", "from: well, to: ill"),
     f"{at('kind: transition', 'ill')}: transition effect from 'well' in themes[th1].interventions[iv1].effects[2] can never act (expected 'well' in the intervention's target.states)")
case("projection together with fertility", chain(
    sub("plan.yaml", "  migration: migration.csv\n", "  migration: migration.csv\n  projection: proj.csv\n"),
    put("proj.csv", "area,sex,age,year,count\n")),
     "plan.yaml:11:14: demography gives both projection and fertility",
     "plan.yaml:12:14: demography gives both projection and migration")
case("projection must cover every year", chain(
    sub("plan.yaml", "  fertility: fertility.csv\n  migration: migration.csv\n", "  projection: proj.csv\n"),
    lambda f: dict(f, **{"proj.csv": "area,sex,age,year,count\n" + "".join(
        f"{a},{s},{x},{t},10\n" for a in ("A1", "A2") for s in "fm" for x in range(101)
        for t in range(2025, 2031) if not (a == "A2" and s == "m" and t == 2027 and x > 97))})),
     "proj.csv:1:1: missing rows for area 'A2' sex 'm' year 2027 ages 98-100")
case("fertility required without projection", sub("plan.yaml", "  fertility: fertility.csv\n", ""),
     "plan.yaml:10:3: missing required field 'fertility' in demography (without a projection)")
case("reserved scenario ids", chain(sub("plan.yaml", "id: south-only", "id: baseline"),
                                    sub("plan.yaml", "id: north-later", "id: without-th1")),
     f"{at('id: south-only', 'south-only')}: scenario id 'baseline' is reserved",
     f"{at('id: north-later', 'north-later')}: scenario id 'without-th1' is reserved")
case("scenario names unknown subregions", chain(sub("plan.yaml", "subregions: [South]}", "subregions: [Soth]}"),
                                                sub("plan.yaml", "{North: 1}", "{Nort: 1}")),
     f"{at('id: south-only', 'South')}: unknown subregion 'Soth' (did you mean 'South'?)",
     f"{at('id: north-later', 'North')}: unknown subregion 'Nort' (did you mean 'North'?)")
case("criteria payer unknown", sub("plan.yaml", "care_use_payer: zvw", "care_use_payer: wlz"),
     f"{at('care_use_payer', 'zvw')}: unknown payer 'wlz' (expected one of zvw, wmo)")
case("chain not valid", sub("plan.yaml", "chain: social", "chain: tertiary"),
     f"{at('chain: social', 'social')}: chain 'tertiary' is not valid (expected one of social, primary, secondary, long_term)")
case("curve not valid", sub("plan.yaml", "curve: linear", "curve: sigmoid"),
     f"{at('curve: linear', 'linear')}: curve 'sigmoid' is not valid (expected one of linear, logistic)")
case("status not valid", sub("plan.yaml", "  name: Base plan\n", "  name: Base plan\n  status: done\n"),
     "plan.yaml:4:11: status 'done' is not valid (expected one of concept, snelle-toets, snelle-toets-passed, definitive, approved, implementation)")
case("malformed yaml", sub("plan.yaml", "years: {base: 2024, horizon: 2030}", "years: {base: 2024, horizon: 2030"),
     "plan.yaml:8:11: yaml syntax error:")
case("unterminated quote in a CSV", set_line("use.csv", 3, 'gp,"well,f,65,100,4'),
     'use.csv:3:4: unterminated quoted field (expected a closing \'"\')')
case("wrong column count in a CSV", set_line("use.csv", 3, "gp,well,f,65,4"),
     "use.csv:3:1: row has 5 fields (expected 6: sector,state,...)")
case("wrong header", set_line("use.csv", 1, "sector,state,sex,from,to,rate"),
     "use.csv:1:1: header 'sector,state,sex,from,to,rate' does not match (expected 'sector,state,sex,age_from,age_to,rate')")
case("empty plan file", put("plan.yaml", ""),
     "plan.yaml:1:1: empty plan file (expected a yaml mapping)")
case("empty CSV file", put("fertility.csv", ""),
     "fertility.csv:1:1: empty file (expected a header line)")
case("yaml alias", sub("plan.yaml", "  - {id: ill, utility: 0.6, mortality_rr: 2.0}",
                       "  - {id: ill, utility: &u 0.6, mortality_rr: *u}"),
     "plan.yaml:15:24: yaml alias or anchor reuse is not supported (expected plain values)")
case("duplicate yaml key", sub("plan.yaml", "    price: 38.0\n", "    price: 38.0\n    price: 39.0\n"),
     f"plan.yaml:{line_of(PLAN, 'price: 38.0') + 1}:5: duplicate key 'price' in sectors[gp]")
case("once cost year outside the years", sub("plan.yaml", "year: 2025}", "year: 2035}"),
     f"{at('once: 500', '2025')}: cost year '2035' is outside 2024..2030")
case("target age not an integer", sub("plan.yaml", "ages: [65, 100]", "ages: [65.5, 100]"),
     f"{at('target:', '65')}: age '65.5' is not an integer (expected an integer)")
case("file above the size limit is refused unread", put("eol.csv", 600 * 1024 * 1024),
     f"{at('end_of_life_use:', 'eol.csv')}: file 'eol.csv' is too large (expected at most 512 MiB)")
case("table is a directory", chain(sub("plan.yaml", "end_of_life_use: eol.csv", "end_of_life_use: adir"),
                                   put("adir/", None)),
     f"{at('end_of_life_use:', 'eol.csv')}: file 'adir' is not a regular file")
case("comments, BOM and CRLF are accepted but bad rows still found",
     put("use.csv", "\ufeffsector,state,sex,age_from,age_to,rate\r\n# a comment\r\ngp,well,f,0,64,2\r\ngp,well,f,65,100,-4\r\n"),
     "use.csv:4:18: rate '-4' is negative (expected a number >= 0)")
case("deeply nested yaml is refused quickly", put("plan.yaml", "[" * 100000 + "]" * 100000),
     "plan.yaml:1:65: yaml nesting is too deep (expected at most 64 levels)")
case("too long yaml list", put("plan.yaml", "careshift: 1\nthemes: [" + ", ".join(["x"] * 10001) + "]\n"),
     "plan.yaml:2:")
case("every problem is reported in one run", chain(
    sub("plan.yaml", "price: 38.0", "price: -1"),
    set_line("use.csv", 5, "home,ill,m,65,100,-3"),
    set_line("population.csv", 10, "A1,q,8,5"),
    sub("plan.yaml", "ratio: 0.5", "ratio: -1"),
    append("plan.yaml", "sectr: 1\n")),
     f"{at('price: 38.0', '38')}: price '-1' in sectors[gp] is out of range",
     "use.csv:5:19: rate '-3' is negative",
     "population.csv:10:4: sex 'q' is not valid",
     f"{at('ratio:', '0.5')}: ratio '-1' in",
     f"plan.yaml:{PLAN.count(chr(10)) + 1}:1: unknown key 'sectr' in the plan")


# ---- running ----

def write(d, files):
    for name, data in files.items():
        path = os.path.join(d, name)
        if name.endswith("/"):
            os.makedirs(path, exist_ok=True)
            continue
        if isinstance(data, int):  # a sparse file of that many bytes: costs no disk
            with open(path, "wb") as fh:
                fh.truncate(data)
            continue
        with open(path, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode())


def run(binary, d):
    p = subprocess.run([binary, "check", "plan.yaml"], cwd=d, capture_output=True, timeout=60)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def run_case(binary, root, name, mut, expect):
    d = tempfile.mkdtemp(dir=root)
    try:
        write(d, mut(base_files()))
    except AssertionError as e:
        return f"bad case: {e}"
    rc, err = run(binary, d)
    lines = err.splitlines()
    missing = [e for e in expect if not any(l.startswith(e) for l in lines)]
    if rc != 1:
        return f"exit code {rc} (expected 1); stderr:\n{err}"
    if missing:
        return "missing on stderr:\n  " + "\n  ".join(missing) + "\nstderr was:\n" + err
    return None


def run_valid(binary, root):
    """(name, problem-or-None) for plans that must pass."""
    out = []
    d = tempfile.mkdtemp(dir=root)
    write(d, base_files())
    rc, err = run(binary, d)
    out.append(("valid base plan", None if rc == 0 else f"exit {rc}: {err}"))
    for args in (["1"], ["2"], ["3", "--projection"], ["4", "--single-state"], ["5", "--psa"],
                 ["6", "--projection", "--single-state", "--psa"]):
        g = tempfile.mkdtemp(dir=root)
        if not os.path.exists(GENPLAN):
            out.append((f"genplan {' '.join(args)}", f"no {GENPLAN}"))
            continue
        subprocess.run([sys.executable, GENPLAN, g] + args, check=True)
        rc, err = run(binary, g)
        out.append((f"valid genplan {' '.join(args)}", None if rc == 0 else f"exit {rc}: {err}"))
    return out


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    root = tempfile.mkdtemp(prefix="cs-bad-")
    passed = failed = 0
    try:
        results = run_valid(binary, root)
        results += [(n, run_case(binary, root, n, m, e)) for n, m, e in CASES]
        for name, problem in results:
            if problem is None:
                passed += 1
                print(f"ok   {name}")
            else:
                failed += 1
                print(f"FAIL {name}: {problem}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
