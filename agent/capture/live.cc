// Live source: one interface through libpcap (pcap_create + options + pcap_activate), BPF filter, drops
// from pcap_stats.
#include <pcap/pcap.h>

#include <atomic>

#include "agent/capture/capture.h"
#include "agent/capture/pcap_frame.h"
#include "common/config.h"

namespace picket::capture {

namespace {

class LiveSource final : public PacketSource {
 public:
  LiveSource(pcap_t* p, std::string ifname) : p_(p), ifname_(std::move(ifname)), linktype_(pcap_datalink(p)) {}
  ~LiveSource() override { pcap_close(p_); }

  NextResult next(Frame* out) override {
    if (stop_.load(std::memory_order_relaxed)) return NextResult::kEnd;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(p_, &h, &data);
    if (rc == 1) {
      frame_from_pcap(*h, data, out);
      packets_.fetch_add(1, std::memory_order_relaxed);
      bytes_.fetch_add(h->caplen, std::memory_order_relaxed);
      return NextResult::kPacket;
    }
    if (rc == 0) return NextResult::kTimeout;
    if (rc == PCAP_ERROR_BREAK) return NextResult::kEnd;
    error_ = pcap_geterr(p_);
    return NextResult::kError;
  }
  int linktype() const override { return linktype_; }
  CaptureStats stats() override {
    CaptureStats s;
    s.packets = packets_.load(std::memory_order_relaxed);
    s.bytes = bytes_.load(std::memory_order_relaxed);
    pcap_stat ps{};
    if (pcap_stats(p_, &ps) == 0) {
      s.received = ps.ps_recv;
      s.dropped = ps.ps_drop;
      s.if_dropped = ps.ps_ifdrop;
    }
    return s;
  }
  void break_loop() override {
    stop_.store(true);
    pcap_breakloop(p_);
  }
  std::string last_error() const override { return error_; }
  std::string name() const override { return ifname_; }

 private:
  pcap_t* p_;
  std::string ifname_;
  int linktype_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> packets_{0}, bytes_{0};
  std::string error_;
};

}  // namespace

Result<std::unique_ptr<PacketSource>> open_live(const LiveOptions& o) {
  char err[PCAP_ERRBUF_SIZE] = {};
  const std::string where = "capture.interface";
  if (o.interface.empty()) return Error{.file = where, .message = "no capture interface configured"};
  pcap_t* p = pcap_create(o.interface.c_str(), err);
  if (p == nullptr) return Error{.file = where, .message = o.interface + ": " + err};
  auto fail = [&](const std::string& what) -> Error {
    std::string msg = o.interface + ": " + what + ": " + pcap_geterr(p);
    pcap_close(p);
    return Error{.file = where, .message = msg};
  };
  if (pcap_set_snaplen(p, o.snaplen) != 0) return fail("snaplen");
  if (pcap_set_promisc(p, o.promisc ? 1 : 0) != 0) return fail("promiscuous mode");
  if (pcap_set_buffer_size(p, o.buffer_size) != 0) return fail("buffer size");
  if (pcap_set_immediate_mode(p, o.immediate ? 1 : 0) != 0) return fail("immediate mode");
  if (pcap_set_timeout(p, o.timeout_ms) != 0) return fail("timeout");
  int rc = pcap_activate(p);
  if (rc < 0) return fail("cannot start capture");
  if (!o.bpf.empty()) {
    bpf_program prog{};
    if (pcap_compile(p, &prog, o.bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      std::string msg = std::string("capture.bpf: invalid filter '") + o.bpf + "': " + pcap_geterr(p);
      pcap_close(p);
      return Error{.file = "capture.bpf", .message = msg};
    }
    int set = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (set != 0) return fail("setting the filter");
  }
  return std::unique_ptr<PacketSource>(std::make_unique<LiveSource>(p, o.interface));
}

LiveOptions LiveOptions::from(const config::Settings& s) {
  LiveOptions o;
  o.interface = s.get_string("capture.interface");
  o.bpf = s.get_string("capture.bpf");
  o.snaplen = static_cast<int>(s.get_int("capture.snaplen"));
  o.promisc = s.get_bool("capture.promisc");
  o.buffer_size = static_cast<int>(std::min<uint64_t>(s.get_size("capture.buffer-size"), 1u << 30));
  o.immediate = s.get_bool("capture.immediate");
  return o;
}

void add_capture_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "capture.interface", .type = Type::kString,
         .help = "interface the daemon captures on (\"any\": all interfaces)"});
  s.add({.key = "capture.bpf", .type = Type::kString, .help = "BPF filter expression applied in the kernel"});
  s.add({.key = "capture.snaplen", .type = Type::kInt, .default_value = "65535",
         .help = "bytes captured per packet", .min = 64, .max = 262144});
  s.add({.key = "capture.promisc", .type = Type::kBool, .default_value = "true",
         .help = "promiscuous mode"});
  s.add({.key = "capture.buffer-size", .type = Type::kSize, .default_value = "32MB",
         .help = "kernel capture buffer; too small a buffer drops packets under load (counted)"});
  s.add({.key = "capture.immediate", .type = Type::kBool, .default_value = "false",
         .help = "deliver packets at once instead of in batches (lower latency, more CPU)"});
}

}  // namespace picket::capture
