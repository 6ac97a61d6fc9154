#pragma once
// The log input thread: tails configured files (paths or globs), parses each line in its format, runs the
// Sigma rules and hands alerts (and, optionally, every event) to callbacks. Read offsets are saved (fsynced,
// atomically renamed) only after the callbacks of a poll returned and `commit` ran, so a restart neither
// loses nor repeats a line as long as the callbacks made their output durable before returning.
//
//   picket::host::LogInputOptions o;
//   o.inputs.push_back({.name = "auth", .path = "/var/log/auth.log", .format = "auth"});
//   o.offsets_dir = "/var/lib/picket/agent/log-offsets";
//   picket::host::LogInputService svc(o, rules, [&](picket::v1::Alert a) { spool.append(a); });
//   svc.start();      // own thread
//   ...
//   svc.stop();       // finishes the current poll, saves offsets, joins
//
// start/stop from one controlling thread; callbacks run on the input thread; stats() from any thread.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/host/log_event.h"
#include "agent/host/logparse/parser.h"
#include "agent/host/logtail/file_tailer.h"
#include "agent/host/logtail/journal_reader.h"
#include "agent/host/sigma/sigma.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::host {

struct LogInputSpec {
  std::string name;       // shown as log.source when set (else the file path)
  std::string path;       // a file or a glob (/var/log/nginx/*access.log)
  std::string format;     // syslog, auth, auditd, nginx, apache, json, or journald (path: "" for the
                          // system journal, a folder or a journal file)
  std::string category;   // overrides the format's Sigma category (e.g. proxy for a forward proxy's log)
  bool from_start = false;  // a file never seen before is read from its start (else from its end)
};

struct LogInputOptions {
  std::vector<LogInputSpec> inputs;
  std::string offsets_dir;  // empty: no persistence
  std::chrono::milliseconds poll_interval{250};
  ParseOptions parse;
};

struct LogInputStats {
  std::atomic<uint64_t> lines{0};
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> unparsed{0};
  std::atomic<uint64_t> alerts{0};
  std::atomic<uint64_t> rotations{0};
  std::atomic<uint64_t> truncations{0};
};

class LogInputService {
 public:
  using AlertFn = std::function<void(v1::Alert)>;
  using EventFn = std::function<void(const LogEvent&, const LogInputSpec&, std::string_view source)>;
  using CommitFn = std::function<void()>;

  // Fails (file:line-less Error) for an unknown format.
  static Result<std::unique_ptr<LogInputService>> create(LogInputOptions options,
                                                         std::shared_ptr<const SigmaRuleSet> rules, AlertFn on_alert,
                                                         EventFn on_event = {}, CommitFn commit = {});
  ~LogInputService();

  void start();
  void stop();
  // One pass over every input (the thread calls this each poll interval). Returns lines read.
  size_t poll_once();
  // Emits what parsers hold back (auditd's incomplete event) when the inputs are idle; then commits.
  void flush_idle();
  // Offline end of input: every file's unterminated last line, then flush_idle().
  void finish();
  const LogInputStats& stats() const { return stats_; }
  size_t input_count() const { return inputs_.size(); }

 private:
  struct Input {
    LogInputSpec spec;
    std::unique_ptr<LogParser> parser;
    std::map<std::string, std::unique_ptr<FileTailer>> files;  // by path
    std::unique_ptr<JournalReader> journal;                     // format journald
    bool first_scan = true;
  };
  LogInputService() = default;
  void scan(Input& in);
  void handle(const LogEvent& ev, Input& in, std::string_view source);

  LogInputOptions options_;
  std::shared_ptr<const SigmaRuleSet> rules_;
  AlertFn on_alert_;
  EventFn on_event_;
  CommitFn commit_;
  std::vector<std::unique_ptr<Input>> inputs_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  LogInputStats stats_;
  LogEvent overridden_;
  unsigned scans_ = 0;
};

// The --log-format / host.logs format values: log_formats() plus journald.
const std::vector<std::string>& input_formats();

// The offsets file of one input's file: <dir>/<name>-<hash of path>.state.
std::string offsets_file(const std::string& dir, const std::string& input_name, const std::string& path);

}  // namespace picket::host
