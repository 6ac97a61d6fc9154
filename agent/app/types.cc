#include "agent/app/types.h"

namespace picket::app {

std::string_view app_proto_name(AppProto p) {
  switch (p) {
    case AppProto::kHttp: return "http";
    case AppProto::kTls: return "tls";
    case AppProto::kDns: return "dns";
    case AppProto::kSsh: return "ssh";
    case AppProto::kSmtp: return "smtp";
    case AppProto::kFtp: return "ftp";
    case AppProto::kHttp2: return "http2";
    case AppProto::kPgsql: return "pgsql";
    case AppProto::kLlmnr: return "llmnr";
    case AppProto::kDhcp: return "dhcp";
    case AppProto::kUnknown: break;
  }
  return "";
}

}  // namespace picket::app
