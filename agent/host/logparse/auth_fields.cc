// Fields of auth.log messages (sshd, sudo, su, useradd/groupadd/usermod, passwd, PAM). The message itself is
// always kept in `message`; these add the parts analysts filter on: user, src_ip, src_port, auth_method,
// outcome, target_user, CommandLine, tty.
#include "agent/host/logparse/parser.h"
#include "agent/host/logparse/text.h"

namespace picket::host {
namespace {

// k=v pairs separated by spaces, commas or semicolons ("name=john, UID=0", "logname= uid=0 rhost=1.2.3.4").
void extract_kv(std::string_view s, LogEvent& ev) {
  size_t p = 0;
  while (p < s.size()) {
    while (p < s.size() && (s[p] == ' ' || s[p] == ',' || s[p] == ';')) ++p;
    size_t k = p;
    while (p < s.size() && s[p] != '=' && s[p] != ' ' && s[p] != ',' && s[p] != ';') ++p;
    if (p >= s.size() || s[p] != '=') {
      while (p < s.size() && s[p] != ' ' && s[p] != ',' && s[p] != ';') ++p;
      continue;
    }
    std::string_view key = s.substr(k, p - k);
    ++p;
    size_t v = p;
    while (p < s.size() && s[p] != ' ' && s[p] != ',' && s[p] != ';') ++p;
    if (!key.empty() && key.size() < 32) ev.set(key, s.substr(v, p - v));
  }
}

// PAM messages, with or without the "pam_unix(svc:auth): " prefix (older syslogs put it in the program name).
bool pam_like(std::string_view m) {
  return starts_with(m, "pam_") || starts_with(m, "authentication failure;") || starts_with(m, "check pass;");
}

void sshd_fields(std::string_view m, LogEvent& ev) {
  auto from_port = [&](std::string_view rest) {
    // "<user> from <ip> port <port> ..."
    std::string_view user = next_token(rest);
    if (next_token(rest) != "from") return;
    ev.set("user", user);
    ev.set("src_ip", next_token(rest));
    if (next_token(rest) == "port") ev.set("src_port", next_token(rest));
  };
  if (starts_with(m, "Accepted ") || starts_with(m, "Failed ")) {
    const bool ok = m[0] == 'A';
    std::string_view rest = m;
    next_token(rest);
    ev.set("auth_method", next_token(rest));
    if (next_token(rest) != "for") return;
    if (starts_with(rest, "invalid user ")) {
      rest.remove_prefix(13);
      ev.set("invalid_user", "true");
    }
    ev.set("outcome", ok ? "success" : "failure");
    from_port(rest);
  } else if (starts_with(m, "Invalid user ")) {
    std::string_view rest = m.substr(13);
    ev.set("outcome", "failure");
    ev.set("invalid_user", "true");
    if (starts_with(rest, "from ")) {  // empty user name
      ev.set("user", "");
      rest.remove_prefix(5);
      ev.set("src_ip", next_token(rest));
      return;
    }
    from_port(rest);
  } else if (size_t semi = m.find("; "); semi != std::string_view::npos && pam_like(m)) {
    extract_kv(m.substr(semi + 2), ev);
  }
}

void sudo_fields(std::string_view m, LogEvent& ev) {
  // "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u"
  size_t colon = m.find(" : ");
  if (colon == std::string_view::npos) return;
  ev.set("user", trim(m.substr(0, colon)));
  std::string_view rest = m.substr(colon + 3);
  while (!rest.empty()) {
    size_t sep = rest.find(" ; ");
    std::string_view part = rest.substr(0, sep);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos) {
      std::string_view k = part.substr(0, eq);
      std::string_view v = part.substr(eq + 1);
      if (k == "TTY") ev.set("tty", v);
      else if (k == "PWD") ev.set("CurrentDirectory", v);
      else if (k == "USER") ev.set("target_user", v);
      else if (k == "COMMAND") ev.set("CommandLine", v);
      else if (k.size() < 32) ev.set(k, v);
    } else if (!part.empty()) {
      ev.set("reason", trim(part));
    }
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 3);
  }
}

void su_fields(std::string_view m, LogEvent& ev) {
  // "(to root) alice on pts/0" or "Successful su for root by alice" or "FAILED SU (to root) alice on pts/1"
  if (size_t to = m.find("(to "); to != std::string_view::npos) {
    size_t close = m.find(')', to);
    if (close == std::string_view::npos) return;
    ev.set("target_user", m.substr(to + 4, close - to - 4));
    std::string_view rest = m.substr(close + 1);
    ev.set("user", next_token(rest));
    ev.set("outcome", starts_with(m, "FAILED") ? "failure" : "success");
  } else if (starts_with(m, "Successful su for ")) {
    std::string_view rest = m.substr(18);
    ev.set("target_user", next_token(rest));
    if (next_token(rest) == "by") ev.set("user", next_token(rest));
    ev.set("outcome", "success");
  }
}

}  // namespace

void extract_auth_fields(std::string_view service, std::string_view message, LogEvent& ev) {
  if (service == "sshd") {
    sshd_fields(message, ev);
  } else if (service == "sudo") {
    sudo_fields(message, ev);
  } else if (service == "su") {
    su_fields(message, ev);
  } else if (service == "useradd" || service == "groupadd" || service == "usermod" || service == "userdel" ||
             service == "groupdel" || service == "passwd" || service == "chpasswd" || service == "chage") {
    size_t colon = message.find(": ");
    extract_kv(colon == std::string_view::npos ? message : message.substr(colon + 2), ev);
  } else if (size_t semi = message.find("; "); semi != std::string_view::npos && pam_like(message)) {
    extract_kv(message.substr(semi + 2), ev);
  }
}

}  // namespace picket::host
