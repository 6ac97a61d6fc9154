#include "tests/collector/ingest/strace_check.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

namespace picket::test {
namespace {

struct Call {
  std::string name;
  std::string desc;       // the fd's -yy description: a path, or TCP:[local->remote]
  std::string data;       // decoded string argument (write/sendto), if any
  bool truncated = false; // the string argument was cut by -s
  long declared = -1;     // the length argument after the string (write/sendto), -1 when unknown
};

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Decodes a -xx string starting at the opening quote at `at`; returns the index after the closing quote
// (and "..." if truncated), or npos.
size_t decode_string(const std::string& s, size_t at, std::string* out, bool* truncated) {
  out->clear();
  size_t i = at + 1;
  while (i < s.size() && s[i] != '"') {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hex(s[i + 2]) >= 0 && hex(s[i + 3]) >= 0) {
      out->push_back(static_cast<char>(hex(s[i + 2]) * 16 + hex(s[i + 3])));
      i += 4;
    } else if (s[i] == '\\' && i + 1 < s.size()) {  // not produced by -xx, but harmless
      out->push_back(s[i + 1] == 'n' ? '\n' : s[i + 1]);
      i += 2;
    } else {
      out->push_back(s[i++]);
    }
  }
  if (i >= s.size()) return std::string::npos;
  ++i;
  *truncated = s.compare(i, 3, "...") == 0;
  if (*truncated) i += 3;
  return i;
}

// Parses "name(FD<desc>, ...". False for lines of other shapes.
bool parse_entry(const std::string& rest, Call* c) {
  const size_t paren = rest.find('(');
  if (paren == std::string::npos || paren == 0) return false;
  c->name = rest.substr(0, paren);
  size_t i = paren + 1;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
  if (i >= rest.size() || rest[i] != '<') return false;
  // The description ends at ">, " (more arguments), ">)" (the last one) or "> <unfinished ...>".
  size_t end = std::string::npos;
  for (const char* marker : {">, ", ">)", "> <unfinished"}) end = std::min(end, rest.find(marker, i));
  if (end == std::string::npos) return false;
  // -xx escapes the path too: "\x2f\x74..." for "/t...".
  const std::string raw = rest.substr(i + 1, end - i - 1);
  c->desc.clear();
  for (size_t k = 0; k < raw.size();) {
    if (raw[k] == '\\' && k + 3 < raw.size() && raw[k + 1] == 'x' && hex(raw[k + 2]) >= 0 && hex(raw[k + 3]) >= 0) {
      c->desc.push_back(static_cast<char>(hex(raw[k + 2]) * 16 + hex(raw[k + 3])));
      k += 4;
    } else {
      c->desc.push_back(raw[k++]);
    }
  }
  const size_t q = rest.find('"', end);
  if ((c->name == "write" || c->name == "sendto") && q == end + 3) {
    const size_t after = decode_string(rest, q, &c->data, &c->truncated);
    if (after != std::string::npos && rest.compare(after, 2, ", ") == 0) {
      c->declared = std::atol(rest.c_str() + after + 2);
    }
  } else if (c->name == "sendmsg") {
    const size_t l = rest.find("iov_len=", end);
    if (l != std::string::npos) c->declared = std::atol(rest.c_str() + l + 8);
  }
  return true;
}

// " = R" at the end of a completed line; -1 when absent.
long result_of(const std::string& rest) {
  // "...) = 661", or "<... write resumed>)      = 661" (strace pads resumed lines).
  const size_t eq = rest.rfind(" = ");
  const size_t close = rest.rfind(')');
  if (eq == std::string::npos || close == std::string::npos || close > eq) return -1;
  return std::atol(rest.c_str() + eq + 3);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (unsigned char b : bytes) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

struct DataFile {
  bool seen = false;
  std::string carry;       // bytes not yet forming a whole record
  std::string spool_epoch; // hex, from the spool segment header
  std::vector<std::pair<std::string, uint64_t>> unsynced;  // (epoch hex, seq) written, not yet synced
};

class Checker {
 public:
  explicit Checker(const SyncCheckOptions& o) : o_(o) {}

  bool is_data_send(const Call& c) const {
    const bool send = c.name == "sendto" || c.name == "sendmsg" || c.name == "write";
    return send && c.desc.rfind("TCP:", 0) == 0 && c.desc.find(o_.peer) != std::string::npos;
  }

  void on_entry(const Call& c) {
    if (!r_.error.empty() || !is_data_send(c)) return;
    if (!claims_started_) return;  // the handshake and Hello
    if (unsent_bytes_ <= 0) {
      fail("a send of " + std::to_string(c.declared) + " bytes on " + c.desc +
           " while every claimed message had already been sent (an unlogged message, or one that left early)");
      return;
    }
    ++r_.sends;
  }

  void on_completion(const Call& c, long result) {
    if (!r_.error.empty()) return;
    if (is_data_send(c) && claims_started_) {
      unsent_bytes_ -= std::max(result, 0L);
    } else if (c.name == "write" && ends_with(c.desc, o_.data_suffix) && result > 0) {
      if (c.truncated && static_cast<size_t>(result) > c.data.size()) {
        fail("a data write was cut by strace -s; raise it");
        return;
      }
      data_written(files_[c.desc], std::string_view(c.data).substr(0, static_cast<size_t>(result)));
    } else if (c.name == "fdatasync" && ends_with(c.desc, o_.data_suffix) && result == 0) {
      ++r_.syncs;
      DataFile& f = files_[c.desc];
      for (const auto& [epoch, seq] : f.unsynced) durable_[epoch].insert(seq);
      f.unsynced.clear();
    } else if (c.name == "write" && ends_with(c.desc, o_.log_suffix) && result > 0) {
      log_.append(c.data, 0, static_cast<size_t>(result));
      size_t nl;
      while ((nl = log_.find('\n')) != std::string::npos) {
        log_line(log_.substr(0, nl));
        log_.erase(0, nl + 1);
      }
    }
  }

  SyncCheckResult result() {
    if (r_.error.empty() && r_.claims == 0) r_.error = "no claim lines in the log (is debug logging on?)";
    return r_;
  }

 private:
  void fail(const std::string& why) {
    if (r_.error.empty()) r_.error = why;
  }

  void data_written(DataFile& f, std::string_view bytes) {
    if (!f.seen) {
      f.seen = true;
      if (o_.format == DataFormat::kJournal && bytes.substr(0, 8) == "PKTJRNL1" && bytes.size() >= 16) {
        bytes.remove_prefix(16);
      } else if (o_.format == DataFormat::kSpool && bytes.substr(0, 8) == "PKTSPOOL" && bytes.size() >= 40) {
        f.spool_epoch = to_hex(bytes.substr(16, 16));
        bytes.remove_prefix(40);
      }
    }
    f.carry.append(bytes);
    size_t off = 0;
    while (true) {
      if (o_.format == DataFormat::kJournal) {
        // u32 len | u32 crc | u8 type | 3 pad | key 32 | epoch 16 | u64 seq | i64 time | alert
        if (f.carry.size() - off < 8) break;
        const uint32_t len = load<uint32_t>(f.carry.data() + off);
        if (f.carry.size() - off - 8 < len) break;
        const char* body = f.carry.data() + off + 8;
        if (len >= 68 && body[0] == 1) {
          f.unsynced.emplace_back(to_hex({body + 36, 16}), load<uint64_t>(body + 52));
          ++r_.records;
        }
        off += 8 + len;
      } else {
        // u32 len | u32 crc | u64 seq | payload
        if (f.carry.size() - off < 16) break;
        const uint32_t len = load<uint32_t>(f.carry.data() + off);
        if (f.carry.size() - off - 16 < len) break;
        f.unsynced.emplace_back(f.spool_epoch, load<uint64_t>(f.carry.data() + off + 8));
        ++r_.records;
        off += 16 + len;
      }
    }
    f.carry.erase(0, off);
  }

  // "...PREFIX<epoch hex> seq <a>..<b> bytes <frame size>"
  void log_line(const std::string& line) {
    const size_t p = line.find(o_.claim_prefix);
    if (p == std::string::npos) return;
    const size_t e = p + o_.claim_prefix.size();
    const size_t s = line.find(" seq ", e);
    const size_t dots = line.find("..", s == std::string::npos ? e : s);
    if (s == std::string::npos || dots == std::string::npos) {
      fail("malformed claim line: " + line);
      return;
    }
    const std::string epoch = line.substr(e, s - e);
    const uint64_t a = std::strtoull(line.c_str() + s + 5, nullptr, 10);
    const uint64_t b = std::strtoull(line.c_str() + dots + 2, nullptr, 10);
    const size_t by = line.find(" bytes ", dots);
    if (by == std::string::npos) {
      fail("claim line without its frame size: " + line);
      return;
    }
    // On the wire (CURVE over ZMTP): the frame P in a MESSAGE command ("\x07MESSAGE", 8-byte nonce, flags
    // byte, 16-byte MAC: P + 33 bytes) behind a ZMTP frame header of 2 bytes (short) or 9 (long).
    const long frame = std::atol(line.c_str() + by + 7);
    const long body = frame + 33;
    unsent_bytes_ += body + (body <= 255 ? 2 : 9);
    claims_started_ = true;
    ++r_.claims;
    const std::set<uint64_t>& d = durable_[epoch];
    for (uint64_t seq = std::max<uint64_t>(a, 1); seq <= b; ++seq) {
      if (d.count(seq) == 0) {
        fail("claim \"" + line.substr(p) + "\" logged before seq " + std::to_string(seq) +
             " was written and fdatasynced (" + std::to_string(d.size()) + " seqs of that epoch durable)");
        return;
      }
    }
  }

  const SyncCheckOptions& o_;
  SyncCheckResult r_;
  std::map<std::string, DataFile> files_;
  std::map<std::string, std::set<uint64_t>> durable_;
  std::string log_;
  bool claims_started_ = false;
  long unsent_bytes_ = 0;  // wire bytes of claimed messages not yet seen sent
};

}  // namespace

SyncCheckResult check_sync_before_send(const std::string& trace, const SyncCheckOptions& options) {
  Checker checker(options);
  std::map<std::string, Call> pending;  // pid -> call entered but not finished
  std::istringstream in(trace);
  std::string line;
  while (std::getline(in, line)) {
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    const std::string pid = line.substr(0, sp);
    const size_t start = line.find_first_not_of(' ', sp);
    if (start == std::string::npos) continue;
    const std::string rest = line.substr(start);
    if (rest.rfind("<... ", 0) == 0) {
      auto it = pending.find(pid);
      if (it != pending.end() && rest.find(" resumed>") != std::string::npos) {
        checker.on_completion(it->second, result_of(rest));
        pending.erase(it);
      }
      continue;
    }
    Call c;
    if (!parse_entry(rest, &c)) continue;
    checker.on_entry(c);
    if (ends_with(rest, "<unfinished ...>")) {
      pending[pid] = std::move(c);
    } else {
      checker.on_completion(c, result_of(rest));
    }
  }
  return checker.result();
}

}  // namespace picket::test
