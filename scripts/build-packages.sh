#!/usr/bin/env bash
# Builds the Debian packages from a clean clone in one command:
#   bash scripts/build-packages.sh [OUT_DIR]      (default: build/packages)
# installs the build dependencies, makes an optimised build (build/package, tests and benchmarks off), runs
# CPack and leaves picket-common_*.deb, picket-agent_*.deb and picket-collector_*.deb in OUT_DIR.
# With PICKET_LINTIAN=1 it also prints lintian's findings for them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/packages}
bash scripts/install-deps.sh
start=$(date +%s)
# Debian's hardening flags (as dpkg-buildflags gives them), on top of the release preset.
cmake --preset release -B build/package -DPICKET_TESTS=OFF -DPICKET_BENCH=OFF \
  "-DCMAKE_CXX_FLAGS=-D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fcf-protection" \
  "-DCMAKE_C_FLAGS=-D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fcf-protection" \
  "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-z,relro,-z,now"
cmake --build build/package -j "$(nproc)"
rm -rf "$out"
mkdir -p "$out"
cpack --config build/package/CPackConfig.cmake -B "$out"
rm -rf "$out/_CPack_Packages"
echo "build-packages: done in $(( $(date +%s) - start )) s:"
ls -l "$out"/*.deb
if [[ ${PICKET_LINTIAN:-0} == 1 ]]; then
  if ! command -v lintian >/dev/null; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo -E"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends lintian
  fi
  lintian --info --display-info "$out"/*.deb || true
fi
