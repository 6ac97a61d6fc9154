#include "agent/host/log_input.h"

#include <glob.h>
#include <sys/stat.h>

#include <cstdio>

#include "agent/host/log_output.h"

namespace picket::host {
namespace {

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

bool has_glob(const std::string& p) { return p.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::string offsets_file(const std::string& dir, const std::string& input_name, const std::string& path) {
  std::string safe;
  for (char c : input_name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fnv1a64(path)));
  return dir + "/" + safe + "-" + hex + ".state";
}

const std::vector<std::string>& input_formats() {
  static const std::vector<std::string> kFormats = [] {
    std::vector<std::string> v = log_formats();
    v.push_back("journald");
    return v;
  }();
  return kFormats;
}

Result<std::unique_ptr<LogInputService>> LogInputService::create(LogInputOptions options,
                                                                  std::shared_ptr<const SigmaRuleSet> rules,
                                                                  AlertFn on_alert, EventFn on_event,
                                                                  CommitFn commit) {
  std::unique_ptr<LogInputService> s(new LogInputService());
  for (const auto& spec : options.inputs) {
    auto in = std::make_unique<Input>();
    in->spec = spec;
    if (spec.format == "journald") {
      if (!options.offsets_dir.empty()) ::mkdir(options.offsets_dir.c_str(), 0700);
      const std::string cursor = options.offsets_dir.empty()
                                     ? std::string()
                                     : offsets_file(options.offsets_dir, spec.name, "journald:" + spec.path);
      auto j = JournalReader::open(spec.path, cursor, spec.from_start);
      if (!j) return j.error();
      in->journal = std::move(j.value());
      s->inputs_.push_back(std::move(in));
      continue;
    }
    in->parser = make_parser(spec.format, options.parse);
    if (!in->parser) return Error{.message = "log input '" + spec.name + "': unknown format '" + spec.format + "'"};
    s->inputs_.push_back(std::move(in));
  }
  if (!options.offsets_dir.empty()) ::mkdir(options.offsets_dir.c_str(), 0700);
  s->options_ = std::move(options);
  s->rules_ = std::move(rules);
  s->on_alert_ = std::move(on_alert);
  s->on_event_ = std::move(on_event);
  s->commit_ = std::move(commit);
  return s;
}

LogInputService::~LogInputService() { stop(); }

void LogInputService::start() {
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      if (poll_once() == 0) {
        flush_idle();
        std::this_thread::sleep_for(options_.poll_interval);
      }
    }
  });
}

void LogInputService::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void LogInputService::scan(Input& in) {
  std::vector<std::string> paths;
  if (has_glob(in.spec.path)) {
    glob_t g{};
    if (::glob(in.spec.path.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
  } else {
    paths.push_back(in.spec.path);
  }
  for (const auto& p : paths) {
    if (in.files.count(p) != 0) continue;
    // A file that matches the glob but is another tracked file's rotated copy is not a new input.
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      bool known = false;
      for (const auto& [_, t] : in.files) known |= t->inode() == st.st_ino;
      if (known) continue;
    }
    const std::string state = options_.offsets_dir.empty() ? std::string()
                                                           : offsets_file(options_.offsets_dir, in.spec.name, p);
    in.files.emplace(p, std::make_unique<FileTailer>(p, state, in.first_scan ? in.spec.from_start : true));
  }
  in.first_scan = false;
}

void LogInputService::handle(const LogEvent& ev, Input& in, std::string_view source) {
  const LogEvent* e = &ev;
  if (!in.spec.category.empty()) {
    overridden_ = ev;
    overridden_.set_category(in.spec.category);
    e = &overridden_;
  }
  ++stats_.events;
  if (!e->parsed) ++stats_.unparsed;
  if (on_event_) on_event_(*e, in.spec, source);
  if (rules_) {
    rules_->match(*e, [&](const SigmaRule& r) {
      ++stats_.alerts;
      if (on_alert_) on_alert_(make_sigma_alert(r, *e, source, in.spec.format));
    });
  }
}

void LogInputService::flush_idle() {
  bool any = false;
  for (auto& in : inputs_) {
    if (!in->parser) continue;
    const std::string& source = in->spec.name.empty() ? in->spec.path : in->spec.name;
    in->parser->flush([&](const LogEvent& ev) {
      any = true;
      handle(ev, *in, source);
    });
  }
  if (any && commit_) commit_();
}

void LogInputService::finish() {
  for (auto& in : inputs_) {
    for (auto& [path, tailer] : in->files) {
      const std::string& source = in->spec.name.empty() ? path : in->spec.name;
      tailer->finish([&](std::string_view line, uint64_t offset) {
        ++stats_.lines;
        in->parser->parse(line, offset, [&](const LogEvent& ev) { handle(ev, *in, source); });
      });
    }
  }
  flush_idle();
}

size_t LogInputService::poll_once() {
  size_t total = 0;
  const bool rescan = scans_++ % 8 == 0;
  for (auto& inp : inputs_) {
    Input& in = *inp;
    if (in.journal) {
      const std::string& source = in.spec.name.empty() ? std::string("journald") : in.spec.name;
      const size_t n = in.journal->poll([&](const LogEvent& ev) {
        ++stats_.lines;
        handle(ev, in, source);
      });
      total += n;
      continue;
    }
    if (rescan || in.files.empty()) scan(in);
    for (auto& [path, tailer] : in.files) {
      const std::string& source = in.spec.name.empty() ? path : in.spec.name;
      const uint64_t rot = tailer->stats().rotations;
      const uint64_t trunc = tailer->stats().truncations;
      total += tailer->poll([&](std::string_view line, uint64_t offset) {
        ++stats_.lines;
        in.parser->parse(line, offset, [&](const LogEvent& ev) { handle(ev, in, source); });
      });
      stats_.rotations += tailer->stats().rotations - rot;
      stats_.truncations += tailer->stats().truncations - trunc;
    }
  }
  if (total > 0 || rescan) {
    if (commit_) commit_();
    for (auto& in : inputs_) {
      if (in->journal) {
        Status js = in->journal->save();
        (void)js;
      }
      for (auto& [path, tailer] : in->files) {
        Status st = tailer->save();
        (void)st;  // a failing save only risks repeats after a restart; the next poll retries
      }
    }
  }
  return total;
}

}  // namespace picket::host
