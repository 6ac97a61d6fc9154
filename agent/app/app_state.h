#pragma once
// Per-flow application-layer state: detects the protocol from the first bytes of each direction and
// hands reassembled stream data to the HTTP, TLS or DNS parser. This is what the network pipeline calls.
//
//   picket::app::AppState app(limits, counters, /*server_port=*/flow.dst_port);
//   // TCP: reassembled, in-order stream bytes per direction, any chunk size:
//   app.on_data(Direction::kToServer, bytes, &sink);
//   app.on_gap(Direction::kToClient);            // reassembly lost bytes in that direction
//   app.on_close(Direction::kToClient, &sink);   // FIN/RST/timeout of that direction
//   // UDP: one datagram at a time (DNS):
//   app.on_datagram(Direction::kToServer, payload, &sink);
//   app.proto();  app.http();  app.tls();
//
// Midstream pickup (set_midstream): the side that sent first may be the server. When its first bytes
// only make sense the other way round (a to_server stream starting "HTTP/1.1 200", a ServerHello), the
// flow is taken as reversed, as Suricata does for midstream flows: the parser then sees that side as
// the server. Events still carry the flow direction of the bytes (so addresses stay those of the
// packets); which side of a transaction an event is about is given by its kind (kHttpResponseHeaders is
// always the server's side), and `reversed()` tells whoever needs the logical direction.
//
// Events (app_event.h) go to `sink` synchronously; `const HttpTx*` / `const TlsParser*` they carry stay
// valid until the next call on this AppState. Memory per flow is bounded by AppLimits. One AppState per
// flow, used only by the worker thread that owns the flow.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "agent/app/app_event.h"
#include "agent/app/detect.h"
#include "agent/app/dhcp.h"
#include "agent/app/dns.h"
#include "agent/app/http.h"
#include "agent/app/http2.h"
#include "agent/app/pgsql.h"
#include "agent/app/tls.h"
#include "agent/app/types.h"

namespace picket::app {

class AppState {
 public:
  // limits and counters must outlive the AppState (they are the worker's).
  AppState(const AppLimits& limits, AppCounters& counters, uint16_t server_port);
  ~AppState();
  AppState(const AppState&) = delete;
  AppState& operator=(const AppState&) = delete;

  // Call before the first on_data when the flow was picked up without its handshake.
  void set_midstream(bool midstream) { midstream_ = midstream; }

  void on_data(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);
  void on_close(Direction dir, AppEventSink* sink);
  void on_gap(Direction dir);
  // One UDP payload; detection runs on the first one (probe_udp), DNS/LLMNR/DHCP payloads are parsed each
  // time (kDnsMessage with proto kDns or kLlmnr, kDhcpMessage).
  void on_datagram(Direction dir, std::span<const uint8_t> payload, uint16_t src_port, uint16_t dst_port,
                   AppEventSink* sink);

  AppProto proto() const { return proto_; }
  bool detection_done() const { return detect_done_; }
  // Midstream flow whose first sender turned out to be the server (see above).
  bool reversed() const { return reversed_; }
  // The parser for the detected protocol, or null.
  const HttpParser* http() const { return http_.get(); }
  const TlsParser* tls() const { return tls_.get(); }
  const DnsTcpParser* dns_tcp() const { return dns_tcp_.get(); }
  const Http2Parser* http2() const { return http2_.get(); }
  const PgsqlParser* pgsql() const { return pgsql_.get(); }
  // The HTTP transaction with this id (HttpTx::id) still held by the HTTP/1 or HTTP/2 parser, or null.
  const HttpTx* http_tx(uint64_t id) const;
  // The last DNS message from on_datagram (valid until the next call).
  const DnsMessage& last_datagram() const { return dgram_; }

 private:
  // Forwards parser events with their direction turned back into the flow's (reversed flows only).
  struct FlipSink : AppEventSink {
    AppEventSink* inner = nullptr;
    void on_app_event(const AppEvent& e) override;
  };

  void decide(AppProto p, AppEventSink* sink, Direction dir);
  Probe enabled(Probe p) const;
  void dispatch(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);
  // The parser's view: the flow direction, or its opposite on a reversed flow.
  Direction logical(Direction dir) const;
  AppEventSink* out(AppEventSink* sink);

  const AppLimits& limits_;
  AppCounters& counters_;
  uint16_t server_port_;
  AppProto proto_ = AppProto::kUnknown;
  bool detect_done_ = false;
  bool midstream_ = false;
  bool reversed_ = false;
  FlipSink flip_;
  bool gap_[2] = {false, false};
  std::string pending_[2];  // bytes held per direction until detection decides
  std::unique_ptr<HttpParser> http_;
  std::unique_ptr<TlsParser> tls_;
  std::unique_ptr<DnsTcpParser> dns_tcp_;
  std::unique_ptr<Http2Parser> http2_;
  std::unique_ptr<PgsqlParser> pgsql_;
  DnsMessage dgram_;
  DhcpMessage dhcp_;  // the last DHCP datagram (on_datagram)
};

}  // namespace picket::app
