#include "collector/cmd/pipeline_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "collector/correlate/correlate_config.h"
#include "collector/health/health.h"
#include "collector/ingest/ingest.h"
#include "collector/ingest/ingest_keys.h"
#include "collector/publish/eve_file.h"
#include "collector/publish/feeder.h"
#include "collector/publish/pipeline.h"
#include "collector/publish/stream.h"
#include "collector/publish/syslog_cef.h"
#include "collector/store/sqlite_store.h"
#include "collector/store/store_config.h"
#include "common/transport/keys.h"

namespace picket::collector {
namespace {

correlate::RuleSet load_rules(const config::Settings& settings, Diagnostics* diag) {
  correlate::RuleSet set;
  for (const std::string& p : correlate::rule_paths(settings)) correlate::load_rule_path(p, &set, diag);
  correlate::validate_rule_set(&set, diag);
  return set;
}

// Hands the ingest thread's Hellos and Heartbeats to the pipeline (queued; applied on its next tick).
class ControlToPipeline : public AgentControlListener {
 public:
  explicit ControlToPipeline(publish::Pipeline& p) : p_(p) {}
  void on_hello(std::string key, v1::Hello hello, int64_t received_us) override {
    p_.post_hello(std::move(key), std::move(hello), received_us);
  }
  void on_heartbeat(std::string key, v1::Heartbeat hb, int64_t received_us) override {
    p_.post_heartbeat(std::move(key), std::move(hb), received_us);
  }

 private:
  publish::Pipeline& p_;
};

class PipelineService : public Service {
 public:
  PipelineService(const config::Settings& settings, IngestServer& ingest) : settings_(settings), ingest_(ingest) {}
  std::string_view name() const override { return "store"; }

  Status start() override {
    const config::Settings& s = settings_;
    store::StoreOptions so = store::store_options(s);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(so.path).parent_path(), ec);
    auto st = store::open_sqlite({.path = so.path});
    if (!st) return st.error();
    store_ = std::move(st.value());

    Diagnostics diag;
    correlate::RuleSet rules = load_rules(s, &diag);
    for (const auto& e : diag.errors()) spdlog::error("correlation: {}", e.format());
    spdlog::info("correlation: {} rules loaded ({} errors)", rules.rules.size(), diag.errors().size());
    engine_ = std::make_unique<correlate::Engine>(std::move(rules), correlate::engine_options(s));
    health_ = std::make_unique<health::HealthMonitor>(health::health_options(s));
    pipeline_ = std::make_unique<publish::Pipeline>(
        *store_, *engine_, *health_,
        publish::PipelineOptions{.state_interval_us = correlate::state_interval_us(s),
                                 .retention_interval_us = so.retention_interval_us,
                                 .max_age_us = so.max_age_us,
                                 .max_bytes = so.max_bytes});
    const AllowListWatcher& allow = ingest_.allow_list();
    pipeline_->set_agent_directory(
        [&allow](const std::string& key, std::string* name, std::map<std::string, std::string>* labels) {
          transport::KeyBytes kb{};
          if (key.size() != kb.size()) return false;
          std::copy(key.begin(), key.end(), kb.begin());
          auto list = allow.current();
          const AgentEntry* e = list ? list->by_key(transport::bytes_to_z85(kb)) : nullptr;
          if (!e) return false;
          *name = e->name;
          *labels = e->labels;
          return true;
        });
    if (s.get_bool("publish.eve.enabled")) {
      auto sink = publish::make_eve_file_sink({.path = s.get_string("publish.eve.path"),
                                               .max_bytes = s.get_size("publish.eve.rotate-size"),
                                               .keep = static_cast<int>(s.get_int("publish.eve.keep"))});
      if (!sink) return sink.error();
      pipeline_->add_sink(std::move(sink.value()));
    }
    if (s.get_bool("publish.syslog.enabled")) {
      auto sink = publish::make_syslog_cef_sink({.target = s.get_string("publish.syslog.target")});
      if (!sink) return sink.error();
      pipeline_->add_sink(std::move(sink.value()));
    }
    if (s.get_bool("publish.stream.enabled")) {
      publish::StreamOptions o;
      o.listen = s.get_string("publish.stream.listen");
      o.queue_per_operator = static_cast<int>(s.get_int("publish.stream.queue"));
      o.operators_path = s.get_string("publish.stream.operators");
      if (o.operators_path.empty()) o.operators_path = s.get_string("collector.state-dir") + "/operators.yaml";
      std::string key_path = s.get_string("publish.stream.key");
      if (!key_path.empty()) {
        auto pair = transport::load_secret_key(key_path);
        if (!pair) return pair.error();
        o.server = pair.value();
      } else {
        auto io = ingest_options_from(s);
        if (!io) return io.error();
        o.server = io->server;
      }
      stream_ = std::make_unique<publish::LiveStream>(std::move(o));
      if (Status st2 = stream_->start(); !st2) return st2;
      spdlog::info("live stream for operators on {}", stream_->bound_endpoint());
      pipeline_->set_stream(stream_.get());
    }
    feeder_ = std::make_unique<publish::JournalFeeder>(ingest_.journal().dir(), &ingest_.journal(), *pipeline_,
                                                       static_cast<size_t>(s.get_int("store.batch")),
                                                       s.get_size("ingest.journal-retain-size"));
    feeder_->set_nice(static_cast<int>(s.get_int("store.feeder-nice")));
    if (Status fs = feeder_->start(); !fs) return fs;
    control_ = std::make_unique<ControlToPipeline>(*pipeline_);
    ingest_.set_control_listener(control_.get());
    return {};
  }

  void stop() override {
    ingest_.set_control_listener(nullptr);
    if (feeder_) feeder_->stop();
    if (stream_) stream_->stop();
    if (pipeline_) {
      const auto& p = pipeline_->stats();
      spdlog::info("store: stopped: {} alerts ({} new), {} incidents created, {} health alerts", p.alerts_in,
                   p.alerts_new, p.incidents_created, p.health_alerts);
    }
  }
  bool failed() const override { return feeder_ && feeder_->failed(); }

 private:
  const config::Settings& settings_;
  IngestServer& ingest_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<correlate::Engine> engine_;
  std::unique_ptr<health::HealthMonitor> health_;
  std::unique_ptr<publish::Pipeline> pipeline_;
  std::unique_ptr<publish::LiveStream> stream_;
  std::unique_ptr<publish::JournalFeeder> feeder_;
  std::unique_ptr<ControlToPipeline> control_;
};

}  // namespace

std::unique_ptr<Service> make_pipeline_service(const config::Settings& settings, IngestServer& ingest) {
  return std::make_unique<PipelineService>(settings, ingest);
}

size_t check_correlation_rules(const config::Settings& settings, Diagnostics* diag) {
  return load_rules(settings, diag).rules.size();
}

}  // namespace picket::collector
