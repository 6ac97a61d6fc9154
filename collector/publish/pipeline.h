#pragma once
// The collector's processing behind the ingest journal, for one batch of alerts at a time:
//
//   insert into the store (idempotent) -> correlate -> store incidents -> publish (exports, live stream)
//
// Each incident changed by a batch is written once for that batch (its row, plus member rows appended)
// and published once: its current fields, its status as stored, and the members the batch added (not the
// whole list again; `picketctl incident ID` reads the timeline from the store).
//
// plus, on tick(): agent health checks (their alerts take the same path), correlation window closing,
// saving correlation state and retention.
//
//   Pipeline p(*store, engine, health, {.state_interval_us = 5'000'000});
//   p.add_sink(std::move(eve_sink));
//   p.set_stream(&live);
//   if (Status s = p.start(now); !s) ...                 // restores correlation state, seeds health
//   p.process(batch, now);                               // from the journal feeder
//   p.tick(now);                                         // every ~second
//   p.save_state();                                      // at shutdown
//
// Agent names and organisation labels come from `set_agent_directory` (the enrolment allow-list), else
// from Hello messages seen by health, else the key's hex prefix.
//
// A batch of at least `parallel_min` alerts is correlated on a second thread (SideWorker) while the feeder
// thread inserts it into the store; the engine is only touched by one of them at a time.
//
// Threads: one thread (the feeder thread) calls everything; post_hello/post_heartbeat from any.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/correlate/engine.h"
#include "collector/health/health.h"
#include "collector/publish/side_worker.h"
#include "collector/publish/sink.h"
#include "collector/publish/stream.h"
#include "collector/store/store.h"
#include "common/result.h"

namespace picket::collector::publish {

struct IncomingAlert {
  std::string agent_key;  // 32 raw bytes
  std::string epoch;      // 16 raw bytes
  int64_t received_us = 0;
  v1::Alert alert;
  std::string raw;        // `alert` serialised (the journal record) when it is exactly that; else empty
};

struct PipelineOptions {
  int64_t state_interval_us = 5'000'000;
  int64_t health_interval_us = 1'000'000;
  int64_t retention_interval_us = 600'000'000;
  int64_t max_age_us = 0;
  uint64_t max_bytes = 0;
  size_t parallel_min = 256;  // batches this large correlate beside the store insert; 0: never
};

struct PipelineStats {
  uint64_t alerts_in = 0;
  uint64_t alerts_new = 0;        // not already in the store
  uint64_t incidents_created = 0;
  uint64_t incidents_updated = 0;
  uint64_t health_alerts = 0;
  uint64_t state_saves = 0;
};

// name and labels of an agent by raw key; false when unknown.
using AgentDirectory =
    std::function<bool(const std::string& key, std::string* name, std::map<std::string, std::string>* labels)>;

class Pipeline {
 public:
  Pipeline(store::Store& store, correlate::Engine& engine, health::HealthMonitor& health, PipelineOptions options);

  void add_sink(std::unique_ptr<Sink> sink) { sinks_.push_back(std::move(sink)); }
  void set_stream(LiveStream* stream) { stream_ = stream; }
  void set_agent_directory(AgentDirectory dir) { directory_ = std::move(dir); }

  Status start(int64_t now_us);
  // A failed process() (the store busy or failing) rolled the batch's writes back; call it again with the
  // same batch: the alerts are inserted then, and the incident changes correlation made the first time
  // (kept pending) are written with them. Alerts and incidents are published once committed.
  //
  // `next`, when given, is the batch the caller will process next: it is correlated on the side worker
  // while this batch is stored (the caller keeps it alive and unchanged until it is processed, or until
  // wait_side()). A batch correlated ahead is not correlated again.
  Status process(std::vector<IncomingAlert>& batch, int64_t now_us, std::vector<IncomingAlert>* next = nullptr);
  // Waits for correlation running on the side worker; its incident changes are kept pending.
  void wait_side();
  Status tick(int64_t now_us);
  Status save_state();

  // Agent hellos and heartbeats, from any thread (ingest's): queued, applied by the next tick() - health
  // (silence, capture stopped, drops, clock skew) and the agents table (version, last counters).
  void post_hello(std::string agent_key, v1::Hello hello, int64_t received_us);
  void post_heartbeat(std::string agent_key, v1::Heartbeat heartbeat, int64_t received_us);

  const PipelineStats& stats() const { return stats_; }
  const std::vector<std::unique_ptr<Sink>>& sinks() const { return sinks_; }

 private:
  struct AgentInfo {
    std::string name;
    std::string org;
    std::map<std::string, std::string> labels;
    int64_t last_seen_us = 0;
    std::string version;
    v1::Counters counters;
    bool dirty = false;
  };
  AgentInfo& agent(const std::string& key);
  Status process_in_transaction(std::vector<IncomingAlert>& batch, int64_t now_us, std::vector<IncomingAlert>* next);
  void absorb_updates(std::vector<correlate::IncidentUpdate>& updates);  // into pending_
  Status write_pending();                                                 // pending_ -> store
  void publish_committed(std::vector<IncomingAlert>* batch);
  Status flush_agents();
  Status drain_inbox(int64_t now_us);
  // Stores the raised health alerts with any that an earlier tick could not store; kept until stored.
  Status store_health(std::vector<health::HealthAlert>& raised, int64_t now_us);

  struct Posted {
    std::string key;
    int64_t received_us = 0;
    bool is_hello = false;
    v1::Hello hello;
    v1::Heartbeat heartbeat;
  };
  std::mutex inbox_mu_;
  std::vector<Posted> inbox_;

  store::Store& store_;
  correlate::Engine& engine_;
  health::HealthMonitor& health_;
  PipelineOptions opt_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  LiveStream* stream_ = nullptr;
  AgentDirectory directory_;
  std::unordered_map<std::string, AgentInfo> agents_;
  int64_t last_state_us_ = 0, last_health_us_ = 0, last_retention_us_ = 0;
  PipelineStats stats_;
  std::vector<bool> fresh_;                              // per alert of the batch: new in the store
  std::vector<IncomingAlert> health_pending_;            // health alerts raised, not yet stored
  std::vector<v1::Incident> pending_;                    // incident changes not yet committed/published
  std::unordered_map<std::string, size_t> pending_index_;  // incident id -> index in pending_
  std::vector<store::AlertInput> inputs_;                // reused per batch
  std::vector<correlate::IncidentUpdate> updates_;       // correlation on this thread
  // Correlation on the side worker: of which batch, its inputs, its output (absorbed by wait_side()).
  const std::vector<IncomingAlert>* side_batch_ = nullptr;
  bool side_running_ = false;
  std::vector<store::AlertInput> side_inputs_;
  std::vector<correlate::IncidentUpdate> side_updates_;
  void prepare_inputs(std::vector<IncomingAlert>& batch, int64_t now_us, std::vector<store::AlertInput>* inputs);
  void start_side(std::vector<IncomingAlert>& batch, int64_t now_us);
  void correlate_batch(const std::vector<IncomingAlert>& batch, const std::vector<store::AlertInput>& inputs,
                       std::vector<correlate::IncidentUpdate>* updates);
  SideWorker side_;  // last: destroyed (joined) first
};

}  // namespace picket::collector::publish
