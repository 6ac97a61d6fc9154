#pragma once
// The rule keyword table. Each keyword lives in its own file (keywords/<name>.cc) with its parse function
// (which validates the value and fills the Rule), its match function where it has one, and its help text.
// keywords/table.cc lists them all in one explicit table:
//
//   {.name = "ttl", .parse = parse_ttl, .value = Value::kRequired, .help = "ttl:<N / >N / N / A<>B ..."}
//
// Parsing runs on the control plane (rule loading); any thread, one ParseCtx per rule.
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "agent/detect/address.h"
#include "agent/detect/rule.h"

namespace picket::detect {

// Names shared across one rule set (flowbits), so that equal names get equal indexes.
struct RuleSetNames {
  std::map<std::string, int, std::less<>> flowbits;
  int flowbit(std::string_view name);
};

struct ParseCtx {
  Rule& rule;
  const Vars& vars;
  RuleSetNames& names;
  std::string error;          // set by a failing parse function
  std::string_view keyword;   // the keyword being parsed (shared parse functions look at it)
  // The sticky buffer that new content goes to, and the list that holds the most recent content/pcre.
  Buf sticky = Buf::kPayload;
  int last_list = -1;  // the most recent content
  int last_node = -1;

  // The list for `b`, created at the end when missing. A sticky buffer always opens a new list position
  // only when the buffer has no list yet (Suricata appends to the existing list of that buffer).
  BufferList& list_for(Buf b);
  int list_index(Buf b);
  // Appends a node to the sticky buffer's list and records it as the most recent.
  void append(Node n);
  // The most recent content node, or nullptr (with `error` set naming `keyword`).
  ContentNode* last_content(std::string_view keyword);
  // Moves the most recent content to buffer `b` (legacy modifiers such as http_uri).
  bool move_last_content(Buf b, std::string_view keyword);
  // Parses "N" or a byte_extract variable name into `out`.
  bool int_arg(std::string_view text, std::string_view keyword, int64_t min, int64_t max, IntArg* out);
  bool fail(std::string msg) {
    error = std::move(msg);
    return false;
  }
};

enum class Value { kNone, kRequired, kOptional };

using ParseFn = bool (*)(ParseCtx& ctx, std::string_view value);

struct Keyword {
  std::string_view name;
  ParseFn parse = nullptr;
  Value value = Value::kRequired;
  std::string_view help;
};

// The keyword called `name`, or nullptr.
const Keyword* find_keyword(std::string_view name);
std::span<const Keyword> all_keywords();

// Parse functions, one per keyword file.
#define PICKET_KW(fn) bool fn(ParseCtx& ctx, std::string_view value)
PICKET_KW(parse_msg);
PICKET_KW(parse_sid);
PICKET_KW(parse_rev);
PICKET_KW(parse_gid);
PICKET_KW(parse_classtype);
PICKET_KW(parse_priority);
PICKET_KW(parse_reference);
PICKET_KW(parse_metadata);
PICKET_KW(parse_target);
PICKET_KW(parse_content);
PICKET_KW(parse_uricontent);
PICKET_KW(parse_nocase);
PICKET_KW(parse_depth);
PICKET_KW(parse_offset);
PICKET_KW(parse_distance);
PICKET_KW(parse_within);
PICKET_KW(parse_startswith);
PICKET_KW(parse_endswith);
PICKET_KW(parse_fast_pattern);
PICKET_KW(parse_rawbytes);
PICKET_KW(parse_isdataat);
PICKET_KW(parse_byte_test);
PICKET_KW(parse_byte_jump);
PICKET_KW(parse_byte_extract);
PICKET_KW(parse_pcre);
PICKET_KW(parse_flow);
PICKET_KW(parse_flowbits);
PICKET_KW(parse_noalert);
PICKET_KW(parse_dsize);
PICKET_KW(parse_bsize);
PICKET_KW(parse_urilen);
PICKET_KW(parse_ttl);
PICKET_KW(parse_flags);
PICKET_KW(parse_fragbits);
PICKET_KW(parse_itype);
PICKET_KW(parse_icode);
PICKET_KW(parse_ip_proto);
PICKET_KW(parse_id);
PICKET_KW(parse_window);
PICKET_KW(parse_seq);
PICKET_KW(parse_ack);
PICKET_KW(parse_icmp_id);
PICKET_KW(parse_icmp_seq);
PICKET_KW(parse_stream_size);
PICKET_KW(parse_threshold);
PICKET_KW(parse_detection_filter);
PICKET_KW(parse_sticky_buffer);
PICKET_KW(parse_legacy_modifier);
PICKET_KW(parse_dotprefix);
PICKET_KW(parse_app_layer_protocol);
PICKET_KW(parse_unsupported);
#undef PICKET_KW

}  // namespace picket::detect
