// Tests collector/publish/stream.cc over real CURVE sockets: an enrolled operator receives alerts and
// incidents; a key that is not in the operators' allow-list receives nothing.
#include <gtest/gtest.h>
#include <zmq.h>

#include <chrono>
#include <thread>

#include "collector/ingest/allow_list.h"
#include "collector/publish/stream.h"
#include "common/transport/keys.h"
#include "common/transport/socket_options.h"
#include "tests/support/process.h"

namespace picket::collector::publish {
namespace {

struct Client {
  Client(void* ctx, const transport::KeyPair& me, const std::string& server_pub, const std::string& endpoint) {
    sock = zmq_socket(ctx, ZMQ_DEALER);
    EXPECT_TRUE(transport::set_curve_client(sock, me, server_pub).ok());
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    EXPECT_EQ(zmq_connect(sock, endpoint.c_str()), 0);
  }
  ~Client() { zmq_close(sock); }
  void subscribe() { zmq_send(sock, "SUB", 3, ZMQ_DONTWAIT); }
  bool recv(v1::Envelope* env, int timeout_ms) {
    zmq_pollitem_t item{sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) <= 0) return false;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock, 0) < 0) return false;
    bool ok = env->ParseFromArray(zmq_msg_data(&msg), static_cast<int>(zmq_msg_size(&msg)));
    zmq_msg_close(&msg);
    return ok;
  }
  void* sock;
};

TEST(LiveStream, EnrolledOperatorReceivesOthersDoNot) {
  test::TempDir dir;
  auto server = transport::generate_key_pair();
  auto alice = transport::generate_key_pair();
  auto mallory = transport::generate_key_pair();
  ASSERT_TRUE(server.ok() && alice.ok() && mallory.ok());
  AllowList ops;
  ASSERT_TRUE(enroll_agent(&ops, "alice", alice->public_z85, {}).ok());
  ASSERT_TRUE(save_allow_list(dir.file("operators.yaml"), ops).ok());

  LiveStream stream({.listen = "tcp://127.0.0.1:0", .server = server.value(),
                     .operators_path = dir.file("operators.yaml"), .queue_per_operator = 100});
  ASSERT_TRUE(stream.start().ok());
  void* ctx = zmq_ctx_new();
  {
    Client good(ctx, alice.value(), server->public_z85, stream.bound_endpoint());
    Client bad(ctx, mallory.value(), server->public_z85, stream.bound_endpoint());
    v1::Alert a;
    a.set_seq(1);
    a.mutable_rule()->set_title("hello");
    v1::Envelope env;
    bool got = false;
    // Keep subscribing and publishing until the subscription is in (generous: a loaded machine).
    for (int i = 0; i < 600 && !got; ++i) {
      good.subscribe();
      bad.subscribe();
      stream.publish_alert(a, "web-01", "org=x");
      got = good.recv(&env, 100);
    }
    ASSERT_TRUE(got);
    ASSERT_TRUE(env.has_alert());
    EXPECT_EQ(env.alert().metadata().at("agent"), "web-01");
    EXPECT_EQ(env.alert().metadata().at("org"), "org=x");
    v1::Incident inc;
    inc.set_id("INC-1");
    stream.publish_incident(inc);
    bool incident = false;
    for (int i = 0; i < 100 && !incident; ++i) {
      v1::Envelope e;
      if (good.recv(&e, 100) && e.has_incident()) incident = e.incident().id() == "INC-1";
    }
    EXPECT_TRUE(incident);
    v1::Envelope none;
    EXPECT_FALSE(bad.recv(&none, 500));
    auto ops_now = stream.operators();
    ASSERT_EQ(ops_now.size(), 1u);
    EXPECT_EQ(ops_now[0].name, "alice");
    StreamStats st = stream.stats();
    EXPECT_EQ(st.operators, 1u);
    EXPECT_GE(st.sent, 2u);
  }
  zmq_ctx_term(ctx);
  stream.stop();
}

}  // namespace
}  // namespace picket::collector::publish
