#include "common/transport/socket_options.h"

#include <zmq.h>

#include <algorithm>
#include <cstring>

// ZMQ_ZAP_ENFORCE_DOMAIN is declared only under ZMQ_BUILD_DRAFT_API in Debian's zmq.h, but libzmq 4.3.4
// implements it (set_curve_server fails loudly if a libzmq ever refuses it).
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

namespace picket::transport {
namespace {

Status zmq_failure(const char* what) {
  return Error{.message = std::string("zmq_setsockopt ") + what + ": " + zmq_strerror(zmq_errno())};
}

Status set_bytes(void* socket, int option, const std::string& value, const char* name) {
  if (zmq_setsockopt(socket, option, value.data(), value.size()) != 0) return zmq_failure(name);
  return Status::Ok();
}

}  // namespace

Status set_int_option(void* socket, int option, int value, const char* name) {
  if (zmq_setsockopt(socket, option, &value, sizeof value) != 0) return zmq_failure(name);
  return Status::Ok();
}

Status set_curve_server(void* socket, const KeyPair& server) {
  if (Status s = set_int_option(socket, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER"); !s) return s;
  if (Status s = set_bytes(socket, ZMQ_CURVE_SECRETKEY, server.secret_z85, "ZMQ_CURVE_SECRETKEY"); !s) return s;
  if (Status s = set_bytes(socket, ZMQ_ZAP_DOMAIN, kZapDomain, "ZMQ_ZAP_DOMAIN"); !s) return s;
  return set_int_option(socket, ZMQ_ZAP_ENFORCE_DOMAIN, 1, "ZMQ_ZAP_ENFORCE_DOMAIN");
}

Status set_curve_client(void* socket, const KeyPair& client, const std::string& server_public_z85) {
  if (Status s = set_bytes(socket, ZMQ_CURVE_SERVERKEY, server_public_z85, "ZMQ_CURVE_SERVERKEY"); !s) return s;
  if (Status s = set_bytes(socket, ZMQ_CURVE_PUBLICKEY, client.public_z85, "ZMQ_CURVE_PUBLICKEY"); !s) return s;
  return set_bytes(socket, ZMQ_CURVE_SECRETKEY, client.secret_z85, "ZMQ_CURVE_SECRETKEY");
}

Status set_heartbeats(void* socket, std::chrono::milliseconds interval) {
  if (interval.count() <= 0) return Status::Ok();
  int ivl = static_cast<int>(interval.count());
  if (Status s = set_int_option(socket, ZMQ_HEARTBEAT_IVL, ivl, "ZMQ_HEARTBEAT_IVL"); !s) return s;
  if (Status s = set_int_option(socket, ZMQ_HEARTBEAT_TIMEOUT, 3 * ivl, "ZMQ_HEARTBEAT_TIMEOUT"); !s) return s;
  // TTL is carried in deciseconds with a 16-bit field; clamp.
  int ttl = std::min(3 * ivl, 6553000);
  return set_int_option(socket, ZMQ_HEARTBEAT_TTL, ttl, "ZMQ_HEARTBEAT_TTL");
}

Status set_max_message_size(void* socket, int64_t bytes) {
  if (zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &bytes, sizeof bytes) != 0) return zmq_failure("ZMQ_MAXMSGSIZE");
  return Status::Ok();
}

}  // namespace picket::transport
