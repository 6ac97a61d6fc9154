// PostgreSQL through AppState (detection included). Input layout (fuzz/app/two_way.h): byte 0 = chunk size
// for feeding (1..256), bytes 1-2 = where the client stream ends and the server stream starts (the top bit
// is unused); the rest is data. Both directions are fed interleaved chunk by chunk, then both sides close.
#include <cstddef>
#include <cstdint>

#include "agent/app/app_state.h"
#include "agent/app/pgsql.h"
#include "fuzz/app/two_way.h"

namespace {

struct CountingSink : picket::app::AppEventSink {
  size_t bytes = 0;
  void on_app_event(const picket::app::AppEvent& e) override {
    if (e.pgsql != nullptr) {
      bytes += e.pgsql->simple_query.size() + e.pgsql->command_completed.size() + e.pgsql->password.size();
      for (const auto& [k, v] : e.pgsql->startup_params) bytes += k.size() + v.size();
      for (const auto& [c, v] : e.pgsql->error_fields) bytes += v.size();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = picket::fuzz::split_two_way(data, size);
  if (!in) return 0;
  picket::app::AppLimits limits;
  limits.pgsql_max_message = 4096;
  limits.pgsql_max_pending_tx = 8;
  picket::app::AppCounters counters;
  picket::app::AppState app(limits, counters, 5432);
  CountingSink sink;
  picket::fuzz::feed_two_way(app, in->client, in->server, in->chunk, &sink);
  return 0;
}
