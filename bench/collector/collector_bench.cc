// collector_bench [ALERTS] [AGENTS] [BATCH]: alerts per second through the collector behind ingest - the
// ingest journal, the store (SQLite, WAL, indexes), correlation with the bundled rules and incidents - for
// 1,000 agents' worth of traffic, and the store's size per alert and per million alerts.
//
// How 1,000 agents are simulated: by their identities, not by 1,000 sockets (the transport's own benchmark,
// bench/transport, measures ingest over CURVE). Each simulated agent has its own CURVE public key, spool
// epoch, host name and strictly increasing sequence numbers; records are appended to a real ingest journal
// interleaved at random across agents, exactly as the ingest loop journals them, so the store sees 1,000
// streams and correlation sees 1,000 agents and hosts. Event time advances 50 us per alert (20,000
// alerts/s across the fleet, 20 per agent per second). The mix is what the bundled correlation rules look
// at, and it is a heavy one for incidents: 80% network alerts from ~68 signatures (8 of them scan
// signatures) from 1,000 source addresses, to port 22 or 80; 15% SSH failed passwords and 2% accepted
// logins from the same addresses (Sigma); 3% FIM file creations of .php files in a web root. So every
// signature fires on three or more agents (rule "same signature on 3+ agents"), every host gets a webshell
// file followed by network alerts, and sources scan, brute-force and log in: most alerts join incidents.
//
// Stages, each timed separately (wall clock and the process's CPU time, all threads; on a loaded machine compare CPU):
//   1. journal   : append + fdatasync every BATCH records, as ingest does;
//   2. end to end: the collector's feeder loop - JournalReader -> parse -> Pipeline::process (one
//                  transaction: alerts, correlation, incidents and their members, agents) -> cursor commit;
//                  the figure the target (100,000 alerts/s) applies to;
//   3. store only and correlation only over the same records, for where the time goes.
// Then the store's size (after a WAL checkpoint) per alert and per million alerts, split by table.
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <random>
#include <string>
#include <vector>

#include "collector/correlate/engine.h"
#include "collector/health/health.h"
#include "collector/ingest/journal.h"
#include "collector/publish/feeder.h"
#include "collector/publish/pipeline.h"
#include "collector/store/sqlite_store.h"

using namespace picket;
using namespace picket::collector;

namespace {

struct Agent {
  transport::KeyBytes key{};
  transport::Epoch epoch{};
  uint64_t seq = 0;
  std::string name;
};

// Wall and CPU time (the process's: all threads).
struct Timer {
  double wall = 0, cpu = 0;
  std::chrono::steady_clock::time_point w0;
  double c0 = 0;
  static double thread_cpu() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);  // every thread's: the pipeline correlates on a second one
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  void start() {
    w0 = std::chrono::steady_clock::now();
    c0 = thread_cpu();
  }
  void stop() {
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    cpu += thread_cpu() - c0;
  }
};

void print_rate(const char* name, size_t n, const Timer& t, const char* what) {
  std::printf("%-11s: %9.0f alerts/s wall, %9.0f alerts/s CPU  (%.2f s wall, %.2f s CPU; %s)\n", name,
              static_cast<double>(n) / std::max(1e-9, t.wall), static_cast<double>(n) / std::max(1e-9, t.cpu),
              t.wall, t.cpu, what);
}

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

// Main file + WAL after a checkpoint, and bytes per table (with its indexes) from dbstat.
struct StoreSize {
  uint64_t file = 0;
  std::map<std::string, uint64_t> tables;
};

StoreSize measure_store(const std::string& path) {
  StoreSize out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_stmt* s = nullptr;
    const char* q =
        "SELECT coalesce(m.tbl_name || CASE WHEN m.type = 'index' THEN ' index ' || m.name ELSE '' END, d.name),"
        " sum(d.pgsize) FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1 ORDER BY 2 DESC";
    if (sqlite3_prepare_v2(db, q, -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) {
        out.tables[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] =
            static_cast<uint64_t>(sqlite3_column_int64(s, 1));
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) out.file += n;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t total = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const size_t n_agents = argc > 2 ? std::stoul(argv[2]) : 1000;
  const size_t kBatch = argc > 3 ? std::stoul(argv[3]) : 10000;
  auto dir = std::filesystem::temp_directory_path() / ("picket-collector-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "journal");

  std::mt19937_64 rng(42);
  std::vector<Agent> agents(n_agents);
  for (size_t i = 0; i < n_agents; ++i) {
    for (auto& b : agents[i].key) b = static_cast<uint8_t>(rng());
    for (auto& b : agents[i].epoch) b = static_cast<uint8_t>(rng());
    agents[i].name = "agent-" + std::to_string(i);
  }
  std::printf("collector_bench: %zu alerts from %zu simulated agents, batches of %zu, folder %s\n", total, n_agents,
              kBatch, dir.c_str());

  // 1. The ingest journal.
  auto journal = Journal::open({.dir = (dir / "journal").string()});
  if (!journal) {
    std::fprintf(stderr, "%s\n", journal.error().format().c_str());
    return 1;
  }
  const int64_t t0 = 1'790'000'000LL * 1'000'000;
  std::string bytes;
  size_t payload = 0;
  Timer tj;
  for (size_t i = 0; i < total; ++i) {
    Agent& ag = agents[rng() % n_agents];
    v1::Alert a = make_alert(rng, t0 + static_cast<int64_t>(i) * 50, ag, ++ag.seq);
    a.SerializeToString(&bytes);
    payload += bytes.size();
    tj.start();
    (*journal)->append({.key = ag.key, .epoch = ag.epoch}, ag.seq, t0 + static_cast<int64_t>(i) * 50,
                       std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if ((i + 1) % kBatch == 0 && !(*journal)->commit().ok()) return 1;
    tj.stop();
  }
  tj.start();
  if (!(*journal)->commit().ok()) return 1;
  tj.stop();
  char what[160];
  std::snprintf(what, sizeof what, "append + fdatasync per %zu; %.0f bytes/alert serialised", kBatch,
                static_cast<double>(payload) / static_cast<double>(total));
  print_rate("journal", total, tj, what);

  // 2. End to end: the feeder loop (collector/publish/feeder.cc) over the journal.
  correlate::RuleSet rules;
  Diagnostics diag;
  correlate::load_rule_path(std::string(PICKET_SOURCE_DIR) + "/rules/correlation", &rules, &diag);
  correlate::validate_rule_set(&rules, &diag);
  std::printf("rules      : %zu correlation rules (%zu errors)\n", rules.rules.size(), diag.errors().size());
  const std::string db_path = (dir / "store.db").string();
  auto st = store::open_sqlite({.path = db_path});
  if (!st) return 1;
  correlate::Engine engine(rules);
  health::HealthMonitor health;
  publish::Pipeline pipeline(**st, engine, health, {.state_interval_us = INT64_MAX / 2});
  // The enrolment allow-list: each agent's name and organisation (20 agencies).
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < n_agents; ++i) {
    by_key[std::string(reinterpret_cast<const char*>(agents[i].key.data()), agents[i].key.size())] = i;
  }
  auto org_of = [](size_t i) { return "agency-" + std::to_string(i % 20); };
  pipeline.set_agent_directory([&](const std::string& key, std::string* name,
                                   std::map<std::string, std::string>* labels) {
    auto it = by_key.find(key);
    if (it == by_key.end()) return false;
    *name = agents[it->second].name;
    *labels = {{"org", org_of(it->second)}};
    return true;
  });
  if (!pipeline.start(t0).ok()) return 1;
  JournalReader reader((dir / "journal").string(), "bench", nullptr);
  // The feeder's loop (collector/publish/feeder.cc) with its BatchReader: the next batch correlated while
  // the current one is stored, the one after them read and parsed on a third thread; the cursor committed
  // at the end of the stored batch; a tick per batch.
  publish::BatchReader batches(reader, kBatch);
  size_t fed = 0;
  Timer te, tread, tproc, tstate;
  te.start();
  for (;;) {
    tread.start();
    batches.fill();
    tread.stop();
    std::vector<publish::IncomingAlert>* batch = batches.current();
    if (batch == nullptr) break;
    fed += batch->size();
    tproc.start();
    if (Status s = pipeline.process(*batch, t0, batches.next()); !s) {
      std::fprintf(stderr, "%s\n", s.error().format().c_str());
      return 1;
    }
    (void)reader.commit_cursor(batches.current_end());
    if (Status s = pipeline.tick(t0); !s) return 1;
    tproc.stop();
    batches.pop();
  }
  te.stop();
  tstate.start();
  if (!pipeline.save_state().ok()) return 1;
  tstate.stop();
  const auto& ps = pipeline.stats();
  const auto& es = engine.stats();
  print_rate("END TO END", fed, te, "journal -> store -> correlation -> incidents");
  print_rate("  read", fed, tread, "waiting for the journal read + protobuf parse, which run on a third thread");
  print_rate("  pipeline", fed, tproc, "store + indexes + correlation (beside, on a second thread) + incidents, one transaction per batch");
  std::printf("             state save at the end: %.3f s wall (correlation snapshot, once; every 5 s in the "
              "collector)\n", tstate.wall);
  std::printf("             incidents: %llu created, %llu batch updates (%llu engine matches); correlation "
              "matched %llu, late %llu\n",
              static_cast<unsigned long long>(ps.incidents_created),
              static_cast<unsigned long long>(ps.incidents_updated),
              static_cast<unsigned long long>(es.incidents_created + es.incidents_updated),
              static_cast<unsigned long long>(es.matched), static_cast<unsigned long long>(es.late_dropped));
  auto stats = (*st)->stats().value();
  st->reset();
  StoreSize size = measure_store(db_path);
  const double per = static_cast<double>(size.file) / static_cast<double>(std::max<uint64_t>(1, stats.alerts));
  std::printf("STORE SIZE : %llu alerts, %llu incidents: %.1f MB, %.0f bytes per alert, %.0f MB per million alerts\n",
              static_cast<unsigned long long>(stats.alerts), static_cast<unsigned long long>(stats.incidents),
              static_cast<double>(size.file) / 1e6, per, per);
  for (const auto& [table, b] : size.tables) {
    std::printf("             %-40s %8.1f MB  %6.0f bytes per alert\n", table.c_str(), static_cast<double>(b) / 1e6,
                static_cast<double>(b) / static_cast<double>(std::max<uint64_t>(1, stats.alerts)));
  }

  // 3. Where the time goes: the store alone (fresh file) and correlation alone, same records.
  {
    const std::string path2 = (dir / "store2.db").string();
    auto st2 = store::open_sqlite({.path = path2});
    if (!st2) return 1;
    JournalReader r2((dir / "journal").string(), "bench2", nullptr);
    std::vector<v1::Alert> parsed;
    std::vector<std::string> keys, epochs, names, orgs;
    Timer ts, tc;
    correlate::Engine engine2(rules);
    size_t n = 0;
    std::vector<store::AlertInput> in;
    std::vector<correlate::IncidentUpdate> ups;
    std::vector<JournalRecord> recs;
    while (r2.next(kBatch, &recs) > 0) {
      parsed.resize(recs.size());
      keys.resize(recs.size());
      epochs.resize(recs.size());
      names.resize(recs.size());
      orgs.resize(recs.size());
      in.clear();
      for (size_t i = 0; i < recs.size(); ++i) {
        parsed[i].ParseFromString(recs[i].alert);
        keys[i].assign(reinterpret_cast<const char*>(recs[i].stream.key.data()), 32);
        epochs[i].assign(reinterpret_cast<const char*>(recs[i].stream.epoch.data()), 16);
        const size_t idx = by_key.at(keys[i]);
        names[i] = agents[idx].name;
        orgs[i] = org_of(idx);
        in.push_back({.agent_key = keys[i], .epoch = epochs[i], .agent = names[i], .org = orgs[i],
                      .alert = &parsed[i], .raw = recs[i].alert});
      }
      ts.start();
      if (!(*st2)->insert_alerts(in).ok()) return 1;
      ts.stop();
      ups.clear();
      tc.start();
      for (size_t i = 0; i < recs.size(); ++i) {
        engine2.process(correlate::Event::from_alert(parsed[i], keys[i], epochs[i], names[i], orgs[i]), &ups);
      }
      engine2.flush(&ups);
      tc.stop();
      n += recs.size();
    }
    std::snprintf(what, sizeof what, "alerts only, one transaction per %zu, prepared statements", kBatch);
    print_rate("store only", n, ts, what);
    print_rate("correlate", n, tc, "bundled rules, event-time windows, incident updates, no store");
    st2->reset();
    StoreSize s2 = measure_store(path2);
    std::printf("             alerts-only store: %.0f bytes per alert\n",
                static_cast<double>(s2.file) / static_cast<double>(std::max<size_t>(1, n)));
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
