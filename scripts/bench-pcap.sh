#!/usr/bin/env bash
# Times `netlab pcap` against tshark on the same generated 100k-packet
# capture (the one BenchmarkSummary reads): the summary (one line per
# packet) against `tshark -r`, and `--stats` against `tshark -q -z io,phs`.
# Prints packets per second for each and the ratio netlab / tshark.
#
#   scripts/bench-pcap.sh [runs]      # default 5 runs of each; the best is kept
#
# Uses hyperfine when it is installed, otherwise a bash timing loop. The
# machine's load shows in every number: run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
packets=100000
command -v tshark >/dev/null || { echo "bench-pcap: tshark is not installed (apt-get install tshark)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
file=$tmp/bench-100k.pcap
NETLAB_BENCH_PCAP=$file go test ./capture -run '^TestWriteBenchCapture$' -count=1 >/dev/null
go build -o "$tmp/netlab" ./cmd/netlab
echo "capture: $file, $packets packets, $(stat -c %s "$file") bytes"

# seconds CMD...: the best (least) wall-clock time of $runs runs, in seconds.
seconds() {
  if command -v hyperfine >/dev/null; then
    hyperfine --runs "$runs" --warmup 1 --export-json "$tmp/h.json" "$*" >/dev/null 2>&1
    python3 -c 'import json,sys; print(min(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$tmp/h.json"
    return
  fi
  "$@" >/dev/null 2>&1 # warm up the page cache
  local best=""
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    local s
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
    if [[ -z $best ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$s; fi
  done
  echo "$best"
}

report() { # report NAME NETLAB_SECONDS TSHARK_SECONDS
  awk -v name="$1" -v n="$2" -v t="$3" -v p="$packets" 'BEGIN {
    printf "%-8s netlab %8.3fs %12.0f packets/s   tshark %8.3fs %10.0f packets/s   ratio %.1fx\n",
      name, n, p / n, t, p / t, t / n }'
}

nsum=$(seconds "$tmp/netlab" pcap "$file")
tsum=$(seconds tshark -r "$file")
nstat=$(seconds "$tmp/netlab" pcap --stats "$file")
tstat=$(seconds tshark -q -z io,phs -r "$file")
report summary "$nsum" "$tsum"
report stats "$nstat" "$tstat"
