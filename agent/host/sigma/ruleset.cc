// Loading rule files, the "active" test, and the per-log-source rule index.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/host/sigma/sigma.h"

namespace picket::host {
namespace fs = std::filesystem;

namespace {

bool is_rule_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

void load_file(const std::string& path, SigmaLoad& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.diag.add({.file = path, .message = "cannot read rule file", .reason = "unreadable file"});
    ++out.failed;
    return;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  SigmaParsed p = parse_sigma(ss.str(), path);
  ++out.files;
  out.failed += p.failed;
  out.correlations += p.correlations;
  out.diag.merge(p.diag);
  for (auto& r : p.rules) out.rules.push_back(std::move(r));
}

}  // namespace

SigmaLoad load_rule_dir(const std::string& path) {
  SigmaLoad out;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    load_file(path, out);
    return out;
  }
  if (!fs::is_directory(path, ec)) {
    out.diag.add({.file = path, .message = "no such rule file or folder", .reason = "missing path"});
    ++out.failed;
    return out;
  }
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && is_rule_file(it->path())) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_file(f, out);
  return out;
}

SigmaLoad load_sigma_paths(const std::vector<std::string>& paths) {
  SigmaLoad out;
  for (const auto& p : paths) {
    SigmaLoad one = load_rule_dir(p);
    out.files += one.files;
    out.failed += one.failed;
    out.correlations += one.correlations;
    out.diag.merge(one.diag);
    for (auto& r : one.rules) out.rules.push_back(std::move(r));
  }
  return out;
}

bool logsource_feedable(const SigmaLogSource& ls) {
  const bool linux = ls.product.empty() || ls.product == "linux";
  if (!linux) return false;
  if (!ls.category.empty()) {
    // process_creation: auditd EXECVE events; webserver: nginx/apache access logs; proxy: the same formats
    // from a forward proxy (an input configured with category: proxy).
    if (ls.category != "process_creation" && ls.category != "webserver" && ls.category != "proxy") return false;
    return ls.service.empty() || ls.service == "nginx" || ls.service == "apache" || ls.service == "auditd";
  }
  if (ls.service.empty()) return !ls.product.empty();
  if (ls.product == "linux") return true;  // syslog/auth inputs carry every program name as a service
  return ls.service == "nginx" || ls.service == "apache" || ls.service == "auditd" || ls.service == "syslog" ||
         ls.service == "auth" || ls.service == "sshd" || ls.service == "sudo";
}

SigmaRuleSet::SigmaRuleSet(std::vector<SigmaRule> rules) : rules_(std::move(rules)) {}

size_t SigmaRuleSet::active_count() const {
  return static_cast<size_t>(std::count_if(rules_.begin(), rules_.end(),
                                           [](const SigmaRule& r) { return logsource_feedable(r.logsource); }));
}

const std::vector<uint32_t>& SigmaRuleSet::candidates(const LogEvent& ev) const {
  thread_local std::string key;
  key.assign(ev.product());
  key += '|';
  key += ev.category();
  for (size_t i = 0; i < ev.service_count(); ++i) {
    key += '|';
    key += ev.service(i);
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_source_.find(key);
  if (it != by_source_.end()) return *it->second;
  auto list = std::make_unique<std::vector<uint32_t>>();
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].matches_logsource(ev)) list->push_back(static_cast<uint32_t>(i));
  }
  if (by_source_.size() >= 4096) {
    // Too many distinct sources (hostile program names): answer from a per-thread list instead.
    thread_local std::vector<uint32_t> scratch;
    scratch = std::move(*list);
    return scratch;
  }
  auto& ref = *list;
  by_source_.emplace(key, std::move(list));
  return ref;
}

void SigmaRuleSet::match(const LogEvent& ev, const std::function<void(const SigmaRule&)>& on_match) const {
  for (uint32_t i : candidates(ev)) {
    const SigmaRule& r = rules_[i];
    if (r.matches(ev)) on_match(r);
  }
}

}  // namespace picket::host
