// FileTailer: rename rotation, copytruncate, truncate in place, delete-recreate, restarts with saved state,
// and a reused inode number told apart by the content fingerprint.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "agent/host/logtail/file_tailer.h"
#include "tests/support/process.h"

namespace picket::host {
namespace {

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

std::string numbered(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + " of a test log with some padding text\n";
  return s;
}

struct Lines {
  std::vector<std::string> got;
  LineSink sink() {
    return [this](std::string_view l, uint64_t) { got.emplace_back(l); };
  }
};

std::vector<std::string> expect_range(int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i <= to; ++i) v.push_back("line " + std::to_string(i) + " of a test log with some padding text");
  return v;
}

TEST(FileTailer, FromEndOrStartAndPartialLines) {
  test::TempDir d;
  const std::string log = d.file("a.log");
  append(log, numbered(1, 3));
  Lines from_end, from_start;
  FileTailer end(log, "", false), start(log, "", true);
  end.poll(from_end.sink());
  start.poll(from_start.sink());
  EXPECT_TRUE(from_end.got.empty());
  EXPECT_EQ(from_start.got, expect_range(1, 3));
  append(log, "partial");
  start.poll(from_start.sink());
  EXPECT_EQ(from_start.got.size(), 3u);
  append(log, " done\n");
  start.poll(from_start.sink());
  ASSERT_EQ(from_start.got.size(), 4u);
  EXPECT_EQ(from_start.got.back(), "partial done");
}

TEST(FileTailer, RenameCopytruncateTruncateRecreate) {
  test::TempDir d;
  const std::string log = d.file("a.log");
  append(log, numbered(1, 10));
  Lines l;
  FileTailer t(log, d.file("a.state"), true);
  t.poll(l.sink());
  // Rename rotation with lines written to the old file after our last read.
  append(log, numbered(11, 12));
  ASSERT_EQ(::rename(log.c_str(), d.file("a.log.1").c_str()), 0);
  append(log, numbered(13, 15));
  t.poll(l.sink());
  // copytruncate: lines 16-18 were never read from the original; they come from the copy.
  append(log, numbered(16, 18));
  {
    std::ifstream in(log, std::ios::binary);
    std::ofstream out(d.file("a.log.2"), std::ios::binary);
    out << in.rdbuf();
  }
  ASSERT_EQ(::truncate(log.c_str(), 0), 0);
  append(log, numbered(19, 40));  // grows past the old offset again: the fingerprint notices
  t.poll(l.sink());
  // Truncate in place after everything was read.
  ASSERT_EQ(::truncate(log.c_str(), 0), 0);
  append(log, numbered(41, 42));
  t.poll(l.sink());
  // Delete and recreate.
  ASSERT_EQ(::unlink(log.c_str()), 0);
  append(log, numbered(43, 45));
  t.poll(l.sink());
  EXPECT_EQ(l.got, expect_range(1, 45));
  EXPECT_GE(t.stats().rotations, 2u);
  EXPECT_GE(t.stats().truncations, 2u);
  EXPECT_EQ(t.stats().recovered, 3u);
}

TEST(FileTailer, RestartResumesAndFindsTheRotatedFile) {
  test::TempDir d;
  const std::string log = d.file("b.log");
  const std::string state = d.file("b.state");
  append(log, numbered(1, 5));
  Lines l;
  {
    FileTailer t(log, state, true);
    t.poll(l.sink());
    ASSERT_TRUE(t.save().ok());
  }
  // While stopped: more lines, then a rename rotation and a new file.
  append(log, numbered(6, 7));
  ASSERT_EQ(::rename(log.c_str(), d.file("b.log.1").c_str()), 0);
  append(log, numbered(8, 9));
  {
    FileTailer t(log, state, false);  // from_start does not matter once a state exists
    t.poll(l.sink());
    ASSERT_TRUE(t.save().ok());
  }
  append(log, numbered(10, 11));
  {
    FileTailer t(log, state, false);
    t.poll(l.sink());
  }
  EXPECT_EQ(l.got, expect_range(1, 11));
}

TEST(FileTailer, ReusedInodeWithOtherContentIsReadFromItsStart) {
  test::TempDir d;
  const std::string log = d.file("c.log");
  const std::string state = d.file("c.state");
  append(log, numbered(1, 20));
  Lines l;
  {
    FileTailer t(log, state, true);
    t.poll(l.sink());
    ASSERT_TRUE(t.save().ok());
  }
  // Replace the content but keep the inode (what a reused inode number looks like to us): same length
  // prefix region rewritten, longer than the saved offset.
  {
    std::ofstream out(log, std::ios::binary | std::ios::trunc);
    out << numbered(21, 60);
  }
  {
    FileTailer t(log, state, true);
    t.poll(l.sink());
  }
  EXPECT_EQ(l.got, expect_range(1, 60));
}

TEST(FileTailer, SaveIsAtomicAndSurvivesGarbageState) {
  test::TempDir d;
  const std::string log = d.file("e.log");
  append(log, numbered(1, 2));
  d.write("e.state", "garbage");
  Lines l;
  FileTailer t(log, d.file("e.state"), true);
  t.poll(l.sink());
  EXPECT_EQ(l.got.size(), 2u);
  ASSERT_TRUE(t.save().ok());
  EXPECT_NE(::access(d.file("e.state").c_str(), R_OK), -1);
  EXPECT_EQ(::access(d.file("e.state.tmp").c_str(), F_OK), -1);
}

}  // namespace
}  // namespace picket::host
