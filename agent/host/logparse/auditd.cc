// audit.log: one record per line ("type=SYSCALL msg=audit(1700000000.123:42): pid=1 ... exe="/bin/x"").
// Every record becomes a service:auditd event with its own fields (as SigmaHQ's auditd rules expect:
// type, a0.., name, exe, key...). The records of one event (same audit(stamp:serial)) are also joined:
// when they hold an EXECVE, one process_creation event is emitted with Image, CommandLine, ParentImage,
// ParentCommandLine, User, CurrentDirectory, ProcessId, ParentProcessId. Parents are found in a bounded,
// direct-mapped pid -> (image, command line) cache of the executions seen before.
#include <cstdio>
#include <cstdlib>

#include "agent/host/logparse/parser.h"
#include "agent/host/logparse/text.h"

namespace picket::host {
namespace {

struct Pair {
  std::string key;
  std::string value;
};

// One record. Slots are reused line after line (n counts the live pairs), so parsing allocates nothing once
// the buffers have grown to the usual record size.
struct Record {
  std::string raw;
  std::string type;
  int64_t time_us = 0;
  std::string stamp;  // "sec.ms:serial": the event key
  std::vector<Pair> kv;
  size_t n = 0;
  Pair& add() {
    if (n == kv.size()) kv.emplace_back();
    return kv[n++];
  }
  const std::string* get(std::string_view k) const {
    for (size_t i = 0; i < n; ++i) {
      if (kv[i].key == k) return &kv[i].value;
    }
    return nullptr;
  }
};

std::string_view numeric_type(std::string_view t) {
  if (t == "1300") return "SYSCALL";
  if (t == "1302") return "PATH";
  if (t == "1307") return "CWD";
  if (t == "1309") return "EXECVE";
  if (t == "1320") return "EOE";
  if (t == "1327") return "PROCTITLE";
  return t;
}

// Values that auditd writes hex-encoded when they hold spaces, quotes or control bytes.
bool hex_encodable(std::string_view type, std::string_view key) {
  if (type == "EXECVE" && key.size() >= 2 && key[0] == 'a' && is_digit(key[1])) return true;
  switch (key.size()) {
    case 3: return key == "exe" || key == "cwd" || key == "cmd" || key == "key" || key == "dir";
    case 4: return key == "name" || key == "comm" || key == "path" || key == "data" || key == "acct";
    case 5: return key == "ocomm";
    case 9: return key == "proctitle";
    default: return false;
  }
}

bool looks_hex(std::string_view v) {
  if (v.empty() || v.size() % 2 != 0 || v.size() > 2 * LogParser::kMaxLineBytes) return false;
  for (char c : v) {
    if (!is_hex(c)) return false;
  }
  return true;
}

// Appends `v` to `out`, hex-decoded when it looks hex-encoded (proctitle: NULs become spaces, trailing
// spaces dropped).
void append_maybe_hex(std::string_view v, bool proctitle, std::string& out) {
  if (!looks_hex(v)) {
    out.append(v);
    return;
  }
  auto nib = [](char c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; };
  const size_t start = out.size();
  for (size_t i = 0; i < v.size(); i += 2) {
    char c = static_cast<char>(nib(v[i]) * 16 + nib(v[i + 1]));
    if (c == '\0' && proctitle) c = ' ';
    out += c;
  }
  if (proctitle) {
    while (out.size() > start && out.back() == ' ') out.pop_back();
  }
}

// Parses "k=v k2="v 2" msg='k3=v3 '" into rec.kv, descending into single-quoted msg values.
void parse_pairs(std::string_view s, Record& rec, int depth) {
  size_t p = 0;
  while (p < s.size()) {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\x1d')) ++p;
    size_t k = p;
    while (p < s.size() && s[p] != '=' && s[p] != ' ' && s[p] != '\x1d') ++p;
    if (p >= s.size() || s[p] != '=') continue;
    std::string_view key = s.substr(k, p - k);
    ++p;
    std::string_view value;
    bool quoted = false;
    if (p < s.size() && (s[p] == '"' || s[p] == '\'')) {
      const char q = s[p++];
      size_t e = s.find(q, p);
      if (e == std::string_view::npos) e = s.size();
      if (q == '\'' && depth == 0) {
        parse_pairs(s.substr(p, e - p), rec, depth + 1);
      }
      value = s.substr(p, e - p);
      p = e < s.size() ? e + 1 : e;
      quoted = true;
    } else {
      size_t e = p;
      while (e < s.size() && s[e] != ' ' && s[e] != '\x1d') ++e;
      value = s.substr(p, e - p);
      p = e;
    }
    if (key.empty() || key.size() > 64 || key == "type" || key == "msg") continue;
    Pair& pair = rec.add();
    pair.key.assign(key);
    pair.value.clear();
    if (!quoted && hex_encodable(rec.type, key)) {
      append_maybe_hex(value, key == "proctitle", pair.value);
    } else {
      pair.value.assign(value);
    }
  }
}

bool parse_record(std::string_view line, Record& rec) {
  rec.n = 0;
  rec.raw.assign(line);
  size_t t = line.find("type=");
  size_t a = line.find("audit(");
  if (t == std::string_view::npos || a == std::string_view::npos || a < t) return false;
  std::string_view rest = line.substr(t + 5);
  rec.type.assign(numeric_type(next_token(rest)));
  size_t close = line.find(')', a);
  if (close == std::string_view::npos) return false;
  rec.stamp.assign(line.substr(a + 6, close - a - 6));
  // sec.ms:serial
  int64_t sec = 0;
  int64_t ms = 0;
  size_t i = 0;
  const std::string& st = rec.stamp;
  while (i < st.size() && is_digit(st[i]) && sec < (int64_t{1} << 40)) sec = sec * 10 + (st[i++] - '0');
  if (i < st.size() && st[i] == '.') {
    ++i;
    int digits = 0;
    while (i < st.size() && is_digit(st[i]) && digits < 3) {
      ms = ms * 10 + (st[i++] - '0');
      ++digits;
    }
  }
  if (i >= st.size() || st[i] != ':') return false;
  rec.time_us = sec * 1000000 + ms * 1000;
  std::string_view body = line.substr(close + 1);
  if (!body.empty() && body[0] == ':') body.remove_prefix(1);
  parse_pairs(body, rec, 0);
  // Fields before "type=" (node=host) belong to the record too.
  parse_pairs(line.substr(0, t), rec, 1);
  return true;
}

// A pid as a number (0 when it is not one).
uint64_t pid_number(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 10) return 0;
  for (char c : s) {
    if (!is_digit(c)) return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

class AuditdParser final : public LogParser {
 public:
  explicit AuditdParser(ParseOptions opt) : opt_(std::move(opt)), procs_(kProcSlots) {}

  void parse(std::string_view line, uint64_t offset, const EventSink& sink) override {
    ++stats_.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files
    if (line.size() > kMaxLineBytes) {
      line = line.substr(0, kMaxLineBytes);
      ++stats_.too_long;
    }
    if (!parse_record(line, rec_)) {
      ++stats_.unparsed;
      ev_.clear();
      ev_.offset = offset;
      ev_.set_raw(line);
      ev_.set_product("linux");
      ev_.add_service("auditd");
      ++stats_.events;
      sink(ev_);
      return;
    }
    if (group_n_ > 0 && group_[0].stamp != rec_.stamp) flush(sink);
    // The record's own event.
    ev_.clear();
    ev_.offset = offset;
    ev_.parsed = true;
    ev_.set_raw(line);
    ev_.set_product("linux");
    ev_.add_service("auditd");
    ev_.time_us = rec_.time_us;
    ev_.set("type", rec_.type);
    for (size_t i = 0; i < rec_.n; ++i) ev_.set(rec_.kv[i].key, rec_.kv[i].value);
    ++stats_.events;
    sink(ev_);
    if (rec_.type == "EOE") {
      flush(sink);
      return;
    }
    if (group_n_ == 0) group_offset_ = offset;
    if (group_n_ < kMaxGroup) {
      if (group_n_ == group_.size()) group_.emplace_back();
      std::swap(group_[group_n_++], rec_);  // rec_ takes the slot's old buffers for the next line
    }
  }

  void flush(const EventSink& sink) override {
    if (group_n_ == 0) return;
    const Record* syscall = nullptr;
    const Record* execve = nullptr;
    const Record* cwd = nullptr;
    const Record* path0 = nullptr;
    for (size_t i = 0; i < group_n_; ++i) {
      const Record& r = group_[i];
      if (r.type == "SYSCALL" && syscall == nullptr) syscall = &r;
      else if (r.type == "EXECVE" && execve == nullptr) execve = &r;
      else if (r.type == "CWD" && cwd == nullptr) cwd = &r;
      else if (r.type == "PATH" && path0 == nullptr) path0 = &r;
    }
    if (execve != nullptr) emit_process(syscall, execve, cwd, path0, sink);
    group_n_ = 0;
  }

 private:
  static constexpr size_t kMaxGroup = 64;
  static constexpr size_t kProcSlots = 4096;  // parent cache: direct-mapped by pid

  struct Proc {
    uint64_t pid = 0;  // 0: empty
    std::string image;
    std::string cmd;
  };

  void emit_process(const Record* sys, const Record* exe, const Record* cwd, const Record* path0,
                    const EventSink& sink) {
    raw_.clear();
    for (size_t i = 0; i < group_n_; ++i) {
      if (i > 0) raw_ += '\n';
      raw_ += group_[i].raw;
    }
    // Arguments: a0..a(argc-1), long ones split as aN[0], aN[1]...
    cmd_.clear();
    int argc = 0;
    if (const auto* s = exe->get("argc")) argc = std::atoi(s->c_str());
    if (argc < 0 || argc > 4096) argc = 0;
    char key[32];
    for (int i = 0; i < argc; ++i) {
      if (i > 0) cmd_ += ' ';
      int n = std::snprintf(key, sizeof(key), "a%d", i);
      if (const auto* v = exe->get(std::string_view(key, static_cast<size_t>(n)))) {
        cmd_ += *v;
        continue;
      }
      for (int part = 0;; ++part) {
        n = std::snprintf(key, sizeof(key), "a%d[%d]", i, part);
        const auto* pv = exe->get(std::string_view(key, static_cast<size_t>(n)));
        if (pv == nullptr) break;
        append_maybe_hex(*pv, false, cmd_);
      }
    }
    ev_.clear();
    ev_.offset = group_offset_;
    ev_.parsed = true;
    ev_.set_raw(raw_);
    ev_.set_product("linux");
    ev_.set_category("process_creation");
    ev_.time_us = exe->time_us;
    std::string_view image;
    std::string_view pid;
    std::string_view ppid;
    if (sys != nullptr) {
      if (const auto* v = sys->get("exe")) image = *v;
      if (const auto* v = sys->get("pid")) pid = *v;
      if (const auto* v = sys->get("ppid")) ppid = *v;
      const std::string* user = sys->get("UID");
      if (user == nullptr) user = sys->get("uid");
      if (user != nullptr) ev_.set("User", *user);
      for (const char* k : {"uid", "euid", "auid", "ses", "comm", "tty", "key"}) {
        if (const auto* v = sys->get(k)) ev_.set(k, *v);
      }
      if (const auto* v = sys->get("auid")) ev_.set("LogonId", *v);
    }
    if (image.empty() && path0 != nullptr) {
      if (const auto* v = path0->get("name")) image = *v;
    }
    ev_.set("Image", image);
    ev_.set("CommandLine", cmd_);
    if (cwd != nullptr) {
      if (const auto* v = cwd->get("cwd")) ev_.set("CurrentDirectory", *v);
    }
    if (!pid.empty()) ev_.set("ProcessId", pid);
    if (!ppid.empty()) {
      ev_.set("ParentProcessId", ppid);
      const uint64_t pp = pid_number(ppid);
      const Proc& parent = procs_[pp % kProcSlots];
      if (pp != 0 && parent.pid == pp) {
        ev_.set("ParentImage", parent.image);
        ev_.set("ParentCommandLine", parent.cmd);
      }
    }
    if (const uint64_t p = pid_number(pid); p != 0) {
      Proc& slot = procs_[p % kProcSlots];
      slot.pid = p;
      slot.image.assign(image);
      slot.cmd.assign(cmd_);
    }
    ++stats_.events;
    sink(ev_);
  }

  ParseOptions opt_;
  LogEvent ev_;
  Record rec_;
  std::vector<Record> group_;
  size_t group_n_ = 0;
  uint64_t group_offset_ = 0;
  std::string raw_;
  std::string cmd_;
  std::vector<Proc> procs_;
};

}  // namespace

std::unique_ptr<LogParser> make_auditd_parser(const ParseOptions& options) {
  return std::make_unique<AuditdParser>(options);
}

}  // namespace picket::host
