#include "agent/yara/scanner.h"


#include <algorithm>
#include <cstring>

#include "agent/yara/libyara.h"

// libyara last: its headers define macros (get_string, ...) that clash with other headers.
#include <yara.h>

namespace picket::yara {
namespace {

struct CallbackState {
  const ScanLimits* limits;
  std::vector<RuleMatch>* out;
};

RuleMatch describe(YR_SCAN_CONTEXT* ctx, const YR_RULE* rule, const ScanLimits& limits) {
  RuleMatch m;
  m.rule = rule->identifier;
  m.rule_namespace = rule->ns->name;
  const char* tag = nullptr;
  yr_rule_tags_foreach(rule, tag) { m.tags.emplace_back(tag); }
  const YR_META* meta = nullptr;
  yr_rule_metas_foreach(rule, meta) {
    std::string value;
    switch (meta->type) {
      case META_TYPE_INTEGER:
        value = std::to_string(meta->integer);
        break;
      case META_TYPE_BOOLEAN:
        value = meta->integer != 0 ? "true" : "false";
        break;
      default:
        value = meta->string != nullptr ? meta->string : "";
        break;
    }
    m.metas.emplace_back(meta->identifier, std::move(value));
  }
  const YR_STRING* string = nullptr;
  yr_rule_strings_foreach(rule, string) {
    // libyara's match records are not always 8-byte aligned (its notebook allocator packs them), so each
    // is copied out before its fields are read (what yr_string_matches_foreach would read in place).
    const YR_MATCH* next = ctx->matches[string->idx].head;
    while (next != nullptr && m.strings.size() < limits.max_strings) {
      YR_MATCH match;
      std::memcpy(&match, next, sizeof match);
      next = match.next;
      if (match.is_private) {
        continue;
      }
      StringMatch s;
      s.identifier = string->identifier;
      s.offset = static_cast<uint64_t>(match.base + match.offset);
      size_t n = std::min<size_t>(static_cast<size_t>(std::max(match.data_length, 0)), limits.max_match_data);
      s.data.assign(reinterpret_cast<const char*>(match.data), n);
      m.strings.push_back(std::move(s));
    }
  }
  return m;
}

int on_scan_message(YR_SCAN_CONTEXT* ctx, int message, void* data, void* user) {
  auto* st = static_cast<CallbackState*>(user);
  if (message == CALLBACK_MSG_RULE_MATCHING) {
    st->out->push_back(describe(ctx, static_cast<const YR_RULE*>(data), *st->limits));
  }
  return CALLBACK_CONTINUE;
}

}  // namespace

Scanner::Scanner(std::shared_ptr<const RuleSet> rules, ScanLimits limits)
    : rules_(std::move(rules)), limits_(limits) {
  ensure_libyara();
  if (!rules_ || rules_->get() == nullptr) {
    return;
  }
  if (yr_scanner_create(rules_->get(), &scanner_) != ERROR_SUCCESS) {
    scanner_ = nullptr;
    return;
  }
  yr_scanner_set_flags(scanner_, SCAN_FLAGS_REPORT_RULES_MATCHING);
  yr_scanner_set_timeout(scanner_, limits_.timeout_s);
}

Scanner::~Scanner() {
  if (scanner_ != nullptr) {
    yr_scanner_destroy(scanner_);
  }
}

void Scanner::set_externals(const Externals& ext) {
  if (scanner_ == nullptr) {
    return;
  }
  // Rules compiled without the externals simply do not know them; libyara then returns an error we ignore.
  yr_scanner_define_string_variable(scanner_, "filename", ext.filename.c_str());
  yr_scanner_define_string_variable(scanner_, "filepath", ext.filepath.c_str());
  yr_scanner_define_string_variable(scanner_, "extension", ext.extension.c_str());
  yr_scanner_define_string_variable(scanner_, "filetype", ext.filetype.c_str());
  yr_scanner_define_string_variable(scanner_, "owner", ext.owner.c_str());
}

bool Scanner::scan(std::span<const uint8_t> data, std::vector<RuleMatch>* out) {
  last_error_ = 0;
  if (scanner_ == nullptr) {
    last_error_ = ERROR_INTERNAL_FATAL_ERROR;
    return false;
  }
  CallbackState st{.limits = &limits_, .out = out};
  yr_scanner_set_callback(scanner_, on_scan_message, &st);
  static const uint8_t kEmpty = 0;
  const uint8_t* p = data.empty() ? &kEmpty : data.data();
  int rc = yr_scanner_scan_mem(scanner_, p, data.size());
  if (rc != ERROR_SUCCESS) {
    last_error_ = rc;
    return false;
  }
  return true;
}

}  // namespace picket::yara
