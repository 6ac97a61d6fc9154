#include "common/transport/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/support/process.h"

namespace picket::transport {
namespace {

TEST(Keys, GenerateWriteLoadRoundTrip) {
  test::TempDir tmp;
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair);
  EXPECT_TRUE(is_z85_key(pair->public_z85));
  ASSERT_TRUE(write_key_files(tmp.file("a"), pair.value()));
  struct stat st {};
  ASSERT_EQ(::stat(tmp.file("a.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto secret = load_secret_key(tmp.file("a.key"));
  ASSERT_TRUE(secret) << secret.error().format();
  EXPECT_EQ(secret->public_z85, pair->public_z85);  // derived from the secret
  auto pub = load_public_key(tmp.file("a.pub"));
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub.value(), pair->public_z85);
  EXPECT_FALSE(write_key_files(tmp.file("a"), pair.value()));  // no silent overwrite
  KeyBytes b;
  ASSERT_TRUE(z85_to_bytes(pair->public_z85, &b));
  EXPECT_EQ(bytes_to_z85(b), pair->public_z85);
}

TEST(Keys, RefusesBadFiles) {
  test::TempDir tmp;
  auto pair = generate_key_pair().value();
  ASSERT_TRUE(write_key_files(tmp.file("a"), pair));
  ::chmod(tmp.file("a.key").c_str(), 0644);
  auto open = load_secret_key(tmp.file("a.key"));
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("chmod 600"), std::string::npos);
  tmp.write("bad.pub", "# comment\n\nnot-a-key\n");
  auto bad = load_public_key(tmp.file("bad.pub"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().line, 3);
  EXPECT_FALSE(load_public_key(tmp.file("missing.pub")));
  EXPECT_FALSE(is_z85_key(std::string(40, '"')));
  EXPECT_FALSE(is_z85_key("short"));
}

}  // namespace
}  // namespace picket::transport
