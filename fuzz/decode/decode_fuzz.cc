// libFuzzer target: the whole network stack from the link layer: decode (+ defrag, tunnels), flow
// table, TCP reassembly, app layer (HTTP/DNS/TLS) and the EVE renderers, through pipeline::Worker.
//
// Input: byte 0 picks the link type; then frames, each a 2-byte big-endian length and that many bytes
// (a short last frame takes what is left). make_seeds.py writes seeds in this format from generated
// packets or from pcap files.
#include <cstddef>
#include <cstdint>
#include <span>

#include "agent/decode/decoder.h"
#include "agent/pipeline/inspector.h"
#include "agent/pipeline/pipeline_config.h"
#include "agent/pipeline/worker.h"

namespace {

class NullSink final : public picket::pipeline::AlertSink {
 public:
  void alert(picket::v1::Alert&&, const picket::pipeline::AlertContext&) override {}
};

// Asks for an alert on every app event so the alert path (network fill, redaction) runs too.
class TouchInspector final : public picket::pipeline::Inspector {
 public:
  void on_packet(const picket::pipeline::InspectContext&, const picket::decode::Packet&, picket::flow::Flow*,
                 picket::flow::Direction) override {}
  void on_app_event(const picket::pipeline::InspectContext& ctx, picket::flow::Flow& f, picket::flow::Direction d,
                    const picket::pipeline::AppEvent& e, const picket::decode::Packet& p) override {
    ctx.sink->alert(picket::v1::Alert{}, {.packet = &p, .flow = &f, .dir = d, .app = &e, .payload = p.payload});
  }
};

// New link types go at the end so that existing seeds keep their meaning (index = byte 0 modulo the size).
constexpr int kLinkTypes[] = {1, 113, 276, 12, 0, 228, 229, 9 /* PPP */, 104 /* Cisco HDLC */};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const picket::pipeline::PipelineConfig cfg = [] {
    picket::pipeline::PipelineConfig c;
    c.flow.midstream = true;
    c.stream.midstream = true;
    c.stream.async_oneside = true;
    c.decoder.checksum = picket::decode::ChecksumMode::kNone;
    // Small tables: one input has at most 256 packets, and a 64K-bucket table costs more per run (page
    // faults) than the packets do.
    c.flow.hash_size = 1024;
    c.flow.memcap = 1 << 20;
    c.stream.memcap = 4 << 20;
    return c;
  }();
  int linktype = kLinkTypes[data[0] % (sizeof(kLinkTypes) / sizeof(kLinkTypes[0]))];
  NullSink sink;
  TouchInspector touch;
  picket::pipeline::Inspector* inspectors[] = {&touch};
  picket::pipeline::Worker worker(0, cfg, inspectors, &sink, nullptr, picket::output::EveTypes{});
  picket::decode::Decoder dec(cfg.decoder);
  picket::decode::Packet p, whole;
  size_t pos = 1;
  int64_t ts = 1'000'000;
  uint64_t cnt = 0;
  while (pos < size && cnt < 256) {
    size_t len = size - pos;
    if (len >= 2) {
      size_t want = (size_t{data[pos]} << 8) | data[pos + 1];
      pos += 2;
      len = std::min(want, size - pos);
    } else {
      pos = size;
      break;
    }
    std::span<const uint8_t> frame(data + pos, len);
    pos += len;
    ts += 1000;
    dec.decode(frame, static_cast<uint32_t>(len), ts, ++cnt, linktype, &p);
    worker.process(p);
    if (dec.has_reassembled() && dec.decode_reassembled(&whole)) worker.process(whole);
  }
  worker.finish();
  return 0;
}
