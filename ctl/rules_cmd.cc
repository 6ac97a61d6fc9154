// picketctl rules check PATH... [--strict] [--json] [--config FILE] [--set KEY=VALUE]
//
// Loads every rule file under the given paths with the engine of its language (kRuleLanguages), prints
// every rejected rule as `FILE:LINE: sid N: message`, then a summary per language with the reasons.
// Exit: 0 when any rule loads, 2 when none does, 1 with --strict when any rule was rejected.
// --json prints {"suricata": {"loaded": N, "failed": M, "reasons": {...}}, ..., "errors": [...]} instead.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iostream>

#include "agent/detect/config.h"
#include "agent/detect/engine.h"
#include "agent/detect/parser.h"
#include "common/cli.h"
#include "common/config.h"
#include "ctl/commands.h"
#include "ctl/rules_lang.h"

namespace picket::ctl {
namespace {

// One row per rule language. Sigma and YARA add their rows here.
const std::array kRuleLanguages = {
    RuleLanguage{.key = "suricata", .extensions = {".rules"}, .check = check_suricata},
    RuleLanguage{.key = "sigma", .extensions = {".yml", ".yaml"}, .check = check_sigma},
    RuleLanguage{.key = "yara", .extensions = {".yar", ".yara"}, .check = check_yara},
};

bool claims(const RuleLanguage& lang, const std::string& path) {
  return std::any_of(lang.extensions.begin(), lang.extensions.end(),
                     [&](std::string_view ext) { return path.ends_with(ext); });
}

struct Args {
  std::vector<std::string> paths;
  bool strict = false;
  bool json = false;
  RuleCheckOptions opt;
};

int run_check(const Args& a) {
  namespace fs = std::filesystem;
  std::vector<std::vector<std::string>> files(kRuleLanguages.size());
  std::vector<Error> path_errors;
  auto place = [&](const std::string& f, bool explicit_file) {
    for (size_t i = 0; i < kRuleLanguages.size(); ++i) {
      if (claims(kRuleLanguages[i], f)) {
        files[i].push_back(f);
        return;
      }
    }
    if (explicit_file) path_errors.push_back(Error{.file = f, .message = "no rule language claims this file"});
  };
  for (const auto& p : a.paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec)) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      for (const auto& f : found) place(f, false);
    } else if (fs::exists(p, ec)) {
      place(p, true);
    } else {
      path_errors.push_back(Error{.file = p, .message = "no such file or folder"});
    }
  }
  size_t loaded = 0, failed = 0;
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json errors = nlohmann::json::array();
  std::vector<std::pair<std::string_view, LanguageReport>> reports;
  for (size_t i = 0; i < kRuleLanguages.size(); ++i) {
    if (files[i].empty()) continue;
    reports.emplace_back(kRuleLanguages[i].key, kRuleLanguages[i].check(files[i], a.opt));
  }
  for (const auto& e : path_errors) {
    if (a.json) {
      errors.push_back(e.format());
    } else {
      std::cout << e.format() << '\n';
    }
  }
  for (const auto& [key, r] : reports) {
    loaded += r.loaded;
    failed += r.failed;
    nlohmann::json reasons = nlohmann::json::object();
    for (const auto& [why, n] : r.reasons) reasons[why] = n;
    out[std::string(key)] = {{"loaded", r.loaded}, {"failed", r.failed}, {"reasons", reasons}};
    for (const auto& [name, n] : r.extra) out[std::string(key)][name] = n;
    for (const auto& e : r.errors) {
      if (a.json) {
        errors.push_back(e.format());
      } else {
        std::cout << e.format() << '\n';
      }
    }
  }
  if (a.json) {
    out["errors"] = errors;
    std::cout << out.dump(1) << '\n';
  } else {
    for (const auto& [key, r] : reports) {
      size_t total = r.loaded + r.failed;
      double share = total == 0 ? 0.0 : 100.0 * static_cast<double>(r.loaded) / static_cast<double>(total);
      std::printf("%.*s: %zu loaded, %zu failed (%.1f%% loaded)\n", static_cast<int>(key.size()), key.data(), r.loaded,
                  r.failed, share);
      for (const auto& [name, n] : r.extra) std::printf("  %s: %zu\n", name.c_str(), n);
      std::vector<std::pair<size_t, std::string>> top;
      for (const auto& [why, n] : r.reasons) top.emplace_back(n, why);
      std::sort(top.rbegin(), top.rend());
      for (const auto& [n, why] : top) std::printf("  %6zu  %s\n", n, why.c_str());
    }
    if (reports.empty()) std::cout << "no rule files found\n";
  }
  if (loaded == 0) return kExitConfigError;
  if (a.strict && (failed > 0 || !path_errors.empty())) return kExitFailure;
  return kExitOk;
}

}  // namespace

LanguageReport check_suricata(const std::vector<std::string>& files, const RuleCheckOptions& opt) {
  LanguageReport rep;
  detect::EngineConfig cfg;
  if (!opt.config_path.empty() || !opt.overrides.empty()) {
    config::Schema schema;
    detect::add_detect_keys(schema);
    schema.add({.key = "threshold-file", .type = config::Type::kString});
    auto loaded = opt.config_path.empty() ? config::load_text(schema, "", "--set", opt.overrides)
                                          : config::load_file(schema, opt.config_path, opt.overrides);
    for (const auto& e : loaded.diag.errors()) rep.errors.push_back(e);
    cfg = detect::engine_config_from(loaded.settings);
  }
  detect::RuleSet set = detect::load_rules(files, cfg.vars);
  Diagnostics cdiag;
  auto classes = detect::Classification::load(cfg.classification_file, &cdiag);
  detect::reject_unknown_classtypes(&set, classes);
  for (const auto& e : cdiag.errors()) rep.errors.push_back(e);
  for (const auto& e : set.diag.errors()) rep.errors.push_back(e);
  rep.loaded = set.rules.size();
  rep.failed = set.failed;
  rep.reasons = set.reasons;
  return rep;
}

void setup_rules(CLI::App& app, int* exit_code) {
  CLI::App* rules = app.add_subcommand("rules", "rule tools");
  rules->require_subcommand(1);
  CLI::App* check = rules->add_subcommand("check", "load rule files (Suricata .rules, ...) and report every rejected rule");
  auto args = std::make_shared<Args>();
  check->add_option("paths", args->paths, "rule files or folders")->required();
  check->add_flag("--strict", args->strict, "exit 1 when any rule is rejected");
  check->add_flag("--json", args->json, "print a JSON report");
  check->add_option("-c,--config", args->opt.config_path, "agent configuration (rule variables, classification file)");
  check->add_option("--set", args->opt.overrides, "KEY=VALUE configuration override");
  check->callback([args, exit_code] { *exit_code = run_check(*args); });
}

}  // namespace picket::ctl
