// libFuzzer: the log-line parsers. The first byte picks the format; the rest is split into lines and fed to
// one parser (so auditd grouping and parent tracking see sequences), then flushed. Every event also goes
// through a small Sigma rule set, whose indexed match must equal evaluating each rule (a difference aborts).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "agent/host/logparse/parser.h"
#include "agent/host/sigma/sigma.h"

namespace {

const char* kRules = R"(title: ssh
logsource: {product: linux, service: sshd}
detection:
  sel: {user|startswith: ro, src_ip|cidr: 10.0.0.0/8}
  kw: ['Failed password', 'Invalid user']
  condition: sel or kw
---
title: exec
logsource: {product: linux, category: process_creation}
detection:
  a: {Image|endswith: [/sh, /bash, /curl]}
  b: {CommandLine|contains|all: [' -c ', '|']}
  f: {ParentImage|re: '(?i)cron'}
  condition: a and b and not f
---
title: web
logsource: {category: webserver}
detection:
  s: {cs-uri-query|contains: ['../', '%2e%2e', 'select%20'], cs-method: [GET, POST]}
  u: {c-useragent|base64offset|contains: 'sqlmap'}
  condition: s or u
---
title: audit
logsource: {product: linux, service: auditd}
detection:
  s: {type: EXECVE, a0: [nc, ncat], a1|windash: -e}
  p: {type: PATH, name|endswith: /shadow}
  condition: s or 1 of p*
)";

const picket::host::SigmaRuleSet& rules() {
  static const picket::host::SigmaRuleSet set(picket::host::parse_sigma(kRules, "fuzz.yml").rules);
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& formats = picket::host::log_formats();
  picket::host::ParseOptions opt;
  opt.clock = picket::host::LocalClock::fixed(0);
  opt.now_us = 1796040000LL * 1000000;
  auto parser = picket::host::make_parser(formats[data[0] % formats.size()], opt);
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<const picket::host::SigmaRule*> got;
  std::vector<const picket::host::SigmaRule*> want;
  picket::host::EventSink sink = [&](const picket::host::LogEvent& ev) {
    got.clear();
    want.clear();
    rules().match(ev, [&](const picket::host::SigmaRule& r) { got.push_back(&r); });
    for (const auto& r : rules().rules()) {
      if (r.matches_logsource(ev) && r.matches(ev)) want.push_back(&r);
    }
    if (got != want) std::abort();
  };
  uint64_t offset = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    parser->parse(line, offset, sink);
    offset += line.size() + 1;
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  parser->flush(sink);
  return 0;
}
