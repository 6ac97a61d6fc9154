// The --log-format table.
#include "agent/host/logparse/parser.h"

namespace picket::host {

std::unique_ptr<LogParser> make_syslog_parser(const ParseOptions& options, bool auth);
std::unique_ptr<LogParser> make_auditd_parser(const ParseOptions& options);
std::unique_ptr<LogParser> make_access_parser(const ParseOptions& options, std::string_view service);
std::unique_ptr<LogParser> make_json_parser(const ParseOptions& options);

const std::vector<std::string>& log_formats() {
  static const std::vector<std::string> kFormats = {"syslog", "auth", "auditd", "nginx", "apache", "json"};
  return kFormats;
}

std::unique_ptr<LogParser> make_parser(std::string_view format, const ParseOptions& options) {
  if (format == "syslog") return make_syslog_parser(options, false);
  if (format == "auth") return make_syslog_parser(options, true);
  if (format == "auditd") return make_auditd_parser(options);
  if (format == "nginx" || format == "apache") return make_access_parser(options, format);
  if (format == "json") return make_json_parser(options);
  return nullptr;
}

}  // namespace picket::host
