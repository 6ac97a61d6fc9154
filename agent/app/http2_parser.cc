#include <algorithm>
#include <charconv>

#include "agent/app/http2.h"
#include "agent/app/http_body.h"

namespace picket::app {
namespace {

constexpr size_t kFrameHeader = 9;
constexpr uint32_t kDefaultMaxFrame = 16384;
constexpr size_t kInfoCap = 64;  // entries kept per list of Http2StreamInfo

constexpr uint8_t kFlagEndStream = 0x1;
constexpr uint8_t kFlagAck = 0x1;
constexpr uint8_t kFlagEndHeaders = 0x4;
constexpr uint8_t kFlagPadded = 0x8;
constexpr uint8_t kFlagPriority = 0x20;

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

template <typename T>
void push_capped(std::vector<T>& v, T x) {
  if (v.size() < kInfoCap) v.push_back(std::move(x));
}

void emit(AppEventSink* sink, AppEventKind kind, Direction dir, const HttpTx* tx, std::string_view data = {}) {
  if (sink == nullptr) return;
  AppEvent e{.kind = kind, .dir = dir, .proto = AppProto::kHttp2, .http = tx, .data = data};
  sink->on_app_event(e);
}

// Fills `m` (head, start line, headers, header block, names) from a start line and the regular fields.
void build_message(HttpMessage& m, const std::string& start, const std::vector<const HpackField*>& regular) {
  m.clear();
  m.head = start;
  m.head += "\r\n";
  std::vector<std::pair<size_t, size_t>> at;  // name and value offsets in head
  at.reserve(regular.size());
  for (const HpackField* f : regular) {
    size_t n = m.head.size();
    m.head += f->name;
    m.head += ": ";
    size_t v = m.head.size();
    m.head += f->value;
    m.head += "\r\n";
    at.emplace_back(n, v);
  }
  m.head += "\r\n";
  std::string_view h(m.head);
  m.start_line = h.substr(0, start.size());
  m.header_names = "\r\n";
  for (size_t i = 0; i < regular.size(); ++i) {
    const HpackField& f = *regular[i];
    m.headers.push_back(HttpHeader{.name = h.substr(at[i].first, f.name.size()),
                                   .value = h.substr(at[i].second, f.value.size())});
    m.header_block += f.name;
    m.header_block += ": ";
    m.header_block += f.value;
    m.header_block += "\r\n";
    m.header_names += f.name;
    m.header_names += "\r\n";
  }
  m.header_names += "\r\n";
  m.headers_complete = true;
  std::string_view cl = m.header("content-length");
  int64_t v = -1;
  if (!cl.empty()) {
    auto r = std::from_chars(cl.data(), cl.data() + cl.size(), v);
    if (r.ec != std::errc() || r.ptr != cl.data() + cl.size() || v < 0) v = -1;
  }
  m.content_length = v;
}

}  // namespace

struct Http2Parser::Stream {
  uint32_t id = 0;
  bool request_seen = false;   // request header block decoded
  bool response_seen = false;  // final (non-1xx) response header block decoded
  std::unique_ptr<HttpBodyReader> body[2];
};

struct Http2Parser::Side {
  bool failed = false;
  size_t preface_matched = 0;      // to_server: bytes of the client preface seen so far
  uint8_t hdr[kFrameHeader] = {};
  size_t hdr_len = 0;
  // The current frame.
  uint32_t length = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  uint32_t remaining = 0;          // payload bytes of the current frame not consumed yet
  enum class Mode : uint8_t { kHeader, kBuffer, kData, kSkip } mode = Mode::kHeader;
  std::string payload;             // buffered payload of a non-DATA frame
  // DATA frame streaming.
  bool need_pad_length = false;
  uint32_t data_left = 0;
  // Header block being assembled (HEADERS/PUSH_PROMISE + CONTINUATION).
  bool in_block = false;
  bool block_broken = false;       // a fragment was lost or the block grew too long
  std::string block;
  uint32_t block_stream = 0;
  uint32_t block_promised = 0;
  bool block_end_stream = false;
  // Frames in this direction must not exceed what the receiver (the other side) allows.
  uint32_t peer_max_frame = kDefaultMaxFrame;
  HpackDecoder hpack;
  bool hpack_broken = false;
  std::vector<HpackField> fields;

  Side(const AppLimits& l) : hpack(l.http2_max_table_size, l.http2_max_header_list) {}
};

Http2Parser::Http2Parser(const AppLimits& limits, AppCounters& counters) : limits_(limits), counters_(counters) {
  sides_[0] = std::make_unique<Side>(limits);
  sides_[1] = std::make_unique<Side>(limits);
  sides_[1]->preface_matched = kHttp2Preface.size();  // the server has no preface
}

Http2Parser::~Http2Parser() = default;

Http2Parser::Stream* Http2Parser::find_stream(uint32_t id) {
  for (size_t i = streams_.size(); i-- > 0;) {
    if (streams_[i]->id == id) return streams_[i].get();
  }
  return nullptr;
}

Http2Parser::Stream* Http2Parser::open_stream(uint32_t id) {
  if (id == 0) return nullptr;
  if (txs_.size() >= limits_.http2_max_streams) {
    // Too many streams held: the oldest unfinished one is given up (released at the next call).
    ++counters_.http2_too_many_streams;
    for (HttpTx& t : txs_) {
      if (!(t.request.complete && t.response.complete)) {
        t.request.complete = t.response.complete = true;
        break;
      }
    }
  }
  txs_.emplace_back();
  HttpTx& tx = txs_.back();
  tx.id = next_tx_id_++;
  info_.emplace_back();
  info_.back().stream_id = id;
  auto st = std::make_unique<Stream>();
  st->id = id;
  streams_.push_back(std::move(st));
  ++counters_.http2_streams;
  return streams_.back().get();
}

void Http2Parser::release_done() {
  // Only from the front: an HttpTx holds views into its own strings, so transactions are never moved.
  // open_stream bounds how many are held behind an unfinished one.
  while (!txs_.empty() && txs_.front().request.complete && txs_.front().response.complete) {
    txs_.pop_front();
    info_.pop_front();
    streams_.erase(streams_.begin());
  }
}

void Http2Parser::record_frame(Direction dir, uint32_t stream_id, uint8_t type) {
  if (stream_id == 0) return;
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i]->id == stream_id) {
      push_capped(info_[i].frame_types[dir_index(dir)], type);
      return;
    }
  }
}

void Http2Parser::feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  release_done();
  Side& s = *sides_[dir_index(dir)];
  while (!data.empty() && !s.failed) {
    size_t used = step(dir, s, data, sink);
    data = data.subspan(used);
  }
}

size_t Http2Parser::step(Direction dir, Side& s, std::span<const uint8_t> data, AppEventSink* sink) {
  if (s.preface_matched < kHttp2Preface.size()) {
    size_t n = std::min(data.size(), kHttp2Preface.size() - s.preface_matched);
    for (size_t i = 0; i < n; ++i) {
      if (static_cast<char>(data[i]) != kHttp2Preface[s.preface_matched + i]) {
        ++counters_.http2_bad_preface;
        s.failed = true;
        return data.size();
      }
    }
    s.preface_matched += n;
    return n;
  }
  switch (s.mode) {
    case Side::Mode::kHeader: {
      size_t n = std::min(data.size(), kFrameHeader - s.hdr_len);
      std::copy_n(data.begin(), n, s.hdr + s.hdr_len);
      s.hdr_len += n;
      if (s.hdr_len < kFrameHeader) return n;
      s.hdr_len = 0;
      s.length = (uint32_t{s.hdr[0]} << 16) | (uint32_t{s.hdr[1]} << 8) | s.hdr[2];
      s.type = s.hdr[3];
      s.flags = s.hdr[4];
      s.stream_id = be32(s.hdr + 5) & 0x7FFFFFFFu;
      s.remaining = s.length;
      ++counters_.http2_frames;
      record_frame(dir, s.stream_id, s.type);
      const auto type = static_cast<Http2FrameType>(s.type);
      if (s.in_block && type != Http2FrameType::kContinuation) {
        // RFC 9113 6.10: only CONTINUATION may follow an unfinished header block. The block is lost.
        ++counters_.http2_continuation_expected;
        s.in_block = false;
        s.block.clear();
        s.hpack_broken = true;
      }
      if (type == Http2FrameType::kData) {
        if (s.length > s.peer_max_frame) ++counters_.http2_long_frame_data;
        if (s.stream_id == 0) {
          ++counters_.http2_invalid_stream_id;
          s.mode = Side::Mode::kSkip;
        } else {
          s.mode = Side::Mode::kData;
          s.need_pad_length = (s.flags & kFlagPadded) != 0;
          s.data_left = s.need_pad_length ? 0 : s.length;
        }
      } else if (s.length > limits_.http2_max_frame) {
        ++counters_.http2_frame_too_long;
        if (type == Http2FrameType::kHeaders || type == Http2FrameType::kContinuation ||
            type == Http2FrameType::kPushPromise) {
          s.hpack_broken = true;  // the dynamic table may have changed in the lost block
          s.in_block = false;
          s.block.clear();
        }
        s.mode = Side::Mode::kSkip;
      } else {
        if (s.length > s.peer_max_frame) ++counters_.http2_frame_too_long;
        s.mode = Side::Mode::kBuffer;
        s.payload.clear();
      }
      if (s.remaining == 0) frame_done(dir, s, sink);
      return n;
    }
    case Side::Mode::kBuffer: {
      size_t n = std::min<size_t>(data.size(), s.remaining);
      s.payload.append(reinterpret_cast<const char*>(data.data()), n);
      s.remaining -= static_cast<uint32_t>(n);
      if (s.remaining == 0) frame_done(dir, s, sink);
      return n;
    }
    case Side::Mode::kSkip: {
      size_t n = std::min<size_t>(data.size(), s.remaining);
      s.remaining -= static_cast<uint32_t>(n);
      if (s.remaining == 0) frame_done(dir, s, sink);
      return n;
    }
    case Side::Mode::kData: {
      size_t used = 0;
      if (s.need_pad_length) {
        uint32_t pad = data[0];
        s.need_pad_length = false;
        s.remaining -= 1;
        used = 1;
        if (pad > s.remaining) {
          ++counters_.http2_bad_frame;  // padding longer than the frame: all of it is padding
          s.data_left = 0;
        } else {
          s.data_left = s.remaining - pad;
        }
      }
      size_t n = std::min<size_t>(data.size() - used, s.data_left);
      if (n > 0) {
        data_bytes(dir, s, data.subspan(used, n), sink);
        s.data_left -= static_cast<uint32_t>(n);
        s.remaining -= static_cast<uint32_t>(n);
        used += n;
      }
      if (s.data_left == 0) {  // then the padding
        size_t p = std::min<size_t>(data.size() - used, s.remaining);
        s.remaining -= static_cast<uint32_t>(p);
        used += p;
      }
      if (s.remaining == 0 && !s.need_pad_length) frame_done(dir, s, sink);
      return used;
    }
  }
  return data.size();
}

void Http2Parser::data_bytes(Direction dir, Side& s, std::span<const uint8_t> bytes, AppEventSink* sink) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    Stream& st = *streams_[i];
    if (st.id != s.stream_id) continue;
    bool req = dir == Direction::kToServer;
    if (req ? !st.request_seen : !st.response_seen) return;
    HttpTx& tx = txs_[i];
    HttpMessage& m = req ? tx.request : tx.response;
    if (m.complete) return;
    auto& reader = st.body[dir_index(dir)];
    if (!reader) {
      reader = std::make_unique<HttpBodyReader>();
      auto coding = HttpBodyReader::Coding::kIdentity;
      std::string_view ce = m.header("content-encoding");
      if (!req && icontains(ce, "gzip")) coding = HttpBodyReader::Coding::kGzip;
      else if (!req && icontains(ce, "deflate")) coding = HttpBodyReader::Coding::kDeflate;
      reader->start(HttpBodyReader::Framing::kClose, 0, coding,
                    req ? limits_.http_request_body_limit : limits_.http_response_body_limit, !req);
    }
    size_t before = m.body.size();
    bool done = false, error = false;
    m.wire_body_bytes += bytes.size();
    reader->consume(bytes, m, limits_, counters_, &done, &error);
    if (m.body.size() > before) {
      emit(sink, req ? AppEventKind::kHttpRequestBody : AppEventKind::kHttpResponseBody, dir, &tx,
           std::string_view(m.body).substr(before));
    }
    return;
  }
}

void Http2Parser::end_stream(Direction dir, Stream& st, AppEventSink* sink) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].get() != &st) continue;
    HttpTx& tx = txs_[i];
    bool req = dir == Direction::kToServer;
    HttpMessage& m = req ? tx.request : tx.response;
    if (m.complete) return;
    if (st.body[dir_index(dir)]) st.body[dir_index(dir)]->close(m, counters_);
    if (req && !st.request_seen) {
      m.complete = true;  // a stream whose request we never decoded: nothing to inspect
      return;
    }
    if (!req && !st.response_seen) {
      m.complete = true;
      return;
    }
    m.complete = true;
    emit(sink, req ? AppEventKind::kHttpRequestComplete : AppEventKind::kHttpResponseComplete, dir, &tx);
    return;
  }
}

void Http2Parser::frame_done(Direction dir, Side& s, AppEventSink* sink) {
  const auto type = static_cast<Http2FrameType>(s.type);
  const Side::Mode mode = s.mode;
  s.mode = Side::Mode::kHeader;
  const int d = dir_index(dir);
  Side& other = *sides_[1 - d];
  if (mode == Side::Mode::kData) {
    if (s.flags & kFlagEndStream) {
      if (Stream* st = find_stream(s.stream_id)) end_stream(dir, *st, sink);
    }
    return;
  }
  if (mode == Side::Mode::kSkip) {
    // A skipped frame that ended a stream still ends it.
    if ((type == Http2FrameType::kData || type == Http2FrameType::kHeaders) && (s.flags & kFlagEndStream)) {
      if (Stream* st = find_stream(s.stream_id)) end_stream(dir, *st, sink);
    }
    return;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(s.payload.data());
  const size_t len = s.payload.size();
  auto info_of = [&](uint32_t id) -> Http2StreamInfo* {
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (streams_[i]->id == id) return &info_[i];
    }
    return nullptr;
  };
  switch (type) {
    case Http2FrameType::kHeaders:
    case Http2FrameType::kPushPromise: {
      if (s.stream_id == 0) {
        ++counters_.http2_invalid_stream_id;
        return;
      }
      size_t off = 0, pad = 0;
      if (s.flags & kFlagPadded) {
        if (len < 1) { ++counters_.http2_bad_frame; s.hpack_broken = true; return; }
        pad = p[0];
        off = 1;
      }
      uint32_t promised = 0;
      uint8_t weight = 0;
      bool has_weight = false;
      if (type == Http2FrameType::kPushPromise) {
        if (len < off + 4) { ++counters_.http2_bad_frame; s.hpack_broken = true; return; }
        promised = be32(p + off) & 0x7FFFFFFFu;
        off += 4;
      } else if (s.flags & kFlagPriority) {
        if (len < off + 5) { ++counters_.http2_bad_frame; s.hpack_broken = true; return; }
        weight = p[off + 4];
        has_weight = true;
        off += 5;
      }
      if (off + pad > len) { ++counters_.http2_bad_frame; s.hpack_broken = true; return; }
      s.in_block = true;
      s.block_broken = false;
      s.block.assign(s.payload, off, len - off - pad);
      s.block_stream = s.stream_id;
      s.block_promised = promised;
      s.block_end_stream = type == Http2FrameType::kHeaders && (s.flags & kFlagEndStream) != 0;
      if (s.block.size() > limits_.http2_max_header_block) {
        ++counters_.http2_header_block_too_long;
        s.block_broken = true;
        s.block.clear();
      }
      if (has_weight) {
        if (!find_stream(s.stream_id) && dir == Direction::kToServer) open_stream(s.stream_id);
        if (Http2StreamInfo* in = info_of(s.stream_id)) push_capped(in->priorities[d], weight);
      }
      if (s.flags & kFlagEndHeaders) header_block_done(dir, s, sink);
      return;
    }
    case Http2FrameType::kContinuation: {
      if (!s.in_block || s.stream_id != s.block_stream) {
        ++counters_.http2_bad_frame;
        return;
      }
      if (!s.block_broken) {
        if (s.block.size() + len > limits_.http2_max_header_block) {
          ++counters_.http2_header_block_too_long;
          s.block_broken = true;
          s.block.clear();
        } else {
          s.block.append(s.payload);
        }
      }
      if (s.flags & kFlagEndHeaders) header_block_done(dir, s, sink);
      return;
    }
    case Http2FrameType::kPriority: {
      if (len != 5 || s.stream_id == 0) { ++counters_.http2_bad_frame; return; }
      if (Http2StreamInfo* in = info_of(s.stream_id)) push_capped(in->priorities[d], p[4]);
      return;
    }
    case Http2FrameType::kRstStream: {
      if (len != 4 || s.stream_id == 0) { ++counters_.http2_bad_frame; return; }
      ++counters_.http2_rst_stream;
      if (Http2StreamInfo* in = info_of(s.stream_id)) push_capped(in->error_codes[d], be32(p));
      if (Stream* st = find_stream(s.stream_id)) {
        end_stream(Direction::kToServer, *st, sink);
        end_stream(Direction::kToClient, *st, sink);
      }
      return;
    }
    case Http2FrameType::kSettings: {
      if (s.stream_id != 0) { ++counters_.http2_bad_settings; return; }
      if (s.flags & kFlagAck) {
        if (len != 0) ++counters_.http2_bad_settings;
        return;
      }
      if (len % 6 != 0) { ++counters_.http2_bad_settings; return; }
      for (size_t i = 0; i + 6 <= len; i += 6) {
        uint16_t id = static_cast<uint16_t>((p[i] << 8) | p[i + 1]);
        uint32_t v = be32(p + i + 2);
        push_capped(conn_settings_[d], std::pair<uint16_t, uint32_t>{id, v});
        if (id == 1) {
          other.hpack.set_protocol_max_table_size(v);  // the peer's encoder may use this much
        } else if (id == 5) {
          if (v < kDefaultMaxFrame || v > 0xFFFFFFu) {
            ++counters_.http2_bad_settings;
          } else {
            other.peer_max_frame = v;  // frames sent to us may be this long
          }
        }
      }
      return;
    }
    case Http2FrameType::kPing:
      if (len != 8 || s.stream_id != 0) ++counters_.http2_bad_frame;
      return;
    case Http2FrameType::kGoAway:
      if (len < 8 || s.stream_id != 0) { ++counters_.http2_bad_frame; return; }
      ++counters_.http2_goaway;
      return;
    case Http2FrameType::kWindowUpdate: {
      if (len != 4) { ++counters_.http2_bad_frame; return; }
      if (Http2StreamInfo* in = info_of(s.stream_id)) push_capped(in->windows[d], be32(p) & 0x7FFFFFFFu);
      return;
    }
    case Http2FrameType::kData:
      return;  // streamed (kData mode)
  }
  // Unknown frame types are ignored (RFC 9113 4.1).
}

void Http2Parser::header_block_done(Direction dir, Side& s, AppEventSink* sink) {
  s.in_block = false;
  const int d = dir_index(dir);
  const uint32_t id = s.block_promised != 0 ? s.block_promised : s.block_stream;
  const bool push = s.block_promised != 0;
  bool decoded = false;
  if (!s.block_broken && !s.hpack_broken) {
    auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.block.data()), s.block.size());
    HpackStatus st = s.hpack.decode(bytes, &s.fields);
    if (st == HpackStatus::kOk) {
      decoded = true;
    } else {
      if (st == HpackStatus::kHeaderListTooLong) {
        ++counters_.http2_header_list_too_long;
      } else {
        ++counters_.http2_hpack_error;
      }
      s.hpack_broken = true;
    }
  } else {
    // The block (or an earlier one) was lost: the dynamic table may differ from the sender's from now on.
    ++counters_.http2_hpack_error;
    s.hpack_broken = true;
  }
  s.block.clear();
  Stream* st = find_stream(id);
  if (st == nullptr && (decoded || s.block_end_stream)) st = open_stream(id);
  if (st == nullptr) return;
  size_t idx = 0;
  while (streams_[idx].get() != st) ++idx;
  HttpTx& tx = txs_[idx];
  Http2StreamInfo& info = info_[idx];
  if (decoded) {
    for (const HpackField& f : s.fields) push_capped(info.header_names[d], f.name);
    if (s.hpack.last_size_update() >= 0) info.size_update[d] = s.hpack.last_size_update();
  }
  const bool request_side = dir == Direction::kToServer || push;
  if (decoded && request_side && !st->request_seen) {
    std::string method, path, scheme;
    bool have_authority = false;
    std::vector<const HpackField*> regular;
    for (const HpackField& f : s.fields) {
      if (!f.name.empty() && f.name[0] == ':') {
        if (f.name == ":method") method = f.value;
        else if (f.name == ":path") path = f.value;
        else if (f.name == ":scheme") scheme = f.value;
        else if (f.name == ":authority") { tx.authority = f.value; have_authority = true; }
      } else {
        regular.push_back(&f);
      }
    }
    if (method.empty() || (path.empty() && method != "CONNECT")) ++counters_.http2_missing_pseudo_header;
    build_message(tx.request, method + " " + path + " HTTP/2", regular);
    std::string_view line = tx.request.start_line;
    tx.method = line.substr(0, method.size());
    tx.uri_raw = line.substr(method.size() + 1, path.size());
    tx.request_protocol = line.substr(method.size() + 1 + path.size() + 1);
    uint64_t bad = 0;
    tx.uri_normalized = normalize_uri(tx.uri_raw, &bad);
    counters_.http_bad_percent_encoding += bad;
    tx.host_raw = have_authority ? std::string_view(tx.authority) : tx.request.header("host");
    tx.host = normalize_host(tx.host_raw);
    st->request_seen = true;
    emit(sink, AppEventKind::kHttpRequestHeaders, dir, &tx);
    if (push) {
      // A promised request has no body: it is complete as announced.
      tx.request.complete = true;
      emit(sink, AppEventKind::kHttpRequestComplete, dir, &tx);
    }
  } else if (decoded && !request_side && !st->response_seen) {
    std::string status;
    std::vector<const HpackField*> regular;
    for (const HpackField& f : s.fields) {
      if (f.name == ":status") status = f.value;
      else if (f.name.empty() || f.name[0] != ':') regular.push_back(&f);
    }
    if (status.empty()) ++counters_.http2_missing_pseudo_header;
    if (status.size() == 3 && status[0] == '1') return;  // interim (1xx) response: the final one follows
    build_message(tx.response, "HTTP/2 " + status, regular);
    std::string_view line = tx.response.start_line;
    tx.response_protocol = line.substr(0, 6);
    tx.status_code_text = line.substr(7);
    int code = 0;
    auto r = std::from_chars(tx.status_code_text.data(), tx.status_code_text.data() + tx.status_code_text.size(), code);
    tx.status = r.ec == std::errc() ? code : 0;
    tx.has_response = true;
    st->response_seen = true;
    emit(sink, AppEventKind::kHttpResponseHeaders, dir, &tx);
  }
  if (s.block_end_stream) end_stream(dir, *st, sink);
}

void Http2Parser::on_close(Direction dir, AppEventSink* sink) {
  release_done();
  for (auto& st : streams_) end_stream(dir, *st, sink);
}

void Http2Parser::on_gap(Direction dir) {
  Side& s = *sides_[dir_index(dir)];
  if (!s.failed) ++counters_.http2_gap;
  s.failed = true;
}

}  // namespace picket::app
