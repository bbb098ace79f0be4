#!/usr/bin/env bash
# Issue 14's targets, measured in one run on this machine so the ratios compare like with like:
#   1. the example's PSA: 10,000 draws with the tornado on 2 threads (draws/s, peak RSS);
#   2. the synthetic national plan (bench/synth_plan.py, 350 areas): the deterministic run end
#      to end (every table written), and 1,000 draws with the tornado on 2 threads;
#   3. the kernel alone and the machine's FMA peak (bench/kernel.sh);
#   4. the project's Python reference (tests/reference/csref.py) against careshift on the same
#      deterministic run of the example (without Shapley values per intervention), as a speed-up.
# Wall time and peak memory from /usr/bin/time. Takes a few minutes; the numbers go into
# bench/RESULTS.md by hand, with the machine and its load.
# usage: bench/targets.sh [BUILD_DIR] [DRAWS] [NATIONAL_DRAWS]   (defaults 10000 and 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
draws=${2:-10000}
nat_draws=${3:-1000}
bin="$build/careshift"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
example=examples/zuid-limburg/plan.yaml
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD)"

# measure LABEL CMD...: one line "LABEL: WALL s, PEAK MiB" (the command's output is dropped)
measure() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    echo "$label: failed"
    tail -5 "$tmp/err"
    return 1
  }
  read -r wall kb <"$tmp/time"
  echo "$label: $wall s, $(calc "$kb / 1024") MiB"
  echo "$wall" >"$tmp/last"
}
calc() { python3 -c "print(f'{($1):.2f}')"; }
ratio() { calc "($1) / ($2)"; }

measure "example, $draws draws + tornado, 2 threads" \
  "$bin" run "$example" --out "$tmp/psa" --draws "$draws" --threads 2 --quiet
w=$(cat "$tmp/last")
echo "  $(calc "$draws / $w") draws/s (target 500: $(ratio "$draws / $w" 500) of it)"

python3 bench/synth_plan.py "$tmp/national" --areas 350 >/dev/null
measure "national (350 areas), deterministic, every table written" \
  "$bin" run "$tmp/national/plan.yaml" --out "$tmp/nat" --quiet
w=$(cat "$tmp/last")
det=$w
echo "  target 2 s: $(ratio "$w" 2) times it; run.log: $(grep '^time:' "$tmp/nat/run.log")"
measure "national, $nat_draws draws + tornado, 2 threads" \
  "$bin" run "$tmp/national/plan.yaml" --out "$tmp/natpsa" --draws "$nat_draws" --threads 2 --quiet
w=$(cat "$tmp/last")
# the run holds the deterministic run too: the draws (and the tornado's runs) scale, it does not
echo "  target 1,000 draws in 60 s: $(ratio "$det + ($w - $det) * 1000 / $nat_draws" 60) times it" \
  "(the deterministic run once, the rest scaled to 1,000 draws)"

# The reference computes Shapley values per intervention exactly (2^12 runs of the example:
# most of an hour in Python), so both run a copy of the example without them
# (economics.intervention_shapley: none); every other table is computed by both.
cp -r examples/zuid-limburg "$tmp/exref"
sed -i 's/^economics:$/economics:\n  intervention_shapley: none/' "$tmp/exref/plan.yaml"
grep -q '^  intervention_shapley: none$' "$tmp/exref/plan.yaml"
measure "example without Shapley per intervention, deterministic, careshift (every table)" \
  "$bin" run "$tmp/exref/plan.yaml" --out "$tmp/det" --quiet
c=$(cat "$tmp/last")
measure "the same, Python reference (tests/reference/csref.py)" \
  python3 tests/reference/csref.py "$tmp/exref/plan.yaml" "$tmp/ref"
r=$(cat "$tmp/last")
echo "  careshift is $(ratio "$r" "$c") times as fast as the Python reference on the same run"

bash bench/kernel.sh "$build" "$example" 50
