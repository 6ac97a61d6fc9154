// Tests collector/correlate/parse.cc with the examples of the Sigma specification and with broken rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "collector/correlate/rule.h"
#include "tests/collector/correlate/spec_examples.h"
#include "tests/support/process.h"

namespace picket::collector::correlate {
namespace {

TEST(CorrelationParse, SpecificationSchemaExamples) {
  std::string dir = spec_dir();
  if (dir.empty()) {
    if (test::in_ci()) FAIL() << "corpus missing under CI";
    GTEST_SKIP() << "sigma-specification corpus not found";
  }
  dir += "/tests/schema/correlation/";
  struct Case {
    const char* file;
    bool ok;
    CorrelationType type;
  };
  for (const Case& c : {Case{"event_count.yml", true, CorrelationType::kEventCount},
                        Case{"event_count_ecs.yml", true, CorrelationType::kEventCount},
                        Case{"value_count.yml", true, CorrelationType::kValueCount},
                        Case{"temporal.yml", true, CorrelationType::kTemporal},
                        Case{"temporal_ordered.yml", true, CorrelationType::kTemporalOrdered},
                        Case{"value_sum.yml", false, {}}, Case{"value_avg.yml", false, {}},
                        Case{"value_percentile.yml", false, {}}}) {
    RuleSet set;
    Diagnostics diag;
    load_rule_path(dir + c.file, &set, &diag);
    if (c.ok) {
      EXPECT_TRUE(diag.ok()) << c.file << ": " << diag.format();
      ASSERT_EQ(set.rules.size(), 1u) << c.file;
      EXPECT_EQ(set.rules[0].type, c.type) << c.file;
    } else {
      ASSERT_EQ(diag.errors().size(), 1u) << c.file;
      EXPECT_NE(diag.errors()[0].format().find(std::string(c.file) + ":3: correlation.type: '"), std::string::npos)
          << diag.format();
      EXPECT_TRUE(set.rules.empty());
    }
  }
  RuleSet set;
  Diagnostics diag;
  load_rule_path(dir + "value_count.yml", &set, &diag);
  ASSERT_EQ(set.rules.size(), 1u);
  const CorrelationRule& r = set.rules[0];
  EXPECT_EQ(r.condition.field, "User");
  EXPECT_EQ(r.condition.gte, 100);
  EXPECT_EQ(r.timespan_us, 86400LL * 1000000);
  EXPECT_EQ(r.group_by, (std::vector<std::string>{"ComputerName", "WorkstationName"}));
  EXPECT_EQ(r.qualified_id(), "correlation:0e95725d-7320-415d-80f7-004da920fc12");
}

TEST(CorrelationParse, ChainedExampleFromSpecification) {
  std::string yaml = spec_example("### Failed Logins Followed by Successful Login");
  if (yaml.empty()) {
    if (test::in_ci()) FAIL() << "corpus missing under CI";
    GTEST_SKIP() << "sigma-specification corpus not found";
  }
  RuleSet set;
  Diagnostics diag;
  parse_rules(yaml, "spec.yml", &set, &diag);
  validate_rule_set(&set, &diag);
  ASSERT_TRUE(diag.ok()) << diag.format();
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].type, CorrelationType::kTemporalOrdered);
  EXPECT_EQ(set.rules[0].severity, 1u);  // level: high
  EXPECT_EQ(set.rules[1].name, "multiple_failed_login");
  EXPECT_EQ(set.base_names.at("failed_login"), "53ba33fd-3a50-4468-a5ef-c583635cfa92");
  EXPECT_EQ(set.base_names.at("successful_login"), "4d0a2c83-c62c-4ed4-b475-c7e23a9269b8");
}

TEST(CorrelationParse, AliasExampleFromSpecification) {
  std::string yaml = spec_example("The correlation rule");
  if (yaml.empty()) {
    if (test::in_ci()) FAIL() << "corpus missing under CI";
    GTEST_SKIP() << "sigma-specification corpus not found";
  }
  RuleSet set;
  Diagnostics diag;
  parse_rules(yaml, "alias.yml", &set, &diag);
  ASSERT_TRUE(diag.ok()) << diag.format();
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].aliases.at("internal_ip").at("new_network_connection"), "source.ip");
  EXPECT_EQ(set.rules[0].timespan_us, 10'000'000);
}

TEST(CorrelationParse, ErrorsSayFileAndLine) {
  const char* text = R"(title: ok
correlation:
  type: event_count
  rules: [suricata:1]
  timespan: 5m
  condition: {gte: 2}
---
title: no timespan
correlation:
  type: event_count
  rules: [suricata:1]
  condition: {gte: 2}
---
title: bad operator
correlation:
  type: temporal
  rules: [a, b]
  timespan: 1m
  condition:
    more: 3
---
title: bad level
level: loud
correlation:
  type: value_count
  rules: [a]
  timespan: 1m
  condition: {gte: 3}
---
title: unknown key
correlation:
  type: event_count
  rules: [a]
  timespan: 1x
  condition: {gte: 1}
  window: 3
)";
  RuleSet set;
  Diagnostics diag;
  parse_rules(text, "r.yml", &set, &diag);
  ASSERT_EQ(set.rules.size(), 1u);
  std::string all = diag.format();
  EXPECT_NE(all.find("r.yml:10: correlation.timespan:"), std::string::npos) << all;
  EXPECT_NE(all.find("r.yml:20: correlation.condition: unknown operator 'more'"), std::string::npos) << all;
  EXPECT_NE(all.find("r.yml:23: level:"), std::string::npos) << all;
  EXPECT_NE(all.find("r.yml:28: correlation.condition.field: value_count needs a field"), std::string::npos) << all;
  EXPECT_NE(all.find("r.yml:34: correlation.timespan:"), std::string::npos) << all;
  EXPECT_NE(all.find("r.yml:36: correlation: unknown key 'window'"), std::string::npos) << all;

  Diagnostics broken;
  RuleSet none;
  parse_rules("title: [unclosed\n", "b.yml", &none, &broken);
  ASSERT_EQ(broken.errors().size(), 1u);
  EXPECT_EQ(broken.errors()[0].format().rfind("b.yml:", 0), 0u) << broken.format();
}

TEST(CorrelationParse, CyclesAndDuplicatesAreRejected) {
  const char* text = R"(title: a
name: a
correlation: {type: temporal, rules: [b, x], timespan: 1m}
---
title: b
name: b
correlation: {type: temporal, rules: [a, y], timespan: 1m}
---
title: c
name: c
correlation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 1}}
---
title: c again
name: c
correlation: {type: event_count, rules: [x], timespan: 1m, condition: {gte: 1}}
)";
  RuleSet set;
  Diagnostics diag;
  parse_rules(text, "c.yml", &set, &diag);
  ASSERT_TRUE(diag.ok()) << diag.format();
  validate_rule_set(&set, &diag);
  EXPECT_EQ(diag.errors().size(), 3u) << diag.format();
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].title, "c");
}

TEST(CorrelationParse, BundledRulesLoadCleanly) {
  RuleSet set;
  Diagnostics diag;
  load_rule_path(std::string(PICKET_SOURCE_DIR) + "/rules/correlation", &set, &diag);
  validate_rule_set(&set, &diag);
  EXPECT_TRUE(diag.ok()) << diag.format();
  EXPECT_GE(set.rules.size(), 3u);
}

}  // namespace
}  // namespace picket::collector::correlate
