#pragma once
// File integrity monitoring: a persisted baseline of watched files (sha256, size, mode, owner, mtime) and
// the alerts for a change between the baseline and what a scan sees now.
//
//   picket::yara::Baseline baseline("/var/lib/picket/agent/fim/baseline.json");
//   if (auto st = baseline.load(); !st) log(st.error().format());
//   baseline.set_learning(!baseline.existed());        // first run: record, do not alert
//   for (auto& a : baseline.observe(path, state)) emit(a); // create / modify / mode / owner
//   for (auto& a : baseline.observe_missing(path)) emit(a);   // delete
//   baseline.save();                                    // atomic: temp file, fsync, rename
//
// Change kinds: "create" (not in the baseline), "modify" (sha256 or size changed), "delete", "mode"
// (permission or type bits), "owner" (uid or gid). One observation can raise several (modify + mode).
// An mtime-only change updates the baseline silently. All methods are thread-safe.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "picket.pb.h"

namespace picket::yara {

struct FimState {
  std::string sha256;
  uint64_t size = 0;
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FimState&) const = default;
};

class Baseline {
 public:
  // `file` empty: in memory only (save() does nothing).
  explicit Baseline(std::string file);

  // Reads the baseline file; a missing file is an empty baseline (existed() false), a damaged one an error
  // naming it (the baseline then starts empty).
  Status load();
  bool existed() const;
  // While learning, new files are recorded without a "create" alert (the first scan of a fresh install).
  void set_learning(bool learning);

  std::vector<v1::Alert> observe(const std::string& path, const FimState& now);
  std::vector<v1::Alert> observe_missing(const std::string& path);
  // "delete" for every baseline file at or below `dir` (a folder moved out of the watched tree).
  std::vector<v1::Alert> observe_missing_under(const std::string& dir);

  // Sweep for files deleted while nobody watched: begin_sweep() before an initial scan, end_sweep() after
  // it returns "delete" alerts for baseline files below `roots` that the scan did not observe.
  void begin_sweep();
  std::vector<v1::Alert> end_sweep(const std::vector<std::string>& roots);

  // Writes the baseline when it changed since the last save. Atomic.
  Status save();
  size_t size() const;
  bool contains(const std::string& path) const;

 private:
  struct Entry {
    FimState state;
    uint64_t seen = 0;
  };
  const std::string file_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  bool existed_ = false;
  bool learning_ = false;
  bool dirty_ = false;
  uint64_t sweep_ = 0;
};

}  // namespace picket::yara
