// picketctl rules check: the YARA row. Compiles the .yar/.yara files with agent/yara (each file on its own
// namespace, a bad file reported and left out) and reports files loaded and rejected, the rules in the
// loaded files ("rules"), and the reasons.
#include "agent/yara/rules.h"
#include "ctl/rules_lang.h"

namespace picket::ctl {
namespace {

// "rule foo: undefined identifier \"filename\"" -> "undefined identifier".
std::string short_reason(const std::string& message) {
  std::string m = message;
  if (m.rfind("rule ", 0) == 0) {
    size_t colon = m.find(": ");
    if (colon != std::string::npos) {
      m = m.substr(colon + 2);
    }
  }
  m = m.substr(0, m.find('"'));
  while (!m.empty() && (m.back() == ' ' || m.back() == ':')) {
    m.pop_back();
  }
  return m.empty() ? message : m;
}

}  // namespace

LanguageReport check_yara(const std::vector<std::string>& files, const RuleCheckOptions&) {
  LanguageReport rep;
  if (files.empty()) {
    return rep;
  }
  yara::CompileResult r = yara::compile_rules(files);
  // YARA rejects whole files (libyara stops a file at its first error), so loaded/failed count files;
  // the rules in the loaded files are under "rules".
  rep.loaded = r.loaded.size();
  rep.failed = r.failed.size();
  for (const auto& e : r.diag.errors()) {
    rep.errors.push_back(e);
    ++rep.reasons[short_reason(e.message)];
  }
  rep.extra["rules"] = r.rules ? r.rules->rule_count() : 0;
  return rep;
}

}  // namespace picket::ctl
