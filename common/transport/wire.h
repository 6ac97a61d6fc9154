#pragma once
// The framing of agent <-> collector messages: every ZeroMQ frame is one picket.v1.Envelope.
//
// Agent side, zero re-serialisation: spooled alerts are already serialised picket.v1.Alert bytes, so a
// Batch envelope is assembled around them:
//
//   std::string frame;
//   picket::transport::encode_batch_frame(epoch, {alert_bytes_1, alert_bytes_2}, &frame);
//
// Collector side, untrusted input: `scan_frame` checks the envelope's outer structure and finds the body;
// `scan_batch` walks a Batch, checking the epoch length and that each alert has a sequence number, in
// strictly increasing order, never 0 or 2^64-1. Neither throws nor allocates beyond the output vector;
// a refused frame comes back with a short reason for the rate-limited log and a counter.
//
//   picket::transport::FrameView f;
//   if (!scan_frame(bytes, &f)) { ++bad_frames; log(f.error); return; }
//   if (f.kind == FrameKind::kBatch) { BatchView b; if (scan_batch(f.body, &b)) ... }
//
// Plain functions; callable from any thread.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace picket::transport {

inline constexpr size_t kEpochSize = 16;
using Epoch = std::array<uint8_t, kEpochSize>;
inline constexpr uint64_t kMaxSeq = UINT64_MAX - 1;  // 2^64-1 is refused so that seq+1 never wraps
// Bytes a Batch envelope adds on top of its alerts: envelope tags and lengths, the epoch, and up to 11
// bytes of tag + length per alert (callers keep batches under MAXMSGSIZE with this).
inline constexpr size_t kBatchFrameOverhead = 64;
inline constexpr size_t kPerAlertOverhead = 11;

enum class FrameKind { kInvalid, kHello, kBatch, kAck, kHeartbeat, kAlert, kIncident, kEmpty };

struct FrameView {
  FrameKind kind = FrameKind::kInvalid;
  uint64_t schema_version = 0;
  std::span<const uint8_t> body;  // the body message's bytes (inside `frame`)
  std::string_view error;         // why the frame was refused (static text)
};

struct AlertView {
  uint64_t seq = 0;
  std::span<const uint8_t> bytes;  // one serialised picket.v1.Alert
};

struct BatchView {
  std::span<const uint8_t> epoch;
  std::vector<AlertView> alerts;
  std::string_view error;
};

bool scan_frame(std::span<const uint8_t> frame, FrameView* out);
bool scan_batch(std::span<const uint8_t> body, BatchView* out);

// Appends to *out (cleared first) a schema-v1 Envelope holding Batch{epoch, alerts}.
void encode_batch_frame(const Epoch& epoch, std::span<const std::string_view> alerts, std::string* out);
// Size encode_batch_frame will produce.
size_t batch_frame_size(std::span<const std::string_view> alerts);
// The same frame written to `out`, which holds batch_frame_size(alerts) bytes (e.g. a zmq_msg_t's data, so
// the frame is never copied again); returns the bytes written.
size_t encode_batch_frame_to(const Epoch& epoch, std::span<const std::string_view> alerts, uint8_t* out);

// Low-level protobuf wire helpers (exposed for the journal and tests).
void put_varint(uint64_t v, std::string* out);
size_t varint_size(uint64_t v);
// Reads a varint at *pos; false on truncation or a varint longer than 10 bytes.
bool get_varint(std::span<const uint8_t> in, size_t* pos, uint64_t* v);

std::string epoch_hex(std::span<const uint8_t> epoch);

}  // namespace picket::transport
