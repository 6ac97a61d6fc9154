#pragma once
// The rule engine as a pipeline::Inspector (agent/pipeline/inspector.h), and the holder that lets a
// SIGHUP reload swap rule sets while traffic flows.
//
//   detect::EngineHolder holder;
//   Diagnostics diag;
//   if (!holder.reload(rule_paths, detect::engine_config_from(settings), &diag)) report(diag);
//   std::shared_ptr<pipeline::Inspector> insp = detect::make_inspector(holder);
//   ... pipeline::run(..., {insp.get()}, ...);
//   // on SIGHUP, from any thread: holder.reload(paths, cfg, &diag);  a failed reload keeps the old set.
//
// Or in one call: detect::make_inspector(rule_paths, settings, &diag) (nullptr when no rule loads).
//
// Threads: the inspector follows the pipeline's contract (one worker per flow; per-worker scratch).
// EngineHolder::reload/current may be called from any thread; workers pick up a new engine at their next
// packet, and the old engine is freed when the last worker drops it.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/detect/engine.h"
#include "agent/detect/reload.h"
#include "agent/pipeline/inspector.h"
#include "common/config.h"

namespace picket::detect {


std::shared_ptr<pipeline::Inspector> make_inspector(std::shared_ptr<EngineHolder> holder);
// Loads `rule_paths` with the configuration's variables, classification and threshold file. Prints
// nothing; rejected rules go to `diag`. nullptr when no rule loads.
std::shared_ptr<pipeline::Inspector> make_inspector(const std::vector<std::string>& rule_paths,
                                                    const config::Settings& settings, Diagnostics* diag);

}  // namespace picket::detect
