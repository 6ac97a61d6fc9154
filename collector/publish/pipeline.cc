#include "collector/publish/pipeline.h"

#include <spdlog/spdlog.h>

namespace picket::collector::publish {

namespace {
constexpr const char* kStateName = "correlation";
}

Pipeline::Pipeline(store::Store& store, correlate::Engine& engine, health::HealthMonitor& health,
                   PipelineOptions options)
    : store_(store), engine_(engine), health_(health), opt_(options) {}

Status Pipeline::start(int64_t now_us) {
  auto blob = store_.get_state(kStateName);
  if (!blob) return blob.error();
  if (blob->has_value()) {
    if (Status s = engine_.restore(**blob); !s) {
      spdlog::warn("correlation: saved state not restored ({}); starting with empty windows", s.error().format());
    }
  }
  auto agents = store_.agents();
  if (!agents) return agents.error();
  health_.seed(*agents, now_us);
  for (const auto& a : *agents) {
    AgentInfo& info = agents_[a.key];
    info.name = a.name;
    info.labels = a.labels;
    info.org = store::org_label(a.labels);
    info.last_seen_us = a.last_seen_us;
  }
  last_state_us_ = last_health_us_ = last_retention_us_ = now_us;
  return {};
}

Pipeline::AgentInfo& Pipeline::agent(const std::string& key) {
  auto [it, fresh] = agents_.try_emplace(key);
  AgentInfo& info = it->second;
  if (fresh || info.name.empty()) {
    std::string name;
    std::map<std::string, std::string> labels;
    if (directory_ && directory_(key, &name, &labels)) {
      info.name = name;
      info.labels = labels;
      info.org = store::org_label(labels);
      info.dirty = true;
    } else if (std::string org; health_.describe(key, &name, &org) && !name.empty()) {
      info.name = name;
      info.org = org;
      info.dirty = true;
    } else if (info.name.empty()) {
      info.name = store::to_hex(key.substr(0, 6));
      info.dirty = true;
    }
  }
  return info;
}

Status Pipeline::process(std::vector<IncomingAlert>& batch, int64_t now_us, std::vector<IncomingAlert>* next) {
  if (batch.empty()) return {};
  // One transaction (one sync) for the batch's alerts, incident updates and agents, not one per write.
  fresh_.clear();
  if (Status s = store_.in_transaction([&] { return process_in_transaction(batch, now_us, next); }); !s) {
    // Rolled back. The correlation engine has counted the batch already (a retry is skipped as a replay),
    // so its incident changes stay pending and are written by the next transaction that commits.
    return s;
  }
  publish_committed(&batch);
  return {};
}

void Pipeline::wait_side() {
  if (!side_running_) return;
  side_.wait();
  side_running_ = false;
  absorb_updates(side_updates_);
  side_updates_.clear();
}

void Pipeline::prepare_inputs(std::vector<IncomingAlert>& batch, int64_t now_us,
                              std::vector<store::AlertInput>* inputs) {
  inputs->clear();
  inputs->reserve(batch.size());
  for (IncomingAlert& in : batch) {
    AgentInfo& info = agent(in.agent_key);
    int64_t seen = in.received_us ? in.received_us : now_us;
    if (seen > info.last_seen_us) {
      info.last_seen_us = seen;
      info.dirty = true;
    }
    if (in.epoch != health::health_epoch()) health_.on_activity(in.agent_key, seen);
    inputs->push_back({.agent_key = in.agent_key, .epoch = in.epoch, .agent = info.name, .org = info.org,
                       .alert = &in.alert, .received_us = seen, .raw = in.raw});
  }
}

void Pipeline::correlate_batch(const std::vector<IncomingAlert>& batch, const std::vector<store::AlertInput>& inputs,
                               std::vector<correlate::IncidentUpdate>* updates) {
  for (size_t i = 0; i < batch.size(); ++i) {
    const store::AlertInput& in = inputs[i];
    engine_.process(correlate::Event::from_alert(batch[i].alert, in.agent_key, in.epoch, in.agent, in.org), updates);
  }
  engine_.flush(updates);
}

void Pipeline::start_side(std::vector<IncomingAlert>& batch, int64_t now_us) {
  wait_side();
  // The views in side_inputs_ (agent names, organisations) stay valid while the worker runs: agents_ is
  // only changed by drain_inbox(), and tick() waits for the worker first.
  prepare_inputs(batch, now_us, &side_inputs_);
  side_batch_ = &batch;
  side_running_ = true;
  side_.start([this, &batch] { correlate_batch(batch, side_inputs_, &side_updates_); });
}

void Pipeline::publish_committed(std::vector<IncomingAlert>* batch) {
  if (batch != nullptr && (!sinks_.empty() || stream_ != nullptr)) {
    for (size_t i = 0; i < batch->size() && i < fresh_.size(); ++i) {
      if (!fresh_[i]) continue;  // already published before a restart
      const IncomingAlert& in = (*batch)[i];
      const AgentInfo& info = agent(in.agent_key);
      for (auto& s : sinks_) s->alert(in.alert, info.name, info.org);
      if (stream_) stream_->publish_alert(in.alert, info.name, info.org);
    }
  }
  // Each incident with its status as stored (an operator may have set it) and the members this batch
  // added; the whole timeline is in the store (picketctl incident ID).
  for (const v1::Incident& inc : pending_) {
    for (auto& s : sinks_) s->incident(inc);
    if (stream_) stream_->publish_incident(inc);
  }
  pending_.clear();
  pending_index_.clear();
}

Status Pipeline::process_in_transaction(std::vector<IncomingAlert>& batch, int64_t now_us,
                                        std::vector<IncomingAlert>* next) {
  std::vector<store::AlertInput>& inputs = inputs_;
  const bool ahead = side_batch_ == &batch;  // correlated (or being correlated) on the side worker already
  if (!ahead) {
    // Another batch on the worker (a retry of this one while the next is ahead, or health alerts): the
    // engine serves one thread at a time.
    wait_side();
    side_batch_ = nullptr;
  }
  // Prepared again even when the side worker had them for this batch: those views of agent names and
  // organisations were only safe while it ran, and a tick since (drain_inbox) may have renamed an agent.
  prepare_inputs(batch, now_us, &inputs);
  bool correlated = ahead;
  if (!ahead && opt_.parallel_min > 0 && batch.size() >= opt_.parallel_min) {
    // Correlation needs nothing from the insert: correlate beside it.
    start_side(batch, now_us);
    correlated = true;
  }
  if (correlated && next != nullptr && !next->empty()) {
    // This batch's correlation first (engine order is arrival order), then the next batch's beside this
    // batch's store writes.
    wait_side();
    start_side(*next, now_us);
  }
  auto inserted = store_.insert_alerts(inputs, &fresh_);
  if (!correlated && inserted) {
    updates_.clear();
    correlate_batch(batch, inputs, &updates_);
    absorb_updates(updates_);
  }
  if (side_batch_ == &batch) {
    wait_side();  // this batch's own correlation (not a next one)
    side_batch_ = nullptr;  // done with: the caller may refill the same vector
  }
  // Once the engine has counted the batch, its incident changes are pending even if the insert failed: a
  // retry is skipped by the engine as a replay.
  if (!inserted) return inserted.error();
  stats_.alerts_in += batch.size();
  stats_.alerts_new += *inserted;
  if (Status s = write_pending(); !s) return s;
  return flush_agents();
}

void Pipeline::absorb_updates(std::vector<correlate::IncidentUpdate>& updates) {
  // Several updates of one incident (in this batch, or pending from a batch whose transaction failed)
  // become one store write and one published message.
  for (auto& u : updates) {
    if (u.created) ++stats_.incidents_created;
    else ++stats_.incidents_updated;
    auto [it, fresh] = pending_index_.try_emplace(u.incident.id(), pending_.size());
    if (fresh) {
      pending_.push_back(std::move(u.incident));
      continue;
    }
    v1::Incident& m = pending_[it->second];
    auto members = std::move(*m.mutable_members());
    m = std::move(u.incident);
    auto added = std::move(*m.mutable_members());
    *m.mutable_members() = std::move(members);
    for (auto& x : added) *m.add_members() = std::move(x);
  }
}

Status Pipeline::write_pending() {
  std::string status;
  for (v1::Incident& inc : pending_) {
    if (Status s = store_.upsert_incident(inc, &status); !s) return s;
    inc.set_status(status);
  }
  return {};
}

Status Pipeline::flush_agents() {
  for (auto& [key, info] : agents_) {
    if (!info.dirty) continue;
    info.dirty = false;
    store::AgentRecord rec{.key = key, .name = info.name, .labels = info.labels,
                           .first_seen_us = info.last_seen_us, .last_seen_us = info.last_seen_us,
                           .version = info.version, .counters = info.counters};
    if (Status s = store_.upsert_agent(rec);
        !s) {
      return s;
    }
  }
  return {};
}

void Pipeline::post_hello(std::string agent_key, v1::Hello hello, int64_t received_us) {
  std::lock_guard<std::mutex> lock(inbox_mu_);
  inbox_.push_back({.key = std::move(agent_key), .received_us = received_us, .is_hello = true,
                    .hello = std::move(hello)});
}

void Pipeline::post_heartbeat(std::string agent_key, v1::Heartbeat heartbeat, int64_t received_us) {
  std::lock_guard<std::mutex> lock(inbox_mu_);
  inbox_.push_back({.key = std::move(agent_key), .received_us = received_us, .heartbeat = std::move(heartbeat)});
}

Status Pipeline::drain_inbox(int64_t now_us) {
  std::vector<Posted> posted;
  {
    std::lock_guard<std::mutex> lock(inbox_mu_);
    posted.swap(inbox_);
  }
  std::vector<health::HealthAlert> raised;
  for (Posted& p : posted) {
    AgentInfo& info = agent(p.key);
    if (p.is_hello) {
      health_.on_hello(p.key, p.hello, p.received_us);
      if (!p.hello.version().empty()) info.version = p.hello.version();
      if (info.labels.empty() && !p.hello.labels().empty()) {
        info.labels = std::map<std::string, std::string>(p.hello.labels().begin(), p.hello.labels().end());
        info.org = store::org_label(info.labels);
      }
    } else {
      health_.on_heartbeat(p.key, p.heartbeat, p.received_us, &raised);
      if (!p.heartbeat.version().empty()) info.version = p.heartbeat.version();
      info.counters = p.heartbeat.counters();
    }
    info.last_seen_us = std::max(info.last_seen_us, p.received_us);
    info.dirty = true;
  }
  // Also retries health alerts a busy or failing store refused at an earlier tick.
  if (Status s = store_health(raised, now_us); !s) return s;
  return flush_agents();
}

Status Pipeline::store_health(std::vector<health::HealthAlert>& raised, int64_t now_us) {
  for (auto& h : raised) {
    spdlog::warn("health: {}: {}", h.agent, h.alert.rule().title());
    health_pending_.push_back({.agent_key = h.agent_key, .epoch = std::string(health::health_epoch()),
                               .received_us = now_us, .alert = std::move(h.alert)});
    ++stats_.health_alerts;
  }
  raised.clear();
  if (health_pending_.empty()) return {};
  // A failed process() rolled back: the alerts stay pending and the next tick offers the same batch again.
  if (Status s = process(health_pending_, now_us); !s) return s;
  health_pending_.clear();
  return {};
}

Status Pipeline::tick(int64_t now_us) {
  wait_side();  // drain_inbox() changes agents_, and the engine serves one thread at a time
  if (Status s = drain_inbox(now_us); !s) return s;
  if (now_us - last_health_us_ >= opt_.health_interval_us) {
    last_health_us_ = now_us;
    std::vector<health::HealthAlert> raised;
    health_.check(now_us, &raised);
    if (Status s = store_health(raised, now_us); !s) return s;
  }
  if (now_us - last_state_us_ >= opt_.state_interval_us) {
    if (Status s = save_state(); !s) return s;
    last_state_us_ = now_us;
    for (auto& s : sinks_) s->flush();
  }
  if ((opt_.max_age_us > 0 || opt_.max_bytes > 0) && now_us - last_retention_us_ >= opt_.retention_interval_us) {
    last_retention_us_ = now_us;
    auto r = store_.apply_retention(opt_.max_age_us, opt_.max_bytes, now_us);
    if (!r) return r.error();
    if (r->alerts_deleted) spdlog::info("store: retention deleted {} alerts", r->alerts_deleted);
  }
  return {};
}

Status Pipeline::save_state() {
  wait_side();
  std::vector<correlate::IncidentUpdate> updates;
  engine_.flush(&updates);
  absorb_updates(updates);  // kept pending if the transaction fails
  std::string blob = engine_.snapshot();
  if (Status s = store_.in_transaction([&]() -> Status {
        if (Status h = write_pending(); !h) return h;
        return store_.put_states({{kStateName, blob}});
      });
      !s) {
    return s;
  }
  publish_committed(nullptr);
  ++stats_.state_saves;
  return {};
}

}  // namespace picket::collector::publish
