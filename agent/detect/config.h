#pragma once
// The rule engine's configuration keys and their reading:
//
//   vars.address-groups.<NAME>   address expression for $NAME (Suricata defaults: HOME_NET
//                                [192.168.0.0/16,10.0.0.0/8,172.16.0.0/12], EXTERNAL_NET any, ...)
//   vars.port-groups.<NAME>      port expression for $NAME (HTTP_PORTS 80, ...)
//   classification-file          classification.config (default: the built-in table)
//   detect.rule-files            rule files or folders loaded by the daemon besides --rules
//   threshold-file               (registered by the pipeline) threshold.config
//   action-order                 evaluation order of the rule actions (default pass, drop, reject, alert)
//   packet-alert-max             alerts kept per packet (default 15)
//
//   config::Schema s; detect::add_detect_keys(s);
//   detect::EngineConfig cfg = detect::engine_config_from(settings);
//
// Control plane; any thread.
#include "agent/detect/engine.h"
#include "common/config.h"

namespace picket::detect {

void add_detect_keys(config::Schema& schema);
// Suricata's default variables overlaid with the configured ones.
Vars vars_from(const config::Settings& settings);
// A bad action-order is left in EngineConfig::error (with the key's place): the engine is then not built.
EngineConfig engine_config_from(const config::Settings& settings);
// "action-order" values to a rank per Action; an error unless they are the four actions, each once.
Result<std::array<uint8_t, 4>> parse_action_order(const std::vector<std::string>& order);

}  // namespace picket::detect
