#pragma once
// Thin RAII wrappers over the SQLite C API, private to collector/store.
//
//   Db db; db.open(path, false, 5000);
//   Stmt s; db.prepare("SELECT id FROM t WHERE k=?", &s); s.bind_text(1, "x");
//   while (s.step() == SQLITE_ROW) use(s.column_int(0));
//
// One thread per Db.
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace picket::collector::store {

class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }

  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  void bind_text(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Without a copy: `v` must stay valid until the statement is stepped and reset.
  void bind_text_static(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind_blob_static(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  int step() { return sqlite3_step(s_); }
  int64_t column_int(int i) { return sqlite3_column_int64(s_, i); }
  std::string column_text(int i) {
    const unsigned char* p = sqlite3_column_text(s_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, i)))
             : std::string();
  }
  std::string column_blob(int i) {
    const void* p = sqlite3_column_blob(s_, i);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, i)))
             : std::string();
  }
  sqlite3_stmt** out() { return &s_; }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  Db() = default;
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& o) noexcept : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)) {}

  Status open(const std::string& path, bool read_only, int busy_timeout_ms) {
    path_ = path;
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) return error("open");
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    return {};
  }
  sqlite3* get() const { return db_; }
  bool exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
  bool prepare(const char* sql, Stmt* s) {
    return sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, s->out(), nullptr) == SQLITE_OK;
  }
  int64_t scalar(const char* sql) {
    Stmt s;
    if (!prepare(sql, &s) || s.step() != SQLITE_ROW) return -1;
    return s.column_int(0);
  }
  uint64_t file_bytes() const;
  Error error(std::string_view what) const {
    return Error{.file = path_,
                 .message = std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : "cannot allocate database")};
  }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when not committed. Nests: inside a transaction already open on
// this connection (Store::in_transaction) it neither begins nor commits, and the outermost one decides.
class Txn {
 public:
  explicit Txn(Db& db)
      : db_(db), outer_(sqlite3_get_autocommit(db.get()) != 0), ok_(!outer_ || db.exec("BEGIN IMMEDIATE")) {}
  ~Txn() {
    if (outer_ && ok_ && !done_) db_.exec("ROLLBACK");
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  bool ok() const { return ok_; }
  bool commit() {
    done_ = !outer_ || db_.exec("COMMIT");
    return done_;
  }

 private:
  Db& db_;
  bool outer_;
  bool ok_;
  bool done_ = false;
};

inline uint64_t Db::file_bytes() const {
  uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::string p = path_ + suffix;
    sqlite3_int64 size = 0;
    if (FILE* f = std::fopen(p.c_str(), "rb")) {
      std::fseek(f, 0, SEEK_END);
      size = std::ftell(f);
      std::fclose(f);
    }
    total += static_cast<uint64_t>(size > 0 ? size : 0);
  }
  return total;
}

}  // namespace picket::collector::store
