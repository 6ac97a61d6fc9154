#pragma once
// Everything the daemon needs for YARA and FIM in one object: load the rules (through the compiled-rules
// cache), watch files.watch with the FileMonitor, reload the rules on request (SIGHUP) with an atomic swap.
//
//   picket::yara::YaraService yara(picket::yara::monitor_options_from(settings),
//                                  [&](picket::v1::Alert a) { spool.push(std::move(a)); });  // thread-safe sink
//   picket::Diagnostics diag = yara.start();        // rule errors (FILE:LINE: message) and watch errors
//   picket::yara::SighupReloader hup([&] { for (auto& e : yara.reload().errors()) log(e.format()); });
//   auto net = yara.rules();                        // share with NetContentScanner (net_scan.h)
//   ...
//   yara.stop();
//
// start/stop from the owning thread; reload(), rules(), stats() from any thread. A reload that loads no
// rule at all keeps the previous set (and says so in its diagnostics).
#include <memory>
#include <mutex>

#include "agent/yara/keys.h"
#include "agent/yara/monitor.h"
#include "agent/yara/rule_store.h"
#include "common/error.h"

namespace picket::yara {

class YaraService {
 public:
  YaraService(MonitorOptions options, AlertCallback on_alert);
  ~YaraService();
  YaraService(const YaraService&) = delete;
  YaraService& operator=(const YaraService&) = delete;

  Diagnostics start();
  Diagnostics reload();
  void stop();
  std::shared_ptr<RuleStore> rules() const { return store_; }
  MonitorStats stats() const;
  uint32_t rules_loaded() const;

 private:
  const MonitorOptions options_;
  AlertCallback on_alert_;
  std::shared_ptr<RuleStore> store_ = std::make_shared<RuleStore>();
  std::unique_ptr<FileMonitor> monitor_;
  std::mutex reload_mu_;
};

}  // namespace picket::yara
