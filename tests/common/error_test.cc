#include "common/error.h"

#include <gtest/gtest.h>

namespace picket {
namespace {

TEST(Error, GrammarWithAndWithoutParts) {
  EXPECT_EQ((Error{.file = "a.rules", .line = 12, .column = 4, .sid = 2010935, .message = "bad"}).format(),
            "a.rules:12:4: sid 2010935: bad");
  EXPECT_EQ((Error{.file = "a.rules", .line = 12, .sid = 7, .message = "bad"}).format(), "a.rules:12: sid 7: bad");
  EXPECT_EQ((Error{.file = "a.yaml", .line = 3, .message = "m"}).format(), "a.yaml:3: m");
  EXPECT_EQ((Error{.file = "a.yaml", .message = "m"}).format(), "a.yaml: m");
  EXPECT_EQ((Error{.message = "m"}).format(), "m");
}

TEST(Error, OneLinePerError) {
  Diagnostics d;
  d.add({.file = "f", .line = 1, .message = "two\nlines"});
  d.add({.file = "g", .line = 2, .message = "x"});
  EXPECT_EQ(d.format(), "f:1: two lines\ng:2: x\n");
  EXPECT_FALSE(d.ok());
}

}  // namespace
}  // namespace picket
