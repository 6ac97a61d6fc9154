#include "agent/yara/net_scan.h"

#include "agent/yara/alerts.h"
#include "agent/yara/externals.h"

namespace picket::yara {

NetContentScanner::NetContentScanner(std::shared_ptr<RuleStore> rules, NetScanOptions options)
    : rules_(std::move(rules)), options_(options) {}

NetContentScanner::~NetContentScanner() = default;

size_t NetContentScanner::scan(FlowScanBudget& budget, std::span<const uint8_t> data, const v1::NetworkInfo& net,
                               const std::function<void(v1::Alert)>& on_alert) {
  uint64_t left = budget.scanned >= options_.max_bytes_per_flow ? 0 : options_.max_bytes_per_flow - budget.scanned;
  if (data.size() > left) {
    budget.truncated += data.size() - left;
    stats_.bytes_over_cap += data.size() - left;
    data = data.first(static_cast<size_t>(left));
  }
  if (data.empty() || !rules_) {
    return 0;
  }
  uint64_t gen = rules_->generation();
  if (gen != generation_) {
    auto set = rules_->get();
    scanner_ = set ? std::make_unique<Scanner>(set, options_.limits) : nullptr;
    generation_ = gen;
  }
  if (!scanner_ || !scanner_->valid()) {
    return 0;
  }
  budget.scanned += data.size();
  ++stats_.buffers;
  stats_.bytes += data.size();

  Externals ext;
  if (net.has_http()) {
    std::string_view url = net.http().url();
    url = url.substr(0, url.find_first_of("?#"));
    size_t slash = url.rfind('/');
    ext.filename = std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
    size_t dot = ext.filename.rfind('.');
    if (dot != std::string::npos && dot != 0) {
      ext.extension = ext.filename.substr(dot);
      for (char& c : ext.extension) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
  }
  ext.filetype = detect_filetype(data.first(std::min<size_t>(data.size(), 16)), ext.extension);
  scanner_->set_externals(ext);
  matches_.clear();
  if (!scanner_->scan(data, &matches_)) {
    ++stats_.errors;
  }
  stats_.matches += matches_.size();
  for (const auto& m : matches_) {
    if (on_alert) {
      on_alert(yara_net_alert(m, net));
    }
  }
  return matches_.size();
}

}  // namespace picket::yara
