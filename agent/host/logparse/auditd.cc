// audit.log: one record per line ("type=SYSCALL msg=audit(1700000000.123:42): pid=1 ... exe="/bin/x"").
// Every record becomes a service:auditd event with its own fields (as SigmaHQ's auditd rules expect:
// type, a0.., name, exe, key...). The records of one event (same audit(stamp:serial)) are also joined:
// when they hold an EXECVE, one process_creation event is emitted with Image, CommandLine, ParentImage,
// ParentCommandLine, User, CurrentDirectory, ProcessId, ParentProcessId. Parents are found in a bounded
// pid -> (image, command line) cache of the executions seen before.
#include <unordered_map>

#include "agent/host/logparse/parser.h"
#include "agent/host/logparse/text.h"

namespace picket::host {
namespace {

struct Record {
  std::string raw;
  std::string type;
  int64_t time_us = 0;
  std::string stamp;  // "sec.ms:serial": the event key
  std::vector<std::pair<std::string, std::string>> kv;
  const std::string* get(std::string_view k) const {
    for (const auto& [key, value] : kv) {
      if (key == k) return &value;
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
  return key == "name" || key == "comm" || key == "exe" || key == "cwd" || key == "proctitle" || key == "cmd" ||
         key == "path" || key == "data" || key == "acct" || key == "ocomm" || key == "key" || key == "dir";
}

void maybe_hex_decode(std::string& v, bool proctitle) {
  if (v.empty() || v.size() % 2 != 0 || v.size() > 2 * LogParser::kMaxLineBytes) return;
  for (char c : v) {
    if (!is_hex(c)) return;
  }
  auto nib = [](char c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  out.reserve(v.size() / 2);
  for (size_t i = 0; i < v.size(); i += 2) {
    char c = static_cast<char>(nib(v[i]) * 16 + nib(v[i + 1]));
    if (c == '\0' && proctitle) c = ' ';
    out += c;
  }
  if (proctitle) {
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  v = std::move(out);
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
    std::string value;
    bool quoted = false;
    if (p < s.size() && (s[p] == '"' || s[p] == '\'')) {
      const char q = s[p++];
      size_t e = s.find(q, p);
      if (e == std::string_view::npos) e = s.size();
      if (q == '\'' && depth == 0) {
        parse_pairs(s.substr(p, e - p), rec, depth + 1);
      }
      value.assign(s.substr(p, e - p));
      p = e < s.size() ? e + 1 : e;
      quoted = true;
    } else {
      size_t e = p;
      while (e < s.size() && s[e] != ' ' && s[e] != '\x1d') ++e;
      value.assign(s.substr(p, e - p));
      p = e;
    }
    if (key.empty() || key.size() > 64) continue;
    if (!quoted && hex_encodable(rec.type, key)) maybe_hex_decode(value, key == "proctitle");
    if (key == "type" || key == "msg") continue;
    rec.kv.emplace_back(std::string(key), std::move(value));
  }
}

bool parse_record(std::string_view line, Record& rec) {
  rec.kv.clear();
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

class AuditdParser final : public LogParser {
 public:
  explicit AuditdParser(ParseOptions opt) : opt_(std::move(opt)) {}

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
    if (!group_.empty() && group_.front().stamp != rec_.stamp) flush(sink);
    // The record's own event.
    ev_.clear();
    ev_.offset = offset;
    ev_.parsed = true;
    ev_.set_raw(line);
    ev_.set_product("linux");
    ev_.add_service("auditd");
    ev_.time_us = rec_.time_us;
    ev_.set("type", rec_.type);
    for (const auto& [k, v] : rec_.kv) ev_.set(k, v);
    ++stats_.events;
    sink(ev_);
    if (rec_.type == "EOE") {
      flush(sink);
      return;
    }
    if (group_.empty()) group_offset_ = offset;
    if (group_.size() < 64) group_.push_back(rec_);
  }

  void flush(const EventSink& sink) override {
    if (group_.empty()) return;
    const Record* syscall = nullptr;
    const Record* execve = nullptr;
    const Record* cwd = nullptr;
    const Record* path0 = nullptr;
    for (const auto& r : group_) {
      if (r.type == "SYSCALL" && syscall == nullptr) syscall = &r;
      else if (r.type == "EXECVE" && execve == nullptr) execve = &r;
      else if (r.type == "CWD" && cwd == nullptr) cwd = &r;
      else if (r.type == "PATH" && path0 == nullptr) path0 = &r;
    }
    if (execve != nullptr) emit_process(syscall, execve, cwd, path0, sink);
    group_.clear();
  }

 private:
  void emit_process(const Record* sys, const Record* exe, const Record* cwd, const Record* path0,
                    const EventSink& sink) {
    std::string raw;
    for (const auto& r : group_) {
      if (!raw.empty()) raw += '\n';
      raw += r.raw;
    }
    // Arguments: a0..a(argc-1), long ones split as aN[0], aN[1]...
    std::string cmd;
    int argc = 0;
    if (const auto* s = exe->get("argc")) argc = std::atoi(s->c_str());
    if (argc < 0 || argc > 4096) argc = 0;
    std::string key;
    for (int i = 0; i < argc; ++i) {
      key = "a" + std::to_string(i);
      std::string arg;
      if (const auto* v = exe->get(key)) {
        arg = *v;
      } else {
        for (int part = 0;; ++part) {
          const auto* pv = exe->get(key + "[" + std::to_string(part) + "]");
          if (pv == nullptr) break;
          std::string chunk = *pv;
          maybe_hex_decode(chunk, false);
          arg += chunk;
        }
      }
      if (i > 0) cmd += ' ';
      cmd += arg;
    }
    ev_.clear();
    ev_.offset = group_offset_;
    ev_.parsed = true;
    ev_.set_raw(raw);
    ev_.set_product("linux");
    ev_.set_category("process_creation");
    ev_.time_us = exe->time_us;
    std::string image;
    std::string pid;
    std::string ppid;
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
    ev_.set("CommandLine", cmd);
    if (cwd != nullptr) {
      if (const auto* v = cwd->get("cwd")) ev_.set("CurrentDirectory", *v);
    }
    if (!pid.empty()) ev_.set("ProcessId", pid);
    if (!ppid.empty()) {
      ev_.set("ParentProcessId", ppid);
      auto it = procs_.find(ppid);
      if (it != procs_.end()) {
        ev_.set("ParentImage", it->second.first);
        ev_.set("ParentCommandLine", it->second.second);
      }
    }
    if (!pid.empty()) {
      if (procs_.size() >= 8192) procs_.clear();
      procs_[pid] = {image, cmd};
    }
    ++stats_.events;
    sink(ev_);
  }

  ParseOptions opt_;
  LogEvent ev_;
  Record rec_;
  std::vector<Record> group_;
  uint64_t group_offset_ = 0;
  std::unordered_map<std::string, std::pair<std::string, std::string>> procs_;
};

}  // namespace

std::unique_ptr<LogParser> make_auditd_parser(const ParseOptions& options) {
  return std::make_unique<AuditdParser>(options);
}

}  // namespace picket::host
