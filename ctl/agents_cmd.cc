// picketctl agents add NAME PUBKEY [--label K=V]... | revoke NAME | list: edits the collector's allow-list
// (ingest.agents-file of the collector configuration given by --config, or the file given by --keys-file).
// The collector reloads the file when it changes; a revoked agent is refused within seconds.
// PUBKEY is the 40-character Z85 key or a file holding it (an agent's agent.pub).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <map>

#include "collector/cmd/collector_schema.h"
#include "collector/ingest/allow_list.h"
#include "collector/ingest/ingest_keys.h"
#include "common/cli.h"
#include "common/transport/keys.h"
#include "ctl/commands.h"

namespace picket::ctl {
namespace {

struct AgentsArgs {
  std::string config;
  std::string keys_file;
  std::string name;
  std::string key;
  std::vector<std::string> labels;
};

// The allow-list path, or "" after printing why there is none.
std::string resolve_path(const AgentsArgs& a) {
  if (!a.keys_file.empty()) return a.keys_file;
  config::Schema schema = collector::build_collector_schema();
  config::Loaded loaded = load_program_config(schema, a.config, {});
  if (!loaded.diag.ok()) {
    std::cerr << loaded.diag.format();
    return "";
  }
  return collector::allow_list_path_from(loaded.settings);
}

// Serialises concurrent picketctl edits of one file.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

int edit(const AgentsArgs& a, const char* verb) {
  const std::string path = resolve_path(a);
  if (path.empty()) return kExitConfigError;
  FileLock lock(path);
  auto list = collector::load_allow_list(path);
  if (!list) {
    std::cerr << list.error().format() << '\n';
    return kExitConfigError;
  }
  Status st;
  if (std::string_view(verb) == "add") {
    std::string key = a.key;
    if (!transport::is_z85_key(key)) {
      auto from_file = transport::load_public_key(key);
      if (!from_file) {
        std::cerr << "picketctl agents add: '" << key << "' is neither a CURVE public key nor a readable key file\n";
        return kExitUsage;
      }
      key = from_file.value();
    }
    std::map<std::string, std::string> labels;
    for (const auto& l : a.labels) {
      const size_t eq = l.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "picketctl agents add: --label wants KEY=VALUE, got '" << l << "'\n";
        return kExitUsage;
      }
      labels[l.substr(0, eq)] = l.substr(eq + 1);
    }
    const bool existed = list->by_name(a.name) != nullptr;
    st = collector::enroll_agent(&list.value(), a.name, key, labels);
    if (st) std::cout << (existed ? "re-enrolled " : "enrolled ") << a.name << '\n';
  } else {
    st = collector::revoke_agent(&list.value(), a.name);
    if (st) std::cout << "revoked " << a.name << '\n';
  }
  if (!st) {
    std::cerr << "picketctl agents " << verb << ": " << st.error().format() << '\n';
    return kExitFailure;
  }
  if (Status s = collector::save_allow_list(path, list.value()); !s) {
    std::cerr << s.error().format() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int list_agents(const AgentsArgs& a) {
  const std::string path = resolve_path(a);
  if (path.empty()) return kExitConfigError;
  auto list = collector::load_allow_list(path);
  if (!list) {
    std::cerr << list.error().format() << '\n';
    return kExitConfigError;
  }
  std::cout << std::left << std::setw(24) << "NAME" << std::setw(42) << "KEY" << std::setw(9) << "STATUS"
            << "LABELS\n";
  for (const auto& e : list->agents) {
    std::string labels;
    for (const auto& [k, v] : e.labels) labels += (labels.empty() ? "" : ",") + k + "=" + v;
    std::cout << std::setw(24) << e.name << std::setw(42) << e.key << std::setw(9)
              << (e.revoked ? "revoked" : "active") << labels << '\n';
  }
  return kExitOk;
}

void add_file_options(CLI::App* sub, AgentsArgs* a) {
  sub->add_option("-c,--config", a->config, "collector configuration (its ingest.agents-file is edited)");
  sub->add_option("--keys-file", a->keys_file, "the allow-list file itself");
}

}  // namespace

void setup_agents(CLI::App& app, int* exit_code) {
  CLI::App* agents = app.add_subcommand("agents", "enroll, revoke and list the agents the collector admits");
  agents->require_subcommand(1);
  auto args = std::make_shared<AgentsArgs>();

  CLI::App* add = agents->add_subcommand("add", "enroll an agent (re-enrolling a name replaces its key)");
  add->add_option("NAME", args->name, "agent name (unique)")->required();
  add->add_option("PUBKEY", args->key, "the agent's CURVE public key, or its .pub file")->required();
  add->add_option("--label", args->labels, "organisation label KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false)  // one value per --label: `--label a=b NAME` leaves NAME a positional
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_file_options(add, args.get());
  add->callback([exit_code, args] { *exit_code = edit(*args, "add"); });

  CLI::App* revoke = agents->add_subcommand("revoke", "revoke an agent: its connection is refused within seconds");
  revoke->add_option("NAME", args->name, "agent name")->required();
  add_file_options(revoke, args.get());
  revoke->callback([exit_code, args] { *exit_code = edit(*args, "revoke"); });

  CLI::App* list = agents->add_subcommand("list", "list enrolled agents");
  add_file_options(list, args.get());
  list->callback([exit_code, args] { *exit_code = list_agents(*args); });
}

}  // namespace picket::ctl
