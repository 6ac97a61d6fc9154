// libFuzzer target: Suricata rule text -> parser (every keyword), engine build, and a match of the same
// bytes as packet payload, HTTP URI, DNS names and a stream boundary window (content, pcre, byte_* and
// isdataat on hostile data).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/detect/engine.h"
#include "agent/detect/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace picket::detect;  // NOLINT: fuzz entry point
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const Vars vars = default_vars();
  RuleSet set;
  parse_rules_text(text, "fuzz.rules", vars, &set);
  if (set.rules.empty() || set.rules.size() > 32) return 0;
  auto engine = Engine::build(std::move(set), EngineConfig{}, nullptr);
  auto scratch = engine->make_scratch();
  Input in;
  parse_ip("10.0.0.1", &in.src);
  parse_ip("10.0.0.2", &in.dst);
  in.sp = 1234;
  in.dp = 80;
  in.ip_proto = 6;
  in.has_flow = true;
  in.established = true;
  in.set(Buf::kPayload, std::span<const uint8_t>(data, size));
  in.payload_len = static_cast<uint32_t>(size);
  FlowState flow;
  std::vector<Hit> hits;
  engine->match(in, &flow, *scratch, &hits);
  Input tx = in;
  tx.present = 0;
  tx.kind = Input::kTransaction;
  tx.app_proto = Proto::kHttp;
  tx.set(Buf::kHttpUri, std::span<const uint8_t>(data, size));
  tx.set(Buf::kHttpHost, std::span<const uint8_t>(data, size / 2));
  tx.set(Buf::kPayload, std::span<const uint8_t>(data, size));  // rules mixing payload and app buffers
  engine->match(tx, &flow, *scratch, &hits);
  Input dns = tx;
  dns.present = 0;
  dns.ip_proto = 17;
  dns.app_proto = Proto::kDns;
  dns.tx_id = 1;
  dns.set(Buf::kDnsQuery, std::span<const uint8_t>(data, size));
  dns.set(Buf::kDnsAnswerName, std::span<const uint8_t>(data, size));
  engine->match(dns, &flow, *scratch, &hits);
  Input win = in;
  win.kind = Input::kStream;
  win.boundary = true;
  engine->match(win, &flow, *scratch, &hits);
  for (const auto& h : hits) {
    picket::v1::Alert a;
    engine->fill_alert(h, in, &a);
  }
  return 0;
}
