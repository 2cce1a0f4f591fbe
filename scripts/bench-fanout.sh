#!/usr/bin/env bash
# Benchmarks Socket.IO broadcast fan-out, netlab's server against the
# official socket.io server (Node), side by side: one room of 1,000
# WebSocket clients, 16 says in flight, 2,000 timed says a run. Each round
# runs both servers, one after the other, so that a machine that speeds up
# or slows down during the run affects both alike; then benchstat compares
# them (medians).
#
#   scripts/bench-fanout.sh [rounds] [--windows]   # default 6 rounds
#
# A round is, for impl in netlab and socket.io:
#   go test -run '^$' -bench "^BenchmarkFanout\$/^server=$impl\$" -benchtime 2000x ./cmd/netlab
# Each server runs on CPU 0 (taskset, in the benchmark) with one core;
# this script puts the load client, the benchmark process, on the other
# CPUs, so that the two never share a core. --windows also runs
# BenchmarkFanoutWindow (1, 4, 16 and 64 says in flight), 3 rounds.
#
# Needs node and `npm ci` in interop/node. Writes the raw output to
# $TMPDIR/bench-fanout.txt (/tmp by default) and prints the comparison.
# Needs benchstat:
#   go install golang.org/x/perf/cmd/benchstat@latest
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
out=${TMPDIR:-/tmp}/bench-fanout.txt
bin=/tmp/netlab-fanout.bench
go test -c -o "$bin" ./cmd/netlab
pin=()
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then
  pin=(taskset -c 1-$(($(nproc) - 1)))
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); node: $(node --version)"
# The benchmark finds interop/node and builds netlab relative to its package.
: > "$out"
for ((r = 1; r <= rounds; r++)); do
  for impl in netlab socket.io; do
    (cd cmd/netlab && "${pin[@]}" "$bin" -test.run '^$' -test.bench "^BenchmarkFanout\$/^server=$impl\$" \
      -test.benchtime 2000x) | tee -a "$out"
  done
done
if [ "${2:-}" = --windows ]; then
  (cd cmd/netlab && "${pin[@]}" "$bin" -test.run '^$' -test.bench '^BenchmarkFanoutWindow$' \
    -test.benchtime 1000x -test.count 3) | tee -a "$out"
fi
benchstat=$(command -v benchstat || echo "$HOME/go/bin/benchstat")
"$benchstat" -col /server "$out"
