// journald input: journal files made by systemd-journal-remote from export-format fixtures written here;
// entries become events with auth fields, Sigma rules match them, and the saved cursor resumes exactly.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "agent/host/logtail/journal_reader.h"
#include "agent/host/sigma/sigma.h"
#include "tests/support/process.h"

namespace picket::host {
namespace {

const char* kRemote = "/lib/systemd/systemd-journal-remote";

// Export format: KEY=value lines, entries separated by an empty line.
std::string export_entries(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) {
    s += "__REALTIME_TIMESTAMP=" + std::to_string(1796040000000000LL + i * 1000000LL) + "\n";
    s += "__MONOTONIC_TIMESTAMP=" + std::to_string(1000000 + i) + "\n";
    s += "_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web1\nSYSLOG_IDENTIFIER=sshd\nSYSLOG_FACILITY=10\n";
    s += "_PID=" + std::to_string(100 + i) + "\nPRIORITY=6\n";
    s += "MESSAGE=Failed password for root from 10.0.0." + std::to_string(i) + " port 22 ssh2\n\n";
  }
  return s;
}

bool make_journal(const test::TempDir& d, const std::string& name, int from, int to) {
  const std::string exp = d.write(name + ".export", export_entries(from, to));
  auto r = test::run({kRemote, "--output=" + d.file("journal/" + name + ".journal"), exp});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0;
}

TEST(Journal, ReadsEntriesAndResumesFromTheSavedCursor) {
  if (::access(kRemote, X_OK) != 0) {
    if (test::in_ci()) FAIL() << kRemote << " missing (systemd-journal-remote)";
    GTEST_SKIP() << "systemd-journal-remote not installed";
  }
  test::TempDir d;
  ASSERT_EQ(::mkdir(d.file("journal").c_str(), 0700), 0);
  ASSERT_TRUE(make_journal(d, "a", 1, 5));
  SigmaParsed rules = parse_sigma(
      "title: ssh failure\nid: 5c1e6f0c-0003-4000-8000-000000000001\nlogsource: {product: linux, service: sshd}\n"
      "detection:\n  sel:\n    outcome: failure\n    src_ip|cidr: 10.0.0.0/29\n  condition: sel\n",
      "j.yml");
  ASSERT_EQ(rules.rules.size(), 1u);
  const SigmaRule& rule = rules.rules[0];
  const std::string cursor = d.file("journal.cursor");
  std::vector<std::string> messages;
  int hits = 0;
  auto sink = [&](const LogEvent& ev) {
    messages.push_back(ev.raw());
    if (rule.matches_logsource(ev) && rule.matches(ev)) ++hits;
    EXPECT_TRUE(ev.has_service("auth"));
    EXPECT_EQ(ev.find("host")->value, "web1");
    EXPECT_EQ(ev.find("user")->value, "root");
  };
  {
    auto r = JournalReader::open(d.file("journal"), cursor, true);
    ASSERT_TRUE(r.ok()) << r.error().format();
    EXPECT_EQ(r.value()->poll(sink), 5u);
    ASSERT_TRUE(r.value()->save().ok());
  }
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[0], "Failed password for root from 10.0.0.1 port 22 ssh2");
  EXPECT_EQ(hits, 5);
  // More entries in a second file; a new reader resumes after the saved cursor.
  ASSERT_TRUE(make_journal(d, "b", 6, 9));
  {
    auto r = JournalReader::open(d.file("journal"), cursor, true);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value()->poll(sink), 4u);
  }
  ASSERT_EQ(messages.size(), 9u);
  EXPECT_EQ(messages[5], "Failed password for root from 10.0.0.6 port 22 ssh2");
  EXPECT_EQ(hits, 7);  // 10.0.0.8 and .9 are outside 10.0.0.0/29
}

}  // namespace
}  // namespace picket::host
