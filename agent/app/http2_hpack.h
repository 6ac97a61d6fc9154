#pragma once
// HPACK (RFC 7541) header block decoder for HTTP/2: static table, dynamic table with size limits,
// integer and string literals, Huffman-coded strings.
//
//   picket::app::HpackDecoder dec(/*max_table_cap=*/64 * 1024, /*max_header_list=*/64 * 1024);
//   dec.set_protocol_max_table_size(4096);        // the SETTINGS_HEADER_TABLE_SIZE the decoder's side sent
//   std::vector<picket::app::HpackField> fields;
//   HpackStatus st = dec.decode(block_bytes, &fields);   // one complete header block (HEADERS+CONTINUATION)
//   if (st != HpackStatus::kOk) { the connection's header state is lost: count it, stop decoding }
//
// One decoder per direction of a connection: header blocks must be fed in the order they were sent,
// since each may change the dynamic table the next ones refer to. Hostile input never throws and never
// grows memory beyond the caps: the dynamic table never exceeds min(protocol max, max_table_cap), and a
// block whose decoded fields exceed max_header_list (RFC 7541 sizes: name + value + 32 each) stops with
// kHeaderListTooLong. Not thread-safe; used by the worker thread that owns the flow.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace picket::app {

struct HpackField {
  std::string name;
  std::string value;
};

enum class HpackStatus : uint8_t {
  kOk,
  kTruncated,          // the block ends inside a representation
  kBadIndex,           // index 0 or beyond static + dynamic table
  kBadInteger,         // an integer longer than 32 bits
  kBadHuffman,         // invalid code, EOS inside a string, or padding longer than 7 bits / not all ones
  kTableSizeTooLarge,  // a dynamic table size update above the allowed maximum
  kSizeUpdateMisplaced,  // a size update after the first field of a block
  kHeaderListTooLong,  // decoded fields beyond max_header_list
};
std::string_view hpack_status_name(HpackStatus s);

class HpackDecoder {
 public:
  HpackDecoder(size_t max_table_cap, size_t max_header_list);

  // The largest dynamic table size the encoder may choose (SETTINGS_HEADER_TABLE_SIZE, 4096 by default),
  // capped by max_table_cap. A smaller value shrinks the table at once.
  void set_protocol_max_table_size(uint32_t size);
  // Decodes one complete header block into `out` (cleared first). On error the fields decoded so far stay
  // in `out` and the dynamic table may have changed: the connection cannot be decoded reliably any more.
  HpackStatus decode(std::span<const uint8_t> block, std::vector<HpackField>* out);

  size_t table_size() const { return size_; }        // RFC 7541 4.1 size of the dynamic table
  size_t table_entries() const { return table_.size(); }
  size_t max_table_size() const { return max_size_; }  // the current limit (last size update)
  // The value of the last dynamic table size update seen (http2.size_update), -1 when none.
  int64_t last_size_update() const { return last_size_update_; }

 private:
  bool lookup(uint64_t index, HpackField* f) const;
  void insert(HpackField f);
  void evict_to(size_t limit);

  size_t cap_;               // our hard cap
  size_t max_header_list_;
  size_t protocol_max_ = 4096;
  size_t max_size_ = 4096;   // current maximum (size updates, never above protocol_max_/cap_)
  size_t size_ = 0;
  int64_t last_size_update_ = -1;
  std::deque<HpackField> table_;  // newest first
};

// Huffman decoding of an HPACK string literal (RFC 7541 5.2 / Appendix B). Appends to *out; false on an
// invalid code, an EOS symbol, or padding that is longer than 7 bits or not a prefix of EOS. `max_out`
// bounds the decoded length (false beyond it).
bool hpack_huffman_decode(std::span<const uint8_t> in, std::string* out, size_t max_out);
// Huffman encoding (for tests and fuzz seeds).
std::string hpack_huffman_encode(std::string_view in);

}  // namespace picket::app
