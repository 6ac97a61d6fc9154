#include "agent/host/logtail/file_tailer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace picket::host {
namespace {

uint64_t fnv1a64(const char* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<uint8_t>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

std::string dir_of(const std::string& p) {
  size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

std::string base_of(const std::string& p) {
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

}  // namespace

FileTailer::FileTailer(std::string path, std::string state_file, bool from_start)
    : path_(std::move(path)), state_file_(std::move(state_file)), from_start_(from_start) {
  load_state();
}

FileTailer::~FileTailer() {
  if (fd_ >= 0) ::close(fd_);
}

void FileTailer::load_state() {
  if (state_file_.empty()) return;
  std::ifstream in(state_file_);
  std::string magic;
  int version = 0;
  if (!(in >> magic >> version) || magic != "picket-tail" || version != 1) return;
  Saved s;
  if (!(in >> s.dev >> s.ino >> s.offset >> s.fp_len >> s.fp_hash)) return;
  s.valid = true;
  saved_ = s;
}

bool FileTailer::fingerprint(int fd, uint64_t len, uint64_t* hash) const {
  char buf[kFingerprintBytes];
  if (len == 0 || len > sizeof(buf)) return false;
  ssize_t got = ::pread(fd, buf, len, 0);
  if (got != static_cast<ssize_t>(len)) return false;
  *hash = fnv1a64(buf, len);
  return true;
}

void FileTailer::update_fingerprint() {
  if (fd_ < 0 || fp_len_ >= kFingerprintBytes || line_start_ <= fp_len_) return;
  // Only bytes already delivered count: they cannot change without a truncation or replacement.
  const uint64_t len = std::min<uint64_t>(line_start_, kFingerprintBytes);
  uint64_t h = 0;
  if (fingerprint(fd_, len, &h)) {
    fp_len_ = len;
    fp_hash_ = h;
  }
}

void FileTailer::reset_to(int fd, uint64_t dev, uint64_t ino, uint64_t offset) {
  if (fd_ >= 0 && fd_ != fd) ::close(fd_);
  fd_ = fd;
  dev_ = dev;
  ino_ = ino;
  pos_ = offset;
  line_start_ = offset;
  pending_.clear();
  skipping_ = false;
  fp_len_ = 0;
  fp_hash_ = 0;
  update_fingerprint();
}

size_t FileTailer::read_fd(int fd, uint64_t* pos, std::string& pending, uint64_t* line_start, const LineSink& sink,
                           uint64_t limit) {
  size_t delivered = 0;
  char buf[64 * 1024];
  while (*pos < limit) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof(buf), limit - *pos));
    ssize_t got = ::pread(fd, buf, want, static_cast<off_t>(*pos));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    stats_.bytes += static_cast<uint64_t>(got);
    size_t start = 0;
    for (size_t i = 0; i < static_cast<size_t>(got); ++i) {
      if (buf[i] != '\n') continue;
      const uint64_t next = *pos + i + 1;
      if (skipping_) {
        skipping_ = false;
      } else if (pending.empty()) {
        sink(std::string_view(buf + start, i - start), *line_start);
        ++delivered;
      } else {
        pending.append(buf + start, i - start);
        sink(pending, *line_start);
        pending.clear();
        ++delivered;
      }
      *line_start = next;
      start = i + 1;
    }
    if (!skipping_) {
      pending.append(buf + start, static_cast<size_t>(got) - start);
      if (pending.size() > kMaxLine) {
        pending.resize(kMaxLine);
        sink(pending, *line_start);
        ++delivered;
        ++stats_.cut_lines;
        pending.clear();
        skipping_ = true;
      }
    }
    *pos += static_cast<uint64_t>(got);
  }
  stats_.lines += delivered;
  return delivered;
}

void FileTailer::finish_fd(int fd, uint64_t pos, std::string& pending, uint64_t line_start, const LineSink& sink) {
  read_fd(fd, &pos, pending, &line_start, sink, UINT64_MAX);
  if (!pending.empty() && !skipping_) {
    sink(pending, line_start);
    ++stats_.lines;
  }
  pending.clear();
  skipping_ = false;
}

bool FileTailer::recover_from_sibling(uint64_t dev, uint64_t ino, uint64_t fp_len, uint64_t fp_hash,
                                      uint64_t offset, bool match_inode, const LineSink& sink) {
  if (fp_len == 0 && !match_inode) return false;
  const std::string dir = dir_of(path_);
  const std::string base = base_of(path_);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return false;
  std::string best;
  int64_t best_mtime = -1;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == base || name.compare(0, base.size(), base) != 0) continue;
    const std::string full = dir + "/" + name;
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) >= offset;
    if (ok && match_inode) ok = st.st_dev == dev && st.st_ino == ino;
    if (ok && fp_len > 0) {
      uint64_t h = 0;
      ok = fingerprint(fd, fp_len, &h) && h == fp_hash;
    }
    if (ok && st.st_mtime > best_mtime) {
      best = full;
      best_mtime = st.st_mtime;
    }
    ::close(fd);
  }
  ::closedir(d);
  if (best.empty()) return false;
  int fd = ::open(best.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const uint64_t before = stats_.lines;
  std::string pending;
  skipping_ = false;
  finish_fd(fd, offset, pending, offset, sink);
  stats_.recovered += stats_.lines - before;
  ::close(fd);
  return true;
}

bool FileTailer::open_current(const LineSink& sink) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  const uint64_t dev = st.st_dev;
  const uint64_t ino = st.st_ino;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (saved_.valid) {
    const Saved s = saved_;
    saved_.valid = false;
    const bool same_inode = s.dev == dev && s.ino == ino;
    uint64_t h = 0;
    const bool same_content = s.fp_len == 0 || (fingerprint(fd, s.fp_len, &h) && h == s.fp_hash);
    if (same_inode && same_content && size >= s.offset) {
      reset_to(fd, dev, ino, s.offset);
      return true;
    }
    if (!same_inode) {
      // Rotated while we were away: finish the old file wherever it went.
      if (recover_from_sibling(s.dev, s.ino, s.fp_len, s.fp_hash, s.offset, true, sink)) ++stats_.rotations;
    } else {
      // Same inode number but truncated or other content (copytruncate, or a reused inode).
      ++stats_.truncations;
      recover_from_sibling(s.dev, s.ino, s.fp_len, s.fp_hash, s.offset, false, sink);
    }
    reset_to(fd, dev, ino, 0);
    return true;
  }
  reset_to(fd, dev, ino, from_start_ ? 0 : size);
  from_start_ = true;  // files that appear later (after a rotation) are read from their start
  return true;
}

size_t FileTailer::poll(const LineSink& sink) {
  const uint64_t before = stats_.lines;
  if (fd_ < 0 && !open_current(sink)) return stats_.lines - before;
  // 1. Truncated or replaced under us (copytruncate, truncate-in-place)?
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    bool replaced = static_cast<uint64_t>(st.st_size) < pos_;
    if (!replaced && fp_len_ > 0) {
      uint64_t h = 0;
      replaced = !fingerprint(fd_, fp_len_, &h) || h != fp_hash_;
    }
    if (replaced) {
      ++stats_.truncations;
      recover_from_sibling(dev_, ino_, fp_len_, fp_hash_, line_start_, false, sink);
      reset_to(fd_, dev_, ino_, 0);
    }
  }
  // 2. New data.
  read_fd(fd_, &pos_, pending_, &line_start_, sink, UINT64_MAX);
  update_fingerprint();
  // 3. Does the path still name our file (rename rotation, delete-recreate)?
  struct stat ps {};
  if (::stat(path_.c_str(), &ps) == 0 && (static_cast<uint64_t>(ps.st_dev) != dev_ || ps.st_ino != ino_)) {
    finish_fd(fd_, pos_, pending_, line_start_, sink);
    ::close(fd_);
    fd_ = -1;
    ++stats_.rotations;
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && ::fstat(fd, &ps) == 0) {
      reset_to(fd, ps.st_dev, ps.st_ino, 0);
      read_fd(fd_, &pos_, pending_, &line_start_, sink, UINT64_MAX);
      update_fingerprint();
    } else if (fd >= 0) {
      ::close(fd);
    }
  }
  return stats_.lines - before;
}

void FileTailer::finish(const LineSink& sink) {
  if (fd_ < 0) return;
  read_fd(fd_, &pos_, pending_, &line_start_, sink, UINT64_MAX);
  if (!pending_.empty() && !skipping_) {
    sink(pending_, line_start_);
    ++stats_.lines;
    line_start_ += pending_.size();
  }
  pending_.clear();
}

Status FileTailer::save() {
  if (state_file_.empty()) return Status::Ok();
  std::ostringstream os;
  if (fd_ >= 0) {
    os << "picket-tail 1\n" << dev_ << ' ' << ino_ << ' ' << line_start_ << ' ' << fp_len_ << ' ' << fp_hash_
       << '\n' << path_ << '\n';
  } else if (saved_.valid) {
    os << "picket-tail 1\n" << saved_.dev << ' ' << saved_.ino << ' ' << saved_.offset << ' ' << saved_.fp_len
       << ' ' << saved_.fp_hash << '\n' << path_ << '\n';
  } else {
    return Status::Ok();
  }
  const std::string text = os.str();
  if (text == last_saved_) return Status::Ok();
  const std::string tmp = state_file_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{.file = tmp, .message = std::string("cannot write offsets: ") + std::strerror(errno)};
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), state_file_.c_str()) != 0) {
    return Error{.file = state_file_, .message = std::string("cannot save offsets: ") + std::strerror(errno)};
  }
  int dfd = ::open(dir_of(state_file_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  last_saved_ = text;
  return Status::Ok();
}

}  // namespace picket::host
