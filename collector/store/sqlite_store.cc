#include "collector/store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "collector/store/sqlite_util.h"
#include "common/rule_id.h"

namespace picket::collector::store {

std::string org_label(const std::map<std::string, std::string>& labels) {
  if (auto it = labels.find("org"); it != labels.end()) return it->second;
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ',';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS streams(
  id INTEGER PRIMARY KEY, agent_key BLOB NOT NULL, epoch BLOB NOT NULL, UNIQUE(agent_key, epoch));
CREATE TABLE IF NOT EXISTS alerts(
  id INTEGER PRIMARY KEY, stream INTEGER NOT NULL, seq INTEGER NOT NULL, event_us INTEGER NOT NULL,
  received_us INTEGER NOT NULL, engine INTEGER NOT NULL, rule TEXT NOT NULL, severity INTEGER NOT NULL,
  agent TEXT, org TEXT, body BLOB NOT NULL, UNIQUE(stream, seq));
CREATE INDEX IF NOT EXISTS alerts_event ON alerts(event_us);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts(rule, event_us);
CREATE TABLE IF NOT EXISTS incidents(
  id TEXT PRIMARY KEY, rule_id TEXT, title TEXT, severity INTEGER, status TEXT NOT NULL,
  status_set INTEGER NOT NULL DEFAULT 0, first_us INTEGER, last_us INTEGER, body BLOB);
CREATE INDEX IF NOT EXISTS incidents_last ON incidents(last_us);
CREATE TABLE IF NOT EXISTS incident_members(
  incident TEXT NOT NULL, stream INTEGER NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(incident, stream, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agents(
  key BLOB PRIMARY KEY, name TEXT, labels TEXT, first_us INTEGER, last_us INTEGER, version TEXT,
  counters BLOB, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, actor TEXT, action TEXT NOT NULL, subject TEXT, note TEXT);
CREATE TABLE IF NOT EXISTS state(name TEXT PRIMARY KEY, value BLOB);
)sql";

constexpr const char* kAlertColumns =
    "a.id, s.agent_key, s.epoch, a.agent, a.org, a.received_us, a.body";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Db db) : db_(std::move(db)) {}

  Status prepare_all() {
    auto p = [&](Stmt& s, const char* sql) -> bool { return db_.prepare(sql, &s); };
    if (!p(insert_alert_,
           "INSERT INTO alerts(stream,seq,event_us,received_us,engine,rule,severity,agent,org,body) "
           "VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING") ||
        !p(find_stream_, "SELECT id FROM streams WHERE agent_key=? AND epoch=?") ||
        !p(insert_stream_, "INSERT INTO streams(agent_key,epoch) VALUES(?,?)") ||
        !p(insert_member_, "INSERT OR IGNORE INTO incident_members(incident,stream,seq) VALUES(?,?,?)") ||
        !p(upsert_incident_,
           "INSERT INTO incidents(id,rule_id,title,severity,status,first_us,last_us,body) "
           "VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(id) DO UPDATE SET rule_id=?2, title=?3, "
           "severity=?4, status=CASE WHEN status_set THEN status ELSE ?5 END, "
           "first_us=min(first_us,?6), last_us=max(last_us,?7), body=?8 RETURNING status")) {
      return db_.error("prepare");
    }
    return {};
  }

  Result<size_t> insert_alerts(std::span<const AlertInput> alerts, std::vector<bool>* fresh) override {
    if (fresh) fresh->assign(alerts.size(), false);
    Txn txn(db_);
    if (!txn.ok()) return db_.error("begin");
    size_t inserted = 0;
    int64_t now = now_us();
    for (size_t i = 0; i < alerts.size(); ++i) {
      const AlertInput& in = alerts[i];
      if (in.alert == nullptr) continue;
      const v1::Alert& a = *in.alert;
      int64_t stream = 0;
      if (!stream_id(in.agent_key, in.epoch, true, &stream)) return db_.error("stream");
      std::string_view body = in.raw;
      if (body.empty()) {
        body_.clear();
        a.SerializeToString(&body_);
        body = body_;
      }
      qualified_rule_id(a.rule(), &rule_);
      Stmt& s = insert_alert_;
      s.reset();
      s.bind(1, stream);
      s.bind(2, static_cast<int64_t>(a.seq()));
      s.bind(3, a.event_time_us());
      s.bind(4, in.received_us ? in.received_us : now);
      s.bind(5, static_cast<int64_t>(a.rule().engine()));
      // The bound bytes outlive the step, so SQLite need not copy them.
      s.bind_text_static(6, rule_);
      s.bind(7, static_cast<int64_t>(a.rule().severity() ? a.rule().severity() : 3));
      s.bind_text_static(8, in.agent);
      s.bind_text_static(9, in.org);
      s.bind_blob_static(10, body);
      if (s.step() != SQLITE_DONE) return db_.error("insert alert");
      if (sqlite3_changes(db_.get()) > 0) {
        ++inserted;
        if (fresh) (*fresh)[i] = true;
      }
    }
    if (!txn.commit()) return db_.error("commit");
    return inserted;
  }

  Result<std::vector<AlertRow>> query_alerts(const AlertQuery& q) override {
    std::string sql = std::string("SELECT ") + kAlertColumns +
                      " FROM alerts a JOIN streams s ON s.id=a.stream WHERE a.event_us>=?1 AND a.event_us<?2"
                      " AND a.severity<=?3 AND a.id>?4";
    if (!q.agent.empty()) sql += " AND a.agent=?5";
    if (!q.org.empty()) sql += " AND instr(a.org, ?6)>0";
    std::string rule = q.rule;
    bool prefix = !rule.empty() && rule.back() == '*';
    if (prefix) rule.pop_back();
    if (!q.rule.empty()) sql += prefix ? " AND substr(a.rule,1,length(?7))=?7" : " AND a.rule=?7";
    sql += q.newest_first ? " ORDER BY a.event_us DESC, a.id DESC" : " ORDER BY a.id ASC";
    sql += " LIMIT ?8";
    Stmt s;
    if (!db_.prepare(sql.c_str(), &s)) return db_.error("query alerts");
    s.bind(1, q.since_us);
    s.bind(2, q.until_us);
    s.bind(3, static_cast<int64_t>(q.max_severity));
    s.bind(4, q.after_id);
    if (!q.agent.empty()) s.bind_text(5, q.agent);
    if (!q.org.empty()) s.bind_text(6, q.org);
    if (!q.rule.empty()) s.bind_text(7, rule);
    s.bind(8, static_cast<int64_t>(q.limit));
    return read_alert_rows(s);
  }

  Result<std::optional<AlertRow>> find_alert(std::string_view agent_key, std::string_view epoch,
                                             uint64_t seq) override {
    int64_t stream = 0;
    if (!stream_id(agent_key, epoch, false, &stream)) return db_.error("stream");
    if (stream == 0) return std::optional<AlertRow>();
    Stmt s;
    if (!db_.prepare((std::string("SELECT ") + kAlertColumns +
                      " FROM alerts a JOIN streams s ON s.id=a.stream WHERE a.stream=? AND a.seq=?")
                         .c_str(),
                     &s)) {
      return db_.error("find alert");
    }
    s.bind(1, stream);
    s.bind(2, static_cast<int64_t>(seq));
    auto rows = read_alert_rows(s);
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<AlertRow>();
    return std::optional<AlertRow>(std::move(rows->front()));
  }

  Status in_transaction(const std::function<Status()>& fn) override {
    Txn txn(db_);
    if (!txn.ok()) return db_.error("begin");
    if (Status st = fn(); !st) return st;
    if (!txn.commit()) return db_.error("commit");
    return {};
  }

  Status upsert_incident(const v1::Incident& incident, std::string* stored_status) override {
    Txn txn(db_);
    if (!txn.ok()) return db_.error("begin");
    // The incident without its members (those are rows of their own); every other field of v1::Incident.
    v1::Incident& b = incident_body_;
    b.Clear();
    b.set_id(incident.id());
    b.set_title(incident.title());
    b.set_severity(incident.severity());
    b.set_status(incident.status());
    b.set_first_seen_us(incident.first_seen_us());
    b.set_last_seen_us(incident.last_seen_us());
    *b.mutable_agents() = incident.agents();
    *b.mutable_orgs() = incident.orgs();
    b.set_agent_count(incident.agent_count());  // the lists are capped (correlate.max-listed); these are not
    b.set_org_count(incident.org_count());
    b.set_rule_id(incident.rule_id());
    body_.clear();
    incident_body_.SerializeToString(&body_);
    Stmt& s = upsert_incident_;
    s.reset();
    s.bind_text(1, incident.id());
    s.bind_text(2, incident.rule_id());
    s.bind_text(3, incident.title());
    s.bind(4, static_cast<int64_t>(incident.severity()));
    s.bind_text(5, incident.status().empty() ? std::string_view("open") : std::string_view(incident.status()));
    s.bind(6, incident.first_seen_us());
    s.bind(7, incident.last_seen_us());
    s.bind_blob(8, body_);
    if (s.step() != SQLITE_ROW) return db_.error("upsert incident");
    if (stored_status) *stored_status = s.column_text(0);
    s.reset();
    for (const v1::MemberRef& m : incident.members()) {
      int64_t stream = 0;
      if (!stream_id(m.agent_key(), m.epoch(), true, &stream)) return db_.error("stream");
      insert_member_.reset();
      insert_member_.bind_text_static(1, incident.id());  // the incident outlives the step
      insert_member_.bind(2, stream);
      insert_member_.bind(3, static_cast<int64_t>(m.seq()));
      if (insert_member_.step() != SQLITE_DONE) return db_.error("insert member");
    }
    if (!txn.commit()) return db_.error("commit");
    return {};
  }

  Result<std::optional<v1::Incident>> get_incident(std::string_view id) override {
    Stmt s;
    if (!db_.prepare("SELECT body, status, first_us, last_us FROM incidents WHERE id=?", &s)) {
      return db_.error("get incident");
    }
    s.bind_text(1, id);
    if (s.step() != SQLITE_ROW) return std::optional<v1::Incident>();
    v1::Incident inc = incident_from_row(s);
    Stmt m;
    if (!db_.prepare("SELECT s.agent_key, s.epoch, m.seq FROM incident_members m JOIN streams s ON "
                     "s.id=m.stream WHERE m.incident=? ORDER BY m.stream, m.seq",
                     &m)) {
      return db_.error("members");
    }
    m.bind_text(1, id);
    while (m.step() == SQLITE_ROW) {
      v1::MemberRef* r = inc.add_members();
      r->set_agent_key(m.column_blob(0));
      r->set_epoch(m.column_blob(1));
      r->set_seq(static_cast<uint64_t>(m.column_int(2)));
    }
    return std::optional<v1::Incident>(std::move(inc));
  }

  Result<std::vector<v1::Incident>> query_incidents(const IncidentQuery& q) override {
    std::string sql =
        "SELECT body, status, first_us, last_us FROM incidents WHERE last_us>=?1 AND severity<=?2";
    if (!q.status.empty()) sql += " AND status=?3";
    sql += " ORDER BY last_us DESC LIMIT ?4";
    Stmt s;
    if (!db_.prepare(sql.c_str(), &s)) return db_.error("query incidents");
    s.bind(1, q.since_us);
    s.bind(2, static_cast<int64_t>(q.max_severity));
    if (!q.status.empty()) s.bind_text(3, q.status);
    s.bind(4, static_cast<int64_t>(q.limit));
    std::vector<v1::Incident> out;
    while (s.step() == SQLITE_ROW) out.push_back(incident_from_row(s));
    return out;
  }

  Result<std::vector<AlertRow>> incident_alerts(std::string_view id) override {
    Stmt s;
    if (!db_.prepare((std::string("SELECT ") + kAlertColumns +
                      " FROM incident_members m JOIN alerts a ON a.stream=m.stream AND a.seq=m.seq"
                      " JOIN streams s ON s.id=a.stream WHERE m.incident=? ORDER BY a.event_us, a.id")
                         .c_str(),
                     &s)) {
      return db_.error("incident alerts");
    }
    s.bind_text(1, id);
    return read_alert_rows(s);
  }

  Status set_incident_status(std::string_view id, std::string_view status, std::string_view actor,
                             std::string_view note) override {
    if (status != "open" && status != "acknowledged" && status != "closed") {
      return Error{.message = "unknown incident status '" + std::string(status) + "'"};
    }
    Txn txn(db_);
    if (!txn.ok()) return db_.error("begin");
    Stmt s;
    if (!db_.prepare("UPDATE incidents SET status=?, status_set=1 WHERE id=?", &s)) return db_.error("status");
    s.bind_text(1, status);
    s.bind_text(2, id);
    if (s.step() != SQLITE_DONE) return db_.error("status");
    if (sqlite3_changes(db_.get()) == 0) return Error{.message = "no incident '" + std::string(id) + "'"};
    std::string action = "incident.";
    action += status == "acknowledged" ? "ack" : status;
    if (Status st = write_audit({.time_us = now_us(), .actor = std::string(actor), .action = action,
                                 .subject = std::string(id), .note = std::string(note)});
        !st) {
      return st;
    }
    if (!txn.commit()) return db_.error("commit");
    return {};
  }

  Status upsert_agent(const AgentRecord& a) override {
    nlohmann::json labels = a.labels;
    std::string counters;
    a.counters.SerializeToString(&counters);
    Stmt& s = upsert_agent_;
    if (s.get() == nullptr && !db_.prepare(
            "INSERT INTO agents(key,name,labels,first_us,last_us,version,counters,revoked) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(key) DO UPDATE SET "
            "name=CASE WHEN ?2<>'' THEN ?2 ELSE name END, labels=CASE WHEN ?3<>'{}' THEN ?3 ELSE labels END, "
            "first_us=CASE WHEN first_us IS NULL OR first_us=0 THEN ?4 WHEN ?4=0 THEN first_us "
            "ELSE min(first_us,?4) END, last_us=max(coalesce(last_us,0),?5), "
            "version=CASE WHEN ?6<>'' THEN ?6 ELSE version END, "
            "counters=CASE WHEN length(?7)>0 THEN ?7 ELSE counters END, revoked=?8",
            &s)) {
      return db_.error("upsert agent");
    }
    s.reset();
    s.bind_blob(1, a.key);
    s.bind_text(2, a.name);
    s.bind_text(3, labels.dump());
    s.bind(4, a.first_seen_us);
    s.bind(5, a.last_seen_us);
    s.bind_text(6, a.version);
    s.bind_blob(7, counters);
    s.bind(8, a.revoked ? 1 : 0);
    const int rc = s.step();
    s.reset();
    if (rc != SQLITE_DONE) return db_.error("upsert agent");
    return {};
  }

  Result<std::vector<AgentRecord>> agents() override {
    Stmt s;
    if (!db_.prepare("SELECT key,name,labels,first_us,last_us,version,counters,revoked FROM agents ORDER BY name",
                     &s)) {
      return db_.error("agents");
    }
    std::vector<AgentRecord> out;
    while (s.step() == SQLITE_ROW) {
      AgentRecord a;
      a.key = s.column_blob(0);
      a.name = s.column_text(1);
      auto labels = nlohmann::json::parse(s.column_text(2), nullptr, false);
      if (labels.is_object()) {
        for (auto it = labels.begin(); it != labels.end(); ++it) {
          if (it.value().is_string()) a.labels[it.key()] = it.value().get<std::string>();
        }
      }
      a.first_seen_us = s.column_int(3);
      a.last_seen_us = s.column_int(4);
      a.version = s.column_text(5);
      a.counters.ParseFromString(s.column_blob(6));
      a.revoked = s.column_int(7) != 0;
      out.push_back(std::move(a));
    }
    return out;
  }

  Status audit(const AuditEntry& e) override { return write_audit(e); }

  Result<std::vector<AuditEntry>> audit_log(int64_t since_us, size_t limit) override {
    Stmt s;
    if (!db_.prepare("SELECT time_us,actor,action,subject,note FROM audit WHERE time_us>=? ORDER BY id LIMIT ?",
                     &s)) {
      return db_.error("audit log");
    }
    s.bind(1, since_us);
    s.bind(2, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.step() == SQLITE_ROW) {
      out.push_back({.time_us = s.column_int(0), .actor = s.column_text(1), .action = s.column_text(2),
                     .subject = s.column_text(3), .note = s.column_text(4)});
    }
    return out;
  }

  Status put_states(const std::map<std::string, std::string>& blobs) override {
    Txn txn(db_);
    if (!txn.ok()) return db_.error("begin");
    Stmt s;
    if (!db_.prepare("INSERT OR REPLACE INTO state(name,value) VALUES(?,?)", &s)) return db_.error("state");
    for (const auto& [name, value] : blobs) {
      s.reset();
      s.bind_text(1, name);
      s.bind_blob(2, value);
      if (s.step() != SQLITE_DONE) return db_.error("state");
    }
    if (!txn.commit()) return db_.error("commit");
    return {};
  }

  Result<std::optional<std::string>> get_state(std::string_view name) override {
    Stmt s;
    if (!db_.prepare("SELECT value FROM state WHERE name=?", &s)) return db_.error("state");
    s.bind_text(1, name);
    if (s.step() != SQLITE_ROW) return std::optional<std::string>();
    return std::optional<std::string>(s.column_blob(0));
  }

  Result<RetentionResult> apply_retention(int64_t max_age_us, uint64_t max_bytes, int64_t now) override {
    RetentionResult r;
    if (max_age_us > 0) {
      Stmt s;
      if (!db_.prepare("DELETE FROM alerts WHERE event_us<?", &s)) return db_.error("retention");
      s.bind(1, now - max_age_us);
      if (s.step() != SQLITE_DONE) return db_.error("retention");
      r.alerts_deleted += static_cast<uint64_t>(sqlite3_changes(db_.get()));
    }
    if (max_bytes > 0) {
      for (int round = 0; round < 64; ++round) {
        uint64_t used = used_bytes();
        if (used <= max_bytes) break;
        int64_t count = db_.scalar("SELECT count(*) FROM alerts");
        if (count <= 0) break;
        uint64_t per = std::max<uint64_t>(1, used / static_cast<uint64_t>(count));
        int64_t n = static_cast<int64_t>((used - max_bytes) / per) + 1;
        n = std::max<int64_t>(n, std::max<int64_t>(1, count / 100));
        Stmt s;
        if (!db_.prepare("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts ORDER BY id LIMIT ?)", &s)) {
          return db_.error("retention");
        }
        s.bind(1, n);
        if (s.step() != SQLITE_DONE) return db_.error("retention");
        r.alerts_deleted += static_cast<uint64_t>(sqlite3_changes(db_.get()));
      }
    }
    if (r.alerts_deleted > 0) {
      // Members of deleted alerts, then closed incidents left without members.
      db_.exec("DELETE FROM incident_members WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE "
               "a.stream=incident_members.stream AND a.seq=incident_members.seq)");
      Stmt s;
      if (db_.prepare("DELETE FROM incidents WHERE status='closed' AND NOT EXISTS (SELECT 1 FROM "
                      "incident_members m WHERE m.incident=incidents.id)",
                      &s) &&
          s.step() == SQLITE_DONE) {
        r.incidents_deleted = static_cast<uint64_t>(sqlite3_changes(db_.get()));
      }
      db_.exec("PRAGMA incremental_vacuum");
      db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return r;
  }

  Result<StoreStats> stats() override {
    StoreStats st;
    st.alerts = static_cast<uint64_t>(db_.scalar("SELECT count(*) FROM alerts"));
    st.incidents = static_cast<uint64_t>(db_.scalar("SELECT count(*) FROM incidents"));
    st.agents = static_cast<uint64_t>(db_.scalar("SELECT count(*) FROM agents"));
    st.file_bytes = db_.file_bytes();
    return st;
  }

 private:
  uint64_t used_bytes() {
    int64_t pages = db_.scalar("PRAGMA page_count");
    int64_t free_pages = db_.scalar("PRAGMA freelist_count");
    int64_t size = db_.scalar("PRAGMA page_size");
    return static_cast<uint64_t>(std::max<int64_t>(0, pages - free_pages) * size);
  }

  // The stream id for (agent_key, epoch); creates it when `create`. 0 when absent and not created.
  bool stream_id(std::string_view key, std::string_view epoch, bool create, int64_t* out) {
    std::string& k = stream_key_;  // reused: no allocation per alert and member
    k.assign(key);
    k += '\0';
    k += epoch;
    if (auto it = streams_.find(k); it != streams_.end()) {
      *out = it->second;
      return true;
    }
    find_stream_.reset();
    find_stream_.bind_blob(1, key);
    find_stream_.bind_blob(2, epoch);
    int rc = find_stream_.step();
    if (rc == SQLITE_ROW) {
      *out = find_stream_.column_int(0);
    } else if (rc != SQLITE_DONE) {
      return false;
    } else if (!create) {
      *out = 0;
      return true;
    } else {
      insert_stream_.reset();
      insert_stream_.bind_blob(1, key);
      insert_stream_.bind_blob(2, epoch);
      if (insert_stream_.step() != SQLITE_DONE) return false;
      *out = sqlite3_last_insert_rowid(db_.get());
      // A rolled-back transaction could forget a created stream, so only cache when already committed:
      // the next lookup finds it in the table either way.
      return true;
    }
    if (streams_.size() > 100000) streams_.clear();
    streams_.emplace(k, *out);
    return true;
  }

  Status write_audit(const AuditEntry& e) {
    Stmt s;
    if (!db_.prepare("INSERT INTO audit(time_us,actor,action,subject,note) VALUES(?,?,?,?,?)", &s)) {
      return db_.error("audit");
    }
    s.bind(1, e.time_us ? e.time_us : now_us());
    s.bind_text(2, e.actor);
    s.bind_text(3, e.action);
    s.bind_text(4, e.subject);
    s.bind_text(5, e.note);
    if (s.step() != SQLITE_DONE) return db_.error("audit");
    return {};
  }

  static v1::Incident incident_from_row(Stmt& s) {
    v1::Incident inc;
    inc.ParseFromString(s.column_blob(0));
    inc.set_status(s.column_text(1));
    inc.set_first_seen_us(s.column_int(2));
    inc.set_last_seen_us(s.column_int(3));
    return inc;
  }

  static Result<std::vector<AlertRow>> read_alert_rows(Stmt& s) {
    std::vector<AlertRow> out;
    while (s.step() == SQLITE_ROW) {
      AlertRow r;
      r.id = s.column_int(0);
      r.agent_key = s.column_blob(1);
      r.epoch = s.column_blob(2);
      r.agent = s.column_text(3);
      r.org = s.column_text(4);
      r.received_us = s.column_int(5);
      r.alert.ParseFromString(s.column_blob(6));
      out.push_back(std::move(r));
    }
    return out;
  }

  Db db_;
  Stmt insert_alert_, find_stream_, insert_stream_, insert_member_, upsert_incident_, upsert_agent_;
  v1::Incident incident_body_;
  std::string rule_;
  std::unordered_map<std::string, int64_t> streams_;
  std::string stream_key_;  // stream_id()'s lookup key, reused
  std::string body_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options) {
  Db db;
  if (Status st = db.open(options.path, options.read_only, options.busy_timeout_ms); !st) return st.error();
  if (!options.read_only) {
    // auto_vacuum must be chosen before the first table exists; it is a no-op on an existing file.
    db.exec("PRAGMA auto_vacuum=INCREMENTAL");
    if (!db.exec("PRAGMA journal_mode=WAL")) return db.error("journal_mode");
    if (!db.exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")) {
      return db.error("synchronous");
    }
    if (!db.exec(kSchema)) return db.error("schema");
  }
  db.exec("PRAGMA temp_store=MEMORY");
  db.exec("PRAGMA cache_size=-65536");
  auto store = std::make_unique<SqliteStore>(std::move(db));
  if (Status st = store->prepare_all(); !st) return st.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace picket::collector::store
