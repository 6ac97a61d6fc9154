#pragma once
// Validated YAML configuration.
//
// Each program builds a Schema of the keys it understands (modules add their own keys through explicit
// `add_*_keys(Schema&)` calls, never by static registration), then loads a YAML file on top of the schema's
// defaults and applies `--set KEY=VALUE` overrides. Every problem is reported with its place:
//
//   agent.yaml:7:3: unknown key 'capture.interfce'
//   agent.yaml:9:12: logging.level: expected one of trace, debug, info, warn, error, off; got 'loud'
//
//   picket::config::Schema schema;
//   picket::config::add_logging_keys(schema);
//   schema.add({.key = "capture.snaplen", .type = Type::Int, .default_value = "65535", .min = 64, .max = 262144});
//   auto loaded = picket::config::load_file(schema, "agent.yaml", {"capture.snaplen=1500"});
//   if (!loaded.diag.ok()) { print(loaded.diag); return 2; }
//   int64_t snaplen = loaded.settings.get_int("capture.snaplen");
//
// A Settings object is immutable after loading and may be read from any thread.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace picket::config {

enum class Type {
  kString,      // any scalar, kept as text; `choices` restricts it
  kInt,         // signed 64-bit, within [min, max]
  kBool,        // true/false/yes/no/on/off
  kDouble,
  kDuration,    // "250ms", "30s", "5m", "2h", "7d"; a bare number is seconds
  kSize,        // "512", "64KB", "200MB", "1GiB" (KB/MB/GB are 1024-based, as Suricata's config)
  kStringList,  // a YAML sequence of scalars, or one scalar (a list of one)
  kNode,        // any YAML structure; the owning module validates it (see Settings::node/where)
};

struct KeySpec {
  std::string key;  // dotted path; a segment "*" matches any one name ("vars.address-groups.*")
  Type type = Type::kString;
  std::string default_value;  // YAML text; empty means "unset" (get_* return the type's zero)
  std::string help;
  std::vector<std::string> choices;  // kString only: allowed values
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> aliases;  // other spellings accepted in files and --set (e.g. Suricata's)
};

class Schema {
 public:
  void add(KeySpec spec);
  // The spec for a concrete key (exact, alias or wildcard match), or nullptr.
  const KeySpec* find(std::string_view key) const;
  // True when some key lies below `prefix` (so "capture" is a section, not an unknown key).
  bool is_section(std::string_view prefix) const;
  const std::vector<KeySpec>& keys() const { return specs_; }

 private:
  std::vector<KeySpec> specs_;
};

struct Location {
  std::string file;  // config file, or "--set" for an override; empty for a default
  int line = 0;
  int column = 0;
};

class Settings {
 public:
  // Typed getters. The key must be in the schema (a programming error otherwise: aborts in debug builds,
  // returns the zero value in release builds). Values were validated at load time, so these never fail.
  std::string get_string(std::string_view key) const;
  int64_t get_int(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  double get_double(std::string_view key) const;
  std::chrono::milliseconds get_duration(std::string_view key) const;
  uint64_t get_size(std::string_view key) const;
  std::vector<std::string> get_list(std::string_view key) const;
  YAML::Node node(std::string_view key) const;  // kNode keys; a null node when unset
  // Whether the key was given in the file or by --set (not just defaulted).
  bool is_set(std::string_view key) const;
  Location where(std::string_view key) const;
  // Concrete keys present (set or defaulted) that start with `prefix` ("vars.address-groups.").
  std::vector<std::string> keys_with_prefix(std::string_view prefix) const;
  const std::string& source() const { return source_; }

 private:
  friend struct Loader;
  friend struct Loaded load_text(const Schema&, std::string_view, const std::string&,
                                 const std::vector<std::string>&);
  struct Entry {
    const KeySpec* spec = nullptr;
    YAML::Node value;
    Location loc;
    bool explicitly_set = false;
  };
  const Entry* entry(std::string_view key) const;
  std::map<std::string, Entry, std::less<>> entries_;
  const Schema* schema_ = nullptr;
  std::string source_;
};

struct Loaded {
  Settings settings;
  Diagnostics diag;  // errors; settings hold defaults for the keys that failed
};

// Pure: parses `yaml_text` as if read from `file_name` (used in messages).
Loaded load_text(const Schema& schema, std::string_view yaml_text, const std::string& file_name,
                 const std::vector<std::string>& overrides = {});
// Reads the file (an unreadable file is one error naming it) and calls load_text.
Loaded load_file(const Schema& schema, const std::string& path,
                 const std::vector<std::string>& overrides = {});

// Parsers shared with rule loaders (threshold.config, Sigma timespans).
bool parse_duration(std::string_view text, std::chrono::milliseconds* out);
bool parse_size(std::string_view text, uint64_t* out);
bool parse_bool(std::string_view text, bool* out);

// Keys every program has: logging.level, logging.file, logging.console, logging.format.
void add_logging_keys(Schema& schema);

}  // namespace picket::config
