// Hostile bytes through the YARA network-content path: the input is split into an URL (first line) and
// chunks of one flow scanned within a small per-flow budget; the URL also goes through the external
// variables code as a file path. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/yara/externals.h"
#include "agent/yara/net_scan.h"
#include "agent/yara/rules.h"

namespace {

std::shared_ptr<picket::yara::RuleStore> store() {
  static auto s = [] {
    auto st = std::make_shared<picket::yara::RuleStore>();
    picket::Diagnostics diag;
    st->set(picket::yara::compile_rule_text(
        "rule php { strings: $a = \"<?php\" nocase $b = /eval\\s*\\(\\$_(GET|POST)/ condition: $a or $b }\n"
        "rule hexy { strings: $h = { 4D 5A ?? 00 [0-16] 50 45 } condition: $h and filesize < 4096 }\n"
        "rule ext { condition: extension == \".php\" and filetype == \"PHP\" }\n"
        "rule many { strings: $x = \"A\" condition: #x > 3 }\n",
        "fuzz", &diag));
    return st;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string url(in.substr(0, nl == std::string_view::npos ? in.size() : nl));
  std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  auto bytes = [](std::string_view s) { return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };

  (void)picket::yara::externals_for_file(url, 0, bytes(body.substr(0, 16)));
  picket::yara::NetContentScanner scanner(store(), {.max_bytes_per_flow = 512});
  picket::v1::NetworkInfo net;
  net.mutable_http()->set_url(url);
  picket::yara::FlowScanBudget budget;
  size_t step = body.empty() ? 1 : 1 + static_cast<uint8_t>(body[0]) % 97;
  for (size_t off = 0; off < body.size(); off += step) {
    scanner.scan(budget, bytes(body.substr(off, step)), net, [](picket::v1::Alert) {});
  }
  return 0;
}
