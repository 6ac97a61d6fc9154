#pragma once
// The detection engine: a built, immutable rule set with its Hyperscan prefilters, IP-only index and
// per-group lists, plus the (locked) threshold state. Build it on the control plane, share it with
// shared_ptr, and match from any number of threads, each with its own MatchScratch and the caller's
// per-flow FlowState:
//
//   detect::EngineConfig cfg;                                   // vars, classification, threshold file
//   auto set = detect::load_rules({"/etc/picket/rules"}, cfg.vars);
//   std::shared_ptr<const detect::Engine> eng = detect::Engine::build(std::move(set), cfg, &diag);
//   auto scratch = eng->make_scratch();
//   std::vector<detect::Hit> hits;
//   eng->match(input, &flow_state, *scratch, &hits);
//   for (const auto& h : hits) { picket::v1::Alert a; eng->fill_alert(h, input, &a); }
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/detect/classification.h"
#include "agent/detect/input.h"
#include "agent/detect/parser.h"
#include "agent/detect/prefilter.h"
#include "agent/detect/threshold.h"
#include "common/error.h"
#include "picket.pb.h"

namespace picket::detect {

struct EngineConfig {
  Vars vars = default_vars();
  std::string classification_file;  // empty: built-in table
  std::string threshold_file;       // empty: none
  std::string cache_dir;            // compiled Hyperscan databases cached here (empty: no cache)
  size_t payload_excerpt = 256;     // bytes of payload copied into an alert
  // action-order: evaluation rank of each Action (index: static_cast<int>(Action)); lower first. Suricata's
  // default: pass, drop, reject, alert. A pass rule keeps the alerts ranked before it (they carry the
  // verdict "pass") and drops those after it.
  std::array<uint8_t, 4> action_rank = default_action_rank();
  // packet-alert-max: at most this many alerts per packet (the highest-ranked ones), as Suricata's queue.
  uint32_t packet_alert_max = 15;
  // A problem with the settings above (an action-order that is not the four actions once each): the
  // engine is not built (EngineHolder::reload fails with it).
  std::optional<Error> error;

  static std::array<uint8_t, 4> default_action_rank();
};

// Per-thread matching scratch.
class MatchScratch {
 public:
  Scratch hs;
  std::vector<uint32_t> stamp;
  uint32_t gen = 0;
  std::vector<uint32_t> cands;
  std::vector<int64_t> vars;
  std::string tmp;
};

struct Hit {
  uint32_t rule = 0;  // index into Engine::rules()
  bool pass = false;  // a pass rule ranked after this one matched the same input: the verdict is "pass"
};

struct EngineStats {
  size_t rules = 0;
  size_t prefiltered = 0;   // rules reached through a Hyperscan fast pattern
  size_t iponly = 0;        // rules in the IP-only index
  size_t no_fast_pattern = 0;
  size_t mixed = 0;         // rules with both payload content and app-layer buffers
  size_t max_payload_content = 0;  // longest payload content (capped at 256): the stream boundary window
  size_t patterns = 0;      // distinct literals over all databases
  size_t databases = 0;
  size_t cached_databases = 0;  // read from EngineConfig::cache_dir instead of compiled
  bool from_cache = false;      // every database came from the cache
  double build_seconds = 0;
};

class Engine {
 public:
  // Builds the engine. Rules with an unknown classtype are rejected into `diag` (with file:line: sid).
  // Never fails as a whole: an empty set builds an engine that never alerts.
  static std::shared_ptr<Engine> build(RuleSet set, const EngineConfig& cfg, Diagnostics* diag);
  ~Engine();

  std::unique_ptr<MatchScratch> make_scratch() const;
  // Appends the alerts for `in`. `flow` may be null (no flow: flowbits never set).
  void match(const Input& in, FlowState* flow, MatchScratch& scratch, std::vector<Hit>* out) const;
  // Renders a hit as a wire alert (rule part and network part; the caller adds host/seq).
  void fill_alert(const Hit& hit, const Input& in, v1::Alert* out) const;

  const std::vector<Rule>& rules() const { return rules_; }
  const EngineStats& stats() const { return stats_; }
  const RuleSetNames& names() const { return names_; }
  uint64_t generation() const { return generation_; }
  int severity(const Rule& r) const;
  const EngineConfig& config() const { return cfg_; }

 private:
  Engine() = default;
  struct Group;
  bool check(const Rule& r, const Input& in, FlowState* flow, MatchScratch& s) const;
  void collect(const Input& in, const FlowState* flow, MatchScratch& s) const;
  void build_groups(const std::string& cache_dir);

  std::vector<Rule> rules_;
  std::vector<uint32_t> order_;  // evaluation rank per rule (pass first, flowbit setters before readers)
  RuleSetNames names_;
  Classification classes_;
  std::unique_ptr<Thresholds> thresholds_;
  std::vector<std::unique_ptr<Group>> groups_;
  struct IpOnly;
  std::unique_ptr<IpOnly> iponly_;
  EngineStats stats_;
  EngineConfig cfg_;
  uint64_t generation_ = 0;
};

// Rejects rules whose classtype is not in `classes` (Suricata refuses them too). Updates counts.
void reject_unknown_classtypes(RuleSet* set, const Classification& classes);

}  // namespace picket::detect
