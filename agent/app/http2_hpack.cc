#include "agent/app/http2_hpack.h"

#include <algorithm>
#include <array>

namespace picket::app {
namespace {

struct StaticEntry {
  std::string_view name;
  std::string_view value;
};

// RFC 7541 Appendix A, indices 1..61.
constexpr std::array<StaticEntry, 61> kStatic = {{
    {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"}, {":path", "/index.html"},
    {":scheme", "http"}, {":scheme", "https"}, {":status", "200"}, {":status", "204"}, {":status", "206"},
    {":status", "304"}, {":status", "400"}, {":status", "404"}, {":status", "500"}, {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"}, {"accept-language", ""}, {"accept-ranges", ""}, {"accept", ""},
    {"access-control-allow-origin", ""}, {"age", ""}, {"allow", ""}, {"authorization", ""},
    {"cache-control", ""}, {"content-disposition", ""}, {"content-encoding", ""}, {"content-language", ""},
    {"content-length", ""}, {"content-location", ""}, {"content-range", ""}, {"content-type", ""},
    {"cookie", ""}, {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""}, {"from", ""}, {"host", ""},
    {"if-match", ""}, {"if-modified-since", ""}, {"if-none-match", ""}, {"if-range", ""},
    {"if-unmodified-since", ""}, {"last-modified", ""}, {"link", ""}, {"location", ""}, {"max-forwards", ""},
    {"proxy-authenticate", ""}, {"proxy-authorization", ""}, {"range", ""}, {"referer", ""}, {"refresh", ""},
    {"retry-after", ""}, {"server", ""}, {"set-cookie", ""}, {"strict-transport-security", ""},
    {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""}, {"via", ""}, {"www-authenticate", ""},
}};

constexpr size_t kEntryOverhead = 32;  // RFC 7541 4.1

// Prefix-coded integer (RFC 7541 5.1). False when truncated (*trunc) or longer than 32 bits.
bool read_int(std::span<const uint8_t> b, size_t& pos, int prefix_bits, uint64_t* v, bool* trunc) {
  if (pos >= b.size()) {
    *trunc = true;
    return false;
  }
  const uint32_t mask = (1u << prefix_bits) - 1u;
  uint64_t x = b[pos++] & mask;
  if (x < mask) {
    *v = x;
    return true;
  }
  int shift = 0;
  while (true) {
    if (pos >= b.size()) {
      *trunc = true;
      return false;
    }
    uint8_t c = b[pos++];
    if (shift > 28) return false;
    x += uint64_t{c & 0x7Fu} << shift;
    if (x > 0xFFFFFFFFull) return false;
    shift += 7;
    if ((c & 0x80) == 0) break;
  }
  *v = x;
  return true;
}

}  // namespace

std::string_view hpack_status_name(HpackStatus s) {
  switch (s) {
    case HpackStatus::kOk: return "ok";
    case HpackStatus::kTruncated: return "truncated";
    case HpackStatus::kBadIndex: return "bad_index";
    case HpackStatus::kBadInteger: return "bad_integer";
    case HpackStatus::kBadHuffman: return "bad_huffman";
    case HpackStatus::kTableSizeTooLarge: return "table_size_too_large";
    case HpackStatus::kSizeUpdateMisplaced: return "size_update_misplaced";
    case HpackStatus::kHeaderListTooLong: return "header_list_too_long";
  }
  return "";
}

HpackDecoder::HpackDecoder(size_t max_table_cap, size_t max_header_list)
    : cap_(max_table_cap), max_header_list_(max_header_list) {
  protocol_max_ = std::min<size_t>(4096, cap_);
  max_size_ = protocol_max_;
}

void HpackDecoder::set_protocol_max_table_size(uint32_t size) {
  protocol_max_ = std::min<size_t>(size, cap_);
  if (max_size_ > protocol_max_) {
    max_size_ = protocol_max_;
    evict_to(max_size_);
  }
}

void HpackDecoder::evict_to(size_t limit) {
  while (size_ > limit && !table_.empty()) {
    size_ -= table_.back().name.size() + table_.back().value.size() + kEntryOverhead;
    table_.pop_back();
  }
}

void HpackDecoder::insert(HpackField f) {
  size_t sz = f.name.size() + f.value.size() + kEntryOverhead;
  if (sz > max_size_) {  // RFC 7541 4.4: an entry larger than the table empties it and is not added
    evict_to(0);
    return;
  }
  evict_to(max_size_ - sz);
  size_ += sz;
  table_.push_front(std::move(f));
}

bool HpackDecoder::lookup(uint64_t index, HpackField* f) const {
  if (index == 0) return false;
  if (index <= kStatic.size()) {
    f->name.assign(kStatic[index - 1].name);
    f->value.assign(kStatic[index - 1].value);
    return true;
  }
  uint64_t d = index - kStatic.size() - 1;
  if (d >= table_.size()) return false;
  *f = table_[d];
  return true;
}

HpackStatus HpackDecoder::decode(std::span<const uint8_t> b, std::vector<HpackField>* out) {
  out->clear();
  size_t pos = 0;
  size_t list_size = 0;
  bool any_field = false;
  bool trunc = false;
  auto int_err = [&] { return trunc ? HpackStatus::kTruncated : HpackStatus::kBadInteger; };
  // A string literal (RFC 7541 5.2), at most `room` bytes once decoded.
  auto read_string = [&](std::string* s, size_t room, HpackStatus* err) {
    if (pos >= b.size()) {
      *err = HpackStatus::kTruncated;
      return false;
    }
    bool huff = (b[pos] & 0x80) != 0;
    uint64_t len = 0;
    if (!read_int(b, pos, 7, &len, &trunc)) {
      *err = int_err();
      return false;
    }
    if (len > b.size() - pos) {
      *err = HpackStatus::kTruncated;
      return false;
    }
    auto bytes = b.subspan(pos, static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
    s->clear();
    if (huff) {
      if (!hpack_huffman_decode(bytes, s, room + 1)) {
        *err = HpackStatus::kBadHuffman;
        return false;
      }
    } else {
      s->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    if (s->size() > room) {
      *err = HpackStatus::kHeaderListTooLong;
      return false;
    }
    return true;
  };
  auto emit = [&](HpackField f) {
    list_size += f.name.size() + f.value.size() + kEntryOverhead;
    if (list_size > max_header_list_) return false;
    out->push_back(std::move(f));
    any_field = true;
    return true;
  };
  while (pos < b.size()) {
    uint8_t c = b[pos];
    uint64_t v = 0;
    if (c & 0x80) {  // indexed field (6.1)
      if (!read_int(b, pos, 7, &v, &trunc)) return int_err();
      HpackField f;
      if (!lookup(v, &f)) return HpackStatus::kBadIndex;
      if (!emit(std::move(f))) return HpackStatus::kHeaderListTooLong;
      continue;
    }
    if ((c & 0xE0) == 0x20) {  // dynamic table size update (6.3)
      if (any_field) return HpackStatus::kSizeUpdateMisplaced;
      if (!read_int(b, pos, 5, &v, &trunc)) return int_err();
      if (v > protocol_max_) return HpackStatus::kTableSizeTooLarge;
      last_size_update_ = static_cast<int64_t>(v);
      max_size_ = static_cast<size_t>(v);
      evict_to(max_size_);
      continue;
    }
    // Literal with incremental indexing (01xxxxxx, 6-bit index), without indexing (0000xxxx) or never
    // indexed (0001xxxx), both 4-bit.
    bool incremental = (c & 0xC0) == 0x40;
    int prefix = incremental ? 6 : 4;
    if (!read_int(b, pos, prefix, &v, &trunc)) return int_err();
    HpackField f;
    size_t room = max_header_list_ > list_size ? max_header_list_ - list_size : 0;
    HpackStatus err = HpackStatus::kOk;
    if (v == 0) {
      if (!read_string(&f.name, room, &err)) return err;
    } else {
      HpackField named;
      if (!lookup(v, &named)) return HpackStatus::kBadIndex;
      f.name = std::move(named.name);
    }
    room = room > f.name.size() ? room - f.name.size() : 0;
    if (!read_string(&f.value, room, &err)) return err;
    if (incremental) insert(f);
    if (!emit(std::move(f))) return HpackStatus::kHeaderListTooLong;
  }
  return HpackStatus::kOk;
}

}  // namespace picket::app
