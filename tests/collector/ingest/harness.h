#pragma once
// Helpers for the transport integration tests: real picket-collector and agent_driver processes on loopback
// ports chosen at runtime, and a reader of what the collector's journal holds.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collector/ingest/journal.h"
#include "tests/support/process.h"

namespace picket::test {

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A child process with stdout+stderr going to a log file.
class Child {
 public:
  Child() = default;
  Child(const std::vector<std::string>& argv, const std::string& log_path);
  ~Child();
  Child(Child&& o) noexcept;
  Child& operator=(Child&& o) noexcept;
  bool running();
  void kill_now(int sig = 9);
  // Waits for the exit; returns the exit code, 128+signal, or -1 on timeout (the child is then killed).
  int wait(std::chrono::seconds timeout);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

std::string read_file(const std::string& path);
// Polls `cond` every 50 ms until true or `timeout`.
bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

// A collector under test: state in `dir`, listening on 127.0.0.1:port, allow-list dir/agents.yaml.
struct CollectorSetup {
  std::string dir;
  int port = 0;
  std::vector<std::string> extra_sets;
  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port); }
  std::string agents_file() const { return dir + "/agents.yaml"; }
  std::string server_pub() const { return dir + "/collector.pub"; }
  std::string journal_dir() const { return dir + "/journal"; }
  Child start(const std::string& log_name = "collector.log") const;
};

// Generates a key pair at prefix (.key/.pub) and enrolls it in the allow-list; returns the public key.
std::string enroll_new_agent(const CollectorSetup& c, const std::string& name, const std::string& prefix);
// Revokes the agent in the allow-list (as picketctl agents revoke does).
bool revoke(const CollectorSetup& c, const std::string& name);

// Everything in a journal folder: per (agent key z85, epoch hex) the seqs stored, in journal order, and the
// driver.index of each alert.
struct JournalContents {
  struct Stream {
    std::vector<uint64_t> seqs;
    std::vector<std::string> indexes;
  };
  std::map<std::pair<std::string, std::string>, Stream> streams;
  uint64_t records = 0;
};
JournalContents read_journal(const std::string& dir);

// Checks that the stream of `key` holds exactly seqs 1..n once each, in order, with driver.index == seq.
// Returns "" when it does, else what is wrong.
std::string check_exactly_once(const JournalContents& j, const std::string& key, uint64_t n);

std::string driver_path();

}  // namespace picket::test
