// Loading rule files, the "active" test, and the per-log-source rule index.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/host/sigma/prefilter.h"
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

namespace {
std::atomic<uint64_t> g_ruleset_serial{0};
}  // namespace

struct SigmaRuleSet::Source {
  std::vector<uint32_t> rules;  // candidates, in rule order
  std::vector<uint8_t> mask;    // fields of the literal index that the filtered candidates need scanned
  bool any_filtered = false;    // some candidate depends on the literal scan
};

SigmaRuleSet::SigmaRuleSet() : serial_(++g_ruleset_serial) {}

SigmaRuleSet::SigmaRuleSet(std::vector<SigmaRule> rules) : rules_(std::move(rules)), serial_(++g_ruleset_serial) {
  index_ = sigma::LiteralIndex::build(rules_, &prefilter_error_);
}

SigmaRuleSet::~SigmaRuleSet() = default;

size_t SigmaRuleSet::active_count() const {
  return static_cast<size_t>(std::count_if(rules_.begin(), rules_.end(),
                                           [](const SigmaRule& r) { return logsource_feedable(r.logsource); }));
}

size_t SigmaRuleSet::unfiltered_count() const { return index_ ? index_->always_count() : rules_.size(); }

const SigmaRuleSet::Source& SigmaRuleSet::source(const LogEvent& ev) const {
  // Each thread remembers the last source it asked for: consecutive lines of one input share it, so the
  // common case takes no lock.
  struct Last {
    uint64_t serial = 0;
    std::string key;
    const Source* src = nullptr;
  };
  thread_local Last last;
  thread_local std::string key;
  key.assign(ev.product());
  key += '|';
  key += ev.category();
  for (size_t i = 0; i < ev.service_count(); ++i) {
    key += '|';
    key += ev.service(i);
  }
  if (last.serial == serial_ && last.src != nullptr && last.key == key) return *last.src;
  auto build = [&](Source& src) {
    src.rules.clear();
    src.mask.clear();
    src.any_filtered = false;
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (!rules_[i].matches_logsource(ev)) continue;
      const auto r = static_cast<uint32_t>(i);
      src.rules.push_back(r);
      if (index_ && !index_->always(r)) {
        src.any_filtered = true;
        index_->add_rule_fields(r, src.mask);
      }
    }
  };
  const Source* found = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_source_.find(key);
    if (it != by_source_.end()) {
      found = it->second.get();
    } else if (by_source_.size() < 4096) {
      auto src = std::make_unique<Source>();
      build(*src);
      found = src.get();
      by_source_.emplace(key, std::move(src));
    }
  }
  if (found == nullptr) {
    // Too many distinct sources (hostile program names): answer from a per-thread list instead.
    thread_local Source scratch;
    build(scratch);
    found = &scratch;
  }
  last.serial = serial_;
  last.key = key;
  last.src = found;
  return *found;
}

void SigmaRuleSet::match(const LogEvent& ev, const std::function<void(const SigmaRule&)>& on_match) const {
  const Source& src = source(ev);
  if (src.rules.empty()) return;
  sigma::LiteralIndex::Hits* hits = nullptr;
  if (index_ && src.any_filtered) {
    hits = &sigma::LiteralIndex::thread_hits();
    if (!index_->scan(ev, src.mask, *hits)) hits = nullptr;  // scan failed: evaluate every candidate
  }
  for (uint32_t i : src.rules) {
    if (hits != nullptr && !index_->passes(i, *hits)) continue;
    const SigmaRule& r = rules_[i];
    if (r.matches(ev)) on_match(r);
  }
}

}  // namespace picket::host
