#include "agent/yara/libyara.h"

#include <yara.h>

#include <cstdlib>
#include <mutex>

namespace picket::yara {

void ensure_libyara() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (yr_initialize() != ERROR_SUCCESS) {
      // Only fails on out-of-memory at start-up; nothing can run without it.
      std::abort();
    }
  });
}

}  // namespace picket::yara
