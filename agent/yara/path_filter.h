#pragma once
// Which paths the file scanners look at: below a watched root and matching no exclusion glob. A glob
// matches the full path ("/var/www/cache/*") or the base name ("*.log"); `*` also crosses '/'.
//
//   picket::yara::PathFilter filter({"/var/www"}, {"*.log"});
//   if (filter.wanted("/var/www/html/x.php")) ...
//
// Immutable after construction; any thread.
#include <string>
#include <string_view>
#include <vector>

namespace picket::yara {

class PathFilter {
 public:
  PathFilter(std::vector<std::string> roots, std::vector<std::string> exclude);
  // Below (or equal to) a root, and not excluded.
  bool wanted(std::string_view path) const;
  bool excluded(std::string_view path) const;
  bool under_root(std::string_view path) const;
  const std::vector<std::string>& roots() const { return roots_; }

 private:
  std::vector<std::string> roots_;  // without trailing '/', except "/"
  std::vector<std::string> exclude_;
};

// True when `path` is `root` or below it.
bool path_under(std::string_view path, std::string_view root);

}  // namespace picket::yara
