// Tests agent/privdrop: /proc status parsing, and real privilege drops. A real drop runs privdrop_probe as
// root inside `unshare --mount`, where a temporary user is created in an overlay of /etc and /var; the
// overlay's upper layer lives in a temporary folder, so no user or file outlives the test.
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "agent/privdrop/privdrop.h"
#include "agent/privdrop/proc_status.h"
#include "tests/support/process.h"

namespace picket::privdrop {
namespace {

constexpr const char* kStatus =
    "Name:\tpicket-agent\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t998\t998\t998\t998\n"
    "Gid:\t997\t997\t997\t997\nGroups:\t997 \nThreads:\t1\nCapInh:\t0000000000003004\n"
    "CapPrm:\t0000000000003004\nCapEff:\t0000000000003004\nCapBnd:\t0000000000003004\n"
    "CapAmb:\t0000000000003004\nNoNewPrivs:\t1\nSeccomp:\t0\n";

TEST(ProcStatus, ParsesCredentials) {
  auto c = parse_proc_status(kStatus);
  ASSERT_TRUE(c) << c.error().format();
  EXPECT_EQ(c->uid[0], 998);
  EXPECT_EQ(c->uid[3], 998);
  EXPECT_EQ(c->gid[1], 997);
  EXPECT_EQ(c->cap_eff, 0x3004u);
  EXPECT_EQ(c->cap_bnd, 0x3004u);
  EXPECT_EQ(c->cap_amb, 0x3004u);
  EXPECT_TRUE(c->no_new_privs);
  EXPECT_EQ(c->threads, 1);
}

TEST(ProcStatus, KeptMaskIsTheThreeCapabilities) {
  // CAP_DAC_READ_SEARCH = 2, CAP_NET_ADMIN = 12, CAP_NET_RAW = 13.
  EXPECT_EQ(kept_capabilities_mask(), (1u << 2) | (1u << 12) | (1u << 13));
}

TEST(ProcStatus, RejectsMissingAndMalformedFields) {
  std::string text = kStatus;
  auto missing = parse_proc_status(text.substr(0, text.find("CapAmb")));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("CapAmb"), std::string::npos) << missing.error().message;

  std::string bad = text;
  bad.replace(bad.find("0000000000003004"), 16, "zz");
  auto malformed = parse_proc_status(bad);
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().message.find("CapInh"), std::string::npos) << malformed.error().message;

  EXPECT_FALSE(parse_proc_status(""));
  EXPECT_FALSE(parse_proc_status("Uid:\t1 2 3\n"));
}

TEST(ProcStatus, ReadsThisProcess) {
  auto c = read_proc_status();
  ASSERT_TRUE(c) << c.error().format();
  EXPECT_EQ(c->uid[1], static_cast<int64_t>(geteuid()));
  EXPECT_GE(c->threads, 1);
  EXPECT_FALSE(read_proc_status(-5));
}

TEST(DropPrivileges, EmptyUserChangesNothing) {
  auto before = read_proc_status();
  ASSERT_TRUE(before);
  EXPECT_TRUE(drop_privileges(""));
  auto after = read_proc_status();
  ASSERT_TRUE(after);
  EXPECT_EQ(before->uid, after->uid);
  EXPECT_EQ(before->cap_eff, after->cap_eff);
}

TEST(DropPrivileges, UnknownUserIsAnErrorAndChangesNothing) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: as another user drop_privileges only sets no_new_privs";
  auto before = read_proc_status();
  ASSERT_TRUE(before);
  Status s = drop_privileges("picket-no-such-user-7f3a");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("does not exist"), std::string::npos) << s.error().message;
  EXPECT_FALSE(drop_privileges("root"));
  auto after = read_proc_status();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->uid, before->uid);
  EXPECT_EQ(after->cap_eff, before->cap_eff);
  EXPECT_EQ(after->cap_bnd, before->cap_bnd);
}

// Runs privdrop_probe as root in a private mount namespace where `user` exists; returns its KEY=VALUE lines.
std::map<std::string, std::string> run_probe(const test::TempDir& dir, const std::string& extra_arg) {
  const std::string user = "picket-privdrop-test";
  std::string script =
      "set -e\n"
      "D=" + dir.path() + "\n"
      "for t in etc var; do mkdir -p $D/$t/u $D/$t/w; "
      "mount -t overlay picket-privdrop-test -o lowerdir=/$t,upperdir=$D/$t/u,workdir=$D/$t/w /$t; done\n"
      "/usr/sbin/useradd --system --no-create-home --shell /usr/sbin/nologin " + user + "\n"
      "exec env ASAN_OPTIONS=detect_leaks=0 " PRIVDROP_PROBE " " + user + " " + extra_arg + "\n";
  auto r = test::run({"/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script},
                     std::chrono::seconds(120));
  std::map<std::string, std::string> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (auto eq = line.find('='); eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  out["exit"] = std::to_string(r.exit_code);
  out["stderr"] = r.err;
  return out;
}

bool can_use_namespaces() {
  if (geteuid() != 0) return false;
  auto r = test::run({"/usr/bin/unshare", "--mount", "--", "/bin/true"}, std::chrono::seconds(30));
  return r.exit_code == 0;
}

TEST(DropPrivileges, RootBecomesUserWithExactlyThreeCapabilities) {
  if (!can_use_namespaces()) {
    if (test::in_ci()) FAIL() << "CI must run this test as root with mount namespaces";
    GTEST_SKIP() << "needs root and mount namespaces (unshare --mount)";
  }
  test::TempDir dir;
  auto out = run_probe(dir, "");
  ASSERT_EQ(out["exit"], "0") << out["stderr"];
  ASSERT_EQ(out["handle_open"], "ok");
  ASSERT_EQ(out["drop"], "ok") << out["drop_error"];
  const std::string u = out["user_uid"];
  const std::string g = out["user_gid"];
  ASSERT_FALSE(u.empty());
  ASSERT_NE(u, "0");
  EXPECT_EQ(out["uid"], u + "," + u + "," + u + "," + u);
  EXPECT_EQ(out["gid"], g + "," + g + "," + g + "," + g);
  // CAP_DAC_READ_SEARCH (2), CAP_NET_ADMIN (12), CAP_NET_RAW (13): 0x3004.
  EXPECT_EQ(out["cap_eff"], "0000000000003004");
  EXPECT_EQ(out["cap_prm"], "0000000000003004");
  EXPECT_EQ(out["cap_inh"], "0000000000003004");
  EXPECT_EQ(out["cap_amb"], "0000000000003004");
  EXPECT_EQ(out["cap_bnd"], "0000000000003004");
  EXPECT_EQ(out["no_new_privs"], "1");
  // What the three capabilities allow, and what is gone.
  EXPECT_EQ(out["old_handle"], "ok");
  EXPECT_EQ(out["new_packet_socket"], "ok");
  EXPECT_EQ(out["read_shadow"], "ok");
  EXPECT_EQ(out["write_etc"], "denied");
  EXPECT_EQ(out["setuid0"], "denied");
  EXPECT_EQ(out["signal_init"], "denied");
}

TEST(DropPrivileges, RefusesWhenOtherThreadsExist) {
  if (!can_use_namespaces()) {
    if (test::in_ci()) FAIL() << "CI must run this test as root with mount namespaces";
    GTEST_SKIP() << "needs root and mount namespaces (unshare --mount)";
  }
  test::TempDir dir;
  auto out = run_probe(dir, "--with-thread");
  ASSERT_EQ(out["exit"], "0") << out["stderr"];
  EXPECT_EQ(out["drop"], "error");
  EXPECT_NE(out["drop_error"].find("threads"), std::string::npos) << out["drop_error"];
  EXPECT_EQ(out["uid"], "0,0,0,0");  // nothing changed
  EXPECT_NE(out["cap_eff"], "0000000000003004");
}

}  // namespace
}  // namespace picket::privdrop
