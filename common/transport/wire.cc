#include "common/transport/wire.h"

#include <cstring>

namespace picket::transport {
namespace {

constexpr uint32_t kWireVarint = 0;
constexpr uint32_t kWireFixed64 = 1;
constexpr uint32_t kWireLen = 2;
constexpr uint32_t kWireFixed32 = 5;

// Skips one field's value of `wire_type` at *pos. False on truncation or an unsupported wire type (groups).
bool skip_field(std::span<const uint8_t> in, size_t* pos, uint32_t wire_type) {
  uint64_t v = 0;
  switch (wire_type) {
    case kWireVarint:
      return get_varint(in, pos, &v);
    case kWireFixed64:
      if (in.size() - *pos < 8) return false;
      *pos += 8;
      return true;
    case kWireFixed32:
      if (in.size() - *pos < 4) return false;
      *pos += 4;
      return true;
    case kWireLen:
      if (!get_varint(in, pos, &v) || v > in.size() - *pos) return false;
      *pos += v;
      return true;
    default:
      return false;
  }
}

// Reads a tag; false on truncation or field number 0.
bool get_tag(std::span<const uint8_t> in, size_t* pos, uint32_t* field, uint32_t* wire_type) {
  uint64_t tag = 0;
  if (!get_varint(in, pos, &tag)) return false;
  if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
  *field = static_cast<uint32_t>(tag >> 3);
  *wire_type = static_cast<uint32_t>(tag & 7);
  return true;
}

bool get_len(std::span<const uint8_t> in, size_t* pos, std::span<const uint8_t>* value) {
  uint64_t len = 0;
  if (!get_varint(in, pos, &len) || len > in.size() - *pos) return false;
  *value = in.subspan(*pos, len);
  *pos += len;
  return true;
}

// The last value of Alert.seq (field 2, varint), as protobuf's "last one wins" rule reads it.
bool alert_seq(std::span<const uint8_t> alert, uint64_t* seq, std::string_view* error) {
  size_t pos = 0;
  bool found = false;
  while (pos < alert.size()) {
    uint32_t field = 0, wt = 0;
    if (!get_tag(alert, &pos, &field, &wt)) {
      *error = "alert: bad tag";
      return false;
    }
    if (field == 2) {
      if (wt != kWireVarint || !get_varint(alert, &pos, seq)) {
        *error = "alert: bad seq";
        return false;
      }
      found = true;
    } else if (!skip_field(alert, &pos, wt)) {
      *error = "alert: truncated field";
      return false;
    }
  }
  if (!found) *error = "alert: no seq";
  return found;
}

}  // namespace

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

bool get_varint(std::span<const uint8_t> in, size_t* pos, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= in.size()) return false;
    uint8_t b = in[(*pos)++];
    if (shift == 63 && b > 1) return false;  // more than 64 bits
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool scan_frame(std::span<const uint8_t> frame, FrameView* out) {
  *out = FrameView{};
  size_t pos = 0;
  int bodies = 0;
  while (pos < frame.size()) {
    uint32_t field = 0, wt = 0;
    if (!get_tag(frame, &pos, &field, &wt)) {
      out->error = "envelope: bad tag";
      return false;
    }
    if (field == 1) {
      if (wt != kWireVarint || !get_varint(frame, &pos, &out->schema_version)) {
        out->error = "envelope: bad schema_version";
        return false;
      }
      continue;
    }
    if (field >= 2 && field <= 7) {
      std::span<const uint8_t> body;
      if (wt != kWireLen || !get_len(frame, &pos, &body)) {
        out->error = "envelope: bad body";
        return false;
      }
      static constexpr FrameKind kKinds[] = {FrameKind::kHello, FrameKind::kBatch,  FrameKind::kAck,
                                             FrameKind::kHeartbeat, FrameKind::kAlert, FrameKind::kIncident};
      out->kind = kKinds[field - 2];
      out->body = body;
      ++bodies;
      continue;
    }
    if (!skip_field(frame, &pos, wt)) {
      out->error = "envelope: truncated unknown field";
      return false;
    }
  }
  if (out->schema_version != 1) {
    out->kind = FrameKind::kInvalid;
    out->error = "envelope: unsupported schema_version";
    return false;
  }
  if (bodies == 0) {
    out->kind = FrameKind::kEmpty;
    return true;
  }
  if (bodies > 1) {
    out->kind = FrameKind::kInvalid;
    out->error = "envelope: more than one body";
    return false;
  }
  return true;
}

bool scan_batch(std::span<const uint8_t> body, BatchView* out) {
  out->epoch = {};
  out->alerts.clear();
  out->error = {};
  size_t pos = 0;
  bool have_epoch = false;
  while (pos < body.size()) {
    uint32_t field = 0, wt = 0;
    if (!get_tag(body, &pos, &field, &wt)) {
      out->error = "batch: bad tag";
      return false;
    }
    if (field == 1 || field == 2) {
      std::span<const uint8_t> value;
      if (wt != kWireLen || !get_len(body, &pos, &value)) {
        out->error = "batch: bad field";
        return false;
      }
      if (field == 1) {
        out->epoch = value;
        have_epoch = true;
        continue;
      }
      AlertView a;
      a.bytes = value;
      if (!alert_seq(value, &a.seq, &out->error)) return false;
      if (a.seq == 0 || a.seq > kMaxSeq) {
        out->error = "batch: seq out of range";
        return false;
      }
      if (!out->alerts.empty() && a.seq <= out->alerts.back().seq) {
        out->error = "batch: seq not increasing";
        return false;
      }
      out->alerts.push_back(a);
      continue;
    }
    if (!skip_field(body, &pos, wt)) {
      out->error = "batch: truncated unknown field";
      return false;
    }
  }
  if (!have_epoch || out->epoch.size() != kEpochSize) {
    out->error = "batch: epoch must be 16 bytes";
    return false;
  }
  if (out->alerts.empty()) {
    out->error = "batch: no alerts";
    return false;
  }
  return true;
}

size_t batch_frame_size(std::span<const std::string_view> alerts) {
  size_t batch = 1 + 1 + kEpochSize;
  for (auto a : alerts) batch += 1 + varint_size(a.size()) + a.size();
  return 2 + 1 + varint_size(batch) + batch;
}

namespace {

uint8_t* put_varint_at(uint64_t v, uint8_t* p) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

}  // namespace

size_t encode_batch_frame_to(const Epoch& epoch, std::span<const std::string_view> alerts, uint8_t* out) {
  size_t batch = 1 + 1 + kEpochSize;
  for (auto a : alerts) batch += 1 + varint_size(a.size()) + a.size();
  uint8_t* p = out;
  *p++ = 0x08;  // schema_version = 1
  *p++ = 0x01;
  *p++ = 0x1a;  // field 3 (batch), length-delimited
  p = put_varint_at(batch, p);
  *p++ = 0x0a;  // Batch.epoch
  *p++ = static_cast<uint8_t>(kEpochSize);
  std::memcpy(p, epoch.data(), epoch.size());
  p += epoch.size();
  for (auto a : alerts) {
    *p++ = 0x12;  // Batch.alerts
    p = put_varint_at(a.size(), p);
    std::memcpy(p, a.data(), a.size());
    p += a.size();
  }
  return static_cast<size_t>(p - out);
}

void encode_batch_frame(const Epoch& epoch, std::span<const std::string_view> alerts, std::string* out) {
  out->resize(batch_frame_size(alerts));
  out->resize(encode_batch_frame_to(epoch, alerts, reinterpret_cast<uint8_t*>(out->data())));
}

std::string epoch_hex(std::span<const uint8_t> epoch) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : epoch) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

}  // namespace picket::transport
