#include "agent/transport/forwarder.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "agent/transport/transport_keys.h"

namespace picket::agent {

Result<std::unique_ptr<OfflineForwarder>> OfflineForwarder::open(const config::Settings& settings) {
  if (!settings.get_bool("transport.forward-offline")) return std::unique_ptr<OfflineForwarder>();
  Result<TransportConfig> cfg = transport_config_from(settings);
  if (!cfg) return cfg.error();
  auto spool = Spool::open(cfg->spool);
  if (!spool) return spool.error();
  std::unique_ptr<OfflineForwarder> f(new OfflineForwarder());
  f->spool_ = std::move(spool.value());
  f->outbox_ = std::make_unique<Outbox>(*f->spool_, cfg->sender.host_name);
  f->endpoint_ = cfg->sender.endpoint;
  f->timeout_ = settings.get_duration("transport.forward-timeout");
  f->sender_ = std::make_unique<Sender>(*f->spool_, cfg->sender);
  if (Status s = f->sender_->start(); !s) return s.error();
  return f;
}

OfflineForwarder::~OfflineForwarder() {
  if (sender_) sender_->stop();
}

bool OfflineForwarder::submit(v1::Alert alert) {
  ++submitted_;
  return outbox_->submit(std::move(alert));
}

Status OfflineForwarder::finish() {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (spool_->acked_seq() < spool_->last_seq() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const uint64_t left = spool_->last_seq() - spool_->acked_seq();
  sender_->stop();
  if (left > 0) {
    return Error{.message = "transport.forward-offline: " + std::to_string(left) + " alerts not acknowledged by " +
                            endpoint_ + " within transport.forward-timeout; they stay in the spool " +
                            spool_->dir()};
  }
  spdlog::info("forwarded {} alerts to {}; all acknowledged", submitted_.load(), endpoint_);
  return Status::Ok();
}

}  // namespace picket::agent
