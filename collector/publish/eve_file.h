#pragma once
// EVE JSON lines export with size-based rotation: PATH is written until it reaches `max_bytes`, then
// renamed PATH.1 (PATH.1 -> PATH.2 ... up to `keep`, the oldest deleted) and a new PATH started.
// Alerts are rendered by common/eve (Suricata's layout, with picket.agent / picket.org added);
// incidents as `event_type: incident`.
//
//   auto sink = make_eve_file_sink({.path = dir + "/alerts.json", .max_bytes = 100 << 20, .keep = 5});
//
// Threads: one thread.
#include <memory>
#include <string>

#include "collector/publish/sink.h"
#include "common/result.h"

namespace picket::collector::publish {

struct EveFileOptions {
  std::string path;
  uint64_t max_bytes = 100ull << 20;
  int keep = 5;
};

Result<std::unique_ptr<Sink>> make_eve_file_sink(const EveFileOptions& options);

}  // namespace picket::collector::publish
