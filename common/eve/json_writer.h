#pragma once
// A small, fast JSON writer for EVE lines. Keys are written in call order (EVE field order matters to
// people reading the file). Strings are escaped so that the output is always valid UTF-8 JSON: control
// characters become \uXXXX, and bytes that are not valid UTF-8 are written as \u00XX (their Latin-1 code
// point), so binary payload bytes in a URI never break a consumer.
//
//   JsonWriter w;
//   w.begin_object();
//   w.key("event_type"); w.string("alert");
//   w.key("src_port"); w.number(uint64_t{80});
//   w.end_object();
//   std::string line = w.take();
//
// One writer per thread; not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace picket::eve {

class JsonWriter {
 public:
  void begin_object() { sep(); out_ += '{'; first_ = true; }
  void end_object() { out_ += '}'; first_ = false; }
  void begin_array() { sep(); out_ += '['; first_ = true; }
  void end_array() { out_ += ']'; first_ = false; }
  void key(std::string_view k) {
    sep();
    escape(k);
    out_ += ':';
    first_ = true;  // the value that follows takes no comma
  }
  void string(std::string_view s) { sep(); escape(s); }
  void number(uint64_t v) { sep(); out_ += std::to_string(v); }
  void number(int64_t v) { sep(); out_ += std::to_string(v); }
  void number(uint32_t v) { number(static_cast<uint64_t>(v)); }
  void number(int v) { number(static_cast<int64_t>(v)); }
  void boolean(bool b) { sep(); out_ += b ? "true" : "false"; }
  void null() { sep(); out_ += "null"; }
  // Inserts already-rendered JSON (a value) verbatim.
  void raw(std::string_view json) { sep(); out_ += json; }

  void kv(std::string_view k, std::string_view v) { key(k); string(v); }
  void kv(std::string_view k, const char* v) { key(k); string(v); }
  void kv(std::string_view k, const std::string& v) { key(k); string(v); }
  void kv(std::string_view k, uint64_t v) { key(k); number(v); }
  void kv(std::string_view k, int64_t v) { key(k); number(v); }
  void kv(std::string_view k, uint32_t v) { key(k); number(v); }
  void kv(std::string_view k, int v) { key(k); number(v); }
  void kv(std::string_view k, bool v) { key(k); boolean(v); }

  const std::string& str() const { return out_; }
  std::string take() { first_ = true; return std::move(out_); }
  void clear() { out_.clear(); first_ = true; }

  // Appends `s` JSON-escaped and quoted to `out`.
  static void escape_to(std::string& out, std::string_view s);

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void escape(std::string_view s) { escape_to(out_, s); }

  std::string out_;
  bool first_ = true;
};

std::string base64_encode(std::string_view data);

}  // namespace picket::eve
