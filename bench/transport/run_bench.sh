#!/bin/bash
# Transport benchmark: sustained alerts/s into the collector's durable journal with acknowledgements, and
# p50/p99 delivery latency (submit -> Ack received) at 5,000 alerts/s. Real processes, CURVE, loopback,
# default fsync policies (agent: fdatasync before send; collector: group commit before Ack).
#   bash bench/transport/run_bench.sh [BUILD_DIR (default build/release)] [THROUGHPUT_COUNT (default 400000)]
# Prints the loadgen's result line (rate = alerts/s acknowledged, p50/p99 latency), the CPU time per alert of
# both processes during the throughput run, and the load average.
set -euo pipefail
build=${1:-build/release}
count=${2:-400000}
collector=$build/collector/cmd/picket-collector
picketctl=$build/ctl/picketctl
loadgen=$build/bench/transport/picket-loadgen
for p in "$collector" "$picketctl" "$loadgen"; do [ -x "$p" ] || { echo "missing $p (build the release preset)"; exit 2; }; done
tmp=$(mktemp -d /tmp/picket-transport-bench-XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/c"
"$picketctl" keygen --out "$tmp/agent" >/dev/null
"$picketctl" agents add bench "$tmp/agent.pub" --keys-file "$tmp/c/agents.yaml" >/dev/null
"$collector" --set collector.state-dir="$tmp/c" --set ingest.listen="tcp://127.0.0.1:$port" \
  --set logging.level=warn --set publish.stream.listen="tcp://127.0.0.1:*" 2>"$tmp/collector.log" &
cpid=$!
for _ in $(seq 100); do [ -f "$tmp/c/collector.pub" ] && break; sleep 0.1; done
sleep 0.5
common=(--endpoint "tcp://127.0.0.1:$port" --server-pub "$tmp/c/collector.pub" --key "$tmp/agent.key"
        --exit-when-acked --timeout-s 600)
tck=$(getconf CLK_TCK)
cpu_of() { awk '{print $14+$15}' "/proc/$1/stat"; }  # user+system clock ticks of a live process
echo "== throughput: $count alerts of ~700 bytes, as fast as the agent can submit =="
c0=$(cpu_of "$cpid")
/usr/bin/time -f '%U %S' -o "$tmp/t.time" "$loadgen" "${common[@]}" --spool "$tmp/spool1" --count "$count" \
  --chunk 500 | tee "$tmp/t.out"
c1=$(cpu_of "$cpid")
# CPU per alert (less distorted by a loaded machine than wall clock): the loadgen process (generator, spool,
# sender) and the collector (ingest + journal, and the store feeder running behind it) during the run.
awk -v c0="$c0" -v c1="$c1" -v tck="$tck" -v n="$count" '{printf "cpu: loadgen %.2f us/alert (%.2f s), collector %.2f us/alert (%.2f s) during the run\n", ($1+$2)*1e6/n, $1+$2, (c1-c0)/tck*1e6/n, (c1-c0)/tck}' "$tmp/t.time"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== latency: 50,000 alerts at 5,000 alerts/s =="
"$loadgen" "${common[@]}" --spool "$tmp/spool2" --count 50000 --rate 5000 --chunk 1 | tee "$tmp/l.out"
echo "journal: $(du -sh "$tmp/c/journal" | cut -f1)"
