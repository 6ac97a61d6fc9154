#pragma once
// inotify over watched folders, recursively: every folder below a root gets a watch, folders created or
// moved in later are added (and their files reported, since they may have been filled before the watch
// existed). A watched root that is a file is watched through its parent folder, so an editor replacing it
// by rename is still seen.
//
//   InotifyTree tree(filter);
//   tree.open();                                         // adds the watches
//   tree.poll(250, [&](const WatchEvent& e) { ... });    // one thread only
//
// Not thread-safe: one thread owns it (the monitor's watch thread).
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "agent/yara/path_filter.h"
#include "common/result.h"

namespace picket::yara {

struct WatchEvent {
  enum class Kind {
    kFileChanged,  // written, closed after write, moved in, attributes changed, created with content
    kFileGone,     // deleted or moved out
    kTreeAdded,    // a folder appeared (created or moved in): scan everything below it
    kTreeGone,     // a folder was moved out or deleted
    kOverflow,     // the kernel queue overflowed: events were lost, rescan everything
  };
  Kind kind;
  std::string path;
};

class InotifyTree {
 public:
  explicit InotifyTree(const PathFilter& filter);
  ~InotifyTree();
  InotifyTree(const InotifyTree&) = delete;
  InotifyTree& operator=(const InotifyTree&) = delete;

  // Creates the inotify instance and watches every root (missing roots are reported, the rest watched).
  Status open();
  // Waits up to timeout_ms for events and hands each to `on_event`. Returns false on a fatal error.
  bool poll(int timeout_ms, const std::function<void(const WatchEvent&)>& on_event);
  size_t watch_count() const { return dirs_.size(); }
  uint64_t overflows() const { return overflows_; }
  uint64_t watch_failures() const { return watch_failures_; }

 private:
  void add_tree(const std::string& dir);
  void add_dir(const std::string& dir);

  const PathFilter& filter_;
  int fd_ = -1;
  std::unordered_map<int, std::string> dirs_;  // watch descriptor -> folder
  uint64_t overflows_ = 0;
  uint64_t watch_failures_ = 0;
};

}  // namespace picket::yara
