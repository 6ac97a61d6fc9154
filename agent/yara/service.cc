#include "agent/yara/service.h"

#include <spdlog/spdlog.h>

#include "agent/yara/rule_cache.h"

namespace picket::yara {

YaraService::YaraService(MonitorOptions options, AlertCallback on_alert)
    : options_(std::move(options)), on_alert_(std::move(on_alert)) {}

YaraService::~YaraService() { stop(); }

Diagnostics YaraService::reload() {
  std::lock_guard lock(reload_mu_);
  Diagnostics diag;
  if (options_.rules.empty()) {
    return diag;
  }
  LoadedRules loaded = load_rules(options_.rules, options_.rules_cache_dir);
  diag = loaded.diag;
  if (!loaded.rules) {
    diag.add({.message = "no YARA rule loaded; keeping the previous rule set"});
    return diag;
  }
  store_->set(loaded.rules);
  spdlog::info("yara: {} rules from {} files ({} rejected){}", loaded.rules->rule_count(), loaded.loaded.size(),
               loaded.failed.size(), loaded.from_cache ? ", from cache" : "");
  return diag;
}

Diagnostics YaraService::start() {
  Diagnostics diag = reload();
  if (options_.watch.empty()) {
    return diag;
  }
  monitor_ = std::make_unique<FileMonitor>(options_, store_, on_alert_);
  if (auto st = monitor_->start(); !st) {
    diag.add(st.error());
  }
  return diag;
}

void YaraService::stop() {
  if (monitor_) {
    monitor_->stop();
  }
}

MonitorStats YaraService::stats() const { return monitor_ ? monitor_->stats() : MonitorStats{}; }

uint32_t YaraService::rules_loaded() const {
  auto set = store_->get();
  return set ? set->rule_count() : 0;
}

}  // namespace picket::yara
