// picketctl alerts [--since DURATION|TIME] [--severity LEVEL] [--agent NAME] [--org TEXT] [--rule ID] [--json]:
// alerts from the collector's store (read-only; on the collector host), newest first.
#include <iostream>
#include <memory>

#include "collector/store/store.h"
#include "common/cli.h"
#include "common/eve/eve.h"
#include "ctl/commands.h"
#include "ctl/query_util.h"

namespace picket::ctl {
namespace {

struct AlertsArgs {
  std::string config, store, since, severity = "4", agent, org, rule;
  size_t limit = 100;
  bool json = false;
};

int run_alerts(const AlertsArgs& a) {
  collector::store::AlertQuery q;
  q.agent = a.agent;
  q.org = a.org;
  q.rule = a.rule;
  q.limit = a.limit;
  if (!a.since.empty() && !parse_since(a.since, collector::store::now_us(), &q.since_us)) {
    std::cerr << "picketctl alerts: --since '" << a.since << "': expected a duration (10m, 2h, 7d) or a UTC time\n";
    return kExitUsage;
  }
  if (!parse_severity(a.severity, &q.max_severity)) {
    std::cerr << "picketctl alerts: --severity '" << a.severity << "': expected 1-4 or critical/high/medium/low/info\n";
    return kExitUsage;
  }
  auto st = open_store_for_query(a.config, a.store);
  if (!st) {
    std::cerr << st.error().format() << '\n';
    return kExitFailure;
  }
  auto rows = (*st)->query_alerts(q);
  if (!rows) {
    std::cerr << rows.error().format() << '\n';
    return kExitFailure;
  }
  const bool colour = !a.json && stdout_is_tty();
  for (const auto& r : *rows) {
    if (a.json) {
      v1::Alert copy = r.alert;
      (*copy.mutable_metadata())["agent"] = r.agent;
      if (!r.org.empty()) (*copy.mutable_metadata())["org"] = r.org;
      std::cout << eve::render_alert(copy) << '\n';
    } else {
      std::cout << render_alert_line(r.alert, r.agent, r.org, colour) << '\n';
    }
  }
  return kExitOk;
}

}  // namespace

void setup_alerts(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<AlertsArgs>();
  CLI::App* sub = app.add_subcommand("alerts", "list alerts from the collector's store (on the collector host)");
  sub->add_option("-c,--config", a->config, "collector configuration (its store.path is read)");
  sub->add_option("--store", a->store, "the store file itself");
  sub->add_option("--since", a->since, "only alerts after: a duration (10m, 2h, 7d) or a UTC time");
  sub->add_option("--severity", a->severity, "least severe level shown: 1-4 or critical/high/medium/low/info");
  sub->add_option("--agent", a->agent, "only this agent");
  sub->add_option("--org", a->org, "only agents whose organisation labels contain this");
  sub->add_option("--rule", a->rule, "only this rule id (suricata:2010935), or a prefix ending in *");
  sub->add_option("--limit", a->limit, "at most this many (default 100)");
  sub->add_flag("--json", a->json, "EVE JSON lines");
  sub->callback([a, exit_code] { *exit_code = run_alerts(*a); });
}

}  // namespace picket::ctl
