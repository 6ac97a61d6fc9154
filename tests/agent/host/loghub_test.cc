// Named rules on loghub's OpenSSH and Linux samples. The expected counts come from the samples'
// *_structured.csv (EventId, EventTemplate, Component columns, made by loghub's parser), never from Picket.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "agent/host/logparse/parser.h"
#include "agent/host/sigma/sigma.h"
#include "tests/support/process.h"

namespace picket::host {
namespace {

std::vector<std::string> csv_row(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> out;
  std::string cur;
  bool q = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (q) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        q = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Rows of a structured CSV as column -> value maps.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::map<std::string, std::string>> rows;
  if (!std::getline(in, line)) return rows;
  const auto header = csv_row(line);
  while (std::getline(in, line)) {
    const auto cells = csv_row(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Runs the rules over the log and counts alerts per rule title.
std::map<std::string, size_t> run(const std::string& log, const std::string& format, const std::string& rules_yaml) {
  SigmaParsed parsed = parse_sigma(rules_yaml, "loghub_rules.yml");
  EXPECT_TRUE(parsed.diag.ok()) << parsed.diag.format();
  SigmaRuleSet set(std::move(parsed.rules));
  std::map<std::string, size_t> counts;
  for (const auto& r : set.rules()) counts[r.title] = 0;
  auto p = make_parser(format, {});
  std::ifstream in(log);
  std::string line;
  uint64_t off = 0;
  while (std::getline(in, line)) {
    p->parse(line, off, [&](const LogEvent& ev) { set.match(ev, [&](const SigmaRule& r) { ++counts[r.title]; }); });
    off += line.size() + 1;
  }
  EXPECT_EQ(p->stats().unparsed, 0u);
  return counts;
}

std::string dir(const std::string& name) {
  const std::string c = picket::test::corpus_dir();
  return c.empty() ? c : c + "/loghub/" + name;
}

#define REQUIRE_LOGHUB()                                                  \
  if (dir("").empty()) {                                                  \
    if (picket::test::in_ci()) FAIL() << "shared corpus missing under CI"; \
    GTEST_SKIP() << "shared corpus (../shared/corpus) not present";       \
  }

const char* kSshRules = R"(title: SSH failed password (keyword)
id: 7b0e6f0c-0001-4000-8000-000000000001
logsource: {product: linux, service: sshd}
detection:
  keywords: ['Failed password']
  condition: keywords
level: medium
---
title: SSH failed password (fields)
id: 7b0e6f0c-0001-4000-8000-000000000002
logsource: {product: linux, service: sshd}
detection:
  selection:
    outcome: failure
    auth_method: password
  condition: selection
level: medium
---
title: SSH accepted password
id: 7b0e6f0c-0001-4000-8000-000000000003
logsource: {product: linux, service: auth}
detection:
  selection:
    outcome: success
    auth_method|startswith: pass
  condition: selection
level: low
---
title: SSH invalid user
id: 7b0e6f0c-0001-4000-8000-000000000004
logsource: {product: linux, service: sshd}
detection:
  selection:
    - 'Invalid user'
  filter:
    - 'Failed'
  condition: selection and not filter
level: low
---
title: SSH break-in attempt from a public address
id: 7b0e6f0c-0001-4000-8000-000000000005
logsource: {product: linux, service: sshd}
detection:
  selection:
    '|all':
      - 'POSSIBLE BREAK-IN ATTEMPT'
      - 'reverse mapping'
  condition: selection
level: medium
)";

TEST(Loghub, OpenSshCountsMatchTheStructuredCsv) {
  REQUIRE_LOGHUB();
  const auto rows = read_csv(dir("OpenSSH/OpenSSH_2k.log_structured.csv"));
  ASSERT_EQ(rows.size(), 2000u);
  size_t failed_kw = 0, failed_fields = 0, accepted = 0, invalid = 0, breakin = 0;
  for (const auto& r : rows) {
    const std::string& t = r.at("EventTemplate");
    const std::string& id = r.at("EventId");
    if (t.find("Failed password") != std::string::npos) ++failed_kw;
    // E9/E10: "Failed password for [invalid user] <*> from <*> port <*> ssh2" (not E14's "message repeated").
    if (id == "E9" || id == "E10") ++failed_fields;
    if (id == "E1") ++accepted;  // Accepted password for <*> from <*> port <*> ssh2
    if (t.find("nvalid user") != std::string::npos && t.find("Failed") == std::string::npos &&
        t.find("Invalid user") != std::string::npos) {
      ++invalid;  // E13 only: "Invalid user <*> from <*>" (E12 is lowercase "invalid user", matched too below)
    }
    if (t.find("POSSIBLE BREAK-IN ATTEMPT") != std::string::npos && t.find("reverse mapping") != std::string::npos) {
      ++breakin;
    }
  }
  // Sigma matching is case-insensitive: E12 "input_userauth_request: invalid user <*>" also matches 'Invalid user'.
  for (const auto& r : rows) {
    if (r.at("EventId") == "E12") ++invalid;
  }
  ASSERT_GT(failed_kw, 0u);
  ASSERT_GT(failed_fields, 0u);
  auto counts = run(dir("OpenSSH/OpenSSH_2k.log"), "auth", kSshRules);
  EXPECT_EQ(counts["SSH failed password (keyword)"], failed_kw);
  EXPECT_EQ(counts["SSH failed password (fields)"], failed_fields);
  EXPECT_EQ(counts["SSH accepted password"], accepted);
  EXPECT_EQ(counts["SSH invalid user"], invalid);
  EXPECT_EQ(counts["SSH break-in attempt from a public address"], breakin);
}

const char* kLinuxRules = R"(title: sshd PAM authentication failure
id: 7b0e6f0c-0002-4000-8000-000000000001
logsource: {product: linux, service: sshd}
detection:
  keywords: ['authentication failure']
  condition: keywords
level: medium
---
title: su session opened
id: 7b0e6f0c-0002-4000-8000-000000000002
logsource: {product: linux, service: su}
detection:
  sel:
    message|startswith: 'session opened for user'
  condition: sel
level: low
---
title: Anonymous FTP login
id: 7b0e6f0c-0002-4000-8000-000000000003
logsource: {product: linux}
detection:
  keywords: ['ANONYMOUS FTP LOGIN FROM']
  condition: keywords
level: low
---
title: Root login on a console
id: 7b0e6f0c-0002-4000-8000-000000000004
logsource: {product: linux, service: syslog}
detection:
  sel:
    message|re: '^ROOT LOGIN ON tty[0-9]+$'
  condition: sel
level: medium
)";

TEST(Loghub, LinuxCountsMatchTheStructuredCsv) {
  REQUIRE_LOGHUB();
  const auto rows = read_csv(dir("Linux/Linux_2k.log_structured.csv"));
  ASSERT_EQ(rows.size(), 2000u);
  size_t sshd_fail = 0, su_open = 0, ftp = 0, root_login = 0;
  for (const auto& r : rows) {
    const std::string& t = r.at("EventTemplate");
    const std::string& comp = r.at("Component");
    if (comp.rfind("sshd", 0) == 0 && t.find("authentication failure") != std::string::npos) ++sshd_fail;
    if (comp.rfind("su(", 0) == 0 && t.rfind("session opened for user", 0) == 0) ++su_open;
    if (t.find("ANONYMOUS FTP LOGIN FROM") != std::string::npos) ++ftp;
    if (t.rfind("ROOT LOGIN ON tty", 0) == 0) ++root_login;
  }
  ASSERT_GT(sshd_fail, 0u);
  ASSERT_GT(su_open, 0u);
  auto counts = run(dir("Linux/Linux_2k.log"), "syslog", kLinuxRules);
  EXPECT_EQ(counts["sshd PAM authentication failure"], sshd_fail);
  EXPECT_EQ(counts["su session opened"], su_open);
  EXPECT_EQ(counts["Anonymous FTP login"], ftp);
  EXPECT_EQ(counts["Root login on a console"], root_login);
}

}  // namespace
}  // namespace picket::host
