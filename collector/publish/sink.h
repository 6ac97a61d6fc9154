#pragma once
// One export = one sink behind this small base class: the public calls count and forward; the protected
// write_*() do the work. Sinks never throw; a failed write is counted (and retried where the sink can).
//
//   std::unique_ptr<Sink> eve = make_eve_file_sink({.path = "/var/log/picket/alerts.json"});
//   eve->alert(row_alert, "web-01", "org=finance");
//   eve->incident(incident);
//   eve->flush();
//
// Threads: one thread per sink (the collector's feeder thread).
#include <cstdint>
#include <string>
#include <string_view>

#include "picket.pb.h"

namespace picket::collector::publish {

struct SinkStats {
  uint64_t written = 0;
  uint64_t failed = 0;    // dropped after a write error
  uint64_t rotations = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  void alert(const v1::Alert& a, std::string_view agent, std::string_view org) {
    if (write_alert(a, agent, org)) ++stats_.written;
    else ++stats_.failed;
  }
  void incident(const v1::Incident& inc) {
    if (write_incident(inc)) ++stats_.written;
    else ++stats_.failed;
  }
  virtual void flush() {}
  const SinkStats& stats() const { return stats_; }
  virtual std::string name() const = 0;

 protected:
  virtual bool write_alert(const v1::Alert& a, std::string_view agent, std::string_view org) = 0;
  virtual bool write_incident(const v1::Incident& inc) = 0;
  SinkStats stats_;
};

}  // namespace picket::collector::publish
