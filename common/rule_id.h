#pragma once
// Stable 32-bit signature ids for rules that have none (Sigma, YARA, FIM, correlation, health).
//
// EVE consumers key on alert.signature_id. Suricata rules keep their sid; every other engine gets
// FNV-1a-32 of "engine:rule_id" with the top bit set, so it never collides with ET/Snort sids (< 2^31)
// and is the same on every agent, collector and release.
#include <cstdint>
#include <string_view>

#include "picket.pb.h"

namespace picket {

constexpr uint32_t fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

// "suricata", "sigma", "yara", "fim", "correlation", "health" (the names EVE's alert.engine carries).
std::string_view engine_name(v1::Engine engine);
bool engine_from_name(std::string_view name, v1::Engine* out);

// The EVE signature_id for a rule: the sid for Suricata, else the derived number.
uint32_t derived_signature_id(v1::Engine engine, std::string_view rule_id);

// "suricata:2010935", "sigma:<uuid>", "yara:<namespace>:<rule>", "fim:modify": the id correlation rules use.
std::string qualified_rule_id(const v1::RuleRef& rule);
// The same into `out` (replaced; its capacity reused: the store calls this once per alert).
void qualified_rule_id(const v1::RuleRef& rule, std::string* out);

}  // namespace picket
