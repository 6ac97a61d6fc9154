#include "collector/ingest/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/process.h"

namespace picket::collector {
namespace {

StreamId stream(uint8_t k, uint8_t e) {
  StreamId id;
  id.key.fill(k);
  id.epoch.fill(e);
  return id;
}

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Journal, AppendCommitRecoverAndRead) {
  test::TempDir tmp;
  const std::string dir = tmp.file("j");
  {
    auto j = Journal::open({.dir = dir});
    ASSERT_TRUE(j) << j.error().format();
    for (uint64_t s = 1; s <= 10; ++s) (*j)->append(stream(1, 2), s, 100, bytes("alert" + std::to_string(s)));
    (*j)->append(stream(3, 4), 1, 100, bytes("other"));
    ASSERT_TRUE((*j)->commit());
    // Appended but never committed: not durable, must not be read by a live reader.
    (*j)->append(stream(1, 2), 11, 100, bytes("pending"));
    JournalReader live(dir, "store", j->get());
    std::vector<JournalRecord> recs;
    EXPECT_EQ(live.next(100, &recs), 11u);
    EXPECT_EQ(recs[0].alert, "alert1");
    EXPECT_EQ(recs[10].stream, stream(3, 4));
    EXPECT_EQ(live.next(100, &recs), 0u);
    ASSERT_TRUE(live.commit_cursor());
  }
  auto j = Journal::open({.dir = dir});
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)->records_recovered(), 11u);
  EXPECT_EQ((*j)->recovered_streams().at(stream(1, 2)), 10u);
  EXPECT_EQ((*j)->recovered_streams().at(stream(3, 4)), 1u);
  (*j)->append(stream(1, 2), 11, 100, bytes("eleven"));
  ASSERT_TRUE((*j)->commit());
  JournalReader reader(dir, "store", j->get());  // resumes from its persisted cursor
  std::vector<JournalRecord> recs;
  ASSERT_EQ(reader.next(100, &recs), 1u);
  EXPECT_EQ(recs[0].seq, 11u);
  EXPECT_EQ(recs[0].alert, "eleven");
}

TEST(Journal, TornTailIsCutAtOpen) {
  test::TempDir tmp;
  const std::string dir = tmp.file("j");
  {
    auto j = Journal::open({.dir = dir});
    ASSERT_TRUE(j);
    for (uint64_t s = 1; s <= 3; ++s) (*j)->append(stream(1, 1), s, 1, bytes(std::string(100, 'x')));
    ASSERT_TRUE((*j)->commit());
  }
  const std::string seg = dir + "/0000000001.pj";
  const auto full = std::filesystem::file_size(seg);
  std::filesystem::resize_file(seg, full - 30);  // a crash in the middle of the last record
  auto j = Journal::open({.dir = dir});
  ASSERT_TRUE(j) << j.error().format();
  EXPECT_EQ((*j)->records_recovered(), 2u);
  EXPECT_EQ((*j)->recovered_streams().at(stream(1, 1)), 2u);
  (*j)->append(stream(1, 1), 3, 1, bytes("again"));
  ASSERT_TRUE((*j)->commit());
  JournalReader reader(dir, "r");
  std::vector<JournalRecord> recs;
  EXPECT_EQ(reader.next(100, &recs), 3u);
  EXPECT_EQ(recs[2].alert, "again");
}

TEST(Journal, SegmentsRollAndReaderFollows) {
  test::TempDir tmp;
  const std::string dir = tmp.file("j");
  auto j = Journal::open({.dir = dir, .segment_bytes = 4096});
  ASSERT_TRUE(j);
  for (uint64_t s = 1; s <= 50; ++s) {
    (*j)->append(stream(9, 9), s, 1, bytes(std::string(500, 'y')));
    ASSERT_TRUE((*j)->commit());
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/0000000002.pj"));
  JournalReader reader(dir, "r", j->get());
  std::vector<JournalRecord> recs;
  uint64_t total = 0, expect = 1;
  while (reader.next(7, &recs) > 0) {
    for (const auto& r : recs) EXPECT_EQ(r.seq, expect++);
    total += recs.size();
  }
  EXPECT_EQ(total, 50u);
}

// Segments fed to the store are pruned; the checkpoint at the start of each segment keeps the
// de-duplication state (highest seq per stream, forgotten streams) of what was deleted.
TEST(Journal, PruningFedSegmentsKeepsTheStateInCheckpoints) {
  test::TempDir tmp;
  const std::string dir = tmp.file("j");
  std::map<StreamId, uint64_t> durable;  // what the ingest loop would report
  {
    auto j = Journal::open({.dir = dir, .segment_bytes = 4096});
    ASSERT_TRUE(j);
    (*j)->set_checkpoint_source([&](std::vector<JournalCheckpointEntry>* out) {
      for (const auto& [id, seq] : durable) out->push_back({.stream = id, .seq = seq, .last_us = 77});
      out->push_back({.stream = stream(5, 5), .forgotten = true});
    });
    for (uint64_t s = 1; s <= 60; ++s) {
      (*j)->append(stream(9, 9), s, 1, bytes(std::string(500, 'y')));
      if (s == 3) (*j)->append(stream(7, 7), 1, 1, bytes("once"));
      ASSERT_TRUE((*j)->commit());
      durable[stream(9, 9)] = s;
      if (s == 3) durable[stream(7, 7)] = 1;
    }
    const size_t before = journal_segments(dir).size();
    ASSERT_GE(before, 5u);
    // A reader that has seen everything; nothing is pruned ahead of it, nor while the retention holds it.
    JournalReader reader(dir, "store", j->get());
    std::vector<JournalRecord> recs;
    uint64_t total = 0;
    while (reader.next(16, &recs) > 0) {
      for (const auto& r : recs) EXPECT_NE(r.alert, "") << "checkpoint records are not returned to readers";
      total += recs.size();
    }
    EXPECT_EQ(total, 61u);
    ASSERT_TRUE(reader.commit_cursor());
    EXPECT_EQ(prune_journal(dir, 1, 0), 0u) << "nothing is before the first segment";
    EXPECT_EQ(prune_journal(dir, reader.position().segment, 1ull << 30), 0u) << "within the retention";
    EXPECT_EQ(prune_journal(dir, reader.position().segment, 0), before - 1);
    EXPECT_EQ(journal_segments(dir).size(), 1u);
    // The newest segment is never pruned, even when a reader claims to be past it.
    EXPECT_EQ(prune_journal(dir, UINT32_MAX, 0), 0u);
  }
  auto j = Journal::open({.dir = dir, .segment_bytes = 4096});
  ASSERT_TRUE(j) << j.error().format();
  EXPECT_LT((*j)->records_recovered(), 60u);
  EXPECT_EQ((*j)->recovered_streams().at(stream(9, 9)), 60u);
  EXPECT_EQ((*j)->recovered_streams().at(stream(7, 7)), 1u) << "only in a pruned segment and the checkpoint";
  EXPECT_EQ((*j)->recovered_last_us().at(stream(7, 7)), 77);
  ASSERT_EQ((*j)->recovered_forgotten().size(), 1u);
  EXPECT_EQ((*j)->recovered_forgotten()[0], stream(5, 5));
  // A reader whose cursor pointed into a pruned segment moves on to what remains.
  JournalReader late(dir, "late");
  std::vector<JournalRecord> recs;
  uint64_t total = 0;
  while (late.next(100, &recs) > 0) total += recs.size();
  EXPECT_EQ(total, (*j)->records_recovered());
}

TEST(Journal, CorruptRecordBeforeTheTailIsAnError) {
  test::TempDir tmp;
  const std::string dir = tmp.file("j");
  {
    auto j = Journal::open({.dir = dir, .segment_bytes = 1024});
    ASSERT_TRUE(j);
    for (uint64_t s = 1; s <= 6; ++s) {
      (*j)->append(stream(1, 1), s, 1, bytes(std::string(400, 'z')));
      ASSERT_TRUE((*j)->commit());
    }
  }
  {
    std::fstream f(dir + "/0000000001.pj", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('Q');
  }
  auto j = Journal::open({.dir = dir});
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().format().find("0000000001.pj"), std::string::npos);
}

}  // namespace
}  // namespace picket::collector
