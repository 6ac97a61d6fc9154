#include "collector/ingest/ingest.h"

#include <sys/socket.h>
#include <zmq.h>

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "common/transport/socket_options.h"
#include "common/transport/wire.h"
#include "picket.pb.h"

namespace picket::collector {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

IngestServer::IngestServer(IngestOptions options)
    : opt_(std::move(options)), watcher_(opt_.allow_list_path), arena_block_(kArenaBlock) {
  google::protobuf::ArenaOptions ao;
  ao.initial_block = arena_block_.data();
  ao.initial_block_size = arena_block_.size();
  arena_ = std::make_unique<google::protobuf::Arena>(ao);
}

IngestServer::~IngestServer() { stop(); }

Status IngestServer::start() {
  if (Status s = watcher_.load(); !s) return s;
  auto j = Journal::open({.dir = opt_.journal_dir, .segment_bytes = opt_.journal_segment_bytes});
  if (!j) return j.error();
  journal_ = std::move(j.value());
  const auto& last_us = journal_->recovered_last_us();
  for (const auto& [id, seq] : journal_->recovered_streams()) {
    auto it = last_us.find(id);
    streams_[id] = Stream{.written = seq, .durable = seq, .last_us = it == last_us.end() ? 0 : it->second};
  }
  for (const StreamId& id : journal_->recovered_forgotten()) {
    if (streams_.count(id) == 0 && forgotten_.insert(id).second) forgotten_order_.push_back(id);
  }
  {
    std::vector<StreamId> all;
    for (const auto& [id, st] : streams_) all.push_back(id);
    bound_streams(all);
  }
  journal_->set_checkpoint_source([this](std::vector<JournalCheckpointEntry>* out) { checkpoint(out); });
  if (journal_->records_recovered() > 0) {
    spdlog::info("ingest: journal {} holds {} alerts from {} agent streams", opt_.journal_dir,
                 journal_->records_recovered(), streams_.size());
  }

  ctx_ = zmq_ctx_new();
  // The ZAP handler must exist before any CURVE socket: with it bound and ZAP_ENFORCE_DOMAIN on, no
  // connection is ever admitted without its verdict.
  zap_ = std::make_unique<ZapHandler>(ctx_, watcher_);
  if (Status s = zap_->start(); !s) return s;
  router_ = zmq_socket(ctx_, ZMQ_ROUTER);
  using transport::set_int_option;
  Status s = transport::set_curve_server(router_, opt_.server);
  if (s) s = set_int_option(router_, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
  if (s) s = transport::set_max_message_size(router_, opt_.max_message_size);
  if (s) s = transport::set_heartbeats(router_, opt_.heartbeat_interval);
  if (s) s = set_int_option(router_, ZMQ_LINGER, 0, "ZMQ_LINGER");
  if (s) s = set_int_option(router_, ZMQ_RCVHWM, 4096, "ZMQ_RCVHWM");
  if (!s) return s;
  if (zmq_bind(router_, opt_.listen.c_str()) != 0) {
    return Error{.message = "cannot listen on " + opt_.listen + ": " + zmq_strerror(zmq_errno())};
  }
  char endpoint[256] = {};
  size_t len = sizeof endpoint;
  zmq_getsockopt(router_, ZMQ_LAST_ENDPOINT, endpoint, &len);
  bound_ = endpoint;
  spdlog::info("ingest: listening on {} (CURVE, allow-list {})", bound_, opt_.allow_list_path);
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void IngestServer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (router_ != nullptr) zmq_close(router_);
  router_ = nullptr;
  if (zap_) zap_->stop();
  zap_.reset();
  if (ctx_ != nullptr) zmq_ctx_term(ctx_);
  ctx_ = nullptr;
}

IngestStats IngestServer::stats() const {
  IngestStats s;
  s.frames = c_.frames.load();
  s.batches = c_.batches.load();
  s.alerts_stored = c_.alerts_stored.load();
  s.duplicates = c_.duplicates.load();
  s.gaps = c_.gaps.load();
  s.bad_frames = c_.bad_frames.load();
  s.unauthorised = c_.unauthorised.load();
  s.hellos = c_.hellos.load();
  s.heartbeats = c_.heartbeats.load();
  s.acks_sent = c_.acks_sent.load();
  s.commits = c_.commits.load();
  s.streams = c_.streams.load();
  s.streams_forgotten = c_.streams_forgotten.load();
  s.streams_resumed = c_.streams_resumed.load();
  if (zap_) {
    s.zap_accepted = zap_->accepted();
    s.zap_refused = zap_->refused();
  }
  return s;
}

void IngestServer::forget(std::map<StreamId, Stream>::iterator it) {
  if (forgotten_.insert(it->first).second) forgotten_order_.push_back(it->first);
  streams_.erase(it);
  ++c_.streams_forgotten;
  const size_t cap = std::max<size_t>(4 * opt_.max_streams, 16);
  while (forgotten_order_.size() > cap) {
    forgotten_.erase(forgotten_order_.front());
    forgotten_order_.pop_front();
  }
}

void IngestServer::bound_streams(const std::vector<StreamId>& acked) {
  // An agent's epochs active before the one just made durable are over (its spool was recreated).
  for (const StreamId& id : acked) {
    auto self = streams_.find(id);
    if (self == streams_.end() || self->second.durable == 0) continue;
    const int64_t newest = self->second.last_us;
    StreamId first{.key = id.key, .epoch = {}};
    for (auto it = streams_.lower_bound(first); it != streams_.end() && it->first.key == id.key;) {
      auto cur = it++;
      if (cur->first != id && cur->second.last_us < newest) forget(cur);
    }
  }
  // The cap: forget the least recently active, down to 90% of it.
  if (streams_.size() > opt_.max_streams) {
    const size_t target = opt_.max_streams - opt_.max_streams / 10;
    std::vector<std::pair<int64_t, StreamId>> by_age;
    by_age.reserve(streams_.size());
    for (const auto& [sid, st] : streams_) by_age.emplace_back(st.last_us, sid);
    const size_t drop = streams_.size() - target;
    std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1), by_age.end());
    for (size_t i = 0; i < drop; ++i) forget(streams_.find(by_age[i].second));
  }
  c_.streams = streams_.size();
}

void IngestServer::checkpoint(std::vector<JournalCheckpointEntry>* out) const {
  out->reserve(streams_.size() + forgotten_.size());
  for (const auto& [id, st] : streams_) out->push_back({.stream = id, .seq = st.durable, .last_us = st.last_us});
  for (const auto& id : forgotten_order_) {
    if (forgotten_.count(id) != 0) out->push_back({.stream = id, .forgotten = true});
  }
}

void IngestServer::set_control_listener(AgentControlListener* listener) {
  std::lock_guard<std::mutex> lock(listener_mu_);
  listener_ = listener;
}

void IngestServer::disconnect_peer(void* msg) {
  // libzmq has no call to drop one ROUTER peer; shutting its TCP socket down makes the I/O thread close the
  // session. The reconnect then goes through ZAP again, which refuses a revoked key.
  const int fd = zmq_msg_get(static_cast<zmq_msg_t*>(msg), ZMQ_SRCFD);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

void IngestServer::handle_message(const std::string& routing_id, void* msg_ptr) {
  static RateLimitedLog bad_log(std::chrono::seconds(1));
  auto* msg = static_cast<zmq_msg_t*>(msg_ptr);
  ++c_.frames;
  const char* user_id = zmq_msg_gets(msg, "User-Id");
  auto list = allow_list_now_;
  transport::KeyBytes key{};
  if (user_id == nullptr || !list->allows(user_id) || !transport::z85_to_bytes(user_id, &key)) {
    ++c_.unauthorised;
    uint64_t suppressed = 0;
    if (bad_log.allow(&suppressed)) {
      spdlog::warn("ingest: message from a key that is not (or no longer) enrolled: {}; disconnecting "
                   "({} similar messages not logged)", user_id == nullptr ? "(none)" : user_id, suppressed);
    }
    disconnect_peer(msg);
    return;
  }
  const std::span<const uint8_t> frame(static_cast<const uint8_t*>(zmq_msg_data(msg)), zmq_msg_size(msg));
  auto bad = [&](std::string_view why) {
    ++c_.bad_frames;
    uint64_t suppressed = 0;
    if (bad_log.allow(&suppressed)) {
      spdlog::warn("ingest: dropped a bad frame from {}: {} ({} similar messages not logged)", user_id, why,
                   suppressed);
    }
  };
  transport::FrameView f;
  if (!transport::scan_frame(frame, &f)) return bad(f.error);
  switch (f.kind) {
    case transport::FrameKind::kHello: {
      v1::Hello hello;
      if (!hello.ParseFromArray(f.body.data(), static_cast<int>(f.body.size()))) return bad("undecodable Hello");
      ++c_.hellos;
      const AgentEntry* a = list->by_key(user_id);
      spdlog::info("ingest: agent '{}' connected (host '{}', version '{}', epoch {})", a ? a->name : user_id,
                   hello.host_name(), hello.version(),
                   transport::epoch_hex({reinterpret_cast<const uint8_t*>(hello.epoch().data()), hello.epoch().size()}));
      std::lock_guard<std::mutex> lock(listener_mu_);
      if (listener_ != nullptr) {
        listener_->on_hello(std::string(reinterpret_cast<const char*>(key.data()), key.size()), std::move(hello),
                            now_us());
      }
      return;
    }
    case transport::FrameKind::kHeartbeat: {
      v1::Heartbeat hb;
      if (!hb.ParseFromArray(f.body.data(), static_cast<int>(f.body.size()))) return bad("undecodable Heartbeat");
      ++c_.heartbeats;
      if (hb.counters().spool_dropped() > 0) {
        uint64_t suppressed = 0;
        if (bad_log.allow(&suppressed)) {
          spdlog::warn("ingest: agent {} reports {} alerts dropped by its full spool", user_id,
                       hb.counters().spool_dropped());
        }
      }
      std::lock_guard<std::mutex> lock(listener_mu_);
      if (listener_ != nullptr) {
        listener_->on_heartbeat(std::string(reinterpret_cast<const char*>(key.data()), key.size()), std::move(hb),
                                now_us());
      }
      return;
    }
    case transport::FrameKind::kBatch:
      break;
    default:
      return bad("unexpected message type from an agent");
  }
  if (!transport::scan_batch(f.body, &batch_)) return bad(batch_.error);
  // Full protobuf validation of each alert: nothing malformed reaches the journal. The parse goes into an
  // arena with a fixed first block, reset after each alert: no allocation per alert or per field.
  for (const auto& a : batch_.alerts) {
    auto* alert = google::protobuf::Arena::CreateMessage<v1::Alert>(arena_.get());
    const bool ok = alert->ParseFromArray(a.bytes.data(), static_cast<int>(a.bytes.size()));
    arena_->Reset();
    if (!ok) return bad("undecodable Alert");
  }
  ++c_.batches;
  StreamId id;
  id.key = key;
  std::memcpy(id.epoch.data(), batch_.epoch.data(), id.epoch.size());
  auto found = streams_.find(id);
  if (found == streams_.end()) {
    Stream fresh;
    auto f = forgotten_.find(id);
    if (f != forgotten_.end()) {
      // A stream forgotten earlier came back: resume where it starts now (the store de-duplicates).
      if (!batch_.alerts.empty() && batch_.alerts.front().seq > 1) {
        fresh.written = fresh.durable = batch_.alerts.front().seq - 1;
      }
      forgotten_.erase(f);
      ++c_.streams_resumed;
    }
    found = streams_.emplace(id, fresh).first;
    c_.streams = streams_.size();
  }
  Stream& st = found->second;
  const int64_t received = now_us();
  st.last_us = received;
  for (const auto& a : batch_.alerts) {
    if (a.seq <= st.written) {
      ++c_.duplicates;
      continue;
    }
    if (a.seq != st.written + 1) {
      ++c_.gaps;  // the Ack below tells the agent where to resume
      break;
    }
    journal_->append(id, a.seq, received, a.bytes);
    st.written = a.seq;
    ++c_.alerts_stored;
  }
  dirty_.push_back(&st);
  pending_acks_[routing_id] = id;
}

void IngestServer::commit_and_ack() {
  if (journal_failed_) {
    pending_acks_.clear();
    dirty_.clear();
    return;
  }
  if (journal_->has_pending()) {
    if (Status s = journal_->commit(); !s) {
      spdlog::critical("ingest: {}; no more alerts are acknowledged until the collector restarts",
                       s.error().format());
      journal_failed_ = true;
      failed_ = true;
      pending_acks_.clear();
      dirty_.clear();
      return;
    }
    ++c_.commits;
  }
  for (Stream* st : dirty_) st->durable = st->written;
  dirty_.clear();
  std::vector<StreamId> acked;
  acked.reserve(pending_acks_.size());
  for (const auto& [rid, id] : pending_acks_) {
    acked.push_back(id);
    const Stream& st = streams_[id];
    v1::Envelope env;
    env.set_schema_version(v1::SCHEMA_VERSION_1);
    env.mutable_ack()->set_epoch(id.epoch.data(), id.epoch.size());
    env.mutable_ack()->set_acked_seq(st.durable);
    const std::string payload = env.SerializeAsString();
    // The strace test matches each send to this line (tests/collector/ingest/strace_check.h).
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("ingest: ack epoch {} seq 1..{} bytes {}", transport::epoch_hex(id.epoch), st.durable,
                    payload.size());
    }
    if (zmq_send(router_, rid.data(), rid.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) continue;  // peer gone
    if (zmq_send(router_, payload.data(), payload.size(), ZMQ_DONTWAIT) >= 0) ++c_.acks_sent;
  }
  pending_acks_.clear();
  bound_streams(acked);
}

void IngestServer::run() {
  zmq_pollitem_t item{router_, 0, ZMQ_POLLIN, 0};
  allow_list_now_ = watcher_.current();
  auto next_reload = Clock::now() + opt_.reload_interval;
  std::string routing_id;
  while (!stop_) {
    zmq_poll(&item, 1, 100);
    for (int drained = 0; drained < 10000; ++drained) {
      zmq_msg_t id;
      zmq_msg_init(&id);
      if (zmq_msg_recv(&id, router_, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&id);
        break;
      }
      routing_id.assign(static_cast<const char*>(zmq_msg_data(&id)), zmq_msg_size(&id));
      const bool has_body = zmq_msg_more(&id);
      zmq_msg_close(&id);
      if (!has_body) continue;
      zmq_msg_t body;
      zmq_msg_init(&body);
      if (zmq_msg_recv(&body, router_, 0) < 0) {
        zmq_msg_close(&body);
        continue;
      }
      if (zmq_msg_more(&body)) {  // an agent sends one frame per message; anything else is refused
        ++c_.bad_frames;
        while (zmq_msg_more(&body)) {
          zmq_msg_close(&body);
          zmq_msg_init(&body);
          if (zmq_msg_recv(&body, router_, 0) < 0) break;
        }
      } else {
        handle_message(routing_id, &body);
      }
      zmq_msg_close(&body);
      if (journal_->pending_bytes() >= opt_.group_max_bytes ||
          (opt_.fsync == IngestFsync::kEveryBatch && !pending_acks_.empty())) {
        commit_and_ack();
      }
    }
    commit_and_ack();
    if (Clock::now() >= next_reload) {
      next_reload = Clock::now() + opt_.reload_interval;
      watcher_.poll();
      allow_list_now_ = watcher_.current();
    }
  }
  commit_and_ack();
}

}  // namespace picket::collector
