// The real picket-agent daemon (a temp config: host.logs with one auth.log input, host.sigma-rules, no
// collector running) tails the log, runs the Sigma rules, and puts the alerts in its disk spool like network
// alerts; a restart neither repeats nor loses an alert. The spool is read after the agent stopped, with the
// agent's own spool library.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent/transport/spool.h"
#include "common/transport/keys.h"
#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;

const char* kRule = R"(title: Picket test - SSH login attempt for an invalid user
id: 5f0c1a3e-0000-4000-8000-000000000001
status: test
logsource:
  product: linux
  service: sshd
detection:
  selection:
    - 'Invalid user'
  condition: selection
level: medium
tags: [attack.credential-access]
)";

std::string auth_line(int n, bool invalid) {
  return "Nov 30 10:00:" + std::string(n < 10 ? "0" : "") + std::to_string(n) + " web1 sshd[" +
         std::to_string(1000 + n) + "]: " +
         (invalid ? "Invalid user guest" + std::to_string(n) + " from 203.0.113." + std::to_string(n) + " port 4242"
                  : "Accepted publickey for alice from 10.0.0.1 port 5000 ssh2") +
         "\n";
}

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

// The daemon as a child process; stdout and stderr go to files.
class Agent {
 public:
  Agent(const std::string& config, const std::string& out, const std::string& err) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(o, 1);
      ::dup2(e, 2);
      const std::string agent = picket::test::program_path("picket-agent");
      ::execl(agent.c_str(), agent.c_str(), "--config", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Agent() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool running() {
    int status = 0;
    return pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == 0;
  }
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// The saved read offset of the one log input (0 when none is saved yet).
uint64_t saved_offset(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".state") continue;
    std::ifstream in(e.path());
    std::string magic;
    int version = 0;
    uint64_t dev = 0, ino = 0, offset = 0;
    if (in >> magic >> version >> dev >> ino >> offset) return offset;
  }
  return 0;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Waits until the agent saved an offset at the end of `log` (its alerts were in the spool before).
::testing::AssertionResult caught_up(Agent& agent, const std::string& log, const std::string& offsets_dir,
                                     const std::string& err_file) {
  const uint64_t size = std::filesystem::file_size(log);
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (saved_offset(offsets_dir) == size) return ::testing::AssertionSuccess();
    if (!agent.running()) return ::testing::AssertionFailure() << "picket-agent exited: " << slurp(err_file);
    std::this_thread::sleep_for(50ms);
  }
  return ::testing::AssertionFailure() << "offset " << saved_offset(offsets_dir) << " never reached " << size;
}

std::vector<picket::v1::Alert> spooled_alerts(const std::string& spool_dir) {
  std::vector<picket::v1::Alert> out;
  auto spool = picket::agent::Spool::open({.dir = spool_dir});
  EXPECT_TRUE(spool) << (spool ? "" : spool.error().format());
  if (!spool) return out;
  std::vector<picket::agent::SpoolRecord> recs;
  uint64_t next = 1;
  while ((*spool)->read(next, 1000, 1 << 20, &recs) > 0) {
    for (const auto& r : recs) {
      picket::v1::Alert a;
      EXPECT_TRUE(a.ParseFromString(r.payload));
      out.push_back(std::move(a));
      next = r.seq + 1;
    }
  }
  return out;
}

TEST(DaemonLogs, SigmaAlertsFromConfiguredLogsReachTheSpoolOnceAcrossARestart) {
  picket::test::TempDir dir;
  const std::string state = dir.file("state");
  ::mkdir(state.c_str(), 0700);
  ::mkdir(dir.file("rules").c_str(), 0700);
  dir.write("rules/ssh_invalid_user.yml", kRule);
  auto collector = picket::transport::load_or_create_key_pair(dir.file("collector.key"), state + "/collector.pub");
  ASSERT_TRUE(collector) << collector.error().format();
  const std::string log = dir.file("auth.log");
  // Before the first start: two matching lines and one that is not (start: beginning reads them).
  append(log, auth_line(1, true) + auth_line(2, false) + auth_line(3, true));
  const std::string config = dir.write("agent.yaml", "logging:\n  level: info\n"
                                                     "agent:\n  state-dir: " + state + "\n  user: ''\n"
                                                     "transport:\n  collector: tcp://127.0.0.1:9\n"
                                                     "host:\n  poll-interval: 20ms\n"
                                                     "  sigma-rules: [" + dir.file("rules") + "]\n"
                                                     "  logs:\n"
                                                     "    - {name: auth, path: " + log +
                                                     ", format: auth, start: beginning}\n");
  const std::string offsets = state + "/log-offsets";
  {
    Agent agent(config, dir.file("out1"), dir.file("err1"));
    ASSERT_TRUE(caught_up(agent, log, offsets, dir.file("err1")));
    append(log, auth_line(4, true) + auth_line(5, false));  // appended while it runs
    ASSERT_TRUE(caught_up(agent, log, offsets, dir.file("err1")));
    EXPECT_EQ(agent.stop(), 0) << slurp(dir.file("err1"));
  }
  append(log, auth_line(6, true));  // written while no agent runs
  {
    Agent agent(config, dir.file("out2"), dir.file("err2"));
    ASSERT_TRUE(caught_up(agent, log, offsets, dir.file("err2")));
    append(log, auth_line(7, true));
    ASSERT_TRUE(caught_up(agent, log, offsets, dir.file("err2")));
    EXPECT_EQ(agent.stop(), 0) << slurp(dir.file("err2"));
  }
  const std::string log1 = slurp(dir.file("out1")) + slurp(dir.file("err1"));
  EXPECT_NE(log1.find("log inputs running: 1 configured"), std::string::npos) << log1;

  const auto alerts = spooled_alerts(state + "/spool");
  std::vector<std::string> users;
  for (const auto& a : alerts) {
    if (a.rule().engine() != picket::v1::ENGINE_SIGMA) continue;
    EXPECT_EQ(a.rule().rule_id(), "5f0c1a3e-0000-4000-8000-000000000001");
    EXPECT_EQ(a.rule().severity(), 2u);
    EXPECT_EQ(a.log().source(), "auth");
    EXPECT_EQ(a.log().format(), "auth");
    EXPECT_NE(a.log().line().find("Invalid user guest"), std::string::npos) << a.log().line();
    const auto it = a.log().fields().find("user");
    users.push_back(it == a.log().fields().end() ? "?" : it->second);
  }
  // Every matching line once, in order: 1, 3, 4 (first run), 6 (written while stopped), 7 (second run).
  EXPECT_EQ(users, (std::vector<std::string>{"guest1", "guest3", "guest4", "guest6", "guest7"}));
}

}  // namespace
