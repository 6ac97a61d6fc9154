#pragma once
// Follows one log file path across rotations without losing or repeating a line.
//
//   picket::host::FileTailer t("/var/log/auth.log", "/var/lib/picket/agent/log-offsets/auth.state",
//                              /*from_start=*/false);
//   for (;;) {
//     t.poll([&](std::string_view line, uint64_t offset) { handle(line); });
//     t.save();            // after the lines are safely handed on: offsets are fsynced and renamed into place
//     sleep(250ms);
//   }
//
// What it handles:
//  - rename rotation (path now names another inode): the old file is read to its end, then the new one from 0;
//  - copytruncate and truncate-in-place (size below our offset, or the first bytes changed): the rest of the old
//    content is read from a sibling copy whose first bytes match (path.1, path-2026..), then the file from 0;
//  - delete-recreate, also when the new file got the old inode number: the content fingerprint (hash of the
//    first up to 256 bytes) tells a reused inode from the same file;
//  - restarts: the saved state (device, inode, offset, fingerprint) resumes the same file, or, when the file was
//    rotated meanwhile, finds it among the siblings and finishes it before the new one.
// Only complete lines ('\n'-terminated) are delivered; a rotated file's unterminated last line is delivered when
// the file is finished. Lines longer than kMaxLine are cut (the rest is skipped, counted).
// One thread per tailer.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace picket::host {

using LineSink = std::function<void(std::string_view line, uint64_t offset)>;

struct TailStats {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t rotations = 0;    // renames and delete-recreates followed
  uint64_t truncations = 0;  // copytruncate / truncate-in-place detected
  uint64_t recovered = 0;    // lines read from a rotated sibling
  uint64_t cut_lines = 0;
};

class FileTailer {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;
  static constexpr size_t kFingerprintBytes = 256;

  // `state_file` empty: no persistence (offline reading). `from_start`: where a file never seen starts.
  FileTailer(std::string path, std::string state_file, bool from_start);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // Reads everything new and delivers complete lines. Returns the number of lines delivered.
  size_t poll(const LineSink& sink);
  // Offline end of input: delivers an unterminated last line (the offset then points past it).
  void finish(const LineSink& sink);
  // Writes the state atomically (temp file, fsync, rename, fsync of the folder). No-op without a state file.
  Status save();
  const std::string& path() const { return path_; }
  const TailStats& stats() const { return stats_; }
  uint64_t inode() const { return ino_; }

 private:
  struct Saved {
    bool valid = false;
    uint64_t dev = 0, ino = 0, offset = 0, fp_len = 0, fp_hash = 0;
  };
  bool open_current(const LineSink& sink);
  size_t read_fd(int fd, uint64_t* pos, std::string& pending, uint64_t* line_start, const LineSink& sink,
                 uint64_t limit);
  void finish_fd(int fd, uint64_t pos, std::string& pending, uint64_t line_start, const LineSink& sink);
  bool fingerprint(int fd, uint64_t len, uint64_t* hash) const;
  void update_fingerprint();
  bool recover_from_sibling(uint64_t dev, uint64_t ino, uint64_t fp_len, uint64_t fp_hash, uint64_t offset,
                            bool match_inode, const LineSink& sink);
  void load_state();
  void reset_to(int fd, uint64_t dev, uint64_t ino, uint64_t offset);

  std::string path_;
  std::string state_file_;
  bool from_start_;
  Saved saved_;
  int fd_ = -1;
  uint64_t dev_ = 0, ino_ = 0;
  uint64_t pos_ = 0;         // bytes read from fd_
  uint64_t line_start_ = 0;  // offset of the first byte of `pending_` (= the committed offset)
  std::string pending_;      // an incomplete last line
  uint64_t fp_len_ = 0, fp_hash_ = 0;
  bool skipping_ = false;    // inside an over-long line
  std::string last_saved_;   // skip rewriting an unchanged state
  TailStats stats_;
};

}  // namespace picket::host
