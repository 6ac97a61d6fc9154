#include "agent/yara/rule_cache.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "agent/yara/libyara.h"
#include <spdlog/spdlog.h>

// libyara last: its headers define macros (get_string, ...) that clash with other headers.
#include <yara.h>

namespace picket::yara {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json errors_to_json(const std::vector<Error>& errors) {
  json arr = json::array();
  for (const auto& e : errors) {
    arr.push_back({{"file", e.file}, {"line", e.line}, {"message", e.message}, {"reason", e.reason}});
  }
  return arr;
}

void errors_from_json(const json& arr, Diagnostics* diag, bool warnings) {
  for (const auto& j : arr) {
    Error e{.file = j.value("file", ""), .line = j.value("line", 0), .message = j.value("message", ""),
            .reason = j.value("reason", "")};
    if (warnings) {
      diag->add_warning(std::move(e));
    } else {
      diag->add(std::move(e));
    }
  }
}

bool write_atomically(const fs::path& path, const std::string& data) {
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out.flush()) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

std::optional<LoadedRules> try_cache_unchecked(const fs::path& yarc, const fs::path& manifest,
                                               const std::string& key) {
  std::ifstream in(manifest);
  if (!in) {
    return std::nullopt;
  }
  json m = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || m.value("key", "") != key) {
    return std::nullopt;
  }
  YR_RULES* rules = nullptr;
  if (yr_rules_load(yarc.c_str(), &rules) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  LoadedRules out;
  out.rules = std::make_shared<RuleSet>(rules, key);
  out.from_cache = true;
  errors_from_json(m.value("errors", json::array()), &out.diag, false);
  errors_from_json(m.value("warnings", json::array()), &out.diag, true);
  out.loaded = m.value("loaded", std::vector<std::string>{});
  out.failed = m.value("failed", std::vector<std::string>{});
  return out;
}

// A damaged manifest is a cache miss, never an error.
std::optional<LoadedRules> try_cache(const fs::path& yarc, const fs::path& manifest, const std::string& key) {
  try {
    return try_cache_unchecked(yarc, manifest, key);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

LoadedRules load_rules(const std::vector<std::string>& paths, const std::string& cache_dir,
                       const CompileOptions& options) {
  ensure_libyara();
  Diagnostics list_diag;
  std::vector<std::string> files = list_rule_files(paths, &list_diag, nullptr);
  std::string key = sources_digest(files, options);
  fs::path dir(cache_dir);
  fs::path yarc = dir / ("rules-" + key + ".yarc");
  fs::path manifest = dir / ("rules-" + key + ".json");
  if (!cache_dir.empty() && list_diag.ok()) {
    if (auto cached = try_cache(yarc, manifest, key)) {
      return std::move(*cached);
    }
  }

  CompileResult c = compile_rules(paths, options);
  LoadedRules out;
  out.rules = c.rules;
  out.diag = c.diag;
  for (const auto& f : c.loaded) {
    out.loaded.push_back(f.path);
  }
  out.failed = c.failed;
  // Missing paths are not cached: the next load must look again.
  if (cache_dir.empty() || !c.rules || !list_diag.ok()) {
    return out;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path tmp = yarc;
  tmp += ".tmp." + std::to_string(::getpid());
  if (yr_rules_save(c.rules->get(), tmp.c_str()) != ERROR_SUCCESS) {
    fs::remove(tmp, ec);
    spdlog::warn("yara: cannot write the rules cache in {}", cache_dir);
    return out;
  }
  fs::rename(tmp, yarc, ec);
  json m = {{"key", key},
            {"errors", errors_to_json(c.diag.errors())},
            {"warnings", errors_to_json(c.diag.warnings())},
            {"loaded", out.loaded},
            {"failed", out.failed}};
  if (ec || !write_atomically(manifest, m.dump())) {
    spdlog::warn("yara: cannot write the rules cache in {}", cache_dir);
    return out;
  }
  // Drop older entries.
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("rules-", 0) == 0 && name.find(key) == std::string::npos) {
      fs::remove(entry.path(), ec);
    }
  }
  return out;
}

}  // namespace picket::yara
