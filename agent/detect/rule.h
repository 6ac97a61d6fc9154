#pragma once
// A parsed Suricata rule: header, meta keywords, per-buffer inspection lists and packet conditions.
// Built by the parser (parser.h) and its keyword table (keywords/keyword.h); immutable once the engine is
// built, so any number of threads may match against it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "agent/detect/address.h"
#include "agent/detect/types.h"

namespace picket::detect {

class Regex;  // keywords/pcre.h

// An integer that is either a constant or a byte_extract variable (index into the rule's variables).
struct IntArg {
  int64_t value = 0;
  int var = -1;
};

struct ContentNode {
  std::string bytes;       // decoded pattern (|hex| expanded, escapes removed)
  bool negated = false;
  bool nocase = false;
  bool startswith = false;
  bool endswith = false;
  bool has_offset = false, has_depth = false, has_distance = false, has_within = false;
  IntArg offset, depth, distance, within;
  bool fast_pattern = false;
  bool fast_pattern_only = false;
  int fp_offset = 0, fp_len = -1;  // fast_pattern:<offset>,<length> chop
  bool relative() const { return has_distance || has_within; }
};

struct PcreNode {
  std::shared_ptr<const Regex> re;
  std::string source;  // as written, for messages
  bool negated = false;
  bool relative = false;  // R
};

struct ByteTestNode {
  int nbytes = 0;
  enum Op : uint8_t { kLt, kGt, kEq, kAnd, kOr, kLe, kGe } op = kEq;
  bool negate = false;
  IntArg value;
  IntArg offset;
  bool relative = false;
  bool little = false;
  int base = 0;  // 0: binary; 8/10/16: string
  uint64_t bitmask = 0;
};

struct ByteJumpNode {
  int nbytes = 0;
  IntArg offset;
  bool relative = false;
  bool little = false;
  int base = 0;
  int multiplier = 1;
  int align = 0;
  bool from_beginning = false;
  bool from_end = false;
  int64_t post_offset = 0;
  uint64_t bitmask = 0;
};

struct ByteExtractNode {
  int nbytes = 0;
  int64_t offset = 0;
  int var = 0;
  bool relative = false;
  bool little = false;
  int base = 0;
  int multiplier = 1;
  int align = 0;
  uint64_t bitmask = 0;
};

struct IsdataatNode {
  IntArg offset;
  bool relative = false;
  bool negated = false;
  bool rawbytes = false;
};

struct BsizeNode {
  NumCmp cmp;
};

using Node = std::variant<ContentNode, PcreNode, ByteTestNode, ByteJumpNode, ByteExtractNode, IsdataatNode,
                          BsizeNode>;

// All inspection of one buffer, in rule order.
struct BufferList {
  Buf buf = Buf::kPayload;
  std::vector<Node> nodes;
  std::optional<NumCmp> length;  // urilen and similar whole-buffer length checks
  bool dotprefix = false;        // transform: inspect "." + buffer
};

// Packet-level conditions (dsize, ttl, flags, itype...). Matched on the Input's header fields.
struct HeaderCheck {
  enum Kind : uint8_t {
    kDsize, kTtl, kItype, kIcode, kIpProto, kIpId, kTcpWindow, kTcpSeq, kTcpAck, kIcmpId, kIcmpSeq, kTcpFlags,
    kFragbits, kStreamSize,
  } kind = kDsize;
  NumCmp cmp;
  // kTcpFlags / kFragbits: bits that must be set, mask of bits ignored, modifier (0 exact, '+', '*', '!').
  uint8_t flags = 0, ignore = 0;
  char mod = 0;
  int side = 0;  // kStreamSize: 0 both, 1 client, 2 server, 3 either
};

struct FlowbitOp {
  enum Op : uint8_t { kSet, kUnset, kToggle, kIsset, kIsnotset } op = kSet;
  std::vector<int> bits;  // indexes into the engine's flowbit names; `any_of` for isset a|b
  bool any_of = false;
};

struct Threshold {
  enum Type : uint8_t { kNone, kLimit, kThreshold, kBoth, kDetectionFilter } type = kNone;
  enum Track : uint8_t { kBySrc, kByDst, kByRule, kByBoth, kByFlow } track = kBySrc;
  uint32_t count = 0;
  uint32_t seconds = 0;
  // detection_filter's `unique_on src_port|dst_port` (Suricata 9): count distinct ports, not matches.
  enum UniqueOn : uint8_t { kUniqueNone, kUniqueSrcPort, kUniqueDstPort } unique_on = kUniqueNone;
};

struct FlowFlags {
  bool established = false, not_established = false, stateless = false;
  bool to_server = false, to_client = false;
  bool only_stream = false, no_stream = false;
  bool only_frag = false, no_frag = false;
};

struct Rule {
  // Where it came from.
  std::string file;
  int line = 0;
  std::string text;

  // Header.
  Action action = Action::kAlert;
  Proto proto = Proto::kIp;
  AddrSet src, dst;
  PortSet sp, dp;
  bool bidirectional = false;
  std::string src_text, dst_text, sp_text, dp_text;

  // Meta.
  uint32_t sid = 0;
  uint32_t gid = 1;
  uint32_t rev = 0;
  std::string msg;
  std::string classtype;
  int priority = 0;  // 0: from classtype
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<std::string> references;
  int target = 0;  // 0 none, 1 src_ip, 2 dest_ip
  bool noalert = false;

  // Inspection.
  std::vector<BufferList> lists;
  std::vector<HeaderCheck> checks;
  FlowFlags flow;
  std::vector<FlowbitOp> flowbits;
  std::vector<std::string> var_names;  // byte_extract variables
  Threshold threshold;
  Threshold detection_filter;
  std::optional<Proto> app_layer_protocol;
  bool negated_app_layer_protocol = false;

  // Fast pattern chosen by choose_fast_pattern(): list index and node index, or -1.
  int fp_list = -1;
  int fp_node = -1;
};

// Picks the fast pattern as Suricata does: an explicit fast_pattern, else the longest non-negated content
// of the highest-priority buffer (app-layer buffers before the payload). Sets fp_list/fp_node.
void choose_fast_pattern(Rule& rule);

}  // namespace picket::detect
