#include "collector/correlate/correlate_config.h"

namespace picket::collector::correlate {

using config::Type;

void add_correlate_keys(config::Schema& s) {
  s.add({.key = "correlate.rules", .type = Type::kStringList, .default_value = "[/etc/picket/rules/correlation]",
         .help = "files or folders of Sigma correlation rules (*.yml)"});
  s.add({.key = "correlate.allowed-lateness", .type = Type::kDuration, .default_value = "5m",
         .help = "alerts older than the newest event time minus this are not correlated"});
  s.add({.key = "correlate.max-events-per-group", .type = Type::kInt, .default_value = "10000", .help = "events kept per rule and group-by value",
         .min = 16, .max = 10000000});
  s.add({.key = "correlate.max-groups-per-rule", .type = Type::kInt, .default_value = "200000", .help = "distinct group-by values kept per rule",
         .min = 16, .max = 100000000});
  s.add({.key = "correlate.max-members-per-incident", .type = Type::kInt, .default_value = "1000", .help = "member alerts recorded per incident",
         .min = 1, .max = 1000000});
  s.add({.key = "correlate.max-listed", .type = Type::kInt, .default_value = "32",
         .help = "agent and organisation names listed per incident (every one is counted; members list all)",
         .min = 1, .max = 100000});
  s.add({.key = "correlate.state-interval", .type = Type::kDuration, .default_value = "5s",
         .help = "how often correlation state is saved to the store"});
}

EngineOptions engine_options(const config::Settings& s) {
  EngineOptions o;
  o.allowed_lateness_us = s.get_duration("correlate.allowed-lateness").count() * 1000;
  o.max_events_per_group = static_cast<size_t>(s.get_int("correlate.max-events-per-group"));
  o.max_groups_per_rule = static_cast<size_t>(s.get_int("correlate.max-groups-per-rule"));
  o.max_members_per_incident = static_cast<size_t>(s.get_int("correlate.max-members-per-incident"));
  o.max_listed = static_cast<size_t>(s.get_int("correlate.max-listed"));
  return o;
}

std::vector<std::string> rule_paths(const config::Settings& s) { return s.get_list("correlate.rules"); }

int64_t state_interval_us(const config::Settings& s) {
  return s.get_duration("correlate.state-interval").count() * 1000;
}

}  // namespace picket::collector::correlate
