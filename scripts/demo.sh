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
