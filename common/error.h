#pragma once
// Control-plane errors and the one error grammar every Picket loader prints:
//
//   FILE:LINE[:COLUMN]: [sid N: ]message
//
// one line per error. Config, Suricata, Sigma, YARA and correlation loaders all produce `Error`s, collect
// them in a `Diagnostics`, report them together and go on with what is valid.
//
//   picket::Diagnostics diag;
//   diag.add({.file = "rules/a.rules", .line = 12, .sid = 2010935, .message = "unknown keyword 'foo'"});
//   for (const auto& e : diag.errors()) std::cerr << e.format() << '\n';
//
// Plain values; no thread-safety of their own.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace picket {

struct Error {
  std::string file;          // empty when the error has no source file (e.g. a --set override)
  int line = 0;              // 1-based; 0 when unknown
  int column = 0;            // 1-based; 0 when unknown
  std::optional<uint64_t> sid;
  std::string message;
  std::string reason;        // short machine-readable cause for summaries ("unknown keyword: foo")

  // Renders the error in the grammar above. Missing parts are left out: "FILE: message" without a line,
  // "message" without a file.
  std::string format() const;
};

// An ordered collection of errors (and warnings) from one load.
class Diagnostics {
 public:
  void add(Error e) { errors_.push_back(std::move(e)); }
  void add_warning(Error e) { warnings_.push_back(std::move(e)); }
  void merge(const Diagnostics& other);
  bool ok() const { return errors_.empty(); }
  const std::vector<Error>& errors() const { return errors_; }
  const std::vector<Error>& warnings() const { return warnings_; }
  // All errors, one formatted line each, each ending in '\n'.
  std::string format() const;

 private:
  std::vector<Error> errors_;
  std::vector<Error> warnings_;
};

}  // namespace picket
