#!/usr/bin/env python3
"""Embeds the built-in example in the careshift binary for `careshift init` (issue 11).

Reads EXAMPLE_DIR (examples/zuid-limburg) and writes a C source and header that hold, as byte
arrays, the files `careshift init DIR` writes:

  - every *.csv of EXAMPLE_DIR, byte for byte (their '# source:' lines stay);
  - plan.yaml, its header ("built by scripts/derive_example.py ... Do not edit by hand")
    replaced by one for the user's own plan, and above each top-level key a '##' comment
    saying what the field means (docs/plan-format.md); the example's own '#' comments stay;
  - README.md: the next commands and the files with their columns.
Other files of the folder (derived-figures.md: how the example was made) are left out.

The list of files comes from the folder itself, so a new CSV cannot be forgotten: the depfile
names the folder and every file read, so ninja runs this again when one is added, removed or
changed. tests/test_init.py checks that `careshift init` writes exactly these files.

The text "@CARESHIFT_VERSION@" is replaced by careshift's CS_VERSION when init writes the
file, so the header names the version that wrote it.

usage: embed_files.py --c OUT.c --h OUT.h [--depfile OUT.d] [--name example] EXAMPLE_DIR
Python 3 standard library only.
"""
import argparse
import os
import re
import sys
import textwrap

VERSION_MARK = "@CARESHIFT_VERSION@"

# What each top-level key of a plan means (docs/plan-format.md). The build fails on a key of
# the example that has no entry here, so a new field gets its comment.
FIELDS = {
    "careshift": "the version of the plan format (1).",
    "plan": "the plan's name (required), coalition, coordinator, status (concept | "
            "snelle-toets | snelle-toets-passed | definitive | approved | implementation) and "
            "deadline.",
    "region": "the region's name, and `areas`: a table area,name,subregion with one row per "
              "municipality (its CBS code) and the subregion it belongs to.",
    "years": "the base year (the population table counts 1 January of it) and the horizon, the "
             "last year projected (at most 200 years later).",
    "population": "a table area,sex,age,count: the residents on 1 January of the base year, "
                  "for every area, sex (f, m) and age 0..100 (100 = 100+).",
    "demography": "how the population moves: mortality (a table sex,age,q: the probability of "
                  "dying within the year), fertility (age,rate: births per woman per year), "
                  "migration (optional; area,sex,age,net: persons per year), boys (the share "
                  "of boys among births), the yearly fall of mortality (mortality_improvement) "
                  "and of the onset of the worse states (transition_improvement or "
                  "transition_improvement_by_age); or a projection table instead of fertility "
                  "and migration.",
    "states": "the care-need states (optional; without them one state `all`): an id, utility "
              "(quality of life, 0..1, for the QALYs) and mortality_rr (the risk of dying "
              "relative to the population of the same sex and age).",
    "state_shares": "a table sex,age,state,share: each state's share of the population in the "
                    "base year; the shares of one sex and age add up to 1.",
    "transitions": "a table sex,age,from,to,p: the yearly probability of moving from one state "
                   "to another (absent rows are 0; the rest stays).",
    "payers": "who pays for care: an id and a name each (zvw, wlz and wmo in the Netherlands).",
    "workforce": "a table group,subregion,fte,retire_rate,outflow_rate,inflow_fte: the staff "
                 "supply per workforce group and subregion in the base year, and how it "
                 "changes each year.",
    "workforce_total_fte": "optional: the region's whole care-and-welfare workforce in FTE; "
                           "the summary says what share of it the modelled sectors are.",
    "sectors": "the kinds of care: id, name, unit, payer, chain (social | primary | secondary "
               "| long_term: the front of the chain comes first), price (euro per unit in the "
               "price year), fte_per_unit (FTE-years per unit), the workforce group that gives "
               "it, and optionally m2_per_unit, co2_kg_per_unit, growth (non-demographic volume "
               "growth per year) and marginal_share (the part of the price a unit less saves).",
    "use": "a table sector,state,sex,age_from,age_to,rate: units of care per person-year; "
           "`scale` multiplies the whole table (here a distribution, drawn in the PSA).",
    "end_of_life_use": "optional, a table with the same columns: the extra units per person "
                       "who dies, in the year of death.",
    "area_use_index": "optional, a table area,sector,index: each municipality's own level of "
                      "care use against use.csv's rates (absent rows: 1).",
    "economics": "price_year (the year of the prices), discount rates of costs and of effects, "
                 "qaly_value (euro per QALY gained), price_growth, price_index and inflation "
                 "(the current euros of budget_impact.csv), intervention_shapley and "
                 "cycle_correction.",
    "criteria": "the IZA quick test: the short- and long-term years and the four thresholds: "
                "less care use (care_use_pct of the payer's care cost), patient flows to the "
                "front of the chain (patient_flows_pct of the units of patient_flows_sectors), "
                "staff (staff_fte or staff_pct) and real estate (real_estate_m2 or "
                "real_estate_pct).",
    "parameters": "optional named uncertain numbers, used as $name anywhere in the plan; one "
                  "draw is shared by all its uses.",
    "themes": "the plan itself: themes, each with its interventions: target (areas, "
              "subregions, sexes, ages, states), uptake (max, ramp_years, start, "
              "start_by_subregion, curve), effects (kind: use, shift, end_of_life_use, "
              "transition, fte_per_unit, workforce, extra_use, utility, mortality), costs "
              "(once, per_year or per_participant, per payer), and optionally after_funding, "
              "resources (what partners bring) and milestones.",
    "scenarios": "optional scale and pace variants of the plan: only some subregions, or a "
                 "delay in years per subregion (ids baseline, plan and without-... are "
                 "reserved).",
    "psa": "optional: the draws and seed of `careshift run --psa`, the probabilistic "
           "sensitivity analysis.",
    "insurers": "optional: a payer and a table area,insurer,share of the insurers' market "
                "shares, for business_case_insurer.csv.",
}

HEADER = """\
# A careshift plan, started from the built-in Zuid-Limburg example by `careshift init`
# (careshift @CARESHIFT_VERSION@). It checks and runs as it is: the 16 municipalities of
# Zuid-Limburg in three subregions and the five themes of the Mijnstreek plan, with every
# number's source. To make it your region's and your plan's, change first:
#   1. plan: your plan's name, coalition and status.
#   2. areas.csv (your municipalities and subregions) and population.csv (their residents on
#      1 January of the base year, CBS), then the other tables per municipality
#      (migration.csv, area_use_index.csv) and per subregion (workforce.csv), and the
#      municipality codes and subregion names in themes (target, start_by_subregion,
#      by_subregion) and scenarios.
#   3. themes: your plan's interventions: whom they reach, their uptake, effects and costs.
#   4. criteria: the thresholds agreed with the insurers.
# mortality.csv, fertility.csv and use.csv are Dutch figures fitted to Zuid-Limburg: their
# '# source:' lines say how, to refit them for your region.
# After each change, in this folder:
#   careshift check plan.yaml                       every problem at once (FILE:LINE:COLUMN)
#   careshift run plan.yaml --out out               the tables, IZA verdict, out/report.html
#   careshift run plan.yaml --out out --draws 500   the same with the uncertainty (PSA)
# A number may be a distribution ({dist: pert, min: 0.2, mode: 0.4, max: 0.6} and the like):
# a run uses its mean, the PSA draws it. Lines starting with '##' say what a field means
# (every field: careshift's docs/plan-format.md); lines with one '#' are the example's sources
# and reasoning ('estimate' marks a number with no published source; careshift's
# docs/example.md has every source).
"""

README = """\
# A careshift plan

This folder is a careshift plan, started from the built-in Zuid-Limburg example by
`careshift init` (careshift @CARESHIFT_VERSION@). It checks and runs as it is:

    careshift check plan.yaml                       # every problem at once, FILE:LINE:COLUMN: message
    careshift run plan.yaml --out out               # the tables, the IZA verdict, out/report.html
    careshift run plan.yaml --out out --draws 500   # the same with the uncertainty (PSA)
    careshift report out --lang nl                  # out/report.html again, in Dutch

The header of `plan.yaml` says what to change first to make it your region's and your plan's;
a `##` comment above each field says what it means. careshift's `docs/plan-format.md` has
every field, `docs/model.md` every equation, `docs/outputs.md` every output table and
`docs/example.md` the example's sources; `careshift --help` and `man careshift` the commands.

## Files

"""


def die(msg):
    sys.exit(f"embed_files.py: {msg}")


def list_files(src):
    """plan.yaml and every CSV of the folder (a plan's tables are CSV files; the rest, such
    as derived-figures.md, documents how the example was made)."""
    names = sorted(os.listdir(src))
    if "plan.yaml" not in names:
        die(f"{src}: no plan.yaml")
    return [n for n in names if n.endswith(".csv") and not n.startswith(".")], "plan.yaml"


def field_comment(key):
    if key not in FIELDS:
        die(f"plan.yaml: top-level key '{key}' has no description: add it to FIELDS in "
            "scripts/embed_files.py (from docs/plan-format.md)")
    return textwrap.wrap(f"{key}: {FIELDS[key]}", width=94, initial_indent="## ",
                         subsequent_indent="##   ", break_on_hyphens=False)


def annotate(text):
    """The example's plan.yaml with the new header and a '##' comment above each top-level
    key (above the example's own comment block of that key)."""
    lines = text.splitlines(keepends=True)
    if any(l.startswith("##") for l in lines):
        die("plan.yaml: a line starts with '##', which marks init's own comments")
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    body = lines[start:]
    out = []
    block = []  # column-0 comments waiting for the line they belong to
    for line in body:
        if line.startswith("#"):
            block.append(line)
            continue
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*):", line)
        if m:
            out.append("\n")
            out.extend(c + "\n" for c in field_comment(m.group(1)))
        out.extend(block)
        block = []
        out.append(line)
    out.extend(block)
    return HEADER + "".join(out)


def csv_columns(data):
    for line in data.decode("utf-8-sig").splitlines():
        if line.strip() and not line.startswith("#"):
            return line.strip()
    return ""


def readme(csvs, src):
    rows = ["- `plan.yaml`: the plan; it names the tables below."]
    for n in csvs:
        with open(os.path.join(src, n), "rb") as f:
            rows.append(f"- `{n}`: {csv_columns(f.read())}")
    return README + "\n".join(rows) + "\n\nEach table's `# source:` lines say where its numbers come from.\n"


def c_array(ident, data):
    out = [f"static const unsigned char {ident}[{max(len(data), 1)}] = {{\n"]
    for i in range(0, len(data), 16):
        out.append("  " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",\n")
    if not data:
        out.append("  0\n")
    out.append("};\n")
    return "".join(out)


def write_if_changed(path, text):
    """Leaves an unchanged output alone, so ninja (restat) does not compile it again."""
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_c(path, hpath, name, files):
    guard = f"CS_{name.upper()}_H"
    write_if_changed(hpath, f"""/* {os.path.basename(hpath)}: generated by scripts/embed_files.py; do not edit. */
#ifndef {guard}
#define {guard}

#include <stddef.h>

#ifndef CS_EMBEDDED_FILE_DEFINED
#define CS_EMBEDDED_FILE_DEFINED
/* One file `careshift init` writes: its name in DIR and its bytes. */
typedef struct cs_embedded_file {{
  const char *name;
  const unsigned char *data;
  size_t size;
}} cs_embedded_file;
#endif

/* Replaced by CS_VERSION wherever it stands in a file's bytes. */
#define CS_EMBED_VERSION_MARK "{VERSION_MARK}"

#define CS_{name.upper()}_NFILES {len(files)}
extern const cs_embedded_file cs_{name}_files[CS_{name.upper()}_NFILES];

#endif
""")
    out = [f"/* {os.path.basename(path)}: generated by scripts/embed_files.py; do not edit. */\n",
           f'#include "{os.path.basename(hpath)}"\n\n']
    out += [c_array(f"file{i}", data) for i, (_, data) in enumerate(files)]
    out.append(f"\nconst cs_embedded_file cs_{name}_files[CS_{name.upper()}_NFILES] = {{\n")
    out += [f'  {{"{fname}", file{i}, {len(data)}}},\n' for i, (fname, data) in enumerate(files)]
    out.append("};\n")
    write_if_changed(path, "".join(out))


def write_depfile(path, target, deps):
    esc = [d.replace("\\", "\\\\").replace(" ", "\\ ").replace("$", "$$") for d in deps]
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{target}: " + " \\\n  ".join(esc) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("--c", required=True)
    ap.add_argument("--h", required=True)
    ap.add_argument("--depfile")
    ap.add_argument("--name", default="example")
    a = ap.parse_args()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", a.name):
        die(f"--name '{a.name}' is not a C identifier")
    csvs, plan = list_files(a.src)
    files = []
    for n in csvs:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", n):
            die(f"{n}: a file name init would write must be plain (letters, digits, _ . -)")
        with open(os.path.join(a.src, n), "rb") as f:
            files.append((n, f.read()))
    with open(os.path.join(a.src, plan), "rb") as f:
        files.append((plan, annotate(f.read().decode("utf-8")).encode("utf-8")))
    files.append(("README.md", readme(csvs, a.src).encode("utf-8")))
    write_c(a.c, a.h, a.name, files)
    if a.depfile:
        deps = [a.src] + [os.path.join(a.src, n) for n in csvs + [plan]] + [os.path.abspath(__file__)]
        write_depfile(a.depfile, a.c, deps)


if __name__ == "__main__":
    main()
