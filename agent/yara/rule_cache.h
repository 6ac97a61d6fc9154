#pragma once
// Compiled-rules cache in the agent's state folder: compiling a large rule set (signature-base: ~750
// files) takes about a second, loading the compiled form a few milliseconds.
//
//   auto loaded = picket::yara::load_rules(paths, "/var/lib/picket/agent/yara-cache");
//   // loaded.rules, loaded.diag (the same errors as a fresh compile), loaded.from_cache
//
// The key is sources_digest() (rules.h) of the listed files. The cache holds `rules-<key>.yarc`
// (yr_rules_save) and `rules-<key>.json` (loaded/failed files and the errors, so a cached load reports
// what a compile would); both are written to a temporary name and renamed, so a crash never leaves a
// half-written cache, and older entries are removed. Files pulled in by `include` are not part of the key:
// edit the including file (or send SIGHUP after touching it) to recompile. An empty cache_dir disables the
// cache. Any thread; concurrent loads of the same folder are safe (last rename wins, same content).
#include <memory>
#include <string>
#include <vector>

#include "agent/yara/rules.h"
#include "common/error.h"

namespace picket::yara {

struct LoadedRules {
  std::shared_ptr<const RuleSet> rules;  // nullptr when nothing compiled
  Diagnostics diag;
  std::vector<std::string> loaded;  // files in the set
  std::vector<std::string> failed;  // files rejected
  bool from_cache = false;
};

LoadedRules load_rules(const std::vector<std::string>& paths, const std::string& cache_dir,
                       const CompileOptions& options = {});

}  // namespace picket::yara
