#include "agent/host/logtail/journal_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "agent/host/logparse/parser.h"

namespace picket::host {
namespace {

std::string_view field(sd_journal* j, const char* name) {
  const void* data = nullptr;
  size_t len = 0;
  if (sd_journal_get_data(j, name, &data, &len) < 0) return {};
  std::string_view s(static_cast<const char*>(data), len);
  const size_t eq = s.find('=');
  return eq == std::string_view::npos ? std::string_view() : s.substr(eq + 1);
}

}  // namespace

Result<std::unique_ptr<JournalReader>> JournalReader::open(const std::string& source, std::string cursor_file,
                                                            bool from_start) {
  std::unique_ptr<JournalReader> r(new JournalReader());
  int rc = 0;
  struct stat st {};
  if (source.empty()) {
    rc = sd_journal_open(&r->j_, SD_JOURNAL_LOCAL_ONLY);
  } else if (::stat(source.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    rc = sd_journal_open_directory(&r->j_, source.c_str(), 0);
  } else {
    const char* files[] = {source.c_str(), nullptr};
    rc = sd_journal_open_files(&r->j_, files, 0);
  }
  if (rc < 0) {
    return Error{.file = source, .message = std::string("cannot open journal: ") + std::strerror(-rc)};
  }
  r->cursor_file_ = std::move(cursor_file);
  std::string saved;
  if (!r->cursor_file_.empty()) {
    std::ifstream in(r->cursor_file_);
    std::getline(in, saved);
  }
  if (!saved.empty() && sd_journal_seek_cursor(r->j_, saved.c_str()) >= 0) {
    // Position on the saved entry and step past it, so it is not delivered again.
    if (sd_journal_next(r->j_) > 0 && sd_journal_test_cursor(r->j_, saved.c_str()) <= 0) {
      sd_journal_previous(r->j_);
    }
    r->cursor_ = saved;
    r->saved_ = saved;
  } else if (from_start) {
    sd_journal_seek_head(r->j_);
  } else {
    sd_journal_seek_tail(r->j_);
    sd_journal_previous(r->j_);
  }
  return r;
}

JournalReader::~JournalReader() {
  if (j_ != nullptr) sd_journal_close(j_);
}

size_t JournalReader::poll(const std::function<void(const LogEvent&)>& sink) {
  size_t n = 0;
  while (sd_journal_next(j_) > 0) {
    ev_.clear();
    const std::string_view msg = field(j_, "MESSAGE");
    ev_.set_raw(msg);
    ev_.parsed = true;
    ev_.set_product("linux");
    ev_.add_service("syslog");
    uint64_t usec = 0;
    if (sd_journal_get_realtime_usec(j_, &usec) >= 0) ev_.time_us = static_cast<int64_t>(usec);
    std::string_view ident = field(j_, "SYSLOG_IDENTIFIER");
    if (ident.empty()) ident = field(j_, "_COMM");
    const std::string_view facility = field(j_, "SYSLOG_FACILITY");
    if (facility == "4" || facility == "10") ev_.add_service("auth");
    const std::string service(normalize_program(ident, buf_));
    ev_.add_service(service);
    ev_.set("message", msg);
    if (!ident.empty()) ev_.set("program", ident);
    struct Map {
      const char* journal;
      const char* ours;
    };
    static constexpr Map kFields[] = {{"_PID", "pid"},          {"SYSLOG_PID", "pid"},     {"_HOSTNAME", "host"},
                                      {"_COMM", "comm"},        {"_EXE", "Image"},         {"_CMDLINE", "CommandLine"},
                                      {"_UID", "User"},         {"PRIORITY", "priority"},  {"_SYSTEMD_UNIT", "unit"},
                                      {"SYSLOG_FACILITY", "facility"}};
    for (const auto& m : kFields) {
      const std::string_view v = field(j_, m.journal);
      if (!v.empty() && ev_.find(m.ours) == nullptr) ev_.set(m.ours, v);
    }
    extract_auth_fields(service, msg, ev_);
    char* c = nullptr;
    if (sd_journal_get_cursor(j_, &c) >= 0 && c != nullptr) {
      cursor_ = c;
      std::free(c);
    }
    sink(ev_);
    ++n;
  }
  return n;
}

Status JournalReader::save() {
  if (cursor_file_.empty() || cursor_.empty() || cursor_ == saved_) return Status::Ok();
  const std::string tmp = cursor_file_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{.file = tmp, .message = std::string("cannot write cursor: ") + std::strerror(errno)};
  const std::string text = cursor_ + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), cursor_file_.c_str()) != 0) {
    return Error{.file = cursor_file_, .message = std::string("cannot save cursor: ") + std::strerror(errno)};
  }
  const size_t slash = cursor_file_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : cursor_file_.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  saved_ = cursor_;
  return Status::Ok();
}

}  // namespace picket::host
