#!/usr/bin/env bash
# Benchmarks wsframe against gorilla/websocket, alternating the two for each
# round so that a machine that speeds up or slows down during the run
# affects both alike, then compares them with benchstat (medians).
#
#   scripts/bench-ws.sh [rounds]      # default 10 rounds
#
# Writes bench-ws.txt (raw) and prints the comparison. Needs benchstat:
#   go install golang.org/x/perf/cmd/benchstat@latest
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
out=bench-ws.txt
go test -c -o /tmp/wsframe.bench ./wsframe
: > "$out"
for ((r = 1; r <= rounds; r++)); do
  for impl in netlab gorilla; do
    /tmp/wsframe.bench -test.run '^$' -test.bench "^BenchmarkEcho/impl=$impl/" -test.benchmem -test.benchtime 1s >> "$out"
  done
done
/tmp/wsframe.bench -test.run '^$' -test.bench '^Benchmark(Mask|ReadFrame|WriteFrame)$' -test.benchmem -test.count 5 >> "$out"
benchstat=$(command -v benchstat || echo "$HOME/go/bin/benchstat")
"$benchstat" -col /impl "$out"
