#!/usr/bin/env bash
# Two builds on issue 14's cases (bench/targets.sh without the Python reference), taking turns
# case by case, so that both see the same load of a shared machine. Each case runs ROUNDS
# times per build; printed: the best wall time and the best user CPU time (seconds; on a loaded
# machine the CPU time says more), and the outputs of both builds compared byte for byte (every
# file but run.log).
# usage: bench/ab.sh BUILD_A BUILD_B [DRAWS] [NATIONAL_DRAWS] [ROUNDS]   (defaults 1000, 100, 2)
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1
b=$2
draws=${3:-1000}
nat_draws=${4:-100}
rounds=${5:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
example=examples/zuid-limburg/plan.yaml
python3 bench/synth_plan.py "$tmp/national" --areas 350 >/dev/null
national=$tmp/national/plan.yaml
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"

# one CASE-NAME then the run's arguments (--out is added)
case_ab() {
  local name=$1
  shift
  local best_a="" best_b=""
  for _ in $(seq 1 "$rounds"); do
    for x in a b; do
      local build=$a
      [ $x = b ] && build=$b
      rm -rf "$tmp/out_$x"
      /usr/bin/time -f "%e %U" -o "$tmp/time" "$build/careshift" run "$@" --out "$tmp/out_$x" \
        --quiet >/dev/null 2>"$tmp/err" || {
        echo "$name: $build failed"
        tail -3 "$tmp/err"
        return 1
      }
      read -r wall user <"$tmp/time"
      local cur
      [ $x = a ] && cur=$best_a || cur=$best_b
      cur=$(python3 -c "import sys; c='$cur'; w,u=$wall,$user
if c: cw,cu=map(float,c.split()); w,u=min(w,cw),min(u,cu)
print(w,u)")
      [ $x = a ] && best_a=$cur || best_b=$cur
    done
  done
  local diff=0
  for f in "$tmp/out_a"/*; do
    [ "$(basename "$f")" = run.log ] && continue
    cmp -s "$f" "$tmp/out_b/$(basename "$f")" || {
      echo "  differs: $(basename "$f")"
      diff=1
    }
  done
  read -r wa ua <<<"$best_a"
  read -r wb ub <<<"$best_b"
  python3 -c "print(f'$name: A {$wa:.2f} s wall, {$ua:.2f} s CPU; B {$wb:.2f} s wall, {$ub:.2f} s CPU;' \
    f' B/A CPU {$ub/$ua:.2f}; outputs {\"DIFFER\" if $diff else \"byte-identical\"}')"
}

case_ab "example, deterministic" "$example"
case_ab "example, $draws draws + tornado, 2 threads" "$example" --draws "$draws" --threads 2
case_ab "national, deterministic, no intervention Shapley" "$national" --no-intervention-shapley
case_ab "national, deterministic" "$national"
case_ab "national, $nat_draws draws + tornado, 2 threads, no intervention Shapley" "$national" \
  --draws "$nat_draws" --threads 2 --no-intervention-shapley
