#include "agent/detect/classification.h"

#include <fstream>
#include <sstream>

#include "agent/detect/util.h"

namespace picket::detect {
namespace {

// Keep in step with rules/classification.config (a test compares them).
constexpr std::string_view kBuiltin =
    "config classification: not-suspicious,Not Suspicious Traffic,3\n"
    "config classification: unknown,Unknown Traffic,3\n"
    "config classification: bad-unknown,Potentially Bad Traffic,2\n"
    "config classification: attempted-recon,Attempted Information Leak,2\n"
    "config classification: successful-recon-limited,Information Leak,2\n"
    "config classification: successful-recon-largescale,Large Scale Information Source Leak,2\n"
    "config classification: attempted-dos,Attempted Denial of Service,2\n"
    "config classification: successful-dos,Denial of Service,2\n"
    "config classification: attempted-user,Attempted User Privilege Gain,1\n"
    "config classification: unsuccessful-user,Unsuccessful User Privilege Gain,1\n"
    "config classification: successful-user,Successful User Privilege Gain,1\n"
    "config classification: attempted-admin,Attempted Administrator Privilege Gain,1\n"
    "config classification: successful-admin,Successful Administrator Privilege Gain,1\n"
    "config classification: rpc-portmap-decode,Decode of an RPC Query,2\n"
    "config classification: shellcode-detect,Executable code was detected,1\n"
    "config classification: string-detect,A suspicious string was detected,3\n"
    "config classification: suspicious-filename-detect,A suspicious filename was detected,2\n"
    "config classification: suspicious-login,An attempted login using a suspicious username was detected,2\n"
    "config classification: system-call-detect,A system call was detected,2\n"
    "config classification: tcp-connection,A TCP connection was detected,4\n"
    "config classification: trojan-activity,A Network Trojan was detected,1\n"
    "config classification: unusual-client-port-connection,A client was using an unusual port,2\n"
    "config classification: network-scan,Detection of a Network Scan,3\n"
    "config classification: denial-of-service,Detection of a Denial of Service Attack,2\n"
    "config classification: non-standard-protocol,Detection of a non-standard protocol or event,2\n"
    "config classification: protocol-command-decode,Generic Protocol Command Decode,3\n"
    "config classification: web-application-activity,access to a potentially vulnerable web application,2\n"
    "config classification: web-application-attack,Web Application Attack,1\n"
    "config classification: misc-activity,Misc activity,3\n"
    "config classification: misc-attack,Misc Attack,2\n"
    "config classification: icmp-event,Generic ICMP event,3\n"
    "config classification: inappropriate-content,Inappropriate Content was Detected,1\n"
    "config classification: policy-violation,Potential Corporate Privacy Violation,1\n"
    "config classification: default-login-attempt,Attempt to login by a default username and password,2\n"
    "config classification: targeted-activity,Targeted Malicious Activity was Detected,1\n"
    "config classification: exploit-kit,Exploit Kit Activity Detected,1\n"
    "config classification: external-ip-check,Device Retrieving External IP Address Detected,2\n"
    "config classification: domain-c2,Domain Observed Used for C2 Detected,1\n"
    "config classification: pup-activity,Possibly Unwanted Program Detected,2\n"
    "config classification: credential-theft,Successful Credential Theft Detected,1\n"
    "config classification: social-engineering,Possible Social Engineering Attempted,2\n"
    "config classification: coin-mining,Crypto Currency Mining Activity Detected,2\n"
    "config classification: command-and-control,Malware Command and Control Activity Detected,1\n";

}  // namespace

Classification Classification::parse(std::string_view text, const std::string& file, Diagnostics* diag) {
  Classification c;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    constexpr std::string_view kPrefix = "config classification:";
    auto bad = [&](const std::string& msg) {
      if (diag != nullptr) diag->add(Error{.file = file, .line = line_no, .message = msg, .reason = "classification"});
    };
    if (!line.starts_with(kPrefix)) {
      bad("expected 'config classification: name,description,priority'");
      continue;
    }
    auto parts = split_top(line.substr(kPrefix.size()), ',');
    uint64_t prio = 0;
    if (parts.size() != 3 || parts[0].empty() || !parse_uint(parts[2], &prio) || prio < 1 || prio > 255) {
      bad("expected name,description,priority (1..255)");
      continue;
    }
    c.types_[std::string(parts[0])] =
        ClassType{std::string(parts[0]), std::string(parts[1]), static_cast<int>(prio)};
  }
  return c;
}

const Classification& Classification::builtin() {
  static const Classification c = parse(kBuiltin, "builtin", nullptr);
  return c;
}

Classification Classification::load(const std::string& path, Diagnostics* diag) {
  if (path.empty()) return builtin();
  std::ifstream in(path);
  if (!in) {
    if (diag != nullptr) diag->add(Error{.file = path, .message = "cannot open classification file", .reason = "unreadable"});
    return builtin();
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path, diag);
}

const ClassType* Classification::find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

}  // namespace picket::detect
