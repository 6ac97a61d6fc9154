#pragma once
// ZeroMQ socket options the agent's DEALER and the collector's ROUTER must set, as checked helpers.
//
//   void* s = zmq_socket(ctx, ZMQ_DEALER);
//   if (Status st = picket::transport::set_curve_client(s, pair, server_pub); !st) ...
//   (void)picket::transport::set_heartbeats(s, std::chrono::seconds(5));
//
// Call them before bind/connect, from the thread that owns the socket.
#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.h"
#include "common/transport/keys.h"

namespace picket::transport {

// ZAP domain the collector's sockets use; ZMQ_ZAP_ENFORCE_DOMAIN requires a non-empty one.
inline constexpr const char* kZapDomain = "picket";
inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

Status set_int_option(void* socket, int option, int value, const char* name);
// CURVE server with ZAP domain enforcement on (no connection admitted unless ZAP says 200).
Status set_curve_server(void* socket, const KeyPair& server);
Status set_curve_client(void* socket, const KeyPair& client, const std::string& server_public_z85);
// ZMTP heartbeats: PING every `interval`, drop the peer after 3 silent intervals; TTL tells the peer the same.
Status set_heartbeats(void* socket, std::chrono::milliseconds interval);
Status set_max_message_size(void* socket, int64_t bytes);

}  // namespace picket::transport
