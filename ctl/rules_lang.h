#pragma once
// Rule languages known to `picketctl rules check`. Each language claims files by extension and checks
// them, returning counts, reasons and errors; the command prints them and writes each language's JSON under
// its own key ("suricata", "sigma", "yara"). Add a language with one row in kRuleLanguages (rules_cmd.cc)
// and a check function in its own file:
//
//   LanguageReport check_sigma(const std::vector<std::string>& files, const RuleCheckOptions& opt);
//   {.key = "sigma", .extensions = {".yml", ".yaml"}, .check = check_sigma},
//
// Runs on the command's thread only.
#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace picket::ctl {

struct RuleCheckOptions {
  std::string config_path;             // --config (agent configuration for variables etc.), may be empty
  std::vector<std::string> overrides;  // --set KEY=VALUE
};

struct LanguageReport {
  size_t loaded = 0;
  size_t failed = 0;
  std::map<std::string, size_t> reasons;  // short reason -> rejected rules
  std::vector<Error> errors;              // one per rejected rule (or unreadable file)
  std::map<std::string, size_t> extra;    // more counts for JSON and summary (sigma: active, correlations)
};

struct RuleLanguage {
  std::string_view key;                            // JSON key and summary label
  std::initializer_list<std::string_view> extensions;  // file name endings this language claims
  LanguageReport (*check)(const std::vector<std::string>& files, const RuleCheckOptions& opt);
};

LanguageReport check_suricata(const std::vector<std::string>& files, const RuleCheckOptions& opt);
LanguageReport check_sigma(const std::vector<std::string>& files, const RuleCheckOptions& opt);  // rules_sigma.cc
LanguageReport check_yara(const std::vector<std::string>& files, const RuleCheckOptions& opt);  // rules_yara.cc

}  // namespace picket::ctl
