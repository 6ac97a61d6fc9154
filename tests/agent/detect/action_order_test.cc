// tests agent/detect/engine.cc and config.cc: action-order (evaluation rank of the rule actions, the pass
// verdict of the alerts ranked before a pass rule), priority ordering, and the engine settings
// action-order / packet-alert-max read from the configuration.
#include <gtest/gtest.h>

#include "agent/detect/config.h"
#include "agent/detect/reload.h"
#include "tests/agent/detect/helpers.h"

namespace picket::detect {
namespace {

using test::build;
using test::tcp_packet;

const char* kRules =
    "alert tcp any any -> any any (msg:\"a\"; content:\"x\"; sid:3;)\n"
    "pass tcp any any -> any any (msg:\"p\"; content:\"x\"; priority:1; sid:2;)\n"
    "alert tcp any any -> any any (msg:\"later\"; content:\"zz\"; sid:4;)\n";

std::vector<Hit> hits(test::Built& b, const Input& in) {
  std::vector<Hit> out;
  b.engine->match(in, &b.flow, *b.scratch, &out);
  return out;
}

TEST(ActionOrder, DefaultPassFirstDropsTheAlerts) {
  auto b = build(kRules);
  EXPECT_TRUE(hits(b, tcp_packet("x zz")).empty());
  EXPECT_TRUE(b.flow.passed);
  EXPECT_TRUE(hits(b, tcp_packet("x")).empty());  // the flow is passed
}

TEST(ActionOrder, AlertFirstKeepsEarlierAlertsWithThePassVerdict) {
  EngineConfig cfg;
  auto rank = parse_action_order({"alert", "pass", "drop", "reject"});
  ASSERT_TRUE(rank.ok());
  cfg.action_rank = *rank;
  auto b = build(kRules, cfg);
  auto h = hits(b, tcp_packet("x zz"));
  // Both alert rules rank before the pass rule: they alert, with the verdict pass.
  ASSERT_EQ(h.size(), 2u);
  for (const auto& x : h) EXPECT_TRUE(x.pass);
  EXPECT_TRUE(b.flow.passed);
  EXPECT_TRUE(hits(b, tcp_packet("x zz")).empty());
  // Without the pass rule matching, the verdict stays alert.
  auto b2 = build(kRules, cfg);
  auto h2 = hits(b2, tcp_packet("zz"));
  ASSERT_EQ(h2.size(), 1u);
  EXPECT_FALSE(h2[0].pass);
}

TEST(ActionOrder, PassBetweenAlertsWithDropFirst) {
  // drop ranks before pass: a drop rule (alerting, since Picket only watches) survives a pass rule that
  // matches the same packet, an alert rule does not.
  EngineConfig cfg;
  cfg.action_rank = parse_action_order({"drop", "pass", "reject", "alert"}).value();
  auto b = build(
      "alert tcp any any -> any any (msg:\"a\"; content:\"x\"; sid:1;)\n"
      "drop tcp any any -> any any (msg:\"d\"; content:\"x\"; sid:2;)\n"
      "pass tcp any any -> any any (msg:\"p\"; content:\"x\"; sid:3;)\n",
      cfg);
  EXPECT_EQ(b.run(tcp_packet("x")), std::vector<uint32_t>{2});
}

TEST(ActionOrder, PriorityOrdersWithinAnAction) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"low\"; content:\"x\"; priority:3; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"high\"; content:\"x\"; priority:1; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"mid\"; content:\"x\"; priority:2; sid:3;)\n"
      "alert tcp any any -> any any (msg:\"low2\"; content:\"x\"; priority:3; sid:4;)\n");
  EXPECT_EQ(b.run(tcp_packet("x")), (std::vector<uint32_t>{2, 3, 1, 4}));
}

TEST(ActionOrder, ParseRefusesIncompleteOrUnknownLists) {
  EXPECT_TRUE(parse_action_order({"pass", "drop", "reject", "alert"}).ok());
  auto bad = parse_action_order({"alert", "pass"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("action-order"), std::string::npos);
  EXPECT_FALSE(parse_action_order({"alert", "pass", "drop", "block"}).ok());
  EXPECT_FALSE(parse_action_order({"alert", "pass", "drop", "alert"}).ok());
}

config::Loaded load(config::Schema& s, const std::string& yaml) {
  add_detect_keys(s);
  return config::load_text(s, yaml, "agent.yaml");
}

TEST(EngineSettings, ReadFromTheConfiguration) {
  config::Schema s;
  auto l = load(s, "action-order: [alert, pass, drop, reject]\npacket-alert-max: 6\n");
  ASSERT_TRUE(l.diag.ok());
  EngineConfig c = engine_config_from(l.settings);
  EXPECT_FALSE(c.error.has_value());
  EXPECT_EQ(c.packet_alert_max, 6u);
  EXPECT_EQ(c.action_rank[static_cast<size_t>(Action::kAlert)], 0);
  EXPECT_EQ(c.action_rank[static_cast<size_t>(Action::kPass)], 1);

  config::Schema s2;
  auto d = load(s2, "");
  EngineConfig def = engine_config_from(d.settings);
  EXPECT_EQ(def.packet_alert_max, 15u);
  EXPECT_EQ(def.action_rank, EngineConfig::default_action_rank());
}

TEST(EngineSettings, BadActionOrderKeepsTheRuleSet) {
  config::Schema s;
  auto l = load(s, "action-order: [alert, pass]\n");
  ASSERT_TRUE(l.diag.ok());
  EngineConfig c = engine_config_from(l.settings);
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->file, "agent.yaml");
  EXPECT_EQ(c.error->line, 1);
  EngineHolder holder;
  Diagnostics diag;
  EXPECT_FALSE(holder.reload({}, c, &diag));
  ASSERT_FALSE(diag.errors().empty());
  EXPECT_NE(diag.errors()[0].format().find("agent.yaml:1:"), std::string::npos);
  EXPECT_EQ(holder.current(), nullptr);
}

}  // namespace
}  // namespace picket::detect
