#include "agent/yara/path_filter.h"

#include <fnmatch.h>

namespace picket::yara {

bool path_under(std::string_view path, std::string_view root) {
  if (root == "/") {
    return !path.empty() && path[0] == '/';
  }
  if (path.size() < root.size() || path.substr(0, root.size()) != root) {
    return false;
  }
  return path.size() == root.size() || path[root.size()] == '/';
}

PathFilter::PathFilter(std::vector<std::string> roots, std::vector<std::string> exclude)
    : roots_(std::move(roots)), exclude_(std::move(exclude)) {
  for (auto& r : roots_) {
    while (r.size() > 1 && r.back() == '/') {
      r.pop_back();
    }
  }
}

bool PathFilter::under_root(std::string_view path) const {
  for (const auto& r : roots_) {
    if (path_under(path, r)) {
      return true;
    }
  }
  return false;
}

bool PathFilter::excluded(std::string_view path) const {
  if (exclude_.empty()) {
    return false;
  }
  std::string full(path);
  size_t slash = full.rfind('/');
  std::string base = slash == std::string::npos ? full : full.substr(slash + 1);
  for (const auto& g : exclude_) {
    if (fnmatch(g.c_str(), full.c_str(), 0) == 0 || fnmatch(g.c_str(), base.c_str(), 0) == 0) {
      return true;
    }
  }
  return false;
}

bool PathFilter::wanted(std::string_view path) const { return under_root(path) && !excluded(path); }

}  // namespace picket::yara
