#include "agent/pipeline/alert_router.h"

#include "common/eve/eve.h"

namespace picket::pipeline {

AlertRouter::AlertRouter(const PipelineConfig& cfg, output::EveSink* eve, bool log_to_eve, Consumer consumer)
    : cfg_(cfg), eve_(eve), log_to_eve_(log_to_eve), consumer_(std::move(consumer)) {}

void AlertRouter::alert(v1::Alert&& a, const AlertContext& ctx) {
  count_.fetch_add(1, std::memory_order_relaxed);
  if (a.event_time_us() == 0) {
    a.set_event_time_us(ctx.packet != nullptr ? ctx.packet->ts_us : ctx.flow != nullptr ? ctx.flow->last_ts_us : 0);
  }
  v1::NetworkInfo net;
  output::fill_network(ctx.flow, ctx.packet, ctx.dir, &net);
  if (ctx.has_tx) net.set_tx_id(ctx.tx_id);
  net.set_stream(ctx.stream);
  if (!ctx.payload.empty() && cfg_.payload_excerpt > 0) {
    auto bytes = ctx.payload.first(std::min<size_t>(ctx.payload.size(), cfg_.payload_excerpt));
    net.set_payload(output::redact_payload(bytes, cfg_.redaction));
  }
  if (ctx.app != nullptr) {
    if (ctx.app->http != nullptr) {
      output::fill_http(*ctx.app->http, cfg_.redaction, net.mutable_http());
      if (!ctx.has_tx) net.set_tx_id(ctx.app->http->id);
    } else if (ctx.app->dns != nullptr) {
      output::fill_dns(*ctx.app->dns, 0, net.mutable_dns());
    } else if (ctx.app->tls != nullptr) {
      output::fill_tls(*ctx.app->tls, net.mutable_tls());
    }
  }
  // Fields the inspector preset win.
  net.MergeFrom(a.net());
  *a.mutable_net() = std::move(net);
  if (ctx.flow != nullptr) ctx.flow->alerted = true;
  if (log_to_eve_ && eve_ != nullptr) eve_->write(eve::render_alert(a));
  if (consumer_) consumer_(a);
}

}  // namespace picket::pipeline
