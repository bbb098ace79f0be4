#!/usr/bin/env bash
# Benchmark: one deterministic run of the Zuid-Limburg example and of a synthetic national
# region (350 areas), reporting wall time and peak memory. Results go to bench/RESULTS.md by
# hand, with the machine noted (see the file for the last measurement).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/careshift}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/synth_plan.py "$tmp/national" --areas 350
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
for plan in examples/zuid-limburg/plan.yaml "$tmp/national/plan.yaml"; do
  for i in 1 2 3; do
    /usr/bin/time -f "%e s wall, %M KiB peak" "$bin" run "$plan" --out "$tmp/out" --quiet 2>&1 | tail -1 |
      sed "s|^|$(basename "$(dirname "$plan")") run $i: |"
  done
  grep '^time:' "$tmp/out/run.log" | sed 's/^/  kernel+summaries /'
done

# PSA throughput: 200 draws of the example without the tornado, 1 and 2 threads (the output
# is byte-identical; only the time may differ).
for t in 1 2; do
  /usr/bin/time -f "%e s wall, %M KiB peak" "$bin" run examples/zuid-limburg/plan.yaml --out "$tmp/psa" \
    --draws 200 --no-tornado --threads "$t" --quiet 2>&1 | tail -1 | sed "s|^|zuid-limburg 200 draws, $t thread(s): |"
done

# careshift serve on loopback: what-if latency (median, p99) and reads per second (issue 12).
python3 bench/serve_bench.py "$bin" examples/zuid-limburg/plan.yaml
