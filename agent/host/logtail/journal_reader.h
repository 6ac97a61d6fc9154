#pragma once
// Reads systemd journal entries through libsystemd's sd-journal, resuming from a saved cursor.
//
//   auto r = picket::host::JournalReader::open("", "/var/lib/picket/agent/log-offsets/journal.cursor", false);
//   r.value()->poll([&](const picket::host::LogEvent& ev) { match(ev); });
//   r.value()->save();   // after the events are handed on: the cursor is fsynced and renamed into place
//
// `source` empty: the local system journal; a folder: the journal files in it (sd_journal_open_directory); a
// file: that journal file. Each entry becomes a LogEvent: raw = MESSAGE; product linux; services syslog,
// the SYSLOG_IDENTIFIER (normalised like syslog programs) and auth for the auth/authpriv facilities; fields
// message, program, pid, host, comm, exe (Image), cmdline (CommandLine), uid (User), priority, unit, with the
// auth.log field extraction (sshd, sudo, su...) on the message. Time = the entry's realtime stamp.
// One thread per reader.
#include <functional>
#include <memory>
#include <string>

#include "agent/host/log_event.h"
#include "common/result.h"

struct sd_journal;

namespace picket::host {

class JournalReader {
 public:
  static Result<std::unique_ptr<JournalReader>> open(const std::string& source, std::string cursor_file,
                                                      bool from_start);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  size_t poll(const std::function<void(const LogEvent&)>& sink);
  Status save();
  const std::string& cursor() const { return cursor_; }

 private:
  JournalReader() = default;
  sd_journal* j_ = nullptr;
  std::string cursor_file_;
  std::string cursor_;
  std::string saved_;
  LogEvent ev_;
  std::string buf_;
};

}  // namespace picket::host
