#!/usr/bin/env bash
# sighup_reload_test.sh AGENT PICKETCTL: starts the real picket-agent daemon (live capture on lo, collector
# absent so alerts wait in the spool) with one Suricata rule, then sends it real SIGHUPs:
#   1. the rule file now holds only a broken rule: the reload fails, the log says why (FILE:LINE: sid N:)
#      and that the previous set (1 rule) stays;
#   2. the rule file holds two good rules: the log says the set was reloaded with 2 rules;
#   3. a UDP datagram on lo that only the new rule matches is alerted (its msg reaches the spool).
# Exit 77 (CTest SKIP_RETURN_CODE) when not root (live capture needs CAP_NET_RAW), outside CI.
set -euo pipefail
agent=${1:?usage: sighup_reload_test.sh AGENT PICKETCTL}
ctl=${2:?usage: sighup_reload_test.sh AGENT PICKETCTL}
if [[ $(id -u) -ne 0 ]]; then
  echo "sighup_reload_test: needs root for a live capture on lo"
  [[ ${CI:-} == true ]] && exit 1
  exit 77
fi
work=$(mktemp -d /tmp/picket-hup.XXXXXX)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/state" "$work/rules"
"$ctl" keygen --out "$work/collector" >/dev/null
cp "$work/collector.pub" "$work/state/collector.pub"
cat > "$work/rules/local.rules" <<'RULES'
alert udp any any -> any any (msg:"picket hup first"; content:"picket-hup-first"; sid:9100001; rev:1;)
RULES
cat > "$work/agent.yaml" <<YAML
logging:
  level: info
agent:
  state-dir: $work/state
  user: ""
detect:
  rule-files: [$work/rules]
capture:
  interface: lo
transport:
  collector: tcp://127.0.0.1:9
YAML

ASAN_OPTIONS=detect_leaks=0 "$agent" --config "$work/agent.yaml" >"$work/out" 2>"$work/err" &
pid=$!

# wait_for PATTERN: until the agent's log (stdout+stderr) has a line matching PATTERN (generous: loaded CI).
wait_for() {
  for _ in $(seq 1 1200); do
    if grep -q -E "$1" "$work/out" "$work/err" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: picket-agent exited while waiting for: $1"; cat "$work/out" "$work/err"; exit 1
    fi
    sleep 0.1
  done
  echo "FAIL: no log line matching: $1"; cat "$work/out" "$work/err"; exit 1
}

wait_for "capture on lo running: 1 Suricata rules"
echo "ok: started with 1 rule"

# 1. A reload where no rule loads keeps the old set and says why.
cat > "$work/rules/local.rules" <<'RULES'
alert udp any any -> any any (msg:"broken"; content:"x"; depth:nonsense; sid:9100002; rev:1;)
RULES
kill -HUP "$pid"
wait_for "Suricata rule reload failed; the previous set \(1 rules\) stays"
grep -q -E "local.rules:1: sid 9100002: " "$work/out" "$work/err" || {
  echo "FAIL: the failed reload does not say FILE:LINE: sid N: why"; cat "$work/out" "$work/err"; exit 1; }
echo "ok: failed reload kept the previous set and said why"

# 2. A good reload swaps the new set in.
cat > "$work/rules/local.rules" <<'RULES'
alert udp any any -> any any (msg:"picket hup first"; content:"picket-hup-first"; sid:9100001; rev:2;)
alert udp any any -> any any (msg:"picket hup second"; content:"picket-hup-second"; sid:9100003; rev:1;)
RULES
kill -HUP "$pid"
wait_for "Suricata rules reloaded: 2 rules"
echo "ok: reloaded with 2 rules"

# 3. Traffic that only the new rule matches alerts (the alert waits in the spool: no collector).
found=0
for _ in $(seq 1 60); do
  python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"xx picket-hup-second xx", ("127.0.0.1", 9999))
PY
  sleep 0.5
  if grep -r -q -a "picket hup second" "$work/state" 2>/dev/null; then found=1; break; fi
done
if ((!found)); then
  echo "FAIL: no alert of the reloaded rule reached the spool"; ls -lR "$work/state"; cat "$work/out" "$work/err"; exit 1
fi
echo "ok: the reloaded rule alerts on live traffic"
echo "sighup_reload_test: passed"
