#!/usr/bin/env bash
# Shows that two careshift binaries write the same outputs: byte for byte for every CSV table
# and results.db, sheet for sheet for business_case.xlsx (its document times aside) and line for
# line for run.log (its timing line aside). Used to prove a refactor changed no number.
#
#   scripts/compare_runs.sh OLD_BINARY NEW_BINARY [N_RANDOM_PLANS]
#
# Runs the built-in example (deterministic, and 20 draws with the tornado and --detail) and
# N (default 30) random plans of tests/genplan.py in its four variants. Exit 0 when all agree.
set -uo pipefail
old=$1 new=$2 n=${3:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0 cases=0

same_run() { # compare two output directories
  local a=$1 b=$2 f base
  for f in "$a"/* "$b"/*; do
    base=$(basename "$f")
    [ -e "$a/$base" ] && [ -e "$b/$base" ] || { echo "only in one: $base"; return 1; }
  done
  for f in "$a"/*; do
    base=$(basename "$f")
    case $base in
    run.log) diff <(grep -v '^time:' "$f") <(grep -v '^time:' "$b/$base") >/dev/null || { echo "differs: $base"; return 1; } ;;
    *.xlsx)
      rm -rf "$work/xa" "$work/xb"; mkdir -p "$work/xa" "$work/xb"
      (cd "$work/xa" && unzip -q "$f") && (cd "$work/xb" && unzip -q "$b/$base")
      rm -f "$work"/x?/docProps/core.xml
      diff -r "$work/xa" "$work/xb" >/dev/null || { echo "differs: $base"; return 1; } ;;
    *) cmp -s "$f" "$b/$base" || { echo "differs: $base"; return 1; } ;;
    esac
  done
}

check() { # name, then the arguments of `careshift run` after the output option
  local name=$1; shift
  cases=$((cases + 1))
  "$old" run "$@" --out "$work/a" --quiet >/dev/null 2>&1; local ra=$?
  "$new" run "$@" --out "$work/b" --quiet >/dev/null 2>&1; local rb=$?
  if [ $ra -ne $rb ]; then echo "$name: exit $ra vs $rb"; bad=$((bad + 1))
  elif ! same_run "$work/a" "$work/b"; then echo "$name: outputs differ"; bad=$((bad + 1))
  fi
  rm -rf "$work/a" "$work/b"
}

ex="$root/examples/zuid-limburg/plan.yaml"
check example "$ex"
check example-psa "$ex" --draws 20 --detail
for s in $(seq 1 "$n"); do
  case $((s % 4)) in 1) f=--projection ;; 2) f=--single-state ;; 3) f=--psa ;; *) f= ;; esac
  python3 "$root/tests/genplan.py" "$work/p$s" "$s" $f >/dev/null || { echo "genplan $s failed"; bad=$((bad + 1)); continue; }
  check "plan $s $f" "$work/p$s/plan.yaml" --detail
  [ "$f" = --psa ] && check "plan $s psa" "$work/p$s/plan.yaml" --draws 8
done
echo "$((cases - bad)) of $cases runs identical"
[ $bad -eq 0 ]
