#!/usr/bin/env bash
# Installs every Debian 12 package Picket needs to build, test, fuzz and benchmark.
# Idempotent: packages already present are skipped, and apt-get runs only when something is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  clang-14 libclang-rt-14-dev lld-14
  # libraries
  libpcap-dev libboost-dev libzmq3-dev cppzmq-dev libsodium-dev
  libprotobuf-dev protobuf-compiler
  libyara-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libhyperscan-dev
  libyaml-cpp-dev libsqlite3-dev sqlite3 libbenchmark-dev libpcre2-dev zlib1g-dev libjemalloc-dev
  libsystemd-dev libcli11-dev nlohmann-json3-dev libssl-dev
  # tools used by tests and benchmarks
  tshark tcpdump python3 python3-scapy yara strace systemd-journal-remote iproute2 util-linux
  procps psmisc lintian
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo -E"; fi
# wireshark-common asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
for attempt in 1 2 3; do
  if $SUDO apt-get update -qq && \
     $SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef \
       -o Dpkg::Options::=--force-confold "${missing[@]}"; then
    echo "install-deps: done"
    exit 0
  fi
  echo "install-deps: attempt $attempt failed, retrying" >&2
  sleep $((attempt * 5))
done
echo "install-deps: could not install: ${missing[*]}" >&2
exit 1
