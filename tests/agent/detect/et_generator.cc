#include "tests/agent/detect/et_generator.h"

#include <algorithm>

namespace picket::detect::test {
namespace {

constexpr char kFill = '~';

int64_t satisfy(const NumCmp& c) {
  switch (c.op) {
    case NumCmp::kEq: return c.a;
    case NumCmp::kLt: return c.a - 1;
    case NumCmp::kGt: return c.a + 1;
    case NumCmp::kLe: return c.a;
    case NumCmp::kGe: return c.a;
    case NumCmp::kNe: return c.a + 1;
    case NumCmp::kRange: return c.a + 1;
  }
  return c.a;
}

IpAddr pick_addr(const AddrSet& s, const char* preferred) {
  IpAddr p;
  parse_ip(preferred, &p);
  if (s.contains(p)) return p;
  for (auto [lo, hi] : s.ranges()) {
    IpAddr a{lo};
    if (a.is_v4() || lo > 0) return IpAddr{lo == 0 ? lo + 1 : lo};
  }
  return p;
}

uint16_t pick_port(const PortSet& s, uint16_t preferred) {
  if (s.contains(preferred)) return preferred;
  auto lo = s.ranges().front().first;
  return lo == 0 && s.contains(1) ? 1 : lo;
}

// Writes `bytes` at `pos`, filling up to it; false when it conflicts with bytes already placed.
bool write_at(std::string& buf, std::vector<bool>& fixed, size_t pos, const std::string& bytes, bool nocase) {
  if (buf.size() < pos + bytes.size()) {
    buf.resize(pos + bytes.size(), kFill);
    fixed.resize(buf.size(), false);
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    char have = buf[pos + i];
    if (fixed[pos + i] && have != bytes[i] &&
        !(nocase && std::tolower(static_cast<unsigned char>(have)) == std::tolower(static_cast<unsigned char>(bytes[i])))) {
      return false;
    }
    buf[pos + i] = bytes[i];
    fixed[pos + i] = true;
  }
  return true;
}

}  // namespace

void bind(Generated& g) {
  uint64_t present = g.input.present;
  for (int b = 0; b < kBufCount; ++b) {
    if ((present >> b) & 1) g.input.set(static_cast<Buf>(b), g.storage[static_cast<size_t>(b)]);
  }
  g.input.payload_len = static_cast<uint32_t>(g.storage[0].size());
}

std::optional<Generated> generate(const Rule& r, size_t flowbit_count, std::string* why) {
  auto no = [&](std::string w) -> std::optional<Generated> {
    *why = std::move(w);
    return std::nullopt;
  };
  if (r.noalert) return no("noalert");
  if (r.action == Action::kPass) return no("pass rule");
  if ((r.threshold.type != Threshold::kNone && r.threshold.type != Threshold::kLimit && r.threshold.count > 1) ||
      r.detection_filter.type != Threshold::kNone) {
    return no("threshold needs several matches");
  }
  Generated g;
  Input& in = g.input;
  bool app = false, payload = false;
  for (const auto& l : r.lists) (l.buf == Buf::kPayload ? payload : app) = true;
  if (app && payload) return no("payload and app-layer buffers in one rule");
  // Protocols.
  Proto ap = r.proto;
  if (!proto_is_app(ap)) {
    for (const auto& l : r.lists) {
      if (buffer_proto(l.buf) != Proto::kIp) ap = buffer_proto(l.buf);
    }
  }
  if (r.app_layer_protocol && !r.negated_app_layer_protocol) ap = *r.app_layer_protocol;
  uint8_t t = proto_transport(ap);
  switch (r.proto) {
    case Proto::kUdp: case Proto::kUdpPkt: t = 17; break;
    case Proto::kTcp: case Proto::kTcpPkt: t = 6; break;
    case Proto::kIcmp: t = 1; break;
    default: break;
  }
  if (ap == Proto::kDns && t == 0) t = 17;
  in.ip_proto = t == 0 ? 6 : t;
  in.app_proto = proto_is_app(ap) ? ap : Proto::kIp;
  in.kind = app ? Input::kTransaction : Input::kPacket;
  // Direction.
  bool to_server = true;
  if (r.flow.to_client) to_server = false;
  for (const auto& l : r.lists) {
    if (buffer_direction(l.buf) == 2) to_server = false;
  }
  if (r.flow.to_server) to_server = true;
  in.to_server = to_server;
  in.has_flow = true;
  in.established = !r.flow.not_established;
  in.first_in_direction = true;
  // Header.
  in.src = pick_addr(r.src, to_server ? "10.0.0.1" : "93.184.216.34");
  in.dst = pick_addr(r.dst, to_server ? "93.184.216.34" : "10.0.0.1");
  in.sp = pick_port(r.sp, to_server ? 40000 : 80);
  in.dp = pick_port(r.dp, to_server ? 80 : 40000);
  in.ttl = 64;
  in.tcp_flags = 0x18;
  std::optional<NumCmp> dsize;
  for (const auto& h : r.checks) {
    int64_t v = satisfy(h.cmp);
    switch (h.kind) {
      case HeaderCheck::kDsize: dsize = h.cmp; break;
      case HeaderCheck::kTtl: in.ttl = static_cast<uint8_t>(v); break;
      case HeaderCheck::kItype: in.icmp_type = static_cast<uint8_t>(v); break;
      case HeaderCheck::kIcode: in.icmp_code = static_cast<uint8_t>(v); break;
      case HeaderCheck::kIpProto: in.ip_proto = static_cast<uint8_t>(v); break;
      case HeaderCheck::kIpId: in.ip_id = static_cast<uint16_t>(v); break;
      case HeaderCheck::kTcpWindow: in.tcp_window = static_cast<uint16_t>(v); break;
      case HeaderCheck::kTcpSeq: in.tcp_seq = static_cast<uint32_t>(v); break;
      case HeaderCheck::kTcpAck: in.tcp_ack = static_cast<uint32_t>(v); break;
      case HeaderCheck::kIcmpId: in.icmp_id = static_cast<uint16_t>(v); break;
      case HeaderCheck::kIcmpSeq: in.icmp_seq = static_cast<uint16_t>(v); break;
      case HeaderCheck::kTcpFlags: in.tcp_flags = h.mod == '!' ? 0 : h.flags; break;
      case HeaderCheck::kFragbits: in.frag_bits = h.mod == '!' ? 0 : h.flags; break;
      case HeaderCheck::kStreamSize: in.stream_bytes[0] = in.stream_bytes[1] = static_cast<uint64_t>(v); break;
    }
  }
  // Flowbits that must be set.
  g.flowbits.assign(flowbit_count, 0);
  for (const auto& op : r.flowbits) {
    if (op.op == FlowbitOp::kIsset) {
      if (op.any_of) {
        g.flowbits[static_cast<size_t>(op.bits[0])] = 1;
      } else {
        for (int b : op.bits) g.flowbits[static_cast<size_t>(b)] = 1;
      }
    }
  }
  for (const auto& op : r.flowbits) {
    if (op.op == FlowbitOp::kIsnotset) {
      for (int b : op.bits) {
        if (g.flowbits[static_cast<size_t>(b)] != 0) return no("flowbits isset and isnotset on one name");
      }
    }
  }
  // Buffers.
  for (size_t li = 0; li < r.lists.size(); ++li) {
    const auto& l = r.lists[li];
    std::string buf;
    std::vector<bool> fixed;
    if (l.dotprefix) write_at(buf, fixed, 0, ".", false);
    int64_t prev_end = 0;
    std::optional<std::string> end_anchor;
    for (size_t ni = 0; ni < l.nodes.size(); ++ni) {
      const auto& n = l.nodes[ni];
      if (const auto* c = std::get_if<ContentNode>(&n)) {
        if (c->negated) continue;
        if (c->offset.var >= 0 || c->depth.var >= 0 || c->distance.var >= 0 || c->within.var >= 0) {
          return no("byte_extract variables");
        }
        int64_t pos;
        if (c->startswith) {
          pos = 0;
        } else if (c->relative()) {
          pos = prev_end + (c->has_distance ? c->distance.value : 0);
          if (pos < 0) pos = 0;
        } else if (c->has_offset) {
          pos = c->offset.value;
        } else if (c->endswith) {
          pos = static_cast<int64_t>(buf.size());
        } else {
          // Free content: after everything placed so far, so that it does not disturb earlier ones.
          pos = static_cast<int64_t>(buf.size());
        }
        if (!write_at(buf, fixed, static_cast<size_t>(pos), c->bytes, c->nocase)) return no("contents overlap");
        if (static_cast<int>(li) == r.fp_list && static_cast<int>(ni) == r.fp_node) {
          g.fp_buf = l.buf;
          size_t off = c->fp_len > 0 ? static_cast<size_t>(c->fp_offset) : 0;
          g.fp_pos = static_cast<size_t>(pos) + off;
          g.fp_len = c->fp_len > 0 ? static_cast<size_t>(c->fp_len) : c->bytes.size();
          if (l.dotprefix) g.fp_pos -= 1;
        }
        prev_end = pos + static_cast<int64_t>(c->bytes.size());
        if (c->endswith) end_anchor = c->bytes;
      } else if (const auto* d = std::get_if<IsdataatNode>(&n)) {
        if (d->offset.var >= 0) return no("byte_extract variables");
        if (!d->negated) {
          size_t need = static_cast<size_t>(d->relative ? prev_end + d->offset.value : d->offset.value + 1);
          if (buf.size() < need) {
            buf.resize(need, kFill);
            fixed.resize(need, false);
          }
        }
      } else if (std::holds_alternative<BsizeNode>(n)) {
        continue;
      } else {
        return no(std::holds_alternative<PcreNode>(n) ? "pcre" : "byte_test/byte_jump/byte_extract");
      }
    }
    // Whole-buffer lengths (bsize, urilen).
    std::vector<NumCmp> lens;
    if (l.length) lens.push_back(*l.length);
    for (const auto& n : l.nodes) {
      if (const auto* b = std::get_if<BsizeNode>(&n)) lens.push_back(b->cmp);
    }
    if (l.buf == Buf::kPayload && dsize) lens.push_back(*dsize);
    for (const auto& c : lens) {
      int64_t want = satisfy(c);
      int64_t have = static_cast<int64_t>(buf.size()) - (l.dotprefix ? 1 : 0);
      if (!c.match(have)) {
        if (want < have) return no("length limit below the contents");
        // Pad in the middle (before an endswith anchor) to reach the wanted length.
        size_t add = static_cast<size_t>(want - have);
        size_t at = end_anchor ? buf.size() - end_anchor->size() : buf.size();
        if (g.fp_pos >= at && g.fp_buf == l.buf) g.fp_pos += add;
        buf.insert(at, add, kFill);
      }
    }
    if (l.dotprefix) buf.erase(0, 1);
    g.storage[static_cast<size_t>(l.buf)] = buf;
    in.present |= uint64_t{1} << static_cast<int>(l.buf);
  }
  if (!app && !payload) return no("no buffer");
  if (in.kind == Input::kPacket && !in.has(Buf::kPayload)) in.present |= 1;
  bind(g);
  return g;
}

}  // namespace picket::detect::test
