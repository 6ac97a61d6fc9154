#include "collector/publish/eve_file.h"

#include <cstdio>
#include <filesystem>

#include "common/eve/eve.h"

namespace picket::collector::publish {

namespace {

class EveFileSink final : public Sink {
 public:
  explicit EveFileSink(EveFileOptions o) : opt_(std::move(o)) {}
  ~EveFileSink() override { close(); }

  Status open() {
    f_ = std::fopen(opt_.path.c_str(), "ab");
    if (!f_) return Error{.file = opt_.path, .message = "cannot open EVE export for writing"};
    std::error_code ec;
    size_ = std::filesystem::file_size(opt_.path, ec);
    if (ec) size_ = 0;
    return {};
  }
  std::string name() const override { return "eve:" + opt_.path; }
  void flush() override {
    if (f_) std::fflush(f_);
  }

 protected:
  bool write_alert(const v1::Alert& a, std::string_view agent, std::string_view org) override {
    v1::Alert copy;
    const v1::Alert* p = &a;
    if (!agent.empty() || !org.empty()) {
      copy = a;
      if (!agent.empty()) (*copy.mutable_metadata())["agent"] = std::string(agent);
      if (!org.empty()) (*copy.mutable_metadata())["org"] = std::string(org);
      p = &copy;
    }
    return write_line(eve::render_alert(*p));
  }
  bool write_incident(const v1::Incident& inc) override { return write_line(eve::render_incident(inc)); }

 private:
  bool write_line(const std::string& line) {
    if (!f_ && !open().ok()) return false;
    if (size_ > 0 && size_ + line.size() + 1 > opt_.max_bytes) rotate();
    if (!f_) return false;
    if (std::fwrite(line.data(), 1, line.size(), f_) != line.size() || std::fputc('\n', f_) == EOF) return false;
    size_ += line.size() + 1;
    return true;
  }
  void rotate() {
    close();
    std::error_code ec;
    namespace fs = std::filesystem;
    fs::remove(opt_.path + "." + std::to_string(opt_.keep), ec);
    for (int i = opt_.keep - 1; i >= 1; --i) {
      fs::rename(opt_.path + "." + std::to_string(i), opt_.path + "." + std::to_string(i + 1), ec);
    }
    if (opt_.keep > 0) fs::rename(opt_.path, opt_.path + ".1", ec);
    else fs::remove(opt_.path, ec);
    ++stats_.rotations;
    (void)open();
  }
  void close() {
    if (f_) std::fclose(f_);
    f_ = nullptr;
  }

  EveFileOptions opt_;
  FILE* f_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_eve_file_sink(const EveFileOptions& options) {
  auto sink = std::make_unique<EveFileSink>(options);
  if (Status st = sink->open(); !st) return st.error();
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace picket::collector::publish
