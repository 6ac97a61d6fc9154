#pragma once
// Private to picket_app: HTTP body framing (Content-Length, chunked, until-close) and content decoding
// (gzip/deflate through zlib) for one message at a time. Reused across messages of a direction.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "agent/app/types.h"

namespace picket::app {

struct HttpMessage;

class HttpBodyReader {
 public:
  enum class Framing { kLength, kChunked, kClose };
  enum class Coding { kIdentity, kGzip, kDeflate };

  HttpBodyReader();
  ~HttpBodyReader();
  HttpBodyReader(const HttpBodyReader&) = delete;
  HttpBodyReader& operator=(const HttpBodyReader&) = delete;

  // Starts a body. `limit` caps msg.body; decoded bytes beyond are counted, not kept.
  void start(Framing framing, uint64_t length, Coding coding, size_t limit, bool is_response);
  // Consumes framing bytes; appends decoded bytes to msg.body. Returns the number of bytes used; sets
  // *done when the body ended (the rest of `in` belongs to the next message) and *error when framing is
  // broken (the direction stops).
  size_t consume(std::span<const uint8_t> in, HttpMessage& msg, const AppLimits& limits, AppCounters& c,
                 bool* done, bool* error);
  // The stream closed: a close-delimited body is complete (returns true); others are cut short.
  bool close(HttpMessage& msg, AppCounters& c);

 private:
  enum class State { kData, kChunkSize, kChunkData, kChunkEnd, kTrailers, kDone };
  void deliver(std::span<const uint8_t> bytes, HttpMessage& msg, const AppLimits& limits, AppCounters& c);
  void keep(std::span<const uint8_t> bytes, HttpMessage& msg, const AppLimits& limits, AppCounters& c);
  bool inflate_init(bool raw);

  Framing framing_ = Framing::kLength;
  Coding coding_ = Coding::kIdentity;
  State state_ = State::kData;
  uint64_t remaining_ = 0;
  size_t limit_ = 0;
  size_t reserve_ = 0;  // capacity to reserve on the first kept byte
  bool is_response_ = false;
  std::string line_;  // chunk-size or trailer line in progress
  // zlib state, created on the first compressed body and reset per message.
  struct Z;
  std::unique_ptr<Z> z_;
  void inflate_some(std::span<const uint8_t> bytes, HttpMessage& msg, const AppLimits& limits, AppCounters& c);
  bool z_active_ = false;  // the body is compressed
  bool z_ready_ = false;   // the inflater is set up (deflate waits for two bytes to pick zlib or raw)
  bool z_failed_ = false;
  bool z_ended_ = false;
  uint64_t z_in_ = 0;
  std::string z_head_;  // first two bytes of a "deflate" body
};

}  // namespace picket::app
