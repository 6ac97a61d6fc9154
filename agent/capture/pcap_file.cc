// Offline source: pcap and pcapng files. libpcap opens every file (format, link type, header checks);
// classic pcap files that can be memory-mapped are then read straight from the mapping, record by
// record, with no copy (MappedSource: reading is the floor of the offline pipeline's cost, and libpcap's
// stdio path copies every byte twice). pcapng, and files that cannot be mapped, are read by libpcap.
#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "agent/capture/capture.h"
#include "agent/capture/pcap_frame.h"

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
      frame_from_pcap(*h, data, out);
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

// Classic pcap from a read-only mapping: 24-byte file header, then records of a 16-byte header
// (ts_sec, ts_usec or ts_nsec, caplen, len; in the file's byte order) and caplen bytes.
class MappedSource final : public PacketSource {
 public:
  MappedSource(const uint8_t* base, size_t size, bool swapped, bool nanos, uint32_t max_caplen, int linktype,
               std::string path)
      : base_(base), size_(size), pos_(24), swapped_(swapped), nanos_(nanos), max_caplen_(max_caplen),
        linktype_(linktype), path_(std::move(path)) {}
  ~MappedSource() override { munmap(const_cast<uint8_t*>(base_), size_); }

  NextResult next(Frame* out) override {
    if (stop_.load(std::memory_order_relaxed)) return NextResult::kEnd;
    if (pos_ == size_) return NextResult::kEnd;
    if (size_ - pos_ < 16) {
      error_ = "truncated dump file; tried to read 16 header bytes, only got " + std::to_string(size_ - pos_);
      pos_ = size_;
      return NextResult::kError;
    }
    const uint8_t* h = base_ + pos_;
    uint32_t sec = u32(h), frac = u32(h + 4), caplen = u32(h + 8), len = u32(h + 12);
    if (caplen > max_caplen_) {
      error_ = "invalid packet capture length " + std::to_string(caplen) + ", bigger than the maximum of " +
               std::to_string(max_caplen_);
      pos_ = size_;
      return NextResult::kError;
    }
    if (size_ - pos_ - 16 < caplen) {
      error_ = "truncated dump file; tried to read " + std::to_string(caplen) + " captured bytes, only got " +
               std::to_string(size_ - pos_ - 16);
      pos_ = size_;
      return NextResult::kError;
    }
    if (pos_ - released_ >= 2 * kReleaseLag) {
      // Drop the pages well behind us from this process (they stay in the page cache), so a big file does
      // not show up as resident memory.
      size_t upto = (pos_ - kReleaseLag) & ~size_t{4095};
      madvise(const_cast<uint8_t*>(base_) + released_, upto - released_, MADV_DONTNEED);
      released_ = upto;
    }
    out->data = std::span<const uint8_t>(h + 16, caplen);
    out->wire_len = len;
    out->ts_us = static_cast<int64_t>(sec) * 1'000'000 + (nanos_ ? frac / 1000 : frac);
    pos_ += 16 + size_t{caplen};
    ++stats_.packets;
    stats_.bytes += caplen;
    return NextResult::kPacket;
  }
  int linktype() const override { return linktype_; }
  CaptureStats stats() override { return stats_; }
  void break_loop() override { stop_.store(true, std::memory_order_relaxed); }
  std::string last_error() const override { return error_; }
  std::string name() const override { return path_; }

 private:
  uint32_t u32(const uint8_t* p) const {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return swapped_ ? __builtin_bswap32(v) : v;
  }

  static constexpr size_t kReleaseLag = 4 << 20;

  const uint8_t* base_;
  size_t size_, pos_;
  size_t released_ = 0;  // [0, released_) was given back with MADV_DONTNEED
  bool swapped_, nanos_;
  uint32_t max_caplen_;
  int linktype_;
  std::string path_;
  std::atomic<bool> stop_{false};
  CaptureStats stats_;
  std::string error_;
};

// libpcap's own limit on a record's caplen (it refuses bigger ones as corrupt).
constexpr uint32_t kMaxCaplen = 262144;

// A MappedSource for a classic pcap file libpcap accepted, or null (pcapng, pipes, mmap failure...).
std::unique_ptr<PacketSource> try_map(const std::string& path, pcap_t* p) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st{};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 24) {
    ::close(fd);
    return nullptr;
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* m = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) return nullptr;
  const auto* base = static_cast<const uint8_t*>(m);
  uint32_t magic;
  std::memcpy(&magic, base, 4);
  bool swapped = false, nanos = false;
  switch (magic) {
    case 0xa1b2c3d4: break;
    case 0xa1b23c4d: nanos = true; break;
    case 0xd4c3b2a1: swapped = true; break;
    case 0x4d3cb2a1: swapped = nanos = true; break;
    default:  // pcapng or a variant libpcap knows (e.g. modified pcap): libpcap reads it
      munmap(m, size);
      return nullptr;
  }
  madvise(m, size, MADV_SEQUENTIAL);
  uint32_t snap = static_cast<uint32_t>(pcap_snapshot(p));
  uint32_t max_caplen = snap > kMaxCaplen ? snap : kMaxCaplen;
  return std::make_unique<MappedSource>(base, size, swapped, nanos, max_caplen, pcap_datalink(p), path);
}

}  // namespace

Result<std::unique_ptr<PacketSource>> open_file(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (p == nullptr) return Error{.file = path, .message = std::string("cannot read capture: ") + err};
  if (auto mapped = try_map(path, p)) {
    pcap_close(p);
    return mapped;
  }
  return std::unique_ptr<PacketSource>(std::make_unique<FileSource>(p, path));
}

}  // namespace picket::capture
