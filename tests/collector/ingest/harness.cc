#include "tests/collector/ingest/harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "collector/ingest/allow_list.h"
#include "common/transport/keys.h"
#include "common/transport/wire.h"
#include "picket.pb.h"

namespace picket::test {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

Child::Child(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

Child::~Child() {
  if (pid_ > 0) {
    kill_now(SIGKILL);
    wait(std::chrono::seconds(30));
  }
}

Child::Child(Child&& o) noexcept : pid_(o.pid_), status_(o.status_) { o.pid_ = -1; }

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0) {
      kill_now(SIGKILL);
      wait(std::chrono::seconds(30));
    }
    pid_ = o.pid_;
    status_ = o.status_;
    o.pid_ = -1;
  }
  return *this;
}

bool Child::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    pid_ = -1;
    return false;
  }
  return true;
}

void Child::kill_now(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Child::wait(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill_now(SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

Child CollectorSetup::start(const std::string& log_name) const {
  std::vector<std::string> argv = {program_path("picket-collector"),
                                   "--set", "collector.state-dir=" + dir,
                                   "--set", "ingest.listen=" + endpoint(),
                                   // Collectors of tests running side by side must not share the default
                                   // live-stream port (0.0.0.0:7801): an ephemeral loopback port each.
                                   "--set", "publish.stream.listen=tcp://127.0.0.1:*",
                                   "--set", "logging.level=info"};
  for (const auto& s : extra_sets) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  return Child(argv, dir + "/" + log_name);
}

std::string enroll_new_agent(const CollectorSetup& c, const std::string& name, const std::string& prefix) {
  auto pair = transport::generate_key_pair();
  if (!pair || !transport::write_key_files(prefix, pair.value(), true)) return "";
  // The same library calls picketctl agents add makes (tests/ctl/agents runs picketctl itself).
  auto list = collector::load_allow_list(c.agents_file());
  if (!list || !collector::enroll_agent(&list.value(), name, pair->public_z85, {{"ministry", "finance"}}) ||
      !collector::save_allow_list(c.agents_file(), list.value())) {
    return "";
  }
  return pair->public_z85;
}

bool revoke(const CollectorSetup& c, const std::string& name) {
  auto list = collector::load_allow_list(c.agents_file());
  return list && collector::revoke_agent(&list.value(), name) && collector::save_allow_list(c.agents_file(), list.value());
}

JournalContents read_journal(const std::string& dir) {
  JournalContents out;
  collector::JournalReader reader(dir, "test-reader-" + std::to_string(::getpid()));
  std::vector<collector::JournalRecord> recs;
  v1::Alert alert;
  while (reader.next(4096, &recs) > 0) {
    for (const auto& r : recs) {
      auto& s = out.streams[{transport::bytes_to_z85(r.stream.key), transport::epoch_hex(r.stream.epoch)}];
      s.seqs.push_back(r.seq);
      alert.Clear();
      alert.ParseFromString(r.alert);
      auto it = alert.metadata().find("driver.index");
      s.indexes.push_back(it == alert.metadata().end() ? "" : it->second);
      ++out.records;
    }
  }
  return out;
}

std::string check_exactly_once(const JournalContents& j, const std::string& key, uint64_t n) {
  std::ostringstream why;
  int found = 0;
  for (const auto& [id, s] : j.streams) {
    if (id.first != key) continue;
    ++found;
    if (s.seqs.size() != n) why << "stream " << id.second << " holds " << s.seqs.size() << " alerts, want " << n << "; ";
    for (size_t i = 0; i < s.seqs.size(); ++i) {
      if (s.seqs[i] != i + 1) {
        why << "position " << i << " holds seq " << s.seqs[i] << "; ";
        break;
      }
      if (s.indexes[i] != std::to_string(i + 1)) {
        why << "seq " << i + 1 << " carries driver.index '" << s.indexes[i] << "'; ";
        break;
      }
    }
  }
  if (found != 1) why << found << " streams for the agent, want 1";
  return why.str();
}

std::string driver_path() { return std::string(PICKET_BINARY_DIR) + "/tests/collector/ingest/agent_driver"; }

}  // namespace picket::test
