#include "collector/ingest/zap.h"

#include <zmq.h>

#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "common/transport/keys.h"
#include "common/transport/socket_options.h"

namespace picket::collector {

ZapHandler::ZapHandler(void* zmq_context, const AllowListWatcher& allow_list)
    : ctx_(zmq_context), allow_list_(allow_list) {}

ZapHandler::~ZapHandler() { stop(); }

Status ZapHandler::start() {
  sock_ = zmq_socket(ctx_, ZMQ_REP);
  int linger = 0;
  zmq_setsockopt(sock_, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_bind(sock_, transport::kZapEndpoint) != 0) {
    Error e{.message = std::string("cannot bind the ZAP handler on ") + transport::kZapEndpoint + ": " +
                       zmq_strerror(zmq_errno())};
    zmq_close(sock_);
    sock_ = nullptr;
    return e;
  }
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void ZapHandler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (sock_ != nullptr) zmq_close(sock_);
  sock_ = nullptr;
}

void ZapHandler::run() {
  RateLimitedLog refused_log(std::chrono::seconds(5));
  zmq_pollitem_t item{sock_, 0, ZMQ_POLLIN, 0};
  while (!stop_) {
    if (zmq_poll(&item, 1, 100) <= 0) continue;
    // Request: version, request id, domain, address, identity, mechanism, credentials...
    std::vector<std::string> frames;
    int more = 1;
    while (more) {
      zmq_msg_t m;
      zmq_msg_init(&m);
      if (zmq_msg_recv(&m, sock_, 0) < 0) {
        zmq_msg_close(&m);
        break;
      }
      if (frames.size() < 16) frames.emplace_back(static_cast<const char*>(zmq_msg_data(&m)), zmq_msg_size(&m));
      more = zmq_msg_more(&m);
      zmq_msg_close(&m);
    }
    const std::string request_id = frames.size() > 1 ? frames[1] : std::string();
    std::string status = "400";
    std::string text = "refused";
    std::string user_id;
    if (frames.size() < 6 || frames[0] != "1.0") {
      text = "malformed ZAP request";
    } else if (frames[2] != transport::kZapDomain) {
      text = "wrong domain";
    } else if (frames[5] != "CURVE" || frames.size() < 7 || frames[6].size() != 32) {
      text = "only CURVE is accepted";
    } else {
      transport::KeyBytes key;
      std::copy(frames[6].begin(), frames[6].end(), key.begin());
      const std::string z85 = transport::bytes_to_z85(key);
      if (allow_list_.current()->allows(z85)) {
        status = "200";
        text = "OK";
        user_id = z85;
      } else {
        text = "key not enrolled or revoked";
        user_id.clear();
        uint64_t suppressed = 0;
        if (refused_log.allow(&suppressed)) {
          spdlog::warn("ingest: refused connection from {} with key {} ({} similar refusals not logged)",
                       frames[3], z85, suppressed);
        }
      }
    }
    if (status == "200") {
      ++accepted_;
    } else {
      ++refused_;
    }
    const std::string reply[] = {"1.0", request_id, status, text, user_id, ""};
    for (size_t i = 0; i < 6; ++i) {
      zmq_send(sock_, reply[i].data(), reply[i].size(), i + 1 < 6 ? ZMQ_SNDMORE : 0);
    }
  }
}

}  // namespace picket::collector
