// picketctl keygen, run as a real program.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/transport/keys.h"
#include "tests/support/process.h"

namespace picket::test {
namespace {

TEST(Keygen, WritesSecretWithMode0600AndPublicKey) {
  TempDir tmp;
  RunResult r = run({program_path("picketctl"), "keygen", "--out", tmp.file("web01")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(tmp.file("web01.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto secret = transport::load_secret_key(tmp.file("web01.key"));
  ASSERT_TRUE(secret) << secret.error().format();
  auto pub = transport::load_public_key(tmp.file("web01.pub"));
  ASSERT_TRUE(pub);
  EXPECT_EQ(secret->public_z85, pub.value());
  EXPECT_NE(r.out.find(pub.value()), std::string::npos);

  RunResult again = run({program_path("picketctl"), "keygen", "--out", tmp.file("web01")});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("exists"), std::string::npos);
  EXPECT_EQ(transport::load_public_key(tmp.file("web01.pub")).value(), pub.value());  // untouched
  RunResult forced = run({program_path("picketctl"), "keygen", "--out", tmp.file("web01"), "--force"});
  EXPECT_EQ(forced.exit_code, 0);
  EXPECT_NE(transport::load_public_key(tmp.file("web01.pub")).value(), pub.value());
  EXPECT_EQ(run({program_path("picketctl"), "keygen"}).exit_code, 64);  // --out is required
}

}  // namespace
}  // namespace picket::test
