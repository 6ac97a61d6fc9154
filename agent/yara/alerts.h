#pragma once
// picket::v1::Alert for YARA matches (on files and on network content) and FIM changes.
//
//   v1::Alert a = picket::yara::yara_file_alert(match, facts);   // engine yara, rule_id "namespace:rule"
//   v1::Alert b = picket::yara::fim_alert("mode", path, &before, &after);
//
// YARA: title is the rule name, category the namespace, tags the rule's tags, metadata the rule's meta;
// severity is meta `severity` (1-4) when present, else from signature-base's `score` (>= 75: 1, >= 60: 2,
// >= 40: 3, else 4), else 2. FIM: rule_id is the change kind (create, modify, delete, mode, owner),
// severity 2 (create, modify, delete) or 3 (mode, owner); file.before/after carry both states.
// Pure functions; any thread.
#include <string>
#include <string_view>

#include "agent/yara/file_scan.h"
#include "agent/yara/scanner.h"
#include "picket.pb.h"

namespace picket::yara {

v1::Alert yara_file_alert(const RuleMatch& match, const FileFacts& file);
// Network content: the flow goes in `net` (copied); the file part carries only the namespace and strings.
v1::Alert yara_net_alert(const RuleMatch& match, const v1::NetworkInfo& net);

struct FimState;  // fim.h
v1::Alert fim_alert(std::string_view change, const std::string& path, const FimState* before,
                    const FimState* after);

int64_t now_us();

}  // namespace picket::yara
