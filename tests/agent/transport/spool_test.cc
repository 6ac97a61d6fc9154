#include "agent/transport/spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/process.h"

namespace picket::agent {
namespace {

v1::Alert alert(int i, size_t pad = 100) {
  v1::Alert a;
  a.set_host("web01");
  a.mutable_rule()->set_title("rule " + std::to_string(i));
  (*a.mutable_metadata())["pad"] = std::string(pad, 'p');
  return a;
}

std::vector<SpoolRecord> read_all(Spool& s, uint64_t from) {
  std::vector<SpoolRecord> all, part;
  while (s.read(from, 64, 1 << 20, &part) > 0) {
    from = part.back().seq + 1;
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

TEST(Spool, AppendReadAckReopen) {
  test::TempDir tmp;
  transport::Epoch epoch{};
  {
    auto s = Spool::open({.dir = tmp.file("spool"), .segment_bytes = 4096});
    ASSERT_TRUE(s) << s.error().format();
    epoch = (*s)->epoch();
    for (int i = 1; i <= 100; ++i) {
      v1::Alert a = alert(i);
      ASSERT_TRUE((*s)->append(a));
      EXPECT_EQ(a.seq(), static_cast<uint64_t>(i));
    }
    auto recs = read_all(**s, 1);
    ASSERT_EQ(recs.size(), 100u);
    v1::Alert back;
    ASSERT_TRUE(back.ParseFromString(recs[41].payload));
    EXPECT_EQ(back.seq(), 42u);  // the seq is inside the payload sent to the collector
    EXPECT_EQ(back.rule().title(), "rule 42");
    EXPECT_GT((*s)->stats().segments, 3u);
    EXPECT_EQ((*s)->sync(), 100u);
    (*s)->ack(60);
    EXPECT_EQ((*s)->stats().depth, 40u);
    EXPECT_LT((*s)->stats().segments, 20u);
  }
  auto s = Spool::open({.dir = tmp.file("spool"), .segment_bytes = 4096});
  ASSERT_TRUE(s) << s.error().format();
  EXPECT_EQ((*s)->epoch(), epoch);  // the epoch survives restarts
  EXPECT_EQ((*s)->acked_seq(), 60u);
  EXPECT_EQ((*s)->last_seq(), 100u);
  auto recs = read_all(**s, 61);
  ASSERT_EQ(recs.size(), 40u);
  EXPECT_EQ(recs.front().seq, 61u);
  v1::Alert a = alert(101);
  ASSERT_TRUE((*s)->append(a));
  EXPECT_EQ(a.seq(), 101u);
  // Reading from an arbitrary point (a resend after reconnect).
  std::vector<SpoolRecord> part;
  ASSERT_EQ((*s)->read(77, 3, 1 << 20, &part), 3u);
  EXPECT_EQ(part[0].seq, 77u);
  EXPECT_EQ(part[2].seq, 79u);
}

TEST(Spool, TornTailIsCutAndSeqContinues) {
  test::TempDir tmp;
  std::string last_segment;
  {
    auto s = Spool::open({.dir = tmp.file("spool")});
    ASSERT_TRUE(s);
    for (int i = 1; i <= 10; ++i) {
      v1::Alert a = alert(i);
      ASSERT_TRUE((*s)->append(a));
    }
  }
  for (const auto& e : std::filesystem::directory_iterator(tmp.file("spool"))) {
    if (e.path().extension() == ".seg") last_segment = e.path();
  }
  std::filesystem::resize_file(last_segment, std::filesystem::file_size(last_segment) - 5);  // SIGKILL mid-write
  auto s = Spool::open({.dir = tmp.file("spool")});
  ASSERT_TRUE(s) << s.error().format();
  EXPECT_EQ((*s)->last_seq(), 9u);
  EXPECT_GT((*s)->stats().truncated_bytes, 0u);
  v1::Alert a = alert(10);
  ASSERT_TRUE((*s)->append(a));
  EXPECT_EQ(a.seq(), 10u);
  EXPECT_EQ(read_all(**s, 1).size(), 10u);
}

TEST(Spool, CapRefusesNewAlertsAndCountsThemExactly) {
  test::TempDir tmp;
  auto s = Spool::open({.dir = tmp.file("spool"), .max_bytes = 20000, .segment_bytes = 8192});
  ASSERT_TRUE(s);
  int accepted = 0;
  for (int i = 1; i <= 100; ++i) {
    v1::Alert a = alert(i, 400);
    if ((*s)->append(a)) ++accepted;
  }
  EXPECT_GT(accepted, 10);
  EXPECT_LT(accepted, 100);
  EXPECT_EQ((*s)->dropped(), static_cast<uint64_t>(100 - accepted));
  EXPECT_EQ((*s)->last_seq(), static_cast<uint64_t>(accepted));  // no gap: refused alerts take no seq
  EXPECT_LE((*s)->stats().bytes, 20000u);
  // Acknowledging frees whole segments; then alerts are accepted again.
  (*s)->ack((*s)->last_seq());
  v1::Alert a = alert(0, 400);
  EXPECT_TRUE((*s)->append(a));
  EXPECT_EQ(a.seq(), static_cast<uint64_t>(accepted + 1));
}

TEST(Spool, RefusesNewerFormatAndForeignSegments) {
  test::TempDir tmp;
  {
    auto s = Spool::open({.dir = tmp.file("spool")});
    ASSERT_TRUE(s);
    v1::Alert a = alert(1);
    ASSERT_TRUE((*s)->append(a));
  }
  {
    std::fstream f(tmp.file("spool/spool.meta"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    const char v2[4] = {9, 0, 0, 0};
    f.write(v2, 4);
  }
  auto s = Spool::open({.dir = tmp.file("spool")});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

TEST(Spool, ManyAppendersFromThreadsGetUniqueContiguousSeqs) {
  test::TempDir tmp;
  auto s = Spool::open({.dir = tmp.file("spool"), .segment_bytes = 65536});
  ASSERT_TRUE(s);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        v1::Alert a = alert(i);
        (*s)->append(a);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto recs = read_all(**s, 1);
  ASSERT_EQ(recs.size(), 2000u);
  for (size_t i = 0; i < recs.size(); ++i) ASSERT_EQ(recs[i].seq, i + 1);
}

}  // namespace
}  // namespace picket::agent
