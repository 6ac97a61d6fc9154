// EVE rendering throughput: every alert the agent writes or the collector forwards goes through it.
//   build/release/bench/eve_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "common/eve/eve.h"

namespace {

picket::v1::Alert network_alert() {
  picket::v1::Alert a;
  a.set_event_time_us(1796032800123456);
  a.set_seq(1);
  auto* r = a.mutable_rule();
  r->set_engine(picket::v1::ENGINE_SURICATA);
  r->set_rule_id("2010935");
  r->set_sid(2010935);
  r->set_rev(3);
  r->set_title("ET SCAN Suspicious inbound to MSSQL port 1433");
  r->set_severity(2);
  r->set_category("Potentially Bad Traffic");
  (*r->mutable_metadata())["created_at"].add_values("2010_07_30");
  auto* n = a.mutable_net();
  n->set_src_ip("203.0.113.7");
  n->set_src_port(51234);
  n->set_dest_ip("192.168.1.10");
  n->set_dest_port(80);
  n->set_proto("TCP");
  n->set_flow_id(1234567890123456);
  n->set_app_proto("http");
  n->mutable_http()->set_hostname("portal.gov.example");
  n->mutable_http()->set_url("/index.php?page=../../etc/passwd");
  n->mutable_http()->set_http_user_agent("Mozilla/5.0 (X11; Linux x86_64)");
  n->set_payload(std::string(256, 'A'));
  return a;
}

void BM_RenderNetworkAlert(benchmark::State& state) {
  picket::v1::Alert a = network_alert();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string line = picket::eve::render_alert(a);
    bytes += line.size();
    benchmark::DoNotOptimize(line);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RenderNetworkAlert);

}  // namespace

BENCHMARK_MAIN();
