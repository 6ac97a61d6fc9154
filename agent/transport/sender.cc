#include "agent/transport/sender.h"

#include <zmq.h>

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "common/rule_id.h"
#include "common/transport/socket_options.h"
#include "common/transport/wire.h"

namespace picket::agent {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kMonitorEndpoint = "inproc://picket-sender-monitor";

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Sender::Sender(Spool& spool, SenderOptions options) : spool_(spool), opt_(std::move(options)) {}

Sender::~Sender() { stop(); }

Status Sender::setup_socket() {
  ctx_ = zmq_ctx_new();
  sock_ = zmq_socket(ctx_, ZMQ_DEALER);
  if (sock_ == nullptr) return Error{.message = std::string("zmq_socket: ") + zmq_strerror(zmq_errno())};
  using transport::set_int_option;
  if (Status s = transport::set_curve_client(sock_, opt_.client, opt_.server_public_z85); !s) return s;
  if (Status s = transport::set_heartbeats(sock_, opt_.heartbeat_interval); !s) return s;
  if (Status s = set_int_option(sock_, ZMQ_LINGER, 0, "ZMQ_LINGER"); !s) return s;
  // Queue only to a completed connection: a batch is never parked in a pipe that may be thrown away.
  if (Status s = set_int_option(sock_, ZMQ_IMMEDIATE, 1, "ZMQ_IMMEDIATE"); !s) return s;
  if (Status s = set_int_option(sock_, ZMQ_RECONNECT_IVL, static_cast<int>(opt_.reconnect_min.count()),
                                "ZMQ_RECONNECT_IVL");
      !s) {
    return s;
  }
  if (Status s = set_int_option(sock_, ZMQ_RECONNECT_IVL_MAX, static_cast<int>(opt_.reconnect_max.count()),
                                "ZMQ_RECONNECT_IVL_MAX");
      !s) {
    return s;
  }
  if (Status s = set_int_option(sock_, ZMQ_SNDHWM, static_cast<int>(opt_.window) + 16, "ZMQ_SNDHWM"); !s) return s;
  if (Status s = transport::set_max_message_size(sock_, 1 << 20); !s) return s;  // inbound: Acks only
  if (zmq_socket_monitor(sock_, kMonitorEndpoint,
                         ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0) {
    return Error{.message = std::string("zmq_socket_monitor: ") + zmq_strerror(zmq_errno())};
  }
  mon_ = zmq_socket(ctx_, ZMQ_PAIR);
  if (mon_ == nullptr || zmq_connect(mon_, kMonitorEndpoint) != 0) {
    return Error{.message = std::string("monitor: ") + zmq_strerror(zmq_errno())};
  }
  if (zmq_connect(sock_, opt_.endpoint.c_str()) != 0) {
    return Error{.message = "cannot connect to " + opt_.endpoint + ": " + zmq_strerror(zmq_errno())};
  }
  return Status::Ok();
}

Status Sender::start() {
  if (Status s = setup_socket(); !s) {
    stop();
    return s;
  }
  started_ = Clock::now();
  next_heartbeat_ = started_ + opt_.heartbeat_interval;
  next_send_ = spool_.acked_seq() + 1;
  reported_dropped_ = 0;
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void Sender::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (mon_ != nullptr) zmq_close(mon_);
  if (sock_ != nullptr) {
    zmq_socket_monitor(sock_, nullptr, 0);
    zmq_close(sock_);
  }
  if (ctx_ != nullptr) zmq_ctx_term(ctx_);
  mon_ = sock_ = ctx_ = nullptr;
}

SenderStats Sender::stats() const {
  SenderStats s;
  s.connects = connects_.load();
  s.disconnects = disconnects_.load();
  s.batches_sent = batches_sent_.load();
  s.alerts_sent = alerts_sent_.load();
  s.acks = acks_.load();
  s.rewinds = rewinds_.load();
  s.bad_frames = bad_frames_.load();
  s.acked_seq = spool_.acked_seq();
  s.connected = connected_flag_.load();
  return s;
}

void Sender::on_connected() {
  connected_ = true;
  connected_flag_ = true;
  ++connects_;
  v1::Envelope env;
  env.set_schema_version(v1::SCHEMA_VERSION_1);
  v1::Hello* hello = env.mutable_hello();
  hello->set_host_name(opt_.host_name);
  hello->set_version(opt_.version);
  hello->set_epoch(spool_.epoch().data(), spool_.epoch().size());
  for (const auto& [k, v] : opt_.labels) (*hello->mutable_labels())[k] = v;
  send_frame(env.SerializeAsString());
  // Everything not acknowledged may have been lost with the old connection: resend it, at a bounded rate.
  inflight_.clear();
  next_send_ = spool_.acked_seq() + 1;
  resend_until_ = highest_sent_;
  tokens_ = 0;
  tokens_at_ = Clock::now();
  spdlog::info("sender: connected to {}; resuming from seq {}", opt_.endpoint, next_send_);
}

void Sender::handle_monitor() {
  while (true) {
    zmq_msg_t ev;
    zmq_msg_init(&ev);
    if (zmq_msg_recv(&ev, mon_, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&ev);
      return;
    }
    uint16_t event = 0;
    if (zmq_msg_size(&ev) >= 6) std::memcpy(&event, zmq_msg_data(&ev), sizeof event);
    zmq_msg_close(&ev);
    zmq_msg_t addr;  // second frame: the endpoint
    zmq_msg_init(&addr);
    zmq_msg_recv(&addr, mon_, 0);
    zmq_msg_close(&addr);
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      on_connected();
    } else if (event == ZMQ_EVENT_DISCONNECTED) {
      if (connected_) ++disconnects_;
      connected_ = false;
      connected_flag_ = false;
      inflight_.clear();
      spdlog::warn("sender: disconnected from {}; spool holds {} unacknowledged alerts", opt_.endpoint,
                   spool_.last_seq() - spool_.acked_seq());
    } else {
      spdlog::warn("sender: CURVE handshake with {} refused (event {:#x}); is this agent enrolled?", opt_.endpoint,
                   event);
    }
  }
}

void Sender::handle_ack(const v1::Ack& ack) {
  if (ack.epoch().size() != spool_.epoch().size() ||
      std::memcmp(ack.epoch().data(), spool_.epoch().data(), spool_.epoch().size()) != 0) {
    ++bad_frames_;
    return;
  }
  ++acks_;
  const uint64_t acked = std::min(ack.acked_seq(), spool_.last_seq());
  if (acked > spool_.acked_seq()) {
    spool_.ack(acked);
    if (on_ack_) on_ack_(acked);
  }
  const uint64_t stored = spool_.acked_seq();
  std::erase_if(inflight_, [&](const InFlight& f) { return f.last <= stored; });
  if (!inflight_.empty() && stored + 1 < inflight_.front().first) {
    // The collector is behind what we have in flight (it refused a batch after a gap): go back.
    ++rewinds_;
    inflight_.clear();
    next_send_ = stored + 1;
  }
  if (next_send_ <= stored) next_send_ = stored + 1;
}

void Sender::handle_incoming() {
  while (true) {
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, sock_, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&msg);
      return;
    }
    v1::Envelope env;
    if (!env.ParseFromArray(zmq_msg_data(&msg), static_cast<int>(zmq_msg_size(&msg))) || !env.has_ack()) {
      ++bad_frames_;
    } else {
      handle_ack(env.ack());
    }
    zmq_msg_close(&msg);
  }
}

bool Sender::send_frame(const std::string& frame) {
  return zmq_send(sock_, frame.data(), frame.size(), ZMQ_DONTWAIT) >= 0;
}

void Sender::shrink_oversized(SpoolRecord* rec) const {
  // An alert too big for one frame can never be delivered whole; send it without its bulky parts so the
  // sequence goes on (the full alert stays in the agent's EVE log).
  v1::Alert a;
  if (a.ParseFromString(rec->payload)) {
    a.mutable_net()->clear_payload();
    a.mutable_log()->clear_line();
    a.mutable_file()->clear_strings();
    (*a.mutable_metadata())["picket.truncated"] = "true";
  }
  if (a.ByteSizeLong() + transport::kBatchFrameOverhead + transport::kPerAlertOverhead >
      static_cast<size_t>(opt_.max_message_size)) {
    v1::Alert small;
    *small.mutable_rule() = a.rule();
    small.mutable_rule()->clear_metadata();
    small.set_event_time_us(a.event_time_us());
    (*small.mutable_metadata())["picket.truncated"] = "true";
    a = std::move(small);
  }
  a.set_seq(rec->seq);
  rec->payload = a.SerializeAsString();
  spdlog::warn("sender: alert seq {} exceeds the collector's message size; sent truncated", rec->seq);
}

void Sender::send_batches() {
  std::vector<SpoolRecord>& recs = recs_;
  std::vector<std::string_view>& views = views_;
  const size_t frame_cap = static_cast<size_t>(opt_.max_message_size);
  while (connected_ && inflight_.size() < opt_.window && !stop_) {
    const uint64_t last = spool_.last_seq();
    if (next_send_ > last) {
      pending_ = false;
      return;
    }
    const auto now = Clock::now();
    const uint64_t available = last - next_send_ + 1;
    if (available < opt_.batch_max_alerts) {
      if (!pending_) {
        pending_ = true;
        pending_since_ = now;
      }
      // Resends go out at once; new alerts wait up to batch_max_delay to fill a batch.
      if (next_send_ > resend_until_ && now - pending_since_ < opt_.batch_max_delay) return;
    }
    size_t count = opt_.batch_max_alerts;
    if (next_send_ <= resend_until_) {
      const double elapsed = std::chrono::duration<double>(now - tokens_at_).count();
      tokens_at_ = now;
      tokens_ = std::min<double>(tokens_ + elapsed * static_cast<double>(opt_.resend_rate),
                                 static_cast<double>(opt_.batch_max_alerts));
      if (tokens_ < 1) return;
      count = std::min<size_t>(count, static_cast<size_t>(tokens_));
    }
    const size_t byte_cap = std::min(opt_.batch_max_bytes, frame_cap - transport::kBatchFrameOverhead);
    if (spool_.read(next_send_, count, byte_cap, &recs) == 0) return;
    views.clear();
    for (auto& r : recs) views.push_back(r.payload);
    while (transport::batch_frame_size(views) > frame_cap && views.size() > 1) {
      views.pop_back();
      recs.pop_back();
    }
    if (transport::batch_frame_size(views) > frame_cap) {
      shrink_oversized(&recs[0]);
      views[0] = recs[0].payload;
    }
    // Nothing leaves the host before it is durable in the spool.
    if (spool_.synced_seq() < recs.back().seq) spool_.sync();
    // The frame is built in the message ZeroMQ sends: no further copy.
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, transport::batch_frame_size(views)) != 0) return;
    transport::encode_batch_frame_to(spool_.epoch(), views, static_cast<uint8_t*>(zmq_msg_data(&msg)));
    // The strace test matches each send to this line (tests/collector/ingest/strace_check.h).
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("sender: batch epoch {} seq {}..{} bytes {}", transport::epoch_hex(spool_.epoch()),
                    recs.front().seq, recs.back().seq, zmq_msg_size(&msg));
    }
    if (zmq_msg_send(&msg, sock_, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&msg);
      return;  // HWM or not connected: retried on the next turn
    }
    if (next_send_ <= resend_until_) tokens_ -= static_cast<double>(recs.size());
    inflight_.push_back({.first = recs.front().seq, .last = recs.back().seq, .sent = now});
    next_send_ = recs.back().seq + 1;
    highest_sent_ = std::max(highest_sent_, recs.back().seq);
    pending_ = false;
    ++batches_sent_;
    alerts_sent_ += recs.size();
  }
}

void Sender::send_heartbeat() {
  v1::Envelope env;
  env.set_schema_version(v1::SCHEMA_VERSION_1);
  v1::Heartbeat* hb = env.mutable_heartbeat();
  hb->set_version(opt_.version);
  hb->set_uptime_s(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count()));
  hb->set_agent_time_us(now_us());
  if (on_heartbeat_) on_heartbeat_(hb);
  const SpoolStats st = spool_.stats();
  hb->mutable_counters()->set_spool_depth(st.depth);
  hb->mutable_counters()->set_spool_dropped(st.dropped);
  send_frame(env.SerializeAsString());
}

void Sender::report_drops() {
  const uint64_t dropped = spool_.dropped();
  if (dropped <= reported_dropped_) return;
  v1::Alert a;
  a.set_event_time_us(now_us());
  a.set_host(opt_.host_name);
  v1::RuleRef* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_HEALTH);
  r->set_rule_id("spool-overflow");
  r->set_sid(derived_signature_id(v1::ENGINE_HEALTH, "spool-overflow"));
  r->set_severity(1);
  r->set_action(v1::ACTION_ALERT);
  r->set_title("agent spool full: " + std::to_string(dropped - reported_dropped_) +
               " alerts dropped (total " + std::to_string(dropped) + ")");
  (*a.mutable_metadata())["spool.dropped"] = std::to_string(dropped - reported_dropped_);
  (*a.mutable_metadata())["spool.dropped_total"] = std::to_string(dropped);
  // The health alert goes through the spool too; it fits once the collector has freed room. If it is
  // refused, that refusal is counted like any other and reported with the rest next time.
  if (spool_.append(a)) {
    reported_dropped_ = dropped;
    spdlog::warn("sender: spool cap reached: {} alerts dropped in total", dropped);
  }
}

void Sender::run() {
  zmq_pollitem_t items[2] = {{sock_, 0, ZMQ_POLLIN, 0}, {mon_, 0, ZMQ_POLLIN, 0}};
  while (!stop_) {
    long timeout_ms = std::max<long>(1, std::min<long>(opt_.batch_max_delay.count(), 50));
    zmq_poll(items, 2, timeout_ms);
    handle_monitor();
    handle_incoming();
    const auto now = Clock::now();
    if (connected_ && !inflight_.empty() && now - inflight_.front().sent > opt_.ack_timeout) {
      spdlog::warn("sender: no Ack for {} s; resending from seq {}",
                   std::chrono::duration_cast<std::chrono::seconds>(opt_.ack_timeout).count(),
                   spool_.acked_seq() + 1);
      ++rewinds_;
      inflight_.clear();
      resend_until_ = highest_sent_;
      next_send_ = spool_.acked_seq() + 1;
    }
    send_batches();
    if (now >= next_heartbeat_) {
      next_heartbeat_ = now + opt_.heartbeat_interval;
      report_drops();
      if (connected_) send_heartbeat();
    }
  }
}

}  // namespace picket::agent
