#include "agent/privdrop/proc_status.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace picket::privdrop {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_hex(std::string_view s, uint64_t* out) {
  s = trim(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool parse_ids(std::string_view s, std::array<int64_t, 4>* out) {
  s = trim(s);
  for (size_t i = 0; i < out->size(); ++i) {
    s = trim(s);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), (*out)[i]);
    if (ec != std::errc() || p == s.data()) return false;
    s.remove_prefix(static_cast<size_t>(p - s.data()));
  }
  return trim(s).empty();
}

}  // namespace

Result<ProcCredentials> parse_proc_status(std::string_view text) {
  ProcCredentials c;
  unsigned seen = 0;  // one bit per required field
  enum : unsigned { kUid = 1, kGid = 2, kInh = 4, kPrm = 8, kEff = 16, kBnd = 32, kAmb = 64, kNnp = 128, kThr = 256 };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    bool ok = true;
    if (name == "Uid") {
      ok = parse_ids(value, &c.uid);
      seen |= kUid;
    } else if (name == "Gid") {
      ok = parse_ids(value, &c.gid);
      seen |= kGid;
    } else if (name == "CapInh") {
      ok = parse_hex(value, &c.cap_inh);
      seen |= kInh;
    } else if (name == "CapPrm") {
      ok = parse_hex(value, &c.cap_prm);
      seen |= kPrm;
    } else if (name == "CapEff") {
      ok = parse_hex(value, &c.cap_eff);
      seen |= kEff;
    } else if (name == "CapBnd") {
      ok = parse_hex(value, &c.cap_bnd);
      seen |= kBnd;
    } else if (name == "CapAmb") {
      ok = parse_hex(value, &c.cap_amb);
      seen |= kAmb;
    } else if (name == "NoNewPrivs") {
      uint64_t flag = 0;
      ok = parse_hex(value, &flag) && flag <= 1;
      c.no_new_privs = flag == 1;
      seen |= kNnp;
    } else if (name == "Threads") {
      std::string_view v = trim(value);
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), c.threads);
      ok = ec == std::errc() && p == v.data() + v.size() && !v.empty();
      seen |= kThr;
    }
    if (!ok) return Error{.message = "malformed /proc status field '" + std::string(name) + "'"};
  }
  static constexpr std::pair<unsigned, const char*> kRequired[] = {
      {kUid, "Uid"}, {kGid, "Gid"}, {kInh, "CapInh"}, {kPrm, "CapPrm"}, {kEff, "CapEff"},
      {kBnd, "CapBnd"}, {kAmb, "CapAmb"}, {kNnp, "NoNewPrivs"}, {kThr, "Threads"}};
  for (const auto& [bit, field] : kRequired) {
    if (!(seen & bit)) return Error{.message = std::string("/proc status has no '") + field + "' field"};
  }
  return c;
}

Result<ProcCredentials> read_proc_status(pid_t pid) {
  std::string path = pid == 0 ? "/proc/self/status" : "/proc/" + std::to_string(pid) + "/status";
  std::ifstream in(path);
  if (!in) return Error{.file = path, .message = "cannot read"};
  std::ostringstream text;
  text << in.rdbuf();
  Result<ProcCredentials> r = parse_proc_status(text.str());
  if (!r) return Error{.file = path, .message = r.error().message};
  return r;
}

}  // namespace picket::privdrop
