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
//   app.dns.detection-ports         server ports where a plausible DNS header picks DNS (53)
//                                   alias app-layer.protocols.dns.detection-ports.dp
//   app.dns.max-records             records kept per DNS message (256)
//   app.tls.encryption-handling     default | full | bypass (alias app-layer.protocols.tls.encryption-handling):
//                                   bypass stops all processing of a TLS flow once both sides encrypt
//   app.tls.max-handshake-message   one TLS handshake message reassembled across records (256KB)
//   app.http2.enabled               HTTP/2 detection and parsing (true; alias app-layer.protocols.http2.enabled)
//   app.http2.max-table-size        HPACK dynamic table cap per direction (64KB)
//   app.http2.max-header-list       decoded fields of one header block (64KB)
//   app.http2.max-streams           streams tracked at once per connection (512)
//   app.pgsql.enabled               PostgreSQL detection and parsing (true; alias app-layer.protocols.pgsql.enabled)
//   app.pgsql.max-message           largest PostgreSQL message buffered (1MB)
// Pure; call from the control thread.
#include <string_view>
#include <vector>

#include "agent/app/types.h"
#include "common/config.h"
#include "common/result.h"

namespace picket::app {

void add_app_keys(config::Schema& schema);
// Values the schema cannot check (app.dns.detection-ports' port list); the error says file:line.
Status check_app_settings(const config::Settings& settings);
AppLimits app_limits_from(const config::Settings& settings);
// "53", "53,5353", "[53, 5353]", "1000:2000" or "1000-2000" -> ranges; false on anything else.
bool parse_port_ranges(std::string_view text, std::vector<PortRange>* out);

}  // namespace picket::app
