#pragma once
// The correlation engine: evaluates Sigma correlation rules over alerts on event time and turns matches
// into incidents.
//
//   RuleSet rules; load_rule_path("rules/correlation", &rules, &diag); validate_rule_set(&rules, &diag);
//   Engine engine(std::move(rules), {.allowed_lateness_us = 300'000'000});
//   std::vector<IncidentUpdate> updates;
//   engine.process(Event::from_alert(alert, key, epoch, "web-01", "org=finance"), &updates);
//   engine.flush(&updates);                 // after each batch: closes windows, prunes old state
//   store.put_states({{"correlation", engine.snapshot()}});   // survives a restart: engine.restore(blob)
//
// Semantics:
//  * Windows slide on event time and are inclusive: events at t and t + timespan are in one window.
//  * The watermark is the highest event time seen minus `allowed_lateness_us`. An event older than the
//    watermark is counted in stats().late_dropped and ignored; an older event within the lateness is put in
//    its place and re-evaluates the windows it belongs to.
//  * Conditions with only lower bounds (gt/gte) fire as soon as a window satisfies them; later satisfying
//    windows that overlap the incident add their events to it (one incident per burst, not per event).
//    Conditions with an upper bound (lt/lte/eq/neq) are evaluated when a window, anchored at the first
//    event of its group, closes behind the watermark.
//  * temporal: every referenced rule (or `condition` many of them) in one window; temporal_ordered: in the
//    order of `rules`, ties in event time kept in arrival order.
//  * A chained correlation (named in another rule's `rules`) hands its matches to that rule as events whose
//    fields are its group-by values, with its members; it raises incidents itself only with `generate`.
//  * Alerts are de-duplicated by (agent key, epoch, seq): a seq at or below the highest one already
//    correlated for its stream is skipped, so replaying the journal after a crash counts nothing twice.
//  * Incident ids are derived from the rule, the group and the first event time, so re-feeding the same
//    alerts after a restart reproduces the same ids.
//
// Threads: one thread per Engine (the collector's feeder thread).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/correlate/event.h"
#include "collector/correlate/rule.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::collector::correlate {

struct EngineOptions {
  int64_t allowed_lateness_us = 300'000'000;  // 5 minutes
  size_t max_events_per_group = 10000;          // older events of a group beyond this are dropped
  size_t max_groups_per_rule = 200000;
  size_t max_members_per_incident = 1000;
  size_t max_listed = 32;  // agent and organisation names listed per incident (all are counted)
};

// An incident created or changed. `incident.members` holds only the members this update added; the other
// fields are the incident's current values. Several matches of one incident passed to the same output
// vector (one batch: process() calls and the flush() after them) merge into one entry there, so consume
// and clear the vector (or use a new one) before the next batch.
struct IncidentUpdate {
  v1::Incident incident;
  bool created = false;
  std::map<std::string, std::string> group;  // group-by field -> value
};

struct EngineStats {
  uint64_t events = 0;             // events processed
  uint64_t matched = 0;            // (event, rule) pairs that entered a window
  uint64_t late_dropped = 0;       // older than the watermark
  uint64_t replayed = 0;           // seq already correlated for its (agent key, epoch): skipped
  uint64_t missing_field = 0;      // a group-by or value field was absent
  uint64_t events_dropped = 0;     // max_events_per_group / max_groups_per_rule reached
  uint64_t incidents_created = 0;
  uint64_t incidents_updated = 0;
};

class Engine {
 public:
  Engine(RuleSet rules, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void process(const Event& ev, std::vector<IncidentUpdate>* out);
  // Closes windows of non-monotonic conditions behind the watermark and prunes state no window needs.
  void flush(std::vector<IncidentUpdate>* out);

  // The whole state (windows, open incidents, watermark) as an opaque blob, and back. restore() keeps the
  // state of rules that still exist (matched by their qualified id) and drops the rest.
  std::string snapshot() const;
  Status restore(std::string_view blob);

  const EngineStats& stats() const;
  const RuleSet& rules() const;
  int64_t watermark_us() const;

 private:
  Status restore_binary(std::string_view body, int version);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace picket::collector::correlate
