#include "agent/cmd/net_service.h"

#include <spdlog/spdlog.h>

#include "agent/cmd/agent_schema.h"
#include "agent/detect/config.h"
#include "agent/detect/engine.h"
#include "agent/detect/inspector.h"
#include "agent/pipeline/offline.h"

namespace picket::agent {

Result<std::unique_ptr<NetworkService>> NetworkService::open(const config::Settings& settings) {
  if (Status ns = check_network_settings(settings); !ns) return ns.error();  // agent/cmd/agent_schema.h
  capture::LiveOptions o = capture::LiveOptions::from(settings);
  const std::string file = settings.get_string("capture.file");
  if (o.interface.empty() && file.empty()) return std::unique_ptr<NetworkService>();
  auto src = file.empty() ? capture::open_live(o) : capture::open_file(file);
  if (!src) return src.error();
  return std::unique_ptr<NetworkService>(new NetworkService(settings, std::move(src.value())));
}

NetworkService::NetworkService(const config::Settings& settings, std::unique_ptr<capture::PacketSource> src)
    : settings_(settings),
      interface_(src->name()),
      cfg_(pipeline::PipelineConfig::from(settings)),
      source_(std::move(src)),
      holder_(std::make_shared<detect::EngineHolder>()) {}

NetworkService::~NetworkService() { stop(); }

Diagnostics NetworkService::load_rules(const std::vector<std::string>& rule_paths) {
  Diagnostics diag;
  if (!rule_paths.empty()) holder_->reload(rule_paths, detect::engine_config_from(settings_), &diag);
  return diag;
}

bool NetworkService::reload(const std::vector<std::string>& rule_paths, Diagnostics* diag) {
  return holder_->reload(rule_paths, detect::engine_config_from(settings_), diag);
}

size_t NetworkService::rules_loaded() const {
  auto e = holder_->current();
  return e ? e->rules().size() : 0;
}

void NetworkService::start(Submit submit) {
  router_ = std::make_unique<pipeline::AlertRouter>(cfg_, nullptr, false,
                                                    [submit = std::move(submit)](const v1::Alert& a) { submit(a); });
  running_ = true;
  thread_ = std::thread([this] {
    auto inspector = detect::make_inspector(holder_);
    std::vector<pipeline::Inspector*> inspectors{inspector.get()};
    output::EveTypes none;
    none.alert = none.flow = none.http = none.dns = none.tls = none.stats = false;
    pipeline::RunStats st = pipeline::run(*source_, cfg_, inspectors, router_.get(), nullptr, none, &stop_);
    // A replayed file read to its end is finished, not a stopped capture (no health:capture-stopped).
    replay_done_ = st.read_error.empty() && !settings_.get_string("capture.file").empty();
    running_ = false;
    if (!st.read_error.empty()) {
      spdlog::error("capture on {} failed: {}", interface_, st.read_error);
    } else if (!stop_ && !settings_.get_string("capture.file").empty()) {
      spdlog::info("capture on {} ended: the file was read to its end ({} packets)", interface_,
                   st.capture.packets);
    } else if (!stop_) {
      spdlog::error("capture on {} ended", interface_);
    }
  });
  spdlog::info("capture on {} running: {} Suricata rules, {} worker thread(s)", interface_, rules_loaded(),
               cfg_.workers);
}

void NetworkService::stop() {
  stop_ = true;
  if (source_) source_->break_loop();
  if (thread_.joinable()) thread_.join();
}

void NetworkService::fill_heartbeat(v1::Heartbeat* hb) {
  std::lock_guard lock(stats_mu_);
  const capture::CaptureStats cs = source_->stats();
  v1::Counters* c = hb->mutable_counters();
  c->set_packets(c->packets() + cs.packets);
  c->set_bytes(c->bytes() + cs.bytes);
  const uint64_t drops = cs.dropped + cs.if_dropped;
  c->set_capture_drops(c->capture_drops() + drops);
  c->set_alerts(c->alerts() + (router_ ? router_->count() : 0));
  c->set_rules_loaded(c->rules_loaded() + rules_loaded());
  hb->set_capture_running(running_.load() || replay_done_.load());
  if (auto e = holder_->current()) {
    v1::RuleSetVersion* v = hb->add_rule_sets();
    v->set_engine("suricata");
    v->set_version(std::to_string(e->generation()));
    v->set_rules_loaded(static_cast<uint32_t>(e->rules().size()));
  }
  if (drops > reported_drops_) {
    spdlog::warn("capture on {}: {} packets dropped since the last heartbeat ({} in all, {} received)", interface_,
                 drops - reported_drops_, drops, cs.received);
    reported_drops_ = drops;
  }
}

}  // namespace picket::agent
