#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs dependencies, builds with -Wall -Wextra -Werror under
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# ccache (when present) may reuse objects across clones: paths are hashed relative to the repo root.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
start=$(date +%s)
cmake --preset asan
cmake --build --preset asan -j "$(nproc)"
echo "test.sh: build took $(( $(date +%s) - start )) s"
ctest --preset asan
