#include "agent/yara/file_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "agent/yara/hash.h"

namespace picket::yara {
namespace {

// The scan thread's reusable read buffer: grows, never shrinks, and is not zero-filled.
struct ReadBuffer {
  std::unique_ptr<uint8_t[]> data;
  size_t capacity = 0;
  uint8_t* reserve(size_t n) {
    if (n > capacity) {
      data = std::make_unique_for_overwrite<uint8_t[]>(n);
      capacity = n;
    }
    return data.get();
  }
};

// Reads up to `size` bytes into the thread's buffer; *got receives how many were read. Reading (rather
// than mapping) means a file truncated while it is scanned gives a short read, never SIGBUS; the copy
// costs far less than the scan.
bool read_all(int fd, size_t size, ReadBuffer* buf, size_t* got) {
  uint8_t* p = buf->reserve(size);
  *got = 0;
  while (*got < size) {
    ssize_t n = ::read(fd, p + *got, size - *got);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    if (n == 0) {
      break;
    }
    *got += static_cast<size_t>(n);
  }
  return true;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

FileScanStatus scan_file(Scanner* scanner, const std::string& path, const FileScanOptions& options,
                         FileFacts* facts, std::vector<RuleMatch>* matches) {
  facts->path = path;
  facts->sha256.clear();
  // O_NONBLOCK: a FIFO dropped into a watched folder must not block the scanner.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return FileScanStatus::kGone;
    }
    if (errno == ELOOP) {
      return FileScanStatus::kNotRegular;
    }
    return FileScanStatus::kError;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return FileScanStatus::kError;
  }
  facts->size = static_cast<uint64_t>(st.st_size);
  facts->mode = st.st_mode;
  facts->uid = st.st_uid;
  facts->gid = st.st_gid;
  facts->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (!S_ISREG(st.st_mode)) {
    return FileScanStatus::kNotRegular;
  }
  if (options.max_scan_size != 0 && facts->size > options.max_scan_size) {
    if (options.hash) {
      auto h = sha256_fd(fd.get());
      if (!h) {
        return FileScanStatus::kError;
      }
      facts->sha256 = std::move(*h);
    }
    return FileScanStatus::kTooLarge;
  }
  thread_local ReadBuffer buffer;
  size_t got = 0;
  if (!read_all(fd.get(), static_cast<size_t>(facts->size), &buffer, &got)) {
    return FileScanStatus::kError;
  }
  std::span<const uint8_t> bytes(buffer.data.get(), got);
  if (options.hash) {
    facts->sha256 = sha256_hex(bytes);
  }
  if (scanner == nullptr || !scanner->valid()) {
    return FileScanStatus::kScanned;
  }
  if (options.fixed_externals != nullptr) {
    scanner->set_externals(*options.fixed_externals);
  } else {
    scanner->set_externals(externals_for_file(path, st.st_uid, bytes.first(std::min<size_t>(bytes.size(), 16))));
  }
  size_t before = matches->size();
  bool ok = scanner->scan(bytes, matches);
  if (matches->size() > before && facts->sha256.empty()) {
    facts->sha256 = sha256_hex(bytes);
  }
  return ok ? FileScanStatus::kScanned : FileScanStatus::kError;
}

}  // namespace picket::yara
