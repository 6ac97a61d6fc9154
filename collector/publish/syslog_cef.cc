#include "collector/publish/syslog_cef.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/rule_id.h"

namespace picket::collector::publish {

namespace {

// CEF header fields escape '\' and '|'; extension values escape '\', '=' and line breaks.
std::string cef_header(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '|') out += '\\';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}

void ext(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  if (!out.empty() && out.back() != '|') out += ' ';
  out += key;
  out += '=';
  for (char c : value) {
    if (c == '\\' || c == '=') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
}

// Suricata 1 (highest) .. 4 -> CEF 0..10.
int cef_severity(uint32_t s) {
  switch (s) {
    case 1: return 10;
    case 2: return 7;
    case 3: return 5;
    default: return 3;
  }
}

int syslog_severity(uint32_t s) {
  switch (s) {
    case 1: return 2;  // critical
    case 2: return 3;  // error
    case 3: return 4;  // warning
    default: return 5; // notice
  }
}

std::string rfc3339(int64_t us) {
  time_t secs = static_cast<time_t>(us / 1'000'000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us % 1'000'000));
  return buf;
}

std::string printusascii(std::string_view s, std::string_view fallback) {
  std::string out;
  for (char c : s) {
    if (c > 32 && c < 127) out += c;
  }
  return out.empty() ? std::string(fallback) : out.substr(0, 255);
}

class SyslogCefSink final : public Sink {
 public:
  explicit SyslogCefSink(SyslogOptions o) : opt_(std::move(o)) {
    if (opt_.hostname.empty()) {
      char buf[256] = {};
      gethostname(buf, sizeof buf - 1);
      opt_.hostname = buf;
    }
  }
  ~SyslogCefSink() override { disconnect(); }

  Status parse_target() {
    std::string_view t = opt_.target;
    if (t.rfind("udp://", 0) == 0) tcp_ = false;
    else if (t.rfind("tcp://", 0) == 0) tcp_ = true;
    else return Error{.message = "syslog target '" + opt_.target + "': expected udp://HOST:PORT or tcp://HOST:PORT"};
    t.remove_prefix(6);
    size_t colon = t.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == t.size()) {
      return Error{.message = "syslog target '" + opt_.target + "': missing port"};
    }
    host_ = std::string(t.substr(0, colon));
    if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') host_ = host_.substr(1, host_.size() - 2);
    port_ = std::string(t.substr(colon + 1));
    return {};
  }
  std::string name() const override { return "syslog:" + opt_.target; }

 protected:
  bool write_alert(const v1::Alert& a, std::string_view agent, std::string_view org) override {
    return send(format_syslog(opt_.facility, a.rule().severity(), a.event_time_us(), opt_.hostname, "alert",
                              format_cef_alert(a, agent, org)));
  }
  bool write_incident(const v1::Incident& inc) override {
    return send(format_syslog(opt_.facility, inc.severity(), inc.last_seen_us(), opt_.hostname, "incident",
                              format_cef_incident(inc)));
  }

 private:
  bool connect_socket() {
    struct addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = tcp_ ? SOCK_STREAM : SOCK_DGRAM;
    struct addrinfo* res = nullptr;
    if (getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res) != 0) return false;
    for (auto* ai = res; ai; ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        fd_ = fd;
        break;
      }
      ::close(fd);
    }
    freeaddrinfo(res);
    return fd_ >= 0;
  }
  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string msg) {
    if (fd_ < 0 && !connect_socket()) return false;
    if (msg.size() > opt_.max_message) msg.resize(opt_.max_message);
    if (tcp_) msg = std::to_string(msg.size()) + " " + msg;
    size_t off = 0;
    while (off < msg.size()) {
      ssize_t n = ::send(fd_, msg.data() + off, msg.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        disconnect();  // reconnect on the next message
        return false;
      }
      off += static_cast<size_t>(n);
      if (!tcp_) break;
    }
    return true;
  }

  SyslogOptions opt_;
  bool tcp_ = false;
  std::string host_, port_;
  int fd_ = -1;
};

}  // namespace

std::string format_syslog(int facility, uint32_t severity, int64_t time_us, std::string_view hostname,
                          std::string_view msgid, std::string_view msg) {
  std::string out = "<" + std::to_string(facility * 8 + syslog_severity(severity)) + ">1 ";
  out += rfc3339(time_us);
  out += ' ';
  out += printusascii(hostname, "-");
  out += " picket - ";
  out += printusascii(msgid, "-");
  out += " - ";
  out += msg;
  return out;
}

std::string format_cef_alert(const v1::Alert& a, std::string_view agent, std::string_view org) {
  const v1::RuleRef& r = a.rule();
  uint32_t sid = r.engine() == v1::ENGINE_SURICATA ? r.sid() : derived_signature_id(r.engine(), r.rule_id());
  std::string out = "CEF:0|Picket|picket|" PICKET_VERSION "|" + std::to_string(sid) + "|" +
                    cef_header(r.title().empty() ? qualified_rule_id(r) : r.title()) + "|" +
                    std::to_string(cef_severity(r.severity())) + "|";
  ext(out, "rt", std::to_string(a.event_time_us() / 1000));
  if (a.has_net()) {
    const auto& n = a.net();
    ext(out, "src", n.src_ip());
    if (n.src_port()) ext(out, "spt", std::to_string(n.src_port()));
    ext(out, "dst", n.dest_ip());
    if (n.dest_port()) ext(out, "dpt", std::to_string(n.dest_port()));
    ext(out, "proto", n.proto());
    ext(out, "app", n.app_proto());
    if (n.has_http()) {
      ext(out, "request", n.http().url());
      ext(out, "requestMethod", n.http().http_method());
      ext(out, "dhost", n.http().hostname());
    }
  }
  if (a.has_file()) {
    ext(out, "filePath", a.file().path());
    ext(out, "fileHash", a.file().sha256());
  }
  if (a.has_log()) ext(out, "msg", a.log().line());
  ext(out, "dvchost", a.host());
  ext(out, "cat", r.category());
  ext(out, "act", "alert");
  ext(out, "cs1Label", "engine");
  ext(out, "cs1", engine_name(r.engine()));
  ext(out, "cs2Label", "ruleId");
  ext(out, "cs2", qualified_rule_id(r));
  ext(out, "cs3Label", "agent");
  ext(out, "cs3", agent);
  ext(out, "cs4Label", "org");
  ext(out, "cs4", org);
  return out;
}

std::string format_cef_incident(const v1::Incident& inc) {
  std::string out = "CEF:0|Picket|picket|" PICKET_VERSION "|" + cef_header(inc.rule_id()) + "|" +
                    cef_header(inc.title()) + "|" + std::to_string(cef_severity(inc.severity())) + "|";
  ext(out, "rt", std::to_string(inc.last_seen_us() / 1000));
  ext(out, "start", std::to_string(inc.first_seen_us() / 1000));
  ext(out, "end", std::to_string(inc.last_seen_us() / 1000));
  ext(out, "externalId", inc.id());
  ext(out, "outcome", inc.status());
  ext(out, "cat", "incident");
  std::string agents, orgs;
  for (const auto& a : inc.agents()) agents += (agents.empty() ? "" : ",") + a;
  for (const auto& o : inc.orgs()) orgs += (orgs.empty() ? "" : ";") + o;
  ext(out, "cs3Label", "agents");
  ext(out, "cs3", agents);
  ext(out, "cs4Label", "orgs");
  ext(out, "cs4", orgs);
  ext(out, "cn1Label", "newMembers");
  ext(out, "cn1", std::to_string(inc.members_size()));
  ext(out, "cn2Label", "agentCount");
  ext(out, "cn2", std::to_string(std::max<uint32_t>(inc.agent_count(), static_cast<uint32_t>(inc.agents_size()))));
  return out;
}

Result<std::unique_ptr<Sink>> make_syslog_cef_sink(const SyslogOptions& options) {
  auto sink = std::make_unique<SyslogCefSink>(options);
  if (Status st = sink->parse_target(); !st) return st.error();
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace picket::collector::publish
