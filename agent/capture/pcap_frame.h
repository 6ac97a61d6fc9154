#pragma once
// Internal to agent/capture: a libpcap record as a Frame (live.cc and pcap_file.cc).
#include <pcap/pcap.h>

#include "agent/capture/capture.h"

namespace picket::capture {

inline void frame_from_pcap(const pcap_pkthdr& h, const u_char* data, Frame* out) {
  out->data = std::span<const uint8_t>(data, h.caplen);
  out->wire_len = h.len;
  out->ts_us = static_cast<int64_t>(h.ts.tv_sec) * 1'000'000 + h.ts.tv_usec;
}

}  // namespace picket::capture
