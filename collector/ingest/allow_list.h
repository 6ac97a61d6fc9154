#pragma once
// The collector's allow-list of enrolled agents: a YAML file that `picketctl agents add/revoke` edits and the
// collector reloads when it changes.
//
//   # agents.yaml
//   agents:
//     - name: web01                                    # unique; the agent's identity for operators
//       key: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"  # its CURVE public key (Z85)
//       labels: {ministry: finance, province: north}
//       revoked: false
//
//   auto list = picket::collector::load_allow_list("agents.yaml");   // Result<AllowList>
//   if (list && list->allows(key_z85)) ...
//
// Enrolling an existing name replaces its key and labels (re-enrolling a host keeps its name: no duplicate
// agents); a key already enrolled under another name is refused. Revoking keeps the entry, marked revoked.
//
// AllowList is a plain value. AllowListWatcher::current() may be called from any thread; poll() from one.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <sys/stat.h>

#include "common/result.h"

namespace picket::collector {

struct AgentEntry {
  std::string name;
  std::string key;  // Z85 public key
  std::map<std::string, std::string> labels;
  bool revoked = false;
};

struct AllowList {
  std::vector<AgentEntry> agents;

  const AgentEntry* by_key(std::string_view key) const;
  const AgentEntry* by_name(std::string_view name) const;
  // True when `key` is enrolled and not revoked.
  bool allows(std::string_view key) const;
};

// Parses the file's text; errors carry file:line:column.
Result<AllowList> parse_allow_list(std::string_view yaml, const std::string& file_name);
// A missing file is an empty list (nothing admitted); an unreadable or malformed one is an error.
Result<AllowList> load_allow_list(const std::string& path);
// Writes atomically (temporary file, fsync, rename) with mode 0640.
Status save_allow_list(const std::string& path, const AllowList& list);

// Enrollment (pure edits of a list).
Status enroll_agent(AllowList* list, const std::string& name, const std::string& key,
                    const std::map<std::string, std::string>& labels);
Status revoke_agent(AllowList* list, const std::string& name);

// Holds the current list and reloads the file when its inode, size or mtime changes. A file that fails to
// parse keeps the previous list (and logs the error).
class AllowListWatcher {
 public:
  explicit AllowListWatcher(std::string path);
  // Loads the file now; an error is returned (and the list is empty) when it is malformed.
  Status load();
  // Reloads when changed; returns true when a new list was installed.
  bool poll();
  std::shared_ptr<const AllowList> current() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mu_;
  std::shared_ptr<const AllowList> list_;
  struct stat last_ {};
  bool have_stat_ = false;
};

}  // namespace picket::collector
