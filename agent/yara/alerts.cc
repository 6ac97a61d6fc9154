#include "agent/yara/alerts.h"

#include <chrono>
#include <cstdlib>

#include "agent/yara/fim.h"
#include "common/rule_id.h"

namespace picket::yara {
namespace {

uint32_t severity_of(const RuleMatch& m) {
  for (const auto& [k, v] : m.metas) {
    if (k == "severity") {
      int s = std::atoi(v.c_str());
      if (s >= 1 && s <= 4) {
        return static_cast<uint32_t>(s);
      }
    }
  }
  for (const auto& [k, v] : m.metas) {
    if (k == "score") {
      int score = std::atoi(v.c_str());
      return score >= 75 ? 1 : score >= 60 ? 2 : score >= 40 ? 3 : 4;
    }
  }
  return 2;
}

void fill_rule(const RuleMatch& m, v1::Alert* a) {
  a->set_event_time_us(now_us());
  auto* r = a->mutable_rule();
  r->set_engine(v1::ENGINE_YARA);
  r->set_rule_id(m.rule_namespace + ":" + m.rule);
  r->set_sid(derived_signature_id(v1::ENGINE_YARA, r->rule_id()));
  r->set_title(m.rule);
  r->set_category(m.rule_namespace);
  r->set_severity(severity_of(m));
  r->set_action(v1::ACTION_ALERT);
  for (const auto& t : m.tags) {
    r->add_tags(t);
  }
  for (const auto& [k, v] : m.metas) {
    (*r->mutable_metadata())[k].add_values(v);
  }
  auto* f = a->mutable_file();
  f->set_yara_namespace(m.rule_namespace);
  for (const auto& s : m.strings) {
    auto* ys = f->add_strings();
    ys->set_identifier(s.identifier);
    ys->set_offset(s.offset);
    ys->set_data(s.data);
  }
}

void fill_state(const FimState& s, v1::FileState* out) {
  out->set_sha256(s.sha256);
  out->set_size(s.size);
  out->set_mode(s.mode);
  out->set_uid(s.uid);
  out->set_gid(s.gid);
  out->set_mtime_ns(s.mtime_ns);
}

}  // namespace

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

v1::Alert yara_file_alert(const RuleMatch& match, const FileFacts& file) {
  v1::Alert a;
  fill_rule(match, &a);
  auto* f = a.mutable_file();
  f->set_path(file.path);
  f->set_size(file.size);
  f->set_sha256(file.sha256);
  return a;
}

v1::Alert yara_net_alert(const RuleMatch& match, const v1::NetworkInfo& net) {
  v1::Alert a;
  fill_rule(match, &a);
  *a.mutable_net() = net;
  return a;
}

v1::Alert fim_alert(std::string_view change, const std::string& path, const FimState* before,
                    const FimState* after) {
  v1::Alert a;
  a.set_event_time_us(now_us());
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_FIM);
  r->set_rule_id(std::string(change));
  r->set_sid(derived_signature_id(v1::ENGINE_FIM, r->rule_id()));
  r->set_title("File " + std::string(change == "mode" ? "permissions changed"
                                      : change == "owner" ? "owner changed"
                                      : change == "create" ? "created"
                                      : change == "delete" ? "deleted"
                                                           : "modified"));
  r->set_category("file integrity");
  r->set_severity(change == "mode" || change == "owner" ? 3 : 2);
  r->set_action(v1::ACTION_ALERT);
  auto* f = a.mutable_file();
  f->set_path(path);
  f->set_change(std::string(change));
  if (before != nullptr) {
    fill_state(*before, f->mutable_before());
  }
  if (after != nullptr) {
    fill_state(*after, f->mutable_after());
    f->set_size(after->size);
    f->set_sha256(after->sha256);
  } else if (before != nullptr) {
    f->set_size(before->size);
    f->set_sha256(before->sha256);
  }
  return a;
}

}  // namespace picket::yara
