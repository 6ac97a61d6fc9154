// The end-of-run statistics: text summary and EVE stats event.
#include <cstdio>
#include <string>

#include "agent/pipeline/offline.h"
#include "common/eve/eve.h"
#include "common/eve/json_writer.h"

namespace picket::pipeline {

namespace {
// Indexed as Worker::Stats::app_flows (flow::AppProto values, the last one "failed").
const char* kAppNames[12] = {"unknown", "http", "tls",   "dns",   "ssh",  "smtp",
                             "ftp",     "http2", "pgsql", "llmnr", "dhcp", "failed"};

template <typename Fn>
void for_each_counter(const RunStats& s, Fn&& fn) {
  const auto& d = s.decode;
  fn("capture.packets", s.capture.packets);
  fn("capture.bytes", s.capture.bytes);
  fn("capture.kernel_drops", s.capture.dropped);
  fn("capture.if_drops", s.capture.if_dropped);
  fn("decoder.pkts", d.packets);
  fn("decoder.bytes", d.bytes);
  fn("decoder.ethernet", d.ethernet);
  fn("decoder.vlan", d.vlan);
  fn("decoder.sll", d.sll);
  fn("decoder.raw", d.raw);
  fn("decoder.arp", d.arp);
  fn("decoder.ipv4", d.ipv4);
  fn("decoder.ipv6", d.ipv6);
  fn("decoder.tcp", d.tcp);
  fn("decoder.udp", d.udp);
  fn("decoder.icmpv4", d.icmp);
  fn("decoder.icmpv6", d.icmpv6);
  fn("decoder.gre", d.gre);
  fn("decoder.vxlan", d.vxlan);
  fn("decoder.ppp", d.ppp);
  fn("decoder.chdlc", d.chdlc);
  fn("decoder.sctp", d.sctp);
  fn("decoder.other_ip", d.other_ip);
  fn("decoder.fragments", d.fragments);
  fn("decoder.reassembled", d.reassembled);
  const auto& f = s.workers.flow;
  fn("flow.total", f.created);
  fn("flow.tcp", f.tcp);
  fn("flow.udp", f.udp);
  fn("flow.icmp", f.icmp);
  fn("flow.other", f.other);
  fn("flow.timeout", f.timed_out);
  fn("flow.icmp_errors_joined", f.icmp_errors_joined);
  fn("flow.evicted_memcap", f.evicted);
  fn("flow.end_of_input", f.flushed);
  const auto& t = s.workers.stream;
  fn("stream.segments", t.segments);
  fn("stream.reassembled_bytes", t.bytes);
  fn("stream.retransmissions", t.retransmissions);
  fn("stream.overlaps", t.overlaps);
  fn("stream.overlap_diff", t.overlap_diff);
  fn("stream.out_of_order", t.out_of_order);
  fn("stream.gaps", t.gaps);
  fn("stream.beyond_window", t.beyond_window);
  fn("stream.memcap_drops", t.memcap_drops);
  fn("stream.depth_reached", t.depth_reached);
  fn("stream.untracked_payload", t.untracked);
  fn("stream.checksum_skipped", s.workers.checksum_skipped);
  for (int i = 1; i < 12; ++i) fn(std::string("app_layer.flow.") + kAppNames[i], s.workers.app_flows[i]);
  fn("app_layer.tx.http", s.workers.http_tx);
  fn("app_layer.tx.dns", s.workers.dns_messages);
  fn("app_layer.tx.tls", s.workers.tls_handshakes);
  fn("detect.alerts", s.alerts);
  fn("eve.events", s.workers.eve_events);
}
}  // namespace

std::string format_summary(const RunStats& s) {
  std::string out;
  char buf[256];
  double mbit = s.seconds > 0 ? s.capture.bytes * 8.0 / s.seconds / 1e6 : 0;
  std::snprintf(buf, sizeof(buf),
                "picket-agent: %llu packets, %llu bytes, %llu flows, %llu alerts in %.3f s (%.1f Mbit/s, %u "
                "worker%s)\n",
                static_cast<unsigned long long>(s.capture.packets), static_cast<unsigned long long>(s.capture.bytes),
                static_cast<unsigned long long>(s.workers.flow.created), static_cast<unsigned long long>(s.alerts),
                s.seconds, mbit, s.worker_threads, s.worker_threads == 1 ? "" : "s");
  out += buf;
  for_each_counter(s, [&](const std::string& name, uint64_t v) {
    if (v == 0 && name.rfind("decoder.pkts", 0) != 0 && name.rfind("flow.total", 0) != 0) return;
    std::snprintf(buf, sizeof(buf), "  %-32s %llu\n", name.c_str(), static_cast<unsigned long long>(v));
    out += buf;
  });
  bool any = false;
  for (size_t i = 0; i < decode::kAnomalyCount; ++i) {
    uint64_t v = s.decode.anomalies[i];
    if (v == 0) continue;
    if (!any) out += "anomalies:\n";
    any = true;
    std::snprintf(buf, sizeof(buf), "  decoder.%-24s %llu\n",
                  std::string(decode::anomaly_name(static_cast<decode::Anomaly>(i))).c_str(),
                  static_cast<unsigned long long>(v));
    out += buf;
  }
  if (!any) out += "anomalies: none\n";
  bool app_any = false;
  s.workers.app.for_each([&](std::string_view name, uint64_t v) {
    if (v == 0) return;
    if (!app_any) out += "app-layer:\n";
    app_any = true;
    std::snprintf(buf, sizeof(buf), "  %-32s %llu\n", std::string(name).c_str(), static_cast<unsigned long long>(v));
    out += buf;
  });
  if (s.decode.checksum_auto_disabled) out += "note: checksum validation turned off (most checksums invalid: offloaded)\n";
  if (!s.read_error.empty()) out += "note: capture read stopped: " + s.read_error + "\n";
  return out;
}

std::string render_stats_event(const RunStats& s, int64_t ts_us) {
  eve::JsonWriter w;
  w.begin_object();
  eve::write_header(w, ts_us, nullptr, "stats");
  w.key("stats");
  w.begin_object();
  for_each_counter(s, [&](const std::string& name, uint64_t v) { w.kv(name, v); });
  for (size_t i = 0; i < decode::kAnomalyCount; ++i) {
    w.kv("decoder." + std::string(decode::anomaly_name(static_cast<decode::Anomaly>(i))), s.decode.anomalies[i]);
  }
  s.workers.app.for_each([&](std::string_view name, uint64_t v) { w.kv(name, v); });
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace picket::pipeline
