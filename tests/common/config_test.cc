#include "common/config.h"

#include <gtest/gtest.h>

namespace picket::config {
namespace {

Schema test_schema() {
  Schema s;
  add_logging_keys(s);
  s.add({.key = "capture.interface", .type = Type::kString, .default_value = "eth0"});
  s.add({.key = "capture.snaplen", .type = Type::kInt, .default_value = "65535", .min = 64, .max = 262144});
  s.add({.key = "capture.promiscuous", .type = Type::kBool, .default_value = "true"});
  s.add({.key = "flow.timeout", .type = Type::kDuration, .default_value = "60s"});
  s.add({.key = "flow.memcap", .type = Type::kSize, .default_value = "64MB"});
  s.add({.key = "rules.paths", .type = Type::kStringList});
  s.add({.key = "stream.midstream", .type = Type::kBool, .default_value = "false",
         .aliases = {"stream.midstream-pickup"}});
  s.add({.key = "vars.address-groups.*", .type = Type::kString});
  s.add({.key = "inputs", .type = Type::kNode});
  return s;
}

TEST(Config, DefaultsApplyWithoutAFile) {
  Schema s = test_schema();
  Loaded l = load_text(s, "", "<defaults>");
  ASSERT_TRUE(l.diag.ok()) << l.diag.format();
  EXPECT_EQ(l.settings.get_string("capture.interface"), "eth0");
  EXPECT_EQ(l.settings.get_int("capture.snaplen"), 65535);
  EXPECT_TRUE(l.settings.get_bool("capture.promiscuous"));
  EXPECT_EQ(l.settings.get_duration("flow.timeout"), std::chrono::seconds(60));
  EXPECT_EQ(l.settings.get_size("flow.memcap"), 64u << 20);
  EXPECT_EQ(l.settings.get_string("logging.level"), "info");
  EXPECT_FALSE(l.settings.is_set("capture.interface"));
  EXPECT_TRUE(l.settings.get_list("rules.paths").empty());
}

TEST(Config, ValuesFromNestedAndDottedKeys) {
  Schema s = test_schema();
  Loaded l = load_text(s,
                       "capture:\n"
                       "  interface: ens3\n"
                       "  snaplen: 1600\n"
                       "stream.midstream: yes\n"
                       "rules:\n"
                       "  paths: [a.rules, b.rules]\n"
                       "vars:\n"
                       "  address-groups:\n"
                       "    HOME_NET: \"[10.0.0.0/8]\"\n"
                       "inputs:\n"
                       "  - {path: /var/log/auth.log, format: auth}\n",
                       "agent.yaml");
  ASSERT_TRUE(l.diag.ok()) << l.diag.format();
  EXPECT_EQ(l.settings.get_string("capture.interface"), "ens3");
  EXPECT_EQ(l.settings.get_int("capture.snaplen"), 1600);
  EXPECT_TRUE(l.settings.get_bool("stream.midstream"));
  EXPECT_EQ(l.settings.get_list("rules.paths"), (std::vector<std::string>{"a.rules", "b.rules"}));
  EXPECT_EQ(l.settings.get_string("vars.address-groups.HOME_NET"), "[10.0.0.0/8]");
  EXPECT_EQ(l.settings.keys_with_prefix("vars.address-groups."),
            (std::vector<std::string>{"vars.address-groups.HOME_NET"}));
  ASSERT_TRUE(l.settings.node("inputs").IsSequence());
  EXPECT_EQ(l.settings.node("inputs")[0]["format"].as<std::string>(), "auth");
  Location loc = l.settings.where("capture.snaplen");
  EXPECT_EQ(loc.file, "agent.yaml");
  EXPECT_EQ(loc.line, 3);
  EXPECT_EQ(loc.column, 3);
}

TEST(Config, UnknownKeyNamesFileLineColumnAndSuggests) {
  Schema s = test_schema();
  Loaded l = load_text(s, "capture:\n  interfce: eth1\n", "agent.yaml");
  ASSERT_EQ(l.diag.errors().size(), 1u);
  EXPECT_EQ(l.diag.errors()[0].format(),
            "agent.yaml:2:3: unknown key 'capture.interfce'; did you mean 'capture.interface'?");
}

TEST(Config, BadValuesAreReportedAtTheValue) {
  Schema s = test_schema();
  Loaded l = load_text(s,
                       "capture:\n"
                       "  snaplen: 10\n"
                       "  promiscuous: maybe\n"
                       "flow:\n"
                       "  timeout: soon\n"
                       "  memcap: lots\n"
                       "logging:\n"
                       "  level: loud\n",
                       "a.yaml");
  ASSERT_EQ(l.diag.errors().size(), 5u) << l.diag.format();
  EXPECT_EQ(l.diag.errors()[0].format(), "a.yaml:2:12: capture.snaplen: 10 is out of range [64, 262144]");
  EXPECT_EQ(l.diag.errors()[1].format(), "a.yaml:3:16: capture.promiscuous: expected true or false; got 'maybe'");
  EXPECT_EQ(l.diag.errors()[2].format(),
            "a.yaml:5:12: flow.timeout: expected a duration such as 500ms, 30s, 5m, 2h or 7d; got 'soon'");
  EXPECT_EQ(l.diag.errors()[3].line, 6);
  EXPECT_EQ(l.diag.errors()[4].format(),
            "a.yaml:8:10: logging.level: expected one of trace, debug, info, warn, error, off; got 'loud'");
  // A failed key keeps its default.
  EXPECT_EQ(l.settings.get_int("capture.snaplen"), 65535);
}

TEST(Config, SyntaxErrorHasLineAndColumn) {
  Schema s = test_schema();
  Loaded l = load_text(s, "capture:\n  interface: [eth0\n  snaplen: 5\n", "broken.yaml");
  ASSERT_EQ(l.diag.errors().size(), 1u);
  const Error& e = l.diag.errors()[0];
  EXPECT_EQ(e.file, "broken.yaml");
  EXPECT_GT(e.line, 0);
  EXPECT_GT(e.column, 0);
  EXPECT_EQ(e.format().find('\n'), std::string::npos);
}

TEST(Config, DuplicateKeysAreErrors) {
  Schema s = test_schema();
  Loaded l = load_text(s, "capture:\n  snaplen: 100\n  snaplen: 200\n", "d.yaml");
  ASSERT_EQ(l.diag.errors().size(), 1u);
  EXPECT_EQ(l.diag.errors()[0].format(), "d.yaml:3:3: duplicate key 'capture.snaplen'");
}

TEST(Config, TopLevelMustBeAMapping) {
  Schema s = test_schema();
  Loaded l = load_text(s, "- a\n- b\n", "list.yaml");
  ASSERT_EQ(l.diag.errors().size(), 1u);
  EXPECT_EQ(l.diag.errors()[0].format(), "list.yaml:1:1: expected a mapping of settings at the top level");
}

TEST(Config, SectionGivenAScalarIsAnError) {
  Schema s = test_schema();
  Loaded l = load_text(s, "capture: eth0\n", "s.yaml");
  ASSERT_EQ(l.diag.errors().size(), 1u);
  EXPECT_EQ(l.diag.errors()[0].format(), "s.yaml:1:10: capture: expected a section of settings");
}

TEST(Config, OverridesWinAndAreValidated) {
  Schema s = test_schema();
  Loaded l = load_text(s, "capture:\n  snaplen: 1600\n", "a.yaml",
                       {"capture.snaplen=9000", "stream.midstream-pickup=true", "rules.paths=[x, y]"});
  ASSERT_TRUE(l.diag.ok()) << l.diag.format();
  EXPECT_EQ(l.settings.get_int("capture.snaplen"), 9000);
  EXPECT_TRUE(l.settings.get_bool("stream.midstream"));
  EXPECT_EQ(l.settings.get_list("rules.paths"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(l.settings.where("capture.snaplen").file, "--set");

  Loaded bad = load_text(s, "", "a.yaml", {"stream.async-oneside=true", "capture.snaplen=huge", "novalue"});
  ASSERT_EQ(bad.diag.errors().size(), 3u);
  EXPECT_EQ(bad.diag.errors()[0].format(), "--set: unknown or unsupported setting 'stream.async-oneside'");
  EXPECT_EQ(bad.diag.errors()[1].format(), "--set: capture.snaplen: expected an integer; got 'huge'");
  EXPECT_EQ(bad.diag.errors()[2].format(), "--set: expected KEY=VALUE, got 'novalue'");
}

TEST(Config, MissingFileIsOneError) {
  Schema s = test_schema();
  Loaded l = load_file(s, "/nonexistent/picket.yaml");
  ASSERT_EQ(l.diag.errors().size(), 1u);
  EXPECT_EQ(l.diag.errors()[0].format(),
            "/nonexistent/picket.yaml: cannot read config file: No such file or directory");
}

TEST(Config, HostileInputNeverThrows) {
  Schema s = test_schema();
  std::string deep(5000, '[');
  Loaded a = load_text(s, deep, "deep.yaml");
  EXPECT_FALSE(a.diag.ok());
  Loaded b = load_text(s, std::string("\0\xff\xfe: x", 7), "bin.yaml");
  EXPECT_FALSE(b.diag.ok());
  Loaded c = load_text(s, "&a [*a]", "alias.yaml");
  EXPECT_FALSE(c.diag.ok());
  Loaded d = load_text(s, "{? [a]: b}", "complexkey.yaml");
  EXPECT_FALSE(d.diag.ok());
}

TEST(Config, DurationAndSizeGrammar) {
  std::chrono::milliseconds d{};
  EXPECT_TRUE(parse_duration("250ms", &d));
  EXPECT_EQ(d.count(), 250);
  EXPECT_TRUE(parse_duration("5m", &d));
  EXPECT_EQ(d.count(), 300000);
  EXPECT_TRUE(parse_duration("7d", &d));
  EXPECT_TRUE(parse_duration("30", &d));
  EXPECT_EQ(d.count(), 30000);
  EXPECT_FALSE(parse_duration("", &d));
  EXPECT_FALSE(parse_duration("-5s", &d));
  EXPECT_FALSE(parse_duration("5 parsecs", &d));
  EXPECT_FALSE(parse_duration("99999999999999999999s", &d));
  uint64_t n = 0;
  EXPECT_TRUE(parse_size("1GiB", &n));
  EXPECT_EQ(n, 1ull << 30);
  EXPECT_TRUE(parse_size("64kb", &n));
  EXPECT_EQ(n, 65536u);
  EXPECT_FALSE(parse_size("MB", &n));
  EXPECT_FALSE(parse_size("12XB", &n));
}

}  // namespace
}  // namespace picket::config
