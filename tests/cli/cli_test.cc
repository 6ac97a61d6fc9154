// The three programs as users run them: --version, --help, --check-config and its exit codes.
#include <gtest/gtest.h>


#include "tests/support/process.h"

namespace picket::test {
namespace {

const std::vector<std::string> kPrograms = {"picket-agent", "picket-collector", "picketctl"};

TEST(Cli, VersionAndHelp) {
  for (const auto& p : kPrograms) {
    RunResult v = run({program_path(p), "--version"});
    EXPECT_EQ(v.exit_code, 0) << p << v.err;
    EXPECT_EQ(v.out, p + " " + PICKET_VERSION_STRING + "\n");
    RunResult h = run({program_path(p), "--help"});
    EXPECT_EQ(h.exit_code, 0) << p << h.err;
    EXPECT_NE(h.out.find("Usage:"), std::string::npos) << p;
  }
}

TEST(Cli, BadArgumentsAreUsageErrors) {
  for (const auto& p : kPrograms) {
    RunResult r = run({program_path(p), "--no-such-flag"});
    EXPECT_EQ(r.exit_code, 64) << p;
  }
}

class CheckConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckConfig, MalformedFileIsOneLineWithFileLineColumnAndExit2) {
  TempDir dir;
  std::string broken = dir.write("broken.yaml", "logging:\n  level: info\n  file: [unclosed\n");
  RunResult r = run({program_path(GetParam()), "--config", broken, "--check-config"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  // Exactly one line: FILE:LINE:COLUMN: message
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  ASSERT_EQ(r.err.rfind(broken + ":", 0), 0u) << r.err;
  // After the file name: LINE:COLUMN: message
  std::string rest = r.err.substr(broken.size() + 1);
  size_t c1 = rest.find(':');
  size_t c2 = rest.find(':', c1 + 1);
  ASSERT_NE(c2, std::string::npos) << r.err;
  EXPECT_GE(std::stoi(rest.substr(0, c1)), 3) << r.err;  // yaml-cpp reports where it noticed the problem
  EXPECT_GT(std::stoi(rest.substr(c1 + 1, c2 - c1 - 1)), 0) << r.err;
  EXPECT_EQ(rest.substr(c2, 2), ": ") << r.err;
}

TEST_P(CheckConfig, UnknownKeyAndBadValueEachGetALine) {
  TempDir dir;
  std::string cfg = dir.write("bad.yaml", "logging:\n  levle: info\n  console: perhaps\n");
  RunResult r = run({program_path(GetParam()), "-c", cfg, "--check-config"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, cfg + ":2:3: unknown key 'logging.levle'; did you mean 'logging.level'?\n" + cfg +
                       ":3:12: logging.console: expected true or false; got 'perhaps'\n");
}

TEST_P(CheckConfig, ValidFileAndDefaultsPass) {
  TempDir dir;
  std::string cfg = dir.write("ok.yaml", "logging:\n  level: debug\n");
  RunResult r = run({program_path(GetParam()), "--config", cfg, "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("configuration OK"), std::string::npos);
  RunResult d = run({program_path(GetParam()), "--check-config"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
}

TEST_P(CheckConfig, OverridesAreValidated) {
  RunResult r = run({program_path(GetParam()), "--check-config", "--set", "logging.level=chatty"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "--set: logging.level: expected one of trace, debug, info, warn, error, off; got 'chatty'\n");
  RunResult u = run({program_path(GetParam()), "--check-config", "--set", "no.such=1"});
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_EQ(u.err, "--set: unknown or unsupported setting 'no.such'\n");
}

TEST_P(CheckConfig, MissingFileIsAConfigError) {
  RunResult r = run({program_path(GetParam()), "--config", "/nonexistent/x.yaml", "--check-config"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "/nonexistent/x.yaml: cannot read config file: No such file or directory\n");
}

INSTANTIATE_TEST_SUITE_P(Programs, CheckConfig, ::testing::Values("picket-agent", "picket-collector"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

TEST(Cli, PicketctlVersionSubcommand) {
  RunResult r = run({program_path("picketctl"), "version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("picketctl ") + PICKET_VERSION_STRING + " (wire schema v1)\n");
}

}  // namespace
}  // namespace picket::test
