#!/usr/bin/env bash
# Rule engine benchmark, one command:
#   bash bench/rules/run.sh        # BUILD=build/hr-rules PCAP=/tmp/picket-bench.pcap SIZE_MB=512 RUNS=5
# Builds the release preset, makes the pipeline benchmark's capture with bench/net's generator when
# missing, then, with (a) no rules, (b) the first 1,000 enabled ET Open rules, (c) every loadable ET Open
# rule, runs RUNS times each:
#   - picket-agent --read-pcap (the whole pipeline: decode, flows, reassembly, app layer, rules; 1 worker)
#     with the Hyperscan database cache in a fresh folder (the first run of (b)/(c) fills it, later runs
#     read it): Gbit/s from the agent's summary, wall time, peak RSS (/usr/bin/time), start-up time
#     (rule load + build, from a run on an empty capture), alert count;
#   - picket-rulesbench (the engine alone on packets, one core) once per set, for the engine-only figure.
# Prints every run and the medians (bench/rules/RESULTS.md records them).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/hr-rules}
PCAP=${PCAP:-/tmp/picket-bench.pcap}
SIZE_MB=${SIZE_MB:-512}
RUNS=${RUNS:-5}
ET=${ET:-../shared/corpus/et-open/rules}
export CCACHE_BASEDIR=$PWD
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  cmake --preset release -B "$BUILD" >/dev/null
  cmake --build "$BUILD" -j2 --target picket-agent picket-rulesbench picket-pcapgen >/dev/null
fi
if [ ! -s "$PCAP" ]; then
  EXTRA=()
  [ -d ../shared/corpus/pcaps ] && EXTRA=(--extra-pcaps ../shared/corpus/pcaps)
  "$BUILD/bench/net/picket-pcapgen" --out "$PCAP" --size-mb "$SIZE_MB" "${EXTRA[@]}"
fi
AGENT="$BUILD/agent/cmd/picket-agent"
work=$(mktemp -d /tmp/picket-rulesbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# (b): the first 1,000 enabled rules of the ET files, in name order.
awk '/^(alert|pass|drop|reject) / && n < 1000 { print; n++ }' "$ET"/*.rules > "$work/et1000.rules"
# An empty capture (the first packet only) measures start-up: rule load and engine build.
python3 - "$PCAP" "$work/one.pcap" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    hdr = f.read(24)
    rec = f.read(16)
    n = int.from_bytes(rec[8:12], "little")
    data = f.read(n)
with open(dst, "wb") as f:
    f.write(hdr + rec + data)
PY

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bench_set() {  # bench_set NAME RULES...
  local name=$1
  shift
  local rules=()
  for r in "$@"; do rules+=(--rules "$r"); done
  local cache="$work/cache-$name"
  echo "== $name"
  : > "$work/gbps" ; : > "$work/rss" ; : > "$work/start" ; : > "$work/wall"
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$AGENT" --read-pcap "$work/one.pcap" "${rules[@]}" \
      --set "detect.cache-dir=$cache" --eve-log "$work/eve-one.json" --eve-types alert >/dev/null 2>&1
    read -r s _ < "$work/t"
    echo "$s" >> "$work/start"
    /usr/bin/time -f "%e %M" -o "$work/t" "$AGENT" --read-pcap "$PCAP" "${rules[@]}" \
      --set "detect.cache-dir=$cache" --eve-log "$work/eve.json" --eve-types alert \
      > "$work/out" 2> "$work/err" || { cat "$work/err" | tail -5; exit 1; }
    read -r wall rss < "$work/t"
    line=$(grep -h '^picket-agent: ' "$work/out" "$work/err" | tail -1)
    mbps=$(sed -n 's/.*(\([0-9.]*\) Mbit\/s.*/\1/p' <<< "$line")
    alerts=$(wc -l < "$work/eve.json")
    echo "run $i: start-up ${s} s; $line; wall ${wall} s; peak RSS $((rss / 1024)) MB; EVE alerts $alerts"
    awk -v m="$mbps" 'BEGIN { print m / 1000 }' >> "$work/gbps"
    echo $((rss / 1024)) >> "$work/rss"
    echo "$wall" >> "$work/wall"
  done
  echo "median ($name, $RUNS runs): $(median < "$work/gbps") Gbit/s, start-up $(median < "$work/start") s," \
       "wall $(median < "$work/wall") s, peak RSS $(median < "$work/rss") MB, alerts $alerts"
  echo "-- engine alone (picket-rulesbench, packets only, median of 3):"
  "$BUILD/bench/rules/picket-rulesbench" --pcap "$PCAP" --runs 3 --cache-dir "$cache" "${rules[@]}"
}

echo "capture: $PCAP ($(du -m "$PCAP" | cut -f1) MB); load: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_set a-no-rules
bench_set b-et1000 "$work/et1000.rules"
bench_set c-et-all "$ET"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
