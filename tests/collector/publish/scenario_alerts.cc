#include "tests/collector/publish/scenario_alerts.h"

namespace picket::collector::publish::scenario {

namespace {

constexpr int64_t kSec = 1'000'000;

v1::Alert base(int64_t t, v1::Engine engine, const std::string& rule_id, const std::string& title, uint32_t sev) {
  v1::Alert a;
  a.set_event_time_us(t);
  a.set_host("web-01");
  a.mutable_rule()->set_engine(engine);
  a.mutable_rule()->set_rule_id(rule_id);
  a.mutable_rule()->set_title(title);
  a.mutable_rule()->set_severity(sev);
  return a;
}

v1::Alert net(int64_t t, uint32_t sid, const std::string& title, uint32_t dport) {
  v1::Alert a = base(t, v1::ENGINE_SURICATA, std::to_string(sid), title, 2);
  a.mutable_rule()->set_sid(sid);
  a.mutable_rule()->set_gid(1);
  auto* n = a.mutable_net();
  n->set_src_ip(kAttacker);
  n->set_src_port(40000);
  n->set_dest_ip(kServer);
  n->set_dest_port(dport);
  n->set_proto("TCP");
  return a;
}

v1::Alert sshd(int64_t t, const std::string& uuid, const std::string& title, const std::string& line) {
  v1::Alert a = base(t, v1::ENGINE_SIGMA, uuid, title, 3);
  auto* l = a.mutable_log();
  l->set_source("/var/log/auth.log");
  l->set_format("auth");
  l->set_line(line);
  (*l->mutable_fields())["src_ip"] = kAttacker;
  (*l->mutable_fields())["user"] = "root";
  (*l->mutable_fields())["message"] = line;
  return a;
}

}  // namespace

std::vector<ScenarioAlert> alerts() {
  const int64_t t0 = kStartUs;
  std::vector<ScenarioAlert> out;
  out.push_back({"scan", net(t0 + 2 * kSec, 9000001, "PICKET SCAN TCP SYN port scan", 22)});
  for (int i = 1; i <= 6; ++i) {
    out.push_back({"failed-" + std::to_string(i),
                   sshd(t0 + (60 + i * 3) * kSec, "1cce7079-ec79-4829-a5b4-7fb1db8ac81c", "SSH failed password",
                        "Failed password for root from 203.0.113.50 port 5" + std::to_string(i) + "000 ssh2")});
  }
  out.push_back({"login", sshd(t0 + 120 * kSec, "9d1a2b35-d171-4669-8c76-bcd58c69dce6", "SSH login accepted",
                               "Accepted password for root from 203.0.113.50 port 52000 ssh2")});
  v1::Alert file = base(t0 + 200 * kSec, v1::ENGINE_FIM, "create", "File created", 2);
  file.mutable_file()->set_path("/var/www/html/uploads/shell.php");
  file.mutable_file()->set_change("create");
  out.push_back({"webshell-file", std::move(file)});
  v1::Alert cmd = net(t0 + 230 * kSec, 9000002, "PICKET WEB webshell command in request", 80);
  cmd.mutable_net()->set_app_proto("http");
  cmd.mutable_net()->mutable_http()->set_url("/uploads/shell.php?cmd=id");
  out.push_back({"webshell-cmd", std::move(cmd)});
  for (size_t i = 0; i < out.size(); ++i) out[i].alert.set_seq(i + 1);
  return out;
}

}  // namespace picket::collector::publish::scenario
