// The collector's frame validator on hostile bytes: scan_frame, scan_batch, the protobuf parse of each alert
// that the ingest loop performs, and the journal record parser. Must never crash, hang or throw; whatever the
// scanner accepts must agree with protobuf.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "collector/ingest/journal.h"
#include "common/transport/wire.h"
#include "picket.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  picket::transport::FrameView f;
  if (picket::transport::scan_frame(in, &f) && f.kind == picket::transport::FrameKind::kBatch) {
    picket::transport::BatchView b;
    if (picket::transport::scan_batch(f.body, &b)) {
      picket::v1::Alert a;
      for (const auto& v : b.alerts) {
        if (a.ParseFromArray(v.bytes.data(), static_cast<int>(v.bytes.size())) && a.seq() != v.seq) std::abort();
      }
    }
  }
  picket::collector::JournalRecord rec;
  (void)picket::collector::parse_journal_record(in, &rec);
  return 0;
}
