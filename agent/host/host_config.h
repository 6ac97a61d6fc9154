#pragma once
// Configuration keys of agent/host, and reading them into LogInputOptions.
//
//   config::Schema s; picket::host::add_host_keys(s);            // from agent/cmd/agent_schema.cc
//   host:
//     timezone: Europe/Istanbul          # zone of year-less stamps (RFC 3164, auth.log); default: the host's
//     offsets-dir: /var/lib/picket/agent/log-offsets   # default: <agent.state-dir>/log-offsets
//     poll-interval: 250ms
//     logs:
//       - {name: auth, path: /var/log/auth.log, format: auth}
//       - {name: web, path: "/var/log/nginx/*access.log", format: nginx, start: beginning}
//       - {name: proxy, path: /var/log/squid/access.log, format: apache, category: proxy}
//
// Control plane; call from the thread that loads the configuration.
#include "agent/host/log_input.h"
#include "common/config.h"
#include "common/error.h"

namespace picket::host {

void add_host_keys(config::Schema& schema);

// Fills inputs, offsets_dir, poll_interval and the parse clock (host.timezone; a named zone sets the
// process's TZ). Each problem is one Error with the config file's line.
bool read_log_input_options(const config::Settings& settings, LogInputOptions* out, Diagnostics* diag);

// For the daemon: reads host.*, loads host.sigma-rules, and starts the log input thread with alerts going to
// `on_alert` (which must be thread-safe and durable before it returns: offsets are saved after it).
// nullptr when host.logs is empty or unusable; problems go to `diag` (rule rejections as warnings).
std::unique_ptr<LogInputService> start_log_inputs(const config::Settings& settings,
                                                  LogInputService::AlertFn on_alert, Diagnostics* diag);

}  // namespace picket::host
