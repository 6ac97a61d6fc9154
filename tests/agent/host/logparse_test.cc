// The log-line parsers: fields under Sigma's names, time stamps, auditd joining, hostile input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/host/logparse/parser.h"

namespace picket::host {
namespace {

// 2026-11-30T12:00:00Z
constexpr int64_t kNow = 1796040000LL * 1000000;

struct Collected {
  std::vector<LogEvent> events;
  EventSink sink() {
    return [this](const LogEvent& ev) { events.push_back(ev); };
  }
};

std::string field(const LogEvent& ev, const std::string& name) {
  const LogField* f = ev.find(name);
  return f == nullptr ? "<absent>" : f->value;
}

ParseOptions utc() {
  ParseOptions o;
  o.clock = LocalClock::fixed(0);
  o.now_us = kNow;
  return o;
}

TEST(Clock, YearLessStampsUseTheZoneAndTheNewYear) {
  LocalClock plus3 = LocalClock::fixed(3 * 3600);
  // 2026-11-30 10:00 local (+03:00) = 07:00Z.
  EXPECT_EQ(plus3.year_less_to_utc_us(11, 30, 10, 0, 0, 0, kNow), (1796040000LL - 5 * 3600) * 1000000);
  // Read on 2027-01-01 00:10Z, "Dec 31 23:59:00" belongs to 2026.
  const int64_t jan1 = (days_from_civil(2027, 1, 1) * 86400 + 600) * 1000000;
  LocalClock z = LocalClock::fixed(0);
  EXPECT_EQ(z.year_less_to_utc_us(12, 31, 23, 59, 0, 0, jan1), (days_from_civil(2026, 12, 31) * 86400 + 86340) * 1000000);
  EXPECT_EQ(z.year_less_to_utc_us(1, 1, 0, 5, 0, 0, jan1), (days_from_civil(2027, 1, 1) * 86400 + 300) * 1000000);
  std::string err;
  LocalClock c;
  EXPECT_TRUE(configure_zone("+05:30", &c, &err));
  EXPECT_FALSE(configure_zone("Mars/Olympus", &c, &err));
  EXPECT_NE(err.find("unknown time zone"), std::string::npos);
}

TEST(Syslog, Rfc3164AuthLineWithSshdFields) {
  auto p = make_parser("auth", utc());
  Collected c;
  p->parse("Nov 30 11:02:03 web1 sshd[812]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2",
           0, c.sink());
  ASSERT_EQ(c.events.size(), 1u);
  const LogEvent& ev = c.events[0];
  EXPECT_TRUE(ev.parsed);
  EXPECT_TRUE(ev.has_service("auth"));
  EXPECT_TRUE(ev.has_service("sshd"));
  EXPECT_EQ(ev.product(), "linux");
  EXPECT_EQ(field(ev, "host"), "web1");
  EXPECT_EQ(field(ev, "pid"), "812");
  EXPECT_EQ(field(ev, "user"), "admin");
  EXPECT_EQ(field(ev, "src_ip"), "203.0.113.9");
  EXPECT_EQ(field(ev, "src_port"), "52144");
  EXPECT_EQ(field(ev, "outcome"), "failure");
  EXPECT_EQ(field(ev, "auth_method"), "password");
  EXPECT_EQ(ev.time_us, (1796040000LL - 3600 + 123) * 1000000);
}

TEST(Syslog, SudoSuUseraddPam) {
  auto p = make_parser("auth", utc());
  Collected c;
  p->parse("Nov 30 10:00:00 h sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u", 0,
           c.sink());
  p->parse("Nov 30 10:00:01 h su[99]: (to root) alice on pts/1", 100, c.sink());
  p->parse("Nov 30 10:00:02 h useradd[7]: new user: name=john, UID=0, GID=0, home=/home/john, shell=/bin/bash", 200,
           c.sink());
  p->parse("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 "
           "tty=NODEVssh ruser= rhost=218.188.2.4",
           300, c.sink());
  ASSERT_EQ(c.events.size(), 4u);
  EXPECT_EQ(field(c.events[0], "user"), "alice");
  EXPECT_EQ(field(c.events[0], "target_user"), "root");
  EXPECT_EQ(field(c.events[0], "CommandLine"), "/usr/bin/id -u");
  EXPECT_EQ(field(c.events[0], "CurrentDirectory"), "/home/alice");
  EXPECT_TRUE(c.events[1].has_service("su"));
  EXPECT_EQ(field(c.events[1], "target_user"), "root");
  EXPECT_EQ(field(c.events[1], "user"), "alice");
  EXPECT_EQ(field(c.events[2], "UID"), "0");
  EXPECT_EQ(field(c.events[2], "name"), "john");
  EXPECT_EQ(c.events[2].offset, 200u);
  EXPECT_TRUE(c.events[3].has_service("sshd"));
  EXPECT_EQ(field(c.events[3], "rhost"), "218.188.2.4");
}

TEST(Syslog, Rfc5424WithStructuredData) {
  auto p = make_parser("syslog", utc());
  Collected c;
  p->parse("<34>1 2026-11-30T10:00:00.5+02:00 mymachine su 77 ID47 [exampleSDID@32473 iut=\"3\" "
           "eventSource=\"App\\]x\"] 'su root' failed for lonvick on /dev/pts/8",
           0, c.sink());
  ASSERT_EQ(c.events.size(), 1u);
  const LogEvent& ev = c.events[0];
  EXPECT_TRUE(ev.parsed);
  EXPECT_TRUE(ev.has_service("syslog"));
  EXPECT_TRUE(ev.has_service("su"));
  EXPECT_EQ(field(ev, "facility"), "4");
  EXPECT_EQ(field(ev, "severity"), "2");
  EXPECT_EQ(field(ev, "msgid"), "ID47");
  EXPECT_EQ(field(ev, "exampleSDID@32473.eventSource"), "App]x");
  EXPECT_EQ(field(ev, "message"), "'su root' failed for lonvick on /dev/pts/8");
  EXPECT_EQ(ev.time_us, (1796040000LL - 4 * 3600) * 1000000 + 500000);
}

TEST(Syslog, GarbageIsKeptUnparsed) {
  auto p = make_parser("syslog", utc());
  Collected c;
  for (const std::string& s : std::vector<std::string>{"", "<999>x", "Nov", "Nov 99 10:00:00 h x", std::string("\0\xff<1>1 ", 7)}) {
    p->parse(s, 0, c.sink());
  }
  EXPECT_EQ(c.events.size(), 5u);
  EXPECT_EQ(p->stats().unparsed, 5u);
}

TEST(Auditd, RecordsAndJoinedProcessCreation) {
  auto p = make_parser("auditd", utc());
  Collected c;
  // The parent: bash executing.
  p->parse("type=SYSCALL msg=audit(1796040000.100:10): arch=c000003e syscall=59 success=yes exit=0 a0=55 a1=56 "
           "a2=57 a3=0 items=2 ppid=1 pid=500 auid=1000 uid=1000 gid=1000 euid=1000 ses=3 comm=\"bash\" "
           "exe=\"/usr/bin/bash\" key=(null)",
           0, c.sink());
  p->parse("type=EXECVE msg=audit(1796040000.100:10): argc=1 a0=\"bash\"", 1, c.sink());
  p->parse("type=EOE msg=audit(1796040000.100:10):", 2, c.sink());
  // The child: curl with a hex-encoded argument ("a b" = 612062), then a new serial ends the group.
  p->parse("type=SYSCALL msg=audit(1796040001.200:11): arch=c000003e syscall=59 success=yes exit=0 ppid=500 "
           "pid=501 auid=1000 uid=0 comm=\"curl\" exe=\"/usr/bin/curl\" key=\"exec\"",
           3, c.sink());
  p->parse("type=EXECVE msg=audit(1796040001.200:11): argc=3 a0=\"curl\" a1=\"-d\" a2=612062", 4, c.sink());
  p->parse("type=CWD msg=audit(1796040001.200:11): cwd=\"/tmp\"", 5, c.sink());
  p->parse("type=PATH msg=audit(1796040001.200:11): item=0 name=\"/usr/bin/curl\" inode=1 nametype=NORMAL", 6,
           c.sink());
  p->parse("type=USER_LOGIN msg=audit(1796040002.000:12): pid=1 uid=0 msg='op=login acct=\"root\" res=success'", 7,
           c.sink());
  p->flush(c.sink());
  // 8 records + 2 process_creation events.
  ASSERT_EQ(c.events.size(), 10u);
  std::vector<const LogEvent*> procs;
  for (const auto& e : c.events) {
    if (e.category() == "process_creation") procs.push_back(&e);
  }
  ASSERT_EQ(procs.size(), 2u);
  const LogEvent& child = *procs[1];
  EXPECT_EQ(field(child, "Image"), "/usr/bin/curl");
  EXPECT_EQ(field(child, "CommandLine"), "curl -d a b");
  EXPECT_EQ(field(child, "ParentImage"), "/usr/bin/bash");
  EXPECT_EQ(field(child, "ParentCommandLine"), "bash");
  EXPECT_EQ(field(child, "User"), "0");
  EXPECT_EQ(field(child, "CurrentDirectory"), "/tmp");
  EXPECT_EQ(field(child, "ProcessId"), "501");
  EXPECT_EQ(child.time_us, 1796040001200000);
  EXPECT_EQ(child.offset, 3u);
  EXPECT_NE(child.raw().find("type=CWD"), std::string::npos);
  // Record events carry the record's own fields, decoded.
  const LogEvent& execve = c.events[5];
  EXPECT_TRUE(execve.has_service("auditd"));
  EXPECT_EQ(field(execve, "type"), "EXECVE");
  EXPECT_EQ(field(execve, "a2"), "a b");
  const LogEvent& login = c.events.back();
  EXPECT_EQ(field(login, "type"), "USER_LOGIN");
  EXPECT_EQ(field(login, "acct"), "root");
  EXPECT_EQ(field(login, "res"), "success");
}

TEST(Access, CombinedLineFields) {
  auto p = make_parser("nginx", utc());
  Collected c;
  p->parse("198.51.100.7 - bob [30/Nov/2026:10:00:00 +0100] \"GET /cgi-bin/a.php?x=1&y=%27 HTTP/1.1\" 404 153 "
           "\"http://ref.example/\" \"Mozilla/5.0 \\\"quoted\\\"\"",
           0, c.sink());
  p->parse("10.0.0.1 - - [30/Nov/2026:10:00:00 +0000] \"GET http://evil.example:8080/x.exe HTTP/1.1\" 200 - \"-\" "
           "\"curl/8\"",
           1, c.sink());
  ASSERT_EQ(c.events.size(), 2u);
  const LogEvent& ev = c.events[0];
  EXPECT_TRUE(ev.parsed);
  EXPECT_EQ(ev.category(), "webserver");
  EXPECT_TRUE(ev.has_service("nginx"));
  EXPECT_EQ(field(ev, "c-ip"), "198.51.100.7");
  EXPECT_EQ(field(ev, "cs-username"), "bob");
  EXPECT_EQ(field(ev, "cs-method"), "GET");
  EXPECT_EQ(field(ev, "cs-uri-query"), "/cgi-bin/a.php?x=1&y=%27");
  EXPECT_EQ(field(ev, "cs-uri-stem"), "/cgi-bin/a.php");
  EXPECT_EQ(field(ev, "c-uri-query"), "x=1&y=%27");
  EXPECT_EQ(field(ev, "c-uri-extension"), "php");
  EXPECT_EQ(field(ev, "sc-status"), "404");
  EXPECT_EQ(field(ev, "cs-referer"), "http://ref.example/");
  EXPECT_EQ(field(ev, "c-useragent"), "Mozilla/5.0 \"quoted\"");
  EXPECT_EQ(ev.time_us, (1796040000LL - 2 * 3600 - 3600) * 1000000);
  EXPECT_EQ(field(c.events[1], "cs-host"), "evil.example");
  EXPECT_EQ(field(c.events[1], "c-uri-extension"), "exe");
  EXPECT_EQ(field(c.events[1], "sc-bytes"), "0");
}

TEST(Json, FlattensAndTakesTheLogSource) {
  auto p = make_parser("json", utc());
  Collected c;
  p->parse(R"({"@timestamp":"2026-11-30T12:00:00Z","service":"sshd","user":{"name":"x","ids":[1,2]},"ok":true})", 0,
           c.sink());
  p->parse("{not json", 1, c.sink());
  p->parse(std::string(5000, '[') , 2, c.sink());
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(field(c.events[0], "user.name"), "x");
  EXPECT_EQ(field(c.events[0], "user.ids.1"), "2");
  EXPECT_EQ(field(c.events[0], "ok"), "true");
  EXPECT_TRUE(c.events[0].has_service("sshd"));
  EXPECT_EQ(c.events[0].time_us, kNow);
  EXPECT_FALSE(c.events[1].parsed);
  EXPECT_EQ(p->stats().unparsed, 2u);
}

}  // namespace
}  // namespace picket::host
