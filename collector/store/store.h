#pragma once
// The collector's store: alerts, incidents with their member alerts, agents, the audit log and small
// persisted state blobs (correlation state, the journal feeder's cursor). One interface so that a server
// database can be added later; SQLite (collector/store/sqlite_store.h) is the default.
//
//   auto st = picket::collector::store::open_sqlite({.path = dir + "/store.db"});
//   if (!st) { log(st.error().format()); return 2; }
//   std::vector<AlertInput> batch = {{.agent_key = key, .epoch = epoch, .agent = "web-01",
//                                     .org = "ministry=finance", .alert = &alert}};
//   auto inserted = (*st)->insert_alerts(batch);   // one transaction; duplicates are skipped
//
// Threads: a Store is used by one thread at a time (the collector's feeder thread owns it; picketctl opens
// its own connection). Several processes may open the same SQLite file: WAL lets readers run beside the
// writer.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "picket.pb.h"

namespace picket::collector::store {

// One alert to insert. `alert` must outlive the call.
struct AlertInput {
  std::string_view agent_key;  // 32-byte CURVE public key of the agent (raw bytes)
  std::string_view epoch;      // the agent's spool epoch (16 raw bytes)
  std::string_view agent;      // the agent's display name (host name from Hello, else hex key prefix)
  std::string_view org;        // organisation label string (see org_label())
  const v1::Alert* alert = nullptr;
  int64_t received_us = 0;     // when the collector received it (0: now)
  std::string_view raw;        // `alert` serialised, when at hand (the journal record): stored as is
};

// One stored alert.
struct AlertRow {
  int64_t id = 0;              // row id, increasing in insertion order
  std::string agent_key;
  std::string epoch;
  std::string agent;
  std::string org;
  int64_t received_us = 0;
  v1::Alert alert;
};

struct AlertQuery {
  int64_t since_us = 0;                  // event time >= since_us
  int64_t until_us = INT64_MAX;          // event time < until_us
  uint32_t max_severity = 4;             // severity <= max_severity (1 is highest)
  std::string agent;                     // exact agent name, empty: any
  std::string org;                       // substring of the org labels, empty: any
  std::string rule;                      // qualified rule id ("suricata:2010935") or prefix ending in '*'
  int64_t after_id = 0;                  // only rows with id > after_id (for tailing)
  size_t limit = 1000;
  bool newest_first = true;
};

struct IncidentQuery {
  int64_t since_us = 0;                  // last_seen >= since_us
  uint32_t max_severity = 4;
  std::string status;                    // open, acknowledged, closed; empty: any
  size_t limit = 1000;
};

// An agent as the collector knows it.
struct AgentRecord {
  std::string key;                       // 32-byte CURVE public key (raw)
  std::string name;
  std::map<std::string, std::string> labels;
  int64_t first_seen_us = 0;
  int64_t last_seen_us = 0;
  std::string version;
  v1::Counters counters;
  bool revoked = false;
};

struct AuditEntry {
  int64_t time_us = 0;
  std::string actor;                     // "picketctl", the operator's name, "collector"
  std::string action;                    // enrol, revoke, incident.ack, incident.close, incident.open
  std::string subject;                   // agent key hex, incident id
  std::string note;
};

struct RetentionResult {
  uint64_t alerts_deleted = 0;
  uint64_t incidents_deleted = 0;
};

struct StoreStats {
  uint64_t alerts = 0;
  uint64_t incidents = 0;
  uint64_t agents = 0;
  uint64_t file_bytes = 0;               // main database file + WAL
};

class Store {
 public:
  virtual ~Store() = default;

  // Inserts the alerts in one transaction. An alert whose (agent_key, epoch, seq) is already stored is
  // skipped, so re-feeding a batch is harmless. `fresh`, when given, receives one flag per input: true
  // when that alert was new. Returns how many were new.
  virtual Result<size_t> insert_alerts(std::span<const AlertInput> alerts, std::vector<bool>* fresh = nullptr) = 0;
  virtual Result<std::vector<AlertRow>> query_alerts(const AlertQuery& q) = 0;
  // The stored alert with this identity, if any.
  virtual Result<std::optional<AlertRow>> find_alert(std::string_view agent_key, std::string_view epoch,
                                                     uint64_t seq) = 0;

  // Creates or updates an incident (matched by id) and adds its members (members already recorded are
  // kept; the others are not read). The stored status is never changed by an upsert once an operator
  // changed it; `stored_status`, when given, receives the status as stored.
  virtual Status upsert_incident(const v1::Incident& incident, std::string* stored_status = nullptr) = 0;
  virtual Result<std::optional<v1::Incident>> get_incident(std::string_view id) = 0;
  virtual Result<std::vector<v1::Incident>> query_incidents(const IncidentQuery& q) = 0;
  // The member alerts of an incident in event-time order (members not stored yet are left out).
  virtual Result<std::vector<AlertRow>> incident_alerts(std::string_view id) = 0;
  // Sets the status (open, acknowledged, closed) and records it in the audit log in one transaction.
  virtual Status set_incident_status(std::string_view id, std::string_view status, std::string_view actor,
                                     std::string_view note) = 0;

  // Creates or updates an agent. Zero first/last seen and empty fields leave the stored values.
  virtual Status upsert_agent(const AgentRecord& agent) = 0;
  virtual Result<std::vector<AgentRecord>> agents() = 0;

  virtual Status audit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> audit_log(int64_t since_us, size_t limit) = 0;

  // Small named blobs (correlation state, feeder cursor). put_states writes several in one transaction.
  virtual Status put_states(const std::map<std::string, std::string>& blobs) = 0;
  virtual Result<std::optional<std::string>> get_state(std::string_view name) = 0;

  // Deletes alerts older than `max_age_us` (by event time; 0: no age limit) and then the oldest alerts
  // until the database holds at most `max_bytes` (0: no size limit). Closed incidents whose last member
  // is gone are deleted too.
  virtual Result<RetentionResult> apply_retention(int64_t max_age_us, uint64_t max_bytes, int64_t now_us) = 0;
  virtual Result<StoreStats> stats() = 0;

  // Runs `fn` in one transaction: every write it makes (each of which would otherwise be a transaction, and
  // a sync, of its own) commits together, or none does when `fn` fails. The feeder wraps a batch in it.
  virtual Status in_transaction(const std::function<Status()>& fn) = 0;
};

// "org=finance" style label string for an agent's organisation labels: the "org" label when present,
// else every label as key=value joined by ',' in key order.
std::string org_label(const std::map<std::string, std::string>& labels);
// Lowercase hex of raw bytes.
std::string to_hex(std::string_view bytes);
// Microseconds since the Unix epoch, now.
int64_t now_us();

}  // namespace picket::collector::store
