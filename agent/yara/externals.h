#pragma once
// The external variables many public rule sets (THOR/LOKI convention, e.g. signature-base's *_ext_vars.yar)
// expect, computed for each scanned file:
//
//   filename   "shell.php"           the base name
//   filepath   "/var/www/html"       the folder, without the file name
//   extension  ".php"                lower case, with the dot; "" when none
//   filetype   "PHP", "EXE", "ELF"   from magic bytes, else from the extension; "" when unknown
//   owner      "www-data"            the owner's user name (the uid as text when it has no name)
//
//   Externals ext = externals_for_file("/var/www/html/shell.php", st.st_uid, first_bytes);
//
// Rules are compiled with every variable defined as "" so rule files that use them compile; scanning sets
// the real values. Pure functions apart from the user-name lookup (cached, thread-safe); any thread.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace picket::yara {

struct Externals {
  std::string filename;
  std::string filepath;
  std::string extension;
  std::string filetype;
  std::string owner;
};

inline constexpr std::array<std::string_view, 5> kExternalNames = {"filename", "filepath", "extension",
                                                                   "filetype", "owner"};

Externals externals_for_file(std::string_view path, uid_t uid, std::span<const uint8_t> head);
// "PE"-style type from the first bytes, falling back to the extension (".php" -> "PHP").
std::string detect_filetype(std::span<const uint8_t> head, std::string_view extension);
std::string owner_name(uid_t uid);

}  // namespace picket::yara
