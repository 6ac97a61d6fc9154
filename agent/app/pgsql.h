#pragma once
// PostgreSQL frontend/backend protocol (v3) parser: startup phase (SSLRequest, GSSENCRequest,
// CancelRequest, StartupMessage), authentication, simple query and its responses. Each frontend request
// is one transaction; the backend messages that answer it are attached to it.
//
//   picket::app::PgsqlParser pg(limits, counters);
//   pg.feed(Direction::kToServer, bytes, sink);   // any chunking
//   pg.feed(Direction::kToClient, bytes, sink);
//   // sink receives kPgsqlRequest (a request parsed) and kPgsqlResponse (its answer complete) with
//   // `event.pgsql` -> tx->simple_query, tx->command_completed, tx->error_fields ...
//
// A transaction's answer completes with ReadyForQuery ('Z'), with an authentication request that waits
// for the client (MD5/cleartext/SASL), with the one-byte answer to SSLRequest/GSSENCRequest, or with the
// end of the stream. When the server accepts TLS ('S') the rest of the connection is encrypted and not
// parsed (app.pgsql.tls_accepted). Messages longer than AppLimits::pgsql_max_message are skipped
// (app.pgsql.message_too_long); requests waiting for an answer are capped (pgsql_max_pending_tx).
// Lifetimes as HttpParser: a transaction finished during a call stays valid until the next call. Not
// thread-safe; a flow lives on one worker thread.
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "agent/app/app_event.h"
#include "agent/app/types.h"

namespace picket::app {

struct PgsqlTx {
  enum class Request : uint8_t {
    kNone,           // a response without request (e.g. a backend notice)
    kSslRequest, kGssEncRequest, kCancelRequest, kStartup,
    kPassword,       // 'p': password, SASL initial/continued response
    kSimpleQuery,    // 'Q'
    kTerminate,      // 'X'
    kOther,          // any other typed frontend message (extended query parts ...)
  };
  uint64_t id = 0;
  Request request = Request::kNone;
  char request_type = 0;                 // typed message letter, 0 for startup-phase messages
  uint32_t protocol_version = 0;         // StartupMessage (196608 = 3.0)
  std::vector<std::pair<std::string, std::string>> startup_params;  // user, database, application_name...
  std::string password;                  // 'p' payload (password or SASL data), as sent
  std::string simple_query;              // 'Q' query text (without the terminating NUL)
  // Answer.
  char ssl_response = 0;                 // 'S' / 'N' for SSLRequest and GSSENCRequest
  int32_t auth_type = -1;                // last AuthenticationXXX code (0 ok, 3 cleartext, 5 md5, 10 SASL...)
  std::vector<std::pair<std::string, std::string>> parameter_status;
  uint32_t backend_pid = 0, backend_key = 0;
  std::string command_completed;         // 'C' tag, e.g. "SELECT 8"
  uint32_t field_count = 0;              // 'T' RowDescription field count
  uint64_t data_rows = 0;                // 'D' messages
  uint64_t data_size = 0;                // bytes of the column values of those rows
  std::vector<std::pair<char, std::string>> error_fields;   // 'E' fields: S, V, C, M, F, L, R ...
  std::vector<std::pair<char, std::string>> notice_fields;  // 'N' fields
  char ready_status = 0;                 // 'Z' transaction status: I, T, E
  bool request_done = false;
  bool response_done = false;

  // Sticky buffer pgsql.query.
  std::string_view pgsql_query() const { return simple_query; }
};

class PgsqlParser {
 public:
  PgsqlParser(const AppLimits& limits, AppCounters& counters);
  ~PgsqlParser();
  PgsqlParser(const PgsqlParser&) = delete;
  PgsqlParser& operator=(const PgsqlParser&) = delete;

  void feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);
  void on_close(Direction dir, AppEventSink* sink);
  void on_gap(Direction dir);

  const std::deque<PgsqlTx>& transactions() const { return txs_; }
  uint64_t transactions_started() const { return next_tx_id_; }
  bool encrypted() const { return encrypted_; }

  struct Side;

 private:
  void release_done();
  PgsqlTx* new_tx();
  PgsqlTx* answering();  // the oldest request still waiting for its answer (or a new one)
  void request_message(char type, std::span<const uint8_t> body, AppEventSink* sink);
  void response_message(char type, std::span<const uint8_t> body, AppEventSink* sink);
  void complete(PgsqlTx& tx, AppEventSink* sink);

  const AppLimits& limits_;
  AppCounters& counters_;
  std::deque<PgsqlTx> txs_;
  uint64_t next_tx_id_ = 0;
  bool startup_done_ = false;   // the client sent its StartupMessage (typed messages follow)
  bool expect_ssl_byte_ = false;  // the server answers SSLRequest/GSSENCRequest with one byte
  bool encrypted_ = false;
  std::unique_ptr<Side> sides_[2];
};

// Does `data` (the first bytes a client sent) start a PostgreSQL connection? An SSLRequest,
// GSSENCRequest, CancelRequest or a v3 StartupMessage whose parameters are NUL-terminated pairs.
// kPrefix-style answer: *need_more when the bytes so far agree but are not enough to decide.
bool pgsql_probe_to_server(std::span<const uint8_t> data, bool* need_more);

}  // namespace picket::app
