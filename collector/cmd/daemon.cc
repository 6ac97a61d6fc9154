// picket-collector's run loop. Services start in order and stop in reverse; add new ones in build_services.
#include "collector/cmd/daemon.h"

#include <signal.h>

#include <iostream>
#include <memory>
#include <vector>

#include <spdlog/spdlog.h>

#include "collector/cmd/pipeline_service.h"
#include "collector/cmd/service.h"
#include "collector/ingest/ingest.h"
#include "collector/ingest/ingest_keys.h"
#include "common/cli.h"

namespace picket::collector {
namespace {

class IngestService : public Service {
 public:
  explicit IngestService(IngestOptions options) : server_(std::move(options)) {}
  std::string_view name() const override { return "ingest"; }
  Status start() override { return server_.start(); }
  void stop() override {
    server_.stop();
    const IngestStats s = server_.stats();
    spdlog::info("ingest: stopped: {} alerts stored, {} duplicates, {} bad frames, {} unauthorised, {} acks",
                 s.alerts_stored, s.duplicates, s.bad_frames, s.unauthorised, s.acks_sent);
  }
  bool failed() const override { return server_.failed(); }
  IngestServer& server() { return server_; }

 private:
  IngestServer server_;
};

}  // namespace

int run_collector(const config::Settings& settings) {
  // Signals are taken synchronously by this thread; block them before any service thread starts.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  Result<IngestOptions> ingest_options = ingest_options_from(settings);
  if (!ingest_options) {
    std::cerr << ingest_options.error().format() << '\n';
    return kExitConfigError;
  }
  std::vector<std::unique_ptr<Service>> services;
  auto ingest = std::make_unique<IngestService>(std::move(ingest_options.value()));
  [[maybe_unused]] IngestServer& ingest_server = ingest->server();
  services.push_back(std::move(ingest));
  services.push_back(make_pipeline_service(settings, ingest_server));
  // Services that read behind the ingest journal are added here, e.g.:
  //   services.push_back(std::make_unique<StoreService>(settings, ingest_server.journal()));

  size_t started = 0;
  int rc = kExitOk;
  for (; started < services.size(); ++started) {
    if (Status s = services[started]->start(); !s) {
      std::cerr << "picket-collector: " << services[started]->name() << ": " << s.error().format() << '\n';
      rc = kExitFailure;
      break;
    }
  }
  if (rc == kExitOk) {
    spdlog::info("picket-collector {} running", PICKET_VERSION);
    timespec tick{1, 0};
    while (true) {
      siginfo_t info;
      if (sigtimedwait(&sigs, &info, &tick) > 0) {
        spdlog::info("picket-collector: signal {}: stopping", info.si_signo);
        break;
      }
      bool failed = false;
      for (const auto& svc : services) {
        if (svc->failed()) {
          spdlog::critical("picket-collector: service {} failed: stopping", svc->name());
          failed = true;
        }
      }
      if (failed) {
        rc = kExitFailure;
        break;
      }
    }
  }
  while (started > 0) services[--started]->stop();
  return rc;
}

}  // namespace picket::collector
