#include "agent/yara/watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace picket::yara {
namespace fs = std::filesystem;

namespace {
constexpr uint32_t kDirMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                              IN_ATTRIB | IN_ONLYDIR | IN_EXCL_UNLINK;
}  // namespace

InotifyTree::InotifyTree(const PathFilter& filter) : filter_(filter) {}

InotifyTree::~InotifyTree() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void InotifyTree::add_dir(const std::string& dir) {
  int wd = inotify_add_watch(fd_, dir.c_str(), kDirMask);
  if (wd < 0) {
    ++watch_failures_;
    return;
  }
  dirs_[wd] = dir;
}

void InotifyTree::add_tree(const std::string& dir) {
  add_dir(dir);
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      std::string p = it->path().string();
      if (filter_.excluded(p)) {
        it.disable_recursion_pending();
        continue;
      }
      add_dir(p);
    }
  }
}

Status InotifyTree::open() {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) {
    return Error{.message = std::string("inotify_init1: ") + std::strerror(errno)};
  }
  std::string missing;
  for (const auto& root : filter_.roots()) {
    std::error_code ec;
    auto st = fs::symlink_status(root, ec);
    if (fs::is_directory(st)) {
      add_tree(root);
    } else if (fs::exists(st)) {
      add_dir(fs::path(root).parent_path().string());
    } else {
      missing += (missing.empty() ? "" : ", ") + root;
    }
  }
  if (!missing.empty()) {
    return Error{.message = "watched path does not exist: " + missing};
  }
  return Status::Ok();
}

bool InotifyTree::poll(int timeout_ms, const std::function<void(const WatchEvent&)>& on_event) {
  pollfd pfd{.fd = fd_, .events = POLLIN, .revents = 0};
  int r = ::poll(&pfd, 1, timeout_ms);
  if (r < 0) {
    return errno == EINTR;
  }
  if (r == 0) {
    return true;
  }
  alignas(inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
      return n == 0 || errno == EAGAIN || errno == EINTR;
    }
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      if ((ev->mask & IN_Q_OVERFLOW) != 0) {
        ++overflows_;
        on_event({WatchEvent::Kind::kOverflow, {}});
        continue;
      }
      if ((ev->mask & IN_IGNORED) != 0) {
        dirs_.erase(ev->wd);
        continue;
      }
      auto it = dirs_.find(ev->wd);
      if (it == dirs_.end() || ev->len == 0) {
        continue;
      }
      std::string path = it->second == "/" ? "/" + std::string(ev->name) : it->second + "/" + ev->name;
      if (!filter_.wanted(path)) {
        continue;
      }
      bool is_dir = (ev->mask & IN_ISDIR) != 0;
      if (is_dir) {
        if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
          add_tree(path);
          on_event({WatchEvent::Kind::kTreeAdded, path});
        } else if ((ev->mask & (IN_MOVED_FROM | IN_DELETE)) != 0) {
          // A folder moved elsewhere keeps its watches (under stale names): drop them.
          for (auto w = dirs_.begin(); w != dirs_.end();) {
            if (path_under(w->second, path)) {
              inotify_rm_watch(fd_, w->first);
              w = dirs_.erase(w);
            } else {
              ++w;
            }
          }
          on_event({WatchEvent::Kind::kTreeGone, path});
        }
        continue;
      }
      if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
        on_event({WatchEvent::Kind::kFileGone, path});
      } else if ((ev->mask & IN_CREATE) != 0) {
        // An empty new file is being written: its IN_MODIFY / IN_CLOSE_WRITE follow, so scanning it now
        // would only report it empty first. A new name with content already (a hard link) is scanned now.
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
          on_event({WatchEvent::Kind::kFileChanged, path});
        }
      } else {
        on_event({WatchEvent::Kind::kFileChanged, path});
      }
    }
  }
}

}  // namespace picket::yara
