#pragma once
// Credentials of a process as /proc/PID/status reports them, for checks and tests of privilege dropping.
//
//   auto c = picket::privdrop::read_proc_status(pid);
//   if (c && c->cap_eff == picket::privdrop::kept_capabilities_mask() && c->no_new_privs) { ... }
//
// parse_proc_status is pure; read_proc_status reads /proc/PID/status (pid 0 = this process). Callable from
// any thread.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace picket::privdrop {

struct ProcCredentials {
  std::array<int64_t, 4> uid{-1, -1, -1, -1};  // real, effective, saved, file system
  std::array<int64_t, 4> gid{-1, -1, -1, -1};
  uint64_t cap_inh = 0;
  uint64_t cap_prm = 0;
  uint64_t cap_eff = 0;
  uint64_t cap_bnd = 0;
  uint64_t cap_amb = 0;
  bool no_new_privs = false;
  int threads = 0;
};

// Parses the text of /proc/PID/status. Errors name the missing or malformed field.
Result<ProcCredentials> parse_proc_status(std::string_view text);
Result<ProcCredentials> read_proc_status(pid_t pid = 0);

}  // namespace picket::privdrop
