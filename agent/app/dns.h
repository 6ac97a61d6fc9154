#pragma once
// DNS messages over UDP (one per datagram) and TCP (2-byte length framing, incremental).
//
//   picket::app::DnsMessage msg;
//   if (picket::app::parse_dns(udp_payload, limits, counters, msg)) {
//     for (auto& q : msg.questions) use(q.name, q.type);      // q.name is "www.example.com"
//     msg.dns_query(0);                                       // Suricata's dns.query buffer
//   }
//
//   picket::app::DnsTcpParser tcp(limits, counters);          // one per TCP flow (AppState owns it)
//   tcp.feed(Direction::kToServer, bytes, sink);              // kDnsMessage events, `e.dns` valid in the call
//
// Names: labels joined with '.', no trailing dot, the root is "" (Suricata renders it "<root>" in EVE; we
// leave that to the logger). Bytes outside printable ASCII (0x20-0x7e), and '.' or '\' inside a label, are written as
// "\DDD" decimal escapes (RFC 4343 style) so two different names never render the same. Compression
// pointers are followed at most AppLimits::dns_max_pointer_hops times per name and must point strictly
// backwards; a loop stops the parse (app.dns.pointer_loop).
//
// Pure parsing, no I/O; not thread-safe per object; parse_dns itself is reentrant.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/app/app_event.h"
#include "agent/app/types.h"

namespace picket::app {

struct DnsQuestion {
  std::string name;
  uint16_t type = 0;
  uint16_t qclass = 0;
};

struct DnsRecord {
  std::string name;
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint32_t ttl = 0;
  // Rendered rdata: A/AAAA as addresses, CNAME/NS/PTR as names, MX "pref exchange", TXT the strings
  // joined by a space (each string's bytes escaped as names are), SOA "mname rname serial refresh retry
  // expire minimum"; other types empty (raw bytes in rdata_raw).
  std::string rdata;
  std::string rdata_raw;
};

struct DnsMessage {
  uint16_t id = 0;
  uint16_t flags = 0;  // the 16 flag bits as on the wire
  bool is_response() const { return (flags & 0x8000) != 0; }
  uint8_t opcode() const { return (flags >> 11) & 0xF; }
  uint8_t rcode() const { return flags & 0xF; }
  bool truncated() const { return (flags & 0x0200) != 0; }
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;  // as in the header
  std::vector<DnsQuestion> questions;
  std::vector<DnsRecord> answers;
  std::vector<DnsRecord> authorities;
  std::vector<DnsRecord> additionals;  // OPT records included
  bool partial = false;  // a section was cut short (truncated datagram or a limit); what came before is kept

  // dns.query sticky buffer: the i-th question name, dotted, no trailing dot ("" past the end).
  std::string_view dns_query(size_t i = 0) const {
    return i < questions.size() ? std::string_view(questions[i].name) : std::string_view();
  }
  void clear();  // keeps vector capacity
};

// Parses one DNS message. Returns false (and bumps a counter) when the header is unusable or the first
// question cannot be parsed; returns true with `partial` set when later sections were cut short.
bool parse_dns(std::span<const uint8_t> msg, const AppLimits& limits, AppCounters& counters, DnsMessage& out);

// "A", "AAAA", "CNAME", ... for known types, else "TYPE<n>" (RFC 3597).
std::string dns_type_name(uint16_t type);
// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
// "NOTAUTH", "NOTZONE", else the number as text.
std::string dns_rcode_name(uint8_t rcode);

// DNS over TCP: per-direction 2-byte length framing, messages spanning any number of feed() calls.
class DnsTcpParser {
 public:
  DnsTcpParser(const AppLimits& limits, AppCounters& counters);
  void feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);
  // The last message parsed (valid until the next feed()).
  const DnsMessage& last() const { return msg_; }
  uint64_t messages() const { return messages_; }

 private:
  struct Side {
    std::vector<uint8_t> buf;  // partial length prefix + message
    bool failed = false;
  };
  const AppLimits& limits_;
  AppCounters& counters_;
  Side sides_[2];
  DnsMessage msg_;
  uint64_t messages_ = 0;
};

}  // namespace picket::app
