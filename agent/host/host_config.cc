#include "agent/host/host_config.h"

#include <algorithm>

#include "agent/host/sigma_check.h"

namespace picket::host {

void add_host_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "host.logs", .type = Type::kNode,
         .help = "log inputs: a list of {name, path (file or glob), format (syslog, auth, auditd, nginx, apache, "
                 "json), start (end|beginning, for files never seen before), category (optional Sigma category "
                 "override, e.g. proxy)}"});
  s.add({.key = "host.sigma-rules", .type = Type::kStringList,
         .help = "Sigma rule files or folders (.yml/.yaml) run on the log inputs, besides --rules"});
  s.add({.key = "host.timezone", .type = Type::kString,
         .help = "zone of log stamps without year or zone (RFC 3164, auth.log): an IANA name, UTC or +HH:MM; "
                 "default: the host's zone"});
  s.add({.key = "host.offsets-dir", .type = Type::kString,
         .help = "folder of the saved log read offsets (default: <agent.state-dir>/log-offsets)"});
  s.add({.key = "host.poll-interval", .type = Type::kDuration, .default_value = "250ms",
         .help = "how often log files are checked for new lines and rotations"});
}

bool read_log_input_options(const config::Settings& settings, LogInputOptions* out, Diagnostics* diag) {
  bool ok = true;
  const std::string zone = settings.get_string("host.timezone");
  std::string err;
  if (!configure_zone(zone, &out->parse.clock, &err)) {
    const auto loc = settings.where("host.timezone");
    diag->add({.file = loc.file, .line = loc.line, .column = loc.column, .message = "host.timezone: " + err});
    ok = false;
  }
  out->offsets_dir = settings.get_string("host.offsets-dir");
  if (out->offsets_dir.empty()) out->offsets_dir = settings.get_string("agent.state-dir") + "/log-offsets";
  out->poll_interval = std::max(settings.get_duration("host.poll-interval"), std::chrono::milliseconds(10));
  const YAML::Node logs = settings.node("host.logs");
  const auto where = settings.where("host.logs");
  if (!logs || logs.IsNull()) return ok;
  auto fail = [&](const YAML::Node& n, const std::string& msg) {
    const int line = n.Mark().line >= 0 ? n.Mark().line + 1 : where.line;
    diag->add({.file = where.file, .line = line, .message = "host.logs: " + msg});
    ok = false;
  };
  if (!logs.IsSequence()) {
    fail(logs, "expected a list of inputs");
    return false;
  }
  const auto& formats = input_formats();
  for (const auto& item : logs) {
    if (!item.IsMap()) {
      fail(item, "each input must be a map with path and format");
      continue;
    }
    LogInputSpec spec;
    for (const auto& kv : item) {
      const std::string k = kv.first.Scalar();
      const std::string v = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
      if (k == "name") spec.name = v;
      else if (k == "path") spec.path = v;
      else if (k == "format") spec.format = v;
      else if (k == "category") spec.category = v;
      else if (k == "start") {
        if (v != "end" && v != "beginning") fail(kv.second, "start: expected end or beginning; got '" + v + "'");
        spec.from_start = v == "beginning";
      } else {
        fail(kv.first, "unknown input key '" + k + "'");
      }
    }
    if (spec.path.empty() && spec.format != "journald") fail(item, "input without path");
    if (std::find(formats.begin(), formats.end(), spec.format) == formats.end()) {
      fail(item, "format: expected one of syslog, auth, auditd, nginx, apache, json, journald; got '" + spec.format +
                     "'");
    }
    if (spec.name.empty()) spec.name = spec.path.empty() ? spec.format : spec.path;
    out->inputs.push_back(std::move(spec));
  }
  return ok;
}

std::unique_ptr<LogInputService> start_log_inputs(const config::Settings& settings,
                                                  LogInputService::AlertFn on_alert, Diagnostics* diag) {
  LogInputOptions o;
  if (!read_log_input_options(settings, &o, diag) || o.inputs.empty()) return nullptr;
  std::shared_ptr<SigmaRuleSet> rules;
  const auto paths = sigma_rule_paths({}, settings);
  if (!paths.empty()) {
    SigmaLoad load = load_sigma_paths(paths);
    for (const auto& e : load.diag.errors()) diag->add_warning(e);
    rules = std::make_shared<SigmaRuleSet>(std::move(load.rules));
  }
  auto svc = LogInputService::create(std::move(o), rules, std::move(on_alert));
  if (!svc) {
    diag->add(svc.error());
    return nullptr;
  }
  std::unique_ptr<LogInputService> s = std::move(svc.value());
  s->start();
  return s;
}

}  // namespace picket::host
