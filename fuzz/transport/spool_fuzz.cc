// The agent's spool reader on a hostile last segment: recovery at open (torn or corrupt tails) and reading
// back must never crash; a spool that opens must read back contiguous seqs. The input becomes the segment
// file of a fresh spool (its header is patched to the spool's epoch so records are actually walked).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "agent/transport/spool.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/picket-spool-fuzz-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) std::filesystem::remove(e.path(), ec);
  picket::transport::Epoch epoch{};
  {
    auto s = picket::agent::Spool::open({.dir = dir});
    if (!s) return 0;
    epoch = (*s)->epoch();
  }
  std::string seg(reinterpret_cast<const char*>(data), size);
  if (seg.size() >= 40) {
    std::memcpy(seg.data(), "PKTSPOOL", 8);
    std::memcpy(seg.data() + 16, epoch.data(), 16);
    const uint64_t first = 1;
    std::memcpy(seg.data() + 32, &first, 8);
  }
  std::ofstream(dir + "/00000000000000000001.seg", std::ios::binary) << seg;
  auto s = picket::agent::Spool::open({.dir = dir});
  if (!s) return 0;
  std::vector<picket::agent::SpoolRecord> recs;
  uint64_t from = 1;
  while ((*s)->read(from, 100, 1 << 20, &recs) > 0) {
    for (const auto& r : recs) {
      if (r.seq != from++) std::abort();
    }
  }
  return 0;
}
