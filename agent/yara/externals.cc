#include "agent/yara/externals.h"

#include <pwd.h>

#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace picket::yara {
namespace {

bool starts(std::span<const uint8_t> b, std::string_view magic) {
  return b.size() >= magic.size() && std::memcmp(b.data(), magic.data(), magic.size()) == 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

}  // namespace

std::string detect_filetype(std::span<const uint8_t> head, std::string_view extension) {
  struct Magic {
    std::string_view bytes;
    std::string_view type;
  };
  static constexpr Magic kMagics[] = {
      {"MZ", "EXE"},
      {"\x7f" "ELF", "ELF"},
      {"\xfe\xed\xfa\xce", "MACH-O"},
      {"\xfe\xed\xfa\xcf", "MACH-O"},
      {"\xce\xfa\xed\xfe", "MACH-O"},
      {"\xcf\xfa\xed\xfe", "MACH-O"},
      {"%PDF", "PDF"},
      {"GIF8", "GIF"},
      {"\xff\xd8\xff", "JPEG"},
      {"\x89PNG", "PNG"},
      {"PK\x03\x04", "ZIP"},
      {"Rar!", "RAR"},
      {"7z\xbc\xaf", "7Z"},
      {"\x1f\x8b", "GZIP"},
      {"{\\rtf", "RTF"},
      {"MDMP", "MDMP"},
      {"\xd0\xcf\x11\xe0", "OLE"},
      {"\xca\xfe\xba\xbe", "Java"},
  };
  for (const auto& m : kMagics) {
    if (starts(head, m.bytes)) {
      return std::string(m.type);
    }
  }
  struct Ext {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr Ext kExts[] = {
      {".php", "PHP"},  {".phtml", "PHP"}, {".php3", "PHP"}, {".php4", "PHP"},   {".php5", "PHP"},
      {".php7", "PHP"}, {".asp", "ASP"},   {".aspx", "ASP"}, {".ashx", "ASP"},   {".asmx", "ASP"},
      {".jsp", "JSP"},  {".jspx", "JSP"},  {".vbs", "VBS"},  {".bat", "BATCH"},  {".cmd", "BATCH"},
      {".py", "Python"}, {".ps1", "PS1"},  {".sh", "SH"},    {".jar", "jar"},
  };
  std::string ext = lower(extension);
  for (const auto& e : kExts) {
    if (ext == e.ext) {
      return std::string(e.type);
    }
  }
  return {};
}

std::string owner_name(uid_t uid) {
  static std::mutex mu;
  static std::unordered_map<uid_t, std::string> cache;
  {
    std::lock_guard lock(mu);
    auto it = cache.find(uid);
    if (it != cache.end()) {
      return it->second;
    }
  }
  std::string name = std::to_string(uid);
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* res = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res != nullptr && res->pw_name != nullptr) {
    name = res->pw_name;
  }
  std::lock_guard lock(mu);
  if (cache.size() > 4096) {
    cache.clear();
  }
  cache.emplace(uid, name);
  return name;
}

Externals externals_for_file(std::string_view path, uid_t uid, std::span<const uint8_t> head) {
  Externals e;
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    e.filename = std::string(path);
  } else {
    e.filename = std::string(path.substr(slash + 1));
    e.filepath = std::string(path.substr(0, slash == 0 ? 1 : slash));
  }
  size_t dot = e.filename.rfind('.');
  if (dot != std::string::npos && dot != 0) {
    e.extension = lower(std::string_view(e.filename).substr(dot));
  }
  e.filetype = detect_filetype(head, e.extension);
  e.owner = owner_name(uid);
  return e;
}

}  // namespace picket::yara
