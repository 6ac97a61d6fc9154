#!/usr/bin/env bash
# The demo: installs dependencies, builds the release preset and runs Picket on bundled data with the
# embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target picket-agent picket-collector picketctl
BIN=build/release
echo "== versions"
"$BIN/agent/cmd/picket-agent" --version
"$BIN/collector/cmd/picket-collector" --version
"$BIN/ctl/picketctl" version
echo "== embedded default configuration"
"$BIN/agent/cmd/picket-agent" --check-config
"$BIN/collector/cmd/picket-collector" --check-config
echo "== network: a generated capture through picket-agent --read-pcap (embedded defaults, no rules)"
cmake --build --preset release -j "$(nproc)" --target picket-pcapgen >/dev/null
DEMO_DIR=$(mktemp -d /tmp/picket-demo.XXXXXX)
trap 'rm -rf "$DEMO_DIR"' EXIT
"$BIN/bench/net/picket-pcapgen" --out "$DEMO_DIR/demo.pcap" --size-mb 20 --flows-active 64
"$BIN/agent/cmd/picket-agent" --read-pcap "$DEMO_DIR/demo.pcap" --eve-log "$DEMO_DIR/eve.json"
echo "== EVE lines: one of each type (of $(wc -l < "$DEMO_DIR/eve.json"))"
for t in flow http dns tls; do
  grep -m1 "\"event_type\":\"$t\"" "$DEMO_DIR/eve.json" || true
done
