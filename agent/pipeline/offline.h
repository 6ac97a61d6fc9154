#pragma once
// Runs the network pipeline over a packet source until it ends: reader (capture + decode + fragment
// reassembly) and `cfg.workers` workers (flows spread by a symmetric hash). With one worker everything
// runs inline on the calling thread.
//
//   auto src = capture::open_file(path);
//   pipeline::AlertRouter router(cfg, eve.get(), types.alert, nullptr);
//   std::vector<pipeline::Inspector*> inspectors = {...};
//   pipeline::RunStats st = pipeline::run(**src, cfg, inspectors, &router, eve.get(), types);
//   std::cout << pipeline::format_summary(st);
//
// Inspectors get start(workers) before the first packet and finish() after the last flow ended.
// Called from one thread; it blocks until the source ends (or stop() is called from another thread).
#include <atomic>
#include <cstdint>
#include <span>
#include <string>

#include "agent/capture/capture.h"
#include "agent/decode/decoder.h"
#include "agent/output/eve_writer.h"
#include "agent/pipeline/inspector.h"
#include "agent/pipeline/pipeline_config.h"
#include "agent/pipeline/worker.h"

namespace picket::pipeline {

struct RunStats {
  capture::CaptureStats capture;
  decode::DecodeStats decode;
  WorkerStats workers;
  uint64_t alerts = 0;
  unsigned worker_threads = 1;
  double seconds = 0;         // wall time
  int64_t last_ts_us = 0;     // capture time of the last packet
  std::string read_error;     // a capture read error (e.g. a truncated file), empty when none
};

RunStats run(capture::PacketSource& source, const PipelineConfig& cfg, std::span<Inspector* const> inspectors,
             AlertSink* alerts, output::EveSink* eve, output::EveTypes types, const std::atomic<bool>* stop = nullptr);

// The human summary printed at the end of --read-pcap: packets, bytes, flows, protocols, anomalies by
// name (non-zero ones), stream and app-layer counts.
std::string format_summary(const RunStats& s);
// The same as one EVE "stats" line.
std::string render_stats_event(const RunStats& s, int64_t ts_us);

}  // namespace picket::pipeline
