#pragma once
// The decoder stack: link layer -> VLAN -> IP (with fragment reassembly) -> TCP/UDP/ICMP, plus GRE and
// VXLAN tunnels, into a decode::Packet (agent/decode/packet.h).
//
//   decode::DecoderConfig cfg = decode::DecoderConfig::from(settings);   // or defaults
//   decode::Decoder dec(cfg);
//   decode::Packet p;
//   dec.decode(frame_bytes, wire_len, ts_us, pcap_cnt, DLT_EN10MB, &p);   // false: stopped at an anomaly
//   if (dec.has_reassembled()) { decode::Packet whole; dec.decode_reassembled(&whole); ... }
//
// Hostile bytes never crash, throw or read out of bounds: a malformed layer sets its anomaly (counted in
// stats()) and decoding stops there, keeping what the outer layers gave. Nothing allocates per packet
// except fragment reassembly, which is bounded by defrag memcap/count limits.
//
// One Decoder per thread (it keeps fragment state and counters); not thread-safe.
#include <cstdint>
#include <memory>
#include <span>

#include "agent/decode/packet.h"

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::decode {

enum class ChecksumMode : uint8_t {
  kAuto,  // validate; if most checksums in the first packets are wrong (offload, loopback), stop checking
  kAll,   // always validate
  kNone,  // never validate
};

struct DecoderConfig {
  ChecksumMode checksum = ChecksumMode::kAuto;
  unsigned max_tunnel_depth = 3;
  bool defrag = true;
  uint64_t defrag_memcap = 32ull << 20;   // bytes held in incomplete datagrams
  unsigned defrag_max_frags = 8192;       // per datagram (65535 bytes in 8-byte fragments: any legal one)
  unsigned defrag_max_trackers = 4096;    // datagrams being reassembled at once
  int64_t defrag_timeout_us = 60'000'000;
  uint16_t vxlan_port = 4789;

  static DecoderConfig from(const config::Settings& s);
};

// decoder.* and defrag.* keys (decoder.checksum-checks has Suricata's spelling `pcap-file.checksum-checks`
// as an alias; picket-agent's `-k` sets it).
void add_decode_keys(config::Schema& schema);

struct DecodeStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;  // captured bytes
  uint64_t ethernet = 0, vlan = 0, sll = 0, raw = 0, arp = 0, ppp = 0, chdlc = 0;
  uint64_t ipv4 = 0, ipv6 = 0, tcp = 0, udp = 0, icmp = 0, icmpv6 = 0, gre = 0, vxlan = 0, sctp = 0, other_ip = 0;
  uint64_t fragments = 0, reassembled = 0;
  uint64_t anomalies[kAnomalyCount] = {};
  bool checksum_auto_disabled = false;

  void add(const DecodeStats& o);
};

class Defragmenter;

class Decoder {
 public:
  explicit Decoder(const DecoderConfig& cfg = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes one captured frame. Returns true when every present layer decoded cleanly.
  bool decode(std::span<const uint8_t> frame, uint32_t wire_len, int64_t ts_us, uint64_t pcap_cnt, int linktype,
              Packet* out);

  // True after decode() when that fragment completed an IP datagram.
  bool has_reassembled() const { return reassembled_ready_; }
  // Decodes the completed datagram (as raw IP, keeping the fragment's VLAN and time) and clears the flag.
  // Its spans stay valid until the next decode() call.
  bool decode_reassembled(Packet* out);

  // Expires incomplete datagrams older than the timeout (call with the capture clock now and then).
  void expire(int64_t now_us);

  const DecodeStats& stats() const { return stats_; }
  const DecoderConfig& config() const { return cfg_; }
  bool checksums_enabled() const { return validate_; }

 private:
  bool decode_link(std::span<const uint8_t> d, int linktype, Packet* p);
  bool decode_ether_payload(uint16_t ethertype, std::span<const uint8_t> d, Packet* p);
  bool decode_ipv4(std::span<const uint8_t> d, Packet* p);
  bool decode_ipv6(std::span<const uint8_t> d, Packet* p);
  bool decode_l4(uint8_t proto, std::span<const uint8_t> d, Packet* p);
  bool add_fragment(Packet* p, uint32_t id, uint8_t proto, std::span<const uint8_t> header,
                    std::span<const uint8_t> payload);
  bool decode_tcp(std::span<const uint8_t> d, Packet* p);
  bool decode_udp(std::span<const uint8_t> d, Packet* p);
  bool decode_icmp(std::span<const uint8_t> d, Packet* p);
  bool decode_icmpv6(std::span<const uint8_t> d, Packet* p);
  bool decode_gre(std::span<const uint8_t> d, Packet* p);
  bool decode_vxlan(std::span<const uint8_t> d, Packet* p);
  bool decode_sctp(std::span<const uint8_t> d, Packet* p);
  // PPP from its first byte (optional 0xff 0x03 address/control, then a 1- or 2-byte protocol).
  bool decode_ppp(std::span<const uint8_t> d, Packet* p);
  bool decode_chdlc(std::span<const uint8_t> d, Packet* p);
  // `inner`: where the tunnel's payload starts (inside the frame being decoded).
  bool tunnel_enter(Packet* p, Tunnel kind, const uint8_t* inner);
  bool anomaly(Packet* p, Anomaly a);
  void checksum_result(Packet* p, bool ok, Anomaly a, bool l4);

  DecoderConfig cfg_;
  DecodeStats stats_;
  std::unique_ptr<Defragmenter> defrag_;
  bool validate_ = true;
  bool reassembled_ready_ = false;
  uint64_t csum_checked_ = 0, csum_bad_ = 0;
  // Context of the fragment that completed a datagram.
  Packet frag_ctx_;
};

}  // namespace picket::decode
