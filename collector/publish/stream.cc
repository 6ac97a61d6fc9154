#include "collector/publish/stream.h"

#include <zmq.h>

#include "collector/ingest/allow_list.h"
#include "collector/ingest/zap.h"
#include <spdlog/spdlog.h>
#include "common/transport/socket_options.h"

namespace picket::collector::publish {

LiveStream::LiveStream(StreamOptions options) : opt_(std::move(options)) {}

LiveStream::~LiveStream() { stop(); }

Status LiveStream::start() {
  watcher_ = std::make_unique<AllowListWatcher>(opt_.operators_path);
  if (Status s = watcher_->load(); !s) return s;
  ctx_ = zmq_ctx_new();
  if (!ctx_) return Error{.message = "live stream: cannot create a ZeroMQ context"};
  zap_ = std::make_unique<ZapHandler>(ctx_, *watcher_);
  if (Status s = zap_->start(); !s) return s;
  router_ = zmq_socket(ctx_, ZMQ_ROUTER);
  if (!router_) return Error{.message = "live stream: cannot create the ROUTER socket"};
  if (Status s = transport::set_curve_server(router_, opt_.server); !s) return s;
  if (Status s = transport::set_int_option(router_, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY"); !s) return s;
  if (Status s = transport::set_int_option(router_, ZMQ_SNDHWM, opt_.queue_per_operator, "ZMQ_SNDHWM"); !s) return s;
  if (Status s = transport::set_int_option(router_, ZMQ_LINGER, 0, "ZMQ_LINGER"); !s) return s;
  (void)transport::set_heartbeats(router_, std::chrono::seconds(5));
  if (zmq_bind(router_, opt_.listen.c_str()) != 0) {
    return Error{.message = "live stream: cannot listen on " + opt_.listen + ": " + zmq_strerror(zmq_errno())};
  }
  char buf[256];
  size_t len = sizeof buf;
  if (zmq_getsockopt(router_, ZMQ_LAST_ENDPOINT, buf, &len) == 0) bound_ = buf;
  thread_ = std::thread([this] { run(); });
  return {};
}

void LiveStream::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (router_) zmq_close(router_);
  router_ = nullptr;
  if (zap_) zap_->stop();
  zap_.reset();
  if (ctx_) zmq_ctx_term(ctx_);
  ctx_ = nullptr;
}

void LiveStream::publish_alert(const v1::Alert& a, const std::string& agent, const std::string& org) {
  v1::Envelope env;
  env.set_schema_version(v1::SCHEMA_VERSION_1);
  v1::Alert* copy = env.mutable_alert();
  *copy = a;
  if (!agent.empty()) (*copy->mutable_metadata())["agent"] = agent;
  if (!org.empty()) (*copy->mutable_metadata())["org"] = org;
  enqueue(env.SerializeAsString());
}

void LiveStream::publish_incident(const v1::Incident& inc) {
  v1::Envelope env;
  env.set_schema_version(v1::SCHEMA_VERSION_1);
  *env.mutable_incident() = inc;
  enqueue(env.SerializeAsString());
}

void LiveStream::enqueue(std::string frame) {
  ++published_;
  std::lock_guard<std::mutex> lock(mu_);
  if (operators_.empty()) return;  // nobody watching
  if (pending_.size() >= opt_.max_pending) {
    ++dropped_;
    return;
  }
  pending_.push_back(std::move(frame));
}

StreamStats LiveStream::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {.operators = operators_.size(), .published = published_, .sent = sent_, .dropped = dropped_};
}

std::vector<OperatorStats> LiveStream::operators() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<OperatorStats> out;
  for (const auto& [rid, op] : operators_) out.push_back({.name = op.name, .sent = op.sent, .dropped = op.dropped});
  return out;
}

void LiveStream::run() {
  std::deque<std::string> batch;
  auto last_poll = std::chrono::steady_clock::now();
  while (!stop_) {
    zmq_pollitem_t item{router_, 0, ZMQ_POLLIN, 0};
    zmq_poll(&item, 1, 20);
    auto now = std::chrono::steady_clock::now();
    // Subscriptions and keep-alives: [routing id][anything].
    while (true) {
      zmq_msg_t rid, body;
      zmq_msg_init(&rid);
      if (zmq_msg_recv(&rid, router_, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&rid);
        break;
      }
      std::string routing(static_cast<const char*>(zmq_msg_data(&rid)), zmq_msg_size(&rid));
      zmq_msg_init(&body);
      int more = zmq_msg_more(&rid);
      std::string user;
      if (more && zmq_msg_recv(&body, router_, 0) >= 0) {
        if (const char* uid = zmq_msg_gets(&body, "User-Id")) user = uid;
        while (zmq_msg_more(&body)) {
          zmq_msg_close(&body);
          zmq_msg_init(&body);
          if (zmq_msg_recv(&body, router_, 0) < 0) break;
        }
      }
      zmq_msg_close(&body);
      zmq_msg_close(&rid);
      auto list = watcher_->current();
      const AgentEntry* who = list ? list->by_key(user) : nullptr;
      if (!who || who->revoked) continue;
      std::lock_guard<std::mutex> lock(mu_);
      Operator& op = operators_[routing];
      if (op.name.empty()) spdlog::info("live stream: operator '{}' subscribed", who->name);
      op.name = who->name;
      op.last_seen = now;
    }
    if (now - last_poll > std::chrono::seconds(1)) {
      last_poll = now;
      watcher_->poll();
      std::lock_guard<std::mutex> lock(mu_);
      auto list = watcher_->current();
      for (auto it = operators_.begin(); it != operators_.end();) {
        const AgentEntry* who = list ? list->by_name(it->second.name) : nullptr;
        bool expired = now - it->second.last_seen > opt_.subscriber_timeout;
        it = (expired || !who || who->revoked) ? operators_.erase(it) : std::next(it);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(pending_);
    }
    for (const std::string& frame : batch) {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = operators_.begin(); it != operators_.end();) {
        const std::string& routing = it->first;
        if (zmq_send(router_, routing.data(), routing.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
          int err = zmq_errno();
          if (err == EHOSTUNREACH) {
            it = operators_.erase(it);
            continue;
          }
          ++it->second.dropped;
          ++dropped_;
          ++it;
          continue;
        }
        if (zmq_send(router_, frame.data(), frame.size(), ZMQ_DONTWAIT) < 0) {
          ++it->second.dropped;
          ++dropped_;
        } else {
          ++it->second.sent;
          ++sent_;
        }
        ++it;
      }
    }
    batch.clear();
  }
}

}  // namespace picket::collector::publish
