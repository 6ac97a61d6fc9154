# picket_cxx_settings: the flags every Picket target builds with.
add_library(picket_cxx_settings INTERFACE)
target_compile_features(picket_cxx_settings INTERFACE cxx_std_20)
target_compile_options(picket_cxx_settings INTERFACE -Wall -Wextra -Wno-missing-field-initializers)
if(PICKET_WERROR)
  target_compile_options(picket_cxx_settings INTERFACE -Werror)
endif()
# Boost 1.74 Asio's awaitable.hpp uses std::exchange without including <utility> (GCC 12, C++20).
target_compile_definitions(picket_cxx_settings INTERFACE PICKET_VERSION="${PROJECT_VERSION}")
target_include_directories(picket_cxx_settings INTERFACE ${PROJECT_SOURCE_DIR})

if(PICKET_SANITIZE)
  set(PICKET_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options(${PICKET_SAN_FLAGS})
  add_link_options(${PICKET_SAN_FLAGS})
endif()

if(PICKET_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PICKET_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  # Instrument everything for coverage; fuzz binaries add -fsanitize=fuzzer at link time.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()

# picket_fuzz_target(NAME SOURCE LIBS...): a libFuzzer binary plus a CTest that replays its seeds.
function(picket_fuzz_target name source)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE picket_cxx_settings ${ARGN})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()
