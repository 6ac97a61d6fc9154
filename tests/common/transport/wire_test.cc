#include "common/transport/wire.h"

#include <gtest/gtest.h>

#include "picket.pb.h"

namespace picket::transport {
namespace {

std::span<const uint8_t> span_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string alert_bytes(uint64_t seq) {
  v1::Alert a;
  a.set_seq(seq);
  a.set_host("web01");
  a.mutable_rule()->set_title("t" + std::to_string(seq));
  return a.SerializeAsString();
}

TEST(Wire, EncodedBatchParsesWithProtobufAndScanner) {
  Epoch e;
  e.fill(7);
  std::vector<std::string> alerts = {alert_bytes(5), alert_bytes(6), alert_bytes(9)};
  std::vector<std::string_view> views(alerts.begin(), alerts.end());
  std::string frame;
  encode_batch_frame(e, views, &frame);
  EXPECT_EQ(frame.size(), batch_frame_size(views));
  v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(frame));
  ASSERT_TRUE(env.has_batch());
  EXPECT_EQ(env.batch().alerts_size(), 3);
  EXPECT_EQ(env.batch().alerts(2).seq(), 9u);

  FrameView f;
  ASSERT_TRUE(scan_frame(span_of(frame), &f));
  EXPECT_EQ(f.kind, FrameKind::kBatch);
  BatchView b;
  ASSERT_TRUE(scan_batch(f.body, &b)) << b.error;
  ASSERT_EQ(b.alerts.size(), 3u);
  EXPECT_EQ(b.alerts[1].seq, 6u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(b.alerts[1].bytes.data()), b.alerts[1].bytes.size()), alerts[1]);
}

TEST(Wire, ScannerRefusesHostileBatches) {
  Epoch e;
  e.fill(1);
  auto scan = [&](std::vector<uint64_t> seqs) {
    std::vector<std::string> alerts;
    for (auto s : seqs) alerts.push_back(alert_bytes(s));
    std::vector<std::string_view> views(alerts.begin(), alerts.end());
    std::string frame;
    encode_batch_frame(e, views, &frame);
    FrameView f;
    BatchView b;
    return scan_frame(span_of(frame), &f) && scan_batch(f.body, &b);
  };
  EXPECT_TRUE(scan({1, 2}));
  EXPECT_FALSE(scan({UINT64_MAX}));
  EXPECT_FALSE(scan({0}));
  EXPECT_FALSE(scan({3, 3}));
  EXPECT_FALSE(scan({4, 2}));
  EXPECT_FALSE(scan({}));
  EXPECT_TRUE(scan({UINT64_MAX - 1}));

  FrameView f;
  EXPECT_FALSE(scan_frame(span_of(std::string("\x08\x01\x1a\xff\xff\xff\x0f", 7)), &f));  // length past the end
  EXPECT_FALSE(scan_frame(span_of(std::string("\x08\x02\x1a\x00", 4)), &f));  // schema v2
  EXPECT_FALSE(scan_frame(span_of(std::string("\x08\x01\x1a\x00\x22\x00", 6)), &f));  // two bodies
  EXPECT_FALSE(scan_frame(span_of(std::string("\x0b\x01", 2)), &f));  // group wire type
  EXPECT_FALSE(scan_frame(span_of(std::string(11, '\xff')), &f));  // overlong varint
  ASSERT_TRUE(scan_frame(span_of(std::string("\x08\x01", 2)), &f));
  EXPECT_EQ(f.kind, FrameKind::kEmpty);
  BatchView b;
  EXPECT_FALSE(scan_batch(span_of(std::string("\x0a\x03" "abc" "\x12\x02\x10\x01", 9)), &b));  // epoch != 16 bytes
}

}  // namespace
}  // namespace picket::transport
