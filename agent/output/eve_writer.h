#pragma once
// EVE output: the file sink (eve.json lines) and the renderers of the agent's event types in Suricata's
// layout: flow, http, dns, tls (alerts use common/eve render_alert). Logged HTTP fields are redacted
// per output::Redaction (redact.h).
//
//   auto w = output::EveFileWriter::open("/tmp/eve.json");     // Result<std::unique_ptr<EveFileWriter>>
//   output::EveTypes types = *output::EveTypes::parse("alert,flow,http");
//   (*w)->write(output::render_flow(flow, redaction));
//
// EveFileWriter::write may be called from any thread (one lock; lines are never interleaved). The
// renderers are pure and thread-safe.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "agent/app/dhcp.h"
#include "agent/app/dns.h"
#include "agent/app/http.h"
#include "agent/app/tls.h"
#include "agent/decode/packet.h"
#include "agent/flow/flow.h"
#include "agent/output/redact.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::output {

struct EveTypes {
  bool alert = true, flow = true, http = true, dns = true, tls = true, stats = false;
  // "alert,flow,http,dns,tls,stats" (any subset; "log" is accepted and ignored: it belongs to --read-log).
  // An unknown name is an error naming it.
  static Result<EveTypes> parse(std::string_view list);
};

// A line sink, spdlog base_sink style: the public call takes the lock, write_() does the work.
class EveSink {
 public:
  virtual ~EveSink() = default;
  void write(std::string_view line) {
    std::lock_guard<std::mutex> lock(mu_);
    write_(line);
    ++lines_;
  }
  void flush() {
    std::lock_guard<std::mutex> lock(mu_);
    flush_();
  }
  uint64_t lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 protected:
  virtual void write_(std::string_view line) = 0;
  virtual void flush_() {}

 private:
  mutable std::mutex mu_;
  uint64_t lines_ = 0;
};

class EveFileWriter final : public EveSink {
 public:
  static Result<std::unique_ptr<EveFileWriter>> open(const std::string& path);
  ~EveFileWriter() override;
  explicit EveFileWriter(std::FILE* f) : f_(f) {}

 protected:
  void write_(std::string_view line) override;
  void flush_() override;

 private:
  std::FILE* f_;
};

// Network fields of an event from a flow (client = src) or, when `packet` is given, in the packet's
// direction. Fills src/dest, ports, proto, flow_id, app_proto, vlan, ip_version, icmp type/code.
void fill_network(const flow::Flow* flow, const decode::Packet* packet, flow::Direction dir,
                  v1::NetworkInfo* net);
void fill_http(const app::HttpTx& tx, const Redaction& r, v1::HttpInfo* out);
// `question`: which question the record is about (queries are logged one per question).
void fill_dns(const app::DnsMessage& msg, size_t question, v1::DnsInfo* out);
void fill_tls(const app::TlsParser& tls, v1::TlsInfo* out);
// An LLMNR message (a DnsMessage seen on an LLMNR flow) and a DHCP message, as alerts carry them.
void fill_llmnr(const app::DnsMessage& msg, v1::LlmnrInfo* out);
void fill_dhcp(const app::DhcpMessage& msg, v1::DhcpInfo* out);

std::string render_flow(const flow::Flow& f);
std::string render_http(const flow::Flow& f, const app::HttpTx& tx, int64_t ts_us, const Redaction& r);
// One line per question for queries, one line for a response.
std::string render_dns(const flow::Flow& f, flow::Direction dir, const app::DnsMessage& msg, uint64_t tx_id,
                       int64_t ts_us, size_t question);
std::string render_tls(const flow::Flow& f, const app::TlsParser& tls, int64_t ts_us);

}  // namespace picket::output
