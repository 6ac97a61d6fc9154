// libFuzzer: the log-line parsers. The first byte picks the format; the rest is split into lines and fed to
// one parser (so auditd grouping and parent tracking see sequences), then flushed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/host/logparse/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& formats = picket::host::log_formats();
  picket::host::ParseOptions opt;
  opt.clock = picket::host::LocalClock::fixed(0);
  opt.now_us = 1796040000LL * 1000000;
  auto parser = picket::host::make_parser(formats[data[0] % formats.size()], opt);
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t fields = 0;
  picket::host::EventSink sink = [&](const picket::host::LogEvent& ev) { fields += ev.size(); };
  uint64_t offset = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    parser->parse(line, offset, sink);
    offset += line.size() + 1;
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  parser->flush(sink);
  return 0;
}
