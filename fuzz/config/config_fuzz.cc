// Fuzzes config loading (YAML parse + schema walk + typed reads): hostile config must give errors, never a
// crash, hang or uncaught exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/config.h"

namespace {

const picket::config::Schema& schema() {
  static const picket::config::Schema s = [] {
    using picket::config::Type;
    picket::config::Schema sc;
    picket::config::add_logging_keys(sc);
    sc.add({.key = "a.int", .type = Type::kInt, .default_value = "5", .min = 0, .max = 100});
    sc.add({.key = "a.dur", .type = Type::kDuration, .default_value = "5s"});
    sc.add({.key = "a.size", .type = Type::kSize, .default_value = "1MB"});
    sc.add({.key = "a.list", .type = Type::kStringList});
    sc.add({.key = "a.bool", .type = Type::kBool, .aliases = {"b.bool"}});
    sc.add({.key = "vars.*", .type = Type::kString});
    sc.add({.key = "inputs", .type = Type::kNode});
    return sc;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = picket::config::load_text(schema(), text, "fuzz.yaml", {"a.int=7"});
  (void)loaded.diag.format();
  (void)loaded.settings.get_int("a.int");
  (void)loaded.settings.get_duration("a.dur");
  (void)loaded.settings.get_size("a.size");
  (void)loaded.settings.get_list("a.list");
  (void)loaded.settings.keys_with_prefix("vars.");
  return 0;
}
