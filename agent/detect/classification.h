#pragma once
// classification.config: "config classification: <name>,<description>,<priority>" lines. Maps a rule's
// classtype to the alert's category (description) and default severity (priority).
//
//   auto c = detect::Classification::parse(text, "classification.config", &diag);
//   const detect::ClassType* t = c.find("trojan-activity");  // {description, priority 1}
//
// Immutable after parsing; any thread may read it.
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace picket::detect {

struct ClassType {
  std::string name;
  std::string description;
  int priority = 3;
};

class Classification {
 public:
  // Parses the file's text; bad lines are errors in `diag` with file:line.
  static Classification parse(std::string_view text, const std::string& file, Diagnostics* diag);
  // The built-in table (the same classes as rules/classification.config).
  static const Classification& builtin();
  // Reads `path`, or returns the built-in table when `path` is empty.
  static Classification load(const std::string& path, Diagnostics* diag);
  const ClassType* find(std::string_view name) const;
  size_t size() const { return types_.size(); }

 private:
  std::map<std::string, ClassType, std::less<>> types_;
};

}  // namespace picket::detect
