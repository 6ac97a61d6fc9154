// Offline source: pcap and pcapng files through libpcap (pcap_open_offline_with_tstamp_precision).
#include <pcap/pcap.h>

#include "agent/capture/capture.h"

namespace picket::capture {

namespace {

class FileSource final : public PacketSource {
 public:
  FileSource(pcap_t* p, std::string path) : p_(p), path_(std::move(path)), linktype_(pcap_datalink(p)) {}
  ~FileSource() override { pcap_close(p_); }

  NextResult next(Frame* out) override {
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(p_, &h, &data);
    if (rc == 1) {
      out->data = std::span<const uint8_t>(data, h->caplen);
      out->wire_len = h->len;
      out->ts_us = static_cast<int64_t>(h->ts.tv_sec) * 1'000'000 + h->ts.tv_usec;
      ++stats_.packets;
      stats_.bytes += h->caplen;
      return NextResult::kPacket;
    }
    if (rc == PCAP_ERROR_BREAK) return NextResult::kEnd;  // end of file (or break_loop)
    if (rc == 0) return NextResult::kTimeout;
    error_ = pcap_geterr(p_);
    // A truncated last record is how many captures end: treat it as the end, keep the message.
    return NextResult::kError;
  }
  int linktype() const override { return linktype_; }
  CaptureStats stats() override { return stats_; }
  void break_loop() override { pcap_breakloop(p_); }
  std::string last_error() const override { return error_; }
  std::string name() const override { return path_; }

 private:
  pcap_t* p_;
  std::string path_;
  int linktype_;
  CaptureStats stats_;
  std::string error_;
};

}  // namespace

Result<std::unique_ptr<PacketSource>> open_file(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (p == nullptr) return Error{.file = path, .message = std::string("cannot read capture: ") + err};
  return std::unique_ptr<PacketSource>(std::make_unique<FileSource>(p, path));
}

}  // namespace picket::capture
