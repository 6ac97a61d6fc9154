#pragma once
// YARA on network content: HTTP request/response bodies and reassembled stream data, handed over by the
// network pipeline (helper `net` owns it; this is only the API). Each flow may have at most
// `max_bytes_per_flow` bytes scanned in total; the rest of a long download or upload is skipped and
// counted, so one flow cannot monopolise the scanner.
//
//   // Once per pipeline thread (a NetContentScanner is not thread-safe; the RuleStore is shared):
//   picket::yara::NetContentScanner yara(store, {.max_bytes_per_flow = 1 << 20});
//   // In the flow's state, next to its other per-flow fields:
//   picket::yara::FlowScanBudget budget;
//   // For each complete body (or each reassembled chunk) of the flow:
//   yara.scan(budget, body_bytes, net_info, [&](picket::v1::Alert a) { alerts.push(std::move(a)); });
//
// Alerts are engine yara, rule_id "namespace:rule", with the flow in `net` (copied from `net_info`: set
// flow_id, addresses, ports, app_proto and http as for any network alert) and the matched strings and
// namespace in `file` (no path or sha256). Each call scans its buffer as one unit: for HTTP, pass a whole
// body (after content decoding) so rules see the file as uploaded; a body longer than the remaining budget
// is truncated to it. The externals are set to filename = the last segment of http.url (if any),
// extension from it, filetype from the magic bytes, filepath and owner "".
// Never throws; hostile bytes only cost scan time, bounded by the budget and yara.scan-timeout.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "agent/yara/rule_store.h"
#include "agent/yara/scanner.h"
#include "picket.pb.h"

namespace picket::yara {

struct FlowScanBudget {
  uint64_t scanned = 0;    // bytes of this flow scanned so far
  uint64_t truncated = 0;  // bytes not scanned because the budget was spent
};

struct NetScanOptions {
  uint64_t max_bytes_per_flow = 1ull << 20;
  ScanLimits limits;
};

struct NetScanStats {
  uint64_t buffers = 0;         // buffers scanned (fully or partly)
  uint64_t bytes = 0;           // bytes scanned
  uint64_t bytes_over_cap = 0;  // bytes skipped because a flow spent its budget
  uint64_t matches = 0;
  uint64_t errors = 0;          // libyara errors (timeouts)
};

class NetContentScanner {
 public:
  NetContentScanner(std::shared_ptr<RuleStore> rules, NetScanOptions options);
  ~NetContentScanner();
  NetContentScanner(const NetContentScanner&) = delete;
  NetContentScanner& operator=(const NetContentScanner&) = delete;

  // Scans `data` within the flow's remaining budget; calls `on_alert` once per matching rule. Returns the
  // number of matching rules.
  size_t scan(FlowScanBudget& budget, std::span<const uint8_t> data, const v1::NetworkInfo& net,
              const std::function<void(v1::Alert)>& on_alert);
  const NetScanStats& stats() const { return stats_; }

 private:
  std::shared_ptr<RuleStore> rules_;
  NetScanOptions options_;
  std::unique_ptr<Scanner> scanner_;
  uint64_t generation_ = ~uint64_t{0};
  std::vector<RuleMatch> matches_;
  NetScanStats stats_;
};

}  // namespace picket::yara
