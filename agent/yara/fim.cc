#include "agent/yara/fim.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/yara/alerts.h"

namespace picket::yara {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uint32_t kModeBits = 07777 | 0170000;  // permissions and file type

bool under(const std::string& path, const std::string& root) {
  if (path.size() < root.size() || path.compare(0, root.size(), root) != 0) {
    return false;
  }
  return path.size() == root.size() || root.back() == '/' || path[root.size()] == '/';
}

}  // namespace

Baseline::Baseline(std::string file) : file_(std::move(file)) {}

Status Baseline::load() {
  std::lock_guard lock(mu_);
  entries_.clear();
  existed_ = false;
  if (file_.empty()) {
    return Status::Ok();
  }
  std::ifstream in(file_);
  if (!in) {
    if (errno == ENOENT) {
      return Status::Ok();
    }
    return Error{.file = file_, .message = std::string("cannot read FIM baseline: ") + std::strerror(errno)};
  }
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_object()) {
    return Error{.file = file_, .message = "FIM baseline is damaged; starting a new one"};
  }
  try {
    for (const auto& [path, v] : j["files"].items()) {
      Entry e;
      e.state.sha256 = v.value("sha256", "");
      e.state.size = v.value("size", uint64_t{0});
      e.state.mode = v.value("mode", uint32_t{0});
      e.state.uid = v.value("uid", uint32_t{0});
      e.state.gid = v.value("gid", uint32_t{0});
      e.state.mtime_ns = v.value("mtime_ns", int64_t{0});
      entries_.emplace(path, std::move(e));
    }
  } catch (const std::exception&) {
    entries_.clear();
    return Error{.file = file_, .message = "FIM baseline is damaged; starting a new one"};
  }
  existed_ = true;
  return Status::Ok();
}

bool Baseline::existed() const {
  std::lock_guard lock(mu_);
  return existed_;
}

void Baseline::set_learning(bool learning) {
  std::lock_guard lock(mu_);
  learning_ = learning;
}

std::vector<v1::Alert> Baseline::observe(const std::string& path, const FimState& now) {
  std::vector<v1::Alert> out;
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) {
    if (!learning_) {
      out.push_back(fim_alert("create", path, nullptr, &now));
    }
    entries_.emplace(path, Entry{.state = now, .seen = sweep_});
    dirty_ = true;
    return out;
  }
  Entry& e = it->second;
  e.seen = sweep_;
  if (e.state == now) {
    return out;
  }
  const FimState before = e.state;
  if (before.sha256 != now.sha256 || before.size != now.size) {
    out.push_back(fim_alert("modify", path, &before, &now));
  }
  if ((before.mode & kModeBits) != (now.mode & kModeBits)) {
    out.push_back(fim_alert("mode", path, &before, &now));
  }
  if (before.uid != now.uid || before.gid != now.gid) {
    out.push_back(fim_alert("owner", path, &before, &now));
  }
  e.state = now;
  dirty_ = true;
  return out;
}

std::vector<v1::Alert> Baseline::observe_missing(const std::string& path) {
  std::vector<v1::Alert> out;
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end()) {
    return out;
  }
  out.push_back(fim_alert("delete", path, &it->second.state, nullptr));
  entries_.erase(it);
  dirty_ = true;
  return out;
}

std::vector<v1::Alert> Baseline::observe_missing_under(const std::string& dir) {
  std::vector<v1::Alert> out;
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (under(it->first, dir)) {
      out.push_back(fim_alert("delete", it->first, &it->second.state, nullptr));
      it = entries_.erase(it);
      dirty_ = true;
    } else {
      ++it;
    }
  }
  return out;
}

void Baseline::begin_sweep() {
  std::lock_guard lock(mu_);
  ++sweep_;
}

std::vector<v1::Alert> Baseline::end_sweep(const std::vector<std::string>& roots) {
  std::vector<v1::Alert> out;
  std::lock_guard lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool watched = false;
    for (const auto& r : roots) {
      watched = watched || under(it->first, r);
    }
    if (watched && it->second.seen != sweep_) {
      if (!learning_) {
        out.push_back(fim_alert("delete", it->first, &it->second.state, nullptr));
      }
      it = entries_.erase(it);
      dirty_ = true;
    } else {
      ++it;
    }
  }
  return out;
}

Status Baseline::save() {
  std::string text;
  {
    std::lock_guard lock(mu_);
    if (file_.empty() || !dirty_) {
      return Status::Ok();
    }
    json files = json::object();
    for (const auto& [path, e] : entries_) {
      files[path] = {{"sha256", e.state.sha256}, {"size", e.state.size},   {"mode", e.state.mode},
                     {"uid", e.state.uid},       {"gid", e.state.gid},     {"mtime_ns", e.state.mtime_ns}};
    }
    // Paths are bytes, not always UTF-8: replace invalid sequences rather than throw.
    text = json{{"version", 1}, {"files", files}}.dump(-1, ' ', false, json::error_handler_t::replace);
    dirty_ = false;
  }
  std::error_code ec;
  fs::create_directories(fs::path(file_).parent_path(), ec);
  std::string tmp = file_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::lock_guard lock(mu_);
    dirty_ = true;
    return Error{.file = tmp, .message = std::string("cannot write FIM baseline: ") + std::strerror(errno)};
  }
  size_t off = 0;
  bool ok = true;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      ok = false;
      break;
    }
    off += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    std::lock_guard lock(mu_);
    dirty_ = true;
    return Error{.file = file_, .message = std::string("cannot write FIM baseline: ") + std::strerror(errno)};
  }
  std::lock_guard lock(mu_);
  existed_ = true;
  return Status::Ok();
}

size_t Baseline::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

bool Baseline::contains(const std::string& path) const {
  std::lock_guard lock(mu_);
  return entries_.count(path) != 0;
}

}  // namespace picket::yara
