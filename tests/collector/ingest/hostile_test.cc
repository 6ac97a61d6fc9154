// Hostile peers against a real picket-collector while a legitimate agent (agent_driver) keeps sending:
// an unknown key, a NULL-mechanism client, raw garbage on the port, a key revoked while connected, an
// enrolled agent claiming another agent's stream, seq 2^64-1, a frame over MAXMSGSIZE. None may get a forged
// or extra alert into the journal, and the legitimate agent must be served to the end.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "common/transport/keys.h"
#include "common/transport/socket_options.h"
#include "common/transport/wire.h"
#include "picket.pb.h"
#include "tests/collector/ingest/harness.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

// A raw DEALER speaking the wire protocol by hand.
class RawPeer {
 public:
  RawPeer(const std::string& endpoint, const transport::KeyPair* client, const std::string& server_pub) {
    ctx_ = zmq_ctx_new();
    sock_ = zmq_socket(ctx_, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(sock_, ZMQ_LINGER, &zero, sizeof zero);
    if (client != nullptr) (void)transport::set_curve_client(sock_, *client, server_pub);
    zmq_socket_monitor(sock_, "inproc://raw-peer-monitor", ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    mon_ = zmq_socket(ctx_, ZMQ_PAIR);
    zmq_connect(mon_, "inproc://raw-peer-monitor");
    zmq_connect(sock_, endpoint.c_str());
  }
  ~RawPeer() {
    zmq_close(mon_);
    zmq_socket_monitor(sock_, nullptr, 0);
    zmq_close(sock_);
    zmq_ctx_term(ctx_);
  }
  void send(const std::string& frame) { zmq_send(sock_, frame.data(), frame.size(), ZMQ_DONTWAIT); }
  // The next Ack's acked_seq, or -1 when none comes within `timeout`.
  int64_t ack(std::chrono::milliseconds timeout) {
    zmq_pollitem_t item{sock_, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, static_cast<long>(timeout.count())) <= 0) return -1;
    char buf[4096];
    int n = zmq_recv(sock_, buf, sizeof buf, 0);
    v1::Envelope env;
    if (n < 0 || !env.ParseFromArray(buf, n) || !env.has_ack()) return -1;
    return static_cast<int64_t>(env.ack().acked_seq());
  }
  // Waits for a monitor event (ZMQ_EVENT_*); true when seen within `timeout`.
  bool event(uint16_t wanted, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      zmq_pollitem_t item{mon_, 0, ZMQ_POLLIN, 0};
      if (zmq_poll(&item, 1, 100) <= 0) continue;
      zmq_msg_t m;
      zmq_msg_init(&m);
      zmq_msg_recv(&m, mon_, 0);
      uint16_t ev = 0;
      if (zmq_msg_size(&m) >= 2) std::memcpy(&ev, zmq_msg_data(&m), 2);
      zmq_msg_close(&m);
      zmq_msg_init(&m);
      zmq_msg_recv(&m, mon_, 0);
      zmq_msg_close(&m);
      if (ev == wanted) return true;
    }
    return false;
  }

 private:
  void* ctx_;
  void* sock_;
  void* mon_;
};

std::string batch(const transport::Epoch& epoch, std::vector<uint64_t> seqs, const std::string& host = "x") {
  std::vector<std::string> alerts;
  for (uint64_t s : seqs) {
    v1::Alert a;
    a.set_seq(s);
    a.set_host(host);
    a.mutable_rule()->set_title("forged?");
    (*a.mutable_metadata())["driver.index"] = "forged";
    alerts.push_back(a.SerializeAsString());
  }
  std::vector<std::string_view> views(alerts.begin(), alerts.end());
  std::string frame;
  transport::encode_batch_frame(epoch, views, &frame);
  return frame;
}

transport::Epoch epoch_of(uint8_t b) {
  transport::Epoch e;
  e.fill(b);
  return e;
}

TEST(Hostile, PeersGetNothingForgedInWhileALegitimateAgentIsServed) {
  TempDir tmp;
  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port()};
  std::filesystem::create_directories(c.dir);
  const std::string legit = enroll_new_agent(c, "legit", tmp.file("legit"));
  const std::string revokee = enroll_new_agent(c, "revokee", tmp.file("revokee"));
  const std::string mallory = enroll_new_agent(c, "mallory", tmp.file("mallory"));
  ASSERT_FALSE(legit.empty() || revokee.empty() || mallory.empty());
  Child collector = c.start();
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(c.server_pub()); }, 30s));
  const std::string server_pub = transport::load_public_key(c.server_pub()).value();

  constexpr uint64_t kCount = 20000;
  Child driver({driver_path(), "--endpoint", c.endpoint(), "--server-pub", c.server_pub(), "--key",
                tmp.file("legit.key"), "--spool", tmp.file("spool"), "--count", std::to_string(kCount), "--rate",
                "1500", "--exit-when-acked", "--timeout-s", "240"},
               tmp.file("driver.log"));
  // Let the legitimate stream start, and learn its epoch from the journal.
  std::string legit_epoch_hex;
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& [id, s] : read_journal(c.journal_dir()).streams) {
          if (id.first == legit) legit_epoch_hex = id.second;
        }
        return !legit_epoch_hex.empty();
      },
      60s))
      << "driver log:\n"
      << read_file(tmp.file("driver.log")) << "\ncollector log:\n"
      << read_file(c.dir + "/collector.log");
  transport::Epoch legit_epoch{};
  for (size_t i = 0; i < legit_epoch.size(); ++i) {
    legit_epoch[i] = static_cast<uint8_t>(std::stoi(legit_epoch_hex.substr(2 * i, 2), nullptr, 16));
  }

  // 1. A key that is not enrolled: the handshake is refused by ZAP; nothing is delivered.
  {
    auto stranger = transport::generate_key_pair().value();
    RawPeer p(c.endpoint(), &stranger, server_pub);
    p.send(batch(epoch_of(1), {1, 2, 3}));
    EXPECT_FALSE(p.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 2s));
    EXPECT_EQ(p.ack(1s), -1);
  }
  // 2. A NULL-mechanism client against the CURVE server.
  {
    RawPeer p(c.endpoint(), nullptr, "");
    p.send(batch(epoch_of(2), {1}));
    EXPECT_EQ(p.ack(2s), -1);
  }
  // 3. Raw garbage bytes on the TCP port, then a fake greeting with a huge length.
  for (int round = 0; round < 3; ++round) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(c.port));
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::mt19937 rng(round);
    std::string junk(round == 2 ? 64 : 4096, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    if (round == 2) junk.replace(0, 10, std::string("\xff\0\0\0\0\0\0\0\x7f\x03", 10));
    ssize_t ignored = ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    (void)ignored;
    std::this_thread::sleep_for(200ms);
    ::close(fd);
  }
  // 4. Mallory (enrolled) claims the legitimate agent: its epoch, its next seqs, its host name. Stored, if at
  //    all, under Mallory's key only: the identity comes from ZAP, never from the message.
  auto mallory_pair = transport::load_secret_key(tmp.file("mallory.key")).value();
  {
    RawPeer p(c.endpoint(), &mallory_pair, server_pub);
    ASSERT_TRUE(p.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 10s));
    p.send(batch(legit_epoch, {1, 2, 3}, "driver"));
    EXPECT_EQ(p.ack(10s), 3);
    // 5. seq 2^64-1 and a gap: refused.
    p.send(batch(epoch_of(5), {UINT64_MAX}));
    p.send(batch(epoch_of(6), {UINT64_MAX - 1}));
    EXPECT_EQ(p.ack(10s), 0);  // the gap is answered with "nothing stored"
    // 6. Garbage inside a CURVE-authenticated frame.
    p.send("\x08\x01\x1a\xff\xff\xff\x0f");
    p.send(std::string(1000, '\x12'));
    // 7. A frame over MAXMSGSIZE (8 MiB): libzmq drops the connection.
    p.send(std::string(9u << 20, '\0'));
    EXPECT_TRUE(p.event(ZMQ_EVENT_DISCONNECTED, 10s));
  }
  // 8. A key revoked while connected: refused within 5 s, and disconnected.
  auto revokee_pair = transport::load_secret_key(tmp.file("revokee.key")).value();
  {
    RawPeer p(c.endpoint(), &revokee_pair, server_pub);
    ASSERT_TRUE(p.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 10s));
    p.send(batch(epoch_of(8), {1}));
    EXPECT_EQ(p.ack(10s), 1);
    ASSERT_TRUE(revoke(c, "revokee"));
    const auto revoked_at = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(5s);
    p.send(batch(epoch_of(8), {2, 3}));
    EXPECT_EQ(p.ack(3s), -1);
    EXPECT_TRUE(p.event(ZMQ_EVENT_DISCONNECTED, 5s));
    EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, 15s);
  }

  EXPECT_EQ(driver.wait(240s), 0) << read_file(tmp.file("driver.log"));
  collector.kill_now(SIGTERM);
  EXPECT_EQ(collector.wait(60s), 0);
  const std::string log = read_file(c.dir + "/collector.log");
  EXPECT_NE(log.find("bad frame"), std::string::npos) << log;
  EXPECT_NE(log.find("refused connection"), std::string::npos) << log;

  const JournalContents j = read_journal(c.journal_dir());
  EXPECT_EQ(check_exactly_once(j, legit, kCount), "");
  for (const auto& [id, s] : j.streams) {
    if (id.first == legit) continue;
    if (id.first == mallory) {
      EXPECT_EQ(id.second, legit_epoch_hex);  // its own stream under its own key
      EXPECT_EQ(s.seqs, (std::vector<uint64_t>{1, 2, 3}));
      continue;
    }
    if (id.first == revokee) {
      EXPECT_EQ(s.seqs, std::vector<uint64_t>{1});  // only what was sent before the revocation
      continue;
    }
    ADD_FAILURE() << "unexpected stream from key " << id.first;
  }
  EXPECT_EQ(j.records, kCount + 3 + 1);
}

}  // namespace
}  // namespace picket::test
