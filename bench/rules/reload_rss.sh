#!/usr/bin/env bash
# Peak memory of the agent daemon while a SIGHUP reload holds two rule sets, with live traffic:
#   bash bench/rules/reload_rss.sh     # BUILD=build/hr-rules PCAP=/tmp/picket-bench.pcap ET=... RUNS=3
# Starts the real picket-agent daemon replaying PCAP (capture.file) with every ET Open rule file and the
# Hyperscan cache, sends SIGHUP as soon as the capture runs (the new set is built beside the old one while
# packets flow), waits for "Suricata rules reloaded", and prints the process's peak RSS (VmHWM) before and
# after the reload. No collector: alerts wait in the spool. Needs a built picket-agent and picketctl.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/hr-rules}
PCAP=${PCAP:-/tmp/picket-bench.pcap}
ET=${ET:-../shared/corpus/et-open/rules}
RUNS=${RUNS:-3}
AGENT="$BUILD/agent/cmd/picket-agent"
CTL="$BUILD/ctl/picketctl"
[[ -x $AGENT && -x $CTL && -s $PCAP ]] || { echo "need $AGENT, $CTL and $PCAP (run bench/rules/run.sh first)"; exit 1; }
work=$(mktemp -d /tmp/picket-reload.XXXXXX)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
"$CTL" keygen --out "$work/collector" >/dev/null
mkdir -p "$work/cache"
wait_for() {  # wait_for PATTERN LOG
  for _ in $(seq 1 1800); do
    grep -q -E "$1" "$2" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "picket-agent exited"; tail -20 "$2"; exit 1; }
    sleep 0.1
  done
  echo "timeout waiting for: $1"; tail -20 "$2"; exit 1
}
hwm() { awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status"; }
for i in $(seq 1 "$RUNS"); do
  rm -rf "$work/state" && mkdir -p "$work/state"
  cp "$work/collector.pub" "$work/state/collector.pub"
  cat > "$work/agent.yaml" <<YAML
logging:
  level: info
agent:
  state-dir: $work/state
  user: ""
detect:
  rule-files: [$ET]
  cache-dir: $work/cache
capture:
  file: $PCAP
transport:
  collector: tcp://127.0.0.1:9
YAML
  log="$work/log.$i"
  "$AGENT" --config "$work/agent.yaml" >"$log" 2>&1 &
  pid=$!
  wait_for "running: [0-9]+ Suricata rules" "$log"
  before=$(hwm)
  kill -HUP "$pid"
  wait_for "Suricata rules reloaded" "$log"
  wait_for "ended: the file was read to its end" "$log"
  after=$(hwm)
  echo "run $i: $(grep -o -m1 'running: [0-9]* Suricata rules' "$log"); peak RSS before the reload ${before} MB," \
       "after the reload (two sets held while it built, traffic flowing) ${after} MB;" \
       "$(grep -c . "$log") log lines"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
