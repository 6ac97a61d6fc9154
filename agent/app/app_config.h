#pragma once
// Configuration keys of the application layer, and AppLimits from loaded settings.
//
//   picket::config::Schema s;  picket::app::add_app_keys(s);
//   auto loaded = picket::config::load_file(s, path);
//   picket::app::AppLimits limits = picket::app::app_limits_from(loaded.settings);
//
// Keys (sizes accept "100KB", "1MiB"; Suricata's libhtp spellings are accepted as aliases):
//   app.detect.max-bytes            bytes per direction inspected before detection gives up (512)
//   app.http.request-body-limit     request body bytes kept for inspection (100KB)
//                                   alias app-layer.protocols.http.libhtp.default-config.request-body-limit
//   app.http.response-body-limit    decoded response body bytes kept (100KB)
//                                   alias app-layer.protocols.http.libhtp.default-config.response-body-limit
//   app.http.max-header-bytes       request/status line + headers of one message (64KB)
//   app.http.max-pending-tx         pipelined requests awaiting a response (64)
//   app.dns.max-records             records kept per DNS message (256)
//   app.tls.max-handshake-message   one TLS handshake message reassembled across records (256KB)
// Pure; call from the control thread.
#include "agent/app/types.h"
#include "common/config.h"

namespace picket::app {

void add_app_keys(config::Schema& schema);
AppLimits app_limits_from(const config::Settings& settings);

}  // namespace picket::app
