#!/usr/bin/env bash
# Network pipeline benchmark, one command:
#   bash bench/net/run.sh            # SIZE_MB=512 RUNS=5 PCAP=/tmp/picket-bench.pcap BUILD=build/hr-net
# Builds the release preset, generates a >= 500 MB capture (generated HTTP/DNS/TLS mix + the corpus pcaps
# when present; the generator prints the packet-size distribution), then times `picket-agent --read-pcap`
# (no rules, one worker: full decode, flows, reassembly, app layer, EVE flow/http/dns/tls written) next to
# `tcpdump -r FILE -w /dev/null`, RUNS times each, and prints medians: seconds, Gbit/s, packets/s, peak RSS,
# and CPU seconds (user+sys) with the Gbit/s they give: on a loaded machine wall time includes waiting for a
# core, CPU time does not. Quote the load (uptime) with the figures.
# TARGET=picket-netbench times the same pipeline code linked without the rule engine (quicker to build).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/hr-net}
SIZE_MB=${SIZE_MB:-512}
RUNS=${RUNS:-5}
PCAP=${PCAP:-/tmp/picket-bench.pcap}
TARGET=${TARGET:-picket-agent}
export CCACHE_BASEDIR=$PWD
cmake --preset release -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j2 --target "$TARGET" picket-pcapgen >/dev/null
if [ ! -s "$PCAP" ]; then
  EXTRA=()
  [ -d ../shared/corpus/pcaps ] && EXTRA=(--extra-pcaps ../shared/corpus/pcaps)
  "$BUILD/bench/net/picket-pcapgen" --out "$PCAP" --size-mb "$SIZE_MB" "${EXTRA[@]}"
fi
BYTES=$(stat -c %s "$PCAP")
PACKETS=$(capinfos -c -M "$PCAP" 2>/dev/null | awk '/Number of packets/ {print $NF}')
EVE=$(mktemp /tmp/picket-bench-eve.XXXXXX)
TIMES=$(mktemp /tmp/picket-bench-time.XXXXXX)
trap 'rm -f "$EVE" "$TIMES"' EXIT
if [ "$TARGET" = picket-netbench ]; then
  PIPE=("$BUILD/bench/net/picket-netbench" "$PCAP" "$EVE" detect.workers=1)
else
  PIPE=("$BUILD/agent/cmd/picket-agent" --read-pcap "$PCAP" --eve-log "$EVE" --set detect.workers=1)
fi
measure() {  # prints "seconds maxrss_kb cpu_seconds"
  /usr/bin/time -f "%e %M %U %S" -o "$TIMES" "$@" >/dev/null 2>&1
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$TIMES"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load before: $(uptime)"
T_TCP=(); R_TCP=(); C_TCP=(); T_AG=(); R_AG=(); C_AG=()
for i in $(seq "$RUNS"); do
  read -r t r c < <(measure tcpdump -r "$PCAP" -w /dev/null)
  T_TCP+=("$t"); R_TCP+=("$r"); C_TCP+=("$c")
  read -r t r c < <(measure "${PIPE[@]}")
  T_AG+=("$t"); R_AG+=("$r"); C_AG+=("$c")
  echo "run $i: tcpdump ${T_TCP[-1]} s (cpu ${C_TCP[-1]} s), $TARGET ${T_AG[-1]} s (cpu ${C_AG[-1]} s, ${R_AG[-1]} KB)"
done
echo "load after: $(uptime)"
"${PIPE[@]}" | head -40
report() {
  awk -v n="$1" -v t="$2" -v r="$3" -v c="$4" -v b="$BYTES" -v p="$PACKETS" 'BEGIN {
    printf "%-16s median %.2f s  %.2f Gbit/s  %.0f packets/s  peak RSS %.1f MB  |  cpu %.2f s  %.2f Gbit/s\n",
           n, t, b*8/t/1e9, p/t, r/1024, c, b*8/c/1e9 }'
}
echo "== $PCAP: $BYTES bytes, $PACKETS packets, medians of $RUNS runs"
report tcpdump "$(printf '%s\n' "${T_TCP[@]}" | median)" "$(printf '%s\n' "${R_TCP[@]}" | median)" \
  "$(printf '%s\n' "${C_TCP[@]}" | median)"
report "$TARGET" "$(printf '%s\n' "${T_AG[@]}" | median)" "$(printf '%s\n' "${R_AG[@]}" | median)" \
  "$(printf '%s\n' "${C_AG[@]}" | median)"
