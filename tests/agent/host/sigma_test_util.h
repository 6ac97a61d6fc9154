#pragma once
// Helpers for the Sigma tests: parse a rule from text and run it on events.
#include <gtest/gtest.h>

#include <string>

#include "agent/host/log_event.h"
#include "agent/host/sigma/sigma.h"

namespace picket::host::test {

// Parses exactly one rule; fails the test (and returns an empty rule) when it does not load.
inline SigmaRule one_rule(const std::string& yaml) {
  SigmaParsed p = parse_sigma(yaml, "test.yml");
  EXPECT_EQ(p.rules.size(), 1u) << p.diag.format();
  if (p.rules.size() != 1) return {};
  return std::move(p.rules[0]);
}

// An event with the given fields (name, value pairs) and raw line.
inline LogEvent event(std::initializer_list<std::pair<std::string, std::string>> fields, const std::string& raw = "") {
  LogEvent ev;
  ev.clear();
  ev.set_raw(raw);
  ev.set_product("linux");
  for (const auto& [k, v] : fields) ev.set(k, v);
  ev.parsed = true;
  return ev;
}

}  // namespace picket::host::test
