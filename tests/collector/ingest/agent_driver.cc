// picket-loadgen / agent_driver: drives the REAL agent transport (agent/transport Spool + Sender) with N
// synthetic ~700-byte alerts, for integration tests and the transport benchmark. Not a user-facing program.
//
//   agent_driver --endpoint tcp://127.0.0.1:7800 --server-pub collector.pub --key agent.key --spool DIR
//                --count 100000 [--rate 5000] [--window 8] [--batch 2000] [--heartbeat-ms 5000]
//                [--ack-timeout-ms 15000] [--exit-when-acked] [--timeout-s 600] [--chunk 100]
//                [--log-level debug]   (debug: the sender logs each batch's seqs before sending it)
//
// Alert i (1-based over the spool's life) gets seq i and metadata driver.index = i, so a killed and restarted
// driver resumes at spool.last_seq() + 1 and a checker can prove each alert was stored once. On exit it
// prints one line: "acked=N sent=... rate=... p50_ms=... p99_ms=...".
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "agent/transport/sender.h"
#include "agent/transport/spool.h"
#include "common/transport/keys.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string endpoint, server_pub, key, spool;
  uint64_t count = 1000;
  uint64_t rate = 0;
  size_t window = 8;
  size_t batch = 2000;
  int64_t heartbeat_ms = 5000;
  int64_t ack_timeout_ms = 15000;
  int64_t timeout_s = 600;
  size_t chunk = 100;
  bool exit_when_acked = false;
  std::string fsync = "before-send";
  std::string log_level = "info";
};

bool parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--endpoint") a->endpoint = val();
    else if (k == "--server-pub") a->server_pub = val();
    else if (k == "--key") a->key = val();
    else if (k == "--spool") a->spool = val();
    else if (k == "--count") a->count = std::stoull(val());
    else if (k == "--rate") a->rate = std::stoull(val());
    else if (k == "--window") a->window = std::stoul(val());
    else if (k == "--batch") a->batch = std::stoul(val());
    else if (k == "--heartbeat-ms") a->heartbeat_ms = std::stoll(val());
    else if (k == "--ack-timeout-ms") a->ack_timeout_ms = std::stoll(val());
    else if (k == "--timeout-s") a->timeout_s = std::stoll(val());
    else if (k == "--chunk") a->chunk = std::stoul(val());
    else if (k == "--fsync") a->fsync = val();
    else if (k == "--log-level") a->log_level = val();
    else if (k == "--exit-when-acked") a->exit_when_acked = true;
    else {
      std::cerr << "agent_driver: unknown option " << k << '\n';
      return false;
    }
  }
  return !a->endpoint.empty() && !a->server_pub.empty() && !a->key.empty() && !a->spool.empty();
}

// A realistic network alert of about 700 bytes serialised, written over `*a` (an alert filled before keeps
// its allocations: the generator stands in for the detection engines and should not dominate the agent's
// CPU; the transport's own costs - serialising, spooling, sending - are all paid per alert).
void fill_alert(uint64_t index, picket::v1::Alert* a) {
  a->set_event_time_us(std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
  a->set_host("web01.finance.gov.example");
  auto* r = a->mutable_rule();
  r->set_engine(picket::v1::ENGINE_SURICATA);
  r->set_rule_id("2010935");
  r->set_sid(2010935);
  r->set_gid(1);
  r->set_rev(3);
  r->set_title("ET POLICY Suspicious inbound to MSSQL port 1433");
  r->set_severity(2);
  r->set_category("Potentially Bad Traffic");
  r->set_action(picket::v1::ACTION_ALERT);
  if (r->tags_size() == 0) r->add_tags("attack.initial_access");
  auto* n = a->mutable_net();
  char buf[96];
  std::snprintf(buf, sizeof buf, "203.0.113.%u", static_cast<unsigned>(index % 250));
  n->set_src_ip(buf);
  n->set_src_port(static_cast<uint32_t>(40000 + index % 20000));
  n->set_dest_ip("198.51.100.17");
  n->set_dest_port(80);
  n->set_proto("TCP");
  n->set_flow_id(1234567890123ull + index);
  n->set_app_proto("http");
  n->set_direction("to_server");
  if (n->payload().size() != 160) n->set_payload(std::string(160, 'A'));
  auto* h = n->mutable_http();
  h->set_hostname("portal.finance.gov.example");
  std::snprintf(buf, sizeof buf, "/services/documents/search?q=%%27%%20OR%%201%%3D1--&page=%u",
                static_cast<unsigned>(index % 100));
  h->set_url(buf);
  h->set_http_method("GET");
  h->set_protocol("HTTP/1.1");
  h->set_status(200);
  h->set_http_user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)");
  h->set_http_content_type("text/html; charset=utf-8");
  h->set_length(5120);
  std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(index));
  (*a->mutable_metadata())["driver.index"] = buf;
  (*a->mutable_metadata())["ministry"] = "finance";
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, &args)) {
    std::cerr << "usage: agent_driver --endpoint E --server-pub F --key F --spool DIR --count N [...]\n";
    return 64;
  }
  signal(SIGPIPE, SIG_IGN);
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  auto pair = picket::transport::load_secret_key(args.key);
  auto server = picket::transport::load_public_key(args.server_pub);
  if (!pair || !server) {
    std::cerr << "agent_driver: " << (!pair ? pair.error().format() : server.error().format()) << '\n';
    return 2;
  }
  auto spool = picket::agent::Spool::open(
      {.dir = args.spool,
       .fsync = args.fsync == "always" ? picket::agent::SpoolFsync::kAlways : picket::agent::SpoolFsync::kBeforeSend});
  if (!spool) {
    std::cerr << "agent_driver: " << spool.error().format() << '\n';
    return 3;
  }
  picket::agent::Spool& sp = **spool;
  const uint64_t start = sp.last_seq() + 1;

  // Latency: submit time per seq of this run; measured when the Ack covering it arrives.
  std::mutex lat_mu;
  std::vector<int64_t> submitted_ns(args.count + 2, 0);
  std::vector<double> latencies_ms;
  uint64_t lat_acked = start - 1;
  picket::agent::SenderOptions so{.endpoint = args.endpoint, .client = pair.value(), .server_public_z85 = server.value()};
  so.window = args.window;
  so.batch_max_alerts = args.batch;
  so.heartbeat_interval = std::chrono::milliseconds(args.heartbeat_ms);
  so.ack_timeout = std::chrono::milliseconds(args.ack_timeout_ms);
  so.reconnect_max = std::chrono::milliseconds(1000);
  so.host_name = "driver";
  so.version = "driver";
  picket::agent::Sender sender(sp, so);
  sender.set_ack_callback([&](uint64_t acked) {
    const int64_t now = Clock::now().time_since_epoch().count();
    std::lock_guard lock(lat_mu);
    for (uint64_t s = lat_acked + 1; s <= acked && s <= args.count; ++s) {
      if (submitted_ns[s] != 0) latencies_ms.push_back(static_cast<double>(now - submitted_ns[s]) / 1e6);
    }
    lat_acked = std::max(lat_acked, acked);
  });
  if (auto s = sender.start(); !s) {
    std::cerr << "agent_driver: " << s.error().format() << '\n';
    return 4;
  }
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::seconds(args.timeout_s);
  std::vector<picket::v1::Alert> chunk;
  uint64_t next = start;
  while (next <= args.count) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(args.chunk, args.count - next + 1));
    if (args.rate > 0) {
      const auto due = t0 + std::chrono::nanoseconds(static_cast<int64_t>((next - start) * 1e9 / args.rate));
      std::this_thread::sleep_until(due);
    }
    chunk.resize(n);
    for (size_t i = 0; i < n; ++i) fill_alert(next + i, &chunk[i]);
    const int64_t now = Clock::now().time_since_epoch().count();
    {
      std::lock_guard lock(lat_mu);
      for (size_t i = 0; i < n; ++i) submitted_ns[next + i] = now;
    }
    const size_t accepted = sp.append_many(chunk);
    if (accepted != n) {
      std::cerr << "agent_driver: spool refused alerts (cap)\n";
      return 5;
    }
    for (size_t i = 0; i < n; ++i) {
      if (chunk[i].seq() != next + i) {
        std::cerr << "agent_driver: seq " << chunk[i].seq() << " for index " << next + i << '\n';
        return 6;
      }
    }
    next += n;
    if (Clock::now() > deadline) break;
  }
  const auto t_submitted = Clock::now();
  int rc = 0;
  if (args.exit_when_acked) {
    while (sp.acked_seq() < args.count) {
      if (Clock::now() > deadline) {
        rc = 7;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } else {
    while (Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto t_end = Clock::now();
  sender.stop();
  const auto st = sender.stats();
  std::lock_guard lock(lat_mu);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    return latencies_ms[std::min(latencies_ms.size() - 1, static_cast<size_t>(p * latencies_ms.size()))];
  };
  const double secs = std::chrono::duration<double>(t_end - t0).count();
  std::printf("acked=%llu start=%llu sent=%llu batches=%llu rewinds=%llu connects=%llu submit_s=%.3f total_s=%.3f "
              "rate=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
              static_cast<unsigned long long>(sp.acked_seq()), static_cast<unsigned long long>(start),
              static_cast<unsigned long long>(st.alerts_sent), static_cast<unsigned long long>(st.batches_sent),
              static_cast<unsigned long long>(st.rewinds), static_cast<unsigned long long>(st.connects),
              std::chrono::duration<double>(t_submitted - t0).count(), secs,
              static_cast<double>(args.count - start + 1) / secs, pct(0.5), pct(0.99),
              latencies_ms.empty() ? 0.0 : latencies_ms.back());
  std::fflush(stdout);
  return rc;
}
