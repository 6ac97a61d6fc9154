#include "agent/host/log_output.h"

#include <chrono>

#include "common/eve/eve.h"
#include "common/rule_id.h"

namespace picket::host {
namespace {

int64_t event_time(const LogEvent& ev) {
  if (ev.time_us != 0) return ev.time_us;
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

v1::Alert make_sigma_alert(const SigmaRule& rule, const LogEvent& ev, std::string_view source,
                           std::string_view format) {
  v1::Alert a;
  a.set_event_time_us(event_time(ev));
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_SIGMA);
  r->set_rule_id(rule.id);
  r->set_sid(derived_signature_id(v1::ENGINE_SIGMA, rule.id));
  r->set_rev(1);
  r->set_title(rule.title);
  r->set_severity(rule.severity);
  r->set_category(!rule.logsource.category.empty() ? rule.logsource.category : rule.logsource.service);
  for (const auto& t : rule.tags) r->add_tags(t);
  auto* log = a.mutable_log();
  log->set_source(std::string(source));
  log->set_format(std::string(format));
  log->set_line(ev.raw());
  log->set_offset(ev.offset);
  auto* fields = log->mutable_fields();
  for (size_t i = 0; i < ev.size(); ++i) (*fields)[ev.at(i).name] = ev.at(i).value;
  return a;
}

std::string render_log_event(const LogEvent& ev, std::string_view source, std::string_view format) {
  eve::JsonWriter w;
  w.begin_object();
  eve::write_header(w, event_time(ev), nullptr, "log");
  w.key("log");
  w.begin_object();
  w.kv("source", source);
  w.kv("format", format);
  w.kv("line", ev.raw());
  w.kv("offset", static_cast<uint64_t>(ev.offset));
  if (!ev.product().empty()) w.kv("product", ev.product());
  if (!ev.category().empty()) w.kv("category", ev.category());
  if (ev.service_count() > 0) {
    w.key("services");
    w.begin_array();
    for (size_t i = 0; i < ev.service_count(); ++i) w.string(ev.service(i));
    w.end_array();
  }
  w.key("fields");
  w.begin_object();
  for (size_t i = 0; i < ev.size(); ++i) w.kv(ev.at(i).name, ev.at(i).value);
  w.end_object();
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace picket::host
