// SigmaHQ's linux and web rules (the shared corpus): how many load and are active, and every loaded
// webserver rule fires on an access-log line generated from the rule itself and stays silent when any
// matched value in that line is changed.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "agent/host/logparse/parser.h"
#include "agent/host/sigma/sigma.h"
#include "tests/support/process.h"

namespace picket::host {
namespace {

std::string rules_dir() {
  const std::string c = picket::test::corpus_dir();
  return c.empty() ? c : c + "/sigma/sigma/rules";
}

#define REQUIRE_CORPUS()                                                       \
  if (rules_dir().empty()) {                                                   \
    if (picket::test::in_ci()) FAIL() << "shared corpus missing under CI";      \
    GTEST_SKIP() << "shared corpus (../shared/corpus) not present";            \
  }

TEST(SigmaCorpus, LinuxAndWebRulesLoadAndAreActive) {
  REQUIRE_CORPUS();
  SigmaLoad load = load_sigma_paths({rules_dir() + "/linux", rules_dir() + "/web"});
  const size_t total = load.rules.size() + static_cast<size_t>(load.failed);
  ASSERT_GT(total, 200u);
  const double loaded = static_cast<double>(load.rules.size()) / static_cast<double>(total);
  SigmaRuleSet set(std::move(load.rules));
  const double active = static_cast<double>(set.active_count()) / static_cast<double>(set.rules().size());
  std::printf("sigma corpus: %zu loaded of %zu (%.1f%%), %zu active (%.1f%% of loaded)\n", set.rules().size(), total,
              100 * loaded, set.active_count(), 100 * active);
  EXPECT_GE(loaded, 0.95) << load.diag.format();
  EXPECT_GE(active, 0.90);
  for (const auto& e : load.diag.errors()) {
    EXPECT_FALSE(e.file.empty());
    EXPECT_GT(e.line, 0) << e.format();
  }
}

// ---- generating an access-log line from a webserver rule ----

// What a line must contain: per field, the pieces (prefix, middle parts, suffix, or a whole value).
struct Want {
  std::string prefix, suffix, exact;
  std::vector<std::string> middle;
  bool has_exact = false;
  bool null = false;  // the field must be absent: "-" in the access log
};

struct Plan {
  std::map<std::string, Want> fields;
  std::vector<std::string> keywords;
  bool ok = true;
  std::string why;
};

std::string literal_of(const sigma::Value& v) {
  if (v.kind != sigma::Kind::kGlob) return v.text;
  std::string s;
  for (int16_t c : v.glob) {
    if (c == -2) s += 'x';
    else if (c >= 0) s += static_cast<char>(c);
  }
  return s;
}

void want_value(const std::string& field, const sigma::Value& v, Plan& plan) {
  if (field.empty()) {
    plan.keywords.push_back(literal_of(v));
    return;
  }
  Want& w = plan.fields[field];
  switch (v.kind) {
    case sigma::Kind::kEquals:
      w.exact = v.text;
      w.has_exact = true;
      break;
    case sigma::Kind::kStartsWith: w.prefix = v.text; break;
    case sigma::Kind::kEndsWith: w.suffix = v.text; break;
    case sigma::Kind::kContains:
    case sigma::Kind::kGlob: w.middle.push_back(literal_of(v)); break;
    case sigma::Kind::kNull: w.null = true; break;
    default:
      plan.ok = false;
      plan.why = "cannot generate a value for this modifier";
  }
}

void want_selection(const sigma::Selection& s, Plan& plan) {
  // The first group, and in it each field's first value (all values with |all).
  for (const auto& fm : s.groups.front()) {
    if (fm.all) {
      for (const auto& alts : fm.values) want_value(fm.field, alts.front(), plan);
    } else {
      want_value(fm.field, fm.values.front().front(), plan);
    }
  }
}

// Chooses selections that make `node` true (want) or leaves them out (false: defaults do not match).
void solve(const SigmaRule& r, int node, bool want, Plan& plan) {
  const auto& n = r.nodes[static_cast<size_t>(node)];
  using Op = sigma::CondNode::Op;
  switch (n.op) {
    case Op::kAnd:
      if (want) {
        for (int k : n.kids) solve(r, k, true, plan);
      }
      return;
    case Op::kOr:
      if (want) solve(r, n.kids[0], true, plan);
      return;
    case Op::kNot: solve(r, n.kids[0], !want, plan); return;
    case Op::kSel:
      if (want) want_selection(r.selections[static_cast<size_t>(n.kids[0])], plan);
      return;
    case Op::kOneOf:
      if (want) want_selection(r.selections[static_cast<size_t>(n.kids[0])], plan);
      return;
    case Op::kAllOf:
      if (want) {
        for (int k : n.kids) want_selection(r.selections[static_cast<size_t>(k)], plan);
      }
      return;
  }
}

std::string compose(const Want& w, const std::string& dflt) {
  if (w.null) return "-";
  if (w.has_exact) return w.exact;
  std::string s = w.prefix;
  if (w.prefix.empty() && w.suffix.empty() && w.middle.empty()) return dflt;
  for (const auto& m : w.middle) s += m;
  s += w.suffix;
  return s;
}

std::string quote_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string render(const Plan& plan) {
  auto get = [&](std::initializer_list<const char*> names, const std::string& dflt) {
    for (const char* n : names) {
      auto it = plan.fields.find(n);
      if (it != plan.fields.end()) return compose(it->second, dflt);
    }
    return dflt;
  };
  std::string ua = get({"cs-user-agent", "c-useragent"}, "Mozilla/5.0");
  for (const auto& k : plan.keywords) ua += " " + k;
  return get({"c-ip"}, "192.0.2.10") + " - - [30/Nov/2026:10:00:00 +0000] \"" + get({"cs-method"}, "GET") + " " +
         quote_escape(get({"cs-uri-query", "c-uri", "cs-uri"}, "/index.html")) + " HTTP/1.1\" " +
         get({"sc-status"}, "200") + " 512 \"" + quote_escape(get({"cs-referer"}, "-")) + "\" \"" +
         quote_escape(ua) + "\"";
}

// Changes every character of a piece so it no longer matches: letters and digits shift, others become '_'.
std::string mangle(const std::string& s) {
  std::string out = s;
  for (auto& c : out) {
    if (c >= 'a' && c <= 'y') c = static_cast<char>(c + 1);
    else if (c == 'z') c = 'a';
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>((c - 'A' + 1) % 26 + 'a');
    else if (c >= '0' && c <= '8') c = static_cast<char>(c + 1);
    else if (c == '9') c = '0';
    else c = '_';
  }
  return out;
}

bool fires(const SigmaRule& r, const std::string& line) {
  auto p = make_parser("apache", {});
  bool hit = false;
  p->parse(line, 0, [&](const LogEvent& ev) { hit = r.matches_logsource(ev) && r.matches(ev); });
  return hit;
}

TEST(SigmaCorpus, EveryWebserverRuleFiresOnALineMadeFromIt) {
  REQUIRE_CORPUS();
  SigmaLoad load = load_sigma_paths({rules_dir() + "/web"});
  size_t tested = 0;
  for (const auto& r : load.rules) {
    if (r.logsource.category != "webserver") continue;
    SCOPED_TRACE(r.file + ": " + r.title);
    Plan plan;
    solve(r, r.root, true, plan);
    ASSERT_TRUE(plan.ok) << plan.why;
    const std::string line = render(plan);
    EXPECT_TRUE(fires(r, line)) << line;
    // Change each matched piece in turn: the rule must stay silent.
    size_t variants = 0;
    for (auto& [name, w] : plan.fields) {
      auto change = [&](std::string& piece) {
        if (piece.empty()) return;
        const std::string keep = piece;
        piece = mangle(piece);
        const std::string changed = render(plan);
        EXPECT_FALSE(fires(r, changed)) << "changed " << name << ": " << changed;
        piece = keep;
        ++variants;
      };
      if (w.null) {
        w.null = false;
        w.has_exact = true;
        w.exact = "present";
        EXPECT_FALSE(fires(r, render(plan))) << "gave " << name << " a value: " << render(plan);
        w.has_exact = false;
        w.exact.clear();
        w.null = true;
        ++variants;
      }
      change(w.exact);
      change(w.prefix);
      change(w.suffix);
      for (auto& m : w.middle) change(m);
    }
    for (auto& k : plan.keywords) {
      const std::string keep = k;
      k = mangle(k);
      EXPECT_FALSE(fires(r, render(plan))) << "changed keyword: " << render(plan);
      k = keep;
      ++variants;
    }
    EXPECT_GT(variants, 0u);
    ++tested;
  }
  EXPECT_GE(tested, 10u);
}

}  // namespace
}  // namespace picket::host
