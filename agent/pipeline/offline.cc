// The reader loop and the worker threads (multi-worker hand-over in batches).
#include "agent/pipeline/offline.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/flow/flow.h"

namespace picket::pipeline {

namespace {

constexpr size_t kBatchItems = 256;
constexpr size_t kMaxQueuedBatches = 64;  // per worker: back-pressure on the reader

struct Batch {
  struct Item {
    uint32_t off = 0, len = 0, wire_len = 0;
    int64_t ts_us = 0;
    uint64_t pcap_cnt = 0;
    int linktype = 0;
    uint16_t vlan[2] = {0, 0};
    uint8_t vlan_count = 0;
    uint8_t tunnel_depth = 0;
    decode::Tunnel tunnel = decode::Tunnel::kNone;
    bool reassembled = false;
    uint32_t prefix_len = 0;  // reassembled: link prefix bytes stored before the datagram
  };
  std::vector<uint8_t> bytes;
  std::vector<Item> items;
  void clear() {
    bytes.clear();
    items.clear();
  }
};

class WorkerThread {
 public:
  WorkerThread(unsigned id, const PipelineConfig& cfg, std::span<Inspector* const> inspectors, AlertSink* alerts,
               output::EveSink* eve, output::EveTypes types)
      : worker_(id, cfg, inspectors, alerts, eve, types), decoder_(worker_decoder_config(cfg.decoder)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~WorkerThread() {
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<Batch> take_free() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return std::make_unique<Batch>();
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void push(std::unique_ptr<Batch> b) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches; });
    queue_.push_back(std::move(b));
    ready_.notify_one();
  }
  void close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  WorkerStats stats() const { return worker_.stats(); }

 private:
  static decode::DecoderConfig worker_decoder_config(decode::DecoderConfig c) {
    c.defrag = false;  // the reader reassembles fragments and hands over whole datagrams
    return c;
  }
  void loop() {
    decode::Packet p;
    while (true) {
      std::unique_ptr<Batch> b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [this] { return !queue_.empty() || done_; });
        if (queue_.empty()) break;
        b = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      for (const auto& it : b->items) {
        std::span<const uint8_t> frame(b->bytes.data() + it.off, it.len);
        if (it.reassembled) {
          // The datagram decodes as raw IP; the packet keeps the capture's link type and link prefix.
          decoder_.decode(frame.subspan(it.prefix_len), it.wire_len, it.ts_us, it.pcap_cnt, 12 /* DLT_RAW */, &p);
          p.linktype = it.linktype;
          p.link_prefix = frame.first(it.prefix_len);
          p.tunnel = it.tunnel;
          p.layers |= decode::kLayerReassembled;
          p.vlan[0] = it.vlan[0];
          p.vlan[1] = it.vlan[1];
          p.vlan_count = it.vlan_count;
          p.tunnel_depth = it.tunnel_depth;
        } else {
          decoder_.decode(frame, it.wire_len, it.ts_us, it.pcap_cnt, it.linktype, &p);
        }
        worker_.process(p);
      }
      b->clear();
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(std::move(b));
    }
    worker_.finish();
  }

  Worker worker_;
  decode::Decoder decoder_;
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::unique_ptr<Batch>> queue_;
  std::vector<std::unique_ptr<Batch>> free_;
  bool done_ = false;
  std::thread thread_;
};

// Spreads packets over workers by flow: the same key as the flow table (flow::FlowConfig::vlan_tracking).
uint64_t packet_hash(const decode::Packet& p, bool vlan_tracking) {
  if (p.ip_version == 0) return 0;
  const uint16_t v0 = vlan_tracking ? p.vlan[0] : 0, v1 = vlan_tracking ? p.vlan[1] : 0;
  if (p.icmp_quoted.valid) {
    // An ICMP error goes to the worker of the flow it quotes (flow::FlowTable::get joins it to that flow).
    const decode::Packet::IcmpQuoted& q = p.icmp_quoted;
    return flow::FlowKey::of_tuple(q.src, q.dst, q.sp, q.dp, q.proto, v0, v1).hash();
  }
  const bool ports = !(p.layers & decode::kLayerFragment);
  return flow::FlowKey::of_tuple(p.src, p.dst, ports ? p.sp : 0, ports ? p.dp : 0, p.proto, v0, v1).hash();
}

}  // namespace

RunStats run(capture::PacketSource& source, const PipelineConfig& cfg, std::span<Inspector* const> inspectors,
             AlertSink* alerts, output::EveSink* eve, output::EveTypes types, const std::atomic<bool>* stop) {
  RunStats st;
  auto t0 = std::chrono::steady_clock::now();
  unsigned n = std::max(1u, cfg.workers);
  st.worker_threads = n;
  for (Inspector* i : inspectors) i->start(n);
  decode::Decoder decoder(cfg.decoder);
  const int linktype = source.linktype();
  capture::Frame frame;
  decode::Packet p, whole;
  uint64_t cnt = 0;
  int64_t next_expire = 0;

  std::unique_ptr<Worker> inline_worker;
  std::vector<std::unique_ptr<WorkerThread>> threads;
  std::vector<std::unique_ptr<Batch>> batches;
  if (n == 1) {
    inline_worker = std::make_unique<Worker>(0, cfg, inspectors, alerts, eve, types);
  } else {
    for (unsigned i = 0; i < n; ++i) {
      threads.push_back(std::make_unique<WorkerThread>(i, cfg, inspectors, alerts, eve, types));
      batches.push_back(threads.back()->take_free());
    }
  }
  auto hand_over = [&](const decode::Packet& pk, std::span<const uint8_t> bytes, int lt, bool reassembled) {
    unsigned w = static_cast<unsigned>(packet_hash(pk, cfg.flow.vlan_tracking) % n);
    Batch& b = *batches[w];
    Batch::Item it;
    it.off = static_cast<uint32_t>(b.bytes.size());
    if (reassembled) {
      it.prefix_len = static_cast<uint32_t>(pk.link_prefix.size());
      it.tunnel = pk.tunnel;
      b.bytes.insert(b.bytes.end(), pk.link_prefix.begin(), pk.link_prefix.end());
    }
    it.len = static_cast<uint32_t>(bytes.size() + it.prefix_len);
    it.wire_len = pk.wire_len;
    it.ts_us = pk.ts_us;
    it.pcap_cnt = pk.pcap_cnt;
    it.linktype = lt;
    it.vlan[0] = pk.vlan[0];
    it.vlan[1] = pk.vlan[1];
    it.vlan_count = pk.vlan_count;
    it.tunnel_depth = pk.tunnel_depth;
    it.reassembled = reassembled;
    b.bytes.insert(b.bytes.end(), bytes.begin(), bytes.end());
    b.items.push_back(it);
    if (b.items.size() >= kBatchItems) {
      threads[w]->push(std::move(batches[w]));
      batches[w] = threads[w]->take_free();
    }
  };

  while (stop == nullptr || !stop->load(std::memory_order_relaxed)) {
    capture::NextResult r = source.next(&frame);
    if (r == capture::NextResult::kTimeout) continue;
    if (r == capture::NextResult::kEnd) break;
    if (r == capture::NextResult::kError) {
      st.read_error = source.last_error();
      break;
    }
    ++cnt;
    st.last_ts_us = frame.ts_us;
    decoder.decode(frame.data, frame.wire_len, frame.ts_us, cnt, linktype, &p);
    if (inline_worker) {
      inline_worker->process(p);
    } else {
      hand_over(p, frame.data, linktype, false);
    }
    if (decoder.has_reassembled() && decoder.decode_reassembled(&whole)) {
      if (inline_worker) {
        inline_worker->process(whole);
      } else {
        hand_over(whole, whole.raw, whole.linktype, true);
      }
    }
    if (frame.ts_us >= next_expire) {
      decoder.expire(frame.ts_us);
      next_expire = frame.ts_us + 1'000'000;
    }
  }
  if (inline_worker) {
    inline_worker->finish();
    st.workers = inline_worker->stats();
  } else {
    for (unsigned i = 0; i < n; ++i) {
      if (!batches[i]->items.empty()) threads[i]->push(std::move(batches[i]));
      threads[i]->close();
      st.workers.add(threads[i]->stats());
    }
  }
  for (Inspector* i : inspectors) i->finish();
  st.capture = source.stats();
  st.decode = decoder.stats();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace picket::pipeline
