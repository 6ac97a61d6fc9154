#pragma once
// Scanning one file: open (never following a symlink), map it once, and from the same mapping run YARA
// and, when asked, SHA-256 (FIM needs it for every file; alerts only for matches).
//
//   picket::yara::FileFacts facts;
//   std::vector<RuleMatch> matches;
//   auto st = picket::yara::scan_file(&scanner, "/var/www/x.php", {.max_scan_size = 32 << 20}, &facts, &matches);
//
// The file is read (not mapped: a file truncated during the scan must not raise SIGBUS) into a per-thread
// buffer that grows to the largest file scanned (at most max_scan_size). Files above max_scan_size are
// hashed in blocks when asked. Any thread, each with its own Scanner (or nullptr to only stat and hash).
// Never throws.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/yara/externals.h"
#include "agent/yara/scanner.h"

namespace picket::yara {

struct FileFacts {
  std::string path;
  uint64_t size = 0;
  uint32_t mode = 0;  // st_mode, type and permission bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime_ns = 0;
  std::string sha256;  // set when hashed
};

struct FileScanOptions {
  uint64_t max_scan_size = 0;  // files larger are not YARA-scanned (0: no limit)
  bool hash = false;           // always hash (FIM); otherwise only when a rule matched
  // Fixed external values instead of the per-file ones (the benchmark compares with `yara -d`).
  const Externals* fixed_externals = nullptr;
};

enum class FileScanStatus {
  kScanned,     // scanned (and hashed if asked)
  kTooLarge,    // not YARA-scanned: above max_scan_size (still stat'ed and hashed if asked)
  kNotRegular,  // a folder, socket, symlink, device...
  kGone,        // vanished before it could be opened
  kError,       // unreadable, or a libyara error (matches so far are kept)
};

FileScanStatus scan_file(Scanner* scanner, const std::string& path, const FileScanOptions& options,
                         FileFacts* facts, std::vector<RuleMatch>* matches);

}  // namespace picket::yara
