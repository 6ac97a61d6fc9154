#pragma once
// One libyara scanner over a shared RuleSet. Create one per scanning thread (a Scanner is not
// thread-safe; the RuleSet is shared read-only).
//
//   picket::yara::Scanner scanner(rules);
//   scanner.set_externals(externals_for_file(path, uid, head));
//   std::vector<RuleMatch> matches;
//   if (!scanner.scan(bytes, &matches)) count_error(scanner.last_error());
//
// Matched string data is capped (ScanLimits::max_match_data bytes per match, max_strings matches per
// rule) so a hostile file cannot inflate an alert. Never throws; a libyara error (timeout, too many
// matches, out of memory) returns false with whatever matched so far.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "agent/yara/externals.h"
#include "agent/yara/rules.h"

struct YR_SCAN_CONTEXT;

namespace picket::yara {

struct StringMatch {
  std::string identifier;  // "$s1"
  uint64_t offset = 0;
  std::string data;        // the matched bytes, capped
};

struct RuleMatch {
  std::string rule;
  std::string rule_namespace;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> metas;  // in rule order; integers and booleans as text
  std::vector<StringMatch> strings;
};

struct ScanLimits {
  uint32_t max_match_data = 64;  // bytes kept per matched string
  uint32_t max_strings = 32;     // matches kept per rule
  int timeout_s = 30;            // per scan
};

class Scanner {
 public:
  explicit Scanner(std::shared_ptr<const RuleSet> rules, ScanLimits limits = {});
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  bool valid() const { return scanner_ != nullptr; }
  const std::shared_ptr<const RuleSet>& rules() const { return rules_; }
  // Values for filename, filepath, extension, filetype, owner for the next scans.
  void set_externals(const Externals& ext);
  // Appends one RuleMatch per matching rule. False on a libyara error (last_error()).
  bool scan(std::span<const uint8_t> data, std::vector<RuleMatch>* out);
  int last_error() const { return last_error_; }

 private:
  std::shared_ptr<const RuleSet> rules_;
  ScanLimits limits_;
  YR_SCAN_CONTEXT* scanner_ = nullptr;
  int last_error_ = 0;
};

}  // namespace picket::yara
