#include "collector/ingest/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

namespace picket::collector {
namespace {

constexpr char kMagic[8] = {'P', 'K', 'T', 'J', 'R', 'N', 'L', '1'};
constexpr size_t kHeader = 16;
constexpr size_t kFixed = 4 + 32 + 16 + 8 + 8;  // type+pad, key, epoch, seq, received_us
constexpr uint32_t kMaxRecord = 128u << 20;

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void store(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string segment_path(const std::string& dir, uint32_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "/%010u.pj", index);
  return dir + buf;
}

bool read_exact(int fd, void* buf, size_t len, uint64_t off) {
  char* p = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = ::pread(fd, p, len, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
    off += static_cast<uint64_t>(n);
  }
  return true;
}

std::vector<uint32_t> list_segments(const std::string& dir) {  // ascending
  std::vector<uint32_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() == 13 && n.substr(10) == ".pj" && n.find_first_not_of("0123456789") == 10) {
      out.push_back(static_cast<uint32_t>(std::stoul(n.substr(0, 10))));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

bool parse_journal_record(std::span<const uint8_t> body, JournalRecord* out) {
  if (body.size() < kFixed || body[0] != 1) return false;
  std::memcpy(out->stream.key.data(), body.data() + 4, 32);
  std::memcpy(out->stream.epoch.data(), body.data() + 36, 16);
  out->seq = load<uint64_t>(body.data() + 52);
  out->received_us = load<int64_t>(body.data() + 60);
  out->alert.assign(reinterpret_cast<const char*>(body.data()) + kFixed, body.size() - kFixed);
  return true;
}

Result<std::unique_ptr<Journal>> Journal::open(const JournalOptions& options) {
  std::unique_ptr<Journal> j(new Journal(options));
  if (Status s = j->init(); !s) return s.error();
  return j;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// One record without payload (checkpoint types 2 and 3).
void append_bare_record(std::string* out, uint8_t type, const StreamId& stream, uint64_t seq, int64_t time_us) {
  const size_t start = out->size();
  store<uint32_t>(out, static_cast<uint32_t>(kFixed));
  store<uint32_t>(out, 0);
  out->push_back(static_cast<char>(type));
  out->append(3, '\0');
  out->append(reinterpret_cast<const char*>(stream.key.data()), 32);
  out->append(reinterpret_cast<const char*>(stream.epoch.data()), 16);
  store<uint64_t>(out, seq);
  store<int64_t>(out, time_us);
  const uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(out->data() + start + 8), kFixed));
  std::memcpy(out->data() + start + 4, &crc, 4);
}

}  // namespace

std::vector<JournalCheckpointEntry> Journal::recovered_checkpoint() const {
  std::vector<JournalCheckpointEntry> out;
  for (const auto& [id, seq] : recovered_) {
    auto it = recovered_last_us_.find(id);
    out.push_back({.stream = id, .seq = seq, .last_us = it == recovered_last_us_.end() ? 0 : it->second});
  }
  for (const auto& id : recovered_forgotten_) out.push_back({.stream = id, .forgotten = true});
  return out;
}

Status Journal::start_segment(uint32_t index, const std::vector<JournalCheckpointEntry>& checkpoint) {
  const std::string path = segment_path(options_.dir, index);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Error{.file = path, .message = std::string("cannot create journal segment: ") + std::strerror(errno)};
  std::string h(kMagic, 8);
  store<uint32_t>(&h, kJournalFormatVersion);
  store<uint32_t>(&h, kHeader);
  for (const auto& e : checkpoint) append_bare_record(&h, e.forgotten ? 3 : 2, e.stream, e.forgotten ? 0 : e.seq, e.last_us);
  if (::write(fd, h.data(), h.size()) != static_cast<ssize_t>(h.size()) || ::fdatasync(fd) != 0) {
    ::close(fd);
    return Error{.file = path, .message = std::string("cannot write journal segment: ") + std::strerror(errno)};
  }
  fsync_dir(options_.dir);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  segment_ = index;
  size_ = h.size();
  std::lock_guard lock(mu_);
  durable_ = {segment_, size_};
  return Status::Ok();
}

Status Journal::init() {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return Error{.file = options_.dir, .message = "cannot create journal folder: " + ec.message()};
  const std::vector<uint32_t> segs = list_segments(options_.dir);
  std::string buf;
  for (size_t i = 0; i < segs.size(); ++i) {
    const bool last = i + 1 == segs.size();
    const std::string path = segment_path(options_.dir, segs[i]);
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return Error{.file = path, .message = std::string("cannot open: ") + std::strerror(errno)};
    struct stat st {};
    ::fstat(fd, &st);
    const uint64_t file_size = static_cast<uint64_t>(st.st_size);
    uint8_t hdr[kHeader];
    uint64_t off = kHeader;
    if (file_size < kHeader || !read_exact(fd, hdr, kHeader, 0)) {
      ::close(fd);
      if (!last) return Error{.file = path, .message = "journal segment header truncated"};
      // Created but never written: start it again, with the state recovered from the segments before it.
      if (Status s = start_segment(segs[i], recovered_checkpoint()); !s) return s;
      continue;
    }
    if (std::memcmp(hdr, kMagic, 8) != 0) {
      ::close(fd);
      return Error{.file = path, .message = "not a Picket journal segment"};
    }
    const uint32_t version = load<uint32_t>(hdr + 8);
    if (version > kJournalFormatVersion) {
      ::close(fd);
      return Error{.file = path, .message = "journal format is newer than this collector reads"};
    }
    // Each version 2 segment starts with a full checkpoint: its forgotten streams replace earlier ones.
    if (version >= 2) recovered_forgotten_.clear();
    // Walk the records in 4 MiB chunks.
    uint64_t chunk_off = 0;
    buf.clear();
    auto view = [&](uint64_t at, size_t len) -> const uint8_t* {
      if (at >= chunk_off && at + len <= chunk_off + buf.size()) {
        return reinterpret_cast<const uint8_t*>(buf.data()) + (at - chunk_off);
      }
      if (at + len > file_size) return nullptr;
      const size_t want = static_cast<size_t>(std::min<uint64_t>(file_size - at, std::max<size_t>(len, 4u << 20)));
      buf.resize(want);
      if (!read_exact(fd, buf.data(), want, at)) return nullptr;
      chunk_off = at;
      return reinterpret_cast<const uint8_t*>(buf.data());
    };
    while (off + 8 <= file_size) {
      const uint8_t* h = view(off, 8);
      if (h == nullptr) break;
      const uint32_t len = load<uint32_t>(h);
      const uint32_t crc = load<uint32_t>(h + 4);
      if (len < kFixed || len > kMaxRecord) break;
      const uint8_t* body = view(off + 8, len);
      if (body == nullptr) break;
      if (static_cast<uint32_t>(crc32(0L, body, len)) != crc) break;
      const uint8_t type = body[0];
      if (type < 1 || type > 3) break;
      StreamId id;
      std::memcpy(id.key.data(), body + 4, 32);
      std::memcpy(id.epoch.data(), body + 36, 16);
      if (type == 3) {
        recovered_forgotten_.push_back(id);
      } else {
        const uint64_t seq = load<uint64_t>(body + 52);
        const int64_t time_us = load<int64_t>(body + 60);
        uint64_t& hi = recovered_[id];
        hi = std::max(hi, seq);
        int64_t& last = recovered_last_us_[id];
        last = std::max(last, time_us);
        if (type == 1) ++records_recovered_;
      }
      off += 8 + len;
    }
    if (off != file_size) {
      if (!last) {
        ::close(fd);
        return Error{.file = path, .message = "journal segment corrupt at offset " + std::to_string(off)};
      }
      spdlog::warn("journal: {}: cutting {} bytes of torn tail (never acknowledged)", path, file_size - off);
      if (::ftruncate(fd, static_cast<off_t>(off)) != 0 || ::fdatasync(fd) != 0) {
        ::close(fd);
        return Error{.file = path, .message = std::string("cannot truncate: ") + std::strerror(errno)};
      }
    }
    if (last) {
      fd_ = fd;
      segment_ = segs[i];
      size_ = off;
      ::lseek(fd_, static_cast<off_t>(off), SEEK_SET);
    } else {
      ::close(fd);
    }
  }
  if (fd_ < 0) {
    if (Status s = start_segment(segs.empty() ? 1 : segs.back() + 1, recovered_checkpoint()); !s) return s;
  }
  std::lock_guard lock(mu_);
  durable_ = {segment_, size_};
  return Status::Ok();
}

void Journal::append(const StreamId& stream, uint64_t seq, int64_t received_us, std::span<const uint8_t> alert) {
  const uint32_t len = static_cast<uint32_t>(kFixed + alert.size());
  const size_t start = buf_.size();
  store<uint32_t>(&buf_, len);
  store<uint32_t>(&buf_, 0);  // crc, filled below
  buf_.push_back(1);
  buf_.append(3, '\0');
  buf_.append(reinterpret_cast<const char*>(stream.key.data()), 32);
  buf_.append(reinterpret_cast<const char*>(stream.epoch.data()), 16);
  store<uint64_t>(&buf_, seq);
  store<int64_t>(&buf_, received_us);
  buf_.append(reinterpret_cast<const char*>(alert.data()), alert.size());
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(buf_.data() + start + 8), len));
  std::memcpy(buf_.data() + start + 4, &crc, 4);
}

Status Journal::commit() {
  if (buf_.empty()) return Status::Ok();
  if (size_ > kHeader && size_ + buf_.size() > options_.segment_bytes) {
    std::vector<JournalCheckpointEntry> checkpoint;
    if (checkpoint_source_) checkpoint_source_(&checkpoint);
    if (Status s = start_segment(segment_ + 1, checkpoint); !s) return s;
  }
  const char* p = buf_.data();
  size_t left = buf_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      // Leave no partial record: cut back to the durable size.
      if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0 || ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0) {
        spdlog::error("journal: cannot cut a partial write");
      }
      buf_.clear();
      return Error{.file = segment_path(options_.dir, segment_), .message = "journal write failed: " + why};
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    buf_.clear();
    return Error{.file = segment_path(options_.dir, segment_),
                 .message = std::string("journal fdatasync failed: ") + std::strerror(errno)};
  }
  size_ += buf_.size();
  buf_.clear();
  std::lock_guard lock(mu_);
  durable_ = {segment_, size_};
  return Status::Ok();
}

JournalPosition Journal::durable_position() const {
  std::lock_guard lock(mu_);
  return durable_;
}

JournalReader::JournalReader(std::string dir, std::string cursor_name, const Journal* live)
    : dir_(std::move(dir)), cursor_path_(dir_ + "/" + cursor_name + ".cursor"), live_(live) {
  int fd = ::open(cursor_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    uint8_t b[16];
    if (read_exact(fd, b, sizeof b, 0) &&
        load<uint32_t>(b + 4) == static_cast<uint32_t>(crc32(crc32(0L, b, 4), b + 8, 8))) {
      pos_.segment = load<uint32_t>(b);
      pos_.offset = load<uint64_t>(b + 8);
    }
    ::close(fd);
  }
  if (pos_.segment == 0) {
    const std::vector<uint32_t> segs = list_segments(dir_);
    pos_.segment = segs.empty() ? 1 : segs.front();
    pos_.offset = 0;
  }
}

JournalReader::~JournalReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool JournalReader::open_segment(uint32_t index) {
  if (fd_ >= 0 && fd_segment_ == index) return true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(segment_path(dir_, index).c_str(), O_RDONLY | O_CLOEXEC);
  fd_segment_ = index;
  buf_.clear();
  return fd_ >= 0;
}

size_t JournalReader::next(size_t max, std::vector<JournalRecord>* out) {
  // The elements of *out are reused (their alert buffers keep their capacity): no allocation per record when
  // the caller passes the same vector each time.
  size_t n = 0;
  uint64_t chunk_off = 0;
  buf_.clear();
  while (n < max) {
    JournalPosition limit{UINT32_MAX, UINT64_MAX};
    if (live_ != nullptr) limit = live_->durable_position();
    if (pos_.segment > limit.segment) break;
    if (!open_segment(pos_.segment)) {
      // A missing segment: move on when a later one exists (a reader that lagged past pruning).
      const std::vector<uint32_t> segs = list_segments(dir_);
      auto it = std::upper_bound(segs.begin(), segs.end(), pos_.segment);
      if (it == segs.end() || (live_ != nullptr && *it > limit.segment)) break;
      pos_ = {*it, 0};
      continue;
    }
    struct stat st {};
    ::fstat(fd_, &st);
    uint64_t end = static_cast<uint64_t>(st.st_size);
    if (pos_.segment == limit.segment) end = std::min(end, limit.offset);
    if (pos_.offset < kHeader) pos_.offset = kHeader;
    auto view = [&](uint64_t at, size_t len) -> const uint8_t* {
      if (at >= chunk_off && at + len <= chunk_off + buf_.size()) {
        return reinterpret_cast<const uint8_t*>(buf_.data()) + (at - chunk_off);
      }
      if (at + len > end) return nullptr;
      const size_t want = static_cast<size_t>(std::min<uint64_t>(end - at, std::max<size_t>(len, 1u << 20)));
      buf_.resize(want);
      if (!read_exact(fd_, buf_.data(), want, at)) return nullptr;
      chunk_off = at;
      return reinterpret_cast<const uint8_t*>(buf_.data());
    };
    bool stuck = false;
    while (n < max) {
      const uint8_t* h = view(pos_.offset, 8);
      if (h == nullptr) break;
      const uint32_t len = load<uint32_t>(h);
      const uint32_t crc = load<uint32_t>(h + 4);
      const uint8_t* body = (len >= kFixed && len <= kMaxRecord) ? view(pos_.offset + 8, len) : nullptr;
      if (body == nullptr) break;  // incomplete (still being written) or beyond the durable point
      const bool crc_ok = static_cast<uint32_t>(crc32(0L, body, len)) == crc;
      if (crc_ok && (body[0] == 2 || body[0] == 3)) {  // a checkpoint record: not for readers
        pos_.offset += 8 + len;
        continue;
      }
      if (n == out->size()) out->emplace_back();
      if (!crc_ok || !parse_journal_record({body, len}, &(*out)[n])) {
        spdlog::error("journal reader: bad record in segment {} at offset {}", pos_.segment, pos_.offset);
        stuck = true;
        break;
      }
      ++n;
      pos_.offset += 8 + len;
    }
    if (stuck || n >= max) break;
    // End of this segment's readable bytes: go on to the next segment if it exists (the writer never goes
    // back to an older one).
    const bool later_exists = ::access(segment_path(dir_, pos_.segment + 1).c_str(), F_OK) == 0;
    if (later_exists && pos_.offset >= end && (live_ == nullptr || pos_.segment < limit.segment)) {
      pos_ = {pos_.segment + 1, 0};
      chunk_off = 0;
      buf_.clear();
      continue;
    }
    break;
  }
  out->resize(n);
  return n;
}

Status JournalReader::commit_cursor() { return commit_cursor(pos_); }

Status JournalReader::commit_cursor(const JournalPosition& at) {
  std::string b;
  store<uint32_t>(&b, at.segment);
  store<uint32_t>(&b, 0);
  store<uint64_t>(&b, at.offset);
  const uint32_t crc = static_cast<uint32_t>(
      crc32(crc32(0L, reinterpret_cast<const Bytef*>(b.data()), 4), reinterpret_cast<const Bytef*>(b.data() + 8), 8));
  std::memcpy(b.data() + 4, &crc, 4);
  const std::string tmp = cursor_path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Error{.file = tmp, .message = std::string("cannot write cursor: ") + std::strerror(errno)};
  const bool ok = ::write(fd, b.data(), b.size()) == static_cast<ssize_t>(b.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), cursor_path_.c_str()) != 0) {
    return Error{.file = cursor_path_, .message = std::string("cannot write cursor: ") + std::strerror(errno)};
  }
  return Status::Ok();
}

}  // namespace picket::collector

namespace picket::collector {

std::vector<uint32_t> journal_segments(const std::string& dir) { return list_segments(dir); }

size_t prune_journal(const std::string& dir, uint32_t fed_segment, uint64_t retain_bytes) {
  const std::vector<uint32_t> segs = list_segments(dir);
  if (segs.size() < 2) return 0;
  // Candidates: fully fed segments, never the newest one (the writer's).
  std::vector<std::pair<uint32_t, uint64_t>> fed;
  uint64_t fed_bytes = 0;
  for (size_t i = 0; i + 1 < segs.size() && segs[i] < fed_segment; ++i) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(segment_path(dir, segs[i]), ec);
    fed.emplace_back(segs[i], ec ? 0 : size);
    fed_bytes += ec ? 0 : size;
  }
  size_t deleted = 0;
  for (const auto& [index, size] : fed) {
    if (fed_bytes <= retain_bytes) break;
    const std::string path = segment_path(dir, index);
    if (::unlink(path.c_str()) != 0) {
      spdlog::warn("journal: cannot delete {}: {}", path, std::strerror(errno));
      break;  // keep the oldest-first order: never leave a hole behind a segment we could not delete
    }
    fed_bytes -= size;
    ++deleted;
  }
  if (deleted > 0) fsync_dir(dir);
  return deleted;
}

}  // namespace picket::collector
