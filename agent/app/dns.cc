// DNS message parsing (RFC 1035), with bounded name decompression.
#include "agent/app/dns.h"

#include <arpa/inet.h>

#include <cstdio>

namespace picket::app {
namespace {

uint16_t be16(std::span<const uint8_t> m, size_t at) { return static_cast<uint16_t>((m[at] << 8) | m[at + 1]); }
uint32_t be32(std::span<const uint8_t> m, size_t at) {
  return (uint32_t{m[at]} << 24) | (uint32_t{m[at + 1]} << 16) | (uint32_t{m[at + 2]} << 8) | m[at + 3];
}

void append_escaped(std::string& out, uint8_t b, bool in_label) {
  bool plain = b >= 0x20 && b < 0x7f && !(in_label && (b == '.' || b == '\\'));
  if (plain) {
    out.push_back(static_cast<char>(b));
    return;
  }
  char buf[5];
  std::snprintf(buf, sizeof(buf), "\\%03u", static_cast<unsigned>(b));
  out.append(buf);
}

enum class NameResult { kOk, kBad };

// Reads a possibly compressed name at `pos` (advanced past it) into `out`.
NameResult read_name(std::span<const uint8_t> m, size_t& pos, std::string& out, const AppLimits& limits,
                     AppCounters& c) {
  out.clear();
  size_t cur = pos;
  bool jumped = false;
  size_t hops = 0;
  size_t wire_len = 1;  // the root label
  while (true) {
    if (cur >= m.size()) {
      ++c.dns_bad_name;
      return NameResult::kBad;
    }
    uint8_t len = m[cur];
    if ((len & 0xC0) == 0xC0) {
      if (cur + 1 >= m.size()) {
        ++c.dns_bad_name;
        return NameResult::kBad;
      }
      size_t target = (size_t{len & 0x3Fu} << 8) | m[cur + 1];
      if (!jumped) pos = cur + 2;
      jumped = true;
      if (++hops > limits.dns_max_pointer_hops || target >= cur) {
        ++c.dns_pointer_loop;
        return NameResult::kBad;
      }
      cur = target;
      continue;
    }
    if ((len & 0xC0) != 0) {
      ++c.dns_bad_label;
      return NameResult::kBad;
    }
    if (len == 0) {
      if (!jumped) pos = cur + 1;
      return NameResult::kOk;
    }
    if (cur + 1 + len > m.size()) {
      ++c.dns_bad_name;
      return NameResult::kBad;
    }
    wire_len += size_t{len} + 1;
    if (wire_len > limits.dns_max_name_length + 1) {
      ++c.dns_name_too_long;
      return NameResult::kBad;
    }
    if (!out.empty()) out.push_back('.');
    for (size_t i = 0; i < len; ++i) append_escaped(out, m[cur + 1 + i], true);
    cur += 1 + len;
  }
}

bool render_rdata(std::span<const uint8_t> m, size_t start, size_t len, DnsRecord& r, const AppLimits& limits,
                  AppCounters& c) {
  std::span<const uint8_t> rd = m.subspan(start, len);
  std::string name;
  switch (r.type) {
    case 1: {  // A
      if (len != 4) return false;
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, rd.data(), buf, sizeof(buf));
      r.rdata = buf;
      return true;
    }
    case 28: {  // AAAA
      if (len != 16) return false;
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, rd.data(), buf, sizeof(buf));
      r.rdata = buf;
      return true;
    }
    case 2:
    case 5:
    case 12: {  // NS, CNAME, PTR
      size_t p = start;
      if (read_name(m.first(start + len), p, r.rdata, limits, c) != NameResult::kOk) return false;
      return true;
    }
    case 15: {  // MX
      if (len < 3) return false;
      size_t p = start + 2;
      if (read_name(m.first(start + len), p, name, limits, c) != NameResult::kOk) return false;
      r.rdata = std::to_string(be16(m, start)) + " " + name;
      return true;
    }
    case 16: {  // TXT
      size_t p = 0;
      while (p < len) {
        size_t n = rd[p];
        if (p + 1 + n > len) return false;
        if (p > 0) r.rdata.push_back(' ');
        for (size_t i = 0; i < n; ++i) append_escaped(r.rdata, rd[p + 1 + i], false);
        p += 1 + n;
      }
      return true;
    }
    case 6: {  // SOA
      size_t p = start;
      auto bounded = m.first(start + len);
      std::string rname;
      if (read_name(bounded, p, name, limits, c) != NameResult::kOk) return false;
      if (read_name(bounded, p, rname, limits, c) != NameResult::kOk) return false;
      if (p + 20 > start + len) return false;
      r.rdata = (name.empty() ? std::string(".") : name) + " " + (rname.empty() ? std::string(".") : rname);
      for (int i = 0; i < 5; ++i) r.rdata += " " + std::to_string(be32(m, p + 4 * static_cast<size_t>(i)));
      return true;
    }
    default:
      r.rdata_raw.assign(reinterpret_cast<const char*>(rd.data()), rd.size());
      return true;
  }
}

}  // namespace

void DnsMessage::clear() {
  id = flags = 0;
  qdcount = ancount = nscount = arcount = 0;
  questions.clear();
  answers.clear();
  authorities.clear();
  additionals.clear();
  partial = false;
}

bool parse_dns(std::span<const uint8_t> m, const AppLimits& limits, AppCounters& c, DnsMessage& out) {
  out.clear();
  if (m.size() < 12) {
    ++c.dns_bad_header;
    return false;
  }
  out.id = be16(m, 0);
  out.flags = be16(m, 2);
  out.qdcount = be16(m, 4);
  out.ancount = be16(m, 6);
  out.nscount = be16(m, 8);
  out.arcount = be16(m, 10);
  size_t pos = 12;
  size_t kept = 0;
  for (uint16_t i = 0; i < out.qdcount; ++i) {
    if (kept >= limits.dns_max_records) {
      ++c.dns_too_many_records;
      out.partial = true;
      break;
    }
    DnsQuestion q;
    if (read_name(m, pos, q.name, limits, c) != NameResult::kOk || pos + 4 > m.size()) {
      if (pos + 4 > m.size()) ++c.dns_truncated;
      if (i == 0) return false;
      out.partial = true;
      break;
    }
    q.type = be16(m, pos);
    q.qclass = be16(m, pos + 2);
    pos += 4;
    out.questions.push_back(std::move(q));
    ++kept;
  }
  if (out.qdcount > 0 && out.questions.empty() && !out.partial) return false;
  std::vector<DnsRecord>* sections[3] = {&out.answers, &out.authorities, &out.additionals};
  uint16_t counts[3] = {out.ancount, out.nscount, out.arcount};
  for (int s = 0; s < 3 && !out.partial; ++s) {
    for (uint16_t i = 0; i < counts[s]; ++i) {
      if (kept >= limits.dns_max_records) {
        ++c.dns_too_many_records;
        out.partial = true;
        break;
      }
      DnsRecord r;
      if (read_name(m, pos, r.name, limits, c) != NameResult::kOk) {
        out.partial = true;
        break;
      }
      if (pos + 10 > m.size()) {
        ++c.dns_truncated;
        out.partial = true;
        break;
      }
      r.type = be16(m, pos);
      r.rclass = be16(m, pos + 2);
      r.ttl = be32(m, pos + 4);
      size_t rdlen = be16(m, pos + 8);
      pos += 10;
      if (pos + rdlen > m.size()) {
        ++c.dns_truncated;
        out.partial = true;
        break;
      }
      if (!render_rdata(m, pos, rdlen, r, limits, c)) {
        ++c.dns_bad_rdata;
        r.rdata.clear();
      }
      pos += rdlen;
      sections[s]->push_back(std::move(r));
      ++kept;
    }
  }
  ++c.dns_messages;
  return true;
}

std::string dns_type_name(uint16_t type) {
  switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 24: return "SIG";
    case 25: return "KEY";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 37: return "CERT";
    case 39: return "DNAME";
    case 41: return "OPT";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 255: return "ANY";
    case 257: return "CAA";
    default: return "TYPE" + std::to_string(type);
  }
}

std::string dns_rcode_name(uint8_t rcode) {
  static constexpr const char* kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                           "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (rcode < sizeof(kNames) / sizeof(kNames[0])) return kNames[rcode];
  return std::to_string(rcode);
}

}  // namespace picket::app
