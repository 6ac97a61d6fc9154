// picketctl watch --collector tcp://HOST:7801 --key OPERATOR.key --server-key COLLECTOR.pub [filters]:
// alerts and incidents as they arrive on the collector's live stream (CURVE; the operator's public key must
// be in the collector's operators allow-list), one line each, coloured by severity.
#include <signal.h>
#include <zmq.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>

#include "common/cli.h"
#include "common/eve/eve.h"
#include "common/rule_id.h"
#include "common/transport/keys.h"
#include "common/transport/socket_options.h"
#include "ctl/commands.h"
#include "ctl/query_util.h"

namespace picket::ctl {
namespace {

struct WatchArgs {
  std::string collector = "tcp://127.0.0.1:7801";
  std::string key, server_key;
  std::string severity = "4", agent, org, rule;
  bool json = false, colour = false, no_colour = false, alerts_only = false, incidents_only = false;
  uint64_t count = 0;        // exit after this many printed messages
  double timeout_s = 0;      // exit (1) when nothing printed for this long
};

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

bool rule_matches(const std::string& rule, const std::string& pattern) {
  if (pattern.empty()) return true;
  if (pattern.back() == '*') return rule.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return rule == pattern;
}

int run_watch(const WatchArgs& a) {
  uint32_t max_sev = 4;
  if (!parse_severity(a.severity, &max_sev)) {
    std::cerr << "picketctl watch: --severity '" << a.severity << "': expected 1-4 or critical/high/medium/low/info\n";
    return kExitUsage;
  }
  auto me = transport::load_secret_key(a.key);
  if (!me) {
    std::cerr << me.error().format() << '\n';
    return kExitConfigError;
  }
  std::string server = a.server_key;
  if (!transport::is_z85_key(server)) {
    auto pub = transport::load_public_key(a.server_key);
    if (!pub) {
      std::cerr << pub.error().format() << '\n';
      return kExitConfigError;
    }
    server = pub.value();
  }
  void* ctx = zmq_ctx_new();
  void* s = zmq_socket(ctx, ZMQ_DEALER);
  int linger = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  if (Status st = transport::set_curve_client(s, me.value(), server); !st) {
    std::cerr << st.error().format() << '\n';
    zmq_close(s);
    zmq_ctx_term(ctx);
    return kExitConfigError;
  }
  (void)transport::set_heartbeats(s, std::chrono::seconds(5));
  if (zmq_connect(s, a.collector.c_str()) != 0) {
    std::cerr << "picketctl watch: cannot connect to " << a.collector << ": " << zmq_strerror(zmq_errno()) << '\n';
    zmq_close(s);
    zmq_ctx_term(ctx);
    return kExitUsage;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  const bool colour = a.colour || (!a.no_colour && !a.json && stdout_is_tty());
  auto last_sub = std::chrono::steady_clock::time_point{};
  auto last_print = std::chrono::steady_clock::now();
  uint64_t printed = 0;
  int rc = kExitOk;
  while (!g_stop) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_sub > std::chrono::seconds(5)) {  // subscribe, then keep the subscription alive
      zmq_send(s, "SUB", 3, ZMQ_DONTWAIT);
      last_sub = now;
    }
    if (a.timeout_s > 0 && now - last_print > std::chrono::duration<double>(a.timeout_s)) {
      rc = kExitFailure;
      break;
    }
    zmq_pollitem_t item{s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, 200) <= 0) continue;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, s, 0) < 0) {
      zmq_msg_close(&msg);
      continue;
    }
    v1::Envelope env;
    bool ok = env.ParseFromArray(zmq_msg_data(&msg), static_cast<int>(zmq_msg_size(&msg)));
    zmq_msg_close(&msg);
    if (!ok) continue;
    std::string line;
    if (env.has_alert() && !a.incidents_only) {
      const v1::Alert& al = env.alert();
      auto meta = [&](const char* k) {
        auto it = al.metadata().find(k);
        return it == al.metadata().end() ? std::string() : it->second;
      };
      uint32_t sev = al.rule().severity() ? al.rule().severity() : 3;
      if (sev > max_sev) continue;
      if (!a.agent.empty() && meta("agent") != a.agent) continue;
      if (!a.org.empty() && meta("org").find(a.org) == std::string::npos) continue;
      if (!rule_matches(qualified_rule_id(al.rule()), a.rule)) continue;
      line = a.json ? eve::render_alert(al) : render_alert_line(al, meta("agent"), meta("org"), colour);
    } else if (env.has_incident() && !a.alerts_only) {
      const v1::Incident& inc = env.incident();
      if ((inc.severity() ? inc.severity() : 3) > max_sev) continue;
      if (!a.rule.empty() && !rule_matches(inc.rule_id(), a.rule)) continue;
      bool agent_ok = a.agent.empty(), org_ok = a.org.empty();
      for (const auto& x : inc.agents()) agent_ok |= x == a.agent;
      for (const auto& x : inc.orgs()) org_ok |= x.find(a.org) != std::string::npos;
      if (!agent_ok || !org_ok) continue;
      line = a.json ? eve::render_incident(inc) : render_incident_line(inc, colour);
    } else {
      continue;
    }
    std::cout << line << std::endl;
    last_print = std::chrono::steady_clock::now();
    if (a.count && ++printed >= a.count) break;
  }
  zmq_close(s);
  zmq_ctx_term(ctx);
  return rc;
}

}  // namespace

void setup_watch(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<WatchArgs>();
  CLI::App* sub = app.add_subcommand("watch", "show alerts and incidents as they arrive (collector live stream)");
  sub->add_option("--collector", a->collector, "the collector's live stream endpoint (default tcp://127.0.0.1:7801)");
  sub->add_option("--key", a->key, "the operator's secret key file (picketctl keygen)")->required();
  sub->add_option("--server-key", a->server_key, "the collector's stream public key (file or Z85)")->required();
  sub->add_option("--severity", a->severity, "least severe level shown: 1-4 or critical/high/medium/low/info");
  sub->add_option("--agent", a->agent, "only this agent");
  sub->add_option("--org", a->org, "only agents whose organisation labels contain this");
  sub->add_option("--rule", a->rule, "only this rule id, or a prefix ending in *");
  sub->add_flag("--alerts-only", a->alerts_only, "only alerts");
  sub->add_flag("--incidents-only", a->incidents_only, "only incidents");
  sub->add_flag("--json", a->json, "EVE JSON lines");
  sub->add_flag("--color", a->colour, "colour even when not on a terminal");
  sub->add_flag("--no-color", a->no_colour, "never colour");
  sub->add_option("--count", a->count, "exit after printing this many");
  sub->add_option("--timeout", a->timeout_s, "exit 1 when nothing was printed for this many seconds");
  sub->callback([a, exit_code] { *exit_code = run_watch(*a); });
}

}  // namespace picket::ctl
