#!/usr/bin/env bash
# Rule engine benchmark, one command:
#   bash bench/rules/run.sh        # BUILD=build/hr-rules PCAP=/tmp/picket-bench.pcap SIZE_MB=512 RUNS=3
# Builds the release preset, makes the pipeline benchmark's capture with bench/net's generator when
# missing, then runs picket-rulesbench (engine alone, one core) with (a) no rules, (b) 1,000 ET Open rules,
# (c) every loadable ET Open rule, printing load time, peak RSS, Gbit/s and alert count for each.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/hr-rules}
PCAP=${PCAP:-/tmp/picket-bench.pcap}
SIZE_MB=${SIZE_MB:-512}
RUNS=${RUNS:-3}
ET=${ET:-../shared/corpus/et-open/rules}
export CCACHE_BASEDIR=$PWD
cmake --preset release -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j2 --target picket-rulesbench picket-pcapgen >/dev/null
if [ ! -s "$PCAP" ]; then
  EXTRA=()
  [ -d ../shared/corpus/pcaps ] && EXTRA=(--extra-pcaps ../shared/corpus/pcaps)
  "$BUILD/bench/net/picket-pcapgen" --out "$PCAP" --size-mb "$SIZE_MB" "${EXTRA[@]}"
fi
B="$BUILD/bench/rules/picket-rulesbench"
echo "== (a) no rules";        "$B" --pcap "$PCAP" --runs "$RUNS"
echo "== (b) 1,000 ET rules";  "$B" --pcap "$PCAP" --runs "$RUNS" --rules "$ET" --limit 1000
echo "== (c) all ET rules";    "$B" --pcap "$PCAP" --runs "$RUNS" --rules "$ET"
