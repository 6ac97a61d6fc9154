// picketctl incidents [--since ...] [--severity ...] [--status ...] [--json]: incidents from the store.
// picketctl incident ID [ack|close|reopen] [--note TEXT]: one incident with the timeline of its member
// alerts, or a status change recorded in the store's audit log.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "collector/store/store.h"
#include "common/cli.h"
#include "common/eve/eve.h"
#include "ctl/commands.h"
#include "ctl/query_util.h"

namespace picket::ctl {
namespace {

struct IncidentArgs {
  std::string config, store, since, severity = "4", status, id, action, note, actor;
  size_t limit = 100;
  bool json = false;
};

int run_incidents(const IncidentArgs& a) {
  collector::store::IncidentQuery q;
  q.status = a.status;
  q.limit = a.limit;
  if (!a.status.empty() && a.status != "open" && a.status != "acknowledged" && a.status != "closed") {
    std::cerr << "picketctl incidents: --status: expected open, acknowledged or closed\n";
    return kExitUsage;
  }
  if (!a.since.empty() && !parse_since(a.since, collector::store::now_us(), &q.since_us)) {
    std::cerr << "picketctl incidents: --since '" << a.since << "': expected a duration (10m, 2h, 7d) or a UTC time\n";
    return kExitUsage;
  }
  if (!parse_severity(a.severity, &q.max_severity)) {
    std::cerr << "picketctl incidents: --severity '" << a.severity << "': expected 1-4 or critical/high/medium/low/info\n";
    return kExitUsage;
  }
  auto st = open_store_for_query(a.config, a.store);
  if (!st) {
    std::cerr << st.error().format() << '\n';
    return kExitFailure;
  }
  auto incs = (*st)->query_incidents(q);
  if (!incs) {
    std::cerr << incs.error().format() << '\n';
    return kExitFailure;
  }
  const bool colour = !a.json && stdout_is_tty();
  for (const auto& inc : *incs) {
    std::cout << (a.json ? eve::render_incident(inc) : render_incident_line(inc, colour)) << '\n';
  }
  return kExitOk;
}

int run_incident(const IncidentArgs& a) {
  const bool change = !a.action.empty();
  std::string status;
  if (change) {
    if (a.action == "ack") status = "acknowledged";
    else if (a.action == "close") status = "closed";
    else if (a.action == "reopen") status = "open";
    else {
      std::cerr << "picketctl incident: '" << a.action << "': expected ack, close or reopen\n";
      return kExitUsage;
    }
  }
  auto st = open_store_for_query(a.config, a.store, /*read_only=*/!change);
  if (!st) {
    std::cerr << st.error().format() << '\n';
    return kExitFailure;
  }
  if (change) {
    std::string actor = a.actor;
    if (actor.empty()) {
      const char* user = ::getenv("SUDO_USER");
      if (!user) user = ::getenv("USER");
      actor = user ? user : "picketctl";
    }
    if (Status s = (*st)->set_incident_status(a.id, status, actor, a.note); !s) {
      std::cerr << "picketctl incident: " << s.error().format() << '\n';
      return kExitFailure;
    }
    std::cout << a.id << ": " << status << '\n';
    return kExitOk;
  }
  auto inc = (*st)->get_incident(a.id);
  if (!inc) {
    std::cerr << inc.error().format() << '\n';
    return kExitFailure;
  }
  if (!inc->has_value()) {
    std::cerr << "picketctl incident: no incident '" << a.id << "'\n";
    return kExitFailure;
  }
  auto rows = (*st)->incident_alerts(a.id);
  if (!rows) {
    std::cerr << rows.error().format() << '\n';
    return kExitFailure;
  }
  const bool colour = !a.json && stdout_is_tty();
  if (a.json) {
    std::cout << eve::render_incident(**inc) << '\n';
  } else {
    std::cout << render_incident_line(**inc, colour) << '\n';
  }
  for (const auto& r : *rows) {
    if (a.json) {
      v1::Alert copy = r.alert;
      (*copy.mutable_metadata())["agent"] = r.agent;
      std::cout << eve::render_alert(copy) << '\n';
    } else {
      std::cout << "  " << render_alert_line(r.alert, r.agent, r.org, colour) << '\n';
    }
  }
  return kExitOk;
}

void store_options(CLI::App* sub, IncidentArgs* a) {
  sub->add_option("-c,--config", a->config, "collector configuration (its store.path is used)");
  sub->add_option("--store", a->store, "the store file itself");
  sub->add_flag("--json", a->json, "EVE JSON lines");
}

}  // namespace

void setup_incidents(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<IncidentArgs>();
  CLI::App* sub = app.add_subcommand("incidents", "list incidents from the collector's store (on the collector host)");
  store_options(sub, a.get());
  sub->add_option("--since", a->since, "only incidents active after: a duration (10m, 2h, 7d) or a UTC time");
  sub->add_option("--severity", a->severity, "least severe level shown: 1-4 or critical/high/medium/low/info");
  sub->add_option("--status", a->status, "open, acknowledged or closed");
  sub->add_option("--limit", a->limit, "at most this many (default 100)");
  sub->callback([a, exit_code] { *exit_code = run_incidents(*a); });
}

void setup_incident(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<IncidentArgs>();
  CLI::App* sub = app.add_subcommand(
      "incident", "show an incident and the timeline of its member alerts, or set its status (ack, close, reopen)");
  sub->add_option("ID", a->id, "incident id (INC-...)")->required();
  sub->add_option("ACTION", a->action, "ack, close or reopen (recorded in the audit log)");
  sub->add_option("--note", a->note, "a note for the audit log");
  sub->add_option("--actor", a->actor, "who changes it (default: $SUDO_USER or $USER)");
  store_options(sub, a.get());
  sub->callback([a, exit_code] { *exit_code = run_incident(*a); });
}

}  // namespace picket::ctl
