# Third-party dependencies, all from Debian 12 packages (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 CONFIG QUIET)
if(NOT TARGET CLI11::CLI11)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
endif()
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)

pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(YARA REQUIRED IMPORTED_TARGET yara)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

if(PICKET_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(PICKET_BENCH AND NOT PICKET_FUZZ)
  find_package(benchmark REQUIRED)
endif()

# jemalloc (libjemalloc-dev) as the allocator of picket-collector and picket-agent. The collector's
# correlation windows, incidents and protobuf messages allocate and free small objects at a high rate:
# glibc's malloc took about 18% of its CPU in bench/collector (with jemalloc 99.7k -> 105.7k alerts/s end to
# end, correlation alone 149k -> 199k). The agent builds a second rule set beside the first on reload:
# with glibc's per-thread arenas the peak RSS of bench/rules/reload_rss.sh reached 311 MB (cold cache),
# with jemalloc 280 MB, and every ET rule ran at 2.09 instead of 1.86 Gbit/s. Not under the sanitizers or
# libFuzzer, which bring their own allocator. Link picket_malloc into an executable to use it; without the
# package it links nothing.
add_library(picket_malloc INTERFACE)
if(NOT PICKET_SANITIZE AND NOT PICKET_FUZZ)
  pkg_check_modules(JEMALLOC QUIET IMPORTED_TARGET jemalloc)
  if(JEMALLOC_FOUND)
    # --no-as-needed: nothing names a jemalloc symbol, the library replaces malloc by being loaded.
    target_link_libraries(picket_malloc INTERFACE -Wl,--no-as-needed PkgConfig::JEMALLOC -Wl,--as-needed)
  else()
    message(STATUS "jemalloc not found: picket-collector uses the C library's malloc")
  endif()
endif()
