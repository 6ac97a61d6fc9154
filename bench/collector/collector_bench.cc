// collector_bench [ALERTS] [AGENTS]: the collector's path behind ingest, measured on real files.
//
// 1,000 agents are simulated by their identities: each has its own CURVE key and spool epoch and sends
// strictly increasing sequence numbers, interleaved as ingest would journal them. The traffic mix is what
// the bundled correlation rules look at: network alerts from ~60 signatures and a pool of sources (some
// scanning), SSH failed/accepted logins from Sigma, and file alerts. Stages, each timed separately:
//   1. journal: append + fdatasync (group commit every 2,000 records), as ingest does;
//   2. feeder: JournalReader -> parse -> Pipeline (SQLite insert with indexes, correlation with the bundled
//      rules, incidents) in batches of 2,000 - the figure the target applies to;
//   3. store only and correlation only, for where the time goes.
// Prints alerts/s for each and the store's bytes per million alerts.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "collector/correlate/engine.h"
#include "collector/health/health.h"
#include "collector/ingest/journal.h"
#include "collector/publish/pipeline.h"
#include "collector/store/sqlite_store.h"

using namespace picket;
using namespace picket::collector;
using Clock = std::chrono::steady_clock;

namespace {

struct Agent {
  transport::KeyBytes key{};
  transport::Epoch epoch{};
  uint64_t seq = 0;
  std::string name;
};

double secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

v1::Alert make_alert(std::mt19937_64& rng, int64_t t, const Agent& ag, uint64_t seq) {
  v1::Alert a;
  a.set_event_time_us(t);
  a.set_seq(seq);
  a.set_host(ag.name);
  const uint64_t r = rng() % 100;
  char ip[32];
  std::snprintf(ip, sizeof ip, "198.51.%u.%u", static_cast<unsigned>(rng() % 4), static_cast<unsigned>(rng() % 250));
  if (r < 80) {
    static const uint32_t kSids[] = {2010935, 2010937, 2009582, 2001219, 2001569, 9000001, 9000002, 9000003};
    uint32_t sid = r < 8 ? kSids[rng() % 8] : 2100000 + static_cast<uint32_t>(rng() % 60);
    a.mutable_rule()->set_engine(v1::ENGINE_SURICATA);
    a.mutable_rule()->set_rule_id(std::to_string(sid));
    a.mutable_rule()->set_sid(sid);
    a.mutable_rule()->set_gid(1);
    a.mutable_rule()->set_title("ET TEST signature " + std::to_string(sid));
    a.mutable_rule()->set_category("Attempted Information Leak");
    a.mutable_rule()->set_severity(2 + static_cast<uint32_t>(rng() % 2));
    auto* n = a.mutable_net();
    n->set_src_ip(ip);
    n->set_src_port(1024 + static_cast<uint32_t>(rng() % 60000));
    n->set_dest_ip("10.20.0.10");
    n->set_dest_port(r % 3 == 0 ? 22 : 80);
    n->set_proto("TCP");
    n->set_flow_id(rng());
  } else if (r < 97) {
    bool ok = r >= 95;
    a.mutable_rule()->set_engine(v1::ENGINE_SIGMA);
    a.mutable_rule()->set_rule_id(ok ? "9d1a2b35-d171-4669-8c76-bcd58c69dce6" : "1cce7079-ec79-4829-a5b4-7fb1db8ac81c");
    a.mutable_rule()->set_title(ok ? "SSH login accepted" : "SSH failed password");
    a.mutable_rule()->set_severity(ok ? 4 : 3);
    auto* l = a.mutable_log();
    l->set_source("/var/log/auth.log");
    l->set_line(std::string(ok ? "Accepted" : "Failed") + " password for root from " + ip + " port 40000 ssh2");
    (*l->mutable_fields())["src_ip"] = ip;
    (*l->mutable_fields())["user"] = "root";
  } else {
    a.mutable_rule()->set_engine(v1::ENGINE_FIM);
    a.mutable_rule()->set_rule_id("create");
    a.mutable_rule()->set_title("File created");
    a.mutable_rule()->set_severity(2);
    a.mutable_file()->set_path("/var/www/html/uploads/f" + std::to_string(rng() % 1000) + ".php");
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t total = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const size_t n_agents = argc > 2 ? std::stoul(argv[2]) : 1000;
  const size_t kBatch = 2000;
  auto dir = std::filesystem::temp_directory_path() / ("picket-collector-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "journal");

  std::mt19937_64 rng(42);
  std::vector<Agent> agents(n_agents);
  for (size_t i = 0; i < n_agents; ++i) {
    for (auto& b : agents[i].key) b = static_cast<uint8_t>(rng());
    for (auto& b : agents[i].epoch) b = static_cast<uint8_t>(rng());
    agents[i].name = "agent-" + std::to_string(i);
  }
  // 1. Journal, as ingest writes it: event time advances 20,000 alerts/s (a busy national network).
  std::printf("collector_bench: %zu alerts from %zu agents, batches of %zu, folder %s\n", total, n_agents, kBatch,
              dir.c_str());
  auto journal = Journal::open({.dir = (dir / "journal").string()});
  if (!journal) {
    std::fprintf(stderr, "%s\n", journal.error().format().c_str());
    return 1;
  }
  const int64_t t0 = 1'790'000'000LL * 1'000'000;
  std::string bytes;
  size_t payload = 0;
  auto j0 = Clock::now();
  for (size_t i = 0; i < total; ++i) {
    Agent& ag = agents[rng() % n_agents];
    v1::Alert a = make_alert(rng, t0 + static_cast<int64_t>(i) * 50, ag, ++ag.seq);
    a.SerializeToString(&bytes);
    payload += bytes.size();
    (*journal)->append({.key = ag.key, .epoch = ag.epoch}, ag.seq, t0 + static_cast<int64_t>(i) * 50,
                       std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if ((i + 1) % kBatch == 0 && !(*journal)->commit().ok()) return 1;
  }
  if (!(*journal)->commit().ok()) return 1;
  auto j1 = Clock::now();
  std::printf("journal   : %9.0f alerts/s  (append + fdatasync per %zu; %.0f bytes/alert serialised)\n",
              total / secs(j0, j1), kBatch, static_cast<double>(payload) / total);

  // 2. Feeder: journal -> store (WAL, synchronous=NORMAL, indexes) -> correlation (bundled rules).
  correlate::RuleSet rules;
  Diagnostics diag;
  correlate::load_rule_path(std::string(PICKET_SOURCE_DIR) + "/rules/correlation", &rules, &diag);
  correlate::validate_rule_set(&rules, &diag);
  std::printf("rules     : %zu correlation rules (%zu errors)\n", rules.rules.size(), diag.errors().size());
  auto st = store::open_sqlite({.path = (dir / "store.db").string()});
  if (!st) return 1;
  correlate::Engine engine(rules);
  health::HealthMonitor health;
  publish::Pipeline pipeline(**st, engine, health, {.state_interval_us = INT64_MAX / 2});
  if (!pipeline.start(t0).ok()) return 1;
  JournalReader reader((dir / "journal").string(), "bench", nullptr);
  std::vector<JournalRecord> recs;
  std::vector<publish::IncomingAlert> batch;
  size_t fed = 0;
  auto f0 = Clock::now();
  while (reader.next(kBatch, &recs) > 0) {
    batch.clear();
    for (auto& r : recs) {
      publish::IncomingAlert in;
      in.agent_key.assign(reinterpret_cast<const char*>(r.stream.key.data()), r.stream.key.size());
      in.epoch.assign(reinterpret_cast<const char*>(r.stream.epoch.data()), r.stream.epoch.size());
      in.received_us = r.received_us;
      in.alert.ParseFromString(r.alert);
      batch.push_back(std::move(in));
    }
    fed += batch.size();
    if (Status s = pipeline.process(batch, t0); !s) {
      std::fprintf(stderr, "%s\n", s.error().format().c_str());
      return 1;
    }
    (void)reader.commit_cursor();
  }
  if (!pipeline.save_state().ok()) return 1;
  auto f1 = Clock::now();
  auto stats = (*st)->stats().value();
  const auto& ps = pipeline.stats();
  const auto& es = engine.stats();
  std::printf("feeder    : %9.0f alerts/s  (journal read + store + indexes + correlation; %zu alerts)\n",
              fed / secs(f0, f1), fed);
  std::printf("            incidents created %llu, updated %llu; correlation matched %llu, late %llu\n",
              static_cast<unsigned long long>(ps.incidents_created),
              static_cast<unsigned long long>(ps.incidents_updated), static_cast<unsigned long long>(es.matched),
              static_cast<unsigned long long>(es.late_dropped));
  std::printf("store     : %llu alerts, %llu incidents, %.1f MB (%.0f MB per million alerts, %.0f bytes/alert)\n",
              static_cast<unsigned long long>(stats.alerts), static_cast<unsigned long long>(stats.incidents),
              stats.file_bytes / 1e6, stats.file_bytes / 1e6 * 1e6 / std::max<uint64_t>(1, stats.alerts),
              static_cast<double>(stats.file_bytes) / std::max<uint64_t>(1, stats.alerts));

  // 3. Where the time goes: store alone (fresh file) and correlation alone, same records.
  {
    auto st2 = store::open_sqlite({.path = (dir / "store2.db").string()});
    JournalReader r2((dir / "journal").string(), "bench2", nullptr);
    std::vector<v1::Alert> parsed;
    std::vector<std::string> keys, epochs;
    double store_s = 0, corr_s = 0;
    correlate::Engine engine2(rules);
    size_t n = 0;
    while (r2.next(kBatch, &recs) > 0) {
      parsed.resize(recs.size());
      keys.resize(recs.size());
      epochs.resize(recs.size());
      std::vector<store::AlertInput> in;
      for (size_t i = 0; i < recs.size(); ++i) {
        parsed[i].ParseFromString(recs[i].alert);
        keys[i].assign(reinterpret_cast<const char*>(recs[i].stream.key.data()), 32);
        epochs[i].assign(reinterpret_cast<const char*>(recs[i].stream.epoch.data()), 16);
        in.push_back({.agent_key = keys[i], .epoch = epochs[i], .agent = "agent", .org = "org=x",
                      .alert = &parsed[i]});
      }
      auto a = Clock::now();
      if (!(*st2)->insert_alerts(in).ok()) return 1;
      auto b = Clock::now();
      std::vector<correlate::IncidentUpdate> ups;
      for (size_t i = 0; i < recs.size(); ++i) {
        engine2.process(correlate::Event::from_alert(parsed[i], keys[i], epochs[i], "agent", "org=x"), &ups);
      }
      engine2.flush(&ups);
      auto c = Clock::now();
      store_s += secs(a, b);
      corr_s += secs(b, c);
      n += recs.size();
    }
    std::printf("store only: %9.0f alerts/s  (one transaction per %zu, prepared statements, 3 indexes)\n",
                n / store_s, kBatch);
    std::printf("correlate : %9.0f alerts/s  (bundled rules, event-time windows)\n", n / corr_s);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
