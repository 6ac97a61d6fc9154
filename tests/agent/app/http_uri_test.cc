// Tests the http.uri normalisation rules documented in agent/app/http.h.
#include <gtest/gtest.h>

#include "agent/app/http.h"

namespace picket::app {
namespace {

TEST(AppHttpUri, NormalisationTable) {
  struct Case {
    const char* raw;
    const char* want;
  } cases[] = {
      {"/", "/"},
      {"/index.html", "/index.html"},
      {"/a/./b", "/a/b"},
      {"/a/b/../c", "/a/c"},
      {"/a/b/..", "/a/"},
      {"/../../etc/passwd", "/etc/passwd"},
      {"//a///b", "/a/b"},
      {"/a\\b\\..\\c", "/a/c"},
      {"/%2e%2e/%2E%2e/x", "/x"},
      {"/a%2fb", "/a/b"},
      {"/a%20b?q=%41%42&r=+", "/a b?q=AB&r=+"},
      {"/bad%zzescape%4", "/bad%zzescape%4"},
      {"http://Example.com:80/x/../y?z", "/y?z"},
      {"HTTP://bro.org", "/"},
      {"*", "*"},
      {"example.com:443", "example.com:443"},
      {"/dir/.", "/dir/"},
      {"/q?path=/../..", "/q?path=/../.."},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(normalize_uri(c.raw), c.want) << c.raw;
  }
}

TEST(AppHttpUri, CountsBadEscapes) {
  uint64_t bad = 0;
  normalize_uri("/a%zz/%4", &bad);
  EXPECT_EQ(bad, 2u);
}

TEST(AppHttpHost, Normalisation) {
  EXPECT_EQ(normalize_host("Example.COM:8080"), "example.com");
  EXPECT_EQ(normalize_host(" www.Test.org. "), "www.test.org");
  EXPECT_EQ(normalize_host("[::1]:80"), "[::1]");
  EXPECT_EQ(normalize_host("user:pw@Host:1"), "host");
  EXPECT_EQ(normalize_host(""), "");
}

}  // namespace
}  // namespace picket::app
