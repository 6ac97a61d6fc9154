#pragma once
// Test helpers: build a real engine from rule text and feed it hand-made inputs.
#include <memory>
#include <string>
#include <vector>

#include "agent/detect/engine.h"
#include "agent/detect/parser.h"

namespace picket::detect::test {

struct Built {
  std::shared_ptr<Engine> engine;
  RuleSet set_errors;  // diag/failed of the load (rules moved into the engine)
  Diagnostics diag;
  std::unique_ptr<MatchScratch> scratch;
  FlowState flow;
  // Matches and returns the sids that alerted.
  std::vector<uint32_t> run(const Input& in, bool with_flow = true) {
    std::vector<Hit> hits;
    engine->match(in, with_flow ? &flow : nullptr, *scratch, &hits);
    std::vector<uint32_t> sids;
    for (const auto& h : hits) sids.push_back(engine->rules()[h.rule].sid);
    return sids;
  }
};

inline Built build(const std::string& rules, EngineConfig cfg = {}) {
  Built b;
  RuleSet set;
  parse_rules_text(rules, "test.rules", cfg.vars, &set);
  b.set_errors.diag = set.diag;
  b.set_errors.failed = set.failed;
  b.set_errors.reasons = set.reasons;
  b.engine = Engine::build(std::move(set), cfg, &b.diag);
  b.scratch = b.engine->make_scratch();
  return b;
}

// A TCP packet of an established flow, client 10.0.0.1:40000 -> server 93.184.216.34:80.
inline Input tcp_packet(std::string_view payload, bool to_server = true) {
  Input in;
  IpAddr c, s;
  parse_ip("10.0.0.1", &c);
  parse_ip("93.184.216.34", &s);
  in.src = to_server ? c : s;
  in.dst = to_server ? s : c;
  in.sp = to_server ? 40000 : 80;
  in.dp = to_server ? 80 : 40000;
  in.ip_proto = 6;
  in.ttl = 64;
  in.tcp_flags = 0x18;
  in.has_flow = true;
  in.established = true;
  in.to_server = to_server;
  in.payload_len = static_cast<uint32_t>(payload.size());
  in.set(Buf::kPayload, payload);
  return in;
}

// An HTTP request transaction on the same flow.
inline Input http_request(std::string_view method, std::string_view uri, std::string_view host) {
  Input in = tcp_packet("");
  in.present = 0;
  in.kind = Input::kTransaction;
  in.app_proto = Proto::kHttp;
  in.set(Buf::kHttpMethod, method);
  in.set(Buf::kHttpUri, uri);
  in.set(Buf::kHttpUriRaw, uri);
  in.set(Buf::kHttpHost, host);
  return in;
}

}  // namespace picket::detect::test
