// decoder.* and defrag.* configuration keys.
#include "agent/decode/decoder.h"
#include "common/config.h"

namespace picket::decode {

using config::Type;

void add_decode_keys(config::Schema& s) {
  s.add({.key = "decoder.checksum-checks", .type = Type::kString, .default_value = "auto",
         .help = "checksum validation: auto (validate until most checksums of the first 1000 packets prove "
                 "offloaded, then stop), all (yes), none (no); -k sets it",
         .choices = {"auto", "all", "none", "yes", "no"},
         .aliases = {"pcap-file.checksum-checks"}});
  s.add({.key = "decoder.max-tunnel-depth", .type = Type::kInt, .default_value = "3",
         .help = "GRE/VXLAN/IP-in-IP layers decoded before tunnel.too_deep", .min = 0, .max = 16});
  s.add({.key = "decoder.vxlan-port", .type = Type::kInt, .default_value = "4789",
         .help = "UDP destination port decoded as VXLAN (0: off)", .min = 0, .max = 65535});
  s.add({.key = "defrag.memcap", .type = Type::kSize, .default_value = "32MB",
         .help = "memory for incomplete IP datagrams per worker; a fragment beyond it is dropped (defrag.memcap)"});
  s.add({.key = "defrag.max-frags", .type = Type::kInt, .default_value = "8192",
         .help = "fragments accepted for one datagram (the default admits any legal datagram, as Suricata "
                 "does; defrag.memcap bounds the memory)", .min = 1, .max = 8192});
  s.add({.key = "defrag.trackers", .type = Type::kInt, .default_value = "4096",
         .help = "datagrams reassembled at once per worker", .min = 1, .max = 1000000});
  s.add({.key = "defrag.timeout", .type = Type::kDuration, .default_value = "60s",
         .help = "an incomplete datagram idle this long is dropped (defrag.timeout)"});
}

DecoderConfig DecoderConfig::from(const config::Settings& s) {
  DecoderConfig c;
  std::string mode = s.get_string("decoder.checksum-checks");
  if (mode == "all" || mode == "yes") {
    c.checksum = ChecksumMode::kAll;
  } else if (mode == "none" || mode == "no") {
    c.checksum = ChecksumMode::kNone;
  } else {
    c.checksum = ChecksumMode::kAuto;
  }
  c.max_tunnel_depth = static_cast<unsigned>(s.get_int("decoder.max-tunnel-depth"));
  c.vxlan_port = static_cast<uint16_t>(s.get_int("decoder.vxlan-port"));
  c.defrag_memcap = s.get_size("defrag.memcap");
  c.defrag_max_frags = static_cast<unsigned>(s.get_int("defrag.max-frags"));
  c.defrag_max_trackers = static_cast<unsigned>(s.get_int("defrag.trackers"));
  c.defrag_timeout_us = s.get_duration("defrag.timeout").count() * 1000;
  return c;
}

}  // namespace picket::decode
