#!/usr/bin/env bash
# The kernel alone and the machine's peak: builds bench/kernel_bench.c against a build's
# static library (the build's own flags) and bench/peak.c with -O3 -march=native, then runs
# both. usage: bench/kernel.sh [BUILD_DIR] [PLAN] [DRAWS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
plan=${2:-examples/zuid-limburg/plan.yaml}
draws=${3:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deps="yaml-0.1 sqlite3 xlsxwriter gsl libRmath jansson"
# shellcheck disable=SC2046
cc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc \
  $(pkg-config --cflags $deps) bench/kernel_bench.c -o "$tmp/kernel_bench" \
  "$build/libcareshift.a" $(pkg-config --libs $deps) $(pkg-config --libs libmicrohttpd 2>/dev/null || true) -lcsv -lm -pthread
cc -std=c17 -O3 -march=native -ffp-contract=fast -D_POSIX_C_SOURCE=200809L bench/peak.c -o "$tmp/peak"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/peak"
"$tmp/kernel_bench" "$plan" --reps 20 --draws "$draws"
