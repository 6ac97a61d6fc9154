// Tests agent/app/http2_hpack.cc and http2_huffman.cc: RFC 7541 Appendix C examples (dynamic table
// contents and sizes), Huffman round trips of every symbol, size updates and the limits on hostile input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/app/http2_hpack.h"

namespace picket::app {
namespace {

std::vector<uint8_t> hex(std::string_view h) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : h) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

std::string fields_text(const std::vector<HpackField>& f) {
  std::string s;
  for (const auto& x : f) s += x.name + ": " + x.value + "\n";
  return s;
}

TEST(Hpack, Rfc7541C4RequestsWithHuffmanShareTheDynamicTable) {
  HpackDecoder d(64 * 1024, 64 * 1024);
  std::vector<HpackField> f;
  ASSERT_EQ(d.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"), &f), HpackStatus::kOk);
  EXPECT_EQ(fields_text(f), ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\n");
  EXPECT_EQ(d.table_size(), 57u);
  ASSERT_EQ(d.decode(hex("8286 84be 5886 a8eb 1064 9cbf"), &f), HpackStatus::kOk);
  EXPECT_EQ(fields_text(f), ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\ncache-control: no-cache\n");
  EXPECT_EQ(d.table_size(), 110u);
  ASSERT_EQ(d.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"), &f), HpackStatus::kOk);
  EXPECT_EQ(fields_text(f),
            ":method: GET\n:scheme: https\n:path: /index.html\n:authority: www.example.com\ncustom-key: custom-value\n");
  EXPECT_EQ(d.table_size(), 164u);
  EXPECT_EQ(d.table_entries(), 3u);
}

TEST(Hpack, Rfc7541C3RequestsWithoutHuffman) {
  HpackDecoder d(64 * 1024, 64 * 1024);
  std::vector<HpackField> f;
  ASSERT_EQ(d.decode(hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"), &f), HpackStatus::kOk);
  EXPECT_EQ(f.back().value, "www.example.com");
  EXPECT_EQ(d.table_size(), 57u);
}

TEST(Hpack, EvictionKeepsTheTableUnderItsMaximum) {
  HpackDecoder d(64 * 1024, 64 * 1024);
  d.set_protocol_max_table_size(100);  // room for one 57-byte entry, not two
  std::vector<HpackField> f;
  ASSERT_EQ(d.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"), &f), HpackStatus::kOk);
  ASSERT_EQ(d.decode(hex("8286 84be 5886 a8eb 1064 9cbf"), &f), HpackStatus::kOk);
  EXPECT_LE(d.table_size(), 100u);
  EXPECT_EQ(d.table_entries(), 1u);  // cache-control: no-cache (53) evicted the authority (57)
}

TEST(Hpack, SizeUpdateAtBlockStartIsRecordedAndBounded) {
  HpackDecoder d(64 * 1024, 64 * 1024);
  std::vector<HpackField> f;
  EXPECT_EQ(d.decode(hex("3f e1 1f 82"), &f), HpackStatus::kOk);  // size update 4096, then :method GET
  EXPECT_EQ(d.last_size_update(), 4096);
  EXPECT_EQ(d.decode(hex("20 82"), &f), HpackStatus::kOk);  // size 0: the table empties
  EXPECT_EQ(d.max_table_size(), 0u);
  EXPECT_EQ(d.decode(hex("3f e2 1f"), &f), HpackStatus::kTableSizeTooLarge);  // 4097 > SETTINGS (4096)
  HpackDecoder e(64 * 1024, 64 * 1024);
  EXPECT_EQ(e.decode(hex("82 20"), &f), HpackStatus::kSizeUpdateMisplaced);
}

TEST(Hpack, HostileInputIsRefusedWithoutGrowing) {
  std::vector<HpackField> f;
  HpackDecoder d(64 * 1024, 1024);
  EXPECT_EQ(d.decode(hex("80"), &f), HpackStatus::kBadIndex);       // index 0
  EXPECT_EQ(d.decode(hex("be"), &f), HpackStatus::kBadIndex);       // 62: empty dynamic table
  EXPECT_EQ(d.decode(hex("ff ff ff ff ff 7f"), &f), HpackStatus::kBadInteger);
  EXPECT_EQ(d.decode(hex("40 85 61"), &f), HpackStatus::kTruncated);  // name says 5 bytes, 1 follows
  EXPECT_EQ(d.decode(hex("40 81 ff 81 61"), &f), HpackStatus::kBadHuffman);  // 8 one-bits: EOS prefix too long
  // A value larger than the header list limit.
  std::vector<uint8_t> big = {0x00, 0x01, 'a', 0x7f, 0x81, 0x10};  // literal, value length 127+2048-1
  big.resize(big.size() + 2176, 'x');
  EXPECT_EQ(d.decode(big, &f), HpackStatus::kHeaderListTooLong);
  // Many indexed fields: the list limit counts 32 bytes of overhead each.
  std::vector<uint8_t> many(200, 0x82);
  EXPECT_EQ(d.decode(many, &f), HpackStatus::kHeaderListTooLong);
  EXPECT_LE(f.size(), 1024u / 32u);
}

TEST(Hpack, OurTableCapWinsOverSettings) {
  HpackDecoder d(256, 64 * 1024);
  d.set_protocol_max_table_size(1 << 20);
  std::vector<HpackField> f;
  EXPECT_EQ(d.decode(hex("3f e1 1f"), &f), HpackStatus::kTableSizeTooLarge);  // 4096 > our cap 256
  for (int i = 0; i < 50; ++i) {
    // literal with incremental indexing, new name "x-a" value "0123456789"
    ASSERT_EQ(d.decode(hex("40 03 782d61 0a 30313233343536373839"), &f), HpackStatus::kOk);
    EXPECT_LE(d.table_size(), 256u);
  }
}

TEST(Huffman, EverySymbolRoundTrips) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  std::string enc = hpack_huffman_encode(all);
  std::string dec;
  ASSERT_TRUE(hpack_huffman_decode({reinterpret_cast<const uint8_t*>(enc.data()), enc.size()}, &dec, 4096));
  EXPECT_EQ(dec, all);
  std::string small;
  EXPECT_FALSE(hpack_huffman_decode({reinterpret_cast<const uint8_t*>(enc.data()), enc.size()}, &small, 10));
  // Known RFC 7541 C.4.1 string.
  std::string www = hpack_huffman_encode("www.example.com");
  auto want = hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff");
  EXPECT_EQ(std::vector<uint8_t>(www.begin(), www.end()), want);
}

}  // namespace
}  // namespace picket::app
