#include "agent/transport/spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace picket::agent {
namespace {

constexpr char kSegMagic[8] = {'P', 'K', 'T', 'S', 'P', 'O', 'O', 'L'};
constexpr char kMetaMagic[8] = {'P', 'K', 'T', 'S', 'M', 'E', 'T', 'A'};
constexpr uint32_t kAckMagic = 0x4b434150;  // "PACK"
constexpr size_t kSegHeader = 40;            // magic 8 | version 4 | header size 4 | epoch 16 | first seq 8
constexpr size_t kRecHeader = 16;            // length 4 | crc 4 | seq 8
constexpr uint32_t kMaxRecord = 64u << 20;

uint32_t crc_of(uint64_t seq, const char* payload, size_t len) {
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, reinterpret_cast<const Bytef*>(&seq), sizeof seq);
  c = crc32(c, reinterpret_cast<const Bytef*>(payload), static_cast<uInt>(len));
  return static_cast<uint32_t>(c);
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void store(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

Error sys_error(const std::string& path, const std::string& what) {
  return Error{.file = path, .message = what + ": " + std::strerror(errno)};
}

bool read_exact(int fd, void* buf, size_t len, off_t off) {
  char* p = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = ::pread(fd, p, len, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
    off += n;
  }
  return true;
}

bool write_all(int fd, const char* p, size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string segment_name(uint64_t first_seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu.seg", static_cast<unsigned long long>(first_seq));
  return buf;
}

// Appends the record for `payload` (an Alert serialised without seq) with `seq` added as field 2.
void encode_record(std::string_view payload, uint64_t seq, std::string* out) {
  char seq_field[11];
  size_t seq_len = 0;
  seq_field[seq_len++] = 0x10;
  for (uint64_t v = seq; ; v >>= 7) {
    if (v < 0x80) {
      seq_field[seq_len++] = static_cast<char>(v);
      break;
    }
    seq_field[seq_len++] = static_cast<char>((v & 0x7f) | 0x80);
  }
  const uint32_t len = static_cast<uint32_t>(payload.size() + seq_len);
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, reinterpret_cast<const Bytef*>(&seq), sizeof seq);
  c = crc32(c, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  c = crc32(c, reinterpret_cast<const Bytef*>(seq_field), static_cast<uInt>(seq_len));
  store<uint32_t>(out, len);
  store<uint32_t>(out, static_cast<uint32_t>(c));
  store<uint64_t>(out, seq);
  out->append(payload);
  out->append(seq_field, seq_len);
}

}  // namespace

Result<std::unique_ptr<Spool>> Spool::open(const SpoolOptions& options) {
  std::unique_ptr<Spool> s(new Spool(options));
  if (Status st = s->init(); !st) return st.error();
  return s;
}

Spool::~Spool() {
  for (auto& seg : segments_) {
    if (seg.fd >= 0) ::close(seg.fd);
  }
  if (ack_fd_ >= 0) ::close(ack_fd_);
}

Status Spool::load_or_create_meta() {
  const std::string path = options_.dir + "/spool.meta";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[32];
    bool ok = read_exact(fd, buf, sizeof buf, 0);
    ::close(fd);
    if (!ok || std::memcmp(buf, kMetaMagic, 8) != 0) return Error{.file = path, .message = "not a Picket spool"};
    uint32_t version = load<uint32_t>(buf + 8);
    if (version > kSpoolFormatVersion) {
      return Error{.file = path, .message = "spool format version " + std::to_string(version) +
                                            " is newer than this agent reads (" +
                                            std::to_string(kSpoolFormatVersion) + ")"};
    }
    uint32_t crc = load<uint32_t>(buf + 12);
    std::memcpy(epoch_.data(), buf + 16, 16);
    if (crc != static_cast<uint32_t>(crc32(0L, epoch_.data(), 16))) {
      return Error{.file = path, .message = "spool.meta checksum mismatch"};
    }
    return Status::Ok();
  }
  if (errno != ENOENT) return sys_error(path, "cannot open");
  // A new spool: a fresh epoch, so a reinstalled agent never collides with its past sequence numbers.
  if (::getrandom(epoch_.data(), epoch_.size(), 0) != static_cast<ssize_t>(epoch_.size())) {
    return sys_error(path, "getrandom");
  }
  std::string buf(kMetaMagic, 8);
  store<uint32_t>(&buf, kSpoolFormatVersion);
  store<uint32_t>(&buf, static_cast<uint32_t>(crc32(0L, epoch_.data(), 16)));
  buf.append(reinterpret_cast<const char*>(epoch_.data()), 16);
  const std::string tmp = path + ".tmp";
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error(tmp, "cannot create");
  bool ok = write_all(fd, buf.data(), buf.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return sys_error(path, "cannot write");
  fsync_dir(options_.dir);
  return Status::Ok();
}

Status Spool::recover_segment(Segment* seg, bool last) {
  seg->fd = ::open(seg->path.c_str(), O_RDWR | O_CLOEXEC);
  if (seg->fd < 0) return sys_error(seg->path, "cannot open spool segment");
  struct stat st {};
  ::fstat(seg->fd, &st);
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  char hdr[kSegHeader];
  if (file_size < kSegHeader || !read_exact(seg->fd, hdr, kSegHeader, 0)) {
    if (!last) return Error{.file = seg->path, .message = "spool segment header truncated"};
    // Created but its header never fully written: rewrite it.
    std::string h(kSegMagic, 8);
    store<uint32_t>(&h, kSpoolFormatVersion);
    store<uint32_t>(&h, kSegHeader);
    h.append(reinterpret_cast<const char*>(epoch_.data()), 16);
    store<uint64_t>(&h, seg->first_seq);
    if (::ftruncate(seg->fd, 0) != 0 || ::pwrite(seg->fd, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size())) {
      return sys_error(seg->path, "cannot rewrite segment header");
    }
    truncated_bytes_ += file_size;
    ::lseek(seg->fd, static_cast<off_t>(kSegHeader), SEEK_SET);
    seg->size = kSegHeader;
    seg->last_seq = seg->first_seq - 1;
    return Status::Ok();
  }
  if (std::memcmp(hdr, kSegMagic, 8) != 0) return Error{.file = seg->path, .message = "not a spool segment"};
  if (load<uint32_t>(hdr + 8) > kSpoolFormatVersion) {
    return Error{.file = seg->path, .message = "spool segment format is newer than this agent reads"};
  }
  if (std::memcmp(hdr + 16, epoch_.data(), 16) != 0) {
    return Error{.file = seg->path, .message = "spool segment belongs to another epoch"};
  }
  if (load<uint64_t>(hdr + 32) != seg->first_seq) {
    return Error{.file = seg->path, .message = "spool segment name and header disagree on the first seq"};
  }
  const uint64_t header_size = load<uint32_t>(hdr + 12);
  uint64_t off = std::max<uint64_t>(header_size, kSegHeader);
  uint64_t expect = seg->first_seq;
  std::string buf;
  while (off + kRecHeader <= file_size) {
    char rh[kRecHeader];
    if (!read_exact(seg->fd, rh, kRecHeader, static_cast<off_t>(off))) break;
    uint32_t len = load<uint32_t>(rh);
    uint32_t crc = load<uint32_t>(rh + 4);
    uint64_t seq = load<uint64_t>(rh + 8);
    if (len > kMaxRecord || off + kRecHeader + len > file_size || seq != expect) break;
    buf.resize(len);
    if (!read_exact(seg->fd, buf.data(), len, static_cast<off_t>(off + kRecHeader))) break;
    if (crc_of(seq, buf.data(), len) != crc) break;
    off += kRecHeader + len;
    ++expect;
  }
  if (off != file_size) {
    if (!last) {
      return Error{.file = seg->path,
                   .message = "spool segment corrupt at offset " + std::to_string(off) +
                              "; move it away to start the agent (its alerts are lost)"};
    }
    spdlog::warn("spool: {}: cutting {} bytes of torn tail at offset {}", seg->path, file_size - off, off);
    if (::ftruncate(seg->fd, static_cast<off_t>(off)) != 0) return sys_error(seg->path, "cannot truncate");
    truncated_bytes_ += file_size - off;
  }
  seg->size = off;
  seg->last_seq = expect - 1;
  // Appends go through write(): position the file offset at the end of the valid records.
  if (::lseek(seg->fd, static_cast<off_t>(off), SEEK_SET) < 0) return sys_error(seg->path, "cannot seek");
  return Status::Ok();
}

Status Spool::init() {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return Error{.file = options_.dir, .message = "cannot create spool folder: " + ec.message()};
  if (Status s = load_or_create_meta(); !s) return s;

  const std::string ack_path = options_.dir + "/ack";
  ack_fd_ = ::open(ack_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (ack_fd_ < 0) return sys_error(ack_path, "cannot open");
  char ab[16];
  uint64_t acked = 0;
  if (read_exact(ack_fd_, ab, sizeof ab, 0) && load<uint32_t>(ab + 12) == kAckMagic &&
      load<uint32_t>(ab + 8) == static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(ab), 8))) {
    acked = load<uint64_t>(ab);
  }

  std::vector<uint64_t> firsts;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 24 || name.substr(20) != ".seg") continue;
    if (name.find_first_not_of("0123456789") != 20) continue;
    firsts.push_back(std::stoull(name.substr(0, 20)));
  }
  std::sort(firsts.begin(), firsts.end());
  for (size_t i = 0; i < firsts.size(); ++i) {
    Segment seg;
    seg.first_seq = firsts[i];
    seg.path = options_.dir + "/" + segment_name(firsts[i]);
    if (Status s = recover_segment(&seg, i + 1 == firsts.size()); !s) {
      if (seg.fd >= 0) ::close(seg.fd);
      return s;
    }
    if (!segments_.empty() && seg.first_seq != segments_.back().last_seq + 1) {
      ::close(seg.fd);
      return Error{.file = seg.path, .message = "spool segments are not contiguous (a segment is missing)"};
    }
    total_bytes_ += seg.size;
    segments_.push_back(std::move(seg));
  }
  uint64_t last = segments_.empty() ? 0 : segments_.back().last_seq;
  last = std::max(last, acked);
  last_seq_ = last;
  acked_seq_ = std::min(acked, last);
  if (!segments_.empty()) ::fdatasync(segments_.back().fd);
  synced_seq_ = last;
  ack(acked_seq_.load());  // removes segments left over from a crash between ack and unlink
  return Status::Ok();
}

Status Spool::start_segment_locked(uint64_t first_seq) {
  if (!segments_.empty()) {
    ::fdatasync(segments_.back().fd);  // the old segment is complete; later syncs only touch the new one
  }
  Segment seg;
  seg.first_seq = first_seq;
  seg.last_seq = first_seq - 1;
  seg.path = options_.dir + "/" + segment_name(first_seq);
  seg.fd = ::open(seg.path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (seg.fd < 0) return sys_error(seg.path, "cannot create spool segment");
  std::string h(kSegMagic, 8);
  store<uint32_t>(&h, kSpoolFormatVersion);
  store<uint32_t>(&h, kSegHeader);
  h.append(reinterpret_cast<const char*>(epoch_.data()), 16);
  store<uint64_t>(&h, first_seq);
  if (!write_all(seg.fd, h.data(), h.size())) {
    ::close(seg.fd);
    return sys_error(seg.path, "cannot write spool segment header");
  }
  fsync_dir(options_.dir);
  seg.size = kSegHeader;
  total_bytes_ += kSegHeader;
  segments_.push_back(std::move(seg));
  return Status::Ok();
}

bool Spool::write_records_locked(const std::string& buf, uint64_t count, uint64_t first_seq) {
  Segment& seg = segments_.back();
  if (!write_all(seg.fd, buf.data(), buf.size())) {
    spdlog::error("spool: {}: write failed: {}", seg.path, std::strerror(errno));
    // Leave no partial record behind.
    if (::ftruncate(seg.fd, static_cast<off_t>(seg.size)) != 0 ||
        ::lseek(seg.fd, static_cast<off_t>(seg.size), SEEK_SET) < 0) {
      spdlog::error("spool: {}: cannot cut a partial record", seg.path);
    }
    return false;
  }
  if (options_.fsync == SpoolFsync::kAlways) ::fdatasync(seg.fd);
  seg.size += buf.size();
  seg.last_seq = first_seq + count - 1;
  total_bytes_ += buf.size();
  last_seq_ = seg.last_seq;
  if (options_.fsync == SpoolFsync::kAlways) synced_seq_ = seg.last_seq;
  return true;
}

bool Spool::append(v1::Alert& alert) { return append_many(std::span<v1::Alert>(&alert, 1)) == 1; }

size_t Spool::append_many(std::span<v1::Alert> alerts) {
  // Serialise outside the lock, without seq, into one buffer (no allocation per alert); the seq field is
  // added to each record's bytes under the lock (protobuf accepts fields in any order).
  thread_local std::string blob;
  thread_local std::vector<std::pair<size_t, size_t>> spans;  // (offset, size) in blob
  blob.clear();
  spans.clear();
  for (auto& a : alerts) {
    a.clear_seq();
    const size_t size = a.ByteSizeLong();
    const size_t off = blob.size();
    blob.resize(off + size);
    a.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(blob.data() + off));
    spans.emplace_back(off, size);
  }
  std::lock_guard lock(mu_);
  std::string& buf = write_buf_;
  buf.clear();
  size_t accepted = 0;
  uint64_t first = last_seq_.load() + 1;
  auto flush = [&](size_t count) -> bool {
    if (count == 0) return true;
    if (!write_records_locked(buf, count, first)) return false;
    first += count;
    buf.clear();
    return true;
  };
  size_t pending = 0;
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string_view payload(blob.data() + spans[i].first, spans[i].second);
    const uint64_t rec_size = kRecHeader + payload.size() + 11;
    if (payload.size() > kMaxRecord - 11 || total_bytes_ + buf.size() + rec_size > options_.max_bytes) {
      break;  // cap policy: refuse the new alerts, keep everything already accepted
    }
    if (segments_.empty() || segments_.back().size + buf.size() + rec_size > options_.segment_bytes) {
      if (!flush(pending)) break;
      accepted += pending;
      pending = 0;
      if (segments_.empty() || segments_.back().size > kSegHeader) {
        if (Status s = start_segment_locked(first); !s) {
          spdlog::error("spool: {}", s.error().format());
          break;
        }
      }
    }
    const uint64_t seq = first + pending;
    encode_record(payload, seq, &buf);
    alerts[i].set_seq(seq);
    ++pending;
  }
  if (flush(pending)) accepted += pending;
  for (size_t i = accepted; i < alerts.size(); ++i) alerts[i].clear_seq();
  dropped_ += alerts.size() - accepted;
  if (buf.capacity() > (8u << 20)) std::string().swap(buf);  // keep no huge buffer after a burst
  if (blob.capacity() > (8u << 20)) std::string().swap(blob);
  return accepted;
}

const char* Spool::window(uint64_t seg_first, int fd, uint64_t seg_size, uint64_t off, size_t len) {
  if (win_first_ == seg_first && off >= win_off_ && off + len <= win_off_ + read_buf_.size()) {
    return read_buf_.data() + (off - win_off_);
  }
  // Bytes below the segment's published size never change (append-only), so a window stays valid.
  const size_t want = static_cast<size_t>(std::min<uint64_t>(seg_size - off, std::max<size_t>(len, 1u << 20)));
  read_buf_.resize(want);
  win_first_ = 0;
  if (want < len || !read_exact(fd, read_buf_.data(), want, static_cast<off_t>(off))) return nullptr;
  win_first_ = seg_first;
  win_off_ = off;
  return read_buf_.data();
}

size_t Spool::read(uint64_t from_seq, size_t max_count, size_t max_bytes, std::vector<SpoolRecord>* out) {
  // The elements of *out are reused (their payload buffers keep their capacity): no allocation per record
  // when the caller passes the same vector each time.
  size_t n = 0;
  auto result = [&] {
    out->resize(n);
    return n;
  };
  size_t bytes = 0;
  auto full = [&] { return n >= max_count || (n > 0 && bytes >= max_bytes); };
  while (!full()) {
    uint64_t first = 0, size = 0;
    int fd = -1;
    std::string path;
    {
      std::lock_guard lock(mu_);
      auto it = std::find_if(segments_.begin(), segments_.end(),
                             [&](const Segment& s) { return from_seq >= s.first_seq && from_seq <= s.last_seq; });
      if (it == segments_.end()) break;
      first = it->first_seq;
      size = it->size;
      fd = it->fd;
      path = it->path;
    }
    uint64_t off = kSegHeader;
    uint64_t seq = first;
    if (cursor_first_ == first && cursor_seq_ <= from_seq && cursor_seq_ >= first) {
      off = cursor_off_;  // sequential sending: continue where the last read stopped
      seq = cursor_seq_;
    }
    while (!full() && off + kRecHeader <= size) {
      const char* h = window(first, fd, size, off, kRecHeader);
      if (h == nullptr) {
        spdlog::error("spool: {}: read failed at offset {}", path, off);
        return result();
      }
      const uint32_t len = load<uint32_t>(h);
      const uint32_t crc = load<uint32_t>(h + 4);
      const uint64_t rseq = load<uint64_t>(h + 8);
      if (rseq != seq || off + kRecHeader + len > size) {
        spdlog::error("spool: {}: bad record at offset {} (seq {}, wanted {})", path, off, rseq, seq);
        return result();
      }
      if (seq >= from_seq) {
        const char* r = window(first, fd, size, off, kRecHeader + len);
        if (r == nullptr || crc_of(rseq, r + kRecHeader, len) != crc) {
          spdlog::error("spool: {}: unreadable or corrupt record at offset {}", path, off);
          return result();
        }
        if (n == out->size()) out->emplace_back();
        (*out)[n].seq = rseq;
        (*out)[n].payload.assign(r + kRecHeader, len);
        ++n;
        bytes += len;
      }
      off += kRecHeader + len;
      ++seq;
    }
    cursor_first_ = first;
    cursor_seq_ = seq;
    cursor_off_ = off;
    from_seq = std::max(from_seq, seq);
  }
  return result();
}

uint64_t Spool::sync() {
  int fd = -1;
  uint64_t target = 0;
  {
    std::lock_guard lock(mu_);
    target = last_seq_.load();
    if (target <= synced_seq_.load() || segments_.empty()) return synced_seq_.load();
    fd = segments_.back().fd;
    // fdatasync below runs without the lock so appends go on meanwhile; the fd stays open because only
    // ack() (this same thread) closes segments.
  }
  if (::fdatasync(fd) != 0) {
    spdlog::error("spool: fdatasync failed: {}", std::strerror(errno));
    return synced_seq_.load();
  }
  uint64_t cur = synced_seq_.load();
  while (cur < target && !synced_seq_.compare_exchange_weak(cur, target)) {
  }
  return synced_seq_.load();
}

void Spool::persist_ack(uint64_t seq) {
  std::string b;
  store<uint64_t>(&b, seq);
  store<uint32_t>(&b, static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(b.data()), 8)));
  store<uint32_t>(&b, kAckMagic);
  if (::pwrite(ack_fd_, b.data(), b.size(), 0) != static_cast<ssize_t>(b.size())) {
    spdlog::error("spool: cannot write the ack file: {}", std::strerror(errno));
  }
}

void Spool::ack(uint64_t seq) {
  seq = std::min(seq, last_seq_.load());
  if (seq > acked_seq_.load()) {
    acked_seq_ = seq;
    persist_ack(seq);
  }
  std::vector<Segment> gone;
  {
    std::lock_guard lock(mu_);
    while (segments_.size() > 1 && segments_.front().last_seq <= acked_seq_.load()) {
      total_bytes_ -= segments_.front().size;
      gone.push_back(std::move(segments_.front()));
      segments_.erase(segments_.begin());
    }
  }
  if (gone.empty()) return;
  // The ack must be durable before the segments go: otherwise a crash could leave neither the records nor a
  // record of their acknowledgement, and their seqs would be reused.
  ::fdatasync(ack_fd_);
  for (auto& s : gone) {
    ::close(s.fd);
    ::unlink(s.path.c_str());
  }
}

SpoolStats Spool::stats() const {
  std::lock_guard lock(mu_);
  SpoolStats st;
  st.acked_seq = acked_seq_.load();
  st.first_unacked = st.acked_seq + 1;
  st.last_seq = last_seq_.load();
  st.depth = st.last_seq - st.acked_seq;
  st.bytes = total_bytes_;
  st.dropped = dropped_.load();
  st.segments = segments_.size();
  st.truncated_bytes = truncated_bytes_;
  return st;
}

}  // namespace picket::agent
