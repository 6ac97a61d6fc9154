#include "common/rule_id.h"

#include <string>

namespace picket {

std::string_view engine_name(v1::Engine engine) {
  switch (engine) {
    case v1::ENGINE_SURICATA: return "suricata";
    case v1::ENGINE_SIGMA: return "sigma";
    case v1::ENGINE_YARA: return "yara";
    case v1::ENGINE_FIM: return "fim";
    case v1::ENGINE_CORRELATION: return "correlation";
    case v1::ENGINE_HEALTH: return "health";
    default: return "unknown";
  }
}

bool engine_from_name(std::string_view name, v1::Engine* out) {
  for (auto e : {v1::ENGINE_SURICATA, v1::ENGINE_SIGMA, v1::ENGINE_YARA, v1::ENGINE_FIM,
                 v1::ENGINE_CORRELATION, v1::ENGINE_HEALTH}) {
    if (engine_name(e) == name) {
      *out = e;
      return true;
    }
  }
  return false;
}

uint32_t derived_signature_id(v1::Engine engine, std::string_view rule_id) {
  std::string key(engine_name(engine));
  key += ':';
  key += rule_id;
  return fnv1a32(key) | 0x80000000u;
}

void qualified_rule_id(const v1::RuleRef& rule, std::string* out) {
  out->assign(engine_name(rule.engine()));
  *out += ':';
  *out += rule.rule_id();
}

std::string qualified_rule_id(const v1::RuleRef& rule) {
  std::string out;
  qualified_rule_id(rule, &out);
  return out;
}

}  // namespace picket
