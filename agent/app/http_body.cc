#include "agent/app/http_body.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "agent/app/http.h"

namespace picket::app {

struct HttpBodyReader::Z {
  z_stream zs{};
  bool initialised = false;
  ~Z() {
    if (initialised) inflateEnd(&zs);
  }
};

HttpBodyReader::HttpBodyReader() = default;
HttpBodyReader::~HttpBodyReader() = default;

void HttpBodyReader::start(Framing framing, uint64_t length, Coding coding, size_t limit, bool is_response) {
  framing_ = framing;
  coding_ = coding;
  limit_ = limit;
  is_response_ = is_response;
  remaining_ = length;
  // A body of known length is kept in one allocation (no regrowth copies).
  reserve_ = framing == Framing::kLength && coding == Coding::kIdentity ? std::min<uint64_t>(length, limit) : 0;
  line_.clear();
  state_ = framing == Framing::kChunked ? State::kChunkSize : State::kData;
  z_active_ = false;
  z_failed_ = false;
  z_in_ = 0;
  z_head_.clear();
  z_ready_ = false;
  z_ended_ = false;
  if (coding == Coding::kGzip) {
    z_active_ = inflate_init(false);
    z_ready_ = z_active_;
  } else if (coding == Coding::kDeflate) {
    z_active_ = true;  // zlib or raw: decided on the first two bytes
  }
}

bool HttpBodyReader::inflate_init(bool raw) {
  if (!z_) z_ = std::make_unique<Z>();
  // gzip: 15+16 (gzip only, header required); deflate: zlib wrapper first, raw deflate as fallback since
  // many servers send raw deflate under "Content-Encoding: deflate".
  int bits = coding_ == Coding::kGzip ? 15 + 16 : (raw ? -15 : 15);
  if (!z_->initialised) {
    std::memset(&z_->zs, 0, sizeof(z_->zs));
    if (inflateInit2(&z_->zs, bits) != Z_OK) return false;
    z_->initialised = true;
    return true;
  }
  return inflateReset2(&z_->zs, bits) == Z_OK;
}

void HttpBodyReader::keep(std::span<const uint8_t> bytes, HttpMessage& msg, const AppLimits& limits,
                          AppCounters& c) {
  msg.body_bytes += bytes.size();
  if (!limits.http_keep_bodies) return;
  size_t room = msg.body.size() < limit_ ? limit_ - msg.body.size() : 0;
  size_t n = bytes.size() < room ? bytes.size() : room;
  if (n > 0 && msg.body.empty() && reserve_ > msg.body.capacity()) msg.body.reserve(reserve_);
  if (n > 0) msg.body.append(reinterpret_cast<const char*>(bytes.data()), n);
  if (n < bytes.size() && !msg.body_truncated) {
    msg.body_truncated = true;
    if (is_response_) {
      ++c.http_response_body_truncated;
    } else {
      ++c.http_request_body_truncated;
    }
  }
}

void HttpBodyReader::deliver(std::span<const uint8_t> bytes, HttpMessage& msg, const AppLimits& limits,
                             AppCounters& c) {
  msg.wire_body_bytes += bytes.size();
  if (!z_active_) {
    keep(bytes, msg, limits, c);
    return;
  }
  if (z_failed_ || msg.body_truncated) return;  // nothing more to decode or keep
  if (!z_ready_) {
    // "deflate" is a zlib stream per RFC 9110, but many servers send raw deflate: decide on the first two
    // bytes (a zlib header has CM=8 and a 16-bit value divisible by 31).
    size_t n = std::min(size_t{2} - z_head_.size(), bytes.size());
    z_head_.append(reinterpret_cast<const char*>(bytes.data()), n);
    bytes = bytes.subspan(n);
    if (z_head_.size() < 2) return;
    uint8_t b0 = static_cast<uint8_t>(z_head_[0]), b1 = static_cast<uint8_t>(z_head_[1]);
    bool zlib_header = (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
    if (!inflate_init(!zlib_header)) {
      z_failed_ = true;
      ++c.http_decompress_error;
      return;
    }
    z_ready_ = true;
    inflate_some({reinterpret_cast<const uint8_t*>(z_head_.data()), z_head_.size()}, msg, limits, c);
  }
  inflate_some(bytes, msg, limits, c);
}

void HttpBodyReader::inflate_some(std::span<const uint8_t> bytes, HttpMessage& msg, const AppLimits& limits,
                                  AppCounters& c) {
  if (bytes.empty() || z_failed_ || z_ended_ || msg.body_truncated) return;
  z_in_ += bytes.size();
  uint8_t out[8192];
  z_stream& zs = z_->zs;
  zs.next_in = const_cast<Bytef*>(bytes.data());
  zs.avail_in = static_cast<uInt>(bytes.size());
  // Loop while input remains or the last call filled the output buffer (zlib may hold more output).
  bool out_full = false;
  while ((zs.avail_in > 0 || out_full) && !msg.body_truncated) {
    zs.next_out = out;
    zs.avail_out = sizeof(out);
    int rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof(out) - zs.avail_out;
    out_full = zs.avail_out == 0;
    if (produced > 0) keep({out, produced}, msg, limits, c);
    if (rc == Z_STREAM_END) {
      z_ended_ = true;  // trailing bytes after the stream are ignored
      return;
    }
    if (rc == Z_BUF_ERROR && produced == 0) return;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      z_failed_ = true;
      ++c.http_decompress_error;
      return;
    }
    if (limits.http_decompress_max_ratio > 0 &&
        msg.body_bytes > limits.http_decompress_max_ratio * (z_in_ + 1024)) {
      z_failed_ = true;
      ++c.http_decompress_ratio_exceeded;
      return;
    }
  }
}

size_t HttpBodyReader::consume(std::span<const uint8_t> in, HttpMessage& msg, const AppLimits& limits,
                               AppCounters& c, bool* done, bool* error) {
  *done = false;
  *error = false;
  size_t pos = 0;
  while (pos < in.size() && !*done && !*error) {
    switch (state_) {
      case State::kData: {
        size_t avail = in.size() - pos;
        size_t n = avail;
        if (framing_ == Framing::kLength && remaining_ < avail) n = static_cast<size_t>(remaining_);
        deliver(in.subspan(pos, n), msg, limits, c);
        pos += n;
        if (framing_ == Framing::kLength) {
          remaining_ -= n;
          if (remaining_ == 0) {
            state_ = State::kDone;
            *done = true;
          }
        }
        break;
      }
      case State::kChunkData: {
        size_t avail = in.size() - pos;
        size_t n = remaining_ < avail ? static_cast<size_t>(remaining_) : avail;
        deliver(in.subspan(pos, n), msg, limits, c);
        pos += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kChunkEnd;
        break;
      }
      case State::kChunkEnd: {
        uint8_t b = in[pos];
        if (b == '\r') {
          ++pos;  // the LF follows (or a lenient peer omits it)
        } else if (b == '\n') {
          ++pos;
          state_ = State::kChunkSize;
        } else {
          ++c.http_bad_chunk;  // missing CRLF after the data: read the next size line from here
          state_ = State::kChunkSize;
        }
        break;
      }
      case State::kChunkSize:
      case State::kTrailers: {
        const uint8_t* start = in.data() + pos;
        const void* nl = std::memchr(start, '\n', in.size() - pos);
        size_t take = nl != nullptr ? static_cast<size_t>(static_cast<const uint8_t*>(nl) - start) + 1
                                    : in.size() - pos;
        if (line_.size() + take > limits.http_max_chunk_line) {
          ++c.http_bad_chunk;
          *error = true;
          break;
        }
        line_.append(reinterpret_cast<const char*>(start), take);
        pos += take;
        if (nl == nullptr) break;
        std::string_view line(line_);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
        if (state_ == State::kTrailers) {
          if (line.empty()) {
            state_ = State::kDone;
            *done = true;
          }
          line_.clear();
          break;
        }
        size_t i = 0;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        uint64_t size = 0;
        size_t digits = 0;
        for (; i < line.size(); ++i, ++digits) {
          char ch = line[i];
          int v = (ch >= '0' && ch <= '9') ? ch - '0'
                  : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
                  : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10
                                             : -1;
          if (v < 0) break;
          if (digits >= 15) {
            digits = 0;  // absurdly large: treat as broken
            break;
          }
          size = size * 16 + static_cast<uint64_t>(v);
        }
        line_.clear();
        if (digits == 0) {
          if (line.empty()) break;  // tolerate stray empty lines between chunks
          ++c.http_bad_chunk;
          *error = true;
          break;
        }
        msg.chunked = true;
        if (size == 0) {
          state_ = State::kTrailers;
        } else {
          remaining_ = size;
          state_ = State::kChunkData;
        }
        break;
      }
      case State::kDone:
        *done = true;
        break;
    }
  }
  return pos;
}

bool HttpBodyReader::close(HttpMessage& msg, AppCounters& c) {
  (void)msg;
  (void)c;
  if (framing_ == Framing::kClose) {
    state_ = State::kDone;
    return true;
  }
  return false;
}

}  // namespace picket::app
