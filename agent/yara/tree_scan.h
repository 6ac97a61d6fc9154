#pragma once
// One-shot scan of files and folders with a pool of scan threads: `picket-agent --scan-path` and the
// benchmark. The calling thread walks the tree (not following symlinks) and feeds a bounded queue; each
// scan thread has its own Scanner over the shared RuleSet.
//
//   picket::yara::TreeScanOptions opt{.threads = 2};
//   auto stats = picket::yara::scan_tree({"/var/www"}, rules, opt, [&](const FileFacts& f, const RuleMatch& m) {
//     std::lock_guard lock(mu); write(yara_file_alert(m, f));   // called from the scan threads
//   });
//
// Call from any one thread; it blocks until every file was scanned.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/yara/file_scan.h"
#include "agent/yara/rules.h"
#include "agent/yara/scanner.h"

namespace picket::yara {

struct TreeScanOptions {
  uint32_t threads = 1;
  uint64_t max_file_size = 0;  // 0: no limit
  std::vector<std::string> exclude;
  ScanLimits limits;
  const Externals* fixed_externals = nullptr;  // same values for every file (benchmark against `yara -d`)
  size_t queue_size = 4096;
};

struct TreeScanStats {
  uint64_t files = 0;    // regular files scanned
  uint64_t bytes = 0;    // bytes scanned
  uint64_t skipped = 0;  // too large, not regular, excluded, vanished
  uint64_t errors = 0;   // unreadable files and libyara errors
  uint64_t matches = 0;  // (file, rule) matches
};

using MatchCallback = std::function<void(const FileFacts& file, const RuleMatch& match)>;

TreeScanStats scan_tree(const std::vector<std::string>& roots, std::shared_ptr<const RuleSet> rules,
                        const TreeScanOptions& options, const MatchCallback& on_match);

}  // namespace picket::yara
